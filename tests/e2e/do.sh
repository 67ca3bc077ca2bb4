#!/bin/sh
# End-to-end checks of `runsc do`: each command runs natively and in the
# sandbox; stdout and exit status must match. Appends PASS/FAIL/SKIP lines
# to $RESULTS/e2e.txt and keeps outputs under $RESULTS/e2e/.
#   do.sh RUNSC [PLATFORM] [RESULTS]
set -u
runsc=$1 platform=${2:-ptrace} results=${3:-${RESULTS:-build/test-results}}
timeout=${TIMEOUT:-30}
out=$results/e2e
res=$results/e2e.txt
mkdir -p "$out"
: >"$res"
fails=0

# check NAME CMD [ARGS...]; $filter (a sed script), when set, is applied to
# both outputs before comparing.
filter=
check() {
	name=$1
	shift
	o=$out/$name
	timeout -k 2 "$timeout" "$@" </dev/null >"$o.native" 2>"$o.native.err"
	echo "exit: $?" >>"$o.native"
	timeout -k 2 "$timeout" "$runsc" --platform="$platform" do "$@" </dev/null \
		>"$o.sandbox" 2>"$o.sandbox.err"
	echo "exit: $?" >>"$o.sandbox"
	if [ -n "$filter" ]; then
		for f in "$o.native" "$o.sandbox"; do
			sed -E "$filter" "$f" >"$f.tmp" && mv "$f.tmp" "$f"
		done
	fi
	if cmp -s "$o.native" "$o.sandbox"; then
		echo "PASS $name" >>"$res"
	else
		echo "FAIL $name" >>"$res"
		fails=$((fails + 1))
		diff "$o.native" "$o.sandbox" >"$o.diff"
		echo "FAIL $name: $(diff "$o.native" "$o.sandbox" | awk '
			/^</ && !n { n = substr($0, 3) } /^>/ && !s { s = substr($0, 3) }
			END { printf "native: [%s] sandbox: [%s]", n, s }')"
	fi
}

skip() {
	echo "SKIP $1: $2" >>"$res"
}

bb=/bin/busybox
if [ -x "$bb" ]; then
	check busybox-echo $bb echo hello from busybox
	check busybox-ls $bb ls /
	check busybox-cat $bb cat /etc/os-release
	check busybox-sort $bb sort /etc/os-release
	check busybox-wc $bb wc -l /etc/os-release
	check busybox-sh-pipeline $bb sh -c \
		'echo "c b a d" | tr " " "\n" | sort | wc -l; echo done'
else
	for n in echo ls cat sort wc sh-pipeline; do
		skip busybox-$n "$bb missing (install busybox-static)"
	done
fi

check true /bin/true
check echo /bin/echo hello sandbox
# /dev, /proc, /sys and /tmp are the sandbox's own filesystems (devices,
# guest processes, an in-memory /tmp): compare their type and mode, not
# the host's link counts, sizes and times there (nor the block total);
# the root is an overlay (a merged directory has one link, its size is the
# upper layer's);
# column widths follow the widest field, so squeeze blanks.
filter='s/ +/ /g; /^total /d; s/^(d[rwxt-]+) [0-9]+ ([a-z]+ [a-z]+) [0-9]+ .* (dev|proc|sys|tmp)$/\1 N \2 S T \3/; s/^(d[rwxt-]+) [0-9]+ ([a-z]+ [a-z]+) [0-9]+ (.* \.\.?)$/\1 N \2 S \3/'
check ls-la /bin/ls -la /
filter=
check sh-loop /bin/sh -c 'for i in 1 2 3; do echo $i; done | wc -l'
check exit-3 /bin/sh -c 'exit 3'
check kill-term /bin/sh -c 'kill -TERM $$; echo not reached'
check kill-kill /bin/sh -c 'kill -KILL $$; echo not reached'

py=/usr/bin/python3
if [ -x "$py" ]; then
	check python-threads-fork-signals $py -c '
import os, signal, threading
res = [0] * 4
def work(i):
    res[i] = sum(range(i * 100000, (i + 1) * 100000))
ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print("sums", res, sum(res))
pid = os.fork()
if pid == 0:
    os._exit(7)
_, st = os.waitpid(pid, 0)
print("child exited", os.WIFEXITED(st), os.WEXITSTATUS(st))
got = []
signal.signal(signal.SIGUSR1, lambda s, f: got.append(s))
os.kill(os.getpid(), signal.SIGUSR1)
n = 0
while not got and n < 1000000:
    n += 1
print("handled", [int(s) for s in got])
'
else
	skip python-threads-fork-signals "$py missing"
fi

echo "e2e: $(grep -c '^PASS' "$res") passed, $(grep -c '^FAIL' "$res") failed, $(grep -c '^SKIP' "$res") skipped (outputs in $out)"
[ "$fails" -eq 0 ]
