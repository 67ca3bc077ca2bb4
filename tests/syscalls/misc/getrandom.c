/* getrandom: returns the requested length (up to 256 bytes is never
 * short), flags GRND_NONBLOCK/GRND_RANDOM are accepted, unknown flags are
 * EINVAL, a bad buffer EFAULT; two draws differ. */
#include "../common.h"
#include <sys/random.h>

int main(void)
{
	unsigned char a[256], b[256], big[100000];

	SHOW(getrandom(a, 0, 0));
	SHOW(getrandom(a, 1, 0));
	SHOW(getrandom(a, 16, 0));
	SHOW(getrandom(a, 256, 0));
	SHOW(getrandom(b, 256, GRND_NONBLOCK));
	SHOW(getrandom(b, 16, GRND_RANDOM | GRND_NONBLOCK) > 0);
	EXPECT(memcmp(a, b, 256) != 0);
	EXPECT(getrandom(big, sizeof(big), 0) > 0);
	SHOW(getrandom(a, 16, 0x40));
	void *volatile bad = (void *)8;
	SHOW(getrandom(bad, 16, 0));
	return 0;
}
