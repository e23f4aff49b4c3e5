# kpatch: the administrator's tool (one file per command, see main.c).
KPATCH_OBJS := $(call objs_of,src/kpatch)
$(BUILD)/bin/kpatch: $(KPATCH_OBJS) $(BUILD)/lib/libkpatch.a $(BUILD)/lib/libkpcommon.a
PROGRAMS += $(BUILD)/bin/kpatch

install-kpatch: $(BUILD)/bin/kpatch
	install -D -m 0755 $(BUILD)/bin/kpatch $(DESTDIR)$(PREFIX)/sbin/kpatch
	install -D -m 0644 man/kpatch.8 $(DESTDIR)$(PREFIX)/share/man/man8/kpatch.8
	install -D -m 0644 completion/kpatch $(DESTDIR)$(PREFIX)/share/bash-completion/completions/kpatch
INSTALL_TARGETS += install-kpatch
.PHONY: install-kpatch
