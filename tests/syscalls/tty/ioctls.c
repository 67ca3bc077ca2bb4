/* Smaller terminal requests: TIOCSTI pushes input (on the caller's own
 * terminal, or with CAP_SYS_ADMIN), TIOCEXCL/TIOCNXCL/TIOCGEXCL,
 * TIOCGETD/TIOCSETD (only N_TTY), TIOCGDEV, TIOCSBRK/TIOCCBRK/tcsendbreak
 * on a pty, tcdrain, master-only requests on the slave, and ENOTTY for
 * terminal requests on a pipe. */
#include "tty.h"
#include <sys/sysmacros.h>

#ifndef TIOCGEXCL
#define TIOCGEXCL _IOR('T', 0x40, int)
#endif
#ifndef TIOCGDEV
#define TIOCGDEV _IOR('T', 0x32, unsigned int)
#endif

int main(void)
{
	unsigned int dev = 0, n;
	int m, s, v = -1, p[2];
	char c = 'Z', buf[16];

	if (pty_pair(&m, &s) < 0)
		return 1;
	ioctl(m, TIOCGPTN, &n);
	SHOW(ioctl(s, TIOCGEXCL, &v));
	printf("excl %d\n", v);
	SHOW(ioctl(s, TIOCEXCL));
	SHOW(ioctl(s, TIOCGEXCL, &v));
	printf("excl %d\n", v);
	SHOW(ioctl(s, TIOCNXCL));
	SHOW(ioctl(s, TIOCGEXCL, &v));
	printf("excl %d\n", v);

	SHOW(ioctl(s, TIOCGETD, &v));
	printf("ldisc %d\n", v);
	v = 0;
	SHOW(ioctl(s, TIOCSETD, &v));
	SHOW(ioctl(s, TIOCGDEV, &dev));
	printf("slave dev major %u, minor is n %d\n", major(dev), minor(dev) == n);
	SHOW(ioctl(m, TIOCGDEV, &dev));
	printf("master dev major %u, minor is n %d\n", major(dev), minor(dev) == n);

	SHOW(ioctl(s, TIOCSBRK));
	SHOW(ioctl(s, TIOCCBRK));
	SHOW(tcsendbreak(s, 0));
	SHOW(tcdrain(s));

	/* TIOCSTI as root (CAP_SYS_ADMIN): the byte is input. */
	SHOW(ioctl(s, TIOCSTI, &c));
	SHOW(ioctl(s, TIOCSTI, "\n"));
	wait_input(s);
	show_read(s, "after TIOCSTI", sizeof(buf));
	show_master(m, "echo");

	SHOW(ioctl(s, TIOCGPTN, &n));
	SHOW(ioctl(s, TIOCSPTLCK, &v));
	SHOW(ioctl(s, TIOCPKT, &v));
	pipe(p);
	SHOW(ioctl(p[0], TIOCGWINSZ, buf));
	SHOW(ioctl(p[0], TCGETS, buf));
	SHOW(ioctl(p[0], TIOCSCTTY, 0));
	return 0;
}
