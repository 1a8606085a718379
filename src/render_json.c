/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "names.h"
#include "render_json.h"

static const char hexdig[] = "0123456789abcdef";

size_t render_json_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* 1 for the bytes written as they are without a look at what follows:
 * printable ASCII but '"' and '\\', and DEL. */
static const uint8_t plain[256] = {
	[0x20] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x22 '"' */
	[0x30] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x40] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x50] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,	/* 0x5c '\\' */
	[0x60] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x70] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* Whether any of the 8 bytes in w is not plain: under 0x20, '"', '\\'
 * or 0x80 and up (a true answer may be wrong, a false one never is: the
 * byte loop decides). */
static inline bool needs_look(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');

	uint64_t ctl = (w - ones * 0x20) & ~w & high;	/* a byte < 0x20 */
	uint64_t quote = (q - ones) & ~q & high;	/* a zero byte in q */
	uint64_t bslash = (b - ones) & ~b & high;

	return (ctl | quote | bslash | (w & high)) != 0;
}

void render_json_string(struct obuf *o, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;

	obuf_putc(o, '"');
	while (i < len) {
		unsigned char c;
		char e[6];
		size_t el = 2;

		/* The common case: a run of bytes that need nothing, eight
		 * at a time while no byte of the eight needs a look. */
		while (i + 8 <= len) {
			uint64_t w;

			memcpy(&w, s + i, 8);
			if (needs_look(w))
				break;
			i += 8;
		}
		while (i < len && plain[s[i]])
			i++;
		if (i == len)
			break;
		c = s[i];
		if (c >= 0x80) {
			size_t n = render_json_utf8_len(s + i, len - i);

			if (n) {
				i += n;
				continue;
			}
		}
		obuf_put(o, s + run, i - run);
		e[0] = '\\';
		switch (c) {
		case '"': e[1] = '"'; break;
		case '\\': e[1] = '\\'; break;
		case '\b': e[1] = 'b'; break;
		case '\f': e[1] = 'f'; break;
		case '\n': e[1] = 'n'; break;
		case '\r': e[1] = 'r'; break;
		case '\t': e[1] = 't'; break;
		default:
			e[1] = 'u';
			e[2] = '0';
			e[3] = '0';
			e[4] = hexdig[c >> 4];
			e[5] = hexdig[c & 15];
			el = 6;
		}
		obuf_put(o, e, el);
		run = ++i;
	}
	obuf_put(o, s + run, len - run);
	obuf_putc(o, '"');
}

static void put_sref(struct obuf *o, struct strref s)
{
	render_json_string(o, s.p, s.len);
}

static void put_str(struct obuf *o, const char *s)
{
	if (s)
		render_json_string(o, s, strlen(s));
	else
		obuf_puts(o, "null");
}

/* "YYYY-MM-DDT" of the day of ts_ns, cached per day. */
static const char *day_text(uint64_t day)
{
	static uint64_t cached_day = UINT64_MAX;
	static char daybuf[16];

	if (day != cached_day) {
		struct tm tm;
		time_t midnight = (time_t)(day * 86400);

		gmtime_r(&midnight, &tm);
		strftime(daybuf, sizeof(daybuf), "%Y-%m-%dT", &tm);
		cached_day = day;
	}
	return daybuf;
}

/* The quoted time; t[9..17] keep the nine digits of the nanoseconds. */
static void put_time(struct obuf *o, uint64_t ts_ns, char t[20])
{
	uint64_t sec = ts_ns / 1000000000u;
	uint32_t ns = (uint32_t)(ts_ns % 1000000000u), sod = (uint32_t)(sec % 86400);

	obuf_putc(o, '"');
	obuf_puts(o, day_text(sec / 86400));
	obuf_clock_text(t, sod, ns);
	t[18] = 'Z';
	t[19] = '"';
	obuf_put(o, t, 20);
}

void render_json_time(struct obuf *o, uint64_t ts_ns)
{
	char t[20];

	put_time(o, ts_ns, t);
}

/* "time",KEY:ts_ns - the integer from the seconds' digits (cached per
 * second) and the nanoseconds' the time already has. */
static void put_time_ns(struct obuf *o, uint64_t ts_ns, const char *key)
{
	static uint64_t cached_sec;
	static char secbuf[24];
	static size_t seclen;
	uint64_t sec = ts_ns / 1000000000u;
	char t[20];

	put_time(o, ts_ns, t);
	obuf_puts(o, key);
	if (!sec) {
		obuf_u64(o, ts_ns);
		return;
	}
	if (sec != cached_sec || !seclen) {
		struct obuf so = { .buf = secbuf, .cap = sizeof(secbuf), .fd = -1 };

		obuf_u64(&so, sec);
		seclen = so.len;
		cached_sec = sec;
	}
	obuf_put(o, secbuf, seclen);
	obuf_put(o, t + 9, 9);
}

static void put_u64_or_null(struct obuf *o, bool have, uint64_t v)
{
	if (have)
		obuf_u64(o, v);
	else
		obuf_puts(o, "null");
}

static void put_family(struct obuf *o, uint8_t family)
{
	if (family == NAMES_NFPROTO_IPV4)
		obuf_puts(o, "\"ipv4\"");
	else if (family == NAMES_NFPROTO_IPV6)
		obuf_puts(o, "\"ipv6\"");
	else {
		obuf_puts(o, "\"nfproto-");
		obuf_u64(o, family);
		obuf_putc(o, '"');
	}
}

/* ,"KEY":NAME,"KEY_ifindex":N for KEY = in, out, physin, physout; the
 * keys come written out, since most events leave most of them null. */
#define put_iface(o, key, have, ifindex, rs) \
	put_iface_((o), ",\"" key "\":", ",\"" key "_ifindex\":", \
		   ",\"" key "\":null,\"" key "_ifindex\":null", (have), (ifindex), (rs))

static void put_iface_(struct obuf *o, const char *kname, const char *kindex,
		       const char *knull, bool have, uint32_t ifindex, const struct ruleset *rs)
{
	if (!have) {
		obuf_puts(o, knull);
		return;
	}
	obuf_puts(o, kname);
	put_str(o, rs ? ruleset_ifname(rs, ifindex) : NULL);
	obuf_puts(o, kindex);
	obuf_u64(o, ifindex);
}

/* The file name, escaped once per name rather than once per event. */
static void put_file(struct obuf *o, const char *file)
{
	static char raw[171], buf[1024];	/* 170 bytes escape to at most 1022 */
	static struct obuf esc;
	size_t n;

	if (!file) {
		obuf_puts(o, "null");
		return;
	}
	if (strcmp(file, raw) != 0 || !esc.len) {
		n = strlen(file);
		if (n >= sizeof(raw)) {
			/* too long for the cache: the slow way */
			put_str(o, file);
			return;
		}
		memcpy(raw, file, n + 1);
		esc = (struct obuf){ .buf = buf, .cap = sizeof(buf), .fd = -1 };
		render_json_string(&esc, file, n);
	}
	obuf_put(o, esc.buf, esc.len);
}

void render_json_event(struct obuf *o, const struct trace_event *ev,
		       const struct merge_snap *snap, const struct paths_pkt *p)
{
	const struct ruleset *rs = snap ? snap->rs : NULL;
	const char *s;

	obuf_puts(o, "{\"file\":");
	put_file(o, snap ? snap->file : NULL);
	obuf_puts(o, ",\"time\":");
	put_time_ns(o, ev->ts_ns, ",\"ts_ns\":");
	obuf_puts(o, ",\"id\":\"");
	obuf_hex(o, ev->id, 12);
	obuf_puts(o, "\",\"family\":");
	put_family(o, ev->family);
	obuf_puts(o, ",\"hook\":");
	if (ev->have & TE_HAVE_HOOK) {
		s = names_hook_family(ev->nft_family ? ev->nft_family : ev->family, ev->hook);
		if (s)
			put_str(o, s);
		else {
			obuf_puts(o, "\"hook-");
			obuf_u64(o, ev->hook);
			obuf_putc(o, '"');
		}
	} else {
		obuf_puts(o, "null");
	}
	obuf_puts(o, ",\"nft_family\":");
	put_str(o, ev->nft_family ? names_nft_family(ev->nft_family) : NULL);
	obuf_puts(o, ",\"table\":");
	put_sref(o, ev->table);
	obuf_puts(o, ",\"chain\":");
	put_sref(o, ev->chain);
	obuf_puts(o, ",\"kind\":");
	put_str(o, names_kind(ev->kind));
	obuf_puts(o, ",\"number\":");
	obuf_u64(o, ev->rulenum);
	obuf_puts(o, ",\"handle\":");
	put_u64_or_null(o, ev->have & TE_HAVE_HANDLE, ev->handle);
	obuf_puts(o, ",\"prefix\":");
	put_sref(o, ev->prefix);
	obuf_puts(o, ",\"rule\":");
	if (ev->rule_text.len)
		put_sref(o, ev->rule_text);
	else
		obuf_puts(o, "null");
	obuf_puts(o, ",\"verdict\":");
	if (ev->verdict == TRACE_VERDICT_NONE) {
		obuf_puts(o, "null");
	} else if ((s = names_verdict(ev->verdict))) {
		put_str(o, s);
	} else {
		obuf_printf(o, "\"verdict-%d\"", ev->verdict);
	}
	obuf_puts(o, ",\"verdict_chain\":");
	if (ev->verdict_chain.len)
		put_sref(o, ev->verdict_chain);
	else
		obuf_puts(o, "null");
	put_iface(o, "in", ev->have & TE_HAVE_INDEV, ev->indev, rs);
	put_iface(o, "out", ev->have & TE_HAVE_OUTDEV, ev->outdev, rs);
	put_iface(o, "physin", ev->have & TE_HAVE_PHYSINDEV, ev->physindev, rs);
	put_iface(o, "physout", ev->have & TE_HAVE_PHYSOUTDEV, ev->physoutdev, rs);
	obuf_puts(o, ",\"mark\":");
	put_u64_or_null(o, ev->have & TE_HAVE_MARK, ev->mark);
	obuf_puts(o, ",\"uid\":");
	put_u64_or_null(o, ev->have & TE_HAVE_UID, ev->uid);
	obuf_puts(o, ",\"gid\":");
	put_u64_or_null(o, ev->have & TE_HAVE_GID, ev->gid);
	obuf_puts(o, ",\"seq\":");
	put_u64_or_null(o, ev->have & TE_HAVE_SEQ, ev->seq);
	obuf_puts(o, ",\"summary\":");
	if (p)
		put_sref(o, paths_pkt_summary(p));
	else
		obuf_puts(o, "null");
	obuf_puts(o, ",\"caplen\":");
	obuf_u64(o, p ? paths_pkt_caplen(p) : ev->caplen);
	obuf_puts(o, ",\"len\":");
	obuf_u64(o, p ? paths_pkt_len(p) : (ev->len ? ev->len : ev->caplen));
	obuf_puts(o, ",\"lost_before\":");
	obuf_u64(o, ev->dropcount);
	obuf_putc(o, '}');
}

void render_json_packet(struct obuf *o, const struct paths_pkt *p)
{
	const struct path_fate *f = paths_pkt_fate(p);
	struct paths_iter it;
	struct trace_event ev;
	void *ctx;
	bool first = true;
	int32_t i = 0;
	struct strref by = { NULL, 0 };

	/* the file of the packet: that of its hops (paths are per file) */
	paths_hops_begin(p, &it);
	obuf_puts(o, "{\"file\":");
	if (paths_hops_next(&it, &ev, &ctx) && ctx)
		put_str(o, ((const struct merge_snap *)ctx)->file);
	else
		obuf_puts(o, "null");
	obuf_puts(o, ",\"id\":\"");
	obuf_hex(o, paths_pkt_id(p), 12);
	obuf_puts(o, "\",\"time\":");
	put_time_ns(o, paths_pkt_first_ts(p), ",\"ts_ns\":");
	obuf_puts(o, ",\"end_time\":");
	put_time_ns(o, paths_pkt_last_ts(p), ",\"end_ts_ns\":");
	obuf_puts(o, ",\"family\":");
	put_family(o, paths_pkt_family(p));
	obuf_puts(o, ",\"summary\":");
	put_sref(o, paths_pkt_summary(p));
	obuf_puts(o, ",\"caplen\":");
	obuf_u64(o, paths_pkt_caplen(p));
	obuf_puts(o, ",\"len\":");
	obuf_u64(o, paths_pkt_len(p));
	obuf_puts(o, ",\"nhops\":");
	obuf_u64(o, paths_pkt_nhops(p));
	obuf_puts(o, ",\"complete\":");
	obuf_puts(o, paths_pkt_forced(p) ? "false" : "true");
	obuf_puts(o, ",\"hops\":[");
	paths_hops_begin(p, &it);
	while (paths_hops_next(&it, &ev, &ctx)) {
		if (!first)
			obuf_putc(o, ',');
		first = false;
		if (i++ == f->hop)
			by = path_hop_name(&ev);
		render_json_event(o, &ev, ctx, p);
	}
	/* The fate last: it names a hop, which had to be seen first. */
	obuf_puts(o, "],\"fate\":");
	put_str(o, path_verdict_name(f->verdict));
	obuf_puts(o, ",\"fate_by\":");
	if (by.p)
		put_sref(o, by);
	else
		obuf_puts(o, "null");
	obuf_puts(o, ",\"fate_hop\":");
	if (f->hop >= 0)
		obuf_u64(o, (uint64_t)f->hop);
	else
		obuf_puts(o, "null");
	obuf_puts(o, ",\"fate_policy\":");
	obuf_puts(o, f->policy ? "true" : "false");
	obuf_putc(o, '}');
}
