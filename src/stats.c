/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "render_text.h"
#include "stats.h"

#define COLOR_RED "\033[31m"
#define COLOR_OFF "\033[0m"
#define NONE UINT32_MAX

/* One counted thing: a rule (hop name + text), a chain, a drop point. */
struct entry {
	uint64_t packets;
	uint64_t last_pkt;	/* serial of the last packet counted */
	uint32_t name_off, name_len, text_off, text_len;
	uint32_t order;		/* first seen */
};

struct table {
	struct entry *v;
	size_t n;
	uint32_t *slots;	/* open addressing: index into v, NONE = empty */
	size_t nslots;
	uint64_t unlisted;	/* hits past the bounds */
};

struct stats {
	struct table rules, chains, drops;
	char *text;
	size_t text_len, text_cap;
	uint64_t serial;
	uint64_t packets, fates[PATH_STOLEN + 1];
	uint64_t forced;
};

static int table_init(struct table *t)
{
	t->nslots = 2 * STATS_MAX_KEYS;
	t->slots = malloc(t->nslots * sizeof(*t->slots));
	if (!t->slots)
		return -ENOMEM;
	memset(t->slots, 0xff, t->nslots * sizeof(*t->slots));
	return 0;
}

struct stats *stats_new(void)
{
	struct stats *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	if (table_init(&st->rules) < 0 || table_init(&st->chains) < 0 ||
	    table_init(&st->drops) < 0) {
		stats_free(st);
		return NULL;
	}
	return st;
}

void stats_free(struct stats *st)
{
	if (!st)
		return;
	free(st->rules.v);
	free(st->rules.slots);
	free(st->chains.v);
	free(st->chains.slots);
	free(st->drops.v);
	free(st->drops.slots);
	free(st->text);
	free(st);
}

static uint64_t hash_bytes(uint64_t h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Append to the text arena; returns the offset or NONE when full. */
static uint32_t keep_text(struct stats *st, struct strref s)
{
	uint32_t off;

	if (st->text_len + s.len > STATS_MAX_TEXT)
		return NONE;
	if (st->text_len + s.len > st->text_cap) {
		size_t ncap = st->text_cap ? st->text_cap * 2 : 65536;
		char *nt;

		while (ncap < st->text_len + s.len)
			ncap *= 2;
		if (ncap > STATS_MAX_TEXT)
			ncap = STATS_MAX_TEXT;
		nt = realloc(st->text, ncap);
		if (!nt)
			return NONE;
		st->text = nt;
		st->text_cap = ncap;
	}
	off = (uint32_t)st->text_len;
	if (s.len)
		memcpy(st->text + off, s.p, s.len);
	st->text_len += s.len;
	return off;
}

/* Count the current packet once for the key (name, text). */
static void count(struct stats *st, struct table *t, struct strref name, struct strref text)
{
	uint64_t h = hash_bytes(hash_bytes(0xcbf29ce484222325ULL, name.p, name.len), "", 1);
	size_t mask = t->nslots - 1, i;
	struct entry *e;

	h = hash_bytes(h, text.p, text.len);
	for (i = h & mask; t->slots[i] != NONE; i = (i + 1) & mask) {
		e = &t->v[t->slots[i]];
		if (e->name_len == name.len && e->text_len == text.len &&
		    !memcmp(st->text + e->name_off, name.p, name.len) &&
		    (!text.len || !memcmp(st->text + e->text_off, text.p, text.len))) {
			if (e->last_pkt != st->serial) {
				e->last_pkt = st->serial;
				e->packets++;
			}
			return;
		}
	}
	if (t->n >= STATS_MAX_KEYS) {
		t->unlisted++;
		return;
	}
	if (t->n % 1024 == 0) {
		struct entry *nv = realloc(t->v, (t->n + 1024) * sizeof(*nv));

		if (!nv) {
			t->unlisted++;
			return;
		}
		t->v = nv;
	}
	e = &t->v[t->n];
	e->name_off = keep_text(st, name);
	e->text_off = keep_text(st, text);
	if (e->name_off == NONE || e->text_off == NONE) {
		t->unlisted++;
		return;
	}
	e->name_len = name.len;
	e->text_len = text.len;
	e->packets = 1;
	e->last_pkt = st->serial;
	e->order = (uint32_t)t->n;
	t->slots[i] = (uint32_t)t->n++;
}

/* "filter:INPUT" of "filter:INPUT:rule:1": the hop name without its last
 * two fields. */
static struct strref chain_of(struct strref hop)
{
	int colons = 0;

	while (hop.len > 0) {
		if (hop.p[hop.len - 1] == ':' && ++colons == 2) {
			hop.len--;
			break;
		}
		hop.len--;
	}
	return hop;
}

void stats_add_packet(struct stats *st, const struct paths_pkt *p)
{
	const struct path_fate *f = paths_pkt_fate(p);
	struct paths_iter it;
	struct trace_event ev;
	int32_t i = 0;

	st->serial++;
	st->packets++;
	st->fates[f->verdict]++;
	if (paths_pkt_forced(p))
		st->forced++;
	paths_hops_begin(p, &it);
	while (paths_hops_next(&it, &ev, NULL)) {
		struct strref hop = path_hop_name(&ev);

		count(st, &st->rules, hop, ev.rule_text);
		count(st, &st->chains, chain_of(hop), (struct strref){ "", 0 });
		if (i++ == f->hop && f->verdict == PATH_DROP)
			count(st, &st->drops, hop, ev.rule_text);
	}
}

static const struct entry **sorted(const struct table *t)
{
	const struct entry **v = malloc((t->n ? t->n : 1) * sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		v[i] = &t->v[i];
	return v;
}

static int by_packets(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a, *y = *(const struct entry *const *)b;

	if (x->packets != y->packets)
		return x->packets > y->packets ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static unsigned digits_of(uint64_t v)
{
	unsigned n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static void pad(struct obuf *o, size_t n)
{
	while (n--)
		obuf_putc(o, ' ');
}

static void render_table(const struct stats *st, struct obuf *o, const struct table *t,
			 const char *title, const char *what, bool texts, const char *color)
{
	const struct entry **v = sorted(t);
	size_t namew = strlen(what);
	unsigned cw = 7;	/* "packets" */

	obuf_puts(o, title);
	obuf_endline(o);
	if (!v || t->n == 0) {
		obuf_puts(o, "  (none)");
		obuf_endline(o);
		free(v);
		return;
	}
	qsort(v, t->n, sizeof(*v), by_packets);
	for (size_t i = 0; i < t->n; i++) {
		if (v[i]->name_len > namew)
			namew = v[i]->name_len;
		if (digits_of(v[i]->packets) > cw)
			cw = digits_of(v[i]->packets);
	}
	pad(o, 2 + cw - 7);
	obuf_puts(o, "packets  ");
	obuf_puts(o, what);
	if (texts) {
		pad(o, namew - strlen(what) + 2);
		obuf_puts(o, "rule text");
	}
	obuf_endline(o);
	for (size_t i = 0; i < t->n; i++) {
		const struct entry *e = v[i];

		if (color)
			obuf_puts(o, color);
		pad(o, 2 + cw - digits_of(e->packets));
		obuf_u64(o, e->packets);
		obuf_puts(o, "  ");
		obuf_put(o, st->text + e->name_off, e->name_len);
		if (texts && e->text_len) {
			pad(o, namew - e->name_len + 2);
			obuf_putc(o, '"');
			render_escaped(o, st->text + e->text_off, e->text_len);
			obuf_putc(o, '"');
		}
		if (color)
			obuf_puts(o, COLOR_OFF);
		obuf_endline(o);
	}
	if (t->unlisted) {
		obuf_printf(o, "  (%llu more hits not listed: at most %u entries)",
			    (unsigned long long)t->unlisted, STATS_MAX_KEYS);
		obuf_endline(o);
	}
	free(v);
}

void stats_render(const struct stats *st, struct obuf *o, const struct stats_losses *l,
		  bool color)
{
	render_table(st, o, &st->rules, "Rules (traced packets that passed each rule):", "rule",
		     true, NULL);
	obuf_endline(o);
	render_table(st, o, &st->chains, "Chains (traced packets that passed each chain):",
		     "chain", false, NULL);
	obuf_endline(o);
	render_table(st, o, &st->drops, "Drop points (where traced packets were dropped):",
		     "rule", true, color ? COLOR_RED : NULL);
	obuf_endline(o);
	obuf_printf(o, "Packets: %llu traced: %llu accepted, %llu dropped, %llu queued, "
		    "%llu stolen, %llu fate unknown",
		    (unsigned long long)st->packets, (unsigned long long)st->fates[PATH_ACCEPT],
		    (unsigned long long)st->fates[PATH_DROP], (unsigned long long)st->fates[PATH_QUEUE],
		    (unsigned long long)st->fates[PATH_STOLEN],
		    (unsigned long long)st->fates[PATH_UNKNOWN]);
	obuf_endline(o);
	if (st->forced) {
		obuf_printf(o, "  (%llu paths may be incomplete: memory bound reached)",
			    (unsigned long long)st->forced);
		obuf_endline(o);
	}
	obuf_printf(o, "Losses: %llu events lost during the capture (epb_dropcount)",
		    (unsigned long long)l->lost);
	obuf_endline(o);
	for (size_t i = 0; i < l->nfiles; i++) {
		const struct merge_file_stats *fs = &l->files[i];

		if (!fs->have_isb)
			continue;
		obuf_puts(o, "  ");
		obuf_puts(o, fs->file);
		obuf_printf(o, ": capture statistics: %llu events received, %llu lost, %llu written",
			    (unsigned long long)fs->ifrecv, (unsigned long long)fs->ifdrop,
			    (unsigned long long)fs->usrdeliv);
		/* Lost at the end: no later record carries an epb_dropcount.
		 * (Only where records carry one: dumpcap's do not.) */
		if (fs->have_marks && fs->ifdrop > fs->marked)
			obuf_printf(o, " (%llu of the lost with no record after them)",
				    (unsigned long long)(fs->ifdrop - fs->marked));
		obuf_endline(o);
	}
}
