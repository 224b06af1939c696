/* test-parse.c - unit tests for imaperr_parse() and imaperr_repair_name().
 *
 * One small test per behaviour. Every test asserts the whole result that
 * matters for its input: return code, kind, status, tag, code, code name,
 * arguments, args_state, decoded numbers, text (exact slices) and the exact
 * set of repair bits (==, never a mere "bit is set"), so that a spurious
 * repair or a slice one byte too long fails.
 *
 * Grammar background: RFC 3501 / RFC 9051 section 9; the decisions on
 * malformed input are stated at the top of lib/parse.c and in
 * include/imaperr.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                    */
/* ------------------------------------------------------------------------ */

/* Parse `len` bytes at `line` into a freshly initialised *r. */
static int
parse_mem(const char *line, size_t len, imaperr_response *r)
{
    imaperr_response init = IMAPERR_RESPONSE_INIT;
    *r = init;
    return imaperr_parse(line, len, r);
}

/* A string literal, parsed with its exact length (embedded NULs included). */
#define parse_lit(lit, r) parse_mem((lit), sizeof(lit) - 1, (r))

/* An absent slice: ptr NULL, len 0 (include/imaperr.h). */
#define assert_slice_absent(slice) do { \
        const imaperr_slice a_ = (slice); \
        assert_null(a_.ptr); \
        assert_int_equal(a_.len, 0); \
    } while (0)

/* A slice with the given bytes (embedded NULs allowed). */
#define assert_slice_bytes(slice, bytes, n) do { \
        const imaperr_slice b_ = (slice); \
        assert_non_null(b_.ptr); \
        assert_int_equal(b_.len, (n)); \
        assert_memory_equal(b_.ptr, (bytes), (n)); \
    } while (0)

/* No response code at all. */
#define assert_no_code(r) do { \
        assert_int_equal((r).code, IMAPERR_CODE_NONE); \
        assert_slice_absent((r).code_name); \
        assert_slice_absent((r).code_args); \
        assert_int_equal((r).args_state, IMAPERR_ARGS_NONE); \
        assert_int_equal((r).number, 0); \
        assert_int_equal((r).number2, 0); \
    } while (0)

/* A code without arguments. */
#define assert_code(r, code_, name_) do { \
        assert_int_equal((r).code, (code_)); \
        assert_slice_equal((r).code_name, (name_)); \
        assert_slice_absent((r).code_args); \
        assert_int_equal((r).args_state, IMAPERR_ARGS_NONE); \
        assert_int_equal((r).number, 0); \
        assert_int_equal((r).number2, 0); \
    } while (0)

/* A code with arguments in the given state (numbers checked separately). */
#define assert_code_args(r, code_, name_, args_, state_) do { \
        assert_int_equal((r).code, (code_)); \
        assert_slice_equal((r).code_name, (name_)); \
        assert_slice_equal((r).code_args, (args_)); \
        assert_int_equal((r).args_state, (state_)); \
    } while (0)

/* A status response: kind, status, tag, text and the exact repair bits. */
#define assert_status_line(r, tag_, status_, text_, repairs_) do { \
        assert_int_equal((r).size, sizeof(imaperr_response)); \
        assert_int_equal((r).kind, IMAPERR_KIND_STATUS); \
        assert_int_equal((r).status, (status_)); \
        assert_slice_equal((r).tag, (tag_)); \
        assert_slice_equal((r).text, (text_)); \
        assert_int_equal((r).repairs, (repairs_)); \
    } while (0)

/* An untagged data line ("* 3 EXISTS"): text is everything after "* ". */
#define assert_data_line(r, text_, repairs_) do { \
        assert_int_equal((r).kind, IMAPERR_KIND_DATA); \
        assert_int_equal((r).status, IMAPERR_STATUS_NONE); \
        assert_slice_equal((r).tag, "*"); \
        assert_slice_equal((r).text, (text_)); \
        assert_no_code(r); \
        assert_int_equal((r).repairs, (repairs_)); \
    } while (0)

/* The empty state a failed parse leaves behind (size kept). */
#define assert_reset(r, size_) do { \
        assert_int_equal((r).size, (size_)); \
        assert_int_equal((r).kind, IMAPERR_KIND_NONE); \
        assert_int_equal((r).status, IMAPERR_STATUS_NONE); \
        assert_slice_absent((r).tag); \
        assert_no_code(r); \
        assert_slice_absent((r).text); \
        assert_int_equal((r).repairs, 0); \
    } while (0)

static int
slice_within(imaperr_slice s, const char *buf, size_t len)
{
    uintptr_t lo = (uintptr_t)buf, hi = lo + len, p = (uintptr_t)s.ptr;
    if (s.ptr == NULL)
        return s.len == 0;
    return p >= lo && p <= hi && s.len <= hi - p;
}

/* Every slice of a successful parse lies inside [buf, buf + len). */
static int
slices_within(const imaperr_response *r, const char *buf, size_t len)
{
    return slice_within(r->tag, buf, len) && slice_within(r->code_name, buf, len)
           && slice_within(r->code_args, buf, len) && slice_within(r->text, buf, len);
}

static int
is_reset(const imaperr_response *r)
{
    return r->size == sizeof(imaperr_response) && r->kind == IMAPERR_KIND_NONE
           && r->status == IMAPERR_STATUS_NONE && r->tag.ptr == NULL && r->tag.len == 0
           && r->code == IMAPERR_CODE_NONE && r->code_name.ptr == NULL
           && r->code_args.ptr == NULL && r->args_state == IMAPERR_ARGS_NONE
           && r->number == 0 && r->number2 == 0 && r->text.ptr == NULL
           && r->text.len == 0 && r->repairs == 0;
}

/* "prefix" + n copies of c + "suffix", malloc'd, length in *len. */
static char *
make_line(const char *prefix, char c, size_t n, const char *suffix, size_t *len)
{
    size_t lp = strlen(prefix), ls = strlen(suffix);
    char *p = malloc(lp + n + ls);
    assert_non_null(p);
    memcpy(p, prefix, lp);
    memset(p + lp, c, n);
    memcpy(p + lp + n, suffix, ls);
    *len = lp + n + ls;
    return p;
}

/* ------------------------------------------------------------------------ */
/* Status responses                                                           */
/* ------------------------------------------------------------------------ */

static void
torture_tagged_ok(void **state)
{
    imaperr_response r;
    const char *line = "a1 OK LOGIN completed";
    (void)state;
    assert_int_equal(parse_str(line, &r), IMAPERR_OK);
    assert_status_line(r, "a1", IMAPERR_STATUS_OK, "LOGIN completed", 0);
    assert_no_code(r);
    /* slices point into the caller's buffer, not into a copy */
    assert_ptr_equal(r.tag.ptr, line);
    assert_ptr_equal(r.text.ptr, line + 6);
}

static void
torture_tagged_no(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a2 NO Mailbox doesn't exist\r\n", &r), IMAPERR_OK);
    assert_status_line(r, "a2", IMAPERR_STATUS_NO, "Mailbox doesn't exist", 0);
    assert_no_code(r);
}

static void
torture_tagged_bad(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("A003 BAD Command unknown or arguments invalid", &r), IMAPERR_OK);
    assert_status_line(r, "A003", IMAPERR_STATUS_BAD, "Command unknown or arguments invalid", 0);
    assert_no_code(r);
}

static void
torture_tagged_with_code(void **state)
{
    imaperr_response r;
    const char *line = "a1 NO [OVERQUOTA] Quota exceeded";
    (void)state;
    assert_int_equal(parse_str(line, &r), IMAPERR_OK);
    assert_status_line(r, "a1", IMAPERR_STATUS_NO, "Quota exceeded", 0);
    assert_code(r, IMAPERR_CODE_OVERQUOTA, "OVERQUOTA");
    assert_ptr_equal(r.code_name.ptr, line + 7);
    assert_ptr_equal(r.text.ptr, line + 18);
}

static void
torture_tag_with_bracket(void **state)
{
    imaperr_response r;
    (void)state;
    /* tag = 1*<ASTRING-CHAR except "+">, and "]" is an ASTRING-CHAR */
    assert_int_equal(parse_str("a]1 OK done", &r), IMAPERR_OK);
    assert_status_line(r, "a]1", IMAPERR_STATUS_OK, "done", 0);
    assert_no_code(r);
}

static void
torture_untagged_ok(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("* OK IMAP4rev1 Service Ready\r\n", &r), IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_OK, "IMAP4rev1 Service Ready", 0);
    assert_no_code(r);
}

static void
torture_untagged_no(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("* NO Disk is 98% full, please delete unnecessary data", &r),
                     IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_NO,
                       "Disk is 98% full, please delete unnecessary data", 0);
    assert_no_code(r);
}

static void
torture_untagged_bad(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("* BAD Command line too long", &r), IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_BAD, "Command line too long", 0);
    assert_no_code(r);
}

static void
torture_untagged_bye(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("* BYE Autologout; idle for too long", &r), IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_BYE, "Autologout; idle for too long", 0);
    assert_no_code(r);
}

static void
torture_untagged_preauth(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("* PREAUTH IMAP4rev1 server logged in as Smith", &r), IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_PREAUTH, "IMAP4rev1 server logged in as Smith", 0);
    assert_no_code(r);
}

static void
torture_status_missing_text(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a1 OK", &r), IMAPERR_OK);
    assert_status_line(r, "a1", IMAPERR_STATUS_OK, "", IMAPERR_REPAIR_MISSING_TEXT);
    assert_no_code(r);

    assert_int_equal(parse_str("a1 OK \r\n", &r), IMAPERR_OK);
    assert_status_line(r, "a1", IMAPERR_STATUS_OK, "", IMAPERR_REPAIR_MISSING_TEXT);

    assert_int_equal(parse_str("* BYE", &r), IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_BYE, "", IMAPERR_REPAIR_MISSING_TEXT);
}

/* ------------------------------------------------------------------------ */
/* Continuations and untagged data                                            */
/* ------------------------------------------------------------------------ */

static void
torture_continuation_text(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("+ Ready for additional command text\r\n", &r), IMAPERR_OK);
    assert_int_equal(r.kind, IMAPERR_KIND_CONTINUATION);
    assert_int_equal(r.status, IMAPERR_STATUS_NONE);
    assert_slice_equal(r.tag, "+");
    assert_slice_equal(r.text, "Ready for additional command text");
    assert_no_code(r);
    assert_int_equal(r.repairs, 0);
}

static void
torture_continuation_alone(void **state)
{
    static const char *const lines[] = { "+", "+\r\n", "+\n", "+ ", "+ \r\n" };
    imaperr_response r;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        assert_int_equal(parse_str(lines[i], &r), IMAPERR_OK);
        assert_int_equal(r.kind, IMAPERR_KIND_CONTINUATION);
        assert_int_equal(r.status, IMAPERR_STATUS_NONE);
        assert_slice_equal(r.tag, "+");
        assert_int_equal(r.text.len, 0);
        assert_no_code(r);
        /* an empty continuation is normal, not a missing-text repair */
        assert_int_equal(r.repairs, 0);
    }
}

static void
torture_continuation_base64(void **state)
{
    imaperr_response r;
    const char *b64 = "YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHeceP2CWY0SR0fAQAgAAQEBAQ=";
    char line[128];
    (void)state;
    snprintf(line, sizeof line, "+ %s\r\n", b64);
    assert_int_equal(parse_str(line, &r), IMAPERR_OK);
    assert_int_equal(r.kind, IMAPERR_KIND_CONTINUATION);
    assert_slice_equal(r.text, b64);
    assert_no_code(r);
    assert_int_equal(r.repairs, 0);
}

static void
torture_continuation_with_code(void **state)
{
    imaperr_response r;
    (void)state;
    /* continue-req = "+" SP (resp-text / base64): resp-text may carry a code */
    assert_int_equal(parse_str("+ [ALERT] Send the literal", &r), IMAPERR_OK);
    assert_int_equal(r.kind, IMAPERR_KIND_CONTINUATION);
    assert_int_equal(r.status, IMAPERR_STATUS_NONE);
    assert_code(r, IMAPERR_CODE_ALERT, "ALERT");
    assert_slice_equal(r.text, "Send the literal");
    assert_int_equal(r.repairs, 0);
}

static void
torture_continuation_no_space(void **state)
{
    imaperr_response r;
    (void)state;
    /* "+OK" is POP3, not IMAP */
    assert_int_equal(parse_str("+OK POP3 server ready", &r), IMAPERR_E_NOT_RESPONSE);
    assert_reset(r, sizeof(imaperr_response));
}

static void
torture_data_exists(void **state)
{
    imaperr_response r;
    const char *line = "* 3 EXISTS\r\n";
    (void)state;
    assert_int_equal(parse_str(line, &r), IMAPERR_OK);
    assert_data_line(r, "3 EXISTS", 0);
    assert_ptr_equal(r.tag.ptr, line);
    assert_ptr_equal(r.text.ptr, line + 2);
}

static void
torture_data_capability(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("* CAPABILITY IMAP4rev1 IDLE", &r), IMAPERR_OK);
    assert_data_line(r, "CAPABILITY IMAP4rev1 IDLE", 0);
}

static void
torture_data_search(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("* SEARCH 1 2", &r), IMAPERR_OK);
    assert_data_line(r, "SEARCH 1 2", 0);

    /* a data line with brackets is not parsed for response codes */
    assert_int_equal(parse_str("* LIST (\\HasNoChildren) \"/\" \"[Gmail]/Sent Mail\"", &r),
                     IMAPERR_OK);
    assert_data_line(r, "LIST (\\HasNoChildren) \"/\" \"[Gmail]/Sent Mail\"", 0);
}

/* ------------------------------------------------------------------------ */
/* Line endings                                                               */
/* ------------------------------------------------------------------------ */

static void
torture_ending_crlf(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a1 OK done\r\n", &r), IMAPERR_OK);
    assert_status_line(r, "a1", IMAPERR_STATUS_OK, "done", 0);
}

static void
torture_ending_lf(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a1 OK done\n", &r), IMAPERR_OK);
    assert_status_line(r, "a1", IMAPERR_STATUS_OK, "done", 0);
}

static void
torture_ending_cr(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a1 OK done\r", &r), IMAPERR_OK);
    assert_status_line(r, "a1", IMAPERR_STATUS_OK, "done", 0);
}

static void
torture_ending_none(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a1 OK done", &r), IMAPERR_OK);
    assert_status_line(r, "a1", IMAPERR_STATUS_OK, "done", 0);
}

static void
torture_ending_only_one_stripped(void **state)
{
    imaperr_response r;
    (void)state;
    /* one line ending is ignored; a second CR is a control byte in the text */
    assert_int_equal(parse_str("a1 OK done\r\r\n", &r), IMAPERR_OK);
    assert_status_line(r, "a1", IMAPERR_STATUS_OK, "done\r", IMAPERR_REPAIR_CONTROL_IN_TEXT);
}

static void
torture_len_bounds_input(void **state)
{
    imaperr_response r;
    const char *line = "a1 OK [ALERT] hello world";
    (void)state;
    /* len, not the NUL terminator, decides */
    assert_int_equal(parse_mem(line, 16, &r), IMAPERR_OK);
    assert_status_line(r, "a1", IMAPERR_STATUS_OK, "he", 0);
    assert_code(r, IMAPERR_CODE_ALERT, "ALERT");

    /* cut before the "]": the bracket is text */
    assert_int_equal(parse_mem(line, 12, &r), IMAPERR_OK);
    assert_status_line(r, "a1", IMAPERR_STATUS_OK, "[ALERT", IMAPERR_REPAIR_CODE_AS_TEXT);
    assert_no_code(r);
}

/* ------------------------------------------------------------------------ */
/* Empty and truncated lines                                                  */
/* ------------------------------------------------------------------------ */

static void
torture_empty_string(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("", &r), IMAPERR_E_EMPTY);
    assert_reset(r, sizeof(imaperr_response));
    /* len 0 with bytes after it: nothing is read */
    assert_int_equal(parse_mem("a1 OK x", 0, &r), IMAPERR_E_EMPTY);
    assert_reset(r, sizeof(imaperr_response));
}

static void
torture_empty_crlf(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("\r\n", &r), IMAPERR_E_EMPTY);
    assert_reset(r, sizeof(imaperr_response));
    assert_int_equal(parse_str("\n", &r), IMAPERR_E_EMPTY);
    assert_reset(r, sizeof(imaperr_response));
    assert_int_equal(parse_str("\r", &r), IMAPERR_E_EMPTY);
    assert_reset(r, sizeof(imaperr_response));
}

static void
torture_tag_only(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a1", &r), IMAPERR_E_TRUNCATED);
    assert_reset(r, sizeof(imaperr_response));
    assert_int_equal(parse_str("a1\r\n", &r), IMAPERR_E_TRUNCATED);
    assert_reset(r, sizeof(imaperr_response));
}

static void
torture_tag_space(void **state)
{
    imaperr_response r;
    (void)state;
    /* the status word is still to come: truncated, not a syntax error */
    assert_int_equal(parse_str("a1 ", &r), IMAPERR_E_TRUNCATED);
    assert_reset(r, sizeof(imaperr_response));
    assert_int_equal(parse_str("a1 \r\n", &r), IMAPERR_E_TRUNCATED);
    assert_reset(r, sizeof(imaperr_response));
    assert_int_equal(parse_str("a1   ", &r), IMAPERR_E_TRUNCATED);
    assert_reset(r, sizeof(imaperr_response));
}

static void
torture_star_alone(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("*", &r), IMAPERR_E_TRUNCATED);
    assert_reset(r, sizeof(imaperr_response));
    assert_int_equal(parse_str("*\r\n", &r), IMAPERR_E_TRUNCATED);
    assert_reset(r, sizeof(imaperr_response));
    assert_int_equal(parse_str("* ", &r), IMAPERR_E_TRUNCATED);
    assert_reset(r, sizeof(imaperr_response));
    assert_int_equal(parse_str("*   \r\n", &r), IMAPERR_E_TRUNCATED);
    assert_reset(r, sizeof(imaperr_response));
}

/* ------------------------------------------------------------------------ */
/* NUL and control bytes                                                      */
/* ------------------------------------------------------------------------ */

static void
torture_nul_in_text(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_lit("a NO [LIMIT] x\0y", &r), IMAPERR_OK);
    assert_int_equal(r.kind, IMAPERR_KIND_STATUS);
    assert_int_equal(r.status, IMAPERR_STATUS_NO);
    assert_slice_equal(r.tag, "a");
    assert_code(r, IMAPERR_CODE_LIMIT, "LIMIT");
    assert_slice_bytes(r.text, "x\0y", 3);
    assert_int_equal(r.repairs, IMAPERR_REPAIR_CONTROL_IN_TEXT);
}

static void
torture_nul_at_end(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_lit("a1 OK done\0\r\n", &r), IMAPERR_OK);
    assert_int_equal(r.status, IMAPERR_STATUS_OK);
    assert_slice_bytes(r.text, "done\0", 5);
    assert_int_equal(r.repairs, IMAPERR_REPAIR_CONTROL_IN_TEXT);
}

static void
torture_nul_in_code_name(void **state)
{
    imaperr_response r;
    (void)state;
    /* a NUL ends the atom: no valid code, the bracket is text */
    assert_int_equal(parse_lit("a NO [LI\0MIT] x", &r), IMAPERR_OK);
    assert_int_equal(r.status, IMAPERR_STATUS_NO);
    assert_no_code(r);
    assert_slice_bytes(r.text, "[LI\0MIT] x", 10);
    assert_int_equal(r.repairs, IMAPERR_REPAIR_CODE_AS_TEXT | IMAPERR_REPAIR_CONTROL_IN_TEXT);
}

static void
torture_nul_in_tag(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_lit("a\0 NO x", &r), IMAPERR_E_NOT_RESPONSE);
    assert_reset(r, sizeof(imaperr_response));
    assert_int_equal(parse_lit("\0a1 OK x", &r), IMAPERR_E_NOT_RESPONSE);
    assert_reset(r, sizeof(imaperr_response));
    assert_int_equal(parse_lit("a1\0", &r), IMAPERR_E_NOT_RESPONSE);
    assert_reset(r, sizeof(imaperr_response));
    assert_int_equal(parse_lit("*\0 OK x", &r), IMAPERR_E_NOT_RESPONSE);
    assert_reset(r, sizeof(imaperr_response));
}

static void
torture_nul_in_data(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_lit("* 3 EXI\0STS\r\n", &r), IMAPERR_OK);
    assert_int_equal(r.kind, IMAPERR_KIND_DATA);
    assert_slice_bytes(r.text, "3 EXI\0STS", 9);
    assert_no_code(r);
    assert_int_equal(r.repairs, IMAPERR_REPAIR_CONTROL_IN_TEXT);
}

static void
torture_nul_in_continuation(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_lit("+ go\0on", &r), IMAPERR_OK);
    assert_int_equal(r.kind, IMAPERR_KIND_CONTINUATION);
    assert_slice_bytes(r.text, "go\0on", 5);
    assert_int_equal(r.repairs, IMAPERR_REPAIR_CONTROL_IN_TEXT);
}

static void
torture_control_bytes_in_text(void **state)
{
    static const char *const lines[] = {
        "a NO bad\x1b[31mred", "a NO tab\there", "a NO del\x7f", "a NO x\ny",
    };
    imaperr_response r;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        assert_int_equal(parse_str(lines[i], &r), IMAPERR_OK);
        assert_int_equal(r.status, IMAPERR_STATUS_NO);
        assert_slice_equal(r.text, lines[i] + 5);
        assert_int_equal(r.repairs, IMAPERR_REPAIR_CONTROL_IN_TEXT);
    }
    /* UTF-8 is not a control byte */
    assert_int_equal(parse_str("a NO Postfach \xc3\xbc" "berf\xc3\xbcllt", &r), IMAPERR_OK);
    assert_slice_equal(r.text, "Postfach \xc3\xbc" "berf\xc3\xbcllt");
    assert_int_equal(r.repairs, 0);
}

/* ------------------------------------------------------------------------ */
/* Long lines                                                                 */
/* ------------------------------------------------------------------------ */

#define MIB ((size_t)1 << 20)

static void
torture_huge_text_exact(void **state)
{
    imaperr_response r;
    size_t len;
    char *line = make_line("a1 NO ", 'x', MIB, "\r\n", &len);
    (void)state;
    assert_int_equal(parse_mem(line, len, &r), IMAPERR_OK);
    assert_int_equal(r.kind, IMAPERR_KIND_STATUS);
    assert_int_equal(r.status, IMAPERR_STATUS_NO);
    assert_slice_equal(r.tag, "a1");
    assert_no_code(r);
    assert_ptr_equal(r.text.ptr, line + 6);
    assert_int_equal(r.text.len, MIB);
    assert_int_equal(r.repairs, 0);
    free(line);
}

static void
torture_huge_code_args(void **state)
{
    imaperr_response r;
    size_t len;
    char *line = make_line("* OK [XHUGE ", 'a', MIB, "] tail", &len);
    (void)state;
    assert_int_equal(parse_mem(line, len, &r), IMAPERR_OK);
    assert_int_equal(r.status, IMAPERR_STATUS_OK);
    assert_int_equal(r.code, IMAPERR_CODE_UNKNOWN);
    assert_slice_equal(r.code_name, "XHUGE");
    assert_ptr_equal(r.code_args.ptr, line + 12);
    assert_int_equal(r.code_args.len, MIB);
    assert_int_equal(r.args_state, IMAPERR_ARGS_RAW);
    assert_slice_equal(r.text, "tail");
    assert_int_equal(r.repairs, 0);
    free(line);
}

static void
torture_huge_unclosed_bracket(void **state)
{
    imaperr_response r;
    size_t len;
    char *line = make_line("a1 NO [ALERT ", '(', MIB, "", &len);
    (void)state;
    assert_int_equal(parse_mem(line, len, &r), IMAPERR_OK);
    assert_int_equal(r.status, IMAPERR_STATUS_NO);
    assert_no_code(r);
    assert_ptr_equal(r.text.ptr, line + 6);
    assert_int_equal(r.text.len, len - 6);
    assert_int_equal(r.repairs, IMAPERR_REPAIR_CODE_AS_TEXT);
    free(line);
}

/* ------------------------------------------------------------------------ */
/* Response codes and their arguments                                         */
/* ------------------------------------------------------------------------ */

static void
torture_unclosed_bracket(void **state)
{
    static const char *const lines[] = {
        "a NO [ALERT Too many connections", "a NO [ALERT", "a NO [", "a NO [TRYCREATE",
    };
    imaperr_response r;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        assert_int_equal(parse_str(lines[i], &r), IMAPERR_OK);
        assert_status_line(r, "a", IMAPERR_STATUS_NO, lines[i] + 5, IMAPERR_REPAIR_CODE_AS_TEXT);
        assert_no_code(r);
    }
}

static void
torture_empty_brackets(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a NO [] x", &r), IMAPERR_OK);
    assert_status_line(r, "a", IMAPERR_STATUS_NO, "[] x", IMAPERR_REPAIR_CODE_AS_TEXT);
    assert_no_code(r);
}

static void
torture_permanentflags_nested(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("* OK [PERMANENTFLAGS (\\Seen \\*)] Limited", &r), IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_OK, "Limited", 0);
    assert_code_args(r, IMAPERR_CODE_PERMANENTFLAGS, "PERMANENTFLAGS", "(\\Seen \\*)",
                     IMAPERR_ARGS_RAW);
    assert_int_equal(r.number, 0);
}

static void
torture_permanentflags_empty_list(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("* OK [PERMANENTFLAGS ()] No permanent flags permitted", &r),
                     IMAPERR_OK);
    assert_code_args(r, IMAPERR_CODE_PERMANENTFLAGS, "PERMANENTFLAGS", "()", IMAPERR_ARGS_RAW);
    assert_slice_equal(r.text, "No permanent flags permitted");
    assert_int_equal(r.repairs, 0);
}

static void
torture_permanentflags_not_list(void **state)
{
    imaperr_response r;
    (void)state;
    /* right code, wrong argument shape: the name is kept, args malformed */
    assert_int_equal(parse_str("* OK [PERMANENTFLAGS \\Seen] x", &r), IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_OK, "x", 0);
    assert_code_args(r, IMAPERR_CODE_PERMANENTFLAGS, "PERMANENTFLAGS", "\\Seen",
                     IMAPERR_ARGS_MALFORMED);
}

static void
torture_uidvalidity_2_32(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("* OK [UIDVALIDITY 4294967296] UIDs valid", &r), IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_OK, "UIDs valid", 0);
    assert_code_args(r, IMAPERR_CODE_UIDVALIDITY, "UIDVALIDITY", "4294967296",
                     IMAPERR_ARGS_MALFORMED);
    assert_int_equal(r.number, 0);
    assert_int_equal(r.number2, 0);
}

static void
torture_uidvalidity_max(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("* OK [UIDVALIDITY 4294967295] UIDs valid", &r), IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_OK, "UIDs valid", 0);
    assert_code_args(r, IMAPERR_CODE_UIDVALIDITY, "UIDVALIDITY", "4294967295",
                     IMAPERR_ARGS_DECODED);
    assert_true(r.number == UINT64_C(4294967295));
    assert_int_equal(r.number2, 0);
}

static void
torture_uidvalidity_typical(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n", &r), IMAPERR_OK);
    assert_code_args(r, IMAPERR_CODE_UIDVALIDITY, "UIDVALIDITY", "3857529045",
                     IMAPERR_ARGS_DECODED);
    assert_true(r.number == UINT64_C(3857529045));
}

static void
torture_nz_number_zero(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("* OK [UIDVALIDITY 0] x", &r), IMAPERR_OK);
    assert_code_args(r, IMAPERR_CODE_UIDVALIDITY, "UIDVALIDITY", "0", IMAPERR_ARGS_MALFORMED);
    assert_int_equal(r.number, 0);
    assert_int_equal(r.repairs, 0);

    assert_int_equal(parse_str("* OK [UIDNEXT 0] x", &r), IMAPERR_OK);
    assert_code_args(r, IMAPERR_CODE_UIDNEXT, "UIDNEXT", "0", IMAPERR_ARGS_MALFORMED);
    assert_int_equal(r.number, 0);

    assert_int_equal(parse_str("* OK [UNSEEN 000] x", &r), IMAPERR_OK);
    assert_code_args(r, IMAPERR_CODE_UNSEEN, "UNSEEN", "000", IMAPERR_ARGS_MALFORMED);
    assert_int_equal(r.number, 0);

    /* mod-sequence-value is 1 .. 2^63-1 too (RFC 7162) */
    assert_int_equal(parse_str("* OK [HIGHESTMODSEQ 0] x", &r), IMAPERR_OK);
    assert_code_args(r, IMAPERR_CODE_HIGHESTMODSEQ, "HIGHESTMODSEQ", "0", IMAPERR_ARGS_MALFORMED);
    assert_int_equal(r.number, 0);
}

static void
torture_number_junk(void **state)
{
    static const char *const args[] = { "12a", "-1", "+5", "1 2", "0x10", "1.5" };
    imaperr_response r;
    char line[64];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof args / sizeof args[0]; i++) {
        snprintf(line, sizeof line, "* OK [UIDNEXT %s] Predicted next UID", args[i]);
        assert_int_equal(parse_str(line, &r), IMAPERR_OK);
        assert_status_line(r, "*", IMAPERR_STATUS_OK, "Predicted next UID", 0);
        assert_code_args(r, IMAPERR_CODE_UIDNEXT, "UIDNEXT", args[i], IMAPERR_ARGS_MALFORMED);
        assert_int_equal(r.number, 0);
    }
}

static void
torture_unseen_decoded(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("* OK [UNSEEN 12] Message 12 is first unseen", &r), IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_OK, "Message 12 is first unseen", 0);
    assert_code_args(r, IMAPERR_CODE_UNSEEN, "UNSEEN", "12", IMAPERR_ARGS_DECODED);
    assert_int_equal(r.number, 12);
    assert_int_equal(r.number2, 0);
}

static void
torture_highestmodseq_max(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("* OK [HIGHESTMODSEQ 9223372036854775807] Highest", &r), IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_OK, "Highest", 0);
    assert_code_args(r, IMAPERR_CODE_HIGHESTMODSEQ, "HIGHESTMODSEQ", "9223372036854775807",
                     IMAPERR_ARGS_DECODED);
    assert_true(r.number == UINT64_C(9223372036854775807));
    assert_int_equal(r.number2, 0);
}

static void
torture_highestmodseq_2_63(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("* OK [HIGHESTMODSEQ 9223372036854775808] Highest", &r), IMAPERR_OK);
    assert_code_args(r, IMAPERR_CODE_HIGHESTMODSEQ, "HIGHESTMODSEQ", "9223372036854775808",
                     IMAPERR_ARGS_MALFORMED);
    assert_int_equal(r.number, 0);
    assert_int_equal(r.repairs, 0);
}

static void
torture_highestmodseq_2_64(void **state)
{
    imaperr_response r;
    (void)state;
    /* 2^64 wraps to 0 in a naive 64-bit accumulator */
    assert_int_equal(parse_str("* OK [HIGHESTMODSEQ 18446744073709551616] Highest", &r),
                     IMAPERR_OK);
    assert_code_args(r, IMAPERR_CODE_HIGHESTMODSEQ, "HIGHESTMODSEQ", "18446744073709551616",
                     IMAPERR_ARGS_MALFORMED);
    assert_int_equal(r.number, 0);

    /* 2^64 - 1 does not wrap, but is still past 2^63 - 1 */
    assert_int_equal(parse_str("* OK [HIGHESTMODSEQ 18446744073709551615] Highest", &r),
                     IMAPERR_OK);
    assert_int_equal(r.args_state, IMAPERR_ARGS_MALFORMED);
    assert_int_equal(r.number, 0);
}

static void
torture_number_10000_digits(void **state)
{
    imaperr_response r;
    size_t len;
    char *line = make_line("* OK [UIDVALIDITY 1", '0', 9999, "] x", &len);
    (void)state;
    assert_int_equal(parse_mem(line, len, &r), IMAPERR_OK);
    assert_int_equal(r.status, IMAPERR_STATUS_OK);
    assert_int_equal(r.code, IMAPERR_CODE_UIDVALIDITY);
    assert_slice_equal(r.code_name, "UIDVALIDITY");
    assert_ptr_equal(r.code_args.ptr, line + 18);
    assert_int_equal(r.code_args.len, 10000);
    assert_int_equal(r.args_state, IMAPERR_ARGS_MALFORMED);
    assert_int_equal(r.number, 0);
    assert_slice_equal(r.text, "x");
    free(line);

    line = make_line("* OK [HIGHESTMODSEQ ", '9', 10000, "] x", &len);
    assert_int_equal(parse_mem(line, len, &r), IMAPERR_OK);
    assert_int_equal(r.code, IMAPERR_CODE_HIGHESTMODSEQ);
    assert_int_equal(r.code_args.len, 10000);
    assert_int_equal(r.args_state, IMAPERR_ARGS_MALFORMED);
    assert_int_equal(r.number, 0);
    free(line);
}

static void
torture_code_missing_text_trailing_space(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a NO [LIMIT] ", &r), IMAPERR_OK);
    assert_status_line(r, "a", IMAPERR_STATUS_NO, "", IMAPERR_REPAIR_MISSING_TEXT);
    assert_code(r, IMAPERR_CODE_LIMIT, "LIMIT");
}

static void
torture_code_missing_text(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a NO [LIMIT]", &r), IMAPERR_OK);
    assert_status_line(r, "a", IMAPERR_STATUS_NO, "", IMAPERR_REPAIR_MISSING_TEXT);
    assert_code(r, IMAPERR_CODE_LIMIT, "LIMIT");

    assert_int_equal(parse_str("a NO [LIMIT]\r\n", &r), IMAPERR_OK);
    assert_status_line(r, "a", IMAPERR_STATUS_NO, "", IMAPERR_REPAIR_MISSING_TEXT);
    assert_code(r, IMAPERR_CODE_LIMIT, "LIMIT");
}

static void
torture_unknown_code_with_args(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a NO [XYZZY 1 2 (3)] t", &r), IMAPERR_OK);
    assert_status_line(r, "a", IMAPERR_STATUS_NO, "t", 0);
    assert_code_args(r, IMAPERR_CODE_UNKNOWN, "XYZZY", "1 2 (3)", IMAPERR_ARGS_RAW);
    assert_int_equal(r.number, 0);
}

static void
torture_unknown_code_without_args(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a NO [XYZZY] t", &r), IMAPERR_OK);
    assert_status_line(r, "a", IMAPERR_STATUS_NO, "t", 0);
    assert_code(r, IMAPERR_CODE_UNKNOWN, "XYZZY");
}

static void
torture_copyuid_raw(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("A003 OK [COPYUID 38505 304,319:320 3956:3958] Done", &r),
                     IMAPERR_OK);
    assert_status_line(r, "A003", IMAPERR_STATUS_OK, "Done", 0);
    assert_code_args(r, IMAPERR_CODE_COPYUID, "COPYUID", "38505 304,319:320 3956:3958",
                     IMAPERR_ARGS_RAW);
}

static void
torture_capability_code(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("* OK [CAPABILITY IMAP4rev1 IDLE AUTH=PLAIN] Dovecot ready.", &r),
                     IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_OK, "Dovecot ready.", 0);
    assert_code_args(r, IMAPERR_CODE_CAPABILITY, "CAPABILITY", "IMAP4rev1 IDLE AUTH=PLAIN",
                     IMAPERR_ARGS_RAW);
}

static void
torture_required_args_missing(void **state)
{
    imaperr_response r;
    (void)state;
    /* COPYUID requires arguments: without them the bracket is text */
    assert_int_equal(parse_str("a OK [COPYUID] Done", &r), IMAPERR_OK);
    assert_status_line(r, "a", IMAPERR_STATUS_OK, "[COPYUID] Done", IMAPERR_REPAIR_CODE_AS_TEXT);
    assert_no_code(r);
}

static void
torture_badcharset_optional_args(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a NO [BADCHARSET] Unsupported charset", &r), IMAPERR_OK);
    assert_status_line(r, "a", IMAPERR_STATUS_NO, "Unsupported charset", 0);
    assert_code(r, IMAPERR_CODE_BADCHARSET, "BADCHARSET");

    assert_int_equal(parse_str("a NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset", &r),
                     IMAPERR_OK);
    assert_code_args(r, IMAPERR_CODE_BADCHARSET, "BADCHARSET", "(UTF-8 US-ASCII)",
                     IMAPERR_ARGS_RAW);

    assert_int_equal(parse_str("a NO [BADCHARSET UTF-8] Unsupported charset", &r), IMAPERR_OK);
    assert_code_args(r, IMAPERR_CODE_BADCHARSET, "BADCHARSET", "UTF-8", IMAPERR_ARGS_MALFORMED);
    assert_int_equal(r.repairs, 0);
}

static void
torture_code_args_trailing_space(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a NO [LIMIT ] x", &r), IMAPERR_OK);
    assert_status_line(r, "a", IMAPERR_STATUS_NO, "x", IMAPERR_REPAIR_EXTRA_SPACE);
    assert_code(r, IMAPERR_CODE_LIMIT, "LIMIT");

    assert_int_equal(parse_str("* OK [UIDNEXT 5 ] x", &r), IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_OK, "x", IMAPERR_REPAIR_EXTRA_SPACE);
    assert_code_args(r, IMAPERR_CODE_UIDNEXT, "UIDNEXT", "5", IMAPERR_ARGS_DECODED);
    assert_int_equal(r.number, 5);
}

static void
torture_code_args_leading_extra_space(void **state)
{
    imaperr_response r;
    (void)state;
    /* symmetric with "[UIDNEXT 5 ]": code_args never starts with the
     * separating space(s); the extra one is a repair, not junk */
    assert_int_equal(parse_str("* OK [UIDNEXT  5] x", &r), IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_OK, "x", IMAPERR_REPAIR_EXTRA_SPACE);
    assert_code_args(r, IMAPERR_CODE_UIDNEXT, "UIDNEXT", "5", IMAPERR_ARGS_DECODED);
    assert_int_equal(r.number, 5);

    assert_int_equal(parse_str("* OK [PERMANENTFLAGS  (\\Seen)] x", &r), IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_OK, "x", IMAPERR_REPAIR_EXTRA_SPACE);
    assert_code_args(r, IMAPERR_CODE_PERMANENTFLAGS, "PERMANENTFLAGS", "(\\Seen)",
                     IMAPERR_ARGS_RAW);
}

static void
torture_code_args_control_bytes(void **state)
{
    static const char line[] = "a NO [BADURL imap://h/x\x1b[2J\0y] bad url";
    imaperr_response r = IMAPERR_RESPONSE_INIT;
    (void)state;
    /* control bytes inside arguments are kept in the slice and flagged */
    assert_int_equal(imaperr_parse(line, sizeof line - 1, &r), IMAPERR_OK);
    assert_int_equal(r.code, IMAPERR_CODE_BADURL);
    assert_int_equal(r.code_args.len, strlen("imap://h/x\x1b[2J") + 2);
    assert_slice_equal(r.text, "bad url");
    assert_int_equal(r.repairs, IMAPERR_REPAIR_CONTROL_IN_TEXT);
}

static void
torture_bare_status_tag_slice(void **state)
{
    imaperr_response r;
    (void)state;
    /* a missing tag is an empty slice at the start of the line, always */
    assert_int_equal(parse_str("NO", &r), IMAPERR_OK);
    assert_non_null(r.tag.ptr);
    assert_int_equal(r.tag.len, 0);
    assert_int_equal(parse_str("NO x", &r), IMAPERR_OK);
    assert_non_null(r.tag.ptr);
    assert_int_equal(r.tag.len, 0);
}

/* ------------------------------------------------------------------------ */
/* Repairs real servers need                                                  */
/* ------------------------------------------------------------------------ */

static void
torture_lowercase_status(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a1 no Mailbox does not exist", &r), IMAPERR_OK);
    assert_status_line(r, "a1", IMAPERR_STATUS_NO, "Mailbox does not exist",
                       IMAPERR_REPAIR_LOWERCASE_STATUS);
    assert_no_code(r);

    assert_int_equal(parse_str("* Ok ready", &r), IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_OK, "ready", IMAPERR_REPAIR_LOWERCASE_STATUS);
}

static void
torture_lowercase_code(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a1 NO [trycreate] No such mailbox", &r), IMAPERR_OK);
    assert_status_line(r, "a1", IMAPERR_STATUS_NO, "No such mailbox",
                       IMAPERR_REPAIR_LOWERCASE_CODE);
    /* the name is reported as written */
    assert_code(r, IMAPERR_CODE_TRYCREATE, "trycreate");
}

static void
torture_lowercase_status_and_code(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a1 no [TryCreate] No such mailbox", &r), IMAPERR_OK);
    assert_status_line(r, "a1", IMAPERR_STATUS_NO, "No such mailbox",
                       IMAPERR_REPAIR_LOWERCASE_STATUS | IMAPERR_REPAIR_LOWERCASE_CODE);
    assert_code(r, IMAPERR_CODE_TRYCREATE, "TryCreate");
}

static void
torture_tagged_bye(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("A6 BYE IMAP4rev1 Server logging out", &r), IMAPERR_OK);
    assert_status_line(r, "A6", IMAPERR_STATUS_BYE, "IMAP4rev1 Server logging out",
                       IMAPERR_REPAIR_TAGGED_UNTAGGED_STATUS);
    assert_no_code(r);
}

static void
torture_tagged_preauth(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a1 PREAUTH logged in", &r), IMAPERR_OK);
    assert_status_line(r, "a1", IMAPERR_STATUS_PREAUTH, "logged in",
                       IMAPERR_REPAIR_TAGGED_UNTAGGED_STATUS);
}

static void
torture_missing_tag(void **state)
{
    imaperr_response r;
    const char *line = "NO [ALERT] Too many simultaneous connections";
    (void)state;
    assert_int_equal(parse_str(line, &r), IMAPERR_OK);
    assert_int_equal(r.kind, IMAPERR_KIND_STATUS);
    assert_int_equal(r.status, IMAPERR_STATUS_NO);
    assert_int_equal(r.tag.len, 0);
    assert_code(r, IMAPERR_CODE_ALERT, "ALERT");
    assert_slice_equal(r.text, "Too many simultaneous connections");
    assert_int_equal(r.repairs, IMAPERR_REPAIR_MISSING_TAG);
}

static void
torture_missing_tag_plain_text(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("bye Server shutting down\r\n", &r), IMAPERR_OK);
    assert_int_equal(r.kind, IMAPERR_KIND_STATUS);
    assert_int_equal(r.status, IMAPERR_STATUS_BYE);
    assert_int_equal(r.tag.len, 0);
    assert_no_code(r);
    assert_slice_equal(r.text, "Server shutting down");
    assert_int_equal(r.repairs, IMAPERR_REPAIR_MISSING_TAG | IMAPERR_REPAIR_LOWERCASE_STATUS);
}

static void
torture_missing_tag_status_alone(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("NO\r\n", &r), IMAPERR_OK);
    assert_int_equal(r.kind, IMAPERR_KIND_STATUS);
    assert_int_equal(r.status, IMAPERR_STATUS_NO);
    assert_int_equal(r.tag.len, 0);
    assert_no_code(r);
    assert_int_equal(r.text.len, 0);
    assert_int_equal(r.repairs, IMAPERR_REPAIR_MISSING_TAG | IMAPERR_REPAIR_MISSING_TEXT);
}

static void
torture_trailing_code(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a1 OK Success [THROTTLED]", &r), IMAPERR_OK);
    assert_status_line(r, "a1", IMAPERR_STATUS_OK, "Success", IMAPERR_REPAIR_TRAILING_CODE);
    assert_code(r, IMAPERR_CODE_THROTTLED, "THROTTLED");
}

static void
torture_trailing_code_lowercase(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a1 NO Too fast [throttled]\r\n", &r), IMAPERR_OK);
    assert_status_line(r, "a1", IMAPERR_STATUS_NO, "Too fast",
                       IMAPERR_REPAIR_TRAILING_CODE | IMAPERR_REPAIR_LOWERCASE_CODE);
    assert_code(r, IMAPERR_CODE_THROTTLED, "throttled");
}

static void
torture_trailing_bracket_after_code(void **state)
{
    imaperr_response r;
    const char *text = "Unknown Mailbox: [Gmail] (now in authenticated state) (Failure)";
    (void)state;
    assert_int_equal(parse_str("S NO [NONEXISTENT] Unknown Mailbox: [Gmail] "
                               "(now in authenticated state) (Failure)", &r), IMAPERR_OK);
    assert_status_line(r, "S", IMAPERR_STATUS_NO, text, 0);
    assert_code(r, IMAPERR_CODE_NONEXISTENT, "NONEXISTENT");
}

static void
torture_trailing_bracket_not_code(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a NO foo [Gmail]", &r), IMAPERR_OK);
    assert_status_line(r, "a", IMAPERR_STATUS_NO, "foo [Gmail]", 0);
    assert_no_code(r);

    /* a known code that needs arguments is not recognised at the end */
    assert_int_equal(parse_str("a NO foo [UIDNEXT]", &r), IMAPERR_OK);
    assert_status_line(r, "a", IMAPERR_STATUS_NO, "foo [UIDNEXT]", 0);
    assert_no_code(r);

    /* glued to a word: not a trailing code */
    assert_int_equal(parse_str("a NO foo[ALERT]", &r), IMAPERR_OK);
    assert_status_line(r, "a", IMAPERR_STATUS_NO, "foo[ALERT]", 0);
    assert_no_code(r);

    /* a bracket with arguments at the end stays text */
    assert_int_equal(parse_str("a NO foo [ALERT x]", &r), IMAPERR_OK);
    assert_status_line(r, "a", IMAPERR_STATUS_NO, "foo [ALERT x]", 0);
    assert_no_code(r);
}

static void
torture_badevent_unparenthesized(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a NO [BADEVENT MessageNew MessageExpunge] x", &r), IMAPERR_OK);
    assert_status_line(r, "a", IMAPERR_STATUS_NO, "x", IMAPERR_REPAIR_UNPARENTHESIZED_LIST);
    assert_code_args(r, IMAPERR_CODE_BADEVENT, "BADEVENT", "MessageNew MessageExpunge",
                     IMAPERR_ARGS_RAW);
}

static void
torture_badevent_parenthesized(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a NO [BADEVENT (MessageNew MessageExpunge)] x", &r), IMAPERR_OK);
    assert_status_line(r, "a", IMAPERR_STATUS_NO, "x", 0);
    assert_code_args(r, IMAPERR_CODE_BADEVENT, "BADEVENT", "(MessageNew MessageExpunge)",
                     IMAPERR_ARGS_RAW);
}

static void
torture_no_space_after_code(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a NO [ALERT]text", &r), IMAPERR_OK);
    assert_status_line(r, "a", IMAPERR_STATUS_NO, "text", IMAPERR_REPAIR_NO_SPACE_AFTER_CODE);
    assert_code(r, IMAPERR_CODE_ALERT, "ALERT");
}

static void
torture_unseen_without_number(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("* OK [UNSEEN] x", &r), IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_OK, "[UNSEEN] x", IMAPERR_REPAIR_CODE_AS_TEXT);
    assert_no_code(r);

    assert_int_equal(parse_str("* OK [UNSEEN]", &r), IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_OK, "[UNSEEN]", IMAPERR_REPAIR_CODE_AS_TEXT);
    assert_no_code(r);
}

static void
torture_unexpected_args(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a NO [ALERT extra] Look", &r), IMAPERR_OK);
    assert_status_line(r, "a", IMAPERR_STATUS_NO, "Look", IMAPERR_REPAIR_UNEXPECTED_ARGS);
    assert_code_args(r, IMAPERR_CODE_ALERT, "ALERT", "extra", IMAPERR_ARGS_RAW);
}

static void
torture_messagelimit_with_uid(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a OK [MESSAGELIMIT 1000 23007] Partial result", &r), IMAPERR_OK);
    assert_status_line(r, "a", IMAPERR_STATUS_OK, "Partial result", 0);
    assert_code_args(r, IMAPERR_CODE_MESSAGELIMIT, "MESSAGELIMIT", "1000 23007",
                     IMAPERR_ARGS_DECODED);
    assert_int_equal(r.number, 1000);
    assert_int_equal(r.number2, 23007);
}

static void
torture_messagelimit_alone(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a NO [MESSAGELIMIT 1000] Too many messages", &r), IMAPERR_OK);
    assert_status_line(r, "a", IMAPERR_STATUS_NO, "Too many messages", 0);
    assert_code_args(r, IMAPERR_CODE_MESSAGELIMIT, "MESSAGELIMIT", "1000", IMAPERR_ARGS_DECODED);
    assert_int_equal(r.number, 1000);
    assert_int_equal(r.number2, 0);
}

static void
torture_messagelimit_malformed(void **state)
{
    static const char *const args[] = { "1000 0", "0 23007", "1000 x", "1000 4294967296" };
    imaperr_response r;
    char line[64];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof args / sizeof args[0]; i++) {
        snprintf(line, sizeof line, "a OK [MESSAGELIMIT %s] t", args[i]);
        assert_int_equal(parse_str(line, &r), IMAPERR_OK);
        assert_code_args(r, IMAPERR_CODE_MESSAGELIMIT, "MESSAGELIMIT", args[i],
                         IMAPERR_ARGS_MALFORMED);
        /* no half-decoded values */
        assert_int_equal(r.number, 0);
        assert_int_equal(r.number2, 0);
    }
}

static void
torture_inprogress_with_args(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("* OK [INPROGRESS (\"A1\" 2400 4800)] Still working", &r),
                     IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_OK, "Still working", 0);
    assert_code_args(r, IMAPERR_CODE_INPROGRESS, "INPROGRESS", "(\"A1\" 2400 4800)",
                     IMAPERR_ARGS_RAW);

    assert_int_equal(parse_str("* OK [INPROGRESS (NIL NIL NIL)] Working", &r), IMAPERR_OK);
    assert_code_args(r, IMAPERR_CODE_INPROGRESS, "INPROGRESS", "(NIL NIL NIL)", IMAPERR_ARGS_RAW);
}

static void
torture_inprogress_without_args(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("* OK [INPROGRESS] Working", &r), IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_OK, "Working", 0);
    assert_code(r, IMAPERR_CODE_INPROGRESS, "INPROGRESS");
}

static void
torture_quoted_bracket_in_args(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("* NO [NOUPDATE \"a]b\"] x", &r), IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_NO, "x", 0);
    assert_code_args(r, IMAPERR_CODE_NOUPDATE, "NOUPDATE", "\"a]b\"", IMAPERR_ARGS_RAW);
}

static void
torture_quoted_escaped_quote_in_args(void **state)
{
    imaperr_response r;
    (void)state;
    /* quoted = DQUOTE *QUOTED-CHAR DQUOTE; \" does not end the string */
    assert_int_equal(parse_str("* NO [NOUPDATE \"a\\\"]b\"] x", &r), IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_NO, "x", 0);
    assert_code_args(r, IMAPERR_CODE_NOUPDATE, "NOUPDATE", "\"a\\\"]b\"", IMAPERR_ARGS_RAW);
}

static void
torture_extra_space_between_tokens(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a1  OK  done", &r), IMAPERR_OK);
    assert_status_line(r, "a1", IMAPERR_STATUS_OK, "done", IMAPERR_REPAIR_EXTRA_SPACE);

    assert_int_equal(parse_str("*   NO   [ALERT] x", &r), IMAPERR_OK);
    assert_status_line(r, "*", IMAPERR_STATUS_NO, "x", IMAPERR_REPAIR_EXTRA_SPACE);
    assert_code(r, IMAPERR_CODE_ALERT, "ALERT");
}

/* ------------------------------------------------------------------------ */
/* Invalid input                                                              */
/* ------------------------------------------------------------------------ */

static void
torture_null_line(void **state)
{
    imaperr_response r = IMAPERR_RESPONSE_INIT;
    (void)state;
    r.kind = IMAPERR_KIND_STATUS;
    r.code = IMAPERR_CODE_ALERT;
    r.repairs = 7;
    assert_int_equal(imaperr_parse(NULL, 5, &r), IMAPERR_E_INVALID);
    assert_reset(r, sizeof(imaperr_response));
    assert_int_equal(imaperr_parse(NULL, 0, &r), IMAPERR_E_INVALID);
    assert_reset(r, sizeof(imaperr_response));
}

static void
torture_null_out(void **state)
{
    (void)state;
    assert_int_equal(imaperr_parse("a1 OK x", 7, NULL), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_parse(NULL, 0, NULL), IMAPERR_E_INVALID);
}

static void
torture_size_too_small(void **state)
{
    imaperr_response r = IMAPERR_RESPONSE_INIT;
    (void)state;
    r.size = 0;
    assert_int_equal(imaperr_parse("a1 OK x", 7, &r), IMAPERR_E_INVALID);
    /* a struct too small for this version is never written to */
    assert_int_equal(r.size, 0);
    assert_int_equal(r.kind, IMAPERR_KIND_NONE);
    assert_null(r.text.ptr);

    r.size = sizeof(imaperr_response) - 1;
    assert_int_equal(imaperr_parse("a1 OK x", 7, &r), IMAPERR_E_INVALID);
    assert_int_equal(r.size, sizeof(imaperr_response) - 1);
    assert_null(r.tag.ptr);
}

static void
torture_size_larger(void **state)
{
    /* a caller built against a later version with a longer struct */
    struct {
        imaperr_response r;
        unsigned char tail[32];
    } big;
    size_t i;
    (void)state;
    memset(&big, 0xa5, sizeof big);
    big.r.size = sizeof big;
    assert_int_equal(imaperr_parse("a1 NO [LIMIT] x", 15, &big.r), IMAPERR_OK);
    assert_int_equal(big.r.size, sizeof big);
    assert_int_equal(big.r.status, IMAPERR_STATUS_NO);
    assert_int_equal(big.r.code, IMAPERR_CODE_LIMIT);
    assert_slice_equal(big.r.text, "x");
    for (i = 0; i < sizeof big.tail; i++)
        assert_int_equal(big.tail[i], 0xa5);
}

static void
torture_leading_space(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str(" a1 OK x", &r), IMAPERR_E_NOT_RESPONSE);
    assert_reset(r, sizeof(imaperr_response));
    assert_int_equal(parse_str(" ", &r), IMAPERR_E_NOT_RESPONSE);
    assert_reset(r, sizeof(imaperr_response));
}

static void
torture_unknown_status(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("a1 FOO bar", &r), IMAPERR_E_SYNTAX);
    assert_reset(r, sizeof(imaperr_response));
    assert_int_equal(parse_str("a1 OKAY fine", &r), IMAPERR_E_SYNTAX);
    assert_reset(r, sizeof(imaperr_response));
    assert_int_equal(parse_str("a1 x", &r), IMAPERR_E_SYNTAX);
    assert_reset(r, sizeof(imaperr_response));
}

static void
torture_star_without_space(void **state)
{
    imaperr_response r;
    (void)state;
    assert_int_equal(parse_str("*FOO", &r), IMAPERR_E_NOT_RESPONSE);
    assert_reset(r, sizeof(imaperr_response));
    assert_int_equal(parse_str("*OK x", &r), IMAPERR_E_NOT_RESPONSE);
    assert_reset(r, sizeof(imaperr_response));
}

static void
torture_bad_tag_chars(void **state)
{
    static const char *const lines[] = {
        "a+1 OK x", "a(1 OK x", "\"a\" OK x", "a{1 OK x", "a%1 OK x", "a\\1 OK x",
        "a\t1 OK x", "\x80\x81 OK x", "{5}\r\n",
    };
    imaperr_response r;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        assert_int_equal(parse_str(lines[i], &r), IMAPERR_E_NOT_RESPONSE);
        assert_reset(r, sizeof(imaperr_response));
    }
}

static void
torture_failure_resets(void **state)
{
    static const struct {
        const char *line;
        int rc;
    } bad[] = {
        { "", IMAPERR_E_EMPTY },
        { "a1", IMAPERR_E_TRUNCATED },
        { " a1 OK x", IMAPERR_E_NOT_RESPONSE },
        { "a1 FOO bar", IMAPERR_E_SYNTAX },
    };
    imaperr_response r = IMAPERR_RESPONSE_INIT;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        /* a previous successful parse fills every member */
        assert_int_equal(imaperr_parse("a1 no [MESSAGELIMIT 5 6]  x", 27, &r), IMAPERR_OK);
        assert_int_equal(r.code, IMAPERR_CODE_MESSAGELIMIT);
        assert_int_equal(r.number2, 6);
        assert_int_not_equal(r.repairs, 0);
        assert_int_equal(imaperr_parse(bad[i].line, strlen(bad[i].line), &r), bad[i].rc);
        assert_reset(r, sizeof(imaperr_response));
    }
}

static void
torture_failure_resets_garbage(void **state)
{
    imaperr_response r;
    (void)state;
    memset(&r, 0x5a, sizeof r);
    r.size = sizeof r;
    assert_int_equal(imaperr_parse("*FOO", 4, &r), IMAPERR_E_NOT_RESPONSE);
    assert_reset(r, sizeof(imaperr_response));

    /* and success also leaves no stale members behind */
    memset(&r, 0x5a, sizeof r);
    r.size = sizeof r;
    assert_int_equal(imaperr_parse("a1 OK x", 7, &r), IMAPERR_OK);
    assert_status_line(r, "a1", IMAPERR_STATUS_OK, "x", 0);
    assert_no_code(r);
}

/* ------------------------------------------------------------------------ */
/* Never reading past len                                                     */
/* ------------------------------------------------------------------------ */

#define COPYUID_LINE "* OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n"

#define check_at(cond, p) do { \
        if (!(cond)) \
            fail_msg("prefix length %zu: %s", (size_t)(p), #cond); \
    } while (0)

static int
slice_is(imaperr_slice s, const char *bytes, size_t n)
{
    return s.ptr != NULL && s.len == n && memcmp(s.ptr, bytes, n) == 0;
}

/* Every prefix of COPYUID_LINE, each in a buffer of exactly its length,
 * with the result each prefix must give. */
static void
torture_prefixes_copyuid(void **state)
{
    static const char full[] = COPYUID_LINE;
    const size_t len = sizeof full - 1;
    const size_t open = 5, close = 41; /* offsets of "[" and "]" */
    size_t p;
    (void)state;
    assert_int_equal(full[open], '[');
    assert_int_equal(full[close], ']');
    for (p = 0; p <= len; p++) {
        imaperr_response r;
        char *buf = exact_copy(full, p);
        int rc = parse_mem(buf, p, &r);

        if (p == 0) {
            check_at(rc == IMAPERR_E_EMPTY && is_reset(&r), p);
        } else if (p <= 2) { /* "*", "* " */
            check_at(rc == IMAPERR_E_TRUNCATED && is_reset(&r), p);
        } else if (p == 3) { /* "* O": not a status word, untagged data */
            check_at(rc == IMAPERR_OK && r.kind == IMAPERR_KIND_DATA, p);
            check_at(slice_is(r.text, "O", 1) && r.repairs == 0, p);
        } else if (p <= open) { /* "* OK", "* OK " */
            check_at(rc == IMAPERR_OK && r.kind == IMAPERR_KIND_STATUS, p);
            check_at(r.status == IMAPERR_STATUS_OK && r.code == IMAPERR_CODE_NONE, p);
            check_at(r.text.len == 0 && r.repairs == IMAPERR_REPAIR_MISSING_TEXT, p);
        } else if (p <= close) { /* "[" not closed yet: text */
            check_at(rc == IMAPERR_OK && r.status == IMAPERR_STATUS_OK, p);
            check_at(r.code == IMAPERR_CODE_NONE && r.code_name.ptr == NULL, p);
            check_at(r.code_args.ptr == NULL && r.args_state == IMAPERR_ARGS_NONE, p);
            check_at(slice_is(r.text, buf + open, p - open), p);
            check_at(r.repairs == IMAPERR_REPAIR_CODE_AS_TEXT, p);
        } else {
            size_t tlen = p > close + 2 ? p - (close + 2) : 0;
            if (tlen > 4)
                tlen = 4; /* the CRLF is not text */
            check_at(rc == IMAPERR_OK && r.status == IMAPERR_STATUS_OK, p);
            check_at(r.code == IMAPERR_CODE_COPYUID && slice_is(r.code_name, "COPYUID", 7), p);
            check_at(slice_is(r.code_args, "38505 304,319:320 3956:3958", 27), p);
            check_at(r.args_state == IMAPERR_ARGS_RAW, p);
            check_at(r.text.len == tlen && memcmp(r.text.ptr, "Done", tlen) == 0, p);
            check_at(r.repairs == (tlen ? 0u : IMAPERR_REPAIR_MISSING_TEXT), p);
        }
        if (rc == IMAPERR_OK) {
            check_at(slices_within(&r, buf, p), p);
            check_at(r.tag.ptr == buf && r.tag.len == 1, p);
        }
        free(buf);
    }
}

/* Prefixes of many lines: no crash, no over-read, a documented result,
 * slices inside the buffer, and the empty state on failure. */
static void
torture_prefixes_many_lines(void **state)
{
#define L(s) { s, sizeof(s) - 1 }
    static const struct {
        const char *bytes;
        size_t len;
    } lines[] = {
        L("a1 NO [UIDVALIDITY 3857529045] x\r\n"),
        L("a NO [LIMIT] x\0y"),
        L("* OK [PERMANENTFLAGS (\\Seen \\*)] Limited"),
        L("* NO [NOUPDATE \"a\\\"]b\"] x"),
        L("a NO [BADEVENT MessageNew MessageExpunge] x"),
        L("a OK [MESSAGELIMIT 1000 23007] Partial"),
        L("* OK [HIGHESTMODSEQ 9223372036854775807] Highest"),
        L("a1 OK Success [THROTTLED]"),
        L("NO [ALERT] Too many simultaneous connections"),
        L("A6 BYE IMAP4rev1 Server logging out"),
        L("+ YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHeceP2CWY0SR0fAQAgAAQEBAQ="),
        L("* 3 EXISTS\r\n"),
        L("a  no  [trycreate ]  x\r"),
        L("* OK [INPROGRESS (\"A1\" 2400 4800)] Still working"),
        L("S NO [NONEXISTENT] Unknown Mailbox: [Gmail] (now in authenticated state) (Failure)"),
    };
#undef L
    size_t i, p;
    (void)state;
    for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        for (p = 0; p <= lines[i].len; p++) {
            imaperr_response r;
            char *buf = exact_copy(lines[i].bytes, p);
            int rc = parse_mem(buf, p, &r);
            if (rc != IMAPERR_OK && rc != IMAPERR_E_EMPTY && rc != IMAPERR_E_TRUNCATED
                && rc != IMAPERR_E_NOT_RESPONSE && rc != IMAPERR_E_SYNTAX)
                fail_msg("line %zu prefix %zu: rc %d", i, p, rc);
            if (rc == IMAPERR_OK) {
                if (r.kind == IMAPERR_KIND_NONE || !slices_within(&r, buf, p))
                    fail_msg("line %zu prefix %zu: bad result", i, p);
            } else if (!is_reset(&r)) {
                fail_msg("line %zu prefix %zu: not reset after rc %d", i, p, rc);
            }
            free(buf);
        }
        /* the whole line parses */
        {
            imaperr_response r;
            char *buf = exact_copy(lines[i].bytes, lines[i].len);
            if (parse_mem(buf, lines[i].len, &r) != IMAPERR_OK)
                fail_msg("line %zu does not parse", i);
            free(buf);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* RFC 5530 section 3 examples                                                */
/* ------------------------------------------------------------------------ */

/* Every "S:" line of RFC 5530 section 3, verbatim. */
static const struct {
    const char *line;
    const char *tag;
    imaperr_kind kind;
    imaperr_status status;
    imaperr_code code;
    const char *text;
} rfc5530[] = {
    { "a NO [UNAVAILABLE] User's backend down for maintenance", "a", IMAPERR_KIND_STATUS,
      IMAPERR_STATUS_NO, IMAPERR_CODE_UNAVAILABLE, "User's backend down for maintenance" },
    { "b NO [AUTHENTICATIONFAILED] Authentication failed", "b", IMAPERR_KIND_STATUS,
      IMAPERR_STATUS_NO, IMAPERR_CODE_AUTHENTICATIONFAILED, "Authentication failed" },
    { "c1 NO [AUTHORIZATIONFAILED] No such authorization-ID", "c1", IMAPERR_KIND_STATUS,
      IMAPERR_STATUS_NO, IMAPERR_CODE_AUTHORIZATIONFAILED, "No such authorization-ID" },
    { "c2 NO [AUTHORIZATIONFAILED] Authenticator is not an admin", "c2", IMAPERR_KIND_STATUS,
      IMAPERR_STATUS_NO, IMAPERR_CODE_AUTHORIZATIONFAILED, "Authenticator is not an admin" },
    { "d NO [EXPIRED] That password isn't valid any more", "d", IMAPERR_KIND_STATUS,
      IMAPERR_STATUS_NO, IMAPERR_CODE_EXPIRED, "That password isn't valid any more" },
    { "d NO [PRIVACYREQUIRED] Connection offers no privacy", "d", IMAPERR_KIND_STATUS,
      IMAPERR_STATUS_NO, IMAPERR_CODE_PRIVACYREQUIRED, "Connection offers no privacy" },
    { "e OK [CONTACTADMIN]", "e", IMAPERR_KIND_STATUS,
      IMAPERR_STATUS_OK, IMAPERR_CODE_CONTACTADMIN, "" },
    { "f NO [NOPERM] Access denied", "f", IMAPERR_KIND_STATUS,
      IMAPERR_STATUS_NO, IMAPERR_CODE_NOPERM, "Access denied" },
    { "g NO [INUSE] Mailbox in use", "g", IMAPERR_KIND_STATUS,
      IMAPERR_STATUS_NO, IMAPERR_CODE_INUSE, "Mailbox in use" },
    { "* SEARCH 1 2 3 5 8 13 21 42", "*", IMAPERR_KIND_DATA,
      IMAPERR_STATUS_NONE, IMAPERR_CODE_NONE, "SEARCH 1 2 3 5 8 13 21 42" },
    { "h OK [EXPUNGEISSUED] Search completed", "h", IMAPERR_KIND_STATUS,
      IMAPERR_STATUS_OK, IMAPERR_CODE_EXPUNGEISSUED, "Search completed" },
    { "i NO [CORRUPTION] Cannot open mailbox", "i", IMAPERR_KIND_STATUS,
      IMAPERR_STATUS_NO, IMAPERR_CODE_CORRUPTION, "Cannot open mailbox" },
    { "j NO [SERVERBUG] This should not happen", "j", IMAPERR_KIND_STATUS,
      IMAPERR_STATUS_NO, IMAPERR_CODE_SERVERBUG, "This should not happen" },
    { "k1 OK [READ-ONLY] Done", "k1", IMAPERR_KIND_STATUS,
      IMAPERR_STATUS_OK, IMAPERR_CODE_READ_ONLY, "Done" },
    { "k2 OK [CLIENTBUG] Done", "k2", IMAPERR_KIND_STATUS,
      IMAPERR_STATUS_OK, IMAPERR_CODE_CLIENTBUG, "Done" },
    { "l NO [CANNOT] Adjacent slashes are not supported", "l", IMAPERR_KIND_STATUS,
      IMAPERR_STATUS_NO, IMAPERR_CODE_CANNOT, "Adjacent slashes are not supported" },
    { "m NO [LIMIT] At most 32 flags in one mailbox supported", "m", IMAPERR_KIND_STATUS,
      IMAPERR_STATUS_NO, IMAPERR_CODE_LIMIT, "At most 32 flags in one mailbox supported" },
    { "n1 NO [OVERQUOTA] Sorry", "n1", IMAPERR_KIND_STATUS,
      IMAPERR_STATUS_NO, IMAPERR_CODE_OVERQUOTA, "Sorry" },
    { "n2 OK [OVERQUOTA] You are now over your soft quota", "n2", IMAPERR_KIND_STATUS,
      IMAPERR_STATUS_OK, IMAPERR_CODE_OVERQUOTA, "You are now over your soft quota" },
    { "o NO [ALREADYEXISTS] Mailbox \"that\" already exists", "o", IMAPERR_KIND_STATUS,
      IMAPERR_STATUS_NO, IMAPERR_CODE_ALREADYEXISTS, "Mailbox \"that\" already exists" },
    { "p NO [NONEXISTENT] No such mailbox", "p", IMAPERR_KIND_STATUS,
      IMAPERR_STATUS_NO, IMAPERR_CODE_NONEXISTENT, "No such mailbox" },
};

static void
torture_rfc5530_examples(void **state)
{
    size_t i, bad = 0;
    int crlf;
    (void)state;
    for (crlf = 0; crlf <= 1; crlf++) {
        for (i = 0; i < sizeof rfc5530 / sizeof rfc5530[0]; i++) {
            char line[160];
            imaperr_response r;
            unsigned want_repairs = rfc5530[i].text[0] ? 0 : IMAPERR_REPAIR_MISSING_TEXT;
            const char *want_name = imaperr_code_name(rfc5530[i].code);
            int rc;
            snprintf(line, sizeof line, "%s%s", rfc5530[i].line, crlf ? "\r\n" : "");
            rc = parse_str(line, &r);
            if (rc != IMAPERR_OK || r.kind != rfc5530[i].kind || r.status != rfc5530[i].status
                || r.code != rfc5530[i].code
                || !slice_is(r.tag, rfc5530[i].tag, strlen(rfc5530[i].tag))
                || !slice_is(r.text, rfc5530[i].text, strlen(rfc5530[i].text))
                || r.repairs != want_repairs || r.args_state != IMAPERR_ARGS_NONE
                || r.code_args.ptr != NULL
                || (rfc5530[i].code == IMAPERR_CODE_NONE
                        ? r.code_name.ptr != NULL
                        : !slice_is(r.code_name, want_name, strlen(want_name)))) {
                print_error("# RFC 5530 example %zu%s: \"%s\": rc %d kind %d status %d "
                            "code %d repairs %#x\n", i, crlf ? " (CRLF)" : "",
                            rfc5530[i].line, rc, (int)r.kind, (int)r.status, (int)r.code,
                            r.repairs);
                bad++;
            }
        }
    }
    assert_int_equal(bad, 0);
}

/* ------------------------------------------------------------------------ */
/* imaperr_repair_name                                                        */
/* ------------------------------------------------------------------------ */

static void
torture_repair_names(void **state)
{
    const char *names[12];
    unsigned i, j;
    (void)state;
    for (i = 0; i < 12; i++) {
        names[i] = imaperr_repair_name(1u << i);
        assert_non_null(names[i]);
        assert_true(names[i][0] != '\0');
        for (j = 0; j < i; j++)
            assert_string_not_equal(names[i], names[j]);
    }
    /* spot checks against the documented macros */
    assert_string_equal(imaperr_repair_name(IMAPERR_REPAIR_LOWERCASE_STATUS), "lowercase-status");
    assert_string_equal(imaperr_repair_name(IMAPERR_REPAIR_EXTRA_SPACE), "extra-space");
    assert_string_equal(imaperr_repair_name(IMAPERR_REPAIR_CONTROL_IN_TEXT), "control-in-text");
}

static void
torture_repair_name_invalid(void **state)
{
    unsigned i;
    (void)state;
    assert_null(imaperr_repair_name(0));
    assert_null(imaperr_repair_name(3));
    assert_null(imaperr_repair_name(1u << 20));
    assert_null(imaperr_repair_name(IMAPERR_REPAIR_MISSING_TAG | IMAPERR_REPAIR_MISSING_TEXT));
    assert_null(imaperr_repair_name(~0u));
    for (i = 12; i < 32; i++)
        assert_null(imaperr_repair_name(1u << i));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        /* status responses */
        cmocka_unit_test(torture_tagged_ok),
        cmocka_unit_test(torture_tagged_no),
        cmocka_unit_test(torture_tagged_bad),
        cmocka_unit_test(torture_tagged_with_code),
        cmocka_unit_test(torture_tag_with_bracket),
        cmocka_unit_test(torture_untagged_ok),
        cmocka_unit_test(torture_untagged_no),
        cmocka_unit_test(torture_untagged_bad),
        cmocka_unit_test(torture_untagged_bye),
        cmocka_unit_test(torture_untagged_preauth),
        cmocka_unit_test(torture_status_missing_text),
        /* continuations and data */
        cmocka_unit_test(torture_continuation_text),
        cmocka_unit_test(torture_continuation_alone),
        cmocka_unit_test(torture_continuation_base64),
        cmocka_unit_test(torture_continuation_with_code),
        cmocka_unit_test(torture_continuation_no_space),
        cmocka_unit_test(torture_data_exists),
        cmocka_unit_test(torture_data_capability),
        cmocka_unit_test(torture_data_search),
        /* line endings */
        cmocka_unit_test(torture_ending_crlf),
        cmocka_unit_test(torture_ending_lf),
        cmocka_unit_test(torture_ending_cr),
        cmocka_unit_test(torture_ending_none),
        cmocka_unit_test(torture_ending_only_one_stripped),
        cmocka_unit_test(torture_len_bounds_input),
        /* empty and truncated */
        cmocka_unit_test(torture_empty_string),
        cmocka_unit_test(torture_empty_crlf),
        cmocka_unit_test(torture_tag_only),
        cmocka_unit_test(torture_tag_space),
        cmocka_unit_test(torture_star_alone),
        /* NUL and control bytes */
        cmocka_unit_test(torture_nul_in_text),
        cmocka_unit_test(torture_nul_at_end),
        cmocka_unit_test(torture_nul_in_code_name),
        cmocka_unit_test(torture_nul_in_tag),
        cmocka_unit_test(torture_nul_in_data),
        cmocka_unit_test(torture_nul_in_continuation),
        cmocka_unit_test(torture_control_bytes_in_text),
        /* long lines */
        cmocka_unit_test(torture_huge_text_exact),
        cmocka_unit_test(torture_huge_code_args),
        cmocka_unit_test(torture_huge_unclosed_bracket),
        cmocka_unit_test(torture_number_10000_digits),
        /* codes and arguments */
        cmocka_unit_test(torture_unclosed_bracket),
        cmocka_unit_test(torture_empty_brackets),
        cmocka_unit_test(torture_permanentflags_nested),
        cmocka_unit_test(torture_permanentflags_empty_list),
        cmocka_unit_test(torture_permanentflags_not_list),
        cmocka_unit_test(torture_uidvalidity_2_32),
        cmocka_unit_test(torture_uidvalidity_max),
        cmocka_unit_test(torture_uidvalidity_typical),
        cmocka_unit_test(torture_nz_number_zero),
        cmocka_unit_test(torture_number_junk),
        cmocka_unit_test(torture_unseen_decoded),
        cmocka_unit_test(torture_highestmodseq_max),
        cmocka_unit_test(torture_highestmodseq_2_63),
        cmocka_unit_test(torture_highestmodseq_2_64),
        cmocka_unit_test(torture_code_missing_text_trailing_space),
        cmocka_unit_test(torture_code_missing_text),
        cmocka_unit_test(torture_unknown_code_with_args),
        cmocka_unit_test(torture_unknown_code_without_args),
        cmocka_unit_test(torture_copyuid_raw),
        cmocka_unit_test(torture_capability_code),
        cmocka_unit_test(torture_required_args_missing),
        cmocka_unit_test(torture_badcharset_optional_args),
        cmocka_unit_test(torture_code_args_trailing_space),
        cmocka_unit_test(torture_code_args_leading_extra_space),
        cmocka_unit_test(torture_code_args_control_bytes),
        cmocka_unit_test(torture_bare_status_tag_slice),
        /* repairs */
        cmocka_unit_test(torture_lowercase_status),
        cmocka_unit_test(torture_lowercase_code),
        cmocka_unit_test(torture_lowercase_status_and_code),
        cmocka_unit_test(torture_tagged_bye),
        cmocka_unit_test(torture_tagged_preauth),
        cmocka_unit_test(torture_missing_tag),
        cmocka_unit_test(torture_missing_tag_plain_text),
        cmocka_unit_test(torture_missing_tag_status_alone),
        cmocka_unit_test(torture_trailing_code),
        cmocka_unit_test(torture_trailing_code_lowercase),
        cmocka_unit_test(torture_trailing_bracket_after_code),
        cmocka_unit_test(torture_trailing_bracket_not_code),
        cmocka_unit_test(torture_badevent_unparenthesized),
        cmocka_unit_test(torture_badevent_parenthesized),
        cmocka_unit_test(torture_no_space_after_code),
        cmocka_unit_test(torture_unseen_without_number),
        cmocka_unit_test(torture_unexpected_args),
        cmocka_unit_test(torture_messagelimit_with_uid),
        cmocka_unit_test(torture_messagelimit_alone),
        cmocka_unit_test(torture_messagelimit_malformed),
        cmocka_unit_test(torture_inprogress_with_args),
        cmocka_unit_test(torture_inprogress_without_args),
        cmocka_unit_test(torture_quoted_bracket_in_args),
        cmocka_unit_test(torture_quoted_escaped_quote_in_args),
        cmocka_unit_test(torture_extra_space_between_tokens),
        /* invalid input */
        cmocka_unit_test(torture_null_line),
        cmocka_unit_test(torture_null_out),
        cmocka_unit_test(torture_size_too_small),
        cmocka_unit_test(torture_size_larger),
        cmocka_unit_test(torture_leading_space),
        cmocka_unit_test(torture_unknown_status),
        cmocka_unit_test(torture_star_without_space),
        cmocka_unit_test(torture_bad_tag_chars),
        cmocka_unit_test(torture_failure_resets),
        cmocka_unit_test(torture_failure_resets_garbage),
        /* never past len */
        cmocka_unit_test(torture_prefixes_copyuid),
        cmocka_unit_test(torture_prefixes_many_lines),
        /* RFC 5530 */
        cmocka_unit_test(torture_rfc5530_examples),
        /* repair names */
        cmocka_unit_test(torture_repair_names),
        cmocka_unit_test(torture_repair_name_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
