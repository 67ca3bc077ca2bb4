/* Platform registry: maps --platform names to implementations. */
#include "platform/platform.h"

#include <string.h>

extern const struct platform_ops ptrace_platform_ops;

struct platform *the_platform;

const struct platform_ops *platform_lookup(const char *name)
{
	if (!strcmp(name, "ptrace"))
		return &ptrace_platform_ops;
	return NULL;
}
