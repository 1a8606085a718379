/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stats.h - nftrace-read --stats: per rule and per chain, how many traced
 * packets passed (a packet that passes a rule twice counts once), where
 * packets were dropped, the fates, and the losses the files recorded.
 * Tables are sorted by packets (most first; ties in first-seen order) and
 * aligned.
 *
 * Memory is bounded: at most STATS_MAX_KEYS distinct rules (and as many
 * chains and drop points), with their texts in at most STATS_MAX_TEXT
 * bytes; past that, packets are still counted in the totals and the
 * report says how many rule hits it could not list.
 */
#ifndef NFTRACE_STATS_H
#define NFTRACE_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "merge.h"
#include "obuf.h"
#include "paths.h"

#define STATS_MAX_KEYS 65536
#define STATS_MAX_TEXT ((size_t)8 << 20)

struct stats;

struct stats *stats_new(void);		/* NULL on ENOMEM */
void stats_free(struct stats *st);	/* NULL-safe */

/* Count one complete packet (its hops stored). */
void stats_add_packet(struct stats *st, const struct paths_pkt *p);

struct stats_losses {
	uint64_t lost;				/* sum of epb_dropcount */
	const struct merge_file_stats *files;	/* per file ISB figures */
	size_t nfiles;
};

void stats_render(const struct stats *st, struct obuf *o, const struct stats_losses *l,
		  bool color);

#endif
