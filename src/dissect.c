/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dissect.c - packet bytes to the line tcpdump 4.99 prints for them: the
 * entry points, the output and checksum helpers, IPv4, IPv6 and its
 * extension headers, IP-in-IP, and the demultiplexer that hands the payload
 * to the printer of its protocol: dissect_tcp.c (TCP, with its options,
 * relative sequence numbers and the first line of text payloads),
 * dissect_udp.c (NTP, BOOTP, DHCPv6, syslog), dissect_dns.c, dissect_icmp.c
 * (ICMP, ICMPv6) and dissect_other.c (IGMP, GRE, ESP, AH, IPComp, SCTP,
 * VRRP).  dissect_int.h is what they share.
 *
 * Every printer follows tcpdump's order of checks and output, because that
 * order decides the text of a truncated or malformed packet.  The code is
 * this project's own; tcpdump's printers were read for their formats only,
 * and its output is the reference the tests hold us to (tests/data/dissect).
 */
#include "dissect.h"
#include "dissect_int.h"

#include <string.h>

/* ---- output helpers (declared in dissect_int.h) ----------------------- */

void dz_putu(struct dz *d, uint32_t v)
{
	char tmp[10];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	dz_putn(d, tmp + i, sizeof(tmp) - i);
}

void dz_puthex(struct dz *d, uint32_t v, unsigned width)
{
	static const char hx[] = "0123456789abcdef";
	char tmp[8];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = hx[v & 15];
		v >>= 4;
	} while (v);
	while (i > 0 && sizeof(tmp) - i < width)
		tmp[--i] = '0';
	dz_putn(d, tmp + i, sizeof(tmp) - i);
}

void dz_putu64(struct dz *d, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	dz_putn(d, tmp + i, sizeof(tmp) - i);
}

void dz_puthex64(struct dz *d, uint64_t v)
{
	if (v >> 32) {
		dz_puthex(d, (uint32_t)(v >> 32), 1);
		dz_puthex(d, (uint32_t)v, 8);
	} else {
		dz_puthex(d, (uint32_t)v, 1);
	}
}

void dz_put_ip4(struct dz *d, const uint8_t *a)
{
	char tmp[16];
	size_t n = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned v = a[i];

		if (i)
			tmp[n++] = '.';
		if (v >= 100)
			tmp[n++] = (char)('0' + v / 100);
		if (v >= 10)
			tmp[n++] = (char)('0' + v / 10 % 10);
		tmp[n++] = (char)('0' + v % 10);
	}
	dz_putn(d, tmp, n);
}

/* RFC 5952-style text as tcpdump's addrtostr6() writes it: the longest run
 * of two or more zero words (the first of equal runs) becomes "::", and the
 * IPv4-compatible and -mapped forms end in a dotted quad. */
void dz_put_ip6(struct dz *d, const uint8_t *a)
{
	unsigned w[8];
	int i, best = -1, bestlen = 0, cur = -1, curlen = 0;

	for (i = 0; i < 8; i++) {
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
		if (w[i] == 0) {
			if (cur < 0)
				cur = i, curlen = 0;
			if (++curlen > bestlen)
				best = cur, bestlen = curlen;
		} else {
			cur = -1;
		}
	}
	if (bestlen < 2)
		best = -1;
	for (i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + bestlen) {
			if (i == best)
				dz_putc(d, ':');
			continue;
		}
		if (i)
			dz_putc(d, ':');
		if (i == 6 && best == 0 &&
		    (bestlen == 6 || (bestlen == 5 && w[5] == 0xffff))) {
			dz_put_ip4(d, a + 12);
			return;
		}
		dz_puthex(d, w[i], 1);
	}
	if (best >= 0 && best + bestlen == 8)
		dz_putc(d, ':');
}

void dz_put_char(struct dz *d, uint8_t c)
{
	if (c & 0x80) {
		DZ_LIT(d, "M-");
		c &= 0x7f;
	}
	if (c < 0x20 || c == 0x7f) {
		dz_putc(d, '^');
		c ^= 0x40;
	}
	dz_putc(d, (char)c);
}

void dz_trunc_mark(struct dz *d)
{
	DZ_LIT(d, " [|");
	dz_puts(d, d->proto);
	dz_putc(d, ']');
}

void dz_put_invalid(struct dz *d)
{
	DZ_LIT(d, " (invalid)");
}

/* The address at off, already known to be captured. */
void dz_put_addr(struct dz *d, size_t off, int ver)
{
	if (ver == 4)
		dz_put_ip4(d, d->pkt + off);
	else
		dz_put_ip6(d, d->pkt + off);
}

/* tcpdump's hex_print(): "<indent>0x0000: " then " %02x%02x" per pair,
 * 16 bytes a line.  A missing byte ends the packet (GET_U_1). */
static int put_hexdump(struct dz *d, size_t off, uint32_t len,
		       const char *indent)
{
	uint32_t i;

	for (i = 0; i + 1 < len || (i < len && len & 1); i += 2) {
		if (i % 16 == 0) {
			dz_puts(d, indent);
			DZ_LIT(d, "0x");
			dz_puthex(d, i, 4);
			DZ_LIT(d, ": ");
		}
		DZ_NEED(d, off + i, 1);
		dz_putc(d, ' ');
		dz_puthex(d, dz_u8(d, off + i), 2);
		if (i + 1 < len) {
			DZ_NEED(d, off + i + 1, 1);
			dz_puthex(d, dz_u8(d, off + i + 1), 2);
		}
	}
	return DZ_OK;
}

/* tcpdump's print_unknown_data(): a hex dump of what is captured. */
int dz_put_unknown_data(struct dz *d, size_t off, uint32_t len,
			const char *indent)
{
	if (off > d->snap) {
		dz_puts(d, indent);
		DZ_LIT(d, "Dissector error: print_unknown_data() called with pointer past end of packet");
		return DZ_OK;
	}
	if (len > d->snap - off)
		len = (uint32_t)(d->snap - off);
	return put_hexdump(d, off, len, indent);
}

/* ---- checksums ------------------------------------------------------- */

/* Sum of big-endian 16-bit words, not yet folded. */
uint32_t dz_sum16(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

uint16_t dz_fold(uint32_t s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* What the checksum field should have been (tcpdump's in_cksum_shouldbe). */
uint16_t dz_cksum_shouldbe(uint16_t sum, uint16_t computed)
{
	uint32_t s = (uint32_t)sum + computed;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

void dz_put_sum_check(struct dz *d, const char *proto, uint16_t field, uint16_t sum)
{
	if (sum != 0) {
		DZ_LIT(d, "[bad ");
		dz_puts(d, proto);
		DZ_LIT(d, " cksum 0x");
		dz_puthex(d, field, 4);
		DZ_LIT(d, " -> 0x");
		dz_puthex(d, dz_cksum_shouldbe(field, sum), 4);
		DZ_LIT(d, "!] ");
	} else {
		dz_putc(d, '[');
		dz_puts(d, proto);
		DZ_LIT(d, " sum ok] ");
	}
}

/*
 * For the TCP/UDP pseudo-header of IPv4: the final destination of a source
 * route when the header has a usable LSRR/SSRR option, else ip_dst.
 */
static const uint8_t *ip4_finddst(const struct dz *d, size_t ip)
{
	size_t hl = (size_t)(dz_u8(d, ip) & 15) * 4, cp = ip + 20;
	size_t left = hl > 20 ? hl - 20 : 0, len;

	for (; left != 0; cp += len, left -= len) {
		uint8_t tt;

		if (!dz_has(d, cp, 1))
			break;
		tt = dz_u8(d, cp);
		if (tt == 0)
			break;
		if (tt == 1) {
			len = 1;
		} else {
			if (!dz_has(d, cp + 1, 1))
				break;
			len = dz_u8(d, cp + 1);
			if (len < 2)
				break;
		}
		if (left < len || !dz_has(d, cp, len))
			break;
		if ((tt == 137 || tt == 131) && len >= 7)
			return d->pkt + cp + len - 4;
	}
	return d->pkt + ip + 16;
}

/* IPv6: the last address of a type 0/2 routing header, or segment 0 of an
 * SRH, else ip6_dst. */
static const uint8_t *ip6_finddst(const struct dz *d, size_t ip6)
{
	const uint8_t *dst = d->pkt + ip6 + 24;
	size_t cp = ip6, adv = 40;
	uint8_t nh = dz_u8(d, ip6 + 6);

	while (cp < d->snap) {
		cp += adv;
		switch (nh) {
		case IPPROTO_HOPOPTS_:
		case IPPROTO_DSTOPTS_:
		case IPPROTO_MOBILITY_OLD_:
		case IPPROTO_MOBILITY_:
			if (!dz_has(d, cp, 2))
				return dst;
			adv = ((size_t)dz_u8(d, cp + 1) + 1) << 3;
			nh = dz_u8(d, cp);
			break;
		case IPPROTO_FRAGMENT_:
			if (!dz_has(d, cp, 1))
				return dst;
			adv = 8;
			nh = dz_u8(d, cp);
			break;
		case IPPROTO_ROUTING_: {
			unsigned len, type, i;
			size_t p;

			if (!dz_has(d, cp, 4))
				return dst;
			len = dz_u8(d, cp + 1);
			type = dz_u8(d, cp + 2);
			if (type == 0 || type == 2) {
				if (len % 2 == 1)
					return dst;
				len >>= 1;
				p = cp + 8;
				for (i = 0; i < len; i++) {
					if (!dz_has(d, p, 16))
						return dst;
					dst = d->pkt + p;
					p += 16;
				}
			} else if (type == 4) {
				if (len % 2 == 1 || !dz_has(d, cp + 8, 16))
					return dst;
				dst = d->pkt + cp + 8;
			}
			return dst;
		}
		default:
			return dst;
		}
	}
	return dst;
}

/*
 * Checksum of an upper-layer segment of len bytes at off, with the pseudo
 * header of the IP header at iph; 0 when it is right.  The caller has made
 * sure the whole segment is captured.
 */
uint16_t dz_l4_cksum(const struct dz *d, size_t iph, int ver, size_t off,
		     uint32_t len, uint8_t proto)
{
	uint32_t s;

	if (ver == 4) {
		s = dz_sum16(d->pkt + iph + 12, 4) +
		    dz_sum16((dz_u8(d, iph) & 15) == 5 ? d->pkt + iph + 16
						    : ip4_finddst(d, iph), 4);
		s += proto + (len & 0xffff);
	} else {
		uint8_t nh = dz_u8(d, iph + 6);
		const uint8_t *dst = d->pkt + iph + 24;

		if (nh == IPPROTO_HOPOPTS_ || nh == IPPROTO_DSTOPTS_ ||
		    nh == IPPROTO_MOBILITY_OLD_ || nh == IPPROTO_MOBILITY_ ||
		    nh == IPPROTO_FRAGMENT_ || nh == IPPROTO_ROUTING_)
			dst = ip6_finddst(d, iph);
		s = dz_sum16(d->pkt + iph + 8, 16) + dz_sum16(dst, 16);
		s += (len >> 16) + (len & 0xffff) + proto;
	}
	s += dz_sum16(d->pkt + off, len);
	/* Large segments: fold as we go to keep the sum in 32 bits. */
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return dz_fold(s);
}

/* ---- dispatch -------------------------------------------------------- */

static int ip_demux(struct dz *d, size_t bp, uint32_t length, int ver,
		    bool fragmented, uint8_t ttl_hl, uint8_t nh, size_t iph);

/* IPv4 protocol names in tcpdump's -v header ("proto UDP (17)"). */
static const struct dz_tok ipproto_names[] = {
	{ 0, "Options" }, { 1, "ICMP" }, { 2, "IGMP" }, { 4, "IPIP" },
	{ 6, "TCP" }, { 8, "EGP" }, { 9, "IGRP" }, { 17, "UDP" },
	{ 33, "DCCP" }, { 41, "IPv6" }, { 43, "Routing" },
	{ 44, "Fragment" }, { 46, "RSVP" }, { 47, "GRE" }, { 50, "ESP" },
	{ 51, "AH" }, { 55, "Mobile IP" }, { 58, "ICMPv6" },
	{ 62, "Mobile IP (old)" }, { 88, "EIGRP" }, { 89, "OSPF" },
	{ 103, "PIM" }, { 108, "Compressed IP" }, { 112, "VRRP" },
	{ 113, "PGM" }, { 132, "SCTP" }, { 135, "Mobility" },
	{ 143, "Ethernet" }, { 0, NULL }
};

static void put_ipproto_name(struct dz *d, uint8_t p)
{
	const char *s = dz_tok_find(ipproto_names, p);

	dz_puts(d, s ? s : "unknown");
}

/* ---- IPv4 ------------------------------------------------------------- */

/* Options of a source route / record route (RFC 791 3.1). */
static int ip4_printroute(struct dz *d, size_t cp, uint32_t length)
{
	uint32_t ptr, len;

	if (length < 3) {
		dz_putnum(d, " [bad length ", length, "]");
		return 0;
	}
	if ((length + 1) & 3) {
		dz_putnum(d, " [bad length ", length, "]");
	}
	ptr = (uint32_t)dz_u8(d, cp + 2) - 1;
	if (ptr < 3 || ((ptr + 1) & 3) || ptr > length + 1) {
		dz_putnum(d, " [bad ptr ", dz_u8(d, cp + 2), "]");
	}
	for (len = 3; len < length; len += 4) {
		if (!dz_has(d, cp + len, 4))
			return -1;
		dz_putc(d, ' ');
		dz_put_ip4(d, d->pkt + cp + len);
		if (ptr > len)
			dz_putc(d, ',');
	}
	return 0;
}

/* The timestamp option (RFC 791 3.1, Internet Timestamp). */
static int ip4_printts(struct dz *d, size_t cp, uint32_t length)
{
	uint32_t ptr, len = 0, hoplen;
	uint8_t fl;
	const char *type;

	if (length < 4) {
		dz_putnum(d, "[bad length ", length, "]");
		return 0;
	}
	DZ_LIT(d, " TS{");
	fl = dz_u8(d, cp + 3);
	hoplen = (fl & 0xf) != 0 ? 8 : 4;
	if ((length - 4) & (hoplen - 1)) {
		dz_putnum(d, "[bad length ", length, "]");
	}
	ptr = (uint32_t)dz_u8(d, cp + 2) - 1;
	if (ptr < 4 || ((ptr - 4) & (hoplen - 1)) || ptr > length + 1) {
		dz_putnum(d, "[bad ptr ", dz_u8(d, cp + 2), "]");
	}
	switch (fl & 0xf) {
	case 0:
		DZ_LIT(d, "TSONLY");
		break;
	case 1:
		DZ_LIT(d, "TS+ADDR");
		break;
	case 3:
		DZ_LIT(d, "PRESPEC");
		break;
	default:
		dz_putnum(d, "[bad ts type ", fl & 0xf, "]");
		goto done;
	}
	type = " ";
	for (len = 4; len < length; len += hoplen) {
		if (ptr == len)
			type = " ^ ";
		if (!dz_has(d, cp + len, hoplen))
			return -1;
		dz_puts(d, type);
		dz_putu(d, dz_be32(d, cp + len + hoplen - 4));
		dz_putc(d, '@');
		if (hoplen == 8)
			dz_put_ip4(d, d->pkt + cp + len);
		type = " ";
	}
done:
	if (ptr == len)
		DZ_LIT(d, " ^ ");
	if (fl >> 4) {
		dz_putnum(d, " [", fl >> 4, " hops not recorded]} ");
	} else {
		dz_putc(d, '}');
	}
	return 0;
}

static const struct dz_tok ip_option_names[] = {
	{ 0, "EOL" }, { 1, "NOP" }, { 68, "timestamp" }, { 130, "security" },
	{ 7, "RR" }, { 137, "SSRR" }, { 131, "LSRR" }, { 148, "RA" },
	{ 82, "traceroute" }, { 0, NULL }
};

/* IP options in -v mode.  Returns 0, -1 when cut short (tcpdump's
 * "[truncated-option]"), or DZ_TRUNC via *rc for a missing type/length. */
static int ip4_optprint(struct dz *d, size_t cp, uint32_t length, int *rc)
{
	uint32_t option_len;
	const char *sep = "";

	for (; length > 0; cp += option_len, length -= option_len) {
		uint8_t code;
		const char *name;

		dz_puts(d, sep);
		sep = ",";
		if (!dz_has(d, cp, 1)) {
			*rc = DZ_TRUNC;
			return 0;
		}
		code = dz_u8(d, cp);
		name = dz_tok_find(ip_option_names, code);
		if (name) {
			dz_puts(d, name);
		} else {
			dz_putnum(d, "unknown ", code, "");
		}
		if (code == 1 || code == 0) {
			option_len = 1;
		} else {
			if (!dz_has(d, cp + 1, 1)) {
				*rc = DZ_TRUNC;
				return 0;
			}
			option_len = dz_u8(d, cp + 1);
			if (option_len < 2) {
				dz_putnum(d, " [bad length ", option_len, "]");
				return 0;
			}
		}
		if (option_len > length) {
			dz_putnum(d, " [bad length ", option_len, "]");
			return 0;
		}
		if (!dz_has(d, cp, option_len))
			return -1;
		switch (code) {
		case 0:
			return 0;
		case 68:
			if (ip4_printts(d, cp, option_len) < 0)
				return -1;
			break;
		case 7:
		case 137:
		case 131:
			if (ip4_printroute(d, cp, option_len) < 0)
				return -1;
			break;
		case 148:
			if (option_len < 4) {
				dz_putnum(d, " [bad length ", option_len, "]");
				break;
			}
			if (dz_be16(d, cp + 2) != 0) {
				dz_putnum(d, " value ", dz_be16(d, cp + 2), "");
			}
			break;
		default:
			break;
		}
	}
	return 0;
}

void dz_put_ip4_addrs(struct dz *d, size_t ip)
{
	dz_put_ip4(d, d->pkt + ip + 12);
	DZ_LIT(d, " > ");
	dz_put_ip4(d, d->pkt + ip + 16);
}

/* tcpdump's ip_print(): length is what the layer below says is there. */
int dz_ip4_print(struct dz *d, size_t ip, uint32_t length)
{
	size_t saved_snap = d->snap, lim;
	uint32_t hlen, len, off;
	uint8_t proto, v;
	int rc = DZ_OK;

	d->proto = "ip";
	if (!dz_has(d, ip, 1)) {
		dz_trunc_mark(d);
		return DZ_OK;
	}
	v = dz_u8(d, ip) >> 4;
	if (v != 4) {
		if (v == 6) {
			DZ_LIT(d, "IP6, wrong link-layer encapsulation");
		} else {
			dz_putnum(d, "IP", v, "");
		}
		dz_put_invalid(d);
		return DZ_OK;
	}
	DZ_LIT(d, "IP ");
	if (!dz_has(d, ip, 20)) {
		dz_trunc_mark(d);
		return DZ_OK;
	}
	if (length < 20) {
		dz_putnum(d, "truncated-ip ", length, "");
		return DZ_OK;
	}
	hlen = (uint32_t)(dz_u8(d, ip) & 15) * 4;
	if (hlen < 20) {
		dz_putnum(d, "bad-hlen ", hlen, "");
		return DZ_OK;
	}
	len = dz_be16(d, ip + 2);
	if (length < len) {
		dz_putnum(d, "truncated-ip - ", len - length, " bytes missing! ");
	}
	if (len < hlen) {
		dz_putnum(d, "bad-len ", len, "");
		return DZ_OK;
	}
	/* Bytes past the datagram (padding) are not the payload's. */
	lim = ip + (length < len ? length : len);
	if (lim < d->snap)
		d->snap = lim;

	len -= hlen;
	off = dz_be16(d, ip + 6);
	proto = dz_u8(d, ip + 9);

	if (d->verbose) {
		uint8_t tos = dz_u8(d, ip + 1), ttl = dz_u8(d, ip + 8);
		static const char *const ecn[4] = { "", ",ECT(1)", ",ECT(0)", ",CE" };
		bool truncated = false;
		const char *sep = "";

		DZ_LIT(d, "(tos 0x");
		dz_puthex(d, tos, 1);
		dz_puts(d, ecn[tos & 3]);
		if (ttl >= 1) {
			dz_putnum(d, ", ttl ", ttl, "");
		}
		dz_putnum(d, ", id ", dz_be16(d, ip + 4), ", offset ");
		dz_putu(d, (off & 0x1fff) * 8);
		DZ_LIT(d, ", flags [");
		if (!(off & 0xe000))
			DZ_LIT(d, "none");
		if (off & 0x2000) {
			DZ_LIT(d, "+");
			sep = ", ";
		}
		if (off & 0x4000) {
			dz_puts(d, sep);
			DZ_LIT(d, "DF");
			sep = ", ";
		}
		if (off & 0x8000) {
			dz_puts(d, sep);
			DZ_LIT(d, "rsvd");
		}
		DZ_LIT(d, "], proto ");
		put_ipproto_name(d, proto);
		dz_putnum(d, " (", proto, "), length ");
		dz_putu(d, dz_be16(d, ip + 2));
		if (hlen > 20) {
			int orc = DZ_OK;

			DZ_LIT(d, ", options (");
			if (ip4_optprint(d, ip + 20, hlen - 20, &orc) < 0) {
				DZ_LIT(d, " [truncated-option]");
				truncated = true;
			}
			if (orc != DZ_OK)
				return orc;
			dz_putc(d, ')');
		}
		if (dz_has(d, ip, hlen)) {
			uint16_t sum = dz_fold(dz_sum16(d->pkt + ip, hlen));

			if (sum != 0) {
				uint16_t ipsum = dz_be16(d, ip + 10);

				DZ_LIT(d, ", bad cksum ");
				dz_puthex(d, ipsum, 1);
				DZ_LIT(d, " (->");
				dz_puthex(d, dz_cksum_shouldbe(ipsum, sum), 1);
				DZ_LIT(d, ")!");
			}
		}
		DZ_LIT(d, ")\n    ");
		if (truncated) {
			dz_put_ip4_addrs(d, ip);
			DZ_LIT(d, ": ");
			dz_trunc_mark(d);
			d->snap = saved_snap;
			return DZ_OK;
		}
	}

	if ((off & 0x1fff) == 0) {
		if (proto != IPPROTO_TCP_ && proto != IPPROTO_UDP_ &&
		    proto != IPPROTO_SCTP_ && proto != IPPROTO_DCCP_) {
			dz_put_ip4_addrs(d, ip);
			DZ_LIT(d, ": ");
		}
		if (!dz_has(d, ip, hlen)) {
			dz_putnum(d, " [remaining caplen(", (uint32_t)(ip <= d->snap ? d->snap - ip : 0), ") < header length(");
			dz_putu(d, hlen);
			DZ_LIT(d, ")]");
			return DZ_TRUNC;
		}
		rc = ip_demux(d, ip + hlen, len, 4, off & 0x2000,
			      dz_u8(d, ip + 8), proto, ip);
	} else {
		dz_put_ip4_addrs(d, ip);
		dz_putnum(d, ": ip-proto-", proto, "");
	}
	d->snap = saved_snap;
	return rc;
}

/* ---- IPv6 and its extension headers ------------------------------------ */

/*
 * The options of a hop-by-hop or destination options header (RFC 8200
 * 4.2), all len bytes captured.  found/payload_len are NULL for
 * destination options (no Jumbo Payload there).  Returns 0, or -1 when the
 * options do not fit (tcpdump then prints " [|hbhopt]" or " [|dstopt]").
 */
static int ip6_opt_process(struct dz *d, size_t bp, int len, bool *found,
			   uint32_t *payload_len)
{
	int i, optlen = 0;
	bool seen_jumbo = false;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i += optlen) {
		uint8_t type = dz_u8(d, bp + (size_t)i);

		if (type == 0) {
			optlen = 1;
		} else {
			if (i + 1 >= len)
				return -1;
			optlen = dz_u8(d, bp + (size_t)i + 1) + 2;
		}
		if (i + optlen > len)
			return -1;
		switch (type) {
		case 0:
			if (d->verbose)
				DZ_LIT(d, "(pad1)");
			break;
		case 1:
			if (len - i < 2) {
				DZ_LIT(d, "(padn: trunc)");
				return -1;
			}
			if (d->verbose)
				DZ_LIT(d, "(padn)");
			break;
		case 5:
			if (len - i < 4) {
				DZ_LIT(d, "(rtalert: trunc)");
				return -1;
			}
			if (dz_u8(d, bp + (size_t)i + 1) != 2) {
				dz_putnum(d, "(rtalert: invalid len ", dz_u8(d, bp + (size_t)i + 1), ")");
				return -1;
			}
			if (d->verbose) {
				DZ_LIT(d, "(rtalert: 0x");
				dz_puthex(d, dz_be16(d, bp + (size_t)i + 2), 4);
				DZ_LIT(d, ") ");
			}
			break;
		case 0xc2: {
			uint32_t jl;

			if (len - i < 6) {
				DZ_LIT(d, "(jumbo: trunc)");
				return -1;
			}
			if (dz_u8(d, bp + (size_t)i + 1) != 4) {
				dz_putnum(d, "(jumbo: invalid len ", dz_u8(d, bp + (size_t)i + 1), ")");
				return -1;
			}
			jl = dz_be32(d, bp + (size_t)i + 2);
			if (seen_jumbo) {
				if (d->verbose) {
					dz_putnum(d, "(jumbo: ", jl, " - already seen) ");
				}
				break;
			}
			seen_jumbo = true;
			if (!payload_len) {
				if (d->verbose) {
					dz_putnum(d, "(jumbo: ", jl, " - not a hop-by-hop option) ");
				}
			} else if (*payload_len != 0) {
				if (d->verbose) {
					dz_putnum(d, "(jumbo: ", jl, " - payload len != 0) ");
				}
			} else if (jl < 65536) {
				if (d->verbose) {
					dz_putnum(d, "(jumbo: ", jl, " - < 65536) ");
				}
			} else {
				*found = true;
				*payload_len = jl;
				if (d->verbose) {
					dz_putnum(d, "(jumbo: ", jl, ") ");
				}
			}
			break;
		}
		case 0xc9:
			if (len - i < 18) {
				DZ_LIT(d, "(homeaddr: trunc)");
				return -1;
			}
			if (dz_u8(d, bp + (size_t)i + 1) < 16) {
				dz_putnum(d, "(homeaddr: invalid len ", dz_u8(d, bp + (size_t)i + 1), ")");
				return -1;
			}
			if (d->verbose) {
				DZ_LIT(d, "(homeaddr: ");
				dz_put_ip6(d, d->pkt + bp + i + 2);
				/* Sub-options are rare; tcpdump lists them. */
				dz_putc(d, ')');
			}
			break;
		default:
			if (len - i < 2) {
				dz_putnum(d, "(type ", type, ": trunc)");
				return -1;
			}
			if (d->verbose) {
				DZ_LIT(d, "(opt_type 0x");
				dz_puthex(d, type, 2);
				dz_putnum(d, ": len=", dz_u8(d, bp + (size_t)i + 1), ")");
			}
			break;
		}
	}
	if (d->verbose)
		dz_putc(d, ' ');
	return 0;
}

/*
 * Hop-by-hop (hbh) or destination options: returns the header length, or
 * -1 after printing a truncation mark; DZ_TRUNC goes through *rc.
 */
static int ip6_opthdr(struct dz *d, size_t bp, bool hbh, bool *found_jumbo,
		      uint32_t *payload_len, int *rc)
{
	uint32_t hl;
	int r;

	d->proto = hbh ? "hbhopt" : "dstopt";
	if (!dz_has(d, bp + 1, 1)) {
		*rc = DZ_TRUNC;
		return -1;
	}
	hl = ((uint32_t)dz_u8(d, bp + 1) + 1) << 3;
	if (!dz_has(d, bp, hl)) {
		dz_trunc_mark(d);
		return -1;
	}
	if (hbh) {
		DZ_LIT(d, "HBH ");
		r = ip6_opt_process(d, bp + 2, (int)hl - 2, found_jumbo,
				    payload_len);
	} else {
		DZ_LIT(d, "DSTOPT ");
		r = d->verbose ? ip6_opt_process(d, bp + 2, (int)hl - 2, NULL,
						 NULL)
			       : 0;
	}
	if (r < 0) {
		dz_trunc_mark(d);
		return -1;
	}
	return (int)hl;
}

/* The fragment header (RFC 8200 4.5).  -1: stop here; DZ_TRUNC via *rc. */
static int frag6_print(struct dz *d, size_t bp, size_t ip6, int *rc)
{
	uint16_t offlg;

	d->proto = "frag6";
	if (!dz_has(d, bp + 2, 2) || (d->verbose && !dz_has(d, bp + 4, 4))) {
		*rc = DZ_TRUNC;
		return -1;
	}
	offlg = dz_be16(d, bp + 2);
	DZ_LIT(d, "frag (");
	if (d->verbose) {
		DZ_LIT(d, "0x");
		dz_puthex(d, dz_be32(d, bp + 4), 8);
		dz_putc(d, ':');
	}
	dz_putu(d, offlg & 0xfff8);
	dz_putc(d, '|');
	dz_putu(d, (uint32_t)(40 + dz_be16(d, ip6 + 4) - (bp - ip6) - 8));
	dz_putc(d, ')');
	if (offlg & 0xfff8)
		return -1;
	dz_putc(d, ' ');
	return 8;
}

/* The routing header (RFC 8200 4.4, RFC 8754 for type 4).  Returns its
 * length, or -1 after "(invalid)"; a missing byte is DZ_TRUNC in *rc. */
static int rt6_print(struct dz *d, size_t bp, int *rc)
{
	unsigned len, type, i, n;
	size_t p;

	d->proto = "rt6";
	DZ_LIT(d, "RT6");
	if (!dz_has(d, bp + 1, 1)) {
		*rc = DZ_TRUNC;
		return -1;
	}
	len = dz_u8(d, bp + 1);
	dz_putnum(d, " (len=", len, "");
	if (!dz_has(d, bp + 2, 1)) {
		*rc = DZ_TRUNC;
		return -1;
	}
	type = dz_u8(d, bp + 2);
	dz_putnum(d, ", type=", type, "");
	if (type == 0)
		DZ_LIT(d, " [Deprecated]");
	if (!dz_has(d, bp + 3, 1)) {
		*rc = DZ_TRUNC;
		return -1;
	}
	dz_putnum(d, ", segleft=", dz_u8(d, bp + 3), "");
	if (type == 0 || type == 2) {
		if (!dz_has(d, bp + 4, 4)) {
			*rc = DZ_TRUNC;
			return -1;
		}
		if (dz_be32(d, bp + 4) != 0 || d->verbose) {
			DZ_LIT(d, ", rsv=0x");
			dz_puthex(d, dz_be32(d, bp + 4), 1);
		}
	} else if (type == 4) {
		if (!dz_has(d, bp + 4, 1)) {
			*rc = DZ_TRUNC;
			return -1;
		}
		dz_putnum(d, ", last-entry=", dz_u8(d, bp + 4), "");
		if (!dz_has(d, bp + 5, 1)) {
			*rc = DZ_TRUNC;
			return -1;
		}
		if (dz_u8(d, bp + 5) != 0 || d->verbose) {
			DZ_LIT(d, ", flags=0x");
			dz_puthex(d, dz_u8(d, bp + 5), 1);
		}
		if (!dz_has(d, bp + 6, 2)) {
			*rc = DZ_TRUNC;
			return -1;
		}
		DZ_LIT(d, ", tag=");
		dz_puthex(d, dz_be16(d, bp + 6), 1);
	} else {
		DZ_LIT(d, " (unknown type)");
		dz_put_invalid(d);
		return -1;
	}
	if (len % 2 == 1) {
		dz_putnum(d, " (invalid length ", len, ")");
		dz_put_invalid(d);
		return -1;
	}
	n = len >> 1;
	p = bp + 8;
	for (i = 0; i < n; i++, p += 16) {
		if (!dz_has(d, p, 16)) {
			*rc = DZ_TRUNC;
			return -1;
		}
		dz_putnum(d, ", [", i, "]");
		dz_put_ip6(d, d->pkt + p);
	}
	DZ_LIT(d, ") ");
	return (int)((len + 1) << 3);
}

void dz_put_ip6_addrs(struct dz *d, size_t ip6)
{
	dz_put_ip6(d, d->pkt + ip6 + 8);
	DZ_LIT(d, " > ");
	dz_put_ip6(d, d->pkt + ip6 + 24);
}

/* tcpdump's dz_ip6_print(). */
int dz_ip6_print(struct dz *d, size_t ip6, uint32_t length)
{
	size_t saved_snap = d->snap, cp, lim;
	uint32_t payload_len, len, total = 0;
	int advance;
	uint8_t nh, ph = 255;
	bool fragmented = false, found_ext = false, found_jumbo = false;
	bool found_hbh = false;
	int rc = DZ_OK;

	d->proto = "ip6";
	if (!dz_has(d, ip6, 40)) {
		dz_trunc_mark(d);
		return DZ_OK;
	}
	if (length < 40) {
		dz_putnum(d, "truncated-ip6 ", length, "");
		return DZ_OK;
	}
	DZ_LIT(d, "IP6 ");
	if (dz_u8(d, ip6) >> 4 != 6) {
		dz_putnum(d, "version error: ", dz_u8(d, ip6) >> 4, " != 6");
		return DZ_OK;
	}
	payload_len = dz_be16(d, ip6 + 4);
	if (payload_len != 0) {
		len = payload_len + 40;
		if (length < len) {
			dz_putnum(d, "truncated-ip6 - ", len - length, " bytes missing!");
		}
	} else {
		len = length + 40;
	}
	nh = dz_u8(d, ip6 + 6);
	if (d->verbose) {
		uint32_t flow = dz_be32(d, ip6);

		dz_putc(d, '(');
		if (flow & 0x0ff00000) {
			DZ_LIT(d, "class 0x");
			dz_puthex(d, (flow & 0x0ff00000) >> 20, 2);
			DZ_LIT(d, ", ");
		}
		if (flow & 0x000fffff) {
			DZ_LIT(d, "flowlabel 0x");
			dz_puthex(d, flow & 0x000fffff, 5);
			DZ_LIT(d, ", ");
		}
		dz_putnum(d, "hlim ", dz_u8(d, ip6 + 7), ", next-header ");
		put_ipproto_name(d, nh);
		dz_putnum(d, " (", nh, ") payload length: ");
		dz_putu(d, payload_len);
		DZ_LIT(d, ") ");
	}
	lim = ip6 + len;
	if (lim < d->snap)
		d->snap = lim;

	cp = ip6;
	advance = 40;
	while (cp < d->snap && advance > 0) {
		if (len < (uint32_t)advance) {
			dz_trunc_mark(d);
			goto out;
		}
		cp += (size_t)advance;
		len -= (uint32_t)advance;
		total += (uint32_t)advance;

		if (cp == ip6 + 40 && nh != IPPROTO_TCP_ &&
		    nh != IPPROTO_UDP_ && nh != IPPROTO_DCCP_ &&
		    nh != IPPROTO_SCTP_) {
			dz_put_ip6_addrs(d, ip6);
			DZ_LIT(d, ": ");
		}

		switch (nh) {
		case IPPROTO_HOPOPTS_:
			if (found_hbh) {
				DZ_LIT(d, "[The Hop-by-Hop Options header was already found]");
				dz_put_invalid(d);
				goto out;
			}
			if (ph != 255) {
				DZ_LIT(d, "[The Hop-by-Hop Options header don't follow the IPv6 header]");
				dz_put_invalid(d);
				goto out;
			}
			advance = ip6_opthdr(d, cp, true, &found_jumbo,
					     &payload_len, &rc);
			if (rc != DZ_OK)
				return rc;
			if (payload_len == 0 && !found_jumbo) {
				DZ_LIT(d, "[No valid Jumbo Payload Hop-by-Hop option found]");
				dz_put_invalid(d);
				goto out;
			}
			if (advance < 0)
				goto out;
			found_ext = true;
			found_hbh = true;
			nh = dz_u8(d, cp);
			break;
		case IPPROTO_DSTOPTS_:
			advance = ip6_opthdr(d, cp, false, NULL, NULL, &rc);
			if (rc != DZ_OK)
				return rc;
			if (advance < 0)
				goto out;
			found_ext = true;
			nh = dz_u8(d, cp);
			break;
		case IPPROTO_FRAGMENT_:
			advance = frag6_print(d, cp, ip6, &rc);
			if (rc != DZ_OK)
				return rc;
			if (advance < 0 || d->snap <= cp + (size_t)advance)
				goto out;
			found_ext = true;
			nh = dz_u8(d, cp);
			fragmented = true;
			break;
		case IPPROTO_ROUTING_:
			if (!dz_has(d, cp, 1)) {
				dz_trunc_mark(d);
				goto out;
			}
			advance = rt6_print(d, cp, &rc);
			if (rc != DZ_OK)
				return rc;
			if (advance < 0)
				goto out;
			found_ext = true;
			nh = dz_u8(d, cp);
			break;
		default:
			if (found_jumbo) {
				len = payload_len + 40;
				if (len < total) {
					dz_trunc_mark(d);
					goto out;
				}
				if (length < len) {
					dz_putnum(d, "truncated-ip6 - ", len - length, " bytes missing!");
				}
				lim = ip6 + len;
				d->snap = lim < saved_snap ? lim : saved_snap;
				len -= total;
			} else if (payload_len == 0) {
				if (found_ext) {
					dz_trunc_mark(d);
					goto out;
				}
				len = 40;
				lim = ip6 + len;
				d->snap = lim < saved_snap ? lim : saved_snap;
				len -= total;
			}
			rc = ip_demux(d, cp, len, 6, fragmented,
				      dz_u8(d, ip6 + 7), nh, ip6);
			goto out;
		}
		ph = nh;
		d->proto = "ip6";
	}
out:
	d->snap = saved_snap;
	return rc;
}

/* ---- IP payload demultiplexer ------------------------------------------ */

static int ip_demux(struct dz *d, size_t bp, uint32_t length, int ver,
		    bool fragmented, uint8_t ttl_hl, uint8_t nh, size_t iph)
{
	int advance, rc;

again:
	switch (nh) {
	case IPPROTO_AH_:
		if (!dz_has(d, bp, 1)) {
			d->proto = "ah";
			dz_trunc_mark(d);
			return DZ_OK;
		}
		nh = dz_u8(d, bp);
		rc = dz_ah_print(d, bp, &advance);
		if (rc != DZ_OK || advance <= 0)
			return rc;
		bp += (size_t)advance;
		length -= (uint32_t)advance;
		goto again;
	case IPPROTO_ESP_:
		return dz_esp_print(d, bp, length);
	case IPPROTO_IPCOMP_:
		return dz_ipcomp_print(d, bp);
	case IPPROTO_SCTP_:
		return dz_sctp_print(d, bp, iph, ver, length);
	case IPPROTO_TCP_:
		return dz_tcp_print(d, bp, length, iph, ver, fragmented);
	case IPPROTO_UDP_:
		return dz_udp_print(d, bp, length, iph, ver, fragmented);
	case IPPROTO_ICMP_:
		if (ver == 4)
			return dz_icmp_print(d, bp, length, fragmented);
		DZ_LIT(d, "[ICMP requires IPv4]");
		dz_put_invalid(d);
		return DZ_OK;
	case IPPROTO_ICMPV6_:
		if (ver == 6)
			return dz_icmp6_print(d, bp, length, iph, fragmented);
		DZ_LIT(d, "[ICMPv6 requires IPv6]");
		dz_put_invalid(d);
		return DZ_OK;
	case IPPROTO_IGMP_:
		if (ver == 4)
			return dz_igmp_print(d, bp, length);
		DZ_LIT(d, "[IGMP requires IPv4]");
		dz_put_invalid(d);
		return DZ_OK;
	case IPPROTO_IPIP_:
	case IPPROTO_IPV6_:
	case IPPROTO_GRE_:
		/* a tunnel: past DZ_MAX_DEPTH, named as an unknown protocol */
		if (d->depth >= DZ_MAX_DEPTH)
			break;
		d->depth++;
		rc = nh == IPPROTO_IPIP_ ? dz_ip4_print(d, bp, length) :
		     nh == IPPROTO_IPV6_ ? dz_ip6_print(d, bp, length) :
					   dz_gre_print(d, bp, length);
		d->depth--;
		return rc;
	case 112:
		return dz_vrrp_print(d, bp, length, iph, ver, ttl_hl);
	case IPPROTO_DCCP_:
		/* Not decoded; tcpdump's DCCP printer would name the ports,
		 * so the IP layer printed no addresses: give them here. */
		if (ver == 4)
			dz_put_ip4_addrs(d, iph);
		else
			dz_put_ip6_addrs(d, iph);
		DZ_LIT(d, ": ");
		break;
	case IPPROTO_ND_:
		dz_putnum(d, " nd ", length, "");
		return DZ_OK;
	case IPPROTO_NONE_:
		DZ_LIT(d, "no next header");
		return DZ_OK;
	case IPPROTO_ETHERNET_:
		if (ver != 6) {
			DZ_LIT(d, "[Ethernet requires IPv6]");
			dz_put_invalid(d);
			return DZ_OK;
		}
		break;
	default:
		break;
	}
	dz_putnum(d, " ip-proto-", nh, " ");
	dz_putu(d, length);
	return DZ_OK;
}

/* ---- entry points ----------------------------------------------------------- */

size_t dissect_summary_ctx(struct dissect_ctx *ctx, uint8_t family,
			   const uint8_t *l3, uint32_t caplen, uint32_t len,
			   bool verbose, char *buf, size_t cap)
{
	struct dz_out out;
	struct dz d;
	char dummy[1];
	int rc = DZ_OK;

	if (cap == 0) {
		buf = dummy;
		cap = 1;
	}
	out.buf = buf;
	out.len = 0;
	out.cap = cap - 1;
	memset(&d, 0, sizeof(d));
	d.o = &out;
	d.pkt = l3;
	d.snap = l3 ? caplen : 0;
	d.verbose = verbose;
	d.ctx = ctx;
	d.proto = "ip";
	if (family != 2 && family != 10) {
		DZ_LIT(&d, "family ");
		dz_putu(&d, family);
		DZ_LIT(&d, ", length ");
		dz_putu(&d, len);
	} else if (d.snap == 0) {
		DZ_LIT(&d, "[Invalid header: caplen==0]");
	} else if (len < caplen) {
		/* As libpcap's reader and tcpdump refuse such a record. */
		DZ_LIT(&d, "[Invalid header: len(");
		dz_putu(&d, len);
		DZ_LIT(&d, ") < caplen(");
		dz_putu(&d, caplen);
		DZ_LIT(&d, ")]");
	} else {
		uint8_t v = dz_u8(&d, 0) >> 4;

		d.proto = "ipn";
		if (v == 4)
			rc = dz_ip4_print(&d, 0, len);
		else if (v == 6)
			rc = dz_ip6_print(&d, 0, len);
		else {
			DZ_LIT(&d, "unknown ip ");
			dz_putu(&d, v);
		}
		if (rc == DZ_TRUNC)
			dz_trunc_mark(&d);
	}
	buf[out.len] = '\0';
	return out.len;
}

size_t dissect_summary(uint8_t family, const uint8_t *l3, uint32_t caplen,
		       uint32_t len, bool verbose, char *buf, size_t cap)
{
	return dissect_summary_ctx(NULL, family, l3, caplen, len, verbose, buf,
				   cap);
}
