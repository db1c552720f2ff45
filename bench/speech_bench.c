/* Speech detector benchmark: frame-level F1 against known labels per
   condition, the share of speech-free audio read as speech, and the cost
   in % of one core.

   usage: speech_bench [--dump CSV] CONDITION WAV LABELS [CONDITION WAV LABELS]...
   Programmes given under the same CONDITION (several seeds) are pooled:
   frames counted together, and the worst programme shown beside.
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

/* One condition's figures, pooled over its programmes (one per seed). */
typedef struct {
  const char *name;
  Score sum;                 /* frames and time of all its programmes */
  int files;
  double worst_f1;           /* the worst programme's F1 (NAN without speech) */
  double worst_false;        /* the worst programme's share of speech-free frames read as speech */
  double worst_error;        /* the worst programme's |dialogue-gated - truth|, LU */
  bool has_speech;
} Condition;

static double
f1_of(const Score *s)
{
  const double speech = s->tp + s->fn;
  const double recall = speech > 0 ? s->tp / speech : 1.0;
  const double precision = s->tp + s->fp > 0 ? s->tp / (s->tp + s->fp) : 1.0;
  return speech > 0 ? 2 * precision * recall / (precision + recall + 1e-12) : (double)NAN;
}

static double
false_rate(const Score *s)
{
  const double none = s->fp + s->tn;
  return none > 0 ? s->fp / none : 0.0;
}

#define MAX_CONDITIONS 64

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
  /* programmes of the same condition (several seeds) are pooled */
  static Condition conds[MAX_CONDITIONS];
  int n_conds = 0;
  Score all = {0, 0, 0, 0, 0, 0, 0, 0};
  for (; i + 2 < argc; i += 3) {
    Score sc;
    if (run(argv[i], argv[i + 1], argv[i + 2], dump, &sc)) {
      return 1;
    }
    Condition *c = NULL;
    for (int q = 0; q < n_conds && !c; ++q) {
      c = strcmp(conds[q].name, argv[i]) ? NULL : &conds[q];
    }
    if (!c) {
      if (n_conds == MAX_CONDITIONS) {
        fprintf(stderr, "speech_bench: more than %d conditions\n", MAX_CONDITIONS);
        return 2;
      }
      c = &conds[n_conds++];
      memset(c, 0, sizeof(*c));
      c->name = argv[i];
      c->worst_f1 = NAN;
    }
    const double f1 = f1_of(&sc), fr = false_rate(&sc);
    const double err = fabs(sc.dialogue - sc.truth);
    if (sc.tp + sc.fn > 0) {
      c->has_speech = true;
      c->worst_f1 = isnan(c->worst_f1) || f1 < c->worst_f1 ? f1 : c->worst_f1;
      c->worst_error = err > c->worst_error || !isfinite(err) ? err : c->worst_error;
    }
    c->worst_false = fr > c->worst_false ? fr : c->worst_false;
    c->sum.tp += sc.tp;
    c->sum.fp += sc.fp;
    c->sum.fn += sc.fn;
    c->sum.tn += sc.tn;
    c->sum.seconds += sc.seconds;
    c->sum.cpu += sc.cpu;
    ++c->files;
    all.seconds += sc.seconds;
    all.cpu += sc.cpu;
  }

  printf("%-16s %5s %6s %6s %7s %9s %8s %9s %9s %8s\n", "condition", "files", "F1", "worst",
         "recall", "precision", "FP rate", "worst FP", "gated err", "% core");
  double clean_f1 = NAN, worst_bed_f1 = 1.0, worst_error = 0.0, worst_false = 0.0;
  double clean_worst = NAN, bed_worst_file = 1.0, false_worst_file = 0.0;
  char bed_misses[512] = "";
  for (int q = 0; q < n_conds; ++q) {
    const Condition *c = &conds[q];
    const Score *sc = &c->sum;
    const double speech = sc->tp + sc->fn;
    const double f1 = f1_of(sc);
    printf("%-16s %5d %6.3f %6.3f %7.3f %9.3f %8.3f %9.3f %9.2f %7.3f%%\n", c->name, c->files,
           f1, c->worst_f1, speech > 0 ? sc->tp / speech : 1.0,
           sc->tp + sc->fp > 0 ? sc->tp / (sc->tp + sc->fp) : 1.0, false_rate(sc),
           c->worst_false, c->has_speech ? c->worst_error : (double)NAN,
           100.0 * sc->cpu / sc->seconds);
    /* the goals, on the pooled figures */
    if (c->has_speech) {
      worst_error = c->worst_error > worst_error || !isfinite(c->worst_error) ? c->worst_error
                                                                                : worst_error;
    }
    if (!strcmp(c->name, "clean")) {
      clean_f1 = f1;
      clean_worst = c->worst_f1;
    } else if (c->has_speech && strstr(c->name, "-0") && strcmp(c->name, "level-0")) {
      worst_bed_f1 = f1 < worst_bed_f1 ? f1 : worst_bed_f1;
      bed_worst_file = c->worst_f1 < bed_worst_file ? c->worst_f1 : bed_worst_file;
      if (f1 < 0.90) {
        snprintf(bed_misses + strlen(bed_misses), sizeof(bed_misses) - strlen(bed_misses),
                 " %s %.3f", c->name, f1);
      }
    }
    if (!c->has_speech && (strstr(c->name, "music") || strstr(c->name, "effects") ||
                           strstr(c->name, "percussive"))) {
      const double fr = false_rate(sc);
      worst_false = fr > worst_false ? fr : worst_false;
      false_worst_file = c->worst_false > false_worst_file ? c->worst_false : false_worst_file;
    }
  }
  const double cost = 100.0 * all.cpu / all.seconds;
  printf("F1 and FP rate pooled over a condition's programmes; worst: its worst programme's;\n"
         "gated err: the worst programme's |dialogue-gated reading - label-based truth|, LU\n");
  printf("detector cost over %.0f s of audio: %.3f %% of one core\n", all.seconds, cost);
  printf("%s F1 on clean dialogue >= 0.95: %.3f (worst programme %.3f)\n",
         clean_f1 >= 0.95 ? "PASS" : "FAIL", clean_f1, clean_worst);
  printf("%s F1 with a bed at 0 dB SNR >= 0.90: worst condition %.3f (worst programme %.3f)%s\n",
         worst_bed_f1 >= 0.90 ? "PASS" : "FAIL", worst_bed_f1, bed_worst_file,
         *bed_misses ? " (under:" : "");
  if (*bed_misses) {
    printf("     %s)\n", bed_misses);
  }
  printf("%s dialogue-gated loudness within 0.5 LU of the truth: worst programme %.2f LU\n",
         worst_error <= 0.5 ? "PASS" : "FAIL", worst_error);
  printf("%s music and effects without speech read as dialogue <= 5 %%: worst condition %.1f %% "
         "(worst programme %.1f %%)\n",
         worst_false <= 0.05 ? "PASS" : "FAIL", 100.0 * worst_false, 100.0 * false_worst_file);
  printf("%s detector cost under 0.5 %% of one core: %.3f %%\n", cost < 0.5 ? "PASS" : "FAIL",
         cost);
  if (dump) {
    fclose(dump);
  }
  return 0;
}
