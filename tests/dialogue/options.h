/* The command lines of the test-material generators and checkers. */
#ifndef DLG_OPTIONS_H
#define DLG_OPTIONS_H

/* *value = the number `text`, when it is all a finite number in [lo, hi];
   else -1 and *value untouched. */
int dlg_parse_number(const char *text, double lo, double hi, double *value);

#endif
