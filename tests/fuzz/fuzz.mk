# Suite "fuzz": the random-syscall robustness test (tests/fuzz/randsys.c)
# under `runsc do`.  FUZZ_ITERS calls per seed, one run per seed in
# FUZZ_SEEDS; results in $(RESULTS)/fuzz.txt, logs in $(RESULTS)/fuzz/.
FUZZ_ITERS ?= 100000
FUZZ_SEEDS ?= 1 2
RANDSYS    := $(BUILD)/fuzz/randsys

# Static and sanitizer-free: it is a guest program. It reads the syscall
# table for names and argument kinds.
$(RANDSYS): tests/fuzz/randsys.c syscalls/syscalls.def
	@mkdir -p $(dir $@)
	gcc -O2 -static -std=gnu11 -Wall -Wextra -Werror -I. -o $@ $<

CHECK_SUITES += check-fuzz
check-fuzz: $(RUNSC) $(RANDSYS)
	@mkdir -p $(RESULTS) && : > $(RESULTS)/fuzz.txt
	@tests/fuzz/run-randsys.sh $(RUNSC) $(RANDSYS) $(RESULTS)/fuzz.txt $(FUZZ_ITERS) $(FUZZ_SEEDS)
