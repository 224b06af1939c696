/* classify.c - from a parsed response (+ the failed command) to one
 * category and one action. The meaning of every code is data from
 * lib/registry.tsv; this file holds only the rules for responses that the
 * table leaves to the status and the command, and the precedence between
 * those, the codes and the known server wordings of lib/wordings.tsv
 * (doc/wordings.md). */
#include <config.h>

#include <string.h>

#include "internal.h"
#include "wordings.h"

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

/* The wording's confidence, id and hints (hints only for a problem). */
static void
finish_wording(const struct imaperr__wording_result *w, imaperr_classification *out)
{
    if (w->row >= 0) {
        out->confidence = imaperr__wordings[w->row].confidence;
        out->wording = imaperr__wordings[w->row].id;
    }
    if (out->category == IMAPERR_CAT_OK)
        return;
    out->hint_backoff_ms = w->backoff_ms;
    out->hint_url = w->url;
    out->hint_connection_limit = w->connection_limit;
}

static int
strncasecmp_ascii(const char *a, const char *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        int x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x += 'a' - 'A';
        if (y >= 'A' && y <= 'Z')
            y += 'a' - 'A';
        if (x != y)
            return x - y;
    }
    return 0;
}

/* The status bit of lib/wordings.tsv's STATUS column for a response. */
static unsigned
status_bit(const imaperr_response *resp)
{
    if (resp->kind == IMAPERR_KIND_CONTINUATION)
        return IMAPERR__WST_CONT;
    switch (resp->status) {
    case IMAPERR_STATUS_OK: return IMAPERR__WST_OK;
    case IMAPERR_STATUS_NO: return IMAPERR__WST_NO;
    case IMAPERR_STATUS_BAD: return IMAPERR__WST_BAD;
    case IMAPERR_STATUS_BYE: return IMAPERR__WST_BYE;
    case IMAPERR_STATUS_PREAUTH: return IMAPERR__WST_PREAUTH;
    default: return 0;
    }
}

/* WEBALERT's argument, when it is an http(s) address: the page to show. */
static imaperr_slice
webalert_url(const imaperr_response *resp)
{
    imaperr_slice u = { NULL, 0 };
    const char *a = resp->code_args.ptr;
    size_t n = resp->code_args.len, k, skip;
    if (resp->code != IMAPERR_CODE_WEBALERT || a == NULL)
        return u;
    if (n > 8 && strncasecmp_ascii(a, "https://", 8) == 0)
        skip = 8;
    else if (n > 7 && strncasecmp_ascii(a, "http://", 7) == 0)
        skip = 7;
    else
        return u;
    for (k = 0; k < n; k++) {
        unsigned char c = (unsigned char)a[k];
        if (c <= 0x20 || c >= 0x7f)
            break;
    }
    if (k > skip) {
        u.ptr = a;
        u.len = k;
    }
    return u;
}

/* The message a wording row names: the generator numbers message keys in
 * lib/messages.tsv order, as lib/gen-registry.awk does; checked here so
 * that a change there can never pick a wrong sentence (-1: the category's). */
static int
message_of(const struct imaperr__wording_row *row)
{
    unsigned i;
    if (row->message_key == NULL)
        return -1;
    if (row->message >= 0 && (unsigned)row->message < imaperr__message_count &&
        strcmp(imaperr__message_keys[row->message], row->message_key) == 0)
        return row->message;
    for (i = 0; i < imaperr__message_count; i++)
        if (strcmp(imaperr__message_keys[i], row->message_key) == 0)
            return (int)i;
    return -1;
}

/* The wording fallback (lib/wordings.tsv, doc/wordings.md): scan the text
 * once; when a row applies, it replaces the verdict. Fills *w with the row
 * and the hints found. */
static void
wording_fallback(const imaperr_response *resp, const char *command, int role, int code_decides,
                 struct verdict *v, unsigned *extra, struct imaperr__wording_result *w)
{
    struct imaperr__wording_query q;
    const struct imaperr__wording_row *row;
    int action, msg;

    q.status_bit = status_bit(resp);
    q.command_len = 0;
    /* an unknown command counts as none, as for the status rules */
    q.command = role >= 0 ? imaperr__wordings_command(command, &q.command_len) : NULL;
    if (q.command == NULL)
        q.command_len = 0;
    q.code = resp->code;
    q.code_decides = code_decides;
    imaperr__wordings_scan(resp->text.ptr, resp->text.len, &q, w);
    if (w->row < 0)
        return;
    row = &imaperr__wordings[w->row];
    action = (int)row->action;
    /* a closing connection cannot retry the command: reconnect instead */
    if (resp->status == IMAPERR_STATUS_BYE &&
        (action == IMAPERR_ACT_RETRY_BACKOFF || action == IMAPERR_ACT_RETRY_AFTER_NOOP ||
         action == IMAPERR_ACT_RETRY_AFTER_STARTTLS || action == IMAPERR_ACT_RETRY_AFTER_CREATE))
        action = IMAPERR_ACT_RECONNECT;
    msg = message_of(row);
    v->category = (int)row->category;
    v->action = action;
    v->message = msg;
    v->flags = 0;
    v->source = IMAPERR_SOURCE_TEXT_HEURISTIC;
    if (row->show)
        *extra |= IMAPERR_FLAG_SHOW_USER;
}

int
imaperr_classify(const imaperr_response *resp, const char *command, unsigned options,
                 imaperr_classification *out)
{
    const struct imaperr__code_row *row = NULL;
    const struct imaperr__cell *cell = NULL;
    struct verdict v;
    struct imaperr__wording_result w = { -1, 0, 0, { NULL, 0 } };
    unsigned extra = 0;
    int role, code_decides = 0;
    int heuristics = !(options & IMAPERR_CLASSIFY_NO_HEURISTICS);

    if (resp == NULL || resp->size < sizeof(imaperr_response) || out == NULL ||
        out->size < sizeof(imaperr_classification))
        return IMAPERR_E_INVALID;

    if (resp->kind != IMAPERR_KIND_STATUS) {
        v = by_status(IMAPERR_STATUS_OK, -1);
        v.source = IMAPERR_SOURCE_NONE;
        /* a continuation can carry a SASL error (RFC 7628): the only
         * non-status line the wordings look at */
        if (heuristics && resp->kind == IMAPERR_KIND_CONTINUATION)
            wording_fallback(resp, command, imaperr__command_role(command), 0, &v, &extra, &w);
        finish(&v, resp, extra, out);
        finish_wording(&w, out);
        return IMAPERR_OK;
    }

    role = imaperr__command_role(command);
    /* An untagged NO is a warning while the command runs, not its failure
     * (RFC 3501 7.1.2; Cyrus sends "* NO [ALERT] Mailbox is over STORAGE
     * quota" in a successful SELECT): the guesses from the command
     * (LOGIN -> credential, SELECT -> nonexistent) are for the tagged NO. */
    if (resp->status == IMAPERR_STATUS_NO && resp->tag.len == 1 && resp->tag.ptr[0] == '*')
        v = by_status(resp->status, -1);
    else
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
        /* a weak cell (ALERT) or one that says "ok" (state data such as
         * CAPABILITY) leaves room for a wording that tells the cause */
        code_decides = !cell->weak && cell->category != IMAPERR_CAT_OK;
    }

    /* Known wordings: never for the BYE that answers LOGOUT; a deciding
     * code yields only to override rows that name it. */
    if (heuristics && !(resp->status == IMAPERR_STATUS_BYE && role == IMAPERR__ROLE_LOGOUT))
        wording_fallback(resp, command, role, code_decides, &v, &extra, &w);
    finish(&v, resp, extra, out);
    finish_wording(&w, out);
    if (out->category != IMAPERR_CAT_OK) {
        /* the page WEBALERT names is the one to show, before any in the text */
        imaperr_slice u = webalert_url(resp);
        if (u.ptr)
            out->hint_url = u;
    }
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
