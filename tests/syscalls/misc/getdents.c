/* getdents64 over a host directory: all entries (with . and ..) and their
 * types, with a buffer small enough to need several calls; too small a
 * buffer is EINVAL, a non-directory ENOTDIR, a bad fd EBADF; rewinding
 * with lseek lists the same again. */
#include "../common.h"
#include <dirent.h>
#include <fcntl.h>

struct ent {
	char name[256];
	int type;
};

static int cmp(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->name, ((const struct ent *)b)->name);
}

static int list(int fd, size_t bufsz, struct ent *out)
{
	char buf[4096];
	int n = 0;
	long r;

	while ((r = syscall(SYS_getdents64, fd, buf, bufsz)) > 0) {
		for (long off = 0; off < r;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);

			snprintf(out[n].name, sizeof(out[n].name), "%s", d->d_name);
			out[n++].type = d->d_type;
			off += d->d_reclen;
		}
	}
	if (r < 0)
		printf("getdents64 error %s\n", errname(errno));
	qsort(out, n, sizeof(*out), cmp);
	return n;
}

int main(void)
{
	int fd = open(data_path("dir"), O_RDONLY | O_DIRECTORY);
	struct ent e[32];
	int n;
	char buf[64];

	n = list(fd, 64, e);
	for (int i = 0; i < n; i++)
		printf("%s type %d\n", e[i].name, e[i].type);
	SHOW(syscall(SYS_getdents64, fd, buf, sizeof(buf)));
	SHOW(lseek(fd, 0, SEEK_SET));
	printf("again: %d entries\n", list(fd, sizeof(buf) * 64 > 4096 ? 4096 : 4096, e));
	lseek(fd, 0, SEEK_SET);
	SHOW(syscall(SYS_getdents64, fd, buf, 8));
	int f = open(data_path("small.txt"), O_RDONLY);
	SHOW(syscall(SYS_getdents64, f, buf, sizeof(buf)));
	SHOW(syscall(SYS_getdents64, 999, buf, sizeof(buf)));
	SHOW(syscall(SYS_getdents64, fd, (void *)8, 4096));
	/* opendir/readdir (glibc) agree. */
	DIR *dir = opendir(data_path("dir"));
	int count = 0;
	while (readdir(dir))
		count++;
	printf("readdir count %d\n", count);
	return 0;
}
