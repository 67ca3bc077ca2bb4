/* The queue holds max_queued_events events; past that one IN_Q_OVERFLOW
 * (wd -1) is queued and later events are lost. Identical consecutive
 * events are merged. */
#include "inutil.h"

static char tmpl[] = "/tmp/inqXXXXXX";

int main(void)
{
	char p[128], *s;
	int in, fd, max = 16384;
	long total = 0, overflow = 0, other = 0, bytes = 0;
	int avail;
	char buf[4096] __attribute__((aligned(8)));
	int last_was_overflow = 0;

	if (!mkdtemp(tmpl))
		return 1;
	s = NULL;
	{
		FILE *f = fopen("/proc/sys/fs/inotify/max_queued_events", "r");

		if (f) {
			if (fscanf(f, "%d", &max) != 1)
				max = 16384;
			fclose(f);
		}
	}
	free(s);
	snprintf(p, sizeof(p), "%s/f", tmpl);
	fd = open(p, O_CREAT | O_RDWR, 0644);
	in = inotify_init1(IN_NONBLOCK);
	inotify_add_watch(in, p, IN_MODIFY | IN_ACCESS);
	/* Identical events in a row merge into one. */
	for (int i = 0; i < 10; i++)
		pwrite(fd, "x", 1, 0);
	ioctl(in, FIONREAD, &avail);
	printf("after 10 identical writes: FIONREAD=%d\n", avail);
	/* Alternate to defeat merging, well past the limit. */
	for (int i = 0; i < max + 100; i++) {
		char c;

		if (i & 1)
			pwrite(fd, "x", 1, 0);
		else
			pread(fd, &c, 1, 0);
	}
	ioctl(in, FIONREAD, &avail);
	printf("FIONREAD=%d (max+1 events of 16 bytes: %d)\n", avail, (max + 1) * 16);
	for (;;) {
		ssize_t r = read(in, buf, sizeof(buf));

		if (r <= 0)
			break;
		for (char *q = buf; q < buf + r;) {
			struct inotify_event *e = (struct inotify_event *)q;

			total++;
			bytes += (long)sizeof(*e) + e->len;
			if (e->mask & IN_Q_OVERFLOW) {
				overflow++;
				printf("overflow event: wd=%d mask=%s len=%u\n", e->wd, mask_str(e->mask),
				       e->len);
			} else {
				other++;
			}
			last_was_overflow = !!(e->mask & IN_Q_OVERFLOW);
			q += sizeof(*e) + e->len;
		}
	}
	printf("total=%ld (max+1: %s) overflow=%ld last=%s bytes=%ld\n", total,
	       total == max + 1 ? "yes" : "no", overflow, last_was_overflow ? "overflow" : "other",
	       bytes);
	/* Room again: new events queue normally. */
	pwrite(fd, "x", 1, 0);
	drain(in, "after");
	close(fd);
	unlink(p);
	rmdir(tmpl);
	close(in);
	return 0;
}
