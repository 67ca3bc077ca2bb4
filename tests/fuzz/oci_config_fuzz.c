/* libFuzzer target of the config.json parser (runsc/oci.c): any bytes must
 * give either a config or one error message, within the limits, without
 * crashes or leaks. Build: make fuzz-oci; run: build/fuzz/oci_config_fuzz. */
#include "runsc/oci.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oci_config cfg;
	struct oci_error err;

	err.msg[0] = '\0';
	if (oci_config_parse((const char *)data, size, &cfg, &err) == 0) {
		/* A config the parser accepted holds what the spec promises. */
		if (!cfg.process.args || !cfg.process.args[0] || !cfg.root_path ||
		    cfg.process.nargs > OCI_MAX_STRV || cfg.nmounts > OCI_MAX_MOUNTS)
			abort();
		for (size_t i = 0; i < cfg.nmounts; i++)
			if (cfg.mounts[i].destination[0] != '/')
				abort();
		oci_config_free(&cfg);
	} else if (!err.msg[0] || strchr(err.msg, '\n')) {
		/* Every failure says why, on one line. */
		abort();
	}
	return 0;
}
