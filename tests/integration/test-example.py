#!/usr/bin/env python3
"""test-example.py - examples/imap-client against a private Dovecot and a
hostile fake server (issue 7). Prints TAP.

Run by "make check" with top_builddir, IMAPERR_TOOL and IMAPERR_LOCALEDIR in
the environment. Dovecot cases need root and the Dovecot packages (fixture:
dovecot.py); without them they are skipped with the reason, or fail when
$CI or $IMAPERR_REQUIRE_SERVERS is set. The fake-server cases always run.

  1. APPEND to a missing mailbox: NO [TRYCREATE], the advisor says
     retry-after-create, CREATE, APPEND again, exit 0; the mailbox then holds
     the message (checked with imapclient.py).
  2. Wrong password, --lang de: one LOGIN only, the advice does not retry,
     the explanation is the German one (the same as `imaperr explain --lang
     de` gives for the line; not the English one), exit 1; under valgrind.
  3. A user whose userdb lookup fails (NO [UNAVAILABLE], or EOF): retried as
     advised, at most max-attempts LOGINs, then given up (exit 1, or 3 when
     the last failure was the connection); the explanation after the
     give-up advice does not promise a retry: it is not the sentence
     `imaperr explain` gives for that line (which says the app will try
     again) and does not say "Your app will".
  4. --bind 127.0.0.2: Dovecot announces LOGINDISABLED to the insecure
     client; the example sends no LOGIN (it has no STARTTLS), exit 1.
  5. A fake server sending a 100 KiB greeting, a 100 KiB line ending in a
     literal, a literal that contains a fake tagged NO, control bytes and an
     ALERT: no crash, the long lines are cut with a warning, literals are
     skipped, nothing unsanitised is printed, exit 0; under valgrind; the
     password comes from $IMAP_PASSWORD and is never printed.
  6. A fake server greeting with bytes that are no IMAP: unreadable, no
     LOGIN sent, at most max-attempts connections, exit 3.
  6b. A fake server answering every LOGIN with NO [UNAVAILABLE]: retried
     as advised, then given up (exit 1); the explanations promise a retry
     while the advisor retries, the one after it gives up does not (it is
     not what `imaperr explain` says for the line).
  7. Usage errors exit 2.

"Under valgrind": when valgrind is installed and the program is not built
with sanitizers (ASan checks leaks itself); errors or definite leaks fail.

Each run's output is kept in the build folder as
tests/integration/example-CASE.out for people to read when a test fails.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dovecot  # noqa: E402
import expect  # noqa: E402
import imapclient  # noqa: E402

BUILDDIR = os.environ.get("top_builddir") or "."
CLIENT = os.path.join(BUILDDIR, "examples", "imap-client")
TOOL = os.environ.get("IMAPERR_TOOL") or os.path.join(BUILDDIR, "tools", "imaperr")
OUTDIR = os.path.join(BUILDDIR, "tests", "integration")
IN_CI = imapclient.servers_required()
RETRYING = expect.retrying_actions()

results = []


def use_valgrind():
    """valgrind when installed, except for a sanitizer build (ASan cannot run
    under valgrind, and checks leaks itself: --enable-sanitizers, distcheck)."""
    if not shutil.which("valgrind"):
        return False
    with open(CLIENT, "rb") as f:
        return b"__asan_init" not in f.read()


def check(ok, name, diag=None):
    results.append((bool(ok), name, None))
    if not ok and diag:
        for line in str(diag).splitlines()[-40:]:
            print("# " + line)


def skip(name, why):
    results.append((True, name, why))


def run(case, args, valgrind=False, timeout=90, password=None):
    """Run the example; returns (exit status, output). Keeps the output."""
    cmd = [CLIENT, "--max-wait-ms", "20"] + args
    if valgrind:
        cmd = ["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
               "--show-leak-kinds=definite", "--errors-for-leak-kinds=definite"] + cmd
    env = dict(os.environ)
    env.pop("IMAP_PASSWORD", None)
    if password is not None:
        env["IMAP_PASSWORD"] = password
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                       timeout=timeout)
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    os.makedirs(OUTDIR, exist_ok=True)
    with open(os.path.join(OUTDIR, "example-%s.out" % case), "w", encoding="utf-8") as f:
        f.write("$ %s\n%s(exit %d)\n%s" % (" ".join(cmd), out, p.returncode, err))
    return p.returncode, out + ("\nstderr:\n" + err if p.returncode == 99 else "")


def advice(out):
    """The advice lines as dicts: action, delay, reason, ... (one per failure)."""
    res = []
    for m in re.finditer(r"^advice: (\S+) (.*)$", out, re.M):
        d = dict(kv.split("=", 1) for kv in m.group(2).split())
        d["action"] = m.group(1)
        res.append(d)
    return res


def sent(out, command):
    """Tags of the client lines for command, in order."""
    return re.findall(r"^C: (\S+) %s\b" % command, out, re.M)


def tool_message(line, command, lang):
    """What `imaperr explain` says about line (the expected sentence)."""
    objs = imapclient.imaperr_json(TOOL, ["explain", "--json", "--command", command,
                                          "--lang", lang], line + "\n")
    return objs[0]


# ---------------------------------------------------------------------------
def case_trycreate(d):
    box = "Example-%d" % os.getpid()
    rc, out = run("trycreate", ["--append", box, d.host, str(d.port)] + list(d.creds("alice")))
    appends = sent(out, "APPEND")
    check(rc == 0, "trycreate: exit 0", out)
    check(re.search(r"^S: %s NO \[TRYCREATE\]" % re.escape(appends[0] if appends else "?"),
                    out, re.M), "trycreate: the first APPEND got NO [TRYCREATE]", out)
    adv = advice(out)
    check(len(adv) == 1 and adv[0]["action"] == "retry-after-create",
          "trycreate: one advice, retry-after-create", out)
    creates = sent(out, "CREATE")
    check(len(creates) == 1 and len(appends) == 2
          and out.index("C: %s CREATE" % creates[0]) < out.index("C: %s APPEND" % appends[1]),
          "trycreate: CREATE once, then the APPEND again", out)
    check(len(appends) == 2 and re.search(r"^S: %s OK " % re.escape(appends[-1]), out, re.M),
          "trycreate: the second APPEND succeeded", out)
    with d.client() as c:
        c.login(*d.creds("alice"))
        st = c.command("STATUS %s (MESSAGES)" % imapclient.quote(box))
        ok = st.status == "OK" and any(re.search(r"MESSAGES 1\b", u) for u in st.untagged)
        check(ok, "trycreate: the mailbox exists and holds the message", st)
        c.logout()


def case_wrong_password(d):
    user = d.creds("alice")[0]
    rc, out = run("wrong-password", ["--lang", "de", d.host, str(d.port), user, "not-the-password"],
                  valgrind=use_valgrind())
    logins = sent(out, "LOGIN")
    check(rc == 1, "wrong password: exit 1 (valgrind clean when run under it)", out)
    check(len(logins) == 1, "wrong password: exactly one LOGIN", out)
    adv = advice(out)
    check(len(adv) == 1 and adv[0]["action"] not in RETRYING,
          "wrong password: the advice is not a retry (%s)" % (adv[0]["action"] if adv else None), out)
    m = re.search(r"^S: (%s NO .*)$" % re.escape(logins[0] if logins else "?"), out, re.M)
    said = re.search(r"^  explain\[(\S+)\]: (.*)$", out[m.end():] if m else "", re.M)
    if not (m and said):
        check(False, "wrong password: a German explanation follows the NO", out)
        return
    de = tool_message(m.group(1), "LOGIN", "de")
    en = tool_message(m.group(1), "LOGIN", "en")
    check(said.group(1) == "de" and said.group(2) == de["message"] and de["lang"] == "de"
          and de["message"] != en["message"],
          "wrong password: German explanation, as `imaperr explain --lang de` says", out)


def case_unavailable(d):
    rc, out = run("unavailable", [d.host, str(d.port)] + list(d.creds("broken")))
    m = re.search(r"max-attempts=(\d+)", out)
    max_attempts = int(m.group(1)) if m else 0
    logins = sent(out, "LOGIN")
    check(m and 2 <= len(logins) <= max_attempts,
          "unavailable: retried, %d LOGINs <= max-attempts %d" % (len(logins), max_attempts), out)
    check("[UNAVAILABLE]" in out or "connection closed" in out,
          "unavailable: the server said UNAVAILABLE or closed the connection", out)
    adv = advice(out)
    check(adv and all(a["action"] in RETRYING for a in adv[:-1])
          and adv[-1]["action"] not in RETRYING and "give up" in out,
          "unavailable: retries as advised, then the advisor gives up", out)
    refused = bool(adv) and adv[-1].get("outcome") in ("response", "bye-in-flight")
    check(rc == (1 if refused else 3),
          "unavailable: exit 1 after a refusal, 3 after a lost connection (%d)" % rc, out)
    # The explanation after the give-up advice (of the refusal, or, after a
    # lost connection, of the last refusal again) promises no retry.
    last = list(re.finditer(r"^advice: .*$", out, re.M))
    refusals = re.findall(r"^S: (\S+ (?:NO|BAD|BYE) .*)$", out[:last[-1].start()] if last else "", re.M)
    if not refusals:
        skip("unavailable: the last explanation promises no retry",
             "every failure was the connection's: nothing was explained")
        return
    said = re.search(r"^  explain\[(\S+)\]: (.*)$", out[last[-1].end():], re.M)
    if not said:
        check(False, "unavailable: an explanation follows the give-up advice", out)
        return
    tool = tool_message(refusals[-1], "LOGIN", said.group(1))
    check("Your app will" in tool["message"] and said.group(2) != tool["message"]
          and "Your app will" not in said.group(2),
          "unavailable: after giving up, no promised retry (%r; `imaperr explain` says %r, key %s)"
          % (said.group(2), tool["message"], tool["message_key"]), out)


def case_bind(d):
    rc, out = run("bind", ["--bind", "127.0.0.2", d.host, str(d.port)] + list(d.creds("alice")))
    greeting = re.search(r"^S: (\* OK .*)$", out, re.M)
    check(greeting and re.search(r"\bLOGINDISABLED\b", greeting.group(1)),
          "--bind 127.0.0.2: Dovecot sees an insecure client (LOGINDISABLED)", out)
    check(rc == 1 and not sent(out, "LOGIN") and "give up: LOGIN" in out,
          "--bind 127.0.0.2: no password sent after LOGINDISABLED, exit 1", out)


# ---------------------------------------------------------------------------
LONG = 100 * 1024
TRICK = "%s NO [AUTHENTICATIONFAILED] inside a literal"


def fake_server(sock, log):
    """Serve one hostile session on sock; log what was received."""
    conn, _ = sock.accept()
    conn.settimeout(10)
    f = conn.makefile("rb")
    try:
        conn.sendall(b"* OK " + b"g" * LONG + b"\r\n")
        for raw in f:
            log.append(raw)
            parts = raw.decode("ascii", "replace").split()
            if len(parts) < 2:
                continue
            tag, cmd = parts[0], parts[1].upper()
            if cmd == "LOGIN":
                trick = (TRICK % tag).encode() + b"\r\n"
                conn.sendall(b"* OK [ALERT] bad\x00\x1b[31mred\x07\xe2\x80\xae text\r\n"
                             b"* 1 FETCH (X " + b"y" * LONG + b" {5}\r\nab\r\nc)\r\n"
                             b"* 2 FETCH (BODY[] {%d}\r\n" % len(trick) + trick + b")\r\n"
                             + tag.encode() + b" OK [ALERT] \x01welcome\x7f\r\n")
            elif cmd == "LOGOUT":
                conn.sendall(b"* BYE bye\r\n" + tag.encode() + b" OK done\r\n")
                break
            else:
                conn.sendall(tag.encode() + b" BAD unexpected\r\n")
    finally:
        f.close()
        conn.close()


def case_hostile():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    log = []
    t = threading.Thread(target=fake_server, args=(sock, log), daemon=True)
    t.start()
    vg = use_valgrind()
    try:
        rc, out = run("hostile", ["--lang", "en", "127.0.0.1", str(sock.getsockname()[1]),
                                  "user"], valgrind=vg, password="pw from $IMAP_PASSWORD")
    finally:
        t.join(20)
        sock.close()
    check(rc == 0, "hostile: exit 0%s" % (" under valgrind (no errors, no definite leaks)"
                                           if vg else ""), out)
    warns = [int(n) for n in re.findall(r"^warning: a line of (\d+) bytes was cut", out, re.M)]
    check(len(warns) == 2 and all(n > LONG for n in warns), "hostile: two long lines cut, with a warning", out)
    check(not re.search(r"AUTHENTICATIONFAILED|unreadable", out) and "S: c)" not in out
          and "S: ab" not in out, "hostile: literals skipped, never read as responses", out)
    check(not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202e]", out),
          "hostile: no control or bidi characters printed", repr(out[-2000:]))
    check(re.search(r"^  verdict: \S+ \S+ code=ALERT\n  explain\[en\]: .*\n  server\[en\]: ", out, re.M),
          "hostile: the ALERT is classified and its text shown (sanitised)", out)
    check(any(b" LOGOUT" in raw for raw in log), "hostile: the session ended with LOGOUT", log)
    check(any(raw.endswith(b' LOGIN "user" "pw from $IMAP_PASSWORD"\r\n') for raw in log)
          and "pw from" not in out, "hostile: the password came from $IMAP_PASSWORD and was not printed", log)


def case_usage():
    for args in ([], ["--bogus", "h", "1", "u", "p"], ["--max-wait-ms", "-1", "h", "1", "u", "p"],
                 ["h", "1", "us\u00e9r", "p"], ["h", "1", "u"]):
        rc, out = run("usage", args)
        check(rc == 2, "usage error exits 2: %s" % " ".join(args), out)


def garbage_server(sock, count):
    """Greet every connection with bytes that are no IMAP at all."""
    sock.settimeout(1.0)
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            return
        count.append(1)
        try:
            conn.sendall(b"\x00\xff\x1b]0;owned\x07 HTTP/1.1 400\r\n")
        finally:
            conn.close()


def case_garbage():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    count = []
    t = threading.Thread(target=garbage_server, args=(sock, count), daemon=True)
    t.start()
    try:
        rc, out = run("garbage", ["127.0.0.1", str(sock.getsockname()[1]), "user", "pw"])
    finally:
        sock.close()
        t.join(5)
    m = re.search(r"max-attempts=(\d+)", out)
    adv = advice(out)
    check(rc == 3 and "unreadable: " in out and "LOGIN (" not in out,
          "garbage greeting: unreadable, no LOGIN sent, exit 3", out)
    check(m and 1 <= len(count) <= int(m.group(1)) and adv
          and all(a["outcome"] == "connect-failed" for a in adv) and adv[-1]["action"] not in RETRYING,
          "garbage greeting: %d connections <= max-attempts, then given up" % len(count), out)
    check(not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", out), "garbage greeting: nothing unsanitised printed",
          repr(out))


def unavailable_server(sock, log):
    """Answer every LOGIN with NO [UNAVAILABLE], on every connection."""
    sock.settimeout(1.0)
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            return
        conn.settimeout(10)
        f = conn.makefile("rb")
        try:
            conn.sendall(b"* OK ready\r\n")
            for raw in f:
                log.append(raw)
                parts = raw.decode("ascii", "replace").split()
                if len(parts) < 2:
                    continue
                tag, cmd = parts[0].encode(), parts[1].upper()
                if cmd == "LOGIN":
                    conn.sendall(tag + b" NO [UNAVAILABLE] Backend down, try later\r\n")
                elif cmd == "LOGOUT":
                    conn.sendall(b"* BYE bye\r\n" + tag + b" OK done\r\n")
                    break
                else:
                    conn.sendall(tag + b" BAD unexpected\r\n")
        except OSError:
            pass
        finally:
            f.close()
            conn.close()


def case_gave_up():
    """A server that is always UNAVAILABLE: the explanations promise a retry
    while the advisor retries, and the one after it gives up does not."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    log = []
    t = threading.Thread(target=unavailable_server, args=(sock, log), daemon=True)
    t.start()
    try:
        rc, out = run("gave-up", ["--lang", "en", "127.0.0.1", str(sock.getsockname()[1]), "user", "pw"])
    finally:
        sock.close()
        t.join(5)
    adv = advice(out)
    said = re.findall(r"^  explain\[(\S+)\]: (.*)$", out, re.M)
    check(rc == 1 and len(adv) >= 2 and all(a["action"] in RETRYING for a in adv[:-1])
          and adv[-1]["action"] not in RETRYING and len(said) == len(adv),
          "gave up: retried as advised, then given up, one explanation per advice, exit 1", out)
    if len(said) != len(adv) or len(adv) < 2:
        return
    line = "a1 NO [UNAVAILABLE] Backend down, try later"
    tool = tool_message(line, "LOGIN", "en")
    # while retrying: the promise (with the advised delay); after giving up:
    # not the sentence `imaperr explain` gives, no promise, its -final key
    check(all(s[1].startswith(tool["message"].split(" Your app")[0] + " Your app will try again")
              for s in said[:-1]),
          "gave up: the explanations before the last promise a retry", out)
    check("Your app will" in tool["message"] and said[-1][1] != tool["message"]
          and "Your app will" not in said[-1][1]
          and said[-1][1].startswith(tool["message"].split(" Your app")[0]),
          "gave up: the last explanation (after %s reason=%s) promises no retry: %r (`imaperr explain`: %r)"
          % (adv[-1]["action"], adv[-1].get("reason"), said[-1][1], tool["message"]), out)


# ---------------------------------------------------------------------------
def main():
    if not os.access(CLIENT, os.X_OK):
        print("1..0 # SKIP %s not built" % CLIENT)
        return 1 if IN_CI else 0
    ok, why = dovecot.available()
    if ok:
        try:
            with dovecot.Dovecot() as d:
                for f in (case_trycreate, case_wrong_password, case_unavailable, case_bind):
                    try:
                        f(d)
                    except Exception as e:  # a client or timeout failure is a test failure
                        check(False, "%s: %s: %s" % (f.__name__, type(e).__name__, e), d.log())
        except RuntimeError as e:       # the fixture could not start Dovecot
            check(False, "Dovecot fixture: %s" % str(e).splitlines()[0], e)
    else:
        for name in ("trycreate", "wrong password", "unavailable", "--bind"):
            if IN_CI:
                check(False, "%s: Dovecot unavailable in CI: %s" % (name, why))
            else:
                skip(name, "Dovecot unavailable: " + why)
    case_hostile()
    case_garbage()
    case_gave_up()
    case_usage()
    print("1..%d" % len(results))
    for i, (good, name, why) in enumerate(results, 1):
        print("%s %d - %s%s" % ("ok" if good else "not ok", i, name, " # SKIP " + why if why else ""))
    return 0 if all(r[0] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
