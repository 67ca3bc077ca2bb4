/* What an O_PATH descriptor can and cannot do. */
#include "vfs.h"
#include <sys/xattr.h>

int main(void)
{
	struct stat st;
	char c;
	int fd, dfd;

	scratch_enter();
	SHOWOK(mkdir("d", 0755));
	put_file("d/f", "abc", 0644);
	fd = open("d/f", O_PATH);
	dfd = open("d", O_PATH | O_DIRECTORY);
	SHOWOK(fd);
	SHOW(read(fd, &c, 1));
	SHOW(write(fd, "x", 1));
	SHOWOK(fstat(fd, &st));
	printf("size %lld\n", (long long)st.st_size);
	SHOW(fcntl(fd, F_GETFL) & (O_PATH | O_ACCMODE));
	SHOW(fgetxattr(fd, "user.x", &c, 1));
	SHOW(fchmod(fd, 0600));
	SHOW(ftruncate(fd, 0));
	SHOWOK(dup(fd));
	SHOW(lseek(fd, 0, SEEK_SET));
	SHOWOK(close(openat(dfd, "f", O_RDONLY)));
	SHOWOK(fchdir(dfd));
	printf("via cwd: %s\n", get_file("f"));
	SHOWOK(chdir(".."));
	SHOW(getdents64(dfd, &st, sizeof(st)));
	SHOW(fsync(fd));
	scratch_leave();
	return 0;
}
