/* Hard links, directory link counts and sizes (BOGO_DIRENT_SIZE), and an
 * O_TMPFILE file given a name with linkat. */
#include "tmpfsutil.h"

static void st(const char *label, const char *p)
{
	struct stat s;

	if (lstat(p, &s) < 0)
		printf("%s: %s\n", label, errname(errno));
	else
		printf("%s: nlink=%ld size=%ld blocks=%ld\n", label, (long)s.st_nlink,
		       (long)s.st_size, (long)s.st_blocks);
}

static void body(const char *dir)
{
	char a[128], b[128], d[128], dd[160], t[128], proc[64];
	int fd;

	tf_path(a, sizeof(a), "a");
	tf_path(b, sizeof(b), "b");
	tf_path(d, sizeof(d), "d");
	tf_path(t, sizeof(t), "tmpname");
	snprintf(dd, sizeof(dd), "%s/sub", d);
	st("root", dir);
	fd = open(a, O_CREAT | O_RDWR, 0644);
	SHOW(write(fd, "data", 4));
	SHOW(link(a, b));
	st("a", a);
	SHOW(unlink(a));
	st("b", b);
	SHOW(fstat(fd, &(struct stat){ 0 }));
	close(fd);
	SHOW(link(b, b));
	SHOW(mkdir(d, 0755));
	SHOW(link(d, a));
	SHOW(mkdir(dd, 0755));
	st("d", d);
	st("root", dir);
	SHOW(rmdir(d));
	SHOW(rmdir(dd));
	st("d", d);
	/* O_TMPFILE: no name, nlink 0, then linked in. */
	fd = open(dir, O_TMPFILE | O_RDWR, 0600);
	SHOW(fd >= 0);
	SHOW(write(fd, "tmp", 3));
	{
		struct stat s;

		fstat(fd, &s);
		printf("tmpfile nlink=%ld size=%ld\n", (long)s.st_nlink, (long)s.st_size);
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	SHOW(linkat(AT_FDCWD, proc, AT_FDCWD, t, AT_SYMLINK_FOLLOW));
	st("tmpname", t);
	close(fd);
	fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL, 0600);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	SHOW(linkat(AT_FDCWD, proc, AT_FDCWD, a, AT_SYMLINK_FOLLOW));
	close(fd);
	SHOW(open(t, O_TMPFILE | O_RDWR, 0600));
	st("root", dir);
}

int main(void)
{
	return tf_run("size=1m", body);
}
