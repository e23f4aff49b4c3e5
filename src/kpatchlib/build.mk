# libkpatch: the manager's library (live state, module files, install
# store, withdrawn list, checks). It never prints; errors carry context.
KPATCHLIB_OBJS := $(call objs_of,src/kpatchlib)
$(BUILD)/lib/libkpatch.a: $(KPATCHLIB_OBJS)
LIBS += $(BUILD)/lib/libkpatch.a
