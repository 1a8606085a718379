/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dissect.h - packet bytes to the one-line summary `tcpdump -n` prints
 * (without its timestamp), e.g.
 *   IP 8.8.4.4.53 > 172.20.0.2.37784: 31439 1/0/1 A 216.58.195.78 (55)
 * Identical to tcpdump 4.99 for IPv4 and IPv6 with TCP, UDP, ICMP, ICMPv6
 * and DNS; other protocols get a shorter line.  Truncated packets (caplen <
 * len, as nf_tables traces carry) are summarised as far as the headers go,
 * with tcpdump's "[|proto]" marks.
 *
 * What is matched, byte for byte, against tcpdump 4.99.3 (the tests under
 * tests/data/dissect compare about 2900 packets, -n and -v, generated,
 * random and captured from a live kernel):
 *   IPv4 (options, fragments, bad lengths and checksums), IPv6 with
 *   hop-by-hop, destination options, routing (types 0, 2, 4) and fragment
 *   headers, TCP (flags, every option tcpdump names incl. MPTCP and TFO,
 *   SACK and relative sequence numbers, checksums with -v), UDP (checksums
 *   with -v for IPv6, as tcpdump), ICMP (all types, the quoted packet with
 *   -v, RFC 4884 extensions), ICMPv6 (errors, echo, MLD v1/v2, neighbor
 *   discovery with its options under -v), DNS and mDNS over UDP and DNS
 *   over TCP (EDNS options included), IGMP, GRE (IPv4/IPv6 inside), IP-in-IP,
 *   6in4, ESP, AH, IPComp, SCTP chunks, VRRP; the first line of HTTP, RTSP,
 *   FTP, SMTP, WHOIS, SSH, BEEP and syslog; and without -v, NTP, BOOTP/DHCP,
 *   DHCPv6, BGP and RPKI-RTR.  UDP and TCP payload printers are chosen by
 *   port in tcpdump's order.
 *
 * Known differences from tcpdump (a sensible line is printed instead):
 *   - UDP payload printers not implemented (SNMP, TFTP, RIP, RADIUS,
 *     ISAKMP/IKE, L2TP, Kerberos, VXLAN, Geneve, SIP, HSRP, BFD, PTP, NFS
 *     over RPC and the other ports tcpdump knows): where tcpdump would pick
 *     one, "UDP, length N" is printed;
 *   - TCP payloads of telnet (option negotiation), PPTP, RESP, OpenFlow,
 *     MSDP, LDP and NFS: printed as tcpdump prints them when none of the
 *     payload is captured (the nf_tables case), not decoded otherwise;
 *   - IP protocols not decoded: OSPF, PIM, DCCP, EGP, IGRP, EIGRP, RSVP,
 *     PGM, mobile IP, IPv6 mobility, Ethernet over IPv6, and GRE payloads
 *     other than IPv4/IPv6 (MPLS, Ethernet, PPP): " ip-proto-N L" or
 *     "gre-proto-0xN"; SCTP ForCES payloads and IGMP DVMRP/PIMv1 bodies;
 *   - ICMPv6 router renumbering, node information and RPL messages print
 *     only their type name;
 *   - with verbose, NTP, BOOTP/DHCP and DHCPv6 bodies are not printed
 *     (tcpdump -v adds more), nor -v details of BGP or RPKI-RTR.
 * The output may span lines exactly where tcpdump's does (-v, hex dumps).
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
 *
 * For family 2 and 10 the IP version field decides, as in tcpdump.  len
 * below caplen gives tcpdump's "[Invalid header: len(L) < caplen(C)]".
 * Stateless: TCP sequence numbers are printed as tcpdump prints them for a
 * packet seen alone (absolute).  No allocation, no output to any stream.
 */
size_t dissect_summary(uint8_t family, const uint8_t *l3, uint32_t caplen,
		       uint32_t len, bool verbose, char *buf, size_t cap);

/*
 * Relative TCP sequence numbers.  tcpdump remembers, per connection, the
 * sequence numbers of the first segment carrying an ACK (a SYN starts the
 * connection over) and prints later ones relative to them ("seq 1:518,
 * ack 1").  A dissect_ctx keeps the same state so that summarising every
 * packet of a capture in order gives tcpdump's text for the whole capture.
 * Each distinct packet must be summarised once, in capture order: a second
 * call for the same packet counts as a later segment.  ICMP errors quoting
 * a TCP header update the state in verbose mode only, as in tcpdump.
 *
 * Memory is bounded: a fixed table allocated by dissect_ctx_new(); when it
 * is full the least recently recorded connection of a table slot is
 * forgotten, and its next segment is printed as a first sighting (where
 * tcpdump, growing without bound, would still print relative numbers).
 */
struct dissect_ctx;

/*
 * A context for up to about max_flows connections (0: 16384; ~56 bytes
 * each).  Returns NULL with errno set (ENOMEM) on failure.
 */
struct dissect_ctx *dissect_ctx_new(size_t max_flows);

/* Free ctx; NULL is allowed. */
void dissect_ctx_free(struct dissect_ctx *ctx);

/* Forget every connection (a new capture); NULL is allowed. */
void dissect_ctx_reset(struct dissect_ctx *ctx);

/* dissect_summary() with ctx's state (NULL ctx: the stateless form). */
size_t dissect_summary_ctx(struct dissect_ctx *ctx, uint8_t family,
			   const uint8_t *l3, uint32_t caplen, uint32_t len,
			   bool verbose, char *buf, size_t cap);

#endif
