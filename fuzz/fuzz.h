/* fuzz.h - shared by the fuzz targets (fuzz/<name>_fuzzer.c) and the
 * replay driver (fuzz/main.c). Not installed, not part of the library. */
#ifndef IMAPERR_FUZZ_H
#define IMAPERR_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A property every input must keep; a violation aborts, so the fuzzing
 * engine (and the replay in `make check`) reports it like a crash. */
#define FUZZ_CHECK(cond) do { \
        if (!(cond)) { \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            abort(); \
        } \
    } while (0)

/* The libFuzzer entry point every target defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Input reader: the targets take their parameters (a command, a locale, a
 * seed) from the first bytes of the input and the rest as the line, so the
 * seed corpora stay readable: a seed is a few option bytes and then text. */
struct fuzz_input {
    const uint8_t *p;
    size_t n;
};

/* The next byte, or 0 when the input is used up. */
static inline unsigned
fuzz_byte(struct fuzz_input *in)
{
    unsigned b = 0;
    if (in->n > 0) {
        b = in->p[0];
        in->p++;
        in->n--;
    }
    return b;
}

/* The next 8 bytes as a little-endian number (missing bytes are 0). */
static inline uint64_t
fuzz_u64(struct fuzz_input *in)
{
    uint64_t v = 0;
    unsigned i;
    for (i = 0; i < 8; i++)
        v |= (uint64_t)fuzz_byte(in) << (8 * i);
    return v;
}

/* Split the rest at the first byte 0x01 (or take it all): the part before
 * goes to *a, the rest after it stays in `in`. */
static inline struct fuzz_input
fuzz_split(struct fuzz_input *in)
{
    struct fuzz_input a = *in;
    const uint8_t *sep = in->n ? memchr(in->p, 0x01, in->n) : NULL;
    if (sep == NULL) {
        in->p += in->n;
        in->n = 0;
        return a;
    }
    a.n = (size_t)(sep - in->p);
    in->n -= a.n + 1;
    in->p = sep + 1;
    return a;
}

/* Consume a value so the compiler cannot drop the call that made it. */
static inline void
fuzz_use(const void *p, size_t n)
{
    volatile unsigned char sink = 0;
    const unsigned char *c = p;
    size_t i;
    for (i = 0; i < n; i++)
        sink ^= c[i];
    (void)sink;
}

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, at
 * most U+10FFFF). */
static inline int
fuzz_valid_utf8(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i], len, k;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (n - i < len)
            return 0;
        for (k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

/* 1 when the text holds no C0/C1 control character or DEL (what
 * imaperr_sanitize_text() promises). */
static inline int
fuzz_no_controls(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i;
    for (i = 0; i < n; i++) {
        if (s[i] < 0x20 || s[i] == 0x7F)
            return 0;
        /* C1 controls U+0080..U+009F are C2 80..C2 9F in UTF-8 */
        if (s[i] == 0xC2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F)
            return 0;
    }
    return 1;
}

/* The snprintf contract of the library's text functions: a result below
 * cap was written whole and NUL-terminated; otherwise a cut, still
 * NUL-terminated, valid UTF-8 prefix. */
static inline void
fuzz_check_snprintf(int rc, const char *buf, size_t cap)
{
    FUZZ_CHECK(rc >= 0);
    if (cap == 0)
        return;
    if ((size_t)rc < cap) {
        FUZZ_CHECK(buf[rc] == '\0');
        FUZZ_CHECK(strlen(buf) == (size_t)rc);
    } else {
        FUZZ_CHECK(strlen(buf) < cap);
    }
    FUZZ_CHECK(fuzz_valid_utf8(buf, strlen(buf)));
}

#endif
