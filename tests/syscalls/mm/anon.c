/* Anonymous private mappings: zero-filled, readable/writable, page-granular
 * munmap of a hole, access after munmap faults; mmap argument errors. */
#include "../common.h"
#include "mm.h"

int main(void)
{
	char *m;
	int zero = 1;

	probe_setup();
	m = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(m != MAP_FAILED);
	EXPECT(((unsigned long)m & 4095) == 0);
	for (int i = 0; i < 16 * 4096; i++)
		if (m[i])
			zero = 0;
	printf("zero-filled: %d\n", zero);
	for (int i = 0; i < 16; i++)
		m[i * 4096] = 'a' + i;
	SHOW(munmap(m + 4 * 4096, 2 * 4096));
	printf("page 3: %s page 4: %s page 5: %s page 6: %s\n", PROBE_R(m + 3 * 4096),
	       PROBE_R(m + 4 * 4096), PROBE_W(m + 5 * 4096 + 9), PROBE_R(m + 6 * 4096));
	printf("page 3 = %c, page 6 = %c\n", m[3 * 4096], m[6 * 4096]);
	/* munmap of a partly-unmapped range and of nothing both succeed. */
	SHOW(munmap(m + 3 * 4096, 3 * 4096));
	SHOW(munmap(m + 4 * 4096, 4096));
	SHOW(munmap(m + 1, 4096));
	SHOW(munmap(m, 0));
	SHOW(munmap(m, 16 * 4096));
	printf("page 0 after munmap: %s\n", PROBE_R(m));

	SHOW(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	SHOW(mmap(NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0));
	SHOW(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 9999, 0));
	SHOW(mmap((void *)4097, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	SHOW(mmap(NULL, 1UL << 47, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	SHOW(mmap(NULL, -4096UL, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	(void)zero;
	return 0;
}
