/* postsync: the command-line side of the suite, on the same core as the
   plugins, for dialogue editors working in batch. */
#include "commands.h"

#include <stdio.h>
#include <string.h>

#ifndef PS_VERSION
#  define PS_VERSION "unknown"
#endif

static void
usage(FILE *f)
{
  fprintf(f, "usage: postsync COMMAND [OPTION]... [FILE]...\n\n"
             "Commands:\n"
             "  loudness   measure files (BS.1770-5 / EBU R128) against a delivery spec\n"
             "  eqmatch    give ADR takes the production mic's colour (EQ match)\n"
             "  roomtone   learn a production's room tone and generate it, alone or under ADR\n"
             "  align      time-warp a take onto a guide, word by word, pitch kept\n"
             "  report     a one-page PNG comparing audio files\n"
             "  demo       the post-sync chain through the plugins on the shipped scene\n\n"
             "postsync COMMAND --help tells more.  postsync --version prints the version.\n");
}

int
main(int argc, char **argv)
{
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
    usage(stdout);
    return 0;
  }
  if (!strcmp(cmd, "--version")) {
    printf("postsync %s\n", PS_VERSION);
    return 0;
  }
  if (!strcmp(cmd, "loudness")) {
    return cmd_loudness(argc - 1, argv + 1);
  }
  if (!strcmp(cmd, "eqmatch")) {
    return cmd_eqmatch(argc - 1, argv + 1);
  }
  if (!strcmp(cmd, "roomtone")) {
    return cmd_roomtone(argc - 1, argv + 1);
  }
  if (!strcmp(cmd, "align")) {
    return cmd_align(argc - 1, argv + 1);
  }
  if (!strcmp(cmd, "report")) {
    return cmd_report(argc - 1, argv + 1);
  }
  if (!strcmp(cmd, "demo")) {
    return cmd_demo(argc - 1, argv + 1);
  }
  fprintf(stderr, "postsync: unknown command '%s'\n", cmd);
  usage(stderr);
  return 2;
}
