/* The global files: meminfo, cpuinfo, uptime, loadavg, stat, version,
 * filesystems, cgroup, checked for the formats programs parse. */
#include "procutil.h"

int main(void)
{
	char *s;
	double a, b;
	long n;

	s = readfile("/proc/meminfo");
	EXPECT(s && !strncmp(s, "MemTotal:", 9) && strstr(s, " kB\n"));
	EXPECT(s && field(s, "MemFree") && field(s, "MemAvailable") && field(s, "SwapTotal"));
	free(s);
	s = readfile("/proc/cpuinfo");
	n = 0;
	for (char *p = s; p && (p = strstr(p, "processor\t: ")); p++)
		n++;
	EXPECT(n == sysconf(_SC_NPROCESSORS_ONLN));
	EXPECT(s && strstr(s, "\nflags\t\t: ") && strstr(s, "\nmodel name\t: "));
	EXPECT(s && strstr(s, " sse2"));
	free(s);
	s = readfile("/proc/uptime");
	EXPECT(s && sscanf(s, "%lf %lf", &a, &b) == 2 && a >= 0 && b >= 0);
	EXPECT(s && s[strlen(s) - 1] == '\n' && strchr(s, '.')[3] == ' ');
	free(s);
	s = readfile("/proc/loadavg");
	{
		double l1, l5, l15;
		int run, tot, last;

		EXPECT(s && sscanf(s, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &run, &tot, &last) == 6 &&
		       run >= 1 && tot >= run);
	}
	free(s);
	s = readfile("/proc/stat");
	EXPECT(s && !strncmp(s, "cpu  ", 5) && strstr(s, "\ncpu0 "));
	EXPECT(s && strstr(s, "\nbtime ") && strstr(s, "\nprocesses ") && strstr(s, "\nprocs_running "));
	free(s);
	s = readfile("/proc/version");
	EXPECT(s && !strncmp(s, "Linux version ", 14));
	free(s);
	s = readfile("/proc/filesystems");
	EXPECT(s && strstr(s, "nodev\tproc\n") && strstr(s, "nodev\ttmpfs\n") && strstr(s, "nodev\tsysfs\n"));
	free(s);
	s = readfile("/proc/self/cgroup");
	EXPECT(s && strstr(s, "0::/"));
	free(s);
	{
		struct stat st;

		stat("/proc/meminfo", &st);
		printf("meminfo mode=%o size=%lld\n", st.st_mode, (long long)st.st_size);
		stat("/proc", &st);
		printf("proc mode=%o\n", st.st_mode);
		stat("/proc/sys/kernel", &st);
		printf("sys/kernel mode=%o\n", st.st_mode);
	}
	return 0;
}
