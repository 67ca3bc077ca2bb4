/* ptmx: TIOCGPTN matches ptsname(), the slave is locked until unlockpt
 * (EIO), TIOCGPTLCK reports the lock, TIOCGPTPEER opens the slave, the
 * slave node is a character device 136:N owned by the opener, master
 * only ioctls are ENOTTY on the slave, and numbers are reused lowest
 * first. */
#include "tty.h"
#include <sys/stat.h>
#include <sys/sysmacros.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int main(void)
{
	unsigned int n = 12345, n2, n3;
	int m, m2, m3, s, lock = -1;
	char expect[64], name[64];
	struct stat st;

	m = posix_openpt(O_RDWR | O_NOCTTY);
	SHOWOK(m);
	SHOW(ioctl(m, TIOCGPTN, &n));
	snprintf(expect, sizeof(expect), "/dev/pts/%u", n);
	strcpy(name, ptsname(m));
	EXPECT(!strcmp(name, expect));
	SHOW(ioctl(m, TIOCGPTLCK, &lock));
	printf("locked %d\n", lock);
	SHOW(open(name, O_RDWR | O_NOCTTY));
	SHOW(stat(name, &st));
	printf("mode %o major %u minor-is-n %d uid-mine %d gid-mine %d\n", st.st_mode,
	       major(st.st_rdev), minor(st.st_rdev) == n, st.st_uid == getuid(),
	       st.st_gid == getgid());
	SHOW(grantpt(m));
	SHOW(unlockpt(m));
	SHOW(ioctl(m, TIOCGPTLCK, &lock));
	printf("locked %d\n", lock);
	s = open(name, O_RDWR | O_NOCTTY);
	SHOWOK(s);
	SHOW(ioctl(s, TIOCGPTN, &n2));
	SHOW(ioctl(s, TIOCGPTLCK, &lock));
	lock = 1;
	SHOW(ioctl(m, TIOCSPTLCK, &lock));
	SHOW(open(name, O_RDWR | O_NOCTTY));
	lock = 0;
	SHOW(ioctl(m, TIOCSPTLCK, &lock));
	int peer = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	SHOWOK(peer);
	SHOW(ioctl(m, TIOCGPTPEER, 0x12345678));
	SHOW(write(peer, "via peer\n", 9));
	show_master(m, "master got");
	SHOW(fstat(peer, &st));
	printf("peer is pts: major %u minor-is-n %d\n", major(st.st_rdev), minor(st.st_rdev) == n);
	SHOW(fstat(m, &st));
	printf("master: mode %o rdev %u:%u\n", st.st_mode & S_IFMT, major(st.st_rdev),
	       minor(st.st_rdev));

	m2 = posix_openpt(O_RDWR | O_NOCTTY);
	ioctl(m2, TIOCGPTN, &n2);
	m3 = posix_openpt(O_RDWR | O_NOCTTY);
	ioctl(m3, TIOCGPTN, &n3);
	close(m2);
	m2 = posix_openpt(O_RDWR | O_NOCTTY);
	ioctl(m2, TIOCGPTN, &n);
	EXPECT(n == n2);
	EXPECT(n3 != n2);
	return 0;
}
