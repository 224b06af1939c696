/* wordings.h - the fallback on known server wordings (lib/wordings.tsv);
 * internal to libimaperr, not installed.
 *
 * lib/gen-wordings.awk generates the tables declared here
 * (lib/wordings-data.c); lib/wordings.c scans a response text with them;
 * lib/classify.c decides when a matching row applies. */
#ifndef IMAPERR_WORDINGS_H
#define IMAPERR_WORDINGS_H

#include <stddef.h>
#include <stdint.h>

#include "imaperr.h"

/* Status bits of a row (the STATUS column). */
#define IMAPERR__WST_OK      1u
#define IMAPERR__WST_NO      2u
#define IMAPERR__WST_BAD     4u
#define IMAPERR__WST_BYE     8u
#define IMAPERR__WST_PREAUTH 16u
#define IMAPERR__WST_CONT    32u

/* Pattern flags. */
#define IMAPERR__WP_ANCHOR 1u  /* only at the start of the text ('^') */
#define IMAPERR__WP_LEFT   2u  /* no letter or digit right before it */
#define IMAPERR__WP_RIGHT  4u  /* no letter or digit right after it */

/* What a pattern is for. */
enum imaperr__wp_kind {
    IMAPERR__WK_ROWS,       /* wording rows (imaperr__wc_pattern_rows) */
    IMAPERR__WK_BACKOFF,    /* hint: a number and a time unit follow */
    IMAPERR__WK_CONNLIMIT,  /* hint: a number follows */
    IMAPERR__WK_URL         /* hint: the pattern starts a web address */
};

/* The scan remembers where the last characters it fed came from; patterns
 * are at most 100 characters long (the generator checks), so this many
 * positions are enough to find where a match started. A power of two. */
#define IMAPERR__WC_RING 128

/* The automaton's states; transitions are in imaperr__wc_delta. */
struct imaperr__wc_state {
    unsigned short dict;      /* next state on the failure chain that ends a pattern, 0: none */
    unsigned short pattern;   /* the pattern ending here, 0xFFFF: none */
};

struct imaperr__wc_pattern {
    unsigned char len;
    unsigned char flags;      /* IMAPERR__WP_* */
    unsigned char kind;       /* enum imaperr__wp_kind */
    unsigned short first_row; /* in imaperr__wc_pattern_rows */
    unsigned short nrows;
};

/* One row of lib/wordings.tsv. */
struct imaperr__wording_row {
    const char *id;
    const char *family;
    unsigned char statuses;        /* IMAPERR__WST_* */
    unsigned char any_command;     /* COMMANDS is '*' */
    unsigned char unknown_command; /* '?' in COMMANDS */
    unsigned char nocode;          /* '-' in CODES */
    const char *commands;          /* "CREATE,RENAME" or NULL */
    const unsigned short *codes;   /* overridden codes, ending with IMAPERR_CODE_NONE; or NULL */
    imaperr_category category;
    imaperr_action action;
    short message;                 /* index into imaperr__message_keys, -1: the category's */
    const char *message_key;       /* that key, or NULL */
    unsigned char show;
    unsigned char confidence;
};

/* Generated (wordings-data.c). */
extern const unsigned imaperr__wordings_version;
extern const unsigned imaperr__wording_count;
extern const unsigned imaperr__wc_nstates;
extern const unsigned char imaperr__wc_class[256];
extern const unsigned imaperr__wc_nclasses;
extern const struct imaperr__wc_state imaperr__wc_states[];
/* nstates x nclasses: for a state's row and a byte class, the next state's
 * row (state x nclasses), plus IMAPERR__WC_MATCH when a pattern ends in
 * that state (imaperr__wc_out then names it) */
#define IMAPERR__WC_MATCH 0x80000000u
extern const uint32_t imaperr__wc_delta[];
/* per state: the first state whose pattern ends here (itself or along its
 * dictionary links), 0: none */
extern const unsigned short imaperr__wc_out[];
extern const unsigned short imaperr__wc_pattern_rows[];
extern const struct imaperr__wc_pattern imaperr__wc_patterns[];
extern const struct imaperr__wording_row imaperr__wordings[];

/* What the caller knows about the response. */
struct imaperr__wording_query {
    unsigned status_bit;     /* IMAPERR__WST_* of the response */
    const char *command;     /* the command word (after an optional UID), or NULL */
    size_t command_len;
    imaperr_code code;
    int code_decides;        /* the code's table cell decides the category */
};

/* What the scan found. */
struct imaperr__wording_result {
    int row;                 /* index into imaperr__wordings, -1: none applies */
    uint64_t backoff_ms;     /* 0: none stated (or not readable) */
    unsigned connection_limit; /* 0: none stated */
    imaperr_slice url;       /* { NULL, 0 }: none */
};

/* Scan `text` once: the first row (in table order) whose pattern occurs
 * and which applies to `q`, and the first readable value of each hint.
 * No allocation; linear in len. */
void imaperr__wordings_scan(const char *text, size_t len, const struct imaperr__wording_query *q,
                            struct imaperr__wording_result *out);

/* The command word of a command string as imaperr_classify() reads it
 * ("uid fetch 1:*" -> "fetch"); NULL for none. The caller checks that it
 * names a command of lib/vocabulary.tsv (imaperr__command_role()). */
const char *imaperr__wordings_command(const char *command, size_t *len);


#endif /* IMAPERR_WORDINGS_H */
