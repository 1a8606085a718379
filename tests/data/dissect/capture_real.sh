#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# capture_real.sh - record real.pcap: traffic of the running kernel on the
# loopback of a throw-away network namespace (TCP with its real options,
# DNS over UDP and TCP, ping and ping6, an ICMP port unreachable, a RST),
# converted to LINKTYPE_RAW with packet i stamped i s for regen.sh.
# Needs root, python3 and tcpdump; the namespace is always removed.  Run it
# on purpose, then regen.sh; the committed real.pcap makes root unneeded.
set -eu
cd "$(dirname "$0")"
NS=dissect$$
TMP=$(mktemp -d)
cleanup() {
	[ -f "$TMP/tcpdump.pid" ] && kill "$(cat "$TMP/tcpdump.pid")" 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" addr add 10.1.2.3/8 dev lo
ip -n "$NS" addr add fd00::1/64 dev lo nodad
sleep 1
ip netns exec "$NS" tcpdump -i lo -s 0 -U -w "$TMP/lo.pcap" 2>/dev/null &
echo $! > "$TMP/tcpdump.pid"
sleep 1

ip netns exec "$NS" python3 - <<'PY'
import os, socket, struct, threading, time

def dns_reply(q):
    # one A answer (RFC 1035 4.1) pointing at the question's name
    hdr = q[:2] + b'\x81\x80' + q[4:6] + b'\x00\x01\x00\x00\x00\x00'
    return hdr + q[12:] + b'\xc0\x0c\x00\x01\x00\x01\x00\x00\x01\x2c\x00\x04' + bytes([93, 184, 216, 34])

def udp_dns_server(s):
    for _ in range(2):
        q, peer = s.recvfrom(512)
        s.sendto(dns_reply(q), peer)

def tcp_server(s, reply):
    c, _ = s.accept()
    data = c.recv(4096)
    c.sendall(reply(data))
    c.close()

def query(name, qtype=1):
    q = struct.pack('!HHHHHH', 0x4242, 0x0100, 1, 0, 0, 0)
    for label in name.split('.'):
        q += bytes([len(label)]) + label.encode()
    return q + b'\x00' + struct.pack('!HH', qtype, 1)

# DNS over UDP, IPv4 and IPv6
for fam, addr in ((socket.AF_INET, '10.1.2.3'), (socket.AF_INET6, 'fd00::1')):
    srv = socket.socket(fam, socket.SOCK_DGRAM)
    srv.bind((addr, 53))
    t = threading.Thread(target=udp_dns_server, args=(srv,))
    t.start()
    cli = socket.socket(fam, socket.SOCK_DGRAM)
    cli.settimeout(2)
    cli.sendto(query('example.com'), (addr, 53))
    cli.recv(512)
    cli.sendto(query('www.example.org', 28), (addr, 53))
    cli.recv(512)
    t.join()
    srv.close()
    cli.close()

# HTTP-like exchange over TCP, IPv4 and IPv6
for fam, addr in ((socket.AF_INET, '10.1.2.3'), (socket.AF_INET6, 'fd00::1')):
    srv = socket.socket(fam, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, 80))
    srv.listen(1)
    t = threading.Thread(target=tcp_server, args=(srv, lambda d: b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'))
    t.start()
    c = socket.create_connection((addr, 80))
    c.sendall(b'GET / HTTP/1.1\r\nHost: example\r\n\r\n')
    c.recv(4096)
    c.close()
    t.join()
    srv.close()

# DNS over TCP (RFC 1035 4.2.2 length prefix)
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('10.1.2.3', 53))
srv.listen(1)
t = threading.Thread(target=tcp_server, args=(srv, lambda d: struct.pack('!H', len(dns_reply(d[2:]))) + dns_reply(d[2:])))
t.start()
c = socket.create_connection(('10.1.2.3', 53))
q = query('example.net')
c.sendall(struct.pack('!H', len(q)) + q)
c.recv(4096)
c.close()
t.join()
srv.close()

# a closed TCP port: RST; a closed UDP port: ICMP port unreachable
for fam, addr in ((socket.AF_INET, '10.1.2.3'), (socket.AF_INET6, 'fd00::1')):
    try:
        socket.create_connection((addr, 9), timeout=1)
    except OSError:
        pass
    u = socket.socket(fam, socket.SOCK_DGRAM)
    u.sendto(b'anyone there?', (addr, 9))
    time.sleep(0.2)
    u.close()

# ping and ping6 through raw sockets (RFC 792, RFC 4443)
def cksum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
for seq in (1, 2):
    m = struct.pack('!BBHHH', 8, 0, 0, 0x77, seq) + bytes(range(48))
    r.sendto(m[:2] + struct.pack('!H', cksum(m)) + m[4:], ('10.1.2.3', 0))
    time.sleep(0.1)
r6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
r6.sendto(struct.pack('!BBHHH', 128, 0, 0, 0x66, 1) + bytes(range(48)), ('fd00::1', 0))
time.sleep(0.5)
PY
sleep 1
kill "$(cat "$TMP/tcpdump.pid")"
rm -f "$TMP/tcpdump.pid"
sleep 1

# Ethernet (loopback) to LINKTYPE_RAW, timestamps 1, 2, 3...
python3 - "$TMP/lo.pcap" real.pcap <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
magic = struct.unpack('<I', d[:4])[0]
assert magic in (0xa1b2c3d4, 0xa1b23c4d), hex(magic)
out = [struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 101)]
off, i = 24, 0
while off < len(d):
    ts, us, cl, wl = struct.unpack('<IIII', d[off:off + 16])
    pkt = d[off + 16:off + 16 + cl]
    off += 16 + cl
    if len(pkt) < 14 or pkt[12:14] not in (b'\x08\x00', b'\x86\xdd'):
        continue
    i += 1
    out.append(struct.pack('<IIII', i, 0, cl - 14, wl - 14) + pkt[14:])
open(sys.argv[2], 'wb').write(b''.join(out))
print('%d packets' % i)
PY
