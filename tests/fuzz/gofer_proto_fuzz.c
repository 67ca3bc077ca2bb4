/* libFuzzer target of the gofer message decoder (fs/gofer_proto.c): any
 * bytes either decode to a message that obeys the protocol's rules (and
 * re-encodes to the same bytes) or are refused, without crashes. Also
 * walks a decoded getdents blob. Build: make fuzz-gofer; run:
 * build/fuzz/gofer_proto_fuzz [corpus dir]. */
#include "fs/gofer_proto.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct gofer_msg m;
static char out[GOFER_MSG_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long n;

	if (gofer_decode(data, size, &m) != 0)
		return 0;
	for (unsigned int i = 0; i < m.nstr; i++)
		if (strlen(m.str[i]) != m.strlen[i] || m.strlen[i] > GOFER_TARGET_MAX)
			abort();
	if (m.bloblen > GOFER_BLOB_MAX ||
	    (m.blob && ((const uint8_t *)m.blob < data ||
			(const uint8_t *)m.blob + m.bloblen > data + size)))
		abort();
	/* What decodes encodes back to the same bytes. */
	n = gofer_encode(&m, out, sizeof(out));
	if (n != (long)size || memcmp(out, data, size))
		abort();
	if (m.type == (GOFER_REPLY | GOFER_TGETDENTS)) {
		struct gofer_dirent d;
		size_t pos = 0;
		int r;

		while ((r = gofer_dirent_next(m.blob, m.bloblen, &pos, &d)) == 1)
			if (pos > m.bloblen || d.namelen == 0 || d.namelen > GOFER_NAME_MAX)
				abort();
	}
	return 0;
}
