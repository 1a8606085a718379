/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_dissect.c - the packet dissector (dissect.h).
 *
 * Input: one control byte, then the packet from its network header on
 * (caplen = the rest).  The control byte picks the original length
 * (bits 0-2: caplen plus 0, 1, 20, 1000, up to 65535, up to UINT32_MAX, or
 * one less than caplen, which must be refused) and a small output buffer
 * (bits 3-7: 1 + 8 * n bytes).  Every input is dissected as IPv4 and as
 * IPv6, terse and verbose, into a large buffer and the small one, and
 * twice through a flow context (relative TCP sequence numbers).
 *
 * Invariants: the return is below cap and is the string's length, the
 * string is NUL-terminated inside the buffer, and the small buffer holds
 * a prefix of the large one (the writer truncates, it never reflows).
 * The packet is the end of the input buffer, so a read past caplen is a
 * heap overflow.
 */
#include "dissect.h"
#include "fuzz.h"

#define BIG_CAP 4096

static size_t run(struct dissect_ctx *ctx, uint8_t family, const uint8_t *l3,
		  uint32_t caplen, uint32_t len, bool verbose, char *buf, size_t cap)
{
	size_t n;

	memset(buf, 0x55, cap);
	if (ctx)
		n = dissect_summary_ctx(ctx, family, l3, caplen, len, verbose, buf, cap);
	else
		n = dissect_summary(family, l3, caplen, len, verbose, buf, cap);
	FUZZ_CHECK(n < cap);
	FUZZ_CHECK(buf[n] == '\0');
	FUZZ_CHECK(strlen(buf) == n);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t families[] = { 2, 10 };
	struct dissect_ctx *ctx;
	const uint8_t *l3;
	uint32_t caplen, len;
	size_t small_cap, f, nbig, nsmall;
	char *big, *small;
	uint8_t ctl;
	int v;

	if (size < 1 || size - 1 > 262144)
		return 0;
	ctl = data[0];
	l3 = data + 1;
	caplen = (uint32_t)(size - 1);
	switch (ctl & 7) {
	case 0: len = caplen; break;
	case 1: len = caplen + 1; break;
	case 2: len = caplen + 20; break;
	case 3: len = caplen + 1000; break;
	case 4: len = caplen > 65535 ? caplen : 65535; break;
	case 5: len = UINT32_MAX; break;
	case 6: len = caplen ? caplen - 1 : 0; break; /* len < caplen: refused */
	default: len = caplen + (caplen & 0xff); break;
	}
	small_cap = 1 + (size_t)(ctl >> 3) * 8;

	big = malloc(BIG_CAP);
	small = malloc(small_cap);
	FUZZ_CHECK(big && small);
	for (f = 0; f < sizeof(families); f++) {
		for (v = 0; v < 2; v++) {
			nbig = run(NULL, families[f], caplen ? l3 : NULL, caplen, len,
				   v, big, BIG_CAP);
			nsmall = run(NULL, families[f], caplen ? l3 : NULL, caplen,
				     len, v, small, small_cap);
			FUZZ_CHECK(nsmall <= nbig);
			FUZZ_CHECK(memcmp(small, big, nsmall) == 0);
		}
	}
	/* A packet seen twice in one flow context, and a family the
	 * dissector does not know. */
	ctx = dissect_ctx_new(4);
	FUZZ_CHECK(ctx != NULL);
	for (f = 0; f < sizeof(families); f++) {
		run(ctx, families[f], l3, caplen, len, ctl & 8, big, BIG_CAP);
		run(ctx, families[f], l3, caplen, len, ctl & 8, big, BIG_CAP);
	}
	dissect_ctx_reset(ctx);
	run(ctx, 2, l3, caplen, len, false, small, small_cap);
	dissect_ctx_free(ctx);
	run(NULL, ctl, l3, caplen, len, false, big, BIG_CAP);
	/* cap 0 writes nothing. */
	FUZZ_CHECK(dissect_summary(2, l3, caplen, len, false, big, 0) == 0);
	free(big);
	free(small);
	return 0;
}
