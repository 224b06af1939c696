/* storm.h - the retry-storm simulation behind `make bench` (bench/retry-
 * storm.c) and the dispersion test (tests/test-advise-props.c).
 *
 * Many accounts, one simulated server that is down (NO [UNAVAILABLE]),
 * then throttling (NO [THROTTLED]), then back with a limited capacity per
 * second (requests above it are throttled). Every account needs one
 * successful request. The clients follow one of the strategies below.
 * Deterministic: everything comes from the seed; no clock is read. */
#ifndef IMAPERR_BENCH_STORM_H
#define IMAPERR_BENCH_STORM_H

#include <stdint.h>

enum storm_strategy {
    STORM_NAIVE,            /* retry at once, forever */
    STORM_EXPONENTIAL,      /* capped exponential backoff, no jitter, forever */
    STORM_ADVISOR,          /* imaperr_admit/advise/retry_success, default policy */
    STORM_ADVISOR_NO_JITTER /* the same with every *-jitter parameter at none */
};

struct storm_config {
    unsigned accounts;
    uint64_t seed;
    uint64_t unavailable_ms;   /* [0, this): NO [UNAVAILABLE] */
    uint64_t throttled_ms;     /* then this long: NO [THROTTLED] */
    uint64_t capacity_per_s;   /* after recovery: successes per second */
    uint64_t rtt_ms;           /* request to response */
    uint64_t start_spread_ms;  /* accounts notice the outage within this */
    uint64_t horizon_ms;       /* stop simulating here */
    uint64_t exp_base_ms;      /* STORM_EXPONENTIAL: first wait */
    uint64_t exp_max_ms;       /* STORM_EXPONENTIAL: longest wait */
};

struct storm_result {
    uint64_t attempts_outage;  /* requests sent before recovery */
    uint64_t attempts_after;   /* requests sent after recovery */
    uint64_t peak_after;       /* most requests in one second after recovery */
    uint64_t refused_after;    /* requests refused for capacity after recovery */
    uint64_t all_done_ms;      /* recovery to the last success; UINT64_MAX: not by the horizon */
    unsigned done;             /* accounts that succeeded */
};

/* The configuration of the issue: 10,000 accounts, 5 minutes down
 * (2.5 min unavailable, 2.5 min throttling), then 250 requests/s. */
void storm_default_config(struct storm_config *cfg);

const char *storm_strategy_name(enum storm_strategy s);

/* Run one strategy. Returns 0, or -1 when memory runs out or the library
 * refuses a call (a bug). */
int storm_run(const struct storm_config *cfg, enum storm_strategy s, struct storm_result *res);

/* Failed logins of one account whose credentials are always rejected,
 * over `hours`: `connections` connections log in, every attempt is
 * refused. LOCKOUT_NAIVE resends the same password a second after each
 * refusal; LOCKOUT_ADVISOR_UNATTENDED follows the advice with no user
 * present (OAuth: the one automatic refresh); LOCKOUT_ADVISOR_USER has a
 * user who types a new (wrong) password the moment one is asked for. */
enum lockout_strategy { LOCKOUT_NAIVE, LOCKOUT_ADVISOR_UNATTENDED, LOCKOUT_ADVISOR_USER };

struct lockout_result {
    unsigned total;          /* failed logins */
    unsigned worst_10min;    /* most in any 10 minutes */
    unsigned worst_hour;     /* most in any hour */
};

const char *lockout_strategy_name(enum lockout_strategy s);

/* oauth: log in with AUTHENTICATE XOAUTH2 instead of LOGIN. */
int lockout_run(enum lockout_strategy s, int oauth, unsigned connections, unsigned hours, uint64_t seed,
                struct lockout_result *res);

#endif
