/* madvise(MADV_DONTNEED): private anonymous pages read back as zero, shared
 * anonymous pages keep their data, private file pages revert to the file;
 * bad advice is EINVAL. */
#include "../common.h"
#include "mm.h"
#include <fcntl.h>

int main(void)
{
	char *pr = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int fd = open(data_path("pages.bin"), O_RDONLY);
	char *fm = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);

	memset(pr, 'z', 3 * 4096);
	memset(sh, 's', 4096);
	memset(fm + 4096, 'w', 4096);
	SHOW(madvise(pr + 4096, 4096, MADV_DONTNEED));
	printf("private: %c %d %c\n", pr[0], pr[4096], pr[2 * 4096]);
	SHOW(madvise(sh, 4096, MADV_DONTNEED));
	printf("shared: %c\n", sh[0]);
	printf("file before: %c\n", fm[4096]);
	SHOW(madvise(fm, 3 * 4096, MADV_DONTNEED));
	printf("file after: %c %c %c\n", fm[0], fm[4096], fm[2 * 4096]);
	SHOW(madvise(pr, 4096, MADV_WILLNEED));
	SHOW(madvise(pr, 4096, MADV_NORMAL));
	SHOW(madvise(pr + 1, 4096, MADV_DONTNEED));
	SHOW(madvise(pr, 4096, 12345));
	return 0;
}
