/* Files and folders the generator must not leave behind when it stops
   early, by an error or by SIGINT, SIGTERM or SIGHUP. */
#ifndef DLG_CLEANUP_H
#define DLG_CLEANUP_H

#include <stddef.h>
#include <stdio.h>

/* Installs the signal handlers. */
void dlg_cleanup_init(void);

/* Registers a file (or an empty folder, removed after the files) for
   removal; returns a slot, or -1 when the registry is full or the path too
   long. */
int dlg_cleanup_add(const char *path, int is_folder);

/* Forgets a slot (its file was renamed into place or already removed). */
void dlg_cleanup_forget(int slot);

/* Removes whatever is still registered. */
void dlg_cleanup_run(void);

/* An output written beside its final name and renamed into place only once
   every output is complete. */
typedef struct {
  const char *path;
  char temp[4200];
  int slot;
} DlgOutput;

/* Opens the temporary file of `path` (registered for removal, with the
   mode any new file gets); NULL after a message "PROGRAM: ..." on stderr. */
FILE *dlg_output_open(DlgOutput *out, const char *path, const char *program);
/* Closes it; -1 after a message when anything failed to be written. */
int dlg_output_close(FILE *file, const char *path, const char *program);
/* Renames outputs[0..n) into place, saying "wrote PATH" when verbose;
   -1 after a message at the first that fails. */
int dlg_outputs_commit(DlgOutput *outputs, size_t n, const char *program, int verbose);

#endif
