/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * capfile.h - read capture files: pcapng (both byte orders, several
 * sections, unknown blocks and options skipped) and classic pcap (as
 * `tcpdump -i nflog:0 -w` writes), plain or gzip-compressed (detected by
 * magic), from a path or "-" for standard input.  Streaming: memory does
 * not grow with the file.
 *
 * Records point into the reader's buffer and stay valid until the next
 * capfile_next() call.
 */
#ifndef NFTRACE_CAPFILE_H
#define NFTRACE_CAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace_event.h"

#define CAPFILE_MAX_COMMENTS 8

enum {
	CAPFILE_HAVE_PACKET_ID = 1u << 0,
	CAPFILE_HAVE_FLAGS = 1u << 1,
	CAPFILE_HAVE_DROPCOUNT = 1u << 2,
};

struct capfile_record {
	uint64_t ts_ns;		/* ns since the epoch (if_tsresol/if_tsoffset applied) */
	const uint8_t *data;
	uint32_t caplen, len;
	uint32_t linktype;	/* of the record's interface */
	bool swapped;		/* section byte order differs from the host's */
	uint32_t section;	/* 0 for the first SHB, counts up */
	uint32_t have;		/* CAPFILE_HAVE_* */
	uint64_t packet_id, dropcount;
	uint32_t flags;
	unsigned ncomments;	/* opt_comments, at most CAPFILE_MAX_COMMENTS kept */
	struct strref comments[CAPFILE_MAX_COMMENTS];
};

/* What the current section (SHB) said, valid until the next section starts. */
struct capfile_section {
	uint32_t index;
	bool pcapng;		/* false for classic pcap */
	struct strref userappl, os, hardware;
	unsigned ncomments;	/* all SHB opt_comments, in order */
	const struct strref *comments;
	/* Last ISB seen in the section (interface 0), if any. */
	bool have_stats;
	uint64_t isb_ifrecv, isb_ifdrop, isb_usrdeliv, isb_start_ns, isb_end_ns;
};

/* The capture statistics of the whole file: for each section and each of
 * its interfaces the counters of the last ISB, summed (ISB counters are
 * per interface and count from the start of its capture, so a later ISB
 * of the same interface replaces an earlier one; `cat a.pcapng b.pcapng`
 * adds up).  have is false when no section had an ISB. */
struct capfile_stats {
	bool have;
	uint64_t ifrecv, ifdrop, usrdeliv;
};

struct capfile;

/* Open path ("-" = stdin).  Returns 0 and *cfp, or -errno; on a format
 * error returns -EINVAL with *cfp set so capfile_error() can say why
 * (close it after). */
int capfile_open(struct capfile **cfp, const char *path);

/* 1 = a record in *rec, 0 = clean end of input, -1 = error (capfile_error). */
int capfile_next(struct capfile *cf, struct capfile_record *rec);

/* The current section; valid after capfile_open() succeeded. */
const struct capfile_section *capfile_section(const struct capfile *cf);

/* The statistics of the sections read so far (complete at the end). */
void capfile_stats(const struct capfile *cf, struct capfile_stats *st);

/* Why the last call failed, e.g. "block total length 13 is not a multiple
 * of 4", and the file offset (of the uncompressed stream) where. */
const char *capfile_error(const struct capfile *cf);
uint64_t capfile_error_offset(const struct capfile *cf);

/* The error as one message for people: capfile_error() and " at offset
 * N", or for a gzip error (which names its compressed and uncompressed
 * offsets) capfile_error() alone. */
void capfile_error_message(const struct capfile *cf, char *buf, size_t len);

/* True when input ended inside a block, or a gzip stream inside a member
 * (a writer killed mid-block); the records before were all returned, and
 * capfile_next() returned -1. */
bool capfile_truncated(const struct capfile *cf);

/* How far reading has come, for a progress display: bytes of the file
 * read so far and its size.  *total is 0 when the size is unknown (a pipe). */
void capfile_progress(const struct capfile *cf, uint64_t *done, uint64_t *total);

void capfile_close(struct capfile *cf); /* NULL-safe */

#endif
