/* internal.h - declarations shared inside libimaperr; not installed. */
#ifndef IMAPERR_INTERNAL_H
#define IMAPERR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "imaperr.h"

/* Internal symbols use the imaperr__ prefix; the version script hides them. */

/* Byte classes for the parser's loops (one table lookup per byte instead of
 * a chain of comparisons); parse.c builds the table from the grammar's
 * rules with the preprocessor. ATOM-CHAR: any CHAR except atom-specials:
 * "(" ")" "{" SP CTL "%" "*" DQUOTE "\" "]" (RFC 3501 section 9). */
#define IMAPERR__CC_ATOM 1u   /* ATOM-CHAR */
#define IMAPERR__CC_TAG  2u   /* tag char: ASTRING-CHAR except "+" */
#define IMAPERR__CC_CTL  4u   /* a control byte the text must not hold (< 0x20, DEL) */
#define IMAPERR__CC_LOWER 8u  /* a lower-case ASCII letter */
#define IMAPERR__CC_ARGSTOP 16u /* '"', '(', ')' or ']' (code arguments) */
extern const unsigned char imaperr__char_class[256];

static inline int
imaperr__is_atom_char(unsigned char c)
{
    return (imaperr__char_class[c] & IMAPERR__CC_ATOM) != 0;
}

enum imaperr__presence {
    IMAPERR__PRESENCE_NONE,
    IMAPERR__PRESENCE_REQUIRED,
    IMAPERR__PRESENCE_OPTIONAL
};

enum imaperr__check {
    IMAPERR__CHECK_NONE,
    IMAPERR__CHECK_RAW,
    IMAPERR__CHECK_PAREN,
    IMAPERR__CHECK_FULL,
    IMAPERR__CHECK_EVENTLIST
};

/* Field types of the FIELDS recipes in lib/vocabulary.tsv. */
enum imaperr__field_type {
    IMAPERR__FT_NZ32 = 1, IMAPERR__FT_NUM32, IMAPERR__FT_MODSEQ, IMAPERR__FT_NNUMBER,
    IMAPERR__FT_UIDSET, IMAPERR__FT_SEQSET,
    IMAPERR__FT_ASTRING, IMAPERR__FT_QUOTED, IMAPERR__FT_NSTRING,
    IMAPERR__FT_URL_IMAP, IMAPERR__FT_URL_WEB, IMAPERR__FT_TEXT,
    IMAPERR__FT_ATOMS, IMAPERR__FT_FLAGS, IMAPERR__FT_CHARSETS, IMAPERR__FT_EVENTS,
    IMAPERR__FT_OBJECTID, IMAPERR__FT_WORD, IMAPERR__FT_WORDNUM,
    IMAPERR__FT_OPEN, IMAPERR__FT_OPEN_OPT, IMAPERR__FT_CLOSE,
    IMAPERR__FT_FILTERNAME
};

struct imaperr__field_spec {
    const char *name;        /* NULL for group tokens */
    unsigned char type;      /* enum imaperr__field_type */
    unsigned char optional;
    const char *words;       /* "A|B#|C" for word/wordnum, else NULL */
};

enum imaperr__role {
    IMAPERR__ROLE_OTHER,
    IMAPERR__ROLE_AUTH,
    IMAPERR__ROLE_SELECT,
    IMAPERR__ROLE_LOGOUT
};

enum imaperr__registration {
    IMAPERR__REG_PSEUDO,
    IMAPERR__REG_REGISTERED,
    IMAPERR__REG_OBSOLETE,
    IMAPERR__REG_UNREGISTERED
};

/* One status cell of a registry row. category -1: nothing special. */
struct imaperr__cell {
    signed char category;
    signed char action;
    short message;        /* -1: the category's message */
    unsigned char weak;
};

/* Cell order in imaperr__code_row.cells */
enum { IMAPERR__CELL_NO, IMAPERR__CELL_OK, IMAPERR__CELL_BAD, IMAPERR__CELL_BYE };

struct imaperr__code_row {
    unsigned short code;
    const char *name;
    const char *reference;
    unsigned char registration;
    unsigned char argtype;
    struct imaperr__cell cells[4];
    unsigned char action;
    unsigned char show;
    short message;
    const char *example;
};

struct imaperr__category_row { const char *name; unsigned short message; };
struct imaperr__action_row { const char *name; unsigned char retryable; };
struct imaperr__argtype_row {
    const char *name;
    unsigned char presence;
    unsigned char check;
    const char *grammar;
    unsigned short first_field;  /* index into imaperr__field_specs */
    unsigned char nfields;
};
/* name NUL-padded to a fixed size: lib/registry.c compares it as a block */
struct imaperr__command_row { char name[16]; unsigned char role; };
struct imaperr__name_row { const char *name; unsigned short code; };

/* Generated tables (registry-data.c). */
extern const char *const imaperr__messages[];
extern const char *const imaperr__message_keys[];
extern const char *const imaperr__messages_plural[];
extern const unsigned char imaperr__message_nargs[];
extern const unsigned imaperr__message_count;
extern const unsigned imaperr__message_parse_error;
extern const unsigned imaperr__message_server_said;
extern const struct imaperr__category_row imaperr__categories[];
extern const unsigned imaperr__category_count;
extern const struct imaperr__action_row imaperr__actions[];
extern const unsigned imaperr__action_count;
extern const struct imaperr__argtype_row imaperr__argtypes[];
extern const struct imaperr__field_spec imaperr__field_specs[];
extern const struct imaperr__command_row imaperr__commands[];
extern const unsigned imaperr__command_count;
/* the longest command name (lib/gen-registry.awk keeps it below the cap) */
extern const unsigned imaperr__command_name_max;
#define IMAPERR__COMMAND_NAME_CAP sizeof(((struct imaperr__command_row *)0)->name)
/* imaperr__commands by hash, as imaperr__code_hash below */
extern const unsigned char imaperr__command_hash[256];
extern const struct imaperr__code_row imaperr__codes[];
extern const unsigned imaperr__code_rows;
extern const unsigned short imaperr__code_index[];
extern const unsigned imaperr__code_max;
extern const struct imaperr__name_row imaperr__code_names[];
extern const unsigned imaperr__code_name_count;
/* imaperr__code_names by hash (see lib/gen-registry.awk): index + 1, 0 empty */
#define IMAPERR__CODE_HASH_SIZE 256u
extern const unsigned char imaperr__code_hash[IMAPERR__CODE_HASH_SIZE];

/* Generated from po/LINGUAS (linguas.c): shipped catalog languages. */
extern const char *const imaperr__linguas[];
extern const unsigned imaperr__linguas_count;

/* registry.c */
const struct imaperr__code_row *imaperr__code_row(imaperr_code code);
/* The hash of a code name that lib/gen-registry.awk uses: start with 0 and
 * step once per byte. */
#define IMAPERR__NAME_HASH_STEP(h, byte) ((h) * 31u + ((unsigned char)(byte) | 0x20u))
/* imaperr_code_from_name() for a caller that computed the hash already. */
imaperr_code imaperr__code_lookup(const char *name, size_t len, uint32_t hash);
int imaperr__command_role(const char *command);

/* args.c: decode the arguments `a` (n bytes) of a code with argument type
 * `argtype` into out (whose size member is set). Returns the state. */
int imaperr__args_decode(unsigned argtype, const char *a, size_t n, imaperr_args *out);

/* message.c: decode one UTF-8 sequence at s (n > 0 bytes): its length, and
 * the code point in *cp, or -1 (length 1) for an invalid byte. */
size_t imaperr__utf8_next(const unsigned char *s, size_t n, int32_t *cp);

/* util.c: snprintf-style copy of a UTF-8 string, cut at a character
 * boundary. Returns strlen(src). */
size_t imaperr__copy_out(const char *src, size_t srclen, char *buf, size_t cap);

#endif /* IMAPERR_INTERNAL_H */
