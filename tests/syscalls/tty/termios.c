/* termios: the defaults of a new pty, TCSETS on the master changes the
 * slave's settings (Linux applies them to the pair's slave), speeds,
 * TCSETSF flushes pending input, termios2 (TCGETS2) and bad requests. */
#include "tty.h"

/* The kernel's struct termios2 (asm/termbits.h clashes with glibc's). */
struct termios2 {
	tcflag_t c_iflag, c_oflag, c_cflag, c_lflag;
	cc_t c_line;
	cc_t c_cc[19];
	speed_t c_ispeed, c_ospeed;
};
#undef TCGETS2
#undef TCSETS2
#undef TCSETSF2
#define TCGETS2 _IOR('T', 0x2A, struct termios2)
#define TCSETS2 _IOW('T', 0x2B, struct termios2)
#define TCSETSF2 _IOW('T', 0x2D, struct termios2)
#ifndef BOTHER
#define BOTHER 0010000
#endif

/* glibc's termios and the kernel's termios2 differ; ask the kernel. */
static void show_k(const char *label, int fd)
{
	struct termios2 k;
	int r = ioctl(fd, TCGETS2, &k);

	printf("%s: r=%d iflag %o oflag %o cflag %o lflag %o line %d speed %u/%u\n", label, r,
	       k.c_iflag, k.c_oflag, k.c_cflag, k.c_lflag, k.c_line, k.c_ispeed, k.c_ospeed);
	printf("%s: cc", label);
	for (int i = 0; i < 17; i++)
		printf(" %d", k.c_cc[i]);
	printf("\n");
}

int main(void)
{
	struct termios2 k;
	int m, s;
	char buf[16];

	m = posix_openpt(O_RDWR | O_NOCTTY);
	grantpt(m);
	unlockpt(m);
	s = open(ptsname(m), O_RDWR | O_NOCTTY);
	show_k("slave", s);
	show_k("master", m);

	/* Raw via the master: the slave sees it. */
	ioctl(m, TCGETS2, &k);
	k.c_lflag &= ~(ICANON | ECHO);
	k.c_cc[VMIN] = 1;
	SHOW(ioctl(m, TCSETS2, &k));
	show_k("slave after master TCSETS2", s);

	/* Speeds: B9600 through the old call, any speed with BOTHER. */
	ioctl(s, TCGETS2, &k);
	k.c_cflag = (k.c_cflag & ~CBAUD) | B9600;
	SHOW(ioctl(s, TCSETS2, &k));
	show_k("9600", s);
	k.c_cflag = (k.c_cflag & ~CBAUD) | BOTHER;
	k.c_ospeed = 12345;
	k.c_ispeed = 12345;
	SHOW(ioctl(s, TCSETS2, &k));
	show_k("bother", s);
	k.c_cflag = (k.c_cflag & ~CBAUD) | B115200;
	SHOW(ioctl(s, TCSETS2, &k));
	show_k("115200", s);

	/* TCSETSF drops what was typed and not read. */
	write(m, "junk", 4);
	wait_input(s);
	ioctl(s, TCGETS2, &k);
	SHOW(ioctl(s, TCSETSF2, &k));
	fcntl(s, F_SETFL, O_NONBLOCK);
	SHOW(read(s, buf, sizeof(buf)));

	SHOW(ioctl(s, TCGETS2, (void *)8));
	SHOW(ioctl(s, TCSETS2, (void *)8));
	SHOW(ioctl(s, 0x54ff, 0));
	int fd = open("/dev/null", O_RDWR);
	SHOW(ioctl(fd, TCGETS2, &k));
	return 0;
}
