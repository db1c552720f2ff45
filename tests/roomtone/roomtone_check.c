/* roomtone_check: a generated room tone against the truth of gen_roomtone.

   Four checks, each run when its options are given:
   - spectra (--truth): the power of TRUTH and TEST in every one-third-octave
     band, by Welch's method, compared in absolute level;
   - tones (--tones): every sinusoid of the CSV measured in TEST, power and
     frequency;
   - coherence (--coherence): the coherence of TEST's two channels;
   - repeats (--no-repeat-after): the largest normalised autocorrelation of
     TEST beyond a lag, which a looped room tone raises to about 1.
   Exit status 0 when every check passes, 1 when one fails, 2 on bad usage
   or input.  Run with --help for the options. */
#include "options.h"

#include <fftw3.h>
#include <sndfile.h>

#include <errno.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double pi = 3.14159265358979323846;

static const char usage[] =
  "usage: roomtone_check --test TEST.wav [--truth TRUTH.wav] [options]\n"
  "Checks a room tone (mono or stereo WAV) against the truth of gen_roomtone.\n"
  "Spectra, with --truth (same rate; channels are averaged in power):\n"
  "  the power of both files per one-third-octave band, Welch's method (Hann,\n"
  "  8192 points at 48 kHz, scaled with the rate to a power of two, 65536 with\n"
  "  --tones; 50 % overlap), compared without removing any offset\n"
  "  --from HZ, --to HZ     nominal band range (25, 16000); bands reaching\n"
  "                         above half the rate are left out\n"
  "  --max-rms DB           fail when the RMS of the band differences exceeds DB\n"
  "  --max-band DB          fail when one band differs by more than DB\n"
  "Tones, with --tones CSV ('hz,power_db' or 'hz,power_db_l,power_db_r'):\n"
  "  each sinusoid measured in TEST (every channel) with a 0.25 Hz Hann Welch\n"
  "  spectrum (1 Hz under 8 s): power over the main lobe less the local floor\n"
  "  (a median), frequency by parabolic interpolation of the log peak; the\n"
  "  main lobes are left out of the spectra and the coherence\n"
  "  --tone-db DB           largest power error (1.5)\n"
  "  --tone-hz HZ           largest frequency error (0.5)\n"
  "Coherence, with --coherence X (stereo TEST):\n"
  "  Re(Sxy) / sqrt(Sxx Syy) per one-third-octave band from 100 Hz to 8 kHz,\n"
  "  averaged over the bands, must lie within the tolerance of X\n"
  "  --coherence-tol T      (0.1)\n"
  "Repeats, with --no-repeat-after S:\n"
  "  the first channel of TEST, whitened by linear prediction (order 32), its\n"
  "  normalised autocorrelation (the correlation coefficient of the overlapping\n"
  "  parts) at every lag from S seconds to half the length\n"
  "  --max-correlation R    largest magnitude allowed (0.05)\n"
  "  Sinusoids repeat by nature: whitening takes most of a hum away (the hvac\n"
  "  kinds of gen_roomtone reach 0.015), but where tones outweigh the noise\n"
  "  the check is meaningless: it is meant for noise.\n"
  "  --skip S               ignore the first S seconds of both files (0)\n"
  "  --label NAME           name on the summary lines (the TEST path)\n"
  "  --quiet                summary lines only\n"
  "Exit status: 0 all checks pass, 1 a check failed, 2 bad usage or input.\n";

typedef struct {
  const char *truth, *test, *tones, *label;
  double from_hz, to_hz;
  double max_rms, max_band; /* < 0: not checked */
  double tone_db, tone_hz;
  double coherence, coherence_tol; /* coherence < 0: not checked */
  double no_repeat_after, max_correlation; /* no_repeat_after < 0: not checked */
  double skip;
  int quiet;
} Options;

/* a message on stderr; the exit status */
#define fail(...) dlg_fail("roomtone_check", 2, __VA_ARGS__)

static int
parse_options(int argc, char **argv, Options *o)
{
  memset(o, 0, sizeof(*o));
  o->from_hz = 25.0;
  o->to_hz = 16000.0;
  o->max_rms = o->max_band = -1.0;
  o->tone_db = 1.5;
  o->tone_hz = 0.5;
  o->coherence = -1.0;
  o->coherence_tol = 0.1;
  o->no_repeat_after = -1.0;
  o->max_correlation = 0.05;
  static const struct {
    const char *name;
    double lo, hi;
    size_t offset; /* of the double in Options; 0 for a path */
  } numbers[] = {
    {"--from", 10.0, 20000.0, offsetof(Options, from_hz)},
    {"--to", 10.0, 20000.0, offsetof(Options, to_hz)},
    {"--max-rms", 0.0, 100.0, offsetof(Options, max_rms)},
    {"--max-band", 0.0, 100.0, offsetof(Options, max_band)},
    {"--tone-db", 0.0, 100.0, offsetof(Options, tone_db)},
    {"--tone-hz", 0.0, 100.0, offsetof(Options, tone_hz)},
    {"--coherence", 0.0, 1.0, offsetof(Options, coherence)},
    {"--coherence-tol", 0.0, 1.0, offsetof(Options, coherence_tol)},
    {"--no-repeat-after", 0.0, 3600.0, offsetof(Options, no_repeat_after)},
    {"--max-correlation", 0.0, 1.0, offsetof(Options, max_correlation)},
    {"--skip", 0.0, 3600.0, offsetof(Options, skip)},
  };
  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
      fputs(usage, stdout);
      exit(0);
    }
    if (!strcmp(arg, "--quiet")) {
      o->quiet = 1;
      continue;
    }
    const char **path = !strcmp(arg, "--truth")   ? &o->truth
                        : !strcmp(arg, "--test")  ? &o->test
                        : !strcmp(arg, "--tones") ? &o->tones
                        : !strcmp(arg, "--label") ? &o->label
                                                  : NULL;
    size_t k = 0;
    while (!path && k < sizeof(numbers) / sizeof(numbers[0]) && strcmp(arg, numbers[k].name)) {
      ++k;
    }
    if (!path && k == sizeof(numbers) / sizeof(numbers[0])) {
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
      return fail("%s %s: give a number from %g to %g", arg, value, numbers[k].lo,
                  numbers[k].hi);
    }
  }
  if (!o->test) {
    return fail("no --test (see --help)");
  }
  if (o->from_hz > o->to_hz) {
    return fail("--from is above --to");
  }
  if (!o->truth && (o->max_rms >= 0.0 || o->max_band >= 0.0)) {
    return fail("--max-rms and --max-band compare spectra: give --truth");
  }
  if (!o->truth && !o->tones && o->coherence < 0.0 && o->no_repeat_after < 0.0) {
    return fail("nothing to check: give --truth, --tones, --coherence or --no-repeat-after");
  }
  if (!o->label) {
    o->label = o->test;
  }
  return 0;
}

/* --- input ---------------------------------------------------------------- */

typedef struct {
  unsigned rate, channels;
  size_t n;
  float *x[2];
} Audio;

static void
audio_free(Audio *a)
{
  free(a->x[0]);
  free(a->x[1]);
  memset(a, 0, sizeof(*a));
}

/* Reads a mono or stereo file, channels apart, from `skip` seconds on. */
static int
audio_read(Audio *a, const char *path, double skip)
{
  memset(a, 0, sizeof(*a));
  SF_INFO info;
  memset(&info, 0, sizeof(info));
  SNDFILE *sf = sf_open(path, SFM_READ, &info);
  if (!sf) {
    return fail("cannot read %s: %s", path, sf_strerror(NULL));
  }
  if (info.channels < 1 || info.channels > 2) {
    sf_close(sf);
    return fail("%s: %d channels; give a mono or stereo file", path, info.channels);
  }
  a->rate = (unsigned)info.samplerate;
  a->channels = (unsigned)info.channels;
  const size_t first = (size_t)llround(skip * info.samplerate);
  if (info.frames <= 0 || (size_t)info.frames <= first) {
    sf_close(sf);
    return fail("%s: nothing left after --skip %g s", path, skip);
  }
  a->n = (size_t)info.frames - first;
  float *all = (float *)malloc((size_t)info.frames * a->channels * sizeof(float));
  for (unsigned c = 0; c < a->channels; ++c) {
    a->x[c] = (float *)malloc(a->n * sizeof(float));
  }
  if (!all || !a->x[0] || (a->channels == 2 && !a->x[1])) {
    free(all);
    sf_close(sf);
    audio_free(a);
    return fail("%s: out of memory", path);
  }
  const sf_count_t got = sf_readf_float(sf, all, info.frames);
  sf_close(sf);
  if (got != info.frames) {
    free(all);
    audio_free(a);
    return fail("cannot read %s", path);
  }
  for (size_t i = 0; i < a->n; ++i) {
    for (unsigned c = 0; c < a->channels; ++c) {
      a->x[c][i] = all[(first + i) * a->channels + c];
    }
  }
  free(all);
  return 0;
}

enum { MAX_TONES = 64 };

typedef struct {
  size_t n;
  unsigned columns; /* 1: power_db; 2: power_db_l, power_db_r */
  double hz[MAX_TONES];
  double power_db[MAX_TONES][2];
} Tones;

static int
tones_read(Tones *t, const char *path)
{
  memset(t, 0, sizeof(*t));
  FILE *file = fopen(path, "r");
  if (!file) {
    return fail("cannot read %s: %s", path, strerror(errno));
  }
  char line[256];
  int status = 0;
  if (!fgets(line, sizeof(line), file)) {
    status = fail("%s: empty", path);
  } else if (!strcmp(line, "hz,power_db\n")) {
    t->columns = 1;
  } else if (!strcmp(line, "hz,power_db_l,power_db_r\n")) {
    t->columns = 2;
  } else {
    status = fail("%s: the header is not 'hz,power_db' nor 'hz,power_db_l,power_db_r'", path);
  }
  for (long number = 2; !status && fgets(line, sizeof(line), file); ++number) {
    if (line[0] == '\n') {
      continue;
    }
    double v[3] = {0.0, 0.0, 0.0};
    char extra = 0;
    const int got = t->columns == 1 ? sscanf(line, "%lf,%lf %c", &v[0], &v[1], &extra)
                                    : sscanf(line, "%lf,%lf,%lf %c", &v[0], &v[1], &v[2], &extra);
    if (got != (int)t->columns + 1 || !isfinite(v[0]) || !isfinite(v[1]) || !isfinite(v[2]) ||
        v[0] <= 0.0) {
      status = fail("%s:%ld: not 'hz,power_db%s'", path, number, t->columns == 2 ? "_l,_r" : "");
    } else if (t->n == MAX_TONES) {
      status = fail("%s: more than %d tones", path, MAX_TONES);
    } else {
      t->hz[t->n] = v[0];
      t->power_db[t->n][0] = v[1];
      t->power_db[t->n][1] = t->columns == 2 ? v[2] : v[1];
      ++t->n;
    }
  }
  fclose(file);
  return status;
}

/* --- spectra -------------------------------------------------------------- */

typedef struct {
  size_t nfft, bins; /* bins = nfft / 2 + 1 */
  double df;
  size_t segments;
  unsigned channels;
  double *psd[2]; /* one-sided power per Hz, per channel */
  double *cross;  /* Re(X0 conj(X1)), the same scale; stereo only */
} Spectrum;

static void
spectrum_free(Spectrum *s)
{
  free(s->psd[0]);
  free(s->psd[1]);
  free(s->cross);
  memset(s, 0, sizeof(*s));
}

/* Welch's method: periodic Hann segments of nfft points, 50 % overlap,
   |X|^2 averaged and scaled so that the sum of psd * df over the bins is the
   mean square. */
static int
welch(const Audio *a, size_t nfft, Spectrum *s)
{
  memset(s, 0, sizeof(*s));
  if (a->n < nfft) {
    return fail("%.2f s is too short for a %zu-point spectrum", (double)a->n / a->rate, nfft);
  }
  s->nfft = nfft;
  s->bins = nfft / 2 + 1;
  s->df = (double)a->rate / (double)nfft;
  s->channels = a->channels;
  const size_t hop = nfft / 2;
  s->segments = (a->n - nfft) / hop + 1;
  float *in = fftwf_alloc_real(nfft);
  fftwf_complex *out = fftwf_alloc_complex(s->bins);
  fftwf_complex *first = fftwf_alloc_complex(s->bins);
  double *window = (double *)malloc(nfft * sizeof(double));
  int status = in && out && first && window ? 0 : -1;
  for (unsigned c = 0; c < a->channels && !status; ++c) {
    s->psd[c] = (double *)calloc(s->bins, sizeof(double));
    status = s->psd[c] ? 0 : -1;
  }
  if (!status && a->channels == 2) {
    s->cross = (double *)calloc(s->bins, sizeof(double));
    status = s->cross ? 0 : -1;
  }
  fftwf_plan plan = status ? NULL : fftwf_plan_dft_r2c_1d((int)nfft, in, out, FFTW_ESTIMATE);
  if (!plan) {
    status = -1;
  }
  double window_energy = 0.0;
  for (size_t i = 0; i < nfft && !status; ++i) {
    window[i] = 0.5 - 0.5 * cos(2.0 * pi * (double)i / (double)nfft);
    window_energy += window[i] * window[i];
  }
  for (size_t seg = 0; seg < s->segments && !status; ++seg) {
    for (unsigned c = 0; c < a->channels; ++c) {
      const float *x = a->x[c] + seg * hop;
      for (size_t i = 0; i < nfft; ++i) {
        in[i] = (float)(window[i] * (double)x[i]);
      }
      fftwf_execute(plan);
      for (size_t k = 0; k < s->bins; ++k) {
        const double re = (double)out[k][0], im = (double)out[k][1];
        s->psd[c][k] += re * re + im * im;
      }
      if (c == 0 && a->channels == 2) {
        memcpy(first, out, s->bins * sizeof(fftwf_complex));
      } else if (c == 1) {
        for (size_t k = 0; k < s->bins; ++k) {
          s->cross[k] += (double)first[k][0] * (double)out[k][0] +
                         (double)first[k][1] * (double)out[k][1];
        }
      }
    }
  }
  if (!status) {
    const double norm = 1.0 / ((double)s->segments * a->rate * window_energy);
    for (size_t k = 0; k < s->bins; ++k) {
      const double g = (k == 0 || 2 * k == nfft) ? norm : 2.0 * norm;
      for (unsigned c = 0; c < a->channels; ++c) {
        s->psd[c][k] *= g;
      }
      if (s->cross) {
        s->cross[k] *= g;
      }
    }
  }
  if (plan) {
    fftwf_destroy_plan(plan);
  }
  fftwf_free(in);
  fftwf_free(out);
  fftwf_free(first);
  free(window);
  if (status) {
    spectrum_free(s);
    return fail("out of memory");
  }
  return 0;
}

/* Points of the analysis: 8192 at 48 kHz (5.9 Hz), or 65536 (0.73 Hz) when
   tones are left out, so that a main lobe excluded (+-4 bins) leaves most
   of the 50 Hz band; scaled with the rate to a power of two, halved while
   longer than the file. */
static size_t
analysis_points(unsigned rate, int fine, size_t n)
{
  const double at_48k = fine ? 65536.0 : 8192.0;
  const double points = at_48k * pow(2.0, round(log2((double)rate / 48000.0)));
  size_t nfft = (size_t)points;
  while (nfft > n && nfft > 256) {
    nfft /= 2;
  }
  return nfft;
}

/* Bins within 4 of a tone: its Hann main lobe (+-2 bins) and the first
   side lobes (-31 dB and less). */
static unsigned char *
tone_mask(const Tones *t, const Spectrum *s)
{
  unsigned char *mask = (unsigned char *)calloc(s->bins, 1);
  for (size_t j = 0; mask && t && j < t->n; ++j) {
    for (size_t k = 0; k < s->bins; ++k) {
      if (fabs((double)k * s->df - t->hz[j]) < 4.0 * s->df) {
        mask[k] = 1;
      }
    }
  }
  return mask;
}

/* One-third-octave bands, ISO 266 nominal frequencies; the exact centre of
   band k is 1000 * 10^(k/10) Hz (base ten, IEC 61260-1), its edges a
   twentieth of a decade either side. */
static const double band_nominal[] = {
  10,   12.5, 16,   20,   25,   31.5, 40,   50,   63,    80,    100,   125,
  160,  200,  250,  315,  400,  500,  630,  800,  1000,  1250,  1600,  2000,
  2500, 3150, 4000, 5000, 6300, 8000, 10000, 12500, 16000, 20000,
};
enum { N_BANDS = sizeof(band_nominal) / sizeof(band_nominal[0]), BAND_10HZ = -20 };

static void
band_edges(size_t b, double *lo, double *hi)
{
  const double centre = 1000.0 * pow(10.0, (double)((int)b + BAND_10HZ) / 10.0);
  *lo = centre * pow(10.0, -0.05);
  *hi = centre * pow(10.0, 0.05);
}

/* Weight of bin k (covering k df +- df/2) inside [lo, hi), in Hz; 0 when
   masked. */
static double
bin_weight(const Spectrum *s, const unsigned char *mask, size_t k, double lo, double hi)
{
  if (mask && mask[k]) {
    return 0.0;
  }
  const double a = fmax(lo, ((double)k - 0.5) * s->df), b = fmin(hi, ((double)k + 0.5) * s->df);
  return b > a ? b - a : 0.0;
}

/* Power in [lo, hi) of psd: the mean density over the bins left in, times
   the width.  NAN when every bin is masked. */
static double
band_power(const Spectrum *s, const double *psd, const unsigned char *mask, double lo, double hi)
{
  double weight = 0.0, sum = 0.0;
  const size_t k0 = (size_t)floor(lo / s->df), k1 = (size_t)ceil(hi / s->df) + 1;
  for (size_t k = k0; k < k1 && k < s->bins; ++k) {
    const double w = bin_weight(s, mask, k, lo, hi);
    weight += w;
    sum += w * psd[k];
  }
  return weight > 0.0 ? sum / weight * (hi - lo) : (double)NAN;
}

static double
to_db(double power)
{
  return 10.0 * log10(fmax(power, 1e-30));
}

/* The mean over channels, in place of psd[0]. */
static void
spectrum_mix(Spectrum *s)
{
  if (s->channels == 2) {
    for (size_t k = 0; k < s->bins; ++k) {
      s->psd[0][k] = 0.5 * (s->psd[0][k] + s->psd[1][k]);
    }
  }
}

/* Returns 0 pass, 1 fail, 2 error. */
static int
check_spectra(const Options *o, const Audio *truth, const Audio *test, const Tones *tones)
{
  if (truth->rate != test->rate) {
    return fail("%s is at %u Hz, %s at %u Hz", o->truth, truth->rate, o->test, test->rate);
  }
  const size_t nfft = analysis_points(test->rate, tones != NULL,
                                      truth->n < test->n ? truth->n : test->n);
  Spectrum st, se;
  if (welch(truth, nfft, &st)) {
    return 2;
  }
  if (welch(test, nfft, &se)) {
    spectrum_free(&st);
    return 2;
  }
  spectrum_mix(&st);
  spectrum_mix(&se);
  unsigned char *mask = tone_mask(tones, &st);
  if (!mask) {
    spectrum_free(&st);
    spectrum_free(&se);
    return fail("out of memory");
  }
  if (!o->quiet) {
    printf("%s: spectra, %zu-point Welch (%.2f Hz), %zu and %zu segments%s\n", o->label, nfft,
           st.df, st.segments, se.segments, tones ? ", tone lobes left out" : "");
    printf("%8s %10s %10s %8s\n", "band Hz", "truth dB", "test dB", "diff dB");
  }
  double sum2 = 0.0, worst = -1.0, worst_hz = 0.0;
  size_t used = 0, above = 0;
  for (size_t b = 0; b < N_BANDS; ++b) {
    const double nominal = band_nominal[b];
    if (nominal < o->from_hz * 0.99 || nominal > o->to_hz * 1.01) {
      continue;
    }
    double lo, hi;
    band_edges(b, &lo, &hi);
    if (hi > 0.5 * test->rate) {
      ++above;
      continue;
    }
    const double pt = band_power(&st, st.psd[0], mask, lo, hi);
    const double pe = band_power(&se, se.psd[0], mask, lo, hi);
    if (isnan(pt)) {
      if (!o->quiet) {
        printf("%8g %10s %10s %8s\n", nominal, "-", "-", "tones");
      }
      continue;
    }
    const double dt = to_db(pt), de = to_db(pe), diff = de - dt;
    if (!o->quiet) {
      printf("%8g %10.2f %10.2f %+8.2f\n", nominal, dt, de, diff);
    }
    sum2 += diff * diff;
    ++used;
    if (fabs(diff) > worst) {
      worst = fabs(diff);
      worst_hz = nominal;
    }
  }
  free(mask);
  spectrum_free(&st);
  spectrum_free(&se);
  if (above && !o->quiet) {
    printf("%s: %zu band%s above %g Hz left out\n", o->label, above, above > 1 ? "s" : "",
           0.5 * test->rate);
  }
  if (!used) {
    return fail("no band to compare between %g and %g Hz", o->from_hz, o->to_hz);
  }
  const double band_rms = sqrt(sum2 / (double)used);
  printf("%s bands rms %.2f dB max %.2f dB at %g Hz\n", o->label, band_rms, worst, worst_hz);
  int status = 0;
  if (o->max_rms >= 0.0 && band_rms > o->max_rms) {
    fprintf(stderr, "%s: FAIL: band rms %.2f dB over --max-rms %g\n", o->label, band_rms,
            o->max_rms);
    status = 1;
  }
  if (o->max_band >= 0.0 && worst > o->max_band) {
    fprintf(stderr, "%s: FAIL: %g Hz off by %.2f dB, over --max-band %g\n", o->label, worst_hz,
            worst, o->max_band);
    status = 1;
  }
  return status;
}

/* --- tones ---------------------------------------------------------------- */

static int
compare_doubles(const void *a, const void *b)
{
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Mean over median of a chi-square variable of `dof` degrees of freedom
   (Wilson and Hilferty, 1931): the median of the floor bins is turned into
   their mean. */
static double
chi2_mean_over_median(double dof)
{
  const double m = 1.0 - 2.0 / (9.0 * dof);
  return 1.0 / (m * m * m);
}

enum { LOBE = 3, FLOOR_GAP = 6 };

/* Measures one sinusoid near `hz` (searching within +-search Hz) in one
   channel's spectrum: *power (mean square; 0 when nothing stands above the
   floor) and *found_hz. */
static void
measure_tone(const Spectrum *s, const double *psd, const Tones *t, size_t j, double search,
             double *power, double *found_hz)
{
  const double hz = t->hz[j];
  size_t k_lo = (size_t)fmax((double)(LOBE + 1), ceil((hz - search) / s->df));
  size_t k_hi = (size_t)fmin((double)(s->bins - LOBE - 2), floor((hz + search) / s->df));
  size_t peak = k_lo;
  for (size_t k = k_lo; k <= k_hi; ++k) {
    if (psd[k] > psd[peak]) {
      peak = k;
    }
  }
  double delta = 0.0;
  if (psd[peak - 1] > 0.0 && psd[peak] > 0.0 && psd[peak + 1] > 0.0) {
    const double a = log(psd[peak - 1]), b = log(psd[peak]), c = log(psd[peak + 1]);
    const double curve = a - 2.0 * b + c;
    delta = curve < 0.0 ? fmax(-0.5, fmin(0.5, 0.5 * (a - c) / curve)) : 0.0;
  }
  *found_hz = ((double)peak + delta) * s->df;

  double lobe = 0.0;
  for (size_t k = peak - LOBE; k <= peak + LOBE; ++k) {
    lobe += psd[k] * s->df;
  }
  /* The floor: bins within 10 Hz, clear of this lobe and of every listed
     tone's. */
  const size_t reach = (size_t)ceil(10.0 / s->df) + FLOOR_GAP;
  double floor_bins[2048];
  size_t n_floor = 0;
  for (size_t k = peak > reach ? peak - reach : 1; k <= peak + reach && k < s->bins; ++k) {
    int clear = (k + FLOOR_GAP <= peak || k >= peak + FLOOR_GAP) && k > 0;
    for (size_t i = 0; i < t->n && clear; ++i) {
      clear = fabs((double)k * s->df - t->hz[i]) >= (double)FLOOR_GAP * s->df;
    }
    if (clear && n_floor < sizeof(floor_bins) / sizeof(floor_bins[0])) {
      floor_bins[n_floor++] = psd[k] * s->df;
    }
  }
  double floor_per_bin = 0.0;
  if (n_floor) {
    qsort(floor_bins, n_floor, sizeof(double), compare_doubles);
    const double median = n_floor % 2 ? floor_bins[n_floor / 2]
                                      : 0.5 * (floor_bins[n_floor / 2 - 1] + floor_bins[n_floor / 2]);
    floor_per_bin = median * chi2_mean_over_median(2.0 * (double)s->segments);
  }
  *power = fmax(0.0, lobe - (2.0 * LOBE + 1.0) * floor_per_bin);
}

static int
check_tones(const Options *o, const Audio *test, const Tones *t)
{
  if (!t->n) {
    printf("%s tones 0 listed\n", o->label);
    return 0;
  }
  /* 0.25 Hz bins when the file holds three 4 s segments, else 1 Hz. */
  const size_t seconds = test->n >= 8u * test->rate ? 4 : 1;
  if (test->n < 2u * test->rate) {
    return fail("%s: %.2f s is too short to measure tones (2 s at least)", o->test,
                (double)test->n / test->rate);
  }
  Spectrum s;
  if (welch(test, seconds * test->rate, &s)) {
    return 2;
  }
  if (!o->quiet) {
    printf("%s: tones, %zu-point Welch (%.2f Hz), %zu segments\n", o->label, s.nfft, s.df,
           s.segments);
    printf("%3s %10s %10s %9s %9s %9s %9s\n", "ch", "hz", "found hz", "hz err", "truth dB",
           "found dB", "dB err");
  }
  double worst_db = -1.0, worst_db_hz = 0.0, worst_hz = -1.0, worst_hz_hz = 0.0;
  for (size_t j = 0; j < t->n; ++j) {
    /* Search +-2 Hz, never past half way to a neighbour. */
    double search = 2.0;
    for (size_t i = 0; i < t->n; ++i) {
      if (i != j) {
        search = fmin(search, 0.5 * fabs(t->hz[i] - t->hz[j]));
      }
    }
    search = fmax(search, 2.0 * s.df);
    if (t->hz[j] + search + (LOBE + 2) * s.df >= 0.5 * test->rate || t->hz[j] < 2.0) {
      spectrum_free(&s);
      return fail("%g Hz: out of the measurable range", t->hz[j]);
    }
    for (unsigned c = 0; c < test->channels; ++c) {
      double power = 0.0, found = 0.0;
      measure_tone(&s, s.psd[c], t, j, search, &power, &found);
      const double truth_db = t->power_db[j][t->columns == 2 ? c : 0];
      const double found_db = power > 0.0 ? 10.0 * log10(power) : -HUGE_VAL;
      const double err_db = power > 0.0 ? found_db - truth_db : HUGE_VAL;
      const double err_hz = found - t->hz[j];
      if (!o->quiet) {
        printf("%3u %10.3f %10.3f %+9.3f %9.2f %9.2f %+9.2f\n", c, t->hz[j], found, err_hz,
               truth_db, found_db, err_db);
      }
      if (fabs(err_db) > worst_db) {
        worst_db = fabs(err_db);
        worst_db_hz = t->hz[j];
      }
      if (fabs(err_hz) > worst_hz) {
        worst_hz = fabs(err_hz);
        worst_hz_hz = t->hz[j];
      }
    }
  }
  spectrum_free(&s);
  printf("%s tones %zu power max %.2f dB at %g Hz frequency max %.3f Hz at %g Hz\n", o->label,
         t->n, worst_db, worst_db_hz, worst_hz, worst_hz_hz);
  int status = 0;
  if (worst_db > o->tone_db) {
    fprintf(stderr, "%s: FAIL: the %g Hz tone is off by %.2f dB, over --tone-db %g\n", o->label,
            worst_db_hz, worst_db, o->tone_db);
    status = 1;
  }
  if (worst_hz > o->tone_hz) {
    fprintf(stderr, "%s: FAIL: the %g Hz tone is off by %.3f Hz, over --tone-hz %g\n", o->label,
            worst_hz_hz, worst_hz, o->tone_hz);
    status = 1;
  }
  return status;
}

/* --- coherence ------------------------------------------------------------ */

static int
check_coherence(const Options *o, const Audio *test, const Tones *tones)
{
  if (test->channels != 2) {
    return fail("%s: --coherence needs a stereo file", o->test);
  }
  Spectrum s;
  if (welch(test, analysis_points(test->rate, tones != NULL, test->n), &s)) {
    return 2;
  }
  unsigned char *mask = tone_mask(tones, &s);
  if (!mask) {
    spectrum_free(&s);
    return fail("out of memory");
  }
  double sum = 0.0, lowest = HUGE_VAL, highest = -HUGE_VAL;
  size_t used = 0;
  for (size_t b = 0; b < N_BANDS; ++b) {
    if (band_nominal[b] < 99.0 || band_nominal[b] > 8100.0) {
      continue;
    }
    double lo, hi;
    band_edges(b, &lo, &hi);
    if (hi > 0.5 * test->rate) {
      continue;
    }
    const double xy = band_power(&s, s.cross, mask, lo, hi);
    const double xx = band_power(&s, s.psd[0], mask, lo, hi);
    const double yy = band_power(&s, s.psd[1], mask, lo, hi);
    if (isnan(xy) || !(xx > 0.0) || !(yy > 0.0)) {
      continue;
    }
    const double coherence = xy / sqrt(xx * yy);
    sum += coherence;
    lowest = fmin(lowest, coherence);
    highest = fmax(highest, coherence);
    ++used;
  }
  free(mask);
  spectrum_free(&s);
  if (!used) {
    return fail("%s: no band between 100 Hz and 8 kHz to measure coherence in", o->test);
  }
  const double mean = sum / (double)used;
  printf("%s coherence %.3f over %zu bands 100..8000 Hz (band min %.3f max %.3f) want %.3f "
         "+- %.3f\n",
         o->label, mean, used, lowest, highest, o->coherence, o->coherence_tol);
  if (fabs(mean - o->coherence) > o->coherence_tol) {
    fprintf(stderr, "%s: FAIL: coherence %.3f is not within %g of %g\n", o->label, mean,
            o->coherence_tol, o->coherence);
    return 1;
  }
  return 0;
}

/* --- repeats -------------------------------------------------------------- */

/* The smallest n >= target with no prime factor above 5: fast for FFTW. */
static size_t
fast_size(size_t target)
{
  for (size_t n = target;; ++n) {
    size_t m = n;
    while (m % 2 == 0) {
      m /= 2;
    }
    while (m % 3 == 0) {
      m /= 3;
    }
    while (m % 5 == 0) {
      m /= 5;
    }
    if (m == 1) {
      return n;
    }
  }
}

typedef struct {
  size_t m;
  float *time;
  fftwf_complex *freq;
  fftwf_plan forward, inverse;
} Correlator;

/* Linear autocorrelation of x[0..n) (zero-padded to m >= 2n), lags 0..n-1,
   into r (times m, FFTW's unnormalised inverse). */
static void
autocorrelate(Correlator *k, const float *x, size_t n, double *r)
{
  memcpy(k->time, x, n * sizeof(float));
  memset(k->time + n, 0, (k->m - n) * sizeof(float));
  fftwf_execute(k->forward);
  for (size_t i = 0; i < k->m / 2 + 1; ++i) {
    const double re = (double)k->freq[i][0], im = (double)k->freq[i][1];
    k->freq[i][0] = (float)(re * re + im * im);
    k->freq[i][1] = 0.0f;
  }
  fftwf_execute(k->inverse);
  for (size_t i = 0; i < n; ++i) {
    r[i] = (double)k->time[i];
  }
}

enum { LPC_ORDER = 32 };

/* Levinson-Durbin: the prediction error filter a[0..order] (a[0] = 1) of
   the autocorrelation r.  Returns -1 when r is not positive definite. */
static int
levinson(const double *r, double *a)
{
  double error = r[0];
  double next[LPC_ORDER + 1];
  memset(a, 0, (LPC_ORDER + 1) * sizeof(double));
  a[0] = 1.0;
  for (unsigned i = 1; i <= LPC_ORDER; ++i) {
    double acc = r[i];
    for (unsigned j = 1; j < i; ++j) {
      acc += a[j] * r[i - j];
    }
    const double reflection = -acc / error;
    for (unsigned j = 1; j < i; ++j) {
      next[j] = a[j] + reflection * a[i - j];
    }
    memcpy(a + 1, next + 1, (i - 1) * sizeof(double));
    a[i] = reflection;
    error *= 1.0 - reflection * reflection;
    if (!(error > 0.0)) {
      return -1;
    }
  }
  return 0;
}

/* Clips e to 8 times the median RMS of its 10 ms blocks, so that a click
   or a splice, which whitening turns into a spike, cannot outweigh the rest
   of the file in the normalisation.  Returns -1 when out of memory. */
static int
clip_outliers(float *e, size_t n, size_t block)
{
  const size_t n_blocks = block ? n / block : 0;
  if (!n_blocks) {
    return 0;
  }
  double *power = (double *)malloc(n_blocks * sizeof(double));
  if (!power) {
    return -1;
  }
  for (size_t b = 0; b < n_blocks; ++b) {
    double sum = 0.0;
    for (size_t i = b * block; i < (b + 1) * block; ++i) {
      sum += (double)e[i] * (double)e[i];
    }
    power[b] = sum / (double)block;
  }
  qsort(power, n_blocks, sizeof(double), compare_doubles);
  const double limit = 8.0 * sqrt(power[n_blocks / 2]);
  free(power);
  for (size_t i = 0; i < n; ++i) {
    e[i] = (float)fmax(-limit, fmin(limit, (double)e[i]));
  }
  return 0;
}

/* Whitening first makes the spread of a chance correlation about
   1/sqrt(overlap in samples) whatever the colour of the noise: brown noise
   or traffic rumble, with most of their power in an octave or two, would
   otherwise correlate by chance well above 0.05 at some lag.  A loop
   survives whitening (the filter is the same at both copies). */
static int
check_repeats(const Options *o, const Audio *test)
{
  const size_t n = test->n;
  const size_t first_lag = (size_t)ceil(o->no_repeat_after * test->rate);
  const size_t last_lag = n / 2;
  const size_t ne = n > 2 * LPC_ORDER ? n - LPC_ORDER : 0; /* whitened samples */
  if (first_lag < 1 || first_lag > last_lag || last_lag >= ne) {
    return fail("%s: %.2f s holds no lag from %g s to half its length", o->test,
                (double)n / test->rate, o->no_repeat_after);
  }
  Correlator k;
  memset(&k, 0, sizeof(k));
  k.m = fast_size(2 * n);
  k.time = fftwf_alloc_real(k.m);
  k.freq = fftwf_alloc_complex(k.m / 2 + 1);
  double *r = (double *)malloc(n * sizeof(double));
  float *e = (float *)malloc(n * sizeof(float));
  double *energy = (double *)malloc((n + 1) * sizeof(double));
  int status = k.time && k.freq && r && e && energy ? 0 : fail("out of memory");
  if (!status) {
    k.forward = fftwf_plan_dft_r2c_1d((int)k.m, k.time, k.freq, FFTW_ESTIMATE);
    k.inverse = fftwf_plan_dft_c2r_1d((int)k.m, k.freq, k.time, FFTW_ESTIMATE);
    status = k.forward && k.inverse ? 0 : fail("cannot plan a %zu-point FFT", k.m);
  }
  double a[LPC_ORDER + 1];
  if (!status) {
    const float *x = test->x[0];
    autocorrelate(&k, x, n, r);
    /* A -60 dB white floor keeps the prediction well conditioned (stable
       sinusoids, as a generated hum is, make it singular otherwise). */
    r[0] *= 1.0 + 1e-6;
    if (n <= LPC_ORDER || !(r[0] > 0.0) || levinson(r, a)) {
      status = fail("%s: silent, or too short to whiten", o->test);
    }
    /* The error from the first full prediction on: the start-up samples of
       a very predictable signal would outweigh all the rest. */
    for (size_t i = LPC_ORDER; i < n && !status; ++i) {
      double y = (double)x[i];
      for (unsigned j = 1; j <= LPC_ORDER; ++j) {
        y += a[j] * (double)x[i - j];
      }
      e[i - LPC_ORDER] = (float)y;
    }
    if (!status) {
      status = clip_outliers(e, ne, test->rate / 100u) ? fail("out of memory") : 0;
    }
  }
  if (!status) {
    autocorrelate(&k, e, ne, r);
    energy[0] = 0.0;
    for (size_t i = 0; i < ne; ++i) {
      energy[i + 1] = energy[i] + (double)e[i] * (double)e[i];
    }
    double worst = 0.0;
    size_t worst_lag = first_lag;
    for (size_t lag = first_lag; lag <= last_lag; ++lag) {
      /* r[lag] / m over sqrt(energy of e[0..ne-lag) * energy of e[lag..ne)) */
      const double head = energy[ne - lag], tail = energy[ne] - energy[lag];
      const double rho = head > 0.0 && tail > 0.0 ? r[lag] / (double)k.m / sqrt(head * tail)
                                                  : 0.0;
      if (fabs(rho) > worst) {
        worst = fabs(rho);
        worst_lag = lag;
      }
    }
    printf("%s repeats max |r| %.4f at %.3f s (lags %.3f..%.3f s, whitened) limit %.4f\n",
           o->label, worst, (double)worst_lag / test->rate, (double)first_lag / test->rate,
           (double)last_lag / test->rate, o->max_correlation);
    if (worst > o->max_correlation) {
      fprintf(stderr, "%s: FAIL: it repeats: correlation %.4f at a lag of %.3f s, over "
              "--max-correlation %g\n", o->label, worst, (double)worst_lag / test->rate,
              o->max_correlation);
      status = 1;
    }
  }
  if (k.forward) {
    fftwf_destroy_plan(k.forward);
  }
  if (k.inverse) {
    fftwf_destroy_plan(k.inverse);
  }
  fftwf_free(k.time);
  fftwf_free(k.freq);
  free(r);
  free(e);
  free(energy);
  return status;
}

/* --- main ----------------------------------------------------------------- */

static int
worse(int a, int b)
{
  return a > b ? a : b;
}

int
main(int argc, char **argv)
{
  Options o;
  if (parse_options(argc, argv, &o)) {
    return 2;
  }
  Tones tones;
  if (o.tones && tones_read(&tones, o.tones)) {
    return 2;
  }
  Audio test, truth;
  memset(&truth, 0, sizeof(truth));
  if (audio_read(&test, o.test, o.skip)) {
    return 2;
  }
  if (o.truth && audio_read(&truth, o.truth, o.skip)) {
    audio_free(&test);
    return 2;
  }
  int status = 0;
  if (o.truth) {
    status = worse(status, check_spectra(&o, &truth, &test, o.tones ? &tones : NULL));
  }
  if (o.tones && status < 2) {
    status = worse(status, check_tones(&o, &test, &tones));
  }
  if (o.coherence >= 0.0 && status < 2) {
    status = worse(status, check_coherence(&o, &test, o.tones ? &tones : NULL));
  }
  if (o.no_repeat_after >= 0.0 && status < 2) {
    status = worse(status, check_repeats(&o, &test));
  }
  audio_free(&test);
  audio_free(&truth);
  fftwf_cleanup();
  return status;
}
