/* registry.c - lookups over the generated registry tables. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const struct imaperr__code_row *
imaperr__code_row(imaperr_code code)
{
    unsigned c = (unsigned)code;
    if (c > imaperr__code_max || imaperr__code_index[c] == 0xFFFF)
        return NULL;
    return &imaperr__codes[imaperr__code_index[c]];
}

/* ASCII upper-casing that does not depend on the C locale. */
static int
ascii_upper(int c)
{
    return (c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c;
}

/* Compare a (name, len) key, case-insensitively, with an upper-case
 * NUL-terminated table name, in byte order. */
static int
cmp_name(const char *key, size_t len, const char *name)
{
    size_t i;
    for (i = 0; i < len; i++) {
        int a = ascii_upper((unsigned char)key[i]);
        int b = (unsigned char)name[i];
        if (b == 0)
            return 1;
        if (a != b)
            return a - b;
    }
    return name[len] == 0 ? 0 : -1;
}

/* One probe of the generated hash table (lib/gen-registry.awk computes the
 * same hash: h = h * 31 + (byte | 0x20) modulo 2^32), then the name itself
 * is compared; linear probing ends at an empty slot. */
imaperr_code
imaperr_code_from_name(const char *name, size_t len)
{
    uint32_t h = 0;
    size_t i;
    if (name == NULL || len == 0)
        return IMAPERR_CODE_NONE;
    for (i = 0; i < len; i++)
        h = IMAPERR__NAME_HASH_STEP(h, name[i]);
    return imaperr__code_lookup(name, len, h);
}

imaperr_code
imaperr__code_lookup(const char *name, size_t len, uint32_t h)
{
    unsigned slot, e;
    for (slot = h & (IMAPERR__CODE_HASH_SIZE - 1); (e = imaperr__code_hash[slot]) != 0;
         slot = (slot + 1) & (IMAPERR__CODE_HASH_SIZE - 1)) {
        const char *cand = imaperr__code_names[e - 1].name;
        /* the length first, then the usual upper-case spelling byte for
         * byte, and only then letter case folded */
        if (strnlen(cand, len + 1) == len &&
            (memcmp(cand, name, len) == 0 || cmp_name(name, len, cand) == 0))
            return (imaperr_code)imaperr__code_names[e - 1].code;
    }
    return IMAPERR_CODE_UNKNOWN;
}

/* Role of a command name such as "uid fetch" or "AUTHENTICATE PLAIN". One
 * pass over the command word (at most the longest name's length) folds it
 * to upper case and hashes it; a byte that no command name holds ends the
 * search at once. The generated hash table (lib/gen-registry.awk) then
 * gives the candidate, compared as one fixed-size block: names and the
 * folded word are both NUL-padded to IMAPERR__COMMAND_NAME_CAP bytes. */

/* the bytes a command name may hold (lib/gen-registry.awk checks: A-Z,
 * 0-9, '-'), upper-cased; 0 for every other byte */
#define CF_(c) ((c) >= 'a' && (c) <= 'z' ? (c) - 'a' + 'A' : \
                ((c) >= 'A' && (c) <= 'Z') || ((c) >= '0' && (c) <= '9') || (c) == '-' ? (c) : 0)
#define CF4_(c) CF_(c), CF_((c) + 1), CF_((c) + 2), CF_((c) + 3)
#define CF16_(c) CF4_(c), CF4_((c) + 4), CF4_((c) + 8), CF4_((c) + 12)
#define CF64_(c) CF16_(c), CF16_((c) + 16), CF16_((c) + 32), CF16_((c) + 48)
static const unsigned char command_fold[256] = { CF64_(0), CF64_(64), CF64_(128), CF64_(192) };

/* Fold the word at *pp (after spaces) into up (zeroed by the caller);
 * returns its length, or 0 when it cannot be a command name. */
static size_t
fold_word(const unsigned char **pp, unsigned char *up, uint32_t *hash)
{
    const unsigned char *p = *pp;
    size_t len = 0, max = imaperr__command_name_max;
    uint32_t h = 0;
    unsigned u;

    if (max > IMAPERR__COMMAND_NAME_CAP - 1)
        max = IMAPERR__COMMAND_NAME_CAP - 1;
    while (*p == ' ')
        p++;
    while ((u = command_fold[*p]) != 0) {
        if (len >= max)
            return 0;   /* longer than every command name */
        /* u | 0x20 == *p | 0x20 for every byte a name may hold */
        h = IMAPERR__NAME_HASH_STEP(h, u);
        up[len++] = (unsigned char)u;
        p++;
    }
    if (*p != ' ' && *p != '\0')
        return 0;       /* a byte no command name holds */
    *pp = p;
    *hash = h;
    return len;
}

int
imaperr__command_role(const char *command)
{
    const unsigned char *p = (const unsigned char *)command;
    unsigned char up[IMAPERR__COMMAND_NAME_CAP] = { 0 };
    size_t len;
    uint32_t h = 0;
    unsigned slot, e;

    if (p == NULL)
        return -1;
    len = fold_word(&p, up, &h);
    if (len == 3 && up[0] == 'U' && up[1] == 'I' && up[2] == 'D') {
        up[0] = up[1] = up[2] = 0;
        len = fold_word(&p, up, &h);
    }
    if (len == 0)
        return -1;
    for (slot = h & 255u; (e = imaperr__command_hash[slot]) != 0; slot = (slot + 1) & 255u) {
        const struct imaperr__command_row *c = &imaperr__commands[e - 1];
        if (memcmp(c->name, up, IMAPERR__COMMAND_NAME_CAP) == 0)
            return c->role;
    }
    return -1;
}

const char *
imaperr_code_name(imaperr_code code)
{
    const struct imaperr__code_row *row = imaperr__code_row(code);
    return row ? row->name : NULL;
}

size_t
imaperr_code_count(void)
{
    return imaperr__code_name_count;
}

imaperr_code
imaperr_code_at(size_t i)
{
    size_t k, seen = 0;
    for (k = 0; k < imaperr__code_rows; k++) {
        if (imaperr__codes[k].registration == IMAPERR__REG_PSEUDO)
            continue;
        if (seen++ == i)
            return (imaperr_code)imaperr__codes[k].code;
    }
    return IMAPERR_CODE_NONE;
}

static void
meaning(const struct imaperr__cell *cell, imaperr_status_meaning *m)
{
    m->category = cell->category;
    m->action = cell->category >= 0 ? cell->action : -1;
    m->weak = cell->weak;
}

int
imaperr_code_info_get(imaperr_code code, imaperr_code_info *out)
{
    static const char *const regs[] = { "pseudo", "registered", "obsolete", "unregistered" };
    const struct imaperr__code_row *row;
    imaperr_code_info info;

    if (out == NULL || out->size < sizeof(imaperr_code_info))
        return IMAPERR_E_INVALID;
    row = imaperr__code_row(code);
    if (row == NULL || row->registration == IMAPERR__REG_PSEUDO)
        return IMAPERR_E_UNKNOWN_NAME;
    memset(&info, 0, sizeof info);
    info.size = out->size;
    info.code = (imaperr_code)row->code;
    info.name = row->name;
    info.reference = row->reference;
    info.registration = regs[row->registration];
    info.args = imaperr__argtypes[row->argtype].name;
    info.example = row->example;
    meaning(&row->cells[IMAPERR__CELL_OK], &info.ok);
    meaning(&row->cells[IMAPERR__CELL_NO], &info.no);
    meaning(&row->cells[IMAPERR__CELL_BAD], &info.bad);
    meaning(&row->cells[IMAPERR__CELL_BYE], &info.bye);
    info.flags = row->show ? IMAPERR_FLAG_SHOW_USER : 0;
    info.message_key = row->message >= 0 ? imaperr__message_keys[row->message] : NULL;
    memcpy(out, &info, sizeof info);
    return IMAPERR_OK;
}

const char *
imaperr_category_name(imaperr_category cat)
{
    return (unsigned)cat < imaperr__category_count ? imaperr__categories[cat].name : NULL;
}

const char *
imaperr_action_name(imaperr_action act)
{
    return (unsigned)act < imaperr__action_count ? imaperr__actions[act].name : NULL;
}

int
imaperr_category_from_name(const char *name)
{
    unsigned i;
    if (name == NULL)
        return IMAPERR_E_UNKNOWN_NAME;
    for (i = 0; i < imaperr__category_count; i++)
        if (strcmp(name, imaperr__categories[i].name) == 0)
            return (int)i;
    return IMAPERR_E_UNKNOWN_NAME;
}

int
imaperr_action_from_name(const char *name)
{
    unsigned i;
    if (name == NULL)
        return IMAPERR_E_UNKNOWN_NAME;
    for (i = 0; i < imaperr__action_count; i++)
        if (strcmp(name, imaperr__actions[i].name) == 0)
            return (int)i;
    return IMAPERR_E_UNKNOWN_NAME;
}
