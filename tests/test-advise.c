/* test-advise.c - the retry advisor, rule by rule and invariant by invariant:
 * the policy accessors, the random source, exact delays at pinned random
 * values, every kind of failure, the credential latch and the failed-login
 * window, no blind replay, pre-actions once, the attempt cap, hints, the
 * token bucket step by step, the deadline, failing items, account scope,
 * export/import, argument checks.
 *
 * Expected values are written by hand from doc/retry.md and the documented
 * defaults, not read from lib/retry-policy.tsv (tests/test-advise-props.c
 * walks the table itself). No clock, no sleeping. */
#include <stdio.h>
#include <stdlib.h>

#include "advise-common.h"

static const imaperr_retry_policy DEFAULTS = IMAPERR_RETRY_POLICY_INIT;
#define TOP UINT64_MAX
#define MID (UINT64_C(1) << 63)

/* ------------------------------------------------------------------------ */
/* Policy                                                                     */
/* ------------------------------------------------------------------------ */

static void
test_policy_defaults(void **unused)
{
    static const struct { imaperr_retry_param p; uint64_t v; } want[] = {
        { IMAPERR_RETRY_MAX_ATTEMPTS, 3 },
        { IMAPERR_RETRY_TRANSIENT_BASE, 1000 }, { IMAPERR_RETRY_TRANSIENT_MULTIPLIER, 200 },
        { IMAPERR_RETRY_TRANSIENT_MAX, 30000 }, { IMAPERR_RETRY_TRANSIENT_JITTER, IMAPERR_JITTER_FULL },
        { IMAPERR_RETRY_IN_USE_BASE, 2000 }, { IMAPERR_RETRY_IN_USE_MULTIPLIER, 200 },
        { IMAPERR_RETRY_IN_USE_MAX, 60000 }, { IMAPERR_RETRY_IN_USE_JITTER, IMAPERR_JITTER_FULL },
        { IMAPERR_RETRY_THROTTLE_BASE, 30000 }, { IMAPERR_RETRY_THROTTLE_MULTIPLIER, 200 },
        { IMAPERR_RETRY_THROTTLE_MAX, 900000 }, { IMAPERR_RETRY_THROTTLE_JITTER, IMAPERR_JITTER_EQUAL },
        { IMAPERR_RETRY_BANDWIDTH_BASE, 3600000 }, { IMAPERR_RETRY_BANDWIDTH_MULTIPLIER, 200 },
        { IMAPERR_RETRY_BANDWIDTH_MAX, 86400000 }, { IMAPERR_RETRY_BANDWIDTH_JITTER, IMAPERR_JITTER_EQUAL },
        { IMAPERR_RETRY_RECONNECT_BASE, 1000 }, { IMAPERR_RETRY_RECONNECT_MULTIPLIER, 160 },
        { IMAPERR_RETRY_RECONNECT_MAX, 120000 }, { IMAPERR_RETRY_RECONNECT_JITTER, IMAPERR_JITTER_FULL },
        { IMAPERR_RETRY_ACCOUNT_BASE, 5000 }, { IMAPERR_RETRY_ACCOUNT_MULTIPLIER, 200 },
        { IMAPERR_RETRY_ACCOUNT_MAX, 300000 }, { IMAPERR_RETRY_ACCOUNT_JITTER, IMAPERR_JITTER_FULL },
        { IMAPERR_RETRY_DEADLINE, 0 }, { IMAPERR_RETRY_HINT_MAX, 900000 },
        { IMAPERR_RETRY_HINT_SPREAD, 10 }, { IMAPERR_RETRY_TOKENS_MAX, 10000 },
        { IMAPERR_RETRY_TOKEN_COST, 1000 }, { IMAPERR_RETRY_TOKEN_REFUND, 100 },
        { IMAPERR_RETRY_LOGIN_FAILURES, 2 }, { IMAPERR_RETRY_LOGIN_WINDOW, 600000 },
        { IMAPERR_RETRY_LOGIN_COOLDOWN, 1800000 }, { IMAPERR_RETRY_OAUTH_REFRESHES, 1 },
        { IMAPERR_RETRY_POISON_LIMIT, 3 }, { IMAPERR_RETRY_PACE, 1000 },
    };
    size_t i;
    (void)unused;
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        uint64_t v = 12345;
        assert_int_equal(imaperr_retry_policy_get(&DEFAULTS, want[i].p, &v), IMAPERR_OK);
        if (v != want[i].v)
            fail_msg("default of %s is %llu, documented %llu", imaperr_retry_param_name(want[i].p),
                     (unsigned long long)v, (unsigned long long)want[i].v);
    }
    /* every parameter is listed above */
    assert_null(imaperr_retry_param_name((imaperr_retry_param)(sizeof want / sizeof want[0])));
    /* the hard limits the header promises are the table's limits */
    assert_int_equal(imaperr__rparams[IMAPERR_RETRY_MAX_ATTEMPTS].max, IMAPERR_RETRY_ATTEMPTS_CAP);
    assert_int_equal(imaperr__rparams[IMAPERR_RETRY_LOGIN_FAILURES].max, IMAPERR_RETRY_LOGIN_FAILURES_CAP);
    assert_int_equal(imaperr__rparams[IMAPERR_RETRY_LOGIN_WINDOW].min, IMAPERR_RETRY_LOGIN_WINDOW_MIN_MS);
}

static void
test_policy_set_get(void **unused)
{
    imaperr_retry_policy p = IMAPERR_RETRY_POLICY_INIT;
    uint64_t v;
    (void)unused;
    assert_int_equal(imaperr_retry_policy_set(&p, IMAPERR_RETRY_MAX_ATTEMPTS, 5), IMAPERR_OK);
    assert_int_equal(imaperr_retry_policy_get(&p, IMAPERR_RETRY_MAX_ATTEMPTS, &v), IMAPERR_OK);
    assert_int_equal(v, 5);
    /* the documented hard limits */
    assert_int_equal(imaperr_retry_policy_set(&p, IMAPERR_RETRY_MAX_ATTEMPTS, 6), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_retry_policy_set(&p, IMAPERR_RETRY_MAX_ATTEMPTS, 0), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_retry_policy_set(&p, IMAPERR_RETRY_LOGIN_FAILURES, 3), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_retry_policy_set(&p, IMAPERR_RETRY_LOGIN_WINDOW, 599999), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_retry_policy_set(&p, IMAPERR_RETRY_TRANSIENT_JITTER, 3), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_retry_policy_set(&p, IMAPERR_RETRY_TOKEN_COST, 0), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_retry_policy_set(&p, IMAPERR_RETRY_OAUTH_REFRESHES, 2), IMAPERR_E_INVALID);
    /* a refused value leaves the old one */
    assert_int_equal(imaperr_retry_policy_get(&p, IMAPERR_RETRY_MAX_ATTEMPTS, &v), IMAPERR_OK);
    assert_int_equal(v, 5);
    assert_int_equal(imaperr_retry_policy_set(&p, (imaperr_retry_param)37, 1), IMAPERR_E_UNKNOWN_NAME);
    assert_int_equal(imaperr_retry_policy_set(&p, (imaperr_retry_param)-1, 1), IMAPERR_E_UNKNOWN_NAME);
    assert_int_equal(imaperr_retry_policy_get(&p, (imaperr_retry_param)37, &v), IMAPERR_E_UNKNOWN_NAME);
    assert_int_equal(imaperr_retry_policy_set(NULL, IMAPERR_RETRY_MAX_ATTEMPTS, 3), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_retry_policy_get(&p, IMAPERR_RETRY_MAX_ATTEMPTS, NULL), IMAPERR_E_INVALID);
    p.size = 8;
    assert_int_equal(imaperr_retry_policy_set(&p, IMAPERR_RETRY_MAX_ATTEMPTS, 3), IMAPERR_E_INVALID);
}

/* Every parameter: the bounds are accepted, one past them refused. */
static void
test_policy_ranges(void **unused)
{
    unsigned i;
    (void)unused;
    for (i = 0; imaperr_retry_param_name((imaperr_retry_param)i); i++) {
        imaperr_retry_policy p = IMAPERR_RETRY_POLICY_INIT;
        const struct imaperr__rparam *rp = &imaperr__rparams[i];
        uint64_t v;
        assert_int_equal(imaperr_retry_policy_set(&p, (imaperr_retry_param)i, rp->min), IMAPERR_OK);
        assert_int_equal(imaperr_retry_policy_set(&p, (imaperr_retry_param)i, rp->max), IMAPERR_OK);
        if (rp->min > 0)
            assert_int_equal(imaperr_retry_policy_set(&p, (imaperr_retry_param)i, rp->min - 1),
                             IMAPERR_E_INVALID);
        assert_int_equal(imaperr_retry_policy_set(&p, (imaperr_retry_param)i, rp->max + 1), IMAPERR_E_INVALID);
        assert_int_equal(imaperr_retry_policy_get(&p, (imaperr_retry_param)i, &v), IMAPERR_OK);
        assert_int_equal(v, rp->max);
        assert_true(rp->min <= rp->def && rp->def <= rp->max);
    }
    assert_int_equal(i, 37);
}

static void
test_param_names(void **unused)
{
    unsigned i;
    (void)unused;
    for (i = 0; imaperr_retry_param_name((imaperr_retry_param)i); i++)
        assert_int_equal(imaperr_retry_param_from_name(imaperr_retry_param_name((imaperr_retry_param)i)), (int)i);
    assert_string_equal(imaperr_retry_param_name(IMAPERR_RETRY_MAX_ATTEMPTS), "max-attempts");
    assert_string_equal(imaperr_retry_param_name(IMAPERR_RETRY_HINT_MAX), "hint-max");
    assert_int_equal(imaperr_retry_param_from_name("nope"), IMAPERR_E_UNKNOWN_NAME);
    assert_int_equal(imaperr_retry_param_from_name(NULL), IMAPERR_E_UNKNOWN_NAME);
}

/* A policy whose private values were written directly (out of range) is
 * refused by every function rather than used. */
static void
test_policy_poked(void **unused)
{
    imaperr_retry_policy p = IMAPERR_RETRY_POLICY_INIT;
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op op = make_op("FETCH", 0, 0);
    imaperr_advice a = IMAPERR_ADVICE_INIT;
    (void)unused;
    p.value_[IMAPERR_RETRY_MAX_ATTEMPTS] = 100;
    p.set_ = 1;
    assert_int_equal(imaperr_admit(&p, &st, &op, 0, &a), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_retry_success(&p, &st, &op, 0), IMAPERR_E_INVALID);
    p.set_ = UINT64_C(1) << 50;  /* a parameter this version does not have */
    assert_int_equal(imaperr_admit(&p, &st, &op, 0, &a), IMAPERR_E_INVALID);
}

/* ------------------------------------------------------------------------ */
/* Random source and delays                                                  */
/* ------------------------------------------------------------------------ */

static void
test_splitmix_reference(void **unused)
{
    /* SplitMix64 from state 0: the values published with the algorithm's
     * reference implementation. */
    imaperr_random r = IMAPERR_RANDOM_INIT(0);
    imaperr_random s = IMAPERR_RANDOM_INIT(0);
    struct fixed_rng fr = { 42 };
    imaperr_random f = fixed_random(&fr);
    (void)unused;
    assert_true(imaperr_random_next(&r) == UINT64_C(0xe220a8397b1dcdaf));
    assert_true(imaperr_random_next(&r) == UINT64_C(0x6e789e6aa1b965f4));
    assert_true(imaperr_random_next(&r) == UINT64_C(0x06c45d188009454f));
    assert_true(imaperr_random_next(&r) == UINT64_C(0xf88bb8a8724c81ec));
    assert_true(r.state == 4 * UINT64_C(0x9E3779B97F4A7C15));
    /* the caller owns the state: copies run the same sequence */
    assert_true(imaperr_random_next(&s) == UINT64_C(0xe220a8397b1dcdaf));
    assert_true(imaperr_random_next(&f) == 42);
    assert_true(imaperr_random_next(NULL) == 0);
}

static void
test_uniform_mapping(void **unused)
{
    (void)unused;
    assert_int_equal(imaperr__uniform(0, 10, 20), 10);
    assert_int_equal(imaperr__uniform(TOP, 10, 20), 20);
    assert_int_equal(imaperr__uniform(MID, 10, 20), 15);      /* 10 + 11/2 */
    assert_int_equal(imaperr__uniform(MID, 0, 1000), 500);    /* 1001/2 */
    assert_int_equal(imaperr__uniform(TOP, 0, 0), 0);
    assert_int_equal(imaperr__uniform(12345, 7, 7), 7);
    assert_int_equal(imaperr__uniform(TOP, 0, 86400000), 86400000);
    assert_true(imaperr__uniform(TOP, 0, UINT64_MAX) == UINT64_MAX);
}

/* Ceilings (before jitter) of the default groups, by hand: base *
 * multiplier^(n-1), each step rounded down, capped. */
static const uint64_t CEIL_TRANSIENT[12] = { 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
                                              30000, 30000, 30000, 30000 };
static const uint64_t CEIL_IN_USE[12] = { 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000,
                                           60000, 60000, 60000, 60000 };
static const uint64_t CEIL_THROTTLE[12] = { 30000, 60000, 120000, 240000, 480000, 900000, 900000,
                                             900000, 900000, 900000, 900000, 900000 };
static const uint64_t CEIL_BANDWIDTH[12] = { 3600000, 7200000, 14400000, 28800000, 57600000, 86400000,
                                              86400000, 86400000, 86400000, 86400000, 86400000, 86400000 };
static const uint64_t CEIL_RECONNECT[12] = { 1000, 1600, 2560, 4096, 6553, 10484, 16774, 26838,
                                              42940, 68704, 109926, 120000 };
static const uint64_t CEIL_ACCOUNT[12] = { 5000, 10000, 20000, 40000, 80000, 160000, 300000, 300000,
                                            300000, 300000, 300000, 300000 };

static const uint64_t *const CEILS[6] = { CEIL_TRANSIENT, CEIL_IN_USE, CEIL_THROTTLE, CEIL_BANDWIDTH,
                                          CEIL_RECONNECT, CEIL_ACCOUNT };
static const int EQUAL_JITTER[6] = { 0, 0, 1, 1, 0, 0 };

static void
test_backoff_pinned(void **unused)
{
    unsigned d, n;
    (void)unused;
    for (d = 0; d < 6; d++) {
        for (n = 1; n <= 12; n++) {
            struct fixed_rng lo = { 0 }, hi = { TOP }, mid = { MID };
            imaperr_random rl = fixed_random(&lo), rh = fixed_random(&hi), rm = fixed_random(&mid);
            uint64_t c = CEILS[d][n - 1];
            uint64_t low = EQUAL_JITTER[d] ? c / 2 : 0;
            uint64_t half = low + (c - low + 1) / 2;
            if (imaperr__backoff(&DEFAULTS, d, n, &rl) != low ||
                imaperr__backoff(&DEFAULTS, d, n, &rh) != c ||
                imaperr__backoff(&DEFAULTS, d, n, &rm) != half)
                fail_msg("class %u, n %u: want %llu/%llu/%llu", d, n, (unsigned long long)low,
                         (unsigned long long)c, (unsigned long long)half);
        }
    }
}

/* The cap is reached and never passed, ceilings never decrease, and huge
 * levels neither overflow nor take long. */
static void
test_ceiling_bounds(void **unused)
{
    uint64_t n, prev = 0;
    (void)unused;
    for (n = 1; n <= 200; n++) {
        uint64_t c = imaperr__ceiling(1000, 200, 30000, n);
        assert_true(c >= prev && c <= 30000);
        prev = c;
    }
    assert_int_equal(imaperr__ceiling(1000, 200, 30000, 6), 30000);   /* ceil(log2(30)) + 1 */
    assert_int_equal(imaperr__ceiling(1000, 200, 30000, 5), 16000);
    assert_int_equal(imaperr__ceiling(1000, 200, 30000, UINT32_MAX), 30000);
    assert_int_equal(imaperr__ceiling(86400000, 1000, 86400000, UINT64_MAX), 86400000);
    assert_int_equal(imaperr__ceiling(7, 100, 86400000, UINT64_MAX), 7);  /* x1: constant */
    assert_int_equal(imaperr__ceiling(50, 101, 86400000, UINT64_MAX), 50); /* no integer growth */
    assert_int_equal(imaperr__ceiling(40000, 200, 30000, 1), 30000);      /* base above max */
}

/* Through imaperr_advise: the attempt picks the transient delay, the
 * account's run of throttles the throttle delay. */
static void
test_advise_pinned(void **unused)
{
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op op = make_op("UID FETCH", 0, 0);
    struct fixed_rng hi = { TOP }, lo = { 0 };
    imaperr_random rh = fixed_random(&hi), rl = fixed_random(&lo);
    imaperr_advice a;
    (void)unused;
    advise_line(&DEFAULTS, &st, &op, "a1 NO [UNAVAILABLE] down", 0, &rh, &a);
    assert_int_equal(a.action, IMAPERR_ACT_RETRY_BACKOFF);
    assert_int_equal(a.delay_ms, 1000);
    assert_int_equal(a.attempt, 1);
    assert_int_equal(a.attempts_left, 2);
    advise_line(&DEFAULTS, &st, &op, "a1 NO [UNAVAILABLE] down", 1000, &rh, &a);
    assert_int_equal(a.delay_ms, 2000);
    assert_int_equal(a.not_before_ms, 3000);
    assert_int_equal(a.attempts_left, 1);

    st = (imaperr_retry_state)IMAPERR_RETRY_STATE_INIT;
    op = make_op("UID FETCH", 0, 0);
    advise_line(&DEFAULTS, &st, &op, "a1 NO [THROTTLED] slow down", 0, &rl, &a);
    assert_int_equal(a.delay_ms, 15000);  /* equal jitter: half of 30 s at least */
    op = make_op("UID FETCH", 0, 20000);
    advise_line(&DEFAULTS, &st, &op, "a1 NO [THROTTLED] slow down", 20000, &rl, &a);
    assert_int_equal(a.delay_ms, 30000);  /* second throttle in a row: 60 s ceiling */
    assert_int_equal(imaperr_retry_success(&DEFAULTS, &st, &op, 60000), IMAPERR_OK);
    op = make_op("UID FETCH", 0, 60000);
    advise_line(&DEFAULTS, &st, &op, "a1 NO [THROTTLED] slow down", 60000, &rl, &a);
    assert_int_equal(a.delay_ms, 15000);  /* a success resets the run */
}

static void
test_determinism(void **unused)
{
    static const char *const lines[] = {
        "a1 NO [UNAVAILABLE] x", "a1 NO [THROTTLED] x", "a1 NO [INUSE] x", "* BYE going away",
    };
    unsigned i, differ = 0;
    (void)unused;
    for (i = 0; i < 4; i++) {
        imaperr_retry_state s1 = IMAPERR_RETRY_STATE_INIT, s2 = IMAPERR_RETRY_STATE_INIT, s3;
        imaperr_retry_op o1 = make_op("UID FETCH", 0, 0), o2 = o1, o3 = o1;
        imaperr_random r1 = IMAPERR_RANDOM_INIT(99), r2 = IMAPERR_RANDOM_INIT(99), r3 = IMAPERR_RANDOM_INIT(100);
        imaperr_advice a1, a2, a3;
        s3 = s1;
        advise_line(&DEFAULTS, &s1, &o1, lines[i], 5000, &r1, &a1);
        advise_line(&DEFAULTS, &s2, &o2, lines[i], 5000, &r2, &a2);
        advise_line(&DEFAULTS, &s3, &o3, lines[i], 5000, &r3, &a3);
        assert_memory_equal(&a1, &a2, sizeof a1);
        assert_memory_equal(&s1, &s2, sizeof s1);
        assert_int_equal(o1.attempts, o2.attempts);  /* (padding makes memcmp unfit here) */
        assert_int_equal(o1.preactions, o2.preactions);
        assert_true(r1.state == r2.state);
        if (a1.delay_ms != a3.delay_ms)
            differ++;
    }
    assert_true(differ > 0);  /* the seed matters */
}

/* ------------------------------------------------------------------------ */
/* Rules, one by one                                                          */
/* ------------------------------------------------------------------------ */

static void
test_success_responses(void **unused)
{
    static const struct { const char *cmd, *line; unsigned flags; } cases[] = {
        { "FETCH", "a1 OK done", 0 },
        { "APPEND", "a1 OK [OVERQUOTA] nearly full", 0 },
        { "LOGIN", "a1 OK [ALERT] password expires in 3 days", IMAPERR_ADVICE_SHOW_USER },
        { "LOGOUT", "* BYE logging out", 0 },
        { "FETCH", "* 3 EXISTS", 0 },
    };
    size_t i;
    (void)unused;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT, before;
        imaperr_retry_op op = make_op(cases[i].cmd, 0, 0);
        imaperr_random r = IMAPERR_RANDOM_INIT(1);
        imaperr_advice a;
        before = st;
        advise_line(&DEFAULTS, &st, &op, cases[i].line, 10, &r, &a);
        if (a.action != IMAPERR_ACT_NONE || a.delay_ms != 0 || a.flags != cases[i].flags)
            fail_msg("%s: %s after %llu, flags %#x", cases[i].line, imaperr_action_name(a.action),
                     (unsigned long long)a.delay_ms, a.flags);
        assert_int_equal(op.attempts, 0);               /* not a failed attempt */
        assert_memory_equal(&st, &before, sizeof st);   /* no state change */
        assert_int_equal(r.state, 1);                   /* no random draw */
    }
}

static void
test_soft_throttle_pace(void **unused)
{
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op op = make_op("UID FETCH", 0, 0);
    imaperr_random r = IMAPERR_RANDOM_INIT(1);
    imaperr_advice a;
    (void)unused;
    advise_line(&DEFAULTS, &st, &op, "a1 OK Success [THROTTLED]", 10, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_NONE);
    assert_int_equal(a.delay_ms, 1000);
    assert_int_equal(a.scope, IMAPERR_SCOPE_ACCOUNT);
    assert_true(a.flags & IMAPERR_ADVICE_REDUCE_RATE);
    assert_int_equal(a.rule, 1);
    assert_int_equal(op.attempts, 0);
}

static void
test_noop_once(void **unused)
{
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op op = make_op("UID FETCH", 0, 0);
    imaperr_random r = IMAPERR_RANDOM_INIT(1);
    imaperr_advice a;
    (void)unused;
    op.item = 77;
    advise_line(&DEFAULTS, &st, &op, "a1 NO [EXPUNGEISSUED] gone", 10, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_RETRY_AFTER_NOOP);
    assert_int_equal(a.delay_ms, 0);
    assert_int_equal(op.preactions, IMAPERR_PRE_NOOP);
    advise_line(&DEFAULTS, &st, &op, "a1 OK [EXPUNGEISSUED] some were expunged", 20, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_FAIL);
    assert_int_equal(a.reason, IMAPERR_REASON_PREACTION_USED);
    assert_true(a.flags & IMAPERR_ADVICE_SKIP_ITEM);  /* the message is gone */
    /* OK [EXPUNGEISSUED] alone also asks for the NOOP (DESIGN.md) */
    op = make_op("FETCH", 0, 0);
    advise_line(&DEFAULTS, &st, &op, "a1 OK [EXPUNGEISSUED] some were expunged", 30, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_RETRY_AFTER_NOOP);
}

static void
test_credential_latch_password(void **unused)
{
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op op = make_op("LOGIN", 0, 0), fetch;
    imaperr_random r = IMAPERR_RANDOM_INIT(1);
    imaperr_advice a;
    (void)unused;
    op.credential = 1;
    admit(&DEFAULTS, &st, &op, 0, &a);
    assert_int_equal(a.action, IMAPERR_ACT_NONE);
    assert_int_equal(a.delay_ms, 0);
    advise_line(&DEFAULTS, &st, &op, "a1 NO [AUTHENTICATIONFAILED] Invalid credentials", 100, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_USER_ACTION);
    assert_int_equal(a.category, IMAPERR_CAT_CREDENTIAL);
    assert_int_equal(a.scope, IMAPERR_SCOPE_ACCOUNT);
    assert_int_equal(a.delay_ms, 0);
    assert_true((a.flags & (IMAPERR_ADVICE_LATCHED | IMAPERR_ADVICE_SHOW_USER)) ==
                (IMAPERR_ADVICE_LATCHED | IMAPERR_ADVICE_SHOW_USER));
    /* the same generation is never admitted again, on any connection */
    op = make_op("LOGIN", 0, 200);
    op.credential = 1;
    admit(&DEFAULTS, &st, &op, 200, &a);
    assert_int_equal(a.action, IMAPERR_ACT_USER_ACTION);
    assert_int_equal(a.reason, IMAPERR_REASON_CREDENTIAL_LATCHED);
    op.credential = 0;  /* nor an older one */
    admit(&DEFAULTS, &st, &op, 200, &a);
    assert_int_equal(a.action, IMAPERR_ACT_USER_ACTION);
    /* a reconnect for another operation would log in with it: refused */
    fetch = make_op("UID FETCH", 0, 250);
    fetch.credential = 1;
    advise_c(&DEFAULTS, &st, &fetch, IMAPERR_OUTCOME_TIMEOUT, NULL, 300, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_USER_ACTION);
    assert_int_equal(a.reason, IMAPERR_REASON_CREDENTIAL_LATCHED);
    /* a new generation (the user typed a password) lifts the latch */
    op = make_op("LOGIN", 0, 400);
    op.credential = 2;
    admit(&DEFAULTS, &st, &op, 400, &a);
    assert_int_equal(a.action, IMAPERR_ACT_NONE);
    assert_int_equal(a.delay_ms, 0);
    advise_line(&DEFAULTS, &st, &op, "a1 NO [AUTHENTICATIONFAILED] Invalid credentials", 500, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_USER_ACTION);
    /* two failed logins in 10 minutes: the next waits for the cooldown,
     * whatever the generation */
    op = make_op("LOGIN", 0, 600);
    op.credential = 3;
    admit(&DEFAULTS, &st, &op, 600, &a);
    assert_int_equal(a.action, IMAPERR_ACT_NONE);
    assert_int_equal(a.reason, IMAPERR_REASON_LOGIN_RATE);
    assert_int_equal(a.delay_ms, 500 + 30 * MIN - 600);
    admit(&DEFAULTS, &st, &op, 500 + 30 * MIN, &a);
    assert_int_equal(a.delay_ms, 0);
    assert_int_equal(imaperr_retry_success(&DEFAULTS, &st, &op, 500 + 30 * MIN + 10), IMAPERR_OK);
    assert_int_equal(peek(&st).latched, 0);
}

/* A NO without code to LOGIN is probably a credential problem: latched
 * too, flagged uncertain so that a user interface may offer to retry. */
static void
test_credential_uncertain(void **unused)
{
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op op = make_op("LOGIN", 0, 0);
    imaperr_classification c = synth(IMAPERR_STATUS_NO, IMAPERR_CAT_CREDENTIAL, IMAPERR_ACT_REAUTHENTICATE,
                                     IMAPERR_CODE_NONE);
    imaperr_random r = IMAPERR_RANDOM_INIT(1);
    imaperr_advice a;
    (void)unused;
    c.flags = IMAPERR_FLAG_UNCERTAIN;
    c.source = IMAPERR_SOURCE_STATUS;
    advise_c(&DEFAULTS, &st, &op, IMAPERR_OUTCOME_RESPONSE, &c, 10, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_USER_ACTION);
    assert_true(a.flags & IMAPERR_ADVICE_UNCERTAIN);
    assert_true(a.flags & IMAPERR_ADVICE_LATCHED);
}

static void
test_credential_oauth_refresh_once(void **unused)
{
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op op = make_op("AUTHENTICATE XOAUTH2", 0, 0);
    imaperr_random r = IMAPERR_RANDOM_INIT(1);
    imaperr_advice a;
    uint64_t t;
    (void)unused;
    op.credential = 1;
    admit(&DEFAULTS, &st, &op, 0, &a);
    advise_line(&DEFAULTS, &st, &op, "a1 NO [AUTHENTICATIONFAILED] Invalid credentials", 10, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_REAUTHENTICATE);
    assert_true(a.flags & IMAPERR_ADVICE_REFRESH_TOKEN);
    assert_true(a.flags & IMAPERR_ADVICE_LATCHED);
    assert_int_equal(a.delay_ms, 0);
    assert_true(op.preactions & IMAPERR_PRE_REFRESH);
    /* still holding the old token: refresh it, never send it */
    admit(&DEFAULTS, &st, &op, 20, &a);
    assert_int_equal(a.action, IMAPERR_ACT_REAUTHENTICATE);
    assert_true(a.flags & IMAPERR_ADVICE_REFRESH_TOKEN);
    /* the refreshed token fails too: no second refresh, ask the user */
    op = make_op("AUTHENTICATE OAUTHBEARER", 0, 30);
    op.credential = 2;
    admit(&DEFAULTS, &st, &op, 30, &a);
    assert_int_equal(a.delay_ms, 0);
    advise_line(&DEFAULTS, &st, &op, "a1 NO [AUTHENTICATIONFAILED] Invalid credentials", 40, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_USER_ACTION);
    assert_int_equal(a.reason, IMAPERR_REASON_PREACTION_USED);
    assert_false(a.flags & IMAPERR_ADVICE_REFRESH_TOKEN);
    admit(&DEFAULTS, &st, &op, 50, &a);
    assert_int_equal(a.action, IMAPERR_ACT_USER_ACTION);
    /* the user signs in again (generation 3), after the login cooldown */
    t = 40 + 30 * MIN;
    op = make_op("AUTHENTICATE XOAUTH2", 0, t);
    op.credential = 3;
    admit(&DEFAULTS, &st, &op, t, &a);
    assert_int_equal(a.delay_ms, 0);
    assert_int_equal(imaperr_retry_success(&DEFAULTS, &st, &op, t + 10), IMAPERR_OK);
    /* a later failure gets its one refresh again */
    t += HOUR;
    op = make_op("AUTHENTICATE XOAUTH2", 0, t);
    op.credential = 3;
    admit(&DEFAULTS, &st, &op, t, &a);
    advise_line(&DEFAULTS, &st, &op, "a1 NO [AUTHENTICATIONFAILED] expired", t + 10, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_REAUTHENTICATE);
    /* oauth-refreshes 0: straight to the user */
    {
        imaperr_retry_policy p = IMAPERR_RETRY_POLICY_INIT;
        imaperr_retry_state s2 = IMAPERR_RETRY_STATE_INIT;
        imaperr_retry_op o2 = make_op("LOGIN", 0, 0);
        assert_int_equal(imaperr_retry_policy_set(&p, IMAPERR_RETRY_OAUTH_REFRESHES, 0), IMAPERR_OK);
        o2.auth = IMAPERR_AUTH_OAUTH;  /* the caller says: LOGIN with a token */
        advise_line(&p, &s2, &o2, "a1 NO [AUTHENTICATIONFAILED] x", 0, &r, &a);
        assert_int_equal(a.action, IMAPERR_ACT_USER_ACTION);
    }
}

static void
test_authorization(void **unused)
{
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op op = make_op("AUTHENTICATE PLAIN", 0, 0);
    imaperr_random r = IMAPERR_RANDOM_INIT(1);
    imaperr_advice a;
    (void)unused;
    advise_line(&DEFAULTS, &st, &op, "a1 NO [AUTHORIZATIONFAILED] no such authorization-ID", 0, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_USER_ACTION);
    assert_int_equal(a.scope, IMAPERR_SCOPE_ACCOUNT);
    assert_true(a.flags & IMAPERR_ADVICE_LATCHED);
}

static void
test_throttled_account_scope(void **unused)
{
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT, other = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op op = make_op("UID FETCH", 0, 1000), sel = make_op("SELECT", 0, 2000);
    imaperr_retry_op login = make_op("LOGIN", 0, 2000);
    struct fixed_rng lo = { 0 };
    imaperr_random r = fixed_random(&lo);
    imaperr_advice a;
    (void)unused;
    advise_line(&DEFAULTS, &st, &op, "a1 NO [THROTTLED] slow down", 1000, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_RETRY_BACKOFF);
    assert_int_equal(a.category, IMAPERR_CAT_THROTTLED);
    assert_int_equal(a.scope, IMAPERR_SCOPE_ACCOUNT);
    assert_int_equal(a.delay_ms, 15000);
    assert_true(a.flags & IMAPERR_ADVICE_REDUCE_RATE);
    assert_int_equal(a.account_resume_ms, 16000);
    /* every other command and login of the account waits */
    admit(&DEFAULTS, &st, &sel, 2000, &a);
    assert_int_equal(a.action, IMAPERR_ACT_NONE);
    assert_int_equal(a.delay_ms, 14000);
    assert_int_equal(a.reason, IMAPERR_REASON_ACCOUNT_PAUSED);
    assert_int_equal(a.scope, IMAPERR_SCOPE_ACCOUNT);
    admit(&DEFAULTS, &st, &login, 2000, &a);
    assert_int_equal(a.delay_ms, 14000);
    /* and so does a retry of another command that failed meanwhile */
    advise_line(&DEFAULTS, &st, &sel, "a2 NO [UNAVAILABLE] x", 3000, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_RETRY_BACKOFF);
    assert_int_equal(a.delay_ms, 13000);
    assert_int_equal(a.reason, IMAPERR_REASON_ACCOUNT_PAUSED);
    /* another account is not affected */
    admit(&DEFAULTS, &other, &sel, 2000, &a);
    assert_int_equal(a.delay_ms, 0);
    /* refused at login: too many connections */
    login = make_op("LOGIN", 0, 20000);
    advise_line(&DEFAULTS, &other, &login, "a1 NO [THROTTLED] too many connections", 20000, &r, &a);
    assert_true(a.flags & IMAPERR_ADVICE_REDUCE_CONNECTIONS);
    assert_int_equal(peek(&other).nlogin, 0);  /* not a failed login */
    /* a BYE for load: reconnect later, the whole account */
    {
        imaperr_retry_state s3 = IMAPERR_RETRY_STATE_INIT;
        imaperr_retry_op o3 = make_op(NULL, 0, 0);
        advise_line(&DEFAULTS, &s3, &o3, "* BYE [THROTTLED] too busy", 0, &r, &a);
        assert_int_equal(a.action, IMAPERR_ACT_RECONNECT);
        assert_int_equal(a.scope, IMAPERR_SCOPE_ACCOUNT);
        assert_int_equal(a.delay_ms, 15000);
        assert_true(a.flags & IMAPERR_ADVICE_REDUCE_CONNECTIONS);
    }
}

static void
test_hints(void **unused)
{
    struct fixed_rng hi = { TOP }, lo = { 0 };
    imaperr_random rh = fixed_random(&hi), rl = fixed_random(&lo);
    imaperr_classification c;
    imaperr_advice a;
    (void)unused;
    classify_line("a1 NO [THROTTLED] slow down", "FETCH", &c);
    {   /* a hint above the backoff lengthens it, with up to 10 % on top */
        imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
        imaperr_retry_op op = make_op("FETCH", 0, 0);
        c.hint_backoff_ms = 92415;
        advise_c(&DEFAULTS, &st, &op, IMAPERR_OUTCOME_RESPONSE, &c, 0, &rh, &a);
        assert_int_equal(a.delay_ms, 92415 + 9241);
        assert_true(a.flags & IMAPERR_ADVICE_HINT_USED);
        assert_int_equal(a.reason, IMAPERR_REASON_SERVER_HINT);
        assert_int_equal(a.account_resume_ms, 92415 + 9241);
        assert_int_equal(a.attempts_left, 2);  /* no extra attempt */
    }
    {
        imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
        imaperr_retry_op op = make_op("FETCH", 0, 0);
        advise_c(&DEFAULTS, &st, &op, IMAPERR_OUTCOME_RESPONSE, &c, 0, &rl, &a);
        assert_int_equal(a.delay_ms, 92415);
    }
    {   /* a hint below the floor changes nothing */
        imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
        imaperr_retry_op op = make_op("FETCH", 0, 0);
        c.hint_backoff_ms = 1000;
        advise_c(&DEFAULTS, &st, &op, IMAPERR_OUTCOME_RESPONSE, &c, 0, &rh, &a);
        assert_int_equal(a.delay_ms, 30000);
        assert_false(a.flags & IMAPERR_ADVICE_HINT_USED);
    }
    {   /* a hint of 10 hours is capped at hint-max (15 min) */
        imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
        imaperr_retry_op op = make_op("FETCH", 0, 0);
        c.hint_backoff_ms = 10 * HOUR;
        advise_c(&DEFAULTS, &st, &op, IMAPERR_OUTCOME_RESPONSE, &c, 0, &rh, &a);
        assert_int_equal(a.delay_ms, 15 * MIN);
    }
    {   /* hint-max 0: hints are ignored */
        imaperr_retry_policy p = IMAPERR_RETRY_POLICY_INIT;
        imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
        imaperr_retry_op op = make_op("FETCH", 0, 0);
        assert_int_equal(imaperr_retry_policy_set(&p, IMAPERR_RETRY_HINT_MAX, 0), IMAPERR_OK);
        c.hint_backoff_ms = 92415;
        advise_c(&p, &st, &op, IMAPERR_OUTCOME_RESPONSE, &c, 0, &rh, &a);
        assert_int_equal(a.delay_ms, 30000);
    }
    {   /* a hint on a transient failure lengthens its short backoff */
        imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
        imaperr_retry_op op = make_op("FETCH", 0, 0);
        imaperr_classification t;
        classify_line("a1 NO [UNAVAILABLE] x", "FETCH", &t);
        t.hint_backoff_ms = 5000;
        advise_c(&DEFAULTS, &st, &op, IMAPERR_OUTCOME_RESPONSE, &t, 0, &rl, &a);
        assert_int_equal(a.delay_ms, 5000);
        assert_true(a.flags & IMAPERR_ADVICE_HINT_USED);
    }
}

/* At the last attempt no hint, however long, buys another one; the
 * account still rests as long as the server asked. */
static void
test_attempt_cap_beats_hint(void **unused)
{
    unsigned max;
    (void)unused;
    for (max = 1; max <= 5; max++) {
        imaperr_retry_policy p = IMAPERR_RETRY_POLICY_INIT;
        imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
        imaperr_retry_op op = make_op("FETCH", 0, 0);
        imaperr_classification c;
        imaperr_random r = IMAPERR_RANDOM_INIT(max);
        imaperr_advice a;
        assert_int_equal(imaperr_retry_policy_set(&p, IMAPERR_RETRY_MAX_ATTEMPTS, max), IMAPERR_OK);
        classify_line("a1 NO [THROTTLED] slow down", "FETCH", &c);
        c.hint_backoff_ms = 60000;
        op.attempts = max - 1;
        advise_c(&p, &st, &op, IMAPERR_OUTCOME_RESPONSE, &c, 1000, &r, &a);
        assert_int_equal(a.action, IMAPERR_ACT_FAIL);
        assert_int_equal(a.reason, IMAPERR_REASON_MAX_ATTEMPTS);
        assert_int_equal(a.delay_ms, 0);
        assert_int_equal(a.attempts_left, 0);
        assert_true(a.account_resume_ms >= 61000);
    }
}

static void
test_bandwidth_and_storage_quota(void **unused)
{
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op op = make_op("UID FETCH", 0, 0);
    struct fixed_rng lo = { 0 };
    imaperr_random r = fixed_random(&lo);
    imaperr_advice a;
    (void)unused;
    advise_line(&DEFAULTS, &st, &op, "a1 NO [OVERQUOTA] Account exceeded command or bandwidth limits.", 0, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_RETRY_BACKOFF);
    assert_int_equal(a.category, IMAPERR_CAT_THROTTLED);
    assert_int_equal(a.scope, IMAPERR_SCOPE_ACCOUNT);
    assert_int_equal(a.delay_ms, 30 * MIN);  /* half of an hour at least */
    assert_true(a.flags & IMAPERR_ADVICE_REDUCE_RATE);
    /* with an interactive deadline: give up now, the account still rests */
    st = (imaperr_retry_state)IMAPERR_RETRY_STATE_INIT;
    op = make_op("UID FETCH", 0, 0);
    op.deadline_ms = 2 * MIN;
    advise_line(&DEFAULTS, &st, &op, "a1 NO [OVERQUOTA] Account exceeded command or bandwidth limits.", 0, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_FAIL);
    assert_int_equal(a.reason, IMAPERR_REASON_DEADLINE);
    assert_true(a.account_resume_ms >= 30 * MIN);
    /* storage: the user must free space */
    op = make_op("APPEND", 0, 0);
    advise_line(&DEFAULTS, &st, &op, "a1 NO [OVERQUOTA] Quota exceeded", 0, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_USER_ACTION);
    assert_int_equal(a.category, IMAPERR_CAT_QUOTA);
    assert_true(a.flags & IMAPERR_ADVICE_SHOW_USER);
}

static void
test_privacy_starttls_once(void **unused)
{
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op op = make_op("LOGIN", 0, 0);
    imaperr_random r = IMAPERR_RANDOM_INIT(1);
    imaperr_advice a;
    (void)unused;
    admit(&DEFAULTS, &st, &op, 0, &a);
    advise_line(&DEFAULTS, &st, &op, "a1 NO [PRIVACYREQUIRED] use TLS", 10, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_RETRY_AFTER_STARTTLS);
    assert_int_equal(a.scope, IMAPERR_SCOPE_CONNECTION);
    assert_int_equal(a.delay_ms, 0);
    assert_int_equal(op.preactions, IMAPERR_PRE_STARTTLS);
    assert_int_equal(peek(&st).nlogin, 0);  /* not a failed login */
    /* the server still refuses: no STARTTLS loop */
    advise_line(&DEFAULTS, &st, &op, "a1 NO [PRIVACYREQUIRED] use TLS", 20, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_FAIL);
    assert_int_equal(a.reason, IMAPERR_REASON_PREACTION_USED);
    assert_true(a.flags & IMAPERR_ADVICE_SHOW_USER);
    /* already encrypted: nothing to try, and never plain text */
    op = make_op("LOGIN", IMAPERR_OP_TLS_ACTIVE, 30);
    advise_line(&DEFAULTS, &st, &op, "a1 NO [PRIVACYREQUIRED] use TLS", 30, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_FAIL);
    assert_int_equal(a.reason, IMAPERR_REASON_RULE);
    assert_true(a.flags & IMAPERR_ADVICE_SHOW_USER);
}

static void
test_trycreate_once(void **unused)
{
    static const char *const cmds[] = { "APPEND", "COPY", "UID COPY", "MOVE", "UID MOVE" };
    size_t i;
    (void)unused;
    for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
        imaperr_retry_op op = make_op(cmds[i], 0, 0);
        imaperr_random r = IMAPERR_RANDOM_INIT(1);
        imaperr_advice a;
        advise_line(&DEFAULTS, &st, &op, "a1 NO [TRYCREATE] no such mailbox", 0, &r, &a);
        assert_int_equal(a.action, IMAPERR_ACT_RETRY_AFTER_CREATE);
        assert_int_equal(op.preactions, IMAPERR_PRE_CREATE);
        advise_line(&DEFAULTS, &st, &op, "a1 NO [TRYCREATE] no such mailbox", 10, &r, &a);
        assert_int_equal(a.action, IMAPERR_ACT_FAIL);  /* no CREATE loop */
        assert_int_equal(a.reason, IMAPERR_REASON_PREACTION_USED);
    }
    {
        imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
        imaperr_retry_op op = make_op("SELECT", 0, 0);
        imaperr_random r = IMAPERR_RANDOM_INIT(1);
        imaperr_advice a;
        advise_line(&DEFAULTS, &st, &op, "a1 NO [TRYCREATE] no such mailbox", 0, &r, &a);
        assert_int_equal(a.action, IMAPERR_ACT_FAIL);
        op = make_op(NULL, 0, 0);
        advise_line(&DEFAULTS, &st, &op, "a1 NO [TRYCREATE] no such mailbox", 0, &r, &a);
        assert_int_equal(a.action, IMAPERR_ACT_FAIL);
    }
}

static void
test_replay_goal_reached(void **unused)
{
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op op = make_op("CREATE", IMAPERR_OP_REPLAYED, 0);
    imaperr_random r = IMAPERR_RANDOM_INIT(1);
    imaperr_advice a;
    (void)unused;
    advise_line(&DEFAULTS, &st, &op, "a1 NO [ALREADYEXISTS] exists", 0, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_NONE);
    assert_int_equal(a.reason, IMAPERR_REASON_GOAL_REACHED);
    op = make_op("DELETE", IMAPERR_OP_REPLAYED, 0);
    advise_line(&DEFAULTS, &st, &op, "a1 NO [NONEXISTENT] gone", 0, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_NONE);
    op = make_op("CREATE", 0, 0);
    advise_line(&DEFAULTS, &st, &op, "a1 NO [ALREADYEXISTS] exists", 0, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_FAIL);
}

static void
test_bye_reconnect(void **unused)
{
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op op = make_op(NULL, 0, 0);
    struct fixed_rng hi = { TOP };
    imaperr_random r = fixed_random(&hi);
    imaperr_advice a;
    (void)unused;
    advise_line(&DEFAULTS, &st, &op, "* BYE Autologout; idle for too long", 0, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_RECONNECT);
    assert_int_equal(a.scope, IMAPERR_SCOPE_CONNECTION);
    assert_int_equal(a.category, IMAPERR_CAT_CONNECTION);
    assert_int_equal(a.delay_ms, 1000);
    op = make_op(NULL, 0, 0);
    advise_line(&DEFAULTS, &st, &op, "* BYE [UNAVAILABLE] shutting down", 2000, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_RECONNECT);
    assert_int_equal(a.delay_ms, 1600);  /* the account's second connection failure */
}

static void
test_transient_and_give_up(void **unused)
{
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op op = make_op("UID FETCH", 0, 0), next;
    struct fixed_rng hi = { TOP };
    imaperr_random r = fixed_random(&hi);
    imaperr_advice a;
    (void)unused;
    advise_line(&DEFAULTS, &st, &op, "a1 NO [UNAVAILABLE] x", 0, &r, &a);
    assert_int_equal(a.scope, IMAPERR_SCOPE_COMMAND);
    assert_int_equal(a.account_resume_ms, 0);
    advise_line(&DEFAULTS, &st, &op, "a1 NO [TEMPFAIL] x", 1000, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_RETRY_BACKOFF);
    advise_line(&DEFAULTS, &st, &op, "a1 NO [UNAVAILABLE] x", 3000, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_FAIL);
    assert_int_equal(a.reason, IMAPERR_REASON_MAX_ATTEMPTS);
    assert_int_equal(a.attempt, 3);
    /* the account rests before the next operation (5 s ceiling) */
    assert_int_equal(a.account_resume_ms, 8000);
    next = make_op("UID FETCH", 0, 3000);
    admit(&DEFAULTS, &st, &next, 3000, &a);
    assert_int_equal(a.delay_ms, 5000);
    assert_int_equal(a.reason, IMAPERR_REASON_ACCOUNT_PAUSED);
}

static void
test_in_use(void **unused)
{
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op op = make_op("SEARCH", 0, 0);
    struct fixed_rng hi = { TOP };
    imaperr_random r = fixed_random(&hi);
    imaperr_advice a;
    (void)unused;
    advise_line(&DEFAULTS, &st, &op, "a1 NO [INUSE] Timeout while waiting for indexing", 0, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_RETRY_BACKOFF);
    assert_int_equal(a.delay_ms, 2000);
    advise_line(&DEFAULTS, &st, &op, "a1 NO [INUSE] Timeout while waiting for indexing", 0, &r, &a);
    assert_int_equal(a.delay_ms, 4000);
}

static void
test_server_bugs(void **unused)
{
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op op = make_op("UID FETCH", 0, 0);
    imaperr_random r = IMAPERR_RANDOM_INIT(1);
    imaperr_advice a;
    (void)unused;
    advise_line(&DEFAULTS, &st, &op, "a1 NO [SERVERBUG] oops", 0, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_RETRY_BACKOFF);
    op = make_op("UID FETCH", 0, 0);
    op.item = 5;
    advise_line(&DEFAULTS, &st, &op, "a1 NO [CORRUPTION] bad index", 0, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_FAIL);
    assert_true(a.flags & IMAPERR_ADVICE_SHOW_USER);
    assert_true(a.flags & IMAPERR_ADVICE_SKIP_ITEM);
    op.item = 0;  /* no item: nothing to skip */
    advise_line(&DEFAULTS, &st, &op, "a1 NO [CORRUPTION] bad index", 0, &r, &a);
    assert_false(a.flags & IMAPERR_ADVICE_SKIP_ITEM);
}

static void
test_reselect_once(void **unused)
{
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op op = make_op("COPY", IMAPERR_OP_AFTER_RECONNECT, 0);
    imaperr_classification c = synth(IMAPERR_STATUS_BAD, IMAPERR_CAT_CLIENT_BUG, IMAPERR_ACT_FAIL,
                                     IMAPERR_CODE_NONE);
    imaperr_random r = IMAPERR_RANDOM_INIT(1);
    imaperr_advice a;
    (void)unused;
    advise_c(&DEFAULTS, &st, &op, IMAPERR_OUTCOME_RESPONSE, &c, 0, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_RETRY_BACKOFF);
    assert_int_equal(a.delay_ms, 0);
    assert_true(a.flags & IMAPERR_ADVICE_RESELECT);
    assert_int_equal(op.preactions, IMAPERR_PRE_RESELECT);
    advise_c(&DEFAULTS, &st, &op, IMAPERR_OUTCOME_RESPONSE, &c, 10, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_FAIL);
    assert_int_equal(a.reason, IMAPERR_REASON_PREACTION_USED);
    assert_false(a.flags & IMAPERR_ADVICE_RESELECT);
    op = make_op("COPY", 0, 0);  /* not after a reconnect: a client bug */
    advise_c(&DEFAULTS, &st, &op, IMAPERR_OUTCOME_RESPONSE, &c, 20, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_FAIL);
    assert_int_equal(a.reason, IMAPERR_REASON_RULE);
}

static void
test_permanent_failures(void **unused)
{
    static const struct { const char *cmd, *line; int skip; } cases[] = {
        { "APPEND", "a1 NO [TOOBIG] too large", 1 },
        { "UID FETCH", "a1 NO [CANNOT] cannot", 1 },
        { "SELECT", "a1 NO [NOPERM] denied", 0 },
        { "CREATE", "a1 NO [ALREADYEXISTS] exists", 0 },
        { "SEARCH", "a1 NO [BADCHARSET] x", 0 },
        { "FETCH", "a1 BAD [CLIENTBUG] syntax", 0 },
    };
    size_t i;
    (void)unused;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT, before;
        imaperr_retry_op op = make_op(cases[i].cmd, 0, 0);
        imaperr_random r = IMAPERR_RANDOM_INIT(1);
        imaperr_advice a;
        op.item = 9;
        before = st;
        advise_line(&DEFAULTS, &st, &op, cases[i].line, 0, &r, &a);
        if (a.action != IMAPERR_ACT_FAIL || !!(a.flags & IMAPERR_ADVICE_SKIP_ITEM) != cases[i].skip)
            fail_msg("%s: %s, flags %#x", cases[i].line, imaperr_action_name(a.action), a.flags);
        assert_int_equal(a.delay_ms, 0);
        assert_int_equal(peek(&st).deficit, peek(&before).deficit);  /* no token spent */
    }
}

static void
test_connect_failed(void **unused)
{
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op op = make_op("LOGIN", 0, 0), other = make_op("UID FETCH", 0, 0);
    struct fixed_rng hi = { TOP };
    imaperr_random r = fixed_random(&hi);
    imaperr_advice a;
    (void)unused;
    admit(&DEFAULTS, &st, &op, 0, &a);
    advise_c(&DEFAULTS, &st, &op, IMAPERR_OUTCOME_CONNECT_FAILED, NULL, 100, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_RECONNECT);
    assert_int_equal(a.scope, IMAPERR_SCOPE_ACCOUNT);
    assert_int_equal(a.category, IMAPERR_CAT_CONNECTION);
    assert_int_equal(a.delay_ms, 1000);
    assert_int_equal(peek(&st).nlogin, 0);  /* nothing was sent: no failed login */
    admit(&DEFAULTS, &st, &other, 500, &a);
    assert_int_equal(a.delay_ms, 600);
}

/* Unknown outcome of a command not safe to replay: reconnect and verify,
 * never retry blindly. */
static void
test_no_blind_replay(void **unused)
{
    static const struct { const char *cmd; unsigned flags; int verify; int seq; } cases[] = {
        { "APPEND", 0, 1, 0 }, { "COPY", 0, 1, 0 }, { "UID COPY", 0, 1, 0 }, { "RENAME", 0, 1, 0 },
        { "EXPUNGE", 0, 1, 0 }, { "CLOSE", 0, 1, 0 }, { "FETCH", 0, 1, 1 }, { "STORE", 0, 1, 1 },
        { "MOVE", 0, 1, 1 }, { NULL, 0, 1, 0 }, { "XYZZY", 0, 1, 0 }, { "SEARCH", IMAPERR_OP_SEQNUMS, 1, 1 },
        { "UID FETCH", IMAPERR_OP_NOT_IDEMPOTENT, 1, 0 },
        { "UID FETCH", 0, 0, 0 }, { "UID STORE", 0, 0, 0 }, { "UID MOVE", 0, 0, 0 },
        { "UID EXPUNGE", 0, 0, 0 }, { "SELECT", 0, 0, 0 }, { "NOOP", 0, 0, 0 }, { "CREATE", 0, 0, 0 },
        { "APPEND", IMAPERR_OP_IDEMPOTENT, 0, 0 },
    };
    static const imaperr_outcome outcomes[] = {
        IMAPERR_OUTCOME_TIMEOUT, IMAPERR_OUTCOME_CONNECTION_LOST, IMAPERR_OUTCOME_BYE_IN_FLIGHT,
    };
    size_t i, j, k;
    imaperr_classification bye;
    (void)unused;
    classify_line("* BYE [UNAVAILABLE] shutting down", NULL, &bye);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (j = 0; j < 3; j++) {
            for (k = 0; k < 2; k++) {
                imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
                imaperr_retry_op op = make_op(cases[i].cmd, cases[i].flags, 0);
                imaperr_random r = IMAPERR_RANDOM_INIT(7);
                imaperr_advice a;
                const imaperr_classification *c = k && outcomes[j] == IMAPERR_OUTCOME_BYE_IN_FLIGHT ? &bye : NULL;
                advise_c(&DEFAULTS, &st, &op, outcomes[j], c, 0, &r, &a);
                if (a.action != IMAPERR_ACT_RECONNECT ||
                    !!(a.flags & IMAPERR_ADVICE_VERIFY_FIRST) != cases[i].verify)
                    fail_msg("%s (%s): %s, flags %#x", cases[i].cmd ? cases[i].cmd : "(none)",
                             imaperr_outcome_name(outcomes[j]), imaperr_action_name(a.action), a.flags);
                if (cases[i].verify)
                    assert_int_equal(a.reason, cases[i].seq ? IMAPERR_REASON_SEQNUMS
                                                            : IMAPERR_REASON_OUTCOME_UNKNOWN);
                /* at the attempt cap: give up, and still verify */
                op.attempts = 2;
                advise_c(&DEFAULTS, &st, &op, outcomes[j], c, 10, &r, &a);
                assert_int_equal(a.action, IMAPERR_ACT_FAIL);
                assert_int_equal(!!(a.flags & IMAPERR_ADVICE_VERIFY_FIRST), cases[i].verify);
            }
        }
    }
}

/* A tagged NO is definite: the command did not take effect, so even an
 * APPEND is retried. */
static void
test_tagged_no_is_definite(void **unused)
{
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op op = make_op("APPEND", 0, 0);
    imaperr_random r = IMAPERR_RANDOM_INIT(1);
    imaperr_advice a;
    (void)unused;
    advise_line(&DEFAULTS, &st, &op, "a1 NO [UNAVAILABLE] try later", 0, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_RETRY_BACKOFF);
    assert_false(a.flags & IMAPERR_ADVICE_VERIFY_FIRST);
}

/* gRPC's retry throttle test, in thousandths: 4 tokens, 1.6 per success,
 * retries only while tokens > 2. */
static void
test_token_bucket_steps(void **unused)
{
    static const struct { char ev; uint32_t deficit; int retry; } steps[] = {
        { 'f', 1000, 1 }, { 'f', 2000, 0 }, { 's', 400, -1 }, { 'f', 1400, 1 }, { 'f', 2400, 0 },
        { 'f', 3400, 0 }, { 'f', 4000, 0 }, { 'f', 4000, 0 }, { 's', 2400, -1 }, { 's', 800, -1 },
        { 's', 0, -1 }, { 'f', 1000, 1 }, { 'x', 1000, -1 }, { 'f', 2000, 0 },
    };
    imaperr_retry_policy p = IMAPERR_RETRY_POLICY_INIT;
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    size_t i;
    (void)unused;
    assert_int_equal(imaperr_retry_policy_set(&p, IMAPERR_RETRY_TOKENS_MAX, 4000), IMAPERR_OK);
    assert_int_equal(imaperr_retry_policy_set(&p, IMAPERR_RETRY_TOKEN_REFUND, 1600), IMAPERR_OK);
    for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        imaperr_retry_op op = make_op("UID FETCH", 0, i * 1000);
        imaperr_random r = IMAPERR_RANDOM_INIT(i);
        imaperr_advice a;
        if (steps[i].ev == 's') {
            assert_int_equal(imaperr_retry_success(&p, &st, &op, i * 1000), IMAPERR_OK);
        } else if (steps[i].ev == 'x') {
            /* failures that are no server trouble cost nothing */
            advise_line(&p, &st, &op, "a1 NO [AUTHENTICATIONFAILED] x", i * 1000, &r, &a);
            advise_line(&p, &st, &op, "a1 BAD [CLIENTBUG] x", i * 1000, &r, &a);
            advise_line(&p, &st, &op, "a1 NO [NOPERM] x", i * 1000, &r, &a);
            advise_line(&p, &st, &op, "a1 NO [EXPUNGEISSUED] x", i * 1000, &r, &a);
        } else {
            advise_line(&p, &st, &op, "a1 NO [UNAVAILABLE] x", i * 1000, &r, &a);
            if ((a.action == IMAPERR_ACT_RETRY_BACKOFF) != steps[i].retry)
                fail_msg("step %zu: %s (%s)", i, imaperr_action_name(a.action),
                         imaperr_advice_reason_name(a.reason));
            if (!steps[i].retry)
                assert_int_equal(a.reason, IMAPERR_REASON_RETRY_BUDGET);
        }
        if (peek(&st).deficit != steps[i].deficit)
            fail_msg("step %zu: deficit %u, want %u", i, peek(&st).deficit, steps[i].deficit);
    }
    {   /* an empty bucket never stops a new operation (first attempts) */
        imaperr_retry_op op = make_op("UID FETCH", 0, 0);
        imaperr_advice a;
        admit(&p, &st, &op, 10 * HOUR, &a);
        assert_int_equal(a.action, IMAPERR_ACT_NONE);
        assert_int_equal(a.delay_ms, 0);
    }
}

static void
test_deadline(void **unused)
{
    struct fixed_rng hi = { TOP }, lo = { 0 };
    imaperr_random rh = fixed_random(&hi), rl = fixed_random(&lo);
    imaperr_advice a;
    (void)unused;
    {
        imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
        imaperr_retry_op op = make_op("UID FETCH", 0, 10000);
        op.deadline_ms = 13000;
        advise_line(&DEFAULTS, &st, &op, "a1 NO [UNAVAILABLE] x", 12500, &rh, &a);  /* 12.5 + 1 > 13 */
        assert_int_equal(a.action, IMAPERR_ACT_FAIL);
        assert_int_equal(a.reason, IMAPERR_REASON_DEADLINE);
        assert_int_equal(a.delay_ms, 0);
    }
    {
        imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
        imaperr_retry_op op = make_op("UID FETCH", 0, 10000);
        op.deadline_ms = 13000;
        advise_line(&DEFAULTS, &st, &op, "a1 NO [UNAVAILABLE] x", 12500, &rl, &a);  /* fits */
        assert_int_equal(a.action, IMAPERR_ACT_RETRY_BACKOFF);
        advise_line(&DEFAULTS, &st, &op, "a1 NO [UNAVAILABLE] x", 13000, &rl, &a);  /* exactly */
        assert_int_equal(a.action, IMAPERR_ACT_RETRY_BACKOFF);
    }
    {   /* the policy's deadline counts from the operation's start */
        imaperr_retry_policy p = IMAPERR_RETRY_POLICY_INIT;
        imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
        imaperr_retry_op op = make_op("UID FETCH", 0, 0);
        assert_int_equal(imaperr_retry_policy_set(&p, IMAPERR_RETRY_DEADLINE, 2000), IMAPERR_OK);
        advise_line(&p, &st, &op, "a1 NO [UNAVAILABLE] x", 1500, &rh, &a);
        assert_int_equal(a.action, IMAPERR_ACT_FAIL);
        assert_int_equal(a.reason, IMAPERR_REASON_DEADLINE);
    }
}

/* Logins in flight count: two connections log in at once, the third
 * waits; their failures start the cooldown. */
static void
test_login_window(void **unused)
{
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op l1 = make_op("LOGIN", 0, 0), l2 = l1, l3 = l1;
    imaperr_random r = IMAPERR_RANDOM_INIT(1);
    imaperr_advice a;
    (void)unused;
    l1.credential = l2.credential = l3.credential = 4;
    admit(&DEFAULTS, &st, &l1, 0, &a);
    assert_int_equal(a.delay_ms, 0);
    admit(&DEFAULTS, &st, &l2, 0, &a);
    assert_int_equal(a.delay_ms, 0);
    admit(&DEFAULTS, &st, &l3, 0, &a);
    assert_int_equal(a.reason, IMAPERR_REASON_LOGIN_RATE);
    assert_int_equal(a.delay_ms, 10 * MIN);
    /* the first succeeds: a slot is free again */
    assert_int_equal(imaperr_retry_success(&DEFAULTS, &st, &l1, 50), IMAPERR_OK);
    admit(&DEFAULTS, &st, &l3, 60, &a);
    assert_int_equal(a.delay_ms, 0);
    /* the two others get no answer: counted as failed, cooldown */
    advise_c(&DEFAULTS, &st, &l2, IMAPERR_OUTCOME_TIMEOUT, NULL, 100, &r, &a);
    assert_int_equal(a.action, IMAPERR_ACT_RECONNECT);
    assert_int_equal(a.delay_ms, 60 + 10 * MIN - 100);  /* l3 (in flight since 60) counts */
    assert_int_equal(a.reason, IMAPERR_REASON_LOGIN_RATE);
    advise_c(&DEFAULTS, &st, &l3, IMAPERR_OUTCOME_TIMEOUT, NULL, 200, &r, &a);
    assert_int_equal(a.delay_ms, 30 * MIN);
    assert_int_equal(a.reason, IMAPERR_REASON_LOGIN_RATE);
    /* a refusal that is no credential problem does not count */
    {
        imaperr_retry_state s2 = IMAPERR_RETRY_STATE_INIT;
        imaperr_retry_op o = make_op("LOGIN", 0, 0);
        admit(&DEFAULTS, &s2, &o, 0, &a);
        advise_line(&DEFAULTS, &s2, &o, "a1 NO [UNAVAILABLE] backend down", 10, &r, &a);
        assert_int_equal(peek(&s2).nlogin, 0);
        assert_int_equal(a.action, IMAPERR_ACT_RETRY_BACKOFF);
    }
}

static void
test_poison_items(void **unused)
{
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_random r = IMAPERR_RANDOM_INIT(3);
    imaperr_advice a;
    uint64_t t = 0;
    unsigned round, k;
    (void)unused;
    /* an outage: item 5 fails 20 times, nothing succeeds: not poison */
    for (k = 0; k < 20; k++) {
        imaperr_retry_op op = make_op("UID FETCH", 0, t);
        op.item = 5;
        advise_line(&DEFAULTS, &st, &op, "a1 NO [UNAVAILABLE] x", t, &r, &a);
        assert_false(a.flags & IMAPERR_ADVICE_SKIP_ITEM);
        t += HOUR;
    }
    /* item 7 fails while items 100, 101, ... succeed */
    for (round = 1; round <= 3; round++) {
        imaperr_retry_op op = make_op("UID FETCH", 0, t), ok = make_op("UID FETCH", 0, t);
        op.item = 7;
        for (k = 0; k < 2; k++) {  /* two failures in one operation count once */
            advise_line(&DEFAULTS, &st, &op, "a1 NO Server error while fetching", t, &r, &a);
            if (round < 3)
                assert_false(a.flags & IMAPERR_ADVICE_SKIP_ITEM);
            t += 1000;
        }
        if (round == 3) {
            assert_int_equal(a.action, IMAPERR_ACT_FAIL);
            assert_int_equal(a.reason, IMAPERR_REASON_POISON_ITEM);
            assert_true(a.flags & IMAPERR_ADVICE_SKIP_ITEM);
        }
        ok.item = 100 + round;
        assert_int_equal(imaperr_retry_success(&DEFAULTS, &st, &ok, t), IMAPERR_OK);
        t += HOUR;
    }
    {
        imaperr_retry_op op = make_op("UID FETCH", 0, t);
        op.item = 7;
        admit(&DEFAULTS, &st, &op, t, &a);
        assert_int_equal(a.action, IMAPERR_ACT_FAIL);
        assert_true(a.flags & IMAPERR_ADVICE_SKIP_ITEM);
        op.item = 8;  /* the rest goes on */
        admit(&DEFAULTS, &st, &op, t, &a);
        assert_int_equal(a.action, IMAPERR_ACT_NONE);
        op.item = 7;  /* a success of the item forgets it */
        assert_int_equal(imaperr_retry_success(&DEFAULTS, &st, &op, t), IMAPERR_OK);
        admit(&DEFAULTS, &st, &op, t, &a);
        assert_int_equal(a.action, IMAPERR_ACT_NONE);
    }
}

/* ------------------------------------------------------------------------ */
/* Export and import                                                          */
/* ------------------------------------------------------------------------ */

/* A state with a bit of everything: latch, pause, a failed login and one
 * in flight, a failing item, spent tokens, levels. */
static void
rich_state(imaperr_retry_state *st, uint64_t t0)
{
    imaperr_retry_op l1 = make_op("LOGIN", 0, t0), l2, op;
    imaperr_random r = IMAPERR_RANDOM_INIT(11);
    imaperr_advice a;
    *st = (imaperr_retry_state)IMAPERR_RETRY_STATE_INIT;
    l1.credential = 3;
    l2 = l1;
    admit(&DEFAULTS, st, &l1, t0, &a);
    admit(&DEFAULTS, st, &l2, t0, &a);
    advise_line(&DEFAULTS, st, &l1, "a1 NO [AUTHENTICATIONFAILED] x", t0 + 10, &r, &a);
    op = make_op("UID FETCH", 0, t0);
    op.item = 42;
    advise_line(&DEFAULTS, st, &op, "a1 NO [UNAVAILABLE] x", t0 + 20, &r, &a);
    op = make_op("UID FETCH", 0, t0);
    advise_line(&DEFAULTS, st, &op, "a1 NO [THROTTLED] x", t0 + 30, &r, &a);
}

/* The same sequence of calls on two states: identical advice, times
 * shifted by `shift`. */
static void
same_future(imaperr_retry_state *s1, uint64_t t1, imaperr_retry_state *s2, uint64_t t2)
{
    static const char *const lines[] = {
        "a1 NO [UNAVAILABLE] x", "a1 NO [THROTTLED] x", "* BYE bye", "a1 NO [AUTHENTICATIONFAILED] x",
        "a1 NO [INUSE] x",
    };
    static const char *const cmds[] = { "UID FETCH", "LOGIN", "APPEND", "LOGIN", "UID FETCH" };
    imaperr_random r1 = IMAPERR_RANDOM_INIT(5), r2 = IMAPERR_RANDOM_INIT(5);
    unsigned i;
    for (i = 0; i < 25; i++) {
        imaperr_retry_op o1 = make_op(cmds[i % 5], 0, t1), o2 = make_op(cmds[i % 5], 0, t2);
        imaperr_advice a1, a2;
        uint64_t dt = (uint64_t)i * 37 * SEC;
        o1.credential = o2.credential = 4 + i / 10;
        o1.item = o2.item = 40 + i % 3;
        admit(&DEFAULTS, s1, &o1, t1 + dt, &a1);
        admit(&DEFAULTS, s2, &o2, t2 + dt, &a2);
        assert_int_equal(a1.action, a2.action);
        assert_int_equal(a1.delay_ms, a2.delay_ms);
        assert_int_equal(a1.reason, a2.reason);
        advise_line(&DEFAULTS, s1, &o1, lines[i % 5], t1 + dt + 50, &r1, &a1);
        advise_line(&DEFAULTS, s2, &o2, lines[i % 5], t2 + dt + 50, &r2, &a2);
        assert_int_equal(a1.action, a2.action);
        assert_int_equal(a1.delay_ms, a2.delay_ms);
        assert_int_equal(a1.reason, a2.reason);
        assert_int_equal(a1.flags, a2.flags);
        assert_int_equal(a1.not_before_ms - t1, a2.not_before_ms - t2);
        assert_int_equal(a1.account_resume_ms ? a1.account_resume_ms - t1 : 0,
                         a2.account_resume_ms ? a2.account_resume_ms - t2 : 0);
        if (i % 4 == 3) {
            assert_int_equal(imaperr_retry_success(&DEFAULTS, s1, &o1, t1 + dt + 60), IMAPERR_OK);
            assert_int_equal(imaperr_retry_success(&DEFAULTS, s2, &o2, t2 + dt + 60), IMAPERR_OK);
        }
    }
}

static void
test_export_import(void **unused)
{
    imaperr_retry_state st, back = IMAPERR_RETRY_STATE_INIT, moved = IMAPERR_RETRY_STATE_INIT;
    unsigned char buf[IMAPERR_RETRY_STATE_EXPORT_MAX];
    uint64_t t0 = 5 * HOUR, now = t0 + 1000;
    int n;
    (void)unused;
    rich_state(&st, t0);
    n = imaperr_retry_state_export(&st, now, buf, sizeof buf);
    assert_true(n > 9 && n <= IMAPERR_RETRY_STATE_EXPORT_MAX);
    /* same clock: the same state */
    assert_int_equal(imaperr_retry_state_import(&back, now, buf, (size_t)n), IMAPERR_OK);
    {
        struct imaperr__rstate a = peek(&st), b = peek(&back);
        unsigned k;
        assert_true(a.pause_until == b.pause_until);
        assert_true(a.login_block_until == b.login_block_until);
        assert_int_equal(a.deficit, b.deficit);
        assert_int_equal(a.latched, 1);
        assert_int_equal(b.latched, 1);
        assert_int_equal(a.latched_gen, b.latched_gen);
        assert_int_equal(a.throttle_level, b.throttle_level);
        assert_int_equal(a.nlogin, 2);
        assert_int_equal(a.nlogin, b.nlogin);
        assert_true(a.pause_until > (int64_t)now);
        for (k = 0; k < a.nlogin; k++) {
            assert_true(a.login[k].t == b.login[k].t);
            assert_int_equal(a.login[k].pending, b.login[k].pending);
        }
        assert_int_equal(b.poison[0].key, 42);
    }
    /* a restart: the clock starts again near 0 */
    assert_int_equal(imaperr_retry_state_import(&moved, 1000, buf, (size_t)n), IMAPERR_OK);
    same_future(&st, now, &moved, 1000);
    /* and the export of the imported state is the same bytes */
    {
        unsigned char again[IMAPERR_RETRY_STATE_EXPORT_MAX];
        imaperr_retry_state s2 = IMAPERR_RETRY_STATE_INIT;
        assert_int_equal(imaperr_retry_state_import(&s2, 77, buf, (size_t)n), IMAPERR_OK);
        assert_int_equal(imaperr_retry_state_export(&s2, 77, again, sizeof again), n);
        assert_memory_equal(buf, again, (size_t)n);
    }
}

static void
test_import_rejects(void **unused)
{
    imaperr_retry_state st, dst = IMAPERR_RETRY_STATE_INIT, before;
    unsigned char buf[IMAPERR_RETRY_STATE_EXPORT_MAX], bad[IMAPERR_RETRY_STATE_EXPORT_MAX + 1];
    int n;
    size_t nlogin_at = 9 + 8 + 4 + 8 + 4 + 4 * 4 + 4 * 4 + 4;
    (void)unused;
    rich_state(&st, HOUR);
    n = imaperr_retry_state_export(&st, HOUR + 1000, buf, sizeof buf);
    before = dst;
#define REJECT(mutation) do { \
        memcpy(bad, buf, (size_t)n); \
        { size_t len = (size_t)n; mutation; \
          assert_int_equal(imaperr_retry_state_import(&dst, 0, bad, len), IMAPERR_E_SYNTAX); } \
        assert_memory_equal(&dst, &before, sizeof dst); \
    } while (0)
    REJECT(bad[0] = 'X');                         /* magic */
    REJECT(bad[8] = 2);                           /* version */
    REJECT(len = (size_t)n - 1);                  /* truncated */
    REJECT(bad[n] = 0; len = (size_t)n + 1);      /* trailing byte */
    REJECT(len = 5);                              /* shorter than the header */
    REJECT(bad[9 + 8 + 4 + 8 + 4 + 4 * 4] = 2);   /* latched is 0 or 1 */
    REJECT(bad[9 + 8 + 4 + 8 + 4] = 200);         /* throttle level above the maximum */
    REJECT(bad[nlogin_at] = 9);                   /* too many login events */
    REJECT(bad[9 + 7] = 0x80);                    /* a pause of 2^63 ms */
#undef REJECT
    assert_int_equal(imaperr_retry_state_import(&dst, 0, buf, (size_t)n), IMAPERR_OK);
    assert_int_equal(imaperr_retry_state_import(NULL, 0, buf, (size_t)n), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_retry_state_import(&dst, 0, NULL, 0), IMAPERR_E_INVALID);
}

static void
test_export_snprintf(void **unused)
{
    imaperr_retry_state st;
    unsigned char buf[IMAPERR_RETRY_STATE_EXPORT_MAX + 8];
    int n, m;
    (void)unused;
    rich_state(&st, HOUR);
    n = imaperr_retry_state_export(&st, HOUR, NULL, 0);
    assert_true(n > 0);
    memset(buf, 0xAA, sizeof buf);
    m = imaperr_retry_state_export(&st, HOUR, buf, (size_t)n - 3);
    assert_int_equal(m, n);
    assert_int_equal(buf[n - 3], 0xAA);  /* nothing beyond cap */
    assert_int_equal(imaperr_retry_state_export(&st, HOUR, NULL, 5), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_retry_state_export(NULL, HOUR, buf, sizeof buf), IMAPERR_E_INVALID);
}

/* ------------------------------------------------------------------------ */
/* Arguments and names                                                        */
/* ------------------------------------------------------------------------ */

static void
test_invalid_arguments(void **unused)
{
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT, before;
    imaperr_retry_op op = make_op("FETCH", 0, 0), small;
    imaperr_classification c;
    imaperr_random r = IMAPERR_RANDOM_INIT(1);
    imaperr_advice a = IMAPERR_ADVICE_INIT;
    imaperr_retry_state tiny = IMAPERR_RETRY_STATE_INIT;
    (void)unused;
    classify_line("a1 NO [UNAVAILABLE] x", "FETCH", &c);
    before = st;
    assert_int_equal(imaperr_advise(NULL, &st, &op, IMAPERR_OUTCOME_RESPONSE, &c, 0, &r, &a), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_advise(&DEFAULTS, NULL, &op, IMAPERR_OUTCOME_RESPONSE, &c, 0, &r, &a), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_advise(&DEFAULTS, &st, NULL, IMAPERR_OUTCOME_RESPONSE, &c, 0, &r, &a), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_advise(&DEFAULTS, &st, &op, IMAPERR_OUTCOME_RESPONSE, NULL, 0, &r, &a), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_advise(&DEFAULTS, &st, &op, IMAPERR_OUTCOME_RESPONSE, &c, 0, NULL, &a), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_advise(&DEFAULTS, &st, &op, IMAPERR_OUTCOME_RESPONSE, &c, 0, &r, NULL), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_advise(&DEFAULTS, &st, &op, (imaperr_outcome)5, &c, 0, &r, &a), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_advise(&DEFAULTS, &st, &op, IMAPERR_OUTCOME_RESPONSE, &c, UINT64_C(1) << 62, &r, &a),
                     IMAPERR_E_INVALID);
    small = op;
    small.size = 4;
    assert_int_equal(imaperr_advise(&DEFAULTS, &st, &small, IMAPERR_OUTCOME_RESPONSE, &c, 0, &r, &a), IMAPERR_E_INVALID);
    small = op;
    small.auth = (imaperr_auth)7;
    assert_int_equal(imaperr_advise(&DEFAULTS, &st, &small, IMAPERR_OUTCOME_RESPONSE, &c, 0, &r, &a), IMAPERR_E_INVALID);
    tiny.size = 16;
    assert_int_equal(imaperr_advise(&DEFAULTS, &tiny, &op, IMAPERR_OUTCOME_RESPONSE, &c, 0, &r, &a), IMAPERR_E_INVALID);
    c.category = (imaperr_category)99;
    assert_int_equal(imaperr_advise(&DEFAULTS, &st, &op, IMAPERR_OUTCOME_RESPONSE, &c, 0, &r, &a), IMAPERR_E_INVALID);
    a.size = 8;
    assert_int_equal(imaperr_admit(&DEFAULTS, &st, &op, 0, &a), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_admit(&DEFAULTS, &st, NULL, 0, &a), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_retry_success(&DEFAULTS, NULL, NULL, 0), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_retry_success(&DEFAULTS, &st, NULL, 0), IMAPERR_OK);
    assert_int_equal(op.attempts, 0);  /* nothing changed on error */
    assert_int_equal(peek(&st).success_seq, 1);
    st = before;
    /* a BYE in flight may come without its line */
    a = (imaperr_advice)IMAPERR_ADVICE_INIT;
    assert_int_equal(imaperr_advise(&DEFAULTS, &st, &op, IMAPERR_OUTCOME_BYE_IN_FLIGHT, NULL, 0, &r, &a), IMAPERR_OK);
}

static void
test_names(void **unused)
{
    unsigned i, bit;
    (void)unused;
    assert_string_equal(imaperr_scope_name(IMAPERR_SCOPE_ACCOUNT), "account");
    assert_null(imaperr_scope_name((imaperr_scope)3));
    for (i = 0; i <= IMAPERR_REASON_SEQNUMS; i++)
        assert_non_null(imaperr_advice_reason_name((imaperr_advice_reason)i));
    assert_null(imaperr_advice_reason_name((imaperr_advice_reason)(IMAPERR_REASON_SEQNUMS + 1)));
    assert_string_equal(imaperr_advice_reason_name(IMAPERR_REASON_OUTCOME_UNKNOWN), "outcome-unknown");
    for (i = 0; i <= IMAPERR_OUTCOME_CONNECT_FAILED; i++)
        assert_non_null(imaperr_outcome_name((imaperr_outcome)i));
    assert_null(imaperr_outcome_name((imaperr_outcome)5));
    for (bit = 1; bit <= IMAPERR_ADVICE_UNCERTAIN; bit <<= 1)
        assert_non_null(imaperr_advice_flag_name(bit));
    assert_null(imaperr_advice_flag_name(IMAPERR_ADVICE_UNCERTAIN << 1));
    assert_null(imaperr_advice_flag_name(3));
    assert_string_equal(imaperr_advice_flag_name(IMAPERR_ADVICE_VERIFY_FIRST), "verify-first");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_defaults),
        cmocka_unit_test(test_policy_set_get),
        cmocka_unit_test(test_policy_ranges),
        cmocka_unit_test(test_param_names),
        cmocka_unit_test(test_policy_poked),
        cmocka_unit_test(test_splitmix_reference),
        cmocka_unit_test(test_uniform_mapping),
        cmocka_unit_test(test_backoff_pinned),
        cmocka_unit_test(test_ceiling_bounds),
        cmocka_unit_test(test_advise_pinned),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_success_responses),
        cmocka_unit_test(test_soft_throttle_pace),
        cmocka_unit_test(test_noop_once),
        cmocka_unit_test(test_credential_latch_password),
        cmocka_unit_test(test_credential_uncertain),
        cmocka_unit_test(test_credential_oauth_refresh_once),
        cmocka_unit_test(test_authorization),
        cmocka_unit_test(test_throttled_account_scope),
        cmocka_unit_test(test_hints),
        cmocka_unit_test(test_attempt_cap_beats_hint),
        cmocka_unit_test(test_bandwidth_and_storage_quota),
        cmocka_unit_test(test_privacy_starttls_once),
        cmocka_unit_test(test_trycreate_once),
        cmocka_unit_test(test_replay_goal_reached),
        cmocka_unit_test(test_bye_reconnect),
        cmocka_unit_test(test_transient_and_give_up),
        cmocka_unit_test(test_in_use),
        cmocka_unit_test(test_server_bugs),
        cmocka_unit_test(test_reselect_once),
        cmocka_unit_test(test_permanent_failures),
        cmocka_unit_test(test_connect_failed),
        cmocka_unit_test(test_no_blind_replay),
        cmocka_unit_test(test_tagged_no_is_definite),
        cmocka_unit_test(test_token_bucket_steps),
        cmocka_unit_test(test_deadline),
        cmocka_unit_test(test_login_window),
        cmocka_unit_test(test_poison_items),
        cmocka_unit_test(test_export_import),
        cmocka_unit_test(test_import_rejects),
        cmocka_unit_test(test_export_snprintf),
        cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
