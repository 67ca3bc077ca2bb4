# Suite "veth": our network stack against the host kernel's across a veth
# pair into a network namespace the test makes (tests/e2e/veth.sh), with
# `runsc do --network=sandbox` taking the interface over: ip addr/route
# inside, ping, UDP (fragmented too) and TCP both ways. Needs root; skips
# with the reason otherwise.
CHECK_SUITES += check-veth
check-veth: $(RUNSC)
	@tests/e2e/veth.sh $(RUNSC) $(PLATFORM) $(RESULTS); \
	cat $(RESULTS)/veth.txt; ! grep -q '^FAIL' $(RESULTS)/veth.txt
