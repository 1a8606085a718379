/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ruleset.c - the ruleset snapshot: iptables-save text -> per-chain rule
 * text, resolved per trace event.
 *
 * Storage: every byte of text a ruleset takes is copied once into a
 * "blob" that lives until ruleset_free(); rule texts are strrefs into
 * blobs, so a text handed out by ruleset_lookup() stays valid while rs
 * lives, even after its snapshot was replaced.  Per family there is one
 * snapshot: an array of chain records, each with an array of rule refs,
 * found through an open-addressing hash of (table, chain).
 */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "ruleset.h"

#define RS_MAX_TEXT (64u << 20)	  /* one snapshot or save file */
#define RS_MAX_KEPT (256u << 20)  /* all text one ruleset keeps */
#define RS_MAX_LINE (1u << 20)	  /* one line of a snapshot */
#define RS_MAX_CHAINS (1u << 20)  /* chains of one snapshot */
#define RS_MAX_IFNAMES (1u << 20) /* entries of the ifindex map */
#define RS_PART_MAX 65535	  /* pcapng option length is 16 bits */
#define RS_BUMP_BLOCK 16384
#define RS_SHOW 60		  /* offending text shown in errors */

#define NFPROTO_IPV4 2
#define NFPROTO_IPV6 10

static const char HEAD_WORD[] = "nftrace-ruleset";
static const char CONT_WORD[] = "nftrace-ruleset-cont";
static const char IFN_WORD[] = "nftrace-ifnames";
static const char CONT_LINE[] = "nftrace-ruleset-cont 1\n";
static const char NFT_LISTING_HEAD[] = "nftrace-ruleset 1 nft nft\n";
static const char IFN_LINE[] = "nftrace-ifnames 1\n";

struct rs_blob {
	struct rs_blob *next;
	char data[];
};

struct rs_chain {
	uint32_t hash;
	uint32_t nrules;
	uint32_t cap;
	uint8_t fidx;		/* 0 IPv4, 1 IPv6: which snapshot */
	struct strref table;
	struct strref name;
	struct strref policy;	/* "-P NAME POLICY"; len 0 for a user chain */
	struct strref *rules;	/* "-A NAME ...", counters removed */
};

struct rs_snap {
	struct rs_chain *chains;
	uint32_t nchains, cap;
	uint32_t *slots;	/* chain index + 1; 0 = free */
	uint32_t mask;
	uint8_t fidx;

	/* Parser state: kept between the parts of a snapshot. */
	struct strref table;	/* current table; len 0 between COMMIT and '*' */
	uint32_t table_line;
	uint32_t lineno;
	uint32_t last_chain;	/* chain index + 1 of the previous "-A" */
	size_t bytes;		/* text taken, for RS_MAX_TEXT */
	char *tail;		/* a line cut by the end of a full part */
	size_t tail_len, tail_cap;
};

struct rs_ifname {
	uint32_t ifindex;
	uint32_t seq;		/* order of arrival: the later entry wins */
	const char *name;
};

/* The lookup cache: written by the const lookup, so kept out of line. */
struct rs_cache {
	const struct rs_chain *last;
};

struct ruleset {
	struct rs_snap *snap[2];	/* active snapshot per family */
	struct rs_snap *pending;	/* the one continuation parts go to */
	bool pending_rejected;		/* the last head was rejected */
	bool ifn_run;			/* the last comment taken was ifnames */

	struct rs_blob *blobs;
	size_t kept;
	char *bump;			/* small allocations: names, policies */
	size_t bump_room;

	struct rs_ifname *ifn;
	uint32_t nifn, ifn_cap, ifn_seq;

	struct rs_cache *cache;
};

/* ---- errors --------------------------------------------------------- */


/*
 * The offending text, cut to RS_SHOW bytes (not inside a UTF-8 sequence),
 * control bytes shown as '?' so an error can go to a terminal as is.
 */
static const char *show(char buf[RS_SHOW + 4], const char *p, size_t len)
{
	size_t n = len, i;

	if (n > RS_SHOW) {
		n = RS_SHOW;
		while (n > 0 && ((unsigned char)p[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		buf[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (n < len)
		memcpy(buf + n, "...", 3), n += 3;
	buf[n] = '\0';
	return buf;
}

/* A name or word from the input, shown the same way. */
#define SHOW_REF(buf, r) show(buf, (r).p, (r).len)

/* ---- storage -------------------------------------------------------- */

static char *keep(struct ruleset *rs, size_t n)
{
	struct rs_blob *b = malloc(sizeof(*b) + (n ? n : 1));

	if (!b)
		return NULL;
	b->next = rs->blobs;
	rs->blobs = b;
	rs->kept += n;
	return b->data;
}

static char *bump(struct ruleset *rs, size_t n)
{
	char *p;

	if (n > rs->bump_room) {
		size_t sz = n > RS_BUMP_BLOCK ? n : RS_BUMP_BLOCK;

		rs->bump = keep(rs, sz);
		if (!rs->bump) {
			rs->bump_room = 0;
			return NULL;
		}
		rs->bump_room = sz;
	}
	p = rs->bump;
	rs->bump += n;
	rs->bump_room -= n;
	return p;
}

static void snap_free(struct rs_snap *s)
{
	uint32_t i;

	if (!s)
		return;
	for (i = 0; i < s->nchains; i++)
		free(s->chains[i].rules);
	free(s->chains);
	free(s->slots);
	free(s->tail);
	free(s);
}

struct ruleset *ruleset_new(void)
{
	struct ruleset *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return NULL;
	rs->cache = calloc(1, sizeof(*rs->cache));
	if (!rs->cache) {
		free(rs);
		return NULL;
	}
	return rs;
}

void ruleset_free(struct ruleset *rs)
{
	struct rs_blob *b, *next;

	if (!rs)
		return;
	snap_free(rs->snap[0]);
	snap_free(rs->snap[1]);
	for (b = rs->blobs; b; b = next) {
		next = b->next;
		free(b);
	}
	free(rs->ifn);
	free(rs->cache);
	free(rs);
}

/* ---- the chain index ------------------------------------------------ */

/* A word-at-a-time multiplicative hash: names are short. */
static uint32_t hash_mix(uint64_t h, const char *p, size_t len)
{
	uint64_t w;

	while (len >= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
		p += 8;
		len -= 8;
	}
	/* The last 0-7 bytes, without a variable-length memcpy() call. */
	w = 0;
	while (len)
		w = (w << 8) | (unsigned char)p[--len];
	h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 32);
}

static uint32_t chain_hash(struct strref table, struct strref chain)
{
	return hash_mix(hash_mix(0x243f6a8885a308d3ull, table.p, table.len),
			chain.p, chain.len);
}

/* Names are short: a loop beats a memcmp() call. */
static bool ref_eq(struct strref a, struct strref b)
{
	uint32_t i;

	if (a.len != b.len)
		return false;
	for (i = 0; i < a.len; i++)
		if (a.p[i] != b.p[i])
			return false;
	return true;
}

/* The chain's index + 1, or 0. */
static uint32_t snap_find(const struct rs_snap *s, uint32_t h,
			  struct strref table, struct strref chain)
{
	uint32_t i, slot;

	if (!s->slots)
		return 0;
	for (i = h & s->mask; (slot = s->slots[i]) != 0; i = (i + 1) & s->mask) {
		const struct rs_chain *c = &s->chains[slot - 1];

		if (c->hash == h && ref_eq(c->name, chain) &&
		    ref_eq(c->table, table))
			return slot;
	}
	return 0;
}

static int snap_rehash(struct rs_snap *s, uint32_t size)
{
	uint32_t *slots = calloc(size, sizeof(*slots));
	uint32_t i, j;

	if (!slots)
		return -ENOMEM;
	free(s->slots);
	s->slots = slots;
	s->mask = size - 1;
	for (i = 0; i < s->nchains; i++) {
		for (j = s->chains[i].hash & s->mask; slots[j];
		     j = (j + 1) & s->mask)
			;
		slots[j] = i + 1;
	}
	return 0;
}

/* ---- one line of iptables-save -------------------------------------- */

struct line {
	const char *p;
	size_t len;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The next blank-separated word of l from *pos on. */
static struct strref word_at(struct line l, size_t *pos)
{
	size_t i = *pos, start;

	while (i < l.len && is_blank(l.p[i]))
		i++;
	start = i;
	while (i < l.len && !is_blank(l.p[i]))
		i++;
	*pos = i;
	return (struct strref){ l.p + start, (uint32_t)(i - start) };
}

#define LINE_ERR(s, l, err, errlen, what, ...)                                 \
	do {                                                                   \
		char show_[RS_SHOW + 4];                                       \
		errbuf_set(err, errlen, "line %u: " what ": '%s'", (s)->lineno,     \
		       ##__VA_ARGS__, show(show_, (l).p, (l).len));            \
	} while (0)

static int line_table(struct rs_snap *s, struct line l, char *err,
		      size_t errlen)
{
	size_t pos = 1;
	struct strref name = word_at(l, &pos);

	if (s->table.len) {
		char tb[RS_SHOW + 4];

		LINE_ERR(s, l, err, errlen, "COMMIT missing for table '%s' of line %u",
			 SHOW_REF(tb, s->table), s->table_line);
		return -EINVAL;
	}
	if (!name.len || name.p != l.p + 1 || pos != l.len) {
		LINE_ERR(s, l, err, errlen, "bad table line");
		return -EINVAL;
	}
	s->table = name;
	s->table_line = s->lineno;
	return 0;
}

static int line_chain(struct ruleset *rs, struct rs_snap *s, struct line l,
		      char *err, size_t errlen)
{
	size_t pos = 1;
	struct strref name = word_at(l, &pos);
	struct strref policy = word_at(l, &pos);
	struct strref counters = word_at(l, &pos);
	struct rs_chain *c;
	uint32_t h;

	if (!s->table.len) {
		LINE_ERR(s, l, err, errlen, "chain outside a table");
		return -EINVAL;
	}
	if (!name.len || name.p != l.p + 1 || !policy.len ||
	    (counters.len && counters.p[0] != '[') || pos != l.len) {
		LINE_ERR(s, l, err, errlen, "bad chain line");
		return -EINVAL;
	}
	h = chain_hash(s->table, name);
	if (snap_find(s, h, s->table, name)) {
		char tb[RS_SHOW + 4];

		LINE_ERR(s, l, err, errlen, "chain declared twice in table '%s'",
			 SHOW_REF(tb, s->table));
		return -EINVAL;
	}
	if (s->nchains >= RS_MAX_CHAINS) {
		LINE_ERR(s, l, err, errlen, "more than %u chains", RS_MAX_CHAINS);
		return -EINVAL;
	}
	if (s->nchains == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 64;
		struct rs_chain *n = realloc(s->chains, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		s->chains = n;
		s->cap = cap;
	}
	c = &s->chains[s->nchains];
	memset(c, 0, sizeof(*c));
	c->hash = h;
	c->fidx = s->fidx;
	c->table = s->table;
	c->name = name;
	if (!(policy.len == 1 && policy.p[0] == '-')) {
		/* "-P " NAME " " POLICY */
		size_t n = 3 + name.len + 1 + policy.len;
		char *p = bump(rs, n);

		if (!p)
			return -ENOMEM;
		memcpy(p, "-P ", 3);
		memcpy(p + 3, name.p, name.len);
		p[3 + name.len] = ' ';
		memcpy(p + 4 + name.len, policy.p, policy.len);
		c->policy = (struct strref){ p, (uint32_t)n };
	}
	s->nchains++;
	if ((uint64_t)s->nchains * 2 > (uint64_t)s->mask + 1 || !s->slots) {
		int ret = snap_rehash(s, s->slots ? (s->mask + 1) * 2 : 128);

		if (ret < 0) {
			s->nchains--;
			return ret;
		}
	} else {
		uint32_t j;

		for (j = h & s->mask; s->slots[j]; j = (j + 1) & s->mask)
			;
		s->slots[j] = s->nchains;
	}
	return 0;
}

static int line_rule(struct rs_snap *s, struct line l, char *err,
		     size_t errlen)
{
	struct line r = l;
	struct rs_chain *c;
	struct strref name;
	size_t pos;

	/* "[packets:bytes] " in front: iptables-save -c */
	if (r.len && r.p[0] == '[') {
		const char *close = memchr(r.p, ']', r.len);

		pos = close ? (size_t)(close - r.p) + 1 : r.len;
		if (!close || pos == r.len || !is_blank(r.p[pos])) {
			LINE_ERR(s, l, err, errlen, "bad counters");
			return -EINVAL;
		}
		while (pos < r.len && is_blank(r.p[pos]))
			pos++;
		r.p += pos;
		r.len -= pos;
	}
	if (r.len < 2 || r.p[0] != '-' || r.p[1] != 'A' ||
	    (r.len > 2 && !is_blank(r.p[2]))) {
		LINE_ERR(s, l, err, errlen, "unexpected line");
		return -EINVAL;
	}
	if (!s->table.len) {
		LINE_ERR(s, l, err, errlen, "rule outside a table");
		return -EINVAL;
	}
	pos = 2;
	name = word_at(r, &pos);
	c = s->last_chain ? &s->chains[s->last_chain - 1] : NULL;
	if (!c || !ref_eq(c->name, name) || !ref_eq(c->table, s->table)) {
		uint32_t slot = snap_find(s, chain_hash(s->table, name),
					  s->table, name);

		if (!slot) {
			char cb[RS_SHOW + 4], tb[RS_SHOW + 4];

			LINE_ERR(s, l, err, errlen,
				 "rule for chain '%s' not declared in table '%s'",
				 SHOW_REF(cb, name), SHOW_REF(tb, s->table));
			return -EINVAL;
		}
		s->last_chain = slot;
		c = &s->chains[slot - 1];
	}
	if (c->nrules == c->cap) {
		uint32_t cap = c->cap ? c->cap * 2 : 8;
		struct strref *n = realloc(c->rules, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		c->rules = n;
		c->cap = cap;
	}
	c->rules[c->nrules++] = (struct strref){ r.p, (uint32_t)r.len };
	return 0;
}

static int snap_line(struct ruleset *rs, struct rs_snap *s, const char *p,
		     size_t len, char *err, size_t errlen)
{
	struct line l = { p, len };

	s->lineno++;
	if (l.len > RS_MAX_LINE) {
		LINE_ERR(s, l, err, errlen, "longer than %u bytes", RS_MAX_LINE);
		return -EINVAL;
	}
	while (l.len && (is_blank(l.p[l.len - 1]) || l.p[l.len - 1] == '\r'))
		l.len--;
	if (memchr(l.p, '\0', l.len)) {
		LINE_ERR(s, l, err, errlen, "NUL byte in line");
		return -EINVAL;
	}
	if (l.len == 0 || l.p[0] == '#')
		return 0;
	switch (l.p[0]) {
	case '*':
		return line_table(s, l, err, errlen);
	case ':':
		return line_chain(rs, s, l, err, errlen);
	}
	if (l.len == 6 && memcmp(l.p, "COMMIT", 6) == 0) {
		if (!s->table.len) {
			LINE_ERR(s, l, err, errlen, "COMMIT outside a table");
			return -EINVAL;
		}
		s->table.len = 0;
		s->last_chain = 0;
		return 0;
	}
	return line_rule(s, l, err, errlen);
}

/* Does the text still fit the limits?  Reserves it if so. */
static int take_bytes(struct ruleset *rs, struct rs_snap *s, size_t len,
		      char *err, size_t errlen)
{
	if (len > RS_MAX_TEXT - s->bytes) {
		errbuf_set(err, errlen,
		       "ruleset text larger than the limit of %u MiB",
		       RS_MAX_TEXT >> 20);
		return -EINVAL;
	}
	if (rs->kept > RS_MAX_KEPT || len > RS_MAX_KEPT - rs->kept) {
		errbuf_set(err, errlen,
		       "rulesets kept larger than the limit of %u MiB in all",
		       RS_MAX_KEPT >> 20);
		return -EINVAL;
	}
	s->bytes += len;
	return 0;
}

/* Keep the start of a line that the end of a full part cut. */
static int tail_append(struct rs_snap *s, const char *p, size_t n, char *err,
		       size_t errlen)
{
	if (n > RS_MAX_LINE - s->tail_len) {
		errbuf_set(err, errlen, "line %u: longer than %u bytes",
		       s->lineno + 1, RS_MAX_LINE);
		return -EINVAL;
	}
	if (s->tail_len + n > s->tail_cap) {
		size_t cap = (s->tail_len + n) * 2;
		char *t = realloc(s->tail, cap);

		if (!t)
			return -ENOMEM;
		s->tail = t;
		s->tail_cap = cap;
	}
	memcpy(s->tail + s->tail_len, p, n);
	s->tail_len += n;
	return 0;
}

/*
 * Parse the lines of one piece of text.  A last line without a newline is
 * a complete line when final is set; otherwise (a full part that ended
 * mid-line) it waits in s->tail for the next part.
 */
static int snap_feed(struct ruleset *rs, struct rs_snap *s, const char *text,
		     size_t len, bool final, char *err, size_t errlen)
{
	const char *p, *end, *nl;
	char *copy;
	int ret;

	ret = take_bytes(rs, s, len, err, errlen);
	if (ret < 0)
		return ret;
	copy = keep(rs, len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, len);
	p = copy;
	end = copy + len;

	if (s->tail_len) {
		char *line;

		nl = memchr(p, '\n', (size_t)(end - p));
		ret = tail_append(s, p, nl ? (size_t)(nl - p) : (size_t)(end - p),
				  err, errlen);
		if (ret < 0 || (!nl && !final))
			return ret;
		line = keep(rs, s->tail_len);
		if (!line)
			return -ENOMEM;
		memcpy(line, s->tail, s->tail_len);
		ret = snap_line(rs, s, line, s->tail_len, err, errlen);
		s->tail_len = 0;
		if (ret < 0)
			return ret;
		p = nl ? nl + 1 : end;
	}
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl && !final)
			return tail_append(s, p, (size_t)(end - p), err, errlen);
		ret = snap_line(rs, s, p, nl ? (size_t)(nl - p) : (size_t)(end - p),
				err, errlen);
		if (ret < 0)
			return ret;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static int family_index(uint8_t family)
{
	if (family == NFPROTO_IPV4)
		return 0;
	if (family == NFPROTO_IPV6)
		return 1;
	return -1;
}

static struct rs_snap *snap_new(int fidx)
{
	struct rs_snap *s = calloc(1, sizeof(*s));

	if (s)
		s->fidx = (uint8_t)fidx;
	return s;
}

/* Make s the snapshot of its family (s may be NULL: the family has none). */
static void install(struct ruleset *rs, int fidx, struct rs_snap *s)
{
	__atomic_store_n(&rs->cache->last, NULL, __ATOMIC_RELAXED);
	if (rs->pending == rs->snap[fidx])
		rs->pending = NULL;
	snap_free(rs->snap[fidx]);
	rs->snap[fidx] = s;
}

/* ---- iptables-save files -------------------------------------------- */

static uint8_t detect_family(const char *text, size_t len)
{
	static const char gen[] = "# Generated by ";
	size_t pos = 0;

	/* Only the comments in front of the first table count. */
	while (pos < len) {
		const char *p = text + pos, *nl = memchr(p, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - p) : len - pos;

		pos += n + 1;
		if (n && p[0] != '#')
			break;
		if (n >= sizeof(gen) - 1 &&
		    memcmp(p, gen, sizeof(gen) - 1) == 0)
			return n >= sizeof(gen) - 1 + 3 &&
					       memcmp(p + sizeof(gen) - 1, "ip6", 3) == 0
				       ? NFPROTO_IPV6
				       : NFPROTO_IPV4;
	}
	return NFPROTO_IPV4;
}

int ruleset_add_save(struct ruleset *rs, uint8_t family, const char *text,
		     size_t len, char *err, size_t errlen)
{
	struct rs_snap *s;
	int fidx, ret;

	if (!rs || (!text && len)) {
		errbuf_set(err, errlen, "no ruleset or no text");
		return -EINVAL;
	}
	if (family == 0)
		family = detect_family(text, len);
	fidx = family_index(family);
	if (fidx < 0) {
		errbuf_set(err, errlen, "family %u is neither IPv4 (2) nor IPv6 (10)",
		       family);
		return -EINVAL;
	}
	s = snap_new(fidx);
	if (!s)
		return -ENOMEM;
	ret = snap_feed(rs, s, text ? text : "", len, true, err, errlen);
	if (ret == 0 && s->table.len) {
		char tb[RS_SHOW + 4];

		errbuf_set(err, errlen, "line %u: table '%s' has no COMMIT",
		       s->table_line, SHOW_REF(tb, s->table));
		ret = -EINVAL;
	}
	if (ret < 0) {
		snap_free(s);
		return ret;
	}
	install(rs, fidx, s);
	rs->pending = NULL;
	rs->pending_rejected = false;
	return 0;
}

/* ---- SHB comments --------------------------------------------------- */

/* The first line of a comment, without its newline. */
static struct line first_line(const char *text, size_t len, size_t *next)
{
	const char *nl = memchr(text, '\n', len);
	size_t n = nl ? (size_t)(nl - text) : len;

	*next = nl ? n + 1 : len;
	if (n && text[n - 1] == '\r')
		n--;
	return (struct line){ text, n };
}

static bool word_is(struct strref w, const char *s)
{
	return strref_eq(w, s, strlen(s));
}

static int comment_head(struct ruleset *rs, struct line head, const char *body,
			size_t blen, bool full, char *err, size_t errlen)
{
	size_t pos = 0;
	struct strref w[5];
	struct rs_snap *s = NULL;
	char buf[RS_SHOW + 4], wb[RS_SHOW + 4];
	int i, fidx, ret = -EINVAL;

	for (i = 0; i < 5; i++)
		w[i] = word_at(head, &pos);
	if (!word_is(w[1], "1")) {
		errbuf_set(err, errlen,
		       "line 1: unsupported snapshot version '%s': '%s'",
		       SHOW_REF(wb, w[1]), show(buf, head.p, head.len));
		goto reject;
	}
	/* The `nft list ruleset` text of an nf_tables capture: its events
	 * carry their rule text in the packet comments, so the listing is
	 * kept in the file for people, and skipped here with its parts. */
	if (word_is(w[2], "nft") && word_is(w[3], "nft") && !w[4].len) {
		rs->pending = NULL;
		rs->pending_rejected = true;
		return 1;
	}
	fidx = word_is(w[2], "ipv4") ? 0 : word_is(w[2], "ipv6") ? 1 : -1;
	if (fidx < 0) {
		errbuf_set(err, errlen, "line 1: unknown family '%s': '%s'",
		       SHOW_REF(wb, w[2]), show(buf, head.p, head.len));
		goto reject;
	}
	if (!word_is(w[3], "legacy") && !word_is(w[3], "nft")) {
		errbuf_set(err, errlen, "line 1: unknown backend '%s': '%s'",
		       SHOW_REF(wb, w[3]), show(buf, head.p, head.len));
		goto reject;
	}
	if (w[4].len) {
		errbuf_set(err, errlen, "line 1: trailing words: '%s'",
		       show(buf, head.p, head.len));
		goto reject;
	}
	/* A new head replaces the family's snapshot even if it fails. */
	install(rs, fidx, NULL);
	s = snap_new(fidx);
	if (!s) {
		ret = -ENOMEM;
		goto reject;
	}
	s->lineno = 1;
	ret = snap_feed(rs, s, body, blen, !full, err, errlen);
	if (ret < 0)
		goto reject;
	install(rs, fidx, s);
	rs->pending = s;
	rs->pending_rejected = false;
	return 1;

reject:
	snap_free(s);
	rs->pending = NULL;
	rs->pending_rejected = true;
	return ret;
}

static int comment_cont(struct ruleset *rs, struct line head, const char *body,
			size_t blen, bool full, char *err, size_t errlen)
{
	size_t pos = 0;
	struct strref w[3];
	struct rs_snap *s = rs->pending;
	char buf[RS_SHOW + 4];
	int i, ret;

	for (i = 0; i < 3; i++)
		w[i] = word_at(head, &pos);
	if (!word_is(w[1], "1") || w[2].len) {
		errbuf_set(err, errlen,
		       "line 1: unsupported snapshot continuation: '%s'",
		       show(buf, head.p, head.len));
		return -EINVAL;
	}
	if (!s) {
		/* The head was rejected already: one error is enough. */
		if (rs->pending_rejected)
			return 1;
		errbuf_set(err, errlen,
		       "line 1: snapshot continuation without a snapshot before it: '%s'",
		       show(buf, head.p, head.len));
		return -EINVAL;
	}
	__atomic_store_n(&rs->cache->last, NULL, __ATOMIC_RELAXED);
	ret = snap_feed(rs, s, body, blen, !full, err, errlen);
	if (ret < 0) {
		install(rs, s->fidx, NULL);
		rs->pending = NULL;
		rs->pending_rejected = true;
		return ret;
	}
	return 1;
}

static int ifn_cmp(const void *a, const void *b)
{
	const struct rs_ifname *x = a, *y = b;

	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int ifn_add(struct ruleset *rs, uint32_t ifindex, struct strref name)
{
	char *p;

	if (rs->nifn == rs->ifn_cap) {
		uint32_t cap = rs->ifn_cap ? rs->ifn_cap * 2 : 32;
		struct rs_ifname *n = realloc(rs->ifn, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		rs->ifn = n;
		rs->ifn_cap = cap;
	}
	p = bump(rs, name.len + 1);
	if (!p)
		return -ENOMEM;
	memcpy(p, name.p, name.len);
	p[name.len] = '\0';
	rs->ifn[rs->nifn++] = (struct rs_ifname){ ifindex, rs->ifn_seq++, p };
	return 0;
}

/* Sort by ifindex; of equal ones keep the last to arrive. */
static void ifn_settle(struct ruleset *rs)
{
	uint32_t i, o = 0;

	if (!rs->nifn)
		return;
	qsort(rs->ifn, rs->nifn, sizeof(*rs->ifn), ifn_cmp);
	for (i = 0; i < rs->nifn; i++) {
		if (i + 1 < rs->nifn && rs->ifn[i + 1].ifindex == rs->ifn[i].ifindex)
			continue;
		rs->ifn[o++] = rs->ifn[i];
	}
	rs->nifn = o;
}

static int parse_u32(struct strref w, uint32_t *v)
{
	uint64_t n = 0;
	uint32_t i;

	if (!w.len || w.len > 10)
		return -EINVAL;
	for (i = 0; i < w.len; i++) {
		if (w.p[i] < '0' || w.p[i] > '9')
			return -EINVAL;
		n = n * 10 + (uint64_t)(w.p[i] - '0');
	}
	if (n > UINT32_MAX)
		return -EINVAL;
	*v = (uint32_t)n;
	return 0;
}

/*
 * Ifnames comments in a row (nothing else taken between them) build one
 * map; one after any other comment starts a new map.
 */
static int comment_ifnames(struct ruleset *rs, struct line head,
			   const char *text, size_t len, size_t pos,
			   char *err, size_t errlen)
{
	char buf[RS_SHOW + 4];
	size_t hp = 0;
	struct strref w[3];
	uint32_t lineno = 1;
	int i, ret;

	for (i = 0; i < 3; i++)
		w[i] = word_at(head, &hp);
	if (!word_is(w[1], "1") || w[2].len) {
		errbuf_set(err, errlen, "line 1: unsupported ifnames version: '%s'",
		       show(buf, head.p, head.len));
		return -EINVAL;
	}
	if (!rs->ifn_run)
		rs->nifn = 0;
	rs->ifn_run = true;
	if (rs->kept > RS_MAX_KEPT || len - pos > RS_MAX_KEPT - rs->kept) {
		errbuf_set(err, errlen,
		       "rulesets kept larger than the limit of %u MiB in all",
		       RS_MAX_KEPT >> 20);
		return -EINVAL;
	}
	while (pos < len) {
		struct line l;
		struct strref idx, name, extra;
		uint32_t ifindex;
		size_t next, lp = 0;

		l = first_line(text + pos, len - pos, &next);
		pos += next;
		lineno++;
		idx = word_at(l, &lp);
		if (!idx.len)
			continue;
		name = word_at(l, &lp);
		extra = word_at(l, &lp);
		if (parse_u32(idx, &ifindex) < 0 || ifindex == 0 ||
		    !name.len || name.len >= IF_NAMESIZE ||
		    memchr(name.p, '\0', name.len) || extra.len ||
		    idx.p != l.p) {
			errbuf_set(err, errlen, "line %u: bad interface line: '%s'",
			       lineno, show(buf, l.p, l.len));
			ret = -EINVAL;
			goto out;
		}
		if (rs->nifn >= RS_MAX_IFNAMES) {
			errbuf_set(err, errlen, "line %u: more than %u interfaces",
			       lineno, RS_MAX_IFNAMES);
			ret = -EINVAL;
			goto out;
		}
		ret = ifn_add(rs, ifindex, name);
		if (ret < 0)
			goto out;
	}
	ret = 1;
out:
	ifn_settle(rs);
	return ret;
}

int ruleset_add_comment(struct ruleset *rs, const char *text, size_t len,
			char *err, size_t errlen)
{
	struct line head;
	struct strref w;
	size_t next, pos = 0;
	bool full;

	if (!rs || !text)
		return 0;
	head = first_line(text, len, &next);
	w = word_at(head, &pos);
	if (w.p != text)
		return 0;
	/* A full part that ends mid-line continues in the next one. */
	full = len >= RS_PART_MAX - 3 && text[len - 1] != '\n';
	if (word_is(w, HEAD_WORD)) {
		rs->ifn_run = false;
		return comment_head(rs, head, text + next, len - next, full,
				    err, errlen);
	}
	if (word_is(w, CONT_WORD)) {
		rs->ifn_run = false;
		return comment_cont(rs, head, text + next, len - next, full,
				    err, errlen);
	}
	if (word_is(w, IFN_WORD))
		return comment_ifnames(rs, head, text, len, next, err, errlen);
	return 0;
}

/* ---- lookups -------------------------------------------------------- */

int ruleset_lookup(const struct ruleset *rs, const struct trace_event *ev,
		   struct strref *text)
{
	const struct rs_chain *c;
	const struct rs_snap *s;
	uint32_t n;
	int fidx;

	if (!rs || !ev || ev->nft_family != TRACE_NFT_NONE || !ev->table.len ||
	    !ev->chain.len)
		return 0;
	fidx = family_index(ev->family);
	if (fidx < 0 || !(s = rs->snap[fidx]))
		return 0;
	c = __atomic_load_n(&rs->cache->last, __ATOMIC_RELAXED);
	if (!c || c->fidx != fidx || !ref_eq(c->name, ev->chain) ||
	    !ref_eq(c->table, ev->table)) {
		uint32_t slot = snap_find(s, chain_hash(ev->table, ev->chain),
					  ev->table, ev->chain);

		if (!slot)
			return 0;
		c = &s->chains[slot - 1];
		__atomic_store_n(&rs->cache->last, c, __ATOMIC_RELAXED);
	}

	/*
	 * ip_tables.c trace_packet() counts the entries of a chain from 1;
	 * an unconditional rule with a standard verdict is reported as
	 * "policy" (base chain) or "return" (user chain) with its own
	 * number, and the chain's tail (policy / implicit return) is
	 * number rules + 1.
	 */
	n = ev->rulenum;
	switch (ev->kind) {
	case TRACE_KIND_RULE:
	case TRACE_KIND_RETURN:
		if (n < 1 || n > c->nrules)
			return 0;
		*text = c->rules[n - 1];
		return 1;
	case TRACE_KIND_POLICY:
		if (n >= 1 && n <= c->nrules) {
			*text = c->rules[n - 1];
			return 1;
		}
		if (n == c->nrules + 1 && c->policy.len) {
			*text = c->policy;
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}

const char *ruleset_ifname(const struct ruleset *rs, uint32_t ifindex)
{
	uint32_t lo = 0, hi;

	if (!rs)
		return NULL;
	hi = rs->nifn;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (rs->ifn[mid].ifindex == ifindex)
			return rs->ifn[mid].name;
		if (rs->ifn[mid].ifindex < ifindex)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int ruleset_empty(const struct ruleset *rs)
{
	return !rs || (!rs->snap[0] && !rs->snap[1]);
}

/* ---- writing snapshots ---------------------------------------------- */

/* Append one malloc'd copy of buf to *parts. */
static int push_part(char ***parts, size_t *nparts, const char *buf,
		     size_t len)
{
	char **n = realloc(*parts, (*nparts + 1) * sizeof(*n));
	char *p;

	if (!n)
		return -ENOMEM;
	*parts = n;
	p = malloc(len + 1);
	if (!p)
		return -ENOMEM;
	memcpy(p, buf, len);
	p[len] = '\0';
	n[(*nparts)++] = p;
	return 0;
}

static void drop_parts(char **parts, size_t *nparts, size_t keep_n)
{
	while (*nparts > keep_n)
		free(parts[--*nparts]);
}

/*
 * Split head + text into parts of at most RS_PART_MAX bytes at line
 * boundaries; a line longer than a part is cut (not inside a UTF-8
 * sequence) and continued in the next part.  text must end with '\n'.
 */
static int split_parts(const char *head, const char *cont, const char *text,
		       size_t len, char ***parts, size_t *nparts)
{
	size_t start = *nparts, pos = 0, hlen = strlen(head);
	char *buf = malloc(RS_PART_MAX);
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	memcpy(buf, head, hlen);
	do {
		size_t used = hlen, take = 0;

		while (pos + take < len) {
			/* Look no further than the room left: a long line
			 * must not be scanned once per part. */
			const char *q = text + pos + take;
			size_t rest = len - pos - take;
			size_t room = RS_PART_MAX - used - take;
			const char *nl = memchr(q, '\n', rest < room ? rest : room);

			if (!nl) {
				if (rest <= room)
					take += rest;
				break;
			}
			take += (size_t)(nl - q) + 1;
		}
		if (take == 0 && pos < len) {
			/* A line longer than a whole part: cut it. */
			int back = 0;

			take = RS_PART_MAX - used;
			while (back++ < 3 &&
			       ((unsigned char)text[pos + take] & 0xc0) == 0x80)
				take--;
		}
		memcpy(buf + used, text + pos, take);
		pos += take;
		ret = push_part(parts, nparts, buf, used + take);
		if (ret < 0)
			break;
		hlen = strlen(cont);
		memcpy(buf, cont, hlen);
	} while (pos < len);
	free(buf);
	if (ret < 0) {
		drop_parts(*parts, nparts, start);
		return ret;
	}
	return (int)(*nparts - start);
}

int ruleset_snapshot_format(uint8_t family, const char *backend,
			    const char *save_text, size_t len,
			    char ***parts, size_t *nparts)
{
	char head[64], *copy = NULL;
	const char *fam;
	size_t i;
	int ret;

	fam = family == NFPROTO_IPV4 ? "ipv4" : family == NFPROTO_IPV6 ? "ipv6" : NULL;
	if (!fam || !backend || !*backend || strlen(backend) > 16 || !parts ||
	    !nparts || (!save_text && len))
		return -EINVAL;
	for (i = 0; backend[i]; i++)
		if ((unsigned char)backend[i] <= ' ' || backend[i] == 0x7f)
			return -EINVAL;
	if (len > RS_MAX_TEXT)
		return -EFBIG;
	if (len && memchr(save_text, '\0', len))
		return -EINVAL;
	snprintf(head, sizeof(head), "%s 1 %s %s\n", HEAD_WORD, fam, backend);

	/* Every part but a cut one ends with a newline: see snap_feed(). */
	if (len && save_text[len - 1] != '\n') {
		copy = malloc(len + 1);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, save_text, len);
		copy[len++] = '\n';
		save_text = copy;
	}
	ret = split_parts(head, CONT_LINE, save_text ? save_text : "", len,
			  parts, nparts);
	free(copy);
	return ret;
}

int ruleset_nft_listing_format(const char *text, size_t len, char ***parts, size_t *nparts)
{
	char *copy = NULL;
	int ret;

	if (!parts || !nparts || (!text && len))
		return -EINVAL;
	if (len > RS_MAX_TEXT)
		return -EFBIG;
	if (len && text[len - 1] != '\n') {
		copy = malloc(len + 1);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, text, len);
		copy[len++] = '\n';
		text = copy;
	}
	ret = split_parts(NFT_LISTING_HEAD, CONT_LINE, text ? text : "", len, parts, nparts);
	free(copy);
	return ret;
}

int ruleset_ifnames_format(char ***parts, size_t *nparts)
{
	struct if_nameindex *ifs, *i;
	size_t len = 0, cap = 4096, start;
	char *text;
	int ret;

	if (!parts || !nparts)
		return -EINVAL;
	ifs = if_nameindex();
	if (!ifs)
		return -errno;
	text = malloc(cap);
	if (!text) {
		if_freenameindex(ifs);
		return -ENOMEM;
	}
	for (i = ifs; i->if_index; i++) {
		char line[16 + IF_NAMESIZE + 2];
		int n = snprintf(line, sizeof(line), "%u %.*s\n", i->if_index,
				 IF_NAMESIZE - 1, i->if_name);

		if (n <= 0 || (size_t)n >= sizeof(line))
			continue;
		if (len + (size_t)n > cap) {
			char *t = realloc(text, cap * 2);

			if (!t) {
				free(text);
				if_freenameindex(ifs);
				return -ENOMEM;
			}
			text = t;
			cap *= 2;
		}
		memcpy(text + len, line, (size_t)n);
		len += (size_t)n;
	}
	if_freenameindex(ifs);

	/* Lines are short, so every part is whole lines; each one carries
	 * its own header (consecutive ifnames comments form one map). */
	start = *nparts;
	ret = split_parts(IFN_LINE, IFN_LINE, text, len, parts, nparts);
	free(text);
	return ret < 0 ? ret : (int)(*nparts - start);
}
