/* A dump larger than one datagram: 600 addresses on lo come back over
 * several receives of at most 32 KiB each (as a program reading with a
 * 32 KiB buffer expects), all of them, then NLMSG_DONE; deleting them
 * leaves lo as it was. */
#include "nl.h"

static int count;

static void counter(struct nlmsghdr *h, void *arg)
{
	if (h->nlmsg_type == RTM_NEWADDR)
		count++;
}

static void change(int fd, int type, int i)
{
	struct nl_req r;
	unsigned char a[4] = { 10, 5, (unsigned char)(i / 250), (unsigned char)(i % 250 + 1) };

	nl_init(&r, type, type == RTM_NEWADDR ? NLM_F_CREATE : 0, 0);
	r.ifa.ifa_family = AF_INET;
	r.ifa.ifa_prefixlen = 32;
	r.ifa.ifa_index = 1;
	nl_fixed(&r, sizeof(r.ifa));
	nl_attr(&r, IFA_LOCAL, a, 4);
	r.h.nlmsg_seq = (unsigned)i;
	nl_send(fd, &r);
}

int main(void)
{
	static char buf[32768];
	struct nl_req r;
	int fd, datagrams = 0, fit = 1, done = 0;

	nl_private_net();
	fd = nl_open();
	for (int i = 0; i < 600; i++)
		change(fd, RTM_NEWADDR, i);
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	nl_init(&r, RTM_GETADDR, NLM_F_DUMP, 77);
	r.ifa.ifa_family = AF_INET;
	nl_fixed(&r, sizeof(r.ifa));
	nl_send(fd, &r);
	while (!done) {
		struct msghdr m = { .msg_iov = &(struct iovec){ buf, sizeof(buf) }, .msg_iovlen = 1 };
		long n = recvmsg(fd, &m, 0);

		if (n < 0) {
			printf("recv: %s\n", strerrorname_np(errno));
			break;
		}
		if (m.msg_flags & MSG_TRUNC)
			fit = 0;
		datagrams++;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned long)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				done = 1;
			else
				counter(h, NULL);
		}
	}
	printf("addresses %d, more than one datagram %d, none truncated %d\n", count,
	       datagrams > 2, fit);
	for (int i = 0; i < 600; i++)
		change(fd, RTM_DELADDR, i);
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	dump_addrs(fd, AF_INET);
	close(fd);
	return 0;
}
