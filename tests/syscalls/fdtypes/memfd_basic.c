/* memfd_create: flags and names, read/write/lseek/ftruncate/fstat,
 * shared and private mappings seeing (or not) the file's pages, and
 * file seals. */
#include "../common.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/epoll.h>

#define R(x) do { errno = 0; long r_ = (long)(x); printf("%s = %ld %s\n", #x, r_, r_ < 0 ? errname(errno) : ""); } while (0)

int main(void)
{
	char name[300], buf[64] = { 0 };
	struct stat st;
	int fd, fd2, ep;
	char *sh, *pv;

	memset(name, 'a', sizeof(name));
	name[249] = 0;
	R(memfd_create(name, 0) >= 0);
	name[249] = 'a';
	name[250] = 0;
	R(memfd_create(name, 0));
	R(memfd_create("x", 0x100));
	R(memfd_create((char *)8, 0));
	R(memfd_create("x", 0x10 | 0x8));

	fd = memfd_create("test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	printf("cloexec=%d acc=%d\n", fcntl(fd, F_GETFD), fcntl(fd, F_GETFL) & O_ACCMODE);
	fstat(fd, &st);
	printf("mode=%o size=%ld\n", st.st_mode, (long)st.st_size);
	R(write(fd, "hello world", 11));
	R(lseek(fd, 0, SEEK_CUR));
	R(lseek(fd, 6, SEEK_SET));
	R(read(fd, buf, sizeof(buf)));
	printf("buf=%s\n", buf);
	R(read(fd, buf, sizeof(buf)));
	R(pread(fd, buf, 5, 0));
	R(lseek(fd, -1, SEEK_SET));
	R(lseek(fd, 0, SEEK_END));
	R(ftruncate(fd, 8192));
	R(ftruncate(fd, -1));
	fstat(fd, &st);
	printf("size=%ld\n", (long)st.st_size);

	sh = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	pv = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	printf("maps ok=%d\n", sh != MAP_FAILED && pv != MAP_FAILED);
	printf("shared sees=%.5s private sees=%.5s\n", sh, pv);
	memcpy(sh + 4096, "SHARED", 6);
	R(pread(fd, buf, 6, 4096));
	printf("file sees=%.6s\n", buf);
	pv[0] = 'P';
	R(pread(fd, buf, 5, 0));
	printf("file after private write=%.5s\n", buf);
	pwrite(fd, "W", 1, 1);
	printf("shared after pwrite=%.5s\n", sh);
	munmap(sh, 8192);
	munmap(pv, 8192);

	/* Shrinking then growing reads back zeros. */
	R(ftruncate(fd, 3));
	R(ftruncate(fd, 10));
	memset(buf, 'z', 10);
	R(pread(fd, buf, 10, 0));
	for (int i = 0; i < 10; i++)
		printf("%02x", (unsigned char)buf[i]);
	printf("\n");

	R(fcntl(fd, F_GET_SEALS));
	R(fcntl(fd, F_ADD_SEALS, 0x1000));
	R(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
	R(ftruncate(fd, 2));
	R(ftruncate(fd, 20));
	R(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_WRITE));
	R(write(fd, "x", 1));
	R(ftruncate(fd, 30));
	R(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL));
	R(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
	R(fcntl(fd, F_GET_SEALS));

	fd2 = memfd_create("noseal", 0);
	R(fcntl(fd2, F_GET_SEALS));
	R(fcntl(fd2, F_ADD_SEALS, F_SEAL_WRITE));
	R(fcntl(0 + open("/dev/null", O_RDONLY), F_GET_SEALS));
	ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN };
	R(epoll_ctl(ep, EPOLL_CTL_ADD, fd2, &ev));
	return 0;
}
