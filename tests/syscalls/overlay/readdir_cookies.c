/* telldir/seekdir on a merged directory: cookies stay valid while the
 * directory changes; an entry is never returned twice. */
#include "ovl.h"

int main(void)
{
	char name[64];
	long mark = -1;
	int seen[40] = { 0 }, dup = 0, count = 0;
	DIR *d;
	struct dirent *e;

	ovl_setup();
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "l%02d", i);
		put(P(L, name), "l");
	}
	ovl_mount();
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "u%02d", i);
		put(P(M, name), "u");
	}
	d = opendir(M);
	for (int i = 0; i < 10 && (e = readdir(d)); i++)
		;
	mark = telldir(d);
	e = readdir(d);
	snprintf(name, sizeof(name), "%.63s", e ? e->d_name : "");
	/* Change the directory under the open stream. */
	SHOWOK(unlink(P(M, "l05")));
	put(P(M, "late"), "x");
	seekdir(d, mark);
	e = readdir(d);
	printf("same entry after seekdir: %s\n", e && !strcmp(e->d_name, name) ? "yes" : "no");
	rewinddir(d);
	while ((e = readdir(d))) {
		int idx = -1;

		if (e->d_name[0] == 'l' && e->d_name[1] != 'a')
			idx = atoi(e->d_name + 1);
		else if (e->d_name[0] == 'u')
			idx = 20 + atoi(e->d_name + 1);
		if (idx >= 0) {
			if (seen[idx]++)
				dup++;
			count++;
		}
	}
	closedir(d);
	printf("entries after rewind: %d, duplicates: %d, l05 seen: %s\n", count, dup,
	       seen[5] ? "yes" : "no");
	ls("final", M);
	ovl_cleanup();
	return 0;
}
