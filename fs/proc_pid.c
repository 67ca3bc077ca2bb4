/* procfs: the per-process files of /proc/<pid> and /proc/<pid>/task/<tid>
 * (status, stat, statm, maps, smaps, cmdline, environ, auxv, comm, limits,
 * mounts, mountinfo, oom_score_adj, the id maps, the exe/cwd/root and ns/
 * links). Each generator fills a text buffer at open from the sentry's
 * task, thread group, memory manager and mount namespace. */
#define _GNU_SOURCE
#include "fs/proc_internal.h"
#include "sentry/memfile.h"
#include "sentry/memobj.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>
#include <unistd.h>



static char task_state(struct pctx *c, struct task *t)
{
	if (c->tg->zombie || t->state == TASK_ZOMBIE)
		return 'Z';
	if (c->tg->stopped)
		return 'T';
	/* We hold the big lock: any other task not in guest code is asleep
	 * in the sentry. */
	if (t == c->caller || t->in_guest)
		return 'R';
	return 'S';
}

static const char *state_name(char s)
{
	switch (s) {
	case 'R': return "R (running)";
	case 'S': return "S (sleeping)";
	case 'T': return "T (stopped)";
	case 'Z': return "Z (zombie)";
	default: return "X (dead)";
	}
}

/* Linux counts an exited leader until it is reaped (a zombie shows 1). */
static int nr_threads(struct thread_group *tg)
{
	return tg->live_threads + (tg->leader && tg->leader->state == TASK_ZOMBIE);
}

struct mm *proc_mm(struct pctx *c)
{
	return c->t->state == TASK_ZOMBIE ? NULL : c->t->mm;
}

static ksigset_t handlers_with(struct sighand *sh, bool ignored)
{
	ksigset_t m = 0;

	if (!sh)
		return 0;
	for (int i = 0; i < NSIG_K; i++) {
		uint64_t h = sh->action[i].handler;

		if (ignored ? h == (uint64_t)(uintptr_t)SIG_IGN
			    : (h != (uint64_t)(uintptr_t)SIG_IGN && h != (uint64_t)(uintptr_t)SIG_DFL))
			m |= 1UL << i;
	}
	return m;
}

struct vm_stats {
	uint64_t size, data, stk, exe, lib, rss_pages;
};

static void vm_stats(struct mm *mm, struct vm_stats *s)
{
	memset(s, 0, sizeof(*s));
	if (!mm)
		return;
	for (int i = 0; i < mm->nvma; i++) {
		struct vma *v = &mm->vmas[i];
		uint64_t len = v->end - v->start;

		s->size += len;
		if (v->flags & VMA_GROWSDOWN || (v->name && !strcmp(v->name, "[stack]")))
			s->stk += len;
		else if ((v->prot & PROT_WRITE) && !(v->flags & VMA_SHARED))
			s->data += len;
		else if (v->prot & PROT_EXEC) {
			if (v->obj && v->obj->name && mm->exe_path &&
			    !strcmp(v->obj->name, mm->exe_path))
				s->exe += len;
			else
				s->lib += len;
		}
	}
	s->rss_pages = mm->rss_pages;
}

static int show_status(struct pctx *c, struct pbuf *b)
{
	struct thread_group *tg = c->tg;
	struct task *t = c->t;
	struct cred *cr = t->cred;
	struct mm *mm = proc_mm(c);
	struct vm_stats vs;
	uint64_t rss_kb;
	unsigned int umask = t->fs ? t->fs->umask : 022;
	int fdsize = t->files ? t->files->size : 0;
	ksigset_t pnd = t->pending.set;

	pbuf_printf(b, "Name:\t");
	pbuf_escaped(b, t->comm, "\n\\");
	pbuf_printf(b, "\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n"
		    "TracerPid:\t0\n",
		    umask, state_name(task_state(c, t)), tg->tgid, t->tid,
		    tg->parent ? tg->parent->tgid : 0);
	if (cr) {
		pbuf_printf(b, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", cr->uid, cr->euid,
			    cr->suid, cr->fsuid, cr->gid, cr->egid, cr->sgid, cr->fsgid);
	} else {
		pbuf_printf(b, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
	}
	pbuf_printf(b, "FDSize:\t%d\nGroups:\t", fdsize);
	for (uint32_t i = 0; cr && i < cr->ngroups && i < 64; i++)
		pbuf_printf(b, "%s%u", i ? " " : "", cr->groups[i]);
	pbuf_printf(b, " \nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\nKthread:\t0\n",
		    tg->tgid, t->tid, tg->pgid, tg->sid);
	if (mm) {
		vm_stats(mm, &vs);
		rss_kb = vs.rss_pages * (PAGE_SIZE / 1024);
		pbuf_printf(b,
			    "VmPeak:\t%8" PRIu64 " kB\nVmSize:\t%8" PRIu64 " kB\n"
			    "VmLck:\t       0 kB\nVmPin:\t       0 kB\n"
			    "VmHWM:\t%8" PRIu64 " kB\nVmRSS:\t%8" PRIu64 " kB\n"
			    "RssAnon:\t%8" PRIu64 " kB\nRssFile:\t       0 kB\n"
			    "RssShmem:\t       0 kB\n"
			    "VmData:\t%8" PRIu64 " kB\nVmStk:\t%8" PRIu64 " kB\n"
			    "VmExe:\t%8" PRIu64 " kB\nVmLib:\t%8" PRIu64 " kB\n"
			    "VmPTE:\t%8" PRIu64 " kB\nVmSwap:\t       0 kB\n",
			    vs.size / 1024, vs.size / 1024, rss_kb, rss_kb, rss_kb, vs.data / 1024,
			    vs.stk / 1024, vs.exe / 1024, vs.lib / 1024,
			    (vs.size / (512 * PAGE_SIZE) + 1) * 4);
		pbuf_printf(b, "HugetlbPages:\t       0 kB\n");
	}
	pbuf_printf(b, "CoreDumping:\t0\n");
	if (mm)
		pbuf_printf(b, "THP_enabled:\t1\nuntag_mask:\t0xffffffffffffffff\n");
	pbuf_printf(b, "Threads:\t%d\nSigQ:\t0/%" PRIu64 "\n", nr_threads(tg),
		    (uint64_t)tg->rlim[RLIMIT_SIGPENDING].rlim_cur);
	pbuf_printf(b, "SigPnd:\t%016" PRIx64 "\nShdPnd:\t%016" PRIx64 "\nSigBlk:\t%016" PRIx64
		    "\nSigIgn:\t%016" PRIx64 "\nSigCgt:\t%016" PRIx64 "\n",
		    (uint64_t)pnd, (uint64_t)tg->shared_pending.set, (uint64_t)t->blocked,
		    (uint64_t)handlers_with(tg_sighand(tg), true),
		    (uint64_t)handlers_with(tg_sighand(tg), false));
	if (cr)
		pbuf_printf(b, "CapInh:\t%016" PRIx64 "\nCapPrm:\t%016" PRIx64 "\nCapEff:\t%016" PRIx64
			    "\nCapBnd:\t%016" PRIx64 "\nCapAmb:\t%016" PRIx64 "\n",
			    cr->cap_inheritable, cr->cap_permitted, cr->cap_effective,
			    cr->cap_bounding, cr->cap_ambient);
	pbuf_printf(b, "NoNewPrivs:\t%d\nSeccomp:\t0\nSeccomp_filters:\t0\n", t->no_new_privs);
	pbuf_printf(b, "Speculation_Store_Bypass:\tthread vulnerable\n"
		    "SpeculationIndirectBranch:\tconditional enabled\n");
	{
		uint64_t online = proc_ncpus >= 64 ? ~0ULL : (1ULL << proc_ncpus) - 1;
		uint64_t aff = t->sched_affinity & online ? t->sched_affinity & online : online;
		int first = -1, n = 0;

		pbuf_printf(b, "Cpus_allowed:\t%" PRIx64 "\nCpus_allowed_list:\t", aff);
		/* Ranges of set bits: "0-1,3". */
		for (int i = 0; i <= 64; i++) {
			bool set = i < 64 && (aff >> i) & 1;

			if (set && first < 0)
				first = i;
			if (!set && first >= 0) {
				pbuf_printf(b, "%s%d", n++ ? "," : "", first);
				if (i - 1 > first)
					pbuf_printf(b, "-%d", i - 1);
				first = -1;
			}
		}
	}
	pbuf_printf(b, "\nMems_allowed:\t00000001\nMems_allowed_list:\t0\n"
		    "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
	return 0;
}

static int show_stat(struct pctx *c, struct pbuf *b)
{
	struct thread_group *tg = c->tg;
	struct task *t = c->t;
	struct mm *mm = proc_mm(c);
	uint64_t hz = 100, utime, stime, start;
	struct vm_stats vs;
	char state = task_state(c, t);

	if (c->pn->tid) {
		utime = t->utime_ns;
		stime = task_stime(t);
	} else {
		struct task *o;

		utime = tg->utime_dead;
		stime = tg->stime_dead;
		list_for_each_entry(o, &tg->tasks, tg_node) {
			if (o->state != TASK_ZOMBIE) {
				utime += o->utime_ns;
				stime += task_stime(o);
			}
		}
	}
	start = tg->start_time_ns > kernel.boot_ns ? tg->start_time_ns - kernel.boot_ns : 0;
	vm_stats(mm, &vs);
	pbuf_printf(b, "%d (", t->tid);
	pbuf_add(b, t->comm, strnlen(t->comm, sizeof(t->comm)));
	pbuf_printf(b, ") %c %d %d %d 0 -1 %u 0 0 0 0 %" PRIu64 " %" PRIu64 " %" PRIu64
		    " %" PRIu64 " %d %d %d 0 %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64,
		    state, tg->parent ? tg->parent->tgid : 0, tg->pgid, tg->sid, 0x400000u,
		    utime / (1000000000 / hz), stime / (1000000000 / hz),
		    tg->cutime / (1000000000 / hz), tg->cstime / (1000000000 / hz),
		    20 + t->nice, t->nice, nr_threads(tg), start / (1000000000 / hz), vs.size,
		    vs.rss_pages, (uint64_t)tg->rlim[RLIMIT_RSS].rlim_cur);
	/* startcode endcode startstack kstkesp kstkeip: 0 for other
	 * processes in Linux unless ptrace-readable; we show the stack start
	 * and zeros. */
	pbuf_printf(b, " %" PRIu64 " %" PRIu64 " %" PRIu64 " 0 0",
		    mm ? (uint64_t)1 : 0, mm ? (uint64_t)1 : 0, mm ? mm->stack_top : 0);
	/* signal blocked sigignore sigcatch (decimal), wchan nswap cnswap. */
	pbuf_printf(b, " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " 0 0 0",
		    (uint64_t)(t->pending.set | tg->shared_pending.set), (uint64_t)t->blocked,
		    (uint64_t)handlers_with(tg_sighand(tg), true),
		    (uint64_t)handlers_with(tg_sighand(tg), false));
	pbuf_printf(b, " %d 0 0 0 0 0 0 %" PRIu64 " %" PRIu64 " %" PRIu64
		    " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %d\n",
		    tg->exit_signal, mm ? 0 : (uint64_t)0, mm ? 0 : (uint64_t)0,
		    mm ? mm->brk_start : 0, mm ? mm->arg_start : 0, mm ? mm->arg_end : 0,
		    mm ? mm->env_start : 0, mm ? mm->env_end : 0,
		    tg->zombie ? tg->group_exit_code : 0);
	return 0;
}

static int show_statm(struct pctx *c, struct pbuf *b)
{
	struct vm_stats vs;

	vm_stats(proc_mm(c), &vs);
	pbuf_printf(b, "%" PRIu64 " %" PRIu64 " 0 %" PRIu64 " 0 %" PRIu64 " 0\n",
		    vs.size / PAGE_SIZE, vs.rss_pages, vs.exe / PAGE_SIZE,
		    (vs.data + vs.stk) / PAGE_SIZE);
	return 0;
}

static void maps_line(struct pbuf *b, struct vma *v)
{
	const char *name = v->name ? v->name : (v->obj && !(v->flags & VMA_ANON) ? v->obj->name : NULL);
	bool file = v->obj && !v->name && name && name[0] == '/';
	size_t start = b->len;

	pbuf_printf(b, "%08" PRIx64 "-%08" PRIx64 " %c%c%c%c %08" PRIx64 " %02x:%02x %" PRIu64 " ",
		    v->start, v->end, v->prot & PROT_READ ? 'r' : '-',
		    v->prot & PROT_WRITE ? 'w' : '-', v->prot & PROT_EXEC ? 'x' : '-',
		    v->flags & VMA_SHARED ? 's' : 'p', file ? v->pgoff << PAGE_SHIFT : 0,
		    file ? major(v->obj->dev) : 0, file ? minor(v->obj->dev) : 0,
		    file ? (uint64_t)v->obj->ino : 0);
	if (name && *name) {
		pbuf_pad(b, start, 73);
		pbuf_escaped(b, name, "\n");
	}
	pbuf_add(b, "\n", 1);
}

static int show_maps(struct pctx *c, struct pbuf *b)
{
	struct mm *mm = proc_mm(c);

	for (int i = 0; mm && i < mm->nvma && !b->oom; i++)
		maps_line(b, &mm->vmas[i]);
	return b->oom ? -ENOMEM : 0;
}

/* ---- smaps ---- */

struct mem_usage {
	uint64_t rss, pss_x, pss_dirty_x, pss_anon_x, pss_file_x;   /* bytes; *_x << 12 */
	uint64_t shared_clean, shared_dirty, private_clean, private_dirty, anon;
};

struct usage_walk {
	struct vma *v;
	struct mem_usage *u;
};

/* One present page: private copies (anonymous or copied on write) count
 * as dirty anonymous memory, pages of the mapped object as clean file
 * memory; a page mapped by several users is shared and splits its Pss. */
static void usage_page(uint64_t vpn, uint64_t *slot, void *arg)
{
	struct usage_walk *w = arg;
	struct mem_usage *u = w->u;
	struct vma *v = w->v;
	uint64_t pte = *slot, pfn = PTE_PFN(pte), refs;
	bool anon = true;

	if (!(pte & PTE_PRESENT))
		return;
	if (v->obj && v->obj->pages) {
		uint64_t *os = pt_slot(v->obj->pages, v->pgoff + (vpn - v->start / PAGE_SIZE), 0);

		anon = !(os && *os == pfn);
	}
	refs = page_refs(pfn);
	if (!refs)
		refs = 1;
	u->rss += PAGE_SIZE;
	u->pss_x += (PAGE_SIZE << 12) / refs;
	if (anon) {
		u->anon += PAGE_SIZE;
		u->pss_anon_x += (PAGE_SIZE << 12) / refs;
		u->pss_dirty_x += (PAGE_SIZE << 12) / refs;
		if (refs > 1)
			u->shared_dirty += PAGE_SIZE;
		else
			u->private_dirty += PAGE_SIZE;
	} else {
		u->pss_file_x += (PAGE_SIZE << 12) / refs;
		if (refs > 1)
			u->shared_clean += PAGE_SIZE;
		else
			u->private_clean += PAGE_SIZE;
	}
}

static void vma_usage(struct mm *mm, struct vma *v, struct mem_usage *u)
{
	struct usage_walk w = { v, u };

	if (mm->pt)
		pt_walk(mm->pt, v->start / PAGE_SIZE, v->end / PAGE_SIZE, usage_page, &w);
}

static void kb_line(struct pbuf *b, const char *name, uint64_t bytes)
{
	pbuf_printf(b, "%-16s%8" PRIu64 " kB\n", name, bytes / 1024);
}

static void usage_lines(struct pbuf *b, const struct mem_usage *u, bool rollup)
{
	kb_line(b, "Rss:", u->rss);
	kb_line(b, "Pss:", u->pss_x >> 12);
	kb_line(b, "Pss_Dirty:", u->pss_dirty_x >> 12);
	if (rollup) {
		kb_line(b, "Pss_Anon:", u->pss_anon_x >> 12);
		kb_line(b, "Pss_File:", u->pss_file_x >> 12);
		kb_line(b, "Pss_Shmem:", 0);
	}
	kb_line(b, "Shared_Clean:", u->shared_clean);
	kb_line(b, "Shared_Dirty:", u->shared_dirty);
	kb_line(b, "Private_Clean:", u->private_clean);
	kb_line(b, "Private_Dirty:", u->private_dirty);
	kb_line(b, "Referenced:", u->rss);
	kb_line(b, "Anonymous:", u->anon);
	kb_line(b, "KSM:", 0);
	kb_line(b, "LazyFree:", 0);
	kb_line(b, "AnonHugePages:", 0);
	kb_line(b, "ShmemPmdMapped:", 0);
	kb_line(b, "FilePmdMapped:", 0);
	kb_line(b, "Shared_Hugetlb:", 0);
	kb_line(b, "Private_Hugetlb:", 0);
	kb_line(b, "Swap:", 0);
	kb_line(b, "SwapPss:", 0);
	kb_line(b, "Locked:", 0);
}

static int show_smaps(struct pctx *c, struct pbuf *b)
{
	struct mm *mm = proc_mm(c);

	for (int i = 0; mm && i < mm->nvma && !b->oom; i++) {
		struct vma *v = &mm->vmas[i];
		struct mem_usage u = { 0 };

		maps_line(b, v);
		vma_usage(mm, v, &u);
		kb_line(b, "Size:", v->end - v->start);
		kb_line(b, "KernelPageSize:", PAGE_SIZE);
		kb_line(b, "MMUPageSize:", PAGE_SIZE);
		usage_lines(b, &u, false);
		pbuf_printf(b, "THPeligible:    %8d\nVmFlags:%s%s%s%s mr mw me%s%s \n", 0,
			    v->prot & PROT_READ ? " rd" : "", v->prot & PROT_WRITE ? " wr" : "",
			    v->prot & PROT_EXEC ? " ex" : "", v->flags & VMA_SHARED ? " sh" : "",
			    v->flags & VMA_GROWSDOWN ? " gd" : "",
			    (v->prot & PROT_WRITE) && !(v->flags & VMA_SHARED) ? " ac" : "");
	}
	return b->oom ? -ENOMEM : 0;
}

static int show_smaps_rollup(struct pctx *c, struct pbuf *b)
{
	struct mm *mm = proc_mm(c);
	struct mem_usage u = { 0 };
	size_t start = b->len;

	if (!mm || !mm->nvma)
		return 0;
	for (int i = 0; i < mm->nvma; i++)
		vma_usage(mm, &mm->vmas[i], &u);
	pbuf_printf(b, "%08" PRIx64 "-%08" PRIx64 " ---p 00000000 00:00 0 ", mm->vmas[0].start,
		    mm->vmas[mm->nvma - 1].end);
	pbuf_pad(b, start, 73);
	pbuf_printf(b, "[rollup]\n");
	usage_lines(b, &u, true);
	return b->oom ? -ENOMEM : 0;
}

/* NUL-separated strings from [start, end) of the process's memory. */
static int show_mem_range(struct pctx *c, struct pbuf *b, uint64_t start, uint64_t end)
{
	struct mm *mm = proc_mm(c);
	char tmp[4096];

	if (!mm || end <= start)
		return 0;
	if (end - start > (64u << 20))
		end = start + (64u << 20);
	while (start < end) {
		size_t n = end - start < sizeof(tmp) ? end - start : sizeof(tmp);

		if (mm_copy_in(mm, NULL, tmp, start, n) < 0)
			break;
		pbuf_add(b, tmp, n);
		start += n;
	}
	return b->oom ? -ENOMEM : 0;
}

static int show_cmdline(struct pctx *c, struct pbuf *b)
{
	struct mm *mm = proc_mm(c);
	int r;

	if (!mm)
		return 0;
	r = show_mem_range(c, b, mm->arg_start, mm->arg_end);
	/* A process that rewrote its arguments without a final NUL: the
	 * first string only, as Linux's get_mm_cmdline. */
	if (r == 0 && b->len && b->d[b->len - 1] != 0)
		b->len = strnlen(b->d, b->len);
	return r;
}

static int show_environ(struct pctx *c, struct pbuf *b)
{
	struct mm *mm = proc_mm(c);

	return mm ? show_mem_range(c, b, mm->env_start, mm->env_end) : 0;
}

static int show_auxv(struct pctx *c, struct pbuf *b)
{
	struct mm *mm = proc_mm(c);

	if (mm && mm->auxv_len > 0 && mm->auxv_len <= 64)
		pbuf_add(b, mm->auxv, (size_t)mm->auxv_len * sizeof(uint64_t));
	return 0;
}

static int show_comm(struct pctx *c, struct pbuf *b)
{
	pbuf_add(b, c->t->comm, strnlen(c->t->comm, sizeof(c->t->comm)));
	pbuf_add(b, "\n", 1);
	return 0;
}

static int store_comm(struct pctx *c, const char *buf, size_t n)
{
	size_t len = n < sizeof(c->t->comm) - 1 ? n : sizeof(c->t->comm) - 1;

	/* Another thread group's name: Linux requires the same process. */
	if (c->t->tg != c->caller->tg)
		return -EINVAL;
	memset(c->t->comm, 0, sizeof(c->t->comm));
	/* Taken as written, newline included, like Linux's comm_write. */
	memcpy(c->t->comm, buf, len);
	return 0;
}

static int show_cgroup(struct pctx *c, struct pbuf *b)
{
	pbuf_printf(b, "0::/\n");
	return 0;
}

/* oom_score_adj per process: not inherited by children (no field for it
 * in the thread group yet). */
struct oom_adj {
	int tgid;
	int value;
	int min;              /* oom_score_adj_min: set by privileged writers */
	uint64_t start_ns;    /* tells a reused pid from its old owner */
	struct oom_adj *next;
};
static struct oom_adj *oom_adjs;

static struct oom_adj *oom_find(struct thread_group *g, bool create)
{
	struct oom_adj *o;

	for (o = oom_adjs; o; o = o->next)
		if (o->tgid == g->tgid && o->start_ns == g->start_time_ns)
			return o;
	if (!create)
		return NULL;
	/* Forget processes that are gone before adding one. */
	for (struct oom_adj **pp = &oom_adjs; *pp;) {
		struct thread_group *tg = tg_lookup((*pp)->tgid);

		if (!tg || tg->reaped || tg->start_time_ns != (*pp)->start_ns) {
			o = *pp;
			*pp = o->next;
			free(o);
		} else {
			pp = &(*pp)->next;
		}
	}
	if (!(o = calloc(1, sizeof(*o))))
		return NULL;
	o->tgid = g->tgid;
	o->start_ns = g->start_time_ns;
	o->next = oom_adjs;
	oom_adjs = o;
	return o;
}

static int show_oom_score_adj(struct pctx *c, struct pbuf *b)
{
	struct oom_adj *o = oom_find(c->tg, false);

	pbuf_printf(b, "%d\n", o ? o->value : 0);
	return 0;
}

static int parse_int(const char *buf, size_t n, long *out)
{
	char tmp[32];
	char *end;

	if (n >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, buf, n);
	tmp[n] = 0;
	errno = 0;
	*out = strtol(tmp, &end, 10);
	while (*end == '\n' || *end == ' ')
		end++;
	if (errno || end == tmp || *end)
		return -EINVAL;
	return 0;
}

static int store_oom_score_adj(struct pctx *c, const char *buf, size_t n)
{
	struct oom_adj *o = oom_find(c->tg, false);
	long v;
	int r = parse_int(buf, n, &v);

	if (r < 0)
		return r;
	if (v < -1000 || v > 1000)
		return -EINVAL;
	if (v < (o ? o->min : 0) && !capable(c->caller, 24 /* CAP_SYS_RESOURCE */))
		return -EACCES;
	o = oom_find(c->tg, true);
	if (!o)
		return -ENOMEM;
	o->value = (int)v;
	if (capable(c->caller, 24))
		o->min = (int)v;
	return 0;
}

static int show_oom_score(struct pctx *c, struct pbuf *b)
{
	pbuf_printf(b, "0\n");
	return 0;
}

static int show_loginuid(struct pctx *c, struct pbuf *b)
{
	pbuf_printf(b, "4294967295");
	return 0;
}

static int show_sessionid(struct pctx *c, struct pbuf *b)
{
	pbuf_printf(b, "4294967295");
	return 0;
}

/* The sandbox has one user namespace: the identity mapping of Linux's
 * initial namespace, which can no longer be written. */
static int show_id_map(struct pctx *c, struct pbuf *b)
{
	pbuf_printf(b, "%10u %10u %10u\n", 0u, 0u, 4294967295u);
	return 0;
}

static int store_id_map(struct pctx *c, const char *buf, size_t n)
{
	return -EPERM;
}

static int show_setgroups(struct pctx *c, struct pbuf *b)
{
	pbuf_printf(b, "allow\n");
	return 0;
}

static int show_wchan(struct pctx *c, struct pbuf *b)
{
	pbuf_printf(b, "0");
	return 0;
}

static int show_personality(struct pctx *c, struct pbuf *b)
{
	pbuf_printf(b, "%08x\n", (unsigned int)c->t->personality);
	return 0;
}

static int show_timerslack(struct pctx *c, struct pbuf *b)
{
	pbuf_printf(b, "%" PRIu64 "\n", c->t->timer_slack_ns);
	return 0;
}

/* Linux: 0 restores the default; another process needs CAP_SYS_NICE. */
static int store_timerslack(struct pctx *c, const char *buf, size_t n)
{
	char tmp[32];
	char *end;
	unsigned long long v;

	if (n >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, buf, n);
	tmp[n] = 0;
	errno = 0;
	v = strtoull(tmp, &end, 10);
	while (*end == '\n' || *end == ' ')
		end++;
	if (errno || end == tmp || *end || tmp[0] == '-')
		return -EINVAL;
	if (c->t->tg != c->caller->tg && !capable(c->caller, 23 /* CAP_SYS_NICE */))
		return -EPERM;
	c->t->timer_slack_ns = v ? v : 50000;
	return 0;
}

static const struct {
	const char *name, *unit;
} limit_names[RLIM_NLIMITS] = {
	{ "Max cpu time", "seconds" },  { "Max file size", "bytes" },
	{ "Max data size", "bytes" },   { "Max stack size", "bytes" },
	{ "Max core file size", "bytes" }, { "Max resident set", "bytes" },
	{ "Max processes", "processes" }, { "Max open files", "files" },
	{ "Max locked memory", "bytes" }, { "Max address space", "bytes" },
	{ "Max file locks", "locks" },  { "Max pending signals", "signals" },
	{ "Max msgqueue size", "bytes" }, { "Max nice priority", NULL },
	{ "Max realtime priority", NULL }, { "Max realtime timeout", "us" },
};

static int show_limits(struct pctx *c, struct pbuf *b)
{
	pbuf_printf(b, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
	for (int i = 0; i < RLIM_NLIMITS; i++) {
		struct rlimit *r = &c->tg->rlim[i];

		if (r->rlim_cur == RLIM_INFINITY)
			pbuf_printf(b, "%-25s %-20s ", limit_names[i].name, "unlimited");
		else
			pbuf_printf(b, "%-25s %-20" PRIu64 " ", limit_names[i].name,
				    (uint64_t)r->rlim_cur);
		if (r->rlim_max == RLIM_INFINITY)
			pbuf_printf(b, "%-20s ", "unlimited");
		else
			pbuf_printf(b, "%-20" PRIu64 " ", (uint64_t)r->rlim_max);
		if (limit_names[i].unit)
			pbuf_printf(b, "%-10s", limit_names[i].unit);
		pbuf_add(b, "\n", 1);
	}
	return 0;
}

/* ---- mounts ---- */

static void mount_opts(struct pbuf *b, unsigned long fl)
{
	if (fl & MS_NOSUID)
		pbuf_printf(b, ",nosuid");
	if (fl & MS_NODEV)
		pbuf_printf(b, ",nodev");
	if (fl & MS_NOEXEC)
		pbuf_printf(b, ",noexec");
	if (fl & MS_NOATIME)
		pbuf_printf(b, ",noatime");
	if (fl & MS_NODIRATIME)
		pbuf_printf(b, ",nodiratime");
	/* Linux mounts are relatime unless told noatime or strictatime. */
	if (!(fl & (MS_NOATIME | MS_STRICTATIME)))
		pbuf_printf(b, ",relatime");
}

static void super_opts(struct pbuf *b, struct super_block *sb)
{
	char opts[512];

	opts[0] = 0;
	if (sb->ops && sb->ops->show_options &&
	    sb->ops->show_options(sb, opts, sizeof(opts)) == 0 && opts[0]) {
		pbuf_add(b, ",", 1);
		pbuf_escaped(b, opts, " \t\n\\");
	}
}

/* The mount's root seen from the task's root, or false if it is not
 * reachable (Linux leaves such mounts out). */
static bool mount_point(struct pctx *c, struct mount *m, char *buf, size_t n)
{
	struct path p = { m, m->root };

	return vfs_path_reachable(c->t, &p) && vfs_d_path(c->t, &p, buf, n, false) >= 0;
}

/* Path of a dentry within its filesystem. */
static void dentry_fs_path(struct dentry *d, char *buf, size_t n)
{
	size_t len = 0;
	char *tmp;

	if (d->parent == d) {
		snprintf(buf, n, "/");
		return;
	}
	tmp = malloc(n);
	if (!tmp) {
		snprintf(buf, n, "/");
		return;
	}
	buf[0] = 0;
	for (; d->parent != d; d = d->parent) {
		size_t nl = strlen(d->name);

		if (len + nl + 1 >= n)
			break;
		snprintf(tmp, n, "/%s%s", d->name, buf);
		strcpy(buf, tmp);
		len += nl + 1;
	}
	free(tmp);
}

static struct mnt_ns *pctx_ns(struct pctx *c)
{
	if (c->t->state == TASK_ZOMBIE || !c->t->fs)
		return NULL;
	return task_mnt_ns(c->t);
}

static int show_mounts(struct pctx *c, struct pbuf *b)
{
	struct mnt_ns *ns = pctx_ns(c);

	/* A process that has exited has no namespaces left. */
	if (!ns)
		return -EINVAL;
	char *mp = malloc(4096);

	if (!mp)
		return -ENOMEM;
	for (struct mount *m = ns ? ns->mounts : NULL; m; m = m->next) {
		if (!mount_point(c, m, mp, 4096))
			continue;
		pbuf_escaped(b, m->source ? m->source : "none", " \t\n\\");
		pbuf_add(b, " ", 1);
		pbuf_escaped(b, mp, " \t\n\\");
		pbuf_printf(b, " %s %s", m->sb->type->name,
			    (m->flags & MS_RDONLY) || (m->sb->flags & SB_RDONLY) ? "ro" : "rw");
		mount_opts(b, m->flags);
		super_opts(b, m->sb);
		pbuf_printf(b, " 0 0\n");
	}
	free(mp);
	return b->oom ? -ENOMEM : 0;
}

static int show_mountinfo(struct pctx *c, struct pbuf *b)
{
	struct mnt_ns *ns = pctx_ns(c);

	/* A process that has exited has no namespaces left. */
	if (!ns)
		return -EINVAL;
	char *mp = malloc(4096), *root = malloc(4096);

	if (!mp || !root) {
		free(mp);
		free(root);
		return -ENOMEM;
	}
	for (struct mount *m = ns ? ns->mounts : NULL; m; m = m->next) {
		if (!mount_point(c, m, mp, 4096))
			continue;
		dentry_fs_path(m->root, root, 4096);
		pbuf_printf(b, "%d %d %u:%u ", m->id, m->parent ? m->parent->id : m->id,
			    major(m->sb->dev), minor(m->sb->dev));
		pbuf_escaped(b, root, " \t\n\\");
		pbuf_add(b, " ", 1);
		pbuf_escaped(b, mp, " \t\n\\");
		pbuf_printf(b, " %s", m->flags & MS_RDONLY ? "ro" : "rw");
		mount_opts(b, m->flags);
		pbuf_printf(b, " - %s ", m->sb->type->name);
		pbuf_escaped(b, m->source ? m->source : "none", " \t\n\\");
		pbuf_printf(b, " %s", m->sb->flags & SB_RDONLY ? "ro" : "rw");
		super_opts(b, m->sb);
		pbuf_add(b, "\n", 1);
	}
	free(mp);
	free(root);
	return b->oom ? -ENOMEM : 0;
}

/* ---- magic links ---- */


static int resolve_exe(struct pctx *c, struct path *out)
{
	struct mm *mm = proc_mm(c);

	if (!mm || !mm->exe_path)
		return -ENOENT;
	return vfs_lookup_at(c->caller, AT_FDCWD, mm->exe_path, LOOKUP_FOLLOW, out);
}

static long text_exe(struct pctx *c, char *buf, size_t n)
{
	struct mm *mm = proc_mm(c);

	if (!mm || !mm->exe_path)
		return -ENOENT;
	return proc_copy_text(mm->exe_path, buf, n);
}

/* cwd and root of the task (struct fs_ctx holds them as paths). */
static const struct path *fs_path(struct pctx *c, bool root)
{
	struct fs_ctx *fs = c->t->state == TASK_ZOMBIE ? NULL : c->t->fs;
	const struct path *p;

	if (!fs)
		return NULL;
	p = root ? &fs->root : &fs->cwd;
	return p->dentry ? p : NULL;
}

static int resolve_fs(struct pctx *c, struct path *out, bool root)
{
	const struct path *p = fs_path(c, root);

	if (!p)
		return -ENOENT;
	*out = *p;
	path_get(out);
	return 0;
}

static int resolve_cwd(struct pctx *c, struct path *out)
{
	return resolve_fs(c, out, false);
}

static int resolve_root(struct pctx *c, struct path *out)
{
	return resolve_fs(c, out, true);
}

/* A path as the reader sees it from its own root. */
long proc_text_path(struct pctx *c, const struct path *p, char *buf, size_t n)
{
	char *tmp = malloc(4096 + 16);
	long len;

	if (!tmp)
		return -ENOMEM;
	len = vfs_d_path(c->caller, p, tmp, 4096 + 16, true);
	if (len >= 0)
		len = proc_copy_text(tmp, buf, n);
	free(tmp);
	return len;
}

static long text_fs(struct pctx *c, char *buf, size_t n, bool root)
{
	const struct path *p = fs_path(c, root);

	return p ? proc_text_path(c, p, buf, n) : -ENOENT;
}

static long text_cwd(struct pctx *c, char *buf, size_t n)
{
	return text_fs(c, buf, n, false);
}

static long text_root(struct pctx *c, char *buf, size_t n)
{
	return text_fs(c, buf, n, true);
}

/* ns/ links. One namespace of each kind per sandbox, with Linux's
 * initial-namespace inode numbers (PROC_*_INIT_INO), except mount
 * namespaces, which a process can make: each live one has its own number
 * (a dead one's may be reused, as Linux's are). */
struct ns_num {
	struct mnt_ns *ns;
	unsigned int ino;
	struct ns_num *next;
};
static struct ns_num *mntns_nums;
static unsigned int mntns_next = 0xF0000000u + 0x100;

static unsigned int mntns_ino(struct mnt_ns *ns)
{
	struct ns_num *e;

	if (!ns || ns == init_mnt_ns)
		return 0xF0000000u;
	for (e = mntns_nums; e; e = e->next)
		if (e->ns == ns)
			return e->ino;
	e = calloc(1, sizeof(*e));
	if (!e)
		return 0xF0000000u;
	e->ns = ns;
	e->ino = mntns_next++;
	e->next = mntns_nums;
	mntns_nums = e;
	return e->ino;
}

static unsigned int ns_ino(struct pctx *c)
{
	const struct pent *e = c->pn->ent;

	if (!strcmp(e->nskind, "mnt"))
		return mntns_ino(pctx_ns(c));
	return e->nsino;
}

static long text_ns(struct pctx *c, char *buf, size_t n)
{
	char s[64];

	snprintf(s, sizeof(s), "%s:[%u]", c->pn->ent->nskind, ns_ino(c));
	return proc_copy_text(s, buf, n);
}

static const struct inode_ops proc_ns_iops;
static const struct file_ops proc_ns_fops;

/* The link resolves to an inode carrying the namespace's number, so stat
 * tells namespaces apart as on Linux; opening it gives a file that reads
 * nothing (setns is not supported). */
static int resolve_ns(struct pctx *c, struct path *out)
{
	struct super_block *sb = c->sb;
	struct mnt_ns *ns = task_mnt_ns(c->caller);
	struct mount *m = ns ? ns->mounts : NULL;
	struct inode *inode;
	struct dentry *d;

	while (m && m->sb != sb)
		m = m->next;
	if (!m)
		return -ENOENT;
	inode = inode_new(sb, &proc_ns_iops, &proc_ns_fops, S_IFREG | 0444, ns_ino(c));
	if (!inode)
		return -ENOMEM;
	inode->nlink = 1;
	d = dentry_new_root(sb, inode);
	if (!d) {
		inode_put(inode);
		return -ENOMEM;
	}
	d->flags |= D_NOCACHE;
	mount_get(m);
	out->mnt = m;
	out->dentry = d;
	return 0;
}

static int ns_fstat(struct file *f, struct stat *st)
{
	vfs_fill_stat(file_inode(f), st);
	return 0;
}

static int ns_open(struct inode *inode, struct file *f)
{
	return 0;
}

static const struct inode_ops proc_ns_iops = {
	.open = ns_open,
};

static const struct file_ops proc_ns_fops = {
	.fstat = ns_fstat,
};

/* ------------------------------------------------------------ the tables */

#define NS_(n, k, i)                                                                         \
	{ .name = n, .kind = PK_MAGIC, .mode = S_IFLNK | 0777, .resolve = resolve_ns,            \
	  .text = text_ns, .nskind = k, .nsino = i }

static const struct pent ns_ents[] = {
	NS_("cgroup", "cgroup", 0xEFFFFFFBu),
	NS_("ipc", "ipc", 0xEFFFFFFFu),
	NS_("mnt", "mnt", 0),
	NS_("net", "net", 0xF0000098u),
	NS_("pid", "pid", 0xEFFFFFFCu),
	NS_("pid_for_children", "pid", 0xEFFFFFFCu),
	NS_("time", "time", 0xEFFFFFFAu),
	NS_("time_for_children", "time", 0xEFFFFFFAu),
	NS_("user", "user", 0xEFFFFFFDu),
	NS_("uts", "uts", 0xEFFFFFFEu),
	{ 0 }
};

/* Entries of /proc/<pid> and /proc/<pid>/task/<tid> (the latter without
 * "task"), in Linux's order. */
const struct pent proc_pid_ents[] = {
	{ .name = "task", .kind = PK_TASKDIR, .mode = S_IFDIR | 0555 },
	{ .name = "fd", .kind = PK_FDDIR, .mode = S_IFDIR | 0500 },
	{ .name = "fdinfo", .kind = PK_FDINFODIR, .mode = S_IFDIR | 0555 },
	{ .name = "ns", .kind = PK_NSDIR, .mode = S_IFDIR | 0511, .sub = ns_ents },
	DIR_("net", proc_net_ents),
	{ .name = "mem", .kind = PK_FILE, .mode = S_IFREG | 0600 },
	RO400_("environ", show_environ),
	RO400_("auxv", show_auxv),
	RO_("status", show_status),
	RO_("limits", show_limits),
	RW_("comm", show_comm, store_comm),
	RO_("cmdline", show_cmdline),
	RO_("stat", show_stat),
	RO_("statm", show_statm),
	RO_("maps", show_maps),
	RO_("smaps", show_smaps),
	RO_("smaps_rollup", show_smaps_rollup),
	MAGIC_("cwd", resolve_cwd, text_cwd),
	MAGIC_("root", resolve_root, text_root),
	MAGIC_("exe", resolve_exe, text_exe),
	RO_("mounts", show_mounts),
	RO_("mountinfo", show_mountinfo),
	RO_("cgroup", show_cgroup),
	RO_("oom_score", show_oom_score),
	RW_("oom_score_adj", show_oom_score_adj, store_oom_score_adj),
	RO_("loginuid", show_loginuid),
	RO_("sessionid", show_sessionid),
	RW_("uid_map", show_id_map, store_id_map),
	RW_("gid_map", show_id_map, store_id_map),
	RW_("setgroups", show_setgroups, store_id_map),
	RO_("wchan", show_wchan),
	RO400_("personality", show_personality),
	{ .name = "timerslack_ns", .kind = PK_FILE, .mode = S_IFREG | 0666, .show = show_timerslack,
	  .store = store_timerslack },
	{ 0 }
};

