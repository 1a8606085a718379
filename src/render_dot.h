/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render_dot.h - nftrace-read --dot: the traced paths as a Graphviz graph.
 *
 * Nodes: the hooks (PREROUTING, ...) where a path enters a hook; the
 * rules a packet passed (table:chain:kind:n and the rule text, cut at
 * DOT_TEXT_MAX bytes), grouped in one cluster per table:chain (per file
 * and table:chain when several files are merged); and one sink per fate
 * (accepted, dropped, ...).  Edges: the steps of the paths, labelled and
 * weighted (penwidth) by how many traced packets took them.  Rules that
 * dropped packets, and the edges into the "dropped" sink, are red.
 *
 * Bounded: at most DOT_MAX_NODES nodes and DOT_MAX_EDGES edges; steps
 * past that are left out and counted in a comment at the end.
 */
#ifndef NFTRACE_RENDER_DOT_H
#define NFTRACE_RENDER_DOT_H

#include <stdbool.h>
#include <stdint.h>

#include "obuf.h"
#include "paths.h"

#define DOT_MAX_NODES 4096
#define DOT_MAX_EDGES 16384
#define DOT_TEXT_MAX 64

struct dot;

/* per_file: keep the rules of different files apart (merged input). */
struct dot *dot_new(bool per_file);	/* NULL on ENOMEM */
void dot_free(struct dot *d);		/* NULL-safe */
void dot_add_packet(struct dot *d, const struct paths_pkt *p);
void dot_render(const struct dot *d, struct obuf *o);
/* Steps left out because of the bounds. */
uint64_t dot_dropped_steps(const struct dot *d);

#endif
