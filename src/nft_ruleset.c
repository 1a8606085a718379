/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nft_ruleset.c - (family, table, chain, handle) -> (position, text, hook),
 * from `nft -s -a list ruleset` and iptables-nft-save / ip6tables-nft-save.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "names.h"
#include "ruleset.h"
#include "nft_ruleset.h"
#include "runcmd.h"

#define NR_MAX_TEXT (64u << 20)	 /* one tool's output */
#define NR_MAX_LOGICAL (1u << 20) /* one rule joined from several lines */
#define NR_SHOW 60		 /* offending text quoted in errors */


struct nr_rule {
	uint64_t handle;
	struct strref text;
};

struct nr_byhandle {
	uint64_t handle;
	uint32_t pos; /* 1-based */
};

struct nr_chain {
	struct nft_ruleset_chain pub; /* first: nft_ruleset_chain() returns it */
	uint32_t hash;
	uint32_t table;		      /* index into tables */
	struct strref name;
	bool listed;		      /* a ":NAME" line in the table's save output */
};

struct nr_table {
	uint8_t family;
	bool xt;
	uint32_t hooks;
	struct strref name;
};

struct nr_blob {
	struct nr_blob *next;
	char data[];
};

struct nft_ruleset {
	struct nft_ruleset_texts texts; /* point at the owned copies */
	char *nft, *ipt, *ip6t;

	struct nr_table *tables;
	uint32_t ntables, tcap;
	struct nr_chain *chains;
	uint32_t nchains, ccap;
	struct nr_rule *rules;
	uint32_t nrules, rcap;
	struct nr_byhandle *byhandle; /* per chain segment, sorted by handle */
	uint32_t *slots;	      /* chain index + 1; 0 = free */
	uint32_t nslots;	      /* power of two */
	struct nr_blob *blobs;	      /* joined multi-line rules */
	enum nft_ruleset_gen gen_state;
	uint32_t gen;
};


/* Printable excerpt of a line for error messages. */
static const char *show(char *buf, size_t cap, const char *p, size_t len)
{
	size_t i, n = len < cap - 4 ? len : cap - 4;

	for (i = 0; i < n; i++)
		buf[i] = (p[i] >= ' ' && p[i] < 0x7f) ? p[i] : '?';
	if (n < len)
		memcpy(buf + n, "...", 4);
	else
		buf[n] = '\0';
	return buf;
}

static uint32_t chain_hash(uint8_t family, struct strref table, struct strref chain)
{
	uint32_t h = 2166136261u;
	uint32_t i;

	h = (h ^ family) * 16777619u;
	for (i = 0; i < table.len; i++)
		h = (h ^ (uint8_t)table.p[i]) * 16777619u;
	h = (h ^ 0xffu) * 16777619u;
	for (i = 0; i < chain.len; i++)
		h = (h ^ (uint8_t)chain.p[i]) * 16777619u;
	return h;
}

static bool sref_eq(struct strref a, struct strref b)
{
	return a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
}

static bool sref_is(struct strref a, const char *s)
{
	return strref_eq(a, s, strlen(s));
}

/* Grow *arr (element size sz) so that it holds at least n + 1 elements. */
static int grow(void *arrp, uint32_t *cap, uint32_t n, size_t sz)
{
	void **arr = arrp;
	uint32_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	if (*cap >= (1u << 30))
		return -ENOMEM;
	ncap = *cap ? *cap * 2 : 16;
	p = realloc(*arr, (size_t)ncap * sz);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

static char *blob_alloc(struct nft_ruleset *rs, size_t len)
{
	struct nr_blob *b = malloc(sizeof(*b) + len);

	if (!b)
		return NULL;
	b->next = rs->blobs;
	rs->blobs = b;
	return b->data;
}

void nft_ruleset_free(struct nft_ruleset *rs)
{
	struct nr_blob *b, *n;

	if (!rs)
		return;
	for (b = rs->blobs; b; b = n) {
		n = b->next;
		free(b);
	}
	free(rs->nft);
	free(rs->ipt);
	free(rs->ip6t);
	free(rs->tables);
	free(rs->chains);
	free(rs->rules);
	free(rs->byhandle);
	free(rs->slots);
	free(rs);
}

const struct nft_ruleset_texts *nft_ruleset_texts(const struct nft_ruleset *rs)
{
	return &rs->texts;
}

void nft_ruleset_set_gen(struct nft_ruleset *rs, enum nft_ruleset_gen state, uint32_t gen)
{
	rs->gen_state = state;
	rs->gen = gen;
}

enum nft_ruleset_gen nft_ruleset_gen(const struct nft_ruleset *rs, uint32_t *gen)
{
	*gen = rs->gen;
	return rs->gen_state;
}

/* ---- lines and words ------------------------------------------------- */

struct cursor {
	const char *p, *end;
	unsigned lineno;
};

/* Next physical line without its newline; false at the end. */
static bool next_line(struct cursor *c, struct strref *line)
{
	const char *nl;

	if (c->p >= c->end)
		return false;
	nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	if (!nl)
		nl = c->end;
	line->p = c->p;
	line->len = (uint32_t)(nl - c->p);
	c->p = nl < c->end ? nl + 1 : nl;
	c->lineno++;
	return true;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
}

static struct strref trim(struct strref s)
{
	while (s.len && is_space(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len && is_space(s.p[s.len - 1]))
		s.len--;
	return s;
}

/*
 * The next word of s from *pos: a run of non-blanks, or a "quoted string"
 * (returned without its quotes).  len 0 at the end.
 */
static struct strref word_at(struct strref s, uint32_t *pos)
{
	struct strref w = { s.p + s.len, 0 };
	uint32_t i = *pos, start;

	while (i < s.len && is_space(s.p[i]))
		i++;
	if (i >= s.len) {
		*pos = i;
		return w;
	}
	if (s.p[i] == '"') {
		start = ++i;
		while (i < s.len && s.p[i] != '"')
			i++;
		w = (struct strref){ s.p + start, i - start };
		if (i < s.len)
			i++;
	} else {
		start = i;
		while (i < s.len && !is_space(s.p[i]))
			i++;
		w = (struct strref){ s.p + start, i - start };
	}
	*pos = i;
	return w;
}

/*
 * Scan a line the way nft's scanner does for our purposes: braces outside
 * "quoted strings" count towards the nesting depth, and an unquoted '#'
 * starts a comment.  Returns the brace balance of the line; *comment is the
 * offset of the comment's '#' or s.len if there is none.
 */
static int scan_line(struct strref s, uint32_t *comment)
{
	bool quoted = false;
	int bal = 0;
	uint32_t i;

	*comment = s.len;
	for (i = 0; i < s.len; i++) {
		char ch = s.p[i];

		if (ch == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (ch == '{')
			bal++;
		else if (ch == '}')
			bal--;
		else if (ch == '#') {
			*comment = i;
			break;
		}
	}
	return bal;
}

/* Is the comment at s[off..] "# handle N"?  Sets *handle. */
static bool handle_comment(struct strref s, uint32_t off, uint64_t *handle)
{
	struct strref c = trim((struct strref){ s.p + off, s.len - off });
	static const char tag[] = "# handle ";
	uint64_t v = 0;
	uint32_t i;

	if (c.len <= sizeof(tag) - 1 || memcmp(c.p, tag, sizeof(tag) - 1))
		return false;
	for (i = sizeof(tag) - 1; i < c.len; i++) {
		if (c.p[i] < '0' || c.p[i] > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(c.p[i] - '0');
	}
	*handle = v;
	return true;
}

/* ---- the nft listing --------------------------------------------------- */

struct nft_hook_name {
	const char *name;
	int num;
};

/* Hook names as nft prints them, per table family (linux/netfilter.h,
 * netfilter_arp.h). */
static const struct nft_hook_name inet_hooks[] = {
	{ "prerouting", 0 }, { "input", 1 }, { "forward", 2 },
	{ "output", 3 }, { "postrouting", 4 }, { "ingress", 5 }, { NULL, -1 },
};
static const struct nft_hook_name netdev_hooks[] = {
	{ "ingress", 0 }, { "egress", 1 }, { NULL, -1 },
};
static const struct nft_hook_name arp_hooks[] = {
	{ "input", 0 }, { "output", 1 }, { "forward", 2 }, { NULL, -1 },
};

static int hook_num(uint8_t family, struct strref w)
{
	const struct nft_hook_name *t = inet_hooks;
	size_t i;

	if (family == NAMES_NFPROTO_NETDEV)
		t = netdev_hooks;
	else if (family == NAMES_NFPROTO_ARP)
		t = arp_hooks;
	for (i = 0; t[i].name; i++)
		if (sref_is(w, t[i].name))
			return t[i].num;
	return -1;
}

/* A word without its ';'. */
static struct strref unsemi(struct strref w)
{
	if (w.len && w.p[w.len - 1] == ';')
		w.len--;
	return w;
}

static bool sref_int(struct strref w, int *v)
{
	long n = 0;
	uint32_t i = w.len && w.p[0] == '-';

	if (i == w.len || w.len > 11)
		return false;
	for (; i < w.len; i++) {
		if (w.p[i] < '0' || w.p[i] > '9')
			return false;
		n = n * 10 + (w.p[i] - '0');
	}
	*v = (int)(w.p[0] == '-' ? -n : n);
	return true;
}

/* The standard priority names nft prints (nft(8), PRIORITY). */
static bool prio_name(uint8_t family, struct strref w, int *v)
{
	static const struct { const char *name; int ip, bridge; } t[] = {
		{ "raw", -300, INT_MIN }, { "mangle", -150, INT_MIN },
		{ "dstnat", -100, -300 }, { "filter", 0, -200 },
		{ "security", 50, INT_MIN }, { "srcnat", 100, 300 },
		{ "out", INT_MIN, 100 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int p = family == NAMES_NFPROTO_BRIDGE ? t[i].bridge : t[i].ip;

		if (p != INT_MIN && sref_is(w, t[i].name)) {
			*v = p;
			return true;
		}
	}
	return false;
}

/* "priority -400;", "priority filter;", "priority srcnat + 5;" */
static int prio_words(uint8_t family, struct strref s, uint32_t *pos)
{
	struct strref w = word_at(s, pos);
	bool semi = w.len && w.p[w.len - 1] == ';';
	uint32_t save;
	int v = 0, off;

	w = unsemi(w);
	if (!sref_int(w, &v) && !prio_name(family, w, &v))
		return 0;
	if (semi)
		return v;
	save = *pos;
	w = word_at(s, pos);
	if ((sref_is(w, "+") || sref_is(w, "-")) &&
	    sref_int(unsemi(word_at(s, pos)), &off))
		return w.p[0] == '+' ? v + off : v - off;
	*pos = save;
	return v;
}

/* "type filter hook output priority raw; policy accept;" */
static void chain_type_line(struct nr_chain *ch, uint8_t family, struct strref s)
{
	uint32_t pos = 0;
	struct strref w;

	for (;;) {
		w = word_at(s, &pos);
		if (!w.len)
			break;
		if (sref_is(w, "hook")) {
			ch->pub.hook = hook_num(family, word_at(s, &pos));
		} else if (sref_is(w, "priority")) {
			ch->pub.prio = prio_words(family, s, &pos);
		} else if (sref_is(w, "policy")) {
			w = unsemi(word_at(s, &pos));
			ch->pub.policy = sref_is(w, "drop") ? 0 : 1;
		}
	}
	if (ch->pub.hook >= 0 && ch->pub.policy < 0)
		ch->pub.policy = 1; /* a base chain without one accepts */
}

static int add_table(struct nft_ruleset *rs, uint8_t family, struct strref name)
{
	if (grow(&rs->tables, &rs->tcap, rs->ntables, sizeof(*rs->tables)) < 0)
		return -ENOMEM;
	rs->tables[rs->ntables++] = (struct nr_table){ .family = family, .name = name };
	return 0;
}

static int add_chain(struct nft_ruleset *rs, struct strref name)
{
	struct nr_chain *ch;

	if (grow(&rs->chains, &rs->ccap, rs->nchains, sizeof(*rs->chains)) < 0)
		return -ENOMEM;
	ch = &rs->chains[rs->nchains++];
	memset(ch, 0, sizeof(*ch));
	ch->pub.hook = -1;
	ch->pub.policy = -1;
	ch->pub.first_rule = rs->nrules;
	ch->table = rs->ntables - 1;
	ch->name = name;
	return 0;
}

static int add_rule(struct nft_ruleset *rs, uint64_t handle, struct strref text)
{
	if (grow(&rs->rules, &rs->rcap, rs->nrules, sizeof(*rs->rules)) < 0)
		return -ENOMEM;
	rs->rules[rs->nrules++] = (struct nr_rule){ handle, text };
	rs->chains[rs->nchains - 1].pub.nrules++;
	return 0;
}

/*
 * A rule nft printed over several lines (long anonymous sets may be): join
 * the trimmed lines with single spaces into a blob.
 */
static int join_lines(struct nft_ruleset *rs, const char *start, const char *end,
		      struct strref *out)
{
	struct cursor c = { start, end, 0 };
	struct strref l;
	size_t n = 0;
	char *buf;

	if ((size_t)(end - start) > NR_MAX_LOGICAL)
		return -E2BIG;
	buf = blob_alloc(rs, (size_t)(end - start) + 1);
	if (!buf)
		return -ENOMEM;
	while (next_line(&c, &l)) {
		l = trim(l);
		if (!l.len)
			continue;
		if (n)
			buf[n++] = ' ';
		memcpy(buf + n, l.p, l.len);
		n += l.len;
	}
	*out = (struct strref){ buf, (uint32_t)n };
	return 0;
}

enum { AT_TOP, AT_TABLE, AT_CHAIN };

static int parse_nft(struct nft_ruleset *rs, const char *text, size_t len,
		     char *err, size_t errlen)
{
	struct cursor c = { text, text + len, 0 };
	struct strref raw, line, w;
	int state = AT_TOP, ret;
	char sb[NR_SHOW + 4];
	uint32_t pos, com;
	uint8_t family = 0;

	while (next_line(&c, &raw)) {
		unsigned lineno = c.lineno;
		const char *lstart = raw.p;
		int bal;

		line = trim(raw);
		if (!line.len || line.p[0] == '#')
			continue;
		bal = scan_line(line, &com);

		if (state == AT_TOP) {
			pos = 0;
			w = word_at(line, &pos);
			if (!sref_is(w, "table")) {
				errbuf_set(err, errlen, "nft ruleset line %u: expected 'table FAMILY NAME {': '%s'",
				       lineno, show(sb, sizeof(sb), line.p, line.len));
				return -EINVAL;
			}
			w = word_at(line, &pos);
			if (names_nft_family_parse(w.p, w.len, &family) < 0) {
				errbuf_set(err, errlen, "nft ruleset line %u: unknown table family '%.*s'",
				       lineno, (int)(w.len > NR_SHOW ? NR_SHOW : w.len), w.p);
				return -EINVAL;
			}
			w = word_at(line, &pos);
			if (!w.len || sref_is(w, "{") || bal != 1) {
				errbuf_set(err, errlen, "nft ruleset line %u: table header without a name or '{': '%s'",
				       lineno, show(sb, sizeof(sb), line.p, line.len));
				return -EINVAL;
			}
			if (add_table(rs, family, w) < 0)
				return -ENOMEM;
			state = AT_TABLE;
			continue;
		}

		if (state == AT_TABLE) {
			if (sref_is(line, "}")) {
				state = AT_TOP;
				continue;
			}
			pos = 0;
			w = word_at(line, &pos);
			if (sref_is(w, "chain") && bal == 1) {
				w = word_at(line, &pos);
				if (!w.len || sref_is(w, "{")) {
					errbuf_set(err, errlen, "nft ruleset line %u: chain header without a name: '%s'",
					       lineno, show(sb, sizeof(sb), line.p, line.len));
					return -EINVAL;
				}
				if (add_chain(rs, w) < 0)
					return -ENOMEM;
				state = AT_CHAIN;
				continue;
			}
			/* set, map, flowtable, counter, quota, ct ... blocks:
			 * skip to the matching brace. */
			while (bal > 0) {
				if (!next_line(&c, &raw)) {
					errbuf_set(err, errlen, "nft ruleset line %u: block not closed at the end of the text",
					       lineno);
					return -EINVAL;
				}
				bal += scan_line(raw, &com);
			}
			continue;
		}

		/* AT_CHAIN */
		if (sref_is(line, "}")) {
			state = AT_TABLE;
			continue;
		}
		/* A line with open braces continues until they are closed. */
		while (bal > 0) {
			if (!next_line(&c, &raw)) {
				errbuf_set(err, errlen, "nft ruleset line %u: rule not closed at the end of the text",
				       lineno);
				return -EINVAL;
			}
			bal += scan_line(raw, &com);
		}
		if (c.lineno != lineno) {
			struct strref whole = { lstart, (uint32_t)(raw.p + raw.len - lstart) };
			uint64_t handle;

			/* Where is the handle comment of the joined lines? */
			raw = trim(raw);
			scan_line(raw, &com);
			if (com == raw.len || !handle_comment(raw, com, &handle))
				continue; /* a multi-line chain attribute */
			whole.len = (uint32_t)(raw.p + com - lstart);
			ret = join_lines(rs, whole.p, whole.p + whole.len, &line);
			if (ret < 0) {
				errbuf_set(err, errlen, "nft ruleset line %u: %s", lineno,
				       ret == -E2BIG ? "rule longer than 1 MiB" : "out of memory");
				return ret;
			}
			if (add_rule(rs, handle, trim(line)) < 0)
				return -ENOMEM;
			continue;
		}
		if (com < line.len) {
			uint64_t handle;

			if (handle_comment(line, com, &handle)) {
				if (add_rule(rs, handle,
					     trim((struct strref){ line.p, com })) < 0)
					return -ENOMEM;
				continue;
			}
		}
		pos = 0;
		w = word_at(line, &pos);
		if (sref_is(w, "type")) {
			chain_type_line(&rs->chains[rs->nchains - 1], family, line);
			continue;
		}
		if (sref_is(w, "comment") || sref_is(w, "policy") ||
		    sref_is(w, "devices") || sref_is(w, "flags"))
			continue;
		errbuf_set(err, errlen, "nft ruleset line %u: rule without '# handle N' (was the listing made with nft -a?): '%s'",
		       lineno, show(sb, sizeof(sb), line.p, line.len));
		return -EINVAL;
	}
	if (state != AT_TOP) {
		errbuf_set(err, errlen, "nft ruleset: the text ends inside a %s",
		       state == AT_TABLE ? "table" : "chain");
		return -EINVAL;
	}
	return 0;
}

/* ---- lookups ----------------------------------------------------------- */

static int cmp_byhandle(const void *a, const void *b)
{
	const struct nr_byhandle *x = a, *y = b;

	return x->handle < y->handle ? -1 : x->handle > y->handle;
}

static int build_index(struct nft_ruleset *rs)
{
	uint32_t i, j, n = 16;

	while (n < rs->nchains * 2u && n < (1u << 30))
		n *= 2;
	rs->slots = calloc(n, sizeof(*rs->slots));
	rs->byhandle = malloc(((size_t)rs->nrules + 1) * sizeof(*rs->byhandle));
	if (!rs->slots || !rs->byhandle)
		return -ENOMEM;
	rs->nslots = n;

	for (i = 0; i < rs->nchains; i++) {
		struct nr_chain *ch = &rs->chains[i];
		struct nr_table *t = &rs->tables[ch->table];
		uint32_t s;

		ch->hash = chain_hash(t->family, t->name, ch->name);
		for (s = ch->hash & (n - 1); rs->slots[s]; s = (s + 1) & (n - 1))
			;
		rs->slots[s] = i + 1;
		if (ch->pub.hook >= 0 && ch->pub.hook < 32)
			t->hooks |= 1u << ch->pub.hook;

		for (j = 0; j < ch->pub.nrules; j++) {
			uint32_t r = ch->pub.first_rule + j;

			rs->byhandle[r] = (struct nr_byhandle){ rs->rules[r].handle, j + 1 };
		}
		qsort(rs->byhandle + ch->pub.first_rule, ch->pub.nrules,
		      sizeof(*rs->byhandle), cmp_byhandle);
	}
	for (i = 0; i < rs->nchains; i++)
		rs->chains[i].pub.table_hooks = rs->tables[rs->chains[i].table].hooks;
	return 0;
}

static struct nr_chain *find_chain(const struct nft_ruleset *rs, uint8_t family,
				   struct strref table, struct strref chain)
{
	uint32_t h, s;

	if (!rs || !rs->nslots)
		return NULL;
	h = chain_hash(family, table, chain);
	for (s = h & (rs->nslots - 1); rs->slots[s]; s = (s + 1) & (rs->nslots - 1)) {
		struct nr_chain *ch = &rs->chains[rs->slots[s] - 1];
		const struct nr_table *t = &rs->tables[ch->table];

		if (ch->hash == h && t->family == family && sref_eq(ch->name, chain) &&
		    sref_eq(t->name, table))
			return ch;
	}
	return NULL;
}

const struct nft_ruleset_chain *
nft_ruleset_chain(const struct nft_ruleset *rs, uint8_t family,
		  struct strref table, struct strref chain)
{
	struct nr_chain *ch = find_chain(rs, family, table, chain);

	return ch ? &ch->pub : NULL;
}

int nft_ruleset_rule(const struct nft_ruleset *rs,
		     const struct nft_ruleset_chain *c, uint64_t handle,
		     uint32_t *position, struct strref *text)
{
	const struct nr_byhandle *seg;
	uint32_t lo = 0, hi;

	if (!rs || !c)
		return 0;
	seg = rs->byhandle + c->first_rule;
	hi = c->nrules;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (seg[mid].handle < handle)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= c->nrules || seg[lo].handle != handle)
		return 0;
	*position = seg[lo].pos;
	*text = rs->rules[c->first_rule + seg[lo].pos - 1].text;
	return 1;
}

static struct nr_table *find_table(const struct nft_ruleset *rs, uint8_t family,
				   struct strref name)
{
	uint32_t i;

	if (!rs)
		return NULL;
	for (i = 0; i < rs->ntables; i++)
		if (rs->tables[i].family == family && sref_eq(rs->tables[i].name, name))
			return &rs->tables[i];
	return NULL;
}

bool nft_ruleset_table_is_xt(const struct nft_ruleset *rs, uint8_t family,
			     struct strref table)
{
	const struct nr_table *t = find_table(rs, family, table);

	return t && t->xt;
}

/* ---- iptables-nft-save ------------------------------------------------- */

struct xt_line {
	uint32_t chain; /* index into rs->chains */
	struct strref text;
};

/*
 * "# Table `NAME' contains incompatible base-chains, use 'nft' tool to list
 * them." (iptables 1.8.9) or "# Table `NAME' is incompatible, use 'nft'
 * tool." (1.8.10 and later): NAME, or len 0 for any other line.
 */
static struct strref incompatible_table(struct strref line)
{
	static const char tag[] = "# Table `";
	struct strref name = { line.p, 0 };
	const char *q;

	if (line.len <= sizeof(tag) - 1 || memcmp(line.p, tag, sizeof(tag) - 1))
		return name;
	name.p = line.p + sizeof(tag) - 1;
	q = memchr(name.p, '\'', line.len - (sizeof(tag) - 1));
	if (!q || !memmem(q, (size_t)(line.p + line.len - q), "incompatible", 12))
		return (struct strref){ line.p, 0 };
	name.len = (uint32_t)(q - name.p);
	return name;
}

/*
 * Mark the tables of save output xt (unless iptables-nft calls them
 * incompatible) and their ":CHAIN" chains listed, and give the chains the
 * "-A" lines as texts, where a chain's count of -A lines equals its count
 * of nft rules.
 */
static int apply_save(struct nft_ruleset *rs, uint8_t family, const char *text,
		      size_t len)
{
	struct cursor c = { text, text + len, 0 };
	struct xt_line *lines = NULL;
	uint32_t nlines = 0, cap = 0, i, *count = NULL;
	struct nr_table *t = NULL;
	struct strref line, w, incompat = { text, 0 };
	int ret = 0;

	while (next_line(&c, &line)) {
		uint32_t pos = 0;
		struct nr_chain *ch;

		line = trim(line);
		if (line.len && line.p[0] == '#') {
			w = incompatible_table(line);
			if (w.len)
				incompat = w;
			continue;
		}
		if (line.len > 1 && line.p[0] == '*') {
			w = (struct strref){ line.p + 1, line.len - 1 };
			/* Listed in part, or with built-in chains that do not
			 * exist: nft's view of it is the true one. */
			t = sref_eq(w, incompat) ? NULL : find_table(rs, family, w);
			if (t)
				t->xt = true;
			continue;
		}
		if (t && line.len > 1 && line.p[0] == ':') {
			pos = 1;
			w = word_at(line, &pos);
			ch = find_chain(rs, family, t->name, w);
			if (ch)
				ch->listed = true;
			continue;
		}
		if (!t || line.len < 3 || memcmp(line.p, "-A ", 3))
			continue;
		pos = 3;
		w = word_at(line, &pos);
		ch = find_chain(rs, family, t->name, w);
		if (!ch)
			continue;
		if (grow(&lines, &cap, nlines, sizeof(*lines)) < 0) {
			ret = -ENOMEM;
			goto out;
		}
		lines[nlines++] = (struct xt_line){ (uint32_t)(ch - rs->chains), line };
	}
	if (!nlines)
		goto out;
	/* count[c]: -A lines of chain c; count[nchains + c]: lines placed. */
	count = calloc((size_t)rs->nchains * 2, sizeof(*count));
	if (!count) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < nlines; i++)
		count[lines[i].chain]++;
	for (i = 0; i < nlines; i++) {
		uint32_t ci = lines[i].chain;
		struct nr_chain *ch = &rs->chains[ci];

		if (count[ci] != ch->pub.nrules)
			continue; /* the two tools disagree: keep nft's text */
		rs->rules[ch->pub.first_rule + count[rs->nchains + ci]++].text =
			lines[i].text;
	}
out:
	free(count);
	free(lines);
	return ret;
}

/* ---- building ------------------------------------------------------------ */

static char *copy_text(const char *p, size_t len)
{
	char *s = malloc(len + 1);

	if (!s)
		return NULL;
	if (len)
		memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

int nft_ruleset_load_text(struct nft_ruleset **rsp,
			  const struct nft_ruleset_texts *t, char *err,
			  size_t errlen)
{
	struct nft_ruleset *rs;
	size_t nl = t->nft ? t->nft_len : 0, il = t->ipt ? t->ipt_len : 0,
	       i6l = t->ip6t ? t->ip6t_len : 0;
	int ret = -ENOMEM;
	uint32_t i;

	*rsp = NULL;
	if (nl > NR_MAX_TEXT || il > NR_MAX_TEXT || i6l > NR_MAX_TEXT) {
		errbuf_set(err, errlen, "ruleset text larger than %u MiB", NR_MAX_TEXT >> 20);
		return -EFBIG;
	}
	rs = calloc(1, sizeof(*rs));
	if (!rs)
		goto nomem;
	rs->nft = copy_text(t->nft, nl);
	rs->ipt = copy_text(t->ipt, il);
	rs->ip6t = copy_text(t->ip6t, i6l);
	if (!rs->nft || !rs->ipt || !rs->ip6t)
		goto nomem;
	rs->texts = (struct nft_ruleset_texts){ rs->nft, nl, rs->ipt, il, rs->ip6t, i6l };

	ret = parse_nft(rs, rs->nft, nl, err, errlen);
	if (ret < 0)
		goto fail;
	ret = build_index(rs);
	if (ret < 0)
		goto nomem;
	ret = apply_save(rs, NAMES_NFPROTO_IPV4, rs->ipt, il);
	if (ret == 0)
		ret = apply_save(rs, NAMES_NFPROTO_IPV6, rs->ip6t, i6l);
	if (ret < 0)
		goto nomem;
	for (i = 0; i < rs->nchains; i++)
		rs->chains[i].pub.xt = rs->tables[rs->chains[i].table].xt && rs->chains[i].listed;
	*rsp = rs;
	return 0;

nomem:
	errbuf_set(err, errlen, "building the nf_tables rule map: out of memory");
	ret = -ENOMEM;
fail:
	nft_ruleset_free(rs);
	return ret;
}

/* Run one tool; 0 with its output, or -errno.  A tool that is missing or
 * fails is an error only when required. */
static int run_tool(char *const argv[], bool required, struct runcmd_result *res,
		    char *err, size_t errlen)
{
	int ret = runcmd(argv, NULL, NR_MAX_TEXT, res);

	if (ret < 0) {
		res->out = NULL;
		res->outlen = 0;
		if (!required)
			return 0;
		errbuf_set(err, errlen, "running %s: %s", argv[0], strerror(-ret));
		return ret;
	}
	if (res->status != 0) {
		size_t n = strlen(res->err);

		if (!required) {
			res->outlen = 0;
			return 0;
		}
		while (n && (res->err[n - 1] == '\n' || res->err[n - 1] == ' '))
			res->err[--n] = '\0';
		errbuf_set(err, errlen, "%s: exit status %d: %s", argv[0], res->status,
		       n ? res->err : "(no message)");
		return -EIO;
	}
	return 0;
}

int nft_ruleset_read(struct nft_ruleset **rsp, char *err, size_t errlen)
{
	/* -s: a counter's value at snapshot time would be wrong for every
	 * packet traced after it; "counter" alone names the rule. */
	char *const nft_argv[] = { (char *)"nft", (char *)"-s", (char *)"-a", (char *)"list",
				   (char *)"ruleset", NULL };
	char *const ipt_argv[] = { (char *)"iptables-nft-save", NULL };
	char *const ip6t_argv[] = { (char *)"ip6tables-nft-save", NULL };
	struct runcmd_result nft = { 0 }, ipt = { 0 }, ip6t = { 0 };
	struct nft_ruleset_texts t;
	int ret;

	*rsp = NULL;
	ret = run_tool(nft_argv, true, &nft, err, errlen);
	if (ret == 0)
		ret = run_tool(ipt_argv, false, &ipt, err, errlen);
	if (ret == 0)
		ret = run_tool(ip6t_argv, false, &ip6t, err, errlen);
	if (ret == 0) {
		t = (struct nft_ruleset_texts){ nft.out, nft.outlen, ipt.out,
						ipt.outlen, ip6t.out, ip6t.outlen };
		ret = nft_ruleset_load_text(rsp, &t, err, errlen);
	}
	runcmd_result_free(&nft);
	runcmd_result_free(&ipt);
	runcmd_result_free(&ip6t);
	return ret;
}

/* ---- the snapshot comment ------------------------------------------------ */

int nft_ruleset_snapshot_format(const char *text, size_t len, char ***parts,
				size_t *nparts)
{
	return ruleset_nft_listing_format(text, len, parts, nparts);
}
