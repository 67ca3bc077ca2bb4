/* index=on: the aliases of a lower file with several hard links stay one
 * inode through copy-up (Linux keeps an index of copied-up lower
 * inodes): the origin's st_ino for every name, a link count merged from
 * both layers, data written through one name read through the others.
 * git clone --local checks exactly this after link(2). */
#include "ovl.h"

static struct stat lower_a;

/* Link count and whether the inode is the lower origin's. */
static void show(const char *name)
{
	struct stat s;

	if (stat(P(M, name), &s) < 0) {
		printf("%s: %s\n", name, errname(errno));
		return;
	}
	printf("%s: nlink %ld origin ino %s size %lld\n", name, (long)s.st_nlink,
	       s.st_ino == lower_a.st_ino ? "yes" : "no", (long long)s.st_size);
}

static void append(const char *name, const char *text)
{
	int fd = open(P(M, name), O_WRONLY | O_APPEND);

	if (fd < 0) {
		printf("open %s: %s\n", name, errname(errno));
		return;
	}
	SHOW(write(fd, text, strlen(text)));
	close(fd);
}

int main(void)
{
	char opts[512];
	struct stat s1, s2;
	int fd;

	ovl_setup();
	put(P(L, "a"), "AAA");
	mkdir(P(L, "d"), 0755);
	mkdir(P(L, "e"), 0755);
	link(P(L, "a"), P(L, "d/b"));
	put(P(L, "g"), "GG");
	link(P(L, "g"), P(L, "h"));
	put(P(L, "k"), "KK");
	link(P(L, "k"), P(L, "k2"));
	put(P(L, "x"), "XX");
	link(P(L, "x"), P(L, "e/y"));
	stat(P(L, "a"), &lower_a);
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s,index=on", L, U, W);
	if (ovl_mount_opts(opts) < 0)
		return 1;

	/* Before any copy-up: the lower inode. */
	show("a");
	show("d/b");
	/* link() copies a up; the new name, the old one and the lower alias
	 * (looked up before the copy) are one inode. */
	SHOWOK(link(P(M, "a"), P(M, "c")));
	show("a");
	show("d/b");
	show("c");
	EXPECT(stat(P(M, "c"), &s1) == 0 && stat(P(M, "d/b"), &s2) == 0 &&
	       s1.st_dev == s2.st_dev && s1.st_ino == s2.st_ino);
	/* Written through the alias that is still lower, read through the
	 * others. */
	append("d/b", "bb");
	cat("a", P(M, "a"));
	cat("c", P(M, "c"));
	cat("d/b", P(M, "d/b"));
	cat("lower a", P(L, "a"));
	fd = open(P(M, "c"), O_RDONLY);
	EXPECT(fd >= 0 && fstat(fd, &s1) == 0 && s1.st_ino == lower_a.st_ino && s1.st_nlink == 3);
	close(fd);
	/* Unlinking an alias drops the count everywhere. */
	SHOWOK(unlink(P(M, "d/b")));
	show("a");
	show("c");
	show("d/b");
	SHOWOK(unlink(P(M, "a")));
	show("c");
	cat("c", P(M, "c"));
	EXPECT(is_whiteout(P(U, "a")));
	EXPECT(is_whiteout(P(U, "d/b")));

	/* A pair never looked up before the copy-up: chmod of one copies
	 * it, the other name finds the copy. */
	SHOWOK(chmod(P(M, "x"), 0600));
	EXPECT(stat(P(M, "x"), &s1) == 0 && stat(P(M, "e/y"), &s2) == 0 &&
	       s1.st_ino == s2.st_ino && (s2.st_mode & 07777) == 0600 && s2.st_nlink == 2);
	st("e/y", P(M, "e/y"));
	/* The untouched alias's directory was not copied up by the lookup. */
	EXPECT(access(P(U, "e"), F_OK) < 0);
	SHOWOK(rename(P(M, "e/y"), P(M, "z")));
	EXPECT(stat(P(M, "x"), &s1) == 0 && stat(P(M, "z"), &s2) == 0 &&
	       s1.st_ino == s2.st_ino && s2.st_nlink == 2);

	/* The copied name removed while a lower alias is left: the alias
	 * still shows the copy, and can be written and linked again. */
	SHOWOK(chmod(P(M, "g"), 0640));
	SHOWOK(unlink(P(M, "g")));
	st("h", P(M, "h"));
	EXPECT(stat(P(M, "h"), &s1) == 0 && s1.st_nlink == 1);
	append("h", "hh");
	cat("h", P(M, "h"));
	SHOWOK(link(P(M, "h"), P(M, "g2")));
	EXPECT(stat(P(M, "h"), &s1) == 0 && stat(P(M, "g2"), &s2) == 0 &&
	       s1.st_ino == s2.st_ino && s2.st_nlink == 2);
	cat("lower g", P(L, "g"));
	/* rename(2) between two names of one inode does nothing. */
	SHOWOK(rename(P(M, "k"), P(M, "k2")));
	EXPECT(stat(P(M, "k"), &s1) == 0 && stat(P(M, "k2"), &s2) == 0 &&
	       s1.st_ino == s2.st_ino && s2.st_nlink == 2);
	cat("k2", P(M, "k2"));
	ovl_cleanup();
	return 0;
}
