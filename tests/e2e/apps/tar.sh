# tar: /usr/include (read through the gofer) archived, extracted under
# /tmp and compared with diff -r; an xz-compressed round trip of one
# subdirectory; the verbose listing (modes, owners, sizes, times) hashed.
set -u
d=$(mktemp -d /tmp/apps-tar-XXXXXX)
cd "$d"
tar cf inc.tar -C /usr include; echo "tar cf status $?"
tar tf inc.tar | wc -l
tar tvf inc.tar | sort | md5sum
mkdir x
tar xf inc.tar -C x; echo "tar xf status $?"
rm inc.tar
diff -r --no-dereference /usr/include x/include && echo "diff -r: identical"
rm -rf x
tar cJf linux.tar.xz -C /usr/include linux; echo "tar cJf status $?"
mkdir y && tar xJf linux.tar.xz -C y && diff -r --no-dereference /usr/include/linux y/linux && echo "xz round trip: identical"
cd /; rm -rf "$d"
