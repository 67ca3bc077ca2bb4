/* A non-blocking connect says EINPROGRESS; once poll reports POLLOUT and
 * SO_ERROR is 0, connect says 0 once, then EISCONN. */
#include "tcp_util.h"

int main(void)
{
	struct sockaddr_in6 sa;
	socklen_t sl;
	int l, c, s;

	nl_private_net();
	l = tcp_listener(AF_INET, "127.0.0.1", 4, &sa, &sl);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	SHOW(connect(c, (struct sockaddr *)&sa, sl));
	printf("poll: %s\n", poll_str(c, 1000));
	printf("SO_ERROR = %s\n", errname(so_error(c)));
	SHOW(connect(c, (struct sockaddr *)&sa, sl));
	SHOW(connect(c, (struct sockaddr *)&sa, sl));
	printf("state %s\n", tcp_state_name(c));
	s = accept(l, NULL, NULL);
	EXPECT(s >= 0);
	SHOW(write(c, "hi", 2));
	SHOW(read(s, (char[8]){ 0 }, 8));
	SHOW(read(c, (char[8]){ 0 }, 8));
	return 0;
}
