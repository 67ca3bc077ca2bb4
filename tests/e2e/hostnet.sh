#!/bin/sh
# --network=host: a guest in `runsc --network=host do` reaches a host
# python3 TCP echo server on 127.0.0.1 (and ::1 when the host has it) and a
# UDP echo server; a host client reaches a guest TCP server; without the
# flag the guest does not reach the host's server; `runsc syscalls
# --host-filter` differs only by the host-mode socket calls. Appends
# PASS/FAIL/SKIP lines to $RESULTS/hostnet.txt.
#   hostnet.sh RUNSC [PLATFORM] [RESULTS]
set -u
suite=hostnet
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
D() { timeout -k 2 60 "$runsc" --platform "$platform" "$@"; }

if ! command -v python3 >/dev/null || [ "$(id -u)" != 0 ]; then
	skip all "needs root (runsc do) and python3"
	exit 0
fi
guest=$out/hostnet_guest
if ! gcc -static -O2 -o "$guest" "$here/hostnet_guest.c"; then
	fail build "hostnet_guest.c does not build"
	exit 0
fi

# Host echo servers (TCP on v4 and v6 loopback, UDP on v4); each writes
# its port to a file.
rm -f "$out"/port.*
python3 - "$out" <<'EOF' &
import socket, sys, threading
out = sys.argv[1]
def tcp(fam, addr, name):
    try:
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.bind((addr, 0))
    except OSError:
        return
    s.listen(8)
    open("%s/port.%s" % (out, name), "w").write(str(s.getsockname()[1]))
    while True:
        c, _ = s.accept()
        d = b""
        while len(d) < 20:
            x = c.recv(100)
            if not x:
                break
            d += x
        c.sendall(d)
        c.close()
def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    open("%s/port.udp" % out, "w").write(str(s.getsockname()[1]))
    while True:
        d, a = s.recvfrom(100)
        s.sendto(d, a)
for f, a in ((tcp, (socket.AF_INET, "127.0.0.1", "tcp4")), (tcp, (socket.AF_INET6, "::1", "tcp6")), (udp, ())):
    threading.Thread(target=f, args=a, daemon=True).start()
threading.Event().wait(90)
EOF
srv=$!
n=0
while { [ ! -s "$out/port.tcp4" ] || [ ! -s "$out/port.udp" ]; } && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
p4=$(cat "$out/port.tcp4")
pu=$(cat "$out/port.udp")

got=$(D --network=host do "$guest" client 127.0.0.1 "$p4" 2>&1)
expect guest-client-tcp4 "echo: hello from the guest
SO_BINDTODEVICE: Protocol not available" "$got"
if [ -s "$out/port.tcp6" ]; then
	got=$(D --network=host do "$guest" client ::1 "$(cat "$out/port.tcp6")" 2>&1 | head -1)
	expect guest-client-tcp6 "echo: hello from the guest" "$got"
else
	skip guest-client-tcp6 "no IPv6 loopback on the host"
fi
got=$(D --network=host do "$guest" udp 127.0.0.1 "$pu" 2>&1)
expect guest-udp "udp echo: datagram" "$got"

# Without --network=host the sandbox has its own loopback: the connect
# fails (refused, or no TCP in the sandbox stack yet), no echo comes.
got=$(D do "$guest" client 127.0.0.1 "$p4" 2>&1)
case "$got" in
"connect: Connection refused" | "connect: Protocol not supported") pass sandbox-mode-isolated ;;
*) fail sandbox-mode-isolated "got [$got]" ;;
esac

# A guest server reached by a host client.
gp=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
D --network=host do "$guest" server 127.0.0.1 "$gp" >"$out/server.out" 2>&1 &
gs=$!
got=$(python3 - "$gp" <<'EOF'
import socket, sys, time
for i in range(100):
    try:
        c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
        break
    except OSError:
        time.sleep(0.1)
else:
    print("no guest server")
    sys.exit(0)
c.sendall(b"hello from the host")
c.shutdown(socket.SHUT_WR)
d = b""
while True:
    x = c.recv(100)
    if not x:
        break
    d += x
print(d.decode())
EOF
)
wait "$gs"
expect host-client-to-guest-server "hello from the host" "$got"
expect guest-server-output "listening
served" "$(cat "$out/server.out")"

# The same through the OCI runtime: `runsc --network=host run` of a
# bundle whose config has no network namespace (as podman --network=host).
bundle=$out/bundle
rm -rf "$bundle" "$out/state"
mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/dev" "$bundle/rootfs/tmp"
cp "$guest" "$bundle/rootfs/bin/"
if (cd "$bundle" && "$runsc" spec); then
	python3 - "$bundle/config.json" "$p4" <<'EOF2'
import json, sys
p, port = sys.argv[1:3]
c = json.load(open(p))
c["process"]["args"] = ["/bin/hostnet_guest", "client", "127.0.0.1", port]
c["process"]["terminal"] = False
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]
json.dump(c, open(p, "w"))
EOF2
	got=$(D --root "$out/state" --network=host run --bundle "$bundle" hn-oci 2>&1 | head -1)
	D --root "$out/state" delete --force hn-oci >/dev/null 2>&1
	expect oci-run-network-host "echo: hello from the guest" "$got"
else
	fail oci-run-network-host "runsc spec failed"
fi

kill "$srv" 2>/dev/null
wait "$srv" 2>/dev/null

# The host filter gains only the host-mode socket calls.
"$runsc" syscalls --host-filter >"$out/filter.default"
"$runsc" --network=host syscalls --host-filter >"$out/filter.host"
expect filter-default-has-no-socket "" "$(grep -E '^(socket|bind|connect|listen)' "$out/filter.default")"
expect filter-host-adds-only-socket-calls "bind connect getpeername getsockname listen setsockopt socket" \
	"$(diff "$out/filter.default" "$out/filter.host" | sed -n 's/^> \([a-z]*\).*/\1/p' | sort | tr '\n' ' ' | sed 's/ $//')"
expect filter-host-removes-nothing "" "$(diff "$out/filter.default" "$out/filter.host" | grep '^<')"
exit 0
