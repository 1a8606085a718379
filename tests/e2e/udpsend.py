#!/usr/bin/env python3
"""Send one UDP datagram: udpsend.py DEST PORT [PAYLOAD]."""
import socket
import sys

fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.sendto((sys.argv[3] if len(sys.argv) > 3 else "x").encode(), (sys.argv[1], int(sys.argv[2])))
