/* Large allocations and deep stacks: 64 MiB touched page by page, a 4 MiB
 * stack recursion (the stack grows on demand), realloc growth. */
#include "../common.h"

static long deep(int n)
{
	volatile char pad[4000];

	pad[0] = (char)n;
	if (n == 0)
		return 0;
	return deep(n - 1) + pad[0] % 2;
}

int main(void)
{
	size_t sz = 64 << 20;
	unsigned char *p = malloc(sz);
	unsigned long sum = 0;

	for (size_t i = 0; i < sz; i += 4096)
		p[i] = (unsigned char)(i >> 12);
	for (size_t i = 0; i < sz; i += 4096)
		sum += p[i];
	printf("sum %lu\n", sum);
	free(p);
	printf("deep %ld\n", deep(1000));
	char *r = NULL;
	for (int i = 1; i <= 20; i++) {
		r = realloc(r, (size_t)i << 20);
		r[((size_t)i << 20) - 1] = (char)i;
	}
	printf("realloc last byte %d, earlier %d\n", r[(20 << 20) - 1], r[(10 << 20) - 1]);
	return 0;
}
