/* A sticky directory (like /tmp): only the owner of an entry, of the
 * directory, or CAP_FOWNER may remove or rename it. */
#include "vfs.h"

static void other(void)
{
	SHOW(unlink("sticky/root_file"));
	SHOW(rename("sticky/root_file", "sticky/x"));
	SHOW(unlink("sticky/u1000"));
	SHOW(rename("sticky/u1000", "sticky/u1001_took"));
	SHOWOK(close(open("sticky/u1001", O_CREAT | O_WRONLY, 0644)));
	SHOWOK(unlink("sticky/u1001"));
	SHOW(unlink("plain/u1000"));
}

static void owner(void)
{
	SHOWOK(close(open("sticky/u1000", O_CREAT | O_WRONLY, 0644)));
	SHOWOK(close(open("plain/u1000", O_CREAT | O_WRONLY, 0644)));
}

int main(void)
{
	scratch_enter();
	chmod(".", 0755);
	SHOWOK(mkdir("sticky", 0777));
	SHOWOK(chmod("sticky", 01777));
	SHOWOK(mkdir("plain", 0777));
	SHOWOK(chmod("plain", 0777));
	put_file("sticky/root_file", "r", 0666);
	as_user(1000, 1000, owner, "owner");
	as_user(1001, 1001, other, "other");
	list_dir("sticky", "sticky");
	list_dir("plain", "plain");
	SHOWOK(unlink("sticky/u1000"));
	scratch_leave();
	return 0;
}
