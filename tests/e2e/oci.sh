#!/bin/sh
# End-to-end checks of the OCI runtime commands over a busybox bundle:
# spec, run, create/start/state/kill/wait/delete, list, exit statuses, and
# malformed config.json files that must fail with one line and leave no
# state behind. Appends PASS/FAIL/SKIP lines to $RESULTS/oci.txt.
#   oci.sh RUNSC [PLATFORM] [RESULTS]
set -u
runsc=$(realpath "$1") platform=${2:-ptrace} results=$(realpath -m "${3:-${RESULTS:-build/test-results}}")
out=$results/oci
res=$results/oci.txt
root=$out/state
mkdir -p "$out"
: >"$res"

pass() { echo "PASS $1" >>"$res"; }
fail() { echo "FAIL $1" >>"$res"; echo "FAIL oci $1: $2"; }
skip() { echo "SKIP $1: $2" >>"$res"; }
# ok NAME COND-DESCRIPTION: PASS if the last test command succeeded.
check() { if [ "$2" = 0 ]; then pass "$1"; else fail "$1" "$3"; fi; }

R() { timeout -k 2 30 "$runsc" --root "$root" --platform "$platform" "$@"; }

bb=/bin/busybox
if [ ! -x "$bb" ] || ! "$bb" --list >/dev/null 2>&1; then
	skip oci "$bb missing (install busybox-static)"
	exit 0
fi
if ! command -v python3 >/dev/null; then
	skip oci "python3 missing"
	exit 0
fi

# A bundle: rootfs with busybox and its applet links, a marker file.
bundle=$out/bundle
rm -rf "$bundle" "$root"
mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/dev" "$bundle/rootfs/tmp"
cp "$bb" "$bundle/rootfs/bin/busybox"
for a in $("$bb" --list); do
	[ "$a" = busybox ] || ln -sf busybox "$bundle/rootfs/bin/$a"
done
echo "inside the bundle" >"$bundle/rootfs/marker"

# setcfg BUNDLE PYTHON-EXPR-ON-c: edit config.json (c is the parsed dict).
setcfg() {
	python3 - "$1/config.json" "$2" <<'EOF'
import json, sys
p, expr = sys.argv[1], sys.argv[2]
c = json.load(open(p))
exec(expr)
json.dump(c, open(p, "w"), indent=2)
EOF
}
args() { # args BUNDLE ARG...: process.args, terminal off
	b=$1
	shift
	python3 - "$b/config.json" "$@" <<'EOF'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["process"]["args"] = sys.argv[2:]
c["process"]["terminal"] = False
json.dump(c, open(p, "w"), indent=2)
EOF
}
status_of() { R state "$1" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])' 2>/dev/null; }
pid_of() { R state "$1" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])' 2>/dev/null; }
no_state() { [ ! -e "$root/$1" ]; }
# gone PID: no such process, or a zombie (the sandbox's parent, create,
# is gone; whoever inherited it reaps it in its own time).
gone() { [ ! -e "/proc/$1" ] || [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" = Z ]; }

# ---- spec, features ----
(cd "$bundle" && R spec) && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$bundle/config.json"
check spec-writes-config $? "runsc spec did not write a valid config.json"
(cd "$bundle" && R spec) 2>"$out/spec-again.err"
[ $? -ne 0 ] && grep -q "exists" "$out/spec-again.err"
check spec-refuses-overwrite $? "second spec: $(cat "$out/spec-again.err")"
d=$out/rootless && rm -rf "$d" && mkdir -p "$d" && R spec --rootless --bundle "$d" &&
	python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); assert {"type":"user"} in c["linux"]["namespaces"]; assert c["linux"]["uidMappings"]' "$d/config.json"
check spec-rootless $? "spec --rootless: no user namespace"
R features | python3 -c 'import json,sys; f=json.load(sys.stdin); assert f["ociVersionMax"]; assert "pid" in f["linux"]["namespaces"]'
check features $? "features: not the OCI features JSON"

# ---- run ----
args "$bundle" sh -c 'echo hello; cat /marker; hostname; exit 3'
o=$(R run --bundle "$bundle" r1 </dev/null 2>"$out/r1.err")
rc=$?
[ $rc -eq 3 ] && [ "$o" = "hello
inside the bundle
runsc" ] && no_state r1
check run-output-exit-status $? "rc=$rc out=[$o] err=$(tail -1 "$out/r1.err")"

args "$bundle" sh -c 'echo err >&2; exit 0'
mkdir -p "$out/dlog"
o=$(R --debug-log "$out/dlog" run --bundle "$bundle" r5 </dev/null 2>&1 >/dev/null)
[ "$o" = err ] && [ -f "$out/dlog/runsc.r5.boot.log" ]
check sentry-log-not-in-container-stderr $? "container stderr: [$(printf '%s' "$o" | head -c 200)]"

args "$bundle" sh -c 'ls /'
o=$(R run --bundle "$bundle" r2 </dev/null 2>/dev/null | tr '\n' ' ')
[ "$o" = "bin dev marker proc sys tmp " ]
check run-rootfs-is-root $? "ls / in the container: [$o]"

args "$bundle" sh -c 'while :; do :; done'
R run --bundle "$bundle" r3 </dev/null >/dev/null 2>&1 &
i=0
while [ "$(status_of r3)" != running ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
R kill r3 KILL
wait $!
rc=$?
[ $rc -eq 137 ] && no_state r3
check run-killed-128-plus-signal $? "run of a container killed by SIGKILL: rc=$rc"

args "$bundle" nosuchcommand
R run --bundle "$bundle" r4 </dev/null >/dev/null 2>"$out/r4.err"
rc=$?
[ $rc -ne 0 ] && [ "$(wc -l <"$out/r4.err")" -eq 1 ] && grep -q 'not found' "$out/r4.err" && no_state r4
check run-missing-executable $? "rc=$rc err=[$(cat "$out/r4.err")]"

# ---- create, start, state, kill, wait, delete ----
args "$bundle" sh -c 'while :; do :; done'
R create --bundle "$bundle" --pid-file "$out/c1.pid" c1 </dev/null >/dev/null 2>"$out/c1.err"
rc=$?
[ $rc -eq 0 ] && [ "$(status_of c1)" = created ] && [ "$(cat "$out/c1.pid")" = "$(pid_of c1)" ] &&
	kill -0 "$(cat "$out/c1.pid")"
check create-state-pidfile $? "rc=$rc status=$(status_of c1) err=$(cat "$out/c1.err")"
R create --bundle "$bundle" c1 </dev/null >/dev/null 2>"$out/c1-dup.err"
[ $? -ne 0 ] && grep -q 'already exists' "$out/c1-dup.err"
check create-duplicate-id $? "$(cat "$out/c1-dup.err")"
R list | grep -q '^c1 .*created' && R list --format json | python3 -c 'import json,sys; l=json.load(sys.stdin); assert [c["id"] for c in l] == ["c1"]'
check list-table-json $? "list: $(R list)"
R start c1 && [ "$(status_of c1)" = running ]
check start-running $? "status after start: $(status_of c1)"
R start c1 2>/dev/null
[ $? -ne 0 ]
check start-twice-fails $? "second start succeeded"
R delete c1 2>/dev/null
[ $? -ne 0 ] && [ "$(status_of c1)" = running ]
check delete-running-refused $? "delete without --force of a running container"
pid=$(pid_of c1)
R kill c1 KILL && R wait c1 >/dev/null
rc=$?
[ $rc -eq 137 ] && [ "$(status_of c1)" = stopped ] && [ "$(pid_of c1)" = 0 ]
check kill-wait-stopped $? "wait rc=$rc status=$(status_of c1)"
R delete c1 && no_state c1 && gone "$pid"
check delete-removes-everything $? "state dir or sandbox process left behind"
R state c1 2>"$out/c1-gone.err"
[ $? -ne 0 ] && grep -q 'does not exist' "$out/c1-gone.err"
check state-after-delete $? "$(cat "$out/c1-gone.err")"

# Signals by number and by name; kill of a created container.
R create --bundle "$bundle" c2 </dev/null >/dev/null 2>&1 && R kill c2 15 && R wait c2 >/dev/null
rc=$?
[ $rc -eq 143 ] && [ "$(status_of c2)" = stopped ]
check kill-created-by-number $? "rc=$rc status=$(status_of c2)"
R delete c2
R kill nosuch SIGTERM 2>/dev/null
[ $? -ne 0 ]
check kill-missing-container $? "kill of a missing container succeeded"
R create --bundle "$bundle" c3 </dev/null >/dev/null 2>&1 && R kill c3 NOTASIG 2>/dev/null
[ $? -eq 2 ] && R start c3 && R kill c3 SIGKILL && R wait c3 >/dev/null
rc=$?
[ $rc -eq 137 ]
check kill-signal-names $? "rc=$rc"
R delete c3

# delete --force of a running container; delete of a created one.
R run -d --bundle "$bundle" c4 </dev/null >/dev/null 2>&1
pid=$(pid_of c4)
[ "$(status_of c4)" = running ] && R delete --force c4 && no_state c4 && gone "$pid"
check run-detach-delete-force $? "status=$(status_of c4)"
R create --bundle "$bundle" c5 </dev/null >/dev/null 2>&1
pid=$(pid_of c5)
R delete c5 && no_state c5 && gone "$pid"
check delete-created $? "created container not fully deleted"

# ps, debug --stacks, oomScoreAdj applied to the sandbox process.
args "$bundle" sh -c 'sh -c "while :; do :; done" & while :; do :; done'
setcfg "$bundle" 'c["process"]["oomScoreAdj"] = 123'
R run -d --bundle "$bundle" c7 </dev/null >/dev/null 2>&1
i=0
while [ "$(R ps --format json c7 2>/dev/null)" != "[2,1]" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(R ps --format json c7)" = "[2,1]" ] && R ps c7 | grep -q '^1 .* sh$'
check ps $? "ps: $(R ps c7 2>&1 | tr '\n' ' ')"
R debug --stacks c7 | grep -q '^thread '
check debug-stacks $? "debug --stacks printed no thread"
[ "$(cat "/proc/$(pid_of c7)/oom_score_adj")" = 123 ]
check oom-score-adj $? "oom_score_adj of the sandbox: $(cat "/proc/$(pid_of c7)/oom_score_adj")"
R delete --force c7
setcfg "$bundle" 'del c["process"]["oomScoreAdj"]'

# Hooks: createRuntime and poststart get the state on stdin, poststop runs
# at delete; a failing createRuntime hook fails create and leaves nothing.
hk=$out/hooks && rm -rf "$hk" && mkdir -p "$hk"
args "$bundle" sh -c 'while :; do :; done'
setcfg "$bundle" "c['hooks'] = {
 'createRuntime': [{'path': '/bin/sh', 'args': ['sh', '-c', 'cat > $hk/create.json']}],
 'poststart': [{'path': '/bin/sh', 'args': ['sh', '-c', 'cat > $hk/poststart.json']}],
 'poststop': [{'path': '/bin/sh', 'args': ['sh', '-c', 'cat > $hk/poststop.json']}]}"
R create --bundle "$bundle" c8 </dev/null >/dev/null 2>&1 && R start c8 && R delete --force c8
python3 - "$hk" <<'EOF2'
import json, sys
d = sys.argv[1]
c, p, s = (json.load(open(d + "/" + n + ".json")) for n in ("create", "poststart", "poststop"))
assert c["id"] == "c8" and c["status"] == "created" and c["pid"] > 0, c
assert p["status"] == "running", p
assert s["status"] == "stopped", s
EOF2
check hooks-run-with-state $? "hook outputs: $(cat "$hk"/*.json 2>&1 | head -c 300)"
setcfg "$bundle" "c['hooks'] = {'createRuntime': [{'path': '/bin/sh', 'args': ['sh', '-c', 'exit 7']}]}"
R create --bundle "$bundle" c9 </dev/null >/dev/null 2>"$out/c9.err"
[ $? -ne 0 ] && grep -q 'hooks.createRuntime\[0\]: /bin/sh exited with status 7' "$out/c9.err" && no_state c9
check hook-failure-fails-create $? "$(cat "$out/c9.err")"
setcfg "$bundle" "c['hooks'] = {'createRuntime': [{'path': '/bin/sh', 'args': ['sh', '-c', 'while :; do :; done'], 'timeout': 1}]}"
R create --bundle "$bundle" c9 </dev/null >/dev/null 2>"$out/c9t.err"
[ $? -ne 0 ] && grep -q 'timed out' "$out/c9t.err" && no_state c9
check hook-timeout $? "$(cat "$out/c9t.err")"
setcfg "$bundle" "c['hooks'] = {'createContainer': [{'path': '/bin/true'}]}"
R create --bundle "$bundle" c9 </dev/null >/dev/null 2>"$out/c9c.err"
[ $? -ne 0 ] && grep -q 'hooks.createContainer' "$out/c9c.err" && no_state c9
check hook-in-container-refused $? "$(cat "$out/c9c.err")"
args "$bundle" sh -c 'exit 6'
setcfg "$bundle" "c['hooks'] = {'poststop': [{'path': '/bin/sh', 'args': ['sh', '-c', 'echo poststop > $hk/run-poststop']}]}"
R run --bundle "$bundle" c10 </dev/null >/dev/null 2>&1
rc=$?
[ $rc -eq 6 ] && [ "$(cat "$hk/run-poststop" 2>/dev/null)" = poststop ] && no_state c10
check run-poststop-hook $? "rc=$rc hook output: $(cat "$hk/run-poststop" 2>&1)"
setcfg "$bundle" "del c['hooks']"

# Concurrent creates of one ID: exactly one wins, the state stays sound.
for i in 1 2 3 4; do
	R create --bundle "$bundle" c6 </dev/null >/dev/null 2>&1 &
done
n=0
for j in 1 2 3 4; do
	wait %$j && n=$((n + 1))
done
[ $n -eq 1 ] && [ "$(status_of c6)" = created ]
check concurrent-create-one-wins $? "$n creates succeeded"
R delete --force c6 >/dev/null 2>&1

# ---- the CLI ----
R create --bogus x 2>"$out/flag.err"
[ $? -eq 2 ] && grep -q 'unknown flag' "$out/flag.err" && grep -q '^usage:' "$out/flag.err"
check unknown-flag-usage $? "$(cat "$out/flag.err")"
ok=0
for c in create start state kill delete run list spec features wait ps debug; do
	R $c --help | grep -q "^usage: runsc" || ok=1
done
check help-each-command $ok "a command without --help"
R --log "$out/log.json" --log-format json state nosuch 2>/dev/null
python3 -c 'import json,sys; l=json.loads(open(sys.argv[1]).readline()); assert l["level"]=="error" and "does not exist" in l["msg"]' "$out/log.json"
check log-format-json $? "log: $(cat "$out/log.json" 2>/dev/null)"

# ---- malformed config.json: one line of error, no state left ----
bad=$out/bad
mkdir -p "$bad"
ln -sfn "$bundle/rootfs" "$bad/rootfs"
good='{"ociVersion":"1.0.2","root":{"path":"rootfs"},"process":{"args":["sh"],"cwd":"/","user":{"uid":0,"gid":0}}}'
# malformed NAME JSON EXPECTED-SUBSTRING
malformed() {
	printf '%s' "$2" >"$bad/config.json"
	R create --bundle "$bad" m1 </dev/null >/dev/null 2>"$out/bad-$1.err"
	rc=$?
	[ $rc -ne 0 ] && [ "$(wc -l <"$out/bad-$1.err")" -eq 1 ] &&
		grep -q -- "$3" "$out/bad-$1.err" && no_state m1 && [ -z "$(ls "$root")" ]
	check "malformed-$1" $? "rc=$rc err=[$(head -c 300 "$out/bad-$1.err")]"
}
malformed truncated "$(printf '%s' "$good" | head -c 60)" 'line 1'
malformed wrong-type '{"ociVersion":"1.0.2","root":{"path":"rootfs"},"process":{"args":"sh","cwd":"/","user":{"uid":0,"gid":0}}}' 'process.args'
malformed missing-root '{"ociVersion":"1.0.2","process":{"args":["sh"],"cwd":"/","user":{"uid":0,"gid":0}}}' 'root: missing'
malformed absent-rootfs '{"ociVersion":"1.0.2","root":{"path":"nowhere"},"process":{"args":["sh"],"cwd":"/","user":{"uid":0,"gid":0}}}' 'root.path'
malformed dotdot-root '{"ociVersion":"1.0.2","root":{"path":"../rootfs"},"process":{"args":["sh"],"cwd":"/","user":{"uid":0,"gid":0}}}' 'root.path'
malformed dotdot-mount "$(printf '%s' "$good" | sed 's|}$|,"mounts":[{"destination":"/a/../../etc","type":"tmpfs"}]}|')" 'mounts\[0\].destination'
malformed huge-array "$(python3 -c 'import json; print(json.dumps({"ociVersion":"1","root":{"path":"rootfs"},"process":{"args":["x"]*100000,"cwd":"/","user":{"uid":0,"gid":0}}}))')" 'more than'
malformed deep-nesting "$(python3 -c 'print("{\"a\":" * 5000 + "1" + "}" * 5000)')" 'nested deeper'
malformed not-object '[1,2,3]' 'JSON object'
malformed duplicate-key '{"ociVersion":"1","ociVersion":"2"}' 'duplicate'
malformed bad-uid "$(printf '%s' "$good" | sed 's|"uid":0|"uid":-5|')" 'process.user.uid'
malformed bad-namespace "$(printf '%s' "$good" | sed 's|}$|,"linux":{"namespaces":[{"type":"pid"},{"type":"pid"}]}}|')" 'linux.namespaces\[1\]'
malformed bad-capability "$(printf '%s' "$good" | sed 's|"cwd":"/"|"cwd":"/","capabilities":{"bounding":["CAP_NOPE"]}|')" 'process.capabilities.bounding\[0\]'
head -c 5000000 /dev/zero | tr '\0' ' ' >"$bad/config.json"
R create --bundle "$bad" m1 </dev/null >/dev/null 2>"$out/bad-big.err"
[ $? -ne 0 ] && grep -q 'larger than' "$out/bad-big.err" && no_state m1
check malformed-too-large $? "$(cat "$out/bad-big.err")"

# ---- namespaces, sysctls, mqueue and cgroup mounts ----
nsb=$out/nsbundle
rm -rf "$nsb" && mkdir -p "$nsb" && ln -sfn "$bundle/rootfs" "$nsb/rootfs"
(cd "$nsb" && R spec) || fail ns-spec "runsc spec failed"
cp "$nsb/config.json" "$nsb/config.base"
# nscfg PYTHON: config.json from the spec's default with the edit applied.
nscfg() { cp "$nsb/config.base" "$nsb/config.json" && setcfg "$nsb" "$1"; }
# runout NAME: `run` the bundle, its stdout in $out/NAME.out
runout() { R run --bundle "$nsb" "$1" </dev/null >"$out/$1.out" 2>"$out/$1.err"; }
netns_of() { readlink "/proc/$1/ns/net"; }
# sandbox_pids PID: the sandbox and its direct children (gofer, stubs).
sandbox_pids() { echo "$1"; cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep .; }

if command -v ip >/dev/null && ip netns add runsc-oci-test 2>/dev/null; then
	nscfg 'c["process"]["args"]=["sleep","30"]; c["linux"]["namespaces"]=[n for n in c["linux"]["namespaces"] if n["type"]!="network"]+[{"type":"network","path":"/run/netns/runsc-oci-test"}]'
	want=$(ip netns exec runsc-oci-test readlink /proc/self/ns/net)
	R create --bundle "$nsb" nsj </dev/null 2>"$out/nsj.err"
	p=$(pid_of nsj)
	ok=1 n=0
	for q in $(sandbox_pids "$p"); do
		n=$((n + 1))
		[ "$(netns_of "$q")" = "$want" ] || ok=0
	done
	[ -n "$p" ] && [ "$ok" = 1 ] && [ "$n" -ge 2 ] && [ "$want" != "$(readlink /proc/self/ns/net)" ]
	check netns-path-join $? "want $want; $(for q in $(sandbox_pids "$p"); do echo "$q: $(netns_of "$q")"; done) $(cat "$out/nsj.err")"
	R delete --force nsj 2>/dev/null
	ip netns del runsc-oci-test
else
	skip netns-path-join "ip netns add failed (needs iproute2 and root)"
fi

nscfg 'c["process"]["args"]=["sleep","30"]'
R create --bundle "$nsb" nsn </dev/null 2>"$out/nsn.err"
p=$(pid_of nsn)
[ -n "$p" ] && [ "$(netns_of "$p")" != "$(readlink /proc/self/ns/net)" ]
check netns-new $? "sandbox $p in $(netns_of "$p"); $(cat "$out/nsn.err")"
R delete --force nsn 2>/dev/null

nscfg 'c["linux"]["namespaces"]=[n for n in c["linux"]["namespaces"] if n["type"]!="network"]+[{"type":"network","path":"/nonexistent/netns"}]'
R create --bundle "$nsb" nsb1 </dev/null >/dev/null 2>"$out/nsbad.err"
[ $? -ne 0 ] && [ "$(wc -l <"$out/nsbad.err")" -eq 1 ] && grep -q 'linux.namespaces\[[0-9]*\].path' "$out/nsbad.err" && no_state nsb1
check netns-bad-path $? "$(cat "$out/nsbad.err")"
nscfg 'c["linux"]["namespaces"]=[n for n in c["linux"]["namespaces"] if n["type"]!="network"]+[{"type":"network","path":"/proc/self/ns/uts"}]'
R create --bundle "$nsb" nsb1 </dev/null >/dev/null 2>"$out/nswrong.err"
[ $? -ne 0 ] && grep -q 'not a network namespace' "$out/nswrong.err" && no_state nsb1
check netns-wrong-type $? "$(cat "$out/nswrong.err")"

for host in 0 100000; do
	nscfg 'c["process"]["args"]=["sh","-c","sleep 1; cat /marker; id -u"]; c["linux"]["namespaces"].append({"type":"user"}); c["linux"]["uidMappings"]=[{"containerID":0,"hostID":'$host',"size":65536}]; c["linux"]["gidMappings"]=[{"containerID":0,"hostID":'$host',"size":65536}]'
	R create --bundle "$nsb" nsu </dev/null >/dev/null 2>"$out/nsu.err"
	p=$(pid_of nsu)
	map=$(cat "/proc/$p/uid_map" 2>/dev/null | tr -s ' ' | sed 's/^ //')
	uid=$(awk '/^Uid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
	R start nsu 2>>"$out/nsu.err"
	R wait nsu >/dev/null 2>&1 || sleep 2
	R delete --force nsu 2>/dev/null
	[ "$map" = "0 $host 65536" ] && [ "$uid" = "$host" ]
	check "userns-map-$host" $? "uid_map [$map] host uid [$uid] $(cat "$out/nsu.err")"
done
nscfg 'c["process"]["args"]=["sh","-c","cat /marker; id -u"]; c["linux"]["namespaces"].append({"type":"user"}); c["linux"]["uidMappings"]=[{"containerID":0,"hostID":100000,"size":65536}]; c["linux"]["gidMappings"]=[{"containerID":0,"hostID":100000,"size":65536}]'
runout nsur
[ "$(cat "$out/nsur.out")" = "inside the bundle
0" ]
check userns-run $? "out [$(cat "$out/nsur.out")] err [$(cat "$out/nsur.err")]"
nscfg 'c["linux"]["namespaces"].append({"type":"user"})'
R create --bundle "$nsb" nsb1 </dev/null >/dev/null 2>"$out/nsnomap.err"
[ $? -ne 0 ] && grep -q 'linux.uidMappings' "$out/nsnomap.err" && no_state nsb1
check userns-needs-mappings $? "$(cat "$out/nsnomap.err")"

nscfg 'c["process"]["args"]=["sh","-c","cat /proc/sys/fs/mqueue/msg_max /proc/sys/fs/mqueue/queues_max /proc/sys/net/core/somaxconn /proc/sys/kernel/domainname"]; c["linux"]["sysctl"]={"fs.mqueue.msg_max":"42","fs/mqueue/queues_max":"7","net.core.somaxconn":"1000","kernel.domainname":"example.org"}'
runout sysctl
[ "$(cat "$out/sysctl.out")" = "42
7
1000
example.org" ]
check sysctl-applied $? "out [$(cat "$out/sysctl.out")] err [$(cat "$out/sysctl.err")]"
# refused NAME SYSCTL-JSON EXPECTED: create fails with one line, no state.
refused() {
	nscfg 'c["linux"]["sysctl"]='"$2"
	R create --bundle "$nsb" nsb1 </dev/null >/dev/null 2>"$out/sysctl-$1.err"
	rc=$?
	[ $rc -ne 0 ] && [ "$(wc -l <"$out/sysctl-$1.err")" -eq 1 ] && grep -q -- "$3" "$out/sysctl-$1.err" && no_state nsb1
	check "sysctl-refused-$1" $? "rc=$rc $(cat "$out/sysctl-$1.err")"
}
refused unknown '{"vm.swappiness":"10"}' 'linux.sysctl.vm.swappiness: not supported'
refused hostname '{"kernel.hostname":"x"}' 'linux.sysctl.kernel.hostname: not allowed'
refused range '{"fs.mqueue.msg_max":"0"}' 'linux.sysctl.fs.mqueue.msg_max: invalid value'
refused not-string '{"fs.mqueue.msg_max":5}' 'linux.sysctl.fs.mqueue.msg_max: must be a string'

nscfg 'c["process"]["args"]=["sh","-c","grep -E \" (mqueue|cgroup2) \" /proc/self/mounts | cut -d\" \" -f1-3; touch /dev/mqueue/q; cat /dev/mqueue/q; ls /dev/mqueue; cat /sys/fs/cgroup/cgroup.procs /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max /sys/fs/cgroup/pids.max /sys/fs/cgroup/cgroup.type"]; c["linux"].setdefault("resources",{}); c["linux"]["resources"]["memory"]={"limit":268435456}; c["linux"]["resources"]["cpu"]={"quota":50000,"period":100000}; c["linux"]["resources"]["pids"]={"limit":99}'
runout mounts
printf '%s\n' "mqueue /dev/mqueue mqueue" "cgroup2 /sys/fs/cgroup cgroup2" \
	"QSIZE:0          NOTIFY:0     SIGNO:0     NOTIFY_PID:0     " q 1 268435456 "50000 100000" 99 domain >"$out/mounts.want"
cmp -s "$out/mounts.out" "$out/mounts.want"
check mqueue-cgroup-mounts $? "$(diff "$out/mounts.want" "$out/mounts.out") $(cat "$out/mounts.err")"

# Nothing may be left running or stored.
[ -z "$(ls "$root" 2>/dev/null)" ]
check no-state-left $? "left in $root: $(ls "$root")"
exit 0
