/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFTRACE_RENDER_TEXT_H
#define NFTRACE_RENDER_TEXT_H
#endif
