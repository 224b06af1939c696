/* message.c - user-facing messages: gettext lookup, locale negotiation
 * (ICU, in i18n.c) and safe display of server text. */
#include <config.h>

#include <libintl.h>
#include <string.h>

#include <unicode/uchar.h>

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

int
imaperr_sanitize_text(const char *text, size_t len, char *buf, size_t cap)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, need = 0, written = 0;
    int cut = 0;

    if ((text == NULL && len > 0) || (buf == NULL && cap > 0))
        return IMAPERR_E_INVALID;
    while (i < len) {
        unsigned char enc[4];
        int32_t cp;
        size_t k;
        if (s[i] >= 0x20 && s[i] < 0x7f) {
            /* a run of printable ASCII stays as it is: copy it at once */
            size_t j = i + 1, room;
            while (j < len && s[j] >= 0x20 && s[j] < 0x7f)
                j++;
            k = j - i;
            room = cap > 0 ? cap - 1 - written : 0;
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
    }
    if (cap > 0)
        buf[written] = '\0';
    return ret_len(need);
}
