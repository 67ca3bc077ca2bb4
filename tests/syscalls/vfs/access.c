/* access(2)/faccessat2(2): modes, real vs effective ids, errors. */
#include "vfs.h"

static void user(void)
{
	SHOW(access("r", R_OK));
	SHOW(access("r", W_OK));
	SHOW(access("x", X_OK));
	SHOW(access("x", R_OK | X_OK));
	SHOW(access("none", R_OK));
	SHOW(access("none", F_OK));
	SHOW(access("dir", W_OK));
	SHOW(access("dir", X_OK));
}

static void setuid_like(void)
{
	/* real 1000, effective 0: access() checks the real ids. */
	if (setresuid(1000, 0, 0) < 0) {
		printf("setresuid: %s\n", errname(errno));
		return;
	}
	SHOW(access("root_only", R_OK));
	SHOW(faccessat(AT_FDCWD, "root_only", R_OK, AT_EACCESS));
	SHOW(syscall(SYS_faccessat2, AT_FDCWD, "root_only", R_OK, AT_EACCESS));
}

int main(void)
{
	scratch_enter();
	chmod(".", 0755);
	put_file("r", "", 0444);
	put_file("x", "", 0711);
	put_file("none", "", 0000);
	put_file("root_only", "", 0600);
	put_file("plain", "", 0644);
	SHOWOK(mkdir("dir", 0755));
	SHOW(access("plain", X_OK));
	SHOW(access("x", X_OK));
	SHOW(access("none", R_OK | W_OK));
	SHOW(access("none", X_OK));
	SHOW(access("dir", X_OK | W_OK));
	SHOW(access("plain", 8));
	SHOW(faccessat(AT_FDCWD, "plain", R_OK, 0x10));
	SHOW(access("missing", F_OK));
	SHOW(access("plain/x", F_OK));
	as_user(1000, 1000, user, "user");
	{
		pid_t pid;

		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			setuid_like();
			fflush(stdout);
			_exit(0);
		}
		reap(pid, "setuid");
	}
	scratch_leave();
	return 0;
}
