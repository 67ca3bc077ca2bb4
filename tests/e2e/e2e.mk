# Suite "e2e": `runsc do` acceptance (tests/e2e/do.sh): busybox applets,
# coreutils, sh pipelines, python3 with threads/fork/signals and exit
# statuses, each compared with the same command run natively.
CHECK_SUITES += check-e2e
check-e2e: $(RUNSC)
	@tests/e2e/do.sh $(RUNSC) $(PLATFORM) $(RESULTS)

# Suite "gofer": bind mounts through the gofer over an OCI bundle (writes
# reach the host, also after kill -9; read-only binds) and escape attempts
# (tests/e2e/gofer.sh, tests/e2e/gofer_escape.c).
CHECK_SUITES += check-gofer
check-gofer: $(RUNSC)
	@tests/e2e/gofer.sh $(RUNSC) $(PLATFORM) $(RESULTS)

# Suite "e2e-pty", beside e2e: interactive `runsc do /bin/sh -i` on a host
# pty, and a shell on the sandbox's own devpts (line editing, ^C, stty),
# driven by tests/e2e/pty_drive.py.
CHECK_SUITES += check-e2e-pty
check-e2e-pty: $(RUNSC)
	@tests/e2e/pty.sh $(RUNSC) $(PLATFORM) $(RESULTS)

# Round trips of gofer requests without a sentry (tests/bench/gofer/rpc.c):
# `make bench-gofer` (as root). Not part of `make check`.
$(BUILD)/bench/gofer_rpc: tests/bench/gofer/rpc.c fs/gofer_proto.c runsc/gofer_spawn.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ tests/bench/gofer/rpc.c fs/gofer_proto.c runsc/gofer_spawn.c
bench-gofer: $(RUNSC) $(BUILD)/bench/gofer_rpc
	$(BUILD)/bench/gofer_rpc $(RUNSC)
.PHONY: bench-gofer
