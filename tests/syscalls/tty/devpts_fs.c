/* The devpts directory: pts/N exists while its master is open (listed,
 * stat-able) and disappears when it closes; ptmx is there; statfs says
 * devpts; an unknown name is ENOENT. */
#include "tty.h"
#include <dirent.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

static int listed(const char *name)
{
	DIR *d = opendir("/dev/pts");
	struct dirent *e;
	int found = 0;

	while (d && (e = readdir(d)))
		if (!strcmp(e->d_name, name))
			found = e->d_type == DT_CHR ? 1 : 2;
	if (d)
		closedir(d);
	return found;
}

int main(void)
{
	struct statfs sf;
	struct stat st;
	char name[64], *base;
	int m;

	SHOW(statfs("/dev/pts", &sf));
	printf("magic %#lx\n", (unsigned long)sf.f_type);
	SHOW(stat("/dev/pts/ptmx", &st));
	printf("ptmx %o %u:%u\n", st.st_mode, major(st.st_rdev), minor(st.st_rdev));
	printf("ptmx listed %d\n", listed("ptmx"));
	SHOW(stat("/dev/ptmx", &st));
	printf("/dev/ptmx type chr %d %u:%u\n", S_ISCHR(st.st_mode), major(st.st_rdev),
	       minor(st.st_rdev));
	m = posix_openpt(O_RDWR | O_NOCTTY);
	strcpy(name, ptsname(m));
	base = strrchr(name, '/') + 1;
	printf("listed while open %d\n", listed(base));
	SHOW(stat(name, &st));
	printf("is chr %d\n", S_ISCHR(st.st_mode));
	SHOW(chmod(name, 0620));
	stat(name, &st);
	printf("mode after chmod %o\n", st.st_mode & 07777);
	close(m);
	printf("listed after close %d\n", listed(base));
	SHOW(stat(name, &st));
	SHOW(stat("/dev/pts/notanumber", &st));
	SHOW(mknod("/dev/pts/x", S_IFCHR | 0600, makedev(1, 3)));
	return 0;
}
