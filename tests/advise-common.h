/* advise-common.h - helpers shared by the retry advisor's tests
 * (tests/test-advise.c, tests/test-advise-props.c). */
#ifndef IMAPERR_TEST_ADVISE_COMMON_H
#define IMAPERR_TEST_ADVISE_COMMON_H

#include "common.h"
#include "internal.h"  /* internals (lib/ is on the include path) */
#include "advise.h"

#define SEC 1000u
#define MIN (60u * SEC)
#define HOUR (60u * MIN)

/* A random source that always returns the same value (pinned jitter). */
struct fixed_rng {
    uint64_t v;
};

static inline uint64_t
fixed_next(void *ctx)
{
    return ((struct fixed_rng *)ctx)->v;
}

static inline imaperr_random
fixed_random(struct fixed_rng *fr)
{
    imaperr_random r = { fixed_next, fr, 0 };
    return r;
}

static inline imaperr_retry_op
make_op(const char *command, unsigned flags, uint64_t start)
{
    imaperr_retry_op op = IMAPERR_RETRY_OP_INIT;
    op.command = command;
    op.flags = flags;
    op.start_ms = start;
    return op;
}

/* A classification made by hand (for categories no line gives reliably). */
static inline imaperr_classification
synth(imaperr_status status, imaperr_category cat, imaperr_action act, imaperr_code code)
{
    imaperr_classification c = IMAPERR_CLASSIFICATION_INIT;
    c.status = status;
    c.category = cat;
    c.action = act;
    c.code = code;
    c.source = IMAPERR_SOURCE_CODE;
    c.severity = status == IMAPERR_STATUS_OK ? IMAPERR_SEVERITY_WARNING : IMAPERR_SEVERITY_ERROR;
    c.confidence = 100;
    return c;
}

/* Classify `line` for op->command and advise on it. */
static inline void
advise_line(const imaperr_retry_policy *p, imaperr_retry_state *st, imaperr_retry_op *op,
            const char *line, uint64_t now, imaperr_random *rnd, imaperr_advice *out)
{
    imaperr_classification c;
    imaperr_advice init = IMAPERR_ADVICE_INIT;
    int rc;
    classify_line(line, op->command, &c);
    *out = init;
    rc = imaperr_advise(p, st, op, IMAPERR_OUTCOME_RESPONSE, &c, now, rnd, out);
    if (rc != IMAPERR_OK)
        fail_msg("advise on \"%s\" failed: %d", line, rc);
}

/* Advise on a classification (or none). */
static inline void
advise_c(const imaperr_retry_policy *p, imaperr_retry_state *st, imaperr_retry_op *op,
         imaperr_outcome outcome, const imaperr_classification *c, uint64_t now,
         imaperr_random *rnd, imaperr_advice *out)
{
    imaperr_advice init = IMAPERR_ADVICE_INIT;
    int rc;
    *out = init;
    rc = imaperr_advise(p, st, op, outcome, c, now, rnd, out);
    if (rc != IMAPERR_OK)
        fail_msg("advise failed: %d", rc);
}

static inline void
admit(const imaperr_retry_policy *p, imaperr_retry_state *st, const imaperr_retry_op *op,
      uint64_t now, imaperr_advice *out)
{
    imaperr_advice init = IMAPERR_ADVICE_INIT;
    *out = init;
    if (imaperr_admit(p, st, op, now, out) != IMAPERR_OK)
        fail_msg("admit failed");
}

static inline int
action_retries(imaperr_action a)
{
    return a == IMAPERR_ACT_RETRY_BACKOFF || a == IMAPERR_ACT_RETRY_AFTER_NOOP ||
           a == IMAPERR_ACT_RETRY_AFTER_STARTTLS || a == IMAPERR_ACT_RETRY_AFTER_CREATE ||
           a == IMAPERR_ACT_RECONNECT;
}

/* Internal view of a state. */
static inline struct imaperr__rstate
peek(const imaperr_retry_state *s)
{
    struct imaperr__rstate st;
    imaperr__rstate_load(s, &st);
    return st;
}

#endif
