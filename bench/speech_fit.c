/* Fits the speech detector's combiner (common/speech_model.h): a two-layer
   network, tanh hidden units and a logistic output, over the context
   features the detector dumps (speech_bench --dump).  Frames are weighted so
   that every condition, and speech and non-speech within it, count alike.
   Plain full-batch Adam with a little weight decay; deterministic.

   usage: speech_fit TRAIN.csv [TEST.csv] > common/speech_model.h
   (the report of both sets goes to stderr) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INPUTS 16
#define HIDDEN 8
#define MAX_CONDITIONS 64

typedef struct {
  float x[INPUTS];
  int label;
  int condition;
  double weight;
} Row;

static char condition_names[MAX_CONDITIONS][64];
static int n_conditions;

static int
condition_index(const char *name)
{
  for (int i = 0; i < n_conditions; ++i) {
    if (!strcmp(condition_names[i], name)) {
      return i;
    }
  }
  if (n_conditions == MAX_CONDITIONS) {
    return MAX_CONDITIONS - 1;
  }
  snprintf(condition_names[n_conditions], sizeof(condition_names[0]), "%s", name);
  return n_conditions++;
}

static Row *
load(const char *path, size_t *count)
{
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "speech_fit: cannot read %s\n", path);
    exit(1);
  }
  char line[2048];
  size_t cap = 1 << 16, n = 0;
  Row *rows = (Row *)malloc(cap * sizeof(Row));
  if (!fgets(line, sizeof(line), f)) {
    exit(1);
  }
  while (fgets(line, sizeof(line), f)) {
    char *fields[32];
    int nf = 0;
    for (char *tok = strtok(line, ",\n"); tok && nf < 32; tok = strtok(NULL, ",\n")) {
      fields[nf++] = tok;
    }
    if (nf < 14 + INPUTS) {
      continue;
    }
    if (n == cap) {
      cap *= 2;
      rows = (Row *)realloc(rows, cap * sizeof(Row));
    }
    Row *r = &rows[n++];
    r->condition = condition_index(fields[0]);
    r->label = atoi(fields[2]);
    for (int i = 0; i < INPUTS; ++i) {
      r->x[i] = strtof(fields[14 + i], NULL);
    }
  }
  fclose(f);
  /* balance: each (condition, label) class weighs the same in total */
  static double totals[MAX_CONDITIONS][2];
  memset(totals, 0, sizeof(totals));
  for (size_t i = 0; i < n; ++i) {
    totals[rows[i].condition][rows[i].label] += 1.0;
  }
  /* a programme with no speech at all weighs bed_weight times as much:
     calling a bed dialogue skews every dialogue-gated reading of it */
  const char *env = getenv("SPEECH_FIT_BED_WEIGHT");
  const double bed_weight = env ? atof(env) : 1.0;
  for (size_t i = 0; i < n; ++i) {
    const double *t = totals[rows[i].condition];
    rows[i].weight = (t[1] > 0.0 ? 1.0 : bed_weight) / t[rows[i].label];
  }
  *count = n;
  return rows;
}

static double mean[INPUTS], scale[INPUTS];
static double w1[HIDDEN][INPUTS], b1[HIDDEN], w2[HIDDEN], b2;

static double
forward(const float *x, double *h)
{
  double z = b2;
  for (int u = 0; u < HIDDEN; ++u) {
    double a = b1[u];
    for (int i = 0; i < INPUTS; ++i) {
      a += w1[u][i] * ((double)x[i] - mean[i]) / scale[i];
    }
    h[u] = tanh(a);
    z += w2[u] * h[u];
  }
  return 1.0 / (1.0 + exp(-z));
}

static void
report(const char *what, const Row *rows, size_t n)
{
  double tp[MAX_CONDITIONS] = {0}, fp[MAX_CONDITIONS] = {0}, fn[MAX_CONDITIONS] = {0},
         tn[MAX_CONDITIONS] = {0};
  double h[HIDDEN];
  for (size_t i = 0; i < n; ++i) {
    const int d = forward(rows[i].x, h) > 0.5;
    const int c = rows[i].condition;
    tp[c] += d && rows[i].label;
    fp[c] += d && !rows[i].label;
    fn[c] += !d && rows[i].label;
    tn[c] += !d && !rows[i].label;
  }
  fprintf(stderr, "%s (frame by frame, before the decision's smoothing):\n", what);
  for (int c = 0; c < n_conditions; ++c) {
    if (tp[c] + fp[c] + fn[c] + tn[c] == 0) {
      continue;
    }
    const double f1 = tp[c] + fn[c] > 0 ? 2 * tp[c] / (2 * tp[c] + fp[c] + fn[c]) : (double)NAN;
    fprintf(stderr, "  %-18s F1 %.3f  FP rate %.3f\n", condition_names[c], f1,
            fp[c] + tn[c] > 0 ? fp[c] / (fp[c] + tn[c]) : 0.0);
  }
}

int
main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: speech_fit TRAIN.csv [TEST.csv] > speech_model.h\n");
    return 2;
  }
  size_t n = 0;
  Row *rows = load(argv[1], &n);
  double wsum = 0.0;
  for (size_t i = 0; i < n; ++i) {
    wsum += rows[i].weight;
  }
  for (int i = 0; i < INPUTS; ++i) {
    double m = 0.0, v = 0.0;
    for (size_t r = 0; r < n; ++r) {
      m += (double)rows[r].x[i];
    }
    m /= (double)n;
    for (size_t r = 0; r < n; ++r) {
      v += ((double)rows[r].x[i] - m) * ((double)rows[r].x[i] - m);
    }
    mean[i] = m;
    scale[i] = sqrt(v / (double)n) + 1e-6;
  }
  /* deterministic small initial weights */
  unsigned seed = 12345u;
  for (int u = 0; u < HIDDEN; ++u) {
    for (int i = 0; i < INPUTS; ++i) {
      seed = seed * 1103515245u + 12345u;
      w1[u][i] = ((double)(seed >> 8 & 0xffff) / 65536.0 - 0.5) * 0.6;
    }
    seed = seed * 1103515245u + 12345u;
    w2[u] = ((double)(seed >> 8 & 0xffff) / 65536.0 - 0.5) * 0.6;
  }
  /* Adam, full batch */
  enum { P = HIDDEN * INPUTS + 2 * HIDDEN + 1 };
  double m1[P] = {0}, m2[P] = {0}, g[P];
  const double lr = 0.03, beta1 = 0.9, beta2 = 0.999, decay = 1e-4;
  for (int epoch = 1; epoch <= 1500; ++epoch) {
    memset(g, 0, sizeof(g));
    double loss = 0.0, h[HIDDEN];
    for (size_t r = 0; r < n; ++r) {
      const double p = forward(rows[r].x, h);
      const double wt = rows[r].weight / wsum;
      const double e = (p - rows[r].label) * wt;
      loss -= wt * (rows[r].label ? log(p + 1e-12) : log(1.0 - p + 1e-12));
      int k = 0;
      for (int u = 0; u < HIDDEN; ++u) {
        const double dh = e * w2[u] * (1.0 - h[u] * h[u]);
        for (int i = 0; i < INPUTS; ++i) {
          g[k++] += dh * ((double)rows[r].x[i] - mean[i]) / scale[i];
        }
        g[k++] += dh;
        g[k++] += e * h[u];
      }
      g[k] += e;
    }
    int k = 0;
    double *params[P];
    for (int u = 0; u < HIDDEN; ++u) {
      for (int i = 0; i < INPUTS; ++i) {
        params[k++] = &w1[u][i];
      }
      params[k++] = &b1[u];
      params[k++] = &w2[u];
    }
    params[k] = &b2;
    for (int q = 0; q < P; ++q) {
      const double grad = g[q] + decay * *params[q];
      m1[q] = beta1 * m1[q] + (1 - beta1) * grad;
      m2[q] = beta2 * m2[q] + (1 - beta2) * grad * grad;
      const double mh = m1[q] / (1 - pow(beta1, epoch)), vh = m2[q] / (1 - pow(beta2, epoch));
      *params[q] -= lr * mh / (sqrt(vh) + 1e-8);
    }
    if (epoch % 250 == 0) {
      fprintf(stderr, "epoch %d: weighted log loss %.4f\n", epoch, loss);
    }
  }
  report(argv[1], rows, n);
  if (argc > 2) {
    size_t nt = 0;
    Row *test = load(argv[2], &nt);
    report(argv[2], test, nt);
    free(test);
  }

  printf("/* The speech detector's combiner, written by bench/speech_fit from the\n"
         "   features of generated dialogue programmes (tests/dialogue/gen_dialogue,\n"
         "   every condition, 48 kHz); see the README's speech detector section.\n"
         "   Inputs: context features of speech.c's context_inputs(). */\n");
  printf("#define SPEECH_MODEL_INPUTS %d\n#define SPEECH_MODEL_HIDDEN %d\n", INPUTS, HIDDEN);
  printf("static const float speech_model_mean[SPEECH_MODEL_INPUTS] = {");
  for (int i = 0; i < INPUTS; ++i) {
    printf("%s%.6gf", i ? ", " : "", mean[i]);
  }
  printf("};\nstatic const float speech_model_scale[SPEECH_MODEL_INPUTS] = {");
  for (int i = 0; i < INPUTS; ++i) {
    printf("%s%.6gf", i ? ", " : "", scale[i]);
  }
  printf("};\nstatic const float speech_model_hidden[SPEECH_MODEL_HIDDEN][SPEECH_MODEL_INPUTS] = {\n");
  for (int u = 0; u < HIDDEN; ++u) {
    printf("  {");
    for (int i = 0; i < INPUTS; ++i) {
      printf("%s%.6gf", i ? ", " : "", w1[u][i]);
    }
    printf("},\n");
  }
  printf("};\nstatic const float speech_model_hidden_bias[SPEECH_MODEL_HIDDEN] = {");
  for (int u = 0; u < HIDDEN; ++u) {
    printf("%s%.6gf", u ? ", " : "", b1[u]);
  }
  printf("};\n/* output weights, then the output bias */\n");
  printf("static const float speech_model_output[SPEECH_MODEL_HIDDEN + 1] = {");
  for (int u = 0; u < HIDDEN; ++u) {
    printf("%.6gf, ", w2[u]);
  }
  printf("%.6gf};\n", b2);
  free(rows);
  return 0;
}
