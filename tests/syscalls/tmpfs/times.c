/* Timestamps on tmpfs: what write, truncate, link, unlink, rename, chmod
 * and reads change (mtime/ctime of the file and of its directory). */
#include "tmpfsutil.h"
#include <dirent.h>

static struct stat before_f, before_d;
static char fpath[128];
static const char *dpath;

static void snap(void)
{
	stat(fpath, &before_f);
	stat(dpath, &before_d);
	sleep_ms(20);
}

static int newer(struct timespec a, struct timespec b)
{
	return a.tv_sec > b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec > b.tv_nsec);
}

static void diff(const char *what)
{
	struct stat f, d;

	stat(fpath, &f);
	stat(dpath, &d);
	printf("%-10s file atime %s mtime %s ctime %s | dir mtime %s ctime %s\n", what,
	       newer(f.st_atim, before_f.st_atim) ? "+" : "=",
	       newer(f.st_mtim, before_f.st_mtim) ? "+" : "=",
	       newer(f.st_ctim, before_f.st_ctim) ? "+" : "=",
	       newer(d.st_mtim, before_d.st_mtim) ? "+" : "=",
	       newer(d.st_ctim, before_d.st_ctim) ? "+" : "=");
}

static void body(const char *dir)
{
	char other[128], buf[8];
	int fd;

	dpath = dir;
	tf_path(fpath, sizeof(fpath), "f");
	tf_path(other, sizeof(other), "g");
	fd = open(fpath, O_CREAT | O_RDWR, 0644);
	snap();
	write(fd, "x", 1);
	diff("write");
	snap();
	pread(fd, buf, 1, 0);
	diff("read");
	snap();
	pread(fd, buf, 1, 0);
	diff("read2");
	{
		DIR *dd;

		snap();
		dd = opendir(dir);
		while (readdir(dd))
			;
		closedir(dd);
		diff("readdir");
	}
	snap();
	ftruncate(fd, 100);
	diff("truncate");
	snap();
	ftruncate(fd, 100);
	diff("same-size");
	snap();
	fchmod(fd, 0600);
	diff("chmod");
	snap();
	link(fpath, other);
	diff("link");
	snap();
	unlink(other);
	diff("unlink");
	snap();
	rename(fpath, other);
	rename(other, fpath);
	diff("rename");
	snap();
	write(fd, "", 0);
	diff("write0");
	close(fd);
}

int main(void)
{
	return tf_run("size=1m", body);
}
