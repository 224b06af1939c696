#!/bin/sh
# test-po.sh - the translation catalogs in po/ (TAP output):
#   - po/LINGUAS and the po/*.po files name the same languages, and list
#     every language the project promises;
#   - each catalog: `msgfmt -c --check-format` clean, every message
#     translated, nothing fuzzy, every msgid of the template present and no
#     other, a header with Language, charset UTF-8 and Plural-Forms;
#   - no msgstr left in English (equal to its msgid), and no quotation
#     marks around placeholders (the library quotes names itself).
#
# Environment (AM_TESTS_ENVIRONMENT): top_srcdir, AWK, MSGFMT, MSGCMP.
# POSIX sh; works with dash.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
AWK=${AWK:-awk}
MSGFMT=${MSGFMT:-msgfmt}
MSGCMP=${MSGCMP:-msgcmp}
po=$top_srcdir/po

. "$top_srcdir/tests/tap.sh"

# The languages issue 6 promises; all must be shipped.
promised="de fr es it nl pt_BR pt_PT pl ru uk ja zh_CN zh_TW ko ar he tr sv"

if ! command -v "$MSGFMT" >/dev/null 2>&1 || [ "$MSGFMT" = ":" ]; then
    echo "1..0 # SKIP msgfmt (GNU gettext) is not installed"
    exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-po.XXXXXX") || { echo "Bail out! mktemp failed"; exit 1; }
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# ---------------------------------------------------------------------------
# LINGUAS == set of po/*.po
sed -e 's/#.*//' "$po/LINGUAS" | tr ' \t' '\n\n' | sed '/^$/d' >"$tmp/linguas"
sort "$tmp/linguas" >"$tmp/linguas.sorted"
sort -u "$tmp/linguas" >"$tmp/linguas.uniq"
(cd "$po" && ls *.po 2>/dev/null) | sed 's/\.po$//' | sort >"$tmp/files"
if cmp -s "$tmp/linguas.sorted" "$tmp/linguas.uniq"; then
    ok "po/LINGUAS names each language once"
else
    not_ok "po/LINGUAS names each language once"
fi
if cmp -s "$tmp/linguas.uniq" "$tmp/files"; then
    ok "po/LINGUAS and po/*.po agree ($(wc -l <"$tmp/files" | tr -d ' ') languages)"
else
    not_ok "po/LINGUAS and po/*.po agree"
    comm -23 "$tmp/linguas.uniq" "$tmp/files" | sed 's/^/# in LINGUAS without a .po file: /'
    comm -13 "$tmp/linguas.uniq" "$tmp/files" | sed 's/^/# .po file not in LINGUAS: /'
fi
missing=""
for l in $promised; do
    grep -qx "$l" "$tmp/linguas.uniq" || missing="$missing $l"
done
if [ -z "$missing" ]; then
    ok "every promised language is shipped ($promised)"
else
    not_ok "every promised language is shipped; missing:$missing"
fi

pot=$po/libimaperr.pot
[ -f "$pot" ] && ok "the template po/libimaperr.pot exists" || not_ok "the template po/libimaperr.pot exists"

# ---------------------------------------------------------------------------
# Each catalog
for lang in $(cat "$tmp/linguas.uniq"); do
    f=$po/$lang.po
    if [ ! -f "$f" ]; then
        not_ok "$lang: po/$lang.po exists"
        continue
    fi
    if "$MSGFMT" -c --check-format --statistics -o /dev/null "$f" >"$tmp/out" 2>&1 &&
        ! grep -q -e fuzzy -e untranslated -e warning "$tmp/out"; then
        ok "$lang: msgfmt -c --check-format: $(tail -n 1 "$tmp/out")"
    else
        not_ok "$lang: msgfmt -c --check-format, complete, nothing fuzzy"
        sed 's/^/# /' "$tmp/out" | head -n 20
    fi
    if [ -f "$pot" ]; then
        if "$MSGCMP" "$f" "$pot" >"$tmp/out" 2>&1; then
            ok "$lang: every msgid of the template is translated"
        else
            not_ok "$lang: every msgid of the template is translated"
            sed 's/^/# /' "$tmp/out" | head -n 10
        fi
        if "$MSGCMP" --use-untranslated "$pot" "$f" >"$tmp/out" 2>&1; then
            ok "$lang: no msgid the template does not have"
        else
            not_ok "$lang: no msgid the template does not have"
            sed 's/^/# /' "$tmp/out" | head -n 10
        fi
    fi
    # One logical line per string, no comments or obsolete entries.
    msgcat --no-wrap --no-location "$f" 2>/dev/null | sed -e '/^#/d' >"$tmp/flat" ||
        cp "$f" "$tmp/flat"
    "$AWK" -v lang="$lang" '
        function unq(s) { sub(/^[^"]*"/, "", s); sub(/"[ \t]*$/, "", s); return s }
        /^msgid "/ { state = "id"; id = unq($0); idp = ""; nstr = 0; next }
        /^msgid_plural "/ { state = "idp"; idp = unq($0); next }
        /^msgstr(\[[0-9]+\])? "/ { state = "str"; str[nstr++] = unq($0); check(); next }
        /^"/ {
            # a continuation (header lines): append
            if (state == "id") id = id unq($0)
            else if (state == "str") { str[nstr - 1] = str[nstr - 1] unq($0); hdr = hdr unq($0) }
            next
        }
        function check(   s, want, q, sp) {
            if (id == "") { hdr = str[0]; return }
            s = str[nstr - 1]
            want = (nstr - 1 == 0 || idp == "") ? id : idp
            if (s == want && s ~ / /) print "english\t" s
            # double quotation marks of any script (not apostrophes, which
            # may elide in French or Italian), with an optional space
            q = "(\\\"|“|”|«|»|「|」|„|『|』|‹|›)"
            sp = "( | | )?"
            if (s ~ (q sp "%[0-9][$]s") || s ~ ("%[0-9][$]s" sp q))
                print "quoted\t" s
        }
        END {
            if (hdr !~ ("Language: " lang "\\\\n")) print "header\tLanguage is not " lang
            if (hdr !~ /charset=UTF-8/) print "header\tcharset is not UTF-8"
            if (hdr !~ /Plural-Forms: nplurals=[0-9]+; *plural=/) print "header\tno Plural-Forms"
        }
    ' "$tmp/flat" >"$tmp/problems"
    if grep -q '^header' "$tmp/problems"; then
        not_ok "$lang: header has Language: $lang, charset=UTF-8 and Plural-Forms"
        grep '^header' "$tmp/problems" | cut -f2 | sed 's/^/# /'
    else
        ok "$lang: header has Language: $lang, charset=UTF-8 and Plural-Forms"
    fi
    if grep -q '^english' "$tmp/problems"; then
        not_ok "$lang: no message left in English"
        grep '^english' "$tmp/problems" | cut -f2 | head -n 5 | sed 's/^/# /'
    else
        ok "$lang: no message left in English"
    fi
    if grep -q '^quoted' "$tmp/problems"; then
        not_ok "$lang: no quotation marks around placeholders (the library adds them)"
        grep '^quoted' "$tmp/problems" | cut -f2 | head -n 5 | sed 's/^/# /'
    else
        ok "$lang: no quotation marks around placeholders (the library adds them)"
    fi
done

tap_done
