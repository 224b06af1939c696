/* gen-lines - write the generated response lines of `make bench` to a file
 * (bench/lines.h says what they are): the input of the CLI rows of
 * bench/bench-parse, and of any other tool one wants to compare.
 *
 *   gen-lines [-n N] [--seed S] [--log] [--srcdir DIR] [-o FILE]
 *
 * -n       number of lines (default 1000000)
 * --seed   the SplitMix64 seed (default BENCH_SEED)
 * --log    write a session log for `imaperr scan`: "S: " before each
 *          response line, preceded by "C: TAG COMMAND" for tagged lines
 *          whose command is known
 * --srcdir the source tree with lib/wordings.tsv and examples/session.log
 * A summary goes to standard error. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif

static int
usage(void)
{
    fprintf(stderr, "usage: gen-lines [-n N] [--seed S] [--log] [--srcdir DIR] [-o FILE]\n");
    return 2;
}

int
main(int argc, char **argv)
{
    struct bench_lines l;
    size_t n = 1000000, i;
    uint64_t seed = BENCH_SEED;
    const char *srcdir = TOP_SRCDIR, *outpath = NULL;
    int log = 0, k;
    FILE *out = stdout;
    const char *p;

    for (k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--log") == 0)
            log = 1;
        else if (k + 1 < argc && strcmp(argv[k], "-n") == 0)
            n = strtoull(argv[++k], NULL, 10);
        else if (k + 1 < argc && strcmp(argv[k], "--seed") == 0)
            seed = strtoull(argv[++k], NULL, 0);
        else if (k + 1 < argc && strcmp(argv[k], "--srcdir") == 0)
            srcdir = argv[++k];
        else if (k + 1 < argc && strcmp(argv[k], "-o") == 0)
            outpath = argv[++k];
        else
            return usage();
    }
    if (n == 0)
        return usage();
    if (bench_lines_generate(&l, n, seed, srcdir) < 0) {
        fprintf(stderr, "gen-lines: out of memory\n");
        return 1;
    }
    if (outpath && (out = fopen(outpath, "wb")) == NULL) {
        perror(outpath);
        bench_lines_free(&l);
        return 1;
    }
    if (!log) {
        fwrite(l.buf, 1, l.len, out);
    } else {
        for (p = l.buf, i = 0; i < l.n; i++) {
            const char *e = memchr(p, '\n', (size_t)(l.buf + l.len - p));
            size_t len = (size_t)(e - p) + 1;
            if (l.cmd[i] && p[0] != '*' && p[0] != '+' && p[0] != ' ' && p[0] != '\r') {
                size_t t = strcspn(p, " \r");
                fprintf(out, "C: %.*s %s\r\n", (int)t, p, bench_commands[l.cmd[i]]);
            }
            fputs("S: ", out);
            fwrite(p, 1, len, out);
            p = e + 1;
        }
    }
    if (out != stdout ? fclose(out) != 0 : fflush(out) != 0) {
        perror(outpath ? outpath : "stdout");
        bench_lines_free(&l);
        return 1;
    }
    fprintf(stderr, "gen-lines: %zu lines, %zu bytes, mean %.1f bytes (with CRLF), seed %llu\n", l.n, l.len,
            (double)l.len / (double)l.n, (unsigned long long)seed);
    for (k = 0; k < BK_NKINDS; k++)
        fprintf(stderr, "  %-32s %9zu\n", bench_kind_name((enum bench_kind)k), l.count[k]);
    fprintf(stderr, "  registered codes used: %zu of the registry; wording rows %zu; session.log lines %zu\n",
            l.codes_used, l.wording_rows, l.session_lines);
    bench_lines_free(&l);
    return 0;
}
