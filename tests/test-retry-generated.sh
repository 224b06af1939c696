#!/bin/sh
# test-retry-generated.sh - the retry advisor's generated files and static
# promises, and the `imaperr advise` command. TAP output.
#   1. lib/retry-data.c and doc/retry-policy.md match lib/retry-policy.tsv;
#   2. lib/gen-retry.awk refuses broken tables, naming the line;
#   3. the advisor's objects call no clock, no sleep, no global random
#      source and no allocator (nm);
#   4. `imaperr advise`: output, determinism, usage errors.
#
# Environment (set by AM_TESTS_ENVIRONMENT in Makefile.am): top_srcdir,
# top_builddir, AWK, IMAPERR_TOOL. POSIX sh; works with dash.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
AWK=${AWK:-awk}
NM=${NM:-nm}
TOOL=${IMAPERR_TOOL:-$top_builddir/tools/imaperr}

. "$top_srcdir/tests/tap.sh"

gen=$top_srcdir/lib/gen-retry.awk
voc=$top_srcdir/lib/vocabulary.tsv
tab=$top_srcdir/lib/retry-policy.tsv

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-retry.XXXXXX") || { echo "Bail out! mktemp failed"; exit 1; }
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# ---------------------------------------------------------------------------
# 1. Regenerating gives exactly the files in the tree.
for pair in data:lib/retry-data.c doc:doc/retry-policy.md; do
    what=${pair%%:*}
    file=${pair#*:}
    if "$AWK" -v out="$what" -f "$gen" "$voc" "$tab" >"$tmp/$what" 2>"$tmp/$what.err" && [ ! -s "$tmp/$what.err" ]; then
        ok "gen-retry.awk runs cleanly for out=$what"
    else
        not_ok "gen-retry.awk runs cleanly for out=$what"
        sed 's/^/# /' "$tmp/$what.err"
    fi
    if [ ! -f "$top_srcdir/$file" ]; then
        not_ok "$file exists"
    elif cmp -s "$tmp/$what" "$top_srcdir/$file"; then
        ok "$file is up to date with lib/retry-policy.tsv"
    else
        not_ok "$file is up to date with lib/retry-policy.tsv (make update-retry-doc)"
        diff "$top_srcdir/$file" "$tmp/$what" 2>&1 | head -n 20 | sed 's/^/# /'
    fi
done
nrules=$(grep -c '^rule	' "$tab")
ndoc=$(grep -c -E '^\| [0-9]+ \| (response|no-response|connect-failed|\*) \|' "$top_srcdir/doc/retry-policy.md")
check "doc/retry-policy.md lists all $nrules rules" [ "$nrules" = "$ndoc" ]

# ---------------------------------------------------------------------------
# 2. Broken tables are refused with the file and line.
#    mutate NAME AWK-PROGRAM: apply the program to the table, expect failure.
mutate() {
    name=$1
    shift
    "$AWK" -F '\t' -v OFS='\t' "$@" "$tab" >"$tmp/bad.tsv"
    if cmp -s "$tmp/bad.tsv" "$tab"; then
        not_ok "mutation '$name' changed the table"
        return
    fi
    if "$AWK" -v out=data -f "$gen" "$voc" "$tmp/bad.tsv" >"$tmp/bad.out" 2>"$tmp/bad.err"; then
        not_ok "gen-retry.awk refuses a table with $name"
    elif grep -q 'bad.tsv:[0-9][0-9]*: ' "$tmp/bad.err" && [ ! -s "$tmp/bad.out" ]; then
        ok "gen-retry.awk refuses a table with $name ($(sed 's/.*bad.tsv://' "$tmp/bad.err" | head -n 1))"
    else
        not_ok "gen-retry.awk names the line for $name"
        sed 's/^/# /' "$tmp/bad.err"
    fi
}
mutate "an unknown category" '$1 == "rule" && !d && $4 != "*" { $4 = "no-such-category"; d = 1 } { print }'
mutate "an unknown action" '$1 == "rule" && !d { $8 = "retry-forever"; d = 1 } { print }'
mutate "an unknown delay class" '$1 == "rule" && !d { $9 = "soon"; d = 1 } { print }'
mutate "an unknown flag" '$1 == "rule" && $11 != "-" && !d { $11 = $11 ",no-such-flag"; d = 1 } { print }'
mutate "a pre-action its action does not imply" '$8 == "retry-after-create" && !d { $12 = "noop"; d = 1 } { print }'
mutate "an unknown command" '$1 == "rule" && $6 == "DELETE" && !d { $6 = "DELETEALL"; d = 1 } { print }'
mutate "a rule without WHY" '$1 == "rule" && !d { $14 = ""; d = 1 } { print }'
mutate "too few columns" '$1 == "rule" && !d { s = $1; for (i = 2; i <= 13; i++) s = s OFS $i; print s; d = 1; next } { print }'
mutate "parameters out of order" '$1 == "param" && $2 == "3" { $2 = "4" } { print }'
mutate "MIN above MAX" '$1 == "param" && $2 == "1" { $5 = "99999999" } { print }'
mutate "a default out of range" '$1 == "param" && $2 == "0" { $4 = "9" } { print }'
mutate "a duplicate parameter" '$1 == "param" && $2 == "2" { $3 = "transient-base" } { print }'
mutate "a bad jitter" '$1 == "param" && $7 == "jitter" && !d { $4 = "some"; d = 1 } { print }'
mutate "a duplicate command" '$1 == "command" && $2 == "COPY" { $2 = "CLOSE" } { print }'
mutate "an unknown command property" '$1 == "command" && $2 == "APPEND" { $3 = "mailbox,magic" } { print }'
mutate "an unknown row type" 'NR == 20 { print "rules\tx" } { print }'

# ---------------------------------------------------------------------------
# 3. No clock, no sleep, no global random source, no allocation: the
#    undefined symbols of the advisor's objects.
found=0
for o in advise random retry-state retry-data; do
    obj=$(find "$top_builddir/lib" -name "libimaperr_core_la-$o.o" 2>/dev/null | head -n 1)
    if [ -z "$obj" ]; then
        not_ok "object of lib/$o.c found"
        continue
    fi
    found=$((found + 1))
    if ! "$NM" -u "$obj" >"$tmp/nm" 2>/dev/null; then
        not_ok "nm -u reads $obj"
        continue
    fi
    bad=$("$AWK" '{ s = $NF; sub(/@.*/, "", s); print s }' "$tmp/nm" | grep -x -E \
        'time|clock|clock_gettime|gettimeofday|ftime|times|rand|rand_r|random|srand|srandom|drand48|erand48|lrand48|nrand48|mrand48|jrand48|srand48|arc4random|arc4random_uniform|getrandom|getentropy|sleep|usleep|nanosleep|clock_nanosleep|malloc|calloc|realloc|reallocarray|free|strdup|strndup|aligned_alloc|posix_memalign' | tr '\n' ' ')
    if [ -z "$bad" ]; then
        ok "lib/$o.c calls no clock, sleep, global random source or allocator"
    else
        not_ok "lib/$o.c calls no clock, sleep, global random source or allocator: $bad"
    fi
done

# ---------------------------------------------------------------------------
# 4. imaperr advise
if [ ! -x "$TOOL" ] && [ ! -f "$TOOL" ]; then
    not_ok "the imaperr tool exists at $TOOL"
    tap_done
    exit 1
fi
out=$("$TOOL" advise --json --command "UID FETCH" --seed 7 'a1 NO [UNAVAILABLE] try later')
rc=$?
check "advise --json exits 0" [ "$rc" = 0 ]
for member in '"action":"retry-backoff"' '"scope":"command"' '"reason":"rule"' '"delay_ms":' \
    '"category":"transient"' '"attempt":1' '"attempts_left":2' '"seed":7' '"flags":[]'; do
    case $out in
    *"$member"*) ok "advise --json has $member" ;;
    *) not_ok "advise --json has $member: $out" ;;
    esac
done
again=$("$TOOL" advise --json --command "UID FETCH" --seed 7 'a1 NO [UNAVAILABLE] try later')
check "advise is deterministic for a seed" [ "$out" = "$again" ]
d1=$(printf '%s' "$out" | sed 's/.*"delay_ms":\([0-9]*\).*/\1/')
check "the delay of attempt 1 is within [0, 1000] ms" sh -c '[ "$1" -ge 0 ] && [ "$1" -le 1000 ]' sh "$d1"
out=$("$TOOL" advise --json --command APPEND --outcome timeout)
case $out in
*'"action":"reconnect"'*'"verify-first"'*) ok "an APPEND without answer: reconnect, verify first" ;;
*) not_ok "an APPEND without answer: reconnect, verify first: $out" ;;
esac
out=$("$TOOL" advise --json --command "UID FETCH" --attempt 3 'a1 NO [UNAVAILABLE] x')
case $out in
*'"action":"fail"'*'"reason":"max-attempts"'*) ok "advise --attempt 3 gives up (max-attempts)" ;;
*) not_ok "advise --attempt 3 gives up: $out" ;;
esac
out=$("$TOOL" advise --json --command LOGIN 'a1 NO [AUTHENTICATIONFAILED] Invalid credentials')
case $out in
*'"action":"user-action"'*'"latched"'*) ok "a rejected password: user-action, latched" ;;
*) not_ok "a rejected password: user-action, latched: $out" ;;
esac
out=$("$TOOL" advise --command FETCH --hint 92415 'a1 NO [THROTTLED] slow down')
case $out in
*"action:   retry-backoff after"*"scope: account"*"hint-used"*) ok "human output: action, delay, scope, flags" ;;
*) not_ok "human output: action, delay, scope, flags: $out" ;;
esac
n=$(printf 'a1 NO [INUSE] x\na2 NO [UNAVAILABLE] y\n' | "$TOOL" advise --json | wc -l)
check "advise reads lines from standard input, one object each" [ "$n" -eq 2 ]
n=$("$TOOL" advise --policy | wc -l)
nparams=$(grep -c '^param	' "$tab")
check "advise --policy lists the $nparams parameters" [ "$n" -eq "$nparams" ]
out=$("$TOOL" advise --policy --set max-attempts=5 --set transient-jitter=equal)
case $out in
*"max-attempts           5"*"transient-jitter       1"*) ok "advise --set changes parameters" ;;
*) not_ok "advise --set changes parameters: $out" ;;
esac
for bad in "--set max-attempts=9" "--set nope=1" "--attempt 0" "--outcome later" "--frobnicate" "--seed" \
    "--auth kerberos" "--set max-attempts"; do
    # shellcheck disable=SC2086
    "$TOOL" advise $bad 'a1 NO x' >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && [ -s "$tmp/err" ]; then
        ok "advise $bad: exit 2 with a message"
    else
        not_ok "advise $bad: exit 2 with a message (rc $rc)"
    fi
done
out=$("$TOOL" --help)
case $out in
*"imaperr advise"*) ok "imaperr --help mentions advise" ;;
*) not_ok "imaperr --help mentions advise" ;;
esac
out=$("$TOOL" advise --json $(printf '\033[31m') 'a1 NO [ALERT] \033 evil' 2>/dev/null)
case $out in
*"$(printf '\033')"*) not_ok "advise output never carries control characters" ;;
*) ok "advise output never carries control characters" ;;
esac

tap_done
