/* A working directory that is removed: getcwd is ENOENT, creation in it
 * is ENOENT, "." still stats. */
#include "vfs.h"

int main(void)
{
	char buf[PATH_MAX];
	struct stat st;

	scratch_enter();
	SHOWOK(mkdir("d", 0755));
	SHOWOK(chdir("d"));
	SHOWOK(rmdir("../d"));
	SHOW(syscall(SYS_getcwd, buf, sizeof(buf)));
	SHOWOK(stat(".", &st));
	printf("nlink %lu\n", (unsigned long)st.st_nlink);
	SHOW(open("x", O_CREAT | O_WRONLY, 0644));
	SHOW(mkdir("sub", 0755));
	list_dir("dot", ".");
	SHOWOK(stat("..", &st));
	SHOWOK(chdir(".."));
	list_dir("parent", ".");
	scratch_leave();
	return 0;
}
