/* parse_fuzzer.c - imaperr_parse() on arbitrary bytes, the repair and error
 * name lookups, the parse-error classification and the sanitiser on the
 * parsed text.
 *
 * Properties checked besides memory safety: every slice lies inside the
 * input; a failure leaves the struct empty; every repair bit has a name;
 * the sanitised text is valid UTF-8 without control characters and keeps
 * the snprintf contract at any buffer size; a line ending appended to a
 * line changes nothing. */
#include <config.h>

#include "fuzz.h"
#include "imaperr.h"

static void
check_slice(imaperr_slice s, const uint8_t *data, size_t size)
{
    if (s.ptr == NULL) {
        FUZZ_CHECK(s.len == 0);
        return;
    }
    FUZZ_CHECK((const uint8_t *)s.ptr >= data);
    FUZZ_CHECK(s.len <= size);
    FUZZ_CHECK((const uint8_t *)s.ptr + s.len <= data + size);
    fuzz_use(s.ptr, s.len);
}

static int
same_slice(imaperr_slice a, const char *abase, imaperr_slice b, const char *bbase)
{
    if (a.len != b.len || (a.ptr == NULL) != (b.ptr == NULL))
        return 0;
    return a.ptr == NULL || a.ptr - abase == b.ptr - bbase;
}

/* Two parses of the same bytes at different addresses agree. */
static int
same_parse(const imaperr_response *a, const char *abase, const imaperr_response *b,
           const char *bbase)
{
    return a->kind == b->kind && a->status == b->status && a->code == b->code &&
           a->args_state == b->args_state && a->number == b->number && a->number2 == b->number2 &&
           a->repairs == b->repairs && same_slice(a->tag, abase, b->tag, bbase) &&
           same_slice(a->code_name, abase, b->code_name, bbase) &&
           same_slice(a->code_args, abase, b->code_args, bbase) &&
           same_slice(a->text, abase, b->text, bbase);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    imaperr_response r = IMAPERR_RESPONSE_INIT;
    imaperr_classification c = IMAPERR_CLASSIFICATION_INIT;
    char small[8], big[512];
    int rc, n;
    unsigned bit;

    if (size == 0) {
        /* NULL arguments give an error, never a crash */
        FUZZ_CHECK(imaperr_parse(NULL, 0, &r) == IMAPERR_E_INVALID);
        FUZZ_CHECK(imaperr_parse("", 0, NULL) == IMAPERR_E_INVALID);
        FUZZ_CHECK(imaperr_sanitize_text(NULL, 0, NULL, 0) == 0);
    }

    rc = imaperr_parse((const char *)data, size, &r);
    FUZZ_CHECK(imaperr_strerror(rc) != NULL);
    FUZZ_CHECK(imaperr_rc_name(rc) != NULL);
    if (rc != IMAPERR_OK) {
        FUZZ_CHECK(rc < 0);
        FUZZ_CHECK(r.kind == IMAPERR_KIND_NONE && r.tag.ptr == NULL && r.text.ptr == NULL &&
                   r.code == IMAPERR_CODE_NONE && r.repairs == 0);
        FUZZ_CHECK(imaperr_classify_parse_error(rc, &c) == IMAPERR_OK);
        FUZZ_CHECK(imaperr_message_key(&c) != NULL);
        return 0;
    }

    FUZZ_CHECK(r.kind == IMAPERR_KIND_STATUS || r.kind == IMAPERR_KIND_DATA ||
               r.kind == IMAPERR_KIND_CONTINUATION);
    FUZZ_CHECK(imaperr_kind_name(r.kind) != NULL);
    if (r.status != IMAPERR_STATUS_NONE)
        FUZZ_CHECK(imaperr_status_name(r.status) != NULL);
    FUZZ_CHECK(imaperr_code_name(r.code) != NULL);
    check_slice(r.tag, data, size);
    check_slice(r.code_name, data, size);
    check_slice(r.code_args, data, size);
    check_slice(r.text, data, size);
    if (r.code != IMAPERR_CODE_NONE)
        FUZZ_CHECK(r.code_name.len > 0);
    for (bit = 1; bit != 0; bit <<= 1)
        if (r.repairs & bit)
            FUZZ_CHECK(imaperr_repair_name(bit) != NULL);

    /* the text, made safe for display, at several buffer sizes */
    n = imaperr_sanitize_text(r.text.ptr, r.text.len, big, sizeof big);
    fuzz_check_snprintf(n, big, sizeof big);
    if ((size_t)n < sizeof big)
        FUZZ_CHECK(fuzz_no_controls(big, (size_t)n));
    rc = imaperr_sanitize_text(r.text.ptr, r.text.len, small, sizeof small);
    fuzz_check_snprintf(rc, small, sizeof small);
    FUZZ_CHECK(rc == n);
    FUZZ_CHECK(imaperr_sanitize_text(r.text.ptr, r.text.len, NULL, 0) == n);

    /* a line ending changes nothing (unless the line already ends in one) */
    if (data[size - 1] != '\r' && data[size - 1] != '\n') {
        char *crlf = malloc(size + 2);
        imaperr_response r2 = IMAPERR_RESPONSE_INIT;
        if (crlf != NULL) {
            memcpy(crlf, data, size);
            memcpy(crlf + size, "\r\n", 2);
            FUZZ_CHECK(imaperr_parse(crlf, size + 2, &r2) == IMAPERR_OK);
            FUZZ_CHECK(same_parse(&r, (const char *)data, &r2, crlf));
            free(crlf);
        }
    }
    return 0;
}
