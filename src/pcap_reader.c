/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcap_reader.c - classic pcap files, as `tcpdump -i nflog:0 -w` writes
 * them: a 24-byte file header, then 16-byte record headers each followed by
 * caplen bytes.  Microsecond (a1b2c3d4) and nanosecond (a1b23c4d) magics,
 * in either byte order.
 */
#include <errno.h>

#include "capfile_int.h"

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define PCAP_FILE_HDR 24
#define PCAP_REC_HDR 16
/* The upper bits of the link-type field carry FCS information. */
#define PCAP_LINKTYPE_MASK 0x03ffffffu

static int pcap_next(struct capfile *cf, struct capfile_record *rec)
{
	struct input *in = cf->in;
	uint64_t off = input_offset(in);
	const uint8_t *p;
	uint32_t sec, frac, caplen, len;
	ssize_t got;

	got = input_peek(in, PCAP_REC_HDR, &p);
	if (got < 0)
		return cf_input_fail(cf, (int)got);
	if (got == 0)
		return 0;
	if (got < PCAP_REC_HDR)
		return cf_truncated(cf, off, "record header", PCAP_REC_HDR, (uint64_t)got);

	sec = cf_rd32(p, cf->swap);
	frac = cf_rd32(p + 4, cf->swap);
	caplen = cf_rd32(p + 8, cf->swap);
	len = cf_rd32(p + 12, cf->swap);
	/* Is the record small enough to be a real packet of this link type? */
	if (caplen > cf->pcap_maxcap)
		return cf_fail(cf, off, "record captured length %u is bigger than the maximum %u",
			       caplen, cf->pcap_maxcap);

	got = input_peek(in, PCAP_REC_HDR + (size_t)caplen, &p);
	if (got < 0)
		return cf_input_fail(cf, (int)got);
	if ((size_t)got < PCAP_REC_HDR + (size_t)caplen)
		return cf_truncated(cf, off, "record", PCAP_REC_HDR + (uint64_t)caplen,
				    (uint64_t)got);

	rec->ts_ns = (uint64_t)sec * 1000000000u + (uint64_t)frac * cf->pcap_frac_ns;
	rec->data = p + PCAP_REC_HDR;
	rec->caplen = caplen;
	/* Callers may rely on len >= caplen; a broken writer must not break that. */
	rec->len = len < caplen ? caplen : len;
	rec->linktype = cf->pcap_linktype;
	rec->swapped = cf->swap;
	rec->section = 0;
	rec->have = 0;
	rec->packet_id = 0;
	rec->dropcount = 0;
	rec->flags = 0;
	rec->ncomments = 0;
	input_consume(in, PCAP_REC_HDR + (size_t)caplen);
	return 1;
}

int pcap_reader_start(struct capfile *cf)
{
	const uint8_t *p;
	uint32_t magic, snaplen;
	uint16_t major, minor;
	ssize_t got;

	got = input_peek(cf->in, PCAP_FILE_HDR, &p);
	if (got < 0)
		return cf_input_fail(cf, (int)got);
	if (got < PCAP_FILE_HDR)
		return cf_truncated(cf, 0, "pcap file header", PCAP_FILE_HDR, (uint64_t)got);

	memcpy(&magic, p, 4);
	cf->swap = magic != PCAP_MAGIC_US && magic != PCAP_MAGIC_NS;
	magic = cf_rd32(p, cf->swap);
	cf->pcap_frac_ns = magic == PCAP_MAGIC_NS ? 1 : 1000;

	major = cf_rd16(p + 4, cf->swap);
	minor = cf_rd16(p + 6, cf->swap);
	if (major != 2)
		return cf_fail(cf, 0, "unsupported pcap version %u.%u", major, minor);
	/* p + 8 thiszone and p + 12 sigfigs are always 0 in practice and
	 * ignored by libpcap too. */
	snaplen = cf_rd32(p + 16, cf->swap);
	cf->pcap_linktype = cf_rd32(p + 20, cf->swap) & PCAP_LINKTYPE_MASK;
	/* Accept what libpcap accepts for NFLOG (262144) or the file's own
	 * larger snaplen, but never more than the pcapng block cap. */
	cf->pcap_maxcap = snaplen > CF_DEFAULT_SNAPLEN ? snaplen : CF_DEFAULT_SNAPLEN;
	if (cf->pcap_maxcap > CF_MAX_BLOCK)
		cf->pcap_maxcap = CF_MAX_BLOCK;

	cf->sec.index = 0;
	cf->sec.pcapng = false;
	cf->nsections = 1;
	input_consume(cf->in, PCAP_FILE_HDR);
	cf->next = pcap_next;
	return 0;
}
