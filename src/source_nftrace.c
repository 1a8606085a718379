/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * source_nftrace.c - nf_tables trace events (NFT_MSG_TRACE on
 * NFNLGRP_NFTRACE) and ruleset changes (NFNLGRP_NFTABLES) from one
 * NETLINK_NETFILTER socket; see source_nftrace.h for what an event gets.
 *
 * Parsing follows the shape of libnftnl's src/trace.c (formats.md 5.3) but
 * never exits: unknown attributes are skipped (NFTA_TRACE_CT = 18 on newer
 * kernels), known ones are validated, required ones checked, and a message
 * that fails is counted and skipped.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "errbuf.h"
#include "names.h"
#include "nflog_record.h"
#include "packet_id.h"
#include "source_nftrace.h"

#ifndef SO_MEMINFO
#define SO_MEMINFO 55
#endif
#ifndef SO_RCVBUFFORCE
#define SO_RCVBUFFORCE 33
#endif

/* Added after the 6.1 uapi headers this builds against (kernel 6.3). */
#define NFT_MSG_DESTROYTABLE_ 26
#define NFT_MSG_DESTROYCHAIN_ 27
#define NFT_MSG_DESTROYRULE_ 28

#define RECV_SLOTS 32		   /* datagrams per recvmmsg() */
#define RECV_SLOT (32u << 10)	   /* > NLMSG_GOODSIZE notification batches */
#define READ_BATCHES 64		   /* recvmmsg() calls per read(): let other sources in */
#define NAME_CAP 256		   /* NFT_NAME_MAXLEN, NUL included */
#define NH_CAP 128		   /* kernel sends <= 40 (NFT_TRACETYPE_NETWORK_HSIZE) */
#define TH_CAP 64		   /* kernel sends <= 20 (NFT_TRACETYPE_TRANSPORT_HSIZE) */
#define LL_CAP 64		   /* kernel sends <= 20 (NFT_TRACETYPE_LL_HSIZE) */
#define TRAV_SETS 256		   /* trace id table: 256 sets x 4 ways */
#define TRAV_WAYS 4
#define RELOAD_MIN_NS 1000000000ull /* re-read after an overrun at most 1/s */
#define READ_TRIES 5		   /* ruleset readings until the generation holds still */

struct traversal {
	uint32_t id;		/* NFTA_TRACE_ID as sent (opaque) */
	uint32_t age;		/* LRU clock value of the last use */
	bool used;
	int16_t hook;		/* -1 unknown */
	bool have_prio;
	int32_t prio;		/* of the base chain, for its user chains */
	uint8_t family;
	uint32_t have;		/* TE_HAVE_INDEV / TE_HAVE_OUTDEV */
	uint32_t indev, outdev;
	uint64_t pkt_id;
	uint32_t caplen, len;
	uint8_t l3[NH_CAP + TH_CAP];
};

struct src_nft {
	struct source base;	/* first: struct source * converts */
	struct mnl_socket *nl;
	source_nftrace_load_fn load;
	void *load_arg;
	bool resolve;
	bool all_events;

	struct nft_ruleset *map;     /* in force */
	struct nft_ruleset *initial; /* read at open; kept for the snapshot */
	bool stale;		     /* a rule/chain/table changed since map */
	bool overrun_reload;	     /* re-read once the queue is drained */
	/*
	 * Does the map show the ruleset the packets of the events now read
	 * passed?  Not when it was read at a later generation than the last
	 * NEWGEN of the stream (the ruleset changed again before it was
	 * read), nor when it is older (a failed re-read), nor when its
	 * generation is unsure: events then get no position and no text.
	 */
	bool exact;
	enum nft_ruleset_gen gen_state; /* of map; its generation: */
	uint32_t map_gen;		/* KNOWN: the newest the map is valid for */
	uint64_t last_reload_ns;     /* CLOCK_MONOTONIC */

	struct source_stats st;
	struct source_nftrace_stats xst;
	uint32_t drops_last;	/* SK_MEMINFO_DROPS last read */
	uint64_t pending_drops; /* lost, not yet reported in an event */

	uint32_t clock;
	struct traversal trav[TRAV_SETS][TRAV_WAYS];

	char prefix[16 + 8 + 2 * NAME_CAP + 24];
	char ptext[NAME_CAP + 24];
	uint8_t record[2048];
	char error[512];

	uint8_t *rbuf;
	struct mmsghdr msgs[RECV_SLOTS];
	struct iovec iov[RECV_SLOTS];
};

static const struct source_ops nftrace_ops;


static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- attribute validation ---------------------------------------------- */

enum attr_kind { A_NONE, A_U16, A_U32, A_U64, A_STR, A_BIN, A_NEST };

struct attr_rule {
	uint8_t kind;
	uint16_t max; /* A_STR, A_BIN: largest payload accepted */
};

static const struct attr_rule trace_rules[NFTA_TRACE_POLICY + 1] = {
	[NFTA_TRACE_TABLE] = { A_STR, NAME_CAP },
	[NFTA_TRACE_CHAIN] = { A_STR, NAME_CAP },
	[NFTA_TRACE_RULE_HANDLE] = { A_U64, 0 },
	[NFTA_TRACE_TYPE] = { A_U32, 0 },
	[NFTA_TRACE_VERDICT] = { A_NEST, 0 },
	[NFTA_TRACE_ID] = { A_U32, 0 },
	[NFTA_TRACE_LL_HEADER] = { A_BIN, LL_CAP },
	[NFTA_TRACE_NETWORK_HEADER] = { A_BIN, NH_CAP },
	[NFTA_TRACE_TRANSPORT_HEADER] = { A_BIN, TH_CAP },
	[NFTA_TRACE_IIF] = { A_U32, 0 },
	[NFTA_TRACE_IIFTYPE] = { A_U16, 0 },
	[NFTA_TRACE_OIF] = { A_U32, 0 },
	[NFTA_TRACE_OIFTYPE] = { A_U16, 0 },
	[NFTA_TRACE_MARK] = { A_U32, 0 },
	[NFTA_TRACE_NFPROTO] = { A_U32, 0 },
	[NFTA_TRACE_POLICY] = { A_U32, 0 },
};

static const struct attr_rule verdict_rules[NFTA_VERDICT_CHAIN_ID + 1] = {
	[NFTA_VERDICT_CODE] = { A_U32, 0 },
	[NFTA_VERDICT_CHAIN] = { A_STR, NAME_CAP },
	[NFTA_VERDICT_CHAIN_ID] = { A_U32, 0 },
};

struct attr_table {
	const struct attr_rule *rules;
	unsigned maxtype;
	const struct nlattr **tb;
	const uint8_t *end;	/* end of the last attribute walked */
	unsigned bad_type;	/* attribute that failed validation */
};

static bool attr_valid(const struct nlattr *a, const struct attr_rule *r)
{
	uint16_t len = mnl_attr_get_payload_len(a);
	const char *p = mnl_attr_get_payload(a);

	switch (r->kind) {
	case A_U16:
		return len == 2;
	case A_U32:
		return len == 4;
	case A_U64:
		return len == 8;
	case A_STR:
		/* A name of at least one character, NUL-terminated. */
		return len >= 2 && len <= r->max && p[len - 1] == '\0' && p[0] != '\0';
	case A_BIN:
		return len <= r->max;
	case A_NEST:
		return mnl_attr_validate(a, MNL_TYPE_NESTED) == 0;
	default:
		return true;
	}
}

static int attr_cb(const struct nlattr *a, void *data)
{
	struct attr_table *t = data;
	unsigned type = mnl_attr_get_type(a);

	t->end = (const uint8_t *)a + MNL_ALIGN(a->nla_len);
	/* Unknown types (NFTA_TRACE_CT, NFTA_TRACE_PAD, later ones): skip. */
	if (type > t->maxtype || t->rules[type].kind == A_NONE)
		return MNL_CB_OK;
	if (!attr_valid(a, &t->rules[type])) {
		t->bad_type = type;
		return MNL_CB_ERROR;
	}
	t->tb[type] = a;
	return MNL_CB_OK;
}

/*
 * Did the walk of [start, end) stop before the end with an attribute
 * header left?  mnl_attr_parse() ends silently at an attribute whose
 * length runs past the message; we want to know.
 */
static bool attr_overrun(const struct attr_table *t, const uint8_t *start,
			 const uint8_t *end)
{
	const uint8_t *last = t->end ? t->end : start;

	return last < end && (size_t)(end - last) >= sizeof(struct nlattr);
}

/*
 * "TRACE: [FAMILY ]TABLE:CHAIN:KIND:NUM" into buf, which holds the longest
 * (names are at most NAME_CAP - 1 bytes): per event, so no stdio.
 */
static struct strref make_prefix(char *buf, const char *famname, struct strref table,
				 struct strref chain, const char *kind, uint32_t num)
{
	char digits[10];
	size_t n = 7, k = sizeof(digits), l;

	memcpy(buf, "TRACE: ", 7);
	if (famname) {
		l = strlen(famname);
		memcpy(buf + n, famname, l);
		n += l;
		buf[n++] = ' ';
	}
	memcpy(buf + n, table.p, table.len);
	n += table.len;
	buf[n++] = ':';
	memcpy(buf + n, chain.p, chain.len);
	n += chain.len;
	buf[n++] = ':';
	l = strlen(kind);
	memcpy(buf + n, kind, l);
	n += l;
	buf[n++] = ':';
	do {
		digits[--k] = (char)('0' + num % 10);
		num /= 10;
	} while (num);
	memcpy(buf + n, digits + k, sizeof(digits) - k);
	n += sizeof(digits) - k;
	buf[n] = '\0';
	return (struct strref){ buf, (uint32_t)n };
}

/* ---- the trace id table -------------------------------------------------- */

static struct traversal *trav_set(struct src_nft *s, uint32_t id)
{
	return s->trav[(id * 2654435761u) >> 24];
}

static struct traversal *trav_find(struct src_nft *s, uint32_t id)
{
	struct traversal *set = trav_set(s, id);
	int w;

	for (w = 0; w < TRAV_WAYS; w++)
		if (set[w].used && set[w].id == id) {
			set[w].age = ++s->clock;
			return &set[w];
		}
	return NULL;
}

/* The entry for id: its own, a free one, or the least recently used of its set. */
static struct traversal *trav_claim(struct src_nft *s, uint32_t id)
{
	struct traversal *set = trav_set(s, id), *t = NULL;
	int w;

	for (w = 0; w < TRAV_WAYS && !t; w++)
		if (set[w].used && set[w].id == id)
			t = &set[w];
	for (w = 0; w < TRAV_WAYS && !t; w++)
		if (!set[w].used)
			t = &set[w];
	if (!t) {
		t = &set[0];
		for (w = 1; w < TRAV_WAYS; w++)
			if ((int32_t)(set[w].age - t->age) < 0)
				t = &set[w];
	}
	t->used = true;
	t->id = id;
	t->age = ++s->clock;
	t->hook = -1;
	t->have_prio = false;
	/* A new traversal of this id, or another id's entry evicted: no
	 * device of the packet before may stay behind without its bit. */
	t->have = 0;
	t->indev = 0;
	t->outdev = 0;
	return t;
}

/* IPv6 extension headers the kernel walks to the transport header
 * (ipv6_find_hdr): with one present, a 40-byte network header was cut. */
static bool ipv6_ext(uint8_t nexthdr)
{
	switch (nexthdr) {
	case 0: case 43: case 44: case 51: case 60: case 135: case 139: case 140:
		return true;
	default:
		return false;
	}
}

/*
 * Payload = network header + transport header when the two are
 * contiguous, i.e. the kernel did not cut the network header at its 40
 * bytes (IPv4 options beyond 20 bytes, IPv6 extension headers).
 */
static void trav_packet(struct traversal *t, uint8_t family,
			const struct nlattr *nh, const struct nlattr *th)
{
	uint16_t nhl = mnl_attr_get_payload_len(nh);
	const uint8_t *l3 = t->l3;
	bool contiguous = false;
	uint32_t len = 0;

	memcpy(t->l3, mnl_attr_get_payload(nh), nhl);
	t->caplen = nhl;
	t->family = family;
	if (family == NAMES_NFPROTO_IPV4 && nhl >= 20 && (l3[0] >> 4) == 4) {
		contiguous = (uint32_t)(l3[0] & 0x0f) * 4 == nhl;
		len = (uint32_t)l3[2] << 8 | l3[3];
	} else if (family == NAMES_NFPROTO_IPV6 && nhl >= 40 && (l3[0] >> 4) == 6) {
		contiguous = !(nhl == 40 && ipv6_ext(l3[6]));
		len = ((uint32_t)l3[4] << 8 | l3[5]);
		len = len ? len + 40 : 0; /* 0: a jumbogram, length unknown */
	}
	if (th && contiguous) {
		uint16_t thl = mnl_attr_get_payload_len(th);

		memcpy(t->l3 + nhl, mnl_attr_get_payload(th), thl);
		t->caplen += thl;
	}
	t->len = len > t->caplen ? len : t->caplen;
	t->pkt_id = packet_id(family, t->l3, t->caplen);
}

/*
 * A traversal that starts in a user chain (nftrace set there): its hook is
 * the only hook of the table's base chains that its devices allow.
 */
static int guess_hook(const struct nft_ruleset_chain *c, uint8_t table_family,
		      const struct traversal *t)
{
	uint32_t allow = ~0u, m;

	if (!c || (table_family != NAMES_NFPROTO_INET && table_family != NAMES_NFPROTO_IPV4 &&
		   table_family != NAMES_NFPROTO_IPV6))
		return -1;
	if ((t->have & TE_HAVE_INDEV) && (t->have & TE_HAVE_OUTDEV))
		allow = 1u << 2 | 1u << 4;	   /* forward, postrouting */
	else if (t->have & TE_HAVE_INDEV)
		allow = 1u << 0 | 1u << 1 | 1u << 5; /* prerouting, input, ingress */
	else if (t->have & TE_HAVE_OUTDEV)
		allow = 1u << 3 | 1u << 4;	   /* output, postrouting */
	m = c->table_hooks & allow;
	if (m == 0 || (m & (m - 1)))
		return -1;
	return __builtin_ctz(m);
}

/* ---- rule map ---------------------------------------------------------- */

static void adopt_gen(struct src_nft *s)
{
	s->gen_state = nft_ruleset_gen(s->map, &s->map_gen);
}

static int reload(struct src_nft *s)
{
	struct nft_ruleset *rs = NULL;
	char err[sizeof(s->error) - 32];
	int r;

	if (!s->resolve)
		return 0;
	s->last_reload_ns = now_ns(CLOCK_MONOTONIC);
	r = s->load(&rs, s->load_arg, err, sizeof(err));
	if (r < 0) {
		/* Keep the map in force; try again at the next change. */
		s->xst.reload_errors++;
		snprintf(s->error, sizeof(s->error), "re-reading the ruleset: %s", err);
		return r;
	}
	if (s->map != s->initial)
		nft_ruleset_free(s->map);
	s->map = rs;
	s->stale = false;
	s->xst.reloads++;
	adopt_gen(s);
	return 0;
}

/*
 * NEWGEN gen: the transaction that made generation gen is complete, and the
 * events that follow in the stream passed its ruleset (until the next
 * NEWGEN).  The map is re-read when a rule, chain or table changed; but
 * `nft list` shows the ruleset as it is when it runs, which may be several
 * transactions later than gen (their messages are still queued behind
 * this one).  Such a map would give the events of gen positions and texts
 * of rules that did not exist yet: until the stream reaches the map's
 * generation, events are marked instead (s->exact).
 */
static void on_newgen(struct src_nft *s, bool have_gen, uint32_t gen)
{
	if (!s->resolve || !s->map)
		return;
	if (!have_gen) {
		/* A kernel that does not say: as good as it gets. */
		if (s->stale)
			s->exact = reload(s) == 0 && s->gen_state != NFT_RULESET_GEN_MOVED;
		return;
	}
	if (s->gen_state == NFT_RULESET_GEN_KNOWN && (int32_t)(gen - s->map_gen) <= 0) {
		/* The map has this generation's changes already (and maybe
		 * later ones). */
		s->stale = false;
		s->exact = gen == s->map_gen;
		return;
	}
	if (s->stale || s->gen_state == NFT_RULESET_GEN_MOVED) {
		if (reload(s) < 0) {
			s->exact = false; /* older than the events */
			return;
		}
		if (s->gen_state == NFT_RULESET_GEN_UNSET)
			s->exact = true; /* a reader that does not know generations */
		else
			s->exact = s->gen_state == NFT_RULESET_GEN_KNOWN && s->map_gen == gen;
		return;
	}
	/* No rule, chain or table changed since the map's generation. */
	if (s->gen_state == NFT_RULESET_GEN_KNOWN)
		s->map_gen = gen;
}

/* NFT_MSG_GETGEN: the current ruleset generation. */
static int get_gen(uint32_t *gen)
{
	char buf[8192];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct nfgenmsg *g;
	struct nlattr *a;
	uint32_t seq = (uint32_t)time(NULL);
	int n, ret = -EIO;

	nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETGEN;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = AF_UNSPEC;
	g->version = NFNETLINK_V0;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	n = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0) {
		ret = -errno;
		goto out;
	}
	nlh = (struct nlmsghdr *)buf;
	if (!mnl_nlmsg_ok(nlh, n) || nlh->nlmsg_seq != seq)
		goto out;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

		if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(*e)) && e->error < 0)
			ret = e->error;
		goto out;
	}
	if (NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWGEN ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*g))
		goto out;
	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		if (mnl_attr_get_type(a) == NFTA_GEN_ID &&
		    mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
			*gen = ntohl(mnl_attr_get_u32(a));
			ret = 0;
		}
	}
out:
	mnl_socket_close(nl);
	return ret;
}

/* nft_ruleset_read(), with the generation it shows: the same before and
 * after the reading, or MOVED. */
static int default_load(struct nft_ruleset **rsp, void *arg, char *err, size_t errlen)
{
	uint32_t g1, g2;
	int r, i;

	(void)arg;
	for (i = 1;; i++) {
		bool before = get_gen(&g1) == 0;

		r = nft_ruleset_read(rsp, err, errlen);
		if (r < 0)
			return r;
		if (before && get_gen(&g2) == 0 && g1 == g2) {
			nft_ruleset_set_gen(*rsp, NFT_RULESET_GEN_KNOWN, g1);
			return 0;
		}
		if (i == READ_TRIES) {
			nft_ruleset_set_gen(*rsp, NFT_RULESET_GEN_MOVED, 0);
			return 0;
		}
		nft_ruleset_free(*rsp);
		*rsp = NULL;
	}
}

/* ---- one trace message --------------------------------------------------- */

static int malformed(struct src_nft *s)
{
	s->xst.malformed++;
	s->st.skipped++;
	return 0;
}

static uint32_t attr_u32(const struct nlattr *a)
{
	return ntohl(mnl_attr_get_u32(a));
}

static struct strref attr_str(const struct nlattr *a)
{
	const char *p = mnl_attr_get_str(a);

	return (struct strref){ p, (uint32_t)strnlen(p, mnl_attr_get_payload_len(a)) };
}

static int on_trace(struct src_nft *s, const struct nlmsghdr *nlh, uint64_t ts,
		    source_event_fn fn, void *arg)
{
	const struct nlattr *tb[NFTA_TRACE_POLICY + 1] = { 0 };
	const struct nlattr *vtb[NFTA_VERDICT_CHAIN_ID + 1] = { 0 };
	struct attr_table at = { trace_rules, NFTA_TRACE_POLICY, tb, NULL, 0 };
	const struct nft_ruleset_chain *c = NULL;
	const uint8_t *start, *end;
	const struct nfgenmsg *g;
	struct traversal *t;
	struct trace_event ev;
	uint32_t type, nfproto, id;
	uint8_t tfam;
	const char *famname = NULL, *kind;
	bool xt = false;
	int hook = -1, n;

	/* Is there a whole nfgenmsg, and is it version 0? */
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*g))
		return malformed(s);
	g = mnl_nlmsg_get_payload(nlh);
	if (g->version != NFNETLINK_V0)
		return malformed(s);
	tfam = g->nfgen_family;

	start = (const uint8_t *)mnl_nlmsg_get_payload_offset(nlh, sizeof(*g));
	end = (const uint8_t *)nlh + nlh->nlmsg_len;
	if (mnl_attr_parse(nlh, sizeof(*g), attr_cb, &at) < 0 || attr_overrun(&at, start, end))
		return malformed(s);
	/* The attributes every kernel sends (nf_tables_trace.c). */
	if (!tb[NFTA_TRACE_TABLE] || !tb[NFTA_TRACE_CHAIN] || !tb[NFTA_TRACE_TYPE] ||
	    !tb[NFTA_TRACE_ID] || !tb[NFTA_TRACE_NFPROTO])
		return malformed(s);
	type = attr_u32(tb[NFTA_TRACE_TYPE]);
	if (type != NFT_TRACETYPE_POLICY && type != NFT_TRACETYPE_RETURN &&
	    type != NFT_TRACETYPE_RULE)
		return malformed(s);
	if (tb[NFTA_TRACE_VERDICT]) {
		struct attr_table vt = { verdict_rules, NFTA_VERDICT_CHAIN_ID, vtb, NULL, 0 };
		const uint8_t *vs = mnl_attr_get_payload(tb[NFTA_TRACE_VERDICT]);

		if (mnl_attr_parse_nested(tb[NFTA_TRACE_VERDICT], attr_cb, &vt) < 0 ||
		    attr_overrun(&vt, vs, vs + mnl_attr_get_payload_len(tb[NFTA_TRACE_VERDICT])) ||
		    !vtb[NFTA_VERDICT_CODE])
			return malformed(s);
		/* A jump or goto names its chain (libnftnl's abi_breakage() case). */
		n = (int32_t)attr_u32(vtb[NFTA_VERDICT_CODE]);
		if ((n == NFT_JUMP || n == NFT_GOTO) && !vtb[NFTA_VERDICT_CHAIN])
			return malformed(s);
	}
	nfproto = attr_u32(tb[NFTA_TRACE_NFPROTO]);
	if (nfproto != NAMES_NFPROTO_IPV4 && nfproto != NAMES_NFPROTO_IPV6) {
		/* Counted as nft monitor trace prints them: without the
		 * implicit end of a base chain (unless all_events). */
		if (s->map && type != NFT_TRACETYPE_POLICY && !tb[NFTA_TRACE_RULE_HANDLE])
			c = nft_ruleset_chain(s->map, tfam, attr_str(tb[NFTA_TRACE_TABLE]),
					      attr_str(tb[NFTA_TRACE_CHAIN]));
		if (s->all_events || !c || c->hook < 0)
			s->xst.other_family++;
		s->st.skipped++;
		return 0;
	}

	memset(&ev, 0, sizeof(ev));
	ev.ts_ns = ts;
	ev.family = (uint8_t)nfproto;
	ev.table = attr_str(tb[NFTA_TRACE_TABLE]);
	ev.chain = attr_str(tb[NFTA_TRACE_CHAIN]);
	ev.verdict = TRACE_VERDICT_NONE;
	ev.dropcount = s->pending_drops;

	if (s->map) {
		c = nft_ruleset_chain(s->map, tfam, ev.table, ev.chain);
		xt = c ? c->xt : nft_ruleset_table_is_xt(s->map, tfam, ev.table);
	}
	if (!xt) {
		famname = names_nft_family(tfam);
		if (!famname)
			return malformed(s);
	}
	if (s->map && !c && s->exact)
		s->xst.unresolved++;

	/* The traversal: started by the event that carries the headers. */
	memcpy(&id, mnl_attr_get_payload(tb[NFTA_TRACE_ID]), sizeof(id));
	if (tb[NFTA_TRACE_NETWORK_HEADER]) {
		t = trav_claim(s, id);
		if (tb[NFTA_TRACE_IIF]) {
			t->indev = attr_u32(tb[NFTA_TRACE_IIF]);
			t->have |= TE_HAVE_INDEV;
		}
		if (tb[NFTA_TRACE_OIF]) {
			t->outdev = attr_u32(tb[NFTA_TRACE_OIF]);
			t->have |= TE_HAVE_OUTDEV;
		}
		trav_packet(t, (uint8_t)nfproto, tb[NFTA_TRACE_NETWORK_HEADER],
			    tb[NFTA_TRACE_TRANSPORT_HEADER]);
		if (!c || c->hook < 0)
			t->hook = (int16_t)guess_hook(c, tfam, t);
	} else {
		t = trav_find(s, id);
	}
	if (c && c->hook >= 0) {
		hook = c->hook;
		ev.prio = c->prio;
		ev.have |= TE_HAVE_PRIO;
		if (t) {
			t->hook = (int16_t)hook;
			t->prio = c->prio;
			t->have_prio = true;
		}
	} else if (t) {
		hook = t->hook;
		if (t->have_prio) {
			ev.prio = t->prio;
			ev.have |= TE_HAVE_PRIO;
		}
	}
	if (t && t->family == nfproto) {
		ev.payload = t->l3;
		ev.caplen = t->caplen;
		ev.len = t->len;
		ev.id = t->pkt_id;
		ev.have |= t->have;
		ev.indev = t->indev;
		ev.outdev = t->outdev;
	} else {
		s->xst.orphans++;
	}
	if (hook >= 0) {
		ev.hook = (uint8_t)hook;
		ev.have |= TE_HAVE_HOOK;
		ev.direction = (uint8_t)trace_hook_direction(ev.hook);
	}
	if (tb[NFTA_TRACE_MARK]) {
		ev.mark = attr_u32(tb[NFTA_TRACE_MARK]);
		ev.have |= TE_HAVE_MARK;
	}
	if (vtb[NFTA_VERDICT_CODE]) {
		ev.verdict = (int32_t)attr_u32(vtb[NFTA_VERDICT_CODE]);
		if (vtb[NFTA_VERDICT_CHAIN])
			ev.verdict_chain = attr_str(vtb[NFTA_VERDICT_CHAIN]);
	}

	/* Kind, position, text (formats.md 5.2 for the handle-less RULE). */
	if (type == NFT_TRACETYPE_POLICY) {
		ev.kind = TRACE_KIND_POLICY;
		ev.rulenum = c && s->exact ? c->nrules + 1 : 0;
		if (tb[NFTA_TRACE_POLICY]) {
			ev.verdict = (int32_t)attr_u32(tb[NFTA_TRACE_POLICY]);
			n = xt ? snprintf(s->ptext, sizeof(s->ptext), "-P %.*s %s",
					  (int)ev.chain.len, ev.chain.p,
					  ev.verdict == 1 ? "ACCEPT" : "DROP")
			       : snprintf(s->ptext, sizeof(s->ptext), "policy %s",
					  ev.verdict == 1 ? "accept" : "drop");
			ev.rule_text = (struct strref){ s->ptext, (uint32_t)n };
		}
	} else if (!tb[NFTA_TRACE_RULE_HANDLE]) {
		ev.kind = TRACE_KIND_RETURN;
		ev.rulenum = c && s->exact ? c->nrules + 1 : 0;
	} else {
		ev.kind = TRACE_KIND_RULE;
		ev.handle = be64toh(mnl_attr_get_u64(tb[NFTA_TRACE_RULE_HANDLE]));
		ev.have |= TE_HAVE_HANDLE;
		if (c && !nft_ruleset_rule(s->map, c, ev.handle, &ev.rulenum, &ev.rule_text) &&
		    s->exact)
			s->xst.unresolved++;
	}

	/*
	 * Print what the legacy kernel reports, so both backends show the
	 * same lines: the end of a base chain comes once, as its policy
	 * (nf_tables sends an implicit return first, which nft monitor trace
	 * does not print either); and the rule that set the trace, an
	 * iptables-nft "-j TRACE", is not itself reported by ip_tables.
	 */
	if (!s->all_events &&
	    ((ev.kind == TRACE_KIND_RETURN && !tb[NFTA_TRACE_RULE_HANDLE] && c && c->hook >= 0) ||
	     (xt && ev.kind == TRACE_KIND_RULE && ev.rule_text.len >= 9 &&
	     !memcmp(ev.rule_text.p + ev.rule_text.len - 9, " -j TRACE", 9)))) {
		s->st.skipped++;
		return 0;
	}
	/* A map of another generation: its position and text may be of
	 * rules the packet never saw; none is better than a wrong one.  (The
	 * -j TRACE test above used them: a wrong match there hides one
	 * event, never shows a wrong text.)  A policy's text is the
	 * kernel's own. */
	if (s->map && !s->exact) {
		if (ev.kind == TRACE_KIND_RULE)
			ev.rule_text = (struct strref){ NULL, 0 };
		ev.rulenum = 0;
		s->xst.inexact++;
	}

	kind = ev.kind == TRACE_KIND_RULE ? "rule" : ev.kind == TRACE_KIND_RETURN ? "return" : "policy";
	ev.nft_family = xt ? TRACE_NFT_NONE : tfam;
	ev.prefix = make_prefix(s->prefix, xt ? NULL : famname, ev.table, ev.chain, kind,
				ev.rulenum);

	n = nflog_record_build(&ev, s->record, sizeof(s->record));
	if (n > 0) {
		ev.record = s->record;
		ev.record_len = (uint32_t)n;
	}

	s->pending_drops = 0;
	s->st.events++;
	n = fn(&ev, arg);
	return n < 0 ? n : 1;
}

/* ---- messages and buffers --------------------------------------------------- */

static int on_msg(struct src_nft *s, const struct nlmsghdr *nlh, uint64_t ts,
		  source_event_fn fn, void *arg)
{
	if (nlh->nlmsg_type < NLMSG_MIN_TYPE ||
	    NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES) {
		s->st.skipped++;
		return 0;
	}
	switch (NFNL_MSG_TYPE(nlh->nlmsg_type)) {
	case NFT_MSG_TRACE:
		return on_trace(s, nlh, ts, fn, arg);
	case NFT_MSG_NEWTABLE:
	case NFT_MSG_DELTABLE:
	case NFT_MSG_NEWCHAIN:
	case NFT_MSG_DELCHAIN:
	case NFT_MSG_NEWRULE:
	case NFT_MSG_DELRULE:
	case NFT_MSG_DESTROYTABLE_:
	case NFT_MSG_DESTROYCHAIN_:
	case NFT_MSG_DESTROYRULE_:
		s->stale = true;
		break;
	case NFT_MSG_NEWGEN: {
		/* The transaction is complete: what follows in the stream
		 * passed the new ruleset. */
		const struct nlattr *a;
		bool have = false;
		uint32_t gen = 0;

		if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(struct nfgenmsg)) {
			mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
				if (mnl_attr_get_type(a) == NFTA_GEN_ID &&
				    mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
					gen = ntohl(mnl_attr_get_u32(a));
					have = true;
				}
			}
		}
		on_newgen(s, have, gen);
		break;
	}
	default:
		break; /* sets, elements, objects, flowtables: no rule moved */
	}
	s->xst.ruleset_msgs++;
	s->st.skipped++;
	return 0;
}

static int on_buf(struct src_nft *s, const void *buf, size_t len, uint64_t ts,
		  source_event_fn fn, void *arg)
{
	const struct nlmsghdr *nlh = buf;
	int left = len > INT32_MAX ? INT32_MAX : (int)len, done = 0, r;

	while (mnl_nlmsg_ok(nlh, left)) {
		/* Does the message end inside the buffer?  mnl_nlmsg_ok()
		 * compares the length as an int, so one of 2 GiB or more
		 * passes it, and mnl_nlmsg_next() would step out of the
		 * buffer. */
		if (nlh->nlmsg_len > (uint32_t)left)
			break;
		r = on_msg(s, nlh, ts, fn, arg);
		if (r < 0)
			return r;
		done += r;
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	/* Bytes left that are no whole message: a truncated one. */
	if (left > 0)
		malformed(s);
	return done;
}

int source_nftrace_parse(struct source *base, const void *buf, size_t len,
			 source_event_fn fn, void *arg)
{
	struct src_nft *s = (struct src_nft *)base;

	if (!base || base->ops != &nftrace_ops || (!buf && len))
		return -EINVAL;
	s->st.batches++;
	return on_buf(s, buf, len, now_ns(CLOCK_REALTIME), fn, arg);
}

/* ---- the socket -------------------------------------------------------------- */

/* The kernel's count of messages it could not queue for us (netlink_overrun()
 * increments sk_drops; SO_MEMINFO reads it). */
static void update_drops(struct src_nft *s)
{
	uint32_t mi[SK_MEMINFO_VARS];
	socklen_t l = sizeof(mi);
	uint32_t d;

	if (!s->xst.drops_known)
		return;
	if (getsockopt(mnl_socket_get_fd(s->nl), SOL_SOCKET, SO_MEMINFO, mi, &l) < 0 ||
	    l <= SK_MEMINFO_DROPS * sizeof(uint32_t)) {
		s->xst.drops_known = false;
		return;
	}
	d = mi[SK_MEMINFO_DROPS] - s->drops_last;
	s->drops_last = mi[SK_MEMINFO_DROPS];
	s->st.lost += d;
	s->pending_drops += d;
}

static int nft_fd(const struct source *base)
{
	const struct src_nft *s = (const struct src_nft *)base;

	return s->nl ? mnl_socket_get_fd(s->nl) : -1;
}

static int nft_read(struct source *base, source_event_fn fn, void *arg)
{
	struct src_nft *s = (struct src_nft *)base;
	int fd, total = 0, batch, n, i, r;

	if (!s->nl)
		return -EBADF;
	fd = mnl_socket_get_fd(s->nl);
	update_drops(s);
	for (batch = 0; batch < READ_BATCHES; batch++) {
		for (i = 0; i < RECV_SLOTS; i++) {
			s->iov[i] = (struct iovec){ s->rbuf + (size_t)i * RECV_SLOT, RECV_SLOT };
			memset(&s->msgs[i], 0, sizeof(s->msgs[i]));
			s->msgs[i].msg_hdr.msg_iov = &s->iov[i];
			s->msgs[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, s->msgs, RECV_SLOTS, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == ENOBUFS) {
				/* The kernel dropped messages.  A lost NEWGEN would
				 * leave the map stale: re-read once drained.  A lost
				 * first event would let a later packet with a reused
				 * trace id take an old packet's headers: forget them
				 * (events of traversals cut by the loss are orphans). */
				s->st.overruns++;
				update_drops(s);
				s->overrun_reload = true;
				memset(s->trav, 0, sizeof(s->trav));
				continue;
			}
			return -errno;
		}
		s->st.batches++;
		{
			uint64_t ts = now_ns(CLOCK_REALTIME);

			for (i = 0; i < n; i++) {
				if (s->msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
					s->xst.truncated++;
					s->overrun_reload = true;
				}
				r = on_buf(s, s->rbuf + (size_t)i * RECV_SLOT,
					   s->msgs[i].msg_len, ts, fn, arg);
				if (r < 0)
					return r;
				total += r;
			}
		}
		if (n < RECV_SLOTS)
			break;
	}
	if (s->overrun_reload && s->resolve &&
	    now_ns(CLOCK_MONOTONIC) - s->last_reload_ns >= RELOAD_MIN_NS) {
		/* Messages were lost, NEWGENs among them maybe: the stream's
		 * generation is unknown; the ruleset as it is now is the best
		 * guess (the loss is reported). */
		s->overrun_reload = false;
		if (reload(s) == 0)
			s->exact = s->gen_state != NFT_RULESET_GEN_MOVED;
	}
	return total;
}

static void nft_stats(const struct source *base, struct source_stats *st)
{
	*st = ((const struct src_nft *)base)->st;
	st->sock_drops = UINT64_MAX; /* lost is the socket's counter already */
}

void source_nftrace_stats(const struct source *base, struct source_nftrace_stats *st)
{
	*st = ((const struct src_nft *)base)->xst;
}

const struct nft_ruleset_texts *source_nftrace_snapshot(const struct source *base)
{
	const struct src_nft *s = (const struct src_nft *)base;

	return s->initial ? nft_ruleset_texts(s->initial) : NULL;
}

const char *source_nftrace_error(const struct source *base)
{
	return ((const struct src_nft *)base)->error;
}

static void nft_close(struct source *base)
{
	struct src_nft *s = (struct src_nft *)base;

	if (!s)
		return;
	if (s->nl)
		mnl_socket_close(s->nl);
	if (s->map != s->initial)
		nft_ruleset_free(s->map);
	nft_ruleset_free(s->initial);
	free(s->rbuf);
	free(s);
}

static const struct source_ops nftrace_ops = {
	.name = "nft",
	.fd = nft_fd,
	.read = nft_read,
	.stats = nft_stats,
	.close = nft_close,
};

static int open_socket(struct src_nft *s, size_t rcvbuf, char *err, size_t errlen)
{
	static const unsigned groups[] = { NFNLGRP_NFTRACE, NFNLGRP_NFTABLES };
	int fd, val, ret;
	socklen_t l = sizeof(val);
	uint32_t mi[SK_MEMINFO_VARS];
	size_t i;

	s->rbuf = malloc((size_t)RECV_SLOTS * RECV_SLOT);
	if (!s->rbuf) {
		errbuf_set(err, errlen, "allocating the receive buffer: out of memory");
		return -ENOMEM;
	}
	s->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!s->nl) {
		ret = -errno;
		errbuf_set(err, errlen, "opening a NETLINK_NETFILTER socket: %s", strerror(errno));
		return ret;
	}
	if (mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		errbuf_set(err, errlen, "binding the NETLINK_NETFILTER socket: %s", strerror(errno));
		return ret;
	}
	fd = mnl_socket_get_fd(s->nl);

	/* Big enough for bursts; SO_RCVBUFFORCE passes net.core.rmem_max. */
	val = rcvbuf > INT32_MAX / 2 ? INT32_MAX / 2 : (int)rcvbuf;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &val, sizeof(val)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &val, sizeof(val)) < 0) {
		ret = -errno;
		errbuf_set(err, errlen, "setting the receive buffer to %d bytes: %s", val,
		       strerror(errno));
		return ret;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &val, &l) == 0)
		s->xst.rcvbuf = val;

	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		val = (int)groups[i];
		if (mnl_socket_setsockopt(s->nl, NETLINK_ADD_MEMBERSHIP, &val, sizeof(val)) < 0) {
			ret = -errno;
			errbuf_set(err, errlen, "joining netlink group %s (%u): %s%s",
			       groups[i] == NFNLGRP_NFTRACE ? "NFNLGRP_NFTRACE" : "NFNLGRP_NFTABLES",
			       groups[i], strerror(errno),
			       errno == EPERM ? " (needs CAP_NET_ADMIN)" : "");
			return ret;
		}
	}

	l = sizeof(mi);
	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mi, &l) == 0 &&
	    l > SK_MEMINFO_DROPS * sizeof(uint32_t)) {
		s->xst.drops_known = true;
		s->drops_last = mi[SK_MEMINFO_DROPS];
	}
	return 0;
}

int source_nftrace_open(struct source **sp, const struct source_nftrace_config *cfg,
			char *err, size_t errlen)
{
	struct src_nft *s;
	char lerr[sizeof(s->error) - 32];
	uint32_t gen;
	int ret;

	*sp = NULL;
	s = calloc(1, sizeof(*s));
	if (!s) {
		errbuf_set(err, errlen, "allocating the nf_tables source: out of memory");
		return -ENOMEM;
	}
	s->base.ops = &nftrace_ops;
	s->resolve = cfg->resolve_rules;
	s->all_events = cfg->all_events;
	s->load = cfg->load ? cfg->load : default_load;
	s->load_arg = cfg->load_arg;

	if (!cfg->no_socket) {
		ret = open_socket(s, cfg->rcvbuf ? cfg->rcvbuf : SOURCE_NFTRACE_RCVBUF_DEFAULT,
				  err, errlen);
		if (ret < 0)
			goto fail;
	}
	if (s->resolve) {
		ret = s->load(&s->initial, s->load_arg, lerr, sizeof(lerr));
		if (ret < 0) {
			errbuf_set(err, errlen, "reading the nf_tables ruleset: %s", lerr);
			goto fail;
		}
		s->map = s->initial;
		s->last_reload_ns = now_ns(CLOCK_MONOTONIC);
		adopt_gen(s);
		s->exact = s->gen_state != NFT_RULESET_GEN_MOVED;
		/* The events queued since the subscription passed the
		 * generation of that moment; if the map is later, they wait
		 * for its NEWGEN, which is queued too. */
		if (s->nl && s->gen_state == NFT_RULESET_GEN_KNOWN &&
		    get_gen(&gen) == 0 && gen != s->map_gen)
			s->exact = false;
	}
	*sp = &s->base;
	return 0;

fail:
	nft_close(&s->base);
	return ret;
}
