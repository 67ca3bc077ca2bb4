/* /dev/tty without a controlling terminal (a fresh session): ENXIO for
 * every access mode. */
#include "../common.h"
#include <fcntl.h>

int main(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		setsid();
		SHOW(open("/dev/tty", O_RDWR));
		SHOW(open("/dev/tty", O_RDONLY));
		SHOW(open("/dev/tty", O_WRONLY | O_NOCTTY));
		_exit(0);
	}
	reap(pid, "child");
	return 0;
}
