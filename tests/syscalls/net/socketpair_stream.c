/* socketpair(AF_UNIX, SOCK_STREAM): data both ways through read/write,
 * readv/writev, send/recv; stream merging; FIONREAD/SIOCOUTQ; socket
 * options; fstat; creation errors. */
#include "net.h"
#include <fcntl.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>

int main(void)
{
	int sv[2], v, n;
	socklen_t len;
	char buf[64];
	struct stat st;
	struct iovec iov[2];

	SHOW(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	SHOW(write(sv[0], "hello", 5));
	SHOW(write(sv[0], "world", 5));
	SHOW(ioctl(sv[1], FIONREAD, &n));
	printf("inq %d\n", n);
	SHOW(ioctl(sv[0], SIOCOUTQ, &n) == 0 && n > 0);
	memset(buf, 0, sizeof(buf));
	SHOW(read(sv[1], buf, sizeof(buf)));
	printf("got '%s'\n", buf);
	SHOW(ioctl(sv[0], SIOCOUTQ, &n));
	printf("outq %d\n", n);
	SHOW(send(sv[1], "back", 4, 0));
	memset(buf, 0, sizeof(buf));
	SHOW(recv(sv[0], buf, 2, 0));
	SHOW(recv(sv[0], buf + 2, 10, 0));
	printf("got '%s'\n", buf);
	iov[0].iov_base = "ab";
	iov[0].iov_len = 2;
	iov[1].iov_base = "cde";
	iov[1].iov_len = 3;
	SHOW(writev(sv[0], iov, 2));
	memset(buf, 0, sizeof(buf));
	iov[0].iov_base = buf;
	iov[0].iov_len = 1;
	iov[1].iov_base = buf + 10;
	iov[1].iov_len = 10;
	SHOW(readv(sv[1], iov, 2));
	printf("got '%c' '%s'\n", buf[0], buf + 10);

	SHOW(fstat(sv[0], &st));
	EXPECT(S_ISSOCK(st.st_mode));
	len = sizeof(v);
	SHOW(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len));
	printf("type %d len %d\n", v, len);
	SHOW(getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &len));
	printf("domain %d\n", v);
	SHOW(getsockopt(sv[0], SOL_SOCKET, SO_PROTOCOL, &v, &len));
	printf("protocol %d\n", v);
	SHOW(getsockopt(sv[0], SOL_SOCKET, SO_ACCEPTCONN, &v, &len));
	printf("acceptconn %d\n", v);
	SHOW(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &v, &len));
	printf("error %d\n", v);
	v = 65536;
	SHOW(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
	SHOW(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &len));
	printf("sndbuf %d\n", v);
	v = 32768;
	SHOW(setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
	SHOW(getsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, &len));
	printf("rcvbuf %d\n", v);
	SHOW(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, 2));
	SHOW(getsockopt(sv[0], SOL_SOCKET, 9999, &v, &len));
	SHOW(setsockopt(sv[0], SOL_SOCKET, 9999, &v, sizeof(v)));
	v = 1;
	SHOW(setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)));
	len = 2;
	v = 0;
	SHOW(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len));
	printf("short: type %d len %d\n", v, len);
	SHOW(getsockopt(99, SOL_SOCKET, SO_TYPE, &v, &len));
	SHOW(getsockopt(0, SOL_SOCKET, SO_TYPE, &v, &len));

	SHOW(socket(12345, SOCK_STREAM, 0));
	SHOW(socket(AF_UNIX, 99, 0));
	SHOW(socket(AF_UNIX, SOCK_STREAM | 0x100, 0));
	SHOW(socket(AF_UNIX, SOCK_STREAM, 7));
	SHOW(socket(AF_UNIX, SOCK_RDM, 0));
	n = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	EXPECT(n >= 0);
	SHOW(fcntl(n, F_GETFD));
	SHOW(fcntl(n, F_GETFL) & O_NONBLOCK);
	SHOW(read(n, buf, 1));
	SHOW(write(n, buf, 1));
	SHOW(send(n, buf, 1, MSG_NOSIGNAL));
	int *volatile badp = (int *)8;
	SHOW(socketpair(AF_UNIX, SOCK_STREAM, 0, badp));
	SHOW(close(sv[0]));
	SHOW(read(sv[1], buf, sizeof(buf)));
	return 0;
}
