#!/usr/bin/env python3
"""Send one DNS A query: dnsq.py SERVER NAME TIMEOUT [QID [SPORT [DEST]]].
Exit 0 when an answer came back, 1 on timeout (the answer was dropped)."""
import socket
import struct
import sys

server, name, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
qid = int(sys.argv[4]) if len(sys.argv) > 4 else 0x1234
sport = int(sys.argv[5]) if len(sys.argv) > 5 else 0
dest = sys.argv[6] if len(sys.argv) > 6 else server
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("", sport))
s.settimeout(timeout)
q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
for label in name.split("."):
    q += bytes([len(label)]) + label.encode()
q += b"\x00" + struct.pack("!HH", 1, 1)
s.sendto(q, (dest, 53))
try:
    s.recvfrom(512)
except socket.timeout:
    sys.exit(1)
