#!/usr/bin/env python3
"""make-seeds.py - regenerate the seed corpora fuzz/<name>_fuzzer.in/.

Seeds come from what the project already holds: the response lines quoted
in tests/*.c, the EXAMPLE column of lib/registry.tsv and lib/wordings.tsv,
examples/session.log, the catalogs compiled from po/*.po and, when it is there,
the shared real-world corpus (../shared/corpus/realworld-dev.tsv, or the
path given with --realworld). Lists of codes, commands and languages are
read from the tables (lib/registry.tsv, lib/vocabulary.tsv, po/LINGUAS).

Every seed file is named by the SHA-1 of its content (as libFuzzer names
corpus files), so running the script again gives the same files. The
script replaces the .in folders; .repro folders are never touched.

Usage: fuzz/make-seeds.py [--realworld PATH] [SRCDIR]
"""
import argparse
import hashlib
import os
import re
import shutil
import struct
import subprocess
import sys

MAX_PER_TARGET = {
    "parse_fuzzer": 700, "explain_fuzzer": 350, "args_fuzzer": 400, "catalog_fuzzer": 80,
    "wordings_fuzzer": 300, "text_fuzzer": 300, "scan_fuzzer": 40,
}
RESPONSE = re.compile(rb"^(\*|\+|[A-Za-z0-9.]{1,12}) ?|^(OK|NO|BAD|BYE|PREAUTH)\b", re.I)
STATUS = re.compile(rb"\b(OK|NO|BAD|BYE|PREAUTH)\b", re.I)


def tsv_rows(path):
    with open(path, "rb") as f:
        for raw in f:
            line = raw.rstrip(b"\n")
            if not line or line.startswith(b"#"):
                continue
            yield line.split(b"\t")


def c_strings(path):
    """The string literals of a C file, escapes decoded (adjacent literals
    on one line are joined)."""
    lit = re.compile(rb'"((?:[^"\\\n]|\\.)*)"')
    with open(path, "rb") as f:
        for raw in f:
            parts = lit.findall(raw)
            if not parts:
                continue
            yield b"".join(decode_c(p) for p in parts)


def decode_c(s):
    out = bytearray()
    i = 0
    simple = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("\\"): 92, ord('"'): 34,
              ord("'"): 39, ord("a"): 7, ord("b"): 8, ord("f"): 12, ord("v"): 11, ord("?"): 63}
    while i < len(s):
        c = s[i]
        if c != 0x5C or i + 1 >= len(s):
            out.append(c)
            i += 1
            continue
        e = s[i + 1]
        if e in simple:
            out.append(simple[e])
            i += 2
        elif e == ord("x"):
            m = re.match(rb"[0-9a-fA-F]{1,2}", s[i + 2:])
            if m:
                out.append(int(m.group(0), 16))
                i += 2 + len(m.group(0))
            else:
                i += 2
        elif 0x30 <= e <= 0x37:
            m = re.match(rb"[0-7]{1,3}", s[i + 1:])
            out.append(int(m.group(0), 8) & 0xFF)
            i += 1 + len(m.group(0))
        else:
            out.append(e)
            i += 2
    return bytes(out)


def looks_like_response(s):
    if len(s) < 4 or len(s) > 2000 or b"%" in s[:3]:
        return False
    if s.startswith((b"* ", b"+ ")):
        return True
    m = re.match(rb"^[A-Za-z0-9.]{1,12} ", s)
    return bool(m) and bool(STATUS.search(s[:40]))


class Seeds:
    def __init__(self, top):
        self.top = top
        self.sets = {name: [] for name in MAX_PER_TARGET}

    def add(self, target, data):
        if data not in self.sets[target]:
            self.sets[target].append(data)

    def write(self):
        total = 0
        for target, items in self.sets.items():
            d = os.path.join(self.top, "fuzz", target + ".in")
            if os.path.isdir(d):
                shutil.rmtree(d)
            os.makedirs(d)
            items = spread(items, MAX_PER_TARGET[target])
            for data in items:
                name = hashlib.sha1(data).hexdigest()
                with open(os.path.join(d, name), "wb") as f:
                    f.write(data)
                total += len(data)
            print("%-16s %4d seeds" % (target, len(items)))
        print("total %d bytes" % total)


def spread(items, limit):
    """At most `limit` items, taken evenly over the list (deterministic)."""
    if len(items) <= limit:
        return items
    step = len(items) / float(limit)
    return [items[int(i * step)] for i in range(limit)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--realworld", default=None)
    ap.add_argument("srcdir", nargs="?", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    args = ap.parse_args()
    top = os.path.abspath(args.srcdir)
    rw = args.realworld or os.path.join(top, "..", "shared", "corpus", "realworld-dev.tsv")
    seeds = Seeds(top)

    # ---- the tables ------------------------------------------------------
    codes = []          # (name, argtype, example) in imaperr_code_at() order
    for row in tsv_rows(os.path.join(top, "lib", "registry.tsv")):
        if len(row) < 13 or row[3] == b"pseudo":
            continue
        codes.append((row[1], row[4], row[12]))
    commands = sorted(r[1] for r in tsv_rows(os.path.join(top, "lib", "vocabulary.tsv"))
                      if r[0] == b"command" and len(r) > 1)
    langs = [l.strip() for l in open(os.path.join(top, "po", "LINGUAS"), "rb")
             if l.strip() and not l.startswith(b"#")]
    nlang = len(langs) + 1   # index 0 is the built-in English

    def command_byte(cmd):
        if not cmd:
            return 0
        words = cmd.upper().split()
        uid = 0
        if words and words[0] == b"UID" and len(words) > 1:
            uid = 0x80
            words = words[1:]
        if not words or words[0] not in commands:
            return 0
        i = commands.index(words[0])
        return uid | i if i != 0 else uid | len(commands)   # 0 means "no command"

    # ---- response lines: (line, command) ---------------------------------
    lines = []
    for name, argtype, example in codes:
        if example and example != b"-":
            lines.append((b"* OK [" + example + b"] Example text", None))
            lines.append((b"a1 NO [" + example + b"] Example failure", b"SELECT"))
    for row in tsv_rows(os.path.join(top, "lib", "wordings.tsv")):
        if row[0] == b"wording" and len(row) > 11:
            lines.append((row[11], row[4].split(b",")[0] if row[4] not in (b"*", b"?") else None))
        elif row[0] == b"hint" and len(row) > 4:
            lines.append((row[4], None))
    log = os.path.join(top, "examples", "session.log")
    pending = {}
    with open(log, "rb") as f:
        for raw in f:
            l = raw.rstrip(b"\n")
            if l.startswith(b"C: "):
                parts = l[3:].split(b" ")
                if len(parts) > 1:
                    pending[parts[0]] = b" ".join(parts[1:3]) if parts[1].upper() == b"UID" else parts[1]
            elif l.startswith(b"S: "):
                tag = l[3:].split(b" ")[0]
                lines.append((l[3:], pending.get(tag)))
    if os.path.exists(rw):
        for row in tsv_rows(rw):
            if len(row) > 2 and row[0] != b"line":
                cmd = row[2] if not row[2].startswith(b"(") else None
                lines.append((row[0], cmd))
    else:
        print("note: %s not found, seeds without the real-world corpus" % rw, file=sys.stderr)
    for path in sorted(os.listdir(os.path.join(top, "tests"))):
        if path.endswith(".c"):
            for s in c_strings(os.path.join(top, "tests", path)):
                if looks_like_response(s):
                    lines.append((s, None))
    seen = set()
    uniq = []
    for l, c in lines:
        if l not in seen:
            seen.add(l)
            uniq.append((l, c))
    lines = uniq

    # parse: the lines, some with CRLF
    for i, (l, _) in enumerate(lines):
        seeds.add("parse_fuzzer", l + (b"\r\n" if i % 5 == 0 else b""))

    # explain: line 0x01 command language options outcome param value seed...
    # (the layout of fuzz/explain_fuzzer.c)
    for i, (l, c) in enumerate(lines):
        lang = (i % nlang) | (0x80 if i % 3 == 1 else 0) | (0x40 if i % 4 == 2 else 0)
        opts = (i * 37) & 0xFF
        params = bytes([command_byte(c), lang & 0xFF, opts, i % 7, i % 40, (i * 13) & 0xFF])
        params += struct.pack("<Q", i * 2654435761)            # random seed
        params += struct.pack("<Q", [0, 5000, 300000, 86400000][i % 4])   # retry_ms
        params += struct.pack("<QQ", 1000 * (i + 1), 2048 * (i + 3))      # quota used, limit
        params += struct.pack("<Q", i % 12)                      # count
        params += bytes([i % 60])                                # max_text / 4
        params += [b"INBOX", b"Entw&APw-rfe", b"Archive/2019", b"&ZeVnLIqe-", b""][i % 5]
        seeds.add("explain_fuzzer", l + b"\x01" + params)

    # args: code index byte, then the arguments of the code's example and of
    # every line with that code in brackets
    by_name = {name.upper(): i for i, (name, _, _) in enumerate(codes)}
    bracket = re.compile(rb"\[([A-Za-z0-9.-]+) ([^\]]*)\]")
    for i, (name, argtype, example) in enumerate(codes):
        if argtype != b"none" and example.startswith(name + b" "):
            seeds.add("args_fuzzer", bytes([i]) + example[len(name) + 1:])
    for l, _ in lines:
        for m in bracket.finditer(l):
            i = by_name.get(m.group(1).upper())
            if i is not None and codes[i][1] != b"none":
                seeds.add("args_fuzzer", bytes([i]) + m.group(2))

    # catalog: the shipped catalogs (compiled from po/LL.po by msgfmt, or
    # po/LL.gmo when there is no msgfmt), and header / Plural-Forms texts
    po = os.path.join(top, "po")
    for lang in langs:
        name = lang.decode()
        data = None
        try:
            data = subprocess.run(["msgfmt", "-o", "-", os.path.join(po, name + ".po")],
                                  check=True, stdout=subprocess.PIPE).stdout
        except (OSError, subprocess.CalledProcessError):
            gmo = os.path.join(po, name + ".gmo")
            if os.path.exists(gmo):
                with open(gmo, "rb") as fh:
                    data = fh.read()
        if data:
            seeds.add("catalog_fuzzer", data)
            seeds.add("catalog_fuzzer", data[:len(data) // 2])
    for f in sorted(os.listdir(po)):
        if f.endswith(".po"):
            with open(os.path.join(po, f), "rb") as fh:
                m = re.search(rb'"(Plural-Forms: [^"]*)"', fh.read())
            if m:
                seeds.add("catalog_fuzzer", decode_c(m.group(1)))
                seeds.add("catalog_fuzzer", decode_c(m.group(1)).split(b"plural=")[-1])

    # wordings: text 0x01 status command code flags
    for i, (l, c) in enumerate(lines):
        m = re.match(rb"^\S+ (OK|NO|BAD|BYE|PREAUTH)\b ?(\[[^\]]*\] ?)?(.*)$", l, re.I)
        text = m.group(3) if m else l
        status = {b"OK": 0, b"NO": 1, b"BAD": 2, b"BYE": 3, b"PREAUTH": 4}.get(
            m.group(1).upper() if m else b"", 5)
        cb = command_byte(c) & 0x7F
        seeds.add("wordings_fuzzer", text + b"\x01" + bytes([status, cb, i % 3, i & 1]))

    # text: server texts, mailbox names, locale requests, exported states
    for i, (l, _) in enumerate(lines):
        if i % 3 == 0:
            seeds.add("text_fuzzer", l)
    for s in (b"Entw&APw-rfe", b"&ZeVnLIqe-", b"INBOX.&AOQ-", b"&Jjo-!", b"&-", b"&AGE",
              b"\xe2\x80\xaeevil\x1b[31m", b"C", b"POSIX", b"C.UTF-8", b"de_AT.UTF-8@euro",
              b"fr-CA,fr;q=0.8,en;q=0.5", b"pt_PT:pt:en", b"zh-Hant-HK", b"zh-Hans-SG", b"*",
              b"en-US,en;q=0.9,de;q=0.1", b";q=0,,", b"sr-Latn"):
        seeds.add("text_fuzzer", s)
    for l in langs:
        seeds.add("text_fuzzer", l)
        seeds.add("text_fuzzer", l.replace(b"_", b"-") + b";q=0.7,en;q=0.3")
    # exported retry states, by the layout documented in lib/retry-state.c
    for k in range(4):
        st = b"imaperrS" + bytes([1])
        st += struct.pack("<QIQ", 60000 * k, k, 1000 * k)
        st += struct.pack("<IIIIIIIIII", k * 100, k, k, k, k, k & 1, k, k & 1, k, k * 3)
        st += bytes([k]) + b"".join(struct.pack("<QB", 1000 * j, j & 1) for j in range(k))
        st += bytes([k]) + b"".join(struct.pack("<QQII", j + 1, 500 * j, j + 1, j) for j in range(k))
        seeds.add("text_fuzzer", st)

    # scan: the example session, and logs made of the lines with their commands
    with open(log, "rb") as f:
        session = f.read()
    for opt in range(8):
        seeds.add("scan_fuzzer", bytes([opt * 37 & 0xFF]) + session)
    chunk = 25
    for n in range(0, len(lines), chunk):
        out = []
        for j, (l, c) in enumerate(lines[n:n + chunk]):
            tag = b"t%d" % j
            if c:
                out.append(b"C: " + tag + b" " + c + b" x")
            if l.startswith((b"* ", b"+ ")):
                out.append(b"S: " + l)
            else:
                parts = l.split(b" ", 1)
                out.append(b"S: " + tag + b" " + (parts[1] if len(parts) > 1 else b""))
        seeds.add("scan_fuzzer", bytes([(n // chunk) & 0xFF]) + b"\n".join(out) + b"\n")

    seeds.write()


if __name__ == "__main__":
    main()
