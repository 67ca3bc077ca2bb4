#!/bin/sh
# Security checks of the sandbox boundary, over a busybox OCI bundle run by
# our runsc and over `runsc do`:
#  - host processes are invisible: /proc lists only guest pids, a host
#    process's pid cannot be signalled from inside (and survives kill -9);
#  - host network interfaces are invisible: only lo, with --network=sandbox
#    in the host's network namespace (no network entry in the config) and
#    with --network=none;
#  - host files outside the rootfs and the bind mounts are invisible: a
#    canary file next to the bundle, reached by .., /proc/1/root, the bind
#    mount's parent, symlinks planted in the bind mount, its host path;
#  - a guest that crashes the sentry (RUNSC_TEST_PANIC_SYSCALL, the test
#    hook of syscalls/table.c) leaves a backtrace in the debug log, no
#    process of the sandbox (sentry, gofer, stubs) behind, and the runtime
#    reports the container stopped.
# Every check has a positive control (the guest does see its own pids, lo,
# the bind mount's file) so that it cannot pass by seeing nothing at all.
# Appends PASS/FAIL/SKIP lines to $RESULTS/security.txt.
#   security.sh RUNSC [PLATFORM] [RESULTS]
set -u
runsc=$(realpath "$1") platform=${2:-ptrace} results=$(realpath -m "${3:-${RESULTS:-build/test-results}}")
out=$results/security
res=$results/security.txt
root=$out/state
mkdir -p "$out"
: >"$res"

pass() { echo "PASS $1" >>"$res"; }
fail() { echo "FAIL $1" >>"$res"; echo "FAIL security $1: $2"; }
skip() { echo "SKIP $1: $2" >>"$res"; }
check() { if [ "$2" = 0 ]; then pass "$1"; else fail "$1" "$3"; fi; }

R() { timeout -k 2 30 "$runsc" --root "$root" --platform "$platform" "$@"; }

bb=/bin/busybox
if [ ! -x "$bb" ] || ! "$bb" --list >/dev/null 2>&1; then
	skip security "$bb missing (install busybox-static)"
	exit 0
fi
if ! command -v python3 >/dev/null; then
	skip security "python3 missing"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	skip security "needs root (OCI bundles, namespaces)"
	exit 0
fi

# ---- the sentry's host syscall filter must not grow ----
# Recorded in docs/runtime.md ("Host attack surface"): distinct host
# syscalls allowed, with or without an argument check, in the default mode,
# counted for each platform (`runsc --platform=X syscalls --host-filter`);
# the largest must stay at or below the recorded maximum, which is below
# gVisor 20221219's sentry (69). Shrinking is welcome: lower the number.
HOST_FILTER_MAX=67
GVISOR_SENTRY=69
nhf=0 hfall=
for p in ptrace systrap kvm; do
	n=$("$runsc" --platform=$p syscalls --host-filter 2>&1 | grep -v '^#' |
		grep -v 'with --network=host$' | sed 's/(.*//;s/ .*//' | sort -u | grep -c .)
	hfall="$hfall $p=$n"
	[ "$n" -gt "$nhf" ] && nhf=$n
done
[ "$nhf" -ge 30 ] && [ "$nhf" -le "$HOST_FILTER_MAX" ] && [ "$nhf" -lt "$GVISOR_SENTRY" ]
check host-filter-size $? "runsc syscalls --host-filter lists at most $nhf distinct syscalls ($hfall), recorded maximum $HOST_FILTER_MAX, gVisor's sentry $GVISOR_SENTRY"

# A token no guest can guess: the canary's content and the host sleeper's
# argument carry it, so its absence from every guest output is the check.
token=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
hostsleep=$((86000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 400))

rm -rf "$out/bundle" "$out/shared" "$root" "$out"/canary-* "$out"/do-write-*
bundle=$out/bundle
mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/dev" \
	"$bundle/rootfs/tmp" "$bundle/rootfs/mnt/shared" "$out/shared"
cp "$bb" "$bundle/rootfs/bin/busybox"
for a in $("$bb" --list); do
	[ "$a" = busybox ] || ln -sf busybox "$bundle/rootfs/bin/$a"
done
canary=$out/canary-$token
echo "HOSTSECRET-$token" >"$canary"
echo "shared-visible" >"$out/shared/inside"
# Symlinks planted on the host side of the bind mount: resolved in the
# guest's view they must stay inside the sandbox.
ln -s "../canary-$token" "$out/shared/up"
ln -s "../../canary-$token" "$out/shared/up2"
ln -s "$canary" "$out/shared/abs"
(cd "$bundle" && "$runsc" spec) || { fail setup "runsc spec failed"; exit 0; }

# cfg NET-ENTRY ARG...: config.json with process.args ARG... and the
# bind mount of $out/shared at /mnt/shared; NET-ENTRY keep|drop says
# whether the network namespace entry stays.
cfg() {
	net=$1
	shift
	python3 - "$bundle/config.json" "$out/shared" "$net" "$@" <<'EOF'
import json, sys
p, shared, net = sys.argv[1], sys.argv[2], sys.argv[3]
c = json.load(open(p))
c["process"]["args"] = sys.argv[4:]
c["process"]["terminal"] = False
c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/mnt/shared"]
c["mounts"].append({"destination": "/mnt/shared", "type": "bind", "source": shared,
                    "options": ["rbind", "rw"]})
ns = c["linux"]["namespaces"]
c["linux"]["namespaces"] = [n for n in ns if net == "keep" or n["type"] != "network"]
json.dump(c, open(p, "w"), indent=2)
EOF
}

# The host's own view, for comparison.
host_ifaces=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | grep -vx lo | tr '\n' ' ')
host_addrs=$(ip -o addr 2>/dev/null | awk '$2 != "lo" { split($4, a, "/"); print a[1] }' | tr '\n' ' ')

# A host process the guest must not see or signal.
sleep "$hostsleep" &
hostpid=$!
trap 'kill $hostpid 2>/dev/null' EXIT

# The guest's probe: facts about processes, network and files, one per line.
probe='
echo "self $$"
for p in /proc/[0-9]*; do
	n=${p#/proc/}
	echo "pid $n $(tr "\0\n" "  " <$p/cmdline 2>/dev/null | cut -c1-40)"
done
cat /proc/HOSTPID/cmdline 2>/dev/null && echo "proc-hostpid visible"
if kill -0 HOSTPID 2>/dev/null; then echo "kill0-hostpid ok"; else echo "kill0-hostpid refused"; fi
kill -9 HOSTPID 2>/dev/null
for i in $(tail -n +3 /proc/net/dev | cut -d: -f1); do echo "netdev $i"; done
ip -o link 2>/dev/null | while read -r n name rest; do echo "link ${name%:}"; done
ip -o addr 2>/dev/null | while read -r n name fam addr rest; do echo "addr $name ${addr%/*}"; done
ls /sys/class/net 2>/dev/null | while read -r i; do echo "sysnet $i"; done
cat /mnt/shared/inside
for f in /../CANARY /../../CANARY /../../../CANARY /proc/1/root/../CANARY \
	/proc/self/root/../../CANARY /proc/1/cwd/../../CANARY /mnt/shared/../CANARY \
	/mnt/shared/../../CANARY /mnt/shared/../../../CANARY /mnt/shared/up \
	/mnt/shared/up2 /mnt/shared/abs HOSTPATH /proc/1/root/HOSTPATH; do
	cat "$f" 2>/dev/null
done
ls -a / /.. /mnt/shared/.. /mnt/shared/../.. /proc/1/root/.. 2>/dev/null
[ -e /mnt/shared/inside ] && find / -path /proc -prune -o -path /sys -prune -o -name "CANARY" -print 2>/dev/null
echo probe-done
'
probe=$(printf '%s' "$probe" | sed -e "s|HOSTPID|$hostpid|g" -e "s|HOSTPATH|$canary|g" \
	-e "s|CANARY|canary-$token|g")

# verify NAME FILE: the checks over one probe's output.
verify() {
	name=$1 f=$2
	if ! grep -aqx probe-done "$f"; then
		fail "$name-ran" "the probe did not finish: $(head -c 300 "$f") $(head -c 300 "$f.err" 2>/dev/null)"
		return
	fi
	# Processes: only guest pids (the probe's own: a handful), its own
	# shell among them, none carrying the host sleeper's argument.
	n=$(grep -ac '^pid ' "$f")
	self=$(sed -n 's/^self //p' "$f")
	[ "$n" -ge 1 ] && [ "$n" -le 8 ] && grep -aq "^pid $self " "$f" &&
		! grep -aq "$hostsleep" "$f" && ! grep -aq "^pid $hostpid " "$f" &&
		! grep -aq "proc-hostpid visible" "$f"
	check "$name-host-pids-invisible" $? "guest /proc: $(grep -a '^pid ' "$f" | head -20 | tr '\n' ';')"
	grep -aqx "kill0-hostpid refused" "$f" && kill -0 "$hostpid" 2>/dev/null
	check "$name-host-pid-kill-refused" $? "kill -0 from inside: $(grep -a kill0 "$f"); host sleeper alive: $(kill -0 "$hostpid" 2>&1 && echo yes)"
	# Network: lo only (and it is there), no host interface or address.
	bad=$(grep -aE '^(netdev|link|addr|sysnet) ' "$f" | awk '$2 != "lo"')
	for a in $host_addrs; do grep -aq " $a\$" "$f" && bad="$bad host-addr:$a"; done
	[ -z "$bad" ] && grep -aqx "netdev lo" "$f"
	check "$name-host-ifaces-invisible" $? "seen: $(echo "$bad" | tr '\n' ';') (host has: $host_ifaces)"
}

# verify_files NAME FILE: the canary never shows, the bind mount does.
verify_files() {
	name=$1 f=$2
	grep -aqx probe-done "$f" || return
	grep -aqx shared-visible "$f" && ! grep -aq "HOSTSECRET" "$f" && ! grep -aq "canary-$token" "$f"
	check "$name-host-files-invisible" $? "$(grep -an "HOSTSECRET\|canary-$token" "$f" | head -5 | tr '\n' ';') shared: $(grep -ac shared-visible "$f")"
}

# ---- OCI bundle, --network=sandbox, no network namespace (host's netns) ----
cfg drop /bin/sh -c "$probe"
R --network sandbox run --bundle "$bundle" sec-sandbox >"$out/bundle-sandbox.out" 2>"$out/bundle-sandbox.out.err"
verify bundle-netsandbox "$out/bundle-sandbox.out"
verify_files bundle-netsandbox "$out/bundle-sandbox.out"

# ---- OCI bundle, --network=none ----
R --network none run --bundle "$bundle" sec-none >"$out/bundle-none.out" 2>"$out/bundle-none.out.err"
verify bundle-netnone "$out/bundle-none.out"

# ---- runsc do: the host's root is the guest's (by design, behind an
# in-memory overlay), so files are checked by writes not reaching it ----
for net in sandbox none; do
	(cd / && timeout -k 2 30 "$runsc" --root "$root" --platform "$platform" --network "$net" \
		do /bin/sh -c "$probe; echo x >$out/do-write-$token; cat $out/do-write-$token" \
		</dev/null >"$out/do-$net.out" 2>"$out/do-$net.out.err")
	verify "do-net$net" "$out/do-$net.out"
	grep -aqx x "$out/do-$net.out" && [ ! -e "$out/do-write-$token" ]
	check "do-net$net-writes-stay-inside" $? "sandbox wrote: $(grep -acx x "$out/do-$net.out"); host file exists: $([ -e "$out/do-write-$token" ] && echo yes)"
	rm -f "$out/do-write-$token"
done

# ---- a guest crashes the sentry ----
# descendants PID: PID and every process below it.
descendants() {
	for s in /proc/[0-9]*/stat; do
		sed 's/^\([0-9]*\) (.*) [A-Za-z] \([0-9]*\) .*/\1 \2/' "$s" 2>/dev/null
	done | awk -v r="$1" '{ pp[$1] = $2 }
		END { keep[r] = 1; ch = 1
		      while (ch) { ch = 0; for (p in pp) if (!(p in keep) && (pp[p] in keep)) { keep[p] = 1; ch = 1 } }
		      for (p in keep) print p }'
}
# alive PID COMM STARTTIME: that very process still exists (not reused,
# not a zombie).
alive() {
	[ -r "/proc/$1/stat" ] || return 1
	st=$(sed 's/^[0-9]* (.*) //' "/proc/$1/stat" 2>/dev/null)
	[ "$(echo "$st" | cut -d' ' -f1)" != Z ] && [ "$(echo "$st" | cut -d' ' -f20)" = "$3" ] &&
		[ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]
}
crash_nr=162 # sync: only busybox's sync applet makes it, after the sleep
cfg keep /bin/sh -c 'sleep 2; sync; sleep 5'
dl=$out/crash-logs
rm -rf "$dl" && mkdir -p "$dl"
RUNSC_TEST_PANIC_SYSCALL=$crash_nr R --debug-log "$dl" create --bundle "$bundle" sec-crash \
	>"$out/crash.out" 2>&1
R start sec-crash >>"$out/crash.out" 2>&1
sbpid=$(R state sec-crash 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])' 2>/dev/null)
# The sentry, the gofer and at least one stub were seen before the crash
# (the guest sleeps 2 s first; under load the stub may take a moment).
procs="" nprocs=0
for i in $(seq 1 15); do
	procs=""
	[ -n "$sbpid" ] || break
	for p in $(descendants "$sbpid" | sort -u); do
		c=$(cat "/proc/$p/comm" 2>/dev/null) || continue
		t=$(sed 's/^[0-9]* (.*) //' "/proc/$p/stat" 2>/dev/null | cut -d' ' -f20)
		procs="$procs $p:$c:$t"
	done
	nprocs=$(echo $procs | wc -w)
	[ "$nprocs" -ge 3 ] && break
	sleep 0.1
done
[ "$nprocs" -ge 3 ]
check crash-sandbox-processes-seen $? "sandbox pid '$sbpid', processes: $procs"
# Every thread of the sentry runs with no capabilities (capset is per
# thread: a thread made before the drop would keep them).
capbad=""
for t in /proc/"$sbpid"/task/*; do
	[ -r "$t/status" ] || continue
	grep -q '^CapPrm:[[:space:]]*0*$' "$t/status" && grep -q '^CapEff:[[:space:]]*0*$' "$t/status" &&
		grep -q '^CapBnd:[[:space:]]*0*$' "$t/status" || capbad="$capbad ${t##*/}"
done
[ -n "$sbpid" ] && [ -z "$capbad" ]
check sentry-threads-no-caps $? "sentry $sbpid threads with capabilities:$capbad"
st=""
for i in $(seq 1 100); do
	st=$(R state sec-crash 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])' 2>/dev/null)
	[ "$st" = stopped ] && break
	sleep 0.1
done
[ "$st" = stopped ]
check crash-reported-stopped $? "state after the crash: '$st'"
bt=$(cat "$dl"/*boot* 2>/dev/null)
echo "$bt" | grep -aq "fatal error: test hook: syscall $crash_nr" &&
	echo "$bt" | grep -aq "sentry_panic" && echo "$bt" | grep -aq "syscall_dispatch"
check crash-backtrace-logged $? "boot log: $(echo "$bt" | head -3 | tr '\n' ';') (files: $(ls "$dl"))"
sleep 0.5
left=""
for e in $procs; do
	p=${e%%:*} r=${e#*:}
	alive "$p" "${r%%:*}" "${r#*:}" && left="$left $e"
done
# By name: no process of ours whose command line names this bundle or
# state root (the sentry and the gofer), nor a stub below a leftover.
for p in $(grep -l -e "$bundle" -e "$root" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3); do
	[ "$p" = $$ ] && continue
	c=$(cat "/proc/$p/comm" 2>/dev/null) || continue
	case $c in exe | runsc* | memfd:runsc*) left="$left $p:$c(by-name)" ;; esac
done
[ -z "$left" ]
check crash-no-stray-process $? "still running:$left"
R delete --force sec-crash >/dev/null 2>&1
[ -z "$(ls "$root" 2>/dev/null)" ]
check crash-no-state-left $? "left in $root: $(ls "$root")"
exit 0
