/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "dissect.h"

#define ARENA_MAX (40u << 20)	/* summaries; bounds RSS whatever the trace */
#define SUMMARY_MAX 2048

struct entry {
	uint64_t id;
	uint32_t off, len;	/* summary in the arena */
};

struct aggregate {
	struct entry *v;	/* first-seen order */
	size_t n, max;
	uint32_t *slots;	/* open addressing: index+1 into v, 0 = empty */
	size_t nslots;		/* power of two, >= 2 * max */
	char *arena;
	size_t arena_len, arena_cap;
	uint64_t overflow;
	bool verbose;
	/* tcpdump's per-connection state, so TCP summaries read as tcpdump
	 * prints a capture of these packets: relative sequence numbers. */
	struct dissect_ctx *dctx;
	/* A bounded set of IDs seen after the table filled, so overflow
	 * counts packets, not events. Collisions only undercount. */
	uint64_t *late;
	size_t nlate;
};

static size_t hash_id(uint64_t id)
{
	id ^= id >> 29;
	id *= 0xbf58476d1ce4e5b9ULL;
	id ^= id >> 32;
	return (size_t)id;
}

struct aggregate *aggregate_new(size_t max_packets, bool verbose)
{
	struct aggregate *ag = calloc(1, sizeof(*ag));

	if (!ag)
		return NULL;
	if (max_packets == 0)
		max_packets = AGGREGATE_DEFAULT_MAX;
	ag->max = max_packets;
	ag->nslots = 1024;
	while (ag->nslots < 2 * max_packets)
		ag->nslots *= 2;
	ag->verbose = verbose;
	ag->nlate = 65536;
	ag->slots = calloc(ag->nslots, sizeof(*ag->slots));
	ag->late = calloc(ag->nlate, sizeof(*ag->late));
	ag->dctx = dissect_ctx_new(0);
	if (!ag->slots || !ag->late || !ag->dctx) {
		aggregate_free(ag);
		return NULL;
	}
	return ag;
}

void aggregate_free(struct aggregate *ag)
{
	if (!ag)
		return;
	free(ag->v);
	free(ag->slots);
	free(ag->arena);
	free(ag->late);
	dissect_ctx_free(ag->dctx);
	free(ag);
}

static int arena_reserve(struct aggregate *ag, size_t need)
{
	size_t ncap;
	char *na;

	if (ag->arena_len + need <= ag->arena_cap)
		return 0;
	if (ag->arena_len + need > ARENA_MAX)
		return -ENOSPC;
	ncap = ag->arena_cap ? ag->arena_cap * 2 : 65536;
	while (ncap < ag->arena_len + need)
		ncap *= 2;
	if (ncap > ARENA_MAX)
		ncap = ARENA_MAX;
	na = realloc(ag->arena, ncap);
	if (!na)
		return -ENOMEM;
	ag->arena = na;
	ag->arena_cap = ncap;
	return 0;
}

static int note_late(struct aggregate *ag, uint64_t id)
{
	size_t i = hash_id(id) & (ag->nlate - 1);
	uint64_t key = id | (1ULL << 63); /* never 0 */

	if (ag->late[i] == key)
		return 0;
	ag->late[i] = key;
	ag->overflow++;
	return 1;
}

bool aggregate_seen(const struct aggregate *ag, uint64_t id)
{
	size_t mask = ag->nslots - 1;

	for (size_t i = hash_id(id) & mask; ag->slots[i]; i = (i + 1) & mask)
		if (ag->v[ag->slots[i] - 1].id == id)
			return true;
	return ag->late[hash_id(id) & (ag->nlate - 1)] == (id | (1ULL << 63));
}

int aggregate_add(struct aggregate *ag, const struct trace_event *ev)
{
	size_t mask = ag->nslots - 1, i = hash_id(ev->id) & mask;
	char tmp[SUMMARY_MAX];
	size_t len;
	struct entry *e;

	for (; ag->slots[i]; i = (i + 1) & mask)
		if (ag->v[ag->slots[i] - 1].id == ev->id)
			return 0;
	if (ag->n >= ag->max)
		return note_late(ag, ev->id);
	len = dissect_summary_ctx(ag->dctx, ev->family, ev->payload, ev->caplen,
			      ev->len ? ev->len : ev->caplen, ag->verbose, tmp, sizeof(tmp));
	if (arena_reserve(ag, len) < 0)
		return note_late(ag, ev->id);
	if (ag->n % 1024 == 0) {
		struct entry *nv = realloc(ag->v, (ag->n + 1024) * sizeof(*nv));

		if (!nv)
			return note_late(ag, ev->id);
		ag->v = nv;
	}
	e = &ag->v[ag->n];
	e->id = ev->id;
	e->off = (uint32_t)ag->arena_len;
	e->len = (uint32_t)len;
	memcpy(ag->arena + ag->arena_len, tmp, len);
	ag->arena_len += len;
	ag->slots[i] = (uint32_t)++ag->n;
	return 1;
}

size_t aggregate_count(const struct aggregate *ag)
{
	return ag->n;
}

uint64_t aggregate_overflow(const struct aggregate *ag)
{
	return ag->overflow;
}

void aggregate_get(const struct aggregate *ag, size_t i, uint64_t *id, struct strref *summary)
{
	const struct entry *e = &ag->v[i];

	*id = e->id;
	summary->p = ag->arena + e->off;
	summary->len = e->len;
}
