/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFTRACE_DISSECT_INT_H
#define NFTRACE_DISSECT_INT_H
#endif
