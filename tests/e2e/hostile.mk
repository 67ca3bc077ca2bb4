# Suite "hostile": a guest that attacks the platform from inside
# (tests/e2e/hostile.c): it finds the stub's pages, calls host syscalls at
# the stub's trampolines and scribbles on its message pages and signal
# frames while other threads make syscalls. Runs on systrap and ptrace;
# tests/e2e/hostile.sh checks that the sentry survives, a bystander process
# is never confused and the host is untouched.
CHECK_SUITES += check-hostile
HOSTILE_BIN := $(BUILD)/tests/e2e/hostile

$(HOSTILE_BIN): tests/e2e/hostile.c
	@mkdir -p $(dir $@)
	gcc -static -O2 -pthread -Wall -Wextra -Werror -o $@ $<

check-hostile: $(RUNSC) $(HOSTILE_BIN)
	@tests/e2e/hostile.sh $(RUNSC) $(HOSTILE_BIN) $(RESULTS)
