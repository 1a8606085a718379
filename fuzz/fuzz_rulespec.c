/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_rulespec.c - the RULE text splitter and check (rulespec.h).
 *
 * Input: the RULE text (cut at its first NUL, as a C string would be).
 *
 * Invariants: split returns the word count (argv NULL-terminated after
 * it) or -EINVAL with a NUL-terminated message; the words, each quoted
 * back with single quotes and joined with spaces, split to the very same
 * words; the check returns 0 or -EINVAL, and refuses a first word that is
 * one of the tool's own options (nothing can make it a value).
 */
#include <errno.h>

#include "fuzz.h"
#include "rulespec.h"

/* 'w' with each ' written as '\'' */
static size_t quote(char *out, const char *w)
{
	size_t n = 0;

	out[n++] = '\'';
	for (; *w; w++) {
		if (*w == '\'') {
			memcpy(out + n, "'\\''", 4);
			n += 4;
		} else {
			out[n++] = *w;
		}
	}
	out[n++] = '\'';
	return n;
}

static bool owned_first(const char *w)
{
	static const char *const words[] = {
		"-j", "--jump", "-g", "--goto", "-t", "--table", "-A", "--append",
		"-I", "--insert", "-D", "--delete", "-R", "--replace", "-N", "-X",
		"-F", "-Z", "-P", "-L", "-S", "-E", "-C", "--check", "-V",
		"--version", "-h", "--help",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(w, words[i]) == 0)
			return true;
	return strncmp(w, "--jump=", 7) == 0 || strncmp(w, "--goto=", 7) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char **argv = NULL, **argv2 = NULL, *text, *joined, err[256];
	size_t cap, n;
	int r, r2, i;

	text = fuzz_dup(data, size, true);
	memset(err, 'x', sizeof(err));
	err[sizeof(err) - 1] = '\0';
	r = rulespec_split(text, &argv, err, sizeof(err));
	FUZZ_CHECK(r >= 0 || r == -EINVAL);
	FUZZ_CHECK(strnlen(err, sizeof(err)) < sizeof(err));
	if (r < 0) {
		free(text);
		return 0;
	}
	FUZZ_CHECK(argv != NULL && argv[r] == NULL);

	/* Quoted back, the words split to themselves. */
	cap = 1;
	for (i = 0; i < r; i++) {
		FUZZ_CHECK(argv[i] != NULL);
		cap += 4 * strlen(argv[i]) + 3;
	}
	joined = malloc(cap);
	FUZZ_CHECK(joined != NULL);
	n = 0;
	for (i = 0; i < r; i++) {
		if (i)
			joined[n++] = ' ';
		n += quote(joined + n, argv[i]);
	}
	joined[n] = '\0';
	FUZZ_CHECK(n < cap);
	r2 = rulespec_split(joined, &argv2, err, sizeof(err));
	FUZZ_CHECK(r2 == r);
	for (i = 0; i < r; i++)
		FUZZ_CHECK(strcmp(argv[i], argv2[i]) == 0);
	rulespec_free(argv2);
	free(joined);

	r2 = rulespec_check(argv, err, sizeof(err));
	FUZZ_CHECK(r2 == 0 || r2 == -EINVAL);
	FUZZ_CHECK(strnlen(err, sizeof(err)) < sizeof(err));
	if (r > 0 && owned_first(argv[0]))
		FUZZ_CHECK(r2 == -EINVAL);
	rulespec_free(argv);
	free(text);
	return 0;
}
