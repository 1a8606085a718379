/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The nf_tables source: recorded kernel messages (tests/data/nftrace/,
 * rebuilt by regen.sh) replayed through source_nftrace_parse(), the same
 * path the socket uses; synthetic malformed messages; the rule map from
 * stored `nft -a list ruleset` / iptables-nft-save texts; and, as root, the
 * real source in a throw-away network namespace.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nflog_record.h"
#include "nft_ruleset.h"
#include "packet_id.h"
#include "runcmd.h"
#include "source_nftrace.h"

#define DIR TEST_DATA_DIR "/nftrace/"
#define MAXEV 512

/* ---- helpers ----------------------------------------------------------- */

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), DIR "%s", name);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static struct nft_ruleset *load_set(int set)
{
	char n1[32], n2[32], n3[32], err[256] = "";
	struct nft_ruleset_texts t;
	struct nft_ruleset *rs;
	char *a, *b, *c;

	snprintf(n1, sizeof(n1), "ruleset%d.nft", set);
	snprintf(n2, sizeof(n2), "ruleset%d.ipt", set);
	snprintf(n3, sizeof(n3), "ruleset%d.ip6t", set);
	a = slurp(n1, &t.nft_len);
	b = slurp(n2, &t.ipt_len);
	c = slurp(n3, &t.ip6t_len);
	t.nft = a;
	t.ipt = b;
	t.ip6t = c;
	cr_assert_eq(nft_ruleset_load_text(&rs, &t, err, sizeof(err)), 0, "%s", err);
	free(a);
	free(b);
	free(c);
	return rs;
}

/* The loader seam: ruleset1 at open, ruleset2 at every re-read (the
 * recording changes the ruleset once, in two commits). */
struct loader {
	int calls;
	int fail_from; /* calls >= this fail; 0 = never */
};

static int test_load(struct nft_ruleset **rsp, void *arg, char *err, size_t errlen)
{
	struct loader *l = arg;
	int call = l->calls++;

	if (l->fail_from && call >= l->fail_from) {
		snprintf(err, errlen, "test loader: failing call %d", call);
		return -EIO;
	}
	*rsp = load_set(call == 0 ? 1 : 2);
	return 0;
}

/* A copy of what an event showed during the callback. */
struct seen {
	char prefix[600], text[600], table[64], chain[64], vchain[64];
	enum trace_kind kind;
	uint32_t rulenum, have, indev, outdev, mark, caplen, len;
	uint8_t family, hook, nft_family, direction;
	int32_t verdict;
	uint64_t id, handle, dropcount;
	uint8_t payload[256];
	size_t datagram; /* which recorded datagram it came from */
};

struct collect {
	struct seen ev[MAXEV];
	int n;
	size_t datagram;
	int stop_after; /* callback returns -ECANCELED after this many; 0 = never */
	uint64_t dropsum;
};

static void cpy(char *dst, size_t cap, struct strref s)
{
	size_t n = s.len < cap - 1 ? s.len : cap - 1;

	if (n)
		memcpy(dst, s.p, n);
	dst[n] = '\0';
}

/* Also checks, while the pointers are valid, that the NFLOG record parses
 * back to the same prefix, hook, devices, mark and payload. */
static int collect_cb(const struct trace_event *ev, void *arg)
{
	struct collect *c = arg;
	struct trace_event back, pp;
	struct seen *s;
	char err[256] = "";

	cr_assert_lt(c->n, MAXEV);
	s = &c->ev[c->n++];
	memset(s, 0, sizeof(*s));
	cpy(s->prefix, sizeof(s->prefix), ev->prefix);
	cpy(s->text, sizeof(s->text), ev->rule_text);
	cpy(s->table, sizeof(s->table), ev->table);
	cpy(s->chain, sizeof(s->chain), ev->chain);
	cpy(s->vchain, sizeof(s->vchain), ev->verdict_chain);
	s->kind = ev->kind;
	s->rulenum = ev->rulenum;
	s->have = ev->have;
	s->indev = ev->indev;
	s->outdev = ev->outdev;
	s->mark = ev->mark;
	s->caplen = ev->caplen;
	s->len = ev->len;
	s->family = ev->family;
	s->hook = ev->hook;
	s->direction = ev->direction;
	s->nft_family = ev->nft_family;
	s->verdict = ev->verdict;
	s->id = ev->id;
	s->handle = ev->handle;
	s->dropcount = ev->dropcount;
	s->datagram = c->datagram;
	c->dropsum += ev->dropcount;
	cr_assert_leq(ev->caplen, sizeof(s->payload));
	if (ev->caplen)
		memcpy(s->payload, ev->payload, ev->caplen);

	/* The prefix is the documented form: trace_prefix_parse() agrees. */
	memset(&pp, 0, sizeof(pp));
	cr_assert_eq(trace_prefix_parse(ev->prefix.p, ev->prefix.len, &pp), 0,
		     "prefix '%s' does not parse", s->prefix);
	cr_assert(strref_eq(pp.table, ev->table.p, ev->table.len), "%s", s->prefix);
	cr_assert(strref_eq(pp.chain, ev->chain.p, ev->chain.len), "%s", s->prefix);
	cr_assert_eq(pp.kind, ev->kind, "%s", s->prefix);
	cr_assert_eq(pp.rulenum, ev->rulenum, "%s", s->prefix);
	cr_assert_eq(pp.nft_family, ev->nft_family, "%s", s->prefix);

	/* The record round-trips. */
	cr_assert_not_null(ev->record, "no NFLOG record for %s", s->prefix);
	memset(&back, 0, sizeof(back));
	cr_assert_eq(nflog_record_parse(ev->record, ev->record_len, false, &back, err,
					sizeof(err)), 0, "%s: %s", s->prefix, err);
	cr_assert(strref_eq(back.prefix, ev->prefix.p, ev->prefix.len),
		  "record prefix '%.*s' != '%s'", (int)back.prefix.len, back.prefix.p,
		  s->prefix);
	cr_assert_eq(back.family, ev->family);
	if (ev->have & TE_HAVE_HOOK)
		cr_assert_eq(back.hook, ev->hook, "%s", s->prefix);
	cr_assert_eq(back.have & (TE_HAVE_INDEV | TE_HAVE_OUTDEV | TE_HAVE_MARK),
		     ev->have & (TE_HAVE_INDEV | TE_HAVE_OUTDEV | TE_HAVE_MARK), "%s", s->prefix);
	cr_assert_eq(back.indev, ev->indev);
	cr_assert_eq(back.outdev, ev->outdev);
	cr_assert_eq(back.mark, ev->mark);
	cr_assert_eq(back.caplen, ev->caplen);
	if (ev->caplen)
		cr_assert_arr_eq(back.payload, ev->payload, ev->caplen);
	cr_assert_eq(back.kind, ev->kind);
	cr_assert_eq(back.rulenum, ev->rulenum);

	if (c->stop_after && c->n >= c->stop_after)
		return -ECANCELED;
	return 0;
}

/* The recorded datagrams: 4-byte little-endian length, bytes. */
struct recording {
	char *buf;
	size_t len;
	size_t off[256], dlen[256];
	size_t n;
};

static void load_recording(struct recording *r)
{
	size_t off = 0;

	r->buf = slurp("messages.bin", &r->len);
	r->n = 0;
	while (off + 4 <= r->len) {
		const uint8_t *p = (const uint8_t *)r->buf + off;
		size_t l = (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 |
			   (size_t)p[3] << 24;

		cr_assert_leq(off + 4 + l, r->len, "messages.bin is cut");
		cr_assert_lt(r->n, 256);
		r->off[r->n] = off + 4;
		r->dlen[r->n++] = l;
		off += 4 + l;
	}
	cr_assert_eq(off, r->len);
}

static struct source *open_replay(struct loader *l, bool resolve)
{
	struct source_nftrace_config cfg = { 0 };
	struct source *s = NULL;
	char err[256] = "";

	cfg.no_socket = true;
	cfg.resolve_rules = resolve;
	cfg.all_events = true; /* the raw stream; the legacy view has its own test */
	cfg.load = test_load;
	cfg.load_arg = l;
	cr_assert_eq(source_nftrace_open(&s, &cfg, err, sizeof(err)), 0, "%s", err);
	cr_assert_not_null(s);
	return s;
}

static void replay(struct source *s, const struct recording *r, struct collect *c)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		int ret;

		c->datagram = i;
		ret = source_nftrace_parse(s, r->buf + r->off[i], r->dlen[i], collect_cb, c);
		cr_assert_geq(ret, 0, "datagram %zu: %d", i, ret);
	}
}

/* ---- the recorded messages ------------------------------------------------- */

#define T_NFTRACE "meta l4proto { icmp, udp, ipv6-icmp } meta nftrace set 1"
#define T_JUMP "meta l4proto { icmp, udp } jump sub"
#define T_MARK1 "icmp type echo-request meta mark set 0x0000002a counter packets 0 bytes 0 comment \"mark echo requests\""
#define T_MARK2 "icmp type echo-request meta mark set 0x0000002a counter packets 1 bytes 44 comment \"mark echo requests\""
#define T_IN1 "icmp type { echo-reply, echo-request } counter packets 0 bytes 0 accept"
#define T_IN2 "icmp type { echo-reply, echo-request } counter packets 2 bytes 88 accept"
#define T_IN6 "meta l4proto ipv6-icmp accept"
#define T_UDPRET "meta l4proto udp return"
#define T_NEW "meta l4proto icmp counter packets 0 bytes 0"
#define T_TRACE "-A OUTPUT -p icmp -j TRACE"

struct want {
	const char *prefix;
	const char *text; /* NULL: none */
	int32_t verdict;
	const char *vchain;
	int hook;
	uint32_t mark;
};

#define C_ NFT_CONTINUE
static const struct want want[] = {
	/* ICMP echo request 127.0.0.1, OUTPUT: iptables-nft raw, then inet fmtt */
	{ "TRACE: raw:OUTPUT:rule:1", T_TRACE, C_, NULL, 3, 0 },
	{ "TRACE: raw:OUTPUT:return:2", NULL, C_, NULL, 3, 0 },
	{ "TRACE: raw:OUTPUT:policy:2", "-P OUTPUT ACCEPT", NF_ACCEPT, NULL, 3, 0 },
	{ "TRACE: inet fmtt:out:rule:1", T_NFTRACE, C_, NULL, 3, 0 },
	{ "TRACE: inet fmtt:out:rule:2", T_JUMP, NFT_JUMP, "sub", 3, 0 },
	{ "TRACE: inet fmtt:sub:rule:2", T_MARK1, C_, NULL, 3, 42 },
	{ "TRACE: inet fmtt:sub:return:3", NULL, C_, NULL, 3, 42 },
	{ "TRACE: inet fmtt:out:return:3", NULL, C_, NULL, 3, 42 },
	{ "TRACE: inet fmtt:out:policy:3", "policy accept", NF_ACCEPT, NULL, 3, 42 },
	/* ... INPUT (looped back) */
	{ "TRACE: inet fmtt:in:rule:1", T_IN1, NF_ACCEPT, NULL, 1, 42 },
	/* echo reply */
	{ "TRACE: raw:OUTPUT:rule:1", T_TRACE, C_, NULL, 3, 0 },
	{ "TRACE: raw:OUTPUT:return:2", NULL, C_, NULL, 3, 0 },
	{ "TRACE: raw:OUTPUT:policy:2", "-P OUTPUT ACCEPT", NF_ACCEPT, NULL, 3, 0 },
	{ "TRACE: inet fmtt:out:rule:1", T_NFTRACE, C_, NULL, 3, 0 },
	{ "TRACE: inet fmtt:out:rule:2", T_JUMP, NFT_JUMP, "sub", 3, 0 },
	{ "TRACE: inet fmtt:sub:return:3", NULL, C_, NULL, 3, 0 },
	{ "TRACE: inet fmtt:out:return:3", NULL, C_, NULL, 3, 0 },
	{ "TRACE: inet fmtt:out:policy:3", "policy accept", NF_ACCEPT, NULL, 3, 0 },
	{ "TRACE: inet fmtt:in:rule:1", T_IN1, NF_ACCEPT, NULL, 1, 0 },
	/* ICMPv6 echo request ::1 and its reply */
	{ "TRACE: inet fmtt:out:rule:1", T_NFTRACE, C_, NULL, 3, 0 },
	{ "TRACE: inet fmtt:out:return:3", NULL, C_, NULL, 3, 0 },
	{ "TRACE: inet fmtt:out:policy:3", "policy accept", NF_ACCEPT, NULL, 3, 0 },
	{ "TRACE: inet fmtt:in:rule:2", T_IN6, NF_ACCEPT, NULL, 1, 0 },
	{ "TRACE: inet fmtt:out:rule:1", T_NFTRACE, C_, NULL, 3, 0 },
	{ "TRACE: inet fmtt:out:return:3", NULL, C_, NULL, 3, 0 },
	{ "TRACE: inet fmtt:out:policy:3", "policy accept", NF_ACCEPT, NULL, 3, 0 },
	{ "TRACE: inet fmtt:in:rule:2", T_IN6, NF_ACCEPT, NULL, 1, 0 },
	/* UDP to 127.0.0.1:9: an explicit return, then the input policy drops it */
	{ "TRACE: inet fmtt:out:rule:1", T_NFTRACE, C_, NULL, 3, 0 },
	{ "TRACE: inet fmtt:out:rule:2", T_JUMP, NFT_JUMP, "sub", 3, 0 },
	{ "TRACE: inet fmtt:sub:rule:1", T_UDPRET, NFT_RETURN, NULL, 3, 0 },
	{ "TRACE: inet fmtt:out:return:3", NULL, C_, NULL, 3, 0 },
	{ "TRACE: inet fmtt:out:policy:3", "policy accept", NF_ACCEPT, NULL, 3, 0 },
	{ "TRACE: inet fmtt:in:return:3", NULL, C_, NULL, 1, 0 },
	{ "TRACE: inet fmtt:in:policy:3", "policy drop", NF_DROP, NULL, 1, 0 },
	/* after `nft insert rule inet fmtt out ...` and `iptables-nft -I OUTPUT 1 ...` */
	{ "TRACE: raw:OUTPUT:rule:2", T_TRACE, C_, NULL, 3, 0 },
	{ "TRACE: raw:OUTPUT:return:3", NULL, C_, NULL, 3, 0 },
	{ "TRACE: raw:OUTPUT:policy:3", "-P OUTPUT ACCEPT", NF_ACCEPT, NULL, 3, 0 },
	{ "TRACE: inet fmtt:out:rule:1", T_NEW, C_, NULL, 3, 0 },
	{ "TRACE: inet fmtt:out:rule:2", T_NFTRACE, C_, NULL, 3, 0 },
	{ "TRACE: inet fmtt:out:rule:3", T_JUMP, NFT_JUMP, "sub", 3, 0 },
	{ "TRACE: inet fmtt:sub:rule:2", T_MARK2, C_, NULL, 3, 42 },
	{ "TRACE: inet fmtt:sub:return:3", NULL, C_, NULL, 3, 42 },
	{ "TRACE: inet fmtt:out:return:4", NULL, C_, NULL, 3, 42 },
	{ "TRACE: inet fmtt:out:policy:4", "policy accept", NF_ACCEPT, NULL, 3, 42 },
	{ "TRACE: inet fmtt:in:rule:1", T_IN2, NF_ACCEPT, NULL, 1, 42 },
	{ "TRACE: raw:OUTPUT:rule:2", T_TRACE, C_, NULL, 3, 0 },
	{ "TRACE: raw:OUTPUT:return:3", NULL, C_, NULL, 3, 0 },
	{ "TRACE: raw:OUTPUT:policy:3", "-P OUTPUT ACCEPT", NF_ACCEPT, NULL, 3, 0 },
	{ "TRACE: inet fmtt:out:rule:1", T_NEW, C_, NULL, 3, 0 },
	{ "TRACE: inet fmtt:out:rule:2", T_NFTRACE, C_, NULL, 3, 0 },
	{ "TRACE: inet fmtt:out:rule:3", T_JUMP, NFT_JUMP, "sub", 3, 0 },
	{ "TRACE: inet fmtt:sub:return:3", NULL, C_, NULL, 3, 0 },
	{ "TRACE: inet fmtt:out:return:4", NULL, C_, NULL, 3, 0 },
	{ "TRACE: inet fmtt:out:policy:4", "policy accept", NF_ACCEPT, NULL, 3, 0 },
	{ "TRACE: inet fmtt:in:rule:1", T_IN2, NF_ACCEPT, NULL, 1, 0 },
};
#define NWANT (sizeof(want) / sizeof(want[0]))

/* Event index ranges of one packet; events of one packet share an ID. */
struct pkt {
	int first, last;
	uint8_t family;
	uint32_t caplen, len;
};
static const struct pkt pkts[] = {
	{ 0, 9, 2, 40, 44 },	/* echo request: 20 B IPv4 + 20 B of ICMP, 44 on the wire */
	{ 10, 18, 2, 40, 44 },	/* echo reply */
	{ 19, 22, 10, 60, 64 }, /* ICMPv6 request: 40 + 20 of 64 */
	{ 23, 26, 10, 60, 64 }, /* reply */
	{ 27, 33, 2, 29, 29 },	/* UDP "x": 20 + 8 + 1, all of it */
	{ 34, 44, 2, 40, 44 },
	{ 45, 54, 2, 40, 44 },
};

static struct collect col;

Test(replay, recorded_events)
{
	struct loader l = { 0, 0 };
	struct recording r;
	struct source_nftrace_stats xs;
	struct source_stats st;
	struct source *s;
	size_t i;

	load_recording(&r);
	s = open_replay(&l, true);
	memset(&col, 0, sizeof(col));
	replay(s, &r, &col);

	cr_assert_eq((size_t)col.n, NWANT, "%d events, want %zu", col.n, NWANT);
	for (i = 0; i < NWANT; i++) {
		const struct seen *e = &col.ev[i];
		const struct want *w = &want[i];

		cr_expect_str_eq(e->prefix, w->prefix, "event %zu", i);
		cr_expect_str_eq(e->text, w->text ? w->text : "", "event %zu (%s)", i, w->prefix);
		cr_expect_eq(e->verdict, w->verdict, "event %zu (%s): verdict %d", i, w->prefix,
			     e->verdict);
		cr_expect_str_eq(e->vchain, w->vchain ? w->vchain : "", "event %zu", i);
		cr_expect(e->have & TE_HAVE_HOOK, "event %zu has no hook", i);
		cr_expect_eq(e->hook, w->hook, "event %zu (%s): hook %u", i, w->prefix, e->hook);
		cr_expect_eq(e->direction, w->hook == 3 ? TRACE_DIR_OUT : TRACE_DIR_IN, "event %zu", i);
		cr_expect_eq(e->mark, w->mark, "event %zu (%s): mark %u", i, w->prefix, e->mark);
		cr_expect_eq(!!(e->have & TE_HAVE_MARK), !!w->mark, "event %zu", i);
		cr_expect_eq(e->nft_family, strncmp(w->prefix, "TRACE: raw:", 11) ? 1 : 0,
			     "event %zu", i);
		/* Rule events carry the handle, the others none. */
		cr_expect_eq(!!(e->have & TE_HAVE_HANDLE), e->kind == TRACE_KIND_RULE, "event %zu", i);
		/* Output hook: oif lo; input hook: iif lo. */
		if (w->hook == 3)
			cr_expect(e->outdev == 1 && (e->have & TE_HAVE_OUTDEV) &&
				  !(e->have & TE_HAVE_INDEV), "event %zu devices", i);
		else
			cr_expect(e->indev == 1 && (e->have & TE_HAVE_INDEV) &&
				  !(e->have & TE_HAVE_OUTDEV), "event %zu devices", i);
		cr_expect_eq(e->dropcount, 0);
	}
	/* The events after the change come after the two NEWGEN messages. */
	cr_expect_eq(col.ev[33].datagram, 33);
	cr_expect_eq(col.ev[34].datagram, 38);

	/* open + one re-read per NEWGEN (two commits). */
	cr_expect_eq(l.calls, 3, "loader called %d times", l.calls);
	source_nftrace_stats(s, &xs);
	s->ops->stats(s, &st);
	cr_expect_eq(xs.reloads, 2);
	cr_expect_eq(xs.malformed, 0);
	cr_expect_eq(xs.orphans, 0);
	cr_expect_eq(xs.unresolved, 0);
	cr_expect_eq(xs.other_family, 0);
	cr_expect_eq(xs.ruleset_msgs, 4);
	cr_expect_eq(st.events, NWANT);
	cr_expect_eq(st.skipped, 4);
	cr_expect_eq(st.lost, 0);
	cr_expect_str_eq(source_nftrace_error(s), "");
	s->ops->close(s);
	free(r.buf);
}

/* The NETWORK_HEADER and TRANSPORT_HEADER bytes of a recorded datagram. */
static size_t headers_of(const struct recording *r, size_t d, uint8_t *out)
{
	const struct nlmsghdr *nlh = (const void *)(r->buf + r->off[d]);
	const struct nlattr *a;
	size_t n = 0;
	int pass;

	for (pass = NFTA_TRACE_NETWORK_HEADER; pass <= NFTA_TRACE_TRANSPORT_HEADER; pass++)
		mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
			if (mnl_attr_get_type(a) == pass) {
				memcpy(out + n, mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
				n += mnl_attr_get_payload_len(a);
			}
		}
	return n;
}

Test(replay, payload_and_packet_ids)
{
	struct loader l = { 0, 0 };
	struct recording r;
	struct source *s;
	size_t p;
	int i;

	load_recording(&r);
	s = open_replay(&l, true);
	memset(&col, 0, sizeof(col));
	replay(s, &r, &col);
	cr_assert_eq((size_t)col.n, NWANT);

	for (p = 0; p < sizeof(pkts) / sizeof(pkts[0]); p++) {
		const struct seen *f = &col.ev[pkts[p].first];
		uint8_t hdr[256];
		size_t hl = headers_of(&r, f->datagram, hdr);

		/* The first event's message carries the headers; the payload
		 * is exactly network header + transport header. */
		cr_assert_eq(hl, pkts[p].caplen, "packet %zu: headers %zu bytes", p, hl);
		cr_expect_eq(f->family, pkts[p].family);
		cr_expect_eq(f->caplen, pkts[p].caplen, "packet %zu caplen %u", p, f->caplen);
		cr_expect_eq(f->len, pkts[p].len, "packet %zu len %u", p, f->len);
		cr_expect_arr_eq(f->payload, hdr, hl, "packet %zu payload", p);
		cr_expect_eq(f->id, packet_id(f->family, hdr, hl), "packet %zu id", p);
		cr_expect_neq(f->id, 0);
		/* Every event of the packet: same payload, same ID, also across
		 * base chains and hooks (the packet is unchanged on lo). */
		for (i = pkts[p].first; i <= pkts[p].last; i++) {
			cr_expect_eq(col.ev[i].id, f->id, "event %d id", i);
			cr_expect_eq(col.ev[i].caplen, f->caplen, "event %d", i);
			cr_expect_arr_eq(col.ev[i].payload, f->payload, f->caplen, "event %d", i);
		}
		if (p > 0)
			cr_expect_neq(f->id, col.ev[pkts[p - 1].first].id, "packet %zu", p);
	}
	s->ops->close(s);
	free(r.buf);
}

Test(replay, reload_failure_keeps_the_old_map)
{
	struct loader l = { 0, 1 }; /* every re-read fails */
	struct source_nftrace_stats xs;
	struct recording r;
	struct source *s;

	load_recording(&r);
	s = open_replay(&l, true);
	memset(&col, 0, sizeof(col));
	replay(s, &r, &col);
	cr_assert_eq((size_t)col.n, NWANT);
	/* Until the first change, ruleset1 is the ruleset: resolved. */
	cr_expect_str_eq(col.ev[0].prefix, "TRACE: raw:OUTPUT:rule:1");
	cr_expect_str_eq(col.ev[3].prefix, "TRACE: inet fmtt:out:rule:1");
	/* After it, ruleset1 is out of date (handle 7 is rule 2 of out
	 * now): no position and no text rather than wrong ones. */
	cr_expect_str_eq(col.ev[37].prefix, "TRACE: inet fmtt:out:rule:0");
	cr_expect_str_eq(col.ev[37].text, "");
	cr_expect_str_eq(col.ev[38].prefix, "TRACE: inet fmtt:out:rule:0");
	cr_expect_str_eq(col.ev[38].text, "");
	cr_expect_str_eq(col.ev[34].prefix, "TRACE: raw:OUTPUT:rule:0");
	source_nftrace_stats(s, &xs);
	cr_expect_eq(xs.reload_errors, 2);
	cr_expect_eq(xs.reloads, 0);
	cr_expect_eq(xs.unresolved, 0);
	cr_expect_geq(xs.inexact, 4);
	for (int i = 0; i < col.n; i++) {
		if (col.ev[i].rulenum == 0 && col.ev[i].kind == TRACE_KIND_RULE)
			cr_expect_str_eq(col.ev[i].text, "", "event %d", i);
		if (i >= 34)
			cr_expect_eq(col.ev[i].rulenum, 0, "event %d: %s", i, col.ev[i].prefix);
	}
	cr_expect(strstr(source_nftrace_error(s), "failing call"), "%s", source_nftrace_error(s));
	s->ops->close(s);
	free(r.buf);
}

Test(replay, without_rule_map)
{
	struct loader l = { 0, 0 };
	struct recording r;
	struct source *s;

	load_recording(&r);
	s = open_replay(&l, false);
	cr_assert_null(source_nftrace_snapshot(s));
	memset(&col, 0, sizeof(col));
	replay(s, &r, &col);
	cr_assert_eq((size_t)col.n, NWANT);
	cr_expect_eq(l.calls, 0);
	cr_expect_str_eq(col.ev[0].prefix, "TRACE: ip raw:OUTPUT:rule:0");
	cr_expect_str_eq(col.ev[8].prefix, "TRACE: inet fmtt:out:policy:0");
	cr_expect_str_eq(col.ev[8].text, "policy accept");
	cr_expect_eq(col.ev[3].have & TE_HAVE_HOOK, 0);
	cr_expect_eq(col.ev[3].handle, 7);
	cr_expect_eq(col.ev[4].id, col.ev[3].id);
	s->ops->close(s);
	free(r.buf);
}

Test(replay, callback_error_stops)
{
	struct loader l = { 0, 0 };
	struct recording r;
	struct source *s;
	int ret;

	load_recording(&r);
	s = open_replay(&l, true);
	memset(&col, 0, sizeof(col));
	col.stop_after = 1;
	ret = source_nftrace_parse(s, r.buf + r.off[0], r.dlen[0], collect_cb, &col);
	cr_expect_eq(ret, -ECANCELED);
	cr_expect_eq(source_nftrace_parse(NULL, "", 0, collect_cb, &col), -EINVAL);
	s->ops->close(s);
	free(r.buf);
}

Test(replay, snapshot_texts)
{
	struct loader l = { 0, 0 };
	const struct nft_ruleset_texts *t;
	struct recording r;
	struct source *s;
	char **parts = NULL;
	size_t nparts = 0, i;

	load_recording(&r);
	s = open_replay(&l, true);
	memset(&col, 0, sizeof(col));
	replay(s, &r, &col);
	/* Still the texts read at open, after two re-reads. */
	t = source_nftrace_snapshot(s);
	cr_assert_not_null(t);
	cr_expect(strstr(t->nft, "packets 0 bytes 0 comment \"mark echo requests\""));
	cr_expect(strstr(t->ipt, "*raw\n"));
	cr_expect_null(strstr(t->ipt, "--comment first"));
	cr_expect_eq(t->ip6t_len, 0);
	cr_assert_eq(nft_ruleset_snapshot_format(t->nft, t->nft_len, &parts, &nparts), 1);
	cr_expect_eq(strncmp(parts[0], "nftrace-ruleset 1 nft nft\ntable inet fmtt {", 43), 0,
		     "%.60s", parts[0]);
	cr_expect_eq(strlen(parts[0]), strlen("nftrace-ruleset 1 nft nft\n") + t->nft_len);
	for (i = 0; i < nparts; i++)
		free(parts[i]);
	free(parts);
	s->ops->close(s);
	free(r.buf);
}

/* ---- malformed and synthetic messages ------------------------------------ */

struct msg {
	uint8_t buf[1024];
	struct nlmsghdr *nlh;
};

enum {
	M_NO_TYPE = 1 << 0,
	M_NO_ID = 1 << 1,
	M_NO_TABLE = 1 << 2,
	M_NO_NFPROTO = 1 << 3,
	M_JUMP_NO_CHAIN = 1 << 4,
	M_CT = 1 << 5,
	M_UNKNOWN = 1 << 6,
	M_HEADERS = 1 << 7,
	M_NO_HANDLE = 1 << 8,
	M_VERDICT_NO_CODE = 1 << 9,
};

/* A trace message like the kernel's (inet table fw, chain c, rule 5). */
static void build(struct msg *m, unsigned flags, uint32_t type, uint32_t nfproto, uint32_t id)
{
	static const uint8_t ip4[20] = { 0x45, 0, 0, 40, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0,
					 10, 0, 0, 1, 10, 0, 0, 2 };
	static const uint8_t tcp[20] = { 0x30, 0x39, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0,
					 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0 };
	struct nfgenmsg *g;
	struct nlattr *n;

	memset(m->buf, 0, sizeof(m->buf));
	m->nlh = mnl_nlmsg_put_header(m->buf);
	m->nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE;
	g = mnl_nlmsg_put_extra_header(m->nlh, sizeof(*g));
	g->nfgen_family = 1; /* inet */
	g->version = NFNETLINK_V0;
	if (!(flags & M_NO_NFPROTO))
		mnl_attr_put_u32(m->nlh, NFTA_TRACE_NFPROTO, htonl(nfproto));
	if (!(flags & M_NO_TYPE))
		mnl_attr_put_u32(m->nlh, NFTA_TRACE_TYPE, htonl(type));
	if (!(flags & M_NO_ID))
		mnl_attr_put_u32(m->nlh, NFTA_TRACE_ID, id);
	mnl_attr_put_strz(m->nlh, NFTA_TRACE_CHAIN, "c");
	if (!(flags & M_NO_TABLE))
		mnl_attr_put_strz(m->nlh, NFTA_TRACE_TABLE, "fw");
	if (!(flags & M_NO_HANDLE))
		mnl_attr_put_u64(m->nlh, NFTA_TRACE_RULE_HANDLE, htobe64(5));
	n = mnl_attr_nest_start(m->nlh, NFTA_TRACE_VERDICT);
	if (!(flags & M_VERDICT_NO_CODE))
		mnl_attr_put_u32(m->nlh, NFTA_VERDICT_CODE,
				 htonl((uint32_t)((flags & M_JUMP_NO_CHAIN) ? NFT_JUMP : NF_ACCEPT)));
	mnl_attr_nest_end(m->nlh, n);
	if (flags & M_HEADERS) {
		mnl_attr_put_u32(m->nlh, NFTA_TRACE_IIF, htonl(3));
		mnl_attr_put(m->nlh, NFTA_TRACE_NETWORK_HEADER, sizeof(ip4), ip4);
		mnl_attr_put(m->nlh, NFTA_TRACE_TRANSPORT_HEADER, sizeof(tcp), tcp);
	}
	if (flags & M_CT) {
		/* NFTA_TRACE_CT (18), newer kernels: STATE, DIRECTION, ID, STATUS. */
		n = mnl_attr_nest_start(m->nlh, 18);
		mnl_attr_put_u32(m->nlh, 1, htonl(8));
		mnl_attr_put_u8(m->nlh, 2, 0);
		mnl_attr_put_u32(m->nlh, 3, htonl(0xabcdef));
		mnl_attr_put_u32(m->nlh, 4, htonl(0x188));
		mnl_attr_nest_end(m->nlh, n);
	}
	if (flags & M_UNKNOWN) {
		mnl_attr_put_u32(m->nlh, 200, 0);
		mnl_attr_put(m->nlh, 17, 0, NULL); /* NFTA_TRACE_PAD */
	}
}

/* The first attribute of type in m. */
static struct nlattr *find_attr(struct msg *m, uint16_t type)
{
	struct nlattr *a;

	mnl_attr_for_each(a, m->nlh, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) == type)
			return a;
	cr_assert_fail("no attribute %u", type);
	return NULL;
}

struct mal_case {
	const char *name;
	int events;		/* delivered */
	int malformed;		/* counted */
};

static void run_one(struct source *s, const void *buf, size_t len, const struct mal_case *c)
{
	struct source_nftrace_stats a, b;
	int before = col.n, ret;

	source_nftrace_stats(s, &a);
	ret = source_nftrace_parse(s, buf, len, collect_cb, &col);
	source_nftrace_stats(s, &b);
	cr_expect_eq(ret, c->events, "%s: returned %d", c->name, ret);
	cr_expect_eq(col.n - before, c->events, "%s: %d events", c->name, col.n - before);
	cr_expect_eq(b.malformed - a.malformed, (uint64_t)c->malformed, "%s: malformed %llu",
		     c->name, (unsigned long long)(b.malformed - a.malformed));
}

Test(malformed, skipped_and_counted)
{
	struct loader l = { 0, 0 };
	struct source_nftrace_stats xs;
	struct source *s;
	struct msg m;
	struct nlattr *a;
	uint8_t two[2048];

	s = open_replay(&l, false);
	memset(&col, 0, sizeof(col));

	build(&m, M_HEADERS, NFT_TRACETYPE_RULE, 2, 1);
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "valid", 1, 0 });
	cr_expect_str_eq(col.ev[0].prefix, "TRACE: inet fw:c:rule:0");
	cr_expect_eq(col.ev[0].caplen, 40);
	cr_expect_eq(col.ev[0].indev, 3);

	build(&m, M_NO_TYPE, NFT_TRACETYPE_RULE, 2, 1);
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "no TYPE", 0, 1 });
	build(&m, M_NO_ID, NFT_TRACETYPE_RULE, 2, 1);
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "no ID", 0, 1 });
	build(&m, M_NO_TABLE, NFT_TRACETYPE_RULE, 2, 1);
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "no TABLE", 0, 1 });
	build(&m, M_NO_NFPROTO, NFT_TRACETYPE_RULE, 2, 1);
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "no NFPROTO", 0, 1 });
	build(&m, M_JUMP_NO_CHAIN, NFT_TRACETYPE_RULE, 2, 1);
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "jump without chain", 0, 1 });
	build(&m, M_VERDICT_NO_CODE, NFT_TRACETYPE_RULE, 2, 1);
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "verdict without code", 0, 1 });
	build(&m, 0, 0, 2, 1);
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "TYPE 0", 0, 1 });
	build(&m, 0, 9, 2, 1);
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "TYPE 9", 0, 1 });

	/* Unknown attributes, including a CT nest, are skipped. */
	build(&m, M_CT | M_UNKNOWN, NFT_TRACETYPE_RULE, 2, 1);
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "CT and unknown", 1, 0 });

	/* Truncated: the message ends inside the last attribute. */
	build(&m, M_HEADERS, NFT_TRACETYPE_RULE, 2, 1);
	m.nlh->nlmsg_len -= 6;
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "truncated attribute", 0, 1 });

	/* An attribute whose length runs past the message. */
	build(&m, 0, NFT_TRACETYPE_RULE, 2, 1);
	find_attr(&m, NFTA_TRACE_CHAIN)->nla_len = 400;
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "length beyond message", 0, 1 });

	/* An attribute length below the header size. */
	build(&m, 0, NFT_TRACETYPE_RULE, 2, 1);
	find_attr(&m, NFTA_TRACE_CHAIN)->nla_len = 2;
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "length 2", 0, 1 });

	/* Wrong sizes and strings. */
	build(&m, 0, NFT_TRACETYPE_RULE, 2, 1);
	a = find_attr(&m, NFTA_TRACE_CHAIN);
	((char *)mnl_attr_get_payload(a))[1] = 'x'; /* "c" without its NUL */
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "string without NUL", 0, 1 });
	build(&m, 0, NFT_TRACETYPE_RULE, 2, 1);
	find_attr(&m, NFTA_TRACE_TYPE)->nla_len = 6;
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "u32 of 2 bytes", 0, 1 });
	build(&m, 0, NFT_TRACETYPE_RULE, 2, 1);
	find_attr(&m, NFTA_TRACE_RULE_HANDLE)->nla_len = 8;
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "u64 of 4 bytes", 0, 1 });
	build(&m, 0, NFT_TRACETYPE_RULE, 2, 1);
	a = find_attr(&m, NFTA_TRACE_VERDICT);
	((struct nlattr *)mnl_attr_get_payload(a))->nla_len = 40;
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "nested length beyond nest", 0, 1 });

	/* No room for the nfgenmsg; a buffer that ends inside a header. */
	build(&m, 0, NFT_TRACETYPE_RULE, 2, 1);
	m.nlh->nlmsg_len = sizeof(struct nlmsghdr) + 2;
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "short nfgenmsg", 0, 1 });
	build(&m, 0, NFT_TRACETYPE_RULE, 2, 1);
	run_one(s, m.buf, 10, &(struct mal_case){ "cut nlmsghdr", 0, 1 });
	run_one(s, m.buf, m.nlh->nlmsg_len - 1, &(struct mal_case){ "cut message", 0, 1 });

	/* Other packet families are skipped, not malformed. */
	build(&m, M_HEADERS, NFT_TRACETYPE_RULE, 7, 1);
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "bridge packet", 0, 0 });

	/* Two messages in one buffer: both handled. */
	build(&m, 0, NFT_TRACETYPE_POLICY, 2, 1);
	memcpy(two, m.buf, m.nlh->nlmsg_len);
	memcpy(two + m.nlh->nlmsg_len, m.buf, m.nlh->nlmsg_len);
	run_one(s, two, 2 * m.nlh->nlmsg_len, &(struct mal_case){ "two in one", 2, 0 });

	source_nftrace_stats(s, &xs);
	cr_expect_eq(xs.other_family, 1);
	s->ops->close(s);
}

Test(malformed, orphans_and_user_chain_start)
{
	struct loader l = { 0, 0 };
	struct source_nftrace_stats xs;
	struct source *s;
	struct msg m;

	s = open_replay(&l, false);
	memset(&col, 0, sizeof(col));
	/* No traversal start seen for id 77: delivered without payload. */
	build(&m, 0, NFT_TRACETYPE_RULE, 2, 77);
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "orphan", 1, 0 });
	cr_expect_eq(col.ev[0].caplen, 0);
	cr_expect_eq(col.ev[0].id, 0);
	source_nftrace_stats(s, &xs);
	cr_expect_eq(xs.orphans, 1);
	/* Then a start, then an event of the same id without headers. */
	build(&m, M_HEADERS, NFT_TRACETYPE_RULE, 2, 77);
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "start", 1, 0 });
	build(&m, M_NO_HANDLE, NFT_TRACETYPE_RULE, 2, 77);
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "return", 1, 0 });
	cr_expect_eq(col.ev[2].kind, TRACE_KIND_RETURN);
	cr_expect_eq(col.ev[2].caplen, 40);
	cr_expect_eq(col.ev[2].indev, 3);
	cr_expect_eq(col.ev[2].id, col.ev[1].id);
	/* TYPE=RETURN with no handle: return; with a handle: the rule. */
	build(&m, M_NO_HANDLE, NFT_TRACETYPE_RETURN, 2, 77);
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "RETURN", 1, 0 });
	cr_expect_eq(col.ev[3].kind, TRACE_KIND_RETURN);
	build(&m, 0, NFT_TRACETYPE_RETURN, 2, 77);
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "RETURN with handle", 1, 0 });
	cr_expect_eq(col.ev[4].kind, TRACE_KIND_RULE);
	cr_expect_eq(col.ev[4].handle, 5);
	s->ops->close(s);
}

/* A traversal starting in a user chain: the hook comes from the table's
 * only base chain its devices allow. */
static int user_chain_load(struct nft_ruleset **rsp, void *arg, char *err, size_t errlen)
{
	static const char nft[] =
		"table inet fw { # handle 1\n"
		"\tchain c { # handle 1\n\t\tmeta nftrace set 1 # handle 5\n\t}\n"
		"\tchain pre { # handle 2\n\t\ttype filter hook prerouting priority filter; policy accept;\n"
		"\t\tjump c # handle 6\n\t}\n"
		"\tchain out { # handle 3\n\t\ttype filter hook output priority filter; policy accept;\n"
		"\t\tjump c # handle 7\n\t}\n"
		"}\n";
	struct nft_ruleset_texts t = { nft, sizeof(nft) - 1, NULL, 0, NULL, 0 };

	(void)arg;
	return nft_ruleset_load_text(rsp, &t, err, errlen);
}

Test(malformed, user_chain_hook)
{
	struct source_nftrace_config cfg = { 0 };
	struct source *s = NULL;
	char err[256] = "";
	struct msg m;

	cfg.no_socket = true;
	cfg.resolve_rules = true;
	cfg.load = user_chain_load;
	cr_assert_eq(source_nftrace_open(&s, &cfg, err, sizeof(err)), 0, "%s", err);
	memset(&col, 0, sizeof(col));
	build(&m, M_HEADERS, NFT_TRACETYPE_RULE, 2, 9); /* iif only */
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "user chain start", 1, 0 });
	cr_expect_str_eq(col.ev[0].prefix, "TRACE: inet fw:c:rule:1");
	cr_expect_str_eq(col.ev[0].text, "meta nftrace set 1");
	cr_expect(col.ev[0].have & TE_HAVE_HOOK);
	cr_expect_eq(col.ev[0].hook, 0);
	build(&m, M_NO_HANDLE, NFT_TRACETYPE_RULE, 2, 9);
	run_one(s, m.buf, m.nlh->nlmsg_len, &(struct mal_case){ "user chain return", 1, 0 });
	cr_expect_str_eq(col.ev[1].prefix, "TRACE: inet fw:c:return:2");
	cr_expect_eq(col.ev[1].hook, 0);
	s->ops->close(s);
}

/* ---- ruleset generations ------------------------------------------------- */

/* NFT_MSG_NEWGEN of generation gen, after a rule change (NEWRULE) if
 * change; both in one buffer, as the kernel sends them. */
static size_t build_gen(uint8_t *buf, size_t cap, bool change, uint32_t gen)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *g;
	size_t off = 0;

	memset(buf, 0, cap);
	if (change) {
		nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE;
		g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
		g->nfgen_family = 1;
		g->res_id = htons((uint16_t)gen);
		mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, "fw");
		mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, "c");
		off = NLMSG_ALIGN(nlh->nlmsg_len);
	}
	nlh = mnl_nlmsg_put_header(buf + off);
	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWGEN;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->res_id = htons((uint16_t)gen);
	mnl_attr_put_u32(nlh, NFTA_GEN_ID, htonl(gen));
	mnl_attr_put_u32(nlh, NFTA_GEN_PROC_PID, htonl(1));
	mnl_attr_put_strz(nlh, NFTA_GEN_PROC_NAME, "nft");
	return off + nlh->nlmsg_len;
}

/*
 * Generation 5: chain c of inet fw holds handle 5.  Every re-read finds
 * generation gens[call] (0: MOVED), where a rule (handle 9) was inserted
 * before it, or fails when gens[call] is -1.
 */
struct gen_loader {
	int calls;
	int64_t gens[8];
};

static int gen_load(struct nft_ruleset **rsp, void *arg, char *err, size_t errlen)
{
	static const char v5[] =
		"table inet fw { # handle 1\n"
		"\tchain c { # handle 1\n"
		"\t\ttype filter hook input priority filter; policy accept;\n"
		"\t\tudp dport 5 accept # handle 5\n\t}\n}\n";
	static const char v8[] =
		"table inet fw { # handle 1\n"
		"\tchain c { # handle 1\n"
		"\t\ttype filter hook input priority filter; policy accept;\n"
		"\t\tcounter comment \"new\" # handle 9\n"
		"\t\tudp dport 5 accept # handle 5\n\t}\n}\n";
	struct gen_loader *l = arg;
	int call = l->calls++;
	int64_t gen = call ? l->gens[call - 1] : 5;
	struct nft_ruleset_texts t = { call ? v8 : v5, call ? sizeof(v8) - 1 : sizeof(v5) - 1,
				       NULL, 0, NULL, 0 };
	int r;

	if (gen < 0) {
		snprintf(err, errlen, "test loader: failing call %d", call);
		return -EIO;
	}
	r = nft_ruleset_load_text(rsp, &t, err, errlen);
	if (r == 0)
		nft_ruleset_set_gen(*rsp, gen ? NFT_RULESET_GEN_KNOWN : NFT_RULESET_GEN_MOVED,
				    (uint32_t)gen);
	return r;
}

static struct source *open_gen(struct gen_loader *l)
{
	struct source_nftrace_config cfg = { 0 };
	struct source *s = NULL;
	char err[256] = "";

	cfg.no_socket = true;
	cfg.resolve_rules = true;
	cfg.load = gen_load;
	cfg.load_arg = l;
	cr_assert_eq(source_nftrace_open(&s, &cfg, err, sizeof(err)), 0, "%s", err);
	return s;
}

/* One traced packet's rule event (handle 5) in chain c: its prefix and text. */
static void expect_trace(struct source *s, const char *prefix, const char *text)
{
	struct msg m;
	int n = col.n;

	build(&m, M_HEADERS, NFT_TRACETYPE_RULE, 2, 40 + (uint32_t)n);
	cr_assert_eq(source_nftrace_parse(s, m.buf, m.nlh->nlmsg_len, collect_cb, &col), 1);
	cr_expect_str_eq(col.ev[n].prefix, prefix);
	cr_expect_str_eq(col.ev[n].text, text);
}

static void newgen(struct source *s, bool change, uint32_t gen)
{
	uint8_t buf[512];
	size_t len = build_gen(buf, sizeof(buf), change, gen);

	cr_assert_eq(source_nftrace_parse(s, buf, len, collect_cb, &col), 0);
}

/*
 * Three insertions (generations 6, 7, 8) read in one go: the map re-read at
 * the NEWGEN of 6 shows generation 8.  The events between the NEWGENs of 6
 * and 8 passed rulesets the map does not show: no position, no text, counted.
 */
Test(generations, later_map_marks_events_until_its_newgen)
{
	struct gen_loader l = { 0, { 8 } };
	struct source_nftrace_stats xs;
	struct source *s = open_gen(&l);
	struct msg m;

	memset(&col, 0, sizeof(col));
	expect_trace(s, "TRACE: inet fw:c:rule:1", "udp dport 5 accept");
	newgen(s, true, 6);
	cr_expect_eq(l.calls, 2);
	expect_trace(s, "TRACE: inet fw:c:rule:0", "");
	build(&m, M_NO_HANDLE, NFT_TRACETYPE_POLICY, 2, 40);
	mnl_attr_put_u32(m.nlh, NFTA_TRACE_POLICY, htonl(NF_ACCEPT));
	cr_assert_eq(source_nftrace_parse(s, m.buf, m.nlh->nlmsg_len, collect_cb, &col), 1);
	cr_expect_str_eq(col.ev[col.n - 1].prefix, "TRACE: inet fw:c:policy:0");
	cr_expect_str_eq(col.ev[col.n - 1].text, "policy accept", "the kernel's own");
	newgen(s, true, 7);
	cr_expect_eq(l.calls, 2, "generation 7 is in the map already");
	expect_trace(s, "TRACE: inet fw:c:rule:0", "");
	newgen(s, true, 8);
	expect_trace(s, "TRACE: inet fw:c:rule:2", "udp dport 5 accept");
	newgen(s, false, 9); /* a set changed: the map still holds */
	expect_trace(s, "TRACE: inet fw:c:rule:2", "udp dport 5 accept");
	cr_expect_eq(l.calls, 2);
	source_nftrace_stats(s, &xs);
	cr_expect_eq(xs.inexact, 3);
	cr_expect_eq(xs.unresolved, 0);
	cr_expect_eq(xs.reloads, 1);
	s->ops->close(s);
}

/* A map of the NEWGEN's own generation resolves at once; one whose
 * generation moved while it was read, or a failed re-read, marks events
 * until a re-read succeeds at a known generation. */
Test(generations, exact_moved_and_failed)
{
	struct gen_loader l = { 0, { 6, 0, -1, 9 } };
	struct source_nftrace_stats xs;
	struct source *s = open_gen(&l);

	memset(&col, 0, sizeof(col));
	newgen(s, true, 6);
	expect_trace(s, "TRACE: inet fw:c:rule:2", "udp dport 5 accept");
	newgen(s, true, 7); /* MOVED */
	expect_trace(s, "TRACE: inet fw:c:rule:0", "");
	newgen(s, false, 8); /* no change, but the map is unsure: re-read, fails */
	cr_expect_eq(l.calls, 4);
	expect_trace(s, "TRACE: inet fw:c:rule:0", "");
	newgen(s, false, 9);
	cr_expect_eq(l.calls, 5);
	expect_trace(s, "TRACE: inet fw:c:rule:2", "udp dport 5 accept");
	source_nftrace_stats(s, &xs);
	cr_expect_eq(xs.inexact, 2);
	cr_expect_eq(xs.reload_errors, 1);
	s->ops->close(s);
}

/* ---- the rule map ---------------------------------------------------------- */

static struct nft_ruleset *map_of(const char *nft, const char *ipt)
{
	struct nft_ruleset_texts t = { nft, strlen(nft), ipt, ipt ? strlen(ipt) : 0, NULL, 0 };
	struct nft_ruleset *rs = NULL;
	char err[256] = "";

	cr_assert_eq(nft_ruleset_load_text(&rs, &t, err, sizeof(err)), 0, "%s", err);
	return rs;
}

static const struct nft_ruleset_chain *chain_of(const struct nft_ruleset *rs, uint8_t fam,
						 const char *table, const char *chain)
{
	return nft_ruleset_chain(rs, fam, (struct strref){ table, (uint32_t)strlen(table) },
				 (struct strref){ chain, (uint32_t)strlen(chain) });
}

static void expect_rule(const struct nft_ruleset *rs, const struct nft_ruleset_chain *c,
			uint64_t handle, uint32_t pos, const char *text)
{
	struct strref t;
	uint32_t p = 0;

	cr_assert_not_null(c);
	cr_assert_eq(nft_ruleset_rule(rs, c, handle, &p, &t), 1, "handle %llu",
		     (unsigned long long)handle);
	cr_expect_eq(p, pos, "handle %llu at %u", (unsigned long long)handle, p);
	cr_expect(strref_eq(t, text, strlen(text)), "handle %llu: '%.*s'",
		  (unsigned long long)handle, (int)t.len, t.p);
}

Test(map, recorded_ruleset)
{
	struct nft_ruleset *rs = load_set(1);
	const struct nft_ruleset_chain *c;
	struct strref t;
	uint32_t p;

	c = chain_of(rs, 1, "fmtt", "out");
	cr_assert_not_null(c);
	cr_expect_eq(c->hook, 3);
	cr_expect_eq(c->policy, 1);
	cr_expect_eq(c->nrules, 2);
	cr_expect_not(c->xt);
	cr_expect_eq(c->table_hooks, 1u << 1 | 1u << 3);
	expect_rule(rs, c, 7, 1, T_NFTRACE);
	expect_rule(rs, c, 9, 2, T_JUMP);
	cr_expect_eq(nft_ruleset_rule(rs, c, 5, &p, &t), 0); /* handle of another chain */
	c = chain_of(rs, 1, "fmtt", "sub");
	cr_assert_not_null(c);
	cr_expect_eq(c->hook, -1);
	cr_expect_eq(c->policy, -1);
	expect_rule(rs, c, 4, 1, T_UDPRET);
	expect_rule(rs, c, 5, 2, T_MARK1);
	c = chain_of(rs, 1, "fmtt", "in");
	cr_assert_not_null(c);
	cr_expect_eq(c->hook, 1);
	cr_expect_eq(c->policy, 0);
	c = chain_of(rs, 2, "raw", "OUTPUT");
	cr_assert_not_null(c);
	cr_expect(c->xt);
	expect_rule(rs, c, 2, 1, T_TRACE);
	cr_expect_null(chain_of(rs, 10, "raw", "OUTPUT"));
	cr_expect_null(chain_of(rs, 2, "fmtt", "out"));
	cr_expect_null(chain_of(rs, 1, "fmtt", "nope"));
	cr_expect(nft_ruleset_table_is_xt(rs, 2, STRREF_LIT("raw")));
	cr_expect_not(nft_ruleset_table_is_xt(rs, 1, STRREF_LIT("fmtt")));
	nft_ruleset_free(rs);
	nft_ruleset_free(NULL);
}

Test(map, blocks_multiline_quotes)
{
	static const char nft[] =
		"# Warning: table ip filter is managed by iptables-nft, do not touch!\n"
		"table ip filter { # handle 4\n"
		"\tflags dormant\n"
		"\tset s4 { # handle 5\n"
		"\t\ttype ipv4_addr\n"
		"\t\telements = { 10.0.0.1, 10.0.0.2,\n"
		"\t\t\t     10.0.0.3 }\n"
		"\t}\n"
		"\n"
		"\tcounter cnt { # handle 6\n\t\tpackets 0 bytes 0\n\t}\n"
		"\tchain INPUT { # handle 1\n"
		"\t\ttype filter hook input priority filter; policy drop;\n"
		"\t\tcomment \"chain { with # braces\"\n"
		"\t\tip saddr @s4 counter packets 1 bytes 2 comment \"a } b # handle 9\" # handle 7\n"
		"\t\tip daddr { 10.0.0.1, 10.0.0.2,\n"
		"\t\t\t    10.0.0.3 } accept # handle 8\n"
		"\t\tct state established accept # handle 12\n"
		"\t}\n"
		"\tchain MYCH { # handle 2\n\t}\n"
		"}\n"
		"table netdev nd { # handle 9\n"
		"\tchain ing { # handle 1\n"
		"\t\ttype filter hook ingress device \"lo\" priority filter; policy accept;\n"
		"\t}\n"
		"}\n";
	static const char ipt[] =
		"*filter\n:INPUT DROP [0:0]\n:MYCH - [0:0]\n"
		"-A INPUT -m set --match-set s4 src -m comment --comment x\n"
		"-A INPUT -d 10.0.0.1 -j ACCEPT\n"
		"COMMIT\n";
	struct nft_ruleset *rs = map_of(nft, ipt);
	const struct nft_ruleset_chain *c = chain_of(rs, 2, "filter", "INPUT");

	cr_assert_not_null(c);
	cr_expect_eq(c->nrules, 3);
	cr_expect_eq(c->hook, 1);
	cr_expect_eq(c->policy, 0);
	/* Two -A lines for three nft rules: the tools disagree, nft's texts stay. */
	cr_expect(c->xt);
	expect_rule(rs, c, 7, 1, "ip saddr @s4 counter packets 1 bytes 2 comment \"a } b # handle 9\"");
	expect_rule(rs, c, 8, 2, "ip daddr { 10.0.0.1, 10.0.0.2, 10.0.0.3 } accept");
	expect_rule(rs, c, 12, 3, "ct state established accept");
	c = chain_of(rs, 2, "filter", "MYCH");
	cr_assert_not_null(c);
	cr_expect_eq(c->nrules, 0);
	c = chain_of(rs, 5, "nd", "ing");
	cr_assert_not_null(c);
	cr_expect_eq(c->hook, 0);
	cr_expect_not(c->xt);
	nft_ruleset_free(rs);
}

Test(map, chain_priorities)
{
	/* As nft -s -a list ruleset prints them (nft 1.0.6). */
	static const char nft[] =
		"table inet t { # handle 1\n"
		"\tchain a { # handle 1\n\t\ttype filter hook input priority filter + 10; policy accept;\n\t}\n"
		"\tchain b { # handle 2\n\t\ttype filter hook prerouting priority -400; policy accept;\n\t}\n"
		"\tchain c { # handle 3\n\t\ttype filter hook input priority filter - 5; policy accept;\n\t}\n"
		"\tchain d { # handle 4\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t}\n"
		"\tchain e { # handle 5\n\t\ttype nat hook postrouting priority srcnat + 5; policy accept;\n\t}\n"
		"\tchain f { # handle 6\n\t\ttype filter hook forward priority security; policy drop;\n\t}\n"
		"\tchain g { # handle 7\n\t\ttype filter hook prerouting priority raw; policy accept;\n\t}\n"
		"\tchain h { # handle 8\n\t\ttype filter hook prerouting priority mangle; policy accept;\n\t}\n"
		"\tchain u { # handle 9\n\t}\n"
		"}\n"
		"table bridge br { # handle 2\n"
		"\tchain g { # handle 1\n\t\ttype filter hook input priority filter; policy accept;\n\t}\n"
		"}\n";
	static const struct { const char *chain; int prio, hook, policy; } wp[] = {
		{ "a", 10, 1, 1 }, { "b", -400, 0, 1 }, { "c", -5, 1, 1 }, { "d", -100, 0, 1 },
		{ "e", 105, 4, 1 }, { "f", 50, 2, 0 }, { "g", -300, 0, 1 }, { "h", -150, 0, 1 },
		{ "u", 0, -1, -1 },
	};
	struct nft_ruleset *rs = map_of(nft, NULL);
	const struct nft_ruleset_chain *c;

	for (size_t i = 0; i < sizeof(wp) / sizeof(wp[0]); i++) {
		c = chain_of(rs, 1, "t", wp[i].chain);
		cr_assert_not_null(c, "chain %s", wp[i].chain);
		cr_expect_eq(c->prio, wp[i].prio, "chain %s: prio %d", wp[i].chain, c->prio);
		cr_expect_eq(c->hook, wp[i].hook, "chain %s", wp[i].chain);
		cr_expect_eq(c->policy, wp[i].policy, "chain %s", wp[i].chain);
	}
	c = chain_of(rs, 7, "br", "g");
	cr_assert_not_null(c);
	cr_expect_eq(c->prio, -200, "bridge filter is -200, not 0");
	nft_ruleset_free(rs);
}

Test(map, xt_lines_replace_when_counts_match)
{
	static const char nft[] =
		"table ip6 mangle { # handle 3\n"
		"\tchain PREROUTING { # handle 1\n"
		"\t\ttype filter hook prerouting priority mangle; policy accept;\n"
		"\t\tmeta l4proto tcp counter packets 0 bytes 0 meta mark set 0x1 # handle 4\n"
		"\t\tcounter packets 0 bytes 0 jump X # handle 3\n"
		"\t}\n"
		"\tchain X { # handle 2\n"
		"\t}\n"
		"}\n";
	static const char ip6t[] =
		"*mangle\n:PREROUTING ACCEPT [0:0]\n:X - [0:0]\n"
		"-A PREROUTING -p tcp -j MARK --set-xmark 0x1/0xffffffff\n"
		"-A PREROUTING -j X\nCOMMIT\n";
	struct nft_ruleset_texts t = { nft, sizeof(nft) - 1, NULL, 0, ip6t, sizeof(ip6t) - 1 };
	struct nft_ruleset *rs = NULL;
	const struct nft_ruleset_chain *c;
	char err[256];

	cr_assert_eq(nft_ruleset_load_text(&rs, &t, err, sizeof(err)), 0, "%s", err);
	c = chain_of(rs, 10, "mangle", "PREROUTING");
	cr_assert_not_null(c);
	cr_expect(c->xt);
	cr_expect_eq(c->hook, 0);
	expect_rule(rs, c, 4, 1, "-A PREROUTING -p tcp -j MARK --set-xmark 0x1/0xffffffff");
	expect_rule(rs, c, 3, 2, "-A PREROUTING -j X");
	nft_ruleset_free(rs);
}

/*
 * Native tables with iptables table names, as iptables-nft-save 1.8.9 prints
 * them (the incompatible tables with their built-in chains, which do not
 * exist), and the 1.8.10 comment: native.  A compatible table: xt, except
 * a chain the save output does not list.
 */
Test(map, incompatible_tables_are_native)
{
	static const char nft[] =
		"table ip nat { # handle 1\n"
		"\tchain pre { # handle 1\n"
		"\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
		"\t\tcounter # handle 2\n\t}\n}\n"
		"table ip raw { # handle 2\n"
		"\tchain mypre { # handle 1\n"
		"\t\ttype filter hook prerouting priority raw; policy accept;\n"
		"\t\tcounter # handle 2\n\t}\n}\n"
		"table ip mangle { # handle 3\n"
		"\tchain PREROUTING { # handle 1\n"
		"\t\ttype filter hook prerouting priority mangle; policy accept;\n"
		"\t\tcounter # handle 2\n\t}\n"
		"\tchain other { # handle 3\n"
		"\t\tcounter # handle 4\n\t}\n}\n"
		"table ip security { # handle 4\n"
		"\tchain INPUT { # handle 1\n"
		"\t\ttype filter hook input priority security; policy accept;\n"
		"\t\tcounter # handle 2\n\t}\n}\n";
	static const char ipt[] =
		"# Generated by iptables-nft-save v1.8.9 (nf_tables) on Fri Nov 27 21:34:59 2026\n"
		"*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n"
		"-A PREROUTING\nCOMMIT\n"
		"# Completed on Fri Nov 27 21:34:59 2026\n"
		"# Table `raw' contains incompatible base-chains, use 'nft' tool to list them.\n"
		"# Generated by iptables-nft-save v1.8.9 (nf_tables) on Fri Nov 27 21:34:59 2026\n"
		"*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n"
		"# Completed on Fri Nov 27 21:34:59 2026\n"
		"# Table `nat' contains incompatible base-chains, use 'nft' tool to list them.\n"
		"# Generated by iptables-nft-save v1.8.9 (nf_tables) on Fri Nov 27 21:34:59 2026\n"
		"*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
		":POSTROUTING ACCEPT [0:0]\nCOMMIT\n"
		"# Completed on Fri Nov 27 21:34:59 2026\n"
		"# Table `security' is incompatible, use 'nft' tool.\n";
	struct nft_ruleset *rs = map_of(nft, ipt);
	const struct nft_ruleset_chain *c;

	c = chain_of(rs, 2, "nat", "pre");
	cr_assert_not_null(c);
	cr_expect_not(c->xt);
	cr_expect_not(nft_ruleset_table_is_xt(rs, 2, STRREF_LIT("nat")));
	expect_rule(rs, c, 2, 1, "counter");
	c = chain_of(rs, 2, "raw", "mypre");
	cr_assert_not_null(c);
	cr_expect_not(c->xt);
	cr_expect_not(nft_ruleset_table_is_xt(rs, 2, STRREF_LIT("raw")));
	c = chain_of(rs, 2, "security", "INPUT");
	cr_assert_not_null(c);
	cr_expect_not(c->xt);
	c = chain_of(rs, 2, "mangle", "PREROUTING");
	cr_assert_not_null(c);
	cr_expect(c->xt);
	expect_rule(rs, c, 2, 1, "-A PREROUTING");
	c = chain_of(rs, 2, "mangle", "other");
	cr_assert_not_null(c);
	cr_expect_not(c->xt, "a chain iptables-nft-save does not list");
	expect_rule(rs, c, 4, 1, "counter");
	cr_expect(nft_ruleset_table_is_xt(rs, 2, STRREF_LIT("mangle")));
	nft_ruleset_free(rs);
}

Test(map, errors)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "chain x {\n}\n", "line 1: expected 'table" },
		{ "table foo bar {\n}\n", "unknown table family 'foo'" },
		{ "table inet {\n}\n", "line 1: table header without a name" },
		{ "table inet t {\n\tchain c {\n\t\tip saddr 1.2.3.4 accept\n\t}\n}\n",
		  "line 3: rule without '# handle N'" },
		{ "table inet t {\n\tchain c {\n", "ends inside a chain" },
		{ "table inet t {\n\tset s {\n\t\ttype ipv4_addr\n", "line 2: block not closed" },
		{ "table inet t {\n\tchain c {\n\t\tip saddr { 1.2.3.4,\n", "line 3: rule not closed" },
	};
	struct nft_ruleset *rs;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nft_ruleset_texts t = { bad[i].text, strlen(bad[i].text), NULL, 0, NULL, 0 };

		err[0] = '\0';
		rs = (struct nft_ruleset *)&t;
		cr_expect_eq(nft_ruleset_load_text(&rs, &t, err, sizeof(err)), -EINVAL, "case %zu", i);
		cr_expect_null(rs);
		cr_expect(strstr(err, bad[i].msg), "case %zu: '%s'", i, err);
	}
	/* An empty ruleset is fine. */
	{
		struct nft_ruleset_texts t = { "", 0, NULL, 0, NULL, 0 };

		cr_expect_eq(nft_ruleset_load_text(&rs, &t, err, sizeof(err)), 0);
		cr_expect_null(chain_of(rs, 1, "a", "b"));
		nft_ruleset_free(rs);
	}
}

Test(map, snapshot_split)
{
	size_t len = 200000, i, total = 0, nparts = 0;
	char *text = malloc(len), **parts = NULL;
	int n;

	cr_assert_not_null(text);
	for (i = 0; i < len; i++)
		text[i] = (i % 100 == 99) ? '\n' : 'a';
	n = nft_ruleset_snapshot_format(text, len, &parts, &nparts);
	cr_assert_eq(n, 4);
	cr_assert_eq(nparts, 4);
	for (i = 0; i < nparts; i++) {
		size_t l = strlen(parts[i]);
		const char *head = i ? "nftrace-ruleset-cont 1\n" : "nftrace-ruleset 1 nft nft\n";

		cr_expect_leq(l, 65535);
		cr_expect_eq(strncmp(parts[i], head, strlen(head)), 0, "part %zu", i);
		cr_expect_eq(parts[i][l - 1], '\n', "part %zu ends mid-line", i);
		total += l - strlen(head);
		free(parts[i]);
	}
	cr_expect_eq(total, len);
	free(parts);
	free(text);
}

/* ---- live, as root, in a throw-away network namespace --------------------- */

static char ns_name[32];
static int ns_orig = -1;

static int run(const char *a0, const char *a1, const char *a2, const char *a3,
	       const char *a4, const char *a5, const char *a6, const char *a7)
{
	char *argv[] = { (char *)a0, (char *)a1, (char *)a2, (char *)a3, (char *)a4,
			 (char *)a5, (char *)a6, (char *)a7, NULL };
	struct runcmd_result res = { 0 };
	int ret = runcmd(argv, NULL, 1 << 20, &res);

	if (ret == 0 && res.status != 0)
		ret = -res.status;
	if (ret)
		cr_log_warn("%s %s %s: %d: %s", a0, a1 ? a1 : "", a2 ? a2 : "", ret, res.err);
	runcmd_result_free(&res);
	return ret;
}

static void live_fini(void)
{
	if (ns_orig >= 0) {
		if (setns(ns_orig, CLONE_NEWNET) < 0)
			cr_log_warn("setns back: %s", strerror(errno));
		close(ns_orig);
		ns_orig = -1;
	}
	if (ns_name[0]) {
		run("ip", "netns", "del", ns_name, NULL, NULL, NULL, NULL);
		ns_name[0] = '\0';
	}
}

/*
 * A child that deletes the namespace by name once this process is gone,
 * however it ends (a crash or a Criterion timeout skips .fini): it waits
 * for EOF on a pipe whose only writer is this process.
 */
static void ns_guardian(const char *name)
{
	int p[2], devnull;
	pid_t pid;
	char c;

	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		setsid(); /* out of the worker's process group, which gets killed */
		close(p[1]);
		while (read(p[0], &c, 1) != 0 && errno == EINTR)
			;
		devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0) {
			dup2(devnull, 1);
			dup2(devnull, 2);
		}
		execlp("ip", "ip", "netns", "del", name, (char *)NULL);
		_exit(127);
	}
	close(p[0]); /* p[1] stays open, close-on-exec, until we exit */
}

/* Create the namespace, enter it, bring lo up, load tests/data ruleset.nft. */
static void live_enter(const char *tag)
{
	char path[64];
	int fd;

	if (geteuid() != 0)
		cr_skip_test("live nf_tables test needs root (network namespaces, CAP_NET_ADMIN)");
	snprintf(ns_name, sizeof(ns_name), "nftt%s%d", tag, (int)getpid());
	if (run("ip", "netns", "add", ns_name, NULL, NULL, NULL, NULL)) {
		ns_name[0] = '\0';
		cr_skip_test("cannot create a network namespace (ip netns add)");
	}
	ns_guardian(ns_name);
	ns_orig = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	cr_assert_geq(ns_orig, 0);
	snprintf(path, sizeof(path), "/run/netns/%s", ns_name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(setns(fd, CLONE_NEWNET), 0, "setns: %s", strerror(errno));
	close(fd);
	cr_assert_eq(run("ip", "link", "set", "lo", "up", NULL, NULL, NULL), 0);
	cr_assert_eq(run("nft", "-f", DIR "ruleset.nft", NULL, NULL, NULL, NULL, NULL), 0);
}

/* One ICMP echo request to 127.0.0.1 from a raw socket. */
static void send_echo(int fd, uint16_t seq)
{
	uint8_t pkt[24] = { 8, 0, 0, 0, 0x4e, 0x54, (uint8_t)(seq >> 8), (uint8_t)seq,
			    'n', 'f', 't', 'r', 'a', 'c', 'e', '-', 'l', 'i', 'v', 'e',
			    '-', 'p', 'k', 't' };
	struct sockaddr_in to = { .sin_family = AF_INET };
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < sizeof(pkt); i += 2)
		sum += (uint32_t)pkt[i] << 8 | pkt[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	pkt[2] = (uint8_t)(sum >> 8);
	pkt[3] = (uint8_t)sum;
	to.sin_addr.s_addr = htonl(0x7f000001);
	cr_assert_eq(sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to)),
		     (ssize_t)sizeof(pkt), "sendto: %s", strerror(errno));
}

/* Read from s until want events arrived or 3 s passed. */
static void read_events(struct source *s, int want_n)
{
	struct timespec t0, t;
	struct pollfd p = { .fd = source_fd(s), .events = POLLIN };

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (col.n < want_n) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec >= 3)
			break;
		if (poll(&p, 1, 100) > 0)
			cr_assert_geq(source_read(s, collect_cb, &col), 0);
	}
}

static int find_prefix(int from, const char *prefix)
{
	int i;

	for (i = from; i < col.n; i++)
		if (!strcmp(col.ev[i].prefix, prefix))
			return i;
	return -1;
}

Test(live, trace_in_netns, .fini = live_fini, .timeout = 30)
{
	struct source_nftrace_config cfg = { 0 };
	struct source_nftrace_stats xs;
	struct source *s = NULL;
	char err[512] = "";
	int icmp, i, j;

	live_enter("a");
	cfg.resolve_rules = true;
	cr_assert_eq(source_nftrace_open(&s, &cfg, err, sizeof(err)), 0, "%s", err);
	cr_assert_geq(source_fd(s), 0);
	cr_assert_not_null(source_nftrace_snapshot(s));
	cr_expect(strstr(source_nftrace_snapshot(s)->nft, "table inet fmtt"));
	icmp = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	cr_assert_geq(icmp, 0, "raw socket: %s", strerror(errno));

	memset(&col, 0, sizeof(col));
	send_echo(icmp, 1);
	/* request: out rule 1, rule 2 (jump), sub rule 2, sub return, out
	 * return, out policy, in rule 1; reply: 6 more. */
	read_events(s, 13);
	cr_assert_geq(col.n, 9, "%d events", col.n);
	i = find_prefix(0, "TRACE: inet fmtt:out:rule:1");
	cr_assert_geq(i, 0, "first event '%s'", col.ev[0].prefix);
	cr_expect_str_eq(col.ev[i].text, T_NFTRACE);
	cr_expect_eq(col.ev[i].hook, 3);
	cr_expect_eq(col.ev[i].caplen, 40);
	cr_expect_eq(col.ev[i].len, 44);
	j = find_prefix(i, "TRACE: inet fmtt:sub:rule:2");
	cr_assert_geq(j, 0);
	/* read live with nft -s: no counter values frozen at snapshot time */
	cr_expect_str_eq(col.ev[j].text,
			 "icmp type echo-request meta mark set 0x0000002a counter comment \"mark echo requests\"");
	cr_expect_eq(col.ev[j].id, col.ev[i].id);
	cr_expect_eq(col.ev[j].mark, 42);
	j = find_prefix(i, "TRACE: inet fmtt:in:rule:1");
	cr_assert_geq(j, 0);
	cr_expect_eq(col.ev[j].hook, 1);
	cr_expect_eq(col.ev[j].id, col.ev[i].id, "request: one id at output and input");
	cr_expect_geq(find_prefix(i, "TRACE: inet fmtt:out:policy:3"), 0);
	/* The default (legacy) view: a base chain ends with its policy only. */
	cr_expect_lt(find_prefix(0, "TRACE: inet fmtt:out:return:3"), 0);
	cr_expect_geq(find_prefix(0, "TRACE: inet fmtt:sub:return:3"), 0);

	/* A rule inserted while the capture runs: the events after it see
	 * the new positions (the map was re-read at NEWGEN). */
	cr_assert_eq(run("nft", "insert", "rule", "inet", "fmtt", "out", "meta", "l4proto icmp counter"), 0);
	memset(&col, 0, sizeof(col));
	send_echo(icmp, 2);
	read_events(s, 13);
	cr_assert_geq(col.n, 9, "%d events", col.n);
	cr_expect_str_eq(col.ev[0].prefix, "TRACE: inet fmtt:out:rule:2");
	cr_expect_str_eq(col.ev[0].text, T_NFTRACE);
	cr_expect_geq(find_prefix(0, "TRACE: inet fmtt:out:policy:4"), 0);
	source_nftrace_stats(s, &xs);
	cr_expect_geq(xs.reloads, 1);
	cr_expect_eq(xs.malformed, 0);
	cr_expect_eq(xs.unresolved, 0);
	cr_expect_geq(xs.rcvbuf, 1 << 20, "rcvbuf %d", xs.rcvbuf);
	cr_expect(xs.drops_known);
	close(icmp);
	s->ops->close(s);
}

Test(live, overrun_is_counted, .fini = live_fini, .timeout = 60)
{
	struct source_nftrace_config cfg = { 0 };
	struct source_nftrace_stats xs;
	struct source_stats st;
	struct source *s = NULL;
	char err[512] = "";
	int icmp, i;

	live_enter("b");
	cfg.resolve_rules = true;
	cfg.rcvbuf = 1; /* the kernel's minimum */
	cr_assert_eq(source_nftrace_open(&s, &cfg, err, sizeof(err)), 0, "%s", err);
	icmp = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	cr_assert_geq(icmp, 0);
	memset(&col, 0, sizeof(col));
	for (i = 0; i < 200; i++)
		send_echo(icmp, (uint16_t)i);
	usleep(200000);
	/* Nothing read meanwhile: the kernel had to drop. */
	cr_assert_geq(source_read(s, collect_cb, &col), 0);
	s->ops->stats(s, &st);
	source_nftrace_stats(s, &xs);
	cr_expect_geq(st.overruns, 1);
	cr_expect_gt(col.n, 0);
	cr_expect_lt(col.n, 200 * 13);
	if (xs.drops_known) {
		cr_expect_gt(st.lost, 0);
		cr_expect_leq(col.dropsum, st.lost);
		cr_expect_gt(col.dropsum, 0);
		cr_log_info("overrun: %d events delivered, %llu lost (%llu overruns)", col.n,
			    (unsigned long long)st.lost, (unsigned long long)st.overruns);
	}
	/* Reading goes on after the overrun (the buffer is too small for
	 * all events of one echo, so some arrive). */
	i = col.n;
	send_echo(icmp, 999);
	read_events(s, i + 1);
	cr_expect_gt(col.n, i);
	close(icmp);
	s->ops->close(s);
}
