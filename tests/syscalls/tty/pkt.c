/* Packet mode (TIOCPKT): each master read starts with a status byte,
 * TIOCPKT_DATA (0) before data; a flush of the slave's input or output
 * and output stopped or restarted by ^S/^Q are reported alone as
 * TIOCPKT_FLUSHREAD/FLUSHWRITE/STOP/START, with POLLPRI. */
#include "tty.h"

#ifndef TIOCGPKT
#define TIOCGPKT _IOR('T', 0x38, int)
#endif

static void pkt_read(int m, const char *label)
{
	struct pollfd pf = { .fd = m, .events = POLLIN | POLLPRI };
	char buf[64];
	long n;

	poll(&pf, 1, 2000);
	n = read(m, buf, sizeof(buf));
	if (n < 0) {
		printf("%s: %s\n", label, errname(errno));
		return;
	}
	printf("%s: status %#x, %ld data bytes", label, (unsigned char)buf[0], n - 1);
	if (n > 1)
		show_bytes("", buf + 1, n - 1);
	else
		printf("\n");
}

int main(void)
{
	int m, s, on = 1, v = -1;

	if (pty_pair(&m, &s) < 0)
		return 1;
	SHOW(ioctl(m, TIOCGPKT, &v));
	printf("pkt %d\n", v);
	SHOW(ioctl(m, TIOCPKT, &on));
	SHOW(ioctl(m, TIOCGPKT, &v));
	printf("pkt %d\n", v);
	write(s, "hi\n", 3);
	pkt_read(m, "data");
	SHOW(tcflush(s, TCIFLUSH));
	pkt_read(m, "iflush");
	SHOW(tcflush(s, TCOFLUSH));
	pkt_read(m, "oflush");
	write(m, "\023", 1);
	pkt_read(m, "^S");
	write(m, "\021", 1);
	pkt_read(m, "^Q");
	on = 0;
	SHOW(ioctl(m, TIOCPKT, &on));
	write(s, "raw", 3);
	show_master(m, "no packet mode");
	return 0;
}
