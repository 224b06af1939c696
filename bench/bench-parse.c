/* bench-parse - `make bench`: what libimaperr costs per response line, next
 * to the memory-scan floor and to libetpan's response parser, measured in
 * one process and one run (issue 9; doc/performance.md).
 *
 * The input is one buffer of generated lines (bench/lines.h: N lines,
 * default 1,000,000, fixed seed), each ending in CRLF as on the wire. Every
 * row walks the whole buffer, finding each line end with memchr() and
 * doing its work on the line; a pass times every row once, rows in turn,
 * and the table gives each row's median over the passes (default 5), in
 * CPU time of the thread (--wall: wall clock). Before the passes, each row
 * runs once over the first 4 MB (warm-up: catalogs loaded, ICU formatters
 * built, pages touched).
 *
 * Rows (the work per line; "classify" passes the line's command):
 *   floor        memchr() to the line end: the floor any parser pays
 *   peek         floor + a naive look at the code: memchr '[' in the line,
 *                the name up to ' ' or ']', hashed (FNV-1a)
 *   parse        imaperr_parse()
 *   classify     parse + imaperr_classify(IMAPERR_CLASSIFY_NO_HEURISTICS)
 *   args         classify + imaperr_args_decode() when the line has a code
 *   fallback     parse + imaperr_classify(0): the wording fallback on (the
 *                default)
 *   explain-en   fallback + imaperr_explain() in English (the sentence of
 *   explain-de   every line; a rejected line is classified with
 *   explain-ja   imaperr_classify_parse_error() first, as the CLI does)
 *   advise       fallback + imaperr_advise() (64 simulated accounts, one
 *                operation per line, 7 ms apart)
 *   libetpan     libetpan's parser per line (see row_libetpan)
 * Then allocations per line (bench/malloc-count.h) for each row, and, with
 * --tool, the command-line tool end to end: `imaperr explain --json` and
 * `imaperr scan --json` with the lines on standard input (a file) and
 * standard output to /dev/null (median wall and CPU time of --cli-passes
 * runs).
 *
 * Options: -n N, --passes P, --rows a,b,..., --seed S, --srcdir DIR,
 * --tool PATH, --cli-passes K, --no-alloc, --wall, --callgrind (one pass;
 * the explain rows are warmed up outside the row_* functions, whose
 * instructions are all `make bench-callgrind` collects; no allocation
 * count, no CLI), --list-rows.
 * Not a test: it prints figures and never fails on them (exit 1 only on a
 * setup failure). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "imaperr.h"
#include "lines.h"
#include "malloc-count.h"

#ifdef HAVE_LIBETPAN
#include <libetpan/libetpan_version.h>
#include <libetpan/mailimap.h>
#include <libetpan/mailimap_types.h>
#include <libetpan/mailstream.h>
#include <libetpan/mailstream_low.h>
#endif

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif
#ifndef BENCH_CFLAGS
#define BENCH_CFLAGS "?"
#endif
#ifndef BENCH_CC
#define BENCH_CC "?"
#endif

extern char **environ;

#define NOINLINE __attribute__((noinline))

static volatile uint64_t sink;

static double
now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The rows are timed with the CPU time of this thread, not the wall clock:
 * on a machine shared with other jobs the wall clock also counts the time
 * the thread waited for a core (on an idle machine both agree). --wall
 * switches to the wall clock. */
static int use_wall;

static double
row_clock_ns(void)
{
    struct timespec ts;
    if (use_wall)
        return now_ns();
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The lines of buf[0, len), one at a time: next_line() sets c->l and c->n
 * to the next line (with its CRLF) and returns 0 at the end. cmd: the
 * command index of each line (bench/lines.h). */
struct cursor {
    const char *p, *end;
    const unsigned char *cmd;
    size_t i;
    const char *l; /* the current line */
    size_t n;      /* its length */
};

#define CURSOR(buf, len, cmd) { (buf), (buf) + (len), (cmd), 0, NULL, 0 }

static inline int
next_line(struct cursor *c)
{
    const char *e;
    if (c->p >= c->end)
        return 0;
    e = memchr(c->p, '\n', (size_t)(c->end - c->p));
    if (e == NULL)
        e = c->end - 1;
    c->l = c->p;
    c->n = (size_t)(e - c->p) + 1;
    c->p = e + 1;
    c->i++;
    return 1;
}

static inline const char *
command_of(const struct cursor *c)
{
    return bench_commands[c->cmd[c->i - 1]];
}

/* The work of a row over buf[0, len); returns a checksum. */
typedef uint64_t row_fn(const char *buf, size_t len, const unsigned char *cmd);

/* ---- rows ----------------------------------------------------------------- */

NOINLINE static uint64_t
row_floor(const char *buf, size_t len, const unsigned char *cmd)
{
    struct cursor c = CURSOR(buf, len, cmd);
    uint64_t s = 0;
    while (next_line(&c))
        s += c.n;
    return s;
}

NOINLINE static uint64_t
row_peek(const char *buf, size_t len, const unsigned char *cmd)
{
    struct cursor c = CURSOR(buf, len, cmd);
    uint64_t s = 0;
    while (next_line(&c)) {
        const char *b = memchr(c.l, '[', c.n), *e = c.l + c.n;
        if (b) {
            uint32_t h = 2166136261u;
            for (b++; b < e && *b != ']' && *b != ' '; b++)
                h = (h ^ (unsigned char)*b) * 16777619u;
            s += h;
        }
    }
    return s;
}

NOINLINE static uint64_t
row_parse(const char *buf, size_t len, const unsigned char *cmd)
{
    struct cursor c = CURSOR(buf, len, cmd);
    uint64_t s = 0;
    while (next_line(&c)) {
        imaperr_response r = IMAPERR_RESPONSE_INIT;
        if (imaperr_parse(c.l, c.n, &r) == IMAPERR_OK)
            s += (uint64_t)r.code + r.text.len;
    }
    return s;
}

/* Parse the cursor's current line and classify it for its command
 * with these options; a line that does not parse is classified with
 * imaperr_classify_parse_error() when parse_errors is set (as the CLI
 * does). Returns imaperr_parse()'s result, or else imaperr_classify()'s. */
static inline int
classify_line(const struct cursor *c, unsigned options, int parse_errors, imaperr_response *r,
              imaperr_classification *k)
{
    int rc = imaperr_parse(c->l, c->n, r);
    if (rc == IMAPERR_OK)
        return imaperr_classify(r, command_of(c), options, k);
    if (parse_errors)
        imaperr_classify_parse_error(rc, k);
    return rc;
}

/* The classify rows; with_args: then imaperr_args_decode() on each
 * classified line that has a code. */
static inline uint64_t
classify_rows(const char *buf, size_t len, const unsigned char *cmd, unsigned options, int with_args)
{
    struct cursor c = CURSOR(buf, len, cmd);
    uint64_t s = 0;
    while (next_line(&c)) {
        imaperr_response r = IMAPERR_RESPONSE_INIT;
        imaperr_classification k = IMAPERR_CLASSIFICATION_INIT;
        if (classify_line(&c, options, 0, &r, &k) != IMAPERR_OK)
            continue;
        s += (uint64_t)k.category * 31 + k.action;
        if (with_args && r.code != IMAPERR_CODE_NONE) {
            imaperr_args a = IMAPERR_ARGS_INIT;
            if (imaperr_args_decode(&r, &a) == IMAPERR_OK)
                s += a.nfields + (uint64_t)a.state + (a.nfields ? a.field[0].number : 0);
        }
    }
    return s;
}

NOINLINE static uint64_t
row_classify(const char *buf, size_t len, const unsigned char *cmd)
{
    return classify_rows(buf, len, cmd, IMAPERR_CLASSIFY_NO_HEURISTICS, 0);
}

NOINLINE static uint64_t
row_fallback(const char *buf, size_t len, const unsigned char *cmd)
{
    return classify_rows(buf, len, cmd, 0, 0);
}

NOINLINE static uint64_t
row_args(const char *buf, size_t len, const unsigned char *cmd)
{
    return classify_rows(buf, len, cmd, IMAPERR_CLASSIFY_NO_HEURISTICS, 1);
}

static inline uint64_t
explain_rows(const char *buf, size_t len, const unsigned char *cmd, const char *locale)
{
    struct cursor c = CURSOR(buf, len, cmd);
    uint64_t s = 0;
    char out[1024];
    while (next_line(&c)) {
        imaperr_response r = IMAPERR_RESPONSE_INIT;
        imaperr_classification k = IMAPERR_CLASSIFICATION_INIT;
        int rc = classify_line(&c, 0, 1, &r, &k);
        rc = imaperr_explain(rc == IMAPERR_OK ? &r : NULL, &k, NULL, locale, out, sizeof out, NULL);
        if (rc > 0)
            s += (uint64_t)rc + (unsigned char)out[0];
    }
    return s;
}

NOINLINE static uint64_t
row_explain_en(const char *buf, size_t len, const unsigned char *cmd)
{
    return explain_rows(buf, len, cmd, "en");
}

NOINLINE static uint64_t
row_explain_de(const char *buf, size_t len, const unsigned char *cmd)
{
    return explain_rows(buf, len, cmd, "de");
}

NOINLINE static uint64_t
row_explain_ja(const char *buf, size_t len, const unsigned char *cmd)
{
    return explain_rows(buf, len, cmd, "ja");
}

#define ACCOUNTS 64
static imaperr_retry_state advise_states[ACCOUNTS];

static void
advise_reset(void)
{
    static const imaperr_retry_state init = IMAPERR_RETRY_STATE_INIT;
    size_t i;
    for (i = 0; i < ACCOUNTS; i++)
        advise_states[i] = init;
}

NOINLINE static uint64_t
row_advise(const char *buf, size_t len, const unsigned char *cmd)
{
    static const imaperr_retry_policy policy = IMAPERR_RETRY_POLICY_INIT;
    struct cursor c = CURSOR(buf, len, cmd);
    imaperr_random rnd = IMAPERR_RANDOM_INIT(42);
    uint64_t now = 1000000, s = 0;
    while (next_line(&c)) {
        imaperr_response r = IMAPERR_RESPONSE_INIT;
        imaperr_classification k = IMAPERR_CLASSIFICATION_INIT;
        imaperr_retry_op op = IMAPERR_RETRY_OP_INIT;
        imaperr_advice a = IMAPERR_ADVICE_INIT;
        classify_line(&c, 0, 1, &r, &k);
        op.command = command_of(&c);
        op.start_ms = now;
        if (imaperr_advise(&policy, &advise_states[c.i % ACCOUNTS], &op, IMAPERR_OUTCOME_RESPONSE, &k, now, &rnd,
                           &a) == IMAPERR_OK)
            s += (uint64_t)a.action + a.delay_ms;
        now += 7;
    }
    return s;
}

/* ---- libetpan -------------------------------------------------------------- */

#ifdef HAVE_LIBETPAN
/* libetpan 1.9.4's parser entry points. They are exported by libetpan.so
 * but declared only in its source tree (mailimap_parser.h), so the
 * prototypes are written here; the parser_ctx argument appeared with the
 * mailimap_parser_context type, which the installed mailimap_types.h has. */
int mailimap_response_parse(mailstream *fd, MMAPString *buffer, struct mailimap_parser_context *parser_ctx,
                            size_t *indx, struct mailimap_response **result, size_t progr_rate,
                            progress_function *progr_fun);
int mailimap_response_data_parse(mailstream *fd, MMAPString *buffer, struct mailimap_parser_context *parser_ctx,
                                 size_t *indx, struct mailimap_response_data **result, size_t progr_rate,
                                 progress_function *progr_fun);
int mailimap_continue_req_parse(mailstream *fd, MMAPString *buffer, struct mailimap_parser_context *parser_ctx,
                                size_t *indx, struct mailimap_continue_req **result, size_t progr_rate,
                                progress_function *progr_fun);
int mailimap_greeting_parse(mailstream *fd, MMAPString *buffer, struct mailimap_parser_context *parser_ctx,
                            size_t *indx, struct mailimap_greeting **result, size_t progr_rate,
                            progress_function *progr_fun);

/* A stream with nothing more to read: when the parser wants more than the
 * line (a literal, a missing CRLF), it gets end of file and fails. */
static ssize_t
eof_read(mailstream_low *s, void *buf, size_t n)
{
    (void)s;
    (void)buf;
    (void)n;
    return 0;
}

static ssize_t
eof_write(mailstream_low *s, const void *buf, size_t n)
{
    (void)s;
    (void)buf;
    (void)n;
    return -1;
}

static int
eof_close(mailstream_low *s)
{
    (void)s;
    return 0;
}

static int
eof_get_fd(mailstream_low *s)
{
    (void)s;
    return -1;
}

static void
eof_free(mailstream_low *s)
{
    free(s);
}

static mailstream_low_driver eof_driver = {
    eof_read, eof_write, eof_close, eof_get_fd, eof_free, NULL, NULL, NULL, NULL, NULL, NULL,
};

static struct {
    mailimap *session;
    mailstream *stream;
    MMAPString *buffer;
    struct mailimap_parser_context *ctx;
} etp;

static int
etpan_setup(void)
{
    mailstream_low *low;
    etp.session = mailimap_new(0, NULL);
    low = mailstream_low_new(NULL, &eof_driver);
    if (etp.session == NULL || low == NULL)
        return -1;
    etp.stream = mailstream_new(low, 8192);
    etp.buffer = mmap_string_sized_new(4096);
    etp.ctx = mailimap_parser_context_new(etp.session);
    return etp.stream && etp.buffer && etp.ctx ? 0 : -1;
}

static void
etpan_teardown(void)
{
    if (etp.ctx)
        mailimap_parser_context_free(etp.ctx);
    if (etp.buffer)
        mmap_string_free(etp.buffer);
    if (etp.stream)
        mailstream_close(etp.stream);
    if (etp.session)
        mailimap_free(etp.session);
    memset(&etp, 0, sizeof etp);
}

static uint64_t etpan_ok;

/* One line as a client hands it to libetpan: copied into the parser's
 * MMAPString (libetpan parses from its own buffer), then parsed with the
 * entry point for what the line is -- the response parser for tagged lines
 * (a response ends with its tagged line), the response-data parser for
 * untagged ones (the greeting parser for PREAUTH, which is a greeting
 * only), the continuation parser for "+" -- and the result freed. One
 * parser context for the whole run (mailimap_parse_response() makes one
 * per response: this is cheaper for libetpan). */
NOINLINE static uint64_t
row_libetpan(const char *buf, size_t len, const unsigned char *cmd)
{
    struct cursor c = CURSOR(buf, len, cmd);
    uint64_t ok = 0;
    while (next_line(&c)) {
        const char *l = c.l;
        size_t n = c.n, indx = 0;
        int r;
        mmap_string_truncate(etp.buffer, 0);
        if (mmap_string_append_len(etp.buffer, l, n) == NULL)
            continue;
        if (l[0] == '*') {
            struct mailimap_response_data *d = NULL;
            r = mailimap_response_data_parse(etp.stream, etp.buffer, etp.ctx, &indx, &d, 0, NULL);
            if (r == MAILIMAP_NO_ERROR) {
                mailimap_response_data_free(d);
                ok++;
            } else if (n > 10 && memcmp(l, "* PREAUTH ", 10) == 0) {
                struct mailimap_greeting *g = NULL;
                indx = 0;
                if (mailimap_greeting_parse(etp.stream, etp.buffer, etp.ctx, &indx, &g, 0, NULL) ==
                    MAILIMAP_NO_ERROR) {
                    mailimap_greeting_free(g);
                    ok++;
                }
            }
        } else if (l[0] == '+') {
            struct mailimap_continue_req *k = NULL;
            if (mailimap_continue_req_parse(etp.stream, etp.buffer, etp.ctx, &indx, &k, 0, NULL) ==
                MAILIMAP_NO_ERROR) {
                mailimap_continue_req_free(k);
                ok++;
            }
        } else {
            struct mailimap_response *resp = NULL;
            if (mailimap_response_parse(etp.stream, etp.buffer, etp.ctx, &indx, &resp, 0, NULL) ==
                MAILIMAP_NO_ERROR) {
                mailimap_response_free(resp);
                ok++;
            }
        }
    }
    etpan_ok = ok;
    return ok;
}
#endif

/* ---- the table ------------------------------------------------------------ */

struct row {
    const char *name;
    const char *label;
    row_fn *fn;
    int available;
    double *t;          /* ns per line, per pass */
    double median;
    double allocs;      /* per line; < 0: not counted */
};

static struct row rows[] = {
    { "floor", "memchr line-end floor", row_floor, 1, NULL, 0, -1 },
    { "peek", "memchr + naive code peek", row_peek, 1, NULL, 0, -1 },
    { "parse", "imaperr parse", row_parse, 1, NULL, 0, -1 },
    { "classify", "parse + classify (fallback off)", row_classify, 1, NULL, 0, -1 },
    { "args", "parse + classify + typed args", row_args, 1, NULL, 0, -1 },
    { "fallback", "parse + classify (fallback on)", row_fallback, 1, NULL, 0, -1 },
    { "explain-en", "... + explain, en (warm)", row_explain_en, 1, NULL, 0, -1 },
    { "explain-de", "... + explain, de (warm)", row_explain_de, 1, NULL, 0, -1 },
    { "explain-ja", "... + explain, ja (warm)", row_explain_ja, 1, NULL, 0, -1 },
    { "advise", "... + advise", row_advise, 1, NULL, 0, -1 },
#ifdef HAVE_LIBETPAN
    { "libetpan", "libetpan response parser", row_libetpan, 1, NULL, 0, -1 },
#else
    { "libetpan", "libetpan response parser", NULL, 0, NULL, 0, -1 },
#endif
};
#define NROWS (sizeof rows / sizeof rows[0])

static struct row *
find_row(const char *name)
{
    size_t i;
    for (i = 0; i < NROWS; i++)
        if (strcmp(rows[i].name, name) == 0)
            return &rows[i];
    return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double
median(double *v, unsigned n)
{
    double *t = malloc(n * sizeof *t), m;
    if (t == NULL || n == 0) {
        free(t);
        return 0;
    }
    memcpy(t, v, n * sizeof *t);
    qsort(t, n, sizeof *t, cmp_double);
    m = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
    free(t);
    return m;
}

static void
print_machine(void)
{
    char line[512], model[256] = "unknown";
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "model name", 10) == 0) {
                const char *p = strchr(line, ':');
                if (p) {
                    p++;
                    while (*p == ' ')
                        p++;
                    snprintf(model, sizeof model, "%s", p);
                    model[strcspn(model, "\n")] = '\0';
                }
                break;
            }
        fclose(f);
    }
    {
        double load[3] = { -1, -1, -1 };
        if (getloadavg(load, 3) < 1)
            load[0] = -1;
        printf("machine:  %s, %ld cores online, load average %.2f at the start\n", model,
               sysconf(_SC_NPROCESSORS_ONLN), load[0]);
    }
    printf("compiler: %s %s; CFLAGS %s\n", BENCH_CC, __VERSION__, BENCH_CFLAGS);
    printf("library:  libimaperr %s (wordings table %u)", imaperr_version(), imaperr_wordings_version());
#ifdef HAVE_LIBETPAN
    printf(", libetpan %d.%d", libetpan_get_version_major(), libetpan_get_version_minor());
#endif
    printf("\n");
}

/* Say which languages the explain rows really use: without the catalogs
 * (IMAPERR_LOCALEDIR for an uninstalled build) they fall back to English
 * and measure the wrong thing. */
static void
check_languages(void)
{
    static const char *const langs[] = { "en", "de", "ja" };
    imaperr_response r = IMAPERR_RESPONSE_INIT;
    imaperr_classification c = IMAPERR_CLASSIFICATION_INIT;
    char out[512];
    int k, bad = 0;
    if (imaperr_parse("a1 NO [OVERQUOTA] Quota exceeded", 32, &r) != IMAPERR_OK ||
        imaperr_classify(&r, "APPEND", 0, &c) != IMAPERR_OK)
        return;
    printf("explain: ");
    for (k = 0; k < 3; k++) {
        imaperr_explain_info info = IMAPERR_EXPLAIN_INFO_INIT;
        imaperr_explain(&r, &c, NULL, langs[k], out, sizeof out, &info);
        printf("%s%s%s", k ? ", " : " ", info.language, info.fallback || strcmp(info.language, langs[k]) ? "(!)" : "");
        bad |= info.fallback || strcmp(info.language, langs[k]) != 0;
    }
    printf("%s\n", bad ? "  -- (!) catalog not found, English used: set IMAPERR_LOCALEDIR" : "");
}

/* ---- the command-line tool ----------------------------------------------- */

/* Run `tool args...` with stdin from `input` and stdout to /dev/null; sets
 * *wall and *cpu (user + system of the child) in seconds. Returns 0, or
 * -1 when it could not run or failed. */
static int
run_tool(const char *tool, const char *const *args, const char *input, double *wall, double *cpu)
{
    posix_spawn_file_actions_t fa;
    char *argv[8];
    struct rusage ru;
    pid_t pid;
    int status, i;
    double t0;
    argv[0] = (char *)tool;
    for (i = 0; args[i] && i < 6; i++)
        argv[i + 1] = (char *)args[i];
    argv[i + 1] = NULL;
    if (posix_spawn_file_actions_init(&fa) != 0)
        return -1;
    posix_spawn_file_actions_addopen(&fa, 0, input, O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    t0 = now_ns();
    if (posix_spawn(&pid, tool, &fa, NULL, argv, environ) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        return -1;
    }
    posix_spawn_file_actions_destroy(&fa);
    if (wait4(pid, &status, 0, &ru) < 0)
        return -1;
    *wall = (now_ns() - t0) / 1e9;
    *cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench-parse: %s %s exited with status %d\n", tool, args[0], status);
        return -1;
    }
    return 0;
}

static void
bench_cli(const char *tool, const struct bench_lines *L, unsigned passes)
{
    static const char *const explain[] = { "explain", "--json", NULL };
    static const char *const scan[] = { "scan", "--json", NULL };
    static const char *const *const runs[] = { explain, scan };
    const char *tmp = getenv("TMPDIR");
    char path[4096];
    int fd;
    unsigned r, p;
    snprintf(path, sizeof path, "%s/imaperr-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    fd = mkstemp(path);
    if (fd < 0) {
        perror("bench-parse: mkstemp");
        return;
    }
    {
        size_t off = 0;
        while (off < L->len) {
            ssize_t w = write(fd, L->buf + off, L->len - off);
            if (w <= 0) {
                perror("bench-parse: write");
                close(fd);
                unlink(path);
                return;
            }
            off += (size_t)w;
        }
    }
    close(fd);
    printf("\nThe command-line tool end to end (%s; the %zu lines on standard input from a file, output to "
           "/dev/null;\nmedian of %u runs; CPU = user + system time of the process):\n",
           tool, L->n, passes);
    printf("| %-28s | %8s | %8s | %14s | %14s |\n", "command", "wall s", "CPU s", "lines/s (wall)", "lines/s (CPU)");
    printf("|%s|%s|%s|%s|%s|\n", "------------------------------", "---------:", "---------:", "---------------:",
           "---------------:");
    for (r = 0; r < 2; r++) {
        double tw[16], tc[16];
        unsigned got = 0;
        const char *name = r ? "imaperr scan --json" : "imaperr explain --json";
        for (p = 0; p < passes && p < 16; p++) {
            if (run_tool(tool, runs[r], path, &tw[got], &tc[got]) < 0)
                break;
            got++;
        }
        if (got == 0) {
            printf("| %-28s | %8s | %8s | %14s | %14s |\n", name, "failed", "-", "-", "-");
            continue;
        }
        {
            double w = median(tw, got), c = median(tc, got);
            printf("| %-28s | %8.3f | %8.3f | %14.0f | %14.0f |\n", name, w, c, (double)L->n / w,
                   c > 0 ? (double)L->n / c : 0.0);
        }
    }
    unlink(path);
}

/* ---- main ------------------------------------------------------------------ */

static int
usage(void)
{
    fprintf(stderr, "usage: bench-parse [-n N] [--passes P] [--rows a,b,...] [--seed S] [--srcdir DIR]\n"
                    "                   [--tool PATH] [--cli-passes K] [--no-alloc] [--wall] [--callgrind]\n"
                    "                   [--list-rows]\n");
    return 2;
}

int
main(int argc, char **argv)
{
    struct bench_lines L;
    size_t n = 1000000, i, warm_len;
    unsigned passes = 5, cli_passes = 3, p;
    uint64_t seed = BENCH_SEED;
    const char *srcdir = TOP_SRCDIR, *tool = NULL, *only = NULL;
    int callgrind = 0, count_allocs = 1, k;
    struct row *floor_row, *etpan_row;

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (k = 1; k < argc; k++) {
        if (k + 1 < argc && strcmp(argv[k], "-n") == 0)
            n = strtoull(argv[++k], NULL, 10);
        else if (k + 1 < argc && strcmp(argv[k], "--passes") == 0)
            passes = (unsigned)strtoul(argv[++k], NULL, 10);
        else if (k + 1 < argc && strcmp(argv[k], "--rows") == 0)
            only = argv[++k];
        else if (k + 1 < argc && strcmp(argv[k], "--seed") == 0)
            seed = strtoull(argv[++k], NULL, 0);
        else if (k + 1 < argc && strcmp(argv[k], "--srcdir") == 0)
            srcdir = argv[++k];
        else if (k + 1 < argc && strcmp(argv[k], "--tool") == 0)
            tool = argv[++k];
        else if (k + 1 < argc && strcmp(argv[k], "--cli-passes") == 0)
            cli_passes = (unsigned)strtoul(argv[++k], NULL, 10);
        else if (strcmp(argv[k], "--wall") == 0)
            use_wall = 1;
        else if (strcmp(argv[k], "--no-alloc") == 0)
            count_allocs = 0;
        else if (strcmp(argv[k], "--callgrind") == 0)
            callgrind = 1;
        else if (strcmp(argv[k], "--list-rows") == 0) {
            for (i = 0; i < NROWS; i++)
                if (rows[i].available)
                    printf("%s\n", rows[i].name);
            return 0;
        } else
            return usage();
    }
    if (n == 0 || passes == 0 || passes > 1000 || cli_passes > 16)
        return usage();
    if (callgrind) {
        passes = 1;
        count_allocs = 0;
        tool = NULL;
    }
    if (only) {
        /* rows not named are left out (available -1) */
        char *list = strdup(only), *tok, *save = NULL;
        int chosen[NROWS];
        memset(chosen, 0, sizeof chosen);
        for (tok = list ? strtok_r(list, ",", &save) : NULL; tok; tok = strtok_r(NULL, ",", &save)) {
            struct row *r = find_row(tok);
            if (r == NULL) {
                fprintf(stderr, "bench-parse: no row '%s' (see --list-rows)\n", tok);
                free(list);
                return 2;
            }
            chosen[r - rows] = 1;
        }
        free(list);
        for (i = 0; i < NROWS; i++)
            if (!chosen[i])
                rows[i].available = -1;
        /* the ratios need the floor; it costs little */
        if (!callgrind && rows[0].available < 0)
            rows[0].available = 1;
    }

    if (bench_lines_generate(&L, n, seed, srcdir) < 0) {
        fprintf(stderr, "bench-parse: out of memory\n");
        return 1;
    }
#ifdef HAVE_LIBETPAN
    if (find_row("libetpan")->available > 0 && etpan_setup() < 0) {
        fprintf(stderr, "bench-parse: libetpan setup failed\n");
        find_row("libetpan")->available = 0;
    }
#endif
    for (i = 0; i < NROWS; i++) {
        rows[i].t = calloc(passes, sizeof(double));
        if (rows[i].t == NULL)
            return 1;
    }

    if (!callgrind) {
        print_machine();
        printf("input:    %zu generated lines (seed %llu), %zu bytes, mean %.1f bytes per line with CRLF; "
               "%zu of %zu registered codes\n",
               L.n, (unsigned long long)seed, L.len, (double)L.len / (double)L.n, L.codes_used,
               imaperr_code_count());
        printf("          mix:");
        for (k = 0; k < BK_NKINDS; k++)
            printf("%s %s %.1f%%", k ? "," : "", bench_kind_name((enum bench_kind)k),
                   100.0 * (double)L.count[k] / (double)L.n);
        printf("\n");
        /* warm-up: each row over the first lines */
        warm_len = L.len < ((size_t)4 << 20) ? L.len : ((size_t)4 << 20);
        while (warm_len < L.len && L.buf[warm_len - 1] != '\n')
            warm_len++;
        advise_reset();
        for (i = 0; i < NROWS; i++)
            if (rows[i].available > 0)
                sink += rows[i].fn(L.buf, warm_len, L.cmd);
        check_languages();
    } else {
        /* warm: explain every line once outside the counted row_* functions,
         * so that catalogs and formatters are loaded before */
        static const char *const ex[] = { "explain-en", "explain-de", "explain-ja" };
        static const char *const langs[] = { "en", "de", "ja" };
        for (k = 0; k < 3; k++)
            if (find_row(ex[k])->available > 0)
                sink += explain_rows(L.buf, L.len, L.cmd, langs[k]);
    }

    for (p = 0; p < passes; p++) {
        for (i = 0; i < NROWS; i++) {
            double t0;
            if (rows[i].available <= 0)
                continue;
            if (rows[i].fn == row_advise)
                advise_reset();
            t0 = row_clock_ns();
            sink += rows[i].fn(L.buf, L.len, L.cmd);
            rows[i].t[p] = (row_clock_ns() - t0) / (double)L.n;
        }
    }
    if (callgrind) {
        bench_lines_free(&L);
#ifdef HAVE_LIBETPAN
        etpan_teardown();
#endif
        for (i = 0; i < NROWS; i++)
            free(rows[i].t);
        return 0;
    }

    if (count_allocs && malloc_count_available()) {
        for (i = 0; i < NROWS; i++) {
            if (rows[i].available <= 0)
                continue;
            if (rows[i].fn == row_advise)
                advise_reset();
            malloc_count_start();
            sink += rows[i].fn(L.buf, L.len, L.cmd);
            rows[i].allocs = (double)malloc_count_stop() / (double)L.n;
        }
    }

    for (i = 0; i < NROWS; i++)
        if (rows[i].available > 0)
            rows[i].median = median(rows[i].t, passes);
    floor_row = find_row("floor");
    etpan_row = find_row("libetpan");

    printf("\nns per line (%s): median of %u passes over all %zu lines (each pass runs every row once, in turn)\n",
           use_wall ? "wall clock" : "CPU time of the thread", passes, L.n);
    printf("| %-34s | %9s | %13s | %8s | %10s | %11s |\n", "row", "ns/line", "lines/s", "x floor", "x libetpan",
           "allocs/line");
    printf("|%s|%s|%s|%s|%s|%s|\n", "------------------------------------", "----------:", "--------------:",
           "---------:", "-----------:", "------------:");
    for (i = 0; i < NROWS; i++) {
        struct row *r = &rows[i];
        char fl[32] = "-", et[32] = "-", al[32] = "-";
        if (r->available < 0)
            continue;
        if (r->available == 0) {
            printf("| %-34s | %s |\n", r->label,
#ifdef HAVE_LIBETPAN
                   "libetpan: setup failed"
#else
                   "libetpan: not available (install libetpan-dev)"
#endif
            );
            continue;
        }
        if (floor_row->available > 0 && floor_row->median > 0)
            snprintf(fl, sizeof fl, "%.2f", r->median / floor_row->median);
        if (etpan_row->available > 0 && r->median > 0)
            snprintf(et, sizeof et, "%.1f", etpan_row->median / r->median);
        if (r->allocs >= 0)
            snprintf(al, sizeof al, "%.3f", r->allocs);
        printf("| %-34s | %9.1f | %13.0f | %8s | %10s | %11s |\n", r->label, r->median, 1e9 / r->median, fl, et,
               al);
    }
#ifdef HAVE_LIBETPAN
    if (etpan_row->available > 0)
        printf("libetpan parsed %llu of %zu lines without error (%.1f%%).\n", (unsigned long long)etpan_ok, L.n,
               100.0 * (double)etpan_ok / (double)L.n);
#endif
    if (count_allocs && !malloc_count_available())
        printf("allocations: not counted (malloc replaced: AddressSanitizer or valgrind)\n");

    /* the goals of issue 9 */
    {
        struct row *cl = find_row("classify"), *fb = find_row("fallback");
        printf("\nGoals (issue 9), ratios from this run:\n");
        if (cl->available > 0 && floor_row->available > 0)
            printf("  parse + classify / floor:             %6.2f   (goal <= 2.5)\n", cl->median / floor_row->median);
        if (cl->available > 0 && etpan_row->available > 0)
            printf("  libetpan / parse + classify:          %6.1f   (goal >= 14)\n", etpan_row->median / cl->median);
        if (cl->available > 0 && fb->available > 0)
            printf("  wording fallback adds:                %5.0f %%   (goal <= 50 %%)\n",
                   100.0 * (fb->median - cl->median) / cl->median);
        if (fb->available > 0) {
            static const char *const ex[] = { "explain-en", "explain-de", "explain-ja" };
            for (k = 0; k < 3; k++) {
                struct row *e = find_row(ex[k]);
                if (e->available > 0)
                    printf("  %s alone (row - fallback row):  %6.0f ns (goal <= 1000 ns)\n", ex[k],
                           e->median - fb->median);
            }
        }
        {
            struct row *ad = find_row("advise");
            if (ad->available > 0 && fb->available > 0)
                printf("  advise alone (row - fallback row):    %6.0f ns\n", ad->median - fb->median);
        }
        if (count_allocs && malloc_count_available()) {
            static const char *const z[] = { "parse", "classify", "args", "fallback", "advise" };
            double worst = 0;
            for (k = 0; k < 5; k++) {
                struct row *r = find_row(z[k]);
                if (r->available > 0 && r->allocs > worst)
                    worst = r->allocs;
            }
            printf("  allocations per line (parse, classify, args, fallback, advise): %s (goal 0)\n",
                   worst == 0 ? "0" : "NOT 0, see the table");
        }
    }

    if (tool && cli_passes > 0)
        bench_cli(tool, &L, cli_passes);
    else
        printf("\n(command-line rows not run: use --tool PATH)\n");

    bench_lines_free(&L);
#ifdef HAVE_LIBETPAN
    etpan_teardown();
#endif
    for (i = 0; i < NROWS; i++)
        free(rows[i].t);
    return 0;
}
