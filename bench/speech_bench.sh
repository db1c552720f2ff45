#!/bin/sh
# Speech detector benchmark on generated programmes (seed 12: none of the
# seeds the combiner was fitted on).
#   speech_bench.sh GEN_DIALOGUE SPEECH_BENCH [SECONDS] [RATE]
set -eu
gen=$1
bench=$2
seconds=${3:-60}
rate=${4:-48000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set --
for c in clean roomtone-20 roomtone-10 roomtone-0 music-10 music-0 percussive-0 traffic-0 \
         effects-0 reverb-10 level-50 level-0 music-only percussive-only effects-only \
         traffic-only roomtone-only; do
  "$gen" --condition $c --rate "$rate" --seconds "$seconds" --seed 12 \
    -o "$tmp/$c.wav" --labels "$tmp/$c.labels"
  set -- "$@" "$c" "$tmp/$c.wav" "$tmp/$c.labels"
done
echo "Speech detector on generated dialogue: $seconds s per condition, $rate Hz, seed 12"
"$bench" "$@"
