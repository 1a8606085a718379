/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dissect_int.h - internals shared by the printers: dissect.c, dissect_tcp.c,
 * dissect_udp.c, dissect_dns.c, dissect_icmp.c and dissect_other.c.
 *
 * The dissector reproduces tcpdump's text, including where tcpdump stops
 * when a packet is cut short.  tcpdump stops in two ways: a printer finds a
 * missing byte itself and prints what it wants ("[|tcp]>", "[bad opt]"), or
 * its GET_* macro longjmp()s out of every printer at once and the top level
 * prints " [|proto]" with the name of the innermost printer that ran.  Here
 * the second way is a return value: a printer returns DZ_TRUNC and every
 * caller passes it up at once, printing nothing more; dissect_summary()
 * then appends " [|" proto "]".
 *
 * All packet positions are byte offsets from the start of the L3 header, so
 * no pointer is ever formed outside the caller's buffer.
 */
#ifndef NFTRACE_DISSECT_INT_H
#define NFTRACE_DISSECT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct dissect_ctx;

/* Output text.  Appends past the end are dropped; buf[len] is not kept NUL. */
struct dz_out {
	char *buf;
	size_t len;
	size_t cap;		/* room for text, excluding the final NUL */
};

/* One packet being dissected. */
struct dz {
	struct dz_out *o;
	const uint8_t *pkt;	/* the L3 header */
	size_t snap;		/* bytes of pkt readable now (tcpdump's snapend) */
	const char *proto;	/* innermost printer so far, for " [|proto]" */
	bool verbose;
	uint8_t depth;		/* tunnel nesting, bounded */
	struct dissect_ctx *ctx; /* TCP sequence state, or NULL */
};

enum { DZ_OK = 0, DZ_TRUNC = 1 };

/* Are n bytes at off captured? */
static inline bool dz_has(const struct dz *d, size_t off, size_t n)
{
	return off <= d->snap && n <= d->snap - off;
}

/* Unchecked reads: the caller has asked dz_has() first. */
static inline uint8_t dz_u8(const struct dz *d, size_t off)
{
	return d->pkt[off];
}

static inline uint16_t dz_be16(const struct dz *d, size_t off)
{
	return (uint16_t)(d->pkt[off] << 8 | d->pkt[off + 1]);
}

static inline uint32_t dz_be32(const struct dz *d, size_t off)
{
	return (uint32_t)d->pkt[off] << 24 | (uint32_t)d->pkt[off + 1] << 16 |
	       (uint32_t)d->pkt[off + 2] << 8 | d->pkt[off + 3];
}

/* Return DZ_TRUNC from the calling printer unless n bytes at off are there. */
#define DZ_NEED(d, off, n) \
	do { \
		if (!dz_has((d), (off), (n))) \
			return DZ_TRUNC; \
	} while (0)

/* ---- output ---------------------------------------------------------- */

static inline void dz_putn(struct dz *d, const char *s, size_t n)
{
	struct dz_out *o = d->o;
	size_t room = o->cap - o->len;

	if (n > room)
		n = room;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static inline void dz_putc(struct dz *d, char c)
{
	struct dz_out *o = d->o;

	if (o->len < o->cap)
		o->buf[o->len++] = c;
}

/* A string literal, length known at compile time. */
#define DZ_LIT(d, lit) dz_putn((d), "" lit, sizeof(lit) - 1)

static inline void dz_puts(struct dz *d, const char *s)
{
	dz_putn(d, s, strlen(s));
}

void dz_putu(struct dz *d, uint32_t v);
void dz_puthex(struct dz *d, uint32_t v, unsigned width); /* %0*x */

/* pre, v in decimal, post: the commonest shape of a tcpdump field.  Inline,
 * so that the lengths of literal strings are known at compile time. */
static inline void dz_putnum(struct dz *d, const char *pre, uint32_t v,
			     const char *post)
{
	dz_puts(d, pre);
	dz_putu(d, v);
	dz_puts(d, post);
}
void dz_put_ip4(struct dz *d, const uint8_t *a);
void dz_put_ip6(struct dz *d, const uint8_t *a);
/* tcpdump's nd_printn()/fn_print_char(): printable ASCII as is, others escaped. */
void dz_put_char(struct dz *d, uint8_t c);
/* " [|proto]" for a truncation found by a printer itself. */
void dz_trunc_mark(struct dz *d);

/*
 * A domain name at cp (RFC 1035 3.1, compression pointers relative to msg),
 * as tcpdump's fqdn_print().  *next: the offset after the name, or 0 when
 * it could not be printed to its end.
 */
int dz_fqdn(struct dz *d, size_t cp, size_t msg, size_t *next);

/*
 * DNS (tcpdump's domain_print()): the message at off, length bytes long on
 * the wire.  over_tcp: the 2-byte length prefix is at off.  Returns DZ_OK or
 * DZ_TRUNC as above.
 */
int dz_domain(struct dz *d, size_t off, uint32_t length, bool over_tcp,
	      bool is_mdns);

/* ---- shared by the printers (dissect*.c) ----------------------------- */

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

static inline const char *dz_tok_find(const struct dz_tok *t, uint32_t v)
{
	for (; t->s; t++)
		if (t->v == v)
			return t->s;
	return NULL;
}

static inline uint64_t dz_be64(const struct dz *d, size_t off)
{
	return (uint64_t)dz_be32(d, off) << 32 | dz_be32(d, off + 4);
}


void dz_putu64(struct dz *d, uint64_t v);
void dz_puthex64(struct dz *d, uint64_t v);
void dz_put_invalid(struct dz *d);
void dz_put_addr(struct dz *d, size_t off, int ver);
int dz_put_unknown_data(struct dz *d, size_t off, uint32_t len,
			const char *indent);
uint32_t dz_sum16(const uint8_t *p, size_t n);
uint16_t dz_fold(uint32_t s);
uint16_t dz_cksum_shouldbe(uint16_t sum, uint16_t computed);
/* "[bad PROTO cksum 0xFIELD -> 0xRIGHT!] " or "[PROTO sum ok] " for the
 * checksum field and what dz_l4_cksum() said of the segment. */
void dz_put_sum_check(struct dz *d, const char *proto, uint16_t field, uint16_t sum);
uint16_t dz_l4_cksum(const struct dz *d, size_t iph, int ver, size_t off,
		     uint32_t len, uint8_t proto);
void dz_put_ip4_addrs(struct dz *d, size_t ip);
void dz_put_ip6_addrs(struct dz *d, size_t ip6);
/* "SRC.SPORT > DST.DPORT" from the IP header at iph. */
void dz_put_addr_ports(struct dz *d, size_t iph, int ver, uint16_t sport, uint16_t dport);
void dz_put_port_addrs(struct dz *d, size_t iph, int ver, uint8_t ipproto,
		       uint8_t want, uint16_t sport, uint16_t dport);
int dz_ip4_print(struct dz *d, size_t ip, uint32_t length);
int dz_ip6_print(struct dz *d, size_t ip6, uint32_t length);
int dz_tcp_print(struct dz *d, size_t tp, uint32_t length, size_t iph,
		 int ver, bool fragmented);
int dz_udp_print(struct dz *d, size_t up, uint32_t length, size_t iph,
		 int ver, bool fragmented);
int dz_icmp_print(struct dz *d, size_t bp, uint32_t plen, bool fragmented);
int dz_icmp6_print(struct dz *d, size_t bp, uint32_t length, size_t iph,
		   bool fragmented);
int dz_igmp_print(struct dz *d, size_t bp, uint32_t len);
int dz_gre_print(struct dz *d, size_t bp, uint32_t length);
int dz_esp_print(struct dz *d, size_t bp, uint32_t length);
int dz_ah_print(struct dz *d, size_t bp, int *advance);
int dz_ipcomp_print(struct dz *d, size_t bp);
int dz_sctp_print(struct dz *d, size_t bp, size_t iph, int ver,
		  uint32_t length);
int dz_vrrp_print(struct dz *d, size_t bp, uint32_t len, size_t iph,
		  int ver, uint8_t ttl_hl);

#endif
