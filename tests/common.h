/* common.h - shared by the cmocka unit tests. */
#ifndef IMAPERR_TEST_COMMON_H
#define IMAPERR_TEST_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

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

/* Compare a slice with a NUL-terminated string. */
#define assert_slice_equal(slice, str) do { \
        const imaperr_slice s_ = (slice); const char *e_ = (str); \
        assert_non_null(s_.ptr); \
        assert_int_equal(s_.len, strlen(e_)); \
        assert_memory_equal(s_.ptr, e_, s_.len); \
    } while (0)

#endif
