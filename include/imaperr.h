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
 *     the one-time gettext binding, done under pthread_once.
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
    /** Arguments are present and their outer shape is right; this version
     *  does not decode this argument type: use `code_args`. */
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
     *  (63-bit, non-zero) and MESSAGELIMIT (32-bit, non-zero). */
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
/* Classification                                                             */
/* ------------------------------------------------------------------------ */

/** Where a classification came from. */
typedef enum imaperr_source {
    /** Nothing to classify (data lines, continuations). */
    IMAPERR_SOURCE_NONE = 0,
    /** The response code, as the registry table says. */
    IMAPERR_SOURCE_CODE = 1,
    /** A known server wording (the fallback for servers without codes; not
     *  implemented in this version: never produced yet). */
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
/** Do not use known server wordings (reserved; the fallback comes later). */
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
    /** How sure the classification is, 0-100: 100 for a registered code,
     *  lower for guesses from the status and command (IMAPERR_FLAG_UNCERTAIN)
     *  or from a known server wording (source text-heuristic). */
    unsigned confidence;
    /** Hints the server gave in its text (0 or empty when absent):
     *  a suggested wait before retrying, in milliseconds; */
    uint64_t hint_backoff_ms;
    /** a URL to show the user (a slice of the parsed line: it lives as long
     *  as the line does); */
    imaperr_slice hint_url;
    /** the connection limit the server stated. */
    unsigned hint_connection_limit;
} imaperr_classification;

#define IMAPERR_CLASSIFICATION_INIT { sizeof(imaperr_classification), IMAPERR_CAT_OK, IMAPERR_ACT_NONE, \
        IMAPERR_SEVERITY_INFO, IMAPERR_SOURCE_NONE, 0, IMAPERR_CODE_NONE, IMAPERR_STATUS_NONE, 0, \
        0, 0, { NULL, 0 }, 0 }

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
 * Pure function; thread-safe; no allocation.
 */
IMAPERR_API int imaperr_classify(const imaperr_response *resp, const char *command,
                                 unsigned options, imaperr_classification *out);

/** Classify a line that imaperr_parse() rejected with `rc`: category
 *  unknown, action fail, source none, and the message for an unreadable
 *  reply. Returns IMAPERR_OK, or IMAPERR_E_INVALID when out is NULL or rc
 *  is not negative. */
IMAPERR_API int imaperr_classify_parse_error(int rc, imaperr_classification *out);

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
 * @param locale  NULL for the process's message locale (as gettext reads
 *                it), or a locale request: a POSIX locale ("de_AT.UTF-8"),
 *                a BCP 47 tag ("de-AT") or an Accept-Language list. The
 *                request is negotiated against the shipped catalogs (see
 *                imaperr_negotiate_locale()); English is the fallback.
 * @return bytes needed, snprintf-style (see the top of this header), or
 *         IMAPERR_E_INVALID (c NULL or c->size too small, or buf NULL with
 *         cap > 0).
 * The sentence never contains the server's text; show that separately,
 * through imaperr_sanitize_text().
 */
IMAPERR_API int imaperr_message(const imaperr_classification *c, const char *locale,
                                char *buf, size_t cap);

/**
 * Choose the best shipped message catalog for a locale request.
 *
 * Writes the catalog's language ("de", "pt_BR", ... or "en" for the
 * built-in English) into buf, snprintf-style. *fallback (when not NULL) is
 * set to 1 when nothing matched and English was chosen, else 0. A NULL or
 * empty request gives "en" without fallback. Of an Accept-Language list
 * longer than 255 bytes, the entries within the first 255 bytes are used. Uses ICU's negotiation
 * (uloc_acceptLanguage) against the list of languages built from
 * po/LINGUAS. Thread-safe.
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
