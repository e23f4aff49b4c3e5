# libkpelf: the ELF object model over libelf (the differ, the klp post-link step).
ELF_OBJS := $(call objs_of,src/elf)
$(BUILD)/lib/libkpelf.a: $(ELF_OBJS)
LIBS += $(BUILD)/lib/libkpelf.a
