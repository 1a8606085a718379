/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * optdoc.h - one options table per program that both getopt_long() and
 * --help read, so the help can never miss an option (nftables'
 * nft_options[] idea).
 */
#ifndef NFTRACE_OPTDOC_H
#define NFTRACE_OPTDOC_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct optdoc {
	struct option opt;
	int shortopt;		/* 0: long only */
	const char *arg;	/* the argument's name, NULL for none */
	const char *help;
};

/* The struct option array for getopt_long(): out must hold n + 1. */
void optdoc_longopts(const struct optdoc *v, size_t n, struct option *out);

/* "  -x, --long ARG           help..." lines, help wrapped to 80
 * columns; long_eq writes long-only arguments as --long=ARG.  An optional
 * argument (optional_argument) is written --long[=ARG]. */
void optdoc_print(FILE *f, const struct optdoc *v, size_t n, bool long_eq);

/*
 * The program's name for its messages: the base name of argv[0], as
 * tcpdump and the GNU tools print theirs (name if argv[0] is empty).
 * argv[0] is pointed at it, so getopt_long()'s own messages ("nftrace-read:
 * unrecognized option ...") carry the same name and not a path.
 */
const char *optdoc_progname(char **argv, const char *name);

#endif
