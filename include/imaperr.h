/* imaperr.h - structured, translated, actionable IMAP errors.
 *
 * libimaperr reads one IMAP server response line (for example
 * "a1 NO [OVERQUOTA] Quota exceeded") and tells a program what it means:
 *
 *   parse     bytes of one line -> imaperr_response (status, tag, response
 *             code, raw arguments, text), as slices into the caller's buffer;
 *             no heap allocation, no global state;
 *   classify  response + the command that failed -> one category and one
 *             action from stable vocabularies, plus flags;
 *   message   classification + locale -> a sentence for a person;
 *   registry  the IANA "IMAP Response Codes" registry plus the codes real
 *             servers send, generated from one table (lib/registry.tsv).
 *
 * Conventions used throughout this header:
 *   - Functions returning int return 0 (IMAPERR_OK) or a non-negative count
 *     on success and a negative IMAPERR_E_* value on failure.
 *   - Functions writing text into a caller buffer follow snprintf(): they
 *     return the number of bytes the whole result needs (without the NUL),
 *     always NUL-terminate when cap > 0, cut only at UTF-8 character
 *     boundaries, and never truncate silently: a return value >= cap means
 *     the output was cut and a buffer of (return value + 1) bytes is needed.
 *   - Output text is always valid UTF-8.
 *   - Every function is thread-safe; none keeps hidden mutable state except
 *     the one-time gettext binding and the translation caches (catalogs,
 *     ICU formatters, negotiated requests), each filled once under
 *     pthread_once or a mutex and never changed or freed afterwards.
 *   - Enumerations may be extended in later versions; existing values never
 *     change (append only). Structures that carry a leading `size` member
 *     may grow at the end; initialise them with the *_INIT macros.
 */
#ifndef IMAPERR_H
#define IMAPERR_H

#include <stddef.h>
#include <stdint.h>

#include <imaperr-version.h>
#include <imaperr-codes.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define IMAPERR_API __attribute__((visibility("default")))
#else
#define IMAPERR_API
#endif

/* ------------------------------------------------------------------------ */
/* Errors                                                                     */
/* ------------------------------------------------------------------------ */

/** Return values. 0 is success; failures are negative and stable. */
typedef enum imaperr_rc {
    IMAPERR_OK = 0,
    /** A required pointer was NULL, or a struct's `size` member is too small. */
    IMAPERR_E_INVALID = -1,
    /** The line is empty (nothing but an optional CRLF). */
    IMAPERR_E_EMPTY = -2,
    /** The line stops where more is required: a tag with no status ("a1"),
     *  or "*" alone. */
    IMAPERR_E_TRUNCATED = -3,
    /** The first token is not a tag, "*" or "+": the bytes are not an IMAP
     *  response line at all (leading space, control bytes, binary data). */
    IMAPERR_E_NOT_RESPONSE = -4,
    /** A valid start, but the rest does not follow the response grammar,
     *  e.g. a tag followed by something other than OK/NO/BAD. */
    IMAPERR_E_SYNTAX = -5,
    /** A name given to a lookup function is not known. */
    IMAPERR_E_UNKNOWN_NAME = -6,
    /** An internal failure of a dependency (ICU); should not happen. */
    IMAPERR_E_INTERNAL = -7
} imaperr_rc;

/** A short English description of an imaperr_rc value ("line is empty").
 *  Never NULL; unknown values give "unknown error". Thread-safe; the string
 *  is static. */
IMAPERR_API const char *imaperr_strerror(int rc);

/** The stable symbolic name of an imaperr_rc value, as used in the JSON
 *  output of the imaperr tool ("empty", "truncated", "not-response",
 *  "syntax", ...). NULL for values this version does not know. */
IMAPERR_API const char *imaperr_rc_name(int rc);

/* ------------------------------------------------------------------------ */
/* Parsing                                                                    */
/* ------------------------------------------------------------------------ */

/** A run of bytes inside the caller's input line. Not NUL-terminated.
 *  An absent slice has ptr == NULL and len == 0. */
typedef struct imaperr_slice {
    const char *ptr;
    size_t len;
} imaperr_slice;

/** What kind of line was parsed. */
typedef enum imaperr_kind {
    IMAPERR_KIND_NONE = 0,
    /** A status response: tagged or untagged OK, NO, BAD, BYE, PREAUTH. */
    IMAPERR_KIND_STATUS = 1,
    /** Untagged data that is not a status response ("* 3 EXISTS",
     *  "* CAPABILITY ...", "* LIST ..."). Not an error. */
    IMAPERR_KIND_DATA = 2,
    /** A command continuation request ("+ ..."). Not an error. */
    IMAPERR_KIND_CONTINUATION = 3
} imaperr_kind;

/** The status word of a status response. */
typedef enum imaperr_status {
    IMAPERR_STATUS_NONE = 0,
    IMAPERR_STATUS_OK = 1,
    IMAPERR_STATUS_NO = 2,
    IMAPERR_STATUS_BAD = 3,
    IMAPERR_STATUS_BYE = 4,
    IMAPERR_STATUS_PREAUTH = 5
} imaperr_status;

/** What the parser could do with a response code's arguments. */
typedef enum imaperr_args_state {
    /** The code carries no arguments. */
    IMAPERR_ARGS_NONE = 0,
    /** Arguments are present and their outer shape is right; the parser
     *  does not decode them: use imaperr_args_decode() (or `code_args`). */
    IMAPERR_ARGS_RAW = 1,
    /** Arguments were checked and decoded (see `number`, `number2`). */
    IMAPERR_ARGS_DECODED = 2,
    /** Arguments are present but invalid (a number out of range or zero
     *  where the grammar forbids it, junk after a number). The code is
     *  still reported by name; `code_args` holds the raw bytes. */
    IMAPERR_ARGS_MALFORMED = 3
} imaperr_args_state;

/* Deviations from the grammar that the parser accepted and repaired. Bits of
 * imaperr_response.repairs; see imaperr_repair_name(). */
/** The status word was not in upper case ("a1 no ..."). */
#define IMAPERR_REPAIR_LOWERCASE_STATUS   (1u << 0)
/** The response code name was not in upper case ("[trycreate]"). */
#define IMAPERR_REPAIR_LOWERCASE_CODE     (1u << 1)
/** BYE or PREAUTH carried a tag, which the grammar allows only untagged. */
#define IMAPERR_REPAIR_TAGGED_UNTAGGED_STATUS (1u << 2)
/** The line began with a status word and no tag ("NO Service down"):
 *  read as an untagged response. */
#define IMAPERR_REPAIR_MISSING_TAG        (1u << 3)
/** No text after the status or the code ("a1 OK", "a1 NO [LIMIT]"). */
#define IMAPERR_REPAIR_MISSING_TEXT       (1u << 4)
/** A known code stood at the end of the text ("OK Success [THROTTLED]"). */
#define IMAPERR_REPAIR_TRAILING_CODE      (1u << 5)
/** BADEVENT's event list had no parentheses (Dovecot). */
#define IMAPERR_REPAIR_UNPARENTHESIZED_LIST (1u << 6)
/** A "[" that did not form a valid response code was kept as text (an
 *  unclosed bracket, a code missing its required arguments). */
#define IMAPERR_REPAIR_CODE_AS_TEXT       (1u << 7)
/** The text or the code's arguments hold control bytes (NUL, CR, ESC, ...)
 *  the grammar forbids. They stay in the slices; imaperr_sanitize_text()
 *  removes them for display. */
#define IMAPERR_REPAIR_CONTROL_IN_TEXT    (1u << 8)
/** No space between "]" and the text ("[ALERT]Text"). */
#define IMAPERR_REPAIR_NO_SPACE_AFTER_CODE (1u << 9)
/** Arguments were given to a code that takes none; kept in `code_args`. */
#define IMAPERR_REPAIR_UNEXPECTED_ARGS    (1u << 10)
/** More than one space between tokens. */
#define IMAPERR_REPAIR_EXTRA_SPACE        (1u << 11)

/** The result of imaperr_parse(). Allocated by the caller; every slice
 *  points into the line given to imaperr_parse(), so the line must outlive
 *  the struct's use. Initialise with IMAPERR_RESPONSE_INIT; members may be
 *  appended in later versions. */
typedef struct imaperr_response {
    /** sizeof(imaperr_response) as the caller compiled it. */
    size_t size;
    imaperr_kind kind;
    /** IMAPERR_STATUS_NONE for data and continuation lines. */
    imaperr_status status;
    /** The tag; "*" for untagged lines, "+" for continuations; empty when
     *  the tag was missing (IMAPERR_REPAIR_MISSING_TAG). */
    imaperr_slice tag;
    /** The response code; IMAPERR_CODE_NONE when the line has none and
     *  IMAPERR_CODE_UNKNOWN for a syntactically valid but unregistered
     *  name (then `code_name` holds it). */
    imaperr_code code;
    /** The code's name as written in the line (letter case kept). */
    imaperr_slice code_name;
    /** The code's raw arguments, without the separating space. */
    imaperr_slice code_args;
    imaperr_args_state args_state;
    /** Decoded first number, when args_state is IMAPERR_ARGS_DECODED, for
     *  UIDNEXT, UIDVALIDITY, UNSEEN (32-bit, non-zero), HIGHESTMODSEQ
     *  (63-bit, non-zero) and MESSAGELIMIT (32-bit, non-zero): the codes
     *  decoded in full while parsing. imaperr_args_decode() decodes all. */
    uint64_t number;
    /** MESSAGELIMIT's optional UID (0 when absent). */
    uint64_t number2;
    /** The human-readable text (may be empty). For data lines, everything
     *  after "* "; for continuations, everything after "+ ". */
    imaperr_slice text;
    /** IMAPERR_REPAIR_* bits. */
    unsigned repairs;
} imaperr_response;

/** Initialiser for imaperr_response. */
#define IMAPERR_RESPONSE_INIT { sizeof(imaperr_response), IMAPERR_KIND_NONE, IMAPERR_STATUS_NONE, \
        { NULL, 0 }, IMAPERR_CODE_NONE, { NULL, 0 }, { NULL, 0 }, IMAPERR_ARGS_NONE, 0, 0, { NULL, 0 }, 0 }

/**
 * Parse one IMAP response line.
 *
 * @param line  the bytes of the line; may contain NUL bytes; a trailing
 *              CRLF, LF or CR is ignored. Never read beyond `len`.
 * @param len   number of bytes at `line`. There is no length limit.
 * @param out   caller-allocated result; out->size must be set (use
 *              IMAPERR_RESPONSE_INIT). On failure it is reset to the
 *              empty state.
 * @return IMAPERR_OK, or IMAPERR_E_INVALID (NULL pointer or bad size),
 *         IMAPERR_E_EMPTY, IMAPERR_E_TRUNCATED, IMAPERR_E_NOT_RESPONSE,
 *         IMAPERR_E_SYNTAX.
 *
 * Follows the RFC 3501 / RFC 9051 grammar. A bracket that does not form a
 * valid response code is text. Deviations real servers send are accepted
 * and reported in out->repairs. Allocates nothing, keeps no state;
 * thread-safe. Runs in time linear in `len`.
 */
IMAPERR_API int imaperr_parse(const char *line, size_t len, imaperr_response *out);

/** The name of one IMAPERR_REPAIR_* bit ("lowercase-status", ...), or NULL
 *  when `bit` is not exactly one bit known to this version. */
IMAPERR_API const char *imaperr_repair_name(unsigned bit);

/* ------------------------------------------------------------------------ */
/* Typed arguments                                                            */
/* ------------------------------------------------------------------------ */

/* imaperr_args_decode() reads a response code's arguments as the registry
 * table's recipe for the code says (lib/vocabulary.tsv, FIELDS column) and
 * gives them as named fields ("uidvalidity", "uids", ...). Nothing is
 * copied or allocated: fields are slices of the line, and sets, lists and
 * strings are read with the iterators and decoder below. */

/** The kind of value a field holds. */
typedef enum imaperr_field_type {
    IMAPERR_FIELD_NONE = 0,
    /** A number: `number` (nz32, num32, modseq, nnumber). */
    IMAPERR_FIELD_NUMBER = 1,
    /** A UID set or sequence set: read it with imaperr_set_iter_init(). */
    IMAPERR_FIELD_SET = 2,
    /** A list (flags, charsets, atoms, events, object id): read it with
     *  imaperr_list_iter_init(). */
    IMAPERR_FIELD_LIST = 3,
    /** An atom or a quoted string: imaperr_string_decode(). */
    IMAPERR_FIELD_STRING = 4,
    /** A URL whose scheme was checked (imap://, or http:// / https://);
     *  `raw` is the URL. It is never fetched. */
    IMAPERR_FIELD_URL = 5,
    /** One of the atoms the grammar lists (TOOBIG, LONGENTRIES, ...), in
     *  `raw`; for ANNOTATIONS it may instead be a number (`number`). */
    IMAPERR_FIELD_WORD = 6,
    /** Free text up to the closing bracket. */
    IMAPERR_FIELD_TEXT = 7
} imaperr_field_type;

/** One decoded field. */
typedef struct imaperr_field {
    /** The field's name from the registry recipe ("uidvalidity"). */
    const char *name;
    imaperr_field_type type;
    /** The grammar name ("nz32", "uidset", "seqset", "flags", ...). */
    const char *syntax;
    /** 0 when an optional field is absent. */
    int present;
    /** 1 when the server sent NIL (nstring, nnumber fields). */
    int nil;
    /** The field's bytes in the line; for parenthesised lists, without the
     *  parentheses. */
    imaperr_slice raw;
    /** NUMBER fields, and WORD fields given as a number. */
    uint64_t number;
} imaperr_field;

/** The most fields any code has. */
#define IMAPERR_ARGS_MAX_FIELDS 4

/** The result of imaperr_args_decode(). Caller-allocated; initialise with
 *  IMAPERR_ARGS_INIT; members may be appended later. */
typedef struct imaperr_args {
    size_t size;
    imaperr_code code;
    /** IMAPERR_ARGS_NONE (the code takes or has no arguments),
     *  IMAPERR_ARGS_DECODED, IMAPERR_ARGS_MALFORMED, or IMAPERR_ARGS_RAW for
     *  codes the registry does not know (their arguments are not decoded). */
    imaperr_args_state state;
    /** For MALFORMED: the offset in the response's code_args where decoding
     *  failed, and a short English reason ("number out of range", ...). */
    size_t error_offset;
    const char *error;
    /** The fields of the code's recipe, in order (absent optional ones
     *  included, with present == 0). */
    unsigned nfields;
    imaperr_field field[IMAPERR_ARGS_MAX_FIELDS];
} imaperr_args;

#define IMAPERR_ARGS_INIT { sizeof(imaperr_args), IMAPERR_CODE_NONE, IMAPERR_ARGS_NONE, 0, NULL, 0, \
        { { NULL, IMAPERR_FIELD_NONE, NULL, 0, 0, { NULL, 0 }, 0 } } }

/**
 * Decode the arguments of a parsed response's code.
 *
 * Every value is validated: numbers against their range (nz-number
 * 1..2^32-1, number 0..2^32-1, mod-sequence 1..2^63-1) with overflow
 * checks, sets range by range ("*" only where the grammar allows it), list
 * items by their grammar, quoted strings for their escapes, URLs for their
 * scheme. Malformed arguments give state IMAPERR_ARGS_MALFORMED with the
 * offset and reason; the code stays known by name either way (see
 * doc/api.md for the reasoning). No allocation; linear in the argument
 * length; thread-safe.
 *
 * @return IMAPERR_OK (whatever the state), or IMAPERR_E_INVALID for NULL
 *         pointers or struct sizes too small.
 */
IMAPERR_API int imaperr_args_decode(const imaperr_response *resp, imaperr_args *out);

/** The field called `name` ("uidvalidity"), or NULL when the code has no
 *  such field (or a is NULL). Absent optional fields are returned too:
 *  check `present`. */
IMAPERR_API const imaperr_field *imaperr_args_field(const imaperr_args *a, const char *name);

/** One range of a set; single numbers have lo == hi. Ranges are given as
 *  written, normalised so that lo <= hi ("320:319" gives 319..320). "*"
 *  (the largest number in use) sorts above every number: "4:*" gives lo 4,
 *  hi_star 1; "*" alone gives lo_star and hi_star. A star bound holds
 *  UINT32_MAX. */
typedef struct imaperr_range {
    uint32_t lo, hi;
    int lo_star, hi_star;
} imaperr_range;

/** Iterator over a SET field. Caller-allocated; no cleanup needed. */
typedef struct imaperr_set_iter {
    const char *pos;
    const char *end;
    int allow_star;
} imaperr_set_iter;

/** Start iterating over a SET field (present and decoded). Returns
 *  IMAPERR_OK or IMAPERR_E_INVALID (NULL, or not a present SET field). */
IMAPERR_API int imaperr_set_iter_init(imaperr_set_iter *it, const imaperr_field *field);

/** The next range: returns 1 and fills *out, 0 at the end, or
 *  IMAPERR_E_SYNTAX on a malformed set (cannot happen for a field that
 *  imaperr_args_decode() accepted). */
IMAPERR_API int imaperr_set_next(imaperr_set_iter *it, imaperr_range *out);

/** Iterator over a LIST field. */
typedef struct imaperr_list_iter {
    const char *pos;
    const char *end;
} imaperr_list_iter;

/** Start iterating over a LIST field. IMAPERR_OK or IMAPERR_E_INVALID. */
IMAPERR_API int imaperr_list_iter_init(imaperr_list_iter *it, const imaperr_field *field);

/** The next item as a slice of the line (a flag such as "\Seen" or "\*",
 *  an atom, or a quoted string with its quotes: decode it with
 *  imaperr_string_decode()). Returns 1, 0 at the end, or IMAPERR_E_SYNTAX. */
IMAPERR_API int imaperr_list_next(imaperr_list_iter *it, imaperr_slice *item);

/** Decode an atom or a quoted string (a STRING field's raw slice, or a list
 *  item) into buf: quotes removed, backslash escapes resolved. snprintf
 *  contract (see the top of this header; a cut never splits a UTF-8
 *  character). IMAPERR_E_SYNTAX for an unterminated quote, a bad escape,
 *  invalid UTF-8 or a literal ({n}); IMAPERR_E_INVALID for buf NULL with
 *  cap > 0. The result is the server's bytes: a quoted string may hold
 *  control characters such as ESC, so sanitise it before showing it
 *  (imaperr_sanitize_text()). */
IMAPERR_API int imaperr_string_decode(imaperr_slice raw, char *buf, size_t cap);

/* ------------------------------------------------------------------------ */
/* Classification                                                             */
/* ------------------------------------------------------------------------ */

/** Where a classification came from. */
typedef enum imaperr_source {
    /** Nothing to classify (data lines, continuations). */
    IMAPERR_SOURCE_NONE = 0,
    /** The response code, as the registry table says. */
    IMAPERR_SOURCE_CODE = 1,
    /** A known server wording (lib/wordings.tsv, doc/wordings.md): the
     *  fallback for servers that send no code, and the documented cases
     *  where a provider misuses one. `confidence` and `wording` say how
     *  sure and which row. */
    IMAPERR_SOURCE_TEXT_HEURISTIC = 2,
    /** The status word (and the failed command) alone. */
    IMAPERR_SOURCE_STATUS = 3
} imaperr_source;

/** How bad it is. */
typedef enum imaperr_severity {
    /** Nothing wrong. */
    IMAPERR_SEVERITY_INFO = 0,
    /** The command succeeded but something needs attention (OK [OVERQUOTA]). */
    IMAPERR_SEVERITY_WARNING = 1,
    /** The command failed, or the connection is closing. */
    IMAPERR_SEVERITY_ERROR = 2
} imaperr_severity;

/* Bits of imaperr_classification.flags. */
/** The action retries automatically (retry-*, reconnect). */
#define IMAPERR_FLAG_RETRYABLE   (1u << 0)
/** The server text must be shown to the user (ALERT, WEBALERT, CONTACTADMIN). */
#define IMAPERR_FLAG_SHOW_USER   (1u << 1)
/** Retrying the same request can never succeed (the action is `fail`). */
#define IMAPERR_FLAG_PERMANENT   (1u << 2)
/** The category is a best guess from the status and the command, e.g. a
 *  NO without code to LOGIN is probably, not certainly, a credential
 *  problem. */
#define IMAPERR_FLAG_UNCERTAIN   (1u << 3)

/** Options for imaperr_classify(). */
/** Do not use known server wordings: the code and the status (and the
 *  command) alone decide, and no hint is read from the text. */
#define IMAPERR_CLASSIFY_NO_HEURISTICS (1u << 0)

/** The result of imaperr_classify(). Caller-allocated; initialise with
 *  IMAPERR_CLASSIFICATION_INIT; members may be appended later. */
typedef struct imaperr_classification {
    size_t size;
    imaperr_category category;
    imaperr_action action;
    imaperr_severity severity;
    imaperr_source source;
    /** IMAPERR_FLAG_* bits. */
    unsigned flags;
    /** The response's code and status, copied for convenience. */
    imaperr_code code;
    imaperr_status status;
    /** Internal: which message explains this; see imaperr_message_key(). */
    unsigned message;
    /** How sure the classification is, 0-100: 100 for a registered code
     *  or a plain status, 50 for guesses from the status and command
     *  (IMAPERR_FLAG_UNCERTAIN), the row's figure (1-99) for a known server
     *  wording (source text-heuristic; scale in doc/wordings.md). */
    unsigned confidence;
    /** Hints the server gave, read from its text while the wording
     *  fallback is on (0 or empty when absent, and always when the
     *  category is `ok`):
     *  a suggested wait before retrying, in milliseconds ("Suggested
     *  Backoff Time: N milliseconds"; a value that does not fit in 64 bits
     *  counts as absent); */
    uint64_t hint_backoff_ms;
    /** a web address to show the user (http or https only; a slice of the
     *  parsed line, so it lives as long as the line does; never fetched).
     *  WEBALERT's argument comes first and fills it even with the fallback
     *  off; */
    imaperr_slice hint_url;
    /** the connection limit the server stated
     *  ("mail_max_userip_connections=30"). */
    unsigned hint_connection_limit;
    /** The ID of the lib/wordings.tsv row that decided (source
     *  text-heuristic), e.g. "gmail-too-many-connections"; NULL otherwise.
     *  IDs are stable across versions. Static storage. */
    const char *wording;
} imaperr_classification;

#define IMAPERR_CLASSIFICATION_INIT { sizeof(imaperr_classification), IMAPERR_CAT_OK, IMAPERR_ACT_NONE, \
        IMAPERR_SEVERITY_INFO, IMAPERR_SOURCE_NONE, 0, IMAPERR_CODE_NONE, IMAPERR_STATUS_NONE, 0, \
        0, 0, { NULL, 0 }, 0, NULL }

/**
 * Classify a parsed response.
 *
 * @param resp     a response filled by imaperr_parse().
 * @param command  the command the response answers, or NULL when unknown:
 *                 its name ("LOGIN", "uid fetch", "AUTHENTICATE PLAIN");
 *                 only the command word (after an optional UID) is read,
 *                 case-insensitively. Unknown names count as NULL.
 * @param options  IMAPERR_CLASSIFY_* bits, normally 0.
 * @param out      caller-allocated result (IMAPERR_CLASSIFICATION_INIT).
 * @return IMAPERR_OK, or IMAPERR_E_INVALID (a NULL pointer, or resp->size
 *         or out->size smaller than this version's struct).
 *
 * Exactly one category and one action result. The registry table decides
 * per code and status; without a code, the status and command decide:
 * OK/PREAUTH -> ok; NO to LOGIN/AUTHENTICATE -> credential (uncertain);
 * NO to SELECT/EXAMINE -> nonexistent (uncertain); other NO -> unknown;
 * BAD -> client-bug; BYE after LOGOUT -> ok, other BYE -> connection.
 *
 * Unless IMAPERR_CLASSIFY_NO_HEURISTICS is set, the text is also scanned
 * once for the known server wordings of lib/wordings.tsv. A matching row
 * decides (source text-heuristic) when no code does (no code, an
 * unregistered one, a weak one such as ALERT, or one whose cell says
 * nothing or "ok"), and overrides a code only when the row names that code
 * (e.g. Gmail's "NO [OVERQUOTA] Account exceeded command or bandwidth
 * limits" is throttled). It never applies to the BYE that answers LOGOUT.
 * Of several matching rows the first in the table wins. With a BYE, a
 * retry-* action becomes reconnect. Unrecognised text keeps the answer of
 * the code or the status. Hints (hint_*) are read in the same pass. The
 * rules and the confidence scale: doc/wordings.md.
 *
 * Pure function; thread-safe; no allocation; linear in the line length.
 */
IMAPERR_API int imaperr_classify(const imaperr_response *resp, const char *command,
                                 unsigned options, imaperr_classification *out);

/** Classify a line that imaperr_parse() rejected with `rc`: category
 *  unknown, action fail, source none, and the message for an unreadable
 *  reply. Returns IMAPERR_OK, or IMAPERR_E_INVALID when out is NULL or rc
 *  is not negative. */
IMAPERR_API int imaperr_classify_parse_error(int rc, imaperr_classification *out);

/** The version of the built-in table of known server wordings
 *  (lib/wordings.tsv), raised whenever rows change meaning; useful in bug
 *  reports next to imaperr_version(). Thread-safe. */
IMAPERR_API unsigned imaperr_wordings_version(void);

/* ------------------------------------------------------------------------ */
/* Messages                                                                   */
/* ------------------------------------------------------------------------ */

/** The stable key of the message chosen for `c` ("quota-exceeded", ...),
 *  usable as an i18n key by applications with their own catalogs. Never
 *  NULL for a classification made by this library; NULL for NULL or a
 *  struct whose size member is too small. */
IMAPERR_API const char *imaperr_message_key(const imaperr_classification *c);

/**
 * Write the user-facing sentence for a classification into buf.
 *
 * @param locale  NULL for the process's message locale (glibc's dgettext:
 *                LANGUAGE, LC_ALL, LC_MESSAGES, LANG; needs that system
 *                locale installed), or a locale request: a POSIX locale
 *                ("de_AT.UTF-8"), a BCP 47 tag ("de-AT"), an Accept-Language
 *                list or a colon-separated $LANGUAGE-style list. The request
 *                is negotiated against the shipped catalogs (see
 *                imaperr_negotiate_locale()) and translated by the library's
 *                own catalog reader: no installed system locale is needed and
 *                $LANGUAGE does not override it. English is the fallback.
 * @return bytes needed, snprintf-style (see the top of this header), or
 *         IMAPERR_E_INVALID (c NULL or c->size too small, or buf NULL with
 *         cap > 0).
 * The sentence is the base message of the classification, without values
 * and without the server's text; imaperr_explain() adds what is known.
 * Thread-safe.
 */
IMAPERR_API int imaperr_message(const imaperr_classification *c, const char *locale,
                                char *buf, size_t cap);

/**
 * Choose the best shipped message catalog for a locale request.
 *
 * Writes the catalog's language ("de", "pt_BR", ... or "en" for the
 * built-in English) into buf, snprintf-style. *fallback (when not NULL) is
 * set to 1 when nothing matched and English was chosen, else 0. A NULL or
 * empty request, "C", "POSIX" and "C.*" give "en" without fallback. The
 * request may be a POSIX locale ("de_AT.UTF-8@euro": codeset and modifier
 * are ignored), a BCP 47 tag, an Accept-Language list with weights, or a
 * colon-separated list as in $LANGUAGE ("pt_PT:pt:en"). Of a list longer
 * than 255 bytes, the entries within the first 255 bytes are used. Uses
 * ICU's matcher (uloc_acceptLanguageFromHTTP) against "en" and the
 * languages of po/LINGUAS, so de-AT gives de, zh-HK and zh-Hant give zh_TW,
 * zh-Hans-SG gives zh_CN, pt-PT gives pt_PT and a bare "pt" pt_BR (ICU's
 * likely subtags). Results are cached for the life of the process.
 * Thread-safe.
 */
IMAPERR_API int imaperr_negotiate_locale(const char *request, char *buf, size_t cap, int *fallback);

/**
 * Make server-supplied text safe to show to a person.
 *
 * Invalid UTF-8 becomes U+FFFD; C0 and C1 control characters (including
 * NUL, ESC, CR, LF, TAB), DEL and Unicode bidirectional controls become
 * U+FFFD or are dropped (bidi); runs of spaces are kept. The result is
 * valid UTF-8 without any control character, written snprintf-style.
 */
IMAPERR_API int imaperr_sanitize_text(const char *text, size_t len, char *buf, size_t cap);

/* ------------------------------------------------------------------------ */
/* Explanations: translated sentences with the response's values             */
/* ------------------------------------------------------------------------ */

/* imaperr_explain() writes the sentence for a person, in the language asked
 * for per call, with what is known inserted: the mailbox name, when the app
 * will retry ("in 5 minutes"), the quota used and its limit, a count, the
 * web address of a WEBALERT. It picks the most specific message variant
 * whose values are known (see doc/i18n.md) and formats every value for the
 * chosen language with ICU. Names, addresses and the server's words are
 * sanitised, quoted with the language's quotation marks and wrapped in
 * Unicode isolates (U+2068 ... U+2069), so right-to-left text cannot
 * reorder the sentence around them. doc/i18n.md has the details. */

/* Values the caller knows: bits of imaperr_explain_context.known, and of
 * imaperr_explain_info.values (which values the sentence contains). */
/** `mailbox`/`mailbox_len`: the mailbox (folder) the command worked on. */
#define IMAPERR_VALUE_MAILBOX  (1u << 0)
/** `retry_ms`: when the app will try again. */
#define IMAPERR_VALUE_RETRY    (1u << 1)
/** `quota_used_kib`, `quota_limit_kib`: storage used and allowed. */
#define IMAPERR_VALUE_QUOTA    (1u << 2)
/** `count`: a number of messages (for example a per-command limit). */
#define IMAPERR_VALUE_COUNT    (1u << 3)
/** A web or IMAP address; only reported in imaperr_explain_info.values
 *  (it comes from the response's arguments or the classification's hint). */
#define IMAPERR_VALUE_URL      (1u << 4)

/* Options: bits of imaperr_explain_context.options. Without either bit,
 * the server's text is appended when the classification must be shown to
 * the user (IMAPERR_FLAG_SHOW_USER: ALERT, WEBALERT, CONTACTADMIN). */
/** Always append the server's text ("The server said: ..."). */
#define IMAPERR_EXPLAIN_SERVER_TEXT     (1u << 0)
/** Never append it (show it separately, see imaperr_explain_server_text()). */
#define IMAPERR_EXPLAIN_NO_SERVER_TEXT  (1u << 1)
/** No retry will follow: the retry advisor gave up (imaperr_advise()
 *  returned an action that does not retry, for example fail with reason
 *  max-attempts or deadline) or the app never retries by itself. Messages
 *  that promise the app will try again, reconnect or refresh ("Your app
 *  will try again shortly.") are replaced by a wording without the promise
 *  ("... Try again later.", key + "-final" in lib/messages.tsv); other
 *  messages are unchanged. A retry time (retry_ms, hint_backoff_ms) is
 *  ignored, so no "-retry" variant is used; a "-mailbox" variant keeps the
 *  folder's name where the table has its "-final" form
 *  (cat-in-use-mailbox-final), otherwise the base message's "-final" form
 *  is used without the value. */
#define IMAPERR_EXPLAIN_NO_RETRY        (1u << 2)

/** What the caller knows about the situation. Caller-allocated; initialise
 *  with IMAPERR_EXPLAIN_CONTEXT_INIT; members may be appended later. */
typedef struct imaperr_explain_context {
    size_t size;
    /** IMAPERR_VALUE_* bits: which of the members below hold a value. */
    unsigned known;
    /** IMAPERR_EXPLAIN_* bits. */
    unsigned options;
    /** The mailbox name as the server or the caller has it (need not be
     *  NUL-terminated): IMAP's modified UTF-7 ("Entw&APw-rfe"), decoded for
     *  display, unless mailbox_utf8 is set (UTF8=ACCEPT, IMAP4rev2). A name
     *  that does not decode is shown as its bytes, sanitised. */
    const char *mailbox;
    size_t mailbox_len;
    int mailbox_utf8;
    /** Milliseconds until the app retries (0: unknown). Without it, the
     *  classification's hint_backoff_ms is used. */
    uint64_t retry_ms;
    /** Storage used and its limit, in units of 1024 octets as IMAP QUOTA
     *  gives them (RFC 9208 STORAGE); shown with decimal units (1 GB =
     *  10^9 bytes). The limit must be non-zero. */
    uint64_t quota_used_kib;
    uint64_t quota_limit_kib;
    /** A count for the "-count" messages; chooses the plural form. Without
     *  it, a code's count argument is used (MESSAGELIMIT's limit). */
    uint64_t count;
    /** At most this many user-perceived characters of the server's text
     *  (1..1000; 0: 200); longer text is cut at a grapheme boundary and
     *  ends in "…". */
    unsigned max_text;
} imaperr_explain_context;

#define IMAPERR_EXPLAIN_CONTEXT_INIT { sizeof(imaperr_explain_context), 0, 0, NULL, 0, 0, 0, 0, 0, 0, 0 }

/** What imaperr_explain() did. Caller-allocated; initialise with
 *  IMAPERR_EXPLAIN_INFO_INIT; members may be appended later. */
typedef struct imaperr_explain_info {
    size_t size;
    /** The language of the text: "en" (built-in) or a shipped catalog
     *  ("de", "pt_BR", ...). */
    char language[32];
    /** 1 when the request matched no shipped language (or its catalog
     *  could not be read) and English was used; 0 otherwise. */
    int fallback;
    /** The key of the message used ("quota-exceeded-amount"), static. */
    const char *key;
    /** IMAPERR_VALUE_* bits of the values in the text. */
    unsigned values;
    /** 1 when the server's text was appended. */
    int server_text;
} imaperr_explain_info;

#define IMAPERR_EXPLAIN_INFO_INIT { sizeof(imaperr_explain_info), "", 0, NULL, 0, 0 }

/**
 * Explain a classified response to a person, in one language.
 *
 * @param resp    the parsed response (for the code's arguments, such as a
 *                WEBALERT address or a MESSAGELIMIT count, and the server's
 *                text), or NULL.
 * @param c       its classification (required).
 * @param ctx     values the caller knows, or NULL.
 * @param locale  NULL for the process's message locale (gettext's choice:
 *                LANGUAGE, LC_ALL, LC_MESSAGES, LANG, which needs that
 *                system locale installed), or a request as for
 *                imaperr_negotiate_locale(): "de_AT.UTF-8", "pt-PT",
 *                "fr-CA,fr;q=0.8,en;q=0.5". An explicit request is served
 *                from the library's own catalog reader: it needs no
 *                installed system locale and $LANGUAGE does not override it.
 * @param buf,cap output, snprintf contract (see the top of this header).
 * @param info    filled with the language used, the fallback flag, the
 *                message key and the values used; may be NULL.
 * @return bytes needed, or IMAPERR_E_INVALID (c NULL, a struct's size too
 *         small, buf NULL with cap > 0), or IMAPERR_E_INTERNAL.
 *
 * Thread-safe: any number of threads may explain at once, each in its own
 * language. Catalogs and ICU formatters are loaded on first use of a
 * language and kept for the life of the process.
 */
IMAPERR_API int imaperr_explain(const imaperr_response *resp, const imaperr_classification *c,
                                const imaperr_explain_context *ctx, const char *locale,
                                char *buf, size_t cap, imaperr_explain_info *info);

/**
 * The server's own text as a sentence in the chosen language ("The server
 * said: “Quota exceeded”"): sanitised (imaperr_sanitize_text()), cut at a
 * grapheme boundary (ctx->max_text), quoted and bidi-isolated. An empty
 * string (return 0) when the response has no text. Same parameters,
 * contract and thread safety as imaperr_explain(); resp is required.
 */
IMAPERR_API int imaperr_explain_server_text(const imaperr_response *resp,
                                            const imaperr_explain_context *ctx, const char *locale,
                                            char *buf, size_t cap, imaperr_explain_info *info);

/* ------------------------------------------------------------------------ */
/* Registry and vocabularies                                                  */
/* ------------------------------------------------------------------------ */

/** Per-status meaning of a code, from the registry table. */
typedef struct imaperr_status_meaning {
    /** The category, or -1 when the code means nothing special with this
     *  status (the status and command decide). */
    int category;
    /** The action (meaningful when category >= 0). */
    int action;
    /** 1 when the category applies only if the status and command tell
     *  nothing more specific (ALERT: NO [ALERT] to LOGIN is credential). */
    int weak;
} imaperr_status_meaning;

/** What the registry table says about one code. */
typedef struct imaperr_code_info {
    size_t size;
    imaperr_code code;
    /** Upper-case wire name ("OVERQUOTA"). */
    const char *name;
    /** Defining documents ("RFC 5530"), or the vendor ("Gmail"). */
    const char *reference;
    /** "registered", "obsolete" or "unregistered". */
    const char *registration;
    /** The argument syntax name ("none", "nz-number", "uid-set", ...). */
    const char *args;
    /** An example of the bracket's content ("UIDNEXT 4392"). */
    const char *example;
    imaperr_status_meaning ok, no, bad, bye;
    /** Registry flags: IMAPERR_FLAG_SHOW_USER for ALERT-like codes. */
    unsigned flags;
    /** Key of the code's own message, or NULL to use the category's. */
    const char *message_key;
} imaperr_code_info;

#define IMAPERR_CODE_INFO_INIT { sizeof(imaperr_code_info), IMAPERR_CODE_NONE, NULL, NULL, NULL, NULL, \
        NULL, { -1, -1, 0 }, { -1, -1, 0 }, { -1, -1, 0 }, { -1, -1, 0 }, 0, NULL }

/** The number of codes in the registry (without NONE and UNKNOWN). */
IMAPERR_API size_t imaperr_code_count(void);

/** The i-th registry code (0 <= i < imaperr_code_count()), in table order;
 *  IMAPERR_CODE_NONE when i is out of range. */
IMAPERR_API imaperr_code imaperr_code_at(size_t i);

/** Look up a code by name, case-insensitively (as RFC 3501 requires).
 *  `name` need not be NUL-terminated. Returns IMAPERR_CODE_UNKNOWN when the
 *  name is not in the registry, IMAPERR_CODE_NONE for NULL or empty. */
IMAPERR_API imaperr_code imaperr_code_from_name(const char *name, size_t len);

/** The upper-case wire name of a code; "NONE"/"UNKNOWN" for the two
 *  pseudo codes; NULL for values this version does not know. */
IMAPERR_API const char *imaperr_code_name(imaperr_code code);

/** Fill `out` with the registry row of `code`. Returns IMAPERR_OK,
 *  IMAPERR_E_INVALID (NULL, bad size) or IMAPERR_E_UNKNOWN_NAME (not a
 *  registry code). */
IMAPERR_API int imaperr_code_info_get(imaperr_code code, imaperr_code_info *out);

/** Stable names of the vocabularies (as in the JSON output), or NULL for
 *  unknown values. */
IMAPERR_API const char *imaperr_category_name(imaperr_category cat);
IMAPERR_API const char *imaperr_action_name(imaperr_action act);
IMAPERR_API const char *imaperr_status_name(imaperr_status status);
IMAPERR_API const char *imaperr_source_name(imaperr_source source);
IMAPERR_API const char *imaperr_severity_name(imaperr_severity severity);
IMAPERR_API const char *imaperr_kind_name(imaperr_kind kind);

/** Reverse lookups (exact, lower-case names): the value, or
 *  IMAPERR_E_UNKNOWN_NAME. */
IMAPERR_API int imaperr_category_from_name(const char *name);
IMAPERR_API int imaperr_action_from_name(const char *name);

/* ------------------------------------------------------------------------ */
/* Retry advice                                                               */
/* ------------------------------------------------------------------------ */

/* The advisor turns a failure (a classified response, or no response at
 * all) into what to do next: one action of the DESIGN.md vocabulary, a
 * delay, a scope, a reason and flags. doc/retry.md explains the design and
 * the invariants; doc/retry-policy.md is the default table (generated from
 * lib/retry-policy.tsv).
 *
 * The library never reads a clock, never sleeps and never uses a global
 * random source: the caller passes the time (`now_ms`, any monotonic clock
 * in milliseconds, below 2^62) and a random source (imaperr_random), so the
 * same inputs always give the same advice.
 *
 * Objects, all caller-allocated, none allocating:
 *   imaperr_retry_policy  parameters; IMAPERR_RETRY_POLICY_INIT is the
 *                         default policy; imaperr_retry_policy_set() changes
 *                         one parameter after validating it;
 *   imaperr_retry_state   one per account: pauses, the credential latch,
 *                         failed logins, the retry token bucket, failing
 *                         items; imaperr_retry_state_export()/_import()
 *                         keep it across restarts;
 *   imaperr_retry_op      one per operation (a command and its retries):
 *                         the command, what the caller knows about it, the
 *                         start and deadline; imaperr_advise() counts the
 *                         attempts and the pre-actions used in it;
 *   imaperr_random        the random source: a seeded built-in generator
 *                         or the caller's function.
 *
 * Use: before starting an operation or sending LOGIN/AUTHENTICATE, call
 * imaperr_admit(); after a failure, imaperr_advise(); after a success,
 * imaperr_retry_success().
 *
 * Thread safety: the functions keep no hidden state. imaperr_advise(),
 * imaperr_admit() and imaperr_retry_success() modify the state (and
 * imaperr_advise() the operation) they are given: one state per account;
 * a state shared between threads (several connections of one account)
 * must be locked by the caller around each call. Distinct states are
 * independent. A policy is only read and may be shared freely. */

/** What happened to the command that failed. */
typedef enum imaperr_outcome {
    /** A response arrived (tagged NO/BAD, untagged BYE or NO, or a
     *  warning with OK): pass its classification. */
    IMAPERR_OUTCOME_RESPONSE = 0,
    /** The command was sent and nothing came back in time. */
    IMAPERR_OUTCOME_TIMEOUT = 1,
    /** The connection broke (reset, EOF, TLS error) while the command was
     *  in flight. */
    IMAPERR_OUTCOME_CONNECTION_LOST = 2,
    /** An untagged BYE arrived while the command was in flight; its
     *  classification may be passed (BYE [UNAVAILABLE], ...). */
    IMAPERR_OUTCOME_BYE_IN_FLIGHT = 3,
    /** Connecting, the TLS handshake or the greeting failed: nothing of the
     *  operation was sent. */
    IMAPERR_OUTCOME_CONNECT_FAILED = 4
} imaperr_outcome;

/** What the advice applies to. */
typedef enum imaperr_scope {
    /** This command (the rest of the session goes on). */
    IMAPERR_SCOPE_COMMAND = 0,
    /** This connection (open a new one). */
    IMAPERR_SCOPE_CONNECTION = 1,
    /** Every connection and command of the account: see
     *  imaperr_advice.account_resume_ms and imaperr_admit(). */
    IMAPERR_SCOPE_ACCOUNT = 2
} imaperr_scope;

/** How the operation authenticates. UNKNOWN: derived from the command
 *  (AUTHENTICATE XOAUTH2 or OAUTHBEARER: OAuth; other LOGIN/AUTHENTICATE:
 *  password). */
typedef enum imaperr_auth {
    IMAPERR_AUTH_UNKNOWN = 0,
    IMAPERR_AUTH_PASSWORD = 1,
    IMAPERR_AUTH_OAUTH = 2
} imaperr_auth;

/** Why the advice is what it is. */
typedef enum imaperr_advice_reason {
    /** Nothing failed (imaperr_admit() lets the operation start now). */
    IMAPERR_REASON_NONE = 0,
    /** The row `rule` of the policy table decided. */
    IMAPERR_REASON_RULE = 1,
    /** The operation used all its attempts (max-attempts); hints never add
     *  attempts. */
    IMAPERR_REASON_MAX_ATTEMPTS = 2,
    /** The delay would end after the operation's deadline. */
    IMAPERR_REASON_DEADLINE = 3,
    /** The account's retry token bucket is at or below half: no retries
     *  until successes refill it (new operations still start). */
    IMAPERR_REASON_RETRY_BUDGET = 4,
    /** The server rejected this credential generation; only a new one (or
     *  the one automatic OAuth refresh) may log in. */
    IMAPERR_REASON_CREDENTIAL_LATCHED = 5,
    /** Too many failed logins recently: the next login waits. */
    IMAPERR_REASON_LOGIN_RATE = 6,
    /** A command that is not safe to replay may have run: reconnect and
     *  verify before doing anything else. */
    IMAPERR_REASON_OUTCOME_UNKNOWN = 7,
    /** The server's suggested wait lengthened the delay. */
    IMAPERR_REASON_SERVER_HINT = 8,
    /** The account is paused (throttling, connection failures, given-up
     *  operations): the delay runs to the end of the pause. */
    IMAPERR_REASON_ACCOUNT_PAUSED = 9,
    /** This item kept failing while others succeeded: skip it. */
    IMAPERR_REASON_POISON_ITEM = 10,
    /** The pre-action this failure asks for (NOOP, STARTTLS, CREATE,
     *  re-SELECT, token refresh) was already used in this operation. */
    IMAPERR_REASON_PREACTION_USED = 11,
    /** A replayed CREATE or DELETE found the work already done. */
    IMAPERR_REASON_GOAL_REACHED = 12,
    /** The command addresses messages by sequence number, which mean other
     *  messages on a new connection: map them again (by UID) first. */
    IMAPERR_REASON_SEQNUMS = 13
} imaperr_advice_reason;

/* Bits of imaperr_advice.flags. */
/** Show the server's text (or the library's message) to the user. */
#define IMAPERR_ADVICE_SHOW_USER          (1u << 0)
/** The command may have run: after reconnecting, check whether it took
 *  effect (search for the Message-Id, look at the mailbox) before sending
 *  it again; never replay it blindly. */
#define IMAPERR_ADVICE_VERIFY_FIRST       (1u << 1)
/** Use fewer simultaneous connections for this account. */
#define IMAPERR_ADVICE_REDUCE_CONNECTIONS (1u << 2)
/** Send commands less often on this account. */
#define IMAPERR_ADVICE_REDUCE_RATE        (1u << 3)
/** Give up on this item (imaperr_retry_op.item) and go on with the rest;
 *  imaperr_admit() refuses it until imaperr_retry_success() reports it. */
#define IMAPERR_ADVICE_SKIP_ITEM          (1u << 4)
/** SELECT the mailbox again before the retry. */
#define IMAPERR_ADVICE_RESELECT           (1u << 5)
/** reauthenticate: refresh the OAuth token (no user involved), then log
 *  in with it as a new credential generation. */
#define IMAPERR_ADVICE_REFRESH_TOKEN      (1u << 6)
/** The credential generation is latched: it is never sent again. */
#define IMAPERR_ADVICE_LATCHED            (1u << 7)
/** The server's suggested wait (imaperr_classification.hint_backoff_ms)
 *  lengthened the delay. */
#define IMAPERR_ADVICE_HINT_USED          (1u << 8)
/** The classification was a guess (IMAPERR_FLAG_UNCERTAIN); a user
 *  interface may offer to try again. */
#define IMAPERR_ADVICE_UNCERTAIN          (1u << 9)

/* Bits of imaperr_retry_op.flags: what the caller knows. */
/** Replaying the command is harmless even though the command table says
 *  otherwise (an APPEND verified absent, STORE with UNCHANGEDSINCE). */
#define IMAPERR_OP_IDEMPOTENT       (1u << 0)
/** Replaying the command could do harm although the command table thinks
 *  it safe. Wins over IMAPERR_OP_IDEMPOTENT. */
#define IMAPERR_OP_NOT_IDEMPOTENT   (1u << 1)
/** The command addresses messages by sequence number (derived for FETCH,
 *  STORE, COPY, MOVE without UID; set it for others). Such a command is
 *  never replayed on a new connection. */
#define IMAPERR_OP_SEQNUMS          (1u << 2)
/** The connection is already encrypted (TLS from the start or STARTTLS). */
#define IMAPERR_OP_TLS_ACTIVE       (1u << 3)
/** The command ran on a connection opened to retry it (after reconnect). */
#define IMAPERR_OP_AFTER_RECONNECT  (1u << 4)
/** The command was sent again after an attempt whose outcome was unknown
 *  (and verification found nothing). */
#define IMAPERR_OP_REPLAYED         (1u << 5)

/* Bits of imaperr_retry_op.preactions: the pre-actions advised so far in
 * the operation; each is advised at most once. */
#define IMAPERR_PRE_NOOP      (1u << 0)
#define IMAPERR_PRE_STARTTLS  (1u << 1)
#define IMAPERR_PRE_CREATE    (1u << 2)
#define IMAPERR_PRE_RESELECT  (1u << 3)
#define IMAPERR_PRE_REFRESH   (1u << 4)

/** Jitter applied to a backoff ceiling c (values of the *-jitter
 *  parameters). */
typedef enum imaperr_jitter {
    /** Exactly c (no jitter: for comparisons only). */
    IMAPERR_JITTER_NONE = 0,
    /** Uniform in [c/2, c]: keeps a floor. */
    IMAPERR_JITTER_EQUAL = 1,
    /** Uniform in [0, c] ("full jitter"). */
    IMAPERR_JITTER_FULL = 2
} imaperr_jitter;

/** Policy parameters (keys of imaperr_retry_policy_set()). Defaults,
 *  ranges and reasons: doc/retry-policy.md. Durations are milliseconds,
 *  multipliers percent (200 = x2), tokens thousandths. Append only. */
typedef enum imaperr_retry_param {
    IMAPERR_RETRY_MAX_ATTEMPTS = 0,
    IMAPERR_RETRY_TRANSIENT_BASE = 1,
    IMAPERR_RETRY_TRANSIENT_MULTIPLIER = 2,
    IMAPERR_RETRY_TRANSIENT_MAX = 3,
    IMAPERR_RETRY_TRANSIENT_JITTER = 4,
    IMAPERR_RETRY_IN_USE_BASE = 5,
    IMAPERR_RETRY_IN_USE_MULTIPLIER = 6,
    IMAPERR_RETRY_IN_USE_MAX = 7,
    IMAPERR_RETRY_IN_USE_JITTER = 8,
    IMAPERR_RETRY_THROTTLE_BASE = 9,
    IMAPERR_RETRY_THROTTLE_MULTIPLIER = 10,
    IMAPERR_RETRY_THROTTLE_MAX = 11,
    IMAPERR_RETRY_THROTTLE_JITTER = 12,
    IMAPERR_RETRY_BANDWIDTH_BASE = 13,
    IMAPERR_RETRY_BANDWIDTH_MULTIPLIER = 14,
    IMAPERR_RETRY_BANDWIDTH_MAX = 15,
    IMAPERR_RETRY_BANDWIDTH_JITTER = 16,
    IMAPERR_RETRY_RECONNECT_BASE = 17,
    IMAPERR_RETRY_RECONNECT_MULTIPLIER = 18,
    IMAPERR_RETRY_RECONNECT_MAX = 19,
    IMAPERR_RETRY_RECONNECT_JITTER = 20,
    IMAPERR_RETRY_ACCOUNT_BASE = 21,
    IMAPERR_RETRY_ACCOUNT_MULTIPLIER = 22,
    IMAPERR_RETRY_ACCOUNT_MAX = 23,
    IMAPERR_RETRY_ACCOUNT_JITTER = 24,
    IMAPERR_RETRY_DEADLINE = 25,
    IMAPERR_RETRY_HINT_MAX = 26,
    IMAPERR_RETRY_HINT_SPREAD = 27,
    IMAPERR_RETRY_TOKENS_MAX = 28,
    IMAPERR_RETRY_TOKEN_COST = 29,
    IMAPERR_RETRY_TOKEN_REFUND = 30,
    IMAPERR_RETRY_LOGIN_FAILURES = 31,
    IMAPERR_RETRY_LOGIN_WINDOW = 32,
    IMAPERR_RETRY_LOGIN_COOLDOWN = 33,
    IMAPERR_RETRY_OAUTH_REFRESHES = 34,
    IMAPERR_RETRY_POISON_LIMIT = 35,
    IMAPERR_RETRY_PACE = 36
} imaperr_retry_param;

/** Hard limits that no policy can exceed (imaperr_retry_policy_set()
 *  refuses larger values): attempts per operation; failed logins per
 *  login window, and the shortest window. At most 2 failed logins in any
 *  10 minutes stays below fail2ban-style jails (3 failures in 10 minutes
 *  is a common setting; the fail2ban default is 5). */
#define IMAPERR_RETRY_ATTEMPTS_CAP 5
#define IMAPERR_RETRY_LOGIN_FAILURES_CAP 2
#define IMAPERR_RETRY_LOGIN_WINDOW_MIN_MS 600000

/** A retry policy. The members are private: read and change them with
 *  imaperr_retry_policy_get() and imaperr_retry_policy_set(). A policy
 *  initialised with IMAPERR_RETRY_POLICY_INIT (all zero) is the default
 *  policy, meant to be usable unchanged by a sync daemon. */
typedef struct imaperr_retry_policy {
    size_t size;
    uint64_t set_;
    uint64_t value_[48];
} imaperr_retry_policy;

#define IMAPERR_RETRY_POLICY_INIT { sizeof(imaperr_retry_policy), 0, { 0 } }

/** Set one parameter after checking its range (doc/retry-policy.md).
 *  Returns IMAPERR_OK, IMAPERR_E_INVALID (NULL, bad size, or the value is
 *  out of range: the policy is then unchanged) or IMAPERR_E_UNKNOWN_NAME
 *  (no such parameter). */
IMAPERR_API int imaperr_retry_policy_set(imaperr_retry_policy *policy, imaperr_retry_param param,
                                         uint64_t value);

/** Read one parameter (its default when it was never set) into *value.
 *  Returns IMAPERR_OK, IMAPERR_E_INVALID or IMAPERR_E_UNKNOWN_NAME. */
IMAPERR_API int imaperr_retry_policy_get(const imaperr_retry_policy *policy,
                                         imaperr_retry_param param, uint64_t *value);

/** The parameter's name as in doc/retry-policy.md ("max-attempts"), or
 *  NULL for values this version does not know. */
IMAPERR_API const char *imaperr_retry_param_name(imaperr_retry_param param);

/** The parameter called `name`, or IMAPERR_E_UNKNOWN_NAME. */
IMAPERR_API int imaperr_retry_param_from_name(const char *name);

/** A per-account retry state. The members are private; all zero
 *  (IMAPERR_RETRY_STATE_INIT) is an account with no history. Copying the
 *  struct copies the state; imaperr_retry_state_export() makes it
 *  portable. */
typedef struct imaperr_retry_state {
    size_t size;
    uint64_t opaque_[96];
} imaperr_retry_state;

#define IMAPERR_RETRY_STATE_INIT { sizeof(imaperr_retry_state), { 0 } }

/** One operation: a command and its retries. Fill it once before the first
 *  attempt (start with IMAPERR_RETRY_OP_INIT); imaperr_advise() updates
 *  `attempts` and `preactions`. */
typedef struct imaperr_retry_op {
    size_t size;
    /** The command ("APPEND", "UID FETCH", "AUTHENTICATE XOAUTH2"); only
     *  the command word (after UID) and, for AUTHENTICATE, the mechanism
     *  are read. NULL or unknown: treated as not safe to replay. The string
     *  is not kept. */
    const char *command;
    /** IMAPERR_OP_* bits. */
    unsigned flags;
    imaperr_auth auth;
    /** The credential generation the operation logs in with: change it
     *  whenever the password or token changes (a refreshed OAuth token is a
     *  new generation). */
    uint32_t credential;
    /** The item the operation works on (e.g. a hash of mailbox,
     *  UIDVALIDITY and UID), for skipping items that keep failing;
     *  0 for none. */
    uint64_t item;
    /** When the operation started, on the caller's clock. */
    uint64_t start_ms;
    /** Absolute deadline for all attempts; 0: start_ms plus the policy's
     *  `deadline` (when that is 0 too: none). */
    uint64_t deadline_ms;
    /** Failed attempts so far; imaperr_advise() adds one per failure. */
    uint32_t attempts;
    /** IMAPERR_PRE_* bits used; imaperr_advise() adds the one it advises. */
    unsigned preactions;
} imaperr_retry_op;

#define IMAPERR_RETRY_OP_INIT { sizeof(imaperr_retry_op), NULL, 0, IMAPERR_AUTH_UNKNOWN, 0, 0, 0, 0, 0, 0 }

/** The advice. */
typedef struct imaperr_advice {
    size_t size;
    /** What to do: none (carry on, after delay_ms), retry-backoff,
     *  retry-after-noop, retry-after-starttls, retry-after-create,
     *  reconnect, reauthenticate, user-action or fail. */
    imaperr_action action;
    /** The category the advice is based on: the classification's, refined
     *  (NO [OVERQUOTA] to a read is `throttled`; no response is
     *  `connection`). */
    imaperr_category category;
    imaperr_scope scope;
    imaperr_advice_reason reason;
    /** IMAPERR_ADVICE_* bits. */
    unsigned flags;
    /** Wait this long before the action; 0 for fail and user-action. */
    uint64_t delay_ms;
    /** now_ms + delay_ms. */
    uint64_t not_before_ms;
    /** When the account's pause ends (no new operation or connection
     *  before; imaperr_admit() enforces it), or 0 when it is not paused. */
    uint64_t account_resume_ms;
    /** The attempt that failed (1 = the first), and how many more the
     *  operation may make (0 unless the action retries). */
    uint32_t attempt;
    uint32_t attempts_left;
    /** The row of the policy table that matched (1-based, as numbered in
     *  doc/retry-policy.md); 0 from imaperr_admit(). */
    unsigned rule;
} imaperr_advice;

#define IMAPERR_ADVICE_INIT { sizeof(imaperr_advice), IMAPERR_ACT_NONE, IMAPERR_CAT_OK, \
        IMAPERR_SCOPE_COMMAND, IMAPERR_REASON_NONE, 0, 0, 0, 0, 0, 0, 0 }

/** A random source. With `next` NULL the built-in generator is used: the
 *  SplitMix64 sequence over `state` (any seed, 0 included, is fine). With
 *  `next` set, it is called with `ctx` and must return 64 uniformly
 *  distributed bits. The caller owns the state; one source must not be
 *  used by two threads at once. */
typedef struct imaperr_random {
    uint64_t (*next)(void *ctx);
    void *ctx;
    uint64_t state;
} imaperr_random;

#define IMAPERR_RANDOM_INIT(seed) { NULL, NULL, (uint64_t)(seed) }

/** The next 64 random bits from r (0 when r is NULL). A random value v
 *  picks a delay in [lo, hi] as lo + floor(v * (hi - lo + 1) / 2^64): v = 0
 *  gives lo, v = UINT64_MAX gives hi. */
IMAPERR_API uint64_t imaperr_random_next(imaperr_random *r);

/**
 * Advise what to do after a failure.
 *
 * @param policy   the policy (IMAPERR_RETRY_POLICY_INIT for the defaults).
 * @param state    the account's state; updated (pauses, latch, failed
 *                 logins, token bucket, failing items).
 * @param op       the operation; `attempts` and `preactions` are updated.
 * @param outcome  what happened (IMAPERR_OUTCOME_*).
 * @param c        the classification of the response; required with
 *                 IMAPERR_OUTCOME_RESPONSE, optional with BYE_IN_FLIGHT,
 *                 ignored otherwise (may be NULL).
 * @param now_ms   the caller's clock, in milliseconds, below 2^62.
 * @param rnd      the random source for jitter.
 * @param out      the advice (IMAPERR_ADVICE_INIT).
 * @return IMAPERR_OK, or IMAPERR_E_INVALID (a NULL pointer, a struct size
 *         too small, a value out of range, no classification for a
 *         response). Nothing is changed on error.
 *
 * Rules that hold for every valid policy (doc/retry.md): rejected
 * credentials are never resent (a new credential generation, or the one
 * automatic OAuth refresh per failure, lifts the latch); failed logins stay
 * within login-failures per login-window; a command not safe to replay
 * whose outcome is unknown is never retried blindly (reconnect +
 * VERIFY_FIRST); attempts, delays and server hints are capped, hints never
 * add attempts, one deadline spans all attempts; a per-account token bucket
 * stops retry storms; throttling and credential failures affect the whole
 * account; each pre-action happens at most once per operation; an item
 * that keeps failing is skipped. No allocation, no clock, no global state.
 */
IMAPERR_API int imaperr_advise(const imaperr_retry_policy *policy, imaperr_retry_state *state,
                               imaperr_retry_op *op, imaperr_outcome outcome,
                               const imaperr_classification *c, uint64_t now_ms,
                               imaperr_random *rnd, imaperr_advice *out);

/**
 * May the operation start now? Call before every new operation and before
 * every LOGIN/AUTHENTICATE (also after a reconnect).
 *
 * The answer is IMAPERR_ACT_NONE with delay_ms 0 (go), NONE with a delay
 * (the account is paused, or failed logins must age first: call again
 * then), IMAPERR_ACT_USER_ACTION or IMAPERR_ACT_REAUTHENTICATE (this
 * credential generation was rejected: never send it), or IMAPERR_ACT_FAIL
 * with IMAPERR_ADVICE_SKIP_ITEM (the item keeps failing). A login admitted
 * with delay 0 is counted as in flight until imaperr_advise() or
 * imaperr_retry_success() reports its outcome (unreported ones count as
 * failed for login-window). Seeing a newer credential generation lifts the
 * latch. Returns IMAPERR_OK or IMAPERR_E_INVALID.
 */
IMAPERR_API int imaperr_admit(const imaperr_retry_policy *policy, imaperr_retry_state *state,
                              const imaperr_retry_op *op, uint64_t now_ms, imaperr_advice *out);

/** Report a success (a tagged OK) of `op` (may be NULL): refills the token
 *  bucket, resets the account's backoff levels, forgets op->item's
 *  failures, and after LOGIN/AUTHENTICATE resolves the login in flight and
 *  re-arms the OAuth refresh. Account pauses already set still run out.
 *  Returns IMAPERR_OK or IMAPERR_E_INVALID. */
IMAPERR_API int imaperr_retry_success(const imaperr_retry_policy *policy, imaperr_retry_state *state,
                                      const imaperr_retry_op *op, uint64_t now_ms);

/** Room an exported state never exceeds. */
#define IMAPERR_RETRY_STATE_EXPORT_MAX 1024

/** Write `state` as a portable byte string (fixed little-endian layout,
 *  versioned) into buf, snprintf-style: returns the bytes needed, writing
 *  them only when they fit in cap. Times are stored relative to now_ms
 *  (time left in a pause, age of a failed login), so the state can be
 *  imported on another clock, e.g. after a restart: the pauses then run
 *  their remaining time again, which errs on the safe side. Returns
 *  IMAPERR_E_INVALID for NULL or bad sizes. */
IMAPERR_API int imaperr_retry_state_export(const imaperr_retry_state *state, uint64_t now_ms,
                                           unsigned char *buf, size_t cap);

/** Read a state written by imaperr_retry_state_export(), re-based on
 *  now_ms. Returns IMAPERR_OK, or IMAPERR_E_SYNTAX (not an exported state,
 *  an unknown version, a value out of range), IMAPERR_E_INVALID (NULL,
 *  bad size). On error *state is unchanged. */
IMAPERR_API int imaperr_retry_state_import(imaperr_retry_state *state, uint64_t now_ms,
                                           const unsigned char *buf, size_t len);

/** Stable names, as in the JSON output of `imaperr advise` ("account",
 *  "max-attempts", "timeout", "verify-first"), or NULL for unknown values
 *  (imaperr_advice_flag_name: unless `bit` is exactly one known bit). */
IMAPERR_API const char *imaperr_scope_name(imaperr_scope scope);
IMAPERR_API const char *imaperr_advice_reason_name(imaperr_advice_reason reason);
IMAPERR_API const char *imaperr_outcome_name(imaperr_outcome outcome);
IMAPERR_API const char *imaperr_advice_flag_name(unsigned bit);

/* ------------------------------------------------------------------------ */
/* Version                                                                    */
/* ------------------------------------------------------------------------ */

/** The library's version string ("0.1.0"). */
IMAPERR_API const char *imaperr_version(void);

/** NULL when the library is older than `required` ("MAJOR.MINOR.PATCH"),
 *  else the library's version string. NULL `required` just returns it. */
IMAPERR_API const char *imaperr_check_version(const char *required);

#ifdef __cplusplus
}
#endif

#endif /* IMAPERR_H */
