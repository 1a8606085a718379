/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runcmd.h"
#include "rulespec.h"
#include "trace_rules.h"

#define SAVE_MAX (256u << 20) /* an iptables-save larger than this is refused */
#define PID_MAX_LIMIT (4 * 1024 * 1024) /* the kernel's, <linux/threads.h>: no pid is larger */

const char *trace_rules_tool(uint8_t family, enum trace_backend backend)
{
	if (family == 10)
		return backend == TRACE_BACKEND_NFT ? "ip6tables-nft" : "ip6tables-legacy";
	return backend == TRACE_BACKEND_NFT ? "iptables-nft" : "iptables-legacy";
}

const char *trace_rules_save_tool(uint8_t family, enum trace_backend backend)
{
	if (family == 10)
		return backend == TRACE_BACKEND_NFT ? "ip6tables-nft-save" : "ip6tables-legacy-save";
	return backend == TRACE_BACKEND_NFT ? "iptables-nft-save" : "iptables-legacy-save";
}

static void argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

/* A growable NULL-terminated argv. */
struct argv_buf {
	char **v;
	size_t n, cap;
	int err;
};

static void ab_push(struct argv_buf *ab, const char *s)
{
	char *d;

	if (ab->err)
		return;
	if (ab->n + 2 > ab->cap) {
		size_t ncap = ab->cap ? ab->cap * 2 : 16;
		char **nv = realloc(ab->v, ncap * sizeof(*nv));

		if (!nv) {
			ab->err = -ENOMEM;
			return;
		}
		ab->v = nv;
		ab->cap = ncap;
	}
	d = strdup(s);
	if (!d) {
		ab->err = -ENOMEM;
		return;
	}
	ab->v[ab->n++] = d;
	ab->v[ab->n] = NULL;
}

static char **rule_argv(uint8_t family, enum trace_backend backend, const char *op,
			const char *chain, char *const *match, const char *tag,
			const char *limit)
{
	struct argv_buf ab = { 0 };

	ab_push(&ab, trace_rules_tool(family, backend));
	ab_push(&ab, "-t");
	ab_push(&ab, "raw");
	ab_push(&ab, op);
	ab_push(&ab, chain);
	for (char *const *m = match; m && *m; m++)
		ab_push(&ab, *m);
	ab_push(&ab, "-m");
	ab_push(&ab, "comment");
	ab_push(&ab, "--comment");
	ab_push(&ab, tag);
	if (limit) {
		ab_push(&ab, "-m");
		ab_push(&ab, "limit");
		ab_push(&ab, "--limit");
		ab_push(&ab, limit);
	}
	ab_push(&ab, "-j");
	ab_push(&ab, "TRACE");
	if (ab.err) {
		argv_free(ab.v);
		return NULL;
	}
	return ab.v;
}

int trace_rules_add(struct trace_rules *tr, uint8_t family, enum trace_backend backend,
		    const char *chain, char *const *match, unsigned long tag,
		    const char *limit)
{
	struct trace_rule *nv, *r;
	char tagbuf[32];

	snprintf(tagbuf, sizeof(tagbuf), "nftrace:%lu", tag);
	nv = realloc(tr->v, (tr->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	tr->v = nv;
	r = &tr->v[tr->n];
	memset(r, 0, sizeof(*r));
	r->family = family;
	r->backend = backend;
	r->chain = strdup(chain);
	r->ins = rule_argv(family, backend, "-I", chain, match, tagbuf, limit);
	r->del = rule_argv(family, backend, "-D", chain, match, tagbuf, limit);
	if (!r->ins || !r->del || !r->chain) {
		argv_free(r->ins);
		argv_free(r->del);
		free(r->chain);
		return -ENOMEM;
	}
	tr->n++;
	return 0;
}

int trace_rules_set_lockfile(struct trace_rules *tr, const char *path)
{
	free(tr->lockenv);
	if (asprintf(&tr->lockenv, "XTABLES_LOCKFILE=%s", path) < 0) {
		tr->lockenv = NULL;
		return -ENOMEM;
	}
	return 0;
}

char *trace_rules_format(char *const *argv)
{
	size_t len = 1;
	char *s, *p;

	for (char *const *a = argv + 1; *a; a++)
		len += 2 * strlen(*a) + 3;
	s = malloc(len);
	if (!s)
		return NULL;
	p = s;
	for (char *const *a = argv + 1; *a; a++) {
		bool quote = **a == '\0' || strpbrk(*a, " \t\"'\\$`") != NULL;

		if (a != argv + 1)
			*p++ = ' ';
		if (quote)
			*p++ = '"';
		for (const char *c = *a; *c; c++) {
			if (quote && (*c == '"' || *c == '\\' || *c == '$' || *c == '`'))
				*p++ = '\\';
			*p++ = *c;
		}
		if (quote)
			*p++ = '"';
	}
	*p = '\0';
	return s;
}

/* Run one iptables command; 0, -EINVAL (tool said no: err has its words) or -errno. */
static int run_tool(char *const *argv, const char *lockenv, char *err, size_t errlen)
{
	struct runcmd_result res;
	int r = runcmd(argv, lockenv, 1u << 20, &res);

	if (r < 0) {
		snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(-r));
		return r;
	}
	if (res.status != 0) {
		size_t n = strlen(res.err);

		while (n && (res.err[n - 1] == '\n' || res.err[n - 1] == ' '))
			res.err[--n] = '\0';
		snprintf(err, errlen, "%s failed (exit status %d): %s", argv[0], res.status,
			 n ? res.err : "no message");
		runcmd_result_free(&res);
		return -EINVAL;
	}
	runcmd_result_free(&res);
	return 0;
}

static const char *nft_family(uint8_t family)
{
	return family == 10 ? "ip6" : "ip";
}

/* Does `nft list table|chain ...` succeed?  1 yes, 0 no, -errno. */
static int nft_exists(uint8_t family, const char *chain, const char *lockenv, char **out)
{
	char *argv[] = { (char *)"nft", (char *)"list", chain ? (char *)"chain" : (char *)"table",
			 (char *)nft_family(family), (char *)"raw", (char *)chain, NULL };
	struct runcmd_result res;
	int r = runcmd(argv, lockenv, 64u << 20, &res);

	if (r < 0)
		return r;
	if (out && res.status == 0) {
		*out = res.out;
		res.out = NULL;
	}
	runcmd_result_free(&res);
	return res.status == 0;
}

int trace_rules_probe(struct trace_rules *tr)
{
	for (size_t i = 0; i < tr->n; i++) {
		struct trace_rule *r = &tr->v[i];
		bool table_planned = false, chain_planned = false;
		int t, c;

		if (r->backend != TRACE_BACKEND_NFT)
			continue;
		/* An earlier rule of the same family may create them first. */
		for (size_t j = 0; j < i; j++) {
			const struct trace_rule *q = &tr->v[j];

			if (q->backend != TRACE_BACKEND_NFT || q->family != r->family)
				continue;
			table_planned |= q->made_table;
			chain_planned |= q->made_chain && !strcmp(q->chain, r->chain);
		}
		t = nft_exists(r->family, NULL, tr->lockenv, NULL);
		if (t < 0)
			return t;
		c = t ? nft_exists(r->family, r->chain, tr->lockenv, NULL) : 0;
		if (c < 0)
			return c;
		r->made_table = !t && !table_planned;
		r->made_chain = !c && !chain_planned;
	}
	return 0;
}

static void log_rule(trace_rules_log_fn log, void *arg, const char *what, char *const *argv)
{
	char *s;

	if (!log)
		return;
	s = trace_rules_format(argv);
	log(arg, "%s: %s", what, s ? s : argv[0]);
	free(s);
}

int trace_rules_install(struct trace_rules *tr, trace_rules_log_fn log, void *arg,
			char *err, size_t errlen)
{
	for (size_t i = 0; i < tr->n; i++) {
		struct trace_rule *r = &tr->v[i];
		int ret;

		log_rule(log, arg, "Adding rule", r->ins);
		ret = run_tool(r->ins, tr->lockenv, err, errlen);
		if (ret < 0) {
			char ignored[256], *e = strdup(err);

			/* Which of the rules: with -4 -6 one RULE makes two. */
			snprintf(err, errlen, "the %s rule for raw %s was not inserted: %s",
				 r->family == 10 ? "IPv6" : "IPv4", r->chain, e ? e : "");
			free(e);

			trace_rules_remove(tr, log, arg, ignored, sizeof(ignored));
			return ret;
		}
		r->installed = true;
	}
	return 0;
}

int trace_rules_remove(struct trace_rules *tr, trace_rules_log_fn log, void *arg,
		       char *err, size_t errlen)
{
	int first = 0;

	/* In reverse: the last inserted goes first, as a stack unwinds. */
	for (size_t i = tr->n; i-- > 0;) {
		struct trace_rule *r = &tr->v[i];
		char e[512];
		int ret;

		if (!r->installed)
			continue;
		log_rule(log, arg, "Removing rule", r->del);
		ret = run_tool(r->del, tr->lockenv, e, sizeof(e));
		if (ret < 0 && !first) {
			first = ret;
			snprintf(err, errlen, "%s", e);
		}
		if (ret == 0)
			r->installed = false;
	}
	/* What iptables-nft created for us goes too, once it is empty:
	 * `nft delete chain` refuses a chain that still has rules, and a table
	 * is deleted only when it has no chain left. */
	for (size_t i = tr->n; i-- > 0;) {
		struct trace_rule *r = &tr->v[i];
		char e[512];
		int ret = 0;

		if (r->backend != TRACE_BACKEND_NFT || r->installed)
			continue;
		if (r->made_chain) {
			char *argv[] = { (char *)"nft", (char *)"delete", (char *)"chain", (char *)nft_family(r->family),
					 (char *)"raw", r->chain, NULL };

			if (nft_exists(r->family, r->chain, tr->lockenv, NULL) == 1) {
				log_rule(log, arg, "Removing chain", argv);
				ret = run_tool(argv, tr->lockenv, e, sizeof(e));
			}
			if (ret == 0)
				r->made_chain = false;
		}
		if (r->made_table && ret == 0) {
			char *argv[] = { (char *)"nft", (char *)"delete", (char *)"table", (char *)nft_family(r->family),
					 (char *)"raw", NULL };
			char *listing = NULL;

			if (nft_exists(r->family, NULL, tr->lockenv, &listing) == 1 && listing &&
			    !strstr(listing, "\tchain ")) {
				log_rule(log, arg, "Removing table", argv);
				ret = run_tool(argv, tr->lockenv, e, sizeof(e));
			}
			free(listing);
			if (ret == 0)
				r->made_table = false;
		}
		if (ret < 0 && !first) {
			first = ret;
			snprintf(err, errlen, "%s", e);
		}
	}
	return first;
}

bool trace_rules_tag_pid(const char *comment, pid_t *pid)
{
	const char *p = comment + 8;
	long v = 0;

	/* "%lu" of getpid(): no sign, no leading zero, no 0. */
	if (strncmp(comment, "nftrace:", 8) != 0 || *p < '1' || *p > '9')
		return false;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
		if (v > PID_MAX_LIMIT)
			return false;
	}
	*pid = (pid_t)v;
	return true;
}

enum trace_rule_kind trace_rules_classify(const char *table, char *const *words, int nw,
					  pid_t *pid)
{
	const char *comment = NULL;
	int ncomments = 0;

	for (int i = 0; i + 1 < nw; i++)
		if (!strcmp(words[i], "--comment")) {
			ncomments++;
			if (!strncmp(words[i + 1], "nftrace:", 8))
				comment = words[i + 1];
		}
	if (!comment)
		return TRACE_RULE_UNTAGGED;
	/* Exactly what trace_rules_add() writes: raw PREROUTING or OUTPUT,
	 * one comment, the tag, TRACE as the target and nothing after it. */
	if (strcmp(table, "raw") != 0 || nw < 4 || strcmp(words[0], "-A") != 0 ||
	    (strcmp(words[1], "PREROUTING") != 0 && strcmp(words[1], "OUTPUT") != 0) ||
	    ncomments != 1 || strcmp(words[nw - 2], "-j") != 0 ||
	    strcmp(words[nw - 1], "TRACE") != 0 || !trace_rules_tag_pid(comment, pid))
		return TRACE_RULE_FOREIGN;
	return TRACE_RULE_OURS;
}

/* Is the capture with this pid still running?  EPERM: it is, as
 * another user's. */
static bool pid_alive(pid_t pid)
{
	return kill(pid, 0) == 0 || errno == EPERM;
}

/* Why a tagged rule stays: a line for the log. */
static void why_kept(enum trace_rule_kind kind, pid_t pid, char *buf, size_t len)
{
	char path[64], comm[64] = "";
	FILE *f;

	if (kind == TRACE_RULE_FOREIGN) {
		snprintf(buf, len, "not a TRACE rule nftrace-capture writes");
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	snprintf(buf, len, "its capture, pid %d%s%s%s, is still running", (int)pid,
		 *comm ? " (" : "", comm, *comm ? ")" : "");
}

/* What `nft -a list chain` says about a chain. */
struct nft_chain_info {
	unsigned long handle;
	bool accept;		/* policy accept */
	unsigned long *rules;	/* rule handles in order */
	size_t nrules;
};

/* 1 and info, 0 when the chain does not exist, or -errno. */
static int nft_chain_info(uint8_t family, const char *chain, const char *lockenv,
			  struct nft_chain_info *ci)
{
	char *argv[] = { (char *)"nft", (char *)"-a", (char *)"list", (char *)"chain",
			 (char *)nft_family(family), (char *)"raw", (char *)chain, NULL };
	struct runcmd_result res;
	char *line, *next;
	int r = runcmd(argv, lockenv, 64u << 20, &res);

	memset(ci, 0, sizeof(*ci));
	if (r < 0)
		return r;
	if (res.status != 0) {
		runcmd_result_free(&res);
		return 0;
	}
	for (line = res.out; line && *line; line = next) {
		const char *h, *t = line + strspn(line, " \t");

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strstr(t, "policy accept;"))
			ci->accept = true;
		h = strstr(t, "# handle ");
		if (!h || !strncmp(t, "table ", 6))
			continue;
		if (!strncmp(t, "chain ", 6)) {
			ci->handle = strtoul(h + 9, NULL, 10);
		} else {
			unsigned long *nv = realloc(ci->rules, (ci->nrules + 1) * sizeof(*nv));

			if (!nv) {
				runcmd_result_free(&res);
				free(ci->rules);
				ci->rules = NULL;
				return -ENOMEM;
			}
			ci->rules = nv;
			ci->rules[ci->nrules++] = strtoul(h + 9, NULL, 10);
		}
	}
	runcmd_result_free(&res);
	return 1;
}

/* A rule of a dead capture, to be removed. */
struct dead_rule {
	char **argv;		/* tool -t raw -D CHAIN ... */
	int chain;		/* 0 PREROUTING, 1 OUTPUT */
	size_t pos;		/* 1-based position in its chain */
};

static const char *const raw_chains[2] = { "PREROUTING", "OUTPUT" };

/*
 * iptables-nft created the raw chain (and the table) a capture's first
 * rule went into in the same transaction as the rule: the chain's handle
 * is the rule's minus one, and a table's first chain has handle 1.  Such a
 * chain, left empty with policy accept once the dead rules are gone, is
 * deleted, and the table with it when no chain is left, as the capture
 * itself would have done.
 */
static int nft_cleanup_made(uint8_t family, const bool made[2], const char *lockenv,
			    trace_rules_log_fn log, void *arg, char *err, size_t errlen)
{
	bool first_chain_gone = false;
	int first = 0;

	for (int c = 0; c < 2; c++) {
		char *argv[] = { (char *)"nft", (char *)"delete", (char *)"chain",
				 (char *)nft_family(family), (char *)"raw", (char *)raw_chains[c],
				 NULL };
		struct nft_chain_info ci;
		char e[512];
		int r;

		if (!made[c])
			continue;
		r = nft_chain_info(family, raw_chains[c], lockenv, &ci);
		free(ci.rules);
		if (r <= 0 || ci.nrules || !ci.accept)
			continue;
		log_rule(log, arg, "Removing chain", argv);
		r = run_tool(argv, lockenv, e, sizeof(e));
		if (r == 0 && ci.handle == 1)
			first_chain_gone = true;
		if (r < 0 && !first) {
			first = r;
			snprintf(err, errlen, "%s", e);
		}
	}
	if (first_chain_gone) {
		char *argv[] = { (char *)"nft", (char *)"delete", (char *)"table",
				 (char *)nft_family(family), (char *)"raw", NULL };
		char *listing = NULL, e[512];
		int r = 0;

		if (nft_exists(family, NULL, lockenv, &listing) == 1 && listing &&
		    !strstr(listing, "\tchain ")) {
			log_rule(log, arg, "Removing table", argv);
			r = run_tool(argv, lockenv, e, sizeof(e));
		}
		free(listing);
		if (r < 0 && !first) {
			first = r;
			snprintf(err, errlen, "%s", e);
		}
	}
	return first;
}

int trace_rules_cleanup(uint8_t family, enum trace_backend backend, const char *lockenv,
			trace_rules_log_fn log, void *arg, int *kept, char *err, size_t errlen)
{
	char *save_argv[] = { (char *)trace_rules_save_tool(family, backend), NULL };
	struct runcmd_result res;
	struct dead_rule *dead = NULL;
	size_t ndead = 0, pos[2] = { 0, 0 };
	char table[64] = "";
	int removed = 0, ret, first = 0;
	bool made[2] = { false, false };
	char *line, *next;

	*kept = 0;
	ret = runcmd(save_argv, lockenv, SAVE_MAX, &res);
	if (ret < 0) {
		snprintf(err, errlen, "cannot run %s: %s", save_argv[0], strerror(-ret));
		return ret;
	}
	if (res.status != 0) {
		snprintf(err, errlen, "%s failed (exit status %d): %s", save_argv[0],
			 res.status, res.err);
		runcmd_result_free(&res);
		return -EINVAL;
	}
	for (line = res.out; line && *line; line = next) {
		char **words = NULL, e[512];
		enum trace_rule_kind kind;
		struct argv_buf ab = { 0 };
		int nw, c = -1;
		pid_t pid = 0;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (line[0] == '*') {
			snprintf(table, sizeof(table), "%s", line + 1);
			continue;
		}
		if (strncmp(line, "-A ", 3) != 0)
			continue;
		nw = rulespec_split(line, &words, e, sizeof(e));
		if (nw < 2) {
			rulespec_free(words);
			continue;
		}
		/* The rule's position in its chain, for its nft handle. */
		for (int i = 0; i < 2; i++)
			if (!strcmp(table, "raw") && !strcmp(words[1], raw_chains[i]))
				pos[c = i]++;
		kind = trace_rules_classify(table, words, nw, &pid);
		if (kind != TRACE_RULE_UNTAGGED) {
			ab_push(&ab, trace_rules_tool(family, backend));
			ab_push(&ab, "-t");
			ab_push(&ab, table);
			for (int i = 0; i < nw; i++)
				ab_push(&ab, words[i]);
		}
		rulespec_free(words);
		if (kind == TRACE_RULE_UNTAGGED)
			continue;
		if (ab.err) {
			argv_free(ab.v);
			first = first ? first : ab.err;
			snprintf(err, errlen, "%s", strerror(-ab.err));
			continue;
		}
		if (kind == TRACE_RULE_FOREIGN || pid_alive(pid)) {
			char why[160], *s = trace_rules_format(ab.v);

			why_kept(kind, pid, why, sizeof(why));
			if (log)
				log(arg, "Keeping rule: %s (%s)", s ? s : ab.v[0], why);
			free(s);
			argv_free(ab.v);
			(*kept)++;
			continue;
		}
		struct dead_rule *nv = realloc(dead, (ndead + 1) * sizeof(*nv));

		if (!nv) {
			argv_free(ab.v);
			first = first ? first : -ENOMEM;
			snprintf(err, errlen, "%s", strerror(ENOMEM));
			continue;
		}
		dead = nv;
		memcpy(ab.v[3], "-D", 3);	/* was "-A": the rest as saved */
		dead[ndead++] = (struct dead_rule){ ab.v, c, pos[c] };
	}
	runcmd_result_free(&res);

	/* Before anything goes: which chains came with a dead capture's rule. */
	for (int c = 0; c < 2 && backend == TRACE_BACKEND_NFT; c++) {
		struct nft_chain_info ci;
		bool any = false;

		for (size_t i = 0; i < ndead; i++)
			any |= dead[i].chain == c;
		if (!any || nft_chain_info(family, raw_chains[c], lockenv, &ci) <= 0)
			continue;
		for (size_t i = 0; i < ndead; i++)
			if (dead[i].chain == c && dead[i].pos <= ci.nrules &&
			    ci.rules[dead[i].pos - 1] == ci.handle + 1)
				made[c] = true;
		free(ci.rules);
	}
	for (size_t i = 0; i < ndead; i++) {
		char e[512];

		log_rule(log, arg, "Removing rule", dead[i].argv);
		ret = run_tool(dead[i].argv, lockenv, e, sizeof(e));
		if (ret == 0) {
			removed++;
		} else if (!first) {
			first = ret;
			snprintf(err, errlen, "%s", e);
		}
	}
	for (size_t i = 0; i < ndead; i++)
		argv_free(dead[i].argv);
	free(dead);
	if (backend == TRACE_BACKEND_NFT && (made[0] || made[1])) {
		char e[512];

		ret = nft_cleanup_made(family, made, lockenv, log, arg, e, sizeof(e));
		if (ret < 0 && !first) {
			first = ret;
			snprintf(err, errlen, "%s", e);
		}
	}
	return first ? first : removed;
}

void trace_rules_free(struct trace_rules *tr)
{
	if (!tr)
		return;
	for (size_t i = 0; i < tr->n; i++) {
		argv_free(tr->v[i].ins);
		argv_free(tr->v[i].del);
		free(tr->v[i].chain);
	}
	free(tr->v);
	free(tr->lockenv);
	memset(tr, 0, sizeof(*tr));
}
