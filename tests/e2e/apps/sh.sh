# sh: pipes and redirections in a fresh directory under /tmp
set -u
d=$(mktemp -d /tmp/apps-sh-XXXXXX)
cd "$d"
printf 'banana\napple\ncherry\napple\n' > fruits
sort < fruits | uniq -c | sort -rn > counts
cat counts
echo one > log
echo two >> log
echo three >>log
wc -l < log
cat <<END > here.txt
line a $((6 * 7))
	tab line
END
cat here.txt
cat <<'END' | tr a-z A-Z
quoted $HOME stays
END
ls nosuchfile > out 2>&1; echo "ls status $?"
sed 's/:.*/: (message)/' out
{ echo to-out; echo to-err >&2; } > both 2>&1
sort both
exec 3> fd3; echo via fd3 >&3; exec 3>&-; cat fd3
while read -r n; do echo "n=$n"; done < log
x=$(cat fruits | grep -c a); echo "count a: $x"
(cd /; pwd); pwd | sed "s#$d#DIR#"
echo data | tee t1 t2 >/dev/null; cat t1 t2
cat fruits | head -2 | tail -1
false | true; echo "pipe status $?"
mkfifo p; (echo through fifo > p &); cat p
ln -s fruits link; cat link | wc -l; readlink link
cd /; rm -rf "$d"; [ -e "$d" ] || echo removed
