/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * interleave.c - the events of one wake-up from two sources, in one
 * timeline (see interleave.h for the order).
 *
 * Events are copied into one byte arena with their pointers stored as
 * offsets (the arena moves when it grows) and turned back into pointers
 * at flush.  The order is one qsort of the held events by (packet, pass,
 * hook rank, priority, source, arrival): within a pass a source's keys
 * never go down, so the sort is a merge that keeps each source's order.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "interleave.h"
#include "names.h"

struct held {
	struct trace_event ev;	/* pointers are arena offsets + 1 (0 = NULL) */
	uint32_t src;
	uint32_t arrival;
	uint32_t group;		/* packet, numbered by first arrival */
	uint32_t pass;
	bool out;		/* the pass is outgoing */
	bool carried;		/* held over from the flush before */
	bool src_tail;		/* to be held over at this flush */
	int32_t rank;		/* hook rank, -1 unknown (until key_events()) */
	int32_t prio;
};

struct interleave {
	struct held *v;
	size_t n, cap;
	uint8_t *arena;
	size_t len, acap;
	uint32_t *slots;	/* id hash -> index + 1, at flush */
	size_t nslots;
	size_t *order;
	size_t ocap;
};

struct interleave *interleave_new(void)
{
	return calloc(1, sizeof(struct interleave));
}

void interleave_free(struct interleave *il)
{
	if (!il)
		return;
	free(il->v);
	free(il->arena);
	free(il->slots);
	free(il->order);
	free(il);
}

size_t interleave_held(const struct interleave *il)
{
	return il->len + il->n * sizeof(struct held);
}

/* Copy n bytes at p into the arena: their offset + 1, 0 for NULL, or
 * UINTPTR_MAX when out of memory. */
static uintptr_t keep(struct interleave *il, const void *p, size_t n)
{
	uintptr_t off;

	if (!p)
		return 0;
	if (il->len + n > il->acap) {
		size_t ncap = il->acap ? il->acap : 65536;
		uint8_t *na;

		while (ncap < il->len + n)
			ncap *= 2;
		na = realloc(il->arena, ncap);
		if (!na)
			return UINTPTR_MAX;
		il->arena = na;
		il->acap = ncap;
	}
	off = il->len + 1;
	if (n)
		memcpy(il->arena + il->len, p, n);
	il->len += n;
	return off;
}

static bool keep_ref(struct interleave *il, struct strref *r)
{
	uintptr_t off = keep(il, r->p, r->len);

	r->p = (const char *)off;
	return off != UINTPTR_MAX;
}

static bool keep_bytes(struct interleave *il, const uint8_t **p, size_t n)
{
	uintptr_t off = keep(il, *p, n);

	*p = (const uint8_t *)off;
	return off != UINTPTR_MAX;
}

/* Hooks in the order a packet meets them (NF_INET numbering), or -1:
 * ingress, PREROUTING, INPUT or FORWARD, then OUTPUT (a packet sent here,
 * or the reply: another pass, see key_events()), POSTROUTING. */
static int32_t hook_rank(const struct trace_event *ev)
{
	if (!(ev->have & TE_HAVE_HOOK))
		return -1;
	if (ev->nft_family != TRACE_NFT_NONE && ev->nft_family != NAMES_NFPROTO_INET &&
	    ev->nft_family != NAMES_NFPROTO_IPV4 && ev->nft_family != NAMES_NFPROTO_IPV6)
		return -1;
	switch (ev->hook) {
	case 5: return 0;		/* ingress (inet) */
	case 0: return 1;		/* PREROUTING */
	case 1: case 2: return 2;	/* INPUT, FORWARD */
	case 3: return 3;		/* OUTPUT */
	case 4: return 4;		/* POSTROUTING */
	default: return -1;
	}
}

/* The priority an xtables table registers its hooks with. */
static int32_t xt_prio(const struct trace_event *ev)
{
	struct strref t = ev->table;

	if (strref_eq(t, "raw", 3))
		return -300;
	if (strref_eq(t, "mangle", 6))
		return -150;
	if (strref_eq(t, "nat", 3))
		return ev->hook == 0 || ev->hook == 3 ? -100 : 100;
	if (strref_eq(t, "security", 8))
		return 50;
	return 0;			/* filter, and tables we do not know */
}

int interleave_add(struct interleave *il, unsigned src, const struct trace_event *ev)
{
	struct held *h;
	size_t mark = il->len;

	if (il->n == il->cap) {
		size_t ncap = il->cap ? il->cap * 2 : 1024;
		struct held *nv = realloc(il->v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		il->v = nv;
		il->cap = ncap;
	}
	h = &il->v[il->n];
	memset(h, 0, sizeof(*h));
	h->ev = *ev;
	h->src = src;
	h->arrival = (uint32_t)il->n;
	/* the key, while the names are still pointers */
	h->rank = hook_rank(ev);
	if (h->rank >= 0)
		h->prio = ev->have & TE_HAVE_PRIO ? ev->prio
			: ev->nft_family == TRACE_NFT_NONE ? xt_prio(ev) : 0;
	if (!keep_ref(il, &h->ev.table) || !keep_ref(il, &h->ev.chain) ||
	    !keep_ref(il, &h->ev.prefix) || !keep_ref(il, &h->ev.rule_text) ||
	    !keep_ref(il, &h->ev.verdict_chain) ||
	    !keep_bytes(il, &h->ev.payload, ev->caplen) ||
	    !keep_bytes(il, &h->ev.record, ev->record_len)) {
		il->len = mark;
		return -ENOMEM;
	}
	il->n++;
	return 0;
}

static void unkeep_ref(const struct interleave *il, struct strref *r)
{
	uintptr_t off = (uintptr_t)r->p;

	r->p = off ? (const char *)il->arena + off - 1 : NULL;
}

static void unkeep_bytes(const struct interleave *il, const uint8_t **p)
{
	uintptr_t off = (uintptr_t)*p;

	*p = off ? il->arena + off - 1 : NULL;
}

static size_t id_hash(uint64_t id, size_t mask)
{
	return (size_t)((id * 0x9e3779b97f4a7c15ULL) >> 32) & mask;
}

/* Number the packets by first arrival: v[i].group.  Returns how many
 * packets, or -ENOMEM. */
static int group_packets(struct interleave *il)
{
	size_t need = 16, mask;
	uint32_t next = 0;

	while (need < il->n * 2)
		need *= 2;
	if (need > il->nslots) {
		uint32_t *ns = realloc(il->slots, need * sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		il->slots = ns;
		il->nslots = need;
	}
	mask = need - 1;
	memset(il->slots, 0, need * sizeof(*il->slots));
	for (size_t i = 0; i < il->n; i++) {
		struct held *h = &il->v[i];
		size_t s;

		if (!h->ev.id) {	/* no packet ID: a packet of its own */
			h->group = next++;
			continue;
		}
		for (s = id_hash(h->ev.id, mask); il->slots[s]; s = (s + 1) & mask)
			if (il->v[il->slots[s] - 1].ev.id == h->ev.id)
				break;
		if (il->slots[s]) {
			h->group = il->v[il->slots[s] - 1].group;
		} else {
			il->slots[s] = (uint32_t)i + 1;
			h->group = next++;
		}
	}
	return (int)next;
}

/*
 * Passes: a packet goes out (OUTPUT, POSTROUTING) and, through lo, comes
 * back in (PREROUTING, INPUT), as one pair of bytes, one packet ID.  So
 * each source's events of a packet are cut into passes, even numbers
 * going out, odd ones coming in (POSTROUTING belongs to the pass before
 * it; first, to the incoming one, as after FORWARD), and a key that goes
 * down within a pass (the same bytes sent again) starts the pass after
 * next.  Sources line up by pass number even when one of them saw only
 * the way back.  last[2 * group + src] is the index + 1 of the event
 * before of that packet and source.
 */
static void key_events(struct interleave *il, uint32_t *last)
{
	for (size_t i = 0; i < il->n; i++) {
		struct held *h = &il->v[i], *prev = NULL;
		uint32_t *l = &last[2 * (size_t)h->group + (h->src & 1)];

		if (*l)
			prev = &il->v[*l - 1];
		*l = (uint32_t)i + 1;
		if (h->rank < 0) {	/* no hook: where the event before is */
			h->rank = prev ? prev->rank : 1;
			h->prio = prev ? prev->prio : INT32_MIN;
		}
		h->out = h->rank == 3 || (h->rank == 4 && prev && prev->out);
		if (!prev)
			h->pass = h->out ? 0 : 1;
		else if (h->out != prev->out)
			h->pass = prev->pass + 1;
		else if (h->rank < prev->rank || (h->rank == prev->rank && h->prio < prev->prio))
			h->pass = prev->pass + 2;
		else
			h->pass = prev->pass;
	}
}

static int cmp_held(const void *a, const void *b, void *arg)
{
	const struct held *v = arg;
	const struct held *x = &v[*(const size_t *)a], *y = &v[*(const size_t *)b];

#define CMP(f) if (x->f != y->f) return x->f < y->f ? -1 : 1
	CMP(group);
	CMP(pass);
	CMP(rank);
	CMP(prio);
	CMP(src);
	CMP(arrival);
#undef CMP
	return 0;
}

static struct trace_event event_at(const struct interleave *il, size_t i)
{
	struct trace_event ev = il->v[i].ev;

	unkeep_ref(il, &ev.table);
	unkeep_ref(il, &ev.chain);
	unkeep_ref(il, &ev.prefix);
	unkeep_ref(il, &ev.rule_text);
	unkeep_ref(il, &ev.verdict_chain);
	unkeep_bytes(il, &ev.payload);
	unkeep_bytes(il, &ev.record);
	return ev;
}

/*
 * Source 0 is read to the end first, then source 1: a packet whose source
 * 1 events come last may have its source 0 events in the next read.  Mark
 * them (the events of source 1 after its last one of a packet that source
 * 0 has too, of packets source 0 does not have, not held over before) to
 * be held over to the next flush.  Returns how many.
 */
static size_t mark_tail(struct interleave *il, int ngroups)
{
	uint8_t *has0 = calloc((size_t)ngroups, 1);
	size_t last = 0, n = 0;

	if (!has0)
		return 0;
	for (size_t i = 0; i < il->n; i++)
		if (il->v[i].src == 0)
			has0[il->v[i].group] = 1;
	for (size_t i = 0; i < il->n; i++)
		if (il->v[i].src == 1 && has0[il->v[i].group])
			last = i + 1;
	for (size_t i = last; i < il->n; i++) {
		struct held *h = &il->v[i];

		h->src_tail = h->src == 1 && !has0[h->group] && !h->carried;
		n += h->src_tail;
	}
	free(has0);
	return n;
}

/* Keep only the events marked by mark_tail(), as carried.  False (il
 * unchanged) when out of memory. */
static bool hold_over(struct interleave *il)
{
	struct interleave *k = interleave_new();
	struct interleave tmp;

	if (!k)
		return false;
	for (size_t i = 0; i < il->n; i++) {
		struct trace_event ev;

		if (!il->v[i].src_tail)
			continue;
		ev = event_at(il, i);
		if (interleave_add(k, il->v[i].src, &ev) < 0) {
			interleave_free(k);
			return false;
		}
		k->v[k->n - 1].carried = true;
	}
	tmp = *il;
	*il = *k;
	*k = tmp;
	interleave_free(k);
	return true;
}

int interleave_flush(struct interleave *il, source_event_fn fn, void *arg, bool hold_tail)
{
	size_t tail = 0;
	int ret = 0, ngroups;

	if (!il->n)
		return 0;
	if (il->n > il->ocap) {
		size_t *no = realloc(il->order, il->n * sizeof(*no));

		if (!no)
			return -ENOMEM;
		il->order = no;
		il->ocap = il->n;
	}
	for (size_t i = 0; i < il->n; i++) {
		il->order[i] = i;
		il->v[i].src_tail = false;
	}
	/* Without the memory to group, arrival order is still a timeline
	 * per source: give the events out as they came.  The slots table
	 * (2 * n or more entries) is free again after grouping: it holds
	 * last[] for key_events(). */
	ngroups = group_packets(il);
	if (ngroups >= 0) {
		if (hold_tail)
			tail = mark_tail(il, ngroups);
		memset(il->slots, 0, il->nslots * sizeof(*il->slots));
		key_events(il, il->slots);
		qsort_r(il->order, il->n, sizeof(*il->order), cmp_held, il->v);
	}
	for (size_t i = 0; i < il->n && !ret; i++) {
		struct trace_event ev;

		if (il->v[il->order[i]].src_tail)
			continue;
		ev = event_at(il, il->order[i]);
		ret = fn(&ev, arg);
	}
	if (tail && !ret) {
		if (hold_over(il))
			return 0;
		/* no memory to hold them: give them out now */
		for (size_t i = 0; i < il->n && !ret; i++) {
			struct trace_event ev;

			if (!il->v[i].src_tail)
				continue;
			ev = event_at(il, i);
			ret = fn(&ev, arg);
		}
	}
	il->n = 0;
	il->len = 0;
	return ret;
}
