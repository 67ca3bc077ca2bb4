/* procfs: the global files of /proc (meminfo, cpuinfo, stat, uptime,
 * loadavg, version, filesystems) and the sys/ tree (kernel, vm, fs, net
 * values programs read; hostname and domainname writable). */
#define _GNU_SOURCE
#include "fs/proc_internal.h"
#include "fs/mqueue.h"
#include "fs/sysctl.h"
#include "sentry/memfile.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

uint32_t proc_ncpus = 1;
static char boot_id[37];
static uint64_t mem_total_kb = 4 * 1024 * 1024;

/* ---- global files ---- */

static int show_uptime(struct pctx *c, struct pbuf *b)
{
	uint64_t up = now_ns(CLOCK_MONOTONIC) - kernel.boot_ns;

	pbuf_printf(b, "%" PRIu64 ".%02" PRIu64 " %" PRIu64 ".%02" PRIu64 "\n", up / 1000000000,
		    up % 1000000000 / 10000000, up * proc_ncpus / 1000000000,
		    up * proc_ncpus % 1000000000 / 10000000);
	return 0;
}

struct tg_count {
	int total, running, last;
	uint64_t utime, stime;
};

static void count_tg(struct thread_group *tg, void *arg)
{
	struct tg_count *n = arg;
	struct task *t;

	if (tg->reaped)
		return;
	list_for_each_entry(t, &tg->tasks, tg_node) {
		if (t->state == TASK_ZOMBIE)
			continue;
		n->total++;
		if (t->in_guest)
			n->running++;
		n->utime += t->utime_ns;
		if (t->tid > n->last)
			n->last = t->tid;
	}
}

static int show_loadavg(struct pctx *c, struct pbuf *b)
{
	struct tg_count n = { 0 };

	for_each_tg(count_tg, &n);
	pbuf_printf(b, "0.00 0.00 0.00 %d/%d %d\n", n.running ? n.running : 1, n.total, n.last);
	return 0;
}

static int show_kstat(struct pctx *c, struct pbuf *b)
{
	uint64_t up = now_ns(CLOCK_MONOTONIC) - kernel.boot_ns, ticks = up / 10000000;
	struct tg_count n = { 0 };
	uint64_t user;

	for_each_tg(count_tg, &n);
	user = n.utime / 10000000;
	pbuf_printf(b, "cpu  %" PRIu64 " 0 0 %" PRIu64 " 0 0 0 0 0 0\n", user,
		    ticks * proc_ncpus > user ? ticks * proc_ncpus - user : 0);
	for (uint32_t i = 0; i < proc_ncpus; i++)
		pbuf_printf(b, "cpu%u %" PRIu64 " 0 0 %" PRIu64 " 0 0 0 0 0 0\n", i,
			    user / proc_ncpus, ticks > user / proc_ncpus ? ticks - user / proc_ncpus : 0);
	pbuf_printf(b, "intr 0\nctxt 0\nbtime %" PRIu64 "\nprocesses %d\nprocs_running %d\n"
		    "procs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n",
		    (now_ns(CLOCK_REALTIME) - up) / 1000000000, n.last, n.running ? n.running : 1);
	return 0;
}

static int show_meminfo(struct pctx *c, struct pbuf *b)
{
	uint64_t used = memfile_pages_in_use() * (PAGE_SIZE / 1024);
	uint64_t total = mem_total_kb, fr = total > used ? total - used : 0;

	pbuf_printf(b, "MemTotal:       %8" PRIu64 " kB\nMemFree:        %8" PRIu64 " kB\n"
		    "MemAvailable:   %8" PRIu64 " kB\nBuffers:               0 kB\n"
		    "Cached:                0 kB\nSwapCached:            0 kB\n"
		    "Active:         %8" PRIu64 " kB\nInactive:              0 kB\n"
		    "SwapTotal:             0 kB\nSwapFree:              0 kB\n"
		    "Dirty:                 0 kB\nWriteback:             0 kB\n"
		    "AnonPages:      %8" PRIu64 " kB\nMapped:                0 kB\n"
		    "Shmem:                 0 kB\nCommitLimit:    %8" PRIu64 " kB\n"
		    "Committed_AS:   %8" PRIu64 " kB\nVmallocTotal:   34359738367 kB\n"
		    "HugePages_Total:       0\nHugePages_Free:        0\nHugepagesize:       2048 kB\n",
		    total, fr, fr, used, used, total, used);
	return 0;
}

/* /proc/cpuinfo from what cpuid says, for each online CPU. */
static void cpuid_(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

static const char *const flags_edx1[32] = {
	"fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", NULL, "sep",
	"mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", NULL, "dts", "acpi",
	"mmx", "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe",
};
static const char *const flags_ecx1[32] = {
	"pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2",
	"ssse3", "cid", "sdbg", "fma", "cx16", "xtpr", "pdcm", NULL, "pcid", "dca", "sse4_1",
	"sse4_2", "x2apic", "movbe", "popcnt", "tsc_deadline_timer", "aes", "xsave", NULL,
	"avx", "f16c", "rdrand", "hypervisor",
};
static const char *const flags_ebx7[32] = {
	"fsgsbase", NULL, "sgx", "bmi1", "hle", "avx2", NULL, "smep", "bmi2", "erms",
	"invpcid", "rtm", NULL, NULL, "mpx", NULL, "avx512f", "avx512dq", "rdseed", "adx",
	"smap", "avx512ifma", NULL, "clflushopt", "clwb", NULL, "avx512pf", "avx512er",
	"avx512cd", "sha_ni", "avx512bw", "avx512vl",
};
static const char *const flags_edx81[32] = {
	[11] = "syscall", [20] = "nx", [22] = "mmxext", [26] = "pdpe1gb", [27] = "rdtscp",
	[29] = "lm",
};
static const char *const flags_ecx81[32] = {
	[0] = "lahf_lm", [1] = "cmp_legacy", [5] = "abm", [6] = "sse4a", [8] = "3dnowprefetch",
};

static void add_flags(struct pbuf *b, uint32_t v, const char *const names[32])
{
	for (int i = 0; i < 32; i++)
		if ((v >> i) & 1 && names[i])
			pbuf_printf(b, " %s", names[i]);
}

static int show_cpuinfo(struct pctx *c, struct pbuf *b)
{
	uint32_t r[4], max, maxext, fam, model, stepping;
	char vendor[13], brand[49];
	uint32_t f1[4], f7[4] = { 0 }, f81[4] = { 0 }, a88[4] = { 0 };
	bool inv_tsc = false;

	cpuid_(0, 0, r);
	max = r[0];
	memcpy(vendor, &r[1], 4);
	memcpy(vendor + 4, &r[3], 4);
	memcpy(vendor + 8, &r[2], 4);
	vendor[12] = 0;
	cpuid_(1, 0, f1);
	if (max >= 7)
		cpuid_(7, 0, f7);
	cpuid_(0x80000000, 0, r);
	maxext = r[0];
	memset(brand, 0, sizeof(brand));
	if (maxext >= 0x80000004)
		for (uint32_t i = 0; i < 3; i++) {
			cpuid_(0x80000002 + i, 0, r);
			memcpy(brand + 16 * i, r, 16);
		}
	if (maxext >= 0x80000001)
		cpuid_(0x80000001, 0, f81);
	if (maxext >= 0x80000008)
		cpuid_(0x80000008, 0, a88);
	if (maxext >= 0x80000007) {
		cpuid_(0x80000007, 0, r);
		inv_tsc = (r[3] >> 8) & 1;
	}
	fam = (f1[0] >> 8) & 0xf;
	model = (f1[0] >> 4) & 0xf;
	stepping = f1[0] & 0xf;
	if (fam == 0xf)
		fam += (f1[0] >> 20) & 0xff;
	if (fam >= 6)
		model += ((f1[0] >> 16) & 0xf) << 4;
	for (uint32_t cpu = 0; cpu < proc_ncpus; cpu++) {
		const char *bp = brand;

		while (*bp == ' ')
			bp++;
		pbuf_printf(b, "processor\t: %u\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n"
			    "model name\t: %s\nstepping\t: %u\nphysical id\t: 0\nsiblings\t: %u\n"
			    "core id\t\t: %u\ncpu cores\t: %u\napicid\t\t: %u\nfpu\t\t: yes\n"
			    "fpu_exception\t: yes\ncpuid level\t: %u\nwp\t\t: yes\nflags\t\t:",
			    cpu, vendor, fam, model, bp, stepping, proc_ncpus, cpu, proc_ncpus,
			    cpu, max);
		add_flags(b, f1[3], flags_edx1);
		add_flags(b, f81[3], flags_edx81);
		add_flags(b, f1[2], flags_ecx1);
		add_flags(b, f81[2], flags_ecx81);
		add_flags(b, f7[1], flags_ebx7);
		/* Linux's synthetic flags for an invariant TSC. */
		if (inv_tsc)
			pbuf_printf(b, " constant_tsc nonstop_tsc");
		pbuf_printf(b, "\nclflush size\t: %u\ncache_alignment\t: %u\n"
			    "address sizes\t: %u bits physical, %u bits virtual\npower management:\n\n",
			    ((f1[1] >> 8) & 0xff) * 8, ((f1[1] >> 8) & 0xff) * 8,
			    a88[0] ? a88[0] & 0xff : 36, a88[0] ? (a88[0] >> 8) & 0xff : 48);
	}
	return 0;
}

static int show_version(struct pctx *c, struct pbuf *b)
{
	pbuf_printf(b, "Linux version 6.1.0 (runsc@sandbox) (gcc) #1 SMP runsc\n");
	return 0;
}

static int show_filesystems(struct pctx *c, struct pbuf *b)
{
	char buf[4096];
	int n = vfs_list_fs(buf, sizeof(buf));

	if (n > 0)
		pbuf_add(b, buf, (size_t)n);
	return 0;
}

/* ---- sys/ ---- */

static int show_hostname(struct pctx *c, struct pbuf *b)
{
	pbuf_printf(b, "%s\n", kernel.hostname);
	return 0;
}

static int store_name(struct pctx *c, char *dst, const char *buf, size_t n)
{
	if (!capable(c->caller, 21 /* CAP_SYS_ADMIN */))
		return -EPERM;
	if (n && buf[n - 1] == '\n')
		n--;
	if (n > 64)
		return -EINVAL;
	memcpy(dst, buf, n);
	dst[n] = 0;
	return 0;
}

static int store_hostname(struct pctx *c, const char *buf, size_t n)
{
	return store_name(c, kernel.hostname, buf, n);
}

static int show_domainname(struct pctx *c, struct pbuf *b)
{
	pbuf_printf(b, "%s\n", kernel.domainname[0] ? kernel.domainname : "(none)");
	return 0;
}

static int store_domainname(struct pctx *c, const char *buf, size_t n)
{
	return store_name(c, kernel.domainname, buf, n);
}

#define CONST_FILE(fn, text)                                          \
	static int fn(struct pctx *c, struct pbuf *b)                 \
	{                                                             \
		pbuf_printf(b, "%s", text);                           \
		return 0;                                             \
	}
CONST_FILE(show_osrelease, "6.1.0\n")
CONST_FILE(show_ostype, "Linux\n")
CONST_FILE(show_kversion, "#1 SMP runsc\n")
CONST_FILE(show_pid_max, "4194304\n")
CONST_FILE(show_threads_max, "126634\n")
CONST_FILE(show_ngroups_max, "65536\n")
CONST_FILE(show_cap_last_cap, "40\n")
CONST_FILE(show_overflowid, "65534\n")
CONST_FILE(show_zero, "0\n")
CONST_FILE(show_max_map_count, "65530\n")
CONST_FILE(show_file_max, "9223372036854775807\n")
CONST_FILE(show_nr_open, "1048576\n")
CONST_FILE(show_inotify_events, "16384\n")
CONST_FILE(show_inotify_instances, "128\n")
CONST_FILE(show_inotify_watches, "65536\n")
CONST_FILE(show_pipe_max_size, "1048576\n")
CONST_FILE(show_printk, "4\t4\t1\t7\n")
CONST_FILE(show_mmap_min_addr, "65536\n")
CONST_FILE(show_overcommit_ratio, "50\n")

/* ---- values a container may set (linux.sysctl, or root inside) ---- */

/* One number with its Linux range. */
struct sysval {
	long *v;
	long min, max;
};

static long somaxconn = 4096;
static long port_range[2] = { 32768, 60999 };
static long ping_range[2] = { 1, 0 };   /* nobody may open ping sockets */
static long unpriv_port_start = 1024;

static const struct sysval v_msg_max = { &mq_limits.msg_max, 1, MQ_HARD_MSGMAX };
static const struct sysval v_msgsize_max = { &mq_limits.msgsize_max, MQ_MIN_MSGSIZEMAX,
					     MQ_HARD_MSGSIZEMAX };
static const struct sysval v_queues_max = { &mq_limits.queues_max, 0, INT_MAX };
static const struct sysval v_msg_default = { &mq_limits.msg_default, 1, MQ_HARD_MSGMAX };
static const struct sysval v_msgsize_default = { &mq_limits.msgsize_default, MQ_MIN_MSGSIZEMAX,
						 MQ_HARD_MSGSIZEMAX };
static const struct sysval v_somaxconn = { &somaxconn, 0, INT_MAX };
static const struct sysval v_unpriv_port = { &unpriv_port_start, 0, 65535 };

/* Up to n numbers separated by blanks, as proc_dointvec reads them. */
static int parse_longs(const char *buf, size_t len, long *out, int n)
{
	char tmp[128], *p, *e;
	int k = 0;

	if (len >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, buf, len);
	tmp[len] = 0;
	p = tmp;
	while (k < n) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		errno = 0;
		out[k] = strtol(p, &e, 10);
		if (e == p || errno || (*e && !isspace((unsigned char)*e)))
			return -EINVAL;
		k++;
		p = e;
	}
	while (isspace((unsigned char)*p))
		p++;
	return *p || k == 0 ? -EINVAL : k;
}

static int set_val(const struct sysval *sv, const char *buf, size_t len, bool apply)
{
	long v;

	if (parse_longs(buf, len, &v, 1) != 1 || v < sv->min || v > sv->max)
		return -EINVAL;
	if (apply)
		*sv->v = v;
	return 0;
}

static int set_port_range(const char *buf, size_t len, bool apply)
{
	long v[2];

	/* Linux: two ports, low <= high, both in 1..65535. */
	if (parse_longs(buf, len, v, 2) != 2 || v[0] < 1 || v[1] > 65535 || v[0] > v[1])
		return -EINVAL;
	if (apply) {
		port_range[0] = v[0];
		port_range[1] = v[1];
	}
	return 0;
}

/* Linux: two gids up to GID_T_MAX; a high below the low means nobody. */
static int set_ping_range(const char *buf, size_t len, bool apply)
{
	long v[2];

	if (parse_longs(buf, len, v, 2) != 2 || v[0] < 0 || v[1] < 0 || v[0] > 4294967294L ||
	    v[1] > 4294967294L)
		return -EINVAL;
	if (v[1] < v[0]) {
		v[0] = 1;
		v[1] = 0;
	}
	if (apply) {
		ping_range[0] = v[0];
		ping_range[1] = v[1];
	}
	return 0;
}

static int store_checked(struct pctx *c, const struct sysval *sv, const char *buf, size_t n)
{
	if (!capable(c->caller, 21 /* CAP_SYS_ADMIN */))
		return -EPERM;
	return set_val(sv, buf, n, true);
}

#define VAL_FILE(name, sv)                                                        \
	static int show_##name(struct pctx *c, struct pbuf *b)                    \
	{                                                                         \
		pbuf_printf(b, "%ld\n", *(sv).v);                                 \
		return 0;                                                         \
	}                                                                         \
	static int store_##name(struct pctx *c, const char *buf, size_t n)        \
	{                                                                         \
		return store_checked(c, &(sv), buf, n);                           \
	}
VAL_FILE(msg_max, v_msg_max)
VAL_FILE(msgsize_max, v_msgsize_max)
VAL_FILE(queues_max, v_queues_max)
VAL_FILE(msg_default, v_msg_default)
VAL_FILE(msgsize_default, v_msgsize_default)
VAL_FILE(somaxconn, v_somaxconn)
VAL_FILE(unpriv_port, v_unpriv_port)

static int show_ping_range(struct pctx *c, struct pbuf *b)
{
	pbuf_printf(b, "%ld\t%ld\n", ping_range[0], ping_range[1]);
	return 0;
}

static int store_ping_range(struct pctx *c, const char *buf, size_t n)
{
	if (!capable(c->caller, 21 /* CAP_SYS_ADMIN */))
		return -EPERM;
	return set_ping_range(buf, n, true);
}

static int show_ip_local_port_range(struct pctx *c, struct pbuf *b)
{
	pbuf_printf(b, "%ld\t%ld\n", port_range[0], port_range[1]);
	return 0;
}

static int store_ip_local_port_range(struct pctx *c, const char *buf, size_t n)
{
	if (!capable(c->caller, 21 /* CAP_SYS_ADMIN */))
		return -EPERM;
	return set_port_range(buf, n, true);
}

static int set_domainname(const char *buf, size_t n, bool apply)
{
	if (n > 64)
		return -EINVAL;
	if (apply) {
		memcpy(kernel.domainname, buf, n);
		kernel.domainname[n] = 0;
	}
	return 0;
}

/* linux.sysctl of an OCI config: the keys a container may set, because
 * they belong to its own namespaces (runc's list, cut to what the sentry
 * models). kernel.hostname is the config's hostname field, as runc says. */
static const struct {
	const char *key;
	const struct sysval *sv;
	int (*set)(const char *buf, size_t n, bool apply);
} sysctls[] = {
	{ "fs.mqueue.msg_default", &v_msg_default, NULL },
	{ "fs.mqueue.msg_max", &v_msg_max, NULL },
	{ "fs.mqueue.msgsize_default", &v_msgsize_default, NULL },
	{ "fs.mqueue.msgsize_max", &v_msgsize_max, NULL },
	{ "fs.mqueue.queues_max", &v_queues_max, NULL },
	{ "kernel.domainname", NULL, set_domainname },
	{ "net.core.somaxconn", &v_somaxconn, NULL },
	{ "net.ipv4.ip_local_port_range", NULL, set_port_range },
	{ "net.ipv4.ip_unprivileged_port_start", &v_unpriv_port, NULL },
	{ "net.ipv4.ping_group_range", NULL, set_ping_range },
};

int proc_sysctl_set(const char *key, const char *value, bool apply)
{
	char k[128];
	size_t i, n = strlen(value);

	/* Slashes are accepted for dots, as sysctl(8) does. */
	if (strlen(key) >= sizeof(k))
		return -ENOENT;
	for (i = 0; key[i]; i++)
		k[i] = key[i] == '/' ? '.' : key[i];
	k[i] = 0;
	for (i = 0; i < sizeof(sysctls) / sizeof(sysctls[0]); i++) {
		if (strcmp(k, sysctls[i].key))
			continue;
		if (sysctls[i].sv)
			return set_val(sysctls[i].sv, value, n, apply);
		return sysctls[i].set(value, n, apply);
	}
	return -ENOENT;
}

static int show_uuid(struct pctx *c, struct pbuf *b)
{
	uint8_t r[16];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -EIO;
	r[6] = (r[6] & 0x0f) | 0x40;
	r[8] = (r[8] & 0x3f) | 0x80;
	pbuf_printf(b, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x\n",
		    r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11],
		    r[12], r[13], r[14], r[15]);
	return 0;
}

static int show_boot_id(struct pctx *c, struct pbuf *b)
{
	pbuf_printf(b, "%s\n", boot_id);
	return 0;
}

static int show_entropy(struct pctx *c, struct pbuf *b)
{
	pbuf_printf(b, "256\n");
	return 0;
}

static const struct pent random_ents[] = {
	RO_("boot_id", show_boot_id),
	RO_("entropy_avail", show_entropy),
	RO_("poolsize", show_entropy),
	RO_("uuid", show_uuid),
	{ 0 }
};

static const struct pent kernel_ents[] = {
	RO_("cap_last_cap", show_cap_last_cap),
	RW_("domainname", show_domainname, store_domainname),
	RW_("hostname", show_hostname, store_hostname),
	RO_("ngroups_max", show_ngroups_max),
	RO_("osrelease", show_osrelease),
	RO_("ostype", show_ostype),
	RO_("overflowgid", show_overflowid),
	RO_("overflowuid", show_overflowid),
	RO_("pid_max", show_pid_max),
	RO_("printk", show_printk),
	DIR_("random", random_ents),
	RO_("threads-max", show_threads_max),
	RO_("version", show_kversion),
	{ 0 }
};

static const struct pent vm_ents[] = {
	RO_("max_map_count", show_max_map_count),
	RO_("mmap_min_addr", show_mmap_min_addr),
	RO_("overcommit_memory", show_zero),
	RO_("overcommit_ratio", show_overcommit_ratio),
	{ 0 }
};

static const struct pent inotify_ents[] = {
	RO_("max_queued_events", show_inotify_events),
	RO_("max_user_instances", show_inotify_instances),
	RO_("max_user_watches", show_inotify_watches),
	{ 0 }
};

static const struct pent mqueue_ents[] = {
	RW_("msg_default", show_msg_default, store_msg_default),
	RW_("msg_max", show_msg_max, store_msg_max),
	RW_("msgsize_default", show_msgsize_default, store_msgsize_default),
	RW_("msgsize_max", show_msgsize_max, store_msgsize_max),
	RW_("queues_max", show_queues_max, store_queues_max),
	{ 0 }
};

static const struct pent fs_ents[] = {
	RO_("file-max", show_file_max),
	DIR_("inotify", inotify_ents),
	DIR_("mqueue", mqueue_ents),
	RO_("nr_open", show_nr_open),
	RO_("pipe-max-size", show_pipe_max_size),
	{ 0 }
};

static const struct pent core_ents[] = {
	RW_("somaxconn", show_somaxconn, store_somaxconn),
	{ 0 }
};

static const struct pent ipv4_ents[] = {
	RW_("ip_local_port_range", show_ip_local_port_range,
	    store_ip_local_port_range),
	RW_("ip_unprivileged_port_start", show_unpriv_port, store_unpriv_port),
	RW_("ping_group_range", show_ping_range, store_ping_range),
	{ 0 }
};

static const struct pent net_ents[] = {
	DIR_("core", core_ents),
	DIR_("ipv4", ipv4_ents),
	{ 0 }
};

static const struct pent sys_ents[] = {
	DIR_("fs", fs_ents),
	DIR_("kernel", kernel_ents),
	DIR_("net", net_ents),
	DIR_("vm", vm_ents),
	{ 0 }
};

const struct pent proc_root_ents[] = {
	RO_("cpuinfo", show_cpuinfo),
	RO_("filesystems", show_filesystems),
	RO_("loadavg", show_loadavg),
	RO_("meminfo", show_meminfo),
	LNK_("mounts", "self/mounts"),
	LNK_("net", "self/net"),
	LNK_("self", NULL),
	RO_("stat", show_kstat),
	DIR_("sys", sys_ents),
	LNK_("thread-self", NULL),
	RO_("uptime", show_uptime),
	RO_("version", show_version),
	{ 0 }
};


static void __attribute__((constructor)) proc_sys_init(void)
{
	uint8_t r[16];
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);

	proc_ncpus = n > 0 && n <= 64 ? (uint32_t)n : 1;
	if (pages > 0 && psz > 0)
		mem_total_kb = (uint64_t)pages * (uint64_t)psz / 1024;
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		memset(r, 0x42, sizeof(r));
	r[6] = (r[6] & 0x0f) | 0x40;
	r[8] = (r[8] & 0x3f) | 0x80;
	snprintf(boot_id, sizeof(boot_id),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0], r[1],
		 r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14],
		 r[15]);
}
