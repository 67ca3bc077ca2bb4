/* SA_SIGINFO: si_code and sender fields for kill (SI_USER), sigqueue
 * (SI_QUEUE with a value) and tgkill (SI_TKILL). */
#include "../common.h"

static siginfo_t got;
static volatile int ran;

static void h(int sig, siginfo_t *si, void *uc)
{
	got = *si;
	ran++;
}

static void show(const char *label)
{
	printf("%s: ran=%d signo=%d code=%d pid-is-self=%d uid=%d\n", label, ran,
	       got.si_signo, got.si_code, got.si_pid == getpid(), (int)got.si_uid);
}

int main(void)
{
	struct sigaction sa = { 0 };
	union sigval v = { .sival_int = 1234 };

	sa.sa_sigaction = h;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGRTMIN, &sa, NULL);

	kill(getpid(), SIGUSR2);
	show("kill");
	sigqueue(getpid(), SIGRTMIN, v);
	show("sigqueue");
	printf("value=%d\n", got.si_value.sival_int);
	syscall(SYS_tgkill, getpid(), gettid(), SIGUSR2);
	show("tgkill");
	raise(SIGUSR2);
	show("raise");
	return 0;
}
