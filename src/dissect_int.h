/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dissect_int.h - internals shared by dissect.c and dissect_dns.c.
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

#endif
