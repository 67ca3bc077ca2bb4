/* futex argument errors: unknown op ENOSYS, misaligned address EINVAL,
 * bad address EFAULT, bad timespec EINVAL. */
#include "../common.h"
#include "futex.h"
#include <sys/mman.h>

int main(void)
{
	int words[2] = { 0, 0 };
	char *p = (char *)words;
	void *unmapped = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	munmap(unmapped, 4096);
	SHOW(futex(words, 99, 0, NULL, NULL, 0));
	SHOW(futex(p + 1, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
	SHOW(futex(p + 1, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
	SHOW(futex(unmapped, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
	SHOW(futex(NULL, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
	SHOW(futex(words, FUTEX_WAIT_PRIVATE, 0, (void *)8, NULL, 0));
	SHOW(futex(words, FUTEX_WAKE_PRIVATE, 0, NULL, NULL, 0));
	SHOW(futex(words, FUTEX_WAKE_PRIVATE, -1, NULL, NULL, 0));
	return 0;
}
