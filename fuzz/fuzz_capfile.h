/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_capfile.h - the capture file reader driven the way nftrace-read
 * drives it, shared by fuzz_pcapng.c and fuzz_pcap.c.
 *
 * capfile_open() takes a path, so the input goes into a memfd opened again
 * through /proc/self/fd/N.  Each input is read twice: as given, and
 * gzip-compressed (unless it already is gzip).  Both reads must hand out
 * the same records and end the same way: the gzip layer is transparent.
 *
 * Invariants: capfile_open() returns 0 or -EINVAL (with a NUL-terminated
 * message); every record has len >= caplen and its bytes, comments and
 * the section strings are readable; records stop at the first error.
 */
#ifndef NFTRACE_FUZZ_CAPFILE_H
#define NFTRACE_FUZZ_CAPFILE_H

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "capfile.h"
#include "fuzz.h"

/* No real input of ours needs more; stops a pathological loop early. */
#define FUZZ_CAPFILE_MAX_RECORDS 100000

struct fuzz_capfile_result {
	int open_ret;		/* capfile_open() */
	int last;		/* last capfile_next(): 0 or -1 */
	bool truncated;
	unsigned records;
	uint64_t hash;		/* over every record field and byte */
};

static inline uint64_t fuzz_mix(uint64_t h, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static inline void fuzz_capfile_section(const struct capfile *cf)
{
	const struct capfile_section *sec = capfile_section(cf);
	unsigned i;

	(void)fuzz_touch(sec->userappl.p, sec->userappl.len);
	(void)fuzz_touch(sec->os.p, sec->os.len);
	(void)fuzz_touch(sec->hardware.p, sec->hardware.len);
	for (i = 0; i < sec->ncomments; i++)
		(void)fuzz_touch(sec->comments[i].p, sec->comments[i].len);
}

static inline void fuzz_capfile_read(const uint8_t *data, size_t size,
				     struct fuzz_capfile_result *res)
{
	struct capfile_record rec;
	struct capfile *cf = NULL;
	char path[64];
	int fd, r = 0;

	memset(res, 0, sizeof(*res));
	res->hash = 0xcbf29ce484222325ull;
	fd = memfd_create("fuzz-capfile", MFD_CLOEXEC);
	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(size == 0 || write(fd, data, size) == (ssize_t)size);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

	res->open_ret = capfile_open(&cf, path);
	FUZZ_CHECK(res->open_ret == 0 || res->open_ret == -EINVAL);
	if (res->open_ret == -EINVAL) {
		FUZZ_CHECK(cf != NULL);
		FUZZ_CHECK(strnlen(capfile_error(cf), 4096) < 4096);
		res->truncated = capfile_truncated(cf);
		goto out;
	}
	FUZZ_CHECK(cf != NULL);
	fuzz_capfile_section(cf);

	while (res->records < FUZZ_CAPFILE_MAX_RECORDS &&
	       (r = capfile_next(cf, &rec)) == 1) {
		unsigned i;

		res->records++;
		FUZZ_CHECK(rec.len >= rec.caplen);
		FUZZ_CHECK(rec.ncomments <= CAPFILE_MAX_COMMENTS);
		FUZZ_CHECK(rec.caplen == 0 || rec.data != NULL);
		(void)fuzz_touch(rec.data, rec.caplen);
		res->hash = fuzz_mix(res->hash, &rec.ts_ns, sizeof(rec.ts_ns));
		res->hash = fuzz_mix(res->hash, &rec.caplen, sizeof(rec.caplen));
		res->hash = fuzz_mix(res->hash, &rec.len, sizeof(rec.len));
		res->hash = fuzz_mix(res->hash, &rec.linktype, sizeof(rec.linktype));
		res->hash = fuzz_mix(res->hash, &rec.section, sizeof(rec.section));
		res->hash = fuzz_mix(res->hash, &rec.have, sizeof(rec.have));
		res->hash = fuzz_mix(res->hash, rec.data, rec.caplen);
		if (rec.have & CAPFILE_HAVE_PACKET_ID)
			res->hash = fuzz_mix(res->hash, &rec.packet_id, sizeof(rec.packet_id));
		if (rec.have & CAPFILE_HAVE_DROPCOUNT)
			res->hash = fuzz_mix(res->hash, &rec.dropcount, sizeof(rec.dropcount));
		if (rec.have & CAPFILE_HAVE_FLAGS)
			res->hash = fuzz_mix(res->hash, &rec.flags, sizeof(rec.flags));
		for (i = 0; i < rec.ncomments; i++)
			res->hash = fuzz_mix(res->hash, rec.comments[i].p,
					     rec.comments[i].len);
		fuzz_capfile_section(cf);
	}
	FUZZ_CHECK(r == 1 || r == 0 || r == -1);
	res->last = r == 1 ? 0 : r;
	if (r == -1) {
		FUZZ_CHECK(strnlen(capfile_error(cf), 4096) < 4096);
		/* After an error the reader stays failed. */
		FUZZ_CHECK(capfile_next(cf, &rec) == -1);
	} else if (r == 0) {
		FUZZ_CHECK(capfile_next(cf, &rec) == 0);
	}
	res->truncated = capfile_truncated(cf);
out:
	capfile_close(cf);
	close(fd);
}

/* data as one gzip member, or NULL. */
static inline uint8_t *fuzz_gzip(const uint8_t *data, size_t size, size_t *outlen)
{
	z_stream zs;
	uint8_t *out;
	size_t cap;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	cap = deflateBound(&zs, (uLong)size) + 64;
	out = malloc(cap);
	FUZZ_CHECK(out != NULL);
	zs.next_in = (Bytef *)(uintptr_t)data;
	zs.avail_in = (uInt)size;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	FUZZ_CHECK(deflate(&zs, Z_FINISH) == Z_STREAM_END);
	*outlen = cap - zs.avail_out;
	deflateEnd(&zs);
	return out;
}

static inline void fuzz_capfile(const uint8_t *data, size_t size)
{
	struct fuzz_capfile_result plain, gz;
	uint8_t *z;
	size_t zlen;

	fuzz_capfile_read(data, size, &plain);
	/* gzip of gzip would be read as an unknown format: nothing to compare. */
	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
		return;
	/* An empty gzip stream is an empty file, which has its own message. */
	if (size == 0)
		return;
	z = fuzz_gzip(data, size, &zlen);
	if (!z)
		return;
	fuzz_capfile_read(z, zlen, &gz);
	free(z);
	FUZZ_CHECK(gz.open_ret == plain.open_ret);
	FUZZ_CHECK(gz.records == plain.records);
	FUZZ_CHECK(gz.hash == plain.hash);
	FUZZ_CHECK(gz.last == plain.last);
	FUZZ_CHECK(gz.truncated == plain.truncated);
}

#endif
