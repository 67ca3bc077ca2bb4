/* Mount options: statfs numbers, the root directory's mode and owner, the
 * options /proc/self/mounts shows, and the rejected ones. */
#include "tmpfsutil.h"

static void show_mount(const char *dir)
{
	char line[512];
	FILE *f = fopen("/proc/self/mounts", "r");

	if (!f) {
		printf("no mounts\n");
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char src[128], mp[256], type[64], opts[256];

		if (sscanf(line, "%127s %255s %63s %255s", src, mp, type, opts) == 4 &&
		    !strcmp(mp, dir))
			printf("mounts: %s %s %s\n", src, type, opts);
	}
	fclose(f);
}

static void body(const char *dir)
{
	struct statfs sf;
	struct stat st;
	char sub[128];

	SHOW(statfs(dir, &sf));
	printf("type=%#lx bsize=%ld frsize=%ld blocks=%ld bfree=%ld files=%ld ffree=%ld namelen=%ld\n",
	       (long)sf.f_type, (long)sf.f_bsize, (long)sf.f_frsize, (long)sf.f_blocks,
	       (long)sf.f_bfree, (long)sf.f_files, (long)sf.f_ffree, (long)sf.f_namelen);
	SHOW(stat(dir, &st));
	printf("root mode=%o uid=%d gid=%d nlink=%ld size=%ld\n", st.st_mode, st.st_uid,
	       st.st_gid, (long)st.st_nlink, (long)st.st_size);
	show_mount(dir);
	/* A second mount with other options on a subdirectory. */
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	SHOW(mkdir(sub, 0700));
	SHOW(mount("none", sub, "tmpfs", 0, "size=8k"));
	SHOW(statfs(sub, &sf));
	printf("sub blocks=%ld\n", (long)sf.f_blocks);
	SHOW(stat(sub, &st));
	printf("sub mode=%o\n", st.st_mode);
	show_mount(sub);
	SHOW(umount(sub));
	SHOW(mount("none", sub, "tmpfs", 0, "bogus=1"));
	SHOW(mount("none", sub, "tmpfs", 0, "size=12q"));
	SHOW(mount("none", sub, "tmpfs", 0, "mode=abc"));
	SHOW(mount("none", sub, "tmpfs", 0, "nr_inodes=x"));
	SHOW(mount("none", sub, "tmpfs", 0, "huge=sometimes"));
	SHOW(mount("none", sub, "tmpfs", 0, "size=2m,nr_blocks=16"));
	SHOW(statfs(sub, &sf));
	printf("sub blocks=%ld\n", (long)sf.f_blocks);
	SHOW(umount(sub));
	SHOW(mount("none", sub, "tmpfs", MS_RDONLY, "size=1m"));
	{
		char f[160];

		snprintf(f, sizeof(f), "%s/x", sub);
		SHOW(open(f, O_CREAT | O_RDWR, 0600));
	}
	SHOW(umount(sub));
}

int main(void)
{
	return tf_run("size=1m,nr_inodes=100,mode=0750,uid=5,gid=6", body);
}
