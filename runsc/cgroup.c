/* The sandbox's host cgroup: linux.resources of config.json applied to
 * the whole sandbox (sentry, stubs, gofer), since every guest byte and
 * cycle is spent by those host processes.
 *
 * cgroup v2 (a unified hierarchy at /sys/fs/cgroup) is used directly:
 * memory.max, cpu.weight, cpu.max, pids.max. On a v1 or hybrid host the
 * same limits go to the v1 memory, cpu and pids controllers. The path is
 * linux.cgroupsPath (systemd's "slice:prefix:name" becomes
 * /slice/prefix-name.scope with --systemd-cgroup), else /runsc/ID.
 * Without resources a cgroup that cannot be made is only logged (as for
 * rootless runc); with resources it fails create, naming the file. */
#define _GNU_SOURCE
#include "runsc/cgroup.h"
#include "runsc/runsc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CG_ROOT "/sys/fs/cgroup"

static const char *const v1_controllers[] = { "memory", "cpu", "cpuacct", "pids", "freezer" };

static bool is_v2(void)
{
	return access(CG_ROOT "/cgroup.controllers", F_OK) == 0;
}

/* mkdir -p of ROOT/rel. */
static int mkdir_p(const char *root, const char *rel)
{
	char path[4096];
	size_t n = (size_t)snprintf(path, sizeof(path), "%s/%s", root, rel);

	if (n >= sizeof(path))
		return -ENAMETOOLONG;
	for (char *p = path + strlen(root) + 1; ; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -errno;
		if (!c)
			return 0;
		*p = c;
	}
}

static int write_file(const char *dir, const char *name, const char *val)
{
	char path[4200];
	int fd, err = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n != (ssize_t)strlen(val))
		err = n < 0 ? -errno : -EIO;
	close(fd);
	return err;
}

int cgroup_path_for(const struct global_opts *g, const struct oci_config *cfg, const char *id,
		    char *out, size_t n)
{
	const char *p = cfg->cgroups_path;

	if (!p || !*p) {
		snprintf(out, n, "runsc/%s", id);
		return 0;
	}
	if (g->systemd_cgroup && p[0] != '/') {
		/* slice:prefix:name */
		char slice[256], prefix[256], name[512];

		if (sscanf(p, "%255[^:]:%255[^:]:%511s", slice, prefix, name) != 3)
			return -EINVAL;
		snprintf(out, n, "%s/%s-%s.scope", slice, prefix, name);
		return 0;
	}
	while (*p == '/')
		p++;
	if (strlen(p) + 1 > n)
		return -ENAMETOOLONG;
	snprintf(out, n, "%s", p);
	return 0;
}

struct limit {
	const char *file;
	char val[64];
};

/* The files and values for cfg's resources on this hierarchy. */
static int limits_for(const struct oci_config *cfg, bool v2, const char *ctrl, struct limit *l)
{
	int k = 0;

	if (v2) {
		if (cfg->mem_limit > 0) {
			l[k].file = "memory.max";
			snprintf(l[k++].val, sizeof(l->val), "%lld", (long long)cfg->mem_limit);
		}
		if (cfg->cpu_shares) {
			/* runc's mapping of shares [2, 262144] to weight [1, 10000]. */
			unsigned long long s = cfg->cpu_shares < 2 ? 2 : cfg->cpu_shares > 262144 ? 262144 : cfg->cpu_shares;

			l[k].file = "cpu.weight";
			snprintf(l[k++].val, sizeof(l->val), "%llu", 1 + ((s - 2) * 9999) / 262142);
		}
		if (cfg->cpu_quota > 0) {
			l[k].file = "cpu.max";
			snprintf(l[k++].val, sizeof(l->val), "%lld %llu", (long long)cfg->cpu_quota,
				 (unsigned long long)(cfg->cpu_period ? cfg->cpu_period : 100000));
		}
		if (cfg->pids_limit > 0) {
			l[k].file = "pids.max";
			snprintf(l[k++].val, sizeof(l->val), "%lld", (long long)cfg->pids_limit);
		}
		return k;
	}
	if (!strcmp(ctrl, "memory") && cfg->mem_limit > 0) {
		l[k].file = "memory.limit_in_bytes";
		snprintf(l[k++].val, sizeof(l->val), "%lld", (long long)cfg->mem_limit);
	}
	if (!strcmp(ctrl, "cpu")) {
		if (cfg->cpu_shares) {
			l[k].file = "cpu.shares";
			snprintf(l[k++].val, sizeof(l->val), "%llu", (unsigned long long)cfg->cpu_shares);
		}
		if (cfg->cpu_quota > 0) {
			l[k].file = "cpu.cfs_period_us";
			snprintf(l[k++].val, sizeof(l->val), "%llu",
				 (unsigned long long)(cfg->cpu_period ? cfg->cpu_period : 100000));
			l[k].file = "cpu.cfs_quota_us";
			snprintf(l[k++].val, sizeof(l->val), "%lld", (long long)cfg->cpu_quota);
		}
	}
	if (!strcmp(ctrl, "pids") && cfg->pids_limit > 0) {
		l[k].file = "pids.max";
		snprintf(l[k++].val, sizeof(l->val), "%lld", (long long)cfg->pids_limit);
	}
	return k;
}

static bool has_resources(const struct oci_config *cfg)
{
	return cfg->mem_limit > 0 || cfg->cpu_shares || cfg->cpu_quota > 0 || cfg->pids_limit > 0;
}

/* Make one cgroup directory, apply its limits, move pid in. */
static int apply_one(const struct oci_config *cfg, const char *root, const char *rel, bool v2,
		     const char *ctrl, pid_t pid, char *err, size_t errsz)
{
	struct limit l[8];
	char dir[4096], pidbuf[16];
	int k, r;

	snprintf(dir, sizeof(dir), "%s/%s", root, rel);
	if ((r = mkdir_p(root, rel)) < 0) {
		snprintf(err, errsz, "cgroup %s: %s", dir, strerror(-r));
		return r;
	}
	if (v2) {
		/* Let the controllers reach our cgroup: enable them in every
		 * parent from the root down (what is not available is left). */
		char parent[4096];
		const char *p = rel;

		snprintf(parent, sizeof(parent), "%s", root);
		for (;;) {
			const char *slash = strchr(p, '/');

			write_file(parent, "cgroup.subtree_control", "+memory");
			write_file(parent, "cgroup.subtree_control", "+cpu");
			write_file(parent, "cgroup.subtree_control", "+pids");
			if (!slash)
				break;
			snprintf(parent + strlen(parent), sizeof(parent) - strlen(parent), "/%.*s",
				 (int)(slash - p), p);
			p = slash + 1;
		}
	}
	k = limits_for(cfg, v2, ctrl, l);
	for (int i = 0; i < k; i++) {
		if ((r = write_file(dir, l[i].file, l[i].val)) < 0) {
			snprintf(err, errsz, "linux.resources: %s/%s: %s", dir, l[i].file, strerror(-r));
			return r;
		}
	}
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	if ((r = write_file(dir, "cgroup.procs", pidbuf)) < 0) {
		snprintf(err, errsz, "cgroup %s/cgroup.procs: %s", dir, strerror(-r));
		return r;
	}
	return 0;
}

int cgroup_apply(const struct oci_config *cfg, const char *rel, pid_t pid, char *err, size_t errsz)
{
	bool v2 = is_v2(), need = has_resources(cfg);
	int r = 0;

	if (v2) {
		r = apply_one(cfg, CG_ROOT, rel, true, NULL, pid, err, errsz);
	} else {
		for (size_t i = 0; i < sizeof(v1_controllers) / sizeof(v1_controllers[0]); i++) {
			char root[256];

			snprintf(root, sizeof(root), CG_ROOT "/%s", v1_controllers[i]);
			if (access(root, W_OK) < 0)
				continue;
			r = apply_one(cfg, root, rel, false, v1_controllers[i], pid, err, errsz);
			if (r < 0)
				break;
		}
	}
	if (r < 0 && !need) {
		/* No limits asked for: run without a cgroup of our own. */
		cgroup_remove(rel);
		return 1;
	}
	return r;
}

void cgroup_remove(const char *rel)
{
	char dir[4096];

	if (is_v2()) {
		snprintf(dir, sizeof(dir), CG_ROOT "/%s", rel);
		rmdir(dir);
		return;
	}
	for (size_t i = 0; i < sizeof(v1_controllers) / sizeof(v1_controllers[0]); i++) {
		snprintf(dir, sizeof(dir), CG_ROOT "/%s/%s", v1_controllers[i], rel);
		rmdir(dir);
	}
}
