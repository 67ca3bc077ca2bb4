/* Sentry start-up: memory file, platform, host I/O thread, stdio and the
 * init task. */
#define _GNU_SOURCE
#include "runsc/runsc.h"
#include "fs/file.h"
#include "sentry/hostio.h"
#include "sentry/log.h"
#include "sentry/memfile.h"
#include "sentry/task.h"
#include "syscalls/table.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MEMFILE_BYTES (64ULL << 30)

static struct platform platform;

static void kill_stubs(void)
{
	/* The sentry is init of its pid namespace when it can be, so its exit
	 * takes every stub with it; otherwise EXITKILL does. */
}

static int import_stdio(struct files *files)
{
	for (int fd = 0; fd < 3; fd++) {
		int fl = fcntl(fd, F_GETFL), dup;
		struct file *f;
		char name[32];

		if (fl < 0)
			continue;
		dup = fcntl(fd, F_DUPFD_CLOEXEC, 10);
		if (dup < 0)
			return -errno;
		snprintf(name, sizeof(name), "host:[%d]", fd);
		f = hostfd_file_new(dup, fl & (O_ACCMODE | O_APPEND), name);
		if (!f)
			return -ENOMEM;
		fd_install_at(files, fd, f, false, 1024);
		file_put(f);
	}
	return 0;
}

int sentry_boot(const struct boot_config *cfg)
{
	const struct platform_ops *ops = platform_lookup(cfg->platform);
	struct files *files;
	struct fs_ctx *fs;
	int err;

	log_level = cfg->debug ? 2 : 0;
	crash_install_handlers();
	crash_register_thread();
	crash_set_cleanup(kill_stubs);
	if (!ops) {
		fprintf(stderr, "runsc: unknown platform %s\n", cfg->platform);
		return 125;
	}
	if ((err = memfile_init(MEMFILE_BYTES)) < 0) {
		fprintf(stderr, "runsc: memory file: %s\n", strerror(-err));
		return 125;
	}
	platform.ops = ops;
	the_platform = &platform;
	if ((err = ops->init(&platform, memfile_fd)) < 0) {
		fprintf(stderr, "runsc: platform %s: %s\n", ops->name, strerror(-err));
		return 125;
	}
	sinfo("platform %s", ops->name);
	if ((err = hostio_start()) < 0) {
		fprintf(stderr, "runsc: host I/O thread: %s\n", strerror(-err));
		return 125;
	}
	fs_init_hooks();
	syscalls_init();
	syscalls_init_hooks();
	kernel.strace = cfg->strace;
	if (cfg->hostname)
		snprintf(kernel.hostname, sizeof(kernel.hostname), "%s", cfg->hostname);
	files = files_new();
	fs = fs_ctx_new(cfg->cwd ? cfg->cwd : "/");
	if (!files || !fs || import_stdio(files) < 0) {
		fprintf(stderr, "runsc: cannot set up stdio\n");
		return 125;
	}
	if (cfg->has_umask)
		fs->umask = cfg->umask & 0777;
	if (cfg->identity)
		kernel_set_init_identity(cfg->identity);
	err = kernel_start_init(cfg->exe ? cfg->exe : cfg->argv[0], cfg->argv, cfg->envp, files, fs);
	if (err < 0) {
		fprintf(stderr, "runsc: cannot start init: %s\n", strerror(-err));
		return 125;
	}
	/* `runsc boot` answers `runsc start` and opens its control socket. */
	if (cfg->started && (err = cfg->started(cfg->started_arg)) < 0)
		swarn("runsc: control socket: %s", strerror(-err));
	return kernel_wait();
}
