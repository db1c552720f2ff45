-- Reopens the saved session in a new process (dummy backend):
--  - the ADR track's four plugins are there, in order, with their
--    sidechains, and Ardour sees lip sync's latency again;
--  - what EQ match and room tone learned came back with the session: their
--    output controls, read before anything plays;
--  - the meter, reset and following the transport, measures one pass over
--    the session; its readings, read back from its control outputs.
-- Environment: PS_SESSION (its folder), PS_SECONDS (how long the material is).
local dir = os.getenv("PS_SESSION")
local seconds = tonumber(os.getenv("PS_SECONDS"))
AudioEngine:set_backend("None (Dummy)", "", "")
AudioEngine:start(false)
local s = load_session(dir, "postsync")
assert(s, "cannot reopen the session")
local function wait(sec) for _ = 1, math.floor(sec * 10) do ARDOUR.LuaAPI.usleep(100000) end end
local adr = s:route_by_name("adr")
assert(not adr:isnil(), "no adr track")
local procs = {}
for i = 0, 3 do
  local p = adr:nth_plugin(i)
  local sc = p:to_insert():sidechain_input()
  print("reopened plugin " .. (i + 1) .. " " .. p:display_name() .. (sc:isnil() and "" or " with a sidechain"))
  procs[i + 1] = p
end
print(string.format("reopened lipsync latency %d", procs[1]:signal_latency()))

-- a control port's value; `n` counts the plugin's control ports, inputs
-- and outputs, in port order (what LuaAPI.get_plugin_insert_param takes)
local function value(p, n)
  local v, ok = ARDOUR.LuaAPI.get_plugin_insert_param(p:to_insert(), n, false)
  assert(ok[3], "no control port " .. n)
  return v
end
-- EQ match: ref_seconds 10, take_seconds 11, correction_db 12; room tone:
-- floor_db 5, learned_seconds 6, tones 7
print(string.format("reopened eqmatch ref_seconds %.2f take_seconds %.2f correction_db %.2f",
                    value(procs[2], 10), value(procs[2], 11), value(procs[2], 12)))
print(string.format("reopened roomtone floor_db %.2f learned_seconds %.2f tones %d",
                    value(procs[3], 5), value(procs[3], 6), math.floor(value(procs[3], 7) + 0.5)))

-- the meter (reset 0, follow_transport 1): reset, then one pass over the
-- session's range, the span ardour7-export renders
local meter = procs[4]
ARDOUR.LuaAPI.set_processor_param(meter, 1, 1)
ARDOUR.LuaAPI.set_processor_param(meter, 0, 1)
wait(0.3)
ARDOUR.LuaAPI.set_processor_param(meter, 0, 0)
local from, to = s:current_start_sample(), s:current_end_sample()
s:request_locate(from, false, ARDOUR.LocateTransportDisposition.MustStop, ARDOUR.TransportRequestSource.TRS_UI)
wait(0.5)
s:request_roll(ARDOUR.TransportRequestSource.TRS_UI)
for _ = 1, math.floor((seconds + 10) * 200) do
  if s:transport_sample() >= to then break end
  ARDOUR.LuaAPI.usleep(5000)
end
s:request_stop(false, false, ARDOUR.TransportRequestSource.TRS_UI)
wait(1.0)
print(string.format("measured the session's range, %d to %d, stopped at %d", from, to,
                    s:transport_sample()))
-- integrated 6, range 7, truepeak 10, dialogue 16, speech_pct 17
print(string.format("meter integrated %.2f dialogue %.2f truepeak %.2f range %.2f speech_pct %.1f",
                    value(meter, 6), value(meter, 16), value(meter, 10), value(meter, 7),
                    value(meter, 17)))
close_session()
print("reopened")
