/* Permission checks use the overlay's view of the object; the copy-up
 * itself is done with the mounter's rights, so a user may modify a file
 * it owns inside a directory it cannot write. */
#include "ovl.h"

int main(void)
{
	pid_t pid;

	ovl_setup();
	mkdir(P(L, "rootdir"), 0755);
	put(P(L, "rootdir/mine"), "user file");
	chown(P(L, "rootdir/mine"), 1000, 1000);
	put(P(L, "rootdir/theirs"), "root file");
	chmod(P(L, "rootdir/theirs"), 0644);
	mkdir(P(L, "open"), 0777);
	chmod(P(L, "open"), 0777);
	put(P(L, "open/x"), "x");
	mkdir(P(L, "open/sub"), 0777);
	chmod(P(L, "open/sub"), 0777);
	put(P(L, "open/sub/y"), "y");
	put(P(L, "open/sub/z"), "z");
	mkdir(P(L, "open/keep"), 0755);
	put(P(L, "open/keep/k"), "k");
	ovl_mount();

	pid = fork();
	if (pid == 0) {
		int fd;

		if (setgroups(0, NULL) || setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000))
			_exit(9);
		fd = open(P(M, "rootdir/mine"), O_WRONLY | O_APPEND);
		SHOWOK(fd);
		SHOW(write(fd, "+user", 5));
		close(fd);
		SHOW(open(P(M, "rootdir/theirs"), O_WRONLY));
		SHOW(open(P(M, "rootdir/new"), O_WRONLY | O_CREAT, 0644));
		SHOW(unlink(P(M, "rootdir/mine")));
		SHOWOK(chmod(P(M, "rootdir/mine"), 0600));
		SHOW(chmod(P(M, "rootdir/theirs"), 0600));
		put(P(M, "open/u"), "u");
		SHOWOK(unlink(P(M, "open/x")));
		/* Whiteouts and an opaque directory made for a user. */
		SHOWOK(unlink(P(M, "open/sub/y")));
		SHOWOK(unlink(P(M, "open/sub/z")));
		SHOWOK(rmdir(P(M, "open/sub")));
		SHOWOK(mkdir(P(M, "open/sub"), 0700));
		ls("user sees sub", P(M, "open/sub"));
		SHOW(rename(P(M, "open/keep"), P(M, "open/kept")));
		ls("user sees open", P(M, "open"));
		_exit(0);
	}
	reap(pid, "child");
	st("merged mine", P(M, "rootdir/mine"));
	cat("merged mine", P(M, "rootdir/mine"));
	st("upper rootdir", P(U, "rootdir"));
	st("upper theirs", P(U, "rootdir/theirs"));
	st("upper open/u", P(U, "open/u"));
	EXPECT(is_whiteout(P(U, "open/x")));
	st("lower mine", P(L, "rootdir/mine"));
	st("upper open/sub", P(U, "open/sub"));
	{
		char v[4] = { 0 };

		SHOW(getxattr(P(U, "open/sub"), "trusted.overlay.opaque", v, sizeof(v)));
	}
	ls("root sees sub", P(M, "open/sub"));
	ovl_cleanup();
	return 0;
}
