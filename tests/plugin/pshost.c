/* pshost: the generic lilv host every Postsync plugin is tested through.

   It discovers a plugin's ports with lilv, feeds its audio inputs from WAV
   files, generated signals or a torture sequence (silence, full-scale noise,
   NaN/Inf, denormals, huge values), runs it with fixed or random block sizes,
   and checks what comes out.  It also drives the worker (synchronously or in
   a thread), saves and restores state, logs output controls on an audio-time
   grid and compensates latency.

   The real-time check interposes the allocator and pthread_mutex_lock in this
   executable: a plugin module resolves those symbols to the definitions here
   (the executable comes first in the global lookup scope), and any call made
   while the audio thread is inside run() or work_response() is counted and
   fails the run.

   Exit status: 0 ok, 1 a check failed, 2 usage, file or plugin errors. */
#define _GNU_SOURCE

#include <lilv/lilv.h>
#include <lv2/atom/atom.h>
#include <lv2/atom/forge.h>
#include <lv2/atom/util.h>
#include <lv2/buf-size/buf-size.h>
#include <lv2/core/lv2.h>
#include <lv2/log/log.h>
#include <lv2/options/options.h>
#include <lv2/parameters/parameters.h>
#include <lv2/resize-port/resize-port.h>
#include <lv2/state/state.h>
#include <lv2/time/time.h>
#include <lv2/urid/urid.h>
#include <lv2/worker/worker.h>
#include <sndfile.h>
#include <cairo.h>

#include <dlfcn.h>
#include <errno.h>
#include <float.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define LV2_CORE__isSideChain LV2_CORE_PREFIX "isSideChain"
#define INLINE_DISPLAY_URI "http://harrisonconsoles.com/lv2/inlinedisplay"

enum { EXIT_OK = 0, EXIT_CHECK = 1, EXIT_USAGE = 2 };

/* ------------------------------------------------------------------------ */
/* Real-time check: interposed allocator and mutex lock                     */

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *ptr);

typedef enum {
  RT_MALLOC,
  RT_CALLOC,
  RT_REALLOC,
  RT_FREE,
  RT_MEMALIGN,
  RT_MUTEX_LOCK,
  RT_LOG,
  RT_KINDS
} RtKind;

static const char *const rt_kind_names[RT_KINDS] = {
  "malloc", "calloc", "realloc", "free", "memalign", "pthread_mutex_lock", "log",
};

/* Set only by the audio thread, only around the plugin's audio-class calls. */
static _Thread_local bool rt_armed;
static _Thread_local unsigned rt_counts[RT_KINDS];

static inline void
rt_note(RtKind kind)
{
  if (rt_armed) {
    ++rt_counts[kind];
  }
}

void *
malloc(size_t size)
{
  rt_note(RT_MALLOC);
  return __libc_malloc(size);
}

void *
calloc(size_t count, size_t size)
{
  rt_note(RT_CALLOC);
  return __libc_calloc(count, size);
}

void *
realloc(void *ptr, size_t size)
{
  rt_note(RT_REALLOC);
  return __libc_realloc(ptr, size);
}

void
free(void *ptr)
{
  rt_note(RT_FREE);
  __libc_free(ptr);
}

int
posix_memalign(void **out, size_t alignment, size_t size)
{
  rt_note(RT_MEMALIGN);
  if (alignment < sizeof(void *) || (alignment & (alignment - 1))) {
    return EINVAL;
  }
  void *ptr = __libc_memalign(alignment, size);
  if (!ptr) {
    return ENOMEM;
  }
  *out = ptr;
  return 0;
}

void *
aligned_alloc(size_t alignment, size_t size)
{
  rt_note(RT_MEMALIGN);
  return __libc_memalign(alignment, size);
}

void *
memalign(size_t alignment, size_t size)
{
  rt_note(RT_MEMALIGN);
  return __libc_memalign(alignment, size);
}

typedef int (*MutexLockFn)(pthread_mutex_t *);
static _Atomic(MutexLockFn) real_mutex_lock;

static MutexLockFn
resolve_mutex_lock(void)
{
  /* dlsym may allocate: that goes to __libc_* through the functions above */
  void *sym = dlsym(RTLD_NEXT, "pthread_mutex_lock");
  MutexLockFn fn = NULL;
  if (sym) {
    memcpy(&fn, &sym, sizeof(fn));
  }
  if (!fn) {
    fputs("pshost: cannot find the real pthread_mutex_lock\n", stderr);
    abort();
  }
  atomic_store(&real_mutex_lock, fn);
  return fn;
}

int
pthread_mutex_lock(pthread_mutex_t *mutex)
{
  rt_note(RT_MUTEX_LOCK);
  MutexLockFn fn = atomic_load(&real_mutex_lock);
  return (fn ? fn : resolve_mutex_lock())(mutex);
}

static void
rt_arm(void)
{
  memset(rt_counts, 0, sizeof(rt_counts));
  rt_armed = true;
}

static void
rt_disarm(void)
{
  rt_armed = false;
}

/* ------------------------------------------------------------------------ */
/* Small helpers                                                            */

static void die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

static void
die(int status, const char *fmt, ...)
{
  va_list args;
  va_start(args, fmt);
  fputs("pshost: ", stderr);
  vfprintf(stderr, fmt, args);
  fputc('\n', stderr);
  va_end(args);
  exit(status);
}

static void *
xcalloc(size_t count, size_t size)
{
  void *ptr = calloc(count ? count : 1, size ? size : 1);
  if (!ptr) {
    die(EXIT_USAGE, "out of memory");
  }
  return ptr;
}

static char *
xstrdup(const char *str)
{
  const size_t len = strlen(str) + 1;
  char *copy = (char *)xcalloc(len, 1);
  memcpy(copy, str, len);
  return copy;
}

/* splitmix64: small, seedable, good enough for test signals */
static uint64_t
rng_next(uint64_t *state)
{
  uint64_t z = (*state += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

/* uniform in [-1, 1) */
static double
rng_uniform(uint64_t *state)
{
  return (double)(rng_next(state) >> 11) * 0x1.0p-52 - 1.0;
}

static bool
parse_double(const char *str, double *out)
{
  char *end = NULL;
  errno = 0;
  const double value = strtod(str, &end);
  if (!*str || *end || errno) {
    return false;
  }
  *out = value;
  return true;
}

static bool
parse_u64(const char *str, uint64_t *out)
{
  char *end = NULL;
  errno = 0;
  if (*str == '-') {
    return false;
  }
  const unsigned long long value = strtoull(str, &end, 10);
  if (!*str || *end || errno) {
    return false;
  }
  *out = value;
  return true;
}

/* ------------------------------------------------------------------------ */
/* URID map (any non-real-time thread)                                      */

typedef struct {
  pthread_mutex_t lock;
  char **uris; /* uris[urid - 1] */
  uint32_t count;
  uint32_t capacity;
} UridTable;

static LV2_URID
urid_map(LV2_URID_Map_Handle handle, const char *uri)
{
  UridTable *table = (UridTable *)handle;
  pthread_mutex_lock(&table->lock);
  LV2_URID urid = 0;
  for (uint32_t i = 0; i < table->count; ++i) {
    if (!strcmp(table->uris[i], uri)) {
      urid = i + 1;
      break;
    }
  }
  if (!urid) {
    if (table->count == table->capacity) {
      const uint32_t capacity = table->capacity ? 2 * table->capacity : 64;
      char **uris = (char **)realloc(table->uris, capacity * sizeof(char *));
      if (!uris) {
        pthread_mutex_unlock(&table->lock);
        return 0;
      }
      table->uris = uris;
      table->capacity = capacity;
    }
    table->uris[table->count++] = xstrdup(uri);
    urid = table->count;
  }
  pthread_mutex_unlock(&table->lock);
  return urid;
}

static const char *
urid_unmap(LV2_URID_Unmap_Handle handle, LV2_URID urid)
{
  UridTable *table = (UridTable *)handle;
  pthread_mutex_lock(&table->lock);
  const char *uri = urid >= 1 && urid <= table->count ? table->uris[urid - 1] : NULL;
  pthread_mutex_unlock(&table->lock);
  return uri;
}

/* ------------------------------------------------------------------------ */
/* Single-producer single-consumer ring of messages (size, then body)       */

typedef struct {
  uint8_t *buf;
  uint32_t size; /* a power of two */
  _Atomic uint32_t write;
  _Atomic uint32_t read;
} Ring;

static void
ring_init(Ring *ring, uint32_t size)
{
  ring->buf = (uint8_t *)xcalloc(size, 1);
  ring->size = size;
  atomic_init(&ring->write, 0);
  atomic_init(&ring->read, 0);
}

static void
ring_copy_in(Ring *ring, uint32_t at, const void *data, uint32_t n)
{
  const uint32_t pos = at & (ring->size - 1);
  const uint32_t first = n < ring->size - pos ? n : ring->size - pos;
  memcpy(ring->buf + pos, data, first);
  memcpy(ring->buf, (const uint8_t *)data + first, n - first);
}

static void
ring_copy_out(const Ring *ring, uint32_t at, void *data, uint32_t n)
{
  const uint32_t pos = at & (ring->size - 1);
  const uint32_t first = n < ring->size - pos ? n : ring->size - pos;
  memcpy(data, ring->buf + pos, first);
  memcpy((uint8_t *)data + first, ring->buf, n - first);
}

/* Producer side: no allocation, no lock. */
static bool
ring_push(Ring *ring, const void *data, uint32_t n)
{
  const uint32_t w = atomic_load_explicit(&ring->write, memory_order_relaxed);
  const uint32_t r = atomic_load_explicit(&ring->read, memory_order_acquire);
  if ((uint64_t)n + sizeof(uint32_t) > ring->size - (w - r)) {
    return false;
  }
  ring_copy_in(ring, w, &n, sizeof(n));
  ring_copy_in(ring, w + (uint32_t)sizeof(n), data, n);
  atomic_store_explicit(&ring->write, w + (uint32_t)sizeof(n) + n, memory_order_release);
  return true;
}

/* Consumer side: copies the next message into data (capacity bytes). */
static bool
ring_pop(Ring *ring, void *data, uint32_t capacity, uint32_t *n)
{
  const uint32_t r = atomic_load_explicit(&ring->read, memory_order_relaxed);
  const uint32_t w = atomic_load_explicit(&ring->write, memory_order_acquire);
  if (w - r < sizeof(uint32_t)) {
    return false;
  }
  uint32_t size = 0;
  ring_copy_out(ring, r, &size, sizeof(size));
  if (size <= capacity) {
    ring_copy_out(ring, r + (uint32_t)sizeof(size), data, size);
  }
  atomic_store_explicit(&ring->read, r + (uint32_t)sizeof(size) + size, memory_order_release);
  *n = size <= capacity ? size : 0;
  return true;
}

/* ------------------------------------------------------------------------ */
/* Worker                                                                   */

typedef enum { WORKER_NONE, WORKER_SYNC, WORKER_THREAD } WorkerMode;

#define RING_SIZE (1u << 16)

typedef struct {
  WorkerMode mode;
  const LV2_Worker_Interface *iface;
  LV2_Handle handle;
  Ring requests;      /* audio thread -> worker thread */
  Ring responses;     /* worker -> audio thread */
  uint8_t *work_buf;  /* worker side scratch */
  uint8_t *reply_buf; /* audio side scratch */
  sem_t wake;
  pthread_t thread;
  bool started;
  atomic_bool quit;
  atomic_uint pending; /* requests not yet worked */
  atomic_uint lost;    /* responses that did not fit */
} Worker;

static LV2_Worker_Status
worker_respond(LV2_Worker_Respond_Handle handle, uint32_t size, const void *data)
{
  Worker *worker = (Worker *)handle;
  if (!ring_push(&worker->responses, data, size)) {
    atomic_fetch_add(&worker->lost, 1);
    return LV2_WORKER_ERR_NO_SPACE;
  }
  return LV2_WORKER_SUCCESS;
}

/* Audio thread (or the thread restoring state): must not allocate or lock. */
static LV2_Worker_Status
worker_schedule(LV2_Worker_Schedule_Handle handle, uint32_t size, const void *data)
{
  Worker *worker = (Worker *)handle;
  if (!worker->iface || !worker->iface->work) {
    return LV2_WORKER_ERR_UNKNOWN;
  }
  if (worker->mode == WORKER_SYNC) {
    /* work() is the worker's context: it may allocate */
    const bool armed = rt_armed;
    rt_armed = false;
    const LV2_Worker_Status status =
      worker->iface->work(worker->handle, worker_respond, worker, size, data);
    rt_armed = armed;
    return status;
  }
  if (!ring_push(&worker->requests, data, size)) {
    return LV2_WORKER_ERR_NO_SPACE;
  }
  atomic_fetch_add(&worker->pending, 1);
  sem_post(&worker->wake);
  return LV2_WORKER_SUCCESS;
}

static void *
worker_main(void *arg)
{
  Worker *worker = (Worker *)arg;
  for (;;) {
    while (sem_wait(&worker->wake) && errno == EINTR) {
    }
    if (atomic_load(&worker->quit)) {
      break;
    }
    uint32_t size = 0;
    if (ring_pop(&worker->requests, worker->work_buf, RING_SIZE, &size)) {
      worker->iface->work(worker->handle, worker_respond, worker, size, worker->work_buf);
      atomic_fetch_sub(&worker->pending, 1);
    }
  }
  return NULL;
}

static void
worker_init(Worker *worker, WorkerMode mode)
{
  memset(worker, 0, sizeof(*worker));
  worker->mode = mode;
  ring_init(&worker->requests, RING_SIZE);
  ring_init(&worker->responses, RING_SIZE);
  worker->work_buf = (uint8_t *)xcalloc(RING_SIZE, 1);
  worker->reply_buf = (uint8_t *)xcalloc(RING_SIZE, 1);
  atomic_init(&worker->quit, false);
  atomic_init(&worker->pending, 0);
  atomic_init(&worker->lost, 0);
}

static void
worker_start(Worker *worker, const LV2_Worker_Interface *iface, LV2_Handle handle)
{
  worker->iface = iface;
  worker->handle = handle;
  if (worker->mode == WORKER_THREAD && iface && iface->work) {
    if (sem_init(&worker->wake, 0, 0) ||
        pthread_create(&worker->thread, NULL, worker_main, worker)) {
      die(EXIT_USAGE, "cannot start the worker thread");
    }
    worker->started = true;
  }
}

/* Audio thread, after run(): hands the responses to the plugin. */
static void
worker_deliver(Worker *worker)
{
  if (!worker->iface) {
    return;
  }
  uint32_t size = 0;
  while (ring_pop(&worker->responses, worker->reply_buf, RING_SIZE, &size)) {
    if (worker->iface->work_response) {
      worker->iface->work_response(worker->handle, size, worker->reply_buf);
    }
  }
  if (worker->iface->end_run) {
    worker->iface->end_run(worker->handle);
  }
}

/* Waits until every scheduled request has been worked. */
static void
worker_drain(Worker *worker)
{
  while (worker->started && atomic_load(&worker->pending)) {
    const struct timespec pause = {0, 200000};
    nanosleep(&pause, NULL);
  }
}

static void
worker_stop(Worker *worker)
{
  if (worker->started) {
    atomic_store(&worker->quit, true);
    sem_post(&worker->wake);
    pthread_join(worker->thread, NULL);
    sem_destroy(&worker->wake);
    worker->started = false;
  }
  free(worker->requests.buf);
  free(worker->responses.buf);
  free(worker->work_buf);
  free(worker->reply_buf);
}

/* ------------------------------------------------------------------------ */
/* Host                                                                     */

typedef enum { PORT_CONTROL, PORT_AUDIO, PORT_CV, PORT_ATOM, PORT_OTHER } PortKind;

typedef struct {
  const char *symbol;
  uint32_t index;
  PortKind kind;
  bool input;
  bool optional;
  bool sidechain;
  bool has_min, has_max;
  float min, max;
  float value;       /* control ports */
  float *samples;    /* audio and CV ports */
  bool owns_samples; /* false when aliased to an input (in place) */
  LV2_Atom_Sequence *seq;
  uint32_t seq_capacity; /* bytes, header included */
  bool connected;
} Port;

typedef enum { SIG_SILENCE, SIG_NOISE, SIG_SINE } Signal;

typedef enum {
  SEG_SILENCE,
  SEG_FULL_NOISE,
  SEG_NONFINITE,
  SEG_DENORMAL,
  SEG_LARGE,
  SEG_NOISE,
  SEG_SINE,
  SEG_FILE,
} SegKind;

enum { ACT_CYCLE = 1, ACT_RESET = 2 };

typedef struct {
  SegKind kind;
  double seconds; /* < 0: until the file ends */
  unsigned actions;
  const char *name;
} Segment;

/* Torture sequence: every bad burst is followed by 1.5 s of normal noise of
   which the first second is a grace period for finiteness. */
static const Segment torture_plan[] = {
  {SEG_SILENCE, 0.5, 0, "silence"},
  {SEG_FULL_NOISE, 1.0, 0, "full-scale noise"},
  {SEG_NONFINITE, 0.1, 0, "NaN/Inf burst"},
  {SEG_NOISE, 1.5, 0, "noise after NaN/Inf"},
  {SEG_DENORMAL, 0.1, ACT_CYCLE, "denormal burst"},
  {SEG_NOISE, 1.5, 0, "noise after denormals"},
  {SEG_LARGE, 0.1, ACT_RESET, "large-value burst"},
  {SEG_NOISE, 1.5, 0, "noise after large values"},
  {SEG_NOISE, 2.0, ACT_RESET | ACT_CYCLE, "final -20 dBFS noise"},
};

static bool
segment_is_bad(SegKind kind)
{
  return kind == SEG_NONFINITE || kind == SEG_DENORMAL || kind == SEG_LARGE;
}

typedef struct {
  const char *symbol;
  float value;
} Setting;

typedef struct {
  const char *symbol;
  double lo, hi;
} Expect;

typedef struct {
  LV2_URID atom_Float, atom_Double, atom_Int, atom_Long, atom_Bool;
  LV2_URID atom_Sequence, atom_Chunk, atom_frameTime;
  LV2_URID bufsz_min, bufsz_max, bufsz_nominal, bufsz_sequence;
  LV2_URID param_sampleRate;
  LV2_URID log_Trace, log_Error, log_Warning, log_Note;
  LV2_URID time_Position, time_frame, time_speed, time_bar, time_barBeat, time_beatUnit,
    time_beatsPerBar, time_beatsPerMinute;
} Uris;

typedef enum { TRANSPORT_NONE, TRANSPORT_ROLLING, TRANSPORT_STOPPED, TRANSPORT_START } Transport;

typedef struct {
  /* command line */
  const char *uri;
  const char *in_path, *sc_path, *out_path, *log_path, *save_dir, *restore_dir;
  double rate;
  bool rate_given;
  Signal gen;
  double seconds, level_db, freq;
  uint32_t block, max_block;
  bool block_given, max_given, random_blocks;
  uint64_t seed;
  bool in_place, no_features, null_optional, torture, compensate, quiet, rt_check;
  Transport transport;
  double transport_start_s; /* TRANSPORT_START: where it starts rolling, s */
  WorkerMode worker_mode;
  bool worker_given;
  double log_every_ms;
  Setting *settings;
  size_t n_settings;
  Expect *expects;
  size_t n_expects;

  /* plugin */
  LilvWorld *world;
  const LilvPlugin *plugin;
  LilvInstance *instance;
  Port *ports;
  uint32_t n_ports;
  uint32_t *main_in, *side_in, *audio_out;
  uint32_t n_main_in, n_side_in, n_audio_out;
  int reset_port;   /* control input "reset", or -1 */
  int latency_port; /* or -1 */

  /* features */
  UridTable table;
  LV2_URID_Map map;
  LV2_URID_Unmap unmap;
  Uris u;
  LV2_Log_Log log;
  int32_t opt_min_block, opt_max_block, opt_nominal_block, opt_seq_size;
  float opt_rate;
  LV2_Options_Option options[6];
  LV2_Worker_Schedule schedule;
  LV2_Feature f_map, f_unmap, f_options, f_bounded, f_log, f_schedule, f_queue_draw;
  const LV2_Feature *features[9];
  /* Ardour's inline display: the queue_draw feature, and the picture asked
     for after the run */
  struct {
    void *handle;
    void (*queue_draw)(void *handle);
  } queue_draw;
  atomic_uint queue_draws;
  uint32_t inline_w, inline_h;
  uint64_t frames_run;
  const char *inline_png;
  Worker worker;
  LV2_Atom_Forge forge;

  /* signals */
  SNDFILE *in_file, *sc_file;
  int in_channels, sc_channels;
  uint64_t in_frames;
  float *file_scratch;
  uint64_t *rng;      /* one state per audio input */
  double *sine_phase; /* one per audio input */
  uint64_t block_rng;

  /* output */
  SNDFILE *out_file;
  float *out_scratch;
  FILE *log_file;
  uint32_t latency;
  bool latency_known;
} Host;

/* ---- command line ------------------------------------------------------ */

static const char usage_text[] =
  "usage: pshost URI [options]\n"
  "Runs the LV2 plugin URI (found through LV2_PATH) and checks it.\n"
  "\n"
  "Signals:\n"
  "  -i IN.wav              main input; a mono file feeds every main input\n"
  "  --sidechain SC.wav     sidechain inputs (lv2:isSideChain); default silence\n"
  "  -o OUT.wav             write the audio outputs (32-bit float WAV)\n"
  "  -r RATE                sample rate without input files (default 48000)\n"
  "  --gen silence|noise|sine  generated main input without -i (default noise)\n"
  "  --seconds S            length of the generated input (default 1)\n"
  "  --level-db DB          peak level of noise and sine, dBFS (default -20)\n"
  "  --freq HZ              sine frequency (default 997)\n"
  "  --torture              robustness sequence: silence, full-scale noise,\n"
  "                         NaN/Inf, denormals, huge values, -20 dBFS noise;\n"
  "                         random blocks, deactivate/activate, reset pulses\n"
  "\n"
  "Plugin:\n"
  "  -c SYMBOL VALUE        set a control input (repeatable; wins over state)\n"
  "  --block N              fixed block size (default 512)\n"
  "  --random-blocks SEED   random block sizes from 1 to the maximum\n"
  "  --max-block N          bufsz:maxBlockLength (default 4096)\n"
  "  --in-place             audio outputs share the main input buffers\n"
  "  --transport rolling|stopped  time:Position at frame 0 of every cycle\n"
  "  --transport-start S    stopped (at frame 0) for the first S seconds, then\n"
  "                         rolling from frame 0: time:Position at frame 0 of\n"
  "                         every cycle, and where it starts\n"
  "  --no-features          instantiate with no features at all\n"
  "  --null-optional        connect lv2:connectionOptional ports to NULL\n"
  "  --worker sync|thread|none  worker:schedule (default thread if the\n"
  "                         plugin lists it, else none)\n"
  "  --save-state DIR       save state (ports and properties) after the run\n"
  "  --restore-state DIR    restore state saved by --save-state before running\n"
  "  --compensate           shift the output earlier by the reported latency\n"
  "\n"
  "Checks and output:\n"
  "  --log CSV              log output controls on an audio-time grid\n"
  "  --log-every-ms MS      grid step of --log (default 100)\n"
  "  --expect SYMBOL VALUE  final value of a control port, within 1e-3\n"
  "  --expect-range SYMBOL LO HI  final value within [LO, HI]\n"
  "  --inline-display W H   after the run, ask for Ardour's inline display at\n"
  "                         W x at most H (and W/2 x H/2): an image of that\n"
  "                         width, something drawn, queue_draw called in run()\n"
  "  --inline-png FILE      write that picture as a PNG\n"
  "  --no-rt-check          allow allocation and locks inside run()\n"
  "  --quiet                do not list the final output control values\n"
  "  -h, --help             this text\n"
  "\n"
  "Exit status: 0 ok, 1 a check failed, 2 usage, file or plugin error.\n";

static void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
usage_error(const char *fmt, ...)
{
  va_list args;
  va_start(args, fmt);
  fputs("pshost: ", stderr);
  vfprintf(stderr, fmt, args);
  fputs(" (see pshost --help)\n", stderr);
  va_end(args);
  exit(EXIT_USAGE);
}

static const char *
need_arg(int argc, char **argv, int *i)
{
  if (*i + 1 >= argc) {
    usage_error("%s needs an argument", argv[*i]);
  }
  return argv[++*i];
}

static double
need_double(int argc, char **argv, int *i)
{
  const char *opt = argv[*i];
  double value = 0.0;
  if (!parse_double(need_arg(argc, argv, i), &value)) {
    usage_error("%s needs a number", opt);
  }
  return value;
}

static uint32_t
need_count(int argc, char **argv, int *i, uint64_t lo, uint64_t hi)
{
  const char *opt = argv[*i];
  uint64_t value = 0;
  if (!parse_u64(need_arg(argc, argv, i), &value) || value < lo || value > hi) {
    usage_error("%s needs a whole number in range", opt);
  }
  return (uint32_t)value;
}

static void
parse_args(Host *h, int argc, char **argv)
{
  h->rate = 48000.0;
  h->gen = SIG_NOISE;
  h->seconds = 1.0;
  h->level_db = -20.0;
  h->freq = 997.0;
  h->block = 512;
  h->max_block = 4096;
  h->seed = 1;
  h->rt_check = true;
  h->log_every_ms = 100.0;
  h->settings = (Setting *)xcalloc((size_t)argc, sizeof(Setting));
  h->expects = (Expect *)xcalloc((size_t)argc, sizeof(Expect));

  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(usage_text, stdout);
      exit(EXIT_OK);
    } else if (a[0] != '-') {
      if (h->uri) {
        usage_error("unexpected argument '%s'", a);
      }
      h->uri = a;
    } else if (!strcmp(a, "-i")) {
      h->in_path = need_arg(argc, argv, &i);
    } else if (!strcmp(a, "--sidechain")) {
      h->sc_path = need_arg(argc, argv, &i);
    } else if (!strcmp(a, "-o")) {
      h->out_path = need_arg(argc, argv, &i);
    } else if (!strcmp(a, "-r")) {
      h->rate = need_double(argc, argv, &i);
      h->rate_given = true;
      if (!(h->rate >= 1.0 && h->rate <= 1e7)) {
        usage_error("%s: rate out of range", a);
      }
    } else if (!strcmp(a, "--gen")) {
      const char *kind = need_arg(argc, argv, &i);
      if (!strcmp(kind, "silence")) {
        h->gen = SIG_SILENCE;
      } else if (!strcmp(kind, "noise")) {
        h->gen = SIG_NOISE;
      } else if (!strcmp(kind, "sine")) {
        h->gen = SIG_SINE;
      } else {
        usage_error("unknown --gen '%s'", kind);
      }
    } else if (!strcmp(a, "--seconds")) {
      h->seconds = need_double(argc, argv, &i);
      if (!(h->seconds >= 0.0 && h->seconds <= 86400.0)) {
        usage_error("%s out of range", a);
      }
    } else if (!strcmp(a, "--level-db")) {
      h->level_db = need_double(argc, argv, &i);
    } else if (!strcmp(a, "--freq")) {
      h->freq = need_double(argc, argv, &i);
    } else if (!strcmp(a, "--torture")) {
      h->torture = true;
    } else if (!strcmp(a, "-c")) {
      Setting *s = &h->settings[h->n_settings++];
      s->symbol = need_arg(argc, argv, &i);
      s->value = (float)need_double(argc, argv, &i);
    } else if (!strcmp(a, "--block")) {
      h->block = need_count(argc, argv, &i, 1, 1u << 24);
      h->block_given = true;
    } else if (!strcmp(a, "--random-blocks")) {
      uint64_t seed = 0;
      if (!parse_u64(need_arg(argc, argv, &i), &seed)) {
        usage_error("%s needs a whole number", a);
      }
      h->seed = seed;
      h->random_blocks = true;
    } else if (!strcmp(a, "--max-block")) {
      h->max_block = need_count(argc, argv, &i, 1, 1u << 24);
      h->max_given = true;
    } else if (!strcmp(a, "--in-place")) {
      h->in_place = true;
    } else if (!strcmp(a, "--transport")) {
      if (h->transport == TRANSPORT_START) {
        usage_error("%s", "--transport and --transport-start exclude each other");
      }
      const char *mode = need_arg(argc, argv, &i);
      if (!strcmp(mode, "rolling")) {
        h->transport = TRANSPORT_ROLLING;
      } else if (!strcmp(mode, "stopped")) {
        h->transport = TRANSPORT_STOPPED;
      } else {
        usage_error("unknown --transport '%s'", mode);
      }
    } else if (!strcmp(a, "--transport-start")) {
      if (h->transport != TRANSPORT_NONE) {
        usage_error("%s", "--transport and --transport-start exclude each other");
      }
      h->transport_start_s = need_double(argc, argv, &i);
      if (!(h->transport_start_s >= 0.0 && h->transport_start_s <= 86400.0)) {
        usage_error("%s out of range", a);
      }
      h->transport = TRANSPORT_START;
    } else if (!strcmp(a, "--no-features")) {
      h->no_features = true;
    } else if (!strcmp(a, "--null-optional")) {
      h->null_optional = true;
    } else if (!strcmp(a, "--worker")) {
      const char *mode = need_arg(argc, argv, &i);
      h->worker_given = true;
      if (!strcmp(mode, "sync")) {
        h->worker_mode = WORKER_SYNC;
      } else if (!strcmp(mode, "thread")) {
        h->worker_mode = WORKER_THREAD;
      } else if (!strcmp(mode, "none")) {
        h->worker_mode = WORKER_NONE;
      } else {
        usage_error("unknown --worker '%s'", mode);
      }
    } else if (!strcmp(a, "--save-state")) {
      h->save_dir = need_arg(argc, argv, &i);
    } else if (!strcmp(a, "--restore-state")) {
      h->restore_dir = need_arg(argc, argv, &i);
    } else if (!strcmp(a, "--compensate")) {
      h->compensate = true;
    } else if (!strcmp(a, "--log")) {
      h->log_path = need_arg(argc, argv, &i);
    } else if (!strcmp(a, "--log-every-ms")) {
      h->log_every_ms = need_double(argc, argv, &i);
      if (!(h->log_every_ms > 0.0)) {
        usage_error("%s must be positive", a);
      }
    } else if (!strcmp(a, "--expect")) {
      Expect *e = &h->expects[h->n_expects++];
      e->symbol = need_arg(argc, argv, &i);
      const double value = need_double(argc, argv, &i);
      e->lo = value - 1e-3;
      e->hi = value + 1e-3;
    } else if (!strcmp(a, "--expect-range")) {
      Expect *e = &h->expects[h->n_expects++];
      e->symbol = need_arg(argc, argv, &i);
      e->lo = need_double(argc, argv, &i);
      e->hi = need_double(argc, argv, &i);
    } else if (!strcmp(a, "--inline-display")) {
      h->inline_w = (uint32_t)need_double(argc, argv, &i);
      h->inline_h = (uint32_t)need_double(argc, argv, &i);
    } else if (!strcmp(a, "--inline-png")) {
      h->inline_png = need_arg(argc, argv, &i);
    } else if (!strcmp(a, "--no-rt-check")) {
      h->rt_check = false;
    } else if (!strcmp(a, "--quiet")) {
      h->quiet = true;
    } else {
      usage_error("unknown option '%s'", a);
    }
  }

  if (!h->uri) {
    usage_error("%s", "no plugin URI given");
  }
  if (h->block_given && h->random_blocks) {
    usage_error("%s", "--block and --random-blocks exclude each other");
  }
  if (h->block_given && h->block > h->max_block) {
    if (h->max_given) {
      usage_error("%s", "--block is larger than --max-block");
    }
    h->max_block = h->block;
  }
  if (!h->block_given && h->block > h->max_block) {
    h->block = h->max_block;
  }
  if (h->torture && (h->in_path || h->sc_path)) {
    usage_error("%s", "--torture generates its own signals: no -i or --sidechain");
  }
  if (h->torture) {
    h->random_blocks = true;
  }
}

/* ---- plugin discovery -------------------------------------------------- */

static bool
port_is(const LilvPlugin *plugin, const LilvPort *port, LilvWorld *world, const char *uri)
{
  LilvNode *node = lilv_new_uri(world, uri);
  const bool is = lilv_port_is_a(plugin, port, node);
  lilv_node_free(node);
  return is;
}

static bool
port_has(const LilvPlugin *plugin, const LilvPort *port, LilvWorld *world, const char *uri)
{
  LilvNode *node = lilv_new_uri(world, uri);
  const bool has = lilv_port_has_property(plugin, port, node);
  lilv_node_free(node);
  return has;
}

static uint32_t
port_minimum_size(const LilvPlugin *plugin, const LilvPort *port, LilvWorld *world)
{
  LilvNode *pred = lilv_new_uri(world, LV2_RESIZE_PORT__minimumSize);
  LilvNodes *sizes = lilv_port_get_value(plugin, port, pred);
  uint32_t size = 0;
  if (sizes) {
    const LilvNode *first = lilv_nodes_get_first(sizes);
    if (first && lilv_node_is_int(first) && lilv_node_as_int(first) > 0) {
      size = (uint32_t)lilv_node_as_int(first);
    }
    lilv_nodes_free(sizes);
  }
  lilv_node_free(pred);
  return size;
}

static Port *
find_port(Host *h, const char *symbol)
{
  for (uint32_t i = 0; i < h->n_ports; ++i) {
    if (!strcmp(h->ports[i].symbol, symbol)) {
      return &h->ports[i];
    }
  }
  return NULL;
}

static float *
new_samples(uint32_t count)
{
  void *ptr = NULL;
  if (posix_memalign(&ptr, 64, (size_t)count * sizeof(float))) {
    die(EXIT_USAGE, "out of memory");
  }
  memset(ptr, 0, (size_t)count * sizeof(float));
  return (float *)ptr;
}

#define SEQ_CAPACITY 8192u

static void
discover_ports(Host *h)
{
  const LilvPlugin *plugin = h->plugin;
  LilvWorld *world = h->world;
  h->n_ports = lilv_plugin_get_num_ports(plugin);
  h->ports = (Port *)xcalloc(h->n_ports, sizeof(Port));
  h->main_in = (uint32_t *)xcalloc(h->n_ports, sizeof(uint32_t));
  h->side_in = (uint32_t *)xcalloc(h->n_ports, sizeof(uint32_t));
  h->audio_out = (uint32_t *)xcalloc(h->n_ports, sizeof(uint32_t));
  h->reset_port = -1;
  h->latency_port = lilv_plugin_has_latency(plugin)
                      ? (int)lilv_plugin_get_latency_port_index(plugin)
                      : -1;

  float *mins = (float *)xcalloc(h->n_ports, sizeof(float));
  float *maxs = (float *)xcalloc(h->n_ports, sizeof(float));
  float *defs = (float *)xcalloc(h->n_ports, sizeof(float));
  lilv_plugin_get_port_ranges_float(plugin, mins, maxs, defs);

  for (uint32_t i = 0; i < h->n_ports; ++i) {
    const LilvPort *lport = lilv_plugin_get_port_by_index(plugin, i);
    Port *p = &h->ports[i];
    p->index = i;
    p->symbol = lilv_node_as_string(lilv_port_get_symbol(plugin, lport));
    p->input = port_is(plugin, lport, world, LV2_CORE__InputPort);
    p->optional = port_has(plugin, lport, world, LV2_CORE__connectionOptional);
    p->sidechain = port_has(plugin, lport, world, LV2_CORE__isSideChain);
    if (!p->input && !port_is(plugin, lport, world, LV2_CORE__OutputPort)) {
      die(EXIT_USAGE, "port %u (%s) is neither an input nor an output", i, p->symbol);
    }
    if (port_is(plugin, lport, world, LV2_CORE__ControlPort)) {
      p->kind = PORT_CONTROL;
    } else if (port_is(plugin, lport, world, LV2_CORE__AudioPort)) {
      p->kind = PORT_AUDIO;
    } else if (port_is(plugin, lport, world, LV2_CORE__CVPort)) {
      p->kind = PORT_CV;
    } else if (port_is(plugin, lport, world, LV2_ATOM__AtomPort)) {
      p->kind = PORT_ATOM;
    } else {
      p->kind = PORT_OTHER;
    }
    p->has_min = !isnan(mins[i]);
    p->has_max = !isnan(maxs[i]);
    p->min = mins[i];
    p->max = maxs[i];

    switch (p->kind) {
    case PORT_CONTROL:
      if (!isnan(defs[i])) {
        p->value = defs[i];
      } else {
        p->value = p->has_min && p->min > 0.0f ? p->min : 0.0f;
        p->value = p->has_max && p->value > p->max ? p->max : p->value;
      }
      if (!p->input && h->torture) {
        /* a control output the plugin never writes shows up as NaN */
        p->value = NAN;
      }
      if (p->input && !strcmp(p->symbol, "reset")) {
        h->reset_port = (int)i;
      }
      break;
    case PORT_AUDIO:
      if (p->input && p->sidechain) {
        h->side_in[h->n_side_in++] = i;
      } else if (p->input) {
        h->main_in[h->n_main_in++] = i;
      } else {
        h->audio_out[h->n_audio_out++] = i;
      }
      break;
    case PORT_ATOM: {
      const uint32_t min_size = port_minimum_size(plugin, lport, world);
      p->seq_capacity = min_size > SEQ_CAPACITY ? min_size : SEQ_CAPACITY;
      break;
    }
    case PORT_CV:
      break;
    case PORT_OTHER:
      if (!p->optional) {
        die(EXIT_USAGE, "port %u (%s) has a type pshost does not know and is not "
            "lv2:connectionOptional", i, p->symbol);
      }
      break;
    }
  }
  free(mins);
  free(maxs);
  free(defs);
}

static void
allocate_and_connect(Host *h)
{
  /* main inputs first: in-place outputs alias them */
  for (uint32_t i = 0; i < h->n_ports; ++i) {
    Port *p = &h->ports[i];
    const bool leave_null = h->null_optional && p->optional;
    if (leave_null) {
      continue;
    }
    if (p->kind == PORT_CV || (p->kind == PORT_AUDIO && p->input)) {
      p->samples = new_samples(h->max_block);
      p->owns_samples = true;
    } else if (p->kind == PORT_ATOM) {
      void *ptr = NULL;
      if (posix_memalign(&ptr, 64, p->seq_capacity)) {
        die(EXIT_USAGE, "out of memory");
      }
      memset(ptr, 0, p->seq_capacity);
      p->seq = (LV2_Atom_Sequence *)ptr;
    }
  }
  if (h->in_place && h->n_main_in != h->n_audio_out) {
    die(EXIT_USAGE, "--in-place needs as many main audio inputs (%u) as outputs (%u)",
        h->n_main_in, h->n_audio_out);
  }
  for (uint32_t k = 0; k < h->n_audio_out; ++k) {
    Port *out = &h->ports[h->audio_out[k]];
    if (h->null_optional && out->optional) {
      continue;
    }
    if (h->in_place && h->ports[h->main_in[k]].samples) {
      out->samples = h->ports[h->main_in[k]].samples;
    } else {
      out->samples = new_samples(h->max_block);
      out->owns_samples = true;
    }
  }
  for (uint32_t i = 0; i < h->n_ports; ++i) {
    Port *p = &h->ports[i];
    void *data = NULL;
    switch (p->kind) {
    case PORT_CONTROL:
      data = h->null_optional && p->optional ? NULL : &p->value;
      break;
    case PORT_AUDIO:
    case PORT_CV:
      data = p->samples;
      break;
    case PORT_ATOM:
      data = p->seq;
      break;
    case PORT_OTHER:
      break;
    }
    p->connected = data != NULL;
    lilv_instance_connect_port(h->instance, i, data);
  }
}

static void
apply_settings(Host *h)
{
  for (size_t k = 0; k < h->n_settings; ++k) {
    Port *p = find_port(h, h->settings[k].symbol);
    if (!p || p->kind != PORT_CONTROL || !p->input) {
      die(EXIT_USAGE, "-c %s: the plugin has no control input of that symbol",
          h->settings[k].symbol);
    }
    p->value = h->settings[k].value;
  }
}

/* ---- features ---------------------------------------------------------- */

static int
log_vprintf(LV2_Log_Handle handle, LV2_URID type, const char *fmt, va_list args)
{
  Host *h = (Host *)handle;
  const bool armed = rt_armed;
  if (armed && type != h->u.log_Trace) {
    ++rt_counts[RT_LOG]; /* only lv2_log_trace is allowed in run() */
  }
  rt_armed = false;
  const char *level = type == h->u.log_Error     ? "error"
                      : type == h->u.log_Warning ? "warning"
                      : type == h->u.log_Note    ? "note"
                      : type == h->u.log_Trace   ? "trace"
                                                 : "log";
  fprintf(stderr, "pshost: plugin %s: ", level);
  const int n = vfprintf(stderr, fmt, args);
  rt_armed = armed;
  return n;
}

static int
log_printf(LV2_Log_Handle handle, LV2_URID type, const char *fmt, ...)
{
  va_list args;
  va_start(args, fmt);
  const int n = log_vprintf(handle, type, fmt, args);
  va_end(args);
  return n;
}

static void
map_uris(Host *h)
{
  LV2_URID_Map *m = &h->map;
  Uris *u = &h->u;
#define MAP(uri) m->map(m->handle, uri)
  u->atom_Float = MAP(LV2_ATOM__Float);
  u->atom_Double = MAP(LV2_ATOM__Double);
  u->atom_Int = MAP(LV2_ATOM__Int);
  u->atom_Long = MAP(LV2_ATOM__Long);
  u->atom_Bool = MAP(LV2_ATOM__Bool);
  u->atom_Sequence = MAP(LV2_ATOM__Sequence);
  u->atom_Chunk = MAP(LV2_ATOM__Chunk);
  u->atom_frameTime = MAP(LV2_ATOM__frameTime);
  u->bufsz_min = MAP(LV2_BUF_SIZE__minBlockLength);
  u->bufsz_max = MAP(LV2_BUF_SIZE__maxBlockLength);
  u->bufsz_nominal = MAP(LV2_BUF_SIZE__nominalBlockLength);
  u->bufsz_sequence = MAP(LV2_BUF_SIZE__sequenceSize);
  u->param_sampleRate = MAP(LV2_PARAMETERS__sampleRate);
  u->log_Trace = MAP(LV2_LOG__Trace);
  u->log_Error = MAP(LV2_LOG__Error);
  u->log_Warning = MAP(LV2_LOG__Warning);
  u->log_Note = MAP(LV2_LOG__Note);
  u->time_Position = MAP(LV2_TIME__Position);
  u->time_frame = MAP(LV2_TIME__frame);
  u->time_speed = MAP(LV2_TIME__speed);
  u->time_bar = MAP(LV2_TIME__bar);
  u->time_barBeat = MAP(LV2_TIME__barBeat);
  u->time_beatUnit = MAP(LV2_TIME__beatUnit);
  u->time_beatsPerBar = MAP(LV2_TIME__beatsPerBar);
  u->time_beatsPerMinute = MAP(LV2_TIME__beatsPerMinute);
#undef MAP
}

static void
count_queue_draw(void *handle)
{
  atomic_fetch_add(&((Host *)handle)->queue_draws, 1);
}

static void
setup_features(Host *h)
{
  pthread_mutex_init(&h->table.lock, NULL);
  h->map.handle = &h->table;
  h->map.map = urid_map;
  h->unmap.handle = &h->table;
  h->unmap.unmap = urid_unmap;
  map_uris(h);
  lv2_atom_forge_init(&h->forge, &h->map);

  h->log.handle = h;
  h->log.printf = log_printf;
  h->log.vprintf = log_vprintf;

  uint32_t seq_size = SEQ_CAPACITY;
  for (uint32_t i = 0; i < h->n_ports; ++i) {
    if (h->ports[i].kind == PORT_ATOM && h->ports[i].seq_capacity > seq_size) {
      seq_size = h->ports[i].seq_capacity;
    }
  }
  h->opt_min_block = 1;
  h->opt_max_block = (int32_t)h->max_block;
  h->opt_nominal_block = (int32_t)(h->random_blocks ? h->max_block : h->block);
  h->opt_seq_size = (int32_t)seq_size;
  h->opt_rate = (float)h->rate;
  const LV2_Options_Option options[6] = {
    {LV2_OPTIONS_INSTANCE, 0, h->u.bufsz_min, sizeof(int32_t), h->u.atom_Int, &h->opt_min_block},
    {LV2_OPTIONS_INSTANCE, 0, h->u.bufsz_max, sizeof(int32_t), h->u.atom_Int, &h->opt_max_block},
    {LV2_OPTIONS_INSTANCE, 0, h->u.bufsz_nominal, sizeof(int32_t), h->u.atom_Int,
     &h->opt_nominal_block},
    {LV2_OPTIONS_INSTANCE, 0, h->u.bufsz_sequence, sizeof(int32_t), h->u.atom_Int,
     &h->opt_seq_size},
    {LV2_OPTIONS_INSTANCE, 0, h->u.param_sampleRate, sizeof(float), h->u.atom_Float,
     &h->opt_rate},
    {LV2_OPTIONS_INSTANCE, 0, 0, 0, 0, NULL},
  };
  memcpy(h->options, options, sizeof(options));

  h->schedule.handle = &h->worker;
  h->schedule.schedule_work = worker_schedule;

  h->f_map = (LV2_Feature){LV2_URID__map, &h->map};
  h->f_unmap = (LV2_Feature){LV2_URID__unmap, &h->unmap};
  h->f_options = (LV2_Feature){LV2_OPTIONS__options, h->options};
  h->f_bounded = (LV2_Feature){LV2_BUF_SIZE__boundedBlockLength, NULL};
  h->f_log = (LV2_Feature){LV2_LOG__log, &h->log};
  h->f_schedule = (LV2_Feature){LV2_WORKER__schedule, &h->schedule};
  h->queue_draw.handle = h;
  h->queue_draw.queue_draw = count_queue_draw;
  h->f_queue_draw = (LV2_Feature){INLINE_DISPLAY_URI "#queue_draw", &h->queue_draw};

  size_t n = 0;
  if (!h->no_features) {
    h->features[n++] = &h->f_map;
    h->features[n++] = &h->f_unmap;
    h->features[n++] = &h->f_options;
    h->features[n++] = &h->f_bounded;
    h->features[n++] = &h->f_log;
    if (h->worker_mode != WORKER_NONE) {
      h->features[n++] = &h->f_schedule;
    }
    h->features[n++] = &h->f_queue_draw;
  }
  h->features[n] = NULL;
}

static bool
plugin_mentions_feature(Host *h, const char *uri)
{
  LilvNode *node = lilv_new_uri(h->world, uri);
  const bool has = lilv_plugin_has_feature(h->plugin, node);
  lilv_node_free(node);
  return has;
}

static void
check_required_features(Host *h)
{
  static const char *const properties[] = {
    LV2_CORE__hardRTCapable, LV2_CORE__isLive, LV2_CORE__inPlaceBroken,
  };
  LilvNodes *required = lilv_plugin_get_required_features(h->plugin);
  if (!required) {
    return;
  }
  LILV_FOREACH (nodes, it, required) {
    const char *uri = lilv_node_as_uri(lilv_nodes_get(required, it));
    bool offered = false;
    for (size_t k = 0; h->features[k]; ++k) {
      offered = offered || !strcmp(h->features[k]->URI, uri);
    }
    for (size_t k = 0; k < sizeof(properties) / sizeof(properties[0]); ++k) {
      offered = offered || !strcmp(properties[k], uri);
    }
    if (!offered) {
      lilv_nodes_free(required);
      die(EXIT_USAGE, "%s requires the feature %s, which is not offered", h->uri, uri);
    }
  }
  lilv_nodes_free(required);
}

/* ---- state ------------------------------------------------------------- */

static const void *
state_get_port(const char *symbol, void *user_data, uint32_t *size, uint32_t *type)
{
  Host *h = (Host *)user_data;
  Port *p = find_port(h, symbol);
  if (!p || p->kind != PORT_CONTROL || !p->input) {
    *size = 0;
    *type = 0;
    return NULL;
  }
  *size = sizeof(float);
  *type = h->u.atom_Float;
  return &p->value;
}

static void
state_set_port(const char *symbol, void *user_data, const void *value, uint32_t size,
               uint32_t type)
{
  Host *h = (Host *)user_data;
  Port *p = find_port(h, symbol);
  if (!p || p->kind != PORT_CONTROL || !p->input) {
    fprintf(stderr, "pshost: state: ignoring the value of unknown port '%s'\n", symbol);
    return;
  }
  const Uris *u = &h->u;
  if (type == u->atom_Float && size == sizeof(float)) {
    memcpy(&p->value, value, sizeof(float));
  } else if (type == u->atom_Double && size == sizeof(double)) {
    double v;
    memcpy(&v, value, sizeof(v));
    p->value = (float)v;
  } else if ((type == u->atom_Int || type == u->atom_Bool) && size == sizeof(int32_t)) {
    int32_t v;
    memcpy(&v, value, sizeof(v));
    p->value = (float)v;
  } else if (type == u->atom_Long && size == sizeof(int64_t)) {
    int64_t v;
    memcpy(&v, value, sizeof(v));
    p->value = (float)v;
  } else {
    die(EXIT_CHECK, "state: port '%s' has a value of unusable type", symbol);
  }
}

static char *
join_path(const char *dir, const char *name)
{
  const size_t len = strlen(dir) + 1 + strlen(name) + 1;
  char *path = (char *)xcalloc(len, 1);
  snprintf(path, len, "%s/%s", dir, name);
  return path;
}

static void
restore_state(Host *h)
{
  char *path = join_path(h->restore_dir, "state.ttl");
  struct stat st;
  if (stat(path, &st)) {
    die(EXIT_USAGE, "--restore-state: cannot read %s", path);
  }
  LilvState *state = lilv_state_new_from_file(h->world, &h->map, NULL, path);
  if (!state) {
    die(EXIT_USAGE, "--restore-state: %s is not a state lilv can load", path);
  }
  const LilvNode *plugin_uri = lilv_state_get_plugin_uri(state);
  if (!plugin_uri || strcmp(lilv_node_as_uri(plugin_uri), h->uri)) {
    die(EXIT_USAGE, "--restore-state: %s is the state of another plugin", path);
  }
  lilv_state_restore(state, h->instance, state_set_port, h, 0, h->features);
  lilv_state_free(state);
  free(path);
}

static void
save_state(Host *h)
{
  if (mkdir(h->save_dir, 0777) && errno != EEXIST) {
    die(EXIT_USAGE, "--save-state: cannot create %s", h->save_dir);
  }
  LilvState *state = lilv_state_new_from_instance(
    h->plugin, h->instance, &h->map, NULL, h->save_dir, h->save_dir, h->save_dir,
    state_get_port, h, LV2_STATE_IS_POD | LV2_STATE_IS_PORTABLE, h->features);
  if (!state) {
    die(EXIT_CHECK, "--save-state: lilv could not make a state of the instance");
  }
  if (lilv_state_save(h->world, &h->map, &h->unmap, state, NULL, h->save_dir, "state.ttl")) {
    die(EXIT_USAGE, "--save-state: cannot save into %s", h->save_dir);
  }
  lilv_state_free(state);
}

/* ---- signals ----------------------------------------------------------- */

static void
open_inputs(Host *h)
{
  SF_INFO info;
  if (h->in_path) {
    memset(&info, 0, sizeof(info));
    if (!(h->in_file = sf_open(h->in_path, SFM_READ, &info))) {
      die(EXIT_USAGE, "cannot open %s: %s", h->in_path, sf_strerror(NULL));
    }
    if (h->rate_given && (double)info.samplerate != h->rate) {
      die(EXIT_USAGE, "%s is at %d Hz, not the -r %g Hz asked for", h->in_path,
          info.samplerate, h->rate);
    }
    h->rate = info.samplerate;
    h->in_channels = info.channels;
    h->in_frames = (uint64_t)info.frames;
    if (h->n_main_in == 0) {
      die(EXIT_USAGE, "-i: %s has no main audio input", h->uri);
    }
    if (info.channels != 1 && (uint32_t)info.channels != h->n_main_in) {
      die(EXIT_USAGE, "%s has %d channels; %s has %u main inputs (give 1 or %u)", h->in_path,
          info.channels, h->uri, h->n_main_in, h->n_main_in);
    }
  }
  if (h->sc_path) {
    memset(&info, 0, sizeof(info));
    if (!(h->sc_file = sf_open(h->sc_path, SFM_READ, &info))) {
      die(EXIT_USAGE, "cannot open %s: %s", h->sc_path, sf_strerror(NULL));
    }
    if (h->n_side_in == 0) {
      die(EXIT_USAGE, "--sidechain: %s has no sidechain input", h->uri);
    }
    if ((double)info.samplerate != h->rate) {
      die(EXIT_USAGE, "%s is at %d Hz, the session at %g Hz", h->sc_path, info.samplerate,
          h->rate);
    }
    if (info.channels != 1 && (uint32_t)info.channels != h->n_side_in) {
      die(EXIT_USAGE, "%s has %d channels; %s has %u sidechain inputs", h->sc_path,
          info.channels, h->uri, h->n_side_in);
    }
    h->sc_channels = info.channels;
  }
  const int most = h->in_channels > h->sc_channels ? h->in_channels : h->sc_channels;
  h->file_scratch = (float *)xcalloc((size_t)h->max_block * (size_t)(most ? most : 1),
                                     sizeof(float));
}

static void
open_outputs(Host *h)
{
  if (h->out_path) {
    if (!h->n_audio_out) {
      die(EXIT_USAGE, "-o: %s has no audio output", h->uri);
    }
    SF_INFO info;
    memset(&info, 0, sizeof(info));
    info.samplerate = (int)lrint(h->rate);
    info.channels = (int)h->n_audio_out;
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    if (!(h->out_file = sf_open(h->out_path, SFM_WRITE, &info))) {
      die(EXIT_USAGE, "cannot create %s: %s", h->out_path, sf_strerror(NULL));
    }
    h->out_scratch = (float *)xcalloc((size_t)h->max_block * h->n_audio_out, sizeof(float));
  }
  if (h->log_path) {
    if (!(h->log_file = fopen(h->log_path, "w"))) {
      die(EXIT_USAGE, "cannot create %s", h->log_path);
    }
    fputs("time_s", h->log_file);
    for (uint32_t i = 0; i < h->n_ports; ++i) {
      const Port *p = &h->ports[i];
      if (p->kind == PORT_CONTROL && !p->input) {
        fprintf(h->log_file, ",%s", p->symbol);
      }
    }
    fputc('\n', h->log_file);
  }
}

/* Reads n frames of a file into the given ports (zeros past its end). */
static void
read_file(Host *h, SNDFILE *file, int channels, const uint32_t *ports, uint32_t n_ports,
          uint32_t n)
{
  sf_count_t got = file ? sf_readf_float(file, h->file_scratch, n) : 0;
  if (got < 0) {
    got = 0;
  }
  for (uint32_t k = 0; k < n_ports; ++k) {
    float *dst = h->ports[ports[k]].samples;
    if (!dst) {
      continue;
    }
    const int c = channels == 1 ? 0 : (int)k;
    for (uint32_t i = 0; i < (uint32_t)got; ++i) {
      dst[i] = h->file_scratch[(size_t)i * (size_t)channels + (size_t)c];
    }
    memset(dst + got, 0, (size_t)(n - (uint32_t)got) * sizeof(float));
  }
}

static void
generate(Host *h, SegKind kind, uint32_t slot, float *dst, uint32_t n)
{
  uint64_t *rng = &h->rng[slot];
  const double level = pow(10.0, h->level_db / 20.0);
  static const float large[] = {1e2f, 1e3f, 1e5f, 1e10f, 1e20f, 1e30f, FLT_MAX};
  for (uint32_t i = 0; i < n; ++i) {
    float v = 0.0f;
    switch (kind) {
    case SEG_SILENCE:
    case SEG_FILE:
      v = 0.0f;
      break;
    case SEG_FULL_NOISE:
      v = (float)rng_uniform(rng);
      break;
    case SEG_NOISE:
      v = (float)(level * rng_uniform(rng));
      break;
    case SEG_SINE:
      v = (float)(level * sin(h->sine_phase[slot]));
      h->sine_phase[slot] += 2.0 * M_PI * h->freq / h->rate;
      if (h->sine_phase[slot] > 2.0 * M_PI) {
        h->sine_phase[slot] -= 2.0 * M_PI;
      }
      break;
    case SEG_NONFINITE: {
      const uint64_t r = rng_next(rng) % 3;
      v = r == 0 ? NAN : r == 1 ? INFINITY : -INFINITY;
      break;
    }
    case SEG_DENORMAL: {
      const uint64_t r = rng_next(rng);
      v = (r & 1 ? 1e-40f : -1e-40f) * (float)(1 + (r >> 1) % 8);
      break;
    }
    case SEG_LARGE: {
      const uint64_t r = rng_next(rng);
      const float mag = large[(r >> 1) % (sizeof(large) / sizeof(large[0]))];
      v = r & 1 ? mag : -mag;
      break;
    }
    }
    dst[i] = v;
  }
}

static void
fill_inputs(Host *h, SegKind kind, uint32_t n)
{
  if (kind == SEG_FILE) {
    read_file(h, h->in_file, h->in_channels, h->main_in, h->n_main_in, n);
  } else {
    for (uint32_t k = 0; k < h->n_main_in; ++k) {
      float *dst = h->ports[h->main_in[k]].samples;
      if (dst) {
        generate(h, kind, k, dst, n);
      }
    }
  }
  if (h->sc_file || kind == SEG_FILE || !h->torture) {
    /* sidechain from its file, or silence */
    read_file(h, h->sc_file, h->sc_channels ? h->sc_channels : 1, h->side_in, h->n_side_in, n);
  } else {
    for (uint32_t k = 0; k < h->n_side_in; ++k) {
      float *dst = h->ports[h->side_in[k]].samples;
      if (dst) {
        generate(h, kind, h->n_main_in + k, dst, n);
      }
    }
  }
}

/* ---- one cycle --------------------------------------------------------- */

/* A time:Position at `time` in the sequence being forged: the transport at
   `frame`, rolling at speed 1 or stopped, 120 bpm in 4/4. */
static void
forge_position(Host *h, int64_t time, int64_t frame, bool rolling)
{
  LV2_Atom_Forge *forge = &h->forge;
  const double beats = (double)frame / h->rate * 2.0;
  LV2_Atom_Forge_Frame obj;
  lv2_atom_forge_frame_time(forge, time);
  lv2_atom_forge_object(forge, &obj, 0, h->u.time_Position);
  lv2_atom_forge_key(forge, h->u.time_frame);
  lv2_atom_forge_long(forge, frame);
  lv2_atom_forge_key(forge, h->u.time_speed);
  lv2_atom_forge_float(forge, rolling ? 1.0f : 0.0f);
  lv2_atom_forge_key(forge, h->u.time_bar);
  lv2_atom_forge_long(forge, (int64_t)(beats / 4.0));
  lv2_atom_forge_key(forge, h->u.time_barBeat);
  lv2_atom_forge_float(forge, (float)fmod(beats, 4.0));
  lv2_atom_forge_key(forge, h->u.time_beatUnit);
  lv2_atom_forge_int(forge, 4);
  lv2_atom_forge_key(forge, h->u.time_beatsPerBar);
  lv2_atom_forge_float(forge, 4.0f);
  lv2_atom_forge_key(forge, h->u.time_beatsPerMinute);
  lv2_atom_forge_float(forge, 120.0f);
  lv2_atom_forge_pop(forge, &obj);
}

/* The atom inputs of a cycle of n frames starting at pos. */
static void
prepare_atoms(Host *h, uint64_t pos, uint32_t n)
{
  for (uint32_t i = 0; i < h->n_ports; ++i) {
    Port *p = &h->ports[i];
    if (p->kind != PORT_ATOM || !p->seq) {
      continue;
    }
    if (!p->input) {
      /* an empty chunk of the whole capacity for the plugin to write */
      p->seq->atom.type = h->u.atom_Chunk;
      p->seq->atom.size = p->seq_capacity - (uint32_t)sizeof(LV2_Atom);
      continue;
    }
    LV2_Atom_Forge *forge = &h->forge;
    lv2_atom_forge_set_buffer(forge, (uint8_t *)p->seq, p->seq_capacity);
    LV2_Atom_Forge_Frame seq_frame;
    lv2_atom_forge_sequence_head(forge, &seq_frame, 0);
    if (h->transport == TRANSPORT_START) {
      /* stopped at frame 0 until the start, then rolling from frame 0 */
      const uint64_t start = (uint64_t)llround(h->transport_start_s * h->rate);
      if (pos >= start) {
        forge_position(h, 0, (int64_t)(pos - start), true);
      } else {
        forge_position(h, 0, 0, false);
        if (start - pos < n) {
          forge_position(h, (int64_t)(start - pos), 0, true);
        }
      }
    } else if (h->transport != TRANSPORT_NONE) {
      const bool rolling = h->transport == TRANSPORT_ROLLING;
      forge_position(h, 0, rolling ? (int64_t)pos : 0, rolling);
    }
    lv2_atom_forge_pop(forge, &seq_frame);
  }
}

static void
check_atom_outputs(Host *h, uint32_t n)
{
  for (uint32_t i = 0; i < h->n_ports; ++i) {
    const Port *p = &h->ports[i];
    if (p->kind != PORT_ATOM || p->input || !p->seq || p->seq->atom.type == h->u.atom_Chunk) {
      continue;
    }
    const uint32_t room = p->seq_capacity - (uint32_t)sizeof(LV2_Atom);
    if (p->seq->atom.type != h->u.atom_Sequence || p->seq->atom.size > room ||
        p->seq->atom.size < sizeof(LV2_Atom_Sequence_Body)) {
      die(EXIT_CHECK, "atom output '%s' is not a sequence within its %u bytes", p->symbol,
          room);
    }
    /* event times are only checked in frames (unit 0 means frames too) */
    const bool frames = !p->seq->body.unit || p->seq->body.unit == h->u.atom_frameTime;
    int64_t last = 0;
    LV2_ATOM_SEQUENCE_FOREACH (p->seq, ev) {
      const uint32_t used = (uint32_t)((const uint8_t *)ev - (const uint8_t *)&p->seq->body);
      if (used + sizeof(LV2_Atom_Event) + ev->body.size > p->seq->atom.size ||
          (frames && (ev->time.frames < last || ev->time.frames > (int64_t)n))) {
        die(EXIT_CHECK, "atom output '%s' holds a malformed or out-of-order event",
            p->symbol);
      }
      last = ev->time.frames;
    }
  }
}

static void
rt_report(Host *h, const char *where)
{
  if (!h->rt_check) {
    return;
  }
  unsigned total = 0;
  for (int k = 0; k < RT_KINDS; ++k) {
    total += rt_counts[k];
  }
  if (!total) {
    return;
  }
  fprintf(stderr, "pshost: real-time violation: %u malloc/free/lock/log calls inside %s (",
          total, where);
  const char *sep = "";
  for (int k = 0; k < RT_KINDS; ++k) {
    if (rt_counts[k]) {
      fprintf(stderr, "%s%s %u", sep, rt_kind_names[k], rt_counts[k]);
      sep = ", ";
    }
  }
  fputs(")\n", stderr);
  exit(EXIT_CHECK);
}

/* Audio thread: run() then the worker's responses. */
static void
run_cycle(Host *h, uint32_t n)
{
  rt_arm();
  lilv_instance_run(h->instance, n);
  rt_disarm();
  rt_report(h, "run()");

  rt_arm();
  worker_deliver(&h->worker);
  rt_disarm();
  rt_report(h, "work_response()/end_run()");

  check_atom_outputs(h, n);
}

/* Control outputs must be finite (when asked) and within the port's range;
   audio outputs finite from frame `audio_from` of the block on (when asked). */
static void
check_outputs(Host *h, uint32_t n, bool audio_finite, uint32_t audio_from, bool control_finite,
              double at_s, const char *during)
{
  for (uint32_t i = 0; i < h->n_ports; ++i) {
    const Port *p = &h->ports[i];
    if (p->input || !p->connected) {
      continue;
    }
    if (p->kind == PORT_CONTROL) {
      const float v = p->value;
      if (!isfinite(v)) {
        if (control_finite) {
          die(EXIT_CHECK, "control output '%s' (port %u) is %g at %.3f s (%s)", p->symbol,
              p->index, (double)v, at_s, during);
        }
        continue;
      }
      if ((p->has_min && (double)v < (double)p->min - 1e-3) ||
          (p->has_max && (double)v > (double)p->max + 1e-3)) {
        die(EXIT_CHECK, "control output '%s' (port %u) is %g, outside [%g, %g], at %.3f s (%s)",
            p->symbol, p->index, (double)v, (double)p->min, (double)p->max, at_s, during);
      }
    } else if (audio_finite && (p->kind == PORT_AUDIO || p->kind == PORT_CV)) {
      for (uint32_t s = audio_from; s < n; ++s) {
        if (!isfinite(p->samples[s])) {
          die(EXIT_CHECK, "audio output '%s' (port %u) sample %u of the block is %g at %.3f s (%s)",
              p->symbol, p->index, s, (double)p->samples[s], at_s, during);
        }
      }
    }
  }
}

static void
write_output(Host *h, uint32_t n, uint32_t skip)
{
  if (!h->out_file || skip >= n) {
    return;
  }
  const uint32_t frames = n - skip;
  const uint32_t nc = h->n_audio_out;
  for (uint32_t k = 0; k < nc; ++k) {
    const float *src = h->ports[h->audio_out[k]].samples;
    for (uint32_t i = 0; i < frames; ++i) {
      h->out_scratch[(size_t)i * nc + k] = src ? src[skip + i] : 0.0f;
    }
  }
  if (sf_writef_float(h->out_file, h->out_scratch, frames) != (sf_count_t)frames) {
    die(EXIT_USAGE, "cannot write %s", h->out_path);
  }
}

static void
log_row(Host *h, uint64_t frame)
{
  fprintf(h->log_file, "%.6f", (double)frame / h->rate);
  for (uint32_t i = 0; i < h->n_ports; ++i) {
    const Port *p = &h->ports[i];
    if (p->kind == PORT_CONTROL && !p->input) {
      fprintf(h->log_file, ",%.6f", (double)p->value);
    }
  }
  fputc('\n', h->log_file);
}

static uint32_t
next_block(Host *h)
{
  if (!h->random_blocks) {
    return h->block;
  }
  const uint64_t r = rng_next(&h->block_rng);
  const uint32_t max = h->max_block;
  switch (r % 16) {
  case 0:
    return 1;
  case 1:
    return max;
  case 2:
  case 3:
    return 1 + (uint32_t)((r >> 8) % 17); /* tiny, mostly not powers of two */
  case 4:
    /* zero-length runs are legal: only in torture, to keep other runs simple */
    return h->torture ? 0 : 1 + (uint32_t)((r >> 8) % max);
  default:
    return 1 + (uint32_t)((r >> 8) % max);
  }
}

static void
cycle_activation(Host *h)
{
  lilv_instance_deactivate(h->instance);
  lilv_instance_activate(h->instance);
  lilv_instance_deactivate(h->instance);
  lilv_instance_activate(h->instance);
}

static void
read_latency(Host *h)
{
  h->latency_known = true;
  if (h->latency_port < 0) {
    return;
  }
  const float v = h->ports[h->latency_port].value;
  if (!(v >= 0.0f && v <= 1e7f)) {
    die(EXIT_CHECK, "latency port '%s' reports %g", h->ports[h->latency_port].symbol,
        (double)v);
  }
  h->latency = (uint32_t)lrintf(v);
}

/* ---- the session ------------------------------------------------------- */

static uint64_t
seconds_to_frames(const Host *h, double seconds)
{
  return (uint64_t)llround(seconds * h->rate);
}

static void
run_session(Host *h)
{
  Segment single = {SEG_FILE, -1.0, 0, "input"};
  const Segment *plan = &single;
  size_t n_segments = 1;
  if (h->torture) {
    plan = torture_plan;
    n_segments = sizeof(torture_plan) / sizeof(torture_plan[0]);
  } else if (!h->in_file) {
    single.kind = h->gen == SIG_SILENCE ? SEG_SILENCE : h->gen == SIG_SINE ? SEG_SINE : SEG_NOISE;
    single.seconds = h->seconds;
    single.name = "generated input";
  }

  uint64_t *seg_end = (uint64_t *)xcalloc(n_segments, sizeof(uint64_t));
  uint64_t content = 0;
  for (size_t s = 0; s < n_segments; ++s) {
    content += plan[s].seconds < 0.0 ? h->in_frames : seconds_to_frames(h, plan[s].seconds);
    seg_end[s] = content;
  }

  const double grid_frames = h->log_every_ms * h->rate / 1000.0;
  uint64_t grid_index = 1;
  uint64_t next_grid = h->log_file ? (uint64_t)llround(grid_frames) : UINT64_MAX;
  if (h->log_file && grid_frames < 1.0) {
    die(EXIT_USAGE, "--log-every-ms is shorter than a sample");
  }

  const uint64_t grace = seconds_to_frames(h, 1.0);
  uint64_t grace_end = 0; /* finiteness is not checked before this frame */
  bool reset_pending = false; /* pulse the reset input on the next run */
  size_t acted = SIZE_MAX;     /* last segment whose actions were done */
  size_t seg = 0;
  uint64_t pos = 0;
  uint64_t total = content;

  for (;;) {
    while (seg < n_segments && pos >= seg_end[seg]) {
      ++seg;
    }
    if (pos >= total) {
      break;
    }
    const bool padding = seg >= n_segments;
    const Segment *cur = padding ? NULL : &plan[seg];
    if (cur && acted != seg) {
      acted = seg;
      if (cur->actions & ACT_CYCLE) {
        cycle_activation(h);
      }
      if ((cur->actions & ACT_RESET) && h->reset_port >= 0) {
        reset_pending = true;
      }
    }

    uint64_t n = next_block(h);
    const uint64_t limit = padding ? total : seg_end[seg];
    if (n > limit - pos) {
      n = limit - pos;
    }
    if (n > next_grid - pos) {
      n = next_grid - pos;
    }
    const uint32_t frames = (uint32_t)n;
    if (frames == 0 && !h->torture) {
      continue;
    }

    const SegKind kind = padding ? SEG_SILENCE : cur->kind;
    /* past the content (latency padding) the file reader gives zeros */
    fill_inputs(h, padding ? SEG_FILE : kind, frames);
    prepare_atoms(h, pos, frames);
    const bool pulse = reset_pending && frames;
    if (pulse) {
      h->ports[h->reset_port].value = 1.0f; /* 0 -> 1 for one run -> 0 */
    }

    run_cycle(h, frames);

    if (pulse) {
      h->ports[h->reset_port].value = 0.0f;
      reset_pending = false;
    }
    if (!h->latency_known && frames) {
      read_latency(h);
      if (h->compensate) {
        total = content + h->latency;
      }
    }

    const uint64_t end = pos + frames;
    const bool bad = !padding && segment_is_bad(kind);
    if (bad) {
      grace_end = seg_end[seg] + grace;
    }
    /* torture: no finiteness check during a bad burst and its first second
       after; otherwise control outputs are always checked, audio outputs
       only in torture (an input file may hold anything) */
    const bool finite = !h->torture || (!bad && end > grace_end);
    const uint32_t audio_from = grace_end > pos ? (uint32_t)(grace_end - pos) : 0;
    check_outputs(h, frames, h->torture && finite, audio_from, finite, (double)end / h->rate,
                  padding ? "latency padding" : cur->name);

    const uint64_t skip = h->compensate && pos < h->latency ? h->latency - pos : 0;
    write_output(h, frames, skip > frames ? frames : (uint32_t)skip);

    pos = end;
    if (pos == next_grid) {
      log_row(h, pos);
      ++grid_index;
      next_grid = (uint64_t)llround((double)grid_index * grid_frames);
    }
  }
  h->frames_run = pos;
  free(seg_end);
}

/* ---- main -------------------------------------------------------------- */

static void
check_expectations(Host *h)
{
  bool ok = true;
  for (size_t k = 0; k < h->n_expects; ++k) {
    const Expect *e = &h->expects[k];
    const Port *p = find_port(h, e->symbol);
    if (!p || p->kind != PORT_CONTROL) {
      die(EXIT_USAGE, "--expect: no control port '%s'", e->symbol);
    }
    const double v = (double)p->value;
    if (!(v >= e->lo && v <= e->hi)) {
      fprintf(stderr, "pshost: expected %s in [%g, %g], got %g\n", e->symbol, e->lo, e->hi, v);
      ok = false;
    }
  }
  if (!ok) {
    exit(EXIT_CHECK);
  }
}

static void
print_listing(const Host *h)
{
  if (h->quiet) {
    return;
  }
  for (uint32_t i = 0; i < h->n_ports; ++i) {
    const Port *p = &h->ports[i];
    if (p->kind == PORT_CONTROL && !p->input) {
      printf("%s %.6f\n", p->symbol, (double)p->value);
    }
  }
  printf("latency %u\n", h->latency);
}

static void
cleanup(Host *h)
{
  if (h->in_file) {
    sf_close(h->in_file);
  }
  if (h->sc_file) {
    sf_close(h->sc_file);
  }
  if (h->out_file) {
    sf_close(h->out_file);
  }
  if (h->log_file && fclose(h->log_file)) {
    die(EXIT_USAGE, "cannot write %s", h->log_path);
  }
  for (uint32_t i = 0; i < h->n_ports; ++i) {
    if (h->ports[i].owns_samples) {
      free(h->ports[i].samples);
    }
    free(h->ports[i].seq);
  }
  free(h->ports);
  free(h->main_in);
  free(h->side_in);
  free(h->audio_out);
  free(h->file_scratch);
  free(h->out_scratch);
  free(h->rng);
  free(h->sine_phase);
  free(h->settings);
  free(h->expects);
  for (uint32_t i = 0; i < h->table.count; ++i) {
    free(h->table.uris[i]);
  }
  free(h->table.uris);
  pthread_mutex_destroy(&h->table.lock);
  lilv_world_free(h->world);
}

/* The host side of Ardour's inline display, as restated in
   plugins/common/inline_display.h. */
typedef struct {
  unsigned char *data;
  int width;
  int height;
  int stride;
} InlineImage;
typedef struct {
  InlineImage *(*render)(LV2_Handle instance, uint32_t w, uint32_t max_h);
} InlineInterface;

/* Asks for the picture at two sizes: each must have the width asked for, a
   height within the bound, and something drawn on it (pixels of more than
   one colour). */
static void
check_inline_display(Host *h)
{
  const InlineInterface *iface = (const InlineInterface *)lilv_instance_get_extension_data(
    h->instance, INLINE_DISPLAY_URI "#interface");
  if (!iface || !iface->render) {
    die(EXIT_CHECK, "%s has no inline display interface", h->uri);
  }
  if (!h->no_features && h->frames_run >= (uint64_t)(0.2 * h->rate) &&
      !atomic_load(&h->queue_draws)) {
    die(EXIT_CHECK, "%s never called queue_draw", h->uri);
  }
  const uint32_t sizes[2][2] = {{h->inline_w, h->inline_h},
                                {h->inline_w / 2 ? h->inline_w / 2 : 1,
                                 h->inline_h / 2 ? h->inline_h / 2 : 1}};
  for (int k = 1; k >= 0; --k) {
    const uint32_t w = sizes[k][0], max_h = sizes[k][1];
    const InlineImage *img = iface->render(lilv_instance_get_handle(h->instance), w, max_h);
    if (!img || !img->data) {
      die(EXIT_CHECK, "inline display: no picture at %u x %u", w, max_h);
    }
    if (img->width != (int)w || img->height < 1 || img->height > (int)max_h ||
        img->stride < 4 * img->width) {
      die(EXIT_CHECK, "inline display: asked for %u x at most %u, got %d x %d (stride %d)", w,
          max_h, img->width, img->height, img->stride);
    }
    size_t differ = 0;
    const uint32_t first = *(const uint32_t *)img->data;
    for (int y = 0; y < img->height; ++y) {
      const uint32_t *row = (const uint32_t *)(img->data + (size_t)y * (size_t)img->stride);
      for (int x = 0; x < img->width; ++x) {
        differ += row[x] != first;
      }
    }
    if (differ * 50 < (size_t)img->width * (size_t)img->height) {
      die(EXIT_CHECK, "inline display: %zu of %d pixels drawn at %u x %u", differ,
          img->width * img->height, w, max_h);
    }
    if (!h->quiet) {
      printf("inline display %u x %u: %d x %d, %zu pixels drawn, %u redraws asked\n", w, max_h,
             img->width, img->height, differ, atomic_load(&h->queue_draws));
    }
    if (k == 0 && h->inline_png) {
      cairo_surface_t *s = cairo_image_surface_create_for_data(
        img->data, CAIRO_FORMAT_ARGB32, img->width, img->height, img->stride);
      if (cairo_surface_write_to_png(s, h->inline_png) != CAIRO_STATUS_SUCCESS) {
        die(EXIT_USAGE, "--inline-png: cannot write %s", h->inline_png);
      }
      cairo_surface_destroy(s);
    }
  }
}

int
main(int argc, char **argv)
{
  resolve_mutex_lock();
  static Host host;
  Host *h = &host;
  parse_args(h, argc, argv);

  h->world = lilv_world_new();
  lilv_world_load_all(h->world);
  LilvNode *uri = lilv_new_uri(h->world, h->uri);
  h->plugin = lilv_plugins_get_by_uri(lilv_world_get_all_plugins(h->world), uri);
  lilv_node_free(uri);
  if (!h->plugin) {
    die(EXIT_USAGE, "plugin %s not found (LV2_PATH=%s)", h->uri,
        getenv("LV2_PATH") ? getenv("LV2_PATH") : "unset");
  }

  discover_ports(h);
  open_inputs(h);
  if (!h->worker_given) {
    h->worker_mode = plugin_mentions_feature(h, LV2_WORKER__schedule) ? WORKER_THREAD
                                                                      : WORKER_NONE;
  }
  if (h->in_place) {
    if (plugin_mentions_feature(h, LV2_CORE__inPlaceBroken)) {
      die(EXIT_USAGE, "--in-place: %s is lv2:inPlaceBroken", h->uri);
    }
  }
  setup_features(h);
  check_required_features(h);
  worker_init(&h->worker, h->no_features ? WORKER_NONE : h->worker_mode);

  const uint32_t slots = h->n_main_in + h->n_side_in;
  h->rng = (uint64_t *)xcalloc(slots, sizeof(uint64_t));
  h->sine_phase = (double *)xcalloc(slots, sizeof(double));
  for (uint32_t k = 0; k < slots; ++k) {
    h->rng[k] = h->seed * 1000003u + k;
  }
  h->block_rng = h->seed ^ 0x5DEECE66Du;

  h->instance = lilv_plugin_instantiate(h->plugin, h->rate, h->features);
  if (!h->instance) {
    die(EXIT_CHECK, "%s failed to instantiate at %g Hz", h->uri, h->rate);
  }
  const LV2_Worker_Interface *iface =
    h->worker.mode != WORKER_NONE
      ? (const LV2_Worker_Interface *)lilv_instance_get_extension_data(h->instance,
                                                                       LV2_WORKER__interface)
      : NULL;
  worker_start(&h->worker, iface, lilv_instance_get_handle(h->instance));

  allocate_and_connect(h);
  open_outputs(h);
  lilv_instance_activate(h->instance);
  if (h->restore_dir) {
    restore_state(h);
  }
  apply_settings(h);

  run_session(h);

  worker_drain(&h->worker);
  rt_arm();
  worker_deliver(&h->worker);
  rt_disarm();
  rt_report(h, "work_response()/end_run()");
  if (atomic_load(&h->worker.lost)) {
    die(EXIT_CHECK, "%u worker responses did not fit the response ring",
        atomic_load(&h->worker.lost));
  }

  if (h->save_dir) {
    save_state(h);
  }
  if (h->inline_w) {
    check_inline_display(h);
  }
  lilv_instance_deactivate(h->instance);
  worker_stop(&h->worker);
  lilv_instance_free(h->instance);

  check_expectations(h);
  print_listing(h);
  cleanup(h);
  return EXIT_OK;
}
