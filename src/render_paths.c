/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "merge.h"
#include "names.h"
#include "render_paths.h"
#include "render_text.h"

#define COLOR_RED "\033[31m"
#define COLOR_GREEN "\033[32m"
#define COLOR_OFF "\033[0m"

static const char *fate_color(enum path_verdict v)
{
	return v == PATH_DROP ? COLOR_RED : v == PATH_ACCEPT ? COLOR_GREEN : NULL;
}

static void put_file(struct obuf *o, const void *ctx)
{
	const struct merge_snap *snap = ctx;
	const char *f = snap && snap->file ? snap->file : "?";
	const char *base = strrchr(f, '/');

	obuf_putc(o, '[');
	obuf_puts(o, base ? base + 1 : f);
	obuf_puts(o, "] ");
}

static void put_hop(struct obuf *o, const struct trace_event *ev)
{
	struct strref name = path_hop_name(ev);

	obuf_put(o, name.p, name.len);
	if (ev->rule_text.len) {
		obuf_put(o, "  \"", 3);
		render_escaped(o, ev->rule_text.p, ev->rule_text.len);
		obuf_putc(o, '"');
	}
	if (ev->verdict != TRACE_VERDICT_NONE) {
		const char *v = names_verdict(ev->verdict);

		obuf_puts(o, " (verdict ");
		if (v)
			obuf_puts(o, v);
		else
			obuf_printf(o, "verdict-%d", ev->verdict);
		if (ev->verdict_chain.len) {
			obuf_putc(o, ' ');
			obuf_put(o, ev->verdict_chain.p, ev->verdict_chain.len);
		}
		obuf_putc(o, ')');
	}
}

void render_paths_packet(struct obuf *o, const struct paths_pkt *p,
			 const struct render_paths_opts *opts)
{
	const struct path_fate *f = paths_pkt_fate(p);
	const char *col = opts->color ? fate_color(f->verdict) : NULL;
	const char *how = path_verdict_participle(f->verdict);
	struct strref sum = paths_pkt_summary(p), by = { NULL, 0 };
	const char *by_kind = NULL;
	struct paths_iter it;
	struct trace_event ev;
	void *ctx;
	int32_t i = 0;

	if (opts->show_file) {
		paths_hops_begin(p, &it);
		if (paths_hops_next(&it, &ev, &ctx))
			put_file(o, ctx);
	}
	render_time(o, paths_pkt_first_ts(p));
	obuf_putc(o, ' ');
	obuf_hex(o, paths_pkt_id(p), 12);
	obuf_putc(o, ' ');
	obuf_put(o, sum.p, sum.len);
	obuf_endline(o);
	paths_hops_begin(p, &it);
	while (paths_hops_next(&it, &ev, &ctx)) {
		bool deciding = i++ == f->hop;

		obuf_puts(o, "    ");
		if (deciding) {
			by = path_hop_name(&ev);
			by_kind = names_kind(ev.kind);
			if (col)
				obuf_puts(o, col);
		}
		put_hop(o, &ev);
		if (deciding && col)
			obuf_puts(o, COLOR_OFF);
		obuf_endline(o);
	}
	if (paths_pkt_forced(p)) {
		obuf_puts(o, "    (path may be incomplete: memory bound reached)");
		obuf_endline(o);
	}
	obuf_puts(o, "    ");
	if (col)
		obuf_puts(o, col);
	obuf_puts(o, "=> ");
	if (how && by.p) {
		obuf_puts(o, how);
		obuf_puts(o, f->policy ? " by policy " : " by ");
		obuf_put(o, by.p, by.len);
	} else if (by.p) {
		/* a hop without rule text that may have been the DROP */
		obuf_puts(o, "fate unknown: ");
		obuf_put(o, by.p, by.len);
		obuf_printf(o, " is a %s without rule text", by_kind ? by_kind : "hop");
	} else {
		obuf_puts(o, "fate unknown");
	}
	if (col)
		obuf_puts(o, COLOR_OFF);
	obuf_endline(o);
	obuf_endline(o);
}
