# kpatch-build driver and klp unit tests: fixture System.map / Module.symvers
# files and tiny objects compiled on the fly with gcc.
KLP_TEST_LIBS := $(BUILD)/obj/tests/unit/build_fixture.o $(BUILD)/obj/tests/unit/elf_edit.o $(BUILD)/lib/libkpbuild.a $(BUILD)/lib/libkpklp.a $(BUILD)/lib/libkpelf.a
BUILD_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/test/%,$(wildcard tests/unit/test_klp_*.c tests/unit/test_build_*.c))
$(foreach t,$(BUILD_TESTS),$(eval $(t): $(BUILD)/obj/tests/unit/$(notdir $(t)).o $(KLP_TEST_LIBS)))
UNIT_TESTS += $(BUILD_TESTS)
# test_build_output runs the program itself.
$(BUILD)/test/test_build_output: | $(BUILD)/bin/kpatch-build
# test_build_differ runs the differ.
$(BUILD)/test/test_build_differ: | $(BUILD)/bin/kpatch-diff
