#!/bin/sh
# The hostile-guest test (tests/e2e/hostile.c) on each platform: the guest
# runs under a host-side subreaper; afterwards the sandbox must have exited
# normally, a host canary file must be untouched, no host process may be
# left, nothing may report a host-side effect, and on systrap the guest
# must really have found its message pages and trampolines (else it tested
# nothing). Appends PASS/FAIL lines to $RESULTS/hostile.txt.
#   hostile.sh RUNSC HOSTILE_BIN [RESULTS] [PLATFORMS]
set -u
runsc=$1 bin=$2 results=${3:-${RESULTS:-build/test-results}}
platforms=${4:-systrap ptrace}
out=$results/hostile
res=$results/hostile.txt
mkdir -p "$out"
abs() { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }
runsc=$(abs "$runsc") bin=$(abs "$bin") out=$(abs "$out") res=$(abs "$res")
: >"$res"
fails=0
dir=$(mktemp -d /tmp/hostile-XXXXXX)
trap 'rm -rf "$dir"' EXIT

fail() {
	echo "FAIL hostile-$p: $1" | tee -a "$res"
	fails=$((fails + 1))
}

for p in $platforms; do
	canary=$dir/canary-$p
	head -c 4096 /dev/urandom >"$canary"
	before=$(sha256sum <"$canary")$(stat -c '%i %s %Y' "$canary")
	o=$out/$p
	(cd /tmp && timeout -k 5 180 "$bin" --reap "$runsc" --platform="$p" do \
		"$bin" "$canary" </dev/null >"$o.out" 2>"$o.err")
	rc=$?
	after=$( (sha256sum <"$canary") 2>/dev/null)$(stat -c '%i %s %Y' "$canary" 2>/dev/null)
	nfail=$fails
	[ "$rc" -eq 0 ] || fail "exit status $rc (sentry crash, hang or leftover processes)"
	grep -q '^hostile: done' "$o.out" || fail "the guest did not finish"
	grep -q '^bystander: all results right' "$o.out" ||
		fail "a bystander process was confused"
	grep -q '^reaper: 0 host processes left behind' "$o.err" ||
		fail "host processes left behind"
	[ "$before" = "$after" ] || fail "the host canary file changed"
	! grep -q 'HOST WRITE\|HOST MAPPING' "$o.out" ||
		fail "a trampoline ran a host syscall: $(grep -m1 HOST "$o.out")"
	# The first survey: "locate: N pages ..., W writable, T trampolines".
	set -- $(sed -n 's/^locate: \([0-9]*\) pages.*, \([0-9]*\) writable, \([0-9]*\) trampolines$/\1 \2 \3/p' \
		"$o.out" | head -1)
	if [ $# -ne 3 ] || [ "$1" -eq 0 ] || [ "$3" -eq 0 ]; then
		fail "the guest did not find the platform's pages and trampolines"
	elif [ "$p" = systrap ] && [ "$2" -eq 0 ]; then
		fail "the guest did not find its writable message pages"
	fi
	[ "$fails" -eq "$nfail" ] && echo "PASS hostile-$p" >>"$res"
done
exit $((fails > 0))
