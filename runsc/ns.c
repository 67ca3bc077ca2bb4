/* linux.namespaces for the sandbox process (runsc boot, and the gofer it
 * starts): existing namespaces are opened at create, so a bad path fails
 * there with nothing left behind, and joined by the new process before it
 * execs, user namespace first so the others are joined with its
 * privileges (runc's nsexec order). New namespaces: pid and user at
 * clone, the others by boot itself (unshare). */
#define _GNU_SOURCE
#include "runsc/ns.h"
#include "fs/sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const int ns_flag[OCI_NS_COUNT] = {
	[OCI_NS_PID] = CLONE_NEWPID, [OCI_NS_NETWORK] = CLONE_NEWNET,
	[OCI_NS_MOUNT] = CLONE_NEWNS, [OCI_NS_IPC] = CLONE_NEWIPC,
	[OCI_NS_UTS] = CLONE_NEWUTS, [OCI_NS_USER] = CLONE_NEWUSER,
	[OCI_NS_CGROUP] = CLONE_NEWCGROUP, [OCI_NS_TIME] = CLONE_NEWTIME,
};

/* Join order: user first, then the rest; pid is joined by the parent. */
static const enum oci_ns_type join_order[] = {
	OCI_NS_USER, OCI_NS_IPC, OCI_NS_UTS, OCI_NS_NETWORK, OCI_NS_CGROUP, OCI_NS_TIME,
	OCI_NS_MOUNT,
};

static const char *const ns_what[OCI_NS_COUNT] = {
	[OCI_NS_PID] = "pid", [OCI_NS_NETWORK] = "network", [OCI_NS_MOUNT] = "mount",
	[OCI_NS_IPC] = "ipc", [OCI_NS_UTS] = "uts", [OCI_NS_USER] = "user",
	[OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
};

void ns_release(struct ns_plan *p)
{
	for (int t = 0; t < OCI_NS_COUNT; t++)
		if (p->fds[t] >= 0) {
			close(p->fds[t]);
			p->fds[t] = -1;
		}
	if (p->exe_fd >= 0)
		close(p->exe_fd);
	p->exe_fd = -1;
}

static int check_sysctls(const struct oci_config *cfg, const struct ns_plan *p, char *err,
			 size_t errsz)
{
	for (size_t i = 0; i < cfg->nsysctls; i++) {
		const char *k = cfg->sysctls[i].key;
		int r;

		/* runc: the hostname is the config's hostname field. */
		if (!strcmp(k, "kernel.hostname")) {
			snprintf(err, errsz, "linux.sysctl.%s: not allowed, use the hostname field", k);
			return -1;
		}
		/* net.* is the container's own only in a network namespace of
		 * its own; with --network=host it would be the host's. */
		if (!strncmp(k, "net.", 4) && p->host_net) {
			snprintf(err, errsz,
				 "linux.sysctl.%.128s: not allowed with --network=host (the host's own)", k);
			return -1;
		}
		r = proc_sysctl_set(k, cfg->sysctls[i].value, false);
		if (r == -ENOENT) {
			snprintf(err, errsz,
				 "linux.sysctl.%.128s: not supported in a sandbox (not a namespaced "
				 "sysctl the sentry models)", k);
			return -1;
		}
		if (r < 0) {
			snprintf(err, errsz, "linux.sysctl.%.128s: invalid value \"%.64s\"", k,
				 cfg->sysctls[i].value);
			return -1;
		}
	}
	return 0;
}

int ns_prepare(const struct oci_config *cfg, const char *network, struct ns_plan *p, char *err,
	       size_t errsz)
{
	const struct oci_namespace *user = oci_ns_find(cfg, OCI_NS_USER);
	const struct oci_namespace *net = oci_ns_find(cfg, OCI_NS_NETWORK);

	memset(p, 0, sizeof(*p));
	for (int t = 0; t < OCI_NS_COUNT; t++)
		p->fds[t] = -1;
	p->exe_fd = -1;
	p->host_net = network && !strcmp(network, "host");
	p->new_user = user && !user->path;
	p->new_net = net && !net->path && !p->host_net;
	if (p->new_user && (!cfg->nuid_maps || !cfg->ngid_maps)) {
		snprintf(err, errsz, "linux.%s: a new user namespace needs mappings",
			 cfg->nuid_maps ? "gidMappings" : "uidMappings");
		return -1;
	}
	if (!p->new_user && (cfg->nuid_maps || cfg->ngid_maps)) {
		snprintf(err, errsz, "linux.%s: given without a new user namespace",
			 cfg->nuid_maps ? "uidMappings" : "gidMappings");
		return -1;
	}
	for (size_t i = 0; i < cfg->nnamespaces; i++) {
		const struct oci_namespace *n = &cfg->namespaces[i];
		int fd, type;

		if (!n->path)
			continue;
		if (n->type == OCI_NS_NETWORK && p->host_net)
			continue;
		if (n->path[0] != '/') {
			snprintf(err, errsz, "linux.namespaces[%zu].path: %.256s: must be absolute", i,
				 n->path);
			goto fail;
		}
		fd = open(n->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			snprintf(err, errsz, "linux.namespaces[%zu].path: %.256s: %s", i, n->path,
				 strerror(errno));
			goto fail;
		}
		p->fds[n->type] = fd;
		type = ioctl(fd, NS_GET_NSTYPE);
		if (type < 0 || type != ns_flag[n->type]) {
			snprintf(err, errsz, "linux.namespaces[%zu].path: %.256s: not a %s namespace",
				 i, n->path, ns_what[n->type]);
			goto fail;
		}
	}
	if (check_sysctls(cfg, p, err, errsz) < 0)
		goto fail;
	p->exe_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (p->exe_fd < 0) {
		snprintf(err, errsz, "/proc/self/exe: %s", strerror(errno));
		goto fail;
	}
	return 0;
fail:
	ns_release(p);
	return -1;
}

unsigned long ns_clone_flags(const struct ns_plan *p)
{
	unsigned long fl = 0;

	if (p->fds[OCI_NS_PID] < 0)
		fl |= CLONE_NEWPID;
	if (p->new_user)
		fl |= CLONE_NEWUSER;
	return fl;
}

int ns_pid_enter(const struct ns_plan *p, int *savefd)
{
	*savefd = -1;
	if (p->fds[OCI_NS_PID] < 0)
		return 0;
	*savefd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (*savefd < 0)
		return -errno;
	if (setns(p->fds[OCI_NS_PID], CLONE_NEWPID) < 0) {
		int e = -errno;

		close(*savefd);
		*savefd = -1;
		return e;
	}
	return 0;
}

void ns_pid_leave(int savefd)
{
	if (savefd < 0)
		return;
	/* Our own pid namespace is always one we may go back to. */
	if (setns(savefd, CLONE_NEWPID) < 0) {
		/* Children made later (hooks) would land in the container's. */
	}
	close(savefd);
}

int ns_join(const struct ns_plan *p, enum oci_ns_type *which)
{
	for (size_t i = 0; i < sizeof(join_order) / sizeof(join_order[0]); i++) {
		enum oci_ns_type t = join_order[i];

		if (p->fds[t] < 0)
			continue;
		if (setns(p->fds[t], ns_flag[t]) < 0) {
			*which = t;
			return -errno;
		}
	}
	return 0;
}

static int write_file(pid_t pid, const char *name, const char *text)
{
	char path[64];
	size_t len = strlen(text);
	int fd, e = 0;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len)
		e = errno ? -errno : -EIO;
	close(fd);
	return e;
}

static char *map_text(const struct oci_idmap *m, size_t n)
{
	char *buf = malloc(n * 36 + 1);
	size_t off = 0;

	if (!buf)
		return NULL;
	buf[0] = 0;
	for (size_t i = 0; i < n; i++)
		off += (size_t)sprintf(buf + off, "%u %u %u\n", m[i].container, m[i].host, m[i].size);
	return buf;
}

int ns_write_idmaps(const struct oci_config *cfg, pid_t pid, char *err, size_t errsz)
{
	char *u = map_text(cfg->uid_maps, cfg->nuid_maps);
	char *g = map_text(cfg->gid_maps, cfg->ngid_maps);
	int r = -ENOMEM;
	const char *what = "uid_map";

	if (!u || !g)
		goto out;
	if ((r = write_file(pid, "uid_map", u)) < 0)
		goto out;
	/* Without CAP_SETGID over the parent namespace, the kernel takes a
	 * gid_map only once setgroups is denied (user_namespaces(7)). */
	what = "setgroups";
	if (geteuid() != 0 && (r = write_file(pid, "setgroups", "deny")) < 0)
		goto out;
	what = "gid_map";
	r = write_file(pid, "gid_map", g);
out:
	if (r < 0)
		snprintf(err, errsz, "linux.%s: writing %s: %s",
			 !strcmp(what, "uid_map") ? "uidMappings" : "gidMappings", what, strerror(-r));
	free(u);
	free(g);
	return r < 0 ? -1 : 0;
}

static uint32_t map_root(const struct oci_idmap *m, size_t n, uint32_t self)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].container == 0)
			return m[i].host;
	return self;
}

void ns_root_ids(const struct oci_config *cfg, uid_t *uid, gid_t *gid)
{
	*uid = map_root(cfg->uid_maps, cfg->nuid_maps, geteuid());
	*gid = map_root(cfg->gid_maps, cfg->ngid_maps, getegid());
}
