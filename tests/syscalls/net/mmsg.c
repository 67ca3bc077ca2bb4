/* sendmmsg/recvmmsg on a datagram pair: per-message lengths, truncation,
 * MSG_WAITFORONE, and a nonblocking receive with nothing queued. */
#include "net.h"

int main(void)
{
	int sv[2];
	char out[3][8] = { "a", "bb", "cccccc" }, in[3][4];
	struct iovec oiov[3], iiov[3];
	struct mmsghdr om[3], im[3];

	SHOW(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	memset(om, 0, sizeof(om));
	memset(im, 0, sizeof(im));
	for (int i = 0; i < 3; i++) {
		oiov[i].iov_base = out[i];
		oiov[i].iov_len = strlen(out[i]);
		om[i].msg_hdr.msg_iov = &oiov[i];
		om[i].msg_hdr.msg_iovlen = 1;
		iiov[i].iov_base = in[i];
		iiov[i].iov_len = sizeof(in[i]);
		im[i].msg_hdr.msg_iov = &iiov[i];
		im[i].msg_hdr.msg_iovlen = 1;
	}
	SHOW(sendmmsg(sv[0], om, 3, 0));
	for (int i = 0; i < 3; i++)
		printf("sent[%d] %u\n", i, om[i].msg_len);
	SHOW(recvmmsg(sv[1], im, 3, 0, NULL));
	for (int i = 0; i < 3; i++)
		printf("recv[%d] %u trunc %d\n", i, im[i].msg_len,
		       !!(im[i].msg_hdr.msg_flags & MSG_TRUNC));
	SHOW(recvmmsg(sv[1], im, 3, MSG_DONTWAIT, NULL));
	SHOW(sendmmsg(sv[0], om, 2, 0));
	SHOW(recvmmsg(sv[1], im, 3, MSG_WAITFORONE, NULL));
	SHOW(sendmmsg(sv[0], om, 0, 0));
	SHOW(sendmmsg(99, om, 1, 0));
	return 0;
}
