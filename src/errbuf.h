/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * errbuf.h - rich parse errors into the caller's buffer (libpcap's errbuf
 * idea): modules return -errno and say what was wrong, naming the values;
 * only main prints.
 */
#ifndef NFTRACE_ERRBUF_H
#define NFTRACE_ERRBUF_H

#include <stddef.h>

/* printf into err (errlen bytes, always NUL-terminated); a NULL err or a
 * zero errlen is allowed and writes nothing. */
void errbuf_set(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
