/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pcap/pcap.h>

#include "filter.h"
#include "packet_id.h"

struct names {
	char **v;
	size_t n;
};

struct filter {
	bool have_bpf;
	struct bpf_program bpf;
	uint64_t *ids;		/* sorted */
	size_t nids;
	struct names tables, chains;
	uint32_t verdicts;	/* bit per enum path_verdict */
	bool have_since, have_until;
	uint64_t since, until;
};

struct filter *filter_new(void)
{
	return calloc(1, sizeof(struct filter));
}

static void names_free(struct names *n)
{
	for (size_t i = 0; i < n->n; i++)
		free(n->v[i]);
	free(n->v);
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	if (f->have_bpf)
		pcap_freecode(&f->bpf);
	free(f->ids);
	names_free(&f->tables);
	names_free(&f->chains);
	free(f);
}

int filter_set_expression(struct filter *f, const char *expr, char *err, size_t errlen)
{
	pcap_t *p;
	int r;

	if (f->have_bpf) {
		pcap_freecode(&f->bpf);
		f->have_bpf = false;
	}
	if (!expr || !*expr)
		return 0;
	/* Raw IP: the program checks the version nibble, so one program
	 * serves IPv4 and IPv6 payloads alike. */
	p = pcap_open_dead(DLT_RAW, 262144);
	if (!p)
		return -ENOMEM;
	r = pcap_compile(p, &f->bpf, expr, 1, PCAP_NETMASK_UNKNOWN);
	if (r < 0)
		snprintf(err, errlen, "'%s': %s", expr, pcap_geterr(p));
	else
		f->have_bpf = true;
	pcap_close(p);
	return r < 0 ? -EINVAL : 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int filter_add_ids(struct filter *f, const char *list, char *err, size_t errlen)
{
	const char *p = list;

	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p), x = 0;
		uint64_t id = 0;
		uint64_t *nv;

		/* 0x...: the form Wireshark's frame.packet_id filter takes */
		if (len > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
			x = 2;
		if (len == 0 || len - x > 12) {
			snprintf(err, errlen, "'%.*s' is not a packet ID (1 to 12 hex digits, "
				 "0x optional)", (int)(len > 40 ? 40 : len), p);
			return -EINVAL;
		}
		for (size_t i = x; i < len; i++) {
			char c = p[i];
			int d = c >= '0' && c <= '9' ? c - '0' :
				c >= 'a' && c <= 'f' ? c - 'a' + 10 :
				c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

			if (d < 0) {
				snprintf(err, errlen, "'%.*s' is not a packet ID (1 to 12 hex digits, "
					 "0x optional)", (int)len, p);
				return -EINVAL;
			}
			id = id << 4 | (uint64_t)d;
		}
		nv = realloc(f->ids, (f->nids + 1) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		f->ids = nv;
		f->ids[f->nids++] = id & PACKET_ID_MASK;
		if (!end)
			break;
		p = end + 1;
	}
	qsort(f->ids, f->nids, sizeof(*f->ids), cmp_u64);
	return 0;
}

static int names_add(struct names *n, const char *name, const char *what, char *err, size_t errlen)
{
	char **nv;

	if (!*name) {
		snprintf(err, errlen, "empty %s name", what);
		return -EINVAL;
	}
	nv = realloc(n->v, (n->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	n->v = nv;
	n->v[n->n] = strdup(name);
	if (!n->v[n->n])
		return -ENOMEM;
	n->n++;
	return 0;
}

int filter_add_table(struct filter *f, const char *name, char *err, size_t errlen)
{
	return names_add(&f->tables, name, "table", err, errlen);
}

int filter_add_chain(struct filter *f, const char *name, char *err, size_t errlen)
{
	return names_add(&f->chains, name, "chain", err, errlen);
}

int filter_add_verdict(struct filter *f, const char *name, char *err, size_t errlen)
{
	enum path_verdict v;

	if (path_verdict_parse(name, &v) < 0) {
		snprintf(err, errlen, "'%s' is not accept, drop (or reject), queue (or nfqueue), "
			 "stolen or unknown", name);
		return -EINVAL;
	}
	f->verdicts |= 1u << v;
	return 0;
}

/* Exactly n digits at *p, advanced past them. */
static int digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

/* ".ddd" (1 to 9 digits) into ns; nothing is 0. */
static int fraction(const char **p, uint64_t *ns)
{
	uint64_t scale = 100000000;
	int n = 0;

	*ns = 0;
	if (**p != '.')
		return 0;
	(*p)++;
	while (**p >= '0' && **p <= '9') {
		if (++n > 9)
			return -1;
		*ns += (uint64_t)(**p - '0') * scale;
		scale /= 10;
		(*p)++;
	}
	return n ? 0 : -1;
}

static int days_in_month(int year, int mon)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return mon == 2 && leap ? 29 : days[mon - 1];
}

int filter_parse_time(const char *s, uint64_t *ns)
{
	struct tm tm;
	const char *p = s;
	uint64_t frac = 0;
	int64_t secs, off = 0;
	bool zone = false;
	time_t t;

	if (*p == '@') {
		uint64_t v = 0;

		p++;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		while (*p >= '0' && *p <= '9') {
			if (v > (UINT64_MAX / 1000000000u - 10) / 10)
				return -EINVAL;
			v = v * 10 + (uint64_t)(*p++ - '0');
		}
		if (fraction(&p, &frac) < 0 || *p)
			return -EINVAL;
		*ns = v * 1000000000u + frac;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	if (digits(&p, 4, &tm.tm_year) < 0 || *p++ != '-' ||
	    digits(&p, 2, &tm.tm_mon) < 0 || *p++ != '-' ||
	    digits(&p, 2, &tm.tm_mday) < 0)
		return -EINVAL;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (digits(&p, 2, &tm.tm_hour) < 0 || *p++ != ':' ||
		    digits(&p, 2, &tm.tm_min) < 0)
			return -EINVAL;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &tm.tm_sec) < 0 || fraction(&p, &frac) < 0)
				return -EINVAL;
		}
	}
	if (*p == 'Z' || *p == 'z') {
		zone = true;
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, hh, mm = 0;

		if (digits(&p, 2, &hh) < 0)
			return -EINVAL;
		if (*p == ':')
			p++;
		if (*p && digits(&p, 2, &mm) < 0)
			return -EINVAL;
		if (hh > 23 || mm > 59)
			return -EINVAL;
		zone = true;
		off = sign * (hh * 3600 + mm * 60);
	}
	if (*p || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60 || tm.tm_year < 1970)
		return -EINVAL;
	/* mktime() would take 02-30 for 03-02: no such day. */
	if (tm.tm_mday > days_in_month(tm.tm_year, tm.tm_mon))
		return -ERANGE;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if (zone) {
		t = timegm(&tm);
		secs = (int64_t)t - off;
	} else {
		tm.tm_isdst = -1;
		t = mktime(&tm);
		secs = (int64_t)t;
	}
	if (t == (time_t)-1 || secs < 0)
		return -EINVAL;
	*ns = (uint64_t)secs * 1000000000u + frac;
	return 0;
}

static int set_time(uint64_t *dst, bool *have, const char *when, char *err, size_t errlen)
{
	int r = filter_parse_time(when, dst);

	if (r == -ERANGE) {
		snprintf(err, errlen, "'%s' is not a date: that month has no such day", when);
		return -EINVAL;
	}
	if (r < 0) {
		snprintf(err, errlen, "'%s' is not a time (YYYY-MM-DD HH:MM:SS[.frac][Z|+HH:MM] or @SECONDS)",
			 when);
		return -EINVAL;
	}
	*have = true;
	return 0;
}

int filter_set_since(struct filter *f, const char *when, char *err, size_t errlen)
{
	return set_time(&f->since, &f->have_since, when, err, errlen);
}

int filter_set_until(struct filter *f, const char *when, char *err, size_t errlen)
{
	return set_time(&f->until, &f->have_until, when, err, errlen);
}

bool filter_any(const struct filter *f)
{
	return f->have_bpf || f->nids || f->have_since || f->have_until || filter_needs_path(f);
}

bool filter_needs_path(const struct filter *f)
{
	return f->tables.n || f->chains.n || f->verdicts;
}

bool filter_admit(const struct filter *f, const struct trace_event *ev)
{
	if (f->have_since && ev->ts_ns < f->since)
		return false;
	if (f->have_until && ev->ts_ns >= f->until)
		return false;
	if (f->nids && !bsearch(&ev->id, f->ids, f->nids, sizeof(*f->ids), cmp_u64))
		return false;
	if (f->have_bpf) {
		struct pcap_pkthdr h;

		if (!ev->payload || !ev->caplen)
			return false;
		memset(&h, 0, sizeof(h));
		h.caplen = ev->caplen;
		h.len = ev->len > ev->caplen ? ev->len : ev->caplen;
		if (!pcap_offline_filter(&f->bpf, &h, ev->payload))
			return false;
	}
	return true;
}

static bool name_in(const struct names *n, struct strref s)
{
	for (size_t i = 0; i < n->n; i++)
		if (strref_eq(s, n->v[i], strlen(n->v[i])))
			return true;
	return false;
}

bool filter_select(const struct filter *f, const struct paths_pkt *p)
{
	if (f->verdicts && !(f->verdicts & (1u << paths_pkt_fate(p)->verdict)))
		return false;
	if (f->tables.n || f->chains.n) {
		struct paths_iter it;
		struct trace_event ev;

		paths_hops_begin(p, &it);
		while (paths_hops_next(&it, &ev, NULL))
			if ((!f->tables.n || name_in(&f->tables, ev.table)) &&
			    (!f->chains.n || name_in(&f->chains, ev.chain)))
				return true;
		return false;
	}
	return true;
}
