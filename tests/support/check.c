#include "check.h"

int check_failures = 0;
int check_count = 0;

int
check_summary(const char *what)
{
  printf("%s: %d checks, %d failed\n", what, check_count, check_failures);
  return check_failures ? 1 : 0;
}
