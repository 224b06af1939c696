/* i18n.c - languages, catalogs and ICU formatting for the explain layer.
 *
 * Process-wide state, all of it created on first use and never freed (like
 * glibc's own catalog cache), published through C11 atomics:
 *   - one `struct lang_state` per language (English + po/LINGUAS): the
 *     catalog read by catalog.c, the ICU number formatters (thread-safe
 *     per ICU's documentation, so shared), the relative-time formatter
 *     (not documented as thread-safe: used under the state's own mutex),
 *     and the language's quotation marks;
 *   - a small cache of negotiated requests (ICU's matcher costs ~20 us);
 *   - the locale directory, read once.
 * Creation happens under one mutex; readers only do an acquire load. ICU
 * is always given the locale explicitly: no ICU default or global is ever
 * touched, and no ICU type leaves this file and its header.
 */
#define _GNU_SOURCE 1
#include <config.h>

#include <libintl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/uenum.h>
#include <unicode/uloc.h>
#include <unicode/ulocdata.h>
#include <unicode/unumberformatter.h>
#include <unicode/ureldatefmt.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>

#include "internal.h"
#include "i18n.h"

#define MAX_LANGS 64

/* ---- locale directory and the gettext binding ------------------------- */

static pthread_once_t dir_once = PTHREAD_ONCE_INIT;
static char localedir_buf[4096];
static const char *localedir_value = LOCALEDIR;

static void
init_localedir(void)
{
    /* secure_getenv: ignored in set-user-ID programs, so the variable can
     * never make a privileged program read a catalog of the caller's. */
    const char *d = secure_getenv("IMAPERR_LOCALEDIR");
    if (d != NULL && d[0] != '\0' && strlen(d) < sizeof localedir_buf) {
        memcpy(localedir_buf, d, strlen(d) + 1);
        localedir_value = localedir_buf;
    }
}

const char *
imaperr__localedir(void)
{
    pthread_once(&dir_once, init_localedir);
    return localedir_value;
}

static pthread_once_t bind_once = PTHREAD_ONCE_INIT;

static void
bind_domain(void)
{
    bindtextdomain(PACKAGE, imaperr__localedir());
    bind_textdomain_codeset(PACKAGE, "UTF-8");
}

void
imaperr__bind_domain(void)
{
    pthread_once(&bind_once, bind_domain);
}

/* ---- languages --------------------------------------------------------- */

unsigned
imaperr__lang_count(void)
{
    unsigned n = imaperr__linguas_count + 1;
    return n > MAX_LANGS ? MAX_LANGS : n;
}

const char *
imaperr__lang_name(unsigned lang)
{
    if (lang == 0 || lang >= imaperr__lang_count())
        return "en";
    return imaperr__linguas[lang - 1];
}

/* ---- negotiation ------------------------------------------------------- */

/* Rewrite a request into an Accept-Language list ICU understands:
 * elements separated by ',' (or by ':' in a $LANGUAGE-style list), each a
 * POSIX locale ("de_AT.UTF-8@euro") or a BCP 47 tag, with optional ";q=".
 * Codeset and modifier are cut, '_' becomes '-', "C"/"POSIX" elements are
 * dropped. Returns the length of the result. */
static size_t
normalize_request(const char *req, size_t len, char *out, size_t cap)
{
    size_t i = 0, o = 0;
    int colon_list = memchr(req, ':', len) != NULL && memchr(req, ',', len) == NULL &&
                     memchr(req, ';', len) == NULL;
    char sep = colon_list ? ':' : ',';

    while (i < len) {
        size_t start = i, end, tag_end, k;
        while (i < len && req[i] != sep)
            i++;
        end = i;
        if (i < len)
            i++;   /* the separator */
        while (start < end && (req[start] == ' ' || req[start] == '\t'))
            start++;
        while (end > start && (req[end - 1] == ' ' || req[end - 1] == '\t'))
            end--;
        /* the tag stops at ';' (parameters follow) */
        for (tag_end = start; tag_end < end && req[tag_end] != ';'; tag_end++)
            ;
        k = start;
        while (k < tag_end && req[k] != '.' && req[k] != '@' && req[k] != ' ')
            k++;
        if (k == start)
            continue;
        if ((k - start == 1 && req[start] == 'C') ||
            (k - start == 5 && memcmp(req + start, "POSIX", 5) == 0))
            continue;
        if (o + (k - start) + (end - tag_end) + 2 >= cap)
            break;
        if (o > 0)
            out[o++] = ',';
        for (; start < k; start++)
            out[o++] = req[start] == '_' ? '-' : req[start];
        memcpy(out + o, req + tag_end, end - tag_end);
        o += end - tag_end;
    }
    out[o] = '\0';
    return o;
}

static int
negotiate_icu(const char *request, unsigned *lang, int *fallback)
{
    const char *avail[MAX_LANGS];
    char req[256], norm[512], result[ULOC_FULLNAME_CAPACITY];
    UAcceptResult outcome = ULOC_ACCEPT_FAILED;
    UErrorCode ec = U_ZERO_ERROR;
    UEnumeration *en;
    size_t i, n = imaperr__lang_count(), len;

    *lang = 0;
    *fallback = 0;
    len = strlen(request);
    if (len >= sizeof req) {
        /* A long Accept-Language list: keep the entries that fit (they come
         * first, as browsers list them by preference). */
        const char *cut = NULL;
        for (i = 0; i < sizeof req - 1; i++)
            if (request[i] == ',' || request[i] == ':')
                cut = request + i;
        if (cut == NULL) {
            *fallback = 1;
            return 0;
        }
        len = (size_t)(cut - request);
    }
    memcpy(req, request, len);
    req[len] = '\0';
    if (normalize_request(req, len, norm, sizeof norm) == 0) {
        *fallback = 1;
        return 0;
    }
    for (i = 0; i < n; i++)
        avail[i] = imaperr__lang_name((unsigned)i);
    en = uenum_openCharStringsEnumeration(avail, (int32_t)n, &ec);
    if (U_FAILURE(ec))
        return IMAPERR_E_INTERNAL;
    result[0] = '\0';
    uloc_acceptLanguageFromHTTP(result, (int32_t)sizeof result, &outcome, norm, en, &ec);
    uenum_close(en);
    if (U_FAILURE(ec) || outcome == ULOC_ACCEPT_FAILED || result[0] == '\0') {
        *fallback = 1;
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (strcmp(result, avail[i]) == 0) {
            *lang = (unsigned)i;
            return 0;
        }
    }
    *fallback = 1;
    return 0;
}

/* Cache of negotiated requests: a fixed table of immutable entries. A slot
 * is filled once (compare-and-swap from NULL) and never replaced, so at
 * most NEG_SLOTS entries ever exist; requests that collide with a filled
 * slot are simply negotiated again. */
#define NEG_SLOTS 128
#define NEG_MAX_REQ 128
struct neg_entry {
    unsigned lang;
    int fallback;
    char req[NEG_MAX_REQ];
};
static _Atomic(struct neg_entry *) neg_cache[NEG_SLOTS];

static unsigned
hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return (unsigned)(h % NEG_SLOTS);
}

/* ICU initialises its shared data (likely subtags, locale distances,
 * break rules, converter tables, property tries) lazily on first use,
 * publishing it with atomics inside ICU. Doing that first use once, under
 * pthread_once, gives every later call a plain happens-before edge (which
 * ThreadSanitizer can see; ICU is not built with it). */
static pthread_once_t icu_once = PTHREAD_ONCE_INIT;

static void
warm_up_icu(void)
{
    static const char *const avail[] = { "en", "de", "pt_BR", "zh_TW" };
    char result[ULOC_FULLNAME_CAPACITY];
    UAcceptResult outcome;
    UErrorCode ec = U_ZERO_ERROR;
    UEnumeration *en = uenum_openCharStringsEnumeration(avail, 4, &ec);
    UConverter *cnv;
    UBreakIterator *bi;
    UChar u[8];
    if (U_SUCCESS(ec))
        uloc_acceptLanguageFromHTTP(result, (int32_t)sizeof result, &outcome, "de-AT,zh-HK;q=0.5", en, &ec);
    if (en)
        uenum_close(en);
    ec = U_ZERO_ERROR;
    cnv = ucnv_open("IMAP-mailbox-name", &ec);
    if (U_SUCCESS(ec))
        ucnv_toUChars(cnv, u, 8, "&APw-", 5, &ec);
    if (cnv)
        ucnv_close(cnv);
    ec = U_ZERO_ERROR;
    u[0] = 'a';
    u[1] = 0x301;
    bi = ubrk_open(UBRK_CHARACTER, "", u, 2, &ec);
    if (U_SUCCESS(ec))
        ubrk_next(bi);
    if (bi)
        ubrk_close(bi);
    (void)u_hasBinaryProperty(0x202E, UCHAR_BIDI_CONTROL);
}

void
imaperr__icu_ready(void)
{
    pthread_once(&icu_once, warm_up_icu);
}

int
imaperr__negotiate(const char *request, unsigned *lang, int *fallback)
{
    struct neg_entry *e, *expected = NULL;
    unsigned slot;
    size_t len;
    int rc;

    imaperr__icu_ready();
    *lang = 0;
    *fallback = 0;
    if (request == NULL || request[0] == '\0' || strcmp(request, "C") == 0 ||
        strcmp(request, "POSIX") == 0 || strncmp(request, "C.", 2) == 0)
        return 0;
    len = strlen(request);
    if (len >= NEG_MAX_REQ)
        return negotiate_icu(request, lang, fallback);
    slot = hash_str(request);
    e = atomic_load_explicit(&neg_cache[slot], memory_order_acquire);
    if (e != NULL && strcmp(e->req, request) == 0) {
        *lang = e->lang;
        *fallback = e->fallback;
        return 0;
    }
    rc = negotiate_icu(request, lang, fallback);
    if (rc != 0 || e != NULL)
        return rc;
    e = malloc(sizeof *e);
    if (e == NULL)
        return 0;
    e->lang = *lang;
    e->fallback = *fallback;
    memcpy(e->req, request, len + 1);
    if (!atomic_compare_exchange_strong_explicit(&neg_cache[slot], &expected, e,
                                                 memory_order_acq_rel, memory_order_acquire))
        free(e);
    return 0;
}

/* ---- per-language state ------------------------------------------------ */

enum { UNIT_BYTE, UNIT_KB, UNIT_MB, UNIT_GB, UNIT_TB, UNIT_PB, N_UNITS };
static const char *const unit_skeleton[N_UNITS] = {
    "measure-unit/digital-byte", "measure-unit/digital-kilobyte", "measure-unit/digital-megabyte",
    "measure-unit/digital-gigabyte", "measure-unit/digital-terabyte", "measure-unit/digital-petabyte"
};

struct lang_state {
    imaperr__catalog *cat;          /* NULL: English, or the catalog failed */
    int cat_error;                  /* IMAPERR__CAT_* of a failed load */
    char qopen[16], qclose[16];     /* quotation marks, UTF-8 */
    UNumberFormatter *count_fmt;
    UNumberFormatter *size_fmt[N_UNITS][2];   /* [unit][0: integer, 1: one decimal] */
    URelativeDateTimeFormatter *rel;
    pthread_mutex_t rel_lock;
};

static _Atomic(struct lang_state *) states[MAX_LANGS];
static pthread_mutex_t states_lock = PTHREAD_MUTEX_INITIALIZER;

static void
uchars_to_utf8(const UChar *u, int32_t n, char *buf, size_t cap)
{
    UErrorCode ec = U_ZERO_ERROR;
    int32_t len = 0;
    buf[0] = '\0';
    if (cap < 2)
        return;
    u_strToUTF8(buf, (int32_t)(cap - 1), &len, u, n, &ec);
    if (U_FAILURE(ec) || len < 0 || (size_t)len >= cap)
        buf[0] = '\0';
    else
        buf[len] = '\0';
}

static UNumberFormatter *
open_formatter(const char *skeleton, const char *locale)
{
    UChar sk[160];
    UErrorCode ec = U_ZERO_ERROR;
    UNumberFormatter *f;
    size_t n = strlen(skeleton);
    if (n >= sizeof sk / sizeof sk[0])
        return NULL;
    u_charsToUChars(skeleton, sk, (int32_t)n + 1);   /* invariant ASCII */
    f = unumf_openForSkeletonAndLocale(sk, -1, locale, &ec);
    if (U_FAILURE(ec)) {
        if (f)
            unumf_close(f);
        return NULL;
    }
    return f;
}

static int format_number(const UNumberFormatter *f, double v, char *buf, size_t cap);

static struct lang_state *
create_state(unsigned lang)
{
    struct lang_state *s = calloc(1, sizeof *s);
    const char *name = imaperr__lang_name(lang);
    UErrorCode ec = U_ZERO_ERROR;
    ULocaleData *ld;
    UChar q[8];
    int32_t n;
    int u;

    if (s == NULL)
        return NULL;
    if (lang > 0) {
        char path[4200];
        int len = snprintf(path, sizeof path, "%s/%s/LC_MESSAGES/%s.mo", imaperr__localedir(), name,
                           PACKAGE);
        if (len > 0 && (size_t)len < sizeof path)
            s->cat_error = imaperr__catalog_load(path, &s->cat);
        else
            s->cat_error = IMAPERR__CAT_ENOENT;
    }
    /* quotation marks from CLDR; English-style ones when ICU has none */
    strcpy(s->qopen, "\xE2\x80\x9C");
    strcpy(s->qclose, "\xE2\x80\x9D");
    ld = ulocdata_open(name, &ec);
    if (U_SUCCESS(ec)) {
        n = ulocdata_getDelimiter(ld, ULOCDATA_QUOTATION_START, q, 8, &ec);
        if (U_SUCCESS(ec) && n > 0 && n < 8)
            uchars_to_utf8(q, n, s->qopen, sizeof s->qopen);
        ec = U_ZERO_ERROR;
        n = ulocdata_getDelimiter(ld, ULOCDATA_QUOTATION_END, q, 8, &ec);
        if (U_SUCCESS(ec) && n > 0 && n < 8)
            uchars_to_utf8(q, n, s->qclose, sizeof s->qclose);
    }
    if (ld)
        ulocdata_close(ld);
    if (s->qopen[0] == '\0' || s->qclose[0] == '\0') {
        strcpy(s->qopen, "\xE2\x80\x9C");
        strcpy(s->qclose, "\xE2\x80\x9D");
    }
    /* French sets guillemets off with a no-break space (« texte »); CLDR
     * leaves spacing to the application. */
    if (strncmp(name, "fr", 2) == 0 && strcmp(s->qopen, "\xC2\xAB") == 0 && strcmp(s->qclose, "\xC2\xBB") == 0) {
        strcpy(s->qopen, "\xC2\xAB\xC2\xA0");
        strcpy(s->qclose, "\xC2\xA0\xC2\xBB");
    }

    s->count_fmt = open_formatter("precision-integer", name);
    for (u = 0; u < N_UNITS; u++) {
        char sk[128];
        snprintf(sk, sizeof sk, "%s unit-width-short precision-integer", unit_skeleton[u]);
        s->size_fmt[u][0] = open_formatter(sk, name);
        snprintf(sk, sizeof sk, "%s unit-width-short .#", unit_skeleton[u]);
        s->size_fmt[u][1] = open_formatter(sk, name);
    }
    ec = U_ZERO_ERROR;
    s->rel = ureldatefmt_open(name, NULL, UDAT_STYLE_LONG, UDISPCTX_CAPITALIZATION_NONE, &ec);
    if (U_FAILURE(ec)) {
        if (s->rel)
            ureldatefmt_close(s->rel);
        s->rel = NULL;
    }
    /* An ICU number formatter compiles itself after a few uses and then
     * publishes the result internally; make those uses here, under the
     * lock, so that the shared formatters are complete before any other
     * thread sees them. */
    for (u = 0; u < 4; u++) {
        char tmp[64];
        int k;
        format_number(s->count_fmt, 1234.0, tmp, sizeof tmp);
        for (k = 0; k < N_UNITS; k++) {
            format_number(s->size_fmt[k][0], 123.0, tmp, sizeof tmp);
            format_number(s->size_fmt[k][1], 1.5, tmp, sizeof tmp);
        }
    }
    pthread_mutex_init(&s->rel_lock, NULL);
    return s;
}

static struct lang_state *
get_state(unsigned lang)
{
    struct lang_state *s;
    if (lang >= imaperr__lang_count())
        lang = 0;
    s = atomic_load_explicit(&states[lang], memory_order_acquire);
    if (s != NULL)
        return s;
    pthread_mutex_lock(&states_lock);
    s = atomic_load_explicit(&states[lang], memory_order_relaxed);
    if (s == NULL) {
        s = create_state(lang);
        if (s != NULL)
            atomic_store_explicit(&states[lang], s, memory_order_release);
    }
    pthread_mutex_unlock(&states_lock);
    return s;
}

const imaperr__catalog *
imaperr__lang_catalog(unsigned lang)
{
    struct lang_state *s;
    if (lang == 0)
        return NULL;
    s = get_state(lang);
    return s ? s->cat : NULL;
}

void
imaperr__quotes(unsigned lang, const char **open, const char **close)
{
    struct lang_state *s = get_state(lang);
    *open = s ? s->qopen : "\xE2\x80\x9C";
    *close = s ? s->qclose : "\xE2\x80\x9D";
}

/* ---- value formatting -------------------------------------------------- */

static int
format_number(const UNumberFormatter *f, double v, char *buf, size_t cap)
{
    UErrorCode ec = U_ZERO_ERROR;
    UFormattedNumber *res;
    UChar u[64];
    int32_t n;
    if (f == NULL || cap < 2)
        return -1;
    res = unumf_openResult(&ec);
    if (U_FAILURE(ec))
        return -1;
    unumf_formatDouble(f, v, res, &ec);
    n = unumf_resultToString(res, u, 64, &ec);
    unumf_closeResult(res);
    if (U_FAILURE(ec) || n <= 0 || n >= 64)
        return -1;
    uchars_to_utf8(u, n, buf, cap);
    return buf[0] ? (int)strlen(buf) : -1;
}

int
imaperr__format_count(unsigned lang, uint64_t n, char *buf, size_t cap)
{
    struct lang_state *s = get_state(lang);
    return s ? format_number(s->count_fmt, (double)n, buf, cap) : -1;
}

/* Sizes: IMAP counts quota in units of 1024 octets (RFC 9208); we show the
 * number of bytes with the decimal units CLDR defines (1 kB = 1000 bytes,
 * 1 MB = 1000 kB, ...), the convention of GNOME, KDE and macOS. A 1 GiB
 * quota (1,048,576 KiB) thus reads "1.1 GB". See doc/i18n.md. */
int
imaperr__format_size(unsigned lang, uint64_t kib, char *buf, size_t cap)
{
    struct lang_state *s = get_state(lang);
    double v = (double)kib * 1024.0;
    int unit = 0, frac;
    if (s == NULL)
        return -1;
    while (unit < N_UNITS - 1 && v >= 1000.0) {
        v /= 1000.0;
        unit++;
    }
    /* one decimal below 10 (1.5 GB), whole numbers above (15 GB); a value
     * that rounds up to 1000 moves to the next unit */
    frac = unit > 0 && v < 9.95;
    if (!frac && unit < N_UNITS - 1 && v + 0.5 >= 1000.0) {
        v /= 1000.0;
        unit++;
        frac = 1;
    }
    return format_number(s->size_fmt[unit][frac], v, buf, cap);
}

/* A delay as ICU's relative time in the future ("in 5 minutes"): seconds
 * below a minute (rounded up), minutes below an hour, hours below two days,
 * then days; always numeric ("in 1 day", not "tomorrow"). */
int
imaperr__format_relative(unsigned lang, uint64_t ms, char *buf, size_t cap)
{
    struct lang_state *s = get_state(lang);
    URelativeDateTimeUnit unit;
    UErrorCode ec = U_ZERO_ERROR;
    double v;
    UChar u[128];
    int32_t n;

    if (s == NULL || s->rel == NULL || ms == 0 || cap < 2)
        return -1;
    if ((ms + 999) / 1000 < 60) {
        unit = UDAT_REL_UNIT_SECOND;
        v = (double)((ms + 999) / 1000);
    } else {
        uint64_t minutes = ms < 60000 ? 1 : (ms + 30000) / 60000;
        if (minutes < 60) {
            unit = UDAT_REL_UNIT_MINUTE;
            v = (double)minutes;
        } else {
            uint64_t hours = (ms + 1800000) / 3600000;
            if (hours < 48) {
                unit = UDAT_REL_UNIT_HOUR;
                v = (double)hours;
            } else {
                unit = UDAT_REL_UNIT_DAY;
                v = (double)((ms + 43200000) / 86400000);
            }
        }
    }
    pthread_mutex_lock(&s->rel_lock);
    n = ureldatefmt_formatNumeric(s->rel, v, unit, u, 128, &ec);
    pthread_mutex_unlock(&s->rel_lock);
    if (U_FAILURE(ec) || n <= 0 || n >= 128)
        return -1;
    uchars_to_utf8(u, n, buf, cap);
    return buf[0] ? (int)strlen(buf) : -1;
}

/* ---- text capping at grapheme boundaries ------------------------------- */

#define ELLIPSIS "\xE2\x80\xA6"

size_t
imaperr__cap_text(char *text, size_t len, size_t room, unsigned max_graphemes, size_t max_bytes,
                  int truncated_input)
{
    UErrorCode ec = U_ZERO_ERROR;
    UText *ut;
    UBreakIterator *bi;
    size_t best = 0, count = 0;
    int32_t b;
    int fits = 0;

    if (max_bytes + 4 > room)
        max_bytes = room > 4 ? room - 4 : 0;
    if (!truncated_input && len <= max_graphemes && len <= max_bytes)
        return len;   /* fewer bytes than the limit: fewer graphemes too */
    ut = utext_openUTF8(NULL, text, (int64_t)len, &ec);
    bi = ubrk_open(UBRK_CHARACTER, "", NULL, 0, &ec);
    if (U_SUCCESS(ec))
        ubrk_setUText(bi, ut, &ec);
    if (U_SUCCESS(ec)) {
        for (b = ubrk_next(bi); b != UBRK_DONE; b = ubrk_next(bi)) {
            count++;
            if ((size_t)b == len && !truncated_input && count <= max_graphemes && len <= max_bytes) {
                fits = 1;
                break;
            }
            /* leave room for the ellipsis within the grapheme limit */
            if ((size_t)b > max_bytes || count >= max_graphemes || (size_t)b >= len)
                break;
            best = (size_t)b;
        }
    } else {
        /* no break iterator: cut at a code point boundary */
        best = len < max_bytes ? len : max_bytes;
        while (best > 0 && ((unsigned char)text[best] & 0xC0) == 0x80)
            best--;
    }
    if (bi)
        ubrk_close(bi);
    if (ut)
        utext_close(ut);
    if (fits)
        return len;
    while (best > 0 && text[best - 1] == ' ')
        best--;
    memcpy(text + best, ELLIPSIS, 3);
    text[best + 3] = '\0';
    return best + 3;
}

/* ---- mailbox names ----------------------------------------------------- */

size_t
imaperr__decode_mailbox(const char *name, size_t len, int utf8, char *buf, size_t cap)
{
    size_t i;
    int ascii = 1, amp = 0;
    int rc;

    for (i = 0; i < len; i++) {
        if ((unsigned char)name[i] >= 0x80)
            ascii = 0;
        else if (name[i] == '&')
            amp = 1;
    }
    /* Modified UTF-7 is 7-bit: a name with 8-bit bytes is UTF-8 (or
     * garbage, which sanitising shows as U+FFFD). */
    if (!utf8 && ascii && amp && len <= 1024) {
        UChar u[1025];
        char tmp[3 * 1024 + 1];
        UErrorCode ec = U_ZERO_ERROR;
        UConverter *cnv = ucnv_open("IMAP-mailbox-name", &ec);
        int32_t n = 0, m = 0;
        if (U_SUCCESS(ec))
            ucnv_setToUCallBack(cnv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &ec);
        if (U_SUCCESS(ec))
            n = ucnv_toUChars(cnv, u, 1025, name, (int32_t)len, &ec);
        if (cnv)
            ucnv_close(cnv);
        if (U_SUCCESS(ec) && ec != U_STRING_NOT_TERMINATED_WARNING)
            u_strToUTF8WithSub(tmp, (int32_t)sizeof tmp, &m, u, n, 0xFFFD, NULL, &ec);
        if (U_SUCCESS(ec) && ec != U_STRING_NOT_TERMINATED_WARNING && m >= 0) {
            rc = imaperr_sanitize_text(tmp, (size_t)m, buf, cap);
            return rc < 0 ? 0 : (size_t)rc;
        }
        /* not valid modified UTF-7: show the bytes as they are */
    }
    rc = imaperr_sanitize_text(name, len, buf, cap);
    return rc < 0 ? 0 : (size_t)rc;
}
