# Suite "hostnet": --network=host forwards AF_INET/AF_INET6 sockets to host
# sockets (tests/e2e/hostnet.sh, tests/e2e/hostnet_guest.c): guest client
# and server against host peers, isolation without the flag, and the
# host filter's extra rules only in that mode.
CHECK_SUITES += check-hostnet
check-hostnet: $(RUNSC)
	@tests/e2e/hostnet.sh $(RUNSC) $(PLATFORM) $(RESULTS)
