/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcapng_writer.h - write a pcapng file of trace events: one SHB, one IDB
 * with LINKTYPE_NFLOG (239) and if_tsresol 9, one EPB per event, an ISB at
 * close.  Little/host byte order, version 1.0, section length -1.
 *
 * Crash safety: the SHB and IDB are written and flushed by
 * pcapng_writer_open(); later blocks are buffered and written in whole
 * blocks only (pcapng_writer_flush()), so a writer killed at any moment
 * leaves a file readable up to the last whole block.  With gzip, flush
 * does a Z_SYNC_FLUSH so the stream is decodable up to that point.
 */
#ifndef NFTRACE_PCAPNG_WRITER_H
#define NFTRACE_PCAPNG_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCAPNG_LINKTYPE_NFLOG 239

struct pcapng_writer;

struct pcapng_section_info {
	const char *userappl;	/* shb_userappl, e.g. "nftrace-capture 0.1" */
	const char *os;		/* shb_os */
	const char *hardware;	/* shb_hardware */
	const char *const *comments; /* opt_comment each (UTF-8), may be NULL */
	size_t ncomments;
	const char *if_name;	/* if_name, e.g. "nflog:0" */
	const char *if_description;
};

struct pcapng_packet {
	uint64_t ts_ns;
	const uint8_t *data;
	uint32_t caplen;
	uint32_t len;
	const char *comment;	/* opt_comment, or NULL */
	size_t comment_len;
	uint64_t packet_id;	/* epb_packetid, written if has_packet_id */
	bool has_packet_id;
	uint32_t flags;		/* epb_flags, written if nonzero */
	uint64_t dropcount;	/* epb_dropcount, written if has_dropcount */
	bool has_dropcount;
};

struct pcapng_stats {
	uint64_t ts_ns;		/* ISB timestamp */
	uint64_t start_ns, end_ns;
	uint64_t ifrecv, ifdrop, usrdeliv;
	const char *comment;	/* opt_comment, or NULL */
};

/*
 * Start a file on fd (which the writer then owns and closes).  gzip: write a
 * gzip stream through zlib.  Writes SHB and IDB and flushes them.  Returns 0
 * and *wp, or -errno (the fd is closed on failure too).
 */
int pcapng_writer_open(struct pcapng_writer **wp, int fd, bool gzip,
		       const struct pcapng_section_info *info);

/* Append one EPB to the buffer; flushes by itself when the buffer fills.
 * Returns 0 or -errno (-EMSGSIZE for a packet or comment too large). */
int pcapng_writer_packet(struct pcapng_writer *w, const struct pcapng_packet *p);

/* Write buffered whole blocks with one write(); 0 or -errno. */
int pcapng_writer_flush(struct pcapng_writer *w);

/* Append an ISB (interface 0) and flush. */
int pcapng_writer_stats(struct pcapng_writer *w, const struct pcapng_stats *s);

/* Flush, finish the gzip stream, close the fd, free.  NULL-safe.  Returns
 * 0 or the first -errno met. */
int pcapng_writer_close(struct pcapng_writer *w);

#endif
