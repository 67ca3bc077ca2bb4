/* /sys: the CPU lists glibc and runtimes read, the hugepage mode, and the
 * read-only refusals. */
#include "procutil.h"
#include <dirent.h>

int main(void)
{
	char *s, want[64];
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	int cpus = 0;
	DIR *d;
	struct dirent *de;

	if (n == 1)
		snprintf(want, sizeof(want), "0\n");
	else
		snprintf(want, sizeof(want), "0-%ld\n", n - 1);
	s = readfile("/sys/devices/system/cpu/online");
	EXPECT(s && !strcmp(s, want));
	free(s);
	s = readfile("/sys/devices/system/cpu/possible");
	EXPECT(s && s[0] == '0');
	free(s);
	s = readfile("/sys/devices/system/cpu/present");
	EXPECT(s && !strcmp(s, want));
	free(s);
	d = opendir("/sys/devices/system/cpu");
	while (d && (de = readdir(d))) {
		int k;
		char c;

		if (sscanf(de->d_name, "cpu%d%c", &k, &c) == 1 && de->d_type == DT_DIR)
			cpus++;
	}
	if (d)
		closedir(d);
	EXPECT(cpus == n);
	s = readfile("/sys/devices/system/cpu/cpu0/topology/core_id");
	EXPECT(s != NULL);
	free(s);
	s = readfile("/sys/kernel/mm/transparent_hugepage/enabled");
	EXPECT(s && strchr(s, '[') && strstr(s, "never"));
	free(s);
	{
		struct stat st;

		SHOWOK(stat("/sys/fs/cgroup", &st));
		SHOWOK(stat("/sys/class/net", &st));
		stat("/sys/devices/system/cpu/online", &st);
		printf("online mode=%o\n", st.st_mode & 0777 & ~0200);
	}
	SHOW(open("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", O_WRONLY));
	SHOW(open("/sys/devices/system/cpu/nosuch", O_RDONLY));
	return 0;
}
