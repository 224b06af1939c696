"""expect.py - what the integration tests expect of a server line, shared by
test-dovecot.py and test-cyrus.py. Python 3 standard library only.

Everything here is read from the tables (lib/*.tsv) or from the server's own
line, never from the tool's output:

read_tsv(name)         rows (lists of cells) of lib/NAME, comments skipped
load_registry()        code -> {"NO"|"OK"|"BAD"|"BYE": cell, "action", "flags"}
load_wordings()        wording id -> (category, action)
registry_cell(reg, code, status)
                       (category, action, weak) of the lib/registry.tsv cell
                       for this status (OK for PREAUTH), None for "-"
status_code(line)      (status, CODE) of a server status line, read with a
                       regex; (None, None) when it is none
command_word(command_line)
                       the command of a tagged client line ("UID FETCH" for
                       UID commands), or None
uid_set(text)          an RFC 3501 sequence set "1:3,7" -> [[1, 3], [7, 7]]
appenduid_args(line), copyuid_args(line), modified_args(line),
referral_args(line), badcharset_args(line)
                       the typed arguments the library must decode from the
                       line's APPENDUID/COPYUID/MODIFIED/REFERRAL/BADCHARSET
parse_options(argv, default_out, usage, flags=())
                       (tool, out, set of the `flags` given) from the
                       command line: --tool PATH (default $IMAPERR_TOOL, else
                       $top_builddir/tools/imaperr), --out FILE (default
                       default_out), the flags; None after printing usage
                       on stderr for anything else
has_control(s)         s holds a control character (Unicode Cc)
md_cell(s)             s made safe for a Markdown table cell
"""

import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.environ.get("top_srcdir") or os.path.dirname(os.path.dirname(HERE))

STATUS_RE = re.compile(r"^(\S+) (OK|NO|BAD|BYE|PREAUTH)(?: \[([A-Za-z0-9.-]+)[^\]]*\])?")


# ---------------------------------------------------------------------------
# The tables

def read_tsv(name):
    with open(os.path.join(SRCDIR, "lib", name), encoding="utf-8") as f:
        for ln in f:
            if ln.startswith("#") or not ln.strip():
                continue
            yield ln.rstrip("\n").split("\t")


def load_registry():
    rows = {}
    for c in read_tsv("registry.tsv"):
        if len(c) >= 13 and c[3] != "pseudo":
            rows[c[1]] = {"NO": c[5], "OK": c[6], "BAD": c[7], "BYE": c[8],
                          "action": c[9], "flags": c[10]}
    return rows


def retrying_actions():
    """The actions after which the command is attempted again: those marked
    RETRYABLE in lib/vocabulary.tsv, plus reauthenticate (a new login, with
    new credentials, follows)."""
    acts = {c[2] for c in read_tsv("vocabulary.tsv")
            if c[0] == "action" and len(c) >= 4 and c[3] == "yes"}
    return frozenset(acts | {"reauthenticate"})


def load_wordings():
    return {c[1]: (c[7], c[8]) for c in read_tsv("wordings.tsv")
            if c[0] == "wording" and len(c) >= 13}


def registry_cell(reg, code, status):
    row = reg[code]
    cell = row["OK" if status in ("OK", "PREAUTH") else status]
    if cell == "-":
        return None
    weak = cell.startswith("~")
    parts = cell.lstrip("~").split("/")
    return parts[0], (parts[1] if len(parts) > 1 and parts[1] else row["action"]), weak


# ---------------------------------------------------------------------------
# The server's and the client's lines

def status_code(line):
    m = STATUS_RE.match(line)
    if not m:
        return None, None
    return m.group(2), (m.group(3).upper() if m.group(3) else None)


def command_word(command_line):
    w = command_line.split()[1:]
    if not w:
        return None
    if w[0].upper() == "UID" and len(w) > 1:
        return "UID " + w[1].upper()
    return w[0].upper()


def uid_set(text):
    out = []
    for part in text.split(","):
        a, _, b = part.partition(":")
        lo, hi = int(a), int(b or a)
        out.append([min(lo, hi), max(lo, hi)])
    return out


def appenduid_args(line):
    m = re.search(r"\[APPENDUID (\d+) (\d+)\]", line)
    u = int(m.group(2))
    return {"uidvalidity": int(m.group(1)), "uids": [[u, u]]}


def copyuid_args(line):
    m = re.search(r"\[COPYUID (\d+) (\S+) (\S+)\]", line)
    return {"uidvalidity": int(m.group(1)), "source": uid_set(m.group(2)),
            "destination": uid_set(m.group(3))}


def modified_args(line):
    return {"uids": uid_set(re.search(r"\[MODIFIED (\S+)\]", line).group(1))}


def referral_args(line):
    return {"url": re.search(r"\[REFERRAL (\S+)\]", line).group(1)}


def badcharset_args(line):
    m = re.search(r"\[BADCHARSET \(([^)]*)\)\]", line)
    return {"charsets": m.group(1).split()} if m else None  # list is optional (RFC 5255)


# ---------------------------------------------------------------------------
# The command line, the explanations and the report

def parse_options(argv, default_out, usage, flags=()):
    tool = os.environ.get("IMAPERR_TOOL")
    out = default_out
    given = set()
    i = 1
    while i < len(argv):
        if argv[i] in ("--tool", "--out") and i + 1 < len(argv):
            if argv[i] == "--tool":
                tool = argv[i + 1]
            else:
                out = argv[i + 1]
            i += 2
        elif argv[i] in flags:
            given.add(argv[i])
            i += 1
        else:
            print(usage, file=sys.stderr)
            return None
    if not tool:
        tool = os.path.join(os.environ.get("top_builddir", "."), "tools", "imaperr")
    return tool, out, given


def has_control(s):
    return any(unicodedata.category(ch) == "Cc" for ch in s)


def md_cell(s):
    return str(s).replace("|", "\\|")
