# Differ unit tests: small C snippets compiled on the fly with kernel-like flags.
DIFF_TEST_LIBS := $(BUILD)/obj/tests/unit/diff_fixture.o $(BUILD)/lib/libkpdiff.a $(BUILD)/lib/libkpelf.a
DIFF_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/test/%,$(wildcard tests/unit/test_diff_*.c tests/unit/test_elf_*.c))
$(foreach t,$(DIFF_TESTS),$(eval $(t): $(BUILD)/obj/tests/unit/$(notdir $(t)).o $(DIFF_TEST_LIBS) | $(BUILD)/bin/kpatch-diff))
UNIT_TESTS += $(DIFF_TESTS)
