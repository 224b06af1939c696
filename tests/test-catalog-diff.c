/* test-catalog-diff.c - the differential test: for every msgid of every
 * catalog in po/LINGUAS and n in {0, 1, 2, 5, 11, 21, 101}, our .mo reader
 * (lib/catalog.c) must return exactly what glibc's dgettext()/dngettext()
 * return for the same catalog file (TAP output).
 *
 * glibc translates for a thread only in a system locale that is installed
 * (newlocale + uselocale), so this test needs the locales LL_CC.UTF-8 of the
 * shipped languages. tests/run-all.sh generates them (as root, with
 * localedef, from the Debian package "locales"); "--list-locales" prints
 * what is needed, one "NAME SOURCE" pair per line. Without them the test is
 * skipped with the reason, unless IMAPERR_REQUIRE_LOCALES=1 (CI), which
 * makes a missing locale a failure.
 */
#define _GNU_SOURCE 1
#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uloc.h>

#include "imaperr.h"
#include "internal.h"
#include "i18n.h"

#ifndef TOP_BUILDDIR
#define TOP_BUILDDIR "."
#endif

#define DOMAIN "libimaperr"

static const unsigned long ns[] = { 0, 1, 2, 5, 11, 21, 101 };
#define NN (sizeof ns / sizeof ns[0])

/* The glibc locale for a catalog language: "pt_BR" -> "pt_BR"; "de" -> the
 * region ICU's likely subtags give ("de_DE"), "ar" -> "ar_EG", ... */
static void
locale_source(const char *lang, char *buf, size_t cap)
{
    char full[ULOC_FULLNAME_CAPACITY], region[ULOC_COUNTRY_CAPACITY];
    UErrorCode ec = U_ZERO_ERROR;
    if (strchr(lang, '_') != NULL) {
        snprintf(buf, cap, "%s", lang);
        return;
    }
    uloc_addLikelySubtags(lang, full, (int32_t)sizeof full, &ec);
    uloc_getCountry(full, region, (int32_t)sizeof region, &ec);
    if (U_FAILURE(ec) || region[0] == '\0')
        snprintf(buf, cap, "%s", lang);
    else
        snprintf(buf, cap, "%s_%s", lang, region);
}

static int test_no;
static unsigned long comparisons, differences;

static void
compare(const char *lang, const char *what, const char *ours, const char *glibc, unsigned long n)
{
    comparisons++;
    if (strcmp(ours, glibc) != 0) {
        if (differences++ < 10)
            printf("# %s: %s (n=%lu): ours \"%s\", glibc \"%s\"\n", lang, what, n, ours, glibc);
    }
}

/* Compare one msgid (with its plural, or NULL) for every n. */
static void
compare_msgid(const char *lang, const imaperr__catalog *cat, const char *msgid, const char *plural)
{
    size_t i;
    const char *p = plural ? plural : msgid;
    compare(lang, msgid, imaperr__catalog_gettext(cat, msgid), dgettext(DOMAIN, msgid), 1);
    for (i = 0; i < NN; i++)
        compare(lang, msgid, imaperr__catalog_ngettext(cat, msgid, p, ns[i]),
                dngettext(DOMAIN, msgid, p, ns[i]), ns[i]);
}

int
main(int argc, char **argv)
{
    const char *dir;
    unsigned i, ran = 0, missing = 0, required;
    char src[64], name[80];

    if (argc > 1 && strcmp(argv[1], "--list-locales") == 0) {
        for (i = 0; i < imaperr__linguas_count; i++) {
            locale_source(imaperr__linguas[i], src, sizeof src);
            printf("%s.UTF-8 %s\n", src, src);
        }
        return 0;
    }
    setenv("IMAPERR_LOCALEDIR", TOP_BUILDDIR "/locale", 0);
    dir = getenv("IMAPERR_LOCALEDIR");
    required = getenv("IMAPERR_REQUIRE_LOCALES") != NULL && strcmp(getenv("IMAPERR_REQUIRE_LOCALES"), "1") == 0;
    /* $LANGUAGE would override the thread locale */
    unsetenv("LANGUAGE");
    bindtextdomain(DOMAIN, dir);
    bind_textdomain_codeset(DOMAIN, "UTF-8");

    if (imaperr__linguas_count == 0) {
        printf("1..0 # SKIP po/LINGUAS lists no catalog\n");
        return 0;
    }
    /* without any of the locales (and not required): one skip line */
    for (i = 0; i < imaperr__linguas_count; i++) {
        locale_t loc;
        locale_source(imaperr__linguas[i], src, sizeof src);
        snprintf(name, sizeof name, "%s.UTF-8", src);
        loc = newlocale(LC_ALL_MASK, name, (locale_t)0);
        if (loc == (locale_t)0)
            missing++;
        else
            freelocale(loc);
    }
    if (missing == imaperr__linguas_count && !required) {
        printf("1..0 # SKIP no system locale for the catalogs is installed (e.g. %s); glibc cannot "
               "translate without them. Generate them with tests/run-all.sh as root, or: "
               "localedef -i %s -f UTF-8 %s\n", name, src, name);
        return 0;
    }

    printf("1..%u\n", imaperr__linguas_count);
    for (i = 0; i < imaperr__linguas_count; i++) {
        const char *lang = imaperr__linguas[i];
        char path[4200];
        imaperr__catalog *cat = NULL;
        unsigned long before_cmp = comparisons, before_diff = differences;
        size_t e, msgids = 0;
        locale_t loc;
        const char *header;
        int rc;

        locale_source(lang, src, sizeof src);
        snprintf(name, sizeof name, "%s.UTF-8", src);
        loc = newlocale(LC_ALL_MASK, name, (locale_t)0);
        if (loc == (locale_t)0) {
            if (required)
                printf("not ok %d - %s: locale %s is not installed (IMAPERR_REQUIRE_LOCALES=1)\n", ++test_no,
                       lang, name);
            else
                printf("ok %d - %s # SKIP locale %s is not installed (localedef -i %s -f UTF-8 %s)\n",
                       ++test_no, lang, name, src, name);
            continue;
        }
        snprintf(path, sizeof path, "%s/%s/LC_MESSAGES/%s.mo", dir, lang, DOMAIN);
        rc = imaperr__catalog_load(path, &cat);
        if (rc != 0) {
            printf("not ok %d - %s: our reader refused %s: %s\n", ++test_no, lang, path,
                   imaperr__catalog_strerror(rc));
            freelocale(loc);
            continue;
        }
        uselocale(loc);
        /* glibc must have found the same catalog: same header */
        header = dgettext(DOMAIN, "");
        if (header[0] == '\0' || strcmp(header, imaperr__catalog_gettext(cat, "")) != 0) {
            printf("not ok %d - %s: glibc did not load %s in locale %s\n", ++test_no, lang, path, name);
            uselocale(LC_GLOBAL_LOCALE);
            freelocale(loc);
            imaperr__catalog_free(cat);
            continue;
        }
        /* every msgid of the catalog */
        for (e = 0; e < imaperr__catalog_count(cat); e++) {
            const char *orig, *trans;
            size_t olen, tlen;
            imaperr__catalog_entry(cat, e, &orig, &olen, &trans, &tlen);
            if (orig[0] == '\0')
                continue;   /* the header */
            msgids++;
            compare_msgid(lang, cat, orig, strlen(orig) < olen ? orig + strlen(orig) + 1 : NULL);
        }
        /* every message of the library, and msgids nobody translated */
        for (e = 0; e < imaperr__message_count; e++)
            compare_msgid(lang, cat, imaperr__messages[e], imaperr__messages_plural[e]);
        compare_msgid(lang, cat, "imaperr: a message no catalog has", NULL);
        compare_msgid(lang, cat, "imaperr: %1$s thing nobody has", "imaperr: %1$s things nobody has");
        uselocale(LC_GLOBAL_LOCALE);
        freelocale(loc);
        imaperr__catalog_free(cat);
        ran++;
        printf("%sok %d - %s (%s): %zu msgids x (1 + %zu n), %lu lookups, %lu differ from glibc\n",
               differences == before_diff ? "" : "not ", ++test_no, lang, name, msgids, NN,
               comparisons - before_cmp, differences - before_diff);
    }
    printf("# %u catalogs compared, %lu lookups, %lu differences\n", ran, comparisons, differences);
    return 0;
}
