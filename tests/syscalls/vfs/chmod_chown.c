/* chmod/chown rules: owner or CAP_FOWNER/CAP_CHOWN, set-id bits cleared
 * by chown and by chmod of a group one is not in. */
#include "vfs.h"

static void user(void)
{
	SHOWOK(chmod("mine", 02755));
	show_mode("mine");
	SHOWOK(chmod("mine", 04711));
	show_mode("mine");
	SHOW(chmod("theirs", 0777));
	SHOW(chown("mine", 1001, -1));
	SHOWOK(chown("mine", 1000, -1));
	SHOW(chown("mine", -1, 2000));
	SHOWOK(chown("mine", -1, 1000));
	SHOWOK(chown("mine", -1, -1));
	show_mode("mine");
	SHOW(lchown("link", 1000, 1000));
}

int main(void)
{
	struct stat st;
	int fd;

	scratch_enter();
	chmod(".", 0777);
	put_file("mine", "", 0644);
	SHOWOK(chown("mine", 1000, 1000));
	put_file("theirs", "", 0644);
	SHOWOK(symlink("theirs", "link"));
	as_user(1000, 1000, user, "user");
	put_file("s", "", 0644);
	SHOWOK(chmod("s", 06755));
	show_mode("s");
	SHOWOK(chown("s", 5, 5));
	show_mode("s");
	SHOWOK(chmod("s", 06745));
	SHOWOK(chown("s", -1, -1));
	show_mode("s");
	SHOWOK(chmod("s", 02745));
	show_mode("s");
	SHOWOK(lchown("link", 7, 8));
	SHOWOK(lstat("link", &st));
	printf("link owner %u:%u\n", st.st_uid, st.st_gid);
	SHOWOK(stat("link", &st));
	printf("target owner %u:%u\n", st.st_uid, st.st_gid);
	fd = open("s", O_RDONLY);
	SHOWOK(fchmod(fd, 0600));
	SHOWOK(fchown(fd, 9, 9));
	close(fd);
	show_mode("s");
	SHOW(chmod("missing", 0644));
	SHOW(fchmod(99, 0644));
	scratch_leave();
	return 0;
}
