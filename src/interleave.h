/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * interleave.h - one timeline from two event sources read in the same
 * wake-up: legacy xtables TRACE (nfnetlink_log) and nf_tables trace events.
 *
 * The two sockets share no clock and no sequence number; each delivers
 * its own events in kernel order.  So the events of one wake-up are held
 * here and given out packet by packet (packets in the order they were
 * first seen), a packet's events of both sources merged by where the
 * kernel runs them:
 *
 *   1. the hook: ingress, PREROUTING, INPUT or FORWARD, POSTROUTING for
 *      a packet coming in; OUTPUT, POSTROUTING for one going out;
 *   2. within a hook, the priority: the xtables tables' fixed ones (raw
 *      -300, mangle -150, nat -100 / 100, filter 0, security 50), an
 *      nf_tables base chain's own (trace_event.prio);
 *   3. on a tie, the order the sources were read in.
 *
 * An event without a hook (or of a bridge, netdev or arp table) takes
 * the place of the event before it from the same source.  A packet sent
 * to a local address goes out and comes back in through lo with the same
 * bytes and packet ID: its way out comes first, and the sources' events
 * are merged pass by pass (out, in, out again for the same bytes sent
 * again, ...), also when one source saw only one of the passes.  The
 * same bytes sent again within one wake-up are told apart by a hook or
 * priority that goes back; a source that saw only one table of one hook
 * cannot show it, and its events of both sendings stay together.
 */
#ifndef NFTRACE_INTERLEAVE_H
#define NFTRACE_INTERLEAVE_H

#include <stdbool.h>
#include <stddef.h>

#include "source.h"
#include "trace_event.h"

struct interleave;

struct interleave *interleave_new(void); /* NULL on ENOMEM */
void interleave_free(struct interleave *il); /* NULL-safe */

/* Hold a copy of ev and of everything it points to, as an event of source
 * number src (0 or 1, the order the sources are read in).  0 or -ENOMEM. */
int interleave_add(struct interleave *il, unsigned src, const struct trace_event *ev);

/* Bytes held by the events added since the last flush. */
size_t interleave_held(const struct interleave *il);

/* Call fn for each held event in timeline order and forget them.  With
 * hold_tail, the last events of source 1 of packets source 0 has not
 * delivered yet are held over to the next flush, once (source 0 is read
 * to its end first, so their source 0 events may be in its next read).
 * Returns 0, or fn's first error (the events after it are dropped). */
int interleave_flush(struct interleave *il, source_event_fn fn, void *arg, bool hold_tail);

#endif
