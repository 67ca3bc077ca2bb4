/* getdents64 on a tmpfs directory while entries are removed and added
 * between calls: no entry comes twice, removed entries not yet read do not
 * come, and seeking back to 0 starts over. */
#include "tmpfsutil.h"
#include <dirent.h>

struct linux_dirent64 {
	unsigned long d_ino;
	long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int seen[200];

static int read_some(int fd, int max, int print)
{
	char buf[512];
	long n = syscall(SYS_getdents64, fd, buf, max);
	int count = 0;

	if (n < 0) {
		printf("getdents: %s\n", errname(errno));
		return -1;
	}
	for (long off = 0; off < n;) {
		struct linux_dirent64 *d = (void *)(buf + off);
		int i;

		if (sscanf(d->d_name, "e%d", &i) == 1 && i >= 0 && i < 200) {
			if (seen[i]++)
				printf("twice: %s\n", d->d_name);
		}
		if (print)
			printf("entry %s type %d\n", d->d_name, d->d_type);
		count++;
		off += d->d_reclen;
	}
	return count;
}

static void body(const char *dir)
{
	char p[160];
	int fd, total = 0, n, missing = 0;

	for (int i = 0; i < 100; i++) {
		snprintf(p, sizeof(p), "%s/e%d", dir, i);
		close(open(p, O_CREAT | O_RDWR, 0600));
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	n = read_some(fd, 200, 0);
	total += n;
	/* Remove everything from e40 on, and some already seen. */
	for (int i = 40; i < 100; i++) {
		snprintf(p, sizeof(p), "%s/e%d", dir, i);
		unlink(p);
	}
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/e%d", dir, i);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/e150", dir);
	close(open(p, O_CREAT | O_RDWR, 0600));
	while ((n = read_some(fd, 200, 0)) > 0)
		total += n;
	for (int i = 3; i < 40; i++)
		if (!seen[i])
			missing++;
	printf("missing live entries: %d\n", missing);
	printf("saw removed-before-read: %d\n", seen[99] + seen[98]);
	printf("saw new: %d\n", seen[150]);
	/* From the start again: exactly the live ones. */
	memset(seen, 0, sizeof(seen));
	SHOW(lseek(fd, 0, SEEK_SET));
	total = 0;
	while ((n = read_some(fd, 200, 0)) > 0)
		total += n;
	printf("after rewind: %d entries\n", total);
	close(fd);
	/* A removed directory reads as nothing. */
	snprintf(p, sizeof(p), "%s/gone", dir);
	mkdir(p, 0700);
	fd = open(p, O_RDONLY | O_DIRECTORY);
	SHOW(rmdir(p));
	SHOW(read_some(fd, 512, 1));
	close(fd);
}

int main(void)
{
	return tf_run("size=1m", body);
}
