#!/bin/sh
# Refits the speech combiner the way common/speech_model.h was made:
#   SPEECH_FIT_BED_WEIGHT=3 sh bench/speech_refit.sh   (from the repository, after a build)
# dumps features of the training seeds (SEEDS, default "13 14 15 16 17 18 19 20":
# those of the committed model; 45 s each)
# and of seed 12 (60 s, report), fits, and leaves the model in
# $WORK/speech_model.h (copy it to common/ to use it).
set -eu
B=${BUILD:-build}
G=$B/tests/dialogue/gen_dialogue
conds="clean roomtone-20 roomtone-10 roomtone-0 music-10 music-0 percussive-0 traffic-0 effects-0 reverb-10 level-50 level-0 music-only percussive-only effects-only traffic-only roomtone-only"
d=${WORK:-/tmp/speech_refit}; mkdir -p $d
seeds=${SEEDS:-13 14 15 16 17 18 19 20}
for seed in $seeds; do
  set --
  for c in $conds; do
    [ -f $d/$c-$seed.wav ] || $G --condition $c --rate 48000 --seconds 45 --seed $seed -o $d/$c-$seed.wav --labels $d/$c-$seed.lab
    set -- "$@" $c $d/$c-$seed.wav $d/$c-$seed.lab
  done
  $B/bench/speech_bench --dump $d/train-$seed.csv "$@" > /dev/null
done
set -- $seeds
head -1 $d/train-$1.csv > $d/train.csv
for seed in $seeds; do tail -n +2 $d/train-$seed.csv >> $d/train.csv; done
set --
for c in $conds; do
  [ -f $d/$c-12.wav ] || $G --condition $c --rate 48000 --seconds 60 --seed 12 -o $d/$c-12.wav --labels $d/$c-12.lab
  set -- "$@" $c $d/$c-12.wav $d/$c-12.lab
done
$B/bench/speech_bench --dump $d/test.csv "$@" > /dev/null
time $B/bench/speech_fit $d/train.csv $d/test.csv > ${WORK:-/tmp/speech_refit}/speech_model.h
