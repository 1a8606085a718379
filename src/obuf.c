/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "obuf.h"

int obuf_init(struct obuf *o, int fd, size_t cap)
{
	memset(o, 0, sizeof(*o));
	o->fd = fd;
	o->buf = malloc(cap);
	if (!o->buf)
		return -ENOMEM;
	o->cap = cap;
	return 0;
}

int obuf_flush(struct obuf *o)
{
	size_t off = 0;

	while (off < o->len && !o->err) {
		ssize_t n = write(o->fd, o->buf + off, o->len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			o->err = -errno;
			break;
		}
		off += (size_t)n;
	}
	o->len = 0;
	return o->err;
}

void obuf_grow_flush(struct obuf *o, size_t need)
{
	obuf_flush(o);
	if (need > o->cap) {
		/* One item larger than the whole buffer: write it through. */
		char *nb = realloc(o->buf, need);

		if (nb) {
			o->buf = nb;
			o->cap = need;
		}
	}
}

void obuf_free(struct obuf *o)
{
	if (!o->buf)
		return;
	obuf_flush(o);
	free(o->buf);
	o->buf = NULL;
}

void obuf_u64(struct obuf *o, uint64_t v)
{
	/* Two digits per division: timestamps have 19 of them. */
	static const char pairs[201] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	char tmp[20];
	int i = sizeof(tmp);

	while (v >= 100) {
		unsigned d = (unsigned)(v % 100);

		v /= 100;
		tmp[--i] = pairs[2 * d + 1];
		tmp[--i] = pairs[2 * d];
	}
	if (v >= 10) {
		tmp[--i] = pairs[2 * v + 1];
		tmp[--i] = pairs[2 * v];
	} else {
		tmp[--i] = (char)('0' + v);
	}
	obuf_put(o, tmp + i, sizeof(tmp) - (size_t)i);
}

void obuf_hex(struct obuf *o, uint64_t v, unsigned width)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[16];

	if (width > 16)
		width = 16;
	for (unsigned i = width; i-- > 0; v >>= 4)
		tmp[i] = digits[v & 0xf];
	obuf_put(o, tmp, width);
}

void obuf_printf(struct obuf *o, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(tmp)) {
		char *big = malloc((size_t)n + 1);

		if (!big)
			return;
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		obuf_put(o, big, (size_t)n);
		free(big);
		return;
	}
	obuf_put(o, tmp, (size_t)n);
}
