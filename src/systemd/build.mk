# kpatch.service, the boot unit (systemd/kpatch.service), and its manual
# page kpatch.service(8). `make install` puts the unit in $(SYSTEMDUNITDIR),
# by default $(PREFIX)/lib/systemd/system, which systemd searches for both
# PREFIX=/usr/local and PREFIX=/usr, with ExecStart rewritten to the kpatch
# that the same install puts in $(PREFIX)/sbin. Packagers may set
# SYSTEMDUNITDIR=/lib/systemd/system.
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system

install-kpatch-service: systemd/kpatch.service man/kpatch.service.8
	install -D -m 0644 man/kpatch.service.8 $(DESTDIR)$(PREFIX)/share/man/man8/kpatch.service.8
	@mkdir -p $(DESTDIR)$(SYSTEMDUNITDIR)
	sed 's|/usr/local/sbin/kpatch|$(PREFIX)/sbin/kpatch|' systemd/kpatch.service \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/kpatch.service.tmp
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/kpatch.service.tmp
	mv $(DESTDIR)$(SYSTEMDUNITDIR)/kpatch.service.tmp $(DESTDIR)$(SYSTEMDUNITDIR)/kpatch.service
INSTALL_TARGETS += install-kpatch-service
.PHONY: install-kpatch-service

# kpatch-metrics.timer and .service: refresh the node_exporter textfile
# (kpatch metrics) every minute; ExecStart rewritten like kpatch.service's.
install-kpatch-metrics-units: systemd/kpatch-metrics.service systemd/kpatch-metrics.timer
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	sed 's|/usr/local/sbin/kpatch|$(PREFIX)/sbin/kpatch|' systemd/kpatch-metrics.service \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/kpatch-metrics.service.tmp
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/kpatch-metrics.service.tmp
	mv $(DESTDIR)$(SYSTEMDUNITDIR)/kpatch-metrics.service.tmp $(DESTDIR)$(SYSTEMDUNITDIR)/kpatch-metrics.service
	install -m 0644 systemd/kpatch-metrics.timer $(DESTDIR)$(SYSTEMDUNITDIR)/kpatch-metrics.timer
INSTALL_TARGETS += install-kpatch-metrics-units
.PHONY: install-kpatch-metrics-units
