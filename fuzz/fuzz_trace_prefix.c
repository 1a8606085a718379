/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_trace_prefix.c - the TRACE prefix parser (trace_prefix_parse).
 *
 * Invariants: 0 or -EINVAL; ev->prefix is the input up to its first NUL
 * without trailing spaces, always; after -EINVAL the kind is unknown;
 * after 0 the kind is rule/return/policy, table and chain are non-empty
 * and inside the prefix, trace_prefix_is_trace() agrees, and the prefix
 * written back from the fields ("TRACE: [family ]table:chain:kind:n")
 * parses to the same fields.
 */
#include <errno.h>

#include "fuzz.h"
#include "names.h"
#include "trace_event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_event ev, ev2;
	const char *p;
	const uint8_t *nul;
	size_t plen;
	char *buf;
	int r, n;

	p = fuzz_dup(data, size, false);
	memset(&ev, 0, sizeof(ev));
	ev.kind = TRACE_KIND_POLICY; /* must be reset on failure */
	r = trace_prefix_parse(p, size, &ev);
	FUZZ_CHECK(r == 0 || r == -EINVAL);

	nul = memchr(data, '\0', size);
	plen = nul ? (size_t)(nul - data) : size;
	while (plen > 0 && data[plen - 1] == ' ')
		plen--;
	FUZZ_CHECK(ev.prefix.p == p && ev.prefix.len == plen);

	if (r < 0) {
		FUZZ_CHECK(ev.kind == TRACE_KIND_UNKNOWN);
		free((void *)p);
		return 0;
	}
	FUZZ_CHECK(ev.kind >= TRACE_KIND_RULE && ev.kind <= TRACE_KIND_POLICY);
	FUZZ_CHECK(trace_prefix_is_trace(p, size));
	FUZZ_CHECK(ev.table.len > 0 && ev.chain.len > 0);
	FUZZ_CHECK(fuzz_within(ev.table.p, ev.table.len, p, plen));
	FUZZ_CHECK(fuzz_within(ev.chain.p, ev.chain.len, p, plen));
	FUZZ_CHECK(ev.nft_family == TRACE_NFT_NONE || names_nft_family(ev.nft_family));

	buf = malloc(plen + 64);
	FUZZ_CHECK(buf != NULL);
	if (ev.nft_family == TRACE_NFT_NONE)
		n = snprintf(buf, plen + 64, "TRACE: %.*s:%.*s:%s:%u",
			     (int)ev.table.len, ev.table.p, (int)ev.chain.len,
			     ev.chain.p, names_kind(ev.kind), ev.rulenum);
	else
		n = snprintf(buf, plen + 64, "TRACE: %s %.*s:%.*s:%s:%u",
			     names_nft_family(ev.nft_family), (int)ev.table.len,
			     ev.table.p, (int)ev.chain.len, ev.chain.p,
			     names_kind(ev.kind), ev.rulenum);
	FUZZ_CHECK(n > 0 && (size_t)n < plen + 64);
	memset(&ev2, 0, sizeof(ev2));
	FUZZ_CHECK(trace_prefix_parse(buf, (size_t)n, &ev2) == 0);
	FUZZ_CHECK(ev2.kind == ev.kind && ev2.rulenum == ev.rulenum);
	FUZZ_CHECK(ev2.nft_family == ev.nft_family);
	FUZZ_CHECK(strref_eq(ev2.table, ev.table.p, ev.table.len));
	FUZZ_CHECK(strref_eq(ev2.chain, ev.chain.p, ev.chain.len));
	free(buf);
	free((void *)p);
	return 0;
}
