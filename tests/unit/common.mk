$(BUILD)/test/test_vermagic: $(BUILD)/obj/tests/unit/test_vermagic.o
$(BUILD)/test/test_array: $(BUILD)/obj/tests/unit/test_array.o
UNIT_TESTS += $(BUILD)/test/test_vermagic $(BUILD)/test/test_array
