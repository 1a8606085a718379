/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * source_nftrace.h - the nf_tables event source: NFT_MSG_TRACE messages
 * (NFNLGRP_NFTRACE) turned into struct trace_event, each with an NFLOG
 * record built for it, so a capture file keeps one LINKTYPE_NFLOG
 * interface whatever the kernel interface was.
 *
 * One NETLINK_NETFILTER socket joins NFNLGRP_NFTRACE and NFNLGRP_NFTABLES,
 * so trace events and ruleset changes arrive in one ordered stream.  When a
 * rule, chain or table changed, the rule map (nft_ruleset.h) is re-read at
 * the end of that transaction (NFT_MSG_NEWGEN), before any trace message
 * that follows it is handled: an event carries the text of the rule in
 * force when the packet passed, not the text at print time.  The map is
 * read between two NFT_MSG_GETGEN (again while they differ); when it shows
 * a later generation than the NEWGEN (the ruleset changed again before it
 * was read), or could not be re-read, the events until the NEWGEN of its
 * generation get rulenum 0 and no rule text (counted as inexact): the
 * positions and texts it has may be of rules those packets never saw.
 *
 * Per event (formats.md section 5):
 *   kind      POLICY -> policy; no NFTA_TRACE_RULE_HANDLE (implicit end of
 *             a chain; kernel 6.18 sends it as TYPE=RULE) -> return; a rule
 *             handle -> rule (also TYPE=RETURN with a handle: an explicit
 *             `return` rule matched, which old kernels send as RETURN and
 *             6.18 as RULE; like iptables' "rule:N" for -j RETURN).
 *   rulenum   rule: the rule's 1-based position in its chain; policy and
 *             return: rules in the chain + 1 (as iptables numbers them);
 *             0 when the map does not know the chain or the handle, or
 *             is of another generation than the event (see above).
 *   prefix    "TRACE: raw:OUTPUT:rule:2" for tables iptables-nft manages,
 *             "TRACE: inet fw:in:policy:4" for native tables (no trailing
 *             space; nflog_record_build() adds the kernel's space and NUL).
 *   rule_text the rule as nft prints it (native) or its "-A" line
 *             (iptables-nft); for policy "policy accept" (native) or
 *             "-P OUTPUT ACCEPT" (iptables-nft); none for a return.
 *   verdict   NFTA_VERDICT_CODE (signed) and the jump/goto chain; for a
 *             policy event the policy (NF_ACCEPT 1 / NF_DROP 0).
 *   hook      the hook of the base chain the traversal started in (from
 *             the map); a traversal that starts in a user chain takes the
 *             only hook of the table's base chains its devices allow, or
 *             has none (TE_HAVE_HOOK clear).
 *   payload   network header + transport header of the first event of the
 *             traversal (the kernel sends them once per trace id and base
 *             chain), len from the IPv4 total / IPv6 payload length; the
 *             devices come from there too, the mark from each event.
 *   id        packet_id() of that payload: the same for every event of the
 *             traversal, and equal to the legacy source's ID for the packet.
 *   ts_ns     CLOCK_REALTIME when the message was received (the kernel
 *             sends no time; TE_HAVE_TIMESTAMP is clear).
 * Events of other packet families (bridge, arp, netdev) are skipped and
 * counted, as are malformed messages; nothing here prints or exits.
 */
#ifndef NFTRACE_SOURCE_NFTRACE_H
#define NFTRACE_SOURCE_NFTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nft_ruleset.h"
#include "source.h"

#define SOURCE_NFTRACE_RCVBUF_DEFAULT (64u << 20)

/*
 * Where the rule map comes from: called at open and after every ruleset
 * change.  Store a new map in *rsp (the source takes ownership) and return
 * 0, or return -errno with a message in err (the source keeps the map it
 * had).  nft_ruleset_read() wrapped is the default; tests pass their own.
 */
typedef int (*source_nftrace_load_fn)(struct nft_ruleset **rsp, void *arg,
				      char *err, size_t errlen);

struct source_nftrace_config {
	/* Socket receive buffer in bytes; 0 = SOURCE_NFTRACE_RCVBUF_DEFAULT.
	 * SO_RCVBUFFORCE is tried first (root), then SO_RCVBUF, which the
	 * kernel caps at net.core.rmem_max. */
	size_t rcvbuf;
	/* Build the rule map and keep it current.  Without it events carry
	 * rulenum 0, no rule text, no hook, and the native prefix form. */
	bool resolve_rules;
	/* Deliver every event the kernel sends.  By default two kinds are
	 * left out, so both backends print the same lines: the implicit end
	 * of a base chain just before its policy event, and the iptables-nft
	 * "-j TRACE" rule that set the trace (ip_tables reports neither). */
	bool all_events;
	source_nftrace_load_fn load; /* NULL: nft_ruleset_read() */
	void *load_arg;
	/* Replay only: no socket (source_fd() is -1, read() returns -EBADF);
	 * feed received buffers with source_nftrace_parse(). */
	bool no_socket;
};

/* Counters beyond struct source_stats. */
struct source_nftrace_stats {
	uint64_t malformed;	/* trace messages that failed validation */
	uint64_t other_family;	/* events of packets neither IPv4 nor IPv6 (bridge,
				 * netdev, arp tables), counted as nft monitor
				 * trace shows them: without the implicit end of
				 * a base chain, unless all_events */
	uint64_t orphans;	/* events whose traversal's first event (with
				 * the headers) was not seen: no payload, id 0 */
	uint64_t unresolved;	/* events whose chain or rule the map lacked */
	uint64_t inexact;	/* events given no position and no rule text: the
				 * map was read at a later generation (the
				 * ruleset changed again before it was read)
				 * or could not be re-read */
	uint64_t ruleset_msgs;	/* NFNLGRP_NFTABLES messages */
	uint64_t reloads;	/* rule map re-reads that succeeded */
	uint64_t reload_errors; /* ... and failed (see source_nftrace_error) */
	uint64_t truncated;	/* datagrams cut by the receive buffer (MSG_TRUNC) */
	bool drops_known;	/* lost counts the kernel's socket drop counter */
	int rcvbuf;		/* receive buffer the kernel granted (bytes) */
};

/*
 * Open the source: subscribe, size the receive buffer, and (with
 * cfg->resolve_rules) read the rule map; the subscription comes first, so
 * a change made while the map is read is seen and re-read.  Returns 0 and
 * *sp (close with sp->ops->close), or -errno with a message in err
 * (-EPERM: needs CAP_NET_ADMIN; a failed first map read is fatal too).
 */
int source_nftrace_open(struct source **sp, const struct source_nftrace_config *cfg,
			char *err, size_t errlen);

/*
 * Run one received buffer (one or more netlink messages, as one recv()
 * returns them) through the very path read() uses: ruleset messages mark
 * the map stale and NEWGEN re-reads it, trace messages become events for
 * fn.  Returns the events delivered (>= 0) or fn's negative return.
 * Malformed messages are counted, never fatal.
 */
int source_nftrace_parse(struct source *s, const void *buf, size_t len,
			 source_event_fn fn, void *arg);

void source_nftrace_stats(const struct source *s, struct source_nftrace_stats *st);

/*
 * The ruleset texts read at open (`nft -a list ruleset`, iptables-nft-save,
 * ip6tables-nft-save), for the capture file's snapshot; NULL without
 * resolve_rules.  Valid until the source is closed, whatever reloads happen.
 */
const struct nft_ruleset_texts *source_nftrace_snapshot(const struct source *s);

/* The last rule map re-read error ("" if none). */
const char *source_nftrace_error(const struct source *s);

#endif
