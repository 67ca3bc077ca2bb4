/* Copy-on-write corners that the sandbox takes shortcuts on: the pages
 * both sides of a fork write first (stack, thread block), a kernel write
 * (read() into a buffer) landing on a page shared after fork, writes after
 * the other side of a fork has gone (all of the mm's pages at once),
 * mprotect of a range whose pages are still shared, and a program's
 * writable data written by one exec and read by the next one. */
#include "../common.h"
#include <sys/mman.h>

static int data_word = 1234;          /* .data */
static char bss_buf[3 * 4096];       /* .bss */
static __thread int tls_word = 7;

static void sync_write(int fd)
{
	if (write(fd, "x", 1) != 1)
		_exit(90);
}

static void sync_read(int fd)
{
	char c;

	if (read(fd, &c, 1) != 1)
		_exit(91);
}

static void hot_pages(void)
{
	volatile char stack_page[256];
	int p2c[2], c2p[2];
	pid_t pid;

	memset((char *)stack_page, 'p', sizeof(stack_page));
	tls_word = 8;
	if (pipe(p2c) || pipe(c2p))
		exit(2);
	pid = fork();
	if (pid == 0) {
		int bad = 0;

		stack_page[0] = 'c';
		tls_word = 9;
		sync_write(c2p[1]);
		sync_read(p2c[0]);  /* the parent has written its own now */
		bad |= stack_page[0] != 'c' || stack_page[255] != 'p';
		bad |= tls_word != 9;
		_exit(bad);
	}
	stack_page[255] = 'P';
	tls_word = 10;
	sync_read(c2p[0]);
	sync_write(p2c[1]);
	reap(pid, "hot pages: child sees its own stack and tls (0)");
	printf("hot pages: parent stack %c%c tls %d\n", stack_page[0], stack_page[255], tls_word);
	close(p2c[0]);
	close(p2c[1]);
	close(c2p[0]);
	close(c2p[1]);
}

static void kernel_write(void)
{
	int fds[2], back[2];
	pid_t pid;

	memset(bss_buf, 'o', sizeof(bss_buf));
	if (pipe(fds) || pipe(back))
		exit(2);
	pid = fork();
	if (pid == 0) {
		/* read() writes into a page still shared with the parent. */
		ssize_t n = read(fds[0], bss_buf + 4096 - 3, 6);

		bss_buf[2 * 4096] = 'C';
		sync_write(back[1]);
		_exit(n == 6 && !memcmp(bss_buf + 4096 - 3, "kernel", 6) ? 0 : 1);
	}
	if (write(fds[1], "kernel", 6) != 6)
		exit(2);
	sync_read(back[0]);
	reap(pid, "kernel write: child got the data (0)");
	printf("kernel write: parent buffer %.6s %c\n", bss_buf + 4096 - 3, bss_buf[2 * 4096]);
	close(fds[0]);
	close(fds[1]);
	close(back[0]);
	close(back[1]);
}

static void after_child_gone(void)
{
	int *heap = malloc(64 * 4096);
	volatile int stack_word = 1;
	pid_t pid;

	for (int i = 0; i < 64; i++)
		heap[i * 1024] = i;
	pid = fork();
	if (pid == 0)
		_exit(0);
	reap(pid, "child that exits at once");
	/* Every page was shared and is ours alone again. */
	data_word++;
	stack_word++;
	tls_word++;
	memset(bss_buf, 'a', sizeof(bss_buf));
	for (int i = 0; i < 64; i++)
		heap[i * 1024] += 100;
	pid = fork();
	if (pid == 0) {
		int bad = data_word != 1235 || stack_word != 2 || bss_buf[5000] != 'a';

		for (int i = 0; i < 64; i++)
			bad |= heap[i * 1024] != i + 100;
		heap[0] = -1;
		data_word = -1;
		_exit(bad);
	}
	reap(pid, "after a child is gone: next child sees the writes (0)");
	printf("after child gone: data %d heap %d,%d stack %d\n", data_word, heap[0],
	       heap[63 * 1024], stack_word);
	free(heap);
}

static void mprotect_shared(void)
{
	char *m = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int p2c[2], c2p[2];
	pid_t pid;

	if (m == MAP_FAILED)
		exit(2);
	memset(m, 'm', 8 * 4096);
	if (pipe(p2c) || pipe(c2p))
		exit(2);
	pid = fork();
	if (pid == 0) {
		int bad;

		sync_read(p2c[0]);  /* the parent has reprotected and written */
		bad = m[0] != 'm' || m[4096 * 3] != 'm' || m[8 * 4096 - 1] != 'm';
		m[4096] = 'c';
		sync_write(c2p[1]);
		_exit(bad);
	}
	printf("mprotect ro: %d\n", mprotect(m, 8 * 4096, PROT_READ));
	printf("mprotect rw middle: %d\n", mprotect(m + 2 * 4096, 4 * 4096, PROT_READ | PROT_WRITE));
	printf("mprotect rw all: %d\n", mprotect(m, 8 * 4096, PROT_READ | PROT_WRITE));
	m[0] = 'P';
	m[4096 * 3] = 'P';
	m[8 * 4096 - 1] = 'P';
	sync_write(p2c[1]);
	sync_read(c2p[0]);
	reap(pid, "mprotect: child still sees the old pages (0)");
	printf("mprotect: parent %c%c%c%c\n", m[0], m[4096], m[4096 * 3], m[8 * 4096 - 1]);
	munmap(m, 8 * 4096);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "exec-data")) {
		/* Each exec must start from the file's data, not from what
		 * the previous exec of this program wrote into it. */
		int seen = data_word;

		data_word = 4321;
		bss_buf[0] = 'z';
		return seen == 1234 ? 0 : 1;
	}
	hot_pages();
	kernel_write();
	after_child_gone();
	mprotect_shared();
	for (int i = 0; i < 2; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			execl("/proc/self/exe", argv[0], "exec-data", (char *)NULL);
			_exit(127);
		}
		reap(pid, "exec sees the file's data (0)");
	}
	return 0;
}
