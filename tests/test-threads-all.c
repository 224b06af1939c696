/* test-threads-all.c - the whole pipeline from 16 threads at once (issue 8):
 * parse + classify + args decode + admit/advise/success (each thread with
 * its own account state and random source) + explain (each thread in its
 * own language, hostile server text included), TAP output.
 *
 * Every thread runs the same deterministic function, work(), over its own
 * inputs (its language, its seed, its own order of the lines) and records
 * a hash of every result: the parse and classification, the decoded
 * arguments, the advice, the explanation. The threads start together
 * behind a barrier, so catalogs, ICU formatters and the negotiation cache
 * are created concurrently on first use. Afterwards the main thread runs
 * work() again alone for every thread's inputs and the hashes must be
 * equal, step by step: a result that depends on another thread's work
 * (shared mutable state, a race, a torn cache entry) shows up as a
 * difference. Each explanation must also report its thread's language
 * without fallback, and pass the safety scan of test-hostile.c (valid
 * UTF-8, no control character, no bidi control but balanced isolates).
 *
 * "make check-tsan" (lib/i18n.am) builds this file, like test-threads.c,
 * with the library sources under ThreadSanitizer and runs it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imaperr.h"
#include "internal.h"
#include "tap.h"

#ifndef TOP_BUILDDIR
#define TOP_BUILDDIR "."
#endif

#define NTHREADS 16
#define STEPS 1500

static const struct {
    const char *line;
    const char *command;
} lines[] = {
    { "a1 NO [OVERQUOTA] Quota exceeded (mailbox for user is full)", "APPEND" },
    { "a1 NO [AUTHENTICATIONFAILED] Invalid credentials", "LOGIN" },
    { "a1 NO [UNAVAILABLE] Suggested Backoff Time: 30000 milliseconds", "UID FETCH" },
    { "a1 NO [WEBALERT https://example.com/x] Web login required", "AUTHENTICATE XOAUTH2" },
    { "* BYE \xe2\x80\xae" "Server shutting down\x1b[0m \x1b]8;;https://evil/\x07x", NULL },
    { "a1 NO [ALERT] \x1b]0;title\x07\xc2\x9b" "31m\xed\xa0\x80\xc0\x80 go", "SELECT" },
    { "a1 NO [TRYCREATE] No such mailbox", "COPY 1:3 Drafts" },
    { "a1 OK [COPYUID 38505 304,319:320 3956:3958] Done", "UID COPY" },
    { "a1 NO [MESSAGELIMIT 1000] Too many", "FETCH" },
    { "* OK [PERMANENTFLAGS (\\Seen \\Deleted \\*)] Limited", "SELECT" },
    { "a1 NO [INUSE] Mailbox in use", "SELECT" },
    { "a1 NO Too many simultaneous connections", "LOGIN" },
    { "a1 BAD [CLIENTBUG] Bad command", "NOOP" },
    { "a1 NO [XHOSTILE (((\"\\\x1b\" ] x", NULL },
    { "* BYE Maximum number of connections from user+IP exceeded (mail_max_userip_connections=10)",
      NULL },
    { "a1 NO [UIDNEXT 99999999999999999999999] x", NULL },
};
#define NLINES (sizeof lines / sizeof lines[0])

struct worker {
    pthread_t tid;
    unsigned index;
    const char *lang;
    uint64_t h_parse[STEPS], h_args[STEPS], h_advice[STEPS], h_explain[STEPS];
    unsigned long wrong_language, unsafe_text, errors;
    char sample[1024];
};

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

#define FNV0 14695981039346656037ULL
#define HV(h, v) do { uint64_t v_ = (uint64_t)(v); (h) = fnv((h), &v_, sizeof v_); } while (0)

/* valid UTF-8, no C0/DEL/C1, no bidi control but balanced FSI/PDI */
static int
safe_text(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    long depth = 0;
    while (i < len) {
        uint32_t cp;
        size_t k, j;
        unsigned char c = u[i];
        if (c < 0x80) { cp = c; k = 1; }
        else if (c >= 0xC2 && c <= 0xDF) { cp = c & 0x1Fu; k = 2; }
        else if (c >= 0xE0 && c <= 0xEF) { cp = c & 0x0Fu; k = 3; }
        else if (c >= 0xF0 && c <= 0xF4) { cp = c & 0x07u; k = 4; }
        else return 0;
        if (i + k > len)
            return 0;
        for (j = 1; j < k; j++) {
            if ((u[i + j] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (u[i + j] & 0x3Fu);
        }
        if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || cp == 0x061C ||
            cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || cp == 0x2066 || cp == 0x2067)
            return 0;
        if (cp == 0x2068)
            depth++;
        if (cp == 0x2069 && --depth < 0)
            return 0;
        i += k;
    }
    return depth == 0;
}

/* One thread's work: deterministic in (index, lang). */
static void
work(struct worker *w)
{
    imaperr_retry_policy pol = IMAPERR_RETRY_POLICY_INIT;
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_random rnd = IMAPERR_RANDOM_INIT(w->index * 7919u + 1);
    uint64_t now = 1000;
    uint32_t credential = 1;
    char buf[2048];
    unsigned i;

    for (i = 0; i < STEPS; i++) {
        /* each thread walks the lines in its own order */
        unsigned k = (i * (2 * w->index + 1) + w->index) % NLINES;
        const char *line = lines[k].line;
        imaperr_response r = IMAPERR_RESPONSE_INIT;
        imaperr_classification c = IMAPERR_CLASSIFICATION_INIT;
        imaperr_args a = IMAPERR_ARGS_INIT;
        imaperr_retry_op op = IMAPERR_RETRY_OP_INIT;
        imaperr_advice adv = IMAPERR_ADVICE_INIT;
        imaperr_explain_context ctx = IMAPERR_EXPLAIN_CONTEXT_INIT;
        imaperr_explain_info info = IMAPERR_EXPLAIN_INFO_INIT;
        uint64_t h = FNV0;
        unsigned f;
        int rc, n;

        rc = imaperr_parse(line, strlen(line), &r);
        HV(h, rc);
        HV(h, r.kind);
        HV(h, r.status);
        HV(h, r.code);
        HV(h, r.args_state);
        HV(h, r.number);
        HV(h, r.repairs);
        HV(h, r.text.len);
        if (rc != IMAPERR_OK || imaperr_classify(&r, lines[k].command, 0, &c) != IMAPERR_OK) {
            w->errors++;
            continue;
        }
        HV(h, c.category);
        HV(h, c.action);
        HV(h, c.flags);
        HV(h, c.source);
        HV(h, c.confidence);
        HV(h, c.hint_backoff_ms);
        HV(h, c.hint_connection_limit);
        HV(h, c.message);
        w->h_parse[i] = h;

        h = FNV0;
        if (imaperr_args_decode(&r, &a) != IMAPERR_OK)
            w->errors++;
        HV(h, a.state);
        HV(h, a.nfields);
        for (f = 0; f < a.nfields; f++) {
            HV(h, a.field[f].present);
            HV(h, a.field[f].number);
            HV(h, a.field[f].raw.len);
        }
        w->h_args[i] = h;

        /* the advisor, on this thread's own account state */
        h = FNV0;
        op.command = lines[k].command;
        op.credential = credential;
        op.item = k + 1;
        op.start_ms = now;
        if (imaperr_admit(&pol, &st, &op, now, &adv) != IMAPERR_OK)
            w->errors++;
        HV(h, adv.action);
        HV(h, adv.delay_ms);
        HV(h, adv.reason);
        if (adv.action == IMAPERR_ACT_NONE) {
            now += adv.delay_ms;
            if (c.category == IMAPERR_CAT_OK) {
                if (imaperr_retry_success(&pol, &st, &op, now) != IMAPERR_OK)
                    w->errors++;
            } else if (imaperr_advise(&pol, &st, &op, IMAPERR_OUTCOME_RESPONSE, &c, now, &rnd, &adv) !=
                       IMAPERR_OK) {
                w->errors++;
            }
        } else if (adv.action == IMAPERR_ACT_USER_ACTION || adv.action == IMAPERR_ACT_REAUTHENTICATE) {
            credential++;   /* the user typed a new password */
        }
        HV(h, adv.action);
        HV(h, adv.category);
        HV(h, adv.scope);
        HV(h, adv.reason);
        HV(h, adv.flags);
        HV(h, adv.delay_ms);
        HV(h, adv.account_resume_ms);
        HV(h, adv.attempts_left);
        w->h_advice[i] = h;
        now += 1 + (adv.delay_ms < 3600000 ? adv.delay_ms : 3600000);
        if (i % 7 == 6)
            imaperr_retry_success(&pol, &st, NULL, now);

        /* the explanation, in this thread's language */
        ctx.options = (i & 1) ? IMAPERR_EXPLAIN_SERVER_TEXT : 0;
        if (i % 3 == 0) {
            ctx.known = IMAPERR_VALUE_MAILBOX | IMAPERR_VALUE_RETRY;
            ctx.mailbox = "Entw&APw-rfe";
            ctx.mailbox_len = 12;
            ctx.retry_ms = 1000u * (1 + k);
        }
        n = imaperr_explain(&r, &c, &ctx, w->lang, buf, sizeof buf, &info);
        if (n < 0 || (size_t)n >= sizeof buf) {
            w->errors++;
            continue;
        }
        if (strcmp(info.language, w->lang) != 0 || info.fallback)
            w->wrong_language++;
        if (!safe_text(buf, (size_t)n))
            w->unsafe_text++;
        if (i == 0)
            memcpy(w->sample, buf, (size_t)n + 1);
        w->h_explain[i] = fnv(FNV0, buf, (size_t)n);
    }
}

static pthread_barrier_t start;

static void *
thread_main(void *arg)
{
    pthread_barrier_wait(&start);
    work(arg);
    return NULL;
}

int
main(void)
{
    static struct worker w[NTHREADS], alone;
    unsigned nlang = imaperr__linguas_count, i, s;
    unsigned long errors = 0, wrong = 0, unsafe = 0;
    unsigned long d_parse = 0, d_args = 0, d_advice = 0, d_explain = 0;
    int shown = 0;

    setenv("IMAPERR_LOCALEDIR", TOP_BUILDDIR "/locale", 0);
    printf("1..6\n");
    printf("# %d threads x %d steps of parse, classify, args, admit/advise, explain\n", NTHREADS, STEPS);
    pthread_barrier_init(&start, NULL, NTHREADS);
    for (i = 0; i < NTHREADS; i++) {
        w[i].index = i;
        /* thread 0 explains in English, the others each in a shipped language */
        w[i].lang = (i == 0 || nlang == 0) ? "en" : imaperr__linguas[(i - 1) % nlang];
        if (pthread_create(&w[i].tid, NULL, thread_main, &w[i]) != 0) {
            printf("Bail out! pthread_create failed\n");
            return 1;
        }
    }
    for (i = 0; i < NTHREADS; i++)
        pthread_join(w[i].tid, NULL);
    pthread_barrier_destroy(&start);

    /* the same work again, alone, thread by thread */
    for (i = 0; i < NTHREADS; i++) {
        memset(&alone, 0, sizeof alone);
        alone.index = w[i].index;
        alone.lang = w[i].lang;
        work(&alone);
        errors += w[i].errors + alone.errors;
        wrong += w[i].wrong_language;
        unsafe += w[i].unsafe_text;
        for (s = 0; s < STEPS; s++) {
            int d = 0;
            if (w[i].h_parse[s] != alone.h_parse[s]) { d_parse++; d = 1; }
            if (w[i].h_args[s] != alone.h_args[s]) { d_args++; d = 1; }
            if (w[i].h_advice[s] != alone.h_advice[s]) { d_advice++; d = 1; }
            if (w[i].h_explain[s] != alone.h_explain[s]) { d_explain++; d = 1; }
            if (d && shown++ < 5)
                printf("# thread %u (%s) differs from its run alone at step %u\n", i, w[i].lang, s);
        }
    }
    ok(errors == 0, "no call failed (%lu errors)", errors);
    ok(d_parse == 0 && d_args == 0, "parse, classify and args decode: every result equals the run alone "
       "(%lu + %lu differences)", d_parse, d_args);
    ok(d_advice == 0, "each thread's advice on its own account state equals the run alone (%lu differ)",
       d_advice);
    ok(d_explain == 0, "each thread's explanations equal the run alone (%lu differ)", d_explain);
    ok(wrong == 0, "every explanation reports its thread's language without fallback (%lu wrong)", wrong);
    ok(unsafe == 0, "every explanation is safe text: valid UTF-8, no control, balanced isolates (%lu unsafe)",
       unsafe);
    for (i = 0; i < NTHREADS; i += 5)
        printf("# %s: %s\n", w[i].lang, w[i].sample);
    return failed;
}
