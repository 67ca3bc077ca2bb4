/* Unit tests of the gofer protocol codec (fs/gofer_proto.c): round trips,
 * and every kind of malformed message the decoder must refuse. Then the
 * server (runsc gofer, spawned over temp directories when we are root):
 * operations, read-only mounts, and that walks never leave the mounts. */
#define _GNU_SOURCE
#include "fs/gofer_proto.h"
#include "runsc/gofer.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

static char buf[GOFER_MSG_MAX];
static struct gofer_msg m, d;

static long enc_walk(uint32_t fid, const char *name)
{
	memset(&m, 0, sizeof(m));
	m.type = GOFER_TWALK;
	m.tag = 7;
	m.f.fid.fid = fid;
	snprintf(m.str[0], sizeof(m.str[0]), "%s", name);
	return gofer_encode(&m, buf, sizeof(buf));
}

START_TEST(roundtrip_walk)
{
	long n = enc_walk(3, "etc");

	ck_assert_int_eq(n, GOFER_HDR_SIZE + 8 + 4 + 3);
	ck_assert_int_eq(gofer_decode(buf, n, &d), 0);
	ck_assert_int_eq(d.type, GOFER_TWALK);
	ck_assert_int_eq(d.tag, 7);
	ck_assert_int_eq(d.f.fid.fid, 3);
	ck_assert_int_eq(d.nstr, 1);
	ck_assert_str_eq(d.str[0], "etc");
}
END_TEST

START_TEST(roundtrip_rename_setxattr)
{
	long n;

	memset(&m, 0, sizeof(m));
	m.type = GOFER_TRENAME;
	m.f.rename = (struct gofer_trename){ 1, 2, RENAME_NOREPLACE, 0 };
	strcpy(m.str[0], "a");
	strcpy(m.str[1], "b");
	n = gofer_encode(&m, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(gofer_decode(buf, n, &d), 0);
	ck_assert_str_eq(d.str[0], "a");
	ck_assert_str_eq(d.str[1], "b");
	ck_assert_int_eq(d.f.rename.flags, RENAME_NOREPLACE);

	memset(&m, 0, sizeof(m));
	m.type = GOFER_TSETXATTR;
	m.f.setxattr.fid = 4;
	strcpy(m.str[0], "user.k");
	m.blob = "value";
	m.bloblen = 5;
	n = gofer_encode(&m, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(gofer_decode(buf, n, &d), 0);
	ck_assert_str_eq(d.str[0], "user.k");
	ck_assert_int_eq(d.bloblen, 5);
	ck_assert(!memcmp(d.blob, "value", 5));
}
END_TEST

START_TEST(roundtrip_replies)
{
	struct stat st = { .st_mode = S_IFREG | 0644, .st_size = 42, .st_nlink = 1 };
	long n;

	memset(&m, 0, sizeof(m));
	m.type = GOFER_REPLY | GOFER_TWALK;
	m.f.rfid.fid = 9;
	gofer_wstat_from(&m.f.rfid.st, &st);
	n = gofer_encode(&m, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(gofer_decode(buf, n, &d), 0);
	ck_assert_int_eq(d.f.rfid.fid, 9);
	ck_assert_int_eq(d.f.rfid.st.size, 42);
	ck_assert(gofer_type_has_fd(GOFER_REPLY | GOFER_TOPEN));
	ck_assert(!gofer_type_has_fd(GOFER_REPLY | GOFER_TWALK));
	ck_assert(!gofer_type_has_fd(GOFER_TOPEN));

	memset(&m, 0, sizeof(m));
	m.type = GOFER_RERROR;
	m.f.error.err = ENOENT;
	n = gofer_encode(&m, buf, sizeof(buf));
	ck_assert_int_eq(gofer_decode(buf, n, &d), 0);
	ck_assert_int_eq(d.f.error.err, ENOENT);
}
END_TEST

START_TEST(bad_lengths)
{
	long n = enc_walk(3, "etc");
	uint32_t len;

	/* Header length disagrees with the packet, either way. */
	ck_assert_int_eq(gofer_decode(buf, n - 1, &d), -EBADMSG);
	memcpy(&len, buf, 4);
	len++;
	memcpy(buf, &len, 4);
	ck_assert_int_eq(gofer_decode(buf, n + 1, &d), -EBADMSG);
	/* Shorter than a header, empty, oversized. */
	ck_assert_int_eq(gofer_decode(buf, 3, &d), -EBADMSG);
	ck_assert_int_eq(gofer_decode(buf, 0, &d), -EBADMSG);
	ck_assert_int_eq(gofer_decode(buf, GOFER_MSG_MAX + 1, &d), -EBADMSG);
	/* A trailing byte after the last item. */
	n = enc_walk(3, "etc");
	len = n + 1;
	memcpy(buf, &len, 4);
	buf[n] = 'x';
	ck_assert_int_eq(gofer_decode(buf, n + 1, &d), -EBADMSG);
	/* The fixed part cut short. */
	memset(&m, 0, sizeof(m));
	m.type = GOFER_TSTAT;
	m.f.fid.fid = 1;
	n = gofer_encode(&m, buf, sizeof(buf));
	len = n - 4;
	memcpy(buf, &len, 4);
	ck_assert_int_eq(gofer_decode(buf, n - 4, &d), -EBADMSG);
}
END_TEST

START_TEST(truncated_names)
{
	long n = enc_walk(3, "passwd");
	uint32_t l;

	/* The name's length says more than the packet holds. */
	memcpy(&l, buf + GOFER_HDR_SIZE + 8, 4);
	l = 100;
	memcpy(buf + GOFER_HDR_SIZE + 8, &l, 4);
	ck_assert_int_eq(gofer_decode(buf, n, &d), -EBADMSG);
	l = 0xffffffff;
	memcpy(buf + GOFER_HDR_SIZE + 8, &l, 4);
	ck_assert_int_eq(gofer_decode(buf, n, &d), -EBADMSG);
	/* No room for the length itself. */
	n = enc_walk(3, "x");
	l = GOFER_HDR_SIZE + 8 + 2;
	memcpy(buf, &l, 4);
	ck_assert_int_eq(gofer_decode(buf, l, &d), -EBADMSG);
}
END_TEST

START_TEST(bad_names)
{
	static const char *bad[] = { "", ".", "..", "a/b", "/", "../etc" };
	char longname[300];
	long n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(enc_walk(3, bad[i]), -EINVAL);
	memset(longname, 'a', 256);
	longname[256] = '\0';
	ck_assert_int_eq(enc_walk(3, longname), -EINVAL);
	longname[255] = '\0';
	ck_assert_int_gt(enc_walk(3, longname), 0);
	/* Forged on the wire: a '/', "..", a NUL inside. */
	n = enc_walk(3, "abc");
	buf[n - 2] = '/';
	ck_assert_int_eq(gofer_decode(buf, n, &d), -EBADMSG);
	n = enc_walk(3, "ab");
	buf[n - 2] = '.';
	buf[n - 1] = '.';
	ck_assert_int_eq(gofer_decode(buf, n, &d), -EBADMSG);
	n = enc_walk(3, "abc");
	buf[n - 2] = '\0';
	ck_assert_int_eq(gofer_decode(buf, n, &d), -EBADMSG);
	/* xattr namespaces other than user. and trusted. */
	ck_assert(gofer_xattr_name_ok("user.a", 6));
	ck_assert(gofer_xattr_name_ok("trusted.a", 9));
	ck_assert(!gofer_xattr_name_ok("security.selinux", 16));
	ck_assert(!gofer_xattr_name_ok("user.", 5));
	ck_assert(!gofer_xattr_name_ok("system.posix_acl_access", 23));
}
END_TEST

START_TEST(bad_fields)
{
	long n;

	/* fid 0 is never a handle. */
	ck_assert_int_eq(enc_walk(0, "a"), -EINVAL);
	n = enc_walk(1, "a");
	memset(buf + GOFER_HDR_SIZE, 0, 4);
	ck_assert_int_eq(gofer_decode(buf, n, &d), -EBADMSG);
	/* Nonzero reserved fields: header and fixed part. */
	n = enc_walk(1, "a");
	buf[6] = 1;
	ck_assert_int_eq(gofer_decode(buf, n, &d), -EBADMSG);
	n = enc_walk(1, "a");
	buf[GOFER_HDR_SIZE + 4] = 1;
	ck_assert_int_eq(gofer_decode(buf, n, &d), -EBADMSG);
	/* Unknown types. */
	n = enc_walk(1, "a");
	buf[4] = GOFER_TCOUNT;
	ck_assert_int_eq(gofer_decode(buf, n, &d), -EBADMSG);
	buf[4] = 0;
	ck_assert_int_eq(gofer_decode(buf, n, &d), -EBADMSG);
	/* Open flags beyond the allowed set; mknod of a device. */
	memset(&m, 0, sizeof(m));
	m.type = GOFER_TOPEN;
	m.f.open = (struct gofer_topen){ 1, O_RDWR | O_CREAT };
	ck_assert_int_eq(gofer_encode(&m, buf, sizeof(buf)), -EINVAL);
	m.f.open.flags = O_ACCMODE;
	ck_assert_int_eq(gofer_encode(&m, buf, sizeof(buf)), -EINVAL);
	m.f.open.flags = O_WRONLY | O_TRUNC | O_APPEND;
	ck_assert_int_gt(gofer_encode(&m, buf, sizeof(buf)), 0);
	memset(&m, 0, sizeof(m));
	m.type = GOFER_TMKNOD;
	m.f.mkdir = (struct gofer_tmkdir){ 1, S_IFCHR | 0600, 0, 0 };
	strcpy(m.str[0], "null");
	ck_assert_int_eq(gofer_encode(&m, buf, sizeof(buf)), -EINVAL);
	m.f.mkdir.mode = S_IFIFO | 0600;
	n = gofer_encode(&m, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	m.f.mkdir.mode = S_IFBLK | 0600;   /* forged on the wire */
	memcpy(buf + GOFER_HDR_SIZE + 4, &m.f.mkdir.mode, 4);
	ck_assert_int_eq(gofer_decode(buf, n, &d), -EBADMSG);
	/* An attach index past the mount table, an error out of range. */
	memset(&m, 0, sizeof(m));
	m.type = GOFER_TATTACH;
	m.f.attach.index = GOFER_MAX_MOUNTS;
	ck_assert_int_eq(gofer_encode(&m, buf, sizeof(buf)), -EINVAL);
	memset(&m, 0, sizeof(m));
	m.type = GOFER_RERROR;
	m.f.error.err = 0;
	ck_assert_int_eq(gofer_encode(&m, buf, sizeof(buf)), -EINVAL);
	m.f.error.err = 5000;
	ck_assert_int_eq(gofer_encode(&m, buf, sizeof(buf)), -EINVAL);
	/* A reply stat with no file type. */
	memset(&m, 0, sizeof(m));
	m.type = GOFER_REPLY | GOFER_TSTAT;
	ck_assert_int_eq(gofer_encode(&m, buf, sizeof(buf)), -EINVAL);
}
END_TEST

START_TEST(oversized_counts)
{
	static char big[GOFER_BLOB_MAX + 1];
	long n;

	memset(&m, 0, sizeof(m));
	m.type = GOFER_TGETDENTS;
	m.f.getdents = (struct gofer_tgetdents){ 1, GOFER_BLOB_MAX + 1, 0 };
	ck_assert_int_eq(gofer_encode(&m, buf, sizeof(buf)), -EINVAL);
	m.f.getdents.count = 4;   /* smaller than any record */
	ck_assert_int_eq(gofer_encode(&m, buf, sizeof(buf)), -EINVAL);
	m.f.getdents.count = 4096;
	m.f.getdents.offset = (uint64_t)INT64_MAX + 1;
	ck_assert_int_eq(gofer_encode(&m, buf, sizeof(buf)), -EINVAL);
	memset(&m, 0, sizeof(m));
	m.type = GOFER_TGETXATTR;
	m.f.xattr = (struct gofer_txattr){ 1, GOFER_BLOB_MAX + 1 };
	strcpy(m.str[0], "user.x");
	ck_assert_int_eq(gofer_encode(&m, buf, sizeof(buf)), -EINVAL);
	memset(&m, 0, sizeof(m));
	m.type = GOFER_TSETXATTR;
	m.f.setxattr.fid = 1;
	strcpy(m.str[0], "user.x");
	m.blob = big;
	m.bloblen = sizeof(big);
	ck_assert_int_eq(gofer_encode(&m, buf, sizeof(buf)), -EINVAL);
	m.bloblen = GOFER_BLOB_MAX;
	n = gofer_encode(&m, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(gofer_decode(buf, n, &d), 0);
	/* A reply xattr blob that disagrees with its size. */
	memset(&m, 0, sizeof(m));
	m.type = GOFER_REPLY | GOFER_TGETXATTR;
	m.f.rxattr.size = 3;
	m.blob = "abcd";
	m.bloblen = 4;
	ck_assert_int_eq(gofer_encode(&m, buf, sizeof(buf)), -EINVAL);
	/* An encode buffer too small. */
	memset(&m, 0, sizeof(m));
	m.type = GOFER_TSTAT;
	m.f.fid.fid = 1;
	ck_assert_int_eq(gofer_encode(&m, buf, 8), -EMSGSIZE);
}
END_TEST

START_TEST(clunk_batches)
{
	uint32_t fids[4] = { 3, 4, 5, 6 };
	long n;

	memset(&m, 0, sizeof(m));
	m.type = GOFER_TCLUNKMANY;
	m.f.clunkmany.count = 4;
	m.blob = fids;
	m.bloblen = sizeof(fids);
	n = gofer_encode(&m, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(gofer_decode(buf, n, &d), 0);
	ck_assert_int_eq(d.bloblen, 16);
	/* The count must match the blob; no zero fid; not empty; bounded. */
	m.f.clunkmany.count = 3;
	ck_assert_int_eq(gofer_encode(&m, buf, sizeof(buf)), -EINVAL);
	m.f.clunkmany.count = 0;
	m.bloblen = 0;
	ck_assert_int_eq(gofer_encode(&m, buf, sizeof(buf)), -EINVAL);
	fids[2] = 0;
	m.f.clunkmany.count = 4;
	m.bloblen = sizeof(fids);
	ck_assert_int_eq(gofer_encode(&m, buf, sizeof(buf)), -EINVAL);
	m.f.clunkmany.count = GOFER_CLUNK_BATCH + 1;
	ck_assert_int_eq(gofer_encode(&m, buf, sizeof(buf)), -EINVAL);
	/* Forged on the wire: the count says more than the blob holds. */
	fids[2] = 5;
	m.f.clunkmany.count = 4;
	n = gofer_encode(&m, buf, sizeof(buf));
	m.f.clunkmany.count = 5;
	memcpy(buf + GOFER_HDR_SIZE, &m.f.clunkmany.count, 4);
	ck_assert_int_eq(gofer_decode(buf, n, &d), -EBADMSG);
}
END_TEST

START_TEST(dirents)
{
	char blob[256];
	size_t pos = 0, rpos = 0;
	struct gofer_dirent e = { 5, 10, DT_REG, 3, "abc" }, o;

	ck_assert(gofer_dirent_put(blob, sizeof(blob), &pos, &e));
	e.name = "..";
	e.namelen = 2;
	ck_assert(gofer_dirent_put(blob, sizeof(blob), &pos, &e));
	ck_assert(!gofer_dirent_put(blob, GOFER_DIRENT_HDR + 5, &pos, &e));
	ck_assert_int_eq(gofer_dirent_next(blob, pos, &rpos, &o), 1);
	ck_assert_int_eq(o.namelen, 3);
	ck_assert(!memcmp(o.name, "abc", 3));
	ck_assert_int_eq(o.off, 10);
	ck_assert_int_eq(gofer_dirent_next(blob, pos, &rpos, &o), 1);
	ck_assert_int_eq(gofer_dirent_next(blob, pos, &rpos, &o), 0);
	/* Cut inside a record; a name with '/'; a name length past the end. */
	rpos = 0;
	ck_assert_int_eq(gofer_dirent_next(blob, GOFER_DIRENT_HDR + 2, &rpos, &o), -EBADMSG);
	rpos = 0;
	ck_assert_int_eq(gofer_dirent_next(blob, 10, &rpos, &o), -EBADMSG);
	blob[GOFER_DIRENT_HDR + 1] = '/';
	rpos = 0;
	ck_assert_int_eq(gofer_dirent_next(blob, pos, &rpos, &o), -EBADMSG);
	blob[GOFER_DIRENT_HDR + 1] = 'b';
	blob[18] = 0xff;
	blob[19] = 0xff;
	rpos = 0;
	ck_assert_int_eq(gofer_dirent_next(blob, pos, &rpos, &o), -EBADMSG);
}
END_TEST

/* ------------------------------------------------------------- server */

static char tmp[64], rodir[64];
static pid_t gpid;
static int gsock = -1;
static uint32_t tagn;

static void rm_rf(const char *p)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p);
	if (system(cmd))
		return;
}

static void server_setup(void)
{
	struct gofer_config cfg = { .nmounts = 2, .exe = RUNSC_BIN };
	char p[128];
	int fd;

	strcpy(tmp, "/tmp/gofer-unit-XXXXXX");
	strcpy(rodir, "/tmp/gofer-unit-ro-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	ck_assert_ptr_nonnull(mkdtemp(rodir));
	snprintf(p, sizeof(p), "%s/ro-file", rodir);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "ro", 2), 2);
	close(fd);
	cfg.mounts[0].source = tmp;
	cfg.mounts[1].source = rodir;
	cfg.mounts[1].rdonly = true;
	ck_assert_int_eq(gofer_spawn(&cfg, &gpid, &gsock), 0);
}

static int server_teardown_status(void)
{
	int st = -1;

	close(gsock);
	waitpid(gpid, &st, 0);
	rm_rf(tmp);
	rm_rf(rodir);
	return st;
}

/* One round trip: the reply's errno (0) and its message in d, fd in *fd. */
static int rpc(struct gofer_msg *q, int *fd)
{
	static char rb[GOFER_MSG_MAX];
	long n;
	int f;

	q->tag = ++tagn;
	n = gofer_encode(q, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(gofer_send(gsock, buf, n, -1), 0);
	n = gofer_recv(gsock, rb, sizeof(rb), &f);
	if (n <= 0)
		return n == 0 ? -ECONNRESET : (int)n;
	ck_assert_int_eq(gofer_decode(rb, n, &d), 0);
	ck_assert_int_eq(d.tag, q->tag);
	if (fd)
		*fd = f;
	else if (f >= 0)
		close(f);
	if (d.type == GOFER_RERROR)
		return -d.f.error.err;
	ck_assert_int_eq(d.type, q->type | GOFER_REPLY);
	return 0;
}

static struct gofer_msg q;

static int attach(uint32_t idx, uint32_t *fid)
{
	int e;

	memset(&q, 0, sizeof(q));
	q.type = GOFER_TATTACH;
	q.f.attach.index = idx;
	e = rpc(&q, NULL);
	if (!e)
		*fid = d.f.rfid.fid;
	return e;
}

static int walk(uint32_t dir, const char *name, uint32_t *fid)
{
	int e;

	memset(&q, 0, sizeof(q));
	q.type = GOFER_TWALK;
	q.f.fid.fid = dir;
	strcpy(q.str[0], name);
	e = rpc(&q, NULL);
	if (!e)
		*fid = d.f.rfid.fid;
	return e;
}

static int mk(uint16_t type, uint32_t dir, const char *name, uint32_t mode, uint32_t *fid)
{
	int e;

	memset(&q, 0, sizeof(q));
	q.type = type;
	q.f.mkdir = (struct gofer_tmkdir){ dir, mode, getuid(), getgid() };
	strcpy(q.str[0], name);
	e = rpc(&q, NULL);
	if (!e && fid)
		*fid = d.f.rfid.fid;
	return e;
}

static int gopen(uint32_t fid, uint32_t flags, int *fd)
{
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TOPEN;
	q.f.open = (struct gofer_topen){ fid, flags };
	return rpc(&q, fd);
}

static bool skip_server(void)
{
	return geteuid() != 0 || access(RUNSC_BIN, X_OK) != 0;
}

START_TEST(server_files)
{
	uint32_t root, f, dir, l, ro, rof;
	char rb[64], p[128];
	int fd;
	size_t pos = 0;
	struct gofer_dirent de;
	int seen = 0;

	if (skip_server())
		return;
	server_setup();
	ck_assert_int_eq(attach(0, &root), 0);
	ck_assert_int_eq(attach(5, &f), -ENOENT);
	ck_assert_int_eq(walk(root, "nothing", &f), -ENOENT);
	ck_assert_int_eq(mk(GOFER_TCREATE, root, "f", 0640, &f), 0);
	ck_assert_int_eq(d.f.rfid.st.mode, S_IFREG | 0640);
	ck_assert_int_eq(mk(GOFER_TCREATE, root, "f", 0640, NULL), -EEXIST);
	ck_assert_int_eq(gopen(f, O_RDWR, &fd), 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, "hello", 5, 0), 5);
	close(fd);
	/* The host file has it. */
	snprintf(p, sizeof(p), "%s/f", tmp);
	fd = open(p, O_RDONLY);
	ck_assert_int_eq(read(fd, rb, sizeof(rb)), 5);
	close(fd);
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TSTAT;
	q.f.fid.fid = f;
	ck_assert_int_eq(rpc(&q, NULL), 0);
	ck_assert_int_eq(d.f.rstat.st.size, 5);
	/* setattr: truncate and chmod. */
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TSETATTR;
	q.f.setattr.fid = f;
	q.f.setattr.valid = GOFER_ATTR_SIZE | GOFER_ATTR_MODE;
	q.f.setattr.size = 2;
	q.f.setattr.mode = 0600;
	ck_assert_int_eq(rpc(&q, NULL), 0);
	ck_assert_int_eq(d.f.rstat.st.size, 2);
	ck_assert_int_eq(d.f.rstat.st.mode, S_IFREG | 0600);
	/* mkdir, symlink, readlink, link, rename, unlink. */
	ck_assert_int_eq(mk(GOFER_TMKDIR, root, "d", 0755, &dir), 0);
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TSYMLINK;
	q.f.symlink = (struct gofer_tsymlink){ dir, 0, 0, 0 };
	strcpy(q.str[0], "l");
	strcpy(q.str[1], "/etc/passwd");
	ck_assert_int_eq(rpc(&q, NULL), 0);
	l = d.f.rfid.fid;
	ck_assert_int_eq(d.f.rfid.st.mode & S_IFMT, S_IFLNK);
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TREADLINK;
	q.f.fid.fid = l;
	ck_assert_int_eq(rpc(&q, NULL), 0);
	ck_assert_str_eq(d.str[0], "/etc/passwd");
	/* A symlink is never followed: opening it or walking through it fails. */
	ck_assert_int_eq(gopen(l, O_RDONLY, &fd), -ELOOP);
	ck_assert_int_eq(walk(l, "x", &f), -ENOTDIR);
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TLINK;
	q.f.link = (struct gofer_tlink){ dir, f };
	strcpy(q.str[0], "hard");
	ck_assert_int_eq(rpc(&q, NULL), 0);
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TRENAME;
	q.f.rename = (struct gofer_trename){ dir, root, 0, 0 };
	strcpy(q.str[0], "hard");
	strcpy(q.str[1], "moved");
	ck_assert_int_eq(rpc(&q, NULL), 0);
	q.f.rename.flags = RENAME_NOREPLACE;
	strcpy(q.str[0], "l");
	strcpy(q.str[1], "moved");
	ck_assert_int_eq(rpc(&q, NULL), -EEXIST);
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TUNLINK;
	q.f.unlink = (struct gofer_tunlink){ root, AT_REMOVEDIR };
	strcpy(q.str[0], "d");
	ck_assert_int_eq(rpc(&q, NULL), -ENOTEMPTY);
	q.f.unlink.flags = 0;
	strcpy(q.str[0], "moved");
	ck_assert_int_eq(rpc(&q, NULL), 0);
	/* getdents: f, d and the dots. */
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TGETDENTS;
	q.f.getdents = (struct gofer_tgetdents){ root, 4096, 0 };
	ck_assert_int_eq(rpc(&q, NULL), 0);
	while (gofer_dirent_next(d.blob, d.bloblen, &pos, &de) == 1) {
		if (de.namelen == 1 && (de.name[0] == 'f' || de.name[0] == 'd'))
			seen++;
	}
	ck_assert_int_eq(seen, 2);
	/* xattrs: user.* served, list filtered. */
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TSETXATTR;
	q.f.setxattr.fid = f;
	strcpy(q.str[0], "user.test");
	q.blob = "v1";
	q.bloblen = 2;
	if (rpc(&q, NULL) == 0) {
		memset(&q, 0, sizeof(q));
		q.type = GOFER_TGETXATTR;
		q.f.xattr = (struct gofer_txattr){ f, 64 };
		strcpy(q.str[0], "user.test");
		ck_assert_int_eq(rpc(&q, NULL), 0);
		ck_assert_int_eq(d.bloblen, 2);
		memset(&q, 0, sizeof(q));
		q.type = GOFER_TLISTXATTR;
		q.f.xattr = (struct gofer_txattr){ f, 0 };
		ck_assert_int_eq(rpc(&q, NULL), 0);
		ck_assert_int_eq(d.f.rxattr.size, 10);
	}
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TSTATFS;
	q.f.fid.fid = root;
	ck_assert_int_eq(rpc(&q, NULL), 0);
	ck_assert_int_gt(d.f.rstatfs.st.bsize, 0);
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TFSYNC;
	q.f.fsync.fid = f;
	ck_assert_int_eq(rpc(&q, NULL), 0);
	/* The read-only mount: reads work, writes are EROFS. */
	ck_assert_int_eq(attach(1, &ro), 0);
	ck_assert_int_eq(walk(ro, "ro-file", &rof), 0);
	ck_assert_int_eq(gopen(rof, O_RDONLY, &fd), 0);
	ck_assert_int_eq(pread(fd, rb, 2, 0), 2);
	close(fd);
	ck_assert_int_eq(gopen(rof, O_WRONLY, &fd), -EROFS);
	ck_assert_int_eq(gopen(rof, O_RDONLY | O_TRUNC, &fd), -EROFS);
	ck_assert_int_eq(mk(GOFER_TCREATE, ro, "new", 0644, NULL), -EROFS);
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TUNLINK;
	q.f.unlink = (struct gofer_tunlink){ ro, 0 };
	strcpy(q.str[0], "ro-file");
	ck_assert_int_eq(rpc(&q, NULL), -EROFS);
	/* Cross-mount link and rename: EXDEV. */
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TRENAME;
	q.f.rename = (struct gofer_trename){ root, ro, 0, 0 };
	strcpy(q.str[0], "f");
	strcpy(q.str[1], "f");
	ck_assert_int_eq(rpc(&q, NULL), -EROFS);
	/* Clunk, then the handle is gone: using it ends the connection. */
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TCLUNK;
	q.f.fid.fid = rof;
	ck_assert_int_eq(rpc(&q, NULL), 0);
	ck_assert_int_eq(walk(rof, "x", &f), -ECONNRESET);
	ck_assert_int_eq(WEXITSTATUS(server_teardown_status()), 1);
}
END_TEST

START_TEST(server_no_escape)
{
	uint32_t root, f, l;
	char p[128];
	struct stat st;

	if (skip_server())
		return;
	server_setup();
	ck_assert_int_eq(attach(0, &root), 0);
	/* A symlink to the host's / made on the host: walking through it
	 * never reaches the host's files. */
	snprintf(p, sizeof(p), "%s/up", tmp);
	ck_assert_int_eq(symlink("/", p), 0);
	snprintf(p, sizeof(p), "%s/rel", tmp);
	ck_assert_int_eq(symlink("../../../../etc", p), 0);
	ck_assert_int_eq(walk(root, "up", &l), 0);
	ck_assert_int_eq(d.f.rfid.st.mode & S_IFMT, S_IFLNK);
	ck_assert_int_eq(walk(l, "etc", &f), -ENOTDIR);
	ck_assert_int_eq(walk(root, "rel", &l), 0);
	ck_assert_int_eq(walk(l, "passwd", &f), -ENOTDIR);
	/* A hard link to a host file outside cannot be made through the
	 * gofer (no handle reaches it); a mount root's parent is not
	 * reachable either: ".." is malformed and ends the connection. */
	ck_assert_int_eq(stat("/etc/passwd", &st), 0);
	{
		char rb[256];
		long n;
		int fd;

		n = enc_walk(root, "ab");
		buf[n - 2] = '.';
		buf[n - 1] = '.';
		ck_assert_int_eq(gofer_send(gsock, buf, n, -1), 0);
		ck_assert_int_eq(gofer_recv(gsock, rb, sizeof(rb), &fd), 0);
	}
	ck_assert_int_eq(WEXITSTATUS(server_teardown_status()), 1);
}
END_TEST

START_TEST(server_sockets_tmpfile)
{
	uint32_t root, t, sk, ro;
	char rb[8];
	int fd, lfd, cfd, afd;

	if (skip_server())
		return;
	server_setup();
	ck_assert_int_eq(attach(0, &root), 0);
	/* stat by name, without a handle. */
	ck_assert_int_eq(mk(GOFER_TCREATE, root, "f", 0600, NULL), 0);
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TLSTAT;
	q.f.fid.fid = root;
	strcpy(q.str[0], "f");
	ck_assert_int_eq(rpc(&q, NULL), 0);
	ck_assert_int_eq(d.f.rstat.st.mode, S_IFREG | 0600);
	strcpy(q.str[0], "nope");
	ck_assert_int_eq(rpc(&q, NULL), -ENOENT);
	/* An unnamed file, written, then named with link. */
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TTMPFILE;
	q.f.mkdir = (struct gofer_tmkdir){ root, 0640, getuid(), getgid() };
	ck_assert_int_eq(rpc(&q, &fd), 0);
	t = d.f.rfid.fid;
	ck_assert_int_eq(d.f.rfid.st.nlink, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, "tmp", 3, 0), 3);
	close(fd);
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TLINK;
	q.f.link = (struct gofer_tlink){ root, t };
	strcpy(q.str[0], "named");
	ck_assert_int_eq(rpc(&q, NULL), 0);
	ck_assert_int_eq(walk(root, "named", &t), 0);
	ck_assert_int_eq(d.f.rfid.st.size, 3);
	/* A host unix socket bound through the gofer, then connected. */
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TBIND;
	q.f.bind = (struct gofer_tbind){ root, SOCK_STREAM, 0600, getuid(), getgid(), 0 };
	strcpy(q.str[0], "sock");
	ck_assert_int_eq(rpc(&q, &lfd), 0);
	ck_assert_int_eq(d.f.rfid.st.mode, S_IFSOCK | 0600);
	ck_assert_int_ge(lfd, 0);
	ck_assert_int_eq(listen(lfd, 1), 0);
	/* Sockets on the root filesystem are out of reach: only bind
	 * mounts connect to the host. */
	ck_assert_int_eq(walk(root, "sock", &sk), 0);
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TCONNECT;
	q.f.connect = (struct gofer_tconnect){ sk, SOCK_STREAM };
	ck_assert_int_eq(rpc(&q, &cfd), -ECONNREFUSED);
	close(lfd);
	/* A host socket on a bind mount (a read-only one: connecting does
	 * not write) is connected through the gofer. */
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/hsock", rodir);
		lfd = socket(AF_UNIX, SOCK_STREAM, 0);
		ck_assert_int_ge(lfd, 0);
		ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
		ck_assert_int_eq(listen(lfd, 1), 0);
	}
	ck_assert_int_eq(attach(1, &ro), 0);
	ck_assert_int_eq(walk(ro, "hsock", &sk), 0);
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TCONNECT;
	q.f.connect = (struct gofer_tconnect){ sk, SOCK_STREAM };
	ck_assert_int_eq(rpc(&q, &cfd), 0);
	ck_assert_int_ge(cfd, 0);
	afd = accept(lfd, NULL, NULL);
	ck_assert_int_ge(afd, 0);
	ck_assert_int_eq(write(cfd, "ping", 4), 4);
	ck_assert_int_eq(read(afd, rb, sizeof(rb)), 4);
	close(afd);
	close(cfd);
	close(lfd);
	/* Connecting to a regular file is refused; binding on a read-only
	 * mount is EROFS. */
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TCONNECT;
	q.f.connect = (struct gofer_tconnect){ t, SOCK_STREAM };
	ck_assert_int_eq(rpc(&q, &cfd), -ECONNREFUSED);
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TBIND;
	q.f.bind = (struct gofer_tbind){ ro, SOCK_STREAM, 0600, 0, 0, 0 };
	strcpy(q.str[0], "sock");
	ck_assert_int_eq(rpc(&q, &lfd), -EROFS);
	/* The sentry closes its end: the gofer exits cleanly. */
	ck_assert_int_eq(WEXITSTATUS(server_teardown_status()), 0);
}
END_TEST

START_TEST(server_clunk_batch)
{
	uint32_t root, f[3];

	if (skip_server())
		return;
	server_setup();
	ck_assert_int_eq(attach(0, &root), 0);
	ck_assert_int_eq(mk(GOFER_TCREATE, root, "f", 0600, NULL), 0);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(walk(root, "f", &f[i]), 0);
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TCLUNKMANY;
	q.f.clunkmany.count = 2;
	q.blob = f;
	q.bloblen = 8;
	ck_assert_int_eq(rpc(&q, NULL), 0);
	/* f[2] lives on, f[0] is gone: using it ends the connection. */
	ck_assert_int_eq(walk(f[2], "x", &root), -ENOTDIR);
	ck_assert_int_eq(walk(f[0], "x", &root), -ECONNRESET);
	ck_assert_int_eq(WEXITSTATUS(server_teardown_status()), 1);
	/* A fid listed twice ends it too. */
	server_setup();
	ck_assert_int_eq(attach(0, &root), 0);
	f[0] = f[1] = root;
	memset(&q, 0, sizeof(q));
	q.type = GOFER_TCLUNKMANY;
	q.f.clunkmany.count = 2;
	q.blob = f;
	q.bloblen = 8;
	ck_assert_int_eq(rpc(&q, NULL), -ECONNRESET);
	ck_assert_int_eq(WEXITSTATUS(server_teardown_status()), 1);
}
END_TEST

START_TEST(server_malformed_closes)
{
	char rb[64];
	int fd, st;

	if (skip_server())
		return;
	server_setup();
	/* Garbage, then a request with an fd attached: either ends it. */
	ck_assert_int_eq(gofer_send(gsock, "garbage-bytes", 13, -1), 0);
	ck_assert_int_eq(gofer_recv(gsock, rb, sizeof(rb), &fd), 0);
	st = server_teardown_status();
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 1);
}
END_TEST

static Suite *gofer_suite(void)
{
	Suite *s = suite_create("gofer_proto");
	TCase *c = tcase_create("codec");
	TCase *sv = tcase_create("server");

	tcase_add_test(c, roundtrip_walk);
	tcase_add_test(c, roundtrip_rename_setxattr);
	tcase_add_test(c, roundtrip_replies);
	tcase_add_test(c, bad_lengths);
	tcase_add_test(c, truncated_names);
	tcase_add_test(c, bad_names);
	tcase_add_test(c, bad_fields);
	tcase_add_test(c, oversized_counts);
	tcase_add_test(c, dirents);
	tcase_add_test(c, clunk_batches);
	suite_add_tcase(s, c);
	tcase_add_test(sv, server_files);
	tcase_add_test(sv, server_no_escape);
	tcase_add_test(sv, server_sockets_tmpfile);
	tcase_add_test(sv, server_clunk_batch);
	tcase_add_test(sv, server_malformed_closes);
	suite_add_tcase(s, sv);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(gofer_suite());
	int failed;

	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? 1 : 0;
}
