# kpatch-build's hard cases (signing, ...): the test_build_hard_* tests are
# picked up by build.mk; those that read modules back through libkpatch
# (as kpatch info does) also link it and the fake-root helpers.
$(BUILD)/test/test_build_hard_sign: $(BUILD)/obj/tests/unit/test_build_hard_sign.o $(BUILD)/obj/tests/unit/test_kpatch_fake.o $(BUILD)/lib/libkpatch.a $(BUILD)/lib/libkpcommon.a
$(BUILD)/test/test_build_hard_depindex: $(BUILD)/obj/tests/unit/test_build_hard_depindex.o $(BUILD)/obj/tests/unit/test_kpatch_fake.o $(BUILD)/lib/libkpatch.a $(BUILD)/lib/libkpcommon.a
$(BUILD)/test/test_build_incgraph: $(BUILD)/obj/tests/unit/test_build_incgraph.o $(BUILD)/obj/tests/unit/test_kpatch_fake.o $(BUILD)/lib/libkpatch.a $(BUILD)/lib/libkpcommon.a
