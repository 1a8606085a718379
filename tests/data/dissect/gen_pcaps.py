#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the dissector's test captures (LINKTYPE_RAW) into this directory.

Every packet is built here byte by byte, so the files are reproducible; the
expected text comes from tcpdump itself (regen.sh).  Packet i of a file has
the timestamp i+1 s, which lets regen.sh tell tcpdump's packets apart.
"""
import ipaddress
import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


# ---- building blocks -------------------------------------------------------

def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def a4(s):
    return bytes(int(x) for x in s.split('.'))


def a6(s):
    return ipaddress.IPv6Address(s).packed


def ip4(src, dst, proto, payload, ttl=64, id=0x1234, tos=0, df=True, mf=False,
        rsvd=False, off=0, opts=b'', tlen=None, ihl=None, ver=4, badsum=False):
    hl = 20 + len(opts)
    if ihl is None:
        ihl = hl // 4
    if tlen is None:
        tlen = hl + len(payload)
    fl = (0x4000 if df else 0) | (0x2000 if mf else 0) | \
         (0x8000 if rsvd else 0) | (off // 8)
    h = struct.pack('!BBHHHBBH4s4s', (ver << 4) | ihl, tos, tlen, id, fl, ttl,
                    proto, 0, a4(src), a4(dst)) + opts
    c = csum(h) ^ (0x1111 if badsum else 0)
    return h[:10] + struct.pack('!H', c) + h[12:] + payload


def ip6(src, dst, nxt, payload, hlim=64, tc=0, fl=0, plen=None):
    if plen is None:
        plen = len(payload)
    return struct.pack('!IHBB16s16s', (6 << 28) | (tc << 20) | fl, plen, nxt,
                       hlim, a6(src), a6(dst)) + payload


def pseudo4(src, dst, proto, n):
    return a4(src) + a4(dst) + struct.pack('!BBH', 0, proto, n)


def pseudo6(src, dst, nxt, n):
    return a6(src) + a6(dst) + struct.pack('!IxxxB', n, nxt)


def tcp(sp, dp, seq, ack, flags, win=64240, opts=b'', data=b'', urp=0,
        off=None):
    if off is None:
        off = (20 + len(opts)) // 4
    return struct.pack('!HHIIBBHHH', sp, dp, seq, ack, off << 4, flags, win, 0,
                       urp) + opts + data


def udp(sp, dp, data, ulen=None):
    if ulen is None:
        ulen = 8 + len(data)
    return struct.pack('!HHHH', sp, dp, ulen, 0) + data


def fix_sum(pseudo, seg, pos, udp_style, bad):
    c = csum(pseudo + seg)
    if udp_style and c == 0:
        c = 0xffff
    if bad:
        c ^= 0x5555
    return seg[:pos] + struct.pack('!H', c) + seg[pos + 2:]


def T4(src, dst, sp, dp, seq, ack, flags, badsum=False, ip=None, **kw):
    s = tcp(sp, dp, seq, ack, flags, **kw)
    s = fix_sum(pseudo4(src, dst, 6, len(s)), s, 16, False, badsum)
    return ip4(src, dst, 6, s, **(ip or {}))


def T6(src, dst, sp, dp, seq, ack, flags, badsum=False, **kw):
    s = tcp(sp, dp, seq, ack, flags, **kw)
    s = fix_sum(pseudo6(src, dst, 6, len(s)), s, 16, False, badsum)
    return ip6(src, dst, 6, s)


def U4(src, dst, sp, dp, data, bad=False, nosum=False, **ipkw):
    s = udp(sp, dp, data)
    if not nosum:
        s = fix_sum(pseudo4(src, dst, 17, len(s)), s, 6, True, bad)
    return ip4(src, dst, 17, s, **ipkw)


def U6(src, dst, sp, dp, data, bad=False, **kw):
    s = udp(sp, dp, data)
    s = fix_sum(pseudo6(src, dst, 17, len(s)), s, 6, True, bad)
    return ip6(src, dst, 17, s, **kw)


def icmp(t, c, rest, bad=False):
    m = struct.pack('!BBH', t, c, 0) + rest
    k = csum(m) ^ (0x1234 if bad else 0)
    return m[:2] + struct.pack('!H', k) + m[4:]


def I4(src, dst, t, c, rest, bad=False, **ipkw):
    return ip4(src, dst, 1, icmp(t, c, rest, bad), **ipkw)


def I6(src, dst, t, c, rest, bad=False, **kw):
    m = struct.pack('!BBH', t, c, 0) + rest
    k = csum(pseudo6(src, dst, 58, len(m)) + m) ^ (0x1234 if bad else 0)
    return ip6(src, dst, 58, m[:2] + struct.pack('!H', k) + m[4:], **kw)


def dname(n):
    if n in ('', '.'):
        return b'\0'
    return b''.join(bytes([len(l)]) + l.encode()
                    for l in n.rstrip('.').split('.')) + b'\0'


def dns(id, flags, qd=(), an=(), ns=(), ar=(), counts=None):
    body = b''.join(qd) + b''.join(list(an) + list(ns) + list(ar))
    c = counts or (len(qd), len(an), len(ns), len(ar))
    return struct.pack('!HHHHHH', id, flags, *c) + body


def q(name, t=1, c=1):
    return (dname(name) if isinstance(name, str) else name) + \
        struct.pack('!HH', t, c)


def rr(name, t, rdata, c=1, ttl=300):
    return (dname(name) if isinstance(name, str) else name) + \
        struct.pack('!HHIH', t, c, ttl, len(rdata)) + rdata


def opt(size=1232, do=False, rdata=b'', ercode=0):
    return b'\0' + struct.pack('!HHBBHH', 41, size, ercode, 0,
                               0x8000 if do else 0, len(rdata)) + rdata


def cut(p, n):
    """The first n bytes of p, its wire length kept: a short capture."""
    return (p[:n], len(p))


def nft_cut(p):
    """What an nf_tables trace carries: up to 40 bytes of network header
    and 20 of transport header (NFT_TRACETYPE_*_HSIZE)."""
    if p[0] >> 4 == 4:
        l3 = (p[0] & 15) * 4
    else:
        l3 = 40
    return (p[:min(l3, 40)] + p[l3:l3 + 20], len(p))


def write_pcap(name, pkts):
    with open(os.path.join(HERE, name), 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 101))
        for i, p in enumerate(pkts):
            data, wl = p if isinstance(p, tuple) else (p, len(p))
            f.write(struct.pack('<IIII', i + 1, 0, len(data), wl))
            f.write(data)


A, B = '10.0.0.1', '192.168.1.20'
C, R = '172.20.0.2', '8.8.4.4'
S, D = '2001:db8::1', '2001:db8:0:1::2'

TCP_SYN_OPTS = bytes.fromhex('020405b40402080a0001e2400000000001030307')
TCP_SYNACK_OPTS = bytes.fromhex('020405b40402080a0001e2410001e24001030307')
TCP_TS_OPTS = bytes.fromhex('0101080a0001e2420001e241')


# ---- IPv4 ------------------------------------------------------------------

def ipv4_pkts():
    u = U4(A, B, 5000, 6000, b'hello world!!')
    P = [u,
         ip4(A, B, 17, udp(1, 2, b'abc'), tos=0x03, ttl=0),
         ip4(A, B, 17, udp(1, 2, b'abc'), tos=0xb9, ttl=1, badsum=True),
         ip4(A, B, 17, udp(1, 2, b''), df=True, mf=True, rsvd=True),
         U4(A, B, 5000, 6000, b'x' * 1472, df=False, mf=True),
         ip4(A, B, 17, b'y' * 100, df=False, off=1480),
         ip4(A, B, 17, b'y' * 100, df=False, off=1480, mf=True),
         ip4(A, B, 6, b'y' * 100, df=False, off=8),
         ip4(A, B, 1, b'y' * 100, df=False, off=64000),
         ip4(A, B, 99, b'y' * 10),
         ip4(A, B, 253, b''),
         ip4(A, B, 17, udp(1, 2, b'abc'), tlen=15),
         ip4(A, B, 17, udp(1, 2, b'abc'), tlen=10),
         ip4(A, B, 17, udp(1, 2, b'abc'), tlen=0),
         ip4(A, B, 17, udp(1, 2, b'abc'), ihl=4),
         ip4(A, B, 17, udp(1, 2, b'abc'), ihl=0),
         ip4(A, B, 17, udp(1, 2, b'abc'), ihl=15),
         ip4(A, B, 17, udp(1, 2, b'abc'), ver=5),
         ip4(A, B, 17, udp(1, 2, b'abc'), ver=6),
         ip4(A, B, 17, udp(1, 2, b'abc'), tlen=200),
         ip4(A, B, 1, b'', tlen=20),
         ip4('0.0.0.0', '255.255.255.255', 17, udp(68, 67, b''), ttl=255),
         # options (RFC 791 3.1) and bad ones
         ip4(A, B, 17, udp(1, 2, b'abc'), opts=bytes.fromhex('94040000')),
         ip4(A, B, 17, udp(1, 2, b'abc'), opts=bytes.fromhex('94040102')),
         ip4(A, B, 17, udp(1, 2, b'abc'), opts=bytes.fromhex('01010101')),
         ip4(A, B, 17, udp(1, 2, b'abc'), opts=bytes(8)),
         ip4(A, B, 17, udp(1, 2, b'abc'), opts=bytes.fromhex('0107030a0a0a0100')),
         ip4(A, B, 17, udp(1, 2, b'abc'), opts=bytes.fromhex('0107080a0a0a0100')),
         U4(A, B, 1, 2, b'abc', opts=bytes.fromhex('830b080a0000010a00000200')),
         U4(A, B, 1, 2, b'abc', opts=bytes.fromhex('890b040a0000010a00000200')),
         ip4(A, B, 17, udp(1, 2, b'abc'), opts=bytes.fromhex('440c0501000000010000000200000000')),
         ip4(A, B, 17, udp(1, 2, b'abc'), opts=bytes.fromhex('4414050100000001000000020a000001000000ab')),
         ip4(A, B, 17, udp(1, 2, b'abc'), opts=bytes.fromhex('440c0d11000000010000000200000000')),
         ip4(A, B, 17, udp(1, 2, b'abc'), opts=bytes.fromhex('440c05320000000100000002')),
         ip4(A, B, 17, udp(1, 2, b'abc'), opts=bytes.fromhex('440305000000')[:4]),
         ip4(A, B, 17, udp(1, 2, b'abc'), opts=bytes.fromhex('820b0000000000000000000000000000')[:12]),
         ip4(A, B, 17, udp(1, 2, b'abc'), opts=bytes.fromhex('52040000')),
         ip4(A, B, 17, udp(1, 2, b'abc'), opts=bytes.fromhex('07010000')),
         ip4(A, B, 17, udp(1, 2, b'abc'), opts=bytes.fromhex('09ff0000')),
         ip4(A, B, 17, udp(1, 2, b'abc'), opts=bytes.fromhex('94020000')),
         ]
    for n in (0, 1, 10, 19, 20, 21, 27, 28):
        P.append(cut(u, n))
    P.append(cut(ip4(A, B, 17, udp(1, 2, b'abc'), opts=bytes.fromhex('94040000')), 22))
    P.append(cut(ip4(A, B, 17, udp(1, 2, b'abc'), opts=bytes.fromhex('0107080a0a0a0100')), 25))
    # the wire length shorter than the header says
    P.append((u, 30))
    P.append((u[:20], 20))
    return P


# ---- TCP -------------------------------------------------------------------

def tcp_pkts():
    P = []
    syn = T4(A, B, 40000, 80, 1000, 0, 0x02, opts=TCP_SYN_OPTS)
    P.append(syn)
    P.append(T4(B, A, 80, 40000, 5000, 1001, 0x12, opts=TCP_SYNACK_OPTS))
    P.append(T4(A, B, 40000, 80, 1001, 5001, 0x10, opts=TCP_TS_OPTS))
    P.append(T4(A, B, 40000, 80, 1001, 5001, 0x18,
                data=b'GET / HTTP/1.1\r\nHost: x\r\n\r\n'))
    P.append(T4(B, A, 80, 40000, 5001, 1028, 0x18,
                data=b'HTTP/1.1 200 OK\r\nServer: x\r\n\r\n'))
    P.append(T4(B, A, 80, 40000, 5001, 1028, 0x18, data=b'<html>\r\n'))
    P.append(T4(A, B, 40000, 80, 1028, 5033, 0x11))
    P.append(T4(B, A, 80, 40000, 5033, 1029, 0x14))
    for n in (20, 22, 24, 30, 34, 36, 39, 40, 44, 48, 50, 52, 56, 59, 60):
        P.append(cut(syn, n))
    data = T4(A, B, 40000, 80, 1001, 5001, 0x18,
              data=b'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    for n in (40, 44, 48, 60):
        P.append(cut(data, n))
    # every flag, and none
    for fl in (0x00, 0x01, 0x04, 0x08, 0x20, 0x40, 0x80, 0xc2, 0xff, 0x29):
        P.append(T4(A, B, 3333, 4444, 77, 88, fl, urp=9))
    # options tcpdump knows, malformed ones
    for o in (bytes.fromhex('0101050a000003e8000007d0'),
              bytes.fromhex('0101051200000001000000020000000300000004'),
              bytes.fromhex('0101050b000003e8000007d000'),
              bytes.fromhex('1c020000'), bytes.fromhex('1c04800a'),
              bytes.fromhex('1c04000b'), bytes.fromhex('22020000'),
              bytes.fromhex('220a0102030405060708'), bytes.fromhex('22050102'),
              bytes.fromhex('fe06f98901020000'), bytes.fromhex('fe04abcd'),
              bytes.fromhex('fe08f98901020304'), bytes.fromhex('fe020000'),
              bytes.fromhex('1312' + '00' * 16 + '0000'),
              bytes.fromhex('1404ab03'), bytes.fromhex('1d0401020000'),
              bytes.fromhex('1d06010203040000'), bytes.fromhex('1d020000'),
              bytes.fromhex('0b06000000010000'), bytes.fromhex('0c06000000010000'),
              bytes.fromhex('0d06000000020000'), bytes.fromhex('0606000000030000'),
              bytes.fromhex('0706000000040000'), bytes.fromhex('99050102030000'),
              bytes.fromhex('0303070000'), bytes.fromhex('0000000000000000'),
              bytes.fromhex('0403'), bytes.fromhex('04020101'),
              bytes.fromhex('0401'), bytes.fromhex('0201'),
              bytes.fromhex('02080000'), bytes.fromhex('0301'),
              bytes.fromhex('080a00000001'), bytes.fromhex('ff02')):
        o = o + bytes((4 - len(o) % 4) % 4)
        P.append(T4(A, B, 40001, 40002, 1, 2, 0x10, opts=o))
    # Multipath TCP (RFC 8684 3): every subtype, good and bad lengths
    for fl, o in ((0x02, '1e0c0081aabbccddeeff0011'), (0x02, '1e040100'),
                  (0x10, '1e1400010102030405060708090a0b0c0d0e0f10'),
                  (0x10, '1e0c0081aabbccddeeff0011'), (0x02, '1e0c05010000000100000002'),
                  (0x12, '1e10100200000000000000090000000a'),
                  (0x10, '1e18100000' + '11' * 19), (0x10, '1e081001000003e8'),
                  (0x10, '1e14200f00000000000000070000000100000002000a'),
                  (0x10, '1e0e200500000001000000020003'),
                  (0x10, '1e0a3004c0a80001'), (0x10, '1e0a3104c0a800011f90'),
                  (0x10, '1e163606' + '20010db8000000000000000000000001' + '1f90'),
                  (0x10, '1e1030040a0000010102030405060708'),
                  (0x10, '1e064002030500'), (0x10, '1e035000'), (0x10, '1e045101'),
                  (0x10, '1e0c6000000000000000002a'), (0x10, '1e0c70000102030405060708'),
                  (0x10, '1e04f000'), (0x10, '1e02'), (0x10, '1e0400'), (0x02, '1e14000100')):
        o = bytes.fromhex(o)
        o = o + bytes((4 - len(o) % 4) % 4)
        P.append(T4(A, B, 40003, 40004, 9, 8, fl, opts=o))
    # header length fields: too short, too long, beyond the capture
    P.append(T4(A, B, 1, 2, 3, 4, 0x10, off=4))
    P.append(T4(A, B, 1, 2, 3, 4, 0x10, off=0))
    P.append(T4(A, B, 1, 2, 3, 4, 0x10, off=15))
    P.append(T4(A, B, 1, 2, 3, 4, 0x10, off=15, data=bytes(60)))
    P.append(T4(A, B, 1, 2, 3, 4, 0x10, off=8, data=bytes(4)))
    P.append(T4(A, B, 1, 2, 3, 4, 0x10, badsum=True))
    P.append(T4(A, B, 1, 2, 3, 4, 0x10, data=b'x', badsum=True))
    P.append(T4(A, B, 1, 2, 3, 4, 0x14, data=b'connection refused\x01\xff' * 2))
    P.append(T4(A, B, 1, 2, 3, 4, 0x04, data=b'reset'))
    P.append(cut(T4(A, B, 1, 2, 3, 4, 0x04, data=b'reset data'), 45))
    # payload printers chosen by port
    for sp, dp, pl in ((40000, 22, b'SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'),
                       (22, 40000, b'SSH-2.0-X\n'),
                       (22, 40000, b'SSH-2.0-X'),
                       (22, 40000, b'SSH-2.0-X\rY'),
                       (22, 40000, b'\x00\x00\x01\x0c\x0a\x14'),
                       (40000, 25, b'EHLO client\r\n'),
                       (25, 40000, b'220 mail ESMTP ready'),
                       (40000, 21, b'USER anonymous\r\n'),
                       (40000, 21, b'\x01\x02binary'),
                       (40000, 43, b'example.com\r\n'),
                       (40000, 8080, b'POST /x HTTP/1.0\r\n\r\n'),
                       (40000, 80, b'BREW /pot HTCPCP/1.0\r\n'),
                       (40000, 80, b'\x16\x03\x01\x00\x05hello'),
                       (80, 40000, b'HTTP/1.1 404 Not Found\r\n'),
                       (80, 40000, b'HTTP/1.1 2000 OK\r\n'),
                       (40000, 554, b'OPTIONS rtsp://x RTSP/1.0\r\n'),
                       (40000, 8554, b'RTSP/1.0 200 OK\r\n'),
                       (40000, 10288, b'MSG 1 2 . 0 10\r\n'),
                       (40000, 10288, b'MSG\x00 1 2\r\n'),
                       (40000, 10288, b'RPY 1 2 . 0 10\r\n'),
                       (40000, 179, bytes(19)),
                       (40000, 40001, b'no printer for this port')):
        P.append(T4(A, B, sp, dp, 10, 20, 0x18, data=pl))
    for port in (21, 22, 23, 25, 43, 53, 80, 179, 554, 639, 646, 1723,
                 6379, 6633, 6653, 8080, 8554, 10288):
        P.append(cut(T4(A, B, 40000, port, 1, 2, 0x18, data=bytes(40)), 40))
    P.append(T4(A, B, 40000, 23, 1, 2, 0x18, data=b'login: '))
    P.append(cut(T4(A, B, 40000, 80, 1, 2, 0x18,
                    data=b'GET /index.html HTTP/1.1\r\n'), 48))
    P.append(cut(T4(A, B, 40000, 80, 1, 2, 0x18,
                    data=b'GET /index.html HTTP/1.1\r\n'), 60))
    P.append(cut(T4(A, B, 40000, 21, 1, 2, 0x18, data=b'USER anonymous\r\n'), 46))
    # IPv6
    P.append(T6(S, D, 40000, 443, 1000, 0, 0x02, opts=TCP_SYN_OPTS))
    P.append(T6(D, S, 443, 40000, 7000, 1001, 0x12, opts=TCP_SYNACK_OPTS))
    P.append(T6(S, D, 40000, 443, 1001, 7001, 0x10))
    P.append(T6(S, D, 40000, 443, 1001, 7001, 0x18, data=bytes(100), badsum=True))
    for n in (40, 44, 52, 60, 72):
        P.append(cut(T6(S, D, 40000, 443, 1000, 0, 0x02, opts=TCP_SYN_OPTS), n))
    return P


# ---- a TCP conversation for relative sequence numbers ------------------------

def flow_pkts():
    P = []
    c, s = 3000000000, 4200000000
    P.append(T4(A, B, 51000, 443, c, 0, 0x02, opts=TCP_SYN_OPTS))
    P.append(T4(B, A, 443, 51000, s, c + 1, 0x12, opts=TCP_SYNACK_OPTS))
    P.append(T4(A, B, 51000, 443, c + 1, s + 1, 0x10))
    P.append(T4(A, B, 51000, 443, c + 1, s + 1, 0x18, data=bytes(517)))
    P.append(T4(B, A, 443, 51000, s + 1, c + 518, 0x10))
    P.append(T4(B, A, 443, 51000, s + 1, c + 518, 0x18, data=bytes(1400)))
    P.append(T4(A, B, 51000, 443, c + 518, s + 1401, 0x10,
                opts=bytes.fromhex('0101050a') + struct.pack('!II', s + 2801, s + 4201)))
    P.append(T4(B, A, 443, 51000, s + 1401, c + 518, 0x10, data=bytes(1400)))
    P.append(T4(A, B, 51000, 443, c + 518, s + 4201, 0x11))
    P.append(T4(B, A, 443, 51000, s + 4201, c + 519, 0x11))
    P.append(T4(A, B, 51000, 443, c + 519, s + 4202, 0x10))
    # the same four-tuple again: a new SYN starts over
    c2 = 12345
    P.append(T4(A, B, 51000, 443, c2, 0, 0x02))
    P.append(T4(B, A, 443, 51000, 999, c2 + 1, 0x12))
    P.append(T4(A, B, 51000, 443, c2 + 1, 1000, 0x10))
    # seen mid-stream: the first ACK sets the base
    P.append(T4(A, B, 52000, 22, 777777, 888888, 0x18, data=bytes(48)))
    P.append(T4(B, A, 22, 52000, 888888, 777825, 0x18, data=bytes(64)))
    P.append(T4(A, B, 52000, 22, 777825, 888952, 0x10))
    # equal ports: the addresses decide the order
    P.append(T4(B, A, 5000, 5000, 10, 20, 0x10))
    P.append(T4(A, B, 5000, 5000, 20, 11, 0x10))
    P.append(T4(B, A, 5000, 5000, 11, 21, 0x18, data=b'abc'))
    # sequence numbers wrapping
    P.append(T4(A, B, 53000, 80, 0xfffffff0, 5, 0x10))
    P.append(T4(A, B, 53000, 80, 0xfffffff0, 5, 0x18, data=bytes(32)))
    # IPv6
    P.append(T6(S, D, 51000, 443, c, 0, 0x02, opts=TCP_SYN_OPTS))
    P.append(T6(D, S, 443, 51000, s, c + 1, 0x12, opts=TCP_SYNACK_OPTS))
    P.append(T6(S, D, 51000, 443, c + 1, s + 1, 0x10))
    P.append(T6(S, D, 51000, 443, c + 1, s + 1, 0x18, data=bytes(200)))
    P.append(T6(D, S, 443, 51000, s + 1, c + 201, 0x10))
    # ICMP errors carry the flow too (printed in -v mode only)
    P.append(I4('192.168.0.254', A, 3, 4, struct.pack('!HH', 0, 1400) +
                T4(A, B, 51000, 443, c + 518, s + 4201, 0x10)))
    P.append(T4(A, B, 51000, 443, c + 530, s + 4301, 0x10))
    return P


# ---- UDP ----------------------------------------------------------------------

def udp_pkts():
    P = [U4(A, B, 40000, 40001, b'hello'),
         U4(A, B, 40000, 40001, b'', nosum=True),
         ip4(A, B, 17, udp(40000, 40001, b'hello', ulen=100)),
         ip4(A, B, 17, udp(40000, 40001, b'hello', ulen=10)),
         ip4(A, B, 17, udp(40000, 40001, b'hello', ulen=4)),
         ip4(A, B, 17, udp(40000, 40001, b'hello', ulen=0)),
         ip4(A, B, 17, udp(40000, 40001, b'')[:6]),
         U6(S, D, 40000, 40001, b'hello'),
         U6(S, D, 40000, 40001, b'hello', bad=True),
         ip6(S, D, 17, udp(40000, 40001, b'hello', ulen=100)),
         cut(U4(A, B, 40000, 40001, b'hello'), 21),
         cut(U4(A, B, 40000, 40001, b'hello'), 24),
         cut(U4(A, B, 40000, 40001, b'hello'), 26),
         cut(U4(A, B, 40000, 40001, b'hello'), 28),
         cut(U6(S, D, 40000, 40001, b'hello'), 44),
         cut(U6(S, D, 40000, 40001, b'hello'), 48)]
    for pri in (0, 13, 30, 86, 134, 191, 192, 999):
        P.append(U4(A, B, 40000, 514,
                    ('<%d>Jan  1 host prog: hello\x01\xff' % pri).encode()))
    for d in (b'<13', b'<1234>x', b'x', b'<>x', b'<13>', b''):
        P.append(U4(A, B, 40000, 514, d))
    P.append(cut(U4(A, B, 40000, 514, b'<13>hello world'), 32))
    return P


# ---- DNS -------------------------------------------------------------------------

def dns_msgs():
    M = []
    qd = [q('example.com.', 1)]
    M.append(dns(31439, 0x0100, qd))
    M.append(dns(31439, 0x0100, qd, ar=[opt()]))
    M.append(dns(31439, 0x8180, [q('google.com.', 1)],
                 an=[rr(b'\xc0\x0c', 1, a4('216.58.195.78'))], ar=[opt()]))
    M.append(dns(31439, 0x8183, [q('nx.example.', 1)],
                 ns=[rr(b'\xc0\x0f', 6, dname('ns1.example.') + dname('host.example.') +
                        struct.pack('!IIIII', 1, 2, 3, 4, 5))]))
    M.append(dns(1, 0x8580, [q('example.com.', 28)],
                 an=[rr(b'\xc0\x0c', 28, a6('2606:2800:220:1:248:1893:25c8:1946'))]))
    M.append(dns(2, 0x8380, [q('www.example.com.', 1)],
                 an=[rr(b'\xc0\x0c', 5, dname('example.com.')),
                     rr(b'\xc0\x2d', 1, a4('1.2.3.4'))]))
    M.append(dns(3, 0x8100, [q('4.3.2.1.in-addr.arpa.', 12)],
                 an=[rr(b'\xc0\x0c', 12, dname('host.example.'))]))
    M.append(dns(4, 0x81a0, [q('example.com.', 15)],
                 an=[rr(b'\xc0\x0c', 15, struct.pack('!H', 10) + dname('mail.example.com.')),
                     rr(b'\xc0\x0c', 16, b'\x05hello\x05world\x00'),
                     rr(b'\xc0\x0c', 2, b'\x03ns1\xc0\x0c')]))
    M.append(dns(5, 0x8382, [q('example.com.', 6)],
                 an=[rr(b'\xc0\x0c', 6, dname('ns1.example.') + dname('host.example.') +
                        struct.pack('!IIIII', 1, 2, 3, 4, 5))]))
    M.append(dns(6, 0x8180, [q('_sip._tcp.example.com.', 33)],
                 an=[rr(b'\xc0\x0c', 33, struct.pack('!HHH', 10, 60, 5060) +
                        dname('sip.example.com.'))]))
    M.append(dns(7, 0x8180, [q('a.example.', 38)],
                 an=[rr(b'\xc0\x0c', 38, bytes([64]) + bytes(8) +
                        bytes.fromhex('1122334455667788') + dname('b.example.'))]))
    M.append(dns(8, 0x8180, [q('a.example.', 256)],
                 an=[rr(b'\xc0\x0c', 256, struct.pack('!HH', 1, 2) + b'https://x/')]))
    M.append(dns(9, 0x8180, [q('a.example.', 41)], an=[rr(b'\xc0\x0c', 41, b'', c=4096)]))
    M.append(dns(10, 0x8180, [q('a.example.', 99)], an=[rr(b'\xc0\x0c', 99, b'\x03abc')]))
    M.append(dns(11, 0x8180, [q(b'\x41\x10\xab\xcd\x00', 1)]))
    M.append(dns(12, 0x8180, [q('a.', 1), q('b.', 1)], an=[rr(b'\xc0\x0c', 1, a4('1.1.1.1'))]))
    M.append(dns(13, 0x0100, [q(b'\x3f' + b'a' * 63 + b'\x3f' + b'b' * 63 + b'\x3f' +
                                b'c' * 63 + b'\x3f' + b'd' * 63 + b'\x00', 1)]))
    M.append(dns(14, 0x2800, [q('example.com.', 6)],
                 an=[rr('x.example.com.', 1, a4('1.2.3.4'))],
                 ns=[rr('y.example.com.', 1, a4('1.2.3.5'))]))
    M.append(dns(15, 0x0900, [q('example.com.', 1)], an=[rr('x.example.com.', 1, a4('1.2.3.4'))]))
    M.append(dns(16, 0x8180, [q('example.com.', 250)],
                 an=[rr(b'\xc0\x0c', 250, dname('key.') + bytes(6) +
                        struct.pack('!HH', 300, 4) + b'abcd' + struct.pack('!HHH', 16, 0, 0))]))
    M.append(dns(17, 0x0110, qd))
    M.append(dns(18, 0x2800, qd))
    M.append(dns(19, 0x0100, [q('example.com.', 255, 3)]))
    M.append(dns(20, 0x0100, [q('example.com.', 65000, 1)]))
    M.append(dns(21, 0x0100, [q('example.com.', 1), q('example.org.', 28)]))
    M.append(dns(22, 0x0100, [q('.', 2)]))
    M.append(dns(23, 0x0100, [q(b'\x03abc\xc0\x30', 1)]))
    M.append(dns(24, 0x0100, [q(b'\x03a\x01c\x00', 1)]))
    M.append(dns(25, 0x0100, [q(b'\x05a b.\x00', 1)]))
    M.append(dns(26, 0x0100, []))
    M.append(dns(27, 0x8180, [q('google.com.', 1)],
                 an=[rr(b'\xc0\x0c', 1, a4('216.58.195.78'))], ar=[opt(do=True, ercode=1)]))
    M.append(dns(28, 0x0d0f, qd, counts=(1, 2, 3, 4)))
    M.append(dns(29, 0x0800, qd, counts=(0, 0, 0, 0)))
    M.append(dns(30, 0x8780, [q('a.', 1)], an=[rr(b'\xc0\x0c', 1, a4('1.1.1.1'))] * 3))
    M.append(dns(31, 0x840a, [q('a.', 1)], an=[rr(b'\xc0\x0c', 1, a4('1.1.1.1'))]))
    M.append(dns(32, 0x8180, [q('a.', 1)], an=[rr(b'\xc0\x0c', 1, a4('1.1.1.1'), c=3)]))
    M.append(dns(33, 0x8180, [q('a.', 16)], an=[rr(b'\xc0\x0c', 16, b'\x03ab\x00\x07\x01"\\')]))
    M.append(dns(34, 0x8180, [q('a.', 1)], an=[rr(b'\xc0\x0c', 1, a4('1.1.1.1'))], counts=(1, 5, 0, 0)))
    M.append(dns(35, 0x8180, [q(b'\x80\x00', 1)]))
    M.append(dns(36, 0x8180, [q(b'\x42\x00', 1)]))
    M.append(dns(37, 0x8180, [q(b'\xc0\x0c', 1)]))
    # an OPT record (RFC 6891) where -n shows it: the answer section
    def eo(code, data):
        return struct.pack('!HH', code, len(data)) + data
    for rd in (eo(8, struct.pack('!HBB', 1, 24, 0) + bytes([192, 0, 2])),
               eo(8, struct.pack('!HBB', 2, 56, 0) + bytes(7)), eo(8, b'\x00'),
               eo(10, bytes(range(8))), eo(10, bytes(range(24))) + eo(12, bytes(3)),
               eo(10, bytes(9)), eo(11, struct.pack('!H', 1234)), eo(9, struct.pack('!I', 3600)),
               eo(14, struct.pack('!HH', 20326, 5)), eo(5, bytes([8, 13, 15, 200])),
               eo(6, bytes([1, 2, 4, 9])), eo(7, bytes([1, 2])), eo(13, dname('example.com.')),
               eo(3, b'ns1'), eo(0, b''), eo(65001, b'\xab'), eo(1, b'\x01\x02')[:5]):
        M.append(dns(38, 0x8180, [q('a.', 1)], an=[opt(do=True, rdata=rd)]))
    return M


def dns_pkts():
    P = []
    for m in dns_msgs():
        flags = struct.unpack('!H', m[2:4])[0]
        if flags & 0x8000:
            P.append(U4(R, C, 53, 37784, m))
        else:
            P.append(U4(C, R, 37784, 53, m))
    P.append(U4(C, R, 37784, 53, b'\x00\x01\x02'))
    P.append(U4(A, '224.0.0.251', 5353, 5353, dns(0, 0x0000, [q('_http._tcp.local.', 12, 0x8001)])))
    P.append(U4(A, '224.0.0.251', 5353, 5353, dns(0, 0x0000, [q('_http._tcp.local.', 12, 1)])))
    P.append(U4('10.0.0.9', '224.0.0.251', 5353, 5353,
                dns(0, 0x8400, [], an=[rr('host.local.', 1, a4('10.0.0.9'), c=0x8001)])))
    P.append(U6('fe80::1', 'ff02::fb', 5353, 5353,
                dns(0, 0x8400, [], an=[rr('host.local.', 28, a6('fe80::1'), c=0x8001)])))
    P.append(U6(S, '2001:4860:4860::8888', 40000, 53, dns(77, 0x0100, [q('example.com.', 28)])))
    full = U4(R, C, 53, 37784, dns(31439, 0x8180, [q('google.com.', 1)],
                                   an=[rr(b'\xc0\x0c', 1, a4('216.58.195.78'))], ar=[opt()]))
    for n in (28, 30, 36, 40, 41, 45, 50, 55, 56, 60, 62, 66, 70, 75, 80):
        P.append(cut(full, n))
    fq = U4(C, R, 37784, 53, dns(31439, 0x0100, [q('example.com.', 1)], ar=[opt()]))
    for n in (28, 36, 40, 44, 48, 56, 60):
        P.append(cut(fq, n))
    cn = U4(R, C, 53, 37784, dns(2, 0x8380, [q('www.example.com.', 1)],
                                 an=[rr(b'\xc0\x0c', 5, dname('example.com.')),
                                     rr(b'\xc0\x2d', 1, a4('1.2.3.4'))]))
    for n in (60, 70, 80, 90, 95, 100):
        P.append(cut(cn, n))
    # over TCP, with the RFC 1035 4.2.2 length prefix
    m = dns(7, 0x0100, [q('example.com.', 1)])
    P.append(T4(A, B, 40000, 53, 1, 1, 0x18, data=struct.pack('!H', len(m)) + m))
    P.append(T4(A, B, 40000, 53, 1, 1, 0x18, data=struct.pack('!H', len(m) + 5) + m))
    P.append(T4(A, B, 40000, 53, 1, 1, 0x18, data=b'\x00'))
    P.append(T4(A, B, 40000, 53, 1, 1, 0x18, data=b'\x00\x05abcde'))
    r = dns(7, 0x8180, [q('example.com.', 1)], an=[rr(b'\xc0\x0c', 1, a4('93.184.216.34'))])
    P.append(T4(B, A, 53, 40000, 1, 1, 0x18, data=struct.pack('!H', len(r)) + r))
    P.append(T6(D, S, 53, 40000, 1, 1, 0x18, data=struct.pack('!H', len(r)) + r))
    return P


# ---- ICMP ------------------------------------------------------------------------

def icmp_pkts():
    P = []
    inner = U4(B, '8.8.8.8', 40000, 53, bytes(20))
    tinner = T4(B, '8.8.8.8', 40000, 443, 100, 200, 0x10)
    P.append(I4(A, B, 8, 0, struct.pack('!HH', 0x1234, 1) + bytes(56)))
    P.append(I4(B, A, 0, 0, struct.pack('!HH', 0x1234, 1) + bytes(56)))
    for code in range(17):
        P.append(I4('192.168.0.1', B, 3, code, struct.pack('!HH', 0, 1400 if code == 4 else 0) + inner))
    P.append(I4('192.168.0.1', B, 3, 4, bytes(4) + inner))
    P.append(I4('192.168.0.1', B, 3, 3, bytes(4) + tinner))
    P.append(I4('192.168.0.1', B, 3, 3, bytes(4) + ip4(B, '8.8.8.8', 132, bytes(12))))
    P.append(I4('192.168.0.1', B, 3, 2, bytes(4) + tinner))
    for code in range(3):
        P.append(I4('192.168.0.1', B, 11, code, bytes(4) + inner))
    for code in range(5):
        P.append(I4('192.168.0.1', B, 5, code, a4('10.0.0.254') + inner))
    P.append(I4('192.168.0.1', B, 12, 0, bytes([5, 0, 0, 0]) + inner))
    P.append(I4('192.168.0.1', B, 12, 1, bytes([5, 0, 0, 0]) + inner))
    P.append(I4(B, A, 13, 0, struct.pack('!HHIII', 1, 2, 3, 4, 5)))
    P.append(I4(B, A, 14, 0, struct.pack('!HHIII', 1, 2, 3600000, 4, 86399999)))
    P.append(I4(B, A, 9, 0, struct.pack('!BBH', 1, 2, 1800) + a4(A) + struct.pack('!I', 0)))
    P.append(I4(B, A, 9, 0, struct.pack('!BBH', 2, 2, 30) + a4(A) + struct.pack('!I', 7) +
                a4(B) + struct.pack('!I', 0xffffffff)))
    P.append(I4(B, A, 9, 0, struct.pack('!BBH', 1, 3, 50000) + bytes(12)))
    for n in (5, 6, 20):
        # tcpdump builds this text in a 164-byte buffer: long lists are cut
        P.append(I4(B, A, 9, 0, struct.pack('!BBH', n, 2, 3700) +
                    b''.join(a4('10.0.%d.%d' % (i, i)) + struct.pack('!I', 4000000000 + i)
                             for i in range(n))))
    P.append(I4(B, A, 9, 0, struct.pack('!BBH', 3, 2, 3600) + bytes(12)))
    P.append(I4(B, A, 10, 0, bytes(4)))
    P.append(I4(B, A, 4, 0, bytes(4) + inner))
    for t in (15, 16, 17, 42, 255):
        P.append(I4(B, A, t, 0, bytes(8)))
    P.append(I4(B, A, 18, 0, bytes(4) + a4('255.255.255.0')))
    P.append(I4(B, A, 8, 0, struct.pack('!HH', 0x1234, 1) + bytes(56), bad=True))
    P.append(I4(B, A, 8, 0, b''))
    # a quoted header whose total length leaves not even its own length field
    P.append(I4('192.168.0.1', B, 12, 248, bytes(4) + ip4(B, '8.8.8.8', 17, b'', tlen=2)))
    P.append(I4('192.168.0.1', B, 3, 3, bytes(4) + ip4(B, '8.8.8.8', 17, udp(1, 53, b''), tlen=12)))
    # RFC 4884 extension with an MPLS label stack (traceroute through MPLS)
    orig = inner + bytes(128 - len(inner))
    ext = bytes([0x20, 0, 0, 0]) + struct.pack('!HBB', 8, 1, 1) + struct.pack('!I', (16012 << 12) | (1 << 8) | 1)
    ext = ext[:2] + struct.pack('!H', csum(ext)) + ext[4:]
    P.append(I4('192.168.0.1', B, 11, 0, bytes([0, 32, 0, 0]) + orig + ext))
    ext2 = bytes([0x20, 0, 0, 0]) + struct.pack('!HBB', 12, 2, 3) + bytes(range(8))
    ext2 = ext2[:2] + struct.pack('!H', csum(ext2)) + ext2[4:]
    P.append(I4('192.168.0.1', B, 3, 1, bytes([0, 32, 0, 0]) + orig + ext2))
    # short captures
    un = I4('192.168.0.1', B, 3, 3, bytes(4) + inner)
    for n in (20, 21, 22, 24, 28, 32, 36, 40, 44, 48, 56):
        P.append(cut(un, n))
    echo = I4(A, B, 8, 0, struct.pack('!HH', 0x1234, 1) + bytes(56))
    for n in (24, 26, 28, 40):
        P.append(cut(echo, n))
    P.append(cut(I4(B, A, 14, 0, struct.pack('!HHIII', 1, 2, 3, 4, 5)), 36))
    return P


# ---- IPv6 ------------------------------------------------------------------------

def ipv6_pkts():
    P = []
    ll = bytes([1, 1, 0, 0x11, 0x22, 0x33, 0x44, 0x55])
    P.append(I6(S, D, 128, 0, struct.pack('!HH', 7, 1) + bytes(56)))
    P.append(I6(D, S, 129, 0, struct.pack('!HH', 7, 1) + bytes(56)))
    P.append(I6(S, D, 128, 0, struct.pack('!HH', 7, 1) + bytes(56), bad=True))
    P.append(I6('fe80::1', 'ff02::1:ff00:2', 135, 0, bytes(4) + a6('fe80::2') + ll, hlim=255))
    P.append(I6('::', 'ff02::1:ff00:2', 135, 0, bytes(4) + a6('fe80::2'), hlim=255))
    P.append(I6('fe80::2', 'fe80::1', 136, 0, struct.pack('!I', 0x60000000) + a6('fe80::2') +
                bytes([2, 1, 0, 0x11, 0x22, 0x33, 0x44, 0x66]), hlim=255))
    P.append(I6('fe80::2', 'ff02::1', 136, 0, struct.pack('!I', 0xa0000000) + a6('fe80::2'), hlim=255))
    P.append(I6('fe80::2', 'ff02::2', 133, 0, bytes(4) + ll, hlim=255))
    P.append(I6('fe80::2', 'ff02::2', 133, 0, bytes(4), hlim=255))
    ra = struct.pack('!BBHII', 64, 0xd8, 1800, 30000, 1000) + \
        bytes([3, 4, 64, 0xe0]) + struct.pack('!III', 86400, 0xffffffff, 0) + a6('2001:db8::') + \
        bytes([5, 1, 0, 0]) + struct.pack('!I', 1500) + \
        bytes([25, 3, 0, 0, 0, 0, 1, 0]) + a6('2001:db8::53') + \
        bytes([24, 2, 48, 0x08, 0, 0, 0, 100]) + a6('2001:db8::')[:8] + \
        bytes([7, 1, 0, 0, 0, 0, 3, 0xe8]) + \
        bytes([31, 2, 0, 0, 0, 0, 0, 9]) + b'\x03abc\x00\x00\x00\x00' + \
        bytes([8, 1, 0, 0, 0, 5, 0, 60]) + bytes([99, 1, 1, 2, 3, 4, 5, 6]) + \
        bytes([24, 1, 0, 0x18, 0, 0, 0, 1]) + bytes([24, 3, 64, 0x10, 0xff, 0xff, 0xff, 0xff]) + a6('2001:db8:1::') + \
        bytes([3, 3, 64, 0, 0, 0, 0, 0]) + bytes(16)
    P.append(I6('fe80::1', 'ff02::1', 134, 0, ra, hlim=255))
    P.append(I6('fe80::1', 'ff02::1', 134, 0, struct.pack('!BBHII', 0, 0, 0, 0, 0), hlim=255))
    P.append(I6('fe80::1', 'ff02::1', 134, 0, struct.pack('!BBHII', 0, 0x20, 0, 0, 0) +
                bytes([1, 0, 0, 0, 0, 0, 0, 0]), hlim=255))
    P.append(I6('fe80::1', 'fe80::2', 137, 0, bytes(4) + a6('fe80::9') + a6('2001:db8::7') + ll, hlim=255))
    inner6 = U6(S, D, 40000, 53, bytes(20))
    tinner6 = T6(S, D, 40000, 443, 1, 2, 0x10)
    for code in range(8):
        P.append(I6('2001:db8::fe', S, 1, code, bytes(4) + inner6))
    P.append(I6('2001:db8::fe', S, 1, 4, bytes(4) + tinner6))
    P.append(I6('2001:db8::fe', S, 1, 4, bytes(4) + ip6(S, D, 0, bytes([17, 0, 1, 4, 0, 0, 0, 0]) + udp(1, 2, b'x'))))
    P.append(I6('2001:db8::fe', S, 1, 4, bytes(4) + ip6(S, D, 44, bytes([17, 0, 0, 0, 0, 0, 0, 1]) + udp(1, 9, b'x'))))
    P.append(I6('2001:db8::fe', S, 1, 4, bytes(4) + ip6(S, D, 51, bytes([17, 1, 0, 0]) + bytes(8) + udp(1, 7, b'x'))))
    P.append(I6('2001:db8::fe', S, 1, 4, bytes(4) + ip6(S, D, 99, bytes(8))))
    P.append(I6('2001:db8::fe', S, 2, 0, struct.pack('!I', 1280) + inner6))
    for code in range(3):
        P.append(I6('2001:db8::fe', S, 3, code, bytes(4) + inner6))
    for code in range(5):
        P.append(I6('2001:db8::fe', S, 4, code, struct.pack('!I', 40) + inner6))
    P.append(I6('fe80::1', 'ff02::16', 143, 0, struct.pack('!HH', 0, 2) + bytes([4, 0, 0, 1]) +
                a6('ff02::fb') + a6('2001:db8::1') + bytes([3, 0, 0, 0]) + a6('ff02::1:3')))
    P.append(I6('fe80::1', 'ff02::16', 143, 0, struct.pack('!HH', 0, 2) + bytes([9, 0, 0, 0]) + a6('ff02::fb')))
    P.append(I6('fe80::1', 'ff02::16', 143, 0, struct.pack('!HH', 0, 1) + bytes([4, 0, 0, 9]) + a6('ff02::fb')))
    P.append(I6('fe80::1', 'ff02::1', 130, 0, struct.pack('!HH', 1000, 0) + bytes(16)))
    P.append(I6('fe80::1', 'ff02::1', 130, 0, struct.pack('!HH', 1000, 0) + a6('ff02::fb') +
                bytes([0x0a, 125, 0, 1]) + a6('2001:db8::1')))
    P.append(I6('fe80::1', 'ff02::1', 130, 0, struct.pack('!HH', 0x8123, 0) + bytes(16) + bytes([0, 0x90, 0, 0])))
    P.append(I6('fe80::1', 'ff02::1', 130, 0, struct.pack('!HH', 1000, 0) + bytes(18)))
    P.append(I6('fe80::1', 'ff02::fb', 131, 0, bytes(4) + a6('ff02::fb')))
    P.append(I6('fe80::1', 'ff02::fb', 132, 0, bytes(4) + a6('ff02::fb')))
    for t in (141, 142, 144, 146, 5, 200, 255):
        P.append(I6('fe80::1', 'ff02::1', t, 0, struct.pack('!HH', 5, 0) + bytes(12)))
    P.append(ip6(S, D, 58, b''))
    # extension headers (RFC 8200 4)
    P.append(ip6(S, D, 0, bytes([17, 0, 1, 4, 0, 0, 0, 0]) + udp(1, 2, b'abc')))
    P.append(ip6(S, D, 0, bytes([58, 0, 5, 2, 0, 0, 1, 0]) +
                 icmp(143, 0, struct.pack('!HH', 0, 0))))
    P.append(ip6(S, D, 0, bytes([59, 0, 0xc2, 4, 0, 1, 0, 0]), plen=0))
    P.append(ip6(S, D, 0, bytes([59, 0, 0xc2, 4, 0, 1, 0, 0])))
    P.append(ip6(S, D, 0, bytes([59, 0, 1, 4, 0, 0, 0, 0]), plen=0))
    P.append(ip6(S, D, 0, bytes([0, 0, 1, 4, 0, 0, 0, 0]) + bytes([59, 0, 1, 4, 0, 0, 0, 0])))
    P.append(ip6(S, D, 60, bytes([0, 0, 1, 4, 0, 0, 0, 0]) + bytes([59, 0, 1, 4, 0, 0, 0, 0])))
    P.append(ip6(S, D, 0, bytes([59, 0, 0, 0, 1, 2, 0, 0])))
    P.append(ip6(S, D, 0, bytes([59, 0, 0x3e, 4, 1, 2, 3, 4])))
    P.append(ip6(S, D, 0, bytes([59, 0, 5, 3, 0, 0, 0, 0])))
    P.append(ip6(S, D, 0, bytes([59, 0, 0xc2, 3, 0, 0, 0, 0])))
    P.append(ip6(S, D, 0, bytes([59, 0, 0, 0, 0, 0, 0, 1])))
    P.append(ip6(S, D, 60, bytes([17, 2, 0xc9, 16]) + a6('2001:db8::9') + bytes([1, 0]) + udp(1, 2, b'x')))
    P.append(ip6(S, D, 60, bytes([17, 0, 0xc2, 4, 0, 1, 0, 0]) + udp(1, 2, b'x')))
    P.append(ip6(S, D, 60, bytes([17, 0, 0x3e, 4, 1, 2, 3, 4]) + udp(1, 2, b'x')))
    P.append(ip6(S, D, 44, bytes([17, 0, 0, 1, 0, 0, 0x12, 0x34]) + udp(1, 2, b'first')))
    P.append(ip6(S, D, 44, bytes([17, 0, 5, 0x68, 0, 0, 0x12, 0x34]) + b'later fragment'))
    P.append(ip6(S, D, 44, bytes([6, 0, 0, 1, 0, 0, 0x12, 0x34])))
    P.append(ip6(S, D, 43, bytes([58, 4, 0, 1, 0, 0, 0, 0]) + a6('2001:db8::a') + a6('2001:db8::b') +
                 icmp(128, 0, bytes(4))))
    P.append(ip6(S, D, 43, bytes([59, 2, 2, 1, 0, 0, 0, 0]) + a6('2001:db8::a')))
    P.append(ip6(S, D, 43, bytes([17, 2, 4, 0, 0, 0, 0, 7]) + a6('2001:db8::a') + udp(1, 2, b'x')))
    P.append(ip6(S, D, 43, bytes([59, 3, 4, 0, 0, 1, 0, 7]) + bytes(24)))
    P.append(ip6(S, D, 43, bytes([59, 0, 9, 0, 0, 0, 0, 0])))
    P.append(ip6(S, D, 43, bytes([59, 1, 0, 0, 0, 0, 0, 5]) + bytes(8)))
    P.append(ip6(S, D, 51, bytes([17, 4, 0, 0]) + struct.pack('!II', 0x100, 7) + bytes(12) + udp(1, 2, b'x')))
    P.append(ip6(S, D, 50, struct.pack('!II', 0x200, 9) + bytes(16)))
    P.append(ip6(S, D, 41, U6(D, S, 1, 2, b'x')))
    P.append(ip6(S, D, 4, U4(A, B, 1, 2, b'x')))
    P.append(ip6(S, D, 59, b'', tc=0x2e, fl=0x12345))
    P.append(ip6(S, D, 1, bytes(8)))
    P.append(ip6(S, D, 2, bytes(8)))
    P.append(ip6(S, D, 222, bytes(20)))
    P.append(ip6(S, D, 17, udp(1, 2, b'abc'), plen=100))
    P.append(ip6(S, D, 17, udp(1, 2, b'abc'), plen=5))
    P.append(ip6(S, D, 17, udp(1, 2, b'abc'), plen=0))
    v = bytearray(ip6(S, D, 59, b''))
    v[0] = 0x50
    P.append(bytes(v))
    for a in ('::', '::1', '::ffff:1.2.3.4', '::1.2.3.4', '::0.0.1.0',
              '2001:db8::1:0:0:1', '2001:db8:0:1:1:1:1:1', '1:0:0:2:0:0:0:3',
              'fe80::', '0:2:3:4:5:6:7:8', '1::', '0:0:1::', '::ffff:0:0',
              '0:0:0:0:0:1:0:0', '::fffe:1.2.3.4', '0:0:0:0:ffff:0:102:304'):
        P.append(ip6(a, '::', 59, b''))
    # short captures
    ns = I6('fe80::1', 'ff02::1:ff00:2', 135, 0, bytes(4) + a6('fe80::2') + ll, hlim=255)
    for n in (1, 20, 39, 40, 41, 44, 48, 56, 60, 64, 70):
        P.append(cut(ns, n))
    un6 = I6('2001:db8::fe', S, 1, 4, bytes(4) + inner6)
    for n in (44, 48, 60, 80, 88, 92):
        P.append(cut(un6, n))
    P.append(cut(I6('fe80::1', 'ff02::1', 134, 0, ra, hlim=255), 60))
    P.append(cut(I6('fe80::1', 'ff02::1', 134, 0, ra, hlim=255), 100))
    P.append(cut(ip6(S, D, 0, bytes([17, 0, 1, 4, 0, 0, 0, 0]) + udp(1, 2, b'abc')), 44))
    P.append(cut(ip6(S, D, 44, bytes([17, 0, 0, 1, 0, 0, 0x12, 0x34]) + udp(1, 2, b'first')), 44))
    P.append(cut(ip6(S, D, 43, bytes([58, 4, 0, 1, 0, 0, 0, 0]) + a6('2001:db8::a') + a6('2001:db8::b')), 41))
    P.append(cut(ip6(S, D, 43, bytes([58, 4, 0, 1, 0, 0, 0, 0]) + a6('2001:db8::a') + a6('2001:db8::b')), 60))
    return P


# ---- tunnels and other IP protocols ------------------------------------------

def other_pkts():
    P = []
    inner = U4('1.1.1.1', '2.2.2.2', 1, 2, b'x')
    for flags in (0, 0x2000, 0x3000, 0xb000, 0x8000, 0x4000, 0xc000):
        P.append(ip4(A, B, 47, struct.pack('!HH', flags, 0x0800) +
                     bytes(4 * bin(flags & 0xb000).count('1')) + inner))
    P.append(ip4(A, B, 47, struct.pack('!HH', 0x4000, 0x0800) + struct.pack('!HH', 0, 4) +
                 struct.pack('!HBB', 0x0800, 4, 8) + a4('1.1.1.1') + a4('2.2.2.2') +
                 struct.pack('!HBB', 0xfffe, 0, 4) + bytes([0, 1, 0, 2]) +
                 struct.pack('!HBB', 0x1234, 0, 0) + struct.pack('!HBB', 0, 0, 0) + inner))
    P.append(ip4(A, B, 47, struct.pack('!HH', 0x4000, 0x0800) + struct.pack('!HH', 0, 4) +
                 struct.pack('!HBB', 0x0800, 3, 8) + bytes(8) + struct.pack('!HBB', 0, 0, 0) + inner))
    P.append(ip4(A, B, 47, struct.pack('!HH', 0x2000, 0x86dd) + struct.pack('!I', 42) + U6(S, D, 1, 2, b'x')))
    P.append(ip4(A, B, 47, struct.pack('!HH', 0x3081, 0x880b) + struct.pack('!HHII', 10, 5, 1, 2)))
    P.append(ip4(A, B, 47, struct.pack('!HH', 0x2001, 0x880b) + struct.pack('!HH', 0, 5)))
    P.append(ip4(A, B, 47, struct.pack('!HH', 0x0003, 0x0800)))
    P.append(ip4(A, B, 47, b'\x00'))
    P.append(cut(ip4(A, B, 47, struct.pack('!HH', 0x3000, 0x0800) + bytes(8) + inner), 30))
    P.append(ip4(A, B, 4, inner))
    P.append(ip4(A, B, 4, ip4('1.1.1.1', '2.2.2.2', 4, inner)))
    P.append(ip4(A, B, 41, U6(S, D, 1, 2, b'x')))
    P.append(ip4(A, B, 41, bytes(10)))
    P.append(ip4(A, B, 50, struct.pack('!II', 0x1234, 5) + bytes(40)))
    P.append(ip4(A, B, 50, struct.pack('!II', 0x1234, 5)))
    P.append(ip4(A, B, 51, bytes([6, 4, 0, 0]) + struct.pack('!II', 0x100, 7) + bytes(12) + tcp(1, 2, 3, 4, 0x10)))
    P.append(ip4(A, B, 51, bytes([17, 1, 0, 5]) + struct.pack('!II', 0x100, 7) + udp(1, 2, b'x')))
    P.append(ip4(A, B, 51, bytes([50, 4, 0, 0]) + struct.pack('!II', 0x100, 7) + bytes(12) +
                 struct.pack('!II', 0x99, 1) + bytes(20)))
    P.append(cut(ip4(A, B, 51, bytes([6, 4, 0, 0]) + struct.pack('!II', 0x100, 7) + bytes(12)), 30))
    P.append(ip4(A, B, 108, bytes([17, 0, 0x12, 0x34]) + bytes(10)))
    for g in (bytes([0x11, 100, 0, 0, 0, 0, 0, 0]), bytes([0x11, 0, 0, 0, 224, 0, 0, 1]),
              bytes([0x11, 50, 0, 0, 0, 0, 0, 0, 0, 0]),
              bytes([0x16, 0, 0, 0, 239, 1, 2, 3]), bytes([0x17, 0, 0, 0, 239, 1, 2, 3]),
              bytes([0x12, 0, 0, 0, 224, 1, 1, 1]), bytes([0x12, 0, 0, 0, 224, 1, 1, 1, 0, 0, 0, 0]),
              bytes([0x22, 0, 0, 0, 0, 0, 0, 2, 4, 0, 0, 1, 239, 1, 1, 1, 1, 2, 3, 4, 3, 0, 0, 0, 239, 2, 2, 2]),
              bytes([0x22, 0, 0, 0, 0, 0, 0, 2, 9, 0, 0, 0, 239, 1, 1, 1]),
              bytes([0x22, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 9, 239, 1, 1, 1]),
              bytes([0x22, 0, 0, 0, 0, 0, 0, 1, 1, 0]),
              bytes([0x11, 0x8a, 0, 0, 239, 1, 1, 1, 2, 125, 0, 1, 10, 0, 0, 1]),
              bytes([0x11, 100, 0, 0, 0, 0, 0, 0, 2, 125, 0, 0]),
              bytes([0x11, 0xff, 0, 0, 239, 1, 1, 1, 2, 125, 0, 9]),
              bytes([0x11, 10, 0, 0, 239, 1, 1, 1, 2, 125, 0, 0, 0]),
              bytes([0x1f, 0, 0, 0]) + bytes(4) + a4('1.1.1.1') + a4('2.2.2.2') + a4('239.1.1.1') + bytes([5, 0, 0, 7]),
              bytes([0x1e, 0, 0, 0]) + bytes(4) + a4('1.1.1.1') + a4('2.2.2.2') + a4('3.3.3.3') + bytes([5, 0, 0, 7]),
              bytes([0x1f, 0, 0, 0]) + bytes(8),
              bytes([0x13, 0, 0, 0]), bytes([0x99, 0, 0, 0, 0, 0, 0, 0])):
        m = icmp(g[0], g[1], g[4:])[:2] + g[2:4] + g[4:]
        m = m[:2] + struct.pack('!H', csum(m)) + m[4:]
        P.append(ip4(A, B, 2, m, opts=bytes.fromhex('94040000'), ttl=1, tos=0xc0))
    P.append(ip4(A, B, 2, bytes([0x16, 0, 0, 0, 239, 1, 2, 3]), opts=bytes.fromhex('94040000'), ttl=1))
    P.append(cut(ip4(A, B, 2, bytes([0x16, 0, 0, 0, 239, 1, 2, 3])), 22))
    for p in (59, 77, 99, 200, 255, 0):
        P.append(ip4(A, B, p, bytes(30)))
    P.extend(sctp_pkts())
    P.extend(vrrp_pkts())
    return P


def vrrp_pkts():
    def vrrp(ver, t, vrid, prio, naddr, auth, adv, addrs, extra=b''):
        h = bytes([(ver << 4) | t, vrid, prio, naddr, auth, adv]) + b'\x00\x00' + addrs + extra
        return h[:6] + struct.pack('!H', csum(h)) + h[8:]
    g = '224.0.0.18'
    P = [ip4(A, g, 112, vrrp(2, 1, 51, 100, 1, 0, 1, a4('10.0.0.254'), bytes(8)), ttl=255),
         ip4(A, g, 112, vrrp(2, 1, 51, 100, 2, 1, 1, a4('10.0.0.254') + a4('10.0.0.253'),
                             b'secret\x00\x00'), ttl=255),
         ip4(A, g, 112, vrrp(2, 1, 51, 100, 1, 1, 1, a4('10.0.0.254'), b'12345678'), ttl=255),
         ip4(A, g, 112, vrrp(2, 1, 51, 100, 1, 2, 1, a4('10.0.0.254'), bytes(8)), ttl=255),
         ip4(A, g, 112, vrrp(2, 1, 51, 100, 1, 7, 1, a4('10.0.0.254'), bytes(8)), ttl=255),
         ip4(A, g, 112, vrrp(3, 1, 51, 100, 1, 0, 100, a4('10.0.0.254')), ttl=255),
         ip4(A, g, 112, vrrp(2, 2, 51, 100, 1, 0, 1, a4('10.0.0.254'), bytes(8)), ttl=64),
         ip4(A, g, 112, vrrp(1, 1, 51, 100, 1, 0, 1, a4('10.0.0.254'), bytes(8)), ttl=255),
         ip4(A, g, 112, vrrp(2, 1, 51, 100, 1, 0, 1, a4('10.0.0.254'), bytes(8))[:8] + b'\xff' * 12, ttl=255),
         ip6('fe80::1', 'ff02::12', 112, vrrp(3, 1, 51, 100, 1, 0, 100, a6('fe80::254')), hlim=255),
         cut(ip4(A, g, 112, vrrp(2, 1, 51, 100, 1, 0, 1, a4('10.0.0.254'), bytes(8)), ttl=255), 30),
         cut(ip4(A, g, 112, vrrp(2, 1, 51, 100, 1, 0, 1, a4('10.0.0.254'), bytes(8)), ttl=255), 23),
         cut(ip4(A, g, 112, vrrp(2, 1, 51, 100, 1, 1, 1, a4('10.0.0.254'), b'secret\x00\x00'), ttl=255), 34)]
    return P


def sctp_chunk(t, f, body, pad=True):
    c = bytes([t, f]) + struct.pack('!H', 4 + len(body)) + body
    return c + (bytes((4 - len(c) % 4) % 4) if pad else b'')


def sctp_pkts():
    def sctp(*chunks, v6=False):
        h = struct.pack('!HHII', 5000, 36412, 1, 2) + b''.join(chunks)
        return ip6(S, D, 132, h) if v6 else ip4(A, B, 132, h)
    init = struct.pack('!IIHHI', 0x11223344, 65536, 10, 65535, 12345)
    P = [sctp(sctp_chunk(1, 0, init)),
         sctp(sctp_chunk(2, 0, init + bytes([0, 7, 0, 8, 1, 2, 3, 4]))),
         sctp(sctp_chunk(0, 3, struct.pack('!IHHI', 100, 1, 2, 18) + b'hello')),
         sctp(sctp_chunk(0, 7, struct.pack('!IHHI', 100, 1, 2, 3) + b'hello'),
              sctp_chunk(0, 0, struct.pack('!IHHI', 101, 1, 2, 46) + b'x')),
         sctp(sctp_chunk(3, 0, struct.pack('!IIHH', 100, 65536, 2, 1) +
                         struct.pack('!HHHH', 2, 3, 5, 9) + struct.pack('!I', 77))),
         sctp(sctp_chunk(4, 0, bytes([0, 1, 0, 8, 1, 2, 3, 4]))),
         sctp(sctp_chunk(6, 0, b''), sctp_chunk(14, 0, b'')),
         sctp(sctp_chunk(7, 0, struct.pack('!I', 55))),
         sctp(sctp_chunk(0, 3, struct.pack('!IHHI', 100, 1, 2, 0))),
         sctp(sctp_chunk(0, 3, struct.pack('!IHHI', 100, 1, 2, 0)[:8])),
         sctp(sctp_chunk(1, 0, init[:10])),
         sctp(sctp_chunk(3, 0, struct.pack('!IIHH', 100, 65536, 2, 1))),
         sctp(sctp_chunk(3, 0, struct.pack('!IIHH', 100, 65536, 2, 1) + struct.pack('!HH', 2, 3))),
         sctp(bytes([0, 0, 0, 3])), sctp(bytes([0, 0, 0, 2, 0])),
         sctp(sctp_chunk(0x40, 0x0b, struct.pack('!IHHII', 100, 1, 0, 7, 55) + b'abc')),
         sctp(sctp_chunk(0xc0, 0, struct.pack('!I', 5) + struct.pack('!HH', 1, 2))),
         sctp(sctp_chunk(0xc1, 0, b'')), sctp(sctp_chunk(0xc2, 0, b'')),
         sctp(), ip4(A, B, 132, struct.pack('!HHII', 5000, 6000, 1, 2)[:10]),
         sctp(sctp_chunk(1, 0, init), sctp_chunk(5, 0, b'abcd')),
         sctp(sctp_chunk(9, 0, struct.pack('!HH', 1, 8) + bytes(4)), sctp_chunk(10, 0, b'cookie'),
              sctp_chunk(11, 0, b''), sctp_chunk(12, 0, struct.pack('!I', 9)),
              sctp_chunk(13, 0, struct.pack('!I', 9))),
         sctp(sctp_chunk(0, 3, b'abc', pad=False)),
         sctp(sctp_chunk(0, 3, b'abcdefghijkl', pad=False)),
         sctp(sctp_chunk(1, 0, init), v6=True),
         cut(sctp(sctp_chunk(1, 0, init)), 40),
         cut(sctp(sctp_chunk(1, 0, init)), 30),
         cut(sctp(sctp_chunk(1, 0, init)), 36),
         nft_cut(sctp(sctp_chunk(1, 0, init)))]
    # 21-23 (ForCES) have a payload printer of their own in tcpdump
    for ppid in (1, 3, 18, 20, 24, 25, 26, 27, 28, 46):
        P.append(sctp(sctp_chunk(0, 3, struct.pack('!IHHI', 1, 1, 2, ppid) + b'x')))
    return P


# ---- printers matched without -v only ------------------------------------------

def brief_pkts():
    """NTP, BOOTP/DHCP and RPKI-RTR: tcpdump -v decodes their bodies, which
    this dissector does not; their one-line (-n) form is matched."""
    P = []
    for m in range(8):
        P.append(U4(A, B, 40000, 123, bytes([0x20 | m]) + bytes(47)))
    P.append(cut(U4(A, B, 40000, 123, bytes([0x23]) + bytes(47)), 28))
    P.append(nft_cut(U4(A, B, 40000, 123, bytes([0x23]) + bytes(47))))
    dhcp = bytes([1, 1, 6, 0]) + bytes(24) + bytes.fromhex('aabbccddeeff') + \
        bytes(202) + bytes.fromhex('63825363') + b'\x35\x01\x01\xff'
    P.append(U4('0.0.0.0', '255.255.255.255', 68, 67, dhcp, ttl=255))
    P.append(U4(B, A, 67, 68, bytes([2]) + dhcp[1:]))
    P.append(U4(A, B, 68, 67, bytes([1, 6, 6]) + dhcp[3:]))
    P.append(U4(A, B, 68, 67, bytes([7]) + dhcp[1:]))
    P.append(U4(A, B, 67, 67, dhcp[:1]))
    P.append(nft_cut(U4('0.0.0.0', '255.255.255.255', 68, 67, dhcp)))
    P.append(cut(U4('0.0.0.0', '255.255.255.255', 68, 67, dhcp), 60))
    for mt in (1, 2, 3, 7, 11, 12, 13, 14, 15, 16, 200):
        P.append(U6('fe80::1', 'ff02::1:2', 546, 547, bytes([mt, 0x12, 0x34, 0x56]) +
                    bytes.fromhex('0001000e000100012b3c4d5e001122334455')))
    P.append(cut(U6('fe80::1', 'ff02::1:2', 546, 547, bytes([1, 0x12, 0x34, 0x56])), 50))
    P.append(nft_cut(U6('fe80::1', 'ff02::1:2', 546, 547, bytes([1, 0x12, 0x34, 0x56]) + bytes(30))))
    P.append(U4(A, B, 547, 546, bytes([7, 1, 2, 3])))
    # two ports with printers: tcpdump's order decides (where it picks a
    # printer not implemented here, e.g. 161 before 123, the generic
    # "UDP, length" line is printed instead; not part of this corpus)
    for sp, dp in ((123, 514), (514, 546), (53, 2049), (40000, 2049),
                   (500, 53), (4789, 514), (123, 5353), (3456, 40000)):
        P.append(U4(A, B, sp, dp, bytes([0x23, 0, 0, 0, 0, 0, 0, 1]) + bytes(40)))
    P.append(T4(A, B, 40000, 323, 10, 20, 0x18, data=bytes(8)))
    P.append(cut(T4(A, B, 40000, 323, 1, 2, 0x18, data=bytes(40)), 40))
    return P


# ---- what nf_tables traces carry -----------------------------------------------

def nft_pkts():
    P = []
    for p in (T4(A, B, 40000, 80, 1000, 0, 0x02, opts=TCP_SYN_OPTS),
              T4(B, A, 80, 40000, 5000, 1001, 0x12, opts=TCP_SYNACK_OPTS),
              T4(A, B, 40000, 80, 1001, 5001, 0x10),
              T4(A, B, 40000, 80, 1001, 5001, 0x18, data=b'GET / HTTP/1.1\r\n\r\n'),
              T4(A, B, 40000, 443, 1001, 5001, 0x10, opts=TCP_TS_OPTS),
              T4(A, B, 40000, 22, 1001, 5001, 0x18, data=b'SSH-2.0-x\r\n'),
              T4(A, B, 40000, 53, 1001, 5001, 0x18, data=bytes(30)),
              U4(C, R, 37784, 53, dns(31439, 0x0100, [q('example.com.', 1)])),
              U4(C, R, 37784, 53, dns(31439, 0x0100, [q('example.com.', 1)], ar=[opt()])),
              U4(R, C, 53, 37784, dns(31439, 0x8180, [q('google.com.', 1)],
                                      an=[rr(b'\xc0\x0c', 1, a4('216.58.195.78'))])),
              U4(A, B, 40000, 514, b'<13>Jan  1 host prog: hello'),
              U4(A, B, 40000, 40001, bytes(100)),
              I4(A, B, 8, 0, struct.pack('!HH', 0x1234, 1) + bytes(56)),
              I4('192.168.0.1', B, 3, 3, bytes(4) + U4(B, R, 40000, 53, bytes(20))),
              I4('192.168.0.1', B, 11, 0, bytes(4) + U4(B, R, 40000, 53, bytes(20))),
              I4('192.168.0.1', B, 3, 4, struct.pack('!HH', 0, 1400) + U4(B, R, 40000, 53, bytes(20))),
              U4(A, B, 1, 2, b'abc', opts=bytes.fromhex('94040000')),
              ip4(A, B, 47, struct.pack('!HH', 0, 0x0800) + U4('1.1.1.1', '2.2.2.2', 1, 2, b'x')),
              T6(S, D, 40000, 443, 1000, 0, 0x02, opts=TCP_SYN_OPTS),
              T6(S, D, 40000, 443, 1001, 7001, 0x10),
              U6(S, D, 40000, 53, dns(9, 0x0100, [q('example.com.', 28)])),
              I6(S, D, 128, 0, struct.pack('!HH', 7, 1) + bytes(56)),
              I6('fe80::1', 'ff02::1:ff00:2', 135, 0, bytes(4) + a6('fe80::2') +
                 bytes([1, 1, 0, 0x11, 0x22, 0x33, 0x44, 0x55]), hlim=255),
              I6('fe80::2', 'fe80::1', 136, 0, struct.pack('!I', 0x60000000) + a6('fe80::2'), hlim=255),
              I6('fe80::2', 'ff02::2', 133, 0, bytes(4) + bytes([1, 1, 0, 0x11, 0x22, 0x33, 0x44, 0x66]), hlim=255),
              I6('2001:db8::fe', S, 1, 4, bytes(4) + U6(S, D, 40000, 53, bytes(20))),
              I6('2001:db8::fe', S, 2, 0, struct.pack('!I', 1280) + U6(S, D, 40000, 53, bytes(20)))):
        P.append(nft_cut(p))
    return P


# ---- mutated packets: bounded lengths, flags, options and truncations ------------

def fuzz_pkts(seed=20240501, n=600):
    rnd = random.Random(seed)
    base = tcp_pkts()[:8] + flow_pkts()[:6] + udp_pkts()[:10] + dns_pkts()[:30] + \
        icmp_pkts()[:40] + ipv6_pkts()[:60] + other_pkts()[:30] + ipv4_pkts()[:30]
    base = [p[0] if isinstance(p, tuple) else p for p in base]
    P = []
    for _ in range(n):
        p = bytearray(rnd.choice(base))
        # never the protocol and port fields: those would pick printers
        # this dissector does not claim to match
        keep = {6, 9} if p[0] >> 4 == 6 else {9}
        l3 = (p[0] & 15) * 4 if p[0] >> 4 == 4 else 40
        keep |= {l3, l3 + 1, l3 + 2, l3 + 3}
        for _ in range(rnd.randrange(1, 4)):
            i = rnd.randrange(len(p))
            if i not in keep:
                p[i] = rnd.choice([0, 0xff, rnd.randrange(256), p[i] ^ (1 << rnd.randrange(8))])
        wl = len(p)
        cl = wl if rnd.random() < 0.5 else rnd.randrange(1, wl + 1)
        P.append((bytes(p[:cl]), wl))
    return P + regress_pkts()


def regress_pkts():
    """The inputs that crashed fuzz/fuzz_dissect.c (fuzz/regress/dissect/),
    those whose control byte says original length = caplen."""
    d = os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../fuzz/regress/dissect')
    P = []
    for name in sorted(os.listdir(d)):
        data = open(os.path.join(d, name), 'rb').read()
        if len(data) > 1 and data[0] & 7 == 0 and data[1] >> 4 in (4, 6):
            P.append(data[1:])
    return P


def random_pkts(seed=7, n=1500):
    """Random DNS messages, TCP options and IP options, in full and cut."""
    rnd = random.Random(seed)

    def rname():
        k = rnd.random()
        if k < 0.1:
            return b'\x00'
        if k < 0.3:
            return bytes([0xc0, rnd.choice([12, 13, 0, 20, 40, 255])])
        labels = b''
        for _ in range(rnd.randrange(1, 4)):
            l = rnd.choice([1, 3, 5, 63, 64, 0x41, 0x81])
            if l in (0x41, 0x81):
                labels += bytes([l, rnd.randrange(256)]) + bytes(rnd.randrange(4))
                continue
            labels += bytes([l]) + bytes(rnd.choice(b'abcxyz-_\x01\xff .')
                                         for _ in range(min(l, rnd.randrange(0, l + 2))))
        return labels + (b'\x00' if rnd.random() < 0.7 else bytes([0xc0, rnd.choice([12, 14, 30])]))

    def rdata(t):
        if t == 1:
            return bytes(rnd.randrange(256) for _ in range(rnd.choice([4, 4, 4, 3, 5])))
        if t == 28:
            return bytes(rnd.randrange(256) for _ in range(rnd.choice([16, 16, 15])))
        if t in (2, 5, 12, 39):
            return rname()
        if t == 15:
            return struct.pack('!H', rnd.randrange(65536)) + rname()
        if t == 16:
            return b''.join(bytes([l]) + b'x' * l for l in [rnd.randrange(8) for _ in range(rnd.randrange(4))]) + \
                bytes(rnd.randrange(2))
        if t == 33:
            return struct.pack('!HHH', 1, 2, 3) + rname()
        if t == 6:
            return rname() + rname() + bytes(rnd.choice([20, 19, 4]))
        if t == 38:
            return bytes([rnd.choice([0, 64, 128, 129, 1])]) + bytes(rnd.randrange(17)) + rname()
        if t == 256:
            return struct.pack('!HH', 1, 2) + b'uri' * rnd.randrange(3)
        if t == 250:
            return rname() + bytes(rnd.randrange(18))
        return bytes(rnd.randrange(12))

    def msg():
        qd = [rname() + struct.pack('!HH', rnd.choice([1, 28, 12, 255, 65000, 41, 6]),
                                    rnd.choice([1, 1, 3, 4, 255, 0x8001, 9]))
              for _ in range(rnd.choice([0, 1, 1, 1, 2]))]
        rrs = []
        for _ in range(rnd.randrange(0, 5)):
            t = rnd.choice([1, 28, 2, 5, 12, 39, 15, 16, 33, 6, 38, 256, 250, 41, 99, 13, 255])
            rd = rdata(t)
            ln = len(rd) if rnd.random() < 0.85 else rnd.randrange(40)
            rrs.append(rname() + struct.pack('!HHIH', t, rnd.choice([1, 1, 3, 0x8001, 4096]), 300, ln) + rd)
        na = rnd.randrange(len(rrs) + 1)
        nn = rnd.randrange(len(rrs) - na + 1)
        flags = rnd.choice([0x0100, 0x8180, 0x8183, 0x8580, 0x0110, 0x2800, 0x8400, 0, rnd.randrange(65536)])
        counts = None
        if rnd.random() < 0.2:
            counts = tuple(rnd.randrange(4) for _ in range(4))
        return dns(rnd.randrange(65536), flags, qd, rrs[:na], rrs[na:na + nn], rrs[na + nn:], counts=counts)

    def tcpopts():
        o = b''
        for _ in range(rnd.randrange(1, 5)):
            k = rnd.choice([0, 1, 2, 3, 4, 5, 8, 19, 28, 29, 30, 34, 254, 99, 6, 7, 11, 12, 13, 20])
            if k in (0, 1):
                o += bytes([k])
                continue
            l = rnd.choice([2, 3, 4, 6, 8, 10, 12, 18, rnd.randrange(40)])
            o += bytes([k, l]) + bytes(rnd.randrange(256) for _ in range(max(0, min(l - 2, rnd.randrange(0, l + 1)))))
        o = o[:40]
        return o + bytes((4 - len(o) % 4) % 4)

    P = []
    for _ in range(n):
        k = rnd.random()
        if k < 0.45:
            m = msg()
            sp, dp = rnd.choice([(40000, 53), (53, 40000), (5353, 5353)])
            p = U4(A, B, sp, dp, m) if rnd.random() < 0.7 else U6(S, D, sp, dp, m)
            if rnd.random() < 0.15:
                p = T4(A, B, sp, dp, 1, 2, 0x18, data=struct.pack('!H', len(m)) + m)
        elif k < 0.75:
            o = tcpopts()
            sp, dp = rnd.choice([(1, 2), (40000, 80), (443, 40000), (5, 5)])
            if rnd.random() < 0.7:
                p = T4(A, B, sp, dp, rnd.getrandbits(32), rnd.getrandbits(32), rnd.randrange(256),
                       opts=o, data=bytes(rnd.randrange(4)))
            else:
                p = T6(S, D, sp, dp, rnd.getrandbits(32), rnd.getrandbits(32), rnd.randrange(256), opts=o)
        else:
            o = bytes(rnd.randrange(256) if rnd.random() < 0.3 else
                      rnd.choice([0, 1, 7, 68, 131, 137, 148, 130, 82, 3, 8, 12])
                      for _ in range(rnd.choice([4, 8, 12, 16, 20, 40])))
            p = ip4(A, B, rnd.choice([17, 6, 1]),
                    rnd.choice([udp(1, 2, b'abc'), tcp(1, 2, 3, 4, 0x10), icmp(8, 0, bytes(4))]), opts=o)
        cl = len(p) if rnd.random() < 0.6 else rnd.randrange(1, len(p) + 1)
        P.append((p[:cl], len(p)))
    return P


def real_nft_pkts():
    """real.pcap (capture_real.sh) cut the way nf_tables traces cut."""
    d = open(os.path.join(HERE, 'real.pcap'), 'rb').read()
    P, off = [], 24
    while off < len(d):
        cl = struct.unpack('<I', d[off + 8:off + 12])[0]
        P.append(nft_cut(d[off + 16:off + 16 + cl]))
        off += 16 + cl
    return P


FILES = {
    'ipv4.pcap': ipv4_pkts,
    'tcp.pcap': tcp_pkts,
    'flow.pcap': flow_pkts,
    'udp.pcap': udp_pkts,
    'dns.pcap': dns_pkts,
    'icmp.pcap': icmp_pkts,
    'ipv6.pcap': ipv6_pkts,
    'other.pcap': other_pkts,
    'nftrace.pcap': nft_pkts,
    'brief.pcap': brief_pkts,
    'real_nft.pcap': real_nft_pkts,
    'fuzz.pcap': fuzz_pkts,
    'random.pcap': random_pkts,
}

if __name__ == '__main__':
    for name in sys.argv[1:] or FILES:
        write_pcap(name, FILES[name]())
