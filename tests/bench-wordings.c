/* bench-wordings.c - what the wording fallback costs: ns per line for
 * imaperr_parse() + imaperr_classify() with the fallback on and off
 * (IMAPERR_CLASSIFY_NO_HEURISTICS), over real server lines, and the scan
 * rate over one long text. Run by `make bench-wordings` (and `make bench`);
 * not a test: it prints figures and never fails on them.
 *
 * Lines: the EXAMPLE of every row of lib/wordings.tsv, the lines of
 * tests/wordings-negative.tsv and, when found, the development corpus
 * ($IMAPERR_CORPUS, TOP_SRCDIR/../shared/corpus/realworld-dev.tsv,
 * /work/shared/corpus/realworld-dev.tsv), as tests/test-cli.py finds it. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "imaperr.h"
#include "tsv.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif

struct line {
    char *text;
    size_t len;
    char *command;
};

static struct line *lines;
static size_t nlines, caplines;

static void
add(const char *text, size_t len, const char *command)
{
    struct line *l;
    if (nlines == caplines) {
        caplines = caplines ? 2 * caplines : 256;
        lines = realloc(lines, caplines * sizeof *lines);
        if (lines == NULL)
            exit(1);
    }
    l = &lines[nlines++];
    l->text = malloc(len + 1);
    if (l->text == NULL)
        exit(1);
    memcpy(l->text, text, len);
    l->text[len] = '\0';
    l->len = len;
    l->command = NULL;
    if (command && *command && strcmp(command, "-") != 0 && strcmp(command, "*") != 0 && command[0] != '(') {
        size_t n = strcspn(command, ",?");
        l->command = malloc(n + 1);
        if (l->command == NULL)
            exit(1);
        memcpy(l->command, command, n);
        l->command[n] = '\0';
    }
}

/* Read a TSV file; for each data row call take(cols, ncols). */
static int
load(const char *path, void (*take)(char **col, int n))
{
    FILE *f = fopen(path, "r");
    char buf[65536];
    if (f == NULL)
        return 0;
    while (fgets(buf, sizeof buf, f)) {
        char *col[16];
        int n = tsv_split(buf, col, 16);
        if (n == 0)
            continue;
        take(col, n);
    }
    fclose(f);
    return 1;
}

static void
take_wording(char **col, int n)
{
    if (n == 14 && strcmp(col[0], "wording") == 0)
        add(col[12], strlen(col[12]), col[4]);
}

static void
take_negative(char **col, int n)
{
    if (n == 5)
        add(col[1], strlen(col[1]), col[0]);
}

static int corpus_header = 1;

static void
take_corpus(char **col, int n)
{
    char cmd[64];
    size_t k;
    if (corpus_header) {
        corpus_header = 0;
        return;
    }
    if (n < 3)
        return;
    /* the command column: its first word (UID kept with the next one) */
    snprintf(cmd, sizeof cmd, "%s", col[2]);
    k = strcspn(cmd, " ");
    if (strncmp(cmd, "UID ", 4) == 0)
        k = 4 + strcspn(cmd + 4, " ");
    cmd[k] = '\0';
    add(col[0], strlen(col[0]), cmd);
}

static double
now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static volatile unsigned sink;

/* ns per line over all lines, `rounds` times, best of 5 runs. */
static double
run(unsigned options, unsigned rounds)
{
    double best = 0;
    int rep;
    for (rep = 0; rep < 5; rep++) {
        double t0 = now_ns(), t;
        unsigned r;
        size_t i;
        for (r = 0; r < rounds; r++)
            for (i = 0; i < nlines; i++) {
                imaperr_response resp = IMAPERR_RESPONSE_INIT;
                imaperr_classification c = IMAPERR_CLASSIFICATION_INIT;
                if (imaperr_parse(lines[i].text, lines[i].len, &resp) == IMAPERR_OK &&
                    imaperr_classify(&resp, lines[i].command, options, &c) == IMAPERR_OK)
                    sink += (unsigned)c.category;
            }
        t = (now_ns() - t0) / ((double)rounds * (double)nlines);
        if (rep == 0 || t < best)
            best = t;
    }
    return best;
}

/* ns per byte of text for one long NO line */
static double
run_long(unsigned options, const char *text, size_t len)
{
    double best = 0;
    int rep;
    for (rep = 0; rep < 5; rep++) {
        imaperr_response resp = IMAPERR_RESPONSE_INIT;
        imaperr_classification c = IMAPERR_CLASSIFICATION_INIT;
        double t0 = now_ns(), t;
        if (imaperr_parse(text, len, &resp) == IMAPERR_OK &&
            imaperr_classify(&resp, NULL, options, &c) == IMAPERR_OK)
            sink += (unsigned)c.category;
        t = (now_ns() - t0) / (double)len;
        if (rep == 0 || t < best)
            best = t;
    }
    return best;
}

int
main(void)
{
    const char *env = getenv("IMAPERR_CORPUS");
    char path[1024];
    size_t i, len, big = (size_t)8 << 20;
    int corpus = 0;
    double on, off, lon, loff;
    unsigned rounds;
    char *text;

    snprintf(path, sizeof path, "%s/lib/wordings.tsv", TOP_SRCDIR);
    if (!load(path, take_wording)) {
        fprintf(stderr, "bench-wordings: cannot read %s\n", path);
        return 1;
    }
    snprintf(path, sizeof path, "%s/tests/wordings-negative.tsv", TOP_SRCDIR);
    load(path, take_negative);
    if (env && *env)
        corpus = load(env, take_corpus);
    if (!corpus) {
        corpus_header = 1;
        snprintf(path, sizeof path, "%s/../shared/corpus/realworld-dev.tsv", TOP_SRCDIR);
        corpus = load(path, take_corpus);
    }
    if (!corpus) {
        corpus_header = 1;
        corpus = load("/work/shared/corpus/realworld-dev.tsv", take_corpus);
    }
    rounds = (unsigned)(2000000 / (nlines ? nlines : 1)) + 1;

    off = run(IMAPERR_CLASSIFY_NO_HEURISTICS, rounds);
    on = run(0, rounds);

    /* a long text full of near-misses */
    text = malloc(big + 64);
    if (text == NULL)
        return 1;
    memcpy(text, "a1 NO ", 6);
    for (len = 6, i = 0; len + 40 < big; i++) {
        static const char *const bits[] = { "request is throttle ", "too many simultaneous connection ",
                                            "mailbox doesn't exis ", "Suggested Backoff Time: x " };
        size_t k = strlen(bits[i % 4]);
        memcpy(text + len, bits[i % 4], k);
        len += k;
    }
    loff = run_long(IMAPERR_CLASSIFY_NO_HEURISTICS, text, len);
    lon = run_long(0, text, len);
    free(text);

    printf("wording fallback cost (wordings table version %u)\n", imaperr_wordings_version());
    printf("  lines: %zu (%s)\n", nlines,
           corpus ? "table examples, negative examples, dev corpus" : "table examples, negative examples; corpus not found");
    printf("  parse + classify, fallback off: %8.1f ns/line\n", off);
    printf("  parse + classify, fallback on:  %8.1f ns/line   (+%.1f ns/line for the scan)\n", on, on - off);
    printf("  one %zu-byte line, fallback off: %6.3f ns/byte\n", len, loff);
    printf("  one %zu-byte line, fallback on:  %6.3f ns/byte\n", len, lon);
    for (i = 0; i < nlines; i++) {
        free(lines[i].text);
        free(lines[i].command);
    }
    free(lines);
    return 0;
}
