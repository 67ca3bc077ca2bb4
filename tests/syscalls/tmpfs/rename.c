/* renameat2 on tmpfs: RENAME_EXCHANGE of files and of a file with a
 * directory, RENAME_NOREPLACE, RENAME_WHITEOUT (a 0:0 character device),
 * replacing directories, and the link counts all of that leaves. */
#include "tmpfsutil.h"
#include <sys/sysmacros.h>

static void cat(const char *p)
{
	char buf[32] = { 0 };
	int fd = open(p, O_RDONLY);

	if (fd < 0) {
		printf("%s: %s\n", strrchr(p, '/') + 1, errname(errno));
		return;
	}
	read(fd, buf, sizeof(buf) - 1);
	close(fd);
	printf("%s: %s\n", strrchr(p, '/') + 1, buf);
}

static void nlink(const char *p)
{
	struct stat st;
	const char *name = strncmp(p, tf_dir, strlen(tf_dir)) ? p : p + strlen(tf_dir);

	if (lstat(p, &st) < 0)
		printf("[%s]: %s\n", name, errname(errno));
	else
		printf("[%s]: nlink=%ld type=%o\n", name, (long)st.st_nlink, st.st_mode & S_IFMT);
}

static void mkf(const char *p, const char *s)
{
	int fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	write(fd, s, strlen(s));
	close(fd);
}

static void body(const char *dir)
{
	char a[128], b[128], d[128], e[128], da[160], w[128];
	struct stat st;

	tf_path(a, sizeof(a), "a");
	tf_path(b, sizeof(b), "b");
	tf_path(d, sizeof(d), "d");
	tf_path(e, sizeof(e), "e");
	tf_path(w, sizeof(w), "w");
	snprintf(da, sizeof(da), "%s/inner", d);
	mkf(a, "AAA");
	mkf(b, "BBB");
	SHOW(mkdir(d, 0755));
	SHOW(mkdir(e, 0755));
	mkf(da, "inner");
	SHOW(renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE));
	cat(a);
	cat(b);
	SHOW(renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_NOREPLACE));
	SHOW(renameat2(AT_FDCWD, a, AT_FDCWD, w, RENAME_NOREPLACE | RENAME_EXCHANGE));
	SHOW(renameat2(AT_FDCWD, a, AT_FDCWD, w, RENAME_EXCHANGE));
	SHOW(renameat2(AT_FDCWD, a, AT_FDCWD, w, 0x80));
	/* A file and a directory swap places across directories. */
	SHOW(renameat2(AT_FDCWD, a, AT_FDCWD, da, RENAME_EXCHANGE));
	nlink(a);
	nlink(d);
	cat(da);
	SHOW(renameat2(AT_FDCWD, a, AT_FDCWD, da, RENAME_EXCHANGE));
	/* Whiteout leaves a 0:0 char device behind. */
	SHOW(renameat2(AT_FDCWD, b, AT_FDCWD, w, RENAME_WHITEOUT));
	SHOW(lstat(b, &st));
	printf("whiteout: type=%o rdev=%d:%d mode=%o size=%ld\n", st.st_mode & S_IFMT,
	       major(st.st_rdev), minor(st.st_rdev), st.st_mode & 07777, (long)st.st_size);
	cat(w);
	/* Directories: over an empty one is fine, a non-empty one is not. */
	SHOW(rename(e, d));
	SHOW(rename(d, e));
	nlink(e);
	SHOW(rename(a, e));
	SHOW(rename(e, a));
	nlink(dir);
	SHOW(rename(e, e));
	SHOW(rename(a, w));
	cat(w);
	nlink(a);
}

int main(void)
{
	return tf_run("size=1m", body);
}
