/* SO_PEEK_OFF: successive peeks walk forward through a stream and through
 * queued datagrams; reads pull the offset back; -1 turns it off. */
#include "net.h"

static void peek(int fd, size_t n, const char *label)
{
	char buf[32] = { 0 };
	int off;
	socklen_t len = sizeof(off);
	long r = recv(fd, buf, n, MSG_PEEK | MSG_DONTWAIT);

	getsockopt(fd, SOL_SOCKET, SO_PEEK_OFF, &off, &len);
	if (r < 0)
		printf("%s: peek -1 %s off %d\n", label, strerrorname_np(errno), off);
	else
		printf("%s: peek %ld '%s' off %d\n", label, r, buf, off);
}

static void readn(int fd, size_t n, const char *label)
{
	char buf[32] = { 0 };
	int off;
	socklen_t len = sizeof(off);
	long r = recv(fd, buf, n, MSG_DONTWAIT);

	getsockopt(fd, SOL_SOCKET, SO_PEEK_OFF, &off, &len);
	printf("%s: read %ld '%s' off %d\n", label, r, r >= 0 ? buf : "", off);
}

int main(void)
{
	int sv[2], dv[2], v = 0;

	SHOW(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	peek(sv[1], 4, "stream default");
	SHOW(setsockopt(sv[1], SOL_SOCKET, SO_PEEK_OFF, &v, sizeof(v)));
	SHOW(write(sv[0], "abcdef", 6));
	SHOW(write(sv[0], "ghij", 4));
	peek(sv[1], 4, "s1");
	peek(sv[1], 4, "s2");
	peek(sv[1], 4, "s3");
	peek(sv[1], 4, "s4");
	readn(sv[1], 3, "s5");
	peek(sv[1], 4, "s6");
	readn(sv[1], 10, "s7");
	v = -1;
	SHOW(setsockopt(sv[1], SOL_SOCKET, SO_PEEK_OFF, &v, sizeof(v)));
	SHOW(write(sv[0], "xyz", 3));
	peek(sv[1], 2, "s8");
	peek(sv[1], 2, "s9");

	SHOW(socketpair(AF_UNIX, SOCK_DGRAM, 0, dv));
	v = 0;
	SHOW(setsockopt(dv[1], SOL_SOCKET, SO_PEEK_OFF, &v, sizeof(v)));
	SHOW(send(dv[0], "one", 3, 0));
	SHOW(send(dv[0], "twotwo", 6, 0));
	SHOW(send(dv[0], "", 0, 0));
	SHOW(send(dv[0], "three", 5, 0));
	peek(dv[1], 2, "d1");
	peek(dv[1], 10, "d2");
	peek(dv[1], 10, "d3");
	peek(dv[1], 10, "d4");
	peek(dv[1], 10, "d5");
	peek(dv[1], 10, "d6");
	peek(dv[1], 10, "d7");
	readn(dv[1], 10, "d8");
	peek(dv[1], 10, "d9");
	readn(dv[1], 10, "d10");
	readn(dv[1], 10, "d11");
	peek(dv[1], 10, "d12");
	return 0;
}
