#!/bin/sh
# containerd end to end: a private containerd (its own root, state and
# socket) runs a busybox image through its runc shim with our runsc as the
# runc binary (`ctr run --runc-binary RUNSC`): run, exit status, task exec,
# kill. The image comes from podman's local store (built by the podman
# suite's recipe here), exported as an OCI archive: no registry.
# Appends PASS/FAIL/SKIP lines to $RESULTS/containerd.txt.
#   containerd.sh RUNSC [PLATFORM] [RESULTS]
set -u
suite=containerd
. "$(dirname "$0")/lib.sh"

for c in containerd ctr podman; do
	if ! command -v $c >/dev/null 2>&1; then
		skip containerd "$c is not installed (Debian packages containerd, podman)"
		exit 0
	fi
done
bb=/bin/busybox
[ -x "$bb" ] || { skip containerd "$bb missing (install busybox-static)"; exit 0; }

# The image, as an OCI archive made with podman (private store).
img=$out/img
rm -rf "$img" "$out/store" "$out/run"
mkdir -p "$img/bin" "$img/etc" "$img/tmp" "$img/proc" "$img/dev"
cp "$bb" "$img/bin/busybox"
for a in $("$bb" --list); do
	[ "$a" = busybox ] || ln -sf busybox "$img/bin/$a"
done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$img/etc/passwd"
tar -C "$img" -cf "$out/img.tar" .
PM() { timeout -k 5 60 podman --root "$out/store" --runroot "$out/run" --storage-driver vfs "$@"; }
if ! PM import "$out/img.tar" localhost/runsc-ctr-bb:latest >"$out/import.log" 2>&1 ||
	! PM save --format oci-archive -o "$out/oci.tar" localhost/runsc-ctr-bb:latest >>"$out/import.log" 2>&1; then
	skip containerd "cannot build the image with podman here: $(tail -1 "$out/import.log")"
	exit 0
fi

# A private containerd.
cd_root=$out/ctrd
rm -rf "$cd_root"
mkdir -p "$cd_root"
sock=$cd_root/containerd.sock
cat >"$cd_root/config.toml" <<EOF
version = 2
root = "$cd_root/root"
state = "$cd_root/state"
[grpc]
  address = "$sock"
EOF
containerd --config "$cd_root/config.toml" >"$cd_root/log" 2>&1 &
cdpid=$!
trap 'kill $cdpid 2>/dev/null; wait $cdpid 2>/dev/null' EXIT
for _ in $(seq 1 50); do [ -S "$sock" ] && break; sleep 0.2; done
if [ ! -S "$sock" ]; then
	skip containerd "containerd did not start here: $(tail -1 "$cd_root/log")"
	exit 0
fi
wrapper=$out/runsc-wrapper
cat >"$wrapper" <<EOF
#!/bin/sh
exec "$runsc" --platform "$platform" "\$@"
EOF
chmod +x "$wrapper"
C() { timeout -k 5 60 ctr -a "$sock" -n runsc-e2e "$@"; }
if ! C image import --base-name localhost/runsc-ctr-bb "$out/oci.tar" >"$out/ctr-import.log" 2>&1; then
	fail image_import "$(tail -1 "$out/ctr-import.log")"
	exit 0
fi
IMG=localhost/runsc-ctr-bb:latest

expect run_echo "hello from containerd" "$(C run --rm --runc-binary "$wrapper" $IMG c1 echo hello from containerd 2>&1)"
C run --rm --runc-binary "$wrapper" $IMG c2 sh -c 'exit 3' >/dev/null 2>&1
expect exit_code 3 "$?"

C run -d --runc-binary "$wrapper" $IMG c3 sleep 100 >/dev/null 2>&1
sleep 1
expect task_exec "exec in task" "$(C task exec --exec-id e1 c3 sh -c 'echo exec in task' 2>&1)"
C task exec --exec-id e2 c3 sh -c 'exit 4' >/dev/null 2>&1
expect task_exec_status 4 "$?"
C task kill -s SIGTERM c3 >/dev/null 2>&1
for _ in $(seq 1 50); do
	C task ls 2>/dev/null | grep -q '^c3 .*STOPPED' && break
	sleep 0.2
done
expect task_kill STOPPED "$(C task ls 2>/dev/null | awk '$1 == "c3" { print $3 }')"
C task delete c3 >/dev/null 2>&1
C container delete c3 >/dev/null 2>&1
expect no_task_left "" "$(C task ls -q 2>/dev/null)"
C image rm $IMG >/dev/null 2>&1
exit 0
