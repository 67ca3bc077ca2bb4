#!/bin/bash
# Runs the random-syscall program under `runsc do` in a scratch directory
# and checks that the sandbox survives it: the program ends with "done" and
# status 0, no process of the sandbox is left behind, no host file outside
# the scratch directory changed.  Appends PASS/FAIL lines to RESULT.
# usage: run-randsys.sh RUNSC RANDSYS RESULT [ITERS] [SEEDS...]
set -u
RUNSC=$(realpath "$1") RANDSYS=$(realpath "$2") RESULT=$3
ITERS=${4:-100000}
shift 4 2>/dev/null || shift $#
SEEDS=${*:-1}
LOGDIR=$(dirname "$RESULT")/fuzz
mkdir -p "$LOGDIR"

result() { echo "$*" >> "$RESULT"; echo "$*"; }

work=$(mktemp -d /tmp/randsys.XXXXXX)
scratch=$work/scratch canarydir=$work/canary
mkdir -p "$scratch/d" "$canarydir"
echo "guest must not be able to change this" > "$scratch/f"
head -c 4096 /dev/urandom > "$canarydir/file"
canary_sum=$(sha256sum "$canarydir/file")
touch "$work/stamp"

# run NAME ITERS SEED RANDSYS-FLAGS [RUNSC FLAGS...]: one sandboxed run in
# its own session, so whatever it leaves behind can be found by session id.
run() {
	local name=$1 iters=$2 seed=$3 rflags=$4 sid rc left
	shift 4
	(cd "$scratch" && RANDSYS_IN_SANDBOX=1 exec setsid sh -c 'echo $$ > "$0"; exec "$@"' \
		"$work/sid" timeout -k 10 600 "$RUNSC" "$@" do "$RANDSYS" $rflags "$iters" "$seed" \
		"$canarydir/file") < /dev/null > "$LOGDIR/$name.out" 2> "$LOGDIR/$name.log"
	rc=$?
	sid=$(cat "$work/sid")
	if [ $rc -eq 0 ] && [ "$(tail -n 1 "$LOGDIR/$name.out")" = done ]; then
		result "PASS $name"
	else
		[ $rc -gt 128 ] && [ $rc -lt 160 ] && rc="$rc: guest killed by signal $((rc - 128))"
		[ "$rc" = 125 ] && rc="125: the sentry crashed"
		[ "$rc" = 124 ] && rc="124: timed out"
		result "FAIL $name (exit $rc; see $LOGDIR/$name.out and .log; reproduce in an" \
			"empty directory: RANDSYS_IN_SANDBOX=1 $RUNSC $* do $RANDSYS -v $rflags $iters $seed)"
		grep -m1 -A3 'fatal error' "$LOGDIR/$name.log"
		tail -n 3 "$LOGDIR/$name.out"
		# The same seed again with each call printed before it is made:
		# the last one printed is the culprit.
		(cd "$scratch" && RANDSYS_IN_SANDBOX=1 timeout -k 10 300 "$RUNSC" "$@" do \
			"$RANDSYS" -v $rflags "$iters" "$seed" "$canarydir/file") < /dev/null \
			> "$LOGDIR/$name.verbose" 2>&1
		echo "last calls of the verbose rerun ($LOGDIR/$name.verbose):"
		grep -E '^[0-9]+\.' "$LOGDIR/$name.verbose" | tail -n 8
	fi
	sleep 0.5
	left=$(pgrep -s "$sid" | tr '\n' ' ')
	if [ -z "$left" ]; then
		result "PASS $name-no-leftover-processes"
	else
		result "FAIL $name-no-leftover-processes (left: $(ps -o pid=,comm= -p ${left// /,} | tr '\n' ' '))"
		for p in $left; do kill -9 "$p" 2> /dev/null; done
	fi
}

for seed in $SEEDS; do
	run "randsys-seed$seed" "$ITERS" "$seed" ""
	sed -n '/^randsys seed .*calls/,$p' "$LOGDIR/randsys-seed$seed.out"
done
# The same calls from 4 threads at once (not reproducible call for call:
# the interleaving is the scheduler's).
run randsys-4threads "$ITERS" 1000 -t4
sed -n '/^randsys seed .*calls/p' "$LOGDIR/randsys-4threads.out"
# A short run under --strace, for a look at what the program calls.
run randsys-strace 2000 7 "" --strace
echo "strace of 2000 calls: $LOGDIR/randsys-strace.log ($(wc -l < "$LOGDIR/randsys-strace.log") lines)"

if [ "$(sha256sum "$canarydir/file")" = "$canary_sum" ] && [ -f "$scratch/f" ]; then
	result "PASS randsys-canary-unchanged"
else
	result "FAIL randsys-canary-unchanged ($canarydir/file or $scratch/f changed)"
fi
# Files changed on the host while we ran; the usual background writers
# (logs, caches, package state) are not counted.
changed=$(find /etc /usr /bin /sbin /lib /var /root /home /opt -xdev -newer "$work/stamp" \
		2> /dev/null | grep -Ev '^/var/(log|cache|tmp|lib/(apt|dpkg|systemd))(/|$)|^/root/\.cache(/|$)')
if [ -z "$changed" ]; then
	result "PASS randsys-host-files-unchanged"
else
	result "FAIL randsys-host-files-unchanged (changed during the run, possibly by someone else: $(echo $changed | cut -c1-300))"
fi
rm -rf "$work"
