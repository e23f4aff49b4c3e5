# libkpklp: the kernel's symbol table, sympos, Module.symvers and the
# post-link step that writes livepatch relocations into a module.
KLP_OBJS := $(call objs_of,src/klp)
$(BUILD)/lib/libkpklp.a: $(KLP_OBJS)
LIBS += $(BUILD)/lib/libkpklp.a
