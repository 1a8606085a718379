/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * packet_id.h - one ID for one packet along its whole path through the
 * firewall.
 *
 * The ID is a 48-bit hash of the packet fields that neither NAT (addresses,
 * ports, checksums, ICMP echo id) nor forwarding (TTL / hop limit, IPv4
 * header checksum) nor DSCP marking change, read only from the first 40
 * bytes of network header and 20 bytes of transport header, which is what
 * an nf_tables trace carries.  So legacy and nf_tables events of the same
 * packet get the same ID, and a retransmission (new IPv4 ID) gets a new one.
 * The derivation is documented in nftrace-read(1).
 */
#ifndef NFTRACE_PACKET_ID_H
#define NFTRACE_PACKET_ID_H

#include <stddef.h>
#include <stdint.h>

#define PACKET_ID_MASK 0xffffffffffffULL

/* family: NFPROTO_IPV4 (2) or NFPROTO_IPV6 (10); l3: caplen bytes from the
 * network header on.  Never fails: short or odd packets hash what is there. */
uint64_t packet_id(uint8_t family, const uint8_t *l3, size_t caplen);

#endif
