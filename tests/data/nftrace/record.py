#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Record raw nfnetlink datagrams from NFNLGRP_NFTRACE (9) and NFNLGRP_NFTABLES (7).

Usage: record.py OUTFILE READYFILE
Writes each received datagram as a record: 4-byte little-endian length, then
the datagram exactly as recv() returned it (netlink headers in host order).
Touches READYFILE once subscribed; stops on SIGTERM/SIGINT.
"""
import signal
import socket
import struct
import sys

AF_NETLINK = 16
NETLINK_NETFILTER = 12
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
GROUPS = (9, 7)  # NFNLGRP_NFTRACE, NFNLGRP_NFTABLES

stop = False


def on_signal(_sig, _frm):
    global stop
    stop = True


def main():
    out, ready = sys.argv[1], sys.argv[2]
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    s = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind((0, 0))
    for g in GROUPS:
        s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, g)
    s.settimeout(0.1)
    with open(out, "wb") as f:
        open(ready, "w").close()
        while not stop:
            try:
                d = s.recv(1 << 20)
            except socket.timeout:
                continue
            except InterruptedError:
                continue
            f.write(struct.pack("<I", len(d)) + d)
            f.flush()


if __name__ == "__main__":
    main()
