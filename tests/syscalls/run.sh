#!/bin/sh
# Syscall conformance harness: runs each test binary natively and under
# `runsc do`, compares stdout plus exit status, writes PASS/FAIL lines to
# $RESULTS/syscalls.txt and keeps every output under $RESULTS/syscalls/.
#   run.sh RUNSC PLATFORM TESTDIR RESULTS [FILTER] [JOBS]
# FILTER is a test name (signals/sigsegv) or a family (signals).
# Environment: TIMEOUT (seconds per run, default 20), SUITE (the name of
# the result file and output folder, default syscalls).
set -u
runsc=$1 platform=$2 tdir=$3 results=$4 filter=${5:-} jobs=${6:-2}
timeout=${TIMEOUT:-20}
suite=${SUITE:-syscalls}
out=$results/$suite

# One test: run.sh --one RUNSC PLATFORM TESTDIR OUTDIR NAME
if [ "$1" = --one ]; then
	runsc=$2 platform=$3 tdir=$4 out=$5 name=$6
	bin=$(cd "$tdir" && pwd)/$name
	o=$out/$name
	mkdir -p "$(dirname "$o")"
	SYSCALL_TEST_NOW=$(date +%s)
	export SYSCALL_TEST_NOW
	timeout -k 2 "$timeout" "$bin" </dev/null >"$o.native" 2>"$o.native.err"
	nst=$?
	echo "exit: $nst" >>"$o.native"
	# A test that does not finish natively asserts nothing: both sides
	# would time out alike and "match".
	if [ "$nst" -eq 124 ] || [ "$nst" -eq 137 ]; then
		echo "FAIL $name" >"$o.result"
		echo "FAIL $name: the native run timed out (${timeout} s): the test is broken" >"$o.summary"
		exit 0
	fi
	# A family may need runsc flags (tests/syscalls/<family>/runsc-flags).
	flags=$(cat "$(dirname "$0")/$(dirname "$name")/runsc-flags" 2>/dev/null || true)
	# A test may need longer in the sandbox (tests/syscalls/<test>.timeout:
	# seconds), e.g. thousands of gofer round trips on a slow platform.
	stimeout=$(cat "$(dirname "$0")/$name.timeout" 2>/dev/null || echo "$timeout")
	timeout -k 2 "$stimeout" "$runsc" --platform="$platform" $flags do "$bin" \
		</dev/null >"$o.sandbox" 2>"$o.sandbox.err"
	echo "exit: $?" >>"$o.sandbox"
	if cmp -s "$o.native" "$o.sandbox"; then
		echo "PASS $name" >"$o.result"
		rm -f "$o.diff"
		exit 0
	fi
	diff "$o.native" "$o.sandbox" >"$o.diff"
	# First differing line of each side, for a one-line summary.
	first=$(diff "$o.native" "$o.sandbox" | awk '
		/^</ && !n { n = substr($0, 3) } /^>/ && !s { s = substr($0, 3) }
		END { printf "native: [%s] sandbox: [%s]", n, s }')
	echo "FAIL $name" >"$o.result"
	echo "FAIL $name: $first" >"$o.summary"
	exit 0
fi

mkdir -p "$out"
list=$(cd "$tdir" && find . -path ./helpers -prune -o -path ./data -prune -o \
	-type f -perm -u+x -print | sed 's|^\./||' | sort)
if [ -n "$filter" ]; then
	list=$(echo "$list" | grep -E "^$filter(/|\$)" || true)
	[ -n "$list" ] || { echo "no syscall test matches '$filter'" >&2; exit 1; }
fi
for n in $list; do rm -f "$out/$n.result" "$out/$n.summary"; done
echo "$list" | xargs -P "$jobs" -I{} "$0" --one "$runsc" "$platform" "$tdir" "$out" {}

res=$results/$suite.txt
: >"$res"
fail=0
for n in $list; do
	if [ -f "$out/$n.result" ]; then
		cat "$out/$n.result" >>"$res"
	else
		echo "FAIL $n" >>"$res"
	fi
	if [ -f "$out/$n.summary" ]; then
		cat "$out/$n.summary"
		fail=$((fail + 1))
		# A single test asked for by name: show the whole diff.
		[ "$n" = "$filter" ] && sed 's/^/    /' "$out/$n.diff"
	fi
done
echo "$suite: $(grep -c '^PASS' "$res") passed, $(grep -c '^FAIL' "$res") failed (outputs in $out)"
[ "$fail" -eq 0 ]
