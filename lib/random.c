/* random.c - the advisor's random source: the caller's function or the
 * built-in SplitMix64 generator over caller-owned state, and the mapping of
 * 64 random bits onto a range. No global state. */
#include <config.h>

#include "advise.h"

/* SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014): a Weyl sequence with the golden-ratio
 * increment, then a 64-bit finaliser. Every seed, 0 included, gives a full
 * period of 2^64; it is not for cryptography, which jitter does not need. */
static uint64_t
splitmix64(uint64_t *state)
{
    uint64_t z;
    *state += UINT64_C(0x9E3779B97F4A7C15);
    z = *state;
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

uint64_t
imaperr_random_next(imaperr_random *r)
{
    if (r == NULL)
        return 0;
    if (r->next)
        return r->next(r->ctx);
    return splitmix64(&r->state);
}

/* The high 64 bits of the 128-bit product a * b, without compiler
 * extensions. */
static uint64_t
mul_high(uint64_t a, uint64_t b)
{
    uint64_t alo = a & 0xFFFFFFFFu, ahi = a >> 32;
    uint64_t blo = b & 0xFFFFFFFFu, bhi = b >> 32;
    uint64_t p0 = alo * blo, p1 = alo * bhi, p2 = ahi * blo, p3 = ahi * bhi;
    uint64_t mid = (p0 >> 32) + (p1 & 0xFFFFFFFFu) + (p2 & 0xFFFFFFFFu);
    return p3 + (p1 >> 32) + (p2 >> 32) + (mid >> 32);
}

/* lo + floor(r * (hi - lo + 1) / 2^64): r = 0 gives lo, r = UINT64_MAX
 * gives hi, and the values in between are spread evenly (multiply-shift, no
 * modulo bias worth the name for spans far below 2^64). */
uint64_t
imaperr__uniform(uint64_t r, uint64_t lo, uint64_t hi)
{
    uint64_t span;
    if (hi <= lo)
        return lo;
    span = hi - lo;
    if (span == UINT64_MAX)
        return r;
    return lo + mul_high(r, span + 1);
}
