/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nftrace-capture - install TRACE rules under the xtables lock, capture the
 * kernel's trace events, print them with each rule's text and write them
 * to a pcapng file; always remove the rules again.
 *
 * Order of a run, and why:
 *   1. options; enter --netns; check the logger          (nothing changed yet)
 *   2. open the event source                             (a busy group fails here)
 *   3. fork the guardian                                 (before any rule exists)
 *   4. take the xtables lock; insert rules; snapshot     (snapshot = kernel's numbering)
 *   5. release the lock unless -L; open the output file
 *   6. capture until timeout, -c, a signal or an error
 *   7. remove the rules under the lock; tell the guardian "done"
 *   8. ISB, close the file, aggregated packets, statistics
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "aggregate.h"
#include "obuf.h"
#include "optdoc.h"
#include "packet_id.h"
#include "guardian.h"
#include "interleave.h"
#include "privs.h"
#include "pcapng_writer.h"
#include "render_text.h"
#include "ruleset.h"
#include "rulespec.h"
#include "runcmd.h"
#include "source_nflog.h"
#include "source_nftrace.h"
#include "trace_rules.h"
#include "xtlock.h"

#define PROG_NAME "nftrace-capture"

/* argv[0]'s base name (optdoc_progname()), for messages */
static const char *prog = PROG_NAME;

enum exit_code { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_LOCK = 4 };

enum {
	OPT_NETNS = 256, OPT_SET_LOGGER, OPT_CLEANUP, OPT_BACKEND, OPT_VERSION, OPT_RCVBUF,
	OPT_MAX_RATE,
};

static const struct optdoc options[] = {
	{ { "ipv4", no_argument, NULL, '4' }, '4', NULL, "trace IPv4 with iptables (the default)" },
	{ { "ipv6", no_argument, NULL, '6' }, '6', NULL,
	  "trace IPv6 with ip6tables (with -4: both, and each RULE goes into both, so it "
	  "must suit both: else run -4 and -6 separately)" },
	{ { "prerouting", required_argument, NULL, 'p' }, 'p', "RULE",
	  "insert a TRACE rule with these match options at the top of raw PREROUTING "
	  "(-p and -o may be repeated: a packet matching any rule is traced)" },
	{ { "output", required_argument, NULL, 'o' }, 'o', "RULE",
	  "insert a TRACE rule with these match options at the top of raw OUTPUT" },
	{ { "write", required_argument, NULL, 'w' }, 'w', "FILE",
	  "write pcapng to FILE ('-' = standard output, *.gz = gzip)" },
	{ { "timeout", required_argument, NULL, 't' }, 't', "SECONDS",
	  "stop after SECONDS (default 30, 0 = no limit)" },
	{ { "count", required_argument, NULL, 'c' }, 'c', "COUNT", "stop after COUNT traced packets" },
	{ { "limit", required_argument, NULL, 'l' }, 'l', "RATE",
	  "add -m limit --limit RATE to the TRACE rules (e.g. 10/second)" },
	{ { "lock", no_argument, NULL, 'L' }, 'L', NULL,
	  "hold the xtables lock for the whole capture (pauses firewall managers)" },
	{ { "wait", required_argument, NULL, 'W' }, 'W', "SECONDS",
	  "wait at most SECONDS for the xtables lock (default 10)" },
	{ { "verbose", no_argument, NULL, 'v' }, 'v', NULL, "per-event detail lines" },
	{ { "quiet", no_argument, NULL, 'q' }, 'q', NULL, "no live event lines" },
	{ { "netns", required_argument, NULL, OPT_NETNS }, 0, "NAME",
	  "capture inside the network namespace /run/netns/NAME" },
	{ { "set-logger", no_argument, NULL, OPT_SET_LOGGER }, 0, NULL,
	  "make nfnetlink_log the logger for the run, restore the old one at exit" },
	{ { "backend", required_argument, NULL, OPT_BACKEND }, 0, "NAME",
	  "auto (default), legacy (iptables-legacy, nfnetlink_log) or nft "
	  "(iptables-nft, nf_tables trace events)" },
	{ { "rcvbuf", required_argument, NULL, OPT_RCVBUF }, 0, "BYTES",
	  "netlink receive buffer (default 64 MiB)" },
	{ { "max-rate", required_argument, NULL, OPT_MAX_RATE }, 0, "EVENTS",
	  "safety brake: remove the rules and stop when more than EVENTS trace events "
	  "arrive in one second (default 50000, 0 = off)" },
	{ { "user", required_argument, NULL, 'Z' }, 'Z', "USER",
	  "create the output file as USER, as tcpdump -Z does" },
	{ { "cleanup", no_argument, NULL, OPT_CLEANUP }, 0, NULL,
	  "remove the TRACE rules (tagged nftrace:PID) of runs that are no longer "
	  "running, keep and name those of running ones, and exit; takes only -4, -6, "
	  "--backend (what to clean: default both families and backends), -W and --netns" },
	{ { "help", no_argument, NULL, 'h' }, 'h', NULL, "show this help and exit" },
	{ { "version", no_argument, NULL, OPT_VERSION }, 'V', NULL, "show the version and exit" },
};
#define NOPTIONS (sizeof(options) / sizeof(options[0]))

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s [-4] [-6] [-p RULE] [-o RULE] [-w FILE] [-t SECONDS] [-c COUNT]\n"
		"         [-l LIMIT] [-L] [-W SECONDS] [-v] [-q] [-Z USER] [--netns NAME]\n"
		"         [--set-logger] [--backend auto|legacy|nft] [--max-rate EVENTS]\n"
		"         [--rcvbuf BYTES] [EXPRESSION]\n"
		"       %s --cleanup [-4] [-6] [--backend auto|legacy|nft] [-W SECONDS]\n"
		"         [--netns NAME]\n"
		"Trace packets through iptables and nftables: install TRACE rules, print every\n"
		"rule each packet passes with the rule's text, write the events to pcapng,\n"
		"remove the rules.  EXPRESSION is a pcap filter (as tcpdump takes it) that\n"
		"keeps only the events of matching packets.\n\n", prog, prog);
	optdoc_print(f, options, NOPTIONS, false);
	fprintf(f, "\nExit status: 0 ok, 1 runtime failure (also the --max-rate brake), 2 usage\n"
		"error or a rule iptables rejects, 4 xtables lock not obtained.\n"
		"See nftrace-capture(8).\n");
}

/* ---- the status line ------------------------------------------------------
 * On a terminal only (stderr is a tty): one line kept current with events,
 * packets, losses and the time left, erased before anything else is
 * printed and drawn again after. */

static bool status_on, status_shown;

static void status_clear(void)
{
	if (status_shown) {
		fputs("\r\033[K", stderr);
		status_shown = false;
	}
}

static void status_draw(uint64_t events, uint64_t packets, uint64_t lost, long left_s)
{
	if (!status_on)
		return;
	fprintf(stderr, "\r\033[K%llu events, %llu packets, %llu lost",
		(unsigned long long)events, (unsigned long long)packets,
		(unsigned long long)lost);
	if (left_s >= 0)
		fprintf(stderr, ", %lds left", left_s);
	fflush(stderr);
	status_shown = true;
}

/* ---- logging: "2026/11/27 20:28:43 Adding rule: ..." on stderr ---------- */

static void vlogf(const char *fmt, va_list ap)
{
	char ts[32], msg[2048];
	time_t now = time(NULL);
	struct tm tm;

	status_clear();
	localtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y/%m/%d %H:%M:%S", &tm);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "%s %s\n", ts, msg);
}

static void __attribute__((format(printf, 1, 2))) logf_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlogf(fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 2, 3))) rules_log(void *arg, const char *fmt, ...)
{
	va_list ap;

	(void)arg;
	va_start(ap, fmt);
	vlogf(fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 1, 2))) errorf(const char *fmt, ...)
{
	va_list ap;

	status_clear();
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- configuration -------------------------------------------------------- */

#define MAX_RULES 16			/* -p and -o together */

struct config {
	bool v4, v6;
	bool family_given;		/* -4 or -6 given */
	struct {			/* -p and -o, in command-line order */
		const char *chain;	/* PREROUTING or OUTPUT */
		const char *text;
		char **match;		/* split match words */
	} rules[MAX_RULES];
	size_t nrules;
	const char *wfile;
	unsigned timeout;		/* seconds, 0 = none */
	uint64_t count;			/* packets, 0 = none */
	const char *limit;
	bool hold_lock;
	unsigned wait;			/* seconds */
	bool verbose, quiet;
	const char *netns;
	bool set_logger;
	bool cleanup;
	const char *backend;		/* auto, legacy, nft */
	/* what auto (or the user) decided */
	bool use_nflog, use_nft;
	enum trace_backend rules_backend;
	size_t rcvbuf;
	uint64_t max_rate;		/* events per second, 0 = no brake */
	const char *user;		/* -Z */
	char *filter;			/* pcap expression */
	char *cmdline;
};

static int parse_uint(const char *opt, const char *s, unsigned long long max,
		      unsigned long long *v)
{
	char *end;

	errno = 0;
	if (*s == '-' || *s == '\0')
		goto bad;
	*v = strtoull(s, &end, 10);
	if (errno || *end || *v > max)
		goto bad;
	return 0;
bad:
	errorf("%s: '%s' is not a whole number from 0 to %llu", opt, s, max);
	return -1;
}

static int split_rule(const char *opt, const char *text, char ***argv)
{
	char err[256];
	int n = rulespec_split(text, argv, err, sizeof(err));

	if (n < 0) {
		errorf("%s '%s': %s", opt, text, err);
		return -1;
	}
	if (rulespec_check(*argv, err, sizeof(err)) < 0) {
		errorf("%s '%s': %s", opt, text, err);
		return -1;
	}
	return 0;
}

/* One RULE goes into the rules of every family asked for: with -4 -6 it
 * must suit both, which is found out before any rule is inserted. */
static int rule_fits_families(const struct config *cfg, const char *opt, const char *text,
			      char *const *argv)
{
	char err[256];

	for (int i = 0; i < 2; i++) {
		if ((i == 0 && !cfg->v4) || (i == 1 && !cfg->v6))
			continue;
		if (rulespec_check_family(argv, i ? 10 : 2, err, sizeof(err)) < 0) {
			errorf("%s '%s': %s%s", opt, text, err,
			       cfg->v4 && cfg->v6 ? ".\nWith -4 -6 the same RULE goes into both "
			       "iptables and ip6tables: give one that suits both, or run -4 and -6 "
			       "separately" : "");
			return -1;
		}
	}
	return 0;
}

static char *join_cmdline(int argc, char **argv)
{
	char *s, *full;

	/* trace_rules_format quotes words from argv[1] on; prefix the name. */
	s = trace_rules_format(argv);
	if (!s)
		return NULL;
	if (asprintf(&full, "%s%s%s", PROG_NAME, argc > 1 ? " " : "", s) < 0)
		full = NULL;
	free(s);
	return full;
}

/* "-p" or "--set-logger": how --help names the option getopt_long returned. */
static const char *option_name(int c)
{
	static char buf[64];

	for (size_t i = 0; i < NOPTIONS; i++) {
		if (options[i].opt.val != c)
			continue;
		if (options[i].shortopt)
			snprintf(buf, sizeof(buf), "-%c", options[i].shortopt);
		else
			snprintf(buf, sizeof(buf), "--%s", options[i].opt.name);
		return buf;
	}
	return "?";
}

static int parse_args(int argc, char **argv, struct config *cfg)
{
	struct option longopts[NOPTIONS + 1];
	unsigned long long v;
	int c, capture_opt = 0;	/* the first option --cleanup has no use for */

	optdoc_longopts(options, NOPTIONS, longopts);
	cfg->timeout = 30;
	cfg->wait = 10;
	cfg->max_rate = 50000;
	cfg->backend = "auto";
	/* '+': stop at the first non-option, so a filter expression such as
	 * 'not port 22' is not taken for options. */
	while ((c = getopt_long(argc, argv, "+46p:o:w:t:c:l:LW:vqZ:hV", longopts, NULL)) != -1) {
		/* --cleanup is told what to clean (-4, -6, --backend, --netns)
		 * and how long to wait for the lock (-W); the rest is for a
		 * capture. */
		if (!capture_opt && c != '4' && c != '6' && c != 'W' && c != OPT_NETNS &&
		    c != OPT_BACKEND && c != OPT_CLEANUP && c != 'h' && c != 'V' &&
		    c != OPT_VERSION && c != '?')
			capture_opt = c;
		switch (c) {
		case '4': cfg->v4 = true; break;
		case '6': cfg->v6 = true; break;
		case 'p':
		case 'o':
			if (cfg->nrules == MAX_RULES) {
				errorf("-p and -o: at most %d rules", MAX_RULES);
				return -1;
			}
			cfg->rules[cfg->nrules].chain = c == 'p' ? "PREROUTING" : "OUTPUT";
			cfg->rules[cfg->nrules++].text = optarg;
			break;
		case 'w': cfg->wfile = optarg; break;
		case 't':
			if (parse_uint("-t", optarg, 86400 * 365, &v) < 0)
				return -1;
			cfg->timeout = (unsigned)v;
			break;
		case 'c':
			if (parse_uint("-c", optarg, UINT64_MAX, &v) < 0)
				return -1;
			cfg->count = v;
			break;
		case 'l':
			cfg->limit = optarg;
			break;
		case 'L': cfg->hold_lock = true; break;
		case 'W':
			if (parse_uint("-W", optarg, 3600, &v) < 0)
				return -1;
			cfg->wait = (unsigned)v;
			break;
		case 'v': cfg->verbose = true; break;
		case 'q': cfg->quiet = true; break;
		case OPT_NETNS: cfg->netns = optarg; break;
		case OPT_SET_LOGGER: cfg->set_logger = true; break;
		case OPT_CLEANUP: cfg->cleanup = true; break;
		case OPT_BACKEND:
			if (strcmp(optarg, "legacy") && strcmp(optarg, "auto") &&
			    strcmp(optarg, "nft")) {
				errorf("--backend: '%s' is not one of auto, legacy, nft", optarg);
				return -1;
			}
			cfg->backend = optarg;
			break;
		case OPT_MAX_RATE:
			if (parse_uint("--max-rate", optarg, UINT32_MAX, &v) < 0)
				return -1;
			cfg->max_rate = v;
			break;
		case 'Z':
			cfg->user = optarg;
			break;
		case OPT_RCVBUF:
			if (parse_uint("--rcvbuf", optarg, 1u << 30, &v) < 0)
				return -1;
			cfg->rcvbuf = (size_t)v;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		case 'V':
		case OPT_VERSION:
			printf("%s %s\n", PROG_NAME, PACKAGE_VERSION);
			exit(EXIT_OK);
		default:
			return -1;
		}
	}
	if (cfg->cleanup && (capture_opt || optind < argc)) {
		errorf("--cleanup takes only -4, -6, --backend, -W and --netns, not %s",
		       capture_opt ? option_name(capture_opt) : "an EXPRESSION");
		return -1;
	}
	cfg->family_given = cfg->v4 || cfg->v6;
	if (!cfg->v4 && !cfg->v6)
		cfg->v4 = true;
	if (optind < argc) {
		size_t len = 0;

		for (int i = optind; i < argc; i++)
			len += strlen(argv[i]) + 1;
		cfg->filter = calloc(1, len + 1);
		if (!cfg->filter)
			return -1;
		for (int i = optind; i < argc; i++) {
			if (i > optind)
				strcat(cfg->filter, " ");
			strcat(cfg->filter, argv[i]);
		}
	}
	for (size_t i = 0; i < cfg->nrules; i++) {
		const char *opt = cfg->rules[i].chain[0] == 'P' ? "-p" : "-o";

		if (split_rule(opt, cfg->rules[i].text, &cfg->rules[i].match) < 0 ||
		    rule_fits_families(cfg, opt, cfg->rules[i].text, cfg->rules[i].match) < 0)
			return -1;
	}
	if (cfg->limit && (!*cfg->limit || strpbrk(cfg->limit, " \t\n"))) {
		errorf("-l: '%s' is not a rate such as 10/second", cfg->limit);
		return -1;
	}
	cfg->cmdline = join_cmdline(argc, argv);
	return 0;
}

/* ---- the network namespace ------------------------------------------------ */

static int enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		errorf("--netns: %s: %s", path, strerror(errno));
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		errorf("--netns: entering %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* ---- the backend ---------------------------------------------------------- */

/* Legacy xtables tables in use here: /proc/net/ip{,6}_tables_names list them. */
static bool legacy_tables_present(void)
{
	static const char *const files[] = { "/proc/net/ip_tables_names",
					     "/proc/net/ip6_tables_names" };

	for (size_t i = 0; i < 2; i++) {
		char c;
		int fd = open(files[i], O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? 0 : read(fd, &c, 1);

		if (fd >= 0)
			close(fd);
		if (n == 1)
			return true;
	}
	return false;
}

/* Does the command run and print something? */
static bool command_says(char *const argv[], const char *needle)
{
	struct runcmd_result res;
	bool yes;

	if (runcmd(argv, NULL, 64u << 20, &res) < 0)
		return false;
	yes = res.status == 0 && res.outlen > 0 && (!needle || strstr(res.out, needle));
	runcmd_result_free(&res);
	return yes;
}

/*
 * --backend auto: trace where the rules are.  Legacy tables only: the
 * legacy backend; nf_tables tables only: nft; both or neither: the flavour
 * of the system's `iptables` inserts the rules, and both streams are read
 * (a TRACE rule of either kind marks the packet for both).
 */
static void choose_backend(struct config *cfg)
{
	char *nftls[] = { (char *)"nft", (char *)"list", (char *)"tables", NULL };
	char *ipv[] = { (char *)"iptables", (char *)"-V", NULL };
	bool legacy, nft, sysnft;

	if (!strcmp(cfg->backend, "legacy")) {
		cfg->use_nflog = true;
		cfg->rules_backend = TRACE_BACKEND_LEGACY;
		return;
	}
	if (!strcmp(cfg->backend, "nft")) {
		cfg->use_nft = true;
		cfg->rules_backend = TRACE_BACKEND_NFT;
		return;
	}
	legacy = legacy_tables_present();
	nft = command_says(nftls, NULL);
	sysnft = command_says(ipv, "nf_tables");
	if (legacy && !nft)
		cfg->rules_backend = TRACE_BACKEND_LEGACY;
	else if (nft && !legacy)
		cfg->rules_backend = TRACE_BACKEND_NFT;
	else
		cfg->rules_backend = sysnft ? TRACE_BACKEND_NFT : TRACE_BACKEND_LEGACY;
	cfg->use_nflog = legacy || cfg->rules_backend == TRACE_BACKEND_LEGACY;
	cfg->use_nft = nft || cfg->rules_backend == TRACE_BACKEND_NFT;
	logf_("Backend: rules with %s; reading %s%s%s",
	      trace_rules_tool(2, cfg->rules_backend),
	      cfg->use_nflog ? "nfnetlink_log (legacy xtables)" : "",
	      cfg->use_nflog && cfg->use_nft ? " and " : "",
	      cfg->use_nft ? "nf_tables trace events" : "");
}

/* ---- the logger ----------------------------------------------------------- */

struct logger_state {
	bool changed[2];
	char old[2][64];
};

static const uint8_t fam_of[2] = { 2, 10 };

static int check_logger(const struct config *cfg, struct logger_state *ls)
{
	for (int i = 0; i < 2; i++) {
		char cur[64];
		int r;

		if ((i == 0 && !cfg->v4) || (i == 1 && !cfg->v6))
			continue;
		r = source_nflog_logger_get(fam_of[i], cur, sizeof(cur));
		if (r < 0) {
			errorf("cannot read /proc/sys/net/netfilter/nf_log/%u: %s", fam_of[i],
			       strerror(-r));
			return -1;
		}
		if (!strcmp(cur, "nfnetlink_log"))
			continue;
		if (!cfg->set_logger) {
			errorf("nfnetlink_log is not the %s logger here (it is %s), so TRACE events "
			       "would not reach nftrace.\nFix: sysctl -w net.netfilter.nf_log.%u="
			       "nfnetlink_log   (or run with --set-logger for this run only)",
			       i ? "IPv6" : "IPv4", cur, fam_of[i]);
			return -1;
		}
		r = source_nflog_logger_set(fam_of[i], "nfnetlink_log");
		if (r < 0) {
			errorf("cannot set nf_log.%u to nfnetlink_log: %s", fam_of[i], strerror(-r));
			return -1;
		}
		snprintf(ls->old[i], sizeof(ls->old[i]), "%s", cur);
		ls->changed[i] = true;
		logf_("Set logger: net.netfilter.nf_log.%u=nfnetlink_log (was %s)", fam_of[i], cur);
	}
	return 0;
}

static void restore_logger(struct logger_state *ls)
{
	for (int i = 0; i < 2; i++) {
		int r;

		if (!ls->changed[i])
			continue;
		r = source_nflog_logger_set(fam_of[i], ls->old[i]);
		if (r < 0)
			errorf("cannot restore nf_log.%u to %s: %s", fam_of[i], ls->old[i],
			       strerror(-r));
		else
			logf_("Restored logger: net.netfilter.nf_log.%u=%s", fam_of[i], ls->old[i]);
		ls->changed[i] = false;
	}
}

/* ---- locking around rule changes ------------------------------------------ */

static int take_lock(unsigned wait_s)
{
	const char *path = xtlock_path();
	int fd = xtlock_acquire(path, wait_s * 1000);

	if (fd == -EWOULDBLOCK)
		errorf("could not get the xtables lock %s within %u s: another process holds it",
		       path, wait_s);
	else if (fd < 0)
		errorf("xtables lock %s: %s", path, strerror(-fd));
	return fd;
}

/* ---- the guardian's work -------------------------------------------------
 * What the guardian (guardian.h) undoes when the capture dies without
 * saying it is done: its rules (under the lock, as every rule change) and
 * the logger. */

struct undo {
	struct trace_rules *tr;
	struct logger_state *ls;
	unsigned wait_s;
};

static void undo_capture(void *arg)
{
	struct undo *u = arg;
	int lockfd = xtlock_acquire(xtlock_path(), u->wait_s * 1000);
	char err[512];

	for (size_t i = 0; i < u->tr->n; i++)
		u->tr->v[i].installed = true; /* a rule never inserted just fails to delete */
	trace_rules_remove(u->tr, rules_log, NULL, err, sizeof(err));
	xtlock_release(lockfd);
	restore_logger(u->ls);
}

/* ---- the capture session -------------------------------------------------- */

struct session {
	struct config *cfg;
	struct ruleset *rs;
	struct aggregate *ag;
	struct interleave *il;		/* two sources: one timeline */
	struct pcapng_writer *w;
	struct obuf out;		/* live text */
	struct render_opts ropts;
	struct bpf_program bpf;
	bool have_bpf;
	uint64_t events, written, filtered, packets, lost_pending;
	uint64_t lost_marked;	/* the sum of the epb_dropcount written */
	/* The last payload and its packet ID: the events of one packet come
	 * in a row with the same bytes (until NAT or a tunnel changes them). */
	uint8_t id_bytes[2048];
	uint32_t id_len;		/* 0: none */
	uint8_t id_family;
	uint64_t id_last;
	uint64_t first_ts, last_ts;
	bool stop;			/* -c reached: finish the current packet */
	bool braked;			/* --max-rate exceeded */
	uint64_t rate_window_ms, rate_count, rate_seen;
	uint64_t grace_deadline_ms;
	int write_err;
	/* packets matching the filter, remembered so later events of a packet
	 * whose addresses NAT has changed are kept too */
	uint64_t keep[4096];
	char comment[65536];		/* the longest opt_comment, 65535, and a NUL */
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static bool filter_keep(struct session *s, const struct trace_event *ev)
{
	struct pcap_pkthdr h = { .caplen = ev->caplen, .len = ev->len ? ev->len : ev->caplen };
	size_t slot = (size_t)(ev->id * 0x9e3779b97f4a7c15ULL >> 52) & 4095;
	uint64_t key = ev->id | (1ULL << 63);

	if (!s->have_bpf)
		return true;
	if (s->keep[slot] == key)
		return true;
	if (!ev->payload || !pcap_offline_filter(&s->bpf, &h, ev->payload))
		return false;
	s->keep[slot] = key;
	return true;
}

static uint64_t packet_id_cached(struct session *s, const struct trace_event *ev)
{
	if (ev->caplen && ev->caplen == s->id_len && ev->family == s->id_family &&
	    !memcmp(ev->payload, s->id_bytes, ev->caplen))
		return s->id_last;
	s->id_last = packet_id(ev->family, ev->payload, ev->caplen);
	s->id_len = 0;
	if (ev->caplen && ev->caplen <= sizeof(s->id_bytes)) {
		memcpy(s->id_bytes, ev->payload, ev->caplen);
		s->id_len = ev->caplen;
		s->id_family = ev->family;
	}
	return s->id_last;
}

static int on_event(const struct trace_event *cev, void *arg)
{
	struct session *s = arg;
	struct trace_event ev = *cev;
	struct pcapng_packet pkt;
	int isnew;

	s->lost_pending += ev.dropcount;
	if (s->cfg->max_rate) {
		uint64_t now = mono_ms();

		if (now - s->rate_window_ms >= 1000) {
			s->rate_window_ms = now;
			s->rate_count = 0;
		}
		if (++s->rate_count > s->cfg->max_rate && !s->braked) {
			s->braked = true;
			s->rate_seen = s->rate_count;
			return -EOVERFLOW; /* stop reading: the rules go now */
		}
	}
	ev.id = packet_id_cached(s, &ev);
	if (!filter_keep(s, &ev)) {
		s->filtered++;
		return 0;
	}
	if (!ev.rule_text.len)
		ruleset_lookup(s->rs, &ev, &ev.rule_text);
	/* -c reached: the packets under way may finish their paths, but a
	 * packet not seen before is left out whole, not noted, so none of
	 * its later events is written either. */
	if (s->stop && !aggregate_seen(s->ag, ev.id))
		return 0;
	isnew = aggregate_add(s->ag, &ev);
	if (isnew) {
		s->packets++;
		if (s->cfg->count && s->packets >= s->cfg->count && !s->stop) {
			/* Let the rest of this packet's path arrive. */
			s->stop = true;
			s->grace_deadline_ms = mono_ms() + 200;
		}
	}
	s->events++;
	if (!s->first_ts)
		s->first_ts = ev.ts_ns;
	s->last_ts = ev.ts_ns;
	if (!s->cfg->quiet)
		render_event(&s->out, &ev, &s->ropts, s->rs);
	if (s->w) {
		memset(&pkt, 0, sizeof(pkt));
		pkt.ts_ns = ev.ts_ns;
		pkt.data = ev.record;
		pkt.caplen = ev.record_len;
		/* An nf_tables event carries only the headers: the original
		 * length says how much of the packet is missing, as a snaplen
		 * would (tcpdump then prints "[|domain]", not "truncated-ip"). */
		pkt.len = ev.record_len + (ev.len > ev.caplen ? ev.len - ev.caplen : 0);
		pkt.comment_len = render_comment(&ev, s->comment, sizeof(s->comment));
		pkt.comment = s->comment;
		pkt.packet_id = ev.id;
		pkt.has_packet_id = true;
		pkt.flags = ev.direction;
		pkt.dropcount = s->lost_pending;
		pkt.has_dropcount = true;
		s->lost_marked += s->lost_pending;
		s->lost_pending = 0;
		int r = pcapng_writer_packet(s->w, &pkt);
		if (r < 0) {
			s->write_err = r;
			return r;
		}
		s->written++;
	}
	return 0;
}

/* ---- snapshots ------------------------------------------------------------ */

struct snapshot {
	char **parts;
	size_t nparts;
	char *save[2];		/* -save text per family, for the change check */
};

static int take_snapshot(const struct config *cfg, struct trace_rules *tr, struct snapshot *sn,
			 struct ruleset *rs, struct source *nftsrc)
{
	char err[256];

	if (nftsrc) {
		/* What the nf_tables source read at open, under the lock, after
		 * the rules went in: the same numbering its events carry. */
		const struct nft_ruleset_texts *t = source_nftrace_snapshot(nftsrc);

		if (t && ((t->ipt_len && ruleset_snapshot_format(2, "nft", t->ipt, t->ipt_len,
								 &sn->parts, &sn->nparts) < 0) ||
			  (t->ip6t_len && ruleset_snapshot_format(10, "nft", t->ip6t, t->ip6t_len,
								  &sn->parts, &sn->nparts) < 0) ||
			  (t->nft_len && nft_ruleset_snapshot_format(t->nft, t->nft_len, &sn->parts,
								     &sn->nparts) < 0)))
			return -1;
	}
	for (int i = 0; i < 2 && cfg->use_nflog; i++) {
		char *argv[] = { (char *)trace_rules_save_tool(fam_of[i], TRACE_BACKEND_LEGACY), NULL };
		struct runcmd_result res;
		int r;

		if ((i == 0 && !cfg->v4) || (i == 1 && !cfg->v6))
			continue;
		r = runcmd(argv, tr->lockenv, 256u << 20, &res);
		if (r < 0 || res.status != 0) {
			errorf("%s: %s", argv[0], r < 0 ? strerror(-r) : res.err);
			runcmd_result_free(&res);
			return -1;
		}
		if (ruleset_add_save(rs, fam_of[i], res.out, res.outlen, err, sizeof(err)) < 0) {
			errorf("%s output: %s", argv[0], err);
			runcmd_result_free(&res);
			return -1;
		}
		if (ruleset_snapshot_format(fam_of[i], "legacy", res.out, res.outlen, &sn->parts,
					    &sn->nparts) < 0) {
			runcmd_result_free(&res);
			return -1;
		}
		sn->save[i] = res.out; /* kept for the end-of-run comparison */
	}
	if (ruleset_ifnames_format(&sn->parts, &sn->nparts) < 0)
		return -1;
	/* The ifnames part also serves live rendering of -v lines. */
	for (size_t i = 0; i < sn->nparts; i++)
		if (!strncmp(sn->parts[i], "nftrace-ifnames", 15))
			ruleset_add_comment(rs, sn->parts[i], strlen(sn->parts[i]), err, sizeof(err));
	return 0;
}

/* iptables-save output without what changes by itself: comment lines
 * (dates) and chain counters. */
static bool same_ruleset(const char *a, const char *b)
{
	while (*a || *b) {
		const char *ea = strchrnul(a, '\n'), *eb = strchrnul(b, '\n');

		if (*a == '#') {
			a = *ea ? ea + 1 : ea;
			continue;
		}
		if (*b == '#') {
			b = *eb ? eb + 1 : eb;
			continue;
		}
		size_t la = (size_t)(ea - a), lb = (size_t)(eb - b);
		if (*a == ':' && *b == ':') {
			const char *ca = memchr(a, '[', la), *cb = memchr(b, '[', lb);

			if (ca)
				la = (size_t)(ca - a);
			if (cb)
				lb = (size_t)(cb - b);
		}
		if (la != lb || memcmp(a, b, la))
			return false;
		a = *ea ? ea + 1 : ea;
		b = *eb ? eb + 1 : eb;
	}
	return true;
}

static void check_ruleset_changed(const struct config *cfg, struct trace_rules *tr,
				  struct snapshot *sn)
{
	/* nf_tables changes are followed live by the nft source; this is for
	 * the legacy tables, which send no notifications. */
	for (int i = 0; i < 2 && cfg->use_nflog; i++) {
		char *argv[] = { (char *)trace_rules_save_tool(fam_of[i], TRACE_BACKEND_LEGACY), NULL };
		struct runcmd_result res;

		if (!sn->save[i] || ((i == 0 && !cfg->v4) || (i == 1 && !cfg->v6)))
			continue;
		if (runcmd(argv, tr->lockenv, 256u << 20, &res) < 0)
			continue;
		if (res.status == 0 && !same_ruleset(sn->save[i], res.out))
			logf_("Warning: the %s ruleset changed during the capture; rule text and "
			      "numbers may be stale (use -L to hold the lock)", i ? "IPv6" : "IPv4");
		runcmd_result_free(&res);
	}
}

/* ---- output file ---------------------------------------------------------- */

static int open_output(const char *path, const char *user, bool *gz)
{
	size_t n = strlen(path);
	uid_t uid = 0;
	gid_t gid = 0;
	int fd;

	*gz = n > 3 && !strcmp(path + n - 3, ".gz");
	if (!strcmp(path, "-"))
		return dup(1);
	if (user && privs_lookup_user(user, &uid, &gid) < 0) {
		errorf("-Z: no such user '%s'", user);
		return -1;
	}
	/* Never follow a symlink planted where the capture writes as root;
	 * not world-readable: the packets may be sensitive. */
	fd = privs_create_as(path, uid, gid);
	if (fd < 0) {
		const char *why = fd == -ELOOP ? "a symbolic link, not followed"
					       : strerror(-fd);

		if (user)
			errorf("%s: %s (creating it as user %s)", path, why, user);
		else
			errorf("%s: %s", path, why);
		return -1;
	}
	return fd;
}

static int start_writer(struct session *s, const char *path, const struct snapshot *sn)
{
	struct utsname u;
	char os[256], appl[64];
	const char **comments;
	struct pcapng_section_info info = { 0 };
	bool gz;
	int fd, r;

	fd = open_output(path, s->cfg->user, &gz);
	if (fd < 0)
		return -1;
	uname(&u);
	snprintf(os, sizeof(os), "%s %s", u.sysname, u.release);
	snprintf(appl, sizeof(appl), "%s %s", PROG_NAME, PACKAGE_VERSION);
	comments = calloc(sn->nparts + 1, sizeof(*comments));
	if (!comments) {
		close(fd);
		return -1;
	}
	comments[0] = s->cfg->cmdline ? s->cfg->cmdline : PROG_NAME;
	for (size_t i = 0; i < sn->nparts; i++)
		comments[i + 1] = sn->parts[i];
	info.userappl = appl;
	info.os = os;
	info.hardware = u.machine;
	info.comments = comments;
	info.ncomments = sn->nparts + 1;
	info.if_name = "nflog:0";
	info.if_description = "nftrace: netfilter TRACE events";
	r = pcapng_writer_open(&s->w, fd, gz, &info);
	if (r == -EMSGSIZE) {
		/* libpcap refuses a section header over 1 MiB: keep the file
		 * readable everywhere and do without the stored ruleset. */
		logf_("Warning: the ruleset snapshot is too large for the file header; "
		      "not stored (give nftrace-read --rules FILE instead)");
		fd = open_output(path, s->cfg->user, &gz);
		info.ncomments = 1;
		r = fd < 0 ? -EIO : pcapng_writer_open(&s->w, fd, gz, &info);
	}
	free(comments);
	if (r < 0) {
		errorf("%s: %s", path, strerror(-r));
		return -1;
	}
	return 0;
}

/* ---- main loop ------------------------------------------------------------ */

#define FLUSH_MS 50		/* longest a written event waits in our buffer */
/* Pause after a read that emptied every socket, as long as the smallest
 * receive buffer allows: half a million events a second take about
 * 600 MB/s of it, so the default 64 MiB (128 MiB as the kernel counts
 * it) holds a 50 ms pause and 16 MiB a 10 ms one; a smaller buffer (as
 * rmem_max allows when SO_RCVBUFFORCE is refused) gets 1 ms, a tiny
 * --rcvbuf none.  SO_RCVBUF reads back twice what was set. */
static int coalesce_ms(struct source **src, int nsrc)
{
	int least = INT_MAX;

	for (int i = 0; i < nsrc; i++) {
		int v = 0;
		socklen_t l = sizeof(v);

		if (getsockopt(source_fd(src[i]), SOL_SOCKET, SO_RCVBUF, &v, &l) < 0)
			v = 0;
		if (v < least)
			least = v;
	}
	return least >= (128 << 20) ? 50 : least >= (32 << 20) ? 10 : least >= (256 << 10) ? 1 : 0;
}

/* Whether a source has data right now (pfd: their poll entries). */
static bool sources_ready(struct pollfd *pfd, int nsrc)
{
	for (int i = 0; i < nsrc; i++)
		pfd[i].revents = 0;
	return poll(pfd, (nfds_t)nsrc, 0) > 0;
}

/* Write the blocks the writer holds. */
static int write_pending(struct session *s, bool *pending, uint64_t *flushed, uint64_t now)
{
	int r = pcapng_writer_flush(s->w);

	if (r < 0) {
		errorf("writing %s: %s", s->cfg->wfile, strerror(-r));
		s->write_err = r;
		return -1;
	}
	*flushed = now;
	*pending = false;
	return 0;
}

/* Several sources: their events of one wake-up go through the interleaver
 * (one timeline, interleave.h), which holds at most INTERLEAVE_MAX bytes;
 * a single source's go straight to on_event(). */
#define INTERLEAVE_MAX ((size_t)16 << 20)

struct hold_arg {
	struct session *s;
	unsigned src;
};

static int hold_event(const struct trace_event *ev, void *arg)
{
	const struct hold_arg *h = arg;
	struct session *s = h->s;
	struct trace_event e = *ev;
	int r;

	/* The packet ID is what groups a packet's events of both sources. */
	e.id = packet_id_cached(s, &e);
	if (interleave_held(s->il) > INTERLEAVE_MAX) {
		r = interleave_flush(s->il, on_event, s, false);
		if (r < 0)
			return r;
	}
	return interleave_add(s->il, h->src, &e);
}

/* Read source i: with the interleaver, to its end (or INTERLEAVE_MAX), so
 * that source 1, read after source 0, has every event source 0 has. */
static int read_source(struct session *s, struct source **src, int i)
{
	struct hold_arg h = { s, (unsigned)i };
	int r, n = 0;

	if (!s->il)
		return source_read(src[i], on_event, s);
	do {
		r = source_read(src[i], hold_event, &h);
		n += r > 0 ? r : 0;
	} while (r > 0 && interleave_held(s->il) < INTERLEAVE_MAX);
	return r < 0 ? r : n;
}

enum stop_reason { STOP_NONE, STOP_TIMEOUT, STOP_COUNT, STOP_SIGNAL, STOP_ERROR, STOP_BRAKE };

/* After a read (or the interleaver's flush) that returned r: the live
 * text out, and whether to stop. */
static enum stop_reason after_read(struct session *s, int r)
{
	obuf_flush(&s->out);
	if (r == -EOVERFLOW && s->braked)
		return STOP_BRAKE;
	/* The reader of the live text is gone (| head): stop, as tcpdump
	 * stops, rather than trace on unseen. */
	if (s->out.err) {
		errorf("writing the live text: %s", strerror(-s->out.err));
		return STOP_ERROR;
	}
	if (r < 0) {
		if (s->write_err)
			errorf("writing %s: %s", s->cfg->wfile, strerror(-s->write_err));
		else
			errorf("reading trace events: %s", strerror(-r));
		return STOP_ERROR;
	}
	return STOP_NONE;
}

static enum stop_reason capture_loop(struct session *s, struct source **src, int nsrc,
				     int sigfd, int *signo)
{
	uint64_t deadline = s->cfg->timeout ? mono_ms() + (uint64_t)s->cfg->timeout * 1000 : 0;
	uint64_t drawn = 0, flushed = 0;
	bool pending = false;	/* blocks buffered, not yet written */
	int pause_ms = coalesce_ms(src, nsrc);

	for (;;) {
		struct pollfd pfd[3] = { { sigfd, POLLIN, 0 } };
		uint64_t now = mono_ms();
		int wait_ms = -1, r;

		if (status_on && now - drawn >= 250) {
			uint64_t lost = 0;

			for (int i = 0; i < nsrc; i++) {
				struct source_stats st;

				src[i]->ops->stats(src[i], &st);
				lost += st.lost;
			}
			status_draw(s->events, s->packets, lost,
				    deadline ? (long)((deadline - now + 999) / 1000) : -1);
			drawn = now;
		}

		if (s->stop) {
			if (now >= s->grace_deadline_ms)
				return STOP_COUNT;
			wait_ms = (int)(s->grace_deadline_ms - now);
		} else if (deadline) {
			if (now >= deadline)
				return STOP_TIMEOUT;
			wait_ms = (int)(deadline - now);
		}
		int until_end = wait_ms;	/* -1: no deadline */

		for (int i = 0; i < nsrc; i++) {
			pfd[i + 1].fd = source_fd(src[i]);
			pfd[i + 1].events = POLLIN;
		}
		if (status_on && (wait_ms < 0 || wait_ms > 250))
			wait_ms = 250;
		if (pending && (wait_ms < 0 || wait_ms > FLUSH_MS))
			wait_ms = FLUSH_MS;
		r = poll(pfd, (nfds_t)nsrc + 1, wait_ms);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			errorf("poll: %s", strerror(errno));
			return STOP_ERROR;
		}
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				*signo = (int)si.ssi_signo;
				return STOP_SIGNAL;
			}
		}
		bool did_read = false, any = false;
		enum stop_reason why;

		for (int i = 0; i < nsrc; i++)
			any |= (pfd[i + 1].revents & (POLLIN | POLLERR)) != 0;
		/* With two sources, both are read at a wake-up for either, so
		 * that the interleaver sees a packet's events of both. */
		for (int i = 0; any && i < nsrc; i++) {
			if (!s->il && !(pfd[i + 1].revents & (POLLIN | POLLERR)))
				continue;
			if (!s->cfg->quiet)
				status_clear(); /* event lines may share the terminal */
			r = read_source(s, src, i);
			why = after_read(s, r);
			if (why != STOP_NONE)
				return why;
			did_read = true;
			pending |= r > 0 && s->w;
		}
		if (did_read && s->il) {
			why = after_read(s, interleave_flush(s->il, on_event, s, true));
			if (why != STOP_NONE)
				return why;
		}
		/* Whole blocks reach the file at least every FLUSH_MS (and when
		 * the writer's buffer fills), not after every wake-up: fewer
		 * write()s, and a killed capture still leaves whole blocks. */
		now = mono_ms();
		if (pending && now - flushed >= FLUSH_MS && write_pending(s, &pending, &flushed, now) < 0)
			return STOP_ERROR;
		/* Coalesce: the kernel sends one message per TRACE event, and
		 * a wake-up per packet's burst costs more than its events.  Once
		 * every socket is empty, wait a little (for signals only)
		 * before polling again, so that one wake-up collects many
		 * packets; never while any socket still has data.  The socket
		 * buffer holds far more than this delay brings. */
		if (pause_ms && did_read && !sources_ready(pfd + 1, nsrc)) {
			struct pollfd sp = { sigfd, POLLIN, 0 };
			int ms = until_end >= 0 && until_end < pause_ms ? until_end : pause_ms;

			/* Idle: a good moment to write what would be due
			 * during the pause anyway. */
			if (pending && now - flushed + (uint64_t)ms >= FLUSH_MS &&
			    write_pending(s, &pending, &flushed, now) < 0)
				return STOP_ERROR;
			if (ms > 0)
				poll(&sp, 1, ms);
		}
	}
}

static int run_cleanup(const struct config *cfg)
{
	char lockpath[] = "/tmp/nftrace-lock.XXXXXX", err[512], *lockenv = NULL;
	int lockfd, tmpfd, status = EXIT_OK;

	lockfd = take_lock(cfg->wait);
	if (lockfd < 0)
		return lockfd == -EWOULDBLOCK ? EXIT_LOCK : EXIT_FAIL;
	tmpfd = mkstemp(lockpath);
	if (tmpfd < 0 || asprintf(&lockenv, "XTABLES_LOCKFILE=%s", lockpath) < 0) {
		errorf("private lock file: %s", strerror(errno));
		xtlock_release(lockfd);
		return EXIT_FAIL;
	}
	close(tmpfd);
	/* Every table of the families and backends asked for (by default
	 * all): a killed run may have used either. */
	for (int i = 0; i < 2; i++) {
		int r, kept;

		if (cfg->family_given && ((i == 0 && !cfg->v4) || (i == 1 && !cfg->v6)))
			continue;
		for (int b = TRACE_BACKEND_LEGACY; b <= TRACE_BACKEND_NFT; b++) {
			const char *tool = trace_rules_save_tool(fam_of[i], (enum trace_backend)b);
			char *probe[] = { (char *)tool, NULL };
			struct runcmd_result res;

			if ((b == TRACE_BACKEND_LEGACY && !strcmp(cfg->backend, "nft")) ||
			    (b == TRACE_BACKEND_NFT && !strcmp(cfg->backend, "legacy")))
				continue;
			/* A flavour that is not installed has nothing to clean. */
			if (runcmd(probe, lockenv, 256u << 20, &res) < 0)
				continue;
			runcmd_result_free(&res);
			r = trace_rules_cleanup(fam_of[i], (enum trace_backend)b, lockenv, rules_log,
						NULL, &kept, err, sizeof(err));
			if (r < 0) {
				errorf("%s", err);
				status = EXIT_FAIL;
			} else {
				logf_("Removed %d nftrace rule(s) found by %s, kept %d", r, tool, kept);
			}
		}
	}
	unlink(lockpath);
	free(lockenv);
	xtlock_release(lockfd);
	return status;
}

int main(int argc, char **argv)
{
	struct config cfg = { 0 };
	struct session s = { 0 };
	struct trace_rules tr = { 0 };
	struct logger_state ls = { 0 };
	struct snapshot sn = { 0 };
	struct undo undo;
	struct source *srcs[2] = { NULL, NULL }, *nftsrc = NULL;
	int nsrc = 0;
	struct source_nflog_config ncfg = { 0 };
	struct source_nftrace_config tcfg = { 0 };
	char err[1024], lockpath[] = "/tmp/nftrace-lock.XXXXXX";
	int status = EXIT_OK, lockfd = -1, sigfd = -1, gfd = -1, signo = 0, r;
	bool lockfile_made = false, cleanup_argv_given, captured = false;
	pid_t gpid = -1;
	sigset_t mask;
	enum stop_reason why;

	prog = optdoc_progname(argv, PROG_NAME);
	if (parse_args(argc, argv, &cfg) < 0) {
		fprintf(stderr, "Try '%s --help' for more information.\n", prog);
		status = EXIT_USAGE;
		goto out_logger;
	}
	/* stdout may be the pcapng stream: a closed reader must end us cleanly
	 * (rules removed), not kill us with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	if (cfg.netns && enter_netns(cfg.netns) < 0) {
		status = EXIT_FAIL;
		goto out_logger;
	}
	cleanup_argv_given = cfg.cleanup;
	if (cleanup_argv_given) {
		status = run_cleanup(&cfg);
		goto out_logger;
	}

	s.cfg = &cfg;
	s.ropts.verbose = cfg.verbose;
	/* Live text goes to stdout, or stderr when stdout carries the pcapng. */
	int textfd = (cfg.wfile && !strcmp(cfg.wfile, "-")) ? 2 : 1;
	if (obuf_init(&s.out, textfd, 1u << 16) < 0) {
		status = EXIT_FAIL;
		goto out_logger;
	}
	s.out.line_buffered = isatty(textfd);
	s.ropts.color = isatty(textfd);
	s.rs = ruleset_new();
	s.ag = aggregate_new(AGGREGATE_DEFAULT_MAX, cfg.verbose);
	if (!s.rs || !s.ag) {
		errorf("out of memory");
		status = EXIT_FAIL;
		goto out_logger;
	}
	if (cfg.filter) {
		pcap_t *dead = pcap_open_dead(DLT_RAW, 65535);

		if (!dead || pcap_compile(dead, &s.bpf, cfg.filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
			errorf("filter '%s': %s", cfg.filter, dead ? pcap_geterr(dead) : "no memory");
			status = EXIT_USAGE;
			goto out_logger;
		}
		pcap_close(dead);
		s.have_bpf = true;
	}

	/* Signals are read from a signalfd in the loop; blocked from here on so
	 * a Ctrl-C cannot cut a rule change in half.  A shell starts background
	 * jobs with SIGINT ignored, and an ignored signal never reaches a
	 * signalfd: take the defaults back (SIGHUP stays ignored under nohup). */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGQUIT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sigfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sigfd < 0) {
		errorf("signalfd: %s", strerror(errno));
		status = EXIT_FAIL;
		goto out_logger;
	}

	choose_backend(&cfg);
	if (cfg.use_nflog && check_logger(&cfg, &ls) < 0) {
		status = EXIT_FAIL;
		goto out_logger;
	}

	/* nfnetlink_log first: a group bound by someone else fails here,
	 * before any rule exists. */
	if (cfg.use_nflog) {
		ncfg.group = 0;
		ncfg.rcvbuf = cfg.rcvbuf;
		r = source_nflog_open(&srcs[nsrc], &ncfg, err, sizeof(err));
		if (r < 0) {
			errorf("%s", err);
			status = EXIT_FAIL;
			goto out_logger;
		}
		nsrc++;
	}

	/* Plan the rules. */
	for (int i = 0; i < 2; i++) {
		if ((i == 0 && !cfg.v4) || (i == 1 && !cfg.v6))
			continue;
		for (size_t j = 0; j < cfg.nrules; j++) {
			if (trace_rules_add(&tr, fam_of[i], cfg.rules_backend, cfg.rules[j].chain,
					    cfg.rules[j].match, (unsigned long)getpid(),
					    cfg.limit) < 0) {
				errorf("out of memory");
				status = EXIT_FAIL;
				goto out_source;
			}
		}
	}
	if (!cfg.nrules)
		logf_("Assuming TRACE rule(s) handled separately");
	{
		int tfd = mkstemp(lockpath);

		if (tfd < 0 || trace_rules_set_lockfile(&tr, lockpath) < 0) {
			errorf("private lock file %s: %s", lockpath, strerror(errno));
			status = EXIT_FAIL;
			goto out_source;
		}
		close(tfd);
		lockfile_made = true;
	}
	r = trace_rules_probe(&tr);
	if (r < 0) {
		errorf("nft: %s", strerror(-r));
		status = EXIT_FAIL;
		goto out_source;
	}

	if (tr.n || ls.changed[0] || ls.changed[1]) {
		undo = (struct undo){ &tr, &ls, cfg.wait };
		gpid = guardian_start(undo_capture, &undo, &gfd);
		if (gpid < 0) {
			errorf("cannot start the guardian process: %s", strerror(errno));
			status = EXIT_FAIL;
			goto out_source;
		}
	}

	lockfd = take_lock(cfg.wait);
	if (lockfd < 0) {
		status = lockfd == -EWOULDBLOCK ? EXIT_LOCK : EXIT_FAIL;
		goto out_guardian;
	}
	r = trace_rules_install(&tr, rules_log, NULL, err, sizeof(err));
	if (r < 0) {
		errorf("%s%s", err, r == -EINVAL && cfg.v4 && cfg.v6 && cfg.nrules ?
		       "\nWith -4 -6 the same RULE goes into both iptables and ip6tables: give "
		       "one that suits both, or run -4 and -6 separately" : "");
		status = r == -EINVAL ? EXIT_USAGE : EXIT_FAIL;
		goto out_unlock;
	}
	if (cfg.use_nft) {
		/* After the inserts, still under the lock: its rule map and
		 * snapshot then hold the TRACE rules with their positions. */
		tcfg.rcvbuf = cfg.rcvbuf;
		tcfg.resolve_rules = true;
		r = source_nftrace_open(&nftsrc, &tcfg, err, sizeof(err));
		if (r < 0) {
			errorf("%s", err);
			status = EXIT_FAIL;
			goto out_rules;
		}
		srcs[nsrc++] = nftsrc;
	}
	if (nsrc > 1 && !(s.il = interleave_new())) {
		errorf("out of memory");
		status = EXIT_FAIL;
		goto out_rules;
	}
	if (take_snapshot(&cfg, &tr, &sn, s.rs, nftsrc) < 0) {
		status = EXIT_FAIL;
		goto out_rules;
	}
	if (cfg.hold_lock)
		logf_("Holding the xtables lock %s: firewall managers (kube-proxy, calico, "
		      "firewalld) cannot change rules until the capture ends", xtlock_path());
	else {
		xtlock_release(lockfd);
		lockfd = -1;
	}

	if (cfg.wfile && start_writer(&s, cfg.wfile, &sn) < 0) {
		status = EXIT_FAIL;
		goto out_rules;
	}

	r = privs_drop(cfg.rules_backend == TRACE_BACKEND_LEGACY);
	if (r < 0)
		logf_("Warning: could not drop capabilities: %s", strerror(-r));
	captured = true;
	status_on = isatty(2);
	why = capture_loop(&s, srcs, nsrc, sigfd, &signo);
	status_clear();
	status_on = false;
	if (why == STOP_ERROR)
		status = EXIT_FAIL;
	if (why == STOP_SIGNAL)
		logf_("Got %s, stopping", strsignal(signo));
	if (why == STOP_BRAKE) {
		errorf("safety brake: more than %llu trace events in one second (--max-rate); "
		       "removing the TRACE rules now.\nNarrow the rule (-p/-o match options), "
		       "rate-limit it with -l (e.g. -l 100/second), or raise --max-rate.",
		       (unsigned long long)cfg.max_rate);
		status = EXIT_FAIL;
	}

out_rules:
	if (lockfd < 0) {
		lockfd = take_lock(cfg.wait);
		if (lockfd < 0)
			errorf("removing the rules without the lock");
	}
	if (!cfg.hold_lock && status == EXIT_OK)
		check_ruleset_changed(&cfg, &tr, &sn);
	if (trace_rules_remove(&tr, rules_log, NULL, err, sizeof(err)) < 0) {
		errorf("%s", err);
		status = EXIT_FAIL;
	}
out_unlock:
	xtlock_release(lockfd);
out_guardian:
	restore_logger(&ls);
	/* Rules gone and logger restored: the guardian has nothing left to do. */
	guardian_done(gpid, gfd);
out_source:
	if (nsrc) {
		struct source_stats st = { 0 };
		char dropnote[64] = "";

		/* What arrived before the rules were gone still counts: read
		 * until the sockets are empty (for a second at most, as other
		 * logs may share the group). */
		if (status == EXIT_OK || s.w) {
			uint64_t until = mono_ms() + 1000;

			for (int i = 0; i < nsrc; i++)
				while (read_source(&s, srcs, i) > 0 && mono_ms() < until)
					;
		}
		if (s.il)
			interleave_flush(s.il, on_event, &s, false);
		obuf_flush(&s.out);
		for (int i = 0; i < nsrc; i++) {
			struct source_stats one;

			srcs[i]->ops->stats(srcs[i], &one);
			st.events += one.events;
			st.overruns += one.overruns;
			/* Drops after the last delivered event leave no sequence
			 * gap; the socket's counter has them. */
			if (one.sock_drops != UINT64_MAX && one.sock_drops > one.lost)
				one.lost = one.sock_drops;
			st.lost += one.lost;
			if (one.sock_drops != UINT64_MAX)
				snprintf(dropnote, sizeof(dropnote),
					 " (socket drop counter: %llu)",
					 (unsigned long long)one.sock_drops);
		}
		if (s.w) {
			struct pcapng_stats ps = {
				.ts_ns = s.last_ts, .start_ns = s.first_ts, .end_ns = s.last_ts,
				.ifrecv = st.events + st.lost, .ifdrop = st.lost, .usrdeliv = s.written,
			};
			struct timespec now;
			char tail[96];

			/* Events lost with no record written after them have
			 * no EPB to carry the count: the ISB says so. */
			if (st.lost > s.lost_marked) {
				snprintf(tail, sizeof(tail), "%llu events lost with no record after them",
					 (unsigned long long)(st.lost - s.lost_marked));
				ps.comment = tail;
			}
			clock_gettime(CLOCK_REALTIME, &now);
			ps.ts_ns = ps.end_ns = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
			if (!ps.start_ns)
				ps.start_ns = ps.end_ns;
			int r1 = pcapng_writer_stats(s.w, &ps), r2 = pcapng_writer_close(s.w);

			if (r1 < 0 || r2 < 0) {
				/* the writer's error sticks: say it once */
				if (!s.write_err)
					errorf("writing %s: %s", cfg.wfile,
					       strerror(-(r1 < 0 ? r1 : r2)));
				s.write_err = r1 < 0 ? r1 : r2;
				status = EXIT_FAIL;
			}
			s.w = NULL;
		}
		if (!cfg.quiet && s.events + s.filtered > 0)
			render_aggregate(&s.out, s.ag);
		obuf_flush(&s.out);
		if (captured)
			logf_("%llu events of %llu packets captured, %llu lost by the kernel%s%s%s%s",
			      (unsigned long long)s.events, (unsigned long long)s.packets,
			      (unsigned long long)st.lost, dropnote,
			      st.overruns ? ", receive buffer overrun: raise --rcvbuf" : "",
			      s.write_err ? "; the file holds those written before the error, up to " : "",
			      s.write_err ? "its last whole block" : "");
		if (captured && nftsrc) {
			struct source_nftrace_stats xs;

			source_nftrace_stats(nftsrc, &xs);
			if (xs.other_family)
				logf_("%llu nf_tables trace events of bridge/netdev/arp tables skipped: "
				      "nftrace traces IPv4 and IPv6", (unsigned long long)xs.other_family);
			if (xs.inexact)
				logf_("%llu nf_tables trace events without rule position and text: the "
				      "ruleset changed again before it could be re-read",
				      (unsigned long long)xs.inexact);
		}
		for (int i = 0; i < nsrc; i++)
			srcs[i]->ops->close(srcs[i]);
	}
out_logger:
	restore_logger(&ls);
	if (lockfile_made)
		unlink(lockpath);
	if (s.have_bpf)
		pcap_freecode(&s.bpf);
	for (size_t i = 0; i < sn.nparts; i++)
		free(sn.parts[i]);
	free(sn.parts);
	free(sn.save[0]);
	free(sn.save[1]);
	trace_rules_free(&tr);
	for (size_t i = 0; i < cfg.nrules; i++)
		rulespec_free(cfg.rules[i].match);
	free(cfg.filter);
	free(cfg.cmdline);
	ruleset_free(s.rs);
	aggregate_free(s.ag);
	interleave_free(s.il);
	obuf_free(&s.out);
	if (sigfd >= 0)
		close(sigfd);
	return status;
}
