/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcapng_reader.c - pcapng blocks to capfile records (formats.md section 1;
 * pcapng draft, "General Block Structure" and the block sections).
 *
 * One block at a time: the 8-byte header is peeked, its length checked
 * against the caps, then the whole block is peeked (the buffer holds it) and
 * parsed in place.  Blocks we do not use are skipped without being buffered.
 * Each section (SHB) brings its own byte order and interface list.
 */
#include <errno.h>
#include <stdlib.h>

#include "capfile_int.h"
#include "pcapng.h"

/* Fixed part plus header and trailer, i.e. the smallest legal block. */
#define SHB_MIN 28u
#define IDB_MIN 20u
#define EPB_MIN 32u
#define PB_MIN 32u
#define SPB_MIN 16u
#define ISB_MIN 24u

static inline uint32_t pad4(uint32_t n)
{
	return (n + 3) & ~3u;
}

struct opt {
	uint16_t code, len;
	const uint8_t *val;
};

/*
 * Next option between *cur and end.  1 = an option in *o, 0 = end of the
 * list (opt_endofopt or end of block: readers must not require endofopt),
 * -1 = the option overruns the block (error set).
 */
static inline int opt_next(struct capfile *cf, uint64_t off, const uint8_t **cur,
			   const uint8_t *end, struct opt *o)
{
	const uint8_t *p = *cur;
	size_t left;

	if (end - p < 4)
		return 0;
	o->code = cf_rd16(p, cf->swap);
	o->len = cf_rd16(p + 2, cf->swap);
	if (o->code == OPT_ENDOFOPT)
		return 0;
	o->val = p + 4;
	left = (size_t)(end - p) - 4;
	/* Does the value fit in what is left of the block? */
	if (o->len > left) {
		cf_fail(cf, off, "option %u length %u overruns the block (%zu bytes left)",
			o->code, o->len, left);
		return -1;
	}
	/* Blocks are 4-aligned, so the padded value fits too; stay inside
	 * the block anyway should a writer have dropped the padding. */
	*cur = pad4(o->len) <= left ? p + 4 + pad4(o->len) : end;
	return 1;
}

/* A string option: not NUL-terminated, but a NUL ends it (pcapng draft,
 * "Options"). */
static inline struct strref opt_str(const struct opt *o)
{
	const uint8_t *nul = memchr(o->val, 0, o->len);

	return (struct strref){ (const char *)o->val,
				nul ? (uint32_t)(nul - o->val) : o->len };
}

/* Timestamps are two u32 words, high first, each in section byte order. */
static inline uint64_t rd_ts(const uint8_t *p, bool swap)
{
	return (uint64_t)cf_rd32(p, swap) << 32 | cf_rd32(p + 4, swap);
}

static inline uint64_t iface_ns(const struct cf_iface *ifc, uint64_t ts)
{
	uint64_t ns;

	switch (ifc->ts_kind) {
	case CF_TS_MUL:
		ns = ts * ifc->factor;
		break;
	case CF_TS_DIV:
		ns = ts / ifc->factor;
		break;
	default:
		ns = (uint64_t)(((unsigned __int128)ts * 1000000000u) >> ifc->shift);
		break;
	}
	/* Unsigned wrap-around makes a negative if_tsoffset work. */
	return ns + ifc->offset_ns;
}

/* The checks every block length gets before anything is read or skipped. */
static int check_block_len(struct capfile *cf, uint64_t off, uint32_t blen, uint32_t max)
{
	/* Can it hold type, length and trailer? */
	if (blen < 12)
		return cf_fail(cf, off, "block total length %u is less than 12", blen);
	/* Blocks are 32-bit aligned. */
	if (blen % 4)
		return cf_fail(cf, off, "block total length %u is not a multiple of 4", blen);
	/* Is it within what a sane writer produces (libpcap's caps)? */
	if (blen > max)
		return cf_fail(cf, off, "block total length %u is bigger than the maximum %u",
			       blen, max);
	return 0;
}

/* Peek a whole block of blen bytes at off and check its trailer. */
static int peek_block(struct capfile *cf, uint64_t off, uint32_t blen, const uint8_t **bp)
{
	ssize_t got = input_peek(cf->in, blen, bp);
	uint32_t trailer;

	if (got < 0)
		return cf_input_fail(cf, (int)got);
	if ((size_t)got < blen)
		return cf_truncated(cf, off, "block", blen, (uint64_t)got);
	trailer = cf_rd32(*bp + blen - 4, cf->swap);
	if (trailer != blen)
		return cf_fail(cf, off, "block total length in header %u and trailer %u don't match",
			       blen, trailer);
	return 0;
}

static int no_iface(struct capfile *cf, uint64_t off, const char *block, uint32_t ifid)
{
	if (cf->nifs == 0)
		return cf_fail(cf, off, "%s before any Interface Description Block", block);
	return cf_fail(cf, off, "%s interface ID %u is not less than the number of interfaces %u",
		       block, ifid, cf->nifs);
}

static int read_shb(struct capfile *cf, uint64_t off)
{
	const uint8_t *p, *cur, *end;
	uint32_t bom, blen;
	uint16_t major, minor;
	size_t ncomments = 0;
	struct capfile_section *sec = &cf->sec;
	struct opt o;
	ssize_t got;
	bool swap;
	int r;

	got = input_peek(cf->in, 12, &p);
	if (got < 0)
		return cf_input_fail(cf, (int)got);
	if (got < 12)
		return cf_truncated(cf, off, "block", 12, (uint64_t)got);
	memcpy(&bom, p + 8, 4);
	if (bom == BYTE_ORDER_MAGIC)
		swap = false;
	else if (bswap_32(bom) == BYTE_ORDER_MAGIC)
		swap = true;
	else
		return cf_fail(cf, off, "section header byte-order magic %02x %02x %02x %02x is neither 1a2b3c4d nor 4d3c2b1a",
			       p[8], p[9], p[10], p[11]);
	/* The new section's byte order applies from its own SHB on. */
	cf->swap = swap;
	blen = cf_rd32(p + 4, swap);
	if (check_block_len(cf, off, blen, CF_MAX_SHB) < 0)
		return -1;
	if (blen < SHB_MIN)
		return cf_fail(cf, off, "section header block total length %u is less than %u",
			       blen, SHB_MIN);
	if (peek_block(cf, off, blen, &p) < 0)
		return -1;
	major = cf_rd16(p + 12, swap);
	minor = cf_rd16(p + 14, swap);
	/* 1.2 is read like 1.0 (pcapng draft); nothing else exists. */
	if (major != 1 || minor > 2)
		return cf_fail(cf, off, "unsupported pcapng version %u.%u", major, minor);

	/* Keep a copy: the section's strings must outlive the input buffer. */
	if (cf->shb_cap < blen) {
		uint8_t *n = realloc(cf->shb, blen);

		if (!n)
			return cf_fail(cf, off, "out of memory for a %u-byte section header", blen);
		cf->shb = n;
		cf->shb_cap = blen;
	}
	memcpy(cf->shb, p, blen);
	input_consume(cf->in, blen);

	/* The statistics of the section that ends here add up. */
	capfile_stats(cf, &cf->stats_done);
	memset(sec, 0, sizeof(*sec));
	sec->index = cf->nsections++;
	sec->pcapng = true;
	cf->nifs = 0;

	end = cf->shb + blen - 4;
	for (cur = cf->shb + 24; (r = opt_next(cf, off, &cur, end, &o)) > 0;) {
		switch (o.code) {
		case OPT_COMMENT:
			/* Bounded by the SHB cap: at most 1 MiB / 4 entries. */
			if (ncomments == cf->shb_comments_cap) {
				size_t ncap = ncomments ? 2 * ncomments : 8;
				struct strref *n = realloc(cf->shb_comments, ncap * sizeof(*n));

				if (!n)
					return cf_fail(cf, off, "out of memory for section comments");
				cf->shb_comments = n;
				cf->shb_comments_cap = ncap;
			}
			cf->shb_comments[ncomments++] = opt_str(&o);
			break;
		case OPT_SHB_HARDWARE:
			sec->hardware = opt_str(&o);
			break;
		case OPT_SHB_OS:
			sec->os = opt_str(&o);
			break;
		case OPT_SHB_USERAPPL:
			sec->userappl = opt_str(&o);
			break;
		}
	}
	if (r < 0)
		return -1;
	sec->ncomments = (unsigned)ncomments;
	sec->comments = cf->shb_comments;
	return 0;
}

static int read_idb(struct capfile *cf, uint64_t off, const uint8_t *b, uint32_t blen)
{
	const uint8_t *cur, *end = b + blen - 4;
	struct cf_iface *ifc;
	uint32_t snaplen;
	struct opt o;
	int r;

	if (blen < IDB_MIN)
		return cf_fail(cf, off, "interface description block total length %u is less than %u",
			       blen, IDB_MIN);
	if (cf->nifs == cf->ifs_cap) {
		uint32_t ncap = cf->ifs_cap ? 2 * cf->ifs_cap : 4;
		struct cf_iface *n;

		if (cf->nifs >= CF_MAX_IFACES)
			return cf_fail(cf, off, "more than %u interfaces in section %u",
				       CF_MAX_IFACES, cf->sec.index);
		n = realloc(cf->ifs, ncap * sizeof(*n));
		if (!n)
			return cf_fail(cf, off, "out of memory for interface %u", cf->nifs);
		cf->ifs = n;
		cf->ifs_cap = ncap;
	}
	ifc = &cf->ifs[cf->nifs];
	memset(ifc, 0, sizeof(*ifc));
	ifc->linktype = cf_rd16(b + 8, cf->swap);
	snaplen = cf_rd32(b + 12, cf->swap);
	ifc->snaplen = snaplen;
	/* 262144 is what libpcap and Wireshark allow for NFLOG; a bigger
	 * snaplen raises it, the block cap bounds everything anyway. */
	ifc->maxcap = snaplen > CF_DEFAULT_SNAPLEN ? snaplen : CF_DEFAULT_SNAPLEN;
	ifc->ts_kind = CF_TS_MUL;
	ifc->factor = 1000;	/* no if_tsresol: microseconds */

	for (cur = b + 16; (r = opt_next(cf, off, &cur, end, &o)) > 0;) {
		if (o.code == OPT_IF_TSRESOL) {
			uint8_t v, n;
			uint64_t f = 1;

			/* Timestamps depend on it: refuse rather than guess. */
			if (o.len != 1)
				return cf_fail(cf, off, "if_tsresol option length %u is not 1", o.len);
			v = o.val[0];
			n = v & 0x7f;
			if (v & 0x80) {
				if (n > 63)
					return cf_fail(cf, off, "if_tsresol 2^-%u is out of range", n);
				ifc->ts_kind = CF_TS_POW2;
				ifc->shift = n;
			} else {
				/* 10^19 is the largest power of ten in a u64. */
				if (n > 19)
					return cf_fail(cf, off, "if_tsresol 10^-%u is out of range", n);
				for (uint8_t i = 0; i < (n <= 9 ? 9 - n : n - 9); i++)
					f *= 10;
				ifc->ts_kind = n <= 9 ? CF_TS_MUL : CF_TS_DIV;
				ifc->factor = f;
			}
		} else if (o.code == OPT_IF_TSOFFSET) {
			if (o.len != 8)
				return cf_fail(cf, off, "if_tsoffset option length %u is not 8", o.len);
			ifc->offset_ns = cf_rd64(o.val, cf->swap) * 1000000000u;
		}
	}
	if (r < 0)
		return -1;
	cf->nifs++;
	return 0;
}

static void rec_reset(struct capfile *cf, struct capfile_record *rec, const struct cf_iface *ifc)
{
	rec->linktype = ifc->linktype;
	rec->swapped = cf->swap;
	rec->section = cf->sec.index;
	rec->have = 0;
	rec->packet_id = 0;
	rec->dropcount = 0;
	rec->flags = 0;
	rec->ncomments = 0;
}

/* EPB and obsolete PB share the layout from offset 12 on. */
static int read_packet(struct capfile *cf, uint64_t off, const uint8_t *b, uint32_t blen,
		       struct capfile_record *rec, bool epb)
{
	const char *name = epb ? "enhanced packet block" : "packet block";
	const uint8_t *cur, *end = b + blen - 4;
	const struct cf_iface *ifc;
	uint32_t ifid, caplen, len, room;
	struct opt o;
	int r;

	if (blen < EPB_MIN)
		return cf_fail(cf, off, "%s total length %u is less than %u", name, blen, EPB_MIN);
	ifid = epb ? cf_rd32(b + 8, cf->swap) : cf_rd16(b + 8, cf->swap);
	if (ifid >= cf->nifs)
		return no_iface(cf, off, name, ifid);
	ifc = &cf->ifs[ifid];
	caplen = cf_rd32(b + 20, cf->swap);
	len = cf_rd32(b + 24, cf->swap);
	room = blen - EPB_MIN;
	/* Does the packet fit in the block? */
	if (caplen > room)
		return cf_fail(cf, off, "%s captured length %u is bigger than the %u bytes the block holds",
			       name, caplen, room);
	/* Is it a size a real capture of this interface can have? */
	if (caplen > ifc->maxcap)
		return cf_fail(cf, off, "%s captured length %u is bigger than the maximum %u",
			       name, caplen, ifc->maxcap);

	rec_reset(cf, rec, ifc);
	rec->ts_ns = iface_ns(ifc, rd_ts(b + 12, cf->swap));
	rec->data = b + 28;
	rec->caplen = caplen;
	/* Callers rely on len >= caplen; a broken writer must not break that. */
	rec->len = len < caplen ? caplen : len;
	if (!epb) {
		uint16_t drops = cf_rd16(b + 10, cf->swap);

		/* 0xffff means "not available" in the obsolete PB. */
		if (drops != 0xffff) {
			rec->dropcount = drops;
			rec->have |= CAPFILE_HAVE_DROPCOUNT;
		}
	}

	/* Known options with a wrong length are ignored, not fatal: the
	 * packet itself is still good. */
	for (cur = b + 28 + pad4(caplen); (r = opt_next(cf, off, &cur, end, &o)) > 0;) {
		switch (o.code) {
		case OPT_COMMENT:
			if (rec->ncomments < CAPFILE_MAX_COMMENTS)
				rec->comments[rec->ncomments++] = opt_str(&o);
			break;
		case OPT_EPB_FLAGS:
			if (o.len == 4) {
				rec->flags = cf_rd32(o.val, cf->swap);
				rec->have |= CAPFILE_HAVE_FLAGS;
			}
			break;
		case OPT_EPB_DROPCOUNT:
			if (epb && o.len == 8) {
				rec->dropcount = cf_rd64(o.val, cf->swap);
				rec->have |= CAPFILE_HAVE_DROPCOUNT;
			}
			break;
		case OPT_EPB_PACKETID:
			if (epb && o.len == 8) {
				rec->packet_id = cf_rd64(o.val, cf->swap);
				rec->have |= CAPFILE_HAVE_PACKET_ID;
			}
			break;
		}
	}
	return r < 0 ? -1 : 1;
}

static int read_spb(struct capfile *cf, uint64_t off, const uint8_t *b, uint32_t blen,
		    struct capfile_record *rec)
{
	const struct cf_iface *ifc;
	uint32_t len, caplen, room;

	if (blen < SPB_MIN)
		return cf_fail(cf, off, "simple packet block total length %u is less than %u",
			       blen, SPB_MIN);
	/* An SPB belongs to interface 0. */
	if (cf->nifs == 0)
		return no_iface(cf, off, "simple packet block", 0);
	ifc = &cf->ifs[0];
	len = cf_rd32(b + 8, cf->swap);
	room = blen - SPB_MIN;
	/* The captured length is implicit: min(original length, snaplen),
	 * and never more than the block holds. */
	caplen = len;
	if (ifc->snaplen && caplen > ifc->snaplen)
		caplen = ifc->snaplen;
	if (caplen > room)
		caplen = room;
	if (caplen > ifc->maxcap)
		return cf_fail(cf, off, "simple packet block captured length %u is bigger than the maximum %u",
			       caplen, ifc->maxcap);
	rec_reset(cf, rec, ifc);
	rec->ts_ns = 0;		/* an SPB has no timestamp */
	rec->data = b + 12;
	rec->caplen = caplen;
	rec->len = len;
	return 1;
}

static int read_isb(struct capfile *cf, uint64_t off, const uint8_t *b, uint32_t blen)
{
	const uint8_t *cur, *end = b + blen - 4;
	struct capfile_section *sec = &cf->sec;
	struct cf_iface *ifc;
	uint32_t ifid;
	struct opt o;
	int r;

	if (blen < ISB_MIN)
		return cf_fail(cf, off, "interface statistics block total length %u is less than %u",
			       blen, ISB_MIN);
	ifid = cf_rd32(b + 8, cf->swap);
	/* Those of a nonexistent interface cannot be interpreted. */
	if (ifid >= cf->nifs)
		return 0;
	/* Per interface for capfile_stats(); the section's (capfile.h) are
	 * interface 0's. */
	ifc = &cf->ifs[ifid];
	ifc->have_isb = true;
	ifc->ifrecv = ifc->ifdrop = ifc->usrdeliv = 0;
	if (ifid == 0) {
		sec->have_stats = true;
		sec->isb_ifrecv = sec->isb_ifdrop = sec->isb_usrdeliv = 0;
		sec->isb_start_ns = sec->isb_end_ns = 0;
	}
	for (cur = b + 20; (r = opt_next(cf, off, &cur, end, &o)) > 0;) {
		if (o.len != 8)
			continue;
		switch (o.code) {
		case OPT_ISB_STARTTIME:
			if (ifid == 0)
				sec->isb_start_ns = iface_ns(ifc, rd_ts(o.val, cf->swap));
			break;
		case OPT_ISB_ENDTIME:
			if (ifid == 0)
				sec->isb_end_ns = iface_ns(ifc, rd_ts(o.val, cf->swap));
			break;
		case OPT_ISB_IFRECV:
			ifc->ifrecv = cf_rd64(o.val, cf->swap);
			break;
		case OPT_ISB_IFDROP:
			ifc->ifdrop = cf_rd64(o.val, cf->swap);
			break;
		case OPT_ISB_USRDELIV:
			ifc->usrdeliv = cf_rd64(o.val, cf->swap);
			break;
		}
	}
	if (ifid == 0) {
		sec->isb_ifrecv = ifc->ifrecv;
		sec->isb_ifdrop = ifc->ifdrop;
		sec->isb_usrdeliv = ifc->usrdeliv;
	}
	return r < 0 ? -1 : 0;
}

/* Skip a block we do not use without buffering it, then check its trailer. */
static int skip_block(struct capfile *cf, uint64_t off, uint32_t blen)
{
	const uint8_t *p;
	int64_t skipped;
	ssize_t got;
	uint32_t trailer;

	skipped = input_skip(cf->in, blen - 4);
	if (skipped < 0)
		return cf_input_fail(cf, (int)skipped);
	if ((uint64_t)skipped < blen - 4)
		return cf_truncated(cf, off, "block", blen, (uint64_t)skipped);
	got = input_peek(cf->in, 4, &p);
	if (got < 0)
		return cf_input_fail(cf, (int)got);
	if (got < 4)
		return cf_truncated(cf, off, "block", blen, blen - 4 + (uint64_t)got);
	trailer = cf_rd32(p, cf->swap);
	if (trailer != blen)
		return cf_fail(cf, off, "block total length in header %u and trailer %u don't match",
			       blen, trailer);
	input_consume(cf->in, 4);
	return 0;
}

static int pcapng_next(struct capfile *cf, struct capfile_record *rec)
{
	struct input *in = cf->in;

	for (;;) {
		uint64_t off = input_offset(in);
		const uint8_t *p;
		uint32_t type, blen;
		ssize_t got;
		int r;

		got = input_peek(in, 8, &p);
		if (got < 0)
			return cf_input_fail(cf, (int)got);
		if (got == 0)
			return 0;
		if (got < 8)
			return cf_truncated(cf, off, "block", 8, (uint64_t)got);
		type = cf_rd32(p, cf->swap);
		if (type == BT_SHB) {
			/* Palindromic type: recognised in either byte order. */
			if (read_shb(cf, off) < 0)
				return -1;
			continue;
		}
		blen = cf_rd32(p + 4, cf->swap);
		if (check_block_len(cf, off, blen, CF_MAX_BLOCK) < 0)
			return -1;

		switch (type) {
		case BT_EPB:
		case BT_PB:
		case BT_SPB:
		case BT_IDB:
		case BT_ISB:
			if (peek_block(cf, off, blen, &p) < 0)
				return -1;
			if (type == BT_EPB || type == BT_PB)
				r = read_packet(cf, off, p, blen, rec, type == BT_EPB);
			else if (type == BT_SPB)
				r = read_spb(cf, off, p, blen, rec);
			else if (type == BT_IDB)
				r = read_idb(cf, off, p, blen);
			else
				r = read_isb(cf, off, p, blen);
			if (r < 0)
				return -1;
			input_consume(in, blen);
			if (r > 0)
				return 1;
			break;
		default:
			/* NRB, custom, journal, decryption secrets, local use:
			 * nothing we need (pcapng draft: skip unknown blocks). */
			if (skip_block(cf, off, blen) < 0)
				return -1;
			break;
		}
	}
}

int pcapng_reader_start(struct capfile *cf)
{
	cf->next = pcapng_next;
	/* The first block is an SHB (capfile_open checked its type). */
	return read_shb(cf, 0);
}
