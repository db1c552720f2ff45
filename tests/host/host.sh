#!/bin/sh
# What a user does with the built suite, one check per call:
#   host.sh CHECK BUILD_ROOT SOURCE_ROOT
# LV2_PATH is the build's plugins folder, as the README tells users.
set -eu
check=$1
build=$2
src=$3
export LV2_PATH="$build/plugins"
postsync="$build/tools/postsync"
uris="urn:postsync:loudness#mono urn:postsync:loudness#stereo urn:postsync:loudness#51 urn:postsync:loudness#71"
eq_uris="urn:postsync:eqmatch#mono urn:postsync:eqmatch#stereo"
rt_uris="urn:postsync:roomtone#mono urn:postsync:roomtone#stereo"
ls_uri="urn:postsync:lipsync"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*"; exit 1; }

case $check in
lv2ls)
  lv2ls >"$tmp/ls"
  cat "$tmp/ls"
  for u in $uris $eq_uris $rt_uris $ls_uri; do grep -qx "$u" "$tmp/ls" || fail "lv2ls does not list $u"; done
  ;;
lv2info)
  for u in $uris; do
    lv2info "$u" >"$tmp/info" || fail "lv2info $u"
    for sym in reset follow_transport target tp_limit momentary shortterm integrated range \
               momentary_max shortterm_max truepeak samplepeak plr deviation tp_over; do
      grep -q "Symbol: *$sym\$" "$tmp/info" || fail "$u has no port $sym"
    done
    grep -q "Has latency: *no" "$tmp/info" || fail "$u reports latency"
    grep -q "Author Email" "$tmp/info" || fail "$u has no maintainer e-mail"
    echo "ok $u: $(grep -c 'Symbol:' "$tmp/info") ports"
  done
  for u in $eq_uris; do
    lv2info "$u" >"$tmp/info" || fail "lv2info $u"
    for sym in learn clear amount smoothing max_gain low_hz high_hz phase enabled latency \
               ref_seconds take_seconds correction_db; do
      grep -q "Symbol: *$sym\$" "$tmp/info" || fail "$u has no port $sym"
    done
    grep -q "Has latency: *yes" "$tmp/info" || fail "$u does not report latency"
    grep -q "worker#interface" "$tmp/info" || fail "$u lists no worker interface"
    grep -q "state#interface" "$tmp/info" || fail "$u lists no state interface"
    echo "ok $u: $(grep -c 'Symbol:' "$tmp/info") ports"
  done
  for u in $rt_uris; do
    lv2info "$u" >"$tmp/info" || fail "lv2info $u"
    for sym in learn clear mode level seed floor_db learned_seconds tones control; do
      grep -q "Symbol: *$sym\$" "$tmp/info" || fail "$u has no port $sym"
    done
    grep -q "Has latency: *no" "$tmp/info" || fail "$u reports latency"
    grep -q "state#interface" "$tmp/info" || fail "$u lists no state interface"
    echo "ok $u: $(grep -c 'Symbol:' "$tmp/info") ports"
  done
  lv2info $ls_uri >"$tmp/info" || fail "lv2info $ls_uri"
  for sym in max_shift flexibility protect enabled latency offset_ms stretch confidence in sc out; do
    grep -q "Symbol: *$sym\$" "$tmp/info" || fail "$ls_uri has no port $sym"
  done
  grep -q "Has latency: *yes" "$tmp/info" || fail "$ls_uri does not report latency"
  echo "ok $ls_uri: $(grep -c 'Symbol:' "$tmp/info") ports"
  ;;
validate)
  command -v sord_validate >/dev/null || fail "sord_validate missing (Debian package sordi)"
  # each plugin bundle alone, then the whole suite (the presets refer to
  # the plugins, so they validate only beside them)
  for b in "$build"/plugins/*.lv2; do
    ls "$b"/*.so >/dev/null 2>&1 || continue
    lv2_validate "$b"/*.ttl >"$tmp/v" 2>&1 || true
    tail -1 "$tmp/v"
    grep -q "Found 0 errors" "$tmp/v" || { cat "$tmp/v"; fail "lv2_validate $b"; }
    if grep -qi "warn" "$tmp/v"; then fail "lv2_validate warns on $b"; fi
  done
  lv2_validate "$build"/plugins/*.lv2/*.ttl >"$tmp/v" 2>&1 || true
  tail -1 "$tmp/v"
  grep -q "Found 0 errors" "$tmp/v" || { cat "$tmp/v"; fail "lv2_validate on the whole suite"; }
  if grep -qi "warn" "$tmp/v"; then fail "lv2_validate warns on the suite"; fi
  ;;
exports)
  for so in "$build"/plugins/*.lv2/*.so; do
    # (the linker's section markers __bss_start, _edata and _end are no API)
    syms=$(nm -D --defined-only "$so" |
      awk '$2 ~ /^[A-TV-Z]$/ && $3 != "" && $3 !~ /^(__bss_start|_edata|_end)$/ {print $3}' | sort -u)
    echo "$so: $syms"
    case $so in
    *_ui.so) want=lv2ui_descriptor ;;
    *) want=lv2_descriptor ;;
    esac
    [ "$syms" = "$want" ] || fail "$so exports more than $want: $syms"
  done
  ;;
lv2apply)
  # a float WAV through every variant with lv2apply (no features, one frame
  # per run): the audio must come out bit for bit
  for u in $uris; do
    case $u in *mono) c=1;; *stereo) c=2;; *51) c=6;; *71) c=8;; esac
    sox -n -r 48000 -c $c -e floating-point -b 32 "$tmp/in.wav" synth 2 pinknoise vol 0.3
    lv2apply -i "$tmp/in.wav" -o "$tmp/out.wav" "$u" || fail "lv2apply $u"
    sox "$tmp/in.wav" -t f32 "$tmp/in.raw"
    sox "$tmp/out.wav" -t f32 "$tmp/out.raw"
    cmp "$tmp/in.raw" "$tmp/out.raw" || fail "lv2apply $u changed the audio"
    echo "ok lv2apply $u: $(stat -c %s "$tmp/out.raw") bytes identical"
  done
  # EQ match takes the reference as the file's last channels (lv2apply maps
  # a file's channels onto the inputs in order); with nothing learned the
  # take comes out bit for bit
  for u in $eq_uris $rt_uris; do
    case $u in *mono) c=1;; *stereo) c=2;; esac
    sox -n -r 48000 -c $c -e floating-point -b 32 "$tmp/take.wav" synth 2 pinknoise vol 0.3
    sox -n -r 48000 -c $c -e floating-point -b 32 "$tmp/ref.wav" synth 2 brownnoise vol 0.3
    sox -M "$tmp/take.wav" "$tmp/ref.wav" "$tmp/in.wav"
    lv2apply -i "$tmp/in.wav" -o "$tmp/out.wav" "$u" || fail "lv2apply $u"
    sox "$tmp/take.wav" -t f32 "$tmp/in.raw"
    sox "$tmp/out.wav" -t f32 "$tmp/out.raw"
    cmp "$tmp/in.raw" "$tmp/out.raw" || fail "lv2apply $u changed the take"
    echo "ok lv2apply $u: $(stat -c %s "$tmp/out.raw") bytes identical"
  done
  # Lip sync, the take and the guide as a file's two channels: disabled, the
  # take comes out delayed by the latency (75648 samples at 48 kHz) bit for
  # bit; enabled with the take as its own guide, the same within rounding
  latency=75648
  sox -n -r 48000 -c 1 -e floating-point -b 32 "$tmp/take.wav" synth 3 pinknoise vol 0.3
  sox -M "$tmp/take.wav" "$tmp/take.wav" "$tmp/in.wav"
  sox "$tmp/take.wav" -t f32 "$tmp/in.raw"
  n=$(soxi -s "$tmp/take.wav")
  head -c $(((n - latency) * 4)) "$tmp/in.raw" >"$tmp/head.raw"
  lv2apply -i "$tmp/in.wav" -o "$tmp/out.wav" -c enabled 0 $ls_uri || fail "lv2apply $ls_uri"
  sox "$tmp/out.wav" -t f32 "$tmp/out.raw"
  tail -c +$((latency * 4 + 1)) "$tmp/out.raw" | cmp - "$tmp/head.raw" ||
    fail "lv2apply $ls_uri disabled is not the take delayed by $latency samples"
  echo "ok lv2apply $ls_uri disabled: the take, $latency samples late, bit for bit"
  lv2apply -i "$tmp/in.wav" -o "$tmp/out.wav" $ls_uri || fail "lv2apply $ls_uri"
  sox "$tmp/out.wav" "$tmp/late.wav" trim ${latency}s
  sox "$tmp/take.wav" "$tmp/early.wav" trim 0 $((n - latency))s
  peak=$(sox -m -v 1 "$tmp/late.wav" -v -1 "$tmp/early.wav" -n stats 2>&1 | awk '/^Pk lev dB/ { print $4 }')
  [ "$peak" = "-inf" ] || awk -v p="$peak" 'BEGIN { exit !(p + 0 < -100) }' ||
    fail "lv2apply $ls_uri: guide as take differs by $peak dBFS"
  echo "ok lv2apply $ls_uri, the take as its own guide: the take, $latency samples late, within $peak dBFS"
  ;;
demo)
  # the whole chain on the shipped scene, through the four plugins
  (cd "$tmp" && "$postsync" demo) >"$tmp/demo"
  cat "$tmp/demo"
  for step in lipsync eqmatch#mono roomtone#mono loudness#mono; do
    grep -q "urn:postsync:$step" "$tmp/demo" || fail "demo did not run urn:postsync:$step"
  done
  grep -q "integrated  *-[0-9]" "$tmp/demo" || fail "demo printed no integrated loudness"
  grep -q "dialogue-gated .* LUFS against .*: pass" "$tmp/demo" || fail "demo's result fails its spec"
  n=$(soxi -s "$src/demo/production.flac")
  for f in aligned matched final; do
    [ "$(soxi -s "$tmp/postsync-demo/$f.wav")" = "$n" ] || fail "$f.wav is not the production's length"
    [ "$(soxi -c "$tmp/postsync-demo/$f.wav")" = 1 ] || fail "$f.wav is not mono"
  done
  head -c 8 "$tmp/postsync-demo/report.png" | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" ||
    fail "report.png is not a PNG"
  # the production's room tone under the take: its lead-in (before the first
  # word at 0.5 s) within 3 dB of the production's, 20 dB and more over the
  # take's own
  rms() { sox "$1" -n trim 0.05 =0.45 stats 2>&1 | awk '/^RMS lev dB/ { print $4 }'; }
  p=$(rms "$src/demo/production.flac"); a=$(rms "$src/demo/adr.flac")
  f=$(rms "$tmp/postsync-demo/final.wav")
  echo "lead-in RMS: production $p, ADR take $a, final $f dBFS"
  awk -v p="$p" -v a="$a" -v f="$f" 'BEGIN { d = f - p; exit !(d < 3 && d > -3 && f - a > 20) }' ||
    fail "the final take's room tone is not the production's"
  # the meter alone over a file
  "$postsync" demo "$src/demo/dialogue.flac" >"$tmp/meter"
  grep -q "integrated  *-[0-9]" "$tmp/meter" || fail "demo FILE printed no integrated loudness"
  # refusals: a spec it does not know (2), a missing file (1), nothing written
  if "$postsync" demo --spec nonsense --out-dir "$tmp/x" 2>"$tmp/err"; then fail "unknown spec"; fi
  if "$postsync" demo --production "$tmp/missing.wav" --adr "$src/demo/adr.flac" \
    --out-dir "$tmp/x" 2>"$tmp/err"; then fail "missing production"; fi
  echo "ok refusals: $(cat "$tmp/err")"
  [ ! -e "$tmp/x" ] || fail "a refused demo left $tmp/x"
  ;;
report)
  # postsync report: a PNG of two files; refusals leave nothing behind
  "$postsync" report "$src/demo/production.flac" "$src/demo/adr.flac" -o "$tmp/r.png"
  head -c 8 "$tmp/r.png" | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" || fail "not a PNG"
  echo "ok report: $(stat -c %s "$tmp/r.png") bytes"
  printf 'not audio\n' >"$tmp/text.wav"
  set +e
  "$postsync" report "$tmp/text.wav" -o "$tmp/bad.png" 2>"$tmp/err"; rc1=$?
  "$postsync" report "$src/demo/adr.flac" 2>/dev/null; rc2=$?
  "$postsync" report "$tmp/r.png" -o "$tmp/r.png" 2>/dev/null; rc3=$?
  set -e
  echo "exit $rc1 ($(cat "$tmp/err")), $rc2 without -o, $rc3 over its own input"
  [ $rc1 -eq 1 ] && [ $rc2 -eq 2 ] && [ $rc3 -eq 2 ] || fail "report's refusals"
  [ ! -e "$tmp/bad.png" ] || fail "a refused report left its PNG"
  ls "$tmp" | grep -q '[.]png[.]tmp' && fail "a report left a temporary file"
  ;;
tool-errors)
  # every bad input: one line on stderr, a non-zero exit, no output file
  printf 'not audio\n' >"$tmp/text.wav"
  sox -n -r 48000 -c 1 "$tmp/empty.wav" trim 0 0
  sox -n -r 4000 -c 1 "$tmp/slow.wav" synth 1 sine 440
  sox -n -r 48000 -c 30 "$tmp/many.wav" synth 1 sine 440
  sox -n -r 48000 -c 2 "$tmp/ok.wav" synth 5 sine 1000 vol 0.1
  for bad in "$tmp/missing.wav" "$tmp/text.wav" "$tmp/empty.wav" "$tmp/slow.wav" "$tmp/many.wav"; do
    rm -f "$tmp/report.json"
    if "$postsync" loudness --json -o "$tmp/report.json" "$tmp/ok.wav" "$bad" 2>"$tmp/err"; then
      fail "accepted $bad"
    fi
    [ "$(wc -l <"$tmp/err")" -ge 1 ] || fail "no message for $bad"
    [ ! -e "$tmp/report.json" ] || fail "left a report behind for $bad"
    ls "$tmp" | grep -q 'report.json.tmp' && fail "left a temporary file for $bad"
    echo "ok $(basename "$bad"): $(head -1 "$tmp/err")"
  done
  if "$postsync" loudness --layout 5.1 "$tmp/ok.wav" 2>"$tmp/err"; then fail "5.1 layout on stereo"; fi
  echo "ok layout mismatch: $(cat "$tmp/err")"
  if "$postsync" loudness --spec nonsense "$tmp/ok.wav" 2>"$tmp/err"; then fail "unknown spec"; fi
  echo "ok unknown spec: $(cat "$tmp/err")"
  "$postsync" loudness --json -o "$tmp/report.json" "$tmp/ok.wav" || fail "good file refused"
  python3 -m json.tool "$tmp/report.json" >/dev/null || fail "report is not JSON"
  echo "ok good file: report written"
  ;;
eqmatch-errors)
  # bad inputs to postsync eqmatch: a message, exit 1 (2 for usage), and no
  # output file left behind
  sox -n -r 48000 -c 1 "$tmp/tone.wav" synth 5 sine 440 vol 0.1
  sox -n -r 8000 -c 1 "$tmp/slow.wav" synth 5 sine 440 vol 0.1
  printf 'not audio\n' >"$tmp/text.wav"
  for bad in "$tmp/missing.wav" "$tmp/text.wav" "$tmp/slow.wav" "$tmp/tone.wav"; do
    rm -f "$tmp/out.wav"
    set +e
    "$postsync" eqmatch --reference "$bad" --take "$tmp/tone.wav" -o "$tmp/out.wav" 2>"$tmp/err"
    rc=$?
    set -e
    [ $rc -eq 1 ] || fail "exit $rc for $bad"
    [ -s "$tmp/err" ] || fail "no message for $bad"
    [ ! -e "$tmp/out.wav" ] || fail "left an output behind for $bad"
    ls "$tmp" | grep -q 'out.wav.tmp' && fail "left a temporary file for $bad"
    echo "ok $(basename "$bad"): $(head -1 "$tmp/err")"
  done
  for args in "--take $tmp/tone.wav -o $tmp/out.wav" "--reference $tmp/tone.wav" \
              "--reference $tmp/tone.wav --take $tmp/tone.wav --amount 300 -o $tmp/out.wav" \
              "--reference $tmp/tone.wav --apply-to $tmp/tone.wav"; do
    set +e
    "$postsync" eqmatch $args 2>"$tmp/err"
    rc=$?
    set -e
    [ $rc -eq 2 ] || fail "exit $rc for usage error: $args"
    echo "ok usage: $(head -1 "$tmp/err")"
  done
  ;;
roomtone-errors)
  # bad inputs to postsync roomtone: a message, exit 1 (2 for usage), and no
  # output file left behind
  sox -n -r 48000 -c 1 "$tmp/short.wav" synth 1 sine 440 vol 0.1
  sox -n -r 8000 -c 1 "$tmp/slow.wav" synth 5 sine 440 vol 0.1
  sox -n -r 48000 -c 3 "$tmp/three.wav" synth 5 sine 440 vol 0.1
  printf 'not a profile\n' >"$tmp/bad.profile"
  for args in "--reference $tmp/missing.wav" "--reference $tmp/slow.wav" \
              "--reference $tmp/three.wav" "--reference $tmp/short.wav" \
              "--profile $tmp/bad.profile" "--profile $tmp/missing.profile"; do
    rm -f "$tmp/out.wav"
    set +e
    "$postsync" roomtone $args --length 2 -o "$tmp/out.wav" 2>"$tmp/err"
    rc=$?
    set -e
    [ $rc -eq 1 ] || fail "exit $rc for $args"
    [ -s "$tmp/err" ] || fail "no message for $args"
    [ ! -e "$tmp/out.wav" ] || fail "left an output behind for $args"
    ls "$tmp" | grep -q 'out.wav.tmp' && fail "left a temporary file for $args"
    echo "ok $args: $(head -1 "$tmp/err")"
  done
  for args in "--length 2 -o $tmp/out.wav" "--reference $tmp/short.wav --length 2" \
              "--reference $tmp/short.wav --length 2 --under $tmp/short.wav -o $tmp/o.wav" \
              "--reference $tmp/short.wav --level 30 --length 2 -o $tmp/o.wav" \
              "--reference $tmp/short.wav --mode loud --under $tmp/short.wav -o $tmp/o.wav"; do
    set +e
    "$postsync" roomtone $args 2>"$tmp/err"
    rc=$?
    set -e
    [ $rc -eq 2 ] || fail "exit $rc for usage error: $args"
    echo "ok usage: $(head -1 "$tmp/err")"
  done
  ;;
align-errors)
  # bad inputs to postsync align: a message, exit 1 (2 for usage), no output
  sox -n -r 48000 -c 1 "$tmp/a.wav" synth 3 sine 300 vol 0.1
  sox -n -r 48000 -c 1 "$tmp/long.wav" synth 10 sine 300 vol 0.1
  printf 'not audio\n' >"$tmp/text.wav"
  for take in "$tmp/missing.wav" "$tmp/text.wav" "$tmp/long.wav"; do
    rm -f "$tmp/out.wav"
    set +e
    "$postsync" align --guide "$tmp/a.wav" --take "$take" -o "$tmp/out.wav" 2>"$tmp/err"
    rc=$?
    set -e
    [ $rc -eq 1 ] || fail "exit $rc for $take"
    [ ! -e "$tmp/out.wav" ] || fail "left an output behind for $take"
    ls "$tmp" | grep -q 'out.wav.tmp' && fail "left a temporary file for $take"
    echo "ok $(basename "$take"): $(head -1 "$tmp/err")"
  done
  for args in "--guide $tmp/a.wav -o $tmp/o.wav" "--guide $tmp/a.wav --take $tmp/a.wav" \
              "--guide $tmp/a.wav --take $tmp/a.wav -o $tmp/o.wav --max-shift 50" \
              "--guide $tmp/a.wav --take $tmp/long.wav -o $tmp/a.wav"; do
    set +e
    "$postsync" align $args 2>"$tmp/err"
    rc=$?
    set -e
    [ $rc -eq 2 ] || fail "exit $rc for usage error: $args"
    echo "ok usage: $(head -1 "$tmp/err")"
  done
  ;;
tool-verdict)
  # a stereo 1 kHz tone at -23 dBFS is -23 LUFS: passes EBU and ATSC
  # (-24 +-2), fails streaming (-14 +-1)
  sox -n -r 48000 -c 2 -e floating-point -b 32 "$tmp/t.wav" synth 20 sine 1000 vol 0.0707946
  "$postsync" loudness --strict --spec ebu "$tmp/t.wav" | tee "$tmp/o"
  grep -q "PASS" "$tmp/o" || fail "EBU verdict"
  "$postsync" loudness --strict --spec atsc "$tmp/t.wav" >"$tmp/o" || fail "ATSC: $(cat "$tmp/o")"
  if "$postsync" loudness --strict --spec streaming "$tmp/t.wav" >"$tmp/o"; then
    fail "streaming passed -23"
  fi
  grep -q "FAIL, loudness -9.0 LU off target" "$tmp/o" || fail "streaming: $(cat "$tmp/o")"
  "$postsync" loudness --target -23 --tolerance 0.1 --tp-limit -25 "$tmp/t.wav" >"$tmp/o" || true
  grep -q "true peak .* over the limit" "$tmp/o" || fail "TP limit: $(cat "$tmp/o")"
  "$postsync" loudness --spec list | grep -q "^atsc" || fail "spec list"
  "$postsync" loudness --csv "$tmp/t.wav" >"$tmp/c"
  [ "$(wc -l <"$tmp/c")" -eq 201 ] || fail "CSV rows: $(wc -l <"$tmp/c")"
  echo "ok verdicts, custom target, spec list, 200 CSV rows"
  ;;
presets)
  # every delivery spec of `postsync loudness --spec list` is a preset of
  # every variant, with the same numbers
  specs=$("$postsync" loudness --spec list | tail -n +2 | wc -l)
  for u in $uris; do
    lv2info "$u" | sed -n '/Presets:/,/^$/p' | grep -c 'dBTP' >"$tmp/n"
    [ "$(cat "$tmp/n")" -eq "$specs" ] || fail "$u has $(cat "$tmp/n") presets, $specs specs"
  done
  v=${uris%% *}; v=${v#*#}
  grep -A16 "preset:$v:netflix>" "$build/plugins/postsync-presets.lv2/presets.ttl" >"$tmp/p"
  grep -A1 '"target"' "$tmp/p" | grep -q 'pset:value -27.0' || fail "netflix target"
  grep -A1 '"tp_limit"' "$tmp/p" | grep -q 'pset:value -2.0' || fail "netflix tp_limit"
  grep -A1 '"target_gate"' "$tmp/p" | grep -q 'pset:value 1.0' || fail "netflix gate"
  echo "ok $specs presets on each of the 4 variants"
  # EQ match and room tone: their presets on both variants, with the
  # values of their tables
  for u in $eq_uris $rt_uris; do
    case $u in *eqmatch*) want=5;; *) want=4;; esac
    got=$(lv2info "$u" | sed -n '/Presets:/,/^$/p' | tail -n +2 | grep -c '[a-z]')
    [ "$got" -eq "$want" ] || fail "$u has $got presets, not $want"
  done
  p="$build/plugins/postsync-presets.lv2/presets.ttl"
  grep -A20 "eqmatch:preset:stereo:gentle>" "$p" | grep -A1 '"amount"' | grep -q 'pset:value 50.0' ||
    fail "eqmatch gentle amount"
  grep -A20 "eqmatch:preset:mono:tonal>" "$p" | grep -A1 '"smoothing"' | grep -q 'pset:value 1.0' ||
    fail "eqmatch tonal smoothing"
  grep -A12 "roomtone:preset:mono:fill-gaps>" "$p" | grep -A1 '"mode"' | grep -q 'pset:value 2.0' ||
    fail "roomtone fill-gaps mode"
  echo "ok 5 EQ-match and 4 room-tone presets on each of their 2 variants"
  ;;
tool-progress)
  # on a terminal (script(1) gives one) a long file shows a progress bar on
  # stderr; in a pipe it does not
  if ! script -qec true /dev/null >/dev/null 2>&1; then
    echo "SKIP: no pseudo-terminal here for script(1)"
    exit 77
  fi
  sox -n -r 48000 -c 2 "$tmp/long.wav" synth 120 pinknoise vol 0.1
  script -qec "$postsync loudness $tmp/long.wav" "$tmp/tty" >/dev/null || fail "on a tty"
  grep -aq "long.wav *\[#*\.*\] *[0-9]*%" "$tmp/tty" || fail "no progress bar on a terminal"
  "$postsync" loudness "$tmp/long.wav" 2>"$tmp/err" >/dev/null
  [ ! -s "$tmp/err" ] || fail "progress written to a pipe: $(cat "$tmp/err")"
  echo "ok progress bar on a terminal only"
  ;;
*)
  fail "unknown check $check"
  ;;
esac
echo "PASS $check"
