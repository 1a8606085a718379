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
 * columns; long_eq writes long-only arguments as --long=ARG. */
void optdoc_print(FILE *f, const struct optdoc *v, size_t n, bool long_eq);

#endif
