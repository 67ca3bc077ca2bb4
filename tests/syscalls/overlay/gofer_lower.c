/* An overlay whose lower layer is another filesystem (the test fixtures:
 * the host's disk natively, the gofer in the sandbox) and whose upper is
 * a tmpfs: reads, copy-up across filesystems, whiteouts; the fixture
 * files are never changed. */
#include "ovl.h"
#include <sys/mman.h>

int main(void)
{
	char opts[PATH_MAX * 2], lower[PATH_MAX];
	char *m;
	int fd;

	if (!realpath(data_path("dir"), lower)) {
		printf("no fixtures: %s\n", errname(errno));
		return 1;
	}
	ovl_setup();
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", lower, U, W);
	if (ovl_mount_opts(opts) < 0)
		return 1;
	ls("merged", M);
	ls("merged/sub", P(M, "sub"));
	cat("alpha", P(M, "alpha"));
	cat("link", P(M, "link"));

	fd = open(P(M, "beta"), O_RDWR);
	SHOWOK(fd);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m != MAP_FAILED) {
		m[0] = 'B';
		munmap(m, 4096);
	}
	close(fd);
	cat("beta merged", P(M, "beta"));
	cat("beta upper", P(U, "beta"));
	SHOWOK(unlink(P(M, "gamma")));
	EXPECT(is_whiteout(P(U, "gamma")));
	SHOWOK(rename(P(M, "alpha"), P(M, "sub/alpha")));
	put(P(M, "sub/new"), "new");
	SHOW(rename(P(M, "sub"), P(M, "sub2")));
	ls("merged after", M);
	ls("merged/sub after", P(M, "sub"));
	ls("upper", U);
	/* The host files are as they were. */
	cat("fixture beta", P(lower, "beta"));
	cat("fixture alpha", P(lower, "alpha"));
	ls("fixture dir", lower);
	ovl_cleanup();
	return 0;
}
