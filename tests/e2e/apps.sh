#!/bin/sh
# Applications inside `runsc do` (issue 3's acceptance): each case runs
# natively and in the sandbox, on the given platform and on systrap, and
# the outputs (stdout, stderr, exit status) must be identical:
#   sh      pipes, redirections (<, >, >>, 2>&1, here-docs, fds), a fifo
#   python  tempfile, subprocess, os.walk, shutil.copytree, sqlite3 in /tmp
#   http    python3 -m http.server on 127.0.0.1 and urllib clients (TCP)
#   gcc     hello.c compiled and run, objects linked, a static binary
#   tar     /usr/include archived, extracted under /tmp, diff -r identical;
#           an xz round trip
#   git     init, commit, branch, merge, stash, fsck, gc in /tmp
#   gitclone  git clone of a repository whose objects have hard links
#   make    this project's committed sources built with make -j4 in /tmp
#   pty     an interactive shell on a pseudo-terminal of the sandbox
#           (tests/e2e/pty_drive.py)
# The case scripts live in tests/e2e/apps/ and are run from there (the
# sandbox's root is the host's, so the same paths). /tmp is the sandbox's
# own tmpfs, so natively and in the sandbox they work in fresh mkdtemp
# directories. Nothing needs masking: the scripts print only facts that
# are the same on every run (no pids, times, temporary names or inode
# numbers; git gets fixed dates and identity so its ids are stable).
# Results: $RESULTS/apps.txt, outputs in $RESULTS/apps/.
#   apps.sh RUNSC [PLATFORM] [RESULTS]
# Environment: APPS_PLATFORMS (default: PLATFORM and systrap),
# APPS (the cases to run, default all), TIMEOUT (seconds per run, 300).
set -u
suite=apps
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cases=$here/apps
timeout=${TIMEOUT:-300}
platforms=${APPS_PLATFORMS:-$platform $( [ "$platform" = systrap ] || echo systrap)}
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3 || echo python3)

# have NAME CMD...: the case needs these programs (a CI without them skips).
have() {
	name=$1
	shift
	for p in "$@"; do
		if ! command -v "$p" >/dev/null 2>&1; then
			skip "$name" "$p is not installed"
			return 1
		fi
	done
	return 0
}

# run NAME CMD...: CMD natively, then under runsc do on each platform.
run() {
	name=$1
	shift
	o=$out/$name
	(cd / && timeout -k 2 "$timeout" "$@") </dev/null >"$o.native" 2>"$o.native.err"
	echo "exit: $?" >>"$o.native"
	cat "$o.native.err" >>"$o.native"
	for p in $platforms; do
		s=$o.$p
		(cd / && timeout -k 2 "$timeout" "$runsc" --platform="$p" do "$@") \
			</dev/null >"$s" 2>"$s.err"
		echo "exit: $?" >>"$s"
		cat "$s.err" >>"$s"
		if cmp -s "$o.native" "$s"; then
			pass "$name/$p"
			rm -f "$s.diff"
		else
			diff "$o.native" "$s" >"$s.diff"
			fail "$name/$p" "$(head -c 600 "$s.diff")"
		fi
	done
}

want() { [ -z "${APPS:-}" ] || case " $APPS " in *" $1 "*) ;; *) return 1 ;; esac; }

want sh && run sh /bin/sh "$cases/sh.sh"
want python && have python "$py" sort seq wc find && run python "$py" "$cases/python.py"
want http && have http "$py" && run http "$py" "$cases/httpserver.py"
want gcc && have gcc gcc && run gcc /bin/sh "$cases/gcc.sh"
want tar && have tar tar xz diff && run tar /bin/sh "$cases/tar.sh"
want git && have git git && run git /bin/sh "$cases/git.sh"
# The source repository is made by the native run and is then a lower
# (host) directory for the sandbox's run.
want gitclone && have gitclone git find stat && rm -rf "$out/gitclone-src" &&
	run gitclone /bin/sh "$cases/gitclone.sh" "$out/gitclone-src" && rm -rf "$out/gitclone-src"
root=$(cd "$here/../.." && pwd)
want make && have make git make gcc pkg-config && git -C "$root" rev-parse -q HEAD >/dev/null &&
	run make /bin/sh "$cases/make.sh" "$root"
# The driver runs where the command runs: natively on a host pty, in the
# sandbox on the sandbox's devpts.
want pty && have pty "$py" && run pty "$py" "$here/pty_drive.py" basic /bin/sh -i

grep -c '^PASS' "$res" | sed 's/^/apps: /; s/$/ passed/'
! grep -q '^FAIL' "$res"
