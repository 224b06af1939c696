/* lines.h - a deterministic generator of realistic IMAP response lines for
 * `make bench` (bench/bench-parse.c), bench/gen-lines and the allocation
 * test (tests/test-noalloc.c).
 *
 * The same seed, count and tables always give the same bytes. Random
 * numbers come from SplitMix64 (Steele, Lea, Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014): state += 0x9E3779B97F4A7C15,
 * then two xor-shift-multiply rounds (bench_rand_next()).
 *
 * What a line is (per mille of the lines, see bench_gen_mix in lines.c):
 *   - a status response with a registered code: every code of the registry
 *     in turn (imaperr_code_count()/imaperr_code_at()), its arguments taken
 *     from the registry's EXAMPLE (imaperr_code_info.example) with plain
 *     numbers redrawn, under a status the registry gives the code a
 *     meaning for, tagged or untagged;
 *   - tagged OK/NO/BAD and untagged OK/NO/BAD/BYE/PREAUTH without a code,
 *     with the wordings servers send;
 *   - the EXAMPLE lines of lib/wordings.tsv (real server wordings) and the
 *     server lines of examples/session.log, read from the source tree;
 *   - unknown codes (unregistered names, vendor-style X- names);
 *   - long CAPABILITY lines (untagged data and [CAPABILITY ...] codes);
 *   - untagged data (EXISTS, FETCH, SEARCH, LIST, STATUS, FLAGS) and
 *     continuation requests;
 *   - malformed lines (truncated, unclosed bracket, control bytes, binary,
 *     lower case, missing tag, extra spaces, not IMAP at all).
 * Every line ends in CRLF, as on the wire; no line contains LF or CR
 * elsewhere. Tags count up per simulated session. */
#ifndef IMAPERR_BENCH_LINES_H
#define IMAPERR_BENCH_LINES_H

#include <stddef.h>
#include <stdint.h>

/* The default seed of `make bench` and bench/gen-lines. */
#define BENCH_SEED UINT64_C(20260901)

/* Kinds of generated lines (bench_lines.count[kind]). */
enum bench_kind {
    BK_CODE,        /* registered code, arguments from the registry example */
    BK_TAGGED,      /* tagged OK/NO/BAD without code */
    BK_UNTAGGED,    /* untagged OK/NO/BAD/BYE/PREAUTH without code */
    BK_WORDING,     /* a lib/wordings.tsv EXAMPLE line */
    BK_SESSION,     /* a server line of examples/session.log */
    BK_UNKNOWN,     /* unknown or vendor-style code */
    BK_CAPABILITY,  /* long CAPABILITY line */
    BK_DATA,        /* untagged data */
    BK_CONTINUATION,/* "+ ..." */
    BK_MALFORMED,   /* malformed in one of several ways */
    BK_NKINDS
};

struct bench_lines {
    char *buf;            /* n lines, each ending in "\r\n" */
    size_t len;           /* bytes in buf */
    size_t n;             /* lines */
    unsigned char *cmd;   /* per line: index into bench_commands[], 0: none */
    size_t count[BK_NKINDS];
    size_t codes_used;    /* distinct registered codes that occur */
    size_t wording_rows;  /* EXAMPLE lines read from lib/wordings.tsv */
    size_t session_lines; /* server lines read from examples/session.log */
};

/* The command each line answers (bench_lines.cmd); [0] is NULL. */
extern const char *const bench_commands[];

const char *bench_kind_name(enum bench_kind k);

uint64_t bench_rand_next(uint64_t *state);

/* Generate n lines with the seed. srcdir is the source tree (for
 * lib/wordings.tsv and examples/session.log); when a file cannot be read,
 * its lines are replaced by other kinds and the count says 0. Returns 0,
 * or -1 when memory runs out. */
int bench_lines_generate(struct bench_lines *out, size_t n, uint64_t seed, const char *srcdir);

void bench_lines_free(struct bench_lines *l);

#endif
