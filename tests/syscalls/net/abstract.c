/* Abstract-namespace stream sockets between a parent and a child: bind,
 * listen, accept/accept4, connect, names, and the errors around them. */
#include "net.h"
#include <fcntl.h>

int main(void)
{
	struct sockaddr_un a, b, got;
	socklen_t alen = abstract_addr(&a, "abs"), blen, glen;
	int ls, cs, as, s2, v;
	char buf[64];
	pid_t pid;

	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	SHOW(listen(ls, 5));
	SHOW(accept(ls, NULL, NULL));
	SHOW(bind(ls, (struct sockaddr *)&a, alen));
	SHOW(bind(ls, (struct sockaddr *)&a, alen));
	s2 = socket(AF_UNIX, SOCK_STREAM, 0);
	SHOW(bind(s2, (struct sockaddr *)&a, alen));
	SHOW(connect(s2, (struct sockaddr *)&a, alen));
	SHOW(bind(s2, (struct sockaddr *)&a, 1));
	SHOW(bind(s2, (struct sockaddr *)&a, sizeof(a) + 1));
	glen = sizeof(got);
	SHOW(getsockname(ls, (struct sockaddr *)&got, &glen));
	EXPECT(glen == alen && memcmp(&got, &a, alen) == 0);
	SHOW(listen(ls, 5));
	v = 0;
	glen = sizeof(v);
	SHOW(getsockopt(ls, SOL_SOCKET, SO_ACCEPTCONN, &v, &glen));
	printf("acceptconn %d\n", v);
	SHOW(fcntl(ls, F_SETFL, O_NONBLOCK));
	SHOW(accept(ls, NULL, NULL));
	SHOW(fcntl(ls, F_SETFL, 0));

	pid = fork();
	if (pid == 0) {
		int c = socket(AF_UNIX, SOCK_STREAM, 0);
		struct sockaddr_un cb;
		socklen_t cblen = abstract_addr(&cb, "cli");

		bind(c, (struct sockaddr *)&cb, cblen);
		sleep_ms(30);
		if (connect(c, (struct sockaddr *)&a, alen) < 0)
			_exit(1);
		if (write(c, "ping", 4) != 4)
			_exit(2);
		if (read(c, buf, sizeof(buf)) != 4)
			_exit(3);
		_exit(memcmp(buf, "pong", 4) ? 4 : 0);
	}
	memset(&got, 0, sizeof(got));
	glen = sizeof(got);
	as = accept4(ls, (struct sockaddr *)&got, &glen, SOCK_CLOEXEC);
	EXPECT(as >= 0);
	blen = abstract_addr(&b, "cli");
	/* The child's name carries its pid: compare the prefix. */
	EXPECT(glen > 2 && got.sun_path[0] == 0 && !strncmp(got.sun_path + 1, "runsc-test-cli-", 15));
	SHOW(fcntl(as, F_GETFD));
	memset(buf, 0, sizeof(buf));
	SHOW(read(as, buf, sizeof(buf)));
	printf("server got '%s'\n", buf);
	SHOW(write(as, "pong", 4));
	glen = sizeof(got);
	SHOW(getsockname(as, (struct sockaddr *)&got, &glen));
	EXPECT(glen == alen && memcmp(&got, &a, alen) == 0);
	reap(pid, "client");
	(void)blen;
	SHOW(read(as, buf, sizeof(buf)));

	/* A client in this process; connect order and errors. */
	cs = socket(AF_UNIX, SOCK_STREAM, 0);
	glen = sizeof(got);
	SHOW(getpeername(cs, (struct sockaddr *)&got, &glen));
	SHOW(connect(cs, (struct sockaddr *)&a, alen));
	SHOW(connect(cs, (struct sockaddr *)&a, alen));
	glen = sizeof(got);
	SHOW(getpeername(cs, (struct sockaddr *)&got, &glen));
	EXPECT(glen == alen && memcmp(&got, &a, alen) == 0);
	glen = sizeof(got);
	SHOW(getsockname(cs, (struct sockaddr *)&got, &glen));
	printf("unbound name len %d family %d\n", glen, got.sun_family);
	as = accept(ls, NULL, NULL);
	EXPECT(as >= 0);
	SHOW(write(cs, "q", 1));
	SHOW(read(as, buf, 1));

	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	SHOW(connect(d, (struct sockaddr *)&a, alen));
	SHOW(listen(d, 1));
	SHOW(accept(d, NULL, NULL));
	struct sockaddr_un none;
	socklen_t nlen = abstract_addr(&none, "nobody");
	SHOW(connect(s2, (struct sockaddr *)&none, nlen));
	struct sockaddr_un path = { .sun_family = AF_UNIX };
	strcpy(path.sun_path, "/nonexistent-dir/sock");
	SHOW(connect(s2, (struct sockaddr *)&path, sizeof(path)));
	strcpy(path.sun_path, "/");
	SHOW(connect(s2, (struct sockaddr *)&path, sizeof(path)));
	SHOW(bind(s2, (struct sockaddr *)&path, sizeof(path)));
	strcpy(path.sun_path, "/nonexistent-dir/sock");
	SHOW(bind(s2, (struct sockaddr *)&path, sizeof(path)));

	/* Autobind: bind with only the family picks a 5-digit abstract name. */
	int ab = socket(AF_UNIX, SOCK_DGRAM, 0);
	SHOW(bind(ab, (struct sockaddr *)&a, sizeof(sa_family_t)));
	glen = sizeof(got);
	SHOW(getsockname(ab, (struct sockaddr *)&got, &glen));
	printf("autobind len %d abstract %d\n", glen, got.sun_path[0] == 0);

	SHOW(close(ls));
	SHOW(connect(s2, (struct sockaddr *)&a, alen));
	return 0;
}
