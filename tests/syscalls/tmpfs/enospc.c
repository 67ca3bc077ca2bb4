/* size= and nr_inodes= budgets: writes stop short then fail ENOSPC, the
 * free counts of statfs follow, and unlinking gives the space back. */
#include "tmpfsutil.h"

static char page[4096];

static void body(const char *dir)
{
	char p[128];
	struct statfs sf;
	int fd, i;
	long total = 0, r;

	tf_path(p, sizeof(p), "big");
	fd = open(p, O_RDWR | O_CREAT, 0644);
	SHOW(statfs(dir, &sf));
	printf("blocks=%ld bfree=%ld bavail=%ld files=%ld ffree=%ld\n", (long)sf.f_blocks,
	       (long)sf.f_bfree, (long)sf.f_bavail, (long)sf.f_files, (long)sf.f_ffree);
	memset(page, 'x', sizeof(page));
	while ((r = write(fd, page, 1000)) > 0)
		total += r;
	printf("wrote %ld then %s\n", total, r < 0 ? errname(errno) : "0");
	SHOW(statfs(dir, &sf));
	printf("bfree=%ld\n", (long)sf.f_bfree);
	SHOW(write(fd, page, 10));
	/* Overwriting allocated pages needs no space. */
	SHOW(pwrite(fd, page, 100, 0));
	SHOW(ftruncate(fd, 8192));
	SHOW(statfs(dir, &sf));
	printf("bfree=%ld\n", (long)sf.f_bfree);
	SHOW(fallocate(fd, 0, 0, 1 << 20));
	SHOW(close(fd));
	SHOW(unlink(p));
	SHOW(statfs(dir, &sf));
	printf("bfree=%ld ffree=%ld\n", (long)sf.f_bfree, (long)sf.f_ffree);
	/* Inodes: the root takes one. */
	for (i = 0; i < 10; i++) {
		snprintf(p, sizeof(p), "%s/f%d", dir, i);
		fd = open(p, O_CREAT | O_RDWR, 0600);
		if (fd < 0) {
			printf("file %d: %s\n", i, errname(errno));
			break;
		}
		close(fd);
	}
	SHOW(mkdir(p, 0755));
	tf_path(p, sizeof(p), "f0");
	{
		char q[128];

		tf_path(q, sizeof(q), "link");
		SHOW(link(p, q));
		SHOW(unlink(p));
		SHOW(link(q, p));
	}
	SHOW(statfs(dir, &sf));
	printf("ffree=%ld\n", (long)sf.f_ffree);
}

int main(void)
{
	return tf_run("size=64k,nr_inodes=5", body);
}
