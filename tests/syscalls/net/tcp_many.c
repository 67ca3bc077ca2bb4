/* Many short connections in a row, each a request and an answer, the
 * client closing first (its ends pile up in TIME_WAIT, the ports come
 * from the ephemeral range). */
#include "tcp_util.h"

int main(void)
{
	struct sockaddr_in6 sa;
	socklen_t sl;
	int l, ok = 0;

	nl_private_net();
	l = tcp_listener(AF_INET, "127.0.0.1", 16, &sa, &sl);
	for (int i = 0; i < 300; i++) {
		char q[16], r[16] = { 0 };
		int c = socket(AF_INET, SOCK_STREAM, 0), s;
		int n = snprintf(q, sizeof(q), "req %d", i);

		if (connect(c, (struct sockaddr *)&sa, sl) < 0)
			break;
		s = accept(l, NULL, NULL);
		write(c, q, (size_t)n);
		read(s, r, sizeof(r));
		write(s, r, strlen(r));
		memset(r, 0, sizeof(r));
		read(c, r, sizeof(r));
		close(c);
		read(s, q, sizeof(q));
		close(s);
		if (!strncmp(r, "req ", 4) && atoi(r + 4) == i)
			ok++;
	}
	printf("ok %d\n", ok);
	return 0;
}
