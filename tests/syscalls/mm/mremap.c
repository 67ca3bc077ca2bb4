/* mremap: grow in place, grow by moving (MREMAP_MAYMOVE) with contents
 * kept, shrink, move to a fixed address (MREMAP_FIXED); the old range
 * faults after a move; ENOMEM when growth is blocked without MAYMOVE. */
#include "../common.h"
#include "mm.h"

int main(void)
{
	char *area = mmap(NULL, 16 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *m, *r;

	probe_setup();
	/* Reserve space, map 2 pages at its start, leave room to grow. */
	munmap(area, 16 * 4096);
	m = mmap(area, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	memset(m, 'a', 2 * 4096);
	r = mremap(m, 2 * 4096, 4 * 4096, 0);
	EXPECT(r == m);
	printf("grown in place: %c %c %d\n", r[0], r[2 * 4096 - 1], r[3 * 4096]);
	/* Block further growth with a mapping just after. */
	mmap(m + 4 * 4096, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	r = mremap(m, 4 * 4096, 8 * 4096, 0);
	printf("blocked growth: %s\n", r == MAP_FAILED ? errname(errno) : "grew");
	r = mremap(m, 4 * 4096, 8 * 4096, MREMAP_MAYMOVE);
	EXPECT(r != MAP_FAILED && r != m);
	printf("moved: %c %c %d; old range: %s\n", r[0], r[4096 + 7], r[7 * 4096],
	       PROBE_R(m));
	m = r;
	r = mremap(m, 8 * 4096, 4096, 0);
	EXPECT(r == m);
	printf("shrunk: %c, beyond: %s\n", r[0], PROBE_R(m + 4096));
	/* The destination is replaced, like MAP_FIXED. */
	char *dest = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	r = mremap(m, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, dest);
	EXPECT(r == dest);
	if (r == dest)
		printf("fixed move: %c, old: %s\n", r[0], PROBE_R(m));
	r = mremap(dest + 1, 4096, 8192, MREMAP_MAYMOVE);
	printf("unaligned: %s\n", r == MAP_FAILED ? errname(errno) : "ok");
	r = mremap(dest, 4096, 8192, MREMAP_FIXED, area);
	printf("FIXED without MAYMOVE: %s\n", r == MAP_FAILED ? errname(errno) : "ok");
	r = mremap(dest, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, dest);
	printf("overlapping FIXED: %s\n", r == MAP_FAILED ? errname(errno) : "ok");
	munmap(dest, 4096);
	r = mremap(dest, 4096, 8192, MREMAP_MAYMOVE);
	printf("unmapped source: %s\n", r == MAP_FAILED ? errname(errno) : "ok");
	r = mremap(m, 0, 4096, MREMAP_MAYMOVE);
	printf("zero old size, unmapped: %s\n", r == MAP_FAILED ? errname(errno) : "ok");
	return 0;
}
