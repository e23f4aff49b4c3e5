$(BUILD)/test/test_vermagic: $(BUILD)/obj/tests/unit/test_vermagic.o $(BUILD)/lib/libkpcommon.a
UNIT_TESTS += $(BUILD)/test/test_vermagic
