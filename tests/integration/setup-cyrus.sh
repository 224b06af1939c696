#!/bin/sh
# setup-cyrus.sh - make the Cyrus IMAP 3.6 server binaries available to the
# integration tests without installing the Debian package cyrus-imapd.
#
# cyrus-imapd conflicts with dovecot-imapd in Debian (both provide
# imap-server), and the tests need both servers on one machine. The package
# only adds /usr/lib/cyrus/bin/{imapd,idled,squatter}; everything else
# (master, the Cyrus libraries) comes from cyrus-common. So this script
#   1. checks that cyrus-common and sasl2-bin are installed,
#   2. fetches the cyrus-imapd package of exactly cyrus-common's version with
#      "apt-get download" into a cache folder (once),
#   3. unpacks it with "dpkg-deb -x" into a private prefix (dpkg never learns
#      about these files, so no conflict and nothing in /usr changes),
#   4. installs missing shared-library dependencies of the package (all of
#      them are ordinary libraries that conflict with nothing),
#   5. checks that the unpacked imapd finds all its libraries.
# It is idempotent: a second run finds the stamp file and does nothing.
#
# Run as root (CI: tests/run-all.sh calls it before "make check"):
#   sh tests/integration/setup-cyrus.sh
# Environment:
#   LIBIMAPERR_CYRUS_PREFIX  where to unpack (default /opt/libimaperr-test/cyrus);
#                            tests/integration/cyrus.py looks there
#   LIBIMAPERR_CYRUS_CACHE   where to keep the .deb (default /var/cache/libimaperr-test)
#   LIBIMAPERR_CYRUS_DEB     use this cyrus-imapd .deb instead of downloading one
# Exit status: 0 when imapd is usable afterwards, 1 otherwise (with a message).
set -eu

prefix=${LIBIMAPERR_CYRUS_PREFIX:-/opt/libimaperr-test/cyrus}
cache=${LIBIMAPERR_CYRUS_CACHE:-/var/cache/libimaperr-test}
me="setup-cyrus"

die() { echo "$me: error: $*" >&2; exit 1; }
say() { echo "$me: $*"; }

command -v dpkg-query >/dev/null 2>&1 || die "not a Debian system (no dpkg-query)"

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

for p in cyrus-common sasl2-bin; do
    installed "$p" || die "package $p is not installed (apt-get install cyrus-common sasl2-bin dma)"
done
[ -x /usr/lib/cyrus/bin/master ] || die "/usr/lib/cyrus/bin/master missing although cyrus-common is installed"
command -v saslpasswd2 >/dev/null 2>&1 || die "saslpasswd2 not found although sasl2-bin is installed"

version=$(dpkg-query -W -f='${Version}' cyrus-common)
imapd="$prefix/usr/lib/cyrus/bin/imapd"
stamp="$prefix/.libimaperr-cyrus-imapd-version"

# The real package, if someone installed it, is just as good.
if installed cyrus-imapd && [ -x /usr/lib/cyrus/bin/imapd ]; then
    say "cyrus-imapd $version is installed as a package: /usr/lib/cyrus/bin/imapd (nothing to do)"
    exit 0
fi

missing_libs() {
    # ldd prints "libfoo.so.1 => not found" for every library it cannot find
    ldd "$1" 2>/dev/null | sed -n 's/^[[:space:]]*\([^[:space:]]*\) => not found.*/\1/p'
}

if [ -x "$imapd" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ] &&
   [ -z "$(missing_libs "$imapd")" ]; then
    say "Cyrus imapd $version already unpacked in $prefix (nothing to do)"
    exit 0
fi

[ "$(id -u)" -eq 0 ] || die "must run as root to write $prefix and install libraries (current uid $(id -u))"

deb=${LIBIMAPERR_CYRUS_DEB:-}
if [ -z "$deb" ]; then
    mkdir -p "$cache"
    chmod 755 "$cache"
    debname=$(printf 'cyrus-imapd_%s_%s.deb' "$(echo "$version" | sed 's/^[0-9]*://')" "$(dpkg --print-architecture)")
    deb="$cache/$debname"
    if [ -s "$deb" ] && dpkg-deb -I "$deb" >/dev/null 2>&1; then
        say "using cached $deb"
    else
        rm -f "$deb"
        say "downloading cyrus-imapd=$version into $cache"
        # apt fetches as user _apt when that user may write the folder
        dl=$(mktemp -d "$cache/download.XXXXXX")
        chmod 755 "$dl"
        id _apt >/dev/null 2>&1 && chown _apt "$dl"
        if ! (cd "$dl" && apt-get download -q "cyrus-imapd=$version"); then
            say "download failed; refreshing the package lists once and retrying"
            apt-get update -qq || true
            (cd "$dl" && apt-get download -q "cyrus-imapd=$version") ||
                { rm -rf "$dl"; die "apt-get download cyrus-imapd=$version failed (no network or no such version in the archive?)"; }
        fi
        mv "$dl/$debname" "$deb" 2>/dev/null || { rm -rf "$dl"; die "apt-get download did not produce $debname"; }
        rm -rf "$dl"
    fi
fi
[ -r "$deb" ] || die "cannot read $deb"
pkgver=$(dpkg-deb -f "$deb" Version) || die "$deb is not a Debian package"
[ "$(dpkg-deb -f "$deb" Package)" = cyrus-imapd ] || die "$deb is not the cyrus-imapd package"
[ "$pkgver" = "$version" ] ||
    die "$deb has version $pkgver but cyrus-common is $version (they must match)"

# Library dependencies other than cyrus-common (libwrap0, libssl3, ...):
# install the ones that are missing.
need=""
for dep in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*//; s/|.*//; s/[[:space:]]//g'); do
    [ "$dep" = cyrus-common ] && continue
    installed "$dep" || need="$need $dep"
done
if [ -n "$need" ]; then
    say "installing the library dependencies of cyrus-imapd:$need"
    # shellcheck disable=SC2086 # a list of package names
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need ||
        die "could not install:$need"
fi

say "unpacking $(basename "$deb") into $prefix"
rm -rf "$prefix.new"
mkdir -p "$prefix.new"
dpkg-deb -x "$deb" "$prefix.new"
[ -x "$prefix.new/usr/lib/cyrus/bin/imapd" ] || die "the package holds no usr/lib/cyrus/bin/imapd"
echo "$version" >"$prefix.new/.libimaperr-cyrus-imapd-version"
rm -rf "$prefix"
mv "$prefix.new" "$prefix"

libs=$(missing_libs "$imapd")
[ -z "$libs" ] || die "$imapd cannot find these libraries: $libs"
say "ready: $imapd (Cyrus IMAP $version; master: /usr/lib/cyrus/bin/master)"
