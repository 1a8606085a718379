/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rulespec.c - RULE text -> argv, and the check that it holds match
 * options only.
 *
 * Splitting follows the token rules of POSIX.1-2017 XCU 2.2 (quoting) and
 * 2.3 (token recognition) for words only: blanks and newlines separate,
 * operators (; | & < > ( )), '#', '$', '`', '~' and globs are ordinary
 * characters, nothing is expanded.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "rulespec.h"

#define RULESPEC_MAX (1u << 20) /* longer RULE text is refused */
#define SHOW_MAX 60


void rulespec_free(char **argv)
{
	char **a;

	if (!argv)
		return;
	for (a = argv; *a; a++)
		free(*a);
	free(argv);
}

static bool is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Append word (len bytes at w) to the NULL-terminated *argv of *n words. */
static int push_word(char ***argv, size_t *n, const char *w, size_t len)
{
	char **a = realloc(*argv, (*n + 2) * sizeof(*a));
	char *s;

	if (!a)
		return -ENOMEM;
	*argv = a;
	s = malloc(len + 1);
	if (!s)
		return -ENOMEM;
	memcpy(s, w, len);
	s[len] = '\0';
	a[(*n)++] = s;
	a[*n] = NULL;
	return 0;
}

int rulespec_split(const char *text, char ***argv, char *err, size_t errlen)
{
	size_t len, i = 0, n = 0, wl = 0;
	char **out = NULL, *word;
	bool in_word = false;
	int ret = 0;

	if (!text || !argv) {
		errbuf_set(err, errlen, "no RULE text");
		return -EINVAL;
	}
	len = strlen(text);
	if (len > RULESPEC_MAX) {
		errbuf_set(err, errlen, "RULE text longer than %u bytes", RULESPEC_MAX);
		return -EINVAL;
	}
	/* A word is never longer than the text it comes from. */
	word = malloc(len + 1);
	out = calloc(1, sizeof(*out));
	if (!word || !out) {
		ret = -ENOMEM;
		goto out;
	}

	while (i < len) {
		char c = text[i];

		if (is_sep(c)) {
			if (in_word) {
				ret = push_word(&out, &n, word, wl);
				if (ret < 0)
					goto out;
				in_word = false;
				wl = 0;
			}
			i++;
		} else if (c == '\'') {
			/* XCU 2.2.2: everything up to the next ' is literal. */
			const char *close = memchr(text + i + 1, '\'', len - i - 1);
			size_t k;

			if (!close) {
				errbuf_set(err, errlen,
				       "RULE: unterminated single quote at offset %zu", i);
				ret = -EINVAL;
				goto out;
			}
			k = (size_t)(close - (text + i + 1));
			memcpy(word + wl, text + i + 1, k);
			wl += k;
			in_word = true;
			i += k + 2;
		} else if (c == '"') {
			/* XCU 2.2.3: backslash keeps its meaning only before
			 * $ ` " \ and newline; we expand nothing. */
			size_t open = i++;

			in_word = true;
			for (;;) {
				if (i >= len) {
					errbuf_set(err, errlen,
					       "RULE: unterminated double quote at offset %zu",
					       open);
					ret = -EINVAL;
					goto out;
				}
				c = text[i];
				if (c == '"') {
					i++;
					break;
				}
				if (c == '\\' && i + 1 < len &&
				    strchr("$`\"\\\n", text[i + 1])) {
					if (text[i + 1] != '\n')
						word[wl++] = text[i + 1];
					i += 2;
					continue;
				}
				word[wl++] = c;
				i++;
			}
		} else if (c == '\\') {
			/* XCU 2.2.1: escapes the next character; a
			 * backslash-newline is removed entirely. */
			if (i + 1 >= len) {
				errbuf_set(err, errlen,
				       "RULE: trailing backslash at offset %zu", i);
				ret = -EINVAL;
				goto out;
			}
			if (text[i + 1] != '\n') {
				word[wl++] = text[i + 1];
				in_word = true;
			}
			i += 2;
		} else {
			word[wl++] = c;
			in_word = true;
			i++;
		}
	}
	if (in_word)
		ret = push_word(&out, &n, word, wl);
out:
	free(word);
	if (ret < 0) {
		rulespec_free(out);
		return ret;
	}
	*argv = out;
	return (int)n;
}

/* ---- the check ------------------------------------------------------ */

/*
 * Options the tool owns: commands, the table and the target.  The long
 * names are those of iptables' and ip6tables' option tables (iptables.c,
 * ip6tables.c, xtables.c: original_opts, iptables 1.8), which iptables
 * reads with getopt_long: any unambiguous abbreviation ("--jum", "--tab",
 * "--ins") is the option itself, so abbreviations are owned too
 * (check_long()).
 */
static const struct owned {
	char short_opt;
	const char *long_opt;
} owned[] = {
	{ 'j', "--jump" },	 { 'g', "--goto" },	   { 't', "--table" },
	{ 'A', "--append" },	 { 'I', "--insert" },	   { 'D', "--delete" },
	{ 'R', "--replace" },	 { 'N', "--new-chain" },   { 'X', "--delete-chain" },
	{ 'F', "--flush" },	 { 'Z', "--zero" },	   { 'P', "--policy" },
	{ 'L', "--list" },	 { 'S', "--list-rules" },  { 'E', "--rename-chain" },
	/* Also commands: iptables would check, print or exit without
	 * inserting the TRACE rule. */
	{ 'C', "--check" },	 { 'V', "--version" },	   { 'h', "--help" },
};

/*
 * The other long options of iptables' own table.  A word that abbreviates
 * one of these as well as an owned option ("--de": --delete,
 * --delete-chain, --destination) is ambiguous to getopt_long, which
 * iptables refuses itself.  Not "--fragments": ip6tables lacks it and
 * reads "--f" as --flush.
 */
static const char *const builtin_long[] = {
	"--source", "--destination", "--src", "--dst", "--protocol",
	"--in-interface", "--out-interface", "--match", "--numeric",
	"--verbose", "--wait", "--wait-interval", "--exact", "--line-numbers",
	"--modprobe", "--set-counters", "--ipv4", "--ipv6",
};

/*
 * Match options that are themselves a prefix of an owned option: once
 * the match is loaded, getopt_long takes the exact name over any
 * abbreviation ("-m policy --pol ipsec" is not --policy).
 */
static const char *const match_exact[] = { "--pol" };

/*
 * iptables' short options (xshared.h IPT_OPTSTRING, iptables 1.8): which
 * take an argument.  In a word "-vpudp" getopt reads -v, then -p with
 * the argument "udp"; in "-vj" it reads -v and -j.
 */
static const char short_flags[] = "46bfnvx";	    /* no argument */
static const char short_optarg[] = "FLSXZhwW";	    /* optional, attached only */
static const char short_arg[] = "ACDEIMNPRcdgijmopst"; /* required */

/*
 * Options whose value is the next word, so that a value such as
 * "-m comment --comment -j" is not taken for an option.  The built-in
 * ones and the free-text values of common matches; an option missing
 * here only makes the check stricter, never looser.
 */
static const struct value_opt {
	const char *name;
	int nvalues;
} value_opts[] = {
	{ "--protocol", 1 },	 { "--source", 1 },	   { "--src", 1 },
	{ "--destination", 1 },	 { "--dst", 1 },	   { "--in-interface", 1 },
	{ "--out-interface", 1 }, { "--match", 1 },	   { "--modprobe", 1 },
	{ "--set-counters", 2 }, { "--comment", 1 },	   { "--string", 1 },
	{ "--hex-string", 1 },	 { "--algo", 1 },	   { "--from", 1 },
	{ "--to", 1 },		 { "--name", 1 },	   { "--hashlimit-name", 1 },
	{ "--physdev-in", 1 },	 { "--physdev-out", 1 },   { "--u32", 1 },
	{ "--bytecode", 1 },	 { "--uid-owner", 1 },	   { "--gid-owner", 1 },
	{ "--match-set", 2 },
};

static void show_word(char buf[SHOW_MAX + 4], const char *w)
{
	size_t i;

	for (i = 0; w[i] && i < SHOW_MAX; i++)
		buf[i] = (unsigned char)w[i] < 0x20 || w[i] == 0x7f ? '?' : w[i];
	if (w[i])
		memcpy(buf + i, "...", 3), i += 3;
	buf[i] = '\0';
}

static int reject(const char *w, char *err, size_t errlen)
{
	char buf[SHOW_MAX + 4];

	show_word(buf, w);
	errbuf_set(err, errlen,
	       "RULE may hold match options only: '%s' is set by nftrace-capture",
	       buf);
	return -EINVAL;
}

/* "--name" or "--name=value": is it exactly the option opt? */
static bool long_is(const char *w, const char *opt)
{
	size_t n = strlen(opt);

	return strncmp(w, opt, n) == 0 && (w[n] == '\0' || w[n] == '=');
}

/* Is "--" plus the len bytes at name a prefix of (or all of) opt? */
static bool abbreviates(const char *name, size_t len, const char *opt)
{
	return strlen(opt + 2) >= len && strncmp(name, opt + 2, len) == 0;
}

/*
 * Would getopt_long, given iptables' option table, read the word as an
 * owned option?  The exact name; else an abbreviation of owned options
 * that abbreviates none of iptables' other options ("--jum", "--del":
 * --delete or --delete-chain, both owned).  An exact match option name
 * ("--pol") wins over the abbreviation.
 */
static bool long_owned(const char *w)
{
	const char *name = w + 2;
	size_t len = strcspn(name, "="), i;
	bool hit = false;

	if (len == 0)
		return false;
	for (i = 0; i < sizeof(owned) / sizeof(owned[0]); i++) {
		if (long_is(w, owned[i].long_opt))
			return true;
		hit |= abbreviates(name, len, owned[i].long_opt);
	}
	if (!hit)
		return false;
	for (i = 0; i < sizeof(match_exact) / sizeof(match_exact[0]); i++)
		if (strlen(match_exact[i] + 2) == len && abbreviates(name, len, match_exact[i]))
			return false;
	for (i = 0; i < sizeof(builtin_long) / sizeof(builtin_long[0]); i++)
		if (abbreviates(name, len, builtin_long[i]))
			return false;
	return true;
}

/*
 * One word starting with "--": 0 if fine (*skip = value words that
 * follow), -EINVAL if owned.
 */
static int check_long(const char *w, int *skip)
{
	size_t i;

	if (long_owned(w))
		return -EINVAL;
	if (strchr(w, '='))
		return 0;
	for (i = 0; i < sizeof(value_opts) / sizeof(value_opts[0]); i++)
		if (strcmp(w, value_opts[i].name) == 0) {
			*skip = value_opts[i].nvalues;
			break;
		}
	return 0;
}

/* One word "-xyz", read as getopt reads a cluster of short options. */
static int check_short(const char *w, int *skip)
{
	size_t i, k;

	for (i = 1; w[i]; i++) {
		char c = w[i];

		for (k = 0; k < sizeof(owned) / sizeof(owned[0]); k++)
			if (owned[k].short_opt == c)
				return -EINVAL;
		if (strchr(short_flags, c))
			continue;
		if (strchr(short_optarg, c))
			break;
		if (strchr(short_arg, c)) {
			/* The argument is the rest of the word, else the
			 * next word; -c takes one more (the byte count). */
			*skip = (w[i + 1] ? 0 : 1) + (c == 'c');
		}
		/* An optional argument, or a letter iptables does not know
		 * (it will refuse it): the rest of the word is not options. */
		break;
	}
	return 0;
}

int rulespec_check(char *const *argv, char *err, size_t errlen)
{
	size_t i;
	int skip = 0;

	if (!argv)
		return 0;
	for (i = 0; argv[i]; i++) {
		const char *w = argv[i];
		int ret;

		if (skip) {
			skip--;
			continue;
		}
		if (w[0] != '-' || w[1] == '\0')
			continue;
		if (w[1] == '-')
			ret = w[2] ? check_long(w, &skip) : 0;
		else
			ret = check_short(w, &skip);
		if (ret < 0)
			return reject(w, err, errlen);
	}
	return 0;
}

/* ---- the family check ------------------------------------------------ */

/* "--source", "--src", "--destination", "--dst" or an abbreviation only
 * of them ("--sour", "--ds"), with or without "=value". */
static bool long_is_addr(const char *w)
{
	static const struct { const char *name; size_t min; } addr[] = {
		{ "source", 2 }, { "src", 2 }, { "destination", 3 }, { "dst", 2 },
	};
	const char *name = w + 2;
	size_t len = strcspn(name, "=");

	for (size_t i = 0; i < sizeof(addr) / sizeof(addr[0]); i++)
		if (len >= addr[i].min && len <= strlen(addr[i].name) &&
		    !strncmp(name, addr[i].name, len))
			return true;
	return false;
}

/*
 * The value of -s/-d: "ADDR[/MASK][,ADDR[/MASK]...]".  An address
 * literal of the other family: -EINVAL, err naming it.  Names are for
 * iptables to resolve.
 */
static int check_addrs(const char *opt, const char *val, int family, char *err, size_t errlen)
{
	const char *p = val;
	char oshow[SHOW_MAX + 4];

	while (*p == '!')
		p++;
	while (*p) {
		size_t n = strcspn(p, ",");
		size_t a = strcspn(p, ",/");
		char addr[INET6_ADDRSTRLEN + 8], buf[16], show[SHOW_MAX + 4];
		int other = family == 10 ? AF_INET : AF_INET6;

		if (a < sizeof(addr)) {
			memcpy(addr, p, a);
			addr[a] = '\0';
			if (inet_pton(other, addr, buf) == 1) {
				show_word(show, addr);
				show_word(oshow, opt);
				errbuf_set(err, errlen,
					   "%s %s is an %s address, which an %s rule (%s) cannot hold",
					   oshow, show, family == 10 ? "IPv4" : "IPv6",
					   family == 10 ? "IPv6" : "IPv4",
					   family == 10 ? "ip6tables, -6" : "iptables, -4");
				return -EINVAL;
			}
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

int rulespec_check_family(char *const *argv, int family, char *err, size_t errlen)
{
	int skip = 0;

	if (!argv)
		return 0;
	for (size_t i = 0; argv[i]; i++) {
		const char *w = argv[i], *val = NULL;
		char opt[SHOW_MAX + 4] = "";
		bool next = false;

		if (skip) {
			skip--;
			continue;
		}
		if (w[0] != '-' || w[1] == '\0' || (w[1] == '-' && w[2] == '\0'))
			continue;
		if (w[1] == '-') {
			check_long(w, &skip);
			if (long_is_addr(w)) {
				const char *eq = strchr(w, '=');

				snprintf(opt, sizeof(opt), "%.*s", (int)strcspn(w, "="), w);
				if (eq)
					val = eq + 1;
				else
					next = true;
			}
		} else {
			for (size_t k = 1; w[k]; k++) {
				if (strchr(short_flags, w[k]))
					continue;
				if (w[k] == 's' || w[k] == 'd') {
					snprintf(opt, sizeof(opt), "-%c", w[k]);
					if (w[k + 1])
						val = w + k + 1;
					else
						next = true;
				}
				break;
			}
			check_short(w, &skip);
		}
		if (next && argv[i + 1]) {
			val = argv[i + 1];
			skip = skip > 1 ? skip : 1;
		}
		if (val && check_addrs(opt, val, family, err, errlen) < 0)
			return -EINVAL;
	}
	return 0;
}
