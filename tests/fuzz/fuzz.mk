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

# The libFuzzer target of the gofer message codec: `make fuzz-gofer`, then
# build/fuzz/gofer_proto_fuzz [corpus dir]. Not part of `make check`.
FUZZ_CC ?= clang
$(BUILD)/fuzz/gofer_proto_fuzz: tests/fuzz/gofer_proto_fuzz.c fs/gofer_proto.c fs/gofer_proto.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -g -O1 -I. -fsanitize=fuzzer,address,undefined -o $@ \
		tests/fuzz/gofer_proto_fuzz.c fs/gofer_proto.c
fuzz-gofer: $(BUILD)/fuzz/gofer_proto_fuzz
fuzz: fuzz-gofer
.PHONY: fuzz-gofer

# The libFuzzer target of the netlink route parser: `make fuzz-netlink`,
# then build/fuzz/netlink_fuzz [corpus dir]. Not part of `make check`.
$(BUILD)/fuzz/netlink_fuzz: tests/fuzz/netlink_fuzz.c net/netlink.c net/route.c net/netlink.h \
			    net/route.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -g -O1 -I. -fsanitize=fuzzer,address,undefined -o $@ \
		tests/fuzz/netlink_fuzz.c net/netlink.c net/route.c
fuzz-netlink: $(BUILD)/fuzz/netlink_fuzz
fuzz: fuzz-netlink
.PHONY: fuzz-netlink

# The libFuzzer target of the link-layer receive path (Ethernet, ARP, NDP,
# IP with reassembly, ICMP): `make fuzz-link`, then build/fuzz/link_fuzz
# [corpus dir]. Not part of `make check`.
LINK_FUZZ_SRCS := net/eth.c net/arp.c net/ndp.c net/ip.c net/frag.c net/icmp.c net/route.c
$(BUILD)/fuzz/link_fuzz: tests/fuzz/link_fuzz.c $(LINK_FUZZ_SRCS) net/link.h net/ip.h net/route.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -g -O1 -I. -fsanitize=fuzzer,address,undefined -o $@ \
		tests/fuzz/link_fuzz.c $(LINK_FUZZ_SRCS)
fuzz-link: $(BUILD)/fuzz/link_fuzz
fuzz: fuzz-link
.PHONY: fuzz-link
