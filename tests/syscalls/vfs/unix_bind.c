/* AF_UNIX pathname sockets: bind creates a socket file, EADDRINUSE on an
 * existing name, connect finds it, unlink removes the name only. */
#include "vfs.h"
#include <sys/socket.h>
#include <sys/un.h>

static struct sockaddr_un addr(const char *p)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", p);
	return a;
}

int main(void)
{
	struct sockaddr_un a = addr("sock"), b = addr("d/missing/s"), f = addr("file");
	int s = socket(AF_UNIX, SOCK_STREAM, 0), s2 = socket(AF_UNIX, SOCK_STREAM, 0);
	int c = socket(AF_UNIX, SOCK_STREAM, 0), dg = socket(AF_UNIX, SOCK_DGRAM, 0);
	char ch = 0;

	scratch_enter();
	put_file("file", "", 0644);
	SHOWOK(bind(s, (void *)&a, sizeof(a)));
	show_mode("sock");
	SHOW(bind(s2, (void *)&a, sizeof(a)));
	SHOW(bind(s2, (void *)&b, sizeof(b)));
	SHOW(bind(s2, (void *)&f, sizeof(f)));
	SHOW(bind(s, (void *)&f, sizeof(f)));
	SHOW(connect(c, (void *)&a, sizeof(a)));
	SHOWOK(listen(s, 4));
	SHOWOK(connect(c, (void *)&a, sizeof(a)));
	{
		int acc = accept(s, NULL, NULL);

		SHOWOK(acc);
		SHOW(write(c, "z", 1));
		SHOW(read(acc, &ch, 1));
		printf("got %c\n", ch);
		close(acc);
	}
	SHOW(connect(dg, (void *)&a, sizeof(a)));
	SHOW(open("sock", O_RDONLY));
	SHOWOK(unlink("sock"));
	{
		int c2 = socket(AF_UNIX, SOCK_STREAM, 0);

		SHOW(connect(c2, (void *)&a, sizeof(a)));
		SHOW(connect(c2, (void *)&f, sizeof(f)));
		close(c2);
	}
	close(s);
	SHOWOK(mknod("fake", S_IFSOCK | 0666, 0));
	{
		struct sockaddr_un k = addr("fake");
		int c3 = socket(AF_UNIX, SOCK_STREAM, 0);

		SHOW(connect(c3, (void *)&k, sizeof(k)));
		close(c3);
	}
	scratch_leave();
	return 0;
}
