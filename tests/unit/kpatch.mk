# Hermetic tests of kpatch and libkpatch: a fake sysfs/procfs/install tree
# per test, module-shaped objects compiled on the fly.
KPATCH_TEST_LIBS := $(BUILD)/obj/tests/unit/test_kpatch_fake.o $(BUILD)/lib/libkpatch.a $(BUILD)/lib/libkpcommon.a

$(BUILD)/test/test_kpatch_modfile: $(BUILD)/obj/tests/unit/test_kpatch_modfile.o $(KPATCH_TEST_LIBS)
UNIT_TESTS += $(BUILD)/test/test_kpatch_modfile
$(BUILD)/test/test_kpatch_state: $(BUILD)/obj/tests/unit/test_kpatch_state.o $(KPATCH_TEST_LIBS)
UNIT_TESTS += $(BUILD)/test/test_kpatch_state
# Package and module names from a release and a patch version.
$(BUILD)/test/test_kpatch_pkgname: $(BUILD)/obj/tests/unit/test_kpatch_pkgname.o $(KPATCH_TEST_LIBS)
UNIT_TESTS += $(BUILD)/test/test_kpatch_pkgname
$(BUILD)/test/test_kpatch_check: $(BUILD)/obj/tests/unit/test_kpatch_check.o $(KPATCH_TEST_LIBS)
UNIT_TESTS += $(BUILD)/test/test_kpatch_check
# The end-to-end test runs the program it names; build it first.
$(BUILD)/obj/tests/unit/test_kpatch_cli.o: CFLAGS += -DKPATCH_BIN='"$(abspath $(BUILD))/bin/kpatch"'
$(BUILD)/test/test_kpatch_cli: $(BUILD)/obj/tests/unit/test_kpatch_cli.o $(BUILD)/obj/tests/unit/test_kpatch_fake.o | $(BUILD)/bin/kpatch
UNIT_TESTS += $(BUILD)/test/test_kpatch_cli
# Hostile input: traversal names, malformed and mutated ELF, damaged lists.
$(BUILD)/test/test_kpatch_robust: $(BUILD)/obj/tests/unit/test_kpatch_robust.o $(KPATCH_TEST_LIBS)
UNIT_TESTS += $(BUILD)/test/test_kpatch_robust
# kpatch metrics and status end to end: every check scenario's series, escaping, atomic --output.
$(BUILD)/obj/tests/unit/test_kpatch_metrics.o: CFLAGS += -DKPATCH_BIN='"$(abspath $(BUILD))/bin/kpatch"'
$(BUILD)/test/test_kpatch_metrics: $(BUILD)/obj/tests/unit/test_kpatch_metrics.o $(BUILD)/obj/tests/unit/test_kpatch_fake.o | $(BUILD)/bin/kpatch
UNIT_TESTS += $(BUILD)/test/test_kpatch_metrics
# tests/packages/t/metrics-promtool.sh feeds this test's scenarios to promtool.
check-packages: $(BUILD)/test/test_kpatch_metrics
# Automatic subscription against a real dpkg database (dpkg-query --admindir).
$(BUILD)/obj/tests/unit/test_kpatch_subscribe.o: CFLAGS += -DKPATCH_BIN='"$(abspath $(BUILD))/bin/kpatch"'
$(BUILD)/test/test_kpatch_subscribe: $(BUILD)/obj/tests/unit/test_kpatch_subscribe.o $(BUILD)/obj/tests/unit/test_kpatch_fake.o | $(BUILD)/bin/kpatch
UNIT_TESTS += $(BUILD)/test/test_kpatch_subscribe
