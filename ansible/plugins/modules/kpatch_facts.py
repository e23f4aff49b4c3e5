#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: kpatch_facts
short_description: Live patch state of a host as facts, from kpatch status --json
version_added: "1.0.0"
description:
  - Runs C(kpatch --json status) and sets the fact C(kpatch) to its document
    as it is (schema 1 or later, see "STATUS JSON" in kpatch(8)). It holds the running
    kernel, the monitoring check and its findings, the loaded and installed
    patch modules with their versions and CVEs, the patch level and the last
    successful load. Fields a newer kpatch adds come through as they are.
  - Adds C(kpatch_check_ok), true when the check is OK, and
    C(kpatch_loaded_names), the names of the loaded and enabled modules.
  - Never changes the host; supports check mode.
author:
  - kpatch developers
options:
  kpatch_bin:
    description:
      - The kpatch program. Default C(kpatch) from PATH, C(/usr/local/sbin), C(/usr/sbin).
    type: path
  min_schema:
    description:
      - Fail when the document's C(schema) is older than this.
    type: int
    default: 1
seealso:
  - module: kpatch.fleet.kpatch_patch
'''

EXAMPLES = r'''
- name: Read the live patch state
  kpatch.fleet.kpatch_facts:

- name: Show which CVEs are fixed in the running kernel
  ansible.builtin.debug:
    msg: "{{ ansible_facts.kpatch.loaded | map(attribute='cves') | flatten }}"
'''

RETURN = r'''
ansible_facts:
  description: The facts set.
  returned: always
  type: complex
  contains:
    kpatch:
      description: The C(kpatch --json status) document.
      type: dict
      sample: {"schema": 1, "kernel": "6.1.0-50-cloud-amd64", "check": {"status": "OK", "code": 0, "findings": []}}
    kpatch_check_ok:
      description: The check is OK.
      type: bool
    kpatch_loaded_names:
      description: Names of the loaded, enabled patch modules.
      type: list
      elements: str
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.kpatch.fleet.plugins.module_utils.kpatch import (
    KpatchError, fail, run)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            kpatch_bin=dict(type='path'),
            min_schema=dict(type='int', default=1),
        ),
        supports_check_mode=True,
    )
    try:
        doc = run(module, ['status'])
    except KpatchError as err:
        fail(module, err)
    schema = doc.get('schema')
    if not isinstance(schema, int) or schema < module.params['min_schema']:
        module.fail_json(msg='kpatch status --json has schema %r, need %d or later'
                         % (schema, module.params['min_schema']), status=doc)
    check = doc.get('check') or {}
    facts = {
        'kpatch': doc,
        'kpatch_check_ok': check.get('code') == 0,
        'kpatch_loaded_names': [p.get('name') for p in doc.get('loaded', []) if p.get('enabled')],
    }
    module.exit_json(changed=False, ansible_facts=facts)


if __name__ == '__main__':
    main()
