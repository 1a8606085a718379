/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nflog_record.c - LINKTYPE_NFLOG records <-> struct trace_event
 * (formats.md section 2; kernel net/netfilter/nfnetlink_log.c
 * __build_packet_message for the attribute order).
 *
 * Runs once per record, so: no allocation, no copies, and the error
 * message is formatted only on the error path.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nflog_record.h"

#define NFGENMSG_LEN 4
#define TLV_HDR_LEN 4
#define TLV_MAX_LEN 0xffff
#define TLV_TYPE_MASK 0x7fff	/* bit 15 is NLA_F_NESTED, bit 14 byte order */
#define TLV_ALIGN(n) (((n) + 3u) & ~(size_t)3u)

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd

/* Minimum value length of each attribute we decode; 0 = no minimum. */
static const uint8_t tlv_min_len[NFLOG_TLV_HWLEN + 1] = {
	[NFLOG_TLV_PACKET_HDR] = 4,	/* struct nfulnl_msg_packet_hdr */
	[NFLOG_TLV_MARK] = 4,
	[NFLOG_TLV_TIMESTAMP] = 16,	/* struct nfulnl_msg_packet_timestamp */
	[NFLOG_TLV_IFINDEX_INDEV] = 4,
	[NFLOG_TLV_IFINDEX_OUTDEV] = 4,
	[NFLOG_TLV_IFINDEX_PHYSINDEV] = 4,
	[NFLOG_TLV_IFINDEX_PHYSOUTDEV] = 4,
	[NFLOG_TLV_UID] = 4,
	[NFLOG_TLV_SEQ] = 4,
	[NFLOG_TLV_GID] = 4,
};

static inline uint16_t get_u16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

__attribute__((format(printf, 3, 4), cold))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

int nflog_record_parse(const uint8_t *rec, size_t len, bool swapped,
		       struct trace_event *ev, char *err, size_t errlen)
{
	size_t off, vlen;
	uint16_t tlen, type;
	const uint8_t *v;

	/* Is there a whole nfgenmsg? */
	if (len < NFGENMSG_LEN)
		return fail(err, errlen,
			    "NFLOG record of %zu bytes is shorter than its 4-byte header",
			    len);
	/* Only version 0 has a known layout (libpcap and Wireshark agree). */
	if (rec[1] != 0)
		return fail(err, errlen, "NFLOG record version %u is not 0",
			    rec[1]);

	ev->family = rec[0];
	ev->record = rec;
	ev->record_len = (uint32_t)len;

	/* Fewer than 4 bytes left cannot hold a TLV: a clean end. */
	for (off = NFGENMSG_LEN; len - off >= TLV_HDR_LEN;) {
		tlen = get_u16(rec + off);
		type = get_u16(rec + off + 2);
		if (swapped) {
			tlen = __builtin_bswap16(tlen);
			type = __builtin_bswap16(type);
		}
		type &= TLV_TYPE_MASK;

		/* Does the length count at least its own header? */
		if (tlen < TLV_HDR_LEN)
			return fail(err, errlen,
				    "NFLOG TLV type %u length %u at offset %zu: shorter than its 4-byte header",
				    type, tlen, off);
		/* Does the TLV end inside the record? */
		if (tlen > len - off)
			return fail(err, errlen,
				    "NFLOG TLV type %u length %u at offset %zu: runs past the record end (%zu bytes)",
				    type, tlen, off, len);

		v = rec + off + TLV_HDR_LEN;
		vlen = tlen - TLV_HDR_LEN;
		/* Is a known attribute long enough for its type? */
		if (type < sizeof(tlv_min_len) && vlen < tlv_min_len[type])
			return fail(err, errlen,
				    "NFLOG TLV type %u length %u at offset %zu: needs at least %u bytes",
				    type, tlen, off,
				    tlv_min_len[type] + TLV_HDR_LEN);

		switch (type) {
		case NFLOG_TLV_PACKET_HDR:
			/* be16 hw_protocol, u8 hook, u8 pad */
			ev->hook = v[2];
			ev->have |= TE_HAVE_HOOK;
			ev->direction = (uint8_t)trace_hook_direction(v[2]);
			break;
		case NFLOG_TLV_MARK:
			ev->mark = get_be32(v);
			ev->have |= TE_HAVE_MARK;
			break;
		case NFLOG_TLV_TIMESTAMP:
			/* be64 sec, be64 usec (the kernel sends microseconds) */
			ev->ts_ns = get_be64(v) * 1000000000u +
				    get_be64(v + 8) * 1000u;
			ev->have |= TE_HAVE_TIMESTAMP;
			break;
		case NFLOG_TLV_IFINDEX_INDEV:
			ev->indev = get_be32(v);
			ev->have |= TE_HAVE_INDEV;
			break;
		case NFLOG_TLV_IFINDEX_OUTDEV:
			ev->outdev = get_be32(v);
			ev->have |= TE_HAVE_OUTDEV;
			break;
		case NFLOG_TLV_IFINDEX_PHYSINDEV:
			ev->physindev = get_be32(v);
			ev->have |= TE_HAVE_PHYSINDEV;
			break;
		case NFLOG_TLV_IFINDEX_PHYSOUTDEV:
			ev->physoutdev = get_be32(v);
			ev->have |= TE_HAVE_PHYSOUTDEV;
			break;
		case NFLOG_TLV_PAYLOAD:
			ev->payload = v;
			ev->caplen = (uint32_t)vlen;
			ev->len = (uint32_t)vlen;
			break;
		case NFLOG_TLV_PREFIX:
			/* Not every NFLOG prefix is a TRACE one: then only
			 * ev->prefix is set and the kind stays unknown. */
			(void)trace_prefix_parse((const char *)v, vlen, ev);
			break;
		case NFLOG_TLV_UID:
			ev->uid = get_be32(v);
			ev->have |= TE_HAVE_UID;
			break;
		case NFLOG_TLV_GID:
			ev->gid = get_be32(v);
			ev->have |= TE_HAVE_GID;
			break;
		case NFLOG_TLV_SEQ:
			ev->seq = get_be32(v);
			ev->have |= TE_HAVE_SEQ;
			break;
		default:
			/* Newer kernels add attributes: skip what we don't know. */
			break;
		}

		/* The last TLV's padding may be missing. */
		if (TLV_ALIGN(tlen) >= len - off)
			break;
		off += TLV_ALIGN(tlen);
	}
	return 0;
}

/* Bounded writer for nflog_record_build(). */
struct wbuf {
	uint8_t *buf;
	size_t cap, off;
	int err;
};

/* Append one TLV whose value is the concatenation of two pieces. */
static void put_tlv2(struct wbuf *w, uint16_t type, const void *a, size_t alen,
		     const void *b, size_t blen)
{
	size_t vlen = alen + blen, total = TLV_ALIGN(TLV_HDR_LEN + vlen);
	uint16_t hdr[2];

	if (w->err)
		return;
	if (TLV_HDR_LEN + vlen > TLV_MAX_LEN) {
		w->err = -EINVAL;
		return;
	}
	if (total > w->cap - w->off) {
		w->err = -ENOSPC;
		return;
	}
	hdr[0] = (uint16_t)(TLV_HDR_LEN + vlen);
	hdr[1] = type;
	memcpy(w->buf + w->off, hdr, sizeof(hdr));
	if (alen)
		memcpy(w->buf + w->off + TLV_HDR_LEN, a, alen);
	if (blen)
		memcpy(w->buf + w->off + TLV_HDR_LEN + alen, b, blen);
	memset(w->buf + w->off + TLV_HDR_LEN + vlen, 0,
	       total - TLV_HDR_LEN - vlen);
	w->off += total;
}

static void put_tlv(struct wbuf *w, uint16_t type, const void *v, size_t vlen)
{
	put_tlv2(w, type, v, vlen, NULL, 0);
}

static void put_be32(struct wbuf *w, uint16_t type, uint32_t x)
{
	uint8_t v[4] = { (uint8_t)(x >> 24), (uint8_t)(x >> 16),
			 (uint8_t)(x >> 8), (uint8_t)x };

	put_tlv(w, type, v, sizeof(v));
}

static void put_be64(uint8_t *p, uint64_t x)
{
	int i;

	for (i = 7; i >= 0; i--, x >>= 8)
		p[i] = (uint8_t)x;
}

int nflog_record_build(const struct trace_event *ev, uint8_t *buf, size_t cap)
{
	struct wbuf w = { buf, cap, 0, 0 };
	uint16_t ethertype = 0;
	uint8_t hdr[4], ts[16];

	if (cap < NFGENMSG_LEN)
		return -ENOSPC;
	/* nfgenmsg: family, version 0, res_id 0 (nflog group 0, big-endian) */
	buf[0] = ev->family;
	buf[1] = 0;
	buf[2] = 0;
	buf[3] = 0;
	w.off = NFGENMSG_LEN;

	if (ev->family == 2)
		ethertype = ETHERTYPE_IPV4;
	else if (ev->family == 10)
		ethertype = ETHERTYPE_IPV6;
	hdr[0] = (uint8_t)(ethertype >> 8);
	hdr[1] = (uint8_t)ethertype;
	hdr[2] = ev->hook;
	hdr[3] = 0;
	put_tlv(&w, NFLOG_TLV_PACKET_HDR, hdr, sizeof(hdr));

	/* The kernel's prefix ends in a space, and its NUL is counted. */
	if (ev->prefix.len)
		put_tlv2(&w, NFLOG_TLV_PREFIX, ev->prefix.p, ev->prefix.len,
			 " ", 2);
	if (ev->have & TE_HAVE_INDEV)
		put_be32(&w, NFLOG_TLV_IFINDEX_INDEV, ev->indev);
	if (ev->have & TE_HAVE_PHYSINDEV)
		put_be32(&w, NFLOG_TLV_IFINDEX_PHYSINDEV, ev->physindev);
	if (ev->have & TE_HAVE_OUTDEV)
		put_be32(&w, NFLOG_TLV_IFINDEX_OUTDEV, ev->outdev);
	if (ev->have & TE_HAVE_PHYSOUTDEV)
		put_be32(&w, NFLOG_TLV_IFINDEX_PHYSOUTDEV, ev->physoutdev);
	if (ev->have & TE_HAVE_MARK)
		put_be32(&w, NFLOG_TLV_MARK, ev->mark);
	if (ev->have & TE_HAVE_TIMESTAMP) {
		put_be64(ts, ev->ts_ns / 1000000000u);
		put_be64(ts + 8, ev->ts_ns % 1000000000u / 1000u);
		put_tlv(&w, NFLOG_TLV_TIMESTAMP, ts, sizeof(ts));
	}
	if (ev->have & TE_HAVE_UID)
		put_be32(&w, NFLOG_TLV_UID, ev->uid);
	if (ev->have & TE_HAVE_GID)
		put_be32(&w, NFLOG_TLV_GID, ev->gid);
	if (ev->have & TE_HAVE_SEQ)
		put_be32(&w, NFLOG_TLV_SEQ, ev->seq);
	if (ev->caplen)
		put_tlv(&w, NFLOG_TLV_PAYLOAD, ev->payload, ev->caplen);

	if (w.err)
		return w.err;
	return (int)w.off;
}
