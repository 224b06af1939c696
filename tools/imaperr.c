/* imaperr - explain IMAP server responses from the command line.
 *
 *   imaperr explain [--command CMD] [--lang LANG] [--json] [--no-heuristics] [--no-retry] [LINE...]
 *   imaperr scan [--lang LANG] [--json] [--all] [--no-heuristics] [--no-retry] [FILE...]
 *   imaperr codes [--json]
 *   imaperr advise [--command CMD] [--attempt N] [--seed S] [--json] ... (tools/advise.c)
 *
 * The contract of `explain` (DESIGN.md) is relied on by scripts and tests:
 * one JSON object per input line with --json, exit 0 when every line was
 * read, 2 on usage errors, never a skipped line.
 */
#include <config.h>

#include <errno.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "imaperr.h"
#include "json.h"
#include "cmd-advise.h"

#define EXIT_USAGE 2

struct opts {
    const char *command;
    const char *lang;
    int json;
    int all;
    char chosen[32];  /* the negotiated catalog language */
    int fallback;     /* 1 when --lang matched nothing shipped */
};

/* IMAPERR_CLASSIFY_* options for every line (--no-heuristics). */
static unsigned classify_options;
/* IMAPERR_EXPLAIN_* options added for every line (--no-retry). */
static unsigned explain_options;

/* A growable scratch buffer for sanitised text. */
struct buf {
    char *p;
    size_t cap;
};

static void *
xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (q == NULL) {
        fprintf(stderr, "imaperr: out of memory\n");
        exit(1);
    }
    return q;
}

/* 1 when s[0..n) is printable ASCII only (0x20-0x7e): such text is its
 * own sanitised form (imaperr_sanitize_text copies it unchanged). */
static int
printable_ascii(const char *s, size_t n)
{
    size_t i = 0;
    uint64_t x, y;
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    /* eight bytes per step: a lane is outside 0x20-0x7e when it is below
     * 0x20, or when it plus 1 reaches 0x80 (0x7f and up) */
    for (; i + 8 <= n; i += 8) {
        memcpy(&x, s + i, 8);
        y = x & ~highs;
        if ((x | (y + ones) | ((x - 0x20 * ones) & ~x)) & highs)
            return 0;
    }
    for (; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
            return 0;
    return 1;
}

/* Sanitise a slice of server text into b; returns the text (valid UTF-8,
 * no control characters) and its length in *len. Printable ASCII, most
 * of what servers send, is returned as it is, without a copy: the result
 * may be s itself, so it must not be written to (see clean_copy). */
static const char *clean_copy(struct buf *b, const char *s, size_t n, size_t *len);

static const char *
clean(struct buf *b, const char *s, size_t n, size_t *len)
{
    if (n == 0) {
        *len = 0;
        return "";
    }
    if (n <= 0x7fffffff && printable_ascii(s, n)) {
        *len = n;
        return s;
    }
    return clean_copy(b, s, n, len);
}

/* The same, always into b (the caller may change the copy). */
static const char *
clean_copy(struct buf *b, const char *s, size_t n, size_t *len)
{
    int need = imaperr_sanitize_text(s, n, b->p, b->cap);
    if (need < 0) {
        *len = 0;
        return "";
    }
    if ((size_t)need >= b->cap) {
        b->cap = (size_t)need + 1;
        b->p = xrealloc(b->p, b->cap);
        need = imaperr_sanitize_text(s, n, b->p, b->cap);
    }
    *len = (size_t)need;
    return b->p;
}

/* The mailbox a command names, for messages such as "The folder “Drafts”
 * does not exist": the destination of COPY/MOVE, the new name of RENAME,
 * else the first argument of the commands that take a mailbox. Quoted
 * strings are unquoted; literals are not followed. Returns 0 when none. */
static int
command_mailbox(const char *command, char *out, size_t cap, size_t *len)
{
    static const char *const first_arg[] = {
        "SELECT", "EXAMINE", "CREATE", "DELETE", "SUBSCRIBE", "UNSUBSCRIBE", "STATUS",
        "APPEND", "GETQUOTAROOT", "MYRIGHTS", "GETACL", "SETACL", "DELETEACL", "LISTRIGHTS",
    };
    const char *p = command, *w;
    size_t wl, i, o = 0;
    int which = 0;   /* 1: first argument, 2: second, 3: last */

    while (*p == ' ')
        p++;
    w = p;
    while (*p && *p != ' ')
        p++;
    wl = (size_t)(p - w);
    if (wl == 3 && strncasecmp(w, "UID", 3) == 0) {
        while (*p == ' ')
            p++;
        w = p;
        while (*p && *p != ' ')
            p++;
        wl = (size_t)(p - w);
    }
    if ((wl == 4 && (strncasecmp(w, "COPY", 4) == 0 || strncasecmp(w, "MOVE", 4) == 0)))
        which = 3;
    else if (wl == 6 && strncasecmp(w, "RENAME", 6) == 0)
        which = 2;
    for (i = 0; !which && i < sizeof first_arg / sizeof first_arg[0]; i++)
        if (strlen(first_arg[i]) == wl && strncasecmp(w, first_arg[i], wl) == 0)
            which = 1;
    if (!which)
        return 0;
    for (i = 1;; i++) {
        while (*p == ' ')
            p++;
        if (*p == '\0' || *p == '{' || *p == '(')
            return 0;
        o = 0;
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++) {
                if (*p == '\\' && p[1])
                    p++;
                if (o + 1 < cap)
                    out[o++] = *p;
            }
            if (*p == '"')
                p++;
        } else {
            for (; *p && *p != ' '; p++)
                if (o + 1 < cap)
                    out[o++] = *p;
        }
        out[o] = '\0';
        if ((which == 1 && i == 1) || (which == 2 && i == 2))
            break;
        if (which == 3) {   /* the last argument */
            const char *q = p;
            while (*q == ' ')
                q++;
            if (*q == '\0')
                break;
        }
    }
    *len = o;
    return o > 0;
}

/* The sentence for a person (imaperr_explain), without the server's text,
 * which the output shows on its own. */
static const char *
message(const imaperr_response *r, const imaperr_classification *c, const struct opts *o,
        const char *command, struct buf *b, imaperr_explain_info *info)
{
    imaperr_explain_context ctx = IMAPERR_EXPLAIN_CONTEXT_INIT;
    char box[1024];
    int need;
    ctx.options = IMAPERR_EXPLAIN_NO_SERVER_TEXT | explain_options;
    if (command && command_mailbox(command, box, sizeof box, &ctx.mailbox_len)) {
        ctx.mailbox = box;
        ctx.known |= IMAPERR_VALUE_MAILBOX;
    }
    need = imaperr_explain(r, c, &ctx, o->lang, b->p, b->cap, info);
    if (need < 0)
        return "";
    if ((size_t)need >= b->cap) {
        b->cap = (size_t)need + 1;
        b->p = xrealloc(b->p, b->cap);
        imaperr_explain(r, c, &ctx, o->lang, b->p, b->cap, info);
    }
    return b->p;
}

struct scratch {
    struct buf line, text, args, msg, cmd, str;
    struct jbuf json;   /* the JSON line being composed */
};

/* Members whose value is one of the library's names: kind, status,
 * code, category, action, severity, source, wording and message key are
 * strings of the library's constant tables, the same few on every line,
 * so each member (comma, key, quoted value) is composed once and then
 * copied as a fixed-size block. Each member has its own slots, chosen by
 * the enum value (or the name's address); a slot holds one member and
 * says which: the addresses of the key (a literal) and of the name (the
 * library's tables live as long as the program). A member too long for
 * a slot is composed every time. */
struct member_slot {
    const char *key, *name;
    unsigned len, first;
    char json[64];
};
#define SLOTS_(n) static struct member_slot n[256]
SLOTS_(kind_slots);
SLOTS_(status_slots);
SLOTS_(code_slots);
SLOTS_(category_slots);
SLOTS_(action_slots);
SLOTS_(severity_slots);
SLOTS_(source_slots);
SLOTS_(wording_slots);
SLOTS_(message_key_slots);
#define SLOT_(slots, i) (&(slots)[(unsigned)(i) % 256u])
/* the slot for a name by its address */
#define ADDR_SLOT_(slots, p) \
    (&(slots)[(unsigned)((uint64_t)(uintptr_t)(p) * 0x9e3779b97f4a7c15u >> 56)])

static void
member_fill(struct jbuf *jb, int *first, const char *key, const char *name, struct member_slot *e)
{
    size_t start = jb->len, n;
    e->key = NULL;
    e->first = (unsigned)*first;
    jb_member_cstr(jb, first, key, name);
    n = jb->len - start;
    if (n <= sizeof e->json) {
        memcpy(e->json, jb->p + start, n);
        e->len = (unsigned)n;
        e->key = key;
        e->name = name;
    }
}

#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void
jb_member_name(struct jbuf *jb, int *first, const char *key, const char *name, struct member_slot *e)
{
    if (e->key == key && e->name == name && e->first == (unsigned)*first) {
        if (jb->cap - jb->len < sizeof e->json)
            jb_grow(jb, sizeof e->json);
        memcpy(jb->p + jb->len, e->json, sizeof e->json);
        jb->len += e->len;
        *first = 0;
        return;
    }
    member_fill(jb, first, key, name, e);
}

/* JSON lines are collected in the buffer and written in large pieces
 * when standard output is not a terminal (it is fully buffered then, so
 * nothing reaches the reader any later than through stdio's buffer). */
static int batch_output;
static int output_error;   /* a batched write failed */
#define BATCH_BYTES ((size_t)1 << 16)

static void
print_flags_human(unsigned flags, FILE *f)
{
    static const struct { unsigned bit; const char *name; } names[] = {
        { IMAPERR_FLAG_RETRYABLE, "retryable" },
        { IMAPERR_FLAG_SHOW_USER, "show-to-user" },
        { IMAPERR_FLAG_PERMANENT, "permanent" },
        { IMAPERR_FLAG_UNCERTAIN, "uncertain" },
    };
    size_t i;
    int first = 1;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (flags & names[i].bit) {
            fprintf(f, "%s%s", first ? "" : ", ", names[i].name);
            first = 0;
        }
    }
    if (first)
        fputs("-", f);
}

static void
print_repairs_json(unsigned repairs, struct jbuf *f, int *first)
{
    unsigned bit;
    int one = 1;
    jb_key(f, first, "repairs");
    jb_char(f, '[');
    /* only the bits that are set, lowest first */
    for (; repairs; repairs &= repairs - 1) {
        const char *name;
        bit = repairs & (0u - repairs);
        if ((name = imaperr_repair_name(bit)) == NULL)
            continue;
        if (!one)
            jb_char(f, ',');
        one = 0;
        jb_string(f, name, strlen(name));
    }
    jb_char(f, ']');
}

/* Write a string value: sanitised (server bytes may be anything).
 * Printable ASCII is its own sanitised form and is escaped as it is. */
static void
json_clean_string(struct jbuf *out, struct buf *b, const char *p, size_t n)
{
    size_t len;
    const char *t;
    if (n <= 0x7fffffff && jb_string_ascii(out, p, n) == 0)
        return;
    t = clean_copy(b, p, n, &len);
    jb_string(out, t, len);
}

/* The sanitised string, or null when p is NULL. */
static void
json_clean_value(struct jbuf *out, struct buf *b, const char *p, size_t n)
{
    if (p == NULL)
        jb_put(out, "null", 4);
    else
        json_clean_string(out, b, p, n);
}

/* The members after the first one ("kind", always there) start with a
 * comma: ,"key": is one literal, copied at once. */
#define KEY_(jb, k) jb_put((jb), ",\"" k "\":", sizeof(",\"" k "\":") - 1)

static inline void
jb_str_or_null(struct jbuf *jb, const char *s, size_t len)
{
    if (s)
        jb_string(jb, s, len);
    else
        jb_put(jb, "null", 4);
}

static inline void
jb_cstr_or_null(struct jbuf *jb, const char *s)
{
    jb_str_or_null(jb, s, s ? strlen(s) : 0);
}

static inline void
jb_bool(struct jbuf *jb, int v)
{
    if (v)
        jb_put(jb, "true", 4);
    else
        jb_put(jb, "false", 5);
}

/* The four flag members, composed once for each of their 16 values. */
static void
print_flags_json(unsigned flags, struct jbuf *jb)
{
    static struct {
        unsigned len;
        char json[92];
    } forms[16];
    unsigned v = (((flags & IMAPERR_FLAG_RETRYABLE) != 0) | ((flags & IMAPERR_FLAG_SHOW_USER) != 0) << 1 |
                  ((flags & IMAPERR_FLAG_PERMANENT) != 0) << 2 | ((flags & IMAPERR_FLAG_UNCERTAIN) != 0) << 3);
    if (forms[v].len == 0) {
        size_t start = jb->len;
        KEY_(jb, "retryable");
        jb_bool(jb, v & 1);
        KEY_(jb, "show_user");
        jb_bool(jb, v & 2);
        KEY_(jb, "permanent");
        jb_bool(jb, v & 4);
        KEY_(jb, "uncertain");
        jb_bool(jb, v & 8);
        /* always fits: at most 4 * 19 bytes */
        memcpy(forms[v].json, jb->p + start, jb->len - start);
        forms[v].len = (unsigned)(jb->len - start);
        return;
    }
    if (jb->cap - jb->len < sizeof forms[v].json)
        jb_grow(jb, sizeof forms[v].json);
    memcpy(jb->p + jb->len, forms[v].json, sizeof forms[v].json);
    jb->len += forms[v].len;
}

/* A quoted string or atom, decoded, then sanitised. */
static void
print_string_value(struct jbuf *out, struct scratch *s, imaperr_slice raw)
{
    int need;
    /* Printable ASCII decodes to itself (an atom) or to what is between
     * the quotes (a quoted string without '\\' or '"' inside), and is its
     * own sanitised form: written as it is. */
    if (raw.len <= 0x7fffffff && (raw.len == 0 || (raw.ptr[0] != '"' && raw.ptr[0] != '{'))) {
        if (jb_string_ascii(out, raw.ptr, raw.len) == 0)
            return;
    } else if (raw.len >= 2 && raw.len <= 0x7fffffff && raw.ptr[0] == '"' && raw.ptr[raw.len - 1] == '"' &&
               memchr(raw.ptr + 1, '"', raw.len - 2) == NULL && memchr(raw.ptr + 1, '\\', raw.len - 2) == NULL) {
        if (jb_string_ascii(out, raw.ptr + 1, raw.len - 2) == 0)
            return;
    }
    need = imaperr_string_decode(raw, s->str.p, s->str.cap);
    if (need >= 0 && (size_t)need >= s->str.cap) {
        s->str.cap = (size_t)need + 1;
        s->str.p = xrealloc(s->str.p, s->str.cap);
        need = imaperr_string_decode(raw, s->str.p, s->str.cap);
    }
    if (need < 0)
        json_clean_string(out, &s->args, raw.ptr, raw.len);
    else
        json_clean_string(out, &s->args, s->str.p, (size_t)need);
}

/* "args": the decoded arguments, named as the registry's recipes say. */
static void
print_args_json(const imaperr_response *r, struct scratch *s, struct jbuf *out, int *first)
{
    imaperr_args a = IMAPERR_ARGS_INIT;
    unsigned k;
    int inner = 1;

    if (imaperr_args_decode(r, &a) != IMAPERR_OK)
        return;
    if (a.state == IMAPERR_ARGS_MALFORMED) {
        jb_key(out, first, "args");
        jb_put(out, "null", 4);
        jb_member_cstr(out, first, "args_error", a.error);
        jb_member_u64(out, first, "args_error_offset", (unsigned long long)a.error_offset);
        return;
    }
    if (a.state != IMAPERR_ARGS_DECODED)
        return;
    jb_key(out, first, "args");
    jb_char(out, '{');
    for (k = 0; k < a.nfields; k++) {
        const imaperr_field *f = &a.field[k];
        if (!f->present)
            continue;
        jb_key(out, &inner, f->name);
        if (f->nil) {
            jb_put(out, "null", 4);
            continue;
        }
        switch (f->type) {
        case IMAPERR_FIELD_NUMBER:
            jb_u64(out, (unsigned long long)f->number);
            break;
        case IMAPERR_FIELD_SET: {
            imaperr_set_iter it;
            imaperr_range rg;
            int one = 1;
            jb_char(out, '[');
            if (imaperr_set_iter_init(&it, f) == IMAPERR_OK) {
                while (imaperr_set_next(&it, &rg) == 1) {
                    jb_put(out, one ? "[" : ",[", one ? 1 : 2);
                    one = 0;
                    if (rg.lo_star)
                        jb_put(out, "\"*\"", 3);
                    else
                        jb_u64(out, rg.lo);
                    if (rg.hi_star) {
                        jb_put(out, ",\"*\"]", 5);
                    } else {
                        jb_put(out, ",", 1);
                        jb_u64(out, rg.hi);
                        jb_put(out, "]", 1);
                    }
                }
            }
            jb_char(out, ']');
            break;
        }
        case IMAPERR_FIELD_LIST: {
            imaperr_list_iter it;
            imaperr_slice item;
            int one = 1;
            jb_char(out, '[');
            if (imaperr_list_iter_init(&it, f) == IMAPERR_OK) {
                while (imaperr_list_next(&it, &item) == 1) {
                    if (!one)
                        jb_char(out, ',');
                    one = 0;
                    print_string_value(out, s, item);
                }
            }
            jb_char(out, ']');
            break;
        }
        case IMAPERR_FIELD_STRING:
            print_string_value(out, s, f->raw);
            break;
        case IMAPERR_FIELD_WORD:
            if (f->raw.len && f->raw.ptr[0] >= '0' && f->raw.ptr[0] <= '9') {
                jb_u64(out, (unsigned long long)f->number);
                break;
            }
            /* fall through */
        default:
            json_clean_string(out, &s->args, f->raw.ptr, f->raw.len);
            break;
        }
    }
    jb_char(out, '}');
}

/* Explain one line; `where` (may be NULL) prefixes human output, `lineno`
 * (0: none) goes into JSON. Returns 1 when the response needs attention. */
static int
explain_line(const char *line, size_t len, const char *command, const struct opts *o,
             const char *where, unsigned long lineno, struct scratch *s, FILE *out)
{
    imaperr_response r = IMAPERR_RESPONSE_INIT;
    imaperr_classification c = IMAPERR_CLASSIFICATION_INIT;
    int rc = imaperr_parse(line, len, &r);
    const char *msg, *txt;
    size_t txtlen, clen;

    const char *cmd = NULL;
    size_t cmdlen = 0;
    imaperr_explain_info info = IMAPERR_EXPLAIN_INFO_INIT;

    if (rc == IMAPERR_OK)
        imaperr_classify(&r, command, classify_options, &c);
    else
        imaperr_classify_parse_error(rc, &c);
    msg = message(rc == IMAPERR_OK ? &r : NULL, &c, o, command, &s->msg, &info);
    if (command) /* from the user or a log: shown only in its safe form */
        cmd = clean(&s->cmd, command, strlen(command), &cmdlen);

    if (len > 0 && line[len - 1] == '\n')
        len--;
    if (len > 0 && line[len - 1] == '\r')
        len--;

    if (o->json) {
        struct jbuf *jb = &s->json;
        int first = 1;
        jb_char(jb, '{');
        if (lineno)
            jb_member_u64(jb, &first, "line_number", lineno);
        if (rc != IMAPERR_OK) {
            jb_member_cstr(jb, &first, "error", imaperr_rc_name(rc));
            jb_member_cstr(jb, &first, "error_message", imaperr_strerror(rc));
        }
        jb_member_name(jb, &first, "kind", imaperr_kind_name(r.kind), SLOT_(kind_slots, r.kind));
        KEY_(jb, "tag");
        jb_str_or_null(jb, r.tag.ptr, r.tag.len);
        jb_member_name(jb, &first, "status", imaperr_status_name(r.status), SLOT_(status_slots, r.status));
        if (r.code == IMAPERR_CODE_UNKNOWN) {
            /* an unregistered atom: its name, upper-cased */
            const char *n = clean_copy(&s->args, r.code_name.ptr, r.code_name.len, &clen);
            size_t i;
            for (i = 0; i < clen; i++)
                if (s->args.p[i] >= 'a' && s->args.p[i] <= 'z')
                    s->args.p[i] = (char)(s->args.p[i] - 'a' + 'A');
            KEY_(jb, "code");
            jb_str_or_null(jb, n, clen);
            KEY_(jb, "code_registered");
            jb_bool(jb, 0);
        } else if (r.code != IMAPERR_CODE_NONE) {
            jb_member_name(jb, &first, "code", imaperr_code_name(r.code), SLOT_(code_slots, r.code));
            KEY_(jb, "code_registered");
            jb_bool(jb, 1);
        } else {
            KEY_(jb, "code");
            jb_put(jb, "null", 4);
        }
        KEY_(jb, "args_raw");
        json_clean_value(jb, &s->args, r.code_args.ptr, r.code_args.len);
        KEY_(jb, "args_state");
        if (r.args_state == IMAPERR_ARGS_NONE)
            jb_put(jb, "\"none\"", 6);
        else if (r.args_state == IMAPERR_ARGS_RAW)
            jb_put(jb, "\"raw\"", 5);
        else if (r.args_state == IMAPERR_ARGS_DECODED)
            jb_put(jb, "\"decoded\"", 9);
        else
            jb_put(jb, "\"malformed\"", 11);
        if (r.args_state == IMAPERR_ARGS_DECODED) {
            KEY_(jb, "number");
            jb_u64(jb, (unsigned long long)r.number);
            if (r.number2) {
                KEY_(jb, "number2");
                jb_u64(jb, (unsigned long long)r.number2);
            }
        }
        if (rc == IMAPERR_OK && r.code != IMAPERR_CODE_NONE)
            print_args_json(&r, s, jb, &first);
        KEY_(jb, "text");
        json_clean_value(jb, &s->text, r.text.ptr, r.text.len);
        if (cmd) {
            KEY_(jb, "command");
            jb_string(jb, cmd, cmdlen);
        }
        jb_member_name(jb, &first, "category", imaperr_category_name(c.category),
                       SLOT_(category_slots, c.category));
        jb_member_name(jb, &first, "action", imaperr_action_name(c.action), SLOT_(action_slots, c.action));
        jb_member_name(jb, &first, "severity", imaperr_severity_name(c.severity),
                       SLOT_(severity_slots, c.severity));
        print_flags_json(c.flags, jb);
        jb_member_name(jb, &first, "source", imaperr_source_name(c.source), SLOT_(source_slots, c.source));
        KEY_(jb, "confidence");
        jb_u64(jb, c.confidence);
        jb_member_name(jb, &first, "wording", c.wording, ADDR_SLOT_(wording_slots, c.wording));
        KEY_(jb, "hint_backoff_ms");
        if (c.hint_backoff_ms)
            jb_u64(jb, (unsigned long long)c.hint_backoff_ms);
        else
            jb_put(jb, "null", 4);
        KEY_(jb, "hint_url");
        json_clean_value(jb, &s->args, c.hint_url.ptr, c.hint_url.len);
        KEY_(jb, "hint_connection_limit");
        if (c.hint_connection_limit)
            jb_u64(jb, c.hint_connection_limit);
        else
            jb_put(jb, "null", 4);
        jb_member_name(jb, &first, "message_key", imaperr_message_key(&c), SLOT_(message_key_slots, c.message));
        KEY_(jb, "message");
        jb_cstr_or_null(jb, msg);
        KEY_(jb, "lang");
        jb_cstr_or_null(jb, info.language[0] ? info.language : o->chosen);
        KEY_(jb, "lang_fallback");
        jb_bool(jb, info.language[0] ? info.fallback : o->fallback);
        print_repairs_json(r.repairs, jb, &first);
        jb_put(jb, "}\n", 2);
        if ((!batch_output || jb->len >= BATCH_BYTES || out != stdout) && jb_flush(jb, out) != 0)
            output_error = 1;
    } else {
        txt = clean(&s->line, line, len, &clen);
        if (where)
            fprintf(out, "%s: ", where);
        fprintf(out, "%.*s\n", (int)clen, txt);
        if (rc != IMAPERR_OK)
            fprintf(out, "  error:    %s\n", imaperr_strerror(rc));
        if (cmd)
            fprintf(out, "  after:    %.*s\n", (int)cmdlen, cmd);
        fprintf(out, "  category: %s (%s)   action: %s   source: %s\n",
                imaperr_category_name(c.category), imaperr_severity_name(c.severity),
                imaperr_action_name(c.action), imaperr_source_name(c.source));
        if (c.flags) {
            fputs("  flags:    ", out);
            print_flags_human(c.flags, out);
            putc('\n', out);
        }
        if (c.wording)
            fprintf(out, "  wording:  %s (confidence %u)\n", c.wording, c.confidence);
        if (c.hint_backoff_ms)
            fprintf(out, "  backoff:  %llu ms (suggested by the server)\n",
                    (unsigned long long)c.hint_backoff_ms);
        if (c.hint_connection_limit)
            fprintf(out, "  limit:    %u connections (stated by the server)\n", c.hint_connection_limit);
        if (c.hint_url.ptr) {
            txt = clean(&s->args, c.hint_url.ptr, c.hint_url.len, &clen);
            fprintf(out, "  url:      %.*s\n", (int)clen, txt);
        }
        fprintf(out, "  message:  %s\n", msg);
        if (rc == IMAPERR_OK && r.text.len) {
            txt = clean(&s->text, r.text.ptr, r.text.len, &txtlen);
            fprintf(out, "  server:   \"%.*s\"\n", (int)txtlen, txt);
        }
        if (r.repairs) {
            unsigned bit;
            int one = 1;
            fputs("  repaired: ", out);
            for (bit = 1; bit; bit <<= 1) {
                const char *name = (r.repairs & bit) ? imaperr_repair_name(bit) : NULL;
                if (name) {
                    fprintf(out, "%s%s", one ? "" : ", ", name);
                    one = 0;
                }
            }
            putc('\n', out);
        }
        putc('\n', out);
    }
    return c.severity != IMAPERR_SEVERITY_INFO;
}

static void
free_scratch(struct scratch *s)
{
    if (jb_flush(&s->json, stdout) != 0)   /* what batching left (explain_line) */
        output_error = 1;
    free(s->line.p);
    free(s->text.p);
    free(s->args.p);
    free(s->msg.p);
    free(s->cmd.p);
    free(s->str.p);
    jb_free(&s->json);
}

static int
usage(FILE *f, int rc)
{
    fputs("Usage: imaperr explain [--command CMD] [--lang LANG] [--json] [--no-heuristics]\n"
          "                       [--no-retry] [LINE...]\n"
          "       imaperr scan [--lang LANG] [--json] [--all] [--no-heuristics] [--no-retry] [FILE...]\n"
          "       imaperr codes [--json]\n"
          "       imaperr advise [--command CMD] [--attempt N] [--seed S] [--json] [OPTIONS] [LINE...]\n"
          "       imaperr --help | --version\n"
          "\n"
          "explain  Explain IMAP response lines given as arguments, or each line of\n"
          "         standard input when none is given.\n"
          "           --command CMD  the command the responses answer (LOGIN, SELECT, ...)\n"
          "           --lang LANG    language of the messages (de, pt-BR, de_AT.UTF-8,\n"
          "                          or an Accept-Language list); default: from\n"
          "                          LC_ALL, LC_MESSAGES, LANG and LANGUAGE\n"
          "           --json         one JSON object per input line (JSON Lines)\n"
          "           --no-heuristics  classify by response code and status only, without\n"
          "                          the table of known server wordings\n"
          "           --no-retry     no retry will follow (the application gave up or\n"
          "                          never retries): messages do not promise one\n"
          "scan     Read IMAP session logs (lines 'C: tag COMMAND ...' and 'S: ...';\n"
          "         lines without a prefix count as server lines), match each response\n"
          "         to its command, and explain those that need attention.\n"
          "           --all          explain every server line\n"
          "           --no-heuristics, --no-retry  as for explain\n"
          "codes    List the response codes the library knows.\n"
          "advise   Advise what to do after a failed command: action, delay, scope and\n"
          "         reason (imaperr advise --help lists its options).\n"
          "\n"
          "A line that starts with '-' goes after '--': imaperr explain -- '-1 NO x'\n"
          "\n"
          "Exit status: 0 when every line was read, 1 when a file could not be read,\n"
          "2 on usage errors.\n", f);
    return rc;
}

/* The language request from the environment, as gettext reads it: the
 * locale of LC_MESSAGES (LC_ALL, LC_MESSAGES, LANG, first one set), and
 * $LANGUAGE (a colon-separated list) ahead of it unless that locale is
 * "C" or "POSIX". The library's own catalogs then serve it, so this works
 * even when the system locale is not installed. */
static const char *
env_language(void)
{
    static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
    const char *loc = NULL, *language;
    size_t i;
    for (i = 0; i < sizeof vars / sizeof vars[0] && loc == NULL; i++) {
        const char *v = getenv(vars[i]);
        if (v != NULL && v[0] != '\0')
            loc = v;
    }
    if (loc == NULL || strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0)
        return "C";
    language = getenv("LANGUAGE");
    return language != NULL && language[0] != '\0' ? language : loc;
}

/* Decide the message language once per run. */
static void
negotiate(struct opts *o)
{
    strcpy(o->chosen, "en");
    o->fallback = 0;
    if (o->lang == NULL)
        o->lang = env_language();
    if (o->lang && imaperr_negotiate_locale(o->lang, o->chosen, sizeof o->chosen, &o->fallback) < 0)
        strcpy(o->chosen, "en");
}

/* Parse the common options; returns the index of the first operand, or -1. */
static int
parse_opts(int argc, char **argv, int start, struct opts *o, int allow_command, int allow_all)
{
    int i;
    for (i = start; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            break;
        if (a[0] != '-' || a[1] == '\0')
            break;
        if (strcmp(a, "--json") == 0) {
            o->json = 1;
        } else if ((allow_command || allow_all) && strcmp(a, "--no-heuristics") == 0) {
            classify_options |= IMAPERR_CLASSIFY_NO_HEURISTICS;
        } else if ((allow_command || allow_all) && strcmp(a, "--no-retry") == 0) {
            explain_options |= IMAPERR_EXPLAIN_NO_RETRY;
        } else if (allow_all && strcmp(a, "--all") == 0) {
            o->all = 1;
        } else if ((allow_command && strcmp(a, "--command") == 0) || strcmp(a, "--lang") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "imaperr: %s needs a value\n", a);
                return -1;
            }
            if (strcmp(a, "--lang") == 0)
                o->lang = argv[++i];
            else
                o->command = argv[++i];
        } else if (allow_command && strncmp(a, "--command=", 10) == 0) {
            o->command = a + 10;
        } else if (strncmp(a, "--lang=", 7) == 0) {
            o->lang = a + 7;
        } else {
            fprintf(stderr, "imaperr: unknown option '%s'\n", a);
            return -1;
        }
    }
    negotiate(o);
    return i < argc && strcmp(argv[i], "--") == 0 ? i + 1 : i;
}

/* Large stdio buffers for streams of lines: output to a file or a pipe
 * goes out in 64 KiB writes (a terminal stays line-buffered), input comes
 * in 64 KiB reads. Called before the first read or write. */
static void
stream_buffers(void)
{
    if (!isatty(STDOUT_FILENO)) {
        setvbuf(stdout, NULL, _IOFBF, (size_t)1 << 16);
        batch_output = 1;
    }
    setvbuf(stdin, NULL, _IOFBF, (size_t)1 << 16);
}

/* Lines of standard input, read with read(2) in blocks of 64 KiB or
 * more: each line is returned where it lies in the block (with its '\n';
 * the last may lack it), without the copy and the locking of getline().
 * read() returns what is there, so lines typed or piped in one at a
 * time are answered one at a time, as with getline(). */
struct line_reader {
    char *p;
    size_t cap, start, end, scanned;   /* unread: p[start..end); no '\n' in p[start..scanned) */
    int eof, error;
};

static const char *
read_line(struct line_reader *lr, int fd, size_t *len)
{
    for (;;) {
        const char *line = lr->p + lr->start;
        char *nl = lr->end > lr->scanned ? memchr(lr->p + lr->scanned, '\n', lr->end - lr->scanned) : NULL;
        ssize_t n;
        if (nl != NULL) {
            *len = (size_t)(nl + 1 - line);
            lr->start = lr->scanned = (size_t)(nl + 1 - lr->p);
            return line;
        }
        lr->scanned = lr->end;
        if (lr->eof || lr->error) {
            if (lr->end == lr->start)
                return NULL;
            *len = lr->end - lr->start;
            lr->start = lr->scanned = lr->end;
            return line;
        }
        if (lr->start > 0) {   /* keep the partial line, at the front */
            memmove(lr->p, lr->p + lr->start, lr->end - lr->start);
            lr->end -= lr->start;
            lr->scanned -= lr->start;
            lr->start = 0;
        }
        if (lr->cap - lr->end < 4096) {
            lr->cap = lr->cap ? 2 * lr->cap : (size_t)1 << 16;
            lr->p = xrealloc(lr->p, lr->cap);
        }
        do
            n = read(fd, lr->p + lr->end, lr->cap - lr->end);
        while (n < 0 && errno == EINTR);
        if (n > 0)
            lr->end += (size_t)n;
        else if (n == 0)
            lr->eof = 1;
        else
            lr->error = errno;
    }
}

static int
cmd_explain(int argc, char **argv)
{
    struct opts o = { NULL, NULL, 0, 0, "en", 0 };
    struct scratch s = { { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, { NULL, 0, 0 } };
    int i = parse_opts(argc, argv, 2, &o, 1, 0);
    if (i < 0)
        return usage(stderr, EXIT_USAGE);
    stream_buffers();
    if (i < argc) {
        for (; i < argc; i++)
            explain_line(argv[i], strlen(argv[i]), o.command, &o, NULL, 0, &s, stdout);
    } else {
        struct line_reader lr = { NULL, 0, 0, 0, 0, 0, 0 };
        const char *line;
        size_t n;
        while ((line = read_line(&lr, STDIN_FILENO, &n)) != NULL)
            explain_line(line, n, o.command, &o, NULL, 0, &s, stdout);
        free(lr.p);
        if (lr.error) {
            fprintf(stderr, "imaperr: reading standard input: %s\n", strerror(lr.error));
            free_scratch(&s);
            return 1;
        }
    }
    free_scratch(&s);
    return fflush(stdout) == 0 && !output_error ? 0 : 1;
}

/* ---- scan: session logs ------------------------------------------------ */

#define MAX_PENDING 64
#define MAX_TAG 64
#define MAX_CMD 64

struct pending {
    char tag[MAX_TAG + 1];
    char cmd[MAX_CMD + 1];
    unsigned long seq; /* order sent; 0: slot free */
};

struct session {
    struct pending p[MAX_PENDING];
    unsigned next;
    unsigned long seq;
};

/* Remember "tag COMMAND ..." from a client line. */
static void
note_command(struct session *ss, const char *l, size_t n)
{
    size_t i = 0, t0, t1, c0, c1;
    struct pending *p;
    while (i < n && l[i] == ' ')
        i++;
    t0 = i;
    while (i < n && l[i] != ' ')
        i++;
    t1 = i;
    while (i < n && l[i] == ' ')
        i++;
    c0 = i;
    while (i < n && l[i] != ' ' && l[i] != '\r' && l[i] != '\n')
        i++;
    /* keep "UID FETCH" together */
    if (i - c0 == 3 && strncasecmp(l + c0, "UID", 3) == 0) {
        while (i < n && l[i] == ' ')
            i++;
        while (i < n && l[i] != ' ' && l[i] != '\r' && l[i] != '\n')
            i++;
    }
    c1 = i;
    if (t1 == t0 || c1 == c0 || t1 - t0 > MAX_TAG || c1 - c0 > MAX_CMD)
        return;
    p = &ss->p[ss->next++ % MAX_PENDING];
    memcpy(p->tag, l + t0, t1 - t0);
    p->tag[t1 - t0] = '\0';
    memcpy(p->cmd, l + c0, c1 - c0);
    p->cmd[c1 - c0] = '\0';
    for (i = 0; p->cmd[i]; i++)
        if (p->cmd[i] >= 'a' && p->cmd[i] <= 'z')
            p->cmd[i] = (char)(p->cmd[i] - 'a' + 'A');
    p->seq = ++ss->seq;
}

/* The command a server line answers: the pending command with that tag,
 * or, for untagged lines, the most recent command still waiting for its
 * tagged answer (none: an unsolicited response). Sets *slot to the entry
 * that the tagged answer completes, else -1. */
static const char *
command_for(struct session *ss, const char *l, size_t n, int *slot)
{
    size_t t = 0;
    unsigned i;
    struct pending *best = NULL;
    *slot = -1;
    while (t < n && l[t] != ' ')
        t++;
    if (t == 1 && (l[0] == '*' || l[0] == '+')) {
        for (i = 0; i < MAX_PENDING; i++)
            if (ss->p[i].seq && (best == NULL || ss->p[i].seq > best->seq))
                best = &ss->p[i];
        return best ? best->cmd : NULL;
    }
    for (i = 0; i < MAX_PENDING; i++) {
        struct pending *p = &ss->p[i];
        if (p->seq && strlen(p->tag) == t && memcmp(p->tag, l, t) == 0 &&
            (best == NULL || p->seq > best->seq)) {
            best = p;
            *slot = (int)i;
        }
    }
    return best ? best->cmd : NULL;
}

static int
scan_stream(FILE *in, const char *name, const struct opts *o, struct scratch *s,
            unsigned long *total, unsigned long *attention)
{
    struct session ss;
    char *line = NULL, where[4096];
    size_t cap = 0;
    ssize_t n;
    unsigned long lineno = 0;

    memset(&ss, 0, sizeof ss);
    while ((n = getline(&line, &cap, in)) >= 0) {
        const char *l = line;
        size_t len = (size_t)n;
        int slot = -1;
        const char *cmd;
        lineno++;
        if (len >= 2 && (l[0] == 'C' || l[0] == 'c') && l[1] == ':') {
            l += 2;
            len -= 2;
            note_command(&ss, l, len);
            continue;
        }
        if (len >= 2 && (l[0] == 'S' || l[0] == 's') && l[1] == ':') {
            l += 2;
            len -= 2;
        }
        while (len > 0 && *l == ' ') {
            l++;
            len--;
        }
        if (len == 0 || (len == 1 && *l == '\n') || (len == 2 && l[0] == '\r'))
            continue;
        if (l[0] == '#')
            continue;
        cmd = command_for(&ss, l, len, &slot);
        {
            char cmdcopy[MAX_CMD + 1];
            int needs;
            snprintf(cmdcopy, sizeof cmdcopy, "%s", cmd ? cmd : "");
            (*total)++;
            if (o->json || o->all) {
                snprintf(where, sizeof where, "%s:%lu", name, lineno);
                needs = explain_line(l, len, cmd ? cmdcopy : NULL, o, where, lineno, s, stdout);
            } else {
                /* explain only what needs attention */
                imaperr_response r = IMAPERR_RESPONSE_INIT;
                imaperr_classification c = IMAPERR_CLASSIFICATION_INIT;
                int rc = imaperr_parse(l, len, &r);
                if (rc == IMAPERR_OK)
                    imaperr_classify(&r, cmd ? cmdcopy : NULL, classify_options, &c);
                else
                    imaperr_classify_parse_error(rc, &c);
                needs = c.severity != IMAPERR_SEVERITY_INFO;
                if (needs) {
                    snprintf(where, sizeof where, "%s:%lu", name, lineno);
                    explain_line(l, len, cmd ? cmdcopy : NULL, o, where, lineno, s, stdout);
                }
            }
            if (needs)
                (*attention)++;
        }
        if (slot >= 0)
            ss.p[slot].seq = 0; /* the tagged answer completes the command */
    }
    free(line);
    return ferror(in) ? -1 : 0;
}

static int
cmd_scan(int argc, char **argv)
{
    struct opts o = { NULL, NULL, 0, 0, "en", 0 };
    struct scratch s = { { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, { NULL, 0, 0 } };
    unsigned long total = 0, attention = 0;
    int i = parse_opts(argc, argv, 2, &o, 0, 1), rc = 0;
    if (i < 0)
        return usage(stderr, EXIT_USAGE);
    stream_buffers();
    if (i >= argc) {
        if (scan_stream(stdin, "-", &o, &s, &total, &attention) < 0)
            rc = 1;
    }
    for (; i < argc; i++) {
        FILE *f = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "r");
        if (f == NULL) {
            fprintf(stderr, "imaperr: %s: %s\n", argv[i], strerror(errno));
            rc = 1;
            continue;
        }
        if (scan_stream(f, argv[i], &o, &s, &total, &attention) < 0) {
            fprintf(stderr, "imaperr: %s: read error\n", argv[i]);
            rc = 1;
        }
        if (f != stdin)
            fclose(f);
    }
    if (!o.json)
        printf("%lu server responses, %lu need attention.\n", total, attention);
    free_scratch(&s);
    if (fflush(stdout) != 0 || output_error)
        rc = 1;
    return rc;
}

/* ---- codes ------------------------------------------------------------- */

static const char *
meaning_str(const imaperr_status_meaning *m, char *buf, size_t cap)
{
    if (m->category < 0)
        return "-";
    snprintf(buf, cap, "%s%s/%s", m->weak ? "~" : "",
             imaperr_category_name((imaperr_category)m->category),
             imaperr_action_name((imaperr_action)m->action));
    return buf;
}

static void
json_meaning(FILE *f, int *first, const char *key, const imaperr_status_meaning *m)
{
    json_key(f, first, key);
    if (m->category < 0) {
        fputs("null", f);
    } else {
        int inner = 1;
        putc('{', f);
        json_member_cstr(f, &inner, "category", imaperr_category_name((imaperr_category)m->category));
        json_member_cstr(f, &inner, "action", imaperr_action_name((imaperr_action)m->action));
        json_member_bool(f, &inner, "weak", m->weak);
        putc('}', f);
    }
}

static int
cmd_codes(int argc, char **argv)
{
    struct opts o = { NULL, NULL, 0, 0, "en", 0 };
    size_t k, n = imaperr_code_count();
    int i = parse_opts(argc, argv, 2, &o, 0, 0);
    if (i < 0 || i < argc)
        return usage(stderr, EXIT_USAGE);
    if (!o.json)
        printf("%-4s %-22s %-13s %-26s %-26s %s\n", "#", "CODE", "REGISTRATION", "WITH NO", "WITH OK",
               "REFERENCE");
    for (k = 0; k < n; k++) {
        imaperr_code_info info = IMAPERR_CODE_INFO_INIT;
        char b1[64], b2[64];
        if (imaperr_code_info_get(imaperr_code_at(k), &info) != IMAPERR_OK)
            continue;
        if (o.json) {
            int first = 1;
            putc('{', stdout);
            json_member_u64(stdout, &first, "number", (unsigned long long)info.code);
            json_member_cstr(stdout, &first, "name", info.name);
            json_member_cstr(stdout, &first, "reference", info.reference);
            json_member_cstr(stdout, &first, "registration", info.registration);
            json_member_cstr(stdout, &first, "args", info.args);
            json_member_cstr(stdout, &first, "example", info.example);
            json_meaning(stdout, &first, "no", &info.no);
            json_meaning(stdout, &first, "ok", &info.ok);
            json_meaning(stdout, &first, "bad", &info.bad);
            json_meaning(stdout, &first, "bye", &info.bye);
            json_member_bool(stdout, &first, "show_user", (info.flags & IMAPERR_FLAG_SHOW_USER) != 0);
            json_member_cstr(stdout, &first, "message_key", info.message_key);
            fputs("}\n", stdout);
        } else {
            printf("%-4d %-22s %-13s %-26s %-26s %s\n", (int)info.code, info.name, info.registration,
                   meaning_str(&info.no, b1, sizeof b1), meaning_str(&info.ok, b2, sizeof b2),
                   info.reference);
        }
    }
    return fflush(stdout) == 0 ? 0 : 1;
}

#ifdef IMAPERR_BUILD_TREE
/* Run from the build tree (before "make install"), the tool reads the
 * catalogs staged there, unless IMAPERR_LOCALEDIR says otherwise. Only an
 * executable that itself lives in this build tree does so; the installed
 * tool uses the installed catalogs. */
static void
use_build_tree_catalogs(void)
{
    char exe[4096], tree[4096], dir[4200];
    ssize_t n;
    size_t tl;
    if (getenv("IMAPERR_LOCALEDIR") != NULL)
        return;
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0 || realpath(IMAPERR_BUILD_TREE, tree) == NULL)
        return;
    exe[n] = '\0';
    tl = strlen(tree);
    /* tools/imaperr, or libtool's tools/.libs/imaperr (lt-imaperr) */
    if (strncmp(exe, tree, tl) != 0 || strncmp(exe + tl, "/tools/", 7) != 0 ||
        (strchr(exe + tl + 7, '/') != NULL && strncmp(exe + tl + 7, ".libs/", 6) != 0))
        return;
    snprintf(dir, sizeof dir, "%s/locale", tree);
    setenv("IMAPERR_LOCALEDIR", dir, 0);
}
#endif

int
main(int argc, char **argv)
{
#ifdef IMAPERR_BUILD_TREE
    use_build_tree_catalogs();
#endif
    setlocale(LC_ALL, "");
    if (argc < 2)
        return usage(stderr, EXIT_USAGE);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0)
        return usage(stdout, 0);
    if (strcmp(argv[1], "--version") == 0) {
        printf("imaperr (libimaperr) %s\n", imaperr_version());
        return 0;
    }
    if (strcmp(argv[1], "explain") == 0)
        return cmd_explain(argc, argv);
    if (strcmp(argv[1], "scan") == 0)
        return cmd_scan(argc, argv);
    if (strcmp(argv[1], "codes") == 0)
        return cmd_codes(argc, argv);
    if (strcmp(argv[1], "advise") == 0)
        return imaperr_tool_advise(argc, argv);
    fprintf(stderr, "imaperr: unknown command '%s'\n", argv[1]);
    return usage(stderr, EXIT_USAGE);
}
