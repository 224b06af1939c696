/* test-registry.c - the registry API agrees with lib/registry.tsv.
 *
 * The test reads lib/registry.tsv and lib/vocabulary.tsv itself, at run
 * time, with its own small parser: it never looks at the generated C tables.
 * For every row of the table it checks the name lookup, imaperr_code_info_get(),
 * the parser on the row's EXAMPLE, and the classification of that example
 * with each status. Row-by-row checks report every mismatch (on stderr, as
 * TAP comments) before failing, so one run shows all broken rows.
 *
 * Independent expectations that do not come from the table: the 59 names of
 * the IANA "IMAP Response Codes" registry (research/peers.md, Part A) plus
 * the unregistered codes real servers send that the library promises.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

#ifndef TOP_SRCDIR
#error "TOP_SRCDIR must be defined by the build"
#endif

/* ------------------------------------------------------------------------ */
/* The tables, as this test reads them                                        */
/* ------------------------------------------------------------------------ */

enum {
    COL_NUMBER, COL_NAME, COL_REFERENCE, COL_STATUS, COL_ARGS,
    COL_NO, COL_OK, COL_BAD, COL_BYE, COL_ACTION, COL_FLAGS, COL_MSG, COL_EXAMPLE,
    NCOLS
};

struct row {
    long number;
    int line;
    char *col[NCOLS];
};

struct vocab {
    long number;
    char *name;
    char *extra; /* category: message key; action: "yes"/"no" (RETRYABLE) */
};

#define MAX_ROWS 1024
#define MAX_VOCAB 256

static struct {
    struct row rows[MAX_ROWS];
    size_t nrows;         /* all rows, pseudo included */
    size_t nreal;         /* rows whose STATUS is not pseudo */
    long max_number;
    struct vocab cats[MAX_VOCAB];
    size_t ncats;
    struct vocab acts[MAX_VOCAB];
    size_t nacts;
} T;

static char *
dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static int
is_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t')
            return 0;
    return 1;
}

/* Read the next meaningful line of f into buf (no line ending). Returns 1,
 * 0 at the end, -1 when a line does not fit. Counts lines in *lineno. */
static int
next_line(FILE *f, char *buf, size_t cap, int *lineno)
{
    while (fgets(buf, (int)cap, f)) {
        size_t n = strlen(buf);
        (*lineno)++;
        if (n > 0 && buf[n - 1] == '\n')
            buf[--n] = '\0';
        else if (!feof(f))
            return -1;
        if (n > 0 && buf[n - 1] == '\r')
            buf[--n] = '\0';
        if (buf[0] == '#' || is_blank(buf))
            continue;
        return 1;
    }
    return 0;
}

static int
parse_long(const char *s, long *v)
{
    char *end;
    if (!isdigit((unsigned char)s[0]))
        return 0;
    errno = 0;
    *v = strtol(s, &end, 10);
    return errno == 0 && *end == '\0';
}

static int
load_vocabulary(const char *path)
{
    char buf[4096];
    int lineno = 0, rc;
    FILE *f = fopen(path, "r");

    if (f == NULL) {
        print_error("# cannot open %s\n", path);
        return -1;
    }
    while ((rc = next_line(f, buf, sizeof buf, &lineno)) == 1) {
        char *fld[8];
        size_t nf = split_tabs(buf, fld, 8);
        struct vocab *v;
        if (strcmp(fld[0], "category") == 0 || strcmp(fld[0], "action") == 0) {
            int is_cat = fld[0][0] == 'c';
            if (nf != 5) {
                print_error("# %s:%d: %s rows have 5 columns\n", path, lineno, fld[0]);
                fclose(f);
                return -1;
            }
            if ((is_cat ? T.ncats : T.nacts) >= MAX_VOCAB) {
                fclose(f);
                return -1;
            }
            v = is_cat ? &T.cats[T.ncats++] : &T.acts[T.nacts++];
            if (!parse_long(fld[1], &v->number)) {
                print_error("# %s:%d: bad number %s\n", path, lineno, fld[1]);
                fclose(f);
                return -1;
            }
            v->name = dup_str(fld[2]);
            v->extra = dup_str(fld[3]);
            if (v->name == NULL || v->extra == NULL) {
                fclose(f);
                return -1;
            }
        }
    }
    fclose(f);
    if (rc < 0) {
        print_error("# %s:%d: line too long\n", path, lineno + 1);
        return -1;
    }
    if (T.ncats == 0 || T.nacts == 0) {
        print_error("# %s: no categories or actions\n", path);
        return -1;
    }
    return 0;
}

static int
load_registry(const char *path)
{
    char buf[8192];
    int lineno = 0, rc;
    FILE *f = fopen(path, "r");

    if (f == NULL) {
        print_error("# cannot open %s\n", path);
        return -1;
    }
    T.max_number = -1;
    while ((rc = next_line(f, buf, sizeof buf, &lineno)) == 1) {
        char *fld[NCOLS];
        size_t nf = split_tabs(buf, fld, NCOLS), i;
        struct row *r;
        if (nf != NCOLS) {
            print_error("# %s:%d: %zu columns, expected %d\n", path, lineno, nf, NCOLS);
            fclose(f);
            return -1;
        }
        if (T.nrows >= MAX_ROWS) {
            fclose(f);
            return -1;
        }
        r = &T.rows[T.nrows++];
        r->line = lineno;
        if (!parse_long(fld[COL_NUMBER], &r->number)) {
            print_error("# %s:%d: bad NUMBER %s\n", path, lineno, fld[COL_NUMBER]);
            fclose(f);
            return -1;
        }
        for (i = 0; i < NCOLS; i++)
            if ((r->col[i] = dup_str(fld[i])) == NULL) {
                fclose(f);
                return -1;
            }
        if (strcmp(r->col[COL_STATUS], "pseudo") != 0)
            T.nreal++;
        if (r->number > T.max_number)
            T.max_number = r->number;
    }
    fclose(f);
    if (rc < 0) {
        print_error("# %s:%d: line too long\n", path, lineno + 1);
        return -1;
    }
    if (T.nreal == 0) {
        print_error("# %s: no rows\n", path);
        return -1;
    }
    return 0;
}

static int
group_setup(void **state)
{
    (void)state;
    memset(&T, 0, sizeof T);
    if (load_vocabulary(TOP_SRCDIR "/lib/vocabulary.tsv") != 0)
        return -1;
    if (load_registry(TOP_SRCDIR "/lib/registry.tsv") != 0)
        return -1;
    return 0;
}

static int
group_teardown(void **state)
{
    size_t i, j;
    (void)state;
    for (i = 0; i < T.nrows; i++)
        for (j = 0; j < NCOLS; j++)
            free(T.rows[i].col[j]);
    for (i = 0; i < T.ncats; i++) {
        free(T.cats[i].name);
        free(T.cats[i].extra);
    }
    for (i = 0; i < T.nacts; i++) {
        free(T.acts[i].name);
        free(T.acts[i].extra);
    }
    memset(&T, 0, sizeof T);
    return 0;
}

static const struct vocab *
find_vocab(const struct vocab *v, size_t n, const char *name)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (strcmp(v[i].name, name) == 0)
            return &v[i];
    return NULL;
}

static const struct vocab *
find_vocab_number(const struct vocab *v, size_t n, long number)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (v[i].number == number)
            return &v[i];
    return NULL;
}

static const struct row *
find_row(const char *name)
{
    size_t i;
    for (i = 0; i < T.nrows; i++)
        if (strcmp(T.rows[i].col[COL_NAME], name) == 0)
            return &T.rows[i];
    return NULL;
}

static int
is_pseudo(const struct row *r)
{
    return strcmp(r->col[COL_STATUS], "pseudo") == 0;
}

/* What one status cell of a row means: `-` or [~]category[/action[/msg]]. */
struct expect {
    int category;         /* -1: `-` */
    int action;           /* -1 when category is -1 */
    int weak;
    const char *msgkey;   /* the cell's or the row's message, or NULL */
};

static char cell_copy[512];

/* Returns 0, or -1 (with a diagnostic) when the cell cannot be read. */
static int
read_cell(const struct row *r, int col, struct expect *e)
{
    static const char *const colname[NCOLS] = {
        [COL_NO] = "NO", [COL_OK] = "OK", [COL_BAD] = "BAD", [COL_BYE] = "BYE" };
    const char *s = r->col[col];
    char *parts[4];
    size_t n;
    const struct vocab *v;

    e->category = -1;
    e->action = -1;
    e->weak = 0;
    e->msgkey = NULL;
    if (strcmp(s, "-") == 0)
        return 0;
    if (s[0] == '~') {
        e->weak = 1;
        s++;
    }
    if (strlen(s) >= sizeof cell_copy)
        return -1;
    memcpy(cell_copy, s, strlen(s) + 1);
    /* split on '/' */
    n = 0;
    parts[n++] = cell_copy;
    {
        char *p = cell_copy;
        while ((p = strchr(p, '/')) != NULL) {
            *p++ = '\0';
            if (n == 4)
                break;
            parts[n++] = p;
        }
    }
    if (n > 3) {
        print_error("# %s: cell %s: too many parts\n", r->col[COL_NAME], colname[col]);
        return -1;
    }
    v = find_vocab(T.cats, T.ncats, parts[0]);
    if (v == NULL) {
        print_error("# %s: cell %s: unknown category %s\n", r->col[COL_NAME], colname[col], parts[0]);
        return -1;
    }
    e->category = (int)v->number;
    v = find_vocab(T.acts, T.nacts, n >= 2 ? parts[1] : r->col[COL_ACTION]);
    if (v == NULL) {
        print_error("# %s: cell %s: unknown action\n", r->col[COL_NAME], colname[col]);
        return -1;
    }
    e->action = (int)v->number;
    if (n >= 3)
        e->msgkey = s + (parts[2] - cell_copy); /* points into r->col */
    else if (strcmp(r->col[COL_MSG], "-") != 0)
        e->msgkey = r->col[COL_MSG];
    return 0;
}

/* Row-by-row checks: report and count, fail at the end of the test. */
static int failures;

#define CHECK(cond, ...) do { \
        if (!(cond)) { \
            failures++; \
            print_error("# " __VA_ARGS__); \
            print_error("\n"); \
        } \
    } while (0)

#define CHECK_STR(row, what, got, want) do { \
        const char *g_ = (got), *w_ = (want); \
        CHECK(g_ != NULL && w_ != NULL ? strcmp(g_, w_) == 0 : g_ == w_, \
              "%s: %s is \"%s\", expected \"%s\"", (row), (what), g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
    } while (0)

#define CHECK_INT(row, what, got, want) do { \
        long g_ = (long)(got), w_ = (long)(want); \
        CHECK(g_ == w_, "%s: %s is %ld, expected %ld", (row), (what), g_, w_); \
    } while (0)

/* ------------------------------------------------------------------------ */
/* The table itself                                                           */
/* ------------------------------------------------------------------------ */

static void
test_table_numbers_unique(void **state)
{
    size_t i, j;
    (void)state;
    failures = 0;
    for (i = 0; i < T.nrows; i++)
        for (j = i + 1; j < T.nrows; j++) {
            CHECK(T.rows[i].number != T.rows[j].number, "lines %d and %d: duplicate number %ld",
                  T.rows[i].line, T.rows[j].line, T.rows[i].number);
            CHECK(strcmp(T.rows[i].col[COL_NAME], T.rows[j].col[COL_NAME]) != 0,
                  "lines %d and %d: duplicate name %s", T.rows[i].line, T.rows[j].line,
                  T.rows[i].col[COL_NAME]);
        }
    /* 0 and 1 are the pseudo codes NONE and UNKNOWN, and only they are */
    for (i = 0; i < T.nrows; i++) {
        const struct row *r = &T.rows[i];
        if (r->number == 0)
            CHECK(strcmp(r->col[COL_NAME], "NONE") == 0 && is_pseudo(r), "row 0 must be pseudo NONE");
        else if (r->number == 1)
            CHECK(strcmp(r->col[COL_NAME], "UNKNOWN") == 0 && is_pseudo(r), "row 1 must be pseudo UNKNOWN");
        else
            CHECK(!is_pseudo(r), "%s: only 0 and 1 are pseudo", r->col[COL_NAME]);
    }
    CHECK(find_row("NONE") != NULL && find_row("UNKNOWN") != NULL, "pseudo rows missing");
    assert_int_equal(failures, 0);
}

static void
test_count_and_enumeration(void **state)
{
    size_t i, k = 0;
    (void)state;
    failures = 0;
    assert_int_equal(imaperr_code_count(), T.nreal);
    for (i = 0; i < T.nrows; i++) {
        const struct row *r = &T.rows[i];
        if (is_pseudo(r))
            continue;
        CHECK_INT(r->col[COL_NAME], "imaperr_code_at(position in the table)", imaperr_code_at(k), r->number);
        k++;
    }
    assert_int_equal(k, T.nreal);
    assert_int_equal(imaperr_code_at(T.nreal), IMAPERR_CODE_NONE);
    assert_int_equal(imaperr_code_at(T.nreal + 1000), IMAPERR_CODE_NONE);
    assert_int_equal(imaperr_code_at((size_t)-1), IMAPERR_CODE_NONE);
    assert_int_equal(failures, 0);
}

/* The IANA "IMAP Response Codes" registry, all 59 entries, in registry
 * order (research/peers.md, Part A). Written out here, not read from the
 * table, so that a row deleted from lib/registry.tsv is noticed. */
static const char *const iana_codes[] = {
    "NEWNAME", "REFERRAL", "ALERT", "BADCHARSET", "PARSE", "PERMANENTFLAGS",
    "READ-ONLY", "READ-WRITE", "TRYCREATE", "UIDNEXT", "UIDVALIDITY", "UNSEEN",
    "UNKNOWN-CTE", "UIDNOTSTICKY", "APPENDUID", "COPYUID", "URLMECH", "TOOBIG",
    "BADURL", "HIGHESTMODSEQ", "NOMODSEQ", "MODIFIED", "COMPRESSIONACTIVE",
    "CLOSED", "NOTSAVED", "BADCOMPARATOR", "ANNOTATE", "ANNOTATIONS", "TEMPFAIL",
    "MAXCONVERTMESSAGES", "MAXCONVERTPARTS", "NOUPDATE", "NOTIFICATIONOVERFLOW",
    "BADEVENT", "UNDEFINED-FILTER", "METADATA", "UNAVAILABLE",
    "AUTHENTICATIONFAILED", "AUTHORIZATIONFAILED", "EXPIRED", "PRIVACYREQUIRED",
    "CONTACTADMIN", "NOPERM", "INUSE", "EXPUNGEISSUED", "CORRUPTION", "SERVERBUG",
    "CLIENTBUG", "CANNOT", "LIMIT", "OVERQUOTA", "ALREADYEXISTS", "NONEXISTENT",
    "USEATTR", "DOWNGRADED", "HASCHILDREN", "MAILBOXID", "INPROGRESS", "UIDREQUIRED",
};

/* Codes outside the IANA registry that servers send and the library knows. */
static const char *const extra_codes[] = { "CAPABILITY", "THROTTLED", "WEBALERT", "MESSAGELIMIT" };

static void
test_known_codes_present(void **state)
{
    size_t i;
    (void)state;
    failures = 0;
    assert_int_equal(sizeof iana_codes / sizeof iana_codes[0], 59);
    for (i = 0; i < sizeof iana_codes / sizeof iana_codes[0]; i++) {
        const char *name = iana_codes[i];
        const struct row *r = find_row(name);
        imaperr_code_info info = IMAPERR_CODE_INFO_INIT;
        imaperr_code c = imaperr_code_from_name(name, strlen(name));
        const char *want = strcmp(name, "NEWNAME") == 0 ? "obsolete" : "registered";

        CHECK(r != NULL, "%s: IANA code missing from lib/registry.tsv", name);
        CHECK(c != IMAPERR_CODE_UNKNOWN && c != IMAPERR_CODE_NONE, "%s: IANA code unknown to the library", name);
        if (r)
            CHECK_STR(name, "STATUS column", r->col[COL_STATUS], want);
        if (imaperr_code_info_get(c, &info) == IMAPERR_OK)
            CHECK_STR(name, "registration", info.registration, want);
        else
            CHECK(0, "%s: imaperr_code_info_get failed", name);
    }
    for (i = 0; i < sizeof extra_codes / sizeof extra_codes[0]; i++) {
        const char *name = extra_codes[i];
        imaperr_code c = imaperr_code_from_name(name, strlen(name));
        CHECK(find_row(name) != NULL, "%s: missing from lib/registry.tsv", name);
        CHECK(c != IMAPERR_CODE_UNKNOWN && c != IMAPERR_CODE_NONE, "%s: unknown to the library", name);
    }
    assert_int_equal(failures, 0);
}

static void
test_newname_obsolete(void **state)
{
    imaperr_code_info info = IMAPERR_CODE_INFO_INIT;
    imaperr_code c = imaperr_code_from_name("NEWNAME", 7);
    (void)state;
    assert_int_not_equal(c, IMAPERR_CODE_UNKNOWN);
    assert_int_equal(imaperr_code_info_get(c, &info), IMAPERR_OK);
    assert_string_equal(info.registration, "obsolete");
    assert_string_equal(info.name, "NEWNAME");
}

/* ------------------------------------------------------------------------ */
/* Name lookups                                                               */
/* ------------------------------------------------------------------------ */

static void
check_lookup(const struct row *r, const char *variant, const char *spelling)
{
    const char *name = r->col[COL_NAME];
    size_t n = strlen(spelling);
    char *exact, *longer, what[128];

    /* NUL-terminated, length given as strlen() */
    snprintf(what, sizeof what, "\"%s\" (%s, NUL-terminated)", spelling, variant);
    CHECK_INT(name, what, imaperr_code_from_name(spelling, n), r->number);

    /* exactly n bytes, no terminator (an overread shows under ASan/valgrind) */
    exact = malloc(n);
    assert_non_null(exact);
    memcpy(exact, spelling, n);
    snprintf(what, sizeof what, "\"%s\" (%s, exactly %zu bytes)", spelling, variant, n);
    CHECK_INT(name, what, imaperr_code_from_name(exact, n), r->number);
    free(exact);

    /* inside a longer buffer, followed by more name characters */
    longer = malloc(n + 16);
    assert_non_null(longer);
    memcpy(longer, "[", 1);
    memcpy(longer + 1, spelling, n);
    memcpy(longer + 1 + n, "XY-Z 1]\0", 8);
    snprintf(what, sizeof what, "\"%s\" (%s, inside \"%s\")", spelling, variant, longer);
    CHECK_INT(name, what, imaperr_code_from_name(longer + 1, n), r->number);
    /* one byte more or less is another (unknown) name */
    snprintf(what, sizeof what, "\"%.*s\" (one byte longer)", (int)(n + 1), longer + 1);
    CHECK_INT(name, what, imaperr_code_from_name(longer + 1, n + 1), IMAPERR_CODE_UNKNOWN);
    if (n > 1) {
        /* a strict prefix could be another code's name: expect what the
         * table says for it */
        char prefix[256];
        const struct row *pr;
        size_t k;
        if (n - 1 < sizeof prefix) {
            for (k = 0; k < n - 1; k++)
                prefix[k] = (char)toupper((unsigned char)spelling[k]);
            prefix[n - 1] = '\0';
            pr = find_row(prefix);
            snprintf(what, sizeof what, "\"%.*s\" (one byte shorter)", (int)(n - 1), longer + 1);
            CHECK_INT(name, what, imaperr_code_from_name(longer + 1, n - 1),
                      pr && !is_pseudo(pr) ? pr->number : IMAPERR_CODE_UNKNOWN);
        }
    }
    free(longer);
}

static void
test_name_lookup_every_row(void **state)
{
    size_t i, k;
    (void)state;
    failures = 0;
    for (i = 0; i < T.nrows; i++) {
        const struct row *r = &T.rows[i];
        const char *name = r->col[COL_NAME];
        char lower[256], mixed[256], mixed2[256];
        size_t n = strlen(name);

        if (is_pseudo(r)) {
            /* NONE and UNKNOWN never match a name */
            CHECK_INT(name, "lookup of a pseudo name", imaperr_code_from_name(name, n), IMAPERR_CODE_UNKNOWN);
            CHECK_STR(name, "imaperr_code_name", imaperr_code_name((imaperr_code)r->number), name);
            continue;
        }
        assert_true(n < sizeof lower);
        for (k = 0; k <= n; k++) {
            unsigned char c = (unsigned char)name[k];
            lower[k] = (char)tolower(c);
            mixed[k] = (char)(k % 2 ? tolower(c) : toupper(c));
            mixed2[k] = (char)(k % 2 ? toupper(c) : tolower(c));
        }
        check_lookup(r, "upper case", name);
        check_lookup(r, "lower case", lower);
        check_lookup(r, "mixed case", mixed);
        check_lookup(r, "mixed case (2)", mixed2);
        CHECK_STR(name, "imaperr_code_name", imaperr_code_name((imaperr_code)r->number), name);
    }
    assert_int_equal(failures, 0);
}

static void
test_unknown_names(void **state)
{
    static const char *const unknown[] = {
        "XYZZY", "OVERQUOTAX", "OVERQUOT", "OVERQUOTA-", "X-OVERQUOTA", "READ", "READ-",
        "READONLY", "READ_ONLY", "ALERT ", " ALERT", "NONE", "UNKNOWN", "none", "unknown",
        "A", "Z", "-", "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", "\xc3\x84LERT",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        if (imaperr_code_from_name(unknown[i], strlen(unknown[i])) != IMAPERR_CODE_UNKNOWN)
            print_error("# \"%s\" should be unknown\n", unknown[i]);
        assert_int_equal(imaperr_code_from_name(unknown[i], strlen(unknown[i])), IMAPERR_CODE_UNKNOWN);
    }
    /* a NUL inside the given length is part of the name */
    assert_int_equal(imaperr_code_from_name("ALERT\0", 6), IMAPERR_CODE_UNKNOWN);
    assert_int_equal(imaperr_code_from_name("\0ALERT", 6), IMAPERR_CODE_UNKNOWN);
    /* NULL or empty: NONE */
    assert_int_equal(imaperr_code_from_name("", 0), IMAPERR_CODE_NONE);
    assert_int_equal(imaperr_code_from_name("ALERT", 0), IMAPERR_CODE_NONE);
    assert_int_equal(imaperr_code_from_name(NULL, 0), IMAPERR_CODE_NONE);
    assert_int_equal(imaperr_code_from_name(NULL, 5), IMAPERR_CODE_NONE);
}

static void
test_code_name_and_info_edges(void **state)
{
    imaperr_code_info info = IMAPERR_CODE_INFO_INIT;
    imaperr_code unused = (imaperr_code)(T.max_number + 1);
    (void)state;

    assert_string_equal(imaperr_code_name(IMAPERR_CODE_NONE), "NONE");
    assert_string_equal(imaperr_code_name(IMAPERR_CODE_UNKNOWN), "UNKNOWN");
    assert_null(imaperr_code_name(unused));
    assert_null(imaperr_code_name((imaperr_code)65535));
    assert_null(imaperr_code_name((imaperr_code)-1));

    assert_int_equal(imaperr_code_info_get(IMAPERR_CODE_NONE, &info), IMAPERR_E_UNKNOWN_NAME);
    assert_int_equal(imaperr_code_info_get(IMAPERR_CODE_UNKNOWN, &info), IMAPERR_E_UNKNOWN_NAME);
    assert_int_equal(imaperr_code_info_get(unused, &info), IMAPERR_E_UNKNOWN_NAME);
    assert_int_equal(imaperr_code_info_get((imaperr_code)65535, &info), IMAPERR_E_UNKNOWN_NAME);
    assert_int_equal(imaperr_code_info_get(IMAPERR_CODE_ALERT, NULL), IMAPERR_E_INVALID);
    info.size = sizeof info - 1;
    assert_int_equal(imaperr_code_info_get(IMAPERR_CODE_ALERT, &info), IMAPERR_E_INVALID);
    info.size = 0;
    assert_int_equal(imaperr_code_info_get(IMAPERR_CODE_ALERT, &info), IMAPERR_E_INVALID);
}

/* ------------------------------------------------------------------------ */
/* imaperr_code_info_get() agrees with every row                              */
/* ------------------------------------------------------------------------ */

static void
check_meaning(const struct row *r, int col, const char *what, const imaperr_status_meaning *m)
{
    struct expect e;
    const char *name = r->col[COL_NAME];
    if (read_cell(r, col, &e) != 0) {
        CHECK(0, "%s: %s cell unreadable", name, what);
        return;
    }
    CHECK(m->category == e.category && m->action == e.action && m->weak == e.weak,
          "%s: %s meaning is {category %d, action %d, weak %d}, table says {%d, %d, %d} (\"%s\")",
          name, what, m->category, m->action, m->weak, e.category, e.action, e.weak, r->col[col]);
}

static void
test_code_info_every_row(void **state)
{
    size_t i;
    (void)state;
    failures = 0;
    for (i = 0; i < T.nrows; i++) {
        const struct row *r = &T.rows[i];
        const char *name = r->col[COL_NAME];
        imaperr_code_info info = IMAPERR_CODE_INFO_INIT;
        int rc;

        if (is_pseudo(r))
            continue;
        info.size = sizeof info;
        rc = imaperr_code_info_get((imaperr_code)r->number, &info);
        CHECK_INT(name, "imaperr_code_info_get", rc, IMAPERR_OK);
        if (rc != IMAPERR_OK)
            continue;
        CHECK_INT(name, "info.size", info.size, sizeof info);
        CHECK_INT(name, "info.code", info.code, r->number);
        CHECK_STR(name, "info.name", info.name, name);
        CHECK_STR(name, "info.reference", info.reference, r->col[COL_REFERENCE]);
        CHECK_STR(name, "info.registration", info.registration, r->col[COL_STATUS]);
        CHECK_STR(name, "info.args", info.args, r->col[COL_ARGS]);
        CHECK_STR(name, "info.example", info.example, r->col[COL_EXAMPLE]);
        check_meaning(r, COL_OK, "OK", &info.ok);
        check_meaning(r, COL_NO, "NO", &info.no);
        check_meaning(r, COL_BAD, "BAD", &info.bad);
        check_meaning(r, COL_BYE, "BYE", &info.bye);
        CHECK_INT(name, "info.flags", info.flags,
                  strcmp(r->col[COL_FLAGS], "show") == 0 ? IMAPERR_FLAG_SHOW_USER : 0);
        CHECK_STR(name, "info.message_key", info.message_key,
                  strcmp(r->col[COL_MSG], "-") == 0 ? NULL : r->col[COL_MSG]);
    }
    assert_int_equal(failures, 0);
}

/* ------------------------------------------------------------------------ */
/* Every EXAMPLE parses, with every status                                    */
/* ------------------------------------------------------------------------ */

struct status_case {
    const char *prefix;      /* line before "[" */
    imaperr_status status;
    int col;                 /* registry column read with this status */
    const char *label;
};

static const struct status_case cases[] = {
    { "a NO ", IMAPERR_STATUS_NO, COL_NO, "NO" },
    { "a OK ", IMAPERR_STATUS_OK, COL_OK, "OK" },
    { "a BAD ", IMAPERR_STATUS_BAD, COL_BAD, "BAD" },
    { "* BYE ", IMAPERR_STATUS_BYE, COL_BYE, "BYE" },
    { "* PREAUTH ", IMAPERR_STATUS_PREAUTH, COL_OK, "PREAUTH" }, /* reads the OK column */
};

/* Build "<prefix>[<example>] Some text" in a fresh heap buffer of exactly
 * the line's length (no terminator inside the given length). */
static char *
example_line(const struct status_case *sc, const struct row *r, size_t *len)
{
    size_t p = strlen(sc->prefix), e = strlen(r->col[COL_EXAMPLE]), t = strlen("] Some text");
    char *line = malloc(p + 1 + e + t + 1);
    assert_non_null(line);
    memcpy(line, sc->prefix, p);
    line[p] = '[';
    memcpy(line + p + 1, r->col[COL_EXAMPLE], e);
    memcpy(line + p + 1 + e, "] Some text", t + 1);
    *len = p + 1 + e + t;
    return line;
}

static void
test_parse_every_example(void **state)
{
    size_t i, s;
    (void)state;
    failures = 0;
    for (i = 0; i < T.nrows; i++) {
        const struct row *r = &T.rows[i];
        const char *name = r->col[COL_NAME];
        const char *ex = r->col[COL_EXAMPLE];
        size_t nlen = strlen(name);

        if (is_pseudo(r))
            continue;
        for (s = 0; s < sizeof cases / sizeof cases[0]; s++) {
            imaperr_response resp = IMAPERR_RESPONSE_INIT;
            size_t len;
            char *line = example_line(&cases[s], r, &len);
            int rc = imaperr_parse(line, len, &resp);

            CHECK(rc == IMAPERR_OK, "%s: parse of \"%s\" returned %d", name, line, rc);
            if (rc == IMAPERR_OK) {
                CHECK(resp.code == (imaperr_code)r->number, "%s: \"%s\" gives code %d, expected %ld",
                      name, line, (int)resp.code, r->number);
                CHECK(resp.kind == IMAPERR_KIND_STATUS && resp.status == cases[s].status,
                      "%s: \"%s\": kind %d status %d", name, line, (int)resp.kind, (int)resp.status);
                CHECK(!(resp.repairs & IMAPERR_REPAIR_CODE_AS_TEXT), "%s: \"%s\": code read as text",
                      name, line);
                /* the example is valid and so is the line: nothing to repair */
                CHECK(resp.repairs == 0, "%s: \"%s\": repairs 0x%x on a valid line", name, line,
                      resp.repairs);
                CHECK(resp.text.ptr != NULL && resp.text.len == 9 &&
                          memcmp(resp.text.ptr, "Some text", 9) == 0,
                      "%s: \"%s\": text is \"%.*s\"", name, line, (int)resp.text.len,
                      resp.text.ptr ? resp.text.ptr : "");
                CHECK(resp.code_name.len == nlen && resp.code_name.ptr != NULL &&
                          memcmp(resp.code_name.ptr, name, nlen) == 0,
                      "%s: \"%s\": code_name is \"%.*s\"", name, line, (int)resp.code_name.len,
                      resp.code_name.ptr ? resp.code_name.ptr : "");
                if (strlen(ex) == nlen) {
                    CHECK(resp.code_args.len == 0 && resp.args_state == IMAPERR_ARGS_NONE,
                          "%s: \"%s\": unexpected arguments (state %d)", name, line, (int)resp.args_state);
                } else {
                    const char *args = ex + nlen + 1;
                    CHECK(resp.code_args.len == strlen(args) && resp.code_args.ptr != NULL &&
                              memcmp(resp.code_args.ptr, args, resp.code_args.len) == 0,
                          "%s: \"%s\": code_args is \"%.*s\"", name, line, (int)resp.code_args.len,
                          resp.code_args.ptr ? resp.code_args.ptr : "");
                    CHECK(resp.args_state == IMAPERR_ARGS_RAW || resp.args_state == IMAPERR_ARGS_DECODED,
                          "%s: \"%s\": args_state %d for a valid example", name, line, (int)resp.args_state);
                }
            }
            free(line);
        }
    }
    assert_int_equal(failures, 0);
}

/* ------------------------------------------------------------------------ */
/* Every EXAMPLE classifies as its row says                                   */
/* ------------------------------------------------------------------------ */

/* What the status alone means when the command is unknown (NULL). */
static void
status_default(imaperr_status st, int *category, int *action)
{
    const struct vocab *c, *a;
    const char *cn, *an;
    switch (st) {
    case IMAPERR_STATUS_NO: cn = "unknown"; an = "fail"; break;
    case IMAPERR_STATUS_BAD: cn = "client-bug"; an = "fail"; break;
    case IMAPERR_STATUS_BYE: cn = "connection"; an = "reconnect"; break;
    default: cn = "ok"; an = "none"; break;
    }
    c = find_vocab(T.cats, T.ncats, cn);
    a = find_vocab(T.acts, T.nacts, an);
    assert_non_null(c);
    assert_non_null(a);
    *category = (int)c->number;
    *action = (int)a->number;
}

static void
test_classify_every_example(void **state)
{
    size_t i, s;
    (void)state;
    failures = 0;
    for (i = 0; i < T.nrows; i++) {
        const struct row *r = &T.rows[i];
        const char *name = r->col[COL_NAME];
        int show = strcmp(r->col[COL_FLAGS], "show") == 0;

        if (is_pseudo(r))
            continue;
        for (s = 0; s < sizeof cases / sizeof cases[0]; s++) {
            imaperr_response resp = IMAPERR_RESPONSE_INIT;
            imaperr_classification cl = IMAPERR_CLASSIFICATION_INIT;
            struct expect e;
            const struct vocab *act, *cat;
            int def_cat, def_act, want_cat, want_act, applies, rc;
            imaperr_source want_src;
            imaperr_severity want_sev;
            const char *want_key;
            unsigned want_flags;
            size_t len;
            char *line = example_line(&cases[s], r, &len);

            if (imaperr_parse(line, len, &resp) != IMAPERR_OK || read_cell(r, cases[s].col, &e) != 0) {
                CHECK(0, "%s: \"%s\" cannot be classified (parse or cell failed)", name, line);
                free(line);
                continue;
            }
            status_default(cases[s].status, &def_cat, &def_act);
            /* a cell applies unless it is `-`; a weak one only when the
             * status and command say nothing more specific than unknown */
            applies = e.category >= 0 &&
                      (!e.weak || def_cat == (int)find_vocab(T.cats, T.ncats, "unknown")->number);
            want_cat = applies ? e.category : def_cat;
            want_act = applies ? e.action : def_act;
            want_src = applies ? IMAPERR_SOURCE_CODE : IMAPERR_SOURCE_STATUS;
            cat = find_vocab_number(T.cats, T.ncats, want_cat);
            act = find_vocab_number(T.acts, T.nacts, want_act);
            assert_non_null(cat);
            assert_non_null(act);
            want_key = applies && e.msgkey ? e.msgkey : cat->extra;
            want_flags = (show ? IMAPERR_FLAG_SHOW_USER : 0) |
                         (strcmp(act->extra, "yes") == 0 ? IMAPERR_FLAG_RETRYABLE : 0) |
                         (strcmp(act->name, "fail") == 0 ? IMAPERR_FLAG_PERMANENT : 0);
            if (strcmp(cat->name, "ok") == 0)
                want_sev = IMAPERR_SEVERITY_INFO;
            else if (cases[s].status == IMAPERR_STATUS_OK || cases[s].status == IMAPERR_STATUS_PREAUTH)
                want_sev = IMAPERR_SEVERITY_WARNING;
            else
                want_sev = IMAPERR_SEVERITY_ERROR;

            rc = imaperr_classify(&resp, NULL, 0, &cl);
            CHECK(rc == IMAPERR_OK, "%s: \"%s\": classify returned %d", name, line, rc);
            CHECK(cl.category == (imaperr_category)want_cat && cl.action == (imaperr_action)want_act,
                  "%s: \"%s\": %s/%s, table says %s/%s (cell \"%s\")", name, line,
                  imaperr_category_name(cl.category) ? imaperr_category_name(cl.category) : "?",
                  imaperr_action_name(cl.action) ? imaperr_action_name(cl.action) : "?",
                  cat->name, act->name, r->col[cases[s].col]);
            CHECK(cl.source == want_src, "%s: \"%s\": source %d, expected %d", name, line,
                  (int)cl.source, (int)want_src);
            CHECK(!!(cl.flags & IMAPERR_FLAG_SHOW_USER) == show, "%s: \"%s\": SHOW_USER is %d, FLAGS is %s",
                  name, line, !!(cl.flags & IMAPERR_FLAG_SHOW_USER), r->col[COL_FLAGS]);
            CHECK(!!(cl.flags & IMAPERR_FLAG_RETRYABLE) == (strcmp(act->extra, "yes") == 0),
                  "%s: \"%s\": RETRYABLE is %d, action %s has RETRYABLE %s", name, line,
                  !!(cl.flags & IMAPERR_FLAG_RETRYABLE), act->name, act->extra);
            CHECK(cl.flags == want_flags, "%s: \"%s\": flags 0x%x, expected 0x%x", name, line, cl.flags,
                  want_flags);
            CHECK(cl.severity == want_sev, "%s: \"%s\": severity %d, expected %d", name, line,
                  (int)cl.severity, (int)want_sev);
            CHECK(cl.code == (imaperr_code)r->number && cl.status == cases[s].status,
                  "%s: \"%s\": code/status not copied", name, line);
            CHECK_STR(name, "message key", imaperr_message_key(&cl), want_key);
            free(line);
        }
    }
    assert_int_equal(failures, 0);
}

/* A weak cell yields when the command tells more (RFC 5530 leaves a NO
 * [ALERT] to LOGIN a credential problem): with LOGIN the status rule gives
 * credential/reauthenticate (uncertain), so only strong NO cells apply. */
static void
test_weak_cells_yield_to_command(void **state)
{
    size_t i;
    const struct vocab *cred = find_vocab(T.cats, T.ncats, "credential");
    const struct vocab *reauth = find_vocab(T.acts, T.nacts, "reauthenticate");
    (void)state;
    failures = 0;
    assert_non_null(cred);
    assert_non_null(reauth);
    for (i = 0; i < T.nrows; i++) {
        const struct row *r = &T.rows[i];
        const char *name = r->col[COL_NAME];
        imaperr_response resp = IMAPERR_RESPONSE_INIT;
        imaperr_classification cl = IMAPERR_CLASSIFICATION_INIT;
        struct expect e;
        size_t len;
        char *line;

        if (is_pseudo(r))
            continue;
        line = example_line(&cases[0], r, &len); /* "a NO [...] Some text" */
        if (imaperr_parse(line, len, &resp) != IMAPERR_OK || read_cell(r, COL_NO, &e) != 0) {
            CHECK(0, "%s: \"%s\" cannot be classified", name, line);
            free(line);
            continue;
        }
        assert_int_equal(imaperr_classify(&resp, "LOGIN", 0, &cl), IMAPERR_OK);
        if (e.category >= 0 && !e.weak) {
            CHECK(cl.category == (imaperr_category)e.category && cl.action == (imaperr_action)e.action &&
                      cl.source == IMAPERR_SOURCE_CODE,
                  "%s: \"%s\" to LOGIN: %d/%d source %d, the strong cell says %d/%d", name, line,
                  (int)cl.category, (int)cl.action, (int)cl.source, e.category, e.action);
        } else {
            CHECK(cl.category == (imaperr_category)cred->number && cl.action == (imaperr_action)reauth->number &&
                      cl.source == IMAPERR_SOURCE_STATUS && (cl.flags & IMAPERR_FLAG_UNCERTAIN),
                  "%s: \"%s\" to LOGIN: %d/%d source %d flags 0x%x, expected credential/reauthenticate "
                  "from the status, uncertain (cell \"%s\")", name, line, (int)cl.category,
                  (int)cl.action, (int)cl.source, cl.flags, r->col[COL_NO]);
        }
        free(line);
    }
    assert_int_equal(failures, 0);
}

/* ------------------------------------------------------------------------ */
/* Vocabularies                                                               */
/* ------------------------------------------------------------------------ */

static void
test_category_vocabulary(void **state)
{
    size_t i;
    long max = -1;
    (void)state;
    failures = 0;
    for (i = 0; i < T.ncats; i++) {
        const struct vocab *v = &T.cats[i];
        CHECK_STR(v->name, "imaperr_category_name", imaperr_category_name((imaperr_category)v->number), v->name);
        CHECK_INT(v->name, "imaperr_category_from_name", imaperr_category_from_name(v->name), v->number);
        if (v->number > max)
            max = v->number;
    }
    assert_int_equal(failures, 0);
    assert_int_equal((size_t)(max + 1), T.ncats); /* numbered 0..n-1 */
    assert_null(imaperr_category_name((imaperr_category)(max + 1)));
    assert_null(imaperr_category_name((imaperr_category)255));
    assert_null(imaperr_category_name((imaperr_category)-1));
    assert_int_equal(imaperr_category_from_name(NULL), IMAPERR_E_UNKNOWN_NAME);
    assert_int_equal(imaperr_category_from_name(""), IMAPERR_E_UNKNOWN_NAME);
    assert_int_equal(imaperr_category_from_name("xyzzy"), IMAPERR_E_UNKNOWN_NAME);
    assert_int_equal(imaperr_category_from_name("QUOTA"), IMAPERR_E_UNKNOWN_NAME); /* exact, lower case */
    assert_int_equal(imaperr_category_from_name("quota "), IMAPERR_E_UNKNOWN_NAME);
    assert_int_equal(imaperr_category_from_name("fail"), IMAPERR_E_UNKNOWN_NAME); /* an action */
}

static void
test_action_vocabulary(void **state)
{
    size_t i;
    long max = -1;
    (void)state;
    failures = 0;
    for (i = 0; i < T.nacts; i++) {
        const struct vocab *v = &T.acts[i];
        CHECK_STR(v->name, "imaperr_action_name", imaperr_action_name((imaperr_action)v->number), v->name);
        CHECK_INT(v->name, "imaperr_action_from_name", imaperr_action_from_name(v->name), v->number);
        if (v->number > max)
            max = v->number;
    }
    assert_int_equal(failures, 0);
    assert_int_equal((size_t)(max + 1), T.nacts);
    assert_null(imaperr_action_name((imaperr_action)(max + 1)));
    assert_null(imaperr_action_name((imaperr_action)255));
    assert_null(imaperr_action_name((imaperr_action)-1));
    assert_int_equal(imaperr_action_from_name(NULL), IMAPERR_E_UNKNOWN_NAME);
    assert_int_equal(imaperr_action_from_name(""), IMAPERR_E_UNKNOWN_NAME);
    assert_int_equal(imaperr_action_from_name("xyzzy"), IMAPERR_E_UNKNOWN_NAME);
    assert_int_equal(imaperr_action_from_name("FAIL"), IMAPERR_E_UNKNOWN_NAME);
    assert_int_equal(imaperr_action_from_name("quota"), IMAPERR_E_UNKNOWN_NAME); /* a category */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_numbers_unique),
        cmocka_unit_test(test_count_and_enumeration),
        cmocka_unit_test(test_known_codes_present),
        cmocka_unit_test(test_newname_obsolete),
        cmocka_unit_test(test_name_lookup_every_row),
        cmocka_unit_test(test_unknown_names),
        cmocka_unit_test(test_code_name_and_info_edges),
        cmocka_unit_test(test_code_info_every_row),
        cmocka_unit_test(test_parse_every_example),
        cmocka_unit_test(test_classify_every_example),
        cmocka_unit_test(test_weak_cells_yield_to_command),
        cmocka_unit_test(test_category_vocabulary),
        cmocka_unit_test(test_action_vocabulary),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
