/* umask(2) applies to creation modes. */
#include "vfs.h"

int main(void)
{
	scratch_enter();
	SHOW(umask(077));
	SHOW(umask(027));
	put_file("f", "", 0666);
	SHOWOK(mkdir("d", 0777));
	SHOWOK(mknod("p", S_IFIFO | 0666, 0));
	show_mode("f");
	show_mode("d");
	show_mode("p");
	SHOW(umask(0));
	put_file("g", "", 0666);
	SHOWOK(mkdir("e", 01777));
	show_mode("g");
	show_mode("e");
	SHOW(umask(0777 | 07000));
	SHOW(umask(022));
	SHOWOK(close(open("h", O_CREAT | O_WRONLY, 06777)));
	show_mode("h");
	scratch_leave();
	return 0;
}
