/* renameat2(2): RENAME_NOREPLACE and RENAME_EXCHANGE. */
#include "vfs.h"

static long r2(const char *a, const char *b, unsigned int flags)
{
	return syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, flags);
}

int main(void)
{
	scratch_enter();
	put_file("a", "A", 0644);
	put_file("b", "B", 0644);
	SHOWOK(mkdir("d", 0755));
	put_file("d/in", "IN", 0644);
	SHOW(r2("a", "b", RENAME_NOREPLACE));
	SHOW(r2("a", "c", RENAME_NOREPLACE));
	printf("c: %s\n", get_file("c"));
	SHOW(r2("c", "b", RENAME_EXCHANGE));
	printf("b: %s c: %s\n", get_file("b"), get_file("c"));
	SHOW(r2("b", "missing", RENAME_EXCHANGE));
	SHOW(r2("b", "c", RENAME_EXCHANGE | RENAME_NOREPLACE));
	SHOW(r2("b", "c", 1 << 5));
	SHOW(r2("b", "d", RENAME_EXCHANGE));
	printf("d is file: %s\n", get_file("d"));
	list_dir("b (dir now)", "b");
	SHOW(r2("b", "b/in", RENAME_EXCHANGE));
	SHOW(r2("d", "d", RENAME_NOREPLACE));
	scratch_leave();
	return 0;
}
