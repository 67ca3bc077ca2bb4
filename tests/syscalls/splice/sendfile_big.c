/* sendfile of a megabyte between tmpfs files and into a pipe drained by
 * another process: counts, positions and contents. */
#include "../common.h"
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

static unsigned sum(const unsigned char *b, size_t n)
{
	unsigned s = 0;

	for (size_t i = 0; i < n; i++)
		s = s * 31 + b[i];
	return s;
}

int main(void)
{
	static unsigned char buf[1 << 20], back[1 << 20];
	char dir[] = "/tmp/sendfile-XXXXXX", a[64], b[64];
	int in, out, p[2];
	long total = 0, r;
	off_t off = 0;
	pid_t pid;

	if (!mkdtemp(dir))
		return 1;
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + i / 4096);
	in = open(a, O_CREAT | O_RDWR, 0600);
	out = open(b, O_CREAT | O_RDWR, 0600);
	SHOW(write(in, buf, sizeof(buf)));
	while ((r = sendfile(out, in, &off, 300000)) > 0)
		total += r;
	printf("copied %ld off=%ld last=%ld\n", total, (long)off, r);
	SHOW(pread(out, back, sizeof(back), 0));
	printf("same: %s\n", sum(buf, sizeof(buf)) == sum(back, sizeof(back)) ? "yes" : "no");
	SHOW(pipe(p));
	pid = fork();
	if (pid == 0) {
		long got = 0, n;
		/* Room past the megabyte so the reader waits for EOF: a
		 * reader gone early made the writer's last sendfile SIGPIPE. */
		static unsigned char rb[2 << 20];

		close(p[1]);
		while ((n = read(p[0], rb + got, sizeof(rb) - got)) > 0)
			got += n;
		printf("reader got %ld same: %s\n", got,
		       sum(rb, got) == sum(buf, sizeof(buf)) ? "yes" : "no");
		_exit(0);
	}
	close(p[0]);
	SHOW(lseek(in, 0, SEEK_SET));
	total = 0;
	while ((r = sendfile(p[1], in, NULL, sizeof(buf))) > 0)
		total += r;
	printf("to pipe %ld pos=%ld\n", total, (long)lseek(in, 0, SEEK_CUR));
	close(p[1]);
	reap(pid, "reader");
	unlink(a);
	unlink(b);
	rmdir(dir);
	return 0;
}
