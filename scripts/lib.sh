# Shared by scripts/serve, scripts/test and scripts/conformance.
# Source it; it defines functions and sets $top to the source tree.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian packages needed to build, serve and test.
scimlet_pkgs="gcc make autoconf automake pkg-config liblmdb-dev libcjson-dev
libfcgi-dev libsodium-dev libcurl4-openssl-dev lighttpd curl python3 python3-lmdb
mandoc"

# Install whatever Debian packages are missing (apt-get as root, or sudo).
scimlet_deps() {
	local missing="" p
	for p in $scimlet_pkgs "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "installing Debian packages:$missing" >&2
	local sudo=""
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null ||
		    { echo "not root and no sudo: install$missing" >&2; return 1; }
		sudo=sudo
	fi
	export DEBIAN_FRONTEND=noninteractive
	# Web servers installed for the tests must not start as services
	# (on port 80): forbid service starts while installing.
	local policy=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		$sudo sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d &&
		    chmod 755 /usr/sbin/policy-rc.d' && policy=1
	fi
	local rc=0
	$sudo apt-get update -qq >&2 &&
	    $sudo apt-get install -y -qq --no-install-recommends $missing >&2 ||
	    rc=$?
	[ -n "$policy" ] && $sudo rm -f /usr/sbin/policy-rc.d
	return $rc
}

# Build in the source tree (or in $1, a build directory, with configure
# options after it). Reconfigures only when needed.
scimlet_build() {
	local builddir=${1:-$top}
	[ $# -gt 0 ] && shift
	[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi >&2) || return 1
	mkdir -p "$builddir"
	if [ ! -f "$builddir/Makefile" ]; then
		(cd "$builddir" && "$top/configure" --enable-werror "$@" >&2) ||
		    return 1
	fi
	make -s --no-print-directory -C "$builddir" -j"$(nproc)" >&2
}

# Write a lighttpd configuration from www/lighttpd.conf.in.
# Usage: scimlet_lighttpd_conf OUT PORT DB FCGI RUNDIR [console]
# With "console", the operator console's mount too
# (www/lighttpd-console.conf.in, its files from www/console).
scimlet_lighttpd_conf() {
	local out=$1 port=$2 db=$3 fcgi=$4 rundir=$5 console=${6:-}
	local confs=$top/www/lighttpd.conf.in
	[ "$console" = console ] && confs="$confs $top/www/lighttpd-console.conf.in"
	mkdir -p "$rundir/www"
	# shellcheck disable=SC2086
	cat $confs | sed -e "s|@PORT@|$port|g" -e "s|@DB@|$db|g" \
	    -e "s|@FCGI@|$fcgi|g" \
	    -e "s|@RUNDIR@|$rundir|g" -e "s|@DOCROOT@|$rundir/www|g" \
	    -e "s|@PROCS@|${SCIMLET_PROCS:-2}|g" \
	    -e "s|@MAX_REQUEST_KB@|${SCIMLET_MAX_REQUEST_KB:-16384}|g" \
	    -e "s|@MAX_REQUESTS@|${SCIMLET_MAX_REQUESTS:-0}|g" \
	    -e "s|@CONSOLE@|$top/www/console|g" > "$out"
}

# Find a free TCP port on 127.0.0.1.
scimlet_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
