/* espeak-ng words of the lip-sync material (see words.h).  espeak-ng is run
   directly, not through a shell: a word is an argument of its own and needs
   no quoting. */
#include "words.h"

#include "cleanup.h"
#include "dsp.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sndfile.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* A temporary folder's name fits DIR_SIZE, the names of its files PATH_SIZE. */
enum { BATCH = 8, DIR_SIZE = 4096, PATH_SIZE = DIR_SIZE + 40 };

static const double fade_s = 0.002;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
set_error(char *err, size_t size, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  vsnprintf(err, size, format, args);
  va_end(args);
}

static int
read_wav(const char *path, LsWord *w)
{
  SF_INFO info;
  memset(&info, 0, sizeof(info));
  SNDFILE *file = sf_open(path, SFM_READ, &info);
  if (!file) {
    return -1;
  }
  if (info.channels != 1 || info.frames < 1 || info.samplerate < 8000) {
    sf_close(file);
    return -1;
  }
  w->n = (size_t)info.frames;
  w->rate = (unsigned)info.samplerate;
  w->x = (float *)malloc(w->n * sizeof(float));
  const int ok = w->x && sf_readf_float(file, w->x, info.frames) == info.frames;
  sf_close(file);
  return ok ? 0 : -1;
}

/* First line of espeak-ng's complaint about word k, or "". */
static void
read_log(const char *dir, size_t k, char *reason, size_t size)
{
  char path[PATH_SIZE];
  snprintf(path, sizeof(path), "%s/w%zu.log", dir, k);
  reason[0] = '\0';
  FILE *log = fopen(path, "r");
  if (log) {
    if (!fgets(reason, (int)size, log)) {
      reason[0] = '\0';
    }
    reason[strcspn(reason, "\r\n")] = '\0';
    fclose(log);
  }
}

/* Starts espeak-ng for word k, its output to dir/wK.wav, its complaints to
   dir/wK.log.  Returns the process, or -1 with errno's reason in err. */
static pid_t
spawn_word(const char *dir, size_t k, const LsWord *w, char *err, size_t err_size)
{
  char wav[PATH_SIZE], log[PATH_SIZE], wpm[16], pitch[16];
  snprintf(wav, sizeof(wav), "%s/w%zu.wav", dir, k);
  snprintf(log, sizeof(log), "%s/w%zu.log", dir, k);
  snprintf(wpm, sizeof(wpm), "%d", w->wpm);
  snprintf(pitch, sizeof(pitch), "%d", w->pitch);
  char program[] = "espeak-ng", v[] = "-v", s[] = "-s", p[] = "-p", o[] = "-w";
  /* posix_spawn's argv is not const, though it is only read. */
  char *argv[] = {program, v, (char *)(uintptr_t)w->voice, s, wpm, p, pitch,
                  o, wav, (char *)(uintptr_t)w->text, NULL};
  posix_spawn_file_actions_t actions;
  if (posix_spawn_file_actions_init(&actions)) {
    set_error(err, err_size, "out of memory");
    return -1;
  }
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, "espeak-ng", &actions, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc) {
    if (rc == ENOENT) {
      set_error(err, err_size, "espeak-ng not found: install espeak-ng");
    } else {
      set_error(err, err_size, "cannot run espeak-ng: %s", strerror(rc));
    }
    return -1;
  }
  return pid;
}

static void
remove_word_files(const char *dir, size_t k)
{
  char path[PATH_SIZE];
  snprintf(path, sizeof(path), "%s/w%zu.wav", dir, k);
  unlink(path);
  snprintf(path, sizeof(path), "%s/w%zu.log", dir, k);
  unlink(path);
}

/* Speaks words[first..first+count) in the folder dir, all at once. */
static int
speak_batch(const char *dir, LsWord *words, size_t first, size_t count, char *err,
            size_t err_size)
{
  pid_t pids[BATCH];
  int slots[2 * BATCH];
  int status = 0;
  size_t started = 0;
  char path[PATH_SIZE];
  for (size_t i = 0; i < count; ++i) {
    const size_t k = first + i;
    snprintf(path, sizeof(path), "%s/w%zu.wav", dir, k);
    slots[2 * i] = dlg_cleanup_add(path, 0);
    snprintf(path, sizeof(path), "%s/w%zu.log", dir, k);
    slots[2 * i + 1] = dlg_cleanup_add(path, 0);
  }
  for (size_t i = 0; i < count && !status; ++i) {
    pids[i] = spawn_word(dir, first + i, &words[first + i], err, err_size);
    if (pids[i] < 0) {
      status = -1;
    } else {
      ++started;
    }
  }
  int exits[BATCH];
  for (size_t i = 0; i < started; ++i) {
    int ws = 0;
    while (waitpid(pids[i], &ws, 0) < 0 && errno == EINTR) {
    }
    exits[i] = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
  }
  for (size_t i = 0; i < started && !status; ++i) {
    const size_t k = first + i;
    snprintf(path, sizeof(path), "%s/w%zu.wav", dir, k);
    if (exits[i] == 127) {
      set_error(err, err_size, "espeak-ng not found: install espeak-ng");
      status = -1;
    } else if (exits[i] || read_wav(path, &words[k])) {
      char reason[240];
      read_log(dir, k, reason, sizeof(reason));
      set_error(err, err_size, "espeak-ng -v %s failed on \"%s\"%s%s", words[k].voice,
                words[k].text, *reason ? ": " : "", reason);
      status = -1;
    }
  }
  for (size_t i = 0; i < count; ++i) {
    remove_word_files(dir, first + i);
    dlg_cleanup_forget(slots[2 * i]);
    dlg_cleanup_forget(slots[2 * i + 1]);
  }
  return status;
}

int
ls_words_speak(LsWord *words, size_t count, char *err, size_t err_size)
{
  for (size_t k = 0; k < count; ++k) {
    words[k].x = NULL;
    words[k].n = 0;
    words[k].rate = 0;
  }
  const char *tmp = getenv("TMPDIR");
  const char *base = tmp && *tmp ? tmp : "/tmp";
  char dir[DIR_SIZE];
  if (snprintf(dir, sizeof(dir), "%s/gen_lipsync.XXXXXX", base) >= (int)sizeof(dir)) {
    set_error(err, err_size, "temporary folder name too long");
    return -1;
  }
  if (!mkdtemp(dir)) {
    set_error(err, err_size, "cannot make a temporary folder under %s: %s", base, strerror(errno));
    return -1;
  }
  const int dir_slot = dlg_cleanup_add(dir, 1);
  int status = 0;
  for (size_t first = 0; first < count && !status; first += BATCH) {
    const size_t n = count - first < BATCH ? count - first : BATCH;
    status = speak_batch(dir, words, first, n, err, err_size);
  }
  rmdir(dir);
  dlg_cleanup_forget(dir_slot);
  if (status) {
    ls_words_free(words, count);
  }
  return status;
}

void
ls_words_free(LsWord *words, size_t count)
{
  for (size_t k = 0; k < count; ++k) {
    free(words[k].x);
    words[k].x = NULL;
    words[k].n = 0;
  }
}

size_t
ls_word_clip(const LsWord *word, unsigned rate, double trim_db, float **clip)
{
  *clip = NULL;
  float *y = NULL;
  const size_t n = dlg_resample(word->x, word->n, word->rate, rate, &y);
  if (!n) {
    return 0;
  }
  const double active = dlg_active_rms(y, n, rate);
  if (!(active > 0.0)) {
    free(y);
    return 0;
  }
  const double thr = active * dlg_db_to_gain(trim_db);
  size_t first = 0, last = n - 1;
  while (first < n && fabs((double)y[first]) < thr) {
    ++first;
  }
  while (last > first && fabs((double)y[last]) < thr) {
    --last;
  }
  if (first == n) {
    free(y);
    return 0;
  }
  const size_t len = last - first + 1;
  float *out = (float *)malloc(len * sizeof(float));
  if (!out) {
    free(y);
    return 0;
  }
  const size_t fade = (size_t)(fade_s * rate) < len / 2 ? (size_t)(fade_s * rate) : len / 2;
  const double pi = 3.14159265358979323846;
  for (size_t i = 0; i < len; ++i) {
    double w = 1.0;
    if (i < fade) {
      w = 0.5 - 0.5 * cos(pi * (double)(i + 1) / (double)(fade + 1));
    } else if (len - 1 - i < fade) {
      w = 0.5 - 0.5 * cos(pi * (double)(len - i) / (double)(fade + 1));
    }
    out[i] = (float)((double)y[first + i] * w);
  }
  free(y);
  *clip = out;
  return len;
}
