#!/bin/sh
# Sums the result files of every suite and prints the closing line.
dir=${1:-build/test-results}
pass=0 fail=0 skip=0
for f in "$dir"/*.txt; do
	[ -f "$f" ] || continue
	p=$(grep -c '^PASS ' "$f"); x=$(grep -c '^FAIL ' "$f"); s=$(grep -c '^SKIP ' "$f")
	pass=$((pass + p)); fail=$((fail + x)); skip=$((skip + s))
	grep '^FAIL ' "$f" | sed "s|^|$(basename "$f" .txt): |"
	grep '^SKIP ' "$f" | sed "s|^|$(basename "$f" .txt): |"
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
