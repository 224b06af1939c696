/* explain.c - translated sentences with values: imaperr_explain() and
 * imaperr_explain_server_text().
 *
 * 1. The language: an explicit request is negotiated (i18n.c) and served
 *    from our own catalog reader (catalog.c); NULL goes through glibc's
 *    dgettext()/dngettext() with the process's locale.
 * 2. The message: the classification's key, or its most specific variant
 *    whose value is known (key + "-count", "-amount", "-url", "-mailbox",
 *    "-retry", tried in that order; lib/messages.tsv defines them). With
 *    IMAPERR_EXPLAIN_NO_RETRY the retry time is ignored and the message
 *    chosen is replaced by its "-final" variant when the table has one
 *    (the wording that promises no automatic retry).
 * 3. The values, formatted for the language: numbers, sizes and relative
 *    times by ICU; names, addresses and server text sanitised, capped,
 *    quoted and isolated.
 * 4. The translated c-format string is filled by our own substitution:
 *    only "%N$s" (N within the message's argument count) and "%%" are
 *    understood; a translation with anything else is not used (English
 *    is). A translated string never reaches printf.
 */
#define _GNU_SOURCE 1
#include <config.h>

#include <langinfo.h>
#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <string.h>

#include "internal.h"
#include "i18n.h"

#define FSI "\xE2\x81\xA8"   /* U+2068 FIRST STRONG ISOLATE */
#define PDI "\xE2\x81\xA9"   /* U+2069 POP DIRECTIONAL ISOLATE */

/* ---- variants ---------------------------------------------------------- */

enum { V_COUNT, V_AMOUNT, V_URL, V_MAILBOX, V_RETRY, N_VARIANTS };
static const char *const variant_suffix[N_VARIANTS] = { "-count", "-amount", "-url", "-mailbox", "-retry" };
static const unsigned variant_value[N_VARIANTS] = {
    IMAPERR_VALUE_COUNT, IMAPERR_VALUE_QUOTA, IMAPERR_VALUE_URL, IMAPERR_VALUE_MAILBOX, IMAPERR_VALUE_RETRY
};

#define MAX_MESSAGES 512
static short variants[MAX_MESSAGES][N_VARIANTS];
/* key + "-final": the wording without a promised retry, or -1 */
static short final_variant[MAX_MESSAGES];
static const char final_suffix[] = "-final";
static pthread_once_t variants_once = PTHREAD_ONCE_INIT;

static void
init_variants(void)
{
    unsigned i, j, v;
    for (i = 0; i < MAX_MESSAGES; i++) {
        for (v = 0; v < N_VARIANTS; v++)
            variants[i][v] = -1;
        final_variant[i] = -1;
    }
    for (i = 0; i < imaperr__message_count && i < MAX_MESSAGES; i++) {
        const char *base = imaperr__message_keys[i];
        size_t bl = strlen(base);
        for (j = 0; j < imaperr__message_count && j < MAX_MESSAGES; j++) {
            const char *k = imaperr__message_keys[j];
            if (strncmp(k, base, bl) != 0)
                continue;
            for (v = 0; v < N_VARIANTS; v++)
                if (strcmp(k + bl, variant_suffix[v]) == 0)
                    variants[i][v] = (short)j;
            if (strcmp(k + bl, final_suffix) == 0)
                final_variant[i] = (short)j;
        }
    }
}

/* ---- output with the snprintf contract --------------------------------- */

struct writer {
    char *buf;
    size_t cap;
    size_t len;    /* bytes written */
    size_t need;   /* bytes the whole text needs */
    int full;
};

static void
w_put(struct writer *w, const char *s, size_t n)
{
    size_t room, k;
    w->need += n;
    if (w->full || w->cap == 0)
        return;
    room = w->cap - 1 - w->len;
    if (n <= room) {
        memcpy(w->buf + w->len, s, n);
        w->len += n;
        return;
    }
    /* cut before the character that does not fit */
    k = room;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    memcpy(w->buf + w->len, s, k);
    w->len += k;
    w->full = 1;
}

static int
w_finish(struct writer *w)
{
    if (w->cap > 0)
        w->buf[w->len] = '\0';
    return w->need > (size_t)INT32_MAX ? INT32_MAX : (int)w->need;
}

/* ---- c-format substitution --------------------------------------------- */

/* 0 when `t` uses only %N$s with 1 <= N <= nargs and %%. */
static int
check_template(const char *t, unsigned nargs)
{
    const char *p;
    for (p = t; *p; p++) {
        if (*p != '%')
            continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        if (p[1] >= '1' && p[1] <= '9' && p[2] == '$' && p[3] == 's' && (unsigned)(p[1] - '0') <= nargs) {
            p += 3;
            continue;
        }
        return -1;
    }
    return 0;
}

struct value {
    const char *s;
    size_t len;
};

static void
substitute(struct writer *w, const char *t, unsigned nargs, const struct value *args)
{
    const char *p = t, *run = t;
    if (nargs == 0) {   /* not a c-format message: verbatim */
        w_put(w, t, strlen(t));
        return;
    }
    while (*p) {
        if (*p != '%') {
            p++;
            continue;
        }
        w_put(w, run, (size_t)(p - run));
        if (p[1] == '%') {
            w_put(w, "%", 1);
            p += 2;
        } else {   /* checked: %N$s */
            const struct value *v = &args[p[1] - '1'];
            w_put(w, v->s, v->len);
            p += 4;
        }
        run = p;
    }
    w_put(w, run, (size_t)(p - run));
}

/* ---- language of a call ------------------------------------------------ */

struct lang_choice {
    int process;                   /* 1: NULL locale, glibc's gettext */
    unsigned lang;                 /* index for ICU formatting (and catalog) */
    const imaperr__catalog *cat;   /* explicit requests */
    int fallback;
    char name[32];
};

static int
is_english_or_c(const char *name)
{
    return strcmp(name, "C") == 0 || strcmp(name, "POSIX") == 0 || strncmp(name, "C.", 2) == 0 ||
           (name[0] == 'e' && name[1] == 'n' && (name[2] == '\0' || name[2] == '_' || name[2] == '.' ||
                                                  name[2] == '@'));
}

static int
choose_language(const char *locale, struct lang_choice *lc)
{
    memset(lc, 0, sizeof *lc);
    imaperr__icu_ready();
    if (locale == NULL) {
        /* glibc picks the catalog; its header says which language it is */
        char language[32];
        const char *header;
        int fb = 0;
        imaperr__bind_domain();
        header = dgettext(PACKAGE, "");
        lc->process = 1;
        language[0] = '\0';
        if (header != NULL && header[0] != '\0')
            imaperr__header_field(header, "Language", language, sizeof language);
        if (language[0] == '\0') {
            /* no catalog: English; a fallback unless English was wanted */
            const char *cur = nl_langinfo(_NL_LOCALE_NAME(LC_MESSAGES));
            strcpy(lc->name, "en");
            lc->fallback = cur != NULL && !is_english_or_c(cur);
            return 0;
        }
        if (imaperr__negotiate(language, &lc->lang, &fb) < 0)
            lc->lang = 0;
        memcpy(lc->name, language, strlen(language) + 1);
        return 0;
    } else {
        int rc = imaperr__negotiate(locale, &lc->lang, &lc->fallback);
        if (rc < 0)
            return rc;
        if (lc->lang > 0) {
            lc->cat = imaperr__lang_catalog(lc->lang);
            if (lc->cat == NULL) {   /* shipped but unreadable: English */
                lc->lang = 0;
                lc->fallback = 1;
            }
        }
        strcpy(lc->name, imaperr__lang_name(lc->lang));
    }
    return 0;
}

/* The translated text of message `idx` (n chooses plural forms), checked
 * for its placeholders; the English source when the translation is
 * missing, empty or unusable. */
static const char *
message_text(const struct lang_choice *lc, unsigned idx, unsigned long n)
{
    const char *en = imaperr__messages[idx];
    const char *en_pl = imaperr__messages_plural[idx];
    const char *t;
    if (lc->process)
        t = en_pl ? dngettext(PACKAGE, en, en_pl, n) : dgettext(PACKAGE, en);
    else if (lc->cat)
        t = en_pl ? imaperr__catalog_ngettext(lc->cat, en, en_pl, n) : imaperr__catalog_gettext(lc->cat, en);
    else
        t = en_pl && n != 1 ? en_pl : en;
    /* the English source needs no check: it is also what a failed check
     * falls back to */
    if (t != en && t != en_pl &&
        (t == NULL || t[0] == '\0' || check_template(t, imaperr__message_nargs[idx]) != 0))
        t = en_pl && n != 1 ? en_pl : en;
    return t;
}

/* ---- values ------------------------------------------------------------ */

#define NAME_MAX_GRAPHEMES 100
#define NAME_MAX_BYTES 400
#define URL_MAX_GRAPHEMES 300
#define URL_MAX_BYTES 900
#define TEXT_DEFAULT_GRAPHEMES 200
#define TEXT_MAX_GRAPHEMES 1000
#define TEXT_MAX_BYTES 4000

/* open quote + FSI + text + PDI + close quote into out (room for 40 more
 * bytes than len is required). */
static size_t
quote_isolate(unsigned lang, const char *text, size_t len, char *out)
{
    const char *qo, *qc;
    size_t o = 0, k;
    imaperr__quotes(lang, &qo, &qc);
    k = strlen(qo);
    memcpy(out + o, qo, k);
    o += k;
    memcpy(out + o, FSI, 3);
    o += 3;
    memmove(out + o, text, len);
    o += len;
    memcpy(out + o, PDI, 3);
    o += 3;
    k = strlen(qc);
    memcpy(out + o, qc, k);
    o += k;
    out[o] = '\0';
    return o;
}

/* Sanitise, cap, quote and isolate text into out (cap bytes, at least
 * max_bytes + 64). */
static size_t
display_text(unsigned lang, const char *text, size_t len, unsigned max_graphemes, size_t max_bytes,
             char *out, size_t cap)
{
    char tmp[TEXT_MAX_BYTES + 64];
    size_t room = max_bytes + 8 < sizeof tmp ? max_bytes + 8 : sizeof tmp;
    size_t got;
    int truncated;
    if (text == NULL && len > 0)
        return 0;
    /* only what can be shown is read: a 10 MiB text costs no more than 4 kB */
    got = imaperr__sanitize_prefix(text, len, tmp, room, &truncated);
    got = imaperr__cap_text(tmp, got, room, max_graphemes, max_bytes, truncated);
    if (got + 48 > cap)
        return 0;
    return quote_isolate(lang, tmp, got, out);
}

static size_t
display_mailbox(unsigned lang, const char *name, size_t len, int utf8, char *out, size_t cap)
{
    char tmp[NAME_MAX_BYTES + 16];
    size_t n = imaperr__decode_mailbox(name, len, utf8, tmp, sizeof tmp);
    int truncated = n >= sizeof tmp;
    size_t got = truncated ? strlen(tmp) : n;
    got = imaperr__cap_text(tmp, got, sizeof tmp, NAME_MAX_GRAPHEMES, NAME_MAX_BYTES, truncated);
    if (got + 48 > cap)
        return 0;
    return quote_isolate(lang, tmp, got, out);
}

/* The decoded arguments of the response's code, when it has a registered
 * one and they decode; NULL otherwise. Decoded once per call for both
 * find_url() and find_count(). */
static const imaperr_args *
decoded_args(const imaperr_response *resp, imaperr_args *a)
{
    if (resp == NULL || resp->code == IMAPERR_CODE_NONE || resp->code == IMAPERR_CODE_UNKNOWN)
        return NULL;
    if (imaperr_args_decode(resp, a) != IMAPERR_OK || a->state != IMAPERR_ARGS_DECODED)
        return NULL;
    return a;
}

/* The code's first URL argument (WEBALERT, REFERRAL), else the hint. */
static int
find_url(const imaperr_args *a, const imaperr_classification *c, imaperr_slice *url)
{
    if (a != NULL) {
        unsigned k;
        for (k = 0; k < a->nfields && k < IMAPERR_ARGS_MAX_FIELDS; k++) {
            if (a->field[k].present && a->field[k].type == IMAPERR_FIELD_URL && a->field[k].raw.len > 0) {
                *url = a->field[k].raw;
                return 1;
            }
        }
    }
    if (c->hint_url.ptr != NULL && c->hint_url.len > 0) {
        *url = c->hint_url;
        return 1;
    }
    return 0;
}

/* A count from the code's arguments: MESSAGELIMIT's limit. */
static int
find_count(const imaperr_args *a, uint64_t *count)
{
    const imaperr_field *f;
    if (a == NULL)
        return 0;
    f = imaperr_args_field(a, "limit");
    if (f == NULL || !f->present || f->nil || f->type != IMAPERR_FIELD_NUMBER)
        return 0;
    *count = f->number;
    return 1;
}

static int
valid_ctx(const imaperr_explain_context *ctx)
{
    return ctx == NULL || ctx->size >= sizeof(imaperr_explain_context);
}

static unsigned
text_limit(const imaperr_explain_context *ctx)
{
    unsigned m = ctx ? ctx->max_text : 0;
    if (m == 0)
        return TEXT_DEFAULT_GRAPHEMES;
    return m > TEXT_MAX_GRAPHEMES ? TEXT_MAX_GRAPHEMES : m;
}

/* Append "The server said: “…”" in the chosen language, after `sep` when
 * something precedes it. Returns 1 when there was text to append. */
static int
put_server_text(struct writer *w, const struct lang_choice *lc, const imaperr_response *resp,
                const imaperr_explain_context *ctx, const char *sep)
{
    char val[TEXT_MAX_BYTES + 128];
    struct value v;
    size_t n;
    if (resp->text.ptr == NULL || resp->text.len == 0)
        return 0;
    n = display_text(lc->lang, resp->text.ptr, resp->text.len, text_limit(ctx), TEXT_MAX_BYTES, val,
                     sizeof val);
    if (n == 0)
        return 0;
    v.s = val;
    v.len = n;
    w_put(w, sep, strlen(sep));
    substitute(w, message_text(lc, imaperr__message_server_said, 1),
               imaperr__message_nargs[imaperr__message_server_said], &v);
    return 1;
}

static void
fill_info(imaperr_explain_info *info, const struct lang_choice *lc, const char *key, unsigned values,
          int server_text)
{
    size_t k;
    if (info == NULL)
        return;
    k = strlen(lc->name);
    if (k >= sizeof info->language)
        k = sizeof info->language - 1;
    memcpy(info->language, lc->name, k);
    info->language[k] = '\0';
    info->fallback = lc->fallback;
    info->key = key;
    info->values = values;
    info->server_text = server_text;
}

/* Sentence-final punctuation of CJK scripts takes no space after it. */
static int
ends_fullwidth(const char *s, size_t len)
{
    static const char *const marks[] = { "\xE3\x80\x82", "\xEF\xBC\x81", "\xEF\xBC\x9F", "\xEF\xBC\x8E" };
    size_t i;
    for (i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (len >= 3 && memcmp(s + len - 3, marks[i], 3) == 0)
            return 1;
    return 0;
}

int
imaperr_explain(const imaperr_response *resp, const imaperr_classification *c,
                const imaperr_explain_context *ctx, const char *locale, char *buf, size_t cap,
                imaperr_explain_info *info)
{
    struct lang_choice lc;
    struct writer w = { buf, cap, 0, 0, 0 };
    char val[2][URL_MAX_BYTES + 128];
    struct value args[2] = { { "", 0 }, { "", 0 } };
    unsigned idx, chosen, values = 0, known, v;
    unsigned long n = 1;
    uint64_t count = 0;
    imaperr_slice url = { NULL, 0 };
    imaperr_args args_buf = IMAPERR_ARGS_INIT;
    const imaperr_args *dargs;
    const char *t;
    int rc, server = 0, no_retry;

    if (c == NULL || c->size < sizeof(imaperr_classification) || c->message >= imaperr__message_count ||
        (buf == NULL && cap > 0) || (resp != NULL && resp->size < sizeof(imaperr_response)) ||
        !valid_ctx(ctx) || (info != NULL && info->size < sizeof(imaperr_explain_info)))
        return IMAPERR_E_INVALID;
    rc = choose_language(locale, &lc);
    if (rc < 0)
        return rc;
    pthread_once(&variants_once, init_variants);

    /* which values are known */
    known = ctx ? ctx->known : 0;
    no_retry = ctx != NULL && (ctx->options & IMAPERR_EXPLAIN_NO_RETRY);
    if (!(known & IMAPERR_VALUE_MAILBOX) || ctx->mailbox == NULL || ctx->mailbox_len == 0)
        known &= ~IMAPERR_VALUE_MAILBOX;
    if (!(known & IMAPERR_VALUE_QUOTA) || ctx->quota_limit_kib == 0)
        known &= ~IMAPERR_VALUE_QUOTA;
    if ((known & IMAPERR_VALUE_RETRY) && ctx->retry_ms == 0)
        known &= ~IMAPERR_VALUE_RETRY;
    if (!(known & IMAPERR_VALUE_RETRY) && c->hint_backoff_ms > 0)
        known |= IMAPERR_VALUE_RETRY;
    if (no_retry)   /* no retry follows: no time for it */
        known &= ~IMAPERR_VALUE_RETRY;
    dargs = decoded_args(resp, &args_buf);
    if (known & IMAPERR_VALUE_COUNT)
        count = ctx->count;
    else if (find_count(dargs, &count))
        known |= IMAPERR_VALUE_COUNT;
    known &= ~IMAPERR_VALUE_URL;
    if (find_url(dargs, c, &url))
        known |= IMAPERR_VALUE_URL;

    /* the most specific variant whose value can be formatted */
    idx = chosen = c->message;
    for (v = 0; v < N_VARIANTS && idx < MAX_MESSAGES; v++) {
        short var = variants[idx][v];
        size_t len = 0;
        int ok = 0;
        if (var < 0 || !(known & variant_value[v]))
            continue;
        switch (v) {
        case V_COUNT: {
            int k = imaperr__format_count(lc.lang, count, val[0], sizeof val[0]);
            ok = k > 0;
            args[0].len = ok ? (size_t)k : 0;
            n = count > (uint64_t)ULONG_MAX ? ULONG_MAX : (unsigned long)count;
            break;
        }
        case V_AMOUNT: {
            int a = imaperr__format_size(lc.lang, ctx->quota_used_kib, val[0], sizeof val[0]);
            int b = imaperr__format_size(lc.lang, ctx->quota_limit_kib, val[1], sizeof val[1]);
            ok = a > 0 && b > 0;
            args[0].len = ok ? (size_t)a : 0;
            args[1].len = ok ? (size_t)b : 0;
            break;
        }
        case V_URL:
            len = display_text(lc.lang, url.ptr, url.len, URL_MAX_GRAPHEMES, URL_MAX_BYTES, val[0],
                               sizeof val[0]);
            ok = len > 0;
            args[0].len = len;
            break;
        case V_MAILBOX:
            len = display_mailbox(lc.lang, ctx->mailbox, ctx->mailbox_len, ctx->mailbox_utf8, val[0],
                                  sizeof val[0]);
            ok = len > 0;
            args[0].len = len;
            break;
        case V_RETRY: {
            uint64_t ms = (ctx && (ctx->known & IMAPERR_VALUE_RETRY) && ctx->retry_ms > 0)
                              ? ctx->retry_ms : c->hint_backoff_ms;
            int k = imaperr__format_relative(lc.lang, ms, val[0], sizeof val[0]);
            ok = k > 0;
            args[0].len = ok ? (size_t)k : 0;
            break;
        }
        default:
            break;
        }
        if (ok) {
            chosen = (unsigned)var;
            values = variant_value[v];
            args[0].s = val[0];
            args[1].s = val[1];
            break;
        }
    }

    /* no retry follows: the wording without the promise, for the variant
     * chosen (keeping its value), else for the base message (without it) */
    if (no_retry && chosen < MAX_MESSAGES && final_variant[chosen] >= 0) {
        chosen = (unsigned)final_variant[chosen];
    } else if (no_retry && chosen != c->message && c->message < MAX_MESSAGES &&
               final_variant[c->message] >= 0) {
        chosen = (unsigned)final_variant[c->message];
        values = 0;
        n = 1;
    }

    t = message_text(&lc, chosen, n);
    substitute(&w, t, imaperr__message_nargs[chosen], args);

    if (resp != NULL && !(ctx && (ctx->options & IMAPERR_EXPLAIN_NO_SERVER_TEXT)) &&
        ((ctx && (ctx->options & IMAPERR_EXPLAIN_SERVER_TEXT)) || (c->flags & IMAPERR_FLAG_SHOW_USER)) &&
        resp->text.len > 0) {
        /* no space after a CJK full stop */
        server = put_server_text(&w, &lc, resp, ctx, ends_fullwidth(t, strlen(t)) ? "" : " ");
    }
    fill_info(info, &lc, imaperr__message_keys[chosen], values, server);
    return w_finish(&w);
}

int
imaperr_explain_server_text(const imaperr_response *resp, const imaperr_explain_context *ctx,
                            const char *locale, char *buf, size_t cap, imaperr_explain_info *info)
{
    struct lang_choice lc;
    struct writer w = { buf, cap, 0, 0, 0 };
    int rc, server;

    if (resp == NULL || resp->size < sizeof(imaperr_response) || (buf == NULL && cap > 0) ||
        !valid_ctx(ctx) || (info != NULL && info->size < sizeof(imaperr_explain_info)))
        return IMAPERR_E_INVALID;
    rc = choose_language(locale, &lc);
    if (rc < 0)
        return rc;
    server = put_server_text(&w, &lc, resp, ctx, "");
    fill_info(info, &lc, imaperr__message_keys[imaperr__message_server_said], 0, server);
    return w_finish(&w);
}
