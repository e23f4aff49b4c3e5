# kpatch-package: patch packages (.deb, .rpm) for a module kpatch-build made.
PKG_OBJS := $(call objs_of,src/package)
$(BUILD)/bin/kpatch-package: $(PKG_OBJS) $(BUILD)/lib/libkpatch.a $(BUILD)/lib/libkpcommon.a
PROGRAMS += $(BUILD)/bin/kpatch-package
# Paths below the stage are bounded (KPKG_OUTDIR_MAX); gcc cannot see that.
$(PKG_OBJS): CFLAGS += -Wno-format-truncation
install-kpatch-package: $(BUILD)/bin/kpatch-package
	install -D -m 0755 $< $(DESTDIR)$(PREFIX)/bin/kpatch-package
	install -D -m 0644 man/kpatch-package.1 $(DESTDIR)$(PREFIX)/share/man/man1/kpatch-package.1
INSTALL_TARGETS += install-kpatch-package
.PHONY: install-kpatch-package
