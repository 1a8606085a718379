/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * obuf.h - a plain output buffer on a file descriptor.  The text renderers
 * produce millions of lines per second; stdio's locking and printf's
 * format parsing per field would dominate, so lines are assembled here and
 * written with one write() per buffer.
 */
#ifndef NFTRACE_OBUF_H
#define NFTRACE_OBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct obuf {
	char *buf;
	size_t len, cap;
	int fd;
	int err;		/* first -errno met writing; later writes are dropped */
	bool line_buffered;	/* flush at every obuf_endline() (terminals, pipes being followed) */
};

/* cap bytes of buffer on fd.  Returns 0 or -ENOMEM. */
int obuf_init(struct obuf *o, int fd, size_t cap);
void obuf_free(struct obuf *o); /* flushes first */
int obuf_flush(struct obuf *o);	/* 0 or the first -errno */
void obuf_grow_flush(struct obuf *o, size_t need);

static inline void obuf_put(struct obuf *o, const void *p, size_t n)
{
	if (!n)
		return;	/* p may be NULL then (an empty strref) */
	if (o->len + n > o->cap)
		obuf_grow_flush(o, n);
	if (o->len + n > o->cap)
		return;
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static inline void obuf_putc(struct obuf *o, char c)
{
	if (o->len + 1 > o->cap)
		obuf_grow_flush(o, 1);
	if (o->len < o->cap)
		o->buf[o->len++] = c;
}

static inline void obuf_puts(struct obuf *o, const char *s)
{
	obuf_put(o, s, strlen(s));
}

/* End a line: '\n', and a flush when line buffered. */
static inline void obuf_endline(struct obuf *o)
{
	obuf_putc(o, '\n');
	if (o->line_buffered)
		obuf_flush(o);
}

void obuf_u64(struct obuf *o, uint64_t v);
/* v as exactly width lowercase hex digits (zero padded). */
void obuf_hex(struct obuf *o, uint64_t v, unsigned width);
/* "HH:MM:SS.nnnnnnnnn" (18 bytes, no NUL) for sod seconds of the day and
 * ns nanoseconds, as tcpdump and the JSON time print it. */
static inline void obuf_clock_text(char t[18], uint32_t sod, uint32_t ns)
{
	t[0] = (char)('0' + sod / 36000);
	t[1] = (char)('0' + sod / 3600 % 10);
	t[2] = ':';
	t[3] = (char)('0' + sod % 3600 / 600);
	t[4] = (char)('0' + sod % 3600 / 60 % 10);
	t[5] = ':';
	t[6] = (char)('0' + sod % 60 / 10);
	t[7] = (char)('0' + sod % 10);
	t[8] = '.';
	for (int i = 17; i >= 9; i--, ns /= 10)
		t[i] = (char)('0' + ns % 10);
}

/* printf-style, for the rare lines (headers, statistics). */
void obuf_printf(struct obuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
