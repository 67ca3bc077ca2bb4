/* Mounting proc and sysfs again in a new mount namespace: the new proc
 * shows the same processes, unknown options are refused, and both
 * unmount cleanly. */
#include "procutil.h"
#include <sys/mount.h>

static char tmpl[] = "/tmp/mprXXXXXX";

int main(void)
{
	char p[128], want[32], *s;
	struct stat st;

	if (!mkdtemp(tmpl))
		return 1;
	if (unshare(CLONE_NEWNS) < 0)
		return 1;
	mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL);
	SHOW(mount("proc", tmpl, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL));
	snprintf(p, sizeof(p), "%s/self/status", tmpl);
	s = readfile(p);
	snprintf(want, sizeof(want), "%d", getpid());
	EXPECT(s && !strcmp(field(s, "Pid"), want));
	free(s);
	snprintf(p, sizeof(p), "%s/self", tmpl);
	EXPECT(!strcmp(rdlink(p), want));
	snprintf(p, sizeof(p), "%s/sys/kernel/ostype", tmpl);
	s = readfile(p);
	printf("ostype=%s", s ? s : "?\n");
	free(s);
	s = readfile("/proc/self/mountinfo");
	EXPECT(s && strstr(s, " - proc proc rw"));
	free(s);
	SHOW(umount(tmpl));
	SHOW(mount("proc", tmpl, "proc", 0, "nosuchoption=1"));
	SHOW(mount("sysfs", tmpl, "sysfs", MS_RDONLY, NULL));
	snprintf(p, sizeof(p), "%s/devices/system/cpu", tmpl);
	SHOWOK(stat(p, &st));
	EXPECT(S_ISDIR(st.st_mode));
	snprintf(p, sizeof(p), "%s/newdir", tmpl);
	SHOW(mkdir(p, 0755));
	SHOW(umount(tmpl));
	rmdir(tmpl);
	return 0;
}
