/* Changing credentials clears the dumpable flag and the parent-death
 * signal when the effective or filesystem uid or gid changes, or when
 * the permitted capabilities grow (kernel/cred.c commit_creds; with
 * fs.suid_dumpable 0). Changes that keep those ids leave both alone.
 * Each case runs in a child forked from a dumpable parent that set
 * PR_SET_PDEATHSIG. */
#include "../common.h"

#include <grp.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>

static void report(const char *what, long r)
{
	int sig = -1;

	prctl(PR_GET_PDEATHSIG, &sig);
	printf("%-40s ret %s dumpable %d pdeathsig %d\n", what, r < 0 ? errname(errno) : "ok",
	       prctl(PR_GET_DUMPABLE), sig);
}

#define CASE(label, prep, call)                                                     \
	do {                                                                        \
		pid_t p_ = fork();                                                  \
		if (p_ == 0) {                                                      \
			prctl(PR_SET_PDEATHSIG, SIGUSR1);                           \
			prep;                                                       \
			errno = 0;                                                  \
			long r_ = (long)(call);                                     \
			report(label, r_);                                          \
			_exit(0);                                                   \
		}                                                                   \
		waitpid(p_, NULL, 0);                                               \
	} while (0)

int main(void)
{
	if (getuid() != 0) {
		printf("needs root\n");
		return 0;
	}
	printf("start dumpable %d\n", prctl(PR_GET_DUMPABLE));
	/* Ids changed. */
	CASE("setresuid 2000 keepcaps", prctl(PR_SET_KEEPCAPS, 1), setresuid(2000, 2000, 2000));
	CASE("setresuid 2000", (void)0, setresuid(2000, 2000, 2000));
	CASE("setuid 2000", (void)0, setuid(2000));
	CASE("seteuid 2000", (void)0, seteuid(2000));
	CASE("setreuid 2000,-1 (euid same)", (void)0, setreuid(2000, -1));
	CASE("setresuid 2000,0,0 (ruid only)", (void)0, setresuid(2000, 0, 0));
	CASE("setresuid -1,-1,2000 (suid only)", (void)0, setresuid(-1, -1, 2000));
	CASE("setgid 3000", (void)0, setgid(3000));
	CASE("setegid 3000", (void)0, setegid(3000));
	CASE("setresgid 3000,0,0 (rgid only)", (void)0, setresgid(3000, 0, 0));
	CASE("setfsuid 2000", (void)0, setfsuid(2000));
	CASE("setfsgid 3000", (void)0, setfsgid(3000));
	CASE("setfsuid 0 (same)", (void)0, setfsuid(0));
	/* Nothing that matters changed. */
	CASE("setuid 0 (same)", (void)0, setuid(0));
	CASE("setgid 0 (same)", (void)0, setgid(0));
	CASE("setgroups", (void)0, setgroups(0, NULL));
	/* Back to root: euid changes again (and permitted grows). */
	CASE("seteuid 2000 then dumpable 1, seteuid 0",
	     (seteuid(2000), prctl(PR_SET_DUMPABLE, 1), prctl(PR_SET_PDEATHSIG, SIGUSR1)),
	     seteuid(0));
	/* Failed changes change nothing. */
	CASE("unprivileged setuid 0 fails",
	     (setresuid(2000, 2000, 2000), prctl(PR_SET_DUMPABLE, 1),
	      prctl(PR_SET_PDEATHSIG, SIGUSR1)),
	     setuid(0));
	/* The flag is the process's: a child inherits a cleared one. */
	{
		pid_t p = fork();

		if (p == 0) {
			prctl(PR_SET_DUMPABLE, 0);
			if (fork() == 0) {
				printf("child of non-dumpable: dumpable %d\n", prctl(PR_GET_DUMPABLE));
				_exit(0);
			}
			wait(NULL);
			_exit(0);
		}
		waitpid(p, NULL, 0);
	}
	printf("parent dumpable %d\n", prctl(PR_GET_DUMPABLE));
	return 0;
}
