# git: init, add, commit (fixed identity and dates, so the commit ids are
# the same on every run), a branch and a merge, log, status, fsck, gc.
set -u
umask 022
d=$(mktemp -d /tmp/apps-git-XXXXXX)
export HOME=$d GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=Tester GIT_AUTHOR_EMAIL=t@example.com \
	GIT_COMMITTER_NAME=Tester GIT_COMMITTER_EMAIL=t@example.com \
	GIT_AUTHOR_DATE='2020-01-01T00:00:00Z' GIT_COMMITTER_DATE='2020-01-01T00:00:00Z'
cd "$d"
git init -q -b main repo && cd repo
printf 'line %s\n' 1 2 3 > a.txt
mkdir sub && echo nested > sub/b.txt && chmod +x sub/b.txt
git add . && git -c user.name=Tester -c user.email=t@example.com commit -q -m first
git rev-parse HEAD
git checkout -q -b topic
echo topic >> a.txt && git commit -q -am "topic change"
git checkout -q main
echo other > c.txt && git add c.txt && git commit -q -m second
git merge -q --no-edit topic && echo merged
git log --format='%H %s' --graph
git status --short --branch
git diff --stat HEAD~2 HEAD
git ls-files -s
echo dirty >> c.txt; git status --short; git stash -q && git status --short && echo stashed
git fsck --strict 2>&1 && echo fsck ok
git gc -q && git count-objects -v | grep -E '^(count|in-pack|packs)'
cd /; rm -rf "$d"
