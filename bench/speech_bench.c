/* Speech detector benchmark: frame-level F1 against known labels per
   condition, the share of speech-free audio read as speech, and the cost
   in % of one core.

   usage: speech_bench [--dump CSV] CONDITION WAV LABELS [CONDITION WAV LABELS]...
   LABELS: one 0/1 line per 10 ms frame ('#' lines skipped), as written by
   tests/dialogue/gen_dialogue. */
#include "loudness.h"
#include "speech.h"
#include "truth.h"

#include <math.h>
#include <sndfile.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct {
  double tp, fp, fn, tn;
  double seconds, cpu;
  double dialogue, truth; /* dialogue-gated reading of the meter, label-based truth */
} Score;

static int
run(const char *name, const char *wav, const char *labels_path, FILE *dump, Score *out)
{
  SF_INFO info;
  memset(&info, 0, sizeof(info));
  SNDFILE *sf = sf_open(wav, SFM_READ, &info);
  size_t n_labels = 0;
  unsigned char *labels = labels_read(labels_path, &n_labels);
  if (!sf || !labels) {
    fprintf(stderr, "speech_bench: cannot read %s or %s\n", wav, labels_path);
    return -1;
  }
  const int nc = info.channels;
  float *x = (float *)malloc((size_t)info.frames * (size_t)nc * sizeof(float));
  float **planes = (float **)malloc((size_t)nc * sizeof(float *));
  for (int c = 0; c < nc; ++c) {
    planes[c] = (float *)malloc((size_t)info.frames * sizeof(float));
  }
  sf_readf_float(sf, x, info.frames);
  sf_close(sf);
  for (sf_count_t i = 0; i < info.frames; ++i) {
    for (int c = 0; c < nc; ++c) {
      planes[c][i] = x[i * nc + c];
    }
  }
  PsSpeech *s = NULL;
  if (ps_speech_init(&s, info.samplerate, (unsigned)nc)) {
    return -1;
  }
  memset(out, 0, sizeof(*out));
  const size_t block = 480;
  const float *ptr[64];
  uint64_t checked = 0;
  const double t0 = now();
  double in_detector = 0.0;
  for (sf_count_t pos = 0; pos < info.frames; pos += (sf_count_t)block) {
    const size_t len = (size_t)(info.frames - pos) < block ? (size_t)(info.frames - pos) : block;
    for (int c = 0; c < nc; ++c) {
      ptr[c] = planes[c] + pos;
    }
    const double a = now();
    ps_speech_process(s, ptr, len);
    in_detector += now() - a;
    for (; checked < ps_speech_frames(s) && checked < n_labels; ++checked) {
      PsSpeechFeatures f;
      const bool d = ps_speech_decision(s, checked, NULL);
      const bool truth = labels[checked];
      out->tp += d && truth;
      out->fp += d && !truth;
      out->fn += !d && truth;
      out->tn += !d && !truth;
      if (dump && ps_speech_features(s, checked, &f)) {
        fprintf(dump, "%s,%llu,%d,%d,%.2f,%.2f,%.2f,%.3f,%.1f,%.3f,%.2f,%.2f,%.3f,%.3f,", name,
                (unsigned long long)checked, truth, d, (double)f.level_db, (double)f.snr_db, (double)f.snr_top_db,
                (double)f.harmonicity, (double)f.pitch_hz, (double)f.flatness, (double)f.flux,
                (double)f.modulation, (double)f.steadiness, (double)f.probability);
        for (int q = 0; q < PS_SPEECH_INPUTS; ++q) {
          fprintf(dump, "%s%.4f", q ? "," : "", (double)f.inputs[q]);
        }
        fputc('\n', dump);
      }
    }
  }
  (void)t0;
  out->seconds = (double)info.frames / info.samplerate;
  PsLoudness *m = NULL;
  if (!ps_loudness_init(&m, info.samplerate, (unsigned)nc, NULL)) {
    PsLoudnessReadings r;
    ps_loudness_process_interleaved(m, x, (size_t)info.frames);
    ps_loudness_readings(m, &r);
    out->dialogue = r.dialogue;
    ps_loudness_free(&m);
  }
  out->truth = dialogue_truth(x, (size_t)info.frames, (unsigned)nc, info.samplerate, NULL,
                              labels, n_labels);
  out->cpu = in_detector;
  ps_speech_free(&s);
  for (int c = 0; c < nc; ++c) {
    free(planes[c]);
  }
  free(planes);
  free(x);
  free(labels);
  return 0;
}

int
main(int argc, char **argv)
{
  FILE *dump = NULL;
  int i = 1;
  if (argc > 2 && !strcmp(argv[1], "--dump")) {
    dump = fopen(argv[2], "w");
    if (dump) {
      fprintf(dump, "condition,frame,label,decision,level_db,snr_db,snr_top_db,harmonicity,pitch_hz,"
                    "flatness,flux,modulation,steadiness,probability");
      for (int q = 0; q < PS_SPEECH_INPUTS; ++q) {
        fprintf(dump, ",in%d", q);
      }
      fputc('\n', dump);
    }
    i = 3;
  }
  if ((argc - i) < 3 || (argc - i) % 3) {
    fprintf(stderr, "usage: speech_bench [--dump CSV] CONDITION WAV LABELS...\n");
    return 2;
  }
  printf("%-18s %7s %7s %9s %8s %9s %8s %8s\n", "condition", "F1", "recall", "precision",
         "FP rate", "gated", "truth", "% core");
  Score all = {0, 0, 0, 0, 0, 0, 0, 0};
  double clean_f1 = NAN, worst_bed_f1 = 1.0, worst_error = 0.0, worst_false = 0.0;
  char bed_misses[512] = "";
  for (; i + 2 < argc; i += 3) {
    Score sc;
    if (run(argv[i], argv[i + 1], argv[i + 2], dump, &sc)) {
      return 1;
    }
    const double speech = sc.tp + sc.fn, none = sc.fp + sc.tn;
    const double recall = speech > 0 ? sc.tp / speech : 1.0;
    const double precision = sc.tp + sc.fp > 0 ? sc.tp / (sc.tp + sc.fp) : 1.0;
    const double f1 = speech > 0 ? 2 * precision * recall / (precision + recall + 1e-12) : (double)NAN;
    printf("%-18s %7.3f %7.3f %9.3f %8.3f %9.2f %8.2f %7.3f%%\n", argv[i], f1, recall,
           precision, none > 0 ? sc.fp / none : 0.0, sc.dialogue, sc.truth,
           100.0 * sc.cpu / sc.seconds);
    /* the goals */
    const char *cond = argv[i];
    const bool has_speech = speech > 0;
    const double err = fabs(sc.dialogue - sc.truth);
    if (has_speech) {
      worst_error = err > worst_error || !isfinite(err) ? err : worst_error;
    }
    if (!strcmp(cond, "clean")) {
      clean_f1 = f1;
    } else if (has_speech && strstr(cond, "-0") && strcmp(cond, "level-0")) {
      worst_bed_f1 = f1 < worst_bed_f1 ? f1 : worst_bed_f1;
      if (f1 < 0.90) {
        snprintf(bed_misses + strlen(bed_misses), sizeof(bed_misses) - strlen(bed_misses),
                 " %s %.3f", cond, f1);
      }
    }
    if (!has_speech && (strstr(cond, "music") || strstr(cond, "effects") ||
                        strstr(cond, "percussive"))) {
      const double fr = none > 0 ? sc.fp / none : 0.0;
      worst_false = fr > worst_false ? fr : worst_false;
    }
    all.seconds += sc.seconds;
    all.cpu += sc.cpu;
  }
  const double cost = 100.0 * all.cpu / all.seconds;
  printf("detector cost over %.0f s of audio: %.3f %% of one core\n", all.seconds, cost);
  printf("%s F1 on clean dialogue >= 0.95: %.3f\n", clean_f1 >= 0.95 ? "PASS" : "FAIL",
         clean_f1);
  printf("%s F1 with a bed at 0 dB SNR >= 0.90: worst %.3f%s\n",
         worst_bed_f1 >= 0.90 ? "PASS" : "FAIL", worst_bed_f1,
         *bed_misses ? " (under:" : "");
  if (*bed_misses) {
    printf("     %s)\n", bed_misses);
  }
  printf("%s dialogue-gated loudness within 0.5 LU of the truth: worst %.2f LU\n",
         worst_error <= 0.5 ? "PASS" : "FAIL", worst_error);
  printf("%s music and effects without speech read as dialogue <= 5 %%: worst %.1f %%\n",
         worst_false <= 0.05 ? "PASS" : "FAIL", 100.0 * worst_false);
  printf("%s detector cost under 0.5 %% of one core: %.3f %%\n", cost < 0.5 ? "PASS" : "FAIL",
         cost);
  if (dump) {
    fclose(dump);
  }
  return 0;
}
