/* imap-client.c - a small IMAP client that lets libimaperr read every server
 * line and decide, after every failure, what to do next.
 *
 * It connects over plain TCP, reads the greeting, logs in, optionally APPENDs
 * a short message to a mailbox and logs out. Each line from the server is
 * parsed (imaperr_parse), classified with the command it answers
 * (imaperr_classify) and, when it reports a problem, explained in the user's
 * language (imaperr_explain). After each failed attempt the retry advisor
 * (imaperr_advise) says what to do: wait and retry, CREATE the mailbox and
 * retry, reconnect, or give up; when it gives up, the explanation no longer
 * promises a retry (IMAPERR_EXPLAIN_NO_RETRY). The program keeps the advisor's objects
 * itself: a policy, one state per account, one operation per command, a
 * clock and a seeded random source; the library never sleeps or reads a
 * clock.
 *
 *   imap-client [--lang LANG] [--append MAILBOX] [--bind ADDR]
 *               [--max-wait-ms N] HOST PORT USER [PASSWORD]
 *
 * Build against an installed library:
 *   cc imap-client.c $(pkg-config --cflags --libs libimaperr) -o imap-client
 *
 * Exit status: 0 done; 1 the server refused and the advisor gave up; 2 usage;
 * 3 I/O error (the host has no address, or the advisor gave up after a
 * failure of the connection rather than a refusal).
 *
 * This is an example: no TLS (use it on loopback or a trusted network only),
 * one connection, and no protocol support beyond what the session needs. */
#define _POSIX_C_SOURCE 200809L
#include <imaperr.h>

#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_DONE = 0, EXIT_GAVE_UP = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

/* Lines are kept up to LINE_CAP bytes, plenty for every line this session
 * needs; the rest of a longer line is read and dropped (with a warning), so a
 * hostile server cannot make the client use more memory. */
#define LINE_CAP 8192
#define IO_TIMEOUT_S 30
#define ARG_MAX_LEN 512

/* How one attempt of a command ended. */
enum result { A_OK, A_REFUSED, A_BYE, A_LOST, A_TIMEOUT, A_CONNECT_FAILED, A_ABORT };

struct client {
    const char *host, *port, *user, *password, *bind_addr, *mailbox, *lang;
    uint64_t max_wait_ms, skipped_ms;    /* see sleep_ms() */
    imaperr_retry_policy policy;         /* the defaults, plus a deadline */
    imaperr_retry_state account;         /* one per account, kept by the caller */
    imaperr_random rnd;                  /* seeded once, owned by the caller */
    int fd, logged_in, login_disabled, abort_code;
    unsigned tagno;
    const char *box_in_use;              /* mailbox the current command is about */
    char in[4096];                       /* bytes received, not yet consumed */
    size_t in_pos, in_len;
    char line[LINE_CAP + 1];             /* the current line (may hold NULs) */
    size_t line_len;
    char last[LINE_CAP + 1];             /* copy of the line that ended a command */
    imaperr_response last_resp;          /* ... parsed (slices point into last) */
    imaperr_classification last_class;   /* ... and classified */
};

/* The caller's clock: monotonic milliseconds, plus the waits that
 * --max-wait-ms skipped, so that the advisor sees its advised delays pass. */
static uint64_t now_ms(const struct client *cl)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u + cl->skipped_ms;
}

static void sleep_ms(struct client *cl, uint64_t ms)
{
    uint64_t real = ms < cl->max_wait_ms ? ms : cl->max_wait_ms;
    struct timespec ts = { (time_t)(real / 1000u), (long)(real % 1000u) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        continue;
    cl->skipped_ms += ms - real;
}

/* ---- reading lines ------------------------------------------------------ */

/* The next byte from the server, -1 at EOF, -2 on an error, -3 on timeout. */
static int next_byte(struct client *cl)
{
    if (cl->in_pos == cl->in_len) {
        ssize_t n;
        do
            n = recv(cl->fd, cl->in, sizeof cl->in, 0);
        while (n < 0 && errno == EINTR);
        if (n <= 0)
            return n == 0 ? -1 : (errno == EAGAIN || errno == EWOULDBLOCK) ? -3 : -2;
        cl->in_pos = 0;
        cl->in_len = (size_t)n;
    }
    return (unsigned char)cl->in[cl->in_pos++];
}

/* The size announced by a literal "{123}" or "{123+}" ending p[0..n), or -1. */
static long long literal_size(const char *p, size_t n)
{
    size_t end, i;
    long long v = 0;
    if (n < 3 || p[n - 1] != '}')
        return -1;
    end = i = p[n - 2] == '+' ? n - 2 : n - 1;
    while (i > 0 && p[i - 1] >= '0' && p[i - 1] <= '9')
        i--;
    if (i == end || i == 0 || p[i - 1] != '{' || end - i > 12)
        return -1;
    for (; i < end; i++)
        v = v * 10 + (p[i] - '0');
    return v;
}

/* Read one response line into cl->line. A literal's bytes are skipped
 * (this client never needs them) and the line goes on after them, so the
 * literal's contents can never be mistaken for a response. Returns 0, or
 * the negative value of next_byte(). */
static int read_line(struct client *cl)
{
    char tail[16];                 /* the last bytes, to find "{n}" at the end */
    size_t tail_len = 0, dropped = 0;
    cl->line_len = 0;
    for (;;) {
        int c = next_byte(cl);
        if (c < 0)
            return c;
        if (tail_len == sizeof tail)
            memmove(tail, tail + 1, --tail_len);
        tail[tail_len++] = (char)c;
        if (c != '\n') {
            if (cl->line_len < LINE_CAP)
                cl->line[cl->line_len++] = (char)c;
            else
                dropped++;
            continue;
        }
        tail_len -= tail_len >= 2 && tail[tail_len - 2] == '\r' ? 2 : 1;
        long long lit = literal_size(tail, tail_len);
        tail_len = 0;
        if (lit < 0)
            break;
        if (dropped == 0 && cl->line_len > 0 && cl->line[cl->line_len - 1] == '\r')
            cl->line_len--;        /* the line goes on after the literal */
        for (; lit > 0; lit--)
            if ((c = next_byte(cl)) < 0)
                return c;
    }
    if (dropped > 0)
        printf("warning: a line of %zu bytes was cut to its first %d bytes\n",
               cl->line_len + dropped, LINE_CAP);
    cl->line[cl->line_len] = '\0';
    return 0;
}

/* ---- what the library says about a line ---------------------------------- */

/* retry_ms: when the advisor retries (0: unknown); final: no retry will
 * follow (the advisor gave up), so the sentence must not promise one. */
static void explain(const struct client *cl, const imaperr_response *r,
                    const imaperr_classification *c, uint64_t retry_ms, int final)
{
    imaperr_explain_context ctx = IMAPERR_EXPLAIN_CONTEXT_INIT;
    imaperr_explain_info info = IMAPERR_EXPLAIN_INFO_INIT;
    char text[1024];
    int n;
    ctx.options = IMAPERR_EXPLAIN_NO_SERVER_TEXT;   /* shown on its own below */
    if (final)                                       /* not "Your app will try again" */
        ctx.options |= IMAPERR_EXPLAIN_NO_RETRY;
    if (cl->box_in_use != NULL) {
        ctx.known |= IMAPERR_VALUE_MAILBOX;
        ctx.mailbox = cl->box_in_use;
        ctx.mailbox_len = strlen(cl->box_in_use);
    }
    if (retry_ms > 0) {                              /* "... tries again in 2 seconds" */
        ctx.known |= IMAPERR_VALUE_RETRY;
        ctx.retry_ms = retry_ms;
    }
    n = imaperr_explain(r, c, &ctx, cl->lang, text, sizeof text, &info);
    if (n < 0) {
        printf("  explain: (%s)\n", imaperr_strerror(n));
        return;
    }
    printf("  explain[%s]: %s\n", info.language, text);  /* cut text stays valid UTF-8 */
    if ((c->flags & IMAPERR_FLAG_SHOW_USER) && r != NULL
        && imaperr_explain_server_text(r, &ctx, cl->lang, text, sizeof text, NULL) > 0)
        printf("  server[%s]: %s\n", info.language, text);
}

/* Does the line need explaining? (A failure, a warning, or an ALERT.) */
static int needs_attention(const imaperr_classification *c)
{
    return c->severity != IMAPERR_SEVERITY_INFO || (c->flags & IMAPERR_FLAG_SHOW_USER) != 0;
}

/* Show the line in cl->line, parse it and classify it with the command it
 * answers (NULL for the greeting). The callers explain it when needed: the
 * reply that ends a command after asking the advisor, so that the sentence
 * can say when the program tries again. */
static void on_line(const struct client *cl, const char *command, imaperr_response *r,
                    imaperr_classification *c)
{
    char shown[512];
    size_t len = cl->line_len;
    int rc;
    if (len > 0 && cl->line[len - 1] == '\r')
        len--;
    /* Server text may hold control bytes or bidi tricks: sanitise to show. */
    if (imaperr_sanitize_text(cl->line, len, shown, sizeof shown) >= (int)sizeof shown)
        printf("S: %s...\n", shown);
    else
        printf("S: %s\n", shown);
    *r = (imaperr_response)IMAPERR_RESPONSE_INIT;
    *c = (imaperr_classification)IMAPERR_CLASSIFICATION_INIT;
    rc = imaperr_parse(cl->line, cl->line_len, r);
    if (rc < 0) {
        imaperr_classify_parse_error(rc, c);
        printf("  unreadable: %s\n", imaperr_strerror(rc));
    } else {
        imaperr_classify(r, command, 0, c);
    }
    if (r->kind == IMAPERR_KIND_STATUS || rc < 0)
        printf("  verdict: category=%s action=%s code=%s\n", imaperr_category_name(c->category),
               imaperr_action_name(c->action), imaperr_code_name(c->code));
}

/* ---- the connection ------------------------------------------------------ */

static void disconnect(struct client *cl)
{
    if (cl->fd >= 0)
        close(cl->fd);
    cl->fd = -1;
    cl->logged_in = 0;
    cl->in_pos = cl->in_len = 0;
}

/* Does the response's [CAPABILITY ...] list `name`? The library decodes the
 * code's arguments into typed fields; the list is read with an iterator. */
static int has_capability(const imaperr_response *r, const char *name)
{
    imaperr_args args = IMAPERR_ARGS_INIT;
    imaperr_list_iter it;
    imaperr_slice item;
    if (r->code != IMAPERR_CODE_CAPABILITY || imaperr_args_decode(r, &args) != IMAPERR_OK
        || imaperr_list_iter_init(&it, imaperr_args_field(&args, "capabilities")) != IMAPERR_OK)
        return 0;
    while (imaperr_list_next(&it, &item) == 1)
        if (item.len == strlen(name) && strncasecmp(item.ptr, name, item.len) == 0)
            return 1;
    return 0;
}

/* Connect (from --bind's address if given) and read the greeting. */
static enum result open_session(struct client *cl)
{
    struct addrinfo hints, *res, *ai;
    struct timeval tv = { IO_TIMEOUT_S, 0 };
    imaperr_response r;
    imaperr_classification c;
    int err;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if ((err = getaddrinfo(cl->host, cl->port, &hints, &res)) != 0) {
        printf("error: %s port %s: %s\n", cl->host, cl->port, gai_strerror(err));
        cl->abort_code = EXIT_IO;  /* no address: nothing to retry */
        return A_ABORT;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol), ok = fd >= 0;
        if (ok && cl->bind_addr != NULL) {
            struct addrinfo bh, *b;
            memset(&bh, 0, sizeof bh);
            bh.ai_family = ai->ai_family;
            bh.ai_socktype = SOCK_STREAM;
            bh.ai_flags = AI_NUMERICHOST;
            ok = getaddrinfo(cl->bind_addr, NULL, &bh, &b) == 0;
            if (!ok)
                errno = EADDRNOTAVAIL;   /* not an address of this family */
            else {
                ok = bind(fd, b->ai_addr, b->ai_addrlen) == 0;
                freeaddrinfo(b);
            }
        }
        if (ok && setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0
            && setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0
            && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            cl->fd = fd;
            break;
        }
        printf("connect: %s port %s: %s\n", cl->host, cl->port, strerror(errno));
        if (fd >= 0)
            close(fd);
    }
    freeaddrinfo(res);
    if (cl->fd < 0)
        return A_CONNECT_FAILED;
    if (read_line(cl) < 0) {
        printf("connect: no greeting\n");
        disconnect(cl);
        return A_CONNECT_FAILED;
    }
    on_line(cl, NULL, &r, &c);
    if (needs_attention(&c))
        explain(cl, r.kind == IMAPERR_KIND_NONE ? NULL : &r, &c, 0, 0);
    if (r.status == IMAPERR_STATUS_OK || r.status == IMAPERR_STATUS_PREAUTH) {
        cl->logged_in = r.status == IMAPERR_STATUS_PREAUTH;
        cl->login_disabled = has_capability(&r, "LOGINDISABLED");
        return A_OK;
    }
    disconnect(cl);                /* "* BYE Too many connections", junk, ... */
    return A_CONNECT_FAILED;
}

static int send_all(struct client *cl, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = send(cl->fd, p, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Send "TAG COMMAND ARGS", then the literal (if any) once the server asks for
 * it, and read until the tagged reply; that reply (or a BYE) is kept in
 * cl->last, parsed and classified. */
static enum result run_command(struct client *cl, const char *command, const char *args,
                               const char *literal)
{
    char tag[16], cmd[4 * ARG_MAX_LEN + 64];
    imaperr_response r;
    imaperr_classification c;
    int saw_bye = 0, rc;
    snprintf(tag, sizeof tag, "a%u", ++cl->tagno);
    snprintf(cmd, sizeof cmd, "%s %s%s%s\r\n", tag, command, args ? " " : "", args ? args : "");
    if (strcmp(command, "LOGIN") == 0)
        printf("C: %s LOGIN (user and password not shown)\n", tag);
    else
        printf("C: %.*s\n", (int)strlen(cmd) - 2, cmd);
    if (send_all(cl, cmd, strlen(cmd)) < 0)
        goto send_failed;
    while ((rc = read_line(cl)) == 0) {
        on_line(cl, command, &r, &c);
        if (r.kind == IMAPERR_KIND_CONTINUATION && literal != NULL) {
            printf("C: (message of %zu bytes)\n", strlen(literal));
            if (send_all(cl, literal, strlen(literal)) < 0 || send_all(cl, "\r\n", 2) < 0)
                goto send_failed;
            literal = NULL;
            continue;
        }
        int tagged = r.tag.len == strlen(tag) && memcmp(r.tag.ptr, tag, r.tag.len) == 0;
        int bye = r.status == IMAPERR_STATUS_BYE;
        if (!tagged && !bye) {
            if (needs_attention(&c))
                explain(cl, r.kind == IMAPERR_KIND_NONE ? NULL : &r, &c, 0, 0);
            continue;
        }
        /* Keep the line: the slices of r point into cl->line, which the
         * next read overwrites. */
        memcpy(cl->last, cl->line, cl->line_len + 1);
        cl->last_resp = (imaperr_response)IMAPERR_RESPONSE_INIT;
        imaperr_parse(cl->last, cl->line_len, &cl->last_resp);
        cl->last_class = c;
        if (bye) {
            if (strcmp(command, "LOGOUT") != 0)
                saw_bye = 1;       /* the tagged reply or EOF comes next */
            continue;
        }
        if (saw_bye)
            disconnect(cl);        /* the server closes it anyway */
        return r.status == IMAPERR_STATUS_OK ? A_OK : A_REFUSED;
    }
    printf("%s\n", rc == -1 ? "connection closed by the server" : rc == -3 ? "timeout" : strerror(errno));
    if (saw_bye || rc == -3) {
        disconnect(cl);
        return saw_bye ? A_BYE : A_TIMEOUT;
    }
    disconnect(cl);
    return A_LOST;
send_failed:
    printf("send: %s\n", strerror(errno));
    disconnect(cl);
    return A_LOST;
}

/* ---- operations, and the advisor --------------------------------------- */

/* IMAP quoted string; main() refuses arguments it could not carry. */
static void quote(char *out, const char *s)
{
    *out++ = '"';
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            *out++ = '\\';
        *out++ = *s;
    }
    *out++ = '"';
    *out = '\0';
}

static enum result attempt_login(struct client *cl)
{
    char args[2 * (2 * ARG_MAX_LEN + 3)];
    enum result res;
    if (cl->fd < 0 && (res = open_session(cl)) != A_OK)
        return res;
    if (cl->logged_in)             /* PREAUTH */
        return A_OK;
    if (cl->login_disabled) {      /* never send a password the server refuses to see */
        printf("give up: LOGIN: the server allows it only after STARTTLS (LOGINDISABLED),"
               " which this example does not do\n");
        cl->abort_code = EXIT_GAVE_UP;
        return A_ABORT;
    }
    quote(args, cl->user);
    strcat(args, " ");
    quote(args + strlen(args), cl->password);
    res = run_command(cl, "LOGIN", args, NULL);
    cl->logged_in = res == A_OK && cl->fd >= 0;
    return res;
}

static int perform(struct client *cl, const char *command, enum result (*attempt)(struct client *));

static enum result attempt_append(struct client *cl)
{
    char args[2 * ARG_MAX_LEN + 32], msg[512], date[64], box[2 * ARG_MAX_LEN + 3];
    time_t t = time(NULL);
    struct tm tm;
    if (!cl->logged_in) {          /* first time, or after a reconnect */
        if ((cl->abort_code = perform(cl, "LOGIN", attempt_login)) != EXIT_DONE)
            return A_ABORT;
    }
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    snprintf(msg, sizeof msg, "Date: %s\r\nFrom: libimaperr example <example@example.invalid>\r\n"
             "Subject: libimaperr example\r\nMessage-ID: <%lld.%ld@example.invalid>\r\n\r\n"
             "Appended by examples/imap-client.\r\n", date, (long long)t, (long)getpid());
    quote(box, cl->mailbox);
    snprintf(args, sizeof args, "%s {%zu}", box, strlen(msg));
    return run_command(cl, "APPEND", args, msg);
}

/* Run one operation (a command and its retries) as the advisor says:
 * admit it, attempt it, and after each failure advise and act. Returns an
 * exit status. */
static int perform(struct client *cl, const char *command, enum result (*attempt)(struct client *))
{
    imaperr_retry_op op = IMAPERR_RETRY_OP_INIT;
    uint64_t deadline = 0;
    int gave_up = EXIT_GAVE_UP;    /* EXIT_IO when the last failure was the network's */
    /* The last refusal explained with a promised retry: when the operation
     * then gives up after a network failure (nothing new to explain), it is
     * explained again without the promise. A copy without the slice into
     * the line (hint_url), explained without the line. */
    imaperr_classification promised = IMAPERR_CLASSIFICATION_INIT;
    int have_promised = 0;
    imaperr_retry_policy_get(&cl->policy, IMAPERR_RETRY_DEADLINE, &deadline);
    op.command = command;
    op.credential = 1;             /* bump it whenever the user types a new password */
    op.start_ms = now_ms(cl);
    deadline += op.start_ms;
    for (;;) {
        imaperr_advice a = IMAPERR_ADVICE_INIT;
        const imaperr_classification *cls = NULL;
        imaperr_outcome outcome = IMAPERR_OUTCOME_RESPONSE;
        char flags[256] = "";
        unsigned bit;
        enum result res;
        int retries;

        /* May we start? (The account may be paused, a login latched.) */
        imaperr_admit(&cl->policy, &cl->account, &op, now_ms(cl), &a);
        if (a.action != IMAPERR_ACT_NONE) {   /* latched credentials, a failing item */
            printf("admit: %s reason=%s: giving up\n", imaperr_action_name(a.action),
                   imaperr_advice_reason_name(a.reason));
            if (have_promised)
                explain(cl, NULL, &promised, 0, 1);
            return gave_up;
        }
        if (a.not_before_ms > deadline) {
            printf("admit: wait delay=%" PRIu64 " reason=%s: past the deadline, giving up\n",
                   a.delay_ms, imaperr_advice_reason_name(a.reason));
            if (have_promised)
                explain(cl, NULL, &promised, 0, 1);
            return gave_up;
        }
        if (a.delay_ms > 0) {
            printf("admit: wait delay=%" PRIu64 " reason=%s\n", a.delay_ms,
                   imaperr_advice_reason_name(a.reason));
            sleep_ms(cl, a.delay_ms);
            continue;
        }

        printf("attempt: %s %u\n", command, op.attempts + 1);
        cl->last_class = (imaperr_classification)IMAPERR_CLASSIFICATION_INIT;
        res = attempt(cl);
        if (res == A_OK) {
            if (needs_attention(&cl->last_class))   /* OK [ALERT] ... */
                explain(cl, &cl->last_resp, &cl->last_class, 0, 0);
            imaperr_retry_success(&cl->policy, &cl->account, &op, now_ms(cl));
            return EXIT_DONE;
        }
        if (res == A_ABORT)
            return cl->abort_code;
        gave_up = res == A_REFUSED || res == A_BYE ? EXIT_GAVE_UP : EXIT_IO;
        if (res == A_REFUSED)
            cls = &cl->last_class;
        else if (res == A_BYE)
            outcome = IMAPERR_OUTCOME_BYE_IN_FLIGHT, cls = &cl->last_class;
        else
            outcome = res == A_TIMEOUT ? IMAPERR_OUTCOME_TIMEOUT
                    : res == A_LOST ? IMAPERR_OUTCOME_CONNECTION_LOST : IMAPERR_OUTCOME_CONNECT_FAILED;

        a = (imaperr_advice)IMAPERR_ADVICE_INIT;
        imaperr_advise(&cl->policy, &cl->account, &op, outcome, cls, now_ms(cl), &cl->rnd, &a);
        for (bit = 1; bit != 0; bit <<= 1)
            if ((a.flags & bit) && imaperr_advice_flag_name(bit) != NULL)
                snprintf(flags + strlen(flags), sizeof flags - strlen(flags), "%s%s",
                         flags[0] ? "," : "", imaperr_advice_flag_name(bit));
        printf("advice: %s delay=%" PRIu64 " reason=%s outcome=%s scope=%s attempt=%u left=%u"
               " rule=%u flags=%s\n", imaperr_action_name(a.action), a.delay_ms,
               imaperr_advice_reason_name(a.reason), imaperr_outcome_name(outcome),
               imaperr_scope_name(a.scope), a.attempt, a.attempts_left, a.rule, flags[0] ? flags : "-");
        /* the actions the switch below retries; anything else gives up, and
         * then the sentence must not say the app will try again */
        retries = a.action == IMAPERR_ACT_RETRY_BACKOFF || a.action == IMAPERR_ACT_RETRY_AFTER_NOOP
               || a.action == IMAPERR_ACT_RETRY_AFTER_CREATE
               || (a.action == IMAPERR_ACT_RECONNECT && !(a.flags & IMAPERR_ADVICE_VERIFY_FIRST));
        if (cls != NULL) {
            explain(cl, res == A_REFUSED || res == A_BYE ? &cl->last_resp : NULL, cls,
                    retries && a.attempts_left > 0 ? a.delay_ms : 0, !retries);
            promised = *cls;
            promised.hint_url = (imaperr_slice){ NULL, 0 };
            have_promised = retries;
        } else if (have_promised && !retries) {
            explain(cl, NULL, &promised, 0, 1);   /* gives up after a network failure */
            have_promised = 0;
        }

        switch (a.action) {
        case IMAPERR_ACT_NONE:     /* e.g. a replayed CREATE found the mailbox */
            sleep_ms(cl, a.delay_ms);
            return EXIT_DONE;
        case IMAPERR_ACT_RETRY_BACKOFF:
            sleep_ms(cl, a.delay_ms);
            continue;
        case IMAPERR_ACT_RETRY_AFTER_NOOP:
            sleep_ms(cl, a.delay_ms);
            if (cl->fd >= 0)
                run_command(cl, "NOOP", NULL, NULL);
            continue;
        case IMAPERR_ACT_RETRY_AFTER_CREATE:   /* TRYCREATE: at most once per operation */
            sleep_ms(cl, a.delay_ms);
            if (cl->fd >= 0) {
                char box[2 * ARG_MAX_LEN + 3];
                quote(box, cl->box_in_use);
                /* NO [ALREADYEXISTS] is fine too: someone else made it. */
                if (run_command(cl, "CREATE", box, NULL) == A_REFUSED)
                    explain(cl, &cl->last_resp, &cl->last_class, 0, 0);
            }
            continue;
        case IMAPERR_ACT_RECONNECT:
            disconnect(cl);
            if (a.flags & IMAPERR_ADVICE_VERIFY_FIRST) {
                /* The command may have worked: a real client would look for
                 * it (SEARCH HEADER Message-ID) before sending it again. */
                printf("give up: the %s may have taken effect; not sending it again blindly\n", command);
                return gave_up;
            }
            sleep_ms(cl, a.delay_ms);
            op.flags |= IMAPERR_OP_AFTER_RECONNECT;
            continue;
        default:   /* fail, user-action, reauthenticate, retry-after-starttls (no TLS here) */
            printf("give up: %s\n", command);
            return gave_up;
        }
    }
}

/* ---- main ------------------------------------------------------------------ */

static int usage(void)
{
    fputs("usage: imap-client [--lang LANG] [--append MAILBOX] [--bind ADDR] [--max-wait-ms N]\n"
          "                   HOST PORT USER [PASSWORD]   (or PASSWORD in $IMAP_PASSWORD)\n", stderr);
    return EXIT_USAGE;
}

/* Quoted strings carry printable ASCII only; anything else would need a
 * literal (or UTF8=ACCEPT), which this example does not do. (Mailbox names
 * are modified UTF-7: a literal "&" is written "&-".) */
static int quotable(const char *s)
{
    size_t n = 0;
    for (; *s; s++, n++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return 0;
    return n > 0 && n <= ARG_MAX_LEN;
}

/* The language asked for in the environment, read as gettext does. */
static const char *env_lang(void)
{
    const char *names[] = { "LC_ALL", "LC_MESSAGES", "LANG" }, *loc = NULL, *language;
    for (size_t i = 0; i < 3 && loc == NULL; i++)
        if ((loc = getenv(names[i])) != NULL && loc[0] == '\0')
            loc = NULL;
    if (loc == NULL || strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0)
        return "en";
    language = getenv("LANGUAGE");
    return language != NULL && language[0] != '\0' ? language : loc;
}

int main(int argc, char **argv)
{
    static struct client cl;       /* static: large buffers, zeroed */
    const char *pos[4];
    int npos = 0, i, rc;
    uint64_t max_attempts = 0;
    struct timespec ts;

    /* The shared library must be at least the version we were compiled with. */
    if (imaperr_check_version(IMAPERR_VERSION) == NULL) {
        fprintf(stderr, "imap-client: libimaperr %s is older than %s\n", imaperr_version(), IMAPERR_VERSION);
        return EXIT_IO;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);   /* a log: line by line, also into a pipe */
    cl.max_wait_ms = UINT64_MAX;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end;
        if (strcmp(a, "--lang") == 0 && v)
            cl.lang = v, i++;
        else if (strcmp(a, "--append") == 0 && v)
            cl.mailbox = v, i++;
        else if (strcmp(a, "--bind") == 0 && v)
            cl.bind_addr = v, i++;
        else if (strcmp(a, "--max-wait-ms") == 0 && v) {
            errno = 0;
            cl.max_wait_ms = strtoull(v, &end, 10);
            if (errno != 0 || *end != '\0' || v[0] < '0' || v[0] > '9')
                return usage();
            i++;
        } else if (a[0] == '-' || npos == 4)
            return usage();
        else
            pos[npos++] = a;
    }
    if (npos < 3)
        return usage();
    cl.host = pos[0], cl.port = pos[1], cl.user = pos[2];
    cl.password = npos == 4 ? pos[3] : getenv("IMAP_PASSWORD");
    if (cl.password == NULL || !quotable(cl.user) || !quotable(cl.password)
        || (cl.mailbox != NULL && !quotable(cl.mailbox))) {
        fputs("imap-client: USER, PASSWORD and MAILBOX must be 1-512 printable ASCII characters\n", stderr);
        return usage();
    }
    if (cl.lang == NULL)
        cl.lang = env_lang();

    /* The advisor's objects, all ours. An interactive program sets a
     * deadline (doc/retry.md suggests 60-120 s); a daemon keeps none. */
    cl.policy = (imaperr_retry_policy)IMAPERR_RETRY_POLICY_INIT;
    cl.account = (imaperr_retry_state)IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_policy_set(&cl.policy, IMAPERR_RETRY_DEADLINE, 120000);
    imaperr_retry_policy_get(&cl.policy, IMAPERR_RETRY_MAX_ATTEMPTS, &max_attempts);
    clock_gettime(CLOCK_REALTIME, &ts);
    cl.rnd = (imaperr_random)IMAPERR_RANDOM_INIT((uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32));
    cl.fd = -1;
    printf("libimaperr %s, policy: max-attempts=%" PRIu64 "\n", imaperr_version(), max_attempts);

    rc = perform(&cl, "LOGIN", attempt_login);
    if (rc == EXIT_DONE && cl.mailbox != NULL) {
        cl.box_in_use = cl.mailbox;
        rc = perform(&cl, "APPEND", attempt_append);
        cl.box_in_use = NULL;
    }
    if (cl.fd >= 0) {              /* LOGOUT's BYE is expected, not an error */
        run_command(&cl, "LOGOUT", NULL, NULL);
        disconnect(&cl);
    }
    printf("exit: %d\n", rc);
    return rc;
}
