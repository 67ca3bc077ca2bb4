/* A full accept queue drops SYNs (Linux accepts backlog + 1): of four
 * non-blocking connects to listen(fd, 1) two complete; accepting makes
 * room and a retried SYN gets in (how many is timing: not printed). */
#include "tcp_util.h"

int main(void)
{
	struct sockaddr_in6 sa;
	socklen_t sl;
	int l, c[4], est = 0, pend = 0, a;

	nl_private_net();
	l = tcp_listener(AF_INET, "127.0.0.1", 1, &sa, &sl);
	for (int i = 0; i < 4; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(c[i], (struct sockaddr *)&sa, sl);
		msleep(20);
	}
	msleep(100);
	for (int i = 0; i < 4; i++) {
		const char *st = tcp_state_name(c[i]);

		printf("client %d: %s\n", i, st);
		est += !strcmp(st, "ESTABLISHED");
		pend += !strcmp(st, "SYN_SENT");
	}
	printf("established %d pending %d\n", est, pend);
	printf("listener poll: %s\n", poll_str(l, 0));
	a = accept(l, NULL, NULL);
	EXPECT(a >= 0);
	/* a SYN retransmission (about a second later) finds room */
	for (int t = 0; t < 40; t++) {
		msleep(100);
		est = 0;
		for (int i = 0; i < 4; i++)
			est += !strcmp(tcp_state_name(c[i]), "ESTABLISHED");
		if (est >= 3)
			break;
	}
	printf("after accept: at least 3 established: %s\n", est >= 3 ? "yes" : "no");
	return 0;
}
