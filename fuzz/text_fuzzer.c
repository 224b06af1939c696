/* text_fuzzer.c - the other functions that take untrusted bytes:
 * imaperr_sanitize_text(), imaperr_negotiate_locale() (a locale request may
 * come from an HTTP Accept-Language header), the import of an exported
 * retry state (a file the application stored), and, internally, the
 * mailbox-name decoder and the grapheme cutter of the explain layer.
 *
 * All of them get the whole input. Properties: sanitised text is valid
 * UTF-8 without control characters, the same at every buffer size, and
 * sanitising it again changes nothing; negotiation answers "en" or a
 * shipped language; an imported state exports and re-imports to the same
 * bytes; decoded mailbox names and cut texts are valid UTF-8. */
#include <config.h>

#include "fuzz.h"
#include "imaperr.h"
#include "internal.h"
#include "i18n.h"

#define NOW_MS UINT64_C(1700000000000)

static void
sanitize(const char *s, size_t n)
{
    char *big = malloc(3 * n + 1), small[7], *again;
    int rc, rc2;
    if (big == NULL)
        return;
    /* every input byte gives at most U+FFFD (3 bytes) */
    rc = imaperr_sanitize_text(s, n, big, 3 * n + 1);
    fuzz_check_snprintf(rc, big, 3 * n + 1);
    FUZZ_CHECK((size_t)rc <= 3 * n);
    FUZZ_CHECK(fuzz_no_controls(big, (size_t)rc));
    rc2 = imaperr_sanitize_text(s, n, small, sizeof small);
    fuzz_check_snprintf(rc2, small, sizeof small);
    FUZZ_CHECK(rc2 == rc);
    FUZZ_CHECK(strncmp(small, big, strlen(small)) == 0);
    again = malloc((size_t)rc + 1);
    if (again != NULL) {
        rc2 = imaperr_sanitize_text(big, (size_t)rc, again, (size_t)rc + 1);
        FUZZ_CHECK(rc2 == rc && memcmp(again, big, (size_t)rc) == 0);
        free(again);
    }
    /* the grapheme cutter, in place */
    {
        size_t room = (size_t)rc + 8, k;
        char *t = malloc(room);
        if (t != NULL) {
            for (k = 0; k < 3; k++) {
                size_t len;
                memcpy(t, big, (size_t)rc + 1);
                len = imaperr__cap_text(t, (size_t)rc, room, (unsigned)(k * 7 + 1), room - 4, (int)(k & 1));
                FUZZ_CHECK(len < room);
                FUZZ_CHECK(fuzz_valid_utf8(t, len));
            }
            free(t);
        }
    }
    free(big);
}

static void
negotiate(const char *req)
{
    char buf[32], small[3];
    int fallback = -1, rc, rc2;
    unsigned i, found = 0;
    rc = imaperr_negotiate_locale(req, buf, sizeof buf, &fallback);
    fuzz_check_snprintf(rc, buf, sizeof buf);
    FUZZ_CHECK(fallback == 0 || fallback == 1);
    for (i = 0; i < imaperr__lang_count(); i++)
        if (strcmp(buf, imaperr__lang_name(i)) == 0)
            found = 1;
    FUZZ_CHECK(found || strcmp(buf, "en") == 0);
    if (fallback)
        FUZZ_CHECK(strcmp(buf, "en") == 0);
    rc2 = imaperr_negotiate_locale(req, small, sizeof small, NULL);
    fuzz_check_snprintf(rc2, small, sizeof small);
    FUZZ_CHECK(rc2 == rc);
}

static void
state_import(const uint8_t *data, size_t size)
{
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT, st2 = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_state before;
    unsigned char ex1[IMAPERR_RETRY_STATE_EXPORT_MAX], ex2[IMAPERR_RETRY_STATE_EXPORT_MAX];
    int rc, n1, n2;

    memcpy(&before, &st, sizeof st);
    rc = imaperr_retry_state_import(&st, NOW_MS, data, size);
    if (rc != IMAPERR_OK) {
        FUZZ_CHECK(rc == IMAPERR_E_SYNTAX);
        FUZZ_CHECK(memcmp(&before, &st, sizeof st) == 0);   /* unchanged on error */
        return;
    }
    n1 = imaperr_retry_state_export(&st, NOW_MS, ex1, sizeof ex1);
    FUZZ_CHECK(n1 > 0 && n1 <= IMAPERR_RETRY_STATE_EXPORT_MAX);
    FUZZ_CHECK(imaperr_retry_state_import(&st2, NOW_MS, ex1, (size_t)n1) == IMAPERR_OK);
    n2 = imaperr_retry_state_export(&st2, NOW_MS, ex2, sizeof ex2);
    FUZZ_CHECK(n1 == n2 && memcmp(ex1, ex2, (size_t)n1) == 0);
    /* an imported state is a valid state for the advisor */
    {
        imaperr_retry_policy policy = IMAPERR_RETRY_POLICY_INIT;
        imaperr_retry_op op = IMAPERR_RETRY_OP_INIT;
        imaperr_advice a = IMAPERR_ADVICE_INIT;
        imaperr_random rnd = IMAPERR_RANDOM_INIT(size);
        op.command = "LOGIN";
        op.start_ms = NOW_MS;
        FUZZ_CHECK(imaperr_admit(&policy, &st, &op, NOW_MS, &a) == IMAPERR_OK);
        FUZZ_CHECK(imaperr_advise(&policy, &st, &op, IMAPERR_OUTCOME_TIMEOUT, NULL, NOW_MS + 5, &rnd,
                                  &a) == IMAPERR_OK);
        FUZZ_CHECK(imaperr_retry_success(&policy, &st, &op, NOW_MS + 10) == IMAPERR_OK);
    }
}

static void
mailbox(const char *s, size_t n, int utf8)
{
    char buf[512];
    size_t len = imaperr__decode_mailbox(s, n, utf8, buf, sizeof buf);
    if (len < sizeof buf) {
        FUZZ_CHECK(strlen(buf) == len);
        FUZZ_CHECK(fuzz_valid_utf8(buf, len) && fuzz_no_controls(buf, len));
    } else {
        FUZZ_CHECK(fuzz_valid_utf8(buf, strlen(buf)));
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1), *str;

    if (copy == NULL)
        return 0;
    if (size)
        memcpy(copy, data, size);
    sanitize(copy, size);
    mailbox(copy, size, 0);
    mailbox(copy, size, 1);
    state_import((const uint8_t *)copy, size);
    free(copy);

    str = malloc(size + 1);
    if (str == NULL)
        return 0;
    memcpy(str, data, size);
    str[size] = '\0';
    negotiate(str);
    free(str);
    return 0;
}
