// SPDX-License-Identifier: GPL-2.0
/*
 * A patch module named by the package scheme (kpatchlib/pkgname.h) for
 * 6.1.0-50-cloud-amd64, patch version 1-1: what kpatch-package takes.
 */
#define KPT_TEXT "kpatch-test: package patch 1-1"
#define KPT_CVE "CVE-2099-0101,CVE-2099-0102"
#define KPT_DESC "test patch package module 1-1 (cmdline_proc_show)"
#define KPT_REPLACE true
#include "kpt_lp_cmdline_tmpl.h"
MODULE_INFO(kpatch_description, "fix the /proc/cmdline test text");
