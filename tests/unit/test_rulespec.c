/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rulespec.h"
#include "trace_rules.h"

#define END NULL

/* Split text and compare with the words that follow (END-terminated). */
static void split_is(const char *text, ...)
{
	char **argv = NULL, err[128] = "";
	const char *w;
	va_list ap;
	int n, i = 0;

	n = rulespec_split(text, &argv, err, sizeof(err));
	cr_assert_geq(n, 0, "'%s': %s", text, err);
	va_start(ap, text);
	while ((w = va_arg(ap, const char *)) != END) {
		cr_expect_lt(i, n, "'%s': too few words (%d)", text, n);
		if (i < n)
			cr_expect_str_eq(argv[i], w, "'%s' word %d", text, i);
		i++;
	}
	va_end(ap);
	cr_expect_eq(n, i, "'%s': %d words, want %d", text, n, i);
	cr_expect_null(argv[n], "argv not NULL-terminated");
	rulespec_free(argv);
}

Test(rulespec, split_plain)
{
	split_is("", END);
	split_is(" \t\n  ", END);
	split_is("-s 8.8.4.4", "-s", "8.8.4.4", END);
	split_is("  -s\t8.8.4.4/32  -p udp\n--sport 53 ", "-s", "8.8.4.4/32", "-p",
		 "udp", "--sport", "53", END);
	split_is("-m comment --comment \"two words\"", "-m", "comment", "--comment",
		 "two words", END);
}

Test(rulespec, split_quotes)
{
	split_is("'single quoted' x", "single quoted", "x", END);
	split_is("'a \\ \"b\" $c'", "a \\ \"b\" $c", END);
	split_is("a'b'c", "abc", END);
	split_is("a\"b\"c", "abc", END);
	split_is("'a'\"b\"c'd e'", "abcd e", END);
	split_is("''", "", END);
	split_is("\"\"", "", END);
	split_is("a '' b", "a", "", "b", END);
	split_is("x\"\"", "x", END);
	split_is("'it'\\''s'", "it's", END);
	split_is("\"'\"", "'", END);
	split_is("'\"'", "\"", END);
	split_is("--comment \"wouldn't you have liked to know this rule was hit?\"",
		 "--comment", "wouldn't you have liked to know this rule was hit?", END);
	split_is("'a\nb'", "a\nb", END);
}

Test(rulespec, split_backslashes)
{
	/* Inside double quotes only \" \\ \$ \` and newline are escapes. */
	split_is("\"a\\\"b\"", "a\"b", END);
	split_is("\"a\\\\b\"", "a\\b", END);
	split_is("\"\\$x\"", "$x", END);
	split_is("\"\\`x\"", "`x", END);
	split_is("\"a\\nb\"", "a\\nb", END);
	split_is("\"a\\'b\"", "a\\'b", END);
	split_is("\"a\\\nb\"", "ab", END);
	/* Outside quotes: the next character, whatever it is. */
	split_is("a\\ b", "a b", END);
	split_is("\\'", "'", END);
	split_is("\\\"x", "\"x", END);
	split_is("\\n", "n", END);
	split_is("a\\\nb", "ab", END);
	split_is("a \\\n b", "a", "b", END);
	split_is("\\\\", "\\", END);
	/* iptables-save's own quoting comes back as the original words. */
	split_is("-m comment --comment \"a \\\"quoted\\\" word, a back\\\\slash and a $dollar\"",
		 "-m", "comment", "--comment",
		 "a \"quoted\" word, a back\\slash and a $dollar", END);
}

Test(rulespec, split_no_expansion)
{
	split_is("$HOME ~ *.c `id` $(id) ${x}", "$HOME", "~", "*.c", "`id`",
		 "$(id)", "${x}", END);
	split_is("a;b|c&d>e<f", "a;b|c&d>e<f", END);
	split_is("# not a comment", "#", "not", "a", "comment", END);
	split_is("\"$HOME\"", "$HOME", END);
}

static void split_fails(const char *text, const char *want)
{
	char **argv = (char **)1, err[128] = "";

	cr_expect_eq(rulespec_split(text, &argv, err, sizeof(err)), -EINVAL,
		     "'%s' accepted", text);
	cr_expect(strstr(err, want), "'%s': '%s' lacks '%s'", text, err, want);
	cr_expect_eq(argv, (char **)1, "argv touched on error");
}

Test(rulespec, split_errors)
{
	split_fails("'abc", "unterminated single quote at offset 0");
	split_fails("-s 1 'abc", "unterminated single quote at offset 5");
	split_fails("x \"abc", "unterminated double quote at offset 2");
	split_fails("\"abc\\\"", "unterminated double quote at offset 0");
	split_fails("'a'\"", "unterminated double quote at offset 3");
	split_fails("abc\\", "trailing backslash at offset 3");
	split_fails("\\", "trailing backslash at offset 0");
	split_fails(NULL, "no RULE");
}

/* Split and check; returns rulespec_check()'s result. */
static int check(const char *text, char *err, size_t errlen)
{
	char **argv = NULL;
	int n = rulespec_split(text, &argv, err, errlen), r;

	cr_assert_geq(n, 0, "'%s'", text);
	r = rulespec_check(argv, err, errlen);
	rulespec_free(argv);
	return r;
}

static void accepts(const char *text)
{
	char err[160] = "";

	cr_expect_eq(check(text, err, sizeof(err)), 0, "'%s' rejected: %s", text, err);
}

static void rejects(const char *text, const char *word)
{
	char err[160] = "", want[120];

	cr_expect_eq(check(text, err, sizeof(err)), -EINVAL, "'%s' accepted", text);
	snprintf(want, sizeof(want),
		 "RULE may hold match options only: '%s' is set by nftrace-capture", word);
	cr_expect_str_eq(err, want, "'%s'", text);
}

Test(rulespec, check_accepts)
{
	accepts("");
	accepts("-s 8.8.4.4");
	accepts("-s 2001:4860:4860::8888/128 -p ipv6-icmp");
	accepts("-p udp -m udp --sport 53 -i eth0 ! -o lo");
	accepts("-p tcp ! --syn -m conntrack --ctstate NEW,RELATED");
	accepts("-m mark --mark 0xef/0xff -m owner --uid-owner 0");
	/* Values are not options. */
	accepts("-m comment --comment -j");
	accepts("-m comment --comment \"-j ACCEPT -t nat\"");
	accepts("-m comment --comment '--jump' -p tcp");
	accepts("-m string --algo bm --string -D");
	accepts("-m string --algo bm --string=-D");
	accepts("-i -j");
	accepts("-m set --match-set -A src");
	accepts("-c 1 -j");
	/* Options that merely look like owned ones. */
	accepts("-m policy --pol ipsec --dir in");
	accepts("--jumpy --tables --gotox");
	accepts("-pj");
	accepts("-p -t");
	accepts("-4 -v -n -x");
	accepts("-w5");
	accepts("- ! --");
	accepts("--comment");
}

Test(rulespec, check_rejects)
{
	static const char *owned[] = {
		"-j", "--jump", "-g", "--goto", "-t", "--table", "-A", "--append",
		"-I", "--insert", "-D", "--delete", "-R", "--replace", "-N",
		"--new-chain", "-X", "--delete-chain", "-F", "--flush", "-Z", "--zero",
		"-P", "--policy", "-L", "--list", "-S", "--list-rules", "-E",
		"--rename-chain", "-C", "--check", "-V", "--version", "-h", "--help",
	};
	size_t i;

	for (i = 0; i < sizeof(owned) / sizeof(owned[0]); i++) {
		char text[64];

		snprintf(text, sizeof(text), "-s 10.0.0.1 %s X", owned[i]);
		rejects(text, owned[i]);
	}
	rejects("-s 8.8.4.4 -j DROP", "-j");
	rejects("--jump=ACCEPT", "--jump=ACCEPT");
	rejects("--table=nat -p tcp", "--table=nat");
	rejects("-jDROP", "-jDROP");
	rejects("-vj DROP", "-vj");
	rejects("-tnat", "-tnat");
	rejects("-m comment --comment x -j DROP", "-j");
	rejects("-m comment --comment \"-j\" -g X", "-g");
	rejects("-s 1 '-j' ACCEPT", "-j");
	rejects("-s 1 \\-j ACCEPT", "-j");
	rejects("-c 1 2 -j X", "-j");
}

/* getopt_long in iptables takes any unambiguous abbreviation of a long
 * option: these are the owned options themselves. */
Test(rulespec, check_rejects_abbreviations)
{
	static const char *abbrev[] = {
		"--jum", "--j", "--tab", "--t", "--app", "--a", "--go", "--g",
		"--ins", "--del", "--dele", "--delete-", "--delete-c", "--rep",
		"--ren", "--r", "--re", "--ne", "--new", "--fl", "--z", "--ze",
		"--po", "--poli", "--lis", "--list-", "--list-r", "--c", "--che",
		"--vers", "--h", "--hel",
		/* ip6tables has no --fragments: "--f" is --flush there. */
		"--f",
	};
	size_t i;

	for (i = 0; i < sizeof(abbrev) / sizeof(abbrev[0]); i++) {
		char text[64];

		snprintf(text, sizeof(text), "-s 10.0.0.1 %s X", abbrev[i]);
		rejects(text, abbrev[i]);
	}
	rejects("--jum DROP", "--jum");
	rejects("-p udp --tab filter", "--tab");
	rejects("--app INPUT", "--app");
	rejects("--go X", "--go");
	rejects("--jum=DROP", "--jum=DROP");
	rejects("--tab=nat -p tcp", "--tab=nat");
	rejects("-m comment --comment x --ins", "--ins");
}

Test(rulespec, check_accepts_prefix_neighbours)
{
	/* Match options sharing a prefix with an owned one. */
	accepts("-p tcp -m tcp --dport 53");
	accepts("--destination 192.0.2.1");
	accepts("--dst 192.0.2.1 --src 192.0.2.2 --source 192.0.2.3");
	accepts("-p tcp --tcp-flags SYN,ACK SYN");
	accepts("-p tcp --tcp-option 2");
	accepts("-m policy --dir in --pol ipsec");
	accepts("-m conntrack --ctstate NEW --ctdir ORIGINAL");
	accepts("-m hashlimit --hashlimit-upto 1/s --hashlimit-name x");
	accepts("--in-interface lo --out-interface lo --protocol udp");
	accepts("--fragments");
	accepts("--fr");
	accepts("--line-numbers --verbose --exact --numeric");
	accepts("--set-counters 1 2");
	/* Longer than any owned name: not an abbreviation. */
	accepts("--jumps --tables --gotos --inserted --deleted");
	/* Ambiguous to getopt_long (an owned and another built-in option):
	 * iptables refuses these itself. */
	accepts("--de 192.0.2.1");
	accepts("--i lo");
	accepts("--in lo");
	accepts("--l");
	accepts("--li");
	accepts("--ver");
	accepts("--p udp");
	accepts("--n");
	/* A target option: not ours to judge (iptables refuses it next to
	 * -j TRACE as an unknown option). */
	accepts("--set-mark 1");
	accepts("--=x");
}

Test(rulespec, check_shows_word_safely)
{
	char word[] = "--jump=ACCEPT\001xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
	char *argv[] = { word, NULL };
	char err[160] = "";

	cr_expect_eq(rulespec_check(argv, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "'--jump=ACCEPT?xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'"),
		  "%s", err);
	cr_expect_eq(rulespec_check(NULL, err, sizeof(err)), 0);
	rulespec_free(NULL);
}

static int family_check(const char *text, int family, char *err, size_t errlen)
{
	char **argv = NULL;
	int r;

	cr_assert_geq(rulespec_split(text, &argv, err, errlen), 0, "'%s'", text);
	cr_assert_eq(rulespec_check(argv, err, errlen), 0, "'%s': %s", text, err);
	r = rulespec_check_family(argv, family, err, errlen);
	rulespec_free(argv);
	return r;
}

static void fits(const char *text, int family)
{
	char err[200] = "";

	cr_expect_eq(family_check(text, family, err, sizeof(err)), 0, "'%s' (%d): %s", text,
		     family, err);
}

static void misfits(const char *text, int family, const char *want)
{
	char err[200] = "";

	cr_expect_eq(family_check(text, family, err, sizeof(err)), -EINVAL, "'%s' (%d) fits",
		     text, family);
	cr_expect_str_eq(err, want, "'%s'", text);
}

/* With -4 -6 one RULE goes into iptables and ip6tables: an address of the
 * other family is found before anything is inserted. */
Test(rulespec, check_family)
{
	const char *v4in6 = "-s 192.0.2.53 is an IPv4 address, which an IPv6 rule "
			    "(ip6tables, -6) cannot hold";

	misfits("-s 192.0.2.53", 10, v4in6);
	misfits("-p udp -s 192.0.2.53/32 --sport 53", 10, v4in6);
	misfits("! -s 192.0.2.53", 10, v4in6);
	misfits("-s 2001:db8::1,192.0.2.53/24", 10, v4in6);
	misfits("-s192.0.2.53", 10, v4in6);
	misfits("-vs 192.0.2.53", 10, v4in6);
	misfits("-d 192.0.2.0/255.255.255.0", 10,
		"-d 192.0.2.0 is an IPv4 address, which an IPv6 rule (ip6tables, -6) cannot hold");
	misfits("--src=192.0.2.53", 10,
		"--src 192.0.2.53 is an IPv4 address, which an IPv6 rule (ip6tables, -6) cannot hold");
	misfits("--sour 192.0.2.53", 10,
		"--sour 192.0.2.53 is an IPv4 address, which an IPv6 rule (ip6tables, -6) cannot hold");
	misfits("--destination 192.0.2.53", 10,
		"--destination 192.0.2.53 is an IPv4 address, which an IPv6 rule (ip6tables, -6) "
		"cannot hold");
	misfits("-s 2001:db8::53", 2,
		"-s 2001:db8::53 is an IPv6 address, which an IPv4 rule (iptables, -4) cannot hold");
	misfits("-d ::ffff:192.0.2.1/128", 2,
		"-d ::ffff:192.0.2.1 is an IPv6 address, which an IPv4 rule (iptables, -4) cannot hold");

	fits("-s 192.0.2.53 -d 192.0.2.0/24", 2);
	fits("-s 2001:db8::53/128 -p ipv6-icmp", 10);
	fits("-p udp --sport 53", 2);
	fits("-p udp --sport 53", 10);
	fits("-s dns.example", 10);		/* names: iptables resolves them */
	fits("-m comment --comment 192.0.2.1", 10);
	fits("-m comment --comment -s 192.0.2.1", 10);
	fits("-m iprange --src-range 192.0.2.1-192.0.2.9", 2);
	fits("", 10);
}

/* The tag trace_rules_add() writes, and nothing like it. */
Test(cleanup, tag_pid)
{
	static const char *not_tags[] = {
		"nftrace:", "nftrace:0", "nftrace:0123", "nftrace:-1", "nftrace:+1",
		"nftrace:12a", "nftrace:1 ", "nftrace:keepme", "nftrace:4194305",
		"nftrace:99999999999999999999", "Nftrace:1", "xnftrace:1", "nftrace",
	};
	pid_t pid = 0;

	cr_expect(trace_rules_tag_pid("nftrace:1", &pid));
	cr_expect_eq(pid, 1);
	cr_expect(trace_rules_tag_pid("nftrace:4194304", &pid));
	cr_expect_eq(pid, 4194304);
	for (size_t i = 0; i < sizeof(not_tags) / sizeof(not_tags[0]); i++)
		cr_expect_not(trace_rules_tag_pid(not_tags[i], &pid), "'%s'", not_tags[i]);
}

static enum trace_rule_kind classify(const char *table, const char *line, pid_t *pid)
{
	char **words = NULL, err[128];
	int n = rulespec_split(line, &words, err, sizeof(err));
	enum trace_rule_kind k;

	cr_assert_geq(n, 0, "%s", err);
	k = trace_rules_classify(table, words, n, pid);
	rulespec_free(words);
	return k;
}

Test(cleanup, classify)
{
	pid_t pid = 0;

	cr_expect_eq(classify("raw", "-A PREROUTING -s 192.0.2.53/32 -m comment --comment "
			      "nftrace:4321 -j TRACE", &pid), TRACE_RULE_OURS);
	cr_expect_eq(pid, 4321);
	cr_expect_eq(classify("raw", "-A OUTPUT -p udp -m comment --comment \"nftrace:7\" "
			      "-m limit --limit 10/sec -j TRACE", &pid), TRACE_RULE_OURS);
	cr_expect_eq(pid, 7);
	/* A user's rule: another table, target, chain or tag. */
	cr_expect_eq(classify("filter", "-A INPUT -m comment --comment nftrace:keepme -j ACCEPT",
			      &pid), TRACE_RULE_FOREIGN);
	cr_expect_eq(classify("filter", "-A INPUT -m comment --comment nftrace:12 -j ACCEPT",
			      &pid), TRACE_RULE_FOREIGN);
	cr_expect_eq(classify("raw", "-A PREROUTING -m comment --comment nftrace:12 -j CT "
			      "--notrack", &pid), TRACE_RULE_FOREIGN);
	cr_expect_eq(classify("raw", "-A PREROUTING -m comment --comment nftrace:12 -j ACCEPT",
			      &pid), TRACE_RULE_FOREIGN);
	cr_expect_eq(classify("raw", "-A MYCHAIN -m comment --comment nftrace:12 -j TRACE",
			      &pid), TRACE_RULE_FOREIGN);
	cr_expect_eq(classify("raw", "-A OUTPUT -m comment --comment nftrace:abc -j TRACE",
			      &pid), TRACE_RULE_FOREIGN);
	cr_expect_eq(classify("raw", "-A OUTPUT -m comment --comment nftrace:012 -j TRACE",
			      &pid), TRACE_RULE_FOREIGN);
	cr_expect_eq(classify("raw", "-A OUTPUT -m comment --comment nftrace:12 -m comment "
			      "--comment x -j TRACE", &pid), TRACE_RULE_FOREIGN);
	cr_expect_eq(classify("raw", "-A OUTPUT -m comment --comment \"nftrace:12 x\" -j TRACE",
			      &pid), TRACE_RULE_FOREIGN);
	/* Nothing to do with nftrace. */
	cr_expect_eq(classify("raw", "-A OUTPUT -p icmp -j TRACE", &pid), TRACE_RULE_UNTAGGED);
	cr_expect_eq(classify("raw", "-A OUTPUT -m comment --comment \"see nftrace:12\" -j TRACE",
			      &pid), TRACE_RULE_UNTAGGED);
	cr_expect_eq(classify("filter", "-A INPUT -m comment --comment keep -j ACCEPT", &pid),
		     TRACE_RULE_UNTAGGED);
}

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Any bytes: a word count or -EINVAL, never a crash. */
Test(rulespec, fuzz)
{
	static const char alphabet[] = " \t\n'\"\\$`-jA=xc";
	uint32_t seed = 0xc0ffee;
	char text[64], err[128];
	int round;

	for (round = 0; round < 20000; round++) {
		size_t n = rnd(&seed) % sizeof(text), i;
		char **argv = NULL;
		int r;

		for (i = 0; i < n; i++) {
			char c = round & 1 ? alphabet[rnd(&seed) % (sizeof(alphabet) - 1)]
					   : (char)(rnd(&seed) % 255 + 1);
			text[i] = c;
		}
		text[n] = '\0';
		r = rulespec_split(text, &argv, err, sizeof(err));
		cr_assert(r >= 0 || r == -EINVAL, "%d", r);
		if (r >= 0) {
			r = rulespec_check(argv, err, sizeof(err));
			cr_assert(r == 0 || r == -EINVAL);
			rulespec_free(argv);
		}
	}
}
