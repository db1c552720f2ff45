#!/bin/sh
# How demo/production.flac and demo/adr.flac were made (they are shipped, so
# that the demo needs no espeak-ng): three sentences of tests/lipsync's
# generator, each spoken word by word by espeak-ng twice: the production
# (guide) in one voice over -48 dBFS room tone, the ADR take in another
# voice and another performance (every word 0.8-1.25x as fast, pauses
# 0.5-1.8x), through another microphone (a low shelf and a presence peak),
# over a -75 dBFS studio floor.  Each sentence's pair starts together, the
# shorter padded with its own last 0.4 s; 48 kHz, 16-bit FLAC (sox -R: the
# same dither, the same files, on every run).
#
#   demo/make_scene.sh BUILD_DIR    (writes production.flac and adr.flac here)
set -eu
gen=$1/tests/lipsync/gen_lipsync
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for s in 2 3 5; do
  "$gen" --seed $s --take-eq --take-db 0 --guide-noise-db -48 \
    --guide "$tmp/s$s.g.wav" --take "$tmp/s$s.t.wav" --words "$tmp/s$s.csv"
  ng=$(soxi -V1 -s "$tmp/s$s.g.wav")
  nt=$(soxi -V1 -s "$tmp/s$s.t.wav")
  n=$((ng > nt ? ng : nt))
  for k in g t; do
    f=$tmp/s$s.$k.wav
    d=$((n - $(soxi -V1 -s "$f")))
    if [ $d -gt 0 ]; then
      sox -V1 "$f" "$tmp/tail.wav" trim $(($(soxi -V1 -s "$f") - 19200))s
      sox -V1 "$tmp/tail.wav" "$tmp/tail3.wav" repeat 3
      sox -V1 "$tmp/tail3.wav" "$tmp/fill.wav" trim 0 ${d}s
      sox -V1 "$f" "$tmp/fill.wav" "$tmp/p$s.$k.wav"
    else
      cp "$f" "$tmp/p$s.$k.wav"
    fi
  done
done
here=$(cd "$(dirname "$0")" && pwd)
sox -R -V1 "$tmp/p2.g.wav" "$tmp/p3.g.wav" "$tmp/p5.g.wav" -b 16 "$here/production.flac"
sox -R -V1 "$tmp/p2.t.wav" "$tmp/p3.t.wav" "$tmp/p5.t.wav" -b 16 "$here/adr.flac"
