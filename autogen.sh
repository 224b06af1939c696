#!/bin/sh
# Regenerates the build system. Nothing is downloaded: autoreconf runs
# autopoint, aclocal, autoconf, autoheader, libtoolize and automake from the
# installed packages; what they copy in (build-aux/, m4/, po/Makefile.in.in,
# ...) is git-ignored.
set -e
cd "$(dirname "$0")"
autoreconf -fi
