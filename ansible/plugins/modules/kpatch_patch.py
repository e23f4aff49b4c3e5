#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: kpatch_patch
short_description: Install, load or remove a live patch module with kpatch
version_added: "1.0.0"
description:
  - Makes a live patch module installed and loaded (C(loaded)), installed only
    (C(installed)) or neither (C(absent)) on the host, by running the C(kpatch)
    command; every check (vermagic, signature, withdrawn list, conflicts,
    transitions) is kpatch's own.
  - The current state comes from C(kpatch --json status) and C(kpatch --json info);
    a module already in the wanted state (the same file installed, loaded and
    enabled) is left alone and the task reports no change.
  - A failed C(kpatch install --load) leaves the store as it was (kpatch undoes
    the install); the task then fails with kpatch's one-line error and exit code.
  - Supports check mode; the commands that would run are returned in RV(commands).
author:
  - kpatch developers
options:
  src:
    description:
      - Path on the host of a patch module file (C(.ko)), owned by root and writable
        by nobody else (kpatch refuses others).
      - Needed for C(loaded) and C(installed) unless the module is installed already.
    type: path
  name:
    description:
      - Name of the patch module, as kpatch lists it. Read from O(src) when not given;
        when both are given they must agree.
    type: str
  state:
    description:
      - C(loaded) installs O(src) for the running kernel if needed and loads it.
      - C(installed) installs O(src) for O(kernel) (default the running kernel) without loading.
      - C(absent) unloads the module (if O(kernel) runs) and uninstalls it.
    type: str
    choices: [loaded, installed, absent]
    default: loaded
  kernel:
    description:
      - Kernel release the module is installed for (kpatch C(-k)). Default the running kernel.
      - C(state=loaded) needs the running kernel.
    type: str
  kpatch_bin:
    description:
      - The kpatch program. Default C(kpatch) from PATH, C(/usr/local/sbin), C(/usr/sbin).
    type: path
notes:
  - Runs C(kpatch) with argument lists, never through a shell.
  - A different file under the name of a loaded module is installed, not loaded
    (kpatch cannot load a second module of that name); the task warns.
seealso:
  - module: kpatch.fleet.kpatch_facts
'''

EXAMPLES = r'''
- name: Load the fix on the host (installs it first)
  kpatch.fleet.kpatch_patch:
    src: /var/tmp/kpatch/kpatch_6_1_0_50_cloud_amd64_1_1.ko
    state: loaded

- name: Stage a fix for the kernel that boots next
  kpatch.fleet.kpatch_patch:
    src: /var/tmp/kpatch/kpatch_6_1_0_51_cloud_amd64_1_1.ko
    kernel: 6.1.0-51-cloud-amd64
    state: installed

- name: Take it out again
  kpatch.fleet.kpatch_patch:
    name: kpatch_6_1_0_50_cloud_amd64_1_1
    state: absent
'''

RETURN = r'''
name:
  description: The module's name.
  returned: always
  type: str
  sample: kpatch_6_1_0_50_cloud_amd64_1_1
kernel:
  description: The kernel release the module is (or would be) installed for.
  returned: always
  type: str
  sample: 6.1.0-50-cloud-amd64
running_kernel:
  description: The host's running kernel, as kpatch reads it.
  returned: always
  type: str
before:
  description: The module's state before the task.
  returned: always
  type: dict
  contains:
    loaded:
      description: Loaded and enabled.
      type: bool
    installed:
      description: Installed for RV(kernel) (the same file as O(src), when given).
      type: bool
after:
  description: The module's state after the task, read again from kpatch (predicted in check mode).
  returned: always
  type: dict
commands:
  description: The kpatch commands run (or, in check mode, that would run).
  returned: always
  type: list
  elements: list
  sample: [["kpatch", "--json", "install", "--load", "/var/tmp/kpatch/fix.ko"]]
rc:
  description: kpatch's exit code when it failed (see kpatch(8), EXIT STATUS).
  returned: failure
  type: int
'''

import hashlib

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.kpatch.fleet.plugins.module_utils.kpatch import (
    KpatchError, fail, kpatch_bin, run)


def _digest(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()


def _state(module, name, krel, src):
    """(loaded and enabled, installed for krel [the same file as src])."""
    status = run(module, ['status'])
    loaded = any(p.get('name') == name and p.get('enabled')
                 for p in status.get('loaded', []))
    installed = any(p.get('name') == name and p.get('kernel') == krel
                    for p in status.get('installed', []))
    if installed and src:
        info = run(module, ['info', '-k', krel, name])
        installed = _digest(info['file']) == _digest(src)
    return {'loaded': loaded, 'installed': installed}, status


def _plan(module, state, name, krel, running, src, before):
    """The kpatch argument lists that bring the module to the wanted state."""
    loaded, installed = before['loaded'], before['installed']
    if state == 'absent':
        if krel == running and (loaded or installed):
            return [['uninstall', '--unload', '-k', krel, name]]
        if installed:
            return [['uninstall', '-k', krel, name]]
        return []
    if state == 'loaded' and krel != running:
        module.fail_json(msg='state=loaded needs the running kernel (%s), not %s; use state=installed'
                         % (running, krel), name=name, kernel=krel, running_kernel=running)
    if not installed and not src:
        module.fail_json(msg='%s is not installed for %s and no src is given' % (name, krel),
                         name=name, kernel=krel, running_kernel=running)
    if state == 'installed':
        return [] if installed else [['install', '-k', krel, src]]
    if not installed and not loaded:
        return [['install', '--load', '-k', krel, src]]
    if not installed:
        module.warn('%s is loaded from another file; %s is installed, not loaded' % (name, src))
        return [['install', '-k', krel, src]]
    if not loaded:
        return [['load', name]]
    return []


def main():
    module = AnsibleModule(
        argument_spec=dict(
            src=dict(type='path'),
            name=dict(type='str'),
            state=dict(type='str', default='loaded', choices=['loaded', 'installed', 'absent']),
            kernel=dict(type='str'),
            kpatch_bin=dict(type='path'),
        ),
        required_one_of=[['src', 'name']],
        supports_check_mode=True,
    )
    src, name, state = module.params['src'], module.params['name'], module.params['state']
    try:
        running = run(module, ['status'])['kernel']
        krel = module.params['kernel'] or running
        if src:
            info = run(module, ['info', src])
            if name and name != info['name']:
                module.fail_json(msg='%s holds module %s, not %s' % (src, info['name'], name))
            name = info['name']
        before, dummy = _state(module, name, krel, src if state != 'absent' else None)
        commands = _plan(module, state, name, krel, running, src, before)
        result = dict(name=name, kernel=krel, running_kernel=running, before=before,
                      changed=bool(commands),
                      commands=[[kpatch_bin(module), '--json'] + c for c in commands])
        if module.check_mode:
            after = dict(before)
            if commands:
                after = {'loaded': state == 'loaded' or (before['loaded'] and state == 'installed'),
                         'installed': state != 'absent'}
            module.exit_json(after=after, **result)
        for args in commands:
            try:
                dummy, stderr = run(module, args, document=False)
            except KpatchError as err:
                fail(module, err, name=name, kernel=krel, running_kernel=running, before=before,
                     changed=False, commands=result['commands'])
            # kpatch's warnings (a unit it could not enable, ...) reach the report.
            for line in stderr.splitlines():
                if line.startswith('kpatch: warning: '):
                    module.warn(line)
        result['after'], dummy = _state(module, name, krel, src if state != 'absent' else None)
        module.exit_json(**result)
    except KpatchError as err:
        fail(module, err, name=name or '', changed=False)


if __name__ == '__main__':
    main()
