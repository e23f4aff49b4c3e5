# kpatch-diff: the differ as a program, run by kpatch-build per object pair.
$(BUILD)/bin/kpatch-diff: $(call objs_of,src/kpatch-diff) $(BUILD)/lib/libkpdiff.a $(BUILD)/lib/libkpelf.a
PROGRAMS += $(BUILD)/bin/kpatch-diff
INSTALL_TARGETS += install-kpatch-diff
install-kpatch-diff: $(BUILD)/bin/kpatch-diff
	install -D -m 0755 $(BUILD)/bin/kpatch-diff $(DESTDIR)$(PREFIX)/bin/kpatch-diff
	install -D -m 0644 man/kpatch-diff.1 $(DESTDIR)$(PREFIX)/share/man/man1/kpatch-diff.1
	install -D -m 0644 man/kpatch-author.7 $(DESTDIR)$(PREFIX)/share/man/man7/kpatch-author.7
	install -D -m 0644 kmod/kpatch-author.h $(DESTDIR)$(PREFIX)/include/kpatch/kpatch-author.h
.PHONY: install-kpatch-diff
