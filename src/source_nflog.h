/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * source_nflog.h - legacy xtables TRACE events through nfnetlink_log.
 *
 * The TRACE target logs every step of a traced packet with the prefix
 * "TRACE: table:chain:kind:n " through the logger registered for the
 * family, which must be nfnetlink_log; without an NFLOG rule of its own
 * that goes to group 0.  This source binds group 0 in copy-packet mode with
 * per-instance sequence numbers (NFULNL_CFG_F_SEQ), so every event the
 * kernel could not deliver shows as a gap and is counted exactly.
 */
#ifndef NFTRACE_SOURCE_NFLOG_H
#define NFTRACE_SOURCE_NFLOG_H

#include <stddef.h>
#include <stdint.h>

#include "source.h"

struct source_nflog_config {
	uint16_t group;		/* nflog group, 0 for TRACE */
	size_t rcvbuf;		/* socket receive buffer; 0 = default (64 MiB) */
};

/*
 * Open the source.  Returns 0 and *sp, or -errno with err saying what
 * failed ("group 0 is already bound by another process (tcpdump -i
 * nflog:0?)" for -EBUSY).
 */
int source_nflog_open(struct source **sp, const struct source_nflog_config *cfg,
		      char *err, size_t errlen);

/*
 * Run one received datagram (one or more netlink messages) through the
 * same path the socket uses: for replay tests.
 */
int source_nflog_parse(struct source *s, const void *buf, size_t len,
		       source_event_fn fn, void *arg);

/*
 * The logger registered for family (2 or 10) in this network namespace,
 * from /proc/sys/net/netfilter/nf_log/<family>: "nfnetlink_log", "NONE",
 * "nf_log_ipv4", ...  Returns 0 or -errno.
 */
int source_nflog_logger_get(uint8_t family, char *name, size_t len);

/* Register logger name for family (write the same file).  0 or -errno. */
int source_nflog_logger_set(uint8_t family, const char *name);

#endif
