/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * source.h - an event source: one kernel interface that delivers trace
 * events (source_nflog: legacy xtables TRACE via nfnetlink_log;
 * source_nftrace: nf_tables NFT_MSG_TRACE).  The capture's main loop
 * polls the fds of all open sources and calls source_read() on the ready
 * ones; each source hands its events to the callback in kernel order.
 */
#ifndef NFTRACE_SOURCE_H
#define NFTRACE_SOURCE_H

#include <stdint.h>

#include "trace_event.h"

/* Called once per trace event.  ev and everything it points to is valid
 * only during the call; ev->record is an NFLOG record (built by the source
 * for nf_tables events) ready to be written to the pcapng file, and
 * ev->rule_text is set when the source resolved it itself (nf_tables).
 * Return 0 to go on, or a negative errno to stop reading (it is passed
 * back by source_read()). */
typedef int (*source_event_fn)(const struct trace_event *ev, void *arg);

struct source_stats {
	uint64_t events;	/* TRACE events delivered */
	uint64_t skipped;	/* other messages on the same group (non-TRACE logs) */
	uint64_t lost;		/* events the kernel dropped: sequence gaps, ENOBUFS */
	uint64_t overruns;	/* ENOBUFS seen on the socket */
	uint64_t batches;	/* recv() calls that returned data */
	/* The socket's own drop counter (SK_MEMINFO_DROPS), the kernel's
	 * count of messages it could not deliver; UINT64_MAX when unknown.
	 * It also counts drops after the last delivered event, which no
	 * sequence gap can show. */
	uint64_t sock_drops;
};

struct source;

struct source_ops {
	const char *name;		/* "legacy", "nft" */
	int (*fd)(const struct source *s);
	/* Read all that is ready without blocking; call fn per event.
	 * Returns events delivered (>= 0), or -errno (fatal for the source, or
	 * the callback's own error). ENOBUFS is not an error: it is counted. */
	int (*read)(struct source *s, source_event_fn fn, void *arg);
	void (*stats)(const struct source *s, struct source_stats *st);
	void (*close)(struct source *s); /* NULL-safe */
};

struct source {
	const struct source_ops *ops;
};

static inline int source_fd(const struct source *s) { return s->ops->fd(s); }
static inline int source_read(struct source *s, source_event_fn fn, void *arg)
{
	return s->ops->read(s, fn, arg);
}

#endif
