/* IP reassembly (RFC 791 section 3.2, RFC 815; RFC 8200 section 4.5):
 * fragments of one datagram, keyed by addresses, protocol and
 * identification, collected until the holes are filled. Fragments come
 * from the wire, so every limit holds against a hostile sender: total
 * size, fragment count, a time limit and a memory ceiling (the oldest
 * datagrams go first), and any overlap other than an exact duplicate
 * drops the whole datagram (RFC 5722, as Linux also does for IPv4). */
#ifndef NET_FRAG_H
#define NET_FRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAG_TIMEOUT_NS (30ULL * 1000000000ULL)  /* ipfrag_time */
#define FRAG_MEM_MAX (4u << 20)                  /* ipfrag_high_thresh */
#define FRAG_MAX_PER_DGRAM 1024
#define FRAG_MAX_QUEUES 1024

struct frag_key {
	int family;                 /* AF_INET or AF_INET6 */
	uint8_t src[16], dst[16];
	uint32_t id;
	uint8_t proto;
};

/* Offer one fragment: payload bytes [off, off+len) of the datagram, more
 * set unless it is the last; max is the largest payload the family allows.
 * Returns 1 with *out (malloc'd, the caller frees) and *outlen when the
 * datagram is complete, 0 when the fragment is kept (or was an exact
 * duplicate), or a negative errno when it was refused: -EINVAL (bad
 * length or an overlap, which drops the datagram), -EMSGSIZE (beyond
 * max, which drops the datagram too), -ENOBUFS (limits). */
int frag_input(const struct frag_key *k, size_t off, bool more, const uint8_t *data,
	       size_t len, size_t max, uint64_t now_ns, uint8_t **out, size_t *outlen);
/* Drop the datagrams whose time ran out; returns how many. */
int frag_expire(uint64_t now_ns);
/* Everything, and the accounting (for tests). */
void frag_flush(void);
size_t frag_mem(void);
int frag_queues(void);

#endif
