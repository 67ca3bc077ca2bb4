/* mountinfo and mounts after mounting a tmpfs in a new mount namespace:
 * the stable columns of its line, its parent's presence, and its absence
 * after umount. */
#include "procutil.h"
#include <sys/mount.h>

static char tmpl[] = "/tmp/mntXXXXXX";

/* The mountinfo line whose mount point (field 5) is dir, or NULL. */
static char *find_line(char *mi, const char *dir, char *out, size_t n)
{
	for (char *l = strtok(mi, "\n"); l; l = strtok(NULL, "\n")) {
		char mp[4096];

		if (sscanf(l, "%*d %*d %*s %*s %4095s", mp) == 1 && !strcmp(mp, dir)) {
			snprintf(out, n, "%s", l);
			return out;
		}
	}
	return NULL;
}

int main(void)
{
	char line[8192], *mi;
	int id, parent;
	char root[256], mp[4096], opts[256], rest[4096];

	if (!mkdtemp(tmpl))
		return 1;
	if (unshare(CLONE_NEWNS) < 0) {
		printf("unshare: %s\n", errname(errno));
		return 1;
	}
	mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL);
	SHOW(mount("mytmp", tmpl, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m"));
	mi = readfile("/proc/self/mountinfo");
	if (!find_line(mi, tmpl, line, sizeof(line))) {
		printf("no line\n");
		return 1;
	}
	sscanf(line, "%d %d %*s %255s %4095s %255s %4095[^\n]", &id, &parent, root, mp, opts, rest);
	printf("root=%s opts=%s\n", root, opts);
	{
		/* After the optional fields: " - fstype source superopts". */
		char *dash = strstr(line, " - ");
		char fstype[64], source[256], sopts[256];

		sscanf(dash + 3, "%63s %255s %255s", fstype, source, sopts);
		printf("fstype=%s source=%s super=%.2s\n", fstype, source, sopts);
	}
	free(mi);
	mi = readfile("/proc/self/mountinfo");
	{
		char want[32];
		int found = 0;

		for (char *l = strtok(mi, "\n"); l; l = strtok(NULL, "\n"))
			if (atoi(l) == parent)
				found = 1;
		snprintf(want, sizeof(want), "%d", id);
		EXPECT(found);
		EXPECT(id != parent);
	}
	free(mi);
	mi = readfile("/proc/self/mounts");
	{
		char *l = strstr(mi, tmpl);
		char *start = l;

		while (start && start > mi && start[-1] != '\n')
			start--;
		if (l) {
			char src[64], fs[64], o[256];

			sscanf(start, "%63s %*s %63s %255s", src, fs, o);
			printf("mounts: %s %s %.2s nosuid=%d nodev=%d\n", src, fs, o,
			       strstr(o, "nosuid") != NULL, strstr(o, "nodev") != NULL);
			EXPECT(strstr(start, " 0 0\n") != NULL);
		} else {
			printf("mounts: no line\n");
		}
	}
	free(mi);
	SHOW(umount(tmpl));
	mi = readfile("/proc/self/mountinfo");
	EXPECT(!find_line(mi, tmpl, line, sizeof(line)));
	free(mi);
	rmdir(tmpl);
	return 0;
}
