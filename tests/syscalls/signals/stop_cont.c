/* Job control: SIGSTOP/SIGTSTP stop a child (WUNTRACED reports it),
 * SIGCONT resumes it (WCONTINUED), and a stopped child can be killed. */
#include "../common.h"

int main(void)
{
	int st, go[2];
	pid_t pid;

	pipe(go);
	pid = fork();
	if (pid == 0) {
		char c;

		raise(SIGSTOP);
		/* Resumed: stop once more, via SIGTSTP, once the parent has
		 * seen the continue (a new stop clears the pending "continued"
		 * report, on Linux as here). */
		read(go[0], &c, 1);
		raise(SIGTSTP);
		for (;;)
			pause();
	}
	EXPECT(waitpid(pid, &st, WUNTRACED) == pid);
	printf("1: %s\n", wstatus(st));
	SHOW(kill(pid, SIGCONT));
	EXPECT(waitpid(pid, &st, WCONTINUED) == pid);
	printf("2: %s\n", wstatus(st));
	write(go[1], "g", 1);
	EXPECT(waitpid(pid, &st, WUNTRACED) == pid);
	printf("3: %s\n", wstatus(st));
	/* A stop is reported once. */
	SHOW(waitpid(pid, &st, WUNTRACED | WNOHANG));
	SHOW(kill(pid, SIGTERM));
	/* SIGTERM stays pending on a stopped task until SIGCONT (SIGKILL does not). */
	sleep_ms(50);
	SHOW(waitpid(pid, &st, WNOHANG));
	SHOW(kill(pid, SIGCONT));
	EXPECT(waitpid(pid, &st, 0) == pid);
	printf("4: %s\n", wstatus(st));

	pid = fork();
	if (pid == 0) {
		raise(SIGSTOP);
		_exit(0);
	}
	waitpid(pid, &st, WUNTRACED);
	printf("5: %s\n", wstatus(st));
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	printf("6: %s\n", wstatus(st));
	return 0;
}
