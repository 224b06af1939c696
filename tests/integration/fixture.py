"""fixture.py - process mechanics shared by the private-server fixtures.

Python 3 standard library only. Used by dovecot.py and cyrus.py, which each
start one server master in a session of its own (start_new_session=True, so
its PID is also its process group) and must never leave it running.

free_port(host="127.0.0.1", avoid=()) -> int
    a TCP port the kernel reports free on host right now, not in `avoid`
    (RuntimeError after 20 tries). Another process may take it before the
    server binds: the fixtures retry their start.
stop_process(proc, timeout=5)
    SIGTERM to proc's PID; after `timeout` seconds without an exit, SIGKILL
    to its process group; then SIGKILL to whatever is left in the group
    (children that outlived the master). Safe on a process that has exited.
kill_by_dir(path)
    SIGKILL to every process (but this one) whose command line names
    path + "/" (processes started with the instance's private files).
chown_tree(path, uid, gid)
    chown every folder and file below path (path included) to uid:gid.
Server
    a base class for a fixture: .dir (its folder, None before the start),
    ._write(name, text, mode=0o644) -> path (a file in .dir), and __exit__
    calling .stop() (which the subclass defines; exceptions propagate).
track(instance) / untrack(instance)
    keep a live instance in the registry that stops it (instance.stop()) at
    interpreter exit and on SIGTERM (the handler is installed by track()
    when SIGTERM still has its default action and we are in the main thread;
    after stopping everything it re-raises SIGTERM with the default action).
"""

import atexit
import os
import signal
import socket
import subprocess

__all__ = ["free_port", "stop_process", "kill_by_dir", "chown_tree", "Server", "track",
           "untrack"]

_live = set()


def free_port(host="127.0.0.1", avoid=()):
    for _ in range(20):
        s = socket.socket()
        try:
            s.bind((host, 0))
            p = s.getsockname()[1]
        finally:
            s.close()
        if p not in avoid:
            return p
    raise RuntimeError("no free port")


def stop_process(proc, timeout=5):
    pid = proc.pid
    if proc.poll() is None:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            proc.wait(timeout=timeout)
    # children that outlived the master (same session: its own group)
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill_by_dir(path):
    needle = (path + "/").encode()
    me = os.getpid()
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == me:
            continue
        try:
            with open("/proc/%s/cmdline" % name, "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        if needle in cmd:
            try:
                os.kill(int(name), signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def chown_tree(path, uid, gid):
    for root, dirs, files in os.walk(path):
        os.chown(root, uid, gid)
        for f in files:
            os.chown(os.path.join(root, f), uid, gid)


class Server:
    """Base of the private-server fixtures (see the module docstring)."""

    dir = None

    def _write(self, name, text, mode=0o644):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def __exit__(self, *exc):
        self.stop()
        return False


def _stop_all():
    for x in list(_live):
        x.stop()


atexit.register(_stop_all)


def _on_sigterm(signum, frame):
    _stop_all()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def track(instance):
    _live.add(instance)
    try:
        if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
            signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread: atexit and __exit__ still stop it
        pass


def untrack(instance):
    _live.discard(instance)
