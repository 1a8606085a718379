/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runcmd.h - run a system tool (iptables-legacy, iptables-nft-save, nft)
 * by fork/exec with an argv: never through a shell.
 */
#ifndef NFTRACE_RUNCMD_H
#define NFTRACE_RUNCMD_H

#include <stddef.h>

struct runcmd_result {
	int status;	/* exit status 0..255, or 128+signal */
	char *out;	/* stdout, NUL-terminated, malloc'd (free it) */
	size_t outlen;
	char err[1024];	/* stderr, NUL-terminated, cut to fit */
};

/*
 * Run argv (argv[0] looked up in PATH) with the environment of this process
 * plus env_extra ("NAME=VALUE", or NULL), stdin from /dev/null.  stdout is
 * collected up to max_out bytes (more is an error: -EFBIG), stderr into
 * res->err.  Returns 0 when the command ran (whatever its exit status, in
 * res->status), or -errno when it could not be run (-ENOENT: not found).
 */
int runcmd(char *const argv[], const char *env_extra, size_t max_out,
	   struct runcmd_result *res);

void runcmd_result_free(struct runcmd_result *res); /* frees out; NULL-safe */

#endif
