/* test-args.c - unit tests for the typed arguments of response codes:
 * imaperr_args_decode(), imaperr_args_field(), the set and list iterators
 * and imaperr_string_decode().
 *
 * Where the expectations come from:
 *   - lib/registry.tsv and lib/vocabulary.tsv, read at run time by this
 *     test's own small parser (never the generated C tables): every code
 *     whose ARGS type has a FIELDS recipe decodes its EXAMPLE into exactly
 *     the fields the recipe names, in order;
 *   - an independent list, the codes issue 3 names, so that a code that
 *     silently lost its recipe fails;
 *   - the RFC examples of each code, with the decoded values written out by
 *     hand; the grammar (RFC 3501/9051 section 9, RFC 2221, 4315, 4467,
 *     4469, 5257, 5259, 5267, 5464, 5465, 5466, 6858, 7162, 8474, 9585,
 *     9738) for the malformed variants; include/imaperr.h for the API.
 *
 * Memory: every line and every argument string handed to the library is
 * copied into a malloc'd buffer of exactly its length, with no terminator,
 * so that reading one byte past it is a heap over-read that valgrind and
 * ASan report. Some tests build the imaperr_response by hand, with
 * code_args pointing at such a buffer: the parser always leaves "]" after
 * the arguments, so only a hand-built response shows whether the decoder
 * stays within code_args itself.
 *
 * Malformed arguments: the code stays known by name and the decoder says
 * IMAPERR_ARGS_MALFORMED with a reason and an offset. The offset counts as
 * sensible when it lies within (or at either end of) the offending bytes,
 * which each case names; for "something is missing" it is the end.
 * Malformed cases report every mismatch on stderr (TAP comments) before
 * failing, so that one run shows all of them.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

#ifndef TOP_SRCDIR
#error "TOP_SRCDIR must be defined by the build"
#endif

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------------ */
/* Buffers and decoding helpers                                               */
/* ------------------------------------------------------------------------ */

/* a + b[0..blen) + c, malloc'd with exactly its length (in *len). */
static char *
join3(const char *a, const char *b, size_t blen, const char *c, size_t *len)
{
    size_t la = strlen(a), lc = strlen(c), n = la + blen + lc;
    char *p = malloc(n ? n : 1);
    assert_non_null(p);
    memcpy(p, a, la);
    if (blen)
        memcpy(p + la, b, blen);
    memcpy(p + la + blen, c, lc);
    *len = n;
    return p;
}

/* A parsed (or hand-built) response and its decoded arguments; `buf` holds
 * the bytes the slices point into. */
struct dec {
    char *buf;
    size_t len;
    imaperr_response r;
    imaperr_args a;
};

static void
dec_free(struct dec *d)
{
    free(d->buf);
    d->buf = NULL;
}

/* Parse `n` bytes of `line` from an exact copy (the parse must succeed) and
 * decode the code's arguments (the call must return IMAPERR_OK). */
static void
dec_line_n(struct dec *d, const char *line, size_t n)
{
    imaperr_response r0 = IMAPERR_RESPONSE_INIT;
    imaperr_args a0 = IMAPERR_ARGS_INIT;
    int rc;

    d->len = n;
    d->buf = exact_copy(line, n);
    d->r = r0;
    d->a = a0;
    rc = imaperr_parse(d->buf, d->len, &d->r);
    if (rc != IMAPERR_OK)
        fail_msg("parse of \"%.*s\" failed: %s", (int)n, line, imaperr_rc_name(rc));
    rc = imaperr_args_decode(&d->r, &d->a);
    if (rc != IMAPERR_OK)
        fail_msg("imaperr_args_decode on \"%.*s\" returned %d", (int)n, line, rc);
}

static void
dec_line(struct dec *d, const char *line)
{
    dec_line_n(d, line, strlen(line));
}

/* A response built by hand: status NO, `code`, code_args = an exact copy of
 * the n bytes at args (nothing follows them in memory). Decoded. */
static void
dec_args_n(struct dec *d, imaperr_code code, const char *args, size_t n)
{
    imaperr_response r0 = IMAPERR_RESPONSE_INIT;
    imaperr_args a0 = IMAPERR_ARGS_INIT;
    const char *name = imaperr_code_name(code);
    int rc;

    assert_non_null(name);
    d->len = n;
    d->buf = exact_copy(args, n);
    d->r = r0;
    d->a = a0;
    d->r.kind = IMAPERR_KIND_STATUS;
    d->r.status = IMAPERR_STATUS_NO;
    d->r.tag.ptr = "a";
    d->r.tag.len = 1;
    d->r.code = code;
    d->r.code_name.ptr = name;
    d->r.code_name.len = strlen(name);
    d->r.code_args.ptr = d->buf;
    d->r.code_args.len = n;
    d->r.args_state = n ? IMAPERR_ARGS_RAW : IMAPERR_ARGS_NONE;
    rc = imaperr_args_decode(&d->r, &d->a);
    if (rc != IMAPERR_OK)
        fail_msg("imaperr_args_decode on hand-built %s \"%.*s\" returned %d", name, (int)n, args,
                 rc);
}

static void
dec_args(struct dec *d, imaperr_code code, const char *args)
{
    dec_args_n(d, code, args, strlen(args));
}

/* The field called `name`, which must exist. */
static const imaperr_field *
field_named(const imaperr_args *a, const char *name)
{
    const imaperr_field *f = imaperr_args_field(a, name);
    if (f == NULL)
        fail_msg("no field \"%s\"", name);
    return f;
}

/* A slice lies within the code's arguments. */
static int
within_args(const struct dec *d, imaperr_slice s)
{
    uintptr_t lo = (uintptr_t)d->r.code_args.ptr, hi = lo + d->r.code_args.len;
    uintptr_t p = (uintptr_t)s.ptr;
    if (s.ptr == NULL)
        return s.len == 0;
    return p >= lo && p <= hi && s.len <= hi - p;
}

static const char *
state_name(imaperr_args_state st)
{
    switch (st) {
    case IMAPERR_ARGS_NONE: return "NONE";
    case IMAPERR_ARGS_RAW: return "RAW";
    case IMAPERR_ARGS_DECODED: return "DECODED";
    case IMAPERR_ARGS_MALFORMED: return "MALFORMED";
    default: return "?";
    }
}

/* Printable rendering of possibly binary bytes, for diagnostics. */
static const char *
show(const char *s, size_t n, char *out, size_t cap)
{
    size_t i, o = 0;
    for (i = 0; i < n && o + 5 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f) {
            out[o++] = (char)c;
        } else {
            static const char hex[] = "0123456789abcdef";
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    if (i < n && o + 3 < cap) {
        out[o++] = '.';
        out[o++] = '.';
        out[o++] = '.';
    }
    out[o] = '\0';
    return out;
}

/* ---- assertions on decoded arguments ------------------------------------ */

/* The state is DECODED with `nfields` fields and no error. */
#define assert_decoded(d, code_, nfields_) do { \
        assert_int_equal((d).r.code, (code_)); \
        assert_int_equal((d).a.size, sizeof(imaperr_args)); \
        assert_int_equal((d).a.code, (code_)); \
        assert_string_equal(state_name((d).a.state), "DECODED"); \
        assert_null((d).a.error); \
        assert_int_equal((d).a.nfields, (nfields_)); \
    } while (0)

/* A present field of the given type and grammar whose bytes are `raw`,
 * a slice of the code's arguments. */
#define assert_field(d, name_, type_, syntax_, raw_) do { \
        const imaperr_field *af_ = field_named(&(d).a, (name_)); \
        assert_string_equal(af_->name, (name_)); \
        assert_int_equal(af_->type, (type_)); \
        assert_string_equal(af_->syntax, (syntax_)); \
        assert_int_equal(af_->present, 1); \
        assert_slice_equal(af_->raw, (raw_)); \
        assert_true(within_args(&(d), af_->raw)); \
    } while (0)

/* An optional field that is absent. */
#define assert_absent(d, name_, type_, syntax_) do { \
        const imaperr_field *ab_ = field_named(&(d).a, (name_)); \
        assert_int_equal(ab_->type, (type_)); \
        assert_string_equal(ab_->syntax, (syntax_)); \
        assert_int_equal(ab_->present, 0); \
        assert_int_equal(ab_->nil, 0); \
    } while (0)

/* A present NUMBER field. */
#define assert_number(d, name_, syntax_, value_) do { \
        const imaperr_field *nf_ = field_named(&(d).a, (name_)); \
        assert_int_equal(nf_->type, IMAPERR_FIELD_NUMBER); \
        assert_string_equal(nf_->syntax, (syntax_)); \
        assert_int_equal(nf_->present, 1); \
        assert_int_equal(nf_->nil, 0); \
        assert_int_equal(nf_->number, (uint64_t)(value_)); \
    } while (0)

/* A present field given as NIL. */
#define assert_nil(d, name_, type_, syntax_) do { \
        const imaperr_field *nl_ = field_named(&(d).a, (name_)); \
        assert_int_equal(nl_->type, (type_)); \
        assert_string_equal(nl_->syntax, (syntax_)); \
        assert_int_equal(nl_->present, 1); \
        assert_int_equal(nl_->nil, 1); \
        assert_slice_equal(nl_->raw, "NIL"); \
    } while (0)

/* Range initialisers: a..b, n..*, and * alone. */
#define RANGE(lo_, hi_) { (lo_), (hi_), 0, 0 }
#define RANGE_TO_STAR(lo_) { (lo_), UINT32_MAX, 0, 1 }
#define RANGE_STAR { UINT32_MAX, UINT32_MAX, 1, 1 }

static void
print_range(const char *what, size_t k, const imaperr_range *r)
{
    print_error("#   %s range %zu: %s%" PRIu32 "..%s%" PRIu32 "\n", what, k,
                r->lo_star ? "*" : "", r->lo, r->hi_star ? "*" : "", r->hi);
}

/* Iterate SET field `name`: exactly the ranges want[0..n), in order. */
static void
check_set(const struct dec *d, const char *name, const imaperr_range *want, size_t n)
{
    imaperr_set_iter it;
    imaperr_range got;
    size_t k = 0;
    int rc;

    assert_int_equal(imaperr_set_iter_init(&it, field_named(&d->a, name)), IMAPERR_OK);
    while ((rc = imaperr_set_next(&it, &got)) == 1) {
        if (k >= n)
            fail_msg("set \"%s\": more than %zu ranges", name, n);
        if (got.lo != want[k].lo || got.hi != want[k].hi || got.lo_star != want[k].lo_star ||
            got.hi_star != want[k].hi_star) {
            print_range("got", k, &got);
            print_range("expected", k, &want[k]);
            fail_msg("set \"%s\": range %zu differs", name, k);
        }
        k++;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(k, n);
    /* the end stays the end */
    assert_int_equal(imaperr_set_next(&it, &got), 0);
}
#define assert_set(d, name_, want_) check_set(&(d), (name_), (want_), N_ELEMS(want_))

/* Iterate LIST field `name`: exactly the item slices want[0..n). */
static void
check_list(const struct dec *d, const char *name, const char *const *want, size_t n)
{
    imaperr_list_iter it;
    imaperr_slice item;
    size_t k = 0;
    int rc;

    assert_int_equal(imaperr_list_iter_init(&it, field_named(&d->a, name)), IMAPERR_OK);
    while ((rc = imaperr_list_next(&it, &item)) == 1) {
        if (k >= n)
            fail_msg("list \"%s\": more than %zu items", name, n);
        if (item.len != strlen(want[k]) || memcmp(item.ptr, want[k], item.len) != 0)
            fail_msg("list \"%s\": item %zu is \"%.*s\", expected \"%s\"", name, k, (int)item.len,
                     item.ptr, want[k]);
        assert_true(within_args(d, item));
        k++;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(k, n);
    assert_int_equal(imaperr_list_next(&it, &item), 0);
}
#define assert_list(d, name_, want_) check_list(&(d), (name_), (want_), N_ELEMS(want_))

/* imaperr_string_decode() of `raw` gives exactly `want`. */
static void
check_string(imaperr_slice raw, const char *want)
{
    char buf[512];
    int n = imaperr_string_decode(raw, buf, sizeof buf);
    if (n < 0)
        fail_msg("imaperr_string_decode(\"%.*s\") failed: %d", (int)raw.len, raw.ptr, n);
    assert_int_equal(n, strlen(want));
    assert_string_equal(buf, want);
}
#define assert_string_field(d, name_, want_) \
    check_string(field_named(&(d).a, (name_))->raw, (want_))

/* ---- malformed cases ---------------------------------------------------- */

struct bad {
    const char *args; /* the bracket's arguments, after the code name and a space */
    const char *at;   /* the offending bytes (first occurrence in args); NULL: the end */
    int text;         /* 1: an unclosed quote or parenthesis, so the parser makes the
                       * whole bracket text (RFC 3501: an invalid code is text) */
};

/* Whether off is sensible for the case; the accepted range in *lo..*hi. */
static int
offset_sensible(const char *args, size_t n, const char *at, size_t off, size_t *lo, size_t *hi)
{
    if (at == NULL) {
        *lo = *hi = n;
    } else {
        const char *p = strstr(args, at);
        assert_non_null(p);
        *lo = (size_t)(p - args);
        *hi = *lo + strlen(at);
    }
    return off >= *lo && off <= *hi;
}

/* Check one malformed case two ways: the decoder on exactly the argument
 * bytes, and a whole line through the parser. Returns the problems found
 * (each printed). */
static int
bad_case(imaperr_code code, const struct bad *b)
{
    const char *name = imaperr_code_name(code);
    size_t n = strlen(b->args), lo, hi, len;
    char shown[160], *line, *prefix;
    imaperr_response r = IMAPERR_RESPONSE_INIT;
    imaperr_args a = IMAPERR_ARGS_INIT;
    struct dec d;
    int problems = 0, rc;

    show(b->args, n, shown, sizeof shown);

    /* 1. The decoder on the arguments alone. */
    dec_args(&d, code, b->args);
    if (d.a.state != IMAPERR_ARGS_MALFORMED || d.a.error == NULL || d.a.code != code ||
        !offset_sensible(b->args, n, b->at, d.a.error_offset, &lo, &hi)) {
        offset_sensible(b->args, n, b->at, d.a.error_offset, &lo, &hi);
        print_error("# [%s %s] (decoder): state %s, error \"%s\", offset %zu; expected MALFORMED, "
                    "an error, offset %zu..%zu\n", name, shown, state_name(d.a.state),
                    d.a.error ? d.a.error : "(null)", d.a.error_offset, lo, hi);
        problems++;
    }
    if (d.a.nfields > IMAPERR_ARGS_MAX_FIELDS) {
        print_error("# [%s %s]: nfields %u\n", name, shown, d.a.nfields);
        problems++;
    }
    dec_free(&d);

    /* 2. In a line, through the parser. */
    prefix = malloc(strlen(name) + 8);
    assert_non_null(prefix);
    snprintf(prefix, strlen(name) + 8, "a NO [%s ", name);
    line = join3(prefix, b->args, n, "] Failed", &len);
    free(prefix);
    rc = imaperr_parse(line, len, &r);
    if (rc != IMAPERR_OK) {
        print_error("# [%s %s] (line): parse failed: %s\n", name, shown, imaperr_rc_name(rc));
        free(line);
        return problems + 1;
    }
    if (imaperr_args_decode(&r, &a) != IMAPERR_OK) {
        print_error("# [%s %s] (line): imaperr_args_decode failed\n", name, shown);
        free(line);
        return problems + 1;
    }
    if (b->text) {
        if (r.code != IMAPERR_CODE_NONE || !(r.repairs & IMAPERR_REPAIR_CODE_AS_TEXT) ||
            a.state != IMAPERR_ARGS_NONE || a.nfields != 0) {
            print_error("# [%s %s] (line): code %s, args %s; expected the bracket as text\n", name,
                        shown, imaperr_code_name(r.code), state_name(a.state));
            problems++;
        }
    } else if (r.code != code || r.code_args.len != n || memcmp(r.code_args.ptr, b->args, n) != 0 ||
               r.args_state == IMAPERR_ARGS_DECODED || r.args_state == IMAPERR_ARGS_NONE) {
        print_error("# [%s %s] (line): code %s, args_state %s; expected the code with its raw "
                    "arguments\n", name, shown, imaperr_code_name(r.code),
                    state_name(r.args_state));
        problems++;
    } else if (a.state != IMAPERR_ARGS_MALFORMED || a.error == NULL ||
               !offset_sensible(b->args, n, b->at, a.error_offset, &lo, &hi)) {
        offset_sensible(b->args, n, b->at, a.error_offset, &lo, &hi);
        print_error("# [%s %s] (line): state %s, error \"%s\", offset %zu; expected MALFORMED, an "
                    "error, offset %zu..%zu\n", name, shown, state_name(a.state),
                    a.error ? a.error : "(null)", a.error_offset, lo, hi);
        problems++;
    }
    free(line);
    return problems;
}

static int
bad_cases(imaperr_code code, const struct bad *cases, size_t n)
{
    size_t i;
    int problems = 0;
    for (i = 0; i < n; i++)
        problems += bad_case(code, &cases[i]);
    return problems;
}
#define assert_all_malformed(code_, cases_) \
    assert_int_equal(bad_cases((code_), (cases_), N_ELEMS(cases_)), 0)

/* ---- sanity of any result ----------------------------------------------- */

/* Whatever the input: a consistent result. MALFORMED has a reason and an
 * offset within the arguments; DECODED fields lie within the arguments and
 * their sets, lists and strings read without error (the header promises
 * that the iterators cannot fail on a field the decoder accepted). Returns
 * the problems found (each printed). */
static int
sane(const struct dec *d, const char *what)
{
    char shown[160];
    unsigned k;
    int problems = 0;

    show(d->r.code_args.ptr ? d->r.code_args.ptr : "", d->r.code_args.len, shown, sizeof shown);
    if (d->a.code != d->r.code || d->a.nfields > IMAPERR_ARGS_MAX_FIELDS) {
        print_error("# %s [%s]: code %d vs %d, nfields %u\n", what, shown, (int)d->a.code,
                    (int)d->r.code, d->a.nfields);
        return 1;
    }
    switch (d->a.state) {
    case IMAPERR_ARGS_NONE:
    case IMAPERR_ARGS_RAW:
        return 0;
    case IMAPERR_ARGS_MALFORMED:
        if (d->a.error == NULL || d->a.error_offset > d->r.code_args.len) {
            print_error("# %s [%s]: MALFORMED with error \"%s\" at offset %zu (length %zu)\n", what,
                        shown, d->a.error ? d->a.error : "(null)", d->a.error_offset,
                        d->r.code_args.len);
            problems++;
        }
        return problems;
    case IMAPERR_ARGS_DECODED:
        break;
    default:
        print_error("# %s [%s]: state %d\n", what, shown, (int)d->a.state);
        return 1;
    }
    if (d->a.error != NULL) {
        print_error("# %s [%s]: DECODED with error \"%s\"\n", what, shown, d->a.error);
        problems++;
    }
    for (k = 0; k < d->a.nfields; k++) {
        const imaperr_field *f = &d->a.field[k];
        size_t steps = 0;
        int rc = 0;
        if (f->name == NULL || f->syntax == NULL) {
            print_error("# %s [%s]: field %u without name or syntax\n", what, shown, k);
            problems++;
            continue;
        }
        if (!f->present)
            continue;
        if (!within_args(d, f->raw)) {
            print_error("# %s [%s]: field %s outside the arguments\n", what, shown, f->name);
            problems++;
            continue;
        }
        if (f->type == IMAPERR_FIELD_SET) {
            imaperr_set_iter it;
            imaperr_range rg;
            if (imaperr_set_iter_init(&it, f) != IMAPERR_OK)
                rc = -100;
            else
                while (steps++ <= f->raw.len + 1 && (rc = imaperr_set_next(&it, &rg)) == 1)
                    if (!rg.lo_star && !rg.hi_star && rg.lo > rg.hi)
                        rc = -101;
        } else if (f->type == IMAPERR_FIELD_LIST) {
            imaperr_list_iter it;
            imaperr_slice item;
            if (imaperr_list_iter_init(&it, f) != IMAPERR_OK)
                rc = -100;
            else
                while (steps++ <= f->raw.len + 1 && (rc = imaperr_list_next(&it, &item)) == 1) {
                    if (!within_args(d, item))
                        rc = -102;
                    else if (imaperr_string_decode(item, NULL, 0) < 0 && item.ptr[0] == '"')
                        rc = -103;
                }
        } else if (f->type == IMAPERR_FIELD_STRING && !f->nil) {
            if (imaperr_string_decode(f->raw, NULL, 0) < 0)
                rc = -104;
        }
        if (rc != 0) {
            print_error("# %s [%s]: field %s (%s) does not read back: %d\n", what, shown, f->name,
                        f->syntax, rc);
            problems++;
        }
    }
    return problems;
}

/* Decode every prefix of `args` for `code`: as hand-built code_args ending
 * exactly at the buffer's end, and bracketed in a line. Returns problems. */
static int
sweep_arg_prefixes(imaperr_code code, const char *args)
{
    const char *name = imaperr_code_name(code);
    size_t n = strlen(args), k, len;
    char prefix[64];
    int problems = 0;

    snprintf(prefix, sizeof prefix, "a OK [%s ", name);
    for (k = 0; k <= n; k++) {
        struct dec d;
        imaperr_response r0 = IMAPERR_RESPONSE_INIT;
        imaperr_args a0 = IMAPERR_ARGS_INIT;
        char *line;

        dec_args_n(&d, code, args, k);
        problems += sane(&d, "prefix");
        if (k == 0 && d.a.state != IMAPERR_ARGS_NONE && d.a.state != IMAPERR_ARGS_MALFORMED) {
            print_error("# %s with empty arguments: state %s\n", name, state_name(d.a.state));
            problems++;
        }
        dec_free(&d);

        line = join3(prefix, args, k, "]", &len);
        d.buf = line;
        d.len = len;
        d.r = r0;
        d.a = a0;
        if (imaperr_parse(line, len, &d.r) == IMAPERR_OK) {
            assert_int_equal(imaperr_args_decode(&d.r, &d.a), IMAPERR_OK);
            problems += sane(&d, "bracketed prefix");
        }
        dec_free(&d);
    }
    return problems;
}

/* Parse and decode every prefix of a whole line, from exact copies. */
static int
sweep_line_prefixes(const char *line)
{
    size_t n = strlen(line), k;
    int problems = 0;
    for (k = 0; k <= n; k++) {
        struct dec d;
        imaperr_response r0 = IMAPERR_RESPONSE_INIT;
        imaperr_args a0 = IMAPERR_ARGS_INIT;
        d.buf = exact_copy(line, k);
        d.len = k;
        d.r = r0;
        d.a = a0;
        if (imaperr_parse(d.buf, k, &d.r) == IMAPERR_OK) {
            assert_int_equal(imaperr_args_decode(&d.r, &d.a), IMAPERR_OK);
            problems += sane(&d, "line prefix");
        }
        dec_free(&d);
    }
    return problems;
}

/* ------------------------------------------------------------------------ */
/* The tables, as this test reads them                                        */
/* ------------------------------------------------------------------------ */

#define MAX_RFIELDS 8

struct rfield {
    char name[32];
    char type[96];  /* as written, without the "?" */
    char base[16];  /* the type up to "(": "word" for word(A|B) */
    int optional;   /* "?" or inside an optional group "(?" ... ")" */
};

struct argtype {
    char name[40];
    char presence[16];
    unsigned nfields;
    struct rfield f[MAX_RFIELDS];
};

struct coderow {
    char name[40];
    char status[16];
    char args[40];
    char example[256];
};

static struct {
    struct argtype at[64];
    size_t nat;
    struct coderow rows[256];
    size_t nrows;
} V;

/* The next line that is neither a comment nor empty, without its ending. */
static int
next_line(FILE *f, char *buf, size_t cap)
{
    while (fgets(buf, (int)cap, f)) {
        size_t n = strlen(buf);
        if (n > 0 && buf[n - 1] == '\n')
            buf[--n] = '\0';
        else if (!feof(f))
            return -1;
        if (n > 0 && buf[n - 1] == '\r')
            buf[--n] = '\0';
        if (n == 0 || buf[0] == '#')
            continue;
        return 1;
    }
    return 0;
}

static int
copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        return -1;
    memcpy(dst, src, n + 1);
    return 0;
}

/* Parse a FIELDS recipe ("-" for none) into at. */
static int
parse_recipe(struct argtype *at, char *recipe)
{
    char *tok;
    int in_opt_group = 0;
    at->nfields = 0;
    if (strcmp(recipe, "-") == 0)
        return 0;
    for (tok = strtok(recipe, " "); tok; tok = strtok(NULL, " ")) {
        struct rfield *rf;
        char *colon;
        size_t tl;
        if (strcmp(tok, "(") == 0 || strcmp(tok, "(?") == 0) {
            in_opt_group = tok[1] == '?';
            continue;
        }
        if (strcmp(tok, ")") == 0) {
            in_opt_group = 0;
            continue;
        }
        colon = strchr(tok, ':');
        if (colon == NULL || at->nfields >= MAX_RFIELDS)
            return -1;
        rf = &at->f[at->nfields++];
        *colon = '\0';
        if (copy_str(rf->name, sizeof rf->name, tok) != 0)
            return -1;
        tl = strlen(colon + 1);
        rf->optional = in_opt_group;
        if (tl > 0 && colon[tl] == '?') {
            colon[tl] = '\0';
            rf->optional = 1;
        }
        if (copy_str(rf->type, sizeof rf->type, colon + 1) != 0)
            return -1;
        tl = strcspn(rf->type, "(");
        if (tl >= sizeof rf->base)
            return -1;
        memcpy(rf->base, rf->type, tl);
        rf->base[tl] = '\0';
    }
    return 0;
}

static int
load_tables(void)
{
    char buf[8192];
    FILE *f;
    int rc;

    memset(&V, 0, sizeof V);
    f = fopen(TOP_SRCDIR "/lib/vocabulary.tsv", "r");
    if (f == NULL) {
        print_error("# cannot open %s\n", TOP_SRCDIR "/lib/vocabulary.tsv");
        return -1;
    }
    while ((rc = next_line(f, buf, sizeof buf)) == 1) {
        char *fld[8];
        size_t nf = split_tabs(buf, fld, 8);
        struct argtype *at;
        if (strcmp(fld[0], "argtype") != 0)
            continue;
        if (nf != 6 || V.nat >= N_ELEMS(V.at)) {
            print_error("# vocabulary.tsv: argtype row with %zu columns\n", nf);
            fclose(f);
            return -1;
        }
        at = &V.at[V.nat++];
        if (copy_str(at->name, sizeof at->name, fld[1]) != 0 ||
            copy_str(at->presence, sizeof at->presence, fld[2]) != 0 ||
            parse_recipe(at, fld[5]) != 0) {
            print_error("# vocabulary.tsv: bad argtype row %s\n", fld[1]);
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    if (rc < 0 || V.nat == 0)
        return -1;

    f = fopen(TOP_SRCDIR "/lib/registry.tsv", "r");
    if (f == NULL) {
        print_error("# cannot open %s\n", TOP_SRCDIR "/lib/registry.tsv");
        return -1;
    }
    while ((rc = next_line(f, buf, sizeof buf)) == 1) {
        char *fld[16];
        size_t nf = split_tabs(buf, fld, 16);
        struct coderow *row;
        if (nf != 13 || V.nrows >= N_ELEMS(V.rows)) {
            print_error("# registry.tsv: row with %zu columns\n", nf);
            fclose(f);
            return -1;
        }
        row = &V.rows[V.nrows++];
        if (copy_str(row->name, sizeof row->name, fld[1]) != 0 ||
            copy_str(row->status, sizeof row->status, fld[3]) != 0 ||
            copy_str(row->args, sizeof row->args, fld[4]) != 0 ||
            copy_str(row->example, sizeof row->example, fld[12]) != 0) {
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    return rc < 0 || V.nrows == 0 ? -1 : 0;
}

static const struct argtype *
find_argtype(const char *name)
{
    size_t i;
    for (i = 0; i < V.nat; i++)
        if (strcmp(V.at[i].name, name) == 0)
            return &V.at[i];
    return NULL;
}

/* The public type and grammar name of a recipe type. */
static imaperr_field_type
type_of_base(const char *base)
{
    static const struct {
        const char *base;
        imaperr_field_type type;
    } map[] = {
        { "nz32", IMAPERR_FIELD_NUMBER }, { "num32", IMAPERR_FIELD_NUMBER },
        { "modseq", IMAPERR_FIELD_NUMBER }, { "nnumber", IMAPERR_FIELD_NUMBER },
        { "uidset", IMAPERR_FIELD_SET }, { "seqset", IMAPERR_FIELD_SET },
        { "astring", IMAPERR_FIELD_STRING }, { "quoted", IMAPERR_FIELD_STRING },
        { "nstring", IMAPERR_FIELD_STRING }, { "filtername", IMAPERR_FIELD_STRING },
        { "url-imap", IMAPERR_FIELD_URL },
        { "url-web", IMAPERR_FIELD_URL }, { "text", IMAPERR_FIELD_TEXT },
        { "atoms", IMAPERR_FIELD_LIST }, { "flags", IMAPERR_FIELD_LIST },
        { "charsets", IMAPERR_FIELD_LIST }, { "events", IMAPERR_FIELD_LIST },
        { "objectid", IMAPERR_FIELD_LIST }, { "word", IMAPERR_FIELD_WORD },
        { "wordnum", IMAPERR_FIELD_WORD },
    };
    size_t i;
    for (i = 0; i < N_ELEMS(map); i++)
        if (strcmp(map[i].base, base) == 0)
            return map[i].type;
    return IMAPERR_FIELD_NONE;
}

/* The codes issue 3 lists as carrying data: independent of the tables. */
static const char *const issue_codes[] = {
    "NEWNAME", "REFERRAL", "BADCHARSET", "PERMANENTFLAGS", "UIDNEXT", "UIDVALIDITY", "UNSEEN",
    "APPENDUID", "COPYUID", "URLMECH", "BADURL", "HIGHESTMODSEQ", "MODIFIED", "ANNOTATE",
    "ANNOTATIONS", "MAXCONVERTMESSAGES", "MAXCONVERTPARTS", "NOUPDATE", "BADEVENT",
    "UNDEFINED-FILTER", "METADATA", "DOWNGRADED", "MAILBOXID", "INPROGRESS", "CAPABILITY",
    "WEBALERT", "MESSAGELIMIT",
};

static int
is_issue_code(const char *name)
{
    size_t i;
    for (i = 0; i < N_ELEMS(issue_codes); i++)
        if (strcmp(issue_codes[i], name) == 0)
            return 1;
    return 0;
}

/* Check the decoded EXAMPLE of a code with a recipe. Returns problems. */
static int
check_example(const struct coderow *row, const struct argtype *at, const char *status)
{
    char line[512];
    imaperr_code code = imaperr_code_from_name(row->name, strlen(row->name));
    struct dec d;
    unsigned k;
    int problems = 0;

    snprintf(line, sizeof line, "a %s [%s] x", status, row->example);
    dec_line(&d, line);
    if (d.r.code != code || d.a.code != code || d.a.state != IMAPERR_ARGS_DECODED ||
        d.a.error != NULL || d.a.nfields != at->nfields) {
        print_error("# %s: code %s, state %s, error \"%s\", %u fields (recipe: %u)\n", line,
                    imaperr_code_name(d.r.code), state_name(d.a.state),
                    d.a.error ? d.a.error : "", d.a.nfields, at->nfields);
        dec_free(&d);
        return 1;
    }
    for (k = 0; k < at->nfields; k++) {
        const imaperr_field *f = &d.a.field[k];
        const struct rfield *rf = &at->f[k];
        if (f->name == NULL || strcmp(f->name, rf->name) != 0) {
            print_error("# %s: field %u is \"%s\", recipe says \"%s\"\n", line, k,
                        f->name ? f->name : "(null)", rf->name);
            problems++;
            continue;
        }
        if (imaperr_args_field(&d.a, rf->name) != f) {
            print_error("# %s: imaperr_args_field(\"%s\") is not field %u\n", line, rf->name, k);
            problems++;
        }
        if (f->syntax == NULL || strcmp(f->syntax, rf->base) != 0 ||
            f->type != type_of_base(rf->base)) {
            print_error("# %s: field %s has syntax \"%s\" type %d, recipe says %s\n", line,
                        rf->name, f->syntax ? f->syntax : "(null)", (int)f->type, rf->type);
            problems++;
        }
        if (!rf->optional && !f->present) {
            print_error("# %s: required field %s is absent\n", line, rf->name);
            problems++;
        }
    }
    problems += sane(&d, line);
    dec_free(&d);
    return problems;
}

/* ------------------------------------------------------------------------ */
/* Table-driven: every registry code                                          */
/* ------------------------------------------------------------------------ */

static void
torture_registry_examples_decode(void **state)
{
    size_t i, with_fields = 0, without = 0;
    int problems = 0;
    (void)state;

    assert_int_equal(load_tables(), 0);
    for (i = 0; i < V.nrows; i++) {
        const struct coderow *row = &V.rows[i];
        const struct argtype *at;
        if (strcmp(row->status, "pseudo") == 0)
            continue;
        at = find_argtype(row->args);
        if (at == NULL) {
            print_error("# %s: unknown ARGS type %s\n", row->name, row->args);
            problems++;
            continue;
        }
        if (at->nfields > 0) {
            with_fields++;
            if (!is_issue_code(row->name)) {
                print_error("# %s has a recipe but is not among the issue's codes\n", row->name);
                problems++;
            }
            problems += check_example(row, at, "OK");
            problems += check_example(row, at, "NO");
        } else {
            char line[512];
            struct dec d;
            imaperr_code code = imaperr_code_from_name(row->name, strlen(row->name));
            without++;
            if (is_issue_code(row->name)) {
                print_error("# %s takes arguments but has no recipe\n", row->name);
                problems++;
            }
            snprintf(line, sizeof line, "a OK [%s] x", row->example);
            dec_line(&d, line);
            if (d.r.code != code || d.a.code != code || d.a.state != IMAPERR_ARGS_NONE ||
                d.a.nfields != 0 || d.a.error != NULL) {
                print_error("# %s: code %s, state %s, %u fields; expected NONE, 0 fields\n", line,
                            imaperr_code_name(d.r.code), state_name(d.a.state), d.a.nfields);
                problems++;
            }
            dec_free(&d);
            /* arguments it does not take: kept raw, not decoded */
            snprintf(line, sizeof line, "a NO [%s foo (bar)] x", row->name);
            dec_line(&d, line);
            if (d.r.code != code || d.a.state != IMAPERR_ARGS_RAW || d.a.nfields != 0) {
                print_error("# %s: code %s, state %s, %u fields; expected RAW, 0 fields\n", line,
                            imaperr_code_name(d.r.code), state_name(d.a.state), d.a.nfields);
                problems++;
            }
            dec_free(&d);
        }
    }
    /* every code the issue names has a recipe in the table */
    for (i = 0; i < N_ELEMS(issue_codes); i++) {
        size_t j;
        int found = 0;
        for (j = 0; j < V.nrows; j++)
            if (strcmp(V.rows[j].name, issue_codes[i]) == 0) {
                const struct argtype *at = find_argtype(V.rows[j].args);
                found = at != NULL && at->nfields > 0;
            }
        if (!found) {
            print_error("# %s: not in the registry with a recipe\n", issue_codes[i]);
            problems++;
        }
    }
    assert_int_equal(problems, 0);
    assert_int_equal(with_fields, N_ELEMS(issue_codes));
    assert_true(without > 30);
}

/* Every prefix of every example's arguments: no over-read, a sane result. */
static void
torture_registry_example_prefixes(void **state)
{
    size_t i;
    int problems = 0;
    (void)state;

    assert_int_equal(load_tables(), 0);
    for (i = 0; i < V.nrows; i++) {
        const struct coderow *row = &V.rows[i];
        const struct argtype *at = find_argtype(row->args);
        const char *sp = strchr(row->example, ' ');
        if (strcmp(row->status, "pseudo") == 0 || at == NULL || at->nfields == 0 || sp == NULL)
            continue;
        problems += sweep_arg_prefixes(imaperr_code_from_name(row->name, strlen(row->name)),
                                       sp + 1);
    }
    assert_int_equal(problems, 0);
}

/* ------------------------------------------------------------------------ */
/* NEWNAME (RFC 2060)                                                         */
/* ------------------------------------------------------------------------ */

static void
torture_newname_quoted(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "a NO [NEWNAME \"INBOX.old\" \"INBOX.new\"] Mailbox was renamed");
    assert_decoded(d, IMAPERR_CODE_NEWNAME, 2);
    assert_field(d, "old", IMAPERR_FIELD_STRING, "astring", "\"INBOX.old\"");
    assert_field(d, "new", IMAPERR_FIELD_STRING, "astring", "\"INBOX.new\"");
    assert_string_field(d, "old", "INBOX.old");
    assert_string_field(d, "new", "INBOX.new");
    assert_ptr_equal(d.a.field[0].raw.ptr, d.buf + 14);
    dec_free(&d);
}

static void
torture_newname_atom_and_escapes(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "a NO [NEWNAME Drafts \"Old \\\"Drafts\\\" \\\\ box\"] renamed");
    assert_decoded(d, IMAPERR_CODE_NEWNAME, 2);
    assert_field(d, "old", IMAPERR_FIELD_STRING, "astring", "Drafts");
    assert_field(d, "new", IMAPERR_FIELD_STRING, "astring", "\"Old \\\"Drafts\\\" \\\\ box\"");
    assert_string_field(d, "old", "Drafts");
    assert_string_field(d, "new", "Old \"Drafts\" \\ box");
    dec_free(&d);
}

static void
torture_newname_malformed(void **state)
{
    static const struct bad cases[] = {
        { "\"INBOX.old\"", NULL, 0 },                          /* one mailbox only */
        { "\"INBOX.old\" \"INBOX.new\" \"x\"", " \"x\"", 0 },   /* three */
        { "{5} \"INBOX.new\"", "{5}", 0 },                      /* a literal */
        { "\"INBOX.old\" {5}", "{5}", 0 },
        { "\"INBOX.old\"  \"INBOX.new\"", "  ", 0 },            /* double space */
        { "\"INBOX\\old\" x", "\\o", 0 },                       /* bad escape */
        { "\"INBOX.old x", "\"INBOX.old x", 1 },                /* unterminated quote */
        { "\"INBOX.old\" \"INBOX.new", "\"INBOX.new", 1 },
        { "\"INBOX.old\\\" x", "\"INBOX.old\\\" x", 1 },        /* escaped closing quote */
        { "\"INBOX.old\"\"INBOX.new\"", "\"INBOX.new\"", 0 },   /* no space */
    };
    (void)state;
    assert_all_malformed(IMAPERR_CODE_NEWNAME, cases);
}

/* ------------------------------------------------------------------------ */
/* REFERRAL (RFC 2221)                                                        */
/* ------------------------------------------------------------------------ */

static void
torture_referral_rfc2221(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "A001 NO [REFERRAL IMAP://user;AUTH=*@SERVER2/] Remote Server");
    assert_decoded(d, IMAPERR_CODE_REFERRAL, 1);
    assert_field(d, "url", IMAPERR_FIELD_URL, "url-imap", "IMAP://user;AUTH=*@SERVER2/");
    dec_free(&d);

    dec_line(&d, "* OK [REFERRAL imap://user;AUTH=*@mail2.example.com/SHARED/FOO] try there");
    assert_decoded(d, IMAPERR_CODE_REFERRAL, 1);
    assert_field(d, "url", IMAPERR_FIELD_URL, "url-imap",
                 "imap://user;AUTH=*@mail2.example.com/SHARED/FOO");
    dec_free(&d);
}

static void
torture_referral_malformed(void **state)
{
    static const struct bad cases[] = {
        { "http://mail2.example.com/", "http://", 0 },       /* wrong scheme */
        { "https://mail2.example.com/", "https://", 0 },
        { "javascript:alert(1)", "javascript:", 0 },
        { "imap://", "imap://", 0 },                         /* nothing after the scheme */
        { "mail2.example.com", "mail2", 0 },                 /* no scheme at all */
        { "imap://a/ imap://b/", " imap://b/", 0 },          /* two URLs */
        { "imap://a\x01" "b/", "\x01", 0 },                  /* a control byte */
        { "imap://a\xc3\xa9/", "\xc3", 0 },                  /* 8-bit */
        { "\"imap://a/\"", "\"imap", 0 },                    /* quoted */
    };
    (void)state;
    assert_all_malformed(IMAPERR_CODE_REFERRAL, cases);
}

/* ------------------------------------------------------------------------ */
/* BADCHARSET (RFC 3501, RFC 9051)                                            */
/* ------------------------------------------------------------------------ */

static void
torture_badcharset_list(void **state)
{
    static const char *const items[] = { "US-ASCII", "UTF-8" };
    struct dec d;
    (void)state;
    dec_line(&d, "A283 NO [BADCHARSET (US-ASCII UTF-8)] charset not supported");
    assert_decoded(d, IMAPERR_CODE_BADCHARSET, 1);
    assert_field(d, "charsets", IMAPERR_FIELD_LIST, "charsets", "US-ASCII UTF-8");
    assert_list(d, "charsets", items);
    dec_free(&d);
}

static void
torture_badcharset_quoted_items(void **state)
{
    static const char *const items[] = {
        "\"ISO-8859-1\"", "\"a\\\"b\"", "\"c\\\\d\"", "\"x)y z\"", "UTF-8", "\"\"",
    };
    static const char *const decoded[] = { "ISO-8859-1", "a\"b", "c\\d", "x)y z", "UTF-8", "" };
    struct dec d;
    imaperr_list_iter it;
    imaperr_slice item;
    size_t k = 0;
    (void)state;
    dec_line(&d, "a NO [BADCHARSET (\"ISO-8859-1\" \"a\\\"b\" \"c\\\\d\" \"x)y z\" UTF-8 \"\")] x");
    assert_decoded(d, IMAPERR_CODE_BADCHARSET, 1);
    assert_list(d, "charsets", items);
    assert_int_equal(imaperr_list_iter_init(&it, field_named(&d.a, "charsets")), IMAPERR_OK);
    while (imaperr_list_next(&it, &item) == 1) {
        assert_true(k < N_ELEMS(decoded));
        check_string(item, decoded[k]);
        k++;
    }
    assert_int_equal(k, N_ELEMS(decoded));
    dec_free(&d);
}

static void
torture_badcharset_without_list(void **state)
{
    struct dec d;
    (void)state;
    /* the list is optional: no arguments, the field listed as absent */
    dec_line(&d, "a NO [BADCHARSET] Charset not supported");
    assert_int_equal(d.r.code, IMAPERR_CODE_BADCHARSET);
    assert_int_equal(d.a.code, IMAPERR_CODE_BADCHARSET);
    assert_int_equal(d.a.state, IMAPERR_ARGS_NONE);
    assert_null(d.a.error);
    assert_int_equal(d.a.nfields, 1);
    assert_string_equal(d.a.field[0].name, "charsets");
    assert_absent(d, "charsets", IMAPERR_FIELD_LIST, "charsets");
    dec_free(&d);
}

static void
torture_badcharset_malformed(void **state)
{
    static const struct bad cases[] = {
        { "()", "()", 0 },                          /* empty: the grammar needs one charset */
        { "UTF-8", "UTF-8", 0 },                    /* no parentheses */
        { "(UTF-8 {5})", "{5}", 0 },                /* a literal */
        { "(UTF-8  US-ASCII)", "  ", 0 },           /* double space */
        { "(UTF-8 )", " )", 0 },                    /* trailing space */
        { "( UTF-8)", "( ", 0 },                    /* leading space */
        { "(UTF-8) x", " x", 0 },                   /* trailing junk */
        { "(UTF-8)(US-ASCII)", "(US", 0 },
        { "(UTF-8 (US-ASCII))", "(US", 0 },         /* nested */
        { "(UTF-8 \"US\\ASCII\")", "\\A", 0 },      /* bad escape */
        { "(\"UTF-8)", "\"UTF-8)", 1 },             /* unterminated quote */
        { "(UTF-8", NULL, 1 },                      /* unclosed parenthesis */
        { "(\"UTF-8\"US-ASCII)", "US-ASCII", 0 },   /* no space after a quoted item */
    };
    (void)state;
    assert_all_malformed(IMAPERR_CODE_BADCHARSET, cases);
}

/* ------------------------------------------------------------------------ */
/* PERMANENTFLAGS (RFC 3501, RFC 9051)                                        */
/* ------------------------------------------------------------------------ */

static void
torture_permanentflags_rfc3501(void **state)
{
    static const char *const items[] = { "\\Deleted", "\\Seen", "\\*" };
    struct dec d;
    (void)state;
    dec_line(&d, "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited");
    assert_decoded(d, IMAPERR_CODE_PERMANENTFLAGS, 1);
    /* a parenthesised list's raw slice is without the parentheses */
    assert_field(d, "flags", IMAPERR_FIELD_LIST, "flags", "\\Deleted \\Seen \\*");
    assert_list(d, "flags", items);
    dec_free(&d);
}

static void
torture_permanentflags_keywords(void **state)
{
    static const char *const items[] = {
        "\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft", "$Forwarded", "$MDNSent",
        "NonJunk", "\\*",
    };
    struct dec d;
    (void)state;
    dec_line(&d, "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded "
                 "$MDNSent NonJunk \\*)] Flags permitted.");
    assert_decoded(d, IMAPERR_CODE_PERMANENTFLAGS, 1);
    assert_list(d, "flags", items);
    dec_free(&d);
}

static void
torture_permanentflags_empty(void **state)
{
    struct dec d;
    (void)state;
    /* flag-perm-list = "(" [flag-perm *(SP flag-perm)] ")": empty is valid */
    dec_line(&d, "* OK [PERMANENTFLAGS ()] No permanent flags permitted");
    assert_decoded(d, IMAPERR_CODE_PERMANENTFLAGS, 1);
    assert_field(d, "flags", IMAPERR_FIELD_LIST, "flags", "");
    check_list(&d, "flags", NULL, 0);
    dec_free(&d);
}

static void
torture_permanentflags_malformed(void **state)
{
    static const struct bad cases[] = {
        { "\\Deleted \\Seen", "\\Deleted", 0 },     /* no parentheses */
        { "(\\Deleted \\)", "\\)", 0 },             /* a backslash alone */
        { "(\\Seen \\*x)", "\\*x", 0 },
        { "(\\Seen \"x\")", "\"x\"", 0 },           /* quoted strings are no flags */
        { "(\\Seen (x))", "(x)", 0 },               /* nested */
        { "(\\Seen) \\Deleted", " \\Deleted", 0 },  /* trailing junk */
        { "( \\Seen)", "( ", 0 },
        { "(\\Seen  \\Deleted)", "  ", 0 },         /* double space */
        { "(\\Seen {5})", "{5}", 0 },               /* a literal */
        { "(\\Seen \\Deleted", NULL, 1 },           /* unclosed */
        { "(*)", "*", 0 },                          /* "*" without the backslash */
    };
    (void)state;
    assert_all_malformed(IMAPERR_CODE_PERMANENTFLAGS, cases);
}

/* ------------------------------------------------------------------------ */
/* UIDNEXT, UIDVALIDITY, UNSEEN (RFC 3501): nz-number                         */
/* ------------------------------------------------------------------------ */

static void
torture_uidnext_rfc3501(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "* OK [UIDNEXT 4392] Predicted next UID");
    assert_decoded(d, IMAPERR_CODE_UIDNEXT, 1);
    assert_field(d, "uid", IMAPERR_FIELD_NUMBER, "nz32", "4392");
    assert_number(d, "uid", "nz32", 4392);
    assert_int_equal(d.r.number, 4392); /* the parser agrees */
    dec_free(&d);
}

static void
torture_uidvalidity_rfc3501(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "* OK [UIDVALIDITY 3857529045] UIDs valid");
    assert_decoded(d, IMAPERR_CODE_UIDVALIDITY, 1);
    assert_field(d, "uidvalidity", IMAPERR_FIELD_NUMBER, "nz32", "3857529045");
    assert_number(d, "uidvalidity", "nz32", 3857529045u);
    assert_int_equal(d.r.number, 3857529045u);
    dec_free(&d);
}

static void
torture_unseen_rfc3501(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "* OK [UNSEEN 12] Message 12 is first unseen");
    assert_decoded(d, IMAPERR_CODE_UNSEEN, 1);
    assert_field(d, "seq", IMAPERR_FIELD_NUMBER, "nz32", "12");
    assert_number(d, "seq", "nz32", 12);
    dec_free(&d);
}

static void
torture_nz_number_bounds(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "* OK [UIDNEXT 1] x");
    assert_decoded(d, IMAPERR_CODE_UIDNEXT, 1);
    assert_number(d, "uid", "nz32", 1);
    dec_free(&d);

    dec_line(&d, "* OK [UIDVALIDITY 4294967295] x");
    assert_decoded(d, IMAPERR_CODE_UIDVALIDITY, 1);
    assert_number(d, "uidvalidity", "nz32", 4294967295u);
    dec_free(&d);

    /* leading zeros are tolerated (doc/api.md) */
    dec_line(&d, "* OK [UNSEEN 0004294967295] x");
    assert_decoded(d, IMAPERR_CODE_UNSEEN, 1);
    assert_number(d, "seq", "nz32", 4294967295u);
    assert_field(d, "seq", IMAPERR_FIELD_NUMBER, "nz32", "0004294967295");
    dec_free(&d);

    /* an extra space before the argument is a parser repair, not an error */
    dec_line(&d, "* OK [UIDNEXT  4392] x");
    assert_decoded(d, IMAPERR_CODE_UIDNEXT, 1);
    assert_number(d, "uid", "nz32", 4392);
    assert_int_equal(d.r.repairs, IMAPERR_REPAIR_EXTRA_SPACE);
    dec_free(&d);
}

static const struct bad nz32_cases[] = {
    { "0", "0", 0 },                                  /* nz-number forbids zero */
    { "000", "000", 0 },
    { "4294967296", "4294967296", 0 },                /* 2^32 */
    { "18446744073709551616", "18446744073709551616", 0 },
    { "99999999999999999999999", "99999999999999999999999", 0 },
    { "-1", "-1", 0 },
    { "+5", "+5", 0 },
    { "4392x", "x", 0 },                              /* junk after the number */
    { "4392 1", " 1", 0 },                            /* two numbers */
    { "4392  1", "  1", 0 },
    { "x", "x", 0 },
    { "4392,4393", ",4393", 0 },
    { "4392:4393", ":4393", 0 },
    { "\"4392\"", "\"4392\"", 0 },
};

static void
torture_uidnext_malformed(void **state)
{
    (void)state;
    assert_all_malformed(IMAPERR_CODE_UIDNEXT, nz32_cases);
}

static void
torture_uidvalidity_malformed(void **state)
{
    (void)state;
    assert_all_malformed(IMAPERR_CODE_UIDVALIDITY, nz32_cases);
}

static void
torture_unseen_malformed(void **state)
{
    (void)state;
    assert_all_malformed(IMAPERR_CODE_UNSEEN, nz32_cases);
}

static void
torture_number_10000_digits(void **state)
{
    /* "a number with 10,000 digits" (doc/api.md): malformed, offset at it */
    static const struct {
        const char *head, *tail;
        size_t at; /* where the number starts in the arguments */
    } cases[] = {
        { "* OK [UIDNEXT ", "] x", 0 },
        { "* OK [COPYUID 7 ", " 8] x", 2 },
        { "* OK [MODIFIED 5,", "] x", 2 },
        { "* OK [HIGHESTMODSEQ ", "] x", 0 },
    };
    size_t i;
    (void)state;
    for (i = 0; i < N_ELEMS(cases); i++) {
        size_t len;
        char *digits = malloc(10000), *line;
        struct dec d;
        assert_non_null(digits);
        memset(digits, '9', 10000);
        line = join3(cases[i].head, digits, 10000, cases[i].tail, &len);
        free(digits);
        dec_line_n(&d, line, len);
        free(line);
        assert_int_not_equal(d.r.code, IMAPERR_CODE_NONE);
        assert_int_not_equal(d.r.code, IMAPERR_CODE_UNKNOWN);
        assert_int_equal(d.a.state, IMAPERR_ARGS_MALFORMED);
        assert_non_null(d.a.error);
        assert_in_range(d.a.error_offset, cases[i].at, cases[i].at + 10000);
        dec_free(&d);
    }
}

/* ------------------------------------------------------------------------ */
/* APPENDUID, COPYUID (RFC 4315)                                              */
/* ------------------------------------------------------------------------ */

static void
torture_appenduid_rfc4315(void **state)
{
    static const imaperr_range uids[] = { RANGE(3955, 3955) };
    struct dec d;
    (void)state;
    dec_line(&d, "A003 OK [APPENDUID 38505 3955] APPEND completed");
    assert_decoded(d, IMAPERR_CODE_APPENDUID, 2);
    assert_field(d, "uidvalidity", IMAPERR_FIELD_NUMBER, "nz32", "38505");
    assert_number(d, "uidvalidity", "nz32", 38505);
    assert_field(d, "uids", IMAPERR_FIELD_SET, "uidset", "3955");
    assert_set(d, "uids", uids);
    dec_free(&d);
}

static void
torture_appenduid_multiappend(void **state)
{
    /* with MULTIAPPEND, append-uid is a uid-set */
    static const imaperr_range uids[] = { RANGE(3955, 3957), RANGE(3960, 3960) };
    struct dec d;
    (void)state;
    dec_line(&d, "A003 OK [APPENDUID 38505 3955:3957,3960] MULTIAPPEND completed");
    assert_decoded(d, IMAPERR_CODE_APPENDUID, 2);
    assert_field(d, "uids", IMAPERR_FIELD_SET, "uidset", "3955:3957,3960");
    assert_set(d, "uids", uids);
    dec_free(&d);
}

static void
torture_appenduid_malformed(void **state)
{
    static const struct bad cases[] = {
        { "38505 *", "*", 0 },                      /* "*" is no uid */
        { "38505 3955:*", "*", 0 },
        { "38505 *:3955", "*", 0 },
        { "0 3955", "0 ", 0 },                      /* uidvalidity zero */
        { "38505 0", " 0", 0 },                     /* uid zero */
        { "4294967296 3955", "4294967296", 0 },
        { "38505 4294967296", "4294967296", 0 },
        { "38505", NULL, 0 },                       /* the uid missing */
        { "38505 3955 3956", " 3956", 0 },          /* one too many */
        { "38505 3955:", ":", 0 },
        { "38505 3955,", ",", 0 },
        { "38505 ,3955", ",", 0 },
        { "38505  3955", "  ", 0 },                 /* double space */
        { "38505,3955", ",", 0 },
        { "x 3955", "x", 0 },
    };
    (void)state;
    assert_all_malformed(IMAPERR_CODE_APPENDUID, cases);
}

static void
torture_copyuid_rfc4315(void **state)
{
    static const imaperr_range source[] = { RANGE(304, 304), RANGE(319, 320) };
    static const imaperr_range destination[] = { RANGE(3956, 3958) };
    struct dec d;
    (void)state;
    dec_line(&d, "A004 OK [COPYUID 38505 304,319:320 3956:3958] Done");
    assert_decoded(d, IMAPERR_CODE_COPYUID, 3);
    assert_string_equal(d.a.field[0].name, "uidvalidity");
    assert_string_equal(d.a.field[1].name, "source");
    assert_string_equal(d.a.field[2].name, "destination");
    assert_field(d, "uidvalidity", IMAPERR_FIELD_NUMBER, "nz32", "38505");
    assert_number(d, "uidvalidity", "nz32", 38505);
    assert_field(d, "source", IMAPERR_FIELD_SET, "uidset", "304,319:320");
    assert_field(d, "destination", IMAPERR_FIELD_SET, "uidset", "3956:3958");
    assert_set(d, "source", source);
    assert_set(d, "destination", destination);
    dec_free(&d);
}

static void
torture_copyuid_reversed_and_extremes(void **state)
{
    /* uid-range: "2:4 and 4:2 are equivalent" (RFC 4315); normalised lo <= hi */
    static const imaperr_range source[] = { RANGE(319, 320), RANGE(1, 4294967295u), RANGE(7, 7) };
    static const imaperr_range destination[] = {
        RANGE(3956, 3958), RANGE(1, 4294967295u), RANGE(4294967295u, 4294967295u),
    };
    struct dec d;
    (void)state;
    dec_line(&d, "a OK [COPYUID 4294967295 320:319,4294967295:1,7:7 3958:3956,1:4294967295,"
                 "4294967295] Done");
    assert_decoded(d, IMAPERR_CODE_COPYUID, 3);
    assert_number(d, "uidvalidity", "nz32", 4294967295u);
    assert_set(d, "source", source);
    assert_set(d, "destination", destination);
    dec_free(&d);

    /* a trailing space inside the bracket is trimmed by the parser (a repair) */
    dec_line(&d, "a OK [COPYUID 1 2 3 ] Done");
    assert_decoded(d, IMAPERR_CODE_COPYUID, 3);
    assert_int_equal(d.r.repairs, IMAPERR_REPAIR_EXTRA_SPACE);
    dec_free(&d);

    /* the code name in lower case: still decoded */
    dec_line(&d, "a OK [copyuid 1 2 3] Done");
    assert_decoded(d, IMAPERR_CODE_COPYUID, 3);
    dec_free(&d);
}

static void
torture_copyuid_malformed(void **state)
{
    static const struct bad cases[] = {
        { "38505 304,319:* 3956:3958", "*", 0 },         /* "*" in a uid-set */
        { "38505 304,319:320 3956:*", "*", 0 },
        { "38505 *:320 3956", "*", 0 },
        { "38505 * 3956", "*", 0 },
        { "38505 304,319:320", NULL, 0 },                 /* no destination */
        { "38505", NULL, 0 },
        { "38505 304,319:320 3956:3958 7", " 7", 0 },     /* one too many */
        { "38505 0:4 3956", " 0:", 0 },                   /* zero */
        { "38505 4:0 3956", ":0", 0 },
        { "0 304 3956", "0 ", 0 },
        { "38505 304,,319 3956", ",,", 0 },
        { "38505 ,304 3956", ",", 0 },
        { "38505 304, 3956", ", ", 0 },                   /* trailing comma */
        { "38505 304:319:320 3956", ":320", 0 },
        { "38505 304:4294967296 3956", "4294967296", 0 },
        { "38505 304;319 3956", ";", 0 },
        { "38505  304 3956", "  ", 0 },                   /* double spaces */
        { "38505 304  3956", "  ", 0 },
        { "38505 (304) 3956", "(", 0 },
    };
    (void)state;
    assert_all_malformed(IMAPERR_CODE_COPYUID, cases);
}

/* ------------------------------------------------------------------------ */
/* URLMECH (RFC 4467)                                                         */
/* ------------------------------------------------------------------------ */

static void
torture_urlmech_rfc4467(void **state)
{
    static const char *const mechs[] = { "XSAMPLE=P34OKhO7VEkCbsiYY8rGEg==" };
    struct dec d;
    (void)state;
    dec_line(&d, "a001 OK [URLMECH INTERNAL XSAMPLE=P34OKhO7VEkCbsiYY8rGEg==] done");
    assert_decoded(d, IMAPERR_CODE_URLMECH, 2);
    assert_field(d, "internal", IMAPERR_FIELD_WORD, "word", "INTERNAL");
    assert_field(d, "mechanisms", IMAPERR_FIELD_LIST, "atoms", "XSAMPLE=P34OKhO7VEkCbsiYY8rGEg==");
    assert_list(d, "mechanisms", mechs);
    dec_free(&d);
}

static void
torture_urlmech_internal_only(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "a001 OK [URLMECH INTERNAL] RESETKEY completed");
    assert_decoded(d, IMAPERR_CODE_URLMECH, 2);
    assert_field(d, "internal", IMAPERR_FIELD_WORD, "word", "INTERNAL");
    assert_absent(d, "mechanisms", IMAPERR_FIELD_LIST, "atoms");
    dec_free(&d);
}

static void
torture_urlmech_malformed(void **state)
{
    static const struct bad cases[] = {
        { "XSAMPLE=P34OKhO7VEkCbsiYY8rGEg==", "XSAMPLE", 0 },   /* INTERNAL missing */
        { "EXTERNAL", "EXTERNAL", 0 },
        { "INTERNAL XSAMPLE=\"x\"", "\"x\"", 0 },
        { "INTERNAL  XSAMPLE", "  ", 0 },
        { "INTERNAL XSAMPLE  XOTHER", "  ", 0 },
        { "INTERNAL XSAMPLE {5}", "{5}", 0 },
        { "INTERNAL (XSAMPLE)", "(", 0 },   /* mechanisms are atoms, not a list */
    };
    (void)state;
    assert_all_malformed(IMAPERR_CODE_URLMECH, cases);
}

/* ------------------------------------------------------------------------ */
/* BADURL (RFC 4469): url-resp-text, anything up to "]"                       */
/* ------------------------------------------------------------------------ */

static void
torture_badurl_rfc4469(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "A003 NO [BADURL /INBOX;UIDVALIDITY=785799047/;UID=113330;section=1.5.9] "
                 "CATENATE part 1 has a bad URL");
    assert_decoded(d, IMAPERR_CODE_BADURL, 1);
    assert_field(d, "url", IMAPERR_FIELD_TEXT, "text",
                 "/INBOX;UIDVALIDITY=785799047/;UID=113330;section=1.5.9");
    dec_free(&d);

    dec_line(&d, "A003 NO [BADURL imap://example.com/INBOX/;uid=20 (not found)] x");
    assert_decoded(d, IMAPERR_CODE_BADURL, 1);
    assert_field(d, "url", IMAPERR_FIELD_TEXT, "text",
                 "imap://example.com/INBOX/;uid=20 (not found)");
    dec_free(&d);
}

static void
torture_badurl_missing_is_text(void **state)
{
    struct dec d;
    (void)state;
    /* the argument is required: without it the bracket is text */
    dec_line(&d, "A003 NO [BADURL] bad");
    assert_int_equal(d.r.code, IMAPERR_CODE_NONE);
    assert_int_equal(d.r.repairs, IMAPERR_REPAIR_CODE_AS_TEXT);
    assert_int_equal(d.a.state, IMAPERR_ARGS_NONE);
    assert_int_equal(d.a.nfields, 0);
    dec_free(&d);
}

/* ------------------------------------------------------------------------ */
/* HIGHESTMODSEQ, MODIFIED (RFC 7162)                                         */
/* ------------------------------------------------------------------------ */

static void
torture_highestmodseq_rfc7162(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "* OK [HIGHESTMODSEQ 715194045007] Highest");
    assert_decoded(d, IMAPERR_CODE_HIGHESTMODSEQ, 1);
    assert_field(d, "modseq", IMAPERR_FIELD_NUMBER, "modseq", "715194045007");
    assert_number(d, "modseq", "modseq", 715194045007ull);
    assert_int_equal(d.r.number, 715194045007ull);
    dec_free(&d);
}

static void
torture_highestmodseq_bounds(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "* OK [HIGHESTMODSEQ 9223372036854775807] 2^63-1");
    assert_decoded(d, IMAPERR_CODE_HIGHESTMODSEQ, 1);
    assert_number(d, "modseq", "modseq", 9223372036854775807ull);
    dec_free(&d);

    dec_line(&d, "* OK [HIGHESTMODSEQ 1] one");
    assert_decoded(d, IMAPERR_CODE_HIGHESTMODSEQ, 1);
    assert_number(d, "modseq", "modseq", 1);
    dec_free(&d);

    /* 32-bit values are no limit here */
    dec_line(&d, "* OK [HIGHESTMODSEQ 4294967296] 2^32");
    assert_decoded(d, IMAPERR_CODE_HIGHESTMODSEQ, 1);
    assert_number(d, "modseq", "modseq", 4294967296ull);
    dec_free(&d);
}

static void
torture_highestmodseq_malformed(void **state)
{
    static const struct bad cases[] = {
        { "0", "0", 0 },                                            /* 0 < n */
        { "9223372036854775808", "9223372036854775808", 0 },        /* 2^63 */
        { "18446744073709551615", "18446744073709551615", 0 },      /* 2^64-1 */
        { "18446744073709551616", "18446744073709551616", 0 },      /* 2^64 */
        { "99999999999999999999999999", "99999999999999999999999999", 0 },
        { "715194045007 1", " 1", 0 },
        { "715194045007x", "x", 0 },
        { "-715194045007", "-", 0 },
    };
    (void)state;
    assert_all_malformed(IMAPERR_CODE_HIGHESTMODSEQ, cases);
}

static void
torture_modified_rfc7162(void **state)
{
    static const imaperr_range uids[] = { RANGE(7, 7), RANGE(9, 9) };
    struct dec d;
    (void)state;
    dec_line(&d, "d105 OK [MODIFIED 7,9] Conditional STORE failed");
    assert_decoded(d, IMAPERR_CODE_MODIFIED, 1);
    assert_field(d, "uids", IMAPERR_FIELD_SET, "seqset", "7,9");
    assert_set(d, "uids", uids);
    dec_free(&d);
}

static void
torture_modified_stars_and_reversed(void **state)
{
    /* sequence-set allows "*"; "*" sorts above every number */
    static const imaperr_range uids[] = {
        RANGE(1, 1), RANGE(2, 3), RANGE_STAR, RANGE_TO_STAR(5), RANGE_TO_STAR(4),
        RANGE(319, 320), RANGE_STAR, RANGE_TO_STAR(4294967295u), RANGE_TO_STAR(4294967295u),
    };
    struct dec d;
    (void)state;
    dec_line(&d, "a NO [MODIFIED 1,2:3,*,5:*,*:4,320:319,*:*,4294967295:*,*:4294967295] x");
    assert_decoded(d, IMAPERR_CODE_MODIFIED, 1);
    assert_set(d, "uids", uids);
    dec_free(&d);
}

static void
torture_modified_malformed(void **state)
{
    static const struct bad cases[] = {
        { "0", "0", 0 },
        { "7,0", ",0", 0 },
        { "7,", ",", 0 },
        { ",7", ",", 0 },
        { "7,9:", ":", 0 },
        { "4294967296", "4294967296", 0 },
        { "**", "**", 0 },
        { "*5", "*5", 0 },
        { "7:*:9", ":9", 0 },
        { "7 9", " 9", 0 },
        { "7,,9", ",,", 0 },
        { "7-9", "-", 0 },
    };
    (void)state;
    assert_all_malformed(IMAPERR_CODE_MODIFIED, cases);
}

/* ------------------------------------------------------------------------ */
/* ANNOTATE, ANNOTATIONS (RFC 5257)                                           */
/* ------------------------------------------------------------------------ */

static void
torture_annotate_rfc5257(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "a NO [ANNOTATE TOOBIG] Annotation too big");
    assert_decoded(d, IMAPERR_CODE_ANNOTATE, 1);
    assert_field(d, "problem", IMAPERR_FIELD_WORD, "word", "TOOBIG");
    dec_free(&d);

    dec_line(&d, "a NO [ANNOTATE TOOMANY] Too many annotations");
    assert_decoded(d, IMAPERR_CODE_ANNOTATE, 1);
    assert_field(d, "problem", IMAPERR_FIELD_WORD, "word", "TOOMANY");
    dec_free(&d);

    /* the words are case-insensitive; raw keeps what was sent */
    dec_line(&d, "a NO [ANNOTATE toomany] Too many annotations");
    assert_decoded(d, IMAPERR_CODE_ANNOTATE, 1);
    assert_field(d, "problem", IMAPERR_FIELD_WORD, "word", "toomany");
    dec_free(&d);
}

static void
torture_annotate_malformed(void **state)
{
    static const struct bad cases[] = {
        { "TOOLONG", "TOOLONG", 0 },
        { "TOOBIG 5", " 5", 0 },
        { "TOOBIG TOOMANY", " TOOMANY", 0 },
        { "\"TOOBIG\"", "\"TOOBIG\"", 0 },
        { "TOOBIGX", "TOOBIGX", 0 },
        { "1024", "1024", 0 },
    };
    (void)state;
    assert_all_malformed(IMAPERR_CODE_ANNOTATE, cases);
}

static void
torture_annotations_rfc5257(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "* OK [ANNOTATIONS 1024 NOPRIVATE] annotations");
    assert_decoded(d, IMAPERR_CODE_ANNOTATIONS, 2);
    assert_field(d, "annotations", IMAPERR_FIELD_WORD, "wordnum", "1024");
    assert_int_equal(field_named(&d.a, "annotations")->number, 1024);
    assert_field(d, "noprivate", IMAPERR_FIELD_WORD, "word", "NOPRIVATE");
    dec_free(&d);

    dec_line(&d, "* OK [ANNOTATIONS 1024] annotations");
    assert_decoded(d, IMAPERR_CODE_ANNOTATIONS, 2);
    assert_field(d, "annotations", IMAPERR_FIELD_WORD, "wordnum", "1024");
    assert_int_equal(field_named(&d.a, "annotations")->number, 1024);
    assert_absent(d, "noprivate", IMAPERR_FIELD_WORD, "word");
    dec_free(&d);

    dec_line(&d, "* OK [ANNOTATIONS NONE] no annotations");
    assert_decoded(d, IMAPERR_CODE_ANNOTATIONS, 2);
    assert_field(d, "annotations", IMAPERR_FIELD_WORD, "wordnum", "NONE");
    assert_int_equal(field_named(&d.a, "annotations")->number, 0);
    assert_absent(d, "noprivate", IMAPERR_FIELD_WORD, "word");
    dec_free(&d);

    dec_line(&d, "* OK [ANNOTATIONS READ-ONLY] read-only");
    assert_decoded(d, IMAPERR_CODE_ANNOTATIONS, 2);
    assert_field(d, "annotations", IMAPERR_FIELD_WORD, "wordnum", "READ-ONLY");
    dec_free(&d);

    dec_line(&d, "* OK [ANNOTATIONS 4294967295 NOPRIVATE] big");
    assert_decoded(d, IMAPERR_CODE_ANNOTATIONS, 2);
    assert_int_equal(field_named(&d.a, "annotations")->number, 4294967295u);
    dec_free(&d);
}

static void
torture_annotations_malformed(void **state)
{
    static const struct bad cases[] = {
        { "NONE NOPRIVATE", " NOPRIVATE", 0 },       /* NOPRIVATE only after a size */
        { "READ-ONLY NOPRIVATE", " NOPRIVATE", 0 },
        { "1024 PRIVATE", "PRIVATE", 0 },
        { "1024 NOPRIVATE x", " x", 0 },
        { "1024 NOPRIVATE NOPRIVATE", " NOPRIVATE NOPRIVATE", 0 },
        { "4294967296", "4294967296", 0 },
        { "SOME", "SOME", 0 },
        { "1024x", "x", 0 },
        { "NOPRIVATE", "NOPRIVATE", 0 },
        { "1024  NOPRIVATE", "  ", 0 },
    };
    (void)state;
    assert_all_malformed(IMAPERR_CODE_ANNOTATIONS, cases);
}

/* ------------------------------------------------------------------------ */
/* MAXCONVERTMESSAGES, MAXCONVERTPARTS (RFC 5259): number                     */
/* ------------------------------------------------------------------------ */

static void
torture_maxconvert_rfc5259(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "a NO [MAXCONVERTMESSAGES 1] Too many messages");
    assert_decoded(d, IMAPERR_CODE_MAXCONVERTMESSAGES, 1);
    assert_field(d, "max", IMAPERR_FIELD_NUMBER, "num32", "1");
    assert_number(d, "max", "num32", 1);
    dec_free(&d);

    dec_line(&d, "a NO [MAXCONVERTPARTS 1] Too many parts");
    assert_decoded(d, IMAPERR_CODE_MAXCONVERTPARTS, 1);
    assert_number(d, "max", "num32", 1);
    dec_free(&d);

    /* number, not nz-number: 0 is valid; 2^32-1 the largest */
    dec_line(&d, "a NO [MAXCONVERTPARTS 0] none");
    assert_decoded(d, IMAPERR_CODE_MAXCONVERTPARTS, 1);
    assert_number(d, "max", "num32", 0);
    dec_free(&d);

    dec_line(&d, "a NO [MAXCONVERTMESSAGES 4294967295] many");
    assert_decoded(d, IMAPERR_CODE_MAXCONVERTMESSAGES, 1);
    assert_number(d, "max", "num32", 4294967295u);
    dec_free(&d);
}

static const struct bad num32_cases[] = {
    { "4294967296", "4294967296", 0 },
    { "-1", "-1", 0 },
    { "1 2", " 2", 0 },
    { "many", "many", 0 },
    { "1x", "x", 0 },
    { "NIL", "NIL", 0 },
};

static void
torture_maxconvertmessages_malformed(void **state)
{
    (void)state;
    assert_all_malformed(IMAPERR_CODE_MAXCONVERTMESSAGES, num32_cases);
}

static void
torture_maxconvertparts_malformed(void **state)
{
    (void)state;
    assert_all_malformed(IMAPERR_CODE_MAXCONVERTPARTS, num32_cases);
}

/* ------------------------------------------------------------------------ */
/* NOUPDATE (RFC 5267)                                                        */
/* ------------------------------------------------------------------------ */

static void
torture_noupdate_rfc5267(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "* NO [NOUPDATE \"B02\"] Too many contexts");
    assert_decoded(d, IMAPERR_CODE_NOUPDATE, 1);
    assert_field(d, "tag", IMAPERR_FIELD_STRING, "quoted", "\"B02\"");
    assert_false(field_named(&d.a, "tag")->nil);
    assert_string_field(d, "tag", "B02");
    dec_free(&d);

    dec_line(&d, "* NO [NOUPDATE \"a\\\"b\\\\c\"] x");
    assert_decoded(d, IMAPERR_CODE_NOUPDATE, 1);
    assert_string_field(d, "tag", "a\"b\\c");
    dec_free(&d);
}

static void
torture_noupdate_malformed(void **state)
{
    static const struct bad cases[] = {
        { "B02", "B02", 0 },                   /* quoted is required */
        { "NIL", "NIL", 0 },                   /* quoted, not nstring */
        { "\"B02\" x", " x", 0 },
        { "\"B\\02\"", "\\0", 0 },             /* bad escape */
        { "\"B02", "\"B02", 1 },               /* unterminated */
        { "\"B02\\\"", "\"B02\\\"", 1 },       /* the closing quote escaped */
        { "{3}", "{3}", 0 },                   /* a literal */
        { "\"B02\"\"C03\"", "\"C03\"", 0 },
        { "\"B\xff\xfe\"", "\xff", 0 },     /* not UTF-8 */
        { "\"B\xc0\xaf\"", "\xc0", 0 },     /* overlong */
    };
    (void)state;
    assert_all_malformed(IMAPERR_CODE_NOUPDATE, cases);
}

/* ------------------------------------------------------------------------ */
/* BADEVENT (RFC 5465)                                                        */
/* ------------------------------------------------------------------------ */

static void
torture_badevent_rfc5465(void **state)
{
    static const char *const events[] = { "MessageNew", "MessageExpunge", "FlagChange" };
    struct dec d;
    (void)state;
    dec_line(&d, "a NO [BADEVENT (MessageNew MessageExpunge FlagChange)] Unsupported events");
    assert_decoded(d, IMAPERR_CODE_BADEVENT, 1);
    assert_field(d, "events", IMAPERR_FIELD_LIST, "events", "MessageNew MessageExpunge FlagChange");
    assert_list(d, "events", events);
    dec_free(&d);
}

static void
torture_badevent_dovecot_bare(void **state)
{
    static const char *const events[] = { "MessageNew", "FlagChange" };
    struct dec d;
    (void)state;
    /* Dovecot omits the parentheses: accepted as a repair */
    dec_line(&d, "a NO [BADEVENT MessageNew FlagChange] Unsupported events");
    assert_decoded(d, IMAPERR_CODE_BADEVENT, 1);
    assert_int_equal(d.r.repairs, IMAPERR_REPAIR_UNPARENTHESIZED_LIST);
    assert_field(d, "events", IMAPERR_FIELD_LIST, "events", "MessageNew FlagChange");
    assert_list(d, "events", events);
    dec_free(&d);
}

static void
torture_badevent_malformed(void **state)
{
    static const struct bad cases[] = {
        { "()", "()", 0 },                                  /* 1*event */
        { "(MessageNew) x", " x", 0 },
        { "(MessageNew  FlagChange)", "  ", 0 },
        { "(MessageNew", NULL, 1 },
        { "(\"MessageNew\")", "\"", 0 },
        { "(MessageNew (FlagChange))", "(FlagChange", 0 },
        { "MessageNew)", ")", 0 },
    };
    (void)state;
    assert_all_malformed(IMAPERR_CODE_BADEVENT, cases);
}

/* ------------------------------------------------------------------------ */
/* UNDEFINED-FILTER (RFC 5466)                                                */
/* ------------------------------------------------------------------------ */

static void
torture_undefined_filter_rfc5466(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "a NO [UNDEFINED-FILTER on-the-road] Unknown filter");
    assert_decoded(d, IMAPERR_CODE_UNDEFINED_FILTER, 1);
    assert_field(d, "filter", IMAPERR_FIELD_STRING, "filtername", "on-the-road");
    assert_string_field(d, "filter", "on-the-road");
    dec_free(&d);
}

static void
torture_undefined_filter_malformed(void **state)
{
    static const struct bad cases[] = {
        { "on-the-road extra", " extra", 0 },
        { "{5}", "{5}", 0 },
        { "\"on-the-road", "\"on-the-road", 1 },
        { "on(the)road", "(", 0 },
        /* filter-name = 1*<any ATOM-CHAR except "/"> (RFC 5466) */
        { "a/b", "/", 0 },
        { "\"on-the-road\"", "\"", 0 },
    };
    (void)state;
    assert_all_malformed(IMAPERR_CODE_UNDEFINED_FILTER, cases);
}

/* ------------------------------------------------------------------------ */
/* METADATA (RFC 5464)                                                        */
/* ------------------------------------------------------------------------ */

static void
torture_metadata_rfc5464(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "a OK [METADATA LONGENTRIES 2199] GETMETADATA complete");
    assert_decoded(d, IMAPERR_CODE_METADATA, 2);
    assert_field(d, "problem", IMAPERR_FIELD_WORD, "word", "LONGENTRIES");
    assert_field(d, "value", IMAPERR_FIELD_NUMBER, "num32", "2199");
    assert_number(d, "value", "num32", 2199);
    dec_free(&d);

    dec_line(&d, "a NO [METADATA MAXSIZE 1024] Annotation too large");
    assert_decoded(d, IMAPERR_CODE_METADATA, 2);
    assert_field(d, "problem", IMAPERR_FIELD_WORD, "word", "MAXSIZE");
    assert_number(d, "value", "num32", 1024);
    dec_free(&d);

    dec_line(&d, "a NO [METADATA TOOMANY] Too many annotations");
    assert_decoded(d, IMAPERR_CODE_METADATA, 2);
    assert_field(d, "problem", IMAPERR_FIELD_WORD, "word", "TOOMANY");
    assert_absent(d, "value", IMAPERR_FIELD_NUMBER, "num32");
    dec_free(&d);

    dec_line(&d, "a NO [METADATA NOPRIVATE] Private annotations not supported");
    assert_decoded(d, IMAPERR_CODE_METADATA, 2);
    assert_field(d, "problem", IMAPERR_FIELD_WORD, "word", "NOPRIVATE");
    assert_absent(d, "value", IMAPERR_FIELD_NUMBER, "num32");
    dec_free(&d);

    dec_line(&d, "a NO [METADATA MAXSIZE 0] none");
    assert_decoded(d, IMAPERR_CODE_METADATA, 2);
    assert_number(d, "value", "num32", 0);
    dec_free(&d);
}

static void
torture_metadata_malformed(void **state)
{
    static const struct bad cases[] = {
        { "TOOMANY 5", " 5", 0 },                   /* nothing may follow */
        { "NOPRIVATE 5", " 5", 0 },
        { "MAXSIZE", NULL, 0 },                     /* a number must follow */
        { "LONGENTRIES", NULL, 0 },
        { "LONGENTRIES abc", "abc", 0 },
        { "LONGENTRIES NIL", "NIL", 0 },
        { "MAXSIZE 4294967296", "4294967296", 0 },
        { "MAXSIZE 5 6", " 6", 0 },
        { "MAXSIZE  5", "  ", 0 },
        { "BIGGER 5", "BIGGER", 0 },
        { "2199", "2199", 0 },
    };
    (void)state;
    assert_all_malformed(IMAPERR_CODE_METADATA, cases);
}

/* ------------------------------------------------------------------------ */
/* DOWNGRADED (RFC 6858)                                                      */
/* ------------------------------------------------------------------------ */

static void
torture_downgraded_rfc6858(void **state)
{
    static const imaperr_range uids[] = {
        RANGE(70, 70), RANGE(105, 105), RANGE(108, 108), RANGE(109, 109),
    };
    static const imaperr_range uids2[] = { RANGE(70, 70), RANGE(105, 105), RANGE(108, 109) };
    struct dec d;
    (void)state;
    dec_line(&d, "* OK [DOWNGRADED 70,105,108,109] x");
    assert_decoded(d, IMAPERR_CODE_DOWNGRADED, 1);
    assert_field(d, "uids", IMAPERR_FIELD_SET, "uidset", "70,105,108,109");
    assert_set(d, "uids", uids);
    dec_free(&d);

    dec_line(&d, "* OK [DOWNGRADED 70,105,109:108] x");
    assert_decoded(d, IMAPERR_CODE_DOWNGRADED, 1);
    assert_set(d, "uids", uids2);
    dec_free(&d);
}

static void
torture_downgraded_malformed(void **state)
{
    static const struct bad cases[] = {
        { "*", "*", 0 },                 /* uid-set: no "*" */
        { "70,105,*", "*", 0 },
        { "108:*", "*", 0 },
        { "0", "0", 0 },
        { "70,", ",", 0 },
        { "70 105", " 105", 0 },
        { "4294967296", "4294967296", 0 },
    };
    (void)state;
    assert_all_malformed(IMAPERR_CODE_DOWNGRADED, cases);
}

/* ------------------------------------------------------------------------ */
/* MAILBOXID (RFC 8474)                                                       */
/* ------------------------------------------------------------------------ */

static void
torture_mailboxid_rfc8474(void **state)
{
    static const char *const id[] = { "F2212ea87-6097-4256-9d51-71338625" };
    struct dec d;
    (void)state;
    dec_line(&d, "* OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] Ok");
    assert_decoded(d, IMAPERR_CODE_MAILBOXID, 1);
    assert_field(d, "id", IMAPERR_FIELD_LIST, "objectid", "F2212ea87-6097-4256-9d51-71338625");
    assert_list(d, "id", id);
    dec_free(&d);
}

static void
torture_mailboxid_length(void **state)
{
    /* objectid = 1*255(ALPHA / DIGIT / "_" / "-") */
    char idbuf[300], line[400];
    struct dec d;
    (void)state;
    memset(idbuf, 'a', 255);
    idbuf[0] = '_';
    idbuf[254] = '-';
    idbuf[255] = '\0';
    snprintf(line, sizeof line, "* OK [MAILBOXID (%s)] Ok", idbuf);
    dec_line(&d, line);
    assert_decoded(d, IMAPERR_CODE_MAILBOXID, 1);
    assert_field(d, "id", IMAPERR_FIELD_LIST, "objectid", idbuf);
    dec_free(&d);

    idbuf[255] = 'z';
    idbuf[256] = '\0';
    snprintf(line, sizeof line, "* OK [MAILBOXID (%s)] Ok", idbuf);
    dec_line(&d, line);
    assert_int_equal(d.r.code, IMAPERR_CODE_MAILBOXID);
    assert_int_equal(d.a.state, IMAPERR_ARGS_MALFORMED);
    assert_non_null(d.a.error);
    assert_in_range(d.a.error_offset, 0, 258);
    dec_free(&d);
}

static void
torture_mailboxid_malformed(void **state)
{
    static const struct bad cases[] = {
        { "()", "()", 0 },                  /* empty */
        { "(a b)", " b)", 0 },              /* two ids */
        { "(F22!)", "!", 0 },               /* not ALPHA / DIGIT / "_" / "-" */
        { "(F22.x)", ".", 0 },
        { "F2212", "F2212", 0 },            /* no parentheses */
        { "(F2212) x", " x", 0 },
        { "(F22 )", " )", 0 },
        { "(\"F22\")", "\"F22\"", 0 },
        { "(F22", NULL, 1 },
    };
    (void)state;
    assert_all_malformed(IMAPERR_CODE_MAILBOXID, cases);
}

/* ------------------------------------------------------------------------ */
/* INPROGRESS (RFC 9585)                                                      */
/* ------------------------------------------------------------------------ */

static void
torture_inprogress_rfc9585(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "* OK [INPROGRESS (\"A1\" 2400 NIL)] Searching");
    assert_decoded(d, IMAPERR_CODE_INPROGRESS, 3);
    assert_string_equal(d.a.field[0].name, "tag");
    assert_string_equal(d.a.field[1].name, "count");
    assert_string_equal(d.a.field[2].name, "total");
    assert_field(d, "tag", IMAPERR_FIELD_STRING, "nstring", "\"A1\"");
    assert_false(field_named(&d.a, "tag")->nil);
    assert_string_field(d, "tag", "A1");
    assert_field(d, "count", IMAPERR_FIELD_NUMBER, "nnumber", "2400");
    assert_number(d, "count", "nnumber", 2400);
    assert_nil(d, "total", IMAPERR_FIELD_NUMBER, "nnumber");
    dec_free(&d);

    dec_line(&d, "* OK [INPROGRESS (\"A1\" 2400 4800)] Searching");
    assert_decoded(d, IMAPERR_CODE_INPROGRESS, 3);
    assert_string_field(d, "tag", "A1");
    assert_number(d, "count", "nnumber", 2400);
    assert_number(d, "total", "nnumber", 4800);
    dec_free(&d);
}

static void
torture_inprogress_nil_and_bare(void **state)
{
    struct dec d;
    (void)state;
    /* Dovecot sends NIL as the tag when the tag contains "]" */
    dec_line(&d, "* OK [INPROGRESS (NIL NIL NIL)] Working");
    assert_decoded(d, IMAPERR_CODE_INPROGRESS, 3);
    assert_nil(d, "tag", IMAPERR_FIELD_STRING, "nstring");
    assert_nil(d, "count", IMAPERR_FIELD_NUMBER, "nnumber");
    assert_nil(d, "total", IMAPERR_FIELD_NUMBER, "nnumber");
    dec_free(&d);

    dec_line(&d, "* OK [INPROGRESS (\"a\\\"]\" 0 4294967295)] Working");
    assert_decoded(d, IMAPERR_CODE_INPROGRESS, 3);
    assert_string_field(d, "tag", "a\"]");
    assert_number(d, "count", "nnumber", 0);
    assert_number(d, "total", "nnumber", 4294967295u);
    dec_free(&d);

    /* the arguments are optional: absent fields, state NONE */
    dec_line(&d, "* OK [INPROGRESS] Working");
    assert_int_equal(d.r.code, IMAPERR_CODE_INPROGRESS);
    assert_int_equal(d.a.state, IMAPERR_ARGS_NONE);
    assert_null(d.a.error);
    assert_int_equal(d.a.nfields, 3);
    assert_absent(d, "tag", IMAPERR_FIELD_STRING, "nstring");
    assert_absent(d, "count", IMAPERR_FIELD_NUMBER, "nnumber");
    assert_absent(d, "total", IMAPERR_FIELD_NUMBER, "nnumber");
    dec_free(&d);
}

static void
torture_inprogress_malformed(void **state)
{
    static const struct bad cases[] = {
        { "(\"A1\" 2400)", ")", 0 },                        /* total missing */
        { "(\"A1\" 2400 4800 1)", " 1)", 0 },               /* one too many */
        { "(\"A1\" 2400 4800 )", " )", 0 },                 /* space before ")" */
        { "(A1 2400 4800)", "A1", 0 },                      /* the tag is quoted */
        { "(\"A1\" 2400 4294967296)", "4294967296", 0 },
        { "(\"A1\" -1 NIL)", "-1", 0 },
        { "\"A1\" 2400 4800", "\"A1\"", 0 },                /* no parentheses */
        { "(\"A1\" 2400 4800) x", " x", 0 },
        { "(\"A1\" NILL 4800)", "NILL", 0 },
        { "(\"A\\1\" 2400 4800)", "\\1", 0 },               /* bad escape */
        { "(\"A1\"  2400 4800)", "  ", 0 },
        { "(\"A1\" 2400 4800", NULL, 1 },                   /* unclosed */
        { "(\"A1 2400 4800)", "\"A1 2400 4800)", 1 },       /* unterminated quote */
        { "()", ")", 0 },
    };
    (void)state;
    assert_all_malformed(IMAPERR_CODE_INPROGRESS, cases);
}

/* ------------------------------------------------------------------------ */
/* CAPABILITY (RFC 3501 capability-data)                                      */
/* ------------------------------------------------------------------------ */

static void
torture_capability_greeting(void **state)
{
    static const char *const caps[] = {
        "IMAP4rev1", "SASL-IR", "LOGIN-REFERRALS", "ID", "ENABLE", "IDLE", "LITERAL+",
        "AUTH=PLAIN",
    };
    struct dec d;
    (void)state;
    dec_line(&d, "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ "
                 "AUTH=PLAIN] Dovecot ready.");
    assert_decoded(d, IMAPERR_CODE_CAPABILITY, 1);
    assert_field(d, "capabilities", IMAPERR_FIELD_LIST, "atoms",
                 "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN");
    assert_list(d, "capabilities", caps);
    dec_free(&d);
}

static void
torture_capability_malformed(void **state)
{
    static const struct bad cases[] = {
        { "IMAP4rev1  IDLE", "  ", 0 },
        { "IMAP4rev1 \"IDLE\"", "\"", 0 },
        { "IMAP4rev1 IDLE)", ")", 0 },
        { "IMAP4rev1 {5}", "{5}", 0 },
        { "IMAP4rev1 AUTH=*", "*", 0 },
        { "(IMAP4rev1 IDLE)", "(", 0 },   /* capability-data has no parentheses */
    };
    (void)state;
    assert_all_malformed(IMAPERR_CODE_CAPABILITY, cases);
}

/* ------------------------------------------------------------------------ */
/* WEBALERT (Gmail)                                                           */
/* ------------------------------------------------------------------------ */

static void
torture_webalert_gmail(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "* NO [WEBALERT https://accounts.google.com/signin/continue?sarp=1&scc=1"
                 "&plt=AKgnsbsAAA] Web login required.");
    assert_decoded(d, IMAPERR_CODE_WEBALERT, 1);
    assert_field(d, "url", IMAPERR_FIELD_URL, "url-web",
                 "https://accounts.google.com/signin/continue?sarp=1&scc=1&plt=AKgnsbsAAA");
    dec_free(&d);

    dec_line(&d, "* NO [WEBALERT http://example.com/login] x");
    assert_decoded(d, IMAPERR_CODE_WEBALERT, 1);
    assert_field(d, "url", IMAPERR_FIELD_URL, "url-web", "http://example.com/login");
    dec_free(&d);

    dec_line(&d, "* NO [WEBALERT HTTPS://EXAMPLE.COM/] x");
    assert_decoded(d, IMAPERR_CODE_WEBALERT, 1);
    assert_field(d, "url", IMAPERR_FIELD_URL, "url-web", "HTTPS://EXAMPLE.COM/");
    dec_free(&d);
}

static void
torture_webalert_malformed(void **state)
{
    static const struct bad cases[] = {
        { "javascript:alert(document.cookie)", "javascript:", 0 },
        { "imap://mail.example.com/", "imap://", 0 },
        { "ftp://example.com/", "ftp://", 0 },
        { "https://", "https://", 0 },
        { "https:/example.com", "https:/", 0 },
        { "data:text/html,x", "data:", 0 },
        { "https://accounts.google.com/ x", " x", 0 },
        { "https://accounts.google.com/\x7f", "\x7f", 0 },
        { "https://accounts.google.com/\xc3\xa9", "\xc3", 0 },
        { "https://a.example/\x1b[31m", "\x1b", 0 },
    };
    (void)state;
    assert_all_malformed(IMAPERR_CODE_WEBALERT, cases);
}

/* ------------------------------------------------------------------------ */
/* MESSAGELIMIT (RFC 9738)                                                    */
/* ------------------------------------------------------------------------ */

static void
torture_messagelimit_rfc9738(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "a OK [MESSAGELIMIT 1000 23007] Partial result");
    assert_decoded(d, IMAPERR_CODE_MESSAGELIMIT, 2);
    assert_field(d, "limit", IMAPERR_FIELD_NUMBER, "nz32", "1000");
    assert_number(d, "limit", "nz32", 1000);
    assert_field(d, "uid", IMAPERR_FIELD_NUMBER, "nz32", "23007");
    assert_number(d, "uid", "nz32", 23007);
    assert_int_equal(d.r.number, 1000);
    assert_int_equal(d.r.number2, 23007);
    dec_free(&d);

    dec_line(&d, "a NO [MESSAGELIMIT 1000] Too many messages");
    assert_decoded(d, IMAPERR_CODE_MESSAGELIMIT, 2);
    assert_number(d, "limit", "nz32", 1000);
    assert_absent(d, "uid", IMAPERR_FIELD_NUMBER, "nz32");
    dec_free(&d);
}

static void
torture_messagelimit_malformed(void **state)
{
    static const struct bad cases[] = {
        { "0", "0", 0 },
        { "1000 0", " 0", 0 },
        { "1000 23007 5", " 5", 0 },
        { "1000 x", "x", 0 },
        { "4294967296", "4294967296", 0 },
        { "1000 4294967296", "4294967296", 0 },
        { "1000  23007", "  ", 0 },
        { "1000,23007", ",", 0 },
    };
    (void)state;
    assert_all_malformed(IMAPERR_CODE_MESSAGELIMIT, cases);
}

/* ------------------------------------------------------------------------ */
/* Oversize lists                                                             */
/* ------------------------------------------------------------------------ */

#define BIG_ITEMS 100000

enum big_kind { BIG_ATOMS, BIG_FLAGS, BIG_RANGES };

/* head + BIG_ITEMS items ("X0 X1 ...", "\\F0 \\F1 ..." or "0:1,1:2,...") + tail,
 * malloc'd with exactly its length. */
static char *
big_line(const char *head, enum big_kind kind, const char *tail, size_t *len)
{
    size_t cap = strlen(head) + strlen(tail) + (size_t)BIG_ITEMS * 32, n;
    char *p = malloc(cap), *q;
    unsigned i;
    assert_non_null(p);
    n = (size_t)snprintf(p, cap, "%s", head);
    for (i = 0; i < BIG_ITEMS; i++) {
        if (i > 0)
            p[n++] = kind == BIG_RANGES ? ',' : ' ';
        if (kind == BIG_ATOMS)
            n += (size_t)snprintf(p + n, cap - n, "X%u", i);
        else if (kind == BIG_FLAGS)
            n += (size_t)snprintf(p + n, cap - n, "\\F%u", i);
        else
            n += (size_t)snprintf(p + n, cap - n, "%u:%u", i, i + 1);
    }
    n += (size_t)snprintf(p + n, cap - n, "%s", tail);
    assert_true(n < cap);
    q = exact_copy(p, n);
    free(p);
    *len = n;
    return q;
}

static void
torture_oversize_capability(void **state)
{
    size_t len, count = 0;
    char *line = big_line("* OK [CAPABILITY ", BIG_ATOMS, "] ready", &len);
    struct dec d;
    imaperr_list_iter it;
    imaperr_slice item, last = { NULL, 0 };
    (void)state;
    dec_line_n(&d, line, len);
    free(line);
    assert_decoded(d, IMAPERR_CODE_CAPABILITY, 1);
    assert_int_equal(imaperr_list_iter_init(&it, field_named(&d.a, "capabilities")), IMAPERR_OK);
    while (imaperr_list_next(&it, &item) == 1) {
        if (count == 0)
            assert_slice_equal(item, "X0");
        last = item;
        count++;
    }
    assert_int_equal(count, BIG_ITEMS);
    assert_slice_equal(last, "X99999");
    dec_free(&d);
}

static void
torture_oversize_permanentflags(void **state)
{
    size_t len, count = 0;
    char *line = big_line("* OK [PERMANENTFLAGS (", BIG_FLAGS, " \\*)] flags", &len);
    struct dec d;
    imaperr_list_iter it;
    imaperr_slice item, last = { NULL, 0 };
    (void)state;
    dec_line_n(&d, line, len);
    free(line);
    assert_decoded(d, IMAPERR_CODE_PERMANENTFLAGS, 1);
    assert_int_equal(imaperr_list_iter_init(&it, field_named(&d.a, "flags")), IMAPERR_OK);
    while (imaperr_list_next(&it, &item) == 1) {
        if (count == 0)
            assert_slice_equal(item, "\\F0");
        if (count == BIG_ITEMS - 1)
            assert_slice_equal(item, "\\F99999");
        last = item;
        count++;
    }
    assert_int_equal(count, BIG_ITEMS + 1);
    assert_slice_equal(last, "\\*");
    dec_free(&d);
}

static void
torture_oversize_sets(void **state)
{
    size_t len, count = 0;
    char *line = big_line("a OK [MODIFIED ", BIG_RANGES, "] x", &len);
    struct dec d;
    imaperr_set_iter it;
    imaperr_range r;
    int rc;
    (void)state;
    /* items "0:1" fail (zero): start the set at 1 by patching the first item */
    dec_line_n(&d, line, len);
    assert_int_equal(d.a.state, IMAPERR_ARGS_MALFORMED); /* "0:1" */
    dec_free(&d);
    line[15] = '*';  /* "a OK [MODIFIED *:1,1:2,..." */
    dec_line_n(&d, line, len);
    free(line);
    assert_decoded(d, IMAPERR_CODE_MODIFIED, 1);
    assert_int_equal(imaperr_set_iter_init(&it, field_named(&d.a, "uids")), IMAPERR_OK);
    while ((rc = imaperr_set_next(&it, &r)) == 1) {
        if (count == 0) {
            assert_int_equal(r.lo, 1);
            assert_int_equal(r.hi_star, 1);
        } else {
            assert_int_equal(r.lo, count);
            assert_int_equal(r.hi, count + 1);
        }
        count++;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(count, BIG_ITEMS);
    dec_free(&d);
}

/* ------------------------------------------------------------------------ */
/* Never reading past the line                                                */
/* ------------------------------------------------------------------------ */

static const char long_copyuid[] =
    "a002 OK [COPYUID 4294967295 1,2:3,4294967295:4294967294,12345:67890,7,8,9,10:11,"
    "100000:200000,3000000000:4000000000 4000000000:3000000000,1:2,3,4294967295,5:6,"
    "77777:88888,9,10,11:12,13] Done";

static const char long_inprogress[] =
    "* OK [INPROGRESS (\"A\\\"1\\\\x]y\" 4294967295 NIL)] Searching 42% done";

static void
torture_prefixes_copyuid_line(void **state)
{
    struct dec d;
    (void)state;
    /* the whole line decodes */
    dec_line(&d, long_copyuid);
    assert_decoded(d, IMAPERR_CODE_COPYUID, 3);
    assert_int_equal(sane(&d, "copyuid"), 0);
    dec_free(&d);
    assert_int_equal(sweep_line_prefixes(long_copyuid), 0);
}

static void
torture_prefixes_copyuid_args(void **state)
{
    const char *args = strstr(long_copyuid, "[COPYUID ") + 9;
    char buf[512];
    size_t n = (size_t)(strchr(args, ']') - args);
    (void)state;
    assert_true(n < sizeof buf);
    memcpy(buf, args, n);
    buf[n] = '\0';
    assert_int_equal(sweep_arg_prefixes(IMAPERR_CODE_COPYUID, buf), 0);
}

static void
torture_prefixes_inprogress_line(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, long_inprogress);
    assert_decoded(d, IMAPERR_CODE_INPROGRESS, 3);
    assert_string_field(d, "tag", "A\"1\\x]y");
    assert_number(d, "count", "nnumber", 4294967295u);
    assert_nil(d, "total", IMAPERR_FIELD_NUMBER, "nnumber");
    dec_free(&d);
    assert_int_equal(sweep_line_prefixes(long_inprogress), 0);
}

static void
torture_prefixes_inprogress_args(void **state)
{
    (void)state;
    assert_int_equal(sweep_arg_prefixes(IMAPERR_CODE_INPROGRESS,
                                        "(\"A\\\"1\\\\x y\" 4294967295 NIL)"), 0);
}

static void
torture_prefixes_inprogress_are_malformed(void **state)
{
    /* every proper, non-empty prefix of INPROGRESS arguments is malformed,
     * with a reason */
    static const char args[] = "(\"A1\" 2400 4800)";
    size_t k;
    int problems = 0;
    (void)state;
    for (k = 1; k < sizeof args - 1; k++) {
        struct dec d;
        dec_args_n(&d, IMAPERR_CODE_INPROGRESS, args, k);
        if (d.a.state != IMAPERR_ARGS_MALFORMED || d.a.error == NULL || d.a.error_offset > k) {
            print_error("# INPROGRESS \"%.*s\": state %s, error \"%s\", offset %zu\n", (int)k, args,
                        state_name(d.a.state), d.a.error ? d.a.error : "(null)",
                        d.a.error_offset);
            problems++;
        }
        dec_free(&d);
    }
    assert_int_equal(problems, 0);
}

/* Arguments of every kind at exactly the end of their buffer. */
static void
torture_args_at_buffer_end(void **state)
{
    static const struct {
        imaperr_code code;
        const char *args;
        imaperr_args_state st;
    } cases[] = {
        { IMAPERR_CODE_UIDNEXT, "4392", IMAPERR_ARGS_DECODED },
        { IMAPERR_CODE_HIGHESTMODSEQ, "9223372036854775807", IMAPERR_ARGS_DECODED },
        { IMAPERR_CODE_COPYUID, "1 2:3 4:5", IMAPERR_ARGS_DECODED },
        { IMAPERR_CODE_COPYUID, "1 2:3 4:", IMAPERR_ARGS_MALFORMED },
        { IMAPERR_CODE_MODIFIED, "1,*", IMAPERR_ARGS_DECODED },
        { IMAPERR_CODE_MODIFIED, "1:*", IMAPERR_ARGS_DECODED },
        { IMAPERR_CODE_NOUPDATE, "\"B02\"", IMAPERR_ARGS_DECODED },
        { IMAPERR_CODE_NOUPDATE, "\"B02\\", IMAPERR_ARGS_MALFORMED },
        { IMAPERR_CODE_NOUPDATE, "\"B02", IMAPERR_ARGS_MALFORMED },
        { IMAPERR_CODE_NEWNAME, "a \"b\"", IMAPERR_ARGS_DECODED },
        { IMAPERR_CODE_NEWNAME, "a ", IMAPERR_ARGS_MALFORMED },
        { IMAPERR_CODE_BADCHARSET, "(UTF-8)", IMAPERR_ARGS_DECODED },
        { IMAPERR_CODE_BADCHARSET, "(\"UTF-8\"", IMAPERR_ARGS_MALFORMED },
        { IMAPERR_CODE_BADCHARSET, "(UTF-8 ", IMAPERR_ARGS_MALFORMED },
        { IMAPERR_CODE_PERMANENTFLAGS, "(\\", IMAPERR_ARGS_MALFORMED },
        { IMAPERR_CODE_PERMANENTFLAGS, "(\\*", IMAPERR_ARGS_MALFORMED },
        { IMAPERR_CODE_ANNOTATIONS, "1024", IMAPERR_ARGS_DECODED },
        { IMAPERR_CODE_ANNOTATIONS, "1024 ", IMAPERR_ARGS_MALFORMED },
        { IMAPERR_CODE_ANNOTATIONS, "NONE", IMAPERR_ARGS_DECODED },
        { IMAPERR_CODE_METADATA, "MAXSIZE ", IMAPERR_ARGS_MALFORMED },
        { IMAPERR_CODE_METADATA, "TOOMANY", IMAPERR_ARGS_DECODED },
        { IMAPERR_CODE_MESSAGELIMIT, "1000 ", IMAPERR_ARGS_MALFORMED },
        { IMAPERR_CODE_WEBALERT, "https://x", IMAPERR_ARGS_DECODED },
        { IMAPERR_CODE_WEBALERT, "https:/", IMAPERR_ARGS_MALFORMED },
        { IMAPERR_CODE_REFERRAL, "imap://x", IMAPERR_ARGS_DECODED },
        { IMAPERR_CODE_INPROGRESS, "(NIL NIL NIL)", IMAPERR_ARGS_DECODED },
        { IMAPERR_CODE_INPROGRESS, "(NIL NIL NI", IMAPERR_ARGS_MALFORMED },
        { IMAPERR_CODE_INPROGRESS, "(", IMAPERR_ARGS_MALFORMED },
        { IMAPERR_CODE_MAILBOXID, "(abc", IMAPERR_ARGS_MALFORMED },
        { IMAPERR_CODE_BADEVENT, "MessageNew", IMAPERR_ARGS_DECODED },
        { IMAPERR_CODE_CAPABILITY, "IMAP4rev1", IMAPERR_ARGS_DECODED },
        { IMAPERR_CODE_CAPABILITY, "IMAP4rev1 ", IMAPERR_ARGS_MALFORMED },
        { IMAPERR_CODE_URLMECH, "INTERNAL", IMAPERR_ARGS_DECODED },
        { IMAPERR_CODE_URLMECH, "INTERNAL ", IMAPERR_ARGS_MALFORMED },
        { IMAPERR_CODE_BADURL, "x", IMAPERR_ARGS_DECODED },
        { IMAPERR_CODE_COPYUID, "", IMAPERR_ARGS_MALFORMED },  /* required, missing */
    };
    size_t i;
    int problems = 0;
    (void)state;
    for (i = 0; i < N_ELEMS(cases); i++) {
        struct dec d;
        dec_args(&d, cases[i].code, cases[i].args);
        if (d.a.state != cases[i].st) {
            print_error("# %s \"%s\": state %s, expected %s (%s)\n",
                        imaperr_code_name(cases[i].code), cases[i].args, state_name(d.a.state),
                        state_name(cases[i].st), d.a.error ? d.a.error : "");
            problems++;
        }
        problems += sane(&d, "at buffer end");
        dec_free(&d);
    }
    assert_int_equal(problems, 0);
}

/* ------------------------------------------------------------------------ */
/* Random arguments: never a crash, always a consistent result                */
/* ------------------------------------------------------------------------ */

static uint64_t xs_state;

static uint64_t
xs_next(void)
{
    uint64_t x = xs_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    xs_state = x;
    return x;
}

static void
torture_random_arguments(void **state)
{
    static const char *const pieces[] = {
        " ", " ", "0", "1", "7", "42", ":", ",", "*", "(", ")", "\"", "\\", "{5}", "NIL",
        "\\Seen", "\\*", "INTERNAL", "NONE", "READ-ONLY", "NOPRIVATE", "TOOMANY", "MAXSIZE",
        "LONGENTRIES", "imap://", "https://", "x", "4294967295", "4294967296",
        "9223372036854775808", "\x01", "\x7f", "\xc3\xa9", "]", "=", "-", "AUTH=PLAIN",
    };
    size_t i, c;
    int problems = 0;
    (void)state;
    xs_state = 0x9E3779B97F4A7C15ull;
    for (c = 0; c < N_ELEMS(issue_codes); c++) {
        imaperr_code code = imaperr_code_from_name(issue_codes[c], strlen(issue_codes[c]));
        assert_int_not_equal(code, IMAPERR_CODE_UNKNOWN);
        for (i = 0; i < 300; i++) {
            char args[256];
            size_t n = 0, k, np = (size_t)(xs_next() % 12);
            struct dec d;
            for (k = 0; k < np; k++) {
                const char *p = pieces[xs_next() % N_ELEMS(pieces)];
                size_t pl = strlen(p);
                if (n + pl >= sizeof args)
                    break;
                memcpy(args + n, p, pl);
                n += pl;
            }
            dec_args_n(&d, code, args, n);
            problems += sane(&d, "random");
            dec_free(&d);
        }
    }
    assert_int_equal(problems, 0);
}

/* ------------------------------------------------------------------------ */
/* Round trip of UID sets (property test)                                     */
/* ------------------------------------------------------------------------ */

static uint32_t
gen_uid(void)
{
    switch (xs_next() % 8) {
    case 0:
        return 1;
    case 1:
        return UINT32_MAX;
    case 2:
        return UINT32_MAX - (uint32_t)(xs_next() % 16);
    case 3:
        return 1 + (uint32_t)(xs_next() % 100);
    default: {
        uint32_t v = (uint32_t)(xs_next() >> 16);
        return v ? v : 1;
    }
    }
}

/* A random uid-set of 1-20 ranges, rendered into out; the normalised
 * ranges in want. */
static size_t
gen_set(char *out, size_t cap, imaperr_range *want)
{
    size_t n = 1 + (size_t)(xs_next() % 20), k, o = 0;
    for (k = 0; k < n; k++) {
        uint32_t a = gen_uid(), b;
        unsigned kind = (unsigned)(xs_next() % 4);
        int w;
        if (kind == 0) {
            w = snprintf(out + o, cap - o, "%s%" PRIu32, k ? "," : "", a);
            b = a;
        } else {
            b = kind == 3 ? a : gen_uid();  /* kind 3: "a:a" */
            w = snprintf(out + o, cap - o, "%s%" PRIu32 ":%" PRIu32, k ? "," : "", a, b);
        }
        assert_true(w > 0 && (size_t)w < cap - o);
        o += (size_t)w;
        want[k].lo = a < b ? a : b;
        want[k].hi = a < b ? b : a;
        want[k].lo_star = want[k].hi_star = 0;
    }
    return n;
}

static void
torture_uid_set_round_trip(void **state)
{
    unsigned iter;
    (void)state;
    xs_state = 0x2545F4914F6CDD1Dull;
    for (iter = 0; iter < 3000; iter++) {
        char s1[512], s2[512], line[1200];
        imaperr_range w1[20], w2[20];
        size_t n1 = gen_set(s1, sizeof s1, w1), n2 = gen_set(s2, sizeof s2, w2);
        struct dec d;
        snprintf(line, sizeof line, "a OK [COPYUID 7 %s %s] done", s1, s2);
        dec_line(&d, line);
        if (d.a.state != IMAPERR_ARGS_DECODED)
            fail_msg("iteration %u: \"%s\" gave %s (%s)", iter, line, state_name(d.a.state),
                     d.a.error ? d.a.error : "");
        assert_number(d, "uidvalidity", "nz32", 7);
        assert_field(d, "source", IMAPERR_FIELD_SET, "uidset", s1);
        assert_field(d, "destination", IMAPERR_FIELD_SET, "uidset", s2);
        check_set(&d, "source", w1, n1);
        check_set(&d, "destination", w2, n2);
        dec_free(&d);
    }
}

/* ------------------------------------------------------------------------ */
/* Iterators                                                                  */
/* ------------------------------------------------------------------------ */

static void
torture_set_iter_single_ranges_stars(void **state)
{
    static const imaperr_range uids[] = {
        RANGE(5, 5), RANGE(1, 10), RANGE(1, 10), RANGE_STAR, RANGE_TO_STAR(3), RANGE_TO_STAR(3),
        RANGE(4294967295u, 4294967295u),
    };
    struct dec d;
    imaperr_set_iter it;
    imaperr_range r;
    (void)state;
    dec_line(&d, "a OK [MODIFIED 5,1:10,10:1,*,3:*,*:3,4294967295] x");
    assert_decoded(d, IMAPERR_CODE_MODIFIED, 1);
    assert_set(d, "uids", uids);
    /* a second iterator over the same field starts over */
    assert_int_equal(imaperr_set_iter_init(&it, field_named(&d.a, "uids")), IMAPERR_OK);
    assert_int_equal(imaperr_set_next(&it, &r), 1);
    assert_int_equal(r.lo, 5);
    assert_int_equal(r.hi, 5);
    assert_int_equal(r.lo_star, 0);
    assert_int_equal(r.hi_star, 0);
    dec_free(&d);
}

static void
torture_set_iter_invalid(void **state)
{
    struct dec d;
    imaperr_set_iter it;
    imaperr_range r;
    (void)state;
    dec_line(&d, "a OK [MESSAGELIMIT 1000] x");
    /* a NUMBER field, an absent field */
    assert_int_equal(imaperr_set_iter_init(&it, field_named(&d.a, "limit")), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_set_iter_init(&it, field_named(&d.a, "uid")), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_set_iter_init(&it, NULL), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_set_iter_init(NULL, field_named(&d.a, "limit")), IMAPERR_E_INVALID);
    dec_free(&d);

    dec_line(&d, "a OK [BADCHARSET (UTF-8)] x");
    /* a LIST field */
    assert_int_equal(imaperr_set_iter_init(&it, field_named(&d.a, "charsets")), IMAPERR_E_INVALID);
    dec_free(&d);

    dec_line(&d, "a OK [COPYUID 1 2 3] x");
    assert_int_equal(imaperr_set_iter_init(NULL, field_named(&d.a, "source")), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_set_iter_init(&it, field_named(&d.a, "source")), IMAPERR_OK);
    assert_int_equal(imaperr_set_next(&it, NULL), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_set_next(NULL, &r), IMAPERR_E_INVALID);
    dec_free(&d);
}

/* A SET field made by hand, to reach the iterator's own checks. */
static void
torture_set_iter_malformed_field(void **state)
{
    static const struct {
        const char *raw, *syntax;
        unsigned good; /* ranges read before the error */
    } cases[] = {
        { "1,*", "uidset", 1 },
        { "1,", "uidset", 0 },  /* a trailing comma spoils the last range */
        { "0", "uidset", 0 },
        { "4294967296", "seqset", 0 },
        { "1:", "seqset", 0 },
        { "1;2", "seqset", 0 },
        { ",1", "seqset", 0 },
        { "1:2:3", "seqset", 0 },
        { "**", "seqset", 0 },
    };
    size_t i;
    (void)state;
    for (i = 0; i < N_ELEMS(cases); i++) {
        size_t n = strlen(cases[i].raw);
        char *buf = exact_copy(cases[i].raw, n);
        imaperr_field f;
        imaperr_set_iter it;
        imaperr_range r;
        unsigned k;
        memset(&f, 0, sizeof f);
        f.name = "uids";
        f.type = IMAPERR_FIELD_SET;
        f.syntax = cases[i].syntax;
        f.present = 1;
        f.raw.ptr = buf;
        f.raw.len = n;
        assert_int_equal(imaperr_set_iter_init(&it, &f), IMAPERR_OK);
        for (k = 0; k < cases[i].good; k++)
            assert_int_equal(imaperr_set_next(&it, &r), 1);
        if (imaperr_set_next(&it, &r) != IMAPERR_E_SYNTAX)
            fail_msg("set \"%s\" (%s): no syntax error", cases[i].raw, cases[i].syntax);
        /* after an error, the end */
        assert_int_equal(imaperr_set_next(&it, &r), 0);
        free(buf);
    }
}

static void
torture_list_iter_escaped_quotes(void **state)
{
    static const char *const items[] = {
        "\"say \\\"hi\\\"\"", "\"back\\\\slash\"", "\"\\\\\"", "\"\\\"\"", "plain",
    };
    static const char *const decoded[] = { "say \"hi\"", "back\\slash", "\\", "\"", "plain" };
    struct dec d;
    imaperr_list_iter it;
    imaperr_slice item;
    size_t k = 0;
    (void)state;
    dec_line(&d, "a NO [BADCHARSET (\"say \\\"hi\\\"\" \"back\\\\slash\" \"\\\\\" "
                 "\"\\\"\" plain)] x");
    assert_decoded(d, IMAPERR_CODE_BADCHARSET, 1);
    assert_list(d, "charsets", items);
    assert_int_equal(imaperr_list_iter_init(&it, field_named(&d.a, "charsets")), IMAPERR_OK);
    while (imaperr_list_next(&it, &item) == 1)
        check_string(item, decoded[k++]);
    assert_int_equal(k, N_ELEMS(decoded));
    dec_free(&d);
}

static void
torture_list_iter_invalid(void **state)
{
    struct dec d;
    imaperr_list_iter it;
    imaperr_slice item;
    imaperr_field f;
    char *buf;
    (void)state;
    dec_line(&d, "a OK [COPYUID 1 2 3] x");
    /* a SET field, a NUMBER field */
    assert_int_equal(imaperr_list_iter_init(&it, field_named(&d.a, "source")), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_list_iter_init(&it, field_named(&d.a, "uidvalidity")),
                     IMAPERR_E_INVALID);
    dec_free(&d);

    dec_line(&d, "a OK [BADCHARSET] x");
    /* an absent field */
    assert_int_equal(imaperr_list_iter_init(&it, field_named(&d.a, "charsets")), IMAPERR_E_INVALID);
    dec_free(&d);

    dec_line(&d, "a OK [URLMECH INTERNAL] x");
    assert_int_equal(imaperr_list_iter_init(&it, field_named(&d.a, "mechanisms")),
                     IMAPERR_E_INVALID);
    assert_int_equal(imaperr_list_iter_init(&it, NULL), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_list_iter_init(NULL, field_named(&d.a, "mechanisms")),
                     IMAPERR_E_INVALID);
    dec_free(&d);

    dec_line(&d, "a OK [PERMANENTFLAGS (\\Seen)] x");
    assert_int_equal(imaperr_list_iter_init(&it, field_named(&d.a, "flags")), IMAPERR_OK);
    assert_int_equal(imaperr_list_next(&it, NULL), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_list_next(NULL, &item), IMAPERR_E_INVALID);
    dec_free(&d);

    /* a hand-made LIST field with an unterminated quoted item */
    buf = exact_copy("a \"b\\\"", 6);
    memset(&f, 0, sizeof f);
    f.name = "charsets";
    f.type = IMAPERR_FIELD_LIST;
    f.syntax = "charsets";
    f.present = 1;
    f.raw.ptr = buf;
    f.raw.len = 6;
    assert_int_equal(imaperr_list_iter_init(&it, &f), IMAPERR_OK);
    assert_int_equal(imaperr_list_next(&it, &item), 1);
    assert_int_equal(item.len, 1);
    assert_int_equal(imaperr_list_next(&it, &item), IMAPERR_E_SYNTAX);
    assert_int_equal(imaperr_list_next(&it, &item), 0);
    free(buf);
}

static void
torture_args_field_lookup(void **state)
{
    struct dec d;
    imaperr_args small;
    (void)state;
    dec_line(&d, "A004 OK [COPYUID 38505 304,319:320 3956:3958] Done");
    assert_ptr_equal(imaperr_args_field(&d.a, "uidvalidity"), &d.a.field[0]);
    assert_ptr_equal(imaperr_args_field(&d.a, "source"), &d.a.field[1]);
    assert_ptr_equal(imaperr_args_field(&d.a, "destination"), &d.a.field[2]);
    assert_null(imaperr_args_field(&d.a, "uids"));
    assert_null(imaperr_args_field(&d.a, ""));
    assert_null(imaperr_args_field(&d.a, "SOURCE"));
    assert_null(imaperr_args_field(&d.a, NULL));
    assert_null(imaperr_args_field(NULL, "source"));
    small = d.a;
    small.size = sizeof(imaperr_args) - 1;
    assert_null(imaperr_args_field(&small, "source"));
    dec_free(&d);
}

/* ------------------------------------------------------------------------ */
/* imaperr_string_decode                                                      */
/* ------------------------------------------------------------------------ */

/* Decode a NUL-terminated string from an exact copy. */
static int
sdecode(const char *raw, char *buf, size_t cap)
{
    size_t n = strlen(raw);
    char *copy = exact_copy(raw, n);
    imaperr_slice s;
    int rc;
    s.ptr = copy;
    s.len = n;
    rc = imaperr_string_decode(s, buf, cap);
    free(copy);
    return rc;
}

static void
torture_string_atoms_and_quoted(void **state)
{
    char buf[64];
    imaperr_slice none = { NULL, 0 };
    (void)state;
    assert_int_equal(sdecode("UTF-8", buf, sizeof buf), 5);
    assert_string_equal(buf, "UTF-8");
    assert_int_equal(sdecode("\"B02\"", buf, sizeof buf), 3);
    assert_string_equal(buf, "B02");
    assert_int_equal(sdecode("\"a\\\"b\\\\c\"", buf, sizeof buf), 5);
    assert_string_equal(buf, "a\"b\\c");
    assert_int_equal(sdecode("\"\"", buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    assert_int_equal(sdecode("\"with space\"", buf, sizeof buf), 10);
    assert_string_equal(buf, "with space");
    assert_int_equal(sdecode("\"\\\\\"", buf, sizeof buf), 1);
    assert_string_equal(buf, "\\");
    assert_int_equal(sdecode("\"\\\"\"", buf, sizeof buf), 1);
    assert_string_equal(buf, "\"");
    /* flags are atoms to the decoder: kept as they are */
    assert_int_equal(sdecode("\\Seen", buf, sizeof buf), 5);
    assert_string_equal(buf, "\\Seen");
    assert_int_equal(sdecode("", buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    buf[0] = 'x';
    assert_int_equal(imaperr_string_decode(none, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
}

static void
torture_string_snprintf_contract(void **state)
{
    char buf[16];
    (void)state;
    /* the full length whatever the capacity; NUL-terminated when cap > 0 */
    assert_int_equal(sdecode("\"abcdef\"", NULL, 0), 6);
    assert_int_equal(sdecode("abcdef", NULL, 0), 6);
    memset(buf, 'Z', sizeof buf);
    assert_int_equal(sdecode("\"abcdef\"", buf, 0), 6);
    assert_int_equal(buf[0], 'Z');           /* cap 0 writes nothing */
    assert_int_equal(sdecode("\"abcdef\"", buf, 1), 6);
    assert_string_equal(buf, "");
    assert_int_equal(sdecode("\"abcdef\"", buf, 4), 6);
    assert_string_equal(buf, "abc");
    assert_int_equal(sdecode("\"abcdef\"", buf, 6), 6);
    assert_string_equal(buf, "abcde");
    assert_int_equal(sdecode("\"abcdef\"", buf, 7), 6);
    assert_string_equal(buf, "abcdef");
    assert_int_equal(sdecode("\"a\\\"cdef\"", buf, 3), 6);
    assert_string_equal(buf, "a\"");
    assert_int_equal(sdecode("abcdef", buf, 4), 6);
    assert_string_equal(buf, "abc");
    /* buf NULL with cap > 0 */
    assert_int_equal(sdecode("abc", NULL, 4), IMAPERR_E_INVALID);
    {
        imaperr_slice bad = { NULL, 3 };
        assert_int_equal(imaperr_string_decode(bad, buf, sizeof buf), IMAPERR_E_INVALID);
    }
}

/* Length of the UTF-8 sequence a lead byte starts. */
static size_t
utf8_len(unsigned char c)
{
    return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

static void
torture_string_utf8_cut(void **state)
{
    static const char *const inputs[] = {
        "\"\xe2\x82\xac\xe2\x82\xac\"",              /* two euro signs */
        "\"a\xc3\xa9" "b\xc3\xa9\"",                 /* aébé */
        "\"\xf0\x9f\x98\x80x\xf0\x9f\x98\x80\"",     /* emoji x emoji */
        "\"\\\"\xc3\xa9\\\\\xe2\x82\xac\"",          /* escapes between */
    };
    static const char *const full[] = {
        "\xe2\x82\xac\xe2\x82\xac", "a\xc3\xa9" "b\xc3\xa9", "\xf0\x9f\x98\x80x\xf0\x9f\x98\x80",
        "\"\xc3\xa9\\\xe2\x82\xac",
    };
    size_t i, cap;
    (void)state;
    for (i = 0; i < N_ELEMS(inputs); i++) {
        size_t need = strlen(full[i]);
        for (cap = 1; cap <= need + 2; cap++) {
            char buf[64];
            size_t got;
            memset(buf, 'Z', sizeof buf);
            assert_int_equal(sdecode(inputs[i], buf, cap), need);
            got = strlen(buf);
            assert_true(got <= cap - 1);
            assert_memory_equal(buf, full[i], got);
            if (got < need) {
                /* cut at a character boundary, as late as possible */
                assert_true(((unsigned char)full[i][got] & 0xC0) != 0x80);
                assert_true(got + utf8_len((unsigned char)full[i][got]) > cap - 1);
            }
        }
    }
}

static void
torture_string_syntax_errors(void **state)
{
    static const char *const bad[] = {
        "\"abc",          /* unterminated */
        "\"",             /* a quote alone */
        "\"abc\\\"",      /* the closing quote escaped: unterminated */
        "\"a\\\"",        /* a lone backslash before the end */
        "\"a\\b\"",       /* bad escape */
        "\"a\\nb\"",
        "\"a\"b\"",       /* an unescaped quote inside */
        "{5}",            /* a literal */
        "{5}\r\nhello",
    };
    size_t i;
    (void)state;
    for (i = 0; i < N_ELEMS(bad); i++) {
        char buf[32];
        if (sdecode(bad[i], buf, sizeof buf) != IMAPERR_E_SYNTAX)
            fail_msg("imaperr_string_decode(%s) is not a syntax error", bad[i]);
        assert_int_equal(sdecode(bad[i], NULL, 0), IMAPERR_E_SYNTAX);
    }
}

/* ------------------------------------------------------------------------ */
/* imaperr_args_decode: states and invalid calls                              */
/* ------------------------------------------------------------------------ */

static void
torture_decode_null(void **state)
{
    imaperr_response r = IMAPERR_RESPONSE_INIT;
    imaperr_args a = IMAPERR_ARGS_INIT;
    (void)state;
    assert_int_equal(parse_str("a OK [UIDNEXT 5] x", &r), IMAPERR_OK);
    assert_int_equal(imaperr_args_decode(NULL, &a), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_args_decode(&r, NULL), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_args_decode(NULL, NULL), IMAPERR_E_INVALID);
}

static void
torture_decode_size_too_small(void **state)
{
    imaperr_response r = IMAPERR_RESPONSE_INIT;
    imaperr_args a = IMAPERR_ARGS_INIT;
    (void)state;
    assert_int_equal(parse_str("a OK [UIDNEXT 5] x", &r), IMAPERR_OK);
    a.size = sizeof(imaperr_args) - 1;
    assert_int_equal(imaperr_args_decode(&r, &a), IMAPERR_E_INVALID);
    a.size = 0;
    assert_int_equal(imaperr_args_decode(&r, &a), IMAPERR_E_INVALID);
    a.size = sizeof(imaperr_args);
    r.size = sizeof(imaperr_response) - 1;
    assert_int_equal(imaperr_args_decode(&r, &a), IMAPERR_E_INVALID);
    r.size = sizeof(imaperr_response);
    assert_int_equal(imaperr_args_decode(&r, &a), IMAPERR_OK);
    assert_int_equal(a.state, IMAPERR_ARGS_DECODED);
}

static void
torture_decode_larger_struct(void **state)
{
    /* a caller compiled against a later, larger imaperr_args */
    struct {
        imaperr_args a;
        unsigned char pad[32];
    } big;
    imaperr_response r = IMAPERR_RESPONSE_INIT;
    imaperr_args init = IMAPERR_ARGS_INIT;
    size_t i;
    (void)state;
    assert_int_equal(parse_str("a OK [UIDNEXT 5] x", &r), IMAPERR_OK);
    memset(&big, 0xAB, sizeof big);
    big.a = init;
    big.a.size = sizeof big;
    assert_int_equal(imaperr_args_decode(&r, &big.a), IMAPERR_OK);
    assert_int_equal(big.a.size, sizeof big);
    assert_int_equal(big.a.state, IMAPERR_ARGS_DECODED);
    assert_int_equal(big.a.field[0].number, 5);
    for (i = 0; i < sizeof big.pad; i++)
        assert_int_equal(big.pad[i], 0xAB);
}

static void
torture_decode_no_code(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "a OK LOGIN completed");
    assert_int_equal(d.r.code, IMAPERR_CODE_NONE);
    assert_int_equal(d.a.code, IMAPERR_CODE_NONE);
    assert_int_equal(d.a.state, IMAPERR_ARGS_NONE);
    assert_null(d.a.error);
    assert_int_equal(d.a.error_offset, 0);
    assert_int_equal(d.a.nfields, 0);
    assert_null(imaperr_args_field(&d.a, "uid"));
    dec_free(&d);

    /* data lines and continuations have no code either */
    dec_line(&d, "* 3 EXISTS");
    assert_int_equal(d.a.state, IMAPERR_ARGS_NONE);
    assert_int_equal(d.a.nfields, 0);
    dec_free(&d);
    dec_line(&d, "+ Ready");
    assert_int_equal(d.a.state, IMAPERR_ARGS_NONE);
    dec_free(&d);
}

static void
torture_decode_unknown_code(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "a OK [XFOO bar (baz 1:2)] x");
    assert_int_equal(d.r.code, IMAPERR_CODE_UNKNOWN);
    assert_int_equal(d.a.code, IMAPERR_CODE_UNKNOWN);
    assert_int_equal(d.a.state, IMAPERR_ARGS_RAW);
    assert_null(d.a.error);
    assert_int_equal(d.a.nfields, 0);
    dec_free(&d);

    dec_line(&d, "a OK [XFOO] x");
    assert_int_equal(d.a.code, IMAPERR_CODE_UNKNOWN);
    assert_int_equal(d.a.state, IMAPERR_ARGS_NONE);
    assert_int_equal(d.a.nfields, 0);
    dec_free(&d);
}

static void
torture_decode_args_on_argless_code(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "a NO [ALERT foo] Look");
    assert_int_equal(d.r.code, IMAPERR_CODE_ALERT);
    assert_int_equal(d.r.repairs, IMAPERR_REPAIR_UNEXPECTED_ARGS);
    assert_int_equal(d.a.code, IMAPERR_CODE_ALERT);
    assert_int_equal(d.a.state, IMAPERR_ARGS_RAW);
    assert_null(d.a.error);
    assert_int_equal(d.a.nfields, 0);
    dec_free(&d);

    dec_line(&d, "a NO [ALERT] Look");
    assert_int_equal(d.a.code, IMAPERR_CODE_ALERT);
    assert_int_equal(d.a.state, IMAPERR_ARGS_NONE);
    assert_int_equal(d.a.nfields, 0);
    dec_free(&d);
}

static void
torture_decode_required_missing_is_text(void **state)
{
    static const char *const lines[] = {
        "a OK [COPYUID] x", "a OK [UIDNEXT] x", "a OK [PERMANENTFLAGS] x", "a OK [METADATA] x",
        "a OK [MAILBOXID] x", "a OK [WEBALERT] x",
    };
    size_t i;
    (void)state;
    for (i = 0; i < N_ELEMS(lines); i++) {
        struct dec d;
        dec_line(&d, lines[i]);
        assert_int_equal(d.r.code, IMAPERR_CODE_NONE);
        assert_int_equal(d.r.repairs, IMAPERR_REPAIR_CODE_AS_TEXT);
        assert_int_equal(d.a.state, IMAPERR_ARGS_NONE);
        assert_int_equal(d.a.nfields, 0);
        dec_free(&d);
    }
}

static void
torture_decode_malformed_keeps_name(void **state)
{
    struct dec d;
    (void)state;
    dec_line(&d, "* OK [UIDVALIDITY 0] x");
    assert_int_equal(d.r.code, IMAPERR_CODE_UIDVALIDITY);
    assert_slice_equal(d.r.code_args, "0");
    assert_int_equal(d.r.args_state, IMAPERR_ARGS_MALFORMED);
    assert_int_equal(d.a.code, IMAPERR_CODE_UIDVALIDITY);
    assert_int_equal(d.a.state, IMAPERR_ARGS_MALFORMED);
    assert_non_null(d.a.error);
    assert_int_equal(d.a.error_offset, 0);
    dec_free(&d);
}

/* ------------------------------------------------------------------------ */

int
main(void)
{
    const struct CMUnitTest tests[] = {
        /* table-driven */
        cmocka_unit_test(torture_registry_examples_decode),
        cmocka_unit_test(torture_registry_example_prefixes),
        /* per code */
        cmocka_unit_test(torture_newname_quoted),
        cmocka_unit_test(torture_newname_atom_and_escapes),
        cmocka_unit_test(torture_newname_malformed),
        cmocka_unit_test(torture_referral_rfc2221),
        cmocka_unit_test(torture_referral_malformed),
        cmocka_unit_test(torture_badcharset_list),
        cmocka_unit_test(torture_badcharset_quoted_items),
        cmocka_unit_test(torture_badcharset_without_list),
        cmocka_unit_test(torture_badcharset_malformed),
        cmocka_unit_test(torture_permanentflags_rfc3501),
        cmocka_unit_test(torture_permanentflags_keywords),
        cmocka_unit_test(torture_permanentflags_empty),
        cmocka_unit_test(torture_permanentflags_malformed),
        cmocka_unit_test(torture_uidnext_rfc3501),
        cmocka_unit_test(torture_uidvalidity_rfc3501),
        cmocka_unit_test(torture_unseen_rfc3501),
        cmocka_unit_test(torture_nz_number_bounds),
        cmocka_unit_test(torture_uidnext_malformed),
        cmocka_unit_test(torture_uidvalidity_malformed),
        cmocka_unit_test(torture_unseen_malformed),
        cmocka_unit_test(torture_number_10000_digits),
        cmocka_unit_test(torture_appenduid_rfc4315),
        cmocka_unit_test(torture_appenduid_multiappend),
        cmocka_unit_test(torture_appenduid_malformed),
        cmocka_unit_test(torture_copyuid_rfc4315),
        cmocka_unit_test(torture_copyuid_reversed_and_extremes),
        cmocka_unit_test(torture_copyuid_malformed),
        cmocka_unit_test(torture_urlmech_rfc4467),
        cmocka_unit_test(torture_urlmech_internal_only),
        cmocka_unit_test(torture_urlmech_malformed),
        cmocka_unit_test(torture_badurl_rfc4469),
        cmocka_unit_test(torture_badurl_missing_is_text),
        cmocka_unit_test(torture_highestmodseq_rfc7162),
        cmocka_unit_test(torture_highestmodseq_bounds),
        cmocka_unit_test(torture_highestmodseq_malformed),
        cmocka_unit_test(torture_modified_rfc7162),
        cmocka_unit_test(torture_modified_stars_and_reversed),
        cmocka_unit_test(torture_modified_malformed),
        cmocka_unit_test(torture_annotate_rfc5257),
        cmocka_unit_test(torture_annotate_malformed),
        cmocka_unit_test(torture_annotations_rfc5257),
        cmocka_unit_test(torture_annotations_malformed),
        cmocka_unit_test(torture_maxconvert_rfc5259),
        cmocka_unit_test(torture_maxconvertmessages_malformed),
        cmocka_unit_test(torture_maxconvertparts_malformed),
        cmocka_unit_test(torture_noupdate_rfc5267),
        cmocka_unit_test(torture_noupdate_malformed),
        cmocka_unit_test(torture_badevent_rfc5465),
        cmocka_unit_test(torture_badevent_dovecot_bare),
        cmocka_unit_test(torture_badevent_malformed),
        cmocka_unit_test(torture_undefined_filter_rfc5466),
        cmocka_unit_test(torture_undefined_filter_malformed),
        cmocka_unit_test(torture_metadata_rfc5464),
        cmocka_unit_test(torture_metadata_malformed),
        cmocka_unit_test(torture_downgraded_rfc6858),
        cmocka_unit_test(torture_downgraded_malformed),
        cmocka_unit_test(torture_mailboxid_rfc8474),
        cmocka_unit_test(torture_mailboxid_length),
        cmocka_unit_test(torture_mailboxid_malformed),
        cmocka_unit_test(torture_inprogress_rfc9585),
        cmocka_unit_test(torture_inprogress_nil_and_bare),
        cmocka_unit_test(torture_inprogress_malformed),
        cmocka_unit_test(torture_capability_greeting),
        cmocka_unit_test(torture_capability_malformed),
        cmocka_unit_test(torture_webalert_gmail),
        cmocka_unit_test(torture_webalert_malformed),
        cmocka_unit_test(torture_messagelimit_rfc9738),
        cmocka_unit_test(torture_messagelimit_malformed),
        /* oversize lists */
        cmocka_unit_test(torture_oversize_capability),
        cmocka_unit_test(torture_oversize_permanentflags),
        cmocka_unit_test(torture_oversize_sets),
        /* never past the line */
        cmocka_unit_test(torture_prefixes_copyuid_line),
        cmocka_unit_test(torture_prefixes_copyuid_args),
        cmocka_unit_test(torture_prefixes_inprogress_line),
        cmocka_unit_test(torture_prefixes_inprogress_args),
        cmocka_unit_test(torture_prefixes_inprogress_are_malformed),
        cmocka_unit_test(torture_args_at_buffer_end),
        cmocka_unit_test(torture_random_arguments),
        /* property */
        cmocka_unit_test(torture_uid_set_round_trip),
        /* iterators */
        cmocka_unit_test(torture_set_iter_single_ranges_stars),
        cmocka_unit_test(torture_set_iter_invalid),
        cmocka_unit_test(torture_set_iter_malformed_field),
        cmocka_unit_test(torture_list_iter_escaped_quotes),
        cmocka_unit_test(torture_list_iter_invalid),
        cmocka_unit_test(torture_args_field_lookup),
        /* strings */
        cmocka_unit_test(torture_string_atoms_and_quoted),
        cmocka_unit_test(torture_string_snprintf_contract),
        cmocka_unit_test(torture_string_utf8_cut),
        cmocka_unit_test(torture_string_syntax_errors),
        /* imaperr_args_decode itself */
        cmocka_unit_test(torture_decode_null),
        cmocka_unit_test(torture_decode_size_too_small),
        cmocka_unit_test(torture_decode_larger_struct),
        cmocka_unit_test(torture_decode_no_code),
        cmocka_unit_test(torture_decode_unknown_code),
        cmocka_unit_test(torture_decode_args_on_argless_code),
        cmocka_unit_test(torture_decode_required_missing_is_text),
        cmocka_unit_test(torture_decode_malformed_keeps_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
