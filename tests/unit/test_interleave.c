/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The timeline of two sources (interleave.h): a packet's legacy and
 * nf_tables events in the order the kernel runs the hooks and priorities,
 * each source's own order kept, copies that outlive the source's buffers.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "interleave.h"

/* An event named by its prefix; hook < 0: none; prio given for nft. */
static struct trace_event ev_of(uint64_t id, const char *prefix, int hook, bool nft, int prio)
{
	struct trace_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.id = id;
	cr_assert_eq(trace_prefix_parse(prefix, strlen(prefix), &ev), 0, "%s", prefix);
	ev.prefix = (struct strref){ prefix, (uint32_t)strlen(prefix) };
	if (hook >= 0) {
		ev.hook = (uint8_t)hook;
		ev.have |= TE_HAVE_HOOK;
	}
	if (nft && hook >= 0) {
		ev.prio = prio;
		ev.have |= TE_HAVE_PRIO;
	}
	return ev;
}

struct got {
	char lines[4096];
	int n, fail_at;
};

static int collect(const struct trace_event *ev, void *arg)
{
	struct got *g = arg;
	size_t l = strlen(g->lines);

	if (g->n == g->fail_at)
		return -EPIPE;
	snprintf(g->lines + l, sizeof(g->lines) - l, "%.*s\n", (int)ev->prefix.len, ev->prefix.p);
	g->n++;
	return 0;
}

static void add(struct interleave *il, unsigned src, struct trace_event ev)
{
	cr_assert_eq(interleave_add(il, src, &ev), 0);
}

Test(interleave, hooks_then_priorities_each_source_in_order)
{
	struct interleave *il = interleave_new();
	struct got g = { .fail_at = -1 };

	cr_assert_not_null(il);
	/* source 0, legacy: as nfnetlink_log delivers them */
	add(il, 0, ev_of(7, "TRACE: raw:PREROUTING:policy:2", 0, false, 0));
	add(il, 0, ev_of(7, "TRACE: filter:INPUT:rule:1", 1, false, 0));
	add(il, 0, ev_of(7, "TRACE: filter:IN_icmp:rule:1", 1, false, 0));
	add(il, 0, ev_of(9, "TRACE: raw:PREROUTING:policy:2", 0, false, 0));
	/* source 1, nf_tables: a mangle-priority prerouting chain, an input
	 * chain at filter + 10 and its user chain */
	add(il, 1, ev_of(7, "TRACE: inet t:pre:policy:1", 0, true, -150));
	add(il, 1, ev_of(7, "TRACE: inet t:in:rule:1", 1, true, 10));
	add(il, 1, ev_of(7, "TRACE: inet t:sub:return:2", 1, true, 10));
	add(il, 1, ev_of(11, "TRACE: inet t:pre:policy:1", 0, true, -150));
	cr_assert_eq(interleave_flush(il, collect, &g, false), 0);
	cr_expect_str_eq(g.lines,
			 "TRACE: raw:PREROUTING:policy:2\n"
			 "TRACE: inet t:pre:policy:1\n"
			 "TRACE: filter:INPUT:rule:1\n"
			 "TRACE: filter:IN_icmp:rule:1\n"
			 "TRACE: inet t:in:rule:1\n"
			 "TRACE: inet t:sub:return:2\n"
			 "TRACE: raw:PREROUTING:policy:2\n"
			 "TRACE: inet t:pre:policy:1\n");
	/* flushed: nothing held, a second flush gives nothing */
	g = (struct got){ .fail_at = -1 };
	cr_expect_eq(interleave_flush(il, collect, &g, false), 0);
	cr_expect_eq(g.n, 0);
	interleave_free(il);
}

Test(interleave, xtables_table_priorities_and_nat)
{
	struct interleave *il = interleave_new();
	struct got g = { .fail_at = -1 };

	/* nft chains between the legacy tables of one hook */
	add(il, 0, ev_of(1, "TRACE: raw:PREROUTING:policy:1", 0, false, 0));
	add(il, 0, ev_of(1, "TRACE: mangle:PREROUTING:policy:1", 0, false, 0));
	add(il, 0, ev_of(1, "TRACE: nat:PREROUTING:rule:1", 0, false, 0));
	add(il, 0, ev_of(1, "TRACE: filter:FORWARD:policy:1", 2, false, 0));
	add(il, 0, ev_of(1, "TRACE: nat:POSTROUTING:rule:1", 4, false, 0));
	add(il, 1, ev_of(1, "TRACE: ip a:p400:policy:1", 0, true, -400));
	add(il, 1, ev_of(1, "TRACE: ip a:p200:policy:1", 0, true, -200));
	add(il, 1, ev_of(1, "TRACE: ip a:p0:policy:1", 0, true, 0));
	add(il, 1, ev_of(1, "TRACE: ip a:post50:policy:1", 4, true, 50));
	add(il, 1, ev_of(1, "TRACE: ip a:post150:policy:1", 4, true, 150));
	cr_assert_eq(interleave_flush(il, collect, &g, false), 0);
	cr_expect_str_eq(g.lines,
			 "TRACE: ip a:p400:policy:1\n"
			 "TRACE: raw:PREROUTING:policy:1\n"
			 "TRACE: ip a:p200:policy:1\n"
			 "TRACE: mangle:PREROUTING:policy:1\n"
			 "TRACE: nat:PREROUTING:rule:1\n"
			 "TRACE: ip a:p0:policy:1\n"
			 "TRACE: filter:FORWARD:policy:1\n"
			 "TRACE: ip a:post50:policy:1\n"
			 "TRACE: nat:POSTROUTING:rule:1\n"
			 "TRACE: ip a:post150:policy:1\n");
	interleave_free(il);
}

Test(interleave, looped_packet_passes)
{
	struct interleave *il = interleave_new();
	struct got g = { .fail_at = -1 };

	/* A ping to a local address: out through OUTPUT and POSTROUTING,
	 * back in through lo at PREROUTING and INPUT, same bytes, same ID. */
	add(il, 0, ev_of(5, "TRACE: raw:OUTPUT:policy:2", 3, false, 0));
	add(il, 0, ev_of(5, "TRACE: filter:OUTPUT:policy:1", 3, false, 0));
	add(il, 0, ev_of(5, "TRACE: raw:PREROUTING:policy:2", 0, false, 0));
	add(il, 0, ev_of(5, "TRACE: filter:INPUT:policy:1", 1, false, 0));
	add(il, 1, ev_of(5, "TRACE: inet t:out:policy:1", 3, true, 0));
	add(il, 1, ev_of(5, "TRACE: inet t:post:policy:1", 4, true, 0));
	add(il, 1, ev_of(5, "TRACE: inet t:pre:policy:1", 0, true, 0));
	add(il, 1, ev_of(5, "TRACE: inet t:in:policy:1", 1, true, 0));
	cr_assert_eq(interleave_flush(il, collect, &g, false), 0);
	cr_expect_str_eq(g.lines,
			 "TRACE: raw:OUTPUT:policy:2\n"
			 "TRACE: filter:OUTPUT:policy:1\n"
			 "TRACE: inet t:out:policy:1\n"
			 "TRACE: inet t:post:policy:1\n"
			 "TRACE: raw:PREROUTING:policy:2\n"
			 "TRACE: inet t:pre:policy:1\n"
			 "TRACE: filter:INPUT:policy:1\n"
			 "TRACE: inet t:in:policy:1\n");
	interleave_free(il);
}

Test(interleave, passes_line_up_when_one_source_saw_one_way)
{
	struct interleave *il = interleave_new();
	struct got g = { .fail_at = -1 };

	/* Looped: the legacy tables trace only the way in; nf_tables both. */
	add(il, 0, ev_of(5, "TRACE: filter:INPUT:rule:1", 1, false, 0));
	add(il, 1, ev_of(5, "TRACE: ip raw:OUTPUT:policy:2", 3, true, -300));
	add(il, 1, ev_of(5, "TRACE: ip raw:PREROUTING:policy:2", 0, true, -300));
	/* Forwarded: legacy nat POSTROUTING only, after nf_tables' FORWARD. */
	add(il, 0, ev_of(6, "TRACE: nat:POSTROUTING:rule:1", 4, false, 0));
	add(il, 1, ev_of(6, "TRACE: inet t:pre:policy:1", 0, true, 0));
	add(il, 1, ev_of(6, "TRACE: inet t:fwd:policy:1", 2, true, 0));
	/* Sent twice with the same bytes: out, out again. */
	add(il, 0, ev_of(8, "TRACE: raw:OUTPUT:policy:2", 3, false, 0));
	add(il, 0, ev_of(8, "TRACE: filter:OUTPUT:policy:1", 3, false, 0));
	add(il, 0, ev_of(8, "TRACE: raw:OUTPUT:policy:2", 3, false, 0));
	add(il, 0, ev_of(8, "TRACE: filter:OUTPUT:policy:1", 3, false, 0));
	add(il, 1, ev_of(8, "TRACE: inet t:out:policy:1", 3, true, -10));
	add(il, 1, ev_of(8, "TRACE: inet t:post:policy:1", 4, true, 0));
	add(il, 1, ev_of(8, "TRACE: inet t:out:policy:1", 3, true, -10));
	add(il, 1, ev_of(8, "TRACE: inet t:post:policy:1", 4, true, 0));
	cr_assert_eq(interleave_flush(il, collect, &g, false), 0);
	cr_expect_str_eq(g.lines,
			 "TRACE: ip raw:OUTPUT:policy:2\n"
			 "TRACE: ip raw:PREROUTING:policy:2\n"
			 "TRACE: filter:INPUT:rule:1\n"
			 "TRACE: inet t:pre:policy:1\n"
			 "TRACE: inet t:fwd:policy:1\n"
			 "TRACE: nat:POSTROUTING:rule:1\n"
			 "TRACE: raw:OUTPUT:policy:2\n"
			 "TRACE: inet t:out:policy:1\n"
			 "TRACE: filter:OUTPUT:policy:1\n"
			 "TRACE: inet t:post:policy:1\n"
			 "TRACE: raw:OUTPUT:policy:2\n"
			 "TRACE: inet t:out:policy:1\n"
			 "TRACE: filter:OUTPUT:policy:1\n"
			 "TRACE: inet t:post:policy:1\n");
	interleave_free(il);
}

Test(interleave, no_hook_follows_its_predecessor_and_no_id_stays_alone)
{
	struct interleave *il = interleave_new();
	struct got g = { .fail_at = -1 };

	add(il, 0, ev_of(3, "TRACE: raw:PREROUTING:policy:2", 0, false, 0));
	add(il, 0, ev_of(3, "TRACE: filter:INPUT:rule:1", 1, false, 0));
	add(il, 0, ev_of(3, "TRACE: filter:X:rule:1", -1, false, 0));
	add(il, 0, ev_of(0, "TRACE: raw:OUTPUT:policy:2", 3, false, 0));
	add(il, 1, ev_of(3, "TRACE: inet t:pre:policy:1", 0, true, 0));
	add(il, 1, ev_of(3, "TRACE: bridge b:x:policy:1", 0, false, 0));
	add(il, 1, ev_of(0, "TRACE: inet t:out:policy:1", 3, true, -500));
	cr_assert_eq(interleave_flush(il, collect, &g, false), 0);
	cr_expect_str_eq(g.lines,
			 "TRACE: raw:PREROUTING:policy:2\n"
			 "TRACE: inet t:pre:policy:1\n"
			 "TRACE: bridge b:x:policy:1\n"
			 "TRACE: filter:INPUT:rule:1\n"
			 "TRACE: filter:X:rule:1\n"
			 "TRACE: raw:OUTPUT:policy:2\n"
			 "TRACE: inet t:out:policy:1\n");
	interleave_free(il);
}

/* Event n of copies_outlive_the_source_buffer, as it was added. */
static int check_copy(const struct trace_event *e, void *arg)
{
	int *n = arg;
	char want[64];

	snprintf(want, sizeof(want), "TRACE: filter:INPUT:rule:%d", *n + 1);
	cr_assert(strref_eq(e->prefix, want, strlen(want)), "event %d", *n);
	cr_assert(strref_eq(e->table, "filter", 6));
	snprintf(want, sizeof(want), "-A INPUT -j ACCEPT # %d", *n);
	cr_assert(strref_eq(e->rule_text, want, strlen(want)), "event %d", *n);
	cr_assert_eq(e->caplen, 20);
	for (int j = 0; j < 20; j++)
		cr_assert_eq(e->payload[j], *n & 0xff);
	for (int j = 0; j < 40; j++)
		cr_assert_eq(e->record[j], ~*n & 0xff);
	cr_assert_null(e->verdict_chain.p);
	(*n)++;
	return 0;
}

Test(interleave, copies_outlive_the_source_buffer)
{
	struct interleave *il = interleave_new();
	int n = 0;
	char prefix[64], text[64];
	uint8_t payload[20], record[40];
	struct trace_event ev;

	for (int i = 0; i < 3000; i++) {	/* past the first arena size */
		snprintf(prefix, sizeof(prefix), "TRACE: filter:INPUT:rule:%d", i + 1);
		snprintf(text, sizeof(text), "-A INPUT -j ACCEPT # %d", i);
		memset(payload, i & 0xff, sizeof(payload));
		memset(record, ~i & 0xff, sizeof(record));
		ev = ev_of((uint64_t)i + 1, prefix, 1, false, 0);
		ev.rule_text = (struct strref){ text, (uint32_t)strlen(text) };
		ev.payload = payload;
		ev.caplen = sizeof(payload);
		ev.record = record;
		ev.record_len = sizeof(record);
		add(il, 0, ev);
	}
	/* the buffers now hold other bytes: the held copies must not */
	memset(prefix, 'x', sizeof(prefix));
	memset(text, 'y', sizeof(text));
	memset(payload, 0xee, sizeof(payload));
	cr_expect_gt(interleave_held(il), (size_t)3000 * (20 + 40));
	cr_assert_eq(interleave_flush(il, check_copy, &n, false), 0);
	cr_expect_eq(n, 3000);
	cr_expect_eq(interleave_held(il), 0);
	interleave_free(il);
}

Test(interleave, callback_error_stops_and_forgets)
{
	struct interleave *il = interleave_new();
	struct got g = { .fail_at = 1 };

	add(il, 0, ev_of(1, "TRACE: raw:PREROUTING:policy:2", 0, false, 0));
	add(il, 0, ev_of(1, "TRACE: filter:INPUT:rule:1", 1, false, 0));
	add(il, 0, ev_of(1, "TRACE: filter:INPUT:rule:2", 1, false, 0));
	cr_expect_eq(interleave_flush(il, collect, &g, false), -EPIPE);
	cr_expect_eq(g.n, 1);
	g = (struct got){ .fail_at = -1 };
	cr_expect_eq(interleave_flush(il, collect, &g, false), 0);
	cr_expect_eq(g.n, 0);
	interleave_free(il);
}

Test(interleave, source_1_tail_waits_one_flush_for_source_0)
{
	struct interleave *il = interleave_new();
	struct got g = { .fail_at = -1 };

	/* Packet 1 complete in both; packet 2's nf_tables events came after
	 * source 0 was read to its end: they wait for the next flush. */
	add(il, 0, ev_of(1, "TRACE: filter:INPUT:rule:1", 1, false, 0));
	add(il, 1, ev_of(1, "TRACE: ip raw:PREROUTING:policy:2", 0, true, -300));
	add(il, 1, ev_of(2, "TRACE: ip raw:PREROUTING:policy:2", 0, true, -300));
	cr_assert_eq(interleave_flush(il, collect, &g, true), 0);
	cr_expect_str_eq(g.lines,
			 "TRACE: ip raw:PREROUTING:policy:2\n"
			 "TRACE: filter:INPUT:rule:1\n");
	cr_expect_gt(interleave_held(il), 0);
	/* the next read: packet 2's legacy event, packet 3 from nf_tables only */
	add(il, 0, ev_of(2, "TRACE: filter:INPUT:rule:1", 1, false, 0));
	add(il, 1, ev_of(3, "TRACE: ip raw:OUTPUT:policy:2", 3, true, -300));
	g = (struct got){ .fail_at = -1 };
	cr_assert_eq(interleave_flush(il, collect, &g, true), 0);
	cr_expect_str_eq(g.lines,
			 "TRACE: ip raw:PREROUTING:policy:2\n"
			 "TRACE: filter:INPUT:rule:1\n");
	/* packet 3 waits once, not twice: out at the next flush, alone */
	g = (struct got){ .fail_at = -1 };
	cr_assert_eq(interleave_flush(il, collect, &g, true), 0);
	cr_expect_str_eq(g.lines, "TRACE: ip raw:OUTPUT:policy:2\n");
	cr_expect_eq(interleave_held(il), 0);
	/* without hold_tail nothing waits */
	add(il, 1, ev_of(4, "TRACE: ip raw:OUTPUT:policy:2", 3, true, -300));
	g = (struct got){ .fail_at = -1 };
	cr_assert_eq(interleave_flush(il, collect, &g, false), 0);
	cr_expect_eq(g.n, 1);
	interleave_free(il);
}
