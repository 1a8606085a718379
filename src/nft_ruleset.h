/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nft_ruleset.h - the nf_tables ruleset map that nf_tables trace events are
 * resolved against:
 *
 *   (table family, table, chain)             -> chain hook, rule count
 *   (table family, table, chain, rule handle) -> position, rule text
 *
 * It is built from three texts: `nft -a list ruleset` (every table), and
 * `iptables-nft-save` / `ip6tables-nft-save` for the tables iptables-nft
 * manages.  A table is "xt" (iptables-nft managed) when its name appears as
 * a "*table" line in the save output of its family (ip: iptables-nft-save,
 * ip6: ip6tables-nft-save) and iptables-nft can list it: a table it calls
 * incompatible (the "# Table `nat' contains incompatible base-chains" or
 * "# Table `nat' is incompatible" comment before the "*nat" line: a native
 * table with an iptables table name, or one where nft added a base chain)
 * is native.  A chain is xt when its table is and the save output lists it
 * (":CHAIN" line); other chains of an xt table (added with nft) are native.
 *
 * Position: the rule's 1-based index in its chain in `nft -a list` order,
 * which is the kernel's evaluation order.  Text: for native tables the rule
 * as nft prints it, counters and comment included, with the trailing
 * " # handle N" removed; for xt tables the N-th "-A CHAIN ..." line of that
 * chain, which is the N-th rule of the chain in nft order (iptables-nft-save
 * walks the same list).  When the two counts of an xt chain disagree, the
 * nft text is used for that chain.
 *
 * All strings a lookup returns point into the map and stay valid until
 * nft_ruleset_free().  A map is never modified after it is built; to follow
 * ruleset changes, build a new one.
 */
#ifndef NFTRACE_NFT_RULESET_H
#define NFTRACE_NFT_RULESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace_event.h"

struct nft_ruleset;

/* The texts a map is built from.  A NULL pointer is an empty text. */
struct nft_ruleset_texts {
	const char *nft;	/* nft -a list ruleset */
	size_t nft_len;
	const char *ipt;	/* iptables-nft-save */
	size_t ipt_len;
	const char *ip6t;	/* ip6tables-nft-save */
	size_t ip6t_len;
};

/* What a map knows about one chain. */
struct nft_ruleset_chain {
	int hook;		/* hook number of a base chain in its family's
				 * numbering (NF_INET_*: prerouting 0 .. postrouting
				 * 4, ingress 5; netdev ingress 0, egress 1; arp
				 * input 0, output 1, forward 2); -1 for a user chain */
	int policy;		/* NF_DROP 0 / NF_ACCEPT 1 of a base chain, else -1 */
	int prio;		/* hook priority of a base chain ("filter + 10"
				 * = 10), else 0 */
	uint32_t nrules;	/* rules in the chain */
	uint32_t table_hooks;	/* bit h set: the table has a base chain on hook h */
	bool xt;		/* the chain is managed by iptables-nft */
	/* private to nft_ruleset.c */
	uint32_t first_rule;
};

/*
 * Build a map from texts (which are copied: the map owns its copies).
 * Unknown lines and blocks (sets, maps, flowtables, objects) are skipped.
 * Returns 0, -ENOMEM, or -EINVAL when the nft text is not a ruleset listing
 * (err names the line: a table or chain header without a name, an
 * unterminated block, a rule line without "# handle N").
 */
int nft_ruleset_load_text(struct nft_ruleset **rsp,
			  const struct nft_ruleset_texts *t, char *err,
			  size_t errlen);

/*
 * Run `nft -a list ruleset`, `iptables-nft-save` and `ip6tables-nft-save`
 * (runcmd(): fork/exec, never a shell; in this process's network namespace)
 * and build a map from their output.  A missing or failing iptables-nft-save
 * / ip6tables-nft-save is not an error (no xt tables of that family); a
 * failing nft is: -ENOENT (not installed), -EIO (non-zero exit; err quotes
 * its stderr), or what runcmd() returned.
 */
int nft_ruleset_read(struct nft_ruleset **rsp, char *err, size_t errlen);

void nft_ruleset_free(struct nft_ruleset *rs); /* NULL-safe */

/*
 * The ruleset generation (NFT_MSG_GETGEN) a map shows, as its reader
 * found it: UNSET when the reader does not say (texts given by a test),
 * KNOWN when the generation was the same before and after the reading,
 * MOVED when the ruleset kept changing while it was read (the map may
 * mix generations).  A map starts UNSET.
 */
enum nft_ruleset_gen {
	NFT_RULESET_GEN_UNSET,
	NFT_RULESET_GEN_KNOWN,
	NFT_RULESET_GEN_MOVED,
};

void nft_ruleset_set_gen(struct nft_ruleset *rs, enum nft_ruleset_gen state, uint32_t gen);
enum nft_ruleset_gen nft_ruleset_gen(const struct nft_ruleset *rs, uint32_t *gen);

/* The texts the map was built from (owned by rs, NUL-terminated). */
const struct nft_ruleset_texts *nft_ruleset_texts(const struct nft_ruleset *rs);

/*
 * The chain named chain in table table of the given table family (NFPROTO:
 * 1 inet, 2 ip, 3 arp, 5 netdev, 7 bridge, 10 ip6), or NULL if the map has
 * none.  Names are counted strings, not NUL-terminated.
 */
const struct nft_ruleset_chain *
nft_ruleset_chain(const struct nft_ruleset *rs, uint8_t family,
		  struct strref table, struct strref chain);

/*
 * The rule with handle handle in chain c (from nft_ruleset_chain() of the
 * same rs).  Returns 1 with *position (1-based) and *text set, or 0 if the
 * chain has no such rule.
 */
int nft_ruleset_rule(const struct nft_ruleset *rs,
		     const struct nft_ruleset_chain *c, uint64_t handle,
		     uint32_t *position, struct strref *text);

/* Is table of family managed by iptables-nft?  (For chains the map lacks.) */
bool nft_ruleset_table_is_xt(const struct nft_ruleset *rs, uint8_t family,
			     struct strref table);

/*
 * Build the SHB comments that store an `nft list ruleset` text in a capture:
 * the first line "nftrace-ruleset 1 nft nft", then the text; split at line
 * boundaries into parts of at most 65535 bytes, each following part starting
 * with the line "nftrace-ruleset-cont 1" (the same convention as
 * ruleset_snapshot_format()).  Appends malloc'd strings to *parts (which is
 * realloc'd) and updates *nparts.  Returns the number of parts added, or
 * -ENOMEM.
 */
int nft_ruleset_snapshot_format(const char *text, size_t len, char ***parts,
				size_t *nparts);

#endif
