/* The EQ-match engines against known answers: ltas on white noise at
   several rates (the density per Hz the same at every rate, all of it
   floor), its data's byte format; the correction curve from spectra built
   to a known answer (shape recovered, floor subtracted, faded where the
   reference is at its floor, range, limit, amount, loudness neutrality);
   the filters it designs. */
#include "check.h"
#include "eqmatch.h"
#include "fft.h"
#include "kweight.h"
#include "le_bytes.h"
#include "ltas.h"
#include "ps_status.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

static uint64_t state = 0x2545F4914F6CDD1Dull;

static double
gaussian(void)
{
  double u, v, s;
  do {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    u = (double)(state >> 11) / 4503599627370496.0 - 1.0;
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    v = (double)(state >> 11) / 4503599627370496.0 - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  return u * sqrt(-2.0 * log(s) / s);
}

/* White noise of standard deviation sigma has a one-sided density of
   2 sigma^2 / rate per Hz at every frequency; ltas learns it as floor. */
static void
white_noise(double rate)
{
  const double sigma = 0.05, seconds = 20.0;
  PsLtas *l = NULL;
  CHECKF(ps_ltas_init(&l, rate, 2) == PS_OK, "init at %g Hz", rate);
  const size_t n = (size_t)(seconds * rate);
  float *x[2] = {(float *)malloc(n * sizeof(float)), (float *)malloc(n * sizeof(float))};
  for (size_t i = 0; i < n; ++i) {
    x[0][i] = (float)(sigma * gaussian());
    x[1][i] = (float)(sigma * gaussian());
  }
  for (size_t done = 0; done < n;) {
    const size_t block = 1 + (size_t)(state % 3000);
    const size_t m = block < n - done ? block : n - done;
    const float *in[2] = {x[0] + done, x[1] + done};
    ps_ltas_process(l, in, m);
    done += m;
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
  }
  const PsLtasData *d = ps_ltas_data(l);
  const double expected = 2.0 * sigma * sigma / rate;
  /* Each band is an average of about 470 periodograms (two channels):
     about 0.2 dB of scatter band to band, no bias. */
  double sum = 0.0, sum2 = 0.0;
  size_t bands = 0;
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    const double hz = ps_ltas_band_hz(b);
    if (hz < 100.0 || hz > 0.45 * rate || d->floor_n[b] == 0.0) {
      continue;
    }
    const double err = 10.0 * log10(ps_ltas_floor_mean(d, b) / expected);
    sum += err;
    sum2 += err * err;
    ++bands;
  }
  const double bias = sum / (double)bands, scatter = sqrt(sum2 / (double)bands);
  CHECKV(d->speech_seconds < 0.5 && d->floor_seconds > seconds - 1.0,
         "%g Hz: white noise is floor (%.1f s), not speech (%.2f s)", rate, d->floor_seconds,
         d->speech_seconds);
  CHECKV(bands > 300 && fabs(bias) < 0.05 && scatter < 0.3,
         "%g Hz: floor density 2 sigma^2 / rate: mean error %+.3f dB, rms %.2f dB over %zu "
         "bands 100 Hz-0.45 rate", rate, bias, scatter, bands);
  size_t above = 0;
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    above += ps_ltas_band_hz(b) * exp2(0.5 / 48) > 0.49 * rate && d->floor_n[b] > 0.0;
  }
  CHECKV(above == 0, "%g Hz: no band above Nyquist learned", rate);
  ps_ltas_free(&l);
  free(x[0]);
  free(x[1]);
}

static void
data_format(void)
{
  PsLtasData *d = (PsLtasData *)calloc(3, sizeof(PsLtasData));
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    d[0].speech[b] = exp(-(double)b / 50.0) * 1e-7;
    d[0].speech_n[b] = (double)(b % 7);
    d[0].floor[b] = 1.0 / (double)(b + 3);
    d[0].floor_n[b] = 1e6 + (double)b;
  }
  d[0].speech_seconds = 12.345;
  d[0].floor_seconds = 6.789;
  unsigned char *bytes = (unsigned char *)malloc(PS_LTAS_DATA_BYTES);
  ps_ltas_data_encode(&d[0], bytes);
  /* 1e-7 = 0x3E7AD7F29ABCAF48 */
  CHECKV(bytes[0] == 0x48 && bytes[7] == 0x3E && ps_le_get_double(bytes) == 1e-7,
         "little-endian doubles, speech first");
  CHECKV(ps_ltas_data_decode(&d[1], bytes) == PS_OK && !memcmp(&d[0], &d[1], sizeof(PsLtasData)),
         "encode -> decode gives the data back bit for bit");
  ps_le_put_double(bytes + 8 * 5, NAN);
  d[2] = d[1];
  CHECKV(ps_ltas_data_decode(&d[2], bytes) == PS_ERR_ARG &&
           !memcmp(&d[1], &d[2], sizeof(PsLtasData)),
         "a NaN in the bytes is refused, the data left as it was");
  ps_le_put_double(bytes + 8 * 5, -1.0);
  CHECKV(ps_ltas_data_decode(&d[2], bytes) == PS_ERR_ARG, "a negative density is refused");
  free(bytes);
  free(d);
}

/* A speech-like spectrum: rising to 500 Hz, falling 6 dB per octave after. */
static double
speech_density(double hz)
{
  const double r = hz / 500.0;
  return 1e-8 * r * r / (1.0 + r * r * r * r * r * r);
}

/* A peaking +6 dB at 2 kHz, one octave wide on log frequency. */
static double
shape_db(double hz)
{
  const double x = log2(hz / 2000.0);
  return 6.0 * exp(-x * x / (2.0 * 0.35 * 0.35));
}

static void
fill(PsLtasData *d, double (*density)(double), double gain_db_fn(double), double floor_density)
{
  memset(d, 0, sizeof(*d));
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    const double hz = ps_ltas_band_hz(b);
    const double s = density(hz) * pow(10.0, (gain_db_fn ? gain_db_fn(hz) : 0.0) / 10.0);
    d->speech[b] = 100.0 * (s + floor_density);
    d->speech_n[b] = 100.0;
    d->floor[b] = 50.0 * floor_density;
    d->floor_n[b] = floor_density > 0.0 ? 50.0 : 0.0;
  }
  d->speech_seconds = 30.0;
  d->floor_seconds = floor_density > 0.0 ? 10.0 : 0.0;
}

/* Largest |curve - shape - mean offset| over [lo, hi]. */
static double
shape_error(const float *curve, double lo, double hi)
{
  double mean = 0.0;
  size_t n = 0;
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    const double hz = ps_ltas_band_hz(b);
    if (hz >= lo && hz <= hi) {
      mean += (double)curve[b] - shape_db(hz);
      ++n;
    }
  }
  mean /= (double)n;
  double worst = 0.0;
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    const double hz = ps_ltas_band_hz(b);
    if (hz >= lo && hz <= hi) {
      worst = fmax(worst, fabs((double)curve[b] - shape_db(hz) - mean));
    }
  }
  return worst;
}

/* The take's K-weighted speech power before and after the curve, dB. */
static double
loudness_change(const PsLtasData *take, const float *curve)
{
  PsKWeight k;
  ps_kweight_design(&k, 48000.0);
  double before = 0.0, after = 0.0;
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    const double hz = ps_ltas_band_hz(b);
    const double w = (ps_ltas_speech_mean(take, b) - ps_ltas_floor_mean(take, b)) * hz *
                     pow(10.0, ps_kweight_response_db(&k, 48000.0, hz) / 10.0);
    before += w;
    after += w * pow(10.0, (double)curve[b] / 10.0);
  }
  return 10.0 * log10(after / before);
}

static void
curves(void)
{
  PsLtasData *ref = (PsLtasData *)calloc(1, sizeof(PsLtasData));
  PsLtasData *take = (PsLtasData *)calloc(1, sizeof(PsLtasData));
  float curve[PS_LTAS_BANDS], other[PS_LTAS_BANDS];
  PsEqmatchParams p = ps_eqmatch_default_params();
  p.smoothing_oct = 1.0 / 24.0;

  fill(ref, speech_density, shape_db, 0.0);
  fill(take, speech_density, NULL, 0.0);
  CHECKF(ps_eqmatch_curve(ref, take, &p, curve) == PS_OK, "curve");
  CHECKV(shape_error(curve, 100.0, 12000.0) < 0.05,
         "a +6 dB peak at 2 kHz is recovered within %.3f dB (100 Hz-12 kHz, 1/24 octave)",
         shape_error(curve, 100.0, 12000.0));
  /* exactly 0 on the 1/24-octave smoothed spectra the engine weighs by */
  CHECKV(fabs(loudness_change(take, curve)) < 2e-3,
         "loudness neutral: the take's K-weighted speech power changes by %.1e dB",
         loudness_change(take, curve));
  int outside_zero = 1;
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    const double hz = ps_ltas_band_hz(b);
    if (hz < p.low_hz || hz > p.high_hz) {
      outside_zero = outside_zero && curve[b] == 0.0f;
    }
  }
  CHECKV(outside_zero, "exactly 0 dB outside %g-%g Hz", p.low_hz, p.high_hz);

  /* Noise on the reference, learned as its floor, comes off again. */
  fill(ref, speech_density, shape_db, 2e-12);
  CHECKF(ps_eqmatch_curve(ref, take, &p, other) == PS_OK, "curve");
  double worst = 0.0, at = 0.0;
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    const double hz = ps_ltas_band_hz(b);
    const double snr = 10.0 * log10(ps_ltas_speech_mean(ref, b) / ps_ltas_floor_mean(ref, b));
    if (hz >= 100.0 && hz <= 12000.0 && snr > 4.5 && fabs((double)other[b] - (double)curve[b]) > worst) {
      worst = fabs((double)other[b] - (double)curve[b]);
      at = hz;
    }
  }
  CHECKV(worst < 0.05, "floor subtracted: within %.3f dB (at %.0f Hz) where speech is 4.5 dB "
                       "or more over it", worst, at);
  /* Where the reference's speech is under 1 dB over its floor, the curve
     holds the loudness gain only: flat. */
  fill(ref, speech_density, shape_db, 1e-10);
  CHECKF(ps_eqmatch_curve(ref, take, &p, other) == PS_OK, "curve");
  double lo = 1e9, hi = -1e9;
  size_t faded = 0;
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    const double hz = ps_ltas_band_hz(b);
    const double snr = 10.0 * log10(ps_ltas_speech_mean(ref, b) / ps_ltas_floor_mean(ref, b));
    if (hz >= 200.0 && hz <= 14000.0 && snr < 0.9) {
      lo = fmin(lo, (double)other[b]);
      hi = fmax(hi, (double)other[b]);
      ++faded;
    }
  }
  CHECKV(faded > 50 && hi - lo < 1e-5 && fabs(hi) < 6.0,
         "faded where the reference is within 1 dB of its floor: flat over %zu bands", faded);

  /* Limits and amount. */
  p.max_gain_db = 3.0;
  fill(ref, speech_density, shape_db, 0.0);
  CHECKF(ps_eqmatch_curve(ref, take, &p, other) == PS_OK, "curve");
  double biggest = 0.0;
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    biggest = fmax(biggest, fabs((double)other[b]));
  }
  CHECKV(biggest <= 3.0 + 1e-6, "max_gain 3 dB: the largest boost or cut is %.3f dB", biggest);
  p.max_gain_db = 24.0;
  p.amount = 0.0;
  CHECKF(ps_eqmatch_curve(ref, take, &p, other) == PS_OK, "curve");
  int flat = 1;
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    flat = flat && other[b] == 0.0f;
  }
  CHECKV(flat, "amount 0: exactly flat");
  p.amount = 2.0;
  CHECKF(ps_eqmatch_curve(ref, take, &p, other) == PS_OK, "curve");
  worst = 0.0;
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    const double hz = ps_ltas_band_hz(b);
    if (hz >= 300.0 && hz <= 8000.0) {
      const double d1 = (double)other[b] - ps_eqmatch_curve_at(other, 1000.0);
      const double d2 = 2.0 * ((double)curve[b] - ps_eqmatch_curve_at(curve, 1000.0));
      worst = fmax(worst, fabs(d1 - d2));
    }
  }
  CHECKV(worst < 0.01, "amount 2: twice the shape (within %.4f dB)", worst);
  p.amount = 1.0;
  p.low_hz = 5000.0;
  p.high_hz = 1000.0;
  CHECKV(ps_eqmatch_curve(ref, take, &p, other) == PS_ERR_ARG, "low over high refused");

  /* Nothing learned: flat. */
  memset(ref, 0, sizeof(*ref));
  p = ps_eqmatch_default_params();
  CHECKF(ps_eqmatch_curve(ref, take, &p, other) == PS_OK, "curve");
  flat = 1;
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    flat = flat && other[b] == 0.0f;
  }
  CHECKV(flat, "no reference learned: flat");
  free(ref);
  free(take);
}

/* The designed filters' responses against the curve. */
static void
designs(double rate)
{
  PsEqmatchDesign *d = NULL;
  CHECKF(ps_eqmatch_design_init(&d, rate) == PS_OK, "design init");
  const size_t n = ps_eqmatch_design_taps(d);
  float *taps = (float *)malloc(n * sizeof(float));
  float curve[PS_LTAS_BANDS];
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    curve[b] = 0.0f;
  }
  for (int phase = 0; phase < 2; ++phase) {
    const size_t latency = ps_eqmatch_design_latency(d, (PsEqmatchPhase)phase);
    ps_eqmatch_design(d, curve, (PsEqmatchPhase)phase, taps);
    int delta = 1;
    for (size_t k = 0; k < n; ++k) {
      delta = delta && taps[k] == (k == latency ? 1.0f : 0.0f);
    }
    CHECKV(delta, "%g Hz %s: a flat curve is a unit impulse at %zu", rate,
           phase ? "linear" : "minimum", latency);
  }
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    curve[b] = (float)(shape_db(ps_ltas_band_hz(b)) - 1.0);
  }
  const size_t fft_n = 4 * n;
  PsFft *fft = NULL;
  ps_fft_init(&fft, fft_n);
  for (int phase = 0; phase < 2; ++phase) {
    ps_eqmatch_design(d, curve, (PsEqmatchPhase)phase, taps);
    float *t = ps_fft_time(fft);
    for (size_t k = 0; k < fft_n; ++k) {
      t[k] = k < n ? taps[k] : 0.0f;
    }
    ps_fft_forward(fft);
    const float *s = ps_fft_spectrum(fft);
    double worst = 0.0;
    for (size_t k = 1; k <= fft_n / 2; ++k) {
      const double hz = (double)k * rate / (double)fft_n;
      if (hz < 100.0 || hz > 16000.0) {
        continue;
      }
      const double re = s[2 * k], im = s[2 * k + 1];
      const double db = 10.0 * log10(re * re + im * im);
      worst = fmax(worst, fabs(db - ps_eqmatch_curve_at(curve, hz)));
    }
    CHECKV(worst < 0.1, "%g Hz %s phase: response within %.3f dB of the curve, 100 Hz-16 kHz",
           rate, phase ? "linear" : "minimum", worst);
  }
  int symmetric = 1;
  for (size_t k = 1; k < n; ++k) {
    symmetric = symmetric && taps[k] == taps[n - k];
  }
  CHECKV(symmetric, "%g Hz linear phase: symmetric about tap %zu", rate, n / 2);
  ps_fft_free(&fft);
  free(taps);
  ps_eqmatch_design_free(&d);
}

int
main(void)
{
  white_noise(44100.0);
  white_noise(96000.0);
  data_format();
  curves();
  designs(48000.0);
  designs(192000.0);
  return check_summary("test_eqmatch");
}
