/* names.c - names of the small fixed enumerations and return codes. */
#include <config.h>

#include <string.h>

#include "internal.h"

const char *
imaperr_status_name(imaperr_status status)
{
    static const char *const names[] = { NULL, "OK", "NO", "BAD", "BYE", "PREAUTH" };
    return (unsigned)status < sizeof names / sizeof names[0] ? names[status] : NULL;
}

const char *
imaperr_source_name(imaperr_source source)
{
    static const char *const names[] = { "none", "code", "text-heuristic", "status" };
    return (unsigned)source < sizeof names / sizeof names[0] ? names[source] : NULL;
}

const char *
imaperr_severity_name(imaperr_severity severity)
{
    static const char *const names[] = { "info", "warning", "error" };
    return (unsigned)severity < sizeof names / sizeof names[0] ? names[severity] : NULL;
}

const char *
imaperr_kind_name(imaperr_kind kind)
{
    static const char *const names[] = { NULL, "status", "data", "continuation" };
    return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : NULL;
}

const char *
imaperr_repair_name(unsigned bit)
{
    static const char *const names[] = {
        "lowercase-status", "lowercase-code", "tagged-untagged-status", "missing-tag",
        "missing-text", "trailing-code", "unparenthesized-list", "code-as-text",
        "control-in-text", "no-space-after-code", "unexpected-args", "extra-space",
    };
    unsigned i;
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (bit == (1u << i))
            return names[i];
    return NULL;
}

static const struct {
    int rc;
    const char *name;
    const char *text;
} rcs[] = {
    { IMAPERR_OK, "ok", "success" },
    { IMAPERR_E_INVALID, "invalid", "invalid argument" },
    { IMAPERR_E_EMPTY, "empty", "line is empty" },
    { IMAPERR_E_TRUNCATED, "truncated", "line ends before the response is complete" },
    { IMAPERR_E_NOT_RESPONSE, "not-response", "not an IMAP response line" },
    { IMAPERR_E_SYNTAX, "syntax", "response does not follow the IMAP grammar" },
    { IMAPERR_E_UNKNOWN_NAME, "unknown-name", "name not known" },
    { IMAPERR_E_INTERNAL, "internal", "internal error" },
};

const char *
imaperr_strerror(int rc)
{
    size_t i;
    for (i = 0; i < sizeof rcs / sizeof rcs[0]; i++)
        if (rcs[i].rc == rc)
            return rcs[i].text;
    return "unknown error";
}

const char *
imaperr_rc_name(int rc)
{
    size_t i;
    for (i = 0; i < sizeof rcs / sizeof rcs[0]; i++)
        if (rcs[i].rc == rc)
            return rcs[i].name;
    return NULL;
}
