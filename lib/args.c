/* args.c - typed arguments of response codes, decoded by the recipes of
 * lib/vocabulary.tsv (FIELDS column), without allocating.
 *
 * Grammar references: RFC 3501/9051 section 9 (nz-number, number,
 * sequence-set, flag-perm, astring, quoted, atom), RFC 4315 (uid-set),
 * RFC 7162 (mod-sequence-value), RFC 5464 (METADATA), RFC 5257
 * (ANNOTATE, ANNOTATIONS), RFC 8474 (objectid), RFC 9585 (INPROGRESS),
 * RFC 9738 (MESSAGELIMIT).
 *
 * Every scan moves forward through the arguments once: linear time.
 */
#include <config.h>

#include <string.h>

#include "internal.h"

static const char *const syntax_names[] = {
    NULL, "nz32", "num32", "modseq", "nnumber", "uidset", "seqset", "astring", "quoted",
    "nstring", "url-imap", "url-web", "text", "atoms", "flags", "charsets", "events",
    "objectid", "word", "wordnum", NULL, NULL, NULL, "filtername",
};

static imaperr_field_type
public_type(unsigned ft)
{
    switch (ft) {
    case IMAPERR__FT_NZ32: case IMAPERR__FT_NUM32: case IMAPERR__FT_MODSEQ:
    case IMAPERR__FT_NNUMBER:
        return IMAPERR_FIELD_NUMBER;
    case IMAPERR__FT_UIDSET: case IMAPERR__FT_SEQSET:
        return IMAPERR_FIELD_SET;
    case IMAPERR__FT_ASTRING: case IMAPERR__FT_QUOTED: case IMAPERR__FT_NSTRING:
    case IMAPERR__FT_FILTERNAME:
        return IMAPERR_FIELD_STRING;
    case IMAPERR__FT_URL_IMAP: case IMAPERR__FT_URL_WEB:
        return IMAPERR_FIELD_URL;
    case IMAPERR__FT_TEXT:
        return IMAPERR_FIELD_TEXT;
    case IMAPERR__FT_ATOMS: case IMAPERR__FT_FLAGS: case IMAPERR__FT_CHARSETS:
    case IMAPERR__FT_EVENTS: case IMAPERR__FT_OBJECTID:
        return IMAPERR_FIELD_LIST;
    case IMAPERR__FT_WORD: case IMAPERR__FT_WORDNUM:
        return IMAPERR_FIELD_WORD;
    default:
        return IMAPERR_FIELD_NONE;
    }
}

/* ---- scanner ------------------------------------------------------------ */

struct cur {
    const char *a;
    size_t n, i;
    const char *err;
    size_t err_at;
};

static int
fail(struct cur *c, const char *why)
{
    if (c->err == NULL) {
        c->err = why;
        c->err_at = c->i;
    }
    return 0;
}

static int
at_delim(const struct cur *c)
{
    return c->i >= c->n || c->a[c->i] == ' ' || c->a[c->i] == ')';
}

static int
is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* A decimal number at c->i in [min, max]; leaves c->i after it. */
static int
scan_number(struct cur *c, uint64_t min, uint64_t max, uint64_t *v)
{
    uint64_t acc = 0;
    int over = 0;
    size_t start = c->i;
    while (c->i < c->n && is_digit(c->a[c->i])) {
        unsigned d = (unsigned)(c->a[c->i] - '0');
        if (!over && acc > (max - d) / 10)
            over = 1;
        else if (!over)
            acc = acc * 10 + d;
        c->i++;
    }
    if (c->i == start)
        return fail(c, "number expected");
    if (!at_delim(c) && c->a[c->i] != ':' && c->a[c->i] != ',')
        return fail(c, "junk after a number");
    if (over) {
        c->i = start;
        return fail(c, "number out of range");
    }
    if (acc < min) {
        c->i = start;
        return fail(c, "zero is not allowed here");
    }
    *v = acc;
    return 1;
}

static int
word_is(const struct cur *c, size_t start, size_t end, const char *w, size_t wl)
{
    size_t k;
    if (end - start != wl)
        return 0;
    for (k = 0; k < wl; k++) {
        char ch = c->a[start + k];
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        if (ch != w[k])
            return 0;
    }
    return 1;
}

static int
scan_nil(struct cur *c)
{
    size_t e = c->i;
    while (e < c->n && imaperr__is_atom_char((unsigned char)c->a[e]))
        e++;
    if (word_is(c, c->i, e, "NIL", 3)) {
        c->i = e;
        return 1;
    }
    return 0;
}

/* quoted = DQUOTE *QUOTED-CHAR DQUOTE; QUOTED-CHAR allows \\ and \" only. */
static int
scan_quoted(struct cur *c)
{
    if (c->i >= c->n || c->a[c->i] != '"')
        return fail(c, "quoted string expected");
    c->i++;
    while (c->i < c->n) {
        char ch = c->a[c->i];
        if (ch == '"') {
            c->i++;
            return 1;
        }
        if (ch == '\\') {
            if (c->i + 1 >= c->n || (c->a[c->i + 1] != '"' && c->a[c->i + 1] != '\\'))
                return fail(c, "bad escape in quoted string");
            c->i += 2;
            continue;
        }
        if (ch == '\r' || ch == '\n' || ch == '\0')
            return fail(c, "control character in quoted string");
        if ((unsigned char)ch >= 0x80) {
            int32_t cp;
            size_t len = imaperr__utf8_next((const unsigned char *)c->a + c->i, c->n - c->i, &cp);
            if (cp < 0)
                return fail(c, "invalid UTF-8 in quoted string");
            c->i += len;
            continue;
        }
        c->i++;
    }
    return fail(c, "unterminated quoted string");
}

static int
scan_atom(struct cur *c)
{
    size_t start = c->i;
    while (c->i < c->n && imaperr__is_atom_char((unsigned char)c->a[c->i]))
        c->i++;
    if (c->i == start)
        return fail(c, "atom expected");
    return 1;
}

static int
scan_astring(struct cur *c)
{
    if (c->i < c->n && c->a[c->i] == '"')
        return scan_quoted(c);
    if (c->i < c->n && c->a[c->i] == '{')
        return fail(c, "literals cannot appear in a response code");
    return scan_atom(c);
}

/* seq-number / seq-range, comma-separated; "*" only when allowed. */
static int
scan_set(struct cur *c, int allow_star)
{
    for (;;) {
        int k;
        for (k = 0; k < 2; k++) {
            uint64_t v;
            if (c->i < c->n && c->a[c->i] == '*') {
                if (!allow_star)
                    return fail(c, "\"*\" is not allowed in a UID set");
                c->i++;
            } else if (!scan_number(c, 1, UINT32_MAX, &v)) {
                return 0;
            }
            if (k == 0 && c->i < c->n && c->a[c->i] == ':')
                c->i++;
            else
                break;
        }
        if (c->i < c->n && c->a[c->i] == ',') {
            c->i++;
            continue;
        }
        if (!at_delim(c))
            return fail(c, "bad character in a set");
        return 1;
    }
}

static int
scan_url(struct cur *c, int web)
{
    static const char *const schemes[] = { "imap://", "http://", "https://" };
    size_t start = c->i, k, e;
    int ok = 0;
    while (c->i < c->n && c->a[c->i] != ' ')
        c->i++;
    e = c->i;
    for (k = web ? 1 : 0; k < (web ? 3u : 1u); k++) {
        size_t sl = strlen(schemes[k]), j;
        if (e - start <= sl)
            continue;
        for (j = 0; j < sl; j++) {
            char ch = c->a[start + j];
            if (ch >= 'A' && ch <= 'Z')
                ch = (char)(ch - 'A' + 'a');
            if (ch != schemes[k][j])
                break;
        }
        if (j == sl)
            ok = 1;
    }
    if (!ok) {
        c->i = start;
        return fail(c, web ? "an http:// or https:// URL expected" : "an imap:// URL expected");
    }
    for (k = start; k < e; k++) {
        unsigned char ch = (unsigned char)c->a[k];
        if (ch <= 0x20 || ch >= 0x7f) {
            c->i = k;
            return fail(c, "URLs may hold only printable ASCII");
        }
    }
    return 1;
}

/* A list of items until ")" (paren) or the end (bare). */
static int
scan_items(struct cur *c, unsigned ft, int paren, size_t *count)
{
    *count = 0;
    for (;;) {
        size_t start;
        if (paren && c->i < c->n && c->a[c->i] == ')')
            return 1;
        if (c->i >= c->n)
            return paren ? fail(c, "unclosed parenthesis") : (*count ? 1 : fail(c, "list expected"));
        start = c->i;
        switch (ft) {
        case IMAPERR__FT_FLAGS:
            if (c->a[c->i] == '\\') {
                c->i++;
                if (c->i < c->n && c->a[c->i] == '*')
                    c->i++;
                else if (!scan_atom(c))
                    return 0;
            } else if (!scan_atom(c)) {
                return 0;
            }
            break;
        case IMAPERR__FT_CHARSETS:
            if (!scan_astring(c))
                return 0;
            break;
        case IMAPERR__FT_OBJECTID: {
            size_t k;
            if (!scan_atom(c))
                return 0;
            if (c->i - start > 255)
                return fail(c, "object id longer than 255");
            for (k = start; k < c->i; k++) {
                char ch = c->a[k];
                if (!(is_digit(ch) || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                      ch == '_' || ch == '-')) {
                    c->i = k;
                    return fail(c, "bad character in object id");
                }
            }
            break;
        }
        default: /* atoms, events */
            if (!scan_atom(c))
                return 0;
            break;
        }
        (*count)++;
        if (c->i < c->n && c->a[c->i] == ' ') {
            c->i++;
            if (c->i >= c->n || c->a[c->i] == ' ' || c->a[c->i] == ')')
                return fail(c, "empty list item");
        } else if (c->i < c->n && !(paren && c->a[c->i] == ')')) {
            return fail(c, "bad character in list");
        }
    }
}

/* A parenthesised list; `bare_ok` accepts it without parentheses. */
static int
scan_list(struct cur *c, unsigned ft, int bare_ok, imaperr_slice *raw)
{
    size_t count, start;
    /* atoms (CAPABILITY, URLMECH) are never parenthesised */
    int paren = ft != IMAPERR__FT_ATOMS && c->i < c->n && c->a[c->i] == '(';
    if (!paren && !bare_ok && ft != IMAPERR__FT_ATOMS)
        return fail(c, "\"(\" expected");
    if (paren)
        c->i++;
    start = c->i;
    if (!scan_items(c, ft, paren, &count))
        return 0;
    raw->ptr = c->a + start;
    raw->len = c->i - start;
    if (paren)
        c->i++; /* ")" */
    if (count == 0 && ft != IMAPERR__FT_FLAGS)
        return fail(c, "empty list");
    if (ft == IMAPERR__FT_OBJECTID && count != 1)
        return fail(c, "exactly one object id expected");
    return 1;
}

/* word(A|B#|C.): which alternative matches c's atom; -1 for none.
 * *follow is 1 when the alternative ends in "#" (the next field must
 * follow), 0 for "." (nothing may follow), -1 otherwise. */
static int
match_word(const struct cur *c, size_t start, size_t end, const char *words, int *follow)
{
    const char *w = words;
    int idx = 0;
    while (*w) {
        const char *bar = strchr(w, '|');
        size_t wl = bar ? (size_t)(bar - w) : strlen(w);
        int mark = wl > 0 && (w[wl - 1] == '#' || w[wl - 1] == '.');
        if (word_is(c, start, end, w, wl - (size_t)mark)) {
            *follow = !mark ? -1 : w[wl - 1] == '#' ? 1 : 0;
            return idx;
        }
        if (!bar)
            break;
        w = bar + 1;
        idx++;
    }
    return -1;
}

/* ---- the recipe interpreter ------------------------------------------- */

int
imaperr__args_decode(unsigned argtype, const char *a, size_t n, imaperr_args *out)
{
    const struct imaperr__argtype_row *at = &imaperr__argtypes[argtype];
    const struct imaperr__field_spec *spec = &imaperr__field_specs[at->first_field];
    struct cur c = { a, n, 0, NULL, 0 };
    unsigned k, nf = 0;
    int need_sep = 0, skipping = 0, want_number = -1; /* -1: no constraint */

    for (k = 0; k < at->nfields; k++) {
        const struct imaperr__field_spec *s = &spec[k];
        imaperr_field *f;

        if (s->type == IMAPERR__FT_OPEN || s->type == IMAPERR__FT_OPEN_OPT) {
            if (c.i >= c.n && s->type == IMAPERR__FT_OPEN_OPT) {
                skipping = 1;
                continue;
            }
            if (need_sep) {
                if (c.i >= c.n || c.a[c.i] != ' ')
                    { fail(&c, "space expected"); goto malformed; }
                c.i++;
            }
            if (c.i >= c.n || c.a[c.i] != '(')
                { fail(&c, "\"(\" expected"); goto malformed; }
            c.i++;
            need_sep = 0;
            continue;
        }
        if (s->type == IMAPERR__FT_CLOSE) {
            if (skipping) {
                skipping = 0;
                continue;
            }
            if (c.i >= c.n || c.a[c.i] != ')')
            {
                fail(&c, "\")\" expected");
                goto malformed;
            }
            c.i++;
            need_sep = 1;
            continue;
        }

        f = &out->field[nf++];
        f->name = s->name;
        f->type = public_type(s->type);
        f->syntax = syntax_names[s->type];
        if (skipping)
            continue;

        if (c.i >= c.n) {
            if (s->optional && want_number != 1)
                continue;
            fail(&c, "missing argument");
            break;
        }
        if (need_sep) {
            if (c.a[c.i] != ' ')
                { fail(&c, "space expected"); goto malformed; }
            c.i++;
        }
        if (want_number == 0)
            { fail(&c, "unexpected argument"); goto malformed; }
        {
            size_t start = c.i;
            int ok = 1;
            want_number = -1;
            switch (s->type) {
            case IMAPERR__FT_NZ32:
                ok = scan_number(&c, 1, UINT32_MAX, &f->number);
                break;
            case IMAPERR__FT_NUM32:
                ok = scan_number(&c, 0, UINT32_MAX, &f->number);
                break;
            case IMAPERR__FT_MODSEQ:
                ok = scan_number(&c, 1, INT64_MAX, &f->number);
                break;
            case IMAPERR__FT_NNUMBER:
                if (scan_nil(&c))
                    f->nil = 1;
                else
                    ok = scan_number(&c, 0, UINT32_MAX, &f->number);
                break;
            case IMAPERR__FT_UIDSET:
            case IMAPERR__FT_SEQSET:
                ok = scan_set(&c, s->type == IMAPERR__FT_SEQSET);
                break;
            case IMAPERR__FT_ASTRING:
                ok = scan_astring(&c);
                break;
            case IMAPERR__FT_FILTERNAME: {
                /* filter-name = 1*<any ATOM-CHAR except "/"> (RFC 5466) */
                size_t j;
                ok = scan_atom(&c);
                for (j = start; ok && j < c.i; j++)
                    if (c.a[j] == '/') {
                        c.i = j;
                        ok = fail(&c, "\"/\" is not allowed in a filter name");
                    }
                break;
            }
            case IMAPERR__FT_QUOTED:
                ok = scan_quoted(&c);
                break;
            case IMAPERR__FT_NSTRING:
                if (scan_nil(&c))
                    f->nil = 1;
                else
                    ok = scan_quoted(&c);
                break;
            case IMAPERR__FT_URL_IMAP:
            case IMAPERR__FT_URL_WEB:
                ok = scan_url(&c, s->type == IMAPERR__FT_URL_WEB);
                break;
            case IMAPERR__FT_TEXT:
                c.i = c.n;
                break;
            case IMAPERR__FT_ATOMS:
            case IMAPERR__FT_FLAGS:
            case IMAPERR__FT_CHARSETS:
            case IMAPERR__FT_EVENTS:
            case IMAPERR__FT_OBJECTID:
                ok = scan_list(&c, s->type, s->type == IMAPERR__FT_EVENTS, &f->raw);
                break;
            case IMAPERR__FT_WORD:
            case IMAPERR__FT_WORDNUM: {
                int hash = -1;
                if (s->type == IMAPERR__FT_WORDNUM && is_digit(c.a[c.i])) {
                    ok = scan_number(&c, 0, UINT32_MAX, &f->number);
                    break;
                }
                ok = scan_atom(&c);
                if (ok && match_word(&c, start, c.i, s->words, &hash) < 0) {
                    c.i = start;
                    ok = fail(&c, "not one of the words the grammar allows");
                }
                want_number = hash;
                break;
            }
            default:
                ok = fail(&c, "internal: unknown field type");
                break;
            }
            if (!ok)
                goto malformed;
            if (f->raw.ptr == NULL) {
                f->raw.ptr = c.a + start;
                f->raw.len = c.i - start;
            }
            f->present = 1;
            need_sep = 1;
        }
    }
    out->nfields = nf;
    if (c.err)
        goto malformed;
    if (want_number == 1) {
        fail(&c, "a number must follow");
        goto malformed;
    }
    if (c.i < c.n) {
        fail(&c, "unexpected extra arguments");
        goto malformed;
    }
    return c.i ? IMAPERR_ARGS_DECODED : IMAPERR_ARGS_NONE;

malformed:
    out->nfields = nf;
    out->error = c.err ? c.err : "malformed arguments";
    out->error_offset = c.err_at;
    return IMAPERR_ARGS_MALFORMED;
}

int
imaperr_args_decode(const imaperr_response *resp, imaperr_args *out)
{
    const struct imaperr__code_row *row;
    imaperr_args r;

    if (resp == NULL || resp->size < sizeof(imaperr_response) || out == NULL ||
        out->size < sizeof(imaperr_args))
        return IMAPERR_E_INVALID;
    memset(&r, 0, sizeof r);
    r.size = out->size;
    r.code = resp->code;
    r.state = IMAPERR_ARGS_NONE;
    row = (resp->code == IMAPERR_CODE_NONE || resp->code == IMAPERR_CODE_UNKNOWN)
              ? NULL : imaperr__code_row(resp->code);
    if (row == NULL) {
        if (resp->code_args.len)
            r.state = IMAPERR_ARGS_RAW;
    } else if (imaperr__argtypes[row->argtype].presence == IMAPERR__PRESENCE_NONE) {
        if (resp->code_args.len)
            r.state = IMAPERR_ARGS_RAW;
    } else {
        r.state = imaperr__args_decode(row->argtype, resp->code_args.ptr, resp->code_args.len, &r);
        if (r.state == IMAPERR_ARGS_NONE && resp->code_args.len == 0 &&
            imaperr__argtypes[row->argtype].presence == IMAPERR__PRESENCE_REQUIRED) {
            r.state = IMAPERR_ARGS_MALFORMED;
            r.error = "missing argument";
        }
    }
    memcpy(out, &r, sizeof r);
    return IMAPERR_OK;
}

const imaperr_field *
imaperr_args_field(const imaperr_args *a, const char *name)
{
    unsigned k;
    if (a == NULL || name == NULL || a->size < sizeof(imaperr_args))
        return NULL;
    for (k = 0; k < a->nfields && k < IMAPERR_ARGS_MAX_FIELDS; k++)
        if (a->field[k].name && strcmp(a->field[k].name, name) == 0)
            return &a->field[k];
    return NULL;
}

/* ---- iterators ---------------------------------------------------------- */

int
imaperr_set_iter_init(imaperr_set_iter *it, const imaperr_field *field)
{
    if (it == NULL || field == NULL || field->type != IMAPERR_FIELD_SET || !field->present ||
        field->raw.ptr == NULL)
        return IMAPERR_E_INVALID;
    it->pos = field->raw.ptr;
    it->end = field->raw.ptr + field->raw.len;
    it->allow_star = field->syntax && strcmp(field->syntax, "seqset") == 0;
    return IMAPERR_OK;
}

static int
set_value(imaperr_set_iter *it, uint32_t *v, int *star)
{
    uint64_t acc = 0;
    const char *start = it->pos;
    if (it->pos < it->end && *it->pos == '*') {
        if (!it->allow_star)
            return 0;
        it->pos++;
        *v = UINT32_MAX;
        *star = 1;
        return 1;
    }
    while (it->pos < it->end && is_digit(*it->pos)) {
        acc = acc * 10 + (uint64_t)(*it->pos - '0');
        if (acc > UINT32_MAX)
            return 0;
        it->pos++;
    }
    if (it->pos == start || acc == 0)
        return 0;
    *v = (uint32_t)acc;
    *star = 0;
    return 1;
}

int
imaperr_set_next(imaperr_set_iter *it, imaperr_range *out)
{
    imaperr_range r;
    if (it == NULL || out == NULL)
        return IMAPERR_E_INVALID;
    if (it->pos >= it->end)
        return 0;
    if (!set_value(it, &r.lo, &r.lo_star))
        goto bad;
    r.hi = r.lo;
    r.hi_star = r.lo_star;
    if (it->pos < it->end && *it->pos == ':') {
        it->pos++;
        if (!set_value(it, &r.hi, &r.hi_star))
            goto bad;
    }
    if (it->pos < it->end) {
        if (*it->pos != ',' || it->pos + 1 >= it->end)
            goto bad;
        it->pos++;
    }
    /* normalise: lo <= hi, "*" above every number */
    if (r.lo_star > r.hi_star || (r.lo_star == r.hi_star && r.lo > r.hi)) {
        imaperr_range t = r;
        r.lo = t.hi;
        r.lo_star = t.hi_star;
        r.hi = t.lo;
        r.hi_star = t.lo_star;
    }
    *out = r;
    return 1;
bad:
    it->pos = it->end;
    return IMAPERR_E_SYNTAX;
}

int
imaperr_list_iter_init(imaperr_list_iter *it, const imaperr_field *field)
{
    if (it == NULL || field == NULL || field->type != IMAPERR_FIELD_LIST || !field->present ||
        field->raw.ptr == NULL)
        return IMAPERR_E_INVALID;
    it->pos = field->raw.ptr;
    it->end = field->raw.ptr + field->raw.len;
    return IMAPERR_OK;
}

int
imaperr_list_next(imaperr_list_iter *it, imaperr_slice *item)
{
    const char *start;
    if (it == NULL || item == NULL)
        return IMAPERR_E_INVALID;
    while (it->pos < it->end && *it->pos == ' ')
        it->pos++;
    if (it->pos >= it->end)
        return 0;
    start = it->pos;
    if (*it->pos == '"') {
        it->pos++;
        while (it->pos < it->end && *it->pos != '"') {
            if (*it->pos == '\\' && it->pos + 1 < it->end)
                it->pos++;
            it->pos++;
        }
        if (it->pos >= it->end) {
            it->pos = it->end;
            return IMAPERR_E_SYNTAX;
        }
        it->pos++;
    } else {
        while (it->pos < it->end && *it->pos != ' ')
            it->pos++;
    }
    item->ptr = start;
    item->len = (size_t)(it->pos - start);
    return 1;
}

/* ---- strings ------------------------------------------------------------ */

struct out {
    char *buf;
    size_t cap, need;
    unsigned char first_cut; /* the first byte that did not fit */
};

static void
put(struct out *o, char ch)
{
    if (o->cap > 0 && o->need < o->cap - 1)
        o->buf[o->need] = ch;
    else if (o->cap > 0 && o->need == o->cap - 1)
        o->first_cut = (unsigned char)ch;
    o->need++;
}

static size_t
finish_out(struct out *o)
{
    if (o->cap > 0) {
        size_t end = o->need < o->cap - 1 ? o->need : o->cap - 1;
        if (o->need > o->cap - 1 && (o->first_cut & 0xC0) == 0x80) {
            /* the cut splits a character: drop its first bytes too */
            while (end > 0 && ((unsigned char)o->buf[end - 1] & 0xC0) == 0x80)
                end--;
            if (end > 0 && (unsigned char)o->buf[end - 1] >= 0xC0)
                end--;
        }
        o->buf[end] = '\0';
    }
    return o->need;
}

int
imaperr_string_decode(imaperr_slice raw, char *buf, size_t cap)
{
    struct out o = { buf, cap, 0, 0 };
    size_t i;

    if ((buf == NULL && cap > 0) || (raw.ptr == NULL && raw.len > 0))
        return IMAPERR_E_INVALID;
    if (raw.len > 0 && raw.ptr[0] == '{')
        return IMAPERR_E_SYNTAX;
    /* Output text is always valid UTF-8 (imaperr.h): a slice that is not,
     * whoever cut it, is refused rather than copied. */
    for (i = 0; i < raw.len;) {
        int32_t cp;
        i += imaperr__utf8_next((const unsigned char *)raw.ptr + i, raw.len - i, &cp);
        if (cp < 0)
            return IMAPERR_E_SYNTAX;
    }
    if (raw.len > 0 && raw.ptr[0] == '"') {
        if (raw.len < 2 || raw.ptr[raw.len - 1] != '"')
            return IMAPERR_E_SYNTAX;
        for (i = 1; i + 1 < raw.len; i++) {
            char ch = raw.ptr[i];
            if (ch == '\\') {
                if (i + 2 >= raw.len || (raw.ptr[i + 1] != '"' && raw.ptr[i + 1] != '\\'))
                    return IMAPERR_E_SYNTAX;
                ch = raw.ptr[++i];
            } else if (ch == '"') {
                return IMAPERR_E_SYNTAX;
            }
            put(&o, ch);
        }
    } else {
        for (i = 0; i < raw.len; i++)
            put(&o, raw.ptr[i]);
    }
    finish_out(&o);
    return o.need > (size_t)INT32_MAX ? INT32_MAX : (int)o.need;
}
