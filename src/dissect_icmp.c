/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dissect_icmp.c - ICMP (with RFC 4884 extensions) and ICMPv6 (neighbor
 * discovery, MLD) as tcpdump 4.99 prints them.
 *
 * Like dissect.c, it follows tcpdump's order of checks and output.
 */
#include "dissect_int.h"

/* ---- ICMP ----------------------------------------------------------------- */

/* Milliseconds since midnight UT (RFC 792 timestamp) as HH:MM:SS.mmm. */
static void put_icmp_tstamp(struct dz *d, uint32_t t)
{
	uint32_t ms = t % 1000, sec = t / 1000, min, hrs;

	min = sec / 60;
	sec -= min * 60;
	hrs = min / 60;
	min -= hrs * 60;
	if (hrs < 10)
		dz_putc(d, '0');
	dz_putu(d, hrs);
	dz_putc(d, ':');
	if (min < 10)
		dz_putc(d, '0');
	dz_putu(d, min);
	dz_putc(d, ':');
	if (sec < 10)
		dz_putc(d, '0');
	dz_putu(d, sec);
	dz_putc(d, '.');
	if (ms < 100)
		dz_putc(d, '0');
	if (ms < 10)
		dz_putc(d, '0');
	dz_putu(d, ms);
}

static const struct dz_tok icmp_type_names[] = {
	{ 0, "echo reply" }, { 4, "source quench" }, { 8, "echo request" },
	{ 10, "router solicitation" }, { 13, "time stamp request" },
	{ 14, "time stamp reply" }, { 15, "information request" },
	{ 16, "information reply" }, { 17, "address mask request" },
	{ 0, NULL }
};

/* Destination unreachable codes (RFC 792, 1122, 1812) whose text is
 * "<prefix><addr><suffix>". */
static const struct {
	const char *pre, *post;
} icmp_unreach_text[16] = {
	[0] = { "net ", " unreachable" },
	[1] = { "host ", " unreachable" },
	[5] = { "", " unreachable - source route failed" },
	[6] = { "net ", " unreachable - unknown" },
	[7] = { "host ", " unreachable - unknown" },
	[8] = { "", " unreachable - source host isolated" },
	[9] = { "net ", " unreachable - admin prohibited" },
	[10] = { "host ", " unreachable - admin prohibited" },
	[11] = { "net ", " unreachable - tos prohibited" },
	[12] = { "host ", " unreachable - tos prohibited" },
	[13] = { "host ", " unreachable - admin prohibited filter" },
	[14] = { "host ", " unreachable - host precedence violation" },
	[15] = { "host ", " unreachable - precedence cutoff" },
};

/*
 * The text between "ICMP " and ", length": tcpdump builds all of it before
 * printing any, so a missing byte leaves only " [|icmp]".  Returns DZ_OK,
 * DZ_TRUNC, or -1 for a truncation tcpdump reports itself.
 */
static int icmp_text(struct dz *d, size_t bp, uint8_t type, uint8_t code)
{
	size_t oip = bp + 8;
	uint32_t v;

	switch (type) {
	case 0:
	case 8:
		DZ_NEED(d, bp + 4, 4);
		DZ_LIT(d, "echo ");
		if (type == 8)
			DZ_LIT(d, "request");
		else
			DZ_LIT(d, "reply");
		dz_putnum(d, ", id ", dz_be16(d, bp + 4), ", seq ");
		dz_putu(d, dz_be16(d, bp + 6));
		return DZ_OK;
	case 3:
		if (code == 2) {
			DZ_NEED(d, oip + 16, 4);
			dz_put_ip4(d, d->pkt + oip + 16);
			dz_putnum(d, " protocol ", dz_u8(d, oip + 9), " unreachable");
		} else if (code == 3) {
			size_t hl;
			uint8_t p;
			uint16_t dport;

			if (!dz_has(d, oip + 9, 1))
				return -1;
			hl = (size_t)(dz_u8(d, oip) & 15) * 4;
			DZ_NEED(d, oip + hl + 2, 2);
			dport = dz_be16(d, oip + hl + 2);
			p = dz_u8(d, oip + 9);
			DZ_NEED(d, oip + 16, 4);
			dz_put_ip4(d, d->pkt + oip + 16);
			if (p == IPPROTO_TCP_) {
				dz_putnum(d, " tcp port ", dport, "");
			} else if (p == IPPROTO_UDP_) {
				dz_putnum(d, " udp port ", dport, "");
			} else {
				dz_putnum(d, " protocol ", p, " port ");
				dz_putu(d, dport);
			}
			DZ_LIT(d, " unreachable");
		} else if (code == 4) {
			DZ_NEED(d, bp + 6, 2);
			v = dz_be16(d, bp + 6);
			DZ_NEED(d, oip + 16, 4);
			dz_put_ip4(d, d->pkt + oip + 16);
			DZ_LIT(d, " unreachable - need to frag");
			if (v) {
				dz_putnum(d, " (mtu ", v, ")");
			}
		} else if (code < 16) {
			DZ_NEED(d, oip + 16, 4);
			dz_puts(d, icmp_unreach_text[code].pre);
			dz_put_ip4(d, d->pkt + oip + 16);
			dz_puts(d, icmp_unreach_text[code].post);
		} else {
			DZ_NEED(d, oip + 16, 4);
			dz_put_ip4(d, d->pkt + oip + 16);
			dz_putnum(d, " unreachable - #", code, "");
		}
		return DZ_OK;
	case 5:
		DZ_NEED(d, oip + 16, 4);
		DZ_NEED(d, bp + 4, 4);
		switch (code) {
		case 0:
			DZ_LIT(d, "redirect ");
			dz_put_ip4(d, d->pkt + oip + 16);
			DZ_LIT(d, " to net ");
			break;
		case 1:
			DZ_LIT(d, "redirect ");
			dz_put_ip4(d, d->pkt + oip + 16);
			DZ_LIT(d, " to host ");
			break;
		case 2:
			DZ_LIT(d, "redirect-tos ");
			dz_put_ip4(d, d->pkt + oip + 16);
			DZ_LIT(d, " to net ");
			break;
		case 3:
			DZ_LIT(d, "redirect-tos ");
			dz_put_ip4(d, d->pkt + oip + 16);
			DZ_LIT(d, " to host ");
			break;
		default:
			dz_putnum(d, "redirect-#", code, " ");
			dz_put_ip4(d, d->pkt + oip + 16);
			DZ_LIT(d, " to ");
			break;
		}
		dz_put_ip4(d, d->pkt + bp + 4);
		return DZ_OK;
	case 9: {
		uint32_t lifetime, num, size;
		size_t idp;

		DZ_LIT(d, "router advertisement");
		if (!dz_has(d, bp + 4, 4))
			return -1;
		DZ_LIT(d, " lifetime ");
		lifetime = dz_be16(d, bp + 6);
		if (lifetime < 60) {
			dz_putu(d, lifetime);
		} else if (lifetime < 3600) {
			dz_putu(d, lifetime / 60);
			dz_putc(d, ':');
			if (lifetime % 60 < 10)
				dz_putc(d, '0');
			dz_putu(d, lifetime % 60);
		} else {
			dz_putu(d, lifetime / 3600);
			dz_putc(d, ':');
			if (lifetime % 3600 / 60 < 10)
				dz_putc(d, '0');
			dz_putu(d, lifetime % 3600 / 60);
			dz_putc(d, ':');
			if (lifetime % 60 < 10)
				dz_putc(d, '0');
			dz_putu(d, lifetime % 60);
		}
		num = dz_u8(d, bp + 4);
		dz_putc(d, ' ');
		dz_putu(d, num);
		dz_putc(d, ':');
		size = dz_u8(d, bp + 5);
		if (size != 2) {
			dz_putnum(d, " [size ", size, "]");
			return DZ_OK;
		}
		for (idp = bp + 8; num > 0; num--, idp += 8) {
			if (!dz_has(d, idp, 8))
				return -1;
			DZ_LIT(d, " {");
			dz_put_ip4(d, d->pkt + idp);
			dz_putc(d, ' ');
			dz_putu(d, dz_be32(d, idp + 4));
			dz_putc(d, '}');
		}
		return DZ_OK;
	}
	case 11:
		if (!dz_has(d, oip + 16, 4))
			return -1;
		if (code == 0) {
			DZ_LIT(d, "time exceeded in-transit");
		} else if (code == 1) {
			DZ_LIT(d, "ip reassembly time exceeded");
		} else {
			dz_putnum(d, "time exceeded-#", code, "");
		}
		return DZ_OK;
	case 12:
		if (code) {
			dz_putnum(d, "parameter problem - code ", code, "");
		} else {
			DZ_NEED(d, bp + 4, 1);
			dz_putnum(d, "parameter problem - octet ", dz_u8(d, bp + 4), "");
		}
		return DZ_OK;
	case 18:
		DZ_NEED(d, bp + 8, 4);
		DZ_LIT(d, "address mask is 0x");
		dz_puthex(d, dz_be32(d, bp + 8), 8);
		return DZ_OK;
	case 13:
		DZ_NEED(d, bp + 4, 4);
		dz_putnum(d, "time stamp query id ", dz_be16(d, bp + 4), " seq ");
		dz_putu(d, dz_be16(d, bp + 6));
		return DZ_OK;
	case 14:
		if (!dz_has(d, bp + 16, 4))
			return -1;
		dz_putnum(d, "time stamp reply id ", dz_be16(d, bp + 4), " seq ");
		dz_putu(d, dz_be16(d, bp + 6));
		DZ_LIT(d, ": org ");
		put_icmp_tstamp(d, dz_be32(d, bp + 8));
		DZ_LIT(d, ", recv ");
		put_icmp_tstamp(d, dz_be32(d, bp + 12));
		DZ_LIT(d, ", xmit ");
		put_icmp_tstamp(d, dz_be32(d, bp + 16));
		return DZ_OK;
	default: {
		const char *s = dz_tok_find(icmp_type_names, type);

		if (s) {
			dz_puts(d, s);
		} else {
			dz_putnum(d, "type-#", type, "");
		}
		return DZ_OK;
	}
	}
}

static bool icmp_errtype(uint8_t t)
{
	return t == 3 || t == 4 || t == 5 || t == 11 || t == 12;
}

/* RFC 4884 extension objects after the 128-byte original datagram. */
static int icmp_ext_print(struct dz *d, size_t bp, uint32_t plen)
{
	uint32_t hlen, obj_tlen;
	size_t ext = bp + 136, obj;
	uint8_t ver;

	DZ_NEED(d, bp, 141);
	if (dz_u8(d, bp + 5) == 0 && dz_has(d, ext, plen - 136) &&
	    dz_fold(dz_sum16(d->pkt + ext, plen - 136)) != 0)
		return DZ_OK;
	ver = dz_u8(d, ext) >> 4;
	dz_putnum(d, "\n\tICMP Multi-Part extension v", ver, "");
	if (ver != 2) {
		DZ_LIT(d, " packet not supported");
		return DZ_OK;
	}
	hlen = plen - 136;
	if (dz_has(d, ext, hlen)) {
		DZ_LIT(d, ", checksum 0x");
		dz_puthex(d, dz_be16(d, ext + 2), 4);
		DZ_LIT(d, " (");
		if (dz_fold(dz_sum16(d->pkt + ext, hlen)) != 0)
			DZ_LIT(d, "in");
		dz_putnum(d, "correct), length ", hlen, "");
	}
	hlen -= 4;
	obj = ext + 4;
	while (hlen > 4) {
		uint8_t cls, ctype;
		int rc;

		if (!dz_has(d, obj, 4)) {
			dz_trunc_mark(d);
			return DZ_OK;
		}
		obj_tlen = dz_be16(d, obj);
		cls = dz_u8(d, obj + 2);
		ctype = dz_u8(d, obj + 3);
		obj += 4;
		DZ_LIT(d, "\n\t  ");
		if (cls == 1)
			DZ_LIT(d, "MPLS Stack Entry");
		else if (cls == 2)
			DZ_LIT(d, "Interface Identification");
		else
			DZ_LIT(d, "unknown");
		dz_putnum(d, " Object (", cls, "), Class-Type: ");
		dz_putu(d, ctype);
		dz_putnum(d, ", length ", obj_tlen, "");
		hlen -= 4;
		if (cls == 0 || obj_tlen < 4)
			return DZ_OK;
		obj_tlen -= 4;
		if (cls == 1 && ctype == 1) {
			uint32_t l;

			DZ_NEED(d, obj, 4);
			l = dz_be32(d, obj);
			dz_putnum(d, "\n\t    label ", l >> 12, ", tc ");
			dz_putu(d, (l >> 9) & 7);
			if (l & 0x100)
				DZ_LIT(d, ", [S]");
			dz_putnum(d, ", ttl ", l & 0xff, "");
		} else {
			rc = dz_put_unknown_data(d, obj, obj_tlen, "\n\t    ");
			if (rc != DZ_OK)
				return rc;
		}
		if (hlen < obj_tlen)
			break;
		hlen -= obj_tlen;
		obj += obj_tlen;
	}
	return DZ_OK;
}

/* tcpdump's dz_icmp_print(). */
int dz_icmp_print(struct dz *d, size_t bp, uint32_t plen, bool fragmented)
{
	struct dz_out text, *real = d->o;
	char tbuf[164];	/* tcpdump's buffer: MAXHOSTNAMELEN + 100, NUL included */
	uint8_t type, code;
	int rc;

	d->proto = "icmp";
	DZ_NEED(d, bp, 2);
	type = dz_u8(d, bp);
	code = dz_u8(d, bp + 1);

	text.buf = tbuf;
	text.len = 0;
	text.cap = sizeof(tbuf) - 1;
	d->o = &text;
	rc = icmp_text(d, bp, type, code);
	d->o = real;
	if (rc == DZ_TRUNC)
		return DZ_TRUNC;
	if (rc < 0) {
		dz_trunc_mark(d);
		return DZ_OK;
	}
	DZ_LIT(d, "ICMP ");
	dz_putn(d, tbuf, text.len);
	dz_putnum(d, ", length ", plen, "");
	if (d->verbose && !fragmented && dz_has(d, bp, plen)) {
		uint16_t sum = dz_fold(dz_sum16(d->pkt + bp, plen));

		if (sum != 0) {
			uint16_t isum;

			/* A message shorter than its checksum field: tcpdump's
			 * GET_BE_U_2 stops there with the truncation mark. */
			DZ_NEED(d, bp + 2, 2);
			isum = dz_be16(d, bp + 2);
			DZ_LIT(d, " (wrong icmp cksum ");
			dz_puthex(d, isum, 1);
			DZ_LIT(d, " (->");
			dz_puthex(d, dz_cksum_shouldbe(isum, sum), 1);
			DZ_LIT(d, ")!)");
		}
	}
	if (d->verbose && icmp_errtype(type)) {
		size_t saved = d->snap, lim;
		uint32_t ilen;

		DZ_LIT(d, "\n\t");
		DZ_NEED(d, bp + 8 + 2, 2);
		ilen = dz_be16(d, bp + 8 + 2);
		lim = bp + 8 + ilen;
		if (lim < d->snap)
			d->snap = lim;
		/* tcpdump reads ip_len again, now within the shorter capture */
		DZ_NEED(d, bp + 8 + 2, 2);
		if (d->depth >= DZ_MAX_DEPTH)
			return DZ_OK;
		d->depth++;
		rc = dz_ip4_print(d, bp + 8, ilen);
		d->depth--;
		d->snap = saved;
		if (rc != DZ_OK)
			return rc;
	}
	d->proto = "icmp";
	if (d->verbose && plen > 136 &&
	    (type == 3 || type == 11 || type == 12))
		return icmp_ext_print(d, bp, plen);
	return DZ_OK;
}

/* ---- ICMPv6 ----------------------------------------------------------------- */

static const struct dz_tok icmp6_type_names[] = {
	{ 1, "destination unreachable" }, { 2, "packet too big" },
	{ 3, "time exceeded in-transit" }, { 4, "parameter problem" },
	{ 128, "echo request" }, { 129, "echo reply" },
	{ 130, "multicast listener query" },
	{ 131, "multicast listener report" },
	{ 132, "multicast listener done" }, { 133, "router solicitation" },
	{ 134, "router advertisement" }, { 135, "neighbor solicitation" },
	{ 136, "neighbor advertisement" }, { 137, "redirect" },
	{ 138, "router renumbering" },
	{ 141, "inverse neighbor solicitation" },
	{ 142, "inverse neighbor advertisement" },
	{ 143, "multicast listener report v2" },
	{ 144, "ha discovery request" }, { 145, "ha discovery reply" },
	{ 146, "mobile router solicitation" },
	{ 147, "mobile router advertisement" },
	{ 139, "node information query" }, { 140, "node information reply" },
	{ 201, "mtrace message" }, { 200, "mtrace response" },
	{ 155, "RPL" }, { 0, NULL }
};

static const struct dz_tok icmp6_unreach_names[] = {
	{ 0, "unreachable route" }, { 1, " unreachable prohibited" },
	{ 2, "beyond scope" }, { 3, "unreachable address" },
	{ 4, "unreachable port" }, { 0, NULL }
};

static const struct dz_tok icmp6_opt_names[] = {
	{ 1, "source link-address" }, { 2, "destination link-address" },
	{ 3, "prefix info" }, { 4, "redirected header" }, { 5, "mtu" },
	{ 25, "rdnss" }, { 31, "dnssl" }, { 7, "advertisement interval" },
	{ 8, "homeagent information" }, { 24, "route info" }, { 0, NULL }
};

static void put_lifetime(struct dz *d, uint32_t v)
{
	if (v == 0xffffffffu) {
		DZ_LIT(d, "infinity");
	} else {
		dz_putu(d, v);
		dz_putc(d, 's');
	}
}

static const char *rtpref(uint8_t v)
{
	static const char *const s[4] = { "medium", "high", "rsv", "low" };

	return s[(v & 0x18) >> 3];
}

/*
 * The upper-layer header inside an ICMPv6 error (tcpdump's
 * get_upperlayer()): returns its offset and protocol, or 0.
 */
static size_t icmp6_upper(const struct dz *d, size_t bp, uint8_t *prot)
{
	size_t hlen = 40;
	uint8_t nh;

	if (!dz_has(d, bp + 6, 1))
		return 0;
	nh = dz_u8(d, bp + 6);
	while (bp < d->snap) {
		bp += hlen;
		switch (nh) {
		case IPPROTO_UDP_:
		case IPPROTO_TCP_:
			if (!dz_has(d, bp + 2, 2))
				return 0;
			*prot = nh;
			return bp;
		case IPPROTO_HOPOPTS_:
		case IPPROTO_DSTOPTS_:
		case IPPROTO_ROUTING_:
			if (!dz_has(d, bp + 1, 1))
				return 0;
			nh = dz_u8(d, bp);
			hlen = ((size_t)dz_u8(d, bp + 1) + 1) << 3;
			break;
		case IPPROTO_FRAGMENT_:
			if (!dz_has(d, bp + 2, 2))
				return 0;
			if (dz_be16(d, bp + 2) & 0xfff8)
				return 0;
			nh = dz_u8(d, bp);
			hlen = 8;
			break;
		case IPPROTO_AH_:
			if (!dz_has(d, bp + 1, 1))
				return 0;
			nh = dz_u8(d, bp);
			hlen = ((size_t)dz_u8(d, bp + 1) + 2) << 2;
			break;
		default:
			*prot = nh;
			return 0;
		}
	}
	return 0;
}

/* Neighbor discovery options (RFC 4861 4.6) in -v mode: 0, or -1 when the
 * options run past the capture; DZ_TRUNC via *rc. */
static int icmp6_opt_print(struct dz *d, size_t cp, int resid, int *rc)
{
	size_t opts = cp;

	while (cp < d->snap) {
		uint8_t type;
		uint32_t len, l, i;
		const char *name;

		if (!dz_has(d, cp + 1, 1))
			return -1;
		if (resid <= 0)
			return 0;
		type = dz_u8(d, cp);
		len = dz_u8(d, cp + 1);
		if (len == 0)
			return -1;
		if (cp + (len << 3) > d->snap)
			return -1;
		DZ_LIT(d, "\n\t  ");
		name = dz_tok_find(icmp6_opt_names, type);
		dz_puts(d, name ? name : "unknown");
		dz_putnum(d, " option (", type, "), length ");
		dz_putu(d, len << 3);
		dz_putnum(d, " (", len, "): ");
		switch (type) {
		case 1:
		case 2:
			l = (len << 3) - 2;
			for (i = 0; i < l; i++) {
				if (i)
					dz_putc(d, ':');
				dz_puthex(d, dz_u8(d, cp + 2 + i), 2);
			}
			break;
		case 3:
			if (!dz_has(d, cp + 16, 16)) {
				*rc = DZ_TRUNC;
				return 0;
			}
			dz_put_ip6(d, d->pkt + cp + 16);
			dz_putc(d, '/');
			dz_putu(d, dz_u8(d, cp + 2));
			if (len != 4)
				DZ_LIT(d, "badlen");
			DZ_LIT(d, ", Flags [");
			{
				uint8_t f = dz_u8(d, cp + 3);
				const char *sep = "";

				if (!(f & 0xe0))
					DZ_LIT(d, "none");
				if (f & 0x80) {
					DZ_LIT(d, "onlink");
					sep = ", ";
				}
				if (f & 0x40) {
					dz_puts(d, sep);
					DZ_LIT(d, "auto");
					sep = ", ";
				}
				if (f & 0x20) {
					dz_puts(d, sep);
					DZ_LIT(d, "router");
				}
			}
			DZ_LIT(d, "], valid time ");
			put_lifetime(d, dz_be32(d, cp + 4));
			DZ_LIT(d, ", pref. time ");
			put_lifetime(d, dz_be32(d, cp + 8));
			break;
		case 4:
			*rc = dz_put_unknown_data(d, cp, len << 3, "\n\t    ");
			if (*rc != DZ_OK)
				return 0;
			break;
		case 5:
			if (!dz_has(d, cp + 4, 4)) {
				*rc = DZ_TRUNC;
				return 0;
			}
			dz_putc(d, ' ');
			dz_putu(d, dz_be32(d, cp + 4));
			if (len != 1)
				DZ_LIT(d, "bad option length");
			break;
		case 25:
			if (!dz_has(d, cp + 4, 4)) {
				*rc = DZ_TRUNC;
				return 0;
			}
			l = (len - 1) / 2;
			dz_putnum(d, " lifetime ", dz_be32(d, cp + 4), "s,");
			for (i = 0; i < l; i++) {
				if (!dz_has(d, cp + 8 + 16 * i, 16)) {
					*rc = DZ_TRUNC;
					return 0;
				}
				DZ_LIT(d, " addr: ");
				dz_put_ip6(d, d->pkt + cp + 8 + 16 * i);
			}
			break;
		case 7:
			if (!dz_has(d, cp + 4, 4)) {
				*rc = DZ_TRUNC;
				return 0;
			}
			dz_putc(d, ' ');
			dz_putu(d, dz_be32(d, cp + 4));
			DZ_LIT(d, "ms");
			break;
		case 8:
			if (!dz_has(d, cp + 4, 4)) {
				*rc = DZ_TRUNC;
				return 0;
			}
			dz_putnum(d, " preference ", dz_be16(d, cp + 4), ", lifetime ");
			dz_putu(d, dz_be16(d, cp + 6));
			break;
		case 24: {
			uint8_t a[16];

			if (!dz_has(d, cp + 4, 4))
				return -1;
			memset(a, 0, sizeof(a));
			if (len == 2 || len == 3) {
				size_t n = len == 2 ? 8 : 16;

				if (!dz_has(d, cp + 8, n)) {
					*rc = DZ_TRUNC;
					return 0;
				}
				memcpy(a, d->pkt + cp + 8, n);
			} else if (len != 1) {
				return -1;
			}
			dz_putc(d, ' ');
			dz_put_ip6(d, a);
			dz_putc(d, '/');
			dz_putu(d, dz_u8(d, cp + 2));
			DZ_LIT(d, ", pref=");
			dz_puts(d, rtpref(dz_u8(d, cp + 3)));
			DZ_LIT(d, ", lifetime=");
			put_lifetime(d, dz_be32(d, cp + 4));
			break;
		}
		case 31: {
			size_t domp = cp + 8, end = cp + (len << 3);

			if (!dz_has(d, cp + 4, 4)) {
				*rc = DZ_TRUNC;
				return 0;
			}
			dz_putnum(d, " lifetime ", dz_be32(d, cp + 4), "s, domain(s):");
			while (domp < end) {
				if (!dz_has(d, domp, 1)) {
					*rc = DZ_TRUNC;
					return 0;
				}
				if (dz_u8(d, domp) == 0)
					break;
				dz_putc(d, ' ');
				*rc = dz_fqdn(d, domp, opts, &domp);
				if (*rc != DZ_OK)
					return 0;
				if (domp == 0)
					return -1;
			}
			break;
		}
		default:
			*rc = dz_put_unknown_data(d, cp + 2, (len << 3) - 2,
					       "\n\t  ");
			return 0;
		}
		cp += len << 3;
		resid -= (int)(len << 3);
	}
	return 0;
}

#define OPTS_PRINTED (-1)

/* icmp6_opt_print() for a message printer: OPTS_PRINTED to go on, or what
 * the printer returns (DZ_TRUNC; DZ_OK after the truncation mark). */
static int icmp6_opts(struct dz *d, size_t cp, int resid)
{
	int rc = DZ_OK, r = icmp6_opt_print(d, cp, resid, &rc);

	if (rc != DZ_OK)
		return rc;
	if (r < 0) {
		dz_trunc_mark(d);
		return DZ_OK;
	}
	return OPTS_PRINTED;
}

static int mld6_print(struct dz *d, size_t bp)
{
	if (bp + 24 > d->snap)
		return DZ_OK;
	dz_putnum(d, "max resp delay: ", dz_be16(d, bp + 4), " addr: ");
	dz_put_ip6(d, d->pkt + bp + 8);
	return DZ_OK;
}

static const char *const mldv2_types[7] = {
	NULL, "is_in", "is_ex", "to_in", "to_ex", "allow", "block"
};

static int mldv2_report_print(struct dz *d, size_t bp, uint32_t len)
{
	uint32_t group, nsrcs, ngroups, i;

	if (len < 8) {
		dz_putnum(d, " [invalid len ", len, "]");
		return DZ_OK;
	}
	DZ_NEED(d, bp + 6, 2);
	ngroups = dz_be16(d, bp + 6);
	dz_putnum(d, ", ", ngroups, " group record(s)");
	if (!d->verbose)
		return DZ_OK;
	group = 8;
	for (i = 0; i < ngroups; i++) {
		uint8_t t;

		if (len < group + 20) {
			DZ_LIT(d, " [invalid number of groups]");
			return DZ_OK;
		}
		DZ_NEED(d, bp + group + 4, 16);
		DZ_LIT(d, " [gaddr ");
		dz_put_ip6(d, d->pkt + bp + group + 4);
		DZ_NEED(d, bp + group, 4);
		t = dz_u8(d, bp + group);
		dz_putc(d, ' ');
		if (t >= 1 && t <= 6) {
			dz_puts(d, mldv2_types[t]);
		} else {
			dz_putnum(d, " [v2-report-#", t, "]");
		}
		nsrcs = dz_be16(d, bp + group + 2);
		if (len < group + 20 + nsrcs * 16) {
			dz_putnum(d, " [invalid number of sources ", nsrcs, "]");
			return DZ_OK;
		}
		dz_putnum(d, ", ", nsrcs, " source(s)");
		group += 20 + nsrcs * 16;
		dz_putc(d, ']');
	}
	return DZ_OK;
}

static int mldv2_query_print(struct dz *d, size_t bp, uint32_t len)
{
	uint32_t mrc, mrt, qqi, nsrcs;
	uint8_t b24, b25;

	if (len < 28) {
		dz_putnum(d, " [invalid len ", len, "]");
		return DZ_OK;
	}
	DZ_NEED(d, bp + 4, 2);
	mrc = dz_be16(d, bp + 4);
	if (mrc < 32768)
		mrt = mrc;
	else
		mrt = ((mrc & 0x0fff) | 0x1000) << (((mrc & 0x7000) >> 12) + 3);
	if (d->verbose) {
		dz_putnum(d, " [max resp delay=", mrt, "]");
	}
	DZ_NEED(d, bp + 8, 16);
	DZ_LIT(d, " [gaddr ");
	dz_put_ip6(d, d->pkt + bp + 8);
	if (d->verbose) {
		DZ_NEED(d, bp + 24, 2);
		b24 = dz_u8(d, bp + 24);
		b25 = dz_u8(d, bp + 25);
		if (b24 & 0x08)
			DZ_LIT(d, " sflag");
		if (b24 & 0x07) {
			dz_putnum(d, " robustness=", b24 & 0x07, "");
		}
		if (b25 < 128)
			qqi = b25;
		else
			qqi = ((b25 & 0x0f) | 0x10) << (((b25 & 0x70) >> 4) + 3);
		dz_putnum(d, " qqi=", qqi, "");
	}
	DZ_NEED(d, bp + 26, 2);
	nsrcs = dz_be16(d, bp + 26);
	if (nsrcs > 0) {
		if (len < 28 + nsrcs * 16) {
			DZ_LIT(d, " [invalid number of sources]");
		} else {
			dz_putnum(d, ", ", nsrcs, " source(s)");
		}
	}
	dz_putc(d, ']');
	return DZ_OK;
}

/* tcpdump's dz_icmp6_print(). */
int dz_icmp6_print(struct dz *d, size_t bp, uint32_t length, size_t iph,
		   bool fragmented)
{
	uint8_t type, code;
	size_t oip = bp + 8;
	const char *s;
	int rc = DZ_OK, r;

	d->proto = "icmp6";
	if (length == 0) {
		DZ_LIT(d, "ICMP6, length 0");
		dz_put_invalid(d);
		return DZ_OK;
	}
	if (d->verbose && !fragmented && dz_has(d, bp, length)) {
		uint16_t isum, sum;

		DZ_NEED(d, bp + 2, 2);
		isum = dz_be16(d, bp + 2);
		sum = dz_l4_cksum(d, iph, 6, bp, length, IPPROTO_ICMPV6_);
		dz_put_sum_check(d, "icmp6", isum, sum);
	}
	DZ_NEED(d, bp, 1);
	type = dz_u8(d, bp);
	DZ_LIT(d, "ICMP6, ");
	s = dz_tok_find(icmp6_type_names, type);
	if (s) {
		dz_puts(d, s);
	} else {
		dz_putnum(d, "unknown icmp6 type (", type, ")");
	}
	if (d->verbose && (type == 133 || type == 134 || type == 136 ||
			   type == 135 || type == 137 || type == 145 ||
			   type == 147)) {
		dz_putnum(d, ", length ", length, "");
	}
	DZ_NEED(d, bp + 1, 1);
	code = dz_u8(d, bp + 1);

	switch (type) {
	case 1:
		DZ_LIT(d, ", ");
		s = dz_tok_find(icmp6_unreach_names, code);
		if (s) {
			dz_puts(d, s);
		} else {
			dz_putnum(d, "unknown unreach code (", code, ")");
		}
		switch (code) {
		case 0:
		case 1:
		case 3:
			DZ_NEED(d, oip + 24, 16);
			dz_putc(d, ' ');
			dz_put_ip6(d, d->pkt + oip + 24);
			break;
		case 2:
			DZ_NEED(d, oip + 24, 16);
			dz_putc(d, ' ');
			dz_put_ip6(d, d->pkt + oip + 24);
			DZ_LIT(d, ", source address ");
			DZ_NEED(d, oip + 8, 16);
			dz_put_ip6(d, d->pkt + oip + 8);
			break;
		case 4: {
			uint8_t prot = 0;
			size_t ouh = icmp6_upper(d, oip, &prot);
			uint16_t dport;

			if (!ouh) {
				dz_trunc_mark(d);
				return DZ_OK;
			}
			dport = dz_be16(d, ouh + 2);
			DZ_NEED(d, oip + 24, 16);
			DZ_LIT(d, ", ");
			dz_put_ip6(d, d->pkt + oip + 24);
			if (prot == IPPROTO_TCP_)
				DZ_LIT(d, " tcp port ");
			else
				DZ_LIT(d, " udp port ");
			dz_putu(d, dport);
			break;
		}
		default:
			/* tcpdump dumps the message up to -v. */
			return dz_put_unknown_data(d, bp, length, "\n\t");
		}
		break;
	case 2:
		DZ_NEED(d, bp + 4, 4);
		dz_putnum(d, ", mtu ", dz_be32(d, bp + 4), "");
		break;
	case 3:
		if (code == 0) {
			DZ_NEED(d, oip + 24, 16);
			DZ_LIT(d, " for ");
			dz_put_ip6(d, d->pkt + oip + 24);
		} else if (code == 1) {
			DZ_LIT(d, " (reassembly)");
		} else {
			dz_putnum(d, ", unknown code (", code, ")");
		}
		break;
	case 4:
		if (!dz_has(d, oip + 24, 16)) {
			dz_trunc_mark(d);
			return DZ_OK;
		}
		switch (code) {
		case 0:
			DZ_LIT(d, ", erroneous - octet ");
			break;
		case 1:
			DZ_LIT(d, ", next header - octet ");
			break;
		case 2:
			DZ_LIT(d, ", option - octet ");
			break;
		case 3:
			DZ_LIT(d, ", incomplete header chain - octet ");
			break;
		default:
			dz_putnum(d, ", code-#", code, "");
			break;
		}
		if (code <= 3)
			dz_putu(d, dz_be32(d, bp + 4));
		break;
	case 128:
	case 129:
		DZ_NEED(d, bp + 4, 4);
		dz_putnum(d, ", id ", dz_be16(d, bp + 4), ", seq ");
		dz_putu(d, dz_be16(d, bp + 6));
		break;
	case 130:
		if (length == 24) {
			rc = mld6_print(d, bp);
		} else if (length >= 28) {
			DZ_LIT(d, " v2");
			rc = mldv2_query_print(d, bp, length);
		} else {
			dz_putnum(d, " unknown-version (len ", length, ") ");
		}
		break;
	case 131:
	case 132:
		rc = mld6_print(d, bp);
		break;
	case 133:
		if (d->verbose) {
			r = icmp6_opts(d, bp + 8, (int)length - 8);
			if (r != OPTS_PRINTED)
				return r;
		}
		break;
	case 134:
		if (d->verbose) {
			uint8_t f;
			const char *sep = "";

			DZ_NEED(d, bp + 4, 12);
			f = dz_u8(d, bp + 5);
			dz_putnum(d, "\n\thop limit ", dz_u8(d, bp + 4), ", Flags [");
			if (!(f & 0xe0))
				DZ_LIT(d, "none");
			if (f & 0x80) {
				DZ_LIT(d, "managed");
				sep = ", ";
			}
			if (f & 0x40) {
				dz_puts(d, sep);
				DZ_LIT(d, "other stateful");
				sep = ", ";
			}
			if (f & 0x20) {
				dz_puts(d, sep);
				DZ_LIT(d, "home agent");
			}
			DZ_LIT(d, "], pref ");
			dz_puts(d, rtpref(f));
			dz_putnum(d, ", router lifetime ", dz_be16(d, bp + 6), "s, reachable time ");
			dz_putu(d, dz_be32(d, bp + 8));
			dz_putnum(d, "ms, retrans timer ", dz_be32(d, bp + 12), "ms");
			r = icmp6_opts(d, bp + 16, (int)length - 16);
			if (r != OPTS_PRINTED)
				return r;
		}
		break;
	case 135:
		DZ_NEED(d, bp + 8, 16);
		DZ_LIT(d, ", who has ");
		dz_put_ip6(d, d->pkt + bp + 8);
		if (d->verbose) {
			r = icmp6_opts(d, bp + 24, (int)length - 24);
			if (r != OPTS_PRINTED)
				return r;
		}
		break;
	case 136:
		DZ_NEED(d, bp + 8, 16);
		DZ_LIT(d, ", tgt is ");
		dz_put_ip6(d, d->pkt + bp + 8);
		if (d->verbose) {
			uint32_t f;
			const char *sep = "";

			DZ_NEED(d, bp + 4, 4);
			f = dz_be32(d, bp + 4);
			DZ_LIT(d, ", Flags [");
			if (!(f & 0xe0000000))
				DZ_LIT(d, "none");
			if (f & 0x80000000) {
				DZ_LIT(d, "router");
				sep = ", ";
			}
			if (f & 0x40000000) {
				dz_puts(d, sep);
				DZ_LIT(d, "solicited");
				sep = ", ";
			}
			if (f & 0x20000000) {
				dz_puts(d, sep);
				DZ_LIT(d, "override");
			}
			dz_putc(d, ']');
			r = icmp6_opts(d, bp + 24, (int)length - 24);
			if (r != OPTS_PRINTED)
				return r;
		}
		break;
	case 137:
		DZ_NEED(d, bp + 24, 16);
		DZ_LIT(d, ", ");
		dz_put_ip6(d, d->pkt + bp + 24);
		DZ_NEED(d, bp + 8, 16);
		DZ_LIT(d, " to ");
		dz_put_ip6(d, d->pkt + bp + 8);
		if (d->verbose) {
			r = icmp6_opts(d, bp + 40, (int)length - 40);
			if (r != OPTS_PRINTED)
				return r;
		}
		break;
	case 141:
	case 142:
		break;
	case 143:
		rc = mldv2_report_print(d, bp, length);
		break;
	case 144:
	case 146:
		DZ_NEED(d, bp + 4, 2);
		DZ_LIT(d, ", id 0x");
		dz_puthex(d, dz_be16(d, bp + 4), 4);
		break;
	case 145:
	case 147:
		if (d->verbose) {
			/* Home-agent and mobile-prefix replies: rare; the
			 * id only. */
			DZ_NEED(d, bp + 4, 2);
			DZ_LIT(d, ", id 0x");
			dz_puthex(d, dz_be16(d, bp + 4), 4);
		}
		break;
	case 138:
	case 139:
	case 140:
	case 155:
		/* Router renumbering, node information and RPL have their
		 * own printers in tcpdump; not decoded here. */
		break;
	default:
		dz_putnum(d, ", length ", length, "");
		return dz_put_unknown_data(d, bp, length, "\n\t");
	}
	if (rc != DZ_OK)
		return rc;
	if (!d->verbose) {
		dz_putnum(d, ", length ", length, "");
	}
	return DZ_OK;
}
