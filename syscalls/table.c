/* The one syscall table, dispatch, the once-per-name log of unimplemented
 * syscalls and the strace-style tracer. */
#define _GNU_SOURCE
#include "syscalls/table.h"
#include "sentry/log.h"
#include "sentry/sentry.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HANDLER_SUPPORTED(name) sys_##name
#define HANDLER_PARTIAL(name) sys_##name
#define HANDLER_UNIMPLEMENTED(name) NULL
#define SYSCALL(nr, name, status, fmt) \
	[nr] = { #name, HANDLER_##status(name), STATUS_##status, fmt },
const struct syscall_entry syscall_table[NR_SYSCALLS] = {
#include "syscalls/syscalls.def"
};
#undef SYSCALL

static uint8_t warned[NR_SYSCALLS];
/* Test hook: RUNSC_TEST_PANIC_SYSCALL=<nr> makes the sentry crash when the
 * guest makes that syscall, to exercise the crash path. Set by the host
 * user, never by the guest. */
static int panic_nr = -2;

/* A guest string, quoted with C escapes, so a guest cannot forge log
 * lines or send terminal controls through the strace log. */
static void fmt_str(char *buf, size_t n, const char *s, bool more)
{
	size_t o = 0;

	if (n < 8) {
		if (n)
			buf[0] = '\0';
		return;
	}
	buf[o++] = '"';
	for (; *s && o + 8 < n; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			o += (size_t)snprintf(buf + o, n - o, "\\%c", ch);
		else if (ch == '\n')
			o += (size_t)snprintf(buf + o, n - o, "\\n");
		else if (ch < 0x20 || ch >= 0x7f)
			o += (size_t)snprintf(buf + o, n - o, "\\x%02x", ch);
		else
			buf[o++] = (char)ch;
	}
	snprintf(buf + o, n - o, "\"%s", more || *s ? "..." : "");
}

static void fmt_arg(struct task *t, char c, uint64_t v, char *buf, size_t n)
{
	char s[64];
	long l;

	switch (c) {
	case 'i':
	case 'f':
		snprintf(buf, n, "%d", (int)v);
		break;
	case 'u':
		snprintf(buf, n, "%lu", (unsigned long)v);
		break;
	case 'o':
		snprintf(buf, n, "0%lo", (unsigned long)v);
		break;
	case 's':
		l = v ? copy_string_from_guest(t, s, v, sizeof(s)) : -EFAULT;
		if (l >= 0) {
			fmt_str(buf, n, s, false);
		} else if (l == -ENAMETOOLONG) {
			s[sizeof(s) - 1] = '\0';
			fmt_str(buf, n, s, true);
		} else
			snprintf(buf, n, "0x%lx", (unsigned long)v);
		break;
	case 'p':
		if (!v)
			snprintf(buf, n, "NULL");
		else
			snprintf(buf, n, "0x%lx", (unsigned long)v);
		break;
	default:
		snprintf(buf, n, "0x%lx", (unsigned long)v);
	}
}

static void strace_line(struct task *t, int nr, const uint64_t args[6], long ret, bool entry)
{
	const struct syscall_entry *e = nr >= 0 && nr < NR_SYSCALLS ? &syscall_table[nr] : NULL;
	char line[768], a[96];
	size_t len = 0;

	if (entry) {
		len += (size_t)snprintf(line, sizeof(line), "[%4d:%4d] %s(", t->tg->tgid, t->tid,
					e && e->name ? e->name : "?");
	} else {
		len += (size_t)snprintf(line, sizeof(line), "[%4d:%4d] %s(",
					t->tg->tgid, t->tid, e && e->name ? e->name : "?");
	}
	if (e && e->fmt) {
		for (size_t i = 0; e->fmt[i] && i < 6; i++) {
			fmt_arg(t, e->fmt[i], args[i], a, sizeof(a));
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s", i ? ", " : "", a);
			if (len >= sizeof(line))
				len = sizeof(line) - 1;
		}
	}
	if (entry)
		len += (size_t)snprintf(line + len, sizeof(line) - len, ") ...\n");
	else if (ret < 0 && ret > -4096)
		len += (size_t)snprintf(line + len, sizeof(line) - len, ") = -1 %s (%s)\n",
					strerrorname_np((int)-ret) ? strerrorname_np((int)-ret) : "?",
					strerror((int)-ret));
	else
		len += (size_t)snprintf(line + len, sizeof(line) - len, ") = %ld\n", ret);
	if (len >= sizeof(line))
		len = sizeof(line) - 1;
	if (write(log_fd, line, len) < 0) {
		/* tracing is best effort */
	}
}

long syscall_dispatch(struct task *t, int nr, const uint64_t args[6])
{
	const struct syscall_entry *e;
	struct syscall_args a;
	long ret;

	if (__builtin_expect(nr == panic_nr, 0))
		sentry_panic("test hook: syscall %d", nr);
	if (nr < 0 || nr >= NR_SYSCALLS || !(e = &syscall_table[nr])->fn) {
		if (nr >= 0 && nr < NR_SYSCALLS) {
			if (!warned[nr]) {
				warned[nr] = 1;
				sinfo("unimplemented syscall %d (%s)", nr,
				      syscall_table[nr].name ? syscall_table[nr].name : "?");
			}
		}
		if (t->strace)
			strace_line(t, nr, args, -ENOSYS, false);
		return -ENOSYS;
	}
	memcpy(a.a, args, sizeof(a.a));
	if (t->strace && (nr == 59 || nr == 322 || nr == 60 || nr == 231))
		strace_line(t, nr, args, 0, true);
	ret = e->fn(t, &a);
	if (t->strace)
		strace_line(t, nr, args, ret, false);
	return ret;
}

void syscalls_init_hooks(void)
{
	const char *p = getenv("RUNSC_TEST_PANIC_SYSCALL");

	if (p && *p)
		panic_nr = atoi(p);
}

void syscalls_print_table(FILE *out)
{
	static const char *st[] = { "unimplemented", "partial", "supported" };
	int counts[3] = { 0 };

	fprintf(out, "%-4s %-24s %s\n", "nr", "name", "status");
	for (int i = 0; i < NR_SYSCALLS; i++) {
		const struct syscall_entry *e = &syscall_table[i];

		if (!e->name)
			continue;
		counts[e->status]++;
		fprintf(out, "%-4d %-24s %s\n", i, e->name, st[e->status]);
	}
	fprintf(out, "%d supported, %d partial, %d unimplemented\n", counts[2], counts[1],
		counts[0]);
}

int rlimit_nofile(struct task *t)
{
	rlim_t l = t->tg->rlim[RLIMIT_NOFILE].rlim_cur;

	return l > 1048576 ? 1048576 : (int)l;
}
