/* json.c - minimal JSON Lines writer for the imaperr tool.
 *
 * Streams of a million lines go through here, so the writer copies runs
 * of plain bytes with one call instead of one putc() per byte, formats
 * numbers itself instead of through printf, and uses stdio's unlocked
 * calls where the C library has them (the tool is single-threaded). */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#if defined(__GLIBC__)
#define PUTC_(c, f) putc_unlocked((c), (f))
#define WRITE_(s, n, f) fwrite_unlocked((s), 1, (n), (f))
#else
#define PUTC_(c, f) putc((c), (f))
#define WRITE_(s, n, f) fwrite((s), 1, (n), (f))
#endif

/* Bytes that need an escape: control bytes, DEL, '"' and '\\'. */
static int
needs_escape(unsigned char c)
{
    return c < 0x20 || c == 0x7f || c == '"' || c == '\\';
}

void
json_string(FILE *f, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0, run;
    PUTC_('"', f);
    while (i < len) {
        unsigned char c;
        run = i;
        while (i < len && !needs_escape((unsigned char)s[i]))
            i++;
        if (i > run)
            WRITE_(s + run, i - run, f);
        if (i >= len)
            break;
        c = (unsigned char)s[i++];
        switch (c) {
        case '"': WRITE_("\\\"", 2, f); break;
        case '\\': WRITE_("\\\\", 2, f); break;
        case '\n': WRITE_("\\n", 2, f); break;
        case '\r': WRITE_("\\r", 2, f); break;
        case '\t': WRITE_("\\t", 2, f); break;
        default: {
            char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            WRITE_(u, 6, f);
            break;
        }
        }
    }
    PUTC_('"', f);
}

void
json_key(FILE *f, int *first, const char *key)
{
    if (!*first)
        PUTC_(',', f);
    *first = 0;
    json_string(f, key, strlen(key));
    PUTC_(':', f);
}

void
json_member_str(FILE *f, int *first, const char *key, const char *s, size_t len)
{
    json_key(f, first, key);
    if (s)
        json_string(f, s, len);
    else
        WRITE_("null", 4, f);
}

void
json_member_cstr(FILE *f, int *first, const char *key, const char *s)
{
    json_member_str(f, first, key, s, s ? strlen(s) : 0);
}

void
json_member_bool(FILE *f, int *first, const char *key, int v)
{
    json_key(f, first, key);
    if (v)
        WRITE_("true", 4, f);
    else
        WRITE_("false", 5, f);
}

/* Writes v in decimal so that it ends at d[24]; returns where it starts. */
static size_t
u64_digits(char d[24], unsigned long long v)
{
    size_t k = 24;
    do {
        d[--k] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return k;
}

void
json_u64(FILE *f, unsigned long long v)
{
    char d[24];
    size_t k = u64_digits(d, v);
    WRITE_(d + k, sizeof d - k, f);
}

void
json_member_u64(FILE *f, int *first, const char *key, unsigned long long v)
{
    json_key(f, first, key);
    json_u64(f, v);
}

/* ---- the memory buffer ------------------------------------------------ */

/* The end of the run of bytes from s[i] that need no escape, eight bytes
 * per step: a lane of x is below 0x20 when (x - 0x20..) & ~x has its top
 * bit set there (exact as a yes/no answer), and equals DEL, '"' or '\\'
 * when x ^ that byte has a zero lane. */
#ifndef __SSE2__
static size_t
plain_run(const char *s, size_t i, size_t len)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    size_t at = i;
    uint64_t x, a, b, c;
    if (len - i < 8) {
        while (i < len && !needs_escape((unsigned char)s[i]))
            i++;
        return i;
    }
    for (;;) {
        memcpy(&x, s + at, 8);
        a = x ^ (0x7f * ones);
        b = x ^ ('"' * ones);
        c = x ^ ('\\' * ones);
        if ((((x - 0x20 * ones) & ~x) | ((a - ones) & ~a) | ((b - ones) & ~b) | ((c - ones) & ~c)) & highs)
            break;
        if (at + 8 >= len)
            return len;
        at = at + 16 <= len ? at + 8 : len - 8;   /* the last word may overlap */
    }
    /* an escape within these eight bytes (at >= i: earlier words were clean) */
    while (!needs_escape((unsigned char)s[at]))
        at++;
    return at < i ? i : at;
}
#endif

void
jb_grow(struct jbuf *b, size_t more)
{
    size_t cap = b->cap ? b->cap : 1024;
    char *p;
    while (cap - b->len < more)
        cap *= 2;
    p = realloc(b->p, cap);
    if (p == NULL) {
        fputs("imaperr: out of memory\n", stderr);
        exit(1);
    }
    b->p = p;
    b->cap = cap;
}

#ifdef __SSE2__
/* Bytes that need an escape (as needs_escape()), for the short strings
 * and the tails that the sixteen-byte steps leave. */
#define ESC_(c) ((c) < 0x20 || (c) == 0x7f || (c) == '"' || (c) == '\\')
#define ESC4_(c) ESC_(c), ESC_((c) + 1), ESC_((c) + 2), ESC_((c) + 3)
#define ESC16_(c) ESC4_(c), ESC4_((c) + 4), ESC4_((c) + 8), ESC4_((c) + 12)
#define ESC64_(c) ESC16_(c), ESC16_((c) + 16), ESC16_((c) + 32), ESC16_((c) + 48)
static const unsigned char escape_byte[256] = { ESC64_(0), ESC64_(64), ESC64_(128), ESC64_(192) };

/* A bit for each of the sixteen bytes of v that needs an escape: a byte b
 * is below 0x20 exactly when min(b, 0x1f) == b, unsigned. */
static inline unsigned
escape_mask(__m128i v)
{
    const __m128i c1f = _mm_set1_epi8(0x1f), del = _mm_set1_epi8(0x7f);
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, c1f), v), _mm_cmpeq_epi8(v, del)),
                               _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
    return (unsigned)_mm_movemask_epi8(hit);
}

/* Sixteen bytes per step: each step stores its bytes at the output at
 * once (the room for the worst case is there: bytes stored past the
 * output's end are overwritten by what follows or lie past b->len) and
 * moves on to the first byte that needs an escape, if any. The last 4 to
 * 15 bytes are checked as two overlapping halves the same way. With
 * `ascii`, a byte outside printable ASCII (a control byte, DEL, or a
 * byte from 0x80) stops the copy: b->len is left as it was and the
 * result is -1; else it is 0. */
static inline __attribute__((always_inline)) int
jb_string_impl(struct jbuf *b, const char *s, size_t len, int ascii)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0;
    char *o;
    /* room for the worst case (every byte as \u00XX) up front */
    if ((b->cap - b->len) / 6 < len + 2)
        jb_grow(b, 6 * len + 2);
    o = b->p + b->len;
    *o++ = '"';
    while (i < len) {
        size_t n = len - i, k;
        unsigned m;
        unsigned char c;
        if (n >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            _mm_storeu_si128((__m128i *)(void *)o, v);
            m = escape_mask(v) | (ascii ? (unsigned)_mm_movemask_epi8(v) : 0u);
            if (m == 0) {
                i += 16;
                o += 16;
                continue;
            }
            k = (unsigned)__builtin_ctz(m);
        } else if (n >= 8) {
            /* bytes 0-7 and n-8..n-1 (overlapping) */
            __m128i lo = _mm_loadl_epi64((const __m128i *)(const void *)(s + i));
            __m128i hi = _mm_loadl_epi64((const __m128i *)(const void *)(s + len - 8));
            _mm_storel_epi64((__m128i *)(void *)o, lo);
            _mm_storel_epi64((__m128i *)(void *)(o + n - 8), hi);
            m = escape_mask(_mm_unpacklo_epi64(lo, hi));
            if (ascii)
                m |= (unsigned)_mm_movemask_epi8(_mm_unpacklo_epi64(lo, hi));
            if (m == 0) {
                o += n;
                break;
            }
            k = (m & 0xffu) ? (unsigned)__builtin_ctz(m) : n - 8 + (unsigned)__builtin_ctz(m >> 8);
        } else if (n >= 4) {
            /* bytes 0-3 and n-4..n-1 (overlapping) */
            uint32_t a, z;
            memcpy(&a, s + i, 4);
            memcpy(&z, s + len - 4, 4);
            memcpy(o, &a, 4);
            memcpy(o + n - 4, &z, 4);
            {
                __m128i v4 = _mm_unpacklo_epi32(_mm_cvtsi32_si128((int)a), _mm_cvtsi32_si128((int)z));
                m = escape_mask(v4);
                if (ascii)
                    m |= (unsigned)_mm_movemask_epi8(v4);
                m &= 0xffu;
            }
            if (m == 0) {
                o += n;
                break;
            }
            k = (m & 0xfu) ? (unsigned)__builtin_ctz(m) : n - 4 + (unsigned)__builtin_ctz(m >> 4);
        } else {
            while (i < len && !escape_byte[(unsigned char)s[i]] && (!ascii || (unsigned char)s[i] < 0x80))
                *o++ = s[i++];
            if (i >= len)
                break;
            k = 0;
        }
        i += k;
        o += k;
        c = (unsigned char)s[i++];
        if (ascii && (c < 0x20 || c >= 0x7f))
            return -1;
        o[0] = '\\';
        switch (c) {
        case '"': o[1] = '"'; o += 2; break;
        case '\\': o[1] = '\\'; o += 2; break;
        case '\n': o[1] = 'n'; o += 2; break;
        case '\r': o[1] = 'r'; o += 2; break;
        case '\t': o[1] = 't'; o += 2; break;
        default:
            o[1] = 'u';
            o[2] = '0';
            o[3] = '0';
            o[4] = hex[c >> 4];
            o[5] = hex[c & 15];
            o += 6;
            break;
        }
    }
    *o++ = '"';
    b->len = (size_t)(o - b->p);
    return 0;
}

void
jb_string(struct jbuf *b, const char *s, size_t len)
{
    (void)jb_string_impl(b, s, len, 0);
}

int
jb_string_ascii(struct jbuf *b, const char *s, size_t len)
{
    return jb_string_impl(b, s, len, 1);
}
#else
int
jb_string_ascii(struct jbuf *b, const char *s, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
            return -1;
    jb_string(b, s, len);
    return 0;
}

void
jb_string(struct jbuf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0, run;
    /* room for the worst case (every byte as \u00XX) up front */
    if ((b->cap - b->len) / 6 < len + 2)
        jb_grow(b, 6 * len + 2);
    b->p[b->len++] = '"';
    while (i < len) {
        unsigned char c;
        char *o;
        run = i;
        i = plain_run(s, i, len);
        if (i > run) {
            memcpy(b->p + b->len, s + run, i - run);
            b->len += i - run;
        }
        if (i >= len)
            break;
        c = (unsigned char)s[i++];
        o = b->p + b->len;
        o[0] = '\\';
        switch (c) {
        case '"': o[1] = '"'; b->len += 2; break;
        case '\\': o[1] = '\\'; b->len += 2; break;
        case '\n': o[1] = 'n'; b->len += 2; break;
        case '\r': o[1] = 'r'; b->len += 2; break;
        case '\t': o[1] = 't'; b->len += 2; break;
        default:
            o[1] = 'u';
            o[2] = '0';
            o[3] = '0';
            o[4] = hex[c >> 4];
            o[5] = hex[c & 15];
            b->len += 6;
            break;
        }
    }
    b->p[b->len++] = '"';
}
#endif

void
jb_u64(struct jbuf *b, unsigned long long v)
{
    char d[24];
    size_t k;
    if (v < 1000) {   /* confidences (0-100), small counts: most numbers written */
        unsigned u = (unsigned)v;
        char *o;
        if (b->cap - b->len < 3)
            jb_grow(b, 3);
        o = b->p + b->len;
        if (u >= 100)
            *o++ = (char)('0' + u / 100);
        if (u >= 10)
            *o++ = (char)('0' + u / 10 % 10);
        *o++ = (char)('0' + u % 10);
        b->len = (size_t)(o - b->p);
        return;
    }
    k = u64_digits(d, v);
    jb_put(b, d + k, sizeof d - k);
}

int
jb_flush(struct jbuf *b, FILE *f)
{
    size_t n = b->len;
    b->len = 0;
    if (n && WRITE_(b->p, n, f) != n)
        return EOF;
    return 0;
}

void
jb_free(struct jbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}
