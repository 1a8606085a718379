/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * names.c - value <-> name tables (linux/netfilter.h, nf_tables.h,
 * ip_tables.c trace_packet for the kinds).
 */
#include <errno.h>
#include <stdbool.h>

#include "names.h"

/* NF_VERDICT_MASK (linux/netfilter.h): the code lives in the low byte. */
#define NAMES_VERDICT_MASK 0xff

const struct names_tok names_hooks[] = {
	{ 0, "PREROUTING" },
	{ 1, "INPUT" },
	{ 2, "FORWARD" },
	{ 3, "OUTPUT" },
	{ 4, "POSTROUTING" },
	{ 0, NULL },
};

const struct names_tok names_netdev_hooks[] = {
	{ 0, "ingress" },
	{ 1, "egress" },
	{ 0, NULL },
};

const struct names_tok names_verdicts[] = {
	{ 0, "drop" },
	{ 1, "accept" },
	{ 2, "stolen" },
	{ 3, "queue" },
	{ 4, "repeat" },
	{ 5, "stop" },
	{ -1, "continue" },
	{ -2, "break" },
	{ -3, "jump" },
	{ -4, "goto" },
	{ -5, "return" },
	{ 0, NULL },
};

const struct names_tok names_nft_families[] = {
	{ NAMES_NFPROTO_IPV4, "ip" },
	{ NAMES_NFPROTO_IPV6, "ip6" },
	{ NAMES_NFPROTO_INET, "inet" },
	{ NAMES_NFPROTO_BRIDGE, "bridge" },
	{ NAMES_NFPROTO_NETDEV, "netdev" },
	{ NAMES_NFPROTO_ARP, "arp" },
	{ 0, NULL },
};

const struct names_tok names_kinds[] = {
	{ TRACE_KIND_RULE, "rule" },
	{ TRACE_KIND_RETURN, "return" },
	{ TRACE_KIND_POLICY, "policy" },
	{ 0, NULL },
};

const struct names_tok names_pkt_families[] = {
	{ NAMES_NFPROTO_IPV4, "IPv4" },
	{ NAMES_NFPROTO_IPV6, "IPv6" },
	{ 0, NULL },
};

const char *names_tok2str(const struct names_tok *toks, int32_t v,
			  const char *dflt)
{
	for (; toks->s; toks++)
		if (toks->v == v)
			return toks->s;
	return dflt;
}

/* Is the NUL-terminated name exactly the len bytes at s? */
static inline bool name_is(const char *name, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (name[i] == '\0' || name[i] != s[i])
			return false;
	return name[len] == '\0';
}

int names_str2tok(const struct names_tok *toks, const char *s, size_t len,
		  int32_t *v)
{
	for (; toks->s; toks++) {
		if (name_is(toks->s, s, len)) {
			*v = toks->v;
			return 0;
		}
	}
	return -ENOENT;
}

const char *names_hook(uint8_t hook)
{
	return names_tok2str(names_hooks, hook, NULL);
}

const char *names_hook_family(uint8_t nfproto, uint8_t hook)
{
	if (nfproto == NAMES_NFPROTO_NETDEV)
		return names_tok2str(names_netdev_hooks, hook, NULL);
	return names_hook(hook);
}

const char *names_verdict(int32_t code)
{
	if (code >= 0)
		code &= NAMES_VERDICT_MASK;
	return names_tok2str(names_verdicts, code, NULL);
}

uint16_t names_verdict_queue(int32_t code)
{
	return (uint16_t)((uint32_t)code >> 16);
}

const char *names_nft_family(uint8_t nfproto)
{
	return names_tok2str(names_nft_families, nfproto, NULL);
}

int names_nft_family_parse(const char *s, size_t len, uint8_t *nfproto)
{
	int32_t v;

	if (names_str2tok(names_nft_families, s, len, &v) < 0)
		return -ENOENT;
	*nfproto = (uint8_t)v;
	return 0;
}

const char *names_kind(enum trace_kind kind)
{
	return names_tok2str(names_kinds, (int32_t)kind, NULL);
}

enum trace_kind names_kind_parse(const char *s, size_t len)
{
	int32_t v;

	if (names_str2tok(names_kinds, s, len, &v) < 0)
		return TRACE_KIND_UNKNOWN;
	return (enum trace_kind)v;
}

const char *names_pkt_family(uint8_t nfproto)
{
	return names_tok2str(names_pkt_families, nfproto, NULL);
}
