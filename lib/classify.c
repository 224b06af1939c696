/* classify.c - from a parsed response (+ the failed command) to one
 * category and one action. The meaning of every code is data from
 * lib/registry.tsv; this file holds only the rules for responses that the
 * table leaves to the status and the command. */
#include <config.h>

#include <string.h>

#include "internal.h"

struct verdict {
    int category;
    int action;
    int message;     /* -1: the category's message */
    unsigned flags;
    imaperr_source source;
};

/* What the status and the command alone say. */
static struct verdict
by_status(imaperr_status status, int role)
{
    struct verdict v = { IMAPERR_CAT_OK, IMAPERR_ACT_NONE, -1, 0, IMAPERR_SOURCE_STATUS };
    switch (status) {
    case IMAPERR_STATUS_NO:
        if (role == IMAPERR__ROLE_AUTH) {
            v.category = IMAPERR_CAT_CREDENTIAL;
            v.action = IMAPERR_ACT_REAUTHENTICATE;
            v.flags = IMAPERR_FLAG_UNCERTAIN;
        } else if (role == IMAPERR__ROLE_SELECT) {
            v.category = IMAPERR_CAT_NONEXISTENT;
            v.action = IMAPERR_ACT_FAIL;
            v.flags = IMAPERR_FLAG_UNCERTAIN;
        } else {
            v.category = IMAPERR_CAT_UNKNOWN;
            v.action = IMAPERR_ACT_FAIL;
        }
        break;
    case IMAPERR_STATUS_BAD:
        v.category = IMAPERR_CAT_CLIENT_BUG;
        v.action = IMAPERR_ACT_FAIL;
        break;
    case IMAPERR_STATUS_BYE:
        if (role != IMAPERR__ROLE_LOGOUT) {
            v.category = IMAPERR_CAT_CONNECTION;
            v.action = IMAPERR_ACT_RECONNECT;
        }
        break;
    default:
        break;
    }
    return v;
}

static void
finish(const struct verdict *v, const imaperr_response *resp, unsigned extra_flags,
       imaperr_classification *out)
{
    imaperr_classification c;
    memset(&c, 0, sizeof c);
    c.size = out->size;
    c.category = (imaperr_category)v->category;
    c.action = (imaperr_action)v->action;
    c.source = v->source;
    c.flags = v->flags | extra_flags;
    if (imaperr__actions[v->action].retryable)
        c.flags |= IMAPERR_FLAG_RETRYABLE;
    if (v->action == IMAPERR_ACT_FAIL)
        c.flags |= IMAPERR_FLAG_PERMANENT;
    if (resp) {
        c.code = resp->code;
        c.status = resp->status;
    }
    if (v->category == IMAPERR_CAT_OK)
        c.severity = IMAPERR_SEVERITY_INFO;
    else if (resp && (resp->status == IMAPERR_STATUS_OK || resp->status == IMAPERR_STATUS_PREAUTH))
        c.severity = IMAPERR_SEVERITY_WARNING;
    else
        c.severity = IMAPERR_SEVERITY_ERROR;
    c.message = v->message >= 0 ? (unsigned)v->message
                                : imaperr__categories[v->category].message;
    c.confidence = (c.flags & IMAPERR_FLAG_UNCERTAIN) ? 50 : 100;
    memcpy(out, &c, sizeof c);
}

int
imaperr_classify(const imaperr_response *resp, const char *command, unsigned options,
                 imaperr_classification *out)
{
    const struct imaperr__code_row *row = NULL;
    const struct imaperr__cell *cell = NULL;
    struct verdict v;
    unsigned extra = 0;
    int role;

    (void)options; /* IMAPERR_CLASSIFY_NO_HEURISTICS: nothing to switch off yet */
    if (resp == NULL || resp->size < sizeof(imaperr_response) || out == NULL ||
        out->size < sizeof(imaperr_classification))
        return IMAPERR_E_INVALID;

    if (resp->kind != IMAPERR_KIND_STATUS) {
        v = by_status(IMAPERR_STATUS_OK, -1);
        v.source = IMAPERR_SOURCE_NONE;
        finish(&v, resp, 0, out);
        return IMAPERR_OK;
    }

    role = imaperr__command_role(command);
    v = by_status(resp->status, role);

    if (resp->code != IMAPERR_CODE_NONE && resp->code != IMAPERR_CODE_UNKNOWN)
        row = imaperr__code_row(resp->code);
    if (row) {
        switch (resp->status) {
        case IMAPERR_STATUS_NO: cell = &row->cells[IMAPERR__CELL_NO]; break;
        case IMAPERR_STATUS_BAD: cell = &row->cells[IMAPERR__CELL_BAD]; break;
        case IMAPERR_STATUS_BYE: cell = &row->cells[IMAPERR__CELL_BYE]; break;
        default: cell = &row->cells[IMAPERR__CELL_OK]; break;
        }
        if (row->show)
            extra |= IMAPERR_FLAG_SHOW_USER;
    }

    /* The BYE that answers LOGOUT is the normal end of a session. */
    if (resp->status == IMAPERR_STATUS_BYE && role == IMAPERR__ROLE_LOGOUT)
        cell = NULL;

    if (cell && cell->category >= 0 && (!cell->weak || v.category == IMAPERR_CAT_UNKNOWN)) {
        v.category = cell->category;
        v.action = cell->action;
        v.message = cell->message;
        v.flags = 0;
        v.source = IMAPERR_SOURCE_CODE;
    }
    finish(&v, resp, extra, out);
    return IMAPERR_OK;
}

int
imaperr_classify_parse_error(int rc, imaperr_classification *out)
{
    struct verdict v = { IMAPERR_CAT_UNKNOWN, IMAPERR_ACT_FAIL, -1, 0, IMAPERR_SOURCE_NONE };
    if (out == NULL || out->size < sizeof(imaperr_classification) || rc >= 0)
        return IMAPERR_E_INVALID;
    v.message = (int)imaperr__message_parse_error;
    finish(&v, NULL, 0, out);
    return IMAPERR_OK;
}
