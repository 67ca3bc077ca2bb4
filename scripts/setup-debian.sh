#!/bin/sh
# Installs the Debian packages the build and tests need, when run as root
# on Debian; elsewhere it only says what is missing.
set -e
PKGS="gcc make pkg-config libseccomp-dev libunwind-dev liburing-dev libjansson-dev check busybox-static python3"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
else
	echo "missing packages:$missing (run as root on Debian to install them)" >&2
	exit 1
fi
