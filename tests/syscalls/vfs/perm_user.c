/* Permission checks as an unprivileged user. */
#include "vfs.h"

static void body(void)
{
	struct stat st;

	SHOW(open("secret", O_RDONLY));
	SHOW(open("public", O_RDONLY) >= 0);
	SHOW(open("public", O_WRONLY));
	SHOW(open("closed/x", O_RDONLY));
	SHOW(stat("closed/x", &st));
	SHOW(open("noexec/x", O_RDONLY));
	SHOW(stat("noexec/x", &st));
	SHOW(open("readonly/new", O_CREAT | O_WRONLY, 0644));
	SHOW(mkdir("readonly/sub", 0755));
	SHOW(unlink("readonly/x"));
	SHOW(rename("readonly/x", "readonly/y"));
	SHOW(access("public", R_OK));
	SHOW(access("public", W_OK));
	SHOW(access("secret", R_OK));
	SHOW(access("script", X_OK));
	SHOW(chmod("public", 0777));
	SHOW(chown("public", 1000, 1000));
	SHOW(utimensat(AT_FDCWD, "public", NULL, 0));
	SHOW(truncate("public", 0));
	SHOW(chdir("closed"));
	SHOW(chdir("noexec"));
	SHOW(mknod("readonly/dev", S_IFCHR | 0600, makedev(1, 3)));
	SHOW(mknod("mine/dev", S_IFCHR | 0600, makedev(1, 3)));
	SHOW(mkdir("mine/sub", 0755));
	SHOW(chmod("mine", 0700));
	SHOW(chroot("mine"));
	SHOW(execl("./script", "script", (char *)NULL));
}

int main(void)
{
	scratch_enter();
	chmod(".", 0755);
	put_file("secret", "s", 0600);
	put_file("public", "p", 0644);
	put_file("script", "#!/bin/sh\n", 0744);
	mkdir("closed", 0700);
	put_file("closed/x", "x", 0644);
	mkdir("noexec", 0644);
	mkdir("readonly", 0755);
	put_file("readonly/x", "x", 0644);
	chmod("noexec", 0755);
	put_file("noexec/x", "x", 0644);
	chmod("noexec", 0644);
	mkdir("mine", 0755);
	chown("mine", 1000, 1000);
	as_user(1000, 1000, body, "user");
	scratch_leave();
	return 0;
}
