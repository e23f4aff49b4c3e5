// SPDX-License-Identifier: GPL-2.0
/* Atomic replace (cumulative): supersedes every loaded livepatch. */
#define KPT_TEXT "kpatch-test: replace patch"
#define KPT_CVE "CVE-2099-0001,CVE-2099-0002"
#define KPT_DESC "atomic-replace (cumulative) test livepatch of cmdline_proc_show"
#define KPT_REPLACE true
#include "kpt_lp_cmdline_tmpl.h"
