/* Malformed netlink requests: attributes with bad lengths, payloads
 * shorter than their fixed header, garbage datagrams, a huge length; the
 * kernel answers with errors or nothing, never crashes. */
#include "nl.h"

static char buf[8192];

static void drain(int fd, const char *label)
{
	long n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned long)n);
		     h = NLMSG_NEXT(h, n)) {
			printf("%s: type=%d", label, h->nlmsg_type);
			if (h->nlmsg_type == NLMSG_ERROR)
				printf(" error=%s", errstr(((struct nlmsgerr *)NLMSG_DATA(h))->error));
			printf("\n");
		}
	}
	printf("%s: end %s\n", label, strerrorname_np(errno));
}

int main(void)
{
	struct nl_req r;
	struct rtattr *a;
	int fd;
	unsigned int seed = 1;

	nl_private_net();
	fd = nl_open();

	/* An attribute whose length runs past the message. */
	nl_init(&r, RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE, 1);
	r.ifa.ifa_family = AF_INET;
	r.ifa.ifa_prefixlen = 24;
	r.ifa.ifa_index = 1;
	nl_fixed(&r, sizeof(r.ifa));
	nl_attr(&r, IFA_LOCAL, "\x0a\x05\x05\x05", 4);
	a = (struct rtattr *)((char *)&r + NLMSG_LENGTH(sizeof(r.ifa)));
	a->rta_len = 200;
	SHOW(nl_send(fd, &r));
	drain(fd, "attr past end");

	/* An attribute shorter than its header. */
	a->rta_len = 2;
	SHOW(nl_send(fd, &r));
	drain(fd, "attr len 2");

	/* IFA_LOCAL too short for an IPv4 address. */
	a->rta_len = RTA_LENGTH(2);
	SHOW(nl_send(fd, &r));
	drain(fd, "short address");

	/* A new address with no address at all. */
	nl_init(&r, RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE, 2);
	r.ifa.ifa_family = AF_INET;
	r.ifa.ifa_index = 1;
	nl_fixed(&r, sizeof(r.ifa));
	SHOW(nl_send(fd, &r));
	drain(fd, "no address");

	/* Garbage datagrams of every small size. */
	for (int len = 0; len < 64; len++) {
		for (int i = 0; i < len; i++)
			buf[i] = (char)(rand_r(&seed) & 0xff);
		if (len >= 4)
			memcpy(buf, &len, 4);
		if (send(fd, buf, (size_t)len, 0) != len)
			printf("send %d: %s\n", len, strerrorname_np(errno));
	}
	/* Their replies depend on what the random bytes asked: only drain. */
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
	printf("garbage sent\n");

	/* Too big for the send buffer. */
	{
		static char big[300000];

		SHOW(send(fd, big, sizeof(big), 0));
	}
	nl_init(&r, NLMSG_NOOP, NLM_F_ACK, 3);
	nl_fixed(&r, 0);
	SHOW(nl_send(fd, &r));
	drain(fd, "still alive");
	dump_addrs(fd, AF_INET);
	close(fd);
	return 0;
}
