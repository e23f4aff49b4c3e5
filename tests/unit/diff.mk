# Differ unit tests: small C snippets compiled on the fly with kernel-like flags.
DIFF_TEST_LIBS := $(BUILD)/obj/tests/unit/diff_fixture.o $(BUILD)/obj/tests/unit/elf_edit.o $(BUILD)/lib/libkpdiff.a $(BUILD)/lib/libkpelf.a
DIFF_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/test/%,$(wildcard tests/unit/test_diff_*.c tests/unit/test_elf_*.c))
$(foreach t,$(DIFF_TESTS),$(eval $(t): $(BUILD)/obj/tests/unit/$(notdir $(t)).o $(DIFF_TEST_LIBS) | $(BUILD)/bin/kpatch-diff))
UNIT_TESTS += $(DIFF_TESTS)
# The author-macro tests compile kmod/kpatch-author.h against stub kernel headers.
$(BUILD)/obj/tests/unit/test_diff_author.o: CFLAGS += -DKPATCH_SRC_DIR=\"$(CURDIR)\"
# The bookkeeping tests compile stub kernel macros (tests/unit/diff_fixture_include/bookkeeping.h).
$(BUILD)/obj/tests/unit/test_diff_bookkeeping.o: CFLAGS += -DKPATCH_SRC_DIR=\"$(CURDIR)\"
