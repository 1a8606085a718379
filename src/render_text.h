/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render_text.h - the nftrace text format.
 *
 * Per event:
 *   <id> TRACE: <table>:<chain>:<rule|return|policy>:<n>  "<rule text>"
 * <id> is 12 lowercase hex digits; the prefix is the kernel's without its
 * trailing space; then, when the rule text is known, two spaces and the
 * text in double quotes with '"', '\' and non-printable or non-ASCII bytes
 * backslash-escaped (\" \\ \t \n \r \xNN).  At the end:
 *   (empty line)
 *   Aggregated packets:
 *   <id> <tcpdump -n summary>      one per distinct packet, first-seen order
 *   (empty line)
 *
 * The same "<prefix>  "<rule text>"" (plus " (verdict V)" when the kernel
 * reported one) is the pcapng packet comment, so a reader can take the
 * rule text in force at capture time from the file.
 */
#ifndef NFTRACE_RENDER_TEXT_H
#define NFTRACE_RENDER_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "aggregate.h"
#include "obuf.h"
#include "ruleset.h"
#include "trace_event.h"

struct render_opts {
	bool verbose;		/* a detail line per event */
	bool color;		/* ANSI colours: drops red, accepts green */
};

/* Write s (len bytes) escaped as described above, without the quotes. */
void render_escaped(struct obuf *o, const char *s, size_t len);

/* The event line, and with opts->verbose its detail line (time, IN=,
 * OUT=, MARK=, UID=, verdict; interface names from rs when known). */
void render_event(struct obuf *o, const struct trace_event *ev,
		  const struct render_opts *opts, const struct ruleset *rs);

/* The aggregated section, with a note when the table overflowed; nothing
 * when no packet was added. */
void render_aggregate(struct obuf *o, const struct aggregate *ag);

/* Local time "YYYY-MM-DD HH:MM:SS.nnnnnnnnn" of ts_ns, without a time-zone
 * lookup per call (the offset is cached per hour). */
void render_time(struct obuf *o, uint64_t ts_ns);

/*
 * The pcapng comment for ev into buf (cap bytes, NUL-terminated, cut
 * at a whole escape when too long).  Returns the length.
 */
size_t render_comment(const struct trace_event *ev, char *buf, size_t cap);

/*
 * Take the rule text (and verdict) back from a comment written by
 * render_comment() for ev's prefix.  The text is unescaped into scratch
 * (or points into comment when it has no escapes); ev->rule_text and
 * ev->verdict/verdict_chain are set.  Returns 1 when the comment is ours
 * and held a rule text, 0 when it is ours without one, -1 when it is not
 * in this form.
 */
int render_comment_parse(const char *comment, size_t len, struct trace_event *ev,
			 char *scratch, size_t scratchlen);

#endif
