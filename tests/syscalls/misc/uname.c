/* uname: the fields that do not depend on the host kernel build: sysname,
 * machine, a numeric release, nodename equal to gethostname; bad pointer
 * is EFAULT. */
#include "../common.h"
#include <ctype.h>
#include <sys/utsname.h>

int main(void)
{
	struct utsname u;
	char host[HOST_NAME_MAX + 1];

	SHOW(uname(&u));
	printf("sysname=%s machine=%s\n", u.sysname, u.machine);
	EXPECT(isdigit((unsigned char)u.release[0]) && strchr(u.release, '.'));
	EXPECT(u.version[0] != 0);
	gethostname(host, sizeof(host));
	EXPECT(strcmp(host, u.nodename) == 0);
	SHOW(uname((struct utsname *)8));
	return 0;
}
