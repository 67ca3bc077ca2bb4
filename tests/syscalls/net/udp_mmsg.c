/* sendmmsg and recvmmsg on UDP, with per-message destinations and
 * sources, MSG_WAITFORONE, and readiness through epoll. */
#include "udp.h"
#include <sys/epoll.h>

int main(void)
{
	struct sockaddr_in a = sin4("127.0.0.1", 0), b, src[4];
	struct mmsghdr mm[4];
	struct iovec iov[4];
	char bufs[4][16];
	int r1, r2, s, ep, n;
	struct epoll_event ev = { .events = EPOLLIN }, out[2];

	nl_private_net();
	r1 = socket(AF_INET, SOCK_DGRAM, 0);
	r2 = socket(AF_INET, SOCK_DGRAM, 0);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	bind(r1, (struct sockaddr *)&a, sizeof(a));
	bind(r2, (struct sockaddr *)&a, sizeof(a));
	a.sin_port = htons((uint16_t)port_of(r1));
	b = sin4("127.0.0.1", port_of(r2));
	ep = epoll_create1(0);
	ev.data.fd = r1;
	epoll_ctl(ep, EPOLL_CTL_ADD, r1, &ev);
	ev.data.fd = r2;
	epoll_ctl(ep, EPOLL_CTL_ADD, r2, &ev);
	SHOW(epoll_wait(ep, out, 2, 0));
	memset(mm, 0, sizeof(mm));
	for (int i = 0; i < 3; i++) {
		snprintf(bufs[i], sizeof(bufs[i]), "msg%d", i);
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = strlen(bufs[i]);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_name = i == 1 ? &b : &a;
		mm[i].msg_hdr.msg_namelen = sizeof(a);
	}
	SHOW(sendmmsg(s, mm, 3, 0));
	printf("lens %u %u %u\n", mm[0].msg_len, mm[1].msg_len, mm[2].msg_len);
	n = epoll_wait(ep, out, 2, 0);
	printf("epoll ready %d\n", n);
	memset(mm, 0, sizeof(mm));
	memset(bufs, 0, sizeof(bufs));
	for (int i = 0; i < 4; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_name = &src[i];
		mm[i].msg_hdr.msg_namelen = sizeof(src[i]);
	}
	SHOW(recvmmsg(r1, mm, 4, MSG_WAITFORONE, NULL));
	for (int i = 0; i < 2; i++)
		printf("r1[%d] %u '%s' from %s namelen %u\n", i, mm[i].msg_len, bufs[i],
		       addr_str(&src[i]), mm[i].msg_hdr.msg_namelen);
	SHOW(recvmmsg(r2, mm, 4, MSG_DONTWAIT, NULL));
	printf("r2 '%s'\n", bufs[0]);
	SHOW(recvmmsg(r2, mm, 4, MSG_DONTWAIT, NULL));
	SHOW(epoll_wait(ep, out, 2, 0));
	close(ep);
	close(r1);
	close(r2);
	close(s);
	return 0;
}
