#!/bin/sh
# Postsync in Ardour 7, headless (ardour7-lua, ardour7-export): what a
# mixer does with the suite, checked on the audio Ardour exports.
#
#   ardour.sh BUILD_ROOT SOURCE_ROOT
#
#  - create.lua and place.py: a session with a production, a guide and an
#    ADR track, the demo scene's files laid on them from 1 s on (as
#    recorded regions: headless Ardour 7.3 cannot import files from Lua,
#    and recording them through JACK failed one attempt in three here,
#    jackd 1.9.21 dying on Ardour's port metadata);
#  - build.lua, every step with Ardour's dummy backend: on the ADR track lip sync, EQ match, room
#    tone and the loudness meter; the production on the sidechains of EQ
#    match and room tone (Route:add_sidechain), the guide on lip sync's
#    through x42's No Delay Line reporting lip sync's latency (see
#    build.lua: Ardour 7 does not compensate a sidechain for the latency of
#    the plugin it feeds); the production to the master's left, the ADR
#    track to its right; one pass with EQ match and room tone learning;
#    the latency Ardour sees for lip sync; saved;
#  - reopen.lua, a new process: the plugins, sidechains and latency are
#    there, EQ match's curve and room tone's profile came back (their
#    output controls), and the meter's readings after one pass, read from
#    its control outputs;
#  - ardour7-export twice, each a new process reopening the session: the
#    same audio both times; the take on the right lands on the guide on the
#    left (level envelopes within 20 ms); under it the production's room
#    tone, which only the restored profile can put there; and the meter's
#    readings in Ardour agree with postsync loudness on the export.
# Headless Ardour 7.3 may crash at exit: a script that printed its last
# line counts as done whatever its exit status; wrong audio fails.
# PS_ARDOUR_KEEP=DIR keeps the session, exports and logs there.  Skipped
# (77) without ardour7-lua, ardour7-export or x42's No Delay Line (Debian:
# ardour, x42-plugins).
set -eu
build=$1 src=$2
for tool in ardour7-lua ardour7-export sox python3 lv2ls; do
  command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool missing"; exit 77; }
done
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
cleanup() {
  # PS_ARDOUR_KEEP=DIR keeps the session, the exports and the logs there
  [ -z "${PS_ARDOUR_KEEP:-}" ] || { rm -rf "$PS_ARDOUR_KEEP"; cp -r "$tmp" "$PS_ARDOUR_KEEP"; }
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
# the build's plugins, and Debian's (x42's No Delay Line, for the guide)
export LV2_PATH="$build/plugins:/usr/lib/lv2"
lv2ls | grep -x http://gareus.org/oss/lv2/nodelay >/dev/null ||
  { echo "SKIP: x42's No Delay Line missing (Debian: x42-plugins)"; exit 77; }
# meson perturbs malloc in tests (MALLOC_PERTURB_): for our code, not Ardour
unset MALLOC_PERTURB_

# The scene: the demo's first 12 s, from 1 s on the timeline (a session's
# digital silence before its first region, as in any session)
seconds=13
for k in production adr; do
  sox -V1 "$src/demo/$k.flac" -e floating-point -b 32 "$tmp/$k.wav" trim 0 12
done
export PS_SESSION="$tmp/session" PS_SECONDS=$seconds

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

echo "creating the session"
run create.lua created
python3 "$here/place.py" "$PS_SESSION" postsync 1.0 production="$tmp/production.wav" \
  guide="$tmp/production.wav" adr="$tmp/adr.wav" || fail "cannot lay the scene on the tracks"
echo "building the chain"
run build.lua built
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
# what was learned came back: seconds of speech heard, a correction, a profile
awk -v r="$(num ref_seconds reopen.lua)" -v t="$(num take_seconds reopen.lua)" \
  -v c="$(num correction_db reopen.lua)" -v l="$(num learned_seconds reopen.lua)" \
  'BEGIN { exit !(r > 2 && t > 1 && c > 0.5 && l > 5) }' ||
  fail "EQ match's curve or room tone's profile did not come back with the session"

echo "exporting it twice"
for k in 1 2; do
  set +e
  timeout 120 ardour7-export -b float -o "$tmp/export$k.wav" "$tmp/session" postsync >"$tmp/export$k.log" 2>&1
  set -e
  [ -s "$tmp/export$k.wav" ] || { cat "$tmp/export$k.log"; fail "export $k"; }
done
sox -V1 "$tmp/export1.wav" -t f32 "$tmp/e1.raw"; sox -V1 "$tmp/export2.wav" -t f32 "$tmp/e2.raw"
cmp "$tmp/e1.raw" "$tmp/e2.raw" || fail "two exports differ"
echo "  two exports: the same audio, $(soxi -V1 -s "$tmp/export1.wav") frames of 2 channels"
# left: the production, right: the ADR chain
sox -V1 "$tmp/export1.wav" "$tmp/left.wav" remix 1
sox -V1 "$tmp/export1.wav" "$tmp/right.wav" remix 2

# The take lands on the guide: the level envelopes of the two sides line
# up (different voices: their waveforms do not correlate, their words do).
set -- $("$build/tests/ardour/envlag" "$tmp/left.wav" "$tmp/right.wav" 2000)
lag=$2 corr=$4
set -- $("$build/tests/ardour/envlag" "$src/demo/production.flac" "$src/demo/adr.flac" 2000)
echo "  the take against the guide: unaligned $2 ms (envelope correlation $4), exported $lag ms ($corr)"
awk -v l="$lag" -v c="$corr" 'BEGIN { exit !(l > -20 && l < 20 && c > 0.6) }' ||
  fail "the exported take does not land on the guide"

# Under the take, the production's room tone: only the learned profile,
# restored with the session, can put it there (learning is off by then).
# Measured where the production holds only room tone: 0.05-0.45 s into the
# demo's material, which starts at 1 s.
at=1.05
rms() { sox -V1 "$1" -n remix 1 trim $2 0.4 stats 2>&1 | awk '/^RMS lev dB/ { print $4 }'; }
p=$(rms "$tmp/left.wav" $at); a=$(rms "$src/demo/adr.flac" 0.05); e=$(rms "$tmp/right.wav" $at)
echo "  lead-in RMS from $at s: production $p, ADR take (its own) $a, export $e dBFS"
awk -v p="$p" -v a="$a" -v e="$e" 'BEGIN { d = e - p; exit !(d < 3 && d > -3 && e - a > 15) }' ||
  fail "the export's lead-in is not the production's room tone"

# The meter's readings in Ardour against the tool's on what was exported.
"$build/tools/postsync" loudness --json -q "$tmp/right.wav" >"$tmp/loudness.json"
python3 - "$tmp/loudness.json" "$tmp/reopen.lua.log" <<'PY' || fail "the meter's readings"
import json, re, sys
tool = json.load(open(sys.argv[1]))[0]
line = [l for l in open(sys.argv[2]) if l.startswith("meter ")][0]
meter = dict(zip(*[iter(line.split()[1:])] * 2))
bad = 0
for key, within in (("integrated", 0.3), ("dialogue", 0.5), ("truepeak", 0.5), ("range", 1.0)):
    m, t = float(meter[key]), float(tool[key])
    ok = abs(m - t) <= within
    bad += not ok
    print("  %-10s Ardour's meter %7.2f, postsync loudness on the export %7.2f%s"
          % (key, m, t, "" if ok else "  (more than %.1f apart)" % within))
sys.exit(1 if bad else 0)
PY
echo "ok"
