# Suite "podman": the real podman drives runsc as its OCI runtime over a
# local busybox image (tests/e2e/podman.sh): run, exit status, env, workdir,
# user, read-only root, volumes, stdin, -t, exec, stop/kill, logs, -d/wait,
# 50 containers in a row without leaks; -p port forwarding and the bridge
# both ways. Skipped when podman cannot run.
CHECK_SUITES += check-podman
check-podman: $(RUNSC)
	@tests/e2e/podman.sh $(RUNSC) $(PLATFORM) $(RESULTS)

# Suite "containerd": a private containerd runs a busybox image through its
# runc shim with runsc as the runc binary (tests/e2e/containerd.sh).
CHECK_SUITES += check-containerd
check-containerd: $(RUNSC)
	@tests/e2e/containerd.sh $(RUNSC) $(PLATFORM) $(RESULTS)
