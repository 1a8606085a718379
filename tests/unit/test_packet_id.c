/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_packet_id.c - the packet ID stays the same along a packet's path
 * (NAT, forwarding, DSCP, nf_tables' truncated view) and differs between
 * packets.  Real packets come from tests/data/nflog/ (regen.sh); nat.keys
 * is tshark's view of which records show the same packet.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nflog_record.h"
#include "packet_id.h"

#define NFLOG_DIR TEST_DATA_DIR "/nflog/"
#define MAX_RECS 128

struct pkt {
	uint8_t family;
	uint8_t *l3;
	size_t len;
};

struct pkts {
	struct pkt p[MAX_RECS];
	size_t n;
};

/* The payload (L3 packet) of every record of a capture. */
static void load_packets(const char *name, struct pkts *out)
{
	char errbuf[PCAP_ERRBUF_SIZE], path[512], err[256];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p;

	snprintf(path, sizeof(path), NFLOG_DIR "%s", name);
	p = pcap_open_offline(path, errbuf);
	cr_assert_not_null(p, "%s: %s", path, errbuf);
	out->n = 0;
	while (pcap_next_ex(p, &h, &d) == 1) {
		struct trace_event ev;
		struct pkt *k = &out->p[out->n];

		cr_assert_lt(out->n, MAX_RECS);
		memset(&ev, 0, sizeof(ev));
		cr_assert_eq(nflog_record_parse(d, h->caplen, false, &ev, err,
						sizeof(err)), 0, "%s", err);
		cr_assert_gt(ev.caplen, 0);
		k->family = ev.family;
		k->len = ev.caplen;
		k->l3 = malloc(k->len);
		cr_assert_not_null(k->l3);
		memcpy(k->l3, ev.payload, k->len);
		out->n++;
	}
	pcap_close(p);
}

static void free_packets(struct pkts *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		free(ps->p[i].l3);
}

static uint64_t id_of(const struct pkt *k)
{
	return packet_id(k->family, k->l3, k->len);
}

/* A copy of k, for editing. */
static struct pkt dup_pkt(const struct pkt *k, size_t extra)
{
	struct pkt c = { k->family, malloc(k->len + extra), k->len };

	cr_assert_not_null(c.l3);
	memcpy(c.l3, k->l3, k->len);
	return c;
}

/* ---- checksums, so the edited packets are packets NAT could send ---- */

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* IPv4: header checksum and the TCP/UDP/ICMP checksum. */
static void fix_csums4(struct pkt *k)
{
	uint8_t *ip = k->l3, *th;
	size_t ihl = (size_t)(ip[0] & 15) * 4, tl = k->len - ihl;
	uint32_t s = 0;
	size_t off;

	put16(ip + 10, 0);
	put16(ip + 10, fold(sum16(ip, ihl, 0)));
	th = ip + ihl;
	switch (ip[9]) {
	case 1: off = 2; break;
	case 6: off = 16; break;
	case 17: off = 6; break;
	default: return;
	}
	put16(th + off, 0);
	if (ip[9] != 1) {
		s = sum16(ip + 12, 8, 0) + ip[9] + (uint32_t)tl;
	}
	put16(th + off, fold(sum16(th, tl, s)));
}

/* IPv6 without extension headers: the ICMPv6/TCP/UDP checksum. */
static void fix_csums6(struct pkt *k)
{
	uint8_t *ip = k->l3, *th = ip + 40;
	size_t tl = k->len - 40, off;
	uint32_t s;

	switch (ip[6]) {
	case 58: off = 2; break;
	case 6: off = 16; break;
	case 17: off = 6; break;
	default: return;
	}
	put16(th + off, 0);
	s = sum16(ip + 8, 32, 0) + (uint32_t)tl + ip[6];
	put16(th + off, fold(sum16(th, tl, s)));
}

/* ---- the real NAT capture -------------------------------------------------- */

/* nat.keys columns (regen.sh KEYFIELDS) */
enum { K_NUM, K_IPID, K_PROTO, K_ICMPTYPE, K_ICMPSEQ, K_TCPFLAGS, K_NXT,
       K_ICMP6TYPE, K_ICMP6SEQ, K_TTL, K_HLIM, K_DST, K_DST6, K_COUNT };

struct keyline {
	char key[256];
	char ttl[32], dst[128];
};

static size_t load_keys(struct keyline *kl, size_t max)
{
	char line[1024], *f[K_COUNT + 1];
	size_t n = 0;
	FILE *fp = fopen(NFLOG_DIR "nat.keys", "r");

	cr_assert_not_null(fp, "nat.keys: %s", strerror(errno));
	while (fgets(line, sizeof(line), fp)) {
		char *s = line;
		int nf = 0;

		cr_assert_lt(n, max);
		line[strcspn(line, "\n")] = '\0';
		for (;;) {
			char *tab = strchr(s, '\t');

			cr_assert_lt(nf, K_COUNT);
			f[nf++] = s;
			if (!tab)
				break;
			*tab = '\0';
			s = tab + 1;
		}
		cr_assert_eq(nf, K_COUNT, "nat.keys line %zu", n + 1);
		snprintf(kl[n].key, sizeof(kl[n].key), "%s|%s|%s|%s|%s|%s|%s|%s",
			 f[K_IPID], f[K_PROTO], f[K_ICMPTYPE], f[K_ICMPSEQ],
			 f[K_TCPFLAGS], f[K_NXT], f[K_ICMP6TYPE], f[K_ICMP6SEQ]);
		snprintf(kl[n].ttl, sizeof(kl[n].ttl), "%s%s", f[K_TTL], f[K_HLIM]);
		snprintf(kl[n].dst, sizeof(kl[n].dst), "%s%s", f[K_DST], f[K_DST6]);
		n++;
	}
	fclose(fp);
	return n;
}

Test(packet_id, real_nat_capture_groups_by_packet)
{
	static struct keyline kl[MAX_RECS];
	struct pkts ps;
	uint64_t ids[MAX_RECS];
	size_t n, i, j, groups = 0, rewritten = 0, v6 = 0;

	load_packets("nat.pcap", &ps);
	n = load_keys(kl, MAX_RECS);
	cr_assert_eq(n, ps.n);
	for (i = 0; i < n; i++) {
		ids[i] = id_of(&ps.p[i]);
		cr_expect_eq(ids[i] & ~PACKET_ID_MASK, 0);
		v6 += ps.p[i].family == 10;
	}
	cr_expect_gt(v6, 0);

	for (i = 0; i < n; i++) {
		bool first = true, dst_differs = false, ttl_differs = false;

		for (j = 0; j < n; j++) {
			bool same = strcmp(kl[i].key, kl[j].key) == 0;

			if (same) {
				cr_expect_eq(ids[i], ids[j],
					     "records %zu and %zu show one packet (%s) but IDs %012llx and %012llx",
					     i + 1, j + 1, kl[i].key,
					     (unsigned long long)ids[i],
					     (unsigned long long)ids[j]);
				if (j < i)
					first = false;
				dst_differs |= strcmp(kl[i].dst, kl[j].dst) != 0;
				ttl_differs |= strcmp(kl[i].ttl, kl[j].ttl) != 0;
			} else {
				cr_expect_neq(ids[i], ids[j],
					      "records %zu (%s) and %zu (%s) share ID %012llx",
					      i + 1, kl[i].key, j + 1, kl[j].key,
					      (unsigned long long)ids[i]);
			}
		}
		if (first) {
			groups++;
			/* Did the router really rewrite this packet? */
			rewritten += dst_differs && ttl_differs;
		}
	}
	/* 2 echo requests and replies, a DNS query, its port unreachable,
	 * a SYN and its RST; 2 ICMPv6 echo requests and replies. */
	cr_expect_eq(groups, 12);
	cr_expect_eq(rewritten, 12);
	free_packets(&ps);
}

/* On lo nothing rewrites packets: equal bytes are one packet. */
static void same_bytes_same_id(const char *name)
{
	struct pkts ps;
	size_t i, j;

	load_packets(name, &ps);
	for (i = 0; i < ps.n; i++) {
		for (j = i + 1; j < ps.n; j++) {
			bool same = ps.p[i].len == ps.p[j].len &&
				    memcmp(ps.p[i].l3, ps.p[j].l3, ps.p[i].len) == 0;

			if (same)
				cr_expect_eq(id_of(&ps.p[i]), id_of(&ps.p[j]),
					     "%s %zu/%zu", name, i + 1, j + 1);
			else
				cr_expect_neq(id_of(&ps.p[i]), id_of(&ps.p[j]),
					      "%s %zu/%zu", name, i + 1, j + 1);
		}
	}
	free_packets(&ps);
}

Test(packet_id, real_lo_captures)
{
	same_bytes_same_id("legacy4.pcap");
	same_bytes_same_id("legacy6.pcap");
}

/* Transport offset as nf_tables sees it, for the captured packets. */
static size_t thoff_of(const struct pkt *k)
{
	if (k->family == 2)
		return (size_t)(k->l3[0] & 15) * 4;
	cr_assert(k->l3[6] == 58 || k->l3[6] == 6 || k->l3[6] == 17);
	return 40;
}

/* What an nf_tables trace carries: <= 40 bytes of network header up to
 * the transport offset and <= 20 of transport header. */
static void nft_view_matches(const char *name)
{
	struct pkts ps;
	size_t i;

	load_packets(name, &ps);
	for (i = 0; i < ps.n; i++) {
		struct pkt *k = &ps.p[i];
		size_t th = thoff_of(k), nh = th < 40 ? th : 40;
		size_t tl = k->len - th < 20 ? k->len - th : 20;
		uint64_t full = id_of(k);

		cr_expect_eq(packet_id(k->family, k->l3, th + tl), full,
			     "%s #%zu truncated", name, i + 1);
		cr_expect_eq(packet_id_split(k->family, k->l3, nh, k->l3 + th, tl),
			     full, "%s #%zu split", name, i + 1);
	}
	free_packets(&ps);
}

Test(packet_id, nft_view_gives_the_same_id)
{
	nft_view_matches("legacy4.pcap");
	nft_view_matches("legacy6.pcap");
	nft_view_matches("nat.pcap");
}

/* ---- edits of real packets ----------------------------------------------- */

static struct pkts lo4, lo6, nat;

static void load_all(void)
{
	load_packets("legacy4.pcap", &lo4);
	load_packets("legacy6.pcap", &lo6);
	load_packets("nat.pcap", &nat);
}

static void free_all(void)
{
	free_packets(&lo4);
	free_packets(&lo6);
	free_packets(&nat);
}

TestSuite(packet_id_edit, .init = load_all, .fini = free_all);

Test(packet_id_edit, icmp_echo_through_nat_and_forwarding)
{
	const struct pkt *req = &lo4.p[0];	/* echo request, OUTPUT */
	uint64_t id = id_of(req);
	struct pkt c;

	cr_assert_eq(req->l3[9], 1);
	cr_assert_eq(req->l3[20], 8);

	/* DNAT */
	c = dup_pkt(req, 0);
	memcpy(c.l3 + 16, "\x0a\x63\x02\x02", 4);
	fix_csums4(&c);
	cr_expect_eq(id_of(&c), id);
	/* SNAT, and the echo identifier NAT may rewrite */
	memcpy(c.l3 + 12, "\x0a\x63\x02\xfe", 4);
	put16(c.l3 + 24, (uint16_t)(get16(c.l3 + 24) + 1000));
	fix_csums4(&c);
	cr_expect_eq(id_of(&c), id);
	/* forwarding: TTL - 1; DSCP and ECN marking */
	c.l3[8]--;
	c.l3[1] = 0xb9;
	fix_csums4(&c);
	cr_expect_eq(id_of(&c), id);
	/* a byte of echo data beyond the 20 transport bytes: not seen */
	c.l3[20 + 30] ^= 0xff;
	fix_csums4(&c);
	cr_expect_eq(id_of(&c), id);

	/* Another IPv4 identification: another packet */
	put16(c.l3 + 4, (uint16_t)(get16(c.l3 + 4) + 1));
	fix_csums4(&c);
	cr_expect_neq(id_of(&c), id);
	free(c.l3);
	/* another sequence number */
	c = dup_pkt(req, 0);
	put16(c.l3 + 26, (uint16_t)(get16(c.l3 + 26) + 1));
	fix_csums4(&c);
	cr_expect_neq(id_of(&c), id);
	free(c.l3);
	/* data in the first 20 transport bytes (the ping timestamp) */
	c = dup_pkt(req, 0);
	c.l3[20 + 12] ^= 1;
	fix_csums4(&c);
	cr_expect_neq(id_of(&c), id);
	free(c.l3);
}

Test(packet_id_edit, icmp_error_embedded_packet_is_ignored)
{
	const struct pkt *err = NULL;
	struct pkt c;
	uint64_t id;
	size_t i;

	for (i = 0; i < nat.n && !err; i++)
		if (nat.p[i].family == 2 && nat.p[i].l3[9] == 1 &&
		    nat.p[i].l3[20] == 3)
			err = &nat.p[i];
	cr_assert_not_null(err, "no port unreachable in nat.pcap");
	id = id_of(err);
	c = dup_pkt(err, 0);
	/* NAT rewrites the embedded header's addresses and ports. */
	memcpy(c.l3 + 28 + 12, "\x01\x02\x03\x04", 4);
	put16(c.l3 + 28 + 20 + 2, 53);
	fix_csums4(&c);
	cr_expect_eq(id_of(&c), id);
	/* but a different code is a different message */
	c.l3[21] = 1;
	fix_csums4(&c);
	cr_expect_neq(id_of(&c), id);
	free(c.l3);
}

static const struct pkt *find4(const struct pkts *ps, uint8_t proto)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (ps->p[i].family == 2 && ps->p[i].l3[9] == proto)
			return &ps->p[i];
	cr_assert_fail("no IPv4 protocol %u packet", proto);
	return NULL;
}

Test(packet_id_edit, dns_query_and_answer)
{
	static const uint8_t rr[] = {	/* example.com A 93.184.216.34 */
		0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 93, 184, 216, 34,
	};
	const struct pkt *q = find4(&nat, 17);	/* as it left the client */
	uint64_t id = id_of(q);
	uint8_t tmp[4];
	struct pkt c, a;

	cr_assert_eq(get16(q->l3 + 28), 0x1234, "the DNS id");
	cr_assert_eq(get16(q->l3 + 22), 53);

	/* DNAT to port 5353, then SNAT */
	c = dup_pkt(q, 0);
	memcpy(c.l3 + 16, "\x0a\x63\x02\x02", 4);
	put16(c.l3 + 22, 5353);
	memcpy(c.l3 + 12, "\x0a\x63\x02\xfe", 4);
	put16(c.l3 + 20, 61000);
	c.l3[8]--;
	fix_csums4(&c);
	cr_expect_eq(id_of(&c), id);
	free(c.l3);

	/* The retransmitted query: same DNS id, new IPv4 id */
	c = dup_pkt(q, 0);
	put16(c.l3 + 4, (uint16_t)(get16(c.l3 + 4) + 1));
	fix_csums4(&c);
	cr_expect_neq(id_of(&c), id);
	free(c.l3);

	/* Another query id */
	c = dup_pkt(q, 0);
	put16(c.l3 + 28, 0x4321);
	fix_csums4(&c);
	cr_expect_neq(id_of(&c), id);
	free(c.l3);

	/* The answer: addresses and ports swapped, QR set, one answer. */
	a = dup_pkt(q, sizeof(rr));
	memcpy(tmp, a.l3 + 12, 4);
	memcpy(a.l3 + 12, a.l3 + 16, 4);
	memcpy(a.l3 + 16, tmp, 4);
	memcpy(tmp, a.l3 + 20, 2);
	memcpy(a.l3 + 20, a.l3 + 22, 2);
	memcpy(a.l3 + 22, tmp, 2);
	put16(a.l3 + 30, 0x8180);
	put16(a.l3 + 34, 1);
	memcpy(a.l3 + a.len, rr, sizeof(rr));
	a.len += sizeof(rr);
	put16(a.l3 + 2, (uint16_t)a.len);
	put16(a.l3 + 24, (uint16_t)(a.len - 20));
	fix_csums4(&a);
	cr_expect_neq(id_of(&a), id);
	/* even with the query's IPv4 id and length fields */
	put16(a.l3 + 2, (uint16_t)q->len);
	put16(a.l3 + 24, (uint16_t)(q->len - 20));
	fix_csums4(&a);
	cr_expect_neq(id_of(&a), id);
	free(a.l3);
}

Test(packet_id_edit, tcp_through_nat)
{
	const struct pkt *syn = find4(&nat, 6);
	uint64_t id = id_of(syn);
	struct pkt c;

	cr_assert_eq(syn->l3[20 + 13], 0x02, "a SYN");
	c = dup_pkt(syn, 0);
	memcpy(c.l3 + 16, "\x0a\x63\x02\x02", 4);
	put16(c.l3 + 22, 8080);
	memcpy(c.l3 + 12, "\x0a\x63\x02\xfe", 4);
	put16(c.l3 + 20, 40000);
	c.l3[8]--;
	fix_csums4(&c);
	cr_expect_eq(id_of(&c), id);
	/* the TCP options (MSS, timestamps) lie beyond the 20 bytes */
	c.l3[20 + 22] ^= 0xff;
	fix_csums4(&c);
	cr_expect_eq(id_of(&c), id);
	put16(c.l3 + 20 + 4, (uint16_t)(get16(c.l3 + 20 + 4) + 1));
	fix_csums4(&c);
	cr_expect_neq(id_of(&c), id, "another sequence number");
	free(c.l3);
	c = dup_pkt(syn, 0);
	put16(c.l3 + 20 + 14, 1024);
	fix_csums4(&c);
	cr_expect_neq(id_of(&c), id, "another window");
	free(c.l3);
}

Test(packet_id_edit, ipv6_echo)
{
	const struct pkt *req = &lo6.p[0];
	uint64_t id = id_of(req);
	struct pkt c;

	cr_assert_eq(req->family, 10);
	cr_assert_eq(req->l3[6], 58);
	cr_assert_eq(req->l3[40], 128);

	c = dup_pkt(req, 0);
	c.l3[7]--;					/* hop limit */
	c.l3[0] = 0x6b;					/* traffic class */
	c.l3[1] = (uint8_t)((c.l3[1] & 0x0f) | 0x80);
	memset(c.l3 + 8, 0xfd, 16);			/* source */
	memset(c.l3 + 24, 0xfe, 16);			/* destination */
	put16(c.l3 + 44, (uint16_t)(get16(c.l3 + 44) ^ 0x5555)); /* echo id */
	fix_csums6(&c);
	cr_expect_eq(id_of(&c), id);

	put16(c.l3 + 46, (uint16_t)(get16(c.l3 + 46) + 1));	/* sequence */
	fix_csums6(&c);
	cr_expect_neq(id_of(&c), id);
	free(c.l3);

	c = dup_pkt(req, 0);
	c.l3[3] ^= 1;					/* flow label */
	cr_expect_neq(id_of(&c), id);
	free(c.l3);

	/* An echo reply with the same sequence is another packet. */
	cr_expect_neq(id_of(&lo6.p[7]), id);
	cr_expect_eq(lo6.p[7].l3[40], 129);
}

/* Insert an extension header of hlen bytes (type ext) after the fixed
 * IPv6 header of an ICMPv6/UDP packet. */
static struct pkt with_ext(const struct pkt *k, uint8_t ext, const uint8_t *hdr,
			   size_t hlen)
{
	struct pkt c = { k->family, malloc(k->len + hlen), k->len + hlen };

	cr_assert_not_null(c.l3);
	memcpy(c.l3, k->l3, 40);
	memcpy(c.l3 + 40, hdr, hlen);
	c.l3[40] = k->l3[6];		/* its next header */
	memcpy(c.l3 + 40 + hlen, k->l3 + 40, k->len - 40);
	c.l3[6] = ext;
	put16(c.l3 + 4, (uint16_t)(get16(c.l3 + 4) + hlen));
	return c;
}

Test(packet_id_edit, ipv6_extension_headers)
{
	static const uint8_t hbh[8] = { 0, 0, 1, 4, 0, 0, 0, 0 }; /* PadN */
	static const uint8_t dst16[16] = { 0, 1, 1, 12 };	  /* PadN */
	static const uint8_t frag[8] = { 0, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef };
	const struct pkt *req = &lo6.p[0];
	struct pkt c, d;
	uint64_t id;

	/* Hop-by-hop: the nf_tables view is the fixed header plus the
	 * transport header found behind it. */
	c = with_ext(req, 0, hbh, sizeof(hbh));
	id = id_of(&c);
	cr_expect_neq(id, id_of(req));
	cr_expect_eq(packet_id_split(10, c.l3, 40, c.l3 + 48, 20), id);
	/* truncated after the transport's 20 bytes */
	cr_expect_eq(packet_id(10, c.l3, 68), id);
	/* NAT: addresses, ICMPv6 checksum and echo id */
	d = dup_pkt(&c, 0);
	memset(d.l3 + 24, 0x11, 16);
	d.l3[48 + 2] ^= 0xff;
	d.l3[48 + 4] ^= 0xff;
	d.l3[7]--;
	cr_expect_eq(id_of(&d), id);
	/* the echo data (ping's timestamp) tells packets apart */
	d.l3[48 + 9] ^= 1;
	cr_expect_neq(id_of(&d), id);
	free(d.l3);
	free(c.l3);

	/* Destination options of 16 bytes, then a first fragment. */
	c = with_ext(req, 60, dst16, sizeof(dst16));
	d = with_ext(&c, 44, frag, sizeof(frag));
	id = id_of(&d);
	cr_expect_eq(packet_id_split(10, d.l3, 40, d.l3 + 64, 20), id);
	cr_expect_neq(id, id_of(&c));
	/* A truncated extension header: no transport header to find. */
	cr_expect_eq(packet_id(10, d.l3, 44), packet_id(10, d.l3, 44));
	cr_expect_eq(packet_id(10, d.l3, 50), packet_id_split(10, d.l3, 40, NULL, 0));
	free(d.l3);
	free(c.l3);
}

Test(packet_id_edit, ipv4_long_options)
{
	const struct pkt *syn = find4(&nat, 6);
	struct pkt c = { 2, malloc(syn->len + 40), syn->len + 40 };
	uint64_t id;

	/* 40 bytes of options: NOPs and an end of list */
	cr_assert_not_null(c.l3);
	memcpy(c.l3, syn->l3, 20);
	memset(c.l3 + 20, 1, 39);
	c.l3[59] = 0;
	memcpy(c.l3 + 60, syn->l3 + 20, syn->len - 20);
	c.l3[0] = 0x4f;
	put16(c.l3 + 2, (uint16_t)c.len);
	fix_csums4(&c);
	id = id_of(&c);
	/* nf_tables: the first 40 bytes of the header, the transport apart */
	cr_expect_eq(packet_id_split(2, c.l3, 40, c.l3 + 60, 20), id);
	/* options beyond 40 bytes are not seen */
	c.l3[45] = 7;
	fix_csums4(&c);
	cr_expect_eq(id_of(&c), id);
	free(c.l3);
}

/* ---- robustness -------------------------------------------------------- */

Test(packet_id_edit, every_truncation_is_safe_and_48_bits)
{
	const struct pkts *all[] = { &lo4, &lo6, &nat };
	size_t a, i, n;

	for (a = 0; a < 3; a++) {
		for (i = 0; i < all[a]->n; i++) {
			const struct pkt *k = &all[a]->p[i];

			for (n = 0; n <= k->len; n++) {
				/* An exact-size copy, so a sanitizer or
				 * valgrind sees any read beyond n. */
				uint8_t *b = malloc(n ? n : 1);
				uint64_t id;

				cr_assert_not_null(b);
				memcpy(b, k->l3, n);
				id = packet_id(k->family, b, n);
				cr_expect_neq(id, 0);
				cr_expect_eq(id & ~PACKET_ID_MASK, 0);
				free(b);
			}
		}
	}
}

Test(packet_id, random_bytes_are_safe)
{
	uint64_t seen[64];
	uint32_t x = 12345;
	size_t i, j, n;

	for (i = 0; i < 20000; i++) {
		uint8_t *b;
		uint8_t fam;

		x = x * 1103515245u + 12345u;
		n = (x >> 16) % 100;
		b = malloc(n ? n : 1);
		cr_assert_not_null(b);
		for (j = 0; j < n; j++) {
			x = x * 1103515245u + 12345u;
			b[j] = (uint8_t)(x >> 16);
		}
		/* valid-looking version nibbles half the time */
		if (n && (x & 0x100000))
			b[0] = (uint8_t)((x & 1 ? 0x40 : 0x60) | (b[0] & 15));
		fam = (x & 2) ? 2 : (x & 4) ? 10 : (uint8_t)(x >> 24);
		cr_expect_eq(packet_id(fam, b, n) & ~PACKET_ID_MASK, 0);
		cr_expect_eq(packet_id_split(fam, b, n, b, n) & ~PACKET_ID_MASK, 0);
		free(b);
	}
	/* Short packets: all lengths of one buffer up to the 60 bytes that
	 * count give distinct IDs. */
	{
		static const uint8_t buf[64] = { 0x45, 0, 0, 64, 1, 2, 0, 0, 64, 17 };

		for (n = 0; n <= 60; n++) {
			seen[n] = packet_id(7, buf, n);
			for (j = 0; j < n; j++)
				cr_expect_neq(seen[n], seen[j], "%zu %zu", n, j);
		}
	}
	/* NULL is fine when there is nothing to read. */
	cr_expect_eq(packet_id(2, NULL, 0), packet_id(2, NULL, 0));
	cr_expect_neq(packet_id(2, NULL, 0), packet_id(10, NULL, 0));
}
