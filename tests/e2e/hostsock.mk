# Suite "hostsock": guest unix sockets reach host sockets on a bind mount
# through the gofer, and nothing else (tests/e2e/hostsock.sh,
# tests/e2e/hostsock_client.c).
CHECK_SUITES += check-hostsock
check-hostsock: $(RUNSC)
	@tests/e2e/hostsock.sh $(RUNSC) $(PLATFORM) $(RESULTS)
