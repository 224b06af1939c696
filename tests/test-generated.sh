#!/bin/sh
# test-generated.sh - the generated files match the tables, and the
# generator (lib/gen-registry.awk) refuses broken tables. TAP output.
#
# Environment (set by AM_TESTS_ENVIRONMENT in Makefile.am): top_srcdir, AWK.
# POSIX sh; works with dash.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
AWK=${AWK:-awk}

. "$top_srcdir/tests/tap.sh"

gen=$top_srcdir/lib/gen-registry.awk
voc=$top_srcdir/lib/vocabulary.tsv
msg=$top_srcdir/lib/messages.tsv
reg=$top_srcdir/lib/registry.tsv

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-generated.XXXXXX") || { echo "Bail out! mktemp failed"; exit 1; }
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# ---------------------------------------------------------------------------
# 1. Regenerating from the tables gives exactly the built files.
for pair in header:include/imaperr-codes.h data:lib/registry-data.c doc:doc/codes.md; do
    what=${pair%%:*}
    built=$top_srcdir/${pair#*:}
    if "$AWK" -v out="$what" -f "$gen" "$voc" "$msg" "$reg" >"$tmp/gen.$what" 2>"$tmp/gen.$what.err" &&
        [ ! -s "$tmp/gen.$what.err" ]; then
        ok "generator runs cleanly for out=$what"
    else
        not_ok "generator runs cleanly for out=$what"
        sed 's/^/# /' "$tmp/gen.$what.err"
    fi
    if [ ! -f "$built" ]; then
        not_ok "${pair#*:} exists"
    elif cmp -s "$tmp/gen.$what" "$built"; then
        ok "${pair#*:} is up to date with the tables"
    else
        not_ok "${pair#*:} is up to date with the tables"
        diff "$built" "$tmp/gen.$what" 2>&1 | head -n 20 | sed 's/^/# /'
    fi
done

# ---------------------------------------------------------------------------
# 2. The generator rejects broken tables, naming the file and the line.
#
# mutate KIND: write $tmp/bad/{vocabulary,messages,registry}.tsv, where
# registry.tsv has one row broken as KIND says, and the line number of that
# row in $tmp/bad/line. The first real (non-pseudo) row that fits is used,
# so nothing here depends on which codes the table holds.
mkdir "$tmp/bad" || exit 1
cp "$voc" "$tmp/bad/vocabulary.tsv" && cp "$msg" "$tmp/bad/messages.tsv" || exit 1

mutate() {
    rm -f "$tmp/bad/line"
    "$AWK" -v kind="$1" -v where="$tmp/bad/line" '
        function hit() { print; done = 1; print FNR > where }
        BEGIN { FS = "\t"; OFS = "\t" }
        FNR == 1 { file++ }
        file == 1 { if ($1 == "argtype" && $3 == "required") required[$2] = 1; next }
        /^#/ || /^[ \t]*$/ || done || $4 == "pseudo" || kind == "none" { print; next }
        kind == "duplicate-number" {
            if (first == "") { first = $1; print; next }
            $1 = first; hit(); next
        }
        kind == "duplicate-name" {
            if (firstname == "") { firstname = $2; print; next }
            old = $2; $2 = firstname; $13 = firstname substr($13, length(old) + 1); hit(); next
        }
        kind == "unknown-category"      { $6 = "no-such-category/fail"; hit(); next }
        kind == "unknown-weak-category" { $7 = "~no-such-category"; hit(); next }
        kind == "unknown-bye-category"  { $9 = "nosuch"; hit(); next }
        kind == "unknown-action"        { $8 = "cannot/no-such-action"; hit(); next }
        kind == "unknown-cell-message"  { $6 = "cannot/fail/no-such-message"; hit(); next }
        kind == "unknown-msg-column"    { $12 = "no-such-message"; hit(); next }
        kind == "too-few-columns" {
            line = $1
            for (i = 2; i < NF; i++) line = line "\t" $i
            print line; done = 1; print FNR > where; next
        }
        kind == "too-many-columns"      { print $0 "\textra"; done = 1; print FNR > where; next }
        kind == "example-glued" {
            if (!($5 in required)) { print; next }
            $13 = $2 "4392"; hit(); next
        }
        kind == "number-too-large"      { $1 = "65535"; hit(); next }
        kind == "required-args-missing" {
            if (!($5 in required)) { print; next }
            $13 = $2; hit(); next
        }
        { print }
    ' "$voc" "$reg" >"$tmp/bad/registry.tsv"
}

# The harness itself: an unmodified copy is accepted.
mutate none
if cmp -s "$reg" "$tmp/bad/registry.tsv" &&
    "$AWK" -v out=data -f "$gen" "$tmp/bad/vocabulary.tsv" "$tmp/bad/messages.tsv" \
        "$tmp/bad/registry.tsv" >"$tmp/bad/out" 2>"$tmp/bad/err" &&
    [ ! -s "$tmp/bad/err" ] && cmp -s "$tmp/bad/out" "$tmp/gen.data"; then
    ok "generator accepts an unmodified copy of the tables"
else
    not_ok "generator accepts an unmodified copy of the tables"
fi

for kind in duplicate-number duplicate-name unknown-category unknown-weak-category \
    unknown-bye-category unknown-action unknown-cell-message unknown-msg-column \
    too-few-columns too-many-columns required-args-missing example-glued \
    number-too-large; do
    mutate "$kind"
    if [ ! -s "$tmp/bad/line" ] || cmp -s "$reg" "$tmp/bad/registry.tsv"; then
        not_ok "$kind: could not build a broken table (no row fits)"
        continue
    fi
    line=$(cat "$tmp/bad/line")
    for what in header data doc; do
        "$AWK" -v out="$what" -f "$gen" "$tmp/bad/vocabulary.tsv" "$tmp/bad/messages.tsv" \
            "$tmp/bad/registry.tsv" >"$tmp/bad/out" 2>"$tmp/bad/err"
        rc=$?
        if [ "$rc" -eq 0 ]; then
            not_ok "$kind: rejected (out=$what): awk exited 0"
        elif [ ! -s "$tmp/bad/err" ]; then
            not_ok "$kind: rejected (out=$what): exit $rc but nothing on stderr"
        elif ! grep -q "registry\.tsv:$line:" "$tmp/bad/err"; then
            not_ok "$kind: rejected (out=$what), message names registry.tsv line $line"
            sed 's/^/# /' "$tmp/bad/err"
        else
            ok "$kind: rejected (out=$what): $(sed -n '1{s/.*registry\.tsv:/registry.tsv:/;s/#//g;p;}' "$tmp/bad/err")"
        fi
    done
done

# ---------------------------------------------------------------------------
# 3. Every message key is used: by a category (vocabulary.tsv), by a row or
#    a cell of registry.tsv, or by name in the generator itself (parse-error,
#    which the library uses for unreadable replies).
"$AWK" '
    BEGIN { FS = "\t" }
    FNR == 1 { file++ }
    /^#/ || /^[ \t]*$/ { next }
    file == 1 { if ($1 == "category") used[$4] = 1; next }
    file == 2 {
        if ($12 != "-") used[$12] = 1
        for (i = 6; i <= 9; i++) {
            n = split($i, p, "/")
            if (n >= 3) used[p[3]] = 1
        }
        next
    }
    file == 3 { keys[++nkeys] = $1; next }
    END {
        for (i = 1; i <= nkeys; i++) {
            k = keys[i]
            base = k
            # a variant (-mailbox, -retry, -url, -amount, -count, and -final
            # of a key or of its variant) is used when its base key is
            fin = sub(/-final$/, "", base)
            if ((sub(/-(mailbox|retry|url|amount|count)$/, "", base) || fin) && (base in used))
                print k "\tvariant"
            else
                print k "\t" (k in used ? "table" : "-")
        }
    }
' "$voc" "$reg" "$msg" >"$tmp/keys" || not_ok "reading the message keys"
[ -s "$tmp/keys" ] || not_ok "messages.tsv has keys"
tab=$(printf '\t')
while IFS=$tab read -r key where; do
    if [ "$where" = table ]; then
        ok "message key $key is used by the tables"
    elif [ "$where" = variant ]; then
        ok "message key $key is a variant of a key the tables use"
    elif grep -q "\"$key\"" "$gen"; then
        ok "message key $key is used by the generator"
    else
        not_ok "message key $key is used (not referred to by vocabulary.tsv, registry.tsv or the generator)"
    fi
done <"$tmp/keys"

# ---------------------------------------------------------------------------
# 4. Every English message is in registry-data.c, wrapped in N_( ) (NN_( )
#    for messages with a plural form) for xgettext, escaped as a C string.
data=$top_srcdir/lib/registry-data.c
"$AWK" '
    BEGIN { FS = "\t" }
    FNR == 1 { file++ }
    file == 1 { have[$0] = 1; next }
    /^#/ || /^[ \t]*$/ { next }
    {
        # C string literal: backslash and double quote escaped
        s = ""
        for (i = 1; i <= length($2); i++) {
            c = substr($2, i, 1)
            s = s ((c == "\\" || c == "\"") ? "\\" c : c)
        }
        if ($4 == "-" || $4 == "") {
            want = "    N_(\"" s "\"),"
        } else {
            want = "    NN_(\"" s "\","
        }
        print $1 "\t" (want in have ? "yes" : "no")
    }
' "$data" "$msg" >"$tmp/msgids" || not_ok "reading registry-data.c"
[ -s "$tmp/msgids" ] || not_ok "messages.tsv has messages"
while IFS=$tab read -r key found; do
    if [ "$found" = yes ]; then
        ok "message $key is in registry-data.c inside N_()"
    else
        not_ok "message $key is in registry-data.c inside N_()"
    fi
done <"$tmp/msgids"

tap_done
