/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of nftrace-read's views: the fate of a path, grouping events
 * into packets (order, gap, bounds, filters), JSON string escaping and
 * times, --since/--until times, and the packet filters.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "filter.h"
#include "obuf.h"
#include "paths.h"
#include "render_json.h"

/* ---- helpers ------------------------------------------------------------ */

/* An event whose prefix and text live in static storage of the caller. */
static struct trace_event mkev(const char *prefix, const char *text, uint64_t id, uint64_t ts)
{
	struct trace_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.verdict = TRACE_VERDICT_NONE;
	ev.family = 2;
	cr_assert_eq(trace_prefix_parse(prefix, strlen(prefix), &ev), 0, "prefix %s", prefix);
	ev.prefix = (struct strref){ prefix, (uint32_t)strlen(prefix) };
	if (text)
		ev.rule_text = (struct strref){ text, (uint32_t)strlen(text) };
	ev.id = id;
	ev.ts_ns = ts;
	return ev;
}

static struct trace_event nftev(const char *prefix, int32_t verdict)
{
	struct trace_event ev = mkev(prefix, NULL, 1, 0);

	ev.verdict = verdict;
	return ev;
}

static char *render(void (*fn)(struct obuf *, const void *), const void *arg)
{
	struct obuf o;
	char *s;

	cr_assert_eq(obuf_init(&o, -1, 1 << 16), 0);
	fn(&o, arg);
	s = strndup(o.buf, o.len);
	o.len = 0;
	obuf_free(&o);
	return s;
}

/* ---- one hop's verdict -------------------------------------------------- */

Test(fate, legacy_rule_targets)
{
	static const struct { const char *text; enum path_verdict v; } cases[] = {
		{ "-A INPUT -m mark --mark 0xef -j DROP", PATH_DROP },
		{ "-A INPUT -p tcp -j REJECT --reject-with tcp-reset", PATH_DROP },
		{ "-A IN_icmp -p ipv6-icmp -m icmp6 --icmpv6-type 129 -j ACCEPT", PATH_ACCEPT },
		{ "-A INPUT -p udp -j NFQUEUE --queue-num 3", PATH_QUEUE },
		{ "-A PREROUTING -s 192.0.2.53/32 -j MARK --set-xmark 0xef/0xffffffff", PATH_UNKNOWN },
		{ "-A OUTPUT -j OUT_direct", PATH_UNKNOWN },
		/* a target word inside a quoted comment is no target */
		{ "-A OUTPUT -m comment --comment \"then -j DROP it\"", PATH_UNKNOWN },
		{ "-A OUTPUT -m comment --comment \"say \\\"-j DROP\\\"\" -j ACCEPT", PATH_ACCEPT },
		{ "-A INPUT --jump DROP", PATH_DROP },
		/* DROPPED is another target's name, not DROP */
		{ "-A INPUT -j DROPPED", PATH_UNKNOWN },
		{ "-A INPUT -j DROP_LOG", PATH_UNKNOWN },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct trace_event ev = mkev("TRACE: filter:INPUT:rule:1", cases[i].text, 1, 0);
		bool policy;

		cr_expect_eq(path_hop_verdict(&ev, &policy), cases[i].v, "%s", cases[i].text);
		cr_expect(!policy);
	}
}

Test(fate, legacy_policies)
{
	struct trace_event drop = mkev("TRACE: filter:INPUT:policy:3", "-P INPUT DROP", 1, 0);
	struct trace_event acc = mkev("TRACE: raw:PREROUTING:policy:3", "-P PREROUTING ACCEPT", 1, 0);
	struct trace_event bare = mkev("TRACE: raw:PREROUTING:policy:3", NULL, 1, 0);
	/* policy:N at an unconditional rule at the chain's end: its text */
	struct trace_event rule = mkev("TRACE: filter:INPUT:policy:2", "-A INPUT -j DROP", 1, 0);
	bool policy;

	cr_expect_eq(path_hop_verdict(&drop, &policy), PATH_DROP);
	cr_expect(policy);
	cr_expect_eq(path_hop_verdict(&acc, &policy), PATH_ACCEPT);
	cr_expect_eq(path_hop_verdict(&bare, &policy), PATH_UNKNOWN);
	cr_expect(policy);
	cr_expect_eq(path_hop_verdict(&rule, &policy), PATH_DROP);
}

Test(fate, nft_verdicts)
{
	static const struct { int32_t code; enum path_verdict v; } cases[] = {
		{ 0, PATH_DROP }, { 1, PATH_ACCEPT }, { 2, PATH_STOLEN },
		{ 3 | (5 << 16), PATH_QUEUE }, { -1, PATH_UNKNOWN }, { -3, PATH_UNKNOWN },
		{ -4, PATH_UNKNOWN }, { -5, PATH_UNKNOWN }, { 4, PATH_UNKNOWN },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct trace_event ev = nftev("TRACE: inet fw:in:rule:3", cases[i].code);
		bool policy;

		/* the explicit verdict wins over the text */
		ev.rule_text = (struct strref){ "-A INPUT -j ACCEPT", 18 };
		cr_expect_eq(path_hop_verdict(&ev, &policy), cases[i].v, "code %d", cases[i].code);
	}
}

/* ---- a path's fate ------------------------------------------------------ */

static struct path_fate fate_of(const struct trace_event *evs, size_t n)
{
	struct path_fate f;

	path_fate_init(&f);
	for (size_t i = 0; i < n; i++)
		path_fate_add(&f, &evs[i]);
	path_fate_finish(&f);
	return f;
}

Test(fate, dropped_by_rule)
{
	struct trace_event p[] = {
		mkev("TRACE: raw:PREROUTING:rule:2", "-A PREROUTING -s 192.0.2.53/32 -p udp -m udp --sport 53 -j MARK --set-xmark 0xef/0xffffffff", 1, 0),
		mkev("TRACE: raw:PREROUTING:policy:3", "-P PREROUTING ACCEPT", 1, 0),
		mkev("TRACE: filter:INPUT:rule:1", "-A INPUT -m mark --mark 0xef -j DROP", 1, 0),
	};
	struct path_fate f = fate_of(p, 3);

	cr_expect_eq(f.verdict, PATH_DROP);
	cr_expect_eq(f.hop, 2);
	cr_expect(!f.policy);
}

Test(fate, dropped_by_policy)
{
	struct trace_event p[] = {
		mkev("TRACE: mangle:INPUT:policy:1", "-P INPUT ACCEPT", 1, 0),
		mkev("TRACE: filter:INPUT:policy:2", "-P INPUT DROP", 1, 0),
	};
	struct path_fate f = fate_of(p, 2);

	cr_expect_eq(f.verdict, PATH_DROP);
	cr_expect_eq(f.hop, 1);
	cr_expect(f.policy);
}

Test(fate, accepted_by_last_policy)
{
	struct trace_event p[] = {
		mkev("TRACE: raw:OUTPUT:policy:2", "-P OUTPUT ACCEPT", 1, 0),
		mkev("TRACE: filter:OUTPUT:rule:1", "-A OUTPUT -j OUT_direct", 1, 0),
		mkev("TRACE: filter:OUT_direct:return:2", NULL, 1, 0),
		mkev("TRACE: filter:OUTPUT:policy:3", "-P OUTPUT ACCEPT", 1, 0),
		mkev("TRACE: mangle:POSTROUTING:policy:1", "-P POSTROUTING ACCEPT", 1, 0),
	};
	struct path_fate f = fate_of(p, 5);

	cr_expect_eq(f.verdict, PATH_ACCEPT);
	cr_expect_eq(f.hop, 4);
	cr_expect(f.policy);
}

Test(fate, cut_short_falls_back_to_the_last_accepting_hop)
{
	/* The trace ends on a rule that decides nothing: the last policy the
	 * packet got past (even one without text) accepted it. */
	struct trace_event p[] = {
		mkev("TRACE: raw:PREROUTING:policy:2", NULL, 1, 0),
		mkev("TRACE: mangle:PREROUTING:rule:1", "-A PREROUTING -j PRE_mark", 1, 0),
		mkev("TRACE: mangle:PRE_mark:rule:1", "-A PRE_mark -j MARK --set-mark 7", 1, 0),
	};
	struct path_fate f = fate_of(p, 3);

	cr_expect_eq(f.verdict, PATH_ACCEPT);
	cr_expect_eq(f.hop, 0);
	cr_expect(f.policy);
}

Test(fate, textless_final_policy_is_unknown)
{
	struct trace_event p[] = {
		mkev("TRACE: raw:PREROUTING:policy:2", "-P PREROUTING ACCEPT", 1, 0),
		mkev("TRACE: filter:INPUT:policy:2", NULL, 1, 0),
	};
	struct path_fate f = fate_of(p, 2);

	cr_expect_eq(f.verdict, PATH_UNKNOWN);
	cr_expect_eq(f.hop, 1);
	cr_expect(f.policy);
}

Test(fate, textless_final_rule_is_unknown)
{
	/* dns-drop-nflog.pcap without --rules: the packet got past the raw
	 * policy, then hit a rule whose text is unknown.  That rule may have
	 * been the DROP (it was: -A INPUT -m mark --mark 0xef -j DROP), so
	 * the fate is unknown there, not "accepted by" the earlier policy. */
	struct trace_event p[] = {
		mkev("TRACE: raw:PREROUTING:rule:2", NULL, 1, 0),
		mkev("TRACE: raw:PREROUTING:policy:3", NULL, 1, 0),
		mkev("TRACE: filter:INPUT:rule:1", NULL, 1, 0),
	};
	struct path_fate f = fate_of(p, 3);

	cr_expect_eq(f.verdict, PATH_UNKNOWN);
	cr_expect_eq(f.hop, 2);
	cr_expect(!f.policy);
	/* The same with an ACCEPT rule (with text) before it. */
	p[1] = mkev("TRACE: raw:PREROUTING:rule:3", "-A PREROUTING -j ACCEPT", 1, 0);
	f = fate_of(p, 3);
	cr_expect_eq(f.verdict, PATH_UNKNOWN);
	cr_expect_eq(f.hop, 2);
	/* With the text the rule decides. */
	p[2] = mkev("TRACE: filter:INPUT:rule:1", "-A INPUT -m mark --mark 0xef -j DROP", 1, 0);
	f = fate_of(p, 3);
	cr_expect_eq(f.verdict, PATH_DROP);
	cr_expect_eq(f.hop, 2);
	/* A textless rule the packet got past decides nothing. */
	p[2] = mkev("TRACE: filter:INPUT:policy:2", "-P INPUT ACCEPT", 1, 0);
	p[1] = mkev("TRACE: raw:PREROUTING:rule:3", NULL, 1, 0);
	f = fate_of(p, 3);
	cr_expect_eq(f.verdict, PATH_ACCEPT);
	cr_expect_eq(f.hop, 2);
}

Test(fate, nothing_decides)
{
	struct trace_event p[] = {
		mkev("TRACE: filter:OUTPUT:rule:1", "-A OUTPUT -j OUT_direct", 1, 0),
		mkev("TRACE: filter:OUT_direct:return:2", NULL, 1, 0),
		mkev("TRACE: filter:OUT_direct:return:2", "-A OUT_direct -j RETURN", 1, 0),
	};
	struct path_fate f;

	/* A textless return last: an unconditional rule at a user chain's
	 * end is traced as return, and may have been a DROP. */
	f = fate_of(p, 2);
	cr_expect_eq(f.verdict, PATH_UNKNOWN);
	cr_expect_eq(f.hop, 1);
	cr_expect(!f.policy);
	p[1] = p[2];
	f = fate_of(p, 2);
	cr_expect_eq(f.verdict, PATH_UNKNOWN);
	cr_expect_eq(f.hop, -1);
	f = fate_of(p, 0);
	cr_expect_eq(f.verdict, PATH_UNKNOWN);
	cr_expect_eq(f.hop, -1);
}

Test(fate, nft_accept_then_drop_in_a_later_chain)
{
	struct trace_event p[] = {
		nftev("TRACE: inet raw:pre:rule:1", -1),	/* continue */
		nftev("TRACE: inet raw:pre:policy:2", 1),	/* policy accept */
		nftev("TRACE: inet fw:in:rule:1", -3),		/* jump */
		nftev("TRACE: inet fw:in_ssh:rule:4", 0),	/* drop */
	};
	struct path_fate f = fate_of(p, 4);

	cr_expect_eq(f.verdict, PATH_DROP);
	cr_expect_eq(f.hop, 3);
	cr_expect(!f.policy);
	/* cut after the jump: accepted by the earlier policy */
	f = fate_of(p, 3);
	cr_expect_eq(f.verdict, PATH_ACCEPT);
	cr_expect_eq(f.hop, 1);
	cr_expect(f.policy);
}

Test(fate, names)
{
	enum path_verdict v;

	cr_expect_str_eq(path_verdict_name(PATH_DROP), "drop");
	cr_expect_str_eq(path_verdict_participle(PATH_ACCEPT), "accepted");
	cr_expect_null(path_verdict_participle(PATH_UNKNOWN));
	cr_expect_eq(path_verdict_parse("stolen", &v), 0);
	cr_expect_eq(v, PATH_STOLEN);
	cr_expect_lt(path_verdict_parse("dro", &v), 0, "no prefix matching");
	/* any case, and the iptables targets as the fate reads them */
	cr_expect_eq(path_verdict_parse("DROP", &v), 0);
	cr_expect_eq(v, PATH_DROP);
	cr_expect_eq(path_verdict_parse("Accept", &v), 0);
	cr_expect_eq(v, PATH_ACCEPT);
	cr_expect_eq(path_verdict_parse("REJECT", &v), 0);
	cr_expect_eq(v, PATH_DROP);
	cr_expect_eq(path_verdict_parse("reject", &v), 0);
	cr_expect_eq(v, PATH_DROP);
	cr_expect_eq(path_verdict_parse("NFQUEUE", &v), 0);
	cr_expect_eq(v, PATH_QUEUE);
	cr_expect_eq(path_verdict_parse("Unknown", &v), 0);
	cr_expect_eq(v, PATH_UNKNOWN);
	cr_expect_lt(path_verdict_parse("dropped", &v), 0);
	cr_expect_lt(path_verdict_parse("", &v), 0);
}

/* The fate a REJECT rule gives is the one --verdict reject selects. */
Test(fate, reject_target_is_the_reject_verdict)
{
	struct trace_event p[] = {
		mkev("TRACE: filter:INPUT:rule:3", "-A INPUT -p tcp -j REJECT --reject-with tcp-reset", 1, 0),
	};
	struct path_fate f = fate_of(p, 1);
	enum path_verdict v;

	cr_assert_eq(path_verdict_parse("REJECT", &v), 0);
	cr_expect_eq(f.verdict, v);
}

Test(fate, hop_name)
{
	struct trace_event a = mkev("TRACE: filter:INPUT:rule:1", NULL, 1, 0);
	struct trace_event b = mkev("TRACE: inet fw:in:policy:4", NULL, 1, 0);
	struct strref n = path_hop_name(&a);

	cr_expect(strref_eq(n, "filter:INPUT:rule:1", 19));
	n = path_hop_name(&b);
	cr_expect(strref_eq(n, "inet fw:in:policy:4", 19));
}

/* ---- grouping ----------------------------------------------------------- */

#define SEC 1000000000ULL

struct seen {
	char log[4096];
	size_t len;
	bool (*admit)(const struct trace_event *);
	uint64_t drop_id;	/* select: leave this packet out */
};

static void logf_(struct seen *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(struct seen *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	s->len += (size_t)vsnprintf(s->log + s->len, sizeof(s->log) - s->len, fmt, ap);
	va_end(ap);
}

static void on_packet(void *arg, const struct paths_pkt *p)
{
	struct seen *s = arg;
	struct paths_iter it;
	struct trace_event ev;

	logf_(s, "[%llx%s:", (unsigned long long)paths_pkt_id(p), paths_pkt_forced(p) ? "!" : "");
	paths_hops_begin(p, &it);
	while (paths_hops_next(&it, &ev, NULL))
		logf_(s, " %.*s", (int)ev.chain.len, ev.chain.p);
	logf_(s, " %s]", path_verdict_name(paths_pkt_fate(p)->verdict));
}

static void on_event(void *arg, const struct trace_event *ev, void *ctx, const struct paths_pkt *p)
{
	struct seen *s = arg;

	(void)ctx;
	(void)p;
	logf_(s, " %llx:%.*s", (unsigned long long)ev->id, (int)ev->chain.len, ev->chain.p);
}

static bool on_select(void *arg, const struct paths_pkt *p)
{
	return paths_pkt_id(p) != ((struct seen *)arg)->drop_id;
}

static bool on_admit(void *arg, const struct trace_event *ev)
{
	struct seen *s = arg;

	return !s->admit || s->admit(ev);
}

static struct paths *grouper(struct seen *s, enum paths_release rel, bool wait,
			     size_t max_packets, size_t max_bytes)
{
	struct paths_config c = {
		.release = rel, .wait = wait, .gap_ns = SEC, .max_packets = max_packets,
		.max_bytes = max_bytes, .packet = on_packet, .event = on_event,
		.select = on_select, .admit = on_admit, .arg = s,
	};
	struct paths *ps = paths_new(&c);

	cr_assert_not_null(ps);
	return ps;
}

/* Events "id:chain" at times in ms; the chain names double as labels. */
static void feed(struct paths *ps, const char *spec)
{
	static char store[64][64];
	static int n;
	char buf[512], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", spec);
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		unsigned long long id, ms;
		char chain[32];
		char *pfx = store[n++ % 64];
		struct trace_event ev;

		cr_assert_eq(sscanf(t, "%llx@%llu:%31s", &id, &ms, chain), 3, "%s", t);
		snprintf(pfx, 64, "TRACE: filter:%s:%s", chain,
			 !strcmp(chain, "DROPIT") ? "rule:1" : "policy:1");
		ev = mkev(pfx, !strcmp(chain, "DROPIT") ? "-A DROPIT -j DROP" : NULL, id, ms * 1000000ULL);
		cr_assert_eq(paths_add(ps, &ev, NULL, 0), 0);
	}
}

Test(paths, packets_in_first_seen_order_with_their_hops)
{
	struct seen s = { .len = 0 };
	struct paths *ps = grouper(&s, PATHS_PACKETS, true, 0, 0);

	feed(ps, "a@0:A1 b@1:B1 a@2:A2 b@3:DROPIT a@4:A3");
	cr_expect_eq(s.len, 0, "nothing is complete yet: %s", s.log);
	paths_finish(ps);
	cr_expect_str_eq(s.log, "[a: A1 A2 A3 unknown][b: B1 DROPIT drop]");
	paths_free(ps);
}

Test(paths, a_gap_completes_and_splits)
{
	struct seen s = { .len = 0 };
	struct paths *ps = grouper(&s, PATHS_PACKETS, true, 0, 0);

	/* a is complete once capture time passes 1 s after its last event;
	 * its ID coming back later is a new packet. */
	feed(ps, "a@0:A1 a@10:A2 b@500:B1");
	cr_expect_eq(s.len, 0);
	feed(ps, "c@1011:C1");
	cr_expect_str_eq(s.log, "[a: A1 A2 unknown]");
	feed(ps, "a@1200:A9");
	paths_finish(ps);
	cr_expect_str_eq(s.log, "[a: A1 A2 unknown][b: B1 unknown][c: C1 unknown][a: A9 unknown]");
	paths_free(ps);
}

Test(paths, first_seen_order_even_when_a_younger_packet_idles_first)
{
	struct seen s = { .len = 0 };
	struct paths *ps = grouper(&s, PATHS_PACKETS, true, 0, 0);

	/* a keeps going; b is idle after 1.1 s and its ID returns: b's first
	 * part still comes out after a. */
	feed(ps, "a@0:A1 b@100:B1 a@900:A2 a@1150:A3 b@1150:B2 a@1300:A4");
	paths_finish(ps);
	cr_expect_str_eq(s.log, "[a: A1 A2 A3 A4 unknown][b: B1 unknown][b: B2 unknown]");
	paths_free(ps);
}

Test(paths, packet_bound_forces_the_oldest)
{
	struct seen s = { .len = 0 };
	struct paths *ps = grouper(&s, PATHS_PACKETS, true, 2, 0);
	struct paths_counters c;

	feed(ps, "a@0:A1 b@1:B1 c@2:C1 a@3:A2");
	paths_finish(ps);
	/* a was completed early to let c in; its later event is a new packet,
	 * which needs b's slot in turn */
	cr_expect_str_eq(s.log, "[a!: A1 unknown][b!: B1 unknown][c: C1 unknown][a: A2 unknown]");
	paths_counters(ps, &c);
	cr_expect_eq(c.forced, 2);
	cr_expect_leq(c.peak_packets, 2);
	paths_free(ps);
}

/* The hops of every "[id...: hops fate]" block of one id, in log order. */
static const char *hops_of(const char *log, char id)
{
	static char out[512];
	size_t n = 0;

	out[0] = '\0';
	for (const char *p = log; (p = strchr(p, '[')); p++) {
		const char *end = strchr(p, ']'), *h = strchr(p, ':'), *last;

		if (p[1] != id || !end || !h)
			continue;
		last = end;
		while (last > h && last[-1] != ' ')
			last--;	/* the fate word */
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%.*s", (int)(last - 1 - (h + 1)), h + 1);
	}
	return out;
}

Test(paths, byte_bound_forces_the_oldest)
{
	struct seen s = { .len = 0 };
	/* room for about three stored events */
	struct paths *ps = grouper(&s, PATHS_PACKETS, true, 0, 3 * 320);
	struct paths_counters c;

	feed(ps, "a@0:A1 b@1:B1 a@2:A2 b@3:B2 c@4:C1 c@5:C2 c@6:C3 c@7:C4");
	paths_finish(ps);
	paths_counters(ps, &c);
	cr_expect_gt(c.forced, 0);
	cr_expect_leq(c.peak_bytes, 3 * 320);
	/* Where the packets are split depends on the record size; what must
	 * hold: every event handed out exactly once, in order per ID. */
	cr_expect_str_eq(hops_of(s.log, 'a'), " A1 A2", "%s", s.log);
	cr_expect_str_eq(hops_of(s.log, 'b'), " B1 B2", "%s", s.log);
	cr_expect_str_eq(hops_of(s.log, 'c'), " C1 C2 C3 C4", "%s", s.log);
	paths_free(ps);
}

Test(paths, ring_wraps_many_times)
{
	struct seen s = { .len = 0 };
	struct paths *ps = grouper(&s, PATHS_EVENTS, true, 0, 8 * 320);
	struct paths_counters c;
	char spec[64];
	size_t before;

	/* packets one after another, each idle long before the next */
	for (int i = 0; i < 200; i++) {
		snprintf(spec, sizeof(spec), "%x@%d:X %x@%d:Y", i + 1, i * 2000, i + 1, i * 2000 + 1);
		before = s.len = 0;
		feed(ps, spec);
		(void)before;
	}
	paths_finish(ps);
	paths_counters(ps, &c);
	cr_expect_eq(c.forced, 0);
	cr_expect_eq(c.packets, 200);
	paths_free(ps);
}

Test(paths, domains_keep_the_same_id_apart)
{
	struct seen s = { .len = 0 };
	struct paths *ps = grouper(&s, PATHS_PACKETS, true, 0, 0);
	struct trace_event a = mkev("TRACE: filter:OUTPUT:rule:1", "-A OUTPUT -j ACCEPT", 7, 0);
	struct trace_event b = mkev("TRACE: filter:INPUT:rule:1", "-A INPUT -j DROP", 7, 1000);

	/* one packet seen on two hosts: two paths, two fates */
	cr_assert_eq(paths_add(ps, &a, NULL, 1), 0);
	cr_assert_eq(paths_add(ps, &b, NULL, 2), 0);
	paths_finish(ps);
	cr_expect_str_eq(s.log, "[7: OUTPUT accept][7: INPUT drop]");
	paths_free(ps);
}

Test(paths, events_wait_keeps_arrival_order_and_drops_unselected_packets)
{
	struct seen s = { .len = 0, .drop_id = 0xb };
	struct paths *ps = grouper(&s, PATHS_EVENTS, true, 0, 0);

	feed(ps, "a@0:A1 b@1:B1 a@2:A2 c@3:C1 b@4:B2");
	cr_expect_eq(s.len, 0, "held until complete: %s", s.log);
	paths_finish(ps);
	cr_expect_str_eq(s.log, " a:A1 a:A2 c:C1");
	paths_free(ps);
}

static bool not_b(const struct trace_event *ev)
{
	return ev->id != 0xb;
}

Test(paths, immediate_mode_decides_on_the_first_event)
{
	struct seen s = { .len = 0, .admit = not_b };
	struct paths *ps = grouper(&s, PATHS_EVENTS, false, 0, 0);
	struct paths_counters c;

	feed(ps, "a@0:A1 b@1:B1 a@2:A2");
	cr_expect_str_eq(s.log, " a:A1 a:A2", "handed on at once");
	feed(ps, "b@3:B2");
	paths_finish(ps);
	cr_expect_str_eq(s.log, " a:A1 a:A2");
	paths_counters(ps, &c);
	cr_expect_eq(c.packets, 2);
	cr_expect_eq(c.admitted, 1);
	paths_free(ps);
}

/* ---- JSON --------------------------------------------------------------- */

static void json_str(struct obuf *o, const void *arg)
{
	const struct strref *s = arg;

	render_json_string(o, s->p, s->len);
}

static char *js(const char *s, size_t n)
{
	struct strref r = { s, (uint32_t)n };

	return render(json_str, &r);
}

/* The escape of a literal (NULs included) is want; msg says which case. */
static void js_is(const char *in, size_t n, const char *want, const char *msg)
{
	char *out = js(in, n);

	cr_expect_str_eq(out, want, "%s", msg);
	free(out);
}

#define JS_IS(lit, want, ...) js_is(lit, sizeof(lit) - 1, want, "" __VA_ARGS__)

Test(json, escapes)
{
	JS_IS("plain -A INPUT -j DROP", "\"plain -A INPUT -j DROP\"");
	JS_IS("q\"b\\", "\"q\\\"b\\\\\"");
	JS_IS("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
	JS_IS("\x01\x1f\x7f", "\"\\u0001\\u001f\x7f\"", "DEL needs no escape");
	JS_IS("a\0b", "\"a\\u0000b\"");
	JS_IS("", "\"\"");
}

Test(json, utf8_passes_invalid_bytes_are_escaped)
{
	/* é (2 bytes), € (3), 𝄞 (4) pass unchanged */
	JS_IS("caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e",
	      "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e\"");
	JS_IS("\x80", "\"\\u0080\"", "lone continuation byte");
	JS_IS("\xc0\xaf", "\"\\u00c0\\u00af\"", "overlong '/'");
	JS_IS("\xe0\x80\xaf", "\"\\u00e0\\u0080\\u00af\"", "overlong 3-byte");
	JS_IS("\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\"", "surrogate");
	JS_IS("\xf4\x90\x80\x80", "\"\\u00f4\\u0090\\u0080\\u0080\"", "past U+10FFFF");
	JS_IS("\xf5", "\"\\u00f5\"");
	JS_IS("ab\xe2\x82", "\"ab\\u00e2\\u0082\"", "cut at the end");
	JS_IS("\xe2\x82x", "\"\\u00e2\\u0082x\"", "cut by ASCII");
	JS_IS("\xff\xfe", "\"\\u00ff\\u00fe\"");
}

/* Each byte value at each offset of a longer plain string: the 8-byte
 * scan must stop for exactly the bytes the byte loop escapes. */
Test(json, every_byte_at_every_offset)
{
	for (int c = 0; c < 256; c++) {
		for (size_t at = 0; at < 20; at++) {
			char in[24], want[64], *out;
			const char *esc = NULL;
			char u[8];

			memset(in, 'a', sizeof(in));
			in[at] = (char)c;
			if (c == '"')
				esc = "\\\"";
			else if (c == '\\')
				esc = "\\\\";
			else if (c == '\b')
				esc = "\\b";
			else if (c == '\f')
				esc = "\\f";
			else if (c == '\n')
				esc = "\\n";
			else if (c == '\r')
				esc = "\\r";
			else if (c == '\t')
				esc = "\\t";
			else if (c < 0x20 || c >= 0x80) {
				snprintf(u, sizeof(u), "\\u%04x", c);
				esc = u;
			}
			snprintf(want, sizeof(want), "\"%.*s%s%.*s\"", (int)at, in,
				 esc ? esc : (char[]){ (char)c, 0 }, (int)(sizeof(in) - at - 1),
				 in + at + 1);
			out = js(in, sizeof(in));
			cr_assert_str_eq(out, want, "byte 0x%02x at %zu", c, at);
			free(out);
		}
	}
}

Test(json, every_byte_gives_valid_utf8_json)
{
	char in[256], *out;

	for (int i = 0; i < 256; i++)
		in[i] = (char)i;
	out = js(in, sizeof(in));
	/* the output: printable ASCII and valid UTF-8 only, no raw control */
	for (const unsigned char *p = (const unsigned char *)out; *p;) {
		size_t n;

		cr_assert(*p >= 0x20, "control byte 0x%02x in output", *p);
		if (*p < 0x80) {
			p++;
			continue;
		}
		n = render_json_utf8_len(p, strlen((const char *)p));
		cr_assert_gt(n, 0, "invalid UTF-8 in output");
		p += n;
	}
	/* 0x80..0xff all escaped, 0x7f not */
	cr_expect_not_null(strstr(out, "\\u0080"));
	cr_expect_not_null(strstr(out, "\\u00ff"));
	cr_expect_null(strstr(out, "\\u007f"));
	free(out);
}

static void json_time(struct obuf *o, const void *arg)
{
	render_json_time(o, *(const uint64_t *)arg);
}

static void time_is(uint64_t t, const char *want)
{
	char *out = render(json_time, &t);

	cr_expect_str_eq(out, want);
	free(out);
}

Test(json, times_are_rfc3339_utc_with_ns)
{
	uint64_t t = 0;
	char want[64];
	struct tm tm;
	time_t sec = 1795791466;

	time_is(t, "\"1970-01-01T00:00:00.000000000Z\"");
	t = 1795791466453105001ULL;
	gmtime_r(&sec, &tm);
	strftime(want, sizeof(want), "\"%Y-%m-%dT%H:%M:%S.453105001Z\"", &tm);
	time_is(t, want);
	/* the day cache must notice a new day */
	t = 86399ULL * SEC + 999999999;
	time_is(t, "\"1970-01-01T23:59:59.999999999Z\"");
	t += 1;
	time_is(t, "\"1970-01-02T00:00:00.000000000Z\"");
}

struct ev_in {
	uint64_t ts_ns;
	const char *file;
};

static void json_event(struct obuf *o, const void *arg)
{
	const struct ev_in *in = arg;
	struct trace_event ev = { .ts_ns = in->ts_ns, .verdict = TRACE_VERDICT_NONE };
	struct merge_snap snap = { .file = in->file };

	render_json_event(o, &ev, in->file ? &snap : NULL, NULL);
}

/* The event's "time" and "ts_ns" agree whatever the number of digits, and
 * the file name follows the name, not where it is stored. */
Test(json, event_time_ts_ns_and_file)
{
	static const uint64_t ts[] = { 0, 7, SEC - 1, SEC, SEC + 7, 999999999ULL * SEC + 5,
				       1795791466453105001ULL, 1795791466000000000ULL,
				       1795791467000000001ULL, 18446744073709551615ULL };
	char name[32];

	for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		struct ev_in in = { ts[i], name };
		char want[64], *out, *p;
		uint64_t t = ts[i];
		char *tm_json = render(json_time, &t);

		/* one buffer, a new name in it for every event */
		snprintf(name, sizeof(name), "f%zu \"q\".pcapng", i);
		out = render(json_event, &in);
		snprintf(want, sizeof(want), "{\"file\":\"f%zu \\\"q\\\".pcapng\",", i);
		cr_expect(!strncmp(out, want, strlen(want)), "%s", out);
		snprintf(want, sizeof(want), "\"time\":%s,\"ts_ns\":%llu,", tm_json,
			 (unsigned long long)ts[i]);
		p = strstr(out, "\"time\":");
		cr_assert_not_null(p);
		cr_expect(!strncmp(p, want, strlen(want)), "ts %llu: %s", (unsigned long long)ts[i], p);
		free(out);
		free(tm_json);
	}
}

/* ---- times for --since/--until ------------------------------------------ */

Test(times, formats)
{
	uint64_t ns;

	setenv("TZ", "UTC", 1);
	tzset();
	cr_assert_eq(filter_parse_time("2026-11-27T14:57:46.453105Z", &ns), 0);
	cr_expect_eq(ns, 1795791466453105000ULL);
	cr_assert_eq(filter_parse_time("2026-11-27 14:57:46", &ns), 0);
	cr_expect_eq(ns, 1795791466000000000ULL, "local = UTC here");
	cr_assert_eq(filter_parse_time("2026-11-27T16:57:46+02:00", &ns), 0);
	cr_expect_eq(ns, 1795791466000000000ULL);
	cr_assert_eq(filter_parse_time("2026-11-27T09:27:46.5-0530", &ns), 0);
	cr_expect_eq(ns, 1795791466500000000ULL);
	cr_assert_eq(filter_parse_time("2026-11-27 14:57", &ns), 0);
	cr_expect_eq(ns, 1795791420000000000ULL);
	cr_assert_eq(filter_parse_time("2026-11-27", &ns), 0);
	cr_expect_eq(ns, 1795737600000000000ULL);
	cr_assert_eq(filter_parse_time("@1795791466.000000001", &ns), 0);
	cr_expect_eq(ns, 1795791466000000001ULL);
	cr_assert_eq(filter_parse_time("@0", &ns), 0);
	cr_expect_eq(ns, 0);

	setenv("TZ", "CET-1", 1);
	tzset();
	cr_assert_eq(filter_parse_time("2026-11-27 15:57:46", &ns), 0);
	cr_expect_eq(ns, 1795791466000000000ULL, "without a zone: local time");
	setenv("TZ", "UTC", 1);
	tzset();
}

/* mktime() takes 2026-02-30 for 2026-03-02: a day the month lacks is
 * refused (-ERANGE, its own message), leap days are not. */
Test(times, days_the_month_does_not_have)
{
	uint64_t ns;
	struct filter *f = filter_new();
	char err[256];

	setenv("TZ", "UTC", 1);
	tzset();
	cr_expect_eq(filter_parse_time("2026-02-30", &ns), -ERANGE);
	cr_expect_eq(filter_parse_time("2026-02-29 12:00", &ns), -ERANGE);
	cr_expect_eq(filter_parse_time("2026-04-31T00:00:00Z", &ns), -ERANGE);
	cr_expect_eq(filter_parse_time("2100-02-29", &ns), -ERANGE, "not a leap year");
	cr_expect_eq(filter_parse_time("2024-02-29", &ns), 0);
	cr_expect_eq(ns, 1709164800000000000ULL);
	cr_expect_eq(filter_parse_time("2000-02-29", &ns), 0, "a leap year");
	cr_expect_eq(filter_parse_time("2026-12-31", &ns), 0);
	cr_expect_lt(filter_set_since(f, "2026-02-30", err, sizeof(err)), 0);
	cr_expect_str_eq(err, "'2026-02-30' is not a date: that month has no such day");
	filter_free(f);
}

Test(times, rejects)
{
	static const char *bad[] = {
		"", "yesterday", "2026-11-27T", "2026-13-01", "2026-11-27 25:00", "2026-11-27 14:57:46.",
		"2026-11-27 14:57:46.1234567890", "2026-11-27 14:57:46 Z", "@", "@1.", "@-1", "@1e9",
		"2026-11-27T14:57:46+2", "2026-11-27T14:57:46+24:00", "26-11-27", "2026-11-27x",
	};
	uint64_t ns;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_lt(filter_parse_time(bad[i], &ns), 0, "'%s'", bad[i]);
}

/* ---- filters ------------------------------------------------------------ */

/* IPv4 UDP 192.0.2.53:53 -> 192.0.2.2:37784, only the headers captured
 * (as an nf_tables trace carries), 73 bytes long on the wire. */
static const uint8_t udp_hdrs[28] = {
	0x45, 0, 0, 73, 0x12, 0x34, 0, 0, 64, 17, 0, 0, 192, 0, 2, 53, 192, 0, 2, 2,
	0, 53, 0x93, 0x98, 0, 53, 0, 0,
};

static struct trace_event pkt_ev(uint64_t id, uint64_t ts)
{
	struct trace_event ev = mkev("TRACE: raw:PREROUTING:rule:2", NULL, id, ts);

	ev.payload = udp_hdrs;
	ev.caplen = sizeof(udp_hdrs);
	ev.len = 73;
	return ev;
}

static bool admits(const char *expr, const struct trace_event *ev)
{
	struct filter *f = filter_new();
	char err[256];
	bool r;

	cr_assert_eq(filter_set_expression(f, expr, err, sizeof(err)), 0, "%s: %s", expr, err);
	r = filter_admit(f, ev);
	filter_free(f);
	return r;
}

Test(filter, pcap_expression_on_truncated_payloads)
{
	struct trace_event ev = pkt_ev(1, 0);

	cr_expect(admits("udp port 53 and host 192.0.2.2", &ev));
	cr_expect(admits("src host 192.0.2.53 and dst port 37784", &ev));
	cr_expect(!admits("tcp", &ev));
	cr_expect(!admits("ip6", &ev));
	cr_expect(admits("greater 70", &ev), "the original length counts");
	cr_expect(!admits("udp[8:2] = 0x7acf", &ev), "past the captured bytes: no match");
}

Test(filter, bad_expression_names_it)
{
	struct filter *f = filter_new();
	char err[256];

	cr_expect_lt(filter_set_expression(f, "udp prot 53", err, sizeof(err)), 0);
	cr_expect_not_null(strstr(err, "'udp prot 53'"), "%s", err);
	cr_expect_lt(filter_set_expression(f, "arp", err, sizeof(err)), 0, "rejects all IP packets");
	filter_free(f);
}

Test(filter, ids_and_times)
{
	struct filter *f = filter_new();
	struct trace_event ev = pkt_ev(0xe4c115d7e2a6ULL, 1795791466453105000ULL);
	char err[256];

	cr_assert_eq(filter_add_ids(f, "1,E4C115D7E2A6", err, sizeof(err)), 0, "%s", err);
	cr_expect(filter_admit(f, &ev));
	ev.id = 2;
	cr_expect(!filter_admit(f, &ev));
	cr_expect_lt(filter_add_ids(f, "1234567890abc", err, sizeof(err)), 0, "13 digits");
	cr_expect_lt(filter_add_ids(f, "12,,3", err, sizeof(err)), 0);
	cr_expect_lt(filter_add_ids(f, "xyz", err, sizeof(err)), 0);
	cr_expect_not_null(strstr(err, "'xyz'"));
	filter_free(f);

	/* 0x, as Wireshark's frame.packet_id == 0xe4c115d7e2a6 */
	f = filter_new();
	ev.id = 0xe4c115d7e2a6ULL;
	cr_assert_eq(filter_add_ids(f, "0xe4c115d7e2a6", err, sizeof(err)), 0, "%s", err);
	cr_expect(filter_admit(f, &ev));
	ev.id = 0x2a;
	cr_expect(!filter_admit(f, &ev));
	cr_assert_eq(filter_add_ids(f, "0X2A", err, sizeof(err)), 0, "%s", err);
	cr_expect(filter_admit(f, &ev));
	cr_expect_lt(filter_add_ids(f, "0x", err, sizeof(err)), 0);
	cr_expect_lt(filter_add_ids(f, "0x1234567890abc", err, sizeof(err)), 0, "13 digits");
	cr_expect_lt(filter_add_ids(f, "x12", err, sizeof(err)), 0);
	cr_expect_lt(filter_add_ids(f, "00x12", err, sizeof(err)), 0);
	filter_free(f);

	f = filter_new();
	cr_assert_eq(filter_set_since(f, "@1795791466.453105", err, sizeof(err)), 0);
	cr_assert_eq(filter_set_until(f, "@1795791466.453106", err, sizeof(err)), 0);
	ev.ts_ns = 1795791466453105000ULL;
	cr_expect(filter_admit(f, &ev), "since is inclusive");
	ev.ts_ns = 1795791466453106000ULL;
	cr_expect(!filter_admit(f, &ev), "until is exclusive");
	ev.ts_ns = 1795791466453104999ULL;
	cr_expect(!filter_admit(f, &ev));
	cr_expect_lt(filter_set_since(f, "noon", err, sizeof(err)), 0);
	filter_free(f);
}

struct sel_ctx {
	struct filter *f;
	int selected;
};

static void count_packet(void *arg, const struct paths_pkt *p)
{
	(void)p;
	((struct sel_ctx *)arg)->selected++;
}

static bool sel(void *arg, const struct paths_pkt *p)
{
	return filter_select(((struct sel_ctx *)arg)->f, p);
}

static int selected_by(void (*setup)(struct filter *))
{
	struct sel_ctx c = { .f = filter_new() };
	struct paths_config pc = { .release = PATHS_PACKETS, .packet = count_packet,
				   .select = sel, .arg = &c };
	struct paths *ps;
	struct trace_event a[] = {
		mkev("TRACE: raw:PREROUTING:rule:2", "-A PREROUTING -j MARK --set-mark 1", 1, 0),
		mkev("TRACE: filter:INPUT:rule:1", "-A INPUT -m mark --mark 0xef -j DROP", 1, 1),
		mkev("TRACE: mangle:OUTPUT:policy:1", "-P OUTPUT ACCEPT", 2, 2),
		mkev("TRACE: filter:OUTPUT:policy:3", "-P OUTPUT ACCEPT", 2, 3),
	};

	setup(c.f);
	ps = paths_new(&pc);
	cr_assert_not_null(ps);
	for (size_t i = 0; i < 4; i++)
		cr_assert_eq(paths_add(ps, &a[i], NULL, 0), 0);
	paths_finish(ps);
	paths_free(ps);
	filter_free(c.f);
	return c.selected;
}

static void f_none(struct filter *f) { (void)f; }
static void f_drop(struct filter *f) { char e[99]; filter_add_verdict(f, "drop", e, 99); }
static void f_acc(struct filter *f) { char e[99]; filter_add_verdict(f, "accept", e, 99); }
static void f_both(struct filter *f) { f_drop(f); f_acc(f); }
static void f_filter(struct filter *f) { char e[99]; filter_add_table(f, "filter", e, 99); }
static void f_mangle(struct filter *f) { char e[99]; filter_add_table(f, "mangle", e, 99); }
static void f_input(struct filter *f) { char e[99]; filter_add_chain(f, "INPUT", e, 99); }
static void f_mangle_input(struct filter *f) { f_mangle(f); f_input(f); }
static void f_mangle_output(struct filter *f) { char e[99]; f_mangle(f); filter_add_chain(f, "OUTPUT", e, 99); }
static void f_mangle_drop(struct filter *f) { f_mangle(f); f_drop(f); }

Test(filter, path_filters_select_whole_packets)
{
	cr_expect_eq(selected_by(f_none), 2);
	cr_expect_eq(selected_by(f_drop), 1);
	cr_expect_eq(selected_by(f_acc), 1);
	cr_expect_eq(selected_by(f_both), 2, "values of one filter: OR");
	cr_expect_eq(selected_by(f_filter), 2);
	cr_expect_eq(selected_by(f_mangle), 1);
	cr_expect_eq(selected_by(f_input), 1);
	cr_expect_eq(selected_by(f_mangle_input), 0, "table and chain on the same hop");
	cr_expect_eq(selected_by(f_mangle_output), 1);
	cr_expect_eq(selected_by(f_mangle_drop), 0, "different filters: AND");
}

Test(filter, bad_values)
{
	struct filter *f = filter_new();
	char err[256];

	cr_expect_lt(filter_add_verdict(f, "rejected", err, sizeof(err)), 0);
	cr_expect_not_null(strstr(err, "'rejected'"));
	cr_expect_lt(filter_add_table(f, "", err, sizeof(err)), 0);
	cr_expect(!filter_any(f));
	cr_expect_eq(filter_add_verdict(f, "REJECT", err, sizeof(err)), 0);
	cr_expect(filter_any(f));
	filter_free(f);
}

/* ---- stats -------------------------------------------------------------- */

#include "stats.h"

static void stats_packet(void *arg, const struct paths_pkt *p)
{
	stats_add_packet(arg, p);
}

static void stats_out(struct obuf *o, const void *arg)
{
	struct stats_losses l = { .lost = 3 };

	stats_render(arg, o, &l, false);
}

Test(stats, a_packet_counts_once_per_rule_sorted_and_aligned)
{
	struct stats *st = stats_new();
	struct paths_config pc = { .release = PATHS_PACKETS, .packet = stats_packet, .arg = st };
	struct paths *ps;
	/* packet 1 passes OUTPUT:rule:1 twice (a user chain called twice) */
	struct trace_event a[] = {
		mkev("TRACE: filter:OUTPUT:rule:1", "-A OUTPUT -j OUT_direct", 1, 0),
		mkev("TRACE: filter:OUT_direct:return:2", NULL, 1, 1),
		mkev("TRACE: filter:OUTPUT:rule:1", "-A OUTPUT -j OUT_direct", 1, 2),
		mkev("TRACE: filter:OUTPUT:policy:3", "-P OUTPUT ACCEPT", 1, 3),
		mkev("TRACE: filter:OUTPUT:rule:1", "-A OUTPUT -j OUT_direct", 2, 4),
		mkev("TRACE: filter:OUTPUT:rule:9", "-A OUTPUT -j DROP", 2, 5),
		mkev("TRACE: filter:OUTPUT:rule:1", "-A OUTPUT -j OUT_direct", 3, 6),
		mkev("TRACE: filter:OUTPUT:rule:9", "-A OUTPUT -j DROP", 3, 7),
	};
	char *out;

	cr_assert_not_null(st);
	ps = paths_new(&pc);
	cr_assert_not_null(ps);
	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++)
		cr_assert_eq(paths_add(ps, &a[i], NULL, 0), 0);
	paths_finish(ps);
	paths_free(ps);
	out = render(stats_out, st);
	cr_expect_str_eq(out,
		"Rules (traced packets that passed each rule):\n"
		"  packets  rule                        rule text\n"
		"        3  filter:OUTPUT:rule:1        \"-A OUTPUT -j OUT_direct\"\n"
		"        2  filter:OUTPUT:rule:9        \"-A OUTPUT -j DROP\"\n"
		"        1  filter:OUT_direct:return:2\n"
		"        1  filter:OUTPUT:policy:3      \"-P OUTPUT ACCEPT\"\n"
		"\n"
		"Chains (traced packets that passed each chain):\n"
		"  packets  chain\n"
		"        3  filter:OUTPUT\n"
		"        1  filter:OUT_direct\n"
		"\n"
		"Drop points (where traced packets were dropped):\n"
		"  packets  rule                  rule text\n"
		"        2  filter:OUTPUT:rule:9  \"-A OUTPUT -j DROP\"\n"
		"\n"
		"Packets: 3 traced: 1 accepted, 2 dropped, 0 queued, 0 stolen, 0 fate unknown\n"
		"Losses: 3 events lost during the capture (epb_dropcount)\n");
	free(out);
	stats_free(st);
}

static void stats_out_files(struct obuf *o, const void *arg)
{
	static const struct merge_file_stats files[] = {
		{ .file = "a.pcapng", .have_isb = true, .ifrecv = 105, .ifdrop = 5,
		  .usrdeliv = 100, .marked = 2, .have_marks = true },
		{ .file = "b.pcapng", .have_isb = true, .ifrecv = 10, .ifdrop = 1,
		  .usrdeliv = 9, .marked = 1, .have_marks = true },
		{ .file = "c.pcap", .have_isb = false },
		/* dumpcap's: an ISB, no epb_dropcount */
		{ .file = "d.pcapng", .have_isb = true, .ifrecv = 7, .ifdrop = 2, .usrdeliv = 5 },
	};
	struct stats_losses l = { .lost = 3, .files = files, .nfiles = 4 };

	stats_render(arg, o, &l, false);
}

/* Per file, the ISB's figures, and the losses no record marked. */
Test(stats, per_file_capture_statistics)
{
	struct stats *st = stats_new();
	char *out, *p;

	cr_assert_not_null(st);
	out = render(stats_out_files, st);
	p = strstr(out, "Losses:");
	cr_assert_not_null(p, "%s", out);
	cr_expect_str_eq(p,
		"Losses: 3 events lost during the capture (epb_dropcount)\n"
		"  a.pcapng: capture statistics: 105 events received, 5 lost, 100 written"
		" (3 of the lost with no record after them)\n"
		"  b.pcapng: capture statistics: 10 events received, 1 lost, 9 written\n"
		"  d.pcapng: capture statistics: 7 events received, 2 lost, 5 written\n");
	free(out);
	stats_free(st);
}
