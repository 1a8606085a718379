#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Send one test packet (no ping(8) needed).

Usage: send.py icmp ADDR | icmp6 ADDR | udp ADDR PORT
icmp/icmp6 send one echo request (id 0x4e54, seq 1, 16 bytes of data) from
a raw socket and wait up to 1 s for the reply; udp sends "x".
"""
import socket
import struct
import sys


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def echo(fam, proto, typ, addr):
    s = socket.socket(fam, socket.SOCK_RAW, proto)
    s.settimeout(1.0)
    data = b"nftrace-test-pkt"
    hdr = struct.pack("!BBHHH", typ, 0, 0, 0x4E54, 1)
    if fam == socket.AF_INET:
        hdr = struct.pack("!BBHHH", typ, 0, csum(hdr + data), 0x4E54, 1)
    # ICMPv6 raw sockets: the kernel fills in the checksum.
    s.sendto(hdr + data, (addr, 0))
    try:
        while True:
            s.recv(2048)
            break
    except socket.timeout:
        sys.exit("send.py: no reply from %s" % addr)


def main():
    kind, addr = sys.argv[1], sys.argv[2]
    if kind == "icmp":
        echo(socket.AF_INET, socket.IPPROTO_ICMP, 8, addr)
    elif kind == "icmp6":
        echo(socket.AF_INET6, socket.IPPROTO_ICMPV6, 128, addr)
    elif kind == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendto(b"x", (addr, int(sys.argv[3])))
    else:
        sys.exit("send.py: unknown kind %s" % kind)


if __name__ == "__main__":
    main()
