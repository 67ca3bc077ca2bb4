/* Helpers for the inotify tests: event masks in words, and draining the
 * queue with cookies shown as small numbers in order of appearance. */
#ifndef INOTIFY_INUTIL_H
#define INOTIFY_INUTIL_H
#include "../common.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

static const char *mask_str(uint32_t m)
{
	static char buf[256];
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ IN_ACCESS, "ACCESS" }, { IN_MODIFY, "MODIFY" }, { IN_ATTRIB, "ATTRIB" },
		{ IN_CLOSE_WRITE, "CLOSE_WRITE" }, { IN_CLOSE_NOWRITE, "CLOSE_NOWRITE" },
		{ IN_OPEN, "OPEN" }, { IN_MOVED_FROM, "MOVED_FROM" }, { IN_MOVED_TO, "MOVED_TO" },
		{ IN_CREATE, "CREATE" }, { IN_DELETE, "DELETE" }, { IN_DELETE_SELF, "DELETE_SELF" },
		{ IN_MOVE_SELF, "MOVE_SELF" }, { IN_UNMOUNT, "UNMOUNT" },
		{ IN_Q_OVERFLOW, "Q_OVERFLOW" }, { IN_IGNORED, "IGNORED" }, { IN_ISDIR, "ISDIR" },
	};

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (m & names[i].bit) {
			strcat(buf, buf[0] ? "|" : "");
			strcat(buf, names[i].name);
			m &= ~names[i].bit;
		}
	if (m)
		sprintf(buf + strlen(buf), "|%#x", m);
	return buf;
}

static uint32_t cookies_[64];
static int ncookies_;

static int cookie_no(uint32_t c)
{
	if (!c)
		return 0;
	for (int i = 0; i < ncookies_; i++)
		if (cookies_[i] == c)
			return i + 1;
	if (ncookies_ < 64)
		cookies_[ncookies_++] = c;
	return ncookies_;
}

/* Print every queued event (nonblocking fd); returns how many. */
static int drain(int fd, const char *label)
{
	char buf[65536] __attribute__((aligned(8)));
	int n = 0;

	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r < 0) {
			if (errno != EAGAIN)
				printf("%s: read %s\n", label, errname(errno));
			break;
		}
		for (char *p = buf; p < buf + r;) {
			struct inotify_event *e = (struct inotify_event *)p;

			printf("%s: wd=%d %s cookie=%d len=%u name=[%s]\n", label, e->wd,
			       mask_str(e->mask), cookie_no(e->cookie), e->len, e->len ? e->name : "");
			p += sizeof(*e) + e->len;
			n++;
		}
	}
	return n;
}
#endif
