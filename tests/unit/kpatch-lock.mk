# The host-wide lock and crash safety of the store: kpatch processes run,
# held off and killed against a fake tree.
KPATCH_SPAWN_OBJS := $(BUILD)/obj/tests/unit/test_kpatch_spawn.o $(BUILD)/obj/tests/unit/test_kpatch_fake.o
$(BUILD)/obj/tests/unit/test_kpatch_lock.o $(BUILD)/obj/tests/unit/test_kpatch_crash.o: \
	CFLAGS += -DKPATCH_BIN='"$(abspath $(BUILD))/bin/kpatch"'
$(BUILD)/test/test_kpatch_lock: $(BUILD)/obj/tests/unit/test_kpatch_lock.o $(KPATCH_SPAWN_OBJS) \
	$(BUILD)/lib/libkpatch.a | $(BUILD)/bin/kpatch
UNIT_TESTS += $(BUILD)/test/test_kpatch_lock
# Kills at chosen system calls need strace (scripts/packages.txt).
$(BUILD)/test/test_kpatch_crash: $(BUILD)/obj/tests/unit/test_kpatch_crash.o $(KPATCH_SPAWN_OBJS) \
	$(BUILD)/lib/libkpatch.a | $(BUILD)/bin/kpatch
UNIT_TESTS += $(BUILD)/test/test_kpatch_crash
