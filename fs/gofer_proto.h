/* The gofer protocol: binary RPCs between the sentry (client, fs/gofer.c)
 * and the confined file server (runsc/gofer.c) over a unix SOCK_SEQPACKET
 * socketpair. One message per packet:
 *
 *   header  u32 len (whole message), u16 type, u16 zero, u32 tag
 *   fixed   the type's fixed struct (gofer_proto_fixed_size(type) bytes)
 *   vars    0..3 variable items of the kinds the type declares, each
 *           u32 length then the bytes (names carry no NUL on the wire)
 *
 * Requests act on gofer-side handles (u32 fids, 0 is never valid); no host
 * fd number or host path ever travels in a message. Host fds (open,
 * create, bind, connect) come beside the reply as SCM_RIGHTS. Both sides
 * decode with gofer_decode(), which checks every length, name and count;
 * anything malformed ends the connection. Native byte order: both ends
 * are the same binary on the same host. */
#ifndef FS_GOFER_PROTO_H
#define FS_GOFER_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#define GOFER_HDR_SIZE     12u
#define GOFER_MSG_MAX      (96u * 1024)   /* whole message, both directions */
#define GOFER_NAME_MAX     255u           /* one path component */
#define GOFER_TARGET_MAX   4095u          /* symlink target */
#define GOFER_XNAME_MAX    255u           /* xattr name */
#define GOFER_BLOB_MAX     (64u * 1024)   /* xattr value, getdents records */
#define GOFER_MAX_MOUNTS   64u
#define GOFER_DIRENT_HDR   20u            /* u64 ino, u64 off, u8 type, u8 0, u16 namelen */
#define GOFER_CLUNK_BATCH  256u           /* handles per TCLUNKMANY */

enum gofer_type {
	GOFER_TATTACH = 1,
	GOFER_TWALK,
	GOFER_TSTAT,
	GOFER_TOPEN,
	GOFER_TCREATE,
	GOFER_TMKDIR,
	GOFER_TMKNOD,
	GOFER_TSYMLINK,
	GOFER_TLINK,
	GOFER_TREADLINK,
	GOFER_TUNLINK,
	GOFER_TRENAME,
	GOFER_TSETATTR,
	GOFER_TGETDENTS,
	GOFER_TSTATFS,
	GOFER_TGETXATTR,
	GOFER_TSETXATTR,
	GOFER_TLISTXATTR,
	GOFER_TREMOVEXATTR,
	GOFER_TFSYNC,
	GOFER_TCLUNK,
	GOFER_TBIND,
	GOFER_TCONNECT,
	GOFER_TLSTAT,        /* stat of a child by name, no handle (revalidation) */
	GOFER_TTMPFILE,      /* an unnamed regular file in a directory (O_TMPFILE) */
	GOFER_TCLUNKMANY,    /* release up to GOFER_CLUNK_BATCH handles (u32s in the blob) */
	GOFER_TCOUNT,
	/* A reply has the request's type | GOFER_REPLY; an error reply is
	 * GOFER_RERROR whatever the request. */
	GOFER_REPLY = 0x8000,
	GOFER_RERROR = 0x8000,
};

/* ---- fixed parts (wire layout; sizes are asserted in gofer_proto.c) ---- */

struct gofer_wstat {
	uint64_t ino, size, blocks, rdev;
	uint32_t mode, uid, gid, nlink;
	uint32_t blksize, pad;
	int64_t atime_sec, mtime_sec, ctime_sec;
	uint32_t atime_nsec, mtime_nsec, ctime_nsec, pad2;
};

struct gofer_wstatfs {
	uint64_t type, bsize, blocks, bfree, bavail, files, ffree, namelen, frsize, flags;
};

/* Requests. */
struct gofer_tattach  { uint32_t index, pad; };
struct gofer_tfid     { uint32_t fid, pad; };       /* walk, stat, readlink, statfs, clunk,
							 removexattr */
struct gofer_topen    { uint32_t fid, flags; };     /* GOFER_OPEN_FLAGS only */
/* create (a regular file), mkdir, mknod (FIFO, socket or regular file;
 * never a device node), tmpfile (no name). mode: S_IFMT (mknod only) |
 * permission bits. */
struct gofer_tmkdir   { uint32_t fid, mode, uid, gid; };
struct gofer_tsymlink { uint32_t fid, uid, gid, pad; };
struct gofer_tlink    { uint32_t dirfid, fid; };
struct gofer_tunlink  { uint32_t dirfid, flags; };  /* flags: 0 or AT_REMOVEDIR */
struct gofer_trename  { uint32_t odirfid, ndirfid, flags, pad; };
struct gofer_tsetattr {
	uint32_t fid, valid, mode, uid, gid, pad;
	uint64_t size;
	int64_t atime_sec, mtime_sec;
	uint32_t atime_nsec, mtime_nsec;   /* may be UTIME_NOW / UTIME_OMIT */
};
struct gofer_tgetdents { uint32_t fid, count; uint64_t offset; };
struct gofer_txattr   { uint32_t fid, size; };      /* getxattr, listxattr */
struct gofer_tsetxattr { uint32_t fid, flags; };
struct gofer_tfsync   { uint32_t fid, datasync; };
struct gofer_tbind    { uint32_t dirfid, socktype, mode, uid, gid, pad; };
struct gofer_tconnect { uint32_t fid, socktype; };
struct gofer_tclunkmany { uint32_t count, pad; };   /* + blob: count nonzero u32 fids */

/* Replies. */
struct gofer_rerror   { int32_t err; uint32_t pad; };     /* 1..4095 */
struct gofer_rfid     { uint32_t fid, pad; struct gofer_wstat st; };
struct gofer_rstat    { struct gofer_wstat st; };
struct gofer_rstatfs  { struct gofer_wstatfs st; };
struct gofer_rxattr   { uint32_t size, pad; };            /* + blob */
struct gofer_rgetdents { uint32_t eof, pad; };            /* + blob; eof: nothing follows */

/* GOFER_TSETATTR valid bits (the VFS's ATTR_* values). */
#define GOFER_ATTR_MODE  (1u << 0)
#define GOFER_ATTR_UID   (1u << 1)
#define GOFER_ATTR_GID   (1u << 2)
#define GOFER_ATTR_SIZE  (1u << 3)
#define GOFER_ATTR_ATIME (1u << 4)
#define GOFER_ATTR_MTIME (1u << 5)
#define GOFER_ATTR_ALL   0x3fu

/* Open flags the server accepts; anything else is malformed. */
#define GOFER_OPEN_FLAGS (O_ACCMODE | O_TRUNC | O_APPEND)

union gofer_fixed {
	struct gofer_tattach attach;
	struct gofer_tfid fid;
	struct gofer_topen open;
	struct gofer_tmkdir mkdir;
	struct gofer_tsymlink symlink;
	struct gofer_tlink link;
	struct gofer_tunlink unlink;
	struct gofer_trename rename;
	struct gofer_tsetattr setattr;
	struct gofer_tgetdents getdents;
	struct gofer_txattr xattr;
	struct gofer_tsetxattr setxattr;
	struct gofer_tfsync fsync;
	struct gofer_tbind bind;
	struct gofer_tconnect connect;
	struct gofer_tclunkmany clunkmany;
	struct gofer_rerror error;
	struct gofer_rfid rfid;
	struct gofer_rstat rstat;
	struct gofer_rstatfs rstatfs;
	struct gofer_rxattr rxattr;
	struct gofer_rgetdents rgetdents;
};

/* A decoded (or to-be-encoded) message. Strings are NUL-terminated copies;
 * blob points into the buffer that was decoded (or is the caller's). */
struct gofer_msg {
	uint16_t type;
	uint32_t tag;
	union gofer_fixed f;
	unsigned int nstr;
	char str[2][GOFER_TARGET_MAX + 1];
	uint32_t strlen[2];
	const void *blob;
	uint32_t bloblen;
};

/* Encode m (type, tag, f, str[], blob as its type declares) into buf.
 * Returns the message length or -EINVAL (m does not fit its type's rules)
 * or -EMSGSIZE. Pure. */
long gofer_encode(const struct gofer_msg *m, void *buf, size_t cap);
/* Decode one message of exactly len bytes. 0, or -EBADMSG for anything
 * malformed: lengths, unknown type, nonzero reserved fields, bad names,
 * zero fids, flags outside the allowed sets, oversized counts. Pure. */
int gofer_decode(const void *buf, size_t len, struct gofer_msg *m);
/* Does a message of this type travel with one host fd? */
bool gofer_type_has_fd(uint16_t type);
/* Is name a valid single path component ("." and ".." are not)? */
bool gofer_name_ok(const char *name, size_t len);
/* Is name an xattr name the gofer serves (user.* and trusted.*)? */
bool gofer_xattr_name_ok(const char *name, size_t len);

/* One record of a GOFER_RGETDENTS blob. */
struct gofer_dirent {
	uint64_t ino;
	uint64_t off;       /* cookie of the next entry */
	uint8_t type;       /* DT_* */
	uint16_t namelen;
	const char *name;   /* not NUL-terminated; "." and ".." allowed */
};
/* Append a record at *pos of buf (cap bytes); false when it does not fit. */
bool gofer_dirent_put(void *buf, size_t cap, size_t *pos, const struct gofer_dirent *d);
/* Next record at *pos of a blob of len bytes: 1 and *d, 0 at the end,
 * -EBADMSG on a malformed record. Pure. */
int gofer_dirent_next(const void *blob, size_t len, size_t *pos, struct gofer_dirent *d);

/* Conversions. gofer_wstat_ok checks a reply's stat (file type, nsec). */
void gofer_wstat_from(struct gofer_wstat *w, const struct stat *st);
bool gofer_wstat_ok(const struct gofer_wstat *w);
void gofer_wstatfs_from(struct gofer_wstatfs *w, const struct statfs *st);

/* Transport: one message per packet, at most one fd beside it. send
 * returns 0 or -errno; recv returns the length, 0 at EOF, or -errno
 * (-EBADMSG for truncated packets or unexpected control data); *fd is -1
 * when no fd came. */
int gofer_send(int sock, const void *buf, size_t len, int fd);
/* -EMFILE: the packet came whole but its fd could not be received (out
 * of fds); the connection is still in step. */
long gofer_recv(int sock, void *buf, size_t cap, int *fd);

#endif
