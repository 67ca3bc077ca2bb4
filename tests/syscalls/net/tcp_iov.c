/* Scatter and gather: writev and readv, sendmsg and recvmsg with several
 * iovecs; msg_flags and msg_namelen from recvmsg on a stream. */
#include "tcp_util.h"
#include <sys/uio.h>

int main(void)
{
	char a[4], b[6], c2[32] = { 0 };
	struct iovec w[3] = { { "abc", 3 }, { "defgh", 5 }, { "ij", 2 } };
	struct iovec r[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct sockaddr_in6 from;
	struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = r, .msg_iovlen = 2 };
	int c, s;

	nl_private_net();
	tcp_pair(AF_INET, &c, &s);
	SHOW(writev(c, w, 3));
	msleep(30);
	SHOW(readv(s, r, 2));
	printf("'%.4s' '%.6s'\n", a, b);
	m.msg_iov = w;
	m.msg_iovlen = 3;
	m.msg_name = NULL;
	m.msg_namelen = 0;
	SHOW(sendmsg(c, &m, 0));
	msleep(30);
	m.msg_iov = r;
	m.msg_iovlen = 2;
	m.msg_name = &from;
	m.msg_namelen = sizeof(from);
	SHOW(recvmsg(s, &m, 0));
	printf("namelen %u flags %d '%.4s' '%.6s'\n", m.msg_namelen, m.msg_flags, a, b);
	SHOW(sendto(c, "to", 2, 0, (struct sockaddr *)&from, sizeof(from)));
	msleep(30);
	SHOW(recvfrom(s, c2, sizeof(c2), 0, NULL, NULL));
	return 0;
}
