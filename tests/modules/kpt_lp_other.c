// SPDX-License-Identifier: GPL-2.0
/* Built for the second test kernel, it is the vermagic-mismatch case. */
#define KPT_TEXT "kpatch-test: other-kernel patch"
#define KPT_CVE "CVE-2099-0003"
#define KPT_DESC "test livepatch of cmdline_proc_show for the vermagic-mismatch case"
#define KPT_REPLACE false
#include "kpt_lp_cmdline_tmpl.h"
