/* advise.c - the retry advisor: imaperr_advise(), imaperr_admit(),
 * imaperr_retry_success() and the policy accessors.
 *
 * The table (lib/retry-policy.tsv) picks the action, the delay class, the
 * scope and the flags; this file holds the rules that apply to every row
 * (doc/retry.md, "Rules over the table"): the credential latch and the
 * failed-login window, no blind replay of unsafe commands, pre-actions once
 * per operation, the attempt cap, the token bucket, capped jittered delays
 * and server hints, account pauses, the deadline, and failing items.
 *
 * No clock, no sleeping, no global state, no allocation: the caller passes
 * the time and the random source, and owns every object. */
#include <config.h>

#include <string.h>

#include "internal.h"
#include "advise.h"

/* Times inside are signed milliseconds on the caller's clock (imported
 * states may hold times before 0). The public limit keeps sums far from
 * overflow. */
#define NOW_LIMIT (UINT64_C(1) << 62)

/* ------------------------------------------------------------------------ */
/* Policy                                                                     */
/* ------------------------------------------------------------------------ */

uint64_t
imaperr__param(const imaperr_retry_policy *p, unsigned i)
{
    if (i < imaperr__rparam_count && (p->set_ >> i) & 1u)
        return p->value_[i];
    return i < imaperr__rparam_count ? imaperr__rparams[i].def : 0;
}

/* A policy is usable when its size is right and every value set is in
 * range (the members are private, but C cannot stop a caller from writing
 * them). */
static int
policy_ok(const imaperr_retry_policy *p)
{
    unsigned i;
    if (p == NULL || p->size < sizeof(imaperr_retry_policy))
        return 0;
    if (imaperr__rparam_count < 64 && (p->set_ >> imaperr__rparam_count) != 0)
        return 0;
    for (i = 0; i < imaperr__rparam_count; i++) {
        if ((p->set_ >> i) & 1u) {
            uint64_t v = p->value_[i];
            if (v < imaperr__rparams[i].min || v > imaperr__rparams[i].max)
                return 0;
        }
    }
    return 1;
}

int
imaperr_retry_policy_set(imaperr_retry_policy *policy, imaperr_retry_param param, uint64_t value)
{
    unsigned i = (unsigned)param;
    if (policy == NULL || policy->size < sizeof(imaperr_retry_policy))
        return IMAPERR_E_INVALID;
    if (i >= imaperr__rparam_count)
        return IMAPERR_E_UNKNOWN_NAME;
    if (value < imaperr__rparams[i].min || value > imaperr__rparams[i].max)
        return IMAPERR_E_INVALID;
    policy->value_[i] = value;
    policy->set_ |= UINT64_C(1) << i;
    return IMAPERR_OK;
}

int
imaperr_retry_policy_get(const imaperr_retry_policy *policy, imaperr_retry_param param,
                         uint64_t *value)
{
    unsigned i = (unsigned)param;
    if (policy == NULL || policy->size < sizeof(imaperr_retry_policy) || value == NULL)
        return IMAPERR_E_INVALID;
    if (i >= imaperr__rparam_count)
        return IMAPERR_E_UNKNOWN_NAME;
    *value = imaperr__param(policy, i);
    return IMAPERR_OK;
}

const char *
imaperr_retry_param_name(imaperr_retry_param param)
{
    unsigned i = (unsigned)param;
    return i < imaperr__rparam_count ? imaperr__rparams[i].name : NULL;
}

int
imaperr_retry_param_from_name(const char *name)
{
    unsigned i;
    if (name == NULL)
        return IMAPERR_E_UNKNOWN_NAME;
    for (i = 0; i < imaperr__rparam_count; i++)
        if (strcmp(name, imaperr__rparams[i].name) == 0)
            return (int)i;
    return IMAPERR_E_UNKNOWN_NAME;
}

#define P(p, name) imaperr__param((p), IMAPERR_RETRY_##name)

/* ------------------------------------------------------------------------ */
/* Names                                                                      */
/* ------------------------------------------------------------------------ */

const char *
imaperr_scope_name(imaperr_scope scope)
{
    static const char *const names[] = { "command", "connection", "account" };
    return (unsigned)scope < sizeof names / sizeof names[0] ? names[scope] : NULL;
}

const char *
imaperr_advice_reason_name(imaperr_advice_reason reason)
{
    static const char *const names[] = {
        "none", "rule", "max-attempts", "deadline", "retry-budget", "credential-latched",
        "login-rate", "outcome-unknown", "server-hint", "account-paused", "poison-item",
        "preaction-used", "goal-reached", "sequence-numbers",
    };
    return (unsigned)reason < sizeof names / sizeof names[0] ? names[reason] : NULL;
}

const char *
imaperr_outcome_name(imaperr_outcome outcome)
{
    static const char *const names[] = {
        "response", "timeout", "connection-lost", "bye-in-flight", "connect-failed",
    };
    return (unsigned)outcome < sizeof names / sizeof names[0] ? names[outcome] : NULL;
}

const char *
imaperr_advice_flag_name(unsigned bit)
{
    static const char *const names[] = {
        "show-user", "verify-first", "reduce-connections", "reduce-rate", "skip-item",
        "reselect", "refresh-token", "latched", "hint-used", "uncertain",
    };
    unsigned i;
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (bit == (1u << i))
            return names[i];
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Commands                                                                   */
/* ------------------------------------------------------------------------ */

struct cmdinfo {
    unsigned props;   /* IMAPERR__CMD_* of the effective command (0: unknown) */
    int oauth;        /* AUTHENTICATE XOAUTH2 / OAUTHBEARER */
    const char *word; /* the command word (for SEL_NAME), and its length */
    size_t wlen;
};

static int
word_eq(const char *w, size_t n, const char *name)
{
    size_t i;
    for (i = 0; i < n; i++) {
        char c = w[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (name[i] == '\0' || c != name[i])
            return 0;
    }
    return name[n] == '\0';
}

/* The next space-separated word of s from *pos. */
static const char *
next_word(const char *s, size_t *pos, size_t *len)
{
    size_t i = *pos, start;
    while (s[i] == ' ' || s[i] == '\t')
        i++;
    start = i;
    while (s[i] && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
        i++;
    *pos = i;
    *len = i - start;
    return s + start;
}

static void
command_info(const char *command, struct cmdinfo *ci)
{
    const char *w;
    size_t pos = 0, len, i;
    int uid = 0;

    memset(ci, 0, sizeof *ci);
    if (command == NULL)
        return;
    w = next_word(command, &pos, &len);
    if (len == 3 && word_eq(w, 3, "UID")) {
        uid = 1;
        w = next_word(command, &pos, &len);
    }
    if (len == 0)
        return;
    ci->word = w;
    ci->wlen = len;
    for (i = 0; i < imaperr__rcommand_count; i++) {
        const char *name = imaperr__rcommands[i].name;
        int name_uid = strncmp(name, "UID ", 4) == 0;
        if (name_uid != uid)
            continue;
        if (word_eq(w, len, name_uid ? name + 4 : name)) {
            ci->props = imaperr__rcommands[i].props;
            break;
        }
    }
    if (ci->props == 0 && uid) { /* "UID FETCH": the FETCH row, by UID */
        for (i = 0; i < imaperr__rcommand_count; i++) {
            if (word_eq(w, len, imaperr__rcommands[i].name)) {
                ci->props = imaperr__rcommands[i].props;
                break;
            }
        }
    }
    if (uid)
        ci->props &= ~IMAPERR__CMD_SEQNUM;
    if (ci->props & IMAPERR__CMD_AUTH) {
        const char *m = next_word(command, &pos, &len);
        if ((len == 7 && word_eq(m, 7, "XOAUTH2")) || (len == 11 && word_eq(m, 11, "OAUTHBEARER")))
            ci->oauth = 1;
    }
}

static int
is_oauth(const imaperr_retry_op *op, const struct cmdinfo *ci)
{
    if (op->auth == IMAPERR_AUTH_OAUTH)
        return 1;
    if (op->auth == IMAPERR_AUTH_PASSWORD)
        return 0;
    return ci->oauth;
}

/* Not safe to send again on a new connection: not idempotent (by the table
 * or the caller), or addressed by sequence numbers. Sets *seqnums and
 * *idem. */
static int
unsafe_to_replay(const imaperr_retry_op *op, const struct cmdinfo *ci, int *seqnums, int *idem)
{
    *idem = (ci->props & IMAPERR__CMD_IDEMPOTENT) != 0;
    *seqnums = (ci->props & IMAPERR__CMD_SEQNUM) || (op->flags & IMAPERR_OP_SEQNUMS);
    if (op->flags & IMAPERR_OP_IDEMPOTENT)
        *idem = 1;
    if (op->flags & IMAPERR_OP_NOT_IDEMPOTENT)
        *idem = 0;
    return !*idem || *seqnums;
}

/* ------------------------------------------------------------------------ */
/* Backoff                                                                    */
/* ------------------------------------------------------------------------ */

/* Ceiling of the n-th wait of a group: min(max, base * mult^(n-1)), in
 * integer steps, saturating; never above max, never decreasing in n. */
uint64_t
imaperr__ceiling(uint64_t base, uint64_t mult, uint64_t max, uint64_t n)
{
    uint64_t c = base, i;
    if (c >= max)
        return max;
    for (i = 1; i < n; i++) {
        uint64_t next = c * mult / 100;  /* c <= 24 h, mult <= 1000: no overflow */
        if (next >= max)
            return max;
        if (next == c)  /* no growth possible any more (mult 100, or tiny c) */
            break;
        c = next;
    }
    return c;
}

static uint64_t
jittered(uint64_t c, uint64_t jitter, imaperr_random *rnd)
{
    switch (jitter) {
    case IMAPERR_JITTER_NONE:
        return c;
    case IMAPERR_JITTER_EQUAL:
        return imaperr__uniform(imaperr_random_next(rnd), c / 2, c);
    default:
        return imaperr__uniform(imaperr_random_next(rnd), 0, c);
    }
}

/* The wait of delay class `d` at level n (1-based). The classes map onto
 * parameter groups of four: base, multiplier, max, jitter. */
uint64_t
imaperr__backoff(const imaperr_retry_policy *p, unsigned d, uint64_t n, imaperr_random *rnd)
{
    unsigned g = IMAPERR_RETRY_TRANSIENT_BASE + 4u * d;
    uint64_t c;
    if (n == 0)
        n = 1;
    c = imaperr__ceiling(imaperr__param(p, g), imaperr__param(p, g + 1), imaperr__param(p, g + 2), n);
    return jittered(c, imaperr__param(p, g + 3), rnd);
}

static int
is_backoff_class(unsigned d)
{
    return d <= IMAPERR__D_RECONNECT;
}

/* Whether an action retries by itself: the RETRYABLE column of the
 * action vocabulary (lib/vocabulary.tsv). */
static int
action_retries(int action)
{
    return action >= 0 && (unsigned)action < imaperr__action_count &&
           imaperr__actions[action].retryable;
}

static unsigned
implied_pre(int action)
{
    switch (action) {
    case IMAPERR_ACT_RETRY_AFTER_NOOP: return IMAPERR_PRE_NOOP;
    case IMAPERR_ACT_RETRY_AFTER_STARTTLS: return IMAPERR_PRE_STARTTLS;
    case IMAPERR_ACT_RETRY_AFTER_CREATE: return IMAPERR_PRE_CREATE;
    default: return 0;
    }
}

/* Tokens in the account's bucket, in thousandths. */
static uint64_t
tokens_left(const imaperr_retry_policy *p, const struct imaperr__rstate *st)
{
    uint64_t max = P(p, TOKENS_MAX);
    return st->deficit >= max ? 0 : max - st->deficit;
}

static uint32_t
level_up(uint32_t *level)
{
    if (*level < IMAPERR__LEVEL_MAX)
        (*level)++;
    return *level;
}

/* ------------------------------------------------------------------------ */
/* Failed logins                                                              */
/* ------------------------------------------------------------------------ */

static void
login_remove(struct imaperr__rstate *st, unsigned k)
{
    for (; k + 1 < st->nlogin; k++)
        st->login[k] = st->login[k + 1];
    st->nlogin--;
    memset(&st->login[st->nlogin], 0, sizeof st->login[0]);
}

/* Events are kept in time order (oldest first). */
unsigned
imaperr__login_purge(struct imaperr__rstate *st, int64_t now, int64_t window)
{
    unsigned k = 0;
    if (st->nlogin > IMAPERR__LOGIN_SLOTS)
        st->nlogin = IMAPERR__LOGIN_SLOTS;
    while (k < st->nlogin) {
        if (st->login[k].t <= now - window)
            login_remove(st, k);
        else
            k++;
    }
    return st->nlogin;
}

static void
login_insert(struct imaperr__rstate *st, int64_t t, uint32_t pending)
{
    unsigned k;
    if (st->nlogin >= IMAPERR__LOGIN_SLOTS)
        login_remove(st, 0);  /* the oldest matters least */
    k = st->nlogin;
    while (k > 0 && st->login[k - 1].t > t) {
        st->login[k] = st->login[k - 1];
        k--;
    }
    st->login[k].t = t;
    st->login[k].pending = pending;
    st->login[k].pad_ = 0;
    st->nlogin++;
}

/* The earliest time a login may start: fewer than login-failures failed or
 * in-flight logins in the window, and the cooldown over. */
static int64_t
login_allowed_at(const imaperr_retry_policy *p, struct imaperr__rstate *st, int64_t now)
{
    int64_t window = (int64_t)P(p, LOGIN_WINDOW);
    unsigned limit = (unsigned)P(p, LOGIN_FAILURES);
    unsigned n = imaperr__login_purge(st, now, window);
    int64_t at = now;
    if (n >= limit) {
        int64_t t = st->login[n - limit].t + window;
        if (t > at)
            at = t;
    }
    if (st->login_block_until > at)
        at = st->login_block_until;
    return at;
}

/* A login failed (or may have: no answer). */
static void
login_failed(const imaperr_retry_policy *p, struct imaperr__rstate *st, int64_t now)
{
    int64_t window = (int64_t)P(p, LOGIN_WINDOW);
    unsigned k, failed = 0;
    imaperr__login_purge(st, now, window);
    for (k = 0; k < st->nlogin; k++)
        if (st->login[k].pending)
            break;
    if (k < st->nlogin)
        login_remove(st, k);
    login_insert(st, now, 0);
    for (k = 0; k < st->nlogin; k++)
        if (!st->login[k].pending)
            failed++;
    if (failed >= P(p, LOGIN_FAILURES)) {
        int64_t until = now + (int64_t)P(p, LOGIN_COOLDOWN);
        if (until > st->login_block_until)
            st->login_block_until = until;
    }
}

/* A login ended without counting as a failure: forget the oldest in flight. */
static void
login_resolved(struct imaperr__rstate *st)
{
    unsigned k;
    for (k = 0; k < st->nlogin; k++) {
        if (st->login[k].pending) {
            login_remove(st, k);
            return;
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Failing items                                                              */
/* ------------------------------------------------------------------------ */

static int
poison_find(const struct imaperr__rstate *st, uint64_t key)
{
    int k;
    for (k = 0; k < IMAPERR__POISON_SLOTS; k++)
        if (st->poison[k].key == key)
            return k;
    return -1;
}

/* Count a failure of `key`: at most one per success seen in between, so an
 * outage (where nothing succeeds) never makes an item look poisonous. */
static uint32_t
poison_note(struct imaperr__rstate *st, uint64_t key, int64_t now)
{
    int k = poison_find(st, key), j;
    struct imaperr__poison *e;
    if (k < 0) {
        k = 0;
        for (j = 0; j < IMAPERR__POISON_SLOTS; j++) {
            if (st->poison[j].key == 0) {
                k = j;
                break;
            }
            if (st->poison[j].last < st->poison[k].last)
                k = j;
        }
        e = &st->poison[k];
        e->key = key;
        e->count = 1;
        e->mark = st->success_seq;
        e->last = now;
        return 1;
    }
    e = &st->poison[k];
    if (e->mark != st->success_seq && e->count < UINT32_MAX) {
        e->count++;
        e->mark = st->success_seq;
    }
    e->last = now;
    return e->count;
}

static int
poisoned(const imaperr_retry_policy *p, const struct imaperr__rstate *st, uint64_t key)
{
    int k;
    if (key == 0)
        return 0;
    k = poison_find(st, key);
    return k >= 0 && st->poison[k].count >= P(p, POISON_LIMIT);
}

/* ------------------------------------------------------------------------ */
/* State storage                                                              */
/* ------------------------------------------------------------------------ */

_Static_assert(sizeof(struct imaperr__rstate) <= sizeof(((imaperr_retry_state *)0)->opaque_),
               "imaperr_retry_state is too small for the state");

void
imaperr__rstate_load(const imaperr_retry_state *s, struct imaperr__rstate *st)
{
    memcpy(st, s->opaque_, sizeof *st);
}

void
imaperr__rstate_store(imaperr_retry_state *s, const struct imaperr__rstate *st)
{
    memcpy(s->opaque_, st, sizeof *st);
}

static int
state_ok(const imaperr_retry_state *s)
{
    return s != NULL && s->size >= sizeof(imaperr_retry_state);
}

static int
op_ok(const imaperr_retry_op *op)
{
    return op != NULL && op->size >= sizeof(imaperr_retry_op) &&
           (unsigned)op->auth <= IMAPERR_AUTH_OAUTH && op->start_ms < NOW_LIMIT &&
           op->deadline_ms < NOW_LIMIT;
}

/* ------------------------------------------------------------------------ */
/* The table                                                                  */
/* ------------------------------------------------------------------------ */

struct facts {
    unsigned outcome;    /* IMAPERR__OC_* bit */
    unsigned status;     /* IMAPERR__ST_* bit */
    int category;        /* -1: no classification */
    int code;
    int table_action;    /* -1: none */
    unsigned when;       /* IMAPERR__W_* that hold */
    int unsafe;
    const struct cmdinfo *ci;
};

static unsigned
status_bit(imaperr_status s)
{
    switch (s) {
    case IMAPERR_STATUS_OK:
    case IMAPERR_STATUS_PREAUTH: return IMAPERR__ST_OK;
    case IMAPERR_STATUS_NO: return IMAPERR__ST_NO;
    case IMAPERR_STATUS_BAD: return IMAPERR__ST_BAD;
    case IMAPERR_STATUS_BYE: return IMAPERR__ST_BYE;
    default: return IMAPERR__ST_NONE;
    }
}

static int
command_matches(const struct imaperr__rule *r, const struct facts *f)
{
    const struct cmdinfo *ci = f->ci;
    switch (r->cmdsel) {
    case IMAPERR__SEL_ANY: return 1;
    case IMAPERR__SEL_AUTH: return (ci->props & IMAPERR__CMD_AUTH) != 0;
    case IMAPERR__SEL_READ: return (ci->props & IMAPERR__CMD_READ) != 0;
    case IMAPERR__SEL_MAILBOX: return (ci->props & IMAPERR__CMD_MAILBOX) != 0;
    case IMAPERR__SEL_SELECTED: return (ci->props & IMAPERR__CMD_SELECTED) != 0;
    case IMAPERR__SEL_UNSAFE: return f->unsafe;
    case IMAPERR__SEL_NAME:
        return ci->word != NULL && r->cmdname != NULL && word_eq(ci->word, ci->wlen, r->cmdname);
    default: return 0;
    }
}

static int
match_rule(const struct facts *f)
{
    unsigned i;
    for (i = 0; i < imaperr__rule_count; i++) {
        const struct imaperr__rule *r = &imaperr__rules[i];
        if (!(r->outcomes & f->outcome) || !(r->statuses & f->status))
            continue;
        if (r->category >= 0 && r->category != f->category)
            continue;
        if (r->code >= 0 && r->code != f->code)
            continue;
        if ((r->when & f->when) != r->when)
            continue;
        if (!command_matches(r, f))
            continue;
        if (r->action < 0 && f->table_action < 0)
            continue;  /* "table" needs a classification */
        return (int)i;
    }
    return -1;
}

/* ------------------------------------------------------------------------ */
/* imaperr_advise                                                             */
/* ------------------------------------------------------------------------ */

static void
advice_init(imaperr_advice *out)
{
    size_t size = out->size;
    memset(out, 0, sizeof *out);
    out->size = size;
    out->action = IMAPERR_ACT_NONE;
    out->category = IMAPERR_CAT_OK;
    out->scope = IMAPERR_SCOPE_COMMAND;
    out->reason = IMAPERR_REASON_NONE;
}

static void
pause_account(struct imaperr__rstate *st, int64_t until, imaperr_advice_reason why)
{
    if (until > st->pause_until) {
        st->pause_until = until;
        st->pause_reason = (uint32_t)why;
    }
}

/* Turn the advice into "give up" for `why`. */
static void
give_up(imaperr_advice *a, int *action, imaperr_advice_reason why)
{
    *action = IMAPERR_ACT_FAIL;
    a->reason = why;
    a->delay_ms = 0;
}

int
imaperr_advise(const imaperr_retry_policy *policy, imaperr_retry_state *state,
               imaperr_retry_op *op, imaperr_outcome outcome, const imaperr_classification *c,
               uint64_t now_ms, imaperr_random *rnd, imaperr_advice *out)
{
    struct imaperr__rstate st;
    struct cmdinfo ci;
    struct facts f;
    const struct imaperr__rule *r;
    int ri, action, seqnums, idem, have_c, is_auth, oauth, retrying, debit;
    unsigned pre, delay_class;
    uint32_t attempt, max_attempts;
    uint64_t delay = 0, wait = 0, deadline;
    int64_t now;
    imaperr_advice a;

    if (!policy_ok(policy) || !state_ok(state) || !op_ok(op) || rnd == NULL || out == NULL ||
        out->size < sizeof(imaperr_advice) || (unsigned)outcome > IMAPERR_OUTCOME_CONNECT_FAILED ||
        now_ms >= NOW_LIMIT)
        return IMAPERR_E_INVALID;
    have_c = outcome == IMAPERR_OUTCOME_RESPONSE || (outcome == IMAPERR_OUTCOME_BYE_IN_FLIGHT && c);
    if (have_c && (c == NULL || c->size < sizeof(imaperr_classification) ||
                   (unsigned)c->category >= imaperr__category_count ||
                   (unsigned)c->action >= imaperr__action_count))
        return IMAPERR_E_INVALID;

    imaperr__rstate_load(state, &st);
    now = (int64_t)now_ms;
    a.size = out->size;
    advice_init(&a);

    /* ---- facts and the matching row ---- */
    command_info(op->command, &ci);
    is_auth = (ci.props & IMAPERR__CMD_AUTH) != 0;
    oauth = is_oauth(op, &ci);
    memset(&f, 0, sizeof f);
    f.ci = &ci;
    f.unsafe = unsafe_to_replay(op, &ci, &seqnums, &idem);
    f.outcome = outcome == IMAPERR_OUTCOME_RESPONSE ? IMAPERR__OC_RESPONSE
              : outcome == IMAPERR_OUTCOME_CONNECT_FAILED ? IMAPERR__OC_CONNECT
              : IMAPERR__OC_NORESPONSE;
    f.status = have_c ? status_bit(c->status) : IMAPERR__ST_NONE;
    f.category = have_c ? (int)c->category : -1;
    f.code = have_c ? (int)c->code : -1;
    f.table_action = have_c ? (int)c->action : -1;
    if (oauth)
        f.when |= IMAPERR__W_OAUTH;
    if (!(op->flags & IMAPERR_OP_TLS_ACTIVE))
        f.when |= IMAPERR__W_NO_TLS;
    if (op->flags & IMAPERR_OP_AFTER_RECONNECT)
        f.when |= IMAPERR__W_AFTER_RECONNECT;
    if (op->flags & IMAPERR_OP_REPLAYED)
        f.when |= IMAPERR__W_REPLAYED;
    if (f.table_action == IMAPERR_ACT_RETRY_AFTER_NOOP)
        f.when |= IMAPERR__W_TABLE_NOOP;
    if (f.table_action == IMAPERR_ACT_RETRY_BACKOFF)
        f.when |= IMAPERR__W_TABLE_RETRY;
    ri = match_rule(&f);
    if (ri < 0)
        return IMAPERR_E_INTERNAL;  /* the generated table ends with catch-all rows */
    r = &imaperr__rules[ri];

    action = r->action >= 0 ? r->action : f.table_action;
    a.rule = (unsigned)ri + 1;
    a.category = (imaperr_category)(r->as >= 0 ? r->as : have_c ? (int)c->category
                                                                 : IMAPERR_CAT_CONNECTION);
    a.scope = (imaperr_scope)r->scope;
    a.flags = r->flags;
    a.reason = IMAPERR_REASON_RULE;
    pre = r->pre | implied_pre(action);
    delay_class = r->delay;
    if (have_c && (c->flags & IMAPERR_FLAG_SHOW_USER))
        a.flags |= IMAPERR_ADVICE_SHOW_USER;
    if (have_c && (c->flags & IMAPERR_FLAG_UNCERTAIN))
        a.flags |= IMAPERR_ADVICE_UNCERTAIN;
    if (have_c && c->hint_connection_limit > 0 && c->status != IMAPERR_STATUS_OK &&
        c->status != IMAPERR_STATUS_PREAUTH)
        a.flags |= IMAPERR_ADVICE_REDUCE_CONNECTIONS;  /* the server named its limit */
    if (r->action == IMAPERR_ACT_NONE && (r->when & IMAPERR__W_REPLAYED))
        a.reason = IMAPERR_REASON_GOAL_REACHED;
    max_attempts = (uint32_t)P(policy, MAX_ATTEMPTS);
    attempt = op->attempts;

    if (action == IMAPERR_ACT_NONE) {
        /* Nothing failed: no attempt, no token, no state change. */
        if (delay_class == IMAPERR__D_PACE)
            delay = P(policy, PACE);
        goto done;
    }

    /* ---- a failure: what it does to the account ---- */
    if (attempt < UINT32_MAX)
        attempt++;
    retrying = action_retries(action);
    debit = retrying && is_backoff_class(delay_class);

    if (is_auth) {
        int counts;
        if (outcome == IMAPERR_OUTCOME_CONNECT_FAILED)
            counts = 0;  /* nothing was sent */
        else if (!have_c)
            counts = 1;  /* no answer: the server may have logged a failure */
        else
            switch (c->category) {
            case IMAPERR_CAT_TRANSIENT: case IMAPERR_CAT_THROTTLED:
            case IMAPERR_CAT_PRIVACY: case IMAPERR_CAT_IN_USE: case IMAPERR_CAT_OK:
                counts = 0;
                break;
            default:
                counts = 1;
            }
        if (counts)
            login_failed(policy, &st, now);
        else
            login_resolved(&st);
    }
    if (a.flags & IMAPERR_ADVICE_LATCHED) {
        if (!st.latched || op->credential > st.latched_gen)
            st.latched_gen = op->credential;
        st.latched = 1;
    }
    if (a.flags & IMAPERR_ADVICE_REFRESH_TOKEN) {
        /* One automatic refresh per failure: re-armed only by a login
         * that succeeds. */
        if (P(policy, OAUTH_REFRESHES) == 0 || st.refresh_used || (op->preactions & IMAPERR_PRE_REFRESH)) {
            action = IMAPERR_ACT_USER_ACTION;
            a.flags = (a.flags & ~IMAPERR_ADVICE_REFRESH_TOKEN) | IMAPERR_ADVICE_SHOW_USER;
            a.reason = IMAPERR_REASON_PREACTION_USED;
            pre = 0;
        } else {
            st.refresh_used = 1;
            st.refresh_gen = op->credential;
            pre = IMAPERR_PRE_REFRESH;
        }
    }
    if (debit) {
        uint64_t d = (uint64_t)st.deficit + P(policy, TOKEN_COST);
        uint64_t max = P(policy, TOKENS_MAX);
        st.deficit = (uint32_t)(d > max ? max : d);
        switch (delay_class) {
        case IMAPERR__D_THROTTLE: level_up(&st.throttle_level); break;
        case IMAPERR__D_BANDWIDTH: level_up(&st.bandwidth_level); break;
        case IMAPERR__D_RECONNECT: level_up(&st.conn_level); break;
        default: break;
        }
    }

    /* ---- rules over the table ---- */

    /* The command may have run, and sending it again could do harm (or
     * address other messages): reconnect and verify, never replay. */
    if (f.outcome == IMAPERR__OC_NORESPONSE && f.unsafe) {
        a.flags |= IMAPERR_ADVICE_VERIFY_FIRST;
        if (retrying) {
            action = IMAPERR_ACT_RECONNECT;
            a.reason = idem && seqnums ? IMAPERR_REASON_SEQNUMS : IMAPERR_REASON_OUTCOME_UNKNOWN;
        }
    }
    if (action == IMAPERR_ACT_USER_ACTION)
        a.flags |= IMAPERR_ADVICE_SHOW_USER;

    /* The wait the row asks for. A server hint lengthens it, never beyond
     * hint-max, and never adds an attempt (the cap is checked below,
     * whatever the hint). */
    if (debit) {
        switch (delay_class) {
        case IMAPERR__D_THROTTLE: wait = imaperr__backoff(policy, delay_class, st.throttle_level, rnd); break;
        case IMAPERR__D_BANDWIDTH: wait = imaperr__backoff(policy, delay_class, st.bandwidth_level, rnd); break;
        case IMAPERR__D_RECONNECT: wait = imaperr__backoff(policy, delay_class, st.conn_level, rnd); break;
        default: wait = imaperr__backoff(policy, delay_class, attempt, rnd); break;
        }
        if (have_c && c->hint_backoff_ms > 0 && P(policy, HINT_MAX) > 0) {
            uint64_t hmax = P(policy, HINT_MAX), spread = P(policy, HINT_SPREAD);
            uint64_t h = c->hint_backoff_ms < hmax ? c->hint_backoff_ms : hmax;
            uint64_t extra = h / 100 * spread + h % 100 * spread / 100;
            uint64_t hd = h + (extra ? imaperr__uniform(imaperr_random_next(rnd), 0, extra) : 0);
            if (hd > hmax)
                hd = hmax;
            if (hd > wait) {
                wait = hd;
                a.flags |= IMAPERR_ADVICE_HINT_USED;
                a.reason = IMAPERR_REASON_SERVER_HINT;
            }
        }
        /* Throttling and other account-wide trouble pause every connection
         * of the account, whether or not this operation retries. */
        if (a.scope == IMAPERR_SCOPE_ACCOUNT && wait > 0)
            pause_account(&st, now + (int64_t)wait, a.reason);
    }

    /* An item that fails over and over while other work succeeds. Only
     * failures of this command count, not the account's (throttling,
     * credentials). */
    if (op->item != 0 && r->scope != IMAPERR_SCOPE_ACCOUNT &&
        poison_note(&st, op->item, now) >= P(policy, POISON_LIMIT)) {
        give_up(&a, &action, IMAPERR_REASON_POISON_ITEM);
        a.flags |= IMAPERR_ADVICE_SKIP_ITEM;
        retrying = 0;
    }

    if (retrying) {
        /* Pre-actions at most once per operation. */
        if (pre & op->preactions) {
            give_up(&a, &action, IMAPERR_REASON_PREACTION_USED);
            if (pre & IMAPERR_PRE_STARTTLS)
                a.flags |= IMAPERR_ADVICE_SHOW_USER;
            if (pre & IMAPERR_PRE_NOOP)
                a.flags |= IMAPERR_ADVICE_SKIP_ITEM;
            retrying = 0;
        } else if (attempt >= max_attempts) {
            give_up(&a, &action, IMAPERR_REASON_MAX_ATTEMPTS);
            retrying = 0;
        } else if (debit && 2 * tokens_left(policy, &st) <= P(policy, TOKENS_MAX)) {
            give_up(&a, &action, IMAPERR_REASON_RETRY_BUDGET);
            retrying = 0;
        }
    }

    if (retrying) {
        delay = wait;
        /* Retries that log in again respect the latch and the login rate. */
        if (action == IMAPERR_ACT_RECONNECT || is_auth) {
            if (st.latched && op->credential <= st.latched_gen) {
                action = IMAPERR_ACT_USER_ACTION;
                a.flags |= IMAPERR_ADVICE_LATCHED | IMAPERR_ADVICE_SHOW_USER;
                a.reason = IMAPERR_REASON_CREDENTIAL_LATCHED;
                a.scope = IMAPERR_SCOPE_ACCOUNT;
                retrying = 0;
            } else {
                int64_t at = login_allowed_at(policy, &st, now);
                if (at - now > (int64_t)delay) {
                    delay = (uint64_t)(at - now);
                    a.reason = IMAPERR_REASON_LOGIN_RATE;
                }
            }
        }
    }
    if (retrying) {
        /* A pause already running (throttling seen on another connection)
         * holds every retry of the account. */
        if (st.pause_until > now + (int64_t)delay) {
            delay = (uint64_t)(st.pause_until - now);
            a.reason = IMAPERR_REASON_ACCOUNT_PAUSED;
        }
        /* One deadline for all attempts. */
        deadline = op->deadline_ms ? op->deadline_ms
                 : P(policy, DEADLINE) ? op->start_ms + P(policy, DEADLINE) : 0;
        if (deadline && now_ms + delay > deadline) {
            give_up(&a, &action, IMAPERR_REASON_DEADLINE);
            retrying = 0;
        }
    }
    if (!retrying && debit && action == IMAPERR_ACT_FAIL &&
        (a.reason == IMAPERR_REASON_MAX_ATTEMPTS || a.reason == IMAPERR_REASON_RETRY_BUDGET ||
         a.reason == IMAPERR_REASON_DEADLINE)) {
        /* The operation gave up on a failure the server or the network
         * caused: the account rests before the next operation. */
        uint64_t rest = imaperr__backoff(policy, IMAPERR__D_ACCOUNT, level_up(&st.giveup_level), rnd);
        pause_account(&st, now + (int64_t)rest, a.reason);
    }
    if (!retrying) {
        delay = 0;
        if (action != IMAPERR_ACT_REAUTHENTICATE)
            pre = 0;
        a.flags &= ~IMAPERR_ADVICE_RESELECT;
    }
    if (op->item == 0)
        a.flags &= ~IMAPERR_ADVICE_SKIP_ITEM;

    op->attempts = attempt;
    op->preactions |= pre;
    imaperr__rstate_store(state, &st);

done:
    a.action = (imaperr_action)action;
    a.delay_ms = delay;
    a.not_before_ms = now_ms + delay;
    a.account_resume_ms = st.pause_until > now ? (uint64_t)st.pause_until : 0;
    a.attempt = attempt;
    a.attempts_left = action_retries(action) && attempt < max_attempts ? max_attempts - attempt : 0;
    memcpy(out, &a, sizeof a);
    return IMAPERR_OK;
}

/* ------------------------------------------------------------------------ */
/* imaperr_admit                                                              */
/* ------------------------------------------------------------------------ */

int
imaperr_admit(const imaperr_retry_policy *policy, imaperr_retry_state *state,
              const imaperr_retry_op *op, uint64_t now_ms, imaperr_advice *out)
{
    struct imaperr__rstate st;
    struct cmdinfo ci;
    imaperr_advice a;
    int64_t now, at;
    int is_auth;

    if (!policy_ok(policy) || !state_ok(state) || !op_ok(op) || out == NULL ||
        out->size < sizeof(imaperr_advice) || now_ms >= NOW_LIMIT)
        return IMAPERR_E_INVALID;
    imaperr__rstate_load(state, &st);
    now = (int64_t)now_ms;
    a.size = out->size;
    advice_init(&a);
    a.attempt = op->attempts;
    command_info(op->command, &ci);
    is_auth = (ci.props & IMAPERR__CMD_AUTH) != 0;
    at = now;

    if (poisoned(policy, &st, op->item)) {
        a.action = IMAPERR_ACT_FAIL;
        a.flags = IMAPERR_ADVICE_SKIP_ITEM;
        a.reason = IMAPERR_REASON_POISON_ITEM;
        goto out;
    }
    if (is_auth) {
        if (st.latched && op->credential > st.latched_gen)
            st.latched = 0;  /* a new credential generation */
        if (st.latched) {
            a.scope = IMAPERR_SCOPE_ACCOUNT;
            a.flags = IMAPERR_ADVICE_LATCHED;
            a.reason = IMAPERR_REASON_CREDENTIAL_LATCHED;
            a.category = IMAPERR_CAT_CREDENTIAL;
            if (is_oauth(op, &ci) && st.refresh_used && st.refresh_gen == st.latched_gen) {
                a.action = IMAPERR_ACT_REAUTHENTICATE;
                a.flags |= IMAPERR_ADVICE_REFRESH_TOKEN;
            } else {
                a.action = IMAPERR_ACT_USER_ACTION;
                a.flags |= IMAPERR_ADVICE_SHOW_USER;
            }
            goto out;
        }
        at = login_allowed_at(policy, &st, now);
        if (at > now) {
            a.reason = IMAPERR_REASON_LOGIN_RATE;
            a.scope = IMAPERR_SCOPE_ACCOUNT;
        }
    }
    if (st.pause_until > at) {
        at = st.pause_until;
        a.reason = IMAPERR_REASON_ACCOUNT_PAUSED;
        a.scope = IMAPERR_SCOPE_ACCOUNT;
    }
    a.delay_ms = (uint64_t)(at - now);
    if (is_auth && at == now)
        login_insert(&st, now, 1);  /* in flight until reported */
out:
    a.not_before_ms = now_ms + a.delay_ms;
    a.account_resume_ms = st.pause_until > now ? (uint64_t)st.pause_until : 0;
    imaperr__rstate_store(state, &st);
    memcpy(out, &a, sizeof a);
    return IMAPERR_OK;
}

/* ------------------------------------------------------------------------ */
/* imaperr_retry_success                                                      */
/* ------------------------------------------------------------------------ */

int
imaperr_retry_success(const imaperr_retry_policy *policy, imaperr_retry_state *state,
                      const imaperr_retry_op *op, uint64_t now_ms)
{
    struct imaperr__rstate st;
    uint64_t refund;

    if (!policy_ok(policy) || !state_ok(state) || (op && !op_ok(op)) || now_ms >= NOW_LIMIT)
        return IMAPERR_E_INVALID;
    imaperr__rstate_load(state, &st);
    refund = P(policy, TOKEN_REFUND);
    st.deficit = st.deficit > refund ? (uint32_t)(st.deficit - refund) : 0;
    st.throttle_level = st.conn_level = st.giveup_level = st.bandwidth_level = 0;
    st.success_seq++;
    if (op) {
        struct cmdinfo ci;
        command_info(op->command, &ci);
        if (ci.props & IMAPERR__CMD_AUTH) {
            login_resolved(&st);
            st.refresh_used = 0;
            st.latched = 0;  /* these credentials work */
        }
        if (op->item != 0) {
            int k = poison_find(&st, op->item);
            if (k >= 0)
                memset(&st.poison[k], 0, sizeof st.poison[k]);
        }
    }
    imaperr__rstate_store(state, &st);
    return IMAPERR_OK;
}
