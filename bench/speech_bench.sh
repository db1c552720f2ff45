#!/bin/sh
# Speech detector benchmark on generated programmes: every condition at each
# of several seeds, none of them a seed the combiner was fitted on (13-20),
# pooled per condition.
#   speech_bench.sh GEN_DIALOGUE SPEECH_BENCH [SECONDS] [RATE]
# Environment: SEEDS (default "12 21 31 41 51 61 71"), JOBS (programmes
# made at once, default the number of CPUs).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/bench_jobs.sh"
gen=$1
bench=$2
seconds=${3:-60}
rate=${4:-48000}
seeds=${SEEDS:-12 21 31 41 51 61 71}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
conditions="clean roomtone-20 roomtone-10 roomtone-0 music-10 music-0 percussive-0 traffic-0
  effects-0 reverb-10 level-50 level-0 music-only percussive-only effects-only traffic-only
  roomtone-only"
for seed in $seeds; do
  for c in $conditions; do
    spawn "$gen" --condition "$c" --rate "$rate" --seconds "$seconds" --seed "$seed" \
      -o "$tmp/$c-$seed.wav" --labels "$tmp/$c-$seed.labels"
  done
done
wait
set --
for c in $conditions; do
  for seed in $seeds; do
    set -- "$@" "$c" "$tmp/$c-$seed.wav" "$tmp/$c-$seed.labels"
  done
done
echo "Speech detector on generated dialogue: $seconds s per condition and seed, $rate Hz," \
  "seeds $seeds"
"$bench" "$@"
