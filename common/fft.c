#include "fft.h"

#include "ps_status.h"

#include <fftw3.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct PsFft {
  size_t n;
  float *time;
  fftwf_complex *spectrum;
  fftwf_plan forward;
  fftwf_plan inverse;
};

static pthread_mutex_t planner_lock = PTHREAD_MUTEX_INITIALIZER;

/* Plans are destroyed under the planner's lock, as they are made. */
static void
destroy_plans(fftwf_plan forward, fftwf_plan inverse)
{
  pthread_mutex_lock(&planner_lock);
  if (forward) {
    fftwf_destroy_plan(forward);
  }
  if (inverse) {
    fftwf_destroy_plan(inverse);
  }
  pthread_mutex_unlock(&planner_lock);
}

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
  destroy_plans(f->forward, f->inverse);
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

struct PsFftSplit {
  size_t n;
  size_t stride;
  fftwf_plan forward;
  fftwf_plan inverse;
};

float *
ps_fft_alloc(size_t n_floats)
{
  float *p = fftwf_alloc_real(n_floats ? n_floats : 1);
  if (p) {
    memset(p, 0, (n_floats ? n_floats : 1) * sizeof(float));
  }
  return p;
}

void
ps_fft_dealloc(float *p)
{
  fftwf_free(p);
}

/* Floats between two addresses FFTW counts as equally aligned: 1 without
   SIMD, 4 with SSE, 8 with AVX, 16 with AVX-512. */
static size_t
simd_quantum(void)
{
  _Alignas(64) float probe[16];
  size_t q = 1;
  while (q < 16 && fftwf_alignment_of(probe + q) != fftwf_alignment_of(probe)) {
    q *= 2;
  }
  return q;
}

size_t
ps_fft_split_min_stride(size_t n)
{
  const size_t q = simd_quantum();
  return (n / 2 + 1 + q - 1) / q * q;
}

int
ps_fft_split_init(PsFftSplit **out, size_t n, size_t stride, PsFftEffort effort)
{
  if (!out) {
    return PS_ERR_ARG;
  }
  *out = NULL;
  if (n < 2 || n % 2 || n > (1u << 30) || stride % simd_quantum() || stride < n / 2 + 1) {
    return PS_ERR_ARG;
  }
  PsFftSplit *f = (PsFftSplit *)calloc(1, sizeof(PsFftSplit));
  float *time = ps_fft_alloc(n);
  float *spectrum = ps_fft_alloc(2 * stride);
  if (f && time && spectrum) {
    f->n = n;
    f->stride = stride;
    const unsigned flags = effort == PS_FFT_MEASURE ? FFTW_MEASURE : FFTW_ESTIMATE;
    fftwf_iodim dim = {(int)n, 1, 1};
    pthread_mutex_lock(&planner_lock);
    f->forward = fftwf_plan_guru_split_dft_r2c(1, &dim, 0, NULL, time, spectrum,
                                               spectrum + stride,
                                               flags | FFTW_PRESERVE_INPUT);
    f->inverse = fftwf_plan_guru_split_dft_c2r(1, &dim, 0, NULL, spectrum,
                                               spectrum + stride, time,
                                               flags | FFTW_DESTROY_INPUT);
    pthread_mutex_unlock(&planner_lock);
  }
  /* The plans keep no reference to the planning buffers: they are only
     ever run through the new-array execute functions. */
  ps_fft_dealloc(time);
  ps_fft_dealloc(spectrum);
  if (!f || !f->forward || !f->inverse) {
    ps_fft_split_free(&f);
    return PS_ERR_NOMEM;
  }
  *out = f;
  return PS_OK;
}

void
ps_fft_split_free(PsFftSplit **pf)
{
  if (!pf || !*pf) {
    return;
  }
  PsFftSplit *f = *pf;
  destroy_plans(f->forward, f->inverse);
  free(f);
  *pf = NULL;
}

size_t
ps_fft_split_size(const PsFftSplit *f)
{
  return f->n;
}

size_t
ps_fft_split_stride(const PsFftSplit *f)
{
  return f->stride;
}

void
ps_fft_split_forward(const PsFftSplit *f, float *time, float *spectrum)
{
  fftwf_execute_split_dft_r2c(f->forward, time, spectrum, spectrum + f->stride);
}

void
ps_fft_split_inverse(const PsFftSplit *f, float *spectrum, float *time)
{
  fftwf_execute_split_dft_c2r(f->inverse, spectrum, spectrum + f->stride, time);
}
