"""dovecot.py - a private Dovecot 2.3 instance for the integration tests.

Python 3 standard library only. Follows ../shared/research/real-servers.md.
Needs root (Dovecot switches to the mail user `nobody`) and the Debian
packages dovecot-core and dovecot-imapd (dovecot-auth-lua for the EXPIRED
user). Listens on 127.0.0.1 only, on a free port; never reads /etc/dovecot.

API (stable: other tests import it)
-----------------------------------
available() -> (bool, reason)
    Whether the fixture can run here: dovecot binary present, root, the
    user/group names it needs, and local addresses 127.0.0.1-3 usable. The
    reason says what is missing.

Dovecot(lua=None, keep=False, start_timeout=10.0)
    A context manager:

        with Dovecot() as d:
            c = d.client()                 # IMAPClient connected from 127.0.0.1
            c.login(*d.creds("alice"))

    On __enter__ it writes DIR/dovecot.conf (DIR a fresh temporary folder,
    mode 0755), the users, the ACL and lua files and the mail homes, starts
    `dovecot -F -c DIR/dovecot.conf` and waits until the IMAP greeting
    arrives. On __exit__ (also after an exception or KeyboardInterrupt) it
    sends SIGTERM to the master PID, SIGKILL after a bound, kills any
    process still running from DIR's instance, and removes DIR (unless
    keep=True or $IMAPERR_KEEP_DOVECOT is set). An atexit hook and a
    SIGTERM handler stop it too if the test process is killed.
    lua=None: the lua passdb is configured iff the auth lua module exists.

    Attributes: .dir, .host ("127.0.0.1"), .port, .conf, .log_path,
                .lua (bool: the EXPIRED user is configured), .pid
    .client(source=None, timeout=5.0, transcript=None, name=None, tag_prefix="a")
        an imapclient.IMAPClient connected to the instance (source: the
        local address to bind, e.g. "127.0.0.2")
    .creds(user) -> (login name, password) for a configured user
    .doveadm(*args, check=True) -> subprocess.CompletedProcess (text)
        runs `doveadm -c DIR/dovecot.conf ARGS...` (30 s timeout)
    .home(user) -> the user's home folder; .maildir(user, box) -> its maildir
    .log() -> the text of Dovecot's log so far
    .stop()  stop now (idempotent)

Configured users (password "pw" unless noted; see USERS):
    alice    ordinary user, quota 1M, mailboxes INBOX, Archive, Locked (ACL:
             owner may only lookup+read)
    bob      ordinary user (second account, e.g. for the master user)
    carol    mailbox Big (BIG_COUNT messages delivered into new/ before the
             start: `STATUS Big (SIZE)` answers INUSE, the vsize is computed
             in the background) and Broken (cur/ is a regular file: SELECT
             answers SERVERBUG); carol's quota lookups fail for both reasons
    small    quota 4k, mailbox Other (OVERQUOTA on APPEND and COPY)
    locked   `nologin` (CONTACTADMIN)
    reason   `nologin reason=...` (ALERT with the reason)
    moved    `nologin host=mail2.example.com` (REFERRAL)
    broken   passdb ok, userdb lookup fails internally (UNAVAILABLE or EOF)
    expired  lua passdb answers PASS_EXPIRED (EXPIRED); only if .lua
    master   master user (password "mpw"): "alice*master" logs in as alice,
             "ghost*master" fails authorization (AUTHORIZATIONFAILED)
Connections from 127.0.0.2 are not "secured" (PRIVACYREQUIRED on LOGIN);
from 127.0.0.3 plaintext login is allowed and mail_max_userip_connections=1
(LIMIT on the second login). quota_max_mail_size = MAX_MAIL_SIZE bytes.
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
from fixture import Server, chown_tree, free_port, stop_process, track, untrack  # noqa: E402

__all__ = ["Dovecot", "available", "USERS", "MAX_MAIL_SIZE", "DOVECOT", "DOVEADM"]

DOVECOT = os.environ.get("DOVECOT", "/usr/sbin/dovecot")
DOVEADM = os.environ.get("DOVEADM", "/usr/bin/doveadm")
LUA_MODULE = "/usr/lib/dovecot/modules/auth/libauthdb_lua.so"
MAX_MAIL_SIZE = 20000          # quota_max_mail_size, bytes
BIG_COUNT = 3                  # messages in alice's "Big"

# name -> (password, passwd-file extra fields, in the regular userdb?)
USERS = {
    "alice": ("pw", "userdb_quota_rule=*:storage=1M", True),
    "bob": ("pw", "", True),
    "small": ("pw", "userdb_quota_rule=*:storage=4k", True),
    "carol": ("pw", "", True),
    "locked": ("pw", "nologin", True),
    "reason": ("pw", "nologin reason=Account_suspended_by_the_administrator", True),
    "moved": ("pw", "nologin host=mail2.example.com", True),
    "broken": ("pw", "", False),
}
MASTER = ("master", "mpw")


def available():
    """(True, "") if the fixture can run here, else (False, why)."""
    for b in (DOVECOT, DOVEADM):
        if not os.access(b, os.X_OK):
            return False, "%s not found (Debian: dovecot-core dovecot-imapd)" % b
    if not os.path.exists("/usr/lib/dovecot/imap"):
        return False, "/usr/lib/dovecot/imap not found (Debian: dovecot-imapd)"
    if os.geteuid() != 0:
        return False, "not running as root (Dovecot must switch to the mail user)"
    try:
        for u in ("nobody", "dovecot", "dovenull"):
            pwd.getpwnam(u)
        grp.getgrnam("nogroup")
    except KeyError as e:
        return False, "missing system user or group %s" % e
    for addr in ("127.0.0.1", "127.0.0.2", "127.0.0.3"):
        s = socket.socket()
        try:
            s.bind((addr, 0))
        except OSError as e:
            return False, "cannot bind a socket to %s (%s)" % (addr, e)
        finally:
            s.close()
    return True, ""


class Dovecot(Server):
    """A private Dovecot instance; see the module docstring."""

    def __init__(self, lua=None, keep=False, start_timeout=10.0):
        self.host = "127.0.0.1"
        self.keep = keep or bool(os.environ.get("IMAPERR_KEEP_DOVECOT"))
        self.start_timeout = start_timeout
        self.lua = os.path.exists(LUA_MODULE) if lua is None else lua
        self.dir = None
        self.proc = None
        self.pid = None
        self.port = None

    # -- files ---------------------------------------------------------------
    def home(self, user):
        return os.path.join(self.dir, "home", user)

    def maildir(self, user, box="INBOX"):
        base = os.path.join(self.home(user), "Mail")
        return base if box == "INBOX" else os.path.join(base, "." + box)

    def _mkmaildir(self, path):
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(path, sub), exist_ok=True)

    def _setup(self):
        self.dir = tempfile.mkdtemp(prefix="imaperr-dovecot-")
        os.chmod(self.dir, 0o755)
        self.port = free_port(self.host)
        d = self.dir
        self.conf = os.path.join(d, "dovecot.conf")
        self.log_path = os.path.join(d, "dovecot.log")
        os.makedirs(os.path.join(d, "run"))
        nobody = pwd.getpwnam("nobody").pw_uid
        nogroup = grp.getgrnam("nogroup").gr_gid

        regular, extra = [], []
        for name, (pw, fields, in_userdb) in USERS.items():
            home = self.home(name)
            line = "%s:{PLAIN}%s::::%s::%s\n" % (name, pw, home, fields)
            (regular if in_userdb else extra).append(line)
        self._write("users", "".join(regular))
        self._write("users-passdb-only", "".join(extra))
        self._write("masters", "%s:{PLAIN}%s::::::\n" % MASTER)
        # a regular file: a userdb path below it fails with ENOTDIR
        self._write("not-a-dir", "this is a file\n")
        self._write("acl.global", "Locked owner lr\n")
        self._write("auth.lua", LUA_SCRIPT)

        # homes and maildirs
        for name in USERS:
            if name == "broken":
                continue
            self._mkmaildir(self.maildir(name))
        for box in ("Archive", "Locked"):
            self._mkmaildir(self.maildir("alice", box))
        self._mkmaildir(self.maildir("carol", "Big"))
        self._mkmaildir(self.maildir("small", "Other"))
        broken = self.maildir("carol", "Broken")
        for sub in ("new", "tmp"):
            os.makedirs(os.path.join(broken, sub))
        with open(os.path.join(broken, "cur"), "w") as f:
            f.write("not a directory\n")
        for i in range(BIG_COUNT):
            p = os.path.join(self.maildir("carol", "Big"), "new",
                             "%d.M%dP1.imaperr" % (1700000000 + i, i))
            with open(p, "w") as f:
                f.write("From: a@example.com\r\nSubject: big %d\r\n\r\n%s\r\n" % (i, "x" * 500))
        with open(os.path.join(self.maildir("alice"), "subscriptions"), "w") as f:
            f.write("Archive\nLocked\n")
        chown_tree(os.path.join(d, "home"), nobody, nogroup)

        self._write("dovecot.conf", CONFIG.format(
            dir=d, port=self.port, host=self.host, max_mail_size=MAX_MAIL_SIZE,
            instance=os.path.basename(d),
            lua_passdb=LUA_PASSDB.format(dir=d) if self.lua else ""))

    # -- life cycle ----------------------------------------------------------
    def __enter__(self):
        ok, why = available()
        if not ok:
            raise RuntimeError("dovecot fixture unavailable: " + why)
        for attempt in range(3):
            track(self)
            try:
                self._setup()
                self._start()
                return self
            except RuntimeError as e:
                # the free port may have been taken by someone else meanwhile
                busy = "in use" in str(e).lower()
                self.stop()
                if not busy or attempt == 2:
                    raise
            except BaseException:
                self.stop()
                raise
        return self

    def _start(self):
        self.proc = subprocess.Popen([DOVECOT, "-F", "-c", self.conf],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.pid = self.proc.pid
        deadline = time.monotonic() + self.start_timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                out = self.proc.stdout.read().decode("utf-8", "replace")
                raise RuntimeError("dovecot exited with %d:\n%s\n%s" % (
                    self.proc.returncode, out, self.log()))
            try:
                s = socket.create_connection((self.host, self.port), timeout=1.0)
                try:
                    s.settimeout(2.0)
                    if s.recv(200).startswith(b"* OK"):
                        return
                finally:
                    s.close()
            except OSError as e:
                last = e
            time.sleep(0.05)
        raise RuntimeError("dovecot did not greet on %s:%d within %.0f s (%s)\n%s" % (
            self.host, self.port, self.start_timeout, last, self.log()))

    def stop(self):
        """Stop the instance (SIGTERM, then SIGKILL) and remove its folder."""
        if self.proc is not None:
            stop_process(self.proc)
            if self.proc.stdout:
                self.proc.stdout.close()
            self.proc = None
        if self.dir is not None and not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
        untrack(self)

    # -- helpers -------------------------------------------------------------
    def client(self, source=None, timeout=5.0, transcript=None, name=None, tag_prefix="a"):
        return imapclient.IMAPClient(self.host, self.port, source=source, timeout=timeout,
                                     transcript=transcript, name=name or "dovecot",
                                     tag_prefix=tag_prefix)

    def creds(self, user):
        if user == "master":
            return MASTER
        if user == "expired":
            return ("expired", "pw")
        return (user, USERS[user][0])

    def doveadm(self, *args, check=True):
        p = subprocess.run([DOVEADM, "-c", self.conf] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True, timeout=30)
        if check and p.returncode != 0:
            raise RuntimeError("doveadm %s: exit %d: %s%s" % (
                " ".join(args), p.returncode, p.stdout, p.stderr))
        return p

    def log(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except (OSError, TypeError):
            return ""


LUA_SCRIPT = """\
-- imaperr integration tests: one user whose password has expired.
function auth_passdb_lookup(req)
  if req.user == "expired" then
    return dovecot.auth.PASSDB_RESULT_PASS_EXPIRED, "password has expired"
  end
  return dovecot.auth.PASSDB_RESULT_USER_UNKNOWN, "no such user"
end
"""

LUA_PASSDB = """
passdb {{
  driver = lua
  args = file={dir}/auth.lua blocking=yes
}}
"""

CONFIG = """\
# Private Dovecot for the libimaperr integration tests (generated).
base_dir = {dir}/run
instance_name = imaperr-{instance}
state_dir = {dir}/state
log_path = {dir}/dovecot.log
info_log_path = {dir}/dovecot.log
protocols = imap
listen = {host}
ssl = no
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_failure_delay = 0
auth_cache_size = 0
auth_master_user_separator = *
default_internal_user = dovecot
default_login_user = dovenull
mail_uid = nobody
mail_gid = nogroup
first_valid_uid = 1
mail_location = maildir:~/Mail
mail_plugins = quota acl
mail_vsize_bg_after_count = 1
mail_max_userip_connections = 100
login_greeting = Dovecot ready.
verbose_proctitle = no

namespace inbox {{
  inbox = yes
  separator = /
}}

service imap-login {{
  inet_listener imap {{
    address = {host}
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
service submission-login {{
  inet_listener submission {{
    port = 0
  }}
}}
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service stats {{
  inet_listener http {{
    port = 0
  }}
}}

passdb {{
  driver = passwd-file
  args = {dir}/masters
  master = yes
  pass = yes
}}
passdb {{
  driver = passwd-file
  args = {dir}/users
}}
passdb {{
  driver = passwd-file
  args = {dir}/users-passdb-only
}}
{lua_passdb}
userdb {{
  driver = passwd-file
  args = {dir}/users
}}
userdb {{
  driver = passwd-file
  args = {dir}/not-a-dir/%u
}}

protocol imap {{
  mail_plugins = $mail_plugins imap_quota imap_acl
}}

remote 127.0.0.3 {{
  disable_plaintext_auth = no
  mail_max_userip_connections = 1
}}

plugin {{
  quota = count:User quota
  quota_rule = *:storage=1M
  quota_vsizes = yes
  quota_max_mail_size = {max_mail_size}
  acl = vfile:{dir}/acl.global
}}
"""
