# Suite "apps": applications inside `runsc do` compared with the same run
# natively (tests/e2e/apps.sh): sh pipelines and redirections, python3
# (tempfile, subprocess, os.walk, shutil, sqlite3), gcc, tar of
# /usr/include, git, make -j4 of this project, an interactive shell on a
# pty; on $(PLATFORM) and systrap.
CHECK_SUITES += check-apps
check-apps: $(RUNSC)
	@tests/e2e/apps.sh $(RUNSC) $(PLATFORM) $(RESULTS)
