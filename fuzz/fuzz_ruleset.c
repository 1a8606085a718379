/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_ruleset.c - the ruleset snapshot parser (ruleset.h):
 * ruleset_add_comment() and ruleset_add_save().
 *
 * Input: a control byte, then text.  Control bits 0-1 pick the family for
 * ruleset_add_save (0 detect, 1 IPv4, 2 IPv6, 3 an invalid one); with bit
 * 2 set every 0x01 byte of the text becomes 20000 blanks, so that small
 * inputs reach the multi-part snapshots (65535-byte options, lines cut
 * across parts).
 *
 * 1. The text, split at NUL bytes, is offered as a series of SHB comments.
 * 2. The whole text is loaded as iptables-save output.
 * 3. When 2 succeeded for an explicit family and the text has no NUL, the
 *    text is written as snapshot comments (ruleset_snapshot_format), which
 *    must all be taken without error, and the ruleset they build must
 *    resolve every (table, chain, kind, n) the text names exactly as the
 *    one from 2 does.
 *
 * Invariants: return values as documented, NUL-terminated errors, looked
 * up texts readable (the ruleset owns them), and the equivalence in 3.
 */
#include <errno.h>

#include "fuzz.h"
#include "ruleset.h"

#define BLANKS 20000
#define MAX_LOOKUP_N 40

static struct strref word(const char *p, size_t len, size_t *pos)
{
	size_t i = *pos, start;

	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	start = i;
	while (i < len && p[i] != ' ' && p[i] != '\t')
		i++;
	*pos = i;
	return (struct strref){ p + start, (uint32_t)(i - start) };
}

/* Look up every kind and number of every chain the text declares, in a
 * and (when b is set) in b, which must agree. */
static void lookups(const struct ruleset *a, const struct ruleset *b,
		    uint8_t family, const char *text, size_t len)
{
	struct strref table = { NULL, 0 };
	size_t pos = 0;

	while (pos < len) {
		const char *l = text + pos, *nl = memchr(l, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - l) : len - pos, wp = 1;
		struct strref name;
		struct trace_event ev;
		uint32_t n;
		int k;

		pos += ll + 1;
		if (ll > 1 && l[0] == '*') {
			table = word(l, ll, &wp);
			continue;
		}
		if (ll < 2 || l[0] != ':' || !table.len)
			continue;
		name = word(l, ll, &wp);
		if (!name.len)
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.family = family;
		ev.table = table;
		ev.chain = name;
		for (k = TRACE_KIND_UNKNOWN; k <= TRACE_KIND_POLICY; k++) {
			for (n = 0; n < MAX_LOOKUP_N; n++) {
				struct strref ta = { NULL, 0 }, tb = { NULL, 0 };
				int ra, rb;

				ev.kind = (enum trace_kind)k;
				ev.rulenum = n;
				ra = ruleset_lookup(a, &ev, &ta);
				FUZZ_CHECK(ra == 0 || ra == 1);
				if (ra)
					(void)fuzz_touch(ta.p, ta.len);
				if (!b)
					continue;
				rb = ruleset_lookup(b, &ev, &tb);
				FUZZ_CHECK(ra == rb);
				if (ra)
					FUZZ_CHECK(strref_eq(ta, tb.p, tb.len));
			}
		}
		/* A native nft table is never resolved here. */
		ev.nft_family = 1;
		FUZZ_CHECK(ruleset_lookup(a, &ev, &table) == 0);
	}
}

static void ifnames(const struct ruleset *rs)
{
	uint32_t i;

	for (i = 0; i < 20; i++) {
		const char *n = ruleset_ifname(rs, i);

		if (n)
			FUZZ_CHECK(strnlen(n, 64) < 64);
	}
	(void)ruleset_ifname(rs, UINT32_MAX);
}

static char *inflate_text(const uint8_t *p, size_t len, bool inflate, size_t *outlen)
{
	size_t i, n = 0, ones = 0;
	char *t;

	if (inflate)
		for (i = 0; i < len; i++)
			ones += p[i] == 1;
	t = malloc(len + ones * BLANKS + 1);
	FUZZ_CHECK(t != NULL);
	for (i = 0; i < len; i++) {
		if (inflate && p[i] == 1) {
			memset(t + n, ' ', BLANKS);
			n += BLANKS;
		} else {
			t[n++] = (char)p[i];
		}
	}
	*outlen = n;
	return t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t families[] = { 0, 2, 10, 7 };
	struct ruleset *rs, *rs2, *rs3;
	struct fuzz_split sp;
	const uint8_t *piece;
	size_t plen, len;
	char err[256], *text;
	uint8_t ctl, family;
	int r;

	if (size < 1)
		return 0;
	ctl = data[0];
	family = families[ctl & 3];
	text = inflate_text(data + 1, size - 1, ctl & 4, &len);

	/* 1. SHB comments */
	rs = ruleset_new();
	FUZZ_CHECK(rs != NULL);
	sp = (struct fuzz_split){ (const uint8_t *)text, len, false };
	while (fuzz_piece(&sp, 0, &piece, &plen)) {
		char *c = fuzz_dup(piece, plen, false);

		memset(err, 'x', sizeof(err));
		err[sizeof(err) - 1] = '\0';
		r = ruleset_add_comment(rs, c, plen, err, sizeof(err));
		FUZZ_CHECK(r == 0 || r == 1 || r == -EINVAL);
		FUZZ_CHECK(strnlen(err, sizeof(err)) < sizeof(err));
		free(c);
	}
	lookups(rs, NULL, 2, text, len);
	lookups(rs, NULL, 10, text, len);
	ifnames(rs);
	FUZZ_CHECK(ruleset_empty(rs) == 0 || ruleset_empty(rs) == 1);
	ruleset_free(rs);

	/* 2. iptables-save text */
	rs2 = ruleset_new();
	FUZZ_CHECK(rs2 != NULL);
	memset(err, 'x', sizeof(err));
	err[sizeof(err) - 1] = '\0';
	r = ruleset_add_save(rs2, family, text, len, err, sizeof(err));
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	FUZZ_CHECK(strnlen(err, sizeof(err)) < sizeof(err));
	if (family == 7)
		FUZZ_CHECK(r == -EINVAL);
	lookups(rs2, NULL, family ? family : 2, text, len);

	/* 3. the same text through snapshot comments */
	if (r == 0 && (family == 2 || family == 10) && !memchr(text, '\0', len)) {
		char **parts = NULL;
		size_t nparts = 0, i;
		int np;

		np = ruleset_snapshot_format(family, "legacy", text, len, &parts, &nparts);
		FUZZ_CHECK(np >= 1 && (size_t)np == nparts);
		rs3 = ruleset_new();
		FUZZ_CHECK(rs3 != NULL);
		for (i = 0; i < nparts; i++) {
			size_t pl = strlen(parts[i]);

			FUZZ_CHECK(pl <= 65535);
			err[0] = '\0';
			r = ruleset_add_comment(rs3, parts[i], pl, err, sizeof(err));
			if (r != 1)
				fprintf(stderr, "part %zu of %zu: %d %s\n", i, nparts, r, err);
			FUZZ_CHECK(r == 1);
			free(parts[i]);
		}
		free(parts);
		lookups(rs2, rs3, family, text, len);
		lookups(rs3, rs2, family, text, len);
		ruleset_free(rs3);
	}
	ruleset_free(rs2);
	free(text);
	return 0;
}
