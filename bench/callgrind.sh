#!/bin/sh
# callgrind.sh - `make bench-callgrind`: instructions per line for each row
# of bench-parse, under valgrind --tool=callgrind. Instruction counts do not
# depend on what else the machine runs, unlike times.
#
#   callgrind.sh BENCH-PARSE SRCDIR [N]
#
# Each row runs alone (bench-parse --callgrind --rows ROW: one pass over N
# lines, default 20,000, no warm-up inside the counted code); callgrind
# counts only inside the row's function (--collect-atstart=no
# --toggle-collect=row_NAME*), so generating the lines, loading catalogs
# and the setup are left out. The per-function profile of a row is kept
# in callgrind.out.ROW for callgrind_annotate. POSIX sh.
set -e
bench=$1
srcdir=${2:-.}
n=${3:-20000}
if [ -z "$bench" ] || [ ! -x "$bench" ]; then
    echo "usage: callgrind.sh BENCH-PARSE SRCDIR [N]" >&2
    exit 2
fi
if ! command -v valgrind >/dev/null 2>&1; then
    echo "bench-callgrind: valgrind not found (install valgrind)" >&2
    exit 1
fi
echo "Instructions per line under callgrind ($n generated lines, one pass, per row alone)"
results=$(mktemp "${TMPDIR:-/tmp}/bench-callgrind.XXXXXX")
trap 'rm -f "$results"' EXIT
for row in $("$bench" --list-rows); do
    fn=row_$(echo "$row" | tr - _)
    out=callgrind.out.$row
    if ! valgrind --tool=callgrind --callgrind-out-file="$out" --collect-atstart=no \
            --toggle-collect="$fn*" "$bench" --callgrind --rows "$row" -n "$n" --srcdir "$srcdir" \
            >/dev/null 2>"$out.log"; then
        echo "$row failed" >>"$results"
        echo "bench-callgrind: $row failed, see $out.log" >&2
        continue
    fi
    rm -f "$out.log"
    ir=$(sed -n -e 's/^summary: *\([0-9]*\).*/\1/p' -e 's/^totals: *\([0-9]*\).*/\1/p' "$out" | head -n 1)
    echo "$row ${ir:-failed}" >>"$results"
done
awk -v n="$n" '
    { row[NR] = $1; ir[NR] = $2; if ($1 == "floor") fl = $2; if ($1 == "libetpan") et = $2 }
    END {
        print "| row        | instructions/line | x floor | x libetpan |"
        print "|------------|------------------:|--------:|-----------:|"
        for (i = 1; i <= NR; i++) {
            if (ir[i] !~ /^[0-9]+$/ || ir[i] == 0) { printf("| %-10s | %17s | %7s | %10s |\n", row[i], "failed", "-", "-"); continue }
            x = fl > 0 ? sprintf("%.2f", ir[i] / fl) : "-"
            y = et > 0 ? sprintf("%.1f", et / ir[i]) : "-"
            printf("| %-10s | %17.1f | %7s | %10s |\n", row[i], ir[i] / n, x, y)
        }
    }' "$results"
echo "Profiles: callgrind_annotate callgrind.out.ROW"
