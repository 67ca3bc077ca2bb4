#!/bin/bash
# Microbenchmarks: builds the static programs in tests/bench, runs each
# natively, under our runsc on each platform asked for and under gVisor's
# runsc (if installed), interleaved in one run, and prints medians.
#   usage: tests/bench/run.sh RUNSC [PLATFORMS]
# PLATFORMS: one or more of ptrace, systrap, kvm, auto, separated by
# commas (default ptrace), e.g. `make bench PLATFORM=ptrace,systrap,kvm`.
# Environment: CPUS=0 pins everything with taskset -c 0 (CPUS=both runs an
# unpinned and a pinned pass); REPS (5); TARGET_MS (1000, per sandboxed
# run); NATIVE_MS (300); BENCHES (names, default all); GVISOR (/usr/bin/runsc);
# OUT (build/bench).  Nothing here asserts a timing.
set -u

RUNSC=${1:?usage: run.sh RUNSC [PLATFORMS]}
PLATFORMS=$(echo "${2:-ptrace}" | tr ',' ' ')
REPS=${REPS:-5}
TARGET_MS=${TARGET_MS:-1000}
NATIVE_MS=${NATIVE_MS:-300}
GVISOR=${GVISOR:-/usr/bin/runsc}
OUT=${OUT:-build/bench}
SRC=$(cd "$(dirname "$0")" && pwd)
CPUS=${CPUS:-}

mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)
# A private copy, so a rebuild of the tree during the run changes nothing.
cp "$RUNSC" "$OUT/runsc-under-test.$$" || exit 1
RUNSC=$OUT/runsc-under-test.$$
VETH=$SRC/tcp_veth.sh VETH_UP= VETH_ID=$(($$ % 200 + 20))
trap 'rm -f "$RUNSC"; [ -n "$VETH_UP" ] && "$VETH" down $VETH_ID' EXIT

# name program unit-to-ns-per-iteration initial-iterations [arg]
# The multiplier turns the printed value into ns per ITERS unit, so one
# calibration run tells how many ITERS fill TARGET_MS.
BENCH_TABLE="
getpid getpid 1 2000
clock_gettime clock 1 100000
fork-exit-wait fork 1000 50
fork-exec-wait forkexec 1000 20 $OUT/true
mmap-touch-munmap mmap 1 1000
pagefault-64m pagefault 16384 1
signal-self signal 1 1000
open-read-close openread 1 1000 $OUT/data/file4k
stat stat 1 1000 $OUT/data/file4k
pipe-pingpong-4k pipe 1 1000
tcp-lat tcp_lat 1 1000
tcp-bw tcp_bw bw 64
tcp-lat-veth tcp_lat 1 1000 @7101
tcp-bw-veth tcp_bw bw 64 @7102
tcp-bw-veth-rx tcp_bw bw 64 @7103 -r
"
# The tcp rows: 1-byte round trips and bulk MiB/s (mult "bw": the value is
# a rate, ITERS are MiB) over 127.0.0.1 in one sandbox; the -veth rows with
# an @PORT argument run only the client, in a namespace made by
# tests/bench/tcp_veth.sh (natively, or in our sandbox with
# --network=sandbox), against the host kernel's TCP on the veth's other end
# (-rx: the host sends, the sandbox receives).

build() {
	local f
	for f in "$SRC"/*.c; do
		f=$(basename "$f" .c)
		if [ ! -x "$OUT/$f" ] || [ "$SRC/$f.c" -nt "$OUT/$f" ] ||
		   [ "$SRC/bench.h" -nt "$OUT/$f" ] || [ "$SRC/tcp_common.h" -nt "$OUT/$f" ]; then
			gcc -O2 -static -Wall -Wextra -Werror -o "$OUT/$f" "$SRC/$f.c" || exit 1
		fi
	done
	mkdir -p "$OUT/data"
	[ -s "$OUT/data/file4k" ] || head -c 4096 /dev/urandom > "$OUT/data/file4k"
}

# The command prefix of a runtime, or nothing when it cannot run.
prefix() {
	local pin=
	[ -n "$CPUS" ] && pin="taskset -c $CPUS"
	case $1 in
	native) echo "$pin" ;;
	gvisor) echo "$pin $GVISOR --platform=ptrace --network=none --rootless=false do" ;;
	*) echo "$pin $RUNSC --platform=$1 do" ;;
	esac
}

# run RUNTIME PROG ITERS [ARG] -> prints the value, or "fail: why" (rc 1).
run_one() {
	local rt=$1 prog=$2 n=$3 arg=${4:-} out line pre
	pre=$(prefix "$rt")
	case $arg in @*)
		[ -n "$VETH_UP" ] || { echo "fail: no veth: $VETH_WHY"; return 1; }
		case $rt in
		native) pre="$VETH exec $VETH_ID $pre" ;;
		gvisor) echo "fail: not run across the veth"; return 1 ;;
		*) pre="$VETH exec $VETH_ID ${pre%do}--network=sandbox do" ;;
		esac
		arg=10.201.$VETH_ID.1:${arg#@} ;;
	esac
	out=$(cd /tmp && timeout -k 5 120 $pre "$OUT/$prog" "$n" $arg 2>&1)
	case $out in *"timing by rdtsc"*) : > "$tmp/$prog.$rt.rdtsc" ;; esac
	line=$(printf '%s\n' "$out" | grep -E '^[a-z_0-9-]+ [0-9.]+ [a-z/]+$' | tail -1)
	if [ -z "$line" ]; then
		echo "fail: $(printf '%s\n' "$out" | grep -v 'unimplemented syscall' | tail -1 | cut -c1-80)"
		return 1
	fi
	echo "$line" | awk '{print $2}'
}

median() {
	sort -g | awk '{v[NR]=$1} END {if (NR == 0) exit 1;
		if (NR % 2) print v[(NR+1)/2]; else printf "%.3f\n", (v[NR/2]+v[NR/2+1])/2}'
}

fmt() {
	awk -v v="$1" 'BEGIN { if (v == "") print "-";
		else if (v >= 100) printf "%.0f\n", v; else printf "%.3g\n", v }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-";
		else printf "%.2fx\n", a / b }'
}

pass() {
	local mode=$1 runtimes="native" ours="" tmp rt name prog mult n0 arg v n
	local rep i k order report notrun="" gv=""
	tmp=$(mktemp -d)
	for rt in $PLATFORMS; do
		v=$(cd /tmp && timeout -k 5 60 $(prefix "$rt") /bin/true 2>&1)
		if [ $? -eq 0 ]; then
			ours="$ours $rt"
		else
			notrun="$notrun
- $rt: $(printf '%s\n' "$v" | tail -1)"
		fi
	done
	runtimes="native$ours"
	if [ -x "$GVISOR" ]; then
		v=$(cd /tmp && timeout -k 5 60 $(prefix gvisor) /bin/true 2>&1)
		if [ $? -eq 0 ]; then
			runtimes="$runtimes gvisor"
			gv=gvisor
		else
			notrun="$notrun
- gvisor: $(printf '%s\n' "$v" | tail -1)"
		fi
	else
		notrun="$notrun
- gvisor: $GVISOR not installed (Debian package runsc)"
	fi
	[ -n "$notrun" ] && echo "not run:$notrun"

	# Calibrate: one short run per runtime and benchmark gives the
	# iteration count that fills the target time.
	while read -r name prog mult n0 arg; do
		[ -n "$name" ] || continue
		case " ${BENCHES:-$name} " in *" $name "*) ;; *) continue ;; esac
		for rt in $runtimes; do
			if ! v=$(run_one "$rt" "$prog" "$n0" "$arg"); then
				echo "$v" > "$tmp/$name.$rt.fail"
				echo "  $name/$rt: $v"
				continue
			fi
			[ "$rt" = native ] && k=$NATIVE_MS || k=$TARGET_MS
			awk -v v="$v" -v m="$mult" -v t="$k" -v n0="$n0" 'BEGIN {
				if (m == "bw") { v = 1e9 / (v + 1e-9); m = 1 }
				n = t * 1e6 / (v * m + 1e-9);
				if (n < n0) n = n0; if (n > 1e8) n = 1e8;
				printf "%d\n", n }' > "$tmp/$name.$rt.n"
		done
	done <<< "$BENCH_TABLE"

	# Measure: REPS rounds; within a round every benchmark runs once on
	# every runtime, the runtime order rotating each round.
	for ((rep = 0; rep < REPS; rep++)); do
		echo "  round $((rep + 1))/$REPS"
		set -- $runtimes
		for ((i = 0; i < rep % $#; i++)); do set -- "${@:2}" "$1"; done
		order="$*"
		while read -r name prog mult n0 arg; do
			[ -n "$name" ] || continue
			for rt in $order; do
				[ -f "$tmp/$name.$rt.n" ] || continue
				n=$(cat "$tmp/$name.$rt.n")
				if v=$(run_one "$rt" "$prog" "$n" "$arg"); then
					echo "$v" >> "$tmp/$name.$rt.v"
				else
					echo "$v" > "$tmp/$name.$rt.fail"
				fi
			done
		done <<< "$BENCH_TABLE"
	done

	report="$OUT/results-$mode.md"
	{
		echo "## $mode ($(date -u +%FT%TZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
		echo
		echo "Medians of $REPS interleaved runs; a platform column is \`runsc --platform=NAME do\`"
		echo "(this tree), gvisor = \`$GVISOR --platform=ptrace --network=none do\`."
		echo
		hdr="| benchmark | unit | native |"
		sep="|---|---|---:|"
		for rt in $ours $gv; do hdr="$hdr $rt |"; sep="$sep---:|"; done
		for rt in $ours; do hdr="$hdr $rt/native |"; sep="$sep---:|"; done
		if [ -n "$gv" ]; then
			for rt in $ours; do hdr="$hdr $rt/gvisor |"; sep="$sep---:|"; done
		fi
		echo "$hdr"
		echo "$sep"
		while read -r name prog mult n0 arg; do
			[ -n "$name" ] || continue
			[ -f "$tmp/$name.native.n" ] || [ -f "$tmp/$name.native.fail" ] || continue
			case $mult in 1000) unit=us/op ;; 16384) unit=ns/page ;; bw) unit="MiB/s (ratio: higher is better)" ;; *) unit=ns/op ;; esac
			declare -A med=()
			for rt in native $ours $gv; do
				med[$rt]=$(median 2>/dev/null < "$tmp/$name.$rt.v")
			done
			line="| $name | $unit | $(fmt "${med[native]}") |"
			for rt in $ours $gv; do line="$line $(fmt "${med[$rt]}") |"; done
			for rt in $ours; do line="$line $(ratio "${med[$rt]}" "${med[native]}") |"; done
			if [ -n "$gv" ]; then
				for rt in $ours; do line="$line $(ratio "${med[$rt]}" "${med[gvisor]}") |"; done
			fi
			echo "$line"
		done <<< "$BENCH_TABLE"
		if [ -n "$notrun" ]; then
			echo
			echo "Not run:$notrun"
		fi
		if ls "$tmp"/*.rdtsc > /dev/null 2>&1; then
			echo
			echo "Timed by rdtsc at $BENCH_TSC_GHZ GHz (no clock_gettime in the sandbox):" \
				$(cd "$tmp" && ls *.rdtsc | sed 's/\.rdtsc$//')
		fi
		if ls "$tmp"/*.fail > /dev/null 2>&1; then
			echo
			echo "Failed runs (the last message of one; a median above comes from the runs that worked):"
			echo
			for f in "$tmp"/*.fail; do
				echo "- $(basename "$f" .fail): $(cat "$f")"
			done
		fi
		echo
	} > "$report"
	cat "$report" | tee -a "$OUT/results.md"
	rm -rf "$tmp"
}

build
if VETH_WHY=$("$VETH" up $VETH_ID "$OUT" 2>&1); then VETH_UP=1; fi
# The benchmarks fall back on rdtsc at this rate where the sandbox has no
# clock_gettime (see bench.h); runs that did say so in results.md.
BENCH_TSC_GHZ=$("$OUT/tscrate") && export BENCH_TSC_GHZ
: > "$OUT/results.md"
case $CPUS in
both)
	CPUS= ; echo "unpinned pass"; pass unpinned
	CPUS=0; echo "pinned pass (taskset -c 0)"; pass cpu0
	;;
"")
	pass unpinned ;;
*)
	pass "cpu$CPUS" ;;
esac
# Container start-to-exit and idle memory, beside runc and gVisor.
OUT=$OUT GVISOR=$GVISOR "$SRC/container.sh" "$RUNSC" "$(echo $PLATFORMS | tr ' ' ',')" | tee -a "$OUT/results.md"
echo "table written to $OUT/results.md"
