/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFTRACE_NAMES_H
#define NFTRACE_NAMES_H
#endif
