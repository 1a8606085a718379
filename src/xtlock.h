/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFTRACE_XTLOCK_H
#define NFTRACE_XTLOCK_H
#endif
