/* check.h - the C test suites' tiny assertion: CHECK counts a pass or
 * prints "FAIL file:line: message" and counts a failure. */
#ifndef TAGAR_TESTS_CHECK_H
#define TAGAR_TESTS_CHECK_H

#include <stdio.h>

typedef struct {
	int passed, failed;
} tally;

#define CHECK(t, cond, ...) do { \
	if (cond) { (t)->passed++; } \
	else { (t)->failed++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); putchar('\n'); } \
} while (0)

#endif
