/* internal.h - declarations shared inside libimaperr; not installed. */
#ifndef IMAPERR_INTERNAL_H
#define IMAPERR_INTERNAL_H

#include <stddef.h>
#include "imaperr.h"

/* Internal symbols use the imaperr__ prefix; the version script hides them. */

enum imaperr__presence {
    IMAPERR__PRESENCE_NONE,
    IMAPERR__PRESENCE_REQUIRED,
    IMAPERR__PRESENCE_OPTIONAL
};

enum imaperr__check {
    IMAPERR__CHECK_NONE,
    IMAPERR__CHECK_RAW,
    IMAPERR__CHECK_PAREN,
    IMAPERR__CHECK_NZ32,
    IMAPERR__CHECK_MODSEQ,
    IMAPERR__CHECK_NZ32_OPT_UID,
    IMAPERR__CHECK_EVENTLIST
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
};
struct imaperr__command_row { const char *name; unsigned char role; };
struct imaperr__name_row { const char *name; unsigned short code; };

/* Generated tables (registry-data.c). */
extern const char *const imaperr__messages[];
extern const char *const imaperr__message_keys[];
extern const unsigned imaperr__message_count;
extern const unsigned imaperr__message_parse_error;
extern const struct imaperr__category_row imaperr__categories[];
extern const unsigned imaperr__category_count;
extern const struct imaperr__action_row imaperr__actions[];
extern const unsigned imaperr__action_count;
extern const struct imaperr__argtype_row imaperr__argtypes[];
extern const struct imaperr__command_row imaperr__commands[];
extern const unsigned imaperr__command_count;
extern const struct imaperr__code_row imaperr__codes[];
extern const unsigned imaperr__code_rows;
extern const unsigned short imaperr__code_index[];
extern const unsigned imaperr__code_max;
extern const struct imaperr__name_row imaperr__code_names[];
extern const unsigned imaperr__code_name_count;

/* Generated from po/LINGUAS (linguas.c): shipped catalog languages. */
extern const char *const imaperr__linguas[];
extern const unsigned imaperr__linguas_count;

/* registry.c */
const struct imaperr__code_row *imaperr__code_row(imaperr_code code);
int imaperr__command_role(const char *command);

/* util.c: snprintf-style copy of a UTF-8 string, cut at a character
 * boundary. Returns strlen(src). */
size_t imaperr__copy_out(const char *src, size_t srclen, char *buf, size_t cap);

#endif /* IMAPERR_INTERNAL_H */
