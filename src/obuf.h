/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFTRACE_OBUF_H
#define NFTRACE_OBUF_H
#endif
