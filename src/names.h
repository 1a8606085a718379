/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * names.h - value <-> name tables for the numbers the kernel sends: hooks,
 * verdicts, table families, trace kinds, packet families.
 *
 * The tables are arrays of struct names_tok ending in { 0, NULL } (tcpdump's
 * struct tok).  Lookups are linear, exact and case-sensitive: "in" never
 * matches "inet" (no prefix matching).  All returned strings are static.
 */
#ifndef NFTRACE_NAMES_H
#define NFTRACE_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "trace_event.h"

struct names_tok {
	int32_t v;
	const char *s;
};

/* NFPROTO_* (linux/netfilter.h), spelled out so no kernel header is needed. */
enum {
	NAMES_NFPROTO_INET = 1,
	NAMES_NFPROTO_IPV4 = 2,
	NAMES_NFPROTO_ARP = 3,
	NAMES_NFPROTO_NETDEV = 5,
	NAMES_NFPROTO_BRIDGE = 7,
	NAMES_NFPROTO_IPV6 = 10,
};

/* NF_INET_* hooks: 0 PREROUTING, 1 INPUT, 2 FORWARD, 3 OUTPUT, 4 POSTROUTING. */
extern const struct names_tok names_hooks[];
/* NF_NETDEV_* hooks: 0 ingress, 1 egress. */
extern const struct names_tok names_netdev_hooks[];
/* Verdict codes as nf_tables sends them: NF_DROP 0 "drop" ... NF_STOP 5
 * "stop", NFT_CONTINUE -1 "continue" ... NFT_RETURN -5 "return". */
extern const struct names_tok names_verdicts[];
/* nft table families: ip 2, ip6 10, inet 1, bridge 7, netdev 5, arp 3. */
extern const struct names_tok names_nft_families[];
/* enum trace_kind: rule, return, policy. */
extern const struct names_tok names_kinds[];
/* Packet families: 2 "IPv4", 10 "IPv6". */
extern const struct names_tok names_pkt_families[];

/* The name of v in toks, or dflt (which may be NULL) if v has none. */
const char *names_tok2str(const struct names_tok *toks, int32_t v,
			  const char *dflt);

/* Look up the len bytes at s (not NUL-terminated) in toks by exact match.
 * Returns 0 and stores the value in *v, or -ENOENT. */
int names_str2tok(const struct names_tok *toks, const char *s, size_t len,
		  int32_t *v);

/* NF_INET hook name ("PREROUTING"), or NULL if hook is out of range. */
const char *names_hook(uint8_t hook);

/* Hook name for a table family: netdev hooks for NFPROTO_NETDEV
 * ("ingress", "egress"), NF_INET names otherwise.  NULL if unknown. */
const char *names_hook_family(uint8_t nfproto, uint8_t hook);

/* Name of a verdict code, or NULL if unknown.  Non-negative codes are
 * masked with NF_VERDICT_MASK (0xff) first: NF_QUEUE carries the queue
 * number in the high 16 bits (see names_verdict_queue()). */
const char *names_verdict(int32_t code);

/* The queue number of an NF_QUEUE verdict code (its high 16 bits). */
uint16_t names_verdict_queue(int32_t code);

/* nft table family name ("inet") of an NFPROTO value, or NULL. */
const char *names_nft_family(uint8_t nfproto);

/* NFPROTO value of an nft family name of len bytes.  Returns 0 and stores
 * it in *nfproto, or -ENOENT. */
int names_nft_family_parse(const char *s, size_t len, uint8_t *nfproto);

/* "rule", "return", "policy", or NULL for TRACE_KIND_UNKNOWN. */
const char *names_kind(enum trace_kind kind);

/* The kind named by the len bytes at s, or TRACE_KIND_UNKNOWN. */
enum trace_kind names_kind_parse(const char *s, size_t len);

/* "IPv4" or "IPv6" for a packet's NFPROTO family, or NULL. */
const char *names_pkt_family(uint8_t nfproto);

#endif
