/* Many children alive at once, reaped in any order with wait(): the set of
 * exit codes is complete. */
#include "../common.h"

int main(void)
{
	int seen[32] = { 0 }, st, n = 0;
	pid_t pid;

	for (int i = 0; i < 32; i++) {
		pid = fork();
		if (pid == 0) {
			sleep_ms((i * 7) % 30);
			_exit(i);
		}
	}
	while ((pid = wait(&st)) > 0) {
		if (WIFEXITED(st) && WEXITSTATUS(st) < 32)
			seen[WEXITSTATUS(st)]++;
		n++;
	}
	printf("reaped %d, last wait: %s\n", n, errname(errno));
	for (int i = 0; i < 32; i++)
		if (seen[i] != 1)
			printf("code %d seen %d times\n", i, seen[i]);
	printf("done\n");
	return 0;
}
