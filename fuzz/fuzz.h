/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz.h - shared by the fuzz targets (fuzz/fuzz_<name>.c).  Each target
 * defines LLVMFuzzerTestOneInput(); fuzz/build.sh links it with libFuzzer,
 * Makefile.am links it with replay_main.c into fuzz/replay_<name>, which
 * runs the files of fuzz/regress/<name>/ and fuzz/corpus/<name>/ in
 * `make check` (tests/e2e/fuzz_regress.sh).
 *
 * A target aborts (FUZZ_CHECK) when a documented invariant does not hold:
 * libFuzzer and the replay driver both report that as a crash.
 */
#ifndef NFTRACE_FUZZ_H
#define NFTRACE_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                        \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",        \
				__FILE__, __LINE__, #cond);                     \
			abort();                                                \
		}                                                               \
	} while (0)

/* Input pieces separated by a byte (usually NUL): fuzz_piece() hands them
 * out in order, the last one running to the end of the input. */
struct fuzz_split {
	const uint8_t *p;
	size_t left;
	bool done;
};

static inline bool fuzz_piece(struct fuzz_split *s, uint8_t sep,
			      const uint8_t **piece, size_t *len)
{
	const uint8_t *e;

	if (s->done)
		return false;
	e = s->left ? memchr(s->p, sep, s->left) : NULL;
	*piece = s->p;
	if (!e) {
		*len = s->left;
		s->done = true;
		return true;
	}
	*len = (size_t)(e - s->p);
	s->left -= *len + 1;
	s->p = e + 1;
	return true;
}

/* A malloc'd copy of exactly len bytes (plus a NUL when nul is set), so
 * AddressSanitizer sees a read past the end of a piece. */
static inline char *fuzz_dup(const uint8_t *p, size_t len, bool nul)
{
	char *c = malloc(len + (nul ? 1 : 0) + (len == 0 && !nul));

	FUZZ_CHECK(c != NULL);
	if (len)
		memcpy(c, p, len);
	else
		c[0] = '\0'; /* never read as data: len is 0 */
	if (nul)
		c[len] = '\0';
	return c;
}

/* Read every byte of [p, p+len): an out-of-bounds pointer shows up under
 * AddressSanitizer here rather than never.  The sum defeats the optimiser. */
static inline unsigned fuzz_touch(const void *p, size_t len)
{
	const volatile uint8_t *b = p;
	unsigned sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum += b[i];
	return sum;
}

/* Is [p, p+len) inside [base, base+size)? */
static inline bool fuzz_within(const void *p, size_t len, const void *base,
			       size_t size)
{
	const uint8_t *q = p, *b = base;

	if (len == 0)
		return true;
	return q >= b && q <= b + size && len <= (size_t)(b + size - q);
}

#endif
