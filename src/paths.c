/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * paths.c - packets from events: an ID table of open packets, a ring of
 * stored events in arrival order, and the fate of each path.
 *
 * Storage: a slot array (max_packets) with a chained hash on the ID and a
 * list in first-seen order; events are records in one circular byte
 * buffer (max_bytes) allocated once, so nothing is malloc'd per event or
 * per packet (a summary longer than the inline room is the exception:
 * one malloc per such packet).  A record is reclaimed when the ring's head
 * reaches it after it was released.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dissect.h"
#include "names.h"
#include "paths.h"

#define NONE UINT32_MAX
#define SUMMARY_INLINE 120
#define SUMMARY_MAX 2048
#define TAG "TRACE: "
#define TAG_LEN (sizeof(TAG) - 1)

/* ---- fate -------------------------------------------------------------- */

/* Is p[0..n) at i the start of a word equal to w? */
static bool word_at(const char *p, size_t n, size_t i, const char *w)
{
	size_t wl = strlen(w);

	return i + wl <= n && !memcmp(p + i, w, wl) && (i + wl == n || p[i + wl] == ' ');
}

/* The target word of an iptables-save rule: after the last "-j" or
 * "--jump" that is not inside double quotes (iptables-save quotes comment
 * strings, with backslash escapes). */
static struct strref rule_target(const char *p, size_t n)
{
	struct strref t = { NULL, 0 };
	bool quoted = false;

	for (size_t i = 0; i < n; i++) {
		size_t w;

		if (quoted) {
			if (p[i] == '\\')
				i++;
			else if (p[i] == '"')
				quoted = false;
			continue;
		}
		if (p[i] == '"') {
			quoted = true;
			continue;
		}
		if (i > 0 && p[i - 1] != ' ')
			continue;
		if (word_at(p, n, i, "-j"))
			w = i + 3;
		else if (word_at(p, n, i, "--jump"))
			w = i + 7;
		else
			continue;
		if (w > n)
			continue;
		t.p = p + w;
		for (t.len = 0; w + t.len < n && p[w + t.len] != ' '; t.len++)
			;
	}
	return t;
}

static enum path_verdict target_verdict(struct strref t)
{
	if (strref_eq(t, "DROP", 4) || strref_eq(t, "REJECT", 6))
		return PATH_DROP;
	if (strref_eq(t, "ACCEPT", 6))
		return PATH_ACCEPT;
	if (strref_eq(t, "NFQUEUE", 7) || strref_eq(t, "QUEUE", 5))
		return PATH_QUEUE;
	return PATH_UNKNOWN;
}

enum path_verdict path_hop_verdict(const struct trace_event *ev, bool *policy)
{
	const char *p = ev->rule_text.p;
	size_t n = ev->rule_text.len;

	*policy = ev->kind == TRACE_KIND_POLICY;
	if (ev->verdict != TRACE_VERDICT_NONE) {
		if (ev->verdict < 0)
			return PATH_UNKNOWN;	/* continue, break, jump, goto, return */
		switch (ev->verdict & 0xff) {
		case 0: return PATH_DROP;
		case 1: return PATH_ACCEPT;
		case 2: return PATH_STOLEN;
		case 3: return PATH_QUEUE;
		case 5: return PATH_ACCEPT;	/* NF_STOP: accepted, no more hooks */
		}
		return PATH_UNKNOWN;
	}
	if (!n)
		return PATH_UNKNOWN;
	if (*policy) {
		/* "-P CHAIN POLICY": the last word. */
		size_t i = n;

		while (i > 0 && p[i - 1] != ' ')
			i--;
		if (n >= 3 && !memcmp(p, "-P ", 3))
			return target_verdict((struct strref){ p + i, (uint32_t)(n - i) });
		/* return:N / policy:N at an unconditional rule: its target. */
	}
	return target_verdict(rule_target(p, n));
}

void path_fate_init(struct path_fate *f)
{
	memset(f, 0, sizeof(*f));
	f->hop = f->last_hop = f->prev_hop = -1;
}

/* Did this hop let the packet go on to a later hop, accepting it? */
static bool lets_on(enum path_verdict v, bool policy, bool textless)
{
	return v == PATH_ACCEPT || (policy && textless);
}

void path_fate_add(struct path_fate *f, const struct trace_event *ev)
{
	bool policy;
	enum path_verdict v = path_hop_verdict(ev, &policy);

	if (f->last_hop >= 0 && lets_on(f->last_v, f->last_policy, f->last_textless)) {
		f->prev_v = PATH_ACCEPT;
		f->prev_hop = f->last_hop;
		f->prev_policy = f->last_policy;
	}
	f->last_v = v;
	f->last_hop = (int32_t)f->n;
	f->last_policy = policy;
	/* A legacy hop whose text is unknown may have been the DROP: a rule,
	 * a policy, or a return (an unconditional rule at a user chain's end
	 * is traced as "return"). */
	f->last_textless = v == PATH_UNKNOWN && ev->verdict == TRACE_VERDICT_NONE &&
		ev->rule_text.len == 0;
	f->n++;
}

void path_fate_finish(struct path_fate *f)
{
	if (f->last_hop >= 0 && f->last_v != PATH_UNKNOWN) {
		f->verdict = f->last_v;
		f->hop = f->last_hop;
		f->policy = f->last_policy;
	} else if (f->last_hop >= 0 && f->last_textless) {
		f->verdict = PATH_UNKNOWN;	/* that hop could have been a DROP */
		f->hop = f->last_hop;
		f->policy = f->last_policy;
	} else if (f->prev_hop >= 0) {
		f->verdict = f->prev_v;
		f->hop = f->prev_hop;
		f->policy = f->prev_policy;
	} else {
		f->verdict = PATH_UNKNOWN;
		f->hop = -1;
		f->policy = false;
	}
}

static const struct names_tok verdict_names[] = {
	{ PATH_ACCEPT, "accept" }, { PATH_DROP, "drop" }, { PATH_QUEUE, "queue" },
	{ PATH_STOLEN, "stolen" }, { PATH_UNKNOWN, "unknown" }, { 0, NULL },
};

static const struct names_tok verdict_participles[] = {
	{ PATH_ACCEPT, "accepted" }, { PATH_DROP, "dropped" }, { PATH_QUEUE, "queued" },
	{ PATH_STOLEN, "stolen" }, { 0, NULL },
};

const char *path_verdict_name(enum path_verdict v)
{
	return names_tok2str(verdict_names, (int32_t)v, "unknown");
}

/* The iptables targets, as the fate reads them (target_verdict()). */
static const struct names_tok verdict_aliases[] = {
	{ PATH_DROP, "reject" }, { PATH_QUEUE, "nfqueue" }, { 0, NULL },
};

int path_verdict_parse(const char *s, enum path_verdict *v)
{
	const struct names_tok *tabs[] = { verdict_names, verdict_aliases };

	for (size_t i = 0; i < sizeof(tabs) / sizeof(tabs[0]); i++)
		for (const struct names_tok *t = tabs[i]; t->s; t++)
			if (!strcasecmp(t->s, s)) {
				*v = (enum path_verdict)t->v;
				return 0;
			}
	return -EINVAL;
}

const char *path_verdict_participle(enum path_verdict v)
{
	if (v == PATH_UNKNOWN)
		return NULL;
	return names_tok2str(verdict_participles, (int32_t)v, NULL);
}

struct strref path_hop_name(const struct trace_event *ev)
{
	struct strref s = ev->prefix;

	if (s.len >= TAG_LEN && !memcmp(s.p, TAG, TAG_LEN)) {
		s.p += TAG_LEN;
		s.len -= (uint32_t)TAG_LEN;
	}
	return s;
}

/* ---- packet table and event ring --------------------------------------- */

enum {
	PKT_COMPLETE = 1u << 0,	/* closed: no longer found by its ID */
	PKT_ADMITTED = 1u << 1,
	PKT_SELECTED = 1u << 2,	/* decided (wait modes): events go out */
	PKT_FORCED = 1u << 3,
	PKT_USED = 1u << 4,
};

struct paths_pkt {
	struct paths *ps;
	uint64_t id, first_ts, last_ts;
	uint32_t domain;
	uint32_t hnext;			/* hash chain */
	uint32_t older, newer;		/* open list, first-seen order */
	uint32_t first, last;		/* records (ring offsets) */
	uint32_t held;			/* records not yet released */
	uint32_t nhops;
	uint32_t flags;
	uint32_t caplen, len;
	uint8_t family;
	uint32_t sumlen;
	char *sumbig;			/* summary longer than the inline room */
	struct path_fate fate;
	char sum[SUMMARY_INLINE];
};

/* A stored event.  Its strings follow the header: prefix, rule text,
 * verdict chain, payload; table and chain point into the prefix. */
struct rec {
	uint32_t size;		/* bytes, a multiple of 8; 0 marks a wrap */
	uint32_t next;		/* the packet's next record */
	uint32_t slot;
	uint32_t released;
	uint32_t table_off, chain_off;
	void *ctx;
	struct trace_event ev;	/* pointers cleared; lengths kept */
};

struct paths {
	struct paths_config cfg;
	struct dissect_ctx *dctx;	/* tcpdump's TCP state, for the summaries */
	struct paths_pkt *slots;
	uint32_t nslots, nfree, freelist;
	uint32_t *buckets;
	uint32_t nbuckets;
	uint32_t oldest, newest;	/* open list */
	uint32_t nopen;
	uint8_t *ring;
	size_t cap, head, tail, used;	/* used: bytes between head and tail */
	uint64_t now;
	struct paths_counters cnt;
	bool finishing;
};

static size_t hash_id(uint64_t id, uint32_t domain)
{
	id ^= (uint64_t)domain * 0x9e3779b97f4a7c15ULL;
	id ^= id >> 29;
	id *= 0xbf58476d1ce4e5b9ULL;
	id ^= id >> 32;
	return (size_t)id;
}

struct paths *paths_new(const struct paths_config *cfg)
{
	struct paths *ps;

	if ((cfg->release == PATHS_PACKETS && !cfg->packet) ||
	    (cfg->release == PATHS_EVENTS && !cfg->event)) {
		errno = EINVAL;
		return NULL;
	}
	ps = calloc(1, sizeof(*ps));
	if (!ps)
		return NULL;
	ps->cfg = *cfg;
	ps->dctx = dissect_ctx_new(0);
	if (!ps->dctx) {
		free(ps);
		return NULL;
	}
	if (ps->cfg.release == PATHS_PACKETS)
		ps->cfg.wait = true;
	if (!ps->cfg.gap_ns)
		ps->cfg.gap_ns = PATHS_DEFAULT_GAP_NS;
	if (!ps->cfg.max_packets)
		ps->cfg.max_packets = PATHS_DEFAULT_MAX_PACKETS;
	if (ps->cfg.max_packets > (1u << 24))
		ps->cfg.max_packets = 1u << 24;
	if (!ps->cfg.max_bytes)
		ps->cfg.max_bytes = PATHS_DEFAULT_MAX_BYTES;
	if (ps->cfg.max_bytes > (1u << 30))
		ps->cfg.max_bytes = 1u << 30;
	ps->nslots = (uint32_t)ps->cfg.max_packets;
	ps->nbuckets = 1024;
	while (ps->nbuckets < 2 * ps->nslots)
		ps->nbuckets *= 2;
	/* Untouched pages cost no memory: RSS grows with what is used. */
	ps->slots = malloc((size_t)ps->nslots * sizeof(*ps->slots));
	ps->buckets = malloc((size_t)ps->nbuckets * sizeof(*ps->buckets));
	if (ps->cfg.wait) {
		ps->cap = ps->cfg.max_bytes & ~(size_t)7;
		ps->ring = malloc(ps->cap);
	}
	if (!ps->slots || !ps->buckets || (ps->cfg.wait && !ps->ring)) {
		paths_free(ps);
		return NULL;
	}
	memset(ps->buckets, 0xff, (size_t)ps->nbuckets * sizeof(*ps->buckets));
	ps->freelist = NONE;	/* slots past nfree were never used */
	ps->oldest = ps->newest = NONE;
	return ps;
}

static struct rec *rec_at(const struct paths *ps, uint32_t off)
{
	return (struct rec *)(void *)(ps->ring + off);
}

/* Rebuild the event of a stored record. */
static void rec_event(const struct rec *r, struct trace_event *ev)
{
	const char *s = (const char *)(r + 1);

	*ev = r->ev;
	ev->prefix.p = s;
	s += r->ev.prefix.len;
	ev->table.p = ev->prefix.p + r->table_off;
	ev->chain.p = ev->prefix.p + r->chain_off;
	ev->rule_text.p = r->ev.rule_text.len ? s : NULL;
	s += r->ev.rule_text.len;
	ev->verdict_chain.p = r->ev.verdict_chain.len ? s : NULL;
	s += r->ev.verdict_chain.len;
	ev->payload = r->ev.caplen ? (const uint8_t *)s : NULL;
	ev->record = NULL;
	ev->record_len = 0;
}

static void free_slot(struct paths *ps, struct paths_pkt *p)
{
	uint32_t i = (uint32_t)(p - ps->slots);

	free(p->sumbig);
	p->sumbig = NULL;
	p->flags = 0;
	p->hnext = ps->freelist;
	ps->freelist = i;
}

static void hash_remove(struct paths *ps, struct paths_pkt *p)
{
	uint32_t i = (uint32_t)(p - ps->slots);
	uint32_t *link = &ps->buckets[hash_id(p->id, p->domain) & (ps->nbuckets - 1)];

	while (*link != NONE && *link != i)
		link = &ps->slots[*link].hnext;
	if (*link == i)
		*link = p->hnext;
}

static void list_remove(struct paths *ps, struct paths_pkt *p)
{
	if (p->older != NONE)
		ps->slots[p->older].newer = p->newer;
	else
		ps->oldest = p->newer;
	if (p->newer != NONE)
		ps->slots[p->newer].older = p->older;
	else
		ps->newest = p->older;
	ps->nopen--;
}

/* Close a packet: no longer found by its ID; decide it.  It stays in the
 * first-seen list until close_packet(). */
static void complete(struct paths *ps, struct paths_pkt *p, bool forced)
{
	p->flags |= PKT_COMPLETE;
	if (forced && (p->flags & PKT_ADMITTED)) {
		p->flags |= PKT_FORCED;
		ps->cnt.forced++;
	}
	hash_remove(ps, p);
	path_fate_finish(&p->fate);
	if ((p->flags & PKT_ADMITTED) &&
	    (!ps->cfg.wait || !ps->cfg.select || ps->cfg.select(ps->cfg.arg, p))) {
		p->flags |= PKT_SELECTED;
		ps->cnt.selected++;
	}
}

static void release_rec(struct paths *ps, struct rec *r)
{
	r->released = 1;
	if (ps->cfg.ctx_unref && r->ctx)
		ps->cfg.ctx_unref(r->ctx);
}

/* Move the ring's head past released records. */
static void reclaim(struct paths *ps)
{
	while (ps->used) {
		struct rec *r = rec_at(ps, (uint32_t)ps->head);

		if (r->size == 0) {	/* wrap marker: skip the rest of the buffer */
			ps->used -= ps->cap - ps->head;
			ps->head = 0;
			continue;
		}
		if (!r->released)
			break;
		ps->head += r->size;
		ps->used -= r->size;
		if (ps->head == ps->cap)
			ps->head = 0;
	}
	if (!ps->used)
		ps->head = ps->tail = 0;
}

/* PATHS_PACKETS: hand a complete packet out and let its records go. */
static void emit_packet(struct paths *ps, struct paths_pkt *p)
{
	if (p->flags & PKT_SELECTED)
		ps->cfg.packet(ps->cfg.arg, p);
	for (uint32_t off = p->first; off != NONE;) {
		struct rec *r = rec_at(ps, off);

		off = r->next;
		release_rec(ps, r);
	}
	free_slot(ps, p);
	reclaim(ps);
}

/* Complete p; free its slot as soon as nothing of it is held. */
static void close_packet(struct paths *ps, struct paths_pkt *p, bool forced)
{
	if (!(p->flags & PKT_COMPLETE))
		complete(ps, p, forced);
	list_remove(ps, p);
	if (ps->cfg.release == PATHS_PACKETS)
		emit_packet(ps, p);
	else if (p->held == 0)
		free_slot(ps, p);
}

/* PATHS_EVENTS with wait: hand out head events whose packet is complete. */
static void drain_events(struct paths *ps)
{
	while (ps->used) {
		struct rec *r = rec_at(ps, (uint32_t)ps->head);
		struct paths_pkt *p;

		if (r->size == 0 || r->released) {
			reclaim(ps);
			continue;
		}
		p = &ps->slots[r->slot];
		if (!(p->flags & PKT_COMPLETE))
			break;
		if (p->flags & PKT_SELECTED) {
			struct trace_event ev;

			rec_event(r, &ev);
			ps->cfg.event(ps->cfg.arg, &ev, r->ctx, p);
		}
		p->first = r->next;
		release_rec(ps, r);
		if (--p->held == 0)
			free_slot(ps, p);
		reclaim(ps);
	}
}

/*
 * Complete what has been idle for the gap (everything when finishing),
 * oldest first.  With force, also complete early the packet that holds
 * the oldest stored event (or the oldest open packet), to make room.
 */
static void expire(struct paths *ps, bool force)
{
	bool wait_events = ps->cfg.release == PATHS_EVENTS && ps->cfg.wait;

	while (ps->oldest != NONE) {
		struct paths_pkt *p = &ps->slots[ps->oldest];

		if (!(p->flags & PKT_COMPLETE) && !ps->finishing &&
		    ps->now - p->last_ts <= ps->cfg.gap_ns)
			break;
		close_packet(ps, p, false);
	}
	if (wait_events)
		drain_events(ps);
	if (!force)
		return;
	if (wait_events && ps->used) {
		/* drain_events() stopped at an event of an open packet. */
		struct rec *r = rec_at(ps, (uint32_t)ps->head);

		close_packet(ps, &ps->slots[r->slot], true);
		drain_events(ps);
	} else if (ps->oldest != NONE) {
		close_packet(ps, &ps->slots[ps->oldest], true);
	}
}

static struct paths_pkt *new_slot(struct paths *ps)
{
	uint32_t i;

	/* Every slot taken: complete packets early until one is free. */
	while (ps->freelist == NONE && ps->nfree >= ps->nslots)
		expire(ps, true);
	if (ps->freelist != NONE) {
		i = ps->freelist;
		ps->freelist = ps->slots[i].hnext;
	} else {
		i = ps->nfree++;
	}
	return &ps->slots[i];
}

static struct paths_pkt *lookup(struct paths *ps, uint64_t id, uint32_t domain)
{
	for (uint32_t i = ps->buckets[hash_id(id, domain) & (ps->nbuckets - 1)]; i != NONE;
	     i = ps->slots[i].hnext)
		if (ps->slots[i].id == id && ps->slots[i].domain == domain)
			return &ps->slots[i];
	return NULL;
}

static void set_summary(struct paths *ps, struct paths_pkt *p, const struct trace_event *ev,
			bool verbose)
{
	char tmp[SUMMARY_MAX];
	size_t n;

	n = dissect_summary_ctx(ps->dctx, ev->family, ev->payload, ev->payload ? ev->caplen : 0,
			    ev->len ? ev->len : ev->caplen, verbose, tmp, sizeof(tmp));
	p->sumlen = (uint32_t)n;
	if (n <= SUMMARY_INLINE) {
		memcpy(p->sum, tmp, n);
		return;
	}
	p->sumbig = malloc(n);
	if (p->sumbig)
		memcpy(p->sumbig, tmp, n);
	else
		p->sumlen = 0;
}

static struct paths_pkt *open_packet(struct paths *ps, const struct trace_event *ev,
				     uint32_t domain)
{
	struct paths_pkt *p = new_slot(ps);
	uint32_t i = (uint32_t)(p - ps->slots);
	uint32_t *bucket = &ps->buckets[hash_id(ev->id, domain) & (ps->nbuckets - 1)];

	memset(p, 0, offsetof(struct paths_pkt, sum));
	p->ps = ps;
	p->id = ev->id;
	p->domain = domain;
	p->first_ts = p->last_ts = ev->ts_ns;
	p->first = p->last = NONE;
	p->family = ev->family;
	p->caplen = ev->caplen;
	p->len = ev->len ? ev->len : ev->caplen;
	p->flags = PKT_USED;
	path_fate_init(&p->fate);
	p->hnext = *bucket;
	*bucket = i;
	p->older = ps->newest;
	p->newer = NONE;
	if (ps->newest != NONE)
		ps->slots[ps->newest].newer = i;
	else
		ps->oldest = i;
	ps->newest = i;
	if (++ps->nopen > ps->cnt.peak_packets)
		ps->cnt.peak_packets = ps->nopen;
	ps->cnt.packets++;
	if (!ps->cfg.admit || ps->cfg.admit(ps->cfg.arg, ev)) {
		p->flags |= PKT_ADMITTED;
		ps->cnt.admitted++;
		if (ps->cfg.summaries)
			set_summary(ps, p, ev, ps->cfg.verbose);
	}
	return p;
}

/*
 * size contiguous free bytes at the tail: *off, or -ENOSPC.  In use are
 * [head, tail) when tail > head, else [head, cap) and [0, tail); a record
 * that does not fit before the end leaves a wrap marker there.
 */
static int ring_reserve(struct paths *ps, size_t size, uint32_t *off)
{
	if (size > ps->cap)
		return -EMSGSIZE;
	if (ps->used == 0) {
		ps->head = ps->tail = 0;
		*off = 0;
		return 0;
	}
	if (ps->tail > ps->head) {
		if (ps->cap - ps->tail >= size) {
			*off = (uint32_t)ps->tail;
			return 0;
		}
		if (ps->head < size)
			return -ENOSPC;
		rec_at(ps, (uint32_t)ps->tail)->size = 0;
		ps->used += ps->cap - ps->tail;
		ps->tail = 0;
		*off = 0;
		return 0;
	}
	if (ps->tail < ps->head && ps->head - ps->tail >= size) {
		*off = (uint32_t)ps->tail;
		return 0;
	}
	return -ENOSPC;		/* tail == head: full */
}

/* Store ev as p's next hop.  -EAGAIN: p had to be completed to make room. */
static int store(struct paths *ps, struct paths_pkt *p, const struct trace_event *ev, void *ctx)
{
	uint32_t payload = p->nhops == 0 && ps->cfg.keep_payload && ev->payload ? ev->caplen : 0;
	size_t size = sizeof(struct rec) + ev->prefix.len + ev->rule_text.len +
		      ev->verdict_chain.len + payload;
	uint32_t off = 0;
	struct rec *r;
	char *s;
	int err;

	size = (size + 7) & ~(size_t)7;
	while ((err = ring_reserve(ps, size, &off)) == -ENOSPC) {
		/* Full: complete the oldest packet early.  If that was p,
		 * this event starts a new packet. */
		expire(ps, true);
		if (!(p->flags & PKT_USED) || (p->flags & PKT_COMPLETE))
			return -EAGAIN;
	}
	if (err)
		return err;
	r = rec_at(ps, off);
	r->size = (uint32_t)size;
	r->next = NONE;
	r->slot = (uint32_t)(p - ps->slots);
	r->released = 0;
	r->ctx = ctx;
	r->ev = *ev;
	/* A stored event's caplen is its stored payload (the first hop's);
	 * len keeps the packet's original length. */
	r->ev.caplen = payload;
	r->ev.len = ev->len ? ev->len : ev->caplen;
	r->ev.payload = NULL;
	r->ev.record = NULL;
	r->table_off = r->chain_off = 0;
	if (ev->table.len && ev->table.p >= ev->prefix.p &&
	    ev->table.p + ev->table.len <= ev->prefix.p + ev->prefix.len)
		r->table_off = (uint32_t)(ev->table.p - ev->prefix.p);
	else
		r->ev.table.len = 0;
	if (ev->chain.len && ev->chain.p >= ev->prefix.p &&
	    ev->chain.p + ev->chain.len <= ev->prefix.p + ev->prefix.len)
		r->chain_off = (uint32_t)(ev->chain.p - ev->prefix.p);
	else
		r->ev.chain.len = 0;
	s = (char *)(r + 1);
	memcpy(s, ev->prefix.p, ev->prefix.len);
	s += ev->prefix.len;
	if (ev->rule_text.len)
		memcpy(s, ev->rule_text.p, ev->rule_text.len);
	s += ev->rule_text.len;
	if (ev->verdict_chain.len)
		memcpy(s, ev->verdict_chain.p, ev->verdict_chain.len);
	s += ev->verdict_chain.len;
	if (payload)
		memcpy(s, ev->payload, payload);
	if (ctx && ps->cfg.ctx_ref)
		ps->cfg.ctx_ref(ctx);
	ps->tail = off + size;
	if (ps->tail == ps->cap)
		ps->tail = 0;
	ps->used += size;
	if (ps->used > ps->cnt.peak_bytes)
		ps->cnt.peak_bytes = ps->used;
	if (p->last != NONE)
		rec_at(ps, p->last)->next = off;
	else
		p->first = off;
	p->last = off;
	p->held++;
	return 0;
}

int paths_add(struct paths *ps, const struct trace_event *ev, void *ctx, uint32_t domain)
{
	struct paths_pkt *p;
	int err;

	if (ev->ts_ns > ps->now)
		ps->now = ev->ts_ns;
	expire(ps, false);
	for (;;) {
		p = lookup(ps, ev->id, domain);
		/* Idle for the gap: that packet is done, this is a new one. */
		if (p && ps->now - p->last_ts > ps->cfg.gap_ns) {
			if (ps->cfg.release == PATHS_PACKETS && ps->oldest != (uint32_t)(p - ps->slots))
				complete(ps, p, false);	/* handed out in first-seen order */
			else
				close_packet(ps, p, false);
			if (ps->cfg.release == PATHS_EVENTS && ps->cfg.wait)
				drain_events(ps);
			p = NULL;
		}
		if (!p)
			p = open_packet(ps, ev, domain);
		if (!(p->flags & PKT_ADMITTED) || !ps->cfg.wait)
			break;
		err = store(ps, p, ev, ctx);
		if (err == -EAGAIN)
			continue;
		if (err)
			return err;
		break;
	}
	if (ev->ts_ns > p->last_ts)
		p->last_ts = ev->ts_ns;
	p->nhops++;
	path_fate_add(&p->fate, ev);
	if ((p->flags & PKT_ADMITTED) && !ps->cfg.wait)
		ps->cfg.event(ps->cfg.arg, ev, ctx, p);
	return 0;
}

void paths_finish(struct paths *ps)
{
	ps->finishing = true;
	expire(ps, false);
	if (ps->cfg.wait)
		reclaim(ps);
	ps->finishing = false;
}

void paths_free(struct paths *ps)
{
	if (!ps)
		return;
	dissect_ctx_free(ps->dctx);
	if (ps->ring) {
		/* Drop held references without handing anything out. */
		for (uint32_t i = 0; i < ps->nfree; i++) {
			struct paths_pkt *p = &ps->slots[i];

			if (!(p->flags & PKT_USED))
				continue;
			for (uint32_t off = p->first; off != NONE;) {
				struct rec *r = rec_at(ps, off);

				off = r->next;
				if (!r->released)
					release_rec(ps, r);
			}
		}
	}
	if (ps->slots)
		for (uint32_t i = 0; i < ps->nfree; i++)
			free(ps->slots[i].sumbig);
	free(ps->slots);
	free(ps->buckets);
	free(ps->ring);
	free(ps);
}

void paths_counters(const struct paths *ps, struct paths_counters *c)
{
	*c = ps->cnt;
}

uint64_t paths_pkt_id(const struct paths_pkt *p) { return p->id; }
uint64_t paths_pkt_first_ts(const struct paths_pkt *p) { return p->first_ts; }
uint64_t paths_pkt_last_ts(const struct paths_pkt *p) { return p->last_ts; }
uint32_t paths_pkt_nhops(const struct paths_pkt *p) { return p->nhops; }
uint8_t paths_pkt_family(const struct paths_pkt *p) { return p->family; }
uint32_t paths_pkt_domain(const struct paths_pkt *p) { return p->domain; }
uint32_t paths_pkt_caplen(const struct paths_pkt *p) { return p->caplen; }
uint32_t paths_pkt_len(const struct paths_pkt *p) { return p->len; }
const struct path_fate *paths_pkt_fate(const struct paths_pkt *p) { return &p->fate; }
bool paths_pkt_forced(const struct paths_pkt *p) { return p->flags & PKT_FORCED; }

struct strref paths_pkt_summary(const struct paths_pkt *p)
{
	return (struct strref){ p->sumlen > SUMMARY_INLINE ? p->sumbig : p->sum, p->sumlen };
}

void paths_hops_begin(const struct paths_pkt *p, struct paths_iter *it)
{
	it->p = p;
	it->next = p->ps->ring ? p->first : NONE;
}

int paths_hops_next(struct paths_iter *it, struct trace_event *ev, void **ctx)
{
	const struct rec *r;

	if (it->next == NONE)
		return 0;
	r = rec_at(it->p->ps, it->next);
	rec_event(r, ev);
	if (ctx)
		*ctx = r->ctx;
	it->next = r->next;
	return 1;
}
