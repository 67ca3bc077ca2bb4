/* Credentials: uids, gids, supplementary groups, capabilities. Rules from
 * credentials(7) and kernel/sys.c. */
#define _GNU_SOURCE
#include "syscalls/table.h"

#include <errno.h>
#include <linux/capability.h>
#include <string.h>

#define CAP_SETGID_BIT 6
#define CAP_SETUID_BIT 7
#define CAP_SETPCAP_BIT 8
#define CAPS_ALL ((1ULL << 41) - 1)
#define NOCHANGE ((uint32_t)-1)

long sys_getuid(struct task *t, const struct syscall_args *a) { (void)a; return t->cred->uid; }
long sys_geteuid(struct task *t, const struct syscall_args *a) { (void)a; return t->cred->euid; }
long sys_getgid(struct task *t, const struct syscall_args *a) { (void)a; return t->cred->gid; }
long sys_getegid(struct task *t, const struct syscall_args *a) { (void)a; return t->cred->egid; }

/* What commit_creds compares: the ids that decide access, and the
 * permitted capabilities. */
struct cred_ids {
	uint32_t euid, egid, fsuid, fsgid;
	uint64_t cap_permitted;
};

static struct cred_ids cred_ids(const struct cred *c)
{
	return (struct cred_ids){ c->euid, c->egid, c->fsuid, c->fsgid, c->cap_permitted };
}

/* Linux's commit_creds: when the effective or filesystem uid or gid
 * changed, or the permitted capabilities grew, the process is no longer
 * dumpable (fs.suid_dumpable is 0) and the parent-death signal is
 * cleared. */
static void commit_creds(struct task *t, const struct cred_ids *old)
{
	const struct cred *c = t->cred;

	if (c->euid != old->euid || c->egid != old->egid || c->fsuid != old->fsuid ||
	    c->fsgid != old->fsgid || (c->cap_permitted & ~old->cap_permitted)) {
		t->dumpable = 0;
		t->parent_death_signal = 0;
	}
}

/* Capabilities follow uid changes as capabilities(7) describes. */
static void fixup_caps(struct cred *c, uint32_t old_ruid, uint32_t old_euid, uint32_t old_suid)
{
	bool was_root = old_ruid == 0 || old_euid == 0 || old_suid == 0;

	if (was_root && c->uid && c->euid && c->suid && !c->keep_caps) {
		c->cap_permitted = c->cap_effective = c->cap_ambient = 0;
	} else if (old_euid == 0 && c->euid) {
		c->cap_effective = 0;
	} else if (old_euid && c->euid == 0) {
		c->cap_effective = c->cap_permitted;
	}
}

static long set_resuid(struct task *t, uint32_t r, uint32_t e, uint32_t s)
{
	struct cred *c = t->cred;
	uint32_t or = c->uid, oe = c->euid, os = c->suid;
	bool priv = capable(t, CAP_SETUID_BIT);
	struct cred_ids old = cred_ids(c);

#define OK(x) ((x) == NOCHANGE || priv || (x) == or || (x) == oe || (x) == os)
	if (!OK(r) || !OK(e) || !OK(s))
		return -EPERM;
#undef OK
	if (r != NOCHANGE)
		c->uid = r;
	if (e != NOCHANGE)
		c->euid = e;
	if (s != NOCHANGE)
		c->suid = s;
	c->fsuid = c->euid;
	fixup_caps(c, or, oe, os);
	commit_creds(t, &old);
	return 0;
}

static long set_resgid(struct task *t, uint32_t r, uint32_t e, uint32_t s)
{
	struct cred *c = t->cred;
	bool priv = capable(t, CAP_SETGID_BIT);
	struct cred_ids old = cred_ids(c);

#define OK(x) ((x) == NOCHANGE || priv || (x) == c->gid || (x) == c->egid || (x) == c->sgid)
	if (!OK(r) || !OK(e) || !OK(s))
		return -EPERM;
#undef OK
	if (r != NOCHANGE)
		c->gid = r;
	if (e != NOCHANGE)
		c->egid = e;
	if (s != NOCHANGE)
		c->sgid = s;
	c->fsgid = c->egid;
	commit_creds(t, &old);
	return 0;
}

long sys_setuid(struct task *t, const struct syscall_args *a)
{
	uint32_t u = (uint32_t)a->a[0];

	if (u == NOCHANGE)
		return -EINVAL;
	if (capable(t, CAP_SETUID_BIT))
		return set_resuid(t, u, u, u);
	if (u != t->cred->uid && u != t->cred->suid)
		return -EPERM;
	return set_resuid(t, NOCHANGE, u, NOCHANGE);
}

long sys_setgid(struct task *t, const struct syscall_args *a)
{
	uint32_t g = (uint32_t)a->a[0];

	if (g == NOCHANGE)
		return -EINVAL;
	if (capable(t, CAP_SETGID_BIT))
		return set_resgid(t, g, g, g);
	if (g != t->cred->gid && g != t->cred->sgid)
		return -EPERM;
	return set_resgid(t, NOCHANGE, g, NOCHANGE);
}

long sys_setreuid(struct task *t, const struct syscall_args *a)
{
	uint32_t r = (uint32_t)a->a[0], e = (uint32_t)a->a[1], s = NOCHANGE;
	struct cred *c = t->cred;

	if (!capable(t, CAP_SETUID_BIT)) {
		if (r != NOCHANGE && r != c->uid && r != c->euid)
			return -EPERM;
		if (e != NOCHANGE && e != c->uid && e != c->euid && e != c->suid)
			return -EPERM;
	}
	if (r != NOCHANGE || (e != NOCHANGE && e != c->uid))
		s = e != NOCHANGE ? e : c->euid;
	return set_resuid(t, r, e, s);
}

long sys_setregid(struct task *t, const struct syscall_args *a)
{
	uint32_t r = (uint32_t)a->a[0], e = (uint32_t)a->a[1], s = NOCHANGE;
	struct cred *c = t->cred;

	if (!capable(t, CAP_SETGID_BIT)) {
		if (r != NOCHANGE && r != c->gid && r != c->egid)
			return -EPERM;
		if (e != NOCHANGE && e != c->gid && e != c->egid && e != c->sgid)
			return -EPERM;
	}
	if (r != NOCHANGE || (e != NOCHANGE && e != c->gid))
		s = e != NOCHANGE ? e : c->egid;
	return set_resgid(t, r, e, s);
}

long sys_setresuid(struct task *t, const struct syscall_args *a)
{
	return set_resuid(t, (uint32_t)a->a[0], (uint32_t)a->a[1], (uint32_t)a->a[2]);
}

long sys_setresgid(struct task *t, const struct syscall_args *a)
{
	return set_resgid(t, (uint32_t)a->a[0], (uint32_t)a->a[1], (uint32_t)a->a[2]);
}

static long put3(struct task *t, const struct syscall_args *a, uint32_t x, uint32_t y, uint32_t z)
{
	if (copy_to_guest(t, a->a[0], &x, 4) < 0 || copy_to_guest(t, a->a[1], &y, 4) < 0 ||
	    copy_to_guest(t, a->a[2], &z, 4) < 0)
		return -EFAULT;
	return 0;
}

long sys_getresuid(struct task *t, const struct syscall_args *a)
{
	return put3(t, a, t->cred->uid, t->cred->euid, t->cred->suid);
}

long sys_getresgid(struct task *t, const struct syscall_args *a)
{
	return put3(t, a, t->cred->gid, t->cred->egid, t->cred->sgid);
}

long sys_setfsuid(struct task *t, const struct syscall_args *a)
{
	uint32_t old = t->cred->fsuid, u = (uint32_t)a->a[0];
	struct cred *c = t->cred;
	struct cred_ids before = cred_ids(c);

	if (capable(t, CAP_SETUID_BIT) || u == c->uid || u == c->euid || u == c->suid ||
	    u == c->fsuid)
		if (u != NOCHANGE)
			c->fsuid = u;
	commit_creds(t, &before);
	return old;
}

long sys_setfsgid(struct task *t, const struct syscall_args *a)
{
	uint32_t old = t->cred->fsgid, g = (uint32_t)a->a[0];
	struct cred *c = t->cred;
	struct cred_ids before = cred_ids(c);

	if (capable(t, CAP_SETGID_BIT) || g == c->gid || g == c->egid || g == c->sgid ||
	    g == c->fsgid)
		if (g != NOCHANGE)
			c->fsgid = g;
	commit_creds(t, &before);
	return old;
}

long sys_getgroups(struct task *t, const struct syscall_args *a)
{
	int size = (int)a->a[0];

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return t->cred->ngroups;
	if ((uint32_t)size < t->cred->ngroups)
		return -EINVAL;
	if (copy_to_guest(t, a->a[1], t->cred->groups, t->cred->ngroups * 4) < 0)
		return -EFAULT;
	return t->cred->ngroups;
}

long sys_setgroups(struct task *t, const struct syscall_args *a)
{
	uint32_t n = (uint32_t)a->a[0], g[64];

	if (!capable(t, CAP_SETGID_BIT))
		return -EPERM;
	if ((int)n < 0 || n > 65536)
		return -EINVAL;
	if (n > 64)
		return -ENOMEM; /* more than the sandbox keeps */
	if (n && copy_from_guest(t, g, a->a[1], n * 4) < 0)
		return -EFAULT;
	memcpy(t->cred->groups, g, n * 4);
	t->cred->ngroups = n;
	return 0;
}

long sys_capget(struct task *t, const struct syscall_args *a)
{
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct d[2];
	struct task *o;

	if (copy_from_guest(t, &h, a->a[0], sizeof(h)) < 0)
		return -EFAULT;
	if (h.version != _LINUX_CAPABILITY_VERSION_3 && h.version != _LINUX_CAPABILITY_VERSION_2 &&
	    h.version != _LINUX_CAPABILITY_VERSION_1) {
		h.version = _LINUX_CAPABILITY_VERSION_3;
		copy_to_guest(t, a->a[0], &h, sizeof(h));
		return a->a[1] ? -EINVAL : 0;
	}
	if (h.pid < 0)
		return -EINVAL;
	o = h.pid ? task_lookup(h.pid) : t;
	if (!o)
		return -ESRCH;
	if (!a->a[1])
		return 0;
	d[0].effective = (uint32_t)o->cred->cap_effective;
	d[0].permitted = (uint32_t)o->cred->cap_permitted;
	d[0].inheritable = (uint32_t)o->cred->cap_inheritable;
	d[1].effective = (uint32_t)(o->cred->cap_effective >> 32);
	d[1].permitted = (uint32_t)(o->cred->cap_permitted >> 32);
	d[1].inheritable = (uint32_t)(o->cred->cap_inheritable >> 32);
	return copy_to_guest(t, a->a[1], d,
			     h.version == _LINUX_CAPABILITY_VERSION_1 ? sizeof(d[0]) : sizeof(d));
}

long sys_capset(struct task *t, const struct syscall_args *a)
{
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct d[2] = { 0 };
	uint64_t eff, perm, inh;
	struct cred *c = t->cred;

	if (copy_from_guest(t, &h, a->a[0], sizeof(h)) < 0)
		return -EFAULT;
	if (h.version != _LINUX_CAPABILITY_VERSION_3 && h.version != _LINUX_CAPABILITY_VERSION_2 &&
	    h.version != _LINUX_CAPABILITY_VERSION_1)
		return -EINVAL;
	if (h.pid != 0 && h.pid != t->tid)
		return -EPERM;
	if (copy_from_guest(t, d, a->a[1],
			    h.version == _LINUX_CAPABILITY_VERSION_1 ? sizeof(d[0]) : sizeof(d)) < 0)
		return -EFAULT;
	eff = d[0].effective | ((uint64_t)d[1].effective << 32);
	perm = d[0].permitted | ((uint64_t)d[1].permitted << 32);
	inh = d[0].inheritable | ((uint64_t)d[1].inheritable << 32);
	if ((perm & ~c->cap_permitted) || (eff & ~perm))
		return -EPERM;
	if ((inh & ~(c->cap_inheritable | c->cap_permitted)) && !capable(t, CAP_SETPCAP_BIT))
		return -EPERM;
	if (inh & ~(c->cap_inheritable | c->cap_bounding))
		return -EPERM;
	c->cap_effective = eff & CAPS_ALL;
	c->cap_permitted = perm & CAPS_ALL;
	c->cap_inheritable = inh & CAPS_ALL;
	return 0;
}
