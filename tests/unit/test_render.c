/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The nftrace text format: event lines, escaping, the packet comment and
 * its way back, times.  Expected strings are the format's definition
 * (render_text.h) and the original tool's README output.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "render_text.h"

/* Render into a memfd and give the text back. */
static struct obuf o;
static int mfd = -1;

static void out_open(void)
{
	mfd = memfd_create("render", 0);
	cr_assert_geq(mfd, 0);
	cr_assert_eq(obuf_init(&o, mfd, 4096), 0);
}

static char *out_text(void)
{
	static char buf[8192];
	ssize_t n;

	cr_assert_eq(obuf_flush(&o), 0);
	n = pread(mfd, buf, sizeof(buf) - 1, 0);
	cr_assert_geq(n, 0);
	buf[n] = '\0';
	obuf_free(&o);
	close(mfd);
	return buf;
}

static struct trace_event event(const char *prefix, const char *text)
{
	struct trace_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.verdict = TRACE_VERDICT_NONE;
	ev.prefix = (struct strref){ prefix, (uint32_t)strlen(prefix) };
	if (text)
		ev.rule_text = (struct strref){ text, (uint32_t)strlen(text) };
	ev.id = 0x333e26bf278dULL;
	return ev;
}

Test(render, escaped)
{
	const char in[] = "a\"b\\c\td\ne\rf\x01g\x7fh\xc3\xa9i";

	out_open();
	render_escaped(&o, in, sizeof(in) - 1);
	cr_expect_str_eq(out_text(), "a\\\"b\\\\c\\td\\ne\\rf\\x01g\\x7fh\\xc3\\xa9i");
}

/* The original tool's README lines, byte for byte. */
Test(render, event_lines_as_the_original)
{
	struct render_opts ro = { 0 };
	struct trace_event a = event("TRACE: raw:PREROUTING:rule:3",
		"-A PREROUTING -s 8.8.4.4/32 -p udp -m udp --sport 53 -j MARK --set-xmark 0xef/0xffffffff");
	struct trace_event b = event("TRACE: raw:OUTPUT_direct:return:1", NULL);
	struct trace_event c = event("TRACE: security:OUTPUT:rule:1",
		"-A OUTPUT -p ipv6-icmp -m comment --comment \"wouldn\\'t you have liked to know this rule was hit?\"");

	b.id = c.id = 0x97f031f9d7f1ULL;
	out_open();
	render_event(&o, &a, &ro, NULL);
	render_event(&o, &b, &ro, NULL);
	render_event(&o, &c, &ro, NULL);
	cr_expect_str_eq(out_text(),
		"333e26bf278d TRACE: raw:PREROUTING:rule:3  \"-A PREROUTING -s 8.8.4.4/32 -p udp -m udp --sport 53 -j MARK --set-xmark 0xef/0xffffffff\"\n"
		"97f031f9d7f1 TRACE: raw:OUTPUT_direct:return:1\n"
		"97f031f9d7f1 TRACE: security:OUTPUT:rule:1  \"-A OUTPUT -p ipv6-icmp -m comment --comment \\\"wouldn\\\\'t you have liked to know this rule was hit?\\\"\"\n");
}

Test(render, id_is_twelve_hex_digits)
{
	struct render_opts ro = { 0 };
	struct trace_event a = event("TRACE: filter:INPUT:policy:2", "-P INPUT DROP");

	a.id = 0x1;
	out_open();
	render_event(&o, &a, &ro, NULL);
	cr_expect_str_eq(out_text(), "000000000001 TRACE: filter:INPUT:policy:2  \"-P INPUT DROP\"\n");
}

Test(render, colour_only_when_asked)
{
	struct render_opts ro = { .color = true };
	struct trace_event d = event("TRACE: filter:INPUT:rule:1", "-A INPUT -m mark --mark 0xef -j DROP");
	struct trace_event a = event("TRACE: filter:INPUT:policy:2", "-P INPUT ACCEPT");
	struct trace_event m = event("TRACE: raw:PREROUTING:rule:2", "-A PREROUTING -j MARK --set-mark 1");

	a.kind = TRACE_KIND_POLICY;
	out_open();
	render_event(&o, &d, &ro, NULL);
	render_event(&o, &a, &ro, NULL);
	render_event(&o, &m, &ro, NULL);
	cr_expect_str_eq(out_text(),
		"\033[31m333e26bf278d TRACE: filter:INPUT:rule:1  \"-A INPUT -m mark --mark 0xef -j DROP\"\033[0m\n"
		"\033[32m333e26bf278d TRACE: filter:INPUT:policy:2  \"-P INPUT ACCEPT\"\033[0m\n"
		"333e26bf278d TRACE: raw:PREROUTING:rule:2  \"-A PREROUTING -j MARK --set-mark 1\"\n");
}

Test(render, verbose_detail_line)
{
	struct render_opts ro = { .verbose = true };
	struct trace_event a = event("TRACE: filter:INPUT:rule:1", "-A INPUT -j DROP");

	setenv("TZ", "UTC", 1);
	tzset();
	a.ts_ns = 1795791466453105000ULL; /* 2026-11-27 14:57:46.453105 UTC */
	a.have = TE_HAVE_HOOK | TE_HAVE_INDEV | TE_HAVE_MARK | TE_HAVE_UID;
	a.hook = 1;
	a.indev = 7;
	a.mark = 0xef;
	a.uid = 1000;
	a.verdict = 0;
	a.dropcount = 3;
	out_open();
	render_event(&o, &a, &ro, NULL);
	cr_expect_str_eq(out_text(),
		"333e26bf278d TRACE: filter:INPUT:rule:1  \"-A INPUT -j DROP\"\n"
		"    2026-11-27 14:57:46.453105000 HOOK=INPUT IN=if7 OUT= MARK=0xef UID=1000 VERDICT=drop LOST-BEFORE=3\n");
}

Test(render, time_across_days_and_zones)
{
	setenv("TZ", "UTC", 1);
	tzset();
	out_open();
	render_time(&o, 0);
	obuf_putc(&o, '|');
	render_time(&o, 1795791466000000001ULL);
	obuf_putc(&o, '|');
	render_time(&o, 1795823999999999999ULL); /* 23:59:59.999999999 */
	cr_expect_str_eq(out_text(), "1970-01-01 00:00:00.000000000|2026-11-27 14:57:46.000000001|"
				     "2026-11-27 23:59:59.999999999");
}

/* A zone east of UTC moves the same instant to the next day.  (Each
 * Criterion test runs in its own process: the offset cache starts empty.) */
Test(render, time_in_a_zone)
{
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	out_open();
	render_time(&o, 1795823999999999999ULL);
	cr_expect_str_eq(out_text(), "2026-11-28 08:59:59.999999999");
}

Test(render, comment_round_trip)
{
	const char *texts[] = {
		"-A INPUT -m mark --mark 0xef -j DROP",
		"-A OUTPUT -m comment --comment \"a \\\"quoted\\\" \\\\ word\"",
		"tab\there, newline\nthere, bytes \x01\x7f\xff",
		"",
	};
	char buf[1024], scratch[1024];

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct trace_event a = event("TRACE: raw:OUTPUT:rule:2", texts[i]), b;
		size_t n = render_comment(&a, buf, sizeof(buf));

		cr_expect_eq(strlen(buf), n);
		b = event("TRACE: raw:OUTPUT:rule:2", NULL);
		cr_expect_eq(render_comment_parse(buf, n, &b, scratch, sizeof(scratch)),
			     *texts[i] ? 1 : 0, "text %zu: %s", i, buf);
		cr_expect_eq(b.rule_text.len, strlen(texts[i]));
		cr_expect(!b.rule_text.len || !memcmp(b.rule_text.p, texts[i], b.rule_text.len),
			  "text %zu", i);
		cr_expect_eq(b.verdict, TRACE_VERDICT_NONE);
	}
}

/* The comment as one byte at a time writes it: the reference for the
 * run-copying render_comment(), escapes whole or not at all. */
static size_t ref_comment(const char *prefix, const char *t, size_t len, char *buf, size_t cap)
{
	static const char hx[] = "0123456789abcdef";
	size_t n = strlen(prefix), lim = cap - 1;

	if (n > lim) {
		buf[0] = '\0';
		return 0;
	}
	memcpy(buf, prefix, n);
	if (len && n + 4 <= lim) {
		memcpy(buf + n, "  \"", 3);
		n += 3;
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)t[i];
			char e = c == '"' ? '"' : c == '\\' ? '\\' : c == '\t' ? 't' : c == '\n' ? 'n' :
				 c == '\r' ? 'r' : (c < 0x20 || c >= 0x7f) ? 'x' : 0;
			size_t need = !e ? 1 : e == 'x' ? 4 : 2;

			if (n + need + 1 > lim)
				break;
			if (!e) {
				buf[n++] = (char)c;
				continue;
			}
			buf[n++] = '\\';
			buf[n++] = e;
			if (e == 'x') {
				buf[n++] = hx[c >> 4];
				buf[n++] = hx[c & 15];
			}
		}
		buf[n++] = '"';
	}
	buf[n] = '\0';
	return n;
}

/* Every byte at every offset of a 24-byte text, and every buffer size
 * from nothing to all of it: the same comment as the reference. */
Test(render, comment_every_byte_every_cut)
{
	char text[24], got[96], want[96];

	for (int c = 0; c < 256; c++) {
		for (size_t at = 0; at < sizeof(text); at++) {
			memset(text, 'a', sizeof(text));
			text[at] = (char)c;
			text[(at + 9) % sizeof(text)] = '"';
			for (size_t cap = 1; cap <= sizeof(got); cap += (cap < 40 ? 1 : 7)) {
				struct trace_event a = event("TRACE: raw:OUTPUT:rule:2", NULL);
				size_t n, m;

				a.rule_text = (struct strref){ text, sizeof(text) };
				n = render_comment(&a, got, cap);
				m = ref_comment("TRACE: raw:OUTPUT:rule:2", text, sizeof(text), want, cap);
				cr_assert_eq(n, m, "byte 0x%02x at %zu, cap %zu", c, at, cap);
				cr_assert_str_eq(got, want, "byte 0x%02x at %zu, cap %zu", c, at, cap);
			}
		}
	}
}

Test(render, comment_with_verdict)
{
	struct trace_event a = event("TRACE: inet t:in:rule:1", "meta l4proto udp jump sub"), b;
	char buf[256], scratch[256];
	size_t n;

	a.verdict = -3; /* NFT_JUMP */
	a.verdict_chain = STRREF_LIT("sub");
	n = render_comment(&a, buf, sizeof(buf));
	cr_expect_str_eq(buf, "TRACE: inet t:in:rule:1  \"meta l4proto udp jump sub\" (verdict jump sub)");
	b = event("TRACE: inet t:in:rule:1", NULL);
	cr_expect_eq(render_comment_parse(buf, n, &b, scratch, sizeof(scratch)), 1);
	cr_expect_eq(b.verdict, -3);
	cr_expect(strref_eq(b.verdict_chain, "sub", 3));
	cr_expect(strref_eq(b.rule_text, "meta l4proto udp jump sub", 25));

	a = event("TRACE: inet t:in:policy:2", "policy drop");
	a.verdict = 0;
	render_comment(&a, buf, sizeof(buf));
	cr_expect_str_eq(buf, "TRACE: inet t:in:policy:2  \"policy drop\" (verdict drop)");
}

Test(render, comment_not_ours)
{
	struct trace_event b = event("TRACE: raw:OUTPUT:rule:2", NULL);
	char scratch[64];
	const char *c = "some comment somebody wrote";

	cr_expect_eq(render_comment_parse(c, strlen(c), &b, scratch, sizeof(scratch)), -1);
	c = "TRACE: raw:OUTPUT:rule:2";
	cr_expect_eq(render_comment_parse(c, strlen(c), &b, scratch, sizeof(scratch)), 0);
	c = "TRACE: raw:OUTPUT:rule:2  \"unterminated";
	cr_expect_eq(render_comment_parse(c, strlen(c), &b, scratch, sizeof(scratch)), -1);
	c = "TRACE: raw:OUTPUT:rule:2  \"bad \\xZZ escape\"";
	cr_expect_eq(render_comment_parse(c, strlen(c), &b, scratch, sizeof(scratch)), -1);
}

/* Cut at every size: NUL-terminated, never beyond cap, never half an
 * escape, and what is left parses back to a prefix of the text. */
Test(render, comment_cut_at_every_size)
{
	const char *text = "-A X -m comment --comment \"\x01\\\\\" -j DROP";
	struct trace_event a = event("TRACE: filter:X:rule:1", text), b;
	char buf[128], scratch[128];

	a.verdict = 0;
	for (size_t cap = 1; cap < sizeof(buf); cap++) {
		size_t n;

		memset(buf, 'Z', sizeof(buf));
		n = render_comment(&a, buf, cap);
		cr_assert_lt(n, cap);
		cr_assert_eq(buf[n], '\0');
		cr_assert_eq(buf[cap], 'Z', "wrote past cap %zu", cap);
		b = event("TRACE: filter:X:rule:1", NULL);
		if (n >= a.prefix.len + 4) {
			int r = render_comment_parse(buf, n, &b, scratch, sizeof(scratch));

			cr_assert_geq(r, 0, "cap %zu: %s", cap, buf);
			cr_assert(!memcmp(b.rule_text.p, text, b.rule_text.len), "cap %zu", cap);
		}
	}
}
