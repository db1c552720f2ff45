/* onset_check: where each word of a take landed in an aligned output,
   measured on the audio itself.

   align_check reads what an aligner meant to do (its warp map); this
   reads what came out, so it scores the offline tool, the plugin through
   a host, or the unaligned take alike, and it sees what a map cannot: the
   time-scale modification's own slips (WSOLA takes every 20 ms frame up
   to 8 ms off the map), a latency reported wrong, a word dropped.

   For every word the guide has (gen_lipsync's CSV), the first 50 ms of the
   word in the take are looked for in the output within +-600 ms of the
   word's guide onset, by normalised cross-correlation in two steps:
   - coarse, every millisecond: short-time spectra of the take from 20 ms
     before the word to 50 ms into it against the output's, the best few
     peaks kept.  A stretched noise-like start (k, s, sh, h, and some
     vowels) is rebuilt by WSOLA from frames of other places: its waveform
     no longer correlates with the take's (0.1-0.5 where the word did land
     right: 27-34 of 245 words of postsync align in the bench's
     conditions), its spectra still do;
   - fine, every sample within 4 ms of those peaks: the waveform.  Where
     it came through (correlation 0.5 and more; else twice as long, the
     vowel after a lost start) it picks the peak, since another word's
     waveform rarely correlates while its spectra may (the rise of any
     word out of a pause looks alike); where the snippet itself came
     through it times the word.  Else the spectra do.
   The error is the landing time less the guide onset.

   Why 50 ms: about five periods of a male voice, so the waveform peak is
   sharp, and well inside every word (the shortest generated are 160 ms).
   Checked on the bench's 20 pairs aligned by two versions of postsync
   align (490 words) against align_check's figure from the warp map: the
   two differ by 3.6-3.8 ms in the median, 7.1 ms at the 90th percentile,
   21 ms at most (WSOLA's slips), and the difference does not follow the
   slope of the map (|r| < 0.05), so a stretch does not bias the
   measurement.  With 30, 40, 60 or 80 ms, one to three words of a set
   were put on another word 290-980 ms away.  Run with --help for the
   options. */
#include "options.h"

#include <fftw3.h>
#include <sndfile.h>

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double pi = 3.14159265358979323846;
/* One frame at 24 fps: what an editor sees as out of sync. */
static const double frame_24_ms = 1000.0 / 24.0;
static const double near_ms = 20.0;

static const char usage[] =
  "usage: onset_check --take TAKE.wav --out OUT.wav --words WORDS.csv [options]\n"
  "       onset_check --summary STATS.txt [--label NAME] [limits]\n"
  "Where each take word landed in OUT, against its guide onset in WORDS.csv\n"
  "(gen_lipsync's 'word,text,guide_onset,guide_offset,take_onset,take_offset';\n"
  "words without guide times are skipped).  The first --snippet-ms of each word\n"
  "in TAKE are found in OUT within --search-ms of the guide onset by normalised\n"
  "cross-correlation: of short-time spectra every ms, then of the waveform at\n"
  "every sample where it kept its shape (WSOLA rebuilds stretched noise-like\n"
  "sounds); error = landing - guide onset.  TAKE and OUT must have the same\n"
  "rate (resample one with sox first); channels are averaged.\n"
  "  --offset-samples N  drop N samples from the start of OUT first (a latency\n"
  "                      the host did not compensate) (0)\n"
  "  --snippet-ms MS     length of each word's start looked for, 10..200 (50)\n"
  "  --search-ms MS      how far from the guide onset it is looked for,\n"
  "                      50..5000 (600); a word further off is mistaken for\n"
  "                      something else: widen it to score an unaligned take\n"
  "  --min-ncc X         a word whose spectra correlate under X, and whose\n"
  "                      waveform under 0.5 (the snippet's and twice the\n"
  "                      snippet's), is 'not found', 0..1 (0.5): silence\n"
  "                      or noise where a word should be; another word is no\n"
  "                      'not found' but a large error\n"
  "  --append FILE       append each word's absolute error, ms, one a line\n"
  "                      ('inf' for a word not found), to pool runs\n"
  "  --summary FILE      the figures of such a file instead of a measurement\n"
  "  --label NAME        name on the summary line (OUT, or the --summary file)\n"
  "  -v                  one line per word: times, error, correlation\n"
  "Limits (exit 1 past one), all in ms of absolute error:\n"
  "  --max-median MS, --max-p95 MS (linear between order statistics)\n"
  "  --max-worst MS      a word not found fails it too\n"
  "Prints 'NAME: N words, median X ms, p95 Y ms, worst Z ms (word K 'text'),\n"
  "within 20 ms P %, within 1 frame at 24 fps Q %'.\n"
  "Exit status: 0 within the limits, 1 past one, 2 bad usage or input.\n";

typedef struct {
  const char *take, *out, *words, *append, *summary, *label;
  double offset_samples, snippet_ms, search_ms, min_ncc;
  double max_median, max_p95, max_worst; /* < 0: not checked */
  int verbose;
} Options;

/* a message on stderr; the exit status */
#define fail(...) dlg_fail("onset_check", 2, __VA_ARGS__)

static int
parse_options(int argc, char **argv, Options *o)
{
  memset(o, 0, sizeof(*o));
  o->snippet_ms = 50.0;
  o->search_ms = 600.0;
  o->min_ncc = 0.5;
  o->max_median = o->max_p95 = o->max_worst = -1.0;
  static const struct {
    const char *name;
    double lo, hi;
    size_t offset;
  } numbers[] = {
    {"--offset-samples", 0.0, 1e9, offsetof(Options, offset_samples)},
    {"--snippet-ms", 10.0, 200.0, offsetof(Options, snippet_ms)},
    {"--search-ms", 50.0, 5000.0, offsetof(Options, search_ms)},
    {"--min-ncc", 0.0, 1.0, offsetof(Options, min_ncc)},
    {"--max-median", 0.0, 1e6, offsetof(Options, max_median)},
    {"--max-p95", 0.0, 1e6, offsetof(Options, max_p95)},
    {"--max-worst", 0.0, 1e6, offsetof(Options, max_worst)},
  };
  const size_t n_numbers = sizeof(numbers) / sizeof(numbers[0]);
  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
      fputs(usage, stdout);
      exit(0);
    }
    if (!strcmp(arg, "-v")) {
      o->verbose = 1;
      continue;
    }
    const char **path = !strcmp(arg, "--take")      ? &o->take
                        : !strcmp(arg, "--out")     ? &o->out
                        : !strcmp(arg, "--words")   ? &o->words
                        : !strcmp(arg, "--append")  ? &o->append
                        : !strcmp(arg, "--summary") ? &o->summary
                        : !strcmp(arg, "--label")   ? &o->label
                                                    : NULL;
    size_t k = 0;
    while (!path && k < n_numbers && strcmp(arg, numbers[k].name)) {
      ++k;
    }
    if (!path && k == n_numbers) {
      return fail("unknown option %s (see --help)", arg);
    }
    if (i + 1 >= argc) {
      return fail("%s needs a value", arg);
    }
    const char *value = argv[++i];
    if (path) {
      *path = value;
    } else if (dlg_parse_number(value, numbers[k].lo, numbers[k].hi,
                                (double *)(void *)((char *)o + numbers[k].offset))) {
      return fail("%s %s: give a number from %g to %g", arg, value, numbers[k].lo, numbers[k].hi);
    }
  }
  if (o->offset_samples != floor(o->offset_samples)) {
    return fail("--offset-samples: give a whole number of samples");
  }
  if (o->summary) {
    if (o->take || o->out || o->words || o->append) {
      return fail("--summary reads a file of errors: no --take, --out, --words or --append");
    }
    if (!o->label) {
      o->label = o->summary;
    }
    return 0;
  }
  if (!o->take || !o->out || !o->words) {
    return fail("give --take, --out and --words, or --summary (see --help)");
  }
  if (!o->label) {
    o->label = o->out;
  }
  return 0;
}

/* --- input ---------------------------------------------------------------- */

typedef struct {
  unsigned rate;
  size_t n;
  float *x;
} Audio;

/* The file from sample `skip` on, its channels averaged. */
static int
audio_read(Audio *a, const char *path, size_t skip)
{
  memset(a, 0, sizeof(*a));
  SF_INFO info;
  memset(&info, 0, sizeof(info));
  SNDFILE *sf = sf_open(path, SFM_READ, &info);
  if (!sf) {
    return fail("cannot read %s: %s", path, sf_strerror(NULL));
  }
  if (info.frames <= 0 || (size_t)info.frames <= skip) {
    sf_close(sf);
    return fail("%s: no audio left after %zu samples", path, skip);
  }
  const size_t channels = (size_t)info.channels;
  float *all = (float *)malloc((size_t)info.frames * channels * sizeof(float));
  a->n = (size_t)info.frames - skip;
  a->x = (float *)malloc(a->n * sizeof(float));
  a->rate = (unsigned)info.samplerate;
  const sf_count_t got = all && a->x ? sf_readf_float(sf, all, info.frames) : -1;
  sf_close(sf);
  if (got != info.frames) {
    free(all);
    free(a->x);
    return fail(all && a->x ? "cannot read %s" : "%s: out of memory", path);
  }
  for (size_t i = 0; i < a->n; ++i) {
    double sum = 0.0;
    for (size_t c = 0; c < channels; ++c) {
      sum += (double)all[(skip + i) * channels + c];
    }
    a->x[i] = (float)(sum / (double)channels);
  }
  free(all);
  return 0;
}

enum { MAX_WORDS = 4096, TEXT_SIZE = 64 };

typedef struct {
  int number;
  char text[TEXT_SIZE];
  double guide_onset, take_onset; /* s */
} Word;

/* field k (0-based) of a comma-separated line into out, or -1 */
static int
csv_field(const char *line, int k, char *out, size_t size)
{
  for (; k > 0; --k) {
    line = strchr(line, ',');
    if (!line) {
      return -1;
    }
    ++line;
  }
  size_t n = strcspn(line, ",\r\n");
  if (n >= size) {
    n = size - 1;
  }
  memcpy(out, line, n);
  out[n] = '\0';
  return 0;
}

/* The words with guide times; *n_take_only counts the others. */
static int
words_read(const char *path, Word *words, size_t *n, size_t *n_take_only)
{
  *n = *n_take_only = 0;
  FILE *file = fopen(path, "r");
  if (!file) {
    return fail("cannot read %s: %s", path, strerror(errno));
  }
  char line[1024];
  int status = 0;
  if (!fgets(line, sizeof(line), file) ||
      strncmp(line, "word,text,guide_onset,guide_offset,take_onset,take_offset", 57)) {
    status =
      fail("%s: no 'word,text,guide_onset,guide_offset,take_onset,take_offset' header", path);
  }
  for (long number = 2; !status && fgets(line, sizeof(line), file); ++number) {
    if (line[0] == '\n') {
      continue;
    }
    char field[4][TEXT_SIZE];
    double number_v = 0.0, guide = 0.0, take = 0.0;
    if (csv_field(line, 0, field[0], TEXT_SIZE) || csv_field(line, 1, field[1], TEXT_SIZE) ||
        csv_field(line, 2, field[2], TEXT_SIZE) || csv_field(line, 4, field[3], TEXT_SIZE) ||
        dlg_parse_number(field[0], 1.0, 1e6, &number_v) ||
        dlg_parse_number(field[3], 0.0, 1e6, &take)) {
      status = fail("%s:%ld: not a row of the header's columns", path, number);
    } else if (!field[2][0]) {
      ++*n_take_only;
    } else if (dlg_parse_number(field[2], 0.0, 1e6, &guide)) {
      status = fail("%s:%ld: guide_onset '%s' is not a time", path, number, field[2]);
    } else if (*n == MAX_WORDS) {
      status = fail("%s: more than %d words", path, MAX_WORDS);
    } else {
      Word *w = &words[(*n)++];
      w->number = (int)number_v;
      memcpy(w->text, field[1], TEXT_SIZE);
      w->guide_onset = guide;
      w->take_onset = take;
    }
  }
  fclose(file);
  if (!status && !*n) {
    status = fail("%s: no word with guide times", path);
  }
  return status;
}

/* --- search --------------------------------------------------------------- */

/* The coarse search compares short-time spectra, not waveforms: WSOLA
   rebuilds a stretched noise-like consonant (s, sh, f, h) from frames of
   other places, so its waveform no longer correlates with the take's
   (0.3-0.5 where the word did land right) while its spectrum over time
   does.  Frames every millisecond, 10 ms Hann windows, the power summed in
   bands about a tenth of an octave wide (two FFT bins at least) from 100 Hz
   to 8 kHz, in dB. */
static const double frame_step_s = 0.001;
static const double window_s = 0.010;
static const double band_lo_hz = 100.0, band_hi_hz = 8000.0, band_octaves = 0.1;
/* A floor far below any studio or room floor, so that digital silence
   (a plugin's pre-roll) is finite and no quieter than it matters. */
static const double floor_db = -120.0;
/* Spectra looked for begin this long before the word: the rise out of the
   pause before it is what times a word whose start is steady noise. */
static const double lead_s = 0.020;
/* The waveform is looked for this far either side of where the spectra
   put the word: their step and window leave about a millisecond. */
static const double refine_s = 0.004;
/* Under this the waveform did not come through the time-scale
   modification intact and its peak means nothing: the spectra's landing
   stands. */
static const double waveform_kept = 0.5;
/* Spectral candidates this close to the best are looked at by waveform. */
static const double close_ncc = 0.1;
enum { CANDIDATES = 4 };

typedef struct {
  size_t step, frames, bands;
  float *db; /* [frame][band] */
} Spectra;

/* Band edges in FFT bins (edges[0..bands]); returns the band count. */
static size_t
band_edges(double rate, size_t nfft, size_t *edges, size_t max_bands)
{
  const double bin_hz = rate / (double)nfft;
  const double top_hz = band_hi_hz < 0.45 * rate ? band_hi_hz : 0.45 * rate;
  const size_t top = (size_t)(top_hz / bin_hz);
  size_t n = 0;
  edges[0] = (size_t)ceil(band_lo_hz / bin_hz);
  for (double hz = band_lo_hz; n < max_bands;) {
    hz *= pow(2.0, band_octaves);
    size_t next = (size_t)ceil(hz / bin_hz);
    if (next < edges[n] + 2) {
      next = edges[n] + 2;
    }
    if (next > top) {
      break;
    }
    edges[++n] = next;
  }
  return n;
}

enum { MAX_BANDS = 128 };

static int
spectra_make(Spectra *s, const Audio *a)
{
  memset(s, 0, sizeof(*s));
  const double rate = (double)a->rate;
  s->step = (size_t)lround(frame_step_s * rate);
  const size_t half = (size_t)lround(0.5 * window_s * rate);
  size_t nfft = 1;
  while (nfft < 2 * half + 1) {
    nfft *= 2;
  }
  size_t edges[MAX_BANDS + 1];
  s->bands = band_edges(rate, nfft, edges, MAX_BANDS);
  s->frames = a->n / s->step + 1;
  s->db = (float *)malloc(s->frames * s->bands * sizeof(float));
  float *in = fftwf_alloc_real(nfft);
  fftwf_complex *out = fftwf_alloc_complex(nfft / 2 + 1);
  double *window = (double *)malloc((2 * half + 1) * sizeof(double));
  fftwf_plan plan = in && out ? fftwf_plan_dft_r2c_1d((int)nfft, in, out, FFTW_ESTIMATE) : NULL;
  const int ok = s->db && window && plan && s->bands >= 4;
  double window_energy = 0.0;
  for (size_t i = 0; ok && i <= 2 * half; ++i) {
    window[i] = 0.5 - 0.5 * cos(2.0 * pi * (double)(i + 1) / (double)(2 * half + 2));
    window_energy += window[i] * window[i];
  }
  /* a full-scale sine reads 0 dB in its band */
  const double scale = 4.0 / (window_energy * (double)nfft);
  for (size_t f = 0; ok && f < s->frames; ++f) {
    const size_t centre = f * s->step;
    memset(in, 0, nfft * sizeof(float));
    for (size_t i = 0; i <= 2 * half; ++i) {
      if (centre + i >= half && centre + i - half < a->n) {
        in[i] = (float)(window[i] * (double)a->x[centre + i - half]);
      }
    }
    fftwf_execute(plan);
    for (size_t b = 0; b < s->bands; ++b) {
      double power = 0.0;
      for (size_t k = edges[b]; k < edges[b + 1]; ++k) {
        power += (double)out[k][0] * (double)out[k][0] + (double)out[k][1] * (double)out[k][1];
      }
      const double db = 10.0 * log10(power * scale + 1e-30);
      s->db[f * s->bands + b] = (float)(db > floor_db ? db : floor_db);
    }
  }
  if (plan) {
    fftwf_destroy_plan(plan);
  }
  fftwf_free(in);
  fftwf_free(out);
  free(window);
  if (!ok) {
    free(s->db);
    s->db = NULL;
    return fail("out of memory, or a rate too low for the spectra");
  }
  return 0;
}

static double
dot(const float *a, const float *b, size_t n)
{
  double acc = 0.0;
  for (size_t i = 0; i < n; ++i) {
    acc += (double)a[i] * (double)b[i];
  }
  return acc;
}

/* Normalised cross-correlation of two waveforms: the cosine of the angle
   between them (speech has no DC to remove), 0 against silence. */
static double
waveform_ncc(const float *s, double s_energy, const float *o, size_t n)
{
  const double o_energy = dot(o, o, n);
  if (s_energy <= 0.0 || o_energy <= 0.0) {
    return 0.0;
  }
  return dot(s, o, n) / sqrt(s_energy * o_energy);
}

/* Normalised cross-correlation of two runs of spectra, each band's mean
   over the run removed: what counts is how every band moves in time, not
   the tilt that all speech shares.  s: the take's, with its band means
   removed already (s_energy its sum of squares); o: the output's. */
static double
spectra_ncc(const float *s, double s_energy, const float *o, size_t frames, size_t bands)
{
  double cross = 0.0, o_energy = 0.0;
  for (size_t b = 0; b < bands; ++b) {
    double sum = 0.0, squares = 0.0, c = 0.0;
    for (size_t f = 0; f < frames; ++f) {
      const double v = (double)o[f * bands + b];
      sum += v;
      squares += v * v;
      c += (double)s[f * bands + b] * v;
    }
    cross += c;
    o_energy += squares - sum * sum / (double)frames;
  }
  if (s_energy <= 0.0 || o_energy <= 0.0) {
    return 0.0;
  }
  return cross / sqrt(s_energy * o_energy);
}

typedef struct {
  size_t at;           /* where the word's first sample landed in the output */
  double spectra_ncc;  /* of the coarse search */
  double waveform_ncc; /* of the sample-exact one around it */
  double longer_ncc;   /* of twice the snippet, where the snippet's did not hold */
  int by_waveform;     /* the landing is the waveform's (else the spectra's) */
} Landing;

typedef struct {
  const Audio *take, *out;
  Spectra take_s, out_s;
} Signals;

/* The best waveform correlation of take[start..start+len) with the
   output at every sample within `reach` of *at (kept in [lo, hi]); *at
   moves there. */
static double
refine(const Signals *sig, size_t start, size_t len, size_t lo, size_t hi, size_t reach, size_t *at)
{
  const float *w = sig->take->x + start;
  const double w_energy = dot(w, w, len);
  const size_t a = *at > lo + reach ? *at - reach : lo;
  const size_t b = *at + reach < hi ? *at + reach : hi;
  double best = 0.0;
  for (size_t k = a; k <= b && k + len <= sig->out->n; ++k) {
    const double r = waveform_ncc(w, w_energy, sig->out->x + k, len);
    if (r > best) {
      best = r;
      *at = k;
    }
  }
  return best;
}

/* Where take[start..start+len) lies best in the output, its first sample
   in [lo, hi]. */
/* How much a candidate looks like the word's start, all told. */
static double
evidence(const Landing *l)
{
  return l->spectra_ncc + l->waveform_ncc + l->longer_ncc;
}

static Landing
find(const Signals *sig, size_t start, size_t len, size_t lo, size_t hi)
{
  Landing l = {lo, 0.0, 0.0, 0.0, 0};
  const Spectra *ts = &sig->take_s, *os = &sig->out_s;
  const size_t step = ts->step, bands = ts->bands;
  const size_t first = (start + step / 2) / step; /* the frame nearest the onset */
  size_t lead = (size_t)lround(lead_s * (double)sig->take->rate / (double)step);
  if (lead > first) {
    lead = first; /* a word at the very start of the take */
  }
  if (first + len / step > ts->frames) {
    return l;
  }
  const size_t from = first - lead, frames = lead + len / step;
  /* the take's run of spectra, band means removed */
  float *s = (float *)malloc(frames * bands * sizeof(float));
  if (!s) {
    return l;
  }
  double s_energy = 0.0;
  for (size_t b = 0; b < bands; ++b) {
    double mean = 0.0;
    for (size_t f = 0; f < frames; ++f) {
      mean += (double)ts->db[(from + f) * bands + b];
    }
    mean /= (double)frames;
    for (size_t f = 0; f < frames; ++f) {
      const double v = (double)ts->db[(from + f) * bands + b] - mean;
      s[f * bands + b] = (float)v;
      s_energy += v * v;
    }
  }
  /* coarse: the output frames where the take's onset frame fits best,
     the best few local maxima kept */
  Landing top[CANDIDATES];
  size_t n_top = 0;
  double previous = -2.0, current = -2.0;
  size_t at_first = (lo + step / 2) / step, at_last = hi / step;
  if (at_first < lead) {
    at_first = lead;
  }
  if (os->frames < frames) {
    at_last = 0;
  } else if (at_last > os->frames - frames + lead) {
    at_last = os->frames - frames + lead; /* the run ends with the output */
  }
  for (size_t f = at_first; f <= at_last + 1; ++f) {
    const double next =
      f <= at_last ? spectra_ncc(s, s_energy, os->db + (f - lead) * bands, frames, bands) : -2.0;
    if (f > at_first && current >= previous && current >= next &&
        (n_top < CANDIDATES || current > top[CANDIDATES - 1].spectra_ncc)) {
      size_t k = n_top < CANDIDATES ? n_top++ : CANDIDATES - 1;
      for (; k > 0 && top[k - 1].spectra_ncc < current; --k) {
        top[k] = top[k - 1];
      }
      /* the onset sample sat (start - first * step) from its frame's centre */
      const double at = (double)((f - 1) * step) + (double)start - (double)(first * step);
      top[k].at = (size_t)(at < (double)lo ? lo : at > (double)hi ? hi : at);
      top[k].spectra_ncc = current;
      top[k].waveform_ncc = top[k].longer_ncc = 0.0;
      top[k].by_waveform = 0;
    }
    previous = current;
    current = next;
  }
  free(s);
  /* fine: every sample near each candidate close to the best, by
     waveform.  A waveform that came through decides between candidates
     (another word's rarely correlates) and times the word; else the
     spectra time it. */
  const size_t reach = (size_t)lround(refine_s * (double)sig->take->rate);
  size_t longer = 2 * len;
  if (start + longer > sig->take->n) {
    longer = sig->take->n - start;
  }
  size_t n_close = 0, n_by_waveform = 0;
  for (size_t c = 0; c < n_top && top[c].spectra_ncc >= top[0].spectra_ncc - close_ncc; ++c) {
    size_t at = top[c].at;
    top[c].waveform_ncc = refine(sig, start, len, lo, hi, reach, &at);
    top[c].by_waveform = top[c].waveform_ncc >= waveform_kept;
    if (top[c].by_waveform) {
      top[c].at = at;
      ++n_by_waveform;
    }
    n_close = c + 1;
  }
  if (n_by_waveform > 1 && longer > len) {
    /* The snippet's waveform came through at two places: a sound the word
       has twice (the t of "twenty" and its second t), or two words that
       start alike.  All three correlations together (spectra, waveform,
       twice the snippet's waveform) tell which is the word's start: seen
       on 200 pairs against the warp map, each alone picked the wrong one
       somewhere.  The snippet still times it. */
    Landing pick = l;
    for (size_t c = 0; c < n_close; ++c) {
      if (top[c].by_waveform) {
        size_t at = top[c].at;
        top[c].longer_ncc = refine(sig, start, longer, lo, hi, 3 * reach, &at);
        if (!pick.by_waveform || evidence(&top[c]) > evidence(&pick)) {
          pick = top[c];
        }
      }
    }
    return pick;
  }
  for (size_t c = 0; c < n_close; ++c) {
    size_t at = top[c].at;
    if (!top[c].by_waveform && longer > len) {
      /* A noise-like start (k, t, h) may be gone while the vowel after
         it came through: twice the snippet tells which peak is the word,
         but does not time it, since WSOLA may have stretched the start
         (the spectra of such a start were seen 15 ms from where its vowel
         went, hence the wider reach too). */
      top[c].longer_ncc = refine(sig, start, longer, lo, hi, 3 * reach, &at);
    }
    const double confirmed = top[c].by_waveform ? top[c].waveform_ncc : top[c].longer_ncc;
    const double best = l.by_waveform ? l.waveform_ncc : l.longer_ncc;
    if (c == 0 || (confirmed >= waveform_kept && confirmed > best)) {
      l = top[c];
    }
  }
  return l;
}

/* --- figures -------------------------------------------------------------- */

static int
by_value(const void *a, const void *b)
{
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* q-quantile of sorted e[0..n), linear between order statistics (the
   default of R and numpy); a word not found (inf) ranks above all. */
static double
quantile(const double *e, size_t n, double q)
{
  const double at = q * (double)(n - 1);
  const size_t i = (size_t)floor(at);
  if (i + 1 >= n) {
    return e[n - 1];
  }
  if (isinf(e[i + 1])) {
    return at == (double)i ? e[i] : HUGE_VAL;
  }
  return e[i] + (at - (double)i) * (e[i + 1] - e[i]);
}

typedef struct {
  size_t n, not_found;
  double median, p95, worst, near, in_frame; /* ms; shares in % */
} Figures;

/* Figures of the absolute errors e[0..n) (sorted here). */
static Figures
figures(double *e, size_t n)
{
  Figures f;
  memset(&f, 0, sizeof(f));
  qsort(e, n, sizeof(double), by_value);
  f.n = n;
  size_t near = 0, in_frame = 0;
  for (size_t i = 0; i < n; ++i) {
    near += e[i] <= near_ms;
    in_frame += e[i] <= frame_24_ms;
    f.not_found += isinf(e[i]) != 0;
  }
  f.median = quantile(e, n, 0.5);
  f.p95 = quantile(e, n, 0.95);
  f.worst = e[n - 1];
  f.near = 100.0 * (double)near / (double)n;
  f.in_frame = 100.0 * (double)in_frame / (double)n;
  return f;
}

static const char *
ms(char *buf, size_t size, double v)
{
  if (isinf(v)) {
    snprintf(buf, size, "not found");
  } else {
    snprintf(buf, size, "%.1f ms", v);
  }
  return buf;
}

/* The summary line (worst_word: " (word K 'text')" or "") and the limits. */
static int
report(const Options *o, const Figures *f, const char *worst_word)
{
  char a[32], b[32], c[32];
  printf("%s: %zu words, median %s, p95 %s, worst %s%s, within 20 ms %.0f %%, within 1 frame "
         "at 24 fps %.0f %%",
         o->label, f->n, ms(a, sizeof(a), f->median), ms(b, sizeof(b), f->p95),
         ms(c, sizeof(c), f->worst), worst_word, f->near, f->in_frame);
  if (f->not_found) {
    printf(", %zu not found", f->not_found);
  }
  putchar('\n');
  const struct {
    const char *name;
    double value, limit;
  } limits[] = {
    {"median", f->median, o->max_median},
    {"p95", f->p95, o->max_p95},
    {"worst", f->worst, o->max_worst},
  };
  int past = 0;
  for (size_t k = 0; k < sizeof(limits) / sizeof(limits[0]); ++k) {
    if (limits[k].limit >= 0.0 && limits[k].value > limits[k].limit) {
      fprintf(stderr, "onset_check: %s: %s %s, over the %g ms allowed\n", o->label, limits[k].name,
              ms(a, sizeof(a), limits[k].value), limits[k].limit);
      past = 1;
    }
  }
  return past;
}

static int
summarise(const Options *o)
{
  FILE *file = fopen(o->summary, "r");
  if (!file) {
    return fail("cannot read %s: %s", o->summary, strerror(errno));
  }
  size_t n = 0, size = 1024;
  double *e = (double *)malloc(size * sizeof(double));
  char line[128];
  int status = e ? 0 : fail("out of memory");
  for (long number = 1; !status && fgets(line, sizeof(line), file); ++number) {
    line[strcspn(line, "\r\n")] = '\0';
    if (!line[0]) {
      continue;
    }
    double v = 0.0;
    if (!strcmp(line, "inf")) {
      v = HUGE_VAL;
    } else if (dlg_parse_number(line, 0.0, 1e9, &v)) {
      status = fail("%s:%ld: '%s' is not an error in ms", o->summary, number, line);
      break;
    }
    if (n == size) {
      double *more = (double *)realloc(e, 2 * size * sizeof(double));
      if (!more) {
        status = fail("out of memory");
        break;
      }
      e = more;
      size *= 2;
    }
    e[n++] = v;
  }
  fclose(file);
  if (!status && !n) {
    status = fail("%s: no errors in it", o->summary);
  }
  if (!status) {
    const Figures f = figures(e, n);
    status = report(o, &f, "");
  }
  free(e);
  return status;
}

static int
measure(const Options *o)
{
  static Word words[MAX_WORDS];
  size_t n_words = 0, n_take_only = 0;
  Audio take, out;
  if (words_read(o->words, words, &n_words, &n_take_only)) {
    return 2;
  }
  if (audio_read(&take, o->take, 0)) {
    return 2;
  }
  if (audio_read(&out, o->out, (size_t)o->offset_samples)) {
    free(take.x);
    return 2;
  }
  if (take.rate != out.rate) {
    free(take.x);
    free(out.x);
    return fail("%s is at %u Hz, %s at %u Hz: resample one to the other's rate first", o->take,
                take.rate, o->out, out.rate);
  }
  const double rate = (double)take.rate;
  Signals sig;
  memset(&sig, 0, sizeof(sig));
  sig.take = &take;
  sig.out = &out;
  double *errors = (double *)malloc(2 * n_words * sizeof(double));
  double *late = errors ? errors + n_words : NULL; /* signed, of the words found */
  size_t n_found = 0;
  int status = spectra_make(&sig.take_s, &take) || spectra_make(&sig.out_s, &out) ? 2 : 0;
  if (!status && !errors) {
    status = fail("out of memory");
  }
  FILE *append = !status && o->append ? fopen(o->append, "a") : NULL;
  if (!status && o->append && !append) {
    status = fail("cannot append to %s: %s", o->append, strerror(errno));
  }
  const size_t len = (size_t)lround(o->snippet_ms * 0.001 * rate);
  const size_t reach = (size_t)lround(o->search_ms * 0.001 * rate);
  size_t worst = 0;
  for (size_t w = 0; w < n_words && !status; ++w) {
    const size_t start = (size_t)lround(words[w].take_onset * rate);
    const size_t guide = (size_t)lround(words[w].guide_onset * rate);
    if (start + len > take.n) {
      status = fail("%s: word %d starts at %.3f s, %s is %.3f s long", o->words, words[w].number,
                    words[w].take_onset, o->take, (double)take.n / rate);
      break;
    }
    if (out.n < len) {
      status = fail("%s is shorter than one snippet", o->out);
      break;
    }
    const size_t lo = guide > reach ? guide - reach : 0;
    const size_t hi = guide + reach < out.n - len ? guide + reach : out.n - len;
    const Landing l = lo <= hi ? find(&sig, start, len, lo, hi) : (Landing){0, 0.0, 0.0, 0.0, 0};
    const double error = ((double)l.at - (double)guide) / rate * 1000.0;
    /* there: its waveform (of the snippet, or of twice it) or its spectra
       came through */
    const int found =
      l.by_waveform || l.longer_ncc >= waveform_kept || l.spectra_ncc >= o->min_ncc;
    errors[w] = found ? fabs(error) : HUGE_VAL;
    if (found) {
      late[n_found++] = error;
    }
    if (errors[w] > errors[worst]) {
      worst = w;
    }
    if (o->verbose) {
      printf("  word %d '%s': guide %.4f s, take %.4f s, ", words[w].number, words[w].text,
             words[w].guide_onset, words[w].take_onset);
      if (found) {
        printf("landed %.4f s, error %+.1f ms", (double)l.at / rate, error);
      } else {
        printf("not found (best at %.4f s)", (double)l.at / rate);
      }
      printf(", ncc spectra %.3f, waveform %.3f", l.spectra_ncc, l.waveform_ncc);
      if (!l.by_waveform) {
        printf(", twice as long %.3f (timed by the spectra)", l.longer_ncc);
      }
      putchar('\n');
    }
  }
  if (!status && o->verbose && n_take_only) {
    printf("  %zu word%s only in the take skipped\n", n_take_only, n_take_only > 1 ? "s" : "");
  }
  if (!status && o->verbose && n_found) {
    /* a constant lead or lag shows here, not in the absolute figures */
    size_t n_late = 0;
    for (size_t k = 0; k < n_found; ++k) {
      n_late += late[k] > 0.0;
    }
    qsort(late, n_found, sizeof(double), by_value);
    printf("  signed: median %+.1f ms, %zu of %zu words late\n", quantile(late, n_found, 0.5),
           n_late, n_found);
  }
  if (!status && append) {
    for (size_t w = 0; w < n_words; ++w) {
      if (isinf(errors[w])) {
        fputs("inf\n", append);
      } else {
        fprintf(append, "%.3f\n", errors[w]);
      }
    }
  }
  if (append && fclose(append) && !status) {
    status = fail("cannot write %s", o->append);
  }
  if (!status) {
    char worst_word[TEXT_SIZE + 32];
    snprintf(worst_word, sizeof(worst_word), " (word %d '%s')", words[worst].number,
             words[worst].text);
    const Figures f = figures(errors, n_words);
    status = report(o, &f, worst_word);
  }
  free(errors);
  free(sig.take_s.db);
  free(sig.out_s.db);
  free(take.x);
  free(out.x);
  return status;
}

int
main(int argc, char **argv)
{
  Options o;
  if (parse_options(argc, argv, &o)) {
    return 2;
  }
  return o.summary ? summarise(&o) : measure(&o);
}
