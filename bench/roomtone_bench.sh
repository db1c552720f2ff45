#!/bin/sh
# Room tone benchmark: generates productions with a known room tone
# (gen_roomtone, needs espeak-ng), learns and generates each room tone with
# `postsync roomtone --reference PRODUCTION --length SECONDS`, makes the
# anchor (what editors do today: the longest speech-free stretch of the
# production, by gen_roomtone's labels, looped with sox to the same
# length), then runs roomtone_bench on all of them: both scored by
# roomtone_check against the truth, and the plugin's cost (hvac50 and the
# stereo pink production, with their ADR, as material).
#
#   bench/roomtone_bench.sh [BUILD_DIR] [SECONDS]
#
#   BUILD_DIR     the configured and built tree (default: ../build from here)
#   SECONDS       length of every production, room tone and loop (default 60)
# Environment:
#   WORK          scratch folder, kept (default: a new temporary one, removed)
#   SEEDS         productions to generate per kind (default "11 12")
#   COST_SECONDS  audio per cost figure (default 20)
#   JOBS          cases made at once (default: the number of CPUs)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/bench_jobs.sh"
build=$(cd "${1:-$here/../build}" && pwd)
seconds=${2:-60}
seeds=${SEEDS:-11 12}
cost_seconds=${COST_SECONDS:-20}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
rate=48000
# kind, or stereo-KIND (two channels at a coherence of 0.5)
cases="pink brown hvac50 hvac60 traffic quiet stereo-pink"
coherence=0.5

gen=$build/tests/roomtone/gen_roomtone
check=$build/tests/roomtone/roomtone_check
tool=$build/tools/postsync
bench=$build/bench/roomtone_bench
for f in "$gen" "$check" "$tool" "$bench"; do
  if [ ! -x "$f" ]; then
    echo "roomtone_bench.sh: $f not built (ninja -C $build)" >&2
    exit 2
  fi
done
for p in espeak-ng sox; do
  if ! command -v $p >/dev/null 2>&1; then
    echo "roomtone_bench.sh: $p is needed to make the material" >&2
    exit 2
  fi
done

if [ -n "${WORK:-}" ]; then
  work=$WORK
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
first_seed=${seeds%% *}

# One case and seed: the production and its truth, our room tone, the loop.
make_case() {
  name=$1
  seed=$2
  base=$work/$name-$seed
  rm -f "$base".*
  kind=${name#stereo-}
  set -- --tone "$kind" --seconds "$seconds" --rate "$rate" --seed "$seed" \
    --production "$base.prod.wav" --tone-only "$base.truth.wav" --labels "$base.labels"
  case $name in
    stereo-*) set -- "$@" --channels 2 --coherence "$coherence" ;;
  esac
  case $kind in
    hvac*) set -- "$@" --tones "$base.tones.csv" ;;
  esac
  if [ "$seed" = "$first_seed" ] && { [ "$name" = hvac50 ] || [ "$name" = stereo-pink ]; }; then
    set -- "$@" --adr "$base.adr.wav"
  fi
  "$gen" "$@"
  "$tool" roomtone -q --reference "$base.prod.wav" --length "$seconds" -o "$base.ours.wav"
  # The longest run of speech-free 10 ms frames: its start and length, s.
  awk '/^#/ { next }
       { n++; if ($1 == 0) { if (!run) start = n - 1; run++; if (run > best) { best = run; at = start } }
         else run = 0 }
       END { if (best < 10) exit 1; printf "%.2f %.2f\n", at * 0.01, best * 0.01 }' \
    "$base.labels" > "$base.stretch"
  read -r at len < "$base.stretch"
  repeats=$(awk -v s="$seconds" -v l="$len" 'BEGIN { n = int(s / l); if (n * l < s) n++; print n - 1 }')
  sox -V1 "$base.prod.wav" "$base.piece.wav" trim "$at" "$len"
  sox -V1 "$base.piece.wav" "$base.loop.tmp.wav" repeat "$repeats" trim 0 "$seconds"
  mv "$base.loop.tmp.wav" "$base.loop.wav"
}

start=$(date +%s)
for name in $cases; do
  for seed in $seeds; do
    spawn make_case "$name" "$seed"
  done
done
wait
failed=0
set --
for name in $cases; do
  for seed in $seeds; do
    base=$work/$name-$seed
    if [ ! -s "$base.ours.wav" ] || [ ! -s "$base.loop.wav" ]; then
      echo "roomtone_bench.sh: $name seed $seed: generation, room tone or loop failed" >&2
      failed=$((failed + 1))
      continue
    fi
    read -r at len < "$base.stretch"
    set -- "$@" --case "$name" --seed "$seed" --truth "$base.truth.wav" \
      --test "$base.ours.wav" --loop "$base.loop.wav" --stretch-at "$at" --stretch-seconds "$len"
    case $name in
      stereo-*) set -- "$@" --coherence "$coherence" ;;
    esac
    if [ -s "$base.tones.csv" ]; then
      set -- "$@" --tones "$base.tones.csv"
    fi
  done
done
generated=$(($(date +%s) - start))
if [ "$failed" -gt 0 ]; then
  exit 1
fi

echo "Room tone cases: $seconds s productions at $rate Hz, seeds $seeds, kinds $cases" \
  "(stereo: coherence $coherence); material, room tones and loops made in $generated s" \
  "($jobs at once)"
LV2_PATH=$build/plugins "$bench" --check "$check" "$@" \
  --cost-production "$work/hvac50-$first_seed.prod.wav" \
  --cost-adr "$work/hvac50-$first_seed.adr.wav" \
  --cost-production-stereo "$work/stereo-pink-$first_seed.prod.wav" \
  --cost-adr-stereo "$work/stereo-pink-$first_seed.adr.wav" --cost-seconds "$cost_seconds"
echo "total $(($(date +%s) - start)) s"
