/* /proc/self/maps: an anonymous mapping split by mprotect, a file mapping
 * at an offset (name, offset, device and inode as stat says), and the
 * special regions. Addresses are printed relative to the mapping. */
#include "procutil.h"
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static char tmpl[] = "/tmp/mapsXXXXXX";

static void show_range(const char *maps, unsigned long base, unsigned long end, const char *label)
{
	const char *p = maps;

	while (*p) {
		unsigned long s, e, off;
		char perms[8], dev[16], rest[4096];
		unsigned long ino;
		int n = 0;
		const char *nl = strchr(p, '\n');

		rest[0] = 0;
		if (sscanf(p, "%lx-%lx %7s %lx %15s %lu%n", &s, &e, perms, &off, dev, &ino, &n) >= 6 &&
		    s >= base && e <= end) {
			size_t rl;

			while (p[n] == ' ')
				n++;
			rl = (size_t)(nl - (p + n));

			snprintf(rest, sizeof(rest), "%.*s", (int)rl, p + n);
			printf("%s: +%#lx-+%#lx %s off=%#lx ino=%s name=[%s]\n", label, s - base,
			       e - base, perms, off, ino ? "set" : "0", rest);
			/* The name starts at column 73 when present. */
			if (rest[0])
				printf("%s: name column %d\n", label, (int)(p + n - p));
		}
		p = nl ? nl + 1 : p + strlen(p);
	}
}

int main(void)
{
	char *maps, path[64];
	unsigned char *a;
	struct stat st;
	int fd;
	void *f;

	/* Inaccessible guards on both sides, so nothing merges with it. */
	a = mmap(NULL, 5 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	a += 4096;
	mmap(a, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	mprotect(a + 4096, 4096, PROT_READ);
	maps = readfile("/proc/self/maps");
	show_range(maps, (unsigned long)a, (unsigned long)a + 3 * 4096, "anon");
	free(maps);

	if (!mkdtemp(tmpl))
		return 1;
	snprintf(path, sizeof(path), "%s/data", tmpl);
	fd = open(path, O_RDWR | O_CREAT, 0644);
	ftruncate(fd, 4 * 4096);
	fstat(fd, &st);
	f = mmap(NULL, 2 * 4096, PROT_READ, MAP_SHARED, fd, 4096);
	maps = readfile("/proc/self/maps");
	{
		char *line = strstr(maps, path), *start;
		unsigned long s, e, off, ino;
		unsigned int maj, min;
		char perms[8];

		EXPECT(line != NULL);
		if (line) {
			start = line;
			while (start > maps && start[-1] != '\n')
				start--;
			sscanf(start, "%lx-%lx %7s %lx %x:%x %lu", &s, &e, perms, &off, &maj, &min, &ino);
			EXPECT(s == (unsigned long)f && e == (unsigned long)f + 2 * 4096);
			printf("file: %s off=%#lx\n", perms, off);
			EXPECT(ino == st.st_ino);
			EXPECT(maj == major(st.st_dev) && min == minor(st.st_dev));
			*strchr(line, '\n') = 0;
			printf("file: name column %d\n", (int)(line - start));
			printf("file: name tail [%s]\n", line + strlen(tmpl));
		}
	}
	free(maps);
	munmap(f, 2 * 4096);
	close(fd);
	unlink(path);
	rmdir(tmpl);

	sbrk(8192);
	maps = readfile("/proc/self/maps");
	EXPECT(strstr(maps, " [heap]\n") != NULL);
	EXPECT(strstr(maps, " [stack]\n") != NULL);
	EXPECT(strstr(maps, " [vdso]\n") != NULL);
	EXPECT(strstr(maps, " [vvar]\n") != NULL);
	{
		/* Anonymous lines end with the inode and one space. */
		char want[64];

		snprintf(want, sizeof(want), "%08lx-", (unsigned long)a);
		char *l = strstr(maps, want);

		EXPECT(l && strstr(l, " 0 \n") == strchr(l, '\n') - 3);
	}
	free(maps);
	return 0;
}
