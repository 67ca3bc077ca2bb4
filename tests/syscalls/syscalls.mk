# Suite "syscalls": every tests/syscalls/<family>/<name>.c is a static
# program run natively and under `runsc do`; stdout and exit status must
# match. `make check-syscalls T=signals/sigsegv` runs one test (or T=signals
# one family); J sets how many run at once.
CHECK_SUITES += check-syscalls

SYSCALL_TEST_CC     := gcc -static -O2 -pthread -Wall -Wno-unused-function
SYSCALL_TEST_DIR    := $(BUILD)/tests/syscalls
SYSCALL_TEST_SRCS   := $(filter-out tests/syscalls/helpers/%,$(wildcard tests/syscalls/*/*.c))
SYSCALL_HELPER_SRCS := $(wildcard tests/syscalls/helpers/*.c)
SYSCALL_TEST_BINS   := $(SYSCALL_TEST_SRCS:tests/syscalls/%.c=$(SYSCALL_TEST_DIR)/%) \
                       $(SYSCALL_HELPER_SRCS:tests/syscalls/%.c=$(SYSCALL_TEST_DIR)/%)
T ?=
J ?= 2

$(SYSCALL_TEST_DIR)/%: tests/syscalls/%.c tests/syscalls/common.h $(wildcard tests/syscalls/*/*.h)
	@mkdir -p $(dir $@)
	$(SYSCALL_TEST_CC) -o $@ $<

# Fixtures the tests read (the sandbox sees the host root read-only).
$(SYSCALL_TEST_DIR)/data/.stamp: tests/syscalls/mkdata.sh
	tests/syscalls/mkdata.sh $(SYSCALL_TEST_DIR)/data
	@touch $@

syscall-tests: $(SYSCALL_TEST_BINS) $(SYSCALL_TEST_DIR)/data/.stamp

check-syscalls: $(RUNSC) syscall-tests
	@tests/syscalls/run.sh $(RUNSC) $(PLATFORM) $(SYSCALL_TEST_DIR) $(RESULTS) "$(T)" $(J)

.PHONY: syscall-tests

# The same suite on the systrap platform (the issue asks for both).
CHECK_SUITES += check-syscalls-systrap
check-syscalls-systrap: $(RUNSC) syscall-tests
	@SUITE=syscalls-systrap tests/syscalls/run.sh $(RUNSC) systrap $(SYSCALL_TEST_DIR) $(RESULTS) "$(T)" $(J)

.PHONY: check-syscalls-systrap
