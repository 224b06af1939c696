/* test-classify.c - imaperr_classify(), imaperr_classify_parse_error() and
 * imaperr_message_key().
 *
 * The expected category, action and severity of every case below were
 * written by hand from /work/shared/DESIGN.md (category and action tables,
 * "Status and context", the ALERT paragraph) and include/imaperr.h, NOT
 * copied from lib/registry.tsv: the point is an independent check of the
 * table and of the rules in lib/classify.c.
 *
 * Flags are derived from the expected action with the rules of the header:
 * RETRYABLE for retry-* and reconnect, PERMANENT iff the action is fail;
 * SHOW_USER for ALERT, WEBALERT, CONTACTADMIN; UNCERTAIN only when the
 * status and the command alone decided.
 *
 * Since the fallback on known server wordings (lib/wordings.tsv, issue 4)
 * the default classification also reads the text: the cases whose text is
 * a known wording expect source text-heuristic (marked "wording" below);
 * the rules they used to show are kept by cases with neutral text.
 * tests/test-wordings.c tests the fallback itself.
 */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

/* "don't care" for the tri-state members of a case */
#define ANY (-1)

/* Known flag bits; later versions may add more, which these tests ignore. */
#define KNOWN_FLAGS (IMAPERR_FLAG_RETRYABLE | IMAPERR_FLAG_SHOW_USER | \
                     IMAPERR_FLAG_PERMANENT | IMAPERR_FLAG_UNCERTAIN)

struct ccase {
    /* The command the response answers: the client line without its tag
     * (only the command word counts), or NULL when unknown. */
    const char *command;
    /* The server line. */
    const char *line;
    /* Expected code: its upper-case name, "UNKNOWN" for an unregistered
     * name, NULL for no code. */
    const char *code;
    imaperr_status status;
    int category;            /* imaperr_category */
    int action;              /* imaperr_action, or ANY */
    imaperr_severity severity;
    int source;              /* imaperr_source, or ANY */
    int show_user;           /* 0/1 */
    int uncertain;           /* 0/1 or ANY */
};

/* ------------------------------------------------------------------------ */
/* Helpers                                                                    */
/* ------------------------------------------------------------------------ */

/* Written by hand from DESIGN.md's action table: retry-* and reconnect. */
static int
action_is_retryable(int action)
{
    switch (action) {
    case IMAPERR_ACT_RETRY_BACKOFF:
    case IMAPERR_ACT_RETRY_AFTER_NOOP:
    case IMAPERR_ACT_RETRY_AFTER_STARTTLS:
    case IMAPERR_ACT_RETRY_AFTER_CREATE:
    case IMAPERR_ACT_RECONNECT:
        return 1;
    default:
        return 0;
    }
}

static const char *
nz(const char *s)
{
    return s ? s : "(null)";
}


#define CHECK(cond, ...) do { if (!(cond)) { \
            print_error("%s / command %s: ", k->line, nz(k->command)); \
            fail_msg(__VA_ARGS__); } } while (0)

static void
check_case(const struct ccase *k)
{
    imaperr_classification c;
    unsigned want_flags = 0, got_flags;
    const char *key;

    classify_line(k->line, k->command, &c);

    CHECK(c.size == sizeof(imaperr_classification), "size member changed to %zu", c.size);
    CHECK((int)c.category == k->category, "category %s, expected %s",
          nz(imaperr_category_name(c.category)),
          nz(imaperr_category_name((imaperr_category)k->category)));
    if (k->action != ANY)
        CHECK((int)c.action == k->action, "action %s, expected %s",
              nz(imaperr_action_name(c.action)),
              nz(imaperr_action_name((imaperr_action)k->action)));
    CHECK(c.severity == k->severity, "severity %s, expected %s",
          nz(imaperr_severity_name(c.severity)), nz(imaperr_severity_name(k->severity)));
    if (k->source != ANY)
        CHECK((int)c.source == k->source, "source %s, expected %s",
              nz(imaperr_source_name(c.source)),
              nz(imaperr_source_name((imaperr_source)k->source)));
    CHECK(c.status == k->status, "status %s, expected %s",
          nz(imaperr_status_name(c.status)), nz(imaperr_status_name(k->status)));
    if (k->code == NULL)
        CHECK(c.code == IMAPERR_CODE_NONE, "code %s, expected none",
              nz(imaperr_code_name(c.code)));
    else
        CHECK(imaperr_code_name(c.code) != NULL &&
              strcmp(imaperr_code_name(c.code), k->code) == 0,
              "code %s, expected %s", nz(imaperr_code_name(c.code)), k->code);

    /* Flags follow from the (actual) action, the code and the case. */
    if (action_is_retryable((int)c.action))
        want_flags |= IMAPERR_FLAG_RETRYABLE;
    if (c.action == IMAPERR_ACT_FAIL)
        want_flags |= IMAPERR_FLAG_PERMANENT;
    if (k->show_user)
        want_flags |= IMAPERR_FLAG_SHOW_USER;
    got_flags = c.flags & KNOWN_FLAGS;
    if (k->uncertain == ANY)
        got_flags &= ~IMAPERR_FLAG_UNCERTAIN;
    else if (k->uncertain)
        want_flags |= IMAPERR_FLAG_UNCERTAIN;
    CHECK(got_flags == want_flags, "flags 0x%x, expected 0x%x (R=1 S=2 P=4 U=8)",
          got_flags, want_flags);

    /* A classification made by the library always has a message key. */
    key = imaperr_message_key(&c);
    CHECK(key != NULL && key[0] != '\0', "no message key");
}

static void
run_cases(const struct ccase *cases, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        check_case(&cases[i]);
}

#define RUN(cases) run_cases(cases, sizeof cases / sizeof cases[0])

/* Shorthands */
#define S_OK   IMAPERR_STATUS_OK
#define S_NO   IMAPERR_STATUS_NO
#define S_BAD  IMAPERR_STATUS_BAD
#define S_BYE  IMAPERR_STATUS_BYE
#define S_PRE  IMAPERR_STATUS_PREAUTH
#define S_NONE IMAPERR_STATUS_NONE
#define INFO   IMAPERR_SEVERITY_INFO
#define WARN   IMAPERR_SEVERITY_WARNING
#define ERR    IMAPERR_SEVERITY_ERROR
#define SRC_CODE   IMAPERR_SOURCE_CODE
#define SRC_STATUS IMAPERR_SOURCE_STATUS
#define SRC_NONE   IMAPERR_SOURCE_NONE
#define SRC_TEXT   IMAPERR_SOURCE_TEXT_HEURISTIC

/* ------------------------------------------------------------------------ */
/* RFC 5530 section 3: every example server line, with its C: command        */
/* ------------------------------------------------------------------------ */

/* Each example illustrates the code named in the rfc/README.md order.
 * Expected categories: DESIGN.md's category table (typical codes column).
 * Expected actions, chosen by hand from DESIGN.md's action table:
 *   transient -> retry-backoff ("may work later"); credential ->
 *   reauthenticate ("never retry the same ones"); authorization ->
 *   user-action (the account settings must change); privacy ->
 *   retry-after-starttls; NOPERM/CANNOT/LIMIT/ALREADYEXISTS/NONEXISTENT ->
 *   fail (retrying unchanged can never work); INUSE -> retry-backoff ("may
 *   work later"); EXPUNGEISSUED -> retry-after-noop (DESIGN.md: OK and NO
 *   both ask for a NOOP); CORRUPTION -> fail; SERVERBUG -> retry-backoff
 *   (the dev corpus: "backoff"); NO [OVERQUOTA] -> user-action ("free
 *   space"); an OK with a problem code -> none (the command worked; carry
 *   on), severity warning; OK [CONTACTADMIN] after LOGIN is information for
 *   the user (DESIGN.md), category alert, must-show. */
static const struct ccase rfc5530_examples[] = {
    /* UNAVAILABLE */
    { "LOGIN \"fred\" \"foo\"", "a NO [UNAVAILABLE] User's backend down for maintenance",
      "UNAVAILABLE", S_NO, IMAPERR_CAT_TRANSIENT, IMAPERR_ACT_RETRY_BACKOFF, ERR, SRC_CODE, 0, 0 },
    /* AUTHENTICATIONFAILED */
    { "LOGIN \"fred\" \"foo\"", "b NO [AUTHENTICATIONFAILED] Authentication failed",
      "AUTHENTICATIONFAILED", S_NO, IMAPERR_CAT_CREDENTIAL, IMAPERR_ACT_REAUTHENTICATE, ERR,
      SRC_CODE, 0, 0 },
    /* AUTHORIZATIONFAILED: the RFC gives no C: line */
    { NULL, "c1 NO [AUTHORIZATIONFAILED] No such authorization-ID",
      "AUTHORIZATIONFAILED", S_NO, IMAPERR_CAT_AUTHORIZATION, IMAPERR_ACT_USER_ACTION, ERR,
      SRC_CODE, 0, 0 },
    { NULL, "c2 NO [AUTHORIZATIONFAILED] Authenticator is not an admin",
      "AUTHORIZATIONFAILED", S_NO, IMAPERR_CAT_AUTHORIZATION, IMAPERR_ACT_USER_ACTION, ERR,
      SRC_CODE, 0, 0 },
    /* EXPIRED */
    { "login \"fred\" \"foo\"", "d NO [EXPIRED] That password isn't valid any more",
      "EXPIRED", S_NO, IMAPERR_CAT_CREDENTIAL, IMAPERR_ACT_REAUTHENTICATE, ERR, SRC_CODE, 0, 0 },
    /* PRIVACYREQUIRED */
    { "login \"fred\" \"foo\"", "d NO [PRIVACYREQUIRED] Connection offers no privacy",
      "PRIVACYREQUIRED", S_NO, IMAPERR_CAT_PRIVACY, IMAPERR_ACT_RETRY_AFTER_STARTTLS, ERR,
      SRC_CODE, 0, 0 },
    { "select inbox", "d NO [PRIVACYREQUIRED] Connection offers no privacy",
      "PRIVACYREQUIRED", S_NO, IMAPERR_CAT_PRIVACY, IMAPERR_ACT_RETRY_AFTER_STARTTLS, ERR,
      SRC_CODE, 0, 0 },
    /* CONTACTADMIN: OK after LOGIN, information the user must see */
    { "login \"fred\" \"foo\"", "e OK [CONTACTADMIN]",
      "CONTACTADMIN", S_OK, IMAPERR_CAT_ALERT, IMAPERR_ACT_NONE, WARN, SRC_CODE, 1, 0 },
    /* NOPERM */
    { "select \"/archive/projects/experiment-iv\"", "f NO [NOPERM] Access denied",
      "NOPERM", S_NO, IMAPERR_CAT_PERMISSION, IMAPERR_ACT_FAIL, ERR, SRC_CODE, 0, 0 },
    /* INUSE */
    { "delete \"/archive/projects/experiment-iv\"", "g NO [INUSE] Mailbox in use",
      "INUSE", S_NO, IMAPERR_CAT_IN_USE, IMAPERR_ACT_RETRY_BACKOFF, ERR, SRC_CODE, 0, 0 },
    /* EXPUNGEISSUED: the untagged data first, then the tagged OK */
    { "search from", "* SEARCH 1 2 3 5 8 13 21 42",
      NULL, S_NONE, IMAPERR_CAT_OK, IMAPERR_ACT_NONE, INFO, SRC_NONE, 0, 0 },
    { "search from", "h OK [EXPUNGEISSUED] Search completed",
      "EXPUNGEISSUED", S_OK, IMAPERR_CAT_EXPUNGE_RACE, IMAPERR_ACT_RETRY_AFTER_NOOP, WARN,
      SRC_CODE, 0, 0 },
    /* CORRUPTION */
    { "select \"/archive/projects/experiment-iv\"", "i NO [CORRUPTION] Cannot open mailbox",
      "CORRUPTION", S_NO, IMAPERR_CAT_SERVER_BUG, IMAPERR_ACT_FAIL, ERR, SRC_CODE, 0, 0 },
    /* SERVERBUG */
    { "select \"/archive/projects/experiment-iv\"", "j NO [SERVERBUG] This should not happen",
      "SERVERBUG", S_NO, IMAPERR_CAT_SERVER_BUG, IMAPERR_ACT_RETRY_BACKOFF, ERR, SRC_CODE, 0, 0 },
    /* CLIENTBUG (k1 is plain state data: READ-ONLY with OK is nothing wrong) */
    { "select \"/archive/projects/experiment-iv\"", "k1 OK [READ-ONLY] Done",
      "READ-ONLY", S_OK, IMAPERR_CAT_OK, IMAPERR_ACT_NONE, INFO, ANY, 0, 0 },
    { "status \"/archive/projects/experiment-iv\" (messages)", "k2 OK [CLIENTBUG] Done",
      "CLIENTBUG", S_OK, IMAPERR_CAT_CLIENT_BUG, IMAPERR_ACT_NONE, WARN, SRC_CODE, 0, 0 },
    /* CANNOT */
    { "create \"///////\"", "l NO [CANNOT] Adjacent slashes are not supported",
      "CANNOT", S_NO, IMAPERR_CAT_CANNOT, IMAPERR_ACT_FAIL, ERR, SRC_CODE, 0, 0 },
    /* LIMIT */
    { "STORE 42 FLAGS f1 f2 f3 f4 f5 ... f250", "m NO [LIMIT] At most 32 flags in one mailbox supported",
      "LIMIT", S_NO, IMAPERR_CAT_LIMIT, IMAPERR_ACT_FAIL, ERR, SRC_CODE, 0, 0 },
    /* OVERQUOTA: error with NO, warning with OK */
    { "uid copy 1:* oldmail", "n1 NO [OVERQUOTA] Sorry",
      "OVERQUOTA", S_NO, IMAPERR_CAT_QUOTA, IMAPERR_ACT_USER_ACTION, ERR, SRC_CODE, 0, 0 },
    { "uid copy 1:* oldmail", "n2 OK [OVERQUOTA] You are now over your soft quota",
      "OVERQUOTA", S_OK, IMAPERR_CAT_QUOTA, IMAPERR_ACT_NONE, WARN, SRC_CODE, 0, 0 },
    /* ALREADYEXISTS */
    { "RENAME this that", "o NO [ALREADYEXISTS] Mailbox \"that\" already exists",
      "ALREADYEXISTS", S_NO, IMAPERR_CAT_ALREADY_EXISTS, IMAPERR_ACT_FAIL, ERR, SRC_CODE, 0, 0 },
    /* NONEXISTENT */
    { "RENAME this that", "p NO [NONEXISTENT] No such mailbox",
      "NONEXISTENT", S_NO, IMAPERR_CAT_NONEXISTENT, IMAPERR_ACT_FAIL, ERR, SRC_CODE, 0, 0 },
};

static void
test_rfc5530_examples(void **state)
{
    (void)state;
    RUN(rfc5530_examples);
}

/* Every one of the 17 RFC 5530 codes is illustrated above. */
static void
test_rfc5530_all_codes_covered(void **state)
{
    static const char *const codes[] = {
        "UNAVAILABLE", "AUTHENTICATIONFAILED", "AUTHORIZATIONFAILED", "EXPIRED",
        "PRIVACYREQUIRED", "CONTACTADMIN", "NOPERM", "INUSE", "EXPUNGEISSUED", "CORRUPTION",
        "SERVERBUG", "CLIENTBUG", "CANNOT", "LIMIT", "OVERQUOTA", "ALREADYEXISTS", "NONEXISTENT",
    };
    size_t i, j;
    (void)state;
    for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        int found = 0;
        for (j = 0; j < sizeof rfc5530_examples / sizeof rfc5530_examples[0]; j++)
            if (rfc5530_examples[j].code && strcmp(rfc5530_examples[j].code, codes[i]) == 0)
                found = 1;
        if (!found)
            fail_msg("no RFC 5530 example for %s", codes[i]);
        /* and the registry knows it by name, in any letter case */
        assert_int_not_equal(imaperr_code_from_name(codes[i], strlen(codes[i])),
                             IMAPERR_CODE_UNKNOWN);
    }
}

/* A few more codes whose meaning DESIGN.md fixes. */
static const struct ccase more_codes[] = {
    { "APPEND Sent (\\Seen) {310}", "a NO [TRYCREATE] Mailbox doesn't exist: Sent",
      "TRYCREATE", S_NO, IMAPERR_CAT_NONEXISTENT, IMAPERR_ACT_RETRY_AFTER_CREATE, ERR,
      SRC_CODE, 0, 0 },
    { "FETCH 1 BODY[]", "a NO [UNAVAILABLE] Temporary failure",
      "UNAVAILABLE", S_NO, IMAPERR_CAT_TRANSIENT, IMAPERR_ACT_RETRY_BACKOFF, ERR, SRC_CODE, 0, 0 },
    { "FETCH 1 BODY[]", "a NO [TEMPFAIL] Try later",
      "TEMPFAIL", S_NO, IMAPERR_CAT_TRANSIENT, IMAPERR_ACT_RETRY_BACKOFF, ERR, SRC_CODE, 0, 0 },
    { "FETCH 1 BODY[]", "a NO [EXPUNGEISSUED] Some messages were expunged",
      "EXPUNGEISSUED", S_NO, IMAPERR_CAT_EXPUNGE_RACE, IMAPERR_ACT_RETRY_AFTER_NOOP, ERR,
      SRC_CODE, 0, 0 },
    { "UID FETCH 1:* (FLAGS)", "a NO [THROTTLED] Too many requests",
      "THROTTLED", S_NO, IMAPERR_CAT_THROTTLED, IMAPERR_ACT_RETRY_BACKOFF, ERR, SRC_CODE, 0, 0 },
    { "LOGIN a b", "a NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)",
      "AUTHENTICATIONFAILED", S_NO, IMAPERR_CAT_CREDENTIAL, IMAPERR_ACT_REAUTHENTICATE, ERR,
      SRC_CODE, 0, 0 },
    { "SEARCH CHARSET KOI8-R TEXT x", "a NO [BADCHARSET (UTF-8)] Unsupported charset",
      "BADCHARSET", S_NO, IMAPERR_CAT_CLIENT_BUG, IMAPERR_ACT_FAIL, ERR, SRC_CODE, 0, 0 },
    { "DELETE Foo", "a NO [HASCHILDREN] Mailbox has children",
      "HASCHILDREN", S_NO, IMAPERR_CAT_CANNOT, IMAPERR_ACT_FAIL, ERR, SRC_CODE, 0, 0 },
    { "APPEND INBOX {99999999}", "a NO [TOOBIG] Message too large",
      "TOOBIG", S_NO, IMAPERR_CAT_LIMIT, IMAPERR_ACT_FAIL, ERR, SRC_CODE, 0, 0 },
    { "FETCH 1 BINARY[1]", "a NO [UNKNOWN-CTE] Can't decode",
      "UNKNOWN-CTE", S_NO, IMAPERR_CAT_CANNOT, IMAPERR_ACT_FAIL, ERR, SRC_CODE, 0, 0 },
    { "CREATE Foo (USE (\\Drafts))", "a NO [USEATTR] Not here",
      "USEATTR", S_NO, IMAPERR_CAT_CANNOT, IMAPERR_ACT_FAIL, ERR, SRC_CODE, 0, 0 },
    { "GENURLAUTHFULL x", "a NO [BADURL imap://example.com/INBOX/;uid=20] Bad URL",
      "BADURL", S_NO, IMAPERR_CAT_CLIENT_BUG, IMAPERR_ACT_FAIL, ERR, SRC_CODE, 0, 0 },
    { "SELECT INBOX", "a OK [READ-WRITE] SELECT completed",
      "READ-WRITE", S_OK, IMAPERR_CAT_OK, IMAPERR_ACT_NONE, INFO, ANY, 0, 0 },
    { "SELECT INBOX", "* OK [UIDVALIDITY 3857529045] UIDs valid",
      "UIDVALIDITY", S_OK, IMAPERR_CAT_OK, IMAPERR_ACT_NONE, INFO, ANY, 0, 0 },
    { "APPEND INBOX {3}", "a OK [APPENDUID 38505 3955] APPEND completed",
      "APPENDUID", S_OK, IMAPERR_CAT_OK, IMAPERR_ACT_NONE, INFO, ANY, 0, 0 },
    { NULL, "* OK [CAPABILITY IMAP4rev1 IDLE AUTH=PLAIN] Ready",
      "CAPABILITY", S_OK, IMAPERR_CAT_OK, IMAPERR_ACT_NONE, INFO, ANY, 0, 0 },
    /* BYE with a code that means something */
    { NULL, "* BYE [UNAVAILABLE] Server shutting down",
      "UNAVAILABLE", S_BYE, IMAPERR_CAT_TRANSIENT, IMAPERR_ACT_RECONNECT, ERR, SRC_CODE, 0, 0 },
};

static void
test_more_codes(void **state)
{
    (void)state;
    RUN(more_codes);
}

/* ------------------------------------------------------------------------ */
/* Status and command rules                                                   */
/* ------------------------------------------------------------------------ */

static const struct ccase overquota_cases[] = {
    { "APPEND INBOX {310}", "a1 OK [OVERQUOTA] Message saved; you are over your soft quota",
      "OVERQUOTA", S_OK, IMAPERR_CAT_QUOTA, IMAPERR_ACT_NONE, WARN, SRC_CODE, 0, 0 },
    { "APPEND INBOX {310}", "a1 NO [OVERQUOTA] Quota exceeded",
      "OVERQUOTA", S_NO, IMAPERR_CAT_QUOTA, IMAPERR_ACT_USER_ACTION, ERR, SRC_CODE, 0, 0 },
    { NULL, "* OK [OVERQUOTA] Over soft quota",
      "OVERQUOTA", S_OK, IMAPERR_CAT_QUOTA, IMAPERR_ACT_NONE, WARN, SRC_CODE, 0, 0 },
};

static void
test_overquota_status(void **state)
{
    (void)state;
    RUN(overquota_cases);
}

static const struct ccase bye_cases[] = {
    /* The BYE that answers LOGOUT is the normal end of a session. */
    { "LOGOUT", "* BYE IMAP4rev1 Server logging out",
      NULL, S_BYE, IMAPERR_CAT_OK, IMAPERR_ACT_NONE, INFO, SRC_STATUS, 0, 0 },
    { "logout", "* BYE Logging out",
      NULL, S_BYE, IMAPERR_CAT_OK, IMAPERR_ACT_NONE, INFO, SRC_STATUS, 0, 0 },
    /* tagged BYE (a repair) after LOGOUT is still the normal end */
    { "LOGOUT", "a1 BYE Logging out",
      NULL, S_BYE, IMAPERR_CAT_OK, IMAPERR_ACT_NONE, INFO, SRC_STATUS, 0, 0 },
    /* any other BYE: the connection is closing */
    { NULL, "* BYE Closing the connection",
      NULL, S_BYE, IMAPERR_CAT_CONNECTION, IMAPERR_ACT_RECONNECT, ERR, SRC_STATUS, 0, 0 },
    { "FETCH 1:* (FLAGS)", "* BYE Going away",
      NULL, S_BYE, IMAPERR_CAT_CONNECTION, IMAPERR_ACT_RECONNECT, ERR, SRC_STATUS, 0, 0 },
    { "LOGIN fred foo", "* BYE Too many bad commands",
      NULL, S_BYE, IMAPERR_CAT_CONNECTION, IMAPERR_ACT_RECONNECT, ERR, SRC_STATUS, 0, 0 },
    /* wording: RFC 3501's autologout is a connection matter (reconnect
     * now); Dovecot's shutdown is a temporary server condition (back off) */
    { NULL, "* BYE Autologout; idle for too long",
      NULL, S_BYE, IMAPERR_CAT_CONNECTION, IMAPERR_ACT_RECONNECT, ERR, SRC_TEXT, 0, 0 },
    { "FETCH 1:* (FLAGS)", "* BYE Server shutting down",
      NULL, S_BYE, IMAPERR_CAT_TRANSIENT, IMAPERR_ACT_RECONNECT, ERR, SRC_TEXT, 0, 0 },
    { NULL, "a1 BYE Server shutting down",
      NULL, S_BYE, IMAPERR_CAT_TRANSIENT, IMAPERR_ACT_RECONNECT, ERR, SRC_TEXT, 0, 0 },
    { "NOOP", "* BYE",
      NULL, S_BYE, IMAPERR_CAT_CONNECTION, IMAPERR_ACT_RECONNECT, ERR, SRC_STATUS, 0, 0 },
};

static void
test_bye(void **state)
{
    (void)state;
    RUN(bye_cases);
}

static const struct ccase no_without_code[] = {
    /* to LOGIN / AUTHENTICATE: most likely credentials, but only a guess */
    { "LOGIN", "a NO Sorry",
      NULL, S_NO, IMAPERR_CAT_CREDENTIAL, IMAPERR_ACT_REAUTHENTICATE, ERR, SRC_STATUS, 0, 1 },
    { "AUTHENTICATE PLAIN", "a NO Nope",
      NULL, S_NO, IMAPERR_CAT_CREDENTIAL, IMAPERR_ACT_REAUTHENTICATE, ERR, SRC_STATUS, 0, 1 },
    { "login", "a NO Not today",
      NULL, S_NO, IMAPERR_CAT_CREDENTIAL, IMAPERR_ACT_REAUTHENTICATE, ERR, SRC_STATUS, 0, 1 },
    { "Login \"fred\" \"foo\"", "a NO [ALERT-NOT-A-CODE-WITHOUT-CLOSE x",
      NULL, S_NO, IMAPERR_CAT_CREDENTIAL, IMAPERR_ACT_REAUTHENTICATE, ERR, SRC_STATUS, 0, 1 },
    /* wording: the words say it; no longer a guess from the command */
    { "LOGIN", "a NO Login failed",
      NULL, S_NO, IMAPERR_CAT_CREDENTIAL, IMAPERR_ACT_REAUTHENTICATE, ERR, SRC_TEXT, 0, 0 },
    { "AUTHENTICATE PLAIN", "a NO Authentication failed",
      NULL, S_NO, IMAPERR_CAT_CREDENTIAL, IMAPERR_ACT_REAUTHENTICATE, ERR, SRC_TEXT, 0, 0 },
    { "login", "a NO LOGIN failed",
      NULL, S_NO, IMAPERR_CAT_CREDENTIAL, IMAPERR_ACT_REAUTHENTICATE, ERR, SRC_TEXT, 0, 0 },
    { "authenticate XOAUTH2", "a NO Invalid credentials",
      NULL, S_NO, IMAPERR_CAT_CREDENTIAL, IMAPERR_ACT_REAUTHENTICATE, ERR, SRC_TEXT, 0, 0 },
    /* to SELECT / EXAMINE: most likely a missing mailbox */
    { "SELECT Foo", "a NO Cannot open Foo",
      NULL, S_NO, IMAPERR_CAT_NONEXISTENT, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 1 },
    /* wording: Dovecot's "doesn't exist" */
    { "SELECT Foo", "a NO Mailbox doesn't exist: Foo",
      NULL, S_NO, IMAPERR_CAT_NONEXISTENT, IMAPERR_ACT_FAIL, ERR, SRC_TEXT, 0, 0 },
    { "EXAMINE Foo", "a NO No such mailbox",
      NULL, S_NO, IMAPERR_CAT_NONEXISTENT, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 1 },
    { "select", "a NO select failed",
      NULL, S_NO, IMAPERR_CAT_NONEXISTENT, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 1 },
    /* no command, or one with no special role: cause unknown */
    { NULL, "a NO Operation failed",
      NULL, S_NO, IMAPERR_CAT_UNKNOWN, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 0 },
    { "FETCH 1 BODY[]", "a NO Operation failed",
      NULL, S_NO, IMAPERR_CAT_UNKNOWN, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 0 },
    { "APPEND INBOX {3}", "a NO Operation failed",
      NULL, S_NO, IMAPERR_CAT_UNKNOWN, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 0 },
    /* "UID FETCH": the word after UID is the command */
    { "UID FETCH 1:* (FLAGS)", "a NO Operation failed",
      NULL, S_NO, IMAPERR_CAT_UNKNOWN, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 0 },
    { "uid fetch", "a NO Operation failed",
      NULL, S_NO, IMAPERR_CAT_UNKNOWN, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 0 },
    /* unknown command names count as NULL */
    { "XYZZY", "a NO Operation failed",
      NULL, S_NO, IMAPERR_CAT_UNKNOWN, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 0 },
    { "LOGINX", "a NO Operation failed",
      NULL, S_NO, IMAPERR_CAT_UNKNOWN, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 0 },
    { "LOG", "a NO Operation failed",
      NULL, S_NO, IMAPERR_CAT_UNKNOWN, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 0 },
    { "SELECTED", "a NO Operation failed",
      NULL, S_NO, IMAPERR_CAT_UNKNOWN, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 0 },
    { "", "a NO Operation failed",
      NULL, S_NO, IMAPERR_CAT_UNKNOWN, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 0 },
    { "UID", "a NO Operation failed",
      NULL, S_NO, IMAPERR_CAT_UNKNOWN, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 0 },
    /* untagged NO without code and no command */
    { NULL, "* NO Disk is almost full",
      NULL, S_NO, IMAPERR_CAT_UNKNOWN, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 0 },
    /* an untagged NO during LOGIN or SELECT is a warning, not the
     * command's failure: no guess from the command */
    { "LOGIN", "* NO Disk is almost full",
      NULL, S_NO, IMAPERR_CAT_UNKNOWN, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 0 },
    { "SELECT INBOX", "* NO Disk is almost full",
      NULL, S_NO, IMAPERR_CAT_UNKNOWN, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 0 },
};

static void
test_no_without_code(void **state)
{
    (void)state;
    RUN(no_without_code);
}

/* "UID <cmd>": only the word after UID is read. LOGOUT is the one command
 * whose role changes a BYE, which makes that observable. */
static void
test_uid_prefix(void **state)
{
    imaperr_classification a, b;
    (void)state;
    classify_line("* BYE Logging out", "UID LOGOUT", &a);
    assert_int_equal(a.category, IMAPERR_CAT_OK);
    classify_line("* BYE Logging out", "uid  logout", &b);
    assert_int_equal(b.category, IMAPERR_CAT_OK);
    /* "UID" alone is no command: an ordinary BYE */
    classify_line("* BYE Logging out", "UID", &a);
    assert_int_equal(a.category, IMAPERR_CAT_CONNECTION);
    /* "UIDLOGOUT" is one unknown word */
    classify_line("* BYE Logging out", "UIDLOGOUT", &a);
    assert_int_equal(a.category, IMAPERR_CAT_CONNECTION);
    /* "UID LOGIN" reads LOGIN */
    classify_line("a NO failed", "UID LOGIN", &a);
    assert_int_equal(a.category, IMAPERR_CAT_CREDENTIAL);
}

/* An unknown command behaves exactly as NULL, for every status. */
static void
test_unknown_command_is_null(void **state)
{
    static const char *const lines[] = {
        "a OK done", "a NO failed", "a BAD bad", "* BYE bye", "a NO [ALERT] hello",
        "a NO [XYZZY] x", "* PREAUTH hi", "a NO [OVERQUOTA] full",
    };
    static const char *const commands[] = { "XYZZY", "FOO BAR", "", " ", "UID", "UID XYZZY" };
    size_t i, j;
    (void)state;
    for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        imaperr_classification ref, c;
        classify_line(lines[i], NULL, &ref);
        for (j = 0; j < sizeof commands / sizeof commands[0]; j++) {
            classify_line(lines[i], commands[j], &c);
            if (memcmp(&ref, &c, sizeof c) != 0)
                fail_msg("\"%s\" with command \"%s\" differs from NULL command",
                         lines[i], commands[j]);
        }
    }
}

static const struct ccase bad_and_ok_cases[] = {
    /* BAD without code: the client sent something wrong */
    { NULL, "a BAD Command unrecognized",
      NULL, S_BAD, IMAPERR_CAT_CLIENT_BUG, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 0 },
    { "LOGIN", "a BAD Missing argument",
      NULL, S_BAD, IMAPERR_CAT_CLIENT_BUG, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 0 },
    { "SELECT", "a BAD Missing argument",
      NULL, S_BAD, IMAPERR_CAT_CLIENT_BUG, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 0 },
    { "LOGOUT", "* BAD Invalid tag",
      NULL, S_BAD, IMAPERR_CAT_CLIENT_BUG, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 0 },
    /* OK and PREAUTH without code: nothing wrong */
    { "LOGIN", "a OK LOGIN completed",
      NULL, S_OK, IMAPERR_CAT_OK, IMAPERR_ACT_NONE, INFO, SRC_STATUS, 0, 0 },
    { NULL, "a OK Success",
      NULL, S_OK, IMAPERR_CAT_OK, IMAPERR_ACT_NONE, INFO, SRC_STATUS, 0, 0 },
    { NULL, "* OK IMAP4rev1 Service Ready",
      NULL, S_OK, IMAPERR_CAT_OK, IMAPERR_ACT_NONE, INFO, SRC_STATUS, 0, 0 },
    { "SELECT INBOX", "a OK",
      NULL, S_OK, IMAPERR_CAT_OK, IMAPERR_ACT_NONE, INFO, SRC_STATUS, 0, 0 },
    { NULL, "* PREAUTH IMAP4rev1 server logged in as Smith",
      NULL, S_PRE, IMAPERR_CAT_OK, IMAPERR_ACT_NONE, INFO, SRC_STATUS, 0, 0 },
    /* data lines and continuations are not errors, whatever the command */
    { NULL, "* 3 EXISTS",
      NULL, S_NONE, IMAPERR_CAT_OK, IMAPERR_ACT_NONE, INFO, SRC_NONE, 0, 0 },
    { "LOGIN", "* CAPABILITY IMAP4rev1 IDLE AUTH=PLAIN",
      NULL, S_NONE, IMAPERR_CAT_OK, IMAPERR_ACT_NONE, INFO, SRC_NONE, 0, 0 },
    { "SELECT INBOX", "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
      NULL, S_NONE, IMAPERR_CAT_OK, IMAPERR_ACT_NONE, INFO, SRC_NONE, 0, 0 },
    { "LIST \"\" *", "* LIST (\\HasNoChildren) \"/\" INBOX",
      NULL, S_NONE, IMAPERR_CAT_OK, IMAPERR_ACT_NONE, INFO, SRC_NONE, 0, 0 },
    { "IDLE", "+ idling",
      NULL, S_NONE, IMAPERR_CAT_OK, IMAPERR_ACT_NONE, INFO, SRC_NONE, 0, 0 },
    { "AUTHENTICATE PLAIN", "+ ",
      NULL, S_NONE, IMAPERR_CAT_OK, IMAPERR_ACT_NONE, INFO, SRC_NONE, 0, 0 },
    { "LOGOUT", "+ Ready for literal data",
      NULL, S_NONE, IMAPERR_CAT_OK, IMAPERR_ACT_NONE, INFO, SRC_NONE, 0, 0 },
};

static void
test_bad_ok_data(void **state)
{
    (void)state;
    RUN(bad_and_ok_cases);
}

/* ------------------------------------------------------------------------ */
/* ALERT precedence                                                           */
/* ------------------------------------------------------------------------ */

/* DESIGN.md: ALERT/WEBALERT/CONTACTADMIN are first a must-show flag; when
 * the status or the command tells the cause, the category is that cause and
 * the flag stays set; `alert` only when nothing else is known. The
 * CONTACTADMIN row is strong: its cause is "contact the admin". */
static const struct ccase alert_cases[] = {
    /* the command tells the cause: credential, flag kept */
    { "LOGIN", "a NO [ALERT] Please log in via your web browser",
      "ALERT", S_NO, IMAPERR_CAT_CREDENTIAL, ANY, ERR, ANY, 1, ANY },
    { "AUTHENTICATE XOAUTH2", "a NO [ALERT] Application-specific password required",
      "ALERT", S_NO, IMAPERR_CAT_CREDENTIAL, ANY, ERR, ANY, 1, ANY },
    /* nothing else known: alert / user-action */
    { NULL, "a NO [ALERT] Please read this",
      "ALERT", S_NO, IMAPERR_CAT_ALERT, IMAPERR_ACT_USER_ACTION, ERR, SRC_CODE, 1, 0 },
    /* wording: Gmail's web-login demand is a credential problem even when
     * the command is not known */
    { NULL, "a NO [ALERT] Please log in via your web browser",
      "ALERT", S_NO, IMAPERR_CAT_CREDENTIAL, IMAPERR_ACT_USER_ACTION, ERR, SRC_TEXT, 1, 0 },
    { "FETCH 1 BODY[]", "a NO [ALERT] Something is wrong",
      "ALERT", S_NO, IMAPERR_CAT_ALERT, IMAPERR_ACT_USER_ACTION, ERR, SRC_CODE, 1, 0 },
    /* the command tells the cause: SELECT -> nonexistent (a guess) */
    { "SELECT Foo", "a NO [ALERT] Mailbox is gone",
      "ALERT", S_NO, IMAPERR_CAT_NONEXISTENT, IMAPERR_ACT_FAIL, ERR, ANY, 1, ANY },
    /* an untagged NO is a warning during the command (RFC 3501 7.1.2),
     * not its failure: the command's guess does not apply (Cyrus 3.6 sends
     * "* NO [ALERT] Mailbox is over STORAGE quota" in a successful SELECT) */
    { "SELECT Foo", "* NO [ALERT] Please read this",
      "ALERT", S_NO, IMAPERR_CAT_ALERT, IMAPERR_ACT_USER_ACTION, ERR, SRC_CODE, 1, 0 },
    { "LOGIN", "* NO [ALERT] Please read this",
      "ALERT", S_NO, IMAPERR_CAT_ALERT, IMAPERR_ACT_USER_ACTION, ERR, SRC_CODE, 1, 0 },
    /* the status tells the cause */
    { NULL, "a BAD [ALERT] Command syntax error",
      "ALERT", S_BAD, IMAPERR_CAT_CLIENT_BUG, IMAPERR_ACT_FAIL, ERR, ANY, 1, ANY },
    { NULL, "* BYE [ALERT] Closing for maintenance",
      "ALERT", S_BYE, IMAPERR_CAT_CONNECTION, IMAPERR_ACT_RECONNECT, ERR, ANY, 1, ANY },
    /* wording: a shutdown (Dovecot's words), flag kept */
    { NULL, "* BYE [ALERT] Server shutting down for maintenance",
      "ALERT", S_BYE, IMAPERR_CAT_TRANSIENT, IMAPERR_ACT_RECONNECT, ERR, SRC_TEXT, 1, 0 },
    /* OK [ALERT]: text for the user, the command worked */
    { NULL, "* OK [ALERT] System shutdown in 10 minutes",
      "ALERT", S_OK, IMAPERR_CAT_ALERT, IMAPERR_ACT_NONE, WARN, SRC_CODE, 1, 0 },
    { "LOGIN", "a OK [ALERT] Your password expires in 3 days",
      "ALERT", S_OK, IMAPERR_CAT_ALERT, IMAPERR_ACT_NONE, WARN, SRC_CODE, 1, 0 },
    { NULL, "* PREAUTH [ALERT] Read the news",
      "ALERT", S_PRE, IMAPERR_CAT_ALERT, IMAPERR_ACT_NONE, WARN, SRC_CODE, 1, 0 },
    /* WEBALERT, similarly */
    { "LOGIN", "a NO [WEBALERT https://accounts.google.com/signin/continue?sarp=1] Web login required",
      "WEBALERT", S_NO, IMAPERR_CAT_CREDENTIAL, ANY, ERR, ANY, 1, ANY },
    { NULL, "a NO [WEBALERT https://example.com/account] Please read this",
      "WEBALERT", S_NO, IMAPERR_CAT_ALERT, IMAPERR_ACT_USER_ACTION, ERR, SRC_CODE, 1, 0 },
    /* wording: Gmail's "Web login required" */
    { NULL, "a NO [WEBALERT https://accounts.google.com/signin/continue?sarp=1] Web login required",
      "WEBALERT", S_NO, IMAPERR_CAT_CREDENTIAL, IMAPERR_ACT_USER_ACTION, ERR, SRC_TEXT, 1, 0 },
    { NULL, "* OK [WEBALERT https://example.com/notice] Please review your account",
      "WEBALERT", S_OK, IMAPERR_CAT_ALERT, IMAPERR_ACT_NONE, WARN, SRC_CODE, 1, 0 },
    /* CONTACTADMIN is strong: alert / user-action even to LOGIN */
    { "LOGIN", "a NO [CONTACTADMIN] Account disabled",
      "CONTACTADMIN", S_NO, IMAPERR_CAT_ALERT, IMAPERR_ACT_USER_ACTION, ERR, SRC_CODE, 1, 0 },
    { "AUTHENTICATE PLAIN", "a NO [CONTACTADMIN] Account disabled",
      "CONTACTADMIN", S_NO, IMAPERR_CAT_ALERT, IMAPERR_ACT_USER_ACTION, ERR, SRC_CODE, 1, 0 },
    { NULL, "a NO [CONTACTADMIN] Account disabled",
      "CONTACTADMIN", S_NO, IMAPERR_CAT_ALERT, IMAPERR_ACT_USER_ACTION, ERR, SRC_CODE, 1, 0 },
    /* no must-show flag for an ordinary code */
    { "LOGIN", "a NO [AUTHENTICATIONFAILED] Nope",
      "AUTHENTICATIONFAILED", S_NO, IMAPERR_CAT_CREDENTIAL, IMAPERR_ACT_REAUTHENTICATE, ERR,
      SRC_CODE, 0, 0 },
};

static void
test_alert_precedence(void **state)
{
    (void)state;
    RUN(alert_cases);
}

/* The ALERT flag survives lower-case spelling of the code. */
static void
test_alert_lowercase(void **state)
{
    imaperr_classification c;
    (void)state;
    classify_line("* OK [alert] System shutdown in 10 minutes", NULL, &c);
    assert_int_equal(c.code, IMAPERR_CODE_ALERT);
    assert_int_equal(c.category, IMAPERR_CAT_ALERT);
    assert_true(c.flags & IMAPERR_FLAG_SHOW_USER);
}

/* ------------------------------------------------------------------------ */
/* Unknown and trailing codes                                                 */
/* ------------------------------------------------------------------------ */

static const struct ccase unknown_cases[] = {
    /* an unregistered code: the status rules decide */
    { NULL, "a NO [XYZZY] x",
      "UNKNOWN", S_NO, IMAPERR_CAT_UNKNOWN, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 0 },
    { "LOGIN", "a NO [XYZZY] x",
      "UNKNOWN", S_NO, IMAPERR_CAT_CREDENTIAL, IMAPERR_ACT_REAUTHENTICATE, ERR, SRC_STATUS, 0, 1 },
    { "SELECT x", "a NO [XYZZY] x",
      "UNKNOWN", S_NO, IMAPERR_CAT_NONEXISTENT, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 1 },
    { NULL, "a OK [XYZZY] done",
      "UNKNOWN", S_OK, IMAPERR_CAT_OK, IMAPERR_ACT_NONE, INFO, SRC_STATUS, 0, 0 },
    { NULL, "a BAD [XYZZY 1 2 3] nope",
      "UNKNOWN", S_BAD, IMAPERR_CAT_CLIENT_BUG, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 0 },
    { NULL, "* BYE [XYZZY] bye",
      "UNKNOWN", S_BYE, IMAPERR_CAT_CONNECTION, IMAPERR_ACT_RECONNECT, ERR, SRC_STATUS, 0, 0 },
    /* a registered code that means nothing special with NO */
    { NULL, "a NO [UIDNEXT 4392] odd",
      "UIDNEXT", S_NO, IMAPERR_CAT_UNKNOWN, IMAPERR_ACT_FAIL, ERR, SRC_STATUS, 0, 0 },
    /* a known code at the end of the text (Gmail) */
    { NULL, "a1 OK Success [THROTTLED]",
      "THROTTLED", S_OK, IMAPERR_CAT_THROTTLED, IMAPERR_ACT_NONE, WARN, SRC_CODE, 0, 0 },
    { "UID FETCH 1:* (FLAGS)", "a1 OK Success [THROTTLED]",
      "THROTTLED", S_OK, IMAPERR_CAT_THROTTLED, IMAPERR_ACT_NONE, WARN, SRC_CODE, 0, 0 },
};

static void
test_unknown_and_trailing(void **state)
{
    imaperr_response r;
    (void)state;
    RUN(unknown_cases);
    /* the unregistered name is kept for the caller */
    assert_int_equal(parse_str("a NO [XYZZY] x", &r), IMAPERR_OK);
    assert_int_equal(r.code, IMAPERR_CODE_UNKNOWN);
    assert_slice_equal(r.code_name, "XYZZY");
}

/* ------------------------------------------------------------------------ */
/* Invariants over many lines and commands                                    */
/* ------------------------------------------------------------------------ */

/* For every registry code with every status and a few commands: exactly one
 * valid category and action, flags consistent with the action, severity
 * consistent with the status, SHOW_USER exactly for the three must-show
 * codes, status and code copied. */
static void
test_invariants_all_codes(void **state)
{
    static const char *const statuses[] = { "a OK", "a NO", "a BAD", "* BYE", "* PREAUTH" };
    static const imaperr_status st[] = { S_OK, S_NO, S_BAD, S_BYE, S_PRE };
    static const char *const commands[] = { NULL, "LOGIN", "SELECT", "LOGOUT", "FETCH" };
    size_t n = imaperr_code_count(), i, s, k;
    (void)state;
    assert_true(n >= 63);
    for (i = 0; i < n; i++) {
        imaperr_code code = imaperr_code_at(i);
        imaperr_code_info info = IMAPERR_CODE_INFO_INIT;
        char line[512];
        int must_show;
        assert_int_equal(imaperr_code_info_get(code, &info), IMAPERR_OK);
        must_show = strcmp(info.name, "ALERT") == 0 || strcmp(info.name, "WEBALERT") == 0 ||
                    strcmp(info.name, "CONTACTADMIN") == 0;
        for (s = 0; s < sizeof statuses / sizeof statuses[0]; s++) {
            snprintf(line, sizeof line, "%s [%s] text", statuses[s], info.example);
            for (k = 0; k < sizeof commands / sizeof commands[0]; k++) {
                imaperr_classification c;
                classify_line(line, commands[k], &c);
                if (c.code != code)
                    fail_msg("%s: code %s", line, nz(imaperr_code_name(c.code)));
                if (c.status != st[s])
                    fail_msg("%s: status", line);
                if (imaperr_category_name(c.category) == NULL)
                    fail_msg("%s: bad category %d", line, (int)c.category);
                if (imaperr_action_name(c.action) == NULL)
                    fail_msg("%s: bad action %d", line, (int)c.action);
                if (!!(c.flags & IMAPERR_FLAG_RETRYABLE) != action_is_retryable((int)c.action))
                    fail_msg("%s / %s: RETRYABLE flag does not match action %s", line,
                             nz(commands[k]), imaperr_action_name(c.action));
                if (!!(c.flags & IMAPERR_FLAG_PERMANENT) != (c.action == IMAPERR_ACT_FAIL))
                    fail_msg("%s / %s: PERMANENT flag does not match action %s", line,
                             nz(commands[k]), imaperr_action_name(c.action));
                if (!!(c.flags & IMAPERR_FLAG_SHOW_USER) != must_show)
                    fail_msg("%s: SHOW_USER flag wrong", line);
                if ((c.flags & IMAPERR_FLAG_UNCERTAIN) && c.source != IMAPERR_SOURCE_STATUS)
                    fail_msg("%s: UNCERTAIN without source status", line);
                if (c.category == IMAPERR_CAT_OK) {
                    if (c.severity != INFO || c.action != IMAPERR_ACT_NONE)
                        fail_msg("%s / %s: ok must be info/none", line, nz(commands[k]));
                } else if (st[s] == S_OK || st[s] == S_PRE) {
                    if (c.severity != WARN)
                        fail_msg("%s: OK with a problem must be a warning", line);
                } else if (c.severity != ERR) {
                    fail_msg("%s: NO/BAD/BYE with a problem must be an error", line);
                }
                if ((st[s] == S_NO || st[s] == S_BAD) && c.category == IMAPERR_CAT_OK)
                    fail_msg("%s / %s: a failure classified ok", line, nz(commands[k]));
                if (st[s] == S_BYE && (commands[k] == NULL || strcmp(commands[k], "LOGOUT") != 0)
                    && c.category == IMAPERR_CAT_OK)
                    fail_msg("%s / %s: BYE not after LOGOUT classified ok", line,
                             nz(commands[k]));
                if (st[s] == S_BYE && commands[k] && strcmp(commands[k], "LOGOUT") == 0 &&
                    c.category != IMAPERR_CAT_OK)
                    fail_msg("%s: BYE after LOGOUT must be ok", line);
                if (imaperr_message_key(&c) == NULL)
                    fail_msg("%s: no message key", line);
            }
        }
    }
}

/* ------------------------------------------------------------------------ */
/* API contract                                                               */
/* ------------------------------------------------------------------------ */

static void
test_classify_invalid_args(void **state)
{
    imaperr_response r;
    imaperr_classification c = IMAPERR_CLASSIFICATION_INIT;
    (void)state;
    assert_int_equal(parse_str("a NO [OVERQUOTA] x", &r), IMAPERR_OK);
    assert_int_equal(imaperr_classify(NULL, NULL, 0, &c), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_classify(&r, NULL, 0, NULL), IMAPERR_E_INVALID);
    c.size = sizeof c - 1;
    assert_int_equal(imaperr_classify(&r, NULL, 0, &c), IMAPERR_E_INVALID);
    c.size = 0;
    assert_int_equal(imaperr_classify(&r, NULL, 0, &c), IMAPERR_E_INVALID);
    c.size = sizeof c;
    assert_int_equal(imaperr_classify(&r, NULL, 0, &c), IMAPERR_OK);
    /* options: NO_HEURISTICS is accepted and changes nothing here */
    {
        imaperr_classification d = IMAPERR_CLASSIFICATION_INIT;
        assert_int_equal(imaperr_classify(&r, NULL, IMAPERR_CLASSIFY_NO_HEURISTICS, &d),
                         IMAPERR_OK);
        assert_memory_equal(&c, &d, sizeof c);
    }
}

/* include/imaperr.h: IMAPERR_E_INVALID is "a required pointer was NULL, or
 * a struct's `size` member is too small" - that holds for the response the
 * caller passes in as well: a response whose size does not cover the members
 * classify reads is not one imaperr_parse() filled. */
static void
test_classify_response_size(void **state)
{
    imaperr_response r;
    imaperr_classification c = IMAPERR_CLASSIFICATION_INIT;
    (void)state;
    assert_int_equal(parse_str("a NO [OVERQUOTA] x", &r), IMAPERR_OK);
    r.size = 0;
    assert_int_equal(imaperr_classify(&r, NULL, 0, &c), IMAPERR_E_INVALID);
    r.size = sizeof r - 1;
    assert_int_equal(imaperr_classify(&r, NULL, 0, &c), IMAPERR_E_INVALID);
    r.size = sizeof r;
    assert_int_equal(imaperr_classify(&r, NULL, 0, &c), IMAPERR_OK);
}

/* A caller compiled against a later header passes a bigger struct: the
 * library fills what it knows and does not touch the rest. */
static void
test_classify_bigger_struct(void **state)
{
    struct {
        imaperr_classification c;
        unsigned char tail[32];
    } big;
    imaperr_response r;
    size_t i;
    (void)state;
    memset(&big, 0xA5, sizeof big);
    big.c.size = sizeof big;
    assert_int_equal(parse_str("a NO [OVERQUOTA] x", &r), IMAPERR_OK);
    assert_int_equal(imaperr_classify(&r, NULL, 0, &big.c), IMAPERR_OK);
    assert_int_equal(big.c.size, sizeof big);
    assert_int_equal(big.c.category, IMAPERR_CAT_QUOTA);
    for (i = 0; i < sizeof big.tail; i++)
        assert_int_equal(big.tail[i], 0xA5);
    memset(&big, 0xA5, sizeof big);
    big.c.size = sizeof big;
    assert_int_equal(imaperr_classify_parse_error(IMAPERR_E_SYNTAX, &big.c), IMAPERR_OK);
    for (i = 0; i < sizeof big.tail; i++)
        assert_int_equal(big.tail[i], 0xA5);
}

/* The same input always gives the same output; input is not modified. */
static void
test_classify_pure(void **state)
{
    imaperr_response r, copy;
    imaperr_classification a = IMAPERR_CLASSIFICATION_INIT, b = IMAPERR_CLASSIFICATION_INIT;
    (void)state;
    assert_int_equal(parse_str("a NO [ALERT] Please log in via your web browser", &r), IMAPERR_OK);
    copy = r;
    assert_int_equal(imaperr_classify(&r, "LOGIN", 0, &a), IMAPERR_OK);
    memset(&b, 0x5A, sizeof b);
    b.size = sizeof b;
    assert_int_equal(imaperr_classify(&r, "LOGIN", 0, &b), IMAPERR_OK);
    assert_memory_equal(&a, &b, sizeof a);
    assert_memory_equal(&r, &copy, sizeof r);
}

/* ------------------------------------------------------------------------ */
/* imaperr_classify_parse_error                                               */
/* ------------------------------------------------------------------------ */

static void
check_parse_error_class(int rc)
{
    imaperr_classification c = IMAPERR_CLASSIFICATION_INIT;
    const char *key;
    if (imaperr_classify_parse_error(rc, &c) != IMAPERR_OK)
        fail_msg("classify_parse_error(%d) failed", rc);
    assert_int_equal(c.category, IMAPERR_CAT_UNKNOWN);
    assert_int_equal(c.action, IMAPERR_ACT_FAIL);
    assert_int_equal(c.source, IMAPERR_SOURCE_NONE);
    assert_int_equal(c.severity, IMAPERR_SEVERITY_ERROR);
    assert_int_equal(c.flags & KNOWN_FLAGS, IMAPERR_FLAG_PERMANENT);
    assert_int_equal(c.code, IMAPERR_CODE_NONE);
    assert_int_equal(c.status, IMAPERR_STATUS_NONE);
    key = imaperr_message_key(&c);
    assert_non_null(key);
    assert_string_equal(key, "parse-error");
}

static void
test_parse_error(void **state)
{
    static const int rcs[] = {
        IMAPERR_E_INVALID, IMAPERR_E_EMPTY, IMAPERR_E_TRUNCATED, IMAPERR_E_NOT_RESPONSE,
        IMAPERR_E_SYNTAX, IMAPERR_E_UNKNOWN_NAME, IMAPERR_E_INTERNAL, -8, -100, INT32_MIN,
    };
    /* lines that imaperr_parse() rejects, with the rc each gives */
    static const struct { const char *line; int rc; } bad[] = {
        { "", IMAPERR_E_EMPTY },
        { "\r\n", IMAPERR_E_EMPTY },
        { "a1", IMAPERR_E_TRUNCATED },
        { "*", IMAPERR_E_TRUNCATED },
        { " a1 OK x", IMAPERR_E_NOT_RESPONSE },
        { "a1 FROB x", IMAPERR_E_SYNTAX },
    };
    imaperr_classification c = IMAPERR_CLASSIFICATION_INIT;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof rcs / sizeof rcs[0]; i++)
        check_parse_error_class(rcs[i]);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        imaperr_response r;
        int rc = parse_str(bad[i].line, &r);
        if (rc != bad[i].rc)
            fail_msg("parse(\"%s\") = %d, expected %d", bad[i].line, rc, bad[i].rc);
        check_parse_error_class(rc);
    }
    /* rc >= 0 is not a parse error */
    assert_int_equal(imaperr_classify_parse_error(0, &c), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_classify_parse_error(1, &c), IMAPERR_E_INVALID);
    assert_int_equal(imaperr_classify_parse_error(INT32_MAX, &c), IMAPERR_E_INVALID);
    /* NULL out, size too small */
    assert_int_equal(imaperr_classify_parse_error(IMAPERR_E_SYNTAX, NULL), IMAPERR_E_INVALID);
    c.size = sizeof c - 1;
    assert_int_equal(imaperr_classify_parse_error(IMAPERR_E_SYNTAX, &c), IMAPERR_E_INVALID);
    c.size = 0;
    assert_int_equal(imaperr_classify_parse_error(IMAPERR_E_SYNTAX, &c), IMAPERR_E_INVALID);
}

/* ------------------------------------------------------------------------ */
/* imaperr_message_key                                                        */
/* ------------------------------------------------------------------------ */

static void
expect_key(const char *line, const char *command, const char *key)
{
    imaperr_classification c;
    const char *got;
    classify_line(line, command, &c);
    got = imaperr_message_key(&c);
    if (got == NULL || strcmp(got, key) != 0)
        fail_msg("\"%s\" / %s: message key %s, expected %s", line, nz(command), nz(got), key);
}

static void
test_message_keys(void **state)
{
    (void)state;
    /* category messages: "cat-" + the category name */
    expect_key("a OK done", NULL, "cat-ok");
    expect_key("a NO [UNAVAILABLE] down", NULL, "cat-transient");
    expect_key("a NO [THROTTLED] slow down", NULL, "cat-throttled");
    expect_key("a NO [AUTHENTICATIONFAILED] no", "LOGIN", "cat-credential");
    expect_key("a NO [AUTHORIZATIONFAILED] no", NULL, "cat-authorization");
    expect_key("a NO [NOPERM] no", NULL, "cat-permission");
    expect_key("a NO [PRIVACYREQUIRED] no", NULL, "cat-privacy");
    expect_key("a NO [LIMIT] no", NULL, "cat-limit");
    expect_key("a NO [ALREADYEXISTS] no", NULL, "cat-already-exists");
    expect_key("a NO [NONEXISTENT] no", NULL, "cat-nonexistent");
    expect_key("a NO [INUSE] no", NULL, "cat-in-use");
    expect_key("a NO [EXPUNGEISSUED] no", NULL, "cat-expunge-race");
    expect_key("a BAD no", NULL, "cat-client-bug");
    expect_key("a NO [CLIENTBUG] no", NULL, "cat-client-bug");
    expect_key("a NO [SERVERBUG] no", NULL, "cat-server-bug");
    expect_key("a NO [CANNOT] no", NULL, "cat-cannot");
    expect_key("* BYE bye", NULL, "cat-connection");
    expect_key("a NO failed", NULL, "cat-unknown");
    /* status rules use the category's message */
    expect_key("a NO failed", "LOGIN", "cat-credential");
    expect_key("a NO failed", "SELECT x", "cat-nonexistent");
    expect_key("* BYE bye", "LOGOUT", "cat-ok");
    expect_key("* 3 EXISTS", NULL, "cat-ok");
    expect_key("+ go ahead", NULL, "cat-ok");
    /* ALERT demoted to a flag: the cause's message */
    expect_key("a NO [ALERT] Sorry", "LOGIN", "cat-credential");
    /* ... or the wording's (lib/wordings.tsv): Gmail's web login */
    expect_key("a NO [ALERT] Please log in via your web browser", "LOGIN", "webalert");
    /* code-specific messages */
    expect_key("a NO [OVERQUOTA] Quota exceeded", "APPEND", "quota-exceeded");
    expect_key("n1 NO [OVERQUOTA] Sorry", "uid copy 1:* oldmail", "quota-exceeded");
    expect_key("a OK [OVERQUOTA] Soft quota", "APPEND", "quota-warning");
    expect_key("n2 OK [OVERQUOTA] You are now over your soft quota", "uid copy", "quota-warning");
    expect_key("a NO [TRYCREATE] No such mailbox", "APPEND", "trycreate");
    expect_key("a NO [EXPIRED] old", "LOGIN", "expired");
    expect_key("a NO [CONTACTADMIN] call us", "LOGIN", "contactadmin");
    expect_key("e OK [CONTACTADMIN]", "login", "contactadmin");
    expect_key("a NO [WEBALERT https://example.com/] go", NULL, "webalert");
    expect_key("* OK [ALERT] System shutdown in 10 minutes", NULL, "alert");
    expect_key("a NO [CORRUPTION] bad", NULL, "corruption");
    expect_key("a NO [HASCHILDREN] kids", NULL, "haschildren");
    expect_key("a1 OK Success [THROTTLED]", NULL, "throttled-warning");
    /* NULL */
    assert_null(imaperr_message_key(NULL));
}

/* ------------------------------------------------------------------------ */

static void
test_confidence_and_hints(void **state)
{
    imaperr_classification c;
    (void)state;
    classify_line("a NO [OVERQUOTA] Quota exceeded", "APPEND", &c);
    assert_int_equal(c.confidence, 100);
    classify_line("a NO Sorry", "LOGIN", &c);
    assert_true(c.flags & IMAPERR_FLAG_UNCERTAIN);
    assert_true(c.confidence < 100);
    /* a known wording: its row's confidence, below 100, not UNCERTAIN */
    classify_line("a NO Login failed", "LOGIN", &c);
    assert_int_equal(c.source, IMAPERR_SOURCE_TEXT_HEURISTIC);
    assert_false(c.flags & IMAPERR_FLAG_UNCERTAIN);
    assert_true(c.confidence > 0 && c.confidence < 100);
    classify_line("a OK done", NULL, &c);
    assert_int_equal(c.confidence, 100);
    /* no hints without a wording that carries them */
    assert_int_equal(c.hint_backoff_ms, 0);
    assert_null(c.hint_url.ptr);
    assert_int_equal(c.hint_connection_limit, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_confidence_and_hints),
        cmocka_unit_test(test_rfc5530_examples),
        cmocka_unit_test(test_rfc5530_all_codes_covered),
        cmocka_unit_test(test_more_codes),
        cmocka_unit_test(test_overquota_status),
        cmocka_unit_test(test_bye),
        cmocka_unit_test(test_no_without_code),
        cmocka_unit_test(test_uid_prefix),
        cmocka_unit_test(test_unknown_command_is_null),
        cmocka_unit_test(test_bad_ok_data),
        cmocka_unit_test(test_alert_precedence),
        cmocka_unit_test(test_alert_lowercase),
        cmocka_unit_test(test_unknown_and_trailing),
        cmocka_unit_test(test_invariants_all_codes),
        cmocka_unit_test(test_classify_invalid_args),
        cmocka_unit_test(test_classify_response_size),
        cmocka_unit_test(test_classify_bigger_struct),
        cmocka_unit_test(test_classify_pure),
        cmocka_unit_test(test_parse_error),
        cmocka_unit_test(test_message_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
