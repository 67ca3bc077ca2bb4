/* /proc/self/stat: the comm field with awkward characters, and fields 3-8
 * checked against getppid/getpgrp/getsid. */
#include "procutil.h"
#include <sys/prctl.h>

int main(void)
{
	char *s, *p;
	char state;
	int ppid, pgrp, sid;
	unsigned int flags;
	long nthreads;

	setpgid(0, 0);
	prctl(PR_SET_NAME, "a b) c");
	s = readfile("/proc/self/stat");
	if (!s)
		return 1;
	p = strrchr(s, ')');
	printf("comm=[%.*s]\n", (int)(p - strchr(s, '(') - 1), strchr(s, '(') + 1);
	EXPECT(atoi(s) == getpid());
	if (sscanf(p + 2, "%c %d %d %d %*d %*d %u", &state, &ppid, &pgrp, &sid, &flags) != 5) {
		printf("parse failed\n");
		return 1;
	}
	printf("state=%c\n", state);
	EXPECT(ppid == getppid());
	EXPECT(pgrp == getpgrp());
	EXPECT(sid == getsid(0));
	EXPECT(flags & 0x400000);   /* PF_RANDOMIZE */
	/* Field 20: number of threads. */
	{
		char *q = p + 2;

		for (int i = 3; i < 20; i++)
			q = strchr(q, ' ') + 1;
		nthreads = atol(q);
	}
	printf("num_threads=%ld\n", nthreads);
	{
		int n = 0;

		for (char *q = p; *q; q++)
			n += *q == ' ';
		printf("fields after comm=%d\n", n);
	}
	free(s);
	s = readfile("/proc/self/statm");
	{
		unsigned long size, res;

		EXPECT(s && sscanf(s, "%lu %lu", &size, &res) == 2 && size >= res && res > 0);
	}
	free(s);
	return 0;
}
