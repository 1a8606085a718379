/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_render_comment.c - the packet comment parser (render_comment_parse)
 * and the writer it inverts (render_comment), render_text.h.
 *
 * Input: a control byte, then PREFIX NUL COMMENT [NUL CHAIN].  The comment
 * is parsed for an event with that prefix, with a scratch buffer of
 * (control & 63) bytes.  Then an event with that prefix, the comment as its
 * rule text, a verdict picked by the control byte and CHAIN (its first 255
 * bytes, the kernel's longest name) as the verdict chain is written with
 * render_comment() and parsed back.
 *
 * Invariants: the parser returns -1, 0 or 1 (1 exactly when it set a
 * non-empty rule text), and the text and the verdict chain lie in the
 * comment or the scratch buffer.  A comment written into a large buffer
 * parses back to the same rule text, verdict and chain; written into a
 * small one it is NUL-terminated inside it, and what parses back is a
 * prefix of the rule text.
 */
#include "fuzz.h"
#include "render_text.h"

static const int32_t verdicts[] = {
	TRACE_VERDICT_NONE, 0, 1, -1, -3, -4, -5, -99 /* no name */,
};

static void parse_one(const char *c, size_t len, struct strref prefix,
		      char *scratch, size_t scratchlen, struct trace_event *ev,
		      int *ret)
{
	memset(ev, 0, sizeof(*ev));
	ev->prefix = prefix;
	ev->verdict = TRACE_VERDICT_NONE;
	*ret = render_comment_parse(c, len, ev, scratch, scratchlen);
	FUZZ_CHECK(*ret >= -1 && *ret <= 1);
	FUZZ_CHECK((*ret == 1) == (ev->rule_text.len > 0));
	if (ev->rule_text.len)
		FUZZ_CHECK(fuzz_within(ev->rule_text.p, ev->rule_text.len, c, len) ||
			   fuzz_within(ev->rule_text.p, ev->rule_text.len, scratch,
				       scratchlen));
	FUZZ_CHECK(fuzz_within(ev->verdict_chain.p, ev->verdict_chain.len, c, len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *pp = NULL, *cp = NULL, *chp = NULL;
	size_t plen = 0, clen = 0, chlen = 0, scratchlen, cap, n;
	struct fuzz_split sp;
	struct trace_event ev, back;
	char *prefix, *comment, *scratch, *buf, *full;
	size_t nfull;
	uint8_t ctl;
	int r;

	if (size < 1)
		return 0;
	ctl = data[0];
	sp = (struct fuzz_split){ data + 1, size - 1, false };
	fuzz_piece(&sp, 0, &pp, &plen);
	if (!fuzz_piece(&sp, 0, &cp, &clen))
		cp = pp + plen, clen = 0;
	if (!fuzz_piece(&sp, 0, &chp, &chlen))
		chp = cp + clen, chlen = 0;
	if (!sp.done) /* the chain runs to the end, NULs and all */
		chlen = (size_t)(data + size - chp);
	if (chlen > 255) /* NFT_NAME_MAXLEN, the NUL included */
		chlen = 255;

	prefix = fuzz_dup(pp, plen, false);
	comment = fuzz_dup(cp, clen, false);
	scratchlen = ctl & 63;
	scratch = malloc(scratchlen ? scratchlen : 1);
	FUZZ_CHECK(scratch != NULL);

	/* The comment as it came. */
	parse_one(comment, clen, (struct strref){ prefix, (uint32_t)plen },
		  scratch, scratchlen, &back, &r);
	free(scratch);

	/* Written and read back. */
	memset(&ev, 0, sizeof(ev));
	ev.prefix = (struct strref){ prefix, (uint32_t)plen };
	ev.rule_text = (struct strref){ comment, (uint32_t)clen };
	ev.verdict = verdicts[(ctl >> 6) % (sizeof(verdicts) / sizeof(verdicts[0]))];
	if (ev.verdict != TRACE_VERDICT_NONE)
		ev.verdict_chain = (struct strref){ (const char *)chp, (uint32_t)chlen };
	cap = plen + 4 * clen + chlen + 128;
	buf = malloc(cap);
	scratch = malloc(clen + 1);
	FUZZ_CHECK(buf && scratch);
	n = render_comment(&ev, buf, cap);
	FUZZ_CHECK(n < cap && buf[n] == '\0');
	parse_one(buf, n, ev.prefix, scratch, clen + 1, &back, &r);
	FUZZ_CHECK(r == (clen ? 1 : 0));
	FUZZ_CHECK(strref_eq(back.rule_text, comment, clen));
	if (ev.verdict == -99) {
		FUZZ_CHECK(back.verdict == TRACE_VERDICT_NONE);
	} else {
		FUZZ_CHECK(back.verdict == ev.verdict);
		FUZZ_CHECK(strref_eq(back.verdict_chain, ev.verdict_chain.p,
				     ev.verdict_chain.len));
	}
	full = fuzz_dup((const uint8_t *)buf, n + 1, false);
	nfull = n;

	/* Cut short: a C string inside the buffer that starts with the whole
	 * prefix when it fits, and is the full comment cut at a whole escape
	 * (plus, perhaps, the closing quote). */
	cap = 1 + (ctl & 63);
	n = render_comment(&ev, buf, cap);
	FUZZ_CHECK(n < cap && buf[n] == '\0');
	if (plen < cap)
		FUZZ_CHECK(n >= plen && memcmp(buf, prefix, plen) == 0);
	{
		size_t cut = n;

		if (cut && buf[cut - 1] == '"' && !(n == nfull && memcmp(buf, full, n) == 0))
			cut--;
		FUZZ_CHECK(cut <= nfull && memcmp(buf, full, cut) == 0);
	}
	free(full);
	parse_one(buf, n, ev.prefix, scratch, clen + 1, &back, &r);
	if (r == 1)
		FUZZ_CHECK(back.rule_text.len <= clen &&
			   memcmp(back.rule_text.p, comment, back.rule_text.len) == 0);
	free(buf);
	free(scratch);
	free(prefix);
	free(comment);
	return 0;
}
