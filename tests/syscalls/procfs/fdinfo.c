/* /proc/self/fdinfo/N: position and flags of open files. */
#include "procutil.h"

static char tmpl[] = "/tmp/fdiXXXXXX";

static void show(int fd)
{
	char p[64], *s;

	snprintf(p, sizeof(p), "/proc/self/fdinfo/%d", fd);
	s = readfile(p);
	if (!s) {
		printf("fdinfo %d: %s\n", fd, errname(errno));
		return;
	}
	/* O_LARGEFILE (0100000) is the kernel's business. */
	printf("fd %d: pos=%s flags=%lo\n", fd, field(s, "pos"),
	       strtoul(field(s, "flags"), NULL, 8) & ~0100000UL);
	EXPECT(field(s, "mnt_id") != NULL);
	free(s);
}

int main(void)
{
	char path[128];
	int a, b;

	if (!mkdtemp(tmpl))
		return 1;
	snprintf(path, sizeof(path), "%s/f", tmpl);
	a = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	write(a, "0123456789", 10);
	lseek(a, 3, SEEK_SET);
	b = open(path, O_WRONLY | O_APPEND | O_NONBLOCK);
	show(a);
	show(b);
	show(1000);
	unlink(path);
	rmdir(tmpl);
	return 0;
}
