#include "fft.h"

#include "ps_status.h"

#include <fftw3.h>
#include <pthread.h>
#include <stdlib.h>

struct PsFft {
  size_t n;
  float *time;
  fftwf_complex *spectrum;
  fftwf_plan forward;
  fftwf_plan inverse;
};

static pthread_mutex_t planner_lock = PTHREAD_MUTEX_INITIALIZER;

int
ps_fft_init(PsFft **out, size_t n)
{
  if (!out || n < 2 || n % 2) {
    return PS_ERR_ARG;
  }
  PsFft *f = (PsFft *)calloc(1, sizeof(PsFft));
  if (!f) {
    return PS_ERR_NOMEM;
  }
  f->n = n;
  f->time = fftwf_alloc_real(n);
  f->spectrum = fftwf_alloc_complex(n / 2 + 1);
  if (f->time && f->spectrum) {
    pthread_mutex_lock(&planner_lock);
    f->forward = fftwf_plan_dft_r2c_1d((int)n, f->time, f->spectrum, FFTW_ESTIMATE);
    f->inverse = fftwf_plan_dft_c2r_1d((int)n, f->spectrum, f->time, FFTW_ESTIMATE);
    pthread_mutex_unlock(&planner_lock);
  }
  if (!f->forward || !f->inverse) {
    ps_fft_free(&f);
    return PS_ERR_NOMEM;
  }
  for (size_t i = 0; i < n; ++i) {
    f->time[i] = 0.0f;
  }
  *out = f;
  return PS_OK;
}

void
ps_fft_free(PsFft **pf)
{
  if (!pf || !*pf) {
    return;
  }
  PsFft *f = *pf;
  pthread_mutex_lock(&planner_lock);
  if (f->forward) {
    fftwf_destroy_plan(f->forward);
  }
  if (f->inverse) {
    fftwf_destroy_plan(f->inverse);
  }
  pthread_mutex_unlock(&planner_lock);
  fftwf_free(f->time);
  fftwf_free(f->spectrum);
  free(f);
  *pf = NULL;
}

float *
ps_fft_time(PsFft *f)
{
  return f->time;
}

float *
ps_fft_spectrum(PsFft *f)
{
  return (float *)f->spectrum;
}

size_t
ps_fft_size(const PsFft *f)
{
  return f->n;
}

void
ps_fft_forward(PsFft *f)
{
  fftwf_execute(f->forward);
}

void
ps_fft_inverse(PsFft *f)
{
  fftwf_execute(f->inverse);
}
