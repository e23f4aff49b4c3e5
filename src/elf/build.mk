# libkpelf: the ELF object model over libelf (used by the differ).
ELF_OBJS := $(call objs_of,src/elf)
$(BUILD)/lib/libkpelf.a: $(ELF_OBJS)
LIBS += $(BUILD)/lib/libkpelf.a
