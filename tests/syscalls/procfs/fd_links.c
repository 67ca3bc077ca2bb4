/* /proc/self/fd: the listing after opening known files, readlink of each
 * kind of file, the link modes that say how a file is open, and opening
 * through the link. */
#include "procutil.h"
#include <dirent.h>
#include <sys/eventfd.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>

static char tmpl[] = "/tmp/fdlXXXXXX";

static const char *kind(const char *l)
{
	static char buf[64];
	const char *b = strchr(l, '[');

	if (!strncmp(l, tmpl, strlen(tmpl))) {
		snprintf(buf, sizeof(buf), "TMP%s", l + strlen(tmpl));
		return buf;
	}
	if (b && l[strlen(l) - 1] == ']') {
		/* pipe:[12345] -> pipe:[N] */
		snprintf(buf, sizeof(buf), "%.*s[N]", (int)(b - l), l);
		if (!strncmp(l, "anon_inode:", 11))
			return l;
		return buf;
	}
	return l;
}

static int cmp(const void *a, const void *b)
{
	return atoi(*(char *const *)a) - atoi(*(char *const *)b);
}

int main(void)
{
	char path[128], lp[64];
	int p[2], s[2], fds[12], n = 0;
	DIR *d;
	struct dirent *de;
	char *names[64];
	int nn = 0;

	if (!mkdtemp(tmpl))
		return 1;
	/* Start from a known table: only 0, 1, 2 stay. */
	for (int i = 3; i < 4096; i++)
		close(i);
	snprintf(path, sizeof(path), "%s/ro", tmpl);
	fds[n++] = open(path, O_RDONLY | O_CREAT, 0644);
	snprintf(path, sizeof(path), "%s/wo", tmpl);
	fds[n++] = open(path, O_WRONLY | O_CREAT, 0644);
	snprintf(path, sizeof(path), "%s/rw", tmpl);
	fds[n++] = open(path, O_RDWR | O_CREAT, 0644);
	fds[n++] = open(tmpl, O_RDONLY | O_DIRECTORY);
	pipe(p);
	fds[n++] = p[0];
	fds[n++] = p[1];
	socketpair(AF_UNIX, SOCK_STREAM, 0, s);
	fds[n++] = s[0];
	fds[n++] = eventfd(0, 0);
	fds[n++] = epoll_create1(0);
	fds[n++] = inotify_init1(0);
	snprintf(path, sizeof(path), "%s/gone", tmpl);
	fds[n++] = open(path, O_RDWR | O_CREAT, 0644);
	unlink(path);

	d = opendir("/proc/self/fd");
	while ((de = readdir(d)))
		names[nn++] = strdup(de->d_name);
	qsort(names, (size_t)nn, sizeof(char *), cmp);
	printf("listing:");
	for (int i = 0; i < nn; i++)
		printf(" %s", names[i]);
	printf("\n");
	closedir(d);
	for (int i = 0; i < n; i++) {
		struct stat st;

		snprintf(lp, sizeof(lp), "/proc/self/fd/%d", fds[i]);
		lstat(lp, &st);
		printf("fd %d -> %s mode=%o\n", fds[i], kind(rdlink(lp)), st.st_mode & 07777);
	}
	/* Reading through the link opens the file again. */
	write(fds[2], "hello", 5);
	snprintf(lp, sizeof(lp), "/proc/self/fd/%d", fds[2]);
	{
		int fd = open(lp, O_RDONLY);
		char buf[16] = { 0 };

		printf("reopen: %zd [%s]\n", read(fd, buf, sizeof(buf) - 1), buf);
		close(fd);
	}
	/* stat follows the link to the file. */
	{
		struct stat a, b;

		fstat(fds[2], &a);
		stat(lp, &b);
		EXPECT(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	}
	snprintf(lp, sizeof(lp), "/proc/self/fd/%d", 99);
	SHOW(readlink(lp, path, sizeof(path)));
	for (const char *f = "ro\0wo\0rw\0"; *f; f += 3) {
		snprintf(path, sizeof(path), "%s/%s", tmpl, f);
		unlink(path);
	}
	rmdir(tmpl);
	return 0;
}
