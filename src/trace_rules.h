/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFTRACE_TRACE_RULES_H
#define NFTRACE_TRACE_RULES_H
#endif
