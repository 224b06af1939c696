/* parse.c - parse one IMAP response line (RFC 3501 section 9, RFC 9051
 * section 9) into an imaperr_response, without allocating.
 *
 * Grammar followed (abridged):
 *   response-line = continue-req / response-data / response-tagged
 *   continue-req  = "+" [SP resp-text]
 *   response-data = "*" SP (resp-cond-state / resp-cond-bye / resp-cond-auth
 *                   / other untagged data)
 *   response-tagged = tag SP resp-cond-state
 *   resp-text     = ["[" resp-text-code "]" SP] [text]
 *   resp-text-code = atom [SP 1*<any TEXT-CHAR except "]">]
 *
 * Decisions on malformed input (see also include/imaperr.h):
 *   - A "[" that does not close, or a registered code missing arguments its
 *     grammar requires ("[UNSEEN]"), is text: RFC 3501 says an invalid code
 *     is text. Reported as IMAPERR_REPAIR_CODE_AS_TEXT.
 *   - A code whose arguments have the right outer shape but a bad value
 *     (UIDVALIDITY 0, a number past 2^32-1) keeps its name, with
 *     args_state IMAPERR_ARGS_MALFORMED: the name alone is already useful
 *     to a client, and the raw bytes remain available.
 *   - Deviations real servers send are accepted and flagged in `repairs`.
 * Every loop advances through the line once: time is linear in its length.
 */
#include <config.h>

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "internal.h"

/* The byte classes of internal.h, computed by the preprocessor from the
 * grammar's rules:
 *   ATOM-CHAR = any CHAR except "(" ")" "{" SP CTL "%" "*" DQUOTE "\" "]"
 *   tag       = 1*<any ASTRING-CHAR except "+">; ASTRING-CHAR = ATOM-CHAR / "]"
 *   control   = the bytes note_controls() reports: < 0x20 and DEL
 *   argstop   = the bytes that matter to parse_code() between a code's
 *               name and its "]": '"', '(', ')', ']' */
#define CC_ATOM_(c) ((c) > 0x20 && (c) < 0x7f && (c) != '(' && (c) != ')' && (c) != '{' && \
                     (c) != '%' && (c) != '*' && (c) != '"' && (c) != '\\' && (c) != ']')
#define CC_(c) ((CC_ATOM_(c) ? IMAPERR__CC_ATOM : 0u) | \
                ((c) == ']' || (CC_ATOM_(c) && (c) != '+') ? IMAPERR__CC_TAG : 0u) | \
                ((c) < 0x20 || (c) == 0x7f ? IMAPERR__CC_CTL : 0u) | \
                ((c) >= 'a' && (c) <= 'z' ? IMAPERR__CC_LOWER : 0u) | \
                ((c) == '"' || (c) == '(' || (c) == ')' || (c) == ']' ? IMAPERR__CC_ARGSTOP : 0u))
#define CC4_(c) CC_(c), CC_((c) + 1), CC_((c) + 2), CC_((c) + 3)
#define CC16_(c) CC4_(c), CC4_((c) + 4), CC4_((c) + 8), CC4_((c) + 12)
#define CC64_(c) CC16_(c), CC16_((c) + 16), CC16_((c) + 32), CC16_((c) + 48)
const unsigned char imaperr__char_class[256] = { CC64_(0), CC64_(64), CC64_(128), CC64_(192) };

static int
is_tag_char(unsigned char c)
{
    return (imaperr__char_class[c] & IMAPERR__CC_TAG) != 0;
}

static int
ascii_eq_nocase(const char *s, size_t len, const char *upper)
{
    size_t i;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'a' && c <= 'z')
            c = (unsigned char)(c - 'a' + 'A');
        if (upper[i] == '\0' || c != (unsigned char)upper[i])
            return 0;
    }
    return upper[len] == '\0';
}

static int
has_lower(const char *s, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++)
        if (s[i] >= 'a' && s[i] <= 'z')
            return 1;
    return 0;
}

/* c | 0x20 equals a lower-case letter exactly when c is that letter in
 * either case, so the status words compare without a loop. */
#define FOLD_(c) ((unsigned)(unsigned char)(c) | 0x20u)

static imaperr_status
status_word(const char *s, size_t len)
{
    switch (len) {
    case 2:
        if (FOLD_(s[0]) == 'o' && FOLD_(s[1]) == 'k')
            return IMAPERR_STATUS_OK;
        if (FOLD_(s[0]) == 'n' && FOLD_(s[1]) == 'o')
            return IMAPERR_STATUS_NO;
        break;
    case 3:
        if (FOLD_(s[0]) == 'b' && FOLD_(s[1]) == 'a' && FOLD_(s[2]) == 'd')
            return IMAPERR_STATUS_BAD;
        if (FOLD_(s[0]) == 'b' && FOLD_(s[1]) == 'y' && FOLD_(s[2]) == 'e')
            return IMAPERR_STATUS_BYE;
        break;
    case 7:
        if (ascii_eq_nocase(s, len, "PREAUTH"))
            return IMAPERR_STATUS_PREAUTH;
        break;
    default:
        break;
    }
    return IMAPERR_STATUS_NONE;
}

/* A balanced "( ... )" covering the whole slice, quotes respected. */
static int
is_paren_list(const char *s, size_t len)
{
    size_t i, depth = 0;
    int inq = 0;
    if (len < 2 || s[0] != '(' || s[len - 1] != ')')
        return 0;
    for (i = 0; i < len; i++) {
        char c = s[i];
        if (inq) {
            if (c == '\\' && i + 1 < len)
                i++;
            else if (c == '"')
                inq = 0;
            continue;
        }
        if (c == '"')
            inq = 1;
        else if (c == '(')
            depth++;
        else if (c == ')') {
            if (depth == 0)
                return 0;
            depth--;
            if (depth == 0 && i != len - 1)
                return 0;
        }
    }
    return depth == 0 && !inq;
}

/* Check the arguments of a registry code. Returns 0 when the bracket does
 * not form the code at all (required arguments missing), 1 otherwise, with
 * r->args_state, r->number(2) and r->repairs set. */
static int
check_args(const struct imaperr__code_row *row, imaperr_response *r)
{
    const struct imaperr__argtype_row *at = &imaperr__argtypes[row->argtype];
    const char *a = r->code_args.ptr;
    size_t n = r->code_args.len;

    if (n == 0) {
        if (at->presence == IMAPERR__PRESENCE_REQUIRED)
            return 0;
        r->args_state = IMAPERR_ARGS_NONE;
        return 1;
    }
    if (at->presence == IMAPERR__PRESENCE_NONE) {
        r->repairs |= IMAPERR_REPAIR_UNEXPECTED_ARGS;
        r->args_state = IMAPERR_ARGS_RAW;
        return 1;
    }
    switch (at->check) {
    case IMAPERR__CHECK_PAREN:
        r->args_state = is_paren_list(a, n) ? IMAPERR_ARGS_RAW : IMAPERR_ARGS_MALFORMED;
        break;
    case IMAPERR__CHECK_EVENTLIST:
        if (a[0] == '(') {
            r->args_state = is_paren_list(a, n) ? IMAPERR_ARGS_RAW : IMAPERR_ARGS_MALFORMED;
        } else {
            size_t i;
            r->args_state = IMAPERR_ARGS_RAW;
            for (i = 0; i < n; i++)
                if (a[i] != ' ' && !imaperr__is_atom_char((unsigned char)a[i]))
                    r->args_state = IMAPERR_ARGS_MALFORMED;
            if (r->args_state == IMAPERR_ARGS_RAW)
                r->repairs |= IMAPERR_REPAIR_UNPARENTHESIZED_LIST;
        }
        break;
    case IMAPERR__CHECK_FULL: {
        imaperr_args args;
        unsigned k, nums = 0;
        memset(&args, 0, sizeof args);
        args.size = sizeof args;
        r->args_state = (imaperr_args_state)imaperr__args_decode(row->argtype, a, n, &args);
        if (r->args_state == IMAPERR_ARGS_DECODED) {
            for (k = 0; k < args.nfields; k++) {
                if (args.field[k].type != IMAPERR_FIELD_NUMBER || !args.field[k].present)
                    continue;
                if (nums++ == 0)
                    r->number = args.field[k].number;
                else
                    r->number2 = args.field[k].number;
            }
        }
        break;
    }
    default:
        r->args_state = IMAPERR_ARGS_RAW;
        break;
    }
    if (r->args_state == IMAPERR_ARGS_MALFORMED)
        r->number = r->number2 = 0;
    return 1;
}

/* Try to read "[" resp-text-code "]" at s[0]. On success fill the code
 * members of r and return the number of bytes consumed (through "]");
 * return 0 when the bracket is not a valid code. */
static size_t
parse_code(const char *s, size_t n, imaperr_response *r)
{
    size_t i = 1, name_end, args_start = 0, args_end = 0;
    uint32_t hash = 0;
    unsigned seen = 0, cls, repairs = 0;

    /* one pass over the name: its end, its hash, whether it has lower case */
    while (i < n && ((cls = imaperr__char_class[(unsigned char)s[i]]) & IMAPERR__CC_ATOM)) {
        hash = IMAPERR__NAME_HASH_STEP(hash, s[i]);
        seen |= cls;
        i++;
    }
    name_end = i;
    if (name_end == 1 || i >= n)
        return 0;
    if (s[i] == ' ') {
        size_t depth = 0;
        int inq = 0;
        ++i;
        if (i < n && s[i] == ' ') {
            repairs |= IMAPERR_REPAIR_EXTRA_SPACE;
            while (i < n && s[i] == ' ')
                i++;
        }
        args_start = i;
        for (; i < n; i++) {
            char c;
            /* bytes other than '"', '(', ')', ']' change nothing outside
             * a quoted string: skip them with one lookup each */
            if (!inq)
                while (i < n && !(imaperr__char_class[(unsigned char)s[i]] & IMAPERR__CC_ARGSTOP))
                    i++;
            if (i >= n)
                break;
            c = s[i];
            if (inq) {
                if (c == '\\' && i + 1 < n)
                    i++;
                else if (c == '"')
                    inq = 0;
                continue;
            }
            if (c == '"')
                inq = 1;
            else if (c == '(')
                depth++;
            else if (c == ')' && depth > 0)
                depth--;
            else if (c == ']' && depth == 0)
                break;
        }
        if (i >= n)
            return 0;
        args_end = i;
        /* "[LIMIT ]": a stray space, no arguments */
        while (args_end > args_start && s[args_end - 1] == ' ')
            args_end--;
        if (args_end == args_start || args_end != i)
            repairs |= IMAPERR_REPAIR_EXTRA_SPACE;
    } else if (s[i] != ']') {
        return 0;
    }

    /* r's code members are still as imaperr_parse() zeroed them (one
     * bracket per line): fill them in place; on failure put them back */
    r->code_name.ptr = s + 1;
    r->code_name.len = name_end - 1;
    if (args_end > args_start) {
        r->code_args.ptr = s + args_start;
        r->code_args.len = args_end - args_start;
    }
    r->code = imaperr__code_lookup(r->code_name.ptr, r->code_name.len, hash);
    if (r->code == IMAPERR_CODE_UNKNOWN) {
        r->args_state = r->code_args.len ? IMAPERR_ARGS_RAW : IMAPERR_ARGS_NONE;
    } else if (!check_args(imaperr__code_row(r->code), r)) {
        /* check_args() refuses before it changes anything */
        r->code = IMAPERR_CODE_NONE;
        r->code_name.ptr = r->code_args.ptr = NULL;
        r->code_name.len = r->code_args.len = 0;
        return 0;
    }
    if (seen & IMAPERR__CC_LOWER)
        repairs |= IMAPERR_REPAIR_LOWERCASE_CODE;
    r->repairs |= repairs;
    return i + 1;
}

/* A known code at the very end of the text: "Success [THROTTLED]". Only
 * registry codes without required arguments are recognised there, so that
 * text such as "Unknown Mailbox: [Gmail]" stays text. */
static void
trailing_code(imaperr_response *r)
{
    const char *t = r->text.ptr;
    size_t n = r->text.len, open, k;
    imaperr_code code;
    const struct imaperr__code_row *row;

    if (n < 3 || t[n - 1] != ']')
        return;
    open = n - 1;
    while (open > 0 && t[open - 1] != '[' && imaperr__is_atom_char((unsigned char)t[open - 1]))
        open--;
    if (open == 0 || t[open - 1] != '[' || open == n - 1)
        return;
    open--; /* at '[' */
    if (open > 0 && t[open - 1] != ' ')
        return;
    code = imaperr_code_from_name(t + open + 1, n - open - 2);
    if (code == IMAPERR_CODE_UNKNOWN || code == IMAPERR_CODE_NONE)
        return;
    row = imaperr__code_row(code);
    if (imaperr__argtypes[row->argtype].presence == IMAPERR__PRESENCE_REQUIRED)
        return;
    r->code = code;
    r->code_name.ptr = t + open + 1;
    r->code_name.len = n - open - 2;
    r->args_state = IMAPERR_ARGS_NONE;
    r->repairs |= IMAPERR_REPAIR_TRAILING_CODE;
    if (has_lower(r->code_name.ptr, r->code_name.len))
        r->repairs |= IMAPERR_REPAIR_LOWERCASE_CODE;
    k = open;
    while (k > 0 && t[k - 1] == ' ')
        k--;
    r->text.len = k;
    if (k == 0)
        r->text.ptr = t;
}

/* resp-text starting at s[0] (just after the status word). */
static void
parse_resp_text(const char *s, size_t n, imaperr_response *r, int allow_trailing)
{
    size_t i = 0;

    if (n == 0) {
        r->repairs |= IMAPERR_REPAIR_MISSING_TEXT;
        r->text.ptr = s;
        r->text.len = 0;
        return;
    }
    /* s[0] is the SP after the status word */
    i = 1;
    if (i < n && s[i] == ' ') {
        r->repairs |= IMAPERR_REPAIR_EXTRA_SPACE;
        while (i < n && s[i] == ' ')
            i++;
    }
    if (i < n && s[i] == '[') {
        size_t used = parse_code(s + i, n - i, r);
        if (used == 0) {
            r->repairs |= IMAPERR_REPAIR_CODE_AS_TEXT;
        } else {
            i += used;
            if (i < n && s[i] == ' ')
                i++;
            else if (i < n)
                r->repairs |= IMAPERR_REPAIR_NO_SPACE_AFTER_CODE;
        }
    }
    r->text.ptr = s + i;
    r->text.len = n - i;
    if (r->text.len == 0)
        r->repairs |= IMAPERR_REPAIR_MISSING_TEXT;
    else if (r->code == IMAPERR_CODE_NONE && allow_trailing)
        trailing_code(r);
}

/* Does s hold a byte below 0x20 or DEL? Eight bytes per step: a byte b of
 * x is below 0x20 exactly when some lane of (x - 0x20..) & ~x has its top
 * bit set (the classic "has a byte less than n" test, exact as a yes/no
 * answer for n <= 128), and DEL is a zero byte of x ^ 0x7f... */
static int
has_control(const char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    size_t i = 0;
    uint64_t x, y;
#ifdef __SSE2__
    /* sixteen bytes per step where SSE2 is there (every x86-64): a byte b
     * is below 0x20 exactly when min(b, 0x1f) == b, unsigned */
    if (n >= 16) {
        const __m128i c1f = _mm_set1_epi8(0x1f), del = _mm_set1_epi8(0x7f);
        for (;;) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, c1f), v), _mm_cmpeq_epi8(v, del));
            if (_mm_movemask_epi8(hit) != 0)
                return 1;
            i += 16;
            if (i >= n)
                return 0;
            if (i + 16 > n)
                i = n - 16;   /* the last, overlapping, sixteen bytes */
        }
    }
#endif
    if (n < 8) {
        for (; i < n; i++)
            if (imaperr__char_class[(unsigned char)s[i]] & IMAPERR__CC_CTL)
                return 1;
        return 0;
    }
    for (;;) {
        memcpy(&x, s + i, 8);
        y = x ^ (0x7f * ones);
        if ((((x - 0x20 * ones) & ~x) | ((y - ones) & ~y)) & highs)
            return 1;
        i += 8;
        if (i >= n)
            return 0;
        if (i + 8 > n)
            i = n - 8;   /* the last, overlapping, eight bytes */
    }
}

static void
note_controls(imaperr_response *r, const char *s, size_t n)
{
    if (s != NULL && has_control(s, n))
        r->repairs |= IMAPERR_REPAIR_CONTROL_IN_TEXT;
}

static int
parse_line(const char *line, size_t n, imaperr_response *r)
{
    size_t i, word, wlen, tag_end;
    imaperr_status st;

    /* one line ending: CRLF, LF or a lone CR */
    if (n > 0 && line[n - 1] == '\n')
        n--;
    if (n > 0 && line[n - 1] == '\r')
        n--;
    if (n == 0)
        return IMAPERR_E_EMPTY;

    if (line[0] == '+') {
        r->kind = IMAPERR_KIND_CONTINUATION;
        r->tag.ptr = line;
        r->tag.len = 1;
        if (n == 1) {
            r->text.ptr = line + 1;
            return IMAPERR_OK;
        }
        if (line[1] != ' ')
            return IMAPERR_E_NOT_RESPONSE;
        parse_resp_text(line + 1, n - 1, r, 0);
        r->repairs &= ~IMAPERR_REPAIR_MISSING_TEXT;
        note_controls(r, r->text.ptr, r->text.len);
        return IMAPERR_OK;
    }

    if (line[0] == '*') {
        if (n == 1)
            return IMAPERR_E_TRUNCATED;
        if (line[1] != ' ')
            return IMAPERR_E_NOT_RESPONSE;
        r->tag.ptr = line;
        r->tag.len = 1;
        i = 2;
        if (i < n && line[i] == ' ') {
            r->repairs |= IMAPERR_REPAIR_EXTRA_SPACE;
            while (i < n && line[i] == ' ')
                i++;
        }
        if (i >= n)
            return IMAPERR_E_TRUNCATED;
        word = i;
        while (i < n && line[i] != ' ')
            i++;
        wlen = i - word;
        st = status_word(line + word, wlen);
        if (st == IMAPERR_STATUS_NONE) {
            r->kind = IMAPERR_KIND_DATA;
            r->text.ptr = line + word;
            r->text.len = n - word;
            note_controls(r, r->text.ptr, r->text.len);
            return IMAPERR_OK;
        }
        r->kind = IMAPERR_KIND_STATUS;
        r->status = st;
        if (has_lower(line + word, wlen))
            r->repairs |= IMAPERR_REPAIR_LOWERCASE_STATUS;
        parse_resp_text(line + i, n - i, r, 1);
        note_controls(r, r->text.ptr, r->text.len);
        return IMAPERR_OK;
    }

    /* tagged, or a status word with the tag missing */
    i = 0;
    while (i < n && is_tag_char((unsigned char)line[i]))
        i++;
    if (i == 0 || (i < n && line[i] != ' '))
        return IMAPERR_E_NOT_RESPONSE;
    tag_end = i;
    if (i < n && line[i] == ' ' && i + 1 < n && line[i + 1] == ' ') {
        r->repairs |= IMAPERR_REPAIR_EXTRA_SPACE;
        while (i + 1 < n && line[i + 1] == ' ')
            i++;
    }
    word = i + 1;
    if (word >= n) {
        /* "a1" alone: truncated; "NO" alone: a bare status without text */
        st = status_word(line, tag_end);
        if (st == IMAPERR_STATUS_NONE)
            return IMAPERR_E_TRUNCATED;
        r->kind = IMAPERR_KIND_STATUS;
        r->status = st;
        r->repairs |= IMAPERR_REPAIR_MISSING_TAG | IMAPERR_REPAIR_MISSING_TEXT;
        if (has_lower(line, tag_end))
            r->repairs |= IMAPERR_REPAIR_LOWERCASE_STATUS;
        r->tag.ptr = line;
        r->tag.len = 0;
        r->text.ptr = line + tag_end;
        return IMAPERR_OK;
    }
    i = word;
    while (i < n && line[i] != ' ')
        i++;
    wlen = i - word;
    st = status_word(line + word, wlen);
    if (st != IMAPERR_STATUS_NONE) {
        r->tag.ptr = line;
        r->tag.len = tag_end;
        if (st == IMAPERR_STATUS_BYE || st == IMAPERR_STATUS_PREAUTH)
            r->repairs |= IMAPERR_REPAIR_TAGGED_UNTAGGED_STATUS;
        if (has_lower(line + word, wlen))
            r->repairs |= IMAPERR_REPAIR_LOWERCASE_STATUS;
    } else {
        st = status_word(line, tag_end);
        if (st == IMAPERR_STATUS_NONE)
            return IMAPERR_E_SYNTAX;
        /* "NO [ALERT] ..." without "*": an untagged response, repaired */
        r->repairs = (r->repairs & ~IMAPERR_REPAIR_EXTRA_SPACE) | IMAPERR_REPAIR_MISSING_TAG;
        if (has_lower(line, tag_end))
            r->repairs |= IMAPERR_REPAIR_LOWERCASE_STATUS;
        i = tag_end;
        r->tag.ptr = line;
        r->tag.len = 0;
    }
    r->kind = IMAPERR_KIND_STATUS;
    r->status = st;
    parse_resp_text(line + i, n - i, r, 1);
    note_controls(r, r->text.ptr, r->text.len);
    return IMAPERR_OK;
}

int
imaperr_parse(const char *line, size_t len, imaperr_response *out)
{
    size_t size;
    int rc;

    if (out == NULL || out->size < sizeof(imaperr_response))
        return IMAPERR_E_INVALID;
    size = out->size;
    /* built in place: zeroed once, and once more only on an error */
    memset(out, 0, sizeof *out);
    out->size = size;
    if (line == NULL)
        return IMAPERR_E_INVALID;
    rc = parse_line(line, len, out);
    if (rc == IMAPERR_OK)
        note_controls(out, out->code_args.ptr, out->code_args.len);
    else {
        memset(out, 0, sizeof *out);
        out->size = size;
    }
    return rc;
}
