# gcc: compile and run hello.c, a two-file program linked from objects,
# and a static binary, all in a fresh directory under /tmp.
set -u
umask 022
d=$(mktemp -d /tmp/apps-gcc-XXXXXX)
cd "$d"
cat > hello.c <<'END'
#include <stdio.h>
int main(int argc, char **argv)
{
	printf("hello, world (%d args)\n", argc);
	return 0;
}
END
gcc -O2 -Wall -o hello hello.c && ./hello a b; echo "status $?"
cat > lib.c <<'END'
int sq(int x) { return x * x; }
END
cat > main.c <<'END'
#include <stdio.h>
#include <math.h>
int sq(int);
int main(void) { printf("sq(12)=%d sqrt(2)=%.6f\n", sq(12), sqrt(2.0)); return 7; }
END
gcc -c lib.c && gcc -c main.c && gcc -o prog main.o lib.o -lm && ./prog; echo "status $?"
gcc -static -o hello-static hello.c && ./hello-static; echo "status $?"
printf 'int main(void) { return undeclared; }\n' > bad.c
gcc -c bad.c 2>err.txt; echo "bad.c status $?"; grep -c "undeclared" err.txt
echo 'int x = __LINE__;' | gcc -E -P - 
ls
cd /; rm -rf "$d"
