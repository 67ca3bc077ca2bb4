/* Helpers for the terminal tests: open a pty pair without making it
 * anyone's controlling terminal, print terminal bytes visibly, read
 * what the master has without waiting on timing. */
#ifndef TESTS_TTY_H
#define TESTS_TTY_H
#include "../common.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>

/* Master and slave, both O_NOCTTY; the slave unlocked. */
static inline int pty_pair(int *m, int *s)
{
	*m = posix_openpt(O_RDWR | O_NOCTTY);
	if (*m < 0 || grantpt(*m) < 0 || unlockpt(*m) < 0)
		return -1;
	*s = open(ptsname(*m), O_RDWR | O_NOCTTY);
	return *s < 0 ? -1 : 0;
}

/* Bytes as C escapes: "ab\r\n^C" style is for humans, this is exact. */
static inline void show_bytes(const char *label, const char *b, long n)
{
	printf("%s [", label);
	for (long i = 0; i < n; i++) {
		unsigned char c = (unsigned char)b[i];

		if (c == '\n')
			printf("\\n");
		else if (c == '\r')
			printf("\\r");
		else if (c == '\t')
			printf("\\t");
		else if (c == '\b')
			printf("\\b");
		else if (c == '\\')
			printf("\\\\");
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	printf("] (%ld)\n", n);
}

/* Everything readable on fd within a short wait: the pty hands data
 * over asynchronously on Linux, so wait for readiness first, then read
 * until nothing more arrives. */
static inline long drain(int fd, char *buf, long cap)
{
	long n = 0;

	while (n < cap) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long r;

		if (poll(&p, 1, n ? 100 : 2000) <= 0 || !(p.revents & POLLIN))
			break;
		r = read(fd, buf + n, (size_t)(cap - n));
		if (r <= 0)
			break;
		n += r;
	}
	return n;
}

static inline void show_master(int m, const char *label)
{
	char buf[4096];
	long n = drain(m, buf, sizeof(buf));

	show_bytes(label, buf, n);
}

/* Read one canonical line (or whatever one read returns) from the slave. */
static inline void show_read(int s, const char *label, size_t cap)
{
	char buf[4096];
	long n;

	errno = 0;
	n = read(s, buf, cap < sizeof(buf) ? cap : sizeof(buf));
	if (n < 0)
		printf("%s = -1 %s\n", label, errname(errno));
	else
		show_bytes(label, buf, n);
}

/* Wait until the slave has input to read (Linux moves master writes to
 * the slave's line discipline in a worker). */
static inline void wait_input(int s)
{
	struct pollfd p = { .fd = s, .events = POLLIN };

	poll(&p, 1, 2000);
}
#endif
