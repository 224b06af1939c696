/* args_fuzzer.c - every typed-argument decoder: imaperr_args_decode() with
 * field access, the set and list iterators and imaperr_string_decode().
 *
 * Input: one byte that picks the registry code (imaperr_code_at(), so every
 * code with arguments is reachable and no list of codes is written here),
 * then the argument bytes. They are decoded twice: as the code_args of a
 * response built by hand (any bytes, even those the parser would refuse)
 * and inside a parsed line "* OK [NAME args] text".
 *
 * Properties: fields lie inside the arguments; iterators end within a
 * number of steps bounded by the length; ranges are normalised (lo <= hi);
 * decoded strings keep the snprintf contract. */
#include <config.h>

#include "fuzz.h"
#include "imaperr.h"

static void
check_inside(imaperr_slice s, imaperr_slice outer)
{
    if (s.ptr == NULL) {
        FUZZ_CHECK(s.len == 0);
        return;
    }
    FUZZ_CHECK(s.ptr >= outer.ptr && s.ptr + s.len <= outer.ptr + outer.len);
    fuzz_use(s.ptr, s.len);
}

/* Decode a string at two buffer sizes. `strict`: the slice is a field or
 * list item that imaperr_args_decode() accepted, so the result must be
 * text (valid UTF-8, no NUL, CR or LF); arbitrary bytes only
 * need to be handled safely and consistently. */
static void
check_string(imaperr_slice raw, int strict)
{
    char big[256], small[5];
    int n = imaperr_string_decode(raw, big, sizeof big), m;
    if (n < 0) {
        FUZZ_CHECK(n == IMAPERR_E_SYNTAX);
        FUZZ_CHECK(imaperr_string_decode(raw, small, sizeof small) == n);
        return;
    }
    FUZZ_CHECK((size_t)n <= raw.len);
    m = imaperr_string_decode(raw, small, sizeof small);
    FUZZ_CHECK(m == n);
    FUZZ_CHECK(imaperr_string_decode(raw, NULL, 0) == n);
    /* NUL-terminated within the buffer, whatever the bytes */
    FUZZ_CHECK(memchr(big, '\0', sizeof big) != NULL);
    FUZZ_CHECK(memchr(small, '\0', sizeof small) != NULL);
    if (strict) {
        fuzz_check_snprintf(n, big, sizeof big);
        fuzz_check_snprintf(m, small, sizeof small);
        /* the grammar's CHAR excludes NUL and TEXT-CHAR CR and LF; other
         * controls (TAB, ESC) are legal in a quoted string: callers
         * sanitise decoded strings before showing them */
        if ((size_t)n < sizeof big)
            FUZZ_CHECK(memchr(big, '\r', (size_t)n) == NULL && memchr(big, '\n', (size_t)n) == NULL);
    }
}

static void
check_args(const imaperr_response *r)
{
    imaperr_args a = IMAPERR_ARGS_INIT;
    unsigned i;

    FUZZ_CHECK(imaperr_args_decode(r, &a) == IMAPERR_OK);
    FUZZ_CHECK(a.code == r->code);
    FUZZ_CHECK(a.nfields <= IMAPERR_ARGS_MAX_FIELDS);
    if (a.state == IMAPERR_ARGS_MALFORMED) {
        FUZZ_CHECK(a.error != NULL);
        FUZZ_CHECK(a.error_offset <= r->code_args.len);
    }
    for (i = 0; i < a.nfields; i++) {
        const imaperr_field *f = &a.field[i];
        const imaperr_field *byname;
        FUZZ_CHECK(f->name != NULL && f->syntax != NULL);
        byname = imaperr_args_field(&a, f->name);
        FUZZ_CHECK(byname != NULL);
        FUZZ_CHECK(strcmp(byname->name, f->name) == 0);
        if (!f->present || a.state != IMAPERR_ARGS_DECODED)
            continue;
        check_inside(f->raw, r->code_args);
        if (f->type == IMAPERR_FIELD_SET) {
            imaperr_set_iter it;
            imaperr_range rg;
            size_t steps = 0;
            int rc;
            FUZZ_CHECK(imaperr_set_iter_init(&it, f) == IMAPERR_OK);
            while ((rc = imaperr_set_next(&it, &rg)) == 1) {
                FUZZ_CHECK(rg.lo <= rg.hi);
                FUZZ_CHECK(++steps <= f->raw.len);
            }
            /* decode accepted it, so the iterator must too */
            FUZZ_CHECK(rc == 0);
        } else if (f->type == IMAPERR_FIELD_LIST) {
            imaperr_list_iter it;
            imaperr_slice item;
            size_t steps = 0;
            int rc;
            FUZZ_CHECK(imaperr_list_iter_init(&it, f) == IMAPERR_OK);
            while ((rc = imaperr_list_next(&it, &item)) == 1) {
                check_inside(item, f->raw);
                FUZZ_CHECK(item.len > 0);
                check_string(item, 1);
                FUZZ_CHECK(++steps <= f->raw.len);
            }
            FUZZ_CHECK(rc == 0);
        } else if (f->type == IMAPERR_FIELD_STRING) {
            check_string(f->raw, 1);
        } else {
            imaperr_set_iter sit;
            imaperr_list_iter lit;
            FUZZ_CHECK(imaperr_set_iter_init(&sit, f) == IMAPERR_E_INVALID);
            FUZZ_CHECK(imaperr_list_iter_init(&lit, f) == IMAPERR_E_INVALID);
        }
    }
    FUZZ_CHECK(imaperr_args_field(&a, "no such field") == NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    imaperr_response r = IMAPERR_RESPONSE_INIT;
    size_t ncodes = imaperr_code_count(), len;
    imaperr_code code;
    const char *name;
    char *args, *line;
    imaperr_slice raw;

    if (size == 0 || ncodes == 0)
        return 0;
    code = imaperr_code_at(data[0] % ncodes);
    name = imaperr_code_name(code);
    FUZZ_CHECK(name != NULL);
    len = size - 1;

    /* the arguments in a buffer of their exact size */
    args = malloc(len ? len : 1);
    if (args == NULL)
        return 0;
    if (len)
        memcpy(args, data + 1, len);
    raw.ptr = len ? args : NULL;
    raw.len = len;

    /* 1. as a response built by hand */
    r.kind = IMAPERR_KIND_STATUS;
    r.status = IMAPERR_STATUS_OK;
    r.code = code;
    r.code_name.ptr = name;
    r.code_name.len = strlen(name);
    r.code_args = raw;
    r.args_state = len ? IMAPERR_ARGS_RAW : IMAPERR_ARGS_NONE;
    check_args(&r);

    /* 2. the raw bytes as a string or a list item */
    check_string(raw, 0);

    /* 3. inside a parsed line */
    line = malloc(len + strlen(name) + 16);
    if (line != NULL) {
        size_t n = 0;
        imaperr_response p = IMAPERR_RESPONSE_INIT;
        memcpy(line, "* OK [", 6);
        n = 6;
        memcpy(line + n, name, strlen(name));
        n += strlen(name);
        line[n++] = ' ';
        if (len)
            memcpy(line + n, args, len);
        n += len;
        memcpy(line + n, "] x", 3);
        n += 3;
        if (imaperr_parse(line, n, &p) == IMAPERR_OK) {
            imaperr_slice whole = { line, n };
            check_inside(p.code_args, whole);
            check_args(&p);
        }
        free(line);
    }
    free(args);
    return 0;
}
