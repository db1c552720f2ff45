/* labels_check: checks a speech labels file, independently of gen_dialogue.

   usage: labels_check FILE [--wav AUDIO] [--min-speech PCT] [--max-speech PCT]

   The file must hold a header line "# frames N speech M" before its first
   label, other lines starting with '#' only as comments, and then exactly N
   lines "0" or "1" of which M are "1".  With --wav, N must be the number of
   10 ms frames of AUDIO (frame k starts at sample floor(k R / 100), the last
   frame starts before the end).  The share of speech frames must lie in
   [min, max] percent (0 and 100 unless given). */
#include <sndfile.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
fail(const char *path, long line, const char *what)
{
  if (line > 0) {
    fprintf(stderr, "labels_check: %s:%ld: %s\n", path, line, what);
  } else {
    fprintf(stderr, "labels_check: %s: %s\n", path, what);
  }
  return 1;
}

static int
parse_percent(const char *text, double *value)
{
  char *end = NULL;
  *value = strtod(text, &end);
  return end != text && !*end && *value >= 0.0 && *value <= 100.0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
  const char *path = NULL, *wav = NULL;
  double min_pct = 0.0, max_pct = 100.0;
  for (int i = 1; i < argc; ++i) {
    if (i + 1 < argc && !strcmp(argv[i], "--wav")) {
      wav = argv[++i];
    } else if (i + 1 < argc && !strcmp(argv[i], "--min-speech")) {
      if (parse_percent(argv[++i], &min_pct)) {
        fputs("labels_check: --min-speech takes a percentage\n", stderr);
        return 2;
      }
    } else if (i + 1 < argc && !strcmp(argv[i], "--max-speech")) {
      if (parse_percent(argv[++i], &max_pct)) {
        fputs("labels_check: --max-speech takes a percentage\n", stderr);
        return 2;
      }
    } else if (!path && argv[i][0] != '-') {
      path = argv[i];
    } else {
      path = NULL;
      break;
    }
  }
  if (!path) {
    fputs("usage: labels_check FILE [--wav AUDIO] [--min-speech PCT] [--max-speech PCT]\n",
          stderr);
    return 2;
  }

  FILE *file = fopen(path, "r");
  if (!file) {
    fprintf(stderr, "labels_check: cannot open %s\n", path);
    return 2;
  }
  char line[512];
  long number = 0;
  int header = 0;
  unsigned long long want_frames = 0, want_speech = 0, frames = 0, speech = 0;
  int status = 0;
  while (!status && fgets(line, sizeof(line), file)) {
    ++number;
    const size_t len = strlen(line);
    if (!len || line[len - 1] != '\n') {
      status = fail(path, number, "line too long or not ended by a newline");
      break;
    }
    if (strchr(line, '\r')) {
      status = fail(path, number, "carriage return in a line (lines end in LF only)");
      break;
    }
    if (line[0] == '#') {
      unsigned long long f = 0, s = 0;
      char tail = 0;
      if (sscanf(line, "# frames %llu speech %llu%c", &f, &s, &tail) == 3 && tail == '\n') {
        if (header) {
          status = fail(path, number, "second '# frames N speech M' header");
        } else if (frames) {
          status = fail(path, number, "'# frames N speech M' header after the labels");
        }
        header = 1;
        want_frames = f;
        want_speech = s;
      }
      continue;
    }
    if (!header) {
      status = fail(path, number, "label before the '# frames N speech M' header");
    } else if (!strcmp(line, "0\n") || !strcmp(line, "1\n")) {
      ++frames;
      speech += line[0] == '1';
    } else {
      status = fail(path, number, "a label line is neither 0 nor 1");
    }
  }
  fclose(file);
  if (status) {
    return 1;
  }
  char what[200];
  if (!header) {
    return fail(path, 0, "no '# frames N speech M' header");
  }
  if (!frames) {
    return fail(path, 0, "no labels");
  }
  if (frames != want_frames || speech != want_speech) {
    snprintf(what, sizeof(what), "header says %llu frames, %llu speech; file holds %llu, %llu",
             want_frames, want_speech, frames, speech);
    return fail(path, 0, what);
  }
  if (wav) {
    SF_INFO info;
    memset(&info, 0, sizeof(info));
    SNDFILE *sf = sf_open(wav, SFM_READ, &info);
    if (!sf) {
      fprintf(stderr, "labels_check: cannot open %s: %s\n", wav, sf_strerror(NULL));
      return 2;
    }
    sf_close(sf);
    const uint64_t rate = (uint64_t)info.samplerate, samples = (uint64_t)info.frames;
    const uint64_t last_start = (frames - 1) * rate / 100, end = frames * rate / 100;
    if (last_start >= samples || end < samples) {
      snprintf(what, sizeof(what), "%llu frames do not cover the %" PRIu64 " samples at %" PRIu64
               " Hz of %s", frames, samples, rate, wav);
      return fail(path, 0, what);
    }
  }
  const double pct = 100.0 * (double)speech / (double)frames;
  if (pct < min_pct || pct > max_pct) {
    snprintf(what, sizeof(what), "speech in %.2f %% of frames, outside [%g, %g] %%", pct, min_pct,
             max_pct);
    return fail(path, 0, what);
  }
  printf("labels_check: %s: %llu frames, %llu speech (%.1f %%)\n", path, frames, speech, pct);
  return 0;
}
