/* The command lines of the test-material generators and checkers. */
#ifndef DLG_OPTIONS_H
#define DLG_OPTIONS_H

/* *value = the number `text`, when it is all a finite number in [lo, hi];
   else -1 and *value untouched. */
int dlg_parse_number(const char *text, double lo, double hi, double *value);

/* "PROGRAM: " and the message on stderr, a line; returns status. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
int dlg_fail(const char *program, int status, const char *format, ...);

#endif
