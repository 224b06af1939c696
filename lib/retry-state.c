/* retry-state.c - imaperr_retry_state_export() and _import(): a portable,
 * versioned byte string for keeping an account's retry state across
 * restarts. Times are written relative to the caller's "now" (time left,
 * age), because a monotonic clock starts again after a reboot.
 *
 * Layout, all integers little-endian:
 *   "imaperrS"  magic (8 bytes)        u8   version (1)
 *   u64 pause left      u32 pause reason     u64 login cooldown left
 *   u32 token deficit   u32 throttle level   u32 connection level
 *   u32 give-up level   u32 bandwidth level  u32 latched (0/1)
 *   u32 latched generation  u32 refresh used (0/1)  u32 refresh generation
 *   u32 success count
 *   u8 n, then n login events:  u64 age, u8 in flight (0/1)
 *   u8 m, then m failing items: u64 key (non-zero), u64 age, u32 count, u32 mark
 */
#include <config.h>

#include <string.h>

#include "internal.h"
#include "advise.h"

#define MAGIC "imaperrS"
#define FORMAT_VERSION 1
#define TIME_LIMIT (INT64_C(1) << 62)

struct wbuf {
    unsigned char *p;
    size_t cap, len;
};

static void
put(struct wbuf *w, uint64_t v, unsigned bytes)
{
    unsigned i;
    for (i = 0; i < bytes; i++, w->len++)
        if (w->len < w->cap)
            w->p[w->len] = (unsigned char)(v >> (8 * i));
}

static uint64_t
left(int64_t until, int64_t now)
{
    return until > now ? (uint64_t)(until - now) : 0;
}

static uint64_t
age(int64_t t, int64_t now)
{
    return t < now ? (uint64_t)(now - t) : 0;
}

int
imaperr_retry_state_export(const imaperr_retry_state *state, uint64_t now_ms, unsigned char *buf,
                           size_t cap)
{
    struct imaperr__rstate st;
    struct wbuf w;
    int64_t now = (int64_t)now_ms;
    unsigned k, n;

    if (state == NULL || state->size < sizeof(imaperr_retry_state) || (buf == NULL && cap > 0) ||
        now_ms >= (uint64_t)TIME_LIMIT)
        return IMAPERR_E_INVALID;
    imaperr__rstate_load(state, &st);
    w.p = buf;
    w.cap = cap;
    w.len = 0;
    for (k = 0; k < 8; k++)
        put(&w, (unsigned char)MAGIC[k], 1);
    put(&w, FORMAT_VERSION, 1);
    put(&w, left(st.pause_until, now), 8);
    put(&w, st.pause_reason, 4);
    put(&w, left(st.login_block_until, now), 8);
    put(&w, st.deficit, 4);
    put(&w, st.throttle_level, 4);
    put(&w, st.conn_level, 4);
    put(&w, st.giveup_level, 4);
    put(&w, st.bandwidth_level, 4);
    put(&w, st.latched, 4);
    put(&w, st.latched_gen, 4);
    put(&w, st.refresh_used, 4);
    put(&w, st.refresh_gen, 4);
    put(&w, st.success_seq, 4);
    n = st.nlogin > IMAPERR__LOGIN_SLOTS ? IMAPERR__LOGIN_SLOTS : st.nlogin;
    put(&w, n, 1);
    for (k = 0; k < n; k++) {
        put(&w, age(st.login[k].t, now), 8);
        put(&w, st.login[k].pending ? 1 : 0, 1);
    }
    for (k = 0, n = 0; k < IMAPERR__POISON_SLOTS; k++)
        if (st.poison[k].key != 0)
            n++;
    put(&w, n, 1);
    for (k = 0; k < IMAPERR__POISON_SLOTS; k++) {
        if (st.poison[k].key == 0)
            continue;
        put(&w, st.poison[k].key, 8);
        put(&w, age(st.poison[k].last, now), 8);
        put(&w, st.poison[k].count, 4);
        put(&w, st.poison[k].mark, 4);
    }
    return (int)w.len;  /* snprintf contract: more than cap means "ask again" */
}

struct rbuf {
    const unsigned char *p;
    size_t len, pos;
    int bad;
};

static uint64_t
get(struct rbuf *r, unsigned bytes)
{
    uint64_t v = 0;
    unsigned i;
    if (r->bad || r->len - r->pos < bytes) {
        r->bad = 1;
        return 0;
    }
    for (i = 0; i < bytes; i++)
        v |= (uint64_t)r->p[r->pos + i] << (8 * i);
    r->pos += bytes;
    return v;
}

static uint32_t
get_max(struct rbuf *r, unsigned bytes, uint64_t max)
{
    uint64_t v = get(r, bytes);
    if (v > max)
        r->bad = 1;
    return (uint32_t)v;
}

static int64_t
get_time(struct rbuf *r, int64_t now, int sign)
{
    uint64_t v = get(r, 8);
    if (v >= (uint64_t)TIME_LIMIT) {
        r->bad = 1;
        return 0;
    }
    return now + sign * (int64_t)v;
}

int
imaperr_retry_state_import(imaperr_retry_state *state, uint64_t now_ms, const unsigned char *buf,
                           size_t len)
{
    struct imaperr__rstate st;
    struct rbuf r;
    int64_t now = (int64_t)now_ms, until;
    unsigned k, n, j;

    if (state == NULL || state->size < sizeof(imaperr_retry_state) || buf == NULL ||
        now_ms >= (uint64_t)TIME_LIMIT)
        return IMAPERR_E_INVALID;
    if (len < 9 || memcmp(buf, MAGIC, 8) != 0 || buf[8] != FORMAT_VERSION)
        return IMAPERR_E_SYNTAX;
    memset(&st, 0, sizeof st);
    r.p = buf;
    r.len = len;
    r.pos = 9;
    r.bad = 0;

    until = get_time(&r, now, 1);
    st.pause_until = until > now ? until : 0;
    st.pause_reason = get_max(&r, 4, IMAPERR_REASON_SEQNUMS);
    until = get_time(&r, now, 1);
    st.login_block_until = until > now ? until : 0;
    st.deficit = get_max(&r, 4, UINT32_MAX);
    st.throttle_level = get_max(&r, 4, IMAPERR__LEVEL_MAX);
    st.conn_level = get_max(&r, 4, IMAPERR__LEVEL_MAX);
    st.giveup_level = get_max(&r, 4, IMAPERR__LEVEL_MAX);
    st.bandwidth_level = get_max(&r, 4, IMAPERR__LEVEL_MAX);
    st.latched = get_max(&r, 4, 1);
    st.latched_gen = get_max(&r, 4, UINT32_MAX);
    st.refresh_used = get_max(&r, 4, 1);
    st.refresh_gen = get_max(&r, 4, UINT32_MAX);
    st.success_seq = get_max(&r, 4, UINT32_MAX);
    n = get_max(&r, 1, IMAPERR__LOGIN_SLOTS);
    for (k = 0; k < n && !r.bad; k++) {
        int64_t t = get_time(&r, now, -1);
        uint32_t pending = get_max(&r, 1, 1);
        j = st.nlogin;
        while (j > 0 && st.login[j - 1].t > t) {  /* keep time order */
            st.login[j] = st.login[j - 1];
            j--;
        }
        st.login[j].t = t;
        st.login[j].pending = pending;
        st.login[j].pad_ = 0;
        st.nlogin++;
    }
    n = get_max(&r, 1, IMAPERR__POISON_SLOTS);
    for (k = 0; k < n && !r.bad; k++) {
        st.poison[k].key = get(&r, 8);
        st.poison[k].last = get_time(&r, now, -1);
        st.poison[k].count = get_max(&r, 4, UINT32_MAX);
        st.poison[k].mark = get_max(&r, 4, UINT32_MAX);
        if (st.poison[k].key == 0)
            r.bad = 1;
        for (j = 0; j < k; j++)  /* no item twice */
            if (st.poison[j].key == st.poison[k].key)
                r.bad = 1;
    }
    if (r.bad || r.pos != len)
        return IMAPERR_E_SYNTAX;
    imaperr__rstate_store(state, &st);
    return IMAPERR_OK;
}
