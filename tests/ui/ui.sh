#!/bin/sh
# The plugins' X11 UIs in a real host: jalv.gtk3 under Xvfb, with JACK on
# its dummy driver and a file played into the plugin by jack-play.
#
#   ui.sh BUILD_ROOT SOURCE_ROOT URI CLIENT PORTS AUDIO SHOT [W H]
#
# PORTS: the plugin's audio inputs, comma-separated (CLIENT:PORT gets the
# file's channels in order); AUDIO: a file, or files comma-separated whose
# channels are laid side by side (sox -M); JALV_CONTROLS: more jalv options
# (-c SYMBOL=VALUE).  The UI must open (jalv reports it), draw
# (the screenshot SHOT, W x H from the top left, has more than one colour)
# and the host must run without errors.  Skipped (77) without Xvfb, jackd,
# jalv.gtk3 or jack-play (Debian: xvfb, jackd2, jalv, jack-tools).
set -eu
build=$1 src=$2 uri=$3 client=$4 ports=$5 audio=$6 shot=$7
w=${8:-800} h=${9:-600}
for tool in Xvfb jackd jalv.gtk3 jack-play jack_connect jack_lsp; do
  command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool missing"; exit 77; }
done
tmp=$(mktemp -d)
pids=""
# Stopped in the reverse order of their start, each waited for: a JACK
# server killed before it cleans up leaves its entry in the shared-memory
# registry, and a few of those make every later jackd refuse to start.
cleanup() {
  for p in $(echo $pids | tr ' ' '\n' | sed '1!G;h;$!d'); do
    kill $p 2>/dev/null || continue
    for _ in $(seq 50); do kill -0 $p 2>/dev/null || break; sleep 0.1; done
    kill -9 $p 2>/dev/null || true
    wait $p 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
export LV2_PATH="$build/plugins"
# a display and a JACK server of our own
n=$((90 + $$ % 100))
Xvfb :$n -screen 0 1024x768x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
pids="$pids $!"
export DISPLAY=:$n
export JACK_DEFAULT_SERVER=postsync-ui-$$
jackd -r -n "$JACK_DEFAULT_SERVER" -d dummy -r 48000 -p 512 >"$tmp/jackd.log" 2>&1 &
pids="$pids $!"
wait_for() { # COMMAND...: up to 10 s
  for _ in $(seq 50); do if "$@" >/dev/null 2>&1; then return 0; fi; sleep 0.2; done
  return 1
}
# (jack_lsp's output is read to its end, never cut short by grep -q: a
# client killed by SIGPIPE mid-request can leave jackd reading garbage)
wait_for jack_lsp || { cat "$tmp/jackd.log"; echo "FAIL: jackd did not start"; exit 1; }
jalv.gtk3 -n "$client" ${JALV_CONTROLS:-} "$uri" >"$tmp/jalv.log" 2>&1 &
pids="$pids $!"
first=${ports%%,*}
wait_for sh -c "jack_lsp | grep -x '$client:$first' >/dev/null" ||
  { cat "$tmp/jalv.log"; echo "FAIL: jalv did not start $uri"; exit 1; }
case $audio in
*,*)
  # shellcheck disable=SC2046 # the file names are words
  sox -V1 -M $(echo "$audio" | tr , ' ') "$tmp/in.wav"
  audio=$tmp/in.wav
  ;;
esac
jack-play "$audio" >"$tmp/play.log" 2>&1 &
player=$!
pids="$pids $player"
wait_for sh -c "jack_lsp | grep -x 'jack-play-$player:out_1' >/dev/null" || { echo "FAIL: jack-play"; exit 1; }
k=1
for p in $(echo "$ports" | tr , ' '); do
  jack_connect "jack-play-$player:out_$k" "$client:$p" 2>/dev/null || true
  k=$((k + 1))
done
jack_lsp -c | sed 's/^/  /'
sleep 6
cat "$tmp/jalv.log"
grep -qi "UI:.*postsync\|X11UI\|ui#X11UI" "$tmp/jalv.log" || grep -q "^UI:" "$tmp/jalv.log" ||
  { echo "FAIL: jalv opened no UI"; exit 1; }
if grep -qi "error" "$tmp/jalv.log"; then echo "FAIL: jalv reported errors"; exit 1; fi
"$build/tests/plugin/xshot" "$shot" 0 0 "$w" "$h" || { echo "FAIL: nothing drawn"; exit 1; }
