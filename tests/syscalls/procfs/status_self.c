/* /proc/self/status: the fields programs parse, checked against what the
 * process knows about itself (pids, ids, signal masks, no_new_privs). */
#include "procutil.h"
#include <sys/prctl.h>

static void handler(int s) { (void)s; }

int main(void)
{
	char want[128], *st;
	sigset_t set;
	uid_t r, e, s;
	gid_t gr, ge, gs;

	prctl(PR_SET_NAME, "statustest");
	umask(027);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGRTMIN + 2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGUSR2, SIG_IGN);
	signal(SIGTERM, handler);
	signal(SIGHUP, handler);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	st = readfile("/proc/self/status");
	if (!st) {
		printf("read: %s\n", errname(errno));
		return 1;
	}
	printf("Name=%s\n", field(st, "Name"));
	printf("Umask=%s\n", field(st, "Umask"));
	printf("State=%s\n", field(st, "State"));
	snprintf(want, sizeof(want), "%d", getpid());
	EXPECT(!strcmp(field(st, "Tgid"), want));
	EXPECT(!strcmp(field(st, "Pid"), want));
	EXPECT(!strcmp(field(st, "NStgid"), want));
	snprintf(want, sizeof(want), "%d", getppid());
	EXPECT(!strcmp(field(st, "PPid"), want));
	printf("TracerPid=%s\n", field(st, "TracerPid"));
	printf("Ngid=%s\n", field(st, "Ngid"));
	getresuid(&r, &e, &s);
	snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", r, e, s, e);
	EXPECT(!strcmp(field(st, "Uid"), want));
	getresgid(&gr, &ge, &gs);
	snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", gr, ge, gs, ge);
	EXPECT(!strcmp(field(st, "Gid"), want));
	printf("Threads=%s\n", field(st, "Threads"));
	printf("SigPnd=%s\n", field(st, "SigPnd"));
	printf("ShdPnd=%s\n", field(st, "ShdPnd"));
	printf("SigBlk=%s\n", field(st, "SigBlk"));
	/* Only the bits this test set: others may be inherited. */
	{
		unsigned long long mine = (1ULL << (SIGUSR2 - 1)) | (1ULL << (SIGTERM - 1)) |
					  (1ULL << (SIGHUP - 1)) | (1ULL << (SIGUSR1 - 1));

		printf("SigIgn&mine=%llx\n", strtoull(field(st, "SigIgn"), NULL, 16) & mine);
		printf("SigCgt&mine=%llx\n", strtoull(field(st, "SigCgt"), NULL, 16) & mine);
	}
	printf("NoNewPrivs=%s\n", field(st, "NoNewPrivs"));
	printf("Seccomp=%s\n", field(st, "Seccomp"));
	printf("CapAmb=%s\n", field(st, "CapAmb"));
	/* Present with a kB figure, values vary. */
	{
		const char *keys[] = { "VmPeak", "VmSize", "VmRSS", "VmData", "VmStk", "VmExe" };

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			const char *v = field(st, keys[i]);

			printf("%s: %s\n", keys[i],
			       v && strlen(v) > 3 && !strcmp(v + strlen(v) - 3, " kB") ? "kB" : "missing");
		}
	}
	EXPECT(field(st, "FDSize") && atoi(field(st, "FDSize")) >= 3);
	EXPECT(field(st, "Groups") != NULL);
	EXPECT(field(st, "Cpus_allowed_list") != NULL);
	EXPECT(field(st, "voluntary_ctxt_switches") != NULL);
	EXPECT(field(st, "SigQ") && strchr(field(st, "SigQ"), '/'));
	free(st);
	return 0;
}
