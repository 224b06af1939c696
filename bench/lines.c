/* lines.c - the response line generator (see lines.h). */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imaperr.h"
#include "lines.h"
#include "../tests/tsv.h"

/* ---- random numbers: SplitMix64 ----------------------------------------- */

uint64_t
bench_rand_next(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* uniform in [0, n) (n small: the bias is far below anything measured) */
static unsigned
pick(uint64_t *st, unsigned n)
{
    return (unsigned)(((bench_rand_next(st) >> 32) * n) >> 32);
}

/* ---- the mix ------------------------------------------------------------- */

/* Per mille of the lines of each kind. Kinds whose source file is missing
 * give their share to BK_TAGGED. */
static const unsigned bench_gen_mix[BK_NKINDS] = {
    [BK_CODE] = 320,
    [BK_TAGGED] = 237,
    [BK_UNTAGGED] = 40,
    [BK_WORDING] = 100,
    [BK_SESSION] = 30,
    [BK_UNKNOWN] = 50,
    [BK_CAPABILITY] = 22,
    [BK_DATA] = 136,
    [BK_CONTINUATION] = 35,
    [BK_MALFORMED] = 30,
};

static const char *const kind_names[BK_NKINDS] = {
    "registered code", "tagged, no code", "untagged status, no code", "server wording (wordings.tsv)",
    "session.log line", "unknown/vendor code", "long CAPABILITY", "untagged data", "continuation",
    "malformed",
};

const char *
bench_kind_name(enum bench_kind k)
{
    return (unsigned)k < BK_NKINDS ? kind_names[k] : "?";
}

/* Commands the lines answer. Not codes: the IMAP commands a client sends. */
const char *const bench_commands[] = {
    NULL, "UID FETCH", "FETCH", "SELECT", "EXAMINE", "LOGIN", "AUTHENTICATE PLAIN", "APPEND", "UID STORE",
    "STORE", "UID COPY", "UID MOVE", "IDLE", "NOOP", "LIST", "STATUS", "CREATE", "DELETE", "RENAME",
    "UID SEARCH", "LOGOUT", "CAPABILITY", "ENABLE", "GETQUOTAROOT", "SETMETADATA", "UID EXPUNGE",
    "AUTHENTICATE XOAUTH2", "COPY", "MOVE", "STARTTLS", "SUBSCRIBE",
};
#define NCOMMANDS (sizeof bench_commands / sizeof bench_commands[0])

/* Most commands a client sends in a sync loop are UID FETCH/STORE, NOOP,
 * IDLE and SELECT; the rest are rarer. Indexes into bench_commands. */
static const unsigned char common_commands[] = { 1, 1, 1, 1, 2, 3, 3, 8, 8, 10, 11, 12, 12, 13, 13, 14, 15,
                                                 19, 25, 7, 5 };

/* ---- texts servers send (status responses without a code) -------------- */

static const char *const ok_texts[] = {
    "Fetch completed (0.001 + 0.000 secs).", "Success", "Completed", "Logged in",
    "Select completed (0.002 + 0.000 secs).", "Store completed (0.001 + 0.000 secs).", "Idle completed",
    "NOOP completed.", "FETCH completed", "UID FETCH completed", "Done", "LIST completed.",
    "Status completed (0.001 + 0.001 + 0.002 secs).", "OK", "Search completed (0.003 + 0.000 secs).",
    "Moved (0.004 + 0.000 secs).", "Append completed (0.010 + 0.000 + 0.009 secs).", "Completed.",
    "Expunge completed.", "Authentication successful", "EXAMINE completed", "Enabled.",
};

static const char *const no_texts[] = {
    "Mailbox doesn't exist: Archive/2019 (0.001 + 0.000 secs).", "[ALERT] is not a code here, only text",
    "Authentication failed.", "Folder not found", "Permission denied", "Message not found",
    "Server error, try again later", "Mailbox is locked by another process", "Quota exceeded",
    "Request is throttled.", "Command not allowed in this state", "LOGIN failed.",
    "Temporary failure, please retry", "Invalid credentials (Failure)", "select failed: Mailbox does not exist",
};

static const char *const bad_texts[] = {
    "Error in IMAP command received by server.", "Unknown command", "Invalid arguments",
    "Command line too long", "Missing arguments", "Error in IMAP command FETCH: Invalid messageset",
    "Parse Error", "Invalid sequence set", "Not authenticated", "Unexpected extra arguments",
};

static const char *const bye_texts[] = {
    "Logging out", "Server shutting down.", "Disconnected for inactivity.", "Autologout; idle for too long",
    "Connection closed", "IMAP4rev1 Server logging out", "System shutdown in progress",
};

static const char *const untagged_ok_texts[] = {
    "Still here", "Waiting for the server", "Dovecot ready.", "IMAP4rev1 Service Ready",
    "Gimap ready for requests from 198.51.100.7 k3mb12345",
};

/* capability atoms real servers advertise (not response codes) */
static const char *const capabilities[] = {
    "IMAP4rev1", "IMAP4rev2", "SASL-IR", "LOGIN-REFERRALS", "ID", "ENABLE", "IDLE", "SORT",
    "SORT=DISPLAY", "THREAD=REFERENCES", "THREAD=REFS", "THREAD=ORDEREDSUBJECT", "MULTIAPPEND",
    "URL-PARTIAL", "CATENATE", "UNSELECT", "CHILDREN", "NAMESPACE", "UIDPLUS", "LIST-EXTENDED",
    "I18NLEVEL=1", "CONDSTORE", "QRESYNC", "ESEARCH", "ESORT", "SEARCHRES", "WITHIN", "CONTEXT=SEARCH",
    "LIST-STATUS", "BINARY", "MOVE", "SNIPPET=FUZZY", "PREVIEW=FUZZY", "PREVIEW", "STATUS=SIZE",
    "SAVEDATE", "LITERAL+", "NOTIFY", "SPECIAL-USE", "QUOTA", "ACL", "RIGHTS=texk", "METADATA",
    "COMPRESS=DEFLATE", "X-GM-EXT-1", "XLIST", "AUTH=PLAIN", "AUTH=LOGIN", "AUTH=XOAUTH2",
    "AUTH=OAUTHBEARER", "APPENDLIMIT=35651584", "UTF8=ACCEPT", "OBJECTID", "XAPPLEPUSHSERVICE",
};

static const char *const mailboxes[] = {
    "INBOX", "Sent", "Drafts", "Trash", "Archive/2019", "Junk", "INBOX.Projects", "Entw&APw-rfe",
    "[Gmail]/All Mail", "Lists/dev",
};

/* ---- output buffer -------------------------------------------------------- */

struct gbuf {
    char *p;
    size_t len, cap;
    int failed;
};

static void
gb_need(struct gbuf *b, size_t more)
{
    if (b->failed || b->len + more <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + more)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (p == NULL) {
        b->failed = 1;
        return;
    }
    b->p = p;
    b->cap = cap;
}

static void
gb_put(struct gbuf *b, const char *s, size_t n)
{
    gb_need(b, n);
    if (b->failed)
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void
gb_str(struct gbuf *b, const char *s)
{
    gb_put(b, s, strlen(s));
}

static void gb_fmt_(struct gbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
gb_fmt_(struct gbuf *b, const char *fmt, ...)
{
    char tmp[48];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        gb_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* one number into a literal format */
#define gb_fmt(b, fmt, v) gb_fmt_((b), fmt, (unsigned long long)(v))

/* ---- tables read from the source tree ------------------------------------ */

struct srcline {
    char *text;
    unsigned char cmd;
};

struct srclines {
    struct srcline *v;
    size_t n, cap;
};

static int
sl_add(struct srclines *s, const char *text, size_t len, unsigned char cmd)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        struct srcline *v = realloc(s->v, cap * sizeof *v);
        if (v == NULL)
            return -1;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n].text = malloc(len + 1);
    if (s->v[s->n].text == NULL)
        return -1;
    memcpy(s->v[s->n].text, text, len);
    s->v[s->n].text[len] = '\0';
    s->v[s->n].cmd = cmd;
    s->n++;
    return 0;
}

static void
sl_free(struct srclines *s)
{
    size_t i;
    for (i = 0; i < s->n; i++)
        free(s->v[i].text);
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

/* the index in bench_commands of a COMMANDS cell's first entry, 0: none */
static unsigned char
command_index(const char *cell)
{
    size_t n = strcspn(cell, ",");
    size_t i;
    for (i = 1; i < NCOMMANDS; i++) {
        const char *c = bench_commands[i];
        size_t k = strcspn(c, " ");
        if (strncmp(c, "UID ", 4) == 0)
            continue;
        if (k == n && strncmp(c, cell, n) == 0)
            return (unsigned char)i;
    }
    return 0;
}

static int
ok_line(const char *s)
{
    /* a line we can put on one wire line: no CR, LF, and not empty */
    return *s != '\0' && strpbrk(s, "\r\n") == NULL;
}

/* EXAMPLE (column 13) and COMMANDS (column 5) of the 'wording' rows. */
static int
read_wordings(const char *srcdir, struct srclines *out)
{
    char path[4096];
    char line[8192];
    FILE *f;
    snprintf(path, sizeof path, "%s/lib/wordings.tsv", srcdir);
    f = fopen(path, "r");
    if (f == NULL)
        return 0;
    while (fgets(line, sizeof line, f)) {
        char *col[16];
        int n = tsv_split(line, col, 16);
        if (n >= 13 && strcmp(col[0], "wording") == 0 && ok_line(col[12]))
            if (sl_add(out, col[12], strlen(col[12]), command_index(col[4])) < 0) {
                fclose(f);
                return -1;
            }
    }
    fclose(f);
    return 0;
}

/* "S: " lines of examples/session.log, with the command of the last "C: "
 * line whose tag they carry (or none). */
static int
read_session(const char *srcdir, struct srclines *out)
{
    char path[4096];
    char line[8192];
    unsigned char cmd = 0;
    FILE *f;
    snprintf(path, sizeof path, "%s/examples/session.log", srcdir);
    f = fopen(path, "r");
    if (f == NULL)
        return 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strncmp(line, "C: ", 3) == 0) {
            const char *sp = strchr(line + 3, ' ');
            char word[64];
            size_t k;
            cmd = 0;
            if (sp) {
                snprintf(word, sizeof word, "%s", sp + 1);
                k = strcspn(word, " ");
                if (strncmp(word, "UID ", 4) == 0)
                    k = 4 + strcspn(word + 4, " ");
                word[k] = '\0';
                for (k = 1; k < NCOMMANDS; k++)
                    if (strcmp(bench_commands[k], word) == 0)
                        cmd = (unsigned char)k;
            }
        } else if (strncmp(line, "S: ", 3) == 0 && ok_line(line + 3)) {
            if (sl_add(out, line + 3, strlen(line + 3), line[3] == '*' ? 0 : cmd) < 0) {
                fclose(f);
                return -1;
            }
        }
    }
    fclose(f);
    return 0;
}

/* ---- registered codes ---------------------------------------------------- */

struct codeinfo {
    const char *name;
    const char *args;          /* the example's arguments, or NULL */
    imaperr_status statuses[4];
    unsigned nstatuses;
};

static int
load_codes(struct codeinfo **out, size_t *count)
{
    size_t n = imaperr_code_count(), i;
    struct codeinfo *v = calloc(n ? n : 1, sizeof *v);
    if (v == NULL)
        return -1;
    for (i = 0; i < n; i++) {
        imaperr_code_info info = IMAPERR_CODE_INFO_INIT;
        struct codeinfo *c = &v[i];
        if (imaperr_code_info_get(imaperr_code_at(i), &info) != IMAPERR_OK || info.name == NULL) {
            c->name = "ALERT";
            c->statuses[c->nstatuses++] = IMAPERR_STATUS_OK;
            continue;
        }
        c->name = info.name;
        /* the example is the bracket's content: "UIDNEXT 4392" */
        if (info.example && *info.example) {
            size_t k = strlen(info.name);
            if (strncmp(info.example, info.name, k) == 0 && info.example[k] == ' ')
                c->args = info.example + k + 1;
        }
        if (info.ok.category >= 0)
            c->statuses[c->nstatuses++] = IMAPERR_STATUS_OK;
        if (info.no.category >= 0)
            c->statuses[c->nstatuses++] = IMAPERR_STATUS_NO;
        if (info.bad.category >= 0)
            c->statuses[c->nstatuses++] = IMAPERR_STATUS_BAD;
        if (info.bye.category >= 0)
            c->statuses[c->nstatuses++] = IMAPERR_STATUS_BYE;
        if (c->nstatuses == 0) {
            c->statuses[c->nstatuses++] = IMAPERR_STATUS_OK;
            c->statuses[c->nstatuses++] = IMAPERR_STATUS_NO;
        }
    }
    *out = v;
    *count = n;
    return 0;
}

/* Copy the example's arguments, drawing each plain number (a token of
 * digits only) again with the same number of digits and no leading zero;
 * sets, ranges and everything else stay as the registry wrote them. */
static void
put_args(struct gbuf *b, const char *args, uint64_t *st)
{
    const char *p = args;
    while (*p) {
        const char *q = p;
        int plain = 1;
        while (*q && *q != ' ') {
            if (*q < '0' || *q > '9')
                plain = 0;
            q++;
        }
        if (plain && q > p && q - p <= 18 && !(q - p == 1 && *p == '0')) {
            size_t k, digits = (size_t)(q - p);
            char tmp[20];
            tmp[0] = (char)('1' + pick(st, 9));
            for (k = 1; k < digits; k++)
                tmp[k] = (char)('0' + pick(st, 10));
            gb_put(b, tmp, digits);
        } else {
            gb_put(b, p, (size_t)(q - p));
        }
        if (*q == ' ') {
            gb_put(b, " ", 1);
            q++;
        }
        p = q;
    }
}

/* ---- pieces of a line ---------------------------------------------------- */

struct gen {
    uint64_t st;
    unsigned long tag;       /* the next tag number */
    unsigned tagstyle;       /* how this session writes tags */
    size_t session_left;     /* lines until a new session */
};

static void
put_tag(struct gbuf *b, struct gen *g)
{
    unsigned long t = g->tag++;
    switch (g->tagstyle) {
    case 0:
        gb_fmt(b, "a%llu", t);
        break;
    case 1:
        gb_fmt(b, "A%04llu", t);
        break;
    case 2:
        gb_fmt(b, "%llu", t);
        break;
    case 3:
        gb_fmt(b, "C%llu", t);
        break;
    case 4:
        gb_fmt(b, "tag%llu", t);
        break;
    default:
        gb_fmt(b, "RUBY%04llu", t);
        break;
    }
}

static const char *
status_word(imaperr_status s)
{
    switch (s) {
    case IMAPERR_STATUS_NO:
        return "NO";
    case IMAPERR_STATUS_BAD:
        return "BAD";
    case IMAPERR_STATUS_BYE:
        return "BYE";
    case IMAPERR_STATUS_PREAUTH:
        return "PREAUTH";
    default:
        return "OK";
    }
}

static const char *
text_for(imaperr_status s, uint64_t *st)
{
#define PICK(a) a[pick(st, (unsigned)(sizeof a / sizeof a[0]))]
    switch (s) {
    case IMAPERR_STATUS_NO:
        return PICK(no_texts);
    case IMAPERR_STATUS_BAD:
        return PICK(bad_texts);
    case IMAPERR_STATUS_BYE:
        return PICK(bye_texts);
    default:
        return PICK(ok_texts);
    }
}

static unsigned char
some_command(uint64_t *st)
{
    return common_commands[pick(st, (unsigned)sizeof common_commands)];
}

static void
put_capabilities(struct gbuf *b, uint64_t *st)
{
    unsigned n = 18 + pick(st, 30), i, start = pick(st, 4);
    const unsigned ncap = (unsigned)(sizeof capabilities / sizeof capabilities[0]);
    gb_str(b, "IMAP4rev1");
    for (i = 0; i < n; i++) {
        gb_put(b, " ", 1);
        gb_str(b, capabilities[1 + (start + i * 7) % (ncap - 1)]);
    }
}

static void
gen_data(struct gbuf *b, uint64_t *st)
{
    switch (pick(st, 10)) {
    case 0:
    case 1:
    case 2:
        gb_fmt(b, "* %llu EXISTS", 1 + pick(st, 40000));
        break;
    case 3:
        gb_fmt(b, "* %llu RECENT", pick(st, 5));
        break;
    case 4:
        gb_fmt(b, "* %llu EXPUNGE", 1 + pick(st, 40000));
        break;
    case 5:
    case 6:
        gb_fmt(b, "* %llu FETCH (FLAGS (\\Seen) ", 1 + pick(st, 40000));
        gb_fmt(b, "UID %llu)", 1 + pick(st, 900000));
        break;
    case 7:
        gb_fmt(b, "* SEARCH %llu", 1 + pick(st, 9000));
        gb_fmt(b, " %llu", 9001 + pick(st, 9000));
        gb_fmt(b, " %llu", 18002 + pick(st, 9000));
        break;
    case 8:
        gb_str(b, "* LIST (\\HasNoChildren) \"/\" \"");
        gb_str(b, mailboxes[pick(st, (unsigned)(sizeof mailboxes / sizeof mailboxes[0]))]);
        gb_str(b, "\"");
        break;
    default:
        gb_str(b, "* STATUS INBOX (MESSAGES ");
        gb_fmt(b, "%llu", pick(st, 40000));
        gb_fmt(b, " UIDNEXT %llu)", 1 + pick(st, 900000));
        break;
    }
}

static void
gen_malformed(struct gbuf *b, struct gen *g)
{
    uint64_t *st = &g->st;
    switch (pick(st, 16)) {
    case 0: /* empty line */
        break;
    case 1:
        gb_str(b, " a1 OK leading space");
        break;
    case 2:
        put_tag(b, g);
        break;
    case 3:
        gb_str(b, "*");
        break;
    case 4:
        put_tag(b, g);
        gb_str(b, " FOO bar baz");
        break;
    case 5:
        gb_fmt(b, "* OK [UIDNEXT %llu Predicted next UID", 1 + pick(st, 90000));
        break;
    case 6:
        put_tag(b, g);
        gb_str(b, " no [trycreate] Mailbox does not exist");
        break;
    case 7:
        gb_str(b, "NO Service temporarily unavailable");
        break;
    case 8:
        put_tag(b, g);
        gb_str(b, " OK [ALERT]No space after the code");
        break;
    case 9:
        gb_str(b, "* OK [UIDVALIDITY 0] zero is not a valid UIDVALIDITY");
        break;
    case 10:
        put_tag(b, g);
        gb_str(b, " BAD \x1b[31mcontrol\x01bytes\x1b[0m in text");
        break;
    case 11:
        gb_put(b, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\xa7\x9b", 13);
        break;
    case 12:
        put_tag(b, g);
        gb_str(b, "  NO  [NOPERM]  extra spaces");
        break;
    case 13:
        put_tag(b, g);
        gb_str(b, " OK Success [THROTTLED]");
        break;
    case 14:
        gb_str(b, "HTTP/1.1 400 Bad Request");
        break;
    default:
        put_tag(b, g);
        gb_str(b, " BYE tagged bye");
        break;
    }
}

static void
gen_unknown(struct gbuf *b, struct gen *g)
{
    uint64_t *st = &g->st;
    char name[24];
    unsigned k, n = 4 + pick(st, 8);
    imaperr_status s = pick(st, 3) ? IMAPERR_STATUS_NO : IMAPERR_STATUS_OK;
    size_t i = 0;
    if (pick(st, 2)) {
        memcpy(name, "X-", 2);
        i = 2;
    }
    for (k = 0; k < n; k++)
        name[i++] = (char)('A' + pick(st, 26));
    name[i] = '\0';
    if (pick(st, 4) == 0)
        gb_str(b, "*");
    else
        put_tag(b, g);
    gb_put(b, " ", 1);
    gb_str(b, status_word(s));
    gb_str(b, " [");
    gb_str(b, name);
    switch (pick(st, 3)) {
    case 0:
        gb_fmt(b, " %llu", 1 + pick(st, 100000));
        break;
    case 1:
        gb_str(b, " (a b)");
        break;
    default:
        break;
    }
    gb_str(b, "] ");
    gb_str(b, text_for(s, st));
}

/* ---- the generator ------------------------------------------------------- */

int
bench_lines_generate(struct bench_lines *out, size_t n, uint64_t seed, const char *srcdir)
{
    struct gbuf b = { NULL, 0, 0, 0 };
    struct srclines wordings = { NULL, 0, 0 }, session = { NULL, 0, 0 };
    struct codeinfo *codes = NULL;
    size_t ncodes = 0, i, next_code = 0;
    unsigned char *seen = NULL;
    unsigned mix[BK_NKINDS];
    struct gen g;
    int rc = -1;

    memset(out, 0, sizeof *out);
    memset(&g, 0, sizeof g);
    g.st = seed;
    if (srcdir == NULL)
        srcdir = ".";
    if (read_wordings(srcdir, &wordings) < 0 || read_session(srcdir, &session) < 0 ||
        load_codes(&codes, &ncodes) < 0)
        goto done;
    seen = calloc(ncodes ? ncodes : 1, 1);
    out->cmd = malloc(n ? n : 1);
    if (seen == NULL || out->cmd == NULL)
        goto done;
    memcpy(mix, bench_gen_mix, sizeof mix);
    if (wordings.n == 0) {
        mix[BK_TAGGED] += mix[BK_WORDING];
        mix[BK_WORDING] = 0;
    }
    if (session.n == 0) {
        mix[BK_TAGGED] += mix[BK_SESSION];
        mix[BK_SESSION] = 0;
    }
    if (ncodes == 0) {
        mix[BK_TAGGED] += mix[BK_CODE];
        mix[BK_CODE] = 0;
    }
    out->wording_rows = wordings.n;
    out->session_lines = session.n;
    gb_need(&b, n * 56 + 1024);

    for (i = 0; i < n; i++) {
        unsigned r = pick(&g.st, 1000), k = 0, acc = mix[0];
        unsigned char cmd = 0;
        if (g.session_left == 0) {
            g.session_left = 200 + pick(&g.st, 2000);
            g.tagstyle = pick(&g.st, 6);
            g.tag = 1 + pick(&g.st, 50);
        }
        g.session_left--;
        while (r >= acc && k + 1 < BK_NKINDS)
            acc += mix[++k];
        switch ((enum bench_kind)k) {
        case BK_CODE: {
            size_t ci = next_code++ % ncodes;
            const struct codeinfo *c = &codes[ci];
            imaperr_status s = c->statuses[pick(&g.st, c->nstatuses)];
            int untagged = s == IMAPERR_STATUS_BYE || (s == IMAPERR_STATUS_OK ? pick(&g.st, 2) : !pick(&g.st, 7));
            seen[ci] = 1;
            if (untagged) {
                gb_str(&b, "*");
                cmd = pick(&g.st, 2) ? some_command(&g.st) : 0;
            } else {
                put_tag(&b, &g);
                cmd = some_command(&g.st);
            }
            gb_put(&b, " ", 1);
            gb_str(&b, status_word(s));
            gb_str(&b, " [");
            gb_str(&b, c->name);
            if (c->args) {
                gb_put(&b, " ", 1);
                put_args(&b, c->args, &g.st);
            }
            gb_str(&b, "] ");
            gb_str(&b, text_for(s, &g.st));
            break;
        }
        case BK_TAGGED: {
            unsigned w = pick(&g.st, 100);
            imaperr_status s = w < 78 ? IMAPERR_STATUS_OK : w < 94 ? IMAPERR_STATUS_NO : IMAPERR_STATUS_BAD;
            put_tag(&b, &g);
            cmd = some_command(&g.st);
            gb_put(&b, " ", 1);
            gb_str(&b, status_word(s));
            gb_put(&b, " ", 1);
            if (s == IMAPERR_STATUS_OK && pick(&g.st, 3) == 0) {
                /* Dovecot style: the command and the time it took */
                gb_str(&b, bench_commands[cmd]);
                gb_fmt(&b, " completed (0.%03llu + 0.000 secs).", pick(&g.st, 40));
            } else {
                gb_str(&b, text_for(s, &g.st));
            }
            break;
        }
        case BK_UNTAGGED: {
            unsigned w = pick(&g.st, 10);
            if (w < 4) {
                gb_str(&b, "* OK ");
                gb_str(&b, untagged_ok_texts[pick(&g.st, (unsigned)(sizeof untagged_ok_texts /
                                                                      sizeof untagged_ok_texts[0]))]);
            } else if (w < 7) {
                gb_str(&b, "* BYE ");
                gb_str(&b, text_for(IMAPERR_STATUS_BYE, &g.st));
                cmd = pick(&g.st, 3) ? 0 : 20; /* LOGOUT */
            } else if (w < 8) {
                gb_str(&b, "* NO ");
                gb_str(&b, text_for(IMAPERR_STATUS_NO, &g.st));
            } else if (w < 9) {
                gb_str(&b, "* BAD ");
                gb_str(&b, text_for(IMAPERR_STATUS_BAD, &g.st));
            } else {
                gb_str(&b, "* PREAUTH IMAP4rev1 server logged in as alice");
            }
            break;
        }
        case BK_WORDING: {
            const struct srcline *w = &wordings.v[pick(&g.st, (unsigned)wordings.n)];
            gb_str(&b, w->text);
            cmd = w->cmd;
            break;
        }
        case BK_SESSION: {
            const struct srcline *w = &session.v[pick(&g.st, (unsigned)session.n)];
            gb_str(&b, w->text);
            cmd = w->cmd;
            break;
        }
        case BK_UNKNOWN:
            gen_unknown(&b, &g);
            cmd = some_command(&g.st);
            break;
        case BK_CAPABILITY:
            if (pick(&g.st, 2)) {
                gb_str(&b, "* CAPABILITY ");
                put_capabilities(&b, &g.st);
                cmd = 21;
            } else {
                put_tag(&b, &g);
                gb_str(&b, " OK [CAPABILITY ");
                put_capabilities(&b, &g.st);
                gb_str(&b, "] Logged in");
                cmd = 5;
            }
            break;
        case BK_DATA:
            gen_data(&b, &g.st);
            cmd = pick(&g.st, 2) ? some_command(&g.st) : 0;
            break;
        case BK_CONTINUATION: {
            static const char *const conts[] = { "+ idling", "+ Ready for literal data", "+ ",
                                                 "+ OK", "+ Ready for additional command text." };
            gb_str(&b, conts[pick(&g.st, (unsigned)(sizeof conts / sizeof conts[0]))]);
            cmd = pick(&g.st, 2) ? 12 : 7;
            break;
        }
        default:
            gen_malformed(&b, &g);
            cmd = some_command(&g.st);
            break;
        }
        gb_put(&b, "\r\n", 2);
        out->count[k]++;
        out->cmd[i] = cmd;
        if (b.failed)
            goto done;
    }
    gb_need(&b, 1);
    if (b.failed)
        goto done;
    b.p[b.len] = '\0';
    out->buf = b.p;
    out->len = b.len;
    out->n = n;
    b.p = NULL;
    for (i = 0; i < ncodes; i++)
        out->codes_used += seen[i];
    rc = 0;
done:
    free(b.p);
    free(seen);
    free(codes);
    sl_free(&wordings);
    sl_free(&session);
    if (rc < 0) {
        free(out->cmd);
        out->cmd = NULL;
    }
    return rc;
}

void
bench_lines_free(struct bench_lines *l)
{
    if (l == NULL)
        return;
    free(l->buf);
    free(l->cmd);
    l->buf = NULL;
    l->cmd = NULL;
}
