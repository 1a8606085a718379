/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render_paths.h - nftrace-read --paths: one block per packet.
 *
 *   <time> <id> <tcpdump -n summary>
 *       <hop>  "<rule text>" (verdict V)      one line per event, in order
 *       => dropped by filter:INPUT:rule:1     where its fate was decided
 *   (empty line)
 *
 * <time> is local time as -v prints it; <hop> is the event's prefix
 * without "TRACE: " (table:chain:kind:n, or "<family> <table>:..." for
 * native nf_tables tables); the rule text is quoted and escaped as in the
 * text format, the verdict shown when the kernel reported one.  When
 * several files are merged the block starts with "[<file>] " (a packet's
 * path is per file: paths.h).  The fate
 * line is one of
 *   => <accepted|dropped|queued|stolen> by [policy ]<hop>
 *   => fate unknown: <hop> is a policy without rule text
 *   => fate unknown
 * and a packet completed early to stay within memory bounds gets
 *   (path may be incomplete: memory bound reached)
 * With colour, drops are red and accepts green (fate line and its hop).
 */
#ifndef NFTRACE_RENDER_PATHS_H
#define NFTRACE_RENDER_PATHS_H

#include <stdbool.h>

#include "obuf.h"
#include "paths.h"

struct render_paths_opts {
	bool color;
	bool show_file;		/* several input files */
};

void render_paths_packet(struct obuf *o, const struct paths_pkt *p,
			 const struct render_paths_opts *opts);

#endif
