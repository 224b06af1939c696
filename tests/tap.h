/* tap.h - TAP output for the C tests that print TAP themselves instead of
 * using cmocka (tests/test-threads.c, tests/test-threads-all.c). Include
 * it once, in the test's main file. */
#ifndef IMAPERR_TEST_TAP_H
#define IMAPERR_TEST_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int test_no; /* the number of the last check printed */
static int failed;  /* 1 once a check failed: main's exit status */

static void ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print "ok N - " or "not ok N - " and the description (printf format). */
static void
ok(int cond, const char *fmt, ...)
{
    va_list ap;
    printf("%sok %d - ", cond ? "" : "not ", ++test_no);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    if (!cond)
        failed = 1;
}

#endif
