/* Starting the gofer: this binary re-executed as `runsc gofer` with one
 * end of a socketpair as fd 3; the other end is the sentry's. */
#define _GNU_SOURCE
#include "runsc/gofer.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

struct gofer_boot_mounts gofer_boot = { .sock = -1 };

int gofer_spawn(const struct gofer_config *cfg, pid_t *pid, int *sock)
{
	char *argv[GOFER_MAX_MOUNTS + 5];
	int sv[2], ready[2], argc = 0, e = 0, nul;
	char c;
	pid_t p;

	if (cfg->nmounts == 0 || cfg->nmounts > GOFER_MAX_MOUNTS)
		return -EINVAL;
	argv[argc++] = "runsc";
	argv[argc++] = "gofer";
	argv[argc++] = "--sock=3";
	for (unsigned int i = 0; i < cfg->nmounts; i++) {
		if (!cfg->mounts[i].source ||
		    asprintf(&argv[argc], "--mount=%s%s", cfg->mounts[i].rdonly ? "ro:" : "",
			     cfg->mounts[i].source) < 0) {
			e = -ENOMEM;
			goto out_argv;
		}
		argc++;
	}
	if (cfg->debug)
		argv[argc++] = "--debug";
	argv[argc] = NULL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		e = -errno;
		goto out_argv;
	}
	if (pipe2(ready, O_CLOEXEC) < 0) {
		e = -errno;
		close(sv[0]);
		close(sv[1]);
		goto out_argv;
	}
	p = fork();
	if (p < 0) {
		e = -errno;
		close(sv[0]);
		close(sv[1]);
		close(ready[0]);
		close(ready[1]);
		goto out_argv;
	}
	if (p == 0) {
		/* A mount namespace of its own at once: what the caller does to
		 * its mounts next (runsc boot pivots into the rootfs) must not
		 * move the gofer's root while it starts. */
		close(ready[0]);
		unshare(CLONE_NEWNS);
		/* fd 3 is the socket; stdin and stdout are /dev/null; stderr
		 * stays for the gofer's log lines; nothing else is inherited. */
		nul = open("/dev/null", O_RDWR);
		if (dup2(sv[1], 3) < 0 || (nul >= 0 && (dup2(nul, 0) < 0 || dup2(nul, 1) < 0)))
			_exit(127);
		if (cfg->log) {
			int lfd = open(cfg->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);

			if (lfd >= 0)
				dup2(lfd, 2);
		}
		syscall(SYS_close_range, 4, ~0u, CLOSE_RANGE_CLOEXEC);
		execv(cfg->exe ? cfg->exe : "/proc/self/exe", argv);
		_exit(127);
	}
	close(sv[1]);
	/* The pipe closes when the child has exec'd (or died). */
	close(ready[1]);
	while (read(ready[0], &c, 1) < 0 && errno == EINTR)
		;
	close(ready[0]);
	*pid = p;
	*sock = sv[0];
out_argv:
	for (int i = 3; i < argc; i++)
		if (!strncmp(argv[i], "--mount=", 8))
			free(argv[i]);
	return e;
}
