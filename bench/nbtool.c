/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nbtool - the benchmark's file helper, linked with libnftrace.a so that
 * it reads and writes exactly what nftrace does.
 *
 *   nbtool gen SEED OUT N
 *       Write OUT, a pcapng of N NFLOG records, with nftrace's own writer:
 *       the SHB comments of SEED (command line, ruleset snapshot, interface
 *       names), then SEED's records over and over.  Copy k of a record gets
 *       k added to the IPv4 identification (header checksum fixed), so each
 *       copy of a packet is a new packet with its own packet ID (recomputed,
 *       epb_packetid), its timestamp moved on by k times SEED's span, and
 *       its comments (the TRACE prefix and rule text) kept.
 *
 *   nbtool stats FILE
 *       One line: records R dropsum D gapmarks G isb_ifrecv A isb_ifdrop B
 *       isb_usrdeliv C (ISB fields -1 when the file has no ISB): D is the sum
 *       of epb_dropcount, G how many records carry a nonzero one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capfile.h"
#include "packet_id.h"
#include "pcapng_writer.h"

struct rec {
	uint64_t ts_ns;
	uint8_t *data;
	uint32_t caplen, len, flags;
	int32_t payload_off;	/* of the IPv4 header in data, -1 = none */
	uint8_t family;
	char *comment;
	size_t comment_len;
};

static void *xmalloc(size_t n)
{
	void *p = malloc(n);

	if (!p) {
		fprintf(stderr, "nbtool: out of memory\n");
		exit(1);
	}
	return p;
}

/* NFLOG: nfgenmsg (4 bytes), then TLVs in host byte order; PAYLOAD = 9. */
static int32_t find_payload(const uint8_t *d, uint32_t len)
{
	uint32_t off = 4;

	while (off + 4 <= len) {
		uint16_t l, t;

		memcpy(&l, d + off, 2);
		memcpy(&t, d + off + 2, 2);
		if (l < 4 || off + l > len)
			return -1;
		if ((t & 0x7fff) == 9)
			return (int32_t)(off + 4);
		off += (l + 3u) & ~3u;
	}
	return -1;
}

static void ip_checksum(uint8_t *ip)
{
	unsigned ihl = (ip[0] & 15u) * 4, sum = 0;

	ip[10] = ip[11] = 0;
	for (unsigned i = 0; i + 1 < ihl; i += 2)
		sum += (unsigned)ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	ip[10] = (uint8_t)(sum >> 8);
	ip[11] = (uint8_t)sum;
}

static int gen(const char *seed, const char *out, unsigned long long n)
{
	struct capfile *cf = NULL;
	struct capfile_record r;
	const struct capfile_section *sec;
	struct rec *v = NULL;
	size_t nv = 0, cap = 0;
	int rc;

	if (capfile_open(&cf, seed) < 0) {
		fprintf(stderr, "nbtool: %s: %s\n", seed, cf ? capfile_error(cf) : strerror(errno));
		return 1;
	}
	sec = capfile_section(cf);
	/* Keep the section's comments: they go into OUT's SHB. */
	size_t nc = sec->ncomments;
	char **comments = xmalloc((nc + 1) * sizeof(*comments));
	for (size_t i = 0; i < nc; i++) {
		comments[i] = xmalloc(sec->comments[i].len + 1);
		memcpy(comments[i], sec->comments[i].p, sec->comments[i].len);
		comments[i][sec->comments[i].len] = '\0';
	}
	while ((rc = capfile_next(cf, &r)) == 1) {
		struct rec *e;

		if (r.linktype != PCAPNG_LINKTYPE_NFLOG || r.swapped)
			continue;
		if (nv == cap) {
			cap = cap ? cap * 2 : 4096;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				return 1;
		}
		e = &v[nv++];
		e->ts_ns = r.ts_ns;
		e->caplen = r.caplen;
		e->len = r.len;
		e->flags = r.flags;
		e->data = xmalloc(r.caplen);
		memcpy(e->data, r.data, r.caplen);
		e->family = r.caplen ? r.data[0] : 0;
		e->payload_off = find_payload(e->data, e->caplen);
		e->comment = NULL;
		e->comment_len = 0;
		if (r.ncomments) {
			e->comment_len = r.comments[0].len;
			e->comment = xmalloc(e->comment_len + 1);
			memcpy(e->comment, r.comments[0].p, e->comment_len);
		}
	}
	if (rc < 0) {
		fprintf(stderr, "nbtool: %s: %s\n", seed, capfile_error(cf));
		return 1;
	}
	capfile_close(cf);
	if (!nv) {
		fprintf(stderr, "nbtool: %s: no NFLOG records\n", seed);
		return 1;
	}

	struct pcapng_section_info info = {
		.userappl = "nftrace bench generator (nbtool gen)",
		.os = "Linux",
		.hardware = "",
		.comments = (const char *const *)comments,
		.ncomments = nc,
		.if_name = "nflog:0",
	};
	struct pcapng_writer *w;
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || pcapng_writer_open(&w, fd, false, &info) < 0) {
		fprintf(stderr, "nbtool: %s: cannot write\n", out);
		return 1;
	}
	uint64_t span = v[nv - 1].ts_ns - v[0].ts_ns + 1000000;
	uint8_t *buf = xmalloc(65536 + 64);
	for (unsigned long long i = 0; i < n; i++) {
		const struct rec *e = &v[i % nv];
		unsigned long long k = i / nv;
		struct pcapng_packet p = { 0 };
		uint8_t *d = e->data;

		p.packet_id = 0;
		if (e->payload_off >= 0 && e->family == 2 &&
		    (uint32_t)e->payload_off + 20 <= e->caplen) {
			memcpy(buf, e->data, e->caplen);
			d = buf;
			uint8_t *ip = d + e->payload_off;
			unsigned id = ((unsigned)ip[4] << 8 | ip[5]) + (unsigned)k;

			ip[4] = (uint8_t)(id >> 8);
			ip[5] = (uint8_t)id;
			ip_checksum(ip);
			p.packet_id = packet_id(2, ip, e->caplen - (uint32_t)e->payload_off);
		} else if (e->payload_off >= 0) {
			p.packet_id = packet_id(e->family, d + e->payload_off,
						e->caplen - (uint32_t)e->payload_off);
		}
		p.ts_ns = e->ts_ns + k * span;
		p.data = d;
		p.caplen = e->caplen;
		p.len = e->len;
		p.comment = e->comment;
		p.comment_len = e->comment_len;
		p.has_packet_id = p.packet_id != 0;
		p.flags = e->flags;
		p.has_dropcount = true;
		if (pcapng_writer_packet(w, &p) < 0) {
			fprintf(stderr, "nbtool: %s: write error\n", out);
			return 1;
		}
	}
	struct pcapng_stats st = { .ts_ns = v[0].ts_ns + (n / nv + 1) * span,
				   .start_ns = v[0].ts_ns, .end_ns = v[0].ts_ns + (n / nv + 1) * span,
				   .ifrecv = n, .ifdrop = 0, .usrdeliv = n };
	if (pcapng_writer_stats(w, &st) < 0 || pcapng_writer_close(w) < 0) {
		fprintf(stderr, "nbtool: %s: write error\n", out);
		return 1;
	}
	printf("wrote %llu records (%zu seed records, %zu SHB comments)\n", n, nv, nc);
	return 0;
}

static int stats(const char *path)
{
	struct capfile *cf = NULL;
	struct capfile_record r;
	unsigned long long recs = 0, dsum = 0, marks = 0;
	int rc;

	if (capfile_open(&cf, path) < 0) {
		fprintf(stderr, "nbtool: %s: %s\n", path, cf ? capfile_error(cf) : strerror(errno));
		return 1;
	}
	while ((rc = capfile_next(cf, &r)) == 1) {
		recs++;
		if (r.have & CAPFILE_HAVE_DROPCOUNT) {
			dsum += r.dropcount;
			marks += r.dropcount != 0;
		}
	}
	const struct capfile_section *sec = capfile_section(cf);
	if (sec->have_stats)
		printf("records %llu dropsum %llu gapmarks %llu isb_ifrecv %llu isb_ifdrop %llu "
		       "isb_usrdeliv %llu\n", recs, dsum, marks,
		       (unsigned long long)sec->isb_ifrecv, (unsigned long long)sec->isb_ifdrop,
		       (unsigned long long)sec->isb_usrdeliv);
	else
		printf("records %llu dropsum %llu gapmarks %llu isb_ifrecv -1 isb_ifdrop -1 "
		       "isb_usrdeliv -1\n", recs, dsum, marks);
	if (rc < 0)
		fprintf(stderr, "nbtool: %s: %s\n", path, capfile_error(cf));
	capfile_close(cf);
	return rc < 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "gen"))
		return gen(argv[2], argv[3], strtoull(argv[4], NULL, 10));
	if (argc == 3 && !strcmp(argv[1], "stats"))
		return stats(argv[2]);
	fprintf(stderr, "usage: nbtool gen SEED OUT N | nbtool stats FILE\n");
	return 2;
}
