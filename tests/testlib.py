"""testlib.py - helpers shared by the Python tests (tests/*.py and
tests/integration/*.py). Python 3 standard library only.

Tap(diag_prefix="# ", diag_max=None, summary=False)
    TAP output: .ok(cond, desc, diag=None) prints "ok N - desc" or
    "not ok N - desc" and, on failure only, each line of each diag entry
    (at most diag_max entries, then "... and K more") behind diag_prefix;
    it returns cond. .skip(desc, reason) prints an "ok N - desc # SKIP
    reason" line; .comment(text) prints "# " lines; .done() prints the plan
    "1..N" (and with summary=True a "# P passed, F failed, S skipped"
    comment) and returns the exit status: 0 iff no check failed.
    Counters: .n, .passed, .failed, .skipped.
comment(text)
    text as TAP comment lines ("# " + each line).
ROLE_OF
    the command roles as documented (imaperr.h, lib/vocabulary.tsv): the
    commands whose role is auth, select or logout; every other command's
    role is "other" (ROLE_OF.get(...) gives None).

Importers set sys.dont_write_bytecode = True first: the source tree may
be read-only (make distcheck) and must stay clean.
"""

import os
import sys

__all__ = ["Tap", "comment", "ROLE_OF"]

def _command_roles():
    """The command rows of lib/vocabulary.tsv (the single source of truth),
    except those whose role is "other"."""
    top = os.environ.get("top_srcdir") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    roles = {}
    with open(os.path.join(top, "lib", "vocabulary.tsv"), encoding="utf-8") as f:
        for ln in f:
            c = ln.rstrip("\n").split("\t")
            if len(c) >= 3 and c[0] == "command" and c[2] != "other":
                roles[c[1]] = c[2]
    return roles


# Command roles (imaperr.h, lib/vocabulary.tsv).
ROLE_OF = _command_roles()


def comment(text):
    for ln in str(text).splitlines() or [""]:
        print("# " + ln)


class Tap:
    def __init__(self, diag_prefix="# ", diag_max=None, summary=False):
        self.n = 0
        self.failed = 0
        self.passed = 0
        self.skipped = 0
        self.diag_prefix = diag_prefix
        self.diag_max = diag_max
        self.summary = summary

    def ok(self, cond, desc, diag=None):
        self.n += 1
        if cond:
            self.passed += 1
            print("ok %d - %s" % (self.n, desc))
        else:
            self.failed += 1
            print("not ok %d - %s" % (self.n, desc))
        if diag and not cond:
            diag = list(diag)
            shown = diag if self.diag_max is None else diag[:self.diag_max]
            for d in shown:
                for ln in str(d).splitlines() or [""]:
                    print(self.diag_prefix + ln)
            if len(shown) < len(diag):
                print(self.diag_prefix + "... and %d more" % (len(diag) - len(shown)))
        sys.stdout.flush()
        return cond

    def skip(self, desc, reason):
        self.n += 1
        self.skipped += 1
        print("ok %d - %s # SKIP %s" % (self.n, desc, reason))
        sys.stdout.flush()

    def comment(self, text):
        comment(text)

    def done(self):
        print("1..%d" % self.n)
        if self.summary:
            comment("%d passed, %d failed, %d skipped" % (self.passed, self.failed, self.skipped))
        return 0 if self.failed == 0 else 1
