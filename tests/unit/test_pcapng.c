/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_pcapng.c - pcapng writer and capture file reader: round trips for
 * every block and option the writer emits, hand-built files for what it
 * never emits (big-endian sections, unknown blocks, SPB/PB, classic pcap,
 * damage of every kind), and interop with tcpdump, tshark and libpcap.
 *
 * Files go to a mkdtemp directory under /tmp that each test removes.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pcap/pcap.h>
#include <zlib.h>

#include "capfile.h"
#include "pcapng_writer.h"

#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR "tests/data"
#endif

#define HOST_BE (__BYTE_ORDER == __BIG_ENDIAN)

/* ---- temp dir ------------------------------------------------------------ */

static char tmpdir[64];

static void tmp_setup(void)
{
	strcpy(tmpdir, "/tmp/nftrace-test-pcapng-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void tmp_teardown(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
	rmdir(tmpdir);
}

static const char *tmp_path(const char *name)
{
	static char bufs[4][256];
	static int i;
	char *p = bufs[i++ % 4];

	snprintf(p, 256, "%s/%s", tmpdir, name);
	return p;
}

static void write_bytes(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, p, n), (ssize_t)n);
	close(fd);
}

static uint8_t *read_bytes(const char *path, size_t *n)
{
	struct stat st;
	uint8_t *p;
	int fd = open(path, O_RDONLY);

	cr_assert(fd >= 0, "open %s", path);
	cr_assert_eq(fstat(fd, &st), 0);
	p = malloc((size_t)st.st_size + 1);
	cr_assert_eq(read(fd, p, (size_t)st.st_size), st.st_size);
	close(fd);
	*n = (size_t)st.st_size;
	return p;
}

/* ---- a byte builder for hand-made files ---------------------------------- */

struct bb {
	uint8_t *p;
	size_t len, cap;
	bool be;
	size_t blk;		/* start of the open block */
};

static void bb_bytes(struct bb *b, const void *v, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
	}
	if (n)
		memcpy(b->p + b->len, v, n);
	b->len += n;
}

static void bb_u8(struct bb *b, uint8_t v)
{
	bb_bytes(b, &v, 1);
}

static void bb_u16(struct bb *b, uint16_t v)
{
	v = b->be ? htobe16(v) : htole16(v);
	bb_bytes(b, &v, 2);
}

static void bb_u32(struct bb *b, uint32_t v)
{
	v = b->be ? htobe32(v) : htole32(v);
	bb_bytes(b, &v, 4);
}

static void bb_u64(struct bb *b, uint64_t v)
{
	v = b->be ? htobe64(v) : htole64(v);
	bb_bytes(b, &v, 8);
}

static void bb_pad(struct bb *b)
{
	while (b->len % 4)
		bb_u8(b, 0);
}

static void bb_begin(struct bb *b, uint32_t type)
{
	b->blk = b->len;
	bb_u32(b, type);
	bb_u32(b, 0);
}

static void bb_end(struct bb *b)
{
	uint32_t total = (uint32_t)(b->len - b->blk + 4), v;

	bb_u32(b, total);
	v = b->be ? htobe32(total) : htole32(total);
	memcpy(b->p + b->blk + 4, &v, 4);
}

static void bb_opt(struct bb *b, uint16_t code, const void *v, uint16_t n)
{
	bb_u16(b, code);
	bb_u16(b, n);
	bb_bytes(b, v, n);
	bb_pad(b);
}

static void bb_opt_u64(struct bb *b, uint16_t code, uint64_t v)
{
	bb_u16(b, code);
	bb_u16(b, 8);
	bb_u64(b, v);
}

static void bb_opt_u32(struct bb *b, uint16_t code, uint32_t v)
{
	bb_u16(b, code);
	bb_u16(b, 4);
	bb_u32(b, v);
}

static void bb_opt_ts(struct bb *b, uint16_t code, uint64_t ts)
{
	bb_u16(b, code);
	bb_u16(b, 8);
	bb_u32(b, (uint32_t)(ts >> 32));
	bb_u32(b, (uint32_t)ts);
}

static void bb_opt_str(struct bb *b, uint16_t code, const char *s)
{
	bb_opt(b, code, s, (uint16_t)strlen(s));
}

static void bb_endofopt(struct bb *b)
{
	bb_u32(b, 0);
}

static void bb_shb(struct bb *b, const char *userappl)
{
	bb_begin(b, 0x0A0D0D0A);
	bb_u32(b, 0x1A2B3C4D);
	bb_u16(b, 1);
	bb_u16(b, 0);
	bb_u64(b, UINT64_MAX);
	if (userappl) {
		bb_opt_str(b, 4, userappl);
		bb_endofopt(b);
	}
	bb_end(b);
}

/* IDB; tsresol < 0 leaves the option out (microseconds). */
static void bb_idb(struct bb *b, uint16_t linktype, uint32_t snaplen, int tsresol)
{
	bb_begin(b, 1);
	bb_u16(b, linktype);
	bb_u16(b, 0);
	bb_u32(b, snaplen);
	if (tsresol >= 0) {
		uint8_t v = (uint8_t)tsresol;

		bb_opt(b, 9, &v, 1);
		bb_endofopt(b);
	}
	bb_end(b);
}

/* EPB without options (the caller may add some before bb_end()). */
static void bb_epb_open(struct bb *b, uint32_t ifid, uint64_t ts, const void *data,
			uint32_t caplen, uint32_t len)
{
	bb_begin(b, 6);
	bb_u32(b, ifid);
	bb_u32(b, (uint32_t)(ts >> 32));
	bb_u32(b, (uint32_t)ts);
	bb_u32(b, caplen);
	bb_u32(b, len);
	bb_bytes(b, data, caplen);
	bb_pad(b);
}

static void bb_epb(struct bb *b, uint32_t ifid, uint64_t ts, const void *data, uint32_t caplen)
{
	bb_epb_open(b, ifid, ts, data, caplen, caplen);
	bb_end(b);
}

/* ---- NFLOG record with an IPv4 ICMP echo request --------------------------- */

#define PREFIX "TRACE: raw:OUTPUT:policy:2 "

static uint16_t inet_csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* 84-byte IPv4 ICMP echo request 127.0.0.1 -> 127.0.0.1, id 0x4242. */
static size_t build_icmp(uint8_t *p, uint16_t seq)
{
	uint16_t c;

	memset(p, 0, 84);
	p[0] = 0x45;
	p[2] = 0;
	p[3] = 84;
	p[4] = 0x12;
	p[5] = 0x34;
	p[6] = 0x40;		/* DF */
	p[8] = 64;
	p[9] = 1;
	p[12] = 127;
	p[15] = 1;
	p[16] = 127;
	p[19] = 1;
	c = inet_csum(p, 20);
	p[10] = (uint8_t)(c >> 8);
	p[11] = (uint8_t)c;
	p[20] = 8;		/* echo request */
	p[24] = 0x42;
	p[25] = 0x42;
	p[26] = (uint8_t)(seq >> 8);
	p[27] = (uint8_t)seq;
	for (int i = 28; i < 84; i++)
		p[i] = (uint8_t)i;
	c = inet_csum(p + 20, 64);
	p[22] = (uint8_t)(c >> 8);
	p[23] = (uint8_t)c;
	return 84;
}

static void tlv_hdr(uint8_t *p, uint16_t len, uint16_t type, bool be)
{
	uint16_t l = be ? htobe16(len) : htole16(len);
	uint16_t t = be ? htobe16(type) : htole16(type);

	memcpy(p, &l, 2);
	memcpy(p + 2, &t, 2);
}

/* The record as the kernel sends it: nfgenmsg, PACKET_HDR, PREFIX, PAYLOAD.
 * TLV headers in the byte order given (be), values big-endian. */
static size_t build_nflog_order(uint8_t *p, uint16_t seq, bool be)
{
	size_t n = 0, plen;

	p[n++] = 2;		/* AF_INET */
	p[n++] = 0;		/* version */
	p[n++] = 0;		/* res_id, BE */
	p[n++] = 0;
	tlv_hdr(p + n, 8, 1, be);
	p[n + 4] = 0x08;	/* hw_protocol 0x0800 */
	p[n + 5] = 0x00;
	p[n + 6] = 3;		/* NF_INET_LOCAL_OUT */
	p[n + 7] = 0;
	n += 8;
	tlv_hdr(p + n, 4 + sizeof(PREFIX), 10, be);
	memcpy(p + n + 4, PREFIX, sizeof(PREFIX));	/* with its NUL */
	n += 4 + sizeof(PREFIX);
	while (n % 4)
		p[n++] = 0;
	plen = build_icmp(p + n + 4, seq);
	tlv_hdr(p + n, (uint16_t)(4 + plen), 9, be);
	n += 4 + plen;
	return n;
}

static size_t build_nflog(uint8_t *p, uint16_t seq)
{
	return build_nflog_order(p, seq, HOST_BE);
}

/* ---- writer / reader helpers ------------------------------------------------ */

static struct pcapng_writer *open_writer(const char *path, bool gzip,
					 const struct pcapng_section_info *info)
{
	struct pcapng_writer *w = NULL;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	cr_assert(fd >= 0);
	cr_assert_eq(pcapng_writer_open(&w, fd, gzip, info), 0);
	return w;
}

static const struct pcapng_section_info basic_info = {
	.userappl = "test_pcapng",
	.os = "Linux",
	.hardware = "x86_64",
	.if_name = "nflog:0",
	.if_description = "TRACE target",
};

#define TS0 1700000000123456789ULL

/* n packets: seq i, ts TS0 + i ms, id 1000 + i, flags 2, dropcount i. */
static void write_simple(const char *path, bool gzip, unsigned n)
{
	struct pcapng_writer *w = open_writer(path, gzip, &basic_info);
	uint8_t rec[256];

	for (unsigned i = 0; i < n; i++) {
		struct pcapng_packet pk = {
			.ts_ns = TS0 + i * 1000000ULL,
			.data = rec,
			.caplen = (uint32_t)build_nflog(rec, (uint16_t)(i + 1)),
			.packet_id = 1000 + i,
			.has_packet_id = true,
			.flags = TRACE_DIR_OUT,
			.dropcount = i,
			.has_dropcount = true,
		};

		pk.len = pk.caplen;
		cr_assert_eq(pcapng_writer_packet(w, &pk), 0);
	}
	cr_assert_eq(pcapng_writer_close(w), 0);
}

static struct capfile *open_ok(const char *path)
{
	struct capfile *cf = NULL;
	int r = capfile_open(&cf, path);

	cr_assert_eq(r, 0, "capfile_open %s: %d %s", path, r, cf ? capfile_error(cf) : "");
	return cf;
}

/* Open, expect -EINVAL, return the reader for capfile_error(). */
static struct capfile *open_bad(const char *path)
{
	struct capfile *cf = NULL;

	cr_assert_eq(capfile_open(&cf, path), -EINVAL);
	cr_assert_not_null(cf);
	return cf;
}

/* Read to the end; returns the last capfile_next() result and *n records. */
static int read_all(struct capfile *cf, unsigned *n)
{
	struct capfile_record rec;
	int r;

	*n = 0;
	while ((r = capfile_next(cf, &rec)) == 1)
		(*n)++;
	return r;
}

static bool strref_is(struct strref s, const char *c)
{
	return strref_eq(s, c, strlen(c));
}

/* Run a shell command, return its stdout (malloc'd) and exit status. */
static char *run(const char *cmd, int *status)
{
	FILE *f = popen(cmd, "r");
	size_t cap = 4096, n = 0, r;
	char *out = malloc(cap);

	cr_assert_not_null(f);
	while ((r = fread(out + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (cap - n < 2)
			out = realloc(out, cap *= 2);
	}
	out[n] = 0;
	*status = pclose(f);
	return out;
}

static unsigned count_lines(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

TestSuite(pcapng, .init = tmp_setup, .fini = tmp_teardown);

/* ---- writer: exact bytes -------------------------------------------------- */

Test(pcapng, writer_bytes_exact)
{
	const char *path = tmp_path("exact.pcapng");
	const char *comments[] = { "abc", "section two" };
	struct pcapng_section_info info = {
		.userappl = "app", .os = "os1", .hardware = "hw",
		.comments = comments, .ncomments = 2,
		.if_name = "nflog:0", .if_description = "d",
	};
	struct pcapng_writer *w = open_writer(path, false, &info);
	uint8_t data[5] = { 1, 2, 3, 4, 5 };
	struct pcapng_packet pk = {
		.ts_ns = 0x0004c396656a8973ULL, .data = data, .caplen = 5, .len = 9,
		.comment = "hi!!x", .comment_len = 4,
		.packet_id = 0x1122334455667788ULL, .has_packet_id = true,
		.flags = 2, .dropcount = 7, .has_dropcount = true,
	};
	struct pcapng_packet bare = { .ts_ns = 5, .data = data, .caplen = 4, .len = 4 };
	struct pcapng_stats st = {
		.ts_ns = 100, .start_ns = 0x100000002ULL, .end_ns = 0x300000004ULL,
		.ifrecv = 11, .ifdrop = 12, .usrdeliv = 13,
	};
	struct bb e = { .be = HOST_BE };
	uint8_t *got;
	size_t n;

	cr_assert_eq(pcapng_writer_packet(w, &pk), 0);
	cr_assert_eq(pcapng_writer_packet(w, &bare), 0);
	cr_assert_eq(pcapng_writer_stats(w, &st), 0);
	cr_assert_eq(pcapng_writer_close(w), 0);

	/* The same file, built by hand from the pcapng draft. */
	bb_begin(&e, 0x0A0D0D0A);
	bb_u32(&e, 0x1A2B3C4D);
	bb_u16(&e, 1);
	bb_u16(&e, 0);
	bb_u64(&e, UINT64_MAX);
	bb_opt_str(&e, 2, "hw");
	bb_opt_str(&e, 3, "os1");
	bb_opt_str(&e, 4, "app");
	bb_opt_str(&e, 1, "abc");
	bb_opt_str(&e, 1, "section two");
	bb_endofopt(&e);
	bb_end(&e);
	bb_begin(&e, 1);
	bb_u16(&e, 239);
	bb_u16(&e, 0);
	bb_u32(&e, 262144);
	bb_opt_str(&e, 2, "nflog:0");
	bb_opt_str(&e, 3, "d");
	bb_opt(&e, 9, "\x09", 1);
	bb_endofopt(&e);
	bb_end(&e);
	bb_epb_open(&e, 0, 0x0004c396656a8973ULL, data, 5, 9);
	bb_opt(&e, 1, "hi!!", 4);
	bb_opt_u32(&e, 2, 2);
	bb_opt_u64(&e, 5, 0x1122334455667788ULL);
	bb_opt_u64(&e, 4, 7);
	bb_endofopt(&e);
	bb_end(&e);
	bb_epb(&e, 0, 5, data, 4);	/* no options: no endofopt either */
	bb_begin(&e, 5);
	bb_u32(&e, 0);
	bb_u32(&e, 0);
	bb_u32(&e, 100);
	bb_opt_ts(&e, 2, 0x100000002ULL);
	bb_opt_ts(&e, 3, 0x300000004ULL);
	bb_opt_u64(&e, 4, 11);
	bb_opt_u64(&e, 5, 12);
	bb_opt_u64(&e, 8, 13);
	bb_endofopt(&e);
	bb_end(&e);

	got = read_bytes(path, &n);
	cr_assert_eq(n, e.len, "file is %zu bytes, expected %zu", n, e.len);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(got[i], e.p[i], "byte %zu: 0x%02x, expected 0x%02x", i, got[i], e.p[i]);
	/* The SPEC example timestamp, LE: 96 c3 04 00 73 89 6a 65. */
	if (!HOST_BE) {
		const uint8_t ts[8] = { 0x96, 0xc3, 0x04, 0x00, 0x73, 0x89, 0x6a, 0x65 };
		size_t epb = 0;

		/* find the first EPB: after SHB and IDB */
		memcpy(&epb, got + 4, 4);
		{
			uint32_t idb;

			memcpy(&idb, got + epb + 4, 4);
			epb += idb;
		}
		cr_assert_arr_eq(got + epb + 12, ts, 8);
	}
	free(got);
	free(e.p);
}

/* ---- round trip ------------------------------------------------------------ */

Test(pcapng, round_trip_everything)
{
	const char *path = tmp_path("rt.pcapng");
	char *big = malloc(60000);
	const char *comments[3];
	struct pcapng_section_info info = basic_info;
	struct pcapng_writer *w;
	const struct capfile_section *sec;
	struct capfile_record rec;
	struct capfile *cf;
	uint8_t r1[256], r2[256];
	size_t n1, n2;

	for (int i = 0; i < 60000; i++)
		big[i] = (char)('a' + i % 26);
	big[59999] = 0;
	comments[0] = "first section comment";
	comments[1] = big;
	comments[2] = "third";
	info.comments = comments;
	info.ncomments = 3;

	n1 = build_nflog(r1, 1);
	n2 = build_nflog(r2, 2);
	w = open_writer(path, false, &info);
	{
		struct pcapng_packet a = {
			.ts_ns = TS0, .data = r1, .caplen = (uint32_t)n1, .len = (uint32_t)n1 + 100,
			.comment = big, .comment_len = 59999,
			.packet_id = 0xffffffffffffULL, .has_packet_id = true,
			.flags = TRACE_DIR_IN, .dropcount = 42, .has_dropcount = true,
		};
		struct pcapng_packet b = {
			.ts_ns = 1, .data = r2, .caplen = (uint32_t)n2, .len = (uint32_t)n2,
		};
		struct pcapng_packet c = {
			.ts_ns = UINT64_MAX, .data = r1, .caplen = 3, .len = 3,
			.comment = "", .comment_len = 0, .flags = 0xffff0002u,
		};
		struct pcapng_stats st = {
			.ts_ns = TS0 + 5, .start_ns = TS0 - 1, .end_ns = TS0 + 2,
			.ifrecv = 1ULL << 40, .ifdrop = 3, .usrdeliv = 0xfffffffffULL,
		};

		cr_assert_eq(pcapng_writer_packet(w, &a), 0);
		cr_assert_eq(pcapng_writer_packet(w, &b), 0);
		cr_assert_eq(pcapng_writer_packet(w, &c), 0);
		cr_assert_eq(pcapng_writer_stats(w, &st), 0);
	}
	cr_assert_eq(pcapng_writer_close(w), 0);

	cf = open_ok(path);
	sec = capfile_section(cf);
	cr_assert(sec->pcapng);
	cr_assert_eq(sec->index, 0);
	cr_assert(strref_is(sec->userappl, "test_pcapng"));
	cr_assert(strref_is(sec->os, "Linux"));
	cr_assert(strref_is(sec->hardware, "x86_64"));
	cr_assert_eq(sec->ncomments, 3);
	cr_assert(strref_is(sec->comments[0], "first section comment"));
	cr_assert_eq(sec->comments[1].len, 59999);
	cr_assert_eq(memcmp(sec->comments[1].p, big, 59999), 0);
	cr_assert(strref_is(sec->comments[2], "third"));
	cr_assert_not(sec->have_stats);

	cr_assert_eq(capfile_next(cf, &rec), 1);
	cr_assert_eq(rec.ts_ns, TS0);
	cr_assert_eq(rec.caplen, n1);
	cr_assert_eq(rec.len, n1 + 100);
	cr_assert_arr_eq(rec.data, r1, n1);
	cr_assert_eq(rec.linktype, 239);
	cr_assert_not(rec.swapped);
	cr_assert_eq(rec.section, 0);
	cr_assert_eq(rec.have, CAPFILE_HAVE_PACKET_ID | CAPFILE_HAVE_FLAGS | CAPFILE_HAVE_DROPCOUNT);
	cr_assert_eq(rec.packet_id, 0xffffffffffffULL);
	cr_assert_eq(rec.flags, TRACE_DIR_IN);
	cr_assert_eq(rec.dropcount, 42);
	cr_assert_eq(rec.ncomments, 1);
	cr_assert_eq(rec.comments[0].len, 59999);
	cr_assert_eq(memcmp(rec.comments[0].p, big, 59999), 0);

	cr_assert_eq(capfile_next(cf, &rec), 1);
	cr_assert_eq(rec.ts_ns, 1);
	cr_assert_arr_eq(rec.data, r2, n2);
	cr_assert_eq(rec.have, 0);
	cr_assert_eq(rec.ncomments, 0);
	cr_assert_eq(rec.packet_id, 0);
	cr_assert_eq(rec.dropcount, 0);

	cr_assert_eq(capfile_next(cf, &rec), 1);
	cr_assert_eq(rec.ts_ns, UINT64_MAX);
	cr_assert_eq(rec.caplen, 3);
	cr_assert_arr_eq(rec.data, r1, 3);
	cr_assert_eq(rec.have, CAPFILE_HAVE_FLAGS);
	cr_assert_eq(rec.flags, 0xffff0002u);
	cr_assert_eq(rec.ncomments, 1);
	cr_assert_eq(rec.comments[0].len, 0);

	cr_assert_eq(capfile_next(cf, &rec), 0);
	cr_assert_eq(capfile_next(cf, &rec), 0, "the end stays the end");
	sec = capfile_section(cf);
	cr_assert(sec->have_stats);
	cr_assert_eq(sec->isb_ifrecv, 1ULL << 40);
	cr_assert_eq(sec->isb_ifdrop, 3);
	cr_assert_eq(sec->isb_usrdeliv, 0xfffffffffULL);
	cr_assert_eq(sec->isb_start_ns, TS0 - 1);
	cr_assert_eq(sec->isb_end_ns, TS0 + 2);
	cr_assert_not(capfile_truncated(cf));
	capfile_close(cf);
	free(big);
}

Test(pcapng, many_records_cross_buffer_refills)
{
	const char *path = tmp_path("many.pcapng");
	struct pcapng_writer *w = open_writer(path, false, &basic_info);
	struct capfile_record rec;
	struct capfile *cf;
	uint8_t data[3000];
	unsigned i, n = 20000;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	/* Varying sizes so blocks straddle every buffer boundary. */
	for (i = 0; i < n; i++) {
		struct pcapng_packet pk = {
			.ts_ns = i, .data = data + i % 13, .caplen = (i * 37) % 2900,
			.packet_id = i, .has_packet_id = true,
		};

		pk.len = pk.caplen;
		cr_assert_eq(pcapng_writer_packet(w, &pk), 0);
	}
	cr_assert_eq(pcapng_writer_close(w), 0);

	cf = open_ok(path);
	for (i = 0; i < n; i++) {
		cr_assert_eq(capfile_next(cf, &rec), 1, "record %u: %s", i, capfile_error(cf));
		cr_assert_eq(rec.packet_id, i);
		cr_assert_eq(rec.ts_ns, i);
		cr_assert_eq(rec.caplen, (i * 37) % 2900);
		cr_assert_eq(memcmp(rec.data, data + i % 13, rec.caplen), 0, "record %u data", i);
	}
	cr_assert_eq(capfile_next(cf, &rec), 0);
	capfile_close(cf);
}

/* ---- writer limits ------------------------------------------------------------ */

Test(pcapng, writer_limits)
{
	static uint8_t data[262145];
	static char comment[65536];
	const char *path = tmp_path("lim.pcapng");
	struct pcapng_writer *w = open_writer(path, false, &basic_info);
	struct pcapng_packet pk = { .data = data, .caplen = 262145, .len = 262145 };
	struct capfile_record rec;
	struct capfile *cf;

	memset(comment, 'c', sizeof(comment));
	cr_assert_eq(pcapng_writer_packet(w, &pk), -EMSGSIZE);
	pk.caplen = 262144;
	pk.comment = comment;
	pk.comment_len = 65536;
	cr_assert_eq(pcapng_writer_packet(w, &pk), -EMSGSIZE);
	/* The largest EPB there is: full snaplen, maximal comment, all options. */
	pk.comment_len = 65535;
	pk.has_packet_id = pk.has_dropcount = true;
	pk.flags = 1;
	cr_assert_eq(pcapng_writer_packet(w, &pk), 0);
	cr_assert_eq(pcapng_writer_packet(w, &pk), 0);
	cr_assert_eq(pcapng_writer_close(w), 0);

	cf = open_ok(path);
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(capfile_next(cf, &rec), 1, "%s", capfile_error(cf));
		cr_assert_eq(rec.caplen, 262144);
		cr_assert_eq(rec.comments[0].len, 65535);
	}
	cr_assert_eq(capfile_next(cf, &rec), 0);
	capfile_close(cf);
}

Test(pcapng, writer_shb_size_cap)
{
	static char c[65537];
	const char *comments[17];
	struct pcapng_section_info info = basic_info;
	struct pcapng_writer *w = NULL;
	int fd;

	memset(c, 'x', 65535);
	for (int i = 0; i < 17; i++)
		comments[i] = c;
	info.comments = comments;
	/* 17 x 64 KiB > 1 MiB: libpcap would refuse the file. */
	info.ncomments = 17;
	fd = open(tmp_path("shb.pcapng"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_eq(pcapng_writer_open(&w, fd, false, &info), -EMSGSIZE);
	cr_assert_null(w);
	cr_assert_eq(fcntl(fd, F_GETFD), -1, "the fd is closed on failure");

	/* 15 x 64 KiB fit, and the reader takes them. */
	info.ncomments = 15;
	w = open_writer(tmp_path("shb.pcapng"), false, &info);
	cr_assert_eq(pcapng_writer_close(w), 0);
	{
		struct capfile *cf = open_ok(tmp_path("shb.pcapng"));
		struct capfile_record rec;

		cr_assert_eq(capfile_section(cf)->ncomments, 15);
		cr_assert_eq(capfile_section(cf)->comments[14].len, 65535);
		cr_assert_eq(capfile_next(cf, &rec), 0);
		capfile_close(cf);
	}

	/* An over-long if_name is refused too. */
	info.ncomments = 0;
	info.if_name = c;
	c[65535] = 'y';		/* 65536 characters */
	fd = open(tmp_path("shb.pcapng"), O_WRONLY | O_TRUNC);
	cr_assert_eq(pcapng_writer_open(&w, fd, false, &info), -EMSGSIZE);
}

Test(pcapng, writer_null_info_and_write_error)
{
	struct pcapng_writer *w = NULL;
	struct pcapng_packet pk = { .data = (const uint8_t *)"abcd", .caplen = 4, .len = 4 };
	int p[2];
	int fd = open(tmp_path("null.pcapng"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	struct capfile_record rec;
	struct capfile *cf;

	cr_assert_eq(pcapng_writer_open(&w, fd, false, NULL), 0);
	cr_assert_eq(pcapng_writer_packet(w, &pk), 0);
	cr_assert_eq(pcapng_writer_close(w), 0);
	cf = open_ok(tmp_path("null.pcapng"));
	cr_assert_eq(capfile_section(cf)->userappl.len, 0);
	cr_assert_eq(capfile_next(cf, &rec), 1);
	cr_assert_arr_eq(rec.data, "abcd", 4);
	capfile_close(cf);
	cr_assert_eq(pcapng_writer_close(NULL), 0);

	/* A closed pipe: the error comes back (and sticks), nothing crashes. */
	signal(SIGPIPE, SIG_IGN);
	cr_assert_eq(pipe(p), 0);
	close(p[0]);
	cr_assert_eq(pcapng_writer_open(&w, p[1], false, &basic_info), -EPIPE);
}

/* A full disk, as a file size limit: the write that does not fit is cut
 * short, and the writer cuts the file back to its last whole block, so
 * that every reader takes it for a whole, shorter file. */
Test(pcapng, writer_cut_short_leaves_whole_blocks)
{
	for (int gz = 0; gz < 2; gz++) {
		const char *path = tmp_path(gz ? "fsize.pcapng.gz" : "fsize.pcapng");
		struct rlimit rl = { 300000, RLIM_INFINITY }, old;
		struct pcapng_writer *w;
		uint8_t rec[256];
		struct stat st;
		struct capfile *cf;
		unsigned i, got;
		int r = 0;

		signal(SIGXFSZ, SIG_IGN);
		cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
		cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
		w = open_writer(path, gz, &basic_info);
		for (i = 0; i < 200000 && r == 0; i++) {
			struct pcapng_packet pk = {
				.ts_ns = TS0 + i * 1000ULL, .data = rec,
				.caplen = (uint32_t)build_nflog(rec, (uint16_t)(i + 1)),
				.comment = "TRACE: raw:PREROUTING:policy:2  \"-P PREROUTING ACCEPT\"",
				.comment_len = 49,
			};

			/* gzip: records that do not compress to nothing */
			memcpy(rec + 40, &i, sizeof(i));
			pk.len = pk.caplen;
			r = pcapng_writer_packet(w, &pk);
			if (r == 0 && i % 1000 == 999)
				r = pcapng_writer_flush(w);
		}
		cr_assert_eq(r, -EFBIG, "gzip %d: the limit was met (%d after %u)", gz, r, i);
		cr_expect_eq(pcapng_writer_close(w), -EFBIG);
		cr_assert_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
		cr_assert_eq(stat(path, &st), 0);
		cr_expect_lt(st.st_size, 300000, "gzip %d: cut back below the limit", gz);
		cf = open_ok(path);
		if (gz) {
			/* a gzip stream without its trailer: all records up to
			 * the last flush point, then the truncation */
			cr_expect_eq(read_all(cf, &got), -1);
			cr_expect(capfile_truncated(cf));
		} else {
			cr_expect_eq(read_all(cf, &got), 0, "gzip %d: %s", gz, capfile_error(cf));
		}
		cr_expect_geq(got, 1000, "gzip %d: %u records", gz, got);
		cr_expect_lt(got, i, "gzip %d", gz);
		capfile_close(cf);
	}
}

Test(pcapng, writer_flush_makes_blocks_visible)
{
	const char *path = tmp_path("flush.pcapng");
	struct pcapng_writer *w = open_writer(path, false, &basic_info);
	struct pcapng_packet pk = { .data = (const uint8_t *)"abcd", .caplen = 4, .len = 4 };
	struct capfile_record rec;
	struct capfile *cf;
	struct stat st;
	unsigned n;

	/* SHB and IDB are on disk right after open. */
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_gt(st.st_size, 0);
	cr_assert_eq(pcapng_writer_packet(w, &pk), 0);
	cr_assert_eq(pcapng_writer_packet(w, &pk), 0);
	cf = open_ok(path);
	cr_assert_eq(read_all(cf, &n), 0);
	cr_assert_eq(n, 0, "buffered, not yet written");
	capfile_close(cf);
	cr_assert_eq(pcapng_writer_flush(w), 0);
	cf = open_ok(path);
	cr_assert_eq(read_all(cf, &n), 0);
	cr_assert_eq(n, 2);
	capfile_close(cf);
	cr_assert_eq(pcapng_writer_close(w), 0);
	(void)rec;
}

/* ---- gzip ------------------------------------------------------------------- */

Test(pcapng, gzip_round_trip)
{
	const char *plain = tmp_path("p.pcapng"), *gz = tmp_path("g.pcapng.gz");
	uint8_t *a, *b = malloc(1 << 22);
	size_t na;
	gzFile g;
	int nb;
	unsigned n;
	struct capfile *cf;
	struct capfile_record rec;

	write_simple(plain, false, 5000);
	write_simple(gz, true, 5000);
	a = read_bytes(plain, &na);
	/* gzip -d gives exactly the plain file. */
	g = gzopen(gz, "rb");
	cr_assert_not_null(g);
	nb = gzread(g, b, 1 << 22);
	gzclose(g);
	cr_assert_eq((size_t)nb, na);
	cr_assert_eq(memcmp(a, b, na), 0);
	{
		size_t ng;
		uint8_t *z = read_bytes(gz, &ng);

		cr_assert_eq(z[0], 0x1f);
		cr_assert_eq(z[1], 0x8b);
		cr_assert_lt(ng, na / 2, "compresses");
		free(z);
	}

	cf = open_ok(gz);
	for (unsigned i = 0; i < 5000; i++) {
		cr_assert_eq(capfile_next(cf, &rec), 1);
		cr_assert_eq(rec.packet_id, 1000 + i);
		cr_assert_eq(rec.ts_ns, TS0 + i * 1000000ULL);
	}
	cr_assert_eq(capfile_next(cf, &rec), 0);
	capfile_close(cf);

	/* gzip -t agrees the stream is complete. */
	{
		char cmd[512];
		int st;
		char *out;

		snprintf(cmd, sizeof(cmd), "gzip -t %s 2>&1; echo rc=$?", gz);
		out = run(cmd, &st);
		cr_assert_str_eq(out, "rc=0\n");
		free(out);
	}
	(void)n;
	free(a);
	free(b);
}

/* Compressed data much bigger than any of the reader's buffers. */
Test(pcapng, gzip_large_incompressible)
{
	const char *gz = tmp_path("big.pcapng.gz");
	struct pcapng_writer *w = open_writer(gz, true, &basic_info);
	static uint8_t data[200000];
	struct capfile_record rec;
	struct capfile *cf;
	uint32_t x = 1;
	struct stat st;

	for (size_t i = 0; i < sizeof(data); i++) {
		x = x * 1664525 + 1013904223;
		data[i] = (uint8_t)(x >> 24);
	}
	for (unsigned i = 0; i < 100; i++) {
		struct pcapng_packet pk = {
			.ts_ns = i, .data = data + i * 997, .caplen = 100000 + i,
			.packet_id = i, .has_packet_id = true,
		};

		pk.len = pk.caplen;
		cr_assert_eq(pcapng_writer_packet(w, &pk), 0);
	}
	cr_assert_eq(pcapng_writer_close(w), 0);
	cr_assert_eq(stat(gz, &st), 0);
	cr_assert_gt(st.st_size, 8 * 1024 * 1024);

	cf = open_ok(gz);
	cr_assert(capfile_section(cf)->pcapng);
	for (unsigned i = 0; i < 100; i++) {
		cr_assert_eq(capfile_next(cf, &rec), 1, "record %u: %s", i, capfile_error(cf));
		cr_assert_eq(rec.packet_id, i);
		cr_assert_eq(rec.caplen, 100000 + i);
		cr_assert_eq(memcmp(rec.data, data + i * 997, rec.caplen), 0, "record %u", i);
	}
	cr_assert_eq(capfile_next(cf, &rec), 0);
	capfile_close(cf);
}

Test(pcapng, gzip_sync_flush_readable_before_close)
{
	const char *gz = tmp_path("live.pcapng.gz");
	struct pcapng_writer *w = open_writer(gz, true, &basic_info);
	uint8_t rec[256];
	struct pcapng_packet pk = { .data = rec };
	struct capfile *cf;
	unsigned n;

	pk.caplen = pk.len = (uint32_t)build_nflog(rec, 1);
	/* Right after open the gzip stream already decodes to SHB + IDB
	 * (and ends without a trailer). */
	cf = open_ok(gz);
	cr_assert_eq(read_all(cf, &n), -1);
	cr_assert_eq(n, 0);
	cr_assert(capfile_truncated(cf));
	capfile_close(cf);

	for (int i = 0; i < 3; i++)
		cr_assert_eq(pcapng_writer_packet(w, &pk), 0);
	cr_assert_eq(pcapng_writer_flush(w), 0);
	/* The stream has no gzip trailer yet (as if the writer were killed):
	 * every record is read, then the stream is reported truncated, as
	 * gzip -t reports it ("unexpected end of file"). */
	cf = open_ok(gz);
	cr_assert_eq(read_all(cf, &n), -1);
	cr_assert_eq(n, 3);
	cr_assert(capfile_truncated(cf));
	cr_assert_not_null(strstr(capfile_error(cf),
				  "truncated gzip stream: unexpected end of file at compressed offset "),
			   "%s", capfile_error(cf));
	capfile_close(cf);
	cr_assert_eq(pcapng_writer_close(w), 0);
	cf = open_ok(gz);
	cr_assert_eq(read_all(cf, &n), 0, "closed: %s", capfile_error(cf));
	cr_assert_eq(n, 3);
	capfile_close(cf);
}

Test(pcapng, gzip_concatenated_members_and_corruption)
{
	const char *a = tmp_path("a.gz"), *cat = tmp_path("cat.gz"), *bad = tmp_path("bad.gz");
	uint8_t *pa, *both;
	size_t na;
	struct capfile *cf;
	unsigned n;
	int r;

	write_simple(a, true, 10);
	pa = read_bytes(a, &na);
	/* Two whole pcapng files, gzipped separately, then concatenated:
	 * gzip -d reads both members; so do we (two sections). */
	both = malloc(2 * na);
	memcpy(both, pa, na);
	memcpy(both + na, pa, na);
	write_bytes(cat, both, 2 * na);
	cf = open_ok(cat);
	cr_assert_eq(read_all(cf, &n), 0, "%s", capfile_error(cf));
	cr_assert_eq(n, 20);
	cr_assert_eq(capfile_section(cf)->index, 1);
	capfile_close(cf);

	/* Corrupt the deflate data in the middle. */
	for (size_t i = na / 2; i < na / 2 + 16; i++)
		pa[i] ^= 0x55;
	write_bytes(bad, pa, na);
	cf = NULL;
	r = capfile_open(&cf, bad);
	if (r == 0) {
		r = read_all(cf, &n);
		cr_assert_eq(r, -1);
		cr_assert_lt(n, 10);
	} else {
		cr_assert_eq(r, -EINVAL);
	}
	cr_assert(strstr(capfile_error(cf), "gzip") || strstr(capfile_error(cf), "block"),
		  "message: %s", capfile_error(cf));
	capfile_close(cf);

	/* A bad CRC in the trailer: every record, then one message saying
	 * what and where (not "... at compressed offset N at offset 0"). */
	memcpy(pa, both, na);
	pa[na - 8] ^= 0xff;
	write_bytes(bad, pa, na);
	cf = open_ok(bad);
	cr_assert_eq(read_all(cf, &n), -1);
	cr_assert_eq(n, 10);
	cr_assert_not(capfile_truncated(cf));
	{
		char msg[320];
		unsigned long long zoff, uoff;
		int end = 0;

		capfile_error_message(cf, msg, sizeof(msg));
		cr_assert_eq(sscanf(msg, "corrupt gzip stream: incorrect data check at compressed offset %llu (uncompressed offset %llu)%n",
				    &zoff, &uoff, &end), 2, "%s", msg);
		cr_assert_eq((size_t)end, strlen(msg), "%s", msg);
		cr_assert_leq(zoff, na);
	}
	capfile_close(cf);
	free(pa);
	free(both);
}

/* ---- big-endian, several sections, unknown things ---------------------------- */

/* A big-endian section as a big-endian writer would make it. */
static void build_be_section(struct bb *b, uint8_t *rec, size_t *reclen)
{
	bool save = b->be;

	b->be = true;
	bb_begin(b, 0x0A0D0D0A);
	bb_u32(b, 0x1A2B3C4D);
	bb_u16(b, 1);
	bb_u16(b, 0);
	bb_u64(b, UINT64_MAX);
	bb_opt_str(b, 3, "SunOS");
	bb_opt_str(b, 1, "big endian");
	bb_endofopt(b);
	bb_end(b);
	/* Interface 0: something else; interface 1: NFLOG in microseconds
	 * with an if_tsoffset of 100 s. */
	bb_idb(b, 1, 65535, 9);
	bb_begin(b, 1);
	bb_u16(b, 239);
	bb_u16(b, 0);
	bb_u32(b, 0);
	bb_opt(b, 9, "\x06", 1);
	bb_opt_u64(b, 14, 100);
	bb_endofopt(b);
	bb_end(b);
	*reclen = build_nflog_order(rec, 7, true);
	bb_epb_open(b, 1, 1700000000123456ULL, rec, (uint32_t)*reclen, (uint32_t)*reclen);
	bb_opt_str(b, 1, "be comment");
	bb_opt_u32(b, 2, 1);
	bb_opt_u64(b, 5, 0x0102030405060708ULL);
	bb_opt_u64(b, 4, 9);
	bb_endofopt(b);
	bb_end(b);
	bb_begin(b, 5);
	bb_u32(b, 1);		/* ISB of interface 1: not kept */
	bb_u32(b, 0);
	bb_u32(b, 0);
	bb_opt_u64(b, 4, 77);
	bb_end(b);
	bb_begin(b, 5);
	bb_u32(b, 0);
	bb_u32(b, 0);
	bb_u32(b, 0);
	bb_opt_u64(b, 4, 55);
	bb_opt_u64(b, 5, 1);
	bb_end(b);
	b->be = save;
}

Test(pcapng, big_endian_section)
{
	const char *path = tmp_path("be.pcapng");
	struct bb b = { 0 };
	uint8_t rec[256];
	size_t reclen;
	struct capfile_record r;
	struct capfile *cf;
	const struct capfile_section *sec;

	build_be_section(&b, rec, &reclen);
	write_bytes(path, b.p, b.len);
	cf = open_ok(path);
	sec = capfile_section(cf);
	cr_assert(strref_is(sec->os, "SunOS"));
	cr_assert_eq(sec->ncomments, 1);
	cr_assert(strref_is(sec->comments[0], "big endian"));
	cr_assert_eq(capfile_next(cf, &r), 1, "%s", capfile_error(cf));
	cr_assert_eq(r.swapped, !HOST_BE);
	cr_assert_eq(r.linktype, 239);
	cr_assert_eq(r.ts_ns, 1700000000123456000ULL + 100000000000ULL);
	cr_assert_eq(r.caplen, reclen);
	/* The NFLOG TLV headers are handed over untouched (still BE). */
	cr_assert_arr_eq(r.data, rec, reclen);
	cr_assert_eq(r.data[4], 0);
	cr_assert_eq(r.data[5], 8);
	cr_assert_eq(r.packet_id, 0x0102030405060708ULL);
	cr_assert_eq(r.dropcount, 9);
	cr_assert_eq(r.flags, 1);
	cr_assert(strref_is(r.comments[0], "be comment"));
	cr_assert_eq(capfile_next(cf, &r), 0);
	sec = capfile_section(cf);
	cr_assert(sec->have_stats);
	cr_assert_eq(sec->isb_ifrecv, 55);
	cr_assert_eq(sec->isb_ifdrop, 1);
	capfile_close(cf);
	free(b.p);
}

static void bb_isb(struct bb *b, uint32_t ifid, uint64_t ifrecv, uint64_t ifdrop,
		   uint64_t usrdeliv)
{
	bb_begin(b, 5);
	bb_u32(b, ifid);
	bb_u32(b, 0);
	bb_u32(b, 0);
	bb_opt_u64(b, 4, ifrecv);
	bb_opt_u64(b, 5, ifdrop);
	bb_opt_u64(b, 8, usrdeliv);
	bb_endofopt(b);
	bb_end(b);
}

/* `cat a.pcapng b.pcapng`: the file's statistics are the last ISB of each
 * interface of each section, summed; the section's are its own. */
Test(pcapng, statistics_add_up_over_sections_and_interfaces)
{
	const char *path = tmp_path("isb.pcapng");
	struct bb b = { .be = HOST_BE };
	struct capfile_record r;
	struct capfile_stats st;
	struct capfile *cf;

	bb_shb(&b, "one");
	bb_idb(&b, 239, 0, -1);
	bb_idb(&b, 239, 0, -1);
	bb_epb(&b, 0, 1, "abcd", 4);
	bb_isb(&b, 0, 10, 1, 9);
	bb_isb(&b, 1, 5, 0, 5);
	bb_isb(&b, 0, 20, 2, 18);	/* replaces interface 0's first */
	bb_isb(&b, 7, 1000, 1000, 1000);	/* no such interface: ignored */
	bb_shb(&b, "two");
	bb_idb(&b, 239, 0, -1);
	bb_epb(&b, 0, 2, "efgh", 4);
	bb_isb(&b, 0, 7, 0, 7);
	write_bytes(path, b.p, b.len);

	cf = open_ok(path);
	capfile_stats(cf, &st);
	cr_assert_not(st.have);
	cr_assert_eq(capfile_next(cf, &r), 1);
	cr_assert_eq(capfile_next(cf, &r), 1, "%s", capfile_error(cf));
	cr_assert_eq(r.section, 1);
	/* the first section is complete once the second has started */
	capfile_stats(cf, &st);
	cr_assert(st.have);
	cr_assert_eq(st.ifrecv, 25);
	cr_assert_eq(st.ifdrop, 2);
	cr_assert_eq(st.usrdeliv, 23);
	cr_assert_not(capfile_section(cf)->have_stats);
	cr_assert_eq(capfile_next(cf, &r), 0, "%s", capfile_error(cf));
	capfile_stats(cf, &st);
	cr_assert_eq(st.ifrecv, 32);
	cr_assert_eq(st.ifdrop, 2);
	cr_assert_eq(st.usrdeliv, 30);
	cr_assert(capfile_section(cf)->have_stats);
	cr_assert_eq(capfile_section(cf)->isb_ifrecv, 7, "the section's own");
	capfile_close(cf);
	free(b.p);
}

Test(pcapng, several_sections_mixed_byte_order)
{
	const char *p1 = tmp_path("s1.pcapng"), *all = tmp_path("all.pcapng");
	struct bb b = { .be = HOST_BE };
	uint8_t rec[256], *f1;
	size_t reclen, n1;
	struct capfile_record r;
	struct capfile *cf;

	write_simple(p1, false, 2);
	f1 = read_bytes(p1, &n1);
	bb_bytes(&b, f1, n1);
	build_be_section(&b, rec, &reclen);
	bb_bytes(&b, f1, n1);
	/* A section with no interfaces at all, then one more packet section. */
	bb_shb(&b, "empty");
	bb_shb(&b, "last");
	bb_idb(&b, 239, 0, -1);
	bb_epb(&b, 0, 5, "xyz!", 4);
	write_bytes(all, b.p, b.len);

	cf = open_ok(all);
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(capfile_next(cf, &r), 1);
		cr_assert_eq(r.section, 0);
		cr_assert_not(r.swapped);
		cr_assert_eq(r.packet_id, 1000u + (unsigned)i);
	}
	cr_assert_eq(capfile_next(cf, &r), 1, "%s", capfile_error(cf));
	cr_assert_eq(r.section, 1);
	cr_assert_eq(r.swapped, !HOST_BE);
	cr_assert_eq(r.packet_id, 0x0102030405060708ULL);
	cr_assert(strref_is(capfile_section(cf)->os, "SunOS"));
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(capfile_next(cf, &r), 1);
		cr_assert_eq(r.section, 2);
		cr_assert_not(r.swapped);
		cr_assert_eq(r.ts_ns, TS0 + (uint64_t)i * 1000000);
	}
	cr_assert(strref_is(capfile_section(cf)->userappl, "test_pcapng"));
	cr_assert_not(capfile_section(cf)->have_stats, "stats belong to their section");
	cr_assert_eq(capfile_next(cf, &r), 1);
	cr_assert_eq(r.section, 4);
	cr_assert(strref_is(capfile_section(cf)->userappl, "last"));
	cr_assert_eq(r.ts_ns, 5000, "no if_tsresol: microseconds");
	cr_assert_eq(capfile_next(cf, &r), 0);
	capfile_close(cf);
	free(f1);
	free(b.p);
}

Test(pcapng, unknown_blocks_and_options_skipped)
{
	const char *path = tmp_path("unk.pcapng");
	struct bb b = { .be = HOST_BE };
	struct capfile_record r;
	struct capfile *cf;
	uint8_t big[100000];

	memset(big, 0xab, sizeof(big));
	bb_begin(&b, 0x0A0D0D0A);
	bb_u32(&b, 0x1A2B3C4D);
	bb_u16(&b, 1);
	bb_u16(&b, 2);		/* 1.2 reads like 1.0 */
	bb_u64(&b, UINT64_MAX);
	bb_opt(&b, 0x8123, "zz", 2);
	bb_opt_str(&b, 4, "app\0\0\0");	/* trailing NULs are not part of it */
	bb_opt(&b, 4, "app\0\0\0", 6);
	bb_end(&b);		/* no endofopt: allowed */
	/* Custom block, local-use block, NRB, DSB, a big unknown block. */
	bb_begin(&b, 0x00000BAD);
	bb_u32(&b, 32473);
	bb_bytes(&b, "custom", 6);
	bb_pad(&b);
	bb_end(&b);
	bb_begin(&b, 0x80000001);
	bb_end(&b);
	bb_begin(&b, 4);
	bb_u16(&b, 1);
	bb_u16(&b, 6);
	bb_bytes(&b, "\x7f\0\0\1x\0", 6);
	bb_pad(&b);
	bb_u32(&b, 0);
	bb_end(&b);
	bb_begin(&b, 0x40000BAD);
	bb_bytes(&b, big, sizeof(big));
	bb_end(&b);
	bb_begin(&b, 1);
	bb_u16(&b, 239);
	bb_u16(&b, 0);
	bb_u32(&b, 262144);
	bb_opt(&b, 0x8001, "abc", 3);
	bb_opt(&b, 12, "Linux 6.18", 10);
	bb_opt(&b, 11, "\0icmp", 5);
	bb_opt(&b, 9, "\x09", 1);
	bb_endofopt(&b);
	bb_opt(&b, 9, "\x00", 1);	/* after endofopt: ignored */
	bb_end(&b);
	bb_epb_open(&b, 0, 42, "data", 4, 4);
	bb_opt(&b, 3, "\x02\1\2\3\4", 5);	/* epb_hash */
	bb_opt(&b, 2988, "\0\0\x7e\xd9x", 5);	/* custom option */
	bb_opt(&b, 0x8001, "local", 5);
	bb_opt(&b, 2, "\1\2", 2);	/* flags of the wrong length: ignored */
	bb_opt_str(&b, 1, "one");
	bb_opt(&b, 1, "tw\0o", 4);	/* a NUL ends the string */
	bb_opt(&b, 6, "\0\0\0\3", 4);	/* epb_queue */
	bb_opt_u64(&b, 5, 77);
	bb_endofopt(&b);
	bb_end(&b);
	bb_begin(&b, 0x80000001);
	bb_bytes(&b, big, 1000);
	bb_end(&b);
	write_bytes(path, b.p, b.len);

	cf = open_ok(path);
	cr_assert_eq(capfile_section(cf)->userappl.len, 3);
	cr_assert(strref_is(capfile_section(cf)->userappl, "app"));
	cr_assert_eq(capfile_next(cf, &r), 1, "%s", capfile_error(cf));
	cr_assert_eq(r.ts_ns, 42);
	cr_assert_arr_eq(r.data, "data", 4);
	cr_assert_eq(r.have, CAPFILE_HAVE_PACKET_ID);
	cr_assert_eq(r.packet_id, 77);
	cr_assert_eq(r.ncomments, 2);
	cr_assert(strref_is(r.comments[0], "one"));
	cr_assert(strref_is(r.comments[1], "tw"));
	cr_assert_eq(capfile_next(cf, &r), 0, "%s", capfile_error(cf));
	capfile_close(cf);
	free(b.p);
}

Test(pcapng, comments_beyond_the_kept_eight)
{
	const char *path = tmp_path("c.pcapng");
	struct bb b = { .be = HOST_BE };
	struct capfile_record r;
	struct capfile *cf;
	char c[8];

	bb_shb(&b, NULL);
	bb_idb(&b, 239, 0, 9);
	bb_epb_open(&b, 0, 1, "d", 1, 1);
	for (int i = 0; i < 12; i++) {
		snprintf(c, sizeof(c), "c%d", i);
		bb_opt_str(&b, 1, c);
	}
	bb_opt_u32(&b, 2, 2);
	bb_end(&b);
	write_bytes(path, b.p, b.len);
	cf = open_ok(path);
	cr_assert_eq(capfile_next(cf, &r), 1);
	cr_assert_eq(r.ncomments, CAPFILE_MAX_COMMENTS);
	cr_assert(strref_is(r.comments[7], "c7"));
	cr_assert_eq(r.flags, 2, "options after the kept comments still count");
	capfile_close(cf);
	free(b.p);
}

Test(pcapng, timestamp_resolutions)
{
	static const struct {
		int tsresol;	/* -1 = no option */
		int64_t offset;
		uint64_t ts, ns;
	} t[] = {
		{ -1, 0, 1700000000123456ULL, 1700000000123456000ULL },
		{ 9, 0, 1, 1 },
		{ 3, 0, 1700000000123ULL, 1700000000123000000ULL },
		{ 0, 0, 1700000000ULL, 1700000000000000000ULL },
		{ 12, 0, 17000000001234567891ULL, 17000000001234567ULL },	/* ps */
		{ 0x80 | 10, 0, 1024 * 5 + 512, 5500000000ULL },	/* 2^-10 */
		{ 0x80 | 0, 0, 3, 3000000000ULL },			/* 2^0 */
		{ 0x80 | 32, 0, (1ULL << 32) * 7 + (1ULL << 31), 7500000000ULL },
		{ 0x80 | 63, 0, 1ULL << 63, 1000000000ULL },
		{ 9, -10, 20000000000ULL, 10000000000ULL },		/* negative offset */
		{ 19, 0, UINT64_MAX, UINT64_MAX / 10000000000ULL },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *path = tmp_path("ts.pcapng");
		struct bb b = { .be = HOST_BE };
		struct capfile_record r;
		struct capfile *cf;
		uint64_t ts = t[i].ts, ns = t[i].ns;

		bb_shb(&b, NULL);
		bb_begin(&b, 1);
		bb_u16(&b, 239);
		bb_u16(&b, 0);
		bb_u32(&b, 0);
		if (t[i].tsresol >= 0) {
			uint8_t v = (uint8_t)t[i].tsresol;

			bb_opt(&b, 9, &v, 1);
		}
		if (t[i].offset)
			bb_opt_u64(&b, 14, (uint64_t)t[i].offset);
		bb_end(&b);
		bb_epb(&b, 0, ts, "x", 1);
		write_bytes(path, b.p, b.len);
		cf = open_ok(path);
		cr_assert_eq(capfile_next(cf, &r), 1, "case %zu: %s", i, capfile_error(cf));
		cr_assert_eq(r.ts_ns, ns, "case %zu: ts %llu -> %llu, expected %llu", i,
			     (unsigned long long)ts, (unsigned long long)r.ts_ns,
			     (unsigned long long)ns);
		capfile_close(cf);
		free(b.p);
	}
}

Test(pcapng, simple_and_obsolete_packet_blocks)
{
	const char *path = tmp_path("spb.pcapng");
	struct bb b = { .be = HOST_BE };
	struct capfile_record r;
	struct capfile *cf;

	bb_shb(&b, NULL);
	bb_idb(&b, 239, 6, 9);	/* snaplen 6 */
	/* SPB: original length 10, captured min(10, snaplen 6). */
	bb_begin(&b, 3);
	bb_u32(&b, 10);
	bb_bytes(&b, "abcdef", 6);
	bb_pad(&b);
	bb_end(&b);
	/* SPB smaller than snaplen. */
	bb_begin(&b, 3);
	bb_u32(&b, 3);
	bb_bytes(&b, "xyz", 3);
	bb_pad(&b);
	bb_end(&b);
	/* PB: u16 interface, u16 drops, ts, caplen, len, data, options. */
	bb_begin(&b, 2);
	bb_u16(&b, 0);
	bb_u16(&b, 4);
	bb_u32(&b, 0);
	bb_u32(&b, 1234);
	bb_u32(&b, 5);
	bb_u32(&b, 50);
	bb_bytes(&b, "hello", 5);
	bb_pad(&b);
	bb_opt_str(&b, 1, "pb comment");
	bb_opt_u32(&b, 2, 1);
	bb_endofopt(&b);
	bb_end(&b);
	bb_begin(&b, 2);
	bb_u16(&b, 0);
	bb_u16(&b, 0xffff);	/* drops unknown */
	bb_u32(&b, 0);
	bb_u32(&b, 1);
	bb_u32(&b, 0);
	bb_u32(&b, 0);
	bb_end(&b);
	write_bytes(path, b.p, b.len);

	cf = open_ok(path);
	cr_assert_eq(capfile_next(cf, &r), 1, "%s", capfile_error(cf));
	cr_assert_eq(r.caplen, 6);
	cr_assert_eq(r.len, 10);
	cr_assert_arr_eq(r.data, "abcdef", 6);
	cr_assert_eq(r.ts_ns, 0);
	cr_assert_eq(r.linktype, 239);
	cr_assert_eq(capfile_next(cf, &r), 1);
	cr_assert_eq(r.caplen, 3);
	cr_assert_arr_eq(r.data, "xyz", 3);
	cr_assert_eq(capfile_next(cf, &r), 1, "%s", capfile_error(cf));
	cr_assert_eq(r.caplen, 5);
	cr_assert_eq(r.len, 50);
	cr_assert_eq(r.ts_ns, 1234);
	cr_assert_arr_eq(r.data, "hello", 5);
	cr_assert_eq(r.have, CAPFILE_HAVE_DROPCOUNT | CAPFILE_HAVE_FLAGS);
	cr_assert_eq(r.dropcount, 4);
	cr_assert_eq(r.flags, 1);
	cr_assert(strref_is(r.comments[0], "pb comment"));
	cr_assert_eq(capfile_next(cf, &r), 1);
	cr_assert_eq(r.have, 0);
	cr_assert_eq(r.caplen, 0);
	cr_assert_eq(capfile_next(cf, &r), 0);
	capfile_close(cf);
	free(b.p);
}

/* ---- classic pcap ------------------------------------------------------------- */

static void build_pcap(struct bb *b, bool be, bool nsec, const uint8_t *rec, size_t reclen)
{
	b->be = be;
	bb_u32(b, nsec ? 0xa1b23c4d : 0xa1b2c3d4);
	bb_u16(b, 2);
	bb_u16(b, 4);
	bb_u32(b, 0);
	bb_u32(b, 0);
	bb_u32(b, 262144);
	bb_u32(b, 239);
	for (uint32_t i = 0; i < 3; i++) {
		bb_u32(b, 1700000000 + i);
		bb_u32(b, nsec ? 123456789 : 123456);
		bb_u32(b, (uint32_t)reclen - i);
		bb_u32(b, (uint32_t)reclen + 10);
		bb_bytes(b, rec, reclen - i);
	}
}

Test(pcapng, classic_pcap_all_variants)
{
	uint8_t rec[256];

	for (int v = 0; v < 4; v++) {
		bool be = v & 1, nsec = v & 2;
		const char *path = tmp_path("c.pcap");
		struct bb b = { 0 };
		size_t reclen = build_nflog_order(rec, 1, be);
		struct capfile_record r;
		struct capfile *cf;

		build_pcap(&b, be, nsec, rec, reclen);
		write_bytes(path, b.p, b.len);
		cf = open_ok(path);
		cr_assert_not(capfile_section(cf)->pcapng);
		for (uint32_t i = 0; i < 3; i++) {
			cr_assert_eq(capfile_next(cf, &r), 1, "variant %d: %s", v, capfile_error(cf));
			cr_assert_eq(r.linktype, 239);
			cr_assert_eq(r.swapped, be != HOST_BE, "variant %d", v);
			cr_assert_eq(r.ts_ns, (1700000000ULL + i) * 1000000000ULL +
					      (nsec ? 123456789 : 123456000), "variant %d", v);
			cr_assert_eq(r.caplen, reclen - i);
			cr_assert_eq(r.len, reclen + 10);
			cr_assert_arr_eq(r.data, rec, reclen - i);
			cr_assert_eq(r.section, 0);
			cr_assert_eq(r.have, 0);
		}
		cr_assert_eq(capfile_next(cf, &r), 0);
		capfile_close(cf);

		/* Cut in the middle of the last record. */
		write_bytes(path, b.p, b.len - 10);
		cf = open_ok(path);
		cr_assert_eq(capfile_next(cf, &r), 1);
		cr_assert_eq(capfile_next(cf, &r), 1);
		cr_assert_eq(capfile_next(cf, &r), -1);
		cr_assert(capfile_truncated(cf));
		cr_assert(strstr(capfile_error(cf), "truncated"), "%s", capfile_error(cf));
		capfile_close(cf);
		free(b.p);
	}
}

Test(pcapng, classic_pcap_errors)
{
	uint8_t rec[256];
	size_t reclen = build_nflog(rec, 1);
	const char *path = tmp_path("e.pcap");
	struct bb b = { .be = HOST_BE };
	struct capfile_record r;
	struct capfile *cf;

	build_pcap(&b, HOST_BE, false, rec, reclen);
	/* caplen of the second record -> 300000 */
	{
		size_t off = 24 + 16 + reclen + 8;
		uint32_t v = 300000;

		memcpy(b.p + off, &v, 4);
	}
	write_bytes(path, b.p, b.len);
	cf = open_ok(path);
	cr_assert_eq(capfile_next(cf, &r), 1);
	cr_assert_eq(capfile_next(cf, &r), -1);
	cr_assert_not(capfile_truncated(cf));
	cr_assert_str_eq(capfile_error(cf),
			 "record captured length 300000 is bigger than the maximum 262144");
	cr_assert_eq(capfile_error_offset(cf), 24 + 16 + reclen);
	capfile_close(cf);

	/* version 1.0 */
	b.p[4] = 1;
	b.p[5] = 0;
	write_bytes(path, b.p, b.len);
	cf = open_bad(path);
	cr_assert_str_eq(capfile_error(cf), "unsupported pcap version 1.4");
	capfile_close(cf);

	/* header cut short */
	write_bytes(path, b.p, 20);
	cf = open_bad(path);
	cr_assert(capfile_truncated(cf));
	capfile_close(cf);
	free(b.p);
}

/* ---- malformed pcapng ------------------------------------------------------------ */

/* A good base file: SHB, IDB, 2 EPBs.  *epb gets the offset of the first EPB. */
static struct bb base_file(size_t *epb)
{
	struct bb b = { .be = HOST_BE };
	uint8_t rec[256];
	size_t n = build_nflog(rec, 1);

	bb_shb(&b, "base");
	bb_idb(&b, 239, 262144, 9);
	*epb = b.len;
	bb_epb(&b, 0, 1, rec, (uint32_t)n);
	bb_epb(&b, 0, 2, rec, (uint32_t)n);
	return b;
}

static void put_u32_at(struct bb *b, size_t off, uint32_t v)
{
	memcpy(b->p + off, &v, 4);
}

/* Write b, read it: expect `good` records, then -1 with message msg at
 * offset off (not truncated). */
static void expect_error(struct bb *b, unsigned good, const char *msg, uint64_t off)
{
	const char *path = tmp_path("bad.pcapng");
	struct capfile_record r;
	struct capfile *cf;
	unsigned n;

	write_bytes(path, b->p, b->len);
	cf = open_ok(path);
	cr_assert_eq(read_all(cf, &n), -1, "expected an error: %s", msg);
	cr_assert_eq(n, good, "%u records before the error, expected %u (%s)", n, good, msg);
	cr_assert_str_eq(capfile_error(cf), msg);
	cr_assert_eq(capfile_error_offset(cf), off, "offset %llu, expected %llu (%s)",
		     (unsigned long long)capfile_error_offset(cf), (unsigned long long)off, msg);
	cr_assert_not(capfile_truncated(cf), "%s", msg);
	cr_assert_eq(capfile_next(cf, &r), -1, "errors stick");
	capfile_close(cf);
}

Test(pcapng, malformed_not_a_capture)
{
	const char *path = tmp_path("junk");
	struct capfile *cf = NULL;

	write_bytes(path, "GIF89a..........", 16);
	cf = open_bad(path);
	cr_assert_str_eq(capfile_error(cf), "unknown file format: first bytes 47 49 46 38");
	capfile_close(cf);

	write_bytes(path, "", 0);
	cf = open_bad(path);
	cr_assert_str_eq(capfile_error(cf), "empty file");
	capfile_close(cf);

	write_bytes(path, "\x0a\x0d", 2);
	cf = open_bad(path);
	cr_assert(capfile_truncated(cf));
	capfile_close(cf);

	cf = (struct capfile *)1;
	cr_assert_eq(capfile_open(&cf, tmp_path("does-not-exist")), -ENOENT);
	cr_assert_null(cf);
	cr_assert_eq(capfile_open(&cf, tmpdir), -EISDIR);
	capfile_close(NULL);
}

Test(pcapng, malformed_section_header)
{
	size_t epb;
	struct bb b = base_file(&epb);
	const char *path = tmp_path("shb.pcapng");
	struct capfile *cf;

	put_u32_at(&b, 8, 0x11223344);
	write_bytes(path, b.p, b.len);
	cf = open_bad(path);
	cr_assert_str_eq(capfile_error(cf),
			 HOST_BE ? "section header byte-order magic 11 22 33 44 is neither 1a2b3c4d nor 4d3c2b1a"
				 : "section header byte-order magic 44 33 22 11 is neither 1a2b3c4d nor 4d3c2b1a");
	capfile_close(cf);
	free(b.p);

	b = base_file(&epb);
	b.p[12] = 2;		/* major 2 */
	b.p[13] = 0;
	if (HOST_BE) {
		b.p[12] = 0;
		b.p[13] = 2;
	}
	write_bytes(path, b.p, b.len);
	cf = open_bad(path);
	cr_assert_str_eq(capfile_error(cf), "unsupported pcapng version 2.0");
	capfile_close(cf);
	free(b.p);

	/* SHB bigger than 1 MiB (libpcap's limit). */
	b = (struct bb){ .be = HOST_BE };
	bb_begin(&b, 0x0A0D0D0A);
	bb_u32(&b, 0x1A2B3C4D);
	bb_u16(&b, 1);
	bb_u16(&b, 0);
	bb_u64(&b, UINT64_MAX);
	for (int i = 0; i < 17; i++) {
		static char c[65535];

		bb_opt(&b, 1, c, sizeof(c));
	}
	bb_end(&b);
	write_bytes(path, b.p, b.len);
	cf = open_bad(path);
	cr_assert(strstr(capfile_error(cf), "is bigger than the maximum 1048576"), "%s",
		  capfile_error(cf));
	capfile_close(cf);
	free(b.p);

	/* SHB too short to hold its fixed fields. */
	b = (struct bb){ .be = HOST_BE };
	bb_begin(&b, 0x0A0D0D0A);
	bb_u32(&b, 0x1A2B3C4D);
	bb_end(&b);
	write_bytes(path, b.p, b.len);
	cf = open_bad(path);
	cr_assert_str_eq(capfile_error(cf), "section header block total length 16 is less than 28");
	capfile_close(cf);
	free(b.p);
}

Test(pcapng, malformed_block_lengths)
{
	size_t epb;
	struct bb b;

	b = base_file(&epb);
	put_u32_at(&b, epb + 4, 13);
	expect_error(&b, 0, "block total length 13 is not a multiple of 4", epb);
	free(b.p);

	b = base_file(&epb);
	put_u32_at(&b, epb + 4, 8);
	expect_error(&b, 0, "block total length 8 is less than 12", epb);
	free(b.p);

	b = base_file(&epb);
	put_u32_at(&b, epb + 4, 0xfffffffc);
	expect_error(&b, 0, "block total length 4294967292 is bigger than the maximum 16777216", epb);
	free(b.p);

	/* Huge but under the cap: a truncated block, not a 16 MiB allocation
	 * that fails. */
	{
		const char *path = tmp_path("huge.pcapng");
		struct capfile *cf;
		unsigned n;

		b = base_file(&epb);
		put_u32_at(&b, epb + 4, 16 * 1024 * 1024);
		write_bytes(path, b.p, b.len);
		cf = open_ok(path);
		cr_assert_eq(read_all(cf, &n), -1);
		cr_assert_eq(n, 0);
		cr_assert(capfile_truncated(cf));
		capfile_close(cf);
		free(b.p);
	}

	/* Trailer mismatch on the second EPB. */
	b = base_file(&epb);
	{
		uint32_t l;

		char msg[128];

		memcpy(&l, b.p + epb + 4, 4);
		put_u32_at(&b, epb + 2 * l - 4, l + 4);
		snprintf(msg, sizeof(msg),
			 "block total length in header %u and trailer %u don't match", l, l + 4);
		expect_error(&b, 1, msg, epb + l);
	}
	free(b.p);
}

Test(pcapng, malformed_packets)
{
	size_t epb;
	struct bb b;
	char msg[200];
	uint32_t l;

	/* caplen beyond the block */
	b = base_file(&epb);
	memcpy(&l, b.p + epb + 4, 4);
	put_u32_at(&b, epb + 20, l);
	snprintf(msg, sizeof(msg),
		 "enhanced packet block captured length %u is bigger than the %u bytes the block holds",
		 l, l - 32);
	expect_error(&b, 0, msg, epb);
	free(b.p);

	/* caplen fits the block but is over 262144 */
	{
		static uint8_t big[300000];

		b = (struct bb){ .be = HOST_BE };
		bb_shb(&b, NULL);
		bb_idb(&b, 239, 0, 9);
		epb = b.len;
		bb_epb(&b, 0, 1, big, sizeof(big));
		expect_error(&b, 0,
			     "enhanced packet block captured length 300000 is bigger than the maximum 262144",
			     epb);
		free(b.p);

		/* ... unless the IDB's snaplen says so */
		b = (struct bb){ .be = HOST_BE };
		bb_shb(&b, NULL);
		bb_idb(&b, 239, 300000, 9);
		bb_epb(&b, 0, 1, big, sizeof(big));
		write_bytes(tmp_path("big.pcapng"), b.p, b.len);
		{
			struct capfile *cf = open_ok(tmp_path("big.pcapng"));
			unsigned n;

			cr_assert_eq(read_all(cf, &n), 0);
			cr_assert_eq(n, 1);
			capfile_close(cf);
		}
		free(b.p);
	}

	/* EPB before any IDB */
	b = (struct bb){ .be = HOST_BE };
	bb_shb(&b, NULL);
	epb = b.len;
	bb_epb(&b, 0, 1, "abcd", 4);
	expect_error(&b, 0, "enhanced packet block before any Interface Description Block", epb);
	free(b.p);

	/* SPB before any IDB, and after a new SHB dropped the interfaces */
	b = (struct bb){ .be = HOST_BE };
	bb_shb(&b, NULL);
	bb_idb(&b, 239, 0, 9);
	bb_epb(&b, 0, 1, "abcd", 4);
	bb_shb(&b, NULL);
	epb = b.len;
	bb_begin(&b, 3);
	bb_u32(&b, 0);
	bb_end(&b);
	expect_error(&b, 1, "simple packet block before any Interface Description Block", epb);
	free(b.p);

	/* Interface ID out of range */
	b = base_file(&epb);
	put_u32_at(&b, epb + 8, 1);
	expect_error(&b, 0,
		     "enhanced packet block interface ID 1 is not less than the number of interfaces 1",
		     epb);
	free(b.p);

	/* EPB too short for its fixed fields */
	b = (struct bb){ .be = HOST_BE };
	bb_shb(&b, NULL);
	bb_idb(&b, 239, 0, 9);
	epb = b.len;
	bb_begin(&b, 6);
	bb_u32(&b, 0);
	bb_end(&b);
	expect_error(&b, 0, "enhanced packet block total length 16 is less than 32", epb);
	free(b.p);

	/* Option overrunning the block */
	b = (struct bb){ .be = HOST_BE };
	bb_shb(&b, NULL);
	bb_idb(&b, 239, 0, 9);
	epb = b.len;
	bb_epb_open(&b, 0, 1, "abcd", 4, 4);
	bb_u16(&b, 1);
	bb_u16(&b, 100);
	bb_bytes(&b, "abcd", 4);
	bb_end(&b);
	expect_error(&b, 0, "option 1 length 100 overruns the block (4 bytes left)", epb);
	free(b.p);

	/* Bad if_tsresol */
	b = (struct bb){ .be = HOST_BE };
	bb_shb(&b, NULL);
	epb = b.len;
	bb_begin(&b, 1);
	bb_u16(&b, 239);
	bb_u16(&b, 0);
	bb_u32(&b, 0);
	bb_opt(&b, 9, "\x14", 1);
	bb_end(&b);
	expect_error(&b, 0, "if_tsresol 10^-20 is out of range", epb);
	free(b.p);

	b = (struct bb){ .be = HOST_BE };
	bb_shb(&b, NULL);
	epb = b.len;
	bb_begin(&b, 1);
	bb_u16(&b, 239);
	bb_u16(&b, 0);
	bb_u32(&b, 0);
	bb_opt(&b, 9, "\x09\x09", 2);
	bb_end(&b);
	expect_error(&b, 0, "if_tsresol option length 2 is not 1", epb);
	free(b.p);
}

/* ---- truncation ------------------------------------------------------------------ */

/* Offsets where each block of a file ends, walking the block lengths. */
static size_t block_ends(const uint8_t *p, size_t n, size_t *ends, size_t max)
{
	size_t off = 0, k = 0;

	while (off + 8 <= n && k < max) {
		uint32_t l;

		memcpy(&l, p + off + 4, 4);
		off += l;
		ends[k++] = off;
	}
	return k;
}

Test(pcapng, truncated_at_every_byte)
{
	const char *full = tmp_path("full.pcapng"), *cut = tmp_path("cut.pcapng");
	size_t n, ends[16], nb;
	uint8_t *p;

	write_simple(full, false, 4);
	p = read_bytes(full, &n);
	nb = block_ends(p, n, ends, 16);
	cr_assert_eq(nb, 6, "SHB, IDB, 4 EPBs");
	cr_assert_eq(ends[nb - 1], n);

	for (size_t c = 0; c < n; c++) {
		struct capfile_record r;
		struct capfile *cf = NULL;
		unsigned got = 0, whole = 0;
		bool boundary = false;
		int rc;

		for (size_t k = 0; k < nb; k++) {
			if (ends[k] <= c && k >= 2)
				whole++;
			if (ends[k] == c)
				boundary = true;
		}
		write_bytes(cut, p, c);
		rc = capfile_open(&cf, cut);
		if (c < ends[0]) {
			/* Inside the SHB: no section, not a file we can read. */
			cr_assert_eq(rc, -EINVAL, "cut %zu", c);
			cr_assert(c == 0 || capfile_truncated(cf), "cut %zu: %s", c, capfile_error(cf));
			capfile_close(cf);
			continue;
		}
		cr_assert_eq(rc, 0, "cut %zu", c);
		while ((rc = capfile_next(cf, &r)) == 1) {
			cr_assert_eq(r.packet_id, 1000 + got, "cut %zu", c);
			got++;
		}
		cr_assert_eq(got, whole, "cut %zu: %u records, expected %u", c, got, whole);
		if (boundary) {
			cr_assert_eq(rc, 0, "cut %zu at a block boundary: %s", c, capfile_error(cf));
			cr_assert_not(capfile_truncated(cf));
		} else {
			cr_assert_eq(rc, -1, "cut %zu", c);
			cr_assert(capfile_truncated(cf), "cut %zu: %s", c, capfile_error(cf));
			cr_assert(strncmp(capfile_error(cf), "truncated block: tried to read ", 31) == 0,
				  "cut %zu: %s", c, capfile_error(cf));
		}
		capfile_close(cf);
	}

	/* One exact message: cut 100 bytes into the third EPB. */
	{
		struct capfile *cf;
		unsigned k;
		char msg[128];

		write_bytes(cut, p, ends[3] + 100);
		cf = open_ok(cut);
		cr_assert_eq(read_all(cf, &k), -1);
		cr_assert_eq(k, 2);
		snprintf(msg, sizeof(msg), "truncated block: tried to read %zu bytes, only got 100",
			 ends[4] - ends[3]);
		cr_assert_str_eq(capfile_error(cf), msg);
		cr_assert_eq(capfile_error_offset(cf), ends[3]);
		capfile_close(cf);
	}
	free(p);
}

Test(pcapng, truncated_gzip_stream)
{
	const char *gz = tmp_path("t.gz"), *cut = tmp_path("tc.gz"), *cut_path = cut;
	size_t n;
	uint8_t *p;

	write_simple(gz, true, 3000);
	p = read_bytes(gz, &n);
	for (size_t c = 10; c < n; c += n / 37 + 1) {
		struct capfile_record r;
		struct capfile *cf = NULL;
		unsigned got = 0;
		int rc;

		write_bytes(cut, p, c);
		rc = capfile_open(&cf, cut);
		if (rc) {
			cr_assert_eq(rc, -EINVAL);
			capfile_close(cf);
			continue;
		}
		while ((rc = capfile_next(cf, &r)) == 1) {
			cr_assert_eq(r.packet_id, 1000 + got, "cut %zu", c);
			got++;
		}
		/* Cut anywhere, the stream is incomplete: never a clean end. */
		cr_assert_eq(rc, -1, "cut %zu: a clean end after %u records", c, got);
		cr_assert(capfile_truncated(cf), "cut %zu: %s", c, capfile_error(cf));
		cr_assert_lt(got, 3000);
		capfile_close(cf);
	}
	/* Only the trailer cut (gzip -t: "unexpected end of file"): every
	 * record is there, and the end is still an error, in one message. */
	for (size_t by = 1; by <= 8; by++) {
		struct capfile *cf;
		unsigned got;
		char msg[320];

		write_bytes(cut_path, p, n - by);
		cf = open_ok(cut_path);
		cr_assert_eq(read_all(cf, &got), -1, "trailer cut by %zu", by);
		cr_assert_eq(got, 3000, "trailer cut by %zu", by);
		cr_assert(capfile_truncated(cf));
		capfile_error_message(cf, msg, sizeof(msg));
		cr_assert_eq(strstr(msg, "truncated gzip stream: unexpected end of file at compressed offset "), msg,
			     "%s", msg);
		cr_assert_null(strstr(msg, " at offset"), "one place, not two: %s", msg);
		capfile_close(cf);
	}
	free(p);
}

Test(pcapng, unknown_block_truncated_while_skipping)
{
	const char *path = tmp_path("skip.pcapng");
	struct bb b = { .be = HOST_BE };
	uint8_t big[200000] = { 0 };
	struct capfile *cf;
	unsigned n;
	size_t at;

	bb_shb(&b, NULL);
	bb_idb(&b, 239, 0, 9);
	bb_epb(&b, 0, 1, "abcd", 4);
	at = b.len;
	bb_begin(&b, 0x80000002);
	bb_bytes(&b, big, sizeof(big));
	bb_end(&b);
	write_bytes(path, b.p, b.len - 1000);
	cf = open_ok(path);
	cr_assert_eq(read_all(cf, &n), -1);
	cr_assert_eq(n, 1);
	cr_assert(capfile_truncated(cf));
	cr_assert_eq(capfile_error_offset(cf), at);
	capfile_close(cf);
	free(b.p);
}

/* Random damage must never crash, hang or allocate without bound. */
Test(pcapng, random_damage_is_survivable)
{
	const char *full = tmp_path("f.pcapng"), *bad = tmp_path("d.pcapng");
	size_t n;
	uint8_t *p, *q;
	unsigned seed = 12345;

	write_simple(full, false, 20);
	p = read_bytes(full, &n);
	q = malloc(n);
	for (int iter = 0; iter < 3000; iter++) {
		struct capfile *cf = NULL;
		unsigned got;

		memcpy(q, p, n);
		for (int k = 0; k < 1 + iter % 4; k++) {
			seed = seed * 1103515245 + 12345;
			size_t at = (seed >> 8) % n;

			seed = seed * 1103515245 + 12345;
			q[at] = (uint8_t)(seed >> 16);
		}
		write_bytes(bad, q, n - (iter % 7 == 0 ? (size_t)iter % 50 : 0));
		if (capfile_open(&cf, bad) == 0) {
			int rc = read_all(cf, &got);

			cr_assert(rc == 0 || rc == -1);
			cr_assert_leq(got, 20);
			cr_assert(rc == 0 || capfile_error(cf)[0]);
		}
		capfile_close(cf);
	}
	free(p);
	free(q);
}

Test(pcapng, read_from_stdin)
{
	const char *path = tmp_path("in.pcapng.gz");
	struct capfile *cf;
	unsigned n;
	int fd;

	write_simple(path, true, 100);
	fd = open(path, O_RDONLY);
	cr_assert(fd >= 0);
	cr_assert_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	cf = open_ok("-");
	cr_assert_eq(read_all(cf, &n), 0);
	cr_assert_eq(n, 100);
	capfile_close(cf);
	cr_assert_neq(fcntl(STDIN_FILENO, F_GETFD), -1, "stdin is not closed");
}

/* stdin as a pipe that delivers a few bytes at a time, the gzip magic
 * split across two reads. */
Test(pcapng, read_from_fragmented_pipe)
{
	for (int gz = 0; gz < 2; gz++) {
		const char *path = tmp_path("pipe.pcapng");
		struct capfile_record rec;
		struct capfile *cf;
		uint8_t *p;
		size_t n;
		unsigned k = 0;
		int fds[2], st, rc;
		pid_t pid;

		write_simple(path, gz, 300);
		p = read_bytes(path, &n);
		cr_assert_eq(pipe(fds), 0);
		pid = fork();
		cr_assert(pid >= 0);
		if (pid == 0) {
			size_t off = 0, step = 1;

			close(fds[0]);
			while (off < n) {
				size_t m = n - off < step ? n - off : step;

				if (write(fds[1], p + off, m) != (ssize_t)m)
					_exit(1);
				off += m;
				step = step * 3 % 1013 + 1;
				if (off < 3)
					usleep(20000);
			}
			_exit(0);
		}
		close(fds[1]);
		cr_assert_eq(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
		close(fds[0]);
		cf = open_ok("-");
		while ((rc = capfile_next(cf, &rec)) == 1) {
			cr_assert_eq(rec.packet_id, 1000 + k, "gz %d", gz);
			k++;
		}
		cr_assert_eq(rc, 0, "gz %d: %s", gz, capfile_error(cf));
		cr_assert_eq(k, 300);
		capfile_close(cf);
		cr_assert_eq(waitpid(pid, &st, 0), pid);
		cr_assert_eq(st, 0);
		free(p);
	}
}

Test(pcapng, gzipped_classic_pcap)
{
	const char *path = tmp_path("c.pcap.gz");
	uint8_t rec[256];
	size_t reclen = build_nflog(rec, 1);
	struct bb b = { 0 };
	struct capfile_record r;
	struct capfile *cf;
	unsigned n;
	gzFile g;

	build_pcap(&b, HOST_BE, true, rec, reclen);
	g = gzopen(path, "wb");
	cr_assert_not_null(g);
	cr_assert_eq(gzwrite(g, b.p, (unsigned)b.len), (int)b.len);
	cr_assert_eq(gzclose(g), Z_OK);
	cf = open_ok(path);
	cr_assert_not(capfile_section(cf)->pcapng);
	cr_assert_eq(capfile_next(cf, &r), 1);
	cr_assert_eq(r.ts_ns, 1700000000123456789ULL);
	cr_assert_arr_eq(r.data, rec, reclen);
	cr_assert_eq(read_all(cf, &n), 0);
	cr_assert_eq(n, 2);
	capfile_close(cf);
	free(b.p);
}

/* ---- fixtures written by other tools ------------------------------------------- */

Test(pcapng, fixture_written_by_wireshark)
{
	struct capfile *cf = open_ok(TEST_DATA_DIR "/pcapng/editcap.pcapng");
	struct capfile_record r;
	unsigned n = 0;

	/* Wireshark's writer laid the blocks out; our options survive it. */
	while (capfile_next(cf, &r) == 1) {
		cr_assert_eq(r.linktype, 239);
		cr_assert_eq(r.packet_id, 1000 + n);
		cr_assert_eq(r.ts_ns, TS0 + n * 1000000ULL);
		cr_assert_eq(r.caplen, 132);
		n++;
	}
	cr_assert_eq(n, 3);
	cr_assert(strref_is(capfile_section(cf)->userappl, "test_pcapng"));
	cr_assert(strref_is(capfile_section(cf)->os, "Linux"));
	cr_assert_not(capfile_truncated(cf));
	capfile_close(cf);
}

Test(pcapng, fixture_classic_pcap_from_editcap)
{
	static const char *const f[] = { "/pcapng/editcap-us.pcap", "/pcapng/editcap-ns.pcap" };

	for (int i = 0; i < 2; i++) {
		char path[512];
		struct capfile *cf;
		struct capfile_record r;
		unsigned n = 0;

		snprintf(path, sizeof(path), "%s%s", TEST_DATA_DIR, f[i]);
		cf = open_ok(path);
		while (capfile_next(cf, &r) == 1) {
			uint64_t ts = TS0 + n * 1000000ULL;

			cr_assert_eq(r.linktype, 239);
			cr_assert_eq(r.ts_ns, i ? ts : ts / 1000 * 1000, "%s", f[i]);
			cr_assert_eq(r.caplen, 132);
			n++;
		}
		cr_assert_eq(n, 3);
		capfile_close(cf);
	}
}

/* ---- interop -------------------------------------------------------------------- */

static void write_interop(const char *path, unsigned n)
{
	struct pcapng_writer *w = open_writer(path, false, &basic_info);
	uint8_t rec[256];
	char comment[64];

	for (unsigned i = 0; i < n; i++) {
		struct pcapng_packet pk = {
			.ts_ns = TS0 + i,
			.data = rec,
			.packet_id = 4242 + i,
			.has_packet_id = true,
			.flags = TRACE_DIR_OUT,
			.dropcount = 3 * i,
			.has_dropcount = true,
		};

		pk.caplen = pk.len = (uint32_t)build_nflog(rec, (uint16_t)(i + 1));
		snprintf(comment, sizeof(comment), "trace comment %u", i);
		pk.comment = comment;
		pk.comment_len = strlen(comment);
		cr_assert_eq(pcapng_writer_packet(w, &pk), 0);
	}
	cr_assert_eq(pcapng_writer_close(w), 0);
}

Test(pcapng, interop_tcpdump)
{
	const char *path = tmp_path("i.pcapng");
	char cmd[512];
	int st;
	char *out;

	write_interop(path, 3);
	snprintf(cmd, sizeof(cmd), "TZ=UTC tcpdump -nr %s 2>/dev/null", path);
	out = run(cmd, &st);
	cr_assert_eq(st, 0, "tcpdump exit status %d", st);
	cr_assert_str_eq(out,
		"22:13:20.123456 IP 127.0.0.1 > 127.0.0.1: ICMP echo request, id 16962, seq 1, length 64\n"
		"22:13:20.123456 IP 127.0.0.1 > 127.0.0.1: ICMP echo request, id 16962, seq 2, length 64\n"
		"22:13:20.123456 IP 127.0.0.1 > 127.0.0.1: ICMP echo request, id 16962, seq 3, length 64\n");
	free(out);
}

Test(pcapng, interop_tshark_fields)
{
	const char *path = tmp_path("t.pcapng");
	char cmd[1024];
	int st;
	char *out;

	write_interop(path, 3);
	snprintf(cmd, sizeof(cmd),
		 "tshark -r %s -T fields -e frame.comment -e frame.packet_id -e frame.drop_count "
		 "-e frame.packet_flags_direction -e nflog.prefix -e frame.time_epoch "
		 "-e icmp.seq 2>/dev/null", path);
	out = run(cmd, &st);
	cr_assert_eq(st, 0, "tshark exit status %d", st);
	cr_assert_str_eq(out,
		"trace comment 0\t4242\t0\t0x00000002\t" PREFIX "\t1700000000.123456789\t1\n"
		"trace comment 1\t4243\t3\t0x00000002\t" PREFIX "\t1700000000.123456790\t2\n"
		"trace comment 2\t4244\t6\t0x00000002\t" PREFIX "\t1700000000.123456791\t3\n");
	free(out);

	/* And the section and interface as capinfos sees them. */
	snprintf(cmd, sizeof(cmd), "capinfos -M %s 2>/dev/null", path);
	out = run(cmd, &st);
	cr_assert_eq(st, 0);
	cr_assert(strstr(out, "Capture application: test_pcapng"), "%s", out);
	cr_assert(strstr(out, "Name = nflog:0"), "%s", out);
	cr_assert(strstr(out, "Time precision = nanoseconds (9)"), "%s", out);
	cr_assert(strstr(out, "Number of packets:   3"), "%s", out);
	free(out);
}

Test(pcapng, interop_tshark_big_endian_and_gzip)
{
	const char *be = tmp_path("be.pcapng"), *gz = tmp_path("g.pcapng.gz");
	struct bb b = { 0 };
	uint8_t rec[256];
	size_t reclen;
	char cmd[1024];
	int st;
	char *out;

	build_be_section(&b, rec, &reclen);
	write_bytes(be, b.p, b.len);
	snprintf(cmd, sizeof(cmd),
		 "tshark -r %s -T fields -e frame.comment -e frame.packet_id -e nflog.prefix "
		 "-e icmp.seq 2>/dev/null", be);
	out = run(cmd, &st);
	cr_assert_eq(st, 0);
	cr_assert_str_eq(out, "be comment\t72623859790382856\t" PREFIX "\t7\n");
	free(out);

	write_simple(gz, true, 4);
	snprintf(cmd, sizeof(cmd), "tshark -r %s -T fields -e frame.packet_id 2>/dev/null", gz);
	out = run(cmd, &st);
	cr_assert_eq(st, 0);
	cr_assert_str_eq(out, "1000\n1001\n1002\n1003\n");
	free(out);
	free(b.p);
}

Test(pcapng, interop_libpcap_reads_every_packet)
{
	const char *path = tmp_path("l.pcapng");
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint8_t rec[256];
	unsigned n = 0;
	pcap_t *pc;
	int rc;

	write_simple(path, false, 1000);
	pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	cr_assert_not_null(pc, "%s", errbuf);
	cr_assert_eq(pcap_datalink(pc), 239);
	cr_assert_eq(pcap_snapshot(pc), 262144);
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		size_t len = build_nflog(rec, (uint16_t)(n + 1));
		uint64_t ts = TS0 + n * 1000000ULL;

		cr_assert_eq(h->caplen, len);
		cr_assert_eq(memcmp(data, rec, len), 0, "packet %u", n);
		cr_assert_eq((uint64_t)h->ts.tv_sec, ts / 1000000000);
		cr_assert_eq((uint64_t)h->ts.tv_usec, ts % 1000000000, "tv_usec holds ns here");
		n++;
	}
	cr_assert_eq(rc, PCAP_ERROR_BREAK, "pcap_next_ex: %d %s", rc, pcap_geterr(pc));
	cr_assert_eq(n, 1000);
	pcap_close(pc);
}

/* Our hand-built big-endian section is what libpcap expects: it reads it,
 * reports it swapped and swaps the NFLOG TLV headers (formats.md 3). */
Test(pcapng, interop_libpcap_big_endian)
{
	const char *path = tmp_path("be.pcapng");
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct bb b = { .be = true };
	uint8_t rec[256], host[256];
	size_t n = build_nflog_order(rec, 1, true);
	struct capfile_record r;
	struct capfile *cf;
	pcap_t *pc;

	build_nflog_order(host, 1, HOST_BE);
	bb_shb(&b, "be");
	bb_idb(&b, 239, 262144, 9);
	bb_epb(&b, 0, TS0, rec, (uint32_t)n);
	write_bytes(path, b.p, b.len);

	pc = pcap_open_offline(path, errbuf);
	cr_assert_not_null(pc, "%s", errbuf);
	cr_assert_eq(pcap_is_swapped(pc), !HOST_BE);
	cr_assert_eq(pcap_next_ex(pc, &h, &data), 1);
	cr_assert_eq(h->caplen, n);
	cr_assert_arr_eq(data, host, n, "libpcap swapped the TLV headers to host order");
	cr_assert_eq((uint64_t)h->ts.tv_sec, TS0 / 1000000000);
	cr_assert_eq(pcap_next_ex(pc, &h, &data), PCAP_ERROR_BREAK);
	pcap_close(pc);

	/* We leave the swapping to the caller and say so. */
	cf = open_ok(path);
	cr_assert_eq(capfile_next(cf, &r), 1);
	cr_assert_eq(r.swapped, !HOST_BE);
	cr_assert_arr_eq(r.data, rec, n);
	cr_assert_eq(r.ts_ns, TS0);
	capfile_close(cf);
	free(b.p);
}

Test(pcapng, interop_tcpdump_reads_cut_file_to_last_whole_block)
{
	const char *full = tmp_path("w.pcapng"), *cut = tmp_path("wc.pcapng");
	size_t n, ends[16], nb;
	uint8_t *p;
	char cmd[512];
	int st;
	char *out;

	write_interop(full, 5);
	p = read_bytes(full, &n);
	nb = block_ends(p, n, ends, 16);
	cr_assert_eq(nb, 7);

	/* Cut after 3 whole EPBs: a clean file of 3 packets. */
	write_bytes(cut, p, ends[4]);
	snprintf(cmd, sizeof(cmd), "TZ=UTC tcpdump -nr %s 2>&1; echo rc=$?", cut);
	out = run(cmd, &st);
	cr_assert(strstr(out, "seq 3, length 64\n"), "%s", out);
	cr_assert_null(strstr(out, "seq 4,"), "%s", out);
	cr_assert(strstr(out, "rc=0\n"), "%s", out);
	cr_assert_eq(count_lines(out), 5, "%s", out);	/* reading from, 3 packets, rc */
	free(out);

	/* Cut inside the 4th: the 3 whole ones, then tcpdump's truncation error. */
	write_bytes(cut, p, ends[4] + 50);
	out = run(cmd, &st);
	cr_assert(strstr(out, "seq 3, length 64\n"), "%s", out);
	cr_assert_null(strstr(out, "seq 4,"), "%s", out);
	cr_assert(strstr(out, "truncated"), "%s", out);
	free(out);
	free(p);
}
