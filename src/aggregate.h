/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFTRACE_AGGREGATE_H
#define NFTRACE_AGGREGATE_H
#endif
