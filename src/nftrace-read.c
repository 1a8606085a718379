/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nftrace-read - render saved trace captures: the nftrace text format,
 * packet paths, rule statistics, JSON Lines or a Graphviz graph, over one
 * or more files merged in time order, filtered by packet.
 *
 * main() only wires the modules: merge (files -> events), paths (events ->
 * packets, bounded), filter, and one view.  The plain text view without a
 * filter takes the direct road, event by event, with nothing stored.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "aggregate.h"
#include "filter.h"
#include "merge.h"
#include "obuf.h"
#include "optdoc.h"
#include "paths.h"
#include "render_dot.h"
#include "render_json.h"
#include "render_paths.h"
#include "render_text.h"
#include "ruleset.h"
#include "stats.h"

#define PROG_NAME "nftrace-read"
#define RULES_FILE_MAX (64u << 20)

/* argv[0]'s base name (optdoc_progname()), for messages */
static const char *prog = PROG_NAME;

enum {
	OPT_RULES = 256, OPT_NO_AGGREGATE, OPT_COLOR, OPT_VERSION, OPT_PATHS, OPT_STATS,
	OPT_JSON, OPT_DOT, OPT_ID, OPT_TABLE, OPT_CHAIN, OPT_VERDICT, OPT_SINCE, OPT_UNTIL,
	OPT_WINDOW,
};

static const struct optdoc options[] = {
	{ { "read", required_argument, NULL, 'r' }, 'r', "FILE",
	  "read FILE (repeatable; '-' = standard input); the words after the "
	  "options are then a filter EXPRESSION" },
	{ { "rules", required_argument, NULL, OPT_RULES }, 0, "FILE",
	  "resolve rule text from iptables-save/ip6tables-save output in FILE" },
	{ { "paths", no_argument, NULL, OPT_PATHS }, 0, NULL,
	  "one block per packet: its hops in order and where its fate was decided" },
	{ { "stats", no_argument, NULL, OPT_STATS }, 0, NULL,
	  "traced packets per rule and chain, the drop points, fates and losses" },
	{ { "json", no_argument, NULL, OPT_JSON }, 0, NULL,
	  "JSON Lines: one object per event (with --paths: per packet)" },
	{ { "dot", no_argument, NULL, OPT_DOT }, 0, NULL,
	  "the paths as a Graphviz graph (| dot -Tsvg > paths.svg)" },
	{ { "id", required_argument, NULL, OPT_ID }, 0, "ID[,ID]",
	  "only these packets (packet IDs, hex, 0x optional; repeatable)" },
	{ { "table", required_argument, NULL, OPT_TABLE }, 0, "NAME",
	  "only packets with a hop in table NAME (repeatable)" },
	{ { "chain", required_argument, NULL, OPT_CHAIN }, 0, "NAME",
	  "only packets with a hop in chain NAME (repeatable; with --table: the same hop)" },
	{ { "verdict", required_argument, NULL, OPT_VERDICT }, 0, "V",
	  "only packets whose fate is V: accept, drop, queue, stolen, unknown, in any "
	  "case; REJECT is drop, NFQUEUE is queue (repeatable)" },
	{ { "since", required_argument, NULL, OPT_SINCE }, 0, "TIME",
	  "only packets first seen at or after TIME: YYYY-MM-DD HH:MM:SS[.frac], "
	  "local time, or with Z or +HH:MM; or @SECONDS since the epoch" },
	{ { "until", required_argument, NULL, OPT_UNTIL }, 0, "TIME",
	  "only packets first seen before TIME" },
	{ { "window", required_argument, NULL, OPT_WINDOW }, 0, "SECONDS",
	  "a packet's path is complete after SECONDS of capture time without an "
	  "event for it (default 1)" },
	{ { "verbose", no_argument, NULL, 'v' }, 'v', NULL,
	  "per-event detail (time, hook, interfaces, mark, uid, verdict) and tcpdump -v packet lines" },
	{ { "no-aggregate", no_argument, NULL, OPT_NO_AGGREGATE }, 0, NULL,
	  "leave out the Aggregated packets section" },
	{ { "color", optional_argument, NULL, OPT_COLOR }, 0, "WHEN",
	  "colour drops red and accepts green: always (--color alone), never, or "
	  "auto: on a terminal (the default)" },
	{ { "help", no_argument, NULL, 'h' }, 'h', NULL, "show this help and exit" },
	{ { "version", no_argument, NULL, OPT_VERSION }, 'V', NULL, "show the version and exit" },
};
#define NOPTIONS (sizeof(options) / sizeof(options[0]))

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s [OPTION]... FILE...\n"
		"       %s [OPTION]... -r FILE [-r FILE]... [EXPRESSION]\n"
		"Render nftrace captures (pcapng or pcap, plain or gzip, of LINKTYPE_NFLOG\n"
		"TRACE records) in the nftrace text format, as packet paths, statistics,\n"
		"JSON or a graph.  Several files are merged in time order.  EXPRESSION is a\n"
		"pcap filter (as tcpdump takes it) on the packet.  Filters select whole\n"
		"packets and combine with AND.\n\n", prog, prog);
	optdoc_print(f, options, NOPTIONS, true);
	fprintf(f, "\nExit status: 0 ok, 1 a file is corrupt, truncated or unreadable, 2 usage error.\n"
		"See nftrace-read(1).\n");
}

enum view { VIEW_TEXT, VIEW_PATHS, VIEW_STATS, VIEW_DOT };

struct reader {
	enum view view;
	bool json, aggregate;
	struct render_opts ropts;
	struct render_paths_opts popts;
	struct ruleset *user_rules;	/* --rules */
	struct filter *flt;
	struct obuf out;
	struct merge *m;
	struct paths *ps;
	struct aggregate *ag;
	struct stats *st;
	struct dot *dot;
	uint64_t window_ns;
	uint64_t too_big;		/* events that did not fit the window */
};

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A one-line hint on stderr; returns the exit code 2. */
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
	return 2;
}

static int load_rules_file(struct ruleset *rs, const char *path)
{
	char err[256];
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = 0;

	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return -1;
	}
	for (;;) {
		ssize_t n;

		if (len + 65536 + 1 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 131072;
			if (cap > RULES_FILE_MAX + 65536 + 1) {
				fprintf(stderr, "%s: %s: larger than %u MiB\n", prog, path,
					RULES_FILE_MAX >> 20);
				r = -1;
				goto out;
			}
			nb = realloc(buf, cap);
			if (!nb) {
				fprintf(stderr, "%s: %s: out of memory\n", prog, path);
				r = -1;
				goto out;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
			r = -1;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (ruleset_add_save(rs, 0, buf ? buf : "", len, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, err);
		r = -1;
	}
out:
	free(buf);
	close(fd);
	return r;
}

/* ---- the views, as paths callbacks -------------------------------------- */

static bool cb_admit(void *arg, const struct trace_event *ev)
{
	return filter_admit(((struct reader *)arg)->flt, ev);
}

static bool cb_select(void *arg, const struct paths_pkt *p)
{
	return filter_select(((struct reader *)arg)->flt, p);
}

static void cb_event(void *arg, const struct trace_event *ev, void *ctx, const struct paths_pkt *p)
{
	struct reader *rd = arg;
	const struct merge_snap *snap = ctx;

	if (rd->json) {
		render_json_event(&rd->out, ev, snap, p);
		obuf_endline(&rd->out);
		return;
	}
	render_event(&rd->out, ev, &rd->ropts, snap ? snap->rs : NULL);
	if (rd->ag)
		aggregate_add(rd->ag, ev);
}

static void cb_packet(void *arg, const struct paths_pkt *p)
{
	struct reader *rd = arg;

	switch (rd->view) {
	case VIEW_PATHS:
		if (rd->json) {
			render_json_packet(&rd->out, p);
			obuf_endline(&rd->out);
		} else {
			render_paths_packet(&rd->out, p, &rd->popts);
		}
		break;
	case VIEW_STATS:
		stats_add_packet(rd->st, p);
		break;
	case VIEW_DOT:
		dot_add_packet(rd->dot, p);
		break;
	case VIEW_TEXT:
		break;
	}
}

static void cb_warn(void *arg, const char *file, const char *msg)
{
	(void)arg;
	fprintf(stderr, "%s: %s: %s\n", prog, file, msg);
}

/* How events travel: straight to the text view, or through paths. */
static int setup_views(struct reader *rd)
{
	bool need_paths = rd->view != VIEW_TEXT || rd->json || filter_any(rd->flt);
	struct paths_config pc = {
		.release = rd->view == VIEW_TEXT ? PATHS_EVENTS : PATHS_PACKETS,
		.wait = filter_needs_path(rd->flt),
		.gap_ns = rd->window_ns,
		.keep_payload = rd->view == VIEW_TEXT && !rd->json,
		.summaries = rd->json || rd->view == VIEW_PATHS,
		.verbose = rd->ropts.verbose,
		.admit = filter_any(rd->flt) ? cb_admit : NULL,
		.select = filter_needs_path(rd->flt) ? cb_select : NULL,
		.event = cb_event,
		.packet = cb_packet,
		.ctx_ref = merge_snap_ref,
		.ctx_unref = merge_snap_unref,
		.arg = rd,
	};

	if (rd->view == VIEW_TEXT && !rd->json && rd->aggregate) {
		rd->ag = aggregate_new(AGGREGATE_DEFAULT_MAX, rd->ropts.verbose);
		if (!rd->ag)
			return -ENOMEM;
	}
	if (rd->view == VIEW_STATS && !(rd->st = stats_new()))
		return -ENOMEM;
	if (rd->view == VIEW_DOT && !(rd->dot = dot_new(merge_nfiles(rd->m) > 1)))
		return -ENOMEM;
	if (need_paths && !(rd->ps = paths_new(&pc)))
		return -ENOMEM;
	return 0;
}

/* ---- progress through large files ----------------------------------------
 * On a terminal only (stderr is a tty), and only where it cannot garble
 * the output: standard output redirected to a file, or a view that prints
 * at the end (--stats, --dot).  Never into pipes or files. */

static bool progress_on, progress_shown;

static void progress_clear(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		progress_shown = false;
	}
}

static void progress_draw(const struct merge *m, uint64_t events)
{
	uint64_t done, total;

	merge_progress(m, &done, &total);
	if (!total)
		return;
	fprintf(stderr, "\r\033[K%s: %llu%% of %llu MiB, %llu events", prog,
		(unsigned long long)(done * 100 / total),
		(unsigned long long)(total >> 20), (unsigned long long)events);
	fflush(stderr);
	progress_shown = true;
}

static void progress_setup(const struct reader *rd)
{
	struct stat st;

	if (!isatty(2) || fstat(1, &st) < 0 || S_ISFIFO(st.st_mode))
		return;
	progress_on = !isatty(1) || rd->view == VIEW_STATS || rd->view == VIEW_DOT;
}

/* All events of all files; returns 1 if a file failed. */
static int run(struct reader *rd)
{
	struct trace_event ev;
	struct merge_snap *snap;
	const char *errfile;
	char err[320];
	int r, status = 0;
	uint64_t events = 0, next_draw = 0;

	progress_setup(rd);
	while ((r = merge_next(rd->m, &ev, &snap, &errfile, err, sizeof(err))) != 0) {
		/* A clock read per 64k events keeps this off the hot path. */
		if (progress_on && (++events & 0xffff) == 0) {
			struct timespec ts;
			uint64_t now;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			now = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
			if (now >= next_draw) {
				progress_draw(rd->m, events);
				next_draw = now + 250;
			}
		}
		if (r < 0) {
			progress_clear();
			obuf_flush(&rd->out);
			fprintf(stderr, "%s: %s: %s\n", prog, errfile, err);
			status = 1;
			continue;
		}
		if (!rd->ps) {
			render_event(&rd->out, &ev, &rd->ropts, snap ? snap->rs : NULL);
			if (rd->ag)
				aggregate_add(rd->ag, &ev);
			continue;
		}
		/* Only an event larger than the whole window fails. */
		if (paths_add(rd->ps, &ev, snap, snap ? snap->file_index : 0) < 0)
			rd->too_big++;
	}
	progress_clear();
	if (rd->ps)
		paths_finish(rd->ps);
	return status;
}

static void finish_views(struct reader *rd)
{
	if (rd->ag)
		render_aggregate(&rd->out, rd->ag);
	if (rd->st) {
		struct merge_counters mc;
		size_t n = merge_nfiles(rd->m);
		struct merge_file_stats *fs = calloc(n ? n : 1, sizeof(*fs));
		struct stats_losses l = { .files = fs, .nfiles = fs ? n : 0 };

		merge_counters(rd->m, &mc);
		l.lost = mc.lost;
		for (size_t i = 0; fs && i < n; i++)
			merge_file_stats(rd->m, i, &fs[i]);
		stats_render(rd->st, &rd->out, &l, rd->popts.color);
		free(fs);
	}
	if (rd->dot)
		dot_render(rd->dot, &rd->out);
}

static void report(struct reader *rd)
{
	struct merge_counters mc;

	merge_counters(rd->m, &mc);
	if (rd->ps) {
		struct paths_counters pc;

		paths_counters(rd->ps, &pc);
		if (pc.forced)
			fprintf(stderr, "%s: %llu packets were completed early to stay within the "
				"memory bounds (%u open packets, %u MiB of held events); their paths "
				"may be incomplete or split\n", prog, (unsigned long long)pc.forced,
				PATHS_DEFAULT_MAX_PACKETS, (unsigned)(PATHS_DEFAULT_MAX_BYTES >> 20));
	}
	if (rd->too_big)
		fprintf(stderr, "%s: %llu events larger than the %u MiB window skipped\n", prog,
			(unsigned long long)rd->too_big, (unsigned)(PATHS_DEFAULT_MAX_BYTES >> 20));
	if (rd->dot && dot_dropped_steps(rd->dot))
		fprintf(stderr, "%s: the graph leaves out %llu steps: at most %u nodes and %u edges\n",
			prog, (unsigned long long)dot_dropped_steps(rd->dot), DOT_MAX_NODES,
			DOT_MAX_EDGES);
	if (mc.lost)
		fprintf(stderr, "%s: %llu events were lost during the capture\n", prog,
			(unsigned long long)mc.lost);
	/* What each file held that is no trace event. */
	for (size_t i = 0; i < merge_nfiles(rd->m); i++) {
		struct merge_file_stats fs;

		merge_file_stats(rd->m, i, &fs);
		if (fs.non_trace)
			fprintf(stderr, fs.non_trace == 1 ?
				"%s: %s: %llu NFLOG record that is not a TRACE event skipped\n" :
				"%s: %s: %llu NFLOG records that are not TRACE events skipped\n",
				prog, fs.file, (unsigned long long)fs.non_trace);
		if (fs.bad_records)
			fprintf(stderr, "%s: %s: %llu malformed NFLOG record%s skipped\n", prog,
				fs.file, (unsigned long long)fs.bad_records,
				fs.bad_records == 1 ? "" : "s");
		if (fs.other_linktype)
			fprintf(stderr, "%s: %s: %llu record%s of another link type than NFLOG skipped\n",
				prog, fs.file, (unsigned long long)fs.other_linktype,
				fs.other_linktype == 1 ? "" : "s");
	}
}

/* Is the input a stream being followed (nftrace-capture -w - | nftrace-read -)? */
static bool following(const char **files, size_t nfiles)
{
	struct stat st;

	for (size_t i = 0; i < nfiles; i++)
		if (!strcmp(files[i], "-"))
			return fstat(0, &st) == 0 && !S_ISREG(st.st_mode);
	return false;
}

/* Join the words of the filter expression with spaces. */
static char *join(char **w, int n)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < n; i++)
		len += strlen(w[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, w[i]);
	}
	return s;
}

static int parse_window(const char *s, uint64_t *ns)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 3600)
		return -EINVAL;
	*ns = (uint64_t)(v * 1e9);
	return *ns ? 0 : -EINVAL;
}

static int read_main(int argc, char **argv, struct reader *rd, const char **files)
{
	struct option longopts[NOPTIONS + 1];
	size_t nfiles = 0;
	const char *color = "auto";
	char err[512];
	int c, status = 0, nviews = 0;

	optdoc_longopts(options, NOPTIONS, longopts);
	while ((c = getopt_long(argc, argv, "r:vhV", longopts, NULL)) != -1) {
		int r = 0;
		const char *opt = NULL;

		err[0] = '\0';
		switch (c) {
		case 'r':
			files[nfiles++] = optarg;
			break;
		case OPT_RULES:
			if (!rd->user_rules)
				rd->user_rules = ruleset_new();
			if (!rd->user_rules || load_rules_file(rd->user_rules, optarg) < 0)
				return 2;
			break;
		case OPT_PATHS:
			rd->view = VIEW_PATHS;
			nviews++;
			break;
		case OPT_STATS:
			rd->view = VIEW_STATS;
			nviews++;
			break;
		case OPT_DOT:
			rd->view = VIEW_DOT;
			nviews++;
			break;
		case OPT_JSON:
			rd->json = true;
			break;
		case OPT_ID:
			opt = "--id";
			r = filter_add_ids(rd->flt, optarg, err, sizeof(err));
			break;
		case OPT_TABLE:
			opt = "--table";
			r = filter_add_table(rd->flt, optarg, err, sizeof(err));
			break;
		case OPT_CHAIN:
			opt = "--chain";
			r = filter_add_chain(rd->flt, optarg, err, sizeof(err));
			break;
		case OPT_VERDICT:
			opt = "--verdict";
			r = filter_add_verdict(rd->flt, optarg, err, sizeof(err));
			break;
		case OPT_SINCE:
			opt = "--since";
			r = filter_set_since(rd->flt, optarg, err, sizeof(err));
			break;
		case OPT_UNTIL:
			opt = "--until";
			r = filter_set_until(rd->flt, optarg, err, sizeof(err));
			break;
		case OPT_WINDOW:
			if (parse_window(optarg, &rd->window_ns) < 0)
				return usage_error("--window: '%s' is not a number of seconds "
						   "(more than 0, at most 3600)", optarg);
			break;
		case 'v':
			rd->ropts.verbose = true;
			break;
		case OPT_NO_AGGREGATE:
			rd->aggregate = false;
			break;
		case OPT_COLOR:
			/* as ls: --color alone is always; WHEN only as --color=WHEN */
			if (!optarg)
				optarg = (char *)"always";
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never"))
				return usage_error("--color: '%s' is not auto, always or never",
						   optarg);
			color = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
		case OPT_VERSION:
			printf("%s %s\n", PROG_NAME, PACKAGE_VERSION);
			return 0;
		default:
			fprintf(stderr, "Try '%s --help' for more information.\n", prog);
			return 2;
		}
		if (r == -ENOMEM) {
			fprintf(stderr, "%s: out of memory\n", prog);
			return 1;
		}
		if (r < 0)
			return usage_error("%s: %s", opt, err);
	}
	if (nviews > 1)
		return usage_error("--paths, --stats and --dot are different views: choose one");
	if (rd->json && (rd->view == VIEW_STATS || rd->view == VIEW_DOT))
		return usage_error("--json goes with the event and --paths views, not with %s",
				   rd->view == VIEW_STATS ? "--stats" : "--dot");
	if (nfiles == 0) {
		for (int i = optind; i < argc; i++)
			files[nfiles++] = argv[i];
	} else if (optind < argc) {
		char *expr = join(argv + optind, argc - optind);

		if (!expr) {
			fprintf(stderr, "%s: out of memory\n", prog);
			return 1;
		}
		c = filter_set_expression(rd->flt, expr, err, sizeof(err));
		free(expr);
		if (c == -ENOMEM) {
			fprintf(stderr, "%s: out of memory\n", prog);
			return 1;
		}
		if (c < 0)
			return usage_error("filter expression %s", err);
	}
	if (nfiles == 0)
		return usage_error("no capture file given");
	rd->ropts.color = !strcmp(color, "always") || (!strcmp(color, "auto") && isatty(1));
	if (rd->json)
		rd->ropts.color = false;
	rd->popts.color = rd->ropts.color;
	rd->popts.show_file = nfiles > 1;
	if (obuf_init(&rd->out, 1, 1u << 18) < 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	/* Followed input wants each line as it is rendered. */
	rd->out.line_buffered = isatty(1) || following(files, nfiles);

	rd->m = merge_new(rd->user_rules);
	if (!rd->m) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	merge_set_warn(rd->m, cb_warn, NULL);
	for (size_t i = 0; i < nfiles; i++)
		if (merge_add(rd->m, files[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "%s: %s: %s\n", prog, files[i], err);
			status = 1;
		}
	if (setup_views(rd) < 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	status |= run(rd);
	finish_views(rd);
	if (obuf_flush(&rd->out) < 0 && rd->out.err != -EPIPE) {
		fprintf(stderr, "%s: writing output: %s\n", prog, strerror(-rd->out.err));
		status = 1;
	}
	report(rd);
	return status;
}

/* Every way out of read_main() comes back here, so what it set up is
 * always freed (the sanitizer build checks for leaks on usage errors too). */
int main(int argc, char **argv)
{
	struct reader rd = { .aggregate = true };
	const char **files = calloc((size_t)argc + 1, sizeof(*files));
	int status;

	prog = optdoc_progname(argv, PROG_NAME);
	rd.flt = filter_new();
	if (!files || !rd.flt) {
		fprintf(stderr, "%s: out of memory\n", prog);
		status = 1;
	} else {
		status = read_main(argc, argv, &rd, files);
	}
	obuf_free(&rd.out);
	paths_free(rd.ps);	/* before merge_free: it holds snapshot references */
	merge_free(rd.m);
	aggregate_free(rd.ag);
	stats_free(rd.st);
	dot_free(rd.dot);
	filter_free(rd.flt);
	ruleset_free(rd.user_rules);
	free(files);
	return status;
}
