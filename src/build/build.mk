# kpatch-build: the driver (source preparation, compiling object pairs,
# symbol resolution, module generation). The kernel-side sources in kmod/
# are carried inside the program (embed.S).
BUILD_OBJS := $(call objs_of,src/build) $(BUILD)/obj/src/build/embed.o
$(BUILD)/obj/src/build/embed.o: src/build/embed.S kmod/livepatch.c kmod/entry-size-probe.c
	@mkdir -p $(dir $@)
	$(CC) -c -o $@ $<
$(BUILD)/bin/kpatch-build: $(BUILD_OBJS) $(BUILD)/lib/libkpklp.a
PROGRAMS += $(BUILD)/bin/kpatch-build
INSTALL_TARGETS += install-kpatch-build
install-kpatch-build: $(BUILD)/bin/kpatch-build
	install -D -m 0755 $< $(DESTDIR)$(PREFIX)/bin/kpatch-build
	install -D -m 0755 scripts/fetch-kernel $(DESTDIR)$(PREFIX)/libexec/kpatch/fetch-kernel
	install -D -m 0755 scripts/lib.sh $(DESTDIR)$(PREFIX)/libexec/kpatch/lib.sh
	install -D -m 0644 man/kpatch-build.1 $(DESTDIR)$(PREFIX)/share/man/man1/kpatch-build.1
.PHONY: install-kpatch-build
