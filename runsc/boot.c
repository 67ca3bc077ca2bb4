/* Sentry start-up: memory file, platform, host I/O thread, stdio and the
 * init task. */
#define _GNU_SOURCE
#include "runsc/runsc.h"
#include "runsc/gofer.h"
#include "runsc/host_filter.h"
#include "runsc/netconf.h"
#include "fs/file.h"
#include "fs/gofer.h"
#include "fs/overlay.h"
#include "fs/tmpfs.h"
#include "fs/vfs.h"
#include "sentry/hostio.h"
#include "sentry/log.h"
#include "sentry/memfile.h"
#include "sentry/task.h"
#include "sentry/time.h"
#include "syscalls/table.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define MEMFILE_BYTES (64ULL << 30)

static struct platform platform;

static void kill_stubs(void)
{
	/* The sentry is init of its pid namespace when it can be, so its exit
	 * takes every stub with it; otherwise EXITKILL does. */
}

static int import_stdio(struct files *files)
{
	for (int fd = 0; fd < 3; fd++) {
		int fl = fcntl(fd, F_GETFL), dup;
		struct file *f;
		char name[32];

		if (fl < 0)
			continue;
		dup = fcntl(fd, F_DUPFD_CLOEXEC, 10);
		if (dup < 0)
			return -errno;
		snprintf(name, sizeof(name), "host:[%d]", fd);
		f = hostfd_file_new(dup, fl & (O_ACCMODE | O_APPEND), name);
		if (!f)
			return -ENOMEM;
		fd_install_at(files, fd, f, false, 1024);
		file_put(f);
	}
	return 0;
}

/* ---- the initial mount table ---- */

/* Walk a boot path (absolute, no symlinks followed) from the namespace
 * root, crossing mounts. */
static int boot_lookup(struct mnt_ns *ns, const char *path, struct path *out)
{
	struct path cur = { ns->root, ns->root->root };
	char name[256];

	path_get(&cur);
	while (*path) {
		const char *e;
		struct dentry *d;
		struct mount *m;
		size_t n;
		int r;

		while (*path == '/')
			path++;
		if (!*path)
			break;
		e = strchr(path, '/');
		n = e ? (size_t)(e - path) : strlen(path);
		if (n >= sizeof(name)) {
			path_put(&cur);
			return -ENAMETOOLONG;
		}
		memcpy(name, path, n);
		name[n] = 0;
		path += n;
		if (!strcmp(name, ".") || !strcmp(name, "..")) {
			path_put(&cur);
			return -EINVAL;
		}
		r = vfs_lookup_child(cur.dentry, name, &d);
		if (r < 0) {
			path_put(&cur);
			return r;
		}
		dentry_put(cur.dentry);
		cur.dentry = d;
		while ((m = vfs_mount_at(cur.mnt, cur.dentry))) {
			struct path np = { m, m->root };

			path_get(&np);
			path_put(&cur);
			cur = np;
		}
		if (S_ISLNK(cur.dentry->inode->mode)) {
			path_put(&cur);
			return -ELOOP;
		}
	}
	*out = cur;
	return 0;
}

/* A missing mount point inside a filesystem of the sandbox's own (as
 * /dev/mqueue in the /dev tmpfs): made as runc makes it, mode 0755, by
 * root; the gofer's made the ones in the rootfs already. */
static int boot_mkdir(struct mnt_ns *ns, const char *where)
{
	const struct vfs_owner root = { 0, 0 };
	char parent[4096];
	const char *slash = strrchr(where, '/');
	struct inode *dir, *made = NULL;
	struct path pp;
	int r;

	if (!slash || !slash[1] || strlen(where) >= sizeof(parent))
		return -EINVAL;
	snprintf(parent, sizeof(parent), "%.*s", (int)(slash - where), where);
	r = boot_lookup(ns, parent[0] ? parent : "/", &pp);
	if (r < 0)
		return r;
	dir = pp.dentry->inode;
	/* Only in-memory filesystems: the gofer's tree is the host's. */
	if (!S_ISDIR(dir->mode) || !tmpfs_is_tmpfs(dir) || !dir->iops->mkdir)
		r = -ENOENT;
	else
		r = dir->iops->mkdir(dir, slash + 1, 0755, &root, &made);
	if (made)
		inode_put(made);
	path_put(&pp);
	return r;
}

/* Mount a registered filesystem type at a directory of the tree; a type
 * that is not built in, or a missing mount point, leaves the path as the
 * root filesystem has it. The mounted root takes the mount point's owner,
 * mode and times, as the directory looked before (`ls -la /`). */
static void boot_mount(struct mnt_ns *ns, const char *type_name, const char *where,
		       unsigned long flags, const char *data, bool copy_attrs)
{
	const struct fs_type *type = vfs_find_fs(type_name);
	struct super_block *sb = NULL;
	struct path mp;
	int r;

	if (!type)
		return;
	if (boot_lookup(ns, where, &mp) < 0 && (boot_mkdir(ns, where) < 0 || boot_lookup(ns, where, &mp) < 0))
		return;
	if (!S_ISDIR(mp.dentry->inode->mode)) {
		path_put(&mp);
		return;
	}
	r = type->mount(type, type_name, flags, data, &sb);
	if (r == 0) {
		struct inode *ri = sb->root->inode, *mi = mp.dentry->inode;

		if (copy_attrs && ri->iops && ri->iops->setattr) {
			struct iattr a = { .valid = ATTR_MODE | ATTR_UID | ATTR_GID | ATTR_ATIME |
						    ATTR_MTIME | ATTR_CTIME,
					   .mode = mi->mode & 07777, .uid = mi->uid, .gid = mi->gid,
					   .atime = mi->atime, .mtime = mi->mtime, .ctime = mi->ctime };

			ri->iops->setattr(ri, &a);
		}
		r = vfs_mount(ns, &mp, sb, sb->root, flags, type_name, NULL);
		sb_put(sb);
	}
	if (r < 0)
		swarn("mount %s at %s: %s", type_name, where, strerror(-r));
	path_put(&mp);
}

/* The bind mounts the gofer serves (mount index 1 on) at their guest
 * destinations, over what the root and the sandbox's own filesystems
 * show there. A missing destination is logged and skipped. */
static void boot_gofer_binds(struct mnt_ns *ns)
{
	for (unsigned int i = 1; i < gofer_boot.n; i++) {
		const struct gofer_boot_mount *b = &gofer_boot.m[i];
		unsigned long fl = b->rdonly ? MS_RDONLY : 0;
		struct super_block *sb;
		struct path mp;
		int r = boot_lookup(ns, b->dest, &mp);

		if (r == 0) {
			r = gofer_client_sb(gofer_boot.sock, i, b->rdonly ? SB_RDONLY : 0, &sb);
			if (r == 0) {
				r = vfs_mount(ns, &mp, sb, sb->root, fl, b->dest, NULL);
				sb_put(sb);
			}
			path_put(&mp);
		}
		if (r < 0)
			swarn("gofer: bind mount at %s: %s", b->dest, strerror(-r));
	}
}

/* Put an in-memory tmpfs over a read-only root (*sb becomes the overlay's
 * superblock). The upper root starts with the lower root's owner, mode
 * and times, so `/` looks as it did. */
static int overlay_root(struct super_block **sb)
{
	struct super_block *upper = NULL, *ov = NULL;
	struct inode *lo = (*sb)->root->inode, *up;
	int r = tmpfs_sb_new(NULL, &upper);

	if (r < 0)
		return r;
	if (lo->iops && lo->iops->getattr)
		lo->iops->getattr(lo);
	up = upper->root->inode;
	if (up->iops && up->iops->setattr) {
		struct iattr a = { .valid = ATTR_MODE | ATTR_UID | ATTR_GID | ATTR_ATIME | ATTR_MTIME |
					    ATTR_CTIME,
				   .mode = lo->mode & 07777, .uid = lo->uid, .gid = lo->gid,
				   .atime = lo->atime, .mtime = lo->mtime, .ctime = lo->ctime };

		up->iops->setattr(up, &a);
	}
	r = overlay_sb_new(*sb, (*sb)->root, upper, &ov);
	sb_put(upper);
	if (r < 0)
		return r;
	sb_put(*sb);
	*sb = ov;
	return 0;
}

/* The root (through the gofer), under an
 * in-memory overlay when asked, with the sandbox's own filesystems on
 * top; init's fs context rooted there, in cwd. */
static int build_mount_ns(const char *cwd, bool want_overlay, const struct boot_mount *cfg_mounts,
			  size_t ncfg_mounts, struct fs_ctx **out)
{
	struct mnt_ns *ns = mnt_ns_new();
	struct super_block *sb = NULL;
	struct path root, wd;
	int r;

	if (!ns)
		return -ENOMEM;
	/* The root through the gofer: the only door to host files
	 * (invariant 3). */
	if (gofer_boot.sock < 0 || gofer_boot.n == 0) {
		swarn("no gofer serves the root filesystem");
		return -ENOENT;
	}
	r = gofer_client_sb(gofer_boot.sock, 0, gofer_boot.m[0].rdonly ? SB_RDONLY : 0, &sb);
	if (r < 0) {
		swarn("gofer: root: %s", strerror(-r));
		return r;
	}
	if (want_overlay && (sb->flags & SB_RDONLY) && (r = overlay_root(&sb)) < 0) {
		swarn("root overlay: %s; the root stays read-only", strerror(-r));
		r = 0;
	}
	r = vfs_mount(ns, NULL, sb, sb->root, 0, "/", NULL);
	sb_put(sb);
	if (r < 0)
		return r;
	init_mnt_ns = ns;
	if (cfg_mounts) {
		/* The container's own mount list (OCI), in its order. */
		for (size_t i = 0; i < ncfg_mounts; i++) {
			const struct boot_mount *m = &cfg_mounts[i];

			if (!strcmp(m->type, "tmpfs") && !strcmp(m->dest, "/dev"))
				/* runc fills a /dev tmpfs with the device nodes: ours
				 * is a tmpfs that has them. */
				boot_mount(ns, "dev", "/dev", m->flags, m->data, true);
			else if (!strcmp(m->type, "proc") || !strcmp(m->type, "sysfs") ||
				 !strcmp(m->type, "tmpfs") || !strcmp(m->type, "devpts") ||
				 !strcmp(m->type, "mqueue"))
				boot_mount(ns, m->type, m->dest, m->flags, m->data, false);
			else if (!strcmp(m->type, "cgroup") || !strcmp(m->type, "cgroup2"))
				/* The container's own cgroup at the root, cgroup2
				 * whichever the config names (fs/cgroupfs.c). */
				boot_mount(ns, "cgroup2", m->dest, m->flags | MS_RDONLY, "", false);
			else
				swarn("mount %s at %s: filesystem type not supported; left out",
				      m->type, m->dest);
		}
	} else {
		boot_mount(ns, "proc", "/proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "", true);
		boot_mount(ns, "sysfs", "/sys", MS_NOSUID | MS_NODEV | MS_NOEXEC, "", true);
		boot_mount(ns, "dev", "/dev", MS_NOSUID, "", true);
		boot_mount(ns, "devpts", "/dev/pts", MS_NOSUID | MS_NOEXEC, "", false);
		boot_mount(ns, "tmpfs", "/dev/shm", MS_NOSUID | MS_NODEV, "", false);
	}
	boot_gofer_binds(ns);
	root.mnt = ns->root;
	root.dentry = ns->root->root;
	if (boot_lookup(ns, cwd ? cwd : "/", &wd) < 0 || !S_ISDIR(wd.dentry->inode->mode)) {
		wd = root;
		path_get(&wd);
	}
	*out = fs_ctx_new_path(&root, &wd, ns);
	path_put(&wd);
	return *out ? 0 : -ENOMEM;
}

int sentry_boot(const struct boot_config *cfg)
{
	const struct platform_ops *ops = platform_lookup(cfg->platform);
	struct files *files;
	struct fs_ctx *fs;
	int err;

	/* glibc reads /sys for this, which the host filter forbids later. */
	kernel.ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (kernel.ncpus < 1)
		kernel.ncpus = 1;

	log_level = cfg->debug ? 2 : 0;
	crash_install_handlers();
	crash_register_thread();
	crash_set_cleanup(kill_stubs);
	if (!ops) {
		fprintf(stderr, "runsc: unknown platform %s\n", cfg->platform);
		return 125;
	}
	/* Capabilities go before the first thread is made: capset acts on
	 * the calling thread only, so a thread made earlier would keep the
	 * full set. The one step that needs them (the packet sockets and the
	 * host addresses of --network=sandbox) is recorded first;
	 * netconf_install() below uses what it found. */
	netconf_record(false);
	if ((err = host_caps_drop()) < 0) {
		fprintf(stderr, "runsc: dropping capabilities: %s\n", strerror(-err));
		return 125;
	}
	if ((err = memfile_init(MEMFILE_BYTES)) < 0) {
		fprintf(stderr, "runsc: memory file: %s\n", strerror(-err));
		return 125;
	}
	platform.ops = ops;
	the_platform = &platform;
	if ((err = ops->init(&platform, memfile_fd)) < 0) {
		fprintf(stderr, "runsc: platform %s: %s\n", ops->name, strerror(-err));
		return 125;
	}
	sinfo("platform %s", the_platform->ops->name);
	if ((err = hostio_start()) < 0) {
		fprintf(stderr, "runsc: host I/O thread: %s\n", strerror(-err));
		return 125;
	}
	fs_init_hooks();
	syscalls_init();
	syscalls_init_hooks();
	kernel.strace = cfg->strace;
	if (cfg->hostname)
		snprintf(kernel.hostname, sizeof(kernel.hostname), "%s", cfg->hostname);
	vfs_init();
	if ((err = build_mount_ns(cfg->cwd, cfg->root_overlay, cfg->mounts, cfg->nmounts, &fs)) < 0) {
		fprintf(stderr, "runsc: root filesystem: %s\n", strerror(-err));
		return 125;
	}
	files = files_new();
	if (!files || import_stdio(files) < 0) {
		fprintf(stderr, "runsc: cannot set up stdio\n");
		return 125;
	}
	if (cfg->has_umask)
		fs->umask = cfg->umask & 0777;
	if (cfg->identity)
		kernel_set_init_identity(cfg->identity);
	/* From here the sentry is confined to its host syscalls (invariant 2):
	 * no guest code has run yet. */
	/* The clock page and its TSC probe (which reads /proc/cpuinfo when it
	 * can) before the filter forbids opening paths. */
	time_vvar_memobj();
	preload_unwinder();
	netconf_install();

	if ((err = host_filter_install()) < 0) {
		fprintf(stderr, "runsc: host seccomp filter: %s\n", strerror(-err));
		return 125;
	}
	err = kernel_start_init(cfg->exe ? cfg->exe : cfg->argv[0], cfg->argv, cfg->envp, files, fs);
	if (err < 0) {
		fprintf(stderr, "runsc: cannot start init: %s\n", strerror(-err));
		return 125;
	}
	/* `runsc boot` answers `runsc start` and opens its control socket. */
	if (cfg->started && (err = cfg->started(cfg->started_arg)) < 0)
		swarn("runsc: control socket: %s", strerror(-err));
	return kernel_wait();
}
