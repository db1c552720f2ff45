#!/bin/sh
# EQ match benchmark: generates the cases with a known answer (gen_eqmatch,
# needs espeak-ng), writes each correction curve with `postsync eqmatch
# --max-gain 24`, then runs eqmatch_bench on all of them: the error of the
# curve and of the realised minimum-phase filter against the truth, and the
# plugin's cost (the first boomy-lav pair as material).
#
#   bench/eqmatch_bench.sh [BUILD_DIR] [SECONDS]
#
#   BUILD_DIR     the configured and built tree (default: ../build from here)
#   SECONDS       length of every reference and take (default 60)
# Environment:
#   WORK          scratch folder, kept (default: a new temporary one, removed)
#   SEEDS         scenes to generate per case (default "31 32")
#   COST_SECONDS  audio per cost figure (default 30)
#   JOBS          generators run at once (default: the number of CPUs)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/bench_jobs.sh"
build=$(cd "${1:-$here/../build}" && pwd)
seconds=${2:-60}
seeds=${SEEDS:-31 32}
cost_seconds=${COST_SECONDS:-30}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
rate=48000
cases="boomy-lav thin-boom presence-peak hf-rolloff small-room null"

gen=$build/tests/eqmatch/gen_eqmatch
tool=$build/tools/postsync
bench=$build/bench/eqmatch_bench
for f in "$gen" "$tool" "$bench"; do
  if [ ! -x "$f" ]; then
    echo "eqmatch_bench.sh: $f not built (ninja -C $build)" >&2
    exit 2
  fi
done
if ! command -v espeak-ng >/dev/null 2>&1; then
  echo "eqmatch_bench.sh: espeak-ng is needed to generate the recordings" >&2
  exit 2
fi

if [ -n "${WORK:-}" ]; then
  work=$WORK
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

# One case and seed: recordings, truth, the tool's curve.
make_case() {
  name=$1
  seed=$2
  base=$work/$name-$seed
  rm -f "$base.ref.wav" "$base.take.wav" "$base.truth.csv" "$base.curve.csv"
  "$gen" --case "$name" --seconds "$seconds" --rate "$rate" --seed "$seed" \
    --reference "$base.ref.wav" --take "$base.take.wav" --truth "$base.truth.csv" &&
    "$tool" eqmatch -q --reference "$base.ref.wav" --take "$base.take.wav" \
      --curve "$base.curve.csv" --max-gain 24
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
    if [ ! -s "$base.curve.csv" ]; then
      echo "eqmatch_bench.sh: $name seed $seed: generation or curve failed" >&2
      failed=$((failed + 1))
      continue
    fi
    set -- "$@" --case "$name" --seed "$seed" --reference "$base.ref.wav" \
      --take "$base.take.wav" --truth "$base.truth.csv" --curve "$base.curve.csv"
    if [ "$name" = thin-boom ]; then
      set -- "$@" --from 160
    fi
  done
done
generated=$(($(date +%s) - start))
if [ "$failed" -gt 0 ]; then
  exit 1
fi

first_seed=${seeds%% *}
echo "EQ match cases: $seconds s at $rate Hz, seeds $seeds; material and curves made in" \
  "$generated s ($jobs at once)"
LV2_PATH=$build/plugins "$bench" "$@" \
  --cost-reference "$work/boomy-lav-$first_seed.ref.wav" \
  --cost-take "$work/boomy-lav-$first_seed.take.wav" --cost-seconds "$cost_seconds"
echo "total $(($(date +%s) - start)) s"
