# libkpdiff: correlation, change detection, inclusion, special sections.
DIFF_OBJS := $(call objs_of,src/diff)
$(BUILD)/lib/libkpdiff.a: $(DIFF_OBJS)
LIBS += $(BUILD)/lib/libkpdiff.a
