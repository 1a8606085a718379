/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcapng_writer.c - SHB, one NFLOG IDB, EPBs and an ISB, in host byte order
 * (formats.md section 1; pcapng draft block sections).
 *
 * Blocks are built straight into one preallocated buffer, so a packet costs
 * a few stores and a memcpy, never a malloc.  The buffer goes out with one
 * write() of whole blocks once it holds WRITER_FLUSH_AT bytes, or on
 * pcapng_writer_flush(): a killed writer leaves only whole blocks behind
 * (unless the kernel itself cuts a write short).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "pcapng.h"
#include "pcapng_writer.h"

/* The largest NFLOG record libpcap and Wireshark accept (formats.md 1.3). */
#define WRITER_SNAPLEN 262144u
#define WRITER_MAX_OPT 65535u
/* libpcap refuses a bigger SHB (BT_SHB_INSANE_MAX). */
#define WRITER_MAX_SHB ((size_t)1024 * 1024)

/* Largest EPB: header, data, comment, flags, packet id, dropcount,
 * endofopt, trailer. */
#define EPB_MAX (28 + WRITER_SNAPLEN + (4 + 65536) + 8 + 12 + 12 + 4 + 4)
#define WRITER_FLUSH_AT ((size_t)256 * 1024)
#define WRITER_BUF (WRITER_FLUSH_AT + EPB_MAX)

struct pcapng_writer {
	int fd;
	int err;		/* first failure; sticky */
	off_t base;		/* fd's offset at open; -1: not a file */
	uint64_t whole;		/* bytes written since, all whole blocks */
	bool gzip;
	z_stream zs;
	uint8_t *zbuf;
	size_t zcap;
	uint8_t *buf;
	size_t len;
};

static inline size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static inline void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static inline void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static inline void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* Timestamps are two u32 words, high first (formats.md 1.1). */
static inline void put_ts(uint8_t *p, uint64_t ts)
{
	put32(p, (uint32_t)(ts >> 32));
	put32(p + 4, (uint32_t)ts);
}

/* One option: code, unpadded length, value, zero padding.  Returns the
 * position after it. */
static uint8_t *put_opt(uint8_t *p, uint16_t code, const void *val, size_t len)
{
	size_t padded = pad4(len);

	put16(p, code);
	put16(p + 2, (uint16_t)len);
	if (len)
		memcpy(p + 4, val, len);
	memset(p + 4 + len, 0, padded - len);
	return p + 4 + padded;
}

static size_t opt_size(size_t len)
{
	return 4 + pad4(len);
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t r = write(fd, p, n);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -EIO;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Whole blocks (or a gzip stream up to a flush point) to the file.  A
 * write cut short (a full disk, a file size limit) would leave half a
 * block that readers take for a corrupt file: cut the file back to the
 * end of the last whole one. */
static int write_out(struct pcapng_writer *w, const uint8_t *p, size_t n)
{
	int err = write_all(w->fd, p, n);

	if (!err)
		w->whole += n;
	else if (w->base >= 0)
		(void)!ftruncate(w->fd, w->base + (off_t)w->whole);
	return err;
}

/* Compress everything in src; mode Z_SYNC_FLUSH leaves the stream
 * decodable up to here, Z_FINISH ends it. */
static int deflate_out(struct pcapng_writer *w, const uint8_t *src, size_t n, int mode)
{
	w->zs.next_in = (Bytef *)(uintptr_t)src;
	w->zs.avail_in = (uInt)n;
	for (;;) {
		int ret, err;
		size_t out;

		w->zs.next_out = w->zbuf;
		w->zs.avail_out = (uInt)w->zcap;
		ret = deflate(&w->zs, mode);
		if (ret == Z_STREAM_ERROR)
			return -EINVAL;
		out = w->zcap - w->zs.avail_out;
		err = write_out(w, w->zbuf, out);
		if (err)
			return err;
		if (mode == Z_FINISH ? ret == Z_STREAM_END
				     : w->zs.avail_in == 0 && w->zs.avail_out != 0)
			return 0;
	}
}

int pcapng_writer_flush(struct pcapng_writer *w)
{
	int err;

	if (w->err)
		return w->err;
	if (w->len == 0)
		return 0;
	if (w->gzip)
		err = deflate_out(w, w->buf, w->len, Z_SYNC_FLUSH);
	else
		err = write_out(w, w->buf, w->len);
	w->len = 0;
	if (err)
		w->err = err;
	return err;
}

/* Make room for need bytes; need never exceeds WRITER_BUF - WRITER_FLUSH_AT
 * for an EPB or ISB, so after a flush it always fits. */
static int reserve(struct pcapng_writer *w, size_t need)
{
	if (w->len + need > WRITER_FLUSH_AT && w->len > 0)
		return pcapng_writer_flush(w);
	return 0;
}

static size_t str_opt_size(const char *s, int *err)
{
	size_t n;

	if (!s)
		return 0;
	n = strlen(s);
	if (n > WRITER_MAX_OPT)
		*err = -EMSGSIZE;
	return opt_size(n);
}

static uint8_t *put_str_opt(uint8_t *p, uint16_t code, const char *s)
{
	return s ? put_opt(p, code, s, strlen(s)) : p;
}

/* SHB and IDB go into one buffer and out in one write, so a file never
 * has a section without its interface. */
static int write_header(struct pcapng_writer *w, const struct pcapng_section_info *info)
{
	static const struct pcapng_section_info none;
	size_t shb_len, idb_len, opts = 0, i;
	uint8_t *b, *p;
	int err = 0;

	if (!info)
		info = &none;
	opts += str_opt_size(info->hardware, &err);
	opts += str_opt_size(info->os, &err);
	opts += str_opt_size(info->userappl, &err);
	/* Stopping at the cap also keeps the sum from overflowing. */
	for (i = 0; i < info->ncomments && info->comments && opts <= WRITER_MAX_SHB; i++)
		opts += str_opt_size(info->comments[i], &err);
	if (err || opts > WRITER_MAX_SHB)
		return -EMSGSIZE;
	if (opts)
		opts += 4;
	shb_len = 24 + opts + 4;
	if (shb_len > WRITER_MAX_SHB)
		return -EMSGSIZE;

	opts = str_opt_size(info->if_name, &err) + str_opt_size(info->if_description, &err) +
	       opt_size(1) + 4;
	if (err)
		return err;
	idb_len = 16 + opts + 4;

	/* The header may exceed the packet buffer (1 MiB of comments). */
	b = shb_len + idb_len <= WRITER_BUF ? w->buf : malloc(shb_len + idb_len);
	if (!b)
		return -ENOMEM;

	p = b;
	put32(p, BT_SHB);
	put32(p + 4, (uint32_t)shb_len);
	put32(p + 8, BYTE_ORDER_MAGIC);
	put16(p + 12, 1);
	put16(p + 14, 0);
	put64(p + 16, UINT64_MAX);	/* section length -1: unknown */
	p += 24;
	p = put_str_opt(p, OPT_SHB_HARDWARE, info->hardware);
	p = put_str_opt(p, OPT_SHB_OS, info->os);
	p = put_str_opt(p, OPT_SHB_USERAPPL, info->userappl);
	for (i = 0; i < info->ncomments && info->comments; i++)
		p = put_str_opt(p, OPT_COMMENT, info->comments[i]);
	if (p != b + 24)
		p = put_opt(p, OPT_ENDOFOPT, NULL, 0);
	put32(p, (uint32_t)shb_len);
	p += 4;

	put32(p, BT_IDB);
	put32(p + 4, (uint32_t)idb_len);
	put16(p + 8, PCAPNG_LINKTYPE_NFLOG);
	put16(p + 10, 0);
	put32(p + 12, WRITER_SNAPLEN);
	p += 16;
	p = put_str_opt(p, OPT_IF_NAME, info->if_name);
	p = put_str_opt(p, OPT_IF_DESCRIPTION, info->if_description);
	p = put_opt(p, OPT_IF_TSRESOL, &(uint8_t){ 9 }, 1);	/* ns */
	p = put_opt(p, OPT_ENDOFOPT, NULL, 0);
	put32(p, (uint32_t)idb_len);

	if (b == w->buf) {
		w->len = shb_len + idb_len;
		return pcapng_writer_flush(w);
	}
	if (w->gzip)
		err = deflate_out(w, b, shb_len + idb_len, Z_SYNC_FLUSH);
	else
		err = write_out(w, b, shb_len + idb_len);
	free(b);
	return err;
}

int pcapng_writer_open(struct pcapng_writer **wp, int fd, bool gzip,
		       const struct pcapng_section_info *info)
{
	struct pcapng_writer *w;
	int err;

	*wp = NULL;
	w = calloc(1, sizeof(*w));
	if (!w) {
		close(fd);
		return -ENOMEM;
	}
	w->fd = fd;
	w->base = lseek(fd, 0, SEEK_CUR);
	w->buf = malloc(WRITER_BUF);
	if (!w->buf) {
		err = -ENOMEM;
		goto fail;
	}
	if (gzip) {
		/* Level 1: the writer must keep up with the kernel; records are
		 * repetitive enough that fast settings still shrink them well.
		 * 15 + 16: gzip header and trailer rather than zlib's. */
		if (deflateInit2(&w->zs, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK) {
			err = -ENOMEM;
			goto fail;
		}
		w->gzip = true;
		/* Room for a whole flushed buffer, so one write() per flush. */
		w->zcap = deflateBound(&w->zs, WRITER_BUF) + 64;
		w->zbuf = malloc(w->zcap);
		if (!w->zbuf) {
			err = -ENOMEM;
			goto fail;
		}
	}
	err = write_header(w, info);
	if (err)
		goto fail;
	*wp = w;
	return 0;

fail:
	w->err = err;
	pcapng_writer_close(w);
	return err;
}

int pcapng_writer_packet(struct pcapng_writer *w, const struct pcapng_packet *pk)
{
	size_t data_pad, opts = 0, blen;
	uint32_t len;
	uint8_t *b, *p;
	int err;

	if (w->err)
		return w->err;
	if (pk->caplen > WRITER_SNAPLEN)
		return -EMSGSIZE;
	if (pk->comment && pk->comment_len > WRITER_MAX_OPT)
		return -EMSGSIZE;

	data_pad = pad4(pk->caplen);
	if (pk->comment)
		opts += opt_size(pk->comment_len);
	if (pk->flags)
		opts += opt_size(4);
	if (pk->has_packet_id)
		opts += opt_size(8);
	if (pk->has_dropcount)
		opts += opt_size(8);
	if (opts)
		opts += 4;
	blen = 28 + data_pad + opts + 4;

	err = reserve(w, blen);
	if (err)
		return err;

	/* An original length below the captured one is invalid pcapng. */
	len = pk->len < pk->caplen ? pk->caplen : pk->len;
	b = w->buf + w->len;
	put32(b, BT_EPB);
	put32(b + 4, (uint32_t)blen);
	put32(b + 8, 0);
	put_ts(b + 12, pk->ts_ns);
	put32(b + 20, pk->caplen);
	put32(b + 24, len);
	if (pk->caplen)
		memcpy(b + 28, pk->data, pk->caplen);
	memset(b + 28 + pk->caplen, 0, data_pad - pk->caplen);
	p = b + 28 + data_pad;
	if (opts) {
		if (pk->comment)
			p = put_opt(p, OPT_COMMENT, pk->comment, pk->comment_len);
		if (pk->flags)
			p = put_opt(p, OPT_EPB_FLAGS, &pk->flags, 4);
		if (pk->has_packet_id)
			p = put_opt(p, OPT_EPB_PACKETID, &pk->packet_id, 8);
		if (pk->has_dropcount)
			p = put_opt(p, OPT_EPB_DROPCOUNT, &pk->dropcount, 8);
		p = put_opt(p, OPT_ENDOFOPT, NULL, 0);
	}
	put32(p, (uint32_t)blen);
	w->len += blen;
	return 0;
}

int pcapng_writer_stats(struct pcapng_writer *w, const struct pcapng_stats *s)
{
	size_t blen = 20 + 3 * opt_size(8) + 4 + 4;
	uint8_t *b, *p, ts[8];
	int err = 0;

	if (w->err)
		return w->err;
	blen += str_opt_size(s->comment, &err);
	if (err)
		return err;
	/* 0 means "not known": leave the option out rather than claim 1970. */
	if (s->start_ns)
		blen += opt_size(8);
	if (s->end_ns)
		blen += opt_size(8);
	err = reserve(w, blen);
	if (err)
		return err;

	b = w->buf + w->len;
	put32(b, BT_ISB);
	put32(b + 4, (uint32_t)blen);
	put32(b + 8, 0);
	put_ts(b + 12, s->ts_ns);
	p = b + 20;
	if (s->comment)
		p = put_str_opt(p, OPT_COMMENT, s->comment);
	if (s->start_ns) {
		put_ts(ts, s->start_ns);
		p = put_opt(p, OPT_ISB_STARTTIME, ts, 8);
	}
	if (s->end_ns) {
		put_ts(ts, s->end_ns);
		p = put_opt(p, OPT_ISB_ENDTIME, ts, 8);
	}
	p = put_opt(p, OPT_ISB_IFRECV, &s->ifrecv, 8);
	p = put_opt(p, OPT_ISB_IFDROP, &s->ifdrop, 8);
	p = put_opt(p, OPT_ISB_USRDELIV, &s->usrdeliv, 8);
	p = put_opt(p, OPT_ENDOFOPT, NULL, 0);
	put32(p, (uint32_t)blen);
	w->len += blen;
	return pcapng_writer_flush(w);
}

int pcapng_writer_close(struct pcapng_writer *w)
{
	int err, cerr;

	if (!w)
		return 0;
	err = pcapng_writer_flush(w);
	if (w->gzip) {
		if (!err)
			err = deflate_out(w, NULL, 0, Z_FINISH);
		deflateEnd(&w->zs);
	}
	cerr = close(w->fd) < 0 ? -errno : 0;
	if (!err)
		err = cerr;
	free(w->zbuf);
	free(w->buf);
	free(w);
	return err;
}
