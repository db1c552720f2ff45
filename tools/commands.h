/* The subcommands of the postsync tool. */
#ifndef PS_TOOL_COMMANDS_H
#define PS_TOOL_COMMANDS_H

/* Each takes argv from the subcommand's name on and returns the exit code:
   0 success, 1 failure on some input, 2 usage error. */
int cmd_loudness(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_eqmatch(int argc, char **argv);
int cmd_roomtone(int argc, char **argv);
int cmd_align(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
