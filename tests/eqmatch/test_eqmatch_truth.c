/* Known answers for the EQ-match truth: the RBJ sections at their defining
   frequencies, the chains run in time (impulse -> FFT) against their
   analytic responses, the null case, the self curve against the truth, and
   the scoring library on curves whose score is known.

   usage: test_eqmatch_truth SCRATCH_FILE */
#include "cases.h"
#include "check.h"
#include "eqmatch_truth.h"
#include "dsp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double
db10(double power)
{
  return 10.0 * log10(power);
}

static void
test_sections(unsigned rate)
{
  DlgBiquad f;
  const EqmSection peak = {EQM_PEAK, 4500.0, 1.5, 6.0};
  eqm_section_design(&f, &peak, rate);
  CHECKF(fabs(db10(eqm_biquad_power(&f, 4500.0, rate)) - 6.0) < 1e-9, "peak gain at f0");
  CHECKF(fabs(db10(eqm_biquad_power(&f, 0.0, rate))) < 1e-9, "peak 0 dB at DC");
  const EqmSection lp = {EQM_LOWPASS, 4500.0, 0.7071067811865476, 0.0};
  eqm_section_design(&f, &lp, rate);
  CHECKF(fabs(db10(eqm_biquad_power(&f, 4500.0, rate)) + 3.0103) < 1e-4, "low-pass -3 dB at f0");
  CHECKF(fabs(db10(eqm_biquad_power(&f, 0.0, rate))) < 1e-9, "low-pass 0 dB at DC");
  const EqmSection hp = {EQM_HIGHPASS, 150.0, 0.7071067811865476, 0.0};
  eqm_section_design(&f, &hp, rate);
  CHECKF(fabs(db10(eqm_biquad_power(&f, 150.0, rate)) + 3.0103) < 1e-4, "high-pass -3 dB at f0");
  CHECKF(fabs(db10(eqm_biquad_power(&f, rate / 2.0, rate))) < 1e-9, "high-pass 0 dB at Nyquist");
  const EqmSection low = {EQM_LOW_SHELF, 120.0, 0.7071, 2.5};
  eqm_section_design(&f, &low, rate);
  CHECKF(fabs(db10(eqm_biquad_power(&f, 0.0, rate)) - 2.5) < 1e-9, "low shelf gain at DC");
  CHECKF(fabs(db10(eqm_biquad_power(&f, 120.0, rate)) - 1.25) < 1e-9, "low shelf half at f0");
  CHECKF(fabs(db10(eqm_biquad_power(&f, rate / 2.0, rate))) < 1e-9, "low shelf 0 at Nyquist");
  const EqmSection high = {EQM_HIGH_SHELF, 4000.0, 0.7071, -8.0};
  eqm_section_design(&f, &high, rate);
  CHECKF(fabs(db10(eqm_biquad_power(&f, rate / 2.0, rate)) + 8.0) < 1e-9, "high shelf at Nyquist");
  CHECKF(fabs(db10(eqm_biquad_power(&f, 4000.0, rate)) + 4.0) < 1e-9, "high shelf half at f0");
  CHECKF(fabs(db10(eqm_biquad_power(&f, 0.0, rate))) < 1e-9, "high shelf 0 at DC");
}

/* Power spectrum of the chain's impulse response, run in time. */
static int
measured_power(const EqmChainSpec *spec, unsigned rate, uint64_t seed, size_t n_fft,
               double *power)
{
  EqmChain chain;
  float *x = (float *)calloc(n_fft, sizeof(float));
  double *h = (double *)malloc(n_fft * sizeof(double));
  int status = !x || !h || eqm_chain_init(&chain, spec, rate, seed) ? -1 : 0;
  if (!status) {
    x[0] = 1.0f;
    status = eqm_chain_run(&chain, x, x, n_fft);
    for (size_t i = 0; i < n_fft; ++i) {
      h[i] = (double)x[i];
    }
    status |= dlg_power_spectrum(h, n_fft, n_fft, power);
    eqm_chain_free(&chain);
  }
  free(x);
  free(h);
  return status;
}

static void
test_case(const EqmCase *c, unsigned rate, uint64_t seed)
{
  EqmResponse exact, timed;
  if (eqm_response_init(&exact, c, rate, seed)) {
    CHECKV(0, "%s at %u Hz: response", c->name, rate);
    return;
  }
  timed = exact;
  const size_t n_fft = 2 * (exact.n_bins - 1);
  timed.reference = (double *)malloc(exact.n_bins * sizeof(double));
  timed.take = (double *)malloc(exact.n_bins * sizeof(double));
  const int status = !timed.reference || !timed.take ||
                     measured_power(&c->reference, rate, seed, n_fft, timed.reference) ||
                     measured_power(&eqm_take_chain, rate, seed, n_fft, timed.take);
  CHECKF(!status, "%s at %u Hz: impulse responses", c->name, rate);
  EqmTruth truth, measured;
  eqm_response_truth(&exact, &truth);
  double worst = 0.0;
  if (!status) {
    eqm_response_truth(&timed, &measured);
    for (unsigned k = 0; k < EQM_BANDS; ++k) {
      worst = fmax(worst, fabs(measured.db[k] - truth.db[k]));
    }
  }
  CHECKV(!status && worst < 0.005,
         "%s at %u Hz: truth from the chains run in time within %.5f dB of the analytic one",
         c->name, rate, worst);
  if (!strcmp(c->name, "null")) {
    int zero = 1;
    for (unsigned k = 0; k < EQM_BANDS; ++k) {
      zero &= truth.db[k] == 0.0;
    }
    CHECKV(zero, "null at %u Hz: truth exactly 0 dB in every band", rate);
  }

  /* The self curve cannot score exactly 0: its points are power ratios
     over 1/48 octave and the truth a ratio of band powers (0.01-0.06 dB
     apart where A and B both slope inside a band), and a room's response,
     jagged below 1/48 octave, loses about 0.15 dB rms to the interpolation
     in dB between points. */
  const double max_rms = c->reference.room ? 0.2 : 0.05;
  const double max_band = c->reference.room ? 0.6 : 0.1;
  double *hz = NULL, *db = NULL;
  const size_t n = eqm_response_curve(&exact, 48, &hz, &db);
  EqmScore score;
  const int scored = n ? eqm_score(&truth, hz, db, n, &score, NULL, 0) : -1;
  CHECKV(!scored && score.rms_db < max_rms && score.max_db < max_band,
         "%s at %u Hz: self curve (%zu points) scores rms %.4f < %.2f, max %.4f < %.2f dB",
         c->name, rate, n, scored ? -1.0 : score.rms_db, max_rms, scored ? -1.0 : score.max_db,
         max_band);
  free(hz);
  free(db);
  free(timed.reference);
  free(timed.take);
  eqm_response_free(&exact);
}

static void
test_score(const char *scratch)
{
  double lo = 0.0, hi = 0.0, next_lo = 0.0, next_hi = 0.0;
  int tiled = 1;
  for (unsigned k = 0; k + 1 < EQM_BANDS; ++k) {
    eqm_band_edges(k, &lo, &hi);
    eqm_band_edges(k + 1, &next_lo, &next_hi);
    tiled &= fabs(hi / next_lo - 1.0) < 1e-12;
    tiled &= fabs(eqm_band_centre_hz(k) / eqm_band_nominal_hz(k) - 1.0) < 0.02;
  }
  CHECKV(tiled && eqm_band_centre_hz(11) == 1000.0, "bands tile, centres near nominal");

  /* Two points, linear in log frequency: db = s log10(f) + b has the band
     value 10 log10(sinh(a h) / (a h)) + s log10(centre) + b, a = s ln(10) / 10,
     h = 1/20 decade the half-width of a band. */
  EqmTruth truth;
  memset(&truth, 0, sizeof(truth));
  const double hz2[] = {10.0, 100000.0}, line[] = {-40.0, 40.0}; /* s = 20, b = -60 */
  EqmScore score;
  int status = eqm_score(&truth, hz2, line, 2, &score, NULL, 0);
  const double a = 20.0 * log(10.0) / 10.0, h = 0.05;
  double worst = 0.0;
  for (unsigned k = 0; k < EQM_BANDS && !status; ++k) {
    const double expected = 10.0 * log10(sinh(a * h) / (a * h)) +
                            20.0 * log10(eqm_band_centre_hz(k)) - 60.0;
    worst = fmax(worst, fabs(score.curve_db[k] - expected));
  }
  CHECKV(!status && worst < 1e-4, "sparse sloped curve: band values within %.2g dB", worst);

  /* A curve flat at truth - 4 dB across each band (steps at the edges)
     scores 0 with an offset of -4 dB. */
  for (unsigned k = 0; k < EQM_BANDS; ++k) {
    truth.db[k] = 3.0 * sin((double)k);
  }
  double hz[2 * EQM_BANDS], db[2 * EQM_BANDS];
  for (unsigned k = 0; k < EQM_BANDS; ++k) {
    eqm_band_edges(k, &lo, &hi);
    hz[2 * k] = lo * (1.0 + 1e-9);
    hz[2 * k + 1] = hi * (1.0 - 1e-9);
    db[2 * k] = db[2 * k + 1] = truth.db[k] - 4.0;
  }
  status = eqm_score(&truth, hz, db, 2 * EQM_BANDS, &score, NULL, 0);
  CHECKV(!status && fabs(score.offset_db + 4.0) < 1e-6 && score.rms_db < 1e-5,
         "stepped curve: offset %.6f dB, rms %.2g dB", score.offset_db, score.rms_db);

  /* Bad curves. */
  const double down[] = {1000.0, 500.0, 20000.0};
  const double zero[] = {0.0, 0.0, 0.0};
  CHECKV(eqm_score(&truth, down, zero, 3, &score, NULL, 0) == EQM_ERR_FORMAT,
         "decreasing frequencies refused");
  const double short_span[] = {200.0, 20000.0};
  CHECKV(eqm_score(&truth, short_span, zero, 2, &score, NULL, 0) == EQM_ERR_RANGE,
         "a curve starting above the 80 Hz band refused");
  CHECKV(eqm_score(&truth, hz2, zero, 1, &score, NULL, 0) == EQM_ERR_FORMAT,
         "a single point refused");

  /* Truth file round trip (4 decimals). */
  FILE *file = fopen(scratch, "w");
  status = !file || eqm_truth_write(file, &truth) | fclose(file);
  EqmTruth back;
  char err[256] = "";
  status = status || eqm_truth_load(scratch, &back, err, sizeof(err));
  worst = 0.0;
  for (unsigned k = 0; k < EQM_BANDS && !status; ++k) {
    worst = fmax(worst, fabs(back.db[k] - truth.db[k]));
  }
  CHECKV(!status && worst <= 0.00005, "truth file round trip within %.2g dB %s", worst, err);
  file = fopen(scratch, "w");
  if (file) {
    fputs("band_hz,truth_db\n80,1\n100,2\n", file);
    fclose(file);
  }
  CHECKV(eqm_truth_load(scratch, &back, err, sizeof(err)) == EQM_ERR_FORMAT,
         "a short truth file refused: %s", err);
  remove(scratch);
}

int
main(int argc, char **argv)
{
  if (argc != 2) {
    fprintf(stderr, "usage: test_eqmatch_truth SCRATCH_FILE\n");
    return 2;
  }
  const unsigned rates[] = {32000, 44100, 48000, 96000};
  for (size_t r = 0; r < sizeof(rates) / sizeof(rates[0]); ++r) {
    test_sections(rates[r]);
  }
  for (unsigned i = 0; i < eqm_case_count(); ++i) {
    test_case(eqm_case_at(i), 48000, 1);
    test_case(eqm_case_at(i), 44100, 7);
  }
  test_score(argv[1]);
  return check_summary("test_eqmatch_truth");
}
