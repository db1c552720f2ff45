-- Builds the Postsync test session in headless Ardour (ardour7-lua): the
-- demo scene recorded into two tracks through JACK, the four plugins on the
-- ADR track with the production on their sidechains, one learning pass,
-- the latency Ardour sees printed, the session saved.  Environment: PS_SESSION (its
-- folder), PS_PLAY (a script that starts the player and connects it),
-- PS_SECONDS (how long the material is).
local dir = os.getenv("PS_SESSION")
local seconds = tonumber(os.getenv("PS_SECONDS"))
assert(AudioEngine:set_backend("JACK", "ardour", ""), "no JACK backend")
assert(AudioEngine:start(false) == 0, "the engine did not start")
local s = create_session(dir, "postsync", 48000)
assert(s, "no session")
local function wait(sec) for _ = 1, math.floor(sec * 10) do ARDOUR.LuaAPI.usleep(100000) end end
local function track(name)
  local tl = s:new_audio_track(1, 1, nil, 1, name, ARDOUR.PresentationInfo.max_order,
                               ARDOUR.TrackMode.Normal, true)
  for t in tl:iter() do return t end
end
local prod = track("production")
local adr = track("adr")

-- the chain on the ADR track, the production on the sidechains
local uris = {"urn:postsync:lipsync", "urn:postsync:eqmatch#mono", "urn:postsync:roomtone#mono",
              "urn:postsync:loudness#mono"}
local procs = {}
local prod_out = prod:output():audio(0):name()
prod:output():disconnect_all(nil) -- the production only feeds the sidechains
for i, uri in ipairs(uris) do
  local p = ARDOUR.LuaAPI.new_plugin(s, uri, ARDOUR.PluginType.LV2, "")
  assert(not p:isnil(), "cannot load " .. uri)
  assert(adr:add_processor_by_index(p, i - 1, nil, true) == 0, "cannot insert " .. uri)
  if i <= 3 then
    assert(adr:add_sidechain(p), "no sidechain for " .. uri)
    local sc = p:to_insert():sidechain_input()
    assert(sc:audio(0):connect(prod_out) == 0, "cannot feed the sidechain of " .. uri)
  end
  procs[i] = p
end
-- record both tracks from the player
for _, t in ipairs({prod, adr}) do
  t:rec_enable_control():set_value(1, PBD.GroupControlDisposition.NoGroup)
end
s:maybe_enable_record(false)
s:request_roll(ARDOUR.TransportRequestSource.TRS_UI)
wait(0.3)
os.execute("sh " .. os.getenv("PS_PLAY"))
wait(seconds + 0.7)
s:request_stop(false, false, ARDOUR.TransportRequestSource.TRS_UI)
wait(1.0)
for _, t in ipairs({prod, adr}) do
  t:rec_enable_control():set_value(0, PBD.GroupControlDisposition.NoGroup)
end
print("recorded regions", prod:playlist():n_regions(), adr:playlist():n_regions())

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

print(string.format("lipsync latency %d, the route's %d", procs[1]:signal_latency(),
                    adr:signal_latency()))
for i = 1, 4 do print("plugin " .. i .. " " .. procs[i]:display_name()) end
s:save_state("", false, false, false, false, false)
close_session()
print("built")
