/* brk: brk(0) reports the break, growing makes zeroed writable memory,
 * shrinking unmaps it, and a request below the start is refused (the break
 * is unchanged). */
#include "../common.h"
#include "mm.h"

int main(void)
{
	char *b0 = (char *)syscall(SYS_brk, 0), *b;

	probe_setup();
	b = (char *)syscall(SYS_brk, b0 + 64 * 4096);
	EXPECT(b == b0 + 64 * 4096);
	int zero = 1;
	for (int i = 0; i < 64 * 4096; i++)
		if (b0[i])
			zero = 0;
	printf("zeroed: %d\n", zero);
	memset(b0, 'h', 64 * 4096);
	EXPECT((char *)syscall(SYS_brk, 0) == b);
	b = (char *)syscall(SYS_brk, b0 + 4096);
	EXPECT(b == b0 + 4096);
	printf("kept: %c; beyond new break: %s\n", b0[100], PROBE_R(b0 + 8 * 4096));
	/* Grow again: the re-grown memory is zero. */
	b = (char *)syscall(SYS_brk, b0 + 16 * 4096);
	printf("regrown byte: %d\n", b0[8 * 4096]);
	b = (char *)syscall(SYS_brk, 4096);
	EXPECT(b == b0 + 16 * 4096);
	b = (char *)syscall(SYS_brk, b0 + (1UL << 46));
	EXPECT(b == b0 + 16 * 4096);
	/* sbrk/malloc still work. */
	char *p = malloc(100000);
	memset(p, 1, 100000);
	printf("malloc ok\n");
	return 0;
}
