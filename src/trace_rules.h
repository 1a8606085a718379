/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * trace_rules.h - build, install and remove the TRACE rules of a capture.
 *
 * The system's own iptables does the work, run by fork/exec with an argv
 * (runcmd), never through a shell.  Every rule carries
 * "-m comment --comment nftrace:<pid>" so `iptables -S` shows where it came
 * from and --cleanup can find rules of killed runs (and keep those of
 * runs still going).  The caller holds the
 * xtables lock around install and remove; the tools are pointed at a
 * private lock file (XTABLES_LOCKFILE) so they do not wait for ours.
 */
#ifndef NFTRACE_TRACE_RULES_H
#define NFTRACE_TRACE_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum trace_backend {
	TRACE_BACKEND_LEGACY = 0,	/* iptables-legacy: TRACE -> nfnetlink_log */
	TRACE_BACKEND_NFT = 1,		/* iptables-nft: TRACE -> meta nftrace set 1 */
};

/* "iptables-legacy", "ip6tables-legacy", "iptables-nft", "ip6tables-nft" */
const char *trace_rules_tool(uint8_t family, enum trace_backend backend);
/* The matching -save tool. */
const char *trace_rules_save_tool(uint8_t family, enum trace_backend backend);

struct trace_rule {
	uint8_t family;
	enum trace_backend backend;
	char **ins;	/* argv: tool -t raw -I CHAIN <match> -m comment ... -j TRACE */
	char **del;	/* the same with -D */
	char *chain;
	bool installed;
	/* iptables-nft creates the table and chain a rule needs; nftrace
	 * deletes what it created (trace_rules_probe() finds out). */
	bool made_table, made_chain;
};

struct trace_rules {
	struct trace_rule *v;
	size_t n;
	char *lockenv;	/* "XTABLES_LOCKFILE=<private file>" for the tools */
};

/* Log callback: main owns the wording and the timestamp. */
typedef void (*trace_rules_log_fn)(void *arg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Add a rule for family and chain ("PREROUTING" or "OUTPUT") with the
 * split, checked match words in match (not taken over), tag
 * "nftrace:<tag>", and, if limit is not NULL, "-m limit --limit <limit>".
 * Returns 0 or -ENOMEM.
 */
int trace_rules_add(struct trace_rules *tr, uint8_t family, enum trace_backend backend,
		    const char *chain, char *const *match, unsigned long tag,
		    const char *limit);

/*
 * For iptables-nft rules: find out which raw tables and chains do not
 * exist yet and so will be created by the inserts, to be deleted again by
 * trace_rules_remove() when they are empty.  Call before install (and
 * before forking a guardian, which inherits the answer).  0 or -errno.
 */
int trace_rules_probe(struct trace_rules *tr);

/* The private lock file the tools use (created by the caller). */
int trace_rules_set_lockfile(struct trace_rules *tr, const char *path);

/*
 * Insert every rule.  All or nothing: when the tool rejects one (exit
 * status non-zero), the ones already inserted are removed again and
 * -EINVAL is returned with the tool's message in err; -errno when a tool
 * cannot be run at all.
 */
int trace_rules_install(struct trace_rules *tr, trace_rules_log_fn log, void *arg,
			char *err, size_t errlen);

/* Remove the installed rules (each tried even when one fails), then the
 * empty tables and chains the inserts created. 0 or the first error, with
 * err set. */
int trace_rules_remove(struct trace_rules *tr, trace_rules_log_fn log, void *arg,
		       char *err, size_t errlen);

/* Is comment a capture's tag, "nftrace:" and a pid in decimal as
 * trace_rules_add() writes it (no sign, no leading zero)?  Sets *pid. */
bool trace_rules_tag_pid(const char *comment, pid_t *pid);

enum trace_rule_kind {
	TRACE_RULE_UNTAGGED,	/* no comment starting "nftrace:" */
	TRACE_RULE_FOREIGN,	/* such a comment, but not a rule nftrace-capture writes */
	TRACE_RULE_OURS,	/* -A PREROUTING|OUTPUT ... --comment nftrace:<pid> ... -j TRACE
				 * in table raw: *pid set */
};

/* One "-A CHAIN ..." line of -save output of table, split into nw words. */
enum trace_rule_kind trace_rules_classify(const char *table, char *const *words, int nw,
					  pid_t *pid);

/*
 * --cleanup: remove the rules of captures that are no longer running
 * (TRACE_RULE_OURS whose pid no process has) from the given family and
 * backend, as the -save output shows them.  Other rules with an
 * "nftrace:" comment stay, each logged as "Keeping rule: ... (why)" and
 * counted in *kept.  For iptables-nft, the raw chain a dead capture's rule
 * came with (the chain's nft handle is the rule's minus one), once empty,
 * is deleted, and the raw table with it when it was the table's first
 * chain and no chain is left.  Returns the number of rules removed, or
 * -errno with err set.
 */
int trace_rules_cleanup(uint8_t family, enum trace_backend backend, const char *lockenv,
			trace_rules_log_fn log, void *arg, int *kept, char *err, size_t errlen);

/* argv from index 1 on, joined by spaces, words with blanks or quotes
 * quoted: what the log lines show.  malloc'd. */
char *trace_rules_format(char *const *argv);

void trace_rules_free(struct trace_rules *tr); /* frees argvs; not the kernel rules */

#endif
