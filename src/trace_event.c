/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * trace_event.c - helpers of the data model: hook direction and the TRACE
 * prefix "TRACE: table:chain:kind:n " (kernel ip_tables.c trace_packet,
 * formats.md 2.3) or our nf_tables form "TRACE: <family> table:chain:kind:n".
 */
#include <errno.h>
#include <string.h>

#include "names.h"
#include "trace_event.h"

#define TRACE_TAG "TRACE: "
#define TRACE_TAG_LEN (sizeof(TRACE_TAG) - 1)

enum trace_dir trace_hook_direction(uint8_t hook)
{
	switch (hook) {
	case 0: /* NF_INET_PRE_ROUTING */
	case 1: /* NF_INET_LOCAL_IN */
	case 2: /* NF_INET_FORWARD */
		return TRACE_DIR_IN;
	case 3: /* NF_INET_LOCAL_OUT */
	case 4: /* NF_INET_POST_ROUTING */
		return TRACE_DIR_OUT;
	default:
		return TRACE_DIR_UNKNOWN;
	}
}

bool trace_prefix_is_trace(const char *p, size_t len)
{
	return len >= TRACE_TAG_LEN && memcmp(p, TRACE_TAG, TRACE_TAG_LEN) == 0;
}

/* Strict decimal u32: digits only, at least one, no overflow. */
static int parse_u32(const char *s, size_t len, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > UINT32_MAX)
			return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

/* The kind field: the words of names_kinds[], matched by a length switch
 * because this runs for every record. */
static enum trace_kind kind_of(const char *s, size_t len)
{
	switch (len) {
	case 4:
		return memcmp(s, "rule", 4) == 0 ? TRACE_KIND_RULE
						 : TRACE_KIND_UNKNOWN;
	case 6:
		if (memcmp(s, "return", 6) == 0)
			return TRACE_KIND_RETURN;
		if (memcmp(s, "policy", 6) == 0)
			return TRACE_KIND_POLICY;
		return TRACE_KIND_UNKNOWN;
	default:
		return TRACE_KIND_UNKNOWN;
	}
}

/*
 * Fields are found from the end, where the kernel's format is fixed
 * (":kind:n"), and the table from the start, so a chain may contain ':'.
 * Every step is a short scan: this runs for every record.
 */
int trace_prefix_parse(const char *p, size_t len, struct trace_event *ev)
{
	size_t num, c_num, c_kind, c_table, tlen;
	const char *nul, *colon, *sp;
	struct strref table, chain;
	enum trace_kind kind;
	uint8_t nft_family = TRACE_NFT_NONE;
	uint32_t rulenum;

	/* The string ends at its NUL (the TLV length counts it); the kernel
	 * appends one space after the rule number. */
	nul = memchr(p, '\0', len);
	if (nul)
		len = (size_t)(nul - p);
	while (len > 0 && p[len - 1] == ' ')
		len--;
	ev->prefix = (struct strref){ p, (uint32_t)len };
	ev->kind = TRACE_KIND_UNKNOWN;

	if (!trace_prefix_is_trace(p, len))
		return -EINVAL;

	/* ":<digits>" at the end */
	for (num = len; num > TRACE_TAG_LEN && p[num - 1] >= '0' &&
			p[num - 1] <= '9'; num--)
		;
	if (num == len || num <= TRACE_TAG_LEN || p[num - 1] != ':')
		return -EINVAL;
	c_num = num - 1;
	if (parse_u32(p + num, len - num, &rulenum) < 0)
		return -EINVAL;

	/* ":<kind>" before it */
	for (c_kind = c_num; c_kind > TRACE_TAG_LEN && p[c_kind - 1] != ':';
	     c_kind--)
		;
	if (c_kind <= TRACE_TAG_LEN)
		return -EINVAL;
	c_kind--;
	kind = kind_of(p + c_kind + 1, c_num - c_kind - 1);
	if (kind == TRACE_KIND_UNKNOWN)
		return -EINVAL;

	/* "<table>:" at the start; the chain is what lies between. */
	tlen = c_kind - TRACE_TAG_LEN;
	colon = memchr(p + TRACE_TAG_LEN, ':', tlen);
	if (!colon)
		return -EINVAL;
	c_table = (size_t)(colon - p);
	chain = (struct strref){ colon + 1, (uint32_t)(c_kind - c_table - 1) };
	if (chain.len == 0)
		return -EINVAL;

	/* xtables table names have no spaces; "<family> <table>" is ours. */
	table = (struct strref){ p + TRACE_TAG_LEN,
				 (uint32_t)(c_table - TRACE_TAG_LEN) };
	sp = memchr(table.p, ' ', table.len);
	if (sp) {
		if (names_nft_family_parse(table.p, (size_t)(sp - table.p),
					   &nft_family) < 0)
			return -EINVAL;
		table.len -= (uint32_t)(sp + 1 - table.p);
		table.p = sp + 1;
		if (memchr(table.p, ' ', table.len))
			return -EINVAL;
	}
	if (table.len == 0)
		return -EINVAL;

	ev->table = table;
	ev->chain = chain;
	ev->kind = kind;
	ev->rulenum = rulenum;
	ev->nft_family = nft_family;
	return 0;
}
