/* POSIX timers: timer_create with SIGEV_SIGNAL delivers the chosen signal
 * with SI_TIMER and the sigev_value; timer_gettime, overrun, periodic
 * timers, timer_delete; invalid ids and clocks are EINVAL. */
#include "../common.h"

static volatile int fired;
static siginfo_t got;

static void h(int sig, siginfo_t *si, void *uc)
{
	got = *si;
	fired++;
}

int main(void)
{
	struct sigaction sa = { 0 };
	struct sigevent sev = { 0 };
	struct itimerspec its = { { 0, 0 }, { 0, 30000000 } }, cur;
	timer_t t;
	sigset_t empty;

	sigemptyset(&empty);
	sa.sa_sigaction = h;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGUSR1;
	sev.sigev_value.sival_int = 4321;
	SHOW(timer_create(CLOCK_MONOTONIC, &sev, &t));
	SHOW(timer_gettime(t, &cur));
	printf("disarmed: %ld.%09ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec);
	SHOW(timer_settime(t, 0, &its, NULL));
	timer_gettime(t, &cur);
	EXPECT(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0);
	while (!fired)
		sigsuspend(&empty);
	printf("fired=%d signo=%d code=%d (SI_TIMER=%d) value=%d\n", fired, got.si_signo,
	       got.si_code, SI_TIMER, got.si_value.sival_int);
	SHOW(timer_getoverrun(t));

	fired = 0;
	its.it_interval.tv_nsec = 10000000;
	its.it_value.tv_nsec = 10000000;
	timer_settime(t, 0, &its, NULL);
	while (fired < 3)
		sigsuspend(&empty);
	printf("periodic fired >= 3\n");
	SHOW(timer_delete(t));
	SHOW(timer_delete(t));
	SHOW(timer_settime(t, 0, &its, NULL));
	SHOW(timer_create(12345, &sev, &t));
	sev.sigev_notify = 99;
	SHOW(timer_create(CLOCK_MONOTONIC, &sev, &t));
	/* SIGEV_NONE: no signal, but time runs. */
	sev.sigev_notify = SIGEV_NONE;
	SHOW(timer_create(CLOCK_MONOTONIC, &sev, &t));
	its.it_interval.tv_nsec = 0;
	its.it_value.tv_sec = 100;
	SHOW(timer_settime(t, 0, &its, NULL));
	timer_gettime(t, &cur);
	EXPECT(cur.it_value.tv_sec >= 98 && cur.it_value.tv_sec <= 100);
	return 0;
}
