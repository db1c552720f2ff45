-- Opens the recorded session with Ardour's dummy backend and builds the
-- chain as a mixer would:
--  - the ADR track: lip sync, EQ match, room tone, the loudness meter;
--  - the production track on the master's left, the ADR track on its
--    right, and on the sidechains of EQ match and room tone;
--  - the guide track (the production again, not heard) on lip sync's
--    sidechain, through x42's No Delay Line set to report lip sync's
--    latency without delaying: Ardour 7 compensates a sidechain only for
--    the plugins after the one it feeds, so a guide taken straight from
--    the production would reach lip sync a whole latency late (the take
--    then lands 1.58 s late, and out of reach);
-- then one pass with EQ match and room tone learning, the latency Ardour
-- sees printed, the session saved.  Environment: PS_SESSION (its folder),
-- PS_SECONDS (how long the material is).
local dir = os.getenv("PS_SESSION")
local seconds = tonumber(os.getenv("PS_SECONDS"))
AudioEngine:set_backend("None (Dummy)", "", "")
AudioEngine:start(false)
local s = load_session(dir, "postsync")
assert(s, "cannot open the recorded session")
local function wait(sec) for _ = 1, math.floor(sec * 10) do ARDOUR.LuaAPI.usleep(100000) end end
local prod = s:route_by_name("production"):to_track()
local guide = s:route_by_name("guide"):to_track()
local adr = s:route_by_name("adr"):to_track()
print("regions", prod:playlist():n_regions(), guide:playlist():n_regions(), adr:playlist():n_regions())
local function plugin(route, uri, index)
  local p = ARDOUR.LuaAPI.new_plugin(s, uri, ARDOUR.PluginType.LV2, "")
  assert(not p:isnil(), "cannot load " .. uri)
  assert(route:add_processor_by_index(p, index, nil, true) == 0, "cannot insert " .. uri)
  return p
end

-- the production on the master's left, the ADR track on its right, the
-- guide on no bus: the export then holds the guide and the result
local master_in = s:master_out():input()
for k, t in ipairs({prod, adr}) do
  t:output():disconnect_all(nil)
  assert(t:output():audio(0):connect(master_in:audio(k - 1):name()) == 0, "cannot reach the master")
end
guide:output():disconnect_all(nil)

-- the chain on the ADR track
local uris = {"urn:postsync:lipsync", "urn:postsync:eqmatch#mono", "urn:postsync:roomtone#mono",
              "urn:postsync:loudness#mono"}
local procs = {}
for i, uri in ipairs(uris) do
  procs[i] = plugin(adr, uri, i - 1)
  if i <= 3 then
    assert(adr:add_sidechain(procs[i]), "no sidechain for " .. uri)
  end
end
wait(0.5)
local latency = procs[1]:signal_latency()

-- the guide, early by lip sync's latency (port 0 delay, port 1 mode 2: no
-- delay, only report latency)
local early = plugin(guide, "http://gareus.org/oss/lv2/nodelay", 0)
ARDOUR.LuaAPI.set_processor_param(early, 0, latency)
ARDOUR.LuaAPI.set_processor_param(early, 1, 2)
local function feed(p, from)
  local sc = p:to_insert():sidechain_input()
  assert(sc:audio(0):connect(from:output():audio(0):name()) == 0, "cannot feed a sidechain")
end
feed(procs[1], guide)
feed(procs[2], prod)
feed(procs[3], prod)

-- learn: EQ match (port 0) and room tone (port 0), room tone in difference mode (port 2)
ARDOUR.LuaAPI.set_processor_param(procs[2], 0, 1)
ARDOUR.LuaAPI.set_processor_param(procs[3], 0, 1)
ARDOUR.LuaAPI.set_processor_param(procs[3], 2, 1)
s:request_locate(0, false, ARDOUR.LocateTransportDisposition.MustStop, ARDOUR.TransportRequestSource.TRS_UI)
wait(0.5)
s:request_roll(ARDOUR.TransportRequestSource.TRS_UI)
wait(seconds + 2.5)
s:request_stop(false, false, ARDOUR.TransportRequestSource.TRS_UI)
wait(1.0)
ARDOUR.LuaAPI.set_processor_param(procs[2], 0, 0)
ARDOUR.LuaAPI.set_processor_param(procs[3], 0, 0)
wait(0.5)

print(string.format("lipsync latency %d, the route's %d, the guide's %d", latency,
                    adr:signal_latency(), guide:signal_latency()))
for i = 1, 4 do print("plugin " .. i .. " " .. procs[i]:display_name()) end
s:save_state("", false, false, false, false, false)
close_session()
print("built")
