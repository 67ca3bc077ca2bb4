/* copy_file_range(2): offsets pointers vs file positions, the clamp at the
 * source's end, overlapping ranges of one file, flags and file types. */
#include "../common.h"
#include <fcntl.h>
#include <sys/mman.h>

int main(void)
{
	int a, b, p[2];
	loff_t oi, oo;
	char buf[64] = { 0 };

	a = memfd_create("a", 0);
	b = memfd_create("b", 0);
	SHOW(write(a, "0123456789", 10));
	SHOW(pipe(p));
	oi = 2;
	oo = 5;
	SHOW(copy_file_range(a, &oi, b, &oo, 4, 0));
	printf("oi=%lld oo=%lld apos=%lld bpos=%lld\n", (long long)oi, (long long)oo,
	       (long long)lseek(a, 0, SEEK_CUR), (long long)lseek(b, 0, SEEK_CUR));
	SHOW(pread(b, buf, sizeof(buf), 0));
	printf("b=%c%c%c%c%c%.4s\n", buf[0] ? buf[0] : '.', buf[1] ? buf[1] : '.',
	       buf[2] ? buf[2] : '.', buf[3] ? buf[3] : '.', buf[4] ? buf[4] : '.', buf + 5);
	SHOW(lseek(a, 7, SEEK_SET));
	SHOW(copy_file_range(a, NULL, b, NULL, 100, 0));
	printf("apos=%lld bpos=%lld\n", (long long)lseek(a, 0, SEEK_CUR),
	       (long long)lseek(b, 0, SEEK_CUR));
	SHOW(copy_file_range(a, NULL, b, NULL, 100, 0));
	/* Within one file: disjoint is fine, overlapping is EINVAL. */
	oi = 0;
	oo = 20;
	SHOW(copy_file_range(a, &oi, a, &oo, 5, 0));
	oi = 0;
	oo = 2;
	SHOW(copy_file_range(a, &oi, a, &oo, 5, 0));
	SHOW(copy_file_range(a, NULL, b, NULL, 1, 1));
	SHOW(copy_file_range(a, NULL, p[1], NULL, 1, 0));
	SHOW(copy_file_range(p[0], NULL, b, NULL, 1, 0));
	SHOW(copy_file_range(-1, NULL, b, NULL, 1, 0));
	SHOW(copy_file_range(a, NULL, -1, NULL, 1, 0));
	oi = -1;
	SHOW(copy_file_range(a, &oi, b, NULL, 1, 0));
	oi = 0;
	SHOW(copy_file_range(a, &oi, b, NULL, 0, 0));
	SHOW(copy_file_range(a, (loff_t *)8, b, NULL, 1, 0));
	SHOW(fcntl(b, F_SETFL, O_APPEND));
	SHOW(copy_file_range(a, &oi, b, NULL, 1, 0));
	{
		int ro = open("/proc/self/exe", O_RDONLY);

		SHOW(copy_file_range(a, NULL, ro, NULL, 1, 0));
		close(ro);
	}
	return 0;
}
