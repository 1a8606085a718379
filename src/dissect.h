/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dissect.h - packet bytes to the one-line summary `tcpdump -n` prints
 * (without its timestamp), e.g.
 *   IP 8.8.4.4.53 > 172.20.0.2.37784: 31439 1/0/1 A 216.58.195.78 (55)
 * Identical to tcpdump 4.99 for IPv4 and IPv6 with TCP, UDP, ICMP, ICMPv6
 * and DNS; other protocols get a shorter line.  Truncated packets (caplen <
 * len, as nf_tables traces carry) are summarised as far as the headers go,
 * with tcpdump's "[|proto]" marks.
 */
#ifndef NFTRACE_DISSECT_H
#define NFTRACE_DISSECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * family: NFPROTO_IPV4 (2) or NFPROTO_IPV6 (10) (anything else: a short
 * "family N, length L" line).  l3: caplen bytes from the network header; len:
 * the original length.  verbose: tcpdump -v style (IP header details).
 * Writes at most cap-1 bytes and a NUL into buf; returns the length written.
 * Never reads beyond caplen.
 */
size_t dissect_summary(uint8_t family, const uint8_t *l3, uint32_t caplen,
		       uint32_t len, bool verbose, char *buf, size_t cap);

#endif
