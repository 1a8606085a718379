/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_nft_ruleset.c - the nf_tables rule map's text parser
 * (nft_ruleset_load_text) and its snapshot comments
 * (nft_ruleset_snapshot_format), nft_ruleset.h.
 *
 * Input: a control byte, then NFT NUL IPT NUL IP6T (`nft -a list ruleset`,
 * iptables-nft-save, ip6tables-nft-save; missing pieces are empty).  With
 * control bit 0 set, every 0x01 byte of NFT becomes 20000 blanks, so that
 * small inputs reach the multi-part snapshot comments.
 *
 * Invariants: 0 or -EINVAL with a NUL-terminated message; the map's texts
 * are copies of the input; for every "table FAMILY NAME" and "chain NAME"
 * the text names, a chain the map knows has a sane hook, policy and rule
 * count, and each "# handle N" of the text resolves (if at all) to a
 * distinct position 1..nrules with readable text.  The snapshot comments
 * are at most 65535 bytes, start with their head lines, and their bodies
 * put together are the text (plus the final newline the writer adds).
 */
#include <errno.h>
#include <inttypes.h>

#include "fuzz.h"
#include "names.h"
#include "nft_ruleset.h"

#define BLANKS 20000
#define MAX_HANDLES 256

static const char HEAD[] = "nftrace-ruleset 1 nft nft\n";
static const char CONT[] = "nftrace-ruleset-cont 1\n";

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static struct strref next_word(const char *p, size_t len, size_t *pos)
{
	size_t i = *pos, start;

	while (i < len && blank(p[i]))
		i++;
	start = i;
	while (i < len && !blank(p[i]))
		i++;
	*pos = i;
	return (struct strref){ p + start, (uint32_t)(i - start) };
}

/* Every "# handle N" number of the text. */
static size_t handles(const char *t, size_t len, uint64_t *h, size_t max)
{
	static const char tag[] = "# handle ";
	size_t n = 0, i;

	for (i = 0; i + sizeof(tag) - 1 < len && n < max; i++) {
		uint64_t v = 0;
		size_t j;

		if (memcmp(t + i, tag, sizeof(tag) - 1))
			continue;
		for (j = i + sizeof(tag) - 1; j < len && t[j] >= '0' && t[j] <= '9'; j++)
			v = v * 10 + (uint64_t)(t[j] - '0');
		h[n++] = v;
	}
	return n;
}

static void check_chain(const struct nft_ruleset *rs, const struct nft_ruleset_chain *c,
			const uint64_t *h, size_t nh, size_t nlines)
{
	uint8_t *seen;
	size_t i;

	FUZZ_CHECK(c->hook >= -1 && c->hook < 32);
	FUZZ_CHECK(c->policy >= -1 && c->policy <= 1);
	FUZZ_CHECK(c->nrules <= nlines);
	seen = calloc(c->nrules + 1, 1);
	FUZZ_CHECK(seen != NULL);
	for (i = 0; i < nh; i++) {
		struct strref text = { NULL, 0 };
		uint32_t pos = 0;

		if (!nft_ruleset_rule(rs, c, h[i], &pos, &text))
			continue;
		FUZZ_CHECK(pos >= 1 && pos <= c->nrules);
		(void)fuzz_touch(text.p, text.len);
		/* The same handle twice in the text may map to one rule. */
		if (i && h[i - 1] == h[i])
			continue;
		/* A position holds one rule, which has one handle. */
		FUZZ_CHECK(seen[pos] == 0);
		seen[pos] = 1;
	}
	free(seen);
	/* Handles the map cannot have. */
	{
		struct strref text;
		uint32_t pos;

		(void)nft_ruleset_rule(rs, c, UINT64_MAX, &pos, &text);
		(void)nft_ruleset_rule(rs, NULL, 1, &pos, &text);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void lookups(const struct nft_ruleset *rs, const char *t, size_t len)
{
	struct strref table = { NULL, 0 };
	uint8_t family = 0;
	uint64_t *h = malloc(MAX_HANDLES * sizeof(*h));
	size_t nh, pos = 0, nlines = 1, i;

	FUZZ_CHECK(h != NULL);
	nh = handles(t, len, h, MAX_HANDLES);
	qsort(h, nh, sizeof(*h), cmp_u64);
	for (i = 0; i < len; i++)
		nlines += t[i] == '\n';

	while (pos < len) {
		const char *l = t + pos, *nl = memchr(l, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - l) : len - pos, wp = 0;
		struct strref w = next_word(l, ll, &wp);
		const struct nft_ruleset_chain *c;

		pos += ll + 1;
		if (strref_eq(w, "table", 5)) {
			struct strref f = next_word(l, ll, &wp);

			table = next_word(l, ll, &wp);
			if (names_nft_family_parse(f.p, f.len, &family) < 0)
				family = 0;
			(void)nft_ruleset_table_is_xt(rs, family, table);
			continue;
		}
		if (!strref_eq(w, "chain", 5) || !family)
			continue;
		w = next_word(l, ll, &wp);
		c = nft_ruleset_chain(rs, family, table, w);
		if (c)
			check_chain(rs, c, h, nh, nlines);
	}
	free(h);
}

static void snapshot(const char *t, size_t len)
{
	char **parts = NULL, *joined;
	size_t nparts = 0, i, off = 0;
	int n;

	n = nft_ruleset_snapshot_format(t, len, &parts, &nparts);
	FUZZ_CHECK(n >= 1 && (size_t)n == nparts);
	joined = malloc(len + 2);
	FUZZ_CHECK(joined != NULL);
	for (i = 0; i < nparts; i++) {
		const char *head = i ? CONT : HEAD;
		size_t pl = strlen(parts[i]), hl = strlen(head);

		FUZZ_CHECK(pl <= 65535);
		FUZZ_CHECK(pl >= hl && memcmp(parts[i], head, hl) == 0);
		FUZZ_CHECK(off + pl - hl <= len + 1);
		memcpy(joined + off, parts[i] + hl, pl - hl);
		off += pl - hl;
		free(parts[i]);
	}
	free(parts);
	/* The text, and a newline after it unless it had one (or no room). */
	FUZZ_CHECK(off >= len && memcmp(joined, t, len) == 0);
	FUZZ_CHECK(off == len || (off == len + 1 && joined[len] == '\n'));
	free(joined);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *piece[3] = { NULL, NULL, NULL };
	size_t plen[3] = { 0, 0, 0 }, i, nlen = 0, ones = 0;
	struct nft_ruleset_texts t = { 0 };
	const struct nft_ruleset_texts *back;
	struct nft_ruleset *rs = NULL;
	struct fuzz_split sp;
	char err[256], *nft, *ipt, *ip6t;
	uint8_t ctl;
	int r;

	if (size < 1)
		return 0;
	ctl = data[0];
	sp = (struct fuzz_split){ data + 1, size - 1, false };
	for (i = 0; i < 3; i++)
		if (!fuzz_piece(&sp, 0, &piece[i], &plen[i]))
			break;
	if (!sp.done) /* the last text runs to the end, NULs and all */
		plen[2] = (size_t)(data + size - piece[2]);

	for (i = 0; i < plen[0]; i++)
		ones += (ctl & 1) && piece[0][i] == 1;
	nft = malloc(plen[0] + ones * BLANKS + 1);
	FUZZ_CHECK(nft != NULL);
	for (i = 0; i < plen[0]; i++) {
		if ((ctl & 1) && piece[0][i] == 1) {
			memset(nft + nlen, ' ', BLANKS);
			nlen += BLANKS;
		} else {
			nft[nlen++] = (char)piece[0][i];
		}
	}
	ipt = fuzz_dup(piece[1], plen[1], false);
	ip6t = fuzz_dup(piece[2], plen[2], false);
	t = (struct nft_ruleset_texts){ nft, nlen, ipt, plen[1], ip6t, plen[2] };

	memset(err, 'x', sizeof(err));
	err[sizeof(err) - 1] = '\0';
	r = nft_ruleset_load_text(&rs, &t, err, sizeof(err));
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	FUZZ_CHECK(strnlen(err, sizeof(err)) < sizeof(err));
	if (r == 0) {
		FUZZ_CHECK(rs != NULL);
		back = nft_ruleset_texts(rs);
		FUZZ_CHECK(back->nft_len == nlen && memcmp(back->nft, nft, nlen) == 0);
		FUZZ_CHECK(back->nft[nlen] == '\0');
		FUZZ_CHECK(back->ipt_len == plen[1] && memcmp(back->ipt, ipt, plen[1]) == 0);
		FUZZ_CHECK(back->ip6t_len == plen[2] &&
			   memcmp(back->ip6t, ip6t, plen[2]) == 0);
		lookups(rs, nft, nlen);
		nft_ruleset_free(rs);
	} else {
		FUZZ_CHECK(rs == NULL);
	}
	snapshot(nft, nlen);
	free(nft);
	free(ipt);
	free(ip6t);
	return 0;
}
