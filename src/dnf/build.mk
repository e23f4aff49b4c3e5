# kpatch-dnf: the dnf plugin (dnf/kpatch.py, `dnf kpatch auto|manual|
# status|install`), its configuration and dnf-kpatch(8). dnf looks for
# plugins in one directory of python3 and for their configuration in
# /etc/dnf/plugins, whatever PREFIX is: DNF_PLUGINDIR defaults to the
# directory that this host's python3-dnf names (dnf.const.PLUGINPATH),
# else Debian's; packagers set it (the RPM spec passes
# %{python3_sitelib}/dnf-plugins). The configuration is not replaced when
# it exists: it holds the administrator's setting.
DNF_PLUGINDIR ?= $(or $(shell /usr/bin/python3 -c 'import dnf.const; print(dnf.const.PLUGINPATH)' 2>/dev/null),/usr/lib/python3/dist-packages/dnf-plugins)
DNF_PLUGINCONFDIR ?= /etc/dnf/plugins

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
