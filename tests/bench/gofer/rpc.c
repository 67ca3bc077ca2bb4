/* gofer_rpc: round-trip cost of gofer requests, measured from a client
 * that talks the protocol directly (no sentry in between), against a
 * gofer serving a scratch directory of 1000 files (docs/design.md, Gofer).
 *   usage: gofer_rpc RUNSC [ITERS]   (as root; prints ns per request)
 * Build and run: make bench-gofer. A host program, so it lives apart from
 * the guest benchmarks of tests/bench. */
#define _GNU_SOURCE
#include "fs/gofer_proto.h"
#include "runsc/gofer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int sock;
static char sbuf[GOFER_MSG_MAX], rbuf[GOFER_MSG_MAX];
static struct gofer_msg q, r;
static uint32_t root;

static void die(const char *what)
{
	fprintf(stderr, "gofer_rpc: %s\n", what);
	exit(1);
}

static int rpc(void)
{
	long n = gofer_encode(&q, sbuf, sizeof(sbuf));
	int fd;

	if (n < 0 || gofer_send(sock, sbuf, n, -1) < 0)
		die("send");
	n = gofer_recv(sock, rbuf, sizeof(rbuf), &fd);
	if (n <= 0 || gofer_decode(rbuf, n, &r) < 0)
		die("recv");
	if (fd >= 0)
		close(fd);
	return r.type == GOFER_RERROR ? -r.f.error.err : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void op_stat(void)
{
	memset(&q.f, 0, sizeof(q.f));
	q.type = GOFER_TSTAT;
	q.f.fid.fid = root;
	rpc();
}

static void op_lstat(void)
{
	memset(&q.f, 0, sizeof(q.f));
	q.type = GOFER_TLSTAT;
	q.f.fid.fid = root;
	strcpy(q.str[0], "f0");
	rpc();
}

static void op_walk_clunk(void)
{
	memset(&q.f, 0, sizeof(q.f));
	q.type = GOFER_TWALK;
	q.f.fid.fid = root;
	strcpy(q.str[0], "f1");
	if (rpc())
		die("walk");
	q.type = GOFER_TCLUNK;
	q.f.fid.fid = r.f.rfid.fid;
	rpc();
}

static uint32_t file;

static void op_open(void)
{
	memset(&q.f, 0, sizeof(q.f));
	q.type = GOFER_TOPEN;
	q.f.open.fid = file;
	if (rpc())
		die("open");
}

static void op_getdents(void)
{
	uint64_t off = 0;

	for (;;) {
		struct gofer_dirent d;
		size_t pos = 0;

		memset(&q.f, 0, sizeof(q.f));
		q.type = GOFER_TGETDENTS;
		q.f.getdents = (struct gofer_tgetdents){ root, 32768, off };
		if (rpc())
			die("getdents");
		if (r.bloblen == 0)
			break;
		while (gofer_dirent_next(r.blob, r.bloblen, &pos, &d) == 1)
			off = d.off;
	}
}

static void bench(const char *name, void (*fn)(void), long n, double per)
{
	double t = now();

	for (long i = 0; i < n; i++)
		fn();
	printf("%-22s %10.0f ns/op\n", name, (now() - t) / n / per);
}

int main(int argc, char **argv)
{
	struct gofer_config cfg = { .nmounts = 1 };
	char dir[] = "/tmp/gofer-rpc-XXXXXX", p[64];
	long n = argc > 2 ? atol(argv[2]) : 20000;
	pid_t pid;

	if (argc < 2)
		die("usage: gofer_rpc RUNSC [ITERS]");
	if (!mkdtemp(dir))
		die("mkdtemp");
	for (int i = 0; i < 1000; i++) {
		snprintf(p, sizeof(p), "%s/f%d", dir, i);
		close(open(p, O_CREAT | O_WRONLY, 0644));
	}
	cfg.exe = argv[1];
	cfg.mounts[0].source = dir;
	if (gofer_spawn(&cfg, &pid, &sock) < 0)
		die("spawn");
	q.type = GOFER_TATTACH;
	if (rpc())
		die("attach");
	root = r.f.rfid.fid;
	memset(&q.f, 0, sizeof(q.f));
	q.type = GOFER_TWALK;
	q.f.fid.fid = root;
	strcpy(q.str[0], "f2");
	if (rpc())
		die("walk");
	file = r.f.rfid.fid;
	bench("stat", op_stat, n, 1);
	bench("stat by name", op_lstat, n, 1);
	bench("walk+clunk (2 rpcs)", op_walk_clunk, n, 1);
	bench("open (fd passed)", op_open, n, 1);
	bench("getdents 1000 entries", op_getdents, n / 100 + 1, 1);
	close(sock);
	waitpid(pid, NULL, 0);
	for (int i = 0; i < 1000; i++) {
		snprintf(p, sizeof(p), "%s/f%d", dir, i);
		unlink(p);
	}
	rmdir(dir);
	return 0;
}
