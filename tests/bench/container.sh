#!/bin/bash
# Container benchmarks over one busybox OCI bundle, side by side with runc
# and gVisor's runsc when installed (gVisor: --network=none
# --platform=ptrace, as in the anchors):
#  - start-to-exit: wall ms of `RUNTIME run` of /bin/true, median of N,
#    runtimes interleaved run by run;
#  - idle memory: RSS and PSS summed over every host process of one
#    sandbox running `sleep` (ours: sentry, gofer, stubs; gVisor: sandbox,
#    gofer, stubs; runc: the container's process), the largest of 3
#    samples 1-2 s after start.
# Prints markdown on stdout; raw samples in $OUT/container/.
#   usage: tests/bench/container.sh RUNSC [PLATFORMS]
# Environment: N (10), GVISOR (/usr/bin/runsc), RUNC (/usr/sbin/runc),
# OUT (build/bench). Nothing here asserts a timing.
set -u

RUNSC=$(realpath "${1:?usage: container.sh RUNSC [PLATFORMS]}")
PLATFORMS=$(echo "${2:-ptrace}" | tr ',' ' ')
N=${N:-10}
GVISOR=${GVISOR:-/usr/bin/runsc}
RUNC=${RUNC:-/usr/sbin/runc}
OUT=${OUT:-build/bench}
mkdir -p "$OUT/container" && W=$(cd "$OUT/container" && pwd)
bb=/bin/busybox

if [ "$(id -u)" != 0 ] || [ ! -x "$bb" ]; then
	echo "## Container start-to-exit and idle memory"
	echo
	echo "skipped: needs root and $bb (busybox-static)"
	exit 0
fi

bundle=$W/bundle
rm -rf "$bundle" "$W"/state-* "$W"/samples.tsv
mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/dev" "$bundle/rootfs/tmp"
cp "$bb" "$bundle/rootfs/bin/busybox"
for a in true sleep sh; do ln -sf busybox "$bundle/rootfs/bin/$a"; done
(cd "$bundle" && "$RUNSC" spec) || exit 1
setargs() {
	python3 - "$bundle/config.json" "$@" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = sys.argv[2:]
c["process"]["terminal"] = False
json.dump(c, open(sys.argv[1], "w"), indent=2)
EOF
}

# Runtimes: name and command (without the state root).
names=() cmds=()
for p in $PLATFORMS; do
	names+=("ours-$p") cmds+=("$RUNSC --platform $p")
done
[ -x "$RUNC" ] && names+=(runc) cmds+=("$RUNC")
[ -x "$GVISOR" ] && names+=(gvisor-ptrace) cmds+=("$GVISOR --network=none --platform=ptrace")

now_ns() { date +%s%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ---- start-to-exit ----
setargs /bin/true
declare -A fails
for ((i = 1; i <= N; i++)); do
	for k in "${!names[@]}"; do
		n=${names[$k]} root=$W/state-${names[$k]}
		t0=$(now_ns)
		if timeout -k 2 30 ${cmds[$k]} --root "$root" run --bundle "$bundle" "bench-$$-$i" \
			</dev/null >/dev/null 2>"$W/$n.err"; then
			t1=$(now_ns)
			printf '%s\tstart-to-exit\t%s\t%s\n' "$i" "$n" \
				"$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')" >>"$W/samples.tsv"
		else
			fails[$n]=$(tail -n 1 "$W/$n.err" | head -c 200)
			${cmds[$k]} --root "$root" delete --force "bench-$$-$i" >/dev/null 2>&1
		fi
	done
done

# ---- idle memory ----
descendants() {	# PID... -> those and every process below them
	for s in /proc/[0-9]*/stat; do
		sed 's/^\([0-9]*\) (.*) [A-Za-z] \([0-9]*\) .*/\1 \2/' "$s" 2>/dev/null
	done | awk -v roots="$*" '{ pp[$1] = $2 }
		END { n = split(roots, r, " "); for (i = 1; i <= n; i++) keep[r[i]] = 1; ch = 1
		      while (ch) { ch = 0; for (p in pp) if (!(p in keep) && (pp[p] in keep)) { keep[p] = 1; ch = 1 } }
		      for (p in keep) print p }'
}
mem_sample() {	# PIDs... -> "nproc rss_kb pss_kb"
	local p n=0 rss=0 pss=0 v
	for p in "$@"; do
		[ -r "/proc/$p/status" ] || continue
		n=$((n + 1))
		v=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status"); rss=$((rss + ${v:-0}))
		v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null); pss=$((pss + ${v:-0}))
	done
	echo "$n $rss $pss"
}
setargs /bin/sleep 1000
declare -A mem detail
for k in "${!names[@]}"; do
	n=${names[$k]} root=$W/state-idle-$n id=idle-$$
	if ! timeout -k 2 30 ${cmds[$k]} --root "$root" create --bundle "$bundle" "$id" \
		</dev/null >/dev/null 2>"$W/$n.idle.err" ||
		! timeout -k 2 30 ${cmds[$k]} --root "$root" start "$id" 2>>"$W/$n.idle.err"; then
		fails[$n/idle]=$(tail -n 1 "$W/$n.idle.err" | head -c 200)
		${cmds[$k]} --root "$root" delete --force "$id" >/dev/null 2>&1
		continue
	fi
	best=""
	for s in 1 2 3; do
		sleep 0.5
		# The state's pid, and every process naming the private root
		# (gVisor's gofer and sandbox are not below it), with children.
		roots=$(${cmds[$k]} --root "$root" state "$id" 2>/dev/null |
			python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])' 2>/dev/null)
		roots="$roots $(grep -l -e "$root" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3 | grep -vx $$)"
		pids=$(descendants $roots | sort -un)
		smp=$(mem_sample $pids)
		if [ -z "$best" ] || [ "$(echo "$smp" | cut -d' ' -f2)" -gt "$(echo "$best" | cut -d' ' -f2)" ]; then
			best=$smp
			detail[$n]=$(for p in $pids; do
				c=$(cat "/proc/$p/comm" 2>/dev/null) && [ -n "$c" ] &&
					printf '%s:%s ' "$c" "$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null)"
			done)
		fi
	done
	mem[$n]=$best
	printf 'idle\tmemory\t%s\t%s\n' "$n" "$best" >>"$W/samples.tsv"
	${cmds[$k]} --root "$root" kill "$id" KILL >/dev/null 2>&1
	sleep 0.3
	${cmds[$k]} --root "$root" delete --force "$id" >/dev/null 2>&1
done

# ---- report ----
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "## Container start-to-exit (\`RUNTIME run\` of /bin/true, busybox bundle, wall ms, median of $N)"
echo
echo "Load average at the end: $load."
echo
echo "| runtime | median ms | min | max | vs runc |"
echo "|---|---:|---:|---:|---:|"
runc_med=$(awk -F'\t' '$2 == "start-to-exit" && $3 == "runc" { print $4 }' "$W/samples.tsv" 2>/dev/null | median)
for n in "${names[@]}"; do
	vals=$(awk -F'\t' -v n="$n" '$2 == "start-to-exit" && $3 == n { print $4 }' "$W/samples.tsv" 2>/dev/null)
	if [ -z "$vals" ]; then
		echo "| $n | fail: ${fails[$n]:-} | | | |"
		continue
	fi
	med=$(echo "$vals" | median)
	rel=$([ -n "$runc_med" ] && awk -v a="$med" -v b="$runc_med" 'BEGIN { printf "%.2fx", a / b }')
	echo "| $n | $med | $(echo "$vals" | sort -n | head -1) | $(echo "$vals" | sort -n | tail -1) | $rel |"
done
echo
echo "## Idle memory (every host process of one sandbox running \`sleep\`)"
echo
echo "| runtime | processes | RSS sum MiB | PSS sum MiB |"
echo "|---|---:|---:|---:|"
for n in "${names[@]}"; do
	if [ -z "${mem[$n]:-}" ]; then
		echo "| $n | fail: ${fails[$n/idle]:-} | | |"
		continue
	fi
	set -- ${mem[$n]}
	awk -v n="$n" -v c="$1" -v r="$2" -v p="$3" 'BEGIN { printf "| %s | %d | %.1f | %.1f |\n", n, c, r / 1024, p / 1024 }'
done
echo
echo "Processes (comm:RSS KiB) at the largest sample:"
for n in "${names[@]}"; do
	[ -n "${detail[$n]:-}" ] && echo "- $n: ${detail[$n]}"
done
exit 0
