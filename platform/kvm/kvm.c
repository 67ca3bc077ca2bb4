/* The kvm platform: guest code runs in ring 3 of a KVM virtual machine
 * whose guest-physical memory is the memory file. A few ring-0
 * instructions of our own (syscall, exception and int $0x80 entries) exit
 * straight to this host thread with an `out`; the sentry handles the trap
 * and resumes the vCPU in ring 3 through the kvm_run sync-regs area.
 *
 * Probe results on the development host (/dev/kvm from kvm_pvm, no VMX or
 * SVM in the CPU, kernel 6.18): API version 12; KVM_CAP_SYNC_REGS (regs and
 * sregs), KVM_CAP_XSAVE, KVM_CAP_XCRS, KVM_CAP_XSAVE2 (4096: AVX-512 fits
 * in the classic 4 KiB area), KVM_CAP_VCPU_ATTRIBUTES (TSC offset) and
 * KVM_CAP_MAX_VCPUS all exist; paging is shadow paging (the PVM design).
 * Guest ring-3 code runs at native speed, ring-0 instructions are emulated
 * (~650 ns each) and every exit to this thread costs ~30 us.
 *
 * Guest-physical layout: slot 0 is the memory file at 0; slot 1, at the
 * next 1 GiB boundary above it, is a private memfd of this platform for
 * page tables, descriptor tables, per-vCPU stacks and the ring-0 code.
 * Guest-virtual layout: user memory below KVM_MAX_ADDR (0x7fff00000000);
 * above it, supervisor-only: an alias of the private region (so ring 0 can
 * write page tables) and, in the last GiB, code, IDT and per-vCPU blocks.
 *
 * Page tables and shadow paging. KVM shadows guest page tables and tracks
 * changes to them only when the guest writes them, never when this process
 * writes the memory file behind KVM's back. A change that only adds
 * permissions (non-present to present, or more rights on the same page) is
 * safe as a host write: the shadow entry is absent or narrower, the access
 * faults into KVM, which walks the guest tables again. Any other change
 * (unmap, write-protect, a different page) is queued and performed by the
 * calling task's own vCPU in ring 0 (`rep movsq` through the alias, then a
 * CR3 reload), so KVM's write tracking updates every shadow copy and
 * flushes every vCPU's TLB before the as_* call returns. Page-table pages
 * are never reused for a new table (a stale shadow page for a reused frame
 * would be trusted by KVM): freed ones are punched out of the private
 * memfd and their guest-physical frames retired. */
#define _GNU_SOURCE
#include "platform/platform.h"
#include "sentry/log.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KPAGE 4096UL

/* Guest-virtual layout (all in PML4 slot 255, the last of the lower half). */
#define KVM_MAX_ADDR   0x7fff00000000UL       /* user memory ends here */
#define PHYSMAP_VA     0x7fff00000000UL       /* PDPT[508..510]: 1 GiB pages */
#define PHYSMAP_SLOTS  3
#define KERN_VA        0x7fffc0000000UL       /* PDPT[511]: the shared kernel PD */
#define KCODE_VA       KERN_VA
#define KIDT_VA        (KERN_VA + KPAGE)
#define KCPU_BASE_VA   (KERN_VA + 0x200000UL)
#define CPU_BLOCK_PAGES 8
#define CPU_BLOCK      (CPU_BLOCK_PAGES * KPAGE)
/* Per-vCPU block: page 0 GDT (0x00) + TSS (0x80); page 1 ring-0 stack;
 * page 2 queue descriptors; pages 3..7 queued page-table values. */
#define CPU_GDT_OFF    0
#define CPU_TSS_OFF    0x80
#define CPU_STACK_TOP  (2 * KPAGE)
#define CPU_DESC_OFF   (2 * KPAGE)
#define CPU_VAL_OFF    (3 * KPAGE)
#define QDESC_MAX      ((int)(KPAGE / 24))
#define QVAL_MAX       ((int)(5 * KPAGE / 8))

#define PRIV_SIZE      (PHYSMAP_SLOTS * 0x40000000UL)

/* Ring-0 code offsets (see the assembly below). */
#define R0_VEC(v)      ((v) * 8)
#define R0_INT80       0x100
#define R0_SYSCALL     0x110
#define R0_IRET        0x118
#define R0_APPLY       0x120
#define R0_FLUSH       0x1c0
#define PORT_INT80     0x80
#define PORT_APPLY     0xfd
#define PORT_SYSCALL   0xfe

/* Segment selectors: the Linux x86-64 layout (STAR-compatible). */
#define SEL_KCODE      0x10
#define SEL_KDATA      0x18
#define SEL_UCODE32    0x23
#define SEL_UDATA      0x2b
#define SEL_UCODE      0x33
#define SEL_TSS        0x40

#define PTE_P   (1UL << 0)
#define PTE_W   (1UL << 1)
#define PTE_U   (1UL << 2)
#define PTE_A   (1UL << 5)
#define PTE_D   (1UL << 6)
#define PTE_PS  (1UL << 7)
#define PTE_NX  (1UL << 63)
#define PTE_ADDR 0x000ffffffffff000UL

#define MSR_STAR   0xc0000081
#define MSR_LSTAR  0xc0000082
#define MSR_CSTAR  0xc0000083
#define MSR_SFMASK 0xc0000084

#define KICK_SIGNAL (SIGRTMIN + 6)

/* The ring-0 code: one page, copied into the private region at init and
 * mapped supervisor-only at KCODE_VA. Every entry is a single `out` so the
 * emulated path stays one instruction; the port says why we exited. */
__asm__(".pushsection .rodata.kvm_ring0,\"a\"\n"
	".balign 4096\n"
	".globl kvm_ring0_start\n"
	"kvm_ring0_start:\n"
	".irp v,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	".org kvm_ring0_start + \\v * 8, 0xf4\n"
	"outb %al, $\\v\n"
	".endr\n"
	".org kvm_ring0_start + 0x100, 0xf4\n"
	"outb %al, $0x80\n"
	".org kvm_ring0_start + 0x110, 0xf4\n"
	"outb %al, $0xfe\n"
	".org kvm_ring0_start + 0x118, 0xf4\n"
	"iretq\n"
	/* Apply queued page-table writes: rbx = descriptors {dst, src, n},
	 * rdx = how many. KVM sees each store (write tracking). */
	".org kvm_ring0_start + 0x120, 0xf4\n"
	"1: movq (%rbx), %rdi\n"
	"movq 8(%rbx), %rsi\n"
	"movq 16(%rbx), %rcx\n"
	"rep movsq\n"
	"addq $24, %rbx\n"
	"decq %rdx\n"
	"jnz 1b\n"
	/* Syncs shadow pages KVM let go out of sync, flushes the TLB. */
	"movq %cr3, %rax\n"
	"movq %rax, %cr3\n"
	"outb %al, $0xfd\n"
	"hlt\n"
	/* Flush this vCPU's TLB (a CR3 reload) and exit. */
	".org kvm_ring0_start + 0x1c0, 0xf4\n"
	"movq %cr3, %rax\n"
	"movq %rax, %cr3\n"
	"outb %al, $0xfd\n"
	"hlt\n"
	".globl kvm_ring0_end\n"
	"kvm_ring0_end:\n"
	".popsection\n");
extern const uint8_t kvm_ring0_start[], kvm_ring0_end[];

struct vcpu {
	int fd;
	int id;
	struct kvm_run *run;
	uint64_t block_va;     /* guest-virtual address of its block */
	uint8_t *block;        /* host address of the same */
	struct kvm_sregs base; /* long-mode template */
	bool broken;           /* shut down or failed: never reused */
	bool ran;              /* kvm_run's sregs reflect the vCPU */
	/* Its TLB holds nothing older than this (root, generation). */
	uint64_t flushed_root, flushed_gen;
	struct vcpu *next_free;
};

struct address_space {
	uint64_t root;     /* guest-physical PML4 */
	bool ran;          /* a vCPU has run on it: KVM may shadow it */
	/* TLB generation: bumped after every change that removes or
	 * narrows a translation; a vCPU that flushed at an older one must
	 * flush before it runs user code again. */
	uint64_t tlb_gen;
	pthread_mutex_t lock; /* ctxs */
	struct context *ctxs; /* contexts running in it */
	uint64_t *tables;  /* guest-physical pages of its tables */
	int ntables, cap;
};

struct context {
	struct address_space *as;
	struct vcpu *v;
	pid_t tid;
	bool dead;
	/* queued page-table writes, applied by the vCPU in ring 0 */
	int ndesc, nval;
	struct context *as_next;
	struct context *all_next; /* every context, for recycle_tables() */
	/* Shootdowns: in_guest is 1 from before the TLB generation is read
	 * for an entry until KVM_RUN has returned; exits counts returns. */
	int in_guest;
	uint64_t exits;
	int want_interrupt; /* kvm_interrupt() asked for TRAP_INTERRUPT */
	uint64_t shootdowns;
	uint64_t runs, run_ns, switches, switch_ns, applies;
};

static int kvm_fd = -1, vm_fd = -1;
static size_t run_size;
static uint64_t memfile_size;
static uint8_t *memfile_host;
static int priv_fd = -1;
static uint8_t *priv_host;
static uint64_t priv_gpa;
static uint64_t priv_next;        /* bump allocator, in pages */
static uint64_t kpd_gpa;          /* the shared kernel page directory */
static uint64_t kpt_gpa[512];     /* its page tables, by PD index */
/* The alias of the private region: 2 MiB pages (this host's KVM offers no
 * 1 GiB guest pages), in page directories shared by every address space. */
static uint64_t physmap_pd[PHYSMAP_SLOTS];
static int max_vcpus;
static int nvcpus;
static struct vcpu *free_vcpus;
static pthread_mutex_t kvm_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kvm_cpuid2 *cpuid;
static uint64_t guest_xcr0;
static uint32_t xsave_size;       /* bytes of the standard-format area */
static int xsave2_size;           /* KVM_CAP_XSAVE2, 0 if absent */
static uint8_t *clean_xsave;      /* a fresh vCPU's FPU state */
static bool tsc_offset_warned;
/* RUNSC_KVM_PROFILE=1: time spent inside KVM_RUN, logged per context. */
static bool profile;
static bool use_iret; /* RUNSC_KVM_IRET=1: leave ring 0 with iretq, not sregs */
/* Flush and shoot down guest TLBs ourselves (see tlb_shootdown()). */
static bool shootdown;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000UL + (uint64_t)ts.tv_nsec;
}

static inline uint64_t *priv_ptr(uint64_t gpa)
{
	return (uint64_t *)(priv_host + (gpa - priv_gpa));
}

static inline uint64_t alias_va(uint64_t gpa)
{
	return PHYSMAP_VA + (gpa - priv_gpa);
}

/* Private pages handed out so far, and the limit (RUNSC_KVM_PRIV_PAGES
 * lowers it, to exercise recycling). */
static uint64_t priv_limit = PRIV_SIZE / KPAGE;
/* Page-table pages of released address spaces: retired ones may still
 * have shadow pages in KVM (a reused frame would be trusted as it was);
 * clean ones have none since recycle_tables() and read as zero. */
static uint64_t *retired, *clean;
static size_t nretired, nclean, retired_cap, clean_cap;
static uint64_t recycles;
/* Held for reading around every KVM_RUN, for writing while the private
 * memslot is replaced (writer-preferring). */
static pthread_rwlock_t run_gate;
static struct context *all_ctxs; /* under kvm_lock */

/* A zeroed private page with no shadow page in KVM. */
static uint64_t priv_alloc(void)
{
	uint64_t gpa = 0;

	pthread_mutex_lock(&kvm_lock);
	if (nclean)
		gpa = clean[--nclean];
	else if (priv_next + 1 <= priv_limit)
		gpa = priv_gpa + priv_next++ * KPAGE;
	pthread_mutex_unlock(&kvm_lock);
	return gpa;
}

/* A page-table page nobody uses any more: emptied now, reusable after
 * the next recycle_tables(). */
static void priv_free(uint64_t gpa)
{
	fallocate(priv_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		  (off_t)(gpa - priv_gpa), KPAGE);
	pthread_mutex_lock(&kvm_lock);
	if (nretired == retired_cap) {
		size_t cap = retired_cap ? retired_cap * 2 : 1024;
		uint64_t *r = realloc(retired, cap * sizeof(*r));

		if (r) {
			retired = r;
			retired_cap = cap;
		}
	}
	if (nretired < retired_cap)
		retired[nretired++] = gpa; /* else the frame is lost, never reused */
	pthread_mutex_unlock(&kvm_lock);
}

static int vcpu_run(struct vcpu *v)
{
	int r, e;

	pthread_rwlock_rdlock(&run_gate);
	r = ioctl(v->fd, KVM_RUN, 0);
	e = errno;
	pthread_rwlock_unlock(&run_gate);
	errno = e;
	return r;
}

/* The private region is used up: make the retired page-table frames
 * reusable. KVM keeps shadow pages for guest page tables it has seen and
 * only notices guest writes to them, so a frame could only be reused
 * once KVM forgot it: deleting and re-adding the memslot drops every
 * shadow page of the slot (live address spaces' ones are rebuilt on
 * their next accesses). No vCPU may run meanwhile: every context is
 * kicked until the gate is ours. Called with the sentry's lock held, by
 * a thread not in KVM_RUN. */
static int recycle_tables(void)
{
	struct kvm_userspace_memory_region mr;
	struct timespec ts;
	int err = 0;

	for (;;) {
		pthread_mutex_lock(&kvm_lock);
		for (struct context *c = all_ctxs; c; c = c->all_next)
			syscall(SYS_tgkill, getpid(), c->tid, KICK_SIGNAL);
		pthread_mutex_unlock(&kvm_lock);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 2000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		if (pthread_rwlock_timedwrlock(&run_gate, &ts) == 0)
			break;
	}
	memset(&mr, 0, sizeof(mr));
	mr.slot = 1;
	mr.guest_phys_addr = priv_gpa;
	mr.userspace_addr = (uint64_t)priv_host;
	mr.memory_size = 0;
	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &mr) < 0)
		err = -errno;
	mr.memory_size = PRIV_SIZE;
	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &mr) < 0) {
		/* Without its page tables no vCPU can run again. */
		sentry_panic("kvm: re-adding the private memslot: %s", strerror(errno));
	}
	pthread_mutex_lock(&kvm_lock);
	if (!err) {
		if (clean_cap < nclean + nretired) {
			uint64_t *c = realloc(clean, (nclean + nretired) * sizeof(*c));

			if (c) {
				clean = c;
				clean_cap = nclean + nretired;
			}
		}
		if (clean_cap >= nclean + nretired) {
			memcpy(clean + nclean, retired, nretired * sizeof(*retired));
			nclean += nretired;
			nretired = 0;
		}
		recycles++;
	}
	pthread_mutex_unlock(&kvm_lock);
	pthread_rwlock_unlock(&run_gate);
	sinfo("kvm: page-table frames recycled (%lu clean)", (unsigned long)nclean);
	return err;
}

/* Map one supervisor page of the private region at a kernel address. */
static int kmap(uint64_t va, uint64_t gpa, uint64_t flags)
{
	unsigned pdi = (unsigned)((va - KERN_VA) >> 21) & 511;
	uint64_t *pd = priv_ptr(kpd_gpa);

	if (!kpt_gpa[pdi]) {
		kpt_gpa[pdi] = priv_alloc();
		if (!kpt_gpa[pdi])
			return -ENOMEM;
		pd[pdi] = kpt_gpa[pdi] | PTE_P | PTE_W | PTE_A;
	}
	priv_ptr(kpt_gpa[pdi])[(va >> 12) & 511] = gpa | flags | PTE_P | PTE_A;
	return 0;
}

static long kvm_check(int fd, long cap)
{
	long r = ioctl(fd, KVM_CHECK_EXTENSION, cap);

	return r < 0 ? 0 : r;
}

static void set_gate(uint64_t *idt, int vec, uint64_t handler, int dpl)
{
	idt[vec * 2] = (handler & 0xffff) | ((uint64_t)SEL_KCODE << 16) |
		       ((uint64_t)(0x8e | (dpl << 5)) << 40) |
		       ((handler >> 16) & 0xffff) << 48;
	idt[vec * 2 + 1] = handler >> 32;
}

/* Does KVM shadow the guest page tables here? Then it write-tracks
 * them and flushes every vCPU itself when we change them from ring 0.
 * kvm_pvm always shadows; kvm_intel/kvm_amd do when EPT/NPT is off. */
static bool shadow_paging(void)
{
	static const char *const params[] = { "/sys/module/kvm_intel/parameters/ept",
					      "/sys/module/kvm_amd/parameters/npt" };

	if (access("/sys/module/kvm_pvm", F_OK) == 0)
		return true;
	for (unsigned i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		char b[4] = "";
		int fd = open(params[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			continue;
		if (read(fd, b, sizeof(b) - 1) < 0)
			b[0] = 0;
		close(fd);
		return b[0] == 'N' || b[0] == '0';
	}
	return false;
}

static int kvm_init(struct platform *p, int memfd)
{
	struct kvm_userspace_memory_region mr;
	struct stat st;
	uint64_t code_gpa, idt_gpa, *idt;
	int nent = 256;

	p->memfd = memfd;
	{
		pthread_rwlockattr_t ra;
		const char *e = getenv("RUNSC_KVM_PRIV_PAGES");

		pthread_rwlockattr_init(&ra);
		pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
		pthread_rwlock_init(&run_gate, &ra);
		pthread_rwlockattr_destroy(&ra);
		if (e && strtoul(e, NULL, 0) >= 64 && strtoul(e, NULL, 0) < priv_limit)
			priv_limit = strtoul(e, NULL, 0);
	}
	profile = getenv("RUNSC_KVM_PROFILE") != NULL;
	use_iret = getenv("RUNSC_KVM_IRET") != NULL;
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		return -errno;
	if (ioctl(kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return -ENOTSUP;
	if (!kvm_check(kvm_fd, KVM_CAP_SYNC_REGS) || !kvm_check(kvm_fd, KVM_CAP_XSAVE) ||
	    !kvm_check(kvm_fd, KVM_CAP_XCRS)) {
		swarn("kvm: needs KVM_CAP_SYNC_REGS, KVM_CAP_XSAVE and KVM_CAP_XCRS");
		return -ENOTSUP;
	}
	run_size = (size_t)ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm_fd < 0)
		return -errno;
	fcntl(vm_fd, F_SETFD, FD_CLOEXEC);
	max_vcpus = (int)kvm_check(vm_fd, KVM_CAP_MAX_VCPUS);
	if (max_vcpus <= 0)
		max_vcpus = (int)kvm_check(kvm_fd, KVM_CAP_NR_VCPUS);
	if (max_vcpus <= 0)
		max_vcpus = 1;
	xsave2_size = (int)kvm_check(vm_fd, KVM_CAP_XSAVE2);

	/* Slot 0: the memory file, guest-physical = file offset. */
	if (fstat(memfd, &st) < 0)
		return -errno;
	memfile_size = (uint64_t)st.st_size & ~(KPAGE - 1);
	memfile_host = mmap(NULL, memfile_size, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_NORESERVE, memfd, 0);
	if (memfile_host == MAP_FAILED)
		return -errno;
	memset(&mr, 0, sizeof(mr));
	mr.slot = 0;
	mr.guest_phys_addr = 0;
	mr.memory_size = memfile_size;
	mr.userspace_addr = (uint64_t)memfile_host;
	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &mr) < 0)
		return -errno;

	/* Slot 1: the private region, 1 GiB aligned for the alias. */
	priv_fd = memfd_create("runsc-kvm", MFD_CLOEXEC);
	if (priv_fd < 0 || ftruncate(priv_fd, (off_t)PRIV_SIZE) < 0)
		return -errno;
	priv_host = mmap(NULL, PRIV_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
			 priv_fd, 0);
	if (priv_host == MAP_FAILED)
		return -errno;
	priv_gpa = (memfile_size + 0x3fffffffUL) & ~0x3fffffffUL;
	mr.slot = 1;
	mr.guest_phys_addr = priv_gpa;
	mr.memory_size = PRIV_SIZE;
	mr.userspace_addr = (uint64_t)priv_host;
	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &mr) < 0)
		return -errno;

	/* Shared kernel tables: the alias, the kernel PD, code, IDT. */
	for (int i = 0; i < PHYSMAP_SLOTS; i++) {
		uint64_t *pd;

		physmap_pd[i] = priv_alloc();
		pd = priv_ptr(physmap_pd[i]);
		for (uint64_t j = 0; j < 512; j++)
			pd[j] = (priv_gpa + (uint64_t)i * 0x40000000UL + j * 0x200000UL) | PTE_P |
				PTE_W | PTE_A | PTE_D | PTE_PS | PTE_NX;
	}
	kpd_gpa = priv_alloc();
	code_gpa = priv_alloc();
	idt_gpa = priv_alloc();
	memcpy(priv_ptr(code_gpa), kvm_ring0_start, (size_t)(kvm_ring0_end - kvm_ring0_start));
	idt = priv_ptr(idt_gpa);
	for (int v = 0; v < 32; v++)
		set_gate(idt, v, KCODE_VA + R0_VEC(v), (v == 3 || v == 4) ? 3 : 0);
	set_gate(idt, 0x80, KCODE_VA + R0_INT80, 3);
	if (kmap(KCODE_VA, code_gpa, 0) < 0 || kmap(KIDT_VA, idt_gpa, PTE_NX) < 0)
		return -ENOMEM;

	/* CPUID: what KVM supports here, which is the host's less what it
	 * cannot virtualise. */
	cpuid = calloc(1, sizeof(*cpuid) + (size_t)nent * sizeof(struct kvm_cpuid_entry2));
	if (!cpuid)
		return -ENOMEM;
	cpuid->nent = (uint32_t)nent;
	if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) < 0)
		return -errno;
	{
		uint32_t lo, hi, a, b, c, d;
		uint64_t supported = 0;

		for (uint32_t i = 0; i < cpuid->nent; i++) {
			struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

			if (e->function == 0xd && e->index == 0)
				supported = e->eax | ((uint64_t)e->edx << 32);
		}
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		guest_xcr0 = (((uint64_t)hi << 32) | lo) & (supported | 3);
		__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0xd), "c"(0));
		xsave_size = b; /* for the host's XCR0, which the guest gets */
		if (xsave_size < 576 || xsave_size > ARCH_XSAVE_MAX)
			xsave_size = 576;
	}
	{
		const char *e = getenv("RUNSC_KVM_SHOOTDOWN");

		shootdown = e ? atoi(e) != 0 : !shadow_paging();
	}
	sinfo("kvm: %d vCPUs max, memory file %lu MiB, private region at %#lx, xsave %u, "
	      "TLB shootdowns %s", max_vcpus, (unsigned long)(memfile_size >> 20),
	      (unsigned long)priv_gpa, xsave_size, shootdown ? "by us" : "by KVM (shadow paging)");
	return 0;
}

static void kick_handler(int sig)
{
	(void)sig;
}

static void install_kick_handler(void)
{
	static bool done;
	struct sigaction sa;

	if (done)
		return;
	done = true;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(KICK_SIGNAL, &sa, NULL);
}

/* ---- address spaces ---- */

static uint64_t as_table_alloc(struct address_space *as)
{
	uint64_t gpa;

	if (as->ntables == as->cap) {
		int cap = as->cap ? as->cap * 2 : 16;
		uint64_t *t = realloc(as->tables, (size_t)cap * sizeof(*t));

		if (!t)
			return 0;
		as->tables = t;
		as->cap = cap;
	}
	gpa = priv_alloc();
	if (!gpa && nretired && recycle_tables() == 0)
		gpa = priv_alloc();
	if (gpa)
		as->tables[as->ntables++] = gpa;
	return gpa;
}

static struct address_space *kvm_as_new(struct platform *p, struct context *creator)
{
	struct address_space *as = calloc(1, sizeof(*as));
	uint64_t pdpt, *e;

	(void)p;
	(void)creator;
	if (!as)
		return NULL;
	pthread_mutex_init(&as->lock, NULL);
	as->root = as_table_alloc(as);
	pdpt = as->root ? as_table_alloc(as) : 0;
	if (!pdpt) {
		free(as->tables);
		free(as);
		errno = ENOMEM;
		return NULL;
	}
	/* Fresh pages: these writes add entries only. */
	priv_ptr(as->root)[255] = pdpt | PTE_P | PTE_W | PTE_U | PTE_A;
	e = priv_ptr(pdpt);
	for (int i = 0; i < PHYSMAP_SLOTS; i++)
		e[508 + i] = physmap_pd[i] | PTE_P | PTE_W | PTE_A;
	e[511] = kpd_gpa | PTE_P | PTE_W | PTE_A;
	return as;
}

static void kvm_as_release(struct address_space *as)
{
	/* Contexts may outlive their address space (the sentry releases a
	 * dying task's memory first): they forget it. */
	pthread_mutex_lock(&as->lock);
	for (struct context *c = as->ctxs; c; c = c->as_next)
		c->as = NULL;
	as->ctxs = NULL;
	pthread_mutex_unlock(&as->lock);
	for (int i = 0; i < as->ntables; i++)
		priv_free(as->tables[i]);
	free(as->tables);
	pthread_mutex_destroy(&as->lock);
	free(as);
}

/* The slot of va's PTE; with alloc, missing tables are created. */
static uint64_t *pte_slot(struct address_space *as, uint64_t va, bool alloc)
{
	uint64_t gpa = as->root;

	for (int shift = 39; shift > 12; shift -= 9) {
		uint64_t *e = priv_ptr(gpa) + ((va >> shift) & 511);

		if (!(*e & PTE_P)) {
			uint64_t n;

			if (!alloc)
				return NULL;
			n = as_table_alloc(as);
			if (!n)
				return NULL;
			*e = n | PTE_P | PTE_W | PTE_U | PTE_A;
		}
		gpa = *e & PTE_ADDR;
	}
	return priv_ptr(gpa) + ((va >> 12) & 511);
}

/* Next address after va not covered by an absent table (for skipping). */
static uint64_t next_present(struct address_space *as, uint64_t va, uint64_t end)
{
	while (va < end) {
		uint64_t gpa = as->root;
		int shift;

		for (shift = 39; shift > 12; shift -= 9) {
			uint64_t e = priv_ptr(gpa)[(va >> shift) & 511];

			if (!(e & PTE_P))
				break;
			gpa = e & PTE_ADDR;
		}
		if (shift == 12)
			return va;
		va = (va | ((1UL << shift) - 1)) + 1;
	}
	return end;
}

static int apply_queue(struct context *ctx);
static int kvm_get_fpstate(struct context *ctx, struct arch_fpstate *fp);
static void ring0_regs(struct context *ctx, uint64_t rip);

/* Is old -> new only a widening that the shadow MMU picks up on its own? */
static bool widening(uint64_t old, uint64_t new)
{
	if (!(old & PTE_P))
		return true;
	if (!(new & PTE_P) || ((old ^ new) & PTE_ADDR))
		return false;
	if ((old & ~new) & (PTE_W | PTE_U))
		return false;
	return !((new & ~old) & PTE_NX);
}

static int set_pte(struct context *ctx, uint64_t *slot, uint64_t new)
{
	struct vcpu *v = ctx->v;
	uint64_t old = *slot, dst = alias_va((uint64_t)((uint8_t *)slot - priv_host) + priv_gpa);
	uint64_t *desc, *vals;

	if (old == new)
		return 0;
	if (!ctx->ndesc && (!ctx->as->ran || widening(old, new))) {
		__atomic_store_n(slot, new, __ATOMIC_RELEASE);
		return 0;
	}
	if (ctx->ndesc == QDESC_MAX || ctx->nval == QVAL_MAX) {
		int err = apply_queue(ctx);

		if (err < 0)
			return err;
	}
	desc = (uint64_t *)(v->block + CPU_DESC_OFF);
	vals = (uint64_t *)(v->block + CPU_VAL_OFF);
	vals[ctx->nval] = new;
	if (ctx->ndesc) {
		uint64_t *last = &desc[(ctx->ndesc - 1) * 3];

		if (last[0] + last[2] * 8 == dst && ((dst & (KPAGE - 1)) != 0)) {
			last[2]++;
			ctx->nval++;
			return 0;
		}
	}
	desc[ctx->ndesc * 3] = dst;
	desc[ctx->ndesc * 3 + 1] = v->block_va + CPU_VAL_OFF + (uint64_t)ctx->nval * 8;
	desc[ctx->ndesc * 3 + 2] = 1;
	ctx->ndesc++;
	ctx->nval++;
	return 0;
}

static uint64_t pte_for(uint64_t off, int prot)
{
	uint64_t pte;

	if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return 0;
	pte = off | PTE_P | PTE_U | PTE_A;
	if (prot & PROT_WRITE)
		pte |= PTE_W | PTE_D;
	if (!(prot & PROT_EXEC))
		pte |= PTE_NX;
	return pte;
}

static bool range_ok(uint64_t addr, uint64_t len)
{
	return !(addr & (KPAGE - 1)) && !(len & (KPAGE - 1)) && addr < KVM_MAX_ADDR &&
	       len <= KVM_MAX_ADDR - addr;
}

static int do_map(struct context *ctx, uint64_t addr, uint64_t len, uint64_t off, int prot)
{
	if (!range_ok(addr, len) || (off & (KPAGE - 1)) || off > memfile_size ||
	    len > memfile_size - off)
		return -EINVAL;
	for (uint64_t i = 0; i < len; i += KPAGE) {
		uint64_t pte = pte_for(off + i, prot), *slot;
		int err;

		slot = pte_slot(ctx->as, addr + i, pte != 0);
		if (!slot) {
			if (pte)
				return -ENOMEM;
			continue;
		}
		if ((err = set_pte(ctx, slot, pte)) < 0)
			return err;
	}
	return 0;
}

static int do_unmap(struct context *ctx, uint64_t addr, uint64_t len)
{
	uint64_t end;

	if (!range_ok(addr, len))
		return -EINVAL;
	end = addr + len;
	for (uint64_t va = next_present(ctx->as, addr, end); va < end;
	     va = next_present(ctx->as, va, end)) {
		uint64_t *slot = pte_slot(ctx->as, va, false);
		int err;

		if (slot && *slot && (err = set_pte(ctx, slot, 0)) < 0)
			return err;
		va += KPAGE;
	}
	return 0;
}

static int do_protect(struct context *ctx, uint64_t addr, uint64_t len, int prot)
{
	uint64_t end;

	if (!range_ok(addr, len))
		return -EINVAL;
	end = addr + len;
	for (uint64_t va = next_present(ctx->as, addr, end); va < end;
	     va = next_present(ctx->as, va, end)) {
		uint64_t *slot = pte_slot(ctx->as, va, false);
		int err;

		if (slot && (*slot & PTE_P) &&
		    (err = set_pte(ctx, slot, pte_for(*slot & PTE_ADDR, prot))) < 0)
			return err;
		va += KPAGE;
	}
	return 0;
}

static int kvm_as_map(struct context *ctx, uint64_t addr, uint64_t len, uint64_t off, int prot)
{
	int err, err2;

	if (!ctx->as)
		return -ESRCH;
	err = do_map(ctx, addr, len, off, prot);
	err2 = apply_queue(ctx);
	return err ? err : err2;
}

static int kvm_as_unmap(struct context *ctx, uint64_t addr, uint64_t len)
{
	int err, err2;

	if (!ctx->as)
		return -ESRCH;
	err = do_unmap(ctx, addr, len);
	err2 = apply_queue(ctx);
	return err ? err : err2;
}

static int kvm_as_protect(struct context *ctx, uint64_t addr, uint64_t len, int prot)
{
	int err, err2;

	if (!ctx->as)
		return -ESRCH;
	err = do_protect(ctx, addr, len, prot);
	err2 = apply_queue(ctx);
	return err ? err : err2;
}

static int kvm_as_batch(struct context *ctx, const struct as_op *ops, int n)
{
	uint64_t qlo = ~0UL, qhi = 0; /* range of the ops queued so far */
	int err = 0, err2;

	if (!ctx->as)
		return -ESRCH;
	for (int i = 0; i < n && !err; i++) {
		/* Queued values are not in the tables yet: an op reading the
		 * same ptes must see them applied. */
		if (ctx->ndesc && ops[i].addr < qhi && ops[i].addr + ops[i].len > qlo) {
			if ((err = apply_queue(ctx)) < 0)
				break;
			qlo = ~0UL;
			qhi = 0;
		}
		if (ops[i].addr < qlo)
			qlo = ops[i].addr;
		if (ops[i].addr + ops[i].len > qhi)
			qhi = ops[i].addr + ops[i].len;
		switch (ops[i].kind) {
		case AS_MAP:
			err = do_map(ctx, ops[i].addr, ops[i].len, ops[i].memfile_off, ops[i].prot);
			break;
		case AS_UNMAP:
			err = do_unmap(ctx, ops[i].addr, ops[i].len);
			break;
		case AS_PROTECT:
			err = do_protect(ctx, ops[i].addr, ops[i].len, ops[i].prot);
			break;
		}
	}
	err2 = apply_queue(ctx);
	return err ? err : err2;
}

static int kvm_as_spawn_thread(struct context *ctx)
{
	/* context_new() makes the vCPU. */
	(void)ctx;
	return 0;
}

/* ---- vCPUs ---- */

static void seg(struct kvm_segment *s, uint16_t sel, uint8_t type, uint8_t dpl, bool code64)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->type = type;
	s->present = 1;
	s->dpl = dpl;
	s->s = 1;
	s->l = code64;
	s->db = !code64;
	s->g = 1;
}

static void user_segments(struct kvm_sregs *s, uint64_t fs_base, uint64_t gs_base)
{
	seg(&s->cs, SEL_UCODE, 0xb, 3, true);
	seg(&s->ss, SEL_UDATA, 0x3, 3, false);
	seg(&s->ds, 0, 0x3, 3, false);
	seg(&s->es, 0, 0x3, 3, false);
	seg(&s->fs, 0, 0x3, 3, false);
	seg(&s->gs, 0, 0x3, 3, false);
	s->fs.base = fs_base;
	s->gs.base = gs_base;
}

static int set_msrs(int fd)
{
	struct {
		struct kvm_msrs h;
		struct kvm_msr_entry e[4];
	} m;

	memset(&m, 0, sizeof(m));
	m.h.nmsrs = 4;
	m.e[0].index = MSR_STAR;
	m.e[0].data = ((uint64_t)(SEL_UCODE32 & ~3) << 48) | ((uint64_t)SEL_KCODE << 32);
	m.e[1].index = MSR_LSTAR;
	m.e[1].data = KCODE_VA + R0_SYSCALL;
	m.e[2].index = MSR_CSTAR;
	m.e[2].data = KCODE_VA + R0_SYSCALL;
	/* TF, DF, IF, IOPL, NT, AC cleared on syscall, as Linux. */
	m.e[3].index = MSR_SFMASK;
	m.e[3].data = 0x47700;
	return ioctl(fd, KVM_SET_MSRS, &m) == 4 ? 0 : -EIO;
}

static struct vcpu *vcpu_create(void)
{
	struct vcpu *v = calloc(1, sizeof(*v));
	struct kvm_sregs *s;
	uint64_t first = 0, *gdt;
	uint8_t *tss;
	int id;

	if (!v)
		return NULL;
	pthread_mutex_lock(&kvm_lock);
	id = nvcpus < max_vcpus ? nvcpus++ : -1;
	pthread_mutex_unlock(&kvm_lock);
	if (id < 0)
		goto fail;
	v->id = id;
	v->fd = ioctl(vm_fd, KVM_CREATE_VCPU, id);
	if (v->fd < 0) {
		swarn("kvm: KVM_CREATE_VCPU %d: %s", id, strerror(errno));
		goto fail;
	}
	fcntl(v->fd, F_SETFD, FD_CLOEXEC);
	v->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED)
		goto fail_fd;
	/* The block: contiguous private pages, mapped in the kernel PD. */
	v->block_va = KCPU_BASE_VA + (uint64_t)id * CPU_BLOCK;
	pthread_mutex_lock(&kvm_lock);
	if (priv_next + CPU_BLOCK_PAGES <= priv_limit) {
		first = priv_gpa + priv_next * KPAGE;
		priv_next += CPU_BLOCK_PAGES;
	}
	pthread_mutex_unlock(&kvm_lock);
	for (int i = 0; i < CPU_BLOCK_PAGES && first; i++) {
		if (kmap(v->block_va + (uint64_t)i * KPAGE, first + (uint64_t)i * KPAGE,
			 PTE_W | PTE_D | PTE_NX) < 0)
			first = 0;
	}
	if (!first) {
		swarn("kvm: no room for vCPU %d's block", id);
		goto fail_fd;
	}
	v->block = (uint8_t *)priv_ptr(first);
	gdt = (uint64_t *)(v->block + CPU_GDT_OFF);
	gdt[SEL_KCODE >> 3] = 0x00af9b000000ffffUL;
	gdt[SEL_KDATA >> 3] = 0x00cf93000000ffffUL;
	gdt[SEL_UCODE32 >> 3] = 0x00cffb000000ffffUL;
	gdt[SEL_UDATA >> 3] = 0x00cff3000000ffffUL;
	gdt[SEL_UCODE >> 3] = 0x00affb000000ffffUL;
	{
		uint64_t b = v->block_va + CPU_TSS_OFF;

		gdt[SEL_TSS >> 3] = 0x67 | ((b & 0xffffff) << 16) | (0x89UL << 40) |
				    ((b >> 24) & 0xff) << 56;
		gdt[(SEL_TSS >> 3) + 1] = b >> 32;
	}
	tss = v->block + CPU_TSS_OFF;
	{
		uint64_t rsp0 = v->block_va + CPU_STACK_TOP;
		uint16_t iomap = 104;

		memcpy(tss + 4, &rsp0, 8);
		memcpy(tss + 0x66, &iomap, 2);
	}

	if (ioctl(v->fd, KVM_SET_CPUID2, cpuid) < 0) {
		swarn("kvm: KVM_SET_CPUID2: %s", strerror(errno));
		goto fail_fd;
	}
	s = &v->base;
	if (ioctl(v->fd, KVM_GET_SREGS, s) < 0)
		goto fail_fd;
	s->cr0 = 0x80050033; /* PG AM WP NE ET MP PE */
	s->cr4 = 0x20 | 0x200 | 0x400 | 0x40000; /* PAE OSFXSR OSXMMEXCPT OSXSAVE */
	s->efer = 0x1 | 0x100 | 0x400 | 0x800;   /* SCE LME LMA NXE */
	s->cr3 = 0;
	s->gdt.base = v->block_va + CPU_GDT_OFF;
	s->gdt.limit = 0x4f;
	s->idt.base = KIDT_VA;
	s->idt.limit = 0xfff;
	memset(&s->tr, 0, sizeof(s->tr));
	s->tr.base = v->block_va + CPU_TSS_OFF;
	s->tr.limit = 0x67;
	s->tr.selector = SEL_TSS;
	s->tr.type = 11;
	s->tr.present = 1;
	user_segments(s, 0, 0);
	if (ioctl(v->fd, KVM_SET_SREGS, s) < 0) {
		swarn("kvm: KVM_SET_SREGS: %s", strerror(errno));
		goto fail_fd;
	}
	{
		struct kvm_xcrs x;

		memset(&x, 0, sizeof(x));
		x.nr_xcrs = 1;
		x.xcrs[0].xcr = 0;
		x.xcrs[0].value = guest_xcr0;
		if (ioctl(v->fd, KVM_SET_XCRS, &x) < 0)
			swarn("kvm: KVM_SET_XCRS %#lx: %s", (unsigned long)guest_xcr0, strerror(errno));
	}
	if (set_msrs(v->fd) < 0) {
		swarn("kvm: KVM_SET_MSRS failed");
		goto fail_fd;
	}
	{
		/* Guest TSC = host TSC: the vDSO uses the sentry's calibration. */
		uint64_t off = 0;
		struct kvm_device_attr a = { .group = KVM_VCPU_TSC_CTRL,
					     .attr = KVM_VCPU_TSC_OFFSET,
					     .addr = (uint64_t)&off };

		if (ioctl(v->fd, KVM_SET_DEVICE_ATTR, &a) < 0 && !tsc_offset_warned) {
			tsc_offset_warned = true;
			swarn("kvm: cannot set the TSC offset: %s", strerror(errno));
		}
	}
	{
		struct {
			struct kvm_signal_mask h;
			uint8_t set[8];
		} sm;
		sigset_t cur;

		pthread_sigmask(SIG_BLOCK, NULL, &cur);
		sigdelset(&cur, KICK_SIGNAL);
		sm.h.len = 8;
		memcpy(sm.set, &cur, 8);
		if (ioctl(v->fd, KVM_SET_SIGNAL_MASK, &sm) < 0) {
			swarn("kvm: KVM_SET_SIGNAL_MASK: %s", strerror(errno));
			goto fail_fd;
		}
	}
	pthread_mutex_lock(&kvm_lock);
	if (!clean_xsave) {
		uint8_t *x = calloc(1, xsave2_size > 4096 ? (size_t)xsave2_size : 4096);

		if (x && ioctl(v->fd, xsave2_size > 4096 ? KVM_GET_XSAVE2 : KVM_GET_XSAVE, x) == 0)
			clean_xsave = x;
		else
			free(x);
	}
	pthread_mutex_unlock(&kvm_lock);
	v->run->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	return v;
fail_fd:
	close(v->fd);
fail:
	free(v);
	return NULL;
}

/* RUNSC_KVM_MICROBENCH=1: the floor costs of this host, measured once on
 * the first vCPU (logged): a KVM_RUN that never enters the guest, and one
 * that enters ring 0 at an `out` and exits to us at once. */
static void microbench(struct context *ctx)
{
	struct kvm_run *run = ctx->v->run;
	const int n = 2000;
	uint64_t t0, t_imm, t_out, t_user;
	int out_port;

	run->immediate_exit = 1;
	t0 = mono_ns();
	for (int i = 0; i < n; i++)
		ioctl(ctx->v->fd, KVM_RUN, 0);
	t_imm = (mono_ns() - t0) / n;
	run->immediate_exit = 0;
	ring0_regs(ctx, KCODE_VA + R0_SYSCALL);
	run->kvm_dirty_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	ioctl(ctx->v->fd, KVM_RUN, 0);
	t0 = mono_ns();
	for (int i = 0; i < n; i++) {
		run->s.regs.regs.rip = KCODE_VA + R0_SYSCALL;
		run->kvm_dirty_regs = KVM_SYNC_X86_REGS;
		ioctl(ctx->v->fd, KVM_RUN, 0);
	}
	t_out = (mono_ns() - t0) / n;
	out_port = run->exit_reason == KVM_EXIT_IO ? run->io.port : -1;
	/* Ring 3 at an unmapped address: the fetch faults, the #PF is
	 * delivered through our IDT and its `out` exits (a syscall's path
	 * on kvm_pvm without the jump to LSTAR). */
	{
		struct kvm_sregs *s = &run->s.regs.sregs;

		t0 = mono_ns();
		for (int i = 0; i < n; i++) {
			memset(&run->s.regs.regs, 0, sizeof(run->s.regs.regs));
			run->s.regs.regs.rip = 0x1000;
			run->s.regs.regs.rflags = 0x202;
			*s = ctx->v->base;
			user_segments(s, 0, 0);
			s->cr3 = ctx->as->root;
			run->kvm_dirty_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
			ioctl(ctx->v->fd, KVM_RUN, 0);
		}
		t_user = (mono_ns() - t0) / n;
	}
	swarn("kvm: microbench: KVM_RUN without entry %lu ns; ring-0 `out` round trip %lu ns "
	      "(port %#x); ring-3 fault round trip %lu ns (port %#x)", (unsigned long)t_imm,
	      (unsigned long)t_out, out_port, (unsigned long)t_user,
	      run->exit_reason == KVM_EXIT_IO ? run->io.port : -1);
	run->kvm_dirty_regs = 0;
}

static struct context *kvm_context_new(struct platform *p, struct address_space *as)
{
	struct context *ctx = calloc(1, sizeof(*ctx));
	struct vcpu *v;
	sigset_t kick;

	(void)p;
	if (!ctx)
		return NULL;
	install_kick_handler();
	/* Kicks stay pending outside KVM_RUN (the vCPU's signal mask
	 * unblocks them inside), so one that arrives before the guest is
	 * entered still makes KVM_RUN return at once. */
	sigemptyset(&kick);
	sigaddset(&kick, KICK_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &kick, NULL);
	pthread_mutex_lock(&kvm_lock);
	v = free_vcpus;
	if (v)
		free_vcpus = v->next_free;
	pthread_mutex_unlock(&kvm_lock);
	if (v) {
		/* A reused vCPU must not carry the last owner's FPU state. */
		if (clean_xsave)
			ioctl(v->fd, KVM_SET_XSAVE, clean_xsave);
	} else {
		v = vcpu_create();
	}
	if (!v) {
		free(ctx);
		errno = EAGAIN;
		return NULL;
	}
	ctx->v = v;
	ctx->as = as;
	ctx->tid = (pid_t)syscall(SYS_gettid);
	pthread_mutex_lock(&as->lock);
	ctx->as_next = as->ctxs;
	as->ctxs = ctx;
	pthread_mutex_unlock(&as->lock);
	pthread_mutex_lock(&kvm_lock);
	ctx->all_next = all_ctxs;
	all_ctxs = ctx;
	pthread_mutex_unlock(&kvm_lock);
	if (v->id == 0 && !v->ran && getenv("RUNSC_KVM_MICROBENCH"))
		microbench(ctx);
	return ctx;
}

static void kvm_context_release(struct context *ctx)
{
	struct vcpu *v = ctx->v;
	struct context **pp;

	pthread_mutex_lock(&kvm_lock);
	for (pp = &all_ctxs; *pp; pp = &(*pp)->all_next) {
		if (*pp == ctx) {
			*pp = ctx->all_next;
			break;
		}
	}
	pthread_mutex_unlock(&kvm_lock);
	if (ctx->as) {
		pthread_mutex_lock(&ctx->as->lock);
		for (pp = &ctx->as->ctxs; *pp; pp = &(*pp)->as_next) {
			if (*pp == ctx) {
				*pp = ctx->as_next;
				break;
			}
		}
		pthread_mutex_unlock(&ctx->as->lock);
	}
	if (profile && ctx->switches)
		swarn("kvm: context %d: %lu switches, %lu ns each (%lu ns in %lu KVM_RUNs), "
		      "%lu page-table applies, %lu shootdown kicks; private pages used %lu of %lu, "
		      "%lu recycles",
		      ctx->tid, (unsigned long)ctx->switches,
		      (unsigned long)(ctx->switch_ns / ctx->switches),
		      (unsigned long)(ctx->run_ns / (ctx->runs ? ctx->runs : 1)),
		      (unsigned long)ctx->runs, (unsigned long)ctx->applies,
		      (unsigned long)ctx->shootdowns, (unsigned long)priv_next,
		      (unsigned long)priv_limit, (unsigned long)recycles);
	if (v && !v->broken) {
		pthread_mutex_lock(&kvm_lock);
		v->next_free = free_vcpus;
		free_vcpus = v;
		pthread_mutex_unlock(&kvm_lock);
	}
	free(ctx);
}

static void consume_kick(void)
{
	sigset_t kick;
	struct timespec zero = { 0, 0 };

	sigemptyset(&kick);
	sigaddset(&kick, KICK_SIGNAL);
	while (sigtimedwait(&kick, NULL, &zero) == KICK_SIGNAL)
		;
}

static void ring0_regs(struct context *ctx, uint64_t rip)
{
	struct kvm_run *run = ctx->v->run;
	struct kvm_sregs *s = &run->s.regs.sregs;

	memset(&run->s.regs.regs, 0, sizeof(run->s.regs.regs));
	run->s.regs.regs.rip = rip;
	run->s.regs.regs.rflags = 0x2;
	run->s.regs.regs.rsp = ctx->v->block_va + CPU_STACK_TOP;
	*s = ctx->v->base;
	seg(&s->cs, SEL_KCODE, 0xb, 0, true);
	seg(&s->ss, SEL_KDATA, 0x3, 0, false);
	s->cr3 = ctx->as->root;
}

/* Flush the caller's vCPU's TLB in ring 0: 0, -EINTR when a kick came
 * first (the caller starts over), -EIO when the vCPU failed. */
static int flush_tlb(struct context *ctx)
{
	struct kvm_run *run = ctx->v->run;
	int r;

	ring0_regs(ctx, KCODE_VA + R0_FLUSH);
	run->kvm_dirty_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	r = vcpu_run(ctx->v);
	__atomic_add_fetch(&ctx->exits, 1, __ATOMIC_SEQ_CST);
	run->kvm_dirty_regs = 0;
	if ((r < 0 && (errno == EINTR || errno == EAGAIN)) ||
	    (r == 0 && run->exit_reason == KVM_EXIT_INTR)) {
		consume_kick();
		return -EINTR;
	}
	if (r == 0 && run->exit_reason == KVM_EXIT_IO && run->io.port == PORT_APPLY)
		return 0;
	swarn("kvm: vCPU %d: TLB flush failed: r=%d exit %u port %#x rip %#llx", ctx->v->id, r,
	      run->exit_reason, run->exit_reason == KVM_EXIT_IO ? run->io.port : 0,
	      (unsigned long long)run->s.regs.regs.rip);
	return -EIO;
}

/* After the caller's vCPU changed the tables of its address space (and
 * reloaded its own CR3): a new TLB generation, and every other vCPU
 * running user code of this address space is kicked out of the guest;
 * we wait until it has left, so no thread can use a stale translation
 * once the as_* call returns. Each flushes (flush_tlb()) before it runs
 * user code again. With two-dimensional paging
 * (EPT/NPT) nobody else would: the guest's TLB entries are the
 * hardware's. The caller holds the sentry's lock, which the kicked
 * threads do not need to leave KVM_RUN. */
static void tlb_shootdown(struct context *ctx)
{
	struct address_space *as = ctx->as;
	uint64_t gen = __atomic_add_fetch(&as->tlb_gen, 1, __ATOMIC_SEQ_CST);

	ctx->v->flushed_root = as->root;
	ctx->v->flushed_gen = gen;
	pthread_mutex_lock(&as->lock);
	for (struct context *c = as->ctxs; c; c = c->as_next) {
		uint64_t e0;
		unsigned spins = 0;

		if (c == ctx || !__atomic_load_n(&c->in_guest, __ATOMIC_SEQ_CST))
			continue;
		e0 = __atomic_load_n(&c->exits, __ATOMIC_SEQ_CST);
		ctx->shootdowns++;
		syscall(SYS_tgkill, getpid(), c->tid, KICK_SIGNAL);
		/* A kick that lands before KVM_RUN stays pending and makes it
		 * return at once, so this ends. */
		while (__atomic_load_n(&c->in_guest, __ATOMIC_SEQ_CST) &&
		       __atomic_load_n(&c->exits, __ATOMIC_SEQ_CST) == e0) {
			if (++spins < 64)
				__builtin_ia32_pause();
			else
				sched_yield();
		}
	}
	pthread_mutex_unlock(&as->lock);
}

/* Run the queued page-table writes in ring 0 on the caller's vCPU. */
static int apply_queue(struct context *ctx)
{
	struct kvm_run *run = ctx->v->run;
	int ndesc = ctx->ndesc;

	if (!ndesc)
		return 0;
	ctx->ndesc = ctx->nval = 0;
	if (ctx->dead || ctx->v->broken)
		return -ESRCH;
	ctx->applies++;
	ring0_regs(ctx, KCODE_VA + R0_APPLY);
	run->s.regs.regs.rbx = ctx->v->block_va + CPU_DESC_OFF;
	run->s.regs.regs.rdx = (uint64_t)ndesc;
	run->kvm_dirty_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	for (;;) {
		int r = vcpu_run(ctx->v);

		run->kvm_dirty_regs = 0;
		if (r < 0 && (errno == EINTR || errno == EAGAIN)) {
			consume_kick();
			continue;
		}
		if (r == 0 && run->exit_reason == KVM_EXIT_INTR)
			continue;
		if (r == 0 && run->exit_reason == KVM_EXIT_IO && run->io.port == PORT_APPLY) {
			if (shootdown)
				tlb_shootdown(ctx);
			return 0;
		}
		{
			const uint64_t *f = (const uint64_t *)(ctx->v->block + CPU_STACK_TOP) - 6;

			swarn("kvm: page-table update failed: r=%d errno=%d exit %u port %#x "
			      "rip %#llx cr2 %#llx frame %#lx %#lx %#lx", r, errno, run->exit_reason,
			      run->exit_reason == KVM_EXIT_IO ? run->io.port : 0,
			      (unsigned long long)run->s.regs.regs.rip,
			      (unsigned long long)run->s.regs.sregs.cr2, (unsigned long)f[0],
			      (unsigned long)f[1], (unsigned long)f[2]);
		}
		ctx->v->broken = true;
		ctx->dead = true;
		return -EIO;
	}
}

static bool canonical(uint64_t a)
{
	return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

static void user_regs_out(struct context *ctx, struct arch_regs *regs)
{
	const struct kvm_regs *k = &ctx->v->run->s.regs.regs;
	const struct kvm_sregs *s = &ctx->v->run->s.regs.sregs;
	struct user_regs_struct *r = &regs->r;

	r->rax = k->rax;
	r->rbx = k->rbx;
	r->rcx = k->rcx;
	r->rdx = k->rdx;
	r->rsi = k->rsi;
	r->rdi = k->rdi;
	r->rbp = k->rbp;
	r->rsp = k->rsp;
	r->r8 = k->r8;
	r->r9 = k->r9;
	r->r10 = k->r10;
	r->r11 = k->r11;
	r->r12 = k->r12;
	r->r13 = k->r13;
	r->r14 = k->r14;
	r->r15 = k->r15;
	r->rip = k->rip;
	r->eflags = k->rflags;
	r->orig_rax = (uint64_t)-1;
	r->cs = SEL_UCODE;
	r->ss = SEL_UDATA;
	r->ds = r->es = r->fs = r->gs = 0;
	r->fs_base = s->fs.base;
	r->gs_base = s->gs.base;
}

/* Flags a guest may set (status flags, TF, DF, AC, ID, RF); IF is forced. */
#define USER_RFLAGS 0x250dd5UL

static void trap_signal(struct trap_info *trap, int sig, int code, uint64_t addr)
{
	trap->kind = TRAP_SIGNAL;
	trap->signo = sig;
	trap->code = code;
	trap->addr = addr;
}

/* A byte of user memory through the guest page tables; -1 if unmapped. */
static int guest_byte(struct address_space *as, uint64_t va)
{
	uint64_t *slot, pte;

	if (va >= KVM_MAX_ADDR)
		return -1;
	slot = pte_slot(as, va, false);
	pte = slot ? *slot : 0;
	if ((pte & (PTE_P | PTE_U)) != (PTE_P | PTE_U) || (pte & PTE_ADDR) >= memfile_size)
		return -1;
	return memfile_host[(pte & PTE_ADDR) + (va & (KPAGE - 1))];
}

/* An exception taken in ring 3: the CPU pushed its frame on our stack. */
static int decode_exception(struct context *ctx, int vec, struct arch_regs *regs,
			    struct trap_info *trap)
{
	struct vcpu *v = ctx->v;
	uint64_t rsp = v->run->s.regs.regs.rsp, top = v->block_va + CPU_STACK_TOP, err = 0;
	const uint64_t *f;

	if (rsp != top - 40 && rsp != top - 48)
		return -EFAULT;
	f = (const uint64_t *)(v->block + CPU_STACK_TOP - (top - rsp));
	if (rsp == top - 48)
		err = *f++;
	if ((f[1] & 3) != 3)
		return -EFAULT; /* taken in ring 0: our own bug */
	user_regs_out(ctx, regs);
	regs->r.rip = f[0];
	regs->r.eflags = f[2];
	regs->r.rsp = f[3];
	switch (vec) {
	case 0x80:
		trap->kind = TRAP_SYSCALL;
		trap->int80 = true;
		regs->r.orig_rax = regs->r.rax;
		break;
	case 14:
		if (f[0] == KCODE_VA + R0_SYSCALL && v->run->s.regs.sregs.cr2 == f[0]) {
			/* kvm_pvm runs `syscall` of a guest without its PVM
			 * ABI as a jump to LSTAR that stays in ring 3 (rcx and
			 * r11 set as usual); the fetch of our supervisor-only
			 * entry faults, and that fault is the syscall. */
			trap->kind = TRAP_SYSCALL;
			regs->r.rip = v->run->s.regs.regs.rcx;
			regs->r.eflags = v->run->s.regs.regs.r11;
			regs->r.orig_rax = regs->r.rax;
			break;
		}
		trap->kind = TRAP_FAULT;
		trap->addr = v->run->s.regs.sregs.cr2;
		trap->write = (err & 2) != 0;
		trap->code = (err & 1) ? SEGV_ACCERR : SEGV_MAPERR;
		break;
	case 0:
		trap_signal(trap, SIGFPE, FPE_INTDIV, f[0]);
		break;
	case 1: {
		/* #DB is a trap: rip is past the instruction. DR6 tells a
		 * single step (BS) from a hardware breakpoint and from int1
		 * (neither), as Linux's si_code does; si_addr is the rip. */
		struct kvm_debugregs dr;
		int code = TRAP_BRKPT;

		if (ioctl(v->fd, KVM_GET_DEBUGREGS, &dr) == 0) {
			if (dr.dr6 & (1UL << 14))
				code = TRAP_TRACE;
			else if (dr.dr6 & 0xf)
				code = TRAP_HWBKPT;
			dr.dr6 = 0xffff0ff0UL;
			ioctl(v->fd, KVM_SET_DEBUGREGS, &dr);
		}
		trap_signal(trap, SIGTRAP, code, f[0]);
		break;
	}
	case 3:
		trap_signal(trap, SIGTRAP, SI_KERNEL, 0);
		break;
	case 6:
		/* A KVM that honours a clear EFER.SCE raises #UD for syscall. */
		if (guest_byte(ctx->as, f[0]) == 0x0f && guest_byte(ctx->as, f[0] + 1) == 0x05) {
			trap->kind = TRAP_SYSCALL;
			regs->r.rip = f[0] + 2;
			regs->r.rcx = f[0] + 2;
			regs->r.r11 = f[2];
			regs->r.orig_rax = regs->r.rax;
			break;
		}
		/* kvm_pvm reports `int $n` without a user gate as #UD, where
		 * the CPU raises #GP: SIGSEGV as on Linux. */
		if (guest_byte(ctx->as, f[0]) == 0xcd) {
			trap_signal(trap, SIGSEGV, SI_KERNEL, 0);
			break;
		}
		trap_signal(trap, SIGILL, ILL_ILLOPN, f[0]);
		break;
	case 12:
		trap_signal(trap, SIGBUS, SI_KERNEL, 0);
		break;
	case 17:
		trap_signal(trap, SIGBUS, BUS_ADRALN, 0);
		break;
	case 16:
	case 19: {
		/* x87 (#MF) or SIMD (#XM): the code from the exception
		 * flags the control word leaves unmasked, in Linux's order;
		 * none is a spurious exception and no signal. */
		static __thread struct arch_fpstate fp;
		unsigned err = 0;
		int code = 0;

		if (kvm_get_fpstate(ctx, &fp) == 0) {
			uint16_t cwd, swd;
			uint32_t mxcsr;

			memcpy(&cwd, fp.fx, 2);
			memcpy(&swd, fp.fx + 2, 2);
			memcpy(&mxcsr, fp.fx + 24, 4);
			err = vec == 16 ? (unsigned)(swd & ~cwd) : (mxcsr & ~(mxcsr >> 7));
		} else {
			err = 1;
		}
		code = (err & 0x01) ? FPE_FLTINV : (err & 0x04) ? FPE_FLTDIV :
		       (err & 0x08) ? FPE_FLTOVF : (err & 0x12) ? FPE_FLTUND :
		       (err & 0x20) ? FPE_FLTRES : 0;
		if (!code) {
			trap->kind = TRAP_INTERRUPT;
			break;
		}
		trap_signal(trap, SIGFPE, code, f[0]);
		break;
	}
	default:
		/* #GP, #NP, #SS-like and anything unexpected. */
		trap_signal(trap, SIGSEGV, SI_KERNEL, 0);
		break;
	}
	return 0;
}

static int do_switch_to(struct context *ctx, struct arch_regs *regs, struct trap_info *trap)
{
	struct vcpu *v = ctx->v;
	struct kvm_run *run;
	struct kvm_regs *k;
	struct kvm_sregs *s;
	const struct user_regs_struct *r = &regs->r;
	uint64_t gen;

again:
	memset(trap, 0, sizeof(*trap));
	if (ctx->dead || !v || v->broken || !ctx->as)
		goto dead;
	/* A kick swallowed outside this loop (apply_queue, flush_tlb). */
	if (__atomic_exchange_n(&ctx->want_interrupt, 0, __ATOMIC_SEQ_CST)) {
		trap->kind = TRAP_INTERRUPT;
		return 0;
	}
	if (ctx->ndesc && apply_queue(ctx) < 0)
		goto dead;
	run = v->run;
	k = &run->s.regs.regs;
	s = &run->s.regs.sregs;
	/* A state the CPU would refuse on entry is the guest's fault: a
	 * #GP as Linux's iret to it would take. */
	if (!canonical(r->rip) || !canonical(r->fs_base) || !canonical(r->gs_base)) {
		trap_signal(trap, SIGSEGV, SI_KERNEL, 0);
		return 0;
	}
	/* Code above user memory (the kernel half, our own pages): the
	 * fetch fault Linux would report, without running our pages. */
	if (r->rip >= KVM_MAX_ADDR) {
		trap->kind = TRAP_FAULT;
		trap->addr = r->rip;
		trap->code = SEGV_MAPERR;
		return 0;
	}
	k->rax = r->rax;
	k->rbx = r->rbx;
	k->rcx = r->rcx;
	k->rdx = r->rdx;
	k->rsi = r->rsi;
	k->rdi = r->rdi;
	k->rbp = r->rbp;
	k->rsp = r->rsp;
	k->r8 = r->r8;
	k->r9 = r->r9;
	k->r10 = r->r10;
	k->r11 = r->r11;
	k->r12 = r->r12;
	k->r13 = r->r13;
	k->r14 = r->r14;
	k->r15 = r->r15;
	k->rip = r->rip;
	k->rflags = (r->eflags & USER_RFLAGS) | 0x202;
	/* From here until KVM_RUN returns a shootdown waits for us. */
	__atomic_store_n(&ctx->in_guest, 1, __ATOMIC_SEQ_CST);
	gen = __atomic_load_n(&ctx->as->tlb_gen, __ATOMIC_SEQ_CST);
	if (shootdown && (v->flushed_root != ctx->as->root || v->flushed_gen != gen)) {
		/* This vCPU's TLB may hold translations older than the
		 * tables: flush it, then start over (a shootdown may have
		 * come meanwhile). */
		int err = flush_tlb(ctx);

		if (err == -EIO)
			goto broken;
		if (err == 0) {
			v->flushed_root = ctx->as->root;
			v->flushed_gen = gen;
		}
		goto again;
	}
	if (v->ran && (s->cs.selector & 3) == 0 && s->fs.base == r->fs_base &&
	    s->gs.base == r->gs_base && s->cr3 == ctx->as->root && use_iret) {
		/* Stopped in our ring-0 code with the right bases and CR3:
		 * return with one iretq from a frame we write, so only the
		 * general registers go through KVM. Off by default: on
		 * kvm_pvm the emulated iretq costs ~1.5 us more than
		 * loading the ring-3 segments through sync_regs. */
		uint64_t *f = (uint64_t *)(v->block + CPU_STACK_TOP) - 5;

		f[0] = k->rip;
		f[1] = SEL_UCODE;
		f[2] = k->rflags;
		f[3] = k->rsp;
		f[4] = SEL_UDATA;
		k->rip = KCODE_VA + R0_IRET;
		k->rsp = v->block_va + CPU_STACK_TOP - 40;
		k->rflags = 0x2;
		run->kvm_dirty_regs = KVM_SYNC_X86_REGS;
	} else {
		*s = v->base;
		user_segments(s, r->fs_base, r->gs_base);
		s->cr3 = ctx->as->root;
		run->kvm_dirty_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	}
	v->ran = true;
	ctx->as->ran = true;
	for (;;) {
		uint64_t t0 = profile ? mono_ns() : 0;
		int ret = vcpu_run(v);

		__atomic_add_fetch(&ctx->exits, 1, __ATOMIC_SEQ_CST);
		if (profile) {
			ctx->runs++;
			ctx->run_ns += mono_ns() - t0;
		}
		run->kvm_dirty_regs = 0;
		if ((ret < 0 && (errno == EINTR || errno == EAGAIN)) ||
		    (ret == 0 && run->exit_reason == KVM_EXIT_INTR)) {
			consume_kick();
			/* Inside our ring-0 entry: let it reach its exit. */
			if ((s->cs.selector & 3) == 0)
				continue;
			/* Stopped while an exception of the guest is being
			 * delivered: let it reach our IDT, or it would be
			 * injected into whatever state we load next (a ring-0
			 * helper, or the same state with a lost trap). */
			{
				struct kvm_vcpu_events ev;

				if (ioctl(v->fd, KVM_GET_VCPU_EVENTS, &ev) == 0 &&
				    (ev.exception.injected || ev.exception.pending))
					continue;
			}
			user_regs_out(ctx, regs);
			if (regs->r.rip == KCODE_VA + R0_SYSCALL) {
				/* Stopped between kvm_pvm's jump to LSTAR and
				 * the fetch fault on it (see decode_exception):
				 * a syscall. */
				regs->r.rip = k->rcx;
				regs->r.eflags = k->r11;
				regs->r.orig_rax = k->rax;
				trap->kind = TRAP_SYSCALL;
				return 0;
			}
			/* Kicked only by a shootdown: go back in (flushing). */
			if (!__atomic_exchange_n(&ctx->want_interrupt, 0, __ATOMIC_SEQ_CST))
				goto again;
			trap->kind = TRAP_INTERRUPT;
			return 0;
		}
		if (ret < 0) {
			swarn("kvm: KVM_RUN: %s", strerror(errno));
			goto broken;
		}
		if (run->exit_reason == KVM_EXIT_IO && run->io.direction == KVM_EXIT_IO_OUT) {
			int port = run->io.port;

			if (port == PORT_SYSCALL) {
				user_regs_out(ctx, regs);
				regs->r.rip = k->rcx;
				regs->r.eflags = k->r11;
				regs->r.orig_rax = k->rax;
				trap->kind = TRAP_SYSCALL;
				return 0;
			}
			if ((port < 32 || port == PORT_INT80) &&
			    decode_exception(ctx, port, regs, trap) == 0) {
				return 0;
			}
		}
		swarn("kvm: vCPU %d: unexpected exit %u (port %#x) at rip %#llx cs %#x cr2 %#llx",
		      v->id, run->exit_reason,
		      run->exit_reason == KVM_EXIT_IO ? run->io.port : 0,
		      (unsigned long long)k->rip, s->cs.selector, (unsigned long long)s->cr2);
		if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR)
			swarn("kvm: internal error suberror %u", run->internal.suberror);
		goto broken;
	}
broken:
	v->broken = true;
dead:
	ctx->dead = true;
	memset(trap, 0, sizeof(*trap));
	trap->kind = TRAP_EXIT;
	return -ESRCH;
}

static int kvm_switch_to(struct context *ctx, struct arch_regs *regs, struct trap_info *trap)
{
	uint64_t t0;
	int r;

	if (!profile) {
		r = do_switch_to(ctx, regs, trap);
	} else {
		t0 = mono_ns();
		r = do_switch_to(ctx, regs, trap);
		ctx->switches++;
		ctx->switch_ns += mono_ns() - t0;
	}
	__atomic_store_n(&ctx->in_guest, 0, __ATOMIC_SEQ_CST);
	return r;
}

static void kvm_interrupt(struct context *ctx)
{
	if (!ctx->dead) {
		__atomic_store_n(&ctx->want_interrupt, 1, __ATOMIC_SEQ_CST);
		syscall(SYS_tgkill, getpid(), ctx->tid, KICK_SIGNAL);
	}
}

static int kvm_get_fpstate(struct context *ctx, struct arch_fpstate *fp)
{
	int r;

	if (xsave2_size > 4096 && (size_t)xsave2_size <= sizeof(fp->xsave))
		r = ioctl(ctx->v->fd, KVM_GET_XSAVE2, fp->xsave);
	else
		r = ioctl(ctx->v->fd, KVM_GET_XSAVE, fp->xsave);
	if (r < 0)
		return -errno;
	fp->size = xsave_size;
	return 0;
}

static int kvm_set_fpstate(struct context *ctx, const struct arch_fpstate *fp)
{
	static __thread struct arch_fpstate cur;

	if (fp->size > 512) {
		if (fp->size > sizeof(fp->xsave))
			return -EINVAL;
		memcpy(cur.xsave, fp->xsave, fp->size);
		memset(cur.xsave + fp->size, 0, sizeof(cur.xsave) - fp->size);
		arch_xstate_keep_mxcsr(cur.xsave, fp->size);
	} else {
		/* Legacy area only: keep the rest of the current state. */
		uint64_t bv;

		if (kvm_get_fpstate(ctx, &cur) < 0)
			return -EIO;
		memcpy(cur.fx, fp->fx, 512);
		memcpy(&bv, cur.xsave + 512, 8);
		bv |= 3;
		memcpy(cur.xsave + 512, &bv, 8);
	}
	return ioctl(ctx->v->fd, KVM_SET_XSAVE, cur.xsave) < 0 ? -errno : 0;
}

static uint64_t kvm_max_addr(struct platform *p)
{
	(void)p;
	return KVM_MAX_ADDR;
}

const struct platform_ops kvm_platform_ops = {
	.name = "kvm",
	.init = kvm_init,
	.as_new = kvm_as_new,
	.as_release = kvm_as_release,
	.as_map = kvm_as_map,
	.as_unmap = kvm_as_unmap,
	.as_protect = kvm_as_protect,
	.as_batch = kvm_as_batch,
	.as_spawn_thread = kvm_as_spawn_thread,
	.context_new = kvm_context_new,
	.context_release = kvm_context_release,
	.switch_to = kvm_switch_to,
	.interrupt = kvm_interrupt,
	.get_fpstate = kvm_get_fpstate,
	.set_fpstate = kvm_set_fpstate,
	.max_addr = kvm_max_addr,
};
