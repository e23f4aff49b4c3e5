// SPDX-License-Identifier: GPL-2.0
/* A second, different patch of the same function: the conflict case. */
#define KPT_TEXT "kpatch-test: second patch"
#define KPT_CVE "CVE-2099-0002"
#define KPT_DESC "second, conflicting test livepatch of cmdline_proc_show"
#define KPT_REPLACE false
#include "kpt_lp_cmdline_tmpl.h"
