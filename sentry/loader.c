/* ELF and #! loading; the initial stack layout follows
 * fs/binfmt_elf.c:create_elf_tables(). */
#define _GNU_SOURCE
#include "sentry/loader.h"
#include "sentry/hooks.h"
#include "sentry/log.h"
#include "sentry/time.h"

#include <cpuid.h>
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>

#define MAX_SCRIPT_DEPTH 4
#define BINPRM_BUF 256
#define MAX_PHDRS 128
#define ET_DYN_BASE 0x555555554000UL
#define MAX_ARG_STRLEN (PAGE_SIZE * 32)
#define MAX_ARGS_BYTES (2UL << 20)

extern const char vdso_image_start[], vdso_image_end[];

static int vdso_fill(struct memobj *obj, uint64_t pgoff, void *page)
{
	size_t len = (size_t)(vdso_image_end - vdso_image_start);
	size_t off = pgoff << PAGE_SHIFT;

	(void)obj;
	if (off < len)
		memcpy(page, vdso_image_start + off, len - off < PAGE_SIZE ? len - off : PAGE_SIZE);
	return 0;
}

static const struct memobj_ops vdso_ops = { .fill = vdso_fill };

struct memobj *vdso_memobj(void)
{
	static struct memobj *obj;

	if (!obj)
		obj = memobj_new(&vdso_ops, NULL,
				 (uint64_t)(vdso_image_end - vdso_image_start), "[vdso]");
	return obj;
}

struct elf_info {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[MAX_PHDRS];
	uint64_t bias;
	uint64_t entry;
	uint64_t phdr_addr;
	uint64_t brk;       /* end of the highest segment */
	char interp[4096];
	bool has_interp;
};

static int read_elf(const struct exec_file_ops *ops, void *h, struct elf_info *e)
{
	Elf64_Ehdr *eh = &e->eh;
	size_t phsz;

	if (ops->pread(h, eh, sizeof(*eh), 0) != sizeof(*eh))
		return -ENOEXEC;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_X86_64 ||
	    (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 ||
	    eh->e_phnum > MAX_PHDRS)
		return -ENOEXEC;
	phsz = (size_t)eh->e_phnum * sizeof(Elf64_Phdr);
	if (ops->pread(h, e->ph, phsz, eh->e_phoff) != (ssize_t)phsz)
		return -ENOEXEC;
	e->has_interp = false;
	for (int i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr *p = &e->ph[i];

		if (p->p_type == PT_INTERP) {
			if (p->p_filesz < 2 || p->p_filesz > sizeof(e->interp))
				return -ENOEXEC;
			if (ops->pread(h, e->interp, p->p_filesz, p->p_offset) !=
			    (ssize_t)p->p_filesz)
				return -ENOEXEC;
			if (e->interp[p->p_filesz - 1] != 0)
				return -ENOEXEC;
			e->has_interp = true;
		}
	}
	return 0;
}

static int prot_of(uint32_t flags)
{
	return ((flags & PF_R) ? PROT_READ : 0) | ((flags & PF_W) ? PROT_WRITE : 0) |
	       ((flags & PF_X) ? PROT_EXEC : 0);
}

/* Map the PT_LOAD segments of e at a bias chosen here. */
static int map_elf(struct mm *mm, const struct exec_file_ops *ops, void *h,
		   struct elf_info *e, bool is_interp)
{
	uint64_t lo = ~0UL, hi = 0;
	struct memobj *obj;
	int err = 0;

	for (int i = 0; i < e->eh.e_phnum; i++) {
		Elf64_Phdr *p = &e->ph[i];

		if (p->p_type != PT_LOAD)
			continue;
		if (p->p_memsz < p->p_filesz || p->p_vaddr + p->p_memsz < p->p_vaddr ||
		    (p->p_vaddr & ~PAGE_MASK) != (p->p_offset & ~PAGE_MASK))
			return -ENOEXEC;
		if ((p->p_vaddr & PAGE_MASK) < lo)
			lo = p->p_vaddr & PAGE_MASK;
		if (PAGE_ALIGN(p->p_vaddr + p->p_memsz) > hi)
			hi = PAGE_ALIGN(p->p_vaddr + p->p_memsz);
	}
	if (lo >= hi || hi - lo > mm->max_addr)
		return -ENOEXEC;
	e->bias = 0;
	if (e->eh.e_type == ET_DYN) {
		long base;

		if (is_interp)
			base = mm_get_unmapped_area(mm, 0, hi - lo, false);
		else
			base = (long)ET_DYN_BASE;
		if (base < 0)
			return (int)base;
		e->bias = (uint64_t)base - lo;
	} else if (hi > mm->max_addr) {
		return -ENOEXEC;
	}
	obj = ops->memobj(h);
	if (!obj)
		return -ENOMEM;
	e->brk = 0;
	e->phdr_addr = 0;
	for (int i = 0; i < e->eh.e_phnum && !err; i++) {
		Elf64_Phdr *p = &e->ph[i];
		uint64_t start = (p->p_vaddr & PAGE_MASK) + e->bias;
		uint64_t fend = p->p_vaddr + p->p_filesz + e->bias;
		uint64_t mend = PAGE_ALIGN(p->p_vaddr + p->p_memsz + e->bias);
		int prot = prot_of(p->p_flags);
		long r;

		if (p->p_type == PT_PHDR)
			e->phdr_addr = p->p_vaddr + e->bias;
		if (p->p_type != PT_LOAD)
			continue;
		if (p->p_offset <= e->eh.e_phoff &&
		    e->eh.e_phoff + e->eh.e_phnum * sizeof(Elf64_Phdr) <= p->p_offset + p->p_filesz &&
		    !e->phdr_addr)
			e->phdr_addr = p->p_vaddr + (e->eh.e_phoff - p->p_offset) + e->bias;
		if (p->p_filesz) {
			r = mm_mmap(mm, NULL, start, PAGE_ALIGN(fend) - start, prot | PROT_WRITE,
				    MAP_PRIVATE | MAP_FIXED, obj, p->p_offset >> PAGE_SHIFT, NULL);
			if (r < 0) {
				err = (int)r;
				break;
			}
			/* Zero the bss part of the last file page. */
			if (p->p_memsz > p->p_filesz && (fend & ~PAGE_MASK))
				err = mm_zero_out(mm, NULL, fend, PAGE_SIZE - (fend & ~PAGE_MASK));
			if (!err && !(prot & PROT_WRITE))
				err = mm_mprotect(mm, NULL, start, PAGE_ALIGN(fend) - start, prot);
			start = PAGE_ALIGN(fend);
		}
		if (!err && mend > start) {
			r = mm_mmap(mm, NULL, start, mend - start, prot,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0, NULL);
			if (r < 0)
				err = (int)r;
		}
		if (mend > e->brk)
			e->brk = mend;
	}
	memobj_put(obj);
	e->entry = e->eh.e_entry + e->bias;
	return err;
}

static size_t strv_len(char *const v[])
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

static uint64_t hwcap(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	return d;
}

/* Lay out strings, AT_RANDOM bytes, auxv, envp, argv, argc. */
static int setup_stack(struct mm *mm, struct elf_info *main, struct elf_info *interp,
		       char *const argv[], char *const envp[], const char *execfn,
		       const struct exec_image *img, uint64_t *sp_out)
{
	size_t argc = strv_len(argv), envc = strv_len(envp), total = 0;
	uint64_t sp = mm->stack_top, *ptrs, random_addr, execfn_addr, platform_addr;
	uint64_t auxv[64];
	size_t na = 0, nptr, i;
	uint8_t rnd[16];
	int err;

	for (i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]) + 1;

		if (l > MAX_ARG_STRLEN)
			return -E2BIG;
		total += l;
	}
	for (i = 0; i < envc; i++) {
		size_t l = strlen(envp[i]) + 1;

		if (l > MAX_ARG_STRLEN)
			return -E2BIG;
		total += l;
	}
	if (total + (argc + envc) * 8 > MAX_ARGS_BYTES)
		return -E2BIG;
	if (mm_mmap(mm, NULL, mm->stack_top - (8UL << 20), 8UL << 20, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, NULL, 0,
		    "[stack]") < 0)
		return -ENOMEM;

	sp -= 8;
	execfn_addr = sp -= strlen(execfn) + 1;
	if ((err = mm_copy_out(mm, NULL, sp, execfn, strlen(execfn) + 1)))
		return err;
	ptrs = calloc(argc + envc + 2, sizeof(uint64_t));
	if (!ptrs)
		return -ENOMEM;
	mm->env_end = sp;
	for (i = envc; i-- > 0;) {
		sp -= strlen(envp[i]) + 1;
		ptrs[argc + 1 + i] = sp;
		if ((err = mm_copy_out(mm, NULL, sp, envp[i], strlen(envp[i]) + 1)))
			goto out;
	}
	mm->env_start = sp;
	mm->arg_end = sp;
	for (i = argc; i-- > 0;) {
		sp -= strlen(argv[i]) + 1;
		ptrs[i] = sp;
		if ((err = mm_copy_out(mm, NULL, sp, argv[i], strlen(argv[i]) + 1)))
			goto out;
	}
	mm->arg_start = sp;
	platform_addr = sp -= 7;
	if ((err = mm_copy_out(mm, NULL, sp, "x86_64", 7)))
		goto out;
	sp &= ~15UL;
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		memset(rnd, 0x5a, sizeof(rnd));
	random_addr = sp -= 16;
	if ((err = mm_copy_out(mm, NULL, sp, rnd, sizeof(rnd))))
		goto out;

#define AUX(k, v) (auxv[na++] = (k), auxv[na++] = (v))
	AUX(AT_SYSINFO_EHDR, mm->vdso_base);
	AUX(AT_MINSIGSTKSZ, 3632);
	AUX(AT_HWCAP, hwcap());
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_CLKTCK, 100);
	AUX(AT_PHDR, main->phdr_addr);
	AUX(AT_PHENT, sizeof(Elf64_Phdr));
	AUX(AT_PHNUM, main->eh.e_phnum);
	AUX(AT_BASE, interp ? interp->bias : 0);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, main->entry);
	AUX(AT_UID, img->cred->uid);
	AUX(AT_EUID, img->cred->euid);
	AUX(AT_GID, img->cred->gid);
	AUX(AT_EGID, img->cred->egid);
	AUX(AT_SECURE, img->secure);
	AUX(AT_RANDOM, random_addr);
	AUX(AT_HWCAP2, 0);
	AUX(AT_EXECFN, execfn_addr);
	AUX(AT_PLATFORM, platform_addr);
	AUX(AT_NULL, 0);
#undef AUX
	memcpy(mm->auxv, auxv, na * sizeof(uint64_t));
	mm->auxv_len = (int)na;

	nptr = 1 + argc + 1 + envc + 1;
	sp -= (na + nptr) * 8;
	sp &= ~15UL;
	{
		uint64_t at = sp, v = argc;

		if ((err = mm_copy_out(mm, NULL, at, &v, 8)))
			goto out;
		at += 8;
		for (i = 0; i < argc; i++, at += 8)
			if ((err = mm_copy_out(mm, NULL, at, &ptrs[i], 8)))
				goto out;
		v = 0;
		if ((err = mm_copy_out(mm, NULL, at, &v, 8)))
			goto out;
		at += 8;
		for (i = 0; i < envc; i++, at += 8)
			if ((err = mm_copy_out(mm, NULL, at, &ptrs[argc + 1 + i], 8)))
				goto out;
		if ((err = mm_copy_out(mm, NULL, at, &v, 8)))
			goto out;
		at += 8;
		if ((err = mm_copy_out(mm, NULL, at, auxv, na * 8)))
			goto out;
	}
	*sp_out = sp;
out:
	free(ptrs);
	return err;
}

/* Parse "#!interp [arg]" from buf; returns 1 if it is a script. */
static int parse_shebang(const char *buf, size_t n, char *interp, size_t isz, char *arg,
			 size_t asz)
{
	char line[BINPRM_BUF + 1];
	char *p, *e;

	if (n < 2 || buf[0] != '#' || buf[1] != '!')
		return 0;
	memcpy(line, buf + 2, n - 2);
	line[n - 2] = 0;
	e = strchr(line, '\n');
	if (!e) {
		if (n == BINPRM_BUF)
			return -ENOEXEC; /* interpreter line too long */
		e = line + strlen(line);
	}
	*e = 0;
	for (p = line; *p == ' ' || *p == '\t'; p++)
		;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = 0;
	if (!*p)
		return -ENOEXEC;
	e = p + strcspn(p, " \t");
	if ((size_t)(e - p) >= isz)
		return -ENAMETOOLONG;
	memcpy(interp, p, (size_t)(e - p));
	interp[e - p] = 0;
	arg[0] = 0;
	if (*e) {
		*e++ = 0;
		while (*e == ' ' || *e == '\t')
			e++;
		if (strlen(e) >= asz)
			return -ENAMETOOLONG;
		strcpy(arg, e);
	}
	return 1;
}

/* The credentials after exec, as Linux's bprm_fill_uid and
 * cap_bprm_creds_from_file compute them (fs/exec.c,
 * security/commoncap.c). A set-user-ID file gives its owner as the
 * effective and saved uid, a set-group-ID one with group execute its
 * group, unless the mount is nosuid or no_new_privs is set. Root (real
 * or effective uid 0, without SECBIT_NOROOT) gets the bounding and
 * inheritable sets as permitted, and them as effective when its
 * effective uid is 0; others keep only their ambient set. File
 * capabilities (security.capability) are not read: every file is one
 * without them. The exec is "secure" (AT_SECURE) when it changes ids or
 * raises a non-root caller's capabilities. Guest ptrace does not exist,
 * so no tracer can hold back a set-ID exec. */
static int exec_creds(struct task *t, const struct exec_file_ops *ops, void *h,
		      struct exec_image *img)
{
	enum { SECURE_NOROOT = 1 << 0, SECURE_KEEP_CAPS = 1 << 4 };
	const struct cred *old = t->cred;
	struct exec_file_id id;
	struct cred *c;
	bool effective = false, is_setid;

	c = cred_copy(old);
	if (!c)
		return -ENOMEM;
	if (ops->id && ops->id(h, &id) == 0 && (id.mode & (S_ISUID | S_ISGID)) && !id.nosuid &&
	    !t->no_new_privs) {
		if (id.mode & S_ISUID)
			c->euid = id.uid;
		if ((id.mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
			c->egid = id.gid;
	}
	c->cap_permitted = 0;
	if (!(old->securebits & SECURE_NOROOT)) {
		if (c->euid == 0 || c->uid == 0)
			c->cap_permitted = old->cap_bounding | old->cap_inheritable;
		effective = c->euid == 0;
	}
	/* Linux compares the new effective ids with the old real ones. */
	is_setid = c->euid != old->uid || c->egid != old->gid;
	if ((is_setid || (c->cap_permitted & ~old->cap_permitted)) && t->no_new_privs) {
		c->euid = c->uid;
		c->egid = c->gid;
		c->cap_permitted &= old->cap_permitted;
	}
	c->suid = c->fsuid = c->euid;
	c->sgid = c->fsgid = c->egid;
	if (is_setid)
		c->cap_ambient = 0;
	c->cap_permitted |= c->cap_ambient;
	c->cap_effective = effective ? c->cap_permitted : c->cap_ambient;
	c->securebits &= ~SECURE_KEEP_CAPS;
	c->keep_caps = false;
	cred_put(img->cred);
	img->cred = c;
	img->secure = is_setid || (c->uid != 0 && (effective || (c->cap_permitted & ~c->cap_ambient)));
	return 0;
}

/* RUNSC_EXEC_KEEP_AS=0: every exec makes a new address space. */
static bool exec_keep_as_on(void)
{
	static int on = -1;

	return env_switch_on("RUNSC_EXEC_KEEP_AS", &on);
}

static int load(struct task *t, const struct exec_file_ops *ops, const char *path,
		char *const argv[], char *const envp[], const char *execfn, int depth,
		struct exec_image *img)
{
	char buf[BINPRM_BUF], interp[BINPRM_BUF], iarg[BINPRM_BUF];
	struct elf_info *e = NULL, *ie = NULL;
	void *h = NULL, *ih = NULL;
	struct mm *mm = NULL;
	ssize_t n;
	uint64_t sp;
	int err;

	if ((err = ops->open(t, path, &h)))
		return err;
	n = ops->pread(h, buf, sizeof(buf), 0);
	if (n < 0) {
		err = (int)n;
		goto out;
	}
	err = parse_shebang(buf, (size_t)n, interp, sizeof(interp), iarg, sizeof(iarg));
	if (err < 0)
		goto out;
	if (err == 1) {
		size_t argc = strv_len(argv), k = 0;
		char **nargv;

		ops->close(h);
		h = NULL;
		if (depth >= MAX_SCRIPT_DEPTH)
			return -ELOOP;
		nargv = calloc(argc + 3, sizeof(char *));
		if (!nargv)
			return -ENOMEM;
		nargv[k++] = interp;
		if (iarg[0])
			nargv[k++] = iarg;
		nargv[k++] = (char *)path;
		for (size_t i = 1; i < argc; i++)
			nargv[k++] = argv[i];
		err = load(t, ops, interp, nargv, envp, execfn, depth + 1, img);
		free(nargv);
		return err;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = read_elf(ops, h, e)))
		goto out;
	mm = mm_new(the_platform->ops->max_addr(the_platform));
	if (!mm) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = map_elf(mm, ops, h, e, false)))
		goto out;
	mm->brk_start = mm->brk = e->brk;
	if (e->has_interp) {
		ie = calloc(1, sizeof(*ie));
		if (!ie) {
			err = -ENOMEM;
			goto out;
		}
		if ((err = ops->open(t, e->interp, &ih)))
			goto out;
		if ((err = read_elf(ops, ih, ie)) || ie->has_interp) {
			err = err ? err : -ELIBBAD;
			goto out;
		}
		if ((err = map_elf(mm, ops, ih, ie, true)))
			goto out;
	}
	{
		/* The vvar page (sentry/time.c) sits just below the vDSO,
		 * which finds it from its own ELF header. */
		struct memobj *vobj = vdso_memobj(), *vvar = time_vvar_memobj();
		long va = vobj && vvar ? mm_get_unmapped_area(mm, 0, PAGE_SIZE + PAGE_ALIGN(vobj->size),
							       false)
				       : -ENOMEM;

		if (va >= 0)
			va = mm_mmap(mm, NULL, (uint64_t)va, PAGE_SIZE, PROT_READ,
				     MAP_PRIVATE | MAP_FIXED, vvar, 0, "[vvar]");
		if (va >= 0)
			va = mm_mmap(mm, NULL, (uint64_t)va + PAGE_SIZE, vobj->size,
				     PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, vobj, 0, "[vdso]");
		if (va < 0) {
			err = (int)va;
			goto out;
		}
		mm->vdso_base = (uint64_t)va;
	}
	if ((err = exec_creds(t, ops, h, img)) < 0)
		goto out;
	if ((err = setup_stack(mm, e, ie, argv, envp, execfn, img, &sp)))
		goto out;
	/* A single-threaded process keeps its address space (see
	 * task_exec_commit); the check is made again there. */
	img->keep_as = t->mm && t->ctx && t->mm->refs == 1 && the_platform->ops->as_exec_keep &&
		       exec_keep_as_on() && the_platform->ops->as_exec_keep(t->ctx);
	if (!img->keep_as) {
		mm->as = the_platform->ops->as_new(the_platform, t->ctx);
		if (!mm->as) {
			err = -EAGAIN;
			goto out;
		}
	}
	memset(&img->regs, 0, sizeof(img->regs));
	img->regs.r.rip = ie ? ie->entry : e->entry;
	img->regs.r.rsp = sp;
	img->regs.r.cs = 0x33;
	img->regs.r.ss = 0x2b;
	img->regs.r.eflags = 0x202;
	{
		const char *base = strrchr(path, '/');

		base = base ? base + 1 : path;
		memset(img->comm, 0, sizeof(img->comm));
		strncpy(img->comm, base, sizeof(img->comm) - 1);
	}
	mm->exe_path = strdup(ops->path && ops->path(h) ? ops->path(h) : path);
	img->mm = mm;
	mm = NULL;
	err = 0;
out:
	if (mm)
		mm_put(mm);
	if (h)
		ops->close(h);
	if (ih)
		ops->close(ih);
	free(e);
	free(ie);
	return err;
}

int loader_load(struct task *t, const struct exec_file_ops *ops, const char *path,
		char *const argv[], char *const envp[], struct exec_image *img)
{
	int err;

	memset(img, 0, sizeof(*img));
	err = load(t, ops, path, argv, envp, path, 0, img);
	if (err < 0) {
		cred_put(img->cred);
		img->cred = NULL;
	}
	return err;
}

/* begin_new_exec and commit_creds: the new credentials; the process
 * stays dumpable only when its effective ids are its real ones
 * (fs.suid_dumpable is 0); a privilege change clears the parent-death
 * signal and a secure exec caps the stack limit at 8 MiB. */
static void exec_commit_creds(struct task *t, struct exec_image *img)
{
	struct cred *old = t->cred, *c = img->cred;

	if (!c)
		return;
	t->dumpable = c->euid == c->uid && c->egid == c->gid;
	if (c->euid != old->euid || c->egid != old->egid || c->fsuid != old->fsuid ||
	    c->fsgid != old->fsgid || (c->cap_permitted & ~old->cap_permitted) || img->secure)
		t->parent_death_signal = 0;
	if (img->secure && t->tg->rlim[RLIMIT_STACK].rlim_cur > (8u << 20))
		t->tg->rlim[RLIMIT_STACK].rlim_cur = 8u << 20;
	t->cred = c;
	img->cred = NULL;
	cred_put(old);
}

/* The sentry's own view of the memory file keeps a page-table entry for
 * every page it ever filled or zeroed through pfn_ptr(): after an exec
 * that is the new image's pages (file pages read in on the guest's first
 * faults, stack, zeroed anonymous pages), 1.4 MiB of the sentry's RSS
 * under an idle busybox `sleep`, duplicating the stub's own mapping of
 * the same pages. The data lives in the memfd, not in the mapping, so
 * MADV_DONTNEED on the shared view only drops those entries; the next
 * access through pfn_ptr() faults the page back in from the file (the
 * view is never locked and nothing pins its pages; KVM follows such
 * changes through its MMU notifier). The trim runs 250 ms after the
 * last exec, when the new program has usually faulted in what it runs at
 * start, and once more 4 s later for slower starters (a fork-exec loop
 * keeps pushing it back and so never pays for refaults); only while
 * little guest memory is allocated, which bounds the zap. */
#define VIEW_TRIM_MAX_PAGES (64UL << (20 - PAGE_SHIFT))
#define VIEW_TRIM_FIRST_NS 250000000UL
#define VIEW_TRIM_AGAIN_NS 4000000000UL

static struct ktimer view_trim_timer;
static bool view_trim_ready, view_trim_again;

static void memfile_view_trim(struct ktimer *k)
{
	static uint64_t view_bytes;

	if (view_trim_again) {
		view_trim_again = false;
		ktimer_arm(k, time_host_mono() + VIEW_TRIM_AGAIN_NS);
	}
	if (memfile_pages_in_use() > VIEW_TRIM_MAX_PAGES)
		return;
	if (!view_bytes) {
		struct stat st;

		if (fstat(memfile_fd, &st) < 0 || st.st_size <= 0)
			return;
		view_bytes = (uint64_t)st.st_size;
	}
	madvise(memfile_base, view_bytes, MADV_DONTNEED);
}

static void memfile_view_trim_later(void)
{
	if (!view_trim_ready) {
		ktimer_init(&view_trim_timer, memfile_view_trim);
		view_trim_ready = true;
	}
	view_trim_again = true;
	ktimer_arm(&view_trim_timer, time_host_mono() + VIEW_TRIM_FIRST_NS);
}

/* The FP state of a new image, as fpu__clear_user_states() leaves it:
 * x87 control word 0x37f, MXCSR 0x1f80, every register zero, the
 * extended components (AVX and up) in their initial state. */
static int exec_reset_fp(struct context *ctx)
{
	const struct platform_ops *pops = the_platform->ops;
	struct arch_fpstate fp;
	uint32_t mxcsr = 0x1f80;
	uint64_t bv = 3; /* x87 and SSE from the image below, the rest init */
	int err;

	if ((err = pops->get_fpstate(ctx, &fp)) < 0)
		return err;
	memset(fp.fx, 0, 24);
	memset(fp.fx + 32, 0, 416 - 32);
	fp.fx[0] = 0x7f; /* FCW 0x037f */
	fp.fx[1] = 0x03;
	memcpy(fp.fx + 24, &mxcsr, sizeof(mxcsr));
	if (fp.size > 576) {
		memcpy(fp.xsave + 512, &bv, sizeof(bv));
		memset(fp.xsave + 520, 0, 56);
		memset(fp.xsave + 576, 0, fp.size - 576);
	}
	return pops->set_fpstate(ctx, &fp);
}

void task_exec_commit(struct task *t, struct exec_image *img)
{
	const struct platform_ops *pops = the_platform->ops;

	if (t->clear_child_tid && t->ctx) {
		int zero = 0;

		if (copy_to_guest(t, t->clear_child_tid, &zero, sizeof(zero)) == 0)
			futex_wake_addr(t, t->clear_child_tid, 1, false);
	}
	t->clear_child_tid = 0;
	/* Locks held in the old image die with it, as at exit. */
	if (t->ctx)
		futex_exit_robust_list(t);
	t->robust_list = 0;
	time_tg_exec(t->tg);
	if (img->keep_as && !(t->mm->refs == 1 && pops->as_exec_keep(t->ctx))) {
		/* Somebody took a reference since the load (rare): a new
		 * space after all. */
		img->keep_as = false;
		img->mm->as = pops->as_new(the_platform, t->ctx);
		if (!img->mm->as)
			sentry_panic("exec: no address space for the new image");
	}
	if (img->keep_as) {
		/* The new image moves into the old image's address space, with
		 * the same thread: one request unmaps the old image and maps
		 * the new one; nothing is made or killed. The old mm's pages
		 * are freed only once they are unmapped. */
		struct mm *old = t->mm;

		img->mm->as = old->as;
		old->as = NULL;
		t->mm = img->mm;
		if (mm_populate(t->mm, t->ctx, true, true) < 0 &&
		    pops->as_unmap(t->ctx, 0, t->mm->max_addr) < 0) {
			/* The old image may still be mapped: it must never
			 * run as the new one. */
			swarn("exec: cannot reset the address space of task %d", t->tid);
			sig_force(t, SIGKILL, SI_KERNEL, 0);
		}
		mm_put(old);
	} else {
		/* The old address space goes first: when this was its last
		 * user, the stub is killed at once and the context need not
		 * exit by itself. */
		if (t->mm)
			mm_put(t->mm);
		if (t->ctx)
			pops->context_release(t->ctx);
		t->mm = img->mm;
		t->ctx = pops->context_new(the_platform, t->mm->as);
		if (!t->ctx)
			sentry_panic("exec: no context in the new address space");
		mm_populate(t->mm, t->ctx, true, false);
	}
	/* A new context may be a clone of the old one's thread (ptrace),
	 * and a kept one is the old thread: either way the FP state is the
	 * old image's until reset. */
	if (exec_reset_fp(t->ctx) < 0) {
		swarn("exec: cannot reset the FP state of task %d", t->tid);
		sig_force(t, SIGKILL, SI_KERNEL, 0);
	}
	memfile_view_trim_later();
	t->regs = img->regs;
	memcpy(t->comm, img->comm, sizeof(t->comm));
	exec_commit_creds(t, img);
	task_hooks.files_close_on_exec(t->files);
	if (t->sighand->refs > 1) {
		struct sighand *sh = sighand_copy(t->sighand);

		if (sh) {
			sighand_put(t->sighand);
			t->sighand = sh;
		}
	}
	sighand_exec_reset(t->sighand);
	/* As setup_new_exec(): the stack goes, its flags stay. */
	t->altstack.ss_sp = NULL;
	t->altstack.ss_size = 0;
	free(t->tg->exec_name);
	t->tg->exec_name = strdup(img->comm);
	task_vfork_release(t);
	img->mm = NULL;
}
