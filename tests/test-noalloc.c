/* test-noalloc.c - parse, classify (wording fallback on and off), typed
 * arguments and advise make no heap allocation (issue 9; the header
 * promises "no allocation" for each).
 *
 * Every malloc/calloc/realloc/aligned allocation of the process -- the
 * library, ICU, libc -- is counted by bench/malloc-count.c, which replaces
 * the allocator in this program. The lines are those of `make bench`
 * (bench/lines.h, 5,000 lines, fixed seed): every registered code with its
 * example arguments, server wordings, unknown codes, long CAPABILITY
 * lines, data, continuations and malformed lines. Each function runs once
 * over all lines to warm up, then again while counting; the count must be
 * 0. A first test proves that the counter sees allocations, both the
 * program's own and those made inside the C library, so that a 0 means
 * something. Skipped where the allocator is replaced by AddressSanitizer
 * or valgrind (then nothing can be counted). */
#include <config.h>

#include <stdio.h>

#include "common.h"

#include "lines.h"
#include "malloc-count.h"

#define NLINES 5000

static struct bench_lines L;

struct line {
    const char *p;
    size_t n;
    const char *cmd;
};
static struct line lines[NLINES];
static size_t nlines;

static int
setup(void **state)
{
    const char *p, *end;
    (void)state;
    if (bench_lines_generate(&L, NLINES, BENCH_SEED, TOP_SRCDIR) < 0)
        return -1;
    for (p = L.buf, end = L.buf + L.len; p < end && nlines < NLINES; nlines++) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (e == NULL)
            return -1;
        lines[nlines].p = p;
        lines[nlines].n = (size_t)(e - p) + 1;
        lines[nlines].cmd = bench_commands[L.cmd[nlines]];
        p = e + 1;
    }
    return nlines == NLINES ? 0 : -1;
}

static int
teardown(void **state)
{
    (void)state;
    bench_lines_free(&L);
    return 0;
}

static void
need_counter(void)
{
    if (!malloc_count_available()) {
        printf("# SKIP: malloc is replaced (AddressSanitizer or valgrind): nothing to count\n");
        skip();
    }
}

/* The counter counts: a direct malloc, calloc and realloc, and an
 * allocation made inside the C library (strdup, open_memstream). */
static void
test_counter_works(void **state)
{
    void *a, *b;
    char *s, *ms = NULL;
    size_t mslen = 0;
    FILE *f;
    /* through volatile pointers, so the compiler cannot drop the calls */
    void *(*volatile m)(size_t) = malloc;
    void *(*volatile c)(size_t, size_t) = calloc;
    void *(*volatile r)(void *, size_t) = realloc;
    char *(*volatile sd)(const char *) = strdup;
    size_t big = 100;
    (void)state;
    need_counter();
    malloc_count_start();
    a = m(big);
    b = c(big, 2);
    a = r(a, big * 50);
    assert_int_equal(malloc_count_get(), 3);
    s = sd("allocated by libc");
    assert_true(malloc_count_get() >= 4);
    f = open_memstream(&ms, &mslen);
    assert_non_null(f);
    fputs("x", f);
    fclose(f);
    assert_true(malloc_count_stop() >= 5);
    free(a);
    free(b);
    free(s);
    free(ms);
    /* stopped: nothing more is counted */
    a = m(big);
    free(a);
    assert_true(malloc_count_get() >= 5);
    malloc_count_start();
    assert_int_equal(malloc_count_stop(), 0);
}

static unsigned long parsed, with_code, decoded;

/* One pass of `what` over all lines; returns the allocations. */
enum what { W_PARSE, W_CLASSIFY, W_CLASSIFY_NOHEUR, W_ARGS, W_ADVISE };

static uint64_t
pass(enum what w, int count)
{
    static const imaperr_retry_policy policy = IMAPERR_RETRY_POLICY_INIT;
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_random rnd = IMAPERR_RANDOM_INIT(7);
    uint64_t now = 5000;
    size_t i;
    parsed = with_code = decoded = 0;
    if (count)
        malloc_count_start();
    for (i = 0; i < nlines; i++) {
        imaperr_response r = IMAPERR_RESPONSE_INIT;
        imaperr_classification c = IMAPERR_CLASSIFICATION_INIT;
        int rc = imaperr_parse(lines[i].p, lines[i].n, &r);
        if (rc != IMAPERR_OK) {
            if (w == W_ADVISE) {
                imaperr_retry_op op = IMAPERR_RETRY_OP_INIT;
                imaperr_advice a = IMAPERR_ADVICE_INIT;
                imaperr_classify_parse_error(rc, &c);
                op.command = lines[i].cmd;
                op.start_ms = now;
                imaperr_advise(&policy, &st, &op, IMAPERR_OUTCOME_RESPONSE, &c, now, &rnd, &a);
            }
            continue;
        }
        parsed++;
        if (w == W_PARSE)
            continue;
        imaperr_classify(&r, lines[i].cmd, w == W_CLASSIFY_NOHEUR ? IMAPERR_CLASSIFY_NO_HEURISTICS : 0, &c);
        if (w == W_ARGS && r.code != IMAPERR_CODE_NONE) {
            imaperr_args a = IMAPERR_ARGS_INIT;
            with_code++;
            if (imaperr_args_decode(&r, &a) == IMAPERR_OK && a.state == IMAPERR_ARGS_DECODED)
                decoded++;
        }
        if (w == W_ADVISE) {
            imaperr_retry_op op = IMAPERR_RETRY_OP_INIT;
            imaperr_advice a = IMAPERR_ADVICE_INIT;
            op.command = lines[i].cmd;
            op.start_ms = now;
            if (c.severity != IMAPERR_SEVERITY_INFO)
                imaperr_advise(&policy, &st, &op, IMAPERR_OUTCOME_RESPONSE, &c, now, &rnd, &a);
            else
                imaperr_retry_success(&policy, &st, &op, now);
        }
        now += 250;
    }
    return count ? malloc_count_stop() : 0;
}

static void
check_zero(enum what w, const char *name)
{
    uint64_t n;
    need_counter();
    pass(w, 0); /* warm-up */
    n = pass(w, 1);
    printf("# %s: %llu allocations over %zu lines (%lu parsed)\n", name, (unsigned long long)n, nlines, parsed);
    /* the lines are what they should be: most parse */
    assert_true(parsed > nlines * 9 / 10);
    assert_int_equal(n, 0);
}

static void
test_parse(void **state)
{
    (void)state;
    check_zero(W_PARSE, "imaperr_parse");
}

static void
test_classify(void **state)
{
    (void)state;
    check_zero(W_CLASSIFY, "imaperr_parse + imaperr_classify (wording fallback on)");
}

static void
test_classify_noheur(void **state)
{
    (void)state;
    check_zero(W_CLASSIFY_NOHEUR, "imaperr_parse + imaperr_classify (fallback off)");
}

static void
test_args(void **state)
{
    (void)state;
    check_zero(W_ARGS, "imaperr_parse + imaperr_classify + imaperr_args_decode");
    /* the decoder did real work: lines with codes, most decoded */
    printf("# %lu lines with a code, %lu decoded\n", with_code, decoded);
    assert_true(with_code > nlines / 4);
    assert_true(decoded > 0);
}

static void
test_advise(void **state)
{
    (void)state;
    check_zero(W_ADVISE, "imaperr_parse + imaperr_classify + imaperr_advise/imaperr_retry_success");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counter_works), cmocka_unit_test(test_parse),
        cmocka_unit_test(test_classify),      cmocka_unit_test(test_classify_noheur),
        cmocka_unit_test(test_args),          cmocka_unit_test(test_advise),
    };
    /* cmocka reports a skipped test as "not ok N # SKIP", which automake's
     * TAP driver counts as a failure: say it as a plan with a reason. */
    if (!malloc_count_available()) {
        printf("1..0 # SKIP malloc is replaced (AddressSanitizer or valgrind): "
               "nothing to count\n");
        return 0;
    }
    return cmocka_run_group_tests(tests, setup, teardown);
}
