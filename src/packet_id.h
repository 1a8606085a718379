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
 * The derivation is documented in nftrace-read(1); this is its text:
 *
 * DERIVATION
 *   Two views of the packet are used: N, the network header (at most its
 *   first 40 bytes), and T, at most 20 bytes from the transport offset.
 *   The transport offset is IHL*4 for IPv4; for IPv6 it is found by walking
 *   hop-by-hop (0), routing (43), fragment (44), AH (51), destination
 *   options (60) and mobility (135) headers within the captured bytes.
 *   From these views only the following bytes go, in this order, into a
 *   canonical buffer that starts with the packet family (2 or 10) and a
 *   byte naming the transport rule applied:
 *
 *   IPv4   byte 0 (version, IHL), total length, identification, flags and
 *          fragment offset, protocol.  Not TOS, TTL, checksum, addresses
 *          or options.
 *   IPv6   version, flow label, payload length, next header.  Not traffic
 *          class, hop limit or addresses.
 *
 *   The transport rule depends on the protocol (the IPv4 protocol field,
 *   the next header of the fixed IPv6 header) and keeps these bytes of T:
 *
 *   TCP (6)           sequence, acknowledgement, data offset and flags,
 *                     window, urgent pointer (bytes 4-15, 18-19); not the
 *                     ports or the checksum.
 *   UDP (17)          length and the first 12 payload bytes, e.g. the DNS
 *                     id (bytes 4-5, 8-19); not the ports or the checksum.
 *   ICMP echo         type, code, sequence and data (0-1, 6-19); not the
 *   (ICMP 0/8,        checksum, not the identifier, which NAT rewrites.
 *   ICMPv6 128/129)
 *   ICMP errors       type, code and bytes 4-7 (0-1, 4-7); not the
 *   (ICMP 3,4,5,11,12 embedded packet, which NAT rewrites.
 *   ICMPv6 < 128)
 *   other ICMP        everything but the checksum (0-1, 4-19).
 *   IPv6 with         bytes 8-15 and 18-19: an nf_tables trace carries
 *   extension headers only the fixed 40-byte header, so the final protocol
 *   is unknown there; these are the bytes that NAT rewrites in none of
 *   TCP, UDP and ICMPv6.
 *   IPv4 non-first    all 20 bytes (they are data, not a header).
 *   fragment, other
 *   protocols
 *
 *   Bytes beyond the capture are left out (never read).  A packet whose
 *   network header is too short or of another version contributes its
 *   first 60 bytes as they are.  The buffer is hashed with a 64-bit
 *   multiply-xorshift hash (murmur3's fmix64 finaliser) and the result is
 *   truncated to 48 bits; a result of 0 becomes 1, so 0 never is an ID.
 *
 *   Two different packets get the same ID only by a hash collision or if
 *   all those fields match, e.g. IPv4 packets with the same IP ID whose
 *   first transport bytes agree.
 */
#ifndef NFTRACE_PACKET_ID_H
#define NFTRACE_PACKET_ID_H

#include <stddef.h>
#include <stdint.h>

#define PACKET_ID_MASK 0xffffffffffffULL

/* family: NFPROTO_IPV4 (2) or NFPROTO_IPV6 (10); l3: caplen bytes from the
 * network header on.  Never fails: short or odd packets hash what is there.
 * Never reads beyond caplen.  Returns a value in 1..PACKET_ID_MASK. */
uint64_t packet_id(uint8_t family, const uint8_t *l3, size_t caplen);

/*
 * The same ID from the two pieces an nf_tables trace carries:
 * NFTA_TRACE_NETWORK_HEADER (nh, nhlen bytes: the network header up to
 * the transport offset, at most 40 bytes) and NFTA_TRACE_TRANSPORT_HEADER
 * (th, thlen bytes, at most 20; thlen 0 when absent).  For a packet
 * whose transport offset is at most 40, packet_id() on the concatenation
 * gives the same result; with IPv6 extension headers or long IPv4 options
 * only this function places T correctly, so nf_tables sources should use
 * it.  Never fails.
 */
uint64_t packet_id_split(uint8_t family, const uint8_t *nh, size_t nhlen,
			 const uint8_t *th, size_t thlen);

#endif
