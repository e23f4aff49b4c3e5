# kpatch.service, the boot unit (systemd/kpatch.service). `make install`
# puts it in $(SYSTEMDUNITDIR), by default $(PREFIX)/lib/systemd/system,
# which systemd searches for both PREFIX=/usr/local and PREFIX=/usr, with
# ExecStart pointing at the kpatch that the same install puts in
# $(PREFIX)/sbin. Packagers may set SYSTEMDUNITDIR=/lib/systemd/system.
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system

install-kpatch-service: systemd/kpatch.service
	@mkdir -p $(DESTDIR)$(SYSTEMDUNITDIR)
	sed 's|/usr/local/sbin/kpatch|$(PREFIX)/sbin/kpatch|' systemd/kpatch.service \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/kpatch.service.tmp
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/kpatch.service.tmp
	mv $(DESTDIR)$(SYSTEMDUNITDIR)/kpatch.service.tmp $(DESTDIR)$(SYSTEMDUNITDIR)/kpatch.service
INSTALL_TARGETS += install-kpatch-service
.PHONY: install-kpatch-service
