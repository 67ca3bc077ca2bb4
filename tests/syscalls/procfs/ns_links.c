/* ns/ links: readlink's number is the inode stat finds, a child shares
 * its parent's namespaces, unshare(CLONE_NEWNS) gives a new mount
 * namespace number, and reading a namespace file is EINVAL. */
#include "procutil.h"

static unsigned long link_num(const char *path)
{
	const char *s = rdlink(path), *b = strchr(s, '[');

	return b ? strtoul(b + 1, NULL, 10) : 0;
}

int main(void)
{
	const char *kinds[] = { "mnt", "net", "pid", "uts", "ipc", "user", "cgroup" };
	unsigned long mnt0 = link_num("/proc/self/ns/mnt");
	char p[64], kind[16], buf[8];
	struct stat st;
	int fd, pfd[2];
	pid_t c;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		snprintf(p, sizeof(p), "/proc/self/ns/%s", kinds[i]);
		stat(p, &st);
		sscanf(rdlink(p), "%15[^:]", kind);
		printf("%s: kind=%s stat ino matches=%d mode=%o\n", kinds[i], kind,
		       (unsigned long)st.st_ino == link_num(p), st.st_mode);
	}
	fd = open("/proc/self/ns/mnt", O_RDONLY);
	printf("open=%s\n", fd >= 0 ? "ok" : errname(errno));
	SHOW(read(fd, buf, sizeof(buf)));
	close(fd);
	pipe(pfd);
	c = fork();
	if (c == 0) {
		unsigned long v = link_num("/proc/self/ns/mnt");

		write(pfd[1], &v, sizeof(v));
		_exit(0);
	}
	{
		unsigned long v = 0;

		read(pfd[0], &v, sizeof(v));
		printf("child same mnt ns: %d\n", v == mnt0);
	}
	reap(c, "child");
	if (unshare(CLONE_NEWNS) < 0)
		return 1;
	printf("after unshare: differs=%d\n", link_num("/proc/self/ns/mnt") != mnt0);
	return 0;
}
