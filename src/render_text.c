/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "names.h"
#include "render_text.h"

#define COLOR_RED "\033[31m"
#define COLOR_GREEN "\033[32m"
#define COLOR_OFF "\033[0m"

static const char hexdig[] = "0123456789abcdef";

/* How a byte is written inside quotes: 0 = as is, else the escape letter
 * ('x' for \xNN). */
static char escape_of(unsigned char c)
{
	switch (c) {
	case '"': return '"';
	case '\\': return '\\';
	case '\t': return 't';
	case '\n': return 'n';
	case '\r': return 'r';
	}
	return (c < 0x20 || c >= 0x7f) ? 'x' : 0;
}

/* Written as is inside quotes (escape_of() gives 0). */
static inline bool is_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/* Are all 8 bytes of w plain?  (A false answer may be wrong, and the
 * byte loop then decides; a true one never is.) */
static inline bool plain8(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
	uint64_t ctl = (w - ones * 0x20) & ~w & high;		/* a byte < 0x20 */
	uint64_t del = (((w & ~high) + ones) & high) | (w & high); /* >= 0x7f */
	uint64_t quote = (q - ones) & ~q & high, bslash = (b - ones) & ~b & high;

	return !(ctl | del | quote | bslash);
}

void render_escaped(struct obuf *o, const char *s, size_t len)
{
	size_t run = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char e = escape_of(c);

		if (!e)
			continue;
		obuf_put(o, s + run, i - run);
		run = i + 1;
		if (e == 'x') {
			char x[4] = { '\\', 'x', hexdig[c >> 4], hexdig[c & 15] };

			obuf_put(o, x, 4);
		} else {
			char x[2] = { '\\', e };

			obuf_put(o, x, 2);
		}
	}
	obuf_put(o, s + run, len - run);
}

/* Does the rule text say where the packet's fate is decided? Used for colour. */
static int text_fate(const struct trace_event *ev)
{
	const char *p = ev->rule_text.p;
	size_t n = ev->rule_text.len;

	if (ev->verdict != TRACE_VERDICT_NONE) {
		if (ev->verdict == 0)
			return -1;
		if (ev->verdict == 1)
			return 1;
		return 0;
	}
	if (!n)
		return 0;
	if ((n >= 8 && !memcmp(p + n - 8, " -j DROP", 8)) ||
	    (n >= 10 && !memcmp(p + n - 10, " -j REJECT", 10)) ||
	    (n >= 5 && !memcmp(p + n - 5, " DROP", 5) && ev->kind == TRACE_KIND_POLICY))
		return -1;
	if ((n >= 10 && !memcmp(p + n - 10, " -j ACCEPT", 10)) ||
	    (n >= 7 && !memcmp(p + n - 7, " ACCEPT", 7) && ev->kind == TRACE_KIND_POLICY))
		return 1;
	if (ev->nft_family && n >= 5 && (!memcmp(p + n - 5, " drop", 5)))
		return -1;
	if (ev->nft_family && n >= 7 && (!memcmp(p + n - 7, " accept", 7)))
		return 1;
	return 0;
}

static void put_ifname(struct obuf *o, const struct ruleset *rs, uint32_t ifindex)
{
	const char *name = rs ? ruleset_ifname(rs, ifindex) : NULL;

	if (name)
		obuf_puts(o, name);
	else {
		obuf_puts(o, "if");
		obuf_u64(o, ifindex);
	}
}

static void put_verdict(struct obuf *o, const struct trace_event *ev)
{
	const char *v = names_verdict(ev->verdict);

	if (v)
		obuf_puts(o, v);
	else {
		obuf_puts(o, "verdict-");
		obuf_printf(o, "%d", ev->verdict);
	}
	if (ev->verdict_chain.len) {
		obuf_putc(o, ' ');
		obuf_put(o, ev->verdict_chain.p, ev->verdict_chain.len);
	}
}

void render_event(struct obuf *o, const struct trace_event *ev,
		  const struct render_opts *opts, const struct ruleset *rs)
{
	int fate = opts->color ? text_fate(ev) : 0;

	if (fate)
		obuf_puts(o, fate < 0 ? COLOR_RED : COLOR_GREEN);
	obuf_hex(o, ev->id, 12);
	obuf_putc(o, ' ');
	obuf_put(o, ev->prefix.p, ev->prefix.len);
	if (ev->rule_text.len) {
		obuf_put(o, "  \"", 3);
		render_escaped(o, ev->rule_text.p, ev->rule_text.len);
		obuf_putc(o, '"');
	}
	if (fate)
		obuf_puts(o, COLOR_OFF);
	obuf_endline(o);
	if (!opts->verbose)
		return;
	obuf_puts(o, "    ");
	render_time(o, ev->ts_ns);
	if (ev->have & TE_HAVE_HOOK) {
		const char *h = names_hook_family(ev->nft_family ? ev->nft_family : ev->family,
						  ev->hook);

		obuf_puts(o, " HOOK=");
		if (h)
			obuf_puts(o, h);
		else
			obuf_u64(o, ev->hook);
	}
	obuf_puts(o, " IN=");
	if (ev->have & TE_HAVE_INDEV)
		put_ifname(o, rs, ev->indev);
	obuf_puts(o, " OUT=");
	if (ev->have & TE_HAVE_OUTDEV)
		put_ifname(o, rs, ev->outdev);
	if (ev->have & TE_HAVE_MARK) {
		obuf_puts(o, " MARK=0x");
		obuf_printf(o, "%x", ev->mark);
	}
	if (ev->have & TE_HAVE_UID) {
		obuf_puts(o, " UID=");
		obuf_u64(o, ev->uid);
	}
	if (ev->have & TE_HAVE_GID) {
		obuf_puts(o, " GID=");
		obuf_u64(o, ev->gid);
	}
	if (ev->verdict != TRACE_VERDICT_NONE) {
		obuf_puts(o, " VERDICT=");
		put_verdict(o, ev);
	}
	if (ev->dropcount) {
		obuf_puts(o, " LOST-BEFORE=");
		obuf_u64(o, ev->dropcount);
	}
	obuf_endline(o);
}

void render_aggregate(struct obuf *o, const struct aggregate *ag)
{
	size_t n = aggregate_count(ag);

	/* No section with nothing in it (no events, or none selected). */
	if (n == 0 && !aggregate_overflow(ag))
		return;
	obuf_endline(o);
	obuf_puts(o, "Aggregated packets:");
	obuf_endline(o);
	for (size_t i = 0; i < n; i++) {
		uint64_t id;
		struct strref s;

		aggregate_get(ag, i, &id, &s);
		obuf_hex(o, id, 12);
		obuf_putc(o, ' ');
		obuf_put(o, s.p, s.len);
		obuf_endline(o);
	}
	if (aggregate_overflow(ag)) {
		obuf_printf(o, "(%llu more packets not listed: the table holds %zu)",
			    (unsigned long long)aggregate_overflow(ag), n);
		obuf_endline(o);
	}
	obuf_endline(o);
}

/* Local time without a time-zone lookup per record: the UTC offset is
 * taken once per hour of input time (DST moves on whole hours). */
void render_time(struct obuf *o, uint64_t ts_ns)
{
	static time_t cached_hour = -1;
	static long cached_off;
	static time_t cached_day = -1;
	static char daybuf[16];
	time_t sec = (time_t)(ts_ns / 1000000000u), local, day;
	uint32_t ns = (uint32_t)(ts_ns % 1000000000u), sod;
	char t[32];

	if (sec / 3600 != cached_hour) {
		struct tm tm;

		cached_hour = sec / 3600;
		localtime_r(&sec, &tm);
		cached_off = tm.tm_gmtoff;
		cached_day = -1;
	}
	local = sec + cached_off;
	day = local / 86400;
	if (day != cached_day) {
		struct tm tm;
		time_t midnight = day * 86400;

		gmtime_r(&midnight, &tm);
		strftime(daybuf, sizeof(daybuf), "%Y-%m-%d ", &tm);
		cached_day = day;
	}
	sod = (uint32_t)(local - day * 86400);
	obuf_puts(o, daybuf);
	obuf_clock_text(t, sod, ns);
	obuf_put(o, t, 18);
}

size_t render_comment(const struct trace_event *ev, char *buf, size_t cap)
{
	size_t n, lim;

	if (!cap)
		return 0;
	lim = cap - 1; /* the NUL */
	if (ev->prefix.len > lim) {
		buf[0] = '\0';
		return 0;
	}
	memcpy(buf, ev->prefix.p, ev->prefix.len);
	n = ev->prefix.len;
	if (ev->rule_text.len && n + 4 <= lim) {
		memcpy(buf + n, "  \"", 3);
		n += 3;
		/* Runs of plain bytes are copied whole; an escape goes in
		 * only when all of it fits with the closing quote, so a cut
		 * never halves one. */
		const char *t = ev->rule_text.p;
		uint32_t len = ev->rule_text.len, i = 0;

		while (i < len) {
			uint32_t j = i;
			unsigned char c;
			char e;
			size_t need;

			while (j + 8 <= len) {
				uint64_t w;

				memcpy(&w, t + j, 8);
				if (!plain8(w))
					break;
				j += 8;
			}
			while (j < len && is_plain((unsigned char)t[j]))
				j++;
			if (j > i) {
				size_t room = lim - 1 - n, run = j - i;

				if (run > room)
					run = room;
				memcpy(buf + n, t + i, run);
				n += run;
				i += (uint32_t)run;
				if (i < j)
					break;	/* the buffer is full */
				if (i == len)
					break;
			}
			c = (unsigned char)t[i];
			e = escape_of(c);
			need = e == 'x' ? 4 : 2;
			if (n + need + 1 > lim)
				break;
			buf[n++] = '\\';
			buf[n++] = e;
			if (e == 'x') {
				buf[n++] = hexdig[c >> 4];
				buf[n++] = hexdig[c & 15];
			}
			i++;
		}
		buf[n++] = '"';
	}
	if (ev->verdict != TRACE_VERDICT_NONE) {
		char v[320];
		struct obuf o = { .buf = v, .cap = sizeof(v), .fd = -1 };

		if (ev->verdict_chain.len < 256) {
			obuf_puts(&o, " (verdict ");
			put_verdict(&o, ev);
			obuf_putc(&o, ')');
			if (n + o.len <= lim) {
				memcpy(buf + n, v, o.len);
				n += o.len;
			}
		}
	}
	buf[n] = '\0';
	return n;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void parse_verdict(const char *p, size_t len, struct trace_event *ev)
{
	const char *sp = memchr(p, ' ', len);
	size_t wl = sp ? (size_t)(sp - p) : len;
	int32_t v;

	if (names_str2tok(names_verdicts, p, wl, &v) < 0)
		return;
	ev->verdict = v;
	if (sp) {
		ev->verdict_chain.p = sp + 1;
		ev->verdict_chain.len = (uint32_t)(len - wl - 1);
	}
}

int render_comment_parse(const char *c, size_t len, struct trace_event *ev,
			 char *scratch, size_t scratchlen)
{
	size_t i, plen = ev->prefix.len, out = 0;
	bool escaped = false;
	const char *start;

	if (len < plen || memcmp(c, ev->prefix.p, plen) != 0)
		return -1;
	i = plen;
	if (i + 3 <= len && !memcmp(c + i, "  \"", 3)) {
		i += 3;
		start = c + i;
		for (; i < len && c[i] != '"'; i++) {
			if (c[i] != '\\')
				continue;
			escaped = true;
			if (++i >= len)
				return -1;
			if (c[i] == 'x')
				i += 2;
		}
		if (i >= len)
			return -1;
		if (!escaped) {
			ev->rule_text.p = start;
			ev->rule_text.len = (uint32_t)(c + i - start);
		} else {
			for (const char *p = start; p < c + i && out < scratchlen; p++) {
				if (*p != '\\') {
					scratch[out++] = *p;
					continue;
				}
				p++;
				switch (*p) {
				case 't': scratch[out++] = '\t'; break;
				case 'n': scratch[out++] = '\n'; break;
				case 'r': scratch[out++] = '\r'; break;
				case 'x': {
					int h = hexval(p[1]), l = hexval(p[2]);

					if (h < 0 || l < 0)
						return -1;
					scratch[out++] = (char)(h << 4 | l);
					p += 2;
					break;
				}
				default: scratch[out++] = *p;
				}
			}
			ev->rule_text.p = scratch;
			ev->rule_text.len = (uint32_t)out;
		}
		i++; /* closing quote */
	}
	if (i + 10 < len && !memcmp(c + i, " (verdict ", 10) && c[len - 1] == ')')
		parse_verdict(c + i + 10, len - i - 11, ev);
	return ev->rule_text.len ? 1 : 0;
}
