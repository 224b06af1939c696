/* common.h - shared by the cmocka unit tests. */
#ifndef IMAPERR_TEST_COMMON_H
#define IMAPERR_TEST_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "imaperr.h"

/* Parse a NUL-terminated line; returns the imaperr_parse() result. */
static inline int
parse_str(const char *line, imaperr_response *r)
{
    imaperr_response init = IMAPERR_RESPONSE_INIT;
    *r = init;
    return imaperr_parse(line, strlen(line), r);
}

/* Parse `line` (must succeed) and classify it for `command`. */
static inline void
classify_line(const char *line, const char *command, imaperr_classification *c)
{
    imaperr_response r;
    imaperr_classification init = IMAPERR_CLASSIFICATION_INIT;
    int rc = parse_str(line, &r);
    if (rc != IMAPERR_OK)
        fail_msg("parse of \"%s\" failed: %s", line, imaperr_rc_name(rc));
    *c = init;
    rc = imaperr_classify(&r, command, 0, c);
    if (rc != IMAPERR_OK)
        fail_msg("classify of \"%s\" failed: %d", line, rc);
}

/* A malloc'd copy of `len` bytes with no terminator, so that reading past
 * `len` is a heap over-read (valgrind, ASan). */
static inline char *
exact_copy(const char *src, size_t len)
{
    char *p = malloc(len ? len : 1);
    assert_non_null(p);
    if (len)
        memcpy(p, src, len);
    return p;
}

/* Split `line` (modified in place) on single TABs, as the project's tables
 * are written. Returns the field count; at most `max` pointers are stored. */
static inline size_t
split_tabs(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        char *tab = strchr(p, '\t');
        if (n < max)
            fields[n] = p;
        n++;
        if (tab == NULL)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

/* Compare a slice with a NUL-terminated string. */
#define assert_slice_equal(slice, str) do { \
        const imaperr_slice s_ = (slice); const char *e_ = (str); \
        assert_non_null(s_.ptr); \
        assert_int_equal(s_.len, strlen(e_)); \
        assert_memory_equal(s_.ptr, e_, s_.len); \
    } while (0)

#endif
