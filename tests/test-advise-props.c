/* test-advise-props.c - the retry advisor as a whole:
 *   - every row of the default table is reachable and does what it says;
 *   - property runs: seeded random policies and random event sequences, a
 *     client that follows the advice, and the invariants checked on the
 *     trace (credentials never resent once rejected, failed logins per
 *     window, no blind replay, attempt cap, delay caps, deadline,
 *     pre-actions once, account pauses, one refresh per failure, hints
 *     never add attempts), replayed for determinism and with export/import
 *     at random points, and in threads (one state per thread);
 *   - every line of the development corpus gets an action consistent with
 *     its `retry` column, with a short list of justified exceptions;
 *   - the retry-storm simulation in small: jitter spreads the load.
 * Deterministic seeds; no clock, no sleeping. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "advise-common.h"
#include "storm.h"

static const imaperr_retry_policy DEFAULTS = IMAPERR_RETRY_POLICY_INIT;

/* A small test-side generator (independent of the advisor's own). */
static uint64_t
rnd_below(imaperr_random *r, uint64_t n)
{
    return n ? imaperr_random_next(r) % n : 0;
}

/* ------------------------------------------------------------------------ */
/* Every row of the table                                                     */
/* ------------------------------------------------------------------------ */

static const imaperr_status STATUSES[] = {
    IMAPERR_STATUS_NO, IMAPERR_STATUS_BAD, IMAPERR_STATUS_BYE, IMAPERR_STATUS_OK, IMAPERR_STATUS_NONE,
};
static const imaperr_action TABLE_ACTIONS[] = {
    IMAPERR_ACT_FAIL, IMAPERR_ACT_RETRY_BACKOFF, IMAPERR_ACT_USER_ACTION, IMAPERR_ACT_RECONNECT,
    IMAPERR_ACT_REAUTHENTICATE, IMAPERR_ACT_NONE,
};

static unsigned
status_bit_of(imaperr_status s)
{
    switch (s) {
    case IMAPERR_STATUS_OK: return IMAPERR__ST_OK;
    case IMAPERR_STATUS_NO: return IMAPERR__ST_NO;
    case IMAPERR_STATUS_BAD: return IMAPERR__ST_BAD;
    case IMAPERR_STATUS_BYE: return IMAPERR__ST_BYE;
    default: return IMAPERR__ST_NONE;
    }
}

/* Find an input that the row matches first, and check the advice. */
static int
try_row(unsigned idx)
{
    const struct imaperr__rule *r = &imaperr__rules[idx];
    static const char *const any_cmds[] = { "UID FETCH", NULL, "LOGIN", "APPEND", "SELECT" };
    imaperr_outcome outcome = (r->outcomes & IMAPERR__OC_RESPONSE) ? IMAPERR_OUTCOME_RESPONSE
                            : (r->outcomes & IMAPERR__OC_NORESPONSE) ? IMAPERR_OUTCOME_TIMEOUT
                            : IMAPERR_OUTCOME_CONNECT_FAILED;
    size_t si, ci, ai, mi, ti;
    for (si = 0; si < 5; si++) {
        imaperr_status status = STATUSES[si];
        if (!(r->statuses & status_bit_of(status)))
            continue;
        for (ci = 0; ci < imaperr__category_count; ci++) {
            int cat = r->category >= 0 ? r->category : (int)ci;
            if (r->category >= 0 && ci > 0)
                break;
            for (ai = 0; ai < sizeof TABLE_ACTIONS / sizeof TABLE_ACTIONS[0]; ai++) {
                imaperr_action tact = (r->when & IMAPERR__W_TABLE_NOOP) ? IMAPERR_ACT_RETRY_AFTER_NOOP
                                    : (r->when & IMAPERR__W_TABLE_RETRY) ? IMAPERR_ACT_RETRY_BACKOFF
                                    : TABLE_ACTIONS[ai];
                if ((r->when & (IMAPERR__W_TABLE_NOOP | IMAPERR__W_TABLE_RETRY)) && ai > 0)
                    break;
                for (mi = 0; mi < 5; mi++) {
                    const char *cmd;
                    switch (r->cmdsel) {
                    case IMAPERR__SEL_AUTH:
                        cmd = (r->when & IMAPERR__W_OAUTH) ? "AUTHENTICATE XOAUTH2" : "LOGIN";
                        break;
                    case IMAPERR__SEL_READ: cmd = "UID FETCH"; break;
                    case IMAPERR__SEL_MAILBOX: cmd = "APPEND"; break;
                    case IMAPERR__SEL_SELECTED: cmd = "COPY"; break;
                    case IMAPERR__SEL_UNSAFE: cmd = "APPEND"; break;
                    case IMAPERR__SEL_NAME: cmd = r->cmdname; break;
                    default: cmd = any_cmds[mi]; break;
                    }
                    if (r->cmdsel != IMAPERR__SEL_ANY && mi > 0)
                        break;
                    for (ti = 0; ti < 2; ti++) {
                        imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
                        imaperr_retry_op op = make_op(cmd, 0, 0);
                        imaperr_classification c = synth(status, (imaperr_category)cat, tact,
                                                         r->code >= 0 ? (imaperr_code)r->code : IMAPERR_CODE_NONE);
                        imaperr_random rnd = IMAPERR_RANDOM_INIT(idx);
                        imaperr_advice a = IMAPERR_ADVICE_INIT;
                        const imaperr_classification *cp = outcome == IMAPERR_OUTCOME_RESPONSE ? &c : NULL;
                        int want_action;
                        if (ti == 1 && (r->when & IMAPERR__W_NO_TLS))
                            break;
                        if (ti == 1)
                            op.flags |= IMAPERR_OP_TLS_ACTIVE;
                        if (r->when & IMAPERR__W_OAUTH)
                            op.auth = IMAPERR_AUTH_OAUTH;
                        else if (r->cmdsel == IMAPERR__SEL_AUTH || (cmd && strcmp(cmd, "LOGIN") == 0))
                            op.auth = IMAPERR_AUTH_PASSWORD;
                        if (r->when & IMAPERR__W_AFTER_RECONNECT)
                            op.flags |= IMAPERR_OP_AFTER_RECONNECT;
                        if (r->when & IMAPERR__W_REPLAYED)
                            op.flags |= IMAPERR_OP_REPLAYED;
                        op.item = (r->flags & IMAPERR_ADVICE_SKIP_ITEM) ? 99 : 0;
                        if (imaperr_advise(&DEFAULTS, &st, &op, outcome, cp, 0, &rnd, &a) != IMAPERR_OK)
                            fail_msg("rule %u: advise failed", idx + 1);
                        if (a.rule != idx + 1)
                            continue;
                        /* found: the advice does what the row says */
                        want_action = r->action >= 0 ? r->action : (int)tact;
                        if ((int)a.action != want_action)
                            fail_msg("rule %u: action %s", idx + 1, imaperr_action_name(a.action));
                        if ((int)a.scope != r->scope)
                            fail_msg("rule %u: scope %s", idx + 1, imaperr_scope_name(a.scope));
                        if ((a.flags & r->flags) != r->flags)
                            fail_msg("rule %u: flags %#x lack %#x", idx + 1, a.flags, r->flags);
                        if (r->as >= 0 && (int)a.category != r->as)
                            fail_msg("rule %u: category %s", idx + 1, imaperr_category_name(a.category));
                        if (r->pre && !(op.preactions & r->pre))
                            fail_msg("rule %u: pre-action %#x not recorded", idx + 1, r->pre);
                        if (!action_retries(a.action) && a.action != IMAPERR_ACT_NONE && a.delay_ms != 0)
                            fail_msg("rule %u: a delay without a retry", idx + 1);
                        if (r->delay == IMAPERR__D_NOW && a.delay_ms != 0)
                            fail_msg("rule %u: delay %llu for 'now'", idx + 1, (unsigned long long)a.delay_ms);
                        if (r->delay <= IMAPERR__D_RECONNECT && action_retries(a.action)) {
                            uint64_t max = imaperr__param(&DEFAULTS, IMAPERR_RETRY_TRANSIENT_MAX + 4u * r->delay);
                            if (a.delay_ms > max)
                                fail_msg("rule %u: delay %llu above %llu", idx + 1,
                                         (unsigned long long)a.delay_ms, (unsigned long long)max);
                        }
                        return 1;
                    }
                }
            }
        }
    }
    return 0;
}

static void
test_every_rule(void **unused)
{
    unsigned i;
    (void)unused;
    assert_true(imaperr__rule_count >= 25);
    for (i = 0; i < imaperr__rule_count; i++)
        if (!try_row(i))
            fail_msg("rule %u can never match (shadowed by an earlier row?)", i + 1);
}

/* Every input matches some row (the table ends with catch-alls). */
static void
test_table_total(void **unused)
{
    size_t o, s, c, a;
    (void)unused;
    for (o = 0; o <= IMAPERR_OUTCOME_CONNECT_FAILED; o++)
        for (s = 0; s < 5; s++)
            for (c = 0; c < imaperr__category_count; c++)
                for (a = 0; a < imaperr__action_count; a++) {
                    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
                    imaperr_retry_op op = make_op(s & 1 ? "LOGIN" : "XYZ", 0, 0);
                    imaperr_classification cl = synth(STATUSES[s], (imaperr_category)c, (imaperr_action)a,
                                                      IMAPERR_CODE_NONE);
                    imaperr_random rnd = IMAPERR_RANDOM_INIT(o);
                    imaperr_advice adv = IMAPERR_ADVICE_INIT;
                    assert_int_equal(imaperr_advise(&DEFAULTS, &st, &op, (imaperr_outcome)o, &cl, 0, &rnd, &adv),
                                     IMAPERR_OK);
                    assert_true(adv.rule >= 1 && adv.rule <= imaperr__rule_count);
                }
}

/* ------------------------------------------------------------------------ */
/* Property runs                                                              */
/* ------------------------------------------------------------------------ */

/* A random valid policy: about half the parameters changed, durations
 * drawn on a log scale. */
static void
random_policy(imaperr_random *r, imaperr_retry_policy *p)
{
    unsigned i;
    *p = (imaperr_retry_policy)IMAPERR_RETRY_POLICY_INIT;
    for (i = 0; i < imaperr__rparam_count; i++) {
        const struct imaperr__rparam *rp = &imaperr__rparams[i];
        uint64_t v, span = rp->max - rp->min;
        if (rnd_below(r, 2))
            continue;
        if (rp->unit == IMAPERR__UNIT_MS && span > 1000) {
            unsigned bits = (unsigned)rnd_below(r, 28);
            v = rp->min + rnd_below(r, (UINT64_C(1) << bits) + 1);
            if (v > rp->max)
                v = rp->max;
        } else {
            v = rp->min + rnd_below(r, span + 1);
        }
        if (imaperr_retry_policy_set(p, (imaperr_retry_param)i, v) != IMAPERR_OK)
            fail_msg("random policy: %s = %llu refused", rp->name, (unsigned long long)v);
    }
}

static uint64_t
pget(const imaperr_retry_policy *p, imaperr_retry_param k)
{
    uint64_t v = 0;
    if (imaperr_retry_policy_get(p, k, &v) != IMAPERR_OK)
        fail_msg("policy get");
    return v;
}

/* The longest delay any advice may carry under policy p. */
static uint64_t
delay_bound(const imaperr_retry_policy *p)
{
    static const imaperr_retry_param caps[] = {
        IMAPERR_RETRY_TRANSIENT_MAX, IMAPERR_RETRY_IN_USE_MAX, IMAPERR_RETRY_THROTTLE_MAX,
        IMAPERR_RETRY_BANDWIDTH_MAX, IMAPERR_RETRY_RECONNECT_MAX, IMAPERR_RETRY_ACCOUNT_MAX,
        IMAPERR_RETRY_HINT_MAX, IMAPERR_RETRY_PACE, IMAPERR_RETRY_LOGIN_WINDOW, IMAPERR_RETRY_LOGIN_COOLDOWN,
    };
    uint64_t m = 0;
    size_t i;
    for (i = 0; i < sizeof caps / sizeof caps[0]; i++)
        if (pget(p, caps[i]) > m)
            m = pget(p, caps[i]);
    return m;
}

static const char *const LINES[] = {
    "a1 NO [UNAVAILABLE] x", "a1 NO [TEMPFAIL] x", "a1 NO [THROTTLED] x",
    "a1 BAD Request is throttled. Suggested Backoff Time: 92415 milliseconds", "a1 NO [INUSE] x",
    "a1 NO [SERVERBUG] x", "a1 NO [CORRUPTION] x", "a1 NO [EXPUNGEISSUED] x", "a1 OK [EXPUNGEISSUED] x",
    "a1 NO [TRYCREATE] x", "a1 NO [PRIVACYREQUIRED] x", "a1 NO [AUTHENTICATIONFAILED] x",
    "a1 NO [AUTHORIZATIONFAILED] x", "a1 NO [EXPIRED] x", "a1 NO [OVERQUOTA] x",
    "a1 NO [OVERQUOTA] Account exceeded command or bandwidth limits.", "a1 NO [ALREADYEXISTS] x",
    "a1 NO [NONEXISTENT] x", "a1 NO [NOPERM] x", "a1 BAD x", "a1 NO x", "* BYE x",
    "* BYE [UNAVAILABLE] x", "a1 OK [THROTTLED] x", "a1 NO [LIMIT] x", "a1 NO [CANNOT] x",
    "a1 NO [ALERT] Too many simultaneous connections. (Failure)", "* BYE [THROTTLED] x",
};
#define NLINES (sizeof LINES / sizeof LINES[0])

static const char *const COMMANDS[] = {
    "LOGIN", "AUTHENTICATE XOAUTH2", "AUTHENTICATE PLAIN", "UID FETCH", "FETCH", "APPEND", "COPY",
    "UID COPY", "UID STORE", "STORE", "EXPUNGE", "UID EXPUNGE", "CREATE", "DELETE", "RENAME", "SELECT",
    "MOVE", "UID MOVE", "SEARCH", "NOOP", NULL, "XFOO",
};
#define NCOMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

/* The test's own view of which commands may not be replayed blindly:
 * commands addressed by sequence number, commands the caller marks as not
 * idempotent, and commands not known to be idempotent unless the caller
 * says they are. */
static int
unsafe_command(const char *cmd, unsigned flags)
{
    static const char *const safe[] = {
        "LOGIN", "AUTHENTICATE XOAUTH2", "AUTHENTICATE PLAIN", "UID FETCH", "UID STORE", "UID EXPUNGE",
        "CREATE", "DELETE", "SELECT", "UID MOVE", "SEARCH", "NOOP",
    };
    static const char *const seqnum[] = { "FETCH", "STORE", "COPY", "MOVE" };
    size_t i;
    if (flags & (IMAPERR_OP_NOT_IDEMPOTENT | IMAPERR_OP_SEQNUMS))
        return 1;
    for (i = 0; cmd && i < sizeof seqnum / sizeof seqnum[0]; i++)
        if (strcmp(cmd, seqnum[i]) == 0)
            return 1;
    if (flags & IMAPERR_OP_IDEMPOTENT)
        return 0;
    for (i = 0; cmd && i < sizeof safe / sizeof safe[0]; i++)
        if (strcmp(cmd, safe[i]) == 0)
            return 0;
    return 1;
}

static int
is_auth(const char *cmd)
{
    return cmd && (strcmp(cmd, "LOGIN") == 0 || strncmp(cmd, "AUTHENTICATE", 12) == 0);
}

/* Mix a value into a running hash (FNV-1a over 8 bytes). */
static void
mix(uint64_t *h, uint64_t v)
{
    unsigned i;
    for (i = 0; i < 8; i++) {
        *h ^= (v >> (8 * i)) & 0xFF;
        *h *= UINT64_C(0x100000001B3);
    }
}

struct run_stats {
    uint64_t hash;
    unsigned advices, retries, latches, logins_failed, refreshes, verifies, skips;
};

#define MAX_GENS 512
#define MAX_FAILS 4096

/* One property run: a random policy, one account, a client following the
 * advice for `steps` operations. export_at: step at which the state is
 * exported and imported again (-1: never). Checks every invariant; returns
 * the trace hash. */
static void
property_run(uint64_t seed, unsigned steps, int export_at, struct run_stats *out)
{
    imaperr_random tr = IMAPERR_RANDOM_INIT(seed * 7919 + 1);     /* the world */
    imaperr_random ar = IMAPERR_RANDOM_INIT(seed);                 /* the advisor's jitter */
    imaperr_retry_policy p;
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    unsigned char rejected[MAX_GENS];
    uint64_t fails[MAX_FAILS];
    unsigned nfails = 0, step, gen = 1, refresh_since_login = 0;
    uint64_t t = 0, bound, window, maxfail, maxatt;
    struct run_stats rs;

    memset(&rs, 0, sizeof rs);
    rs.hash = UINT64_C(0xcbf29ce484222325);
    memset(rejected, 0, sizeof rejected);
    random_policy(&tr, &p);
    bound = delay_bound(&p);
    window = pget(&p, IMAPERR_RETRY_LOGIN_WINDOW);
    maxfail = pget(&p, IMAPERR_RETRY_LOGIN_FAILURES);
    maxatt = pget(&p, IMAPERR_RETRY_MAX_ATTEMPTS);

    for (step = 0; step < steps && gen < MAX_GENS - 2; step++) {
        const char *cmd = COMMANDS[rnd_below(&tr, NCOMMANDS)];
        unsigned flags = 0, sends = 0, pre_seen = 0, guard;
        imaperr_retry_op op;
        imaperr_advice a;

        if ((int)step == export_at) {
            unsigned char buf[IMAPERR_RETRY_STATE_EXPORT_MAX];
            imaperr_retry_state fresh = IMAPERR_RETRY_STATE_INIT;
            int n = imaperr_retry_state_export(&st, t, buf, sizeof buf);
            assert_true(n > 0 && n <= (int)sizeof buf);
            assert_int_equal(imaperr_retry_state_import(&fresh, t, buf, (size_t)n), IMAPERR_OK);
            st = fresh;
        }
        if (rnd_below(&tr, 4) == 0) flags |= IMAPERR_OP_TLS_ACTIVE;
        if (rnd_below(&tr, 8) == 0) flags |= IMAPERR_OP_IDEMPOTENT;
        if (rnd_below(&tr, 8) == 0) flags |= IMAPERR_OP_NOT_IDEMPOTENT;
        if (rnd_below(&tr, 8) == 0) flags |= IMAPERR_OP_SEQNUMS;
        if (rnd_below(&tr, 8) == 0) flags |= IMAPERR_OP_REPLAYED;
        op = make_op(cmd, flags, t);
        op.credential = gen;
        op.item = rnd_below(&tr, 3) ? rnd_below(&tr, 6) : 0;
        if (rnd_below(&tr, 3) == 0)
            op.deadline_ms = t + rnd_below(&tr, 20 * MIN);

        for (guard = 0; guard < 64; guard++) {
            imaperr_outcome outcome;
            imaperr_classification c;
            const imaperr_classification *cp = NULL;
            int retrying, unsafe;

            /* Before every send of an operation that logs in: admit. */
            if (sends == 0 || is_auth(cmd)) {
                unsigned tries;
                for (tries = 0; tries < 8; tries++) {
                    admit(&p, &st, &op, t, &a);
                    mix(&rs.hash, a.action);
                    mix(&rs.hash, a.delay_ms);
                    if (a.action != IMAPERR_ACT_NONE || a.delay_ms == 0)
                        break;
                    assert_true(a.delay_ms <= bound);
                    t += a.delay_ms;
                }
                if (a.action != IMAPERR_ACT_NONE || a.delay_ms != 0) {
                    if (a.action == IMAPERR_ACT_USER_ACTION || a.action == IMAPERR_ACT_REAUTHENTICATE) {
                        assert_true(is_auth(cmd) && rejected[op.credential]);
                        if (rnd_below(&tr, 2)) {
                            gen++;  /* the user (or the token endpoint) gives new credentials */
                            t += rnd_below(&tr, 10 * MIN);
                        }
                    }
                    break;
                }
            }
            /* INVARIANT: a rejected credential generation is never sent. */
            if (is_auth(cmd) && rejected[op.credential])
                fail_msg("seed %llu: generation %u sent again after rejection", (unsigned long long)seed,
                         op.credential);
            sends++;
            t += 1 + rnd_below(&tr, 3000);

            /* The server's answer. */
            if (rnd_below(&tr, 10) < 3) {
                assert_int_equal(imaperr_retry_success(&p, &st, &op, t), IMAPERR_OK);
                if (is_auth(cmd))
                    refresh_since_login = 0;
                mix(&rs.hash, 7);
                break;
            }
            switch (rnd_below(&tr, 10)) {
            case 0: outcome = IMAPERR_OUTCOME_TIMEOUT; break;
            case 1: outcome = IMAPERR_OUTCOME_CONNECTION_LOST; break;
            case 2: outcome = IMAPERR_OUTCOME_BYE_IN_FLIGHT; break;
            case 3: outcome = IMAPERR_OUTCOME_CONNECT_FAILED; break;
            default: outcome = IMAPERR_OUTCOME_RESPONSE; break;
            }
            if (outcome == IMAPERR_OUTCOME_RESPONSE ||
                (outcome == IMAPERR_OUTCOME_BYE_IN_FLIGHT && rnd_below(&tr, 2))) {
                classify_line(outcome == IMAPERR_OUTCOME_RESPONSE ? LINES[rnd_below(&tr, NLINES)]
                                                                   : "* BYE [UNAVAILABLE] going down",
                              cmd, &c);
                if (rnd_below(&tr, 5) == 0)
                    c.hint_backoff_ms = rnd_below(&tr, 2 * HOUR);
                cp = &c;
            }
            /* INVARIANT: a server hint never adds an attempt. */
            if (cp && cp->hint_backoff_ms) {
                imaperr_retry_state s2 = st;
                imaperr_retry_op o2 = op;
                imaperr_random r2 = ar;
                imaperr_classification nohint = *cp;
                imaperr_advice a1, a2;
                imaperr_retry_state s1 = st;
                imaperr_retry_op o1 = op;
                imaperr_random r1 = ar;
                nohint.hint_backoff_ms = 0;
                advise_c(&p, &s1, &o1, outcome, cp, t, &r1, &a1);
                advise_c(&p, &s2, &o2, outcome, &nohint, t, &r2, &a2);
                if (action_retries(a1.action)) {
                    assert_true(action_retries(a2.action));
                    assert_int_equal(a1.attempts_left, a2.attempts_left);
                    assert_true(a1.delay_ms >= a2.delay_ms || a2.reason == IMAPERR_REASON_ACCOUNT_PAUSED ||
                                a2.reason == IMAPERR_REASON_LOGIN_RATE);
                }
            }
            /* A failed login, as fail2ban would count it (the test's view). */
            if (is_auth(cmd) && outcome != IMAPERR_OUTCOME_CONNECT_FAILED) {
                int counts = 1;
                if (cp && (cp->category == IMAPERR_CAT_TRANSIENT || cp->category == IMAPERR_CAT_THROTTLED ||
                           cp->category == IMAPERR_CAT_PRIVACY || cp->category == IMAPERR_CAT_IN_USE ||
                           cp->category == IMAPERR_CAT_OK))
                    counts = 0;
                if (counts && nfails < MAX_FAILS) {
                    fails[nfails++] = t;
                    rs.logins_failed++;
                }
            }

            advise_c(&p, &st, &op, outcome, cp, t, &ar, &a);
            rs.advices++;
            mix(&rs.hash, a.action);
            mix(&rs.hash, a.delay_ms);
            mix(&rs.hash, a.flags);
            mix(&rs.hash, a.reason);
            retrying = action_retries(a.action);
            unsafe = unsafe_command(cmd, flags);

            /* INVARIANT: delays are capped. */
            if (a.delay_ms > bound)
                fail_msg("seed %llu: delay %llu above every cap (%llu)", (unsigned long long)seed,
                         (unsigned long long)a.delay_ms, (unsigned long long)bound);
            /* INVARIANT: attempts are capped. */
            if (retrying && sends >= maxatt)
                fail_msg("seed %llu: retry after %u attempts (max %llu)", (unsigned long long)seed, sends,
                         (unsigned long long)maxatt);
            /* INVARIANT: one deadline for all attempts. */
            if (retrying && op.deadline_ms && a.not_before_ms > op.deadline_ms)
                fail_msg("seed %llu: retry after the deadline", (unsigned long long)seed);
            /* INVARIANT: no blind replay of unsafe commands. */
            if (outcome != IMAPERR_OUTCOME_RESPONSE && outcome != IMAPERR_OUTCOME_CONNECT_FAILED && unsafe) {
                if (a.action != IMAPERR_ACT_RECONNECT && retrying)
                    fail_msg("seed %llu: %s retried blindly", (unsigned long long)seed, cmd ? cmd : "(none)");
                if (retrying && !(a.flags & IMAPERR_ADVICE_VERIFY_FIRST))
                    fail_msg("seed %llu: %s without verify-first", (unsigned long long)seed, cmd ? cmd : "(none)");
            }
            /* INVARIANT: each pre-action at most once per operation. */
            if (a.action == IMAPERR_ACT_RETRY_AFTER_NOOP || a.action == IMAPERR_ACT_RETRY_AFTER_STARTTLS ||
                a.action == IMAPERR_ACT_RETRY_AFTER_CREATE || (a.flags & IMAPERR_ADVICE_RESELECT) ||
                (a.flags & IMAPERR_ADVICE_REFRESH_TOKEN)) {
                unsigned bit = a.action == IMAPERR_ACT_RETRY_AFTER_NOOP ? 1u
                             : a.action == IMAPERR_ACT_RETRY_AFTER_STARTTLS ? 2u
                             : a.action == IMAPERR_ACT_RETRY_AFTER_CREATE ? 4u
                             : (a.flags & IMAPERR_ADVICE_RESELECT) ? 8u : 16u;
                if (pre_seen & bit)
                    fail_msg("seed %llu: pre-action %u twice in one operation", (unsigned long long)seed, bit);
                pre_seen |= bit;
            }
            /* INVARIANT: an account-wide wait holds every new operation. */
            if (a.scope == IMAPERR_SCOPE_ACCOUNT && retrying && a.delay_ms > 0) {
                imaperr_retry_op other = make_op("NOOP", 0, t);
                imaperr_advice b;
                admit(&p, &st, &other, t, &b);
                if (b.delay_ms + t < a.not_before_ms &&
                    !(a.reason == IMAPERR_REASON_LOGIN_RATE))
                    fail_msg("seed %llu: account-wide wait not enforced", (unsigned long long)seed);
            }
            /* Credentials: latched, never retried, one refresh per failure. */
            if (cp && (cp->category == IMAPERR_CAT_CREDENTIAL || cp->category == IMAPERR_CAT_AUTHORIZATION) &&
                (a.action != IMAPERR_ACT_NONE)) {
                assert_true(a.action == IMAPERR_ACT_USER_ACTION || a.action == IMAPERR_ACT_REAUTHENTICATE);
                assert_true(a.flags & IMAPERR_ADVICE_LATCHED);
                rejected[op.credential] = 1;
                rs.latches++;
                if (a.flags & IMAPERR_ADVICE_REFRESH_TOKEN) {
                    refresh_since_login++;
                    rs.refreshes++;
                    if (refresh_since_login > pget(&p, IMAPERR_RETRY_OAUTH_REFRESHES))
                        fail_msg("seed %llu: a second automatic refresh", (unsigned long long)seed);
                }
            }
            if (a.flags & IMAPERR_ADVICE_VERIFY_FIRST)
                rs.verifies++;
            if (a.flags & IMAPERR_ADVICE_SKIP_ITEM)
                rs.skips++;

            if (a.action == IMAPERR_ACT_REAUTHENTICATE && (a.flags & IMAPERR_ADVICE_REFRESH_TOKEN)) {
                gen++;  /* refreshed token: a new generation */
                op.credential = gen;
                t += 500;
                continue;
            }
            if (!retrying)
                break;
            rs.retries++;
            /* Follow the advice. */
            t = a.not_before_ms;
            if (a.action == IMAPERR_ACT_RETRY_AFTER_STARTTLS)
                op.flags |= IMAPERR_OP_TLS_ACTIVE;
            if (a.action == IMAPERR_ACT_RECONNECT) {
                op.flags |= IMAPERR_OP_AFTER_RECONNECT;
                if (a.flags & IMAPERR_ADVICE_VERIFY_FIRST) {
                    if (rnd_below(&tr, 2))
                        break;  /* verification found the work done */
                    op.flags |= IMAPERR_OP_REPLAYED;
                }
                /* the new connection logs in first */
                {
                    imaperr_retry_op login = make_op("LOGIN", 0, t);
                    login.credential = gen;
                    admit(&p, &st, &login, t, &a);
                    if (a.action != IMAPERR_ACT_NONE)
                        break;
                    t += a.delay_ms;
                    if (a.delay_ms > 0) {
                        admit(&p, &st, &login, t, &a);
                        if (a.action != IMAPERR_ACT_NONE || a.delay_ms > 0)
                            break;
                    }
                    if (rejected[gen])
                        fail_msg("seed %llu: reconnect with a rejected generation", (unsigned long long)seed);
                    assert_int_equal(imaperr_retry_success(&p, &st, &login, t + 1), IMAPERR_OK);
                    refresh_since_login = 0;
                }
            }
        }
        /* time passes between operations */
        t += rnd_below(&tr, 5) ? rnd_below(&tr, 2 * MIN) : rnd_below(&tr, 3 * HOUR);
    }

    /* INVARIANT: never more than login-failures failed logins in any window,
     * so never more than 2 in any 10 minutes. */
    {
        unsigned i, j = 0;
        for (i = 0; i < nfails; i++) {
            while (fails[j] + window <= fails[i])
                j++;
            if (i - j + 1 > maxfail)
                fail_msg("seed %llu: %u failed logins within %llu ms", (unsigned long long)seed, i - j + 1,
                         (unsigned long long)window);
        }
        for (i = 0, j = 0; i < nfails; i++) {
            while (fails[j] + 10 * MIN <= fails[i])
                j++;
            assert_true(i - j + 1 <= 2);
        }
    }
    *out = rs;
}

#define PROPERTY_SEEDS 400
#define PROPERTY_STEPS 150

static void
test_property_runs(void **unused)
{
    struct run_stats total;
    uint64_t seed;
    (void)unused;
    memset(&total, 0, sizeof total);
    for (seed = 1; seed <= PROPERTY_SEEDS; seed++) {
        struct run_stats rs, again;
        property_run(seed, PROPERTY_STEPS, -1, &rs);
        /* determinism: the same seed gives the same trace */
        property_run(seed, PROPERTY_STEPS, -1, &again);
        if (rs.hash != again.hash)
            fail_msg("seed %llu: two runs differ", (unsigned long long)seed);
        total.advices += rs.advices;
        total.retries += rs.retries;
        total.latches += rs.latches;
        total.logins_failed += rs.logins_failed;
        total.refreshes += rs.refreshes;
        total.verifies += rs.verifies;
        total.skips += rs.skips;
    }
    printf("# %u seeds: %u advices, %u retries, %u latches, %u failed logins, %u refreshes, "
           "%u verify-first, %u skipped items\n", PROPERTY_SEEDS, total.advices, total.retries,
           total.latches, total.logins_failed, total.refreshes, total.verifies, total.skips);
    /* the runs exercised what they check */
    assert_true(total.retries > 1000 && total.latches > 100 && total.logins_failed > 100 &&
                total.refreshes > 10 && total.verifies > 100 && total.skips > 10);
}

/* Export and import at a random step change nothing that follows. */
static void
test_property_export_import(void **unused)
{
    uint64_t seed;
    (void)unused;
    for (seed = 1; seed <= 150; seed++) {
        struct run_stats plain, moved;
        imaperr_random r = IMAPERR_RANDOM_INIT(seed);
        int at = (int)rnd_below(&r, PROPERTY_STEPS);
        property_run(seed, PROPERTY_STEPS, -1, &plain);
        property_run(seed, PROPERTY_STEPS, at, &moved);
        if (plain.hash != moved.hash)
            fail_msg("seed %llu: export/import at step %d changed the advice", (unsigned long long)seed, at);
    }
}

/* One state per thread: the same results as one after the other. */
struct thread_job {
    uint64_t first;
    uint64_t hash[8];
};

static void *
thread_main(void *arg)
{
    struct thread_job *job = arg;
    unsigned k;
    for (k = 0; k < 8; k++) {
        struct run_stats rs;
        property_run(job->first + k, 60, -1, &rs);
        job->hash[k] = rs.hash;
    }
    return NULL;
}

static void
test_threads(void **unused)
{
    struct thread_job jobs[4];
    uint64_t seq[4][8];
    pthread_t th[4];
    unsigned i, k;
    (void)unused;
    for (i = 0; i < 4; i++) {
        jobs[i].first = 1000 + 8 * i;
        thread_main(&jobs[i]);  /* one after the other first */
        memcpy(seq[i], jobs[i].hash, sizeof seq[i]);
        memset(jobs[i].hash, 0, sizeof jobs[i].hash);
    }
    for (i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, thread_main, &jobs[i]), 0);
    for (i = 0; i < 4; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    for (i = 0; i < 4; i++)
        for (k = 0; k < 8; k++)
            assert_true(seq[i][k] == jobs[i].hash[k]);
}

/* ------------------------------------------------------------------------ */
/* The development corpus                                                     */
/* ------------------------------------------------------------------------ */

static FILE *
open_corpus(char *path, size_t cap)
{
    const char *env = getenv("IMAPERR_CORPUS");
    const char *tries[3];
    size_t i;
    char a[1024];
    snprintf(a, sizeof a, "%s/../shared/corpus/realworld-dev.tsv", TOP_SRCDIR);
    tries[0] = env;
    tries[1] = a;
    tries[2] = "/work/shared/corpus/realworld-dev.tsv";
    for (i = 0; i < 3; i++) {
        FILE *f;
        if (tries[i] == NULL || *tries[i] == '\0')
            continue;
        f = fopen(tries[i], "r");
        if (f) {
            snprintf(path, cap, "%s", tries[i]);
            return f;
        }
    }
    return NULL;
}

struct mapping {
    const char *from, *to;
};

static const char *
map_name(const struct mapping *m, const char *s)
{
    for (; m->from; m++)
        if (strcmp(m->from, s) == 0)
            return m->to;
    return s;
}

/* DESIGN.md, "Development corpus": the old spellings. */
static const struct mapping CORPUS_CATEGORY[] = {
    { "authz", "authorization" }, { "client-bug/parse", "client-bug" },
    { "server-bug/corruption", "server-bug" }, { "unsupported/cannot", "cannot" },
    { "shutdown/bye", "connection" }, { "alert-info", "alert" }, { "other", "unknown" }, { NULL, NULL },
};
static const struct mapping CORPUS_RETRY[] = {
    { "never", "fail" }, { "backoff", "retry-backoff" }, { "after-user-action", "user-action" },
    { "after-reauth", "reauthenticate" }, { "immediately-once", "retry-backoff" },
    { "after-noop", "retry-after-noop" }, { "after-starttls", "retry-after-starttls" },
    { "after-create", "retry-after-create" }, { NULL, NULL },
};

/* The action each category usually carries (DESIGN.md's typical codes), for
 * lines whose wording this version's classifier does not know. */
static imaperr_action
usual_action(imaperr_category c)
{
    switch (c) {
    case IMAPERR_CAT_OK: return IMAPERR_ACT_NONE;
    case IMAPERR_CAT_TRANSIENT: case IMAPERR_CAT_THROTTLED: case IMAPERR_CAT_IN_USE:
    case IMAPERR_CAT_SERVER_BUG: return IMAPERR_ACT_RETRY_BACKOFF;
    case IMAPERR_CAT_CREDENTIAL: return IMAPERR_ACT_REAUTHENTICATE;
    case IMAPERR_CAT_PRIVACY: return IMAPERR_ACT_RETRY_AFTER_STARTTLS;
    case IMAPERR_CAT_EXPUNGE_RACE: return IMAPERR_ACT_RETRY_AFTER_NOOP;
    case IMAPERR_CAT_CONNECTION: return IMAPERR_ACT_RECONNECT;
    case IMAPERR_CAT_AUTHORIZATION: case IMAPERR_CAT_QUOTA: case IMAPERR_CAT_ALERT:
        return IMAPERR_ACT_USER_ACTION;
    default: return IMAPERR_ACT_FAIL;
    }
}

/* The command a corpus cell names: "UID FETCH (same UID ...)" -> "UID FETCH",
 * "COPY/MOVE (...)" -> "COPY", "AUTHENTICATE XOAUTH2" kept whole,
 * "(greeting)" -> none. */
static const char *
corpus_command(const char *cell, char *buf, size_t cap)
{
    size_t i = 0, n = 0;
    int words = 0, want = 1;
    if (cell[0] == '(' || cell[0] == '\0')
        return NULL;
    if (strncmp(cell, "UID ", 4) == 0 || strncmp(cell, "AUTHENTICATE ", 13) == 0)
        want = 2;
    while (cell[i] && n + 1 < cap) {
        char ch = cell[i++];
        if (ch == ' ') {
            if (++words == want)
                break;
        } else if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-')) {
            break;
        }
        buf[n++] = ch;
    }
    buf[n] = '\0';
    while (n > 0 && buf[n - 1] == ' ')
        buf[--n] = '\0';
    return n ? buf : NULL;
}

/* Lines whose advice differs from the corpus on purpose. The key is the
 * start of the line. */
static const struct {
    const char *line;
    const char *advised;
    const char *why;
} EXCEPTIONS[] = {
    { "a1 NO Client tried to access nonexistent namespace", "fail",
      "the corpus wants the user to fix the name; the advisor only says not to retry (nonexistent)" },
    { "a0306 NO Mailbox doesn't exist: FooBar", "fail",
      "as above: a missing mailbox is not retried; whether to ask the user is the application's call" },
    { "xm002 NO SELECT Unsafe Login.", "fail",
      "NetEase wants an ID command; the corpus suggests the user act, the advisor only stops retrying" },
    { "RUBY0005 NO EXAMINE Unsafe Login.", "fail", "as above" },
    { NULL, NULL, NULL },
};

static void
test_corpus(void **unused)
{
    char path[1200], row[8192];
    FILE *f = open_corpus(path, sizeof path);
    unsigned lines = 0, agree = 0, excepted = 0, reclassified = 0, fails = 0;
    (void)unused;
    if (f == NULL) {
        printf("# SKIP: no development corpus ($IMAPERR_CORPUS, ../shared/corpus/realworld-dev.tsv)\n");
        skip();
    }
    while (fgets(row, sizeof row, f)) {
        char *col[6], *p = row, cmdbuf[64];
        const char *cmd, *want, *cat_name;
        size_t k, len = strlen(row);
        imaperr_response r = IMAPERR_RESPONSE_INIT;
        imaperr_classification c = IMAPERR_CLASSIFICATION_INIT;
        imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
        imaperr_retry_op op;
        imaperr_random rnd = IMAPERR_RANDOM_INIT(1);
        imaperr_advice a;
        int prc, cat, ex = -1;

        if (len && row[len - 1] == '\n')
            row[--len] = '\0';
        for (k = 0; k < 6; k++) {
            col[k] = p;
            p = strchr(p, '\t');
            if (p == NULL && k < 5)
                break;
            if (p)
                *p++ = '\0';
        }
        if (k < 5 || strcmp(col[0], "line") == 0)
            continue;
        lines++;
        cmd = corpus_command(col[2], cmdbuf, sizeof cmdbuf);
        op = make_op(cmd, strstr(col[2], "reconnect") ? IMAPERR_OP_AFTER_RECONNECT : 0, 0);
        prc = imaperr_parse(col[0], strlen(col[0]), &r);
        if (prc == IMAPERR_OK)
            imaperr_classify(&r, cmd, 0, &c);
        else
            imaperr_classify_parse_error(prc, &c);
        cat_name = map_name(CORPUS_CATEGORY, col[3]);
        cat = imaperr_category_from_name(cat_name);
        assert_true(cat >= 0);
        if ((int)c.category != cat) {
            /* This version's classifier reads the line otherwise: advise as
             * if it had the corpus's category (the advisor is under test). */
            reclassified++;
            printf("# reclassified for the advisor: %s (%s -> %s) %s\n", imaperr_category_name(c.category),
                   col[3], cat_name, col[0]);
            c.category = (imaperr_category)cat;
            c.action = usual_action(c.category);
            if (c.status == IMAPERR_STATUS_NONE)
                c.status = IMAPERR_STATUS_NO;
        }
        advise_c(&DEFAULTS, &st, &op, IMAPERR_OUTCOME_RESPONSE, &c, 0, &rnd, &a);
        want = map_name(CORPUS_RETRY, col[4]);
        if (strcmp(col[4], "never") == 0 &&
            (cat == IMAPERR_CAT_OK || r.status == IMAPERR_STATUS_OK || r.status == IMAPERR_STATUS_PREAUTH))
            want = "none";  /* nothing failed: "never retry" means carry on */
        if (strcmp(col[4], "after-reauth") == 0 && r.status == IMAPERR_STATUS_BYE)
            want = "reconnect";  /* DESIGN.md: after-reauth on a BYE */
        for (k = 0; EXCEPTIONS[k].line; k++)
            if (strncmp(col[0], EXCEPTIONS[k].line, strlen(EXCEPTIONS[k].line)) == 0)
                ex = (int)k;
        if (strcmp(imaperr_action_name(a.action), want) == 0) {
            agree++;
            if (ex >= 0)
                fail_msg("listed as an exception, but agrees with the corpus: %s", col[0]);
        } else if (ex >= 0 && strcmp(EXCEPTIONS[ex].advised, imaperr_action_name(a.action)) == 0) {
            excepted++;
            printf("# exception: %s -> %s (corpus: %s): %s\n", col[0], imaperr_action_name(a.action), want,
                   EXCEPTIONS[ex].why);
        } else {
            fails++;
            print_error("corpus line: %s\n  command %s, category %s: advised %s (rule %u, %s), corpus says %s\n",
                        col[0], cmd ? cmd : "(none)", imaperr_category_name(c.category),
                        imaperr_action_name(a.action), a.rule, imaperr_advice_reason_name(a.reason), want);
        }
    }
    fclose(f);
    printf("# corpus %s: %u lines, %u agree, %u justified exceptions, %u reclassified, %u disagree\n", path,
           lines, agree, excepted, reclassified, fails);
    assert_int_equal(fails, 0);
    assert_true(lines >= 80);
    assert_true(excepted <= 8);
}

/* ------------------------------------------------------------------------ */
/* The retry storm, small                                                     */
/* ------------------------------------------------------------------------ */

static void
test_storm_dispersion(void **unused)
{
    struct storm_config cfg;
    struct storm_result adv, flat, expo;
    (void)unused;
    storm_default_config(&cfg);
    cfg.accounts = 2000;
    cfg.unavailable_ms = 60 * SEC;
    cfg.throttled_ms = 60 * SEC;
    cfg.capacity_per_s = 100;
    cfg.horizon_ms = 4 * HOUR;
    assert_int_equal(storm_run(&cfg, STORM_ADVISOR, &adv), 0);
    assert_int_equal(storm_run(&cfg, STORM_ADVISOR_NO_JITTER, &flat), 0);
    assert_int_equal(storm_run(&cfg, STORM_EXPONENTIAL, &expo), 0);
    printf("# advisor: %llu attempts in the outage, peak %llu/s after, %llu refused, all done %llu ms\n",
           (unsigned long long)adv.attempts_outage, (unsigned long long)adv.peak_after,
           (unsigned long long)adv.refused_after, (unsigned long long)adv.all_done_ms);
    printf("# jitter off: %llu, peak %llu/s, %llu refused; exponential: %llu, peak %llu/s, %llu refused\n",
           (unsigned long long)flat.attempts_outage, (unsigned long long)flat.peak_after,
           (unsigned long long)flat.refused_after, (unsigned long long)expo.attempts_outage,
           (unsigned long long)expo.peak_after, (unsigned long long)expo.refused_after);
    assert_int_equal(adv.done, cfg.accounts);
    /* the accounts come back spread out: no second of the recovery sees more
     * than a tenth of them, and none is refused for capacity */
    assert_true(adv.peak_after <= cfg.accounts / 10);
    assert_true(adv.peak_after * 4 < flat.peak_after);
    assert_true(adv.peak_after * 4 < expo.peak_after);
    /* and the server does less work than without jitter */
    assert_true(adv.attempts_after < flat.attempts_after);
    assert_true(adv.attempts_outage <= 20u * cfg.accounts);
}

/* The credential storm: whatever the user does, at most 2 failed logins in
 * any 10 minutes and 4 in any hour; without a user, the credentials stop
 * after the first refusals. */
static void
test_lockout_storm(void **unused)
{
    struct lockout_result r;
    int oauth;
    (void)unused;
    for (oauth = 0; oauth < 2; oauth++) {
        assert_int_equal(lockout_run(LOCKOUT_ADVISOR_USER, oauth, 4, 24, 1, &r), 0);
        printf("# user retyping, %s: worst 10 min %u, worst hour %u, 24 h %u\n", oauth ? "OAuth" : "password",
               r.worst_10min, r.worst_hour, r.total);
        assert_true(r.worst_10min <= 2 && r.worst_hour <= 4 && r.total <= 100);
        assert_int_equal(lockout_run(LOCKOUT_ADVISOR_UNATTENDED, oauth, 4, 24, 1, &r), 0);
        assert_true(r.worst_10min <= 2);
        assert_true(r.total <= (oauth ? 4u : 2u));  /* one refresh for OAuth, then nothing */
    }
    assert_int_equal(lockout_run(LOCKOUT_NAIVE, 0, 4, 1, 1, &r), 0);
    assert_true(r.worst_10min > 100);  /* what the advisor prevents */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_rule),
        cmocka_unit_test(test_table_total),
        cmocka_unit_test(test_property_runs),
        cmocka_unit_test(test_property_export_import),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_storm_dispersion),
        cmocka_unit_test(test_lockout_storm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
