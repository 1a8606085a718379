/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * capfile_int.h - what capfile.c shares with the format readers
 * (pcapng_reader.c, pcap_reader.c).  Not part of the public API.
 */
#ifndef NFTRACE_CAPFILE_INT_H
#define NFTRACE_CAPFILE_INT_H

#include <byteswap.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "capfile.h"
#include "input.h"

/* Caps on lengths taken from the file (formats.md 1.3, libpcap's values). */
#define CF_MAX_BLOCK ((uint32_t)16 * 1024 * 1024)
#define CF_MAX_SHB ((uint32_t)1024 * 1024)
#define CF_DEFAULT_SNAPLEN 262144u
#define CF_MAX_IFACES 65536u

/* How an interface's timestamp units become ns (if_tsresol, if_tsoffset). */
enum cf_ts_kind {
	CF_TS_MUL,		/* ns = ts * mul   (10^-n, n <= 9) */
	CF_TS_DIV,		/* ns = ts / div   (10^-n, n > 9) */
	CF_TS_POW2,		/* ns = ts * 1e9 / 2^shift */
};

struct cf_iface {
	uint32_t linktype;
	uint32_t snaplen;	/* as the IDB says; 0 = no limit */
	uint32_t maxcap;	/* largest caplen accepted on it */
	enum cf_ts_kind ts_kind;
	uint32_t shift;
	uint64_t factor;	/* mul or div */
	uint64_t offset_ns;	/* if_tsoffset in ns (two's complement) */
	bool have_isb;		/* its last ISB's counters: */
	uint64_t ifrecv, ifdrop, usrdeliv;
};

struct capfile {
	struct input *in;
	int (*next)(struct capfile *cf, struct capfile_record *rec);
	int state;		/* 0 reading, 1 clean end, -1 failed */
	bool truncated;
	char err[256];
	uint64_t err_off;
	bool err_placed;	/* err names its offsets itself (gzip) */

	struct capfile_section sec;
	uint32_t nsections;
	bool swap;		/* current section/file is the other byte order */

	/* pcapng: ISB counters of the sections before the current one. */
	struct capfile_stats stats_done;
	/* pcapng: interfaces of the current section. */
	struct cf_iface *ifs;
	uint32_t nifs, ifs_cap;
	/* pcapng: copy of the current SHB, which sec's strrefs point into. */
	uint8_t *shb;
	size_t shb_cap;
	struct strref *shb_comments;
	size_t shb_comments_cap;

	/* classic pcap */
	uint32_t pcap_linktype;
	uint32_t pcap_maxcap;
	uint32_t pcap_frac_ns;	/* ns per unit of the sub-second field */
};

static inline uint16_t cf_rd16(const uint8_t *p, bool swap)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return swap ? bswap_16(v) : v;
}

static inline uint32_t cf_rd32(const uint8_t *p, bool swap)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return swap ? bswap_32(v) : v;
}

static inline uint64_t cf_rd64(const uint8_t *p, bool swap)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return swap ? bswap_64(v) : v;
}

/* Record an error at stream offset off; returns -1 for capfile_next(). */
int cf_fail(struct capfile *cf, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Input ended inside the item at off: got of the want bytes were there. */
int cf_truncated(struct capfile *cf, uint64_t off, const char *what,
		 uint64_t want, uint64_t got);

/* A negative input_peek()/input_skip() result as a capfile error. */
int cf_input_fail(struct capfile *cf, int err);

/* Called by capfile_open() once the magic is known; they read the file
 * header (the first SHB) and set cf->next.  0, or -1 with the error set. */
int pcapng_reader_start(struct capfile *cf);
int pcap_reader_start(struct capfile *cf);

#endif
