/* Exec target: prints its argv and the TESTVAR environment variable, then
 * exits with the status given as argv[1] (if numeric). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	const char *v = getenv("TESTVAR");

	for (int i = 0; i < argc; i++)
		printf("argv[%d] = %s\n", i, i == 0 ? "(name)" : argv[i]);
	printf("TESTVAR = %s\n", v ? v : "(unset)");
	fflush(stdout);
	return argc > 1 ? atoi(argv[1]) : 0;
}
