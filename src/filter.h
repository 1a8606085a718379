/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter.h - which packets nftrace-read shows.
 *
 * Filters select packets, never single events: a packet that matches
 * shows its whole path.  Different filters combine with AND; several
 * values of one filter (--id A,B, --table twice) with OR.
 *
 * Decided on the first event of a packet (filter_admit()), once per
 * packet, before NAT changed its addresses:
 *   expression  a libpcap filter (as tcpdump takes it), compiled once for
 *               raw IP (DLT_RAW: IPv4 and IPv6) and run on the event's
 *               payload with its original length; loads past the captured
 *               bytes fail the match, so nf_tables' truncated payloads
 *               match as far as their headers go.
 *   --id        the packet ID.
 *   --since/--until   the time of the first event: since <= t < until.
 * Decided on the complete path (filter_select()):
 *   --table/--chain   some hop is in one of the tables and one of the
 *               chains (a hop must match both when both are given).
 *   --verdict   the packet's fate (paths.h): accept, drop, queue,
 *               stolen, unknown.
 */
#ifndef NFTRACE_FILTER_H
#define NFTRACE_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "paths.h"
#include "trace_event.h"

struct filter;

struct filter *filter_new(void);	/* NULL on ENOMEM */
void filter_free(struct filter *f);	/* NULL-safe */

/*
 * Each setter returns 0, -EINVAL with a message in err that names the
 * offending value (without the option name), or -ENOMEM.
 */
int filter_set_expression(struct filter *f, const char *expr, char *err, size_t errlen);
/* "ID[,ID...]": 1 to 12 hex digits each, after an optional 0x. */
int filter_add_ids(struct filter *f, const char *list, char *err, size_t errlen);
int filter_add_table(struct filter *f, const char *name, char *err, size_t errlen);
int filter_add_chain(struct filter *f, const char *name, char *err, size_t errlen);
int filter_add_verdict(struct filter *f, const char *name, char *err, size_t errlen);
int filter_set_since(struct filter *f, const char *when, char *err, size_t errlen);
int filter_set_until(struct filter *f, const char *when, char *err, size_t errlen);

/*
 * A time as --since/--until take it, into ns since the epoch:
 *   YYYY-MM-DD[( |T)HH:MM[:SS[.fraction]]][Z|(+|-)HH[:MM]]
 *     without a zone, local time (TZ), as nftrace-read prints times;
 *   @SECONDS[.fraction]   seconds since the epoch.
 * Returns 0, -ERANGE for a day the month does not have (2026-02-30), or
 * -EINVAL.
 */
int filter_parse_time(const char *s, uint64_t *ns);

bool filter_any(const struct filter *f);	/* any filter set */
bool filter_needs_path(const struct filter *f);	/* --table, --chain, --verdict */

/* Packet-level filters on the first event of a packet. */
bool filter_admit(const struct filter *f, const struct trace_event *first);

/* Path-level filters on a complete packet (its hops stored). */
bool filter_select(const struct filter *f, const struct paths_pkt *p);

#endif
