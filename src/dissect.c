/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dissect.c - packet bytes to the line tcpdump 4.99 prints for them: IPv4,
 * IPv6 and its extension headers, TCP (with its options, relative sequence
 * numbers and the first line of text payloads), UDP (NTP, BOOTP, DHCPv6,
 * syslog), ICMP, ICMPv6, IGMP, GRE, IP-in-IP, ESP, AH, IPComp, SCTP and VRRP.
 * DNS lives in dissect_dns.c.
 *
 * Every printer follows tcpdump's order of checks and output, because that
 * order decides the text of a truncated or malformed packet.  The code is
 * this project's own; tcpdump's printers were read for their formats only,
 * and its output is the reference the tests hold us to (tests/data/dissect).
 */
#include "dissect.h"
#include "dissect_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_ICMP_ 1
#define IPPROTO_IGMP_ 2
#define IPPROTO_IPIP_ 4
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_DCCP_ 33
#define IPPROTO_IPV6_ 41
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_GRE_ 47
#define IPPROTO_ESP_ 50
#define IPPROTO_AH_ 51
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_NONE_ 59
#define IPPROTO_DSTOPTS_ 60
#define IPPROTO_MOBILITY_OLD_ 62
#define IPPROTO_ND_ 77
#define IPPROTO_IPCOMP_ 108
#define IPPROTO_SCTP_ 132
#define IPPROTO_MOBILITY_ 135
#define IPPROTO_ETHERNET_ 143

/* Tunnels inside tunnels: tcpdump recurses without bound; we stop here. */
#define DZ_MAX_DEPTH 8

/* A value -> name table, as tcpdump's struct tok. */
struct dz_tok {
	uint32_t v;
	const char *s;
};

static const char *tok_find(const struct dz_tok *t, uint32_t v)
{
	for (; t->s; t++)
		if (t->v == v)
			return t->s;
	return NULL;
}

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

static void putu64(struct dz *d, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	dz_putn(d, tmp + i, sizeof(tmp) - i);
}

static void puthex64(struct dz *d, uint64_t v)
{
	if (v >> 32) {
		dz_puthex(d, (uint32_t)(v >> 32), 1);
		dz_puthex(d, (uint32_t)v, 8);
	} else {
		dz_puthex(d, (uint32_t)v, 1);
	}
}

static uint64_t dz_be64(const struct dz *d, size_t off)
{
	return (uint64_t)dz_be32(d, off) << 32 | dz_be32(d, off + 4);
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

static void put_invalid(struct dz *d)
{
	DZ_LIT(d, " (invalid)");
}

/* The address at off, already known to be captured. */
static void put_addr(struct dz *d, size_t off, int ver)
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
static int put_unknown_data(struct dz *d, size_t off, uint32_t len,
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
static uint32_t sum16(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* What the checksum field should have been (tcpdump's in_cksum_shouldbe). */
static uint16_t cksum_shouldbe(uint16_t sum, uint16_t computed)
{
	uint32_t s = (uint32_t)sum + computed;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
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
static uint16_t l4_cksum(const struct dz *d, size_t iph, int ver, size_t off,
			 uint32_t len, uint8_t proto)
{
	uint32_t s;

	if (ver == 4) {
		s = sum16(d->pkt + iph + 12, 4) +
		    sum16((dz_u8(d, iph) & 15) == 5 ? d->pkt + iph + 16
						    : ip4_finddst(d, iph), 4);
		s += proto + (len & 0xffff);
	} else {
		uint8_t nh = dz_u8(d, iph + 6);
		const uint8_t *dst = d->pkt + iph + 24;

		if (nh == IPPROTO_HOPOPTS_ || nh == IPPROTO_DSTOPTS_ ||
		    nh == IPPROTO_MOBILITY_OLD_ || nh == IPPROTO_MOBILITY_ ||
		    nh == IPPROTO_FRAGMENT_ || nh == IPPROTO_ROUTING_)
			dst = ip6_finddst(d, iph);
		s = sum16(d->pkt + iph + 8, 16) + sum16(dst, 16);
		s += (len >> 16) + (len & 0xffff) + proto;
	}
	s += sum16(d->pkt + off, len);
	/* Large segments: fold as we go to keep the sum in 32 bits. */
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return fold(s);
}

/* ---- dispatch -------------------------------------------------------- */

static int ip4_print(struct dz *d, size_t ip, uint32_t length);
static int ip6_print(struct dz *d, size_t ip6, uint32_t length);
static int ip_demux(struct dz *d, size_t bp, uint32_t length, int ver,
		    bool fragmented, uint8_t ttl_hl, uint8_t nh, size_t iph);
static int tcp_print(struct dz *d, size_t tp, uint32_t length, size_t iph,
		     int ver, bool fragmented);
static int udp_print(struct dz *d, size_t up, uint32_t length, size_t iph,
		     int ver, bool fragmented);
static int icmp_print(struct dz *d, size_t bp, uint32_t plen,
		      bool fragmented);
static int icmp6_print(struct dz *d, size_t bp, uint32_t length,
		       size_t iph, bool fragmented);
static int igmp_print(struct dz *d, size_t bp, uint32_t len);
static int gre_print(struct dz *d, size_t bp, uint32_t length);
static int esp_print(struct dz *d, size_t bp, uint32_t length);
static int ah_print(struct dz *d, size_t bp, int *advance);
static int ipcomp_print(struct dz *d, size_t bp);
static int sctp_print(struct dz *d, size_t bp, size_t iph, int ver,
		      uint32_t length);
static int vrrp_print(struct dz *d, size_t bp, uint32_t len, size_t iph,
		      int ver, uint8_t ttl_hl);

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
	const char *s = tok_find(ipproto_names, p);

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
		name = tok_find(ip_option_names, code);
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

static void put_ip4_addrs(struct dz *d, size_t ip)
{
	dz_put_ip4(d, d->pkt + ip + 12);
	DZ_LIT(d, " > ");
	dz_put_ip4(d, d->pkt + ip + 16);
}

/* tcpdump's ip_print(): length is what the layer below says is there. */
static int ip4_print(struct dz *d, size_t ip, uint32_t length)
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
		put_invalid(d);
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
			uint16_t sum = fold(sum16(d->pkt + ip, hlen));

			if (sum != 0) {
				uint16_t ipsum = dz_be16(d, ip + 10);

				DZ_LIT(d, ", bad cksum ");
				dz_puthex(d, ipsum, 1);
				DZ_LIT(d, " (->");
				dz_puthex(d, cksum_shouldbe(ipsum, sum), 1);
				DZ_LIT(d, ")!");
			}
		}
		DZ_LIT(d, ")\n    ");
		if (truncated) {
			put_ip4_addrs(d, ip);
			DZ_LIT(d, ": ");
			dz_trunc_mark(d);
			d->snap = saved_snap;
			return DZ_OK;
		}
	}

	if ((off & 0x1fff) == 0) {
		if (proto != IPPROTO_TCP_ && proto != IPPROTO_UDP_ &&
		    proto != IPPROTO_SCTP_ && proto != IPPROTO_DCCP_) {
			put_ip4_addrs(d, ip);
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
		put_ip4_addrs(d, ip);
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
		put_invalid(d);
		return -1;
	}
	if (len % 2 == 1) {
		dz_putnum(d, " (invalid length ", len, ")");
		put_invalid(d);
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

static void put_ip6_addrs(struct dz *d, size_t ip6)
{
	dz_put_ip6(d, d->pkt + ip6 + 8);
	DZ_LIT(d, " > ");
	dz_put_ip6(d, d->pkt + ip6 + 24);
}

/* tcpdump's ip6_print(). */
static int ip6_print(struct dz *d, size_t ip6, uint32_t length)
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
			put_ip6_addrs(d, ip6);
			DZ_LIT(d, ": ");
		}

		switch (nh) {
		case IPPROTO_HOPOPTS_:
			if (found_hbh) {
				DZ_LIT(d, "[The Hop-by-Hop Options header was already found]");
				put_invalid(d);
				goto out;
			}
			if (ph != 255) {
				DZ_LIT(d, "[The Hop-by-Hop Options header don't follow the IPv6 header]");
				put_invalid(d);
				goto out;
			}
			advance = ip6_opthdr(d, cp, true, &found_jumbo,
					     &payload_len, &rc);
			if (rc != DZ_OK)
				return rc;
			if (payload_len == 0 && !found_jumbo) {
				DZ_LIT(d, "[No valid Jumbo Payload Hop-by-Hop option found]");
				put_invalid(d);
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
		rc = ah_print(d, bp, &advance);
		if (rc != DZ_OK || advance <= 0)
			return rc;
		bp += (size_t)advance;
		length -= (uint32_t)advance;
		goto again;
	case IPPROTO_ESP_:
		return esp_print(d, bp, length);
	case IPPROTO_IPCOMP_:
		return ipcomp_print(d, bp);
	case IPPROTO_SCTP_:
		return sctp_print(d, bp, iph, ver, length);
	case IPPROTO_TCP_:
		return tcp_print(d, bp, length, iph, ver, fragmented);
	case IPPROTO_UDP_:
		return udp_print(d, bp, length, iph, ver, fragmented);
	case IPPROTO_ICMP_:
		if (ver == 4)
			return icmp_print(d, bp, length, fragmented);
		DZ_LIT(d, "[ICMP requires IPv4]");
		put_invalid(d);
		return DZ_OK;
	case IPPROTO_ICMPV6_:
		if (ver == 6)
			return icmp6_print(d, bp, length, iph, fragmented);
		DZ_LIT(d, "[ICMPv6 requires IPv6]");
		put_invalid(d);
		return DZ_OK;
	case IPPROTO_IGMP_:
		if (ver == 4)
			return igmp_print(d, bp, length);
		DZ_LIT(d, "[IGMP requires IPv4]");
		put_invalid(d);
		return DZ_OK;
	case IPPROTO_IPIP_:
		if (d->depth >= DZ_MAX_DEPTH)
			break;
		d->depth++;
		rc = ip4_print(d, bp, length);
		d->depth--;
		return rc;
	case IPPROTO_IPV6_:
		if (d->depth >= DZ_MAX_DEPTH)
			break;
		d->depth++;
		rc = ip6_print(d, bp, length);
		d->depth--;
		return rc;
	case IPPROTO_GRE_:
		if (d->depth >= DZ_MAX_DEPTH)
			break;
		d->depth++;
		rc = gre_print(d, bp, length);
		d->depth--;
		return rc;
	case 112:
		return vrrp_print(d, bp, length, iph, ver, ttl_hl);
	case IPPROTO_DCCP_:
		/* Not decoded; tcpdump's DCCP printer would name the ports,
		 * so the IP layer printed no addresses: give them here. */
		if (ver == 4)
			put_ip4_addrs(d, iph);
		else
			put_ip6_addrs(d, iph);
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
			put_invalid(d);
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

/* ---- TCP sequence-number state ----------------------------------------- */

/*
 * tcpdump prints sequence numbers relative to the first ACK-carrying
 * segment it saw of a connection (a SYN starts over).  A flow is keyed by
 * both addresses and ports in one collating order, as tcpdump keys it.
 * The table is a fixed set-associative cache: when a set is full the
 * oldest entry is forgotten, where tcpdump would grow without bound.
 */
#define DZ_WAYS 4

struct dz_flow {
	uint8_t key[36];	/* src, dst (16 bytes each), sport, dport */
	uint8_t used;		/* 0 free, 4 or 6: address family */
	uint32_t seq, ack;
	uint64_t stamp;
};

struct dissect_ctx {
	struct dz_flow *flows;
	size_t nsets;		/* power of two */
	uint64_t clock;
};

#define DISSECT_CTX_DEFAULT_FLOWS 16384

struct dissect_ctx *dissect_ctx_new(size_t max_flows)
{
	struct dissect_ctx *ctx;
	size_t nsets = 1;

	if (max_flows == 0)
		max_flows = DISSECT_CTX_DEFAULT_FLOWS;
	if (max_flows > ((size_t)1 << 24))
		max_flows = (size_t)1 << 24;
	while (nsets * DZ_WAYS < max_flows)
		nsets <<= 1;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return NULL;
	ctx->flows = calloc(nsets * DZ_WAYS, sizeof(*ctx->flows));
	if (!ctx->flows) {
		free(ctx);
		errno = ENOMEM;
		return NULL;
	}
	ctx->nsets = nsets;
	return ctx;
}

void dissect_ctx_free(struct dissect_ctx *ctx)
{
	if (!ctx)
		return;
	free(ctx->flows);
	free(ctx);
}

void dissect_ctx_reset(struct dissect_ctx *ctx)
{
	if (!ctx)
		return;
	memset(ctx->flows, 0, ctx->nsets * DZ_WAYS * sizeof(*ctx->flows));
	ctx->clock = 0;
}

/*
 * Find or record the flow; returns the base sequence numbers in *bseq and
 * *back in tcpdump's (seq, ack) slots, and whether they were just set.
 */
static bool flow_lookup(struct dissect_ctx *ctx, int ver, const uint8_t *key,
			bool syn, bool rev, uint32_t seq, uint32_t ack,
			uint32_t *bseq, uint32_t *back)
{
	uint32_t h = 2166136261u;
	struct dz_flow *set, *slot = NULL;
	size_t i;

	for (i = 0; i < sizeof(((struct dz_flow *)0)->key); i++)
		h = (h ^ key[i]) * 16777619u;
	h ^= (uint32_t)ver;
	set = ctx->flows + (h & (ctx->nsets - 1)) * DZ_WAYS;
	ctx->clock++;
	for (i = 0; i < DZ_WAYS; i++) {
		if (set[i].used == ver && !memcmp(set[i].key, key, 36)) {
			slot = &set[i];
			break;
		}
	}
	if (slot && !syn) {
		*bseq = slot->seq;
		*back = slot->ack;
		return false;
	}
	if (!slot) {
		slot = &set[0];
		for (i = 0; i < DZ_WAYS; i++) {
			if (!set[i].used) {
				slot = &set[i];
				break;
			}
			if (set[i].stamp < slot->stamp)
				slot = &set[i];
		}
		memcpy(slot->key, key, 36);
		slot->used = (uint8_t)ver;
	}
	slot->stamp = ctx->clock;
	if (rev) {
		slot->ack = seq;
		slot->seq = ack - 1;
	} else {
		slot->seq = seq;
		slot->ack = ack - 1;
	}
	*bseq = slot->seq;
	*back = slot->ack;
	return true;
}

/* ---- TCP ---------------------------------------------------------------- */

static const struct dz_tok tcp_option_names[] = {
	{ 0, "eol" }, { 1, "nop" }, { 2, "mss" }, { 3, "wscale" },
	{ 4, "sackOK" }, { 5, "sack" }, { 6, "echo" }, { 7, "echoreply" },
	{ 8, "TS" }, { 11, "cc" }, { 12, "ccnew" }, { 13, "" },
	{ 19, "md5" }, { 20, "scps" }, { 28, "uto" }, { 29, "tcp-ao" },
	{ 30, "mptcp" }, { 34, "tfo" }, { 254, "exp" }, { 0, NULL }
};

/* RFC 7413 cookie, as tcpdump shows it. */
static void tcp_fastopen(struct dz *d, size_t cp, uint32_t datalen, bool exp)
{
	uint32_t i;

	if (exp)
		DZ_LIT(d, "tfo");
	if (datalen == 0) {
		DZ_LIT(d, " cookiereq");
	} else if (datalen % 2 != 0 || datalen < 4 || datalen > 16) {
		put_invalid(d);
	} else {
		DZ_LIT(d, " cookie ");
		for (i = 0; i < datalen; ++i)
			dz_puthex(d, dz_u8(d, cp + i), 2);
	}
}

/* tcpdump's txtproto_print() and friends (HTTP, RTSP, FTP, SMTP, WHOIS). */
static bool is_print(uint8_t c)
{
	return c >= 0x20 && c < 0x7f;
}

/*
 * One text line from idx, printed after prefix; returns the index after
 * its end of line, or 0 for binary data or no end of line.  A missing byte
 * is DZ_TRUNC in *rc.
 */
static uint32_t txt_line(struct dz *d, const char *prefix, size_t p,
			 uint32_t idx, uint32_t len, int *rc)
{
	uint32_t start = idx, linelen;
	uint8_t c;

	while (idx < len) {
		if (!dz_has(d, p + idx, 1)) {
			*rc = DZ_TRUNC;
			return 0;
		}
		c = dz_u8(d, p + idx);
		if (c == '\n') {
			linelen = idx - start;
			idx++;
			goto print;
		} else if (c == '\r') {
			if (idx + 1 >= len)
				return 0;
			if (!dz_has(d, p + idx + 1, 1)) {
				*rc = DZ_TRUNC;
				return 0;
			}
			if (dz_u8(d, p + idx + 1) == '\n') {
				linelen = idx - start;
				idx += 2;
				goto print;
			}
			return 0;
		} else if (!is_print(c) && c != '\t') {
			return 0;
		}
		idx++;
	}
	dz_puts(d, prefix);
	dz_putn(d, (const char *)d->pkt + p + start, idx - start);
	dz_trunc_mark(d);
	return 0;
print:
	dz_puts(d, prefix);
	dz_putn(d, (const char *)d->pkt + p + start, linelen);
	return idx;
}

/* A token of printable ASCII; returns the index after it and the white
 * space that follows, 0 if none. */
static uint32_t txt_token(const struct dz *d, size_t p, uint32_t idx,
			  uint32_t len, char *tok, size_t toksz)
{
	size_t n = 0;
	uint8_t c;

	for (; idx < len; idx++) {
		if (!dz_has(d, p + idx, 1))
			return 0;
		c = dz_u8(d, p + idx);
		if (c & 0x80)
			return 0;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			break;
		if (!is_print(c))
			return 0;
		if (n + 2 > toksz)
			return 0;
		tok[n++] = (char)c;
	}
	if (n == 0)
		return 0;
	tok[n] = '\0';
	for (; idx < len; idx++) {
		if (!dz_has(d, p + idx, 1))
			break;
		c = dz_u8(d, p + idx);
		if (c == '\r' || c == '\n' || !is_print(c))
			break;
		if (c != ' ' && c != '\t')
			break;
	}
	return idx;
}

static const char *const http_cmds[] = {
	"GET", "PUT", "COPY", "HEAD", "LOCK", "MOVE", "POLL", "POST",
	"BCOPY", "BMOVE", "MKCOL", "TRACE", "LABEL", "MERGE", "DELETE",
	"SEARCH", "UNLOCK", "REPORT", "UPDATE", "NOTIFY", "BDELETE",
	"CONNECT", "OPTIONS", "CHECKIN", "PROPFIND", "CHECKOUT", "CCM_POST",
	"SUBSCRIBE", "PROPPATCH", "BPROPFIND", "BPROPPATCH", "UNCHECKOUT",
	"MKACTIVITY", "MKWORKSPACE", "UNSUBSCRIBE", "RPC_CONNECT",
	"VERSION-CONTROL", "BASELINE-CONTROL", NULL
};

static const char *const rtsp_cmds[] = {
	"DESCRIBE", "ANNOUNCE", "GET_PARAMETER", "OPTIONS", "PAUSE", "PLAY",
	"RECORD", "REDIRECT", "SETUP", "SET_PARAMETER", "TEARDOWN", NULL
};

/* cmds NULL: the payload is always text (FTP, SMTP, WHOIS).  Otherwise
 * only a known request or a "<version> <3-digit code>" reply is shown. */
static int txtproto(struct dz *d, size_t p, uint32_t len, const char *name,
		    const char *const *cmds)
{
	bool show = false;
	int rc = DZ_OK;
	const char *s;

	d->proto = name;
	if (cmds) {
		char tok[129];
		uint32_t idx = txt_token(d, p, 0, len, tok, sizeof(tok));

		if (idx != 0) {
			const char *const *c;

			for (c = cmds; *c; c++)
				if (!strcasecmp(tok, *c)) {
					show = true;
					break;
				}
			idx = txt_token(d, p, idx, len, tok, sizeof(tok));
			if (idx != 0 && tok[0] >= '0' && tok[0] <= '9' &&
			    tok[1] >= '0' && tok[1] <= '9' &&
			    tok[2] >= '0' && tok[2] <= '9' && tok[3] == '\0')
				show = true;
		}
	} else {
		show = true;
	}
	for (s = name; *s; s++)
		dz_putc(d, (char)(*s >= 'a' && *s <= 'z' ? *s - 32 : *s));
	if (!show)
		return DZ_OK;
	if (d->verbose) {
		uint32_t idx, eol;

		dz_putnum(d, ", length: ", len, "");
		for (idx = 0; idx < len; idx = eol) {
			eol = txt_line(d, "\n\t", p, idx, len, &rc);
			if (rc != DZ_OK || eol == 0)
				break;
		}
	} else {
		txt_line(d, ": ", p, 0, len, &rc);
	}
	return rc;
}

/* The SSH identification string (RFC 4253 4.2). */
static int ssh_print(struct dz *d, size_t p, uint32_t len)
{
	static const char magic[] = "SSH-";
	uint32_t idx;

	d->proto = "ssh";
	for (idx = 0; idx < 4; idx++) {
		DZ_NEED(d, p + idx, 1);
		if (dz_u8(d, p + idx) != (uint8_t)magic[idx])
			return DZ_OK;
	}
	while (idx < len) {
		uint8_t c;

		DZ_NEED(d, p + idx, 1);
		c = dz_u8(d, p + idx);
		if (c == '\n') {
			goto print;
		} else if (c == '\r') {
			if (idx + 1 >= len)
				return DZ_OK;
			DZ_NEED(d, p + idx + 1, 1);
			if (dz_u8(d, p + idx + 1) == '\n')
				goto print;
			return DZ_OK;
		} else if (!is_print(c)) {
			return DZ_OK;
		}
		idx++;
	}
	return DZ_OK;
print:
	DZ_LIT(d, ": SSH: ");
	dz_putn(d, (const char *)d->pkt + p, idx);
	return DZ_OK;
}

/* BEEP (RFC 3080): tcpdump compares 4 bytes, the NUL of "MSG" included. */
static void beep_print(struct dz *d, size_t p, uint32_t len)
{
	static const char *const kw[] = { "MSG", "RPY ", "ERR ", "ANS ",
					  "NUL ", "SEQ ", "END" };
	size_t i;

	d->proto = "beep";
	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++) {
		if (dz_has(d, p, 4) && len >= 4 &&
		    !memcmp(d->pkt + p, kw[i], 4)) {
			DZ_LIT(d, " BEEP ");
			dz_putn(d, kw[i], 3);
			return;
		}
	}
	DZ_LIT(d, " BEEP (payload or undecoded)");
}

static bool port_is(uint16_t sport, uint16_t dport, uint16_t p)
{
	return sport == p || dport == p;
}

/* The payload of a TCP segment, by port, as tcpdump picks its printer. */
static int tcp_payload(struct dz *d, size_t bp, uint32_t length,
		       uint16_t sport, uint16_t dport)
{
	if (port_is(sport, dport, 23)) {
		/* Telnet: only option negotiation (IAC ...) is shown. */
		d->proto = "telnet";
		DZ_NEED(d, bp, 1);
		return DZ_OK;
	}
	if (port_is(sport, dport, 25)) {
		DZ_LIT(d, ": ");
		return txtproto(d, bp, length, "smtp", NULL);
	}
	if (port_is(sport, dport, 43)) {
		DZ_LIT(d, ": ");
		return txtproto(d, bp, length, "whois", NULL);
	}
	if (port_is(sport, dport, 179)) {
		d->proto = "bgp";
		DZ_LIT(d, ": BGP");
		return DZ_OK;
	}
	if (port_is(sport, dport, 1723)) {
		d->proto = "pptp";
		DZ_LIT(d, ": pptp");
		return DZ_TRUNC;
	}
	if (port_is(sport, dport, 6379)) {
		d->proto = "resp";
		DZ_LIT(d, ": RESP");
		return DZ_TRUNC;
	}
	if (port_is(sport, dport, 22))
		return ssh_print(d, bp, length);
	if (port_is(sport, dport, 10288)) {
		beep_print(d, bp, length);
		return DZ_OK;
	}
	if (port_is(sport, dport, 6633) || port_is(sport, dport, 6653)) {
		d->proto = "openflow";
		DZ_LIT(d, ": OpenFlow");
		return DZ_TRUNC;
	}
	if (port_is(sport, dport, 21)) {
		DZ_LIT(d, ": ");
		return txtproto(d, bp, length, "ftp", NULL);
	}
	if (port_is(sport, dport, 80) || port_is(sport, dport, 8080)) {
		DZ_LIT(d, ": ");
		return txtproto(d, bp, length, "http", http_cmds);
	}
	if (port_is(sport, dport, 554) || port_is(sport, dport, 8554)) {
		DZ_LIT(d, ": ");
		return txtproto(d, bp, length, "rtsp", rtsp_cmds);
	}
	if (port_is(sport, dport, 53))
		return dz_domain(d, bp, length, true, false);
	if (port_is(sport, dport, 639)) {
		d->proto = "msdp";
		DZ_LIT(d, ": msdp");
		return DZ_TRUNC;
	}
	if (port_is(sport, dport, 323)) {
		d->proto = "rpki-rtr";
		DZ_LIT(d, ", RPKI-RTR");
		return DZ_OK;
	}
	if (port_is(sport, dport, 646)) {
		d->proto = "ldp";
		return DZ_TRUNC;
	}
	return DZ_OK;
}

/* The data of a RST, in -v mode (RFC 1122 4.2.2.12). */
static void tcp_rst_data(struct dz *d, size_t sp, uint32_t length)
{
	DZ_LIT(d, " [");
	if (!dz_has(d, sp, length))
		dz_putc(d, '!');
	DZ_LIT(d, "RST");
	if (length > 30) {
		length = 30;
		dz_putc(d, '+');
	}
	dz_putc(d, ' ');
	while (length && sp < d->snap) {
		dz_put_char(d, dz_u8(d, sp));
		sp++;
		length--;
	}
	dz_putc(d, ']');
}

static void put_port_addrs(struct dz *d, size_t iph, int ver, uint8_t ipproto,
			   uint8_t want, uint16_t sport, uint16_t dport)
{
	if (ipproto == want) {
		put_addr(d, iph + (ver == 4 ? 12 : 8), ver);
		dz_putc(d, '.');
		dz_putu(d, sport);
		DZ_LIT(d, " > ");
		put_addr(d, iph + (ver == 4 ? 16 : 24), ver);
		dz_putc(d, '.');
		dz_putu(d, dport);
		DZ_LIT(d, ": ");
	} else {
		dz_putu(d, sport);
		dz_putnum(d, " > ", dport, ": ");
	}
}

/*
 * A Multipath TCP option (RFC 8684 3), op at its kind byte, len its length
 * (all captured).  Returns 0 when tcpdump calls the option bad.
 */
static int mptcp_option(struct dz *d, size_t op, uint32_t len, uint8_t flags)
{
	static const char *const names[9] = {
		"capable", "join", "dss", "add-addr", "rem-addr", "prio",
		"fail", "fast-close", "unknown"
	};
	unsigned sub;

	d->proto = "mptcp";
	if (len < 3)
		return 0;
	sub = dz_u8(d, op + 2) >> 4;
	if (sub > 8)
		sub = 8;
	dz_putc(d, ' ');
	dz_putu(d, len);
	dz_putc(d, ' ');
	dz_puts(d, names[sub]);
	switch (sub) {
	case 0: {
		unsigned ver = dz_u8(d, op + 2) & 0xf;

		if (!((len == 12 || len == 4) && flags & 0x02) &&
		    !((len == 20 || len == 22) && (flags & 0x12) == 0x10))
			return 0;
		if (ver > 1) {
			dz_putnum(d, " Unknown Version (", ver, ")");
			return 1;
		}
		dz_putnum(d, " v", ver, "");
		if (dz_u8(d, op + 3) & 0x80)
			DZ_LIT(d, " csum");
		if (len == 12 || len >= 20) {
			DZ_LIT(d, " {0x");
			puthex64(d, dz_be64(d, op + 4));
			if (len >= 20) {
				DZ_LIT(d, ",0x");
				puthex64(d, dz_be64(d, op + 12));
			}
			dz_putc(d, '}');
		}
		return 1;
	}
	case 1: {
		size_t i;

		if (!(len == 12 && (flags & 0x02)) &&
		    !(len == 16 && (flags & 0x12) == 0x12) &&
		    !(len == 24 && (flags & 0x10)))
			return 0;
		if (len != 24) {
			if (dz_u8(d, op + 2) & 1)
				DZ_LIT(d, " backup");
			dz_putnum(d, " id ", dz_u8(d, op + 3), "");
		}
		if (len == 12) {
			DZ_LIT(d, " token 0x");
			dz_puthex(d, dz_be32(d, op + 4), 1);
			DZ_LIT(d, " nonce 0x");
			dz_puthex(d, dz_be32(d, op + 8), 1);
		} else if (len == 16) {
			DZ_LIT(d, " hmac 0x");
			puthex64(d, dz_be64(d, op + 4));
			DZ_LIT(d, " nonce 0x");
			dz_puthex(d, dz_be32(d, op + 12), 1);
		} else {
			DZ_LIT(d, " hmac 0x");
			for (i = 0; i < 20; i++)
				dz_puthex(d, dz_u8(d, op + 4 + i), 2);
		}
		return 1;
	}
	case 2: {
		uint8_t f;
		size_t p = op + 4;
		uint32_t left;

		if (len < 4 || (flags & 0x02))
			return 0;
		f = dz_u8(d, op + 3);
		if (f & 0x10)
			DZ_LIT(d, " fin");
		left = len - 4;
		if (f & 0x01) {
			DZ_LIT(d, " ack ");
			if (f & 0x02) {
				if (left < 8)
					return 0;
				putu64(d, dz_be64(d, p));
				p += 8;
				left -= 8;
			} else {
				if (left < 4)
					return 0;
				dz_putu(d, dz_be32(d, p));
				p += 4;
				left -= 4;
			}
		}
		if (f & 0x04) {
			DZ_LIT(d, " seq ");
			if (f & 0x08) {
				if (left < 8)
					return 0;
				putu64(d, dz_be64(d, p));
				p += 8;
				left -= 8;
			} else {
				if (left < 4)
					return 0;
				dz_putu(d, dz_be32(d, p));
				p += 4;
				left -= 4;
			}
			if (left < 4)
				return 0;
			dz_putnum(d, " subseq ", dz_be32(d, p), "");
			p += 4;
			left -= 4;
			if (left < 2)
				return 0;
			dz_putnum(d, " len ", dz_be16(d, p), "");
			p += 2;
			left -= 2;
			if (left >= 2) {
				DZ_LIT(d, " csum 0x");
				dz_puthex(d, dz_be16(d, p), 1);
				left -= 2;
			}
		}
		return left == 0;
	}
	case 3: {
		unsigned e;

		if (!(len == 8 || len == 10 || len == 16 || len == 18 ||
		      len == 20 || len == 22 || len == 28 || len == 30))
			return 0;
		e = dz_u8(d, op + 2) & 0xf;
		dz_putc(d, ' ');
		dz_puts(d, e == 6 ? "v0-ip6" : e == 4 ? "v0-ip4" :
			   e == 1 ? "v1-echo" : e == 0 ? "v1" :
			   "[bad version/echo]");
		dz_putnum(d, " id ", dz_u8(d, op + 3), " ");
		if (len <= 18) {
			dz_put_ip4(d, d->pkt + op + 4);
			if (len == 10 || len == 18) {
				dz_putc(d, ':');
				dz_putu(d, dz_be16(d, op + 8));
			}
			if (len == 16 || len == 18) {
				DZ_LIT(d, " hmac 0x");
				puthex64(d, dz_be64(d, op + (len == 16 ? 8 : 10)));
			}
		} else {
			dz_put_ip6(d, d->pkt + op + 4);
			if (len == 22 || len == 30) {
				dz_putc(d, ':');
				dz_putu(d, dz_be16(d, op + 20));
			}
			if (len == 28 || len == 30) {
				DZ_LIT(d, " hmac 0x");
				puthex64(d, dz_be64(d, op + (len == 28 ? 20 : 22)));
			}
		}
		return 1;
	}
	case 4: {
		uint32_t i;

		if (len < 4)
			return 0;
		DZ_LIT(d, " id");
		for (i = 0; i < len - 3; i++) {
			dz_putc(d, ' ');
			dz_putu(d, dz_u8(d, op + 3 + i));
		}
		return 1;
	}
	case 5:
		if (len != 3 && len != 4)
			return 0;
		if (dz_u8(d, op + 2) & 1)
			DZ_LIT(d, " backup");
		else
			DZ_LIT(d, " non-backup");
		if (len == 4) {
			dz_putnum(d, " id ", dz_u8(d, op + 3), "");
		}
		return 1;
	case 6:
	case 7:
		if (len != 12)
			return 0;
		dz_puts(d, sub == 6 ? " seq " : " key 0x");
		if (sub == 6)
			putu64(d, dz_be64(d, op + 4));
		else
			puthex64(d, dz_be64(d, op + 4));
		return 1;
	default:
		return 1;
	}
}

/* Options of the header whose data (paylen bytes) starts at pay. */
static int tcp_options(struct dz *d, size_t cp, uint32_t hlen, bool rev,
		       uint32_t thseq, uint32_t thack, size_t pay,
		       uint32_t paylen, uint8_t flags)
{
	char ch = '\0';
	uint32_t opt, len, datalen, i;

	DZ_LIT(d, ", options [");
	while (hlen > 0) {
		const char *name;

		if (ch != '\0')
			dz_putc(d, ch);
		DZ_NEED(d, cp, 1);
		opt = dz_u8(d, cp);
		cp++;
		if (opt == 0 || opt == 1) {
			len = 1;
		} else {
			DZ_NEED(d, cp, 1);
			len = dz_u8(d, cp);
			cp++;
			if (len < 2 || len > hlen)
				goto bad;
			--hlen;
		}
		--hlen;
		datalen = 0;

/* Are l bytes of option data there, in the header and in the capture? */
#define LENCHECK(l) \
	do { \
		if ((l) > hlen) \
			goto bad; \
		if (!dz_has(d, cp, (l))) \
			goto trunc; \
	} while (0)

		name = tok_find(tcp_option_names, opt);
		if (name) {
			dz_puts(d, name);
		} else {
			dz_putnum(d, "unknown-", opt, "");
		}
		switch (opt) {
		case 2:
			datalen = 2;
			LENCHECK(datalen);
			dz_putc(d, ' ');
			dz_putu(d, dz_be16(d, cp));
			break;
		case 3:
			datalen = 1;
			LENCHECK(datalen);
			dz_putc(d, ' ');
			dz_putu(d, dz_u8(d, cp));
			break;
		case 5:
			datalen = len - 2;
			if (datalen % 8 != 0) {
				DZ_LIT(d, " invalid sack");
			} else {
				uint32_t s, e;

				dz_putc(d, ' ');
				dz_putu(d, datalen / 8);
				dz_putc(d, ' ');
				for (i = 0; i < datalen; i += 8) {
					LENCHECK(i + 4);
					s = dz_be32(d, cp + i);
					LENCHECK(i + 8);
					e = dz_be32(d, cp + i + 4);
					if (rev) {
						s -= thseq;
						e -= thseq;
					} else {
						s -= thack;
						e -= thack;
					}
					dz_putc(d, '{');
					dz_putu(d, s);
					dz_putc(d, ':');
					dz_putu(d, e);
					dz_putc(d, '}');
				}
			}
			break;
		case 11:
		case 12:
		case 13:
		case 6:
		case 7:
			datalen = 4;
			LENCHECK(datalen);
			dz_putc(d, ' ');
			dz_putu(d, dz_be32(d, cp));
			break;
		case 8:
			datalen = 8;
			LENCHECK(datalen);
			dz_putnum(d, " val ", dz_be32(d, cp), " ecr ");
			dz_putu(d, dz_be32(d, cp + 4));
			break;
		case 19:
			datalen = 16;
			LENCHECK(datalen);
			/* tcpdump checks the signature only with -M secret. */
			if (dz_has(d, pay, paylen))
				DZ_LIT(d, " shared secret not supplied with -M, can't check - ");
			else
				DZ_LIT(d, " snaplen too short, can't check - ");
			for (i = 0; i < 16; ++i)
				dz_puthex(d, dz_u8(d, cp + i), 2);
			break;
		case 20:
			datalen = 2;
			LENCHECK(datalen);
			DZ_LIT(d, " cap ");
			dz_puthex(d, dz_u8(d, cp), 2);
			dz_putnum(d, " id ", dz_u8(d, cp + 1), "");
			break;
		case 29:
			datalen = len - 2;
			if (datalen < 2) {
				put_invalid(d);
			} else {
				LENCHECK(1);
				dz_putnum(d, " keyid ", dz_u8(d, cp), "");
				LENCHECK(2);
				dz_putnum(d, " rnextkeyid ", dz_u8(d, cp + 1), "");
				if (datalen > 2) {
					DZ_LIT(d, " mac 0x");
					for (i = 2; i < datalen; i++) {
						LENCHECK(i + 1);
						dz_puthex(d, dz_u8(d, cp + i), 2);
					}
				}
			}
			break;
		case 0:
		case 1:
		case 4:
			break;
		case 28: {
			uint32_t uto;

			datalen = 2;
			LENCHECK(datalen);
			uto = dz_be16(d, cp);
			DZ_LIT(d, " 0x");
			dz_puthex(d, uto, 1);
			if (uto & 1)
				uto = (uto >> 1) * 60;
			else
				uto >>= 1;
			dz_putc(d, ' ');
			dz_putu(d, uto);
			break;
		}
		case 34:
			datalen = len - 2;
			LENCHECK(datalen);
			dz_putc(d, ' ');
			tcp_fastopen(d, cp, datalen, false);
			break;
		case 254: {
			uint16_t magic;

			datalen = len - 2;
			LENCHECK(datalen);
			if (datalen < 2)
				goto bad;
			magic = dz_be16(d, cp);
			dz_putc(d, '-');
			if (magic == 0xf989)
				tcp_fastopen(d, cp + 2, datalen - 2, true);
			else
				dz_puthex(d, magic, 4);
			break;
		}
		case 30:
			datalen = len - 2;
			LENCHECK(datalen);
			if (!mptcp_option(d, cp - 2, len, flags))
				goto bad;
			break;
		default:
			datalen = len - 2;
			if (datalen)
				DZ_LIT(d, " 0x");
			for (i = 0; i < datalen; ++i) {
				LENCHECK(i + 1);
				dz_puthex(d, dz_u8(d, cp + i), 2);
			}
			break;
		}
#undef LENCHECK
		cp += datalen;
		hlen -= datalen;
		++datalen;
		if (opt != 0 && opt != 1)
			++datalen;
		if (datalen != len) {
			dz_putnum(d, "[len ", len, "]");
		}
		ch = ',';
		if (opt == 0)
			break;
	}
	dz_putc(d, ']');
	return DZ_OK;
bad:
	DZ_LIT(d, "[bad opt]");
	if (ch != '\0')
		dz_putc(d, ']');
	return -1;
trunc:
	dz_trunc_mark(d);
	if (ch != '\0')
		dz_putc(d, '>');
	return -1;
}

/* tcpdump's tcp_print(). */
static int tcp_print(struct dz *d, size_t tp, uint32_t length, size_t iph,
		     int ver, bool fragmented)
{
	uint16_t sport, dport, win, urp;
	uint32_t seq, ack, hlen, thseq = 0, thack = 0;
	uint8_t flags;
	bool rev = false;
	int rc;

	d->proto = "tcp";
	if (!dz_has(d, tp + 2, 2)) {
		if (ver == 4)
			put_ip4_addrs(d, iph);
		else
			put_ip6_addrs(d, iph);
		dz_putc(d, ':');
		dz_trunc_mark(d);
		return DZ_OK;
	}
	sport = dz_be16(d, tp);
	dport = dz_be16(d, tp + 2);
	put_port_addrs(d, iph, ver, dz_u8(d, iph + (ver == 4 ? 9 : 6)),
		       IPPROTO_TCP_, sport, dport);
	if (!dz_has(d, tp, 20)) {
		dz_trunc_mark(d);
		return DZ_OK;
	}
	hlen = (uint32_t)(dz_u8(d, tp + 12) >> 4) * 4;
	if (hlen < 20) {
		dz_putnum(d, " tcp ", length - hlen, " [bad hdr length ");
		dz_putu(d, hlen);
		DZ_LIT(d, " - too short, < 20]");
		return DZ_OK;
	}
	seq = dz_be32(d, tp + 4);
	ack = dz_be32(d, tp + 8);
	win = dz_be16(d, tp + 14);
	urp = dz_be16(d, tp + 18);
	flags = dz_u8(d, tp + 13);

	DZ_LIT(d, "Flags [");
	if (!flags)
		DZ_LIT(d, "none");
	if (flags & 0x01)
		dz_putc(d, 'F');
	if (flags & 0x02)
		dz_putc(d, 'S');
	if (flags & 0x04)
		dz_putc(d, 'R');
	if (flags & 0x08)
		dz_putc(d, 'P');
	if (flags & 0x10)
		dz_putc(d, '.');
	if (flags & 0x20)
		dz_putc(d, 'U');
	if (flags & 0x40)
		dz_putc(d, 'E');
	if (flags & 0x80)
		dz_putc(d, 'W');
	dz_putc(d, ']');

	if (flags & 0x10) {
		size_t alen = ver == 4 ? 4 : 16;
		size_t src = iph + (ver == 4 ? 12 : 8), dst = src + alen;
		uint8_t key[36];

		if (sport > dport)
			rev = true;
		else if (sport == dport &&
			 memcmp(d->pkt + src, d->pkt + dst, alen) > 0)
			rev = true;
		memset(key, 0, sizeof(key));
		memcpy(key, d->pkt + (rev ? dst : src), alen);
		memcpy(key + 16, d->pkt + (rev ? src : dst), alen);
		key[32] = (uint8_t)((rev ? dport : sport) >> 8);
		key[33] = (uint8_t)(rev ? dport : sport);
		key[34] = (uint8_t)((rev ? sport : dport) >> 8);
		key[35] = (uint8_t)(rev ? sport : dport);
		if (d->ctx &&
		    !flow_lookup(d->ctx, ver, key, flags & 0x02, rev, seq, ack,
				 &thseq, &thack)) {
			if (rev) {
				seq -= thack;
				ack -= thseq;
			} else {
				seq -= thseq;
				ack -= thack;
			}
		} else if (!d->ctx) {
			/* A first sighting: tcpdump records, prints absolute. */
			if (rev) {
				thack = seq;
				thseq = ack - 1;
			} else {
				thseq = seq;
				thack = ack - 1;
			}
		}
	}
	if (hlen > length) {
		dz_putnum(d, " [bad hdr length ", hlen, " - too long, > ");
		dz_putu(d, length);
		dz_putc(d, ']');
		return DZ_OK;
	}
	if (d->verbose && !fragmented && dz_has(d, tp, length)) {
		uint16_t sum = l4_cksum(d, iph, ver, tp, length, IPPROTO_TCP_);
		uint16_t tcp_sum = dz_be16(d, tp + 16);

		DZ_LIT(d, ", cksum 0x");
		dz_puthex(d, tcp_sum, 4);
		if (sum != 0) {
			DZ_LIT(d, " (incorrect -> 0x");
			dz_puthex(d, cksum_shouldbe(tcp_sum, sum), 4);
			dz_putc(d, ')');
		} else {
			DZ_LIT(d, " (correct)");
		}
	}
	length -= hlen;
	if (length > 0 || flags & (0x02 | 0x01 | 0x04)) {
		dz_putnum(d, ", seq ", seq, "");
		if (length > 0) {
			dz_putc(d, ':');
			dz_putu(d, seq + length);
		}
	}
	if (flags & 0x10) {
		dz_putnum(d, ", ack ", ack, "");
	}
	dz_putnum(d, ", win ", win, "");
	if (flags & 0x20) {
		dz_putnum(d, ", urg ", urp, "");
	}
	if (hlen > 20) {
		rc = tcp_options(d, tp + 20, hlen - 20, rev, thseq, thack,
				 tp + hlen, length, flags);
		if (rc == DZ_TRUNC)
			return DZ_TRUNC;
		if (rc < 0)
			return DZ_OK;
	}
	dz_putnum(d, ", length ", length, "");
	if (length == 0)
		return DZ_OK;
	if (!dz_has(d, tp, hlen)) {
		dz_putnum(d, " [remaining caplen(", (uint32_t)(tp <= d->snap ? d->snap - tp : 0), ") < header length(");
		dz_putu(d, hlen);
		DZ_LIT(d, ")]");
		return DZ_TRUNC;
	}
	if ((flags & 0x04) && d->verbose) {
		tcp_rst_data(d, tp + hlen, length);
		return DZ_OK;
	}
	return tcp_payload(d, tp + hlen, length, sport, dport);
}

/* ---- UDP ---------------------------------------------------------------- */

/* NTP (RFC 5905): the first byte names version and mode. */
static int ntp_print(struct dz *d, size_t p, uint32_t length)
{
	static const char *const modes[8] = {
		"unspecified", "symmetric active", "symmetric passive",
		"Client", "Server", "Broadcast", "Control Message", "Reserved"
	};
	uint8_t status;

	d->proto = "ntp";
	DZ_NEED(d, p, 1);
	status = dz_u8(d, p);
	dz_putnum(d, "NTPv", (status >> 3) & 7, ", ");
	dz_puts(d, modes[status & 7]);
	dz_putnum(d, ", length ", length, "");
	return DZ_OK;
}

/* BOOTP/DHCP (RFC 951, 2131): op, and the client's MAC in a request. */
static int bootp_print(struct dz *d, size_t p, uint32_t length)
{
	uint8_t op;

	d->proto = "bootp";
	DZ_NEED(d, p, 1);
	op = dz_u8(d, p);
	DZ_LIT(d, "BOOTP/DHCP, ");
	if (op == 1) {
		DZ_LIT(d, "Request");
	} else if (op == 2) {
		DZ_LIT(d, "Reply");
	} else {
		DZ_LIT(d, "unknown (0x");
		dz_puthex(d, op, 2);
		dz_putc(d, ')');
	}
	/* hlen, then htype: an Ethernet client of a request is named */
	DZ_NEED(d, p + 1, 2);
	if (dz_u8(d, p + 1) == 1 && dz_u8(d, p + 2) == 6 && op == 1) {
		int i;

		DZ_NEED(d, p + 28, 6);
		DZ_LIT(d, " from ");
		for (i = 0; i < 6; i++) {
			if (i)
				dz_putc(d, ':');
			dz_puthex(d, dz_u8(d, p + 28 + (size_t)i), 2);
		}
	}
	dz_putnum(d, ", length ", length, "");
	return DZ_OK;
}

/* Syslog (RFC 5424 6.2.1): the "<PRI>" names facility and severity. */
static int syslog_print(struct dz *d, size_t p, uint32_t len)
{
	static const char *const fac[24] = {
		"kernel", "user", "mail", "daemon", "auth", "syslog", "lpr",
		"news", "uucp", "cron", "authpriv", "ftp", "ntp", "security",
		"console", "cron", "local0", "local1", "local2", "local3",
		"local4", "local5", "local6", "local7"
	};
	static const char *const sev[8] = {
		"emergency", "alert", "critical", "error", "warning", "notice",
		"info", "debug"
	};
	uint32_t off = 1, pri = 0, f;
	uint8_t c;

	d->proto = "syslog";
	DZ_NEED(d, p, 1);
	if (dz_u8(d, p) != '<')
		goto invalid;
	for (;;) {
		DZ_NEED(d, p + off, 1);
		c = dz_u8(d, p + off);
		if (off > 3 || c < '0' || c > '9')
			break;
		pri = pri * 10 + (uint32_t)(c - '0');
		off++;
	}
	if (c != '>')
		goto invalid;
	off++;
	f = (pri & 0x3f8) >> 3;
	if (!d->verbose) {
		DZ_LIT(d, "SYSLOG ");
	} else {
		dz_putnum(d, "SYSLOG, length: ", len, "\n\tFacility ");
	}
	if (f < 24) {
		dz_puts(d, fac[f]);
	} else {
		dz_putnum(d, "unknown (", f, ")");
	}
	if (!d->verbose) {
		dz_putc(d, '.');
		dz_puts(d, sev[pri & 7]);
		dz_putnum(d, ", length: ", len, "");
		return DZ_OK;
	}
	dz_putnum(d, " (", f, "), Severity ");
	dz_puts(d, sev[pri & 7]);
	dz_putnum(d, " (", pri & 7, ")\n\tMsg: ");
	for (; off < len; off++) {
		if (!dz_has(d, p + off, 1)) {
			dz_trunc_mark(d);
			return DZ_OK;
		}
		dz_put_char(d, dz_u8(d, p + off));
	}
	return DZ_OK;
invalid:
	put_invalid(d);
	return DZ_OK;
}

/* DHCPv6 (RFC 8415 8): the message type; options only with -vv. */
static int dhcp6_print(struct dz *d, size_t p)
{
	static const char *const names[16] = {
		NULL, "solicit", "advertise", "request", "confirm", "renew",
		"rebind", "reply", "release", "decline", "reconfigure",
		"inf-req", "relay-fwd", "relay-reply", "leasequery",
		"leasequery-reply"
	};
	uint8_t t;

	d->proto = "dhcp6";
	DZ_LIT(d, "dhcp6");
	if (!dz_has(d, p, 4)) {
		dz_trunc_mark(d);
		return DZ_OK;
	}
	t = dz_u8(d, p);
	dz_putc(d, ' ');
	if (t < 16 && names[t]) {
		dz_puts(d, names[t]);
	} else {
		dz_putnum(d, "msgtype-", t, "");
	}
	return DZ_OK;
}

enum udp_printer {
	UP_NONE, UP_OTHER, UP_DOMAIN, UP_MDNS, UP_BOOTP, UP_NTP, UP_DHCP6,
	UP_SYSLOG
};

/*
 * The ports tcpdump 4.99 gives a printer, in the order it tries them (the
 * first match wins).  UP_OTHER: a printer not implemented here; the packet
 * gets the generic "UDP, length N" line rather than a later match.
 */
static const struct {
	uint16_t lo, hi;
	uint8_t dport_only;
	uint8_t printer;
} udp_ports[] = {
	{ 53, 53, 0, UP_DOMAIN }, { 5353, 5353, 0, UP_MDNS },
	{ 525, 525, 0, UP_OTHER }, { 69, 69, 0, UP_OTHER },
	{ 67, 68, 0, UP_BOOTP }, { 520, 520, 0, UP_OTHER },
	{ 654, 654, 0, UP_OTHER }, { 4500, 4500, 0, UP_OTHER },
	{ 500, 500, 0, UP_OTHER }, { 7500, 7500, 0, UP_OTHER },
	{ 8500, 8500, 0, UP_OTHER }, { 161, 162, 0, UP_OTHER },
	{ 123, 123, 0, UP_NTP }, { 1701, 1701, 0, UP_OTHER },
	{ 88, 88, 0, UP_OTHER }, { 750, 750, 0, UP_OTHER },
	{ 3456, 3456, 1, UP_OTHER }, { 2103, 2104, 0, UP_OTHER },
	{ 7000, 7009, 0, UP_OTHER }, { 521, 521, 0, UP_OTHER },
	{ 546, 547, 0, UP_DHCP6 }, { 5359, 5359, 0, UP_OTHER },
	{ 6696, 6697, 0, UP_OTHER }, { 8231, 8231, 0, UP_OTHER },
	{ 4567, 4567, 1, UP_OTHER }, { 496, 496, 0, UP_OTHER },
	{ 1645, 1646, 0, UP_OTHER }, { 1700, 1700, 0, UP_OTHER },
	{ 1812, 1813, 0, UP_OTHER }, { 3799, 3799, 0, UP_OTHER },
	{ 1985, 1985, 1, UP_OTHER }, { 921, 921, 0, UP_OTHER },
	{ 646, 646, 0, UP_OTHER }, { 698, 698, 0, UP_OTHER },
	{ 3503, 3503, 0, UP_OTHER }, { 3784, 3785, 1, UP_OTHER },
	{ 4784, 4784, 1, UP_OTHER }, { 6784, 6784, 1, UP_OTHER },
	{ 701, 701, 0, UP_OTHER }, { 1589, 1589, 0, UP_OTHER },
	{ 6343, 6343, 0, UP_OTHER }, { 12222, 12223, 0, UP_OTHER },
	{ 5060, 5060, 0, UP_OTHER }, { 514, 514, 0, UP_SYSLOG },
};

static enum udp_printer udp_printer(const struct dz *d, size_t cp,
				    uint16_t sport, uint16_t dport)
{
	size_t i;

	/* ONC RPC to or from NFS (RFC 5531 9): tcpdump's first choice. */
	if (dz_has(d, cp + 4, 4)) {
		uint32_t dir = dz_be32(d, cp + 4);

		if ((dport == 2049 && dir == 0) || (sport == 2049 && dir == 1))
			return UP_OTHER;
	}
	for (i = 0; i < sizeof(udp_ports) / sizeof(udp_ports[0]); i++) {
		bool s = !udp_ports[i].dport_only &&
			 sport >= udp_ports[i].lo && sport <= udp_ports[i].hi;
		bool t = dport >= udp_ports[i].lo && dport <= udp_ports[i].hi;

		if (s || t)
			return (enum udp_printer)udp_ports[i].printer;
	}
	return UP_NONE;
}

static void udp_addrs(struct dz *d, size_t iph, int ver, bool ports,
		      uint16_t sport, uint16_t dport)
{
	uint8_t ipproto = dz_u8(d, iph + (ver == 4 ? 9 : 6));

	if (ipproto == IPPROTO_UDP_) {
		if (!ports) {
			if (ver == 4)
				put_ip4_addrs(d, iph);
			else
				put_ip6_addrs(d, iph);
			DZ_LIT(d, ": ");
		} else {
			put_port_addrs(d, iph, ver, ipproto, IPPROTO_UDP_,
				       sport, dport);
		}
	} else if (ports) {
		put_port_addrs(d, iph, ver, ipproto, IPPROTO_UDP_, sport,
			       dport);
	}
}

/* tcpdump's udp_print(). */
static int udp_print(struct dz *d, size_t up, uint32_t length, size_t iph,
		     int ver, bool fragmented)
{
	uint16_t sport, dport;
	uint32_t ulen;
	size_t cp = up + 8;

	d->proto = "udp";
	if (!dz_has(d, up + 2, 2)) {
		udp_addrs(d, iph, ver, false, 0, 0);
		goto trunc;
	}
	sport = dz_be16(d, up);
	dport = dz_be16(d, up + 2);
	if (length < 8) {
		udp_addrs(d, iph, ver, true, sport, dport);
		dz_putnum(d, "truncated-udp ", length, "");
		return DZ_OK;
	}
	if (!dz_has(d, up + 4, 2)) {
		udp_addrs(d, iph, ver, true, sport, dport);
		goto trunc;
	}
	ulen = dz_be16(d, up + 4);
	if (ulen == 0 && length > 65535)
		ulen = length;
	if (ulen < 8) {
		udp_addrs(d, iph, ver, true, sport, dport);
		dz_putnum(d, "truncated-udplength ", ulen, "");
		return DZ_OK;
	}
	ulen -= 8;
	length -= 8;
	if (ulen < length)
		length = ulen;
	if (cp > d->snap) {
		udp_addrs(d, iph, ver, true, sport, dport);
		goto trunc;
	}
	udp_addrs(d, iph, ver, true, sport, dport);

	if (d->verbose && !fragmented && ver == 6 &&
	    dz_be16(d, iph + 4) != 0 && dz_has(d, cp, length)) {
		uint16_t sum = l4_cksum(d, iph, ver, up, length + 8,
					IPPROTO_UDP_);
		uint16_t udp_sum = dz_be16(d, up + 6);

		if (sum != 0) {
			DZ_LIT(d, "[bad udp cksum 0x");
			dz_puthex(d, udp_sum, 4);
			DZ_LIT(d, " -> 0x");
			dz_puthex(d, cksum_shouldbe(udp_sum, sum), 4);
			DZ_LIT(d, "!] ");
		} else {
			DZ_LIT(d, "[udp sum ok] ");
		}
	}

	switch (udp_printer(d, cp, sport, dport)) {
	case UP_DOMAIN:
		return dz_domain(d, cp, length, false, false);
	case UP_MDNS:
		return dz_domain(d, cp, length, false, true);
	case UP_BOOTP:
		return bootp_print(d, cp, length);
	case UP_NTP:
		return ntp_print(d, cp, length);
	case UP_SYSLOG:
		return syslog_print(d, cp, length);
	case UP_DHCP6:
		return dhcp6_print(d, cp);
	default:
		break;
	}

	if (ulen > length && !fragmented) {
		dz_putnum(d, "UDP, bad length ", ulen, " > ");
		dz_putu(d, length);
	} else {
		dz_putnum(d, "UDP, length ", ulen, "");
	}
	return DZ_OK;
trunc:
	dz_trunc_mark(d);
	return DZ_OK;
}

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
		const char *s = tok_find(icmp_type_names, type);

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
	    fold(sum16(d->pkt + ext, plen - 136)) != 0)
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
		if (fold(sum16(d->pkt + ext, hlen)) != 0)
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
			rc = put_unknown_data(d, obj, obj_tlen, "\n\t    ");
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

/* tcpdump's icmp_print(). */
static int icmp_print(struct dz *d, size_t bp, uint32_t plen, bool fragmented)
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
		uint16_t sum = fold(sum16(d->pkt + bp, plen));

		if (sum != 0) {
			uint16_t isum;

			/* A message shorter than its checksum field: tcpdump's
			 * GET_BE_U_2 stops there with the truncation mark. */
			DZ_NEED(d, bp + 2, 2);
			isum = dz_be16(d, bp + 2);
			DZ_LIT(d, " (wrong icmp cksum ");
			dz_puthex(d, isum, 1);
			DZ_LIT(d, " (->");
			dz_puthex(d, cksum_shouldbe(isum, sum), 1);
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
		rc = ip4_print(d, bp + 8, ilen);
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
		name = tok_find(icmp6_opt_names, type);
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
			*rc = put_unknown_data(d, cp, len << 3, "\n\t    ");
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
			*rc = put_unknown_data(d, cp + 2, (len << 3) - 2,
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

/* tcpdump's icmp6_print(). */
static int icmp6_print(struct dz *d, size_t bp, uint32_t length, size_t iph,
		       bool fragmented)
{
	uint8_t type, code;
	size_t oip = bp + 8;
	const char *s;
	int rc = DZ_OK, r;

	d->proto = "icmp6";
	if (length == 0) {
		DZ_LIT(d, "ICMP6, length 0");
		put_invalid(d);
		return DZ_OK;
	}
	if (d->verbose && !fragmented && dz_has(d, bp, length)) {
		uint16_t isum, sum;

		DZ_NEED(d, bp + 2, 2);
		isum = dz_be16(d, bp + 2);
		sum = l4_cksum(d, iph, 6, bp, length, IPPROTO_ICMPV6_);
		if (sum != 0) {
			DZ_LIT(d, "[bad icmp6 cksum 0x");
			dz_puthex(d, isum, 4);
			DZ_LIT(d, " -> 0x");
			dz_puthex(d, cksum_shouldbe(isum, sum), 4);
			DZ_LIT(d, "!] ");
		} else {
			DZ_LIT(d, "[icmp6 sum ok] ");
		}
	}
	DZ_NEED(d, bp, 1);
	type = dz_u8(d, bp);
	DZ_LIT(d, "ICMP6, ");
	s = tok_find(icmp6_type_names, type);
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
		s = tok_find(icmp6_unreach_names, code);
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
			return put_unknown_data(d, bp, length, "\n\t");
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
		return put_unknown_data(d, bp, length, "\n\t");
	}
	if (rc != DZ_OK)
		return rc;
	if (!d->verbose) {
		dz_putnum(d, ", length ", length, "");
	}
	return DZ_OK;
}

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
static int igmp_print(struct dz *d, size_t bp, uint32_t len)
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
	    fold(sum16(d->pkt + bp, len)) != 0) {
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
static int gre_print(struct dz *d, size_t bp, uint32_t length)
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
		rc = ip4_print(d, bp, len);
		break;
	case 0x86dd:
		rc = ip6_print(d, bp, len);
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

/* tcpdump's sctp_print(): the ports, then one "(n) [TYPE] ..." a chunk. */
static int sctp_print(struct dz *d, size_t bp, size_t iph, int ver,
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
	put_addr(d, iph + (ver == 4 ? 12 : 8), ver);
	dz_putc(d, '.');
	dz_putu(d, sport);
	DZ_LIT(d, " > ");
	put_addr(d, iph + (ver == 4 ? 16 : 24), ver);
	dz_putc(d, '.');
	dz_putu(d, dport);
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
static int vrrp_print(struct dz *d, size_t bp, uint32_t len, size_t iph,
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
		uint16_t sum = version == 2 ? fold(sum16(d->pkt + bp, len))
					    : l4_cksum(d, iph, ver, bp, len, 112);

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
		put_addr(d, bp, ver);
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
static int esp_print(struct dz *d, size_t bp, uint32_t length)
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
static int ah_print(struct dz *d, size_t bp, int *advance)
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

static int ipcomp_print(struct dz *d, size_t bp)
{
	d->proto = "ipcomp";
	DZ_NEED(d, bp + 2, 2);
	DZ_LIT(d, "IPComp(cpi=0x");
	dz_puthex(d, dz_be16(d, bp + 2), 4);
	dz_putc(d, ')');
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
			rc = ip4_print(&d, 0, len);
		else if (v == 6)
			rc = ip6_print(&d, 0, len);
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
