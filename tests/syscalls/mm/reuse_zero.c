/* Memory given back reads as zero when handed out again: pages a process
 * dirtied and unmapped, or that a child dirtied before it exited, come
 * back zero-filled in new anonymous mappings and in brk (the sandbox
 * keeps freed pages and clears them on reuse). */
#include "../common.h"
#include <sys/mman.h>

#define LEN (8ul << 20)

static int all_zero(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i += 8)
		if (*(const uint64_t *)(p + i))
			return 0;
	return 1;
}

static void dirty_and_unmap(unsigned char fill)
{
	unsigned char *m = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		exit(2);
	memset(m, fill, LEN);
	munmap(m, LEN);
}

int main(void)
{
	int ok = 1;
	pid_t pid;

	for (int round = 0; round < 4; round++) {
		unsigned char *m;

		dirty_and_unmap((unsigned char)(0x11 * (round + 1)));
		m = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			exit(2);
		ok &= all_zero(m, LEN);
		memset(m, 0xee, LEN / 2);
		munmap(m, LEN);
	}
	printf("fresh mappings after unmaps read zero: %d\n", ok);

	pid = fork();
	if (pid == 0) {
		unsigned char *m = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED)
			_exit(2);
		memset(m, 0x5a, LEN);
		_exit(0);  /* its pages are freed with it */
	}
	reap(pid, "child that dirtied 8 MiB");
	{
		unsigned char *m = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		unsigned char *b = sbrk(0);

		printf("mapping after the child exited reads zero: %d\n", m != MAP_FAILED && all_zero(m, LEN));
		if (sbrk(1 << 20) == (void *)-1)
			exit(2);
		printf("brk growth reads zero: %d\n", all_zero(b, 1 << 20));
	}
	return 0;
}
