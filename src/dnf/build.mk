# kpatch-dnf: the dnf plugin (dnf/kpatch.py, `dnf kpatch auto|manual|
# status|install`), its configuration and dnf-kpatch(8).
#
# dnf loads plugins from its pluginpath (one directory of python3) and
# their configuration from its pluginconfpath (/etc/dnf/plugins), wherever
# PREFIX is. With PREFIX=/usr the plugin goes to the directory this host's
# python3-dnf names (dnf.const.PLUGINPATH; Debian's when python3-dnf is
# missing) and the configuration to /etc/dnf/plugins; with any other
# PREFIX both stay under it ($(PREFIX)/lib/dnf-plugins,
# $(PREFIX)/etc/dnf/plugins) for dnf.conf's pluginpath and
# pluginconfpath to name. Packagers set DNF_PLUGINDIR and
# DNF_PLUGINCONFDIR (the RPM spec passes %{python3_sitelib}/dnf-plugins).
# An existing kpatch.conf is kept: it holds the administrator's setting.
ifeq ($(PREFIX),/usr)
DNF_PLUGINDIR ?= $(or $(shell /usr/bin/python3 -c 'import dnf.const; print(dnf.const.PLUGINPATH)' 2>/dev/null),/usr/lib/python3/dist-packages/dnf-plugins)
DNF_PLUGINCONFDIR ?= /etc/dnf/plugins
else
DNF_PLUGINDIR ?= $(PREFIX)/lib/dnf-plugins
DNF_PLUGINCONFDIR ?= $(PREFIX)/etc/dnf/plugins
endif

install-kpatch-dnf: dnf/kpatch.py dnf/kpatch.conf man/dnf-kpatch.8
	install -D -m 0644 dnf/kpatch.py $(DESTDIR)$(DNF_PLUGINDIR)/kpatch.py
	install -D -m 0644 man/dnf-kpatch.8 $(DESTDIR)$(PREFIX)/share/man/man8/dnf-kpatch.8
	@if [ -e $(DESTDIR)$(DNF_PLUGINCONFDIR)/kpatch.conf ]; then \
		echo "keeping $(DESTDIR)$(DNF_PLUGINCONFDIR)/kpatch.conf"; \
	else \
		install -D -m 0644 dnf/kpatch.conf $(DESTDIR)$(DNF_PLUGINCONFDIR)/kpatch.conf; \
	fi
INSTALL_TARGETS += install-kpatch-dnf
.PHONY: install-kpatch-dnf
