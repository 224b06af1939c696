/* version.c - library version. */
#include <config.h>

#include <stdlib.h>

#include "internal.h"

const char *
imaperr_version(void)
{
    return PACKAGE_VERSION;
}

/* Parse "MAJOR.MINOR.PATCH" (missing parts count as 0). Returns 0 on a
 * malformed string. */
static int
parse_version(const char *s, unsigned long v[3])
{
    int i;
    v[0] = v[1] = v[2] = 0;
    for (i = 0; i < 3; i++) {
        char *end;
        if (*s < '0' || *s > '9')
            return 0;
        v[i] = strtoul(s, &end, 10);
        s = end;
        if (*s == '\0')
            return 1;
        if (*s != '.')
            return 0;
        s++;
    }
    return *s == '\0';
}

const char *
imaperr_check_version(const char *required)
{
    unsigned long have[3], want[3];
    int i;
    if (required == NULL)
        return PACKAGE_VERSION;
    if (!parse_version(PACKAGE_VERSION, have) || !parse_version(required, want))
        return NULL;
    for (i = 0; i < 3; i++) {
        if (have[i] > want[i])
            return PACKAGE_VERSION;
        if (have[i] < want[i])
            return NULL;
    }
    return PACKAGE_VERSION;
}
