# Suite "oci": the OCI runtime commands over a busybox bundle
# (tests/e2e/oci.sh): spec, run, create/start/state/kill/wait/delete, list,
# exit statuses, malformed config.json files.
CHECK_SUITES += check-oci
check-oci: $(RUNSC)
	@tests/e2e/oci.sh $(RUNSC) $(PLATFORM) $(RESULTS)

# The libFuzzer target of the config.json parser: `make fuzz-oci`, then
# build/fuzz/oci_config_fuzz [corpus dir]. Not part of `make check`.
FUZZ_CC ?= clang
$(BUILD)/fuzz/oci_config_fuzz: tests/fuzz/oci_config_fuzz.c runsc/oci.c runsc/oci.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -g -O1 -I. -fsanitize=fuzzer,address,undefined -o $@ \
		tests/fuzz/oci_config_fuzz.c runsc/oci.c -ljansson
fuzz-oci: $(BUILD)/fuzz/oci_config_fuzz
fuzz: fuzz-oci
.PHONY: fuzz fuzz-oci
