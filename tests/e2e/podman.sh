#!/bin/sh
# podman end to end: the real podman from Debian drives our runsc as its
# OCI runtime (`podman --runtime RUNSC`) over a local busybox image built
# here (no registry). Appends PASS/FAIL/SKIP lines to $RESULTS/podman.txt.
#   podman.sh RUNSC [PLATFORM] [RESULTS]
set -u
suite=podman
. "$(dirname "$0")/lib.sh"

if ! command -v podman >/dev/null 2>&1; then
	skip podman "podman is not installed (Debian package podman)"
	exit 0
fi
bb=/bin/busybox
if [ ! -x "$bb" ]; then
	skip podman "$bb missing (install busybox-static)"
	exit 0
fi

# Our own storage and run dirs so the host's containers are untouched,
# and our runtime flags (platform, state root) through a wrapper.
store=$out/storage
runroot=$out/run
stateroot=$out/state
wrapper=$out/runsc-wrapper
mkdir -p "$store" "$runroot" "$stateroot"
cat >"$wrapper" <<EOF
#!/bin/sh
exec "$runsc" --platform "$platform" --root "$stateroot" "\$@"
EOF
chmod +x "$wrapper"
P() {
	timeout -k 5 60 podman --root "$store" --runroot "$runroot" --runtime "$wrapper" \
		--storage-driver vfs --cgroup-manager cgroupfs --events-backend file "$@"
}

if ! P info >"$out/info.log" 2>&1; then
	skip podman "podman cannot run here: $(tail -1 "$out/info.log")"
	exit 0
fi

# The image: busybox and its applets, passwd/group with a second user.
img=$out/img
rm -rf "$img"
mkdir -p "$img/bin" "$img/etc" "$img/tmp" "$img/proc" "$img/sys" "$img/dev" "$img/root" "$img/work"
cp "$bb" "$img/bin/busybox"
for a in $("$bb" --list); do
	[ "$a" = busybox ] || ln -sf busybox "$img/bin/$a"
done
printf 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:alice:/tmp:/bin/sh\n' >"$img/etc/passwd"
printf 'root:x:0:\nalice:x:1000:\n' >"$img/etc/group"
chmod 1777 "$img/tmp"
tar -C "$img" -cf "$out/img.tar" .
if ! P import "$out/img.tar" localhost/runsc-e2e-bb:latest >"$out/import.log" 2>&1; then
	fail import "$(tail -1 "$out/import.log")"
	exit 0
fi
IMG=localhost/runsc-e2e-bb:latest
P rm -af >/dev/null 2>&1

# 1. run echo
expect run_echo "hello from podman" "$(P run --rm $IMG echo hello from podman 2>&1)"

# 2. exit status propagation
P run --rm $IMG sh -c 'exit 7' >/dev/null 2>&1
expect exit_code 7 "$?"

# 3. environment
expect env "bar baz" "$(P run --rm -e FOO=bar -e QUX=baz $IMG sh -c 'echo $FOO $QUX' 2>&1)"

# 4. working directory
expect workdir "/work" "$(P run --rm -w /work $IMG pwd 2>&1)"

# 5. user
expect user "1000 1000" "$(P run --rm --user 1000:1000 $IMG sh -c 'echo $(id -u) $(id -g)' 2>&1)"

# 6. read-only root
expect read_only "write failed" "$(P run --rm --read-only $IMG sh -c '(echo x >/x) 2>/dev/null && echo wrote || echo write failed' 2>&1)"

# 7. volume: read what the host wrote, write back, see it on the host
vol=$out/vol
rm -rf "$vol"
mkdir -p "$vol"
echo "from the host" >"$vol/in"
got=$(P run --rm -v "$vol:/vol" $IMG sh -c 'cat /vol/in && echo "from the guest" >/vol/out && echo ok' 2>&1)
expect volume_read "from the host
ok" "$got"
expect volume_write "from the guest" "$(cat "$vol/out" 2>&1)"

# 8. stdin pipe
expect stdin_pipe "3" "$(printf 'a\nb\nc\n' | P run --rm -i $IMG wc -l 2>&1 | tr -d ' ')"

# 9. -t: the process has a terminal. podman gets a pty of its own from a
# python runner that reads it to EOF and reports podman's status. (With
# script(1) one CI run printed nothing at all, with no status to tell why;
# script also reacts to its own stdin, which CI does not control.)
got=$(python3 -c '
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        b = os.read(fd, 4096)
    except OSError:
        break
    if not b:
        break
    out += b
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
if st:
    sys.stdout.write("[podman status %d]" % os.waitstatus_to_exitcode(st))
' timeout -k 5 60 podman --root "$store" --runroot "$runroot" --runtime "$wrapper" \
	--storage-driver vfs --cgroup-manager cgroupfs --events-backend file \
	run --rm -t $IMG sh -c 'test -t 0 && test -t 1 && echo is-a-tty' 2>&1)
expect tty "is-a-tty" "$got"

# 10. exec into a running container, 11. stop, kill with a signal
P run -d --name e2e-exec $IMG sleep 1000 >/dev/null 2>&1
expect exec "inside 0" "$(P exec e2e-exec sh -c 'echo inside; id -u' 2>&1 | tr '\n' ' ' | sed 's/ $//')"
P exec e2e-exec sh -c 'exit 4' >/dev/null 2>&1
expect exec_status 4 "$?"
expect exec_env_cwd "/tmp v" "$(P exec -w /tmp -e V=v e2e-exec sh -c 'echo $(pwd) $V' 2>&1)"
P stop -t 2 e2e-exec >/dev/null 2>&1
expect stop_status 143 "$(P inspect -f '{{.State.ExitCode}}' e2e-exec 2>&1)"
P rm -f e2e-exec >/dev/null 2>&1

P run -d --name e2e-kill $IMG sh -c 'trap "echo got-usr1; exit 9" USR1; while :; do sleep 0.1; done' >/dev/null 2>&1
sleep 1
P kill -s USR1 e2e-kill >/dev/null 2>&1
P wait e2e-kill >"$out/kill.wait" 2>&1
expect kill_signal "9" "$(cat "$out/kill.wait")"
# 12. logs
expect logs "got-usr1" "$(P logs e2e-kill 2>&1)"
P rm -f e2e-kill >/dev/null 2>&1

# pause/unpause: no progress while paused, progress after; events --stats
P run -d --name e2e-pause $IMG sh -c 'while :; do echo tick; sleep 0.1; done' >/dev/null 2>&1
sleep 1
P pause e2e-pause >/dev/null 2>&1
expect pause_status paused "$(P inspect -f '{{.State.Status}}' e2e-pause 2>&1)"
n1=$(P logs e2e-pause 2>/dev/null | wc -l)
sleep 1
n2=$(P logs e2e-pause 2>/dev/null | wc -l)
expect paused_no_progress 0 "$((n2 - n1))"
cid=$(P inspect -f '{{.Id}}' e2e-pause 2>/dev/null)
expect events_stats "stats True" "$("$wrapper" events --stats "$cid" 2>&1 | python3 -c 'import json,sys; e=json.loads(sys.stdin.readline()); print(e["type"], e["data"]["pids"]["current"] >= 1)' 2>&1)"
P unpause e2e-pause >/dev/null 2>&1
sleep 1
n3=$(P logs e2e-pause 2>/dev/null | wc -l)
if [ "$n3" -gt "$n2" ]; then pass resumed_progress; else fail resumed_progress "no output after unpause"; fi
P rm -f e2e-pause >/dev/null 2>&1

# resources: the sandbox's host cgroup gets the limits, and goes at rm
if P run -d --name e2e-cg --memory 64m --pids-limit 50 $IMG sleep 100 >/dev/null 2>&1; then
	cid=$(P inspect -f '{{.Id}}' e2e-cg 2>/dev/null)
	if [ -e /sys/fs/cgroup/cgroup.controllers ]; then cgroot=/sys/fs/cgroup; else cgroot=/sys/fs/cgroup/memory; fi
	cgd=$(find "$cgroot" -maxdepth 4 -type d -name "*$cid*" 2>/dev/null | head -1)
	lim=$(cat "$cgd/memory.max" "$cgd/memory.limit_in_bytes" 2>/dev/null | head -1)
	expect cgroup_memory 67108864 "$lim"
	P rm -f e2e-cg >/dev/null 2>&1
	expect cgroup_removed 0 "$(find /sys/fs/cgroup -maxdepth 4 -type d -name "*$cid*" 2>/dev/null | wc -l)"
else
	fail cgroup_memory "podman run --memory failed"
fi

# 13. -d then wait
P run -d --name e2e-wait $IMG sh -c 'echo started; exit 5' >/dev/null 2>&1
expect detach_wait 5 "$(P wait e2e-wait 2>&1)"
P rm -f e2e-wait >/dev/null 2>&1

# 15. networking through podman's bridge (netavark): the sentry's stack
# owns the container's eth0 (--network=sandbox).
#  port_forward*: `-p 127.0.0.1:PORT:8080` reaches busybox httpd in the
#    container from the host (a 4 MiB file byte for byte, 20 short requests),
#    and `-p PORT2:8080` on the host's own address;
#  container_to_host: a container fetches from a server on the host bound to
#    the bridge gateway (the route via the gateway, ARP for it);
#  container_to_container: one container fetches from another on the bridge.
# Skipped when podman cannot set up its network here (netavark/iptables).
# (No wget -T: Debian's busybox 1.35 wget crashes with it, natively too.)
www=$out/www
rm -rf "$www"
mkdir -p "$www"
echo "hello through the bridge" >"$www/index.html"
head -c 4194304 /dev/urandom >"$www/big.bin"
bigsum=$(md5sum <"$www/big.bin" | cut -d' ' -f1)
gw=$(P network inspect podman -f '{{range .Subnets}}{{.Gateway}} {{end}}' 2>/dev/null | awk '{print $1}')
hport=$((18000 + $$ % 1000))
# fetch URL: the body on stdout; curl or python3 or busybox wget.
fetch() {
	if command -v curl >/dev/null 2>&1; then
		curl -sS -m 20 "$1"
	elif command -v python3 >/dev/null 2>&1; then
		python3 -c 'import sys, urllib.request as u; sys.stdout.buffer.write(u.urlopen(sys.argv[1], timeout=20).read())' "$1"
	else
		timeout 20 "$bb" wget -q -O - "$1"
	fi
}
P rm -f e2e-web >/dev/null 2>&1
if [ -z "$gw" ]; then
	skip port_forward "podman has no bridge network with a gateway here"
elif ! P run -d --name e2e-web -v "$www:/www:ro" -p "127.0.0.1:$hport:8080" \
	-p "$((hport + 1)):8080" $IMG \
	httpd -f -p 8080 -h /www >"$out/web.log" 2>&1; then
	if grep -qiE 'netavark|iptables|nftables|cni|network' "$out/web.log"; then
		skip port_forward "podman networking cannot run here: $(tail -1 "$out/web.log")"
	else
		fail port_forward "podman run -p failed: $(tail -1 "$out/web.log")"
	fi
else
	# httpd listening is not a state podman can report: poll up to 10 s.
	for i in $(seq 1 50); do
		got=$(fetch "http://127.0.0.1:$hport/index.html" 2>/dev/null) && break
		sleep 0.2
	done
	expect port_forward "hello through the bridge" "$got"
	expect port_forward_4m "$bigsum" "$(fetch "http://127.0.0.1:$hport/big.bin" 2>&1 | md5sum | cut -d' ' -f1)"
	ok=0
	for i in $(seq 1 20); do
		[ "$(fetch "http://127.0.0.1:$hport/index.html" 2>&1)" = "hello through the bridge" ] && ok=$((ok + 1))
	done
	expect port_forward_short 20 "$ok"
	# -p without an address: also on the host's own (non-bridge) address.
	hostip=$(ip -4 -o addr show scope global 2>/dev/null | grep -v -e podman -e cni -e veth |
		awk '{print $4}' | cut -d/ -f1 | head -1)
	if [ -n "$hostip" ]; then
		expect port_forward_any "hello through the bridge" \
			"$(fetch "http://$hostip:$((hport + 1))/index.html" 2>&1)"
	else
		skip port_forward_any "the host has no global IPv4 address besides the bridge"
	fi
	cip=$(P inspect -f '{{.NetworkSettings.IPAddress}}' e2e-web 2>/dev/null)
	expect container_to_container "hello through the bridge" \
		"$(P run --rm $IMG wget -q -O - "http://$cip:8080/index.html" 2>&1)"

	# The host serves on the gateway address; the container fetches.
	# (e2e-web still runs: netavark removes the bridge with its last
	# container, and the gateway address with it.)
	timeout -k 5 120 "$bb" httpd -f -p "$gw:$hport" -h "$www" >"$out/hostweb.log" 2>&1 &
	hostweb=$!
	sleep 0.5
	got=$(P run --rm $IMG sh -c "wget -q -O - http://$gw:$hport/index.html &&
		wget -q -O - http://$gw:$hport/big.bin | md5sum" 2>&1)
	kill "$hostweb" 2>/dev/null
	wait "$hostweb" 2>/dev/null
	expect container_to_host "hello through the bridge
$bigsum  -" "$got"
fi
P rm -f e2e-web >/dev/null 2>&1

# 14. 50 short containers: no process, fd, mount or state dir left behind
fds_before=$(ls /proc/self/fd | wc -l)
# Only mounts that are ours count: other tools may mount meanwhile.
ourmounts() { grep -c -e "$out" -e runsc -e containers/storage /proc/self/mountinfo; }
mounts_before=$(ourmounts)
ok=0
for i in $(seq 1 50); do
	got=$(P run --rm $IMG echo "$i" 2>&1)
	if [ "$got" = "$i" ]; then ok=$((ok + 1)); else echo "run $i: $got" >>"$out/fifty.log"; fi
done
expect fifty_runs 50 "$ok"
sleep 1
left=$(pgrep -f "$stateroot" | wc -l)
expect no_leaked_process 0 "$left"
expect no_leaked_state 0 "$(ls "$stateroot" | wc -l)"
expect no_leaked_mount "$mounts_before" "$(ourmounts)"
expect no_leaked_fd "$fds_before" "$(ls /proc/self/fd | wc -l)"

P rm -af >/dev/null 2>&1
P rmi -f $IMG >/dev/null 2>&1
exit 0
