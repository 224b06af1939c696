/* storm.c - the retry-storm simulation (see storm.h). An event queue (a
 * binary heap keyed on time) holds the next request of every account that
 * has not succeeded yet; each event is one request, decided by the server
 * when it arrives, and the client's reaction to the response schedules the
 * next one. */
#include <stdlib.h>
#include <string.h>

#include "imaperr.h"
#include "storm.h"

struct event {
    uint64_t t;        /* when the request is sent */
    uint32_t account;
    uint32_t seq;      /* tie-break: keeps the order deterministic */
};

struct heap {
    struct event *e;
    size_t n;
};

static int
before(const struct event *a, const struct event *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void
heap_push(struct heap *h, struct event ev)
{
    size_t i = h->n++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(&ev, &h->e[parent]))
            break;
        h->e[i] = h->e[parent];
        i = parent;
    }
    h->e[i] = ev;
}

static struct event
heap_pop(struct heap *h)
{
    struct event top = h->e[0], last = h->e[--h->n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        const struct event *best = &last;
        if (l < h->n && before(&h->e[l], best)) {
            m = l;
            best = &h->e[l];
        }
        if (r < h->n && before(&h->e[r], best))
            m = r;
        if (m == i)
            break;
        h->e[i] = h->e[m];
        i = m;
    }
    if (h->n > 0)
        h->e[i] = last;
    return top;
}

/* One account's client. */
struct client {
    imaperr_retry_state state;
    imaperr_retry_op op;
    imaperr_random rnd;
    uint32_t failures;     /* consecutive, for STORM_EXPONENTIAL */
    int admitted;          /* the current request passed imaperr_admit() */
};

void
storm_default_config(struct storm_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->accounts = 10000;
    cfg->seed = 20240611;
    cfg->unavailable_ms = 150000;
    cfg->throttled_ms = 150000;
    cfg->capacity_per_s = 250;
    cfg->rtt_ms = 100;
    cfg->start_spread_ms = 1000;
    cfg->horizon_ms = 6 * 3600 * 1000;
    cfg->exp_base_ms = 1000;
    cfg->exp_max_ms = 120000;
}

const char *
storm_strategy_name(enum storm_strategy s)
{
    switch (s) {
    case STORM_NAIVE: return "naive immediate retry";
    case STORM_EXPONENTIAL: return "capped exponential, no jitter";
    case STORM_ADVISOR: return "imaperr_advise defaults";
    case STORM_ADVISOR_NO_JITTER: return "imaperr_advise, jitter off";
    }
    return "?";
}

static int
classify_line(const char *line, imaperr_classification *c)
{
    imaperr_response r = IMAPERR_RESPONSE_INIT;
    imaperr_classification init = IMAPERR_CLASSIFICATION_INIT;
    *c = init;
    if (imaperr_parse(line, strlen(line), &r) != IMAPERR_OK)
        return -1;
    return imaperr_classify(&r, "UID FETCH", 0, c) == IMAPERR_OK ? 0 : -1;
}

static void
new_op(struct client *cl, uint64_t now)
{
    imaperr_retry_op init = IMAPERR_RETRY_OP_INIT;
    cl->op = init;
    cl->op.command = "UID FETCH";
    cl->op.start_ms = now;
    cl->admitted = 0;
}

int
storm_run(const struct storm_config *cfg, enum storm_strategy s, struct storm_result *res)
{
    imaperr_retry_policy policy = IMAPERR_RETRY_POLICY_INIT;
    imaperr_classification unavailable, throttled;
    struct client *cl;
    struct heap h;
    uint64_t recovery = cfg->unavailable_ms + cfg->throttled_ms;
    uint64_t nsec = cfg->horizon_ms / 1000 + 2, window = UINT64_MAX, served = 0, last_done = 0;
    uint64_t *per_s;
    uint32_t seq = 0;
    unsigned i;
    int rc = -1;

    memset(res, 0, sizeof *res);
    if (classify_line("a1 NO [UNAVAILABLE] Service temporarily unavailable", &unavailable) < 0 ||
        classify_line("a1 NO [THROTTLED] Too many requests, slow down", &throttled) < 0)
        return -1;
    if (s == STORM_ADVISOR_NO_JITTER) {
        static const imaperr_retry_param jit[] = {
            IMAPERR_RETRY_TRANSIENT_JITTER, IMAPERR_RETRY_IN_USE_JITTER, IMAPERR_RETRY_THROTTLE_JITTER,
            IMAPERR_RETRY_BANDWIDTH_JITTER, IMAPERR_RETRY_RECONNECT_JITTER, IMAPERR_RETRY_ACCOUNT_JITTER,
        };
        for (i = 0; i < sizeof jit / sizeof jit[0]; i++)
            if (imaperr_retry_policy_set(&policy, jit[i], IMAPERR_JITTER_NONE) != IMAPERR_OK)
                return -1;
        if (imaperr_retry_policy_set(&policy, IMAPERR_RETRY_HINT_SPREAD, 0) != IMAPERR_OK)
            return -1;
    }

    cl = calloc(cfg->accounts, sizeof *cl);
    h.e = calloc(cfg->accounts + 1, sizeof *h.e);
    per_s = calloc(nsec, sizeof *per_s);
    h.n = 0;
    if (cl == NULL || h.e == NULL || per_s == NULL)
        goto out;

    {
        imaperr_random start = IMAPERR_RANDOM_INIT(cfg->seed);
        for (i = 0; i < cfg->accounts; i++) {
            imaperr_retry_state init = IMAPERR_RETRY_STATE_INIT;
            imaperr_random r = IMAPERR_RANDOM_INIT(cfg->seed ^ (UINT64_C(0x9E3779B97F4A7C15) * (i + 1)));
            struct event ev;
            cl[i].state = init;
            cl[i].rnd = r;
            ev.t = cfg->start_spread_ms ? imaperr_random_next(&start) % cfg->start_spread_ms : 0;
            ev.account = i;
            ev.seq = seq++;
            new_op(&cl[i], ev.t);
            heap_push(&h, ev);
        }
    }

    while (h.n > 0) {
        struct event ev = heap_pop(&h);
        struct client *c = &cl[ev.account];
        const imaperr_classification *answer = NULL;
        uint64_t arrive, resp, next;

        if (ev.t >= cfg->horizon_ms)
            break;
        if ((s == STORM_ADVISOR || s == STORM_ADVISOR_NO_JITTER) && !c->admitted) {
            imaperr_advice adm = IMAPERR_ADVICE_INIT;
            if (imaperr_admit(&policy, &c->state, &c->op, ev.t, &adm) != IMAPERR_OK)
                goto out;
            if (adm.delay_ms > 0) {
                ev.t += adm.delay_ms;
                ev.seq = seq++;
                heap_push(&h, ev);
                continue;
            }
            c->admitted = 1;
        }

        /* The request: counted when sent, decided when it arrives. */
        if (ev.t < recovery)
            res->attempts_outage++;
        else {
            res->attempts_after++;
            per_s[(ev.t - recovery) / 1000]++;
        }
        arrive = ev.t + cfg->rtt_ms / 2;
        resp = ev.t + cfg->rtt_ms;
        if (arrive < cfg->unavailable_ms) {
            answer = &unavailable;
        } else if (arrive < recovery) {
            answer = &throttled;
        } else {
            if (arrive / 1000 != window) {
                window = arrive / 1000;
                served = 0;
            }
            if (served < cfg->capacity_per_s)
                served++;
            else {
                answer = &throttled;
                if (ev.t >= recovery)
                    res->refused_after++;
            }
        }

        if (answer == NULL) {
            res->done++;
            if (resp > last_done)
                last_done = resp;
            if (s == STORM_ADVISOR || s == STORM_ADVISOR_NO_JITTER)
                if (imaperr_retry_success(&policy, &c->state, &c->op, resp) != IMAPERR_OK)
                    goto out;
            continue;
        }

        switch (s) {
        case STORM_NAIVE:
            next = resp;
            break;
        case STORM_EXPONENTIAL: {
            uint64_t w = cfg->exp_base_ms;
            uint32_t k;
            for (k = 1; k < c->failures + 1 && w < cfg->exp_max_ms; k++)
                w *= 2;
            if (w > cfg->exp_max_ms)
                w = cfg->exp_max_ms;
            c->failures++;
            next = resp + w;
            break;
        }
        default: {
            imaperr_advice a = IMAPERR_ADVICE_INIT;
            if (imaperr_advise(&policy, &c->state, &c->op, IMAPERR_OUTCOME_RESPONSE, answer, resp,
                               &c->rnd, &a) != IMAPERR_OK)
                goto out;
            if (a.action == IMAPERR_ACT_RETRY_BACKOFF || a.action == IMAPERR_ACT_RECONNECT) {
                next = a.not_before_ms;
            } else {
                /* The operation gave up; the daemon starts the next one,
                 * which imaperr_admit() holds while the account rests. */
                new_op(c, resp);
                next = resp;
            }
            break;
        }
        }
        ev.t = next;
        ev.seq = seq++;
        heap_push(&h, ev);
    }

    for (i = 0; i < nsec; i++)
        if (per_s[i] > res->peak_after)
            res->peak_after = per_s[i];
    res->all_done_ms = res->done == cfg->accounts ? last_done - recovery : UINT64_MAX;
    rc = 0;
out:
    free(per_s);
    free(h.e);
    free(cl);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Credential storm                                                           */
/* ------------------------------------------------------------------------ */

const char *
lockout_strategy_name(enum lockout_strategy s)
{
    switch (s) {
    case LOCKOUT_NAIVE: return "naive: resend after 1 s";
    case LOCKOUT_ADVISOR_UNATTENDED: return "imaperr_advise, no user";
    case LOCKOUT_ADVISOR_USER: return "imaperr_advise, user retypes at once";
    }
    return "?";
}

/* Most events of the sorted times t[0..n) inside any window of length w. */
static unsigned
worst_window(const uint64_t *t, unsigned n, uint64_t w)
{
    unsigned i, j = 0, best = 0;
    for (i = 0; i < n; i++) {
        while (t[j] + w <= t[i])
            j++;
        if (i - j + 1 > best)
            best = i - j + 1;
    }
    return best;
}

int
lockout_run(enum lockout_strategy s, int oauth, unsigned connections, unsigned hours, uint64_t seed,
            struct lockout_result *res)
{
    imaperr_retry_policy policy = IMAPERR_RETRY_POLICY_INIT;
    imaperr_retry_state state = IMAPERR_RETRY_STATE_INIT;
    imaperr_random rnd = IMAPERR_RANDOM_INIT(seed);
    imaperr_classification rejected;
    const char *command = oauth ? "AUTHENTICATE XOAUTH2" : "LOGIN";
    uint64_t end = (uint64_t)hours * 3600 * 1000, *fails, next[64];
    uint32_t sent_gen[64];
    int inflight[64];
    unsigned nfails = 0, cap = 1u << 20, i;
    uint32_t gen = 1;

    memset(res, 0, sizeof *res);
    if (connections == 0 || connections > 64)
        return -1;
    if (classify_line("a1 NO [AUTHENTICATIONFAILED] Invalid credentials", &rejected) < 0)
        return -1;
    fails = calloc(cap, sizeof *fails);
    if (fails == NULL)
        return -1;
    for (i = 0; i < connections; i++) {
        next[i] = i;  /* all connections start together */
        inflight[i] = 0;
    }

    for (;;) {
        unsigned k = 0;
        uint64_t t;
        imaperr_retry_op op = IMAPERR_RETRY_OP_INIT;
        imaperr_advice a = IMAPERR_ADVICE_INIT;
        for (i = 1; i < connections; i++)
            if (next[i] < next[k])
                k = i;
        t = next[k];
        if (t >= end || nfails >= cap)
            break;
        op.command = command;
        op.start_ms = t;
        if (inflight[k]) {
            /* the answer: refused */
            op.credential = sent_gen[k];
            inflight[k] = 0;
            fails[nfails++] = t;
            next[k] = t + 1000;  /* the connection tries again; imaperr_admit() decides */
            if (s == LOCKOUT_NAIVE)
                continue;
            if (imaperr_advise(&policy, &state, &op, IMAPERR_OUTCOME_RESPONSE, &rejected, t, &rnd, &a) !=
                IMAPERR_OK)
                break;
            if ((a.flags & IMAPERR_ADVICE_REFRESH_TOKEN) && sent_gen[k] == gen)
                gen++;  /* the token endpoint hands out a new (still rejected) token */
            else if (s == LOCKOUT_ADVISOR_USER && sent_gen[k] == gen)
                gen++;  /* the user types another password */
            continue;
        }
        op.credential = gen;
        if (s != LOCKOUT_NAIVE) {
            if (imaperr_admit(&policy, &state, &op, t, &a) != IMAPERR_OK)
                break;
            if (a.action == IMAPERR_ACT_USER_ACTION || a.action == IMAPERR_ACT_REAUTHENTICATE) {
                if (s == LOCKOUT_ADVISOR_USER || (a.flags & IMAPERR_ADVICE_REFRESH_TOKEN)) {
                    gen++;  /* a new password, or the refreshed token */
                    next[k] = t + 1000;
                } else {
                    next[k] = end;  /* nobody there: this connection stops */
                }
                continue;
            }
            if (a.delay_ms > 0) {
                next[k] = t + a.delay_ms;
                continue;
            }
        }
        /* the login is sent; the answer comes 200 ms later */
        sent_gen[k] = gen;
        inflight[k] = 1;
        next[k] = t + 200;
    }
    /* failures of several connections may be out of order by a few ms */
    for (i = 1; i < nfails; i++) {
        uint64_t v = fails[i];
        unsigned j = i;
        while (j > 0 && fails[j - 1] > v) {
            fails[j] = fails[j - 1];
            j--;
        }
        fails[j] = v;
    }
    res->total = nfails;
    res->worst_10min = worst_window(fails, nfails, 10 * 60 * 1000);
    res->worst_hour = worst_window(fails, nfails, 3600 * 1000);
    free(fails);
    return 0;
}
