/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rulespec.h - the RULE text of -p/-o: split like a POSIX shell splits
 * words (single quotes, double quotes, backslashes; no expansion of any
 * kind, never run through a shell), then checked to hold match options
 * only: the tool owns the table, chain, position and target.
 */
#ifndef NFTRACE_RULESPEC_H
#define NFTRACE_RULESPEC_H

#include <stddef.h>

/*
 * Split text into a NULL-terminated malloc'd argv (free with
 * rulespec_free).  Returns the word count, or -EINVAL for an unterminated
 * quote or a trailing backslash (err says which, with the offset), or
 * -ENOMEM.
 */
int rulespec_split(const char *text, char ***argv, char *err, size_t errlen);

/*
 * Reject words the tool owns: -j/--jump, -g/--goto, -t/--table,
 * -A/--append, -I/--insert, -D/--delete, -R/--replace, -N, -X, -F, -Z, -P,
 * -L, -S, -E and their long forms, and -C/--check, -V/--version,
 * -h/--help (iptables would not insert the rule).  Exact words, also as
 * "--jump=X" and in short-option clusters ("-jX", "-vj"), and every
 * abbreviation of a long form that iptables' getopt_long would take for
 * it ("--jum", "--tab=nat", "--ins", "--del"); the values of options
 * known to take one ("--comment -j") are skipped.  Returns 0 or -EINVAL
 * with err naming the word.
 */
int rulespec_check(char *const *argv, char *err, size_t errlen);

/*
 * For a RULE that passed rulespec_check(): can it go into the rules of
 * family (2 AF_INET: iptables, 10 AF_INET6: ip6tables)?  An address
 * literal of the other family as the value of -s/-d (and their long
 * forms, in lists and with a mask) cannot.  Returns 0, or -EINVAL with
 * err naming the option and address.  Names are left to iptables.
 */
int rulespec_check_family(char *const *argv, int family, char *err, size_t errlen);

void rulespec_free(char **argv); /* NULL-safe */

#endif
