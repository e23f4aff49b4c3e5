# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0
"""Running the kpatch command for the modules of this collection.

Every decision about a patch module is kpatch's own: these helpers only run
it with an argument list (never a shell string), read its JSON and turn its
one-line error ({"error": ..., "code": N} under --json) into a failure.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json


class KpatchError(Exception):
    """kpatch exited non-zero: msg is its one-line error, rc its exit code."""

    def __init__(self, msg, rc, stdout='', stderr='', cmd=None):
        super(KpatchError, self).__init__(msg)
        self.msg = msg
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.cmd = cmd or []


def kpatch_bin(module):
    """The kpatch program: the kpatch_bin option, else kpatch on PATH."""
    path = module.params.get('kpatch_bin')
    if path:
        return path
    return module.get_bin_path('kpatch', required=True,
                               opt_dirs=['/usr/local/sbin', '/usr/sbin', '/sbin'])


def _one_line(stdout, stderr, rc):
    """kpatch's error line: the JSON error on stdout, else its stderr."""
    for line in stdout.splitlines():
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        if isinstance(doc, dict) and 'error' in doc:
            return 'kpatch: error: %s' % doc['error']
    lines = [x for x in stderr.splitlines() if x.startswith('kpatch: error:')]
    if lines:
        return lines[-1]
    lines = [x for x in stderr.splitlines() if x.strip()]
    return lines[-1] if lines else 'kpatch exited %d' % rc


def run(module, args, json_out=True):
    """Run kpatch [--json] ARGS...; the parsed document (json_out) or stdout.

    Raises KpatchError with kpatch's one-line error when it exits non-zero.
    """
    cmd = [kpatch_bin(module)]
    if json_out:
        cmd.append('--json')
    cmd.extend(args)
    rc, stdout, stderr = module.run_command(cmd, environ_update={'LC_ALL': 'C'})
    if rc != 0:
        raise KpatchError(_one_line(stdout, stderr, rc), rc, stdout, stderr, cmd)
    if not json_out:
        return stdout, stderr
    try:
        return json.loads(stdout)
    except ValueError:
        raise KpatchError('kpatch %s: output is not JSON: %s' % (' '.join(args), stdout[:200]),
                          rc, stdout, stderr, cmd)


def fail(module, err, **extra):
    """fail_json with kpatch's line, exit code and output."""
    module.fail_json(msg=err.msg, rc=err.rc, cmd=err.cmd, stdout=err.stdout,
                     stderr=err.stderr, **extra)
