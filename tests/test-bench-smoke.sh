#!/bin/sh
# test-bench-smoke.sh - `make bench`'s programs still build and run (they
# are compiled by `make check`; the real measurement is `make bench`).
# TAP output. On 1,000 lines:
#   1. gen-lines is deterministic, writes exactly N CRLF-terminated lines
#      and covers every kind of line;
#   2. bench-parse runs every row and prints the table, the goals and,
#      with libetpan, how many lines libetpan parsed (most of them).
# Environment: top_srcdir, top_builddir (AM_TESTS_ENVIRONMENT).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/tap.sh"

gen=$top_builddir/bench/gen-lines
bench=$top_builddir/bench/bench-parse
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-bench.XXXXXX") || { echo "Bail out! mktemp failed"; exit 1; }
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# 1. the generator
check "gen-lines runs" "$gen" -n 1000 --srcdir "$top_srcdir" -o "$tmp/a" 2>"$tmp/a.err"
"$gen" -n 1000 --srcdir "$top_srcdir" -o "$tmp/b" 2>/dev/null
check "gen-lines is deterministic" cmp -s "$tmp/a" "$tmp/b"
"$gen" -n 1000 --seed 7 --srcdir "$top_srcdir" -o "$tmp/c" 2>/dev/null
check "another seed gives other lines" eval '! cmp -s "$tmp/a" "$tmp/c"'
lines=$(wc -l < "$tmp/a" | tr -d ' ')
check "1000 lines written (got $lines)" test "$lines" = 1000
crlf=$(LC_ALL=C grep -c "$(printf '\r')\$" "$tmp/a")
check "every line ends in CRLF ($crlf)" test "$crlf" = 1000
for kind in "registered code" "tagged, no code" "untagged data" "malformed" "long CAPABILITY" \
        "unknown/vendor code" "server wording" "continuation"; do
    count=$(sed -n "s|^  $kind[^0-9]* \([0-9][0-9]*\)\$|\1|p" "$tmp/a.err")
    check "lines of kind '$kind' ($count)" test "${count:-0}" -gt 0
done
"$gen" -n 200 --log --srcdir "$top_srcdir" -o "$tmp/log" 2>/dev/null
check "--log writes C: and S: lines" eval 'grep -q "^C: " "$tmp/log" && grep -q "^S: " "$tmp/log"'

# 2. the benchmark
"$bench" -n 1000 --passes 1 --srcdir "$top_srcdir" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "bench-parse exits 0 ($rc)" test "$rc" = 0
for row in "memchr line-end floor" "imaperr parse" "parse + classify (fallback off)" \
        "parse + classify + typed args" "parse + classify (fallback on)" "explain, de" "advise" \
        "libetpan"; do
    check "row '$row' present" grep -q "^| .*$row" "$tmp/out"
done
check "goals printed" grep -q "parse + classify / floor" "$tmp/out"
check "explain rows speak de and ja (catalogs found)" grep -q "^explain:  en, de, ja" "$tmp/out"
if grep -q "libetpan: not available" "$tmp/out"; then
    ok "# SKIP libetpan not built in"
else
    pct=$(sed -n 's/^libetpan parsed [0-9]* of [0-9]* lines without error (\([0-9]*\)\..*/\1/p' "$tmp/out")
    check "libetpan parses most lines (${pct:-?} %)" test "${pct:-0}" -ge 50
fi
if [ -s "$tmp/err" ]; then sed 's/^/# /' "$tmp/err"; fi
tap_done
