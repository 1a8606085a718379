/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * paths.h - trace events grouped into packet paths, and each packet's fate.
 *
 * A packet is the run of events that share a packet ID (packet_id.h) and a
 * domain while it is "open".  The domain is where the events were seen:
 * nftrace-read passes the input file, so the same packet traced on two
 * hosts (or namespaces) makes two paths, each with its own fate - their
 * clocks and the order of their events cannot be compared.  It is complete when no event for it has arrived for
 * gap_ns of capture time (the largest timestamp seen so far), or at the
 * end of input; an event for its ID after that starts a new packet.  The
 * path of a packet crosses the firewall in microseconds to milliseconds,
 * so a gap of a second loses nothing in practice.
 *
 * Streaming with bounded memory: at most max_packets open packets and
 * max_bytes of stored events.  When a new packet or event does not fit,
 * the oldest open packet is completed early ("forced", counted in
 * paths_stats(); its path may be split if more of its events follow).
 *
 * Release modes:
 *   PATHS_PACKETS  each complete packet, once, in first-seen order, with
 *                  all its hops (--paths, --stats, --dot).
 *   PATHS_EVENTS   each event in arrival order.  With wait, an event is
 *                  held until its packet is complete, so a decision over
 *                  the whole path (select) can drop all of its events
 *                  (--table, --chain, --verdict).  Without wait events
 *                  are handed on at once and nothing is stored: only the
 *                  per-packet admit decision and summary are kept.
 *
 * admit() sees the first event of each packet (the one whose payload the
 * packet ID was computed from) and decides for all its events: filters
 * that look at the packet bytes or the time are decided once per packet,
 * before NAT rewrote its addresses.
 *
 * Events handed to the callbacks (and by paths_hops_next()) point into
 * storage of this module, valid during the callback only.
 */
#ifndef NFTRACE_PATHS_H
#define NFTRACE_PATHS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace_event.h"

/* ---- fate -------------------------------------------------------------- */

enum path_verdict {
	PATH_UNKNOWN = 0,
	PATH_ACCEPT,
	PATH_DROP,	/* DROP, REJECT, nf_tables drop */
	PATH_QUEUE,	/* NFQUEUE / QUEUE, nf_tables queue */
	PATH_STOLEN,	/* nf_tables stolen */
};

/*
 * How a packet's fate is decided (documented in doc/nftrace-read-views.md):
 *
 * One hop's verdict: an nf_tables event carries the verdict the kernel
 * reported (accept, drop, queue, stolen; continue, jump, goto, return and
 * break decide nothing).  A legacy event carries none, so its rule text
 * is read: a rule whose target (-j, outside quotes, the last one) is DROP
 * or REJECT drops, ACCEPT accepts, NFQUEUE or QUEUE queues; a policy
 * event "-P CHAIN DROP" drops, "-P CHAIN ACCEPT" accepts.
 *
 * The packet's fate: if the last hop decides, it is the fate ("dropped by
 * filter:INPUT:rule:1", "dropped by policy filter:INPUT:policy:2").
 * Otherwise the fate is the most recent earlier hop that let the packet
 * go on: an accept verdict, an ACCEPT rule, or a legacy policy event (a
 * policy the packet got past accepted it) - "accepted by policy
 * mangle:POSTROUTING:policy:1".  A path whose last hop is a legacy event
 * without rule text (a rule, policy or return that could have been the
 * DROP), or with no deciding hop at all, has fate unknown; in the first
 * case hop names that event.
 */
struct path_fate {
	enum path_verdict verdict;	/* after path_fate_finish() */
	int32_t hop;			/* index of the deciding hop, -1 = none */
	bool policy;			/* decided by a chain policy */

	/* running state */
	uint32_t n;
	enum path_verdict last_v, prev_v;
	int32_t last_hop, prev_hop;
	bool last_policy, prev_policy, last_textless;
};

/* One hop's own verdict; *policy tells whether it is a policy event. */
enum path_verdict path_hop_verdict(const struct trace_event *ev, bool *policy);

void path_fate_init(struct path_fate *f);
void path_fate_add(struct path_fate *f, const struct trace_event *ev);
void path_fate_finish(struct path_fate *f);

/* "accept", "drop", "queue", "stolen", "unknown". */
const char *path_verdict_name(enum path_verdict v);
/* Parse one of those names, in any case, or an iptables target that
 * decides the same way: REJECT (a drop), NFQUEUE (queue).  Returns 0, or
 * -EINVAL. */
int path_verdict_parse(const char *s, enum path_verdict *v);
/* "accepted", "dropped", "queued", "stolen", NULL for unknown. */
const char *path_verdict_participle(enum path_verdict v);

/* The hop's name as paths and stats print it: the prefix without its
 * "TRACE: " tag, e.g. "filter:INPUT:rule:1", "inet fw:in:policy:4". */
struct strref path_hop_name(const struct trace_event *ev);

/* ---- packet grouping --------------------------------------------------- */

enum paths_release { PATHS_EVENTS, PATHS_PACKETS };

#define PATHS_DEFAULT_GAP_NS 1000000000ULL
#define PATHS_DEFAULT_MAX_PACKETS 65536
#define PATHS_DEFAULT_MAX_BYTES ((size_t)16 << 20)

struct paths;
struct paths_pkt;

struct paths_config {
	enum paths_release release;
	bool wait;		/* PATHS_EVENTS: hold events until complete */
	uint64_t gap_ns;	/* 0: PATHS_DEFAULT_GAP_NS */
	size_t max_packets;	/* 0: PATHS_DEFAULT_MAX_PACKETS */
	size_t max_bytes;	/* 0: PATHS_DEFAULT_MAX_BYTES */
	bool keep_payload;	/* store the first event's payload with it */
	bool summaries;		/* keep each packet's tcpdump summary */
	bool verbose;		/* ... in tcpdump -v form */

	/* First event of a new packet: false leaves out the whole packet. */
	bool (*admit)(void *arg, const struct trace_event *first);
	/* A complete packet (wait modes): false leaves it out. */
	bool (*select)(void *arg, const struct paths_pkt *p);
	/* PATHS_EVENTS: one event of an admitted (and selected) packet. */
	void (*event)(void *arg, const struct trace_event *ev, void *ctx,
		      const struct paths_pkt *p);
	/* PATHS_PACKETS: a complete, admitted and selected packet. */
	void (*packet)(void *arg, const struct paths_pkt *p);
	/* Events carry an opaque ctx (the caller's rule snapshot); a stored
	 * event holds a reference.  Both may be NULL. */
	void (*ctx_ref)(void *ctx);
	void (*ctx_unref)(void *ctx);
	void *arg;
};

struct paths_counters {
	uint64_t packets;	/* packets seen (admitted or not) */
	uint64_t admitted, selected;
	uint64_t forced;	/* completed early to stay within the bounds */
	size_t peak_packets, peak_bytes;
};

/* Returns NULL on ENOMEM (or EINVAL: no callback for the release mode). */
struct paths *paths_new(const struct paths_config *cfg);
void paths_free(struct paths *ps); /* NULL-safe; drops what is held */

/* Add one event seen in domain (ctx travels with it).  Callbacks may run
 * from here.  Returns 0, or -EMSGSIZE for an event larger than max_bytes. */
int paths_add(struct paths *ps, const struct trace_event *ev, void *ctx, uint32_t domain);

/* End of input: complete and release everything. */
void paths_finish(struct paths *ps);

void paths_counters(const struct paths *ps, struct paths_counters *c);

/* ---- a packet, inside the callbacks ------------------------------------ */

uint64_t paths_pkt_id(const struct paths_pkt *p);
uint64_t paths_pkt_first_ts(const struct paths_pkt *p);
uint64_t paths_pkt_last_ts(const struct paths_pkt *p);
uint32_t paths_pkt_nhops(const struct paths_pkt *p); /* events so far */
uint8_t paths_pkt_family(const struct paths_pkt *p);
uint32_t paths_pkt_domain(const struct paths_pkt *p);
/* Lengths of the first event: captured bytes and original length. */
uint32_t paths_pkt_caplen(const struct paths_pkt *p);
uint32_t paths_pkt_len(const struct paths_pkt *p);
/* The fate: final for complete packets, so far otherwise. */
const struct path_fate *paths_pkt_fate(const struct paths_pkt *p);
bool paths_pkt_forced(const struct paths_pkt *p);
/* The tcpdump summary of the first event (cfg->summaries), else empty. */
struct strref paths_pkt_summary(const struct paths_pkt *p);

/* The stored hops of a packet in order (wait modes only). */
struct paths_iter {
	const struct paths_pkt *p;
	uint32_t next;
};
void paths_hops_begin(const struct paths_pkt *p, struct paths_iter *it);
/* 1 and *ev (and *ctx when not NULL), or 0 after the last hop. */
int paths_hops_next(struct paths_iter *it, struct trace_event *ev, void **ctx);

#endif
