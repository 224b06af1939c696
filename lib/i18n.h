/* i18n.h - internal interfaces of the translation machinery (issue 6):
 * the .mo catalog reader (catalog.c), the per-language state with its ICU
 * formatters (i18n.c) and the explain layer (explain.c). Not installed. */
#ifndef IMAPERR_I18N_H
#define IMAPERR_I18N_H

#include <stddef.h>
#include <stdint.h>

/* ---- catalog.c: a read-only, validated reader for GNU .mo files -------- */

/* A loaded catalog. Immutable after imaperr__catalog_load() returns, so any
 * number of threads may read it without locking. */
typedef struct imaperr__catalog imaperr__catalog;

/* Why a catalog was refused (imaperr__catalog_load's return value). */
enum imaperr__catalog_error {
    IMAPERR__CAT_OK = 0,
    IMAPERR__CAT_ENOENT = -1,     /* cannot open or read the file */
    IMAPERR__CAT_TOOBIG = -2,     /* larger than IMAPERR__CATALOG_MAX_BYTES */
    IMAPERR__CAT_MAGIC = -3,      /* not a .mo file */
    IMAPERR__CAT_REVISION = -4,   /* a major revision this reader does not know */
    IMAPERR__CAT_BOUNDS = -5,     /* a table or string outside the file */
    IMAPERR__CAT_UNTERMINATED = -6, /* a string without its NUL terminator */
    IMAPERR__CAT_UNSORTED = -7,   /* originals not in strictly ascending order */
    IMAPERR__CAT_CHARSET = -8,    /* the header declares a charset other than UTF-8 */
    IMAPERR__CAT_UTF8 = -9,       /* a string is not valid UTF-8 */
    IMAPERR__CAT_NOMEM = -10
};

#define IMAPERR__CATALOG_MAX_BYTES (16u * 1024u * 1024u)

/* Load and validate the catalog at `path`. On success *out is a new catalog
 * (free it with imaperr__catalog_free) and 0 is returned; otherwise one of
 * the negative IMAPERR__CAT_* values and *out is NULL. */
int imaperr__catalog_load(const char *path, imaperr__catalog **out);
/* The same from bytes in memory (copied). */
int imaperr__catalog_load_mem(const void *data, size_t len, imaperr__catalog **out);
void imaperr__catalog_free(imaperr__catalog *cat);
const char *imaperr__catalog_strerror(int err);

/* Lookups with exactly glibc's results (gettext/ngettext semantics):
 * the translation, or the msgid itself when there is none; for plural
 * lookups without an entry, msgid when n == 1, else msgid_plural. */
const char *imaperr__catalog_gettext(const imaperr__catalog *cat, const char *msgid);
const char *imaperr__catalog_ngettext(const imaperr__catalog *cat, const char *msgid,
                                      const char *msgid_plural, unsigned long n);
/* The translation of msgid (all plural forms, NUL-separated, with total
 * length in *len), or NULL when the catalog has no entry. */
const char *imaperr__catalog_find(const imaperr__catalog *cat, const char *msgid, size_t *len);

/* Entry access, for tests and tools: entry i (0 <= i < count) in file order. */
size_t imaperr__catalog_count(const imaperr__catalog *cat);
void imaperr__catalog_entry(const imaperr__catalog *cat, size_t i, const char **orig, size_t *orig_len,
                            const char **trans, size_t *trans_len);
/* The plural form index for n (already limited to 0 .. nplurals-1). */
unsigned long imaperr__catalog_plural_index(const imaperr__catalog *cat, unsigned long n);
unsigned long imaperr__catalog_nplurals(const imaperr__catalog *cat);
/* The value of a header field ("Language"), copied into buf (cut to fit);
 * returns 1 when the field exists, else 0 (buf empty). */
int imaperr__catalog_header_field(const imaperr__catalog *cat, const char *name, char *buf, size_t cap);
/* The same for a header string (as dgettext(domain, "") returns it). */
int imaperr__header_field(const char *header, const char *name, char *buf, size_t cap);

/* Plural-Forms expressions, as glibc's gettext reads them: a C expression
 * over the unsigned long variable n with ?:, ||, &&, ==, !=, <, >, <=, >=,
 * +, -, *, /, %, !, parentheses and decimal constants. Compiled into a
 * fixed array of nodes; no recursion deeper than the nesting limit. */
#define IMAPERR__PLURAL_MAX_NODES 96
#define IMAPERR__PLURAL_MAX_DEPTH 24
struct imaperr__plural_node {
    unsigned char op;
    unsigned char a, b, c;   /* operand node indices */
    unsigned long value;     /* for constants */
};
struct imaperr__plural {
    unsigned nnodes;
    unsigned root;
    struct imaperr__plural_node node[IMAPERR__PLURAL_MAX_NODES];
};
/* Parse `expr` up to its end (NUL, ';' or newline). 0 on success, -1 on a
 * syntax error or when the expression is too large or too deep. */
int imaperr__plural_parse(const char *expr, struct imaperr__plural *out);
/* Evaluate; a division or remainder by zero makes the result 0 (glibc
 * would raise SIGFPE). */
unsigned long imaperr__plural_eval(const struct imaperr__plural *p, unsigned long n);
/* Read "nplurals=N; plural=EXPR;" from a catalog header the way glibc
 * does; on any problem the Germanic default (2 forms, n != 1). */
void imaperr__plural_from_header(const char *header, struct imaperr__plural *out,
                                 unsigned long *nplurals);

/* ---- i18n.c: languages, catalogs, ICU formatting ----------------------- */

/* The languages the library knows: index 0 is the built-in English, the
 * others are po/LINGUAS in order (imaperr__linguas[i - 1]). */
unsigned imaperr__lang_count(void);
const char *imaperr__lang_name(unsigned lang);

/* Negotiate a request into a language index; *fallback as in
 * imaperr_negotiate_locale(). Results are cached. Returns 0 or a negative
 * imaperr_rc. */
int imaperr__negotiate(const char *request, unsigned *lang, int *fallback);

/* ICU's lazily created shared data, created once (see i18n.c). */
void imaperr__icu_ready(void);

/* The catalog of language `lang` (loaded on first use, kept for the life
 * of the process), or NULL for English or when it cannot be loaded. */
const imaperr__catalog *imaperr__lang_catalog(unsigned lang);

/* The directory with LL/LC_MESSAGES/libimaperr.mo: $IMAPERR_LOCALEDIR when
 * set (and the process is not set-user-ID), else the configured localedir. */
const char *imaperr__localedir(void);

/* Make sure bindtextdomain() has been called (once). */
void imaperr__bind_domain(void);

/* Values formatted for language `lang`, as UTF-8 into buf (snprintf-like;
 * returns the length or a negative value on failure). */
int imaperr__format_relative(unsigned lang, uint64_t ms, char *buf, size_t cap);
int imaperr__format_size(unsigned lang, uint64_t kib, char *buf, size_t cap);
int imaperr__format_count(unsigned lang, uint64_t n, char *buf, size_t cap);
/* The language's quotation marks (UTF-8, static for the process). */
void imaperr__quotes(unsigned lang, const char **open, const char **close);

/* imaperr_sanitize_text() into buf (cap > 0 bytes, text non-NULL when len
 * > 0) that stops reading the text once the output is cut: *cut says
 * whether it was; returns the bytes written (without the NUL). */
size_t imaperr__sanitize_prefix(const char *text, size_t len, char *buf, size_t cap, int *cut);

/* Cut valid UTF-8 text to at most max_graphemes user-perceived characters
 * and max_bytes bytes, at a grapheme boundary; appends U+2026 when cut.
 * `truncated_input` says the text was already cut at its end (its last
 * grapheme may be incomplete). Works in place; returns the new length. */
size_t imaperr__cap_text(char *text, size_t len, size_t room, unsigned max_graphemes,
                         size_t max_bytes, int truncated_input);

/* Decode an IMAP mailbox name for display: modified UTF-7 (RFC 3501) unless
 * `utf8` says it is UTF-8 already; names that do not decode are shown as
 * their bytes, sanitised. Writes sanitised UTF-8; returns the length (may
 * exceed cap - 1: then the output was cut and the caller should treat it as
 * truncated). */
size_t imaperr__decode_mailbox(const char *name, size_t len, int utf8, char *buf, size_t cap);

#endif /* IMAPERR_I18N_H */
