#!/usr/bin/env python3
"""test-dovecot.py - libimaperr against a real Dovecot 2.3 (issue 7).

Starts ONE private Dovecot (tests/integration/dovecot.py), provokes every
situation issue 7 lists, records each session in the `imaperr scan` format
(tests/integration/imapclient.py), and feeds the transcripts to the built
tool (`imaperr scan --all --json`, in English and with --lang de). For each
situation one TAP line asserts:
  - the line parses (no `error` member, kind "status");
  - the response code is the expected one;
  - category and action are what DESIGN.md and lib/registry.tsv say for
    that code, status and command (computed here from the table), or, for
    lines without a code, what DESIGN.md says, matched through the
    lib/wordings.tsv row named (whose category/action must agree);
  - typed arguments decode to the values in the server's own line
    (APPENDUID, COPYUID, REFERRAL, BADCHARSET, MODIFIED);
  - the German explanation is there, non-empty, differs from the English
    one and contains no control characters.

Run by automake (make check) with IMAPERR_TOOL, top_srcdir, top_builddir in
the environment; by hand: `sudo python3 tests/integration/test-dovecot.py
--tool BUILD/tools/imaperr [--out FILE] [--table]`.

Writes the full transcript with the library's verdict on every server line,
and a Markdown table of the situations, to
tests/integration/dovecot-transcript.txt under the current directory (the
build folder under make check), or --out FILE.

Skips (1..0 # SKIP) when Dovecot is not installed or we are not root, except
when $CI or $IMAPERR_REQUIRE_SERVERS is set: then that is a failure.
"""

import json
import os
import re
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # never write __pycache__ into the (read-only) source tree
sys.path.insert(0, HERE)
sys.path.insert(1, os.path.dirname(HERE))
import imapclient  # noqa: E402
import dovecot  # noqa: E402
from expect import (appenduid_args, badcharset_args, command_word, copyuid_args,  # noqa: E402
                    has_control, load_registry, load_wordings, md_cell, modified_args,
                    parse_options, referral_args, registry_cell, status_code)
from testlib import ROLE_OF, Tap  # noqa: E402

UNAVAILABLE_TRIES = 5


# ---------------------------------------------------------------------------
# What DESIGN.md and the tables say (never the tool's output; expect.py)

def by_status(status, role):
    """DESIGN.md "Status and context" and imaperr.h: the answer when the code
    (if any) says nothing for this status."""
    if status == "NO":
        if role == "auth":
            return ("credential", "reauthenticate")
        if role == "select":
            return ("nonexistent", "fail")
        return ("unknown", "fail")
    if status == "BAD":
        return ("client-bug", "fail")
    if status == "BYE":
        return ("ok", "none") if role == "logout" else ("connection", "reconnect")
    return ("ok", "none")


def registry_expect(reg, status, code, command):
    """(category, action, source) that lib/registry.tsv and the status rules
    give a line with this status, code and command."""
    role = ROLE_OF.get(command.split()[-1] if command and command.startswith("UID ") else command)
    cat, act = by_status(status, role)
    if code not in reg or (status == "BYE" and role == "logout"):
        return cat, act, "status"
    cell = registry_cell(reg, code, status)
    if cell is None or (cell[2] and cat != "unknown"):
        return cat, act, "status"
    return cell[0], cell[1], "code"


# ---------------------------------------------------------------------------
# Situations

class Situation:
    def __init__(self, name, client, line, command, code, expect=None, wording=None,
                 args=None, show_user=None):
        self.name = name
        self.transcript = client.transcript
        self.session = client.name
        self.line = line
        self.command = command
        self.code = code
        self.expect = expect          # (category, action) or None: from the registry
        self.wording = wording        # lib/wordings.tsv row that must match
        self.args = args              # callable(line) -> expected args dict, or None
        self.show_user = show_user
        self.index = locate(client.transcript, line) if line is not None else None
        self.verdict = None           # (en object, de object)


def locate(transcript, line):
    """Index (0-based) of the last transcript line recording `line`."""
    want = "S: " + imapclient._printable(line.encode("utf-8"))
    for i in range(len(transcript.lines) - 1, -1, -1):
        if transcript.lines[i] == want:
            return i
    raise AssertionError("line not in transcript: %r" % line)


class Run:
    def __init__(self, tap, d):
        self.tap = tap
        self.d = d
        self.sits = []
        self.sessions = []     # IMAPClient objects, in order
        self.notes = []        # (name, text): provocations that did not yield a line

    def client(self, name, user=None, source=None, login=True):
        tag = re.sub(r"[^A-Za-z0-9-]", "", name)[:20] + "."
        c = self.d.client(source=source, name=name, tag_prefix=tag)
        self.sessions.append(c)
        if user and login:
            r = c.login(*self.d.creds(user))
            if r.status != "OK":
                raise AssertionError("%s: LOGIN %s failed: %s" % (name, user, r.lines))
        return c

    def add(self, name, client, resp_or_line, code, command=None, **kw):
        """Record a situation: the line of the response carrying `code`
        (tagged line first, else an untagged one; code None: the tagged line)."""
        if isinstance(resp_or_line, str):
            line = resp_or_line
        else:
            r = resp_or_line
            line = None
            cands = ([r.tagged] if r.tagged else []) + r.untagged
            for l in cands:
                st, cd = status_code(l)
                if cd == code and st is not None:
                    line = l
                    break
            if line is None:
                self.sits.append(Failed(name, client, r, code))
                return
            if command is None:
                command = command_word(r.command)
        self.sits.append(Situation(name, client, line, command, code, **kw))


class Failed:
    """A provocation that did not produce the expected response code."""

    def __init__(self, name, client, r, code):
        self.name = name
        self.transcript = client.transcript
        self.session = client.name
        self.response = r
        self.code = code


def provoke(run):
    d = run.d
    msg = "From: t@example.com\r\nSubject: %s\r\n\r\n%s\r\n"

    # -- login failures ---------------------------------------------------
    c = run.client("authfail")
    run.add("AUTHENTICATIONFAILED: LOGIN with a wrong password", c, c.login("alice", "wrong"),
            "AUTHENTICATIONFAILED")
    c.close()
    c = run.client("authz")
    run.add("AUTHORIZATIONFAILED: master user logs in as a user that does not exist", c,
            c.login("ghost*" + dovecot.MASTER[0], dovecot.MASTER[1]), "AUTHORIZATIONFAILED")
    c.close()
    c = run.client("privacy", source="127.0.0.2")
    r = c.login(*d.creds("alice"))
    run.add("PRIVACYREQUIRED: LOGIN over plaintext from 127.0.0.2 (not secured)", c, r,
            "PRIVACYREQUIRED")
    run.add("ALERT: untagged BAD [ALERT] about the exposed password (LOGIN from 127.0.0.2)",
            c, r, "ALERT", show_user=True)
    c.close()
    c = run.client("contactadmin")
    run.add("CONTACTADMIN: LOGIN of a nologin user", c, c.login(*d.creds("locked")),
            "CONTACTADMIN", show_user=True)
    c.close()
    c = run.client("contactadmin-reason")
    run.add("CONTACTADMIN: LOGIN of a nologin user with a reason", c,
            c.login(*d.creds("reason")), "CONTACTADMIN", show_user=True)
    c.close()
    c = run.client("referral")
    run.add("REFERRAL: LOGIN of a nologin user with host=", c, c.login(*d.creds("moved")),
            "REFERRAL", args=referral_args)
    c.close()
    # The failed userdb lookup races with the disconnect: the client gets the
    # tagged line or just EOF. Try a few times to get a line to check.
    for attempt in range(1, UNAVAILABLE_TRIES + 1):
        c = run.client("unavailable%d" % attempt)
        r = c.login(*d.creds("broken"))
        c.close()
        if not (r.eof and r.tagged is None):
            run.add("UNAVAILABLE: userdb lookup fails internally", c, r, "UNAVAILABLE")
            break
    else:
        run.notes.append(("UNAVAILABLE: userdb lookup fails internally",
                          "EOF before the tagged answer in all %d tries (the documented race); "
                          "accepted" % UNAVAILABLE_TRIES))
    if d.lua:
        c = run.client("expired")
        run.add("EXPIRED: lua passdb answers PASS_EXPIRED", c, c.login(*d.creds("expired")),
                "EXPIRED")
        c.close()
    else:
        run.notes.append(("EXPIRED: lua passdb answers PASS_EXPIRED",
                          "SKIP: dovecot-auth-lua not installed"))

    # -- connection limit from 127.0.0.3 -----------------------------------
    # DESIGN.md: a connection-count limit is `throttled` (the wordings row
    # dovecot-max-connections refines Dovecot's LIMIT to it).
    opened = [run.client("userip1", "bob", source="127.0.0.3")]
    for attempt in range(2, 5):
        # the first session registers with anvil as its mail process starts;
        # should a login slip through before that, the next one cannot
        c = run.client("userip%d" % attempt, source="127.0.0.3")
        opened.append(c)
        r = c.login(*d.creds("bob"))
        if r.status != "OK":
            run.add("LIMIT: connection from 127.0.0.3 over mail_max_userip_connections=1", c,
                    r, "LIMIT", wording="dovecot-max-connections",
                    expect=("throttled", "retry-backoff"))
            break
    else:
        run.sits.append(Failed("LIMIT: connections over mail_max_userip_connections=1", c, r,
                               "LIMIT"))
    for c in opened:
        c.close()

    # -- mailbox operations (alice) ----------------------------------------
    c = run.client("alice", "alice")
    run.add("no code: BAD to COPY with no mailbox selected", c, c.command("COPY 1 Archive"), None)
    run.add("no code: SELECT of a missing mailbox", c, c.command("SELECT Nope"), None,
            expect=("nonexistent", "fail"), wording="dovecot-mailbox-doesnt-exist")
    run.add("no code: EXAMINE of a missing mailbox", c, c.command("EXAMINE Nope"), None,
            expect=("nonexistent", "fail"), wording="dovecot-mailbox-doesnt-exist")
    run.add("no code: STATUS of a missing mailbox", c, c.command("STATUS Nope (MESSAGES)"), None,
            expect=("nonexistent", "fail"), wording="dovecot-mailbox-doesnt-exist")
    run.add("no code: SUBSCRIBE to a missing mailbox", c, c.command("SUBSCRIBE Nope"), None,
            expect=("nonexistent", "fail"), wording="dovecot-mailbox-doesnt-exist")
    run.add("no code: DELETE INBOX", c, c.command("DELETE INBOX"), None,
            expect=("cannot", "fail"), wording="dovecot-inbox-cant-be-deleted")
    run.add("no code: RENAME a mailbox under its own child", c,
            c.command("RENAME Archive Archive/sub"), None,
            expect=("cannot", "fail"), wording="dovecot-rename-under-child")
    run.add("NONEXISTENT: DELETE of a missing mailbox", c, c.command("DELETE Nope"), "NONEXISTENT")
    run.add("NONEXISTENT: RENAME of a missing mailbox", c, c.command("RENAME Nope Foo"),
            "NONEXISTENT")
    run.add("ALREADYEXISTS: CREATE of an existing mailbox", c, c.command("CREATE Archive"),
            "ALREADYEXISTS")
    run.add("ALREADYEXISTS: RENAME onto an existing mailbox", c,
            c.command("RENAME Archive Locked"), "ALREADYEXISTS")
    run.add("CANNOT: CREATE a name with adjacent separators", c, c.command("CREATE a//b"),
            "CANNOT")
    run.add("TRYCREATE: APPEND to a missing mailbox", c, c.append("Nope", msg % ("t", "x")),
            "TRYCREATE")
    run.add("NOPERM: APPEND to a mailbox the ACL makes read-only", c,
            c.append("Locked", msg % ("p", "x")), "NOPERM")
    run.add("LIMIT: APPEND larger than quota_max_mail_size", c,
            c.append("INBOX", msg % ("big", "y" * (dovecot.MAX_MAIL_SIZE + 1000))), "LIMIT")
    for i in range(3):
        r = c.append("INBOX", msg % ("m%d" % i, "hello %d" % i))
    run.add("APPENDUID: APPEND to INBOX", c, r, "APPENDUID", args=appenduid_args)
    run.add("READ-ONLY: SELECT of a mailbox the ACL makes read-only", c,
            c.command("SELECT Locked"), "READ-ONLY")
    run.add("READ-ONLY: EXAMINE INBOX", c, c.command("EXAMINE INBOX"), "READ-ONLY")
    c.command("SELECT INBOX")
    run.add("CLIENTBUG: STATUS of the selected mailbox", c,
            c.command("STATUS INBOX (MESSAGES)"), "CLIENTBUG")
    run.add("COPYUID: COPY to another mailbox", c, c.command("COPY 1:2 Archive"), "COPYUID",
            args=copyuid_args)
    run.add("TRYCREATE: COPY to a missing mailbox", c, c.command("COPY 1 Nope"), "TRYCREATE")
    run.add("TRYCREATE: MOVE to a missing mailbox", c, c.command("MOVE 1 Nope"), "TRYCREATE")
    run.add("BADCHARSET: SEARCH with an unknown charset", c,
            c.command("SEARCH CHARSET X-NO-SUCH-CHARSET TEXT x"), "BADCHARSET",
            args=badcharset_args)
    c.command("STORE 1 +FLAGS (\\Flagged)")
    run.add("MODIFIED: STORE with UNCHANGEDSINCE older than the message", c,
            c.command("STORE 1 (UNCHANGEDSINCE 1) +FLAGS (\\Seen)"), "MODIFIED",
            args=modified_args)
    c.command("FETCH 1 BODY.PEEK[]")  # a literal in the transcript
    c.logout()
    c.close()

    # -- carol: background vsize (INUSE), broken maildir (SERVERBUG) --------
    c = run.client("carol", "carol")
    run.add("INUSE: STATUS (SIZE) while the vsize is computed in the background", c,
            c.command("STATUS Big (SIZE)"), "INUSE")
    run.add("SERVERBUG: SELECT of a maildir whose cur/ is a file", c,
            c.command("SELECT Broken"), "SERVERBUG")
    c.logout()
    c.close()

    # -- small: quota 4k ------------------------------------------------------
    c = run.client("small", "small")
    r = c.append("INBOX", msg % ("q1", "z" * 3000))
    if r.status != "OK":
        raise AssertionError("small: first APPEND failed: %s" % r.lines)
    run.add("OVERQUOTA: APPEND over the user's quota", c,
            c.append("INBOX", msg % ("q2", "z" * 3000)), "OVERQUOTA")
    c.command("SELECT INBOX")
    run.add("OVERQUOTA: COPY over the user's quota", c, c.command("COPY 1 Other"), "OVERQUOTA")
    c.logout()
    c.close()

    # -- two sessions: EXPUNGEISSUED -------------------------------------------
    a = run.client("expunge-a", "bob")
    for i in range(3):
        a.append("INBOX", msg % ("e%d" % i, "body %d" % i))
    b = run.client("expunge-b", "bob")
    a.command("SELECT INBOX")
    b.command("SELECT INBOX")
    b.command("STORE 1 +FLAGS.SILENT (\\Deleted)")
    b.command("EXPUNGE")
    run.add("EXPUNGEISSUED: FETCH of a message another session expunged", a,
            a.command("FETCH 1 BODY[]"), "EXPUNGEISSUED")
    run.add("EXPUNGEISSUED: COPY of a message another session expunged", a,
            a.command("COPY 1 INBOX"), "EXPUNGEISSUED")
    b.logout()
    b.close()
    a.logout()
    a.close()

    # -- BYE: doveadm kick, UIDVALIDITY change, LOGOUT ---------------------------
    c = run.client("kick", "bob")
    c.command("SELECT INBOX")
    d.doveadm("kick", "bob")
    line = c.wait_for(lambda l: l.upper().startswith("* BYE"), 5.0)
    if line is None:
        run.sits.append(Failed("BYE after doveadm kick", c, None, None))
    else:
        run.add("BYE after doveadm kick (no command pending)", c, line, None, command=None,
                expect=("transient", "reconnect"), wording="dovecot-shutting-down")
    c.close()
    c = run.client("uidvalidity", "alice")
    c.command("SELECT Archive")
    d.doveadm("mailbox", "update", "-u", "alice", "--uid-validity", "12345", "Archive")
    r = c.command("NOOP")
    if r.bye is None:
        run.sits.append(Failed("BYE after a UIDVALIDITY change", c, r, None))
    else:
        run.add("BYE after a UIDVALIDITY change (to NOOP)", c, r.bye, None, command="NOOP",
                expect=("connection", "reconnect"), wording="dovecot-state-inconsistent")
    c.close()
    c = run.client("logout", "alice")
    r = c.logout()
    if r.bye is None:
        run.sits.append(Failed("BYE on LOGOUT", c, r, None))
    else:
        run.add("BYE on LOGOUT (not a failure)", c, r.bye, None, command="LOGOUT",
                expect=("ok", "none"))
    c.close()


# ---------------------------------------------------------------------------
# Verdicts and checks

def scan_sessions(tool, sessions):
    """{id(transcript): {line_number: (en, de)}} and a list of parse problems.
    One run of `imaperr scan` per language over all session files."""
    uniq, seen = [], set()
    for c in sessions:
        if id(c.transcript) not in seen:
            seen.add(id(c.transcript))
            uniq.append(c)
    ts = [c.transcript for c in uniq]
    en_all = imapclient.scan_transcripts(tool, ts)
    de_all = imapclient.scan_transcripts(tool, ts, lang="de")
    out, problems = {}, []
    for c, en, de in zip(uniq, en_all, de_all):
        m = {}
        for (line, oe), (_, od) in zip(en, de):
            m[oe["line_number"]] = (oe, od)
            if oe.get("error"):
                problems.append("%s: %s -> error %s" % (c.name, line, oe["error"]))
        out[id(c.transcript)] = m
    return out, problems


def check(reg, words, s):
    """List of problems (empty: all good) for one situation."""
    oe, od = s.verdict
    p = []
    if oe.get("error"):
        p.append("parse error: %s" % oe["error"])
    if oe.get("kind") != "status":
        p.append("kind %r, expected status" % oe.get("kind"))
    status, code = status_code(s.line)
    if code != s.code:
        p.append("test bug: line has code %r, situation expects %r" % (code, s.code))
    if oe.get("code") != s.code:
        p.append("code %r, expected %r" % (oe.get("code"), s.code))
    if oe.get("status") != status:
        p.append("status %r, expected %r" % (oe.get("status"), status))
    if s.expect:
        exp, src = tuple(s.expect), "text-heuristic" if s.wording else None
    else:
        cat, act, src = registry_expect(reg, status, s.code, s.command)
        exp = (cat, act)
    if (oe.get("category"), oe.get("action")) != exp:
        p.append("category/action %s/%s, expected %s/%s" % (
            oe.get("category"), oe.get("action"), exp[0], exp[1]))
    if s.wording:
        row = words.get(s.wording)
        if row is None:
            p.append("lib/wordings.tsv has no row %s" % s.wording)
        elif row != exp:
            p.append("wordings.tsv row %s says %s/%s, DESIGN.md %s/%s" % (
                s.wording, row[0], row[1], exp[0], exp[1]))
        if oe.get("wording") != s.wording:
            p.append("wording %r, expected row %s" % (oe.get("wording"), s.wording))
    if src is not None and oe.get("source") != src:
        p.append("source %r, expected %s" % (oe.get("source"), src))
    if s.show_user is not None and oe.get("show_user") != s.show_user:
        p.append("show_user %r, expected %r" % (oe.get("show_user"), s.show_user))
    if s.args is not None:
        want = s.args(s.line)
        got = oe.get("args")
        if want is None:
            if got not in (None, {}):
                p.append("args %r, expected none" % (got,))
        else:
            for k, v in want.items():
                if got is None or got.get(k) != v:
                    p.append("args.%s = %r, expected %r" % (k, None if got is None else got.get(k), v))
    ge, gd = oe.get("message") or "", od.get("message") or ""
    if od.get("lang") != "de" or od.get("lang_fallback"):
        p.append("German not served: lang %r fallback %r" % (od.get("lang"), od.get("lang_fallback")))
    if not gd.strip():
        p.append("German explanation empty")
    if gd == ge:
        p.append("German explanation equals the English one: %r" % gd)
    if has_control(gd):
        p.append("German explanation has control characters: %r" % gd)
    if not ge.strip():
        p.append("English explanation empty")
    return p


def explain_by_command(tool, sits):
    """{id(situation): object} from `imaperr explain --json [--command CMD]`
    over each situation's line, one run per command: the same verdict as
    scan's (which has to find the command through the tag) is expected."""
    groups = {}
    for s in sits:
        groups.setdefault(s.command, []).append(s)
    out = {}
    for cmd, group in groups.items():
        args = ["explain", "--json"] + (["--command", cmd] if cmd else []) + ["--"]
        objs = imapclient.imaperr_json(tool, args + [s.line for s in group], "")
        for s, o in zip(group, objs):
            out[id(s)] = o
    return out


def write_report(path, run, results, lookup):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("# libimaperr against Dovecot %s (tests/integration/test-dovecot.py)\n\n" %
                run.d.version)
        f.write("## Provoked situations and the library's verdict\n\n")
        f.write("| situation | command | server line | code | category | action | result |\n")
        f.write("| --- | --- | --- | --- | --- | --- | --- |\n")
        for s, probs in results:
            if isinstance(s, Failed):
                f.write("| %s | | (not provoked) | | | | FAIL |\n" % md_cell(s.name))
                continue
            oe = s.verdict[0]
            f.write("| %s | %s | `%s` | %s | %s | %s | %s |\n" % (
                md_cell(s.name), md_cell(s.command or "(none pending)"), md_cell(s.line),
                md_cell(oe.get("code") or "-"), md_cell(oe.get("category")), md_cell(oe.get("action")),
                "ok" if not probs else "FAIL: " + md_cell("; ".join(probs))))
        for name, text in run.notes:
            f.write("| %s | | (%s) | | | | |\n" % (md_cell(name), md_cell(text)))
        f.write("\n## Sessions (C: sent, S: received, #=> library verdict, en / de)\n")
        seen = set()
        for c in run.sessions:
            t = c.transcript
            if id(t) in seen:
                continue
            seen.add(id(t))
            f.write("\n### session %s\n\n" % c.name)
            m = lookup.get(id(t), {})
            for i, l in enumerate(t.lines):
                f.write(l + "\n")
                v = m.get(i + 1)
                if v is None or not l.startswith("S: "):
                    continue
                oe, od = v
                f.write("#=> code=%s category=%s action=%s source=%s%s%s\n" % (
                    oe.get("code"), oe.get("category"), oe.get("action"), oe.get("source"),
                    " args=%s" % json.dumps(oe["args"]) if oe.get("args") else "",
                    " error=%s" % oe["error"] if oe.get("error") else ""))
                f.write("#=>   en: %s\n#=>   de: %s\n" % (oe.get("message"), od.get("message")))


def main(argv):
    opts = parse_options(argv, os.path.join("tests", "integration", "dovecot-transcript.txt"),
                         "usage: test-dovecot.py [--tool IMAPERR] [--out FILE] [--table]",
                         flags=("--table",))
    if opts is None:
        return 2
    tool, out, given = opts
    print_table = "--table" in given
    ci = imapclient.servers_required()

    ok, why = dovecot.available()
    if not ok:
        if ci:
            print("1..1")
            print("not ok 1 - Dovecot integration tests can run (CI or IMAPERR_REQUIRE_SERVERS is set): %s" % why)
            return 1
        print("1..0 # SKIP dovecot not installed or not usable (%s)" % why)
        return 0

    tap = Tap(diag_prefix="#   ")
    reg = load_registry()
    words = load_wordings()
    t0 = time.monotonic()
    run = None
    try:
        with dovecot.Dovecot() as d:
            d.version = _version()
            run = Run(tap, d)
            tap.comment("Dovecot %s on %s:%d (%s), started in %.2f s" % (
                d.version, d.host, d.port, d.dir, time.monotonic() - t0))
            try:
                provoke(run)
            except Exception:
                tap.ok(False, "provoking the situations on Dovecot",
                       [traceback.format_exc()] + [c.transcript.text() for c in run.sessions[-1:]]
                       + ["dovecot.log (end):", d.log()[-3000:]])
    except Exception:
        tap.ok(False, "private Dovecot starts and stops", [traceback.format_exc()])
        return tap.done()
    elapsed = time.monotonic() - t0

    lookup, problems = scan_sessions(tool, run.sessions)
    nlines = sum(len(m) for m in lookup.values())
    tap.ok(not problems, "every one of the %d server lines from Dovecot parses "
           "(imaperr scan --all --json, %d sessions)" % (nlines, len(lookup)), problems)

    explained = explain_by_command(tool, [s for s in run.sits if not isinstance(s, Failed)])
    results = []
    for s in run.sits:
        if isinstance(s, Failed):
            diag = ["the server did not send the expected response"]
            if s.response is not None:
                diag.append("response: %r" % (s.response.lines,))
            diag.append("session %s:" % s.session)
            diag.append(s.transcript.text())
            results.append((s, ["not provoked"]))
            tap.ok(False, s.name, diag)
            continue
        s.verdict = lookup[id(s.transcript)].get(s.index + 1)
        if s.verdict is None:
            probs = ["no verdict for transcript line %d" % (s.index + 1)]
        else:
            probs = check(reg, words, s)
            ex = explained.get(id(s))
            oe = s.verdict[0]
            for k in ("code", "category", "action", "source", "message"):
                if ex is None or ex.get(k) != oe.get(k):
                    probs.append("imaperr explain --json --command %s says %s=%r, scan says %r" % (
                        s.command, k, None if ex is None else ex.get(k), oe.get(k)))
        results.append((s, probs))
        oe = s.verdict[0] if s.verdict else {}
        name = "%s -> %s %s/%s" % (s.name, oe.get("code") or "(no code)", oe.get("category"),
                                   oe.get("action"))
        diag = []
        if probs:
            diag = probs + ["server line: %s" % s.line, "session %s:" % s.session,
                            s.transcript.text()]
        tap.ok(not probs, name, diag)
    for name, text in run.notes:
        if text.startswith("SKIP: "):
            if ci:
                tap.ok(False, name, [text[6:] + " (CI or IMAPERR_REQUIRE_SERVERS is set: a missing component fails)"])
            else:
                tap.skip(name, text[6:])
        else:
            tap.ok(True, "%s # %s" % (name, text))

    write_report(out, run, results, lookup)
    tap.comment("transcript and verdict table: %s" % os.path.abspath(out))
    tap.comment("Dovecot part took %.1f s (start, %d situations, stop)" % (elapsed, len(run.sits)))
    tap.ok(elapsed < 60, "the Dovecot run takes under 60 s (%.1f s)" % elapsed)
    if print_table:
        with open(out, encoding="utf-8") as f:
            text = f.read()
        print(text.split("\n## Sessions")[0])
    return tap.done()


def _version():
    import subprocess
    try:
        return subprocess.run([dovecot.DOVECOT, "--version"], stdout=subprocess.PIPE,
                              universal_newlines=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


if __name__ == "__main__":
    sys.exit(main(sys.argv))
