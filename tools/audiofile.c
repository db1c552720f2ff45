#include "audiofile.h"

#include "loudness.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Roles from a WAVE_FORMAT_EXTENSIBLE / CAF / FLAC channel map.  A layout
   with one surround pair (5.1 written as back or side) weighs it 1.41; with
   both pairs (7.1) the sides weigh 1.41 and the backs 1.0 (BS.1770-5). */
static int
roles_from_map(const int *map, int channels, PsChannelRole *roles)
{
  int sides = 0, rears = 0;
  for (int c = 0; c < channels; ++c) {
    switch (map[c]) {
    case SF_CHANNEL_MAP_SIDE_LEFT:
    case SF_CHANNEL_MAP_SIDE_RIGHT:
      ++sides;
      break;
    case SF_CHANNEL_MAP_REAR_LEFT:
    case SF_CHANNEL_MAP_REAR_RIGHT:
    case SF_CHANNEL_MAP_REAR_CENTER:
      ++rears;
      break;
    case SF_CHANNEL_MAP_INVALID:
      return -1;
    default:
      break;
    }
  }
  for (int c = 0; c < channels; ++c) {
    switch (map[c]) {
    case SF_CHANNEL_MAP_LFE:
      roles[c] = PS_ROLE_LFE;
      break;
    case SF_CHANNEL_MAP_SIDE_LEFT:
    case SF_CHANNEL_MAP_SIDE_RIGHT:
      roles[c] = PS_ROLE_SIDE;
      break;
    case SF_CHANNEL_MAP_REAR_LEFT:
    case SF_CHANNEL_MAP_REAR_RIGHT:
      roles[c] = sides ? PS_ROLE_REAR : PS_ROLE_SIDE;
      break;
    default:
      roles[c] = PS_ROLE_FRONT;
      break;
    }
  }
  (void)rears;
  return 0;
}

int
audio_open(AudioIn *in, const char *path, int layout, char *err, size_t err_size)
{
  memset(in, 0, sizeof(*in));
  in->path = path;
  in->sf = sf_open(path, SFM_READ, &in->info);
  if (!in->sf) {
    FILE *probe = fopen(path, "rb");
    if (!probe) {
      snprintf(err, err_size, "cannot open: %s", strerror(errno));
    } else {
      fclose(probe);
      snprintf(err, err_size, "not a readable audio file (%s)", sf_strerror(NULL));
    }
    return -1;
  }
  const int channels = in->info.channels;
  if (channels < 1 || channels > PS_MAX_CHANNELS) {
    snprintf(err, err_size, "%d channels: unsupported (1 to %d)", channels, PS_MAX_CHANNELS);
    audio_close(in);
    return -1;
  }
  if (in->info.samplerate < PS_LOUDNESS_MIN_RATE || in->info.samplerate > PS_LOUDNESS_MAX_RATE) {
    snprintf(err, err_size, "sample rate %d Hz out of range (%.0f to %.0f Hz)",
             in->info.samplerate, PS_LOUDNESS_MIN_RATE, PS_LOUDNESS_MAX_RATE);
    audio_close(in);
    return -1;
  }
  if (in->info.frames <= 0) {
    snprintf(err, err_size, "no audio in the file (0 frames)");
    audio_close(in);
    return -1;
  }
  if (layout >= 0) {
    if (ps_layout_roles((PsLayout)layout, (unsigned)channels, in->roles)) {
      snprintf(err, err_size, "layout %s does not fit %d channels",
               ps_layout_name((PsLayout)layout), channels);
      audio_close(in);
      return -1;
    }
    snprintf(in->layout, sizeof(in->layout), "%s", ps_layout_name((PsLayout)layout));
    return 0;
  }
  int map[PS_MAX_CHANNELS];
  if (channels > 2 &&
      sf_command(in->sf, SFC_GET_CHANNEL_MAP_INFO, map, (int)(channels * sizeof(int))) ==
        SF_TRUE &&
      !roles_from_map(map, channels, in->roles)) {
    snprintf(in->layout, sizeof(in->layout), "%d ch, from the file", channels);
    return 0;
  }
  const PsLayout def = ps_layout_default((unsigned)channels);
  ps_layout_roles(def, (unsigned)channels, in->roles);
  snprintf(in->layout, sizeof(in->layout), "%s", ps_layout_name(def));
  return 0;
}

int
audio_open_for(AudioIn *in, const char *path, const char *command, int max_channels)
{
  char err[256];
  if (audio_open(in, path, -1, err, sizeof(err))) {
    fprintf(stderr, "postsync %s: %s: %s\n", command, path, err);
    return -1;
  }
  if (in->info.samplerate < 22050 || in->info.samplerate > 192000 ||
      in->info.channels > max_channels) {
    fprintf(stderr, "postsync %s: %s: %d Hz, %d channels: it takes 22050 to 192000 Hz and "
                    "up to %d channel%s\n",
            command, path, in->info.samplerate, in->info.channels, max_channels,
            max_channels == 1 ? "" : "s");
    audio_close(in);
    return -1;
  }
  return 0;
}

void
audio_close(AudioIn *in)
{
  if (in->sf) {
    sf_close(in->sf);
    in->sf = NULL;
  }
}

bool
same_file(const char *a, const char *b)
{
  struct stat sa, sb;
  if (stat(a, &sa) || stat(b, &sb)) {
    return false;
  }
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int
audio_buffers_init(AudioBuffers *b, size_t frames)
{
  memset(b, 0, sizeof(*b));
  b->frames = frames;
  b->interleaved = (float *)calloc(frames * PS_MAX_CHANNELS, sizeof(float));
  int ok = b->interleaved != NULL;
  for (int c = 0; c < PS_MAX_CHANNELS; ++c) {
    b->planar[c] = (float *)calloc(frames, sizeof(float));
    ok = ok && b->planar[c];
  }
  if (!ok) {
    audio_buffers_free(b);
    return -1;
  }
  return 0;
}

void
audio_buffers_free(AudioBuffers *b)
{
  free(b->interleaved);
  for (int c = 0; c < PS_MAX_CHANNELS; ++c) {
    free(b->planar[c]);
  }
  memset(b, 0, sizeof(*b));
}

sf_count_t
audio_read_planar(AudioIn *in, AudioBuffers *b, sf_count_t n)
{
  const sf_count_t got = sf_readf_float(in->sf, b->interleaved, n);
  const int ch = in->info.channels;
  for (sf_count_t i = 0; i < got; ++i) {
    for (int c = 0; c < ch; ++c) {
      b->planar[c][i] = b->interleaved[i * ch + c];
    }
  }
  return got;
}

int
audio_write_planar(SNDFILE *sf, AudioBuffers *b, const float *const *planar, int channels,
                   sf_count_t n)
{
  for (sf_count_t i = 0; i < n; ++i) {
    for (int c = 0; c < channels; ++c) {
      b->interleaved[i * channels + c] = planar[c][i];
    }
  }
  return sf_writef_float(sf, b->interleaved, n) == n ? 0 : -1;
}

int
out_open(OutFile *out, const char *path, char *err, size_t err_size)
{
  memset(out, 0, sizeof(*out));
  const size_t len = strlen(path);
  out->final_path = (char *)malloc(len + 1);
  out->temp_path = (char *)malloc(len + 16);
  if (!out->final_path || !out->temp_path) {
    snprintf(err, err_size, "out of memory");
    out_abort(out);
    return -1;
  }
  memcpy(out->final_path, path, len + 1);
  snprintf(out->temp_path, len + 16, "%s.tmp-XXXXXX", path);
  const int fd = mkstemp(out->temp_path);
  if (fd >= 0) {
    /* mkstemp makes it 0600; the file gets what any new file would */
    const mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
  }
  if (fd < 0 || !(out->f = fdopen(fd, "w"))) {
    snprintf(err, err_size, "cannot write %s: %s", path, strerror(errno));
    if (fd >= 0) {
      close(fd);
      unlink(out->temp_path);
    }
    free(out->temp_path);
    out->temp_path = NULL;
    out_abort(out);
    return -1;
  }
  return 0;
}

int
out_commit(OutFile *out, char *err, size_t err_size)
{
  int st = 0;
  if (ferror(out->f) | fclose(out->f)) {
    snprintf(err, err_size, "cannot write %s: %s", out->final_path, strerror(errno));
    st = -1;
  }
  out->f = NULL;
  if (!st && rename(out->temp_path, out->final_path)) {
    snprintf(err, err_size, "cannot write %s: %s", out->final_path, strerror(errno));
    st = -1;
  }
  if (st) {
    unlink(out->temp_path);
  }
  free(out->temp_path);
  free(out->final_path);
  out->temp_path = out->final_path = NULL;
  return st;
}

void
out_abort(OutFile *out)
{
  if (out->f) {
    fclose(out->f);
    out->f = NULL;
  }
  if (out->temp_path) {
    unlink(out->temp_path);
  }
  free(out->temp_path);
  free(out->final_path);
  out->temp_path = out->final_path = NULL;
}

float *
audio_load_mono(const char *path, const char *command, size_t *n, double *rate)
{
  enum { READ_FRAMES = 4800 };
  char err[256];
  AudioIn in;
  if (audio_open(&in, path, -1, err, sizeof(err))) {
    fprintf(stderr, "postsync %s: %s: %s\n", command, path, err);
    return NULL;
  }
  const int ch = in.info.channels;
  float *mono = (float *)calloc((size_t)in.info.frames, sizeof(float));
  float *buf = ch > 1 ? (float *)malloc((size_t)READ_FRAMES * (size_t)ch * sizeof(float)) : NULL;
  sf_count_t done = 0, got = 0;
  if (ch == 1 && mono) {
    /* straight in, then anything not finite silenced */
    done = sf_readf_float(in.sf, mono, in.info.frames);
    for (sf_count_t i = 0; i < done; ++i) {
      mono[i] = isfinite(mono[i]) ? mono[i] : 0.0f;
    }
  }
  while (mono && buf && (got = sf_readf_float(in.sf, buf, READ_FRAMES)) > 0) {
    for (sf_count_t i = 0; i < got && done + i < in.info.frames; ++i) {
      float s = 0.0f;
      for (int c = 0; c < ch; ++c) {
        const float v = buf[i * ch + c];
        s += isfinite(v) ? v : 0.0f;
      }
      mono[done + i] = s / (float)ch;
    }
    done += got;
  }
  free(buf);
  if (!mono || done != in.info.frames) {
    fprintf(stderr, "postsync %s: %s: %s\n", command, path, mono ? "read error" : "out of memory");
    free(mono);
    audio_close(&in);
    return NULL;
  }
  *n = (size_t)in.info.frames;
  *rate = in.info.samplerate;
  audio_close(&in);
  return mono;
}

int
audio_save_mono(const char *path, const char *command, const float *x, size_t n, double rate)
{
  char err[256];
  OutFile out;
  if (out_open(&out, path, err, sizeof(err))) {
    fprintf(stderr, "postsync %s: %s\n", command, err);
    return -1;
  }
  SF_INFO info;
  memset(&info, 0, sizeof(info));
  info.samplerate = (int)lround(rate);
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
  SNDFILE *sf = sf_open_fd(fileno(out.f), SFM_WRITE, &info, SF_FALSE);
  const bool ok = sf && sf_writef_float(sf, x, (sf_count_t)n) == (sf_count_t)n;
  if (sf) {
    sf_close(sf);
  }
  if (!ok) {
    out_abort(&out);
    fprintf(stderr, "postsync %s: cannot write %s\n", command, path);
    return -1;
  }
  if (out_commit(&out, err, sizeof(err))) {
    fprintf(stderr, "postsync %s: %s\n", command, err);
    return -1;
  }
  return 0;
}
