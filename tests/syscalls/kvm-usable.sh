#!/bin/sh
# Can this machine run the kvm platform? Exit 0 if so; otherwise print
# the reason on stdout (for a SKIP line) and exit 1.  usage: kvm-usable.sh RUNSC
runsc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
if [ ! -e /dev/kvm ]; then
	echo "no /dev/kvm on this machine"
	exit 1
fi
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
	echo "/dev/kvm is not readable and writable by this user"
	exit 1
fi
out=$(cd / && timeout -k 2 30 "$runsc" --platform=kvm do /bin/true 2>&1 </dev/null)
rc=$?
if [ $rc -ne 0 ]; then
	[ -n "$out" ] || out="exit status $rc"
	echo "runsc --platform=kvm cannot run /bin/true: $(printf '%s\n' "$out" | tail -1 | cut -c1-120)"
	exit 1
fi
exit 0
