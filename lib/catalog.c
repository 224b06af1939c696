/* catalog.c - a small, read-only, validated reader for the GNU .mo message
 * catalogs that msgfmt builds from po/LL.po.
 *
 * Why our own reader: glibc translates per thread only through uselocale(),
 * which needs the system locale installed (a fresh Debian has C, C.utf8 and
 * POSIX only) and lets $LANGUAGE override the choice. Reading the catalog
 * ourselves gives the same strings (tests/test-catalog-diff.c proves it for
 * every msgid of every catalog) for any language, in any thread, at once.
 *
 * The file is read into memory once and checked completely before use:
 * magic number (either byte order), major revision 0 or 1, every table and
 * every string inside the file and NUL-terminated, originals in strictly
 * ascending strcmp() order (so binary search is exact), every string valid
 * UTF-8, and a UTF-8 (or ASCII) charset in the header. Anything else is
 * refused as a whole; the caller then uses the English source text. A
 * loaded catalog is never modified, so threads share it without locks.
 *
 * Format (GNU gettext manual, "The Format of GNU MO Files"): seven 32-bit
 * words (magic, revision, N, offset of the originals table, offset of the
 * translations table, hash size, hash offset), then two tables of N
 * (length, offset) pairs. The hash table is optional and not used here;
 * neither are the system-dependent strings of revision 1 (their msgids
 * contain <inttypes.h> macros, which ours never do).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"

#define MO_MAGIC 0x950412deu
#define MO_MAGIC_SWAPPED 0xde120495u

struct entry {
    const char *orig;
    const char *trans;
    uint32_t orig_len;
    uint32_t trans_len;
};

struct imaperr__catalog {
    unsigned char *data;
    size_t size;
    size_t count;
    struct entry *entries;
    const char *header;            /* translation of "", or NULL */
    unsigned long nplurals;
    struct imaperr__plural plural;
};

const char *
imaperr__catalog_strerror(int err)
{
    switch (err) {
    case IMAPERR__CAT_OK: return "ok";
    case IMAPERR__CAT_ENOENT: return "cannot read the file";
    case IMAPERR__CAT_TOOBIG: return "file too large";
    case IMAPERR__CAT_MAGIC: return "not a .mo file";
    case IMAPERR__CAT_REVISION: return "unknown .mo revision";
    case IMAPERR__CAT_BOUNDS: return "table or string outside the file";
    case IMAPERR__CAT_UNTERMINATED: return "string without NUL terminator";
    case IMAPERR__CAT_UNSORTED: return "originals not sorted";
    case IMAPERR__CAT_CHARSET: return "charset is not UTF-8";
    case IMAPERR__CAT_UTF8: return "string is not valid UTF-8";
    case IMAPERR__CAT_NOMEM: return "out of memory";
    default: return "unknown error";
    }
}

static uint32_t
word(const unsigned char *p, int swap)
{
    uint32_t v;
    memcpy(&v, p, 4);
    if (swap)
        v = (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
    return v;
}

/* Strict UTF-8 (no overlongs, surrogates or values past U+10FFFF); NUL
 * bytes separate plural forms and are allowed. */
static int
valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t len, k;
        uint32_t v, min;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) { len = 2; v = c & 0x1Fu; min = 0x80; }
        else if (c >= 0xE0 && c <= 0xEF) { len = 3; v = c & 0x0Fu; min = 0x800; }
        else if (c >= 0xF0 && c <= 0xF4) { len = 4; v = c & 0x07u; min = 0x10000; }
        else return 0;
        if (n - i < len)
            return 0;
        for (k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            v = (v << 6) | (s[i + k] & 0x3Fu);
        }
        if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

/* Read one (length, offset) descriptor and check the string it points to. */
static int
string_at(const unsigned char *data, size_t size, uint64_t desc, int swap,
          const char **str, uint32_t *len)
{
    uint32_t l = word(data + desc, swap);
    uint32_t off = word(data + desc + 4, swap);
    if ((uint64_t)off + l + 1 > size)
        return IMAPERR__CAT_BOUNDS;
    if (data[(uint64_t)off + l] != '\0')
        return IMAPERR__CAT_UNTERMINATED;
    if (!valid_utf8(data + off, l))
        return IMAPERR__CAT_UTF8;
    *str = (const char *)data + off;
    *len = l;
    return 0;
}

static int
ascii_casecmp_n(const char *a, const char *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z') x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return 1;
    }
    return 0;
}

/* The header's charset must be UTF-8 (or ASCII, a subset); a header
 * without one is taken as is, like glibc does. */
static int
charset_ok(const char *header)
{
    const char *p = strstr(header, "charset=");
    size_t n;
    static const char *const ok[] = { "utf-8", "utf8", "ascii", "us-ascii", "ansi_x3.4-1968" };
    size_t i;
    if (p == NULL)
        return 1;
    p += 8;
    for (n = 0; p[n] && p[n] != ' ' && p[n] != '\t' && p[n] != '\n' && p[n] != ';'; n++)
        ;
    for (i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strlen(ok[i]) == n && ascii_casecmp_n(p, ok[i], n) == 0)
            return 1;
    return 0;
}

static int
parse_catalog(imaperr__catalog *cat)
{
    const unsigned char *d = cat->data;
    size_t size = cat->size, i;
    uint32_t magic, rev, n, otab, ttab;
    int swap, rc;

    if (size < 28)
        return IMAPERR__CAT_MAGIC;
    memcpy(&magic, d, 4);
    if (magic == MO_MAGIC)
        swap = 0;
    else if (magic == MO_MAGIC_SWAPPED)
        swap = 1;
    else
        return IMAPERR__CAT_MAGIC;
    rev = word(d + 4, swap);
    if ((rev >> 16) > 1)
        return IMAPERR__CAT_REVISION;
    n = word(d + 8, swap);
    otab = word(d + 12, swap);
    ttab = word(d + 16, swap);
    if ((uint64_t)otab + (uint64_t)n * 8 > size || (uint64_t)ttab + (uint64_t)n * 8 > size)
        return IMAPERR__CAT_BOUNDS;
    cat->count = n;
    if (n > 0) {
        cat->entries = calloc(n, sizeof *cat->entries);
        if (cat->entries == NULL)
            return IMAPERR__CAT_NOMEM;
    }
    for (i = 0; i < n; i++) {
        struct entry *e = &cat->entries[i];
        rc = string_at(d, size, (uint64_t)otab + (uint64_t)i * 8, swap, &e->orig, &e->orig_len);
        if (rc == 0)
            rc = string_at(d, size, (uint64_t)ttab + (uint64_t)i * 8, swap, &e->trans, &e->trans_len);
        if (rc != 0)
            return rc;
        if (i > 0 && strcmp(cat->entries[i - 1].orig, e->orig) >= 0)
            return IMAPERR__CAT_UNSORTED;
    }
    /* "" sorts first: its translation is the header */
    if (n > 0 && cat->entries[0].orig[0] == '\0') {
        cat->header = cat->entries[0].trans;
        if (!charset_ok(cat->header))
            return IMAPERR__CAT_CHARSET;
    }
    imaperr__plural_from_header(cat->header, &cat->plural, &cat->nplurals);
    return 0;
}

int
imaperr__catalog_load_mem(const void *data, size_t len, imaperr__catalog **out)
{
    imaperr__catalog *cat;
    int rc;

    *out = NULL;
    if (len > IMAPERR__CATALOG_MAX_BYTES)
        return IMAPERR__CAT_TOOBIG;
    cat = calloc(1, sizeof *cat);
    if (cat == NULL)
        return IMAPERR__CAT_NOMEM;
    cat->data = malloc(len ? len : 1);
    if (cat->data == NULL) {
        free(cat);
        return IMAPERR__CAT_NOMEM;
    }
    if (len)
        memcpy(cat->data, data, len);
    cat->size = len;
    rc = parse_catalog(cat);
    if (rc != 0) {
        imaperr__catalog_free(cat);
        return rc;
    }
    *out = cat;
    return 0;
}

int
imaperr__catalog_load(const char *path, imaperr__catalog **out)
{
    struct stat st;
    unsigned char *buf;
    size_t have = 0, size;
    int fd, rc;

    *out = NULL;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return IMAPERR__CAT_ENOENT;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return IMAPERR__CAT_ENOENT;
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > IMAPERR__CATALOG_MAX_BYTES) {
        close(fd);
        return IMAPERR__CAT_TOOBIG;
    }
    size = (size_t)st.st_size;
    buf = malloc(size ? size : 1);
    if (buf == NULL) {
        close(fd);
        return IMAPERR__CAT_NOMEM;
    }
    while (have < size) {
        ssize_t r = read(fd, buf + have, size - have);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;   /* error, or the file shrank: checked below */
        have += (size_t)r;
    }
    close(fd);
    if (have != size) {
        free(buf);
        return IMAPERR__CAT_ENOENT;
    }
    rc = imaperr__catalog_load_mem(buf, size, out);
    free(buf);
    return rc;
}

void
imaperr__catalog_free(imaperr__catalog *cat)
{
    if (cat == NULL)
        return;
    free(cat->entries);
    free(cat->data);
    free(cat);
}

static const struct entry *
lookup(const imaperr__catalog *cat, const char *msgid)
{
    size_t lo = 0, hi = cat ? cat->count : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(msgid, cat->entries[mid].orig);
        if (c == 0)
            return &cat->entries[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const char *
imaperr__catalog_find(const imaperr__catalog *cat, const char *msgid, size_t *len)
{
    const struct entry *e = lookup(cat, msgid);
    if (e == NULL)
        return NULL;
    if (len)
        *len = e->trans_len;
    return e->trans;
}

const char *
imaperr__catalog_gettext(const imaperr__catalog *cat, const char *msgid)
{
    const struct entry *e = lookup(cat, msgid);
    return e ? e->trans : msgid;
}

unsigned long
imaperr__catalog_plural_index(const imaperr__catalog *cat, unsigned long n)
{
    unsigned long idx;
    if (cat == NULL)
        return n == 1 ? 0 : 1;
    idx = imaperr__plural_eval(&cat->plural, n);
    return idx >= cat->nplurals ? 0 : idx;
}

unsigned long
imaperr__catalog_nplurals(const imaperr__catalog *cat)
{
    return cat ? cat->nplurals : 2;
}

const char *
imaperr__catalog_ngettext(const imaperr__catalog *cat, const char *msgid,
                          const char *msgid_plural, unsigned long n)
{
    const struct entry *e = lookup(cat, msgid);
    const char *p, *end;
    unsigned long idx;

    if (e == NULL)
        return n == 1 ? msgid : msgid_plural;
    /* Skip idx NUL-separated forms; a translation with fewer forms than
     * the index asks for gives its first form (as glibc does). */
    idx = imaperr__catalog_plural_index(cat, n);
    p = e->trans;
    end = e->trans + e->trans_len;
    while (idx-- > 0) {
        p += strlen(p) + 1;
        if (p >= end)
            return e->trans;
    }
    return p;
}

size_t
imaperr__catalog_count(const imaperr__catalog *cat)
{
    return cat ? cat->count : 0;
}

void
imaperr__catalog_entry(const imaperr__catalog *cat, size_t i, const char **orig, size_t *orig_len,
                       const char **trans, size_t *trans_len)
{
    const struct entry *e = &cat->entries[i];
    *orig = e->orig;
    *orig_len = e->orig_len;
    *trans = e->trans;
    *trans_len = e->trans_len;
}

int
imaperr__header_field(const char *header, const char *name, char *buf, size_t cap)
{
    const char *h = header;
    size_t nl = strlen(name);
    if (cap > 0)
        buf[0] = '\0';
    while (h && *h) {
        const char *eol = strchr(h, '\n');
        size_t linelen = eol ? (size_t)(eol - h) : strlen(h);
        if (linelen > nl && ascii_casecmp_n(h, name, nl) == 0 && h[nl] == ':') {
            const char *v = h + nl + 1;
            size_t vl = linelen - nl - 1, k;
            while (vl > 0 && (*v == ' ' || *v == '\t')) {
                v++;
                vl--;
            }
            while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t' || v[vl - 1] == '\r'))
                vl--;
            if (cap > 0) {
                k = vl < cap - 1 ? vl : cap - 1;
                memcpy(buf, v, k);
                buf[k] = '\0';
            }
            return 1;
        }
        h = eol ? eol + 1 : NULL;
    }
    return 0;
}

int
imaperr__catalog_header_field(const imaperr__catalog *cat, const char *name, char *buf, size_t cap)
{
    if (cat == NULL || cat->header == NULL) {
        if (cap > 0)
            buf[0] = '\0';
        return 0;
    }
    return imaperr__header_field(cat->header, name, buf, cap);
}

/* ---- Plural-Forms expressions ------------------------------------------ */

enum {
    OP_VAR = 1, OP_NUM, OP_NOT, OP_MUL, OP_DIV, OP_MOD, OP_ADD, OP_SUB,
    OP_LT, OP_GT, OP_LE, OP_GE, OP_EQ, OP_NE, OP_AND, OP_OR, OP_COND
};

/* Tokens */
enum { T_END = 0, T_ERR, T_NUM, T_VAR, T_NOT, T_MULOP, T_ADDOP, T_CMPOP, T_EQOP,
       T_AND, T_OR, T_QUEST, T_COLON, T_LPAREN, T_RPAREN };

struct parser {
    const char *p;
    int tok;
    int op;                 /* OP_* of binary operator tokens */
    unsigned long num;
    int depth;
    int error;
    struct imaperr__plural *out;
};

static void
next_token(struct parser *ps)
{
    const char *p = ps->p;
    char c;
    while (*p == ' ' || *p == '\t')
        p++;
    c = *p;
    if (c == '\0' || c == ';' || c == '\n') {
        ps->tok = T_END;
        ps->p = p;
        return;
    }
    p++;
    switch (c) {
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': {
        unsigned long v = (unsigned long)(c - '0');
        while (*p >= '0' && *p <= '9') {
            v = v * 10 + (unsigned long)(*p - '0');   /* wraps like glibc */
            p++;
        }
        ps->num = v;
        ps->tok = T_NUM;
        break;
    }
    case 'n': ps->tok = T_VAR; break;
    case '=':
        if (*p == '=') { p++; ps->tok = T_EQOP; ps->op = OP_EQ; }
        else ps->tok = T_ERR;
        break;
    case '!':
        if (*p == '=') { p++; ps->tok = T_EQOP; ps->op = OP_NE; }
        else ps->tok = T_NOT;
        break;
    case '&':
        if (*p == '&') { p++; ps->tok = T_AND; } else ps->tok = T_ERR;
        break;
    case '|':
        if (*p == '|') { p++; ps->tok = T_OR; } else ps->tok = T_ERR;
        break;
    case '<':
        ps->tok = T_CMPOP;
        if (*p == '=') { p++; ps->op = OP_LE; } else ps->op = OP_LT;
        break;
    case '>':
        ps->tok = T_CMPOP;
        if (*p == '=') { p++; ps->op = OP_GE; } else ps->op = OP_GT;
        break;
    case '*': ps->tok = T_MULOP; ps->op = OP_MUL; break;
    case '/': ps->tok = T_MULOP; ps->op = OP_DIV; break;
    case '%': ps->tok = T_MULOP; ps->op = OP_MOD; break;
    case '+': ps->tok = T_ADDOP; ps->op = OP_ADD; break;
    case '-': ps->tok = T_ADDOP; ps->op = OP_SUB; break;
    case '?': ps->tok = T_QUEST; break;
    case ':': ps->tok = T_COLON; break;
    case '(': ps->tok = T_LPAREN; break;
    case ')': ps->tok = T_RPAREN; break;
    default: ps->tok = T_ERR; break;
    }
    ps->p = p;
}

static int
new_node(struct parser *ps, int op, int a, int b, int c, unsigned long value)
{
    struct imaperr__plural *pl = ps->out;
    if (ps->error || a < 0 || b < 0 || c < 0)
        return -1;
    if (pl->nnodes >= IMAPERR__PLURAL_MAX_NODES) {
        ps->error = 1;
        return -1;
    }
    pl->node[pl->nnodes].op = (unsigned char)op;
    pl->node[pl->nnodes].a = (unsigned char)a;
    pl->node[pl->nnodes].b = (unsigned char)b;
    pl->node[pl->nnodes].c = (unsigned char)c;
    pl->node[pl->nnodes].value = value;
    return (int)pl->nnodes++;
}

static int parse_cond(struct parser *ps);

static int
parse_primary(struct parser *ps)
{
    int r;
    if (ps->error)
        return -1;
    switch (ps->tok) {
    case T_NUM:
        r = new_node(ps, OP_NUM, 0, 0, 0, ps->num);
        next_token(ps);
        return r;
    case T_VAR:
        r = new_node(ps, OP_VAR, 0, 0, 0, 0);
        next_token(ps);
        return r;
    case T_NOT:
        if (++ps->depth > IMAPERR__PLURAL_MAX_DEPTH) {
            ps->error = 1;
            return -1;
        }
        next_token(ps);
        r = parse_primary(ps);
        ps->depth--;
        return new_node(ps, OP_NOT, r, 0, 0, 0);
    case T_LPAREN:
        if (++ps->depth > IMAPERR__PLURAL_MAX_DEPTH) {
            ps->error = 1;
            return -1;
        }
        next_token(ps);
        r = parse_cond(ps);
        ps->depth--;
        if (ps->tok != T_RPAREN) {
            ps->error = 1;
            return -1;
        }
        next_token(ps);
        return r;
    default:
        ps->error = 1;
        return -1;
    }
}

/* Binary levels, loosest first: ||, &&, == !=, < > <= >=, + -, * / % */
static int
parse_binary(struct parser *ps, int level)
{
    static const int level_tok[] = { T_OR, T_AND, T_EQOP, T_CMPOP, T_ADDOP, T_MULOP };
    int left, right, op;
    if (level == 6)
        return parse_primary(ps);
    left = parse_binary(ps, level + 1);
    while (!ps->error && ps->tok == level_tok[level]) {
        op = level == 0 ? OP_OR : level == 1 ? OP_AND : ps->op;
        next_token(ps);
        right = parse_binary(ps, level + 1);
        left = new_node(ps, op, left, right, 0, 0);
    }
    return left;
}

/* cond := or [ '?' cond ':' cond ]  (right-associative, as in C) */
static int
parse_cond(struct parser *ps)
{
    int c, a, b;
    c = parse_binary(ps, 0);
    if (ps->error || ps->tok != T_QUEST)
        return c;
    if (++ps->depth > IMAPERR__PLURAL_MAX_DEPTH) {
        ps->error = 1;
        return -1;
    }
    next_token(ps);
    a = parse_cond(ps);
    if (ps->error || ps->tok != T_COLON) {
        ps->error = 1;
        return -1;
    }
    next_token(ps);
    b = parse_cond(ps);
    ps->depth--;
    return new_node(ps, OP_COND, c, a, b, 0);
}

int
imaperr__plural_parse(const char *expr, struct imaperr__plural *out)
{
    struct parser ps;
    int root;
    memset(&ps, 0, sizeof ps);
    out->nnodes = 0;
    out->root = 0;
    ps.p = expr;
    ps.out = out;
    next_token(&ps);
    root = parse_cond(&ps);
    if (ps.error || root < 0 || ps.tok != T_END) {
        out->nnodes = 0;
        return -1;
    }
    out->root = (unsigned)root;
    return 0;
}

static unsigned long
eval_node(const struct imaperr__plural *p, unsigned i, unsigned long n, int *divzero)
{
    const struct imaperr__plural_node *x = &p->node[i];
    unsigned long l, r;
    switch (x->op) {
    case OP_VAR: return n;
    case OP_NUM: return x->value;
    case OP_NOT: return !eval_node(p, x->a, n, divzero);
    case OP_AND: return eval_node(p, x->a, n, divzero) && eval_node(p, x->b, n, divzero);
    case OP_OR: return eval_node(p, x->a, n, divzero) || eval_node(p, x->b, n, divzero);
    case OP_COND:
        return eval_node(p, eval_node(p, x->a, n, divzero) ? x->b : x->c, n, divzero);
    default:
        break;
    }
    l = eval_node(p, x->a, n, divzero);
    r = eval_node(p, x->b, n, divzero);
    switch (x->op) {
    case OP_MUL: return l * r;
    case OP_DIV:
        if (r == 0) { *divzero = 1; return 0; }
        return l / r;
    case OP_MOD:
        if (r == 0) { *divzero = 1; return 0; }
        return l % r;
    case OP_ADD: return l + r;
    case OP_SUB: return l - r;
    case OP_LT: return l < r;
    case OP_GT: return l > r;
    case OP_LE: return l <= r;
    case OP_GE: return l >= r;
    case OP_EQ: return l == r;
    case OP_NE: return l != r;
    default: return 0;
    }
}

unsigned long
imaperr__plural_eval(const struct imaperr__plural *p, unsigned long n)
{
    int divzero = 0;
    unsigned long v;
    if (p->nnodes == 0)
        return n != 1;
    v = eval_node(p, p->root, n, &divzero);
    return divzero ? 0 : v;
}

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

void
imaperr__plural_from_header(const char *header, struct imaperr__plural *out, unsigned long *nplurals)
{
    const char *plural, *np;
    unsigned long n = 0;
    int digits = 0;

    if (header == NULL)
        goto germanic;
    plural = strstr(header, "plural=");
    np = strstr(header, "nplurals=");
    if (plural == NULL || np == NULL)
        goto germanic;
    np += 9;
    while (*np && is_space(*np))
        np++;
    while (*np >= '0' && *np <= '9') {
        unsigned long d = (unsigned long)(*np - '0');
        n = n > (ULONG_MAX - d) / 10 ? ULONG_MAX : n * 10 + d;   /* strtoul saturates */
        np++;
        digits = 1;
    }
    if (!digits)
        goto germanic;
    if (imaperr__plural_parse(plural + 7, out) != 0)
        goto germanic;
    *nplurals = n;
    return;
germanic:
    /* As glibc: without a usable Plural-Forms, the Germanic rule. */
    out->nnodes = 0;
    out->root = 0;
    *nplurals = 2;
}
