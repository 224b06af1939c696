/* test-threads.c - 16 threads, each explaining in its own language, 10,000
 * explanations each, all at once (TAP output).
 *
 * The threads start together behind a barrier, so the catalogs and ICU
 * formatters of all languages are loaded concurrently on first use. Each
 * thread keeps its first result per case and compares every later one
 * with it; afterwards the main thread computes every expected text alone
 * and checks that each thread's texts are exactly those of its language
 * (not English, not another thread's language). "make check-tsan" builds
 * this same file with ThreadSanitizer.
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
#define ITERATIONS 10000

struct tcase {
    const char *line;
    const char *command;
    unsigned known;
    uint64_t retry_ms, used_kib, limit_kib, count;
    const char *mailbox;
};

/* parsed and classified once, read by every thread */
struct prepared {
    imaperr_response r;
    imaperr_classification c;
    imaperr_explain_context ctx;
};

static struct tcase cases[] = {
    { "a NO [OVERQUOTA] Quota exceeded (mailbox for user is full)", "APPEND", 0, 0, 0, 0, 0, NULL },
    { "a NO [WEBALERT https://example.com/x] Web login required", "LOGIN", 0, 0, 0, 0, 0, NULL },
    { "a NO [OVERQUOTA] Quota exceeded", "APPEND", IMAPERR_VALUE_QUOTA, 0, 1000000, 1048576, 0, NULL },
    { "a NO [UNAVAILABLE] Try later", NULL, IMAPERR_VALUE_RETRY, 300000, 0, 0, 0, NULL },
    { "a NO [TRYCREATE] No such mailbox", "COPY", IMAPERR_VALUE_MAILBOX, 0, 0, 0, 0, "Entw&APw-rfe" },
    { "a NO [MESSAGELIMIT 1000] Too many", "FETCH", 0, 0, 0, 0, 0, NULL },
    { "a NO [MESSAGELIMIT 5] Too many", "FETCH", IMAPERR_VALUE_COUNT, 0, 0, 0, 21, NULL },
    { "* BYE \xE2\x80\xAEServer shutting down\x1b[0m", NULL, IMAPERR_VALUE_RETRY, 7200000, 0, 0, 0, NULL },
    { "a NO [AUTHENTICATIONFAILED] Invalid credentials", "LOGIN", 0, 0, 0, 0, 0, NULL },
};
#define NCASES (sizeof cases / sizeof cases[0])
static struct prepared prep[NCASES];

struct worker {
    pthread_t tid;
    const char *lang;
    char *first[NCASES];
    unsigned long calls;
    unsigned long mismatches;
    unsigned long wrong_language;
    unsigned long errors;
    unsigned long message_mismatches;
};

static pthread_barrier_t start;

static void *
work(void *arg)
{
    struct worker *w = arg;
    char buf[4096], msg[1024], first_msg[1024] = "";
    unsigned long i;
    pthread_barrier_wait(&start);
    for (i = 0; i < ITERATIONS; i++) {
        struct prepared *k = &prep[i % NCASES];
        imaperr_explain_info info = IMAPERR_EXPLAIN_INFO_INIT;
        int n = imaperr_explain(&k->r, &k->c, &k->ctx, w->lang, buf, sizeof buf, &info);
        w->calls++;
        if (n < 0 || (size_t)n >= sizeof buf) {
            w->errors++;
            continue;
        }
        if (strcmp(info.language, w->lang) != 0 || info.fallback)
            w->wrong_language++;
        if (w->first[i % NCASES] == NULL) {
            w->first[i % NCASES] = strdup(buf);
        } else if (strcmp(w->first[i % NCASES], buf) != 0) {
            w->mismatches++;
        }
        /* imaperr_message() and negotiation run alongside */
        if (i % 16 == 0) {
            if (imaperr_message(&prep[0].c, w->lang, msg, sizeof msg) < 0)
                w->errors++;
            else if (first_msg[0] == '\0')
                strcpy(first_msg, msg);
            else if (strcmp(first_msg, msg) != 0)
                w->message_mismatches++;
        }
    }
    return NULL;
}

int
main(void)
{
    struct worker w[NTHREADS];
    char expect[4096], english[NCASES][4096];
    unsigned long calls = 0, mismatches = 0, wrong = 0, errors = 0, msg_mismatch = 0;
    unsigned nlang = imaperr__linguas_count, distinct;
    size_t i, k;
    int created = 0, wrong_text = 0, untranslated = 0;

    setenv("IMAPERR_LOCALEDIR", TOP_BUILDDIR "/locale", 0);
    printf("1..6\n");
    if (nlang == 0) {
        printf("# po/LINGUAS is empty: every thread explains in English\n");
    }
    distinct = nlang < NTHREADS ? (nlang ? nlang : 1) : NTHREADS;
    printf("# %d threads, %u distinct languages, %d explanations each\n", NTHREADS, distinct, ITERATIONS);

    for (k = 0; k < NCASES; k++) {
        imaperr_response r0 = IMAPERR_RESPONSE_INIT;
        imaperr_classification c0 = IMAPERR_CLASSIFICATION_INIT;
        imaperr_explain_context x0 = IMAPERR_EXPLAIN_CONTEXT_INIT;
        struct tcase *t = &cases[k];
        struct prepared *p = &prep[k];
        p->r = r0;
        p->c = c0;
        p->ctx = x0;
        if (imaperr_parse(t->line, strlen(t->line), &p->r) != IMAPERR_OK ||
            imaperr_classify(&p->r, t->command, 0, &p->c) != IMAPERR_OK) {
            printf("Bail out! cannot parse %s\n", t->line);
            return 1;
        }
        p->ctx.known = t->known;
        p->ctx.retry_ms = t->retry_ms;
        p->ctx.quota_used_kib = t->used_kib;
        p->ctx.quota_limit_kib = t->limit_kib;
        p->ctx.count = t->count;
        p->ctx.mailbox = t->mailbox;
        p->ctx.mailbox_len = t->mailbox ? strlen(t->mailbox) : 0;
    }

    pthread_barrier_init(&start, NULL, NTHREADS);
    memset(w, 0, sizeof w);
    for (i = 0; i < NTHREADS; i++) {
        w[i].lang = nlang ? imaperr__linguas[i % nlang] : "en";
        if (pthread_create(&w[i].tid, NULL, work, &w[i]) != 0) {
            printf("Bail out! pthread_create failed\n");
            return 1;
        }
        created++;
    }
    for (i = 0; i < (size_t)created; i++) {
        pthread_join(w[i].tid, NULL);
        calls += w[i].calls;
        mismatches += w[i].mismatches;
        wrong += w[i].wrong_language;
        errors += w[i].errors;
        msg_mismatch += w[i].message_mismatches;
    }
    pthread_barrier_destroy(&start);

    ok(calls == (unsigned long)NTHREADS * ITERATIONS && errors == 0,
       "%lu explanations made, %lu errors", calls, errors);
    ok(mismatches == 0 && msg_mismatch == 0,
       "every thread got the same text for the same case every time (%lu + %lu differences)",
       mismatches, msg_mismatch);
    ok(wrong == 0, "every result reports its thread's language, without fallback (%lu wrong)", wrong);

    /* afterwards, alone: the expected text of each language */
    for (k = 0; k < NCASES; k++)
        if (imaperr_explain(&prep[k].r, &prep[k].c, &prep[k].ctx, "en", english[k], sizeof english[k], NULL) < 0)
            errors++;
    for (i = 0; i < NTHREADS; i++) {
        for (k = 0; k < NCASES; k++) {
            if (imaperr_explain(&prep[k].r, &prep[k].c, &prep[k].ctx, w[i].lang, expect, sizeof expect,
                                NULL) < 0 || w[i].first[k] == NULL || strcmp(expect, w[i].first[k]) != 0) {
                if (wrong_text++ < 5)
                    printf("# thread %zu (%s), case %zu: got \"%s\", expected \"%s\"\n", i, w[i].lang, k,
                           w[i].first[k] ? w[i].first[k] : "(none)", expect);
            }
            if (nlang && w[i].first[k] && strcmp(w[i].first[k], english[k]) == 0)
                untranslated++;
        }
    }
    ok(wrong_text == 0, "each thread's texts are exactly those of its language (%d differ)", wrong_text);
    ok(nlang == 0 || untranslated == 0, "no thread's text is the English one (%d are)", untranslated);
    /* the languages' texts differ from each other */
    {
        int same = 0;
        for (i = 0; i < NTHREADS; i++)
            for (k = 0; k < NTHREADS; k++)
                if (strcmp(w[i].lang, w[k].lang) != 0 && w[i].first[0] && w[k].first[0] &&
                    strcmp(w[i].first[0], w[k].first[0]) == 0)
                    same++;
        ok(same == 0, "threads with different languages never share a text (%d pairs do)", same);
    }
    for (i = 0; i < NTHREADS; i++) {
        if (i < 3 || i == NTHREADS - 1)
            printf("# %s: %s\n", w[i].lang, w[i].first[0] ? w[i].first[0] : "");
        for (k = 0; k < NCASES; k++)
            free(w[i].first[k]);
    }
    return failed;
}
