/* The guest side of tests/e2e/hostnet.sh (`runsc --network=host do`).
 *   hostnet_guest client ADDR PORT   connect, send, print the echo
 *   hostnet_guest server ADDR PORT   accept one client, echo what it sends
 *   hostnet_guest udp ADDR PORT      one datagram there and its echo
 * One line per result; errors as strerror text. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static socklen_t mkaddr(const char *host, int port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		return sizeof(*in);
	}
	inet_pton(AF_INET6, host, &in6->sin6_addr);
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(port);
	return sizeof(*in6);
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char buf[4096];
	int s, c, one = 1;
	ssize_t n;

	if (argc < 4)
		return 2;
	setvbuf(stdout, NULL, _IONBF, 0);
	len = mkaddr(argv[2], atoi(argv[3]), &ss);
	if (!strcmp(argv[1], "client")) {
		s = socket(ss.ss_family, SOCK_STREAM, 0);
		if (s < 0 || connect(s, (struct sockaddr *)&ss, len) < 0) {
			printf("connect: %s\n", strerror(errno));
			return 1;
		}
		setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (send(s, "hello from the guest", 20, 0) != 20) {
			printf("send: %s\n", strerror(errno));
			return 1;
		}
		n = recv(s, buf, sizeof(buf) - 1, MSG_WAITALL);
		buf[n > 0 ? n : 0] = 0;
		printf("echo: %s\n", n > 0 ? buf : strerror(errno));
		/* Options outside the allowlist stay out. */
		printf("SO_BINDTODEVICE: %s\n",
		       setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3) < 0 ? strerror(errno) : "set");
		close(s);
		return 0;
	}
	if (!strcmp(argv[1], "server")) {
		s = socket(ss.ss_family, SOCK_STREAM, 0);
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(s, (struct sockaddr *)&ss, len) < 0 || listen(s, 4) < 0) {
			printf("listen: %s\n", strerror(errno));
			return 1;
		}
		printf("listening\n");
		c = accept(s, NULL, NULL);
		if (c < 0) {
			printf("accept: %s\n", strerror(errno));
			return 1;
		}
		while ((n = read(c, buf, sizeof(buf))) > 0)
			if (write(c, buf, n) != n)
				break;
		printf("served\n");
		return 0;
	}
	if (!strcmp(argv[1], "udp")) {
		struct pollfd p;

		s = socket(ss.ss_family, SOCK_DGRAM, 0);
		if (sendto(s, "datagram", 8, 0, (struct sockaddr *)&ss, len) != 8) {
			printf("sendto: %s\n", strerror(errno));
			return 1;
		}
		p = (struct pollfd){ .fd = s, .events = POLLIN };
		if (poll(&p, 1, 5000) != 1) {
			printf("udp: no reply\n");
			return 1;
		}
		n = recv(s, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = 0;
		printf("udp echo: %s\n", buf);
		return 0;
	}
	return 2;
}
