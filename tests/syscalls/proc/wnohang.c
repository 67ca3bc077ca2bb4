/* WNOHANG: 0 while the child runs, its pid once it has exited. */
#include "../common.h"

int main(void)
{
	int p[2], st;
	char c;
	pid_t pid;

	if (pipe(p))
		return 1;
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		read(p[0], &c, 1);
		_exit(6);
	}
	close(p[0]);
	SHOW(waitpid(pid, &st, WNOHANG));
	SHOW(waitpid(-1, &st, WNOHANG));
	close(p[1]);
	/* Poll until the child has gone. */
	pid_t r = 0;
	for (int i = 0; i < 2000 && r == 0; i++) {
		r = waitpid(pid, &st, WNOHANG);
		if (r == 0)
			sleep_ms(5);
	}
	EXPECT(r == pid);
	printf("status: %s\n", wstatus(st));
	SHOW(waitpid(pid, &st, WNOHANG));
	return 0;
}
