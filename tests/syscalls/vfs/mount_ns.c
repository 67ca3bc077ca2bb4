/* Mount namespaces: unshare(CLONE_NEWNS) and clone(CLONE_NEWNS) copy the
 * mount table; later mounts on either side are not seen by the other. */
#include "vfs.h"

static int child_fn(void *arg)
{
	(void)arg;
	list_dir("clone child sees", "m");
	SHOWOK(umount("m"));
	list_dir("clone child after umount", "m");
	fflush(stdout);
	return 0;
}

static void body(void)
{
	static char stack[65536];
	pid_t pid;

	SHOWOK(mount("tmpfs", "m", "tmpfs", 0, NULL));
	put_file("m/one", "", 0644);
	pid = clone(child_fn, stack + sizeof(stack), CLONE_NEWNS | SIGCHLD, NULL);
	if (pid < 0)
		printf("clone: %s\n", errname(errno));
	else
		reap(pid, "clone child");
	list_dir("parent still", "m");
	SHOW(clone(child_fn, stack + sizeof(stack), CLONE_NEWNS | CLONE_FS | SIGCHLD, NULL));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		SHOWOK(unshare(CLONE_NEWNS));
		SHOWOK(mount("tmpfs", "m", "tmpfs", 0, NULL));
		list_dir("unshared child", "m");
		fflush(stdout);
		_exit(0);
	}
	reap(pid, "unshare child");
	list_dir("parent after", "m");
	SHOWOK(umount("m"));
}

static void user(void)
{
	SHOW(unshare(CLONE_NEWNS));
}

int main(void)
{
	scratch_enter();
	SHOWOK(mkdir("m", 0755));
	put_file("m/below", "", 0644);
	in_mount_ns(body, "ns");
	as_user(1000, 1000, user, "user");
	list_dir("host", "m");
	scratch_leave();
	return 0;
}
