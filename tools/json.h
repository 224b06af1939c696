/* json.h - minimal JSON Lines writer for the imaperr tool. */
#ifndef IMAPERR_TOOL_JSON_H
#define IMAPERR_TOOL_JSON_H

#include <stdio.h>
#include <stddef.h>

/* Write s (valid UTF-8, len bytes) as a JSON string with quotes. */
void json_string(FILE *f, const char *s, size_t len);
/* Write "key": and the string (or null when s is NULL). */
void json_member_str(FILE *f, int *first, const char *key, const char *s, size_t len);
void json_member_cstr(FILE *f, int *first, const char *key, const char *s);
void json_member_bool(FILE *f, int *first, const char *key, int v);
void json_member_u64(FILE *f, int *first, const char *key, unsigned long long v);
/* Write "key": and leave the value to the caller. */
void json_key(FILE *f, int *first, const char *key);

#endif
