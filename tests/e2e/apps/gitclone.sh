# gitclone: git clone of a local repository whose objects already have
# several hard links (made by `git clone --local`), as the sandbox sees
# it through its root overlay: the clone hard-links every object and
# checks that each new link has the source's inode number and owner
# ("hardlink different from source" otherwise), so the copy-up of a
# multiply-linked lower file must keep one inode (overlayfs index=on).
#   gitclone.sh SRC: SRC is made natively when missing (the native run
#   comes first, so the sandbox finds it in its lower layer, on the host).
set -u
umask 022
src=$1
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=Tester GIT_AUTHOR_EMAIL=t@example.com \
	GIT_COMMITTER_NAME=Tester GIT_COMMITTER_EMAIL=t@example.com \
	GIT_AUTHOR_DATE='2020-01-01T00:00:00Z' GIT_COMMITTER_DATE='2020-01-01T00:00:00Z'
if [ ! -d "$src" ]; then
	mkdir -p "$src" && git init -q -b main "$src/a" || exit 1
	for i in 1 2 3 4; do
		echo "file $i" >"$src/a/f$i"
		git -C "$src/a" add "f$i" && git -C "$src/a" commit -q -m "c$i" || exit 1
	done
	git clone -q --local "$src/a" "$src/b" || exit 1
fi
d=$(mktemp -d /tmp/apps-gitclone-XXXXXX)
export HOME=$d
n=0
for f in $(cd "$src/b/.git/objects" && find . -type f -path './??/*'); do
	[ "$(stat -c %h "$src/b/.git/objects/$f")" -ge 2 ] && n=$((n + 1))
done
echo "source objects with 2+ links: $n"
git clone -q "$src/b" "$d/y" && echo cloned
git -C "$d/y" log --format='%H %s'
cat "$d/y/f4"
git -C "$d/y" fsck --strict 2>&1 && echo fsck ok
same=0 three=0
for f in $(cd "$d/y/.git/objects" && find . -type f -path './??/*'); do
	[ "$(stat -c %i "$d/y/.git/objects/$f")" = "$(stat -c %i "$src/b/.git/objects/$f")" ] &&
		same=$((same + 1))
	[ "$(stat -c %h "$d/y/.git/objects/$f")" = 3 ] && three=$((three + 1))
done
echo "cloned objects sharing the source inode: $same, with 3 links: $three"
# A change through the clone leaves the source alone.
echo changed >"$d/y/f1" && git -C "$d/y" commit -q -am change && echo committed
git -C "$src/b" status --short && cat "$src/b/f1"
cd /; rm -rf "$d"
