# Suite "e2e": `runsc do` acceptance (tests/e2e/do.sh): busybox applets,
# coreutils, sh pipelines, python3 with threads/fork/signals and exit
# statuses, each compared with the same command run natively.
CHECK_SUITES += check-e2e
check-e2e: $(RUNSC)
	@tests/e2e/do.sh $(RUNSC) $(PLATFORM) $(RESULTS)
