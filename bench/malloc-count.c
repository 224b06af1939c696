/* malloc-count.c - see malloc-count.h. */
#include <config.h>

#include <stddef.h>
#include <stdint.h>

#include "malloc-count.h"

#if defined(__SANITIZE_ADDRESS__)
#define MC_DISABLED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MC_DISABLED 1
#endif
#endif

#ifdef MC_DISABLED

int
malloc_count_available(void)
{
    return 0;
}

void
malloc_count_start(void)
{
}

uint64_t
malloc_count_stop(void)
{
    return 0;
}

uint64_t
malloc_count_get(void)
{
    return 0;
}

#else

/* glibc's own allocator entry points (exported by libc.so.6). */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);
extern void *__libc_valloc(size_t);
extern void *__libc_pvalloc(size_t);

static int counting;
static uint64_t count;

#define COUNT()                                                                \
    do {                                                                       \
        if (__atomic_load_n(&counting, __ATOMIC_RELAXED))                      \
            __atomic_fetch_add(&count, 1, __ATOMIC_RELAXED);                   \
    } while (0)

void *malloc(size_t n);
void free(void *p);

/* Under valgrind's memcheck the program's malloc is replaced too: check
 * once that an allocation is really seen. */
int
malloc_count_available(void)
{
    static int works = -1;
    if (works < 0) {
        void *(*volatile m)(size_t) = malloc;
        void *p;
        __atomic_store_n(&count, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&counting, 1, __ATOMIC_SEQ_CST);
        p = m(16);
        __atomic_store_n(&counting, 0, __ATOMIC_SEQ_CST);
        free(p);
        works = __atomic_load_n(&count, __ATOMIC_RELAXED) > 0;
    }
    return works;
}

void
malloc_count_start(void)
{
    __atomic_store_n(&count, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&counting, 1, __ATOMIC_SEQ_CST);
}

uint64_t
malloc_count_stop(void)
{
    __atomic_store_n(&counting, 0, __ATOMIC_SEQ_CST);
    return __atomic_load_n(&count, __ATOMIC_RELAXED);
}

uint64_t
malloc_count_get(void)
{
    return __atomic_load_n(&count, __ATOMIC_RELAXED);
}

/* The replacements, declared here (not from <stdlib.h>, to keep their
 * exact signatures in view). */
void *calloc(size_t k, size_t n);
void *realloc(void *p, size_t n);
void *memalign(size_t a, size_t n);
void *aligned_alloc(size_t a, size_t n);
int posix_memalign(void **out, size_t a, size_t n);
void *valloc(size_t n);
void *pvalloc(size_t n);

void *
malloc(size_t n)
{
    COUNT();
    return __libc_malloc(n);
}

void *
calloc(size_t k, size_t n)
{
    COUNT();
    return __libc_calloc(k, n);
}

void *
realloc(void *p, size_t n)
{
    if (n > 0)
        COUNT();
    return __libc_realloc(p, n);
}

void
free(void *p)
{
    __libc_free(p);
}

void *
memalign(size_t a, size_t n)
{
    COUNT();
    return __libc_memalign(a, n);
}

void *
aligned_alloc(size_t a, size_t n)
{
    COUNT();
    return __libc_memalign(a, n);
}

int
posix_memalign(void **out, size_t a, size_t n)
{
    void *p;
    if (a < sizeof(void *) || (a & (a - 1)) != 0)
        return 22; /* EINVAL */
    COUNT();
    p = __libc_memalign(a, n);
    if (p == NULL && n != 0)
        return 12; /* ENOMEM */
    *out = p;
    return 0;
}

void *
valloc(size_t n)
{
    COUNT();
    return __libc_valloc(n);
}

void *
pvalloc(size_t n)
{
    COUNT();
    return __libc_pvalloc(n);
}

#endif
