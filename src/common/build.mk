# libkpcommon: small helpers shared by kpatch and kpatch-build.
COMMON_OBJS := $(call objs_of,src/common)
$(BUILD)/lib/libkpcommon.a: $(COMMON_OBJS)
LIBS += $(BUILD)/lib/libkpcommon.a
