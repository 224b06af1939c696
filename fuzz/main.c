/* main.c - a driver for the fuzz targets without a fuzzing engine.
 *
 * Linked with one target (fuzz/<name>_fuzzer.c) and built with the normal
 * compiler and flags, so it runs in `make check`, under valgrind and under
 * ASan/UBSan (./configure --enable-sanitizers):
 *
 *   <name>_fuzzer              replay every file of $srcdir/fuzz/<name>_fuzzer.in/
 *                              and .repro/ through the target, as TAP; fails when
 *                              the target crashes or the corpus is missing/empty
 *   <name>_fuzzer FILE|DIR...  run these inputs (a crash file, a corpus)
 *
 * Built with afl-clang-fast and started without arguments, it is an AFL++
 * persistent-mode harness instead (see fuzz/README.md); with arguments it
 * runs the given files, so `afl-fuzz ... -- ./x_fuzzer @@` works too.
 *
 * Every input is passed in a heap block of exactly its size, so that a read
 * past its end is an error for ASan and valgrind. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

#ifndef FUZZ_NAME
#error "compile with -DFUZZ_NAME=\"<name>_fuzzer\""
#endif
#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "fuzz"
#endif

/* Read a whole file into an exact-size heap block; NULL on error. */
static uint8_t *
read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0;
    if (f == NULL)
        return NULL;
    for (;;) {
        size_t got;
        if (n == cap) {
            uint8_t *p = realloc(buf, cap ? 2 * cap : 4096);
            if (p == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
            cap = cap ? 2 * cap : 4096;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    {
        /* shrink to the exact size (1 byte for an empty file, not passed) */
        uint8_t *exact = malloc(n ? n : 1);
        if (exact != NULL && n)
            memcpy(exact, buf, n);
        free(buf);
        buf = exact;
    }
    *size = n;
    return buf;
}

static int
run_file(const char *path)
{
    size_t size = 0;
    uint8_t *data = read_file(path, &size);
    if (data == NULL)
        return -1;
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return 0;
}

/* The names of the regular files in dir (not starting with '.'), sorted. */
static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **
list_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    *count = 0;
    if (d == NULL)
        return NULL;
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (n == cap) {
            char **p = realloc(names, (cap ? 2 * cap : 64) * sizeof *names);
            if (p == NULL)
                break;
            names = p;
            cap = cap ? 2 * cap : 64;
        }
        names[n] = strdup(path);
        if (names[n] != NULL)
            n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    *count = n;
    return names;
}

static void
free_list(char **names, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* `make check`: the corpus and the reproducers, as TAP. */
static int
replay(void)
{
    const char *srcdir = getenv("IMAPERR_FUZZ_DIR");
    char in[4096], repro[4096];
    char **a, **b;
    size_t na, nb, i, t = 0;
    int failed = 0;

    if (srcdir == NULL || srcdir[0] == '\0')
        srcdir = FUZZ_SRCDIR;
    snprintf(in, sizeof in, "%s/%s.in", srcdir, FUZZ_NAME);
    snprintf(repro, sizeof repro, "%s/%s.repro", srcdir, FUZZ_NAME);
    a = list_dir(in, &na);
    b = list_dir(repro, &nb);
    if (na == 0) {
        printf("1..1\nnot ok 1 - %s: the seed corpus %s is missing or empty\n", FUZZ_NAME, in);
        free_list(a, na);
        free_list(b, nb);
        return 1;
    }
    printf("1..%zu\n", na + nb);
    fflush(stdout);
    for (i = 0; i < na + nb; i++) {
        const char *path = i < na ? a[i] : b[i - na];
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        /* a crash ends the program here: the TAP driver reports the
         * missing results and the signal; this comment names the file */
        printf("# %s\n", path);
        fflush(stdout);
        if (run_file(path) != 0) {
            printf("not ok %zu - %s %s/%s: cannot read: %s\n", ++t, FUZZ_NAME,
                   i < na ? "in" : "repro", base, strerror(errno));
            failed = 1;
        } else {
            printf("ok %zu - %s %s/%s\n", ++t, FUZZ_NAME, i < na ? "in" : "repro", base);
        }
        fflush(stdout);
    }
    free_list(a, na);
    free_list(b, nb);
    return failed;
}

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();
#endif

int
main(int argc, char **argv)
{
    int i, rc = 0;
    unsigned long inputs = 0;

#ifdef __AFL_FUZZ_TESTCASE_LEN
    if (argc < 2) {
        /* AFL++ persistent mode: the test case arrives in shared memory */
        unsigned char *shm;
        __AFL_INIT();
        shm = __AFL_FUZZ_TESTCASE_BUF;
        while (__AFL_LOOP(10000)) {
            size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
            uint8_t *data = malloc(len ? len : 1);
            if (data == NULL)
                return 1;
            if (len)
                memcpy(data, shm, len);
            LLVMFuzzerTestOneInput(data, len);
            free(data);
        }
        return 0;
    }
#endif
    if (argc < 2)
        return replay();
    for (i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            size_t n, k;
            char **names = list_dir(argv[i], &n);
            for (k = 0; k < n; k++) {
                if (run_file(names[k]) != 0) {
                    fprintf(stderr, "%s: cannot read %s\n", FUZZ_NAME, names[k]);
                    rc = 1;
                } else {
                    inputs++;
                }
            }
            free_list(names, n);
        } else if (run_file(argv[i]) != 0) {
            fprintf(stderr, "%s: cannot read %s: %s\n", FUZZ_NAME, argv[i], strerror(errno));
            rc = 1;
        } else {
            inputs++;
        }
    }
    fprintf(stderr, "%s: %lu input(s) ran without a finding\n", FUZZ_NAME, inputs);
    return rc;
}
