"""cyrus.py - a private Cyrus IMAP 3.6 instance for the integration tests.

Python 3 standard library only. Follows ../shared/research/real-servers.md.
Needs root (Cyrus' master switches to the user `cyrus`), the Debian packages
cyrus-common and sasl2-bin, and the imapd binary of cyrus-imapd, which
conflicts with dovecot-imapd and is therefore unpacked privately by
tests/integration/setup-cyrus.sh (into /opt/libimaperr-test/cyrus). Listens
on 127.0.0.1 only, on free ports; never reads /etc/imapd.conf or
/etc/cyrus.conf. Cyrus logs only to syslog; nothing here depends on it.

API
---
available() -> (bool, reason)
    Whether the fixture can run here: master, imapd and saslpasswd2 present,
    root, the user `cyrus` and group `mail`. The reason says what is missing.

find_imapd() -> path or None
    $LIBIMAPERR_CYRUS_IMAPD, /usr/lib/cyrus/bin/imapd (the real package),
    or $LIBIMAPERR_CYRUS_PREFIX (default /opt/libimaperr-test/cyrus)
    + /usr/lib/cyrus/bin/imapd (setup-cyrus.sh).

Cyrus(users=None, mailboxes=(), quotas=None, acls=None, conf=None,
      keep=False, start_timeout=10.0)
    A context manager:

        with Cyrus(quotas={"user.bob.Small": 1}) as cy:
            c = cy.client()                    # IMAPClient to the plain port
            c.login(*cy.creds("bob"))

    On __enter__ it makes DIR (a fresh temporary folder, mode 0755, owned
    by cyrus:mail) with DIR/imapd.conf, DIR/imapd-tlsonly.conf,
    DIR/cyrus.conf, DIR/sasldb2 (users via `saslpasswd2 -f DIR/sasldb2`),
    DIR/conf (configdirectory) and DIR/spool (partition-default), starts
    `/usr/lib/cyrus/bin/master -C DIR/imapd.conf -M DIR/cyrus.conf
    -p DIR/master.pid` in the foreground of its own session, waits for the
    greeting on both ports, and then provisions as the admin user through
    IMAP (imapclient): CREATE user.NAME for every user, CREATE of
    `mailboxes`, SETQUOTA of `quotas` ({root: storage KiB}) and SETACL of
    `acls` ({mailbox: {identifier: rights}}). A failed provisioning
    command raises RuntimeError. On __exit__ (also after an exception,
    KeyboardInterrupt, SIGTERM or at interpreter exit) it sends SIGTERM to
    the master's PID, SIGKILL after a bound, kills every process left in
    the master's process group and every process whose command line names
    DIR, and removes DIR (unless keep=True or $IMAPERR_KEEP_CYRUS is set).

    Two imapd services share one mail store:
      .port          `allowplaintext: yes`: LOGIN works without TLS
      .port_tlsonly  `allowplaintext: no`: LOGIN without TLS is refused
    Mailbox names use the default (non-alternate) namespace with "." as the
    separator: a user sees INBOX and INBOX.Sub, the admin user.bob and
    user.bob.Sub. `conf` adds or overrides imapd.conf lines ({key: value}),
    e.g. {"maxmessagesize": "2048"}.

    Attributes: .dir, .host ("127.0.0.1"), .port, .port_tlsonly, .pid,
                .imapd, .version (the greeting's version text), .greeting,
                .transcript (the provisioning session's imapclient
                Transcript)
    .client(tlsonly=False, source=None, timeout=5.0, transcript=None,
            name=None, tag_prefix="a")
        an imapclient.IMAPClient connected to the instance
    .creds(user) -> (login name, password); "admin" is the admin user
    .admin(*commands, transcript=None, ok=True) -> list of Response
        logs in as admin, sends each command (a str, or (text, literal)),
        logs out; with ok=True a response other than OK raises RuntimeError
    .stop()  stop now (idempotent)
"""

import grp
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import imapclient  # noqa: E402
from fixture import (Server, chown_tree, free_port, kill_by_dir, stop_process,  # noqa: E402
                     track, untrack)

__all__ = ["Cyrus", "available", "find_imapd", "USERS", "ADMIN", "MASTER", "SASLPASSWD2"]

MASTER = os.environ.get("LIBIMAPERR_CYRUS_MASTER", "/usr/lib/cyrus/bin/master")
CTL_CYRUSDB = "/usr/lib/cyrus/bin/ctl_cyrusdb"
SASLPASSWD2 = "/usr/sbin/saslpasswd2"
DEFAULT_PREFIX = "/opt/libimaperr-test/cyrus"

ADMIN = ("admin", "adminpw")
# name -> password
USERS = {"bob": "bobpw", "carol": "carolpw"}

START_ATTEMPTS = 3


class _StartFailed(Exception):
    """master did not come up (e.g. a port was taken meanwhile)."""


def find_imapd():
    env = os.environ.get("LIBIMAPERR_CYRUS_IMAPD")
    if env:
        return env if os.access(env, os.X_OK) else None
    prefix = os.environ.get("LIBIMAPERR_CYRUS_PREFIX", DEFAULT_PREFIX)
    for p in ("/usr/lib/cyrus/bin/imapd", prefix + "/usr/lib/cyrus/bin/imapd"):
        if os.access(p, os.X_OK):
            return p
    return None


def available():
    """(True, "") if the fixture can run here, else (False, why)."""
    for b, pkg in ((MASTER, "cyrus-common"), (CTL_CYRUSDB, "cyrus-common"),
                   (SASLPASSWD2, "sasl2-bin")):
        if not os.access(b, os.X_OK):
            return False, "%s not found (Debian package %s)" % (b, pkg)
    if find_imapd() is None:
        return False, ("Cyrus imapd not found (run tests/integration/setup-cyrus.sh as root: "
                       "it unpacks cyrus-imapd into %s)" % DEFAULT_PREFIX)
    if os.geteuid() != 0:
        return False, "not running as root (Cyrus' master must switch to the user cyrus)"
    try:
        pwd.getpwnam("cyrus")
        grp.getgrnam("mail")
    except KeyError as e:
        return False, "missing system user or group %s" % e
    return True, ""


IMAPD_CONF = """\
# Private Cyrus IMAP for the libimaperr integration tests (generated).
configdirectory: {dir}/conf
partition-default: {dir}/spool
servername: localhost
admins: {admin}
allowplaintext: {allowplaintext}
altnamespace: no
unixhierarchysep: no
virtdomains: off
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: {dir}/sasldb2
sasl_mech_list: PLAIN
failedloginpause: 0
syslog_prefix: imaperr-{instance}
{extra}"""

CYRUS_CONF = """\
# Private Cyrus master configuration for the libimaperr tests (generated).
START {{
  recover cmd="{ctl} -C {dir}/imapd.conf -r"
}}
SERVICES {{
  imap cmd="{imapd} -C {dir}/imapd.conf" listen="{host}:{port}" prefork=0 maxchild=20
  imaptls cmd="{imapd} -C {dir}/imapd-tlsonly.conf" listen="{host}:{port_tlsonly}" prefork=0 maxchild=20
}}
EVENTS {{
}}
"""


class Cyrus(Server):
    """A private Cyrus IMAP instance; see the module docstring."""

    def __init__(self, users=None, mailboxes=(), quotas=None, acls=None, conf=None,
                 keep=False, start_timeout=10.0):
        self.host = "127.0.0.1"
        self.users = dict(USERS if users is None else users)
        self.mailboxes = list(mailboxes)
        self.quotas = dict(quotas or {})
        self.acls = dict(acls or {})
        self.conf_extra = dict(conf or {})
        self.keep = keep or bool(os.environ.get("IMAPERR_KEEP_CYRUS"))
        self.start_timeout = start_timeout
        self.imapd = find_imapd()
        self.dir = None
        self.proc = None
        self.pid = None
        self.port = None
        self.port_tlsonly = None
        self.greeting = ""
        self.version = ""
        self.transcript = imapclient.Transcript()

    # -- files ---------------------------------------------------------------
    def _saslpasswd(self, user, password):
        p = subprocess.run([SASLPASSWD2, "-f", os.path.join(self.dir, "sasldb2"), "-p", "-c",
                            "-u", "localhost", user], input=password.encode() + b"\n",
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        if p.returncode != 0:
            raise RuntimeError("saslpasswd2 %s: exit %d: %s" % (
                user, p.returncode, p.stdout.decode("utf-8", "replace")))

    def _setup(self):
        self.dir = tempfile.mkdtemp(prefix="imaperr-cyrus-")
        os.chmod(self.dir, 0o755)
        d = self.dir
        for sub in ("conf", "spool"):
            os.makedirs(os.path.join(d, sub))
        extra = "".join("%s: %s\n" % kv for kv in self.conf_extra.items())
        common = dict(dir=d, admin=ADMIN[0], instance=os.path.basename(d), extra=extra)
        self._write("imapd.conf", IMAPD_CONF.format(allowplaintext="yes", **common))
        self._write("imapd-tlsonly.conf", IMAPD_CONF.format(allowplaintext="no", **common))
        self._saslpasswd(*ADMIN)
        for user, pw in self.users.items():
            self._saslpasswd(user, pw)
        uid = pwd.getpwnam("cyrus").pw_uid
        gid = grp.getgrnam("mail").gr_gid
        chown_tree(d, uid, gid)
        os.chmod(os.path.join(d, "sasldb2"), 0o640)

    # -- life cycle ----------------------------------------------------------
    def __enter__(self):
        ok, why = available()
        if not ok:
            raise RuntimeError("cyrus fixture unavailable: " + why)
        track(self)
        try:
            self._setup()
            # a free port can be taken between our probe and master's bind:
            # then try again with other ports
            for attempt in range(1, START_ATTEMPTS + 1):
                try:
                    self._start()
                    break
                except _StartFailed as e:
                    self._stop_master()
                    if attempt == START_ATTEMPTS:
                        raise RuntimeError(str(e)) from None
            self._provision()
        except BaseException:
            self.stop()
            raise
        return self

    def _greets(self, port):
        try:
            s = socket.create_connection((self.host, port), timeout=1.0)
        except OSError:
            return None
        try:
            s.settimeout(2.0)
            data = b""
            while not data.endswith(b"\n") and len(data) < 4096:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            if data.startswith(b"* OK") and b"Cyrus IMAP" in data:
                return data.decode("utf-8", "replace").rstrip("\r\n")
            return None
        except OSError:
            return None
        finally:
            s.close()

    def _start(self):
        d = self.dir
        self.port = free_port(self.host)
        self.port_tlsonly = free_port(self.host, avoid=(self.port,))
        self._write("cyrus.conf", CYRUS_CONF.format(
            ctl=CTL_CYRUSDB, imapd=self.imapd, dir=d, host=self.host, port=self.port,
            port_tlsonly=self.port_tlsonly))
        uid = pwd.getpwnam("cyrus").pw_uid
        gid = grp.getgrnam("mail").gr_gid
        os.chown(os.path.join(d, "cyrus.conf"), uid, gid)
        # Foreground master (no -d) in its own session: we keep its PID and
        # can wait for it; -p still writes DIR/master.pid. Its own output
        # (rare: Cyrus logs to syslog) goes to DIR/master.out.
        self._out = open(os.path.join(d, "master.out"), "ab")
        self.proc = subprocess.Popen(
            [MASTER, "-C", os.path.join(d, "imapd.conf"), "-M", os.path.join(d, "cyrus.conf"),
             "-p", os.path.join(d, "master.pid")],
            stdin=subprocess.DEVNULL, stdout=self._out, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.pid = self.proc.pid
        deadline = time.monotonic() + self.start_timeout
        pending = {self.port, self.port_tlsonly}
        while pending and time.monotonic() < deadline:
            if self.proc.poll() is not None:
                with open(os.path.join(d, "master.out"), "rb") as f:
                    out = f.read().decode("utf-8", "replace")
                raise _StartFailed("cyrus master exited with %d (Cyrus logs only to syslog):\n%s"
                                   % (self.proc.returncode, out))
            for p in list(pending):
                g = self._greets(p)
                if g:
                    pending.discard(p)
                    if p == self.port:
                        self.greeting = g
            if pending:
                time.sleep(0.05)
        if pending:
            raise _StartFailed("cyrus did not greet on %s port(s) %s within %.0f s" % (
                self.host, sorted(pending), self.start_timeout))
        i = self.greeting.find("Cyrus IMAP")
        self.version = self.greeting[i:].split(" server")[0] if i >= 0 else ""

    def _provision(self):
        cmds = ["CREATE user.%s" % u for u in self.users]
        cmds += ["CREATE %s" % imapclient.quote(m) for m in self.mailboxes]
        cmds += ["SETQUOTA %s (STORAGE %d)" % (imapclient.quote(r), kib)
                 for r, kib in self.quotas.items()]
        for box, entries in self.acls.items():
            for ident, rights in entries.items():
                cmds.append("SETACL %s %s %s" % (imapclient.quote(box), imapclient.quote(ident),
                                                 imapclient.quote(rights)))
        self.admin(*cmds, transcript=self.transcript)

    def stop(self):
        """Stop the instance (SIGTERM, then SIGKILL) and remove its folder."""
        self._stop_master()
        if self.dir is not None:
            # anything else started with our private configuration
            kill_by_dir(self.dir)
            if not self.keep:
                shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
        untrack(self)

    def _stop_master(self):
        if self.proc is not None:
            stop_process(self.proc)
            self._out.close()
            self.proc = None

    # -- helpers -------------------------------------------------------------
    def client(self, tlsonly=False, source=None, timeout=5.0, transcript=None, name=None,
               tag_prefix="a"):
        port = self.port_tlsonly if tlsonly else self.port
        return imapclient.IMAPClient(self.host, port, source=source, timeout=timeout,
                                     transcript=transcript,
                                     name=name or ("cyrus-tlsonly" if tlsonly else "cyrus"),
                                     tag_prefix=tag_prefix)

    def creds(self, user):
        if user == ADMIN[0]:
            return ADMIN
        return (user, self.users[user])

    def admin(self, *commands, transcript=None, ok=True):
        out = []
        with self.client(transcript=transcript, name="cyrus-admin", tag_prefix="adm") as c:
            r = c.login(*ADMIN)
            if r.status != "OK":
                raise RuntimeError("cyrus admin login failed: %r" % (r.tagged,))
            for cmd in commands:
                text, literal = (cmd, None) if isinstance(cmd, str) else cmd
                r = c.command(text, literal=literal)
                if ok and r.status != "OK":
                    raise RuntimeError("cyrus admin command %r: %r" % (text, r.tagged))
                out.append(r)
            c.logout()
        return out
