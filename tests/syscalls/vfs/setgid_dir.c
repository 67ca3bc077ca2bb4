/* Set-group-ID directories: new entries take the directory's group and
 * new subdirectories inherit the bit. */
#include "vfs.h"

static void user(void)
{
	struct stat st;

	put_file("sg/ufile", "", 02755);
	SHOWOK(stat("sg/ufile", &st));
	printf("ufile gid %u mode %o\n", st.st_gid, st.st_mode);
	SHOWOK(mkdir("sg/udir", 0755));
	SHOWOK(stat("sg/udir", &st));
	printf("udir gid %u mode %o\n", st.st_gid, st.st_mode);
	put_file("plain/ufile", "", 0644);
	SHOWOK(stat("plain/ufile", &st));
	printf("plain gid %u\n", st.st_gid);
}

int main(void)
{
	struct stat st;

	scratch_enter();
	chmod(".", 0755);
	SHOWOK(mkdir("sg", 0777));
	SHOWOK(chown("sg", 0, 1234));
	SHOWOK(chmod("sg", 02777));
	SHOWOK(mkdir("plain", 0777));
	SHOWOK(chmod("plain", 0777));
	put_file("sg/rootfile", "", 0644);
	SHOWOK(stat("sg/rootfile", &st));
	printf("rootfile gid %u\n", st.st_gid);
	SHOWOK(mkdir("sg/sub", 0700));
	SHOWOK(stat("sg/sub", &st));
	printf("sub gid %u mode %o\n", st.st_gid, st.st_mode);
	as_user(1000, 1000, user, "user");
	scratch_leave();
	return 0;
}
