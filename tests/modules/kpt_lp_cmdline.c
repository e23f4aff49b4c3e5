// SPDX-License-Identifier: GPL-2.0
/* Minimal livepatch: /proc/cmdline shows a fixed text while it is enabled. */
#define KPT_TEXT "kpatch-test: patched cmdline"
#define KPT_CVE "CVE-2099-0001"
#define KPT_DESC "test livepatch of cmdline_proc_show"
#define KPT_REPLACE false
#include "kpt_lp_cmdline_tmpl.h"
