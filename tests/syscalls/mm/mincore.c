/* mincore: touched pages are resident; unaligned start is EINVAL and an
 * unmapped range ENOMEM; a bad vector is EFAULT. */
#include "../common.h"
#include "mm.h"

int main(void)
{
	char *m = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char vec[4] = { 9, 9, 9, 9 };

	m[0] = 1;
	m[2 * 4096] = 1;
	SHOW(mincore(m, 4 * 4096, vec));
	printf("touched pages resident: %d %d\n", vec[0] & 1, vec[2] & 1);
	SHOW(mincore(m + 1, 4096, vec));
	munmap(m + 3 * 4096, 4096);
	SHOW(mincore(m, 4 * 4096, vec));
	SHOW(mincore(m, 4096, (unsigned char *)8));
	SHOW(mincore(m, 0, vec));
	return 0;
}
