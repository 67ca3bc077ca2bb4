/* getdents64 after creations and removals; seeking back to a cookie. */
#include "vfs.h"

struct d64 {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

int main(void)
{
	char buf[4096], name[16];
	int fd;
	long n;

	scratch_enter();
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		put_file(name, "", 0644);
	}
	SHOWOK(mkdir("sub", 0755));
	SHOWOK(symlink("f0", "link"));
	list_dir("first", ".");
	SHOWOK(unlink("f1"));
	SHOWOK(unlink("f3"));
	put_file("new", "", 0644);
	list_dir("second", ".");
	fd = open(".", O_RDONLY | O_DIRECTORY);
	n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
	{
		int count = 0, types[16] = { 0 };

		for (long off = 0; off < n;) {
			struct d64 *d = (struct d64 *)(buf + off);

			if (d->type < 16)
				types[d->type]++;
			count++;
			off += d->reclen;
		}
		printf("entries %d dirs %d regs %d links %d\n", count, types[DT_DIR], types[DT_REG],
		       types[DT_LNK]);
	}
	SHOW(syscall(SYS_getdents64, fd, buf, sizeof(buf)));
	SHOW(lseek(fd, 0, SEEK_SET));
	SHOW(syscall(SYS_getdents64, fd, buf, 10) );
	{
		/* Read one record at a time, remember the third cookie, come back. */
		struct d64 *d;
		int64_t cookie = 0;
		char third[64] = "";

		lseek(fd, 0, SEEK_SET);
		for (int i = 0; i < 3; i++) {
			n = syscall(SYS_getdents64, fd, buf, 40);
			d = (struct d64 *)buf;
			if (n <= 0)
				break;
			if (i == 1)
				cookie = d->off;
			if (i == 2)
				snprintf(third, sizeof(third), "%.60s", d->name);
		}
		lseek(fd, cookie, SEEK_SET);
		n = syscall(SYS_getdents64, fd, buf, 40);
		d = (struct d64 *)buf;
		printf("resumed at third: %s\n", n > 0 && !strcmp(d->name, third) ? "yes" : "no");
	}
	close(fd);
	fd = open("f0", O_RDONLY);
	SHOW(syscall(SYS_getdents64, fd, buf, sizeof(buf)));
	close(fd);
	scratch_leave();
	return 0;
}
