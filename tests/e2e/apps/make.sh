# make -j4: this project's own sources (the committed tree, by git
# archive) built under /tmp with gcc, the way a developer would, then the
# runsc it made prints its usage. Many compilers at once, deep header
# reads through the root filesystem, a static link.
#   make.sh REPO
set -u
d=$(mktemp -d /tmp/apps-make-XXXXXX)
git -C "$1" archive HEAD | tar -x -C "$d" || exit 1
cd "$d"
make -j4 >make.log 2>&1; echo "make status $?"
grep -E ': (error|warning):' make.log | head -5
build/bin/runsc --help 2>&1 | head -1
cd /; rm -rf "$d"
