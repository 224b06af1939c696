/* malloc-count.h - count heap allocations made by anything in the process
 * (the library, ICU, libc), for the allocation figures of `make bench` and
 * tests/test-noalloc.c.
 *
 * bench/malloc-count.c defines malloc, calloc, realloc, free and the
 * aligned variants in the program itself; the dynamic linker then binds
 * every shared library's calls to them (glibc supports replacing malloc
 * this way), and they forward to glibc's __libc_* entry points. While
 * counting is on, each call that may allocate (malloc, calloc, realloc to a
 * non-zero size, the aligned ones) adds one; free is not counted.
 *
 * Not available when something else replaces malloc in the program:
 * AddressSanitizer (known at compile time) or valgrind's memcheck (seen at
 * run time: an allocation that is not counted). malloc_count_available()
 * is then 0 and the counts mean nothing. */
#ifndef IMAPERR_BENCH_MALLOC_COUNT_H
#define IMAPERR_BENCH_MALLOC_COUNT_H

#include <stdint.h>

/* 1 when the counter sees allocations, 0 under ASan or memcheck. */
int malloc_count_available(void);

/* Start counting from zero / stop; malloc_count_get() reads the count. */
void malloc_count_start(void);
uint64_t malloc_count_stop(void);
uint64_t malloc_count_get(void);

#endif
