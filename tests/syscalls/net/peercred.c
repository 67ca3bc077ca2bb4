/* SO_PEERCRED (socketpair and connect/accept) and SCM_CREDENTIALS with
 * SO_PASSCRED: only stable fields are printed (uid, gid, pid checks). */
#include "net.h"

int main(void)
{
	int sv[2], v = 1;
	struct ucred c;
	socklen_t len = sizeof(c);
	struct sockaddr_un a;
	socklen_t alen = abstract_addr(&a, "cred");
	char data[8], ctl[128];

	SHOW(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	SHOW(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &c, &len));
	printf("len %d pid_is_self %d uid %d gid %d\n", len, c.pid == getpid(), (int)c.uid,
	       (int)c.gid);
	EXPECT(c.uid == geteuid() && c.gid == getegid());

	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	len = sizeof(c);
	SHOW(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &c, &len));
	printf("unconnected pid %d uid %d gid %d\n", c.pid, (int)c.uid, (int)c.gid);

	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	SHOW(bind(ls, (struct sockaddr *)&a, alen));
	SHOW(listen(ls, 1));
	pid_t pid = fork();
	if (pid == 0) {
		int cs = socket(AF_UNIX, SOCK_STREAM, 0);

		if (connect(cs, (struct sockaddr *)&a, alen) < 0)
			_exit(1);
		write(cs, "k", 1);
		read(cs, data, 1);
		_exit(0);
	}
	int as = accept(ls, NULL, NULL);
	len = sizeof(c);
	SHOW(getsockopt(as, SOL_SOCKET, SO_PEERCRED, &c, &len));
	printf("accepted: pid_is_child %d uid_ok %d\n", c.pid == pid, c.uid == geteuid());
	SHOW(read(as, data, 1));
	SHOW(write(as, "k", 1));
	reap(pid, "child");

	/* SCM_CREDENTIALS arrive only with SO_PASSCRED. */
	SHOW(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &v, sizeof(v)));
	len = sizeof(v);
	SHOW(getsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &v, &len));
	printf("passcred %d\n", v);
	SHOW(write(sv[0], "hi", 2));
	struct iovec iov = { data, sizeof(data) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			     .msg_controllen = sizeof(ctl) };
	SHOW(recvmsg(sv[1], &mh, 0));
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	EXPECT(cm && cm->cmsg_type == SCM_CREDENTIALS && cm->cmsg_len == CMSG_LEN(sizeof(c)));
	if (cm) {
		memcpy(&c, CMSG_DATA(cm), sizeof(c));
		printf("cred pid_is_self %d uid %d gid %d\n", c.pid == getpid(), (int)c.uid,
		       (int)c.gid);
	}
	/* Sending explicit credentials of our own. */
	char sctl[CMSG_SPACE(sizeof(struct ucred))];
	struct msghdr sm = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = sctl,
			     .msg_controllen = sizeof(sctl) };
	struct cmsghdr *sc = CMSG_FIRSTHDR(&sm);
	sc->cmsg_level = SOL_SOCKET;
	sc->cmsg_type = SCM_CREDENTIALS;
	sc->cmsg_len = CMSG_LEN(sizeof(struct ucred));
	c.pid = getpid();
	c.uid = getuid();
	c.gid = getgid();
	memcpy(CMSG_DATA(sc), &c, sizeof(c));
	iov.iov_len = 3;
	SHOW(sendmsg(sv[0], &sm, 0));
	iov.iov_len = sizeof(data);
	mh.msg_controllen = sizeof(ctl);
	SHOW(recvmsg(sv[1], &mh, 0));
	EXPECT(CMSG_FIRSTHDR(&mh) != NULL);
	sc->cmsg_len = CMSG_LEN(4);
	SHOW(sendmsg(sv[0], &sm, 0));
	return 0;
}
