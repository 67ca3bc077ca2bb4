/* The guest side of tests/e2e/hostsock.sh: talks to host unix sockets on
 * a bind mount (DIR) and checks what must stay out of reach. One line per
 * check, "name: result", compared by the script.
 *   hostsock_client DIR ROOTSOCK */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int conn(int type, const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, type, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = errno;

		close(s);
		errno = e;
		return -1;
	}
	return s;
}

static void echo(const char *name, int type, const char *path)
{
	char buf[256];
	struct pollfd p;
	int s = conn(type, path);
	ssize_t n;

	if (s < 0) {
		printf("%s: connect %s\n", name, strerror(errno));
		return;
	}
	if (send(s, "ping from the guest", 19, 0) != 19) {
		printf("%s: send %s\n", name, strerror(errno));
		close(s);
		return;
	}
	p = (struct pollfd){ .fd = s, .events = POLLIN };
	if (poll(&p, 1, 5000) != 1 || !(p.revents & POLLIN)) {
		printf("%s: not readable\n", name);
		close(s);
		return;
	}
	n = recv(s, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = 0;
	printf("%s: %s\n", name, n > 0 ? buf : strerror(errno));
	close(s);
}

int main(int argc, char **argv)
{
	char path[200], buf[64];
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s, l, c, fds[2];

	if (argc < 3)
		return 2;
	setvbuf(stdout, NULL, _IONBF, 0);
	snprintf(path, sizeof(path), "%s/stream.sock", argv[1]);
	echo("stream", SOCK_STREAM, path);
	snprintf(path, sizeof(path), "%s/seq.sock", argv[1]);
	echo("seqpacket", SOCK_SEQPACKET, path);

	/* Large stream transfer both ways: 1 MiB through the echo server. */
	snprintf(path, sizeof(path), "%s/stream.sock", argv[1]);
	s = conn(SOCK_STREAM, path);
	if (s >= 0) {
		static char big[1 << 20], back[1 << 20];
		size_t got = 0;
		pid_t pid;

		for (size_t i = 0; i < sizeof(big); i++)
			big[i] = (char)(i * 7 + 3);
		pid = fork();
		if (pid == 0) {
			_exit(send(s, big, sizeof(big), 0) == (ssize_t)sizeof(big) ? 0 : 1);
		}
		while (got < sizeof(back)) {
			ssize_t n = recv(s, back + got, sizeof(back) - got, 0);

			if (n <= 0)
				break;
			got += (size_t)n;
		}
		printf("stream-1MiB: %s\n", got == sizeof(big) && !memcmp(big, back, got) ? "intact" : "corrupt");
		close(s);
	}

	/* Datagrams: connected, and unconnected sendto. */
	snprintf(path, sizeof(path), "%s/dgram.sock", argv[1]);
	s = conn(SOCK_DGRAM, path);
	printf("dgram-connect: %s\n", s >= 0 ? "ok" : strerror(errno));
	if (s >= 0) {
		printf("dgram-send: %zd\n", send(s, "dgram one", 9, 0));
		close(s);
	}
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	printf("dgram-sendto: %zd\n", sendto(s, "dgram two", 9, 0, (struct sockaddr *)&a, sizeof(a)));
	close(s);

	/* Guest fds do not cross to the host (gVisor refuses the same). */
	snprintf(path, sizeof(path), "%s/stream.sock", argv[1]);
	s = conn(SOCK_STREAM, path);
	if (s >= 0 && pipe(fds) == 0) {
		char cb[CMSG_SPACE(sizeof(int))] = { 0 };
		struct iovec iov = { "x", 1 };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb,
				    .msg_controllen = sizeof(cb) };
		struct cmsghdr *h = CMSG_FIRSTHDR(&m);

		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(h), &fds[0], sizeof(int));
		printf("scm-rights-to-host: %s\n", sendmsg(s, &m, 0) < 0 ? strerror(errno) : "sent");
		close(s);
	}

	/* Wrong type: the host says so. */
	snprintf(path, sizeof(path), "%s/stream.sock", argv[1]);
	printf("wrong-type: %s\n", conn(SOCK_SEQPACKET, path) < 0 ? strerror(errno) : "connected");
	snprintf(path, sizeof(path), "%s/nothing.sock", argv[1]);
	printf("missing: %s\n", conn(SOCK_STREAM, path) < 0 ? strerror(errno) : "connected");
	/* A host socket in the root filesystem (not a bind mount). */
	printf("root-socket: %s\n", conn(SOCK_STREAM, argv[2]) < 0 ? strerror(errno) : "connected");

	/* bind() on the bind mount makes a sandbox socket. */
	snprintf(path, sizeof(path), "%s/guest.sock", argv[1]);
	unlink(path);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0) {
		printf("guest-bind: %s\n", strerror(errno));
	} else {
		c = conn(SOCK_STREAM, path);
		s = c >= 0 ? accept(l, NULL, NULL) : -1;
		if (s >= 0 && write(c, "inside", 6) == 6 && read(s, buf, 6) == 6)
			printf("guest-bind: %.6s\n", buf);
		else
			printf("guest-bind: %s\n", strerror(errno));
	}
	return 0;
}
