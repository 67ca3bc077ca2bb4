/* A hostile guest for the systrap platform (issue 6): it finds the stub's
 * pages in its own address space, tries the stub's syscall trampolines
 * with host syscalls that would touch a host file or forge a control
 * reply, and scribbles on its message pages and signal frames from a
 * racing thread while other threads make syscalls. A bystander process
 * checks that none of this confuses anyone else. The sentry must survive
 * and the host must be untouched (tests/e2e/hostile.sh checks the host
 * side). Run as "hostile CANARY" in the sandbox, or "hostile --reap CMD..."
 * on the host: a subreaper that runs CMD and reports host processes it
 * left behind. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define TOP 0x7ffffffff000UL
#define MAX_PAGES 8192

static sigjmp_buf probe_jb;
static volatile int probing;

static void probe_handler(int sig)
{
	(void)sig;
	if (probing)
		siglongjmp(probe_jb, 1);
	_exit(99);
}

static void probe_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = probe_handler;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* 1: readable, 3: readable and writable, 0: neither. The write probe is a
 * locked compare-and-swap of a word with itself: it needs write access
 * but never changes what is there. */
static int probe(uintptr_t addr)
{
	volatile uint64_t *p = (volatile uint64_t *)(addr + PAGE - 8);
	uint64_t v;
	volatile int r = 0;

	probing = 1;
	if (sigsetjmp(probe_jb, 1) == 0) {
		v = *p;
		r = 1;
		__sync_val_compare_and_swap(p, v, v);
		r = 3;
	}
	probing = 0;
	return r;
}

/* The highest address the guest may map: mapping attempts with
 * MAP_FIXED_NOREPLACE fail with ENOMEM above it (EEXIST means mapped). */
static uintptr_t guest_limit(void)
{
	uintptr_t lo = 0x7f0000000000UL, hi = TOP + PAGE;

	while (hi - lo > PAGE) {
		uintptr_t mid = ((lo + hi) / 2) & ~(PAGE - 1);
		void *p = mmap((void *)mid, PAGE, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

		if (p != MAP_FAILED) {
			munmap(p, PAGE);
			lo = mid + PAGE;
		} else if (errno == EEXIST) {
			lo = mid + PAGE;
		} else {
			hi = mid;
		}
	}
	return lo;
}

static uintptr_t pages[MAX_PAGES];
static int page_rw[MAX_PAGES];
static int npages, nwritable;
static uintptr_t tramps[16];
static int ntramps;

/* Every page the host maps above the guest's limit: the platform's. */
static void locate(void)
{
	uintptr_t limit = guest_limit(), a, end = limit + (64UL << 20);

	if (end > TOP)
		end = TOP;
	for (a = limit; a < end && npages < MAX_PAGES; a += PAGE) {
		int r = probe(a);

		if (!r)
			continue;
		pages[npages] = a;
		page_rw[npages++] = r;
		if (r == 3)
			nwritable++;
		/* Trampolines: `syscall; jmp *%rbp` (systrap) or `syscall;
		 * int3` (ptrace) in a read-only page. */
		for (uintptr_t o = 0; r == 1 && o + 4 <= PAGE && ntramps < 16; o++) {
			const uint8_t *b = (const uint8_t *)(a + o);

			if (b[0] == 0x0f && b[1] == 0x05 &&
			    ((b[2] == 0xff && b[3] == 0xe5) || b[2] == 0xcc))
				tramps[ntramps++] = a + o;
		}
	}
	if (npages) printf("locate: limit %#lx first %#lx last %#lx\n", (unsigned long)limit, (unsigned long)pages[0], (unsigned long)pages[npages-1]);
	printf("locate: %d pages above the guest limit, %d writable, %d trampolines\n",
	       npages, nwritable, ntramps);
}

/* Make a host syscall at a trampoline: it returns through %rbp. */
static long tramp_call(uintptr_t at, long nr, long a0, long a1, long a2, long a3)
{
	register long rdi __asm__("rdi") = a0;
	register long rsi __asm__("rsi") = a1;
	register long rdx __asm__("rdx") = a2;
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = -1;
	register long r9 __asm__("r9") = 0;
	register uintptr_t rbx __asm__("rbx") = at;
	long rax = nr;

	__asm__ volatile("sub $128, %%rsp\n\t"
			 "push %%rbp\n\t"
			 "lea 1f(%%rip), %%rbp\n\t"
			 "jmp *%%rbx\n"
			 "1:\tpop %%rbp\n\t"
			 "add $128, %%rsp"
			 : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10), "+r"(r8),
			   "+r"(r9), "+b"(rbx)
			 : : "rcx", "r11", "memory");
	return rax;
}

/* A child runs fn; prints how it ended. */
static void in_child(const char *what, void (*fn)(void *), void *arg, int timeout_s)
{
	pid_t pid;
	int st = 0;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("%s: fork: %s\n", what, strerror(errno));
		return;
	}
	if (pid == 0) {
		fn(arg);
		fflush(stdout);
		_exit(0);
	}
	for (int i = 0; i < timeout_s * 10; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			goto done;
		usleep(100000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	printf("%s: still running after %d s, killed\n", what, timeout_s);
done:
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else
		printf("%s: killed by signal %d\n", what, WTERMSIG(st));
}

static const char *canary;

struct escape {
	uintptr_t at;
	int kind;
};

static void escape_one(void *arg)
{
	struct escape *e = arg;
	long r;

	switch (e->kind) {
	case 0: /* truncate the host canary */
		r = tramp_call(e->at, SYS_open, (long)canary, O_WRONLY | O_TRUNC, 0, 0);
		printf("  open(canary, O_TRUNC) at trampoline: %s\n", r >= 0 ? "opened" : strerror((int)-r));
		break;
	case 1: /* unlink it */
		r = tramp_call(e->at, SYS_unlink, (long)canary, 0, 0, 0);
		printf("  unlink(canary) at trampoline: %s\n", r == 0 ? "done" : strerror((int)-r));
		break;
	case 2: /* forge a control reply on the stub's reply socket */
		/* The guest's fd 5 is closed: the emulated write says EBADF,
		 * a host write to the stub's socket would return 6. */
		close(5);
		r = tramp_call(e->at, SYS_write, 5, (long)"forged", 6, 0);
		printf("  write(5) at trampoline: %s\n", r >= 0 ? "HOST WRITE" : strerror((int)-r));
		break;
	case 3: /* map the memory file (guest RAM of every process) */
		r = tramp_call(e->at, SYS_mmap, 0, 1 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS);
		/* An emulated mmap made a guest mapping, which the sentry
		 * knows; a host one would be unknown to it. */
		if (r < 0 && r > -4096)
			printf("  mmap at trampoline: %s\n", strerror((int)-r));
		else
			printf("  mmap at trampoline: %s\n",
			       mprotect((void *)r, 1 << 20, PROT_NONE) == 0 ? "guest mapping" : "HOST MAPPING");
		break;
	}
}

static void escapes(void)
{
	static const char *const names[] = { "truncate", "unlink", "forge-ack", "mmap" };
	char what[64];

	for (int t = 0; t < ntramps; t++) {
		for (int k = 0; k < 4; k++) {
			struct escape e = { tramps[t], k };

			snprintf(what, sizeof(what), "escape %s via trampoline %d", names[k], t);
			in_child(what, escape_one, &e, 10);
		}
	}
}

/* ---- the fast path (systrap: patched syscall sites enter the stub
 * without a trap, at the page-aligned trampoline + 0x10) ---- */

static uintptr_t fast_entry;

/* Jump to the fast entry as a patched site would, with %eax = nr and
 * %rcx = where to come back. */
static long fast_call(long nr, long a0)
{
	register long rdi __asm__("rdi") = a0;
	register uintptr_t rbx __asm__("rbx") = fast_entry;
	long rax = nr;

	__asm__ volatile("lea 1f(%%rip), %%rcx\n\t"
			 "jmp *%%rbx\n"
			 "1:"
			 : "+a"(rax), "+D"(rdi), "+b"(rbx)
			 : : "rcx", "r11", "memory");
	return rax;
}

static void fast_one(void *arg)
{
	static uint8_t own[0x30000] __attribute__((aligned(0x10000)));
	unsigned long gs;

	switch (*(int *)arg) {
	case 0: /* a plain call through the entry: just a syscall */
		printf("  getppid via the fast entry: %s\n",
		       fast_call(SYS_getppid, 0) == getppid() ? "right" : "WRONG");
		break;
	case 1: /* gs (the stub's pointer to its slot) at unmapped memory */
	case 2: /* gs at the guest's own memory: the stub writes a trap there */
		gs = *(int *)arg == 1 ? 0x100000000000UL : (uintptr_t)own;
		/* SIGILL here: the host does not let user code write gs. */
		__asm__ volatile("wrgsbase %0" : : "r"(gs) : "memory");
		fast_call(SYS_getppid, 0);
		printf("  returned from the fast entry with a forged gs\n");
		break;
	case 3: /* scribble on the table of patched sites, then call one */
		if (mprotect((void *)0x60000, PAGE, PROT_READ | PROT_WRITE) < 0) {
			printf("  no [usertrap] area: %s\n", strerror(errno));
			return;
		}
		for (int i = 0; i < (int)(PAGE / 8); i++)
			((volatile uint64_t *)0x60000)[i] = 0x4141414141414141ULL;
		printf("  getpid after the table was scribbled: %d\n", getpid() > 0);
		break;
	}
}

static void fast_attacks(void)
{
	static const char *const what[] = { "fast entry call", "fast entry, gs unmapped",
					    "fast entry, gs in guest memory",
					    "patched-site table scribbled" };
	static int kinds[] = { 0, 1, 2, 3 };

	for (int t = 0; t < ntramps; t++)
		if (!(tramps[t] & 0xfff))
			fast_entry = tramps[t] + 0x10;
	if (!fast_entry) {
		printf("fast: no fast entry (not systrap)\n");
		return;
	}
	getppid(); /* a patched site in the children */
	for (int i = 0; i < 4; i++)
		in_child(what[i], fast_one, &kinds[i], 10);
}

/* ---- the scribbling race ---- */

static volatile int stop;
static volatile long anomalies;

static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
	/* xorshift64*: deterministic, good enough to scribble. */
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dULL;
}

/* Values that look like what the sentry reads: states, pointers into the
 * page and next to it, sizes at their limits. */
static uint64_t nasty(uintptr_t page)
{
	static const uint64_t fixed[] = { 0, 1, 2, 3, 4, ~0ULL, 0x7fffffff, 0x80000000,
					  0xffffffff, 0x46505853, 8188, 8192, 0x10000 };
	switch (rnd() % 6) {
	case 0:
	case 1:
		return fixed[rnd() % (sizeof(fixed) / sizeof(fixed[0]))];
	case 2:
		return page + (rnd() % 0x20000) - 0x8000;
	case 3:
		return (page & ~0xffffUL) + 0x10000 - (rnd() % 0x3000);
	default:
		return rnd();
	}
}

static int race_mode;
#define RACE_HEADER 1 /* message headers: state, pointers, flags */
#define RACE_FRAME  2 /* signal stacks (frames, FP state), reply page */
#define RACE_FORGE  4 /* forged traps */

static void *scribbler(void *arg)
{
	(void)arg;
	while (!stop) {
		for (int i = 0; i < npages; i++) {
			volatile uint64_t *w = (volatile uint64_t *)pages[i];
			bool header = !(pages[i] & 0xffff);

			if (page_rw[i] != 3)
				continue;
			if (header && (race_mode & RACE_HEADER)) {
				if (rnd() & 1)
					w[rnd() % 10] = nasty(pages[i]);
				else
					((volatile uint32_t *)w)[rnd() % 20] = (uint32_t)nasty(pages[i]);
			} else if (!header && (race_mode & RACE_FRAME)) {
				/* The top of a signal stack holds the frame. */
				if (rnd() & 1)
					w[PAGE / 8 - 1 - rnd() % 128] = nasty(pages[i]);
				else
					w[rnd() % (PAGE / 8)] = nasty(pages[i]);
			}
		}
	}
	return NULL;
}

/* Forged traps: state says "trapped" with a made-up frame. */
static void *forger(void *arg)
{
	(void)arg;
	while (!stop) {
		for (int i = 0; i < npages; i++) {
			volatile uint32_t *st = (volatile uint32_t *)pages[i];
			volatile uint64_t *w = (volatile uint64_t *)pages[i];

			if (page_rw[i] != 3 || (pages[i] & 0xffff))
				continue;
			w[2] = 31;                                  /* signo */
			w[3] = pages[i] + 0x800;                    /* siginfo */
			w[4] = pages[i] + 0x1000 + rnd() % 0xe000;  /* ucontext */
			__atomic_store_n(st, 1, __ATOMIC_SEQ_CST);  /* ST_TRAP */
		}
		sched_yield();
	}
	return NULL;
}

static void *syscaller(void *arg)
{
	pid_t ppid = getppid();
	int fds[2];
	char buf[8];

	(void)arg;
	if (pipe(fds) < 0)
		return NULL;
	while (!stop) {
		if (getppid() != ppid)
			__atomic_add_fetch(&anomalies, 1, __ATOMIC_RELAXED);
		if (write(fds[1], "ping", 4) != 4 || read(fds[0], buf, 8) != 4)
			__atomic_add_fetch(&anomalies, 1, __ATOMIC_RELAXED);
	}
	close(fds[0]);
	close(fds[1]);
	return NULL;
}

static void race(void *arg)
{
	pthread_t th[5];
	int n = 0;

	/* Threads first, so their message pages exist when we look. */
	for (int i = 0; i < 3; i++)
		pthread_create(&th[n++], NULL, syscaller, NULL);
	usleep(100000);
	npages = nwritable = ntramps = 0;
	probe_handlers();
	locate();
	race_mode = *(int *)arg;
	if (race_mode & (RACE_HEADER | RACE_FRAME))
		pthread_create(&th[n++], NULL, scribbler, NULL);
	if (race_mode & RACE_FORGE)
		pthread_create(&th[n++], NULL, forger, NULL);
	sleep(2);
	stop = 1;
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	printf("  race: the scribbling process survived (%ld confused results)\n", anomalies);
}

/* ---- the bystander ---- */

static volatile int sig_seen;
static void on_usr1(int s)
{
	(void)s;
	sig_seen++;
}

/* A process with its own address space that checks its results while
 * another process scribbles: it must never see a wrong one. */
static void bystander(int secs, int ready_fd)
{
	pid_t ppid = getppid(), pid = getpid();
	volatile double acc = 1.0, expect = 1.0;
	long bad = 0, rounds = 0;
	time_t end = time(NULL) + secs;
	int fds[2];
	char buf[8];

	signal(SIGUSR1, on_usr1);
	if (pipe(fds) < 0)
		_exit(2);
	if (write(ready_fd, "r", 1) != 1)
		_exit(2);
	while (time(NULL) < end) {
		int before = sig_seen;

		acc = acc * 1.0000001 + 0.5;
		if (getppid() != ppid || getpid() != pid)
			bad++;
		if (write(fds[1], "abcd", 4) != 4 || read(fds[0], buf, 8) != 4 ||
		    memcmp(buf, "abcd", 4))
			bad++;
		kill(pid, SIGUSR1);
		if (sig_seen != before + 1)
			bad++;
		expect = expect * 1.0000001 + 0.5;
		if (acc != expect)
			bad++;
		rounds++;
	}
	printf("bystander: %s\n", bad ? "WRONG RESULTS" : "all results right");
	fflush(stdout);
	_exit(bad ? 1 : 0);
}

/* ---- host side: a subreaper around the sandbox ---- */

static int reap(char **argv)
{
	int st = 0, left = 0;
	pid_t pid;

	prctl(PR_SET_CHILD_SUBREAPER, 1);
	pid = fork();
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	/* Whatever the sandbox started is now ours once orphaned: it must
	 * all be gone within a moment. */
	for (int tries = 0; tries < 30; tries++) {
		DIR *d = opendir("/proc");
		struct dirent *de;

		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		left = 0;
		while (d && (de = readdir(d))) {
			char path[300], line[512];
			FILE *f;
			int ppid = 0;
			char state = 0;

			if (de->d_name[0] < '0' || de->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
			if (!(f = fopen(path, "r")))
				continue;
			if (fgets(line, sizeof(line), f)) {
				char *p = strrchr(line, ')');

				if (p)
					sscanf(p + 1, " %c %d", &state, &ppid);
			}
			fclose(f);
			if (ppid == getpid() && state != 'Z')
				left++;
		}
		if (d)
			closedir(d);
		if (!left)
			break;
		usleep(100000);
	}
	fprintf(stderr, "reaper: %d host processes left behind\n", left);
	if (left)
		return 125;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	int ready[2];
	pid_t by;
	int st;
	char c;

	if (argc > 2 && !strcmp(argv[1], "--reap"))
		return reap(argv + 2);
	if (argc < 2) {
		fprintf(stderr, "usage: hostile CANARY | hostile --reap CMD...\n");
		return 2;
	}
	canary = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	probe_handlers();
	locate();
	escapes();
	fast_attacks();

	/* The bystander runs through the whole race. */
	if (pipe(ready) < 0)
		return 1;
	by = fork();
	if (by == 0) {
		close(ready[0]);
		bystander(10, ready[1]);
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		printf("bystander did not start\n");
	for (int i = 0; i < 4; i++) {
		static const char *const what[] = { "race headers", "race frames",
						    "race forged traps", "race all" };
		static int modes[] = { RACE_HEADER, RACE_FRAME, RACE_FORGE,
				       RACE_HEADER | RACE_FRAME | RACE_FORGE };

		in_child(what[i], race, &modes[i], 30);
	}
	if (waitpid(by, &st, 0) != by || !WIFEXITED(st) || WEXITSTATUS(st))
		printf("bystander: failed (status %#x)\n", st);
	printf("hostile: done, the sentry still answers (ppid %s)\n",
	       getppid() >= 0 ? "ok" : "bad");
	return 0;
}
