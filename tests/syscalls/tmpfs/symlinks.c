/* Symlinks on tmpfs: readlink, sizes, a long target taking a page,
 * target length limits, following and not following. */
#include "tmpfsutil.h"

static void body(const char *dir)
{
	char l[128], l2[128], f[128], buf[5000], target[4200];
	struct stat st;
	ssize_t n;

	tf_path(l, sizeof(l), "l");
	tf_path(l2, sizeof(l2), "long");
	tf_path(f, sizeof(f), "f");
	close(open(f, O_CREAT | O_RDWR, 0600));
	SHOW(symlink("f", l));
	SHOW(lstat(l, &st));
	printf("short: mode=%o size=%ld blocks=%ld nlink=%ld\n", st.st_mode, (long)st.st_size,
	       (long)st.st_blocks, (long)st.st_nlink);
	SHOW(stat(l, &st));
	printf("followed: mode=%o\n", st.st_mode);
	n = readlink(l, buf, sizeof(buf));
	printf("readlink=%ld [%.*s]\n", (long)n, (int)(n > 0 ? n : 0), buf);
	SHOW(readlink(l, buf, 0));
	SHOW(readlink(f, buf, sizeof(buf)));
	memset(target, 'x', sizeof(target));
	target[200] = 0;
	SHOW(symlink(target, l2));
	SHOW(lstat(l2, &st));
	printf("long: size=%ld blocks=%ld\n", (long)st.st_size, (long)st.st_blocks);
	SHOW(readlink(l2, buf, 10));
	SHOW(unlink(l2));
	target[4095] = 0;
	SHOW(symlink(target, l2));
	target[4096] = 0;
	target[4095] = 'x';
	SHOW(symlink(target, l2));
	SHOW(symlink("", l2));
	SHOW(symlink("f", l));
	SHOW(open(l, O_RDONLY | O_NOFOLLOW));
	SHOW(unlink(l));
	SHOW(stat(l, &st));
}

int main(void)
{
	return tf_run("size=1m", body);
}
