/* MSG_PEEK leaves data queued (stream across several writes, datagram one
 * at a time); MSG_WAITALL waits for the whole length. */
#include "net.h"

int main(void)
{
	int sv[2], dv[2];
	char buf[64];
	pid_t pid;

	SHOW(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	SHOW(write(sv[0], "abc", 3));
	SHOW(write(sv[0], "def", 3));
	memset(buf, 0, sizeof(buf));
	SHOW(recv(sv[1], buf, 4, MSG_PEEK));
	printf("peek '%s'\n", buf);
	memset(buf, 0, sizeof(buf));
	SHOW(recv(sv[1], buf, sizeof(buf), MSG_PEEK));
	printf("peek '%s'\n", buf);
	memset(buf, 0, sizeof(buf));
	SHOW(recv(sv[1], buf, 2, 0));
	printf("read '%s'\n", buf);
	memset(buf, 0, sizeof(buf));
	SHOW(recv(sv[1], buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT));
	printf("peek '%s'\n", buf);
	SHOW(recv(sv[1], buf, sizeof(buf), 0));

	SHOW(socketpair(AF_UNIX, SOCK_DGRAM, 0, dv));
	SHOW(send(dv[0], "first", 5, 0));
	SHOW(send(dv[0], "second", 6, 0));
	memset(buf, 0, sizeof(buf));
	SHOW(recv(dv[1], buf, sizeof(buf), MSG_PEEK));
	printf("peek '%s'\n", buf);
	memset(buf, 0, sizeof(buf));
	SHOW(recv(dv[1], buf, 3, MSG_PEEK | MSG_TRUNC));
	printf("peek '%s'\n", buf);
	memset(buf, 0, sizeof(buf));
	SHOW(recv(dv[1], buf, sizeof(buf), 0));
	printf("read '%s'\n", buf);
	memset(buf, 0, sizeof(buf));
	SHOW(recv(dv[1], buf, sizeof(buf), 0));
	printf("read '%s'\n", buf);

	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 4; i++) {
			sleep_ms(20);
			write(sv[0], "xy", 2);
		}
		_exit(0);
	}
	memset(buf, 0, sizeof(buf));
	SHOW(recv(sv[1], buf, 8, MSG_WAITALL));
	printf("waitall '%s'\n", buf);
	reap(pid, "child");
	SHOW(close(sv[0]));
	SHOW(recv(sv[1], buf, 8, MSG_WAITALL));
	return 0;
}
