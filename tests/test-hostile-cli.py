#!/usr/bin/env python3
"""test-hostile-cli.py - the imaperr tool under hostile server lines (issue 8).

Run by automake ("make check") with IMAPERR_TOOL (the built tool) and
top_srcdir in the environment. Prints TAP; exit status 0 iff every check
passed.

Hostile families (escape sequences CSI/OSC incl. OSC 8 and title setting
with BEL and ST terminators, every C0 byte, DEL, C1 as bytes and as UTF-8,
bidi controls, zero-width and format characters, combining marks, invalid
and overlong UTF-8, NUL, CR and LF inside the line, deep parentheses, huge
numbers) are put into the places a server controls (text, code arguments,
quoted strings, lists, URLs, the tag) and fed to `explain`, `explain
--json`, `scan`, `scan --json` and `scan --all`, in English, Arabic and
Japanese, through standard input and as arguments. For every run:

  - the exit status is 0 (DESIGN.md: 0 when every line was read);
  - stdout is valid UTF-8 (Python's strict decoder: no overlong forms, no
    surrogates) and holds no C0 control but LF (the human output uses no
    TAB), no DEL, no C1 (U+0080..U+009F), no U+2028/U+2029, and no bidi
    control except the library's own U+2068 FSI ... U+2069 PDI, which must
    nest and balance on each line;
  - with --json every line parses with json.loads, explain gives exactly
    one object per input line, and every decoded string value passes the
    same checks (so an escaped "\\u001b" cannot smuggle an ESC through
    the JSON layer either).

A 10 MiB line through standard input must complete within a generous bound
(60 s) and in linear time: the fastest of 3 runs at 10 MiB takes less than
24 times the fastest at 1.25 MiB, in CPU time of the child processes
(linear: about 8; process start-up only lowers the ratio). IMAPERR_TEST_NO_TIMING=1 skips only that ratio.

RFC 5530 section 5: no row of lib/wordings.tsv that applies to LOGIN or
AUTHENTICATE may tell a missing user from a wrong password, and the tool
gives "Unknown user" and "Invalid password" the same category, action and
message in every language tested.
"""

import json
import os
import re
import resource
import subprocess
import sys
import time

TOOL = os.environ.get("IMAPERR_TOOL", "tools/imaperr")
TOP_SRCDIR = os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), ".."))
TIMEOUT = 120
LANGS = ["en", "ar", "ja"]

FAMILIES = [
    ("CSI", b"\x1b[31mred\x1b[0m \x1b[2J\x1b[H\x1b[?1049h\x1b[6n \x9b31m\xc2\x9b1;31m "),
    ("OSC", b"\x1b]0;pwned\x07\x1b]2;title\x1b\\ \x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ "
            b"\x9d0;t\x9c \xc2\x9d8;;http://x/\xc2\x9clink\x1b]52;c;aGk=\x07 "),
    ("C0", bytes(range(1, 10)) + b"\x0b\x0c" + bytes(range(14, 32)) + b"\x7f text "),
    ("C1 bytes", bytes(range(0x80, 0xA0)) + b" z "),
    ("C1 UTF-8", b"".join(bytes([0xC2, c]) for c in range(0x80, 0xA0)) + b" z "),
    ("bidi", "\u202aa\u202bb\u202c\u202dc\u202eevil.exe \u2066d\u2067e\u2068f\u2069\u2069\u202c "
             "\u200e\u200f\u061c \u05e9\u05dc\u05d5\u05dd ".encode()),
    ("format", "a\u200bb\u200cc\u200dd\u2060\ufeffe\u00ad\u206a\u206b\u206c\u206d\u206e\u206f"
               "\ufff9x\ufffay\ufffb\U000e0001\U000e0041\u2028\u2029\ufffe\uffff ".encode()),
    ("marks", "x" .encode() + "\u0301\u0308\u035c\u0488\u20dd\u0338".encode() * 40),
    ("bad UTF-8", b"\xc0\x80\xc1\xbf\xe0\x80\x80\xe0\x9f\xbf\xed\xa0\x80\xed\xbf\xbf\xf0\x80\x80\xaf"
                  b"\xf4\x90\x80\x80\xf5\x80\x80\x80\xf8\x88\x80\x80\x80\xfc\x84\x80\x80\x80\x80"
                  b"\xfe\xff\x80\xbf\xe2\x82\xc3\x28\xe2 "),
    ("NUL", b"a\x00b\x00\x00c \x00"),
    ("CR", b"a\rb\r\rc \r"),
    ("brackets", b"] [ALERT] ((\"\\ {5}] "),
]

PLACES = [
    ("ALERT text", b"a1 NO [ALERT] ", b""),
    ("BYE text", b"* BYE ", b""),
    ("no code", b"a1 NO ", b" end"),
    ("continuation", b"+ ", b""),
    ("unknown code args", b"a1 NO [XHOSTILE ", b"] tail"),
    ("quoted string", b"a1 NO [NOUPDATE \"", b"\"] tail"),
    ("charset list", b"a1 NO [BADCHARSET (\"", b"\" UTF-8)] tail"),
    ("flag list", b"* OK [PERMANENTFLAGS (\\Seen ", b")] Limited"),
    ("WEBALERT URL", b"a1 NO [WEBALERT https://example.com/", b"] Open it"),
    ("web address", b"a1 NO [ALERT] Visit https://example.com/a", b" now"),
    ("tag", b"", b" NO [ALERT] tagged"),
]

STRUCTURAL = [
    ("1,000,000 nested parentheses in PERMANENTFLAGS",
     b"* OK [PERMANENTFLAGS " + b"(" * 1000000 + b")" * 1000000 + b"] x"),
    ("1,000,000 unclosed parentheses in BADCHARSET",
     b"a1 NO [BADCHARSET " + b"(" * 1000000 + b"] x"),
    ("1,000,000 nested parentheses in an unknown code",
     b"a1 NO [XHOSTILE " + b"(" * 1000000 + b")" * 1000000 + b"] x"),
    ("10,000 digits in UIDNEXT", b"* OK [UIDNEXT 1" + b"9" * 9999 + b"] x"),
    ("10,000 digits in UIDVALIDITY", b"* OK [UIDVALIDITY 1" + b"9" * 9999 + b"] x"),
    ("10,000 digits in APPENDUID", b"a1 OK [APPENDUID 1" + b"9" * 9999 + b" 1" + b"9" * 9999 + b"] x"),
    ("10,000 digits in INPROGRESS", b"* OK [INPROGRESS (\"a\" 1" + b"9" * 9999 + b" 2)] x"),
    ("10,000 digits in a backoff hint", b"a1 NO Suggested Backoff Time: 1" + b"9" * 9999 + b" ms"),
    ("100,000 ranges in MODIFIED",
     b"a1 OK [MODIFIED " + b",".join(b"%d:%d" % (2 * i + 1, 2 * i + 2) for i in range(100000)) + b"] x"),
]

BIDI_FORBIDDEN = {0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067}


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc, diag=None):
        self.n += 1
        print("%sok %d - %s" % ("" if cond else "not ", self.n, desc))
        if not cond:
            self.failed += 1
            for d in (diag or [])[:30]:
                print("# " + d.replace("\n", "\\n"))
        sys.stdout.flush()
        return cond

    def skip(self, desc, reason):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, desc, reason))
        sys.stdout.flush()

    def done(self):
        print("1..%d" % self.n)
        return 0 if self.failed == 0 else 1


def run(args, stdin=b"", timeout=TIMEOUT):
    try:
        p = subprocess.run([TOOL] + list(args), input=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, b"", b"timeout"
    return p.returncode, p.stdout, p.stderr


def text_problem(s):
    """Why the decoded text s is unsafe on a terminal, or None."""
    depth = 0
    for i, ch in enumerate(s):
        cp = ord(ch)
        if ch == "\n":
            if depth:
                return "an FSI left open at the end of a line (offset %d)" % i
            continue
        if cp < 0x20 or cp == 0x7F:
            return "control U+%04X at offset %d" % (cp, i)
        if 0x80 <= cp <= 0x9F:
            return "C1 control U+%04X at offset %d" % (cp, i)
        if cp in (0x2028, 0x2029):
            return "separator U+%04X at offset %d" % (cp, i)
        if cp in BIDI_FORBIDDEN:
            return "bidi control U+%04X at offset %d" % (cp, i)
        if cp == 0x2068:
            depth += 1
        elif cp == 0x2069:
            depth -= 1
            if depth < 0:
                return "PDI without FSI at offset %d" % i
    if depth:
        return "an FSI left open"
    return None


def output_problem(out):
    try:
        s = out.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        return "invalid UTF-8: %s" % e
    return text_problem(s)


def strings_of(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from strings_of(x)
    elif isinstance(v, list):
        for x in v:
            yield from strings_of(x)


def json_problem(out, expect_objects=None):
    lines = out.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    objs = []
    for n, l in enumerate(lines, 1):
        try:
            o = json.loads(l.decode("utf-8", errors="strict"))
        except (UnicodeDecodeError, ValueError) as e:
            return "line %d is not JSON: %s" % (n, e), objs
        if not isinstance(o, dict):
            return "line %d is not an object" % n, objs
        for s in strings_of(o):
            p = text_problem(s)
            if p:
                return "line %d, a string value: %s" % (n, p), objs
        objs.append(o)
    if expect_objects is not None and len(objs) != expect_objects:
        return "%d objects for %d input lines" % (len(objs), expect_objects), objs
    return None, objs


def input_lines(data):
    """How many lines the tool reads from data (getline)."""
    return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


def hostile_lines():
    lines = []
    for fname, unit in FAMILIES:
        for pname, pre, suf in PLACES:
            for reps in (1, 40):
                lines.append(("%s in %s x%d" % (fname, pname, reps), pre + unit * reps + suf))
    return lines


def check_modes(tap, label, data, nlines):
    """explain/scan in every mode and language over data (stdin)."""
    diag = []
    for lang in LANGS:
        for args, is_json, count in ((["explain"], False, False), (["explain", "--json"], True, True),
                                     (["scan"], False, False), (["scan", "--json"], True, False),
                                     (["scan", "--all"], False, False)):
            a = args + ["--lang", lang]
            if args[0] == "explain":
                a += ["--command", "LOGIN"]
            feed = data if args[0] == "explain" else b"".join(
                b"S: " + l + b"\n" for l in data.split(b"\n") if l)
            rc, out, err = run(a, feed)
            what = "%s: %s" % (" ".join(a), label)
            if rc != 0:
                diag.append("%s: exit %r, stderr %r" % (what, rc, err[:200]))
                continue
            p = output_problem(out)
            if p:
                diag.append("%s: %s" % (what, p))
                continue
            if is_json:
                p, objs = json_problem(out, nlines if count else None)
                if p:
                    diag.append("%s: %s" % (what, p))
                elif not objs:
                    diag.append("%s: no JSON object at all" % what)
    tap.ok(not diag, "%s: every mode and language exits 0, output is safe UTF-8, JSON parses" % label, diag)


def main():
    tap = Tap()
    if not os.path.exists(TOOL.split()[0]):
        print("1..0 # SKIP the tool %s is not built" % TOOL)
        return 0

    # 1. every family in every place, all at once through stdin
    lines = hostile_lines()
    data = b"\n".join(l for _, l in lines) + b"\n"
    check_modes(tap, "%d hostile lines through stdin" % len(lines), data, input_lines(data))

    # when that failed: each family alone, so that the failure names it
    if tap.failed:
        for fname, unit in FAMILIES:
            d = b"\n".join(pre + unit * 3 + suf for _, pre, suf in PLACES) + b"\n"
            check_modes(tap, "family %s" % fname, d, input_lines(d))

    # 2. as arguments (no NUL possible in argv; a leading '-' needs '--')
    diag = []
    args_lines = [l for _, l in lines if b"\x00" not in l]
    for lang in LANGS:
        for mode in ([], ["--json"]):
            for chunk in range(0, len(args_lines), 125):
                part = args_lines[chunk:chunk + 125]
                a = ["explain", "--lang", lang] + mode + ["--command", "LOGIN", "--"] + part
                rc, out, err = run(a)
                if rc != 0:
                    diag.append("%s: exit %r %r" % (" ".join(a[:5]), rc, err[:200]))
                    continue
                p = output_problem(out)
                if not p and mode:
                    p, _ = json_problem(out, len(part))
                if p:
                    diag.append("explain %s %s as arguments: %s" % (lang, " ".join(mode), p))
    tap.ok(not diag, "%d hostile lines as arguments, en/ar/ja, human and JSON: exit 0, safe output"
           % len(args_lines), diag)

    # the command given with --command holds hostile bytes too (it is echoed)
    diag = []
    for fname, unit in FAMILIES:
        if b"\x00" in unit:
            continue
        for mode in ([], ["--json"]):
            rc, out, err = run(["explain", "--lang", "ar"] + mode + ["--command", b"SELECT " + unit, "--",
                                                                      b"a1 NO [ALERT] x"])
            p = "exit %r" % rc if rc != 0 else output_problem(out)
            if not p and mode:
                p, _ = json_problem(out, 1)
            if p:
                diag.append("%s in --command %s: %s" % (fname, " ".join(mode), p))
    tap.ok(not diag, "hostile bytes in --command: the echo of the command is safe", diag)

    # 3. structural attacks, all through one run per mode and language
    data = b"".join(line + b"\n" for _, line in STRUCTURAL)
    check_modes(tap, "structural attacks (%s)" % "; ".join(l for l, _ in STRUCTURAL), data, len(STRUCTURAL))

    # 4. a 10 MiB line: bounded time, linear
    unit = b"".join(u for _, u in FAMILIES) + b" lorem ipsum dolor sit amet "
    def giant(n):
        return b"a1 NO [ALERT] " + (unit * (n // len(unit) + 1))[:n] + b"\r\n"
    big = giant(10 * 1024 * 1024)
    diag = []
    times = {}
    for args in (["explain"], ["explain", "--json"], ["scan", "--all"], ["scan", "--json"]):
        t0 = time.monotonic()
        rc, out, err = run(args + ["--lang", "ar"], big if args[0] == "explain" else b"S: " + big, timeout=60)
        t = time.monotonic() - t0
        times[" ".join(args)] = t
        if rc != 0:
            diag.append("%s: exit %r (%.1f s) %r" % (" ".join(args), rc, t, err[:200]))
            continue
        p = output_problem(out)
        if not p and "--json" in args:
            p, objs = json_problem(out, 1 if args[0] == "explain" else None)
            if not p and objs and len(objs[0].get("text") or "") < 10 * 1024 * 1024 // 2:
                p = "the text member lost most of the line (%d characters)" % len(objs[0]["text"])
        if p:
            diag.append("%s: %s" % (" ".join(args), p))
    print("# 10 MiB line: " + ", ".join("%s %.2f s" % kv for kv in times.items()))
    tap.ok(not diag, "a 10 MiB line: every mode exits 0 within 60 s with safe output", diag)

    if os.environ.get("IMAPERR_TEST_NO_TIMING", "0") not in ("", "0"):
        tap.skip("10 MiB vs 1.25 MiB: linear time", "IMAPERR_TEST_NO_TIMING is set")
    else:
        small = giant(10 * 1024 * 1024 // 8)
        def cpu_children():
            r = resource.getrusage(resource.RUSAGE_CHILDREN)
            return r.ru_utime + r.ru_stime

        def fastest(d, reps=3):
            # CPU time of the tool (and its libtool wrapper): waiting for a
            # CPU on a loaded machine does not count
            best = None
            for _ in range(reps):
                t0 = cpu_children()
                run(["explain", "--json", "--lang", "ja"], d, timeout=60)
                t = cpu_children() - t0
                best = t if best is None or t < best else best
            return best
        t1, t8 = fastest(small), fastest(big)
        q = t8 / max(t1, 1e-6)
        print("# explain --json, CPU time: 1.25 MiB %.3f s, 10 MiB %.3f s, ratio %.2f" % (t1, t8, q))
        tap.ok(q < 24, "8 times the line takes less than 24 times as long (ratio %.1f)" % q)

    # 5. RFC 5530 section 5: no oracle for "no such user"
    diag = []
    path = os.path.join(TOP_SRCDIR, "lib", "wordings.tsv")
    oracle = re.compile(r"(no such|unknown|invalid|non-?existent|not exist|doesn't exist|not found|bad)"
                        r"\W*(user|account|login name|username|mailbox user)|"
                        r"(user|account|username)\W*(not found|does not exist|doesn't exist|unknown)")
    with open(path, encoding="utf-8") as f:
        for row in f:
            cols = row.rstrip("\n").split("\t")
            if len(cols) < 9 or cols[0] != "wording":
                continue
            cmds = cols[4]
            if cmds != "*" and not re.search(r"(^|,)(LOGIN|AUTHENTICATE|\?)(,|$)", cmds):
                continue
            if oracle.search(cols[6]):
                diag.append("row %s: pattern %r tells whether the user exists" % (cols[1], cols[6]))
    pairs = [(b"a1 NO Unknown user", b"a1 NO Invalid password"),
             (b"a1 NO [AUTHENTICATIONFAILED] No such user", b"a1 NO [AUTHENTICATIONFAILED] Wrong password"),
             (b"a1 NO Login failed: user not found", b"a1 NO Login failed: bad password")]
    for lang in LANGS:
        for cmd in ("LOGIN", "AUTHENTICATE PLAIN"):
            flat = [x for pair in pairs for x in pair]
            rc, out, err = run(["explain", "--json", "--lang", lang, "--command", cmd, "--"] + flat)
            p, objs = json_problem(out, len(flat))
            if rc != 0 or p:
                diag.append("%s %s: exit %r %s" % (lang, cmd, rc, p))
                continue
            for i, line in enumerate(flat):
                for key in ("category", "action", "message", "message_key"):
                    if objs[i].get(key) != objs[0].get(key):
                        diag.append("%s after %s: %s %r for %r but %r for %r" % (
                            lang, cmd, key, objs[i].get(key), line, objs[0].get(key), flat[0]))
            if objs[0].get("category") != "credential":
                diag.append("%s after %s: %r is %r, not credential" % (lang, cmd, flat[0], objs[0].get("category")))
    tap.ok(not diag, "no wording and no message tells a missing user from a wrong password (RFC 5530 5)",
           diag)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
