#!/bin/bash
# The veth harness of the TCP rows of `make bench` (tests/bench/run.sh):
# a network namespace made here holds one end of a veth pair
# (10.201.ID.2/24); the host end (10.201.ID.1/24) stays in the caller's
# namespace, where the host kernel's TCP serves: tcp_lat's echo server on
# port 7101, tcp_bw's sink on 7102 and its source on 7103, all from OUT. ID (20..255) keeps
# concurrent runs apart.
#   tcp_veth.sh up ID OUT       make the namespace and start the servers
#                               (says why on stderr and exits 1 if it cannot)
#   tcp_veth.sh exec ID CMD...  restore the namespace end's address (our
#                               --network=sandbox takes it off the
#                               interface) and run CMD in the namespace
#   tcp_veth.sh down ID         stop the servers, remove the pair and namespace
set -u
cmd=${1:-} id=${2:-}
case $id in
[2-9][0-9] | 1[0-9][0-9] | 2[0-4][0-9] | 25[0-5]) ;;
*) echo "usage: tcp_veth.sh up ID OUT | exec ID CMD... | down ID (ID 20..255)" >&2; exit 2 ;;
esac
ns=rsbench$id hif=rbh$id sif=rbs$id
h4=10.201.$id.1 s4=10.201.$id.2
pidf=/tmp/rsbench-veth.$id.pids

down() {
	if [ -f "$pidf" ]; then
		while read -r p; do kill "$p" 2>/dev/null; done <"$pidf"
		rm -f "$pidf"
	fi
	ip netns del "$ns" 2>/dev/null
	ip link del "$hif" 2>/dev/null
	return 0
}

case $cmd in
up)
	out=${3:?usage: tcp_veth.sh up ID OUT}
	down
	err=$(ip netns add "$ns" 2>&1) ||
		{ echo "cannot create a network namespace: $err" >&2; exit 1; }
	err=$(ip link add "$hif" type veth peer name "$sif" netns "$ns" 2>&1) ||
		{ echo "cannot create a veth pair: $err" >&2; down; exit 1; }
	ip addr add "$h4/24" dev "$hif" && ip link set "$hif" up &&
		ip -n "$ns" link set lo up && ip -n "$ns" link set "$sif" up ||
		{ echo "cannot configure the veth pair" >&2; down; exit 1; }
	: >"$pidf"
	setsid "$out/tcp_lat" 0 -s "$h4:7101" </dev/null >/dev/null 2>&1 &
	echo $! >>"$pidf"
	setsid "$out/tcp_bw" 0 -s "$h4:7102" </dev/null >/dev/null 2>&1 &
	echo $! >>"$pidf"
	setsid "$out/tcp_bw" 0 -S "$h4:7103" </dev/null >/dev/null 2>&1 &
	echo $! >>"$pidf"
	sleep 0.3
	while read -r p; do
		kill -0 "$p" 2>/dev/null || { echo "a server did not start" >&2; down; exit 1; }
	done <"$pidf"
	;;
exec)
	shift 2
	ip -n "$ns" addr flush dev "$sif" 2>/dev/null
	ip -n "$ns" addr add "$s4/24" dev "$sif" || exit 1
	exec ip netns exec "$ns" "$@"
	;;
down)
	down
	;;
*)
	echo "usage: tcp_veth.sh up ID OUT | exec ID CMD... | down ID" >&2
	exit 2
	;;
esac
