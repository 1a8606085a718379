/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input.c - buffered, gzip-transparent byte source for the file readers.
 *
 * Reads go straight into the record buffer in chunks of at least
 * INPUT_CHUNK bytes, so a record is handed out by pointer and copied only
 * when its head is moved to the front of the buffer on a refill (at most
 * one partial record per refill).  gzip streams are inflated into the same
 * buffer; concatenated gzip members are read as one stream, like gzip -d.
 * A stream that ends inside a member (no gzip trailer: a writer killed or
 * the file cut) is an error, as for gzip -t, after everything decodable.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "input.h"

/* Minimum free space for one read(): big reads are what make this fast. */
#define INPUT_CHUNK ((size_t)256 * 1024)
#define INPUT_INITIAL_CAP ((size_t)1024 * 1024)
#define INPUT_ZCHUNK ((size_t)256 * 1024)

struct input_z {
	z_stream zs;
	uint8_t *in;		/* compressed bytes read from fd */
	uint64_t consumed;	/* compressed bytes handed to inflate so far */
	bool raw_eof;
	bool member_done;	/* inflate reached the end of a gzip member */
	int pending;		/* an error found with the last output: next */
};

static ssize_t read_retry(int fd, void *buf, size_t n)
{
	ssize_t r;

	do
		r = read(fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

/* Append whatever one read() gives to buf[end..cap). */
static ssize_t raw_more(struct input *in)
{
	ssize_t r = read_retry(in->fd, in->buf + in->end, in->cap - in->end);

	if (r < 0)
		return r;
	if (r == 0)
		in->eof = true;
	in->end += (size_t)r;
	return r;
}

/* A gzip error: what is wrong and where, in one message. */
static ssize_t z_fail(struct input *in, const char *what, const char *why)
{
	snprintf(in->errmsg, sizeof(in->errmsg),
		 "%s gzip stream: %s at compressed offset %llu (uncompressed offset %llu)",
		 what, why, (unsigned long long)in->z->consumed,
		 (unsigned long long)(in->base + in->end));
	return -EIO;
}

/* The compressed input ended inside a gzip member (gzip -t: "unexpected
 * end of file"): what was decoded has been delivered. */
static ssize_t z_truncated(struct input *in)
{
	in->truncated = true;
	return z_fail(in, "truncated", "unexpected end of file");
}

/* Inflate into buf[end..cap) until at least one byte comes out, the
 * stream ends, or an error.  Returns the bytes produced, 0 at the end. */
static ssize_t z_more(struct input *in)
{
	struct input_z *z = in->z;
	z_stream *zs = &z->zs;

	if (z->pending)
		return z->pending;
	for (;;) {
		size_t room = in->cap - in->end, produced;
		int ret;

		if (zs->avail_in == 0 && !z->raw_eof) {
			ssize_t r = read_retry(in->fd, z->in, INPUT_ZCHUNK);

			if (r < 0)
				return r;
			if (r == 0)
				z->raw_eof = true;
			zs->next_in = z->in;
			zs->avail_in = (uInt)r;
		}
		if (z->member_done) {
			if (zs->avail_in == 0) {
				if (z->raw_eof) {
					in->eof = true;
					return 0;
				}
				continue;
			}
			/* gzip -d too ignores what follows the last member
			 * when it is not another member (e.g. tar padding). */
			if (zs->next_in[0] != 0x1f) {
				in->eof = true;
				return 0;
			}
			if (inflateReset(zs) != Z_OK)
				return -EIO;
			z->member_done = false;
		}

		zs->next_out = in->buf + in->end;
		zs->avail_out = (uInt)room;
		{
			uInt before = zs->avail_in;

			ret = inflate(zs, Z_NO_FLUSH);
			z->consumed += before - zs->avail_in;
		}
		produced = room - zs->avail_out;
		in->end += produced;

		switch (ret) {
		case Z_STREAM_END:
			z->member_done = true;
			break;
		case Z_OK:
			break;
		case Z_BUF_ERROR:
			/* No progress: only legitimate when input ran out. */
			if (zs->avail_in == 0 && z->raw_eof && produced == 0)
				return z_truncated(in);	/* writer killed, file cut */
			if (zs->avail_in != 0 && produced == 0)
				return z_fail(in, "corrupt", "no progress");
			break;
		case Z_MEM_ERROR:
			return -ENOMEM;
		default:
			/* What came out before the error (a bad trailer comes
			 * after all the data) is delivered first. */
			z->pending = (int)z_fail(in, "corrupt", zs->msg ? zs->msg : "bad data");
			if (produced > 0)
				return (ssize_t)produced;
			return z->pending;
		}
		if (produced > 0)
			return (ssize_t)produced;
		if (ret == Z_OK && zs->avail_in == 0 && z->raw_eof)
			return z_truncated(in);
	}
}

static ssize_t more(struct input *in)
{
	return in->gzip ? z_more(in) : raw_more(in);
}

ssize_t input_fill(struct input *in, size_t n)
{
	if (n > INPUT_MAX_PEEK)
		return -EMSGSIZE;

	/* Keep room for n bytes plus one full chunk, so reads stay big. */
	if (in->cap < n + INPUT_CHUNK) {
		size_t ncap = (n + 2 * INPUT_CHUNK) & ~(INPUT_CHUNK - 1);
		uint8_t *nb = realloc(in->buf, ncap);

		if (!nb)
			return -ENOMEM;
		in->buf = nb;
		in->cap = ncap;
	}
	while (in->end - in->pos < n && !in->eof) {
		ssize_t r;

		/* Move the unread tail to the front when the free space is too
		 * small for a big read or for n contiguous bytes. */
		if (in->pos > 0 && (in->cap - in->end < INPUT_CHUNK ||
				    in->cap - in->pos < n)) {
			memmove(in->buf, in->buf + in->pos, in->end - in->pos);
			in->base += in->pos;
			in->end -= in->pos;
			in->pos = 0;
		}
		r = more(in);
		if (r < 0)
			return r;
	}
	return (ssize_t)(in->end - in->pos < n ? in->end - in->pos : n);
}

int64_t input_skip(struct input *in, uint64_t n)
{
	uint64_t done;

	if (in->end - in->pos >= n) {
		in->pos += n;
		return (int64_t)n;
	}
	done = in->end - in->pos;
	while (done < n) {
		ssize_t r;
		size_t take;

		/* Drop the buffered bytes: nothing of a skipped block is kept. */
		in->base += in->end;
		in->pos = in->end = 0;
		if (in->eof)
			break;
		r = more(in);
		if (r < 0)
			return r;
		take = in->end;
		if (take > n - done)
			take = (size_t)(n - done);
		in->pos = take;
		done += take;
	}
	return (int64_t)done;
}

const char *input_strerror(const struct input *in)
{
	return in->errmsg;
}

static int start_gzip(struct input *in)
{
	struct input_z *z = calloc(1, sizeof(*z));

	if (!z)
		return -ENOMEM;
	z->in = malloc(INPUT_ZCHUNK);
	if (!z->in) {
		free(z);
		return -ENOMEM;
	}
	/* 15 + 32: maximum window, gzip or zlib header detected. */
	if (inflateInit2(&z->zs, 15 + 32) != Z_OK) {
		free(z->in);
		free(z);
		return -ENOMEM;
	}
	/* The bytes read for detection are compressed input. */
	memcpy(z->in, in->buf, in->end);
	z->zs.next_in = z->in;
	z->zs.avail_in = (uInt)in->end;
	z->raw_eof = in->eof;
	in->z = z;
	in->gzip = true;
	in->end = 0;
	in->eof = false;
	return 0;
}

static int open_fd(struct input **ip, int fd, bool own_fd)
{
	struct input *in;
	int err;

	*ip = NULL;
	in = calloc(1, sizeof(*in));
	if (!in) {
		err = -ENOMEM;
		goto fail;
	}
	in->fd = fd;
	in->own_fd = own_fd;
	in->cap = INPUT_INITIAL_CAP;
	in->buf = malloc(in->cap);
	if (!in->buf) {
		err = -ENOMEM;
		goto fail;
	}
	/* Sequential readahead helps; it fails harmlessly on pipes. */
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);

	/* A pipe may deliver the two magic bytes in separate reads.  Read no
	 * more than the compressed-input buffer holds: start_gzip() moves
	 * these bytes there. */
	while (in->end < 2 && !in->eof) {
		ssize_t r = read_retry(fd, in->buf + in->end, INPUT_ZCHUNK - in->end);

		if (r < 0) {
			err = (int)r;
			goto fail;
		}
		if (r == 0)
			in->eof = true;
		in->end += (size_t)r;
	}
	if (in->end >= 2 && in->buf[0] == 0x1f && in->buf[1] == 0x8b) {
		err = start_gzip(in);
		if (err)
			goto fail;
	}
	*ip = in;
	return 0;

fail:
	if (in)
		input_close(in);
	else if (own_fd)
		close(fd);
	return err;
}

int input_open_fd(struct input **ip, int fd)
{
	return open_fd(ip, fd, true);
}

int input_open(struct input **ip, const char *path)
{
	int fd;

	*ip = NULL;
	if (strcmp(path, "-") == 0)
		return open_fd(ip, STDIN_FILENO, false);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return open_fd(ip, fd, true);
}

void input_close(struct input *in)
{
	if (!in)
		return;
	if (in->z) {
		inflateEnd(&in->z->zs);
		free(in->z->in);
		free(in->z);
	}
	if (in->own_fd && in->fd >= 0)
		close(in->fd);
	free(in->buf);
	free(in);
}
