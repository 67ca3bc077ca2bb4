# One non-recursive Makefile; everything is built under build/.
#   make            build build/bin/runsc
#   make check      unit tests, syscall conformance tests (native vs sandbox), e2e
#   make bench      microbenchmarks: sandbox vs native (and gVisor's runsc if installed);
#                   PLATFORM=ptrace,systrap,kvm measures several platforms in one run
#   make demo       install missing Debian packages (as root), build, run a pipeline
#   make check SAN=address,undefined   the same under sanitizers

CC       ?= gcc
BUILD    ?= build
PLATFORM ?= ptrace
SAN      ?=
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -fno-strict-aliasing \
            -fno-omit-frame-pointer -I.
LDFLAGS  += -rdynamic
LDLIBS   += -lseccomp -lunwind -ljansson -lpthread
comma    := ,
ifneq ($(SAN),)
# Sanitizer builds live apart so they never mix with normal objects.
BUILD    := $(BUILD)/san-$(subst $(comma),-,$(SAN))
CFLAGS   += -fsanitize=$(SAN) -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=$(SAN)
endif

SRCS := $(wildcard platform/*.c platform/*/*.c sentry/*.c syscalls/*.c fs/*.c net/*.c runsc/*.c)
OBJS := $(SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/stub_image.o $(BUILD)/obj/vdso_image.o
DEPS := $(OBJS:.o=.d)
RUNSC := $(BUILD)/bin/runsc

all: $(RUNSC)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# The ptrace stub: static, no libc, linked at a fixed address.
$(BUILD)/stub: platform/ptrace/stub.S platform/ptrace/stub.h platform/ptrace/stub.lds
	@mkdir -p $(dir $@)
	$(CC) -I. -nostdlib -static -Wl,-T,platform/ptrace/stub.lds -Wl,--build-id=none -o $@ $<

$(BUILD)/obj/stub_image.o: platform/ptrace/stub_image.S $(BUILD)/stub
	@mkdir -p $(dir $@)
	$(CC) -c -DSTUB_BIN='"$(BUILD)/stub"' -o $@ $<

# The systrap stub: the same kind of binary, at its own fixed address.
$(BUILD)/systrap-stub: platform/systrap/stub.S platform/systrap/systrap.h platform/systrap/stub.lds
	@mkdir -p $(dir $@)
	$(CC) -I. -nostdlib -static -Wl,-T,platform/systrap/stub.lds -Wl,--build-id=none -o $@ $<

$(BUILD)/obj/systrap_stub_image.o: platform/systrap/stub_image.S $(BUILD)/systrap-stub
	@mkdir -p $(dir $@)
	$(CC) -c -DSTUB_BIN='"$(BUILD)/systrap-stub"' -o $@ $<
OBJS += $(BUILD)/obj/systrap_stub_image.o

# The guest vDSO: one PT_LOAD, no libc, no sanitizers.
VDSO_CFLAGS := -O2 -fPIC -shared -nostdlib -fno-stack-protector -fno-asynchronous-unwind-tables \
               -Wl,-T,sentry/vdso/vdso.lds -Wl,--version-script=sentry/vdso/vdso.map \
               -Wl,-soname=linux-vdso.so.1 -Wl,--hash-style=both -Wl,--build-id=none
$(BUILD)/vdso.so: sentry/vdso/vdso.c sentry/vdso/vvar.h sentry/vdso/vdso.lds sentry/vdso/vdso.map
	@mkdir -p $(dir $@)
	$(CC) $(VDSO_CFLAGS) -o $@ $<

$(BUILD)/obj/vdso_image.o: sentry/vdso/vdso_image.S $(BUILD)/vdso.so
	@mkdir -p $(dir $@)
	$(CC) -c -DVDSO_BIN='"$(BUILD)/vdso.so"' -o $@ $<

$(RUNSC): $(OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

# ---- tests ----
include tests/tests.mk

# ---- benchmarks ----
bench: $(RUNSC)
	tests/bench/run.sh $(RUNSC) $(PLATFORM)

# ---- the main job on a fresh machine ----
demo:
	./scripts/setup-debian.sh
	$(MAKE) all
	$(RUNSC) do /bin/sh -c 'echo hello from the sandbox; for i in 1 2 3; do echo $$i; done | wc -l; uname -a'

clean:
	rm -rf $(BUILD)

.PHONY: all check bench demo clean
-include $(DEPS)
