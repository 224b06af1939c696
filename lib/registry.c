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

/* Role of a command name such as "uid fetch" or "AUTHENTICATE PLAIN": the
 * command word is hashed while it is scanned and looked up in the
 * generated hash table (lib/gen-registry.awk). */
int
imaperr__command_role(const char *command)
{
    const char *p = command, *w;
    size_t len;
    uint32_t h = 0;
    unsigned slot, e;

    if (p == NULL)
        return -1;
    while (*p == ' ')
        p++;
    w = p;
    for (; *p && *p != ' '; p++)
        h = IMAPERR__NAME_HASH_STEP(h, *p);
    len = (size_t)(p - w);
    if (len == 3 && cmp_name(w, 3, "UID") == 0) {
        while (*p == ' ')
            p++;
        w = p;
        for (h = 0; *p && *p != ' '; p++)
            h = IMAPERR__NAME_HASH_STEP(h, *p);
        len = (size_t)(p - w);
    }
    if (len == 0)
        return -1;
    for (slot = h & 255u; (e = imaperr__command_hash[slot]) != 0; slot = (slot + 1) & 255u) {
        const char *cand = imaperr__commands[e - 1].name;
        if (strnlen(cand, len + 1) == len && cmp_name(w, len, cand) == 0)
            return imaperr__commands[e - 1].role;
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
