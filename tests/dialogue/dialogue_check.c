/* Measures a generated dialogue programme with the meter engine and checks
   its speech detection and dialogue-gated loudness against the labels.

   usage: dialogue_check WAV LABELS [--min-f1 F] [--max-false P] [--max-error LU]
     --min-f1      frame-level F1 of the detector at least F (speech programmes)
     --max-false   share of speech-free frames read as speech at most P
     --max-error   |dialogue-gated reading - label-based truth| at most LU */
#include "check.h"
#include "loudness.h"
#include "speech.h"
#include "truth.h"

#include <math.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>

int
main(int argc, char **argv)
{
  if (argc < 3) {
    fprintf(stderr, "usage: dialogue_check WAV LABELS [--min-f1 F] [--max-false P] "
                    "[--max-error LU]\n");
    return 2;
  }
  double min_f1 = -1.0, max_false = -1.0, max_error = -1.0;
  for (int i = 3; i + 1 < argc; i += 2) {
    const double v = atof(argv[i + 1]);
    if (!strcmp(argv[i], "--min-f1")) {
      min_f1 = v;
    } else if (!strcmp(argv[i], "--max-false")) {
      max_false = v;
    } else if (!strcmp(argv[i], "--max-error")) {
      max_error = v;
    } else {
      fprintf(stderr, "dialogue_check: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  SF_INFO info;
  memset(&info, 0, sizeof(info));
  SNDFILE *sf = sf_open(argv[1], SFM_READ, &info);
  size_t n_labels = 0;
  unsigned char *labels = labels_read(argv[2], &n_labels);
  if (!sf || !labels) {
    fprintf(stderr, "dialogue_check: cannot read %s or %s\n", argv[1], argv[2]);
    return 2;
  }
  const unsigned nc = (unsigned)info.channels;
  float *x = (float *)malloc((size_t)info.frames * nc * sizeof(float));
  sf_readf_float(sf, x, info.frames);
  sf_close(sf);

  /* the detector on its own, frame by frame */
  PsSpeech *s = NULL;
  ps_speech_init(&s, info.samplerate, nc);
  float *planes = (float *)malloc((size_t)info.frames * nc * sizeof(float));
  for (sf_count_t i = 0; i < info.frames; ++i) {
    for (unsigned c = 0; c < nc; ++c) {
      planes[(size_t)c * (size_t)info.frames + (size_t)i] = x[(size_t)i * nc + c];
    }
  }
  double tp = 0, fp = 0, fn = 0, tn = 0;
  uint64_t checked = 0;
  const float *ptr[8];
  for (sf_count_t pos = 0; pos < info.frames; pos += 512) {
    const size_t len = info.frames - pos < 512 ? (size_t)(info.frames - pos) : 512;
    for (unsigned c = 0; c < nc; ++c) {
      ptr[c] = planes + (size_t)c * (size_t)info.frames + (size_t)pos;
    }
    ps_speech_process(s, ptr, len);
    for (; checked < ps_speech_frames(s) && checked < n_labels; ++checked) {
      const bool d = ps_speech_decision(s, checked, NULL);
      tp += d && labels[checked];
      fp += d && !labels[checked];
      fn += !d && labels[checked];
      tn += !d && !labels[checked];
    }
  }
  ps_speech_free(&s);

  /* the meter, as a user measures */
  PsLoudness *m = NULL;
  ps_loudness_init(&m, info.samplerate, nc, NULL);
  ps_loudness_process_interleaved(m, x, (size_t)info.frames);
  PsLoudnessReadings r;
  ps_loudness_readings(m, &r);
  ps_loudness_free(&m);
  const double truth =
    dialogue_truth(x, (size_t)info.frames, nc, info.samplerate, NULL, labels, n_labels);

  const char *name = strrchr(argv[1], '/') ? strrchr(argv[1], '/') + 1 : argv[1];
  const double f1 = tp + fn > 0 ? 2 * tp / (2 * tp + fp + fn) : 1.0;
  const double false_rate = fp + tn > 0 ? fp / (fp + tn) : 0.0;
  printf("%s: %.0f frames, F1 %.3f, false speech %.1f %%, dialogue-gated %.2f vs truth %.2f "
         "LUFS, speech share %.1f %%\n",
         name, tp + fp + fn + tn, f1, 100.0 * false_rate, r.dialogue, truth,
         100.0 * r.speech_share);
  if (min_f1 >= 0.0) {
    CHECKV(f1 >= min_f1, "%s: F1 %.3f >= %.2f", name, f1, min_f1);
  }
  if (max_false >= 0.0) {
    CHECKV(false_rate <= max_false, "%s: false speech %.3f <= %.2f", name, false_rate,
           max_false);
  }
  if (max_error >= 0.0) {
    CHECKV(isfinite(truth) && fabs(r.dialogue - truth) <= max_error,
           "%s: dialogue-gated %.2f within %.2f LU of the truth %.2f", name, r.dialogue,
           max_error, truth);
  }
  free(x);
  free(planes);
  free(labels);
  return check_summary("dialogue_check");
}
