/* Platform registry: maps --platform names to implementations. */
#include "platform/platform.h"

#include <string.h>

extern const struct platform_ops ptrace_platform_ops;
extern const struct platform_ops systrap_platform_ops;
extern const struct platform_ops kvm_platform_ops;

struct platform *the_platform;

const struct platform_ops *platform_lookup(const char *name)
{
	if (!strcmp(name, "ptrace"))
		return &ptrace_platform_ops;
	if (!strcmp(name, "systrap"))
		return &systrap_platform_ops;
	if (!strcmp(name, "kvm"))
		return &kvm_platform_ops;
	return NULL;
}

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
