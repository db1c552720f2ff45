/* Reading audio files for the tool: libsndfile with checks that give one
   clear message per failure, and the channel roles of the file. */
#ifndef PS_TOOL_AUDIOFILE_H
#define PS_TOOL_AUDIOFILE_H

#include "layout.h"

#include <sndfile.h>
#include <stdbool.h>
#include <stdio.h>

typedef struct {
  SNDFILE *sf;
  SF_INFO info;
  const char *path;
  PsChannelRole roles[PS_MAX_CHANNELS];
  char layout[32]; /* how the roles were found, for the report */
} AudioIn;

/* Opens `path` for reading.  `layout` < 0 takes the file's channel map when
   it has one, else the default of its channel count.  On failure returns
   non-zero with a one-line reason in err. */
int audio_open(AudioIn *in, const char *path, int layout, char *err, size_t err_size);
void audio_close(AudioIn *in);

/* audio_open for an engine that takes 22050..192000 Hz and 1..max_channels:
   on failure prints "postsync COMMAND: PATH: reason" and returns -1. */
int audio_open_for(AudioIn *in, const char *path, const char *command, int max_channels);

/* Buffers for reading a file in pieces of `frames`, one array per channel. */
typedef struct {
  float *interleaved;
  float *planar[PS_MAX_CHANNELS];
  size_t frames;
} AudioBuffers;

int audio_buffers_init(AudioBuffers *b, size_t frames);
void audio_buffers_free(AudioBuffers *b);
/* Reads up to n <= b->frames frames into b->planar; returns how many. */
sf_count_t audio_read_planar(AudioIn *in, AudioBuffers *b, sf_count_t n);
/* Writes n frames of `channels` planar arrays to sf through b->interleaved;
   returns 0, or -1 on a write error. */
int audio_write_planar(SNDFILE *sf, AudioBuffers *b, const float *const *planar, int channels,
                       sf_count_t n);

/* Whether two paths name the same existing file (an output must not
   replace an input). */
bool same_file(const char *a, const char *b);

/* An output file that appears only when complete: written to a temporary
   name beside it and renamed on commit, removed on abort. */
typedef struct {
  FILE *f;
  char *final_path;
  char *temp_path;
} OutFile;

int out_open(OutFile *out, const char *path, char *err, size_t err_size);
/* A whole file mixed to mono (non-finite samples as 0), allocated; NULL
   after "postsync COMMAND: PATH: reason" on stderr. */
float *audio_load_mono(const char *path, const char *command, size_t *n, double *rate);
/* x[0..n) as a 32-bit float mono WAV that appears only when complete; -1
   after a message. */
int audio_save_mono(const char *path, const char *command, const float *x, size_t n, double rate);
int out_commit(OutFile *out, char *err, size_t err_size);
void out_abort(OutFile *out);

#endif
