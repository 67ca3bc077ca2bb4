/* MSG_WAITALL gathers a whole buffer from several sends; it returns short
 * only at EOF. */
#include "tcp_util.h"

int main(void)
{
	char buf[64] = { 0 };
	int c, s, st;
	pid_t p;

	nl_private_net();
	tcp_pair(AF_INET, &c, &s);
	p = fork();
	if (p == 0) {
		const char *parts[] = { "one ", "two ", "three ", "four" };

		for (int i = 0; i < 4; i++) {
			write(c, parts[i], strlen(parts[i]));
			msleep(30);
		}
		msleep(100);
		write(c, "tail", 4);
		close(c);
		_exit(0);
	}
	close(c);
	SHOW(recv(s, buf, 18, MSG_WAITALL));
	printf("'%s'\n", buf);
	memset(buf, 0, sizeof(buf));
	SHOW(recv(s, buf, 40, MSG_WAITALL));
	printf("'%s'\n", buf);
	waitpid(p, &st, 0);
	return 0;
}
