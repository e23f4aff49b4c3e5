# SPDX-License-Identifier: GPL-2.0
"""kpatch-dnf: subscribe the installed and future kernels to live patches.

`dnf kpatch auto` records the setting and installs, in one transaction, the
package that provides `kpatch-patch = <release>` for every installed
kernel-core; from then on every transaction that installs a kernel-core
also installs its patch package. Newer patch packages for an installed
kernel are ordinary upgrades (`dnf upgrade`).

The setting is autoupdate in [main] of /etc/dnf/plugins/kpatch.conf of the
system dnf manages (under --installroot when given), the file `kpatch
check` reads; the plugin's enabled switch is dnf's own, in the same file of
dnf's pluginconfpath.
"""

import logging
import os
import re

import dnf
import dnf.cli
import dnf.const
import dnf.exceptions
import libdnf.conf

logger = logging.getLogger("dnf.plugin")

KERNEL = "kernel-core"
PROVIDE = "kpatch-patch"
CONF_NAME = "kpatch.conf"
CONF_TEMPLATE = """\
# kpatch-dnf: autoupdate = True installs the live patch package of every
# kernel-core that a transaction installs (dnf kpatch auto | manual).
[main]
enabled = 1
autoupdate = False
"""

# What a kernel release may hold before it goes into a package spec: the
# characters of an rpm version and release, starting with a digit.
RELEASE_RE = re.compile(r"[0-9][0-9A-Za-z._+~^-]{0,126}")


def kernel_release(pkg):
    """The release `uname -r` prints for a kernel-core package, or None."""
    rel = "%s-%s.%s" % (pkg.version, pkg.release, pkg.arch)
    if not RELEASE_RE.fullmatch(rel):
        # repository metadata: shown escaped (the name is KERNEL), never raw
        logger.warning("kpatch: ignoring kernel %s: its release %s is not a kernel release",
                       pkg.name, ascii(rel))
        return None
    return rel


def conf_path(base):
    return os.path.join(base.conf.installroot, dnf.const.PLUGINCONFPATH.lstrip("/"), CONF_NAME)


def read_autoupdate(base):
    parser = libdnf.conf.ConfigParser()
    path = conf_path(base)
    if not os.path.isfile(path):
        return False
    try:
        parser.read(path)
        if parser.hasOption("main", "autoupdate"):
            return parser.getboolean("main", "autoupdate")
    except Exception as e:
        raise dnf.exceptions.ConfigError("kpatch: %s: %s" % (path, e))
    return False


def write_autoupdate(base, value):
    """Set autoupdate, keeping the rest of the file (comments included)."""
    path = conf_path(base)
    parser = libdnf.conf.ConfigParser()
    try:
        if os.path.isfile(path):
            parser.read(path)
        else:
            parser.readString(CONF_TEMPLATE)
        if not parser.hasSection("main"):
            parser.addSection("main")
        parser.setValue("main", "autoupdate", "True" if value else "False")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        # a new file then a rename: a reader sees the old setting or the new one
        parser.write(path + ".new", False)
        os.chmod(path + ".new", 0o644)
        os.replace(path + ".new", path)
    except Exception as e:
        raise dnf.exceptions.Error("kpatch: cannot write %s: %s" % (path, e))


def patch_spec(rel):
    return "%s = %s" % (PROVIDE, rel)


def mark_patches(base, kernels, pending=(), strict=True):
    """Mark the patch package of each kernel for installation, unless one is
    installed already or among the pending packages; the releases marked."""
    marked = []
    for rel in sorted({r for r in map(kernel_release, kernels) if r}):
        spec = patch_spec(rel)
        providers = base.sack.query().filterm(provides=spec)
        if any(p.installed or p in pending for p in providers):
            continue
        if not providers:
            logger.warning("kpatch: no %s package for kernel %s in the enabled repositories",
                           PROVIDE, rel)
            continue
        base.install(spec, strict=strict)
        marked.append(rel)
    return marked


class Kpatch(dnf.Plugin):
    name = "kpatch"

    def __init__(self, base, cli):
        super().__init__(base, cli)
        self._adding = False
        if cli is not None:
            cli.register_command(KpatchCommand)

    def resolved(self):
        # dnf calls this after each depsolve; a transaction that installs a
        # kernel is solved once more with the kernels' patch packages added.
        # They are optional there: a patch package that cannot be installed
        # must not hold back a kernel update, so that is said, not fatal.
        if self._adding or not self.base.transaction or not read_autoupdate(self.base):
            return
        installs = self.base.transaction.install_set
        kernels = [p for p in installs if p.name == KERNEL]
        if not kernels:
            return
        self._adding = True
        try:
            marked = mark_patches(self.base, kernels, installs, strict=False)
            if not marked:
                return
            self.base.resolve(self.cli.demands.allow_erasing if self.cli else False)
            installs = self.base.transaction.install_set
            for rel in marked:
                if not self.base.sack.query().filterm(pkg=list(installs), provides=patch_spec(rel)):
                    logger.warning("kpatch: the %s package for kernel %s cannot be installed "
                                   "(dnf shows the problem); the kernel comes without it",
                                   PROVIDE, rel)
        finally:
            self._adding = False


class KpatchCommand(dnf.cli.Command):
    aliases = ("kpatch",)
    summary = "subscribe the installed and future kernels to live patches"

    @staticmethod
    def set_argparser(parser):
        parser.add_argument("action", choices=("auto", "manual", "status", "install"),
                            help="auto: install the patch package of every installed kernel "
                            "and of every kernel installed from now on; manual: stop doing so "
                            "for future kernels; status: print the setting; install: install "
                            "the patch package of every installed kernel now")

    def configure(self):
        demands = self.cli.demands
        if self.opts.action in ("auto", "install"):
            demands.sack_activation = True
            demands.available_repos = True
            demands.resolving = True
        if self.opts.action != "status":
            demands.root_user = True

    def run(self):
        action = self.opts.action
        if action == "status":
            print("Kpatch update setting: %s" % ("auto" if read_autoupdate(self.base) else "manual"))
            return
        if action in ("auto", "manual"):
            write_autoupdate(self.base, action == "auto")
        if action in ("auto", "install"):
            mark_patches(self.base, self.base.sack.query().installed().filterm(name=KERNEL))
