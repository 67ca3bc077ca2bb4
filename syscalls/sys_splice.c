/* splice(2), tee(2), vmsplice(2), sendfile(2) and copy_file_range(2).
 * Data moves through a sentry buffer (no page stealing), with Linux's
 * rules from fs/splice.c and fs/read_write.c: which ends must be pipes,
 * offset pointers only on seekable ends, when a call waits (only before the
 * first byte) and what SPLICE_F_NONBLOCK and O_NONBLOCK change. Bytes
 * taken from a pipe are peeked first and consumed only once written, so a
 * failed write leaves them in the pipe. */
#define _GNU_SOURCE
#include "fs/pipe.h"
#include "fs/vfs.h"
#include "net/socket.h"
#include "syscalls/table.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>

#define SPLICE_F_MOVE_K 1
#define SPLICE_F_NONBLOCK_K 2
#define SPLICE_F_MORE_K 4
#define SPLICE_F_GIFT_K 8
#define SPLICE_F_ALL_K 0xf
#define MAX_RW_COUNT_K 0x7ffff000L
#define UIO_MAXIOV_K 1024
#define CHUNK (64 * 1024)

static bool readable(struct file *f)
{
	int acc = f->flags & O_ACCMODE;

	return !(f->flags & O_PATH) && (acc == O_RDONLY || acc == O_RDWR);
}

static bool writable(struct file *f)
{
	int acc = f->flags & O_ACCMODE;

	return !(f->flags & O_PATH) && (acc == O_WRONLY || acc == O_RDWR);
}

/* FMODE_PREAD/PWRITE: a positioned transfer makes sense. */
static bool seekable(struct file *f)
{
	return f->ops->llseek && f->ops->llseek(f, 0, SEEK_CUR) != -ESPIPE;
}

/* Bytes reached a VFS file: set-id bits and notifications as write(2). */
static void written(struct task *t, struct file *f, long r)
{
	if (r > 0 && f->dentry)
		vfs_file_written(t, f);
}

static void send_sigpipe(struct task *t)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = SIGPIPE;
	si.si_code = SI_USER;
	si.si_pid = t->tg->tgid;
	sig_send(t, SIGPIPE, &si, false);
}

/* Run a transfer on f as if O_NONBLOCK were set (no sleeping happens, so
 * nobody else sees the flag). */
static ssize_t read_nb(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos,
		       bool nonblock)
{
	int saved = f->flags;
	ssize_t r;

	if (nonblock)
		f->flags |= O_NONBLOCK;
	r = f->ops->read(t, f, buf, n, pos);
	if (nonblock)
		f->flags = (f->flags & ~O_NONBLOCK) | (saved & O_NONBLOCK);
	return r;
}

/* Put n bytes into pipe p as Linux's splice does: buffers that later
 * writes never join, the first holding at most first bytes (the rest of
 * its page), the others a page each. The caller made room. */
static ssize_t pipe_put(struct file *p, const uint8_t *buf, size_t n, size_t first)
{
	size_t done = 0;

	while (done < n) {
		size_t piece = first && !done ? first : PIPE_BUF_K;
		ssize_t w;

		if (piece > n - done)
			piece = n - done;
		w = pipe_push_piece(p, buf + done, piece);
		if (w < 0)
			return done ? (ssize_t)done : w;
		done += (size_t)w;
	}
	return (ssize_t)done;
}

/* The same, keeping the buffer boundaries of the pipe it came from. */
static ssize_t pipe_put_like(struct file *p, struct file *from, const uint8_t *buf, size_t n)
{
	size_t done = 0;

	for (uint32_t i = 0; done < n; i++) {
		size_t piece = pipe_buffer_len(from, i);
		ssize_t w;

		if (!piece || piece > n - done)
			piece = n - done;
		w = pipe_push_piece(p, buf + done, piece);
		if (w < 0)
			return done ? (ssize_t)done : w;
		done += (size_t)w;
	}
	return (ssize_t)done;
}

/* Take up to len bytes from pipe in and write them to out at *pos. */
static long splice_from_pipe(struct task *t, struct file *in, struct file *out, int64_t *pos,
			     size_t len, bool nonblock)
{
	long avail = pipe_wait_data(t, in, nonblock);
	uint8_t *buf;
	ssize_t w;
	size_t n;

	if (avail <= 0)
		return avail;
	n = (size_t)avail < len ? (size_t)avail : len;
	if (n > MAX_RW_COUNT_K)
		n = MAX_RW_COUNT_K;
	buf = malloc(n);
	if (!buf)
		return -ENOMEM;
	n = pipe_peek(in, buf, n);
	w = out->ops->write(t, out, buf, n, pos);
	if (w > 0)
		pipe_consume(in, (size_t)w);
	free(buf);
	return w;
}

/* Read up to len bytes of in (at *pos) into pipe out. */
static long splice_to_pipe(struct task *t, struct file *in, int64_t *pos, struct file *out,
			   size_t len, bool nonblock, bool in_nonblock)
{
	long room = pipe_wait_room(t, out, nonblock);
	uint8_t *buf;
	ssize_t r, w;
	size_t n, first = 0;

	if (room < 0)
		return room;
	/* A file's pages go in as they sit in its page cache: the first
	 * buffer starts at the position's offset within its page. */
	if (pos && *pos >= 0) {
		first = PIPE_BUF_K - (*pos & (PIPE_BUF_K - 1));
		room -= *pos & (PIPE_BUF_K - 1);
	}
	n = (size_t)room < len ? (size_t)room : len;
	buf = malloc(n);
	if (!buf)
		return -ENOMEM;
	r = read_nb(t, in, buf, n, pos, in_nonblock);
	if (r > 0) {
		w = pipe_put(out, buf, (size_t)r, first);
		/* Room was made: a shortfall is only possible without readers. */
		if (w != r && pos)
			*pos -= r - (w > 0 ? w : 0);
		r = w;
	}
	free(buf);
	return r;
}

static long splice_pipe_to_pipe(struct task *t, struct file *in, struct file *out, size_t len,
				bool nonblock)
{
	long avail = pipe_wait_data(t, in, nonblock), room;
	uint8_t *buf;
	ssize_t w;
	size_t n;

	if (avail <= 0)
		return avail;
	room = pipe_wait_room(t, out, nonblock);
	if (room < 0)
		return room;
	n = (size_t)avail < len ? (size_t)avail : len;
	if ((size_t)room < n)
		n = (size_t)room;
	buf = malloc(n);
	if (!buf)
		return -ENOMEM;
	n = pipe_peek(in, buf, n);
	w = pipe_put_like(out, in, buf, n);
	if (w > 0)
		pipe_consume(in, (size_t)w);
	free(buf);
	return w;
}

static int get_off(struct task *t, uint64_t addr, int64_t *off)
{
	if (copy_from_guest(t, off, addr, sizeof(*off)) < 0)
		return -EFAULT;
	return 0;
}

static long do_splice(struct task *t, struct file *in, uint64_t off_in, struct file *out,
		      uint64_t off_out, size_t len, unsigned int flags)
{
	bool ipipe = pipe_file_is_pipe(in), opipe = pipe_file_is_pipe(out);
	bool nonblock = flags & SPLICE_F_NONBLOCK_K;
	int64_t off, *pos;
	long r;

	if (!readable(in) || !writable(out))
		return -EBADF;
	if (ipipe && off_in)
		return -ESPIPE;
	if (opipe && off_out)
		return -ESPIPE;
	if (off_in && get_off(t, off_in, &off) < 0)
		return -EFAULT;
	if (off_out && get_off(t, off_out, &off) < 0)
		return -EFAULT;
	if (len > MAX_RW_COUNT_K)
		len = MAX_RW_COUNT_K;
	if (ipipe && opipe) {
		if (pipe_same(in, out))
			return -EINVAL;
		nonblock |= ((in->flags | out->flags) & O_NONBLOCK) != 0;
		r = splice_pipe_to_pipe(t, in, out, len, nonblock);
		if (r == -EPIPE)
			send_sigpipe(t);
		return r;
	}
	if (ipipe) {
		if (off_out) {
			if (!seekable(out))
				return -EINVAL;
			pos = &off;
		} else {
			pos = &out->pos;
		}
		if (out->flags & O_APPEND)
			return -EINVAL;
		if (*pos < 0)
			return -EINVAL;
		if (!out->ops->write)
			return -EINVAL;
		nonblock |= (in->flags & O_NONBLOCK) != 0;
		r = splice_from_pipe(t, in, out, pos, len, nonblock);
		written(t, out, r);
		if (r == -EPIPE && !socket_of(out))
			send_sigpipe(t);
		if (off_out && r > 0 && copy_to_guest(t, off_out, &off, sizeof(off)) < 0)
			return -EFAULT;
		return r;
	}
	if (opipe) {
		if (off_in) {
			if (!seekable(in))
				return -EINVAL;
			pos = &off;
		} else {
			pos = seekable(in) ? &in->pos : NULL;
		}
		if (pos && *pos < 0)
			return -EINVAL;
		if (!in->ops->read)
			return -EINVAL;
		nonblock |= (out->flags & O_NONBLOCK) != 0;
		r = splice_to_pipe(t, in, pos, out, len, nonblock, flags & SPLICE_F_NONBLOCK_K);
		if (r == -EPIPE)
			send_sigpipe(t);
		if (off_in && r > 0 && copy_to_guest(t, off_in, &off, sizeof(off)) < 0)
			return -EFAULT;
		return r;
	}
	return -EINVAL;
}

long sys_splice(struct task *t, const struct syscall_args *a)
{
	size_t len = a->a[4];
	unsigned int flags = (unsigned int)a->a[5];
	struct file *in, *out;
	long r;

	if (!len)
		return 0;
	if (flags & ~SPLICE_F_ALL_K)
		return -EINVAL;
	in = fd_get(t->files, (int)a->a[0]);
	if (!in)
		return -EBADF;
	out = fd_get(t->files, (int)a->a[2]);
	if (!out) {
		file_put(in);
		return -EBADF;
	}
	r = do_splice(t, in, a->a[1], out, a->a[3], len, flags);
	file_put(out);
	file_put(in);
	return r;
}

long sys_tee(struct task *t, const struct syscall_args *a)
{
	size_t len = a->a[2];
	unsigned int flags = (unsigned int)a->a[3];
	struct file *in, *out;
	bool nonblock = flags & SPLICE_F_NONBLOCK_K;
	long r, room;
	uint8_t *buf;
	size_t n;

	if (flags & ~SPLICE_F_ALL_K)
		return -EINVAL;
	if (!len)
		return 0;
	in = fd_get(t->files, (int)a->a[0]);
	if (!in)
		return -EBADF;
	out = fd_get(t->files, (int)a->a[1]);
	if (!out) {
		file_put(in);
		return -EBADF;
	}
	if (!readable(in) || !writable(out)) {
		r = -EBADF;
		goto out;
	}
	if (!pipe_file_is_pipe(in) || !pipe_file_is_pipe(out) || pipe_same(in, out)) {
		r = -EINVAL;
		goto out;
	}
	nonblock |= ((in->flags | out->flags) & O_NONBLOCK) != 0;
	r = pipe_wait_data(t, in, nonblock);
	if (r <= 0)
		goto out;
	room = pipe_wait_room(t, out, nonblock);
	if (room < 0) {
		r = room;
		if (r == -EPIPE)
			send_sigpipe(t);
		goto out;
	}
	n = (size_t)r < len ? (size_t)r : len;
	if ((size_t)room < n)
		n = (size_t)room;
	buf = malloc(n);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	n = pipe_peek(in, buf, n);
	r = pipe_put_like(out, in, buf, n);
	free(buf);
out:
	file_put(out);
	file_put(in);
	return r;
}

/* The guest's iovec array, checked like import_iovec(). */
static long iov_in(struct task *t, uint64_t addr, unsigned long nr, struct iovec **out,
		   size_t *total)
{
	struct iovec *iov;
	size_t sum = 0;

	*out = NULL;
	*total = 0;
	if (nr > UIO_MAXIOV_K)
		return -EINVAL;
	if (!nr)
		return 0;
	iov = calloc(nr, sizeof(*iov));
	if (!iov)
		return -ENOMEM;
	if (copy_from_guest(t, iov, addr, nr * sizeof(*iov)) < 0) {
		free(iov);
		return -EFAULT;
	}
	for (unsigned long i = 0; i < nr; i++) {
		if ((ssize_t)iov[i].iov_len < 0) {
			free(iov);
			return -EINVAL;
		}
		if (iov[i].iov_len > (size_t)MAX_RW_COUNT_K - sum)
			iov[i].iov_len = (size_t)MAX_RW_COUNT_K - sum;
		sum += iov[i].iov_len;
	}
	*out = iov;
	*total = sum;
	return 0;
}

long sys_vmsplice(struct task *t, const struct syscall_args *a)
{
	unsigned int flags = (unsigned int)a->a[3];
	bool nonblock = flags & SPLICE_F_NONBLOCK_K, to_pipe;
	struct iovec *iov = NULL;
	struct file *f;
	size_t total, n, done = 0;
	uint8_t *buf = NULL;
	long r;

	if (flags & ~SPLICE_F_ALL_K)
		return -EINVAL;
	f = fd_get(t->files, (int)a->a[0]);
	if (!f)
		return -EBADF;
	if (writable(f)) {
		to_pipe = true;
	} else if (readable(f)) {
		to_pipe = false;
	} else {
		file_put(f);
		return -EBADF;
	}
	r = iov_in(t, a->a[1], a->a[2], &iov, &total);
	if (r < 0 || !total)
		goto out;
	if (!pipe_file_is_pipe(f)) {
		r = -EBADF;
		goto out;
	}
	/* Only SPLICE_F_NONBLOCK matters here, not the file's O_NONBLOCK. */
	if (to_pipe) {
		size_t slots;

		r = pipe_wait_room(t, f, nonblock);
		if (r < 0) {
			if (r == -EPIPE)
				send_sigpipe(t);
			goto out;
		}
		/* Each page of user memory is one pipe buffer. */
		slots = (size_t)r / PIPE_BUF_K;
		n = 0;
		for (unsigned long i = 0; i < a->a[2] && slots; i++) {
			uint64_t base = (uint64_t)iov[i].iov_base;
			size_t left = iov[i].iov_len;

			while (left && slots) {
				size_t piece = PIPE_BUF_K - (base & (PIPE_BUF_K - 1));

				if (piece > left)
					piece = left;
				n += piece;
				base += piece;
				left -= piece;
				slots--;
			}
		}
	} else {
		r = pipe_wait_data(t, f, nonblock);
		if (r <= 0)
			goto out;
		n = (size_t)r < total ? (size_t)r : total;
	}
	buf = malloc(n);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	if (to_pipe) {
		/* One buffer per page of user memory; a bad address ends the
		 * run. */
		for (unsigned long i = 0; i < a->a[2] && done < n; i++) {
			uint64_t base = (uint64_t)iov[i].iov_base;
			size_t left = iov[i].iov_len;

			while (left && done < n) {
				size_t piece = PIPE_BUF_K - (base & (PIPE_BUF_K - 1));
				ssize_t w;

				if (piece > left)
					piece = left;
				if (copy_from_guest(t, buf, base, piece) < 0)
					goto gathered;
				w = pipe_push_piece(f, buf, piece);
				if (w <= 0)
					goto gathered;
				done += (size_t)w;
				base += piece;
				left -= piece;
			}
		}
gathered:
		r = done ? (long)done : -EFAULT;
	} else {
		n = pipe_peek(f, buf, n);
		for (unsigned long i = 0; i < a->a[2] && done < n; i++) {
			size_t c = iov[i].iov_len < n - done ? iov[i].iov_len : n - done;

			if (copy_to_guest(t, (uint64_t)iov[i].iov_base, buf + done, c) < 0)
				break;
			done += c;
		}
		if (done)
			pipe_consume(f, done);
		r = done ? (long)done : -EFAULT;
	}
out:
	free(buf);
	free(iov);
	file_put(f);
	return r;
}

/* ---- sendfile ---- */

/* Weak while syscalls/sys_file.c may still carry the older copy loop. */
__attribute__((weak)) long sys_sendfile(struct task *t, const struct syscall_args *a)
{
	uint64_t offp = a->a[2];
	size_t count = a->a[3];
	struct file *in = NULL, *out = NULL;
	int64_t off = 0, *pos;
	uint8_t *buf = NULL;
	long r, done = 0;

	in = fd_get(t->files, (int)a->a[1]);
	if (!in)
		return -EBADF;
	if (!readable(in)) {
		r = -EBADF;
		goto out;
	}
	if (offp) {
		if (get_off(t, offp, &off) < 0) {
			r = -EFAULT;
			goto out;
		}
		if (!seekable(in)) {
			r = -ESPIPE;
			goto out;
		}
		pos = &off;
	} else {
		pos = seekable(in) ? &in->pos : NULL;
	}
	if (pos && *pos < 0) {
		r = -EINVAL;
		goto out;
	}
	if (count > MAX_RW_COUNT_K)
		count = MAX_RW_COUNT_K;
	out = fd_get(t->files, (int)a->a[0]);
	if (!out) {
		r = -EBADF;
		goto out;
	}
	if (!writable(out)) {
		r = -EBADF;
		goto out;
	}
	/* Sources without a splice_read (pipes, eventfds...) are EINVAL. */
	if (pipe_file_is_pipe(in) || !in->ops->read || (!pos && !socket_of(in))) {
		r = -EINVAL;
		goto out;
	}
	if (pipe_file_is_pipe(out)) {
		r = splice_to_pipe(t, in, pos, out, count, (out->flags & O_NONBLOCK) != 0, false);
		if (r == -EPIPE)
			send_sigpipe(t);
		goto done;
	}
	if ((out->flags & O_APPEND) || !out->ops->write) {
		r = -EINVAL;
		goto out;
	}
	buf = malloc(count < CHUNK ? (count ? count : 1) : CHUNK);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	r = 0;
	while ((size_t)done < count) {
		size_t want = count - (size_t)done < CHUNK ? count - (size_t)done : CHUNK;
		int64_t before = pos ? *pos : 0;
		ssize_t n = in->ops->read(t, in, buf, want, pos), w;

		if (n <= 0) {
			r = n;
			break;
		}
		w = out->ops->write(t, out, buf, (size_t)n, &out->pos);
		if (w < 0) {
			if (pos)
				*pos = before;
			r = w;
			break;
		}
		if (w < n && pos)
			*pos = before + w;
		done += w;
		if (w < n || (size_t)n < want)
			break;
	}
	if (done)
		r = done;
	else if (r == -EPIPE && !socket_of(out))
		send_sigpipe(t);
	written(t, out, r);
done:
	if (offp && r >= 0 && copy_to_guest(t, offp, &off, sizeof(off)) < 0)
		r = -EFAULT;
out:
	free(buf);
	if (out)
		file_put(out);
	file_put(in);
	return r;
}

/* ---- copy_file_range ---- */

long sys_copy_file_range(struct task *t, const struct syscall_args *a)
{
	uint64_t offp_in = a->a[1], offp_out = a->a[3];
	size_t len = a->a[4];
	struct file *in = NULL, *out = NULL;
	struct stat si, so;
	int64_t off_in = 0, off_out = 0, *pin, *pout;
	uint8_t *buf = NULL;
	long r = 0, done = 0;

	if (a->a[5])
		return -EINVAL;
	in = fd_get(t->files, (int)a->a[0]);
	if (!in)
		return -EBADF;
	out = fd_get(t->files, (int)a->a[2]);
	if (!out) {
		r = -EBADF;
		goto out;
	}
	if ((offp_in && get_off(t, offp_in, &off_in) < 0) ||
	    (offp_out && get_off(t, offp_out, &off_out) < 0)) {
		r = -EFAULT;
		goto out;
	}
	pin = offp_in ? &off_in : &in->pos;
	pout = offp_out ? &off_out : &out->pos;
	if (!in->ops->fstat || !out->ops->fstat || in->ops->fstat(in, &si) < 0 ||
	    out->ops->fstat(out, &so) < 0) {
		r = -EINVAL;
		goto out;
	}
	if (S_ISDIR(si.st_mode) || S_ISDIR(so.st_mode)) {
		r = -EISDIR;
		goto out;
	}
	if (!S_ISREG(si.st_mode) || !S_ISREG(so.st_mode)) {
		r = -EINVAL;
		goto out;
	}
	if (!readable(in) || !writable(out) || (out->flags & O_APPEND)) {
		r = -EBADF;
		goto out;
	}
	if ((uint64_t)*pin + len < (uint64_t)*pin || (uint64_t)*pout + len < (uint64_t)*pout) {
		r = -EOVERFLOW;
		goto out;
	}
	if (*pin < 0 || *pout < 0) {
		r = -EINVAL;
		goto out;
	}
	/* Only what the source holds is copied, and never past the largest
	 * file offset (generic_write_check_limits). */
	if (*pin >= si.st_size)
		len = 0;
	else if (len > (uint64_t)(si.st_size - *pin))
		len = (uint64_t)(si.st_size - *pin);
	if (len && *pout == INT64_MAX) {
		r = -EFBIG;
		goto out;
	}
	if (len > (uint64_t)(INT64_MAX - *pout))
		len = (uint64_t)(INT64_MAX - *pout);
	if (si.st_dev == so.st_dev && si.st_ino == so.st_ino &&
	    *pout + (int64_t)len > *pin && *pout < *pin + (int64_t)len) {
		r = -EINVAL;
		goto out;
	}
	if (!len)
		goto out;
	if (len > MAX_RW_COUNT_K)
		len = MAX_RW_COUNT_K;
	buf = malloc(len < CHUNK ? len : CHUNK);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	while ((size_t)done < len) {
		size_t want = len - (size_t)done < CHUNK ? len - (size_t)done : CHUNK;
		int64_t before = *pin;
		ssize_t n = in->ops->read(t, in, buf, want, pin), w;

		if (n <= 0) {
			r = n;
			break;
		}
		w = out->ops->write(t, out, buf, (size_t)n, pout);
		if (w < 0) {
			*pin = before;
			r = w;
			break;
		}
		if (w < n)
			*pin = before + w;
		done += w;
		if (w < n || (size_t)n < want)
			break;
	}
	if (done)
		r = done;
	written(t, out, r);
	if (r > 0 && ((offp_in && copy_to_guest(t, offp_in, &off_in, sizeof(off_in)) < 0) ||
		      (offp_out && copy_to_guest(t, offp_out, &off_out, sizeof(off_out)) < 0)))
		r = -EFAULT;
out:
	free(buf);
	if (out)
		file_put(out);
	file_put(in);
	return r;
}
