/* Raw futex(2) wrapper shared by the futex tests. */
#include <linux/futex.h>

static inline long futex(void *uaddr, int op, int val, const struct timespec *ts,
			 void *uaddr2, int val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}
