#!/bin/sh
# Interactive terminals end to end (tests/e2e/pty_drive.py types into a
# pseudo-terminal and reports what came back):
#  - host pty: `runsc do /bin/sh -i` on a terminal of the host, the way a
#    person runs it (^C reaches the sandbox's foreground job through the
#    sentry); compared with /bin/sh -i run natively.
#  - sandbox pty: the driver itself runs in the sandbox and opens a pair
#    on the sandbox's devpts, so the line discipline, echo, ^C to the
#    foreground job and stty are the sentry's.
# Appends PASS/FAIL/SKIP lines to $RESULTS/e2e-pty.txt.
#   pty.sh RUNSC [PLATFORM] [RESULTS]
set -u
runsc=$1 platform=${2:-ptrace} results=${3:-${RESULTS:-build/test-results}}
timeout=${TIMEOUT:-60}
here=$(cd "$(dirname "$0")" && pwd)
drive=$here/pty_drive.py
out=$results/e2e-pty
res=$results/e2e-pty.txt
mkdir -p "$out"
: >"$res"
fails=0

if ! command -v python3 >/dev/null || [ ! -x /bin/sh ]; then
	echo "SKIP pty: python3 and /bin/sh are needed" | tee -a "$res"
	exit 0
fi

# run NAME SCENARIO WHERE: WHERE is host (runsc do under the driver's pty)
# or sandbox (the driver inside runsc do).
run() {
	name=$1 scenario=$2 where=$3
	o=$out/$name
	timeout -k 2 "$timeout" python3 "$drive" "$scenario" /bin/sh -i \
		</dev/null >"$o.native" 2>"$o.native.err"
	echo "exit: $?" >>"$o.native"
	if [ "$where" = host ]; then
		timeout -k 2 "$timeout" python3 "$drive" "$scenario" \
			"$runsc" --platform="$platform" do /bin/sh -i \
			</dev/null >"$o.sandbox" 2>"$o.sandbox.err"
	else
		timeout -k 2 "$timeout" "$runsc" --platform="$platform" do \
			python3 "$drive" "$scenario" /bin/sh -i \
			</dev/null >"$o.sandbox" 2>"$o.sandbox.err"
	fi
	echo "exit: $?" >>"$o.sandbox"
	if cmp -s "$o.native" "$o.sandbox"; then
		echo "PASS pty/$name" >>"$res"
	else
		echo "FAIL pty/$name" >>"$res"
		fails=$((fails + 1))
		diff "$o.native" "$o.sandbox" >"$o.diff"
		echo "FAIL pty/$name:"
		sed 's/^/    /' "$o.diff"
	fi
}

run host-basic basic host
run host-stty stty host
run host-intr intr host
run host-devtty devtty host
run sandbox-basic basic sandbox
run sandbox-intr intr sandbox
run sandbox-stty stty sandbox
run sandbox-devtty devtty sandbox

echo "e2e-pty: $(grep -c '^PASS' "$res") passed, $fails failed (outputs in $out)"
[ "$fails" -eq 0 ]
