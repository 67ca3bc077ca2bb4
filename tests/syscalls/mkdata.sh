#!/bin/sh
# Creates the fixture files the syscall tests read: small files of known
# content, a directory of known entries, non-executable and non-ELF files
# for execve errors.
set -e
d=$1
rm -rf "$d" && mkdir -p "$d/dir/sub"
printf 'hello, fixture\n' > "$d/small.txt"
# 100 bytes: a mapping of two pages over it has no backing for page 2.
head -c 100 /dev/zero | tr '\0' 'b' > "$d/short.bin"
# 3 pages, each page filled with its index letter.
for c in A B C; do head -c 4096 /dev/zero | tr '\0' "$c"; done > "$d/pages.bin"
for f in alpha beta gamma; do echo "$f" > "$d/dir/$f"; done
ln -s alpha "$d/dir/link"
printf 'plain text, not a program\n' > "$d/noexec.txt"
chmod 644 "$d/noexec.txt"
printf 'garbage, not ELF and no #!\n' > "$d/garbage.bin"
chmod 755 "$d/garbage.bin"
