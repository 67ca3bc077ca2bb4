/* st_dev and st_ino with every layer on one filesystem (Linux's default
 * configuration): the overlay's device for everything, inode numbers of
 * the lower objects kept through copy-up, readdir's d_ino equal to
 * st_ino, merged directories with one link. */
#include "ovl.h"

static struct stat S(const char *p)
{
	struct stat s;

	memset(&s, 0, sizeof(s));
	if (lstat(p, &s) < 0)
		printf("lstat %s: %s\n", p, errname(errno));
	return s;
}

static void check_dino(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int bad = 0, n = 0;

	while ((e = readdir(d))) {
		char p[512];

		if (!strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (S(p).st_ino != e->d_ino) {
			printf("d_ino of %s differs\n", e->d_name);
			bad++;
		}
		n++;
	}
	closedir(d);
	printf("%s: %d entries, d_ino matches: %s\n", dir == M ? "root" : "sub", n,
	       bad ? "no" : "yes");
}

int main(void)
{
	struct stat root, lf, ld, mf, md, mf2, md2, mn, un, ml;

	ovl_setup();
	put(P(L, "f"), "f");
	mkdir(P(L, "d"), 0755);
	put(P(L, "d/x"), "x");
	put(P(L, "p"), "p");
	link(P(L, "p"), P(L, "q"));
	ovl_mount();

	root = S(M);
	lf = S(P(L, "f"));
	ld = S(P(L, "d"));
	mf = S(P(M, "f"));
	md = S(P(M, "d"));
	EXPECT(mf.st_dev == root.st_dev);
	EXPECT(md.st_dev == root.st_dev);
	EXPECT(mf.st_dev != lf.st_dev);
	EXPECT(mf.st_ino == lf.st_ino);
	EXPECT(md.st_ino == ld.st_ino);
	printf("lower dir nlink %ld\n", (long)md.st_nlink);
	printf("root nlink %ld\n", (long)root.st_nlink);
	check_dino(M);

	/* Copy-up keeps st_ino; the directory becomes merged (nlink 1). */
	put(P(M, "d/new"), "n");
	chmod(P(M, "f"), 0600);
	mf2 = S(P(M, "f"));
	md2 = S(P(M, "d"));
	EXPECT(mf2.st_ino == mf.st_ino);
	EXPECT(mf2.st_ino != S(P(U, "f")).st_ino);
	EXPECT(md2.st_ino == md.st_ino);
	printf("merged dir nlink %ld\n", (long)md2.st_nlink);
	/* New objects: the upper's numbers. */
	mn = S(P(M, "d/new"));
	un = S(P(U, "d/new"));
	EXPECT(mn.st_ino == un.st_ino);
	mkdir(P(M, "nd"), 0755);
	EXPECT(S(P(M, "nd")).st_ino == S(P(U, "nd")).st_ino);
	printf("new dir nlink %ld\n", (long)S(P(M, "nd")).st_nlink);
	/* A lower file with two links gets the upper's number when copied. */
	ml = S(P(M, "p"));
	EXPECT(ml.st_ino == S(P(M, "q")).st_ino);
	chmod(P(M, "p"), 0600);
	EXPECT(S(P(M, "p")).st_ino == S(P(U, "p")).st_ino);
	EXPECT(S(P(M, "p")).st_ino != S(P(M, "q")).st_ino);
	check_dino(M);
	check_dino(P(M, "d"));
	/* The number survives the dentry cache: stat again through a new path. */
	chdir(P(M, "d"));
	EXPECT(S("../f").st_ino == mf.st_ino);
	chdir("/");
	ovl_cleanup();
	return 0;
}
