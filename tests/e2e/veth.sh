#!/bin/bash
# Suite "veth": our stack against the host kernel's across a veth pair.
# The test makes a network namespace holding one end (10.200.X.2/24,
# fd00:200:X::2/64, default route via the host end 10.200.X.1) and runs
# `ip netns exec NS runsc do --network=sandbox` there, so the sentry takes
# the interface over (runsc/netconf.c). Checked: what `ip addr`/`ip route`
# show inside (against the namespace's own view before), the host
# interface losing its addresses, ping both ways, UDP both ways at sizes
# up to fragmented ones, and TCP (when the stack has it) as client and
# server with bulk transfers checked by hash and many short connections.
# tests/e2e/veth.py is both ends' program. Skips with a reason when the
# namespace or the veth pair cannot be made (not root, no netns support).
#   veth.sh RUNSC [PLATFORM] [RESULTS]
set -u
suite=veth
. "$(dirname "$0")/lib.sh"
v=$(realpath "$(dirname "$0")/veth.py")
# The interpreter itself, not a shim script (pyenv's re-runs itself).
py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)

x=$(($$ % 200 + 20))
ns=rsveth$x hif=rvh$x sif=rvs$x
h4=10.200.$x.1 s4=10.200.$x.2 h6=fd00:200:$x::1 s6=fd00:200:$x::2

cleanup() {
	[ -n "${bg:-}" ] && kill "$bg" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	ip link del "$hif" 2>/dev/null
}
trap cleanup EXIT

if [ -z "$py" ]; then
	skip all "python3 not found"
	exit 0
fi
if ! ip netns add "$ns" 2>"$out/setup.err"; then
	skip all "cannot create a network namespace: $(head -c 200 "$out/setup.err")"
	exit 0
fi
if ! ip link add "$hif" type veth peer name "$sif" netns "$ns" 2>"$out/setup.err"; then
	skip all "cannot create a veth pair: $(head -c 200 "$out/setup.err")"
	exit 0
fi
ip addr add "$h4/24" dev "$hif"
ip addr add "$h6/64" dev "$hif" nodad
ip link set "$hif" up
ip -n "$ns" link set lo up
ip -n "$ns" link set "$sif" up

# The sandbox end as a fresh namespace has it; each sandbox takes the
# addresses away from the host interface, so every run starts here.
prep() {
	ip -n "$ns" addr flush dev "$sif" 2>/dev/null
	ip netns exec "$ns" sh -c "echo 0 >/proc/sys/net/ipv6/conf/$sif/disable_ipv6"
	ip -n "$ns" addr add "$s4/24" dev "$sif"
	ip -n "$ns" addr add "$s6/64" dev "$sif" nodad
	ip -n "$ns" route replace default via "$h4"
}
sandbox() {
	prep
	(cd /tmp && timeout -k 5 120 ip netns exec "$ns" "$runsc" --platform="$platform" \
		--network=sandbox do "$@")
}
# A sandbox in the background serving while the host asks: $bg; its
# output in $out/bg-N.out and .err, its exit status in .status.
nbg=0
sandbox_bg() {
	prep
	nbg=$((nbg + 1))
	(cd /tmp && exec timeout -k 5 120 ip netns exec "$ns" "$runsc" --platform="$platform" \
		--network=sandbox do "$@") >"$out/bg-$nbg.out" 2>"$out/bg-$nbg.err" &
	bg=$!
}
# Wait for it (in this shell: a $(...) subshell cannot wait for it) and
# set $bgout to what it printed.
bg_wait() {
	wait "$bg"
	echo "$?" >"$out/bg-$nbg.status"
	bg=
	bgout=$(cat "$out/bg-$nbg.out")
}

# ---- what the sandbox shows ----
prep
native_addr=$(ip netns exec "$ns" ip -o addr show dev "$sif" scope global | sed 's/  */ /g')
native_route=$(ip netns exec "$ns" ip route show)
got=$(sandbox sh -c "ip -o addr show dev $sif scope global; echo --; ip route show" 2>"$out/ipaddr.err" |
	sed 's/  */ /g')
expect ip-addr "$native_addr" "$(printf '%s\n' "$got" | sed -n '/^--$/q;p')"
expect ip-route "$native_route" "$(printf '%s\n' "$got" | sed '1,/^--$/d')"
expect host-addrs-taken "" "$(ip -n "$ns" -o addr show dev "$sif" scope global)"
expect ip-link-mac "$(ip -n "$ns" -o link show dev "$sif" | grep -o 'link/ether [0-9a-f:]*')" \
	"$(sandbox ip -o link show dev "$sif" 2>/dev/null | grep -o 'link/ether [0-9a-f:]*')"

# ---- ping ----
expect ping-sandbox-to-host-v4 "ok ping $h4" "$(sandbox "$py" "$v" ping "$h4" 2>&1)"
expect ping-sandbox-to-host-v6 "ok ping $h6" "$(sandbox "$py" "$v" ping "$h6" 2>&1)"
if command -v busybox >/dev/null; then
	sandbox_bg "$py" "$v" udp-serve :: 7001 1
	sleep 1
	r4=$(busybox ping -c 3 -W 2 "$s4" 2>&1 | grep -c 'bytes from')
	r6=$(busybox ping6 -c 3 -W 2 "$s6" 2>&1 | grep -c 'bytes from')
	"$py" "$v" udp-ask "$s4" 7001 10 >/dev/null
	bg_wait
	expect ping-host-to-sandbox-v4 3 "$r4"
	expect ping-host-to-sandbox-v6 3 "$r6"
else
	skip ping-host-to-sandbox "busybox (for ping) not found"
fi

# ---- UDP ----
sizes4="100 1472 1473 9000 65507"
sizes6="100 1452 1453 20000 65527"
sandbox_bg "$py" "$v" udp-serve :: 7002 10
sleep 1
want= got=
for s in $sizes4; do want="$want ok udp $s"; got="$got $("$py" "$v" udp-ask "$s4" 7002 "$s")"; done
for s in $sizes6; do want="$want ok udp $s"; got="$got $("$py" "$v" udp-ask "$s6" 7002 "$s")"; done
expect udp-host-to-sandbox "$want" "$got"
bg_wait
expect udp-sandbox-served "ok served 10" "$bgout"

"$py" "$v" udp-serve :: 7003 10 >"$out/host-udp.out" 2>&1 &
hostsrv=$!
sleep 0.5
want= got=
for s in $sizes4; do
	want="$want ok udp $s"
	got="$got $(sandbox "$py" "$v" udp-ask "$h4" 7003 "$s" 2>>"$out/udp.err")"
done
for s in $sizes6; do
	want="$want ok udp $s"
	got="$got $(sandbox "$py" "$v" udp-ask "$h6" 7003 "$s" 2>>"$out/udp.err")"
done
wait "$hostsrv"
expect udp-sandbox-to-host "$want" "$got"

# ---- TCP ----
if ! sandbox "$py" -c 'import socket; socket.socket()' >/dev/null 2>&1; then
	skip tcp "the sandbox's stack has no TCP yet (socket(AF_INET, SOCK_STREAM) fails)"
	exit 0
fi
mib=$((64 << 20))
# Sandbox as server: echo (one 1 MiB, then 100 short connections), sink.
sandbox_bg "$py" "$v" tcp-serve 0.0.0.0 7010 101
got="$("$py" "$v" tcp-ask "$s4" 7010 $((1 << 20)) 1) $("$py" "$v" tcp-ask "$s4" 7010 100 100)"
expect tcp-host-to-sandbox-echo "ok tcp 1 x 1048576 ok tcp 100 x 100" "$got"
bg_wait
expect tcp-sandbox-served "ok served 101" "$bgout"
sandbox_bg "$py" "$v" tcp-sink :: 7011
sent=$("$py" "$v" tcp-pour "$s6" 7011 $mib)
bg_wait
expect tcp-bulk-host-to-sandbox-v6 "$sent" "$bgout"
# Sandbox as client.
"$py" "$v" tcp-serve 0.0.0.0 7012 101 >"$out/host-tcp.out" 2>&1 &
hostsrv=$!
sleep 0.5
got=$(sandbox sh -c "$py $v tcp-ask $h4 7012 1048576 1; $py $v tcp-ask $h4 7012 100 100" 2>&1 |
	tr '\n' ' ' | sed 's/ $//')
wait "$hostsrv"
expect tcp-sandbox-to-host-echo "ok tcp 1 x 1048576 ok tcp 100 x 100" "$got"
"$py" "$v" tcp-sink 0.0.0.0 7013 >"$out/host-sink.out" 2>&1 &
hostsrv=$!
sleep 0.5
sent=$(sandbox "$py" "$v" tcp-pour "$h4" 7013 $mib 2>&1)
wait "$hostsrv"
expect tcp-bulk-sandbox-to-host "$sent" "$(cat "$out/host-sink.out")"
