/* advise.c - `imaperr advise`: what to do after a failed command.
 *
 *   imaperr advise [--command CMD] [--attempt N] [--seed S] [--json] [OPTIONS] [LINE...]
 *   imaperr advise --policy [--set NAME=VALUE]... [--json]
 *
 * Every LINE (or each line of standard input) is advised on its own, as
 * the N-th failed attempt of a fresh operation on a fresh account, at time
 * 0, with the built-in generator seeded with S: the same arguments always
 * print the same advice. --outcome (timeout, connection-lost, bye-in-flight,
 * connect-failed) advises a failure without a response (a LINE, if given,
 * is then the BYE that arrived in flight).
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imaperr.h"
#include "json.h"
#include "cmd-advise.h"

#define EXIT_USAGE 2

struct aopts {
    const char *command;
    unsigned long attempt;
    uint64_t seed;
    int json;
    int policy_only;
    imaperr_outcome outcome;
    unsigned flags;
    imaperr_auth auth;
    uint64_t hint;
    int have_hint;
    imaperr_retry_policy policy;
};

static int
advise_usage(FILE *f, int rc)
{
    fputs("Usage: imaperr advise [--command CMD] [--attempt N] [--seed S] [--json] [OPTIONS] [LINE...]\n"
          "       imaperr advise --policy [--set NAME=VALUE]... [--json]\n"
          "\n"
          "Advise what to do after a failure: the action, the delay, the scope, the\n"
          "reason. Each LINE (or line of standard input) is advised on its own, as\n"
          "attempt N (default 1) of a fresh operation on a fresh account at time 0,\n"
          "with the built-in random generator seeded with S (default 1).\n"
          "  --command CMD      the command that failed (APPEND, \"UID FETCH\", LOGIN, ...)\n"
          "  --attempt N        the attempt that failed, 1 = the first\n"
          "  --seed S           seed of the random jitter\n"
          "  --outcome O        timeout, connection-lost, bye-in-flight, connect-failed:\n"
          "                     no response (no LINE needed; with bye-in-flight a LINE\n"
          "                     is the BYE)\n"
          "  --idempotent       the command is known to be safe to replay\n"
          "  --not-idempotent   the command is known not to be safe to replay\n"
          "  --seqnums          the command addresses messages by sequence number\n"
          "  --tls              the connection is already encrypted\n"
          "  --after-reconnect  the command ran on a connection opened to retry it\n"
          "  --replayed         the command was sent again after an unknown outcome\n"
          "  --auth A           password or oauth (default: from the command)\n"
          "  --hint MS          the server's suggested wait, in milliseconds\n"
          "  --set NAME=VALUE   change a policy parameter (see --policy)\n"
          "  --policy           print the policy's parameters instead\n"
          "  --json             one JSON object per line\n", f);
    return rc;
}

static int
parse_u64(const char *s, uint64_t *v)
{
    char *end;
    unsigned long long x;
    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    x = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *v = (uint64_t)x;
    return 0;
}

static int
set_param(imaperr_retry_policy *p, const char *arg)
{
    const char *eq = strchr(arg, '=');
    char name[64];
    uint64_t v;
    int key;
    if (eq == NULL || (size_t)(eq - arg) >= sizeof name) {
        fprintf(stderr, "imaperr: --set wants NAME=VALUE\n");
        return -1;
    }
    memcpy(name, arg, (size_t)(eq - arg));
    name[eq - arg] = '\0';
    key = imaperr_retry_param_from_name(name);
    if (key < 0) {
        fprintf(stderr, "imaperr: no policy parameter '%s' (see imaperr advise --policy)\n", name);
        return -1;
    }
    if (strcmp(eq + 1, "none") == 0)
        v = IMAPERR_JITTER_NONE;
    else if (strcmp(eq + 1, "equal") == 0)
        v = IMAPERR_JITTER_EQUAL;
    else if (strcmp(eq + 1, "full") == 0)
        v = IMAPERR_JITTER_FULL;
    else if (parse_u64(eq + 1, &v) < 0) {
        fprintf(stderr, "imaperr: --set %s: not a number\n", name);
        return -1;
    }
    if (imaperr_retry_policy_set(p, (imaperr_retry_param)key, v) != IMAPERR_OK) {
        fprintf(stderr, "imaperr: --set %s: value out of range (see doc/retry-policy.md)\n", name);
        return -1;
    }
    return 0;
}

static int
parse_outcome(const char *s, imaperr_outcome *o)
{
    int i;
    for (i = 0; imaperr_outcome_name((imaperr_outcome)i); i++) {
        if (strcmp(s, imaperr_outcome_name((imaperr_outcome)i)) == 0) {
            *o = (imaperr_outcome)i;
            return 0;
        }
    }
    return -1;
}

/* Sanitised copy of server or user text, in a buffer that grows. */
struct sbuf {
    char *p;
    size_t cap;
};

static const char *
clean(struct sbuf *b, const char *s, size_t n, size_t *len)
{
    int need = imaperr_sanitize_text(s, n, b->p, b->cap);
    if (need >= 0 && (size_t)need >= b->cap) {
        char *q = realloc(b->p, (size_t)need + 1);
        if (q == NULL) {
            fprintf(stderr, "imaperr: out of memory\n");
            exit(1);
        }
        b->p = q;
        b->cap = (size_t)need + 1;
        need = imaperr_sanitize_text(s, n, b->p, b->cap);
    }
    if (need < 0) {
        *len = 0;
        return "";
    }
    *len = (size_t)need;
    return b->p;
}

static void
print_flags(FILE *out, unsigned flags, int json, int *first)
{
    unsigned bit;
    int one = 1;
    if (json) {
        json_key(out, first, "flags");
        putc('[', out);
    }
    for (bit = 1; bit; bit <<= 1) {
        const char *name = (flags & bit) ? imaperr_advice_flag_name(bit) : NULL;
        if (name == NULL)
            continue;
        if (json) {
            if (!one)
                putc(',', out);
            json_string(out, name, strlen(name));
        } else {
            fprintf(out, "%s%s", one ? "" : ", ", name);
        }
        one = 0;
    }
    if (json)
        putc(']', out);
    else if (one)
        fputs("-", out);
}

/* Advise one line (NULL: no response). */
static void
advise_one(const char *line, size_t len, const struct aopts *o, struct sbuf *b, FILE *out)
{
    imaperr_response r = IMAPERR_RESPONSE_INIT;
    imaperr_classification c = IMAPERR_CLASSIFICATION_INIT;
    imaperr_retry_state st = IMAPERR_RETRY_STATE_INIT;
    imaperr_retry_op op = IMAPERR_RETRY_OP_INIT;
    imaperr_random rnd = IMAPERR_RANDOM_INIT(o->seed);
    imaperr_advice a = IMAPERR_ADVICE_INIT;
    const imaperr_classification *cp = NULL;
    int prc = IMAPERR_OK, rc;
    size_t n;
    const char *t;

    if (line) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        prc = imaperr_parse(line, len, &r);
        if (prc == IMAPERR_OK)
            imaperr_classify(&r, o->command, 0, &c);
        else
            imaperr_classify_parse_error(prc, &c);
        if (o->have_hint)
            c.hint_backoff_ms = o->hint;
        cp = &c;
    }
    op.command = o->command;
    op.flags = o->flags;
    op.auth = o->auth;
    op.attempts = (uint32_t)(o->attempt - 1);
    rc = imaperr_advise(&o->policy, &st, &op, o->outcome, cp, 0, &rnd, &a);

    if (o->json) {
        int first = 1;
        putc('{', out);
        if (line) {
            t = clean(b, line, len, &n);
            json_member_str(out, &first, "line", t, n);
            if (prc != IMAPERR_OK)
                json_member_cstr(out, &first, "error", imaperr_rc_name(prc));
            json_member_cstr(out, &first, "status", imaperr_status_name(r.status));
            json_member_cstr(out, &first, "code", r.code == IMAPERR_CODE_NONE ? NULL
                                                   : r.code == IMAPERR_CODE_UNKNOWN ? "UNKNOWN"
                                                   : imaperr_code_name(r.code));
            json_member_cstr(out, &first, "classified_category", imaperr_category_name(c.category));
            json_member_cstr(out, &first, "classified_action", imaperr_action_name(c.action));
        }
        if (o->command) {
            t = clean(b, o->command, strlen(o->command), &n);
            json_member_str(out, &first, "command", t, n);
        }
        json_member_cstr(out, &first, "outcome", imaperr_outcome_name(o->outcome));
        json_member_u64(out, &first, "attempt", a.attempt);
        json_member_u64(out, &first, "seed", (unsigned long long)o->seed);
        if (rc != IMAPERR_OK) {
            json_member_cstr(out, &first, "advise_error", imaperr_rc_name(rc));
        } else {
            json_member_cstr(out, &first, "action", imaperr_action_name(a.action));
            json_member_u64(out, &first, "delay_ms", (unsigned long long)a.delay_ms);
            json_member_cstr(out, &first, "scope", imaperr_scope_name(a.scope));
            json_member_cstr(out, &first, "reason", imaperr_advice_reason_name(a.reason));
            json_member_cstr(out, &first, "category", imaperr_category_name(a.category));
            print_flags(out, a.flags, 1, &first);
            json_member_u64(out, &first, "attempts_left", a.attempts_left);
            json_member_u64(out, &first, "account_resume_ms", (unsigned long long)a.account_resume_ms);
            json_member_u64(out, &first, "rule", a.rule);
        }
        fputs("}\n", out);
        return;
    }

    if (line) {
        t = clean(b, line, len, &n);
        fprintf(out, "%.*s\n", (int)n, t);
        if (prc != IMAPERR_OK)
            fprintf(out, "  error:    %s\n", imaperr_strerror(prc));
    } else {
        fprintf(out, "(%s)\n", imaperr_outcome_name(o->outcome));
    }
    if (o->command) {
        t = clean(b, o->command, strlen(o->command), &n);
        fprintf(out, "  after:    %.*s, attempt %u\n", (int)n, t, (unsigned)a.attempt);
    } else {
        fprintf(out, "  after:    attempt %u\n", (unsigned)a.attempt);
    }
    if (rc != IMAPERR_OK) {
        fprintf(out, "  error:    %s\n\n", imaperr_strerror(rc));
        return;
    }
    fprintf(out, "  action:   %s", imaperr_action_name(a.action));
    if (a.delay_ms)
        fprintf(out, " after %llu ms", (unsigned long long)a.delay_ms);
    fprintf(out, "   scope: %s   category: %s\n", imaperr_scope_name(a.scope),
            imaperr_category_name(a.category));
    fprintf(out, "  reason:   %s (rule %u)\n", imaperr_advice_reason_name(a.reason), a.rule);
    fputs("  flags:    ", out);
    print_flags(out, a.flags, 0, NULL);
    putc('\n', out);
    if (a.attempts_left)
        fprintf(out, "  left:     %u more attempt%s\n", (unsigned)a.attempts_left,
                a.attempts_left == 1 ? "" : "s");
    if (a.account_resume_ms)
        fprintf(out, "  account:  paused until %llu ms\n", (unsigned long long)a.account_resume_ms);
    putc('\n', out);
}

static void
print_policy(const struct aopts *o, FILE *out)
{
    int i;
    for (i = 0; imaperr_retry_param_name((imaperr_retry_param)i); i++) {
        const char *name = imaperr_retry_param_name((imaperr_retry_param)i);
        uint64_t v = 0;
        imaperr_retry_policy_get(&o->policy, (imaperr_retry_param)i, &v);
        if (o->json) {
            int first = 1;
            putc('{', out);
            json_member_cstr(out, &first, "name", name);
            json_member_u64(out, &first, "value", (unsigned long long)v);
            fputs("}\n", out);
        } else {
            fprintf(out, "%-22s %llu\n", name, (unsigned long long)v);
        }
    }
}

int
imaperr_tool_advise(int argc, char **argv)
{
    struct aopts o;
    imaperr_retry_policy init = IMAPERR_RETRY_POLICY_INIT;
    struct sbuf b = { NULL, 0 };
    int i;

    memset(&o, 0, sizeof o);
    o.attempt = 1;
    o.seed = 1;
    o.outcome = IMAPERR_OUTCOME_RESPONSE;
    o.policy = init;
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t x;
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (a[0] != '-' || a[1] == '\0')
            break;
        if (strcmp(a, "--help") == 0)
            return advise_usage(stdout, 0);
        if (strcmp(a, "--json") == 0) {
            o.json = 1;
        } else if (strcmp(a, "--policy") == 0) {
            o.policy_only = 1;
        } else if (strcmp(a, "--idempotent") == 0) {
            o.flags |= IMAPERR_OP_IDEMPOTENT;
        } else if (strcmp(a, "--not-idempotent") == 0) {
            o.flags |= IMAPERR_OP_NOT_IDEMPOTENT;
        } else if (strcmp(a, "--seqnums") == 0) {
            o.flags |= IMAPERR_OP_SEQNUMS;
        } else if (strcmp(a, "--tls") == 0) {
            o.flags |= IMAPERR_OP_TLS_ACTIVE;
        } else if (strcmp(a, "--after-reconnect") == 0) {
            o.flags |= IMAPERR_OP_AFTER_RECONNECT;
        } else if (strcmp(a, "--replayed") == 0) {
            o.flags |= IMAPERR_OP_REPLAYED;
        } else if (v == NULL) {
            fprintf(stderr, "imaperr: %s needs a value\n", a);
            return advise_usage(stderr, EXIT_USAGE);
        } else if (strcmp(a, "--command") == 0) {
            o.command = v;
            i++;
        } else if (strcmp(a, "--attempt") == 0) {
            if (parse_u64(v, &x) < 0 || x < 1 || x > 1000000) {
                fprintf(stderr, "imaperr: --attempt wants a number from 1\n");
                return EXIT_USAGE;
            }
            o.attempt = (unsigned long)x;
            i++;
        } else if (strcmp(a, "--seed") == 0) {
            if (parse_u64(v, &o.seed) < 0) {
                fprintf(stderr, "imaperr: --seed wants a number\n");
                return EXIT_USAGE;
            }
            i++;
        } else if (strcmp(a, "--hint") == 0) {
            if (parse_u64(v, &o.hint) < 0) {
                fprintf(stderr, "imaperr: --hint wants milliseconds\n");
                return EXIT_USAGE;
            }
            o.have_hint = 1;
            i++;
        } else if (strcmp(a, "--outcome") == 0) {
            if (parse_outcome(v, &o.outcome) < 0) {
                fprintf(stderr, "imaperr: unknown --outcome '%s'\n", v);
                return EXIT_USAGE;
            }
            i++;
        } else if (strcmp(a, "--auth") == 0) {
            if (strcmp(v, "password") == 0)
                o.auth = IMAPERR_AUTH_PASSWORD;
            else if (strcmp(v, "oauth") == 0)
                o.auth = IMAPERR_AUTH_OAUTH;
            else {
                fprintf(stderr, "imaperr: --auth is password or oauth\n");
                return EXIT_USAGE;
            }
            i++;
        } else if (strcmp(a, "--set") == 0) {
            if (set_param(&o.policy, v) < 0)
                return EXIT_USAGE;
            i++;
        } else {
            fprintf(stderr, "imaperr: unknown option '%s'\n", a);
            return advise_usage(stderr, EXIT_USAGE);
        }
    }

    if (o.policy_only) {
        if (i < argc)
            return advise_usage(stderr, EXIT_USAGE);
        print_policy(&o, stdout);
        return fflush(stdout) == 0 ? 0 : 1;
    }
    if (i < argc) {
        for (; i < argc; i++)
            advise_one(argv[i], strlen(argv[i]), &o, &b, stdout);
    } else if (o.outcome != IMAPERR_OUTCOME_RESPONSE) {
        advise_one(NULL, 0, &o, &b, stdout);
    } else {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        while ((n = getline(&line, &cap, stdin)) >= 0)
            advise_one(line, (size_t)n, &o, &b, stdout);
        free(line);
        if (ferror(stdin)) {
            fprintf(stderr, "imaperr: reading standard input: %s\n", strerror(errno));
            free(b.p);
            return 1;
        }
    }
    free(b.p);
    return fflush(stdout) == 0 ? 0 : 1;
}
