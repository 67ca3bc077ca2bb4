/* Helpers for the AF_UNIX tests: errno names for socket errors (the
 * shared errname() knows only the file ones) and abstract addresses. */
#ifndef TESTS_SYSCALLS_NET_H
#define TESTS_SYSCALLS_NET_H
#include "../common.h"
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

static inline void nshow_(const char *what, long r, int err, int print_value)
{
	if (r == -1)
		printf("%s = -1 %s\n", what, strerrorname_np(err));
	else if (print_value)
		printf("%s = %ld\n", what, r);
	else
		printf("%s = ok\n", what);
}
#undef SHOW
#undef SHOWOK
#define SHOW(e) do { errno = 0; long r_ = (long)(e); nshow_(#e, r_, errno, 1); } while (0)
#define SHOWOK(e) do { errno = 0; long r_ = (long)(e); nshow_(#e, r_, errno, 0); } while (0)

/* An abstract name unique to this run (pid), so native and sandboxed runs
 * in parallel do not collide. */
static inline socklen_t abstract_addr(struct sockaddr_un *a, const char *tag)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	int n = snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "runsc-test-%s-%d", tag,
			 (int)getpid());
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static inline void show_poll(const char *label, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT | POLLRDHUP | POLLPRI };
	int r = poll(&p, 1, 0);

	printf("%s: poll=%d%s%s%s%s%s%s\n", label, r, p.revents & POLLIN ? " IN" : "",
	       p.revents & POLLOUT ? " OUT" : "", p.revents & POLLRDHUP ? " RDHUP" : "",
	       p.revents & POLLHUP ? " HUP" : "", p.revents & POLLERR ? " ERR" : "",
	       p.revents & POLLPRI ? " PRI" : "");
}
#endif
