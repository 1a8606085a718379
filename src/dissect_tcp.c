/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dissect_tcp.c - TCP as tcpdump 4.99 prints it: flags, options, relative
 * sequence numbers (a bounded flow table), and the first line of the
 * payloads it decodes (HTTP and other text protocols, SSH banners, DNS
 * over TCP, ...).
 *
 * Like dissect.c, it follows tcpdump's order of checks and output.
 */
#include "dissect.h"
#include "dissect_int.h"

#include <errno.h>
#include <stdlib.h>

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
		dz_put_invalid(d);
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

void dz_put_addr_ports(struct dz *d, size_t iph, int ver, uint16_t sport, uint16_t dport)
{
	dz_put_addr(d, iph + (ver == 4 ? 12 : 8), ver);
	dz_putc(d, '.');
	dz_putu(d, sport);
	DZ_LIT(d, " > ");
	dz_put_addr(d, iph + (ver == 4 ? 16 : 24), ver);
	dz_putc(d, '.');
	dz_putu(d, dport);
}

void dz_put_port_addrs(struct dz *d, size_t iph, int ver, uint8_t ipproto,
		       uint8_t want, uint16_t sport, uint16_t dport)
{
	if (ipproto == want) {
		dz_put_addr_ports(d, iph, ver, sport, dport);
		DZ_LIT(d, ": ");
	} else {
		dz_putu(d, sport);
		dz_putnum(d, " > ", dport, ": ");
	}
}

/* A DSS data ACK or sequence number, 8 bytes when wide else 4, at *p
 * within *left bytes; 0 when it does not fit. */
static int dss_number(struct dz *d, size_t *p, uint32_t *left, bool wide)
{
	uint32_t n = wide ? 8 : 4;

	if (*left < n)
		return 0;
	if (wide)
		dz_putu64(d, dz_be64(d, *p));
	else
		dz_putu(d, dz_be32(d, *p));
	*p += n;
	*left -= n;
	return 1;
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
			dz_puthex64(d, dz_be64(d, op + 4));
			if (len >= 20) {
				DZ_LIT(d, ",0x");
				dz_puthex64(d, dz_be64(d, op + 12));
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
			dz_puthex64(d, dz_be64(d, op + 4));
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
			if (!dss_number(d, &p, &left, f & 0x02))
				return 0;
		}
		if (f & 0x04) {
			DZ_LIT(d, " seq ");
			if (!dss_number(d, &p, &left, f & 0x08))
				return 0;
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
				dz_puthex64(d, dz_be64(d, op + (len == 16 ? 8 : 10)));
			}
		} else {
			dz_put_ip6(d, d->pkt + op + 4);
			if (len == 22 || len == 30) {
				dz_putc(d, ':');
				dz_putu(d, dz_be16(d, op + 20));
			}
			if (len == 28 || len == 30) {
				DZ_LIT(d, " hmac 0x");
				dz_puthex64(d, dz_be64(d, op + (len == 28 ? 20 : 22)));
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
			dz_putu64(d, dz_be64(d, op + 4));
		else
			dz_puthex64(d, dz_be64(d, op + 4));
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

		name = dz_tok_find(tcp_option_names, opt);
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
				dz_put_invalid(d);
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

/* tcpdump's dz_tcp_print(). */
int dz_tcp_print(struct dz *d, size_t tp, uint32_t length, size_t iph,
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
			dz_put_ip4_addrs(d, iph);
		else
			dz_put_ip6_addrs(d, iph);
		dz_putc(d, ':');
		dz_trunc_mark(d);
		return DZ_OK;
	}
	sport = dz_be16(d, tp);
	dport = dz_be16(d, tp + 2);
	dz_put_port_addrs(d, iph, ver, dz_u8(d, iph + (ver == 4 ? 9 : 6)),
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
		uint16_t sum = dz_l4_cksum(d, iph, ver, tp, length, IPPROTO_TCP_);
		uint16_t tcp_sum = dz_be16(d, tp + 16);

		DZ_LIT(d, ", cksum 0x");
		dz_puthex(d, tcp_sum, 4);
		if (sum != 0) {
			DZ_LIT(d, " (incorrect -> 0x");
			dz_puthex(d, dz_cksum_shouldbe(tcp_sum, sum), 4);
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
