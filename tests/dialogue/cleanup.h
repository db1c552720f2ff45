/* Files and folders the generator must not leave behind when it stops
   early, by an error or by SIGINT, SIGTERM or SIGHUP. */
#ifndef DLG_CLEANUP_H
#define DLG_CLEANUP_H

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

#endif
