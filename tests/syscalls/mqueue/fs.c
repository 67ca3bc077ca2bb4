/* The mqueue filesystem: a queue made by mq_open appears in a mount of
 * type mqueue (every mount shows the same queues), reads as its status
 * line, has the mode asked; open(O_CREAT) in the mount makes a queue
 * with the default sizes, unlink(2) there removes one. */
#include "mq.h"
#include <dirent.h>
#include <sys/mount.h>
#include <sys/statfs.h>

static void listdir(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int dots = 0, ours = 0;

	if (!d) {
		printf("opendir: %s\n", errname(errno));
		return;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			dots++;
		else if (!strncmp(e->d_name, prefix, strlen(prefix)))
			printf("  entry %s type %s\n", e->d_name + strlen(prefix),
			       e->d_type == DT_REG ? "reg" : "other"), ours++;
	}
	printf("  dots %d ours %d\n", dots, ours);
	closedir(d);
}

int main(void)
{
	char dir[] = "/tmp/mqfs-XXXXXX", path[512], prefix[64], buf[256];
	struct mq_attr a = { .mq_maxmsg = 3, .mq_msgsize = 64 };
	struct statfs sf;
	struct stat st;
	mqd_t q, q2;
	int fd;
	ssize_t r;

	if (!mkdtemp(dir))
		return 1;
	snprintf(prefix, sizeof(prefix), "runsc-mqtest-fs-%d-", (int)getpid());
	SHOW("mount", mount("mqueue", dir, "mqueue", 0, NULL));
	SHOW("statfs", statfs(dir, &sf));
	printf("f_type %lx\n", (long)sf.f_type);
	stat(dir, &st);
	printf("root mode %o\n", st.st_mode);
	snprintf(path, sizeof(path), "/%sa", prefix);
	q = mq_open(path, O_RDWR | O_CREAT | O_EXCL, 0640, &a);
	SHOW("mq_open", q);
	mq_send(q, "0123456789", 10, 3);
	mq_send(q, "abc", 3, 3);
	listdir(dir, prefix);
	snprintf(path, sizeof(path), "%s/%sa", dir, prefix);
	SHOW("stat", stat(path, &st));
	printf("mode %o size %lld nlink %ld\n", st.st_mode, (long long)st.st_size, (long)st.st_nlink);
	fd = open(path, O_RDONLY);
	r = read(fd, buf, sizeof(buf) - 1);
	buf[r > 0 ? r : 0] = 0;
	printf("read %zd: %s", r, buf);
	r = read(fd, buf, sizeof(buf));
	printf("read again %zd\n", r);
	r = pread(fd, buf, 10, 0);
	printf("pread 10: %zd %.10s\n", r, buf);
	close(fd);

	snprintf(path, sizeof(path), "%s/%sb", dir, prefix);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	SHOW("open O_CREAT in the mount", fd);
	close(fd);
	snprintf(path, sizeof(path), "/%sb", prefix);
	q2 = mq_open(path, O_RDWR);
	SHOW("mq_open of it", q2);
	show_attr("made by open", q2);
	SHOW("mkdir in the mount", mkdir(strcat(strcpy(buf, dir), "/sub"), 0700));
	snprintf(path, sizeof(path), "%s/%sb", dir, prefix);
	SHOW("unlink(2)", unlink(path));
	snprintf(path, sizeof(path), "/%sb", prefix);
	SHOW("mq_unlink after unlink(2)", mq_unlink(path));
	snprintf(path, sizeof(path), "/%sa", prefix);
	SHOW("mq_unlink", mq_unlink(path));
	listdir(dir, prefix);
	SHOW("umount", umount(dir));
	rmdir(dir);
	return 0;
}
