/* Special files on tmpfs: FIFOs work as pipes between processes, socket
 * and device nodes carry their type and number, and none of them takes
 * data blocks. */
#include "tmpfsutil.h"
#include <sys/sysmacros.h>

static void body(const char *dir)
{
	char fifo[128], sock[128], blk[128], chr[128], buf[16] = { 0 };
	struct stat st;
	pid_t pid;
	int fd;

	tf_path(fifo, sizeof(fifo), "fifo");
	tf_path(sock, sizeof(sock), "sock");
	tf_path(blk, sizeof(blk), "blk");
	tf_path(chr, sizeof(chr), "chr");
	SHOW(mkfifo(fifo, 0644));
	SHOW(mknod(sock, S_IFSOCK | 0600, 0));
	SHOW(mknod(blk, S_IFBLK | 0600, makedev(7, 3)));
	SHOW(mknod(chr, S_IFCHR | 0600, makedev(0, 0)));
	SHOW(mknod(fifo, S_IFIFO | 0600, 0));
	SHOW(lstat(fifo, &st));
	printf("fifo mode=%o size=%ld blocks=%ld\n", st.st_mode, (long)st.st_size, (long)st.st_blocks);
	SHOW(lstat(sock, &st));
	printf("sock mode=%o\n", st.st_mode);
	SHOW(lstat(blk, &st));
	printf("blk mode=%o rdev=%d:%d\n", st.st_mode, major(st.st_rdev), minor(st.st_rdev));
	SHOW(lstat(chr, &st));
	printf("chr mode=%o rdev=%d:%d\n", st.st_mode, major(st.st_rdev), minor(st.st_rdev));
	SHOW(open(sock, O_RDONLY));
	pid = fork();
	if (pid == 0) {
		int w = open(fifo, O_WRONLY);

		write(w, "through", 7);
		_exit(0);
	}
	fd = open(fifo, O_RDONLY);
	SHOW(read(fd, buf, sizeof(buf)));
	printf("fifo gave %s\n", buf);
	reap(pid, "writer");
	SHOW(read(fd, buf, sizeof(buf)));
	close(fd);
	SHOW(open(fifo, O_WRONLY | O_NONBLOCK));
	SHOW(truncate(fifo, 0));
	SHOW(unlink(fifo));
	SHOW(unlink(sock));
}

int main(void)
{
	return tf_run("size=1m", body);
}
