/* explain_fuzzer.c - the whole pipeline a mail client runs on a server
 * line: parse, classify (for a command chosen by the input), advise (on a
 * caller state, with a fixed clock and a random source seeded from the
 * input), explain and the server text, in a shipped language chosen by the
 * input.
 *
 * Input: LINE [0x01 PARAMS]. PARAMS, byte by byte (missing bytes are 0):
 * command, language, options, outcome, policy parameter and value, random
 * seed (8), retry_ms (8), quota used (8), quota limit (8), count (8),
 * max_text, then the mailbox name (the rest). The catalogs are read from
 * $IMAPERR_LOCALEDIR (the build tree's locale/, staged by `make`). */
#include <config.h>

#include "fuzz.h"
#include "imaperr.h"
#include "internal.h"
#include "i18n.h"

#define NOW_MS UINT64_C(1700000000000)

static unsigned
count_names(const char *(*name)(int), int limit)
{
    int i = 0;
    while (i < limit && name(i) != NULL)
        i++;
    return (unsigned)i;
}

static const char *param_name(int i) { return imaperr_retry_param_name((imaperr_retry_param)i); }
static const char *outcome_name(int i) { return imaperr_outcome_name((imaperr_outcome)i); }

static void
check_advice(const imaperr_advice *a)
{
    unsigned bit;
    FUZZ_CHECK(imaperr_action_name(a->action) != NULL);
    FUZZ_CHECK(imaperr_category_name(a->category) != NULL);
    FUZZ_CHECK(imaperr_scope_name(a->scope) != NULL);
    FUZZ_CHECK(imaperr_advice_reason_name(a->reason) != NULL);
    for (bit = 1; bit != 0; bit <<= 1)
        if (a->flags & bit)
            FUZZ_CHECK(imaperr_advice_flag_name(bit) != NULL);
}

static void
advise(const imaperr_classification *c, const char *command, struct fuzz_input *in)
{
    imaperr_retry_policy policy = IMAPERR_RETRY_POLICY_INIT;
    imaperr_retry_state state = IMAPERR_RETRY_STATE_INIT, again = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op op = IMAPERR_RETRY_OP_INIT;
    imaperr_advice a = IMAPERR_ADVICE_INIT;
    imaperr_random rnd;
    unsigned char ex1[IMAPERR_RETRY_STATE_EXPORT_MAX], ex2[IMAPERR_RETRY_STATE_EXPORT_MAX];
    unsigned nout = count_names(outcome_name, 64), npar = count_names(param_name, 256);
    unsigned outcome = fuzz_byte(in), param = fuzz_byte(in), value = fuzz_byte(in);
    uint64_t now = NOW_MS, seed = fuzz_u64(in);
    int i, n1, n2;

    rnd = (imaperr_random)IMAPERR_RANDOM_INIT(seed);
    if (npar > 0 && param < 4 * npar) {
        /* a value the policy may refuse: then the policy is unchanged */
        uint64_t v = (uint64_t)value * (param & 1 ? 1000 : 1), got = 0;
        int rc = imaperr_retry_policy_set(&policy, (imaperr_retry_param)(param % npar), v);
        FUZZ_CHECK(rc == IMAPERR_OK || rc == IMAPERR_E_INVALID);
        FUZZ_CHECK(imaperr_retry_policy_get(&policy, (imaperr_retry_param)(param % npar), &got) ==
                   IMAPERR_OK);
        if (rc == IMAPERR_OK)
            FUZZ_CHECK(got == v);
    }
    op.command = command;
    op.flags = value >> 2;
    op.credential = value & 3;
    op.item = seed & 0xff;
    op.start_ms = now;
    /* a few failures of one operation, time moving on as advised */
    for (i = 0; i < 8; i++) {
        imaperr_outcome o = nout ? (imaperr_outcome)((outcome + (unsigned)i) % nout) : IMAPERR_OUTCOME_RESPONSE;
        FUZZ_CHECK(imaperr_admit(&policy, &state, &op, now, &a) == IMAPERR_OK);
        check_advice(&a);
        if (a.delay_ms)
            now += a.delay_ms < UINT64_C(1) << 40 ? a.delay_ms : UINT64_C(1) << 40;
        if (i & 1)
            o = IMAPERR_OUTCOME_RESPONSE;
        FUZZ_CHECK(imaperr_advise(&policy, &state, &op, o, c, now, &rnd, &a) == IMAPERR_OK);
        check_advice(&a);
        FUZZ_CHECK(a.not_before_ms == now + a.delay_ms);
        if (a.action == IMAPERR_ACT_FAIL || a.action == IMAPERR_ACT_USER_ACTION)
            FUZZ_CHECK(a.delay_ms == 0);
        /* attempts left only when the action retries; never past the hard cap */
        if (!imaperr__actions[a.action].retryable)
            FUZZ_CHECK(a.attempts_left == 0);
        if (a.attempts_left > 0)
            FUZZ_CHECK(a.attempt + a.attempts_left <= IMAPERR_RETRY_ATTEMPTS_CAP);
        now += 1000;
    }
    if (outcome & 0x80)
        FUZZ_CHECK(imaperr_retry_success(&policy, &state, &op, now) == IMAPERR_OK);
    /* the state survives export and import at the same time */
    n1 = imaperr_retry_state_export(&state, now, ex1, sizeof ex1);
    FUZZ_CHECK(n1 > 0 && n1 <= IMAPERR_RETRY_STATE_EXPORT_MAX);
    FUZZ_CHECK(imaperr_retry_state_import(&again, now, ex1, (size_t)n1) == IMAPERR_OK);
    n2 = imaperr_retry_state_export(&again, now, ex2, sizeof ex2);
    FUZZ_CHECK(n1 == n2 && memcmp(ex1, ex2, (size_t)n1) == 0);
}

static void
explain(const imaperr_response *r, const imaperr_classification *c, const char *locale,
        unsigned options, struct fuzz_input *in)
{
    imaperr_explain_context ctx = IMAPERR_EXPLAIN_CONTEXT_INIT;
    imaperr_explain_info info = IMAPERR_EXPLAIN_INFO_INIT;
    char buf[4096], small[24];
    int n, m;

    ctx.known = options & 0x0f;
    ctx.options = (options >> 4) & 3;
    ctx.mailbox_utf8 = (options >> 6) & 1;
    ctx.retry_ms = fuzz_u64(in);
    ctx.quota_used_kib = fuzz_u64(in);
    ctx.quota_limit_kib = fuzz_u64(in);
    ctx.count = fuzz_u64(in);
    ctx.max_text = fuzz_byte(in) * 4;
    ctx.mailbox = (const char *)in->p;
    ctx.mailbox_len = in->n;
    if (ctx.mailbox_len == 0) {
        ctx.mailbox = NULL;
        ctx.known &= ~IMAPERR_VALUE_MAILBOX;
    }

    n = imaperr_explain(r, c, &ctx, locale, buf, sizeof buf, &info);
    fuzz_check_snprintf(n, buf, sizeof buf);
    FUZZ_CHECK(info.key != NULL && info.language[0] != '\0');
    if ((size_t)n < sizeof buf)
        FUZZ_CHECK(fuzz_no_controls(buf, (size_t)n));
    m = imaperr_explain(r, c, &ctx, locale, small, sizeof small, NULL);
    fuzz_check_snprintf(m, small, sizeof small);
    FUZZ_CHECK(m == n);

    if (r != NULL) {
        n = imaperr_explain_server_text(r, &ctx, locale, buf, sizeof buf, &info);
        fuzz_check_snprintf(n, buf, sizeof buf);
        if ((size_t)n < sizeof buf)
            FUZZ_CHECK(fuzz_no_controls(buf, (size_t)n));
        if (r->text.len == 0)
            FUZZ_CHECK(n == 0);
    }

    n = imaperr_message(c, locale, buf, sizeof buf);
    fuzz_check_snprintf(n, buf, sizeof buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = { data, size }, line = fuzz_split(&in);
    imaperr_response r = IMAPERR_RESPONSE_INIT;
    imaperr_classification c = IMAPERR_CLASSIFICATION_INIT;
    char command[64];
    const char *cmd = NULL, *locale;
    unsigned cb = fuzz_byte(&in), lb = fuzz_byte(&in), options = fuzz_byte(&in);
    unsigned nlang = imaperr__lang_count();
    char loc[64];
    char *copy;
    int rc;

    /* the line in a buffer of its exact size, so a read past it is caught */
    copy = malloc(line.n ? line.n : 1);
    if (copy == NULL)
        return 0;
    if (line.n)
        memcpy(copy, line.p, line.n);

    if (cb != 0 && imaperr__command_count > 0) {
        snprintf(command, sizeof command, "%s%s", cb & 0x80 ? "uid " : "",
                 imaperr__commands[(cb & 0x7f) % imaperr__command_count].name);
        cmd = command;
    }
    /* a shipped language, as a POSIX locale or as a BCP 47 tag; 255: the
     * process's locale (NULL) */
    if (lb == 255) {
        locale = NULL;
    } else {
        size_t k;
        snprintf(loc, sizeof loc, "%s%s", imaperr__lang_name(lb % nlang),
                 lb & 0x80 ? ".UTF-8" : "");
        if (lb & 0x40)
            for (k = 0; loc[k]; k++)
                if (loc[k] == '_')
                    loc[k] = '-';
        locale = loc;
    }

    rc = imaperr_parse(copy, line.n, &r);
    if (rc == IMAPERR_OK) {
        FUZZ_CHECK(imaperr_classify(&r, cmd, options & 0x80 ? IMAPERR_CLASSIFY_NO_HEURISTICS : 0, &c) ==
                   IMAPERR_OK);
        FUZZ_CHECK(c.confidence <= 100);
        /* documented in imaperr.h: the flags follow the action (the
         * vocabulary's RETRYABLE column), hints only for problems, no
         * wording and no text hint with the fallback off */
        FUZZ_CHECK(!!(c.flags & IMAPERR_FLAG_RETRYABLE) == !!imaperr__actions[c.action].retryable);
        FUZZ_CHECK(!(c.flags & IMAPERR_FLAG_PERMANENT) || c.action == IMAPERR_ACT_FAIL);
        if (c.category == IMAPERR_CAT_OK)
            FUZZ_CHECK(c.hint_backoff_ms == 0 && c.hint_url.ptr == NULL && c.hint_connection_limit == 0);
        if (options & 0x80)
            FUZZ_CHECK(c.source != IMAPERR_SOURCE_TEXT_HEURISTIC && c.wording == NULL &&
                       c.hint_backoff_ms == 0 && c.hint_connection_limit == 0);
        if (c.source == IMAPERR_SOURCE_TEXT_HEURISTIC)
            FUZZ_CHECK(c.wording != NULL && c.confidence >= 1 && c.confidence <= 99);
        if (c.hint_url.ptr != NULL)
            FUZZ_CHECK(c.hint_url.ptr >= copy && c.hint_url.ptr + c.hint_url.len <= copy + line.n);
    } else {
        FUZZ_CHECK(imaperr_classify_parse_error(rc, &c) == IMAPERR_OK);
    }
    FUZZ_CHECK(imaperr_category_name(c.category) != NULL);
    FUZZ_CHECK(imaperr_action_name(c.action) != NULL);
    FUZZ_CHECK(imaperr_source_name(c.source) != NULL);
    FUZZ_CHECK(imaperr_severity_name(c.severity) != NULL);
    FUZZ_CHECK(imaperr_message_key(&c) != NULL);

    {
        struct fuzz_input adv = in;
        advise(&c, cmd, &adv);
        in = adv;
    }
    explain(rc == IMAPERR_OK ? &r : NULL, &c, locale, options, &in);
    free(copy);
    return 0;
}
