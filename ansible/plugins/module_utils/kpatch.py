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


def run(module, args, document=True):
    """Run kpatch --json ARGS...; the parsed document, or (stdout, stderr).

    --json makes kpatch's error one JSON object on stdout. Commands that
    print a document (status, info, list, check) give it parsed; the others
    (install, load, uninstall) print nothing on success under --json, and
    give (stdout, stderr) when document is false. Raises KpatchError with
    kpatch's one-line error when it exits non-zero.
    """
    cmd = [kpatch_bin(module), '--json'] + list(args)
    rc, stdout, stderr = module.run_command(cmd, environ_update={'LC_ALL': 'C'})
    if rc != 0:
        raise KpatchError(_one_line(stdout, stderr, rc), rc, stdout, stderr, cmd)
    if not document:
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
