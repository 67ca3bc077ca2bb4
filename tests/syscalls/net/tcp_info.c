/* TCP_INFO's state through open and close: LISTEN, ESTABLISHED,
 * FIN_WAIT2 and CLOSE_WAIT after a half-close, LAST_ACK, and the options
 * negotiated over lo (timestamps, SACK, window scaling). */
#include "tcp_util.h"

int main(void)
{
	struct sockaddr_in6 sa;
	socklen_t sl, l;
	struct tcp_info ti;
	int lis, c, s;

	nl_private_net();
	c = socket(AF_INET, SOCK_STREAM, 0);
	printf("fresh: %s\n", tcp_state_name(c));
	lis = tcp_listener(AF_INET, "127.0.0.1", 4, &sa, &sl);
	printf("listener: %s\n", tcp_state_name(lis));
	connect(c, (struct sockaddr *)&sa, sl);
	s = accept(lis, NULL, NULL);
	printf("client %s server %s\n", tcp_state_name(c), tcp_state_name(s));
	l = sizeof(ti);
	memset(&ti, 0, sizeof(ti));
	SHOW(getsockopt(c, IPPROTO_TCP, TCP_INFO, &ti, &l));
	printf("options ts %d sack %d wscale %d\n", !!(ti.tcpi_options & TCPI_OPT_TIMESTAMPS),
	       !!(ti.tcpi_options & TCPI_OPT_SACK), !!(ti.tcpi_options & TCPI_OPT_WSCALE));
	printf("rto>0 %d mss>0 %d cwnd>0 %d\n", ti.tcpi_rto > 0, ti.tcpi_snd_mss > 0, ti.tcpi_snd_cwnd > 0);
	l = 4;
	SHOW(getsockopt(c, IPPROTO_TCP, TCP_INFO, &ti, &l));
	printf("short len %u\n", l);
	shutdown(c, SHUT_WR);
	msleep(50);
	printf("client %s server %s\n", tcp_state_name(c), tcp_state_name(s));
	shutdown(s, SHUT_WR);
	msleep(50);
	printf("client %s server %s\n", tcp_state_name(c), tcp_state_name(s));
	return 0;
}
