/* Escape attempts from inside a container whose files come through the
 * gofer (run by tests/e2e/gofer.sh): each tries to read a host file that
 * lies outside the rootfs and the bind mounts, whose contents start with
 * a marker. Prints one line per attempt ("blocked" or "ESCAPED") and
 * exits 1 if any read the marker.
 *   gofer_escape SECRET_HOST_PATH SECRET_DIR_HOST_PATH VOLUME_DIR RACE_SECONDS */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MARKER "GOFER-SECRET"

static int escaped;

/* Does the file at fd start with the marker? Closes fd. */
static int is_secret_fd(int fd)
{
	char buf[32] = "";
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && !strncmp(buf, MARKER, strlen(MARKER));
}

static void attempt(const char *what, int fd)
{
	int got = is_secret_fd(fd);

	printf("%-40s %s\n", what, got ? "ESCAPED" : "blocked");
	escaped |= got;
}

static int o(const char *p)
{
	return open(p, O_RDONLY);
}

static int o2(int dirfd, const char *p, unsigned long long resolve)
{
	struct open_how how = { .flags = O_RDONLY, .resolve = resolve };

	return (int)syscall(SYS_openat2, dirfd, p, &how, sizeof(how));
}

static const char *vol;
static volatile int stop;

/* Swap vol/race between a directory and a symlink to the secret's host
 * directory, as fast as possible. */
static void *racer(void *arg)
{
	const char *secret_dir = arg;
	char race[512], tmp[512];

	snprintf(race, sizeof(race), "%s/race", vol);
	snprintf(tmp, sizeof(tmp), "%s/race.tmp", vol);
	while (!stop) {
		symlink(secret_dir, tmp);
		syscall(SYS_renameat2, AT_FDCWD, tmp, AT_FDCWD, race, 2 /* RENAME_EXCHANGE */);
		rename(tmp, race);
		unlink(tmp);
		rmdir(tmp);
		mkdir(tmp, 0755);
		syscall(SYS_renameat2, AT_FDCWD, tmp, AT_FDCWD, race, 2);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *secret, *secret_dir, *base;
	char p[1024];
	int race_s, hits = 0, tries = 0, fd;
	pthread_t th;
	time_t end;

	if (argc != 5) {
		fprintf(stderr, "usage: gofer_escape SECRET SECRET_DIR VOLUME SECONDS\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	secret = argv[1];
	secret_dir = argv[2];
	vol = argv[3];
	race_s = atoi(argv[4]);
	base = strrchr(secret, '/') + 1;

	attempt("absolute host path", o(secret));
	snprintf(p, sizeof(p), "/../../../../../..%s", secret);
	attempt("dot-dot chain from /", o(p));
	snprintf(p, sizeof(p), "%s/../../../../../../..%s", vol, secret);
	attempt("dot-dot chain from the volume", o(p));
	snprintf(p, sizeof(p), "/proc/self/root%s", secret);
	attempt("/proc/self/root", o(p));
	snprintf(p, sizeof(p), "/proc/1/root/../../..%s", secret);
	attempt("/proc/1/root/..", o(p));
	/* Symlinks made inside: absolute and relative, to the host path. */
	snprintf(p, sizeof(p), "%s/abs", vol);
	symlink(secret, p);
	attempt("absolute symlink made in the volume", o(p));
	snprintf(p, sizeof(p), "%s/dirlink", vol);
	symlink(secret_dir, p);
	snprintf(p, sizeof(p), "%s/dirlink/%s", vol, base);
	attempt("symlink to the host directory", o(p));
	/* Symlinks the host made in the volume (the script made them). */
	snprintf(p, sizeof(p), "%s/host-abs", vol);
	attempt("host-made absolute symlink", o(p));
	snprintf(p, sizeof(p), "%s/host-rel", vol);
	attempt("host-made relative ../ symlink", o(p));
	/* Hard link to something outside: there is no name to link from. */
	snprintf(p, sizeof(p), "%s/hard", vol);
	printf("%-40s %s\n", "hard link to the host path",
	       link(secret, p) == 0 ? "made" : "refused");
	attempt("the hard link", o(p));
	/* openat2 with and without resolve restrictions. */
	fd = open(vol, O_PATH | O_DIRECTORY);
	snprintf(p, sizeof(p), "../../../../..%s", secret);
	attempt("openat2 plain", o2(fd, p, 0));
	attempt("openat2 RESOLVE_IN_ROOT", o2(fd, p, RESOLVE_IN_ROOT));
	attempt("openat2 RESOLVE_BENEATH", o2(fd, p, RESOLVE_BENEATH));
	attempt("openat2 of host-made symlink", o2(fd, "host-abs", 0));
	close(fd);
	/* A symlink swapped with a directory while we walk through it. */
	snprintf(p, sizeof(p), "%s/race", vol);
	mkdir(p, 0755);
	pthread_create(&th, NULL, racer, (void *)secret_dir);
	snprintf(p, sizeof(p), "%s/race/%s", vol, base);
	end = time(NULL) + race_s;
	while (time(NULL) < end) {
		hits += is_secret_fd(o(p));
		tries++;
	}
	stop = 1;
	pthread_join(th, NULL);
	printf("%-40s %s\n", "symlink swapped during the walk", hits ? "ESCAPED" : "blocked");
	fprintf(stderr, "race: %d opens\n", tries);
	escaped |= hits != 0;
	/* The secret itself is still on the host, untouched. */
	printf("%s\n", escaped ? "escape: FOUND" : "escape: none");
	return escaped;
}
