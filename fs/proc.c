/* procfs: the "proc" filesystem. Per-process directories for every guest
 * thread group (and task/<tid>/ for each thread), the self and thread-self
 * links, global files and sys/. Everything shown is a guest object: guest
 * pids, guest paths, the sandbox's mounts (invariant 4). This file is the
 * filesystem (nodes, lookup, listing, open files, links, fd/ and the
 * superblock); the contents come from fs/proc_pid.c and fs/proc_sys.c.
 * File contents are generated when the file is opened; per-pid dentries
 * are dropped by revalidate once the process is reaped. */
#define _GNU_SOURCE
#include "fs/proc_internal.h"
#include "fs/inotify.h"
#include "fs/vfs.h"
#include "sentry/log.h"
#include "sentry/memfile.h"
#include "sentry/memobj.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <unistd.h>
#include <sys/sysmacros.h>

/* ---------------------------------------------------------------- buffers */

void pbuf_add(struct pbuf *b, const void *p, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *d;

		while (cap < b->len + n + 1)
			cap *= 2;
		d = realloc(b->d, cap);
		if (!d) {
			b->oom = true;
			return;
		}
		b->d = d;
		b->cap = cap;
	}
	memcpy(b->d + b->len, p, n);
	b->len += n;
	b->d[b->len] = 0;
}

void pbuf_printf(struct pbuf *b, const char *fmt, ...)
{
	va_list ap;
	char tmp[512];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		pbuf_add(b, tmp, (size_t)n);
		return;
	}
	{
		char *big = malloc((size_t)n + 1);

		if (!big) {
			b->oom = true;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		pbuf_add(b, big, (size_t)n);
		free(big);
	}
}

/* Pad the current line to column col (seq_pad). */
void pbuf_pad(struct pbuf *b, size_t line_start, size_t col)
{
	while (!b->oom && b->len - line_start < col)
		pbuf_add(b, " ", 1);
}

/* Paths in mounts/mountinfo/maps escape space, tab, newline and
 * backslash as octal (Linux's mangle / seq_path). */
void pbuf_escaped(struct pbuf *b, const char *s, const char *esc)
{
	for (; *s; s++) {
		if (strchr(esc, *s))
			pbuf_printf(b, "\\%03o", (unsigned char)*s);
		else
			pbuf_add(b, s, 1);
	}
}

/* ------------------------------------------------------------ node model */

static const struct fs_type proc_fs_type;
static const struct inode_ops proc_dir_iops, proc_file_iops, proc_link_iops,
	proc_magic_iops;
static const struct file_ops proc_dir_fops, proc_file_fops;

/* The process and thread a per-pid node names, if they still exist. A
 * reaped process is gone; a zombie is still shown, like Linux. */
int proc_pnode_target(const struct pnode *pn, struct thread_group **tgp, struct task **tp)
{
	struct thread_group *tg = tg_lookup(pn->tgid);
	struct task *t;

	if (!tg || tg->reaped)
		return -ENOENT;
	if (pn->tid) {
		t = task_lookup(pn->tid);
		if (!t || t->tg != tg)
			return -ENOENT;
	} else {
		t = tg->leader;
		if (!t)
			return -ENOENT;
	}
	*tgp = tg;
	*tp = t;
	return 0;
}

/* -------------------------------------------------------------- inodes */

static struct inode *pnode_inode(struct super_block *sb, const struct pnode *tmpl,
				 uint32_t mode)
{
	const struct inode_ops *iops;
	const struct file_ops *fops = NULL;
	struct pnode *pn = malloc(sizeof(*pn));
	struct inode *inode;

	if (!pn)
		return NULL;
	*pn = *tmpl;
	switch (mode & S_IFMT) {
	case S_IFDIR:
		iops = &proc_dir_iops;
		fops = &proc_dir_fops;
		break;
	case S_IFLNK:
		iops = (pn->kind == PK_SYMLINK) ? &proc_link_iops : &proc_magic_iops;
		break;
	default:
		iops = &proc_file_iops;
		fops = &proc_file_fops;
	}
	inode = inode_new(sb, iops, fops, mode, 0);
	if (!inode) {
		free(pn);
		return NULL;
	}
	inode->priv = pn;
	inode->nlink = S_ISDIR(mode) ? 2 : 1;
	clock_gettime(CLOCK_REALTIME, &inode->mtime);
	inode->atime = inode->ctime = inode->mtime;
	if (pn->tgid) {
		struct thread_group *tg;
		struct task *t;

		/* Per-process files belong to the process's owner. */
		if (proc_pnode_target(pn, &tg, &t) == 0 && t->cred) {
			inode->uid = t->cred->euid;
			inode->gid = t->cred->egid;
		}
	}
	return inode;
}

static bool parse_num(const char *s, int *out)
{
	long v = 0;

	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1]))
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > INT32_MAX)
			return false;
	}
	*out = (int)v;
	return true;
}

static const struct pent *dir_table(const struct pnode *pn)
{
	switch (pn->kind) {
	case PK_ROOT:
		return proc_root_ents;
	case PK_PID:
	case PK_TID:
		return proc_pid_ents;
	case PK_TABLE:
	case PK_NSDIR:
		return pn->ent->sub;
	default:
		return NULL;
	}
}

static struct files *pnode_files(const struct pnode *pn)
{
	struct thread_group *tg;
	struct task *t;

	if (proc_pnode_target(pn, &tg, &t) < 0 || t->state == TASK_ZOMBIE)
		return NULL;
	return t->files;
}

/* An fd link's mode says how the file is open (lr-x, l-wx, lrwx). */
static uint32_t fd_link_mode(struct file *f)
{
	switch (f->flags & O_ACCMODE) {
	case O_RDONLY:
		return 0500;
	case O_WRONLY:
		return 0300;
	default:
		return 0700;
	}
}

/* ---- mount options: hidepid=, gid=, subset=pid ---- */

struct proc_opts {
	int hidepid;            /* 0 off, 1 noaccess, 2 invisible, 4 ptraceable */
	uint32_t gid;           /* members see every process (default 0) */
	bool subset_pid;        /* only the process directories */
};

static const struct proc_opts no_opts;

static const struct proc_opts *sb_opts(struct super_block *sb)
{
	return sb->priv ? sb->priv : &no_opts;
}

/* May the reader see the process owning t? As Linux's
 * has_pid_permissions: below the hidepid level min, yes; else members of
 * the gid= group (not with ptraceable), and whoever may ptrace-read it
 * (its own processes: fsuid equal to the owner's euid; or
 * CAP_SYS_PTRACE). min is 1 to look inside, 2 to see it at all. */
static bool pid_visible(struct super_block *sb, struct task *t, int min)
{
	const struct proc_opts *o = sb_opts(sb);
	struct task *r = proc_caller();

	if (!r || r->tg == t->tg)
		return true;
	if (o->hidepid != 4) {
		if (o->hidepid < min)
			return true;
		if (r->cred && vfs_in_group(r->cred, o->gid))
			return true;
	}
	if (r->cred && t->cred && r->cred->fsuid == t->cred->euid)
		return true;
	return capable(r, 19 /* CAP_SYS_PTRACE */);
}

static int proc_lookup(struct inode *dir, const char *name, struct inode **out)
{
	const struct pnode *dn = dir->priv;
	const struct pent *tab = dir_table(dn);
	struct pnode pn = { .tgid = dn->tgid, .tid = dn->tid };
	struct thread_group *tg;
	struct task *t;
	int num;

	/* In the directory of a reaped process, as Linux says. */
	if (dn->tgid && proc_pnode_target(dn, &tg, &t) < 0)
		return -ESRCH;
	if (dn->tgid && !pid_visible(dir->sb, t, 1))
		return -EPERM;
	for (const struct pent *e = tab; e && e->name; e++) {
		if (strcmp(e->name, name))
			continue;
		if (dn->kind == PK_ROOT && sb_opts(dir->sb)->subset_pid &&
		    strcmp(e->name, "self") && strcmp(e->name, "thread-self"))
			break;
		if (dn->kind == PK_TID && e->kind == PK_TASKDIR)
			break;
		pn.kind = e->kind;
		pn.ent = e;
		pn.sysctl = dn->kind == PK_TABLE;
		*out = pnode_inode(dir->sb, &pn, e->mode);
		return *out ? 0 : -ENOMEM;
	}
	switch (dn->kind) {
	case PK_ROOT:
		/* Every thread is reachable as /proc/<tid>, though only
		 * processes are listed. */
		if (!parse_num(name, &num) || !(t = task_lookup(num)) || t->tg->reaped ||
		    (t->state == TASK_ZOMBIE && t != t->tg->leader))
			return -ENOENT;
		if (!pid_visible(dir->sb, t, 2))
			return -ENOENT;
		pn.kind = PK_PID;
		pn.tgid = t->tg->tgid;
		pn.tid = num == t->tg->tgid ? 0 : num;
		*out = pnode_inode(dir->sb, &pn, S_IFDIR | 0555);
		return *out ? 0 : -ENOMEM;
	case PK_TASKDIR:
		if (!parse_num(name, &num) || !(t = task_lookup(num)) || t->tg->tgid != dn->tgid ||
		    (t->state == TASK_ZOMBIE && t != t->tg->leader))
			return -ENOENT;
		pn.kind = PK_TID;
		pn.tid = num;
		*out = pnode_inode(dir->sb, &pn, S_IFDIR | 0555);
		return *out ? 0 : -ENOMEM;
	case PK_FDDIR:
	case PK_FDINFODIR: {
		struct files *fs = pnode_files(dn);
		struct file *f;

		if (!fs || !parse_num(name, &num) || !(f = fd_get(fs, num)))
			return -ENOENT;
		pn.kind = dn->kind == PK_FDDIR ? PK_FD : PK_FDINFO;
		pn.fd = num;
		*out = pnode_inode(dir->sb, &pn,
				   pn.kind == PK_FDINFO ? S_IFREG | 0444 : S_IFLNK | fd_link_mode(f));
		file_put(f);
		return *out ? 0 : -ENOMEM;
	}
	default:
		return -ENOENT;
	}
}

/* ---- directory listing ---- */

static unsigned int dtype_of(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR: return 4;   /* DT_DIR */
	case S_IFLNK: return 10;  /* DT_LNK */
	default: return 8;        /* DT_REG */
	}
}

struct idlist {
	int *v;
	int n, cap;
};

static void idlist_add(struct idlist *l, int id)
{
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 64;
		int *v = realloc(l->v, (size_t)cap * sizeof(int));

		if (!v)
			return;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = id;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

struct tgid_walk {
	struct idlist *ids;
	struct super_block *sb;
};

static void add_tgid(struct thread_group *tg, void *arg)
{
	struct tgid_walk *w = arg;

	if (tg->reaped || !tg->leader)
		return;
	if (!pid_visible(w->sb, tg->leader, 2))
		return;
	idlist_add(w->ids, tg->tgid);
}

/* Cookies: 0 ".", 1 "..", 2.. table entries, then ID_BASE + id for
 * numbered entries (pids, tids, fds), in increasing order. */
#define ID_BASE 0x10000LL

static int proc_iterate(struct file *f, struct dir_ctx *ctx)
{
	struct inode *inode = file_inode(f);
	const struct pnode *dn = inode->priv;
	const struct pent *tab = dir_table(dn);
	struct idlist ids = { 0 };
	struct thread_group *tg;
	struct task *t;
	int64_t ntab = 0;
	int r = 0;

	if (dn->tgid && proc_pnode_target(dn, &tg, &t) < 0)
		return -ENOENT;
	if (dn->tgid && !pid_visible(inode->sb, t, 1))
		return -EPERM;
	while (tab && tab[ntab].name)
		ntab++;
	if (ctx->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, inode->ino, 4))
			return 0;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (!ctx->emit(ctx, "..", 2, 1, 4))
			return 0;
		ctx->pos = 2;
	}
	for (; ctx->pos < 2 + ntab; ctx->pos++) {
		const struct pent *e = &tab[ctx->pos - 2];

		if (dn->kind == PK_TID && e->kind == PK_TASKDIR)
			continue;
		if (dn->kind == PK_ROOT && sb_opts(inode->sb)->subset_pid &&
		    strcmp(e->name, "self") && strcmp(e->name, "thread-self"))
			continue;
		if (!ctx->emit(ctx, e->name, strlen(e->name), (uint64_t)ctx->pos + 0x100,
			       dtype_of(e->mode)))
			return 0;
	}
	if (ctx->pos < ID_BASE)
		ctx->pos = ID_BASE;
	switch (dn->kind) {
	case PK_ROOT:
		for_each_tg(add_tgid, &(struct tgid_walk){ &ids, inode->sb });
		break;
	case PK_TASKDIR: {
		struct task *o;

		list_for_each_entry(o, &tg->tasks, tg_node)
			if (o->state != TASK_ZOMBIE || o == tg->leader)
				idlist_add(&ids, o->tid);
		break;
	}
	case PK_FDDIR:
	case PK_FDINFODIR: {
		struct files *fs = pnode_files(dn);

		for (int i = 0; fs && i < fs->size; i++)
			if (fs->fds[i].file)
				idlist_add(&ids, i);
		break;
	}
	default:
		break;
	}
	if (ids.n)
		qsort(ids.v, (size_t)ids.n, sizeof(int), cmp_int);
	for (int i = 0; i < ids.n; i++) {
		char name[16];
		int len;

		if (ID_BASE + ids.v[i] < ctx->pos)
			continue;
		len = snprintf(name, sizeof(name), "%d", ids.v[i]);
		if (!ctx->emit(ctx, name, (size_t)len, 0x100000 + (uint64_t)ids.v[i],
			       dn->kind == PK_FDDIR ? 10 : dn->kind == PK_FDINFODIR ? 8 : 4))
			break;
		ctx->pos = ID_BASE + ids.v[i] + 1;
	}
	free(ids.v);
	return r;
}

/* ---- regular files: contents made at open ---- */

struct pfile {
	struct pbuf b;
	struct pnode pn;
};

static int pctx_init(struct pctx *c, const struct pnode *pn)
{
	memset(c, 0, sizeof(*c));
	c->caller = proc_caller();
	c->pn = pn;
	if (!c->caller)
		return -ESRCH;
	if (pn->tgid)
		return proc_pnode_target(pn, &c->tg, &c->t) < 0 ? -ESRCH : 0;
	c->t = c->caller;
	c->tg = c->caller->tg;
	return 0;
}

static int fdinfo_show(struct pctx *c, struct pbuf *b)
{
	struct files *fs = pnode_files(c->pn);
	struct file *f = fs ? fd_get(fs, c->pn->fd) : NULL;

	if (!f)
		return -ENOENT;
	pbuf_printf(b, "pos:\t%" PRId64 "\nflags:\t0%o\nmnt_id:\t%d\nino:\t%" PRIu64 "\n",
		    f->pos, (unsigned int)(f->flags | (fd_get_cloexec(fs, c->pn->fd) > 0 ? O_CLOEXEC : 0)),
		    f->mnt ? f->mnt->id : 0, file_inode(f) ? file_inode(f)->ino : 0);
	if (file_is_inotify(f))
		inotify_show_fdinfo(f, b);
	file_put(f);
	return 0;
}

/* ---- mem: the process's memory at file offset = address ----
 * The address space is pinned at open (Linux's mem_open). Reads and
 * writes go page by page through the memory manager and stop at the
 * first inaccessible page; unlike Linux's FOLL_FORCE, a write needs a
 * writable mapping. */

struct pmem {
	struct mm *mm;
};

static unsigned int pf_poll(struct file *f, struct waitq **wq);
static int pf_fstat(struct file *f, struct stat *st);

static ssize_t mem_rw(struct file *f, void *buf, size_t n, int64_t *pos, bool wr)
{
	struct pmem *pm = f->priv;
	uint64_t addr = (uint64_t)(pos ? *pos : f->pos);
	size_t done = 0;

	if (!pm->mm)
		return 0;
	while (done < n) {
		size_t chunk = PAGE_SIZE - ((addr + done) & (PAGE_SIZE - 1));
		int r;

		if (chunk > n - done)
			chunk = n - done;
		r = wr ? mm_copy_out(pm->mm, NULL, addr + done, (const char *)buf + done, chunk)
		       : mm_copy_in(pm->mm, NULL, (char *)buf + done, addr + done, chunk);
		if (r < 0)
			break;
		done += chunk;
	}
	if (!done && n)
		return -EIO;
	if (pos)
		*pos += (int64_t)done;
	return (ssize_t)done;
}

static ssize_t mem_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	return mem_rw(f, buf, n, pos, false);
}

static ssize_t mem_write(struct task *t, struct file *f, const void *buf, size_t n, int64_t *pos)
{
	return mem_rw(f, (void *)buf, n, pos, true);
}

/* Offsets are addresses: any value, as Linux's mem_lseek. */
static int64_t mem_llseek(struct file *f, int64_t off, int whence)
{
	switch (whence) {
	case SEEK_SET:
		f->pos = off;
		return off;
	case SEEK_CUR:
		f->pos += off;
		return f->pos;
	default:
		return -EINVAL;
	}
}

static void mem_release(struct file *f)
{
	struct pmem *pm = f->priv;

	if (pm->mm)
		mm_put(pm->mm);
	free(pm);
}

static const struct file_ops proc_mem_fops = {
	.read = mem_read,
	.write = mem_write,
	.llseek = mem_llseek,
	.poll = pf_poll,
	.fstat = pf_fstat,
	.release = mem_release,
};

static int mem_open(struct pctx *c, struct file *f)
{
	struct pmem *pm = calloc(1, sizeof(*pm));
	struct mm *mm = proc_mm(c);

	if (!pm)
		return -ENOMEM;
	/* Another user's process needs CAP_SYS_PTRACE (ptrace access). */
	if (c->t->tg != c->caller->tg && c->t->cred && c->caller->cred &&
	    c->t->cred->euid != c->caller->cred->euid && !capable(c->caller, 19 /* CAP_SYS_PTRACE */)) {
		free(pm);
		return -EACCES;
	}
	if (mm) {
		mm_get(mm);
		pm->mm = mm;
	}
	f->ops = &proc_mem_fops;
	f->priv = pm;
	return 0;
}

static int proc_open(struct inode *inode, struct file *f)
{
	struct pfile *pf;
	struct pnode *pn = inode->priv;
	struct pctx c;
	int r;

	if (S_ISDIR(inode->mode))
		return 0;
	r = pctx_init(&c, pn);
	if (r < 0)
		return r;
	if (pn->ent && pn->ent->kind == PK_FILE && !pn->ent->show)
		return mem_open(&c, f);
	/* Read-only sysctls refuse writers at open, even root; other files
	 * refuse the write itself (below). */
	if ((f->flags & O_ACCMODE) != O_RDONLY && pn->sysctl && !pn->ent->store)
		return -EACCES;
	pf = calloc(1, sizeof(*pf));
	if (!pf)
		return -ENOMEM;
	pf->pn = *pn;
	if ((f->flags & O_ACCMODE) != O_WRONLY) {
		r = pn->kind == PK_FDINFO ? fdinfo_show(&c, &pf->b) : pn->ent->show(&c, &pf->b);
		if (r == 0 && pf->b.oom)
			r = -ENOMEM;
		if (r < 0) {
			free(pf->b.d);
			free(pf);
			return r;
		}
	}
	f->priv = pf;
	return 0;
}

static ssize_t pf_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	struct pfile *pf = f->priv;
	int64_t p = pos ? *pos : f->pos;

	if (!pf)
		return -EINVAL;
	if (p < 0)
		return -EINVAL;
	if ((uint64_t)p >= pf->b.len)
		return 0;
	if (n > pf->b.len - (size_t)p)
		n = pf->b.len - (size_t)p;
	memcpy(buf, pf->b.d + p, n);
	if (pos)
		*pos += (int64_t)n;
	return (ssize_t)n;
}

static ssize_t pf_write(struct task *t, struct file *f, const void *buf, size_t n, int64_t *pos)
{
	struct pfile *pf = f->priv;
	struct pctx c;
	int r;

	if (!pf)
		return -EINVAL;
	if (!pf->pn.ent || !pf->pn.ent->store)
		return pf->pn.tgid ? -EINVAL : -EIO;
	r = pctx_init(&c, &pf->pn);
	if (r < 0)
		return r;
	if (n > 4096)
		n = 4096;
	r = pf->pn.ent->store(&c, buf, n);
	if (r < 0)
		return r;
	if (pos)
		*pos += (int64_t)n;
	return (ssize_t)n;
}

static int64_t pf_llseek(struct file *f, int64_t off, int whence)
{
	struct pfile *pf = f->priv;

	switch (whence) {
	case SEEK_SET:
		break;
	case SEEK_CUR:
		off += f->pos;
		break;
	case SEEK_END:
		off += pf ? (int64_t)pf->b.len : 0;
		break;
	default:
		return -EINVAL;
	}
	if (off < 0)
		return -EINVAL;
	f->pos = off;
	return off;
}

static unsigned int pf_poll(struct file *f, struct waitq **wq)
{
	if (wq)
		*wq = NULL;
	return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
}

static int pf_fstat(struct file *f, struct stat *st)
{
	vfs_fill_stat(file_inode(f), st);
	return 0;
}

static void pf_release(struct file *f)
{
	struct pfile *pf = f->priv;

	if (pf) {
		free(pf->b.d);
		free(pf);
	}
}

static const struct file_ops proc_file_fops = {
	.read = pf_read,
	.write = pf_write,
	.llseek = pf_llseek,
	.poll = pf_poll,
	.fstat = pf_fstat,
	.release = pf_release,
};

static const struct file_ops proc_dir_fops = {
	.getdents = vfs_dir_getdents,
	.llseek = vfs_dir_llseek,
	.fstat = pf_fstat,
	.iterate = proc_iterate,
};

long proc_copy_text(const char *s, char *buf, size_t n)
{
	size_t len = strlen(s);

	if (len > n)
		len = n;
	memcpy(buf, s, len);
	return (long)len;
}

/* ---- symlinks ---- */

static long proc_readlink(struct inode *inode, char *buf, size_t n)
{
	const struct pnode *pn = inode->priv;
	struct task *t = proc_caller();
	char s[32];

	if (!t)
		return -ENOENT;
	if (pn->ent->target)
		return proc_copy_text(pn->ent->target, buf, n);
	if (!strcmp(pn->ent->name, "self"))
		snprintf(s, sizeof(s), "%d", t->tg->tgid);
	else
		snprintf(s, sizeof(s), "%d/task/%d", t->tg->tgid, t->tid);
	return proc_copy_text(s, buf, n);
}

/* ---- reopening files that have no VFS path ----
 * Pipes, sockets, host fds and anonymous files behind fd/N have no path to
 * resolve to. The link resolves instead to a detached dentry of this
 * filesystem whose inode stands for the open file: opening it gives a
 * file that forwards every operation to the original open file (Linux
 * reopens pipes through pipefs; sharing the open file description is the
 * difference). Sockets keep their type, so opening them is ENXIO as in
 * Linux; everything else is a regular file to the path walk. */

struct pproxy {
	struct pnode pn;        /* kind PK_PROXY; freed by proc_evict */
	struct file *target;    /* a reference */
};

static const struct inode_ops proc_proxy_iops;
static const struct file_ops proc_proxy_fops;

static struct file *proxied(struct file *f)
{
	return f->ops == &proc_proxy_fops ? f->priv : f;
}

static ssize_t px_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	struct file *x = f->priv;

	return x->ops->read ? x->ops->read(t, x, buf, n, x->ops->llseek ? &x->pos : NULL) : -EINVAL;
}

static ssize_t px_write(struct task *t, struct file *f, const void *buf, size_t n, int64_t *pos)
{
	struct file *x = f->priv;

	return x->ops->write ? x->ops->write(t, x, buf, n, x->ops->llseek ? &x->pos : NULL)
			     : -EINVAL;
}

static int64_t px_llseek(struct file *f, int64_t off, int whence)
{
	struct file *x = f->priv;

	return x->ops->llseek ? x->ops->llseek(x, off, whence) : -ESPIPE;
}

static int px_fstat(struct file *f, struct stat *st)
{
	struct file *x = f->priv;

	return x->ops->fstat ? x->ops->fstat(x, st) : -EINVAL;
}

static long px_ioctl(struct task *t, struct file *f, unsigned int cmd, uint64_t arg)
{
	struct file *x = f->priv;

	return x->ops->ioctl ? x->ops->ioctl(t, x, cmd, arg) : -ENOTTY;
}

static unsigned int px_poll(struct file *f, struct waitq **wq)
{
	struct file *x = f->priv;

	if (x->ops->poll)
		return x->ops->poll(x, wq);
	if (wq)
		*wq = NULL;
	return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
}

static int px_mmap(struct file *f, struct memobj **obj)
{
	struct file *x = f->priv;

	return x->ops->mmap ? x->ops->mmap(x, obj) : -ENODEV;
}

static int px_fsync(struct file *f, bool datasync)
{
	struct file *x = f->priv;

	return x->ops->fsync ? x->ops->fsync(x, datasync) : -EINVAL;
}

static int px_truncate(struct file *f, uint64_t len)
{
	struct file *x = f->priv;

	return x->ops->truncate ? x->ops->truncate(x, len) : -EINVAL;
}

static void px_release(struct file *f)
{
	file_put(f->priv);
}

static const struct file_ops proc_proxy_fops = {
	.read = px_read,
	.write = px_write,
	.llseek = px_llseek,
	.fstat = px_fstat,
	.ioctl = px_ioctl,
	.poll = px_poll,
	.mmap = px_mmap,
	.fsync = px_fsync,
	.truncate = px_truncate,
	.release = px_release,
};

static int px_open(struct inode *inode, struct file *f)
{
	struct pproxy *px = inode->priv;

	file_get(px->target);
	f->ops = &proc_proxy_fops;
	f->priv = px->target;
	return 0;
}

/* O_TRUNC on a reopened stream means nothing. */
static int px_setattr(struct inode *inode, const struct iattr *a)
{
	return a->valid & ~(ATTR_SIZE | ATTR_ATIME | ATTR_MTIME | ATTR_CTIME) ? -EPERM : 0;
}

static const struct inode_ops proc_proxy_iops = {
	.open = px_open,
	.setattr = px_setattr,
};

static int proxy_path(struct task *t, struct super_block *sb, struct pctx *c, struct file *target,
		      struct path *out)
{
	struct mnt_ns *ns = task_mnt_ns(t);
	struct mount *m = ns ? ns->mounts : NULL;
	struct pproxy *px;
	struct inode *inode;
	struct dentry *d;
	struct stat st;
	uint32_t type = S_IFREG;

	while (m && m->sb != sb)
		m = m->next;
	if (!m)
		return -ENXIO;
	if (target->ops->fstat && target->ops->fstat(target, &st) == 0 && S_ISSOCK(st.st_mode))
		type = S_IFSOCK;
	px = calloc(1, sizeof(*px));
	if (!px)
		return -ENOMEM;
	px->pn.kind = PK_PROXY;
	inode = inode_new(sb, &proc_proxy_iops, &proc_proxy_fops, type | 0600, 0);
	if (!inode) {
		free(px);
		return -ENOMEM;
	}
	px->target = target;
	file_get(target);
	inode->priv = px;
	inode->nlink = 1;
	if (c->t->cred) {
		inode->uid = c->t->cred->euid;
		inode->gid = c->t->cred->egid;
	}
	d = dentry_new_root(sb, inode);
	if (!d) {
		inode_put(inode);
		return -ENOMEM;
	}
	d->flags |= D_NOCACHE;
	mount_get(m);
	out->mnt = m;
	out->dentry = d;
	return 0;
}

static long magic_readlink(struct inode *inode, char *buf, size_t n)
{
	const struct pnode *pn = inode->priv;
	struct pctx c;
	int r = pctx_init(&c, pn);

	if (r < 0)
		return -ENOENT;
	if (pn->kind == PK_FD) {
		struct files *fs = pnode_files(pn);
		struct file *f = fs ? fd_get(fs, pn->fd) : NULL;
		long len;

		if (!f)
			return -ENOENT;
		if (proxied(f) != f) {
			struct file *x = proxied(f);

			file_get(x);
			file_put(f);
			f = x;
		}
		if (file_path(f)) {
			len = proc_text_path(&c, file_path(f), buf, n);
		} else {
			len = proc_copy_text(f->path ? f->path : "", buf, n);
		}
		file_put(f);
		return len;
	}
	return pn->ent->text(&c, buf, n);
}

static int magic_get_link(struct task *t, struct inode *inode, struct path *out)
{
	const struct pnode *pn = inode->priv;
	struct pctx c;
	int r = pctx_init(&c, pn);

	if (r < 0)
		return -ENOENT;
	c.sb = inode->sb;
	if (pn->kind == PK_FD) {
		struct files *fs = pnode_files(pn);
		struct file *f = fs ? fd_get(fs, pn->fd) : NULL;

		if (!f)
			return -ENOENT;
		if (proxied(f) != f) {
			/* A reopened fd: resolve to what it stands for. */
			struct file *x = proxied(f);

			file_get(x);
			file_put(f);
			f = x;
		}
		if (file_path(f)) {
			*out = *file_path(f);
			path_get(out);
			r = 0;
		} else {
			r = proxy_path(t, inode->sb, &c, f, out);
		}
		file_put(f);
		return r;
	}
	if (!pn->ent->resolve)
		return -ENOENT;
	return pn->ent->resolve(&c, out);
}

static int proc_setattr(struct inode *inode, const struct iattr *a)
{
	/* Truncating a writable file (echo x > comm) is accepted and means
	 * nothing; nothing else can change. */
	if (a->valid & ~(ATTR_SIZE | ATTR_ATIME | ATTR_MTIME | ATTR_CTIME))
		return -EPERM;
	return 0;
}

static const struct inode_ops proc_dir_iops = {
	.lookup = proc_lookup,
	.setattr = proc_setattr,
};

static const struct inode_ops proc_file_iops = {
	.open = proc_open,
	.setattr = proc_setattr,
};

static const struct inode_ops proc_link_iops = {
	.readlink = proc_readlink,
};

static const struct inode_ops proc_magic_iops = {
	.readlink = magic_readlink,
	.get_link = magic_get_link,
};

/* -------------------------------------------------------- super block */

static int proc_revalidate(struct dentry *d)
{
	const struct pnode *pn = d->inode->priv;
	struct thread_group *tg;
	struct task *t;

	if (!pn || !pn->tgid)
		return 1;
	if (proc_pnode_target(pn, &tg, &t) < 0)
		return 0;
	/* The owner follows the process's credentials (setuid, setgid), as
	 * Linux's pid_update_inode. */
	if (t->cred) {
		d->inode->uid = t->cred->euid;
		d->inode->gid = t->cred->egid;
	}
	if (pn->kind == PK_FD || pn->kind == PK_FDINFO) {
		struct files *fs = pnode_files(pn);
		struct file *f = fs ? fd_get(fs, pn->fd) : NULL;

		if (!f)
			return 0;
		/* The fd may name another file now: its link says how. */
		if (pn->kind == PK_FD)
			d->inode->mode = S_IFLNK | fd_link_mode(f);
		file_put(f);
	}
	return 1;
}

static void proc_evict(struct inode *inode)
{
	struct pnode *pn = inode->priv;

	if (pn && pn->kind == PK_PROXY)
		file_put(((struct pproxy *)pn)->target);
	free(inode->priv);
	inode->priv = NULL;
}

static int proc_statfs(struct super_block *sb, struct statfs *st)
{
	memset(st, 0, sizeof(*st));
	st->f_type = 0x9fa0;   /* PROC_SUPER_MAGIC */
	st->f_bsize = 4096;
	st->f_namelen = 255;
	st->f_frsize = 4096;
	return 0;
}

static int proc_show_options(struct super_block *sb, char *buf, size_t n);
static void proc_release(struct super_block *sb);

static const struct super_ops proc_super_ops = {
	.statfs = proc_statfs,
	.revalidate = proc_revalidate,
	.evict_inode = proc_evict,
	.show_options = proc_show_options,
	.release = proc_release,
};

static int parse_opts(const char *data, struct proc_opts *o)
{
	char *opts, *save = NULL, *end;
	int r = 0;

	if (!data || !*data)
		return 0;
	opts = strdup(data);
	if (!opts)
		return -ENOMEM;
	for (char *t = strtok_r(opts, ",", &save); t && !r; t = strtok_r(NULL, ",", &save)) {
		if (!strncmp(t, "hidepid=", 8)) {
			const char *v = t + 8;

			if (!strcmp(v, "0") || !strcmp(v, "off"))
				o->hidepid = 0;
			else if (!strcmp(v, "1") || !strcmp(v, "noaccess"))
				o->hidepid = 1;
			else if (!strcmp(v, "2") || !strcmp(v, "invisible"))
				o->hidepid = 2;
			else if (!strcmp(v, "4") || !strcmp(v, "ptraceable"))
				o->hidepid = 4;
			else
				r = -EINVAL;
		} else if (!strncmp(t, "gid=", 4)) {
			unsigned long g;

			errno = 0;
			g = strtoul(t + 4, &end, 10);
			if (errno || end == t + 4 || *end || g > UINT32_MAX)
				r = -EINVAL;
			o->gid = (uint32_t)g;
		} else if (!strcmp(t, "subset=pid")) {
			o->subset_pid = true;
		} else {
			r = -EINVAL;
		}
	}
	free(opts);
	return r;
}

static int proc_show_options(struct super_block *sb, char *buf, size_t n)
{
	static const char *const names[] = { "off", "noaccess", "invisible", "", "ptraceable" };
	const struct proc_opts *o = sb_opts(sb);
	size_t len = 0;

	buf[0] = 0;
	if (o->gid)
		len += (size_t)snprintf(buf + len, n - len, "gid=%u", o->gid);
	if (o->hidepid && len < n)
		len += (size_t)snprintf(buf + len, n - len, "%shidepid=%s", len ? "," : "",
					names[o->hidepid]);
	if (o->subset_pid && len < n)
		snprintf(buf + len, n - len, "%ssubset=pid", len ? "," : "");
	return 0;
}

static void proc_release(struct super_block *sb)
{
	free(sb->priv);
	sb->priv = NULL;
}

static int proc_mount(const struct fs_type *type, const char *source, unsigned long flags,
		      const char *data, struct super_block **out)
{
	struct super_block *sb;
	struct inode *root;
	struct pnode pn = { .kind = PK_ROOT };
	struct proc_opts opts = { 0 };
	int r;

	r = parse_opts(data, &opts);
	if (r < 0)
		return r;
	sb = sb_new(type, &proc_super_ops);
	if (!sb)
		return -ENOMEM;
	if (opts.hidepid || opts.gid || opts.subset_pid) {
		struct proc_opts *o = malloc(sizeof(*o));

		if (!o) {
			sb_put(sb);
			return -ENOMEM;
		}
		*o = opts;
		sb->priv = o;
	}
	root = pnode_inode(sb, &pn, S_IFDIR | 0555);
	return sb_set_root(sb, root, out);
}

static const struct fs_type proc_fs_type = {
	.name = "proc",
	.flags = FS_USERMOUNT | FS_NODEV,
	.mount = proc_mount,
};

static void __attribute__((constructor)) proc_register(void)
{
	vfs_register_fs(&proc_fs_type);
}
