/* A new devpts instance: mount(2) in a private mount namespace with
 * ptmxmode=, mode= and gid= options; its ptmx numbers pairs from 0 and
 * its slaves appear only there, with the mount's mode and group; unknown
 * options are EINVAL; the instance goes with the unmount. */
#include "tty.h"
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

int main(void)
{
	char dir[] = "/tmp/devpts-XXXXXX", path[128];
	struct stat st;
	unsigned int n = 99;
	int m, s, m2;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		printf("no private mount namespace: %s\n", errname(errno));
		return 0;
	}
	if (!mkdtemp(dir))
		return 1;
	SHOW(mount("devpts", dir, "devpts", 0, "newinstance,bogus=1"));
	SHOW(mount("devpts", dir, "devpts", 0, "newinstance,ptmxmode=0666,mode=0620,gid=5"));
	snprintf(path, sizeof(path), "%s/ptmx", dir);
	SHOW(stat(path, &st));
	printf("ptmx mode %o rdev %u:%u\n", st.st_mode, major(st.st_rdev), minor(st.st_rdev));
	m = open(path, O_RDWR | O_NOCTTY);
	SHOWOK(m);
	SHOW(ioctl(m, TIOCGPTN, &n));
	printf("first pair %u\n", n);
	m2 = open(path, O_RDWR | O_NOCTTY);
	ioctl(m2, TIOCGPTN, &n);
	printf("second pair %u\n", n);
	snprintf(path, sizeof(path), "%s/0", dir);
	SHOW(stat(path, &st));
	printf("slave mode %o gid %u\n", st.st_mode, st.st_gid);
	SHOW(unlockpt(m));
	s = open(path, O_RDWR | O_NOCTTY);
	SHOWOK(s);
	SHOW(write(m, "in the instance\n", 16));
	wait_input(s);
	show_read(s, "slave read", 100);
	close(s);
	close(m);
	SHOW(stat(path, &st));
	close(m2);
	SHOW(umount(dir));
	SHOW(rmdir(dir));
	return 0;
}
