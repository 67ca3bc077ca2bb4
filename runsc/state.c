/* Container state directories and state.json (see state.h). Every command
 * that reads or changes a container holds the flock of ROOT/ID/lock while
 * it does, so concurrent runsc invocations on one container serialize; a
 * directory found unlinked after locking was deleted meanwhile. */
#define _GNU_SOURCE
#include "runsc/state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

const char *state_root(const char *root_flag)
{
	return root_flag && root_flag[0] ? root_flag : STATE_ROOT_DEFAULT;
}

bool state_id_valid(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > STATE_MAX_ID)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || !strchr("_+.-", c)))
			return false;
	}
	return true;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[4096];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int lock_dir(struct state_dir *d)
{
	struct stat st;

	d->lockfd = openat(d->dirfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (d->lockfd < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	while (flock(d->lockfd, LOCK_EX) < 0)
		if (errno != EINTR)
			return -errno;
	/* Deleted while we waited for the lock. */
	if (fstat(d->dirfd, &st) < 0 || st.st_nlink == 0)
		return -ENOENT;
	return 0;
}

static int dir_open(const char *root, const char *id, struct state_dir *d, bool create)
{
	int err;

	memset(d, 0, sizeof(*d));
	d->dirfd = d->lockfd = -1;
	if (!state_id_valid(id))
		return -EINVAL;
	snprintf(d->id, sizeof(d->id), "%s", id);
	if (snprintf(d->path, sizeof(d->path), "%s/%s", root, id) >= (int)sizeof(d->path))
		return -ENAMETOOLONG;
	if (create) {
		if ((err = mkdir_p(root, 0711)) < 0)
			return err;
		if (mkdir(d->path, 0711) < 0)
			return -errno;
	}
	d->dirfd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (d->dirfd < 0)
		return -errno;
	if ((err = lock_dir(d)) < 0) {
		state_dir_close(d);
		return err;
	}
	return 0;
}

int state_dir_create(const char *root, const char *id, struct state_dir *d)
{
	return dir_open(root, id, d, true);
}

int state_dir_open(const char *root, const char *id, struct state_dir *d)
{
	return dir_open(root, id, d, false);
}

void state_dir_close(struct state_dir *d)
{
	if (d->lockfd >= 0)
		close(d->lockfd);
	if (d->dirfd >= 0)
		close(d->dirfd);
	d->lockfd = d->dirfd = -1;
}

int state_dir_remove(struct state_dir *d)
{
	int fd = fcntl(d->dirfd, F_DUPFD_CLOEXEC, 0), err = 0;
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!dir) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		state_dir_close(d);
		return err;
	}
	while ((e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		/* The sentry's empty root is the one directory in there. */
		if (unlinkat(d->dirfd, e->d_name, e->d_type == DT_DIR ? AT_REMOVEDIR : 0) < 0 &&
		    errno != ENOENT)
			err = -errno;
	}
	closedir(dir);
	/* The lock file went with the rest; we still hold its flock until
	 * the directory itself is gone, so a waiter sees nlink == 0. */
	if (rmdir(d->path) < 0 && errno != ENOENT)
		err = -errno;
	state_dir_close(d);
	return err;
}

int state_read(struct state_dir *d, struct state *s)
{
	json_error_t jerr;
	json_t *j, *v;
	int fd;

	memset(s, 0, sizeof(*s));
	s->exit_status = -1;
	fd = openat(d->dirfd, "state.json", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	j = json_loadfd(fd, 0, &jerr);
	close(fd);
	if (!j || !json_is_object(j)) {
		json_decref(j);
		return -EUCLEAN;
	}
	snprintf(s->id, sizeof(s->id), "%s", d->id);
	if ((v = json_object_get(j, "status")) && json_is_string(v))
		snprintf(s->status, sizeof(s->status), "%s", json_string_value(v));
	if ((v = json_object_get(j, "pid")) && json_is_integer(v))
		s->pid = (pid_t)json_integer_value(v);
	if ((v = json_object_get(j, "pidStartTime")) && json_is_integer(v))
		s->pid_start = (unsigned long long)json_integer_value(v);
	if ((v = json_object_get(j, "exitStatus")) && json_is_integer(v))
		s->exit_status = (int)json_integer_value(v);
	if ((v = json_object_get(j, "bundle")) && json_is_string(v))
		s->bundle = strdup(json_string_value(v));
	if ((v = json_object_get(j, "rootfs")) && json_is_string(v))
		s->rootfs = strdup(json_string_value(v));
	if ((v = json_object_get(j, "created")) && json_is_string(v))
		snprintf(s->created, sizeof(s->created), "%s", json_string_value(v));
	if ((v = json_object_get(j, "annotations")) && json_is_object(v))
		s->annotations = json_incref(v);
	json_decref(j);
	if (!s->status[0])
		return -EUCLEAN;
	return 0;
}

static json_t *state_to_file_json(const struct state *s)
{
	json_t *j = state_to_oci_json(s);

	json_object_set_new(j, "pid", json_integer(s->pid));
	json_object_set_new(j, "pidStartTime", json_integer((json_int_t)s->pid_start));
	json_object_set_new(j, "exitStatus", json_integer(s->exit_status));
	return j;
}

int state_write(struct state_dir *d, const struct state *s)
{
	json_t *j = state_to_file_json(s);
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	size_t len, off = 0;
	int fd, err = 0;

	json_decref(j);
	if (!text)
		return -ENOMEM;
	len = strlen(text);
	fd = openat(d->dirfd, "state.json.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		    0600);
	if (fd < 0) {
		free(text);
		return -errno;
	}
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		off += (size_t)n;
	}
	free(text);
	if (!err && fsync(fd) < 0)
		err = -errno;
	close(fd);
	if (!err && renameat(d->dirfd, "state.json.tmp", d->dirfd, "state.json") < 0)
		err = -errno;
	if (!err)
		fsync(d->dirfd);
	if (err)
		unlinkat(d->dirfd, "state.json.tmp", 0);
	return err;
}

void state_free(struct state *s)
{
	free(s->bundle);
	free(s->rootfs);
	json_decref(s->annotations);
	s->bundle = s->rootfs = NULL;
	s->annotations = NULL;
}

unsigned long long state_pid_start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* comm may hold spaces and parens: fields resume after the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	/* Field 3 (state) follows; starttime is field 22. */
	for (int f = 3; f < 22 && p; f++)
		p = strchr(p + 1, ' ');
	if (p)
		start = strtoull(p + 1, NULL, 10);
	return start;
}

bool state_pid_alive(pid_t pid, unsigned long long start_time)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	if (pid <= 0 || state_pid_start_time(pid) != start_time)
		return false;
	/* A zombie is not running either. */
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

void state_refresh(struct state *s)
{
	if (strcmp(s->status, "created") && strcmp(s->status, "running") &&
	    strcmp(s->status, "creating") && strcmp(s->status, "paused"))
		return;
	if (!state_pid_alive(s->pid, s->pid_start))
		snprintf(s->status, sizeof(s->status), "stopped");
}

json_t *state_to_oci_json(const struct state *s)
{
	json_t *j = json_object();
	bool live = !strcmp(s->status, "created") || !strcmp(s->status, "running") ||
		    !strcmp(s->status, "paused");

	json_object_set_new(j, "ociVersion", json_string("1.0.2"));
	json_object_set_new(j, "id", json_string(s->id));
	json_object_set_new(j, "status", json_string(s->status));
	json_object_set_new(j, "pid", json_integer(live ? s->pid : 0));
	json_object_set_new(j, "bundle", json_string(s->bundle ? s->bundle : ""));
	json_object_set_new(j, "rootfs", json_string(s->rootfs ? s->rootfs : ""));
	json_object_set_new(j, "created", json_string(s->created));
	json_object_set_new(j, "owner", json_string(""));
	if (s->annotations && json_object_size(s->annotations))
		json_object_set(j, "annotations", s->annotations);
	return j;
}
