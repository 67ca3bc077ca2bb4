/* setitimer(ITIMER_REAL) delivers SIGALRM once or periodically, getitimer
 * reports the remaining time, alarm() returns the seconds left on the
 * previous alarm and alarm(0) cancels. */
#include "../common.h"
#include <sys/time.h>

static volatile int alarms;

static void h(int sig)
{
	alarms++;
}

int main(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 50000 } }, cur;
	sigset_t empty;

	sigemptyset(&empty);
	signal(SIGALRM, h);
	SHOW(setitimer(ITIMER_REAL, &it, NULL));
	SHOW(getitimer(ITIMER_REAL, &cur));
	EXPECT(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 && cur.it_value.tv_usec <= 50000);
	while (!alarms)
		sigsuspend(&empty);
	printf("one-shot alarms=%d\n", alarms);
	getitimer(ITIMER_REAL, &cur);
	printf("after expiry: %ld.%06ld\n", (long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec);

	/* Periodic: 3 expiries, then stop. */
	alarms = 0;
	it.it_interval.tv_usec = 20000;
	it.it_value.tv_usec = 20000;
	setitimer(ITIMER_REAL, &it, NULL);
	while (alarms < 3)
		sigsuspend(&empty);
	memset(&it, 0, sizeof(it));
	SHOW(setitimer(ITIMER_REAL, &it, &cur));
	EXPECT(cur.it_interval.tv_usec == 20000);
	printf("periodic reached 3\n");

	alarms = 0;
	SHOW(alarm(10));
	EXPECT(alarm(5) >= 9);
	SHOW(alarm(0));
	SHOW(alarm(0));
	SHOW(alarm(1));
	while (!alarms)
		sigsuspend(&empty);
	printf("alarm(1) fired: %d\n", alarms);
	it.it_value.tv_usec = 2000000;
	SHOW(setitimer(ITIMER_REAL, &it, NULL));
	SHOW(setitimer(99, &it, NULL));
	return 0;
}
