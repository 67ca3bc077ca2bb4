/* Platform registry: maps --platform names to implementations, and
 * "auto" (the default) to the fastest one that works on this machine. */
#define _GNU_SOURCE
#include "platform/platform.h"
#include "sentry/log.h"

#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

extern const struct platform_ops ptrace_platform_ops;
extern const struct platform_ops systrap_platform_ops;
extern const struct platform_ops kvm_platform_ops;
static const struct platform_ops auto_platform_ops;

struct platform *the_platform;

const struct platform_ops *platform_lookup(const char *name)
{
	if (!strcmp(name, "auto"))
		return &auto_platform_ops;
	if (!strcmp(name, "ptrace"))
		return &ptrace_platform_ops;
	if (!strcmp(name, "systrap"))
		return &systrap_platform_ops;
	if (!strcmp(name, "kvm"))
		return &kvm_platform_ops;
	return NULL;
}

/* Is kvm the fastest platform here? Only with hardware virtualization
 * and no hypervisor under us: measured on a nested kvm_pvm host, a
 * syscall exit costs ~34 us under kvm against ~2 us under systrap and
 * ~9 us under ptrace; on bare metal with VMX/SVM a VM exit costs ~1 us.
 * A few cpuid instructions and one open: no slow start. why gets the
 * reason when it is not. */
static bool kvm_is_fastest(char *why, size_t n)
{
	unsigned a, b, c, d;
	bool vmx = false, svm = false, nested;
	int fd;

	if (__get_cpuid(1, &a, &b, &c, &d))
		vmx = c & (1u << 5);
	nested = __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 31));
	if (__get_cpuid(0x80000001, &a, &b, &c, &d))
		svm = c & (1u << 2);
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, n, "kvm: /dev/kvm: %s", strerror(errno));
		return false;
	}
	close(fd);
	if (!vmx && !svm) {
		snprintf(why, n, "kvm works but without VMX/SVM (%s), its exits cost more",
			 access("/sys/module/kvm_pvm", F_OK) == 0 ? "kvm_pvm" : "software");
		return false;
	}
	if (nested) {
		snprintf(why, n, "kvm works but nested under a hypervisor, its exits cost more");
		return false;
	}
	return true;
}

/* Can systrap run: seccomp filters that return SECCOMP_RET_TRAP. */
static bool systrap_possible(char *why, size_t n)
{
	unsigned action = SECCOMP_RET_TRAP;

	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) < 0) {
		snprintf(why, n, "systrap: seccomp RET_TRAP: %s", strerror(errno));
		return false;
	}
	return true;
}

static int auto_init(struct platform *p, int memfd)
{
	const struct platform_ops *order[3];
	char why_kvm[160] = "", why_systrap[160] = "";
	int n = 0, err = -ENOSYS;

	if (kvm_is_fastest(why_kvm, sizeof(why_kvm)))
		order[n++] = &kvm_platform_ops;
	if (systrap_possible(why_systrap, sizeof(why_systrap)))
		order[n++] = &systrap_platform_ops;
	order[n++] = &ptrace_platform_ops;
	for (int i = 0; i < n; i++) {
		p->ops = order[i];
		err = order[i]->init(p, memfd);
		if (err == 0) {
			sinfo("platform: %s (%s%s%s%s%s%s)", order[i]->name,
			      i + 1 < n ? order[n - 1]->name : "no",
			      " fallback available", why_kvm[0] ? "; " : "", why_kvm,
			      why_systrap[0] ? "; " : "", why_systrap);
			return 0;
		}
		swarn("platform: %s failed (%s), trying the next", order[i]->name, strerror(-err));
	}
	return err;
}

static const struct platform_ops auto_platform_ops = {
	.name = "auto",
	.init = auto_init,
};

int platform_as_batch(struct context *ctx, const struct as_op *ops, int n)
{
	const struct platform_ops *p = the_platform->ops;
	int err = 0;

	if (n <= 0)
		return 0;
	if (p->as_batch)
		return p->as_batch(ctx, ops, n);
	for (int i = 0; i < n && !err; i++) {
		switch (ops[i].kind) {
		case AS_MAP:
			err = p->as_map(ctx, ops[i].addr, ops[i].len, ops[i].memfile_off, ops[i].prot);
			break;
		case AS_UNMAP:
			err = p->as_unmap(ctx, ops[i].addr, ops[i].len);
			break;
		case AS_PROTECT:
			err = p->as_protect(ctx, ops[i].addr, ops[i].len, ops[i].prot);
			break;
		}
	}
	return err;
}
