/* test-hostile.c - what a hostile server can send, and what reaches a
 * person (issue 8). cmocka, TAP output like the other unit tests.
 *
 * Families of hostile bytes: ANSI CSI and OSC sequences (OSC 8 hyperlinks,
 * title setting, BEL and ST terminators, 8-bit CSI/OSC/ST), every C0 byte
 * and DEL, C1 controls as raw bytes and as UTF-8 (U+0080..U+009F), bidi
 * embeddings, overrides, isolates and marks, zero-width and other format
 * characters, a giant grapheme cluster (combining marks), invalid and
 * overlong UTF-8 (C0 80, E0 80 80, surrogates ED A0 80, F4 90 80 80 past
 * U+10FFFF, F8.., FF), NUL bytes and CR/LF inside the line. Each family is
 * put into the places server bytes can reach: the text after a code (ALERT,
 * which must be shown), a text without code, BYE text, continuation text,
 * untagged data, an unknown code's arguments, ALERT's (unexpected)
 * arguments, a quoted string (NOUPDATE), a charset list (BADCHARSET), a
 * flag list (PERMANENTFLAGS), a WEBALERT URL, a web address in the text
 * (the hint), the tag, the status word, the code name, and the mailbox
 * name the caller passes. Then the structural attacks: a 10 MiB line,
 * 1,000,000 levels of parentheses in PERMANENTFLAGS, BADCHARSET, BADEVENT,
 * INPROGRESS, MAILBOXID, an unknown code and ALERT text (balanced and
 * unclosed), numbers of 10,000 digits in UIDNEXT, UIDVALIDITY, UNSEEN,
 * HIGHESTMODSEQ, APPENDUID, COPYUID, INPROGRESS, MESSAGELIMIT, ANNOTATIONS,
 * METADATA and the backoff and connection-limit hints, and sequence sets
 * of 250,000 ranges (4 MB). Also: the RFC 5530 "no such user" oracle
 * (test_no_user_oracle), imaperr_string_decode()'s UTF-8 promise and the
 * format characters that are kept (doc/security.md).
 *
 * For every line: imaperr_parse() returns one of its documented codes;
 * imaperr_classify(), imaperr_args_decode() (plus the set and list
 * iterators and imaperr_string_decode() over what it accepted),
 * imaperr_advise() and imaperr_explain()/imaperr_explain_server_text() in
 * English, Arabic (right-to-left) and Japanese return a defined result;
 * and the bytes of every explanation and of imaperr_sanitize_text()'s
 * output are scanned: valid UTF-8 (our own strict decoder, not the
 * library's), no C0 byte at all, no DEL, no C1 (U+0080..U+009F), no line
 * or paragraph separator, no bidi control except the library's own U+2068
 * FSI ... U+2069 PDI, which must nest and balance (sanitize output: none).
 *
 * Linear time. For each family the whole pipeline (parse, classify,
 * decode and iterate the arguments, explain with the server text, sanitize)
 * is timed at a size N and at 8N and the ratio must stay below 24 (linear
 * gives about 8, quadratic 64). To be robust on a loaded machine: the
 * clock is the thread's CPU time (CLOCK_THREAD_CPUTIME_ID: time spent
 * waiting for a CPU does not count); N grows from 4 KiB until one run at N
 * takes 0.25 ms, but 8N stays at most 512 KiB, so both sizes work in the
 * CPU caches (past them the cost per byte rises two- to threefold on the
 * CI machine, which is memory, not the algorithm; any quadratic step is
 * already 8 times too slow within them); each size is run 7 times,
 * interleaved, and the fastest run counts (interference only ever adds
 * time); a failing family is measured again up to 3 times before it fails.
 * Built with -DHOSTILE_SELFTEST_QUADRATIC, the pipeline gains a quadratic
 * stage and the test fails (ratio about 40), which shows that it can.
 *
 * Under valgrind (detected with RUNNING_ON_VALGRIND, or LD_PRELOAD naming
 * vgpreload) or with IMAPERR_TEST_NO_TIMING=1 in the environment, the
 * timing assertions are skipped with the reason printed, the giant inputs
 * are made 100 times smaller (the 10 MiB line becomes 100 KiB, still past
 * every cap), each line is explained in one of the three languages in
 * turn instead of all three, and the cut forms of the explanations are not
 * checked, so that memcheck finishes in about 5 s (memory errors do not
 * need giant sizes; those run natively and under ASan); the safety checks
 * run either way. ASan (distcheck) slows every byte alike, so the ratio
 * holds there and is asserted. IMAPERR_TEST_FILTER="test_giant*" runs only
 * the matching tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define HAVE_VALGRIND_H 1
#endif
#endif

#include "common.h"

#ifndef TOP_BUILDDIR
#define TOP_BUILDDIR "."
#endif

#define MIB (1024u * 1024u)

static const char *const langs[] = { "en", "ar", "ja" };
#define NLANGS (sizeof langs / sizeof langs[0])

static int
under_valgrind(void)
{
    const char *pre = getenv("LD_PRELOAD");
#ifdef HAVE_VALGRIND_H
    if (RUNNING_ON_VALGRIND)
        return 1;
#endif
    return pre != NULL && strstr(pre, "vgpreload") != NULL;
}

static int
no_timing(void)
{
    const char *e = getenv("IMAPERR_TEST_NO_TIMING");
    return under_valgrind() || (e != NULL && e[0] != '\0' && strcmp(e, "0") != 0);
}

/* Giant inputs: full size, or a hundredth under valgrind. */
static size_t
giant(size_t n)
{
    return under_valgrind() ? n / 100 : n;
}

/* ---- a growable byte string ------------------------------------------- */

struct bytes {
    char *p;
    size_t len, cap;
};

static void
b_put(struct bytes *b, const void *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t c = b->cap ? b->cap : 256;
        while (c < b->len + n + 1)
            c *= 2;
        b->p = realloc(b->p, c);
        assert_non_null(b->p);
        b->cap = c;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void
b_str(struct bytes *b, const char *s)
{
    b_put(b, s, strlen(s));
}

static void
b_repeat(struct bytes *b, const char *unit, size_t ulen, size_t total)
{
    size_t start = b->len;
    while (b->len - start < total)
        b_put(b, unit, ulen);
}

static void
b_free(struct bytes *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* ---- the output scanner ------------------------------------------------ */

/* Strict UTF-8: returns the sequence length and the code point, or 0. */
static size_t
strict_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len, i;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) { len = 2; v = c & 0x1Fu; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; v = c & 0x0Fu; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; v = c & 0x07u; min = 0x10000; }
    else return 0;
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

/* NULL when `s` is safe to show, else why not. `isolates`: the library's
 * own balanced FSI...PDI pairs are allowed (explanations); `cut`: the text
 * was cut by the snprintf contract, so an isolate may be left open. */
static const char *
unsafe(const char *s, size_t len, int isolates, int cut, size_t *where)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    long depth = 0;
    while (i < len) {
        uint32_t cp;
        size_t k = strict_utf8(u + i, len - i, &cp);
        *where = i;
        if (k == 0)
            return "invalid UTF-8";
        if (cp == 0x1B)
            return "ESC";
        if (cp < 0x20)
            return "a C0 control";
        if (cp == 0x7F)
            return "DEL";
        if (cp >= 0x80 && cp <= 0x9F)
            return "a C1 control";
        if (cp == 0x2028 || cp == 0x2029)
            return "a line or paragraph separator";
        if (cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
            cp == 0x2066 || cp == 0x2067)
            return "a bidi control the library does not write";
        if (cp == 0x2068) {
            if (!isolates)
                return "FSI in sanitised text";
            depth++;
        }
        if (cp == 0x2069) {
            if (!isolates)
                return "PDI in sanitised text";
            if (--depth < 0)
                return "a PDI without its FSI";
        }
        i += k;
    }
    *where = len;
    if (depth != 0 && !cut)
        return "an FSI left open";
    return NULL;
}

#define assert_safe(s, len, isolates, cut, what) do { \
        size_t at_ = 0; \
        const char *why_ = unsafe((s), (len), (isolates), (cut), &at_); \
        if (why_ != NULL) \
            fail_msg("%s: %s at byte %zu of %zu", (what), why_, at_, (size_t)(len)); \
    } while (0)

static int
valid_utf8(const char *s, size_t len)
{
    size_t i = 0;
    uint32_t cp;
    while (i < len) {
        size_t k = strict_utf8((const unsigned char *)s + i, len - i, &cp);
        if (k == 0)
            return 0;
        i += k;
    }
    return 1;
}

/* ---- the pipeline ------------------------------------------------------- */

static int
documented_parse_rc(int rc)
{
    return rc == IMAPERR_OK || rc == IMAPERR_E_EMPTY || rc == IMAPERR_E_TRUNCATED ||
           rc == IMAPERR_E_NOT_RESPONSE || rc == IMAPERR_E_SYNTAX;
}

/* Decode the arguments and walk every field the way a client would. */
static void
check_args(const imaperr_response *r, const char *what)
{
    imaperr_args a = IMAPERR_ARGS_INIT;
    unsigned k;
    char small[64];
    assert_int_equal(imaperr_args_decode(r, &a), IMAPERR_OK);
    assert_true(a.state == IMAPERR_ARGS_NONE || a.state == IMAPERR_ARGS_RAW ||
                a.state == IMAPERR_ARGS_DECODED || a.state == IMAPERR_ARGS_MALFORMED);
    assert_true(a.nfields <= IMAPERR_ARGS_MAX_FIELDS);
    if (a.state == IMAPERR_ARGS_MALFORMED) {
        if (a.error == NULL)
            fail_msg("%s: malformed arguments without a reason", what);
        assert_true(a.error_offset <= r->code_args.len);
        return;
    }
    if (a.state != IMAPERR_ARGS_DECODED)
        return;
    for (k = 0; k < a.nfields; k++) {
        const imaperr_field *f = &a.field[k];
        if (!f->present || f->nil)
            continue;
        /* every slice lies inside the arguments */
        assert_true(f->raw.ptr >= r->code_args.ptr &&
                    f->raw.ptr + f->raw.len <= r->code_args.ptr + r->code_args.len);
        if (f->type == IMAPERR_FIELD_SET) {
            imaperr_set_iter it;
            imaperr_range rg;
            int rc;
            assert_int_equal(imaperr_set_iter_init(&it, f), IMAPERR_OK);
            while ((rc = imaperr_set_next(&it, &rg)) == 1)
                assert_true(rg.lo_star <= rg.hi_star && (rg.lo_star != rg.hi_star || rg.lo <= rg.hi));
            if (rc != 0)
                fail_msg("%s: a set the decoder accepted fails to iterate (%d)", what, rc);
        } else if (f->type == IMAPERR_FIELD_LIST) {
            imaperr_list_iter it;
            imaperr_slice item;
            int rc;
            assert_int_equal(imaperr_list_iter_init(&it, f), IMAPERR_OK);
            while ((rc = imaperr_list_next(&it, &item)) == 1) {
                int n = imaperr_string_decode(item, small, sizeof small);
                assert_true(n >= 0);
                assert_non_null(memchr(small, '\0', sizeof small));
                if (!valid_utf8(small, strlen(small)))
                    fail_msg("%s: a list item decodes to invalid UTF-8", what);
            }
            if (rc != 0)
                fail_msg("%s: a list the decoder accepted fails to iterate (%d)", what, rc);
        } else if (f->type == IMAPERR_FIELD_STRING) {
            int n = imaperr_string_decode(f->raw, small, sizeof small);
            assert_true(n >= 0);
            if (!valid_utf8(small, strlen(small)))
                fail_msg("%s: a string decodes to invalid UTF-8", what);
        }
    }
}

#define EXPLAIN_CAP 65536

static char *explain_buf;

/* Explain in one language with the server's text and a mailbox name made
 * of the same hostile bytes; check the result and its cut forms. */
static void
check_explain(const imaperr_response *r, const imaperr_classification *c, const char *mailbox,
              size_t mailbox_len, const char *lang, int big, const char *what)
{
    imaperr_explain_context ctx = IMAPERR_EXPLAIN_CONTEXT_INIT;
    imaperr_explain_info info = IMAPERR_EXPLAIN_INFO_INIT;
    char label[160];
    static const size_t cuts[] = { 1, 2, 3, 4, 5, 8, 13, 40, 77 };
    size_t k;
    int n, full;

    snprintf(label, sizeof label, "%s, explain %s", what, lang);
    ctx.options = IMAPERR_EXPLAIN_SERVER_TEXT;
    if (mailbox != NULL && mailbox_len > 0) {
        ctx.known = IMAPERR_VALUE_MAILBOX;
        ctx.mailbox = mailbox;
        ctx.mailbox_len = mailbox_len;
    }
    n = imaperr_explain(r, c, &ctx, lang, explain_buf, EXPLAIN_CAP, &info);
    if (n < 0 || n >= EXPLAIN_CAP)
        fail_msg("%s: returned %d", label, n);
    assert_int_equal(strlen(explain_buf), (size_t)n);
    assert_string_equal(info.language, lang);
    assert_int_equal(info.fallback, 0);
    if (r != NULL)
        assert_int_equal(info.server_text, r->text.len > 0);
    assert_safe(explain_buf, (size_t)n, 1, 0, label);
    full = n;
    /* cut by the snprintf contract: still valid UTF-8, NUL-terminated */
    /* (in Japanese only, where nearly every character takes 3 bytes; the
     * cut does not depend on the language otherwise) */
    for (k = 0; k < sizeof cuts / sizeof cuts[0] && cuts[k] <= (size_t)full && !big &&
                strcmp(lang, "ja") == 0 && !under_valgrind(); k++) {
        char cutbuf[80];
        memset(cutbuf, 'x', sizeof cutbuf);
        n = imaperr_explain(r, c, &ctx, lang, cutbuf, cuts[k], NULL);
        assert_int_equal(n, full);
        assert_true(strlen(cutbuf) < cuts[k]);
        assert_safe(cutbuf, strlen(cutbuf), 1, 1, label);
    }
    if (r != NULL) {
        n = imaperr_explain_server_text(r, &ctx, lang, explain_buf, EXPLAIN_CAP, &info);
        if (n < 0 || n >= EXPLAIN_CAP)
            fail_msg("%s: server text returned %d", label, n);
        assert_safe(explain_buf, (size_t)n, 1, 0, label);
        /* the server's words are capped: 4000 bytes plus the sentence */
        assert_true(n < 4500);
    }
}

static void
check_sanitize(const char *s, size_t len, const char *what)
{
    int n = imaperr_sanitize_text(s, len, NULL, 0);
    char *out, small[32];
    assert_true(n >= 0);
    out = malloc((size_t)n + 1);
    assert_non_null(out);
    assert_int_equal(imaperr_sanitize_text(s, len, out, (size_t)n + 1), n);
    assert_safe(out, (size_t)n, 0, 0, what);
    free(out);
    assert_int_equal(imaperr_sanitize_text(s, len, small, sizeof small), n);
    assert_safe(small, strlen(small), 0, 1, what);
}

static unsigned lang_turn;

/* Everything a client does with one line. */
static void
check_line(const char *line, size_t len, const char *command, const char *what)
{
    imaperr_response r = IMAPERR_RESPONSE_INIT;
    imaperr_classification c = IMAPERR_CLASSIFICATION_INIT;
    imaperr_retry_policy pol = IMAPERR_RETRY_POLICY_INIT;
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op op = IMAPERR_RETRY_OP_INIT;
    imaperr_random rnd = IMAPERR_RANDOM_INIT(7);
    imaperr_advice adv = IMAPERR_ADVICE_INIT;
    char *copy = exact_copy(line, len);
    int rc = imaperr_parse(copy, len, &r);
    size_t k;

    if (!documented_parse_rc(rc))
        fail_msg("%s: parse returned %d", what, rc);
    if (rc == IMAPERR_OK) {
        /* slices stay inside the line */
        assert_true(r.text.ptr == NULL || (r.text.ptr >= copy && r.text.ptr + r.text.len <= copy + len));
        assert_true(r.code_args.ptr == NULL ||
                    (r.code_args.ptr >= copy && r.code_args.ptr + r.code_args.len <= copy + len));
        assert_int_equal(imaperr_classify(&r, command, 0, &c), IMAPERR_OK);
        assert_non_null(imaperr_category_name(c.category));
        assert_non_null(imaperr_action_name(c.action));
        assert_non_null(imaperr_message_key(&c));
        assert_true(c.confidence <= 100);
        if (c.hint_url.ptr != NULL) {
            assert_true(c.hint_url.ptr >= copy && c.hint_url.ptr + c.hint_url.len <= copy + len);
            check_sanitize(c.hint_url.ptr, c.hint_url.len, what);
        }
        check_args(&r, what);
        if (r.text.ptr != NULL)
            check_sanitize(r.text.ptr, r.text.len, what);
        if (r.code_args.ptr != NULL)
            check_sanitize(r.code_args.ptr, r.code_args.len, what);
    } else {
        assert_int_equal(imaperr_classify_parse_error(rc, &c), IMAPERR_OK);
    }
    check_sanitize(copy, len, what);
    /* the advisor takes any classification */
    op.command = command;
    op.credential = 1;
    if (c.category != IMAPERR_CAT_OK) {
        assert_int_equal(imaperr_advise(&pol, &st, &op, IMAPERR_OUTCOME_RESPONSE, &c, 1000, &rnd, &adv),
                         IMAPERR_OK);
        assert_non_null(imaperr_action_name(adv.action));
    }
    /* all three languages; under valgrind one per line, in turn */
    for (k = 0; k < NLANGS; k++)
        if (!under_valgrind() || k == lang_turn++ % NLANGS)
            check_explain(rc == IMAPERR_OK ? &r : NULL, &c, copy, len < 2000 ? len : 2000, langs[k],
                          len > 100000, what);
    {
        char msg[1024];
        int n = imaperr_message(&c, "ar", msg, sizeof msg);
        assert_true(n > 0 && (size_t)n < sizeof msg);
        assert_safe(msg, (size_t)n, 1, 0, what);
    }
    free(copy);
}

/* ---- the hostile families ---------------------------------------------- */

struct family {
    const char *name;
    const char *unit;
    size_t len;
};

#define FAM(name, s) { name, s, sizeof(s) - 1 }

static const struct family families[] = {
    FAM("CSI", "\x1b[31mred\x1b[0m \x1b[2J\x1b[H\x1b[?1049h\x1b[6n \x9b" "31m\xc2\x9b" "1;31m "),
    FAM("OSC", "\x1b]0;pwned\x07\x1b]2;title\x1b\\ \x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ "
               "\x9d" "0;t\x9c \xc2\x9d" "8;;http://x/\xc2\x9c" "link\x1b]52;c;aGk=\x07 "),
    FAM("C0", "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18"
              "\x19\x1a\x1c\x1d\x1e\x1f\x7f text "),
    FAM("C1 bytes", "\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94"
                    "\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f z "),
    FAM("C1 UTF-8", "\xc2\x80\xc2\x81\xc2\x84\xc2\x85\xc2\x8d\xc2\x8e\xc2\x8f\xc2\x90\xc2\x96\xc2\x97"
                    "\xc2\x98\xc2\x9a\xc2\x9b\xc2\x9c\xc2\x9d\xc2\x9e\xc2\x9f z "),
    FAM("bidi", "\xe2\x80\xaa" "a\xe2\x80\xab" "b\xe2\x80\xac\xe2\x80\xad" "c\xe2\x80\xae" "evil.exe "
                "\xe2\x81\xa6" "d\xe2\x81\xa7" "e\xe2\x81\xa8" "f\xe2\x81\xa9\xe2\x81\xa9\xe2\x80\xac "
                "\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d "),
    FAM("format", "a\xe2\x80\x8b" "b\xe2\x80\x8c" "c\xe2\x80\x8d" "d\xe2\x81\xa0\xef\xbb\xbf" "e\xc2\xad"
                  "\xe2\x81\xaa\xe2\x81\xab\xe2\x81\xac\xe2\x81\xad\xe2\x81\xae\xe2\x81\xaf"
                  "\xef\xbf\xb9" "x\xef\xbf\xba" "y\xef\xbf\xbb\xf3\xa0\x80\x81\xf3\xa0\x81\x81"
                  "\xe2\x80\xa8\xe2\x80\xa9\xef\xbf\xbe\xef\xbf\xbf\xe1\x85\x9f\xe3\x85\xa4 "),
    FAM("marks", "\xcc\x81\xcc\x88\xcd\x9c\xd2\x88\xe2\x83\x9d\xcc\xb8"),
    FAM("bad UTF-8", "\xc0\x80\xc1\xbf\xe0\x80\x80\xe0\x9f\xbf\xed\xa0\x80\xed\xbf\xbf\xf0\x80\x80\xaf"
                     "\xf4\x90\x80\x80\xf5\x80\x80\x80\xf8\x88\x80\x80\x80\xfc\x84\x80\x80\x80\x80"
                     "\xfe\xff\x80\xbf\xe2\x82\xc3\x28\xe2 "),
    FAM("NUL", "a\0b\0\0c \0"),
    FAM("CR LF", "a\rb\r\r\nc\n \r"),
    FAM("brackets", "] [ALERT] ((\"\\ {5}\r\n] "),
};
#define NFAMILIES (sizeof families / sizeof families[0])

/* Where server bytes go: each template is prefix PAYLOAD suffix. */
struct place {
    const char *name;
    const char *prefix, *suffix;
    const char *command;
};

static const struct place places[] = {
    { "ALERT text", "a1 NO [ALERT] ", "", "LOGIN" },
    { "BYE text", "* BYE ", "", NULL },
    { "continuation", "+ ", "", "AUTHENTICATE PLAIN" },
    { "untagged data", "* 1 FETCH (BODY[] ", ")", "FETCH" },
    { "no code", "a1 NO ", " end", "SELECT" },
    { "unknown code args", "a1 NO [XHOSTILE ", "] tail", NULL },
    { "ALERT args", "a1 NO [ALERT ", "] tail", NULL },
    { "quoted string", "a1 NO [NOUPDATE \"", "\"] tail", "SEARCH" },
    { "charset list", "a1 NO [BADCHARSET (\"", "\" UTF-8)] tail", "SEARCH" },
    { "flag list", "* OK [PERMANENTFLAGS (\\Seen ", ")] Limited", "SELECT" },
    { "WEBALERT URL", "a1 NO [WEBALERT https://example.com/", "] Open it", "LOGIN" },
    { "web address", "a1 NO [ALERT] Visit https://example.com/a", " now", "LOGIN" },
    { "tag", "", " NO [ALERT] tagged", NULL },
    { "status word", "a1 ", " [ALERT] x", NULL },
    { "code name", "a1 NO [", "] x", NULL },
};
#define NPLACES (sizeof places / sizeof places[0])

static void
build(struct bytes *b, const struct place *p, const struct family *f, size_t payload)
{
    b->len = 0;
    b_str(b, p->prefix);
    b_repeat(b, f->unit, f->len, payload);
    b_str(b, p->suffix);
}

/* Every family in every place, small (one unit: short texts take the
 * library's fast paths) and at 5000 bytes (past every cap). */
static void
test_families_everywhere(void **state)
{
    struct bytes b = { NULL, 0, 0 };
    size_t i, j, s;
    static const size_t sizes[] = { 1, 5000 };
    char what[160];
    (void)state;
    for (i = 0; i < NFAMILIES; i++)
        for (j = 0; j < NPLACES; j++)
            for (s = 0; s < 2; s++) {
                build(&b, &places[j], &families[i], sizes[s]);
                snprintf(what, sizeof what, "%s in %s (%zu bytes)", families[i].name, places[j].name, b.len);
                check_line(b.p, b.len, places[j].command, what);
            }
    b_free(&b);
}

/* The controls are replaced, not passed on and not silently dropped; the
 * words around them stay readable. */
static void
test_controls_replaced(void **state)
{
    static const char line[] = "a1 NO [ALERT] \x1b[31mred\x1b[0m \x9b" "1m \xc2\x85 \xe2\x80\xae" "abc";
    imaperr_response r;
    char out[256];
    int n;
    (void)state;
    assert_int_equal(parse_str(line, &r), IMAPERR_OK);
    assert_true(r.repairs & IMAPERR_REPAIR_CONTROL_IN_TEXT);
    n = imaperr_sanitize_text(r.text.ptr, r.text.len, out, sizeof out);
    assert_true(n > 0 && (size_t)n < sizeof out);
    /* ESC, the 8-bit CSI byte and U+0085 become U+FFFD; RLO is dropped */
    assert_string_equal(out, "\xef\xbf\xbd[31mred\xef\xbf\xbd[0m \xef\xbf\xbd" "1m \xef\xbf\xbd abc");
}

/* imaperr_string_decode() promises valid UTF-8 like every function that
 * writes text (top of imaperr.h), also when called on a slice the decoder
 * never produced; and it says that a quoted string may hold ESC, which
 * only imaperr_sanitize_text() removes. */
static void
test_string_decode(void **state)
{
    static const char *const bad[] = {
        "\"\xff\xfe\"", "\"a\xc0\x80\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\xe2\x82",
        "ab\x80", "\"\xc2\"",
    };
    char out[32];
    size_t i;
    imaperr_slice esc = { "\"x\x1b[31my\"", 9 };
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        imaperr_slice raw = { bad[i], strlen(bad[i]) };
        int n = imaperr_string_decode(raw, out, sizeof out);
        if (n >= 0 && !valid_utf8(out, strlen(out)))
            fail_msg("string %zu decodes to invalid UTF-8", i);
        assert_int_equal(n, IMAPERR_E_SYNTAX);
    }
    assert_int_equal(imaperr_string_decode(esc, out, sizeof out), 7);
    assert_memory_equal(out, "x\x1b[31my", 8);
}

/* Zero-width and other format characters are not controls: they are kept
 * (ZWJ and ZWNJ are needed in emoji, Persian and Indic scripts), as are tag
 * characters and interlinear annotation marks; line and paragraph
 * separators become spaces. doc/security.md says so. */
static void
test_format_chars_kept(void **state)
{
    static const char in[] = "a\xe2\x80\x8d" "b\xe2\x80\x8c" "c\xe2\x80\x8b" "d\xef\xbb\xbf" "e\xc2\xad"
                             "f\xe2\x80\xa8" "g\xe2\x80\xa9" "h\xf3\xa0\x81\x81" "i\xef\xbf\xb9" "j";
    static const char want[] = "a\xe2\x80\x8d" "b\xe2\x80\x8c" "c\xe2\x80\x8b" "d\xef\xbb\xbf" "e\xc2\xad"
                               "f g h\xf3\xa0\x81\x81" "i\xef\xbf\xb9" "j";
    char out[64];
    (void)state;
    assert_int_equal(imaperr_sanitize_text(in, sizeof in - 1, out, sizeof out), (int)(sizeof want - 1));
    assert_string_equal(out, want);
}

/* ---- structural attacks -------------------------------------------------- */

static void
nested(struct bytes *b, const char *prefix, size_t depth, int balanced, const char *suffix)
{
    b->len = 0;
    b_str(b, prefix);
    b_repeat(b, "(", 1, depth);
    if (balanced)
        b_repeat(b, ")", 1, depth);
    b_str(b, suffix);
}

static void
test_deep_nesting(void **state)
{
    static const struct { const char *prefix, *suffix; } where[] = {
        { "* OK [PERMANENTFLAGS ", "] Limited" },
        { "a1 NO [BADCHARSET ", "] x" },
        { "a1 NO [BADEVENT ", "] x" },
        { "a1 NO [XHOSTILE ", "] x" },
        { "a1 OK [INPROGRESS ", "] x" },
        { "a1 NO [MAILBOXID ", "] x" },
        { "a1 NO [ALERT] ", "" },
    };
    struct bytes b = { NULL, 0, 0 };
    size_t depth = giant(1000000), i;
    char what[160];
    int balanced;
    (void)state;
    for (i = 0; i < sizeof where / sizeof where[0]; i++)
        for (balanced = 0; balanced < 2; balanced++) {
            imaperr_response r;
            nested(&b, where[i].prefix, depth, balanced, where[i].suffix);
            snprintf(what, sizeof what, "%zu %s parentheses after %s", depth,
                     balanced ? "balanced" : "unclosed", where[i].prefix);
            check_line(b.p, b.len, NULL, what);
            r = (imaperr_response)IMAPERR_RESPONSE_INIT;
            assert_int_equal(imaperr_parse(b.p, b.len, &r), IMAPERR_OK);
            /* an unclosed bracket never forms a code (it is text) */
            if (!balanced && strchr(where[i].prefix, ']') == NULL)
                assert_int_equal(r.code, IMAPERR_CODE_NONE);
            /* the registered codes keep their name; the nesting is not a
             * valid value of any of them */
            if (balanced && r.code_args.len > 0 && r.code != IMAPERR_CODE_NONE &&
                r.code != IMAPERR_CODE_UNKNOWN) {
                imaperr_args a = IMAPERR_ARGS_INIT;
                assert_int_equal(imaperr_args_decode(&r, &a), IMAPERR_OK);
                if (a.state != IMAPERR_ARGS_MALFORMED)
                    fail_msg("%s: arguments state %d", what, (int)a.state);
            }
        }
    b_free(&b);
}

static void
digits(struct bytes *b, size_t n)
{
    b_str(b, "1");
    b_repeat(b, "9", 1, n - 1);
}

static void
test_huge_numbers(void **state)
{
    static const struct { const char *a, *b, *c; int nums; } where[] = {
        { "* OK [UIDNEXT ", "] x", "", 1 },
        { "* OK [UIDVALIDITY ", "] x", "", 1 },
        { "* OK [UNSEEN ", "] x", "", 1 },
        { "* OK [HIGHESTMODSEQ ", "] x", "", 1 },
        { "a1 OK [APPENDUID ", " ", "] done", 2 },
        { "a1 OK [APPENDUID 1 ", "", "] done", 1 },
        { "a1 OK [COPYUID ", " 1:2 3:4] done", "", 1 },
        { "a1 OK [INPROGRESS (\"a1\" ", " ", ")] working", 2 },
        { "a1 NO [MESSAGELIMIT ", " ", "] too many", 2 },
        { "a1 NO [ANNOTATIONS ", "] x", "", 1 },
        { "a1 NO [METADATA MAXSIZE ", "] x", "", 1 },
        { "a1 NO [UNAVAILABLE] Suggested Backoff Time: ", " milliseconds", "", 1 },
        { "a1 NO [UNAVAILABLE] Retry in ", " seconds", "", 1 },
        { "* BYE Maximum number of connections from user+IP exceeded (mail_max_userip_connections=", ")",
          "", 1 },
    };
    struct bytes b = { NULL, 0, 0 };
    size_t i;
    char what[160];
    (void)state;
    for (i = 0; i < sizeof where / sizeof where[0]; i++) {
        imaperr_response r = IMAPERR_RESPONSE_INIT;
        imaperr_classification c = IMAPERR_CLASSIFICATION_INIT;
        b.len = 0;
        b_str(&b, where[i].a);
        digits(&b, 10000);
        b_str(&b, where[i].b);
        if (where[i].nums == 2)
            digits(&b, 10000);
        b_str(&b, where[i].c);
        snprintf(what, sizeof what, "10,000 digits in %s", where[i].a);
        check_line(b.p, b.len, NULL, what);
        assert_int_equal(imaperr_parse(b.p, b.len, &r), IMAPERR_OK);
        /* no value out of range is ever reported as decoded */
        assert_int_equal(r.number, 0);
        assert_int_equal(r.number2, 0);
        assert_int_equal(imaperr_classify(&r, NULL, 0, &c), IMAPERR_OK);
        /* a hint that does not fit in 64 bits counts as absent */
        assert_int_equal(c.hint_backoff_ms, 0);
        assert_int_equal(c.hint_connection_limit, 0);
        if (r.code != IMAPERR_CODE_NONE && r.code != IMAPERR_CODE_UNAVAILABLE) {
            imaperr_args a = IMAPERR_ARGS_INIT;
            assert_int_equal(imaperr_args_decode(&r, &a), IMAPERR_OK);
            if (a.state != IMAPERR_ARGS_MALFORMED)
                fail_msg("%s: decoded as %d", what, (int)a.state);
            assert_string_equal(a.error, "number out of range");
        }
    }
    b_free(&b);
}

/* A quarter of a million ranges (4 MB) in the sets of COPYUID and MODIFIED, valid and broken at
 * the very end. */
static void
test_huge_sets(void **state)
{
    struct bytes b = { NULL, 0, 0 };
    size_t n = giant(250000), i, ranges;
    int broken;
    char what[160], num[32];
    (void)state;
    for (broken = 0; broken < 2; broken++) {
        static const char *const pre[] = { "a1 OK [COPYUID 7 ", "a1 OK [MODIFIED " };
        size_t p;
        for (p = 0; p < 2; p++) {
            imaperr_response r = IMAPERR_RESPONSE_INIT;
            imaperr_args a = IMAPERR_ARGS_INIT;
            const imaperr_field *f;
            imaperr_set_iter it;
            imaperr_range rg;
            b.len = 0;
            b_str(&b, pre[p]);
            for (i = 0; i < n; i++) {
                int k = snprintf(num, sizeof num, i ? ",%zu:%zu" : "%zu:%zu", 2 * i + 1, 2 * i + 2);
                b_put(&b, num, (size_t)k);
            }
            if (broken)
                b_str(&b, ",0");
            if (p == 0)
                b_str(&b, " 1:2000000");
            b_str(&b, "] x");
            snprintf(what, sizeof what, "%zu ranges after %s%s", n, pre[p], broken ? ", then 0" : "");
            check_line(b.p, b.len, "UID COPY", what);
            assert_int_equal(imaperr_parse(b.p, b.len, &r), IMAPERR_OK);
            assert_int_equal(imaperr_args_decode(&r, &a), IMAPERR_OK);
            if (broken) {
                assert_int_equal(a.state, IMAPERR_ARGS_MALFORMED);
                continue;
            }
            assert_int_equal(a.state, IMAPERR_ARGS_DECODED);
            f = imaperr_args_field(&a, p == 0 ? "source" : "uids");
            assert_non_null(f);
            assert_int_equal(imaperr_set_iter_init(&it, f), IMAPERR_OK);
            ranges = 0;
            while (imaperr_set_next(&it, &rg) == 1) {
                assert_int_equal(rg.lo, 2 * ranges + 1);
                assert_int_equal(rg.hi, 2 * ranges + 2);
                ranges++;
            }
            assert_int_equal(ranges, n);
        }
    }
    b_free(&b);
}

/* One line of 10 MiB (100 KiB under valgrind): hostile bytes of every family
 * spread through plain text, as ALERT text and as an unknown code's
 * arguments. The explanation stays capped. */
static void
test_giant_line(void **state)
{
    struct bytes b = { NULL, 0, 0 }, unit = { NULL, 0, 0 };
    size_t total = giant(10 * MIB), i;
    imaperr_explain_context ctx = IMAPERR_EXPLAIN_CONTEXT_INIT;
    imaperr_response r = IMAPERR_RESPONSE_INIT;
    imaperr_classification c = IMAPERR_CLASSIFICATION_INIT;
    int n;
    (void)state;
    for (i = 0; i < NFAMILIES; i++) {
        b_str(&unit, "lorem ipsum dolor sit amet ");
        b_put(&unit, families[i].unit, families[i].len);
    }
    b_str(&b, "a1 NO [ALERT] ");
    b_repeat(&b, unit.p, unit.len, total);
    b_str(&b, "\r\n");
    check_line(b.p, b.len, "LOGIN", "a 10 MiB ALERT line");
    assert_int_equal(imaperr_parse(b.p, b.len, &r), IMAPERR_OK);
    assert_int_equal(r.code, IMAPERR_CODE_ALERT);
    assert_true(r.text.len >= total);
    assert_int_equal(imaperr_classify(&r, "LOGIN", 0, &c), IMAPERR_OK);
    assert_true(c.flags & IMAPERR_FLAG_SHOW_USER);
    /* the server's words are capped: 200 characters by default */
    n = imaperr_explain_server_text(&r, &ctx, "en", explain_buf, EXPLAIN_CAP, NULL);
    assert_true(n > 0 && n < 1200);
    assert_non_null(strstr(explain_buf, "\xe2\x80\xa6"));
    ctx.max_text = 1000;
    n = imaperr_explain_server_text(&r, &ctx, "ja", explain_buf, EXPLAIN_CAP, NULL);
    assert_true(n > 0 && n < 4200);

    b.len = 0;
    b_str(&b, "a1 NO [XHOSTILE ");
    b_repeat(&b, unit.p, unit.len, total);
    b_str(&b, "] x");
    check_line(b.p, b.len, NULL, "a 10 MiB unknown code");
    b_free(&b);
    b_free(&unit);
}

/* RFC 5530 section 5: the library never tells "no such user" from "bad
 * password". Whatever the server's words, a rejected login gives the same
 * category, the same message in every language, and the same advice. */
static void
test_no_user_oracle(void **state)
{
    static const char *const lines[] = {
        "a1 NO [AUTHENTICATIONFAILED] Authentication failed.",
        "a1 NO [AUTHENTICATIONFAILED] Invalid credentials",
        "a1 NO [AUTHENTICATIONFAILED] Unknown user",
        "a1 NO [AUTHENTICATIONFAILED] No such user",
        "a1 NO [AUTHENTICATIONFAILED] User does not exist",
        "a1 NO [AUTHENTICATIONFAILED] Wrong password",
        "a1 NO [AUTHENTICATIONFAILED] Password incorrect for user",
        "a1 NO Unknown user",
        "a1 NO No such user",
        "a1 NO User not found",
        "a1 NO user@example.com does not exist",
        "a1 NO Invalid password",
        "a1 NO Wrong password",
        "a1 NO Password incorrect",
        "a1 NO Login failed: unknown user",
        "a1 NO Login failed: wrong password",
        "a1 NO Authentication failed: no such account",
        "a1 NO Authentication failed: bad password",
    };
    static const char *const commands[] = { "LOGIN", "AUTHENTICATE PLAIN" };
    char first[NLANGS][1024], text[1024];
    size_t i, k, l;
    (void)state;
    for (k = 0; k < 2; k++) {
        imaperr_action first_advice = IMAPERR_ACT_NONE;
        for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
            imaperr_response r;
            imaperr_classification c = IMAPERR_CLASSIFICATION_INIT;
            imaperr_explain_context ctx = IMAPERR_EXPLAIN_CONTEXT_INIT;
            imaperr_retry_policy pol = IMAPERR_RETRY_POLICY_INIT;
            imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
            imaperr_retry_op op = IMAPERR_RETRY_OP_INIT;
            imaperr_random rnd = IMAPERR_RANDOM_INIT(1);
            imaperr_advice adv = IMAPERR_ADVICE_INIT;
            assert_int_equal(parse_str(lines[i], &r), IMAPERR_OK);
            assert_int_equal(imaperr_classify(&r, commands[k], 0, &c), IMAPERR_OK);
            if (c.category != IMAPERR_CAT_CREDENTIAL)
                fail_msg("\"%s\" after %s: category %s", lines[i], commands[k],
                         imaperr_category_name(c.category));
            ctx.options = IMAPERR_EXPLAIN_NO_SERVER_TEXT;
            for (l = 0; l < NLANGS; l++) {
                int n = imaperr_explain(&r, &c, &ctx, langs[l], i ? text : first[l], sizeof text, NULL);
                assert_true(n > 0 && (size_t)n < sizeof text);
                if (i && strcmp(text, first[l]) != 0)
                    fail_msg("\"%s\" after %s in %s: \"%s\", but \"%s\" for \"%s\"", lines[i], commands[k],
                             langs[l], text, first[l], lines[0]);
            }
            op.command = commands[k];
            op.credential = 1;
            assert_int_equal(imaperr_advise(&pol, &st, &op, IMAPERR_OUTCOME_RESPONSE, &c, 1000, &rnd, &adv),
                             IMAPERR_OK);
            /* never resent: the credential is latched, the user asked */
            assert_true(adv.flags & IMAPERR_ADVICE_LATCHED);
            if (i == 0)
                first_advice = adv.action;
            else
                assert_int_equal(adv.action, first_advice);
        }
    }
}

/* ---- linear time ------------------------------------------------------- */

typedef void (*builder)(struct bytes *b, size_t n);

static const struct family *cur_family;

static void
build_text(struct bytes *b, size_t n)
{
    b->len = 0;
    b_str(b, "a1 NO [ALERT] ");
    b_repeat(b, cur_family->unit, cur_family->len, n);
}

static void
build_code_args(struct bytes *b, size_t n)
{
    b->len = 0;
    b_str(b, "a1 NO [XHOSTILE ");
    b_repeat(b, cur_family->unit, cur_family->len, n);
    b_str(b, "] x");
}

static void
build_nest_flags(struct bytes *b, size_t n)
{
    nested(b, "* OK [PERMANENTFLAGS ", n / 2, 1, "] x");
}

static void
build_nest_unknown(struct bytes *b, size_t n)
{
    nested(b, "a1 NO [XHOSTILE ", n, 0, "] x");
}

static void
build_digits(struct bytes *b, size_t n)
{
    b->len = 0;
    b_str(b, "a1 OK [APPENDUID ");
    digits(b, n / 2);
    b_str(b, " ");
    digits(b, n / 2);
    b_str(b, "] x");
}

static void
build_backoff(struct bytes *b, size_t n)
{
    b->len = 0;
    b_str(b, "a1 NO Suggested Backoff Time: ");
    digits(b, n);
    b_str(b, " ms");
}

static void
build_set(struct bytes *b, size_t n)
{
    char num[32];
    size_t i = 0;
    b->len = 0;
    b_str(b, "a1 OK [MODIFIED ");
    while (b->len < n) {
        int k = snprintf(num, sizeof num, i ? ",%zu:%zu" : "%zu:%zu", (i % 100000) + 1, (i % 7) + 1);
        b_put(b, num, (size_t)k);
        i++;
    }
    b_str(b, "] x");
}

static void
build_url_hints(struct bytes *b, size_t n)
{
    b->len = 0;
    b_str(b, "a1 NO ");
    b_repeat(b, "http://.https://,http:// ", 25, n);
}

/* Parse, classify, decode and walk the arguments, explain with the
 * server's text, sanitise the text: what a client does with a line. */
static void
pipeline(const char *line, size_t len)
{
    imaperr_response r = IMAPERR_RESPONSE_INIT;
    imaperr_classification c = IMAPERR_CLASSIFICATION_INIT;
    imaperr_explain_context ctx = IMAPERR_EXPLAIN_CONTEXT_INIT;
    imaperr_args a = IMAPERR_ARGS_INIT;
    char small[256];
    unsigned k;
    if (imaperr_parse(line, len, &r) != IMAPERR_OK)
        return;
    imaperr_classify(&r, "LOGIN", 0, &c);
    if (imaperr_args_decode(&r, &a) == IMAPERR_OK && a.state == IMAPERR_ARGS_DECODED)
        for (k = 0; k < a.nfields; k++) {
            imaperr_set_iter it;
            imaperr_range rg;
            if (imaperr_set_iter_init(&it, &a.field[k]) == IMAPERR_OK)
                while (imaperr_set_next(&it, &rg) == 1)
                    ;
        }
    ctx.options = IMAPERR_EXPLAIN_SERVER_TEXT;
    imaperr_explain(&r, &c, &ctx, "ar", explain_buf, EXPLAIN_CAP, NULL);
    imaperr_sanitize_text(r.text.ptr, r.text.len, small, sizeof small);
    imaperr_sanitize_text(r.code_args.ptr, r.code_args.len, small, sizeof small);
#ifdef HOSTILE_SELFTEST_QUADRATIC
    /* shows that test_linear_time can fail: sanitise every 64th suffix of
     * the line again, a quadratic stage (cc -DHOSTILE_SELFTEST_QUADRATIC) */
    for (k = 0; k < len; k += 64)
        imaperr_sanitize_text(line + k, len - k, small, sizeof small);
#endif
}

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
time_once(const struct bytes *b)
{
    double t0 = now_s();
    pipeline(b->p, b->len);
    return now_s() - t0;
}

/* The fastest of 7 interleaved runs at n and 8n; returns t(8n)/t(n). */
static double
ratio(builder make, size_t n, double *t1, double *t8)
{
    struct bytes small = { NULL, 0, 0 }, big = { NULL, 0, 0 };
    int rep;
    make(&small, n);
    make(&big, 8 * n);
    *t1 = *t8 = 1e9;
    for (rep = 0; rep < 7; rep++) {
        double a = time_once(&small), b = time_once(&big);
        if (a < *t1)
            *t1 = a;
        if (b < *t8)
            *t8 = b;
    }
    b_free(&small);
    b_free(&big);
    return *t8 / (*t1 > 1e-9 ? *t1 : 1e-9);
}

static void
check_linear(const char *name, builder make)
{
    struct bytes b = { NULL, 0, 0 };
    size_t n = 4096;
    double t1 = 0, t8 = 0, q = 0;
    int attempt;
    /* grow n until a run at n takes 0.25 ms, with 8n at most 512 KiB */
    for (;;) {
        make(&b, n);
        pipeline(b.p, b.len);   /* warm up: catalogs, formatters */
        if (time_once(&b) >= 0.00025 || n >= 64 * 1024)
            break;
        n *= 2;
    }
    b_free(&b);
    for (attempt = 0; attempt < 3; attempt++) {
        q = ratio(make, n, &t1, &t8);
        if (q < 24)
            break;
        printf("# %s: ratio %.1f, measuring again\n", name, q);
    }
    printf("# %-22s n=%8zu: %8.3f ms, 8n: %8.3f ms, ratio %5.2f\n", name, n, t1 * 1e3, t8 * 1e3, q);
    if (q >= 24)
        fail_msg("%s: 8 times the input took %.1f times as long (%.3f ms / %.3f ms): not linear", name, q,
                 t8 * 1e3, t1 * 1e3);
}

static void
test_linear_time(void **state)
{
    size_t i;
    char name[64];
    (void)state;
    if (no_timing()) {
        printf("# timing skipped: %s; the safety checks ran in the other tests\n",
               under_valgrind() ? "running under valgrind, which slows some paths far more than others"
                                : "IMAPERR_TEST_NO_TIMING is set");
        skip();
    }
    for (i = 0; i < NFAMILIES; i++) {
        cur_family = &families[i];
        snprintf(name, sizeof name, "%s as text", families[i].name);
        check_linear(name, build_text);
        snprintf(name, sizeof name, "%s as code args", families[i].name);
        check_linear(name, build_code_args);
    }
    check_linear("nested (PERMANENTFLAGS)", build_nest_flags);
    check_linear("unclosed ( (unknown)", build_nest_unknown);
    check_linear("digits (APPENDUID)", build_digits);
    check_linear("digits (backoff hint)", build_backoff);
    check_linear("sequence set", build_set);
    check_linear("web address hints", build_url_hints);
}

static int
setup(void **state)
{
    (void)state;
    explain_buf = malloc(EXPLAIN_CAP);
    return explain_buf == NULL;
}

static int
teardown(void **state)
{
    (void)state;
    free(explain_buf);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_controls_replaced),
        cmocka_unit_test(test_string_decode),
        cmocka_unit_test(test_format_chars_kept),
        cmocka_unit_test(test_families_everywhere),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_huge_numbers),
        cmocka_unit_test(test_huge_sets),
        cmocka_unit_test(test_giant_line),
        cmocka_unit_test(test_no_user_oracle),
        cmocka_unit_test(test_linear_time),
    };
    setenv("IMAPERR_LOCALEDIR", TOP_BUILDDIR "/locale", 0);
    if (getenv("IMAPERR_TEST_FILTER") != NULL)   /* e.g. "test_giant*" */
        cmocka_set_test_filter(getenv("IMAPERR_TEST_FILTER"));
    return cmocka_run_group_tests(tests, setup, teardown);
}
