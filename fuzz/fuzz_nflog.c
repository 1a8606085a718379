/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_nflog.c - the NFLOG TLV parser (nflog_record_parse), in both byte
 * orders, and its inverse.
 *
 * Invariants: the parser returns 0 or -EINVAL with a NUL-terminated
 * message; after 0, every pointer in the event (prefix, table, chain,
 * payload, record) lies inside the record, and caplen == len.  Building a
 * record from the event (nflog_record_build) and parsing that is a fixed
 * point: the second build is byte for byte the first.
 */
#include <errno.h>

#include "fuzz.h"
#include "nflog_record.h"

static void check_event(const struct trace_event *ev, const uint8_t *rec, size_t len)
{
	FUZZ_CHECK(ev->record == rec && ev->record_len == len);
	FUZZ_CHECK(fuzz_within(ev->prefix.p, ev->prefix.len, rec, len));
	FUZZ_CHECK(ev->caplen == ev->len);
	FUZZ_CHECK(fuzz_within(ev->payload, ev->caplen, rec, len));
	if (ev->kind != TRACE_KIND_UNKNOWN) {
		FUZZ_CHECK(ev->kind <= TRACE_KIND_POLICY);
		FUZZ_CHECK(ev->table.len > 0 && ev->chain.len > 0);
		FUZZ_CHECK(fuzz_within(ev->table.p, ev->table.len, ev->prefix.p,
				       ev->prefix.len));
		FUZZ_CHECK(fuzz_within(ev->chain.p, ev->chain.len, ev->prefix.p,
				       ev->prefix.len));
	}
}

/* Parse, and if that worked, build and parse again: the result is stable. */
static void one(const uint8_t *rec, size_t len, bool swapped)
{
	struct trace_event ev, ev2, ev3;
	char err[256];
	uint8_t *b1, *b2;
	size_t cap = 2 * len + 64;
	int r, n1, n2;

	memset(&ev, 0, sizeof(ev));
	memset(err, 'x', sizeof(err));
	err[sizeof(err) - 1] = '\0';
	r = nflog_record_parse(rec, len, swapped, &ev, err, sizeof(err));
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	FUZZ_CHECK(strnlen(err, sizeof(err)) < sizeof(err));
	/* No error buffer is fine too. */
	{
		struct trace_event evn;

		memset(&evn, 0, sizeof(evn));
		FUZZ_CHECK(nflog_record_parse(rec, len, swapped, &evn, NULL, 0) == r);
	}
	if (r < 0)
		return;
	check_event(&ev, rec, len);

	b1 = malloc(cap);
	b2 = malloc(cap);
	FUZZ_CHECK(b1 && b2);
	n1 = nflog_record_build(&ev, b1, cap);
	FUZZ_CHECK(n1 > 0 || n1 == -EINVAL);
	if (n1 > 0) {
		memset(&ev2, 0, sizeof(ev2));
		FUZZ_CHECK(nflog_record_parse(b1, (size_t)n1, false, &ev2, err, sizeof(err)) == 0);
		check_event(&ev2, b1, (size_t)n1);
		FUZZ_CHECK(ev2.family == ev.family);
		FUZZ_CHECK(ev2.kind == ev.kind);
		/* rulenum means something only with a kind (a second, non-TRACE
		 * PREFIX TLV leaves the first one's number behind). */
		FUZZ_CHECK(ev.kind == TRACE_KIND_UNKNOWN || ev2.rulenum == ev.rulenum);
		FUZZ_CHECK(strref_eq(ev2.prefix, ev.prefix.p, ev.prefix.len));
		FUZZ_CHECK(ev2.caplen == ev.caplen);
		FUZZ_CHECK(ev.caplen == 0 || memcmp(ev2.payload, ev.payload, ev.caplen) == 0);
		FUZZ_CHECK(ev2.mark == ev.mark && ev2.uid == ev.uid && ev2.gid == ev.gid);
		FUZZ_CHECK(ev2.indev == ev.indev && ev2.outdev == ev.outdev);
		FUZZ_CHECK(ev2.seq == ev.seq && ev2.hook == ev.hook);

		n2 = nflog_record_build(&ev2, b2, cap);
		FUZZ_CHECK(n2 == n1);
		FUZZ_CHECK(memcmp(b1, b2, (size_t)n1) == 0);
		memset(&ev3, 0, sizeof(ev3));
		FUZZ_CHECK(nflog_record_parse(b2, (size_t)n2, false, &ev3, err, sizeof(err)) == 0);
		FUZZ_CHECK(ev3.ts_ns == ev2.ts_ns);
		/* Too small a buffer is refused, never overrun. */
		FUZZ_CHECK(nflog_record_build(&ev2, b2, (size_t)n1 - 1) == -ENOSPC);
	}
	free(b1);
	free(b2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, false);
	one(data, size, true);
	return 0;
}
