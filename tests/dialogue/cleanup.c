/* Removal registry of the dialogue generator (see cleanup.h).  The signal
   handler only calls unlink() and rmdir() on paths stored beforehand in
   static memory: both are async-signal-safe. */
#include "cleanup.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { SLOTS = 64, PATH_SIZE = 4096 };

static char paths[SLOTS][PATH_SIZE];
static volatile sig_atomic_t kinds[SLOTS]; /* 0 free, 1 file, 2 folder */

static void
remove_all(void)
{
  for (int pass = 1; pass <= 2; ++pass) {
    for (int i = 0; i < SLOTS; ++i) {
      if (kinds[i] == pass) {
        if (pass == 1) {
          unlink(paths[i]);
        } else {
          rmdir(paths[i]);
        }
        kinds[i] = 0;
      }
    }
  }
}

static void
on_signal(int sig)
{
  remove_all();
  signal(sig, SIG_DFL);
  raise(sig);
}

void
dlg_cleanup_init(void)
{
  const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
  for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); ++i) {
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(sigs[i], &action, NULL);
  }
}

int
dlg_cleanup_add(const char *path, int is_folder)
{
  if (strlen(path) >= PATH_SIZE) {
    return -1;
  }
  for (int i = 0; i < SLOTS; ++i) {
    if (!kinds[i]) {
      strcpy(paths[i], path);
      kinds[i] = is_folder ? 2 : 1;
      return i;
    }
  }
  return -1;
}

void
dlg_cleanup_forget(int slot)
{
  if (slot >= 0 && slot < SLOTS) {
    kinds[slot] = 0;
  }
}

void
dlg_cleanup_run(void)
{
  remove_all();
}

FILE *
dlg_output_open(DlgOutput *out, const char *path, const char *program)
{
  out->path = path;
  out->slot = -1;
  if (snprintf(out->temp, sizeof(out->temp), "%s.XXXXXX", path) >= (int)sizeof(out->temp)) {
    fprintf(stderr, "%s: %s: path too long\n", program, path);
    return NULL;
  }
  const int fd = mkstemp(out->temp);
  if (fd < 0) {
    fprintf(stderr, "%s: cannot write %s: %s\n", program, path, strerror(errno));
    return NULL;
  }
  out->slot = dlg_cleanup_add(out->temp, 0);
  const mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  FILE *file = fdopen(fd, "wb");
  if (!file) {
    close(fd);
    fprintf(stderr, "%s: cannot write %s: %s\n", program, path, strerror(errno));
  }
  return file;
}

int
dlg_output_close(FILE *file, const char *path, const char *program)
{
  if (ferror(file) | fclose(file)) {
    fprintf(stderr, "%s: cannot write %s\n", program, path);
    return -1;
  }
  return 0;
}

int
dlg_outputs_commit(DlgOutput *outputs, size_t n, const char *program, int verbose)
{
  for (size_t k = 0; k < n; ++k) {
    if (rename(outputs[k].temp, outputs[k].path)) {
      fprintf(stderr, "%s: cannot write %s: %s\n", program, outputs[k].path, strerror(errno));
      return -1;
    }
    dlg_cleanup_forget(outputs[k].slot);
    if (verbose) {
      fprintf(stderr, "%s: wrote %s\n", program, outputs[k].path);
    }
  }
  return 0;
}
