/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dissect_other.c - the other IP protocols tcpdump 4.99 names: IGMP, GRE,
 * ESP, AH, IPComp, SCTP and VRRP.
 *
 * Like dissect.c, it follows tcpdump's order of checks and output.
 */
#include "dissect_int.h"

/* ---- IGMP, GRE, ESP, AH, IPComp -------------------------------------------- */

static void put_relts(struct dz *d, uint32_t secs)
{
	static const char *const unit[] = { "y", "w", "d", "h", "m", "s" };
	static const uint32_t sec[] = { 31536000, 604800, 86400, 3600, 60, 1 };
	size_t i;

	if (secs == 0) {
		DZ_LIT(d, "0s");
		return;
	}
	for (i = 0; i < 6 && secs > 0; i++) {
		if (secs >= sec[i]) {
			dz_putu(d, secs / sec[i]);
			dz_puts(d, unit[i]);
			secs %= sec[i];
		}
	}
}

static const char *const igmpv3_types[7] = {
	NULL, "is_in", "is_ex", "to_in", "to_ex", "allow", "block"
};

/* IGMP (RFC 1112, 2236, 3376). */
int dz_igmp_print(struct dz *d, size_t bp, uint32_t len)
{
	uint8_t type;

	d->proto = "igmp";
	DZ_NEED(d, bp, 1);
	type = dz_u8(d, bp);
	switch (type) {
	case 0x11:
		DZ_LIT(d, "igmp query");
		if (len >= 12) {
			uint32_t mrc, mrt, nsrcs;

			DZ_LIT(d, " v3");
			if (len & 3) {
				dz_putnum(d, " [invalid len ", len, "]");
				break;
			}
			DZ_NEED(d, bp + 1, 1);
			mrc = dz_u8(d, bp + 1);
			mrt = mrc < 128 ? mrc
					: ((mrc & 0x0f) | 0x10) << (((mrc & 0x70) >> 4) + 3);
			if (mrc != 100) {
				DZ_LIT(d, " [max resp time ");
				if (mrt < 600) {
					dz_putu(d, mrt / 10);
					dz_putc(d, '.');
					dz_putu(d, mrt % 10);
					dz_putc(d, 's');
				} else {
					put_relts(d, mrt / 10);
				}
				dz_putc(d, ']');
			}
			DZ_NEED(d, bp + 4, 4);
			if (dz_be32(d, bp + 4) == 0)
				break;
			DZ_LIT(d, " [gaddr ");
			dz_put_ip4(d, d->pkt + bp + 4);
			DZ_NEED(d, bp + 10, 2);
			nsrcs = dz_be16(d, bp + 10);
			if (nsrcs > 0) {
				if (len < 12 + (nsrcs << 2)) {
					DZ_LIT(d, " [invalid number of sources]");
				} else {
					dz_putnum(d, ", ", nsrcs, " source(s)");
				}
			}
			dz_putc(d, ']');
		} else {
			DZ_NEED(d, bp + 1, 1);
			if (dz_u8(d, bp + 1)) {
				DZ_LIT(d, " v2");
				if (dz_u8(d, bp + 1) != 100) {
					dz_putnum(d, " [max resp time ", dz_u8(d, bp + 1), "]");
				}
			} else {
				DZ_LIT(d, " v1");
			}
			DZ_NEED(d, bp + 4, 4);
			if (dz_be32(d, bp + 4)) {
				DZ_LIT(d, " [gaddr ");
				dz_put_ip4(d, d->pkt + bp + 4);
				dz_putc(d, ']');
			}
			if (len != 8) {
				dz_putnum(d, " [len ", len, "]");
			}
		}
		break;
	case 0x12:
		DZ_NEED(d, bp + 4, 4);
		DZ_LIT(d, "igmp v1 report ");
		dz_put_ip4(d, d->pkt + bp + 4);
		if (len != 8) {
			dz_putnum(d, " [len ", len, "]");
		}
		break;
	case 0x16:
		DZ_NEED(d, bp + 4, 4);
		DZ_LIT(d, "igmp v2 report ");
		dz_put_ip4(d, d->pkt + bp + 4);
		break;
	case 0x17:
		DZ_NEED(d, bp + 4, 4);
		DZ_LIT(d, "igmp leave ");
		dz_put_ip4(d, d->pkt + bp + 4);
		break;
	case 0x22: {
		uint32_t ngroups, group, i, nsrcs;

		DZ_LIT(d, "igmp v3 report");
		if (len < 16 || len & 3) {
			dz_putnum(d, " [invalid len ", len, "]");
			break;
		}
		DZ_NEED(d, bp + 6, 2);
		ngroups = dz_be16(d, bp + 6);
		dz_putnum(d, ", ", ngroups, " group record(s)");
		if (!d->verbose)
			break;
		group = 8;
		for (i = 0; i < ngroups; i++) {
			uint8_t t;

			if (len < group + 8) {
				DZ_LIT(d, " [invalid number of groups]");
				break;
			}
			DZ_NEED(d, bp + group, 8);
			DZ_LIT(d, " [gaddr ");
			dz_put_ip4(d, d->pkt + bp + group + 4);
			t = dz_u8(d, bp + group);
			dz_putc(d, ' ');
			if (t >= 1 && t <= 6) {
				dz_puts(d, igmpv3_types[t]);
			} else {
				dz_putnum(d, " [v3-report-#", t, "]");
			}
			nsrcs = dz_be16(d, bp + group + 2);
			if (len < group + 8 + (nsrcs << 2)) {
				dz_putnum(d, " [invalid number of sources ", nsrcs, "]");
				break;
			}
			dz_putnum(d, ", ", nsrcs, " source(s)]");
			group += 8 + (nsrcs << 2);
		}
		break;
	}
	case 0x1e:
	case 0x1f:
		if (len < 8 + 16) {
			dz_putnum(d, " [invalid len ", len, "]");
			break;
		}
		DZ_NEED(d, bp + 8, 16);
		dz_puts(d, type == 0x1e ? "mresp " : "mtrace ");
		dz_putu(d, dz_be32(d, bp + 20) & 0xffffff);
		DZ_LIT(d, ": ");
		dz_put_ip4(d, d->pkt + bp + 8);
		DZ_LIT(d, " to ");
		dz_put_ip4(d, d->pkt + bp + 12);
		DZ_LIT(d, " reply-to ");
		dz_put_ip4(d, d->pkt + bp + 16);
		if ((dz_u8(d, bp + 16) & 0xf0) == 0xe0) {
			dz_putnum(d, " with-ttl ", dz_u8(d, bp + 20), "");
		}
		break;
	case 0x13:
		DZ_LIT(d, "igmp dvmrp");
		if (len < 8) {
			dz_putnum(d, " [len ", len, "]");
		}
		/* tcpdump decodes DVMRP further; not done here. */
		break;
	case 0x14:
		/* tcpdump decodes PIMv1 further; not done here. */
		DZ_LIT(d, "igmp pimv1");
		break;
	default:
		dz_putnum(d, "igmp-", type, "");
		break;
	}
	if (d->verbose && len >= 4 && dz_has(d, bp, len) &&
	    dz_fold(dz_sum16(d->pkt + bp, len)) != 0) {
		DZ_LIT(d, " bad igmp cksum ");
		dz_puthex(d, dz_be16(d, bp + 2), 1);
		dz_putc(d, '!');
	}
	return DZ_OK;
}

static const struct dz_tok gre_flag_names[] = {
	{ 0x8000, "checksum present" }, { 0x4000, "routing present" },
	{ 0x2000, "key present" }, { 0x1000, "sequence# present" },
	{ 0x0800, "source routing present" }, { 0x0080, "ack present" },
	{ 0, NULL }
};

static void put_gre_flags(struct dz *d, uint16_t flags)
{
	const struct dz_tok *t;
	const char *sep = "";

	DZ_LIT(d, ", Flags [");
	for (t = gre_flag_names; t->s; t++) {
		if (flags & t->v) {
			dz_puts(d, sep);
			dz_puts(d, t->s);
			sep = ", ";
		}
	}
	if (!*sep)
		DZ_LIT(d, "none");
	dz_putc(d, ']');
}

/* A GRE source route entry (RFC 1701 2.2.1): 0 when cut short. */
static int gre_sre(struct dz *d, uint16_t af, uint8_t sreoff, uint8_t srelen,
		   size_t bp, uint32_t len)
{
	uint32_t unit, pos;

	if (af != 0x0800 && af != 0xfffe) {
		DZ_LIT(d, ", (rtaf=0x");
		dz_puthex(d, af, 1);
		dz_putc(d, ')');
		return 1;
	}
	unit = af == 0x0800 ? 4 : 2;
	DZ_LIT(d, ", (rtaf=");
	dz_puts(d, af == 0x0800 ? "ip" : "asn");
	if (sreoff & (unit - 1)) {
		dz_putnum(d, ", badoffset=", sreoff, "");
	} else if (srelen & (unit - 1)) {
		dz_putnum(d, ", badlength=", srelen, "");
	} else if (sreoff >= srelen) {
		dz_putnum(d, ", badoff/len=", sreoff, "/");
		dz_putu(d, srelen);
	} else {
		for (pos = 0; pos < srelen; pos += unit) {
			if (!dz_has(d, bp + pos, unit) || len < pos + unit) {
				dz_putc(d, ')');
				return 0;
			}
			dz_putc(d, ' ');
			if (pos == sreoff)
				dz_putc(d, '*');
			if (unit == 4)
				dz_put_ip4(d, d->pkt + bp + pos);
			else
				dz_puthex(d, dz_be16(d, bp + pos), 1);
		}
	}
	dz_putc(d, ')');
	return 1;
}

/* GRE (RFC 2784, 2890; version 1 is PPTP's, RFC 2637). */
int dz_gre_print(struct dz *d, size_t bp, uint32_t length)
{
	uint32_t len = length;
	uint16_t flags, prot;
	unsigned vers;
	int rc;

	d->proto = "gre";
	if (!dz_has(d, bp, 2) || len < 2)
		goto trunc;
	flags = dz_be16(d, bp);
	vers = flags & 7;
	dz_putnum(d, "GREv", vers, "");
	if (vers > 1) {
		DZ_LIT(d, " ERROR: unknown-version");
		return DZ_OK;
	}
	if (vers == 1) {
		len -= 2;
		bp += 2;
		if (d->verbose)
			put_gre_flags(d, flags);
		if (!dz_has(d, bp, 2) || len < 2)
			goto trunc;
		prot = dz_be16(d, bp);
		len -= 2;
		bp += 2;
		if (flags & 0x2000) {
			if (!dz_has(d, bp, 4) || len < 4)
				goto trunc;
			dz_putnum(d, ", call ", dz_be32(d, bp) & 0xffff, "");
			len -= 4;
			bp += 4;
		}
		if (flags & 0x1000) {
			if (!dz_has(d, bp, 4) || len < 4)
				goto trunc;
			dz_putnum(d, ", seq ", dz_be32(d, bp), "");
			len -= 4;
			bp += 4;
		}
		if (flags & 0x0080) {
			if (!dz_has(d, bp, 4) || len < 4)
				goto trunc;
			dz_putnum(d, ", ack ", dz_be32(d, bp), "");
			len -= 4;
			bp += 4;
		}
		if (!(flags & 0x1000))
			DZ_LIT(d, ", no-payload");
		dz_putnum(d, ", length ", length, "");
		if (!(flags & 0x1000))
			return DZ_OK;
		if (d->verbose)
			DZ_LIT(d, "\n\t");
		else
			DZ_LIT(d, ": ");
		if (prot == 0x880b && (len < 2 || !dz_has(d, bp, 2))) {
			d->proto = "ppp";
			dz_trunc_mark(d);
			return DZ_OK;
		}
		/* PPP itself has its own printer in tcpdump; not here. */
		DZ_LIT(d, "gre-proto-0x");
		dz_puthex(d, prot, 1);
		return DZ_OK;
	}
	if (d->verbose)
		put_gre_flags(d, flags);
	len -= 2;
	bp += 2;
	if (!dz_has(d, bp, 2) || len < 2)
		goto trunc;
	prot = dz_be16(d, bp);
	len -= 2;
	bp += 2;
	if (flags & 0xc000) {
		if (!dz_has(d, bp, 2) || len < 2)
			goto trunc;
		if (d->verbose) {
			DZ_LIT(d, ", sum 0x");
			dz_puthex(d, dz_be16(d, bp), 1);
		}
		bp += 2;
		len -= 2;
		if (!dz_has(d, bp, 2) || len < 2)
			goto trunc;
		DZ_LIT(d, ", off 0x");
		dz_puthex(d, dz_be16(d, bp), 1);
		bp += 2;
		len -= 2;
	}
	if (flags & 0x2000) {
		if (!dz_has(d, bp, 4) || len < 4)
			goto trunc;
		DZ_LIT(d, ", key=0x");
		dz_puthex(d, dz_be32(d, bp), 1);
		bp += 4;
		len -= 4;
	}
	if (flags & 0x1000) {
		if (!dz_has(d, bp, 4) || len < 4)
			goto trunc;
		dz_putnum(d, ", seq ", dz_be32(d, bp), "");
		bp += 4;
		len -= 4;
	}
	if (flags & 0x4000) {
		for (;;) {
			uint16_t af;
			uint8_t sreoff, srelen;

			if (!dz_has(d, bp, 4) || len < 4)
				goto trunc;
			af = dz_be16(d, bp);
			sreoff = dz_u8(d, bp + 2);
			srelen = dz_u8(d, bp + 3);
			bp += 4;
			len -= 4;
			if (af == 0 && srelen == 0)
				break;
			if (!gre_sre(d, af, sreoff, srelen, bp, len))
				goto trunc;
			if (len < srelen)
				goto trunc;
			bp += srelen;
			len -= srelen;
		}
	}
	dz_putnum(d, ", length ", length, "");
	if (d->verbose)
		DZ_LIT(d, "\n\t");
	else
		DZ_LIT(d, ": ");
	switch (prot) {
	case 0x0800:
		rc = dz_ip4_print(d, bp, len);
		break;
	case 0x86dd:
		rc = dz_ip6_print(d, bp, len);
		break;
	default:
		/* MPLS, transparent Ethernet and the like are decoded by
		 * tcpdump; here only named. */
		DZ_LIT(d, "gre-proto-0x");
		dz_puthex(d, prot, 1);
		rc = DZ_OK;
		break;
	}
	return rc;
trunc:
	dz_trunc_mark(d);
	return DZ_OK;
}

/* ---- SCTP (RFC 9260) ------------------------------------------------------- */

static const char *const sctp_chunk_names[15] = {
	"DATA", "INIT", "INIT ACK", "SACK", "HB REQ", "HB ACK", "ABORT",
	"SHUTDOWN", "SHUTDOWN ACK", "OP ERR", "COOKIE ECHO", "COOKIE ACK",
	"ECN ECHO", "ECN CWR", "SHUTDOWN COMPLETE"
};

static const char *const sctp_ppid_names[28] = {
	NULL, "ISDN Q.921", "M2UA", "M3UA", "SUA", "M2PA", "V5.2", "H.248",
	"BICC", "TALI", "DUA", "ASAP", "ENRP", "H.323", "Q.IPC", "SIMCO",
	"DDPSC", "DDPSSC", "S1AP", "RUA", "HNBAP", "ForCES HP", "ForCES MP",
	"ForCES LP", "SBc-AP", "NBAP", NULL, "X2AP"
};

/* "bogus chunk length": tcpdump stops the packet there. */
static int sctp_bogus(struct dz *d, uint32_t chunk_len)
{
	dz_putnum(d, "bogus chunk length ", chunk_len, "]");
	return 1;
}

/* One chunk's body at bp (rem bytes by its length field); returns 1 when
 * the packet ends here, DZ_TRUNC+1 for a missing byte. */
static int sctp_chunk(struct dz *d, uint8_t id, uint8_t flg, size_t *bp,
		      uint32_t *rem, uint32_t *left, uint32_t chunk_len)
{
	size_t p = *bp;

	switch (id) {
	case 0: {
		uint32_t ppid;

		if (flg & 4)
			DZ_LIT(d, "(U)");
		if (flg & 2)
			DZ_LIT(d, "(B)");
		if (flg & 1)
			DZ_LIT(d, "(E)");
		if (flg & 7)
			dz_putc(d, ' ');
		if (*rem < 12)
			return sctp_bogus(d, chunk_len);
		if (!dz_has(d, p, 12))
			return DZ_TRUNC + 1;
		ppid = dz_be32(d, p + 8);
		dz_putnum(d, "[TSN: ", dz_be32(d, p), "] [SID: ");
		dz_putu(d, dz_be16(d, p + 4));
		dz_putnum(d, "] [SSEQ ", dz_be16(d, p + 6), "] [PPID ");
		if (ppid < 28 && sctp_ppid_names[ppid]) {
			dz_puts(d, sctp_ppid_names[ppid]);
		} else {
			DZ_LIT(d, "0x");
			dz_puthex(d, ppid, 1);
		}
		DZ_LIT(d, "] ");
		*bp += 12;
		*left -= 12;
		*rem -= 12;
		if (*rem == 0)
			return sctp_bogus(d, chunk_len);
		/* The payload is shown from -vv on; ForCES is not decoded. */
		*bp += *rem;
		*left -= *rem;
		*rem = 0;
		return 0;
	}
	case 1:
	case 2:
		if (*rem < 16)
			return sctp_bogus(d, chunk_len);
		if (!dz_has(d, p, 16))
			return DZ_TRUNC + 1;
		dz_putnum(d, "[init tag: ", dz_be32(d, p), "] [rwnd: ");
		dz_putu(d, dz_be32(d, p + 4));
		dz_putnum(d, "] [OS: ", dz_be16(d, p + 8), "] [MIS: ");
		dz_putu(d, dz_be16(d, p + 10));
		dz_putnum(d, "] [init TSN: ", dz_be32(d, p + 12), "] ");
		*bp += 16 + (*rem - 16);
		*left -= *rem;
		*rem = 0;
		return 0;
	case 3: {
		uint32_t cum, i, ngap, ndup;

		if (*rem < 12)
			return sctp_bogus(d, chunk_len);
		if (!dz_has(d, p, 12))
			return DZ_TRUNC + 1;
		cum = dz_be32(d, p);
		ngap = dz_be16(d, p + 8);
		ndup = dz_be16(d, p + 10);
		dz_putnum(d, "[cum ack ", cum, "] [a_rwnd ");
		dz_putu(d, dz_be32(d, p + 4));
		dz_putnum(d, "] [#gap acks ", ngap, "] [#dup tsns ");
		dz_putu(d, ndup);
		DZ_LIT(d, "] ");
		p += 12;
		*left -= 12;
		*rem -= 12;
		for (i = 0; *rem != 0 && i < ngap;
		     p += 4, *left -= 4, *rem -= 4, i++) {
			if (*rem < 4)
				return sctp_bogus(d, chunk_len);
			if (!dz_has(d, p, 4))
				return DZ_TRUNC + 1;
			dz_putnum(d, "\n\t\t[gap ack block #", i + 1, ": start = ");
			dz_putu(d, cum + dz_be16(d, p));
			dz_putnum(d, ", end = ", cum + dz_be16(d, p + 2), "] ");
		}
		for (i = 0; *rem != 0 && i < ndup;
		     p += 4, *left -= 4, *rem -= 4, i++) {
			if (*rem < 4)
				return sctp_bogus(d, chunk_len);
			if (!dz_has(d, p, 4))
				return DZ_TRUNC + 1;
			dz_putnum(d, "\n\t\t[dup TSN #", i + 1, ": ");
			dz_putu(d, dz_be32(d, p));
			DZ_LIT(d, "] ");
		}
		*bp = p;
		return 0;
	}
	default:
		*bp += *rem;
		*left -= *rem;
		*rem = 0;
		return 0;
	}
}

/* tcpdump's dz_sctp_print(): the ports, then one "(n) [TYPE] ..." a chunk. */
int dz_sctp_print(struct dz *d, size_t bp, size_t iph, int ver,
		  uint32_t length)
{
	const char *sep = " (";
	uint32_t left = length, count;
	uint16_t sport, dport;

	d->proto = "sctp";
	if (length < 12) {
		dz_putnum(d, "truncated-sctp - ", 12 - length, " bytes missing!");
		return DZ_OK;
	}
	if (!dz_has(d, bp, 12))
		goto trunc;
	sport = dz_be16(d, bp);
	dport = dz_be16(d, bp + 2);
	dz_put_addr_ports(d, iph, ver, sport, dport);
	DZ_LIT(d, ": sctp");
	bp += 12;
	left -= 12;
	for (count = 1; left != 0; count++) {
		uint32_t chunk_len, rem, align;
		uint8_t id, flg;
		int r;

		if (left < 4) {
			dz_puts(d, sep);
			dz_putu(d, count);
			DZ_LIT(d, ") [chunk descriptor cut off at end of packet]");
			break;
		}
		if (!dz_has(d, bp, 4))
			goto trunc;
		chunk_len = dz_be16(d, bp + 2);
		if (chunk_len < 4) {
			dz_puts(d, sep);
			dz_putu(d, count);
			dz_putnum(d, ") [Bad chunk length ", chunk_len, ", < size of chunk descriptor]");
			break;
		}
		rem = chunk_len;
		align = chunk_len % 4;
		if (align)
			align = 4 - align;
		if (left < align) {
			dz_puts(d, sep);
			dz_putu(d, count);
			dz_putnum(d, ") [Bad chunk length ", chunk_len, ", > remaining data in packet]");
			break;
		}
		if (!dz_has(d, bp, chunk_len))
			goto trunc;
		id = dz_u8(d, bp);
		flg = dz_u8(d, bp + 1);
		bp += 4;
		left -= 4;
		rem -= 4;
		dz_puts(d, sep);
		dz_putu(d, count);
		DZ_LIT(d, ") [");
		if (id < 15) {
			dz_puts(d, sctp_chunk_names[id]);
		} else if (id == 0xc0) {
			DZ_LIT(d, "FOR CUM TSN");
		} else if (id == 0xc1) {
			DZ_LIT(d, "REL CTRL");
		} else if (id == 0xc2) {
			DZ_LIT(d, "REL CTRL ACK");
		} else {
			DZ_LIT(d, "Unknown chunk type: 0x");
			dz_puthex(d, id, 1);
		}
		DZ_LIT(d, "] ");
		r = sctp_chunk(d, id, flg, &bp, &rem, &left, chunk_len);
		if (r == DZ_TRUNC + 1)
			return DZ_TRUNC;
		if (r)
			return DZ_OK;
		bp += rem;
		left -= rem;
		sep = ", (";
		if (align) {
			if (!dz_has(d, bp, align))
				goto trunc;
			bp += align;
			left -= align;
		}
	}
	return DZ_OK;
trunc:
	dz_trunc_mark(d);
	return DZ_OK;
}

/* VRRP (RFC 3768, RFC 5798): ttl_hl is the IP TTL or hop limit. */
int dz_vrrp_print(struct dz *d, size_t bp, uint32_t len, size_t iph,
		  int ver, uint8_t ttl_hl)
{
	unsigned version, type, auth = 0, naddrs;
	const char *c = " ";

	d->proto = "vrrp";
	DZ_NEED(d, bp, 1);
	version = dz_u8(d, bp) >> 4;
	type = dz_u8(d, bp) & 0x0f;
	dz_putnum(d, "VRRPv", version, "");
	if (type == 1) {
		DZ_LIT(d, ", Advertisement");
	} else {
		dz_putnum(d, ", unknown type (", type, ")");
	}
	if (ttl_hl != 255) {
		dz_putnum(d, ", (ttl ", ttl_hl, ")");
	}
	if (version < 2 || version > 3 || type != 1)
		return DZ_OK;
	DZ_NEED(d, bp + 1, 2);
	dz_putnum(d, ", vrid ", dz_u8(d, bp + 1), ", prio ");
	dz_putu(d, dz_u8(d, bp + 2));
	DZ_NEED(d, bp + 4, 2);
	if (version == 2) {
		auth = dz_u8(d, bp + 4);
		DZ_LIT(d, ", authtype ");
		if (auth == 0) {
			DZ_LIT(d, "none");
		} else if (auth == 1) {
			DZ_LIT(d, "simple");
		} else if (auth == 2) {
			DZ_LIT(d, "ah");
		} else {
			dz_putc(d, '#');
			dz_putu(d, auth);
		}
		dz_putnum(d, ", intvl ", dz_u8(d, bp + 5), "s, length ");
	} else {
		dz_putnum(d, ", intvl ", (dz_u8(d, bp + 4) & 0x0fu) << 8 | dz_u8(d, bp + 5), "cs, length ");
	}
	dz_putu(d, len);
	if (!d->verbose)
		return DZ_OK;
	DZ_NEED(d, bp + 3, 1);
	naddrs = dz_u8(d, bp + 3);
	if (dz_has(d, bp, len)) {
		uint16_t sum = version == 2 ? dz_fold(dz_sum16(d->pkt + bp, len))
					    : dz_l4_cksum(d, iph, ver, bp, len, 112);

		if (sum) {
			/* len may be under 8: the checksum field is then
			 * past the datagram, and maybe past the capture. */
			DZ_NEED(d, bp + 6, 2);
			DZ_LIT(d, ", (bad vrrp cksum ");
			dz_puthex(d, dz_be16(d, bp + 6), 1);
			dz_putc(d, ')');
		}
	}
	DZ_LIT(d, ", addrs");
	if (naddrs > 1) {
		dz_putc(d, '(');
		dz_putu(d, naddrs);
		dz_putc(d, ')');
	}
	dz_putc(d, ':');
	bp += 8;
	for (; naddrs != 0; naddrs--) {
		size_t alen = ver == 4 ? 4 : 16;

		DZ_NEED(d, bp, alen);
		dz_puts(d, c);
		dz_put_addr(d, bp, ver);
		bp += alen;
		c = ",";
	}
	if (version == 2 && auth == 1) {
		unsigned i;

		DZ_LIT(d, " auth \"");
		for (i = 0; i < 8; i++) {
			DZ_NEED(d, bp + i, 1);
			if (dz_u8(d, bp + i) == 0)
				break;
			dz_put_char(d, dz_u8(d, bp + i));
		}
		dz_putc(d, '"');
	}
	return DZ_OK;
}

/* ESP (RFC 4303): SPI and sequence number; the rest is ciphertext. */
int dz_esp_print(struct dz *d, size_t bp, uint32_t length)
{
	d->proto = "esp";
	if (bp + 8 >= d->snap) {
		dz_trunc_mark(d);
		return DZ_OK;
	}
	DZ_LIT(d, "ESP(spi=0x");
	dz_puthex(d, dz_be32(d, bp), 8);
	DZ_LIT(d, ",seq=0x");
	dz_puthex(d, dz_be32(d, bp + 4), 1);
	dz_putnum(d, "), length ", length, "");
	return DZ_OK;
}

/* AH (RFC 4302); *advance gets the header length. */
int dz_ah_print(struct dz *d, size_t bp, int *advance)
{
	uint32_t hl;
	uint16_t reserved;
	size_t p;

	d->proto = "ah";
	DZ_LIT(d, "AH");
	DZ_NEED(d, bp + 1, 1);
	hl = ((uint32_t)dz_u8(d, bp + 1) + 2) * 4;
	dz_putc(d, '(');
	if (d->verbose) {
		dz_putnum(d, "length=", dz_u8(d, bp + 1), "(");
		dz_putu(d, hl);
		DZ_LIT(d, "-bytes),");
	}
	DZ_NEED(d, bp + 2, 2);
	reserved = dz_be16(d, bp + 2);
	if (reserved) {
		DZ_LIT(d, "reserved=0x");
		dz_puthex(d, reserved, 1);
		DZ_LIT(d, "[MustBeZero],");
	}
	DZ_NEED(d, bp + 4, 4);
	DZ_LIT(d, "spi=0x");
	dz_puthex(d, dz_be32(d, bp + 4), 8);
	dz_putc(d, ',');
	DZ_NEED(d, bp + 8, 4);
	DZ_LIT(d, "seq=0x");
	dz_puthex(d, dz_be32(d, bp + 8), 1);
	DZ_LIT(d, ",icv=0x");
	for (p = bp + 12; p < bp + hl; p++) {
		DZ_NEED(d, p, 1);
		dz_puthex(d, dz_u8(d, p), 2);
	}
	DZ_LIT(d, "): ");
	*advance = (int)hl;
	return DZ_OK;
}

int dz_ipcomp_print(struct dz *d, size_t bp)
{
	d->proto = "ipcomp";
	DZ_NEED(d, bp + 2, 2);
	DZ_LIT(d, "IPComp(cpi=0x");
	dz_puthex(d, dz_be16(d, bp + 2), 4);
	dz_putc(d, ')');
	return DZ_OK;
}
