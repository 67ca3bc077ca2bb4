/* MAP_FIXED replaces existing pages (the new pages read as zero),
 * MAP_FIXED_NOREPLACE refuses with EEXIST, and an address hint without
 * MAP_FIXED is honoured when free. */
#include "../common.h"
#include <sys/mman.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

int main(void)
{
	char *m = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *r;

	memset(m, 'x', 4 * 4096);
	r = mmap(m + 4096, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	EXPECT(r == m + 4096);
	printf("bytes: %c %d %d %c\n", m[0], m[4096], m[2 * 4096 + 5], m[3 * 4096]);
	r = mmap(m + 4096, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	printf("NOREPLACE over mapping: %s\n", r == MAP_FAILED ? errname(errno) : "mapped");
	munmap(m, 4 * 4096);
	r = mmap(m, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	EXPECT(r == m);
	munmap(m, 4096);
	r = mmap(m + 8192, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(r == m + 8192);
	return 0;
}
