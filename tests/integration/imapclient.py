"""imapclient.py - a small IMAP client for the integration tests (issue 7).

Python 3 standard library only. It speaks just enough IMAP4rev1 to provoke
server responses, and records every exchange into a session transcript in
the format that `imaperr scan` reads:

    C: a1 LOGIN user "secret"
    S: a1 NO [AUTHENTICATIONFAILED] Authentication failed.

Lines starting with '#' are comments that `imaperr scan` skips; literal data
(in either direction) is recorded as such a comment, never as an S:/C: line.

API (stable: other tests import it)
-----------------------------------
Transcript()
    .lines                  list of str, one transcript line each (no newline)
    .client(line)           record "C: line"
    .server(line)           record "S: line"
    .note(text)             record "# text"
    .text()                 the whole transcript, newline-terminated lines

Response (returned by IMAPClient.command)
    .tag        the tag sent
    .command    the command line sent (first physical line)
    .untagged   list of logical untagged/continuation lines ("* ..." / "+ ...");
                a literal {n} inside a line is inlined as its decoded text
    .tagged     the tagged completion line (str) or None (EOF before it)
    .status     "OK"/"NO"/"BAD" from the tagged line, or None
    .eof        True if the server closed the connection before the tagged line
    .lines      all logical server lines in order (untagged then tagged)
    .bye        the first untagged "* BYE ..." line or None
    .find(word) the first line containing word (case-insensitive) or None

IMAPClient(host, port, source=None, timeout=5.0, tag_prefix="a",
           transcript=None, name=None)
    Connects (binding the local address `source`, e.g. "127.0.0.2", when
    given) and reads the greeting into .greeting (str; "" on EOF).
    Every socket read has `timeout` seconds; on expiry IMAPTimeout is raised
    (the client never hangs). .transcript is the session Transcript (a new
    one unless passed in); .name is used in comments.
    .command(text, literal=None, timeout=None) -> Response
        Sends "TAG text". With literal (bytes or str), text must end with
        "{N}" where N == len(literal) (use IMAPClient.literal_spec(data) to
        build it); the client waits for the "+" continuation, then sends the
        data and CRLF. If the server answers with a tagged line instead of
        "+", the data is not sent.
    .login(user, password) -> Response       (LOGIN with quoted strings)
    .append(mailbox, message, flags=None) -> Response
    .read_line(timeout=None) -> str or None  one logical server line (None: EOF)
    .wait_for(predicate, timeout) -> str or None
        reads lines until predicate(line) is true; None on EOF or timeout
    .logout() -> Response
    .close()  (also a context manager: `with IMAPClient(...) as c:`)
    .closed   True once EOF was seen or close() called

quote(s) -> str              an IMAP quoted string
imaperr_json(tool, args, text) -> list of dicts
    runs `tool args...` with `text` on stdin and returns the JSON Lines
    output parsed (raises RuntimeError on a non-zero exit or bad JSON).
scan_transcript(tool, transcript, lang=None) -> list of (line, dict)
    runs `imaperr scan --all --json [--lang L]` over the transcript and
    pairs each JSON object with the server line it describes.
scan_transcripts(tool, transcripts, lang=None) -> list of lists of (line, dict)
    the same for several transcripts in one run of the tool (one file, i.e.
    one session, each).

Exceptions: IMAPError (base), IMAPTimeout (a read timed out).
"""

import json
import os
import socket
import subprocess
import time

__all__ = ["Transcript", "Response", "IMAPClient", "IMAPError", "IMAPTimeout",
           "quote", "imaperr_json", "scan_transcript", "scan_transcripts"]


def servers_required():
    """True when a missing server must fail the tests instead of skipping them:
    under CI (the CI variable) and when tests/run-all.sh runs as root, which
    installs the servers and sets IMAPERR_REQUIRE_SERVERS."""
    return bool(os.environ.get("CI") or os.environ.get("IMAPERR_REQUIRE_SERVERS"))


class IMAPError(Exception):
    """Base class of the client's errors."""


class IMAPTimeout(IMAPError):
    """No complete line arrived within the timeout."""


def quote(s):
    """An IMAP quoted string for s (backslash and double quote escaped)."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _printable(b):
    """Decode server bytes for the transcript: UTF-8 with replacement, no
    control characters except tab (CR/LF never appear here)."""
    s = b.decode("utf-8", "replace")
    return "".join(ch if ch == "\t" or ord(ch) >= 0x20 and ord(ch) != 0x7F else
                   "\\x%02x" % ord(ch) for ch in s)


class Transcript:
    """A session transcript in the `imaperr scan` format."""

    def __init__(self):
        self.lines = []

    def client(self, line):
        self.lines.append("C: " + line)

    def server(self, line):
        self.lines.append("S: " + line)

    def note(self, text):
        for part in str(text).splitlines() or [""]:
            self.lines.append("# " + part)

    def text(self):
        return "".join(l + "\n" for l in self.lines)


class Response:
    """The server's answer to one command."""

    def __init__(self, tag, command):
        self.tag = tag
        self.command = command
        self.untagged = []
        self.tagged = None
        self.status = None
        self.eof = False

    @property
    def lines(self):
        return self.untagged + ([self.tagged] if self.tagged is not None else [])

    @property
    def bye(self):
        for l in self.untagged:
            if l.upper().startswith("* BYE"):
                return l
        return None

    def find(self, word):
        w = word.upper()
        for l in self.lines:
            if w in l.upper():
                return l
        return None

    def __repr__(self):
        return "Response(%r, tagged=%r, untagged=%d, eof=%r)" % (
            self.command, self.tagged, len(self.untagged), self.eof)


class IMAPClient:
    """One IMAP connection; see the module docstring."""

    MAX_LINE = 1 << 20

    def __init__(self, host, port, source=None, timeout=5.0, tag_prefix="a",
                 transcript=None, name=None):
        self.host = host
        self.port = port
        self.timeout = timeout
        self.tag_prefix = tag_prefix
        self.transcript = transcript if transcript is not None else Transcript()
        self.name = name or "%s:%s" % (host, port)
        self.closed = False
        self._buf = b""
        self._n = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            self.sock.settimeout(timeout)
            if source:
                self.sock.bind((source, 0))
            self.transcript.note("connect %s%s" % (
                self.name, " from %s" % source if source else ""))
            self.sock.connect((host, port))
        except BaseException:
            self.sock.close()
            raise
        self.greeting = self.read_line() or ""

    # -- context manager ---------------------------------------------------
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        if not self.closed:
            self.closed = True
            self.transcript.note("close %s" % self.name)
        try:
            self.sock.close()
        except OSError:
            pass

    # -- reading -----------------------------------------------------------
    def _fill(self, deadline):
        """Read more bytes; returns False on EOF. Raises IMAPTimeout."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise IMAPTimeout("%s: timed out" % self.name)
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            raise IMAPTimeout("%s: timed out" % self.name) from None
        except (ConnectionResetError, BrokenPipeError):
            data = b""
        if not data:
            return False
        self._buf += data
        return True

    def _physical_line(self, deadline):
        """One CRLF-terminated line without the CRLF; None on EOF."""
        while True:
            i = self._buf.find(b"\n")
            if i >= 0:
                line, self._buf = self._buf[:i], self._buf[i + 1:]
                return line[:-1] if line.endswith(b"\r") else line
            if len(self._buf) > self.MAX_LINE:
                raise IMAPError("%s: line longer than %d bytes" % (self.name, self.MAX_LINE))
            if not self._fill(deadline):
                if self._buf:  # unterminated last line
                    line, self._buf = self._buf, b""
                    return line
                return None

    def _literal(self, n, deadline):
        while len(self._buf) < n:
            if not self._fill(deadline):
                raise IMAPError("%s: EOF inside a literal" % self.name)
        data, self._buf = self._buf[:n], self._buf[n:]
        return data

    @staticmethod
    def _literal_size(line):
        """N if line ends with {N} or {N+}, else None."""
        if not line.endswith(b"}"):
            return None
        j = line.rfind(b"{")
        if j < 0:
            return None
        num = line[j + 1:-1].rstrip(b"+")
        return int(num) if num.isdigit() else None

    def read_line(self, timeout=None):
        """One logical server line (literals inlined); None on EOF."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        if self.closed:
            return None
        line = self._physical_line(deadline)
        if line is None:
            self.transcript.note("EOF from %s" % self.name)
            self.closed = True
            return None
        self.transcript.server(_printable(line))
        logical = line
        n = self._literal_size(line)
        while n is not None:
            data = self._literal(n, deadline)
            self.transcript.note("S literal, %d bytes" % n)
            logical += data
            rest = self._physical_line(deadline)
            if rest is None:
                self.transcript.note("EOF from %s" % self.name)
                self.closed = True
                break
            self.transcript.note("S continued: " + _printable(rest))
            logical += rest
            n = self._literal_size(rest)
        return logical.decode("utf-8", "replace")

    def wait_for(self, predicate, timeout):
        """Read lines until predicate(line); None on EOF or timeout."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            try:
                line = self.read_line(timeout=remaining)
            except IMAPTimeout:
                return None
            if line is None or predicate(line):
                return line

    # -- writing -----------------------------------------------------------
    def _send(self, data):
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            self.transcript.note("send failed: connection closed by %s" % self.name)
            self.closed = True
            return False
        return True

    def next_tag(self):
        self._n += 1
        return "%s%d" % (self.tag_prefix, self._n)

    @staticmethod
    def literal_spec(data):
        """The "{N}" that announces data (bytes or str)."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        return "{%d}" % len(data)

    def command(self, text, literal=None, timeout=None):
        """Send "TAG text" and collect the answer; see the module docstring."""
        tag = self.next_tag()
        r = Response(tag, "%s %s" % (tag, text))
        if self.closed:
            r.eof = True
            return r
        self.transcript.client(r.command)
        if not self._send(r.command.encode("utf-8") + b"\r\n"):
            r.eof = True
            return r
        if literal is not None:
            if isinstance(literal, str):
                literal = literal.encode("utf-8")
            while True:
                line = self.read_line(timeout)
                if line is None:
                    r.eof = True
                    return r
                if line.startswith("+"):
                    r.untagged.append(line)
                    self.transcript.note("C literal, %d bytes" % len(literal))
                    if not self._send(literal + b"\r\n"):
                        r.eof = True
                        return r
                    break
                if self._complete(r, line):
                    return r
        while True:
            line = self.read_line(timeout)
            if line is None:
                r.eof = True
                return r
            if self._complete(r, line):
                return r

    def _complete(self, r, line):
        """Store line in r; True when it is r's tagged completion."""
        if line.startswith(r.tag + " "):
            r.tagged = line
            parts = line.split(" ", 2)
            r.status = parts[1].upper() if len(parts) > 1 else None
            return True
        r.untagged.append(line)
        return False

    # -- conveniences ------------------------------------------------------
    def login(self, user, password):
        return self.command("LOGIN %s %s" % (quote(user), quote(password)))

    def append(self, mailbox, message, flags=None):
        if isinstance(message, str):
            message = message.encode("utf-8")
        fl = "(%s) " % " ".join(flags) if flags else ""
        return self.command("APPEND %s %s%s" % (quote(mailbox), fl, self.literal_spec(message)),
                            literal=message)

    def logout(self):
        return self.command("LOGOUT")


def imaperr_json(tool, args, text, timeout=60):
    """Run the imaperr tool with args, text on stdin; parsed JSON Lines."""
    p = subprocess.run([tool] + list(args), input=text.encode("utf-8"),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError("%s %s: exit %d: %s" % (tool, " ".join(args), p.returncode,
                                                   p.stderr.decode("utf-8", "replace")))
    out = []
    for raw in p.stdout.decode("utf-8").splitlines():
        if raw.strip():
            out.append(json.loads(raw))
    return out


def _server_lines(text):
    """The lines of a transcript that `imaperr scan` reports on."""
    server = []
    for l in text.splitlines():
        if l.startswith("C:") or l.startswith("c:"):
            continue
        body = l[2:] if l[:2] in ("S:", "s:") else l
        body = body.lstrip(" ")
        if not body or body.startswith("#"):
            continue
        server.append(body)
    return server


def scan_transcripts(tool, transcripts, lang=None):
    """Like scan_transcript for several transcripts in ONE run of the tool
    (each one a separate file, so a separate session): a list with one list
    of (server line, JSON object) per transcript."""
    import tempfile
    import os
    texts = [t.text() if isinstance(t, Transcript) else t for t in transcripts]
    with tempfile.TemporaryDirectory(prefix="imaperr-scan-") as tmp:
        files = []
        for i, text in enumerate(texts):
            path = os.path.join(tmp, "session-%03d.log" % i)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            files.append(path)
        args = ["scan", "--all", "--json"] + (["--lang", lang] if lang else []) + ["--"] + files
        objs = imaperr_json(tool, args, "")
    out, k = [], 0
    for text in texts:
        server = _server_lines(text)
        out.append(list(zip(server, objs[k:k + len(server)])))
        k += len(server)
    if k != len(objs):
        raise RuntimeError("scan returned %d objects for %d server lines" % (len(objs), k))
    return out


def scan_transcript(tool, transcript, lang=None):
    """`imaperr scan --all --json` over a Transcript (or its text): a list of
    (server line, JSON object), one per server line, in order."""
    text = transcript.text() if isinstance(transcript, Transcript) else transcript
    args = ["scan", "--all", "--json"] + (["--lang", lang] if lang else [])
    objs = imaperr_json(tool, args, text)
    server = _server_lines(text)
    if len(server) != len(objs):
        raise RuntimeError("scan returned %d objects for %d server lines" % (len(objs), len(server)))
    return list(zip(server, objs))
