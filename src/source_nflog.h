/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFTRACE_SOURCE_NFLOG_H
#define NFTRACE_SOURCE_NFLOG_H
#endif
