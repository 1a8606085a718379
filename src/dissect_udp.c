/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dissect_udp.c - UDP as tcpdump 4.99 prints it, with NTP, BOOTP, syslog,
 * DHCPv6 and DNS (dissect_dns.c) on their ports.
 *
 * Like dissect.c, it follows tcpdump's order of checks and output.
 */
#include "dissect_int.h"

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
	dz_put_invalid(d);
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
				dz_put_ip4_addrs(d, iph);
			else
				dz_put_ip6_addrs(d, iph);
			DZ_LIT(d, ": ");
		} else {
			dz_put_port_addrs(d, iph, ver, ipproto, IPPROTO_UDP_,
				       sport, dport);
		}
	} else if (ports) {
		dz_put_port_addrs(d, iph, ver, ipproto, IPPROTO_UDP_, sport,
			       dport);
	}
}

/* tcpdump's dz_udp_print(). */
int dz_udp_print(struct dz *d, size_t up, uint32_t length, size_t iph,
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
		uint16_t sum = dz_l4_cksum(d, iph, ver, up, length + 8,
					IPPROTO_UDP_);
		uint16_t udp_sum = dz_be16(d, up + 6);

		dz_put_sum_check(d, "udp", udp_sum, sum);
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
