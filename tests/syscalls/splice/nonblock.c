/* splice waits: a full output pipe blocks until a reader in another
 * process drains it, SPLICE_F_NONBLOCK and O_NONBLOCK turn the wait into
 * EAGAIN, a signal interrupts it, and no reader gives EPIPE + SIGPIPE. */
#include "../common.h"
#include <fcntl.h>
#include <sys/mman.h>

static void on_alarm(int s)
{
}

static volatile int got_pipe;
static void on_pipe(int s)
{
	got_pipe = s;
}

int main(void)
{
	static char big[65536];
	int p[2], fd;
	loff_t off = 0;
	pid_t pid;

	fd = memfd_create("src", 0);
	SHOW(write(fd, big, sizeof(big)));
	SHOW(pipe(p));
	SHOW(splice(fd, &off, p[1], NULL, sizeof(big), 0));
	off = 0;
	SHOW(splice(fd, &off, p[1], NULL, 10, SPLICE_F_NONBLOCK));
	SHOW(fcntl(p[1], F_SETFL, O_NONBLOCK));
	SHOW(splice(fd, &off, p[1], NULL, 10, 0));
	SHOW(fcntl(p[1], F_SETFL, 0));
	/* A signal ends the wait: EINTR without SA_RESTART. */
	{
		struct sigaction sa = { .sa_handler = on_alarm };

		sigaction(SIGALRM, &sa, NULL);
		alarm(1);
		SHOW(splice(fd, &off, p[1], NULL, 10, 0));
	}
	/* A reader elsewhere makes room. */
	pid = fork();
	if (pid == 0) {
		static char sink[65536];

		sleep_ms(200);
		read(p[0], sink, sizeof(sink));
		_exit(0);
	}
	SHOW(splice(fd, &off, p[1], NULL, 10, 0));
	reap(pid, "reader");
	/* No reader left. */
	signal(SIGPIPE, on_pipe);
	close(p[0]);
	SHOW(splice(fd, &off, p[1], NULL, 10, 0));
	printf("sigpipe=%d\n", got_pipe);
	/* Pipe to pipe waits for data, then EOF is 0. */
	{
		int a[2], b[2];

		SHOW(pipe(a));
		SHOW(pipe(b));
		SHOW(splice(a[0], NULL, b[1], NULL, 5, SPLICE_F_NONBLOCK));
		pid = fork();
		if (pid == 0) {
			sleep_ms(200);
			write(a[1], "later", 5);
			_exit(0);
		}
		SHOW(splice(a[0], NULL, b[1], NULL, 100, 0));
		reap(pid, "writer");
		close(a[1]);
		SHOW(splice(a[0], NULL, b[1], NULL, 100, 0));
	}
	return 0;
}
