/* Basic host-file I/O: open/read/pread/lseek on a fixture, fstat sizes,
 * O_DIRECTORY on a file ENOTDIR, read of a directory EISDIR, missing files
 * ENOENT, lseek errors, readlink of a symlink, and cwd handling. */
#include "../common.h"
#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
	int fd = open(data_path("pages.bin"), O_RDONLY);
	char buf[16] = "";
	struct stat st;

	SHOW(fstat(fd, &st));
	printf("size %ld regular %d\n", (long)st.st_size, S_ISREG(st.st_mode));
	SHOW(read(fd, buf, 3));
	printf("%.3s\n", buf);
	SHOW(pread(fd, buf, 2, 4096 + 10));
	printf("%.2s\n", buf);
	SHOW(lseek(fd, 0, SEEK_CUR));
	SHOW(lseek(fd, -1, SEEK_END));
	SHOW(read(fd, buf, 10));
	SHOW(read(fd, buf, 10));
	SHOW(lseek(fd, -1, SEEK_SET));
	SHOW(lseek(fd, 0, 99));
	SHOW(pread(fd, buf, 1, -1));
	SHOW(open(data_path("small.txt"), O_RDONLY | O_DIRECTORY));
	SHOW(open(data_path("missing"), O_RDONLY));
	int d = open(data_path("dir"), O_RDONLY);
	SHOW(read(d, buf, 1));
	SHOW(readlink(data_path("dir/link"), buf, sizeof(buf)));
	SHOW(readlink(data_path("small.txt"), buf, sizeof(buf)));
	SHOW(stat(data_path("dir/link"), &st));
	printf("stat follows link: size %ld\n", (long)st.st_size);
	SHOW(lstat(data_path("dir/link"), &st));
	printf("lstat is link: %d\n", S_ISLNK(st.st_mode));
	SHOW(chdir(data_path("dir")));
	char cwd[PATH_MAX];
	getcwd(cwd, sizeof(cwd));
	printf("cwd ends with data/dir: %d\n", strlen(cwd) > 8 && !strcmp(cwd + strlen(cwd) - 8, "data/dir"));
	SHOW(open("beta", O_RDONLY) >= 0);
	SHOW(access("gamma", R_OK));
	SHOW(access("delta", F_OK));
	SHOW(chdir("alpha"));
	SHOW(chdir("/nonexistent"));
	SHOW(fchdir(fd));
	SHOW(getcwd(cwd, 2) == NULL);
	return 0;
}
