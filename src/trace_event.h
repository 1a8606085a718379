/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * trace_event.h - the one data model every nftrace module speaks.
 *
 * A trace event is one step of one packet through the firewall: "this
 * packet passed rule 3 of raw:PREROUTING".  Both kernel interfaces (the
 * legacy xtables TRACE target via nfnetlink_log, and nf_tables trace
 * messages) and every file format are turned into a struct trace_event,
 * and every renderer consumes one.
 *
 * Ownership: a trace_event never owns memory.  Its pointers (strref,
 * payload, record) point into the buffer the event was parsed from and
 * stay valid until that buffer is reused: the next recv() for a capture
 * source, the next record for a file reader.  Copy what must outlive it.
 */
#ifndef NFTRACE_TRACE_EVENT_H
#define NFTRACE_TRACE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A counted string that points into someone else's buffer; not NUL-terminated. */
struct strref {
	const char *p;
	uint32_t len;
};

#define STRREF_LIT(s) ((struct strref){ (s), sizeof(s) - 1 })

static inline bool strref_eq(struct strref a, const char *s, size_t n)
{
	size_t i;

	if (a.len != n)
		return false;
	for (i = 0; i < n; i++)
		if (a.p[i] != s[i])
			return false;
	return true;
}

/* What the kernel's prefix says about the step (ip_tables.c trace_packet). */
enum trace_kind {
	TRACE_KIND_UNKNOWN = 0,
	TRACE_KIND_RULE,	/* "rule": a rule matched */
	TRACE_KIND_RETURN,	/* "return": end of a user chain */
	TRACE_KIND_POLICY,	/* "policy": end of a base chain, its policy applies */
};

/* epb_flags direction bits (pcapng draft, Enhanced Packet Block Flags Word). */
enum trace_dir {
	TRACE_DIR_UNKNOWN = 0,
	TRACE_DIR_IN = 1,
	TRACE_DIR_OUT = 2,
};

/* Verdict codes as nf_tables sends them (be32 signed, NFTA_VERDICT_CODE). */
#define TRACE_VERDICT_NONE INT32_MIN /* no verdict known (legacy events) */

/* Bits of trace_event.have: which optional fields are present. */
enum {
	TE_HAVE_MARK = 1u << 0,
	TE_HAVE_UID = 1u << 1,
	TE_HAVE_GID = 1u << 2,
	TE_HAVE_INDEV = 1u << 3,
	TE_HAVE_OUTDEV = 1u << 4,
	TE_HAVE_TIMESTAMP = 1u << 5, /* ts_ns came from the kernel */
	TE_HAVE_SEQ = 1u << 6,
	TE_HAVE_ID = 1u << 7,	     /* id came from the file (epb_packetid) */
	TE_HAVE_HOOK = 1u << 8,
	TE_HAVE_PHYSINDEV = 1u << 9,
	TE_HAVE_PHYSOUTDEV = 1u << 10,
	TE_HAVE_HANDLE = 1u << 11,   /* nf_tables rule handle */
	TE_HAVE_PRIO = 1u << 12,     /* prio: nf_tables base chain priority */
};

/* Table families of native nf_tables tables (NFPROTO_*). 0 = xtables-style. */
#define TRACE_NFT_NONE 0

struct trace_event {
	uint64_t ts_ns;		/* ns since the epoch, UTC */
	uint64_t id;		/* packet ID, low 48 bits significant */
	uint64_t dropcount;	/* events lost just before this one */
	uint64_t handle;	/* nf_tables rule handle when TE_HAVE_HANDLE */
	uint32_t have;		/* TE_HAVE_* */

	uint8_t family;		/* NFPROTO of the packet: 2 IPv4, 10 IPv6 */
	uint8_t hook;		/* NF_INET_* when TE_HAVE_HOOK */
	uint8_t direction;	/* enum trace_dir */
	uint8_t nft_family;	/* native nft table family, or TRACE_NFT_NONE */

	enum trace_kind kind;
	uint32_t rulenum;	/* n of table:chain:kind:n */
	struct strref table;	/* "raw" (for native nft, the table name only) */
	struct strref chain;	/* "PREROUTING" */
	struct strref prefix;	/* whole prefix, trailing space and NUL removed */

	struct strref rule_text; /* resolved rule text, len 0 = none */

	int32_t verdict;	/* NF_ACCEPT...; NFT_JUMP...; TRACE_VERDICT_NONE */
	struct strref verdict_chain; /* target of jump/goto */

	uint32_t indev, outdev, physindev, physoutdev; /* ifindex */
	uint32_t mark, uid, gid, seq;
	int32_t prio;		/* hook priority of the base chain the event's
				 * traversal began in, when TE_HAVE_PRIO (nf_tables,
				 * live capture only: not stored in files) */

	const uint8_t *payload;	/* the L3 packet (IPv4/IPv6 header onward) */
	uint32_t caplen;	/* bytes at payload */
	uint32_t len;		/* original packet length (>= caplen) */

	const uint8_t *record;	/* the whole NFLOG record: nfgenmsg + TLVs */
	uint32_t record_len;
};

/* Direction a hook implies: PREROUTING, INPUT, FORWARD in; OUTPUT, POSTROUTING out. */
enum trace_dir trace_hook_direction(uint8_t hook);

/* Parse "TRACE: table:chain:kind:n " into ev->table/chain/kind/rulenum/nft_family.
 * The prefix may or may not carry the trailing space and NUL.  A native nft
 * table is written "TRACE: <family> <table>:chain:kind:n" (family one of ip,
 * ip6, inet, bridge, netdev, arp).  Returns 0, or -EINVAL if it is not a
 * TRACE prefix (ev is then left with kind TRACE_KIND_UNKNOWN). */
int trace_prefix_parse(const char *p, size_t len, struct trace_event *ev);

/* Is this an NFLOG prefix written by the TRACE target? */
bool trace_prefix_is_trace(const char *p, size_t len);

#endif
