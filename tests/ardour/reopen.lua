-- Reopens the saved session in a new process: the ADR track's four
-- plugins are there, in order, with their sidechains, and Ardour sees lip
-- sync's latency again.
local dir = os.getenv("PS_SESSION")
AudioEngine:set_backend("None (Dummy)", "", "")
AudioEngine:start(false)
local s = load_session(dir, "postsync")
assert(s, "cannot reopen the session")
local adr = s:route_by_name("adr")
assert(not adr:isnil(), "no adr track")
for i = 0, 3 do
  local p = adr:nth_plugin(i)
  local sc = p:to_insert():sidechain_input()
  print("reopened plugin " .. (i + 1) .. " " .. p:display_name() .. (sc:isnil() and "" or " with a sidechain"))
end
print(string.format("reopened lipsync latency %d", adr:nth_plugin(0):signal_latency()))
close_session()
print("reopened")
