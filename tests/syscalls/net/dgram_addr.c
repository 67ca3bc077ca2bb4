/* Unconnected datagram sockets with abstract names: sendto/recvfrom with
 * addresses, connect as a default destination and a receive filter,
 * disconnect with AF_UNSPEC. */
#include "net.h"

int main(void)
{
	struct sockaddr_un a, b, c, got;
	socklen_t alen = abstract_addr(&a, "da"), blen = abstract_addr(&b, "db");
	socklen_t clen = abstract_addr(&c, "dc"), glen;
	int sa = socket(AF_UNIX, SOCK_DGRAM, 0), sb = socket(AF_UNIX, SOCK_DGRAM, 0);
	int sc = socket(AF_UNIX, SOCK_DGRAM, 0), anon = socket(AF_UNIX, SOCK_DGRAM, 0);
	char buf[32];

	SHOW(bind(sa, (struct sockaddr *)&a, alen));
	SHOW(bind(sb, (struct sockaddr *)&b, blen));
	SHOW(bind(sc, (struct sockaddr *)&c, clen));
	SHOW(send(sa, "x", 1, 0));
	SHOW(sendto(sa, "to b", 4, 0, (struct sockaddr *)&b, blen));
	memset(buf, 0, sizeof(buf));
	glen = sizeof(got);
	SHOW(recvfrom(sb, buf, sizeof(buf), 0, (struct sockaddr *)&got, &glen));
	EXPECT(glen == alen && memcmp(&got, &a, alen) == 0);
	printf("got '%s'\n", buf);
	SHOW(sendto(anon, "anon", 4, 0, (struct sockaddr *)&b, blen));
	glen = sizeof(got);
	SHOW(recvfrom(sb, buf, sizeof(buf), 0, (struct sockaddr *)&got, &glen));
	printf("anon sender namelen %d\n", glen);
	/* b connects to a: c may no longer send to b. */
	SHOW(connect(sb, (struct sockaddr *)&a, alen));
	SHOW(sendto(sc, "c", 1, 0, (struct sockaddr *)&b, blen));
	SHOW(sendto(sa, "a", 1, 0, (struct sockaddr *)&b, blen));
	SHOW(send(sb, "b->a", 4, 0));
	SHOW(recv(sa, buf, sizeof(buf), 0));
	glen = sizeof(got);
	SHOW(getpeername(sb, (struct sockaddr *)&got, &glen));
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	SHOW(connect(sb, &unspec, sizeof(unspec)));
	SHOW(send(sb, "x", 1, 0));
	glen = sizeof(got);
	SHOW(getpeername(sb, (struct sockaddr *)&got, &glen));
	SHOW(sendto(sc, "c", 1, 0, (struct sockaddr *)&b, blen));
	SHOW(recv(sb, buf, sizeof(buf), 0));
	SHOW(recv(sb, buf, sizeof(buf), MSG_DONTWAIT));
	/* Wrong socket type at the name. */
	int st = socket(AF_UNIX, SOCK_STREAM, 0);
	SHOW(connect(st, (struct sockaddr *)&a, alen));
	/* Queue limit of an unconnected receiver (max_dgram_qlen). */
	int sent = 0;
	for (int i = 0; i < 100; i++) {
		if (sendto(sc, "q", 1, MSG_DONTWAIT, (struct sockaddr *)&a, alen) < 0) {
			printf("queue full: %s\n", strerrorname_np(errno));
			break;
		}
		sent++;
	}
	printf("queued %d\n", sent);
	SHOW(close(sa));
	SHOW(sendto(sc, "q", 1, 0, (struct sockaddr *)&a, alen));
	return 0;
}
