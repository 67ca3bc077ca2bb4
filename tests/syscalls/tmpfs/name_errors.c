/* Name operations on tmpfs and their errors: existing names, directories
 * vs files, non-empty directories, moving a directory under itself, long
 * names, removed working directories. */
#include "tmpfsutil.h"

static void body(const char *dir)
{
	char a[128], b[128], d[128], dd[160], f[128], longname[400];
	struct stat st;

	tf_path(a, sizeof(a), "a");
	tf_path(b, sizeof(b), "b");
	tf_path(d, sizeof(d), "d");
	tf_path(f, sizeof(f), "f");
	snprintf(dd, sizeof(dd), "%s/sub", d);
	close(open(f, O_CREAT | O_RDWR, 0644));
	SHOW(mkdir(d, 0755));
	SHOW(mkdir(dd, 0755));
	SHOW(mkdir(d, 0755));
	SHOW(open(f, O_CREAT | O_EXCL | O_RDWR, 0644));
	SHOW(mkdir(f, 0755));
	SHOW(rmdir(d));
	SHOW(rmdir(f));
	SHOW(unlink(d));
	SHOW(link(d, a));
	SHOW(rename(d, dd));
	SHOW(rename(f, d));
	SHOW(rename(d, f));
	SHOW(rename(a, b));
	SHOW(open(d, O_WRONLY));
	SHOW(open(f, O_RDONLY | O_DIRECTORY));
	snprintf(longname, sizeof(longname), "%s/", dir);
	memset(longname + strlen(longname), 'n', 256);
	longname[strlen(dir) + 1 + 256] = 0;
	SHOW(open(longname, O_CREAT | O_RDWR, 0600));
	longname[strlen(dir) + 1 + 255] = 0;
	SHOW(close(open(longname, O_CREAT | O_RDWR, 0600)));
	SHOW(unlink(longname));
	/* A removed cwd: relative creation fails, ".." still works. */
	SHOW(chdir(dd));
	SHOW(rmdir(dd));
	SHOW(open("x", O_CREAT | O_RDWR, 0600));
	SHOW(mkdir("y", 0700));
	SHOW(stat(".", &st));
	printf("removed cwd nlink=%ld\n", (long)st.st_nlink);
	SHOW(stat("..", &st));
	printf("parent nlink=%ld\n", (long)st.st_nlink);
	SHOW(chdir("/"));
	SHOW(rmdir(d));
	SHOW(stat(dir, &st));
	printf("root nlink=%ld size=%ld\n", (long)st.st_nlink, (long)st.st_size);
}

int main(void)
{
	return tf_run("size=1m", body);
}
