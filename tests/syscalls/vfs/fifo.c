/* Named pipes (fifo(7)): open rules with and without O_NONBLOCK, data
 * through the FIFO between processes, O_RDWR. */
#include "vfs.h"

int main(void)
{
	char buf[16] = "";
	struct stat st;
	pid_t pid;
	int r, w;

	scratch_enter();
	SHOWOK(mkfifo("p", 0644));
	SHOWOK(stat("p", &st));
	EXPECT(S_ISFIFO(st.st_mode));
	SHOW(open("p", O_WRONLY | O_NONBLOCK));
	r = open("p", O_RDONLY | O_NONBLOCK);
	SHOWOK(r);
	SHOW(read(r, buf, sizeof(buf)));
	w = open("p", O_WRONLY | O_NONBLOCK);
	SHOWOK(w);
	SHOW(write(w, "abc", 3));
	SHOW(read(r, buf, sizeof(buf)));
	SHOW(read(r, buf, sizeof(buf)));
	SHOW(lseek(r, 0, SEEK_SET));
	SHOWOK(fstat(w, &st));
	EXPECT(S_ISFIFO(st.st_mode));
	close(w);
	SHOW(read(r, buf, sizeof(buf)));
	close(r);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int fd = open("p", O_WRONLY);

		if (fd < 0)
			_exit(1);
		if (write(fd, "from child", 10) != 10)
			_exit(2);
		close(fd);
		_exit(0);
	}
	r = open("p", O_RDONLY);
	SHOWOK(r);
	{
		ssize_t n, got = 0;

		while ((n = read(r, buf + got, sizeof(buf) - 1 - (size_t)got)) > 0)
			got += n;
		buf[got] = 0;
		printf("read: %s\n", buf);
	}
	close(r);
	reap(pid, "writer");
	r = open("p", O_RDWR);
	SHOWOK(r);
	SHOW(write(r, "xy", 2));
	SHOW(read(r, buf, sizeof(buf)));
	close(r);
	SHOWOK(unlink("p"));
	scratch_leave();
	return 0;
}
