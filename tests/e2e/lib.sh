# Shared helpers of the e2e suites: source after setting $suite; sets
# $runsc, $platform, $results, $out (the suite's scratch dir) and $res
# (its result file) from the arguments RUNSC [PLATFORM] [RESULTS].
runsc=$(realpath "$1") platform=${2:-ptrace} results=$(realpath -m "${3:-${RESULTS:-build/test-results}}")
out=$results/$suite
res=$results/$suite.txt
mkdir -p "$out"
: >"$res"

pass() { echo "PASS $1" >>"$res"; }
fail() { echo "FAIL $1" >>"$res"; echo "FAIL $suite $1: $2"; }
skip() { echo "SKIP $1: $2" >>"$res"; }
# expect NAME WANT GOT
expect() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "want [$2] got [$(printf %s "$3" | head -c 400)]"; fi
}
