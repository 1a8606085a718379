/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capfile.h"
#include "merge.h"
#include "nflog_record.h"
#include "packet_id.h"
#include "render_text.h"

#define LINKTYPE_NFLOG 239

enum src_state { SRC_NEED_READ, SRC_HAVE, SRC_DONE };

struct src {
	struct capfile *cf;
	const char *path;
	unsigned index;
	enum src_state state;
	struct capfile_record rec;
	uint8_t *buf;		/* copy of the pending record (several files) */
	size_t cap;
	uint32_t section;
	struct merge_snap *snap;
	struct merge_file_stats st;
};

struct merge {
	const struct ruleset *user;
	struct src *v;
	size_t n;
	struct merge_counters cnt;
	void (*warn)(void *arg, const char *file, const char *msg);
	void *warn_arg;
	char scratch[65536];	/* unescaped rule text of the current event */
};

void merge_snap_ref(void *p)
{
	((struct merge_snap *)p)->refs++;
}

static void snap_free(struct merge_snap *s)
{
	ruleset_free(s->rs);
	free(s);
}

void merge_snap_unref(void *p)
{
	struct merge_snap *s = p;

	if (--s->refs == 0 && !s->current)
		snap_free(s);
}

static void snap_retire(struct merge_snap *s)
{
	if (!s)
		return;
	s->current = false;
	if (s->refs == 0)
		snap_free(s);
}

struct merge *merge_new(const struct ruleset *user_rules)
{
	struct merge *m = calloc(1, sizeof(*m));

	if (m)
		m->user = user_rules;
	return m;
}

void merge_set_warn(struct merge *m, void (*fn)(void *arg, const char *file, const char *msg),
		    void *arg)
{
	m->warn = fn;
	m->warn_arg = arg;
}

void merge_free(struct merge *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		capfile_close(m->v[i].cf);
		free(m->v[i].buf);
		snap_retire(m->v[i].snap);
	}
	free(m->v);
	free(m);
}

int merge_add(struct merge *m, const char *path, char *err, size_t errlen)
{
	struct capfile *cf = NULL;
	struct src *nv, *s;
	int r;

	r = capfile_open(&cf, path);
	if (r < 0) {
		if (cf)
			capfile_error_message(cf, err, errlen);
		else
			snprintf(err, errlen, "%s", strerror(-r));
		capfile_close(cf);
		return -1;
	}
	nv = realloc(m->v, (m->n + 1) * sizeof(*nv));
	if (!nv) {
		capfile_close(cf);
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	m->v = nv;
	s = &m->v[m->n];
	memset(s, 0, sizeof(*s));
	s->cf = cf;
	s->path = path;
	s->index = (unsigned)m->n++;
	s->state = SRC_NEED_READ;
	s->section = UINT32_MAX;
	s->st.file = path;
	return 0;
}

/* Copy the pending record out of capfile's buffer (data and comments). */
static int keep_record(struct src *s)
{
	struct capfile_record *rec = &s->rec;
	size_t need = rec->caplen, off;

	for (unsigned i = 0; i < rec->ncomments; i++)
		need += rec->comments[i].len;
	if (need > s->cap) {
		size_t ncap = s->cap ? s->cap : 4096;
		uint8_t *nb;

		while (ncap < need)
			ncap *= 2;
		nb = realloc(s->buf, ncap);
		if (!nb)
			return -ENOMEM;
		s->buf = nb;
		s->cap = ncap;
	}
	memcpy(s->buf, rec->data, rec->caplen);
	rec->data = s->buf;
	off = rec->caplen;
	for (unsigned i = 0; i < rec->ncomments; i++) {
		memcpy(s->buf + off, rec->comments[i].p, rec->comments[i].len);
		rec->comments[i].p = (const char *)s->buf + off;
		off += rec->comments[i].len;
	}
	return 0;
}

static void file_done(struct src *s)
{
	struct capfile_stats cs;

	s->state = SRC_DONE;
	capfile_stats(s->cf, &cs);
	if (cs.have) {
		s->st.have_isb = true;
		s->st.ifrecv = cs.ifrecv;
		s->st.ifdrop = cs.ifdrop;
		s->st.usrdeliv = cs.usrdeliv;
	}
	snap_retire(s->snap);
	s->snap = NULL;
}

/* Read s's next record.  0, or -1 with err (the file is done). */
static int advance(struct merge *m, struct src *s, char *err, size_t errlen)
{
	int r = capfile_next(s->cf, &s->rec);

	if (r == 1) {
		s->state = SRC_HAVE;
		if (m->n > 1 && keep_record(s) < 0) {
			snprintf(err, errlen, "%s", strerror(ENOMEM));
			file_done(s);
			return -1;
		}
		return 0;
	}
	if (r < 0)
		capfile_error_message(s->cf, err, errlen);
	file_done(s);
	return r < 0 ? -1 : 0;
}

/* A new section: its snapshot becomes the ruleset for its records. */
static struct merge_snap *section_snap(struct merge *m, struct src *s)
{
	const struct capfile_section *sec = capfile_section(s->cf);
	struct merge_snap *snap = calloc(1, sizeof(*snap));
	char err[256];

	if (!snap)
		return NULL;
	snap->file = s->path;
	snap->file_index = s->index;
	snap->current = true;
	if (!sec->ncomments)
		return snap;
	snap->rs = ruleset_new();
	if (!snap->rs)
		return snap;
	for (unsigned i = 0; i < sec->ncomments; i++)
		if (ruleset_add_comment(snap->rs, sec->comments[i].p, sec->comments[i].len, err,
					sizeof(err)) < 0) {
			m->cnt.snapshot_errors++;
			if (m->warn) {
				char msg[320];

				snprintf(msg, sizeof(msg), "ruleset snapshot ignored: %s", err);
				m->warn(m->warn_arg, s->path, msg);
			}
		}
	return snap;
}

static void resolve(struct merge *m, const struct ruleset *snap,
		    const struct capfile_record *rec, struct trace_event *ev)
{
	if (m->user && ruleset_lookup(m->user, ev, &ev->rule_text))
		return;
	for (unsigned i = 0; i < rec->ncomments; i++)
		if (render_comment_parse(rec->comments[i].p, rec->comments[i].len, ev,
					 m->scratch, sizeof(m->scratch)) >= 0) {
			if (ev->rule_text.len)
				return;
			break;
		}
	if (snap)
		ruleset_lookup(snap, ev, &ev->rule_text);
}

/* The record as an event.  1 = a TRACE event, 0 = skipped (counted). */
static int to_event(struct merge *m, struct src *s, struct trace_event *ev)
{
	const struct capfile_record *rec = &s->rec;
	char err[160];

	if (rec->section != s->section || !s->snap) {
		s->section = rec->section;
		snap_retire(s->snap);
		s->snap = section_snap(m, s);
	}
	if (rec->linktype != LINKTYPE_NFLOG) {
		m->cnt.other_linktype++;
		s->st.other_linktype++;
		return 0;
	}
	memset(ev, 0, sizeof(*ev));
	ev->verdict = TRACE_VERDICT_NONE;
	if (nflog_record_parse(rec->data, rec->caplen, rec->swapped, ev, err, sizeof(err)) < 0) {
		m->cnt.bad_records++;
		s->st.bad_records++;
		return 0;
	}
	if (ev->kind == TRACE_KIND_UNKNOWN) {
		m->cnt.non_trace++;
		s->st.non_trace++;
		return 0;
	}
	ev->ts_ns = rec->ts_ns;
	if (rec->have & CAPFILE_HAVE_DROPCOUNT) {
		ev->dropcount = rec->dropcount;
		m->cnt.lost += rec->dropcount;
		s->st.marked += rec->dropcount;
		s->st.have_marks = true;
	}
	/* The payload is the record's tail: what the record misses of the
	 * original length (an nf_tables event's header-only payload), the
	 * packet misses. */
	ev->len = ev->caplen + (rec->len > rec->caplen ? rec->len - rec->caplen : 0);
	if (rec->have & CAPFILE_HAVE_PACKET_ID) {
		ev->id = rec->packet_id & PACKET_ID_MASK;
		ev->have |= TE_HAVE_ID;
	} else {
		ev->id = packet_id(ev->family, ev->payload, ev->caplen);
	}
	resolve(m, s->snap ? s->snap->rs : NULL, rec, ev);
	s->st.events++;
	return 1;
}

int merge_next(struct merge *m, struct trace_event *ev, struct merge_snap **snap,
	       const char **errfile, char *err, size_t errlen)
{
	for (;;) {
		struct src *best = NULL;

		for (size_t i = 0; i < m->n; i++) {
			struct src *s = &m->v[i];

			if (s->state == SRC_NEED_READ && advance(m, s, err, errlen) < 0) {
				*errfile = s->path;
				return -1;
			}
			if (s->state == SRC_HAVE && (!best || s->rec.ts_ns < best->rec.ts_ns))
				best = s;
		}
		if (!best)
			return 0;
		/* Read its next record only on the next call: ev points into
		 * this one. */
		best->state = SRC_NEED_READ;
		if (to_event(m, best, ev)) {
			*snap = best->snap;
			return 1;
		}
	}
}

void merge_counters(const struct merge *m, struct merge_counters *c)
{
	*c = m->cnt;
}

size_t merge_nfiles(const struct merge *m)
{
	return m->n;
}

void merge_file_stats(const struct merge *m, size_t i, struct merge_file_stats *st)
{
	*st = m->v[i].st;
}

void merge_progress(const struct merge *m, uint64_t *done, uint64_t *total)
{
	*done = *total = 0;
	for (size_t i = 0; i < m->n; i++) {
		uint64_t d, t;

		if (!m->v[i].cf)
			continue;
		capfile_progress(m->v[i].cf, &d, &t);
		*done += d;
		*total += t;
	}
}
