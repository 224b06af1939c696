/* catalog_fuzzer.c - the library's own .mo catalog reader (lib/catalog.c,
 * internal API): loading and validating a catalog from arbitrary bytes,
 * every lookup on a catalog it accepted, and the Plural-Forms expression
 * parser and header reader on the same bytes read as text.
 *
 * Properties: a catalog is either refused with a known error or every entry
 * is readable and valid UTF-8 (as the reader promises); lookups of every
 * original return NUL-terminated strings; plural indexes stay below
 * nplurals; no expression recurses past the depth limit. */
#include <config.h>

#include "fuzz.h"
#include "i18n.h"

static void
use_str(const char *s)
{
    if (s)
        fuzz_use(s, strlen(s));
}

static void
check_catalog(const imaperr__catalog *cat)
{
    size_t i, n = imaperr__catalog_count(cat), tl;
    unsigned long np = imaperr__catalog_nplurals(cat), k;
    char field[64];

    /* glibc accepts "nplurals=0" and then always uses the first form */
    if (np == 0)
        np = 1;
    for (i = 0; i < n; i++) {
        const char *orig, *trans, *t;
        size_t olen, tlen;
        imaperr__catalog_entry(cat, i, &orig, &olen, &trans, &tlen);
        FUZZ_CHECK(orig != NULL && trans != NULL);
        FUZZ_CHECK(orig[olen] == '\0' && trans[tlen] == '\0');
        FUZZ_CHECK(fuzz_valid_utf8(orig, olen) && fuzz_valid_utf8(trans, tlen));
        t = imaperr__catalog_find(cat, orig, &tl);
        if (t != NULL)
            fuzz_use(t, tl);
        use_str(imaperr__catalog_gettext(cat, orig));
        use_str(imaperr__catalog_ngettext(cat, orig, "plural", i));
    }
    use_str(imaperr__catalog_gettext(cat, ""));
    use_str(imaperr__catalog_gettext(cat, "no such message"));
    for (k = 0; k < 300; k += 7)
        FUZZ_CHECK(imaperr__catalog_plural_index(cat, k) < np);
    FUZZ_CHECK(imaperr__catalog_plural_index(cat, (unsigned long)-1) < np);
    imaperr__catalog_header_field(cat, "Language", field, sizeof field);
    FUZZ_CHECK(strlen(field) < sizeof field);
    imaperr__catalog_header_field(cat, "Plural-Forms", field, 4);
    FUZZ_CHECK(strlen(field) < 4);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    imaperr__catalog *cat = NULL;
    struct imaperr__plural p;
    unsigned long np = 0, k;
    char *text, field[32];
    int rc;

    rc = imaperr__catalog_load_mem(data, size, &cat);
    FUZZ_CHECK(imaperr__catalog_strerror(rc) != NULL);
    if (rc == IMAPERR__CAT_OK) {
        FUZZ_CHECK(cat != NULL);
        check_catalog(cat);
        imaperr__catalog_free(cat);
    } else {
        FUZZ_CHECK(rc < 0 && cat == NULL);
    }

    /* the same bytes as a header and as a plural expression */
    text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    imaperr__plural_from_header(text, &p, &np);
    FUZZ_CHECK(p.nnodes <= IMAPERR__PLURAL_MAX_NODES);
    for (k = 0; k < 120; k += 3)
        (void)imaperr__plural_eval(&p, k);
    (void)imaperr__plural_eval(&p, (unsigned long)-1);
    if (imaperr__plural_parse(text, &p) == 0) {
        FUZZ_CHECK(p.nnodes <= IMAPERR__PLURAL_MAX_NODES && p.root < p.nnodes);
        for (k = 0; k < 120; k += 5)
            (void)imaperr__plural_eval(&p, k);
    }
    imaperr__header_field(text, "Plural-Forms", field, sizeof field);
    FUZZ_CHECK(strlen(field) < sizeof field);
    free(text);
    return 0;
}
