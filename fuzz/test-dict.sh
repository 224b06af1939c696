#!/bin/sh
# test-dict.sh - the checked-in fuzz dictionary is what fuzz/make-dict.sh
# makes from the current tables (TAP). Run by `make check`.
top=${top_srcdir:-`dirname "$0"`/..}
tmp=${TMPDIR:-/tmp}/imaperr-dict.$$
trap 'rm -f "$tmp"' EXIT
echo "1..2"
if sh "$top/fuzz/make-dict.sh" "$top" > "$tmp"; then
    echo "ok 1 - make-dict.sh runs"
else
    echo "not ok 1 - make-dict.sh failed"
fi
if cmp -s "$tmp" "$top/fuzz/imap.dict"; then
    echo "ok 2 - fuzz/imap.dict is up to date"
else
    echo "not ok 2 - fuzz/imap.dict is stale: run sh fuzz/make-dict.sh > fuzz/imap.dict"
    diff "$top/fuzz/imap.dict" "$tmp" | sed -e 's/^/# /' | head -20
fi
