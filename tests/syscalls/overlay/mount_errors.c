/* mount(2) of an overlay: option errors as Linux gives them, the work
 * directory it prepares, a read-only overlay without upperdir. */
#include "ovl.h"

static void try(const char *label, const char *fmt)
{
	char opts[512];

	/* fmt uses %1$s..%4$s for lower, upper, work and base. */
	snprintf(opts, sizeof(opts), fmt, L, U, W, ovl_base);
	errno = 0;
	if (mount("overlay", M, "overlay", 0, opts) == 0) {
		printf("%s: ok\n", label);
		umount(M);
	} else {
		printf("%s: %s\n", label, errname(errno));
	}
}

int main(void)
{
	int fd;

	ovl_setup();
	put(P(L, "f"), "f");
	mkdir(P(ovl_base, "other"), 0755);

	try("no options", "");
	try("no lowerdir", "upperdir=%2$s,workdir=%3$s");
	try("upper without work", "lowerdir=%1$s,upperdir=%2$s");
	try("missing lower", "lowerdir=%4$s/nope,upperdir=%2$s,workdir=%3$s");
	try("lower is a file", "lowerdir=%1$s/f,upperdir=%2$s,workdir=%3$s");
	try("unknown option", "lowerdir=%1$s,upperdir=%2$s,workdir=%3$s,bogus");
	try("work inside upper", "lowerdir=%1$s,upperdir=%2$s,workdir=%2$s");
	try("redirect_dir=off", "lowerdir=%1$s,upperdir=%2$s,workdir=%3$s,redirect_dir=off");
	try("index=off", "lowerdir=%1$s,upperdir=%2$s,workdir=%3$s,index=off");

	/* The work directory gets its own "work" subdirectory. */
	ovl_mount();
	ls("workdir", W);
	st("workdir/work", P(W, "work"));
	umount(M);

	/* Without an upper layer the overlay is read-only. */
	try("lower only", "lowerdir=%1$s");
	{
		char opts[512];

		snprintf(opts, sizeof(opts), "lowerdir=%s:%s/other", L, ovl_base);
		SHOWOK(mount("overlay", M, "overlay", 0, opts));
		cat("ro f", P(M, "f"));
		SHOW(open(P(M, "f"), O_WRONLY));
		SHOW(open(P(M, "g"), O_WRONLY | O_CREAT, 0644));
		SHOW(mkdir(P(M, "d"), 0755));
		SHOW(unlink(P(M, "f")));
		SHOW(chmod(P(M, "f"), 0600));
		fd = open(P(M, "f"), O_RDONLY);
		SHOWOK(fd);
		close(fd);
		umount(M);
	}
	/* Overlapping layers; a workdir on another filesystem. */
	try("lower twice", "lowerdir=%1$s:%1$s");
	try("lower inside lower", "lowerdir=%1$s:%4$s");
	try("upper inside lower", "lowerdir=%4$s,upperdir=%2$s,workdir=%3$s");
	mount("tmpfs", P(ovl_base, "other"), "tmpfs", 0, NULL);
	mkdir(P(ovl_base, "other/w"), 0755);
	try("work on another fs", "lowerdir=%1$s,upperdir=%2$s,workdir=%4$s/other/w");
	umount(P(ovl_base, "other"));
	ovl_cleanup();
	return 0;
}
