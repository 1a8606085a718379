/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nftrace-read - render saved trace captures in the nftrace text format.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "aggregate.h"
#include "capfile.h"
#include "nflog_record.h"
#include "obuf.h"
#include "packet_id.h"
#include "render_text.h"
#include "ruleset.h"

#define PROG "nftrace-read"
#define RULES_FILE_MAX (64u << 20)

enum { OPT_RULES = 256, OPT_NO_AGGREGATE, OPT_COLOR, OPT_VERSION };

static const struct option_doc {
	struct option opt;
	int shortopt;
	const char *arg, *help;
} options[] = {
	{ { "read", required_argument, NULL, 'r' }, 'r', "FILE",
	  "read FILE (repeatable; '-' = standard input)" },
	{ { "rules", required_argument, NULL, OPT_RULES }, 0, "FILE",
	  "resolve rule text from iptables-save/ip6tables-save output in FILE" },
	{ { "verbose", no_argument, NULL, 'v' }, 'v', NULL,
	  "per-event detail (time, hook, interfaces, mark, uid, verdict) and tcpdump -v packet lines" },
	{ { "no-aggregate", no_argument, NULL, OPT_NO_AGGREGATE }, 0, NULL,
	  "leave out the Aggregated packets section" },
	{ { "color", required_argument, NULL, OPT_COLOR }, 0, "WHEN",
	  "colour drops red and accepts green: auto (on a terminal), always, never" },
	{ { "help", no_argument, NULL, 'h' }, 'h', NULL, "show this help and exit" },
	{ { "version", no_argument, NULL, OPT_VERSION }, 'V', NULL, "show the version and exit" },
};
#define NOPTIONS (sizeof(options) / sizeof(options[0]))

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s [OPTION]... FILE...\n"
		"       %s [OPTION]... -r FILE [-r FILE]...\n"
		"Render nftrace captures (pcapng or pcap, plain or gzip, of LINKTYPE_NFLOG\n"
		"TRACE records) in the nftrace text format.\n\n", PROG, PROG);
	for (size_t i = 0; i < NOPTIONS; i++) {
		const struct option_doc *d = &options[i];
		char left[64];

		if (d->shortopt)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", d->shortopt, d->opt.name,
				 d->arg ? " " : "", d->arg ? d->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", d->opt.name,
				 d->arg ? "=" : "", d->arg ? d->arg : "");
		fprintf(f, "  %-26s %s\n", left, d->help);
	}
	fprintf(f, "\nExit status: 0 ok, 1 a file is corrupt, truncated or unreadable, 2 usage error.\n"
		"See nftrace-read(1).\n");
}

struct reader {
	struct render_opts ropts;
	bool aggregate;
	struct ruleset *user_rules;	/* --rules */
	struct obuf out;
	struct aggregate *ag;
	uint64_t lost;			/* epb_dropcount + what ISBs say */
	uint64_t other_linktype, non_trace, bad_records;
	char scratch[65536];
};

static int load_rules_file(struct ruleset *rs, const char *path)
{
	char err[256];
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = 0;

	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", PROG, path, strerror(errno));
		return -1;
	}
	for (;;) {
		ssize_t n;

		if (len + 65536 + 1 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 131072;
			if (cap > RULES_FILE_MAX + 65536 + 1) {
				fprintf(stderr, "%s: %s: larger than %u MiB\n", PROG, path,
					RULES_FILE_MAX >> 20);
				r = -1;
				goto out;
			}
			nb = realloc(buf, cap);
			if (!nb) {
				fprintf(stderr, "%s: %s: out of memory\n", PROG, path);
				r = -1;
				goto out;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: %s: %s\n", PROG, path, strerror(errno));
			r = -1;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (ruleset_add_save(rs, 0, buf ? buf : "", len, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s: %s\n", PROG, path, err);
		r = -1;
	}
out:
	free(buf);
	close(fd);
	return r;
}

/* A new section: its snapshot becomes the ruleset for its records. */
static struct ruleset *section_rules(const struct capfile_section *sec, const char *path)
{
	struct ruleset *rs = ruleset_new();
	char err[256];

	if (!rs)
		return NULL;
	for (unsigned i = 0; i < sec->ncomments; i++)
		if (ruleset_add_comment(rs, sec->comments[i].p, sec->comments[i].len, err,
					sizeof(err)) < 0)
			fprintf(stderr, "%s: %s: ruleset snapshot ignored: %s\n", PROG, path, err);
	return rs;
}

static void resolve(struct reader *rd, const struct ruleset *snap,
		    const struct capfile_record *rec, struct trace_event *ev)
{
	if (rd->user_rules && ruleset_lookup(rd->user_rules, ev, &ev->rule_text))
		return;
	for (unsigned i = 0; i < rec->ncomments; i++)
		if (render_comment_parse(rec->comments[i].p, rec->comments[i].len, ev,
					 rd->scratch, sizeof(rd->scratch)) >= 0) {
			if (ev->rule_text.len)
				return;
			break;
		}
	if (snap)
		ruleset_lookup(snap, ev, &ev->rule_text);
}

/* Returns 0, or 1 when the file is corrupt/truncated/unreadable. */
static int read_file(struct reader *rd, const char *path)
{
	struct capfile *cf = NULL;
	struct capfile_record rec;
	struct ruleset *snap = NULL;
	uint32_t section = UINT32_MAX;
	int r, ret = 0;

	r = capfile_open(&cf, path);
	if (r < 0) {
		if (cf)
			fprintf(stderr, "%s: %s: %s at offset %llu\n", PROG, path, capfile_error(cf),
				(unsigned long long)capfile_error_offset(cf));
		else
			fprintf(stderr, "%s: %s: %s\n", PROG, path, strerror(-r));
		capfile_close(cf);
		return 1;
	}
	while ((r = capfile_next(cf, &rec)) == 1) {
		struct trace_event ev;
		char err[160];

		if (rec.section != section) {
			section = rec.section;
			ruleset_free(snap);
			snap = section_rules(capfile_section(cf), path);
		}
		if (rec.linktype != 239) {
			rd->other_linktype++;
			continue;
		}
		memset(&ev, 0, sizeof(ev));
		ev.verdict = TRACE_VERDICT_NONE;
		if (nflog_record_parse(rec.data, rec.caplen, rec.swapped, &ev, err, sizeof(err)) < 0) {
			rd->bad_records++;
			continue;
		}
		if (ev.kind == TRACE_KIND_UNKNOWN) {
			rd->non_trace++;
			continue;
		}
		ev.ts_ns = rec.ts_ns;
		if (rec.have & CAPFILE_HAVE_DROPCOUNT) {
			ev.dropcount = rec.dropcount;
			rd->lost += rec.dropcount;
		}
		/* The payload is the record's tail: what the record misses of
		 * the original length, the packet misses. */
		ev.len = ev.caplen + (rec.len > rec.caplen ? rec.len - rec.caplen : 0);
		if (rec.have & CAPFILE_HAVE_PACKET_ID) {
			ev.id = rec.packet_id & PACKET_ID_MASK;
			ev.have |= TE_HAVE_ID;
		} else {
			ev.id = packet_id(ev.family, ev.payload, ev.caplen);
		}
		resolve(rd, snap, &rec, &ev);
		render_event(&rd->out, &ev, &rd->ropts, snap);
		if (rd->ag)
			aggregate_add(rd->ag, &ev);
	}
	if (r < 0) {
		obuf_flush(&rd->out);
		fprintf(stderr, "%s: %s: %s at offset %llu\n", PROG, path, capfile_error(cf),
			(unsigned long long)capfile_error_offset(cf));
		ret = 1;
	}
	ruleset_free(snap);
	capfile_close(cf);
	return ret;
}

int main(int argc, char **argv)
{
	struct reader rd = { .aggregate = true };
	struct option longopts[NOPTIONS + 1];
	const char **files = NULL;
	size_t nfiles = 0;
	const char *color = "auto";
	int c, status = 0;

	for (size_t i = 0; i < NOPTIONS; i++)
		longopts[i] = options[i].opt;
	memset(&longopts[NOPTIONS], 0, sizeof(longopts[0]));
	files = calloc((size_t)argc + 1, sizeof(*files));
	rd.user_rules = NULL;
	if (!files)
		return 1;
	while ((c = getopt_long(argc, argv, "r:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			files[nfiles++] = optarg;
			break;
		case OPT_RULES:
			if (!rd.user_rules)
				rd.user_rules = ruleset_new();
			if (!rd.user_rules || load_rules_file(rd.user_rules, optarg) < 0)
				return 2;
			break;
		case 'v':
			rd.ropts.verbose = true;
			break;
		case OPT_NO_AGGREGATE:
			rd.aggregate = false;
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never")) {
				fprintf(stderr, "%s: --color: '%s' is not auto, always or never\n", PROG, optarg);
				return 2;
			}
			color = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
		case OPT_VERSION:
			printf("%s %s\n", PROG, PACKAGE_VERSION);
			return 0;
		default:
			fprintf(stderr, "Try '%s --help' for more information.\n", PROG);
			return 2;
		}
	}
	if (nfiles == 0) {
		for (int i = optind; i < argc; i++)
			files[nfiles++] = argv[i];
	} else if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s' after -r FILE\n", PROG, argv[optind]);
		return 2;
	}
	if (nfiles == 0) {
		fprintf(stderr, "%s: no capture file given\nTry '%s --help' for more information.\n",
			PROG, PROG);
		return 2;
	}
	rd.ropts.color = !strcmp(color, "always") || (!strcmp(color, "auto") && isatty(1));
	if (obuf_init(&rd.out, 1, 1u << 18) < 0)
		return 1;
	{
		struct stat st;

		/* A pipe being followed (nftrace-capture -w - | nftrace-read -)
		 * wants each event as it arrives. */
		if (fstat(1, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)))
			rd.out.line_buffered = isatty(1) ||
				(nfiles == 1 && !strcmp(files[0], "-"));
	}
	if (rd.aggregate) {
		rd.ag = aggregate_new(AGGREGATE_DEFAULT_MAX, rd.ropts.verbose);
		if (!rd.ag) {
			fprintf(stderr, "%s: out of memory\n", PROG);
			return 1;
		}
	}
	for (size_t i = 0; i < nfiles; i++)
		status |= read_file(&rd, files[i]);
	if (rd.ag)
		render_aggregate(&rd.out, rd.ag);
	if (obuf_flush(&rd.out) < 0 && rd.out.err != -EPIPE) {
		fprintf(stderr, "%s: writing output: %s\n", PROG, strerror(-rd.out.err));
		status = 1;
	}
	if (rd.lost)
		fprintf(stderr, "%s: %llu events were lost during the capture\n", PROG,
			(unsigned long long)rd.lost);
	if (rd.bad_records)
		fprintf(stderr, "%s: %llu malformed NFLOG records skipped\n", PROG,
			(unsigned long long)rd.bad_records);
	if (rd.other_linktype)
		fprintf(stderr, "%s: %llu records of another link type than NFLOG skipped\n", PROG,
			(unsigned long long)rd.other_linktype);
	obuf_free(&rd.out);
	aggregate_free(rd.ag);
	ruleset_free(rd.user_rules);
	free(files);
	return status;
}
