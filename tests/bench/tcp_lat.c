/* tcp-lat: 1-byte TCP round trips (TCP_NODELAY), one per operation.
 *   tcp_lat ITERS               client and a forked echo server over
 *                               127.0.0.1 in the same sandbox
 *   tcp_lat ITERS ADDR:PORT     client only, to an echo server elsewhere
 *                               (tests/bench/tcp_veth.sh: across a veth)
 *   tcp_lat 0 -s ADDR:PORT      echo server: accepts one connection after
 *                               another, echoes until EOF, forever
 * IPv4 only. Prints "tcp-lat NS ns/op". */
#include "tcp_common.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int cfd;
static char byte = 'x';

static void nodelay(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
		die("TCP_NODELAY");
}

/* Echo one byte at a time until EOF; 0 at EOF, -1 on an error. */
static int echo(int fd)
{
	char c;
	ssize_t r;

	for (;;) {
		r = read(fd, &c, 1);
		if (r == 0)
			return 0;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (write(fd, &c, 1) != 1)
			return -1;
	}
}

static void op(void)
{
	ssize_t r;

	if (write(cfd, &byte, 1) != 1)
		die("client write");
	do
		r = read(cfd, &byte, 1);
	while (r < 0 && errno == EINTR);
	if (r != 1)
		die(r == 0 ? "client read: EOF" : "client read");
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa;
	uint64_t ns;
	long n;
	int lfd, fd, st;
	pid_t p = 0;

	bench_name = "tcp-lat";
	if (argc > 3 && !strcmp(argv[2], "-s")) {
		parse_addr(argv[3], &sa);
		lfd = listener(&sa, 16);
		for (;;) {
			fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (fd < 0) {
				if (errno == EINTR || errno == ECONNABORTED)
					continue;
				die("accept");
			}
			nodelay(fd);
			echo(fd);
			close(fd);
		}
	}
	n = iters_arg(argc, argv, 20000);
	if (argc > 2) {
		parse_addr(argv[2], &sa);
	} else {
		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		lfd = listener(&sa, 1);
		p = fork();
		if (p < 0)
			die("fork");
		if (p == 0) {
			fd = accept(lfd, NULL, NULL);
			if (fd < 0)
				die("accept");
			nodelay(fd);
			_exit(echo(fd) ? 1 : 0);
		}
		close(lfd);
	}
	cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cfd < 0 || connect(cfd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("connect");
	nodelay(cfd);
	ns = timed(op, n);
	close(cfd);
	if (p > 0 && (waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st)))
		die("echo server failed");
	report((double)ns / n, "ns/op");
	return 0;
}
