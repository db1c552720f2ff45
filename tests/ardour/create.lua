-- Creates the session with the dummy backend: a production, a guide and an
-- ADR track, mono, empty; saved.  place.py then lays the demo scene's
-- files on them (Lua cannot import files headless in Ardour 7.3).
-- Environment: PS_SESSION (its folder).
local dir = os.getenv("PS_SESSION")
AudioEngine:set_backend("None (Dummy)", "", "")
AudioEngine:start(false)
local s = create_session(dir, "postsync", 48000)
assert(s, "no session")
for _, name in ipairs({"production", "guide", "adr"}) do
  local tl = s:new_audio_track(1, 1, nil, 1, name, ARDOUR.PresentationInfo.max_order,
                               ARDOUR.TrackMode.Normal, true)
  assert(tl:size() == 1, "no track " .. name)
end
s:save_state("", false, false, false, false, false)
close_session()
print("created")
