# Suite "security": the sandbox boundary (tests/e2e/security.sh): host
# processes, network interfaces and files invisible from an OCI bundle and
# from `runsc do`; a sentry crash leaves a backtrace and no process.
CHECK_SUITES += check-security
check-security: $(RUNSC)
	@tests/e2e/security.sh $(RUNSC) $(PLATFORM) $(RESULTS)
.PHONY: check-security
