/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_dissect.c - the dissector against tcpdump itself.
 *
 * tests/data/dissect holds captures built by gen_pcaps.py (real.pcap: the
 * kernel's own traffic, capture_real.sh) and, next to each,
 * what tcpdump 4.99 printed for it (regen.sh).  Every packet is summarised
 * here and compared with tcpdump's text, with -n and with -v, as one run over
 * the file (relative TCP sequence numbers through a dissect_ctx) and packet
 * by packet (the stateless dissect_summary()).  Each packet is copied to the
 * end of a page followed by an inaccessible page, so a read beyond caplen
 * crashes the test instead of passing unnoticed.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "dissect.h"

#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR "tests/data"
#endif
#define DISSECT_DIR TEST_DATA_DIR "/dissect/"

/* Every capture of the corpus; see gen_pcaps.py for what each holds. */
static const char *const corpus[] = {
	"ipv4", "tcp", "flow", "udp", "dns", "icmp", "ipv6", "other",
	"nftrace", "fuzz", "random", "brief", "real", "real_nft",
};

/* Captures whose -v text is not matched (protocol bodies tcpdump -v
 * decodes and dissect.h lists as not decoded). */
static const char *const brief_only[] = { "brief" };

/* Those with a per-packet (stateless) expectation as well. */
static const char *const stateless_corpus[] = {
	"tcp", "flow", "nftrace", "real", "real_nft",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_SHOWN 20

/* ---- guarded packet buffer ------------------------------------------------ */

struct guard {
	uint8_t *map;
	size_t maplen;
	uint8_t *end;		/* first inaccessible byte */
};

static void guard_init(struct guard *g, size_t max)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t data = (max + page - 1) / page * page;

	g->maplen = data + page;
	g->map = mmap(NULL, g->maplen, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(g->map, MAP_FAILED, "mmap: %s", strerror(errno));
	g->end = g->map + data;
	cr_assert_eq(mprotect(g->end, page, PROT_NONE), 0, "mprotect: %s",
		     strerror(errno));
}

static void guard_free(struct guard *g)
{
	munmap(g->map, g->maplen);
}

/* A copy of n bytes that ends where readable memory ends. */
static const uint8_t *guard_put(struct guard *g, const uint8_t *p, size_t n)
{
	cr_assert_leq(n, (size_t)(g->end - g->map));
	memcpy(g->end - n, p, n);
	return g->end - n;
}

/* ---- expected text ----------------------------------------------------------- */

struct expect {
	char **line;
	size_t n;
	char *buf;
};

/* One packet a line, "\n" "\t" "\r" "\\" escaped (regen.sh). */
static void expect_load(struct expect *e, const char *path)
{
	FILE *f = fopen(path, "r");
	long sz;
	size_t i, cap = 64;
	char *w, *r;

	cr_assert_not_null(f, "%s: %s (run tests/data/dissect/regen.sh)", path,
			   strerror(errno));
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	sz = ftell(f);
	rewind(f);
	e->buf = malloc((size_t)sz + 1);
	cr_assert_not_null(e->buf);
	cr_assert_eq(fread(e->buf, 1, (size_t)sz, f), (size_t)sz);
	fclose(f);
	e->buf[sz] = '\0';
	e->line = malloc(cap * sizeof(*e->line));
	e->n = 0;
	for (r = w = e->buf; *r; ) {
		if (e->n == cap)
			e->line = realloc(e->line, (cap *= 2) * sizeof(*e->line));
		cr_assert_not_null(e->line);
		e->line[e->n++] = w;
		for (; *r && *r != '\n'; r++) {
			if (*r == '\\' && r[1]) {
				r++;
				*w++ = *r == 'n' ? '\n' : *r == 't' ? '\t' :
				       *r == 'r' ? '\r' : *r;
			} else {
				*w++ = *r;
			}
		}
		if (*r)
			r++;
		*w++ = '\0';
	}
	for (i = 0; i < e->n; i++)
		cr_assert_not_null(e->line[i]);
}

static void expect_free(struct expect *e)
{
	free(e->line);
	free(e->buf);
}

/* ---- running a capture --------------------------------------------------------- */

static uint8_t family_of(const uint8_t *p, uint32_t caplen)
{
	return caplen > 0 && p[0] >> 4 == 6 ? 10 : 2;
}

/*
 * Summarise every packet of NAME.pcap and compare with the text in
 * NAME<suffix>.txt.  ctx: whole-file state, NULL for the stateless form.
 * Returns the number of packets that differ.
 */
static unsigned run_capture(const char *name, const char *suffix,
			    bool verbose, struct dissect_ctx *ctx,
			    unsigned *npackets)
{
	char path[512], err[PCAP_ERRBUF_SIZE];
	static char out[65536];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct expect e;
	struct guard g;
	unsigned bad = 0, i = 0;
	pcap_t *p;

	snprintf(path, sizeof(path), DISSECT_DIR "%s%s.txt", name, suffix);
	expect_load(&e, path);
	snprintf(path, sizeof(path), DISSECT_DIR "%s.pcap", name);
	p = pcap_open_offline(path, err);
	cr_assert_not_null(p, "%s", err);
	guard_init(&g, 262144);

	while (pcap_next_ex(p, &h, &data) == 1) {
		const uint8_t *pkt = guard_put(&g, data, h->caplen);
		size_t n;

		n = dissect_summary_ctx(ctx, family_of(pkt, h->caplen), pkt,
					h->caplen, h->len, verbose, out,
					sizeof(out));
		cr_assert_eq(n, strlen(out));
		if (i >= e.n) {
			cr_log_error("%s%s: packet %u has no expected text",
				     name, suffix, i + 1);
			bad++;
		} else if (strcmp(out, e.line[i]) != 0) {
			if (bad < MAX_SHOWN)
				cr_log_error("%s%s%s packet %u:\n  tcpdump: %s\n  dissect: %s",
					     name, suffix, verbose ? " -v" : "",
					     i + 1, e.line[i], out);
			bad++;
		}
		i++;
	}
	if (i != e.n) {
		cr_log_error("%s%s: %u packets, %zu expected lines", name,
			     suffix, i, e.n);
		bad++;
	}
	*npackets = i;
	pcap_close(p);
	guard_free(&g);
	expect_free(&e);
	return bad;
}

static void check_corpus(bool verbose)
{
	unsigned total = 0, bad = 0;
	size_t i;

	for (i = 0; i < NELEM(corpus); i++) {
		struct dissect_ctx *ctx;
		unsigned n;

		if (verbose && !strcmp(corpus[i], brief_only[0]))
			continue;
		ctx = dissect_ctx_new(0);
		cr_assert_not_null(ctx);
		bad += run_capture(corpus[i], verbose ? ".v" : "", verbose, ctx,
				   &n);
		total += n;
		dissect_ctx_free(ctx);
	}
	cr_log_info("%u packets compared with tcpdump%s", total,
		    verbose ? " -v" : "");
	cr_expect_gt(total, 1000);
	cr_expect_eq(bad, 0, "%u of %u packets differ from tcpdump%s", bad,
		     total, verbose ? " -v" : "");
}

Test(dissect, matches_tcpdump)
{
	check_corpus(false);
}

Test(dissect, matches_tcpdump_verbose)
{
	check_corpus(true);
}

/* Without a context every packet is as tcpdump sees it alone: absolute
 * sequence numbers. */
Test(dissect, stateless_matches_tcpdump_per_packet)
{
	unsigned bad = 0, n;
	size_t i;

	for (i = 0; i < NELEM(stateless_corpus); i++) {
		bad += run_capture(stateless_corpus[i], ".1", false, NULL, &n);
		bad += run_capture(stateless_corpus[i], ".1.v", true, NULL, &n);
	}
	cr_expect_eq(bad, 0, "%u packets differ", bad);
}

/* A reset context is as good as a new one. */
Test(dissect, ctx_reset)
{
	struct dissect_ctx *ctx = dissect_ctx_new(8);
	unsigned n;

	cr_assert_not_null(ctx);
	cr_expect_eq(run_capture("flow", "", false, ctx, &n), 0);
	dissect_ctx_reset(ctx);
	cr_expect_eq(run_capture("flow", "", false, ctx, &n), 0);
	dissect_ctx_free(ctx);
	dissect_ctx_free(NULL);
	dissect_ctx_reset(NULL);
}

/* ---- hand-made packets ----------------------------------------------------------- */

static uint16_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* A 40-byte IPv4/TCP segment from 10.0.0.<src> port sport to 10.9.9.9:80. */
static void tcp4(uint8_t *p, uint8_t src, uint16_t sport, uint32_t seq,
		 uint32_t ack, uint8_t flags)
{
	memset(p, 0, 40);
	p[0] = 0x45;
	put16(p + 2, 40);
	p[8] = 64;
	p[9] = 6;
	p[12] = 10;
	p[15] = src;
	p[16] = 10, p[17] = 9, p[18] = 9, p[19] = 9;
	put16(p + 10, sum16(p, 20, 0));
	put16(p + 20, sport);
	put16(p + 22, 80);
	put32(p + 24, seq);
	put32(p + 28, ack);
	p[32] = 5 << 4;
	p[33] = flags;
	put16(p + 34, 1000);
}

/* The context forgets the oldest flow of a full set, and only that. */
Test(dissect, ctx_bounded)
{
	struct dissect_ctx *ctx = dissect_ctx_new(1);	/* one set of 4 */
	uint8_t p[40];
	char out[256];
	int i;

	cr_assert_not_null(ctx);
	for (i = 0; i < 5; i++) {
		tcp4(p, (uint8_t)(1 + i), 1000, 500, 900, 0x10);
		dissect_summary_ctx(ctx, 2, p, 40, 40, false, out, sizeof(out));
		cr_expect(strstr(out, "ack 900,") != NULL, "%s", out);
	}
	/* flows 2..5 are remembered: relative numbers */
	tcp4(p, 5, 1000, 510, 910, 0x10);
	dissect_summary_ctx(ctx, 2, p, 40, 40, false, out, sizeof(out));
	cr_expect_str_eq(out, "IP 10.0.0.5.1000 > 10.9.9.9.80: Flags [.], ack 11, win 1000, length 0");
	/* flow 1 was forgotten: it starts over, like a first sighting */
	tcp4(p, 1, 1000, 510, 910, 0x10);
	dissect_summary_ctx(ctx, 2, p, 40, 40, false, out, sizeof(out));
	cr_expect_str_eq(out, "IP 10.0.0.1.1000 > 10.9.9.9.80: Flags [.], ack 910, win 1000, length 0");
	dissect_ctx_free(ctx);
}

/* buf gets at most cap-1 bytes and a NUL; the return value is their count. */
Test(dissect, output_capacity)
{
	uint8_t p[40];
	char full[256], out[256];
	size_t n, cap;

	tcp4(p, 1, 1000, 500, 900, 0x18);
	n = dissect_summary(2, p, 40, 40, true, full, sizeof(full));
	cr_assert_gt(n, 60);
	cr_assert_eq(n, strlen(full));
	for (cap = 1; cap <= n + 2; cap++) {
		size_t m;

		memset(out, 'X', sizeof(out));
		m = dissect_summary(2, p, 40, 40, true, out, cap);
		cr_assert_eq(m, cap - 1 < n ? cap - 1 : n, "cap %zu", cap);
		cr_assert_eq(out[m], '\0');
		cr_assert_eq(strncmp(out, full, m), 0);
		cr_assert_eq(out[m + 1], m + 1 < cap ? out[m + 1] : 'X');
	}
	out[0] = 'X';
	cr_assert_eq(dissect_summary(2, p, 40, 40, false, out, 0), 0);
	cr_assert_eq(out[0], 'X');
}

Test(dissect, other_families)
{
	uint8_t p[40];
	char out[128];

	tcp4(p, 1, 1000, 500, 900, 0x10);
	dissect_summary(7, p, 40, 60, false, out, sizeof(out));
	cr_expect_str_eq(out, "family 7, length 60");
	dissect_summary(2, NULL, 0, 0, false, out, sizeof(out));
	cr_expect_str_eq(out, "[Invalid header: caplen==0]");
	/* a length below caplen is refused, as libpcap and tcpdump do */
	dissect_summary(2, p, 40, 0, false, out, sizeof(out));
	cr_expect_str_eq(out, "[Invalid header: len(0) < caplen(40)]");
	/* family 10 with an IPv4 packet: tcpdump goes by the version */
	dissect_summary(10, p, 40, 40, false, out, sizeof(out));
	cr_expect_str_eq(out, "IP 10.0.0.1.1000 > 10.9.9.9.80: Flags [.], ack 900, win 1000, length 0");
}

/* ---- random input ------------------------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/*
 * Random bytes shaped enough to get past the first checks (an IP version,
 * a plausible header length, a protocol worth parsing), at random capture
 * lengths and output sizes: the output is always NUL-terminated within cap
 * and the guard page catches any read beyond caplen.
 */
Test(dissect, random_input_is_safe)
{
	static const uint8_t protos[] = { 1, 2, 4, 6, 17, 41, 47, 50, 51, 58,
					  0, 43, 44, 60, 108, 59, 99, 132 };
	struct dissect_ctx *ctx = dissect_ctx_new(64);
	uint8_t pkt[600];
	char out[700];
	struct guard g;
	unsigned iter;

	cr_assert_not_null(ctx);
	guard_init(&g, sizeof(pkt));
	for (iter = 0; iter < 200000; iter++) {
		uint32_t len = rnd() % sizeof(pkt), caplen, r = rnd();
		size_t cap = rnd() % 8 ? sizeof(out) : rnd() % 100, n, i;
		const uint8_t *p;

		for (i = 0; i < len; i++)
			pkt[i] = (uint8_t)rnd();
		if (len > 40 && r % 4) {
			if (r & 16) {
				pkt[0] = 0x60;
				pkt[6] = protos[rnd() % sizeof(protos)];
				put16(pkt + 4, (uint16_t)(len - 40 + rnd() % 8));
			} else {
				pkt[0] = (uint8_t)(0x45 + (r & 32 ? rnd() % 11 : 0));
				pkt[9] = protos[rnd() % sizeof(protos)];
				put16(pkt + 2, (uint16_t)(len - rnd() % 4));
				pkt[6] &= 0x40;
				pkt[7] = 0;
			}
			if (r & 64) {
				size_t l4 = (pkt[0] >> 4) == 6 ? 40 : (size_t)(pkt[0] & 15) * 4;

				/* DNS ports, a DNS-like header */
				if (l4 + 24 < len) {
					put16(pkt + l4 + 2, 53);
					put16(pkt + l4 + 4, (uint16_t)(len - l4));
					pkt[l4 + 12] = 0;
					pkt[l4 + 13] = 1;
				}
			}
		}
		caplen = rnd() % 3 ? len : (len ? rnd() % (len + 1) : 0);
		p = guard_put(&g, pkt, caplen);
		memset(out, 'Z', sizeof(out));
		n = dissect_summary_ctx(iter & 1 ? ctx : NULL,
					rnd() % 50 ? (r & 16 ? 10 : 2) : (uint8_t)rnd(),
					p, caplen, len, r & 1, out, cap);
		if (cap == 0) {
			cr_assert_eq(n, 0);
			cr_assert_eq(out[0], 'Z');
			continue;
		}
		cr_assert_lt(n, cap);
		cr_assert_eq(out[n], '\0');
		cr_assert_eq(strlen(out), n);
	}
	guard_free(&g);
	dissect_ctx_free(ctx);
}
