#!/bin/sh
# run-fuzzers.sh - build the fuzz targets with clang's libFuzzer (+ ASan +
# UBSan) and fuzz each one for a bounded time; fail on any finding.
#
#   fuzz/run-fuzzers.sh [BUILDDIR] [TARGET...]
#
# BUILDDIR is a configured build tree (default: the current directory); it
# may be a VPATH build: everything is written below BUILDDIR/fuzz/ (engine/
# for the binaries, work/<target>/ for the corpus copy, the log and any
# crash file); the source tree is only read. Environment:
#   FUZZ_SECONDS   seconds per target (default 60)
#   FUZZ_NO_BUILD  1: do not run `make fuzz-build` first (`make fuzz` did)
#   FUZZ_ARGS      more libFuzzer options (e.g. -rss_limit_mb=4096)
# Per target it prints the time, the executions, exec/s, the coverage
# (libFuzzer's cov: edges and ft: features) and the corpus size; a finding
# prints the crash file (hex) and the sanitizer report and makes the script
# exit 1 after the other targets have run.
set -u
here=`cd "\`dirname "$0"\`" && pwd`
srcfuzz=$here
build=${1:-.}
[ $# -gt 0 ] && shift
build=`cd "$build" && pwd` || exit 2
seconds=${FUZZ_SECONDS:-60}
targets=${*:-"parse_fuzzer explain_fuzzer args_fuzzer catalog_fuzzer wordings_fuzzer text_fuzzer scan_fuzzer"}

if [ "${FUZZ_NO_BUILD:-0}" != 1 ]; then
    make -C "$build" fuzz-build || { echo "run-fuzzers: make fuzz-build failed" >&2; exit 2; }
fi

export IMAPERR_LOCALEDIR="$build/locale"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=0
summary=""
for t in $targets; do
    bin=$build/fuzz/engine/$t
    work=$build/fuzz/work/$t
    if [ ! -x "$bin" ]; then
        echo "run-fuzzers: $bin missing" >&2
        failed=1
        continue
    fi
    rm -rf "$work"
    mkdir -p "$work/corpus" "$work/artifacts"
    # a copy of the seeds and the reproducers: libFuzzer adds to it
    cp "$srcfuzz/$t.in"/* "$work/corpus/" 2>/dev/null
    for f in "$srcfuzz/$t.repro"/*; do
        [ -f "$f" ] && cp "$f" "$work/corpus/"
    done
    nseeds=`ls "$work/corpus" | wc -l`
    dict=
    [ "$t" != catalog_fuzzer ] && dict=-dict=$srcfuzz/imap.dict
    echo "== $t: $seconds s, $nseeds seeds"
    start=`date +%s`
    "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$work/artifacts/" $dict ${FUZZ_ARGS:-} \
        "$work/corpus" > "$work/log" 2>&1
    rc=$?
    end=`date +%s`
    # libFuzzer's last status line ("#N DONE cov: C ft: F corp: K/...") and
    # final statistics
    last=`grep -E '^#[0-9]+' "$work/log" | tail -1`
    cov=`echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p'`
    ft=`echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p'`
    execs=`sed -n 's/^stat::number_of_executed_units: *//p' "$work/log"`
    eps=`sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log"`
    corp=`ls "$work/corpus" | wc -l`
    line=`printf '%-16s %5ss %10s execs %7s exec/s  cov %5s  ft %6s  corpus %5s' \
        "$t" "$((end - start))" "${execs:-?}" "${eps:-?}" "${cov:-?}" "${ft:-?}" "$corp"`
    crash=`ls "$work/artifacts" 2>/dev/null | head -1`
    if [ $rc -ne 0 ] || [ -n "$crash" ]; then
        failed=1
        line="$line  FINDING"
        echo "-- $t found a problem (exit $rc); log: $work/log"
        grep -E 'ERROR|SUMMARY|check failed|runtime error|#[0-9]+ 0x' "$work/log" | head -40
        for a in "$work/artifacts"/*; do
            [ -f "$a" ] || continue
            echo "-- input: $a"
            od -A d -c "$a" | head -20
        done
    fi
    echo "$line"
    summary="$summary$line
"
done
echo
echo "target           time       executions   exec/s  coverage (edges, features), corpus"
printf '%s' "$summary"
exit $failed
