/* Setting an xattr copies up with the existing ones; removing one that
 * is not there does not copy up; the overlay's own xattrs are escaped. */
#include "ovl.h"

static void list(const char *label, const char *path)
{
	char buf[512], *names[32];
	ssize_t n = listxattr(path, buf, sizeof(buf));
	int k = 0;

	if (n < 0) {
		printf("%s: %s\n", label, errname(errno));
		return;
	}
	for (char *p = buf; p < buf + n && k < 32; p += strlen(p) + 1)
		names[k++] = p;
	qsort(names, k, sizeof(names[0]), cmpstr);
	printf("%s:", label);
	for (int i = 0; i < k; i++)
		printf(" %s", names[i]);
	printf("\n");
}

int main(void)
{
	char buf[64];

	ovl_setup();
	put(P(L, "f"), "data");
	setxattr(P(L, "f"), "user.a", "1", 1, 0);
	setxattr(P(L, "f"), "trusted.t", "tt", 2, 0);
	put(P(L, "g"), "g");
	setxattr(P(L, "g"), "user.keep", "k", 1, 0);
	mkdir(P(L, "d"), 0755);
	ovl_mount();

	list("merged f", P(M, "f"));
	SHOWOK(setxattr(P(M, "f"), "user.b", "22", 2, 0));
	list("merged f", P(M, "f"));
	list("upper f", P(U, "f"));
	list("lower f", P(L, "f"));
	cat("upper f", P(U, "f"));
	SHOW(setxattr(P(M, "f"), "user.b", "33", 2, XATTR_CREATE));
	SHOWOK(setxattr(P(M, "f"), "user.b", "33", 2, XATTR_REPLACE));
	memset(buf, 0, sizeof(buf));
	SHOW(getxattr(P(M, "f"), "user.b", buf, sizeof(buf)));
	printf("user.b = [%s]\n", buf);

	/* Removing what is not there: ENODATA, and g stays below. */
	SHOW(removexattr(P(M, "g"), "user.none"));
	st("upper g", P(U, "g"));
	SHOWOK(removexattr(P(M, "g"), "user.keep"));
	list("merged g", P(M, "g"));
	list("lower g", P(L, "g"));

	/* The overlay's own namespace, through the overlay. */
	SHOW(getxattr(P(M, "d"), "trusted.overlay.opaque", buf, sizeof(buf)));
	SHOWOK(setxattr(P(M, "d"), "trusted.overlay.mine", "m", 1, 0));
	list("merged d", P(M, "d"));
	list("upper d", P(U, "d"));
	memset(buf, 0, sizeof(buf));
	SHOW(getxattr(P(M, "d"), "trusted.overlay.mine", buf, sizeof(buf)));
	ovl_cleanup();
	return 0;
}
