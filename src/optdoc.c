/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "optdoc.h"

#define LEFT 26		/* width of the option column */
#define HELP_WIDTH 51	/* 2 + LEFT + 1 + HELP_WIDTH = 80 */

void optdoc_longopts(const struct optdoc *v, size_t n, struct option *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = v[i].opt;
	memset(&out[n], 0, sizeof(out[n]));
}

void optdoc_print(FILE *f, const struct optdoc *v, size_t n, bool long_eq)
{
	for (size_t i = 0; i < n; i++) {
		const struct optdoc *d = &v[i];
		const char *h = d->help;
		char left[64];

		if (d->arg && d->opt.has_arg == optional_argument)
			/* only --opt=ARG gives the argument: --opt[=ARG] */
			snprintf(left, sizeof(left), "%s--%s[=%s]", d->shortopt ? "" : "    ",
				 d->opt.name, d->arg);
		else if (d->shortopt)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", d->shortopt, d->opt.name,
				 d->arg ? " " : "", d->arg ? d->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", d->opt.name,
				 d->arg ? (long_eq ? "=" : " ") : "", d->arg ? d->arg : "");
		/* Word-wrap the text; the first line beside the option. */
		do {
			size_t len = strlen(h), cut = len;

			if (len > HELP_WIDTH) {
				for (cut = HELP_WIDTH; cut > 0 && h[cut] != ' '; cut--)
					;
				if (cut == 0)
					cut = HELP_WIDTH;
			}
			fprintf(f, "  %-*s %.*s\n", LEFT, left, (int)cut, h);
			left[0] = '\0';
			h += cut;
			while (*h == ' ')
				h++;
		} while (*h);
	}
}

const char *optdoc_progname(char **argv, const char *name)
{
	const char *base;

	if (!argv || !argv[0] || !argv[0][0])
		return name;
	base = strrchr(argv[0], '/');
	base = base && base[1] ? base + 1 : argv[0];
	argv[0] = (char *)base;
	return base;
}
