/* test-message.c - user-facing messages, locale negotiation, sanitising of
 * server text, error strings, version and vocabulary names.
 *
 * Text-writing functions follow the snprintf() contract of include/imaperr.h:
 * the return value is the full length, the buffer is always NUL-terminated
 * when cap > 0, output is cut only at UTF-8 character boundaries, and
 * nothing is written past cap. check_snprintf() verifies all of that for
 * every cap from 0 to the full length + 2.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "i18n.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif

#define FFFD "\xEF\xBF\xBD"

/* ------------------------------------------------------------------------ */
/* UTF-8 helpers, independent of the library                                  */
/* ------------------------------------------------------------------------ */

/* Decode one strictly valid UTF-8 sequence at s[0..n). Returns its length
 * (1-4) and stores the code point, or 0 when the bytes are not valid UTF-8
 * (stray continuation, overlong, surrogate, > U+10FFFF, truncated). */
static size_t
utf8_decode(const unsigned char *s, size_t n, long *cp)
{
    size_t len, i;
    long v, min;
    if (n == 0)
        return 0;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    } else if ((s[0] & 0xE0) == 0xC0) {
        len = 2; v = s[0] & 0x1F; min = 0x80;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3; v = s[0] & 0x0F; min = 0x800;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4; v = s[0] & 0x07; min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

static int
is_valid_utf8(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        long cp;
        size_t k = utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (k == 0)
            return 0;
        i += k;
    }
    return 1;
}

/* Unicode Bidi_Control characters (PropList.txt). */
static int
is_bidi_control(long cp)
{
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/* 1 when the valid UTF-8 string holds a C0/C1 control, DEL or a bidi
 * control character. */
static int
has_control(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        long cp = 0;
        size_t k = utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (k == 0)
            return 1;
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || is_bidi_control(cp))
            return 1;
        i += k;
    }
    return 0;
}

static size_t
count_fffd(const char *s)
{
    size_t n = 0;
    const char *p = s;
    while ((p = strstr(p, FFFD)) != NULL) {
        n++;
        p += 3;
    }
    return n;
}

/* ------------------------------------------------------------------------ */
/* snprintf contract                                                          */
/* ------------------------------------------------------------------------ */

/* A text-writing call: writes into buf/cap, returns the snprintf result. */
typedef int (*writer_fn)(const void *ctx, char *buf, size_t cap);

#define GUARD 0x7E

/* Checks the snprintf contract for every cap in 0 .. full+2 and returns the
 * full output in a malloc'ed string (caller frees). */
static char *
check_snprintf(writer_fn fn, const void *ctx, const char *what)
{
    int n = fn(ctx, NULL, 0);
    char *full, *buf;
    size_t cap, len;

    if (n < 0)
        fail_msg("%s: cap 0 with NULL buf returned %d", what, n);
    len = (size_t)n;
    full = malloc(len + 1);
    buf = malloc(len + 8);
    assert_non_null(full);
    assert_non_null(buf);

    /* exact size */
    memset(full, GUARD, len + 1);
    if (fn(ctx, full, len + 1) != n)
        fail_msg("%s: return value depends on cap", what);
    if (full[len] != '\0' || strlen(full) != len)
        fail_msg("%s: full output not NUL-terminated at %zu", what, len);
    if (!is_valid_utf8(full, len))
        fail_msg("%s: output is not valid UTF-8", what);

    for (cap = 0; cap <= len + 2; cap++) {
        size_t got, i;
        memset(buf, GUARD, len + 8);
        if (fn(ctx, buf, cap) != n)
            fail_msg("%s: cap %zu: return value is not the full length %d", what, cap, n);
        if (cap == 0) {
            if ((unsigned char)buf[0] != GUARD)
                fail_msg("%s: cap 0 wrote into the buffer", what);
            continue;
        }
        got = strnlen(buf, cap);
        if (got >= cap)
            fail_msg("%s: cap %zu: not NUL-terminated", what, cap);
        for (i = cap; i < len + 8; i++)
            if ((unsigned char)buf[i] != GUARD)
                fail_msg("%s: cap %zu: wrote past cap (byte %zu)", what, cap, i);
        if (memcmp(buf, full, got) != 0)
            fail_msg("%s: cap %zu: output is not a prefix of the full output", what, cap);
        if (!is_valid_utf8(buf, got))
            fail_msg("%s: cap %zu: cut inside a UTF-8 character", what, cap);
        if (cap > len) {
            if (got != len)
                fail_msg("%s: cap %zu: output cut although it fits", what, cap);
        } else {
            /* the cut is at the last character boundary that fits */
            size_t b = cap - 1;
            while (b > 0 && ((unsigned char)full[b] & 0xC0) == 0x80)
                b--;
            if (got != b)
                fail_msg("%s: cap %zu: cut at %zu, expected %zu", what, cap, got, b);
        }
    }
    free(buf);
    return full;
}

/* ------------------------------------------------------------------------ */
/* imaperr_message                                                            */
/* ------------------------------------------------------------------------ */


struct msg_ctx {
    const imaperr_classification *c;
    const char *locale;
};

static int
message_writer(const void *ctx, char *buf, size_t cap)
{
    const struct msg_ctx *m = ctx;
    return imaperr_message(m->c, m->locale, buf, cap);
}

/* One line per category (DESIGN.md's vocabulary, all 19). */
static const struct {
    const char *line;
    const char *command;
    imaperr_category category;
} category_lines[] = {
    { "a OK done", NULL, IMAPERR_CAT_OK },
    { "a NO [UNAVAILABLE] SERVERTEXT", NULL, IMAPERR_CAT_TRANSIENT },
    { "a NO [THROTTLED] SERVERTEXT", NULL, IMAPERR_CAT_THROTTLED },
    { "a NO [AUTHENTICATIONFAILED] SERVERTEXT", "LOGIN", IMAPERR_CAT_CREDENTIAL },
    { "a NO [AUTHORIZATIONFAILED] SERVERTEXT", NULL, IMAPERR_CAT_AUTHORIZATION },
    { "a NO [NOPERM] SERVERTEXT", NULL, IMAPERR_CAT_PERMISSION },
    { "a NO [PRIVACYREQUIRED] SERVERTEXT", NULL, IMAPERR_CAT_PRIVACY },
    { "a NO [OVERQUOTA] SERVERTEXT", "APPEND", IMAPERR_CAT_QUOTA },
    { "a NO [LIMIT] SERVERTEXT", NULL, IMAPERR_CAT_LIMIT },
    { "a NO [ALREADYEXISTS] SERVERTEXT", NULL, IMAPERR_CAT_ALREADY_EXISTS },
    { "a NO [NONEXISTENT] SERVERTEXT", NULL, IMAPERR_CAT_NONEXISTENT },
    { "a NO [INUSE] SERVERTEXT", NULL, IMAPERR_CAT_IN_USE },
    { "a NO [EXPUNGEISSUED] SERVERTEXT", NULL, IMAPERR_CAT_EXPUNGE_RACE },
    { "a BAD SERVERTEXT", NULL, IMAPERR_CAT_CLIENT_BUG },
    { "a NO [SERVERBUG] SERVERTEXT", NULL, IMAPERR_CAT_SERVER_BUG },
    { "a NO [CANNOT] SERVERTEXT", NULL, IMAPERR_CAT_CANNOT },
    { "* BYE SERVERTEXT", NULL, IMAPERR_CAT_CONNECTION },
    { "* OK [ALERT] SERVERTEXT", NULL, IMAPERR_CAT_ALERT },
    { "a NO SERVERTEXT", NULL, IMAPERR_CAT_UNKNOWN },
};

#define N_CATEGORY_LINES (sizeof category_lines / sizeof category_lines[0])

static void
test_message_snprintf(void **state)
{
    imaperr_classification c;
    struct msg_ctx m;
    char *full, *other;
    (void)state;

    classify_line("n1 NO [OVERQUOTA] Sorry", "uid copy 1:* oldmail", &c);
    m.c = &c;
    m.locale = "en";
    full = check_snprintf(message_writer, &m, "message en");
    assert_true(strlen(full) > 0);

    /* "C", NULL (process locale: these tests run without catalogs) and
     * English variants all give the built-in English */
    m.locale = "C";
    other = check_snprintf(message_writer, &m, "message C");
    assert_string_equal(full, other);
    free(other);
    m.locale = NULL;
    other = check_snprintf(message_writer, &m, "message NULL locale");
    assert_string_equal(full, other);
    free(other);
    m.locale = "en-US";
    other = check_snprintf(message_writer, &m, "message en-US");
    assert_string_equal(full, other);
    free(other);
    m.locale = "en_GB.UTF-8";
    other = check_snprintf(message_writer, &m, "message en_GB.UTF-8");
    assert_string_equal(full, other);
    free(other);
    /* a language nobody ships: English fallback */
    m.locale = "xx";
    other = check_snprintf(message_writer, &m, "message xx");
    assert_string_equal(full, other);
    free(other);
    m.locale = "";
    other = check_snprintf(message_writer, &m, "message empty locale");
    assert_string_equal(full, other);
    free(other);
    free(full);
}

static void
test_message_invalid(void **state)
{
    imaperr_classification c, bogus;
    char buf[64];
    (void)state;
    classify_line("a NO [OVERQUOTA] x", NULL, &c);
    assert_int_equal(imaperr_message(NULL, "en", buf, sizeof buf), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_message(NULL, NULL, NULL, 0), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_message(&c, "en", NULL, 1), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_message(&c, NULL, NULL, sizeof buf), IMAPERR_E_INVALID);
    /* a classification the library did not make: no key, no message */
    bogus = c;
    bogus.message = 0xFFFFu;
    assert_null(imaperr_message_key(&bogus));
    assert_int_equal(imaperr_message(&bogus, "en", buf, sizeof buf), IMAPERR_E_INVALID);
}

/* include/imaperr.h: IMAPERR_E_INVALID also means "a struct's `size`
 * member is too small"; a classification whose size does not cover the
 * members the library reads was not made by imaperr_classify(). */
static void
test_message_struct_size(void **state)
{
    imaperr_classification c;
    char buf[256];
    (void)state;
    classify_line("a NO [OVERQUOTA] x", NULL, &c);
    assert_true(imaperr_message(&c, "en", buf, sizeof buf) > 0);
    c.size = 0;
    assert_int_equal(imaperr_message(&c, "en", buf, sizeof buf), IMAPERR_E_INVALID);
    c.size = sizeof c - 1;
    assert_int_equal(imaperr_message(&c, "en", buf, sizeof buf), IMAPERR_E_INVALID);
}

/* Every category's message is non-empty, distinct from the others, valid
 * UTF-8 without control characters, and never contains the server's text. */
static void
test_message_every_category(void **state)
{
    char *msgs[N_CATEGORY_LINES];
    size_t i, j;
    (void)state;
    for (i = 0; i < N_CATEGORY_LINES; i++) {
        imaperr_classification c;
        struct msg_ctx m;
        classify_line(category_lines[i].line, category_lines[i].command, &c);
        if (c.category != category_lines[i].category)
            fail_msg("\"%s\": category %s, expected %s", category_lines[i].line,
                     imaperr_category_name(c.category),
                     imaperr_category_name(category_lines[i].category));
        m.c = &c;
        m.locale = "en";
        msgs[i] = check_snprintf(message_writer, &m, category_lines[i].line);
        if (msgs[i][0] == '\0')
            fail_msg("%s: empty message", imaperr_category_name(c.category));
        if (has_control(msgs[i], strlen(msgs[i])))
            fail_msg("%s: control character in message", imaperr_category_name(c.category));
        if (strstr(msgs[i], "SERVERTEXT") != NULL)
            fail_msg("%s: message contains the server's text", imaperr_category_name(c.category));
    }
    for (i = 0; i < N_CATEGORY_LINES; i++)
        for (j = i + 1; j < N_CATEGORY_LINES; j++)
            if (strcmp(msgs[i], msgs[j]) == 0)
                fail_msg("categories %s and %s share the message \"%s\"",
                         imaperr_category_name(category_lines[i].category),
                         imaperr_category_name(category_lines[j].category), msgs[i]);
    /* all 19 categories are covered */
    for (i = 0; imaperr_category_name((imaperr_category)i) != NULL; i++) {
        int found = 0;
        for (j = 0; j < N_CATEGORY_LINES; j++)
            if ((size_t)category_lines[j].category == i)
                found = 1;
        if (!found)
            fail_msg("no line for category %s", imaperr_category_name((imaperr_category)i));
    }
    assert_int_equal(i, 19);
    for (i = 0; i < N_CATEGORY_LINES; i++)
        free(msgs[i]);
}

/* Code-specific messages exist for the quota error/warning and they differ. */
static void
test_message_specific(void **state)
{
    imaperr_classification err, warn, perr;
    char a[512], b[512], p[512];
    int n;
    (void)state;
    classify_line("a NO [OVERQUOTA] x", "APPEND", &err);
    classify_line("a OK [OVERQUOTA] x", "APPEND", &warn);
    assert_true(imaperr_message(&err, "en", a, sizeof a) > 0);
    assert_true(imaperr_message(&warn, "en", b, sizeof b) > 0);
    assert_string_not_equal(a, b);
    /* the message for an unreadable reply */
    {
        imaperr_classification init = IMAPERR_CLASSIFICATION_INIT;
        perr = init;
    }
    assert_int_equal(imaperr_classify_parse_error(IMAPERR_E_SYNTAX, &perr), IMAPERR_OK);
    n = imaperr_message(&perr, "en", p, sizeof p);
    assert_true(n > 0);
    assert_int_equal((size_t)n, strlen(p));
    assert_true(is_valid_utf8(p, strlen(p)));
}

/* ------------------------------------------------------------------------ */
/* imaperr_negotiate_locale                                                   */
/* ------------------------------------------------------------------------ */

/* The shipped catalogs, read from po/LINGUAS the way lib/gen-linguas.awk
 * reads it, so the expectations stay right when languages are added. */
static char linguas[64][16];
static size_t linguas_n;

static int
load_linguas(void **state)
{
    FILE *f = fopen(TOP_SRCDIR "/po/LINGUAS", "r");
    char line[512];
    (void)state;
    linguas_n = 0;
    if (f == NULL) {
        print_error("cannot open %s\n", TOP_SRCDIR "/po/LINGUAS");
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        char *hash = strchr(line, '#'), *tok;
        if (hash)
            *hash = '\0';
        for (tok = strtok(line, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n"))
            if (linguas_n < 64 && strlen(tok) < sizeof linguas[0])
                strcpy(linguas[linguas_n++], tok);
    }
    fclose(f);
    return 0;
}

static int
shipped(const char *lang)
{
    size_t i;
    for (i = 0; i < linguas_n; i++)
        if (strcmp(linguas[i], lang) == 0)
            return 1;
    return 0;
}

static void
expect_locale(const char *request, const char *lang, int fallback)
{
    char buf[64];
    int fb = 42;
    int n = imaperr_negotiate_locale(request, buf, sizeof buf, &fb);
    if (n < 0)
        fail_msg("negotiate(\"%s\") failed: %d", request ? request : "(null)", n);
    if ((size_t)n != strlen(buf) || strcmp(buf, lang) != 0 || fb != fallback)
        fail_msg("negotiate(\"%s\") = \"%s\" (rc %d) fallback %d; expected \"%s\" fallback %d",
                 request ? request : "(null)", buf, n, fb, lang, fallback);
}

/* What an English request gives: "en" unless a regional English catalog
 * is shipped. */
static const char *
english_for(const char *region_catalog)
{
    return shipped(region_catalog) ? region_catalog : "en";
}

static void
test_negotiate_basic(void **state)
{
    (void)state;
    /* no request: English, not a fallback */
    expect_locale(NULL, "en", 0);
    expect_locale("", "en", 0);
    /* English and the POSIX locales: English, not a fallback */
    expect_locale("en", "en", 0);
    expect_locale("en-US", english_for("en_US"), 0);
    expect_locale("en_GB.UTF-8", english_for("en_GB"), 0);
    expect_locale("en_US.UTF-8@euro", english_for("en_US"), 0);
    expect_locale("C", "en", 0);
    expect_locale("POSIX", "en", 0);
    expect_locale("C.UTF-8", "en", 0);
    /* a language that does not exist */
    expect_locale("xx", "en", 1);
    expect_locale("xx-YY", "en", 1);
}

static void
test_negotiate_catalogs(void **state)
{
    (void)state;
    /* German: whatever po/LINGUAS ships */
    if (shipped("de")) {
        expect_locale("de", "de", 0);
        expect_locale("de_DE.UTF-8", "de", 0);
        expect_locale("de-AT", shipped("de_AT") ? "de_AT" : "de", 0);
    } else {
        expect_locale("de", "en", 1);
        expect_locale("de_DE.UTF-8", "en", 1);
        expect_locale("de-AT", "en", 1);
    }
    /* Accept-Language: French preferred, English acceptable */
    if (shipped("fr_CA"))
        expect_locale("fr-CA,fr;q=0.8,en;q=0.5", "fr_CA", 0);
    else if (shipped("fr"))
        expect_locale("fr-CA,fr;q=0.8,en;q=0.5", "fr", 0);
    else
        expect_locale("fr-CA,fr;q=0.8,en;q=0.5", "en", 0);
    /* a list without any usable language (xx/yy never exist) */
    expect_locale("xx,yy;q=0.5", "en", 1);
    /* every shipped catalog is found by its own name */
    {
        size_t i;
        for (i = 0; i < linguas_n; i++)
            expect_locale(linguas[i], linguas[i], 0);
    }
}

static void
test_negotiate_long_request(void **state)
{
    char req[301];
    size_t i;
    (void)state;
    /* 300 characters of languages nobody ships */
    static const char item[] = "zz-ZZ;q=0.5,";
    for (i = 0; i < 300; i++)
        req[i] = item[i % (sizeof item - 1)];
    req[300] = '\0';
    assert_int_equal(strlen(req), 300);
    expect_locale(req, "en", 1);
    /* one very long word */
    memset(req, 'x', 300);
    req[300] = '\0';
    expect_locale(req, "en", 1);
}

struct neg_ctx {
    const char *request;
};

static int
negotiate_writer(const void *ctx, char *buf, size_t cap)
{
    const struct neg_ctx *m = ctx;
    return imaperr_negotiate_locale(m->request, buf, cap, NULL);
}

static void
test_negotiate_snprintf(void **state)
{
    struct neg_ctx m;
    char *full;
    char buf[8];
    int fb = 42;
    (void)state;
    m.request = NULL;
    full = check_snprintf(negotiate_writer, &m, "negotiate NULL");
    assert_string_equal(full, "en");
    free(full);
    m.request = "xx";
    full = check_snprintf(negotiate_writer, &m, "negotiate xx");
    assert_string_equal(full, "en");
    free(full);
    /* cap 0 with NULL buf still reports the length and the fallback */
    assert_int_equal(imaperr_negotiate_locale("xx", NULL, 0, &fb), 2);
    assert_int_equal(fb, 1);
    /* buf NULL with cap > 0 */
    assert_int_equal(imaperr_negotiate_locale("en", NULL, 4, &fb), IMAPERR_E_INVALID);
    /* fallback may be NULL */
    assert_int_equal(imaperr_negotiate_locale("xx", buf, sizeof buf, NULL), 2);
    assert_string_equal(buf, "en");
}

/* ------------------------------------------------------------------------ */
/* imaperr_sanitize_text                                                      */
/* ------------------------------------------------------------------------ */

/* Sanitise (text, len) into a fresh string; checks the snprintf contract,
 * validity and the absence of control characters. */
struct san_ctx {
    const char *text;
    size_t len;
};

static int
sanitize_writer(const void *ctx, char *buf, size_t cap)
{
    const struct san_ctx *m = ctx;
    return imaperr_sanitize_text(m->text, m->len, buf, cap);
}

static char *
sanitize(const char *text, size_t len)
{
    struct san_ctx m;
    char *out;
    m.text = text;
    m.len = len;
    out = check_snprintf(sanitize_writer, &m, "sanitize");
    if (has_control(out, strlen(out)))
        fail_msg("sanitized output still holds a control character");
    return out;
}

static void
expect_sanitized_n(const char *in, size_t len, const char *want)
{
    char *got = sanitize(in, len);
    if (strcmp(got, want) != 0) {
        print_error("got:  ");
        {
            size_t i;
            for (i = 0; got[i]; i++)
                print_error("%02x ", (unsigned char)got[i]);
        }
        print_error("\n");
        free(got);
        fail_msg("sanitized output differs from \"%s\"", want);
    }
    free(got);
}

static void
expect_sanitized(const char *in, const char *want)
{
    expect_sanitized_n(in, strlen(in), want);
}

static void
test_sanitize_plain(void **state)
{
    (void)state;
    expect_sanitized("", "");
    expect_sanitized("Hello, world", "Hello, world");
    expect_sanitized("Quota exceeded (0.001 + 0.000 secs).", "Quota exceeded (0.001 + 0.000 secs).");
    /* runs of spaces are kept */
    expect_sanitized("a   b    c", "a   b    c");
    expect_sanitized("  leading and trailing  ", "  leading and trailing  ");
    /* every printable ASCII character */
    {
        char all[96];
        int i;
        for (i = 0x20; i < 0x7F; i++)
            all[i - 0x20] = (char)i;
        all[0x7F - 0x20] = '\0';
        expect_sanitized(all, all);
    }
}

static void
test_sanitize_escapes(void **state)
{
    (void)state;
    /* CSI colour sequence: ESC becomes U+FFFD, the rest is printable */
    expect_sanitized("\x1b[31mred\x1b[0m", FFFD "[31mred" FFFD "[0m");
    /* OSC title sequence terminated by BEL */
    expect_sanitized("\x1b]0;title\x07", FFFD "]0;title" FFFD);
    /* CR, LF, TAB, DEL, other C0 */
    expect_sanitized("a\r\nb", "a" FFFD FFFD "b");
    expect_sanitized("a\tb", "a" FFFD "b");
    expect_sanitized("a\x7f" "b", "a" FFFD "b");
    expect_sanitized("\x01\x08\x0b\x0c\x1f", FFFD FFFD FFFD FFFD FFFD);
    /* C1 controls encoded in UTF-8: U+0085 NEL, U+009B CSI, U+0080, U+009F */
    expect_sanitized("a\xc2\x85" "b", "a" FFFD "b");
    expect_sanitized("\xc2\x9b" "31m", FFFD "31m");
    expect_sanitized("\xc2\x80\xc2\x9f", FFFD FFFD);
    /* U+00A0 (first after C1) is not a control */
    expect_sanitized("a\xc2\xa0" "b", "a\xc2\xa0" "b");
    /* no byte < 0x20 or 0x7f in any of them: every byte checked */
    {
        static const char *const nasty[] = {
            "\x1b[2J\x1b[H", "\x1b]8;;http://evil/\x1b\\click\x1b]8;;\x1b\\", "\x1bP+q\x1b\\",
            "x\x9b" "31m", "\x07\x07\x07",
        };
        size_t i, j;
        for (i = 0; i < sizeof nasty / sizeof nasty[0]; i++) {
            char *out = sanitize(nasty[i], strlen(nasty[i]));
            for (j = 0; out[j]; j++)
                if ((unsigned char)out[j] < 0x20 || (unsigned char)out[j] == 0x7F)
                    fail_msg("control byte 0x%02x left in output %zu", (unsigned char)out[j], i);
            free(out);
        }
    }
}

static void
test_sanitize_bidi(void **state)
{
    (void)state;
    /* RLO U+202E: the "txt.exe" trick */
    expect_sanitized("invoice\xe2\x80\xaetxt.exe", "invoicetxt.exe");
    /* LRE, RLE, PDF, LRO (U+202A-202D) */
    expect_sanitized("\xe2\x80\xaa" "a\xe2\x80\xab" "b\xe2\x80\xac" "c\xe2\x80\xad", "abc");
    /* isolates U+2066-2069 */
    expect_sanitized("\xe2\x81\xa6" "a\xe2\x81\xa7" "b\xe2\x81\xa8" "c\xe2\x81\xa9", "abc");
    /* marks U+200E LRM, U+200F RLM, U+061C ALM */
    expect_sanitized("x\xe2\x80\x8ey\xe2\x80\x8fz\xd8\x9c", "xyz");
    /* only bidi controls: nothing is left */
    expect_sanitized("\xe2\x80\xae\xe2\x81\xa9", "");
}

/* Between "x" and "y" only U+FFFD (at least one) may remain. */
static void
expect_replaced(const char *in, size_t len)
{
    char *out = sanitize(in, len);
    size_t n = strlen(out), k;
    if (n < 5 || out[0] != 'x' || out[n - 1] != 'y')
        fail_msg("invalid UTF-8: surrounding text lost");
    if ((n - 2) % 3 != 0)
        fail_msg("invalid UTF-8: unexpected bytes in the output");
    for (k = 1; k + 1 < n; k += 3)
        if (memcmp(out + k, FFFD, 3) != 0)
            fail_msg("invalid UTF-8: something other than U+FFFD at %zu", k);
    free(out);
}

static void
test_sanitize_invalid_utf8(void **state)
{
    static const char *const cases[] = {
        "x\xff" "y",                     /* lone 0xff */
        "x\xfe" "y",
        "x\x80" "y",                     /* stray continuation */
        "x\xe2\x82" "y",                 /* truncated 3-byte sequence */
        "x\xc0\xaf" "y",                 /* overlong '/' */
        "x\xc1\xbf" "y",                 /* overlong */
        "x\xe0\x80\xaf" "y",             /* overlong 3-byte */
        "x\xf0\x80\x80\xaf" "y",         /* overlong 4-byte */
        "x\xed\xa0\x80" "y",             /* surrogate U+D800 */
        "x\xed\xbf\xbf" "y",             /* surrogate U+DFFF */
        "x\xf4\x90\x80\x80" "y",         /* U+110000 */
        "x\xf5\x80\x80\x80" "y",
        "x\xf8\x88\x80\x80\x80" "y",     /* 5-byte form */
        "x\xf0\x9f\x98" "y",             /* truncated emoji */
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_replaced(cases[i], strlen(cases[i]));
    /* at the very end of the input */
    {
        char *out = sanitize("ab\xe2\x82", 4);
        assert_true(strncmp(out, "ab" FFFD, 5) == 0);
        assert_true(count_fffd(out) >= 1);
        free(out);
    }
    /* every single byte and every pair of bytes gives valid, control-free
     * output (sanitize() checks both) */
    {
        unsigned a, b;
        char in[2];
        for (a = 0; a < 256; a++) {
            in[0] = (char)a;
            free(sanitize(in, 1));
            for (b = 0x80; b < 256; b++) {
                in[1] = (char)b;
                free(sanitize(in, 2));
            }
        }
    }
}

static void
test_sanitize_nul(void **state)
{
    (void)state;
    expect_sanitized_n("a\0b", 3, "a" FFFD "b");
    expect_sanitized_n("\0\0", 2, FFFD FFFD);
    /* the length is what counts, not the NUL */
    expect_sanitized_n("abc\0def", 7, "abc" FFFD "def");
    expect_sanitized_n("abcdef", 3, "abc");
}

static void
test_sanitize_valid_multibyte(void **state)
{
    static const char *const keep[] = {
        "caf\xc3\xa9",                                           /* é */
        "\xe6\x97\xa5\xe6\x9c\xac",                              /* 日本 */
        "\xf0\x9f\x98\x80",                                      /* U+1F600 */
        "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7",              /* مرحبا */
        "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d",                      /* שלום */
        "Postfach voll: M\xc3\xbcller \xe2\x82\xac 5 \xf0\x9f\x93\xa7",
        "\xef\xbf\xbd",                                          /* U+FFFD itself */
        "\xf4\x8f\xbf\xbf",                                      /* U+10FFFF */
        "\xe2\x80\x8b",                                          /* ZWSP: not a control */
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof keep / sizeof keep[0]; i++)
        expect_sanitized(keep[i], keep[i]);
}

static void
test_sanitize_snprintf(void **state)
{
    const char *emoji = "ab\xf0\x9f\x98\x80" "cd";   /* 8 bytes */
    char buf[16];
    (void)state;
    /* cap in the middle of the 4-byte emoji: only "ab" */
    memset(buf, GUARD, sizeof buf);
    assert_int_equal(imaperr_sanitize_text(emoji, 8, buf, 4), 8);
    assert_string_equal(buf, "ab");
    memset(buf, GUARD, sizeof buf);
    assert_int_equal(imaperr_sanitize_text(emoji, 8, buf, 6), 8);
    assert_string_equal(buf, "ab");
    assert_int_equal(imaperr_sanitize_text(emoji, 8, buf, 7), 8);
    assert_string_equal(buf, "ab\xf0\x9f\x98\x80");
    assert_int_equal(imaperr_sanitize_text(emoji, 8, buf, 9), 8);
    assert_string_equal(buf, emoji);
    /* a replacement character is never cut either */
    assert_int_equal(imaperr_sanitize_text("\x1b", 1, buf, 3), 3);
    assert_string_equal(buf, "");
    assert_int_equal(imaperr_sanitize_text("\x1b", 1, buf, 4), 3);
    assert_string_equal(buf, FFFD);
    /* cap 0, NULL buf: the length only */
    assert_int_equal(imaperr_sanitize_text(emoji, 8, NULL, 0), 8);
    assert_int_equal(imaperr_sanitize_text("\x1b[0m", 4, NULL, 0), 6);
    /* the full contract over every cap, mixed input */
    {
        static const char mixed[] = "x\x1b[1m\xe6\x97\xa5\xe2\x80\xae\xff\xf0\x9f\x98\x80y";
        free(sanitize(mixed, sizeof mixed - 1));
    }
    /* NULL text */
    memset(buf, GUARD, sizeof buf);
    assert_int_equal(imaperr_sanitize_text(NULL, 0, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    assert_int_equal(imaperr_sanitize_text(NULL, 0, NULL, 0), 0);
    assert_int_equal(imaperr_sanitize_text(NULL, 1, buf, sizeof buf), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_sanitize_text(NULL, 5, NULL, 0), IMAPERR_E_INVALID);
    /* NULL buf with cap > 0 */
    assert_int_equal(imaperr_sanitize_text("abc", 3, NULL, 4), IMAPERR_E_INVALID);
}

/* A 1 MiB input of every kind of trouble: runs (no timing assertions; a
 * quadratic implementation would show up as a very slow test). */
/* The sanitiser explain uses stops reading once its output is cut (a 10 MiB
 * text costs no more than the part shown): the bytes it writes must be
 * those of imaperr_sanitize_text() with the same buffer, and it must say
 * "cut" exactly when imaperr_sanitize_text() reports a length >= cap. */
static void
test_sanitize_prefix(void **state)
{
    static const char *const pieces[] = {
        "a", "ok ", "0123456789abcdef", "Quota exceeded for this mailbox, ", "\x1b[31m",
        "\xe2\x80\xae", "\xe2\x81\xa6", "\xff", "\xc0\xaf", "\xe6\x97\xa5", "\xf0\x9f\x98\x80",
        "e\xcc\x81", "\t", "\x7f", "\xc2\x85", "\xe2\x80\xa8", "\xed\xa0\x80", "\xe6\x97",
    };
    char in[400], full[1300], part[1300];
    unsigned seed = 12345u, round;
    (void)state;
    for (round = 0; round < 400; round++) {
        size_t len = 0, cap, maxcap;
        unsigned k, count;
        seed = seed * 1103515245u + 12345u;
        count = (seed >> 16) % 12;
        for (k = 0; k < count; k++) {
            const char *p;
            size_t pl;
            seed = seed * 1103515245u + 12345u;
            p = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
            pl = strlen(p);
            if (len + pl > sizeof in)
                break;
            memcpy(in + len, p, pl);
            len += pl;
        }
        maxcap = 3 * len + 8 < sizeof full ? 3 * len + 8 : sizeof full;
        for (cap = 1; cap <= maxcap; cap++) {
            int n = imaperr_sanitize_text(in, len, full, cap), cut = -1;
            size_t got;
            memset(part, 'X', sizeof part);
            got = imaperr__sanitize_prefix(in, len, part, cap, &cut);
            assert_true(n >= 0);
            assert_int_equal(cut, (size_t)n >= cap);
            assert_int_equal(got, strlen(full));
            assert_int_equal(memcmp(part, full, got + 1), 0);
            if (!cut)
                assert_int_equal(got, (size_t)n);
        }
    }
}

static void
test_sanitize_large(void **state)
{
    static const char chunk[] = "ok \x1b[31m\xe2\x80\xae\xff\xc0\xaf\xe6\x97\xa5\xf0\x9f\x98\x80\0\r\n";
    const size_t size = 1u << 20;
    char *in = malloc(size), *out;
    size_t i;
    int n, m;
    (void)state;
    assert_non_null(in);
    for (i = 0; i < size; i++)
        in[i] = chunk[i % (sizeof chunk - 1)];
    n = imaperr_sanitize_text(in, size, NULL, 0);
    assert_true(n > 0);
    out = malloc((size_t)n + 1);
    assert_non_null(out);
    m = imaperr_sanitize_text(in, size, out, (size_t)n + 1);
    assert_int_equal(m, n);
    assert_int_equal(strlen(out), (size_t)n);
    assert_true(is_valid_utf8(out, (size_t)n));
    assert_false(has_control(out, (size_t)n));
    /* a small buffer over the same input */
    {
        char small[10];
        assert_int_equal(imaperr_sanitize_text(in, size, small, sizeof small), n);
        assert_true(is_valid_utf8(small, strlen(small)));
        assert_int_equal(memcmp(small, out, strlen(small)), 0);
    }
    free(out);
    free(in);
}

/* ------------------------------------------------------------------------ */
/* Thread safety: the one-time gettext binding runs under pthread_once       */
/* ------------------------------------------------------------------------ */

struct thread_arg {
    const imaperr_classification *c;
    const char *expect;
    int failures;
};

static void *
thread_main(void *p)
{
    struct thread_arg *a = p;
    int i;
    for (i = 0; i < 200; i++) {
        char buf[512], lang[16], san[64];
        int fb;
        if (imaperr_message(a->c, NULL, buf, sizeof buf) < 0 || strcmp(buf, a->expect) != 0)
            a->failures++;
        if (imaperr_message(a->c, "fr-CA,fr;q=0.8,en;q=0.5", buf, sizeof buf) < 0)
            a->failures++;
        if (imaperr_negotiate_locale("xx", lang, sizeof lang, &fb) != 2 || fb != 1)
            a->failures++;
        if (imaperr_sanitize_text("\x1b[0mok", 6, san, sizeof san) != 8)
            a->failures++;
    }
    return NULL;
}

static void
test_threads(void **state)
{
    enum { NTHREADS = 8 };
    pthread_t t[NTHREADS];
    struct thread_arg args[NTHREADS];
    imaperr_classification c;
    char expect[512];
    int i, created = 0, failures = 0, joined_ok = 1;
    (void)state;
    classify_line("a NO [OVERQUOTA] x", NULL, &c);
    assert_true(imaperr_message(&c, "en", expect, sizeof expect) > 0);
    for (i = 0; i < NTHREADS; i++) {
        args[i].c = &c;
        args[i].expect = expect;
        args[i].failures = 0;
        if (pthread_create(&t[i], NULL, thread_main, &args[i]) != 0)
            break;
        created++;
    }
    /* join every thread before any assertion can leave this frame */
    for (i = 0; i < created; i++) {
        if (pthread_join(t[i], NULL) != 0)
            joined_ok = 0;
        failures += args[i].failures;
    }
    assert_int_equal(created, NTHREADS);
    assert_true(joined_ok);
    assert_int_equal(failures, 0);
}

/* ------------------------------------------------------------------------ */
/* Error strings, version, names                                              */
/* ------------------------------------------------------------------------ */

static void
test_strerror_rc_name(void **state)
{
    static const int rcs[] = {
        IMAPERR_OK, IMAPERR_E_INVALID, IMAPERR_E_EMPTY, IMAPERR_E_TRUNCATED,
        IMAPERR_E_NOT_RESPONSE, IMAPERR_E_SYNTAX, IMAPERR_E_UNKNOWN_NAME, IMAPERR_E_INTERNAL,
    };
    static const int unknown[] = { 1, 2, 100, -8, -9, -100, INT32_MIN, INT32_MAX };
    const char *names[sizeof rcs / sizeof rcs[0]], *texts[sizeof rcs / sizeof rcs[0]];
    size_t i, j;
    (void)state;
    for (i = 0; i < sizeof rcs / sizeof rcs[0]; i++) {
        const char *p;
        names[i] = imaperr_rc_name(rcs[i]);
        texts[i] = imaperr_strerror(rcs[i]);
        if (names[i] == NULL || names[i][0] == '\0')
            fail_msg("rc %d has no name", rcs[i]);
        if (texts[i] == NULL || texts[i][0] == '\0' || strcmp(texts[i], "unknown error") == 0)
            fail_msg("rc %d has no description", rcs[i]);
        /* names are stable lower-case words with '-' */
        for (p = names[i]; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || *p == '-'))
                fail_msg("rc name \"%s\" is not lower-case", names[i]);
    }
    for (i = 0; i < sizeof rcs / sizeof rcs[0]; i++)
        for (j = i + 1; j < sizeof rcs / sizeof rcs[0]; j++) {
            assert_string_not_equal(names[i], names[j]);
            assert_string_not_equal(texts[i], texts[j]);
        }
    /* the names the header promises */
    assert_string_equal(imaperr_rc_name(IMAPERR_E_EMPTY), "empty");
    assert_string_equal(imaperr_rc_name(IMAPERR_E_TRUNCATED), "truncated");
    assert_string_equal(imaperr_rc_name(IMAPERR_E_NOT_RESPONSE), "not-response");
    assert_string_equal(imaperr_rc_name(IMAPERR_E_SYNTAX), "syntax");
    assert_string_equal(imaperr_strerror(IMAPERR_E_EMPTY), "line is empty");
    /* unknown values */
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        assert_null(imaperr_rc_name(unknown[i]));
        assert_non_null(imaperr_strerror(unknown[i]));
        assert_string_equal(imaperr_strerror(unknown[i]), "unknown error");
    }
}

static void
test_version(void **state)
{
    unsigned long major, minor, patch;
    char req[64];
    (void)state;
    assert_non_null(imaperr_version());
    assert_string_equal(imaperr_version(), IMAPERR_VERSION);
    assert_int_equal(sscanf(IMAPERR_VERSION, "%lu.%lu.%lu", &major, &minor, &patch), 3);

    assert_non_null(imaperr_check_version("0.0.1"));
    assert_string_equal(imaperr_check_version("0.0.1"), IMAPERR_VERSION);
    assert_non_null(imaperr_check_version(IMAPERR_VERSION));
    assert_null(imaperr_check_version("999.0.0"));
    assert_non_null(imaperr_check_version(NULL));
    assert_string_equal(imaperr_check_version(NULL), IMAPERR_VERSION);
    assert_null(imaperr_check_version("garbage"));
    /* one step above in each part is too new */
    snprintf(req, sizeof req, "%lu.%lu.%lu", major, minor, patch + 1);
    assert_null(imaperr_check_version(req));
    snprintf(req, sizeof req, "%lu.%lu.0", major, minor + 1);
    assert_null(imaperr_check_version(req));
    snprintf(req, sizeof req, "%lu.0.0", major + 1);
    assert_null(imaperr_check_version(req));
    /* missing parts count as 0 */
    snprintf(req, sizeof req, "%lu.%lu", major, minor);
    assert_non_null(imaperr_check_version(req));
    snprintf(req, sizeof req, "%lu", major);
    assert_non_null(imaperr_check_version(req));
}

static void
test_names(void **state)
{
    static const char *const categories[] = {
        "ok", "transient", "throttled", "credential", "authorization", "permission", "privacy",
        "quota", "limit", "already-exists", "nonexistent", "in-use", "expunge-race",
        "client-bug", "server-bug", "cannot", "connection", "alert", "unknown",
    };
    static const char *const actions[] = {
        "none", "retry-backoff", "retry-after-noop", "retry-after-starttls",
        "retry-after-create", "reconnect", "reauthenticate", "user-action", "fail",
    };
    size_t i;
    (void)state;

    assert_string_equal(imaperr_status_name(IMAPERR_STATUS_OK), "OK");
    assert_string_equal(imaperr_status_name(IMAPERR_STATUS_NO), "NO");
    assert_string_equal(imaperr_status_name(IMAPERR_STATUS_BAD), "BAD");
    assert_string_equal(imaperr_status_name(IMAPERR_STATUS_BYE), "BYE");
    assert_string_equal(imaperr_status_name(IMAPERR_STATUS_PREAUTH), "PREAUTH");
    /* no status: JSON null */
    assert_null(imaperr_status_name(IMAPERR_STATUS_NONE));
    assert_null(imaperr_status_name((imaperr_status)6));
    assert_null(imaperr_status_name((imaperr_status)-1));

    assert_string_equal(imaperr_source_name(IMAPERR_SOURCE_NONE), "none");
    assert_string_equal(imaperr_source_name(IMAPERR_SOURCE_CODE), "code");
    assert_string_equal(imaperr_source_name(IMAPERR_SOURCE_TEXT_HEURISTIC), "text-heuristic");
    assert_string_equal(imaperr_source_name(IMAPERR_SOURCE_STATUS), "status");
    assert_null(imaperr_source_name((imaperr_source)4));
    assert_null(imaperr_source_name((imaperr_source)-1));

    assert_string_equal(imaperr_severity_name(IMAPERR_SEVERITY_INFO), "info");
    assert_string_equal(imaperr_severity_name(IMAPERR_SEVERITY_WARNING), "warning");
    assert_string_equal(imaperr_severity_name(IMAPERR_SEVERITY_ERROR), "error");
    assert_null(imaperr_severity_name((imaperr_severity)3));
    assert_null(imaperr_severity_name((imaperr_severity)-1));

    assert_string_equal(imaperr_kind_name(IMAPERR_KIND_STATUS), "status");
    assert_string_equal(imaperr_kind_name(IMAPERR_KIND_DATA), "data");
    assert_string_equal(imaperr_kind_name(IMAPERR_KIND_CONTINUATION), "continuation");
    (void)imaperr_kind_name(IMAPERR_KIND_NONE);  /* NULL or a name: must not crash */
    assert_null(imaperr_kind_name((imaperr_kind)4));
    assert_null(imaperr_kind_name((imaperr_kind)-1));

    /* DESIGN.md's vocabularies, in ABI order, both ways */
    for (i = 0; i < sizeof categories / sizeof categories[0]; i++) {
        assert_non_null(imaperr_category_name((imaperr_category)i));
        assert_string_equal(imaperr_category_name((imaperr_category)i), categories[i]);
        assert_int_equal(imaperr_category_from_name(categories[i]), (int)i);
    }
    assert_null(imaperr_category_name((imaperr_category)i));
    for (i = 0; i < sizeof actions / sizeof actions[0]; i++) {
        assert_non_null(imaperr_action_name((imaperr_action)i));
        assert_string_equal(imaperr_action_name((imaperr_action)i), actions[i]);
        assert_int_equal(imaperr_action_from_name(actions[i]), (int)i);
    }
    assert_null(imaperr_action_name((imaperr_action)i));
    assert_int_equal(imaperr_category_from_name("Quota"), IMAPERR_E_UNKNOWN_NAME);
    assert_int_equal(imaperr_category_from_name(""), IMAPERR_E_UNKNOWN_NAME);
    assert_int_equal(imaperr_category_from_name(NULL), IMAPERR_E_UNKNOWN_NAME);
    assert_int_equal(imaperr_action_from_name("retry"), IMAPERR_E_UNKNOWN_NAME);
    assert_int_equal(imaperr_action_from_name(NULL), IMAPERR_E_UNKNOWN_NAME);
}

/* ------------------------------------------------------------------------ */

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_message_snprintf),
        cmocka_unit_test(test_message_invalid),
        cmocka_unit_test(test_message_struct_size),
        cmocka_unit_test(test_message_every_category),
        cmocka_unit_test(test_message_specific),
        cmocka_unit_test_setup(test_negotiate_basic, load_linguas),
        cmocka_unit_test_setup(test_negotiate_catalogs, load_linguas),
        cmocka_unit_test(test_negotiate_long_request),
        cmocka_unit_test(test_negotiate_snprintf),
        cmocka_unit_test(test_sanitize_plain),
        cmocka_unit_test(test_sanitize_escapes),
        cmocka_unit_test(test_sanitize_bidi),
        cmocka_unit_test(test_sanitize_invalid_utf8),
        cmocka_unit_test(test_sanitize_nul),
        cmocka_unit_test(test_sanitize_valid_multibyte),
        cmocka_unit_test(test_sanitize_snprintf),
        cmocka_unit_test(test_sanitize_large),
        cmocka_unit_test(test_sanitize_prefix),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_strerror_rc_name),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
