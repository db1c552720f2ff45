/* K-weighting design against BS.1770-5 Annex 1 and its known response. */
#include "check.h"
#include "kweight.h"

#include <math.h>

int
main(void)
{
  PsKWeight k;
  CHECKF(ps_kweight_design(&k, 48000.0) == 0, "design at 48 kHz");

  /* BS.1770-5 Table 1 and Table 2: the 48 kHz coefficients */
  const double shelf_b[3] = {1.53512485958697, -2.69169618940638, 1.19839281085285};
  const double shelf_a[3] = {1.0, -1.69065929318241, 0.73248077421585};
  const double hp_b[3] = {1.0, -2.0, 1.0};
  const double hp_a[3] = {1.0, -1.99004745483398, 0.99007225036621};
  double worst = 0.0;
  for (int i = 0; i < 3; ++i) {
    worst = fmax(worst, fabs(k.shelf.b[i] - shelf_b[i]));
    worst = fmax(worst, fabs(k.shelf.a[i] - shelf_a[i]));
    worst = fmax(worst, fabs(k.highpass.b[i] - hp_b[i]));
    worst = fmax(worst, fabs(k.highpass.a[i] - hp_a[i]));
  }
  CHECKV(worst < 1e-8, "48 kHz coefficients within %.2e of the standard's table (limit 1e-8)", worst);

  /* At every rate: the gain at 1 kHz that the -0.691 offset of BS.1770
     cancels, +4 dB shelf plateau, RLB corner near 38 Hz, and the
     same curve as at 48 kHz where the bilinear warping is small. */
  const double rates[] = {22050, 32000, 44100, 48000, 88200, 96000, 176400, 192000, 384000};
  PsKWeight ref;
  ps_kweight_design(&ref, 48000.0);
  for (unsigned i = 0; i < sizeof(rates) / sizeof(rates[0]); ++i) {
    const double fs = rates[i];
    CHECKF(ps_kweight_design(&k, fs) == 0, "design at %g", fs);
    /* the bilinear transform bends the shelf a little away from 48 kHz:
       0.03 dB at 22.05 kHz, a third of the Tech 3341 tolerance */
    const double g1k = ps_kweight_response_db(&k, fs, 1000.0);
    const double g1k_ref = ps_kweight_response_db(&ref, 48000.0, 1000.0);
    CHECKV(fabs(g1k - g1k_ref) < 0.04, "%6.0f Hz: gain at 1 kHz %+.4f dB (48 kHz: %+.4f)", fs,
           g1k, g1k_ref);
    const double g8k = ps_kweight_response_db(&k, fs, fs < 30000 ? 6000.0 : 10000.0);
    CHECKV(g8k > 3.5 && g8k < 4.1, "%6.0f Hz: shelf plateau %+.3f dB", fs, g8k);
    const double g38 = ps_kweight_response_db(&k, fs, 38.13547087602444);
    /* a second-order high-pass with Q 0.5 is -6 dB at its corner */
    CHECKV(fabs(g38 - (-6.02)) < 0.1, "%6.0f Hz: -6 dB corner at 38.1 Hz: %+.3f dB", fs, g38);
    double dev = 0.0;
    for (double f = 20.0; f <= 8000.0; f *= 1.1) {
      dev = fmax(dev, fabs(ps_kweight_response_db(&k, fs, f) -
                           ps_kweight_response_db(&ref, 48000.0, f)));
    }
    CHECKV(dev < 0.15, "%6.0f Hz: within %.3f dB of the 48 kHz curve, 20 Hz-8 kHz", fs, dev);
  }
  CHECKF(ps_kweight_design(&k, 0.0) != 0, "rate 0 refused");
  CHECKF(ps_kweight_design(&k, NAN) != 0, "NaN rate refused");
  return check_summary("test_kweight");
}
