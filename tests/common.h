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

/* Compare a slice with a NUL-terminated string. */
#define assert_slice_equal(slice, str) do { \
        const imaperr_slice s_ = (slice); const char *e_ = (str); \
        assert_non_null(s_.ptr); \
        assert_int_equal(s_.len, strlen(e_)); \
        assert_memory_equal(s_.ptr, e_, s_.len); \
    } while (0)

#endif
