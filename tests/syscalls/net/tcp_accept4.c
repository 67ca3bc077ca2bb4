/* accept4 flags: SOCK_NONBLOCK and SOCK_CLOEXEC on the new descriptor,
 * bad flags EINVAL, a non-blocking listener EAGAIN, a listener's own
 * O_NONBLOCK not inherited; accept on a non-listener is EINVAL. */
#include "tcp_util.h"

int main(void)
{
	struct sockaddr_in6 sa;
	socklen_t sl;
	int l, c1, c2, a, fl;

	nl_private_net();
	l = tcp_listener(AF_INET, "127.0.0.1", 4, &sa, &sl);
	SHOW(accept4(l, NULL, NULL, 0x40000000));
	fcntl(l, F_SETFL, O_NONBLOCK);
	SHOW(accept(l, NULL, NULL));
	c1 = socket(AF_INET, SOCK_STREAM, 0);
	c2 = socket(AF_INET, SOCK_STREAM, 0);
	connect(c1, (struct sockaddr *)&sa, sl);
	connect(c2, (struct sockaddr *)&sa, sl);
	a = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	EXPECT(a >= 0);
	fl = fcntl(a, F_GETFL);
	printf("nonblock %d cloexec %d\n", !!(fl & O_NONBLOCK), !!(fcntl(a, F_GETFD) & FD_CLOEXEC));
	SHOW(read(a, &fl, 1));
	close(a);
	a = accept4(l, NULL, NULL, 0);
	EXPECT(a >= 0);
	fl = fcntl(a, F_GETFL);
	printf("nonblock %d cloexec %d\n", !!(fl & O_NONBLOCK), !!(fcntl(a, F_GETFD) & FD_CLOEXEC));
	SHOW(accept(l, NULL, NULL));
	SHOW(accept(c1, NULL, NULL));
	SHOW(accept(socket(AF_INET, SOCK_STREAM, 0), NULL, NULL));
	return 0;
}
