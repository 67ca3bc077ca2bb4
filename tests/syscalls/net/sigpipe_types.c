/* Which EPIPE raises SIGPIPE: stream sends do, datagram and seqpacket
 * sends after shutdown or a closed peer (unix_dgram_sendmsg) do not...
 * whatever Linux does is printed as the child's wait status. */
#include "net.h"

static void try(const char *label, int type, int how, int use_write)
{
	int sv[2];
	pid_t pid;

	socketpair(AF_UNIX, type, 0, sv);
	if (how == 0)
		close(sv[1]);
	else
		shutdown(sv[0], SHUT_WR);
	pid = fork();
	if (pid == 0) {
		long r = use_write ? write(sv[0], "x", 1) : send(sv[0], "x", 1, 0);

		_exit(r < 0 ? (errno == EPIPE ? 3 : 4) : 5);
	}
	reap(pid, label);
	close(sv[0]);
	if (how)
		close(sv[1]);
}

int main(void)
{
	try("stream closed send", SOCK_STREAM, 0, 0);
	try("stream closed write", SOCK_STREAM, 0, 1);
	try("stream shutdown send", SOCK_STREAM, 1, 0);
	try("seqpacket closed send", SOCK_SEQPACKET, 0, 0);
	try("seqpacket closed write", SOCK_SEQPACKET, 0, 1);
	try("seqpacket shutdown send", SOCK_SEQPACKET, 1, 0);
	try("dgram shutdown send", SOCK_DGRAM, 1, 0);
	try("dgram shutdown write", SOCK_DGRAM, 1, 1);
	try("dgram closed send", SOCK_DGRAM, 0, 0);
	return 0;
}
