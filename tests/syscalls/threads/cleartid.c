/* Raw clone of a thread with CLONE_PARENT_SETTID|CLONE_CHILD_SETTID|
 * CLONE_CHILD_CLEARTID: both tid words hold the new tid, and the child's
 * word is zeroed (and futex-woken) when it exits. Plus set_tid_address. */
#include "../common.h"
#include <linux/futex.h>
#include <sched.h>

static volatile pid_t ptid, ctid = -1;
static volatile int child_saw_tid;

static int child(void *arg)
{
	child_saw_tid = (ctid == gettid());
	return 0;
}

int main(void)
{
	size_t sz = 256 * 1024;
	char *stack = malloc(sz);
	int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
		    CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID |
		    CLONE_CHILD_CLEARTID;
	pid_t tid;
	int spins = 0;

	tid = clone(child, stack + sz, flags, NULL, &ptid, NULL, &ctid);
	EXPECT(tid > 0);
	/* The parent's copy is written before clone returns. */
	EXPECT(ptid == tid);
	/* Wait for the clear, on the futex if the child has not exited yet. */
	while (ctid != 0 && spins++ < 1000) {
		pid_t v = ctid;

		if (v)
			syscall(SYS_futex, &ctid, FUTEX_WAIT, v, NULL, NULL, 0);
	}
	EXPECT(ctid == 0);
	EXPECT(child_saw_tid);
	return 0;
}
