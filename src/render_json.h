/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render_json.h - nftrace-read --json: JSON Lines, one object per event,
 * or with --paths one object per packet with its hops.  The schema is in
 * doc/json-schema.md; keep the two in step, and keep it stable (new keys
 * may be added at the end of an object, none removed or retyped).
 */
#ifndef NFTRACE_RENDER_JSON_H
#define NFTRACE_RENDER_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "merge.h"
#include "obuf.h"
#include "paths.h"
#include "trace_event.h"

/*
 * s (len bytes) as a JSON string with its quotes (RFC 8259 section 7):
 * '"' and '\' escaped, control characters as \b \f \n \r \t or \u00XX,
 * valid UTF-8 as it is (DEL too), and every byte that is not part of a
 * valid UTF-8 sequence (overlong forms, surrogates and code points past
 * U+10FFFF included) as \u00XX with XX its value.  Since valid characters
 * are never escaped, \u0080..\u00ff in our output always stand for such
 * raw bytes, and the output is valid UTF-8 whatever the input.
 */
void render_json_string(struct obuf *o, const char *s, size_t len);

/* Length of the valid UTF-8 sequence at s (n > 0 bytes available), or 0
 * (RFC 3629 section 4: no overlongs, no surrogates, at most U+10FFFF). */
size_t render_json_utf8_len(const unsigned char *s, size_t n);

/* "2026-11-27T14:57:46.453105000Z": RFC 3339, UTC, ns (no time-zone
 * lookup; the date is cached per day). */
void render_json_time(struct obuf *o, uint64_t ts_ns);

/* One event object (no newline).  snap: the event's section (file name,
 * interface names), may be NULL; p: its packet (summary, lengths). */
void render_json_event(struct obuf *o, const struct trace_event *ev,
		       const struct merge_snap *snap, const struct paths_pkt *p);

/* One packet object with its hops (no newline). */
void render_json_packet(struct obuf *o, const struct paths_pkt *p);

#endif
