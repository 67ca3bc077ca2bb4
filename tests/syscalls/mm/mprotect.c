/* mprotect: PROT_NONE makes reads and writes fault with SEGV_ACCERR,
 * PROT_READ faults writes only, restoring PROT_READ|PROT_WRITE keeps the
 * data; splitting a mapping in the middle; errors for unaligned/unmapped. */
#include "../common.h"
#include "mm.h"

int main(void)
{
	char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *hole = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	probe_setup();
	munmap(hole, 4096);
	memset(m, 'd', 3 * 4096);
	SHOW(mprotect(m + 4096, 4096, PROT_NONE));
	printf("none: read %s, write %s; neighbours: %s %s\n", PROBE_R(m + 4096),
	       PROBE_W(m + 4096 + 100), PROBE_W(m), PROBE_W(m + 2 * 4096));
	SHOW(mprotect(m + 4096, 4096, PROT_READ));
	printf("read-only: read %s, write %s, byte %c\n", PROBE_R(m + 4096),
	       PROBE_W(m + 4096 + 1), m[4096 + 1]);
	SHOW(mprotect(m, 3 * 4096, PROT_READ | PROT_WRITE));
	printf("restored: write %s, byte %c\n", PROBE_W(m + 4096 + 2), m[4096 + 3]);
	SHOW(mprotect(m + 1, 4096, PROT_READ));
	SHOW(mprotect(hole, 4096, PROT_READ));
	SHOW(mprotect(m, 4096, 0x1000));
	SHOW(mprotect(m, 0, PROT_READ));
	/* PROT_EXEC on an anonymous page: copy a function body and run it. */
	unsigned char code[] = { 0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3 };	/* mov $42,%eax; ret */
	memcpy(m + 2 * 4096, code, sizeof(code));
	SHOW(mprotect(m + 2 * 4096, 4096, PROT_READ | PROT_EXEC));
	printf("generated code returns %d\n", ((int (*)(void))(m + 2 * 4096))());
	return 0;
}
