#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Rebuild the seed corpora fuzz/corpus/<target>/ from samples/ and
tests/data/ (run from anywhere; the output is committed, so keep it small).

    python3 fuzz/mkcorpus.py

Each target's input format is described at the top of fuzz/fuzz_<target>.c.
The capture files are read with a minimal pcap/pcapng reader of our own:
good enough for our test files, not a second parser to trust.
"""
import glob
import gzip
import hashlib
import os
import shutil
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "corpus")
LINKTYPE_RAW, LINKTYPE_NFLOG = 101, 239


def read(path):
    with open(path, "rb") as f:
        return f.read()


def records(data):
    """(linktype, bytes, [comments]) of every packet of a pcap or pcapng file."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = "<" if magic[0] in (0xd4, 0x4d) else ">"
        lt = struct.unpack(e + "I", data[20:24])[0] & 0x03FFFFFF
        off = 24
        while off + 16 <= len(data):
            caplen = struct.unpack(e + "I", data[off + 8:off + 12])[0]
            yield lt, data[off + 16:off + 16 + caplen], []
            off += 16 + caplen
        return
    off, e, ifs = 0, "<", []
    while off + 12 <= len(data):
        btype = struct.unpack(e + "I", data[off:off + 4])[0]
        if btype == 0x0A0D0D0A:
            e = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            ifs = []
        blen = struct.unpack(e + "I", data[off + 4:off + 8])[0]
        body = data[off + 8:off + blen - 4]
        if btype == 1:
            ifs.append(struct.unpack(e + "H", body[:2])[0])
        elif btype == 6:
            ifid, _, _, caplen, _ = struct.unpack(e + "IIIII", body[:20])
            pkt = body[20:20 + caplen]
            opts = body[20 + ((caplen + 3) & ~3):]
            yield ifs[ifid] if ifid < len(ifs) else 0, pkt, list(options(opts, e, 1))
        off += blen


def options(opts, e, want):
    """Values of option code want."""
    off = 0
    while off + 4 <= len(opts):
        code, olen = struct.unpack(e + "HH", opts[off:off + 4])
        if code == 0:
            break
        if code == want:
            yield opts[off + 4:off + 4 + olen]
        off += 4 + ((olen + 3) & ~3)


def shb_comments(data):
    e, off = "<", 0
    while off + 12 <= len(data):
        btype = struct.unpack(e + "I", data[off:off + 4])[0]
        if btype == 0x0A0D0D0A:
            e = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
        blen = struct.unpack(e + "I", data[off + 4:off + 8])[0]
        if btype == 0x0A0D0D0A:
            yield from options(data[off + 24:off + blen - 4], e, 1)
        off += blen


def tlvs(rec):
    """(type, value) of an NFLOG record written on a little-endian host."""
    off = 4
    while off + 4 <= len(rec):
        tlen, ttype = struct.unpack("<HH", rec[off:off + 4])
        if tlen < 4:
            break
        yield ttype & 0x7FFF, rec[off + 4:off + tlen]
        off += (tlen + 3) & ~3


def spread(items, n):
    """At most n of items, evenly spaced, order kept."""
    items = list(dict.fromkeys(items))
    if len(items) <= n:
        return items
    return [items[i * len(items) // n] for i in range(n)]


def write(target, seeds):
    d = os.path.join(OUT, target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for name, data in seeds:
        # Name by content, like libFuzzer, with a hint where it came from.
        h = hashlib.sha1(data).hexdigest()[:12]
        with open(os.path.join(d, "%s-%s" % (name, h)), "wb") as f:
            f.write(data)


def main():
    os.chdir(ROOT)
    caps = sorted(glob.glob("samples/*.pcap*") + glob.glob("tests/data/*/*.pcap*"))
    ng = [c for c in caps if c.endswith(".pcapng")]
    classic = [c for c in caps if c.endswith(".pcap")]

    write("pcapng", [(os.path.basename(c), read(c)) for c in ng] +
          [("dns-drop.pcapng.gz", gzip.compress(read("samples/dns-drop.pcapng"), mtime=0))])
    small = [c for c in classic if os.path.getsize(c) <= 8192]
    write("pcap", [(os.path.basename(c), read(c)) for c in small] +
          [("dns-drop-nflog.pcap.gz", gzip.compress(read("samples/dns-drop-nflog.pcap"), mtime=0))])

    nflog, prefixes, comments, packets = [], [], [], []
    for c in caps:
        for lt, pkt, cms in records(read(c)):
            if lt == LINKTYPE_RAW:
                packets.append(pkt)
            if lt != LINKTYPE_NFLOG:
                continue
            nflog.append(pkt)
            prefix = b""
            for t, v in tlvs(pkt):
                if t == 10:
                    prefix = v.split(b"\0")[0].rstrip(b" ")
                    prefixes.append(v)
                elif t == 9:
                    packets.append(v)
            for cm in cms:
                comments.append(prefix + b"\0" + cm)
    write("nflog", [("rec", r) for r in spread(nflog, 60)])
    prefixes += [b"TRACE: inet fw:in:policy:4", b"TRACE: ip6 filter:FORWARD:return:12 ",
                 b"TRACE: netdev x:ing:rule:1", b"not a trace prefix"]
    write("trace_prefix", [("prefix", p) for p in spread(prefixes, 40)])
    write("render_comment", [("comment", b"\x3f" + c + b"\0sub") for c in spread(comments, 30)] +
          [("comment-jump", b"\xd0TRACE: inet t:c:rule:2\0TRACE: inet t:c:rule:2  "
            b"\"ip saddr 10.0.0.1 jump sub\\x09\\\"x\\\"\" (verdict jump sub)\0sub")])
    write("dissect", [("pkt", b"\0" + p) for p in spread(packets, 150)])

    rs = []
    for c in ng:
        cms = list(shb_comments(read(c)))
        if cms:
            rs.append((os.path.basename(c), b"\0" + b"\0".join(cms)))
    for s in sorted(glob.glob("tests/data/rules/*.save")) + ["samples/dns-drop.rules"]:
        rs.append((os.path.basename(s), (b"\x02" if "ipv6" in s else b"\x01") + read(s)))
    write("ruleset", rs)

    d = "tests/data/nftrace/"
    nft = []
    for i in (1, 2):
        nft.append(("ruleset%d" % i, b"\0" + read(d + "ruleset%d.nft" % i) + b"\0" +
                    read(d + "ruleset%d.ipt" % i) + b"\0" + read(d + "ruleset%d.ip6t" % i)))
    nft.append(("ruleset", b"\0" + read(d + "ruleset.nft")))
    write("nft_ruleset", nft)

    msgs = read(d + "messages.bin")
    grams, off = [], 0
    while off + 4 <= len(msgs):
        n = struct.unpack("<I", msgs[off:off + 4])[0]
        grams.append(msgs[off:off + 4 + n])
        off += 4 + n
    write("nftrace", [("messages.bin", msgs)] + [("datagram", g) for g in spread(grams, 30)])

    specs = [b"-p udp --dport 53", b"-s 10.0.0.1 -m comment --comment 'a b'",
             b"-p tcp -m multiport --dports 80,443 \"-m\" conntrack --ctstate NEW",
             b"-i eth0 -j ACCEPT", b"-vpudp", b"--comment -j -p icmp",
             b"-m string --string \"a\\\"b\" --algo bm", b"-d 1.2.3.4\\ 5",
             b"-m set --match-set x src -p 6", b"--jump=DROP"]
    for s in sorted(glob.glob("tests/data/rules/*.save")):
        for line in read(s).splitlines():
            if line.startswith(b"["):
                line = line.split(b" ", 1)[1]
            if line.startswith(b"-A "):
                specs.append(line.split(b" ", 2)[2] if line.count(b" ") >= 2 else b"")
    write("rulespec", [("spec", s) for s in spread(specs, 40)])


if __name__ == "__main__":
    sys.exit(main())
