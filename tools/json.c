/* json.c - minimal JSON Lines writer for the imaperr tool. */
#include <config.h>

#include <string.h>

#include "json.h"

void
json_string(FILE *f, const char *s, size_t len)
{
    size_t i;
    putc('"', f);
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (c < 0x20 || c == 0x7f)
                fprintf(f, "\\u%04x", c);
            else
                putc(c, f);
        }
    }
    putc('"', f);
}

void
json_key(FILE *f, int *first, const char *key)
{
    if (!*first)
        putc(',', f);
    *first = 0;
    json_string(f, key, strlen(key));
    putc(':', f);
}

void
json_member_str(FILE *f, int *first, const char *key, const char *s, size_t len)
{
    json_key(f, first, key);
    if (s)
        json_string(f, s, len);
    else
        fputs("null", f);
}

void
json_member_cstr(FILE *f, int *first, const char *key, const char *s)
{
    json_member_str(f, first, key, s, s ? strlen(s) : 0);
}

void
json_member_bool(FILE *f, int *first, const char *key, int v)
{
    json_key(f, first, key);
    fputs(v ? "true" : "false", f);
}

void
json_member_u64(FILE *f, int *first, const char *key, unsigned long long v)
{
    json_key(f, first, key);
    fprintf(f, "%llu", v);
}
