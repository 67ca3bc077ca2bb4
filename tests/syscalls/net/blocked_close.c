/* Waiters whose target goes away: a connect blocked on a full backlog
 * when the listener closes, and a datagram sender blocked on a full
 * receiver queue when the receiver closes. */
#include "net.h"

int main(void)
{
	struct sockaddr_un a, b;
	socklen_t alen = abstract_addr(&a, "bc1"), blen = abstract_addr(&b, "bc2");
	int ls = socket(AF_UNIX, SOCK_STREAM, 0), c1 = socket(AF_UNIX, SOCK_STREAM, 0);
	pid_t pid;

	SHOW(bind(ls, (struct sockaddr *)&a, alen));
	SHOW(listen(ls, 0));
	SHOW(connect(c1, (struct sockaddr *)&a, alen));
	pid = fork();
	if (pid == 0) {
		int c2 = socket(AF_UNIX, SOCK_STREAM, 0);

		close(ls); /* only the parent's copy keeps the listener */
		int r = connect(c2, (struct sockaddr *)&a, alen);

		_exit(r < 0 ? (errno == ECONNREFUSED ? 10 : 11) : 12);
	}
	sleep_ms(100);
	close(ls);
	reap(pid, "blocked connect");

	int rcv = socket(AF_UNIX, SOCK_DGRAM, 0);
	SHOW(bind(rcv, (struct sockaddr *)&b, blen));
	int snd = socket(AF_UNIX, SOCK_DGRAM, 0);
	int n = 0;
	while (sendto(snd, "x", 1, MSG_DONTWAIT, (struct sockaddr *)&b, blen) == 1)
		n++;
	printf("queued %d then %s\n", n, strerrorname_np(errno));
	pid = fork();
	if (pid == 0) {
		close(rcv);
		int r = sendto(snd, "x", 1, 0, (struct sockaddr *)&b, blen);

		_exit(r < 0 ? (errno == ECONNREFUSED ? 20 : 21) : 22);
	}
	sleep_ms(100);
	close(rcv);
	reap(pid, "blocked sendto");
	return 0;
}
