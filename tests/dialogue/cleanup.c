/* Removal registry of the dialogue generator (see cleanup.h).  The signal
   handler only calls unlink() and rmdir() on paths stored beforehand in
   static memory: both are async-signal-safe. */
#include "cleanup.h"

#include <signal.h>
#include <string.h>
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
