#!/bin/sh
# test-symbols.sh - the shared library exports exactly the public API.
#
# The public API is what include/imaperr.h declares with IMAPERR_API; there
# is no third, hand-kept list. Checks:
#   - every exported symbol starts with imaperr_ (and none with the internal
#     prefix imaperr__);
#   - every function declared IMAPERR_API in the header is exported;
#   - every exported symbol is declared IMAPERR_API in the header.
#
# Environment (set by AM_TESTS_ENVIRONMENT in Makefile.am): top_srcdir,
# top_builddir; NM may name another nm. POSIX sh; works with dash. TAP output.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
AWK=${AWK:-awk}
NM=${NM:-nm}

. "$top_srcdir/tests/tap.sh"

so=$top_builddir/lib/.libs/libimaperr.so
la=$top_builddir/lib/libimaperr.la
header=$top_srcdir/include/imaperr.h

if [ ! -f "$so" ] && [ -f "$la" ] && grep -q "^dlname=''" "$la"; then
    echo "1..0 # SKIP no shared library was built (--disable-shared)"
    exit 0
fi
if ! command -v "$NM" >/dev/null 2>&1; then
    echo "1..0 # SKIP $NM not found"
    exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-symbols.XXXXXX") || { echo "Bail out! mktemp failed"; exit 1; }
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# ---------------------------------------------------------------------------
# Exported symbols: dynamic, defined. "name@@VERSION" loses its version; the
# version nodes themselves ("IMAPERR_0.1", type A, named after an "@") are
# not symbols of the API.
if [ -f "$so" ] && "$NM" -D --defined-only "$so" >"$tmp/nm" 2>"$tmp/nm.err"; then
    ok "nm -D --defined-only reads lib/.libs/libimaperr.so"
else
    not_ok "nm -D --defined-only reads $so"
    sed 's/^/# /' "$tmp/nm.err" 2>/dev/null
    tap_done
    exit 1
fi
"$AWK" '
    NF >= 2 {
        type = $(NF - 1); name = $NF
        if (match(name, /@/)) { versions[substr(name, RSTART)] = 1; name = substr(name, 1, RSTART - 1) }
        n++; types[n] = type; names[n] = name
    }
    END {
        for (i = 1; i <= n; i++) {
            if (types[i] == "A" && (("@" names[i]) in versions || ("@@" names[i]) in versions))
                continue
            print names[i]
        }
    }
' "$tmp/nm" | LC_ALL=C sort -u >"$tmp/exported"

# ---------------------------------------------------------------------------
# Declared API: every declaration that carries IMAPERR_API, comments and
# preprocessor lines removed, possibly spread over several lines. The name
# is the identifier before the first "(" (functions) or the last one before
# ";", "[" or "=" (objects).
"$AWK" '
    {
        line = $0; out = ""
        while (line != "") {
            if (incomment) {
                p = index(line, "*/")
                if (p == 0) { line = ""; break }
                line = substr(line, p + 2); incomment = 0
            } else {
                p = index(line, "/*")
                if (p == 0) { out = out line; line = ""; break }
                out = out substr(line, 1, p - 1) " "; line = substr(line, p + 2); incomment = 1
            }
        }
        sub(/\/\/.*/, "", out)
        if (inpp) { inpp = (out ~ /\\$/); next }
        if (out ~ /^[ \t]*#/) { inpp = (out ~ /\\$/); next }
        if (!indecl && out ~ /(^|[^A-Za-z0-9_])IMAPERR_API([^A-Za-z0-9_]|$)/) {
            indecl = 1; decl = ""
        }
        if (!indecl) next
        decl = decl " " out
        if (index(decl, ";") == 0) next
        indecl = 0
        s = decl
        sub(/.*IMAPERR_API/, "", s)
        p = index(s, "(")
        if (p > 0) s = substr(s, 1, p - 1)
        else {
            p = index(s, ";"); s = substr(s, 1, p - 1)
            sub(/=.*/, "", s); sub(/\[.*/, "", s)
        }
        sub(/[ \t]+$/, "", s)
        if (match(s, /[A-Za-z_][A-Za-z0-9_]*$/)) print substr(s, RSTART, RLENGTH)
        else print "?unparsed: " decl
    }
' "$header" | LC_ALL=C sort >"$tmp/declared"

ndecl=$(wc -l <"$tmp/declared")
nexp=$(wc -l <"$tmp/exported")
if [ "$ndecl" -gt 0 ] && ! grep -q '^?' "$tmp/declared"; then
    ok "include/imaperr.h declares $ndecl IMAPERR_API symbols"
else
    not_ok "include/imaperr.h: IMAPERR_API declarations found and understood"
    grep '^?' "$tmp/declared" | sed 's/^/# /'
fi
dups=$(uniq -d "$tmp/declared")
if [ -z "$dups" ]; then
    ok "no symbol is declared IMAPERR_API twice"
else
    not_ok "no symbol is declared IMAPERR_API twice:" $dups
fi
LC_ALL=C sort -u "$tmp/declared" -o "$tmp/declared"
if [ "$nexp" -gt 0 ]; then
    ok "the library exports $nexp symbols"
else
    not_ok "the library exports symbols"
fi

# ---------------------------------------------------------------------------
bad=$(grep -v '^imaperr_' "$tmp/exported")
if [ -z "$bad" ]; then
    ok "every exported symbol starts with imaperr_"
else
    not_ok "every exported symbol starts with imaperr_; these do not:" $bad
fi
bad=$(grep '^imaperr__' "$tmp/exported")
if [ -z "$bad" ]; then
    ok "no internal imaperr__ symbol is exported"
else
    not_ok "no internal imaperr__ symbol is exported; these are:" $bad
fi

while read -r name; do
    if grep -qx "$name" "$tmp/exported"; then
        ok "declared $name is exported"
    else
        not_ok "declared $name is exported"
    fi
done <"$tmp/declared"

while read -r name; do
    if grep -qx "$name" "$tmp/declared"; then
        ok "exported $name is declared IMAPERR_API in include/imaperr.h"
    else
        not_ok "exported $name is declared IMAPERR_API in include/imaperr.h"
    fi
done <"$tmp/exported"

tap_done
