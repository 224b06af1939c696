/* wordings.c - one pass over a response text with the automaton that
 * lib/gen-wordings.awk built from lib/wordings.tsv.
 *
 * The scan feeds the text byte by byte through the byte-class table
 * (letter case folded; a run of spaces and tabs counts as one space;
 * leading blanks are skipped) into an Aho-Corasick automaton whose failure
 * links the generator has already folded into a full transition table, so
 * every pattern is found in one pass with one table step per byte: linear
 * in the text length, whatever the number of patterns. Every match is
 * checked for its marks (start of text, word boundaries) and then either
 * tried against the rows that use the pattern or read as a hint.
 *
 * Pure functions over constant tables: thread-safe, no allocation. */
#include <config.h>

#include <string.h>

#include "internal.h"
#include "wordings.h"

static int
is_word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static unsigned char
lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* ---- applicability of a row ------------------------------------------- */

/* Is the word (w, n) one of the comma-separated upper-case names in list? */
static int
in_list(const char *list, const char *w, size_t n)
{
    const char *p = list;
    while (*p) {
        const char *e = p;
        size_t i;
        while (*e && *e != ',')
            e++;
        if ((size_t)(e - p) == n) {
            for (i = 0; i < n; i++)
                if (lower((unsigned char)p[i]) != lower((unsigned char)w[i]))
                    break;
            if (i == n)
                return 1;
        }
        p = *e ? e + 1 : e;
    }
    return 0;
}

static int
code_listed(const unsigned short *codes, imaperr_code code)
{
    if (codes == NULL || code == IMAPERR_CODE_NONE)
        return 0;
    for (; *codes != IMAPERR_CODE_NONE; codes++)
        if (*codes == (unsigned short)code)
            return 1;
    return 0;
}

static int
applies(const struct imaperr__wording_row *row, const struct imaperr__wording_query *q)
{
    if (!(row->statuses & q->status_bit))
        return 0;
    if (!row->any_command) {
        if (q->command == NULL) {
            if (!row->unknown_command)
                return 0;
        } else if (row->commands == NULL || !in_list(row->commands, q->command, q->command_len)) {
            return 0;
        }
    }
    if (q->code_decides)
        return code_listed(row->codes, q->code);
    return row->nocode || code_listed(row->codes, q->code);
}

/* ---- hints -------------------------------------------------------------- */

/* Read decimal digits at text[*i]; 0 when there are none or the value
 * does not fit in 64 bits (the digits are consumed either way). */
static int
read_number(const char *text, size_t len, size_t *i, uint64_t *out)
{
    uint64_t v = 0;
    int digits = 0, overflow = 0;
    while (*i < len && text[*i] >= '0' && text[*i] <= '9') {
        unsigned d = (unsigned)(text[*i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            overflow = 1;
        else
            v = v * 10 + d;
        digits++;
        (*i)++;
    }
    if (digits == 0 || overflow)
        return 0;
    *out = v;
    return 1;
}

static void
skip_blanks(const char *text, size_t len, size_t *i)
{
    while (*i < len && (text[*i] == ' ' || text[*i] == '\t'))
        (*i)++;
}

/* Does the word text[i..i+n) equal the lower-case word w, ignoring case? */
static int
word_is(const char *text, size_t n, const char *w)
{
    size_t k;
    if (strlen(w) != n)
        return 0;
    for (k = 0; k < n; k++)
        if (lower((unsigned char)text[k]) != (unsigned char)w[k])
            return 0;
    return 1;
}

/* "N milliseconds" / "N seconds" (and their short forms) at text[i]. */
static int
read_backoff(const char *text, size_t len, size_t i, uint64_t *ms)
{
    static const char *const milli[] = { "milliseconds", "millisecond", "msecs", "msec", "ms" };
    static const char *const secs[] = { "seconds", "second", "secs", "sec" };
    uint64_t v;
    size_t u, n, k;
    skip_blanks(text, len, &i);
    if (!read_number(text, len, &i, &v))
        return 0;
    skip_blanks(text, len, &i);
    u = i;
    while (i < len && ((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z')))
        i++;
    n = i - u;
    if (n == 0 || (i < len && is_word_byte((unsigned char)text[i])))
        return 0;
    for (k = 0; k < sizeof milli / sizeof milli[0]; k++)
        if (word_is(text + u, n, milli[k])) {
            *ms = v;
            return 1;
        }
    for (k = 0; k < sizeof secs / sizeof secs[0]; k++)
        if (word_is(text + u, n, secs[k])) {
            if (v > UINT64_MAX / 1000)
                return 0;
            *ms = v * 1000;
            return 1;
        }
    return 0;
}

static int
read_limit(const char *text, size_t len, size_t i, unsigned *out)
{
    uint64_t v;
    skip_blanks(text, len, &i);
    if (!read_number(text, len, &i, &v) || v > 0xFFFFFFFFu)
        return 0;
    *out = (unsigned)v;
    return 1;
}

/* A web address starting at text[start] ("http://" or "https://", n
 * bytes of it matched): it runs to the first blank, control byte,
 * non-ASCII byte or one of "<>`; trailing punctuation is not part of it. */
static int
read_url(const char *text, size_t len, size_t start, size_t n, imaperr_slice *out)
{
    size_t e = start;
    while (e < len) {
        unsigned char c = (unsigned char)text[e];
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '`')
            break;
        e++;
    }
    while (e > start + n && strchr(".,;:!?)]}'", text[e - 1]) != NULL)
        e--;
    if (e <= start + n)
        return 0;
    out->ptr = text + start;
    out->len = e - start;
    return 1;
}

/* ---- the scan ------------------------------------------------------------ */

void
imaperr__wordings_scan(const char *text, size_t len, const struct imaperr__wording_query *q,
                       struct imaperr__wording_result *out)
{
    size_t ring[IMAPERR__WC_RING];
    size_t i, fed = 0;
    const unsigned ncls = imaperr__wc_nclasses;
    uint32_t row = 0;   /* the current state x ncls */
    unsigned best = (unsigned)-1;
    int blank = 1, have_backoff = 0, have_limit = 0, have_url = 0;

    out->row = -1;
    out->backoff_ms = 0;
    out->connection_limit = 0;
    out->url.ptr = NULL;
    out->url.len = 0;
    if (text == NULL)
        return;

    for (i = 0; i < len; i++) {
        unsigned c = imaperr__wc_class[(unsigned char)text[i]];
        unsigned s;
        if (c == 1) {
            if (blank)
                continue; /* leading blanks, and the rest of a run */
            blank = 1;
        } else {
            blank = 0;
        }
        ring[fed & (IMAPERR__WC_RING - 1)] = i;
        fed++;
        row = imaperr__wc_delta[row + c];
        if (!(row & IMAPERR__WC_MATCH))
            continue;
        row &= ~IMAPERR__WC_MATCH;

        for (s = imaperr__wc_out[row / ncls]; s != 0; s = imaperr__wc_states[s].dict) {
            const struct imaperr__wc_pattern *p = &imaperr__wc_patterns[imaperr__wc_states[s].pattern];
            size_t start;
            if (p->len > IMAPERR__WC_RING || fed < p->len)
                continue;
            if ((p->flags & IMAPERR__WP_ANCHOR) && fed != p->len)
                continue;
            start = ring[(fed - p->len) & (IMAPERR__WC_RING - 1)];
            if ((p->flags & IMAPERR__WP_LEFT) && start > 0 && is_word_byte((unsigned char)text[start - 1]))
                continue;
            if ((p->flags & IMAPERR__WP_RIGHT) && i + 1 < len && is_word_byte((unsigned char)text[i + 1]))
                continue;
            switch (p->kind) {
            case IMAPERR__WK_ROWS: {
                unsigned k, end = (unsigned)p->first_row + p->nrows;
                for (k = p->first_row; k < end; k++) {
                    unsigned r = imaperr__wc_pattern_rows[k];
                    if (r >= best)
                        break; /* rows are in table order */
                    if (applies(&imaperr__wordings[r], q)) {
                        best = r;
                        break;
                    }
                }
                break;
            }
            case IMAPERR__WK_BACKOFF:
                if (!have_backoff)
                    have_backoff = read_backoff(text, len, i + 1, &out->backoff_ms);
                break;
            case IMAPERR__WK_CONNLIMIT:
                if (!have_limit)
                    have_limit = read_limit(text, len, i + 1, &out->connection_limit);
                break;
            case IMAPERR__WK_URL:
                if (!have_url)
                    have_url = read_url(text, len, start, p->len, &out->url);
                break;
            default:
                break;
            }
        }
    }
    if (best != (unsigned)-1)
        out->row = (int)best;
}

const char *
imaperr__wordings_command(const char *command, size_t *len)
{
    const char *p = command, *w;
    if (p == NULL)
        return NULL;
    while (*p == ' ')
        p++;
    w = p;
    while (*p && *p != ' ')
        p++;
    if (p - w == 3 && lower((unsigned char)w[0]) == 'u' && lower((unsigned char)w[1]) == 'i' &&
        lower((unsigned char)w[2]) == 'd') {
        while (*p == ' ')
            p++;
        w = p;
        while (*p && *p != ' ')
            p++;
    }
    *len = (size_t)(p - w);
    return *len ? w : NULL;
}

unsigned
imaperr_wordings_version(void)
{
    return imaperr__wordings_version;
}
