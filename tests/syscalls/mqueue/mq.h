/* Helpers of the mqueue tests: a queue name unique to this run (native
 * runs share the host's queues), and error printing. */
#ifndef TESTS_MQ_H
#define TESTS_MQ_H
#include "../common.h"
#include <fcntl.h>
#include <mqueue.h>
#include <sys/stat.h>

static inline const char *qname(const char *tag)
{
	static char buf[4][64];
	static int n;
	char *b = buf[n++ & 3];

	snprintf(b, 64, "/runsc-mqtest-%s-%d", tag, (int)getpid());
	return b;
}

#undef SHOW
#define SHOW(what, expr)                                                        \
	do {                                                                    \
		long r_ = (long)(expr);                                         \
		if (r_ < 0)                                                     \
			printf("%s: -1 %s\n", what, errname(errno));            \
		else                                                            \
			printf("%s: ok\n", what);                               \
	} while (0)

static inline void show_attr(const char *what, mqd_t q)
{
	struct mq_attr a;

	if (mq_getattr(q, &a) < 0) {
		printf("%s: getattr %s\n", what, errname(errno));
		return;
	}
	printf("%s: flags %s maxmsg %ld msgsize %ld curmsgs %ld\n", what,
	       (a.mq_flags & O_NONBLOCK) ? "O_NONBLOCK" : "0", a.mq_maxmsg, a.mq_msgsize,
	       a.mq_curmsgs);
}
#endif
