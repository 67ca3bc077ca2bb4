/* Helpers for the procfs tests: whole-file reads and field lookups. */
#ifndef PROCFS_PROCUTIL_H
#define PROCFS_PROCUTIL_H
#include "../common.h"
#include <fcntl.h>
#include <sys/stat.h>

/* The whole file (NUL-terminated, *len bytes) or NULL with errno set. */
static inline char *readfile_n(const char *path, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !buf) {
		int e = errno;

		free(buf);
		if (fd >= 0)
			close(fd);
		errno = e;
		return NULL;
	}
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap)
			buf = realloc(buf, cap *= 2);
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			int e = errno;

			close(fd);
			free(buf);
			errno = e;
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

static inline char *readfile(const char *path)
{
	return readfile_n(path, NULL);
}

/* The value of "Key:\tvalue" in a status-style text (static buffer). */
static inline const char *field(const char *text, const char *key)
{
	static char val[4][512];
	static int k;
	char *v = val[k++ & 3];
	size_t kl = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, kl) && p[kl] == ':') {
			const char *s = p + kl + 1, *e;

			while (*s == '\t' || *s == ' ')
				s++;
			e = strchr(s, '\n');
			if (!e)
				e = s + strlen(s);
			snprintf(v, 512, "%.*s", (int)(e - s), s);
			return v;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

/* readlink into a static buffer ("" and errno set on failure). */
static inline const char *rdlink(const char *path)
{
	static char buf[4][4096];
	static int k;
	char *b = buf[k++ & 3];
	ssize_t n = readlink(path, b, 4095);

	b[n < 0 ? 0 : n] = 0;
	return b;
}
#endif
