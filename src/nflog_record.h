/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nflog_record.h - the LINKTYPE_NFLOG record: struct nfgenmsg followed by
 * netlink attributes (TLVs), exactly as nfnetlink_log sends it and as
 * `tcpdump -i nflog:0 -w` stores it.  nfgenmsg.res_id is big-endian, the
 * TLV length and type are in host (file section) byte order, the values are
 * big-endian or bytes (libpcap pcap/nflog.h; formats.md section 2).
 */
#ifndef NFTRACE_NFLOG_RECORD_H
#define NFTRACE_NFLOG_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "trace_event.h"

/* NFULA_* attribute types (linux/netfilter/nfnetlink_log.h). */
enum {
	NFLOG_TLV_PACKET_HDR = 1,
	NFLOG_TLV_MARK = 2,
	NFLOG_TLV_TIMESTAMP = 3,
	NFLOG_TLV_IFINDEX_INDEV = 4,
	NFLOG_TLV_IFINDEX_OUTDEV = 5,
	NFLOG_TLV_IFINDEX_PHYSINDEV = 6,
	NFLOG_TLV_IFINDEX_PHYSOUTDEV = 7,
	NFLOG_TLV_HWADDR = 8,
	NFLOG_TLV_PAYLOAD = 9,
	NFLOG_TLV_PREFIX = 10,
	NFLOG_TLV_UID = 11,
	NFLOG_TLV_SEQ = 12,
	NFLOG_TLV_SEQ_GLOBAL = 13,
	NFLOG_TLV_GID = 14,
	NFLOG_TLV_HWTYPE = 15,
	NFLOG_TLV_HWHEADER = 16,
	NFLOG_TLV_HWLEN = 17,
};

/*
 * Parse one NFLOG record of len bytes at rec into ev.  swapped says the TLV
 * length/type fields are in the other byte order than this host's (a file
 * section written on a machine of the other endianness).  Unknown TLVs are
 * skipped; a TLV shorter than its type needs is an error.  Fills family,
 * hook, direction, prefix (and, through trace_prefix_parse, table, chain,
 * kind, rulenum), mark, uid, gid, devices, seq, timestamp, payload and
 * record; ev->len is set to caplen (NFLOG carries no original length).
 * Fields not present keep the value they had (callers zero ev first).
 * A PREFIX that is not a TRACE prefix is no error: ev->prefix is set and
 * ev->kind stays TRACE_KIND_UNKNOWN.  The walk ends cleanly when fewer
 * than 4 bytes remain.  Returns 0, or -EINVAL for a record shorter than
 * nfgenmsg, an nfgenmsg version other than 0, or a TLV whose length is
 * below 4, runs past the record, or is too short for its type; the
 * message in err (which may be NULL) names the TLV type, its length and
 * its offset in the record.  No allocation; ev points into rec.
 */
int nflog_record_parse(const uint8_t *rec, size_t len, bool swapped,
		       struct trace_event *ev, char *err, size_t errlen);

/*
 * Build an NFLOG record for ev into buf (cap bytes) in host byte order, as
 * the legacy kernel would have sent it, in the kernel's attribute order
 * (nfnetlink_log.c __build_packet_message): PACKET_HDR (ethertype of
 * family, hook), PREFIX (ev->prefix plus the kernel's trailing space and
 * NUL; omitted when empty), INDEV, PHYSINDEV, OUTDEV, PHYSOUTDEV, MARK,
 * TIMESTAMP, UID, GID, SEQ (each only when its TE_HAVE_* bit is set), and
 * PAYLOAD (ev->payload, ev->caplen bytes; omitted when caplen is 0).
 * nfgenmsg: family ev->family, version 0, res_id 0.  TLVs are zero-padded
 * to 4 bytes.  The timestamp travels in microseconds, so sub-microsecond
 * digits of ts_ns are lost.  Returns the record length, -ENOSPC if cap is
 * too small, or -EINVAL if the prefix or payload does not fit a TLV's u16
 * length (65531 value bytes).
 */
int nflog_record_build(const struct trace_event *ev, uint8_t *buf, size_t cap);

#endif
