/* The sandbox's side of `runsc exec` (protocol in runsc/cmd_exec.c): a
 * request carries an OCI process and three host fds; the process starts
 * as a parentless guest process sharing init's root and mount namespace,
 * and the connection gets "exit STATUS" when it is gone. */
#define _GNU_SOURCE
#include "runsc/exec_server.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "runsc/oci.h"
#include "runsc/runsc.h"
#include "sentry/sentry.h"
#include "sentry/memfile.h"
#include "sentry/task.h"

#include <jansson.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define EXEC_MAX_PROCESS (1u << 20)

void oci_process_identity(const struct oci_process *pr, struct init_identity *id)
{
	memset(id, 0, sizeof(*id));
	id->uid = pr->uid;
	id->gid = pr->gid;
	id->ngroups = (uint32_t)(pr->ngids > 64 ? 64 : pr->ngids);
	for (uint32_t i = 0; i < id->ngroups; i++)
		id->groups[i] = pr->additional_gids[i];
	id->cap_bounding = pr->cap_bounding;
	id->cap_effective = pr->cap_effective;
	id->cap_inheritable = pr->cap_inheritable;
	id->cap_permitted = pr->cap_permitted;
	id->cap_ambient = pr->cap_ambient;
	id->no_new_privs = pr->no_new_privileges;
	for (size_t i = 0; i < pr->nrlimits && i < RLIM_NLIMITS; i++) {
		id->rlimits[i].resource = pr->rlimits[i].type;
		id->rlimits[i].soft = pr->rlimits[i].soft;
		id->rlimits[i].hard = pr->rlimits[i].hard;
		id->nrlimits++;
	}
}

/* One exec'd process: the connection that waits for its status. */
struct exec_wait {
	int conn;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	bool done;
	int status;
};

static void on_exit_cb(void *arg, int status)
{
	struct exec_wait *w = arg;

	pthread_mutex_lock(&w->mu);
	w->status = status;
	w->done = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mu);
}

static void *waiter(void *arg)
{
	struct exec_wait *w = arg;
	char line[32];
	int n;

	pthread_mutex_lock(&w->mu);
	while (!w->done)
		pthread_cond_wait(&w->cond, &w->mu);
	pthread_mutex_unlock(&w->mu);
	n = snprintf(line, sizeof(line), "exit %d\n", w->status);
	if (send(w->conn, line, (size_t)n, MSG_NOSIGNAL) < 0) {
		/* the CLI is gone; nobody to tell */
	}
	close(w->conn);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cond);
	free(w);
	return NULL;
}

/* Read exactly n bytes within timeout_ms. */
static int read_exact(int fd, char *buf, size_t n, int timeout_ms)
{
	size_t off = 0;

	while (off < n) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int pr = poll(&p, 1, timeout_ms);
		ssize_t r;

		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			return pr == 0 ? -ETIMEDOUT : -errno;
		r = read(fd, buf + off, n - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? -ECONNRESET : -errno;
		off += (size_t)r;
	}
	return 0;
}

/* The byte carrying the three stdio fds. */
static int recv_fds(int fd, int fds[3], int timeout_ms)
{
	char cbuf[CMSG_SPACE(8 * sizeof(int))], byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct cmsghdr *c;
	int n = 0;

	if (poll(&p, 1, timeout_ms) <= 0)
		return -ETIMEDOUT;
	if (recvmsg(fd, &mh, MSG_CMSG_CLOEXEC) != 1)
		return -EPROTO;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		int cnt = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		int got[8];

		if (cnt > 8)
			cnt = 8;
		memcpy(got, CMSG_DATA(c), (size_t)cnt * sizeof(int));
		for (int i = 0; i < cnt; i++) {
			if (n < 3)
				fds[n++] = got[i];
			else
				close(got[i]);
		}
	}
	if (n != 3 || (mh.msg_flags & MSG_CTRUNC)) {
		for (int i = 0; i < n; i++)
			close(fds[i]);
		return -EPROTO;
	}
	return 0;
}

static int chdir_hook(struct task *t, const char *path)
{
	struct path p;
	int err;

	err = vfs_lookup_at(t, AT_FDCWD, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &p);

	if (err < 0)
		return err;
	err = vfs_chdir(t, &p);
	path_put(&p);
	return err;
}

/* Find init's fs context: cwd/root/mount namespace to start from. */
static struct fs_ctx *init_fs(void)
{
	struct thread_group *tg = kernel.init;
	struct task *t;

	if (!tg || kernel.done)
		return NULL;
	list_for_each_entry(t, &tg->tasks, tg_node)
		if (t->fs)
			return t->fs;
	return NULL;
}

void exec_serve(int conn, const char *line)
{
	struct spawn_args sa = { 0 };
	struct init_identity id;
	struct oci_process pr;
	struct oci_error oerr;
	struct exec_wait *w = NULL;
	struct files *files = NULL;
	struct fs_ctx *fs = NULL, *ifs;
	const char *search = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	char *buf = NULL;
	size_t len;
	int fds[3] = { -1, -1, -1 }, pid = 0, err, wconn = -1, efd = -1;
	pthread_t th;

	if (sscanf(line, "exec %zu", &len) != 1 || len == 0 || len > EXEC_MAX_PROCESS) {
		fd_line(conn, "error malformed exec request");
		return;
	}
	buf = malloc(len);
	if (!buf) {
		fd_line(conn, "error out of memory");
		return;
	}
	if (read_exact(conn, buf, len, 5000) < 0 || recv_fds(conn, fds, 5000) < 0) {
		fd_line(conn, "error malformed exec request");
		free(buf);
		return;
	}
	if (oci_process_parse(buf, len, &pr, &oerr) < 0) {
		fd_line(conn, "error %s", oerr.msg);
		goto out_fds;
	}
	for (size_t i = 0; i < pr.nenv; i++)
		if (!strncmp(pr.env[i], "PATH=", 5))
			search = pr.env[i] + 5;
	oci_process_identity(&pr, &id);
	w = calloc(1, sizeof(*w));
	wconn = fcntl(conn, F_DUPFD_CLOEXEC, 3);
	if (!w || wconn < 0) {
		fd_line(conn, "error %s", strerror(w ? errno : ENOMEM));
		free(w);
		if (wconn >= 0)
			close(wconn);
		goto out_proc;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->conn = wconn;
	efd = fcntl(fds[2], F_DUPFD_CLOEXEC, 3);
	bkl_lock();
	sentry_chdir_hook = chdir_hook;
	files = files_new();
	ifs = init_fs();
	fs = ifs ? fs_ctx_dup(ifs) : NULL;
	err = !ifs ? -ESRCH : !files || !fs ? -ENOMEM : 0;
	for (int i = 0; i < 3 && !err; i++) {
		int fl = fcntl(fds[i], F_GETFL);
		struct file *f;
		char name[32];

		snprintf(name, sizeof(name), "host:[%d]", i);
		f = fl < 0 ? NULL : hostfd_file_new(fds[i], fl & (O_ACCMODE | O_APPEND), name);
		if (!f) {
			err = fl < 0 ? -EBADF : -ENOMEM;
			break;
		}
		fds[i] = -1;    /* the file owns it now */
		fd_install_at(files, i, f, false, FD_MAX_DEFAULT_LIMIT);
		file_put(f);
	}
	if (!err) {
		sa.path = pr.args[0];
		sa.search = search;
		sa.cwd = pr.cwd;
		sa.argv = pr.args;
		sa.envp = pr.env;
		sa.files = files;
		sa.fs = fs;
		sa.identity = &id;
		/* An exec failure is reported on the process's stderr. */
		sa.errfd = efd;
		sa.on_exit = on_exit_cb;
		sa.on_exit_arg = w;
		if (pr.umask >= 0)
			fs->umask = (unsigned int)pr.umask & 0777;
	}
	bkl_unlock();
	if (!err)
		err = kernel_spawn(&sa, &pid);
	if (err < 0) {
		bkl_lock();
		if (files)
			files_put(files);
		if (fs)
			fs_ctx_put(fs);
		bkl_unlock();
		if (efd >= 0)
			close(efd);
		fd_line(conn, "error starting the process: %s", strerror(-err));
		close(wconn);
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cond);
		free(w);
		goto out_proc;
	}
	fd_line(conn, "ok %d", pid);
	if (pthread_create(&th, NULL, waiter, w) == 0)
		pthread_detach(th);
	/* Without a waiter thread the status is lost but nothing leaks
	 * beyond the connection, which the CLI sees close at our exit. */
out_proc:
	oci_process_free(&pr);
out_fds:
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(buf);
}

int exec_signal(int pid, int sig)
{
	struct thread_group *tg;
	int err;

	if (sig < 1 || sig >= NSIG_K)
		return -EINVAL;
	bkl_lock();
	tg = kernel.done ? NULL : tg_lookup(pid);
	err = tg && !tg->zombie ? sig_send_tg(tg, sig, NULL) : -ESRCH;
	bkl_unlock();
	return err;
}

struct stats_acc {
	uint64_t user_ns, sys_ns;
	int procs;
};

static void stats_tg(struct thread_group *tg, void *arg)
{
	struct stats_acc *a = arg;
	struct task *t;

	if (tg->zombie)
		return;
	a->procs++;
	list_for_each_entry(t, &tg->tasks, tg_node) {
		a->user_ns += t->utime_ns;
		a->sys_ns += task_stime(t);
	}
}

char *exec_stats_json(void)
{
	struct stats_acc a = { 0 };
	json_t *j;
	char *text;

	bkl_lock();
	if (!kernel.done)
		for_each_tg(stats_tg, &a);
	bkl_unlock();
	/* runc's field names: CPU time of the live guest tasks, memory the
	 * guest holds in the memory file, guest processes. */
	j = json_pack("{s:{s:{s:I,s:I,s:I}},s:{s:{s:I}},s:{s:i}}",
		      "cpu", "usage", "total", (json_int_t)(a.user_ns + a.sys_ns),
		      "user", (json_int_t)a.user_ns, "kernel", (json_int_t)a.sys_ns,
		      "memory", "usage", "usage", (json_int_t)(memfile_pages_in_use() * 4096),
		      "pids", "current", a.procs);
	text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	return text;
}
