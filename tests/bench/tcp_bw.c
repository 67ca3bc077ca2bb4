/* tcp-bw: bulk TCP throughput. The client writes ITERS MiB in 128 KiB
 * writes after an untimed tenth, half-closes, and the clock stops when the
 * server's 8-byte count of what it read comes back (checked).
 *   tcp_bw ITERS               client and a forked sink over 127.0.0.1 in
 *                              the same sandbox
 *   tcp_bw ITERS ADDR:PORT     client only, to a sink elsewhere
 *                              (tests/bench/tcp_veth.sh: across a veth)
 *   tcp_bw 0 -s ADDR:PORT      sink: accepts one connection after another,
 *                              reads to EOF, answers the count, forever
 *   tcp_bw ITERS ADDR:PORT -r  the other direction: the client asks a
 *                              source for ITERS MiB and a tenth, and times
 *                              the ITERS MiB after the tenth
 *   tcp_bw 0 -S ADDR:PORT      source: per connection, reads an 8-byte
 *                              count and writes that many bytes, forever
 * IPv4 only. Prints "tcp-bw MIBPS mib/s" (MiB per second). */
#include "tcp_common.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHUNK (128u << 10)

static char buf[CHUNK];

static int send_all(int fd, const char *p, size_t len)
{
	ssize_t r;

	while (len) {
		r = write(fd, p, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

/* Read to EOF and answer the byte count; 0 or -1. */
static int sink(int fd)
{
	uint64_t got = 0;
	ssize_t r;

	for (;;) {
		r = read(fd, buf, CHUNK);
		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (uint64_t)r;
	}
	return send_all(fd, (char *)&got, sizeof(got));
}

/* Read the count asked for and write that many bytes; 0 or -1. */
static int source(int fd)
{
	uint64_t want = 0, n;
	size_t off;
	ssize_t r;

	for (off = 0; off < sizeof(want); off += (size_t)r) {
		r = read(fd, (char *)&want + off, sizeof(want) - off);
		if (r < 0 && errno == EINTR) {
			r = 0;
			continue;
		}
		if (r <= 0)
			return -1;
	}
	for (; want; want -= n) {
		n = want < CHUNK ? want : CHUNK;
		if (send_all(fd, buf, n) < 0)
			return -1;
	}
	return 0;
}

/* The -r client: ask for (mib + warm) MiB, time the last mib. */
static void receive(struct sockaddr_in *sa, long mib, long warm)
{
	uint64_t want = (uint64_t)(mib + warm) << 20, got = 0, t0 = 0, ns;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ssize_t r;

	if (fd < 0 || connect(fd, (struct sockaddr *)sa, sizeof(*sa)) < 0)
		die("connect");
	if (send_all(fd, (char *)&want, sizeof(want)) < 0)
		die("asking the source");
	while (got < want) {
		if (!t0 && got >= ((uint64_t)warm << 20))
			t0 = now_ns();
		r = read(fd, buf, CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die(r ? "client read" : "client read: early EOF");
		got += (uint64_t)r;
	}
	ns = now_ns() - t0;
	close(fd);
	report((double)mib / ((double)ns / 1e9), "mib/s");
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa;
	uint64_t want, sent, got = 0, t0, ns;
	long mib, warm;
	int lfd, fd, st;
	size_t off;
	ssize_t r;
	pid_t p = 0;

	bench_name = "tcp-bw";
	memset(buf, 0x3c, sizeof(buf));
	if (argc > 3 && (!strcmp(argv[2], "-s") || !strcmp(argv[2], "-S"))) {
		int src = argv[2][1] == 'S';

		parse_addr(argv[3], &sa);
		lfd = listener(&sa, 16);
		for (;;) {
			fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (fd < 0) {
				if (errno == EINTR || errno == ECONNABORTED)
					continue;
				die("accept");
			}
			if (src)
				source(fd);
			else
				sink(fd);
			close(fd);
		}
	}
	mib = iters_arg(argc, argv, 512);
	warm = mib / 10 + 1;
	if (argc > 3 && !strcmp(argv[3], "-r")) {
		parse_addr(argv[2], &sa);
		receive(&sa, mib, warm);
		return 0;
	}
	want = (uint64_t)(mib + warm) << 20;
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
			_exit(sink(fd) ? 1 : 0);
		}
		close(lfd);
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("connect");
	for (sent = 0; sent < ((uint64_t)warm << 20); sent += CHUNK)
		if (send_all(fd, buf, CHUNK) < 0)
			die("client write");
	t0 = now_ns();
	for (; sent < want; sent += CHUNK)
		if (send_all(fd, buf, CHUNK) < 0)
			die("client write");
	if (shutdown(fd, SHUT_WR) < 0)
		die("shutdown");
	for (off = 0; off < sizeof(got); off += (size_t)r) {
		r = read(fd, (char *)&got + off, sizeof(got) - off);
		if (r < 0 && errno == EINTR) {
			r = 0;
			continue;
		}
		if (r <= 0)
			die("reading the sink's count");
	}
	ns = now_ns() - t0;
	if (got != want) {
		errno = EIO;
		fprintf(stderr, "tcp-bw: the sink read %llu of %llu bytes\n",
			(unsigned long long)got, (unsigned long long)want);
		exit(1);
	}
	close(fd);
	if (p > 0 && (waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st)))
		die("sink failed");
	report((double)((uint64_t)mib << 20) / (1 << 20) / ((double)ns / 1e9), "mib/s");
	return 0;
}
