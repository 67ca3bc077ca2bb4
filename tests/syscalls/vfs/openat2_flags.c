/* openat2(2): RESOLVE_NO_SYMLINKS, RESOLVE_NO_MAGICLINKS, RESOLVE_CACHED
 * and the argument checks. */
#include "vfs.h"
#include <linux/openat2.h>

static long o2(int dfd, const char *p, uint64_t flags, uint64_t mode, uint64_t resolve)
{
	struct open_how how = { .flags = flags, .mode = mode, .resolve = resolve };
	long r = syscall(SYS_openat2, dfd, p, &how, sizeof(how));

	if (r >= 0)
		close((int)r);
	return r < 0 ? -1 : 0;
}

int main(void)
{
	struct open_how how = { .flags = O_RDONLY };
	char big[64];

	scratch_enter();
	SHOWOK(mkdir("d", 0755));
	put_file("d/f", "x", 0644);
	SHOWOK(symlink("d", "ld"));
	SHOWOK(symlink("d/f", "lf"));
	SHOW(o2(AT_FDCWD, "d/f", O_RDONLY, 0, RESOLVE_NO_SYMLINKS));
	SHOW(o2(AT_FDCWD, "ld/f", O_RDONLY, 0, RESOLVE_NO_SYMLINKS));
	SHOW(o2(AT_FDCWD, "lf", O_RDONLY, 0, RESOLVE_NO_SYMLINKS));
	SHOW(o2(AT_FDCWD, "lf", O_PATH | O_NOFOLLOW, 0, RESOLVE_NO_SYMLINKS));
	SHOW(o2(AT_FDCWD, "lf", O_RDONLY, 0, RESOLVE_NO_MAGICLINKS));
	SHOW(o2(AT_FDCWD, "d/f", O_RDONLY, 0, RESOLVE_NO_XDEV));
	SHOW(o2(AT_FDCWD, "d/g", O_WRONLY | O_CREAT, 0644, RESOLVE_CACHED));
	SHOW(o2(AT_FDCWD, "d/f", O_RDONLY | O_TRUNC, 0, RESOLVE_CACHED));
	SHOW(o2(AT_FDCWD, "d/f", O_RDONLY, 0, RESOLVE_BENEATH | RESOLVE_IN_ROOT));
	SHOW(o2(AT_FDCWD, "d/f", O_RDONLY, 0, 1 << 10));
	SHOW(o2(AT_FDCWD, "d/f", O_RDONLY, 0644, 0));
	SHOW(o2(AT_FDCWD, "d/g", O_WRONLY | O_CREAT, 010000, 0));
	SHOW(o2(AT_FDCWD, "d/f", 1ULL << 40, 0, 0));
	SHOW(o2(AT_FDCWD, "d/f", O_PATH | O_RDWR, 0, 0));
	SHOW(syscall(SYS_openat2, AT_FDCWD, "d/f", &how, 16));
	memset(big, 0, sizeof(big));
	memcpy(big, &how, sizeof(how));
	big[40] = 1;
	SHOW(syscall(SYS_openat2, AT_FDCWD, "d/f", big, sizeof(big)));
	big[40] = 0;
	{
		long r = syscall(SYS_openat2, AT_FDCWD, "d/f", big, sizeof(big));

		SHOWOK(r);
		if (r >= 0) {
			SHOW(fcntl((int)r, F_GETFL) & ~O_LARGEFILE);
			EXPECT(fcntl((int)r, F_GETFL) & O_LARGEFILE);
			close((int)r);
		}
	}
	scratch_leave();
	return 0;
}
