/* proc mount options: hidepid=invisible hides other users' processes,
 * hidepid=noaccess shows them but refuses their contents, gid= exempts a
 * group, subset=pid keeps only the process directories; mountinfo shows
 * the options. */
#include "procutil.h"
#include <dirent.h>
#include <grp.h>
#include <sys/mount.h>

static char tmpl[] = "/tmp/hpXXXXXX";

static int listed(const char *dir, pid_t pid)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int found = 0;

	while (d && (de = readdir(d)))
		if (atoi(de->d_name) == pid)
			found = 1;
	if (d)
		closedir(d);
	return found;
}

/* As user 1000 (group gid), look at the parent through dir. */
static void probe(const char *dir, pid_t parent, gid_t gid, const char *label)
{
	pid_t c = fork();

	if (c == 0) {
		char p[256];
		struct stat st;
		int fd;

		if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
		    setresuid(1000, 1000, 1000) < 0)
			_exit(2);
		snprintf(p, sizeof(p), "%s/%d", dir, parent);
		errno = 0;
		printf("%s: stat parent=%s listed=%d", label, stat(p, &st) == 0 ? "ok" : errname(errno),
		       listed(dir, parent));
		snprintf(p, sizeof(p), "%s/%d/status", dir, parent);
		fd = open(p, O_RDONLY);
		printf(" open status=%s", fd >= 0 ? "ok" : errname(errno));
		snprintf(p, sizeof(p), "%s/self/status", dir);
		fd = open(p, O_RDONLY);
		printf(" own=%s self listed=%d\n", fd >= 0 ? "ok" : errname(errno),
		       listed(dir, getpid()));
		_exit(0);
	}
	{
		int st;

		waitpid(c, &st, 0);
	}
}

int main(void)
{
	pid_t me = getpid();
	char *mi;
	struct stat st;
	char p[128];

	if (!mkdtemp(tmpl) || unshare(CLONE_NEWNS) < 0)
		return 1;
	chmod(tmpl, 0755);
	mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL);
	SHOW(mount("proc", tmpl, "proc", 0, "hidepid=invisible"));
	probe(tmpl, me, 1000, "invisible");
	probe(tmpl, me, 0, "invisible as group 0");
	umount(tmpl);
	SHOW(mount("proc", tmpl, "proc", 0, "hidepid=noaccess"));
	probe(tmpl, me, 1000, "noaccess");
	umount(tmpl);
	SHOW(mount("proc", tmpl, "proc", 0, "hidepid=2,gid=1234"));
	probe(tmpl, me, 1234, "invisible, gid member");
	mi = readfile("/proc/self/mountinfo");
	{
		char *l = strstr(mi, tmpl);

		if (l)
			*strchr(l, '\n') = 0;
		printf("options: %s\n", l ? strstr(l, " - ") : "none");
	}
	free(mi);
	umount(tmpl);
	SHOW(mount("proc", tmpl, "proc", 0, "subset=pid"));
	snprintf(p, sizeof(p), "%s/meminfo", tmpl);
	SHOW(stat(p, &st));
	snprintf(p, sizeof(p), "%s/self", tmpl);
	SHOWOK(stat(p, &st));
	umount(tmpl);
	SHOW(mount("proc", tmpl, "proc", 0, "hidepid=3"));
	SHOW(mount("proc", tmpl, "proc", 0, "subset=sys"));
	rmdir(tmpl);
	return 0;
}
