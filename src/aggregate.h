/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * aggregate.h - the distinct packets of a trace, in first-seen order, each
 * with its one-line summary, for the "Aggregated packets:" section.
 *
 * The summary is computed once per packet, when it is first seen, with
 * tcpdump's per-connection state (relative TCP sequence numbers), so the
 * section reads as tcpdump -n prints a capture of these packets.  Memory
 * is bounded: past max_packets distinct packets (or when the summaries
 * fill their arena), new packets are only counted (aggregate_overflow()),
 * and the renderer says how many were left out.
 */
#ifndef NFTRACE_AGGREGATE_H
#define NFTRACE_AGGREGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace_event.h"

#define AGGREGATE_DEFAULT_MAX 262144

struct aggregate;

/* verbose: summaries in tcpdump -v form.  Returns NULL on ENOMEM. */
struct aggregate *aggregate_new(size_t max_packets, bool verbose);
void aggregate_free(struct aggregate *ag); /* NULL-safe */

/*
 * Note ev's packet (ev->id).  Returns 1 if the packet is new (and now
 * listed, or counted as overflow), 0 if it was seen before.
 */
int aggregate_add(struct aggregate *ag, const struct trace_event *ev);

/* Whether ev's packet was noted before (listed or counted as overflow;
 * overflow packets are remembered in a small lossy table). */
bool aggregate_seen(const struct aggregate *ag, uint64_t id);

size_t aggregate_count(const struct aggregate *ag);	/* listed packets */
uint64_t aggregate_overflow(const struct aggregate *ag); /* new packets not listed */

/* The i-th listed packet in first-seen order: its ID and summary. */
void aggregate_get(const struct aggregate *ag, size_t i, uint64_t *id,
		   struct strref *summary);

#endif
