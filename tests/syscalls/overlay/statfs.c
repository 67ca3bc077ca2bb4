/* statfs of an overlay: its own magic, the upper layer's counts. */
#include "ovl.h"
#include <sys/statfs.h>
#include <sys/vfs.h>

int main(void)
{
	struct statfs a, b;

	ovl_setup();
	put(P(L, "f"), "x");
	ovl_mount();
	SHOWOK(statfs(M, &a));
	printf("f_type %#lx\n", (unsigned long)a.f_type);
	SHOWOK(statfs(U, &b));
	EXPECT(a.f_bsize == b.f_bsize);
	EXPECT(a.f_blocks == b.f_blocks);
	EXPECT(a.f_files == b.f_files);
	printf("namelen %ld\n", (long)a.f_namelen);
	SHOWOK(statfs(P(M, "f"), &a));
	printf("file f_type %#lx\n", (unsigned long)a.f_type);
	ovl_cleanup();
	return 0;
}
