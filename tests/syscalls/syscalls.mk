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

# The same suite on the kvm platform, when /dev/kvm works here; otherwise
# one SKIP line with the reason.
CHECK_SUITES += check-syscalls-kvm
check-syscalls-kvm: $(RUNSC) syscall-tests
	@mkdir -p $(RESULTS); \
	if why=$$(tests/syscalls/kvm-usable.sh $(RUNSC)); then \
		SUITE=syscalls-kvm tests/syscalls/run.sh $(RUNSC) kvm $(SYSCALL_TEST_DIR) $(RESULTS) "$(T)" $(J); \
	else \
		echo "SKIP syscalls-kvm: $$why" | tee $(RESULTS)/syscalls-kvm.txt; \
	fi

.PHONY: check-syscalls-kvm

# tests/syscalls/gofer/vfs_NAME.c reruns tests/syscalls/vfs/NAME.c on a host
# directory through the gofer: rebuild it when the original changes.
GOFER_VFS_BINS := $(patsubst tests/syscalls/gofer/vfs_%.c,$(SYSCALL_TEST_DIR)/gofer/vfs_%,\
                    $(wildcard tests/syscalls/gofer/vfs_*.c))
$(GOFER_VFS_BINS): $(SYSCALL_TEST_DIR)/gofer/vfs_%: tests/syscalls/vfs/%.c
