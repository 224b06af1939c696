#!/usr/bin/env python3
"""test-cyrus.py - libimaperr against a real Cyrus IMAP 3.6 (issue 7).

Starts ONE private Cyrus (tests/integration/cyrus.py), provokes the
situations of issue 7 that Cyrus can produce, records every session in the
`imaperr scan` format (tests/integration/imapclient.py) and feeds each
session's transcript to the built tool (`imaperr scan --all --json`, in
English and with --lang de). Cyrus 3.6 sends none of the RFC 5530 codes, so
most failures come as plain text: for those the library must answer through
its wording fallback (lib/wordings.tsv, Cyrus rows) or, where no row knows
the words, with the honest answer of the status rules.

For every situation one TAP line asserts:
  - the line parses (kind "status", no `error` member) and carries the
    status and code the server sent (read here with a regex);
  - category, action and source are the expectation written below from
    DESIGN.md; the expectation is also checked against the tables: the
    lib/registry.tsv cell for a code, the lib/wordings.tsv row for a wording
    (named here, and it must be the row the library reports);
  - the must-show flag where DESIGN.md asks for it (ALERT);
  - typed arguments decode to the numbers in the server's own line
    (APPENDUID, COPYUID);
  - the German explanation is present, differs from the English one and
    contains no control characters.

Run by automake (make check) with IMAPERR_TOOL and top_srcdir in the
environment; by hand (as root):
    python3 tests/integration/test-cyrus.py --tool BUILD/tools/imaperr [--out FILE]
Writes every session's transcript with the library's verdict on each server
line, and a Markdown table `situation | command | server line | code |
category | action`, to tests/integration/cyrus-transcript.txt under the
current directory (the build folder under make check), or to --out FILE,
and prints the path.

Needs root, cyrus-common, sasl2-bin and the Cyrus imapd binaries
(tests/integration/setup-cyrus.sh). Without them it prints
`1..0 # SKIP <reason>`, except when $CI or $IMAPERR_REQUIRE_SERVERS is set
(tests/run-all.sh sets it as root): then that is a failure.
"""

import json
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # never write __pycache__ into the source tree
sys.path.insert(0, HERE)
sys.path.insert(1, os.path.dirname(HERE))
import imapclient  # noqa: E402
import cyrus  # noqa: E402
from expect import (appenduid_args, command_word, copyuid_args, has_control,  # noqa: E402
                    load_registry, load_wordings, md_cell, modified_args, parse_options,
                    registry_cell, status_code)
from testlib import Tap  # noqa: E402

DEFAULT_OUT = os.path.join("tests", "integration", "cyrus-transcript.txt")
MAXLOGINS = 3          # maxlogins_per_user
MAXMESSAGESIZE = 8192  # bytes


# ---------------------------------------------------------------------------
# Situations

class Situation:
    """One provoked response and what DESIGN.md says about it.

    expect: (category, action, source) written from DESIGN.md;
    wording: the lib/wordings.tsv row that must decide (source text-heuristic);
    args: callable(line) -> the typed arguments the line must decode to."""

    def __init__(self, name, client, want_status, want_code, expect, wording=None, args=None,
                 show_user=None, pick="tagged", why=""):
        self.name = name
        self.client = client
        self.want_status = want_status
        self.want_code = want_code
        self.expect = expect
        self.wording = wording
        self.args = args
        self.show_user = show_user
        self.pick = pick
        self.why = why
        self.line = None
        self.command = None
        self.index = None        # index in the session's transcript
        self.problem = None      # why no line could be taken
        self.en = self.de = None


def find_line(resp, want_status, want_code, pick):
    """The server line of resp to judge: the tagged one, or the first
    untagged one with this status and code."""
    if pick == "tagged":
        return resp.tagged
    for l in resp.untagged:
        st, cd = status_code(l)
        if st == want_status and cd == want_code:
            return l
    return None


def locate(transcript, line, start=0):
    want = "S: " + imapclient._printable(line.encode("utf-8"))
    for i in range(start, len(transcript.lines)):
        if transcript.lines[i] == want:
            return i
    return None


class Run:
    def __init__(self, cy):
        self.cy = cy
        self.sessions = []
        self.sits = []
        self.logindisabled = None

    def client(self, name, user=None, tlsonly=False):
        c = self.cy.client(tlsonly=tlsonly, name=name, tag_prefix=name + ".")
        self.sessions.append(c)
        if user:
            r = c.login(*self.cy.creds(user))
            if r.status != "OK":
                raise AssertionError("%s: LOGIN %s failed: %r" % (name, user, r.lines))
        return c

    def add(self, name, client, resp, want_status, want_code, expect, pick="tagged", **kw):
        s = Situation(name, client, want_status, want_code, expect, pick=pick, **kw)
        s.command = command_word(resp.command)
        s.line = find_line(resp, want_status, want_code, pick)
        if s.line is None:
            s.problem = "no %s line with status %s and code %s; the server sent: %r" % (
                pick, want_status, want_code, resp.lines)
        else:
            # the last occurrence at or after the command
            cmd_at = max(i for i, l in enumerate(client.transcript.lines)
                         if l == "C: " + resp.command)
            s.index = locate(client.transcript, s.line, cmd_at)
        self.sits.append(s)
        return s


def message(subject, size=0, eol="\r\n"):
    head = "From: tester@example.com%sTo: bob@localhost%sSubject: %s%s%s" % (
        eol, eol, subject, eol, eol)
    body = ""
    while len(head) + len(body) < size:
        body += "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" + eol
    return head + (body or "hello" + eol)


CRED = ("credential", "reauthenticate", "text-heuristic")
NONEX = ("nonexistent", "fail", "text-heuristic")
PERM = ("permission", "fail", "text-heuristic")
QUOTA = ("quota", "user-action", "text-heuristic")
EXISTS = ("already-exists", "fail", "text-heuristic")
TRYC = ("nonexistent", "retry-after-create", "code")
OK = ("ok", "none", "code")


def provoke(run):
    cy = run.cy

    # -- logging in ----------------------------------------------------------
    c = run.client("badpw")
    run.add("wrong password", c, c.login("bob", "wrong-password"), "NO", None, CRED,
            wording="generic-login-failed",
            why="DESIGN.md: credentials rejected -> credential; never resend the same")
    c.close()

    c = run.client("plain", tlsonly=True)
    caps = c.greeting
    run.add("LOGIN without TLS where plaintext is refused", c, c.login(*cy.creds("bob")), "NO",
            None, ("privacy", "retry-after-starttls", "text-heuristic"),
            wording="cyrus-login-layer", why="DESIGN.md: needs an encrypted connection")
    c.close()
    run.logindisabled = "LOGINDISABLED" in caps

    # -- connection limit (maxlogins_per_user) -------------------------------
    held = [run.client("carol%d" % i, "carol") for i in range(1, MAXLOGINS + 1)]
    c = run.client("carol%d" % (MAXLOGINS + 1))
    run.add("too many connections (maxlogins_per_user)", c, c.login(*cy.creds("carol")), "NO",
            None, ("throttled", "retry-backoff", "text-heuristic"),
            wording="cyrus-too-many-open-connections",
            why="DESIGN.md: connection-count limit -> throttled (the status rule alone "
                "would say credential)")
    c.close()
    for h in held:
        h.logout()
        h.close()

    # -- bob's mailboxes ------------------------------------------------------
    c = run.client("bob", "bob")
    r = c.append("INBOX", message("small one"))
    run.add("APPENDUID on APPEND", c, r, "OK", "APPENDUID", OK, args=appenduid_args)
    r2 = c.append("INBOX", message("three kilobytes", 3000))
    if r2.status != "OK":
        raise AssertionError("APPEND of 3000 bytes to INBOX failed: %r" % r2.lines)
    run.add("over quota on APPEND", c, c.append("INBOX.Small", message("too big", 3000)),
            "NO", None, QUOTA, wording="cyrus-over-quota")
    run.add("TRYCREATE on APPEND to a missing mailbox", c,
            c.append("INBOX.Missing", message("nowhere")), "NO", "TRYCREATE", TRYC)
    run.add("permission denied on APPEND (ACL lr)", c,
            c.append("shared.ro", message("not allowed")), "NO", None, PERM,
            wording="generic-permission-denied")
    run.add("message size limit on APPEND (maxmessagesize)", c,
            c.append("INBOX", message("huge", MAXMESSAGESIZE + 2000)), "NO", "TOOBIG",
            ("limit", "fail", "code"))
    run.add("bare newlines in an APPENDed message", c,
            c.append("INBOX", message("bare LF", eol="\n")), "NO", None,
            ("client-bug", "fail", "text-heuristic"), wording="cyrus-message-bare-newlines",
            why="the client sent a malformed message (RFC 5322 needs CRLF)")
    run.add("NUL in an APPENDed message", c,
            c.append("INBOX", message("NUL").replace("hello", "hel\0lo")), "NO", None,
            ("client-bug", "fail", "text-heuristic"), wording="cyrus-message-nul",
            why="the client sent a malformed message")

    run.add("mailbox exists on CREATE", c, c.command("CREATE INBOX.Archive"), "NO", None,
            EXISTS, wording="generic-already-exists")
    run.add("mailbox exists on RENAME", c, c.command("RENAME INBOX.Archive INBOX.Small"), "NO",
            None, EXISTS, wording="generic-already-exists")
    run.add("permission denied on CREATE at the top level", c, c.command("CREATE toplevel"),
            "NO", None, PERM, wording="generic-permission-denied")
    run.add("missing mailbox on SELECT", c, c.command("SELECT INBOX.Missing"), "NO", None, NONEX,
            wording="cyrus-mailbox-does-not-exist")
    run.add("missing mailbox on DELETE", c, c.command("DELETE INBOX.Missing"), "NO", None, NONEX,
            wording="cyrus-mailbox-does-not-exist")
    run.add("missing mailbox on RENAME", c, c.command("RENAME INBOX.Missing INBOX.Other"), "NO",
            None, NONEX, wording="cyrus-mailbox-does-not-exist")
    run.add("mailbox without the lookup right on SELECT (Cyrus hides it)", c,
            c.command("SELECT shared.hidden"), "NO", None, NONEX,
            wording="cyrus-mailbox-does-not-exist",
            why="Cyrus answers as for a missing mailbox: the library cannot know better")
    run.add("DELETE INBOX", c, c.command("DELETE INBOX"), "NO", None,
            ("cannot", "fail", "text-heuristic"), wording="cyrus-mailbox-not-supported",
            why="DESIGN.md: can never succeed on this server -> cannot")
    c.command("CREATE INBOX.Parent")
    c.command("CREATE INBOX.Parent.Child")
    run.add("HASCHILDREN on DELETE of a mailbox with children", c,
            c.command("DELETE INBOX.Parent"), "NO", "HASCHILDREN", ("cannot", "fail", "code"))
    run.add("READ-ONLY on EXAMINE", c, c.command("EXAMINE INBOX"), "OK", "READ-ONLY", OK)
    r = c.command("SELECT INBOX")
    run.add("CLOSED on SELECT while a mailbox is selected", c, r, "OK", "CLOSED", OK,
            pick="untagged")
    run.add("COPYUID on COPY", c, c.command("COPY 1 INBOX.Archive"), "OK", "COPYUID", OK,
            args=copyuid_args)
    run.add("over quota on COPY", c, c.command("COPY 2 INBOX.Small"), "NO", None, QUOTA,
            wording="cyrus-over-quota")
    run.add("TRYCREATE on COPY to a missing mailbox", c, c.command("COPY 1 INBOX.Missing"),
            "NO", "TRYCREATE", TRYC)
    run.add("TRYCREATE on MOVE to a missing mailbox", c, c.command("MOVE 1 INBOX.Missing"),
            "NO", "TRYCREATE", TRYC)
    run.add("SEARCH with an unknown CHARSET (no BADCHARSET code)", c,
            c.command("SEARCH CHARSET X-NO-SUCH-CHARSET TEXT x"), "BAD", None,
            ("client-bug", "fail", "status"),
            why="DESIGN.md: BAD -> client-bug; BADCHARSET is client-bug too")
    run.add("FETCH of a message number that does not exist", c, c.command("FETCH 99 FLAGS"),
            "NO", None, ("unknown", "fail", "status"),
            why="no code and no known wording: the honest answer is unknown")
    run.add("unknown command", c, c.command("XYZZY"), "BAD", None,
            ("client-bug", "fail", "status"))
    c.command("STORE 1 +FLAGS (\\Flagged)")  # raises the message's MODSEQ above 1
    run.add("MODIFIED on UID STORE with UNCHANGEDSINCE older than the message", c,
            c.command("UID STORE 1:* (UNCHANGEDSINCE 1) +FLAGS (\\Seen)"), "OK", "MODIFIED",
            ("in-use", "retry-after-noop", "code"), args=modified_args,
            why="lib/registry.tsv (DESIGN.md has no row for MODIFIED): refresh, then retry")
    if c.command("CREATE INBOX.Sent (USE (\\Sent))").status != "OK":
        raise AssertionError("CREATE INBOX.Sent (USE (\\Sent)) failed")
    run.add("USEATTR on CREATE of a second \\Sent mailbox", c,
            c.command("CREATE INBOX.Sent2 (USE (\\Sent))"), "NO", "USEATTR",
            ("cannot", "fail", "code"), why="DESIGN.md: USEATTR -> cannot")
    c.command("SELECT shared")
    run.add("permission denied on STORE \\Deleted (ACL without t)", c,
            c.command("STORE 1 +FLAGS (\\Deleted)"), "NO", None, PERM,
            wording="generic-permission-denied")
    run.add("permission denied on SETACL (ACL without a)", c,
            c.command("SETACL shared.ro carol lr"), "NO", None, PERM,
            wording="generic-permission-denied")
    run.add("permission denied on SETQUOTA as a user", c,
            c.command("SETQUOTA INBOX (STORAGE 100)"), "NO", None, PERM,
            wording="generic-permission-denied")

    # -- ALERTs: the quota is lowered under what the mailbox already holds ------
    if c.append("INBOX.Full", message("fills Full", 3000)).status != "OK" or \
            c.append("INBOX.Near", message("fills Near", 3900)).status != "OK":
        raise AssertionError("could not fill INBOX.Full / INBOX.Near")
    cy.admin("SETQUOTA user.bob.Full (STORAGE 1)", "SETQUOTA user.bob.Near (STORAGE 4)",
             transcript=cy.transcript)
    show = ("quota", "user-action", "text-heuristic")
    run.add("ALERT on SELECT of a mailbox over quota", c, c.command("SELECT INBOX.Full"),
            "NO", "ALERT", show, pick="untagged", wording="cyrus-quota-alert-over",
            show_user=True,
            why="DESIGN.md: ALERT is a must-show flag; the words tell the cause (quota)")
    run.add("ALERT on SELECT of a mailbox near its quota", c, c.command("SELECT INBOX.Near"),
            "NO", "ALERT", show, pick="untagged", wording="cyrus-quota-alert-close",
            show_user=True,
            why="DESIGN.md: ALERT is a must-show flag; the words tell the cause (quota)")
    r = c.logout()
    run.add("BYE on LOGOUT", c, r, "BYE", None, ("ok", "none", "status"), pick="untagged",
            why="DESIGN.md: the BYE that answers LOGOUT is the normal end")
    c.close()


# ---------------------------------------------------------------------------
# Asking the library

def scan(tool, transcript, lang=None):
    """The tool's verdicts on one session: {transcript index: object}."""
    pairs = imapclient.scan_transcript(tool, transcript, lang=lang)
    # pair the objects with transcript indexes (server lines; comments skipped)
    idx = [i for i, l in enumerate(transcript.lines) if l.startswith("S: ") and l[3:].strip()]
    if len(idx) != len(pairs):
        raise AssertionError("%d server lines, %d verdicts" % (len(idx), len(pairs)))
    return {i: obj for i, (line, obj) in zip(idx, pairs)}


def judge(s, reg, words):
    """(ok, diagnostics) for one situation."""
    d = []
    if s.problem:
        return False, [s.problem]
    en, de = s.en, s.de
    if en is None or de is None:
        return False, ["no verdict for this line"]
    if "error" in en or en.get("kind") != "status":
        d.append("did not parse as a status response: %s" % json.dumps(en))
        return False, d
    st, cd = status_code(s.line)
    if st != s.want_status or cd != s.want_code:
        d.append("server sent status %s code %s, expected %s %s" % (
            st, cd, s.want_status, s.want_code))
    if en.get("status") != st or en.get("code") != cd:
        d.append("library read status %s code %s, the line has %s %s" % (
            en.get("status"), en.get("code"), st, cd))
    cat, act, src = s.expect
    # the expectation must agree with the tables
    if s.wording:
        if s.wording not in words:
            d.append("expected wording row %s is not in lib/wordings.tsv" % s.wording)
        elif words[s.wording] != (cat, act):
            d.append("lib/wordings.tsv row %s says %s/%s, DESIGN.md %s/%s" % (
                s.wording, words[s.wording][0], words[s.wording][1], cat, act))
    if cd and src == "code":
        cell = registry_cell(reg, cd, st)
        if cell is None or (cell[0], cell[1]) != (cat, act):
            d.append("lib/registry.tsv %s/%s cell is %r, DESIGN.md %s/%s" % (cd, st, cell, cat, act))
    got = (en.get("category"), en.get("action"), en.get("source"))
    if got != (cat, act, src):
        d.append("library: %s/%s (source %s), expected %s/%s (source %s)" % (got + s.expect))
    if s.wording and en.get("wording") != s.wording:
        d.append("library used wording %s, expected %s" % (en.get("wording"), s.wording))
    if not s.wording and src != "text-heuristic" and en.get("wording"):
        d.append("library used wording %s, expected none" % en.get("wording"))
    if s.show_user is not None and en.get("show_user") != s.show_user:
        d.append("show_user %s, expected %s" % (en.get("show_user"), s.show_user))
    if s.args:
        want = s.args(s.line)
        if en.get("args") != want:
            d.append("typed arguments %s, expected %s" % (json.dumps(en.get("args")),
                                                          json.dumps(want)))
    msg_en, msg_de = en.get("message") or "", de.get("message") or ""
    if de.get("lang") != "de" or de.get("lang_fallback"):
        d.append("German not used: lang %s, fallback %s" % (de.get("lang"),
                                                           de.get("lang_fallback")))
    if not msg_de or msg_de == msg_en:
        d.append("German explanation missing or equal to English: %r" % msg_de)
    if has_control(msg_de) or has_control(msg_en):
        d.append("control characters in the explanation: %r / %r" % (msg_en, msg_de))
    if (de.get("category"), de.get("action")) != (en.get("category"), en.get("action")):
        d.append("--lang de changed the verdict: %s/%s" % (de.get("category"), de.get("action")))
    return not d, d


# ---------------------------------------------------------------------------
# Report

def write_report(path, run, verdicts, results, cy, started):
    lines = ["# libimaperr against Cyrus IMAP (tests/integration/test-cyrus.py)",
             "# server: %s" % (cy.version or "?"),
             "# imapd: %s" % cy.imapd,
             "# written %s; run took %.1f s" % (time.strftime("%Y-%m-%d %H:%M:%S UTC",
                                                             time.gmtime()),
                                               time.monotonic() - started),
             ""]
    lines.append("## Situations")
    lines.append("")
    lines.append("| situation | command | server line | code | category | action |")
    lines.append("| --- | --- | --- | --- | --- | --- |")
    for s, (ok, diag) in zip(run.sits, results):
        en = s.en or {}
        lines.append("| %s%s | %s | `%s` | %s | %s | %s |" % (
            md_cell(s.name), "" if ok else " **(FAILED)**", md_cell(s.command or "-"),
            md_cell(s.line or "-"), md_cell(en.get("code") or "-"),
            md_cell(en.get("category", "-")), md_cell(en.get("action", "-"))))
    lines.append("")
    lines.append("## Checks")
    for s, (ok, diag) in zip(run.sits, results):
        lines.append("- %s %s%s" % ("ok" if ok else "NOT OK", s.name,
                                     (": " + s.why) if s.why else ""))
        for x in diag:
            lines.append("    - " + x)
    lines.append("")
    lines.append("## Transcripts with the library's verdict on every server line")
    lines.append("(format of `imaperr scan`; `#=` lines are the verdicts: category/action "
                 "[source, wording] and the German message)")
    allt = [("provisioning (admin)", cy.transcript, verdicts.get(id(cy.transcript), {}))]
    allt += [(c.name, c.transcript, verdicts.get(id(c.transcript), {})) for c in run.sessions]
    for name, t, v in allt:
        lines.append("")
        lines.append("### session %s" % name)
        for i, l in enumerate(t.lines):
            lines.append(l)
            pair = v.get(i)
            if pair:
                en, de = pair
                lines.append("#= %s/%s [%s%s] %s" % (
                    en.get("category"), en.get("action"), en.get("source"),
                    ", " + en["wording"] if en.get("wording") else "",
                    de.get("message", "")))
    d = os.path.dirname(path)
    if d:
        os.makedirs(d, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


# ---------------------------------------------------------------------------

def main(argv):
    opts = parse_options(argv, DEFAULT_OUT, "usage: test-cyrus.py [--tool IMAPERR] [--out FILE]")
    if opts is None:
        return 2
    tool, out, _ = opts

    ok, why = cyrus.available()
    if not ok:
        if imapclient.servers_required():
            print("1..1")
            print("not ok 1 - Cyrus IMAP fixture available (CI or IMAPERR_REQUIRE_SERVERS is set, so this is a failure): "
                  + why)
            return 1
        print("1..0 # SKIP " + why)
        return 0

    tap = Tap(diag_prefix="#   ")
    started = time.monotonic()
    reg, words = load_registry(), load_wordings()
    try:
        with cyrus.Cyrus(
                users={"bob": "bobpw", "carol": "carolpw"},
                mailboxes=["user.bob.Small", "user.bob.Archive", "user.bob.Full",
                           "user.bob.Near", "shared", "shared.ro", "shared.hidden"],
                quotas={"user.bob.Small": 1},
                acls={"shared.ro": {"bob": "lr", "anyone": ""},
                      "shared.hidden": {"anyone": ""}},
                conf={"maxlogins_per_user": str(MAXLOGINS),
                      "maxmessagesize": str(MAXMESSAGESIZE)}) as cy:
            tap.comment("Cyrus: %s, imapd %s, ports %d (plaintext) / %d (TLS-only), up in %.2f s"
                        % (cy.version, cy.imapd, cy.port, cy.port_tlsonly,
                           time.monotonic() - started))
            run = Run(cy)
            try:
                provoke(run)
            finally:
                for c in run.sessions:
                    c.close()
    except Exception:
        tap.ok(False, "Cyrus fixture and provocations ran", traceback.format_exc().splitlines())
        return tap.done()
    server_time = time.monotonic() - started

    # the library's verdicts, session by session, in English and German
    verdicts = {}
    try:
        for t in [cy.transcript] + [c.transcript for c in run.sessions]:
            en, de = scan(tool, t), scan(tool, t, "de")
            verdicts[id(t)] = {i: (en[i], de[i]) for i in en}
    except Exception:
        tap.ok(False, "imaperr scan over the transcripts", traceback.format_exc().splitlines())
        return tap.done()
    for s in run.sits:
        if s.index is not None:
            pair = verdicts[id(s.client.transcript)].get(s.index)
            if pair:
                s.en, s.de = pair

    results = []
    for s in run.sits:
        good, diag = judge(s, reg, words)
        results.append((good, diag))
        en = s.en or {}
        tap.ok(good, "Cyrus: %s: %s -> %s/%s" % (
            s.name, s.line or "(no line)", en.get("category"), en.get("action")),
            diag + ([] if good else ["command: %s" % s.command]))

    tap.ok(run.logindisabled, "Cyrus: the greeting of the TLS-only service announces "
           "LOGINDISABLED (RFC 3501 6.2.3)")
    # every server line of every session parsed
    bad = []
    for t, v in verdicts.items():
        for i, (en, de) in v.items():
            if "error" in en:
                bad.append(json.dumps(en))
    tap.ok(not bad, "Cyrus: every server line of every session parses", bad[:5])
    tap.ok(server_time < 60, "Cyrus: the server part of the run took %.1f s (< 60 s)" %
           server_time)

    write_report(out, run, verdicts, results, cy, started)
    tap.comment("transcript and verdicts: %s" % os.path.abspath(out))
    return tap.done()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
