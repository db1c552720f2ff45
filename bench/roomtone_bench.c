/* Room-tone benchmark: how close the generated room tone comes to the known
   truth of generated productions, beside what editors do today (loop a
   clean stretch of the production), and what the plugin costs.

   Accuracy.  For each case (from roomtone_bench.sh: gen_roomtone's
   production and its room tone alone, the truth; the room tone `postsync
   roomtone --reference PRODUCTION --length S` generated from it; and the
   anchor, the longest speech-free stretch of the production by
   gen_roomtone's labels looped to the same length with sox) both files
   are scored by roomtone_check against the truth, with its own figures:

     bands    the RMS and the largest |difference| of the one-third-octave
              band powers, 25 Hz-16 kHz, no offset removed (Welch, 8192
              points; 65536 with the tones, their lobes left out)
     tones    hvac kinds: the worst power (dB) and frequency (Hz) error of
              the sinusoids of the truth's CSV
     coh      stereo: the coherence of the channels, 100 Hz-8 kHz, less the
              coherence asked for
     |r|      the largest normalised autocorrelation of the first channel,
              whitened, at lags from 1 s to half the length: a loop gives
              about 1 at its length
   and, computed here, the level of the whole file against the truth's
   (mean power over all samples and channels, dB).

   Cost.  The plugin (urn:postsync:roomtone#mono and #stereo, found through
   LV2_PATH) hosted with lilv without a worker, so the profile is made
   inline in run() (at most once a second of learning, and when learning
   stops) and counts, at host blocks of 1, 64, 512 and 4096:
     learning    learn = 1, mode add, the production on the sidechain, the
                 ADR on the main input (after 10 s of untimed learning)
     tone only   learn = 0, mode tone only, from the profile learned
     difference  learn = 0, mode difference, the ADR on the main input
   Figures are the process's CPU time over the audio time: the share of one
   core at real time.  The longest single run() call is wall time (at
   block 1 from a separate 3 s pass, so that the clock reads do not weigh
   on the block-1 CPU figure).

   usage: roomtone_bench --check ROOMTONE_CHECK [CASE]...
                         [--cost-production P.wav --cost-adr A.wav]
                         [--cost-production-stereo P.wav --cost-adr-stereo A.wav]
                         [--cost-seconds S] [--no-cost]
     CASE: --case NAME --seed N --truth T.wav --test GEN.wav [--tones T.csv]
           [--coherence X] [--loop LOOP.wav --stretch-at S --stretch-seconds L]
           (each --case starts a new case)

   A benchmark, not a test: it exits 0 whether or not the goals are met. */

#include "bench_support.h"

#include <lilv/lilv.h>
#include <lv2/core/lv2.h>
#include <lv2/urid/urid.h>
#include <sndfile.h>

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PS_BENCH_BUILDTYPE
#define PS_BENCH_BUILDTYPE "unknown"
#endif
#ifndef PS_BENCH_OPTIMIZATION
#define PS_BENCH_OPTIMIZATION "?"
#endif
#ifndef PS_BENCH_COMPILER
#define PS_BENCH_COMPILER "unknown compiler"
#endif

#define MAX_CASES 64
#define MAX_CH 8
#define PLUGIN_CH 2
#define MAX_BLOCK 4096
#define MONO_URI "urn:postsync:roomtone#mono"
#define STEREO_URI "urn:postsync:roomtone#stereo"
#define LABEL "T" /* the checker's label: one token, easy to parse */

/* Goals */
#define GOAL_BAND_RMS 1.0
#define GOAL_WORST_BAND 3.0
#define GOAL_TONE_DB 1.5
#define GOAL_TONE_HZ 0.5
#define GOAL_COHERENCE 0.1
#define GOAL_REPEAT 0.05

/* Cost */
#define WARMUP_SECONDS 10.0
#define BLOCK1_TIMED_SECONDS 3.0
static const size_t cost_blocks[] = {1, 64, 512, 4096};
#define N_COST_BLOCKS (sizeof cost_blocks / sizeof cost_blocks[0])

static const char *
base_name(const char *path)
{
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* BenchAudio files ------------------------------------------------------------*/

/* The whole file, one buffer per channel. */
/* Mean power over every sample of every channel; < 0 on error. */
static double
file_power(const char *path, double *seconds)
{
  BenchAudio a;
  if (bench_audio_load(path, &a, "roomtone_bench")) {
    return -1.0;
  }
  double sum = 0.0;
  for (unsigned c = 0; c < a.channels; ++c) {
    for (size_t i = 0; i < a.frames; ++i) {
      sum += (double)a.ch[c][i] * (double)a.ch[c][i];
    }
  }
  const double p = sum / ((double)a.frames * a.channels);
  *seconds = (double)a.frames / a.rate;
  bench_audio_free(&a);
  return p;
}

/* The checker -------------------------------------------------------------*/

/* Runs argv (argv[0] a path), its stdout and stderr into *out (allocated,
   NUL-terminated).  Returns the exit status, or -1. */
static int
run_capture(char *const *argv, char **out)
{
  *out = NULL;
  int fd[2];
  if (pipe(fd)) {
    fprintf(stderr, "roomtone_bench: pipe: %s\n", strerror(errno));
    return -1;
  }
  fflush(stdout);
  fflush(stderr);
  const pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "roomtone_bench: fork: %s\n", strerror(errno));
    close(fd[0]);
    close(fd[1]);
    return -1;
  }
  if (pid == 0) {
    close(fd[0]);
    dup2(fd[1], 1);
    dup2(fd[1], 2);
    close(fd[1]);
    execv(argv[0], argv);
    _exit(127);
  }
  close(fd[1]);
  size_t len = 0, cap = 4096;
  char *buf = (char *)malloc(cap);
  for (;;) {
    if (buf && len + 1024 > cap) {
      char *more = (char *)realloc(buf, cap * 2);
      if (!more) {
        free(buf);
        buf = NULL;
      } else {
        buf = more;
        cap *= 2;
      }
    }
    char sink[1024];
    char *dst = buf ? buf + len : sink;
    const ssize_t got = read(fd[0], dst, 1023);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      break;
    }
    len += buf ? (size_t)got : 0;
  }
  close(fd[0]);
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) {
      free(buf);
      return -1;
    }
  }
  if (!buf) {
    return -1;
  }
  buf[len] = '\0';
  *out = buf;
  return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
}

typedef struct {
  bool ok;
  double rms, worst, worst_hz;
  double worst_signed; /* the worst band's difference, test - truth, dB */
  bool has_tones;
  double tone_db, tone_db_hz, tone_hz, tone_hz_hz;
  bool has_coh;
  double coh;
  bool has_rep;
  double rep, rep_lag;
  char rep_error[160]; /* why the checker gave no repeat figure */
  double level_db;     /* the file's level less the truth's */
} Check;

/* The line that starts with `prefix`, from `text` on, or NULL. */
static const char *
find_line(const char *text, const char *prefix)
{
  const size_t n = strlen(prefix);
  for (const char *line = text; line && *line;) {
    if (!strncmp(line, prefix, n)) {
      return line;
    }
    line = strchr(line, '\n');
    line = line ? line + 1 : NULL;
  }
  return NULL;
}

/* The signed difference of the band `hz` in the table the checker prints
   before its summary line `end`. */
static double
band_difference(const char *text, const char *end, double hz)
{
  for (const char *line = text; line && line < end;) {
    double nominal, truth_db, test_db, diff;
    if (sscanf(line, "%lf %lf %lf %lf", &nominal, &truth_db, &test_db, &diff) == 4 &&
        fabs(nominal - hz) < 0.01) {
      return diff;
    }
    line = strchr(line, '\n');
    line = line ? line + 1 : NULL;
  }
  return NAN;
}

/* roomtone_check's figures for `test` against `truth`, and the level.  The
   repeat figure may be missing (has_rep false, rep_error set) when the
   checker refused it while giving the others. */
static Check
check_file(const char *checker, const char *truth, const char *test, const char *tones,
           double coherence)
{
  Check r;
  memset(&r, 0, sizeof r);
  char coh_arg[32];
  snprintf(coh_arg, sizeof coh_arg, "%.3f", coherence);
  const char *argv[20];
  int n = 0;
  argv[n++] = checker;
  argv[n++] = "--truth";
  argv[n++] = truth;
  argv[n++] = "--test";
  argv[n++] = test;
  if (tones) {
    argv[n++] = "--tones";
    argv[n++] = tones;
  }
  if (coherence >= 0.0) {
    argv[n++] = "--coherence";
    argv[n++] = coh_arg;
  }
  argv[n++] = "--no-repeat-after";
  argv[n++] = "1";
  argv[n++] = "--label";
  argv[n++] = LABEL;
  argv[n] = NULL;
  /* execv wants char *const[]; the strings are not written to */
  char *args[20];
  for (int i = 0; i <= n; ++i) {
    args[i] = (char *)(uintptr_t)argv[i];
  }
  char *out = NULL;
  const int st = run_capture(args, &out);
  if (st < 0 || st > 2 || !out) {
    fprintf(stderr, "roomtone_bench: %s on %s: exit status %d\n%s", base_name(checker),
            base_name(test), st, out ? out : "");
    free(out);
    return r;
  }
  const char *l = find_line(out, LABEL " bands ");
  bool ok = l && sscanf(l, LABEL " bands rms %lf dB max %lf dB at %lf Hz", &r.rms, &r.worst,
                        &r.worst_hz) == 3;
  if (ok) {
    r.worst_signed = band_difference(out, l, r.worst_hz);
    ok = !isnan(r.worst_signed);
  }
  if (ok && tones) {
    l = find_line(out, LABEL " tones ");
    unsigned count = 0;
    r.has_tones = l && sscanf(l,
                              LABEL " tones %u power max %lf dB at %lf Hz frequency max %lf Hz "
                                    "at %lf Hz",
                              &count, &r.tone_db, &r.tone_db_hz, &r.tone_hz,
                              &r.tone_hz_hz) == 5;
    ok = r.has_tones;
  }
  if (ok && coherence >= 0.0) {
    l = find_line(out, LABEL " coherence ");
    r.has_coh = l && sscanf(l, LABEL " coherence %lf", &r.coh) == 1;
    ok = r.has_coh;
  }
  if (ok) {
    l = find_line(out, LABEL " repeats ");
    r.has_rep = l && sscanf(l, LABEL " repeats max |r| %lf at %lf s", &r.rep, &r.rep_lag) == 2;
    if (!r.has_rep) {
      /* the checker's own complaint: "roomtone_check: PATH: WHY" */
      const char *why = find_line(out, "roomtone_check: ");
      const char *colon = why ? strstr(why + strlen("roomtone_check: "), ": ") : NULL;
      const char *text = colon ? colon + 2 : "no repeat figure";
      const size_t len = strcspn(text, "\n");
      snprintf(r.rep_error, sizeof r.rep_error, "%.*s", (int)(len < 150 ? len : 150), text);
    }
  }
  if (!ok) {
    fprintf(stderr, "roomtone_bench: %s on %s (exit status %d): output not understood:\n%s",
            base_name(checker), base_name(test), st, out);
    free(out);
    return r;
  }
  free(out);
  double ts = 0.0, es = 0.0;
  const double pt = file_power(truth, &ts), pe = file_power(test, &es);
  if (!(pt > 0.0) || !(pe > 0.0)) {
    fprintf(stderr, "roomtone_bench: %s, %s: no level\n", base_name(truth), base_name(test));
    return r;
  }
  r.level_db = 10.0 * log10(pe / pt);
  r.ok = true;
  return r;
}

/* Accuracy ----------------------------------------------------------------*/

typedef struct {
  const char *name;
  int seed;
  const char *truth, *test, *loop, *tones;
  double coherence; /* < 0: mono */
  double stretch_at, stretch_seconds;
} CaseSpec;

typedef struct {
  unsigned n;
  double sum_rms, sum_level;
  double rms;
  const CaseSpec *rms_case;
  double worst, worst_signed, worst_hz;
  const CaseSpec *worst_case;
  unsigned n_tones;
  double tone_db, tone_db_hz, tone_hz, tone_hz_hz;
  const CaseSpec *tone_db_case, *tone_hz_case;
  unsigned n_coh;
  double coh;
  const CaseSpec *coh_case;
  unsigned n_rep, n_rep_missing;
  double rep, rep_lag;
  const CaseSpec *rep_case;
  double level;
  const CaseSpec *level_case;
} Summary;

static void
summarise(Summary *s, const CaseSpec *c, const Check *r)
{
  ++s->n;
  s->sum_rms += r->rms;
  s->sum_level += r->level_db;
  if (!s->rms_case || r->rms > s->rms) {
    s->rms = r->rms;
    s->rms_case = c;
  }
  if (!s->worst_case || r->worst > s->worst) {
    s->worst = r->worst;
    s->worst_signed = r->worst_signed;
    s->worst_hz = r->worst_hz;
    s->worst_case = c;
  }
  if (r->has_tones) {
    ++s->n_tones;
    if (!s->tone_db_case || r->tone_db > s->tone_db) {
      s->tone_db = r->tone_db;
      s->tone_db_hz = r->tone_db_hz;
      s->tone_db_case = c;
    }
    if (!s->tone_hz_case || r->tone_hz > s->tone_hz) {
      s->tone_hz = r->tone_hz;
      s->tone_hz_hz = r->tone_hz_hz;
      s->tone_hz_case = c;
    }
  }
  if (r->has_coh) {
    ++s->n_coh;
    const double e = fabs(r->coh - c->coherence);
    if (!s->coh_case || e > s->coh) {
      s->coh = e;
      s->coh_case = c;
    }
  }
  if (r->has_rep) {
    ++s->n_rep;
    if (!s->rep_case || r->rep > s->rep) {
      s->rep = r->rep;
      s->rep_lag = r->rep_lag;
      s->rep_case = c;
    }
  } else {
    ++s->n_rep_missing;
  }
  if (!s->level_case || fabs(r->level_db) > fabs(s->level)) {
    s->level = r->level_db;
    s->level_case = c;
  }
}

/* `text` right-aligned in `width` columns (the marks take 3 bytes, 1 column). */
static void
print_field(const char *text, int width)
{
  int columns = 0;
  for (const unsigned char *p = (const unsigned char *)text; *p; ++p) {
    columns += (*p & 0xC0) != 0x80;
  }
  printf("%*s%s", width > columns ? width - columns : 0, "", text);
}

static void
print_check_row(const CaseSpec *c, bool first, const char *what, const Check *r)
{
  char tdb[32] = "-", thz[16] = "-", coh[16] = "-", rep[32] = "n/a";
  if (r->has_tones) {
    snprintf(tdb, sizeof tdb, "%4.2f %s @ %5.1f", r->tone_db, bench_mark(r->tone_db <= GOAL_TONE_DB),
             r->tone_db_hz);
    snprintf(thz, sizeof thz, "%5.3f %s", r->tone_hz, bench_mark(r->tone_hz <= GOAL_TONE_HZ));
  }
  if (r->has_coh) {
    snprintf(coh, sizeof coh, "%5.3f %s", r->coh,
             bench_mark(fabs(r->coh - c->coherence) <= GOAL_COHERENCE));
  }
  if (r->has_rep) {
    snprintf(rep, sizeof rep, "%6.4f %s @ %6.3f", r->rep, bench_mark(r->rep <= GOAL_REPEAT),
             r->rep_lag);
  }
  char seed[16] = "";
  if (first) {
    snprintf(seed, sizeof seed, "%d", c->seed);
  }
  printf("  %-12s %4s  %-12s %4.2f %s  %+5.2f %s @ %5.0f  %+6.2f  ", first ? c->name : "", seed,
         what, r->rms, bench_mark(r->rms <= GOAL_BAND_RMS), r->worst_signed,
         bench_mark(r->worst <= GOAL_WORST_BAND), r->worst_hz, r->level_db);
  print_field(tdb, 16);
  printf("  ");
  print_field(thz, 7);
  printf("  ");
  print_field(coh, 7);
  printf("  %s\n", rep);
}

static void
case_tag(char *buf, size_t size, const CaseSpec *c, const char *extra)
{
  if (c) {
    snprintf(buf, size, "%s %d%s", c->name, c->seed, extra);
  } else {
    snprintf(buf, size, "-");
  }
}

/* One row of the summary: the figure of ours and of the loop, each with the
   run it comes from. */
static void
print_summary_row(const char *label, unsigned n0, double v0, const char *t0, unsigned n1,
                  double v1, const char *t1, double goal, const char *unit, int decimals)
{
  char a[32] = "n/a", b[32] = "n/a";
  if (n0) {
    snprintf(a, sizeof a, "%.*f", decimals, v0);
  }
  if (n1) {
    snprintf(b, sizeof b, "%.*f", decimals, v1);
  }
  printf("  %-24s %7s %s  %-22s %7s %s  %-22s <= %.*f%s%s\n", label, a,
         n0 ? bench_mark(v0 <= goal) : " ", n0 ? t0 : "", b, n1 ? bench_mark(v1 <= goal) : " ",
         n1 ? t1 : "", goal < 0.2 ? 2 : 1, goal, *unit ? " " : "", unit);
}

static void
run_accuracy(const char *checker, const CaseSpec *cases, size_t n_cases)
{
  printf("\n== Accuracy: the room tone against the truth, by roomtone_check ==\n");
  printf(
    "ours: postsync roomtone --reference PRODUCTION --length S (learned from the whole "
    "production, speech in\n"
    "      64-78 %% of it)\n"
    "loop: the anchor, what editors do today: the longest speech-free stretch of the "
    "production (by\n"
    "      gen_roomtone's labels, 10 ms frames) cut from the production and butt-joined "
    "with sox (repeat,\n"
    "      no crossfade) to the same length\n"
    "rms, worst: one-third-octave band error 25 Hz-16 kHz, dB, no offset removed (worst "
    "signed, test - truth);\n"
    "level: whole-file level less the truth's, dB; tone dB / Hz: worst power and frequency "
    "error of the hvac\n"
    "sinusoids; coh: stereo coherence measured (asked for %.1f, 100 Hz-8 kHz); |r|: largest "
    "whitened\nautocorrelation (first channel) at lags from 1 s to half the length, and its "
    "lag, s\n\n",
    0.5);
  printf("  %-12s %4s  %-12s %6s  %15s  %6s  %16s  %7s  %7s  %s\n", "case", "seed", "room tone",
         "rms", "worst @    Hz", "level", "tone dB @    Hz", "tone Hz", "coh", "|r| @ lag s");
  Summary ours, loop;
  memset(&ours, 0, sizeof ours);
  memset(&loop, 0, sizeof loop);
  unsigned failed = 0;
  double shortest = HUGE_VAL, longest = 0.0;
  char missing[1024] = "";
  size_t used = 0;
  for (size_t i = 0; i < n_cases; ++i) {
    const CaseSpec *c = &cases[i];
    const Check a = check_file(checker, c->truth, c->test, c->tones, c->coherence);
    if (a.ok) {
      print_check_row(c, true, "ours", &a);
      summarise(&ours, c, &a);
      if (!a.has_rep && used < sizeof missing) {
        used += (size_t)snprintf(missing + used, sizeof missing - used,
                                 "\n    %s seed %d, ours (%s): %s", c->name, c->seed,
                                 base_name(c->test), a.rep_error);
      }
    } else {
      printf("  %-12s %4d  %-12s (failed, see above)\n", c->name, c->seed, "ours");
      ++failed;
    }
    if (c->loop) {
      char what[32];
      snprintf(what, sizeof what, "loop %.2f s", c->stretch_seconds);
      const Check b = check_file(checker, c->truth, c->loop, c->tones, c->coherence);
      if (b.ok) {
        print_check_row(c, !a.ok, what, &b);
        summarise(&loop, c, &b);
        shortest = c->stretch_seconds < shortest ? c->stretch_seconds : shortest;
        longest = c->stretch_seconds > longest ? c->stretch_seconds : longest;
        if (!b.has_rep && used < sizeof missing) {
          used += (size_t)snprintf(missing + used, sizeof missing - used,
                                   "\n    %s seed %d, loop (%s): %s", c->name, c->seed,
                                   base_name(c->loop), b.rep_error);
        }
      } else {
        printf("  %-12s %4s  %-12s (failed, see above)\n", "", "", what);
        ++failed;
      }
    }
  }

  printf("\nsummary over %u case runs (kinds x seeds), the worst run named", ours.n);
  if (loop.n) {
    printf("; loops of %.2f-%.2f s", shortest, longest);
  }
  printf("\n  %-24s %-32s %-32s %s\n", "", "ours", "loop (anchor)", "goal");
  char t0[64], t1[64], x0[32], x1[32];
  case_tag(t0, sizeof t0, ours.rms_case, "");
  case_tag(t1, sizeof t1, loop.rms_case, "");
  print_summary_row("band rms, worst run", ours.n, ours.rms, t0, loop.n, loop.rms, t1,
                    GOAL_BAND_RMS, "dB", 2);
  printf("  %-24s %7.2f    %-22s %7.2f    %-22s\n", "band rms, mean",
         ours.n ? ours.sum_rms / ours.n : 0.0, "", loop.n ? loop.sum_rms / loop.n : 0.0, "");
  snprintf(x0, sizeof x0, " %+.2f@%g", ours.worst_signed, ours.worst_hz);
  snprintf(x1, sizeof x1, " %+.2f@%g", loop.worst_signed, loop.worst_hz);
  case_tag(t0, sizeof t0, ours.worst_case, x0);
  case_tag(t1, sizeof t1, loop.worst_case, x1);
  print_summary_row("worst band", ours.n, ours.worst, t0, loop.n, loop.worst, t1,
                    GOAL_WORST_BAND, "dB", 2);
  snprintf(x0, sizeof x0, " @%g Hz", ours.tone_db_hz);
  snprintf(x1, sizeof x1, " @%g Hz", loop.tone_db_hz);
  case_tag(t0, sizeof t0, ours.tone_db_case, x0);
  case_tag(t1, sizeof t1, loop.tone_db_case, x1);
  print_summary_row("tone power error", ours.n_tones, ours.tone_db, t0, loop.n_tones,
                    loop.tone_db, t1, GOAL_TONE_DB, "dB", 2);
  snprintf(x0, sizeof x0, " @%g Hz", ours.tone_hz_hz);
  snprintf(x1, sizeof x1, " @%g Hz", loop.tone_hz_hz);
  case_tag(t0, sizeof t0, ours.tone_hz_case, x0);
  case_tag(t1, sizeof t1, loop.tone_hz_case, x1);
  print_summary_row("tone frequency error", ours.n_tones, ours.tone_hz, t0, loop.n_tones,
                    loop.tone_hz, t1, GOAL_TONE_HZ, "Hz", 3);
  case_tag(t0, sizeof t0, ours.coh_case, "");
  case_tag(t1, sizeof t1, loop.coh_case, "");
  print_summary_row("coherence error", ours.n_coh, ours.coh, t0, loop.n_coh, loop.coh, t1,
                    GOAL_COHERENCE, "", 3);
  snprintf(x0, sizeof x0, " @%.2f s", ours.rep_lag);
  snprintf(x1, sizeof x1, " @%.2f s", loop.rep_lag);
  case_tag(t0, sizeof t0, ours.rep_case, x0);
  case_tag(t1, sizeof t1, loop.rep_case, x1);
  print_summary_row("repeat |r| from 1 s", ours.n_rep, ours.rep, t0, loop.n_rep, loop.rep, t1,
                    GOAL_REPEAT, "", 4);
  case_tag(t0, sizeof t0, ours.level_case, "");
  case_tag(t1, sizeof t1, loop.level_case, "");
  printf("  %-24s %+7.2f    %-22s %+7.2f    %-22s (no goal)\n", "level error, largest",
         ours.level, t0, loop.level, t1);
  printf("  %-24s %+7.2f    %-22s %+7.2f    %-22s (no goal)\n", "level error, mean",
         ours.n ? ours.sum_level / ours.n : 0.0, "", loop.n ? loop.sum_level / loop.n : 0.0,
         "");
  if (loop.rep_case) {
    printf("  (a loop correlates fully at every multiple of its length: %s seed %d's %.2f s "
           "loop peaks at %.2f s)\n",
           loop.rep_case->name, loop.rep_case->seed, loop.rep_case->stretch_seconds,
           loop.rep_lag);
  }
  if (ours.n_rep_missing || loop.n_rep_missing) {
    printf("  no repeat figure (the checker refused it, the other figures stand) for %u of "
           "ours and %u loops:%s\n",
           ours.n_rep_missing, loop.n_rep_missing, missing);
  }
  if (failed) {
    printf("  %u check(s) failed and are not counted\n", failed);
  }
}

/* Cost: the plugin through lilv -------------------------------------------*/

typedef struct {
  LilvInstance *inst;
  unsigned channels;
  float *controls; /* one float per port; audio ports use the buffers */
  uint32_t n_ports;
  uint32_t p_learn, p_mode, p_floor, p_learned, p_tones, p_control;
  uint32_t p_in[PLUGIN_CH], p_sc[PLUGIN_CH], p_out[PLUGIN_CH];
  float *out[PLUGIN_CH];
} Host;

static int
host_open(Host *h, LilvWorld *world, const char *uri, unsigned channels, double rate,
          const LV2_Feature *const *features)
{
  memset(h, 0, sizeof *h);
  h->channels = channels;
  LilvNode *node = lilv_new_uri(world, uri);
  const LilvPlugin *plugin = lilv_plugins_get_by_uri(lilv_world_get_all_plugins(world), node);
  lilv_node_free(node);
  if (!plugin) {
    fprintf(stderr, "roomtone_bench: %s not found (LV2_PATH=%s)\n", uri,
            getenv("LV2_PATH") ? getenv("LV2_PATH") : "unset");
    return -1;
  }
  h->n_ports = lilv_plugin_get_num_ports(plugin);
  h->controls = (float *)calloc(h->n_ports, sizeof(float));
  float *defs = (float *)calloc(h->n_ports, sizeof(float));
  for (unsigned c = 0; c < channels; ++c) {
    h->out[c] = (float *)calloc(MAX_BLOCK, sizeof(float));
  }
  if (!h->controls || !defs || !h->out[0] || (channels > 1 && !h->out[1])) {
    free(defs);
    return -1;
  }
  lilv_plugin_get_port_ranges_float(plugin, NULL, NULL, defs);
  for (uint32_t i = 0; i < h->n_ports; ++i) {
    h->controls[i] = isnan(defs[i]) ? 0.0f : defs[i];
  }
  free(defs);
  h->p_learn = bench_port_index(world, plugin, "learn");
  h->p_mode = bench_port_index(world, plugin, "mode");
  h->p_floor = bench_port_index(world, plugin, "floor_db");
  h->p_learned = bench_port_index(world, plugin, "learned_seconds");
  h->p_tones = bench_port_index(world, plugin, "tones");
  h->p_control = bench_port_index(world, plugin, "control");
  static const char *const sym_in[2][PLUGIN_CH] = {{"in", NULL}, {"in_l", "in_r"}};
  static const char *const sym_sc[2][PLUGIN_CH] = {{"sc", NULL}, {"sc_l", "sc_r"}};
  static const char *const sym_out[2][PLUGIN_CH] = {{"out", NULL}, {"out_l", "out_r"}};
  const unsigned v = channels > 1;
  for (unsigned c = 0; c < channels; ++c) {
    h->p_in[c] = bench_port_index(world, plugin, sym_in[v][c]);
    h->p_sc[c] = bench_port_index(world, plugin, sym_sc[v][c]);
    h->p_out[c] = bench_port_index(world, plugin, sym_out[v][c]);
    if (h->p_in[c] == UINT32_MAX || h->p_sc[c] == UINT32_MAX || h->p_out[c] == UINT32_MAX) {
      fprintf(stderr, "roomtone_bench: %s: audio ports not as expected\n", uri);
      return -1;
    }
  }
  if (h->p_learn == UINT32_MAX || h->p_mode == UINT32_MAX || h->p_floor == UINT32_MAX ||
      h->p_learned == UINT32_MAX || h->p_tones == UINT32_MAX) {
    fprintf(stderr, "roomtone_bench: %s: control ports not as expected\n", uri);
    return -1;
  }
  h->inst = lilv_plugin_instantiate(plugin, rate, features);
  if (!h->inst) {
    fprintf(stderr, "roomtone_bench: %s: cannot instantiate\n", uri);
    return -1;
  }
  /* Every port: controls to their floats, the optional atom port to
     nothing (no transport: the tone follows the samples run), audio to the
     buffers (the inputs set again at each run). */
  for (uint32_t i = 0; i < h->n_ports; ++i) {
    lilv_instance_connect_port(h->inst, i, i == h->p_control ? NULL : &h->controls[i]);
  }
  for (unsigned c = 0; c < channels; ++c) {
    lilv_instance_connect_port(h->inst, h->p_in[c], h->out[c]);
    lilv_instance_connect_port(h->inst, h->p_sc[c], h->out[c]);
    lilv_instance_connect_port(h->inst, h->p_out[c], h->out[c]);
  }
  lilv_instance_activate(h->inst);
  return 0;
}

static void
host_close(Host *h)
{
  if (h->inst) {
    lilv_instance_deactivate(h->inst);
    lilv_instance_free(h->inst);
  }
  free(h->controls);
  for (unsigned c = 0; c < PLUGIN_CH; ++c) {
    free(h->out[c]);
  }
  memset(h, 0, sizeof *h);
}

/* Runs `frames` frames of the material (looped) through the plugin in host
   blocks of `block`: the ADR on the main inputs, the production on the
   sidechain; a mono file feeds every channel.  With time_calls, the
   longest call in wall time. */
static BenchTiming
host_run(Host *h, const BenchAudio *prod, const BenchAudio *adr, size_t frames, size_t block, size_t *pos,
         bool time_calls)
{
  BenchTiming r = {0.0, 0.0, frames};
  const size_t len = prod->frames < adr->frames ? prod->frames : adr->frames;
  const double c0 = bench_clock_s(CLOCK_PROCESS_CPUTIME_ID);
  for (size_t done = 0; done < frames;) {
    size_t n = frames - done < block ? frames - done : block;
    n = len - *pos < n ? len - *pos : n;
    for (unsigned c = 0; c < h->channels; ++c) {
      lilv_instance_connect_port(h->inst, h->p_in[c], adr->ch[c < adr->channels ? c : 0] + *pos);
      lilv_instance_connect_port(h->inst, h->p_sc[c],
                                 prod->ch[c < prod->channels ? c : 0] + *pos);
    }
    if (time_calls) {
      const double a = bench_clock_s(CLOCK_MONOTONIC);
      lilv_instance_run(h->inst, (uint32_t)n);
      const double d = bench_clock_s(CLOCK_MONOTONIC) - a;
      r.worst = d > r.worst ? d : r.worst;
    } else {
      lilv_instance_run(h->inst, (uint32_t)n);
    }
    done += n;
    *pos = *pos + n == len ? 0 : *pos + n;
  }
  r.cpu = bench_clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
  return r;
}

/* One figure: the CPU share at `block`, and its longest call (at block 1
   from a further, shorter pass with the calls timed). */
static BenchTiming
host_figure(Host *h, const BenchAudio *prod, const BenchAudio *adr, size_t frames, size_t block,
            size_t *pos, double rate)
{
  BenchTiming t = host_run(h, prod, adr, frames, block, pos, block > 1);
  if (block == 1) {
    const BenchTiming w =
      host_run(h, prod, adr, (size_t)(BLOCK1_TIMED_SECONDS * rate), block, pos, true);
    t.worst = w.worst;
  }
  return t;
}

static void
print_cost_row(const char *label, const BenchTiming *t, double rate)
{
  printf("  %-32s", label);
  for (size_t b = 0; b < N_COST_BLOCKS; ++b) {
    if (t[b].frames) {
      printf("  %7.2f %%", bench_percent(&t[b], rate));
    } else {
      printf("  %9s", "n/a");
    }
  }
  printf("   ");
  for (size_t b = 0; b < N_COST_BLOCKS; ++b) {
    printf(" %7.3f", t[b].frames ? 1e3 * t[b].worst : 0.0);
  }
  printf("\n");
}

enum { ACT_LEARN, ACT_TONE, ACT_DIFFERENCE, N_ACTS };

typedef struct {
  const char *production, *adr;
} CostMaterial;

static int
run_cost(const CostMaterial *material, double seconds)
{
  BenchAudio prod[2], adr[2];
  bool have[2] = {false, false};
  double rate = 0.0;
  for (unsigned v = 0; v < 2; ++v) {
    if (!material[v].production || !material[v].adr) {
      continue;
    }
    if (bench_audio_load(material[v].production, &prod[v], "roomtone_bench")) {
      continue;
    }
    if (bench_audio_load(material[v].adr, &adr[v], "roomtone_bench")) {
      bench_audio_free(&prod[v]);
      continue;
    }
    if ((rate > 0.0 && rate != prod[v].rate) || prod[v].rate != adr[v].rate) {
      fprintf(stderr, "roomtone_bench: the cost material is not all at one rate\n");
      bench_audio_free(&prod[v]);
      bench_audio_free(&adr[v]);
      continue;
    }
    rate = prod[v].rate;
    have[v] = true;
  }
  if (!have[0] && !have[1]) {
    return -1;
  }
  const size_t frames = (size_t)(seconds * rate);
  printf("\n== Cost: %% of one core at %.0f Hz (process CPU time / audio time), %.0f s of "
         "audio per figure ==\n",
         rate, (double)frames / rate);
  printf("material, looped: the production on the sidechain, the ADR on the main input\n");
  for (unsigned v = 0; v < 2; ++v) {
    if (have[v]) {
      printf("  %-7s %s (%u ch), %s (%u ch), %.1f s\n", v ? "stereo" : "mono",
             base_name(material[v].production), prod[v].channels, base_name(material[v].adr),
             adr[v].channels, (double)prod[v].frames / rate);
    }
  }
  printf("no worker: the profile is made inline in run(), once a second of learning and when "
         "learning stops,\nand counts; learning figures follow %.0f s of untimed learning; "
         "the longest call is wall time\n(at block 1 from a further %.0f s pass with the calls "
         "timed)\n\n",
         WARMUP_SECONDS, BLOCK1_TIMED_SECONDS);

  BenchUriTable uris;
  memset(&uris, 0, sizeof uris);
  LV2_URID_Map map = {&uris, bench_map_uri};
  const LV2_Feature f_map = {LV2_URID__map, &map};
  const LV2_Feature *features[] = {&f_map, NULL};
  LilvWorld *world = lilv_world_new();
  lilv_world_load_all(world);

  BenchTiming t[2][N_ACTS][N_COST_BLOCKS]; /* [mono, stereo][activity][block] */
  memset(t, 0, sizeof t);
  float readings[2][3]; /* floor dB, learned s, tones */
  memset(readings, 0, sizeof readings);
  bool opened[2] = {false, false};
  int status = 0;
  for (unsigned v = 0; v < 2; ++v) {
    if (!have[v]) {
      continue;
    }
    Host h;
    if (host_open(&h, world, v ? STEREO_URI : MONO_URI, v + 1, rate, features)) {
      host_close(&h);
      status = -1;
      continue;
    }
    opened[v] = true;
    size_t pos = 0;
    h.controls[h.p_learn] = 1.0f;
    h.controls[h.p_mode] = 0.0f;
    host_run(&h, &prod[v], &adr[v], (size_t)(WARMUP_SECONDS * rate), 512, &pos, false);
    for (size_t b = 0; b < N_COST_BLOCKS; ++b) {
      t[v][ACT_LEARN][b] = host_figure(&h, &prod[v], &adr[v], frames, cost_blocks[b], &pos, rate);
    }
    /* Learning stops: the profile of all of it, then generate from it. */
    h.controls[h.p_learn] = 0.0f;
    h.controls[h.p_mode] = 3.0f;
    host_run(&h, &prod[v], &adr[v], (size_t)(0.1 * rate), 512, &pos, false);
    readings[v][0] = h.controls[h.p_floor];
    readings[v][1] = h.controls[h.p_learned];
    readings[v][2] = h.controls[h.p_tones];
    for (size_t b = 0; b < N_COST_BLOCKS; ++b) {
      t[v][ACT_TONE][b] = host_figure(&h, &prod[v], &adr[v], frames, cost_blocks[b], &pos, rate);
    }
    h.controls[h.p_mode] = 1.0f;
    for (size_t b = 0; b < N_COST_BLOCKS; ++b) {
      t[v][ACT_DIFFERENCE][b] =
        host_figure(&h, &prod[v], &adr[v], frames, cost_blocks[b], &pos, rate);
    }
    host_close(&h);
  }

  for (unsigned v = 0; v < 2; ++v) {
    if (opened[v]) {
      printf("%s learned: floor %.1f dBFS, %.0f s of production, %.0f tones (as the plugin "
             "reports)\n",
             v ? "stereo" : "mono", (double)readings[v][0], (double)readings[v][1],
             (double)readings[v][2]);
    }
  }
  printf("\n  %-32s", "host block");
  for (size_t b = 0; b < N_COST_BLOCKS; ++b) {
    printf("  %9zu", cost_blocks[b]);
  }
  printf("    longest call, ms, at");
  for (size_t b = 0; b < N_COST_BLOCKS; ++b) {
    printf(" %s%zu", b ? "/ " : "", cost_blocks[b]);
  }
  printf("\n");
  static const char *const act_names[N_ACTS] = {"learning (learn 1, add)",
                                                "tone only (learn 0)", "difference (learn 0)"};
  for (unsigned v = 0; v < 2; ++v) {
    if (!opened[v]) {
      continue;
    }
    for (unsigned a = 0; a < N_ACTS; ++a) {
      char label[64];
      snprintf(label, sizeof label, "%s, %s", v ? "stereo" : "mono", act_names[a]);
      print_cost_row(label, t[v][a], rate);
    }
  }
  printf("  (a block of 1 / 64 / 512 / 4096 lasts %.3f / %.2f / %.2f / %.2f ms)\n", 1e3 / rate,
         64e3 / rate, 512e3 / rate, 4096e3 / rate);
  /* Where a call outlasts its block: a host without a worker would drop
     out there unless it has slack. */
  bool any = false;
  for (unsigned v = 0; v < 2; ++v) {
    for (unsigned a = 0; a < N_ACTS && opened[v]; ++a) {
      for (size_t b = 0; b < N_COST_BLOCKS; ++b) {
        if (t[v][a][b].frames && t[v][a][b].worst > (double)cost_blocks[b] / rate) {
          if (!any) {
            printf("  calls that outlast their block (a host without slack would drop out):\n");
            any = true;
          }
          printf("    %s, %s, block %zu: %.3f ms, %.1f blocks' time\n", v ? "stereo" : "mono",
                 act_names[a], cost_blocks[b], 1e3 * t[v][a][b].worst,
                 t[v][a][b].worst * rate / (double)cost_blocks[b]);
        }
      }
    }
  }
  if (!any) {
    printf("  no call lasted longer than its block\n");
  }

  lilv_world_free(world);
  bench_uri_table_free(&uris);
  for (unsigned v = 0; v < 2; ++v) {
    if (have[v]) {
      bench_audio_free(&prod[v]);
      bench_audio_free(&adr[v]);
    }
  }
  return status;
}

/* Main --------------------------------------------------------------------*/

static int
usage(void)
{
  fprintf(stderr,
          "usage: roomtone_bench --check ROOMTONE_CHECK [CASE]...\n"
          "                      [--cost-production P.wav --cost-adr A.wav]\n"
          "                      [--cost-production-stereo P.wav --cost-adr-stereo A.wav]\n"
          "                      [--cost-seconds S] [--no-cost]\n"
          "  CASE: --case NAME --seed N --truth T.wav --test GEN.wav [--tones T.csv]\n"
          "        [--coherence X] [--loop LOOP.wav --stretch-at S --stretch-seconds L]\n"
          "        (each --case starts a new case)\n");
  return 2;
}

int
main(int argc, char **argv)
{
  static CaseSpec cases[MAX_CASES];
  size_t n_cases = 0;
  const char *checker = NULL;
  CostMaterial material[2] = {{NULL, NULL}, {NULL, NULL}};
  double cost_seconds = 20.0;
  bool cost = true;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    if (!strcmp(a, "--no-cost")) {
      cost = false;
      continue;
    }
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage();
      return 0;
    }
    if (i + 1 >= argc) {
      return usage();
    }
    const char *v = argv[++i];
    CaseSpec *c = n_cases ? &cases[n_cases - 1] : NULL;
    if (!strcmp(a, "--case")) {
      if (n_cases == MAX_CASES) {
        fprintf(stderr, "roomtone_bench: more than %d cases\n", MAX_CASES);
        return 2;
      }
      c = &cases[n_cases++];
      memset(c, 0, sizeof *c);
      c->name = v;
      c->coherence = -1.0;
    } else if (!strcmp(a, "--check")) {
      checker = v;
    } else if (!strcmp(a, "--cost-production")) {
      material[0].production = v;
    } else if (!strcmp(a, "--cost-adr")) {
      material[0].adr = v;
    } else if (!strcmp(a, "--cost-production-stereo")) {
      material[1].production = v;
    } else if (!strcmp(a, "--cost-adr-stereo")) {
      material[1].adr = v;
    } else if (!strcmp(a, "--cost-seconds")) {
      cost_seconds = atof(v);
    } else if (!c) {
      return usage();
    } else if (!strcmp(a, "--seed")) {
      c->seed = atoi(v);
    } else if (!strcmp(a, "--truth")) {
      c->truth = v;
    } else if (!strcmp(a, "--test")) {
      c->test = v;
    } else if (!strcmp(a, "--tones")) {
      c->tones = v;
    } else if (!strcmp(a, "--coherence")) {
      c->coherence = atof(v);
    } else if (!strcmp(a, "--loop")) {
      c->loop = v;
    } else if (!strcmp(a, "--stretch-at")) {
      c->stretch_at = atof(v);
    } else if (!strcmp(a, "--stretch-seconds")) {
      c->stretch_seconds = atof(v);
    } else {
      return usage();
    }
  }
  for (size_t i = 0; i < n_cases; ++i) {
    if (!cases[i].truth || !cases[i].test) {
      fprintf(stderr, "roomtone_bench: case %s needs --truth and --test\n", cases[i].name);
      return 2;
    }
  }
  if (n_cases && !checker) {
    fprintf(stderr, "roomtone_bench: the cases need --check ROOMTONE_CHECK\n");
    return 2;
  }
  const bool any_material = (material[0].production && material[0].adr) ||
                            (material[1].production && material[1].adr);
  if (cost && (!any_material || !(cost_seconds > 0.0))) {
    fprintf(stderr, "roomtone_bench: the cost needs a production and an ADR (mono or stereo), "
                    "and seconds > 0\n");
    return 2;
  }
#ifdef PS_BENCH_LV2_PATH
  setenv("LV2_PATH", PS_BENCH_LV2_PATH, 0);
#endif

  printf("Postsync room tone benchmark\n");
  printf("build: %s, -O%s, %s\n", PS_BENCH_BUILDTYPE, PS_BENCH_OPTIMIZATION, PS_BENCH_COMPILER);
  if (n_cases) {
    run_accuracy(checker, cases, n_cases);
  }
  if (cost) {
    run_cost(material, cost_seconds);
  }
  return 0;
}
