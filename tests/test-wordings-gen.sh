#!/bin/sh
# test-wordings-gen.sh - lib/gen-wordings.awk: the generated matcher matches
# the table, and the generator refuses inconsistent tables.
#
# Checks:
#   - lib/wordings-data.c is what the generator makes of the tables now;
#   - the generated tables hold together (state and edge counts, every
#     wording row and pattern present);
#   - each pattern occurs in its row's EXAMPLE (letter case ignored, blanks
#     collapsed), and the table's IDs are unique;
#   - a broken table (one mistake at a time) stops the generator with a
#     message naming the file and the line.
#
# Environment (set by AM_TESTS_ENVIRONMENT in Makefile.am): top_srcdir,
# AWK. POSIX sh; TAP output.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
AWK=${AWK:-awk}

. "$top_srcdir/tests/tap.sh"

lib=$top_srcdir/lib
gen=$lib/gen-wordings.awk
inputs="$lib/vocabulary.tsv $lib/messages.tsv $lib/registry.tsv"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-wordings-gen.XXXXXX") || { echo "Bail out! mktemp failed"; exit 1; }
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# ---------------------------------------------------------------------------
if "$AWK" -f "$gen" $inputs "$lib/wordings.tsv" >"$tmp/data.c" 2>"$tmp/err"; then
    ok "the generator accepts lib/wordings.tsv"
else
    not_ok "the generator accepts lib/wordings.tsv"
    sed 's/^/# /' "$tmp/err"
fi
if [ -f "$lib/wordings-data.c" ] && cmp -s "$tmp/data.c" "$lib/wordings-data.c"; then
    ok "lib/wordings-data.c is up to date with the tables"
else
    not_ok "lib/wordings-data.c is up to date with the tables"
fi

# every wording row is in the generated table, in order
"$AWK" -F'\t' '$1 == "wording" { print $2 }' "$lib/wordings.tsv" >"$tmp/ids.tsv"
sed -n 's/^    { "\([a-z0-9-]*\)", "[a-z0-9-]*", .*/\1/p' "$tmp/data.c" >"$tmp/ids.c"
check "every wording row is generated, in table order ($(wc -l <"$tmp/ids.tsv" | tr -d ' ') rows)" \
    cmp -s "$tmp/ids.tsv" "$tmp/ids.c"

dups=$(sort "$tmp/ids.tsv" | uniq -d)
check "wording IDs are unique" test -z "$dups"

# the declared sizes of the state and edge tables fit what was written
states=$(sed -n 's/^const unsigned imaperr__wc_nstates = \([0-9]*\);/\1/p' "$tmp/data.c")
decl=$(sed -n 's/^const struct imaperr__wc_state imaperr__wc_states\[\([0-9]*\)\].*/\1/p' "$tmp/data.c")
check "the automaton has as many states as declared ($states)" test -n "$states" -a "$states" = "$decl"

# every pattern occurs in its own example (the C test checks the rest)
"$AWK" -F'\t' '
$1 == "wording" {
    p = $7; sub(/^\^/, "", p); sub(/\*$/, "", p)
    e = tolower($13); gsub(/[ \t]+/, " ", e)
    if (index(e, p) == 0) { print "# " $2 ": \"" p "\" not in \"" $13 "\""; bad = 1 }
}
$1 == "hint" {
    e = tolower($5); gsub(/[ \t]+/, " ", e)
    if (index(e, $4) == 0) { print "# " $2 ": \"" $4 "\" not in \"" $5 "\""; bad = 1 }
}
END { exit bad }' "$lib/wordings.tsv" >"$tmp/occ" 2>&1
if [ $? -eq 0 ]; then ok "every pattern occurs in its row's EXAMPLE"; else not_ok "every pattern occurs in its row's EXAMPLE"; cat "$tmp/occ"; fi

# ---------------------------------------------------------------------------
# Broken tables. Each case edits a copy of the table with an awk program
# and must make the generator fail with "wordings.tsv:LINE:".
row() {
    printf 'wording\t%s\tgeneric\tNO\t*\t-\t%s\tunknown\tfail\t-\t-\t60\ta1 NO %s\thttps://example.com/evidence\n' "$1" "$2" "$2"
}
refuse() {
    desc=$1
    shift
    cp "$lib/wordings.tsv" "$tmp/wordings.tsv"
    "$@" >>"$tmp/wordings.tsv"
    if "$AWK" -f "$gen" $inputs "$tmp/wordings.tsv" >/dev/null 2>"$tmp/err"; then
        not_ok "refused: $desc (the generator accepted it)"
    elif grep -q 'wordings.tsv:[0-9][0-9]*: ' "$tmp/err" || grep -q '^gen-wordings.awk: wordings.tsv' "$tmp/err"; then
        ok "refused: $desc ($(head -n 1 "$tmp/err" | sed 's/.*wordings.tsv[:0-9]* //'))"
    else
        not_ok "refused: $desc (no file:line in the message)"
        sed 's/^/# /' "$tmp/err"
    fi
}
line() { printf '%s\n' "$1" | sed 's/|/\t/g'; }

refuse "a duplicate ID" row generic-login-failed "zzz zzz"
refuse "a pattern in upper case" row test-upper "Upper Case"
refuse "a pattern of two characters" row test-short "ab"
refuse "a pattern with two spaces in a row" row test-spaces "two  spaces"
refuse "a pattern with a trailing space" row test-trail "trailing "
refuse "a pattern with non-ASCII bytes" row test-utf8 "$(printf 'caf\303\251 au lait')"
refuse "'^' inside a pattern" row test-caret "a^b c"
refuse "a pattern longer than 100 characters" row test-long \
    "$(printf 'x%.0s' $(seq 1 101))"
refuse "the same fragment with different marks" row test-marks "^login failed"
refuse "a wrong column count" line "wording|test-cols|generic|NO|*|-|some words|unknown|fail|-|-|60|a1 NO some words"
refuse "an unknown family" line "wording|test-fam|nosuchfamily|NO|*|-|some words|unknown|fail|-|-|60|a1 NO some words|x"
refuse "an unknown status" line "wording|test-st|generic|MAYBE|*|-|some words|unknown|fail|-|-|60|a1 NO some words|x"
refuse "OK mixed with NO" line "wording|test-okno|generic|OK,NO|*|-|some words|unknown|fail|-|-|60|a1 NO some words|x"
refuse "an OK row with a retry action" line "wording|test-okact|generic|OK|*|-|some words|transient|retry-backoff|-|-|60|a1 OK some words|x"
refuse "a failure row with action none" line "wording|test-none|generic|NO|*|-|some words|transient|none|-|-|60|a1 NO some words|x"
refuse "an unknown command" line "wording|test-cmd|generic|NO|FROBNICATE|-|some words|unknown|fail|-|-|60|a1 NO some words|x"
refuse "an unknown code" line "wording|test-code|generic|NO|*|-,NOSUCHCODE|some words|unknown|fail|-|-|60|a1 NO some words|x"
refuse "an unknown category" line "wording|test-cat|generic|NO|*|-|some words|nosuchcat|fail|-|-|60|a1 NO some words|x"
refuse "category ok" line "wording|test-ok|generic|NO|*|-|some words|ok|fail|-|-|60|a1 NO some words|x"
refuse "an unknown action" line "wording|test-act|generic|NO|*|-|some words|unknown|nosuchaction|-|-|60|a1 NO some words|x"
refuse "an unknown message key" line "wording|test-msg|generic|NO|*|-|some words|unknown|fail|no-such-key|-|60|a1 NO some words|x"
refuse "confidence 100" line "wording|test-c100|generic|NO|*|-|some words|unknown|fail|-|-|100|a1 NO some words|x"
refuse "confidence 0" line "wording|test-c0|generic|NO|*|-|some words|unknown|fail|-|-|0|a1 NO some words|x"
refuse "no example" line "wording|test-ex|generic|NO|*|-|some words|unknown|fail|-|-|60|-|x"
refuse "no evidence" line "wording|test-ev|generic|NO|*|-|some words|unknown|fail|-|-|60|a1 NO some words|-"
refuse "a second version row" line "version|2"
refuse "an unknown row type" line "pattern|x"
refuse "a hint of an unknown kind" line "hint|test-hint|delay|retry after|a1 NO retry after 5|x"
refuse "a url hint that is not http(s)" line "hint|test-ftp|url|ftp://|a1 NO ftp://x|x"
refuse "a hint fragment also used by a wording" line "hint|test-dup|backoff|request is throttled|a1 NO request is throttled 5 ms|x"

cp "$lib/wordings.tsv" "$tmp/wordings.tsv"
"$AWK" '$1 != "version"' "$lib/wordings.tsv" >"$tmp/wordings.tsv"
if "$AWK" -f "$gen" $inputs "$tmp/wordings.tsv" >/dev/null 2>"$tmp/err"; then
    not_ok "refused: a table without a version row"
else
    ok "refused: a table without a version row"
fi

tap_done
