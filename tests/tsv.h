/* tsv.h - split a line of the tab-separated tables (lib/NAME.tsv) in place;
 * shared by the benchmarks (bench/lines.c, tests/bench-wordings.c). */
#ifndef IMAPERR_TEST_TSV_H
#define IMAPERR_TEST_TSV_H

#include <string.h>

/* Cut the line end (CR, LF) off `line` and split it at the tabs: col[i]
 * points to the i-th cell, NUL-terminated in place; at most `max` cells
 * (any further cells are dropped). Returns the number of cells, or 0 for
 * a comment ('#' first) or an empty line. */
static inline int
tsv_split(char *line, char **col, int max)
{
    char *p = line;
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    if (line[0] == '#' || line[0] == '\0')
        return 0;
    while (n < max) {
        char *t = strchr(p, '\t');
        col[n++] = p;
        if (t == NULL)
            break;
        *t = '\0';
        p = t + 1;
    }
    return n;
}

#endif
