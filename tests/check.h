/* check.h - the test programs' tally (tests/unit.c, tests/compat/): CHECK
 * counts a condition and prints the ones that fail; each program ends with
 * "NAME: N passed, N failed", which tests/run adds up. */
#ifndef TAGAR_CHECK_H
#define TAGAR_CHECK_H

#include <stdio.h>

typedef struct {
	int passed, failed;
} tally;

#define CHECK(t, cond, ...) do { \
	if (cond) { (t)->passed++; } \
	else { (t)->failed++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); putchar('\n'); } \
} while (0)

#endif
