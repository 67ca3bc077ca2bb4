/* memfd_create(2) files: an anonymous, growable memory object (zero-filled
 * pages of the memory file) read and written through the page cache the
 * guest's mappings share, with file seals (F_ADD_SEALS / F_GET_SEALS). */
#define _GNU_SOURCE
#include "fs/fdtypes.h"
#include "sentry/memfile.h"
#include "sentry/memobj.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Linux MAX_LFS_FILESIZE on 64-bit. */
#define MEMFD_MAX_SIZE 0x7fffffffffffffffLL
#define SEAL_SEAL 0x1
#define SEAL_SHRINK 0x2
#define SEAL_GROW 0x4
#define SEAL_WRITE 0x8
#define SEAL_FUTURE_WRITE 0x10
#define SEAL_EXEC 0x20
#define SEAL_ALL 0x3f
#define MEMFD_FCNTL(cmd) (0x40000000u | (cmd))

struct memfd {
	struct memobj *obj;
	unsigned int seals;
	mode_t mode;
	uint64_t ino;
	uid_t uid;
	gid_t gid;
	struct timespec mtime, ctime;
};

static uint64_t memfd_next_ino = 1;
static const struct memobj_ops memfd_obj_ops;

static ssize_t mfd_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	struct memfd *m = f->priv;
	uint64_t size = m->obj->size, off = (uint64_t)*pos;
	size_t done = 0;

	if (off >= size)
		return 0;
	if (n > size - off)
		n = size - off;
	while (done < n) {
		uint64_t o = off + done, in = o & (PAGE_SIZE - 1);
		size_t c = PAGE_SIZE - in < n - done ? PAGE_SIZE - in : n - done;
		int64_t pfn = memobj_page(m->obj, o >> PAGE_SHIFT);

		if (pfn < 0)
			return done ? (ssize_t)done : pfn;
		memcpy((uint8_t *)buf + done, (uint8_t *)pfn_ptr((uint64_t)pfn) + in, c);
		done += c;
	}
	*pos += (int64_t)done;
	return (ssize_t)done;
}

static ssize_t mfd_write(struct task *t, struct file *f, const void *buf, size_t n,
			 int64_t *pos)
{
	struct memfd *m = f->priv;
	uint64_t off;
	size_t done = 0;

	if (m->seals & (SEAL_WRITE | SEAL_FUTURE_WRITE))
		return -EPERM;
	if (f->flags & O_APPEND)
		*pos = (int64_t)m->obj->size;
	off = (uint64_t)*pos;
	if (!n)
		return 0;
	if (off >= (uint64_t)MEMFD_MAX_SIZE)
		return -EFBIG;
	if (n > (uint64_t)MEMFD_MAX_SIZE - off)
		n = (uint64_t)MEMFD_MAX_SIZE - off;
	if (off + n > m->obj->size && (m->seals & SEAL_GROW))
		return -EPERM;
	while (done < n) {
		uint64_t o = off + done, in = o & (PAGE_SIZE - 1);
		size_t c = PAGE_SIZE - in < n - done ? PAGE_SIZE - in : n - done;
		int64_t pfn = memobj_page(m->obj, o >> PAGE_SHIFT);

		if (pfn < 0) {
			if (!done)
				return pfn;
			break;
		}
		memcpy((uint8_t *)pfn_ptr((uint64_t)pfn) + in, (const uint8_t *)buf + done, c);
		done += c;
	}
	if (off + done > m->obj->size)
		m->obj->size = off + done;
	*pos += (int64_t)done;
	clock_gettime(CLOCK_REALTIME, &m->mtime);
	m->ctime = m->mtime;
	return (ssize_t)done;
}

static int64_t mfd_llseek(struct file *f, int64_t off, int whence)
{
	struct memfd *m = f->priv;
	int64_t base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->pos;
		break;
	case SEEK_END:
		base = (int64_t)m->obj->size;
		break;
	case SEEK_DATA:
		/* No holes are tracked: all of the file is data. */
		if (off < 0 || (uint64_t)off >= m->obj->size)
			return -ENXIO;
		return f->pos = off;
	case SEEK_HOLE:
		if (off < 0 || (uint64_t)off >= m->obj->size)
			return -ENXIO;
		return f->pos = (int64_t)m->obj->size;
	default:
		return -EINVAL;
	}
	if ((off > 0 && base > MEMFD_MAX_SIZE - off) || base + off < 0)
		return -EINVAL;
	f->pos = base + off;
	return f->pos;
}

static int mfd_fstat(struct file *f, struct stat *st)
{
	struct memfd *m = f->priv;

	memset(st, 0, sizeof(*st));
	st->st_dev = 0x1;
	st->st_ino = m->ino;
	st->st_mode = S_IFREG | m->mode;
	st->st_nlink = 1;
	st->st_uid = m->uid;
	st->st_gid = m->gid;
	st->st_size = (off_t)m->obj->size;
	st->st_blksize = PAGE_SIZE;
	st->st_blocks = (blkcnt_t)(PAGE_ALIGN(m->obj->size) / 512);
	st->st_atim = st->st_mtim = m->mtime;
	st->st_ctim = m->ctime;
	return 0;
}

static int mfd_truncate(struct file *f, uint64_t len)
{
	struct memfd *m = f->priv;
	uint64_t old = m->obj->size;

	if (len > (uint64_t)MEMFD_MAX_SIZE)
		return -EFBIG;
	if ((len < old && (m->seals & SEAL_SHRINK)) || (len > old && (m->seals & SEAL_GROW)))
		return -EPERM;
	if (len < old) {
		uint64_t in = len & (PAGE_SIZE - 1);

		/* Zero the tail of the last partial page so that growing
		 * again reads zeros, then drop the whole pages beyond it. */
		if (in) {
			int64_t pfn = memobj_page(m->obj, len >> PAGE_SHIFT);

			if (pfn >= 0)
				memset((uint8_t *)pfn_ptr((uint64_t)pfn) + in, 0, PAGE_SIZE - in);
		}
		memobj_truncate(m->obj, PAGE_ALIGN(len) >> PAGE_SHIFT);
	}
	m->obj->size = len;
	clock_gettime(CLOCK_REALTIME, &m->mtime);
	m->ctime = m->mtime;
	return 0;
}

static int mfd_mmap(struct file *f, struct memobj **obj)
{
	struct memfd *m = f->priv;

	memobj_get(m->obj);
	*obj = m->obj;
	return 0;
}

static unsigned int mfd_poll(struct file *f, struct waitq **wq)
{
	return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
}

/* fcntl F_ADD_SEALS / F_GET_SEALS arrive as ioctls (see sys_fcntl). */
static long mfd_ioctl(struct task *t, struct file *f, unsigned int cmd, uint64_t arg)
{
	struct memfd *m = f->priv;
	unsigned int add = (unsigned int)arg;

	switch (cmd) {
	case MEMFD_FCNTL(F_GET_SEALS):
		return m->seals;
	case MEMFD_FCNTL(F_ADD_SEALS):
		if (add & ~SEAL_ALL)
			return -EINVAL;
		if ((f->flags & O_ACCMODE) == O_RDONLY)
			return -EPERM;
		if (m->seals & SEAL_SEAL)
			return -EPERM;
		/* Linux also fails F_SEAL_WRITE with EBUSY while writable
		 * shared mappings exist; those are not tracked here. */
		m->seals |= add;
		return 0;
	default:
		return -ENOTTY;
	}
}

static void mfd_release(struct file *f)
{
	struct memfd *m = f->priv;

	memobj_put(m->obj);
	free(m);
}

static const struct file_ops memfd_ops = {
	.read = mfd_read,
	.write = mfd_write,
	.llseek = mfd_llseek,
	.fstat = mfd_fstat,
	.ioctl = mfd_ioctl,
	.poll = mfd_poll,
	.mmap = mfd_mmap,
	.truncate = mfd_truncate,
	.release = mfd_release,
};

static const struct memobj_ops memfd_obj_ops = { 0 };

struct file *memfd_new(const char *name, bool sealing, int oflags)
{
	struct memfd *m = calloc(1, sizeof(*m));
	char path[300];
	struct file *f;

	if (!m)
		return NULL;
	snprintf(path, sizeof(path), "/memfd:%s (deleted)", name);
	m->obj = memobj_new(&memfd_obj_ops, m, 0, path);
	if (!m->obj) {
		free(m);
		return NULL;
	}
	m->seals = sealing ? 0 : SEAL_SEAL;
	m->mode = 0777;
	m->ino = memfd_next_ino++;
	clock_gettime(CLOCK_REALTIME, &m->mtime);
	m->ctime = m->mtime;
	f = file_new(&memfd_ops, O_RDWR | O_LARGEFILE | (oflags & O_NONBLOCK), m, path);
	if (!f) {
		memobj_put(m->obj);
		free(m);
	}
	return f;
}

/* memfd_create's owner and MFD_NOEXEC_SEAL details. */
void memfd_setup(struct file *f, uid_t uid, gid_t gid, bool noexec)
{
	struct memfd *m = f->priv;

	m->uid = uid;
	m->gid = gid;
	if (noexec) {
		m->mode = 0666;
		m->seals |= SEAL_EXEC;
	}
}
