#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# regen.sh - rewrite the expected text of the dissector tests from tcpdump.
#
# tcpdump is the oracle: each NAME.pcap here has NAME.txt (tcpdump -n) and
# NAME.v.txt (tcpdump -v -n), one packet per line, as tcpdump prints them for
# the whole file (so TCP sequence numbers are relative where tcpdump makes
# them so).  NAME.1.txt / NAME.1.v.txt hold what tcpdump prints for each
# packet alone, for the stateless dissect_summary().  Inside a line, "\n",
# "\t", "\r" and "\\" stand for themselves.
#
# Run it on purpose and review the diff:
#   tests/data/dissect/regen.sh          expected text only
#   GEN=1 tests/data/dissect/regen.sh    also rebuild the pcaps (gen_pcaps.py)
# TCPDUMP names the binary (default: tcpdump, 4.99.3 when written).
set -eu
cd "$(dirname "$0")"
TCPDUMP=${TCPDUMP:-tcpdump}
STATELESS="tcp flow nftrace real real_nft"

[ "${GEN:-0}" = 1 ] && python3 gen_pcaps.py

# tcpdump -tt output, packet i stamped i s, to one escaped line per packet.
join() {
	python3 -c '
import re, sys
out, n = [], 0
for line in sys.stdin.read().split("\n"):
    m = re.match(r"^(\d+)\.000000 ", line)
    if m and int(m.group(1)) == n + 1:
        n += 1
        out.append(line[m.end():])
    elif line.startswith("[Invalid header"):
        n += 1
        out.append(line)
    elif out:
        out[-1] += "\n" + line
if out and out[-1].endswith("\n"):
    out[-1] = out[-1][:-1]
esc = lambda s: s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
sys.stdout.write("".join(esc(p) + "\n" for p in out))
'
}

for f in *.pcap; do
	b=${f%.pcap}
	"$TCPDUMP" -tt -n -r "$f" 2>/dev/null | join > "$b.txt"
	"$TCPDUMP" -tt -v -n -r "$f" 2>/dev/null | join > "$b.v.txt"
done

for b in $STATELESS; do
	tmp=$(mktemp -d)
	python3 - "$b.pcap" "$tmp" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
off, i = 24, 0
while off < len(d):
    cl = struct.unpack("<I", d[off + 8:off + 12])[0]
    with open("%s/%06d.pcap" % (sys.argv[2], i), "wb") as f:
        f.write(d[:24] + struct.pack("<I", 1) + d[off + 4:off + 16 + cl])
    off += 16 + cl
    i += 1
PY
	for v in "" "-v"; do
		out="$b.1${v:+.v}.txt"
		: > "$out"
		for p in "$tmp"/*.pcap; do
			"$TCPDUMP" -tt $v -n -r "$p" 2>/dev/null | join >> "$out"
		done
	done
	rm -rf "$tmp"
done
