/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rule resolution against real iptables-legacy-save output
 * (tests/data/rules/, rebuilt by tests/data/rules/regen.sh).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruleset.h"

#define RULES_DIR TEST_DATA_DIR "/rules/"
#define IPV4 2
#define IPV6 10

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), RULES_DIR "%s", name);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static struct ruleset *load(const char *name, uint8_t family)
{
	struct ruleset *rs = ruleset_new();
	char err[256] = "";
	size_t len;
	char *text = slurp(name, &len);

	cr_assert_not_null(rs);
	cr_assert_eq(ruleset_add_save(rs, family, text, len, err, sizeof(err)), 0,
		     "%s: %s", name, err);
	free(text);
	return rs;
}

static struct trace_event ev(uint8_t family, const char *table,
			     const char *chain, enum trace_kind kind,
			     uint32_t n)
{
	struct trace_event e;

	memset(&e, 0, sizeof(e));
	e.family = family;
	e.table = (struct strref){ table, (uint32_t)strlen(table) };
	e.chain = (struct strref){ chain, (uint32_t)strlen(chain) };
	e.kind = kind;
	e.rulenum = n;
	return e;
}

/* Expect the text for family table:chain:kind:n (NULL: none). */
static void expect(const struct ruleset *rs, uint8_t family, const char *table,
		   const char *chain, enum trace_kind kind, uint32_t n,
		   const char *want)
{
	struct trace_event e = ev(family, table, chain, kind, n);
	struct strref t = { NULL, 0 };
	int r = ruleset_lookup(rs, &e, &t);

	if (!want) {
		cr_expect_eq(r, 0, "%s:%s:%d:%u resolved to '%.*s'", table, chain,
			     kind, n, (int)t.len, t.p);
		return;
	}
	cr_expect_eq(r, 1, "%s:%s:%d:%u not resolved", table, chain, kind, n);
	if (r == 1)
		cr_expect(strref_eq(t, want, strlen(want)),
			  "%s:%s:%d:%u: got '%.*s', want '%s'", table, chain,
			  kind, n, (int)t.len, t.p, want);
}

/*
 * A reference model, as simple as possible: the "-A" lines of each
 * (table, chain) in order, counters removed.  Calls check() for each.
 */
typedef void (*rule_cb)(const char *table, const char *chain, uint32_t n,
			const char *text, void *arg);

static void each_rule(const char *text, rule_cb cb, void *arg)
{
	char *copy = strdup(text), *save = NULL, *line;
	char table[64] = "";
	struct seen { char table[64], chain[64]; uint32_t n; } *seen;
	size_t nseen = 0, i;

	seen = calloc(4096, sizeof(*seen));
	cr_assert_not_null(seen);

	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char chain[64];

		if (line[0] == '*') {
			snprintf(table, sizeof(table), "%s", line + 1);
			continue;
		}
		if (line[0] == '[')
			line = strchr(line, ']') + 2;
		if (strncmp(line, "-A ", 3) != 0)
			continue;
		cr_assert_eq(sscanf(line + 3, "%63s", chain), 1);
		for (i = 0; i < nseen; i++)
			if (!strcmp(seen[i].table, table) &&
			    !strcmp(seen[i].chain, chain))
				break;
		if (i == nseen) {
			cr_assert_lt(nseen, 4096);
			snprintf(seen[i].table, 64, "%s", table);
			snprintf(seen[i].chain, 64, "%s", chain);
			seen[i].n = 0;
			nseen++;
		}
		cb(table, chain, ++seen[i].n, line, arg);
	}
	free(seen);
	free(copy);
}

struct every_arg {
	const struct ruleset *rs;
	uint8_t family;
	unsigned count;
};

static void check_rule(const char *table, const char *chain, uint32_t n,
		       const char *text, void *arg)
{
	struct every_arg *a = arg;

	expect(a->rs, a->family, table, chain, TRACE_KIND_RULE, n, text);
	a->count++;
}

static unsigned check_every_rule(const struct ruleset *rs, uint8_t family,
				 const char *fixture)
{
	struct every_arg a = { rs, family, 0 };
	size_t len;
	char *text = slurp(fixture, &len);

	each_rule(text, check_rule, &a);
	free(text);
	return a.count;
}

/* ---- iptables-save files -------------------------------------------- */

Test(ruleset, every_rule_ipv4)
{
	struct ruleset *rs = load("ipv4.save", 0);

	cr_expect_eq(check_every_rule(rs, IPV4, "ipv4.save"), 59);
	/* Counters stripped: -c output resolves to the same texts. */
	cr_expect_eq(check_every_rule(rs, IPV4, "ipv4-counters.save"), 59);
	ruleset_free(rs);

	rs = load("ipv4-counters.save", 0);
	cr_expect_eq(check_every_rule(rs, IPV4, "ipv4.save"), 59);
	ruleset_free(rs);
}

Test(ruleset, every_rule_ipv6)
{
	struct ruleset *rs = load("ipv6-counters.save", 0);

	cr_expect_eq(check_every_rule(rs, IPV6, "ipv6.save"), 18);
	ruleset_free(rs);
}

Test(ruleset, known_rules)
{
	struct ruleset *rs = load("ipv4.save", IPV4);

	expect(rs, IPV4, "raw", "PREROUTING", TRACE_KIND_RULE, 1,
	       "-A PREROUTING -s 8.8.4.4/32 -p udp -m udp --sport 53 -j MARK --set-xmark 0xef/0xffffffff");
	expect(rs, IPV4, "raw", "PREROUTING_ZONES", TRACE_KIND_RULE, 1,
	       "-A PREROUTING_ZONES -i veth0 -g PRE_home");
	expect(rs, IPV4, "mangle", "OUTPUT", TRACE_KIND_RULE, 1,
	       "-A OUTPUT -p icmp -m comment --comment \"wouldn\\'t you have liked to know this rule was hit?\"");
	expect(rs, IPV4, "mangle", "OUTPUT", TRACE_KIND_RULE, 2,
	       "-A OUTPUT -m comment --comment \"a \\\"quoted\\\" word, a back\\\\slash and a $dollar\" -j MARK --set-xmark 0x1/0xff");
	expect(rs, IPV4, "filter", "INPUT", TRACE_KIND_RULE, 7,
	       "-A INPUT -j LOGDROP");
	expect(rs, IPV4, "nat", "POST_home", TRACE_KIND_RULE, 1,
	       "-A POST_home -s 10.0.0.0/8 -j MASQUERADE");
	ruleset_free(rs);
}

Test(ruleset, policy)
{
	struct ruleset *rs = load("ipv4.save", 0);

	/* The chain's tail: rules + 1 is the policy. */
	expect(rs, IPV4, "raw", "PREROUTING", TRACE_KIND_POLICY, 4,
	       "-P PREROUTING ACCEPT");
	expect(rs, IPV4, "filter", "INPUT", TRACE_KIND_POLICY, 8,
	       "-P INPUT DROP");
	expect(rs, IPV4, "filter", "OUTPUT", TRACE_KIND_POLICY, 4,
	       "-P OUTPUT ACCEPT");
	expect(rs, IPV4, "security", "FORWARD", TRACE_KIND_POLICY, 1,
	       "-P FORWARD ACCEPT");
	/* An unconditional final "-j DROP" shows as policy with its own
	 * number, and the real tail is one further. */
	expect(rs, IPV4, "filter", "FORWARD", TRACE_KIND_POLICY, 3,
	       "-A FORWARD -j DROP");
	expect(rs, IPV4, "filter", "FORWARD", TRACE_KIND_POLICY, 4,
	       "-P FORWARD DROP");
	expect(rs, IPV4, "filter", "FORWARD", TRACE_KIND_POLICY, 5, NULL);
	expect(rs, IPV4, "filter", "FORWARD", TRACE_KIND_POLICY, 0, NULL);
	/* A user chain has no policy. */
	expect(rs, IPV4, "filter", "LIBVIRT_OUT", TRACE_KIND_POLICY, 1, NULL);
	ruleset_free(rs);
}

Test(ruleset, return_)
{
	struct ruleset *rs = load("ipv4.save", 0);

	expect(rs, IPV4, "filter", "LIBVIRT_INP", TRACE_KIND_RETURN, 3,
	       "-A LIBVIRT_INP -j RETURN");
	expect(rs, IPV4, "filter", "LIBVIRT_INP", TRACE_KIND_RETURN, 4, NULL);
	expect(rs, IPV4, "mangle", "PRE_home_allow", TRACE_KIND_RETURN, 2,
	       "-A PRE_home_allow -j RETURN");
	expect(rs, IPV4, "filter", "LOGDROP", TRACE_KIND_RETURN, 3, NULL);
	/* Empty user chains: the README's "raw:PREROUTING_direct:return:1". */
	expect(rs, IPV4, "raw", "PREROUTING_direct", TRACE_KIND_RETURN, 1, NULL);
	expect(rs, IPV4, "filter", "LIBVIRT_OUT", TRACE_KIND_RETURN, 1, NULL);
	expect(rs, IPV4, "nat", "PRE_home", TRACE_KIND_RETURN, 6, NULL);
	expect(rs, IPV4, "nat", "PRE_home", TRACE_KIND_RETURN, 0, NULL);
	ruleset_free(rs);
}

Test(ruleset, out_of_range_and_unknown)
{
	struct ruleset *rs = load("ipv4.save", 0);
	struct trace_event e;
	struct strref t;

	expect(rs, IPV4, "filter", "INPUT", TRACE_KIND_RULE, 0, NULL);
	expect(rs, IPV4, "filter", "INPUT", TRACE_KIND_RULE, 8, NULL);
	expect(rs, IPV4, "filter", "INPUT", TRACE_KIND_RULE, UINT32_MAX, NULL);
	expect(rs, IPV4, "filter", "INPUT", TRACE_KIND_UNKNOWN, 1, NULL);
	expect(rs, IPV4, "filter", "NOPE", TRACE_KIND_RULE, 1, NULL);
	expect(rs, IPV4, "broute", "INPUT", TRACE_KIND_RULE, 1, NULL);
	/* A chain of another table. */
	expect(rs, IPV4, "nat", "LIBVIRT_INP", TRACE_KIND_RULE, 1, NULL);
	expect(rs, IPV4, "filter", "PRE_home", TRACE_KIND_RULE, 1, NULL);
	/* Names are exact: no prefix, no case folding. */
	expect(rs, IPV4, "filter", "INPU", TRACE_KIND_RULE, 1, NULL);
	expect(rs, IPV4, "filter", "input", TRACE_KIND_RULE, 1, NULL);
	expect(rs, IPV4, "filte", "INPUT", TRACE_KIND_RULE, 1, NULL);
	expect(rs, IPV4, "", "INPUT", TRACE_KIND_RULE, 1, NULL);

	/* Native nf_tables tables are nft_ruleset.c's. */
	e = ev(IPV4, "filter", "INPUT", TRACE_KIND_RULE, 1);
	e.nft_family = 2;
	cr_expect_eq(ruleset_lookup(rs, &e, &t), 0);
	/* Families without xtables rulesets. */
	e = ev(7, "filter", "INPUT", TRACE_KIND_RULE, 1);
	cr_expect_eq(ruleset_lookup(rs, &e, &t), 0);
	e = ev(0, "filter", "INPUT", TRACE_KIND_RULE, 1);
	cr_expect_eq(ruleset_lookup(rs, &e, &t), 0);
	cr_expect_eq(ruleset_lookup(NULL, &e, &t), 0);
	ruleset_free(rs);
}

Test(ruleset, families_apart)
{
	struct ruleset *rs = load("ipv4.save", 0);
	char err[256];
	size_t len;
	char *v6 = slurp("ipv6.save", &len);

	/* Only IPv4 so far. */
	expect(rs, IPV6, "filter", "INPUT", TRACE_KIND_RULE, 1, NULL);
	cr_assert_eq(ruleset_add_save(rs, 0, v6, len, err, sizeof(err)), 0, "%s", err);
	free(v6);

	/* Same names, different rules; alternate to defeat the cache. */
	expect(rs, IPV4, "filter", "INPUT", TRACE_KIND_RULE, 3, "-A INPUT -j LIBVIRT_INP");
	expect(rs, IPV6, "filter", "INPUT", TRACE_KIND_RULE, 3, "-A INPUT -p ipv6-icmp -j ACCEPT");
	expect(rs, IPV4, "filter", "INPUT", TRACE_KIND_RULE, 3, "-A INPUT -j LIBVIRT_INP");
	expect(rs, IPV6, "filter", "INPUT", TRACE_KIND_POLICY, 6, "-P INPUT DROP");
	expect(rs, IPV6, "filter", "INPUT", TRACE_KIND_POLICY, 8, NULL);
	expect(rs, IPV4, "filter", "INPUT", TRACE_KIND_POLICY, 8, "-P INPUT DROP");
	/* Chains of one family only. */
	expect(rs, IPV6, "nat", "POST_v6only", TRACE_KIND_RULE, 1,
	       "-A POST_v6only -s fd00::/8 -o veth0 -j MASQUERADE");
	expect(rs, IPV4, "nat", "POST_v6only", TRACE_KIND_RULE, 1, NULL);
	expect(rs, IPV6, "filter", "LIBVIRT_INP", TRACE_KIND_RULE, 1, NULL);
	expect(rs, IPV6, "filter", "RFC3964_IPv4", TRACE_KIND_RETURN, 3,
	       "-A RFC3964_IPv4 -m comment --comment \"wouldn\\'t you have liked to know this rule was hit?\" -j RETURN");
	expect(rs, IPV6, "filter", "RFC3964_IPv4", TRACE_KIND_RETURN, 4, NULL);
	cr_expect_eq(check_every_rule(rs, IPV6, "ipv6.save"), 18);
	cr_expect_eq(check_every_rule(rs, IPV4, "ipv4.save"), 59);
	ruleset_free(rs);
}

Test(ruleset, family_detection)
{
	static const char bare[] = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j DROP\nCOMMIT\n";
	struct ruleset *rs = load("ipv6-counters.save", 0);
	char err[256] = "";

	expect(rs, IPV6, "raw", "PREROUTING", TRACE_KIND_RULE, 2, "-A PREROUTING -j PREROUTING_direct");
	expect(rs, IPV4, "raw", "PREROUTING", TRACE_KIND_RULE, 2, NULL);
	ruleset_free(rs);

	/* No "# Generated by" header: IPv4 unless told. */
	rs = ruleset_new();
	cr_assert_eq(ruleset_add_save(rs, 0, bare, strlen(bare), err, sizeof(err)), 0, "%s", err);
	expect(rs, IPV4, "filter", "INPUT", TRACE_KIND_RULE, 1, "-A INPUT -j DROP");
	expect(rs, IPV6, "filter", "INPUT", TRACE_KIND_RULE, 1, NULL);
	cr_assert_eq(ruleset_add_save(rs, IPV6, bare, strlen(bare), err, sizeof(err)), 0, "%s", err);
	expect(rs, IPV6, "filter", "INPUT", TRACE_KIND_RULE, 1, "-A INPUT -j DROP");

	/* An explicit family beats the header. */
	ruleset_free(rs);
	rs = load("ipv6.save", IPV4);
	expect(rs, IPV4, "nat", "POST_v6only", TRACE_KIND_RULE, 1,
	       "-A POST_v6only -s fd00::/8 -o veth0 -j MASQUERADE");

	cr_expect_eq(ruleset_add_save(rs, 7, bare, strlen(bare), err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "family 7"), "%s", err);
	ruleset_free(rs);
}

Test(ruleset, empty)
{
	struct ruleset *rs = ruleset_new();
	char err[256];

	cr_expect_eq(ruleset_empty(NULL), 1);
	cr_expect_eq(ruleset_empty(rs), 1);
	cr_expect_eq(ruleset_add_comment(rs, "nftrace-ifnames 1\n1 lo\n", 23, err, sizeof(err)), 1);
	cr_expect_eq(ruleset_empty(rs), 1);
	cr_expect_eq(ruleset_add_save(rs, IPV6, "", 0, err, sizeof(err)), 0);
	cr_expect_eq(ruleset_empty(rs), 0);
	ruleset_free(rs);
	ruleset_free(NULL);
}

Test(ruleset, replace_keeps_old_text)
{
	static const char a[] = "*filter\n:INPUT ACCEPT [0:0]\n:OLD - [0:0]\n-A INPUT -j OLD\nCOMMIT\n";
	static const char b[] = "*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp -j ACCEPT\nCOMMIT\n";
	struct ruleset *rs = ruleset_new();
	struct trace_event e = ev(IPV4, "filter", "INPUT", TRACE_KIND_RULE, 1);
	struct strref old;
	char err[256];

	cr_assert_eq(ruleset_add_save(rs, IPV4, a, strlen(a), err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(ruleset_lookup(rs, &e, &old), 1);
	cr_assert_eq(ruleset_add_save(rs, IPV4, b, strlen(b), err, sizeof(err)), 0, "%s", err);
	expect(rs, IPV4, "filter", "INPUT", TRACE_KIND_RULE, 1, "-A INPUT -p tcp -j ACCEPT");
	expect(rs, IPV4, "filter", "OLD", TRACE_KIND_RETURN, 1, NULL);
	expect(rs, IPV4, "filter", "INPUT", TRACE_KIND_POLICY, 2, "-P INPUT DROP");
	/* Text handed out before stays valid while rs lives. */
	cr_expect(strref_eq(old, "-A INPUT -j OLD", 15));
	ruleset_free(rs);
}

/* ---- malformed iptables-save text ----------------------------------- */

static void save_error(const char *text, const char *want1, const char *want2)
{
	struct ruleset *rs = ruleset_new();
	char err[256] = "";

	cr_expect_eq(ruleset_add_save(rs, IPV4, text, strlen(text), err, sizeof(err)),
		     -EINVAL, "accepted: %s", text);
	cr_expect(strstr(err, want1), "'%s' lacks '%s'", err, want1);
	if (want2)
		cr_expect(strstr(err, want2), "'%s' lacks '%s'", err, want2);
	cr_expect(ruleset_empty(rs));
	ruleset_free(rs);
}

Test(ruleset, save_errors)
{
	save_error("-A INPUT -j DROP\n", "line 1", "'-A INPUT -j DROP'");
	save_error("*filter\n:INPUT ACCEPT [0:0]\n-A FOO -j DROP\nCOMMIT\n",
		   "line 3", "'FOO'");
	save_error("*filter\n:INPUT ACCEPT [0:0]\n", "line 1", "'filter' has no COMMIT");
	save_error("*filter\n:INPUT ACCEPT [0:0]\n*nat\nCOMMIT\n", "line 3",
		   "COMMIT missing for table 'filter' of line 1");
	save_error("COMMIT\n", "line 1", "COMMIT outside");
	save_error("# x\n:INPUT ACCEPT\n", "line 2", "outside a table");
	save_error("*filter\n:INPUT ACCEPT [0:0]\n:INPUT DROP [0:0]\nCOMMIT\n",
		   "line 3", "declared twice");
	save_error("*filter\n:INPUT ACCEPT [0:0]\n[1:2]-A INPUT\nCOMMIT\n",
		   "line 3", "bad counters");
	save_error("*filter\n:INPUT ACCEPT [0:0]\n[1:2 -A INPUT\nCOMMIT\n",
		   "line 3", "bad counters");
	save_error("*filter\n:INPUT\nCOMMIT\n", "line 2", "bad chain line");
	save_error("*filter\n: INPUT ACCEPT\nCOMMIT\n", "line 2", "bad chain line");
	save_error("* filter\n", "line 1", "bad table line");
	save_error("*filter x\n", "line 1", "bad table line");
	save_error("*filter\n:INPUT ACCEPT [0:0]\niptables -A INPUT -j DROP\nCOMMIT\n",
		   "line 3", "unexpected line: 'iptables -A INPUT -j DROP'");
	save_error("*filter\n:INPUT ACCEPT [0:0]\n-I INPUT -j DROP\nCOMMIT\n",
		   "line 3", "unexpected");
	save_error("*filter\n:INPUT ACCEPT [0:0]\n-AINPUT\nCOMMIT\n", "line 3", "unexpected");
	/* The offending text is cut to 60 bytes and made printable. */
	save_error("*filter\nxxxxxxxxxx\001yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\n",
		   "line 2", "'xxxxxxxxxx?yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy...'");
}

Test(ruleset, save_embedded_nul)
{
	static const char t[] = "*filter\n:INPUT ACCEPT\n-A INPUT -j\0DROP\nCOMMIT\n";
	struct ruleset *rs = ruleset_new();
	char err[256] = "";

	cr_expect_eq(ruleset_add_save(rs, IPV4, t, sizeof(t) - 1, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "line 3: NUL byte"), "%s", err);
	ruleset_free(rs);
}

Test(ruleset, save_lenient_forms)
{
	/* CRLF, blank lines, a last line without newline, an empty chain
	 * line without counters, interleaved chains. */
	static const char t[] =
		"# hand-written\r\n\r\n*filter\r\n:INPUT DROP\r\n:A - [0:0]\r\n"
		"-A INPUT -j A\r\n-A A -p tcp\r\n-A INPUT -j ACCEPT \r\n-A A -p udp\r\nCOMMIT";
	struct ruleset *rs = ruleset_new();
	char err[256] = "";

	cr_assert_eq(ruleset_add_save(rs, 0, t, strlen(t), err, sizeof(err)), 0, "%s", err);
	expect(rs, IPV4, "filter", "INPUT", TRACE_KIND_RULE, 2, "-A INPUT -j ACCEPT");
	expect(rs, IPV4, "filter", "INPUT", TRACE_KIND_POLICY, 3, "-P INPUT DROP");
	expect(rs, IPV4, "filter", "A", TRACE_KIND_RULE, 2, "-A A -p udp");
	ruleset_free(rs);
}

Test(ruleset, size_limit)
{
	size_t big = (64u << 20) + 1;
	char *t = calloc(1, big);
	struct ruleset *rs = ruleset_new();
	char err[256] = "";
	char **parts = NULL;
	size_t nparts = 0;

	cr_assert_not_null(t);
	cr_expect_eq(ruleset_add_save(rs, IPV4, t, big, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "64 MiB"), "%s", err);
	cr_expect_eq(ruleset_snapshot_format(IPV4, "legacy", t, big, &parts, &nparts), -EFBIG);
	cr_expect_eq(nparts, 0);
	free(parts);
	free(t);
	ruleset_free(rs);
}

Test(ruleset, line_limit)
{
	size_t n = (1u << 20) + 1;
	char *t = malloc(n + 64);
	struct ruleset *rs = ruleset_new();
	char err[256] = "";

	memcpy(t, "*raw\n:OUTPUT ACCEPT\n", 20);
	memset(t + 20, 'x', n);
	cr_expect_eq(ruleset_add_save(rs, IPV4, t, 20 + n, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "line 3: longer than 1048576 bytes: 'xxx"), "%s", err);
	free(t);
	ruleset_free(rs);
}

/* ---- snapshots in SHB comments -------------------------------------- */

static void free_parts(char **parts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(parts[i]);
	free(parts);
}

/* Format text, check the part rules, offer the parts to a new ruleset. */
static struct ruleset *round_trip(uint8_t family, const char *text, size_t len,
				  size_t want_parts)
{
	static const char cont[] = "nftrace-ruleset-cont 1\n";
	struct ruleset *rs = ruleset_new();
	char **parts = NULL, err[256] = "", *joined;
	size_t nparts = 0, i, jl = 0;
	int n;

	n = ruleset_snapshot_format(family, "legacy", text, len, &parts, &nparts);
	cr_assert_gt(n, 0);
	cr_assert_eq((size_t)n, nparts);
	if (want_parts)
		cr_expect_eq(nparts, want_parts);
	cr_expect(!strncmp(parts[0], family == IPV4 ? "nftrace-ruleset 1 ipv4 legacy\n"
						  : "nftrace-ruleset 1 ipv6 legacy\n", 30),
		  "%.40s", parts[0]);

	/* Joined without their continuation lines, the parts are the text. */
	joined = malloc(len + 64 + nparts);
	for (i = 0; i < nparts; i++) {
		size_t pl = strlen(parts[i]);
		const char *body = parts[i];

		cr_expect_leq(pl, 65535, "part %zu has %zu bytes", i, pl);
		if (i > 0) {
			cr_assert(!strncmp(body, cont, sizeof(cont) - 1));
			body += sizeof(cont) - 1;
		} else {
			body = strchr(body, '\n') + 1;
		}
		/* Only a cut line leaves a part without a final newline,
		 * and only a full one; never inside a UTF-8 sequence. */
		if (i + 1 < nparts && parts[i][pl - 1] != '\n') {
			cr_expect_geq(pl, 65532, "part %zu", i);
			cr_expect_neq((unsigned char)parts[i + 1][sizeof(cont) - 1] & 0xc0, 0x80);
		}
		memcpy(joined + jl, body, strlen(body));
		jl += strlen(body);
	}
	cr_expect_geq(jl, len);
	cr_expect(!memcmp(joined, text, len), "parts do not join to the text");
	free(joined);

	for (i = 0; i < nparts; i++)
		cr_assert_eq(ruleset_add_comment(rs, parts[i], strlen(parts[i]), err,
						 sizeof(err)), 1, "part %zu: %s", i, err);
	free_parts(parts, nparts);
	return rs;
}

Test(ruleset, snapshot_round_trip)
{
	size_t len4, len6;
	char *v4 = slurp("ipv4-counters.save", &len4);
	char *v6 = slurp("ipv6.save", &len6);
	struct ruleset *rs = round_trip(IPV4, v4, len4, 1);
	struct ruleset *rs6 = round_trip(IPV6, v6, len6, 1);
	char err[256];

	cr_expect_eq(check_every_rule(rs, IPV4, "ipv4.save"), 59);
	expect(rs, IPV4, "filter", "FORWARD", TRACE_KIND_POLICY, 4, "-P FORWARD DROP");
	expect(rs, IPV6, "filter", "INPUT", TRACE_KIND_RULE, 1, NULL);
	cr_expect_eq(check_every_rule(rs6, IPV6, "ipv6.save"), 18);

	/* Both in one ruleset, as in one SHB. */
	cr_assert_eq(ruleset_add_save(rs, IPV6, v6, len6, err, sizeof(err)), 0);
	cr_expect_eq(check_every_rule(rs, IPV6, "ipv6-counters.save"), 18);
	free(v4);
	free(v6);
	ruleset_free(rs);
	ruleset_free(rs6);
}

/* A Kubernetes-sized nat table: thousands of chains and rules. */
static char *big_ruleset(size_t *len, unsigned nsvc)
{
	size_t cap = (size_t)nsvc * 600 + 4096, l = 0;
	char *t = malloc(cap);
	unsigned i;

#define ADD(...) (l += (size_t)snprintf(t + l, cap - l, __VA_ARGS__))
	ADD("# Generated by iptables-save v1.8.9 on Fri Nov 27 14:47:43 2026\n*nat\n");
	ADD(":PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n");
	ADD(":POSTROUTING ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n");
	for (i = 0; i < nsvc; i++)
		ADD(":KUBE-SVC-%08X - [0:0]\n:KUBE-SEP-%08X - [0:0]\n", i, i);
	ADD("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n");
	for (i = 0; i < nsvc; i++)
		ADD("-A KUBE-SERVICES -d 10.96.%u.%u/32 -p tcp -m comment --comment \"ns%u/svc%u:https cluster IP\" -m tcp --dport 443 -j KUBE-SVC-%08X\n",
		    i / 250, i % 250 + 1, i, i, i);
	for (i = 0; i < nsvc; i++) {
		ADD("-A KUBE-SVC-%08X -m comment --comment \"ns%u/svc%u:https -> 10.244.%u.%u:8443\" -j KUBE-SEP-%08X\n",
		    i, i, i, i / 250, i % 250 + 1, i);
		ADD("-A KUBE-SEP-%08X -s 10.244.%u.%u/32 -m comment --comment \"ns%u/svc%u:https\" -j KUBE-MARK-MASQ\n",
		    i, i / 250, i % 250 + 1, i, i);
		ADD("-A KUBE-SEP-%08X -p tcp -m comment --comment \"ns%u/svc%u:https\" -m tcp -j DNAT --to-destination 10.244.%u.%u:8443\n",
		    i, i, i, i / 250, i % 250 + 1);
	}
	ADD("COMMIT\n# Completed on Fri Nov 27 14:47:43 2026\n");
#undef ADD
	cr_assert_lt(l, cap);
	*len = l;
	return t;
}

Test(ruleset, big_snapshot_in_parts)
{
	size_t len;
	char *t = big_ruleset(&len, 1000);
	struct ruleset *rs;
	unsigned n;

	cr_assert_gt(len, 200 * 1024, "only %zu bytes", len);
	rs = round_trip(IPV4, t, len, 0);
	{
		struct every_arg a = { rs, IPV4, 0 };

		each_rule(t, check_rule, &a);
		n = a.count;
	}
	cr_expect_eq(n, 1 + 4 * 1000);
	expect(rs, IPV4, "nat", "KUBE-SEP-000003E7", TRACE_KIND_RULE, 2,
	       "-A KUBE-SEP-000003E7 -p tcp -m comment --comment \"ns999/svc999:https\" -m tcp -j DNAT --to-destination 10.244.3.250:8443");
	expect(rs, IPV4, "nat", "KUBE-SERVICES", TRACE_KIND_RETURN, 1001, NULL);
	expect(rs, IPV4, "nat", "POSTROUTING", TRACE_KIND_POLICY, 1, "-P POSTROUTING ACCEPT");
	ruleset_free(rs);
	free(t);
}

Test(ruleset, long_line_cut)
{
	/* One rule longer than two parts, of 2-byte UTF-8 characters. */
	size_t clen = 150001, len, i;
	char *t = malloc(clen + 256);
	char *want;
	struct ruleset *rs;
	char **parts = NULL;
	size_t nparts = 0;

	len = (size_t)sprintf(t, "*mangle\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -m comment --comment \"");
	want = t + strlen("*mangle\n:OUTPUT ACCEPT [0:0]\n");
	for (i = 0; i < clen / 2; i++) {
		t[len++] = (char)0xc3;
		t[len++] = (char)0xa9;
	}
	len += (size_t)sprintf(t + len, "\"\n-A OUTPUT -j ACCEPT\nCOMMIT"); /* no final newline */

	/* The long line starts a new part: 2 short lines, 2 cut parts, rest. */
	rs = round_trip(IPV4, t, len, 4);
	t[len - strlen("\n-A OUTPUT -j ACCEPT\nCOMMIT")] = '\0';
	expect(rs, IPV4, "mangle", "OUTPUT", TRACE_KIND_RULE, 1, want);
	expect(rs, IPV4, "mangle", "OUTPUT", TRACE_KIND_POLICY, 2, "-A OUTPUT -j ACCEPT");
	expect(rs, IPV4, "mangle", "OUTPUT", TRACE_KIND_POLICY, 3, "-P OUTPUT ACCEPT");
	ruleset_free(rs);

	/* The formatter ends the text with a newline. */
	cr_assert_eq(ruleset_snapshot_format(IPV6, "nft", "*raw\nCOMMIT", 11, &parts, &nparts), 1);
	cr_expect_str_eq(parts[0], "nftrace-ruleset 1 ipv6 nft\n*raw\nCOMMIT\n");
	free_parts(parts, nparts);
	free(t);
}

Test(ruleset, snapshot_format_args)
{
	char **parts = NULL;
	size_t nparts = 0;

	cr_expect_eq(ruleset_snapshot_format(IPV4, "legacy", "", 0, &parts, &nparts), 1);
	cr_expect_str_eq(parts[0], "nftrace-ruleset 1 ipv4 legacy\n");
	cr_expect_eq(ruleset_snapshot_format(7, "legacy", "", 0, &parts, &nparts), -EINVAL);
	cr_expect_eq(ruleset_snapshot_format(IPV4, "leg acy", "", 0, &parts, &nparts), -EINVAL);
	cr_expect_eq(ruleset_snapshot_format(IPV4, "", "", 0, &parts, &nparts), -EINVAL);
	cr_expect_eq(ruleset_snapshot_format(IPV4, NULL, "", 0, &parts, &nparts), -EINVAL);
	cr_expect_eq(ruleset_snapshot_format(IPV4, "legacy", "a\0b\n", 4, &parts, &nparts), -EINVAL);
	cr_expect_eq(nparts, 1);
	free_parts(parts, nparts);
}

static void comment_error(const char *text, int want, const char *want1,
			  const char *want2)
{
	struct ruleset *rs = ruleset_new();
	char err[256] = "";

	cr_expect_eq(ruleset_add_comment(rs, text, strlen(text), err, sizeof(err)), want,
		     "%s", text);
	if (want1)
		cr_expect(strstr(err, want1), "'%s' lacks '%s'", err, want1);
	if (want2)
		cr_expect(strstr(err, want2), "'%s' lacks '%s'", err, want2);
	cr_expect(ruleset_empty(rs));
	ruleset_free(rs);
}

Test(ruleset, comment_errors)
{
	comment_error("nftrace-ruleset 2 ipv4 legacy\n", -EINVAL, "line 1",
		      "version '2': 'nftrace-ruleset 2 ipv4 legacy'");
	comment_error("nftrace-ruleset 1 ipv5 legacy\n*raw\nCOMMIT\n", -EINVAL,
		      "line 1", "family 'ipv5'");
	comment_error("nftrace-ruleset 1 ipv4 iptables\n", -EINVAL, "line 1", "backend 'iptables'");
	comment_error("nftrace-ruleset 1 ipv4 legacy extra\n", -EINVAL, "line 1", "trailing");
	comment_error("nftrace-ruleset 1\n", -EINVAL, "line 1", "family ''");
	comment_error("nftrace-ruleset-cont 1\n-A INPUT -j DROP\n", -EINVAL, "line 1",
		      "without a snapshot before it");
	comment_error("nftrace-ruleset-cont 2\n", -EINVAL, "line 1", "unsupported");
	/* Lines count from the head line. */
	comment_error("nftrace-ruleset 1 ipv4 legacy\n*filter\n:INPUT ACCEPT [0:0]\n-A FOO -j DROP\nCOMMIT\n",
		      -EINVAL, "line 4", "'-A FOO -j DROP'");
	/* Not ours. */
	comment_error("", 0, NULL, NULL);
	comment_error("captured on host x", 0, NULL, NULL);
	comment_error("nftrace-rulesets 1 ipv4 legacy\n", 0, NULL, NULL);
	comment_error(" nftrace-ruleset 1 ipv4 legacy\n", 0, NULL, NULL);
	comment_error("nftrace-ruleset-continued 1\n", 0, NULL, NULL);
}

Test(ruleset, comment_parts_errors)
{
	struct ruleset *rs = ruleset_new();
	char err[256] = "";
	static const char head[] = "nftrace-ruleset 1 ipv4 legacy\n*filter\n:INPUT ACCEPT [0:0]\n";
	static const char bad[] = "nftrace-ruleset-cont 1\n-A INPUT -j ACCEPT\n-A OUTPUT -j DROP\n";
	static const char more[] = "nftrace-ruleset-cont 1\nCOMMIT\n";

	cr_assert_eq(ruleset_add_comment(rs, head, strlen(head), err, sizeof(err)), 1, "%s", err);
	/* Line numbers go on across parts. */
	cr_expect_eq(ruleset_add_comment(rs, bad, strlen(bad), err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "line 5: rule for chain 'OUTPUT'"), "%s", err);
	cr_expect(ruleset_empty(rs), "a rejected snapshot must not stay");
	/* Its further parts are taken without a second error. */
	err[0] = '\0';
	cr_expect_eq(ruleset_add_comment(rs, more, strlen(more), err, sizeof(err)), 1);
	cr_expect_str_eq(err, "");
	cr_expect(ruleset_empty(rs));

	/* A good snapshot after it works again. */
	cr_assert_eq(ruleset_add_comment(rs, head, strlen(head), err, sizeof(err)), 1, "%s", err);
	cr_assert_eq(ruleset_add_comment(rs, more, strlen(more), err, sizeof(err)), 1, "%s", err);
	expect(rs, IPV4, "filter", "INPUT", TRACE_KIND_POLICY, 1, "-P INPUT ACCEPT");

	/* A save file drops the pending head: no continuation after it. */
	cr_assert_eq(ruleset_add_save(rs, IPV6, "", 0, err, sizeof(err)), 0);
	cr_expect_eq(ruleset_add_comment(rs, more, strlen(more), err, sizeof(err)), -EINVAL);
	ruleset_free(rs);
}

Test(ruleset, comment_replaces_and_cont_follows_latest_head)
{
	struct ruleset *rs = ruleset_new();
	char err[256] = "";
	static const char v4a[] = "nftrace-ruleset 1 ipv4 legacy\n*raw\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -j CT --notrack\nCOMMIT\n";
	static const char v4b[] = "nftrace-ruleset 1 ipv4 legacy\n*raw\n:OUTPUT DROP [0:0]\n";
	static const char v6[] = "nftrace-ruleset 1 ipv6 legacy\n*raw\n:OUTPUT ACCEPT [0:0]\n";
	static const char cont[] = "nftrace-ruleset-cont 1\n-A OUTPUT -p ipv6-icmp\nCOMMIT\n";

	cr_assert_eq(ruleset_add_comment(rs, v4a, strlen(v4a), err, sizeof(err)), 1, "%s", err);
	expect(rs, IPV4, "raw", "OUTPUT", TRACE_KIND_RULE, 1, "-A OUTPUT -j CT --notrack");
	cr_assert_eq(ruleset_add_comment(rs, v4b, strlen(v4b), err, sizeof(err)), 1, "%s", err);
	cr_assert_eq(ruleset_add_comment(rs, "nftrace-ifnames 1\n1 lo\n", 23, err, sizeof(err)), 1);
	cr_assert_eq(ruleset_add_comment(rs, v6, strlen(v6), err, sizeof(err)), 1, "%s", err);
	cr_assert_eq(ruleset_add_comment(rs, "other", 5, err, sizeof(err)), 0);
	cr_assert_eq(ruleset_add_comment(rs, cont, strlen(cont), err, sizeof(err)), 1, "%s", err);
	expect(rs, IPV4, "raw", "OUTPUT", TRACE_KIND_RULE, 1, NULL);
	expect(rs, IPV4, "raw", "OUTPUT", TRACE_KIND_POLICY, 1, "-P OUTPUT DROP");
	expect(rs, IPV6, "raw", "OUTPUT", TRACE_KIND_RULE, 1, "-A OUTPUT -p ipv6-icmp");
	ruleset_free(rs);
}

Test(ruleset, foreign_last_line_without_newline)
{
	struct ruleset *rs = ruleset_new();
	char err[256] = "";
	static const char c[] = "nftrace-ruleset 1 ipv4 legacy\n*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j DROP";

	cr_assert_eq(ruleset_add_comment(rs, c, strlen(c), err, sizeof(err)), 1, "%s", err);
	expect(rs, IPV4, "filter", "INPUT", TRACE_KIND_POLICY, 1, "-A INPUT -j DROP");
	ruleset_free(rs);
}

/* ---- interface names ------------------------------------------------ */

Test(ruleset, ifnames_round_trip)
{
	struct ruleset *rs = ruleset_new();
	struct if_nameindex *ifs, *i;
	char **parts = NULL, err[256] = "";
	size_t nparts = 0, k;
	int n;

	n = ruleset_ifnames_format(&parts, &nparts);
	cr_assert_geq(n, 1, "%d", n);
	cr_expect(!strncmp(parts[0], "nftrace-ifnames 1\n", 18));
	for (k = 0; k < nparts; k++)
		cr_assert_eq(ruleset_add_comment(rs, parts[k], strlen(parts[k]), err,
						 sizeof(err)), 1, "%s", err);
	ifs = if_nameindex();
	cr_assert_not_null(ifs);
	for (i = ifs; i->if_index; i++) {
		const char *name = ruleset_ifname(rs, i->if_index);

		cr_expect_not_null(name, "ifindex %u", i->if_index);
		if (name)
			cr_expect_str_eq(name, i->if_name);
	}
	if_freenameindex(ifs);
	cr_expect_null(ruleset_ifname(rs, 0));
	cr_expect_null(ruleset_ifname(NULL, 1));
	free_parts(parts, nparts);
	ruleset_free(rs);
}

Test(ruleset, ifnames_maps)
{
	struct ruleset *rs = ruleset_new();
	char err[256] = "";
	static const char a[] = "nftrace-ifnames 1\n1 lo\n7 eth0\n3 wlp61s0\n";
	static const char b[] = "nftrace-ifnames 1\n12 veth1\n7 eth1\n";
	static const char snap[] = "nftrace-ruleset 1 ipv4 legacy\n";
	static const char c[] = "nftrace-ifnames 1\n2 br0\n\n";

	cr_assert_eq(ruleset_add_comment(rs, a, strlen(a), err, sizeof(err)), 1, "%s", err);
	cr_expect_str_eq(ruleset_ifname(rs, 1), "lo");
	cr_expect_str_eq(ruleset_ifname(rs, 3), "wlp61s0");
	cr_expect_str_eq(ruleset_ifname(rs, 7), "eth0");
	cr_expect_null(ruleset_ifname(rs, 2));
	/* In a row: one map, the later entry wins. */
	cr_assert_eq(ruleset_add_comment(rs, b, strlen(b), err, sizeof(err)), 1, "%s", err);
	cr_expect_str_eq(ruleset_ifname(rs, 1), "lo");
	cr_expect_str_eq(ruleset_ifname(rs, 7), "eth1");
	cr_expect_str_eq(ruleset_ifname(rs, 12), "veth1");
	/* After a snapshot: a new map. */
	cr_assert_eq(ruleset_add_comment(rs, snap, strlen(snap), err, sizeof(err)), 1, "%s", err);
	cr_assert_eq(ruleset_add_comment(rs, c, strlen(c), err, sizeof(err)), 1, "%s", err);
	cr_expect_null(ruleset_ifname(rs, 1));
	cr_expect_str_eq(ruleset_ifname(rs, 2), "br0");
	ruleset_free(rs);
}

Test(ruleset, ifnames_errors)
{
	comment_error("nftrace-ifnames 2\n1 lo\n", -EINVAL, "line 1", "version");
	comment_error("nftrace-ifnames 1\n1 lo\nx eth0\n", -EINVAL, "line 3", "'x eth0'");
	comment_error("nftrace-ifnames 1\n0 lo\n", -EINVAL, "line 2", "'0 lo'");
	comment_error("nftrace-ifnames 1\n4294967296 lo\n", -EINVAL, "line 2", NULL);
	comment_error("nftrace-ifnames 1\n5\n", -EINVAL, "line 2", "'5'");
	comment_error("nftrace-ifnames 1\n5 a b\n", -EINVAL, "line 2", NULL);
	comment_error("nftrace-ifnames 1\n5 abcdefghijklmnop\n", -EINVAL, "line 2", NULL);
	comment_error("nftrace-ifnames 1\n 5 lo\n", -EINVAL, "line 2", NULL);
}

/* ---- robustness ----------------------------------------------------- */

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Mutated real input must give 0/1 or an error, never a crash; run
 * under --enable-sanitizers for the memory side. */
Test(ruleset, mutations)
{
	static const char *alphabet = "*:-A[]0 \n#COMMIT\r\t\"'\\x";
	size_t len, i;
	char *orig = slurp("ipv4-counters.save", &len);
	char *buf = malloc(len + 64);
	char head[64];
	uint32_t seed = 0x12345678;
	int round;

	for (round = 0; round < 3000; round++) {
		struct ruleset *rs = ruleset_new();
		char err[256];
		size_t n = rnd(&seed) % (len + 1), flips = rnd(&seed) % 8;
		struct strref t;
		struct trace_event e;
		int r;

		memcpy(buf, orig, n);
		for (i = 0; i < flips && n; i++) {
			size_t at = rnd(&seed) % n;

			buf[at] = rnd(&seed) & 1 ? alphabet[rnd(&seed) % strlen(alphabet)]
						 : (char)rnd(&seed);
		}
		r = ruleset_add_save(rs, 0, buf, n, err, sizeof(err));
		cr_assert(r == 0 || r == -EINVAL, "%d", r);
		e = ev(IPV4, "filter", "INPUT", TRACE_KIND_POLICY, rnd(&seed) % 10);
		ruleset_lookup(rs, &e, &t);

		snprintf(head, sizeof(head), "%s\n",
			 round & 1 ? "nftrace-ruleset 1 ipv4 legacy" : "nftrace-ruleset-cont 1");
		memmove(buf + strlen(head), buf, n);
		memcpy(buf, head, strlen(head));
		r = ruleset_add_comment(rs, buf, n + strlen(head), err, sizeof(err));
		cr_assert(r == 0 || r == 1 || r == -EINVAL, "%d", r);
		ruleset_lookup(rs, &e, &t);
		ruleset_free(rs);
	}
	free(buf);
	free(orig);
}
