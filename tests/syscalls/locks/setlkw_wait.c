/* F_SETLKW waits for the holder and gets the lock when it goes; a signal
 * without SA_RESTART ends the wait with EINTR. */
#include "lockutil.h"

static void on_alarm(int s)
{
}

int main(void)
{
	int fd = lk_setup();
	pid_t pid;
	struct sigaction sa = { .sa_handler = on_alarm };

	lk_pipes();
	pid = fork();
	if (pid == 0) {
		int c = open(lk_path, O_RDWR);

		lk(c, F_SETLK, F_WRLCK, 0, 0);
		lk_tell(lk_c2p[1]);
		lk_wait(lk_p2c[0]);
		sleep_ms(200);
		_exit(0);   /* exit drops the lock */
	}
	lk_wait(lk_c2p[0]);
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	SHOW(lk(fd, F_SETLKW, F_RDLCK, 10, 1));
	alarm(1);
	SHOW(lk(fd, F_OFD_SETLKW, F_RDLCK, 10, 1));
	lk_tell(lk_p2c[1]);
	SHOW(lk(fd, F_SETLKW, F_WRLCK, 0, 0));
	reap(pid, "holder");
	SHOW(lk(fd, F_SETLK, F_UNLCK, 0, 0));
	lk_cleanup();
	return 0;
}
