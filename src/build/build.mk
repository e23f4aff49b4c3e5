# kpatch-build: the driver (source preparation, compiling object pairs,
# symbol resolution, module generation). Everything but main.c is also a
# library so the unit tests can drive single steps. The kernel-side sources
# in kmod/ are carried inside the program (embed.S).
KB_LIB_OBJS := $(filter-out %/main.o,$(call objs_of,src/build)) $(BUILD)/obj/src/build/embed.o
$(BUILD)/obj/src/build/embed.o: src/build/embed.S kmod/livepatch.c kmod/entry-size-probe.c kmod/kpatch-author.h
	@mkdir -p $(dir $@)
	$(CC) -c -o $@ $<
$(BUILD)/lib/libkpbuild.a: $(KB_LIB_OBJS)
LIBS += $(BUILD)/lib/libkpbuild.a
$(BUILD)/bin/kpatch-build: $(BUILD)/obj/src/build/main.o $(BUILD)/lib/libkpbuild.a $(BUILD)/lib/libkpklp.a $(BUILD)/lib/libkpelf.a $(BUILD)/lib/libkpatch.a
PROGRAMS += $(BUILD)/bin/kpatch-build
INSTALL_TARGETS += install-kpatch-build
install-kpatch-build: $(BUILD)/bin/kpatch-build
	install -D -m 0755 $< $(DESTDIR)$(PREFIX)/bin/kpatch-build
	install -D -m 0755 scripts/fetch-kernel $(DESTDIR)$(PREFIX)/libexec/kpatch/fetch-kernel
	install -D -m 0644 scripts/lib.sh $(DESTDIR)$(PREFIX)/libexec/kpatch/lib.sh
	install -D -m 0644 man/kpatch-build.1 $(DESTDIR)$(PREFIX)/share/man/man1/kpatch-build.1
.PHONY: install-kpatch-build
