#!/bin/sh
# Host unix sockets through the gofer: host python3 servers (stream echo,
# seqpacket echo, datagram sink) listen in a directory bind-mounted into an
# OCI bundle; a static guest client (hostsock_client.c) talks to them,
# moves 1 MiB both ways, sends datagrams, and checks what stays out of
# reach: guest fds to the host, a host socket in the root filesystem, a
# missing one. A guest bind() on the mount is a sandbox socket. Appends
# PASS/FAIL/SKIP lines to $RESULTS/hostsock.txt.
#   hostsock.sh RUNSC [PLATFORM] [RESULTS]
set -u
suite=hostsock
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
root=$out/state
R() { timeout -k 2 60 "$runsc" --root "$root" --platform "$platform" "$@"; }

bb=/bin/busybox
if [ ! -x "$bb" ] || ! command -v python3 >/dev/null || [ "$(id -u)" != 0 ]; then
	skip all "needs root, busybox-static and python3"
	exit 0
fi

bundle=$out/bundle
vol=$out/vol
rm -rf "$bundle" "$root" "$vol"
mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/dev" "$bundle/rootfs/tmp" \
	"$bundle/rootfs/data" "$vol"
cp "$bb" "$bundle/rootfs/bin/busybox"
ln -sf busybox "$bundle/rootfs/bin/sh"
if ! gcc -static -O2 -o "$bundle/rootfs/bin/hostsock_client" "$here/hostsock_client.c"; then
	fail build "hostsock_client.c does not build"
	exit 0
fi
(cd "$bundle" && R spec) || { fail spec "runsc spec failed"; exit 0; }
python3 - "$bundle/config.json" "$vol" <<'EOF'
import json, sys
p, vol = sys.argv[1:3]
c = json.load(open(p))
c["process"]["args"] = ["/bin/hostsock_client", "/data", "/tmp/root.sock"]
c["process"]["terminal"] = False
c["root"]["readonly"] = False
c["mounts"].append({"destination": "/data", "type": "bind", "source": vol, "options": ["rbind", "rw"]})
json.dump(c, open(p, "w"), indent=2)
EOF

# The host servers; they write what they saw to $out/server.log.
python3 - "$vol" "$bundle/rootfs/tmp/root.sock" "$out/server.log" <<'EOF' &
import os, socket, sys, threading
vol, rootsock, log = sys.argv[1:4]
out = open(log, "w", buffering=1)
def serve(path, typ):
    s = socket.socket(socket.AF_UNIX, typ)
    s.bind(path)
    if typ != socket.SOCK_DGRAM:
        s.listen(8)
    return s
st = serve(vol + "/stream.sock", socket.SOCK_STREAM)
sq = serve(vol + "/seq.sock", socket.SOCK_SEQPACKET)
dg = serve(vol + "/dgram.sock", socket.SOCK_DGRAM)
rt = serve(rootsock, socket.SOCK_STREAM)
def echo_conn(c):
    while True:
        d = c.recv(65536)
        if not d:
            break
        c.sendall(d)
    c.close()
def acceptor(s):
    while True:
        c, _ = s.accept()
        threading.Thread(target=echo_conn, args=(c,), daemon=True).start()
def root_acceptor():
    while True:
        c, _ = rt.accept()
        out.write("root socket reached\n")
        c.close()
def sink():
    while True:
        out.write("dgram: %s\n" % dg.recv(100).decode())
for f, a in ((acceptor, (st,)), (acceptor, (sq,)), (root_acceptor, ()), (sink, ())):
    threading.Thread(target=f, args=a, daemon=True).start()
open(vol + "/ready", "w").close()
threading.Event().wait(120)
EOF
srv=$!
n=0
while [ ! -e "$vol/ready" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done

R run --bundle "$bundle" hs1 >"$out/client.out" 2>"$out/client.err"
st=$?
R delete --force hs1 >/dev/null 2>&1
sleep 0.2
kill "$srv" 2>/dev/null
wait "$srv" 2>/dev/null
got() { sed -n "s/^$1: //p" "$out/client.out"; }

expect exit-status 0 "$st"
expect stream-echo "ping from the guest" "$(got stream)"
expect seqpacket-echo "ping from the guest" "$(got seqpacket)"
expect stream-1MiB intact "$(got stream-1MiB)"
expect dgram-connect ok "$(got dgram-connect)"
expect dgram-send 9 "$(got dgram-send)"
expect dgram-sendto 9 "$(got dgram-sendto)"
expect dgram-received "dgram: dgram one
dgram: dgram two" "$(grep '^dgram:' "$out/server.log" | sort)"
expect scm-rights-refused "Invalid argument" "$(got scm-rights-to-host)"
expect wrong-type "Protocol wrong type for socket" "$(got wrong-type)"
expect missing-socket "No such file or directory" "$(got missing)"
expect root-socket-unreachable "Connection refused" "$(got root-socket)"
expect root-socket-not-touched "" "$(grep 'root socket' "$out/server.log")"
expect guest-bind-in-sandbox inside "$(got guest-bind)"
[ -S "$vol/guest.sock" ] || [ -e "$vol/guest.sock" ]
if [ $? = 0 ]; then
	python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])' "$vol/guest.sock" 2>/dev/null
	expect guest-socket-not-on-host 1 "$?"
else
	pass guest-socket-not-on-host
fi
exit 0
