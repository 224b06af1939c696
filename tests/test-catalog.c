/* test-catalog.c - the .mo catalog reader (lib/catalog.c): lookups,
 * plural forms, both byte orders, and refusal of malformed catalogs
 * (every check of the validator, then thousands of random corruptions,
 * which must never crash or read out of bounds: run under ASan/valgrind).
 *
 * The catalogs are built here byte by byte, independent of msgfmt; the
 * agreement with msgfmt's files and glibc's lookups is
 * tests/test-catalog-diff.c's job.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common.h"
#include "i18n.h"

/* ------------------------------------------------------------------------ */
/* Building .mo files                                                         */
/* ------------------------------------------------------------------------ */

struct mo_entry {
    const char *orig;   /* may hold one NUL (msgid NUL msgid_plural) */
    size_t orig_len;
    const char *trans;
    size_t trans_len;
};

#define E(o, t) { o, sizeof(o) - 1, t, sizeof(t) - 1 }

static void
put32(unsigned char *p, uint32_t v, int swap)
{
    if (swap)
        v = (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
    memcpy(p, &v, 4);
}

/* A .mo image of the entries (which must be sorted), in native byte order
 * or swapped. Caller frees. */
static unsigned char *
build_mo(const struct mo_entry *e, size_t n, int swap, size_t *len)
{
    size_t size = 28 + n * 16, i, off;
    unsigned char *m;
    for (i = 0; i < n; i++)
        size += e[i].orig_len + 1 + e[i].trans_len + 1;
    m = calloc(1, size);
    assert_non_null(m);
    put32(m, 0x950412deu, swap);
    put32(m + 4, 0, swap);
    put32(m + 8, (uint32_t)n, swap);
    put32(m + 12, 28, swap);
    put32(m + 16, (uint32_t)(28 + n * 8), swap);
    put32(m + 20, 0, swap);
    put32(m + 24, (uint32_t)(28 + n * 16), swap);
    off = 28 + n * 16;
    for (i = 0; i < n; i++) {
        put32(m + 28 + i * 8, (uint32_t)e[i].orig_len, swap);
        put32(m + 28 + i * 8 + 4, (uint32_t)off, swap);
        memcpy(m + off, e[i].orig, e[i].orig_len);
        off += e[i].orig_len + 1;
    }
    for (i = 0; i < n; i++) {
        put32(m + 28 + n * 8 + i * 8, (uint32_t)e[i].trans_len, swap);
        put32(m + 28 + n * 8 + i * 8 + 4, (uint32_t)off, swap);
        memcpy(m + off, e[i].trans, e[i].trans_len);
        off += e[i].trans_len + 1;
    }
    *len = size;
    return m;
}

#define RU_HEADER "Project-Id-Version: t\nLanguage: ru\nContent-Type: text/plain; charset=UTF-8\n" \
    "Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && " \
    "(n%100<10 || n%100>=20) ? 1 : 2);\n"

static const struct mo_entry ru_entries[] = {
    E("", RU_HEADER),
    E("%1$s file\0%1$s files", "%1$s \xD1\x84\xD0\xB0\xD0\xB9\xD0\xBB\0%1$s \xD1\x84\xD0\xB0\xD0\xB9\xD0\xBB\xD0\xB0\0"
      "%1$s \xD1\x84\xD0\xB0\xD0\xB9\xD0\xBB\xD0\xBE\xD0\xB2"),
    E("Hello", "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82"),
    E("Short\0Shorts", "only one form"),
    E("Zebra", "\xD0\x97\xD0\xB5\xD0\xB1\xD1\x80\xD0\xB0"),
};
#define N_RU (sizeof ru_entries / sizeof ru_entries[0])

static imaperr__catalog *
load_entries(const struct mo_entry *e, size_t n, int swap, int *rc)
{
    size_t len;
    unsigned char *m = build_mo(e, n, swap, &len);
    imaperr__catalog *cat = NULL;
    *rc = imaperr__catalog_load_mem(m, len, &cat);
    free(m);
    return cat;
}

static unsigned long
ru_rule(unsigned long n)
{
    return n % 10 == 1 && n % 100 != 11 ? 0 : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 10 || n % 100 >= 20) ? 1 : 2;
}

static void
check_ru(const imaperr__catalog *cat)
{
    static const char *const forms[3] = {
        "%1$s \xD1\x84\xD0\xB0\xD0\xB9\xD0\xBB", "%1$s \xD1\x84\xD0\xB0\xD0\xB9\xD0\xBB\xD0\xB0",
        "%1$s \xD1\x84\xD0\xB0\xD0\xB9\xD0\xBB\xD0\xBE\xD0\xB2"
    };
    unsigned long n;
    char lang[8];
    assert_int_equal(imaperr__catalog_count(cat), N_RU);
    assert_int_equal(imaperr__catalog_nplurals(cat), 3);
    assert_string_equal(imaperr__catalog_gettext(cat, "Hello"), "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");
    assert_string_equal(imaperr__catalog_gettext(cat, "Zebra"), "\xD0\x97\xD0\xB5\xD0\xB1\xD1\x80\xD0\xB0");
    /* a miss gives the msgid itself (the same pointer, as glibc) */
    {
        const char *id = "Not there";
        assert_ptr_equal(imaperr__catalog_gettext(cat, id), id);
        assert_null(imaperr__catalog_find(cat, id, NULL));
        assert_ptr_equal(imaperr__catalog_ngettext(cat, id, "plural", 1), id);
        assert_string_equal(imaperr__catalog_ngettext(cat, id, "plural", 0), "plural");
        assert_string_equal(imaperr__catalog_ngettext(cat, id, "plural", 2), "plural");
    }
    for (n = 0; n < 300; n++) {
        const char *t = imaperr__catalog_ngettext(cat, "%1$s file", "%1$s files", n);
        assert_int_equal(imaperr__catalog_plural_index(cat, n), ru_rule(n));
        assert_string_equal(t, forms[ru_rule(n)]);
        /* fewer forms than the index: the first form */
        assert_string_equal(imaperr__catalog_ngettext(cat, "Short", "Shorts", n), "only one form");
    }
    assert_int_equal(imaperr__catalog_header_field(cat, "Language", lang, sizeof lang), 1);
    assert_string_equal(lang, "ru");
    assert_int_equal(imaperr__catalog_header_field(cat, "language", lang, sizeof lang), 1);
    assert_int_equal(imaperr__catalog_header_field(cat, "X-Nope", lang, sizeof lang), 0);
    assert_string_equal(lang, "");
}

static void
test_lookup(void **state)
{
    int rc;
    imaperr__catalog *cat = load_entries(ru_entries, N_RU, 0, &rc);
    (void)state;
    assert_int_equal(rc, 0);
    assert_non_null(cat);
    check_ru(cat);
    imaperr__catalog_free(cat);
}

static void
test_swapped(void **state)
{
    int rc;
    imaperr__catalog *cat = load_entries(ru_entries, N_RU, 1, &rc);
    (void)state;
    assert_int_equal(rc, 0);
    check_ru(cat);
    imaperr__catalog_free(cat);
}

static void
test_no_header(void **state)
{
    /* no header: Germanic plural, charset taken as is */
    static const struct mo_entry e[] = { E("a\0as", "x\0y\0z"), E("b", "B") };
    int rc;
    imaperr__catalog *cat = load_entries(e, 2, 0, &rc);
    (void)state;
    assert_int_equal(rc, 0);
    assert_int_equal(imaperr__catalog_nplurals(cat), 2);
    assert_string_equal(imaperr__catalog_ngettext(cat, "a", "as", 1), "x");
    assert_string_equal(imaperr__catalog_ngettext(cat, "a", "as", 0), "y");
    assert_string_equal(imaperr__catalog_ngettext(cat, "a", "as", 7), "y");
    imaperr__catalog_free(cat);
    /* empty catalog */
    cat = load_entries(e, 0, 0, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(imaperr__catalog_count(cat), 0);
    assert_string_equal(imaperr__catalog_gettext(cat, "b"), "b");
    imaperr__catalog_free(cat);
}

/* ------------------------------------------------------------------------ */
/* Malformed catalogs                                                         */
/* ------------------------------------------------------------------------ */

static int
load_bytes(const unsigned char *m, size_t len)
{
    imaperr__catalog *cat = NULL;
    int rc = imaperr__catalog_load_mem(m, len, &cat);
    if (rc == 0) {
        assert_non_null(cat);
        imaperr__catalog_free(cat);
    } else {
        assert_null(cat);
    }
    return rc;
}

static void
test_malformed(void **state)
{
    size_t len, i;
    unsigned char *m = build_mo(ru_entries, N_RU, 0, &len), *c = malloc(len + 16);
    uint32_t n;
    int rc;
    (void)state;
    assert_non_null(c);
    assert_int_equal(load_bytes(m, len), 0);

    /* too short for the header; every truncation of the file */
    assert_int_equal(load_bytes(m, 0), IMAPERR__CAT_MAGIC);
    assert_int_equal(load_bytes(m, 27), IMAPERR__CAT_MAGIC);
    for (i = 28; i < len; i++)
        assert_true(load_bytes(m, i) < 0);

    /* bad magic */
    memcpy(c, m, len);
    c[0] ^= 1;
    assert_int_equal(load_bytes(c, len), IMAPERR__CAT_MAGIC);

    /* major revision 2 */
    memcpy(c, m, len);
    put32(c + 4, 2u << 16, 0);
    assert_int_equal(load_bytes(c, len), IMAPERR__CAT_REVISION);
    /* minor revisions and revision 1 are fine */
    put32(c + 4, 1u << 16 | 1, 0);
    assert_int_equal(load_bytes(c, len), 0);

    /* N so large the tables leave the file; N that wraps 32-bit sums */
    memcpy(c, m, len);
    put32(c + 8, 0x7fffffffu, 0);
    assert_int_equal(load_bytes(c, len), IMAPERR__CAT_BOUNDS);
    put32(c + 8, 0xffffffffu, 0);
    assert_int_equal(load_bytes(c, len), IMAPERR__CAT_BOUNDS);

    /* table offsets outside the file */
    memcpy(c, m, len);
    put32(c + 12, 0xfffffff0u, 0);
    assert_int_equal(load_bytes(c, len), IMAPERR__CAT_BOUNDS);
    memcpy(c, m, len);
    put32(c + 16, (uint32_t)len, 0);
    assert_int_equal(load_bytes(c, len), IMAPERR__CAT_BOUNDS);

    /* a string offset or length outside the file (also wrapping) */
    memcpy(c, m, len);
    put32(c + 28 + 8 + 4, (uint32_t)len, 0);
    assert_int_equal(load_bytes(c, len), IMAPERR__CAT_BOUNDS);
    memcpy(c, m, len);
    put32(c + 28 + 8, 0xffffffffu, 0);
    assert_int_equal(load_bytes(c, len), IMAPERR__CAT_BOUNDS);
    memcpy(c, m, len);
    n = (uint32_t)N_RU;
    put32(c + 28 + n * 8 + 8, (uint32_t)len, 0);
    assert_int_equal(load_bytes(c, len), IMAPERR__CAT_BOUNDS);

    /* a string without its NUL: make the length one shorter than it is
     * long so the byte at offset+length is not NUL */
    memcpy(c, m, len);
    {
        uint32_t l, off;
        memcpy(&l, c + 28 + 2 * 8, 4);       /* "Hello" */
        memcpy(&off, c + 28 + 2 * 8 + 4, 4);
        put32(c + 28 + 2 * 8, l - 1, 0);
        assert_int_equal(load_bytes(c, len), IMAPERR__CAT_UNTERMINATED);
        /* the NUL overwritten */
        memcpy(c, m, len);
        c[off + l] = 'x';
        assert_int_equal(load_bytes(c, len), IMAPERR__CAT_UNTERMINATED);
    }

    free(c);
    free(m);

    /* unsorted and duplicate originals */
    {
        static const struct mo_entry uns[] = { E("b", "B"), E("a", "A") };
        static const struct mo_entry dup[] = { E("a", "A"), E("a", "B") };
        static const struct mo_entry plural_dup[] = { E("a\0x", "A"), E("a\0y", "B") };
        imaperr__catalog *cat = load_entries(uns, 2, 0, &rc);
        assert_null(cat);
        assert_int_equal(rc, IMAPERR__CAT_UNSORTED);
        cat = load_entries(dup, 2, 0, &rc);
        assert_int_equal(rc, IMAPERR__CAT_UNSORTED);
        cat = load_entries(plural_dup, 2, 0, &rc);
        assert_int_equal(rc, IMAPERR__CAT_UNSORTED);
    }
    /* invalid UTF-8 in a translation or an original; overlong, surrogate */
    {
        static const struct mo_entry bad1[] = { E("a", "\xC3\x28") };
        static const struct mo_entry bad2[] = { E("\xFF", "x") };
        static const struct mo_entry bad3[] = { E("a", "\xC0\xAF") };
        static const struct mo_entry bad4[] = { E("a", "\xED\xA0\x80") };
        static const struct mo_entry bad5[] = { E("a", "ok\0\xF5\x80\x80\x80") };
        load_entries(bad1, 1, 0, &rc);
        assert_int_equal(rc, IMAPERR__CAT_UTF8);
        load_entries(bad2, 1, 0, &rc);
        assert_int_equal(rc, IMAPERR__CAT_UTF8);
        load_entries(bad3, 1, 0, &rc);
        assert_int_equal(rc, IMAPERR__CAT_UTF8);
        load_entries(bad4, 1, 0, &rc);
        assert_int_equal(rc, IMAPERR__CAT_UTF8);
        load_entries(bad5, 1, 0, &rc);
        assert_int_equal(rc, IMAPERR__CAT_UTF8);
    }
    /* charsets other than UTF-8 */
    {
        static const struct mo_entry latin1[] = {
            E("", "Content-Type: text/plain; charset=ISO-8859-1\n"), E("a", "b") };
        static const struct mo_entry tmpl[] = {
            E("", "Content-Type: text/plain; charset=CHARSET\n"), E("a", "b") };
        static const struct mo_entry utf8[] = {
            E("", "Content-Type: text/plain; charset=utf-8\n"), E("a", "b") };
        static const struct mo_entry ascii[] = {
            E("", "Content-Type: text/plain; charset=ASCII\n"), E("a", "b") };
        load_entries(latin1, 2, 0, &rc);
        assert_int_equal(rc, IMAPERR__CAT_CHARSET);
        load_entries(tmpl, 2, 0, &rc);
        assert_int_equal(rc, IMAPERR__CAT_CHARSET);
        imaperr__catalog_free(load_entries(utf8, 2, 0, &rc));
        assert_int_equal(rc, 0);
        imaperr__catalog_free(load_entries(ascii, 2, 0, &rc));
        assert_int_equal(rc, 0);
    }
    assert_string_equal(imaperr__catalog_strerror(IMAPERR__CAT_UNSORTED), "originals not sorted");
}

/* Random corruption: flip bytes, overwrite words with extreme values,
 * truncate. The reader must refuse or accept cleanly; an accepted catalog
 * must answer lookups (ASan/valgrind see any stray read). */
static void
test_random_corruption(void **state)
{
    size_t len, i, k, accepted = 0;
    unsigned char *m = build_mo(ru_entries, N_RU, 0, &len), *c = malloc(len);
    unsigned seed = 12345;
    (void)state;
    assert_non_null(c);
    for (i = 0; i < 4000; i++) {
        size_t clen = len;
        imaperr__catalog *cat = NULL;
        memcpy(c, m, len);
        for (k = 0; k < 1 + i % 4; k++) {
            size_t pos;
            seed = seed * 1103515245u + 12345u;
            pos = (seed >> 8) % len;
            switch ((seed >> 4) % 4) {
            case 0: c[pos] ^= (unsigned char)(1u << ((seed >> 16) % 8)); break;
            case 1: c[pos] = (unsigned char)(seed >> 20); break;
            case 2:
                if (pos + 4 <= len && pos < 28 + N_RU * 16)
                    put32(c + (pos & ~(size_t)3), (seed & 1) ? 0xffffffffu : (uint32_t)len, 0);
                break;
            default: clen = 28 + pos % (len - 28); break;
            }
        }
        if (imaperr__catalog_load_mem(c, clen, &cat) == 0) {
            size_t e;
            accepted++;
            for (e = 0; e < imaperr__catalog_count(cat); e++) {
                const char *o, *t;
                size_t ol, tl;
                unsigned long n;
                imaperr__catalog_entry(cat, e, &o, &ol, &t, &tl);
                assert_ptr_equal(imaperr__catalog_gettext(cat, o), t);
                for (n = 0; n < 25; n++)
                    assert_non_null(imaperr__catalog_ngettext(cat, o, "p", n));
            }
            imaperr__catalog_free(cat);
        } else {
            assert_null(cat);
        }
    }
    print_message("# %zu of 4000 corrupted catalogs were still valid\n", accepted);
    free(c);
    free(m);
}

static void
test_load_file(void **state)
{
    char path[] = "/tmp/imaperr-test-catalog-XXXXXX";
    size_t len;
    unsigned char *m = build_mo(ru_entries, N_RU, 0, &len);
    imaperr__catalog *cat = NULL;
    int fd = mkstemp(path);
    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, m, len), (ssize_t)len);
    close(fd);
    assert_int_equal(imaperr__catalog_load(path, &cat), 0);
    check_ru(cat);
    imaperr__catalog_free(cat);
    unlink(path);
    free(m);
    assert_int_equal(imaperr__catalog_load(path, &cat), IMAPERR__CAT_ENOENT);
    assert_null(cat);
    assert_int_equal(imaperr__catalog_load("/", &cat), IMAPERR__CAT_ENOENT);
    assert_int_equal(imaperr__catalog_load("/dev/null", &cat), IMAPERR__CAT_ENOENT);
}

/* ------------------------------------------------------------------------ */
/* Plural-Forms expressions                                                   */
/* ------------------------------------------------------------------------ */

typedef unsigned long (*rule_fn)(unsigned long n);

static unsigned long r_one(unsigned long n) { (void)n; return 0; }
static unsigned long r_germanic(unsigned long n) { return n != 1; }
static unsigned long r_french(unsigned long n) { return n > 1; }
static unsigned long r_pl(unsigned long n)
{ return n == 1 ? 0 : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 10 || n % 100 >= 20) ? 1 : 2; }
static unsigned long r_ar(unsigned long n)
{ return n == 0 ? 0 : n == 1 ? 1 : n == 2 ? 2 : n % 100 >= 3 && n % 100 <= 10 ? 3 : n % 100 >= 11 ? 4 : 5; }
static unsigned long r_he4(unsigned long n)
{ return n == 1 ? 0 : n == 2 ? 1 : (n > 10 && n % 10 == 0) ? 2 : 3; }
static unsigned long r_sl(unsigned long n)
{ return n % 100 == 1 ? 0 : n % 100 == 2 ? 1 : n % 100 == 3 || n % 100 == 4 ? 2 : 3; }
static unsigned long r_ga(unsigned long n)
{ return n == 1 ? 0 : n == 2 ? 1 : n < 7 ? 2 : n < 11 ? 3 : 4; }
static unsigned long r_lt(unsigned long n)
{ return n % 10 == 1 && n % 100 != 11 ? 0 : n % 10 >= 2 && (n % 100 < 10 || n % 100 >= 20) ? 1 : 2; }
static unsigned long r_cs(unsigned long n) { return (n == 1) ? 0 : (n >= 2 && n <= 4) ? 1 : 2; }
static unsigned long r_ro(unsigned long n)
{ return n == 1 ? 0 : (n == 0 || (n % 100 > 0 && n % 100 < 20)) ? 1 : 2; }
static unsigned long r_arith(unsigned long n) { return (n * 3 + 7) / 2 % 5 - (n > 4); }
static unsigned long r_not(unsigned long n) { return !!n + !(n - 1); }

static void
test_plural_rules(void **state)
{
    static const struct { const char *expr; rule_fn fn; } rules[] = {
        { "0;", r_one },
        { "n != 1;", r_germanic },
        { "(n != 1)", r_germanic },
        { "n>1;", r_french },
        { "(n > 1)", r_french },
        { RU_HEADER, NULL },   /* placeholder: replaced below */
        { "(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);", r_pl },
        { "n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;", r_ar },
        { "(n==1 ? 0 : n==2 ? 1 : (n>10 && n%10==0) ? 2 : 3);", r_he4 },
        { "(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3);", r_sl },
        { "n==1 ? 0 : n==2 ? 1 : n<7 ? 2 : n<11 ? 3 : 4;", r_ga },
        { "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && (n%100<10 || n%100>=20) ? 1 : 2);", r_lt },
        { "(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;", r_cs },
        { "(n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2);", r_ro },
        { "\t( n * 3 + 7 ) / 2 % 5 - ( n > 4 )\n", r_arith },
        { "!!n + !(n - 1)", r_not },
    };
    static const unsigned long big[] = { 1000, 1001, 1002, 1011, 1021, 1100, 123456789,
                                         4294967295ul, 4294967296ul, (unsigned long)-1 };
    size_t i;
    unsigned long n;
    (void)state;
    for (i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        struct imaperr__plural p;
        const char *expr = rules[i].expr;
        rule_fn fn = rules[i].fn;
        if (fn == NULL) {
            expr = "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)";
            fn = ru_rule;
        }
        if (imaperr__plural_parse(expr, &p) != 0)
            fail_msg("cannot parse %s", expr);
        for (n = 0; n < 1000; n++)
            if (imaperr__plural_eval(&p, n) != fn(n))
                fail_msg("%s: n=%lu gives %lu, expected %lu", expr, n, imaperr__plural_eval(&p, n), fn(n));
        for (n = 0; n < sizeof big / sizeof big[0]; n++)
            assert_int_equal(imaperr__plural_eval(&p, big[n]), fn(big[n]));
    }
}

static void
test_plural_errors(void **state)
{
    static const char *const bad[] = {
        "", ";", "n ?", "n ? 1", "n ? 1 :", "n +", "(n", "n)", "n = 1", "n & 1", "n | 1",
        "-n", "n ! 1", "x", "nn", "n 1", "1 n", "n ? : 1", "()", "n == == 1", "n % ", "n <> 1",
        "n ? 1 : 2 : 3", "n\xC3\xA9", "n @ 1",
    };
    struct imaperr__plural p;
    char deep[400], many[1200];
    size_t i, o = 0;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (imaperr__plural_parse(bad[i], &p) == 0)
            fail_msg("accepted bad expression \"%s\"", bad[i]);
    /* nesting beyond the limit; just within it */
    for (i = 0; i < 100; i++)
        deep[o++] = '(';
    deep[o++] = 'n';
    for (i = 0; i < 100; i++)
        deep[o++] = ')';
    deep[o] = '\0';
    assert_int_equal(imaperr__plural_parse(deep, &p), -1);
    assert_int_equal(imaperr__plural_parse("((((((((((n))))))))))", &p), 0);
    o = 0;
    for (i = 0; i < 100; i++)
        deep[o++] = '!';
    deep[o++] = 'n';
    deep[o] = '\0';
    assert_int_equal(imaperr__plural_parse(deep, &p), -1);
    /* too many nodes */
    o = 0;
    for (i = 0; i < 200; i++) {
        memcpy(many + o, "n+", 2);
        o += 2;
    }
    many[o++] = '1';
    many[o] = '\0';
    assert_int_equal(imaperr__plural_parse(many, &p), -1);
    /* the end: NUL, ';' or newline; the rest is ignored */
    assert_int_equal(imaperr__plural_parse("n != 1; garbage", &p), 0);
    assert_int_equal(imaperr__plural_parse("n != 1\ngarbage", &p), 0);
    /* division by zero only when evaluated, then 0 */
    assert_int_equal(imaperr__plural_parse("n / (n - 1)", &p), 0);
    assert_int_equal(imaperr__plural_eval(&p, 1), 0);
    assert_int_equal(imaperr__plural_eval(&p, 3), 1);
    assert_int_equal(imaperr__plural_parse("n % 0 + 5", &p), 0);
    assert_int_equal(imaperr__plural_eval(&p, 3), 0);
    assert_int_equal(imaperr__plural_parse("n == 0 || 5 / n > 1 ? 2 : 3", &p), 0);
    assert_int_equal(imaperr__plural_eval(&p, 0), 2);
    assert_int_equal(imaperr__plural_eval(&p, 1), 2);
    assert_int_equal(imaperr__plural_eval(&p, 3), 3);
    /* unsigned wrap-around, as glibc computes */
    assert_int_equal(imaperr__plural_parse("n - 2 > 5", &p), 0);
    assert_int_equal(imaperr__plural_eval(&p, 1), 1);
    assert_int_equal(imaperr__plural_parse("99999999999999999999999 == 0", &p), 0);
}

static void
test_plural_header(void **state)
{
    static const struct { const char *header; unsigned long nplurals; unsigned long at2; } h[] = {
        { "Plural-Forms: nplurals=3; plural=n==1 ? 0 : n==2 ? 1 : 2;\n", 3, 1 },
        { "Plural-Forms: nplurals= 1; plural=0;\n", 1, 0 },
        { "Plural-Forms:nplurals=2;plural=n>1;", 2, 1 },
        { "Plural-Forms: plural=n>1; nplurals=4;\n", 4, 1 },
        /* broken: the Germanic default */
        { "Plural-Forms: nplurals=x; plural=0;\n", 2, 1 },
        { "Plural-Forms: nplurals=3;\n", 2, 1 },
        { "Plural-Forms: plural=0;\n", 2, 1 },
        { "Plural-Forms: nplurals=3; plural=n ? ;\n", 2, 1 },
        { "", 2, 1 },
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof h / sizeof h[0]; i++) {
        struct imaperr__plural p;
        unsigned long np = 99;
        imaperr__plural_from_header(h[i].header, &p, &np);
        if (np != h[i].nplurals || imaperr__plural_eval(&p, 2) != h[i].at2)
            fail_msg("header %zu: nplurals %lu, f(2) = %lu", i, np, imaperr__plural_eval(&p, 2));
    }
}

static void
test_index_limit(void **state)
{
    /* an expression giving indices beyond nplurals: index 0 (as glibc) */
    static const struct mo_entry e[] = {
        E("", "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=n;\n"),
        E("a\0b", "zero\0one"),
    };
    int rc;
    imaperr__catalog *cat = load_entries(e, 2, 0, &rc);
    (void)state;
    assert_int_equal(rc, 0);
    assert_string_equal(imaperr__catalog_ngettext(cat, "a", "b", 0), "zero");
    assert_string_equal(imaperr__catalog_ngettext(cat, "a", "b", 1), "one");
    assert_string_equal(imaperr__catalog_ngettext(cat, "a", "b", 2), "zero");
    assert_string_equal(imaperr__catalog_ngettext(cat, "a", "b", 5), "zero");
    imaperr__catalog_free(cat);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_swapped),
        cmocka_unit_test(test_no_header),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_random_corruption),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_plural_rules),
        cmocka_unit_test(test_plural_errors),
        cmocka_unit_test(test_plural_header),
        cmocka_unit_test(test_index_limit),
    };
    return cmocka_run_group_tests_name("catalog", tests, NULL, NULL);
}
