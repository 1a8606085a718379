/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * packet_id.c - the NAT-, forwarding- and DSCP-invariant packet ID.  The
 * derivation is in packet_id.h; keep the two in step.
 */
#include <stdbool.h>
#include <string.h>

#include "packet_id.h"

#define NFPROTO_V4 2
#define NFPROTO_V6 10

#define NET_MAX 40	/* NFT_TRACE_MAX_NETWORK_HEADER_LEN */
#define TRANS_MAX 20	/* NFT_TRACE_MAX_TRANSPORT_HEADER_LEN */

/* Which bytes of T a protocol contributes. */
enum tp_rule {
	R_NONE,		/* no transport header */
	R_TCP,
	R_UDP,
	R_ICMP_ECHO,
	R_ICMP_ERR,
	R_ICMP_OTHER,
	R_EXT,		/* IPv6 behind extension headers */
	R_RAW,
	R_MALFORMED,	/* not a usable IPv4/IPv6 header: raw bytes */
};

/* Bits a..b (inclusive) of a 20-bit byte mask. */
#define BYTES(a, b) ((uint32_t)((1ul << ((b) + 1)) - (1ul << (a))))

static const uint32_t rule_mask[] = {
	[R_NONE] = 0,
	[R_TCP] = BYTES(4, 15) | BYTES(18, 19),
	[R_UDP] = BYTES(4, 5) | BYTES(8, 19),
	[R_ICMP_ECHO] = BYTES(0, 1) | BYTES(6, 19),
	[R_ICMP_ERR] = BYTES(0, 1) | BYTES(4, 7),
	[R_ICMP_OTHER] = BYTES(0, 1) | BYTES(4, 19),
	[R_EXT] = BYTES(8, 15) | BYTES(18, 19),
	[R_RAW] = BYTES(0, 19),
	[R_MALFORMED] = BYTES(0, 19),
};

/* ---- hash: 8-byte little-endian words, multiply-xorshift, fmix64 ---- */

static inline uint64_t fmix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static inline uint64_t rotl64(uint64_t x, unsigned r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
	uint64_t h = 0x243f6a8885a308d3ULL ^ ((uint64_t)n * 0x9e3779b97f4a7c15ULL);
	uint64_t w;
	size_t i;

	while (n >= 8) {
		for (w = 0, i = 0; i < 8; i++)
			w |= (uint64_t)p[i] << (8 * i);
		h = rotl64(h ^ fmix64(w), 29) * 0x9fb21c651e98df25ULL;
		p += 8;
		n -= 8;
	}
	for (w = 0, i = 0; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
	h = rotl64(h ^ fmix64(w ^ 0x5bd1e995u), 29) * 0x9fb21c651e98df25ULL;
	return fmix64(h);
}

/* ---- rules ---- */

static enum tp_rule icmp_rule(bool v6, const uint8_t *th, size_t thlen)
{
	uint8_t type;

	if (thlen == 0)
		return R_ICMP_OTHER;
	type = th[0];
	if (v6) {
		if (type == 128 || type == 129)
			return R_ICMP_ECHO;
		return type < 128 ? R_ICMP_ERR : R_ICMP_OTHER;
	}
	switch (type) {
	case 0: case 8:
		return R_ICMP_ECHO;
	case 3: case 4: case 5: case 11: case 12:
		return R_ICMP_ERR;
	default:
		return R_ICMP_OTHER;
	}
}

static enum tp_rule v4_rule(const uint8_t *nh, const uint8_t *th, size_t thlen)
{
	/* A non-first fragment carries data where a header would be. */
	if (((nh[6] & 0x1f) | nh[7]) != 0)
		return R_RAW;
	switch (nh[9]) {
	case 6:
		return R_TCP;
	case 17:
		return R_UDP;
	case 1:
		return icmp_rule(false, th, thlen);
	default:
		return R_RAW;
	}
}

static bool v6_is_ext(uint8_t nexthdr)
{
	switch (nexthdr) {
	case 0: case 43: case 44: case 51: case 60: case 135: case 139: case 140:
		return true;
	default:
		return false;
	}
}

static enum tp_rule v6_rule(const uint8_t *nh, const uint8_t *th, size_t thlen)
{
	switch (nh[6]) {
	case 6:
		return R_TCP;
	case 17:
		return R_UDP;
	case 58:
		return icmp_rule(true, th, thlen);
	case 59: /* no next header */
		return R_NONE;
	default:
		return v6_is_ext(nh[6]) ? R_EXT : R_RAW;
	}
}

/* ---- the canonical buffer ---- */

uint64_t packet_id_split(uint8_t family, const uint8_t *nh, size_t nhlen,
			 const uint8_t *th, size_t thlen)
{
	uint8_t c[2 + NET_MAX + TRANS_MAX];
	enum tp_rule rule;
	uint32_t mask;
	uint64_t id;
	size_t n = 0, i;

	if (nhlen > NET_MAX)
		nhlen = NET_MAX;
	if (thlen > TRANS_MAX)
		thlen = TRANS_MAX;

	c[n++] = family;
	if (family == NFPROTO_V4 && nhlen >= 20 && (nh[0] >> 4) == 4 &&
	    (nh[0] & 0x0f) >= 5) {
		rule = v4_rule(nh, th, thlen);
		c[n++] = (uint8_t)rule;
		c[n++] = nh[0];			/* version, IHL */
		memcpy(c + n, nh + 2, 6);	/* tot_len, id, frag_off */
		n += 6;
		c[n++] = nh[9];			/* protocol */
	} else if (family == NFPROTO_V6 && nhlen >= 40 && (nh[0] >> 4) == 6) {
		rule = v6_rule(nh, th, thlen);
		c[n++] = (uint8_t)rule;
		c[n++] = nh[0] >> 4;		/* version */
		c[n++] = nh[1] & 0x0f;		/* flow label */
		c[n++] = nh[2];
		c[n++] = nh[3];
		c[n++] = nh[4];			/* payload length */
		c[n++] = nh[5];
		c[n++] = nh[6];			/* next header */
	} else {
		rule = R_MALFORMED;
		c[n++] = (uint8_t)rule;
		if (nhlen)
			memcpy(c + n, nh, nhlen);
		n += nhlen;
	}

	mask = rule_mask[rule];
	for (i = 0; i < thlen; i++)
		if (mask & (1u << i))
			c[n++] = th[i];

	id = hash_bytes(c, n) & PACKET_ID_MASK;
	return id ? id : 1;
}

/* IPv6 transport offset: walk the extension headers within caplen.
 * Returns 0 if there is no transport header to be found. */
static size_t v6_thoff(const uint8_t *l3, size_t caplen)
{
	uint8_t nexthdr = l3[6];
	size_t off = 40, hlen;
	int hops;

	for (hops = 0; hops < 16 && v6_is_ext(nexthdr); hops++) {
		/* Is the extension header's fixed part captured? */
		if (caplen < off + 8)
			return 0;
		if (nexthdr == 44) {
			hlen = 8;
			/* A non-first fragment: the rest is data. */
			if (((l3[off + 2] << 8 | l3[off + 3]) & 0xfff8) != 0)
				return off + hlen;
		} else if (nexthdr == 51) {
			hlen = ((size_t)l3[off + 1] + 2) * 4;
		} else {
			hlen = ((size_t)l3[off + 1] + 1) * 8;
		}
		nexthdr = l3[off];
		off += hlen;
	}
	if (v6_is_ext(nexthdr) || nexthdr == 59)
		return 0;
	return off;
}

uint64_t packet_id(uint8_t family, const uint8_t *l3, size_t caplen)
{
	size_t thoff = 0;

	if (family == NFPROTO_V4 && caplen >= 20 && (l3[0] >> 4) == 4 &&
	    (l3[0] & 0x0f) >= 5)
		thoff = (size_t)(l3[0] & 0x0f) * 4;
	else if (family == NFPROTO_V6 && caplen >= 40 && (l3[0] >> 4) == 6)
		thoff = v6_thoff(l3, caplen);
	else	/* not a header we know: its first bytes as they are */
		thoff = NET_MAX;

	if (thoff == 0 || thoff >= caplen)
		return packet_id_split(family, l3, caplen, NULL, 0);
	return packet_id_split(family, l3, thoff, l3 + thoff, caplen - thoff);
}
