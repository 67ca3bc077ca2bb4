# Suite "unit": Check tests, one program and one Check suite per module
# (tests/unit/test_<module>.c). Each links the sentry objects it names in
# UNIT_OBJS_test_<module> and stubs the rest itself. Check's own summary
# is printed; its TAP log gives one result line per test case
# ("PASS <module>:<tcase>:<test>") in $(RESULTS)/unit.txt.

UNIT_NAMES   := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_BINS    := $(UNIT_NAMES:%=$(BUILD)/unit/%)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

UNIT_OBJS_test_memfile   := sentry/memfile.o
UNIT_OBJS_test_memobj    := sentry/memobj.o sentry/memfile.o
UNIT_OBJS_test_mm        := sentry/mm.o sentry/memobj.o sentry/memfile.o
UNIT_OBJS_test_tty       := fs/tty.o
UNIT_OBJS_test_inotify   := fs/inotify.o
UNIT_OBJS_test_tmpfs     := fs/tmpfs.o fs/pagecache.o fs/lock.o sentry/memobj.o sentry/memfile.o
UNIT_OBJS_test_overlay   := fs/overlay.o fs/tmpfs.o fs/pagecache.o fs/lock.o fs/vfs.o fs/namei.o \
			    fs/mount.o fs/file.o sentry/memobj.o sentry/memfile.o
UNIT_OBJS_test_vfs       := fs/vfs.o fs/namei.o fs/mount.o fs/file.o fs/tmpfs.o fs/pagecache.o \
			    fs/lock.o sentry/memobj.o sentry/memfile.o
UNIT_EXTRA_test_stubfilter := $(BUILD)/stub
UNIT_OBJS_test_ipfrag     := net/frag.o
UNIT_OBJS_test_link       := net/ip.o net/frag.o net/eth.o net/arp.o net/ndp.o net/route.o net/icmp.o
UNIT_OBJS_test_tcp       := net/tcp_engine.o net/tcp_cc.o
UNIT_OBJS_test_tcp_tso   := net/tcp_engine.o net/tcp_cc.o
UNIT_OBJS_test_gofer_proto := fs/gofer_proto.o runsc/gofer_spawn.o
UNIT_EXTRA_test_gofer_proto := $(RUNSC)
UNIT_CFLAGS_test_gofer_proto := -DRUNSC_BIN='"$(RUNSC)"'
UNIT_CFLAGS_test_stubfilter := -DSTUBFILTER_MAIN

define unit_rule
$(BUILD)/unit/$(1): tests/unit/$(1).c $(addprefix $(BUILD)/obj/,$(UNIT_OBJS_$(1))) $(UNIT_EXTRA_$(1))
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $(UNIT_CFLAGS_$(1)) $$(CHECK_CFLAGS) -MMD -MP -o $$@ $$< \
		$(addprefix $(BUILD)/obj/,$(UNIT_OBJS_$(1))) $$(LDFLAGS) $$(CHECK_LIBS)
endef
$(foreach t,$(UNIT_NAMES),$(eval $(call unit_rule,$(t))))
-include $(UNIT_BINS:=.d)

CHECK_SUITES += check-unit
ifeq ($(CHECK_LIBS),)
check-unit:
	@mkdir -p $(RESULTS)
	@echo "SKIP unit: Check not found (apt-get install check pkg-config)" | tee $(RESULTS)/unit.txt
else
check-unit: $(UNIT_BINS)
	@mkdir -p $(RESULTS)/unit && : > $(RESULTS)/unit.txt
	@status=0; for t in $(UNIT_NAMES); do \
		mod=$${t#test_}; tap=$(RESULTS)/unit/$$t.tap; rm -f $$tap; \
		STUB_BIN=$(BUILD)/stub CK_DEFAULT_TIMEOUT=60 CK_TAP_LOG_FILE_NAME=$$tap \
			$(BUILD)/unit/$$t || status=1; \
		if [ -s $$tap ]; then \
			sed -n -e "s/^ok [0-9]* - [^:]*:\([^:]*\):\([^:]*\):.*/PASS $$mod:\1:\2/p" \
			       -e "s/^not ok [0-9]* - [^:]*:\([^:]*\):\([^:]*\): *\(.*\)/FAIL $$mod:\1:\2 (\3)/p" \
				$$tap >> $(RESULTS)/unit.txt; \
		else \
			echo "FAIL $$mod (no test results: the program died)" >> $(RESULTS)/unit.txt; \
		fi; \
	done; grep '^FAIL' $(RESULTS)/unit.txt; exit $$status
endif
