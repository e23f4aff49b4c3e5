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

# Automatic subscription on Debian hosts (kpatch auto): the kernel's
# postinst.d hook and APT's Post-Invoke, calling the kpatch of this
# install. Kernel packages and APT look only in /etc, which is where they
# go with PREFIX=/usr (the package); any other PREFIX keeps them below it
# ($(PREFIX)/etc), so a scratch install never reaches the host's APT:
# pass SYSCONFDIR=/etc to enable them there. APT_HOOKS=0 leaves them out
# (the RPM package: dnf kpatch does this job).
APT_HOOKS ?= 1
ifeq ($(PREFIX),/usr)
SYSCONFDIR ?= /etc
else
SYSCONFDIR ?= $(PREFIX)/etc
endif
install-kpatch-apt-hooks: apt/kernel-postinst.d-kpatch apt/apt.conf.d-50kpatch
ifeq ($(APT_HOOKS),1)
	install -d $(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d $(DESTDIR)$(SYSCONFDIR)/apt/apt.conf.d
	sed 's|/usr/local/sbin/kpatch|$(PREFIX)/sbin/kpatch|g' apt/kernel-postinst.d-kpatch \
		>$(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d/kpatch
	chmod 0755 $(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d/kpatch
	sed 's|/usr/local/sbin/kpatch|$(PREFIX)/sbin/kpatch|g' apt/apt.conf.d-50kpatch \
		>$(DESTDIR)$(SYSCONFDIR)/apt/apt.conf.d/50kpatch
	chmod 0644 $(DESTDIR)$(SYSCONFDIR)/apt/apt.conf.d/50kpatch
endif
INSTALL_TARGETS += install-kpatch-apt-hooks
.PHONY: install-kpatch-apt-hooks
