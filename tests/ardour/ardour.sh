#!/bin/sh
# WORK IN PROGRESS, run by no suite: on this machine it passes one run in
# three.  Ardour's JACK backend fails now and then to register the
# sidechain's port ("Failed to register port SC adr/Postsync Lip Sync
# 1/audio_in 1") and aborts; after such a crash jackd may not start again;
# and the export's lead-in came out 6.7 dB under the production's room
# tone once (the master bus's pan law, or the export's start: to find out).
# Output controls cannot be read from Lua in 7.3 (LuaAPI's
# get_plugin_insert_param reads inputs only), so the meter's readings are
# not checked yet.
#
# Postsync in Ardour 7, headless (ardour7-lua, ardour7-export):
#
#   ardour.sh BUILD_ROOT SOURCE_ROOT
#
#  - a session with a production track and an ADR track, both recorded
#    through JACK (its dummy driver) from the demo scene played by
#    jack-play (Lua cannot import files headless in Ardour 7);
#  - on the ADR track the four plugins, the production on the sidechains
#    of lip sync, EQ match and room tone (Route:add_sidechain); one pass
#    with EQ match and room tone learning; the latency Ardour sees for lip
#    sync;
#  - the session saved, reopened in a new process: the four plugins, their
#    sidechains and the latency are there;
#  - exported twice by ardour7-export, each a new process reopening the
#    session: the same file, and under the ADR take the production's room
#    tone (which only the learned profile, restored from the session, can
#    put there: learning is off by then).
# Headless Ardour 7.3 may crash at exit: a script that printed its last
# line counts as done whatever its exit status.  Skipped (77) without
# ardour7-lua, ardour7-export, jackd or jack-play (Debian: ardour, jackd2,
# jack-tools).
set -eu
build=$1 src=$2
for tool in ardour7-lua ardour7-export jackd jack-play jack_connect jack_lsp sox; do
  command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool missing"; exit 77; }
done
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
jackd_pid=""
cleanup() {
  if [ -n "$jackd_pid" ]; then
    kill $jackd_pid 2>/dev/null || true
    for _ in $(seq 50); do kill -0 $jackd_pid 2>/dev/null || break; sleep 0.1; done
    kill -9 $jackd_pid 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
export LV2_PATH="$build/plugins"
unset JACK_DEFAULT_SERVER
if jack_lsp >/dev/null 2>&1; then
  echo "SKIP: a JACK server already runs here"
  exit 77
fi
jackd -r -d dummy -r 48000 -p 1024 >"$tmp/jackd.log" 2>&1 &
jackd_pid=$!
for _ in $(seq 50); do jack_lsp >/dev/null 2>&1 && break; sleep 0.2; done
jack_lsp >/dev/null 2>&1 || { cat "$tmp/jackd.log"; fail "jackd did not start"; }

seconds=12
sox -V1 -M "$src/demo/production.flac" "$src/demo/adr.flac" "$tmp/scene.wav" trim 0 $seconds
cat >"$tmp/play.sh" <<PLAY
jack-play "$tmp/scene.wav" >"$tmp/play.log" 2>&1 &
pid=\$!
for i in \$(seq 50); do jack_lsp | grep -q "jack-play-\$pid:out_2" && break; sleep 0.05; done
jack_connect "jack-play-\$pid:out_1" "\$(jack_lsp | grep 'production/audio_in 1\$' | head -1)"
jack_connect "jack-play-\$pid:out_2" "\$(jack_lsp | grep 'adr/audio_in 1\$' | head -1)"
PLAY
export PS_SESSION="$tmp/session" PS_PLAY="$tmp/play.sh" PS_SECONDS=$seconds

# run SCRIPT LAST_LINE: ardour7-lua, done when it printed LAST_LINE
run() {
  set +e
  timeout 120 ardour7-lua "$here/$1" >"$tmp/$1.log" 2>&1
  rc=$?
  set -e
  grep -v '^MIDI\|^MTC\|call-slot\|WARNING' "$tmp/$1.log" | sed 's/^/  /'
  grep -q "^$2\$" "$tmp/$1.log" || fail "$1 did not finish (exit $rc)"
  [ $rc -eq 0 ] || echo "  ($1: exit $rc after its last line, tolerated)"
}
num() { sed -n "s/.*$1 \\([-0-9.]*\\).*/\\1/p" "$tmp/$2.log" | head -1; }

echo "building the session"
run build.lua built
grep -q "^recorded regions 1 1$" "$tmp/build.lua.log" || fail "the two tracks were not recorded"
[ "$(num 'lipsync latency' build.lua)" = 75648 ] || fail "lip sync's latency"
[ "$(num "the route's" build.lua)" -ge 75648 ] || fail "Ardour does not see lip sync's latency"
echo "reopening it in a new process"
run reopen.lua reopened
for i in 1 2 3; do
  grep -q "^reopened plugin $i .* with a sidechain$" "$tmp/reopen.lua.log" ||
    fail "plugin $i or its sidechain did not survive"
done
grep -q "^reopened plugin 4 Postsync Loudness Mono" "$tmp/reopen.lua.log" || fail "the meter did not survive"
[ "$(num 'reopened lipsync latency' reopen.lua)" = 75648 ] || fail "lip sync's latency after reopening"

echo "exporting it twice"
for k in 1 2; do
  set +e
  timeout 120 ardour7-export -b float -o "$tmp/export$k.wav" "$tmp/session" postsync >"$tmp/export$k.log" 2>&1
  set -e
  [ -s "$tmp/export$k.wav" ] || { cat "$tmp/export$k.log"; fail "export $k"; }
done
sox "$tmp/export1.wav" -t f32 "$tmp/e1.raw"; sox "$tmp/export2.wav" -t f32 "$tmp/e2.raw"
cmp "$tmp/e1.raw" "$tmp/e2.raw" || { xxd -l 96 "$tmp/export1.wav"; xxd -l 96 "$tmp/export2.wav"; fail "two exports differ"; }
soxi "$tmp/export1.wav" | grep -E "Channels|Duration" | sed 's/^/  /'
rms() { sox "$1" -n remix 1 trim 0.05 =0.45 stats 2>&1 | awk '/^RMS lev dB/ { print $4 }'; }
p=$(rms "$src/demo/production.flac"); a=$(rms "$src/demo/adr.flac"); e=$(rms "$tmp/export1.wav")
echo "  lead-in RMS: production $p, ADR take $a, export $e dBFS"
awk -v p="$p" -v a="$a" -v e="$e" 'BEGIN { d = e - p; exit !(d < 4 && d > -4 && e - a > 15) }' ||
  fail "the export's lead-in is not the production's room tone"
echo "ok"
