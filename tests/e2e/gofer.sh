#!/bin/sh
# End-to-end checks of the gofer over an OCI bundle: what the container
# writes to a bind mount is on the host, complete, after it exits and after
# `kill -9` of its process; stores to a shared mapping are on the host
# after msync and after munmap; files made or replaced on the host show
# inside; read-only binds refuse writes; and escape
# attempts (dot-dot chains, symlinks made inside and on the host, symlinks
# swapped during walks by the guest and by a host process, /proc/self/root,
# hard links, openat2) never reach a host file outside the rootfs and the
# binds. Appends PASS/FAIL/SKIP lines to $RESULTS/gofer.txt.
#   gofer.sh RUNSC [PLATFORM] [RESULTS]
set -u
runsc=$(realpath "$1") platform=${2:-ptrace} results=$(realpath -m "${3:-${RESULTS:-build/test-results}}")
here=$(cd "$(dirname "$0")" && pwd)
out=$results/gofer
res=$results/gofer.txt
root=$out/state
mkdir -p "$out"
: >"$res"

pass() { echo "PASS gofer/$1" >>"$res"; }
fail() { echo "FAIL gofer/$1" >>"$res"; echo "FAIL gofer/$1: $2" | head -c 600; echo; }
skip() { echo "SKIP gofer/$1: $2" >>"$res"; }
check() { if [ "$2" = 0 ]; then pass "$1"; else fail "$1" "$3"; fi; }
R() { timeout -k 2 60 "$runsc" --root "$root" --platform "$platform" "$@"; }

bb=/bin/busybox
if [ ! -x "$bb" ] || ! command -v python3 >/dev/null || [ "$(id -u)" != 0 ]; then
	skip all "needs root, busybox-static and python3"
	exit 0
fi

bundle=$out/bundle
vol=$out/vol
rovol=$out/rovol
secretdir=$out/outside
rm -rf "$bundle" "$root" "$vol" "$rovol" "$secretdir"
mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/dev" "$bundle/rootfs/tmp" \
	"$bundle/rootfs/data" "$bundle/rootfs/ro" "$vol" "$rovol" "$secretdir"
cp "$bb" "$bundle/rootfs/bin/busybox"
for a in $("$bb" --list); do
	[ "$a" = busybox ] || ln -sf busybox "$bundle/rootfs/bin/$a"
done
if ! gcc -static -O2 -pthread -o "$bundle/rootfs/bin/gofer_escape" "$here/gofer_escape.c" ||
	! gcc -static -O2 -o "$bundle/rootfs/bin/gofer_mmap" "$here/gofer_mmap.c"; then
	fail build "gofer_escape.c or gofer_mmap.c does not build"
	exit 0
fi
echo "GOFER-SECRET outside the sandbox" >"$secretdir/secret"
echo "read-only volume" >"$rovol/keep"
ln -s "$secretdir/secret" "$vol/host-abs"
ln -s "../outside/secret" "$vol/host-rel"
(cd "$bundle" && R spec) || { fail spec "runsc spec failed"; exit 0; }

# config BUNDLE ARGS...: the process, the two bind mounts.
config() {
	python3 - "$bundle/config.json" "$vol" "$rovol" "$@" <<'EOF'
import json, sys
p, vol, rovol = sys.argv[1:4]
c = json.load(open(p))
c["process"]["args"] = sys.argv[4:]
c["process"]["terminal"] = False
c["root"]["readonly"] = False
c["mounts"] = [m for m in c["mounts"] if m["destination"] not in ("/data", "/ro")]
c["mounts"].append({"destination": "/data", "type": "bind", "source": vol, "options": ["rbind", "rw"]})
c["mounts"].append({"destination": "/ro", "type": "bind", "source": rovol, "options": ["rbind", "ro"]})
json.dump(c, open(p, "w"), indent=2)
EOF
}

# ---- writes reach the host, complete ----
config /bin/sh -c 'echo hello > /data/small; dd if=/dev/zero bs=1024 count=3000 2>/dev/null | tr "\0" x > /data/big; mkdir /data/dir; echo in > /data/dir/f; mv /data/small /data/moved'
R run --bundle "$bundle" w1 >"$out/w1.out" 2>&1
st=$?
R delete --force w1 >/dev/null 2>&1
[ $st = 0 ] && [ "$(cat "$vol/moved" 2>/dev/null)" = hello ] &&
	[ "$(stat -c %s "$vol/big" 2>/dev/null)" = 3072000 ] &&
	[ "$(tr -d x <"$vol/big" | wc -c)" = 0 ] && [ "$(cat "$vol/dir/f" 2>/dev/null)" = in ] &&
	[ ! -e "$vol/small" ]
check bind-writes-on-host $? "status $st, moved=$(cat "$vol/moved" 2>&1) big=$(stat -c %s "$vol/big" 2>&1) $(cat "$out/w1.out")"

# ---- the same after kill -9 of the container's process ----
config /bin/sh -c 'i=0; while [ $i -lt 500 ]; do echo "line $i" >> /data/log; i=$((i+1)); done; echo done > /data/flag; exec sleep 100'
rm -f "$vol/log" "$vol/flag"
R create --bundle "$bundle" k1 >"$out/k1.out" 2>&1 && R start k1 >>"$out/k1.out" 2>&1
n=0
while [ ! -s "$vol/flag" ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
R kill k1 KILL >>"$out/k1.out" 2>&1
n=0
while [ "$(R state k1 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])' 2>/dev/null)" = running ] &&
	[ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
R delete --force k1 >/dev/null 2>&1
[ "$(wc -l <"$vol/log" 2>/dev/null)" = 500 ] && [ "$(tail -1 "$vol/log")" = "line 499" ]
check bind-writes-survive-kill9 $? "log has $(wc -l <"$vol/log" 2>&1) lines; $(cat "$out/k1.out")"

# ---- shared mappings reach the host at msync and at munmap ----
config /bin/gofer_mmap /data/mapped /data
rm -f "$vol/m1.flag" "$vol/m2.flag"
R create --bundle "$bundle" m1 >"$out/m1.out" 2>&1 && R start m1 >>"$out/m1.out" 2>&1
n=0
while [ ! -e "$vol/m1.flag" ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
[ "$(head -c 10 "$vol/mapped" 2>/dev/null)" = msync-data ]
check mmap-msync-on-host $? "after msync the host has [$(head -c 10 "$vol/mapped" 2>&1)]"
n=0
while [ ! -e "$vol/m2.flag" ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
[ "$(dd if="$vol/mapped" bs=1 skip=4096 count=11 2>/dev/null)" = munmap-data ]
check mmap-munmap-on-host $? "after munmap the host has [$(dd if="$vol/mapped" bs=1 skip=4096 count=11 2>/dev/null)]"
R kill m1 KILL >/dev/null 2>&1
R delete --force m1 >/dev/null 2>&1

# ---- changes made on the host show inside (revalidation) ----
rm -rf "$vol/hostdir" "$vol/hostmade" "$vol/ready-host" "$vol/ready-guest"
echo old >"$vol/replaced"
config /bin/sh -c 'cat /data/replaced; ls /data/hostmade 2>&1; touch /data/ready-guest;
	n=0; while [ ! -e /data/ready-host ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done;
	cat /data/replaced /data/hostmade; ls /data/hostdir'
R create --bundle "$bundle" h1 >"$out/h1.out" 2>&1 && R start h1 >>"$out/h1.out" 2>&1
n=0
while [ ! -e "$vol/ready-guest" ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
echo new >"$vol/replaced.tmp" && mv "$vol/replaced.tmp" "$vol/replaced"
echo made >"$vol/hostmade"
mkdir "$vol/hostdir" && touch "$vol/hostdir/x"
touch "$vol/ready-host"
R wait h1 >/dev/null 2>&1 || sleep 2
R delete --force h1 >/dev/null 2>&1
# The container's stdout is the create's: it went to h1.out.
grep -qx old "$out/h1.out" && grep -qx new "$out/h1.out" && grep -qx made "$out/h1.out" &&
	grep -qx x "$out/h1.out"
check host-changes-show $? "$(tr '\n' ' ' <"$out/h1.out" | head -c 300)"

# ---- read-only bind ----
config /bin/sh -c 'cat /ro/keep; echo x > /ro/new && echo wrote; rm /ro/keep && echo removed; exit 0'
R run --bundle "$bundle" r1 >"$out/r1.out" 2>&1
R delete --force r1 >/dev/null 2>&1
grep -q "read-only volume" "$out/r1.out" && ! grep -q wrote "$out/r1.out" &&
	! grep -q removed "$out/r1.out" && [ ! -e "$rovol/new" ] && [ -e "$rovol/keep" ]
check bind-readonly $? "$(cat "$out/r1.out")"

# ---- escapes, with a host process swapping a symlink in the volume ----
python3 - "$vol" "$secretdir" 20 <<'EOF' &
import os, sys, time
vol, target, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
sw = os.path.join(vol, "hostrace")
os.makedirs(sw, exist_ok=True)
end = time.time() + secs
while time.time() < end:
    try:
        os.rename(sw, sw + ".d")
        os.symlink(target, sw)
        os.unlink(sw)
        os.rename(sw + ".d", sw)
    except OSError:
        pass
EOF
racer=$!
config /bin/sh -c "gofer_escape '$secretdir/secret' '$secretdir' /data 5; r=\$?; \
	n=0; end=\$((\$(date +%s) + 4)); while [ \$(date +%s) -lt \$end ]; do \
	cat /data/hostrace/secret 2>/dev/null | grep -q GOFER-SECRET && n=\$((n+1)); done; \
	echo host-race-hits \$n; exit \$r"
R run --bundle "$bundle" e1 >"$out/e1.out" 2>&1
st=$?
R delete --force e1 >/dev/null 2>&1
kill $racer 2>/dev/null
wait $racer 2>/dev/null
[ $st = 0 ] && grep -q "escape: none" "$out/e1.out" && grep -q "host-race-hits 0" "$out/e1.out" &&
	! grep -q ESCAPED "$out/e1.out"
check no-escape $? "status $st: $(grep -E 'ESCAPED|escape:|hits' "$out/e1.out" | tr '\n' ' ')"
[ "$(cat "$secretdir/secret")" = "GOFER-SECRET outside the sandbox" ] && [ "$(ls "$secretdir")" = secret ]
check outside-untouched $? "the directory outside changed: $(ls "$secretdir")"

rm -rf "$bundle" "$root"
echo "gofer: $(grep -c '^PASS' "$res") passed, $(grep -c '^FAIL' "$res") failed"
! grep -q '^FAIL' "$res"
