/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input.h - a buffered byte source over a file descriptor for the capture
 * file readers.  A gzip stream (magic 1f 8b) is inflated transparently, so
 * the readers only ever see the uncompressed bytes and offsets.
 *
 * The readers ask for the next n bytes with input_peek() and get a pointer
 * into the input's buffer, so a record is never copied when it lies there.
 * The pointer stays valid until the next input_peek()/input_skip() call,
 * which may move the unread tail to the front of the buffer when it refills.
 * The buffer grows only up to INPUT_MAX_PEEK: memory does not grow with the
 * size of the input.
 *
 * This header is private to capfile.c and its format readers.
 */
#ifndef NFTRACE_INPUT_H
#define NFTRACE_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Largest single peek: the pcapng block cap (16 MiB) with room to spare. */
#define INPUT_MAX_PEEK ((size_t)16 * 1024 * 1024 + 64)

/* Exposed only so the hot path below can be inlined; use the functions. */
struct input {
	uint8_t *buf;
	size_t cap;		/* bytes allocated at buf */
	size_t pos;		/* next unread byte */
	size_t end;		/* end of valid data */
	uint64_t base;		/* stream offset of buf[0] */
	int fd;
	bool own_fd;
	bool eof;		/* no more bytes will come */
	bool gzip;
	bool truncated;		/* the -EIO: gzip stream ends inside a member */
	struct input_z *z;	/* inflate state, gzip only */
	char errmsg[160];
};

/* Open path, or standard input for "-".  Reads the first bytes to detect
 * gzip.  Returns 0 and *ip, or -errno.  Corrupt gzip data shows up later,
 * as -EIO from input_peek()/input_skip(). */
int input_open(struct input **ip, const char *path);

/* Same over an fd the input then owns (closes). */
int input_open_fd(struct input **ip, int fd);

/* Slow path of input_peek(); do not call directly. */
ssize_t input_fill(struct input *in, size_t n);

/*
 * Make the next n bytes (n <= INPUT_MAX_PEEK) available at *p without
 * consuming them.  Returns n, or fewer (possibly 0) when the input ends
 * first, or -errno (-EIO with input_strerror() for corrupt gzip data,
 * -EMSGSIZE if n is too large).  *p is set whenever the return is >= 0.
 */
static inline ssize_t input_peek(struct input *in, size_t n, const uint8_t **p)
{
	if (in->end - in->pos >= n) {
		*p = in->buf + in->pos;
		return (ssize_t)n;
	}
	{
		ssize_t r = input_fill(in, n);

		*p = in->buf + in->pos;
		return r;
	}
}

/* Consume n bytes that the last input_peek() returned. */
static inline void input_consume(struct input *in, size_t n)
{
	in->pos += n;
}

/* Consume n bytes without keeping them (they need not fit the buffer).
 * Returns the number skipped, fewer than n at the end of input, or -errno. */
int64_t input_skip(struct input *in, uint64_t n);

/* Offset in the (uncompressed) stream of the next unread byte. */
static inline uint64_t input_offset(const struct input *in)
{
	return in->base + in->pos;
}

/* True if the input is a gzip stream. */
static inline bool input_is_gzip(const struct input *in)
{
	return in->gzip;
}

/* Why the last call failed with -EIO on gzip data ("" otherwise): what
 * is wrong, the compressed and the uncompressed offset, e.g. "truncated
 * gzip stream: unexpected end of file at compressed offset 862
 * (uncompressed offset 2128)". */
const char *input_strerror(const struct input *in);

/* Free the input and close its fd (not stdin's).  NULL-safe. */
void input_close(struct input *in);

#endif
