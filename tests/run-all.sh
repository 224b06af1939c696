#!/bin/sh
# run-all.sh - the whole test suite, as README.md gives it and .ci/run runs it.
#
# Installs the Debian packages listed in debian-build-deps.txt that are
# missing (when run as root on Debian), builds in the source tree with the
# strict warning set and runs:
#   make check             every test
#   make check-valgrind    the unit tests under valgrind memcheck
#   make check-tsan        the 16-thread explain test under ThreadSanitizer
#   make distcheck         the tarball builds and passes every test again,
#                          this time with ASan + UBSan (--enable-sanitizers)
#   make fuzz              every fuzz target for 60 s (FUZZ_SECONDS)
# and ends with a plain "N passed, N failed" line for the first run.
set -eu
cd "$(dirname "$0")/.."

missing=""
for p in $(cat debian-build-deps.txt); do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        echo "Installing:$missing"
        # The IMAP servers are test fixtures that the tests start privately on
        # loopback: keep the packages from starting their system services.
        norc=""
        if [ ! -e /usr/sbin/policy-rc.d ]; then
            printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
            chmod 755 /usr/sbin/policy-rc.d
            norc=1
        fi
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
        [ -z "$norc" ] || rm -f /usr/sbin/policy-rc.d
    else
        echo "Missing Debian packages:$missing (run as root to install them)" >&2
        exit 1
    fi
fi

# The development corpus lives beside the repository (../shared); the CLI
# test reads it from here, also inside "make distcheck".
if [ -z "${IMAPERR_CORPUS:-}" ] && [ -f ../shared/corpus/realworld-dev.tsv ]; then
    IMAPERR_CORPUS="$(cd ../shared/corpus && pwd)/realworld-dev.tsv"
    export IMAPERR_CORPUS
fi

# The integration tests start private Dovecot and Cyrus servers on loopback.
# cyrus-imapd conflicts with dovecot-imapd in Debian, so its binaries are
# unpacked into a private prefix (tests/integration/README.md). As root the
# servers are expected: a missing one fails those tests instead of skipping.
if [ "$(id -u)" -eq 0 ]; then
    sh tests/integration/setup-cyrus.sh || echo "setup-cyrus.sh failed (exit $?)" >&2
    IMAPERR_REQUIRE_SERVERS=1
    export IMAPERR_REQUIRE_SERVERS
fi

jobs=$(nproc 2>/dev/null || echo 2)
[ -x configure ] || ./autogen.sh
./configure -q
make -s -j"$jobs"

# The differential test compares our catalog reader with glibc's gettext,
# which translates only in installed system locales (a fresh Debian has C,
# C.utf8 and POSIX). As root, generate the ones the shipped catalogs need
# (package "locales"; once per machine) and make the test refuse to skip.
if [ "$(id -u)" -eq 0 ] && command -v localedef >/dev/null; then
    make -s tests/test-catalog-diff
    ./tests/test-catalog-diff --list-locales | while read -r name src; do
        want=$(echo "$name" | sed 's/\.UTF-8$/.utf8/')
        if ! locale -a 2>/dev/null | grep -qix "$want"; then
            echo "Generating locale $name"
            localedef -i "$src" -f UTF-8 "$name" || echo "localedef $name: exit status $?" >&2
        fi
    done
    IMAPERR_REQUIRE_LOCALES=1
    export IMAPERR_REQUIRE_LOCALES
fi

log=$(mktemp)
status=0
make -j"$jobs" check 2>&1 | tee "$log" || status=1
if make -s check-valgrind >"$log.vg" 2>&1; then
    echo "make check-valgrind: ok"
else
    status=1; tail -n 40 "$log.vg"; echo "make check-valgrind: FAILED"
fi
if make -s check-tsan >"$log.tsan" 2>&1; then
    echo "make check-tsan: ok ($(grep -c '^ok' "$log.tsan") checks, 16 threads x 10000 explanations)"
else
    status=1; tail -n 40 "$log.tsan"; echo "make check-tsan: FAILED"
fi
make -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-sanitizers >"$log.dist" 2>&1 ||
    { status=1; tail -n 60 "$log.dist"; }
if grep -q "archives ready for distribution" "$log.dist"; then
    echo "make distcheck (ASan+UBSan): ok, $(sed -n 's/^# PASS: *//p' "$log.dist" | head -n 1) passed"
else
    status=1; echo "make distcheck (ASan+UBSan): FAILED"
fi

# Every fuzz target for FUZZ_SECONDS (default 60) with clang's libFuzzer,
# ASan and UBSan; any finding fails (fuzz/README.md).
if make -s fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-60}" >"$log.fuzz" 2>&1; then
    echo "make fuzz: ok"
    sed -n '/^target  /,$p' "$log.fuzz"
else
    status=1; tail -n 60 "$log.fuzz"; echo "make fuzz: FAILED"
fi

pass=$(sed -n 's/^# PASS: *//p' "$log" | head -n 1)
fail=$(sed -n 's/^# FAIL: *//p' "$log" | head -n 1)
xpass=$(sed -n 's/^# XPASS: *//p' "$log" | head -n 1)
err=$(sed -n 's/^# ERROR: *//p' "$log" | head -n 1)
skip=$(sed -n 's/^# SKIP: *//p' "$log" | head -n 1)
fail=$(( ${fail:-0} + ${xpass:-0} + ${err:-0} ))
[ "$fail" -eq 0 ] || status=1
[ -n "$pass" ] || { status=1; pass=0; }
rm -f "$log" "$log.dist" "$log.vg" "$log.tsan" "$log.fuzz"
echo "${pass} passed, ${fail} failed, ${skip:-0} skipped"
exit $status
