/* getcwd(2) and chdir/fchdir. */
#include "vfs.h"

int main(void)
{
	char buf[PATH_MAX], *base;
	long n;
	int fd;

	scratch_enter();
	SHOWOK(mkdir("a", 0755));
	SHOWOK(mkdir("a/b", 0755));
	SHOWOK(symlink("a/b", "lb"));
	put_file("file", "", 0644);
	SHOWOK(chdir("lb"));
	n = syscall(SYS_getcwd, buf, sizeof(buf));
	base = strstr(buf, "/vfs-");
	printf("len ok: %s suffix: %s\n", n == (long)strlen(buf) + 1 ? "yes" : "no",
	       base ? strchr(base + 1, '/') : "?");
	SHOW(syscall(SYS_getcwd, buf, 3));
	SHOW(syscall(SYS_getcwd, buf, 0));
	SHOWOK(chdir("../.."));
	SHOW(chdir("file"));
	SHOW(chdir("missing"));
	SHOW(chdir(""));
	fd = open("a", O_RDONLY);
	SHOWOK(fchdir(fd));
	close(fd);
	syscall(SYS_getcwd, buf, sizeof(buf));
	printf("ends with /a: %s\n", strlen(buf) > 2 && !strcmp(buf + strlen(buf) - 2, "/a") ? "yes" : "no");
	fd = open("../file", O_RDONLY);
	SHOW(fchdir(fd));
	close(fd);
	SHOW(fchdir(99));
	SHOWOK(chdir("/"));
	SHOW(syscall(SYS_getcwd, buf, sizeof(buf)));
	printf("root: %s\n", buf);
	scratch_leave();
	return 0;
}
