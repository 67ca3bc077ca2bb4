/* Shared set-up of the overlay tests: in a private mount namespace, a
 * tmpfs on a fresh /tmp directory holding lower/, upper/, work/ and
 * merged/; the test populates lower (and maybe upper) and mounts the
 * overlay on merged. Natively this is the host kernel's overlayfs. */
#ifndef TESTS_SYSCALLS_OVERLAY_OVL_H
#define TESTS_SYSCALLS_OVERLAY_OVL_H
#include "../common.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <grp.h>

static char ovl_base[64], L[128], U[128], W[128], M[128];

/* Path under one of the directories: P(M, "a/b"). */
static inline const char *P(const char *dir, const char *rel)
{
	static char buf[8][512];
	static int n;
	char *b = buf[n++ & 7];

	snprintf(b, 512, "%s/%s", dir, rel);
	return b;
}

static inline void die(const char *what)
{
	printf("setup: %s: %s\n", what, errname(errno));
	exit(1);
}

static inline void ovl_setup(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		die("unshare");
	if (mount("", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("make-rprivate");
	strcpy(ovl_base, "/tmp/ovl-XXXXXX");
	if (!mkdtemp(ovl_base))
		die("mkdtemp");
	if (mount("tmpfs", ovl_base, "tmpfs", 0, "mode=755") < 0)
		die("mount tmpfs");
	snprintf(L, sizeof(L), "%s/lower", ovl_base);
	snprintf(U, sizeof(U), "%s/upper", ovl_base);
	snprintf(W, sizeof(W), "%s/work", ovl_base);
	snprintf(M, sizeof(M), "%s/merged", ovl_base);
	if (mkdir(L, 0755) || mkdir(U, 0755) || mkdir(W, 0755) || mkdir(M, 0755))
		die("mkdir layers");
}

static inline int ovl_mount_opts(const char *opts)
{
	int r = mount("overlay", M, "overlay", 0, opts);

	if (r < 0)
		printf("mount overlay: %s\n", errname(errno));
	return r;
}

static inline void ovl_mount(void)
{
	char opts[512];

	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", L, U, W);
	if (ovl_mount_opts(opts) < 0)
		exit(1);
}

static inline void ovl_cleanup(void)
{
	umount2(M, MNT_DETACH);
	umount2(ovl_base, MNT_DETACH);
	rmdir(ovl_base);
}

static inline void put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die(path);
	close(fd);
}

/* The file's text (or the errno name) on one line. */
static inline void cat(const char *label, const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		printf("%s: open %s\n", label, errname(errno));
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		printf("%s: read %s\n", label, errname(errno));
		return;
	}
	buf[n] = 0;
	printf("%s: [%s]\n", label, buf);
}

static inline char ftype(mode_t m)
{
	return S_ISREG(m) ? 'f' : S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c'
	       : S_ISBLK(m) ? 'b' : S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '?';
}

/* Type, permissions, owner, size (and device numbers of device nodes). */
static inline void st(const char *label, const char *path)
{
	struct stat s;

	if (lstat(path, &s) < 0) {
		printf("%s: %s\n", label, errname(errno));
		return;
	}
	if (S_ISCHR(s.st_mode) || S_ISBLK(s.st_mode))
		printf("%s: %c %04o %u:%u dev %u:%u\n", label, ftype(s.st_mode),
		       s.st_mode & 07777, s.st_uid, s.st_gid, major(s.st_rdev), minor(s.st_rdev));
	else
		printf("%s: %c %04o %u:%u size %lld\n", label, ftype(s.st_mode), s.st_mode & 07777,
		       s.st_uid, s.st_gid, (long long)(S_ISDIR(s.st_mode) ? 0 : s.st_size));
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted entry names of a directory with their d_type letters. */
static inline void ls(const char *label, const char *path)
{
	char *names[256];
	int n = 0;
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d) {
		printf("%s: %s\n", label, errname(errno));
		return;
	}
	while ((e = readdir(d)) && n < 256) {
		char t = e->d_type == DT_REG ? 'f' : e->d_type == DT_DIR ? 'd' : e->d_type == DT_LNK ? 'l'
			 : e->d_type == DT_CHR ? 'c' : e->d_type == DT_FIFO ? 'p' : '?';
		char *s = malloc(strlen(e->d_name) + 3);

		sprintf(s, "%s:%c", e->d_name, t);
		names[n++] = s;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmpstr);
	printf("%s:", label);
	for (int i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

/* Is path a whiteout (0:0 character device)? */
static inline int is_whiteout(const char *path)
{
	struct stat s;

	return lstat(path, &s) == 0 && S_ISCHR(s.st_mode) && s.st_rdev == makedev(0, 0);
}

#endif
