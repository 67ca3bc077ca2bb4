/* Netlink acknowledgements and errors (netlink_rcv_skb): NLM_F_ACK on a
 * get, errors carrying the request, NETLINK_CAP_ACK, unknown types,
 * messages without NLM_F_REQUEST, control messages, several messages in
 * one datagram and truncated ones. */
#include "nl.h"

static char buf[8192];

static void recv_all(int fd, const char *label)
{
	for (;;) {
		long n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0) {
			printf("%s: end %s\n", label, strerrorname_np(errno));
			return;
		}
		printf("%s: datagram\n", label);
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned long)n);
		     h = NLMSG_NEXT(h, n)) {
			printf("  type=%d flags=0x%x seq=%u", h->nlmsg_type, h->nlmsg_flags,
			       h->nlmsg_seq);
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				printf(" error=%s len=%u orig_type=%d orig_len=%u",
				       errstr(e->error), h->nlmsg_len, e->msg.nlmsg_type,
				       e->msg.nlmsg_len);
			}
			printf("\n");
		}
	}
}

int main(void)
{
	struct nl_req r, two[2];
	int fd, one = 1;

	nl_private_net();
	fd = nl_open();

	nl_init(&r, RTM_GETLINK, NLM_F_ACK, 1);
	r.ifi.ifi_index = 1;
	nl_fixed(&r, sizeof(r.ifi));
	SHOW(nl_send(fd, &r));
	recv_all(fd, "get lo + ack");

	nl_init(&r, RTM_GETLINK, 0, 2);
	r.ifi.ifi_index = 77;
	nl_fixed(&r, sizeof(r.ifi));
	SHOW(nl_send(fd, &r));
	recv_all(fd, "get index 77");

	nl_init(&r, RTM_GETLINK, 0, 3);
	nl_fixed(&r, sizeof(r.ifi));
	nl_attr(&r, IFLA_IFNAME, "nope0", 6);
	SHOW(nl_send(fd, &r));
	recv_all(fd, "get by missing name");

	nl_init(&r, RTM_GETLINK, 0, 4);
	nl_fixed(&r, sizeof(r.ifi));
	nl_attr(&r, IFLA_IFNAME, "lo", 3);
	SHOW(nl_send(fd, &r));
	recv_all(fd, "get by name lo");

	nl_init(&r, 0x3ff, NLM_F_ACK, 5);
	nl_fixed(&r, sizeof(r.g));
	SHOW(nl_send(fd, &r));
	recv_all(fd, "type 0x3ff");

	nl_init(&r, RTM_GETLINK, 0, 6);
	r.h.nlmsg_flags = NLM_F_ACK; /* no NLM_F_REQUEST */
	nl_fixed(&r, sizeof(r.ifi));
	SHOW(nl_send(fd, &r));
	recv_all(fd, "no request flag, ack");

	nl_init(&r, RTM_GETLINK, 0, 7);
	r.h.nlmsg_flags = 0;
	nl_fixed(&r, sizeof(r.ifi));
	SHOW(nl_send(fd, &r));
	recv_all(fd, "no request flag");

	nl_init(&r, NLMSG_NOOP, NLM_F_ACK, 8);
	nl_fixed(&r, 0);
	SHOW(nl_send(fd, &r));
	recv_all(fd, "noop ack");

	nl_init(&r, RTM_GETLINK, NLM_F_ACK, 9);
	nl_fixed(&r, 0); /* no ifinfomsg at all */
	SHOW(nl_send(fd, &r));
	recv_all(fd, "empty payload");

	/* Two requests in one datagram, each answered. */
	nl_init(&two[0], NLMSG_NOOP, NLM_F_ACK, 10);
	nl_fixed(&two[0], 0);
	nl_init(&two[1], NLMSG_NOOP, NLM_F_ACK, 11);
	nl_fixed(&two[1], 0);
	memmove((char *)two + NLMSG_HDRLEN, &two[1], NLMSG_HDRLEN);
	SHOW(send(fd, two, 2 * NLMSG_HDRLEN, 0));
	recv_all(fd, "two in one");

	/* A length past the datagram: nothing. */
	nl_init(&r, NLMSG_NOOP, NLM_F_ACK, 12);
	nl_fixed(&r, 0);
	r.h.nlmsg_len = 200;
	SHOW(send(fd, &r, NLMSG_HDRLEN, 0));
	recv_all(fd, "overlong");
	r.h.nlmsg_len = 8;
	SHOW(send(fd, &r, NLMSG_HDRLEN, 0));
	recv_all(fd, "short length");
	SHOW(send(fd, &r, 10, 0));
	recv_all(fd, "short datagram");

	SHOW(setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)));
	nl_init(&r, RTM_GETLINK, 0, 13);
	r.ifi.ifi_index = 77;
	nl_fixed(&r, sizeof(r.ifi));
	SHOW(nl_send(fd, &r));
	recv_all(fd, "capped error");
	close(fd);
	return 0;
}
