/* A bulk stream transfer between processes (blocking on a full buffer
 * both ways) with a checksum, and datagrams from several threads: every
 * message arrives whole. */
#include "net.h"
#include <pthread.h>

#define TOTAL (8 << 20)

static int dv[2];

static void *dgram_sender(void *arg)
{
	char msg[100];

	memset(msg, (int)(long)arg, sizeof(msg));
	for (int i = 0; i < 200; i++)
		send(dv[0], msg, sizeof(msg), 0);
	return NULL;
}

int main(void)
{
	int sv[2];
	static char buf[65536];
	uint32_t sum = 0, want = 0;
	long got = 0;
	pid_t pid;

	SHOW(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	for (long i = 0; i < TOTAL; i++)
		want = want * 31 + (uint8_t)(i * 7);
	pid = fork();
	if (pid == 0) {
		static char out[100000];
		long sent = 0;

		close(sv[1]);
		while (sent < TOTAL) {
			long n = TOTAL - sent < (long)sizeof(out) ? TOTAL - sent : (long)sizeof(out);

			for (long i = 0; i < n; i++)
				out[i] = (char)((sent + i) * 7);
			long w = write(sv[0], out, n);
			if (w <= 0)
				_exit(1);
			sent += w;
		}
		_exit(0);
	}
	close(sv[0]);
	for (;;) {
		long r = read(sv[1], buf, sizeof(buf));

		if (r <= 0)
			break;
		for (long i = 0; i < r; i++)
			sum = sum * 31 + (uint8_t)buf[i];
		got += r;
	}
	printf("got %ld match %d\n", got, sum == want);
	reap(pid, "writer");

	SHOW(socketpair(AF_UNIX, SOCK_DGRAM, 0, dv));
	pthread_t th[4];
	for (long i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, dgram_sender, (void *)(i + 'a'));
	int counts[4] = { 0 }, bad = 0;
	for (int i = 0; i < 800; i++) {
		char m[200];
		long r = recv(dv[1], m, sizeof(m), 0);

		if (r != 100 || m[0] < 'a' || m[0] > 'd' || memchr(m, m[0] ^ 1, 100)) {
			bad++;
			continue;
		}
		counts[m[0] - 'a']++;
	}
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	printf("counts %d %d %d %d bad %d\n", counts[0], counts[1], counts[2], counts[3], bad);
	return 0;
}
