/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dissect_dns.c - a DNS message (RFC 1035 4.1) as tcpdump 4.99 prints it:
 *   31439+ [1au] A? example.com. (40)
 *   31439 1/0/1 A 216.58.195.78 (55)
 * Names are never copied: they are printed label by label straight from
 * the packet, following compression pointers only backwards (as tcpdump
 * does), which also bounds the work on hostile input.
 */
#include "dissect_int.h"

#include <strings.h>

#define T_A 1
#define T_NS 2
#define T_CNAME 5
#define T_SOA 6
#define T_PTR 12
#define T_MX 15
#define T_TXT 16
#define T_AAAA 28
#define T_SRV 33
#define T_A6 38
#define T_DNAME 39
#define T_OPT 41
#define T_TSIG 250
#define T_URI 256
#define C_IN 1
#define C_QU 0x8000		/* mDNS "unicast response" bit of a qclass */
#define MAXCDNAME 255		/* RFC 1035 2.3.4, the limit tcpdump applies */

/* Type names tcpdump 4.99.3 knows (others print as "Type<n>"). */
static const char *dns_type_name(unsigned t)
{
	static const char *const low[] = {
		NULL, "A", "NS", "MD", "MF", "CNAME", "SOA", "MB", "MG", "MR",
		"NULL", "WKS", "PTR", "HINFO", "MINFO", "MX", "TXT", "RP",
		"AFSDB", "X25", "ISDN", "RT", "NSAP", "NSAP_PTR", "SIG", "KEY",
		"PX", "GPOS", "AAAA", "LOC", "NXT", "EID", "NIMLOC", "SRV",
		"ATMA", "NAPTR", "KX", "CERT", "A6", "DNAME", "SINK", "OPT",
		"APL", "DS", "SSHFP", "IPSECKEY", "RRSIG", "NSEC", "DNSKEY"
	};
	static const char *const mid[] = {
		"SPF", "UINFO", "UID", "GID", "UNSPEC", "UNSPECA"
	};
	static const char *const high[] = {
		"TKEY", "TSIG", "IXFR", "AXFR", "MAILB", "MAILA", "ANY", "URI"
	};

	if (t < sizeof(low) / sizeof(low[0]))
		return low[t];
	if (t >= 99 && t < 99 + sizeof(mid) / sizeof(mid[0]))
		return mid[t - 99];
	if (t >= 249 && t < 249 + sizeof(high) / sizeof(high[0]))
		return high[t - 249];
	return NULL;
}

static void put_type(struct dz *d, unsigned t)
{
	const char *s = dns_type_name(t);

	if (s) {
		dz_puts(d, s);
	} else {
		dz_putnum(d, "Type", t, "");
	}
}

static void put_class(struct dz *d, unsigned c)
{
	switch (c) {
	case 1:
		DZ_LIT(d, "IN");
		break;
	case 3:
		DZ_LIT(d, "CHAOS");
		break;
	case 4:
		DZ_LIT(d, "HS");
		break;
	case 255:
		DZ_LIT(d, "ANY");
		break;
	default:
		dz_putnum(d, "(Class ", c, ")");
		break;
	}
}

static const char *const ns_ops[16] = {
	"", " inv_q", " stat", " op3", " notify", " update", " op6", " op7",
	" op8", " updateA", " updateD", " updateDA", " updateM", " updateMA",
	" zoneInit", " zoneRef",
};

/* tcpdump's table, missing spaces included. */
static const char *const ns_resp[24] = {
	"", " FormErr", " ServFail", " NXDomain", " NotImp", " Refused",
	" YXDomain", " YXRRSet", " NXRRSet", " NotAuth", " NotZone",
	" Resp11", " Resp12", " Resp13", " Resp14", " NoChange", " BadVers",
	"Resp17", " Resp18", " Resp19", " Resp20", "Resp21", " Resp22",
	" BadCookie",
};

/* Where names may point: the message starts at msg. */
struct dns {
	struct dz *d;
	size_t msg;
	bool is_mdns;
};

/*
 * The length of the label at cp as tcpdump's labellen(): its data bytes,
 * or -1 (after "<ELT n>" / "<BAD LABEL TYPE>" for bad types).
 */
static long labellen(struct dz *d, size_t cp)
{
	uint8_t i;

	if (!dz_has(d, cp, 1))
		return -1;
	i = dz_u8(d, cp);
	switch (i & 0xc0) {
	case 0x40: {
		unsigned bitlen;

		if ((i & 0x3f) != 0x01) {
			dz_putnum(d, "<ELT ", i & 0x3f, ">");
			return -1;
		}
		if (!dz_has(d, cp + 1, 1))
			return -1;
		bitlen = dz_u8(d, cp + 1);
		if (bitlen == 0)
			bitlen = 256;
		return (long)((bitlen + 7) / 8 + 1);
	}
	case 0xc0:
	case 0x00:
		return i;
	default:
		DZ_LIT(d, "<BAD LABEL TYPE>");
		return -1;
	}
}

/* Skip a name; the offset after it, or 0 when it runs past the capture. */
static size_t ns_nskip(const struct dz *d, size_t cp)
{
	uint8_t i;

	if (!dz_has(d, cp, 1))
		return 0;
	i = dz_u8(d, cp++);
	while (i) {
		switch (i & 0xc0) {
		case 0xc0:
			return cp + 1;
		case 0x40: {
			unsigned bitlen;

			if ((i & 0x3f) != 0x01)
				return 0;
			if (!dz_has(d, cp, 1))
				return 0;
			bitlen = dz_u8(d, cp);
			if (bitlen == 0)
				bitlen = 256;
			cp++;
			cp += (bitlen + 7) / 8;
			break;
		}
		case 0x80:
			return 0;
		default:
			cp += i;
			break;
		}
		if (!dz_has(d, cp, 1))
			return 0;
		i = dz_u8(d, cp++);
	}
	return cp;
}

/* nd_printn(): n escaped characters, as many as are captured; false when
 * the capture ends first. */
static bool printn(struct dz *d, size_t cp, size_t n)
{
	while (n > 0 && cp < d->snap) {
		dz_put_char(d, dz_u8(d, cp++));
		n--;
	}
	return n == 0;
}

/* An RFC 2673 bit-string label, cp at its length byte. */
static int blabel_print(struct dz *d, size_t cp, bool *ok)
{
	unsigned bitlen, slen, b;
	size_t bitp, lim;

	*ok = false;
	if (!dz_has(d, cp, 1))
		return DZ_OK;
	bitlen = dz_u8(d, cp);
	if (bitlen == 0)
		bitlen = 256;
	slen = (bitlen + 3) / 4;
	lim = cp + 1 + slen;
	DZ_LIT(d, "\\[x");
	for (bitp = cp + 1, b = bitlen; bitp < lim && b > 7; b -= 8, bitp++) {
		DZ_NEED(d, bitp, 1);
		dz_puthex(d, dz_u8(d, bitp), 2);
	}
	if (b > 4) {
		DZ_NEED(d, bitp, 1);
		dz_puthex(d, dz_u8(d, bitp) & (0xffu << (8 - b)) & 0xff, 2);
	} else if (b > 0) {
		DZ_NEED(d, bitp, 1);
		dz_puthex(d, (dz_u8(d, bitp) >> 4) & (0x0fu << (4 - b)) & 0x0f,
			  1);
	}
	dz_putc(d, '/');
	dz_putu(d, bitlen);
	dz_putc(d, ']');
	*ok = true;
	return DZ_OK;
}

/*
 * Print the name at cp (tcpdump's fqdn_print()).  *next gets the offset
 * after the name where it started, or 0 when the name could not be printed
 * to its end.
 */
static int fqdn_print(struct dns *m, size_t cp, size_t *next)
{
	struct dz *d = m->d;
	size_t rp = 0, max_offset;
	unsigned name_chars = 0;
	bool compress = false;
	long l;
	uint8_t i;

	*next = 0;
	l = labellen(d, cp);
	if (l < 0 || !dz_has(d, cp, 1))
		return DZ_OK;
	max_offset = cp - m->msg;
	i = dz_u8(d, cp++);
	if ((i & 0xc0) != 0xc0)
		rp = cp + (size_t)l;
	if (i == 0) {
		dz_putc(d, '.');
		*next = rp;
		return DZ_OK;
	}
	while (i && cp < d->snap) {
		switch (i & 0xc0) {
		case 0xc0: {
			size_t offset;

			if (!compress) {
				rp = cp + 1;
				compress = true;
			}
			if (!dz_has(d, cp, 1))
				return DZ_OK;
			offset = ((size_t)i << 8 | dz_u8(d, cp)) & 0x3fff;
			if (offset >= max_offset) {
				DZ_LIT(d, "<BAD PTR>");
				return DZ_OK;
			}
			max_offset = offset;
			cp = m->msg + offset;
			if (!dz_has(d, cp, 1))
				return DZ_OK;
			i = dz_u8(d, cp);
			l = labellen(d, cp);
			if (l < 0)
				return DZ_OK;
			cp++;
			continue;
		}
		case 0x40: {
			bool ok;
			int rc = blabel_print(d, cp, &ok);

			if (rc != DZ_OK || !ok)
				return rc;
			break;
		}
		case 0x80:
			DZ_LIT(d, "<BAD LABEL TYPE>");
			return DZ_OK;
		default:
			if (name_chars + (unsigned)l <= MAXCDNAME) {
				if (!printn(d, cp, (size_t)l))
					return DZ_OK;
			} else if (name_chars < MAXCDNAME) {
				if (!printn(d, cp, MAXCDNAME - name_chars))
					return DZ_OK;
			}
			name_chars += (unsigned)l;
			break;
		}
		cp += (size_t)l;
		if (name_chars <= MAXCDNAME)
			dz_putc(d, '.');
		name_chars++;
		if (!dz_has(d, cp, 1))
			return DZ_OK;
		i = dz_u8(d, cp);
		l = labellen(d, cp);
		if (l < 0)
			return DZ_OK;
		cp++;
		if (!compress)
			rp += (size_t)l + 1;
	}
	if (name_chars > MAXCDNAME)
		DZ_LIT(d, "<DOMAIN NAME TOO LONG>");
	*next = rp;
	return DZ_OK;
}

int dz_fqdn(struct dz *d, size_t cp, size_t msg, size_t *next)
{
	struct dns m;

	m.d = d;
	m.msg = msg;
	m.is_mdns = false;
	return fqdn_print(&m, cp, next);
}

static const struct {
	unsigned v;
	const char *s;
} dau_names[] = {
	{ 0, "DELETE" }, { 1, "RSAMD5" }, { 2, "DH" }, { 3, "DS" },
	{ 5, "RSASHA1" }, { 6, "DSA-NSEC3-SHA1" }, { 7, "RSASHA1-NSEC3-SHA1" },
	{ 8, "RSASHA256" }, { 10, "RSASHA512" }, { 12, "ECC-GOST" },
	{ 13, "ECDSAP256SHA256" }, { 14, "ECDSAP384SHA384" }, { 15, "ED25519" },
	{ 16, "ED448" }, { 252, "INDIRECT" }, { 253, "PRIVATEDNS" },
	{ 254, "PRIVATEOID" },
};

/* Algorithm numbers of DAU, DHU and N3U (RFC 6975). */
static void put_alg(struct dz *d, unsigned opt, unsigned a)
{
	static const char *const dhu[5] = {
		NULL, "SHA-1", "SHA-256", "GOST_R_34.11-94", "SHA-384"
	};
	const char *s = NULL;
	size_t i;

	if (opt == 5) {
		for (i = 0; i < sizeof(dau_names) / sizeof(dau_names[0]); i++)
			if (dau_names[i].v == a)
				s = dau_names[i].s;
	} else if (opt == 6) {
		s = a < 5 ? dhu[a] : NULL;
	} else if (a == 1) {
		s = "SHA-1";
	}
	if (s) {
		dz_puts(d, s);
	} else {
		dz_putnum(d, "Alg_", a, "");
	}
}

/* EDNS Client Subnet (RFC 7871 6): family, prefix lengths, address. */
static void eopt_ecs(struct dz *d, size_t cp, unsigned len)
{
	unsigned family, bits, src, scope;
	uint8_t a[16];

	if (len < 4)
		goto invalid;
	family = dz_be16(d, cp);
	src = dz_u8(d, cp + 2);
	scope = dz_u8(d, cp + 3);
	if (family == 1)
		bits = 32;
	else if (family == 2)
		bits = 128;
	else
		goto invalid;
	if (len - 4 > bits / 8 || src > bits || scope > bits ||
	    (src + 7) / 8 != len - 4)
		goto invalid;
	memset(a, 0, sizeof(a));
	memcpy(a, d->pkt + cp + 4, len - 4);
	if (family == 1)
		dz_put_ip4(d, a);
	else
		dz_put_ip6(d, a);
	dz_putc(d, '/');
	dz_putu(d, src);
	dz_putc(d, '/');
	dz_putu(d, scope);
	return;
invalid:
	DZ_LIT(d, " (invalid)");
}

static const char *edns_opt_name(unsigned opt)
{
	static const char *const names[18] = {
		NULL, "LLQ", "UL", "NSID", NULL, "DAU", "DHU", "N3U", "ECS",
		"EXPIRE", "COOKIE", "KEEPALIVE", "PADDING", "CHAIN", "KEY-TAG",
		NULL, "CLIENT-TAG", "SERVER-TAG"
	};

	return opt < 18 ? names[opt] : NULL;
}

/* One EDNS option (RFC 6891 6.1.2); 0 in *next when it is cut short. */
static int eopt_print(struct dns *m, size_t cp, size_t *next)
{
	struct dz *d = m->d;
	unsigned opt, len, i;
	const char *name;

	*next = 0;
	if (!dz_has(d, cp, 2))
		return DZ_OK;
	opt = dz_be16(d, cp);
	name = edns_opt_name(opt);
	if (name) {
		dz_puts(d, name);
	} else {
		dz_putnum(d, "Opt", opt, "");
	}
	if (!dz_has(d, cp + 2, 2))
		return DZ_OK;
	len = dz_be16(d, cp + 2);
	cp += 4;
	if (!dz_has(d, cp, len))
		return DZ_OK;
	if (len > 0) {
		dz_putc(d, ' ');
		switch (opt) {
		case 8:
			eopt_ecs(d, cp, len);
			break;
		case 10:
			if (len < 8 || (len > 8 && len < 16) || len > 40) {
				DZ_LIT(d, " (invalid)");
				break;
			}
			for (i = 0; i < len; i++) {
				if (i == 8)
					dz_putc(d, ' ');
				dz_puthex(d, dz_u8(d, cp + i), 2);
			}
			break;
		case 11:
			if (len != 2) {
				DZ_LIT(d, " (invalid)");
				break;
			}
			dz_putu(d, dz_be16(d, cp) / 10u);
			dz_putc(d, '.');
			dz_putu(d, dz_be16(d, cp) % 10u);
			DZ_LIT(d, " sec");
			break;
		case 9:
			if (len != 4) {
				DZ_LIT(d, " (invalid)");
				break;
			}
			dz_putu(d, dz_be32(d, cp));
			DZ_LIT(d, " sec");
			break;
		case 12:
			dz_putc(d, '(');
			dz_putu(d, len);
			dz_putc(d, ')');
			break;
		case 14:
			if (len % 2 != 0) {
				DZ_LIT(d, " (invalid)");
				break;
			}
			for (i = 0; i < len; i += 2) {
				if (i > 0)
					dz_putc(d, ' ');
				dz_putu(d, dz_be16(d, cp + i));
			}
			break;
		case 5:
		case 6:
		case 7:
			for (i = 0; i < len; i++) {
				if (i > 0)
					dz_putc(d, ' ');
				put_alg(d, opt, dz_u8(d, cp + i));
			}
			break;
		case 13: {
			struct dns chain = { d, cp + len, false };
			size_t after;
			int rc = fqdn_print(&chain, cp, &after);

			if (rc != DZ_OK)
				return rc;
			break;
		}
		default:
			for (i = 0; i < len; i++)
				dz_puthex(d, dz_u8(d, cp + i), 2);
			break;
		}
	}
	*next = cp + len;
	return DZ_OK;
}

/* A question; *next as for fqdn_print(). */
static int ns_qprint(struct dns *m, size_t cp, size_t *next)
{
	struct dz *d = m->d;
	size_t np = cp, after;
	unsigned t, c, cls;
	int rc;

	*next = 0;
	cp = ns_nskip(d, cp);
	if (cp == 0 || !dz_has(d, cp, 4))
		return DZ_OK;
	t = dz_be16(d, cp);
	c = dz_be16(d, cp + 2);
	dz_putc(d, ' ');
	put_type(d, t);
	cls = m->is_mdns ? c & ~(unsigned)C_QU : c;
	if (cls != C_IN) {
		dz_putc(d, ' ');
		put_class(d, cls);
	}
	if (m->is_mdns) {
		if (c & C_QU)
			DZ_LIT(d, " (QU)");
		else
			DZ_LIT(d, " (QM)");
	}
	DZ_LIT(d, "? ");
	rc = fqdn_print(m, np, &after);
	if (rc == DZ_OK && after)
		*next = after + 4;
	return rc;
}

/* A resource record (tcpdump's ns_rprint()).  *next: the offset after it;
 * the end of the capture when its header is cut off; 0 on failure. */
static int ns_rprint(struct dns *m, size_t cp, size_t *next)
{
	struct dz *d = m->d;
	unsigned typ, c, cls, len, opt_flags = 0;
	size_t rp, after;
	int rc;

	*next = 0;
	if (d->verbose) {
		dz_putc(d, ' ');
		rc = fqdn_print(m, cp, &cp);
		if (rc != DZ_OK || cp == 0)
			return rc;
	} else {
		cp = ns_nskip(d, cp);
	}
	if (cp == 0 || !dz_has(d, cp, 10)) {
		*next = d->snap;
		return DZ_OK;
	}
	typ = dz_be16(d, cp);
	c = dz_be16(d, cp + 2);
	cls = m->is_mdns ? c & 0x7fff : c;
	if (cls != C_IN && typ != T_OPT) {
		dz_putc(d, ' ');
		put_class(d, cls);
	}
	if (m->is_mdns && (c & 0x8000))
		DZ_LIT(d, " (Cache flush)");
	if (typ == T_OPT)
		opt_flags = dz_be16(d, cp + 6);
	len = dz_be16(d, cp + 8);
	cp += 10;
	rp = cp + len;
	dz_putc(d, ' ');
	put_type(d, typ);
	if (rp > d->snap)
		return DZ_OK;

	switch (typ) {
	case T_A:
		if (!dz_has(d, cp, 4))
			return DZ_OK;
		dz_putc(d, ' ');
		dz_put_ip4(d, d->pkt + cp);
		break;
	case T_NS:
	case T_CNAME:
	case T_PTR:
	case T_DNAME:
		dz_putc(d, ' ');
		rc = fqdn_print(m, cp, &after);
		if (rc != DZ_OK || after == 0)
			return rc;
		break;
	case T_SOA: {
		int k;

		if (!d->verbose)
			break;
		dz_putc(d, ' ');
		rc = fqdn_print(m, cp, &cp);
		if (rc != DZ_OK || cp == 0)
			return rc;
		dz_putc(d, ' ');
		rc = fqdn_print(m, cp, &cp);
		if (rc != DZ_OK || cp == 0)
			return rc;
		if (!dz_has(d, cp, 20))
			return DZ_OK;
		for (k = 0; k < 5; k++) {
			dz_putc(d, ' ');
			dz_putu(d, dz_be32(d, cp + 4 * (size_t)k));
		}
		break;
	}
	case T_MX:
		dz_putc(d, ' ');
		if (!dz_has(d, cp, 2))
			return DZ_OK;
		rc = fqdn_print(m, cp + 2, &after);
		if (rc != DZ_OK || after == 0)
			return rc;
		dz_putc(d, ' ');
		dz_putu(d, dz_be16(d, cp));
		break;
	case T_TXT:
		while (cp < rp) {
			unsigned n;

			DZ_LIT(d, " \"");
			if (!dz_has(d, cp, 1))
				return DZ_OK;
			n = dz_u8(d, cp);
			if (!printn(d, cp + 1, n))
				return DZ_OK;
			cp += 1 + n;
			dz_putc(d, '"');
		}
		break;
	case T_SRV:
		dz_putc(d, ' ');
		if (!dz_has(d, cp, 6))
			return DZ_OK;
		rc = fqdn_print(m, cp + 6, &after);
		if (rc != DZ_OK || after == 0)
			return rc;
		dz_putc(d, ':');
		dz_putu(d, dz_be16(d, cp + 4));
		dz_putc(d, ' ');
		dz_putu(d, dz_be16(d, cp));
		dz_putc(d, ' ');
		dz_putu(d, dz_be16(d, cp + 2));
		break;
	case T_AAAA:
		if (!dz_has(d, cp, 16))
			return DZ_OK;
		dz_putc(d, ' ');
		dz_put_ip6(d, d->pkt + cp);
		break;
	case T_A6: {
		uint8_t a[16];
		unsigned pbit, pbyte;

		if (!dz_has(d, cp, 1))
			return DZ_OK;
		pbit = dz_u8(d, cp);
		pbyte = (pbit & ~7u) / 8;
		if (pbit > 128) {
			dz_putc(d, ' ');
			dz_putu(d, pbit);
			DZ_LIT(d, "(bad plen)");
			break;
		} else if (pbit < 128) {
			memset(a, 0, sizeof(a));
			DZ_NEED(d, cp + 1, 16 - pbyte);
			memcpy(a + pbyte, d->pkt + cp + 1, 16 - pbyte);
			dz_putc(d, ' ');
			dz_putu(d, pbit);
			dz_putc(d, ' ');
			dz_put_ip6(d, a);
		}
		if (pbit > 0) {
			dz_putc(d, ' ');
			rc = fqdn_print(m, cp + 1 + 16 - pbyte, &after);
			if (rc != DZ_OK || after == 0)
				return rc;
		}
		break;
	}
	case T_URI:
		if (!dz_has(d, cp, len))
			return DZ_OK;
		DZ_NEED(d, cp, 4);
		dz_putc(d, ' ');
		dz_putu(d, dz_be16(d, cp));
		dz_putc(d, ' ');
		dz_putu(d, dz_be16(d, cp + 2));
		dz_putc(d, ' ');
		if (!printn(d, cp + 4, len - 4))
			return DZ_OK;
		break;
	case T_OPT:
		dz_putnum(d, " UDPsize=", cls, "");
		if (opt_flags & 0x8000)
			DZ_LIT(d, " DO");
		if (cp < rp) {
			DZ_LIT(d, " [");
			while (cp < rp) {
				rc = eopt_print(m, cp, &cp);
				if (rc != DZ_OK || cp == 0)
					return rc;
				if (cp < rp)
					dz_putc(d, ',');
			}
			dz_putc(d, ']');
		}
		break;
	case T_TSIG:
		if (!d->verbose)
			break;
		dz_putc(d, ' ');
		rc = fqdn_print(m, cp, &cp);
		if (rc != DZ_OK || cp == 0)
			return rc;
		cp += 6;
		if (!dz_has(d, cp, 2))
			return DZ_OK;
		dz_putnum(d, " fudge=", dz_be16(d, cp), "");
		cp += 2;
		if (!dz_has(d, cp, 2))
			return DZ_OK;
		dz_putnum(d, " maclen=", dz_be16(d, cp), "");
		cp += 2 + (size_t)dz_be16(d, cp);
		if (!dz_has(d, cp, 2))
			return DZ_OK;
		dz_putnum(d, " origid=", dz_be16(d, cp), "");
		cp += 2;
		if (!dz_has(d, cp, 2))
			return DZ_OK;
		dz_putnum(d, " error=", dz_be16(d, cp), "");
		cp += 2;
		if (!dz_has(d, cp, 2))
			return DZ_OK;
		dz_putnum(d, " otherlen=", dz_be16(d, cp), "");
		break;
	default:
		break;
	}
	*next = rp;
	return DZ_OK;
}

/* Skip the questions and RRs before the OPT record to learn the extended
 * RCODE (RFC 6891 6.1.3).  Stops quietly wherever the capture ends. */
static unsigned ext_rcode(const struct dz *d, size_t cp, unsigned rcode,
			  unsigned qd, unsigned an_ns, unsigned ar)
{
	unsigned i;

	for (i = 0; i < qd; i++) {
		cp = ns_nskip(d, cp);
		if (cp == 0)
			return rcode;
		cp += 4;
		if (cp >= d->snap)
			return rcode;
	}
	for (i = 0; i < an_ns; i++) {
		cp = ns_nskip(d, cp);
		if (cp == 0)
			return rcode;
		cp += 8;
		if (cp + 2 > d->snap)
			return rcode;
		cp += 2 + (size_t)dz_be16(d, cp);
		if (cp >= d->snap)
			return rcode;
	}
	for (i = 0; i < ar; i++) {
		unsigned type;

		cp = ns_nskip(d, cp);
		if (cp == 0 || cp + 2 > d->snap)
			return rcode;
		type = dz_be16(d, cp);
		cp += 4;
		if (cp + 1 > d->snap)
			return rcode;
		if (type == T_OPT)
			return rcode | (unsigned)dz_u8(d, cp) << 4;
		cp += 4;
		if (cp + 2 > d->snap)
			return rcode;
		cp += 2 + (size_t)dz_be16(d, cp);
		if (cp >= d->snap)
			return rcode;
	}
	return rcode;
}

static void put_rcode(struct dz *d, unsigned rcode)
{
	if (rcode < 24) {
		dz_puts(d, ns_resp[rcode]);
	} else {
		dz_putnum(d, " Resp", rcode & 0xfff, "");
	}
}

/* Print count RRs from *cp, comma-separated; false when one failed. */
static int rr_list(struct dns *m, size_t *cp, unsigned *count, bool *failed)
{
	struct dz *d = m->d;
	int rc;

	*failed = false;
	if (*count == 0)
		return DZ_OK;
	rc = ns_rprint(m, *cp, cp);
	if (rc != DZ_OK)
		return rc;
	if (*cp == 0) {
		*failed = true;
		return DZ_OK;
	}
	(*count)--;
	while (*cp < d->snap && *count) {
		dz_putc(d, ',');
		rc = ns_rprint(m, *cp, cp);
		if (rc != DZ_OK)
			return rc;
		if (*cp == 0) {
			*failed = true;
			return DZ_OK;
		}
		(*count)--;
	}
	return DZ_OK;
}

int dz_domain(struct dz *d, size_t bp, uint32_t length, bool over_tcp,
	      bool is_mdns)
{
	struct dns m;
	unsigned flags, qd, an, ns, ar, rcode, i;
	size_t cp;
	bool failed;
	int rc;

	d->proto = "domain";
	if (over_tcp) {
		unsigned prefix;

		if (length < 2) {
			dz_putnum(d, " [DNS over TCP: length ", length, " < 2] (invalid)");
			return DZ_OK;
		}
		length -= 2;
		DZ_NEED(d, bp, 2);
		prefix = dz_be16(d, bp);
		if (prefix != length) {
			dz_putnum(d, " [prefix length(", prefix, ") != length(");
			dz_putu(d, length);
			DZ_LIT(d, ")] (invalid)");
			return DZ_OK;
		}
		bp += 2;
		dz_putc(d, ' ');
	}
	if (length < 12) {
		dz_putnum(d, "domain [length ", length, " < 12] (invalid)");
		return DZ_OK;
	}
	if (!dz_has(d, bp, 12))
		goto trunc;
	m.d = d;
	m.msg = bp;
	m.is_mdns = is_mdns;
	flags = dz_be16(d, bp + 2);
	qd = dz_be16(d, bp + 4);
	an = dz_be16(d, bp + 6);
	ns = dz_be16(d, bp + 8);
	ar = dz_be16(d, bp + 10);
	rcode = ext_rcode(d, bp + 12, flags & 0xf, qd, an + ns, ar);
	cp = bp + 12;

	if (flags & 0x8000) {
		/* A response: id, opcode, rcode and AA - TC AD marks. */
		dz_putu(d, dz_be16(d, bp));
		dz_puts(d, ns_ops[(flags >> 11) & 0xf]);
		put_rcode(d, rcode);
		if (flags & 0x0400)
			dz_putc(d, '*');
		if (!(flags & 0x0080))
			dz_putc(d, '-');
		if (flags & 0x0200)
			dz_putc(d, '|');
		if (flags & 0x0020)
			dz_putc(d, '$');
		if (qd != 1) {
			dz_putnum(d, " [", qd, "q]");
		}
		for (i = 0; i < qd; i++) {
			if (i != 0)
				dz_putc(d, ',');
			cp = ns_nskip(d, cp);
			if (cp == 0)
				goto trunc;
			cp += 4;
		}
		dz_putc(d, ' ');
		dz_putu(d, an);
		dz_putc(d, '/');
		dz_putu(d, ns);
		dz_putc(d, '/');
		dz_putu(d, ar);
		rc = rr_list(&m, &cp, &an, &failed);
		if (rc != DZ_OK)
			return rc;
		if (failed || an)
			goto trunc;
	} else {
		/* A query: id, opcode, RD and CD marks, odd counts. */
		unsigned b2 = flags;

		dz_putu(d, dz_be16(d, bp));
		dz_puts(d, ns_ops[(flags >> 11) & 0xf]);
		if (flags & 0x0100)
			dz_putc(d, '+');
		if (flags & 0x0010)
			dz_putc(d, '%');
		if (b2 & 0x6cf) {
			DZ_LIT(d, " [b2&3=0x");
			dz_puthex(d, b2, 1);
			dz_putc(d, ']');
		}
		if (((flags >> 11) & 0xf) == 1) {
			if (qd) {
				dz_putnum(d, " [", qd, "q]");
			}
			if (an != 1) {
				dz_putnum(d, " [", an, "a]");
			}
		} else {
			if (an) {
				dz_putnum(d, " [", an, "a]");
			}
			if (qd != 1) {
				dz_putnum(d, " [", qd, "q]");
			}
		}
		if (ns) {
			dz_putnum(d, " [", ns, "n]");
		}
		if (ar) {
			dz_putnum(d, " [", ar, "au]");
		}
		if (qd) {
			rc = ns_qprint(&m, cp, &cp);
			if (rc != DZ_OK)
				return rc;
			if (cp == 0)
				goto trunc;
			qd--;
			while (cp < d->snap && qd) {
				rc = ns_qprint(&m, cp, &cp);
				if (rc != DZ_OK)
					return rc;
				if (cp == 0)
					goto trunc;
				qd--;
			}
		}
		if (qd)
			goto trunc;
	}
	dz_putnum(d, " (", length, ")");
	return DZ_OK;
trunc:
	dz_trunc_mark(d);
	return DZ_OK;
}
