/* test-wordings.c - the fallback on known server wordings (lib/wordings.tsv).
 *
 * Driven by the data: every wording row's EXAMPLE must be classified by
 * that very row (so a row without a matching example fails), every hint
 * row's example must yield its hint, and no row may fire on the lines of
 * tests/wordings-negative.tsv. The hand-written cases below check the
 * rules of doc/wordings.md: letter case, volatile parts, word boundaries,
 * anchors, commands, precedence over codes and overrides, the BYE action,
 * the off switch, and hint extraction at its boundaries.
 */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif

#define MAXCOLS 16

/* ------------------------------------------------------------------------ */
/* Reading the tables                                                         */
/* ------------------------------------------------------------------------ */

struct trow {
    unsigned lineno;
    int ncol;
    char *col[MAXCOLS];
};

struct table {
    struct trow *rows;
    size_t n;
};

static char *
read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n = 0;
    if (f == NULL)
        fail_msg("cannot open %s", path);
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
        fail_msg("cannot size %s", path);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        fail_msg("cannot read %s", path);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Split a TSV file into rows (comments and blank lines skipped). The
 * strings point into *text, which the caller frees. */
static struct table
read_table(const char *rel, char **text)
{
    char path[1024];
    struct table t = { NULL, 0 };
    size_t cap = 0;
    unsigned lineno = 0;
    char *p;
    snprintf(path, sizeof path, "%s/%s", TOP_SRCDIR, rel);
    *text = read_file(path);
    p = *text;
    while (*p) {
        char *e = strchr(p, '\n');
        struct trow r;
        if (e)
            *e = '\0';
        lineno++;
        if (*p && *p != '#') {
            char *c = p;
            memset(&r, 0, sizeof r);
            r.lineno = lineno;
            for (;;) {
                char *tab = strchr(c, '\t');
                if (r.ncol < MAXCOLS)
                    r.col[r.ncol] = c;
                r.ncol++;
                if (tab == NULL)
                    break;
                *tab = '\0';
                c = tab + 1;
            }
            if (t.n == cap) {
                cap = cap ? 2 * cap : 64;
                t.rows = realloc(t.rows, cap * sizeof *t.rows);
                assert_non_null(t.rows);
            }
            t.rows[t.n++] = r;
        }
        if (e == NULL)
            break;
        p = e + 1;
    }
    return t;
}

/* lib/wordings.tsv columns of a wording row */
enum { W_KIND, W_ID, W_FAMILY, W_STATUS, W_COMMANDS, W_CODES, W_PATTERN, W_CATEGORY, W_ACTION,
       W_MSG, W_FLAGS, W_CONF, W_EXAMPLE, W_EVIDENCE };
/* ... of a hint row */
enum { H_KIND = 0, H_ID, H_TYPE, H_PATTERN, H_EXAMPLE, H_EVIDENCE };

static char *wtext, *ntext;
static struct table W, N;

static int
setup(void **state)
{
    (void)state;
    W = read_table("lib/wordings.tsv", &wtext);
    N = read_table("tests/wordings-negative.tsv", &ntext);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    free(W.rows);
    free(N.rows);
    free(wtext);
    free(ntext);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                    */
/* ------------------------------------------------------------------------ */

static const char *
nz(const char *s)
{
    return s ? s : "(null)";
}

/* Parse and classify with options; the line must parse. */
static void
classify_opts(const char *line, const char *command, unsigned options, imaperr_response *r,
              imaperr_classification *c)
{
    imaperr_classification init = IMAPERR_CLASSIFICATION_INIT;
    int rc = parse_str(line, r);
    if (rc != IMAPERR_OK)
        fail_msg("parse of \"%s\" failed: %s", line, imaperr_rc_name(rc));
    *c = init;
    rc = imaperr_classify(r, command, options, c);
    if (rc != IMAPERR_OK)
        fail_msg("classify of \"%s\" failed: %d", line, rc);
}

static imaperr_classification
cl(const char *line, const char *command)
{
    imaperr_response r;
    imaperr_classification c;
    classify_opts(line, command, 0, &r, &c);
    return c;
}

static imaperr_classification
cl_off(const char *line, const char *command)
{
    imaperr_response r;
    imaperr_classification c;
    classify_opts(line, command, IMAPERR_CLASSIFY_NO_HEURISTICS, &r, &c);
    return c;
}

/* Expect the line to be decided by the wording row `id`. */
static void
expect_row(const char *line, const char *command, const char *id, imaperr_category cat)
{
    imaperr_classification c = cl(line, command);
    if (c.source != IMAPERR_SOURCE_TEXT_HEURISTIC || c.wording == NULL || strcmp(c.wording, id) != 0 ||
        c.category != cat)
        fail_msg("\"%s\" / %s: source %s, row %s, category %s; expected row %s, category %s", line,
                 nz(command), nz(imaperr_source_name(c.source)), nz(c.wording),
                 nz(imaperr_category_name(c.category)), id, nz(imaperr_category_name(cat)));
}

/* Expect no wording to decide; the category and source are as given. */
static void
expect_none(const char *line, const char *command, imaperr_category cat, imaperr_source src)
{
    imaperr_classification c = cl(line, command);
    if (c.source == IMAPERR_SOURCE_TEXT_HEURISTIC || c.wording != NULL || c.category != cat ||
        c.source != src)
        fail_msg("\"%s\" / %s: source %s, row %s, category %s; expected no row, %s from %s", line,
                 nz(command), nz(imaperr_source_name(c.source)), nz(c.wording),
                 nz(imaperr_category_name(c.category)), nz(imaperr_category_name(cat)),
                 nz(imaperr_source_name(src)));
}

static int
category_number(const char *name)
{
    int n = imaperr_category_from_name(name);
    if (n < 0)
        fail_msg("unknown category %s", name);
    return n;
}

static int
action_number(const char *name)
{
    int n = imaperr_action_from_name(name);
    if (n < 0)
        fail_msg("unknown action %s", name);
    return n;
}

/* The command a row's example is classified with: the first named in
 * COMMANDS, none for '*' or when only '?' is given. */
static const char *
example_command(const char *commands, char *buf, size_t cap)
{
    const char *p = commands;
    if (strcmp(commands, "*") == 0)
        return NULL;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (!(n == 1 && *p == '?')) {
            snprintf(buf, cap, "%.*s", (int)n, p);
            return buf;
        }
        if (!e)
            break;
        p = e + 1;
    }
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Data-driven tests                                                          */
/* ------------------------------------------------------------------------ */

/* Every wording row: its EXAMPLE is classified by that row, with the row's
 * category, action (reconnect for a retry-* with BYE), confidence, message
 * and must-show flag; with the fallback off it is not. */
static void
test_every_row_example(void **state)
{
    size_t i, rows = 0;
    int failures = 0;
    (void)state;
    for (i = 0; i < W.n; i++) {
        const struct trow *t = &W.rows[i];
        imaperr_response r;
        imaperr_classification c, off;
        char cmdbuf[64];
        const char *cmd, *key, *want_key;
        int want_cat, want_act;
        char catkey[64];
        if (strcmp(t->col[0], "wording") != 0)
            continue;
        rows++;
        assert_int_equal(t->ncol, 14);
        cmd = example_command(t->col[W_COMMANDS], cmdbuf, sizeof cmdbuf);
        classify_opts(t->col[W_EXAMPLE], cmd, 0, &r, &c);
        want_cat = category_number(t->col[W_CATEGORY]);
        want_act = action_number(t->col[W_ACTION]);
        if (r.status == IMAPERR_STATUS_BYE &&
            (want_act == IMAPERR_ACT_RETRY_BACKOFF || want_act == IMAPERR_ACT_RETRY_AFTER_NOOP ||
             want_act == IMAPERR_ACT_RETRY_AFTER_STARTTLS || want_act == IMAPERR_ACT_RETRY_AFTER_CREATE))
            want_act = IMAPERR_ACT_RECONNECT;
        snprintf(catkey, sizeof catkey, "cat-%s", t->col[W_CATEGORY]);
        want_key = strcmp(t->col[W_MSG], "-") == 0 ? catkey : t->col[W_MSG];
        key = imaperr_message_key(&c);
#define ROWFAIL(...) do { print_error("lib/wordings.tsv:%u %s: ", t->lineno, t->col[W_ID]); \
            print_error(__VA_ARGS__); print_error("\n"); failures++; } while (0)
        if (c.source != IMAPERR_SOURCE_TEXT_HEURISTIC || c.wording == NULL ||
            strcmp(c.wording, t->col[W_ID]) != 0) {
            ROWFAIL("example \"%s\" (command %s) is classified by %s (source %s), not by this row",
                    t->col[W_EXAMPLE], nz(cmd), nz(c.wording), nz(imaperr_source_name(c.source)));
            continue;
        }
        if ((int)c.category != want_cat || (int)c.action != want_act)
            ROWFAIL("%s/%s, expected %s/%s", imaperr_category_name(c.category),
                    imaperr_action_name(c.action), t->col[W_CATEGORY], imaperr_action_name((imaperr_action)want_act));
        if (c.confidence != (unsigned)atoi(t->col[W_CONF]) || c.confidence == 0 || c.confidence >= 100)
            ROWFAIL("confidence %u, expected %s (1..99)", c.confidence, t->col[W_CONF]);
        if (key == NULL || strcmp(key, want_key) != 0)
            ROWFAIL("message key %s, expected %s", nz(key), want_key);
        if (strcmp(t->col[W_FLAGS], "show") == 0 && !(c.flags & IMAPERR_FLAG_SHOW_USER))
            ROWFAIL("FLAGS show, but SHOW_USER is not set");
        if (c.flags & IMAPERR_FLAG_UNCERTAIN)
            ROWFAIL("UNCERTAIN set for a wording");
        if (!!(c.flags & IMAPERR_FLAG_PERMANENT) != (c.action == IMAPERR_ACT_FAIL))
            ROWFAIL("PERMANENT flag does not match the action");
        if (c.category == IMAPERR_CAT_OK)
            ROWFAIL("a wording classified ok");
        /* the same line with the fallback off: code or status decide */
        classify_opts(t->col[W_EXAMPLE], cmd, IMAPERR_CLASSIFY_NO_HEURISTICS, &r, &off);
        if (off.source == IMAPERR_SOURCE_TEXT_HEURISTIC || off.wording != NULL ||
            off.hint_backoff_ms != 0 || off.hint_connection_limit != 0)
            ROWFAIL("with IMAPERR_CLASSIFY_NO_HEURISTICS: source %s, row %s",
                    nz(imaperr_source_name(off.source)), nz(off.wording));
#undef ROWFAIL
    }
    if (failures)
        fail_msg("%d wording row(s) failed", failures);
    assert_true(rows >= 60);
}

/* The table covers at least 12 server families besides "generic", each
 * declared once and used. */
static void
test_families(void **state)
{
    size_t i, j, nfam = 0, used = 0;
    (void)state;
    for (i = 0; i < W.n; i++) {
        const struct trow *t = &W.rows[i];
        int n = 0;
        if (strcmp(t->col[0], "family") != 0)
            continue;
        nfam++;
        for (j = 0; j < W.n; j++)
            if (strcmp(W.rows[j].col[0], "wording") == 0 && strcmp(W.rows[j].col[W_FAMILY], t->col[1]) == 0)
                n++;
        if (n == 0)
            fail_msg("family %s has no rows", t->col[1]);
        if (strcmp(t->col[1], "generic") != 0)
            used++;
    }
    assert_true(nfam >= 13);
    assert_true(used >= 12);
}

/* Every hint row: its example yields the hint. */
static void
test_every_hint_example(void **state)
{
    size_t i, n = 0;
    (void)state;
    for (i = 0; i < W.n; i++) {
        const struct trow *t = &W.rows[i];
        imaperr_classification c;
        if (strcmp(t->col[0], "hint") != 0)
            continue;
        n++;
        assert_int_equal(t->ncol, 6);
        c = cl(t->col[H_EXAMPLE], NULL);
        if (strcmp(t->col[H_TYPE], "backoff") == 0 && c.hint_backoff_ms == 0)
            fail_msg("hint %s: no backoff from \"%s\"", t->col[H_ID], t->col[H_EXAMPLE]);
        if (strcmp(t->col[H_TYPE], "connection-limit") == 0 && c.hint_connection_limit == 0)
            fail_msg("hint %s: no connection limit from \"%s\"", t->col[H_ID], t->col[H_EXAMPLE]);
        if (strcmp(t->col[H_TYPE], "url") == 0 &&
            (c.hint_url.ptr == NULL || c.hint_url.len <= strlen(t->col[H_PATTERN])))
            fail_msg("hint %s: no URL from \"%s\"", t->col[H_ID], t->col[H_EXAMPLE]);
    }
    assert_true(n >= 4);
}

/* No wording fires on the negative examples. */
static void
test_negative_examples(void **state)
{
    size_t i;
    int failures = 0;
    (void)state;
    assert_true(N.n >= 30);
    for (i = 0; i < N.n; i++) {
        const struct trow *t = &N.rows[i];
        const char *cmd = strcmp(t->col[0], "-") == 0 ? NULL : t->col[0];
        imaperr_classification c;
        int want_src;
        assert_int_equal(t->ncol, 5);
        c = cl(t->col[1], cmd);
        want_src = strcmp(t->col[3], "code") == 0 ? IMAPERR_SOURCE_CODE
                 : strcmp(t->col[3], "status") == 0 ? IMAPERR_SOURCE_STATUS
                 : strcmp(t->col[3], "none") == 0 ? IMAPERR_SOURCE_NONE : -1;
        if (want_src < 0)
            fail_msg("tests/wordings-negative.tsv:%u: SOURCE must be code, status or none", t->lineno);
        if (c.source == IMAPERR_SOURCE_TEXT_HEURISTIC || c.wording != NULL ||
            (int)c.category != category_number(t->col[2]) || (int)c.source != want_src) {
            print_error("tests/wordings-negative.tsv:%u \"%s\" (command %s): %s from %s (row %s), "
                        "expected %s from %s (%s)\n", t->lineno, t->col[1], nz(cmd),
                        imaperr_category_name(c.category), imaperr_source_name(c.source), nz(c.wording),
                        t->col[2], t->col[3], t->col[4]);
            failures++;
        }
    }
    if (failures)
        fail_msg("%d negative example(s) failed", failures);
}

/* ------------------------------------------------------------------------ */
/* Matching rules                                                             */
/* ------------------------------------------------------------------------ */

static void
test_letter_case(void **state)
{
    (void)state;
    expect_row("a1 NO REQUEST IS THROTTLED.", NULL, "ms-request-throttled", IMAPERR_CAT_THROTTLED);
    expect_row("a1 no request Is ThRoTtLeD", NULL, "ms-request-throttled", IMAPERR_CAT_THROTTLED);
    expect_row("a1 bad request is throttled. suggested backoff time: 5 MILLISECONDS", NULL,
               "ms-request-throttled", IMAPERR_CAT_THROTTLED);
    expect_row("* bye AUTOLOGOUT; IDLE FOR TOO LONG", NULL, "yandex-autologout", IMAPERR_CAT_CONNECTION);
    expect_row("a1 NO [overquota] ACCOUNT EXCEEDED COMMAND OR BANDWIDTH LIMITS.", "fetch",
               "gmail-overquota-bandwidth", IMAPERR_CAT_THROTTLED);
    /* the command too */
    expect_row("a1 NO Lookup failed", "login", "gmail-lookup-failed", IMAPERR_CAT_CREDENTIAL);
    expect_row("a1 NO Lookup failed", "Authenticate PLAIN", "gmail-lookup-failed", IMAPERR_CAT_CREDENTIAL);
}

/* Timings, session ids, timestamps and extra blanks are not part of any
 * pattern: the wording is found whatever surrounds it. */
static void
test_volatile_parts(void **state)
{
    imaperr_classification c;
    (void)state;
    expect_row("a1 NO Mailbox doesn't exist: Archive/2019 (0.001 + 0.000 secs).", "STATUS",
               "dovecot-mailbox-doesnt-exist", IMAPERR_CAT_NONEXISTENT);
    expect_row("a1 NO Mailbox doesn't exist: x (0.123 + 4.567 + 8.901 secs).", NULL,
               "dovecot-mailbox-doesnt-exist", IMAPERR_CAT_NONEXISTENT);
    expect_row("A1 NO Invalid SASL argument. zz99aa1234567bbb.321", "AUTHENTICATE XOAUTH2",
               "gmail-invalid-sasl-argument", IMAPERR_CAT_CLIENT_BUG);
    expect_row("a1 NO Internal error occurred. Refer to server log for more information. [2024-02-29 23:59:59]",
               "APPEND", "dovecot-internal-error", IMAPERR_CAT_SERVER_BUG);
    expect_row("a1 NO Lookup failed x1y2z3", "LOGIN", "gmail-lookup-failed", IMAPERR_CAT_CREDENTIAL);
    /* runs of spaces and tabs count as one space; leading blanks skipped */
    expect_row("a1 NO Request  is \t throttled", NULL, "ms-request-throttled", IMAPERR_CAT_THROTTLED);
    expect_row("a1 NO   Request is throttled", NULL, "ms-request-throttled", IMAPERR_CAT_THROTTLED);
    expect_row("* BYE   Server shutting down.", NULL, "dovecot-shutting-down", IMAPERR_CAT_TRANSIENT);
    /* the number in the text is read as a hint, not matched */
    c = cl("a1 BAD Request is throttled. Suggested Backoff Time: 1 milliseconds", NULL);
    assert_int_equal(c.hint_backoff_ms, 1);
    c = cl("a1 BAD Request is throttled. Suggested Backoff Time:    92415    milliseconds", NULL);
    assert_int_equal(c.hint_backoff_ms, 92415);
    /* a wording at the very end of a long text, after non-ASCII bytes and
     * control bytes */
    expect_row("a1 NO \xc3\xa9\xe2\x80\xa6\x01 Too many simultaneous connections", NULL,
               "gmail-too-many-connections", IMAPERR_CAT_THROTTLED);
}

static void
test_word_boundaries_and_anchors(void **state)
{
    (void)state;
    expect_none("a1 NO relogin failed", "LOGIN", IMAPERR_CAT_CREDENTIAL, IMAPERR_SOURCE_STATUS);
    expect_none("a1 NO login failedx", "LOGIN", IMAPERR_CAT_CREDENTIAL, IMAPERR_SOURCE_STATUS);
    expect_row("a1 NO login failed.", "LOGIN", "generic-login-failed", IMAPERR_CAT_CREDENTIAL);
    expect_row("a1 NO (login failed)", "LOGIN", "generic-login-failed", IMAPERR_CAT_CREDENTIAL);
    expect_row("a1 NO LOGIN failed: authentication failure", "LOGIN", "generic-login-failed",
               IMAPERR_CAT_CREDENTIAL);
    /* '[throttled]' carries its own brackets: no boundary needed */
    expect_row("a1 OK Success[THROTTLED]now", NULL, "gmail-throttled-ok", IMAPERR_CAT_THROTTLED);
    /* '^': only at the start of the text */
    expect_row("* BYE Server shutting down", NULL, "dovecot-shutting-down", IMAPERR_CAT_TRANSIENT);
    expect_none("* BYE Courier-IMAP server shutting down", NULL, IMAPERR_CAT_CONNECTION,
                IMAPERR_SOURCE_STATUS);
    /* '*': the base64 prefix continues into the rest of the token */
    expect_row("+ eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIn0=", "AUTHENTICATE", "gmail-oauth-error-continuation",
               IMAPERR_CAT_CREDENTIAL);
    expect_none("+ xeyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIn0=", "AUTHENTICATE", IMAPERR_CAT_OK,
                IMAPERR_SOURCE_NONE);
}

/* COMMANDS: listed words only ('?' adds "no command or an unknown one"). */
static void
test_commands(void **state)
{
    (void)state;
    expect_row("a1 NO Mailbox already exists.", "CREATE INBOX", "generic-already-exists",
               IMAPERR_CAT_ALREADY_EXISTS);
    expect_row("a1 NO Mailbox already exists.", "rename a b", "generic-already-exists",
               IMAPERR_CAT_ALREADY_EXISTS);
    expect_row("a1 NO Mailbox already exists.", NULL, "generic-already-exists", IMAPERR_CAT_ALREADY_EXISTS);
    expect_row("a1 NO Mailbox already exists.", "XYZZY", "generic-already-exists", IMAPERR_CAT_ALREADY_EXISTS);
    expect_none("a1 NO Mailbox already exists.", "SELECT x", IMAPERR_CAT_NONEXISTENT, IMAPERR_SOURCE_STATUS);
    /* UID is skipped */
    expect_row("a1 BAD Invalid Arguments: Label name is not allowed: TODO", "UID STORE 1 +X-GM-LABELS (TODO)",
               "gmail-label-name-not-allowed", IMAPERR_CAT_CANNOT);
    expect_row("a1 NO UID FETCH Server error while fetching messages", "uid fetch 1:* (FLAGS)",
               "yahoo-fetch-server-error", IMAPERR_CAT_SERVER_BUG);
    /* no '?': the command must be known and listed */
    expect_row("a0002 BAD Command received in Invalid state.", "LOGIN", "ms-invalid-state-login",
               IMAPERR_CAT_PRIVACY);
    expect_none("a0002 BAD Command received in Invalid state.", NULL, IMAPERR_CAT_CLIENT_BUG,
                IMAPERR_SOURCE_STATUS);
    expect_none("a0002 BAD Command received in Invalid state.", "XYZZY", IMAPERR_CAT_CLIENT_BUG,
                IMAPERR_SOURCE_STATUS);
}

/* When several rows match, the first in the table wins. */
static void
test_row_order(void **state)
{
    (void)state;
    expect_row("a1 NO LOGIN failed (wrong host)", "LOGIN", "zimbra-wrong-host", IMAPERR_CAT_CANNOT);
    expect_row("2 NO LOGIN invalid credentials or IMAP is disabled", "LOGIN", "yandex-credentials-or-disabled",
               IMAPERR_CAT_CREDENTIAL);
    expect_row("a1 NO Invalid credentials (Failure)", "LOGIN", "generic-invalid-credentials",
               IMAPERR_CAT_CREDENTIAL);
    /* a later row first in the text does not beat an earlier row */
    expect_row("a1 NO Permission denied: too many simultaneous connections", NULL,
               "gmail-too-many-connections", IMAPERR_CAT_THROTTLED);
}

/* Precedence: a deciding code wins; an override row names the code it
 * overrides; weak codes (ALERT, WEBALERT) and state codes yield. */
static void
test_codes_and_overrides(void **state)
{
    imaperr_classification c;
    (void)state;
    /* overrides, with evidence in the table */
    expect_row("a1 NO [OVERQUOTA] Account exceeded command or bandwidth limits.", "FETCH",
               "gmail-overquota-bandwidth", IMAPERR_CAT_THROTTLED);
    c = cl("a1 NO [OVERQUOTA] Account exceeded command or bandwidth limits.", "FETCH");
    assert_int_equal(c.code, IMAPERR_CODE_OVERQUOTA);
    assert_int_equal(c.action, IMAPERR_ACT_RETRY_BACKOFF);
    expect_none("a1 NO [OVERQUOTA] Quota exceeded", "APPEND", IMAPERR_CAT_QUOTA, IMAPERR_SOURCE_CODE);
    expect_row("RUBY0001 NO [UNAVAILABLE] Maximum number of connections from user+IP exceeded "
               "(mail_max_userip_connections=30)", "LOGIN", "dovecot-max-connections", IMAPERR_CAT_THROTTLED);
    expect_row("a1 NO [LIMIT] Maximum number of connections from user+IP exceeded "
               "(mail_max_userip_connections=10)", "LOGIN", "dovecot-max-connections", IMAPERR_CAT_THROTTLED);
    expect_none("a1 NO [UNAVAILABLE] Temporary authentication failure.", "LOGIN", IMAPERR_CAT_TRANSIENT,
                IMAPERR_SOURCE_CODE);
    expect_row("a1 NO [LIMIT] CAPABILITY Rate limit hit.", NULL, "yahoo-rate-limit", IMAPERR_CAT_THROTTLED);
    expect_none("a1 NO [LIMIT] Too many flags", NULL, IMAPERR_CAT_LIMIT, IMAPERR_SOURCE_CODE);
    /* a deciding code without an override: the code wins */
    expect_none("a1 NO [NONEXISTENT] Mailbox doesn't exist: x", "SELECT x", IMAPERR_CAT_NONEXISTENT,
                IMAPERR_SOURCE_CODE);
    expect_none("a1 NO [AUTHENTICATIONFAILED] Too many simultaneous connections", "LOGIN",
                IMAPERR_CAT_CREDENTIAL, IMAPERR_SOURCE_CODE);
    /* ALERT is weak: the wording tells the cause, the must-show flag stays */
    c = cl("a1 NO [ALERT] Too many simultaneous connections. (Failure)", "LOGIN");
    assert_int_equal(c.category, IMAPERR_CAT_THROTTLED);
    assert_int_equal(c.source, IMAPERR_SOURCE_TEXT_HEURISTIC);
    assert_true(c.flags & IMAPERR_FLAG_SHOW_USER);
    assert_true(c.flags & IMAPERR_FLAG_RETRYABLE);
    assert_int_equal(c.code, IMAPERR_CODE_ALERT);
    c = cl("a1 NO [ALERT] Please log in via your web browser: https://support.google.com/mail/answer/78754 (Failure)",
           "LOGIN");
    assert_int_equal(c.category, IMAPERR_CAT_CREDENTIAL);
    assert_int_equal(c.action, IMAPERR_ACT_USER_ACTION);
    assert_true(c.flags & IMAPERR_FLAG_SHOW_USER);
    assert_string_equal(imaperr_message_key(&c), "webalert");
    assert_slice_equal(c.hint_url, "https://support.google.com/mail/answer/78754");
    /* ... also when the command is not known */
    c = cl("a1 NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)",
           NULL);
    assert_int_equal(c.category, IMAPERR_CAT_CREDENTIAL);
    assert_string_equal(c.wording, "gmail-app-password");
    /* an ALERT the table does not know stays alert */
    expect_none("a1 NO [ALERT] Something else", NULL, IMAPERR_CAT_ALERT, IMAPERR_SOURCE_CODE);
    /* WEBALERT is weak too */
    expect_row("* NO [WEBALERT https://accounts.google.com/signin/continue?sarp=1] Web login required.", "LOGIN",
               "gmail-web-login-required", IMAPERR_CAT_CREDENTIAL);
    /* a state code (CAPABILITY: "ok") leaves room for an OK wording */
    expect_row("* OK [CAPABILITY IMAP4rev1] Please check your POP3/IMAP-server address!", NULL,
               "netclusive-check-server-address", IMAPERR_CAT_ALERT);
    /* an unregistered code leaves room */
    expect_row("a1 NO [XYZZY] Request is throttled", NULL, "ms-request-throttled", IMAPERR_CAT_THROTTLED);
    /* OK rows: a warning, the command worked */
    c = cl("A00000000 OK Success [THROTTLED] (Success)", "FETCH");
    assert_int_equal(c.category, IMAPERR_CAT_THROTTLED);
    assert_int_equal(c.action, IMAPERR_ACT_NONE);
    assert_int_equal(c.severity, IMAPERR_SEVERITY_WARNING);
    assert_string_equal(imaperr_message_key(&c), "throttled-warning");
    /* statuses the row does not list */
    expect_none("a1 OK Request is throttled", NULL, IMAPERR_CAT_OK, IMAPERR_SOURCE_STATUS);
    expect_none("* PREAUTH Request is throttled", NULL, IMAPERR_CAT_OK, IMAPERR_SOURCE_STATUS);
}

/* BYE: a retry-* action becomes reconnect; the BYE that answers LOGOUT is
 * never reclassified. */
static void
test_bye(void **state)
{
    imaperr_classification c;
    (void)state;
    c = cl("* BYE Request is throttled", NULL);
    assert_int_equal(c.category, IMAPERR_CAT_THROTTLED);
    assert_int_equal(c.action, IMAPERR_ACT_RECONNECT);
    c = cl("a1 NO Request is throttled", NULL);
    assert_int_equal(c.action, IMAPERR_ACT_RETRY_BACKOFF);
    /* reconnect now, back off, give up */
    c = cl("* BYE Disconnected for inactivity.", NULL);
    assert_int_equal(c.category, IMAPERR_CAT_CONNECTION);
    assert_int_equal(c.action, IMAPERR_ACT_RECONNECT);
    c = cl("* BYE Server shutting down.", NULL);
    assert_int_equal(c.category, IMAPERR_CAT_TRANSIENT);
    assert_int_equal(c.action, IMAPERR_ACT_RECONNECT);
    c = cl("* BYE Temporary problem, please try again later", NULL);
    assert_int_equal(c.category, IMAPERR_CAT_TRANSIENT);
    assert_int_equal(c.action, IMAPERR_ACT_RECONNECT);
    c = cl("* BYE Too many invalid IMAP commands.", NULL);
    assert_int_equal(c.category, IMAPERR_CAT_CLIENT_BUG);
    assert_int_equal(c.action, IMAPERR_ACT_FAIL);
    c = cl("* BYE Session invalidated - AccessTokenExpired", NULL);
    assert_int_equal(c.category, IMAPERR_CAT_CREDENTIAL);
    assert_int_equal(c.action, IMAPERR_ACT_REAUTHENTICATE);
    c = cl("* BYE Session expired, please login again.", NULL);
    assert_int_equal(c.category, IMAPERR_CAT_CONNECTION);
    /* after LOGOUT: the normal end, whatever the words */
    expect_none("* BYE Server shutting down.", "LOGOUT", IMAPERR_CAT_OK, IMAPERR_SOURCE_STATUS);
    expect_none("* BYE Too many invalid IMAP commands.", "UID LOGOUT", IMAPERR_CAT_OK, IMAPERR_SOURCE_STATUS);
}

static void
test_continuation_and_data(void **state)
{
    imaperr_classification c;
    (void)state;
    c = cl("+ eyJzdGF0dXMiOiI0MDAiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==",
           "AUTHENTICATE XOAUTH2");
    assert_int_equal(c.category, IMAPERR_CAT_CREDENTIAL);
    assert_int_equal(c.action, IMAPERR_ACT_REAUTHENTICATE);
    assert_int_equal(c.status, IMAPERR_STATUS_NONE);
    assert_int_equal(c.severity, IMAPERR_SEVERITY_ERROR);
    expect_none("+ eyJzdGF0dXMiOiI0MDAi", "APPEND", IMAPERR_CAT_OK, IMAPERR_SOURCE_NONE);
    expect_none("+ idling", "IDLE", IMAPERR_CAT_OK, IMAPERR_SOURCE_NONE);
    expect_none("* 1 FETCH (BODY[] {27}", "FETCH", IMAPERR_CAT_OK, IMAPERR_SOURCE_NONE);
    expect_none("* LIST () \"/\" \"Request is throttled\"", NULL, IMAPERR_CAT_OK, IMAPERR_SOURCE_NONE);
    c = cl_off("+ eyJzdGF0dXMiOiI0MDAi", "AUTHENTICATE");
    assert_int_equal(c.category, IMAPERR_CAT_OK);
    assert_int_equal(c.source, IMAPERR_SOURCE_NONE);
}

/* IMAPERR_CLASSIFY_NO_HEURISTICS: code and status alone, no text hints. */
static void
test_off_switch(void **state)
{
    imaperr_classification c;
    (void)state;
    c = cl_off("a1 NO [OVERQUOTA] Account exceeded command or bandwidth limits.", "FETCH");
    assert_int_equal(c.category, IMAPERR_CAT_QUOTA);
    assert_int_equal(c.source, IMAPERR_SOURCE_CODE);
    assert_int_equal(c.confidence, 100);
    assert_null(c.wording);
    c = cl_off("a1 BAD Request is throttled. Suggested Backoff Time: 89117 milliseconds", NULL);
    assert_int_equal(c.category, IMAPERR_CAT_CLIENT_BUG);
    assert_int_equal(c.source, IMAPERR_SOURCE_STATUS);
    assert_int_equal(c.hint_backoff_ms, 0);
    c = cl_off("a1 NO Login failed", "LOGIN");
    assert_true(c.flags & IMAPERR_FLAG_UNCERTAIN);
    assert_int_equal(c.confidence, 50);
    c = cl_off("RUBY0001 NO [UNAVAILABLE] Maximum number of connections from user+IP exceeded "
               "(mail_max_userip_connections=30)", "LOGIN");
    assert_int_equal(c.category, IMAPERR_CAT_TRANSIENT);
    assert_int_equal(c.hint_connection_limit, 0);
    c = cl_off("a1 NO [ALERT] Please log in via your web browser: https://example.com/x", NULL);
    assert_int_equal(c.category, IMAPERR_CAT_ALERT);
    assert_null(c.hint_url.ptr);
    /* unrecognised text: the same answer with the fallback on or off */
    {
        static const char *const lines[] = {
            "a1 NO Operation failed", "a1 NO [ALERT] Something else", "* BYE bye", "a1 BAD bad",
            "a1 OK done", "a1 NO [UNAVAILABLE] later", "* OK IMAP4rev1 Service Ready",
        };
        static const char *const commands[] = { NULL, "LOGIN", "SELECT x", "FETCH 1 BODY[]", "LOGOUT" };
        size_t i, k;
        for (i = 0; i < sizeof lines / sizeof lines[0]; i++)
            for (k = 0; k < sizeof commands / sizeof commands[0]; k++) {
                imaperr_classification a = cl(lines[i], commands[k]), b = cl_off(lines[i], commands[k]);
                if (memcmp(&a, &b, sizeof a) != 0)
                    fail_msg("\"%s\" / %s differs with the fallback off", lines[i], nz(commands[k]));
            }
    }
}

/* ------------------------------------------------------------------------ */
/* Hints                                                                      */
/* ------------------------------------------------------------------------ */

static uint64_t
backoff_of(const char *line)
{
    return cl(line, NULL).hint_backoff_ms;
}

static void
test_hint_backoff(void **state)
{
    (void)state;
#define T "a1 BAD Request is throttled. Suggested Backoff Time: "
    assert_int_equal(backoff_of(T "92415 milliseconds"), 92415);
    assert_int_equal(backoff_of(T "299609 milliseconds"), 299609);
    assert_int_equal(backoff_of(T "7 ms"), 7);
    assert_int_equal(backoff_of(T "007 Milliseconds."), 7);
    assert_int_equal(backoff_of(T "5 seconds"), 5000);
    assert_int_equal(backoff_of(T "5 secs"), 5000);
    assert_int_equal(backoff_of(T "1 second"), 1000);
    assert_int_equal(backoff_of(T "0 milliseconds"), 0);
    /* boundary values: the largest 64-bit value, one more, and seconds
     * whose conversion would overflow */
    assert_true(backoff_of(T "18446744073709551615 milliseconds") == UINT64_MAX);
    assert_int_equal(backoff_of(T "18446744073709551616 milliseconds"), 0);
    assert_int_equal(backoff_of(T "99999999999999999999999999999999999999 milliseconds"), 0);
    assert_true(backoff_of(T "18446744073709551 seconds") == UINT64_C(18446744073709551000));
    assert_int_equal(backoff_of(T "18446744073709552 seconds"), 0);
    assert_int_equal(backoff_of(T "18446744073709551615 seconds"), 0);
    /* missing or unreadable numbers and units */
    assert_int_equal(backoff_of(T "milliseconds"), 0);
    assert_int_equal(backoff_of(T), 0);
    assert_int_equal(backoff_of("a1 BAD Request is throttled. Suggested Backoff Time:"), 0);
    assert_int_equal(backoff_of(T "100"), 0);
    assert_int_equal(backoff_of(T "100 minutes"), 0);
    assert_int_equal(backoff_of(T "100 millisecondsX"), 0);
    assert_int_equal(backoff_of(T "100millis"), 0);
    assert_int_equal(backoff_of(T "-5 milliseconds"), 0);
    assert_int_equal(backoff_of(T "1.5 seconds"), 0);
    assert_int_equal(backoff_of(T "100ms"), 100);
    /* the first readable statement counts */
    assert_int_equal(backoff_of(T "x milliseconds. Suggested Backoff Time: 20 ms. "
                                  "Suggested Backoff Time: 30 ms"), 20);
    /* only with the words before it */
    assert_int_equal(backoff_of("a1 BAD Request is throttled. Backoff: 500 milliseconds"), 0);
    /* a hint without a known wording still counts for a failure */
    assert_int_equal(backoff_of("a1 NO [UNAVAILABLE] Busy. Suggested Backoff Time: 2500 milliseconds"), 2500);
    /* but not for success */
    assert_int_equal(backoff_of("a1 OK done. Suggested Backoff Time: 2500 milliseconds"), 0);
#undef T
}

static void
test_hint_connection_limit(void **state)
{
    imaperr_classification c;
    (void)state;
#define T "a1 NO [UNAVAILABLE] Maximum number of connections from user+IP exceeded (mail_max_userip_connections="
    c = cl(T "30)", "LOGIN");
    assert_int_equal(c.hint_connection_limit, 30);
    assert_string_equal(c.wording, "dovecot-max-connections");
    assert_int_equal(cl(T "10)", NULL).hint_connection_limit, 10);
    assert_int_equal(cl(T "4294967295)", NULL).hint_connection_limit, 4294967295u);
    assert_int_equal(cl(T "4294967296)", NULL).hint_connection_limit, 0);
    assert_int_equal(cl(T "99999999999999999999999)", NULL).hint_connection_limit, 0);
    assert_int_equal(cl(T ")", NULL).hint_connection_limit, 0);
    assert_int_equal(cl(T "abc)", NULL).hint_connection_limit, 0);
    assert_int_equal(cl(T, NULL).hint_connection_limit, 0);
    assert_int_equal(cl(T "0)", NULL).hint_connection_limit, 0);
#undef T
    /* the key is a word of its own */
    assert_int_equal(cl("a1 NO x (xmail_max_userip_connections=30)", NULL).hint_connection_limit, 0);
}

static void
test_hint_url(void **state)
{
    imaperr_response r;
    imaperr_classification c;
    const char *line;
    (void)state;
    line = "a1 NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)";
    classify_opts(line, "LOGIN", 0, &r, &c);
    assert_slice_equal(c.hint_url, "https://support.google.com/accounts/answer/185833");
    /* a slice of the line itself */
    assert_true(c.hint_url.ptr > line && c.hint_url.ptr + c.hint_url.len <= line + strlen(line));
    c = cl("2 NO [ALERT] Please log in via your web browser: "
           "http://support.google.com/mail/accounts/bin/answer.py?answer=78754 (Failure)", "LOGIN");
    assert_slice_equal(c.hint_url, "http://support.google.com/mail/accounts/bin/answer.py?answer=78754");
    c = cl("a1 NO NEOBHODIM parol prilozheniya https://help.mail.ru/mail/security/protection/external / "
           "Aplication password is REQUIRED", "LOGIN");
    assert_string_equal(c.wording, "mailru-app-password");
    assert_slice_equal(c.hint_url, "https://help.mail.ru/mail/security/protection/external");
    /* trailing punctuation is not part of it; letter case is kept */
    assert_slice_equal(cl("a1 NO Please log in via your web browser (see HTTPS://Example.COM/A/b).", NULL).hint_url,
                       "HTTPS://Example.COM/A/b");
    assert_slice_equal(cl("a1 NO x: https://example.com/q?a=1&b=2.", NULL).hint_url, "https://example.com/q?a=1&b=2");
    assert_slice_equal(cl("a1 NO x <https://example.com/>", NULL).hint_url, "https://example.com/");
    /* the first address counts */
    assert_slice_equal(cl("a1 NO http://a.example/ then https://b.example/", NULL).hint_url, "http://a.example/");
    /* not an address */
    assert_null(cl("a1 NO https:// (Failure)", NULL).hint_url.ptr);
    assert_null(cl("a1 NO https://.", NULL).hint_url.ptr);
    assert_null(cl("a1 NO ftp://example.com/x", NULL).hint_url.ptr);
    assert_null(cl("a1 NO imap://user@example.com/INBOX", NULL).hint_url.ptr);
    assert_null(cl("a1 NO xhttps://example.com/", NULL).hint_url.ptr);
    assert_null(cl("a1 NO https ://example.com/", NULL).hint_url.ptr);
    /* not for success */
    assert_null(cl("* OK Welcome, see https://example.com/news", NULL).hint_url.ptr);
    /* WEBALERT's argument, with the fallback on or off */
    line = "* NO [WEBALERT https://accounts.google.com/signin/continue?sarp=1&scc=1] Web login required.";
    assert_slice_equal(cl(line, "LOGIN").hint_url, "https://accounts.google.com/signin/continue?sarp=1&scc=1");
    assert_slice_equal(cl_off(line, "LOGIN").hint_url, "https://accounts.google.com/signin/continue?sarp=1&scc=1");
    assert_null(cl("* NO [WEBALERT ftp://example.com/] Web login required.", "LOGIN").hint_url.ptr);
    /* WEBALERT's page comes before one in the text */
    assert_slice_equal(cl("* NO [WEBALERT https://a.example/x] Web login required: see https://b.example/y",
                          "LOGIN").hint_url, "https://a.example/x");
    assert_slice_equal(cl("* NO [WEBALERT ftp://a.example/x] Web login required: see https://b.example/y",
                          "LOGIN").hint_url, "https://b.example/y");
}

/* ------------------------------------------------------------------------ */
/* Robustness                                                                 */
/* ------------------------------------------------------------------------ */

/* Long texts: one pass, any length; a pattern at the end of 1 MiB of
 * near-misses is found; nothing is read beyond the line. */
static void
test_long_texts(void **state)
{
    const size_t n = (size_t)1 << 20;
    const char *tail = "Request is throttled. Suggested Backoff Time: 42 milliseconds";
    char *line = malloc(n + 200);
    imaperr_response r = IMAPERR_RESPONSE_INIT;
    imaperr_classification c = IMAPERR_CLASSIFICATION_INIT;
    size_t i, len;
    (void)state;
    assert_non_null(line);
    memcpy(line, "a1 NO ", 6);
    len = 6;
    /* near-misses that keep the automaton deep in the trie */
    for (i = 0; len + 40 < n; i++) {
        static const char *const bits[] = { "request is throttle ", "too many simultaneous connection ",
                                            "suggested backoff time: x ", "aaaa" };
        size_t k = strlen(bits[i % 4]);
        memcpy(line + len, bits[i % 4], k);
        len += k;
    }
    memcpy(line + len, tail, strlen(tail));
    len += strlen(tail);
    /* exact length: no NUL terminator is needed */
    assert_int_equal(imaperr_parse(line, len, &r), IMAPERR_OK);
    assert_int_equal(imaperr_classify(&r, NULL, 0, &c), IMAPERR_OK);
    assert_int_equal(c.category, IMAPERR_CAT_THROTTLED);
    assert_int_equal(c.hint_backoff_ms, 42);
    /* the hint key at the very end, with nothing after it */
    len -= strlen(" 42 milliseconds");
    assert_int_equal(imaperr_parse(line, len, &r), IMAPERR_OK);
    assert_int_equal(imaperr_classify(&r, NULL, 0, &c), IMAPERR_OK);
    assert_int_equal(c.hint_backoff_ms, 0);
    /* every byte value */
    for (i = 0; i < 256; i++)
        line[6 + i] = (char)i;
    assert_int_equal(imaperr_parse(line, 6 + 256, &r), IMAPERR_OK);
    assert_int_equal(imaperr_classify(&r, NULL, 0, &c), IMAPERR_OK);
    free(line);
}

static void
test_version(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < W.n; i++)
        if (strcmp(W.rows[i].col[0], "version") == 0)
            assert_int_equal(imaperr_wordings_version(), (unsigned)atoi(W.rows[i].col[1]));
    assert_true(imaperr_wordings_version() >= 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_row_example),
        cmocka_unit_test(test_families),
        cmocka_unit_test(test_every_hint_example),
        cmocka_unit_test(test_negative_examples),
        cmocka_unit_test(test_letter_case),
        cmocka_unit_test(test_volatile_parts),
        cmocka_unit_test(test_word_boundaries_and_anchors),
        cmocka_unit_test(test_commands),
        cmocka_unit_test(test_row_order),
        cmocka_unit_test(test_codes_and_overrides),
        cmocka_unit_test(test_bye),
        cmocka_unit_test(test_continuation_and_data),
        cmocka_unit_test(test_off_switch),
        cmocka_unit_test(test_hint_backoff),
        cmocka_unit_test(test_hint_connection_limit),
        cmocka_unit_test(test_hint_url),
        cmocka_unit_test(test_long_texts),
        cmocka_unit_test(test_version),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
