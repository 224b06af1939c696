#!/usr/bin/env python3
"""test-cli.py - the command-line contract of the imaperr tool (DESIGN.md).

Run by automake ("make check") with IMAPERR_TOOL (the built tool; a libtool
wrapper script, run directly), top_srcdir and top_builddir in the
environment. Prints TAP; the exit status is 0 iff every check passed.

Checks:
  1. explain --json over every line of the development corpus: one JSON
     object per line with the contract members; arguments == stdin.
  2. lines with a registered code: category/action/source as
     lib/registry.tsv says (computed here from the table), no --command,
     with --no-heuristics (the table alone).
  3. with --command (from the corpus command column) and --no-heuristics:
     the documented rules for responses without a code (LOGIN/AUTHENTICATE,
     SELECT/EXAMINE, LOGOUT).
  3b. the wording fallback (lib/wordings.tsv) on top: it changes only lines
     it marks text-heuristic, with a row ID from the table and a confidence
     below 100; the hints the corpus lines carry are read.
  4. agreement with the corpus's own category column, printed with and
     without --command; with --command it must be at least 90%, and every
     line it gets wrong must be a listed exception (CORPUS_EXCEPTIONS).
  5. contract details: exit statuses, usage errors, malformed and hostile
     input, line endings, a 1 MiB line, 20000 lines.
  6. human output.
  7. imaperr codes.
  8. imaperr scan (examples/session.log and inline logs).

The corpus is looked up as $IMAPERR_CORPUS, $top_srcdir/../shared/corpus/
realworld-dev.tsv, /work/shared/corpus/realworld-dev.tsv; without it the
corpus checks are skipped with the paths tried.
"""

import json
import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # never write __pycache__ into the (read-only) source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import ROLE_OF, Tap, comment  # noqa: E402

TIMEOUT = 120

CATEGORIES = [
    "ok", "transient", "throttled", "credential", "authorization", "permission",
    "privacy", "quota", "limit", "already-exists", "nonexistent", "in-use",
    "expunge-race", "client-bug", "server-bug", "cannot", "connection", "alert",
    "unknown",
]
ACTIONS = [
    "none", "retry-backoff", "retry-after-noop", "retry-after-starttls",
    "retry-after-create", "reconnect", "reauthenticate", "user-action", "fail",
]
RETRYABLE_ACTIONS = {"retry-backoff", "retry-after-noop", "retry-after-starttls",
                     "retry-after-create", "reconnect"}
STATUSES = {"OK", "NO", "BAD", "BYE", "PREAUTH", None}
SOURCES = {"code", "text-heuristic", "status", "none"}

# DESIGN.md "Development corpus": old spellings of the corpus category column.
CORPUS_CATEGORY_MAP = {
    "authz": "authorization",
    "client-bug/parse": "client-bug",
    "server-bug/corruption": "server-bug",
    "unsupported/cannot": "cannot",
    "shutdown/bye": "connection",
    "alert-info": "alert",
    "other": "unknown",
}

# Corpus lines whose truth is ambiguous or that no evidence-based wording
# covers: (start of the line, reason). The agreement check (--command)
# fails on any other disagreement, and below AGREEMENT_MIN.
AGREEMENT_MIN = 90.0
CORPUS_EXCEPTIONS = [
    (b"1 NO [AUTHENTICATIONFAILED] Authentication Failed",
     "iCloud: the registered code says credential; the thread found an authorization problem "
     "(AUTHENTICATE PLAIN refused where LOGIN with the same app password works). The code wins."),
    (b"a1 NO [TRYCREATE] APPEND error finding folder",
     "Kopano sent TRYCREATE although the folder existed (one thread); a registered code wins and "
     "one report is no evidence that Kopano always misuses it."),
    (b"a1 NO [UNAVAILABLE] UID FETCH Server error - Please try again later",
     "Yahoo: the thread blamed bulk traffic (throttled), the code and the words say a temporary "
     "failure (transient); both mean retry-backoff."),
    (b"OOOK2 BAD invalid command",
     "an unknown server rejects ID although it advertises it: 'invalid command' to BAD is a client "
     "error everywhere else; no evidence for a server-specific row."),
]

# ---------------------------------------------------------------------------
# TAP (testlib.Tap; ROLE_OF: the command roles, also from testlib)

tap = Tap(diag_max=40, summary=True)

# ---------------------------------------------------------------------------
# Environment

TOOL = os.environ.get("IMAPERR_TOOL")
SRCDIR = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
if not TOOL:
    builddir = os.environ.get("top_builddir") or SRCDIR
    TOOL = os.path.join(builddir, "tools", "imaperr")


def run(args, stdin=b"", timeout=TIMEOUT):
    """Run the tool; returns (rc, stdout bytes, stderr bytes)."""
    try:
        p = subprocess.run([TOOL] + list(args), input=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, b"", b"timeout after %ds" % timeout
    return p.returncode, p.stdout, p.stderr


def rc_text(rc, err):
    if rc is None:
        return "timed out"
    s = "exit %d" % rc
    if rc < 0:
        s = "killed by signal %d" % -rc
    if err:
        s += ", stderr: %r" % err[:300]
    return s


def json_lines(out):
    """Split tool output into JSON objects. Returns (objects, problems);
    an object that does not parse is None."""
    problems = []
    objs = []
    if out and not out.endswith(b"\n"):
        problems.append("output does not end with a newline")
    for i, raw in enumerate(out.split(b"\n")[:-1] if out.endswith(b"\n") else out.split(b"\n")):
        try:
            text = raw.decode("utf-8", "strict")
        except UnicodeDecodeError as e:
            problems.append("output line %d is not valid UTF-8 (%s): %r" % (i + 1, e, raw[:200]))
            objs.append(None)
            continue
        try:
            o = json.loads(text)
        except ValueError as e:
            problems.append("output line %d is not JSON (%s): %r" % (i + 1, e, raw[:200]))
            objs.append(None)
            continue
        if not isinstance(o, dict):
            problems.append("output line %d is not a JSON object: %r" % (i + 1, raw[:200]))
            objs.append(None)
            continue
        objs.append(o)
    return objs, problems


CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f]")
RAW_CONTROL_BYTES = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]")


def contract_problems(o):
    """What is wrong with one explain --json object (DESIGN.md contract)."""
    p = []
    if o is None:
        return ["not a JSON object"]
    for m in ("status", "tag", "code", "category", "action", "retryable", "source", "message"):
        if m not in o:
            p.append("member %r missing" % m)
    if o.get("status", None) not in STATUSES:
        p.append("status %r" % (o.get("status"),))
    if "tag" in o and not (o["tag"] is None or isinstance(o["tag"], str)):
        p.append("tag %r" % (o["tag"],))
    c = o.get("code")
    if c is not None and not (isinstance(c, str) and c and c == c.upper()):
        p.append("code %r not an upper-case name or null" % (c,))
    if o.get("category") not in CATEGORIES:
        p.append("category %r" % (o.get("category"),))
    if o.get("action") not in ACTIONS:
        p.append("action %r" % (o.get("action"),))
    if not isinstance(o.get("retryable"), bool):
        p.append("retryable %r not a bool" % (o.get("retryable"),))
    elif o.get("action") in ACTIONS and o["retryable"] != (o["action"] in RETRYABLE_ACTIONS):
        p.append("retryable %r does not fit action %r" % (o["retryable"], o["action"]))
    if o.get("source") not in SOURCES:
        p.append("source %r" % (o.get("source"),))
    if not (isinstance(o.get("message"), str) and o["message"].strip()):
        p.append("message %r empty or not a string" % (o.get("message"),))
    conf = o.get("confidence")
    if not (isinstance(conf, int) and not isinstance(conf, bool) and 0 <= conf <= 100):
        p.append("confidence %r not a number 0-100" % (conf,))
    w = o.get("wording", "missing")
    if w == "missing" or not (w is None or (isinstance(w, str) and w)):
        p.append("wording %r not a row ID or null" % (w,))
    if (o.get("source") == "text-heuristic") != isinstance(w, str):
        p.append("wording %r does not fit source %r" % (w, o.get("source")))
    for k in ("hint_backoff_ms", "hint_connection_limit"):
        v = o.get(k, "missing")
        if not (v is None or (isinstance(v, int) and not isinstance(v, bool) and v > 0)):
            p.append("%s %r not a positive number or null" % (k, v))
    u = o.get("hint_url", "missing")
    if not (u is None or (isinstance(u, str) and re.match(r"(?i)https?://\S", u))):
        p.append("hint_url %r not an http(s) address or null" % (u,))
    for k in ("text", "tag", "code", "args_raw", "message", "command", "hint_url"):
        v = o.get(k)
        if isinstance(v, str) and CONTROL_RE.search(v):
            p.append("member %s holds a control character: %r" % (k, v[:80]))
    return p


# ---------------------------------------------------------------------------
# Registry (lib/registry.tsv) and the expected classification


def load_registry():
    path = os.path.join(SRCDIR, "lib", "registry.tsv")
    rows = []
    with open(path, encoding="utf-8") as f:
        for ln in f:
            ln = ln.rstrip("\n")
            if not ln or ln.startswith("#"):
                continue
            c = ln.split("\t")
            if len(c) < 13:
                continue
            row = {"number": int(c[0]), "name": c[1], "status": c[3],
                   "NO": c[5], "OK": c[6], "BAD": c[7], "BYE": c[8], "action": c[9],
                   "example": c[12]}
            rows.append(row)
    return [r for r in rows if r["status"] != "pseudo"]


def load_wording_ids():
    path = os.path.join(SRCDIR, "lib", "wordings.tsv")
    ids = {}
    with open(path, encoding="utf-8") as f:
        for ln in f:
            c = ln.rstrip("\n").split("\t")
            if c and c[0] == "wording" and len(c) >= 13:
                ids[c[1]] = {"category": c[7], "action": c[8], "confidence": int(c[11])}
    return ids


def parse_cell(cell, default_action):
    """'-' -> None; '[~]cat[/action[/msg]]' -> (cat, action, weak)."""
    if cell == "-":
        return None
    weak = cell.startswith("~")
    if weak:
        cell = cell[1:]
    parts = cell.split("/")
    cat = parts[0]
    act = parts[1] if len(parts) > 1 and parts[1] else default_action
    return (cat, act, weak)


def by_status(status, role):
    """The rule when the table says nothing (lib/classify.c, imaperr.h)."""
    if status == "NO":
        if role == "auth":
            return ("credential", "reauthenticate", True)
        if role == "select":
            return ("nonexistent", "fail", True)
        return ("unknown", "fail", False)
    if status == "BAD":
        return ("client-bug", "fail", False)
    if status == "BYE":
        if role == "logout":
            return ("ok", "none", False)
        return ("connection", "reconnect", False)
    return ("ok", "none", False)


def expected(status, code, role, registry_by_name):
    """(category, action, source, uncertain-or-None) for a status response."""
    cat, act, unc = by_status(status, role)
    src = "status"
    row = registry_by_name.get(code) if code else None
    if row is not None and not (status == "BYE" and role == "logout"):
        col = "OK" if status in ("OK", "PREAUTH") else status
        cell = parse_cell(row[col], row["action"])
        if cell is not None and (not cell[2] or cat == "unknown"):
            return (cell[0], cell[1], "code", False)
    return (cat, act, src, unc)


def command_word(col):
    """The command a corpus 'command' cell names: first word upper-cased,
    'UID X' kept together; '(greeting)' and other parenthesised notes: none."""
    col = col.strip()
    if not col or col.startswith("("):
        return None
    words = col.split()
    w = words[0].upper()
    if w == "UID" and len(words) > 1:
        return "UID " + words[1].upper()
    return w


def role_of(cmd):
    if cmd is None:
        return None
    w = cmd.split()
    if w and w[0] == "UID" and len(w) > 1:
        w = w[1:]
    return ROLE_OF.get(w[0]) if w else None


# ---------------------------------------------------------------------------
# Corpus


def find_corpus():
    tried = []
    env = os.environ.get("IMAPERR_CORPUS")
    if env:
        tried.append(env)
    tried.append(os.path.join(SRCDIR, "..", "shared", "corpus", "realworld-dev.tsv"))
    tried.append("/work/shared/corpus/realworld-dev.tsv")
    for p in tried:
        if os.path.isfile(p):
            return p, tried
    return None, tried


def load_corpus(path):
    rows = []
    with open(path, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    header = lines[0].decode("utf-8").rstrip("\r").split("\t")
    idx = {name: i for i, name in enumerate(header)}
    for n, raw in enumerate(lines[1:], start=2):
        raw = raw.rstrip(b"\r")
        if not raw.strip():
            continue
        c = raw.split(b"\t")
        if len(c) < len(header):
            continue
        rows.append({
            "fileline": n,
            "line": c[idx["line"]],
            "server": c[idx["server"]].decode("utf-8", "replace"),
            "command": c[idx["command"]].decode("utf-8", "replace"),
            "category": c[idx["category"]].decode("utf-8", "replace"),
            "retry": c[idx["retry"]].decode("utf-8", "replace"),
        })
    return rows


def short(b, n=100):
    s = b.decode("utf-8", "replace") if isinstance(b, bytes) else b
    return s if len(s) <= n else s[:n] + "..."


# ---------------------------------------------------------------------------
# The checks


def check_tool_exists():
    ok = os.path.isfile(TOOL) and os.access(TOOL, os.X_OK)
    tap.ok(ok, "the tool exists and is executable: %s" % TOOL)
    return ok


def corpus_checks(registry):
    reg_by_name = {r["name"]: r for r in registry}
    path, tried = find_corpus()
    names = ["explain --json over every corpus line on stdin: one JSON object per line, exit 0",
             "every corpus object has the contract members with valid values",
             "corpus lines as arguments give the same objects as on stdin",
             "lines with a registered code: category as lib/registry.tsv says (no --command, --no-heuristics)",
             "lines with a registered code: action and source as lib/registry.tsv says (no --command, --no-heuristics)",
             "--command --no-heuristics: every corpus line classified as documented",
             "--command: NO without code to LOGIN/AUTHENTICATE is credential, uncertain",
             "--command: NO without code to SELECT/EXAMINE is nonexistent, uncertain",
             "--command: BYE to LOGOUT is ok",
             "--command: weak code (NO [ALERT]) to LOGIN is credential, show_user kept",
             "--command: the object echoes the command",
             "the wording fallback changes only the lines it marks text-heuristic, with a row of lib/wordings.tsv",
             "--no-heuristics: no object says text-heuristic or carries a text hint",
             "hints read from the corpus: backoff (Microsoft 365), connection limit (Dovecot), URL (Gmail, Mail.ru)",
             "corpus agreement with --command >= %.0f%%; every disagreement is a listed exception" % AGREEMENT_MIN]
    if path is None:
        for n in names:
            tap.skip(n, "corpus not found: " + ", ".join(tried))
        return
    comment("corpus: %s" % os.path.abspath(path))
    rows = load_corpus(path)
    lines = [r["line"] for r in rows]

    # 1. stdin
    rc, out, err = run(["explain", "--json"], b"\n".join(lines) + b"\n")
    objs, probs = json_lines(out)
    good = rc == 0 and not probs and len(objs) == len(lines)
    tap.ok(good, names[0] + " (%d lines)" % len(lines),
           probs + ["%s; %d objects for %d lines" % (rc_text(rc, err), len(objs), len(lines))])
    if len(objs) != len(lines):
        objs = (objs + [None] * len(lines))[:len(lines)]
    diag = []
    for r, o in zip(rows, objs):
        for p in contract_problems(o):
            diag.append("corpus line %d %r: %s" % (r["fileline"], short(r["line"]), p))
    tap.ok(not diag, names[1], diag)

    # 1b. arguments
    rc2, out2, err2 = run(["explain", "--json"] + [bytes(l) for l in lines])
    objs2, probs2 = json_lines(out2)
    diag = list(probs2)
    if rc2 != 0:
        diag.append(rc_text(rc2, err2))
    if len(objs2) != len(objs):
        diag.append("%d objects from arguments, %d from stdin" % (len(objs2), len(objs)))
    for r, a, b in zip(rows, objs, objs2):
        if a != b:
            diag.append("corpus line %d %r: stdin %s / argument %s"
                        % (r["fileline"], short(r["line"]), json.dumps(a)[:300], json.dumps(b)[:300]))
    tap.ok(not diag, names[2], diag)

    # the table and the status rules alone
    rc, out, err = run(["explain", "--json", "--no-heuristics"], b"\n".join(lines) + b"\n")
    objs_nh, probs_nh = json_lines(out)
    if rc != 0 or probs_nh or len(objs_nh) != len(lines):
        comment("explain --no-heuristics: %s; %d objects for %d lines %s"
                % (rc_text(rc, err), len(objs_nh), len(lines), probs_nh[:3]))
        objs_nh = (objs_nh + [None] * len(lines))[:len(lines)]

    # 2. registered codes, no --command
    dcat, dact, ncoded = [], [], 0
    for r, o in zip(rows, objs_nh):
        if not o or o.get("code") not in reg_by_name or o.get("status") is None:
            continue
        ncoded += 1
        cat, act, src, _ = expected(o["status"], o["code"], None, reg_by_name)
        where = "corpus line %d %r" % (r["fileline"], short(r["line"]))
        if o.get("category") != cat:
            dcat.append("%s: category %r, expected %r (%s %s)"
                        % (where, o.get("category"), cat, o["status"], o["code"]))
        if o.get("action") != act or o.get("source") != src:
            dact.append("%s: action %r source %r, expected %r %r"
                        % (where, o.get("action"), o.get("source"), act, src))
    tap.ok(not dcat and ncoded > 0, names[3] + " (%d lines)" % ncoded, dcat)
    tap.ok(not dact and ncoded > 0, names[4] + " (%d lines)" % ncoded, dact)

    # 3. --command, grouped by command word
    groups = {}
    for i, r in enumerate(rows):
        groups.setdefault(command_word(r["command"]), []).append(i)
    with_cmd = [None] * len(rows)
    with_cmd_h = [None] * len(rows)
    run_diag = []
    for cmd, idxs in sorted(groups.items(), key=lambda kv: (kv[0] is not None, kv[0] or "")):
        for heur, dest in ((False, with_cmd), (True, with_cmd_h)):
            args = ["explain", "--json"] + (["--command", cmd] if cmd else [])
            if not heur:
                args.append("--no-heuristics")
            rc, out, err = run(args, b"".join(lines[i] + b"\n" for i in idxs))
            gobjs, gprobs = json_lines(out)
            if rc != 0 or gprobs or len(gobjs) != len(idxs):
                run_diag.append("explain %s: %s; %d objects for %d lines %s"
                                % (" ".join(args[1:]), rc_text(rc, err), len(gobjs), len(idxs), gprobs[:3]))
            for i, o in zip(idxs, gobjs):
                dest[i] = (cmd, o)
    d_all, d_auth, d_sel, d_logout, d_weak, d_echo = (list(run_diag) for _ in range(6))
    n_auth = n_sel = n_logout = n_weak = 0
    for i, r in enumerate(rows):
        if with_cmd[i] is None or with_cmd[i][1] is None:
            continue
        cmd, o = with_cmd[i]
        where = "corpus line %d %r (--command %s)" % (r["fileline"], short(r["line"], 70), cmd)
        if cmd is not None and o.get("command", "").upper() != cmd:
            d_echo.append("%s: command member %r" % (where, o.get("command")))
        if o.get("status") is None:
            continue
        role = role_of(cmd)
        code = o.get("code") if o.get("code") in reg_by_name else None
        cat, act, src, unc = expected(o["status"], code, role, reg_by_name)
        if (o.get("category"), o.get("action"), o.get("source")) != (cat, act, src):
            d_all.append("%s: %s/%s/%s, expected %s/%s/%s" % (where, o.get("category"), o.get("action"),
                                                            o.get("source"), cat, act, src))
        if o["status"] == "NO" and o.get("code") is None and role == "auth":
            n_auth += 1
            if o.get("category") != "credential" or o.get("uncertain") is not True:
                d_auth.append("%s: category %r uncertain %r" % (where, o.get("category"), o.get("uncertain")))
        if o["status"] == "NO" and o.get("code") is None and role == "select":
            n_sel += 1
            if o.get("category") != "nonexistent" or o.get("uncertain") is not True:
                d_sel.append("%s: category %r uncertain %r" % (where, o.get("category"), o.get("uncertain")))
        if o["status"] == "BYE" and role == "logout":
            n_logout += 1
            if o.get("category") != "ok":
                d_logout.append("%s: category %r" % (where, o.get("category")))
        if o["status"] == "NO" and role == "auth" and code and reg_by_name[code]["NO"].startswith("~"):
            n_weak += 1
            if o.get("category") != "credential" or o.get("show_user") is not True:
                d_weak.append("%s: category %r show_user %r" % (where, o.get("category"), o.get("show_user")))
    tap.ok(not d_all, names[5], d_all)
    tap.ok(not d_auth and n_auth > 0, names[6] + " (%d lines)" % n_auth, d_auth)
    tap.ok(not d_sel and n_sel > 0, names[7] + " (%d lines)" % n_sel, d_sel)
    tap.ok(not d_logout and n_logout > 0, names[8] + " (%d lines)" % n_logout, d_logout)
    tap.ok(not d_weak and n_weak > 0, names[9] + " (%d lines)" % n_weak, d_weak)
    tap.ok(not d_echo, names[10], d_echo)

    # 3b. the wording fallback on top of the table and the status rules
    wids = load_wording_ids()
    diag = []
    for i, r in enumerate(rows):
        if with_cmd[i] is None or with_cmd_h[i] is None or with_cmd[i][1] is None or with_cmd_h[i][1] is None:
            diag.append("corpus line %d: no object" % r["fileline"])
            continue
        cmd, off = with_cmd[i]
        on = with_cmd_h[i][1]
        where = "corpus line %d %r (--command %s)" % (r["fileline"], short(r["line"], 70), cmd)
        if on.get("source") == "text-heuristic":
            row = wids.get(on.get("wording"))
            if row is None:
                diag.append("%s: wording %r is not a row of lib/wordings.tsv" % (where, on.get("wording")))
            elif on.get("category") != row["category"] or on.get("confidence") != row["confidence"]:
                diag.append("%s: %s (confidence %r), row %s says %s (%d)"
                            % (where, on.get("category"), on.get("confidence"), on.get("wording"),
                               row["category"], row["confidence"]))
        else:
            for k in ("category", "action", "source", "severity", "uncertain", "message_key"):
                if on.get(k) != off.get(k):
                    diag.append("%s: %s %r with the fallback, %r without, but source is %r"
                                % (where, k, on.get(k), off.get(k), on.get("source")))
    tap.ok(not diag and bool(wids), names[11], diag)

    diag = []
    for r, o in zip(rows, objs_nh):
        if o is None:
            continue
        if o.get("source") == "text-heuristic" or o.get("wording") is not None or \
                o.get("hint_backoff_ms") is not None or o.get("hint_connection_limit") is not None:
            diag.append("corpus line %d %r: %s" % (r["fileline"], short(r["line"]), json.dumps(o)[:300]))
    tap.ok(not diag, names[12], diag)

    want_hints = [(b"a1 BAD Request is throttled. Suggested Backoff Time: 89117", "hint_backoff_ms", 89117),
                  (b"1069 NO Request is throttled. Suggested Backoff Time: 299609", "hint_backoff_ms", 299609),
                  (b"RUBY0001 NO [UNAVAILABLE] Maximum number of connections", "hint_connection_limit", 30),
                  (b"a1 NO [ALERT] Application-specific password required", "hint_url",
                   "https://support.google.com/accounts/answer/185833"),
                  (b"2 NO [ALERT] Please log in via your web browser", "hint_url",
                   "http://support.google.com/mail/accounts/bin/answer.py?answer=78754"),
                  (b"a1 NO NEOBHODIM parol prilozheniya", "hint_url",
                   "https://help.mail.ru/mail/security/protection/external")]
    diag = []
    for prefix, key, want in want_hints:
        found = [w[1] for r, w in zip(rows, with_cmd_h) if r["line"].startswith(prefix) and w and w[1]]
        if not found:
            diag.append("no corpus line starts with %r" % prefix)
        elif found[0].get(key) != want:
            diag.append("%r: %s %r, expected %r" % (prefix, key, found[0].get(key), want))
    tap.ok(not diag, names[13], diag)

    # 4. agreement with the corpus's category column (and, reported only,
    #    with its retry column mapped to actions as DESIGN.md says)
    def action_agreement(pairs, label):
        agree, total, dis = 0, 0, []
        for r, o in pairs:
            if o is None:
                continue
            retry = r["retry"]
            want = {"never": "fail", "backoff": "retry-backoff",
                    "after-user-action": "user-action", "immediately-once": "retry-backoff",
                    "after-noop": "retry-after-noop", "after-starttls": "retry-after-starttls",
                    "after-create": "retry-after-create"}.get(retry)
            if retry == "after-reauth":
                want = "reconnect" if o.get("status") == "BYE" else "reauthenticate"
            # a successful response needs no retry: "never" is "none" there
            ok_line = (CORPUS_CATEGORY_MAP.get(r["category"], r["category"]) == "ok"
                       or o.get("status") in ("OK", "PREAUTH"))
            accept = {want} | ({"none"} if ok_line and retry == "never" else set())
            total += 1
            if o.get("action") in accept:
                agree += 1
            else:
                dis.append("  line %d: %s -> tool %s, corpus %s" % (r["fileline"], short(r["line"], 90),
                                                                  o.get("action"), retry))
        comment("corpus action agreement %s (retry column, DESIGN.md mapping; reported, not asserted): "
                "%d of %d lines (%.1f%%)" % (label, agree, total, 100.0 * agree / total if total else 0.0))
        for d in dis:
            comment(d)

    def agreement(pairs, label, show):
        agree, total, dis = 0, 0, []
        for r, o in pairs:
            if o is None:
                continue
            want = CORPUS_CATEGORY_MAP.get(r["category"], r["category"])
            total += 1
            if o.get("category") == want:
                agree += 1
            else:
                dis.append((r, "  line %d: %s -> tool %s (%s), corpus %s [command: %s]"
                            % (r["fileline"], short(r["line"], 90), o.get("category"),
                               o.get("source"), want, r["command"])))
        pct = 100.0 * agree / total if total else 0.0
        comment("corpus agreement %s: %d of %d lines (%.1f%%)" % (label, agree, total, pct))
        if show:
            comment("lines where the tool disagrees with the corpus (%s):" % label)
            for _, d in dis:
                comment(d)
        return pct, dis
    agreement([(r, o) for r, o in zip(rows, objs_nh)], "without --command, --no-heuristics", False)
    agreement([(r, w[1] if w else None) for r, w in zip(rows, with_cmd)], "with --command, --no-heuristics", False)
    agreement(list(zip(rows, objs)), "without --command", False)
    pct, dis = agreement([(r, w[1] if w else None) for r, w in zip(rows, with_cmd_h)], "with --command", True)
    action_agreement([(r, w[1] if w else None) for r, w in zip(rows, with_cmd_h)], "with --command")
    diag = []
    listed = set()
    for r, d in dis:
        exc = [e for e in CORPUS_EXCEPTIONS if r["line"].startswith(e[0])]
        if exc:
            listed.add(exc[0][0])
            comment("%s -- listed exception: %s" % (d.strip(), exc[0][1]))
        else:
            diag.append("not a listed exception:" + d)
    for e in CORPUS_EXCEPTIONS:
        if e[0] not in listed:
            comment("listed exception now agrees (remove it from CORPUS_EXCEPTIONS): %r" % e[0])
    if pct < AGREEMENT_MIN:
        diag.insert(0, "agreement %.1f%% is below %.0f%%" % (pct, AGREEMENT_MIN))
    tap.ok(not diag, names[14] + " (%.1f%%)" % pct, diag)


def contract_checks():
    # exit statuses and usage errors
    for args, desc in ((["explain", "--bogus"], "explain --bogus"),
                       (["explain", "--lang"], "explain --lang without value"),
                       (["explain", "--json", "--command"], "explain --command without value"),
                       ([], "no subcommand"),
                       (["frobnicate"], "unknown subcommand frobnicate"),
                       (["codes", "extra"], "codes with an operand"),
                       (["codes", "--no-heuristics"], "codes --no-heuristics (explain and scan only)")):
        rc, out, err = run(args, b"a1 OK x\n")
        tap.ok(rc == 2 and out == b"" and err.strip() != b"",
               "usage error exits 2, says why on stderr, nothing on stdout: %s" % desc,
               [rc_text(rc, err), "stdout: %r" % out[:200]])
    rc, out, err = run(["--help"])
    tap.ok(rc == 0 and b"Usage" in out and b"explain" in out, "--help exits 0 and prints the usage on stdout",
           [rc_text(rc, err), "stdout: %r" % out[:200]])
    rc, out, err = run(["--version"])
    tap.ok(rc == 0 and re.search(rb"\d+\.\d+\.\d+", out) is not None, "--version exits 0 and prints a version",
           [rc_text(rc, err), "stdout: %r" % out[:200]])

    # malformed and hostile lines
    bad = [b"garbage", b"", b" leading space", b"*",
           b"a1 NO x\x00y \xff\xfe z", b"a1 NO \x1b[31mred\x1b[0m text",
           b"\xff\xfe", b"a1 NO [ALERT \x1b[2J] \xc2\x9b31m \x07"]
    unparsable = {0, 1, 2, 3, 6}
    rc, out, err = run(["explain", "--json"], b"\n".join(bad) + b"\n")
    objs, probs = json_lines(out)
    diag = list(probs)
    if rc != 0:
        diag.append(rc_text(rc, err))
    if len(objs) != len(bad):
        diag.append("%d objects for %d lines" % (len(objs), len(bad)))
    m = RAW_CONTROL_BYTES.search(out)
    if m:
        diag.append("raw control byte %r in the output at %d" % (m.group(), m.start()))
    for i, (l, o) in enumerate(zip(bad, objs)):
        for p in contract_problems(o):
            diag.append("%r: %s" % (l, p))
        if o is not None and i in unparsable and "error" not in o:
            diag.append("%r: no error member" % l)
    tap.ok(not diag, "malformed and hostile lines: one valid UTF-8 JSON object each, error member "
           "when unparsable, no control characters", diag)

    argbad = [l for l in bad if b"\x00" not in l]
    rc, out, err = run(["explain", "--json"] + argbad)
    objs, probs = json_lines(out)
    diag = list(probs)
    if rc != 0:
        diag.append(rc_text(rc, err))
    if len(objs) != len(argbad):
        diag.append("%d objects for %d arguments" % (len(objs), len(argbad)))
    for l, o in zip(argbad, objs):
        for p in contract_problems(o):
            diag.append("%r: %s" % (l, p))
    tap.ok(not diag, "malformed and hostile lines as arguments: one valid object each", diag)

    # no trailing newline
    rc, out, err = run(["explain", "--json"], b"a1 OK x\na2 NO y")
    objs, probs = json_lines(out)
    tap.ok(rc == 0 and not probs and len(objs) == 2 and objs[1] is not None
           and objs[1].get("tag") == "a2" and objs[1].get("status") == "NO" and objs[1].get("text") == "y",
           "input without a trailing newline: the last line is answered",
           probs + [rc_text(rc, err), "output: %r" % out[:500]])

    # CRLF
    rc, out, err = run(["explain", "--json"], b"a1 OK x\r\na2 NO [OVERQUOTA] y\r\n* 3 EXISTS\r\n")
    objs, probs = json_lines(out)
    good = rc == 0 and not probs and len(objs) == 3 and None not in objs
    if good:
        good = (objs[0].get("text") == "x" and objs[0].get("category") == "ok"
                and objs[1].get("code") == "OVERQUOTA" and objs[1].get("text") == "y"
                and objs[1].get("category") == "quota" and "error" not in objs[2]
                and objs[2].get("category") == "ok" and objs[2].get("status") is None)
    tap.ok(good, "CRLF line endings: one object per line, CR not part of the text",
           probs + [rc_text(rc, err), "output: %r" % out[:800]])

    # 1 MiB line
    big = b"a1 NO [ALERT] " + b"x" * (1 << 20)
    rc, out, err = run(["explain", "--json"], big + b"\na2 OK after\n")
    objs, probs = json_lines(out)
    good = rc == 0 and not probs and len(objs) == 2 and None not in objs
    if good:
        good = (len(objs[0].get("text") or "") == (1 << 20) and objs[0].get("code") == "ALERT"
                and objs[1].get("tag") == "a2")
    tap.ok(good, "a 1 MiB line is answered whole, and the next line after it",
           probs + [rc_text(rc, err), "%d objects, %d output bytes" % (len(objs), len(out))])

    # 20000 lines
    samples = [b"NO [OVERQUOTA] full", b"OK done", b"BAD syntax", b"NO failed",
               b"OK [UIDNEXT 4392] x", b"NO [UNAVAILABLE] later"]
    n = 20000
    data = b"".join(b"t%d %s\n" % (i, samples[i % len(samples)]) for i in range(n))
    rc, out, err = run(["explain", "--json"], data)
    objs, probs = json_lines(out)
    wrong = [i for i, o in enumerate(objs) if o is None or o.get("tag") != "t%d" % i]
    tap.ok(rc == 0 and not probs and len(objs) == n and not wrong,
           "20000 lines on stdin: 20000 objects, in order",
           probs[:5] + [rc_text(rc, err), "%d objects; first out of order: %s" % (len(objs), wrong[:5])])


def human_checks():
    line = "a NO [OVERQUOTA] Sorry"
    rc, out, err = run(["explain", line])
    rcj, outj, _ = run(["explain", "--json", line])
    objs, _ = json_lines(outj)
    msg = objs[0].get("message") if objs and objs[0] else None
    text = out.decode("utf-8", "replace")
    lines = text.splitlines()
    server_lines = [l for l in lines if "Sorry" in l and l.strip() != line]
    msg_lines = [l for l in lines if msg and msg in l]
    diag = [rc_text(rc, err), "output:"] + ["  " + l for l in lines]
    tap.ok(rc == 0 and "quota" in text and "user-action" in text,
           "human output for %r names the category quota and the action user-action" % line, diag)
    tap.ok(rc == 0 and bool(msg) and len(msg_lines) == 1 and "Sorry" not in msg_lines[0]
           and len(server_lines) == 1 and msg not in server_lines[0],
           "human output shows the server text 'Sorry' on its own line, apart from the message", diag)
    hostile = [b"a1 NO \x1b[31mred\x1b[0m text \x1b]0;title\x07 \xc2\x9b31m",
               b"\x1b[2J* BYE", b"a1 NO [ALERT \x1b[31m] x", b"a1 NO [X\x1b] y"]
    rc, out, err = run(["explain"], b"\n".join(hostile) + b"\n")
    rc2, out2, err2 = run(["explain"] + hostile)
    diag = [rc_text(rc, err), rc_text(rc2, err2), "stdin: %r" % out[:600], "args: %r" % out2[:600]]
    good = rc == 0 and rc2 == 0 and b"\x1b" not in out and b"\x1b" not in out2
    good = good and b"\xc2\x9b" not in out and b"\xc2\x9b" not in out2 and b"\x07" not in out
    try:
        out.decode("utf-8")
        out2.decode("utf-8")
    except UnicodeDecodeError as e:
        good = False
        diag.append("not UTF-8: %s" % e)
    tap.ok(good, "human output of hostile lines holds no ESC, BEL or C1 control and is valid UTF-8", diag)


def registry_example_checks(registry):
    """Every registry code (its EXAMPLE) with every status, no --command:
    category, action and source as the table says."""
    reg_by_name = {r["name"]: r for r in registry}
    lines, want = [], []
    for r in registry:
        for st in ("NO", "OK", "BAD", "BYE", "PREAUTH"):
            tag = "*" if st in ("BYE", "PREAUTH") else "t1"
            lines.append("%s %s [%s] some text" % (tag, st, r["example"]))
            want.append((st, r["name"]))
    rc, out, err = run(["explain", "--json"], "".join(l + "\n" for l in lines).encode("utf-8"))
    objs, probs = json_lines(out)
    diag = list(probs)
    if rc != 0 or len(objs) != len(lines):
        diag.append("%s; %d objects for %d lines" % (rc_text(rc, err), len(objs), len(lines)))
    for l, (st, name), o in zip(lines, want, objs):
        if o is None:
            continue
        if o.get("code") != name or o.get("status") != st:
            diag.append("%r: code %r status %r" % (l, o.get("code"), o.get("status")))
            continue
        cat, act, src, _ = expected(st, name, None, reg_by_name)
        if (o.get("category"), o.get("action"), o.get("source")) != (cat, act, src):
            diag.append("%r: %s/%s/%s, table says %s/%s/%s" % (l, o.get("category"), o.get("action"),
                                                             o.get("source"), cat, act, src))
    tap.ok(not diag, "every registry code (EXAMPLE column) with NO/OK/BAD/BYE/PREAUTH: category, "
           "action and source as lib/registry.tsv says (%d lines)" % len(lines), diag)


def codes_checks(registry):
    names = [r["name"] for r in registry]
    rc, out, err = run(["codes", "--json"])
    objs, probs = json_lines(out)
    got = [o.get("name") if o else None for o in objs]
    tap.ok(rc == 0 and not probs and got == names,
           "codes --json: one object per registry row (%d), names in table order" % len(names),
           probs + [rc_text(rc, err), "missing: %s" % sorted(set(names) - set(got, )),
                    "extra: %s" % sorted(set(g for g in got if g) - set(names))])
    diag = []
    by = {o.get("name"): o for o in objs if o}
    for r in registry:
        o = by.get(r["name"])
        if o is None:
            continue
        if o.get("number") != r["number"]:
            diag.append("%s: number %r, table %r" % (r["name"], o.get("number"), r["number"]))
        for col in ("NO", "OK", "BAD", "BYE"):
            cell = parse_cell(r[col], r["action"])
            want = None if cell is None else {"category": cell[0], "action": cell[1], "weak": cell[2]}
            have = o.get(col.lower(), "missing")
            if isinstance(have, dict):
                have = {k: have.get(k) for k in ("category", "action", "weak")}
            if have != want:
                diag.append("%s %s: %r, table %r" % (r["name"], col, have, want))
    tap.ok(not diag and bool(by), "codes --json: number and per-status meaning as lib/registry.tsv says", diag)
    rc, out, err = run(["codes"])
    tokens = set(out.decode("utf-8", "replace").split())
    missing = [n for n in names if n not in tokens]
    tap.ok(rc == 0 and not missing, "codes (human) lists every registry name",
           [rc_text(rc, err), "missing: %s" % missing])


def parse_log(data):
    """Expected view of a session log: for each server line, its line
    number and the command sent with its tag (None when untagged or not
    sent)."""
    sent = {}
    pending = []
    servers = []
    for n, raw in enumerate(data.split(b"\n"), start=1):
        l = raw.rstrip(b"\r")
        if l[:2] in (b"C:", b"c:"):
            w = l[2:].split()
            if len(w) >= 2:
                cmd = w[1].upper()
                if cmd == b"UID" and len(w) >= 3:
                    cmd = b"UID " + w[2].upper()
                sent[w[0]] = cmd.decode("utf-8", "replace")
                pending.append(w[0])
            continue
        if l[:2] in (b"S:", b"s:"):
            l = l[2:]
        l = l.lstrip(b" ")
        if not l or l.startswith(b"#"):
            continue
        tag = l.split(b" ", 1)[0]
        if tag in (b"*", b"+"):
            cands = {sent[t] for t in pending}
            servers.append((n, None, cands, l))
        else:
            servers.append((n, sent.get(tag), None, l))
            if tag in pending:
                pending.remove(tag)
    return servers


def scan_log_checks(path, label):
    with open(path, "rb") as f:
        data = f.read()
    servers = parse_log(data)
    rc, out, err = run(["scan", "--json", path])
    objs, probs = json_lines(out)
    diag = list(probs)
    if rc != 0:
        diag.append(rc_text(rc, err))
    if len(objs) != len(servers):
        diag.append("%d objects for %d server lines" % (len(objs), len(servers)))
    for (n, cmd, cands, l), o in zip(servers, objs):
        if o is None:
            continue
        for p in contract_problems(o):
            diag.append("line %d: %s" % (n, p))
        if o.get("line_number") != n:
            diag.append("line %d %r: line_number %r" % (n, short(l, 60), o.get("line_number")))
        if cmd is not None and o.get("command") != cmd:
            diag.append("line %d %r: command %r, the client sent %r with that tag"
                        % (n, short(l, 60), o.get("command"), cmd))
        if cands is not None and o.get("command") is not None and o["command"] not in cands:
            diag.append("line %d %r: command %r, but only %s were waiting"
                        % (n, short(l, 60), o.get("command"), sorted(cands)))
    tap.ok(not diag, "scan --json %s: one object per server line with line_number and the "
           "command sent with that tag (%d server lines)" % (label, len(servers)), diag)
    attention = sum(1 for o in objs if o and o.get("category") != "ok")
    rc, out, err = run(["scan", path])
    m = re.search(rb"^(\d+) server responses, (\d+) need attention\.$", out, re.M)
    want = (len(servers), attention)
    have = (int(m.group(1)), int(m.group(2))) if m else None
    tap.ok(rc == 0 and have == want,
           "scan %s: exit 0 and summary '%d server responses, %d need attention.'" % ((label,) + want),
           [rc_text(rc, err), "summary: %r" % (m.group(0) if m else out[-300:])])
    return objs


def scan_checks():
    log = os.path.join(SRCDIR, "examples", "session.log")
    if os.path.isfile(log):
        scan_log_checks(log, "examples/session.log")
    else:
        for d in ("scan --json examples/session.log", "scan examples/session.log summary"):
            tap.skip(d, "%s not found (being written in parallel)" % log)

    with tempfile.TemporaryDirectory(prefix="imaperr-cli-") as tmp:
        p = os.path.join(tmp, "inline.log")
        with open(p, "wb") as f:
            f.write(b"C: a1 LOGIN u p\nS: a1 NO Login failed\n"
                    b"C: a2 LOGOUT\nS: * BYE bye\nS: a2 OK done\n")
        objs = scan_log_checks(p, "inline log")
        o1 = objs[0] if len(objs) > 0 else None
        o2 = objs[1] if len(objs) > 1 else None
        tap.ok(o1 is not None and o1.get("command") == "LOGIN" and o1.get("category") == "credential",
               "scan: 'a1 NO Login failed' after 'a1 LOGIN' is credential (command matched by tag)",
               ["object: %s" % json.dumps(o1)])
        tap.ok(o2 is not None and o2.get("category") == "ok",
               "scan: '* BYE' after 'a2 LOGOUT' is ok", ["object: %s" % json.dumps(o2)])

        # A hostile client line: what the tool prints of the client command
        # must be as safe as what it prints of the server text.
        p = os.path.join(tmp, "hostile.log")
        with open(p, "wb") as f:
            f.write(b"C: a1 LOG\x1b[31mIN\xff u p\nS: a1 NO x\n")
        rc, out, err = run(["scan", p])
        rcj, outj, errj = run(["scan", "--json", p])
        objs, probs = json_lines(outj)
        diag = probs + [rc_text(rc, err), rc_text(rcj, errj), "human: %r" % out[:400], "json: %r" % outj[:400]]
        good = rc == 0 and rcj == 0 and b"\x1b" not in out and not probs and len(objs) == 1
        try:
            out.decode("utf-8")
        except UnicodeDecodeError as e:
            good = False
            diag.append("human output not UTF-8: %s" % e)
        for o in objs:
            for pr in contract_problems(o):
                good = False
                diag.append(pr)
        tap.ok(good, "scan of a log whose client line holds ESC and 0xff: no ESC in human output, "
               "valid UTF-8 JSON without control characters", diag)


def main():
    comment("tool: %s" % TOOL)
    if not check_tool_exists():
        return tap.done()
    registry = load_registry()
    corpus_checks(registry)
    registry_example_checks(registry)
    contract_checks()
    human_checks()
    codes_checks(registry)
    scan_checks()
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
