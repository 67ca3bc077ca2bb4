# Test suites. Each suite's rules live in its own file and append result
# lines to $(RESULTS)/<suite>.txt:  "PASS name", "FAIL name", "SKIP name: reason".
# `make check` runs them all and tests/report.sh prints one summary line
# ("N passed, N failed, N skipped") and fails if anything failed.

RESULTS := $(BUILD)/test-results
export RESULTS

CHECK_SUITES :=
include tests/unit/unit.mk
include tests/syscalls/syscalls.mk
include tests/e2e/e2e.mk
include tests/e2e/oci.mk
include tests/e2e/security.mk
include tests/e2e/hostile.mk
include tests/e2e/podman.mk
include tests/e2e/apps.mk
include tests/e2e/hostsock.mk
include tests/e2e/veth.mk
include tests/e2e/hostnet.mk
include tests/fuzz/fuzz.mk

check: $(RUNSC)
	@rm -rf $(RESULTS) && mkdir -p $(RESULTS)
	@status=0; for s in $(CHECK_SUITES); do $(MAKE) --no-print-directory $$s || status=1; done; \
	tests/report.sh $(RESULTS) || status=1; exit $$status

.PHONY: $(CHECK_SUITES)
