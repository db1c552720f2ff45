/* align_check: word-onset errors of an alignment against gen_lipsync's
   truth.

   usage: align_check --map MAP.csv --words WORDS.csv [--max-mean MS]
                      [--max-worst MS] [--label NAME]

   MAP.csv ('guide_s,take_s' from postsync align) says where in the take
   each guide time is; a take word's onset is sent back to guide time
   through it (linear between rows) and compared with the same word's
   onset in the guide.  Words only in the take are skipped.  Prints
   'NAME N words, mean X ms, worst Y ms (word K)'; exit 1 past a limit, 2
   on bad input. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROWS 200000

static double g[MAX_ROWS], t[MAX_ROWS];

int
main(int argc, char **argv)
{
  const char *map = NULL, *words = NULL, *label = "align";
  double max_mean = -1.0, max_worst = -1.0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--map")) {
      map = argv[i + 1];
    } else if (!strcmp(argv[i], "--words")) {
      words = argv[i + 1];
    } else if (!strcmp(argv[i], "--max-mean")) {
      max_mean = atof(argv[i + 1]);
    } else if (!strcmp(argv[i], "--max-worst")) {
      max_worst = atof(argv[i + 1]);
    } else if (!strcmp(argv[i], "--label")) {
      label = argv[i + 1];
    } else {
      fprintf(stderr, "align_check: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  FILE *fm = map ? fopen(map, "r") : NULL;
  FILE *fw = words ? fopen(words, "r") : NULL;
  if (!fm || !fw) {
    fprintf(stderr, "usage: align_check --map MAP.csv --words WORDS.csv [--max-mean MS] "
                    "[--max-worst MS] [--label NAME]\n");
    return 2;
  }
  char line[4096];
  size_t n = 0;
  if (!fgets(line, sizeof(line), fm) || strncmp(line, "guide_s,take_s", 14)) {
    fprintf(stderr, "align_check: %s: no 'guide_s,take_s' header\n", map);
    return 2;
  }
  while (n < MAX_ROWS && fgets(line, sizeof(line), fm)) {
    if (sscanf(line, "%lf,%lf", &g[n], &t[n]) == 2) {
      ++n;
    }
  }
  fclose(fm);
  if (n < 2 || !fgets(line, sizeof(line), fw) || strncmp(line, "word,text,guide_onset", 21)) {
    fprintf(stderr, "align_check: bad input\n");
    return 2;
  }
  double sum = 0.0, worst = 0.0;
  int count = 0, worst_word = 0;
  while (fgets(line, sizeof(line), fw)) {
    int word = 0;
    char text[256];
    double go = 0.0, gf = 0.0, to = 0.0, tf = 0.0;
    /* word,text,guide_onset,guide_offset,take_onset,take_offset; guide
       fields empty for a word only in the take */
    if (sscanf(line, "%d,%255[^,],%lf,%lf,%lf,%lf", &word, text, &go, &gf, &to, &tf) != 6) {
      continue;
    }
    /* the guide time whose take time is `to` */
    double back = g[n - 1] + (to - t[n - 1]);
    if (to <= t[0]) {
      back = g[0] + (to - t[0]);
    } else {
      for (size_t i = 1; i < n; ++i) {
        if (t[i] >= to) {
          back = g[i - 1] + (to - t[i - 1]) / (t[i] - t[i - 1]) * (g[i] - g[i - 1]);
          break;
        }
      }
    }
    const double e = fabs(back - go) * 1000.0;
    sum += e;
    ++count;
    if (e > worst) {
      worst = e;
      worst_word = word;
    }
  }
  fclose(fw);
  if (!count) {
    fprintf(stderr, "align_check: no word in both\n");
    return 2;
  }
  const double mean = sum / count;
  printf("%s %d words, mean %.1f ms, worst %.1f ms (word %d)\n", label, count, mean, worst,
         worst_word);
  if ((max_mean >= 0.0 && mean > max_mean) || (max_worst >= 0.0 && worst > max_worst)) {
    fprintf(stderr, "align_check: %s: past the limits (mean %g, worst %g ms)\n", label,
            max_mean, max_worst);
    return 1;
  }
  return 0;
}
