/* chroot(2): the new root bounds "..", absolute paths and getcwd. */
#include "vfs.h"

static char dir[64];

int main(void)
{
	pid_t pid;

	scratch_enter();
	strcpy(dir, scratch_);
	SHOWOK(mkdir("sub", 0755));
	put_file("marker", "inside", 0644);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char buf[PATH_MAX];
		long n;

		SHOWOK(chdir("sub"));
		SHOWOK(chroot(dir));
		n = syscall(SYS_getcwd, buf, sizeof(buf));
		printf("getcwd %s: %s\n", n > 0 ? "ok" : errname(errno), n > 0 ? buf : "");
		printf("marker: %s\n", get_file("/marker"));
		printf("via dotdot: %s\n", get_file("/../../marker"));
		SHOWOK(chdir("/"));
		syscall(SYS_getcwd, buf, sizeof(buf));
		printf("cwd: %s\n", buf);
		SHOWOK(chdir(".."));
		syscall(SYS_getcwd, buf, sizeof(buf));
		printf("cwd: %s\n", buf);
		SHOW(chroot("missing"));
		SHOW(chroot("marker"));
		SHOW(access("/etc/hostname", F_OK));
		fflush(stdout);
		_exit(0);
	}
	reap(pid, "child");
	pid = fork();
	if (pid == 0) {
		if (setresuid(1000, 1000, 1000) < 0)
			_exit(2);
		SHOW(chroot("."));
		fflush(stdout);
		_exit(0);
	}
	reap(pid, "user");
	scratch_leave();
	return 0;
}
