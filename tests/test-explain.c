/* test-explain.c - imaperr_explain() and imaperr_explain_server_text():
 * message variants chosen by the values known, value formatting (sizes,
 * relative times, counts, mailbox names, addresses), quoting and bidi
 * isolation, sanitising and capping of server text, the snprintf contract,
 * locale negotiation, every shipped catalog, and IMAPERR_EXPLAIN_NO_RETRY
 * (no promised retry when none will follow).
 *
 * The catalogs come from the build tree (locale/, staged from po/); the
 * test sets IMAPERR_LOCALEDIR itself so that it also runs outside "make
 * check" (valgrind).
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include <unicode/uloc.h>

#include "common.h"
#include "internal.h"
#include "i18n.h"

#ifndef TOP_BUILDDIR
#define TOP_BUILDDIR "."
#endif

#define FSI "\xE2\x81\xA8"
#define PDI "\xE2\x81\xA9"
#define LQ "\xE2\x80\x9C"    /* English quotation marks */
#define RQ "\xE2\x80\x9D"
#define ELLIPSIS "\xE2\x80\xA6"
#define FFFD "\xEF\xBF\xBD"
#define Q(s) LQ FSI s PDI RQ

static char out[8192];

/* Parse (must succeed) and classify `line`, explain it; returns `out`. */
static const char *
explain(const char *line, const char *command, const imaperr_explain_context *ctx, const char *locale,
        imaperr_explain_info *info)
{
    static imaperr_response r;
    imaperr_classification c;
    int n;
    classify_line(line, command, &c);
    parse_str(line, &r);
    n = imaperr_explain(&r, &c, ctx, locale, out, sizeof out, info);
    if (n < 0 || (size_t)n >= sizeof out)
        fail_msg("explain(\"%s\") returned %d", line, n);
    return out;
}

static const char *
english(const char *line, const imaperr_explain_context *ctx)
{
    return explain(line, NULL, ctx, "en", NULL);
}

/* ------------------------------------------------------------------------ */
/* UTF-8 and the snprintf contract                                            */
/* ------------------------------------------------------------------------ */

static int
valid_utf8(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t len, k;
        if (c < 0x80) { i++; continue; }
        if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c >= 0xE0 && c <= 0xEF) len = 3;
        else if (c >= 0xF0 && c <= 0xF4) len = 4;
        else return 0;
        if (n - i < len)
            return 0;
        for (k = 1; k < len; k++)
            if (((unsigned char)s[i + k] & 0xC0) != 0x80)
                return 0;
        i += len;
    }
    return 1;
}

struct call {
    const imaperr_response *r;
    const imaperr_classification *c;
    const imaperr_explain_context *ctx;
    const char *locale;
    int server_only;
};

static int
do_call(const struct call *k, char *buf, size_t cap)
{
    if (k->server_only)
        return imaperr_explain_server_text(k->r, k->ctx, k->locale, buf, cap, NULL);
    return imaperr_explain(k->r, k->c, k->ctx, k->locale, buf, cap, NULL);
}

/* Every cap from 0 to the full length + 2: the same return value, NUL
 * termination, a prefix of the full text cut at a character boundary,
 * nothing written past cap. */
static void
check_snprintf(const struct call *k)
{
    int n = do_call(k, NULL, 0);
    char *full, *buf;
    size_t len, cap;
    assert_true(n >= 0);
    len = (size_t)n;
    full = malloc(len + 1);
    buf = malloc(len + 8);
    assert_non_null(full);
    assert_non_null(buf);
    assert_int_equal(do_call(k, full, len + 1), n);
    assert_int_equal(strlen(full), len);
    assert_true(valid_utf8(full, len));
    for (cap = 0; cap <= len + 2; cap++) {
        size_t got, i;
        memset(buf, 0x7E, len + 8);
        if (do_call(k, cap ? buf : NULL, cap) != n)
            fail_msg("return value depends on cap %zu", cap);
        if (cap == 0)
            continue;
        got = strlen(buf);
        if (got >= cap || memcmp(buf, full, got) != 0 || !valid_utf8(buf, got))
            fail_msg("cap %zu: bad prefix (%zu bytes)", cap, got);
        /* cut exactly before the first character that does not fit */
        if (got < len && got + 1 < cap) {
            unsigned char next = (unsigned char)full[got];
            size_t clen = next < 0x80 ? 1 : next < 0xE0 ? 2 : next < 0xF0 ? 3 : 4;
            if (got + clen <= cap - 1)
                fail_msg("cap %zu: cut too early at %zu", cap, got);
        }
        for (i = cap; i < len + 8; i++)
            if ((unsigned char)buf[i] != 0x7E)
                fail_msg("cap %zu: byte %zu written", cap, i);
    }
    free(full);
    free(buf);
}

/* ------------------------------------------------------------------------ */
/* English: variants and values                                               */
/* ------------------------------------------------------------------------ */

static void
test_base_message(void **state)
{
    imaperr_explain_info info = IMAPERR_EXPLAIN_INFO_INIT;
    imaperr_classification c;
    char msg[512];
    (void)state;
    explain("a NO [OVERQUOTA] Quota exceeded (mailbox for user is full)", NULL, NULL, "en", &info);
    assert_string_equal(out, "Your mailbox is full. Delete some messages or empty the trash, then try again.");
    assert_string_equal(info.language, "en");
    assert_int_equal(info.fallback, 0);
    assert_string_equal(info.key, "quota-exceeded");
    assert_int_equal(info.values, 0);
    assert_int_equal(info.server_text, 0);
    /* without a response, and equal to imaperr_message() */
    classify_line("a NO [OVERQUOTA] x", NULL, &c);
    assert_true(imaperr_explain(NULL, &c, NULL, "en", out, sizeof out, NULL) > 0);
    assert_true(imaperr_message(&c, "en", msg, sizeof msg) > 0);
    assert_string_equal(out, msg);
    /* a language nobody ships: English, reported as a fallback */
    explain("a NO [OVERQUOTA] x", NULL, NULL, "xx-YY", &info);
    assert_string_equal(out, msg);
    assert_string_equal(info.language, "en");
    assert_int_equal(info.fallback, 1);
    /* "C" and English requests are no fallback */
    explain("a NO [OVERQUOTA] x", NULL, NULL, "C", &info);
    assert_int_equal(info.fallback, 0);
    explain("a NO [OVERQUOTA] x", NULL, NULL, "en_GB.UTF-8", &info);
    assert_int_equal(info.fallback, 0);
    assert_string_equal(info.language, "en");
}

static void
test_quota_amount(void **state)
{
    imaperr_explain_context ctx = IMAPERR_EXPLAIN_CONTEXT_INIT;
    imaperr_explain_info info = IMAPERR_EXPLAIN_INFO_INIT;
    (void)state;
    ctx.known = IMAPERR_VALUE_QUOTA;
    ctx.quota_used_kib = 1000000;    /* 1.024e9 bytes */
    ctx.quota_limit_kib = 1048576;   /* 1 GiB */
    explain("a NO [OVERQUOTA] x", NULL, &ctx, "en", &info);
    assert_string_equal(out, "Your mailbox is full: 1 GB of 1.1 GB used. Delete some messages or empty the "
                             "trash, then try again.");
    assert_string_equal(info.key, "quota-exceeded-amount");
    assert_int_equal(info.values, IMAPERR_VALUE_QUOTA);
    /* the warning with OK */
    ctx.quota_used_kib = 14500000;
    ctx.quota_limit_kib = 15000000;
    assert_string_equal(english("a OK [OVERQUOTA] x", &ctx),
                        "Your mailbox is almost full: 15 GB of 15 GB used. Delete some messages soon to keep "
                        "receiving mail.");
    ctx.quota_used_kib = 500;
    ctx.quota_limit_kib = 2097152;
    assert_string_equal(english("a OK [OVERQUOTA] x", &ctx),
                        "Your mailbox is almost full: 512 kB of 2.1 GB used. Delete some messages soon to keep "
                        "receiving mail.");
    /* a zero limit is no value; nor is a quota without the bit */
    ctx.quota_limit_kib = 0;
    explain("a NO [OVERQUOTA] x", NULL, &ctx, "en", &info);
    assert_string_equal(info.key, "quota-exceeded");
    ctx.quota_limit_kib = 100;
    ctx.known = 0;
    explain("a NO [OVERQUOTA] x", NULL, &ctx, "en", &info);
    assert_string_equal(info.key, "quota-exceeded");
}

static void
test_sizes(void **state)
{
    static const struct { uint64_t kib; const char *text; } t[] = {
        { 1, "1 kB" }, { 500, "512 kB" }, { 976, "999 kB" }, { 977, "1 MB" },
        { 1048576, "1.1 GB" }, { 2097152, "2.1 GB" }, { 15000000, "15 GB" }, { 999999999, "1 TB" },
    };
    size_t i;
    char b[64];
    (void)state;
    for (i = 0; i < sizeof t / sizeof t[0]; i++) {
        assert_true(imaperr__format_size(0, t[i].kib, b, sizeof b) > 0);
        assert_string_equal(b, t[i].text);
    }
}

static void
test_retry(void **state)
{
    static const struct { uint64_t ms; const char *when; } t[] = {
        { 1, "in 1 second" }, { 30000, "in 30 seconds" }, { 59001, "in 1 minute" },
        { 300000, "in 5 minutes" }, { 3570000, "in 1 hour" }, { 5400000, "in 2 hours" },
        { 172800000, "in 2 days" },
    };
    imaperr_explain_context ctx = IMAPERR_EXPLAIN_CONTEXT_INIT;
    imaperr_explain_info info = IMAPERR_EXPLAIN_INFO_INIT;
    imaperr_classification c;
    imaperr_response r;
    char want[256];
    size_t i;
    (void)state;
    ctx.known = IMAPERR_VALUE_RETRY;
    for (i = 0; i < sizeof t / sizeof t[0]; i++) {
        ctx.retry_ms = t[i].ms;
        explain("a NO [UNAVAILABLE] x", NULL, &ctx, "en", &info);
        snprintf(want, sizeof want, "The mail server is temporarily unavailable. Your app will try again %s.",
                 t[i].when);
        assert_string_equal(out, want);
        assert_string_equal(info.key, "cat-transient-retry");
        assert_int_equal(info.values, IMAPERR_VALUE_RETRY);
    }
    /* 0 ms is no value */
    ctx.retry_ms = 0;
    explain("a NO [UNAVAILABLE] x", NULL, &ctx, "en", &info);
    assert_string_equal(info.key, "cat-transient");
    /* the classification's hint when the caller knows nothing */
    classify_line("a NO [INUSE] x", NULL, &c);
    parse_str("a NO [INUSE] x", &r);
    c.hint_backoff_ms = 120000;
    assert_true(imaperr_explain(&r, &c, NULL, "en", out, sizeof out, &info) > 0);
    assert_string_equal(out, "The folder is busy or locked by another program. Your app will try again in 2 minutes.");
    /* the caller's value wins over the hint */
    ctx.known = IMAPERR_VALUE_RETRY;
    ctx.retry_ms = 10000;
    assert_true(imaperr_explain(&r, &c, &ctx, "en", out, sizeof out, &info) > 0);
    assert_string_equal(out, "The folder is busy or locked by another program. Your app will try again in 10 seconds.");
    /* a message without a -retry variant ignores it */
    explain("a NO [OVERQUOTA] x", NULL, &ctx, "en", &info);
    assert_string_equal(info.key, "quota-exceeded");
    assert_int_equal(info.values, 0);
}

static const char *
with_mailbox(const char *line, const char *name, size_t len, int utf8)
{
    imaperr_explain_context ctx = IMAPERR_EXPLAIN_CONTEXT_INIT;
    ctx.known = IMAPERR_VALUE_MAILBOX;
    ctx.mailbox = name;
    ctx.mailbox_len = len;
    ctx.mailbox_utf8 = utf8;
    return english(line, &ctx);
}

#define NONEXIST(q) "The folder " q " does not exist on the mail server."

static void
test_mailbox(void **state)
{
    imaperr_explain_context ctx = IMAPERR_EXPLAIN_CONTEXT_INIT;
    imaperr_explain_info info = IMAPERR_EXPLAIN_INFO_INIT;
    char name[1200], want[1400];
    const char *got;
    size_t i;
    (void)state;
    /* modified UTF-7, decoded with ICU's IMAP-mailbox-name converter */
    assert_string_equal(with_mailbox("a NO [NONEXISTENT] x", "Entw&APw-rfe", 12, 0),
                        NONEXIST(Q("Entw\xC3\xBCrfe")));
    assert_string_equal(with_mailbox("a NO [NONEXISTENT] x", "&ZeVnLIqe-", 10, 0),
                        NONEXIST(Q("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E")));
    assert_string_equal(with_mailbox("a NO [NONEXISTENT] x", "a&-b", 4, 0), NONEXIST(Q("a&b")));
    /* not valid modified UTF-7: shown as it is, never dropped */
    assert_string_equal(with_mailbox("a NO [NONEXISTENT] x", "&Jjo!", 5, 0), NONEXIST(Q("&Jjo!")));
    assert_string_equal(with_mailbox("a NO [NONEXISTENT] x", "&AGEAYgBj-", 10, 0), NONEXIST(Q("&AGEAYgBj-")));
    assert_string_equal(with_mailbox("a NO [NONEXISTENT] x", "x&AOQ", 5, 0), NONEXIST(Q("x&AOQ")));
    /* UTF-8 names (UTF8=ACCEPT), and 8-bit names without the flag */
    assert_string_equal(with_mailbox("a NO [NONEXISTENT] x", "Entw\xC3\xBCrfe", 9, 1),
                        NONEXIST(Q("Entw\xC3\xBCrfe")));
    assert_string_equal(with_mailbox("a NO [NONEXISTENT] x", "Entw\xC3\xBCrfe", 9, 0),
                        NONEXIST(Q("Entw\xC3\xBCrfe")));
    assert_string_equal(with_mailbox("a NO [NONEXISTENT] x", "Entw&APw-rfe", 12, 1), NONEXIST(Q("Entw&APw-rfe")));
    /* hostile names: controls (also decoded from UTF-7) replaced, bidi
     * controls and invalid bytes handled */
    assert_string_equal(with_mailbox("a NO [NONEXISTENT] x", "\x1b[31mred", 8, 0),
                        NONEXIST(Q(FFFD "[31mred")));
    assert_string_equal(with_mailbox("a NO [NONEXISTENT] x", "&ABs-[2J", 8, 0), NONEXIST(Q(FFFD "[2J")));
    assert_string_equal(with_mailbox("a NO [NONEXISTENT] x", "a\xE2\x80\xAE" "b", 5, 1), NONEXIST(Q("ab")));
    assert_string_equal(with_mailbox("a NO [NONEXISTENT] x", "a\0b\xFF", 4, 0), NONEXIST(Q("a" FFFD "b" FFFD)));
    /* long names: 100 user-perceived characters at most, cut at a grapheme
     * boundary, with an ellipsis */
    memset(name, 'a', 300);
    got = with_mailbox("a NO [NONEXISTENT] x", name, 300, 1);
    memset(want, 'a', 99);
    strcpy(want + 99, ELLIPSIS);
    {
        char full[2000];
        snprintf(full, sizeof full, NONEXIST(LQ FSI "%s" PDI RQ), want);
        assert_string_equal(got, full);
    }
    for (i = 0; i < 150; i++)
        memcpy(name + i * 3, "e\xCC\x81", 3);   /* e + COMBINING ACUTE */
    got = with_mailbox("a NO [NONEXISTENT] x", name, 450, 1);
    assert_non_null(strstr(got, "e\xCC\x81" ELLIPSIS PDI));
    /* a mailbox for a message without a -mailbox variant */
    ctx.known = IMAPERR_VALUE_MAILBOX;
    ctx.mailbox = "INBOX";
    ctx.mailbox_len = 5;
    explain("a NO [OVERQUOTA] x", NULL, &ctx, "en", &info);
    assert_string_equal(info.key, "quota-exceeded");
    explain("a NO [TRYCREATE] x", "APPEND", &ctx, "en", &info);
    assert_string_equal(out, "The folder " Q("INBOX") " does not exist yet. Your app can create it and try again.");
    assert_string_equal(info.key, "trycreate-mailbox");
    assert_int_equal(info.values, IMAPERR_VALUE_MAILBOX);
    /* empty or NULL names are no value */
    ctx.mailbox_len = 0;
    explain("a NO [TRYCREATE] x", NULL, &ctx, "en", &info);
    assert_string_equal(info.key, "trycreate");
    ctx.mailbox = NULL;
    ctx.mailbox_len = 5;
    explain("a NO [TRYCREATE] x", NULL, &ctx, "en", &info);
    assert_string_equal(info.key, "trycreate");
}

static void
test_url_and_server_text(void **state)
{
    imaperr_explain_context ctx = IMAPERR_EXPLAIN_CONTEXT_INIT;
    imaperr_explain_info info = IMAPERR_EXPLAIN_INFO_INIT;
    imaperr_classification c;
    imaperr_response r;
    static const char hostile_url[] = "https://e.example/\x1b[2J\xE2\x80\xAEx";
    (void)state;
    /* WEBALERT: the address from the code's argument; the server's text
     * follows because the classification must be shown to the user */
    explain("a NO [WEBALERT https://example.com/x] Web login required", NULL, NULL, "en", &info);
    assert_string_equal(out, "The mail server asks you to open " Q("https://example.com/x")
                             " to resolve a problem with your account. The server said: " Q("Web login required"));
    assert_string_equal(info.key, "webalert-url");
    assert_int_equal(info.values, IMAPERR_VALUE_URL);
    assert_int_equal(info.server_text, 1);
    ctx.options = IMAPERR_EXPLAIN_NO_SERVER_TEXT;
    explain("a NO [WEBALERT https://example.com/x] Web login required", NULL, &ctx, "en", &info);
    assert_string_equal(out, "The mail server asks you to open " Q("https://example.com/x")
                             " to resolve a problem with your account.");
    assert_int_equal(info.server_text, 0);
    /* on request for any response */
    ctx.options = IMAPERR_EXPLAIN_SERVER_TEXT;
    explain("a NO [OVERQUOTA] Quota exceeded", NULL, &ctx, "en", &info);
    assert_string_equal(out, "Your mailbox is full. Delete some messages or empty the trash, then try again. "
                             "The server said: " Q("Quota exceeded"));
    assert_int_equal(info.server_text, 1);
    /* no text, nothing appended */
    explain("a NO [ALERT]", NULL, NULL, "en", &info);
    assert_string_equal(out, "The mail server has an important message for you.");
    assert_int_equal(info.server_text, 0);
    /* REFERRAL's imap:// address */
    explain("a NO [REFERRAL imap://user;AUTH=*@mail2.example.com/] moved", NULL, NULL, "en", &info);
    assert_string_equal(out, "Your mailbox is on a different mail server: " Q("imap://user;AUTH=*@mail2.example.com/")
                             ". Update the server address in the account settings.");
    /* the classification's hint, sanitised */
    classify_line("a NO [WEBALERT https://example.com/x] y", NULL, &c);
    c.hint_url.ptr = hostile_url;
    c.hint_url.len = sizeof hostile_url - 1;
    assert_true(imaperr_explain(NULL, &c, NULL, "en", out, sizeof out, &info) > 0);
    assert_string_equal(out, "The mail server asks you to open " Q("https://e.example/" FFFD "[2Jx")
                             " to resolve a problem with your account.");
    /* the server's text alone */
    parse_str("a NO [ALERT] \x1b[31mPlease \xE2\x80\xAEsign in", &r);
    assert_int_equal(imaperr_explain_server_text(&r, NULL, "en", out, sizeof out, &info),
                     (int)strlen("The server said: " Q(FFFD "[31mPlease sign in")));
    assert_string_equal(out, "The server said: " Q(FFFD "[31mPlease sign in"));
    assert_string_equal(info.key, "server-said");
    assert_int_equal(info.server_text, 1);
    parse_str("a OK", &r);
    assert_int_equal(imaperr_explain_server_text(&r, NULL, "en", out, sizeof out, &info), 0);
    assert_string_equal(out, "");
    assert_int_equal(info.server_text, 0);
}

static void
test_server_text_cap(void **state)
{
    imaperr_explain_context ctx = IMAPERR_EXPLAIN_CONTEXT_INIT;
    imaperr_response r;
    char line[8000], want[8000];
    size_t i;
    (void)state;
    /* 500 characters: 199 and an ellipsis by default */
    strcpy(line, "a NO ");
    memset(line + 5, 'x', 500);
    line[505] = '\0';
    parse_str(line, &r);
    assert_true(imaperr_explain_server_text(&r, NULL, "en", out, sizeof out, NULL) > 0);
    strcpy(want, "The server said: " LQ FSI);
    memset(want + strlen(want), 'x', 199);
    want[strlen("The server said: " LQ FSI) + 199] = '\0';
    strcat(want, ELLIPSIS PDI RQ);
    assert_string_equal(out, want);
    /* max_text, at a space: the space goes */
    ctx.max_text = 10;
    parse_str("a NO Hello world, this is long", &r);
    assert_true(imaperr_explain_server_text(&r, &ctx, "en", out, sizeof out, NULL) > 0);
    assert_string_equal(out, "The server said: " Q("Hello wor" ELLIPSIS));
    ctx.max_text = 7;
    assert_true(imaperr_explain_server_text(&r, &ctx, "en", out, sizeof out, NULL) > 0);
    assert_string_equal(out, "The server said: " Q("Hello" ELLIPSIS));
    /* exactly the limit: no cut */
    ctx.max_text = 30;
    assert_true(imaperr_explain_server_text(&r, &ctx, "en", out, sizeof out, NULL) > 0);
    assert_string_equal(out, "The server said: " Q("Hello world, this is long"));
    /* a family emoji (one grapheme of 7 code points) is never split */
    ctx.max_text = 3;
    parse_str("a NO ab\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7\xE2\x80\x8D"
              "\xF0\x9F\x91\xA6" "cd", &r);
    assert_true(imaperr_explain_server_text(&r, &ctx, "en", out, sizeof out, NULL) > 0);
    assert_string_equal(out, "The server said: " Q("ab" ELLIPSIS));
    ctx.max_text = 4;
    assert_true(imaperr_explain_server_text(&r, &ctx, "en", out, sizeof out, NULL) > 0);
    assert_string_equal(out, "The server said: " Q("ab\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D"
                                                   "\xF0\x9F\x91\xA7\xE2\x80\x8D\xF0\x9F\x91\xA6" ELLIPSIS));
    /* thousands of combining marks on one letter: cut by bytes, the
     * output stays bounded and valid */
    strcpy(line, "a NO x");
    for (i = 0; i < 2000; i++)
        memcpy(line + 6 + i * 2, "\xCC\x81", 2);
    line[6 + 4000] = '\0';
    parse_str(line, &r);
    ctx.max_text = 1000;
    assert_true(imaperr_explain_server_text(&r, &ctx, "en", out, sizeof out, NULL) < 4200);
    assert_true(valid_utf8(out, strlen(out)));
    /* a huge max_text is clamped to 1000 */
    memset(line + 5, 'y', 3000);
    line[3005] = '\0';
    parse_str(line, &r);
    ctx.max_text = 100000;
    assert_int_equal(imaperr_explain_server_text(&r, &ctx, "en", out, sizeof out, NULL),
                     (int)strlen("The server said: " Q("")) + 999 + 3);
}

static void
test_count(void **state)
{
    imaperr_explain_context ctx = IMAPERR_EXPLAIN_CONTEXT_INIT;
    imaperr_explain_info info = IMAPERR_EXPLAIN_INFO_INIT;
    (void)state;
    explain("a NO [MESSAGELIMIT 1] x", NULL, NULL, "en", &info);
    assert_string_equal(out, "The mail server handles at most 1 message per request. Your app should ask for fewer.");
    assert_string_equal(info.key, "messagelimit-count");
    assert_int_equal(info.values, IMAPERR_VALUE_COUNT);
    assert_string_equal(english("a NO [MESSAGELIMIT 1000] x", NULL),
                        "The mail server handles at most 1,000 messages per request. Your app should ask for fewer.");
    assert_string_equal(english("a OK [MESSAGELIMIT 2 1234] x", NULL),
                        "The mail server handled only 2 messages at once. Your app will continue with the rest.");
    /* the caller's count wins */
    ctx.known = IMAPERR_VALUE_COUNT;
    ctx.count = 0;
    assert_string_equal(english("a NO [MESSAGELIMIT 1000] x", &ctx),
                        "The mail server handles at most 0 messages per request. Your app should ask for fewer.");
    /* a malformed argument is no value */
    explain("a NO [MESSAGELIMIT 0] x", NULL, NULL, "en", &info);
    assert_string_equal(info.key, "messagelimit");
}

static void
test_snprintf(void **state)
{
    static const char *const lines[] = {
        "a NO [WEBALERT https://example.com/x] Web login required",
        "a NO [OVERQUOTA] Quota exceeded (mailbox for user is full)",
        "a NO [ALERT] \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xF0\x9F\x98\x80 text",
    };
    const char *locales[8];
    size_t i, j, nloc = 0;
    imaperr_explain_context ctx = IMAPERR_EXPLAIN_CONTEXT_INIT;
    (void)state;
    locales[nloc++] = "en";
    locales[nloc++] = "xx";
    for (i = 0; i < imaperr__lang_count() - 1 && nloc < 8; i += 3)
        locales[nloc++] = imaperr__linguas[i];
    ctx.known = IMAPERR_VALUE_QUOTA;
    ctx.quota_used_kib = 1234567;
    ctx.quota_limit_kib = 2345678;
    for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        imaperr_response r;
        imaperr_classification c;
        classify_line(lines[i], NULL, &c);
        parse_str(lines[i], &r);
        for (j = 0; j < nloc; j++) {
            struct call k = { &r, &c, &ctx, locales[j], 0 };
            check_snprintf(&k);
            k.server_only = 1;
            check_snprintf(&k);
        }
    }
}

static void
test_invalid(void **state)
{
    imaperr_classification c, bad;
    imaperr_response r;
    imaperr_explain_context ctx = IMAPERR_EXPLAIN_CONTEXT_INIT;
    imaperr_explain_info info = IMAPERR_EXPLAIN_INFO_INIT;
    char buf[16];
    (void)state;
    classify_line("a NO [OVERQUOTA] x", NULL, &c);
    parse_str("a NO [OVERQUOTA] x", &r);
    assert_int_equal(imaperr_explain(&r, NULL, NULL, "en", buf, sizeof buf, NULL), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_explain(&r, &c, NULL, "en", NULL, 1, NULL), IMAPERR_E_INVALID);
    bad = c;
    bad.size = 4;
    assert_int_equal(imaperr_explain(&r, &bad, NULL, "en", buf, sizeof buf, NULL), IMAPERR_E_INVALID);
    bad = c;
    bad.message = 60000;
    assert_int_equal(imaperr_explain(&r, &bad, NULL, "en", buf, sizeof buf, NULL), IMAPERR_E_INVALID);
    ctx.size = 8;
    assert_int_equal(imaperr_explain(&r, &c, &ctx, "en", buf, sizeof buf, NULL), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_explain_server_text(&r, &ctx, "en", buf, sizeof buf, NULL), IMAPERR_E_INVALID);
    info.size = 8;
    assert_int_equal(imaperr_explain(&r, &c, NULL, "en", buf, sizeof buf, &info), IMAPERR_E_INVALID);
    r.size = 8;
    assert_int_equal(imaperr_explain(&r, &c, NULL, "en", buf, sizeof buf, NULL), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_explain_server_text(&r, NULL, "en", buf, sizeof buf, NULL), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_explain_server_text(NULL, NULL, "en", buf, sizeof buf, NULL), IMAPERR_E_INVALID);
    /* cap 0 with a NULL buffer measures */
    assert_true(imaperr_explain(NULL, &c, NULL, "en", NULL, 0, NULL) > 0);
}

/* ------------------------------------------------------------------------ */
/* Languages                                                                  */
/* ------------------------------------------------------------------------ */

static int
shipped(const char *lang)
{
    unsigned i;
    for (i = 0; i < imaperr__linguas_count; i++)
        if (strcmp(imaperr__linguas[i], lang) == 0)
            return 1;
    return 0;
}

static void
expect_lang(const char *request, const char *lang, int fallback)
{
    char buf[32];
    int fb = -1;
    assert_true(imaperr_negotiate_locale(request, buf, sizeof buf, &fb) > 0);
    if (strcmp(buf, lang) != 0 || fb != fallback)
        fail_msg("negotiate(\"%s\") = %s/%d, expected %s/%d", request, buf, fb, lang, fallback);
}

static void
test_negotiation(void **state)
{
    (void)state;
    expect_lang("xx", "en", 1);
    expect_lang("xx:yy", "en", 1);
    expect_lang("C", "en", 0);
    expect_lang("C.UTF-8", "en", 0);
    expect_lang("POSIX", "en", 0);
    expect_lang("en_US.UTF-8", "en", 0);
    if (shipped("de")) {
        expect_lang("de-AT", "de", 0);
        expect_lang("de_AT.UTF-8@euro", "de", 0);
        expect_lang("de-CH,en;q=0.5", "de", 0);
    }
    if (shipped("zh_TW")) {
        expect_lang("zh-HK", "zh_TW", 0);
        expect_lang("zh-Hant", "zh_TW", 0);
        expect_lang("zh_TW.Big5", "zh_TW", 0);
    }
    if (shipped("zh_CN")) {
        expect_lang("zh-Hans-SG", "zh_CN", 0);
        expect_lang("zh", "zh_CN", 0);
    }
    if (shipped("pt_PT") && shipped("pt_BR")) {
        expect_lang("pt-PT", "pt_PT", 0);
        expect_lang("pt_PT.UTF-8", "pt_PT", 0);
        expect_lang("pt-BR", "pt_BR", 0);
        expect_lang("pt", "pt_BR", 0);   /* ICU's likely subtags: Brazil */
    }
    if (shipped("ja") && shipped("ko")) {
        /* $LANGUAGE-style lists and Accept-Language weights */
        expect_lang("xx:ja:ko", "ja", 0);
        expect_lang("ko;q=0.5,ja;q=0.9", "ja", 0);
        expect_lang("ja_JP.UTF-8", "ja", 0);
    }
    if (shipped("he"))
        expect_lang("iw", "he", 0);
    if (shipped("fr"))
        expect_lang("fr-CA,fr;q=0.8,en;q=0.5", "fr", 0);
}

/* Lines whose messages every language must translate. */
static const char *const sample_lines[] = {
    "a NO [OVERQUOTA] Quota exceeded (mailbox for user is full)",
    "a NO [WEBALERT https://example.com/x] Web login required",
    "a NO [AUTHENTICATIONFAILED] Invalid credentials",
    "a NO [UNAVAILABLE] try later",
    "a NO [MESSAGELIMIT 5] too many",
    "a OK [OVERQUOTA] Almost full",
    "* BYE going away",
};

static void
test_every_catalog(void **state)
{
    unsigned i;
    size_t j;
    (void)state;
    for (i = 0; i < imaperr__linguas_count; i++) {
        const char *lang = imaperr__linguas[i];
        for (j = 0; j < sizeof sample_lines / sizeof sample_lines[0]; j++) {
            imaperr_explain_info info = IMAPERR_EXPLAIN_INFO_INIT;
            imaperr_explain_context ctx = IMAPERR_EXPLAIN_CONTEXT_INIT;
            char en[2048];
            ctx.known = IMAPERR_VALUE_QUOTA | IMAPERR_VALUE_RETRY | IMAPERR_VALUE_MAILBOX;
            ctx.quota_used_kib = 1000000;
            ctx.quota_limit_kib = 1048576;
            ctx.retry_ms = 300000;
            ctx.mailbox = "Entw&APw-rfe";
            ctx.mailbox_len = 12;
            strcpy(en, english(sample_lines[j], &ctx));
            explain(sample_lines[j], NULL, &ctx, lang, &info);
            if (strcmp(info.language, lang) != 0 || info.fallback != 0)
                fail_msg("%s: language %s fallback %d", lang, info.language, info.fallback);
            if (strcmp(out, en) == 0)
                fail_msg("%s: \"%s\" not translated: %s", lang, sample_lines[j], out);
            if (strstr(out, "%1$s") || strstr(out, "%2$s") || !valid_utf8(out, strlen(out)))
                fail_msg("%s: bad text %s", lang, out);
            if (info.values & IMAPERR_VALUE_URL)
                assert_non_null(strstr(out, FSI "https://example.com/x" PDI));
        }
        /* imaperr_message() translates explicit requests from the same
         * catalogs: the base sentence, as explain gives it without values */
        {
            imaperr_classification c;
            char msg[1024];
            classify_line("a NO [OVERQUOTA] x", NULL, &c);
            assert_true(imaperr_message(&c, lang, msg, sizeof msg) > 0);
            assert_true(imaperr_explain(NULL, &c, NULL, lang, out, sizeof out, NULL) > 0);
            assert_string_equal(msg, out);
            assert_string_equal(msg, imaperr__catalog_gettext(imaperr__lang_catalog(i + 1),
                                                              imaperr__messages[c.message]));
        }
    }
}

static void
test_language_not_overridden(void **state)
{
    imaperr_explain_info info = IMAPERR_EXPLAIN_INFO_INIT;
    char en[1024], a[1024];
    const char *l1, *l2;
    (void)state;
    if (imaperr__linguas_count < 2) {
        skip();
        return;
    }
    l1 = imaperr__linguas[0];
    l2 = imaperr__linguas[1];
    strcpy(en, english("a NO [OVERQUOTA] x", NULL));
    strcpy(a, explain("a NO [OVERQUOTA] x", NULL, NULL, l1, NULL));
    /* $LANGUAGE naming another language changes nothing for an explicit
     * request; the process locale is "C", so the NULL locale stays English
     * (glibc ignores $LANGUAGE in the C locale) */
    setenv("LANGUAGE", l2, 1);
    setenv("LC_ALL", l2, 1);
    explain("a NO [OVERQUOTA] x", NULL, NULL, l1, &info);
    assert_string_equal(out, a);
    assert_string_equal(info.language, l1);
    explain("a NO [OVERQUOTA] x", NULL, NULL, NULL, &info);
    assert_string_equal(out, en);
    assert_string_equal(info.language, "en");
    assert_int_equal(info.fallback, 0);
    unsetenv("LANGUAGE");
    unsetenv("LC_ALL");
}

/* NULL: glibc's choice in the process locale (needs the system locale;
 * skipped without it). $LANGUAGE is honoured there, as gettext does. */
static void
test_process_locale(void **state)
{
    imaperr_explain_info info = IMAPERR_EXPLAIN_INFO_INIT;
    char name[64], full[ULOC_FULLNAME_CAPACITY], region[ULOC_COUNTRY_CAPACITY], want[1024];
    UErrorCode ec = U_ZERO_ERROR;
    const char *l1;
    (void)state;
    if (imaperr__linguas_count < 2) {
        skip();
        return;
    }
    l1 = imaperr__linguas[0];
    uloc_addLikelySubtags(l1, full, (int32_t)sizeof full, &ec);
    uloc_getCountry(full, region, (int32_t)sizeof region, &ec);
    if (strchr(l1, '_'))
        snprintf(name, sizeof name, "%s.UTF-8", l1);
    else
        snprintf(name, sizeof name, "%s_%s.UTF-8", l1, region);
    if (setlocale(LC_ALL, name) == NULL) {
        print_message("# locale %s is not installed\n", name);
        skip();
        return;
    }
    unsetenv("LANGUAGE");
    strcpy(want, explain("a NO [OVERQUOTA] x", NULL, NULL, l1, NULL));
    explain("a NO [OVERQUOTA] x", NULL, NULL, NULL, &info);
    setlocale(LC_ALL, "C");
    assert_string_equal(out, want);
    assert_string_equal(info.language, l1);
    assert_int_equal(info.fallback, 0);
}

/* ------------------------------------------------------------------------ */
/* IMAPERR_EXPLAIN_NO_RETRY: no promise of a retry that will not come        */
/* ------------------------------------------------------------------------ */

/* The index of message `key` + `suffix` (suffix may be ""), or -1. */
static int
message_index(const char *key, const char *suffix)
{
    char want[128];
    unsigned i;
    int n = snprintf(want, sizeof want, "%s%s", key, suffix);
    if (n < 0 || (size_t)n >= sizeof want)
        return -1;
    for (i = 0; i < imaperr__message_count; i++)
        if (strcmp(imaperr__message_keys[i], want) == 0)
            return (int)i;
    return -1;
}

static int
ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* A key the classification can point at: not a variant of another key. */
static int
is_base_key(const char *k)
{
    static const char *const suffixes[] = { "-count", "-amount", "-url", "-mailbox", "-retry", "-final" };
    size_t i;
    for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        if (ends_with(k, suffixes[i])) {
            char base[128];
            size_t n = strlen(k) - strlen(suffixes[i]);
            if (snprintf(base, sizeof base, "%.*s", (int)n, k) >= (int)sizeof base)
                continue;
            if (message_index(base, "") >= 0)
                return 0;
        }
    }
    return 1;
}

/* The English text promises that the app acts by itself: "Your app will
 * try again / reconnect / refresh". Read from the table, not a list. */
static int
promises_retry(unsigned m)
{
    const char *s = imaperr__messages[m];
    const char *p = strstr(s, "Your app will ");
    return p != NULL && (strstr(p, "try again") || strstr(p, "reconnect") || strstr(p, "refresh"));
}

static void
test_no_retry_table(void **state)
{
    unsigned m;
    (void)state;
    for (m = 0; m < imaperr__message_count; m++) {
        const char *k = imaperr__message_keys[m];
        if (ends_with(k, "-final")) {
            /* a -final variant has a base and promises nothing */
            char base[128];
            if (snprintf(base, sizeof base, "%.*s", (int)(strlen(k) - 6), k) >= (int)sizeof base)
                fail_msg("key too long: %s", k);
            if (message_index(base, "") < 0)
                fail_msg("%s: no message %s", k, base);
            if (strstr(imaperr__messages[m], "Your app will") != NULL)
                fail_msg("%s still promises: %s", k, imaperr__messages[m]);
            assert_int_equal(imaperr__message_nargs[m], imaperr__message_nargs[message_index(base, "")]);
            continue;
        }
        /* every promise has its -final form, except the -retry variants,
         * which are never chosen with the option */
        if (promises_retry(m) && !ends_with(k, "-retry") && message_index(k, "-final") < 0)
            fail_msg("%s promises a retry but has no %s-final: %s", k, k, imaperr__messages[m]);
        /* a -mailbox variant of a key with a -final form has one too, so
         * the folder's name is kept */
        if (ends_with(k, "-mailbox")) {
            char base[128];
            if (snprintf(base, sizeof base, "%.*s", (int)(strlen(k) - 8), k) >= (int)sizeof base)
                fail_msg("key too long: %s", k);
            if (message_index(base, "-final") >= 0 && message_index(k, "-final") < 0)
                fail_msg("%s-final is missing (%s-final exists)", k, base);
        }
    }
}

/* Explain message m (as a classification would point at it) in `lang`. */
static const char *
explain_message(unsigned m, const imaperr_explain_context *ctx, const char *lang, imaperr_explain_info *info)
{
    imaperr_classification c;
    int n;
    classify_line("a NO x", NULL, &c);
    c.message = m;
    c.hint_backoff_ms = 0;
    n = imaperr_explain(NULL, &c, ctx, lang, out, sizeof out, info);
    if (n < 0 || (size_t)n >= sizeof out)
        fail_msg("explain(message %s, %s) returned %d", imaperr__message_keys[m], lang, n);
    return out;
}

static void
test_no_retry(void **state)
{
    static char en_after[sizeof out];
    unsigned m, l;
    int promised = 0, unchanged = 0;
    (void)state;
    for (m = 0; m < imaperr__message_count; m++) {
        const char *k = imaperr__message_keys[m];
        int fin, mbox, mbox_fin, retry;
        if (!is_base_key(k))
            continue;
        fin = message_index(k, "-final");
        mbox = message_index(k, "-mailbox");
        mbox_fin = message_index(k, "-mailbox-final");
        retry = message_index(k, "-retry");
        en_after[0] = '\0';
        if (fin >= 0)
            promised++;
        else
            unchanged++;
        for (l = 0; l <= imaperr__linguas_count; l++) {
            const char *lang = l == 0 ? "en" : imaperr__linguas[l - 1];
            imaperr_explain_context plain = IMAPERR_EXPLAIN_CONTEXT_INIT, fplain = IMAPERR_EXPLAIN_CONTEXT_INIT;
            imaperr_explain_context when = IMAPERR_EXPLAIN_CONTEXT_INIT, fwhen = IMAPERR_EXPLAIN_CONTEXT_INIT;
            imaperr_explain_context mb = IMAPERR_EXPLAIN_CONTEXT_INIT, fmb = IMAPERR_EXPLAIN_CONTEXT_INIT;
            imaperr_explain_info info = IMAPERR_EXPLAIN_INFO_INIT;
            static char before[sizeof out], after[sizeof out], timed[sizeof out];

            fplain.options = IMAPERR_EXPLAIN_NO_RETRY;
            when.known = IMAPERR_VALUE_RETRY;
            when.retry_ms = 300000;
            fwhen = when;
            fwhen.options = IMAPERR_EXPLAIN_NO_RETRY;
            mb.known = IMAPERR_VALUE_MAILBOX;
            mb.mailbox = "Entw&APw-rfe";
            mb.mailbox_len = 12;
            fmb = mb;
            fmb.options = IMAPERR_EXPLAIN_NO_RETRY;

            /* without the option nothing changes: no -final key is used,
             * and options 0 is the same as no context */
            snprintf(before, sizeof before, "%s", explain_message(m, &plain, lang, &info));
            assert_string_equal(info.key, k);
            assert_string_equal(explain_message(m, NULL, lang, NULL), before);
            explain_message(m, &when, lang, &info);
            assert_false(ends_with(info.key, "-final"));
            if (retry >= 0)
                assert_string_equal(info.key, imaperr__message_keys[retry]);

            /* with it */
            snprintf(after, sizeof after, "%s", explain_message(m, &fplain, lang, &info));
            if (l == 0)
                snprintf(en_after, sizeof en_after, "%s", after);
            if (fin >= 0) {
                assert_string_equal(info.key, imaperr__message_keys[fin]);
                if (l > 0 && strcmp(after, en_after) == 0)
                    fail_msg("%s: %s-final is not translated: %s", lang, k, after);
                if (strcmp(after, before) == 0)
                    fail_msg("%s: %s-final reads like %s: %s", lang, k, k, after);
            } else {
                assert_string_equal(info.key, k);
                assert_string_equal(after, before);
            }
            assert_int_equal(info.values, 0);

            /* a retry time is ignored: same text as without one */
            snprintf(timed, sizeof timed, "%s", explain_message(m, &fwhen, lang, &info));
            assert_string_equal(timed, after);
            assert_false(ends_with(info.key, "-retry"));
            assert_int_equal(info.values & IMAPERR_VALUE_RETRY, 0);

            /* the folder's name is kept */
            explain_message(m, &fmb, lang, &info);
            if (mbox_fin >= 0) {
                assert_string_equal(info.key, imaperr__message_keys[mbox_fin]);
                assert_int_equal(info.values, IMAPERR_VALUE_MAILBOX);
                assert_non_null(strstr(out, FSI "Entw\xC3\xBCrfe" PDI));
                snprintf(timed, sizeof timed, "%s", out);
                explain_message(m, &mb, lang, &info);
                assert_string_equal(info.key, imaperr__message_keys[mbox]);
                if (strcmp(timed, out) == 0)
                    fail_msg("%s: %s-mailbox-final reads like %s-mailbox: %s", lang, k, k, out);
            } else if (mbox >= 0) {
                assert_string_equal(info.key, imaperr__message_keys[mbox]);
                assert_non_null(strstr(out, FSI "Entw\xC3\xBCrfe" PDI));
            }
        }
    }
    /* both kinds exist, so neither branch above is vacuous */
    assert_true(promised >= 1);
    assert_true(unchanged >= 1);
}

/* The sentences themselves, for the case of the bug report. */
static void
test_no_retry_english(void **state)
{
    imaperr_explain_context ctx = IMAPERR_EXPLAIN_CONTEXT_INIT;
    imaperr_explain_info info = IMAPERR_EXPLAIN_INFO_INIT;
    (void)state;
    ctx.options = IMAPERR_EXPLAIN_NO_RETRY;
    ctx.known = IMAPERR_VALUE_RETRY;
    ctx.retry_ms = 60000;
    assert_string_equal(explain("a NO [UNAVAILABLE] x", NULL, &ctx, "en", &info),
                        "The mail server is temporarily unavailable. Try again later.");
    assert_string_equal(info.key, "cat-transient-final");
    assert_null(strstr(explain("* BYE [UNAVAILABLE] shutting down", NULL, &ctx, "en", &info), "Your app"));
    assert_null(strstr(explain("a NO [INUSE] x", NULL, &ctx, "en", &info), "Your app"));
    assert_null(strstr(explain("a NO [LIMIT] x", NULL, &ctx, "en", &info), "Your app will"));
    /* a message that promises nothing: unchanged, and the hint ignored */
    ctx.options = 0;
    explain("a NO [OVERQUOTA] x", NULL, &ctx, "en", &info);
    {
        static char want[sizeof out];
        snprintf(want, sizeof want, "%s", out);
        ctx.options = IMAPERR_EXPLAIN_NO_RETRY;
        assert_string_equal(explain("a NO [OVERQUOTA] x", NULL, &ctx, "en", &info), want);
    }
    /* server text is still appended as the other options say */
    ctx.options = IMAPERR_EXPLAIN_NO_RETRY | IMAPERR_EXPLAIN_SERVER_TEXT;
    assert_string_equal(explain("a NO [UNAVAILABLE] back soon", NULL, &ctx, "en", &info),
                        "The mail server is temporarily unavailable. Try again later. The server said: "
                        Q("back soon"));
    assert_int_equal(info.server_text, 1);
}

static int
setup_env(void **state)
{
    (void)state;
    setenv("IMAPERR_LOCALEDIR", TOP_BUILDDIR "/locale", 0);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_message),
        cmocka_unit_test(test_quota_amount),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_retry),
        cmocka_unit_test(test_mailbox),
        cmocka_unit_test(test_url_and_server_text),
        cmocka_unit_test(test_server_text_cap),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_snprintf),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_negotiation),
        cmocka_unit_test(test_every_catalog),
        cmocka_unit_test(test_language_not_overridden),
        cmocka_unit_test(test_process_locale),
        cmocka_unit_test(test_no_retry_table),
        cmocka_unit_test(test_no_retry),
        cmocka_unit_test(test_no_retry_english),
    };
    return cmocka_run_group_tests_name("explain", tests, setup_env, NULL);
}
