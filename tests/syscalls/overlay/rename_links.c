/* rename(2) between two names of one inode does nothing, through the
 * overlay as natively; a renamed open file keeps working. */
#include "ovl.h"

int main(void)
{
	int fd;

	ovl_setup();
	put(P(L, "a"), "A");
	ovl_mount();

	SHOWOK(link(P(M, "a"), P(M, "b")));
	SHOWOK(rename(P(M, "a"), P(M, "b")));
	ls("merged", M);
	ls("upper", U);
	SHOWOK(rename(P(M, "b"), P(M, "b")));
	fd = open(P(M, "b"), O_RDWR | O_APPEND);
	SHOWOK(rename(P(M, "b"), P(M, "c")));
	SHOW(write(fd, "+", 1));
	close(fd);
	cat("a", P(M, "a"));
	cat("c", P(M, "c"));
	ls("merged end", M);
	ls("upper end", U);
	ovl_cleanup();
	return 0;
}
