/* A directory of many names, several times what the dentry cache keeps
 * (in the sandbox /tmp is part of the overlay root: each name is an
 * overlay inode over a tmpfs one). Creating, finding each twice and
 * removing them stays linear (names are looked up by hash, not by a scan
 * of the directory's children) and evicting cached names in long runs
 * loses nothing. */
#include "vfs.h"

#ifndef N
#define N 20000
#endif

int main(void)
{
	char name[32];
	struct stat st;
	int made = 0, found = 0, sized = 0, gone = 0;

	scratch_enter();
	for (int i = 0; i < N; i++) {
		int fd;

		snprintf(name, sizeof(name), "f%05d", i);
		fd = open(name, O_CREAT | O_WRONLY | O_EXCL, 0644);
		if (fd < 0)
			continue;
		if (write(fd, name, (size_t)(i % 7)) == i % 7)
			made++;
		close(fd);
	}
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < N; i++) {
			snprintf(name, sizeof(name), "f%05d", i);
			if (stat(name, &st) == 0) {
				found++;
				if (st.st_size == i % 7)
					sized++;
			}
		}
	}
	for (int i = N - 1; i >= 0; i--) {
		snprintf(name, sizeof(name), "f%05d", i);
		if (unlink(name) == 0)
			gone++;
	}
	printf("made %d, found %d (%d with their size), removed %d\n", made, found, sized, gone);
	SHOW(stat("f00000", &st));
	scratch_leave();
	return 0;
}
