/* exec of set-user-ID and set-group-ID programs (fs/exec.c
 * bprm_fill_uid, security/commoncap.c): the effective and saved ids come
 * from the file's owner (the group only with group execute), AT_SECURE
 * is set and the process is no longer dumpable; root's capabilities are
 * the bounding set (effective only with euid 0), a non-root caller's
 * are dropped; no_new_privs and a nosuid mount keep the ids. */
#include "../common.h"
#include <fcntl.h>
#include <stdbool.h>
#include <sys/auxv.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <linux/capability.h>

static char dir[64];

static void report(void)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	const uint64_t all = (1ULL << 41) - 1;

	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	memset(d, 0, sizeof(d));
	syscall(SYS_capget, &h, d);
	printf("  uid %u/%u/%u gid %u/%u/%u secure %lu dumpable %d\n", r, e, s, gr, ge, gs,
	       getauxval(AT_SECURE), prctl(PR_GET_DUMPABLE));
	uint64_t eff = ((uint64_t)d[1].effective << 32 | d[0].effective) & all;
	uint64_t perm = ((uint64_t)d[1].permitted << 32 | d[0].permitted) & all;
	uint64_t bset = 0;

	/* Relative to the bounding set: the harness's own may be reduced. */
	for (int i = 0; i < 41; i++)
		if (prctl(PR_CAPBSET_READ, i) == 1)
			bset |= 1ULL << i;
	printf("  caps effective %s permitted %s\n",
	       eff == bset ? "bounding" : eff ? "other" : "none",
	       perm == bset ? "bounding" : perm ? "other" : "none");
}

static int copy_prog(const char *to, uid_t uid, gid_t gid, mode_t mode)
{
	char buf[65536];
	int in = open("/proc/self/exe", O_RDONLY), out;
	ssize_t n;

	unlink(to);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0700);
	if (in < 0 || out < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -1;
	close(in);
	close(out);
	if (chown(to, uid, gid) < 0 || chmod(to, mode) < 0)
		return -1;
	return 0;
}

enum { AS_ROOT, AS_USER, AS_USER_KEEPCAPS };

static void run(const char *label, const char *prog, int who, bool nnp, bool nosuid)
{
	pid_t pid;

	printf("%s:\n", label);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *args[] = { (char *)prog, "report", NULL };

		if (nosuid) {
			char mnt[128];

			snprintf(mnt, sizeof(mnt), "%s/mnt", dir);
			if (unshare(CLONE_NEWNS) < 0 ||
			    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
			    mount("tmpfs", mnt, "tmpfs", MS_NOSUID, NULL) < 0) {
				printf("  mount: %s\n", errname(errno));
				_exit(1);
			}
			snprintf(mnt, sizeof(mnt), "%s/mnt/prog", dir);
			if (copy_prog(mnt, 1000, 1001, 06755) < 0) {
				printf("  copy: %s\n", errname(errno));
				_exit(1);
			}
			args[0] = mnt;
			prog = mnt;
		}
		if (who == AS_USER_KEEPCAPS)
			prctl(PR_SET_KEEPCAPS, 1);
		if (who != AS_ROOT && (setresgid(2000, 2000, 2000) < 0 ||
				       setresuid(2000, 2000, 2000) < 0)) {
			printf("  setresuid: %s\n", errname(errno));
			_exit(1);
		}
		if (nnp)
			prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		execv(prog, args);
		printf("  execv: %s\n", errname(errno));
		_exit(1);
	}
	reap(pid, label);
}

int main(int argc, char **argv)
{
	char suid[128], sgid_nox[128], plain[128], rootsuid[128], mnt[128];

	if (argc > 1 && !strcmp(argv[1], "report")) {
		report();
		return 0;
	}
	snprintf(dir, sizeof(dir), "/tmp/exec-setid-%d", getpid());
	mkdir(dir, 0755);
	snprintf(suid, sizeof(suid), "%s/suid", dir);
	snprintf(sgid_nox, sizeof(sgid_nox), "%s/sgid_nox", dir);
	snprintf(plain, sizeof(plain), "%s/plain", dir);
	snprintf(rootsuid, sizeof(rootsuid), "%s/rootsuid", dir);
	snprintf(mnt, sizeof(mnt), "%s/mnt", dir);
	mkdir(mnt, 0755);
	if (copy_prog(suid, 1000, 1001, 06755) < 0 || copy_prog(sgid_nox, 1000, 1001, 02745) < 0 ||
	    copy_prog(plain, 1000, 1001, 0755) < 0 || copy_prog(rootsuid, 0, 0, 04755) < 0) {
		printf("setup: %s\n", errname(errno));
		return 1;
	}
	run("user runs set-uid/gid", suid, AS_USER, false, false);
	run("user runs set-gid without group exec", sgid_nox, AS_USER, false, false);
	run("user runs plain", plain, AS_USER, false, false);
	run("user runs set-uid root", rootsuid, AS_USER, false, false);
	run("user with kept caps runs plain", plain, AS_USER_KEEPCAPS, false, false);
	run("user with no_new_privs runs set-uid/gid", suid, AS_USER, true, false);
	run("root runs set-uid/gid", suid, AS_ROOT, false, false);
	run("root runs plain", plain, AS_ROOT, false, false);
	run("root with no_new_privs runs set-uid/gid", suid, AS_ROOT, true, false);
	run("user runs set-uid/gid on a nosuid mount", suid, AS_USER, false, true);
	unlink(suid);
	unlink(sgid_nox);
	unlink(plain);
	unlink(rootsuid);
	rmdir(mnt);
	rmdir(dir);
	return 0;
}
