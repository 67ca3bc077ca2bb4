/* /proc/self/auxv against getauxval, and reading another process's
 * memory-backed files. */
#include "procutil.h"
#include <sys/auxv.h>

int main(void)
{
	size_t n;
	unsigned long *v = (unsigned long *)readfile_n("/proc/self/auxv", &n);
	int found = 0, ok = 1;

	if (!v)
		return 1;
	for (size_t i = 0; i + 1 < n / sizeof(long); i += 2) {
		unsigned long k = v[i];

		if (k == AT_NULL) {
			printf("AT_NULL last: %s\n", (i + 2) * sizeof(long) == n ? "yes" : "no");
			break;
		}
		if (k == AT_PAGESZ || k == AT_ENTRY || k == AT_PHDR || k == AT_PHNUM ||
		    k == AT_UID || k == AT_RANDOM || k == AT_SYSINFO_EHDR) {
			found++;
			if (getauxval(k) != v[i + 1])
				ok = 0;
		}
	}
	printf("found=%d ok=%d\n", found, ok);
	printf("size multiple of 16: %s\n", n % 16 ? "no" : "yes");
	return 0;
}
