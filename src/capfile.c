/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * capfile.c - open a capture file, tell pcapng from classic pcap by the
 * first four bytes, and hand records out from the matching reader.
 */
#include <sys/stat.h>
#include <unistd.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capfile_int.h"

#define PCAPNG_SHB_TYPE 0x0A0D0D0Au

int cf_fail(struct capfile *cf, uint64_t off, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cf->err, sizeof(cf->err), fmt, ap);
	va_end(ap);
	cf->err_off = off;
	cf->err_placed = false;
	cf->state = -1;
	return -1;
}

int cf_truncated(struct capfile *cf, uint64_t off, const char *what,
		 uint64_t want, uint64_t got)
{
	cf->truncated = true;
	return cf_fail(cf, off, "truncated %s: tried to read %llu bytes, only got %llu",
		       what, (unsigned long long)want, (unsigned long long)got);
}

int cf_input_fail(struct capfile *cf, int err)
{
	uint64_t off = input_offset(cf->in);

	if (err == -EIO && input_strerror(cf->in)[0]) {
		cf_fail(cf, off, "%s", input_strerror(cf->in));
		cf->err_placed = true;
		cf->truncated = cf->in->truncated;
		return -1;
	}
	return cf_fail(cf, off, "read error: %s", strerror(-err));
}

static bool is_pcap_magic(uint32_t m)
{
	return m == 0xa1b2c3d4u || m == 0xa1b23c4du;
}

int capfile_open(struct capfile **cfp, const char *path)
{
	struct capfile *cf;
	const uint8_t *p;
	ssize_t got;
	uint32_t magic;
	int err;

	*cfp = NULL;
	cf = calloc(1, sizeof(*cf));
	if (!cf)
		return -ENOMEM;
	err = input_open(&cf->in, path);
	if (err) {
		free(cf);
		return err;
	}

	got = input_peek(cf->in, 4, &p);
	if (got < 0) {
		/* Corrupt gzip data is a format error; a failed read() isn't. */
		if (got != -EIO || !input_strerror(cf->in)[0]) {
			capfile_close(cf);
			return (int)got;
		}
		cf_input_fail(cf, (int)got);
		goto format_error;
	}
	if (got == 0) {
		cf_fail(cf, 0, "empty file");
		goto format_error;
	}
	if (got < 4) {
		cf_truncated(cf, 0, "file header", 4, (uint64_t)got);
		goto format_error;
	}
	memcpy(&magic, p, 4);
	if (magic == PCAPNG_SHB_TYPE) {
		if (pcapng_reader_start(cf) < 0)
			goto format_error;
	} else if (is_pcap_magic(magic) || is_pcap_magic(bswap_32(magic))) {
		if (pcap_reader_start(cf) < 0)
			goto format_error;
	} else {
		cf_fail(cf, 0, "unknown file format: first bytes %02x %02x %02x %02x%s",
			p[0], p[1], p[2], p[3],
			input_is_gzip(cf->in) ? " (after gunzip)" : "");
		goto format_error;
	}
	*cfp = cf;
	return 0;

format_error:
	*cfp = cf;
	return -EINVAL;
}

int capfile_next(struct capfile *cf, struct capfile_record *rec)
{
	int r;

	if (cf->state)
		return cf->state > 0 ? 0 : -1;
	r = cf->next(cf, rec);
	if (r == 0)
		cf->state = 1;
	return r;
}

const struct capfile_section *capfile_section(const struct capfile *cf)
{
	return &cf->sec;
}

void capfile_stats(const struct capfile *cf, struct capfile_stats *st)
{
	*st = cf->stats_done;
	for (uint32_t i = 0; i < cf->nifs; i++) {
		const struct cf_iface *ifc = &cf->ifs[i];

		if (!ifc->have_isb)
			continue;
		st->have = true;
		st->ifrecv += ifc->ifrecv;
		st->ifdrop += ifc->ifdrop;
		st->usrdeliv += ifc->usrdeliv;
	}
}

const char *capfile_error(const struct capfile *cf)
{
	return cf->err;
}

uint64_t capfile_error_offset(const struct capfile *cf)
{
	return cf->err_off;
}

void capfile_error_message(const struct capfile *cf, char *buf, size_t len)
{
	if (cf->err_placed)
		snprintf(buf, len, "%s", cf->err);
	else
		snprintf(buf, len, "%s at offset %llu", cf->err,
			 (unsigned long long)cf->err_off);
}

bool capfile_truncated(const struct capfile *cf)
{
	return cf->truncated;
}

void capfile_progress(const struct capfile *cf, uint64_t *done, uint64_t *total)
{
	struct stat st;
	off_t pos;

	*done = *total = 0;
	if (!cf || !cf->in || fstat(cf->in->fd, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	/* The file position, not the stream offset: gzip input counts too. */
	pos = lseek(cf->in->fd, 0, SEEK_CUR);
	*done = pos > 0 ? (uint64_t)pos : 0;
	*total = (uint64_t)st.st_size;
}

void capfile_close(struct capfile *cf)
{
	if (!cf)
		return;
	input_close(cf->in);
	free(cf->ifs);
	free(cf->shb);
	free(cf->shb_comments);
	free(cf);
}
