/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"
#include "names.h"
#include "render_dot.h"
#include "render_json.h"

#define NONE UINT32_MAX
#define KEY_MAX 1024

enum node_kind { NODE_HOOK, NODE_HOP, NODE_FATE, NODE_CLUSTER /* never drawn */ };

struct node {
	enum node_kind kind;
	uint32_t key_off, key_len;	/* key in the arena */
	uint32_t label_off, label_len;	/* hop: name; hook/fate: name */
	uint32_t text_off, text_len;	/* hop: rule text (cut) */
	uint32_t cluster;		/* hop: cluster index */
	uint64_t packets, drops;
	enum path_verdict fate;		/* NODE_FATE */
};

struct cluster {
	uint32_t label_off, label_len;
};

struct edge {
	uint32_t from, to;
	uint64_t packets;
};

struct dot {
	bool per_file;
	struct node *nodes;
	size_t nnodes;
	uint32_t *nslots;		/* node hash */
	struct edge *edges;
	size_t nedges;
	uint32_t *eslots;		/* edge hash */
	struct cluster *clusters;
	size_t nclusters;
	char *arena;
	size_t alen, acap;
	uint64_t dropped;
};

struct dot *dot_new(bool per_file)
{
	struct dot *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->per_file = per_file;
	d->nodes = malloc(DOT_MAX_NODES * sizeof(*d->nodes));
	d->nslots = malloc(2 * DOT_MAX_NODES * sizeof(*d->nslots));
	d->edges = malloc(DOT_MAX_EDGES * sizeof(*d->edges));
	d->eslots = malloc(2 * DOT_MAX_EDGES * sizeof(*d->eslots));
	d->clusters = malloc(DOT_MAX_NODES * sizeof(*d->clusters));
	if (!d->nodes || !d->nslots || !d->edges || !d->eslots || !d->clusters) {
		dot_free(d);
		return NULL;
	}
	memset(d->nslots, 0xff, 2 * DOT_MAX_NODES * sizeof(*d->nslots));
	memset(d->eslots, 0xff, 2 * DOT_MAX_EDGES * sizeof(*d->eslots));
	return d;
}

void dot_free(struct dot *d)
{
	if (!d)
		return;
	free(d->nodes);
	free(d->nslots);
	free(d->edges);
	free(d->eslots);
	free(d->clusters);
	free(d->arena);
	free(d);
}

uint64_t dot_dropped_steps(const struct dot *d)
{
	return d->dropped;
}

static uint64_t fnv(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int keep(struct dot *d, const void *p, size_t n, uint32_t *off)
{
	if (d->alen + n > d->acap) {
		size_t ncap = d->acap ? d->acap * 2 : 65536;
		char *na;

		while (ncap < d->alen + n)
			ncap *= 2;
		if (ncap > ((size_t)64 << 20))
			return -ENOSPC;
		na = realloc(d->arena, ncap);
		if (!na)
			return -ENOMEM;
		d->arena = na;
		d->acap = ncap;
	}
	*off = (uint32_t)d->alen;
	if (n)
		memcpy(d->arena + d->alen, p, n);
	d->alen += n;
	return 0;
}

/* Find or make the node for key; NONE when full. */
static uint32_t node(struct dot *d, const char *key, size_t klen, enum node_kind kind,
		     bool *created)
{
	size_t mask = 2 * DOT_MAX_NODES - 1, i;
	struct node *n;

	*created = false;
	for (i = fnv(key, klen) & mask; d->nslots[i] != NONE; i = (i + 1) & mask) {
		n = &d->nodes[d->nslots[i]];
		if (n->key_len == klen && !memcmp(d->arena + n->key_off, key, klen))
			return d->nslots[i];
	}
	if (d->nnodes >= DOT_MAX_NODES)
		return NONE;
	n = &d->nodes[d->nnodes];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->key_len = (uint32_t)klen;
	if (keep(d, key, klen, &n->key_off) < 0)
		return NONE;
	d->nslots[i] = (uint32_t)d->nnodes;
	*created = true;
	return (uint32_t)d->nnodes++;
}

static bool edge(struct dot *d, uint32_t from, uint32_t to)
{
	size_t mask = 2 * DOT_MAX_EDGES - 1, i;
	uint64_t h = ((uint64_t)from << 32 | to) * 0x9e3779b97f4a7c15ULL;

	for (i = (h >> 20) & mask; d->eslots[i] != NONE; i = (i + 1) & mask) {
		struct edge *e = &d->edges[d->eslots[i]];

		if (e->from == from && e->to == to) {
			e->packets++;
			return true;
		}
	}
	if (d->nedges >= DOT_MAX_EDGES)
		return false;
	d->edges[d->nedges] = (struct edge){ from, to, 1 };
	d->eslots[i] = (uint32_t)d->nedges++;
	return true;
}

/* The key buffer: parts joined by NUL, cut at KEY_MAX. */
struct key {
	char b[KEY_MAX];
	size_t n;
};

static void key_add(struct key *k, const void *p, size_t n)
{
	if (k->n + n + 1 > sizeof(k->b))
		n = sizeof(k->b) - k->n - 1;
	memcpy(k->b + k->n, p, n);
	k->n += n;
	k->b[k->n++] = '\0';
}

static uint32_t cluster_of(struct dot *d, const struct trace_event *ev, const void *ctx)
{
	const struct merge_snap *snap = ctx;
	struct strref hop = path_hop_name(ev);
	struct key k = { .n = 0 };
	bool created;
	uint32_t c, lo;

	/* the hop name without ":kind:n" */
	for (int colons = 0; hop.len > 0; hop.len--)
		if (hop.p[hop.len - 1] == ':' && ++colons == 2) {
			hop.len--;
			break;
		}
	key_add(&k, "c", 1);
	if (d->per_file && snap)
		key_add(&k, &snap->file_index, sizeof(snap->file_index));
	key_add(&k, hop.p, hop.len);
	c = node(d, k.b, k.n, NODE_CLUSTER, &created);
	if (c == NONE)
		return NONE;
	/* A cluster is a node never drawn that holds its cluster index. */
	if (created) {
		char label[KEY_MAX];
		size_t ln = 0;

		if (d->per_file && snap && snap->file) {
			const char *base = strrchr(snap->file, '/');

			base = base ? base + 1 : snap->file;
			ln = strlen(base);
			if (ln > sizeof(label) / 2)
				ln = sizeof(label) / 2;
			memcpy(label, base, ln);
			label[ln++] = ':';
			label[ln++] = ' ';
		}
		if (ln + hop.len > sizeof(label))
			hop.len = (uint32_t)(sizeof(label) - ln);
		memcpy(label + ln, hop.p, hop.len);
		ln += hop.len;
		if (keep(d, label, ln, &lo) < 0)
			return NONE;
		d->nodes[c].cluster = (uint32_t)d->nclusters;
		d->clusters[d->nclusters++] = (struct cluster){ lo, (uint32_t)ln };
	}
	return d->nodes[c].cluster;
}

static uint32_t hop_node(struct dot *d, const struct trace_event *ev, const void *ctx)
{
	const struct merge_snap *snap = ctx;
	struct strref name = path_hop_name(ev);
	struct key k = { .n = 0 };
	uint32_t n, cl;
	bool created;

	cl = cluster_of(d, ev, ctx);
	if (cl == NONE)
		return NONE;
	key_add(&k, "h", 1);
	if (d->per_file && snap)
		key_add(&k, &snap->file_index, sizeof(snap->file_index));
	key_add(&k, name.p, name.len);
	key_add(&k, ev->rule_text.p ? ev->rule_text.p : "", ev->rule_text.len);
	n = node(d, k.b, k.n, NODE_HOP, &created);
	if (n != NONE && created) {
		struct node *x = &d->nodes[n];
		size_t tl = ev->rule_text.len;

		/* the label is what follows "table:chain:" */
		const char *kind = name.p + name.len;
		for (int colons = 0; kind > name.p; kind--)
			if (kind[-1] == ':' && ++colons == 2)
				break;
		if (keep(d, kind, (size_t)(name.p + name.len - kind), &x->label_off) < 0)
			return NONE;
		x->label_len = (uint32_t)(name.p + name.len - kind);
		if (tl > DOT_TEXT_MAX) {
			tl = DOT_TEXT_MAX;
			/* not inside a UTF-8 sequence */
			while (tl > 0 && ((unsigned char)ev->rule_text.p[tl] & 0xc0) == 0x80)
				tl--;
		}
		if (keep(d, ev->rule_text.p ? ev->rule_text.p : "", tl, &x->text_off) < 0)
			return NONE;
		x->text_len = (uint32_t)tl;
		if (tl < ev->rule_text.len)
			x->text_len |= 1u << 31;	/* cut */
		x->cluster = cl;
	}
	return n;
}

static uint32_t named_node(struct dot *d, enum node_kind kind, const char *name)
{
	struct key k = { .n = 0 };
	bool created;
	uint32_t n;

	key_add(&k, kind == NODE_HOOK ? "k" : "f", 1);
	key_add(&k, name, strlen(name));
	n = node(d, k.b, k.n, kind, &created);
	if (n != NONE && created) {
		if (keep(d, name, strlen(name), &d->nodes[n].label_off) < 0)
			return NONE;
		d->nodes[n].label_len = (uint32_t)strlen(name);
	}
	return n;
}

static const char *hook_name(const struct trace_event *ev)
{
	if (!(ev->have & TE_HAVE_HOOK))
		return NULL;
	return names_hook_family(ev->nft_family ? ev->nft_family : ev->family, ev->hook);
}

/* Step prev -> n (NONE prev: n is where the path starts). */
static uint32_t step(struct dot *d, uint32_t prev, uint32_t n)
{
	if (n == NONE) {
		d->dropped++;
		return prev;
	}
	if (prev != NONE && !edge(d, prev, n))
		d->dropped++;
	return n;
}

void dot_add_packet(struct dot *d, const struct paths_pkt *p)
{
	const struct path_fate *f = paths_pkt_fate(p);
	struct paths_iter it;
	struct trace_event ev;
	void *ctx;
	uint32_t prev = NONE, n;
	const char *hook = NULL, *fate;
	int32_t i = 0;

	paths_hops_begin(p, &it);
	while (paths_hops_next(&it, &ev, &ctx)) {
		const char *h = hook_name(&ev);

		if (h && (!hook || strcmp(h, hook))) {
			hook = h;
			n = named_node(d, NODE_HOOK, h);
			prev = step(d, prev, n);
			if (n != NONE)
				d->nodes[n].packets++;
		}
		n = hop_node(d, &ev, ctx);
		prev = step(d, prev, n);
		if (n != NONE) {
			d->nodes[n].packets++;
			if (i == f->hop && f->verdict == PATH_DROP)
				d->nodes[n].drops++;
		}
		i++;
	}
	fate = path_verdict_participle(f->verdict);
	n = named_node(d, NODE_FATE, fate ? fate : "fate unknown");
	if (n != NONE) {
		d->nodes[n].fate = f->verdict;
		d->nodes[n].packets++;
	}
	step(d, prev, n);
}

/* A DOT string body (inside the quotes): '"' and '\' escaped, control
 * bytes and bytes that are not UTF-8 written as the text \xNN. */
static void dot_escaped(struct obuf *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		size_t k;

		if (c == '"' || c == '\\') {
			obuf_putc(o, '\\');
			obuf_putc(o, (char)c);
		} else if (c >= 0x20 && c < 0x7f) {
			obuf_putc(o, (char)c);
		} else if (c >= 0x80 && (k = render_json_utf8_len((const unsigned char *)s + i, n - i))) {
			obuf_put(o, s + i, k);
			i += k - 1;
		} else {
			obuf_puts(o, "\\\\x");
			obuf_putc(o, hex[c >> 4]);
			obuf_putc(o, hex[c & 15]);
		}
	}
}

/* Pen width 1 + log2(packets), at most 8. */
static unsigned width(uint64_t packets)
{
	unsigned w = 1;

	while (packets > 1 && w < 8) {
		packets >>= 1;
		w++;
	}
	return w;
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "packet" : "packets";
}

static void put_node(const struct dot *d, struct obuf *o, uint32_t i, const char *indent)
{
	const struct node *n = &d->nodes[i];

	obuf_puts(o, indent);
	obuf_printf(o, "n%u [label=\"", i);
	dot_escaped(o, d->arena + n->label_off, n->label_len);
	if (n->kind == NODE_HOP) {
		uint32_t tl = n->text_len & ~(1u << 31);

		if (tl) {
			obuf_puts(o, "\\n");
			dot_escaped(o, d->arena + n->text_off, tl);
			if (n->text_len >> 31)
				obuf_puts(o, "...");
		}
		obuf_printf(o, "\\n%llu %s", (unsigned long long)n->packets, plural(n->packets));
		if (n->drops) {
			obuf_printf(o, ", %llu dropped here\", color=red, fontcolor=red, penwidth=2]",
				    (unsigned long long)n->drops);
			obuf_endline(o);
			return;
		}
		obuf_puts(o, "\"]");
	} else if (n->kind == NODE_HOOK) {
		obuf_puts(o, "\", shape=cds, style=filled, fillcolor=\"#e8e8e8\"]");
	} else {
		obuf_printf(o, "\\n%llu %s\", shape=%s", (unsigned long long)n->packets,
			    plural(n->packets),
			    n->fate == PATH_DROP ? "octagon, color=red, fontcolor=red" :
			    n->fate == PATH_ACCEPT ? "doublecircle, color=darkgreen, fontcolor=darkgreen" :
			    "ellipse");
		obuf_putc(o, ']');
	}
	obuf_endline(o);
}

void dot_render(const struct dot *d, struct obuf *o)
{
	obuf_puts(o, "digraph nftrace {");
	obuf_endline(o);
	obuf_puts(o, "\trankdir=LR;");
	obuf_endline(o);
	obuf_puts(o, "\tgraph [fontname=\"monospace\", fontsize=10];");
	obuf_endline(o);
	obuf_puts(o, "\tnode [shape=box, fontname=\"monospace\", fontsize=10];");
	obuf_endline(o);
	obuf_puts(o, "\tedge [fontname=\"monospace\", fontsize=9];");
	obuf_endline(o);
	for (size_t i = 0; i < d->nnodes; i++)
		if (d->nodes[i].kind == NODE_HOOK || d->nodes[i].kind == NODE_FATE)
			put_node(d, o, (uint32_t)i, "\t");
	for (size_t c = 0; c < d->nclusters; c++) {
		obuf_printf(o, "\tsubgraph cluster_%zu {", c);
		obuf_endline(o);
		obuf_puts(o, "\t\tlabel=\"");
		dot_escaped(o, d->arena + d->clusters[c].label_off, d->clusters[c].label_len);
		obuf_puts(o, "\";");
		obuf_endline(o);
		for (size_t i = 0; i < d->nnodes; i++)
			if (d->nodes[i].kind == NODE_HOP && d->nodes[i].cluster == c)
				put_node(d, o, (uint32_t)i, "\t\t");
		obuf_puts(o, "\t}");
		obuf_endline(o);
	}
	for (size_t i = 0; i < d->nedges; i++) {
		const struct edge *e = &d->edges[i];
		const struct node *to = &d->nodes[e->to];

		obuf_printf(o, "\tn%u -> n%u [label=\"%llu\", penwidth=%u%s]", e->from, e->to,
			    (unsigned long long)e->packets, width(e->packets),
			    to->kind == NODE_FATE && to->fate == PATH_DROP ? ", color=red" : "");
		obuf_endline(o);
	}
	if (d->dropped) {
		obuf_printf(o, "\t/* %llu steps left out: at most %u nodes and %u edges */",
			    (unsigned long long)d->dropped, DOT_MAX_NODES, DOT_MAX_EDGES);
		obuf_endline(o);
	}
	obuf_puts(o, "}");
	obuf_endline(o);
}
