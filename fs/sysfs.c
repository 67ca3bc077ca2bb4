/* sysfs: the "sysfs" filesystem, read-only, with what glibc, Python and
 * coreutils read: the CPU lists under devices/system/cpu, the transparent
 * hugepage mode, and empty class/net and fs/cgroup directories. */
#define _GNU_SOURCE
#include "fs/pbuf_file.h"
#include "fs/proc.h"
#include "fs/vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint32_t sys_ncpus = 1;

struct snode;
typedef void (*sys_show_fn)(const struct snode *n, struct pbuf *b);

/* A static entry: a directory (sub), a file (show) or a symlink. */
struct sent {
	const char *name;
	uint32_t mode;
	const struct sent *sub;      /* directory entries, name == NULL ends */
	sys_show_fn show;
	bool cpus;                   /* directory also lists cpu0..cpuN-1 */
	const char *target;          /* symlink text */
};

/* inode->priv: the entry, and the CPU a cpuN subtree is about. */
struct snode {
	const struct sent *ent;
	int cpu;
};

static void show_cpu_range(const struct snode *n, struct pbuf *b)
{
	if (sys_ncpus == 1)
		pbuf_printf(b, "0\n");
	else
		pbuf_printf(b, "0-%u\n", sys_ncpus - 1);
}

static void show_empty(const struct snode *n, struct pbuf *b)
{
	pbuf_printf(b, "\n");
}

static void show_one(const struct snode *n, struct pbuf *b)
{
	pbuf_printf(b, "1\n");
}

static void show_kernel_max(const struct snode *n, struct pbuf *b)
{
	pbuf_printf(b, "8191\n");
}

static void show_cpu_id(const struct snode *n, struct pbuf *b)
{
	pbuf_printf(b, "%d\n", n->cpu);
}

static void show_zero(const struct snode *n, struct pbuf *b)
{
	pbuf_printf(b, "0\n");
}

static void show_cpu_list(const struct snode *n, struct pbuf *b)
{
	pbuf_printf(b, "%d\n", n->cpu);
}

/* A one-CPU mask in Linux's bitmap format (32-bit words, high first). */
static void show_cpu_mask(const struct snode *n, struct pbuf *b)
{
	uint32_t words = (sys_ncpus + 31) / 32;

	for (uint32_t w = words; w-- > 0;)
		pbuf_printf(b, w == words - 1 ? "%x" : ",%08x",
			    (uint32_t)n->cpu / 32 == w ? 1u << (n->cpu % 32) : 0);
	pbuf_printf(b, "\n");
}

/* Every CPU is a core of package 0. */
static void show_all_mask(const struct snode *n, struct pbuf *b)
{
	uint32_t words = (sys_ncpus + 31) / 32;

	for (uint32_t w = words; w-- > 0;) {
		uint32_t bits = sys_ncpus - w * 32 >= 32 ? ~0u : (1u << (sys_ncpus - w * 32)) - 1;

		pbuf_printf(b, w == words - 1 ? "%x" : ",%08x", bits);
	}
	pbuf_printf(b, "\n");
}

static void show_thp(const struct snode *n, struct pbuf *b)
{
	pbuf_printf(b, "always [madvise] never\n");
}

static void show_thp_defrag(const struct snode *n, struct pbuf *b)
{
	pbuf_printf(b, "always defer defer+madvise [madvise] never\n");
}

static void show_hpage_pmd_size(const struct snode *n, struct pbuf *b)
{
	pbuf_printf(b, "2097152\n");
}

#define D_(n, s) { .name = n, .mode = S_IFDIR | 0755, .sub = s }
#define F_(n, f) { .name = n, .mode = S_IFREG | 0444, .show = f }

static const struct sent empty_ents[] = { { 0 } };

static const struct sent topology_ents[] = {
	F_("core_cpus_list", show_cpu_list),
	F_("core_id", show_cpu_id),
	F_("core_siblings", show_all_mask),
	F_("core_siblings_list", show_cpu_range),
	F_("physical_package_id", show_zero),
	F_("thread_siblings", show_cpu_mask),
	F_("thread_siblings_list", show_cpu_list),
	{ 0 }
};

static const struct sent cpun_ents[] = {
	F_("online", show_one),
	D_("topology", topology_ents),
	{ 0 }
};

static const struct sent cpu_ents[] = {
	F_("kernel_max", show_kernel_max),
	F_("offline", show_empty),
	F_("online", show_cpu_range),
	F_("possible", show_cpu_range),
	F_("present", show_cpu_range),
	{ 0 }
};

static const struct sent cpun_dir = { .name = "cpuN", .mode = S_IFDIR | 0755, .sub = cpun_ents };

static const struct sent system_ents[] = {
	{ .name = "cpu", .mode = S_IFDIR | 0755, .sub = cpu_ents, .cpus = true },
	{ 0 }
};

static const struct sent devices_ents[] = {
	D_("system", system_ents),
	{ 0 }
};

static const struct sent class_ents[] = {
	D_("net", empty_ents),
	{ 0 }
};

static const struct sent fs_ents[] = {
	D_("cgroup", empty_ents),
	{ 0 }
};

static const struct sent thp_ents[] = {
	F_("defrag", show_thp_defrag),
	F_("enabled", show_thp),
	F_("hpage_pmd_size", show_hpage_pmd_size),
	{ 0 }
};

static const struct sent mm_ents[] = {
	D_("transparent_hugepage", thp_ents),
	{ 0 }
};

static const struct sent kernel_ents[] = {
	D_("mm", mm_ents),
	{ 0 }
};

static const struct sent root_ents[] = {
	D_("block", empty_ents),
	D_("bus", empty_ents),
	D_("class", class_ents),
	D_("dev", empty_ents),
	D_("devices", devices_ents),
	D_("firmware", empty_ents),
	D_("fs", fs_ents),
	D_("kernel", kernel_ents),
	D_("module", empty_ents),
	{ 0 }
};

static const struct sent root_dir = { .name = "/", .mode = S_IFDIR | 0555, .sub = root_ents };

static const struct inode_ops sys_dir_iops, sys_file_iops;
static const struct file_ops sys_dir_fops, sys_file_fops;

static struct inode *snode_inode(struct super_block *sb, const struct sent *e, int cpu)
{
	struct snode *sn = malloc(sizeof(*sn));
	struct inode *inode;
	bool dir = S_ISDIR(e->mode);

	if (!sn)
		return NULL;
	sn->ent = e;
	sn->cpu = cpu;
	inode = inode_new(sb, dir ? &sys_dir_iops : &sys_file_iops,
			  dir ? &sys_dir_fops : &sys_file_fops, e->mode, 0);
	if (!inode) {
		free(sn);
		return NULL;
	}
	inode->priv = sn;
	inode->nlink = dir ? 2 : 1;
	inode->size = dir ? 0 : 4096;
	clock_gettime(CLOCK_REALTIME, &inode->mtime);
	inode->atime = inode->ctime = inode->mtime;
	return inode;
}

/* "cpu<N>" with N an online CPU. */
static int cpu_name(const char *name)
{
	long v = 0;

	if (strncmp(name, "cpu", 3) || !name[3] || (name[3] == '0' && name[4]))
		return -1;
	for (const char *p = name + 3; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
		if (v >= (long)sys_ncpus)
			return -1;
	}
	return (int)v;
}

static int sys_lookup(struct inode *dir, const char *name, struct inode **out)
{
	const struct snode *dn = dir->priv;
	int cpu;

	for (const struct sent *e = dn->ent->sub; e && e->name; e++) {
		if (!strcmp(e->name, name)) {
			*out = snode_inode(dir->sb, e, dn->cpu);
			return *out ? 0 : -ENOMEM;
		}
	}
	if (dn->ent->cpus && (cpu = cpu_name(name)) >= 0) {
		*out = snode_inode(dir->sb, &cpun_dir, cpu);
		return *out ? 0 : -ENOMEM;
	}
	return -ENOENT;
}

/* Cookies: 0 ".", 1 "..", then 2.. for table entries and the cpuN dirs. */
static int sys_iterate(struct file *f, struct dir_ctx *ctx)
{
	struct inode *inode = file_inode(f);
	const struct snode *dn = inode->priv;
	int64_t ntab = 0;

	while (dn->ent->sub && dn->ent->sub[ntab].name)
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
		const struct sent *e = &dn->ent->sub[ctx->pos - 2];

		if (!ctx->emit(ctx, e->name, strlen(e->name), 0x100 + (uint64_t)ctx->pos,
			       S_ISDIR(e->mode) ? 4 : 8))
			return 0;
	}
	if (!dn->ent->cpus)
		return 0;
	for (; ctx->pos < 2 + ntab + (int64_t)sys_ncpus; ctx->pos++) {
		char name[16];
		int len = snprintf(name, sizeof(name), "cpu%d", (int)(ctx->pos - 2 - ntab));

		if (!ctx->emit(ctx, name, (size_t)len, 0x1000 + (uint64_t)ctx->pos, 4))
			return 0;
	}
	return 0;
}

static int sys_open(struct inode *inode, struct file *f)
{
	const struct snode *sn = inode->priv;
	struct pbuf *b;

	if (S_ISDIR(inode->mode))
		return 0;
	/* Every attribute here is read-only (0444): Linux's kernfs says
	 * EACCES to a writer that passed the permission check. */
	if ((f->flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	sn->ent->show(sn, b);
	return pbuf_file_attach(f, b);
}

static int64_t sys_llseek(struct file *f, int64_t off, int whence)
{
	struct pbuf *b = f->priv;

	switch (whence) {
	case SEEK_SET:
		break;
	case SEEK_CUR:
		off += f->pos;
		break;
	case SEEK_END:
		off += b ? (int64_t)b->len : 0;
		break;
	default:
		return -EINVAL;
	}
	if (off < 0)
		return -EINVAL;
	f->pos = off;
	return off;
}

static unsigned int sys_poll(struct file *f, struct waitq **wq)
{
	if (wq)
		*wq = NULL;
	return POLLIN | POLLRDNORM;
}

static int sys_fstat(struct file *f, struct stat *st)
{
	vfs_fill_stat(file_inode(f), st);
	return 0;
}

static int sys_setattr(struct inode *inode, const struct iattr *a)
{
	return -EPERM;
}

static const struct inode_ops sys_dir_iops = {
	.lookup = sys_lookup,
	.setattr = sys_setattr,
};

static const struct inode_ops sys_file_iops = {
	.open = sys_open,
	.setattr = sys_setattr,
};

static const struct file_ops sys_file_fops = {
	.read = pbuf_file_read,
	.llseek = sys_llseek,
	.poll = sys_poll,
	.fstat = sys_fstat,
	.release = pbuf_file_release,
};

static const struct file_ops sys_dir_fops = {
	.getdents = vfs_dir_getdents,
	.llseek = vfs_dir_llseek,
	.fstat = sys_fstat,
	.iterate = sys_iterate,
};

static void sys_evict(struct inode *inode)
{
	free(inode->priv);
	inode->priv = NULL;
}

static int sys_statfs(struct super_block *sb, struct statfs *st)
{
	memset(st, 0, sizeof(*st));
	st->f_type = 0x62656572;   /* SYSFS_MAGIC */
	st->f_bsize = 4096;
	st->f_frsize = 4096;
	st->f_namelen = 255;
	return 0;
}

static const struct super_ops sys_super_ops = {
	.statfs = sys_statfs,
	.evict_inode = sys_evict,
};

static int sys_mount(const struct fs_type *type, const char *source, unsigned long flags,
		     const char *data, struct super_block **out)
{
	struct super_block *sb;
	struct inode *root;

	if (data && *data)
		return -EINVAL;
	sb = sb_new(type, &sys_super_ops);
	if (!sb)
		return -ENOMEM;
	root = snode_inode(sb, &root_dir, 0);
	return sb_set_root(sb, root, out);
}

static const struct fs_type sysfs_type = {
	.name = "sysfs",
	.flags = FS_USERMOUNT | FS_NODEV,
	.mount = sys_mount,
};

static void __attribute__((constructor)) sysfs_register(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	sys_ncpus = n > 0 && n <= 4096 ? (uint32_t)n : 1;
	vfs_register_fs(&sysfs_type);
}
