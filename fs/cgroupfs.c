/* cgroup2 as the container sees it: one cgroup, the container's own, at
 * the root of the mount (the sandbox is its own cgroup namespace). The
 * files are read-only snapshots: cgroup.controllers, cgroup.procs and
 * cgroup.threads (guest pids and tids), cgroup.type, cgroup.subtree_control,
 * memory.max, cpu.max and pids.max from the OCI config's resources (which
 * the host cgroup enforces on the whole sandbox), memory.current (guest
 * memory in the memory file) and pids.current (guest tasks) from the
 * sentry's accounting. No sub-cgroups, no writes, no events. */
#define _GNU_SOURCE
#include "fs/cgroupfs.h"
#include "fs/pbuf_file.h"
#include "fs/proc.h"
#include "fs/vfs.h"
#include "sentry/memfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CGROUP2_MAGIC_K 0x63677270

static int64_t lim_mem = -1, lim_quota = -1, lim_pids = -1;
static uint64_t lim_period = 100000;

void cgroupfs_set_limits(int64_t mem_max, int64_t cpu_quota, uint64_t cpu_period,
			 int64_t pids_max)
{
	lim_mem = mem_max;
	lim_quota = cpu_quota;
	lim_period = cpu_period ? cpu_period : 100000;
	lim_pids = pids_max;
}

struct ids {
	int *v;
	size_t n, cap;
	bool threads;
};

static void collect(struct thread_group *tg, void *arg)
{
	struct ids *ids = arg;
	struct task *t;

	if (tg->reaped || tg->zombie)
		return;
	list_for_each_entry(t, &tg->tasks, tg_node) {
		if (t->state == TASK_ZOMBIE)
			continue;
		if (ids->n == ids->cap) {
			size_t nc = ids->cap ? ids->cap * 2 : 64;
			int *nv = realloc(ids->v, nc * sizeof(*nv));

			if (!nv)
				return;
			ids->v = nv;
			ids->cap = nc;
		}
		ids->v[ids->n++] = ids->threads ? t->tid : tg->tgid;
		if (!ids->threads)
			break;
	}
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void show_ids(struct pbuf *b, bool threads)
{
	struct ids ids = { .threads = threads };

	for_each_tg(collect, &ids);
	if (ids.n)
		qsort(ids.v, ids.n, sizeof(int), cmp_int);
	for (size_t i = 0; i < ids.n; i++)
		pbuf_printf(b, "%d\n", ids.v[i]);
	free(ids.v);
}

static void show_procs(struct pbuf *b)
{
	show_ids(b, false);
}

static void show_threads(struct pbuf *b)
{
	show_ids(b, true);
}

static void show_controllers(struct pbuf *b)
{
	pbuf_printf(b, "cpu memory pids\n");
}

static void show_type(struct pbuf *b)
{
	pbuf_printf(b, "domain\n");
}

static void show_subtree(struct pbuf *b)
{
	pbuf_printf(b, "\n");
}

static void show_limit(struct pbuf *b, int64_t v)
{
	if (v < 0)
		pbuf_printf(b, "max\n");
	else
		pbuf_printf(b, "%" PRId64 "\n", v);
}

static void show_mem_max(struct pbuf *b)
{
	show_limit(b, lim_mem);
}

static void show_pids_max(struct pbuf *b)
{
	show_limit(b, lim_pids);
}

static void show_cpu_max(struct pbuf *b)
{
	if (lim_quota < 0)
		pbuf_printf(b, "max %" PRIu64 "\n", lim_period);
	else
		pbuf_printf(b, "%" PRId64 " %" PRIu64 "\n", lim_quota, lim_period);
}

static void show_mem_current(struct pbuf *b)
{
	pbuf_printf(b, "%" PRIu64 "\n", (uint64_t)memfile_pages_in_use() * PAGE_SIZE);
}

static void count(struct thread_group *tg, void *arg)
{
	struct task *t;

	if (tg->reaped || tg->zombie)
		return;
	list_for_each_entry(t, &tg->tasks, tg_node)
		if (t->state != TASK_ZOMBIE)
			++*(uint64_t *)arg;
}

static void show_pids_current(struct pbuf *b)
{
	uint64_t n = 0;

	for_each_tg(count, &n);
	pbuf_printf(b, "%" PRIu64 "\n", n);
}

static const struct cg_file {
	const char *name;
	void (*show)(struct pbuf *b);
} cg_files[] = {
	{ "cgroup.controllers", show_controllers },
	{ "cgroup.procs", show_procs },
	{ "cgroup.subtree_control", show_subtree },
	{ "cgroup.threads", show_threads },
	{ "cgroup.type", show_type },
	{ "cpu.max", show_cpu_max },
	{ "memory.current", show_mem_current },
	{ "memory.max", show_mem_max },
	{ "pids.current", show_pids_current },
	{ "pids.max", show_pids_max },
};
#define NFILES (sizeof(cg_files) / sizeof(cg_files[0]))

static const struct inode_ops cg_dir_iops;
static const struct inode_ops cg_file_iops;
static struct file_ops cg_dir_fops;
static const struct file_ops cg_file_fops;

static int cg_lookup(struct inode *dir, const char *name, struct inode **out)
{
	for (size_t i = 0; i < NFILES; i++) {
		struct inode *in;

		if (strcmp(name, cg_files[i].name))
			continue;
		in = inode_new(dir->sb, &cg_file_iops, &cg_file_fops, S_IFREG | 0444, i + 2);
		if (!in)
			return -ENOMEM;
		in->nlink = 1;
		in->atime = in->mtime = in->ctime = dir->mtime;
		in->priv = (void *)&cg_files[i];
		*out = in;
		return 0;
	}
	return -ENOENT;
}

static int cg_iterate(struct file *f, struct dir_ctx *ctx)
{
	struct inode *dir = f->dentry ? f->dentry->inode : NULL;

	if (!dir)
		return -ENOTDIR;
	while (ctx->pos < (int64_t)NFILES + 2) {
		bool ok;

		if (ctx->pos == 0)
			ok = ctx->emit(ctx, ".", 1, dir->ino, DT_DIR);
		else if (ctx->pos == 1)
			ok = ctx->emit(ctx, "..", 2, dir->ino, DT_DIR);
		else
			ok = ctx->emit(ctx, cg_files[ctx->pos - 2].name,
				       strlen(cg_files[ctx->pos - 2].name), (uint64_t)ctx->pos,
				       DT_REG);
		if (!ok)
			return 0;
		ctx->pos++;
	}
	return 0;
}

static int cg_open(struct inode *inode, struct file *f)
{
	const struct cg_file *cf = inode->priv;
	struct pbuf *b;

	if ((f->flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	cf->show(b);
	return pbuf_file_attach(f, b);
}

static int64_t cg_llseek(struct file *f, int64_t off, int whence)
{
	int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? f->pos : -1;

	if (base < 0 || base + off < 0)
		return -EINVAL;
	f->pos = base + off;
	return f->pos;
}

static int cg_setattr(struct inode *inode, const struct iattr *a)
{
	return -EPERM;
}

static const struct inode_ops cg_dir_iops = {
	.lookup = cg_lookup,
	.setattr = cg_setattr,
};

static const struct inode_ops cg_file_iops = {
	.open = cg_open,
	.setattr = cg_setattr,
};

static const struct file_ops cg_file_fops = {
	.read = pbuf_file_read,
	.llseek = cg_llseek,
	.release = pbuf_file_release,
};

static int cg_statfs(struct super_block *sb, struct statfs *st)
{
	memset(st, 0, sizeof(*st));
	st->f_type = CGROUP2_MAGIC_K;
	st->f_bsize = 4096;
	st->f_frsize = 4096;
	st->f_namelen = 255;
	return 0;
}

static const struct super_ops cg_super_ops = {
	.statfs = cg_statfs,
};

static int cg_mount(const struct fs_type *type, const char *source, unsigned long flags,
		    const char *data, struct super_block **out)
{
	struct super_block *sb = sb_new(type, &cg_super_ops);
	struct inode *root;

	(void)data;   /* cgroup2 options (nsdelegate, memory_recursiveprot) change nothing here */
	if (!sb)
		return -ENOMEM;
	root = inode_new(sb, &cg_dir_iops, &cg_dir_fops, S_IFDIR | 0555, 1);
	if (root) {
		root->nlink = 2;
		inode_touch(root, ATTR_ATIME | ATTR_MTIME | ATTR_CTIME);
	}
	return sb_set_root(sb, root, out);
}

static const struct fs_type cgroup2_type = {
	.name = "cgroup2",
	.flags = FS_USERMOUNT | FS_NODEV | FS_READONLY,
	.mount = cg_mount,
};

static void __attribute__((constructor)) cgroupfs_register(void)
{
	cg_dir_fops = vfs_dir_file_ops;
	cg_dir_fops.iterate = cg_iterate;
	vfs_register_fs(&cgroup2_type);
}
