/* advise.h - internals of the retry advisor (lib/advise.c, lib/retry-state.c,
 * lib/random.c and the tables generated from lib/retry-policy.tsv by
 * lib/gen-retry.awk). Not installed. */
#ifndef IMAPERR_ADVISE_H
#define IMAPERR_ADVISE_H

#include <stdint.h>
#include "imaperr.h"

/* ---- generated tables (lib/retry-data.c) -------------------------------- */

/* Units of a parameter (how doc/retry-policy.md prints it). */
enum imaperr__unit {
    IMAPERR__UNIT_COUNT, IMAPERR__UNIT_MS, IMAPERR__UNIT_PERCENT,
    IMAPERR__UNIT_MILLITOKENS, IMAPERR__UNIT_JITTER
};

struct imaperr__rparam {
    const char *name;
    uint64_t def, min, max;
    unsigned char unit;
};

/* Properties of a command (the `command` rows). */
#define IMAPERR__CMD_AUTH       (1u << 0)  /* LOGIN, AUTHENTICATE */
#define IMAPERR__CMD_IDEMPOTENT (1u << 1)  /* replaying it is harmless */
#define IMAPERR__CMD_SEQNUM     (1u << 2)  /* sequence numbers unless UID-prefixed */
#define IMAPERR__CMD_READ       (1u << 3)  /* only reads (download quota, not storage) */
#define IMAPERR__CMD_MAILBOX    (1u << 4)  /* writes into a named mailbox (TRYCREATE) */
#define IMAPERR__CMD_SELECTED   (1u << 5)  /* needs a selected mailbox */
#define IMAPERR__CMD_KNOWN      (1u << 7)  /* set for every row: the command is known */

struct imaperr__rcommand {
    const char *name;          /* upper case; "UID EXPUNGE" rows include the prefix */
    unsigned props;
};

/* Outcome classes of a rule (bits). */
#define IMAPERR__OC_RESPONSE    (1u << 0)
#define IMAPERR__OC_NORESPONSE  (1u << 1)  /* timeout, connection lost, BYE in flight */
#define IMAPERR__OC_CONNECT     (1u << 2)  /* connect failed */
#define IMAPERR__OC_ANY         7u

/* Status classes of a rule (bits). */
#define IMAPERR__ST_OK   (1u << 0)  /* OK, PREAUTH */
#define IMAPERR__ST_NO   (1u << 1)
#define IMAPERR__ST_BAD  (1u << 2)
#define IMAPERR__ST_BYE  (1u << 3)
#define IMAPERR__ST_NONE (1u << 4)  /* no status: no response, data lines */
#define IMAPERR__ST_ANY  31u

/* Command conditions of a rule. */
enum imaperr__cmdsel {
    IMAPERR__SEL_ANY, IMAPERR__SEL_AUTH, IMAPERR__SEL_READ, IMAPERR__SEL_MAILBOX,
    IMAPERR__SEL_SELECTED, IMAPERR__SEL_UNSAFE, IMAPERR__SEL_NAME
};

/* WHEN conditions (bits; all must hold). */
#define IMAPERR__W_OAUTH           (1u << 0)
#define IMAPERR__W_NO_TLS          (1u << 1)
#define IMAPERR__W_AFTER_RECONNECT (1u << 2)
#define IMAPERR__W_REPLAYED        (1u << 3)
#define IMAPERR__W_TABLE_NOOP      (1u << 4)  /* the classification says retry-after-noop */
#define IMAPERR__W_TABLE_RETRY     (1u << 5)  /* the classification says retry-backoff */

/* Delay classes: the first five index the backoff parameter groups. */
enum imaperr__delay {
    IMAPERR__D_TRANSIENT = 0, IMAPERR__D_IN_USE, IMAPERR__D_THROTTLE, IMAPERR__D_BANDWIDTH,
    IMAPERR__D_RECONNECT, IMAPERR__D_ACCOUNT, IMAPERR__D_NOW, IMAPERR__D_PACE
};

/* Rule flags beyond the public IMAPERR_ADVICE_* bits: none; "latch" is
 * IMAPERR_ADVICE_LATCHED. */

struct imaperr__rule {
    unsigned char outcomes;    /* IMAPERR__OC_* */
    unsigned char statuses;    /* IMAPERR__ST_* */
    short category;            /* -1: any */
    int code;                  /* -1: any */
    unsigned char cmdsel;      /* enum imaperr__cmdsel */
    const char *cmdname;       /* for IMAPERR__SEL_NAME */
    unsigned when;             /* IMAPERR__W_* */
    short action;              /* -1: the classification's action */
    unsigned char delay;       /* enum imaperr__delay */
    unsigned char scope;       /* imaperr_scope */
    unsigned flags;            /* IMAPERR_ADVICE_* */
    unsigned char pre;         /* IMAPERR_PRE_* bit or 0 */
    short as;                  /* category of the advice, -1: the classification's */
};

extern const struct imaperr__rparam imaperr__rparams[];
extern const unsigned imaperr__rparam_count;
extern const struct imaperr__rcommand imaperr__rcommands[];
extern const unsigned imaperr__rcommand_count;
extern const struct imaperr__rule imaperr__rules[];
extern const unsigned imaperr__rule_count;

/* ---- the state behind imaperr_retry_state.opaque_ ---------------------- */

#define IMAPERR__LOGIN_SLOTS 8
#define IMAPERR__POISON_SLOTS 16
#define IMAPERR__LEVEL_MAX 64

struct imaperr__login_event {
    int64_t t;            /* admitted (pending) or failed at */
    uint32_t pending;     /* 1: admitted, outcome not reported yet */
    uint32_t pad_;
};

struct imaperr__poison {
    uint64_t key;         /* 0: free slot */
    int64_t last;         /* last counted failure */
    uint32_t count;       /* failures counted (at most one per success in between) */
    uint32_t mark;        /* success_seq at the last counted failure */
};

struct imaperr__rstate {
    int64_t pause_until;          /* account paused until (<= now: not paused) */
    int64_t login_block_until;    /* cooldown after login-failures failures */
    uint32_t deficit;             /* milli-tokens missing from the bucket */
    uint32_t nlogin;              /* used entries of login[] */
    uint32_t throttle_level;      /* consecutive throttling responses */
    uint32_t conn_level;          /* consecutive connection failures */
    uint32_t giveup_level;        /* consecutive given-up operations */
    uint32_t bandwidth_level;     /* consecutive bandwidth refusals */
    uint32_t latched;             /* 1: latched_gen (and older) is rejected */
    uint32_t latched_gen;
    uint32_t refresh_used;        /* 1: the automatic OAuth refresh was advised... */
    uint32_t refresh_gen;         /* ...for the failure of this generation */
    uint32_t success_seq;         /* successes seen (wraps) */
    uint32_t pause_reason;        /* imaperr_advice_reason of the pause */
    struct imaperr__login_event login[IMAPERR__LOGIN_SLOTS];
    struct imaperr__poison poison[IMAPERR__POISON_SLOTS];
};

/* Copy between the public struct and the working copy. */
void imaperr__rstate_load(const imaperr_retry_state *s, struct imaperr__rstate *st);
void imaperr__rstate_store(imaperr_retry_state *s, const struct imaperr__rstate *st);

/* Drop login events older than the window; returns the number left. */
unsigned imaperr__login_purge(struct imaperr__rstate *st, int64_t now, int64_t window);

/* The i-th parameter of a policy (its default when unset). */
uint64_t imaperr__param(const imaperr_retry_policy *p, unsigned i);

/* Ceiling of the n-th wait: min(max, base * mult%^(n-1)), saturating. */
uint64_t imaperr__ceiling(uint64_t base, uint64_t mult, uint64_t max, uint64_t n);

/* The n-th wait (n >= 1) of delay class d (enum imaperr__delay, up to
 * IMAPERR__D_ACCOUNT), jittered as the policy says. */
uint64_t imaperr__backoff(const imaperr_retry_policy *p, unsigned d, uint64_t n, imaperr_random *rnd);

/* Uniform value in [lo, hi] from 64 random bits. */
uint64_t imaperr__uniform(uint64_t r, uint64_t lo, uint64_t hi);

#endif /* IMAPERR_ADVISE_H */
