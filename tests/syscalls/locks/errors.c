/* Argument checks of the fcntl lock commands. */
#include "lockutil.h"

int main(void)
{
	int fd = lk_setup(), ro = open(lk_path, O_RDONLY), wo = open(lk_path, O_WRONLY), pth;
	struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET };

	SHOW(lk(ro, F_SETLK, F_WRLCK, 0, 1));
	SHOW(lk(wo, F_SETLK, F_RDLCK, 0, 1));
	SHOW(lk(ro, F_SETLK, F_RDLCK, 0, 1));
	SHOW(lk(wo, F_SETLK, F_WRLCK, 2, 1));
	SHOW(lk(ro, F_SETLK, F_UNLCK, 0, 0));
	SHOW(lk(fd, F_SETLK, 7, 0, 1));
	SHOW(lk(fd, F_GETLK, F_UNLCK, 0, 1));
	SHOW(lk(fd, F_SETLK, F_RDLCK, -1, 1));
	SHOW(lk(fd, F_SETLK, F_RDLCK, 5, -6));
	SHOW(lk(fd, F_SETLK, F_RDLCK, 5, -5));
	SHOW(lk(fd, F_SETLK, F_RDLCK, 0x7fffffffffffffffLL, 2));
	SHOW(lk(fd, F_SETLK, F_RDLCK, 0x7fffffffffffffffLL, 1));
	fl.l_whence = 3;
	SHOW(fcntl(fd, F_SETLK, &fl));
	fl.l_whence = SEEK_END;
	fl.l_start = -2000;
	SHOW(fcntl(fd, F_SETLK, &fl));
	SHOW(fcntl(fd, F_SETLK, (struct flock *)8));
	SHOW(fcntl(fd, F_GETLK, NULL));
	SHOW(fcntl(-1, F_SETLK, &fl));
	pth = open(lk_path, O_PATH);
	fl.l_whence = SEEK_SET;
	fl.l_start = 0;
	SHOW(fcntl(pth, F_SETLK, &fl));
	SHOW(fcntl(pth, F_GETLK, &fl));
	lk_cleanup();
	return 0;
}
