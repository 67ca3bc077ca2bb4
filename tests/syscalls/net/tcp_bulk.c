/* A large transfer between processes in both directions: 48 MiB each
 * way in odd-sized writes, checked byte for byte. */
#include "tcp_util.h"

#define TOTAL (48u << 20)

static unsigned char pat(size_t i, int dir)
{
	return (unsigned char)((i * 131 + (i >> 11) + (size_t)dir * 7) & 0xff);
}

static int sender(int fd, int dir)
{
	static unsigned char b[100003];
	size_t off = 0;

	while (off < TOTAL) {
		size_t n = TOTAL - off < sizeof(b) ? TOTAL - off : sizeof(b);
		ssize_t w;

		for (size_t i = 0; i < n; i++)
			b[i] = pat(off + i, dir);
		w = write(fd, b, n);
		if (w <= 0)
			return 1;
		off += (size_t)w;
	}
	return 0;
}

static int receiver(int fd, int dir)
{
	static unsigned char b[77777];
	size_t off = 0;
	ssize_t r;

	while ((r = read(fd, b, sizeof(b))) > 0) {
		for (ssize_t i = 0; i < r; i++)
			if (b[i] != pat(off + (size_t)i, dir))
				return 2;
		off += (size_t)r;
	}
	return off == TOTAL ? 0 : 3;
}

int main(void)
{
	int c, s, st;
	pid_t p;

	nl_private_net();
	tcp_pair(AF_INET, &c, &s);
	p = fork();
	if (p == 0) {
		close(s);
		if (sender(c, 0))
			_exit(1);
		shutdown(c, SHUT_WR);
		_exit(receiver(c, 1));
	}
	close(c);
	printf("parent receive: %d\n", receiver(s, 0));
	printf("parent send: %d\n", sender(s, 1));
	shutdown(s, SHUT_WR);
	waitpid(p, &st, 0);
	printf("child: %s\n", wstatus(st));
	return 0;
}
