/* A sequence lock: one writer (the audio thread) publishes a copy of its
   data without ever waiting; readers on other threads (a plugin's save())
   copy it and try again while it was being written.  The count is odd
   while the writer writes. */
#ifndef PS_SEQLOCK_H
#define PS_SEQLOCK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

typedef struct {
  atomic_uint count;
} PsSeqlock;

/* Writer: published = *data, between these two.  Real-time safe. */
static inline void
ps_seqlock_write_begin(PsSeqlock *lock)
{
  const unsigned c = atomic_load_explicit(&lock->count, memory_order_relaxed);
  atomic_store_explicit(&lock->count, c + 1, memory_order_relaxed);
  atomic_thread_fence(memory_order_release);
}

static inline void
ps_seqlock_write_end(PsSeqlock *lock)
{
  const unsigned c = atomic_load_explicit(&lock->count, memory_order_relaxed);
  atomic_store_explicit(&lock->count, c + 1, memory_order_release);
}

/* Reader: copies size bytes of `published` into `copy` once no write was
   under way during the copy, sleeping 1 ms between tries; false after a
   second of tries.  Not real-time safe. */
static inline bool
ps_seqlock_read(PsSeqlock *lock, void *copy, const void *published, size_t size)
{
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const unsigned before = atomic_load_explicit(&lock->count, memory_order_acquire);
    if (!(before & 1u)) {
      memcpy(copy, published, size);
      atomic_thread_fence(memory_order_acquire);
      if (atomic_load_explicit(&lock->count, memory_order_relaxed) == before) {
        return true;
      }
    }
    const struct timespec pause = {0, 1000000};
    nanosleep(&pause, NULL);
  }
  return false;
}

#endif
