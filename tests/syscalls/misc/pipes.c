/* Pipes: data in order, EOF after the last writer closes, O_NONBLOCK reads
 * of an empty pipe are EAGAIN, pipe2 flags, FIONREAD, and 1 MiB through a
 * pipe between processes arrives intact. */
#include "../common.h"
#include <fcntl.h>
#include <sys/ioctl.h>

int main(void)
{
	int p[2], n = -1;
	char buf[64];

	SHOW(pipe(p));
	SHOW(write(p[1], "hello", 5));
	SHOW(write(p[1], " world", 6));
	SHOW(ioctl(p[0], FIONREAD, &n));
	printf("FIONREAD %d\n", n);
	memset(buf, 0, sizeof(buf));
	SHOW(read(p[0], buf, sizeof(buf)));
	printf("got '%s'\n", buf);
	SHOW(read(p[1], buf, 1));
	SHOW(write(p[0], "x", 1));
	close(p[1]);
	SHOW(read(p[0], buf, sizeof(buf)));
	close(p[0]);

	SHOW(pipe2(p, O_NONBLOCK | O_CLOEXEC));
	printf("flags: fd=%d fl-nonblock=%d\n", fcntl(p[0], F_GETFD),
	       !!(fcntl(p[0], F_GETFL) & O_NONBLOCK));
	SHOW(read(p[0], buf, 1));
	printf("access mode r=%d w=%d\n", fcntl(p[0], F_GETFL) & O_ACCMODE,
	       fcntl(p[1], F_GETFL) & O_ACCMODE);
	/* Fill it: a nonblocking write to a full pipe is EAGAIN. */
	long total = 0;
	ssize_t w;
	while ((w = write(p[1], buf, sizeof(buf))) > 0)
		total += w;
	printf("pipe capacity %ld, then %s\n", total, errname(errno));
	close(p[0]);
	close(p[1]);
	SHOW(pipe2(p, 0x1234));
	int *volatile bad = (int *)8;
	SHOW(pipe(bad));

	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		static unsigned char big[1 << 20];

		close(p[0]);
		for (int i = 0; i < (1 << 20); i++)
			big[i] = (unsigned char)(i * 7);
		for (int off = 0; off < (1 << 20);) {
			ssize_t r = write(p[1], big + off, (1 << 20) - off);
			if (r <= 0)
				_exit(1);
			off += r;
		}
		_exit(0);
	}
	close(p[1]);
	unsigned long sum = 0, len = 0;
	unsigned char rb[4096];
	ssize_t r;
	while ((r = read(p[0], rb, sizeof(rb))) > 0) {
		for (ssize_t i = 0; i < r; i++)
			sum += rb[i] ^ (unsigned char)((len + i) * 7);
		len += r;
	}
	printf("received %lu bytes, mismatches %lu\n", len, sum);
	reap(pid, "writer");
	return 0;
}
