/* /proc/self/smaps for a private anonymous mapping whose pages were all
 * written, one untouched, and smaps_rollup's header. */
#include "procutil.h"
#include <sys/mman.h>

static void show_vma(const char *smaps, unsigned long start, const char *label)
{
	char hdr[32];
	const char *p, *end;

	snprintf(hdr, sizeof(hdr), "%08lx-", start);
	p = strstr(smaps, hdr);
	if (!p) {
		printf("%s: not found\n", label);
		return;
	}
	p = strchr(p, '\n') + 1;
	end = strstr(p, "VmFlags:");
	end = strchr(end, '\n');
	{
		char *block = strndup(p, (size_t)(end - p + 1));
		const char *keys[] = { "Size", "KernelPageSize", "Rss", "Pss", "Private_Dirty",
				       "Anonymous", "Swap", "Locked" };

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			printf("%s: %s=%s\n", label, keys[i], field(block, keys[i]));
		{
			const char *vf = field(block, "VmFlags");

			printf("%s: rd=%d wr=%d ex=%d sh=%d\n", label, strstr(vf, "rd ") != NULL,
			       strstr(vf, "wr ") != NULL, strstr(vf, "ex ") != NULL,
			       strstr(vf, "sh ") != NULL);
		}
		{
			/* The layout: name padded to 16, value right-aligned in 8. */
			const char *l = strstr(block, "Size:");

			printf("%s: size line [%.27s]\n", label, l);
		}
		free(block);
	}
}

int main(void)
{
	unsigned char *a, *b;
	char *s;

	a = mmap(NULL, 5 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) + 4096;
	mmap(a, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	memset(a, 1, 3 * 4096);
	b = mmap(NULL, 5 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) + 4096;
	mmap(b, 2 * 4096, PROT_READ, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	s = readfile("/proc/self/smaps");
	show_vma(s, (unsigned long)a, "written");
	show_vma(s, (unsigned long)b, "untouched shared");
	free(s);
	s = readfile("/proc/self/smaps_rollup");
	EXPECT(s && strstr(s, " ---p 00000000 00:00 0 ") && strstr(s, "[rollup]\n"));
	EXPECT(s && field(s, "Rss") && field(s, "Pss_Anon") && field(s, "Anonymous"));
	free(s);
	return 0;
}
