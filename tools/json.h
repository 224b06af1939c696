/* json.h - minimal JSON Lines writer for the imaperr tool. */
#ifndef IMAPERR_TOOL_JSON_H
#define IMAPERR_TOOL_JSON_H

#include <stdio.h>
#include <stddef.h>
#include <string.h>

/* Write s (valid UTF-8, len bytes) as a JSON string with quotes. */
void json_string(FILE *f, const char *s, size_t len);
/* Write "key": and the string (or null when s is NULL). */
void json_member_str(FILE *f, int *first, const char *key, const char *s, size_t len);
void json_member_cstr(FILE *f, int *first, const char *key, const char *s);
void json_member_bool(FILE *f, int *first, const char *key, int v);
void json_member_u64(FILE *f, int *first, const char *key, unsigned long long v);
/* Write "key": and leave the value to the caller. */
void json_key(FILE *f, int *first, const char *key);
/* Write an unsigned number in decimal. */
void json_u64(FILE *f, unsigned long long v);

/* The same into a growable memory buffer: a JSON line is composed there
 * and written with one call (jb_flush), which costs far less than one
 * stdio call per piece. Keys are the tool's own names (literals, and the
 * field names of lib/vocabulary.tsv): plain ASCII that needs no escape,
 * copied as they are. The small helpers are inline so that the length of
 * a literal key is known when compiling. */
struct jbuf {
    char *p;
    size_t len, cap;
};
/* Make room for `more` bytes (exits on out-of-memory, like xrealloc). */
void jb_grow(struct jbuf *b, size_t more);
void jb_string(struct jbuf *b, const char *s, size_t len);
/* jb_string() when s is printable ASCII only (0x20-0x7e), which is then
 * its own sanitised form; else -1, and nothing is written. */
int jb_string_ascii(struct jbuf *b, const char *s, size_t len);
void jb_u64(struct jbuf *b, unsigned long long v);
/* Write the buffer to f and empty it; returns 0, or EOF on a write error. */
int jb_flush(struct jbuf *b, FILE *f);
void jb_free(struct jbuf *b);

static inline void
jb_put(struct jbuf *b, const char *s, size_t len)
{
    if (b->cap - b->len < len)
        jb_grow(b, len);
    if (len)
        memcpy(b->p + b->len, s, len);
    b->len += len;
}

static inline void
jb_char(struct jbuf *b, char c)
{
    if (b->cap == b->len)
        jb_grow(b, 1);
    b->p[b->len++] = c;
}

static inline void
jb_key(struct jbuf *b, int *first, const char *key)
{
    size_t n = strlen(key);
    char *o;
    if (b->cap - b->len < n + 4)
        jb_grow(b, n + 4);
    o = b->p + b->len;
    if (!*first)
        *o++ = ',';
    *first = 0;
    *o++ = '"';
    memcpy(o, key, n);
    o += n;
    *o++ = '"';
    *o++ = ':';
    b->len = (size_t)(o - b->p);
}

static inline void
jb_member_str(struct jbuf *b, int *first, const char *key, const char *s, size_t len)
{
    jb_key(b, first, key);
    if (s)
        jb_string(b, s, len);
    else
        jb_put(b, "null", 4);
}

static inline void
jb_member_cstr(struct jbuf *b, int *first, const char *key, const char *s)
{
    jb_member_str(b, first, key, s, s ? strlen(s) : 0);
}

static inline void
jb_member_bool(struct jbuf *b, int *first, const char *key, int v)
{
    jb_key(b, first, key);
    if (v)
        jb_put(b, "true", 4);
    else
        jb_put(b, "false", 5);
}

static inline void
jb_member_u64(struct jbuf *b, int *first, const char *key, unsigned long long v)
{
    jb_key(b, first, key);
    jb_u64(b, v);
}

#endif
