#!/usr/bin/env python3
"""test-i18n-cli.py - translated explanations through the imaperr tool.

Run by "make check" with IMAPERR_TOOL, top_srcdir and top_builddir in the
environment (IMAPERR_LOCALEDIR too, but the checks set or remove it
themselves). Prints TAP; exit status 0 iff every check passed.

  1. --lang LL for every language of po/LINGUAS: the JSON "lang" is LL, no
     fallback, the message differs from English; the human output shows it.
  2. README's demo (--lang de, or the first shipped language).
  3. Without --lang: LC_ALL, LC_MESSAGES, LANG and LANGUAGE in gettext's
     order (LANGUAGE ignored for the C locale), without installed locales.
  4. --lang wins over the environment; unknown languages and unreadable
     catalogs fall back to English and say so.
  5. Values: the WEBALERT address and a mailbox from --command, quoted and
     isolated (U+2068 ... U+2069); no control characters.
  6. The build-tree tool finds the staged catalogs by itself.
"""

import json
import os
import subprocess
import sys

TOOL = os.environ.get("IMAPERR_TOOL")
SRCDIR = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BUILDDIR = os.environ.get("top_builddir") or "."
if not TOOL:
    TOOL = os.path.join(BUILDDIR, "tools", "imaperr")
LOCALEDIR = os.environ.get("IMAPERR_LOCALEDIR") or os.path.join(BUILDDIR, "locale")

QUOTA = "a NO [OVERQUOTA] Quota exceeded (mailbox for user is full)"
WEBALERT = "a NO [WEBALERT https://example.com/x] Web login required"
FSI, PDI = "\u2068", "\u2069"

n = 0
failed = 0


def ok(cond, desc, diag=()):
    global n, failed
    n += 1
    print("%sok %d - %s" % ("" if cond else "not ", n, desc))
    if not cond:
        failed += 1
        for d in diag:
            print("# " + str(d))


def env_for(**kw):
    """A clean environment: no locale variables except those given."""
    e = {k: v for k, v in os.environ.items()
         if k not in ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "IMAPERR_LOCALEDIR")}
    e["IMAPERR_LOCALEDIR"] = LOCALEDIR
    for k, v in kw.items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = v
    return e


def run(args, env=None):
    p = subprocess.run([TOOL] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env if env is not None else env_for(), timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def explain_json(lines, args=(), env=None):
    rc, out, err = run(["explain", "--json"] + list(args) + list(lines), env)
    objs = []
    for l in out.splitlines():
        try:
            objs.append(json.loads(l))
        except ValueError:
            objs.append(None)
    return rc, objs, err


def linguas():
    langs = []
    with open(os.path.join(SRCDIR, "po", "LINGUAS"), encoding="utf-8") as f:
        for line in f:
            langs += line.split("#")[0].split()
    return langs


LANGS = linguas()
if not LANGS:
    print("1..0 # SKIP po/LINGUAS lists no language")
    sys.exit(0)

_, EN, _ = explain_json([QUOTA, WEBALERT], ["--lang", "en"])
EN_MSG = [o["message"] for o in EN]

# 1. every language
for lang in LANGS:
    rc, objs, err = explain_json([QUOTA, WEBALERT], ["--lang", lang])
    good = rc == 0 and len(objs) == 2 and all(o and o.get("lang") == lang and o.get("lang_fallback") is False
                                              for o in objs)
    good = good and all(o["message"] != e for o, e in zip(objs, EN_MSG))
    good = good and FSI + "https://example.com/x" + PDI in objs[1]["message"]
    ok(good, "--lang %s: both lines in %s, not English, the address isolated" % (lang, lang),
       [rc, err] + [json.dumps(o, ensure_ascii=False) for o in objs])
    rc2, human, _ = run(["explain", "--lang", lang, QUOTA])
    ok(rc2 == 0 and good and ("  message:  " + objs[0]["message"]) in human,
       "--lang %s: the human output shows the translated message" % lang, human.splitlines())

# 2. README's demo
demo = "de" if "de" in LANGS else LANGS[0]
rc, human, err = run(["explain", "--lang", demo, QUOTA], env_for(IMAPERR_LOCALEDIR=None))
ok(rc == 0 and EN_MSG[0] not in human and "message:" in human,
   "README demo: explain --lang %s shows a translation (no IMAPERR_LOCALEDIR: the build tree's catalogs)" % demo,
   human.splitlines() + [err])

# 3. the environment, as gettext reads it
a, b = LANGS[0], LANGS[-1]


def lang_of(env):
    _, objs, _ = explain_json([QUOTA], (), env)
    return objs[0].get("lang") if objs and objs[0] else None


cases = [
    ({"LANG": a + ".UTF-8"}, a, "LANG"),
    ({"LANG": a + ".UTF-8", "LC_MESSAGES": b + ".UTF-8"}, b, "LC_MESSAGES over LANG"),
    ({"LANG": a + ".UTF-8", "LC_MESSAGES": a, "LC_ALL": b + ".UTF-8"}, b, "LC_ALL over LC_MESSAGES"),
    ({"LANG": a + ".UTF-8", "LANGUAGE": "xx:" + b}, b, "LANGUAGE list over LANG"),
    ({"LANG": "C", "LANGUAGE": b}, "en", "LANGUAGE ignored in the C locale"),
    ({"LC_ALL": "POSIX", "LANG": a}, "en", "LC_ALL=POSIX"),
    ({"LANG": "C.UTF-8", "LANGUAGE": b}, b, "LANGUAGE honoured in C.UTF-8 (as glibc does)"),
    ({}, "en", "no locale variable at all"),
]
for env, want, desc in cases:
    got = lang_of(env_for(**env))
    ok(got == want, "environment: %s -> %s" % (desc, want), ["got %r for %r" % (got, env)])

# 4. --lang wins; fallbacks
rc, objs, _ = explain_json([QUOTA], ["--lang", a], env_for(LANGUAGE=b, LC_ALL=b + ".UTF-8"))
ok(objs and objs[0] and objs[0]["lang"] == a, "--lang %s wins over LANGUAGE=%s and LC_ALL" % (a, b),
   [json.dumps(objs, ensure_ascii=False)])
rc, objs, _ = explain_json([QUOTA], ["--lang", "xx-YY"])
ok(objs and objs[0] and objs[0]["lang"] == "en" and objs[0]["lang_fallback"] is True
   and objs[0]["message"] == EN_MSG[0], "--lang xx-YY: English, lang_fallback true",
   [json.dumps(objs, ensure_ascii=False)])
rc, objs, _ = explain_json([QUOTA], ["--lang", a], env_for(IMAPERR_LOCALEDIR="/nonexistent/imaperr"))
ok(objs and objs[0] and objs[0]["lang"] == "en" and objs[0]["lang_fallback"] is True
   and objs[0]["message"] == EN_MSG[0],
   "catalogs not found (IMAPERR_LOCALEDIR=/nonexistent): English, lang_fallback true",
   [json.dumps(objs, ensure_ascii=False)])

# 5. values
rc, objs, _ = explain_json(["a NO [NONEXISTENT] no such mailbox"],
                           ["--lang", "en", "--command", 'SELECT "Entw&APw-rfe"'])
msg = objs[0]["message"] if objs and objs[0] else ""
ok("\u201c" + FSI + "Entw\u00fcrfe" + PDI + "\u201d" in msg,
   "--command 'SELECT \"Entw&APw-rfe\"': the folder name decoded, quoted and isolated", [msg])
rc, objs, _ = explain_json(["a NO [TRYCREATE] x"], ["--lang", a, "--command", "UID COPY 1:5 Archiv"])
msg = objs[0]["message"] if objs and objs[0] else ""
ok(FSI + "Archiv" + PDI in msg, "--command 'UID COPY 1:5 Archiv': the destination folder in %s" % a, [msg])
rc, out, _ = run(["explain", "--lang", b, "a NO [ALERT] \x1b[31mred\u202e text", WEBALERT])
ok(rc == 0 and "\x1b" not in out and "\u202e" not in out,
   "human output in %s holds no ESC and no bidi override from the server" % b, [repr(out[:300])])

# 6. --no-retry: no promised retry once the application has given up
for lang in ("en", a):
    _, plain, _ = explain_json(["a NO [UNAVAILABLE] try later"], ["--lang", lang])
    _, final, _ = explain_json(["a NO [UNAVAILABLE] try later"], ["--lang", lang, "--no-retry"])
    p0 = plain[0] if plain and plain[0] else {}
    f0 = final[0] if final and final[0] else {}
    # message_key stays the category's key (as with the -retry and -mailbox
    # variants); the sentence is the -final variant's
    ok(f0.get("message") and f0.get("message") != p0.get("message")
       and (lang != "en" or "Your app will" not in f0.get("message"))
       and f0.get("message_key") == p0.get("message_key")
       and f0.get("category") == p0.get("category") and f0.get("action") == p0.get("action"),
       "--no-retry --lang %s: UNAVAILABLE does not promise a retry; same key, category and "
       "action" % lang, [json.dumps([p0, f0], ensure_ascii=False)])
_, plain, _ = explain_json(["a NO [NOPERM] denied"], ["--lang", a])
_, final, _ = explain_json(["a NO [NOPERM] denied"], ["--lang", a, "--no-retry"])
ok(plain and final and plain[0] and final[0] and plain[0]["message"] == final[0]["message"],
   "--no-retry leaves a message that promises no retry unchanged (NOPERM, %s)" % a,
   [json.dumps([plain, final], ensure_ascii=False)])
rc, out, _ = run(["scan", "--all", "--no-retry", "--lang", "en", "/dev/null"])
ok(rc == 0, "scan accepts --no-retry", [out])

print("1..%d" % n)
sys.exit(1 if failed else 0)
