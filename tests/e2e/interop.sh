#!/bin/bash
# Our files in the tools people already use: libpcap/tcpdump read them,
# tshark shows comments, packet IDs, drop counts and NFLOG prefixes, gzip
# files read through zcat and tshark, and nftrace-read reads tcpdump's
# classic pcap and gzip and standard input.
. "$(dirname "$0")/lib.sh"
S=$NFTRACE_SRCDIR/samples
need_tool tcpdump tshark gzip
[ -f "$S/dns-drop.pcapng" ] || skip_all "no samples"
plan 14

f=$S/dns-drop.pcapng
events=$("$NFTRACE_READ" --no-aggregate "$f" | grep -c ' TRACE: ')
n=$(tcpdump -nr "$f" 2>/dev/null | wc -l)
is "tcpdump -r reads every event" "$n" "$events"
tcpdump -nr "$f" >/dev/null 2>"$T_TMP/err"
is "tcpdump -r: no error" "$(cat "$T_TMP/err" | grep -v '^reading from')" ""

c=$(tshark -r "$f" -T fields -e frame.comment 2>/dev/null | grep -c '^TRACE: .*  ".*"$')
check "tshark shows a comment with the rule text on rule events ($c)" test "$c" -ge 1
pid=$(tshark -r "$f" -T fields -e frame.packet_id 2>/dev/null | sort -u)
ours=$("$NFTRACE_READ" --no-aggregate "$f" | cut -d' ' -f1 | sort -u)
is "tshark frame.packet_id = nftrace-read's ID" "$pid" "$((16#$ours))"

gzip -c "$f" >"$T_TMP/t.pcapng.gz"
is "nftrace-read reads gzip transparently" "$("$NFTRACE_READ" "$T_TMP/t.pcapng.gz")" "$("$NFTRACE_READ" "$f")"
is "nftrace-read reads standard input" "$("$NFTRACE_READ" - <"$f")" "$("$NFTRACE_READ" "$f")"
is "zcat | tcpdump -r - reads the gzip file" "$(zcat "$T_TMP/t.pcapng.gz" | tcpdump -nr - 2>/dev/null | wc -l)" "$n"
is "tshark reads the gzip file" "$(tshark -r "$T_TMP/t.pcapng.gz" 2>/dev/null | wc -l)" "$n"

p=$S/dns-drop-nflog.pcap
like "nftrace-read reads tcpdump's classic pcap" "$("$NFTRACE_READ" --no-aggregate "$p")" \
	'^[0-9a-f]{12} TRACE: raw:PREROUTING:rule:'
# pcapng written by Wireshark's own writer (editcap/dumpcap/tshark) from
# tcpdump's nflog capture reads the same as the classic pcap.
if command -v editcap >/dev/null; then
	editcap -F pcapng "$p" "$T_TMP/ws.pcapng"
	is "nftrace-read reads Wireshark-written pcapng of nflog" \
		"$("$NFTRACE_READ" --rules="$S/dns-drop.rules" "$T_TMP/ws.pcapng" 2>&1)" \
		"$("$NFTRACE_READ" --rules="$S/dns-drop.rules" "$p" 2>&1)"
else
	skip "Wireshark-written pcapng" "no editcap"
fi

# tcpdump -i nflog:0 also records what other NFLOG rules log: a record with
# "-j NFLOG --nflog-prefix mylog" and one without a prefix, appended to
# tcpdump's capture (classic pcap, the NFLOG TLVs as libpcap stores them).
python3 - "$p" "$T_TMP/mixed.pcap" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
swap = d[:4] == b"\xd4\xc3\xb2\xa1"          # file written little-endian
e = "<" if swap else ">"
def tlv(t, v):
    b = struct.pack(e + "HH", 4 + len(v), t) + v
    return b + b"\0" * (-len(b) % 4)
ip = bytes.fromhex("450000140001000040010000c0000235c0000202")
def rec(prefix):
    r = struct.pack(">BBH", 2, 0, 0) + tlv(1, struct.pack(">HBB", 0x0800, 1, 0))
    if prefix is not None:
        r += tlv(10, prefix + b"\0")
    return r + tlv(9, ip)
ts = struct.unpack_from(e + "I", d, 24)[0] + 1
for i, r in enumerate((rec(b"mylog"), rec(None))):
    d += struct.pack(e + "IIII", ts + i, 0, len(r), len(r)) + r
open(sys.argv[2], "wb").write(d)
PY
"$NFTRACE_READ" --rules="$S/dns-drop.rules" "$T_TMP/mixed.pcap" >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
is "NFLOG records that are not TRACE events: skipped, exit 0, the events as without them" \
	"$rc $(cat "$T_TMP/out")" "0 $("$NFTRACE_READ" --rules="$S/dns-drop.rules" "$p" 2>&1)"
nontrace=$(tshark -r "$T_TMP/mixed.pcap" -T fields -e nflog.prefix 2>/dev/null | grep -vc '^TRACE: ')
is "NFLOG records that are not TRACE events: counted on stderr, naming the file (tshark: $nontrace)" \
	"$(cat "$T_TMP/err")" \
	"nftrace-read: $T_TMP/mixed.pcap: $nontrace NFLOG records that are not TRACE events skipped"
"$NFTRACE_READ" --stats "$T_TMP/mixed.pcap" "$p" >/dev/null 2>"$T_TMP/err"
is "NFLOG records that are not TRACE events: counted per file, in every view" "$(cat "$T_TMP/err")" \
	"nftrace-read: $T_TMP/mixed.pcap: $nontrace NFLOG records that are not TRACE events skipped"
"$NFTRACE_READ" "$p" >/dev/null 2>"$T_TMP/err"
is "tcpdump's capture of TRACE events only: nothing on stderr" "$(cat "$T_TMP/err")" ""
finish
