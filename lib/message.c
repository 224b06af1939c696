/* message.c - user-facing messages: gettext lookup, locale negotiation
 * (ICU, in i18n.c) and safe display of server text. */
#include <config.h>

#include <libintl.h>
#include <string.h>

#include <unicode/uchar.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "internal.h"
#include "i18n.h"

/* ---- snprintf-style output, cut at a UTF-8 boundary ------------------- */

size_t
imaperr__copy_out(const char *src, size_t srclen, char *buf, size_t cap)
{
    if (cap > 0) {
        size_t n = srclen < cap - 1 ? srclen : cap - 1;
        if (n < srclen)
            while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
                n--;
        memcpy(buf, src, n);
        buf[n] = '\0';
    }
    return srclen;
}

static int
ret_len(size_t n)
{
    return n > (size_t)INT32_MAX ? INT32_MAX : (int)n;
}

/* ---- locale negotiation ------------------------------------------------ */

int
imaperr_negotiate_locale(const char *request, char *buf, size_t cap, int *fallback)
{
    const char *chosen;
    unsigned lang = 0;
    int fb = 0, rc;

    if (buf == NULL && cap > 0)
        return IMAPERR_E_INVALID;
    rc = imaperr__negotiate(request, &lang, &fb);
    if (rc < 0)
        return rc;
    chosen = imaperr__lang_name(lang);
    if (fallback)
        *fallback = fb;
    return ret_len(imaperr__copy_out(chosen, strlen(chosen), buf, cap));
}

/* ---- messages ---------------------------------------------------------- */

const char *
imaperr_message_key(const imaperr_classification *c)
{
    if (c == NULL || c->size < sizeof(imaperr_classification) ||
        c->message >= imaperr__message_count)
        return NULL;
    return imaperr__message_keys[c->message];
}

int
imaperr_message(const imaperr_classification *c, const char *locale, char *buf, size_t cap)
{
    const char *text;

    if (c == NULL || c->size < sizeof(imaperr_classification) || (buf == NULL && cap > 0) ||
        c->message >= imaperr__message_count)
        return IMAPERR_E_INVALID;
    text = imaperr__messages[c->message];
    if (locale == NULL) {
        /* The process's message locale, as gettext reads it. */
        imaperr__bind_domain();
        text = dgettext(PACKAGE, text);
    } else {
        /* An explicit request: our own catalog reader (no installed system
         * locale needed, $LANGUAGE does not interfere). */
        unsigned lang = 0;
        int fb = 0;
        int rc = imaperr__negotiate(locale, &lang, &fb);
        if (rc < 0)
            return rc;
        if (lang > 0) {
            const imaperr__catalog *cat = imaperr__lang_catalog(lang);
            if (cat != NULL)
                text = imaperr__catalog_gettext(cat, text);
        }
    }
    if (text == NULL || text[0] == '\0')
        text = imaperr__messages[c->message];
    return ret_len(imaperr__copy_out(text, strlen(text), buf, cap));
}

/* ---- sanitising server text ------------------------------------------- */

/* Decode one UTF-8 sequence at s (n > 0 bytes). Returns its length and the
 * code point, or length 1 and -1 for an invalid byte (overlong forms,
 * surrogates and values past U+10FFFF are invalid). */
size_t
imaperr__utf8_next(const unsigned char *s, size_t n, int32_t *cp)
{
    unsigned char c = s[0];
    size_t len, i;
    int32_t v, min;

    if (c < 0x80) { *cp = c; return 1; }
    if (c >= 0xC2 && c <= 0xDF) { len = 2; v = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; v = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; v = c & 0x07; min = 0x10000; }
    else { *cp = -1; return 1; }
    if (n < len) { *cp = -1; return 1; }
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) { *cp = -1; return 1; }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) { *cp = -1; return 1; }
    *cp = v;
    return len;
}

static size_t
utf8_put(int32_t cp, unsigned char out[4])
{
    if (cp < 0x80) { out[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The display form of one code point: -1 to drop it. */
static int32_t
display_cp(int32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
        return 0xFFFD;          /* C0, DEL, C1 (and invalid input, -1) */
    if (u_hasBinaryProperty(cp, UCHAR_BIDI_CONTROL))
        return -1;              /* bidi overrides, embeddings, isolates, marks */
    if (cp == 0x2028 || cp == 0x2029)
        return ' ';             /* line and paragraph separators */
    return cp;
}

/* The end of the run of printable ASCII (0x20-0x7e) from s[j] before
 * s[end]: sixteen bytes per step where SSE2 is there (every x86-64). */
static size_t
printable_run(const unsigned char *s, size_t j, size_t end)
{
#ifdef __SSE2__
    const __m128i c1f = _mm_set1_epi8(0x1f), del = _mm_set1_epi8(0x7f);
    while (end - j >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + j));
        /* below 0x20 (min(b, 0x1f) == b), DEL, or the top bit set */
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
                         _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, c1f), v), _mm_cmpeq_epi8(v, del)), v));
        if (m != 0)
            return j + (unsigned)__builtin_ctz(m);
        j += 16;
    }
#endif
    while (j < end && s[j] >= 0x20 && s[j] < 0x7f)
        j++;
    return j;
}

/* The sanitiser. With `stop` set it returns as soon as the output is cut
 * (the rest of a long text is not read): the bytes written are the same,
 * and the returned length is then at least cap, though not the full one. */
static size_t
sanitize(const unsigned char *s, size_t len, char *buf, size_t cap, int stop)
{
    size_t i = 0, need = 0, written = 0;
    int cut = 0;

    while (i < len) {
        unsigned char enc[4];
        int32_t cp;
        size_t k;
        if (s[i] >= 0x20 && s[i] < 0x7f) {
            /* a run of printable ASCII stays as it is: copy it at once */
            size_t j = i + 1, room, end = len;
            room = cap > 0 ? cap - 1 - written : 0;
            if (stop && end - i > room + 1)
                end = i + room + 1;   /* one byte past the room shows the cut */
            j = printable_run(s, j, end);
            k = j - i;
            if (!cut) {
                size_t take = k <= room ? k : room;
                if (take > 0) {
                    memcpy(buf + written, s + i, take);
                    written += take;
                }
                if (take < k)
                    cut = 1;
            }
            need += k;
            i = j;
            if (cut && stop)
                break;
            continue;
        }
        i += imaperr__utf8_next(s + i, len - i, &cp);
        cp = display_cp(cp);
        if (cp < 0)
            continue;
        k = utf8_put(cp, enc);
        if (!cut && cap > 0 && written + k <= cap - 1) {
            memcpy(buf + written, enc, k);
            written += k;
        } else {
            cut = 1;
        }
        need += k;
        if (cut && stop)
            break;
    }
    if (cap > 0)
        buf[written] = '\0';
    return need;
}

int
imaperr_sanitize_text(const char *text, size_t len, char *buf, size_t cap)
{
    if ((text == NULL && len > 0) || (buf == NULL && cap > 0))
        return IMAPERR_E_INVALID;
    return ret_len(sanitize((const unsigned char *)text, len, buf, cap, 0));
}

size_t
imaperr__sanitize_prefix(const char *text, size_t len, char *buf, size_t cap, int *cut)
{
    size_t n = sanitize((const unsigned char *)text, len, buf, cap, 1);
    *cut = n >= cap;
    return *cut ? strlen(buf) : n;
}
