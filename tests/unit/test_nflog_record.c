/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_nflog_record.c - NFLOG record parse/build, TRACE prefixes and the
 * name tables.  The oracle for the real captures in tests/data/nflog/ is
 * tshark's decoding stored beside them (regen.sh records both).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "names.h"
#include "nflog_record.h"
#include "trace_event.h"

#define NFLOG_DIR TEST_DATA_DIR "/nflog/"
#define MAX_RECS 128
#define MAX_FIELDS 16

/* ---- loading the captures and tshark's expectations ------------------ */

struct rec {
	uint8_t *data;
	size_t len;
};

struct capture {
	struct rec r[MAX_RECS];
	size_t n;
};

static void load_pcap(const char *name, struct capture *cap)
{
	char errbuf[PCAP_ERRBUF_SIZE], path[512];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p;
	int rc;

	snprintf(path, sizeof(path), NFLOG_DIR "%s", name);
	p = pcap_open_offline(path, errbuf);
	cr_assert_not_null(p, "%s: %s", path, errbuf);
	cr_assert_eq(pcap_datalink(p), 239, "%s is not LINKTYPE_NFLOG", path);
	cap->n = 0;
	while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
		cr_assert_lt(cap->n, MAX_RECS);
		cap->r[cap->n].data = malloc(h->caplen);
		cr_assert_not_null(cap->r[cap->n].data);
		memcpy(cap->r[cap->n].data, d, h->caplen);
		cap->r[cap->n].len = h->caplen;
		cap->n++;
	}
	cr_assert_eq(rc, PCAP_ERROR_BREAK, "%s: %s", path, pcap_geterr(p));
	pcap_close(p);
}

static void free_capture(struct capture *cap)
{
	size_t i;

	for (i = 0; i < cap->n; i++)
		free(cap->r[i].data);
	cap->n = 0;
}

struct line {
	char *f[MAX_FIELDS];
	int nf;
};

struct table {
	char *buf;
	struct line l[MAX_RECS];
	size_t n;
};

/* Tab-separated lines; empty fields are kept. */
static void load_table(const char *name, struct table *t)
{
	char path[512], *s, *nl;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), NFLOG_DIR "%s", name);
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	t->buf = calloc(1, 1 << 16);
	cr_assert_not_null(t->buf);
	len = fread(t->buf, 1, (1 << 16) - 1, f);
	fclose(f);
	cr_assert_lt(len, (size_t)(1 << 16) - 1, "%s too big", path);
	t->n = 0;
	for (s = t->buf; *s; s = nl + 1) {
		struct line *l = &t->l[t->n++];

		cr_assert_leq(t->n, MAX_RECS);
		nl = strchr(s, '\n');
		cr_assert_not_null(nl, "%s: last line has no newline", path);
		*nl = '\0';
		l->nf = 0;
		for (;;) {
			char *tab = strchr(s, '\t');

			cr_assert_lt(l->nf, MAX_FIELDS);
			l->f[l->nf++] = s;
			if (!tab)
				break;
			*tab = '\0';
			s = tab + 1;
		}
	}
}

/* FIELDS of regen.sh */
enum { F_NUM, F_FAMILY, F_PREFIX, F_HOOK, F_INDEV, F_OUTDEV, F_UID, F_GID,
       F_CAPLEN, F_TYPES, F_LENGTHS, F_TS, F_COUNT };

/* "Nov 27, 2026 14:49:15.634095000 UTC" (TZ=UTC) -> ns since the epoch */
static uint64_t parse_tshark_time(const char *s)
{
	struct tm tm;
	const char *rest;
	char *end;
	unsigned long frac;

	memset(&tm, 0, sizeof(tm));
	rest = strptime(s, "%b %d, %Y %H:%M:%S", &tm);
	cr_assert_not_null(rest, "bad tshark time '%s'", s);
	cr_assert_eq(*rest, '.', "bad tshark time '%s'", s);
	frac = strtoul(rest + 1, &end, 10);
	cr_assert_eq(end - rest - 1, 9, "bad tshark time '%s'", s);
	return (uint64_t)timegm(&tm) * 1000000000u + frac;
}

static bool list_has(const char *list, const char *item)
{
	size_t n = strlen(item);
	const char *p = list;

	while (*p) {
		if (strncmp(p, item, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
		p = strchr(p, ',');
		if (!p)
			break;
		p++;
	}
	return false;
}

static const char *list_last(const char *list)
{
	const char *c = strrchr(list, ',');

	return c ? c + 1 : list;
}

static void expect_u32_field(const char *field, bool have, uint32_t v,
			     const char *what, const char *file, size_t i)
{
	if (!*field) {
		cr_expect(!have, "%s #%zu: %s present, tshark has none", file,
			  i + 1, what);
		return;
	}
	cr_expect(have, "%s #%zu: %s missing, tshark has %s", file, i + 1,
		  what, field);
	cr_expect_eq(v, strtoul(field, NULL, 0), "%s #%zu: %s %u, tshark %s",
		     file, i + 1, what, v, field);
}

/* Parse every record of name.pcap and compare with name.expected. */
static void check_capture(const char *name, uint32_t mark_value)
{
	char pcapname[64], expname[64], err[256], text[512];
	struct capture cap;
	struct table exp;
	size_t i;

	snprintf(pcapname, sizeof(pcapname), "%s.pcap", name);
	snprintf(expname, sizeof(expname), "%s.expected", name);
	load_pcap(pcapname, &cap);
	load_table(expname, &exp);
	cr_assert_gt(cap.n, 0);
	cr_assert_eq(cap.n, exp.n, "%s: %zu records, tshark saw %zu", name,
		     cap.n, exp.n);

	for (i = 0; i < cap.n; i++) {
		struct line *l = &exp.l[i];
		struct trace_event ev;
		size_t plen = strlen(l->f[F_PREFIX]);
		int rc;

		cr_assert_eq(l->nf, F_COUNT, "%s line %zu: %d fields", expname,
			     i + 1, l->nf);
		memset(&ev, 0, sizeof(ev));
		err[0] = '\0';
		rc = nflog_record_parse(cap.r[i].data, cap.r[i].len, false, &ev,
					err, sizeof(err));
		cr_assert_eq(rc, 0, "%s #%zu: %s", name, i + 1, err);

		cr_expect_eq(ev.family, strtoul(l->f[F_FAMILY], NULL, 0));
		cr_expect_eq(ev.record, cap.r[i].data);
		cr_expect_eq(ev.record_len, strtoul(l->f[F_CAPLEN], NULL, 0));

		/* tshark shows the prefix with the kernel's trailing space. */
		cr_assert_gt(plen, 0);
		cr_expect_eq(l->f[F_PREFIX][plen - 1], ' ');
		cr_expect(strref_eq(ev.prefix, l->f[F_PREFIX], plen - 1),
			  "%s #%zu: prefix '%.*s', tshark '%s'", name, i + 1,
			  (int)ev.prefix.len, ev.prefix.p, l->f[F_PREFIX]);
		cr_assert_neq(ev.kind, TRACE_KIND_UNKNOWN, "%s #%zu", name, i + 1);
		snprintf(text, sizeof(text), "TRACE: %.*s:%.*s:%s:%u ",
			 (int)ev.table.len, ev.table.p, (int)ev.chain.len,
			 ev.chain.p, names_kind(ev.kind), ev.rulenum);
		cr_expect_str_eq(text, l->f[F_PREFIX]);
		cr_expect_eq(ev.nft_family, TRACE_NFT_NONE);

		cr_assert(ev.have & TE_HAVE_HOOK);
		cr_expect_eq(ev.hook, strtoul(l->f[F_HOOK], NULL, 0));
		cr_expect_eq(ev.direction, trace_hook_direction(ev.hook));
		cr_expect_eq(ev.direction,
			     ev.hook <= 2 ? TRACE_DIR_IN : TRACE_DIR_OUT);

		expect_u32_field(l->f[F_INDEV], ev.have & TE_HAVE_INDEV,
				 ev.indev, "indev", name, i);
		expect_u32_field(l->f[F_OUTDEV], ev.have & TE_HAVE_OUTDEV,
				 ev.outdev, "outdev", name, i);
		expect_u32_field(l->f[F_UID], ev.have & TE_HAVE_UID, ev.uid,
				 "uid", name, i);
		expect_u32_field(l->f[F_GID], ev.have & TE_HAVE_GID, ev.gid,
				 "gid", name, i);

		/* tshark does not decode NFULA_MARK; the rules set one value. */
		if (list_has(l->f[F_TYPES], "2")) {
			cr_expect(ev.have & TE_HAVE_MARK, "%s #%zu", name, i + 1);
			cr_expect_eq(ev.mark, mark_value);
		} else {
			cr_expect(!(ev.have & TE_HAVE_MARK), "%s #%zu", name, i + 1);
		}
		cr_expect(!(ev.have & TE_HAVE_SEQ));

		if (*l->f[F_TS]) {
			cr_expect(ev.have & TE_HAVE_TIMESTAMP);
			cr_expect_eq(ev.ts_ns, parse_tshark_time(l->f[F_TS]),
				     "%s #%zu: ts %llu, tshark %s", name, i + 1,
				     (unsigned long long)ev.ts_ns, l->f[F_TS]);
		} else {
			cr_expect(!(ev.have & TE_HAVE_TIMESTAMP));
		}

		/* The payload is the last TLV in these records. */
		cr_assert_str_eq(list_last(l->f[F_TYPES]), "9");
		cr_expect_eq(ev.caplen, strtoul(list_last(l->f[F_LENGTHS]), NULL, 0) - 4);
		cr_expect_eq(ev.len, ev.caplen);
		cr_assert_not_null(ev.payload);
		cr_expect_eq(ev.payload + ((ev.caplen + 3) & ~3u),
			     cap.r[i].data + cap.r[i].len);
		cr_expect_eq(ev.payload[0] >> 4, ev.family == 2 ? 4 : 6);
	}
	free(exp.buf);
	free_capture(&cap);
}

Test(nflog_capture, legacy_ipv4_matches_tshark)
{
	check_capture("legacy4", 7);
}

Test(nflog_capture, legacy_ipv6_matches_tshark)
{
	check_capture("legacy6", 7);
}

Test(nflog_capture, nat_router_matches_tshark)
{
	check_capture("nat", 5);
}

/* ---- byte order -------------------------------------------------------- */

/* Swap every TLV header of a host-order record in place. */
static void swap_tlv_headers(uint8_t *r, size_t len)
{
	size_t off = 4;
	uint16_t tlen, type;

	while (len - off >= 4) {
		memcpy(&tlen, r + off, 2);
		memcpy(&type, r + off + 2, 2);
		cr_assert_geq(tlen, 4);
		tlen = __builtin_bswap16(tlen);
		type = __builtin_bswap16(type);
		memcpy(r + off, &tlen, 2);
		memcpy(r + off + 2, &type, 2);
		tlen = __builtin_bswap16(tlen);
		if (((tlen + 3u) & ~3u) >= len - off)
			break;
		off += (tlen + 3u) & ~3u;
	}
}

static void expect_same_event(const struct trace_event *a, const uint8_t *abase,
			      const struct trace_event *b, const uint8_t *bbase)
{
	cr_expect_eq(a->have, b->have);
	cr_expect_eq(a->family, b->family);
	cr_expect_eq(a->hook, b->hook);
	cr_expect_eq(a->direction, b->direction);
	cr_expect_eq(a->kind, b->kind);
	cr_expect_eq(a->rulenum, b->rulenum);
	cr_expect_eq(a->table.len, b->table.len);
	cr_expect_eq(a->table.p - (const char *)abase, b->table.p - (const char *)bbase);
	cr_expect_eq(a->chain.len, b->chain.len);
	cr_expect_eq(a->chain.p - (const char *)abase, b->chain.p - (const char *)bbase);
	cr_expect_eq(a->prefix.len, b->prefix.len);
	cr_expect_eq(a->indev, b->indev);
	cr_expect_eq(a->outdev, b->outdev);
	cr_expect_eq(a->mark, b->mark);
	cr_expect_eq(a->uid, b->uid);
	cr_expect_eq(a->gid, b->gid);
	cr_expect_eq(a->ts_ns, b->ts_ns);
	cr_expect_eq(a->caplen, b->caplen);
	cr_expect_eq(a->payload - abase, b->payload - bbase);
}

Test(nflog_record, swapped_headers_parse_the_same)
{
	struct capture cap;
	size_t i;

	load_pcap("legacy4.pcap", &cap);
	for (i = 0; i < cap.n; i++) {
		struct trace_event a, b;
		uint8_t *copy = malloc(cap.r[i].len);

		cr_assert_not_null(copy);
		memcpy(copy, cap.r[i].data, cap.r[i].len);
		swap_tlv_headers(copy, cap.r[i].len);
		cr_assert_neq(memcmp(copy, cap.r[i].data, cap.r[i].len), 0);
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		cr_assert_eq(nflog_record_parse(cap.r[i].data, cap.r[i].len,
						false, &a, NULL, 0), 0);
		cr_assert_eq(nflog_record_parse(copy, cap.r[i].len, true, &b,
						NULL, 0), 0, "record %zu", i + 1);
		expect_same_event(&a, cap.r[i].data, &b, copy);
		/* Read the other way round, the headers are garbage. */
		memset(&b, 0, sizeof(b));
		cr_expect_neq(nflog_record_parse(copy, cap.r[i].len, false, &b,
						 NULL, 0), 0);
		free(copy);
	}
	free_capture(&cap);
}

/* ---- malformed records --------------------------------------------- */

/* Append a host-order TLV; returns the new length. */
static size_t tlv(uint8_t *buf, size_t off, uint16_t type, const void *v,
		  uint16_t vlen)
{
	uint16_t len = (uint16_t)(vlen + 4);

	memcpy(buf + off, &len, 2);
	memcpy(buf + off + 2, &type, 2);
	memcpy(buf + off + 4, v, vlen);
	memset(buf + off + 4 + vlen, 0, ((len + 3u) & ~3u) - len);
	return off + ((len + 3u) & ~3u);
}

static const uint8_t pkthdr_out[4] = { 0x08, 0x00, 3, 0 };
static const char prefix_out[] = "TRACE: raw:OUTPUT:policy:2 ";

static size_t good_record(uint8_t *buf)
{
	size_t off;

	memcpy(buf, "\x02\x00\x00\x00", 4);
	off = tlv(buf, 4, NFLOG_TLV_PACKET_HDR, pkthdr_out, 4);
	off = tlv(buf, off, NFLOG_TLV_PREFIX, prefix_out, sizeof(prefix_out));
	return off;
}

static int parse(const uint8_t *buf, size_t len, struct trace_event *ev,
		 char *err, size_t errlen)
{
	memset(ev, 0, sizeof(*ev));
	err[0] = '\0';
	return nflog_record_parse(buf, len, false, ev, err, errlen);
}

Test(nflog_record, good_minimal_record)
{
	uint8_t buf[256];
	struct trace_event ev;
	char err[256];
	size_t len = good_record(buf);

	cr_assert_eq(len, 4 + 8 + 32);
	cr_assert_eq(parse(buf, len, &ev, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(ev.hook, 3);
	cr_expect_eq(ev.kind, TRACE_KIND_POLICY);
	cr_expect(strref_eq(ev.prefix, "TRACE: raw:OUTPUT:policy:2", 26));
	cr_expect(strref_eq(ev.table, "raw", 3));
	cr_expect(strref_eq(ev.chain, "OUTPUT", 6));
	cr_expect_eq(ev.rulenum, 2);
	cr_expect_null(ev.payload);
	cr_expect_eq(ev.caplen, 0);
}

Test(nflog_record, too_short_for_nfgenmsg)
{
	uint8_t buf[4] = { 2, 0, 0, 0 };
	struct trace_event ev;
	char err[256];

	cr_expect_eq(parse(buf, 3, &ev, err, sizeof(err)), -EINVAL);
	cr_expect_neq(err[0], '\0');
	cr_expect_eq(parse(buf, 0, &ev, err, sizeof(err)), -EINVAL);
	/* A bare nfgenmsg is a record without attributes. */
	cr_expect_eq(parse(buf, 4, &ev, err, sizeof(err)), 0);
	cr_expect_eq(ev.family, 2);
}

Test(nflog_record, bad_version)
{
	uint8_t buf[256];
	struct trace_event ev;
	char err[256];
	size_t len = good_record(buf);

	buf[1] = 1;
	cr_expect_eq(parse(buf, len, &ev, err, sizeof(err)), -EINVAL);
	cr_expect_not_null(strstr(err, "version 1"), "%s", err);
}

Test(nflog_record, tlv_len_below_4)
{
	uint8_t buf[256];
	struct trace_event ev;
	char err[256];
	size_t len = good_record(buf);
	uint16_t bad = 3;

	memcpy(buf + 12, &bad, 2);	/* the PREFIX TLV at offset 12 */
	cr_expect_eq(parse(buf, len, &ev, err, sizeof(err)), -EINVAL);
	cr_expect_not_null(strstr(err, "type 10 length 3 at offset 12"), "%s", err);
	bad = 0;
	memcpy(buf + 12, &bad, 2);
	cr_expect_eq(parse(buf, len, &ev, err, sizeof(err)), -EINVAL);
	cr_expect_not_null(strstr(err, "length 0 at offset 12"), "%s", err);
}

Test(nflog_record, tlv_len_past_end)
{
	uint8_t buf[256];
	struct trace_event ev;
	char err[256];
	size_t len = good_record(buf);

	/* The record ends 1 byte inside the prefix value. */
	cr_expect_eq(parse(buf, len - 1, &ev, err, sizeof(err)), -EINVAL);
	cr_expect_not_null(strstr(err, "type 10 length 32 at offset 12"), "%s", err);
	cr_expect_not_null(strstr(err, "43 bytes"), "%s", err);
}

Test(nflog_record, truncated_packet_hdr)
{
	uint8_t buf[256];
	struct trace_event ev;
	char err[256];
	size_t off;

	memcpy(buf, "\x02\x00\x00\x00", 4);
	off = tlv(buf, 4, NFLOG_TLV_PACKET_HDR, pkthdr_out, 2);
	cr_expect_eq(parse(buf, off, &ev, err, sizeof(err)), -EINVAL);
	cr_expect_not_null(strstr(err, "type 1 length 6 at offset 4"), "%s", err);
	cr_expect(!(ev.have & TE_HAVE_HOOK));
}

Test(nflog_record, truncated_timestamp)
{
	uint8_t buf[256], ts[16] = { 0 };
	struct trace_event ev;
	char err[256];
	size_t off = good_record(buf);

	off = tlv(buf, off, NFLOG_TLV_TIMESTAMP, ts, 12);
	cr_expect_eq(parse(buf, off, &ev, err, sizeof(err)), -EINVAL);
	cr_expect_not_null(strstr(err, "type 3 length 16 at offset 44"), "%s", err);
}

Test(nflog_record, truncated_u32_attributes)
{
	static const uint16_t types[] = {
		NFLOG_TLV_MARK, NFLOG_TLV_IFINDEX_INDEV, NFLOG_TLV_IFINDEX_OUTDEV,
		NFLOG_TLV_IFINDEX_PHYSINDEV, NFLOG_TLV_IFINDEX_PHYSOUTDEV,
		NFLOG_TLV_UID, NFLOG_TLV_GID, NFLOG_TLV_SEQ,
	};
	uint8_t buf[256], v[4] = { 0 };
	struct trace_event ev;
	char err[256];
	size_t i, off;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		off = good_record(buf);
		off = tlv(buf, off, types[i], v, 3);
		cr_expect_eq(parse(buf, off, &ev, err, sizeof(err)), -EINVAL,
			     "type %u", types[i]);
		off = good_record(buf);
		off = tlv(buf, off, types[i], v, 4);
		cr_expect_eq(parse(buf, off, &ev, err, sizeof(err)), 0,
			     "type %u: %s", types[i], err);
	}
}

Test(nflog_record, bad_prefix_is_not_an_error)
{
	static const char bogus[] = "TRACE: raw:OUTPUT:bogus:2 ";
	static const char other[] = "IN=lo OUT= ";
	uint8_t buf[256];
	struct trace_event ev;
	char err[256];
	size_t off;

	memcpy(buf, "\x02\x00\x00\x00", 4);
	off = tlv(buf, 4, NFLOG_TLV_PACKET_HDR, pkthdr_out, 4);
	off = tlv(buf, off, NFLOG_TLV_PREFIX, bogus, sizeof(bogus));
	cr_expect_eq(parse(buf, off, &ev, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(ev.kind, TRACE_KIND_UNKNOWN);
	cr_expect(strref_eq(ev.prefix, bogus, sizeof(bogus) - 2));
	cr_expect_eq(ev.table.len, 0);

	off = tlv(buf, 4, NFLOG_TLV_PREFIX, other, sizeof(other));
	cr_expect_eq(parse(buf, off, &ev, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(ev.kind, TRACE_KIND_UNKNOWN);
	cr_expect(strref_eq(ev.prefix, "IN=lo OUT=", 10));

	/* An empty prefix value */
	off = tlv(buf, 4, NFLOG_TLV_PREFIX, "", 0);
	cr_expect_eq(parse(buf, off, &ev, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(ev.prefix.len, 0);
}

Test(nflog_record, unknown_and_nested_tlvs)
{
	uint8_t buf[256], v[8] = { 0, 0, 0, 9, 1, 2, 3, 4 };
	struct trace_event ev;
	char err[256];
	size_t off = good_record(buf);

	off = tlv(buf, off, 99, v, 7);			/* unknown: skipped */
	off = tlv(buf, off, 0x8000 | NFLOG_TLV_MARK, v, 4); /* NLA_F_NESTED */
	off = tlv(buf, off, 21, v, 8);			/* NFULA_L2HDR */
	cr_expect_eq(parse(buf, off, &ev, err, sizeof(err)), 0, "%s", err);
	cr_expect(ev.have & TE_HAVE_MARK);
	cr_expect_eq(ev.mark, 9);
}

Test(nflog_record, clean_end_and_missing_last_padding)
{
	uint8_t buf[256], v[3] = { 0x45, 0, 0 };
	struct trace_event ev;
	char err[256];
	size_t off = good_record(buf);

	/* 1..3 stray bytes at the end: no room for a TLV, a clean end. */
	memset(buf + off, 0xff, 3);
	cr_expect_eq(parse(buf, off + 3, &ev, err, sizeof(err)), 0, "%s", err);
	/* A last TLV of 7 bytes without its padding byte. */
	off = tlv(buf, off, NFLOG_TLV_PAYLOAD, v, 3);
	cr_expect_eq(parse(buf, off - 1, &ev, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(ev.caplen, 3);
	cr_expect_eq(ev.payload[0], 0x45);
}

Test(nflog_record, all_fields)
{
	uint8_t buf[512], pl[20] = { 0x45 };
	static const uint8_t ts[16] = { 0, 0, 0, 0, 0x65, 0x53, 0xf1, 0x00,
					0, 0, 0, 0, 0, 0x0a, 0xc1, 0x11 };
	static const uint8_t seq[4] = { 0, 0, 1, 0 };
	static const uint8_t pin[4] = { 0, 0, 0, 4 }, pout[4] = { 0, 0, 0, 5 };
	struct trace_event ev;
	char err[256];
	size_t off = good_record(buf);

	off = tlv(buf, off, NFLOG_TLV_TIMESTAMP, ts, 16);
	off = tlv(buf, off, NFLOG_TLV_SEQ, seq, 4);
	off = tlv(buf, off, NFLOG_TLV_IFINDEX_PHYSINDEV, pin, 4);
	off = tlv(buf, off, NFLOG_TLV_IFINDEX_PHYSOUTDEV, pout, 4);
	off = tlv(buf, off, NFLOG_TLV_PAYLOAD, pl, sizeof(pl));
	cr_assert_eq(parse(buf, off, &ev, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(ev.ts_ns, 0x6553f100ull * 1000000000u + 704785000u);
	cr_expect_eq(ev.have & (TE_HAVE_TIMESTAMP | TE_HAVE_SEQ | TE_HAVE_PHYSINDEV |
				TE_HAVE_PHYSOUTDEV | TE_HAVE_HOOK),
		     TE_HAVE_TIMESTAMP | TE_HAVE_SEQ | TE_HAVE_PHYSINDEV |
		     TE_HAVE_PHYSOUTDEV | TE_HAVE_HOOK);
	cr_expect_eq(ev.seq, 256);
	cr_expect_eq(ev.physindev, 4);
	cr_expect_eq(ev.physoutdev, 5);
	cr_expect_eq(ev.caplen, 20);
	cr_expect_eq(ev.len, 20);
	cr_expect_eq(ev.direction, TRACE_DIR_OUT);
}

/* ---- build ------------------------------------------------------------ */

Test(nflog_build, prefix_tlv_looks_like_the_kernels)
{
	uint8_t buf[512], pl[28] = { 0x45, 0, 0, 28 };
	struct trace_event ev, back;
	char err[256];
	int n;

	memset(&ev, 0, sizeof(ev));
	ev.family = 2;
	ev.hook = 3;
	ev.have = TE_HAVE_HOOK | TE_HAVE_OUTDEV | TE_HAVE_MARK | TE_HAVE_UID |
		  TE_HAVE_GID;
	ev.prefix = STRREF_LIT("TRACE: raw:OUTPUT:policy:2");
	ev.outdev = 1;
	ev.mark = 0x2a;
	ev.uid = 1000;
	ev.gid = 100;
	ev.payload = pl;
	ev.caplen = ev.len = sizeof(pl);

	n = nflog_record_build(&ev, buf, sizeof(buf));
	cr_assert_eq(n, 4 + 8 + 32 + 8 + 8 + 8 + 8 + 32);
	cr_expect_eq(memcmp(buf, "\x02\x00\x00\x00", 4), 0);
	/* PACKET_HDR: 8, 1, be16 0x0800, hook 3, pad */
	cr_expect_eq(*(uint16_t *)(buf + 4), 8);
	cr_expect_eq(*(uint16_t *)(buf + 6), NFLOG_TLV_PACKET_HDR);
	cr_expect_eq(memcmp(buf + 8, "\x08\x00\x03\x00", 4), 0);
	cr_expect_eq(*(uint16_t *)(buf + 12), 32);
	cr_expect_eq(*(uint16_t *)(buf + 14), NFLOG_TLV_PREFIX);
	cr_expect_eq(memcmp(buf + 16, "TRACE: raw:OUTPUT:policy:2 \0", 28), 0);
	/* OUTDEV, MARK, UID, GID in the kernel's order */
	cr_expect_eq(*(uint16_t *)(buf + 46), NFLOG_TLV_IFINDEX_OUTDEV);
	cr_expect_eq(memcmp(buf + 48, "\x00\x00\x00\x01", 4), 0);
	cr_expect_eq(*(uint16_t *)(buf + 54), NFLOG_TLV_MARK);
	cr_expect_eq(*(uint16_t *)(buf + 62), NFLOG_TLV_UID);
	cr_expect_eq(*(uint16_t *)(buf + 70), NFLOG_TLV_GID);
	cr_expect_eq(*(uint16_t *)(buf + 76), 32);
	cr_expect_eq(*(uint16_t *)(buf + 78), NFLOG_TLV_PAYLOAD);

	memset(&back, 0, sizeof(back));
	cr_assert_eq(nflog_record_parse(buf, (size_t)n, false, &back, err,
					sizeof(err)), 0, "%s", err);
	cr_expect_eq(back.have, ev.have);
	cr_expect(strref_eq(back.prefix, ev.prefix.p, ev.prefix.len));
	cr_expect_eq(back.kind, TRACE_KIND_POLICY);
	cr_expect_eq(back.rulenum, 2);
	cr_expect_eq(back.outdev, 1);
	cr_expect_eq(back.mark, 0x2a);
	cr_expect_eq(back.uid, 1000);
	cr_expect_eq(back.gid, 100);
	cr_expect_eq(back.caplen, sizeof(pl));
	cr_expect_eq(memcmp(back.payload, pl, sizeof(pl)), 0);
}

Test(nflog_build, nft_event_round_trip)
{
	uint8_t buf[512], pl[60];
	struct trace_event ev, back;
	char err[256];
	int n;
	size_t i;

	for (i = 0; i < sizeof(pl); i++)
		pl[i] = (uint8_t)(i * 7);
	pl[0] = 0x60;
	memset(&ev, 0, sizeof(ev));
	ev.family = 10;
	ev.hook = 0;
	ev.have = TE_HAVE_HOOK | TE_HAVE_INDEV | TE_HAVE_TIMESTAMP |
		  TE_HAVE_PHYSINDEV | TE_HAVE_PHYSOUTDEV | TE_HAVE_OUTDEV |
		  TE_HAVE_SEQ;
	ev.prefix = STRREF_LIT("TRACE: inet fmtt:out:rule:3");
	ev.indev = 7;
	ev.outdev = 8;
	ev.physindev = 9;
	ev.physoutdev = 10;
	ev.seq = 11;
	ev.ts_ns = 1700000000123456000ull;
	ev.payload = pl;
	ev.caplen = ev.len = sizeof(pl);

	n = nflog_record_build(&ev, buf, sizeof(buf));
	cr_assert_gt(n, 0);
	cr_expect_eq(n % 4, 0);
	cr_expect_eq(memcmp(buf + 8, "\x86\xdd\x00\x00", 4), 0);
	memset(&back, 0, sizeof(back));
	cr_assert_eq(nflog_record_parse(buf, (size_t)n, false, &back, err,
					sizeof(err)), 0, "%s", err);
	cr_expect_eq(back.have, ev.have);
	cr_expect_eq(back.family, 10);
	cr_expect_eq(back.nft_family, 1);
	cr_expect(strref_eq(back.table, "fmtt", 4));
	cr_expect(strref_eq(back.chain, "out", 3));
	cr_expect_eq(back.kind, TRACE_KIND_RULE);
	cr_expect_eq(back.rulenum, 3);
	cr_expect_eq(back.indev, 7);
	cr_expect_eq(back.outdev, 8);
	cr_expect_eq(back.physindev, 9);
	cr_expect_eq(back.physoutdev, 10);
	cr_expect_eq(back.seq, 11);
	cr_expect_eq(back.ts_ns, ev.ts_ns);
	cr_expect_eq(back.direction, TRACE_DIR_IN);
	cr_expect_eq(memcmp(back.payload, pl, sizeof(pl)), 0);

	/* Sub-microsecond digits do not survive NFULA_TIMESTAMP. */
	ev.ts_ns += 999;
	n = nflog_record_build(&ev, buf, sizeof(buf));
	memset(&back, 0, sizeof(back));
	cr_assert_eq(nflog_record_parse(buf, (size_t)n, false, &back, NULL, 0), 0);
	cr_expect_eq(back.ts_ns, ev.ts_ns - 999);
}

/* Every record without link-layer attributes is rebuilt byte for byte. */
static void rebuild_capture(const char *name, size_t want)
{
	struct capture cap;
	uint8_t buf[1024];
	size_t i, same = 0;

	load_pcap(name, &cap);
	for (i = 0; i < cap.n; i++) {
		struct trace_event ev;
		int n;

		memset(&ev, 0, sizeof(ev));
		cr_assert_eq(nflog_record_parse(cap.r[i].data, cap.r[i].len,
						false, &ev, NULL, 0), 0);
		if (ev.have & TE_HAVE_INDEV)
			continue; /* has HWADDR/HWTYPE/..., which we don't build */
		n = nflog_record_build(&ev, buf, sizeof(buf));
		cr_assert_eq((size_t)n, cap.r[i].len, "%s #%zu: %d bytes, kernel %zu",
			     name, i + 1, n, cap.r[i].len);
		cr_expect_eq(memcmp(buf, cap.r[i].data, cap.r[i].len), 0,
			     "%s #%zu differs", name, i + 1);
		same++;
	}
	cr_expect_eq(same, want);
	free_capture(&cap);
}

Test(nflog_build, rebuilds_kernel_records_exactly)
{
	rebuild_capture("legacy4.pcap", 18);
	rebuild_capture("legacy6.pcap", 18);
}

Test(nflog_build, no_space_and_too_big)
{
	static uint8_t big[70000], out[70000];
	uint8_t buf[64];
	struct trace_event ev;
	size_t cap;
	int n, full;

	memset(&ev, 0, sizeof(ev));
	ev.family = 2;
	ev.prefix = STRREF_LIT("TRACE: raw:OUTPUT:policy:2");
	full = nflog_record_build(&ev, buf, sizeof(buf));
	cr_assert_eq(full, 44);
	for (cap = 0; cap < (size_t)full; cap++) {
		n = nflog_record_build(&ev, buf, cap);
		cr_expect_eq(n, -ENOSPC, "cap %zu: %d", cap, n);
	}
	ev.payload = big;
	ev.caplen = 65532;
	cr_expect_eq(nflog_record_build(&ev, out, sizeof(out)), -EINVAL);
	/* The largest PAYLOAD TLV: length 65535, padded to 65536. */
	ev.caplen = 65531;
	n = nflog_record_build(&ev, out, sizeof(out));
	cr_expect_eq(n, 44 + 65536);
}

/* ---- TRACE prefixes ----------------------------------------------------- */

static int pp(const char *s, struct trace_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	return trace_prefix_parse(s, strlen(s), ev);
}

Test(trace_prefix, kernel_form)
{
	static const char rec[] = "TRACE: raw:OUTPUT:policy:2 ";
	struct trace_event ev;

	memset(&ev, 0, sizeof(ev));
	/* With the NUL, as the TLV carries it. */
	cr_assert_eq(trace_prefix_parse(rec, sizeof(rec), &ev), 0);
	cr_expect(strref_eq(ev.prefix, rec, sizeof(rec) - 2));
	cr_expect(strref_eq(ev.table, "raw", 3));
	cr_expect(strref_eq(ev.chain, "OUTPUT", 6));
	cr_expect_eq(ev.kind, TRACE_KIND_POLICY);
	cr_expect_eq(ev.rulenum, 2);
	cr_expect_eq(ev.nft_family, TRACE_NFT_NONE);

	cr_assert_eq(pp("TRACE: raw:MYCH:return:2", &ev), 0);
	cr_expect_eq(ev.kind, TRACE_KIND_RETURN);
	cr_assert_eq(pp("TRACE: filter:INPUT:rule:1 ", &ev), 0);
	cr_expect_eq(ev.kind, TRACE_KIND_RULE);
	cr_expect(strref_eq(ev.prefix, "TRACE: filter:INPUT:rule:1", 26));
	cr_assert_eq(pp("TRACE: mangle:POSTROUTING:rule:4294967295", &ev), 0);
	cr_expect_eq(ev.rulenum, 4294967295u);
	cr_assert_eq(pp("TRACE: raw:OUTPUT:rule:0", &ev), 0);
	cr_expect_eq(ev.rulenum, 0);
}

Test(trace_prefix, chain_with_colons)
{
	struct trace_event ev;

	cr_assert_eq(pp("TRACE: filter:a:b:c:rule:12 ", &ev), 0);
	cr_expect(strref_eq(ev.table, "filter", 6));
	cr_expect(strref_eq(ev.chain, "a:b:c", 5));
	cr_expect_eq(ev.kind, TRACE_KIND_RULE);
	cr_expect_eq(ev.rulenum, 12);
	/* A chain named like a kind */
	cr_assert_eq(pp("TRACE: raw:policy:return:1", &ev), 0);
	cr_expect(strref_eq(ev.chain, "policy", 6));
	cr_expect_eq(ev.kind, TRACE_KIND_RETURN);
}

Test(trace_prefix, nft_form)
{
	static const struct { const char *fam; uint8_t v; } fams[] = {
		{ "ip", 2 }, { "ip6", 10 }, { "inet", 1 }, { "bridge", 7 },
		{ "netdev", 5 }, { "arp", 3 },
	};
	struct trace_event ev;
	char s[128];
	size_t i;

	cr_assert_eq(pp("TRACE: inet fmtt:out:rule:3", &ev), 0);
	cr_expect_eq(ev.nft_family, 1);
	cr_expect(strref_eq(ev.table, "fmtt", 4));
	cr_expect(strref_eq(ev.chain, "out", 3));
	cr_expect_eq(ev.kind, TRACE_KIND_RULE);
	cr_expect_eq(ev.rulenum, 3);
	cr_expect(strref_eq(ev.prefix, "TRACE: inet fmtt:out:rule:3", 27));

	for (i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
		snprintf(s, sizeof(s), "TRACE: %s t:c:policy:1 ", fams[i].fam);
		cr_assert_eq(pp(s, &ev), 0, "%s", s);
		cr_expect_eq(ev.nft_family, fams[i].v, "%s", s);
		cr_expect(strref_eq(ev.table, "t", 1));
	}
}

Test(trace_prefix, rejects)
{
	static const char *const bad[] = {
		"",
		"TRACE: ",
		"TRACE:raw:OUTPUT:rule:1",
		"trace: raw:OUTPUT:rule:1",
		"TRACE: raw:OUTPUT:rule:",
		"TRACE: raw:OUTPUT:rule:2x",
		"TRACE: raw:OUTPUT:rule:-1",
		"TRACE: raw:OUTPUT:rule:+1",
		"TRACE: raw:OUTPUT:rule: 1",
		"TRACE: raw:OUTPUT:rule:4294967296",
		"TRACE: raw:OUTPUT:rule:99999999999999999999999",
		"TRACE: :OUTPUT:rule:1",
		"TRACE: raw::rule:1",
		"TRACE: raw:OUTPUT:rules:1",
		"TRACE: raw:OUTPUT:Rule:1",
		"TRACE: raw:OUTPUT::1",
		"TRACE: raw:rule:1",
		"TRACE: raw:1",
		"TRACE: raw",
		"TRACE: foo raw:OUTPUT:rule:1",
		"TRACE: in fmtt:out:rule:1",
		"TRACE: inet :out:rule:1",
		"TRACE: inet  fmtt:out:rule:1",
		"TRACE: inet a b:out:rule:1",
		"TRACE:  raw:OUTPUT:rule:1",
		"IN=lo OUT= MAC=",
	};
	struct trace_event ev;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&ev, 0, sizeof(ev));
		ev.kind = TRACE_KIND_RULE;
		cr_expect_eq(trace_prefix_parse(bad[i], strlen(bad[i]), &ev),
			     -EINVAL, "accepted '%s'", bad[i]);
		cr_expect_eq(ev.kind, TRACE_KIND_UNKNOWN, "'%s'", bad[i]);
		cr_expect_eq(ev.table.len, 0, "'%s'", bad[i]);
	}
}

Test(trace_prefix, is_trace_and_direction)
{
	cr_expect(trace_prefix_is_trace("TRACE: x", 8));
	cr_expect(trace_prefix_is_trace("TRACE: ", 7));
	cr_expect(!trace_prefix_is_trace("TRACE:", 6));
	cr_expect(!trace_prefix_is_trace("TRACE: ", 6));
	cr_expect(!trace_prefix_is_trace("TRACEX x", 8));
	cr_expect_eq(trace_hook_direction(0), TRACE_DIR_IN);
	cr_expect_eq(trace_hook_direction(1), TRACE_DIR_IN);
	cr_expect_eq(trace_hook_direction(2), TRACE_DIR_IN);
	cr_expect_eq(trace_hook_direction(3), TRACE_DIR_OUT);
	cr_expect_eq(trace_hook_direction(4), TRACE_DIR_OUT);
	cr_expect_eq(trace_hook_direction(5), TRACE_DIR_UNKNOWN);
	cr_expect_eq(trace_hook_direction(255), TRACE_DIR_UNKNOWN);
}

/* ---- names ---------------------------------------------------------------- */

Test(names, hooks)
{
	cr_expect_str_eq(names_hook(0), "PREROUTING");
	cr_expect_str_eq(names_hook(1), "INPUT");
	cr_expect_str_eq(names_hook(2), "FORWARD");
	cr_expect_str_eq(names_hook(3), "OUTPUT");
	cr_expect_str_eq(names_hook(4), "POSTROUTING");
	cr_expect_null(names_hook(5));
	cr_expect_str_eq(names_hook_family(5, 0), "ingress");
	cr_expect_str_eq(names_hook_family(5, 1), "egress");
	cr_expect_null(names_hook_family(5, 2));
	cr_expect_str_eq(names_hook_family(2, 2), "FORWARD");
}

Test(names, verdicts)
{
	static const struct { int32_t v; const char *s; } t[] = {
		{ 0, "drop" }, { 1, "accept" }, { 2, "stolen" }, { 3, "queue" },
		{ 4, "repeat" }, { 5, "stop" }, { -1, "continue" },
		{ -2, "break" }, { -3, "jump" }, { -4, "goto" }, { -5, "return" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		cr_expect_str_eq(names_verdict(t[i].v), t[i].s);
	/* NF_QUEUE to queue 5, with NF_VERDICT_FLAG_QUEUE_BYPASS */
	cr_expect_str_eq(names_verdict(0x00058003), "queue");
	cr_expect_eq(names_verdict_queue(0x00058003), 5);
	cr_expect_null(names_verdict(6));
	cr_expect_null(names_verdict(-6));
	cr_expect_null(names_verdict(TRACE_VERDICT_NONE));
	cr_expect_str_eq(names_tok2str(names_verdicts, 99, "?"), "?");
}

Test(names, families_and_kinds)
{
	static const struct { const char *s; uint8_t v; } fams[] = {
		{ "ip", 2 }, { "ip6", 10 }, { "inet", 1 }, { "bridge", 7 },
		{ "netdev", 5 }, { "arp", 3 },
	};
	uint8_t v;
	int32_t x;
	size_t i;

	for (i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
		cr_expect_str_eq(names_nft_family(fams[i].v), fams[i].s);
		cr_expect_eq(names_nft_family_parse(fams[i].s, strlen(fams[i].s), &v), 0);
		cr_expect_eq(v, fams[i].v);
	}
	cr_expect_eq(names_nft_family_parse("in", 2, &v), -ENOENT);
	cr_expect_eq(names_nft_family_parse("inet6", 5, &v), -ENOENT);
	cr_expect_eq(names_nft_family_parse("INET", 4, &v), -ENOENT);
	cr_expect_eq(names_nft_family_parse("", 0, &v), -ENOENT);
	cr_expect_null(names_nft_family(0));

	cr_expect_str_eq(names_kind(TRACE_KIND_RULE), "rule");
	cr_expect_str_eq(names_kind(TRACE_KIND_RETURN), "return");
	cr_expect_str_eq(names_kind(TRACE_KIND_POLICY), "policy");
	cr_expect_null(names_kind(TRACE_KIND_UNKNOWN));
	cr_expect_eq(names_kind_parse("policy", 6), TRACE_KIND_POLICY);
	cr_expect_eq(names_kind_parse("return", 6), TRACE_KIND_RETURN);
	cr_expect_eq(names_kind_parse("rule", 4), TRACE_KIND_RULE);
	cr_expect_eq(names_kind_parse("rul", 3), TRACE_KIND_UNKNOWN);
	cr_expect_eq(names_kind_parse("rules", 5), TRACE_KIND_UNKNOWN);

	cr_expect_str_eq(names_pkt_family(2), "IPv4");
	cr_expect_str_eq(names_pkt_family(10), "IPv6");
	cr_expect_null(names_pkt_family(7));

	cr_expect_eq(names_str2tok(names_hooks, "OUTPUT", 6, &x), 0);
	cr_expect_eq(x, 3);
	cr_expect_eq(names_str2tok(names_hooks, "OUT", 3, &x), -ENOENT);
}

