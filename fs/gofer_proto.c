/* The gofer protocol codec (see fs/gofer_proto.h): one table says what
 * each message type carries; encode and decode follow it and check every
 * field a peer could get wrong. Used by the sentry and the gofer alike,
 * and fuzzed (tests/fuzz/gofer_proto_fuzz.c). */
#define _GNU_SOURCE
#include "fs/gofer_proto.h"

#include <dirent.h>
#include <errno.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/xattr.h>
#include <unistd.h>

_Static_assert(sizeof(struct gofer_wstat) == 96, "wstat layout");
_Static_assert(sizeof(struct gofer_wstatfs) == 80, "wstatfs layout");
_Static_assert(sizeof(struct gofer_tsetattr) == 56, "tsetattr layout");
_Static_assert(sizeof(struct gofer_rfid) == 104, "rfid layout");
_Static_assert(GOFER_HDR_SIZE + sizeof(union gofer_fixed) + 3 * 4 + GOFER_TARGET_MAX +
	       GOFER_NAME_MAX + GOFER_BLOB_MAX <= GOFER_MSG_MAX, "largest message fits");

enum vkind { V_NONE, V_NAME, V_TARGET, V_XNAME, V_BLOB };

struct desc {
	uint16_t fixed;         /* bytes of the fixed part */
	uint8_t v[3];           /* variable items, V_NONE-terminated */
	bool fd;                /* travels with a host fd */
	bool known;
};

#define REQ(t, sz, ...) [t] = { sz, { __VA_ARGS__ }, false, true }
#define REP(t, sz, fd, ...) [(t) & 0xff] = { sz, { __VA_ARGS__ }, fd, true }

static const struct desc requests[GOFER_TCOUNT] = {
	REQ(GOFER_TATTACH, sizeof(struct gofer_tattach), V_NONE),
	REQ(GOFER_TWALK, sizeof(struct gofer_tfid), V_NAME),
	REQ(GOFER_TSTAT, sizeof(struct gofer_tfid), V_NONE),
	REQ(GOFER_TOPEN, sizeof(struct gofer_topen), V_NONE),
	REQ(GOFER_TCREATE, sizeof(struct gofer_tmkdir), V_NAME),
	REQ(GOFER_TMKDIR, sizeof(struct gofer_tmkdir), V_NAME),
	REQ(GOFER_TMKNOD, sizeof(struct gofer_tmkdir), V_NAME),
	REQ(GOFER_TSYMLINK, sizeof(struct gofer_tsymlink), V_NAME, V_TARGET),
	REQ(GOFER_TLINK, sizeof(struct gofer_tlink), V_NAME),
	REQ(GOFER_TREADLINK, sizeof(struct gofer_tfid), V_NONE),
	REQ(GOFER_TUNLINK, sizeof(struct gofer_tunlink), V_NAME),
	REQ(GOFER_TRENAME, sizeof(struct gofer_trename), V_NAME, V_NAME),
	REQ(GOFER_TSETATTR, sizeof(struct gofer_tsetattr), V_NONE),
	REQ(GOFER_TGETDENTS, sizeof(struct gofer_tgetdents), V_NONE),
	REQ(GOFER_TSTATFS, sizeof(struct gofer_tfid), V_NONE),
	REQ(GOFER_TGETXATTR, sizeof(struct gofer_txattr), V_XNAME),
	REQ(GOFER_TSETXATTR, sizeof(struct gofer_tsetxattr), V_XNAME, V_BLOB),
	REQ(GOFER_TLISTXATTR, sizeof(struct gofer_txattr), V_NONE),
	REQ(GOFER_TREMOVEXATTR, sizeof(struct gofer_tfid), V_XNAME),
	REQ(GOFER_TFSYNC, sizeof(struct gofer_tfsync), V_NONE),
	REQ(GOFER_TCLUNK, sizeof(struct gofer_tfid), V_NONE),
	REQ(GOFER_TBIND, sizeof(struct gofer_tbind), V_NAME),
	REQ(GOFER_TCONNECT, sizeof(struct gofer_tconnect), V_NONE),
	REQ(GOFER_TLSTAT, sizeof(struct gofer_tfid), V_NAME),
	REQ(GOFER_TTMPFILE, sizeof(struct gofer_tmkdir), V_NONE),
	REQ(GOFER_TCLUNKMANY, sizeof(struct gofer_tclunkmany), V_BLOB),
};

/* Indexed by the low byte; GOFER_RERROR is slot 0. */
static const struct desc replies[GOFER_TCOUNT] = {
	REP(GOFER_RERROR, sizeof(struct gofer_rerror), false, V_NONE),
	REP(GOFER_TATTACH, sizeof(struct gofer_rfid), false, V_NONE),
	REP(GOFER_TWALK, sizeof(struct gofer_rfid), false, V_NONE),
	REP(GOFER_TSTAT, sizeof(struct gofer_rstat), false, V_NONE),
	REP(GOFER_TOPEN, 0, true, V_NONE),
	REP(GOFER_TCREATE, sizeof(struct gofer_rfid), false, V_NONE),
	REP(GOFER_TMKDIR, sizeof(struct gofer_rfid), false, V_NONE),
	REP(GOFER_TMKNOD, sizeof(struct gofer_rfid), false, V_NONE),
	REP(GOFER_TSYMLINK, sizeof(struct gofer_rfid), false, V_NONE),
	REP(GOFER_TLINK, 0, false, V_NONE),
	REP(GOFER_TREADLINK, 0, false, V_TARGET),
	REP(GOFER_TUNLINK, 0, false, V_NONE),
	REP(GOFER_TRENAME, 0, false, V_NONE),
	REP(GOFER_TSETATTR, sizeof(struct gofer_rstat), false, V_NONE),
	REP(GOFER_TGETDENTS, sizeof(struct gofer_rgetdents), false, V_BLOB),
	REP(GOFER_TSTATFS, sizeof(struct gofer_rstatfs), false, V_NONE),
	REP(GOFER_TGETXATTR, sizeof(struct gofer_rxattr), false, V_BLOB),
	REP(GOFER_TSETXATTR, 0, false, V_NONE),
	REP(GOFER_TLISTXATTR, sizeof(struct gofer_rxattr), false, V_BLOB),
	REP(GOFER_TREMOVEXATTR, 0, false, V_NONE),
	REP(GOFER_TFSYNC, 0, false, V_NONE),
	REP(GOFER_TCLUNK, 0, false, V_NONE),
	REP(GOFER_TBIND, sizeof(struct gofer_rfid), true, V_NONE),
	REP(GOFER_TCONNECT, 0, true, V_NONE),
	REP(GOFER_TLSTAT, sizeof(struct gofer_rstat), false, V_NONE),
	REP(GOFER_TTMPFILE, sizeof(struct gofer_rfid), true, V_NONE),
	REP(GOFER_TCLUNKMANY, 0, false, V_NONE),
};

static const struct desc *desc_of(uint16_t type)
{
	const struct desc *d;

	if (type & GOFER_REPLY) {
		if ((type & ~GOFER_REPLY) >= GOFER_TCOUNT)
			return NULL;
		d = &replies[type & ~GOFER_REPLY];
	} else {
		if (type >= GOFER_TCOUNT)
			return NULL;
		d = &requests[type];
	}
	return d->known ? d : NULL;
}

bool gofer_type_has_fd(uint16_t type)
{
	const struct desc *d = desc_of(type);

	return d && d->fd;
}

bool gofer_name_ok(const char *name, size_t len)
{
	if (len == 0 || len > GOFER_NAME_MAX)
		return false;
	if (memchr(name, '/', len) || memchr(name, '\0', len))
		return false;
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return false;
	return true;
}

bool gofer_xattr_name_ok(const char *name, size_t len)
{
	if (len == 0 || len > GOFER_XNAME_MAX || memchr(name, '\0', len))
		return false;
	return (len > 5 && !memcmp(name, "user.", 5)) ||
	       (len > 8 && !memcmp(name, "trusted.", 8));
}

static bool target_ok(const char *s, size_t len)
{
	return len >= 1 && len <= GOFER_TARGET_MAX && !memchr(s, '\0', len);
}

static bool var_ok(enum vkind k, const void *p, size_t len)
{
	switch (k) {
	case V_NAME:
		return gofer_name_ok(p, len);
	case V_TARGET:
		return target_ok(p, len);
	case V_XNAME:
		return gofer_xattr_name_ok(p, len);
	case V_BLOB:
		return len <= GOFER_BLOB_MAX;
	default:
		return false;
	}
}

bool gofer_wstat_ok(const struct gofer_wstat *w)
{
	switch (w->mode & S_IFMT) {
	case S_IFREG: case S_IFDIR: case S_IFLNK: case S_IFIFO:
	case S_IFSOCK: case S_IFCHR: case S_IFBLK:
		break;
	default:
		return false;
	}
	return w->pad == 0 && w->pad2 == 0 && (w->mode & ~(S_IFMT | 07777)) == 0 &&
	       w->atime_nsec < 1000000000u && w->mtime_nsec < 1000000000u &&
	       w->ctime_nsec < 1000000000u;
}

static bool perm_ok(uint32_t mode)
{
	return (mode & ~07777u) == 0;
}

static bool socktype_ok(uint32_t t)
{
	return t == SOCK_STREAM || t == SOCK_DGRAM || t == SOCK_SEQPACKET;
}

static bool nsec_ok(uint32_t ns)
{
	return ns < 1000000000u || ns == UTIME_NOW || ns == UTIME_OMIT;
}

/* Field rules of the fixed part: fids are never 0, reserved fields are 0,
 * flags and modes within what the operation allows, counts bounded. */
static bool fixed_ok(uint16_t type, const union gofer_fixed *f, const void *blob,
		     uint32_t bloblen)
{
	switch (type) {
	case GOFER_TCLUNKMANY:
		if (f->clunkmany.count == 0 || f->clunkmany.count > GOFER_CLUNK_BATCH ||
		    f->clunkmany.pad || bloblen != f->clunkmany.count * 4u || !blob)
			return false;
		for (uint32_t i = 0; i < f->clunkmany.count; i++) {
			uint32_t fid;

			memcpy(&fid, (const char *)blob + 4 * i, 4);
			if (!fid)
				return false;
		}
		return true;
	case GOFER_TATTACH:
		return f->attach.index < GOFER_MAX_MOUNTS && f->attach.pad == 0;
	case GOFER_TWALK: case GOFER_TSTAT: case GOFER_TREADLINK: case GOFER_TSTATFS:
	case GOFER_TREMOVEXATTR: case GOFER_TCLUNK: case GOFER_TLSTAT:
		return f->fid.fid && f->fid.pad == 0;
	case GOFER_TOPEN:
		return f->open.fid && (f->open.flags & ~(uint32_t)GOFER_OPEN_FLAGS) == 0 &&
		       (f->open.flags & O_ACCMODE) != O_ACCMODE;
	case GOFER_TCREATE: case GOFER_TMKDIR: case GOFER_TTMPFILE:
		return f->mkdir.fid && perm_ok(f->mkdir.mode);
	case GOFER_TMKNOD: {
		uint32_t t = f->mkdir.mode & S_IFMT;

		return f->mkdir.fid && (t == S_IFREG || t == S_IFIFO || t == S_IFSOCK) &&
		       perm_ok(f->mkdir.mode & ~S_IFMT);
	}
	case GOFER_TSYMLINK:
		return f->symlink.fid && f->symlink.pad == 0;
	case GOFER_TLINK:
		return f->link.dirfid && f->link.fid;
	case GOFER_TUNLINK:
		return f->unlink.dirfid && (f->unlink.flags == 0 || f->unlink.flags == AT_REMOVEDIR);
	case GOFER_TRENAME:
		return f->rename.odirfid && f->rename.ndirfid && f->rename.pad == 0 &&
		       (f->rename.flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) == 0 &&
		       f->rename.flags != (RENAME_NOREPLACE | RENAME_EXCHANGE);
	case GOFER_TSETATTR: {
		const struct gofer_tsetattr *s = &f->setattr;

		return s->fid && s->valid && (s->valid & ~GOFER_ATTR_ALL) == 0 && s->pad == 0 &&
		       perm_ok(s->mode) && nsec_ok(s->atime_nsec) && nsec_ok(s->mtime_nsec) &&
		       s->size <= INT64_MAX;
	}
	case GOFER_TGETDENTS:
		return f->getdents.fid && f->getdents.count > GOFER_DIRENT_HDR &&
		       f->getdents.count <= GOFER_BLOB_MAX && f->getdents.offset <= INT64_MAX;
	case GOFER_TGETXATTR: case GOFER_TLISTXATTR:
		return f->xattr.fid && f->xattr.size <= GOFER_BLOB_MAX;
	case GOFER_TSETXATTR:
		return f->setxattr.fid && (f->setxattr.flags & ~(XATTR_CREATE | XATTR_REPLACE)) == 0;
	case GOFER_TFSYNC:
		return f->fsync.fid && f->fsync.datasync <= 1;
	case GOFER_TBIND:
		return f->bind.dirfid && socktype_ok(f->bind.socktype) && perm_ok(f->bind.mode) &&
		       f->bind.pad == 0;
	case GOFER_TCONNECT:
		return f->connect.fid && socktype_ok(f->connect.socktype);
	case GOFER_RERROR:
		return f->error.err >= 1 && f->error.err <= 4095 && f->error.pad == 0;
	case GOFER_REPLY | GOFER_TATTACH: case GOFER_REPLY | GOFER_TWALK:
	case GOFER_REPLY | GOFER_TCREATE: case GOFER_REPLY | GOFER_TMKDIR:
	case GOFER_REPLY | GOFER_TMKNOD: case GOFER_REPLY | GOFER_TSYMLINK:
	case GOFER_REPLY | GOFER_TBIND: case GOFER_REPLY | GOFER_TTMPFILE:
		return f->rfid.fid && f->rfid.pad == 0 && gofer_wstat_ok(&f->rfid.st);
	case GOFER_REPLY | GOFER_TSTAT: case GOFER_REPLY | GOFER_TSETATTR:
	case GOFER_REPLY | GOFER_TLSTAT:
		return gofer_wstat_ok(&f->rstat.st);
	case GOFER_REPLY | GOFER_TGETDENTS:
		return f->rgetdents.eof <= 1 && f->rgetdents.pad == 0;
	case GOFER_REPLY | GOFER_TGETXATTR: case GOFER_REPLY | GOFER_TLISTXATTR:
		/* Either the size alone (a size query) or exactly that many bytes. */
		return f->rxattr.pad == 0 && f->rxattr.size <= GOFER_BLOB_MAX &&
		       (bloblen == 0 || bloblen == f->rxattr.size);
	default:
		return true;   /* no fixed part, or nothing to check in it */
	}
}

struct hdr {
	uint32_t len;
	uint16_t type;
	uint16_t zero;
	uint32_t tag;
};
_Static_assert(sizeof(struct hdr) == GOFER_HDR_SIZE, "header layout");

long gofer_encode(const struct gofer_msg *m, void *buf, size_t cap)
{
	const struct desc *d = desc_of(m->type);
	unsigned char *p = buf;
	struct hdr h;
	size_t pos = GOFER_HDR_SIZE;
	unsigned int si = 0;

	if (!d)
		return -EINVAL;
	if (!fixed_ok(m->type, &m->f, m->blob, m->bloblen))
		return -EINVAL;
	if (cap > GOFER_MSG_MAX)
		cap = GOFER_MSG_MAX;
	if (pos + d->fixed > cap)
		return -EMSGSIZE;
	memcpy(p + pos, &m->f, d->fixed);
	pos += d->fixed;
	for (int i = 0; i < 3 && d->v[i] != V_NONE; i++) {
		const void *src;
		uint32_t len;

		if (d->v[i] == V_BLOB) {
			src = m->blob;
			len = m->bloblen;
			if (len && !src)
				return -EINVAL;
		} else {
			if (si >= 2)
				return -EINVAL;
			src = m->str[si];
			len = strnlen(m->str[si], sizeof(m->str[si]));
			si++;
		}
		if (!var_ok(d->v[i], src ? src : "", len))
			return -EINVAL;
		if (pos + 4 + (size_t)len > cap)
			return -EMSGSIZE;
		memcpy(p + pos, &len, 4);
		if (len)
			memcpy(p + pos + 4, src, len);
		pos += 4 + (size_t)len;
	}
	h.len = (uint32_t)pos;
	h.type = m->type;
	h.zero = 0;
	h.tag = m->tag;
	memcpy(p, &h, sizeof(h));
	return (long)pos;
}

int gofer_decode(const void *buf, size_t len, struct gofer_msg *m)
{
	const unsigned char *p = buf;
	const struct desc *d;
	struct hdr h;
	size_t pos = GOFER_HDR_SIZE;

	if (len < GOFER_HDR_SIZE || len > GOFER_MSG_MAX)
		return -EBADMSG;
	memcpy(&h, p, sizeof(h));
	if (h.len != len || h.zero)
		return -EBADMSG;
	d = desc_of(h.type);
	if (!d)
		return -EBADMSG;
	m->type = h.type;
	m->tag = h.tag;
	m->nstr = 0;
	m->blob = NULL;
	m->bloblen = 0;
	memset(&m->f, 0, sizeof(m->f));
	if (len - pos < d->fixed)
		return -EBADMSG;
	memcpy(&m->f, p + pos, d->fixed);
	pos += d->fixed;
	for (int i = 0; i < 3 && d->v[i] != V_NONE; i++) {
		uint32_t n;

		if (len - pos < 4)
			return -EBADMSG;
		memcpy(&n, p + pos, 4);
		pos += 4;
		if (n > len - pos || !var_ok(d->v[i], p + pos, n))
			return -EBADMSG;
		if (d->v[i] == V_BLOB) {
			m->blob = p + pos;
			m->bloblen = n;
		} else {
			if (m->nstr >= 2)
				return -EBADMSG;
			memcpy(m->str[m->nstr], p + pos, n);
			m->str[m->nstr][n] = '\0';
			m->strlen[m->nstr] = n;
			m->nstr++;
		}
		pos += n;
	}
	if (pos != len)
		return -EBADMSG;   /* trailing bytes */
	if (!fixed_ok(m->type, &m->f, m->blob, m->bloblen))
		return -EBADMSG;
	return 0;
}

struct dirent_hdr {
	uint64_t ino, off;
	uint8_t type, zero;
	uint16_t namelen;
} __attribute__((packed));
_Static_assert(sizeof(struct dirent_hdr) == GOFER_DIRENT_HDR, "dirent layout");

bool gofer_dirent_put(void *buf, size_t cap, size_t *pos, const struct gofer_dirent *d)
{
	struct dirent_hdr h = { d->ino, d->off, d->type, 0, d->namelen };

	if (*pos > cap || cap - *pos < GOFER_DIRENT_HDR + (size_t)d->namelen)
		return false;
	memcpy((char *)buf + *pos, &h, sizeof(h));
	memcpy((char *)buf + *pos + sizeof(h), d->name, d->namelen);
	*pos += sizeof(h) + d->namelen;
	return true;
}

int gofer_dirent_next(const void *blob, size_t len, size_t *pos, struct gofer_dirent *d)
{
	const char *p = blob;
	struct dirent_hdr h;

	if (*pos == len)
		return 0;
	if (*pos > len || len - *pos < GOFER_DIRENT_HDR)
		return -EBADMSG;
	memcpy(&h, p + *pos, sizeof(h));
	if (h.zero || h.namelen > len - *pos - GOFER_DIRENT_HDR || h.off > INT64_MAX)
		return -EBADMSG;
	d->name = p + *pos + GOFER_DIRENT_HDR;
	d->namelen = h.namelen;
	/* "." and ".." are real entries here; anything else must be a name. */
	if (!(h.namelen == 1 && d->name[0] == '.') &&
	    !(h.namelen == 2 && d->name[0] == '.' && d->name[1] == '.') &&
	    !gofer_name_ok(d->name, h.namelen))
		return -EBADMSG;
	if (h.type > DT_WHT)
		return -EBADMSG;
	d->ino = h.ino;
	d->off = h.off;
	d->type = h.type;
	*pos += GOFER_DIRENT_HDR + h.namelen;
	return 1;
}

void gofer_wstat_from(struct gofer_wstat *w, const struct stat *st)
{
	memset(w, 0, sizeof(*w));
	w->ino = st->st_ino;
	w->size = st->st_size;
	w->blocks = st->st_blocks;
	w->rdev = st->st_rdev;
	w->mode = st->st_mode;
	w->uid = st->st_uid;
	w->gid = st->st_gid;
	w->nlink = st->st_nlink;
	w->blksize = st->st_blksize;
	w->atime_sec = st->st_atim.tv_sec;
	w->atime_nsec = st->st_atim.tv_nsec;
	w->mtime_sec = st->st_mtim.tv_sec;
	w->mtime_nsec = st->st_mtim.tv_nsec;
	w->ctime_sec = st->st_ctim.tv_sec;
	w->ctime_nsec = st->st_ctim.tv_nsec;
}

void gofer_wstatfs_from(struct gofer_wstatfs *w, const struct statfs *st)
{
	memset(w, 0, sizeof(*w));
	w->type = st->f_type;
	w->bsize = st->f_bsize;
	w->blocks = st->f_blocks;
	w->bfree = st->f_bfree;
	w->bavail = st->f_bavail;
	w->files = st->f_files;
	w->ffree = st->f_ffree;
	w->namelen = st->f_namelen;
	w->frsize = st->f_frsize;
	w->flags = st->f_flags;
}

int gofer_send(int sock, const void *buf, size_t len, int fd)
{
	struct iovec iov = { (void *)buf, len };
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} c;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (fd >= 0) {
		memset(&c, 0, sizeof(c));
		mh.msg_control = c.b;
		mh.msg_controllen = sizeof(c.b);
		c.h.cmsg_level = SOL_SOCKET;
		c.h.cmsg_type = SCM_RIGHTS;
		c.h.cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(&c.h), &fd, sizeof(int));
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

long gofer_recv(int sock, void *buf, size_t cap, int *fd)
{
	struct iovec iov = { buf, cap };
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(2 * sizeof(int))];
	} c;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.b,
			     .msg_controllen = sizeof(c.b) };
	struct cmsghdr *cm;
	ssize_t n;
	int got = 0, bad = 0;

	*fd = -1;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			size_t nfd = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (size_t i = 0; i < nfd; i++) {
				int f;

				memcpy(&f, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
				if (got++ == 0)
					*fd = f;
				else
					close(f);
			}
		} else {
			bad = 1;
		}
	}
	if (got > 1 || bad || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		/* Only the fd was lost, because we are out of fds: the packet
		 * itself was whole, so the connection is still in step. */
		if (got == 0 && !bad && (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) == MSG_CTRUNC)
			return -EMFILE;
		return -EBADMSG;
	}
	return n;
}
