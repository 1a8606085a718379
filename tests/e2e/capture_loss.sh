#!/bin/bash
# Exact loss accounting: with a tiny receive buffer the kernel drops trace
# events; nftrace-capture must report exactly what the kernel counted
# (nfnetlink_log sequence gaps, the socket's drop counter), write the same
# number to the ISB (isb_ifdrop), mark the gaps in the packets that follow
# them (epb_dropcount), and events + lost must equal what was traced.
. "$(dirname "$0")/lib.sh"
need_root
need_tool ip iptables-legacy ping tshark python3
plan 8

NS=nftL$$
netns_add "$NS" || { not_ok "netns"; finish; exit 1; }
(exec "$NFTRACE_CAPTURE" --netns "$NS" --set-logger --backend legacy -q --max-rate 0 \
	--rcvbuf 4096 -o '-p icmp' -w "$T_TMP/l.pcapng" -t 60) 2>"$T_TMP/l.log" &
cap=$!
bg_pid $cap
wait_for "$T_TMP/l.log" 'Adding rule'
sleep 0.3
ping_out=$(ip netns exec "$NS" ping -f -c 3000 -s 1000 127.0.0.1 2>&1)
sleep 0.5
kill -INT $cap
wait $cap
tx=$(printf '%s\n' "$ping_out" | sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1/p')
rx=$(printf '%s\n' "$ping_out" | sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\2/p')
line=$(grep 'events of' "$T_TMP/l.log")
events=$(printf '%s\n' "$line" | sed -n 's/.* \([0-9]*\) events of .*/\1/p')
lost=$(printf '%s\n' "$line" | sed -n 's/.* \([0-9]*\) lost by the kernel.*/\1/p')
sockdrops=$(printf '%s\n' "$line" | sed -n 's/.*socket drop counter: \([0-9]*\).*/\1/p')
diag "ping: $tx sent, $rx received; capture: $line"
check "the kernel dropped events ($lost)" test "${lost:-0}" -gt 0
is "reported loss = the socket's drop counter" "$lost" "$sockdrops"
# Every echo request and reply is traced twice on lo: OUTPUT, then PREROUTING.
is "events received + lost = events traced" "$((events + lost))" "$((2 * tx + 2 * rx))"
isb=$(python3 - "$T_TMP/l.pcapng" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
off = 0
drop = tail = 0
while off + 12 <= len(d):
    t, l = struct.unpack_from("<II", d, off)
    if t == 5:
        o = off + 20
        while o + 4 <= off + l - 4:
            code, ln = struct.unpack_from("<HH", d, o)
            if code == 0:
                break
            if code == 5:
                drop = struct.unpack_from("<Q", d, o + 4)[0]
            if code == 1:
                words = d[o + 4:o + 4 + ln].decode().split()
                if words[1:] == "events lost with no record after them".split():
                    tail = int(words[0])
            o += 4 + ((ln + 3) & ~3)
    off += l
print(drop, tail)
PY
)
tail=${isb#* } isb=${isb% *}
is "isb_ifdrop = reported loss" "$isb" "$lost"
marked=$(tshark -r "$T_TMP/l.pcapng" -T fields -e frame.drop_count 2>/dev/null | awk '{s += $1} END {print s + 0}')
check "epb_dropcount marks gaps in the packets after them ($marked of $lost)" test "$marked" -gt 0
is "the gaps marked + the ISB's \"lost with no record after them\" ($tail) = isb_ifdrop" "$((marked + tail))" "$isb"
want=""
[ "$tail" -gt 0 ] && want=" ($tail of the lost with no record after them)"
is "nftrace-read --stats: the loss, and what no record marked" \
	"$("$NFTRACE_READ" --stats "$T_TMP/l.pcapng" 2>/dev/null | sed -n 's/.*capture statistics: [0-9]* events received, \([0-9]*\) lost, [0-9]* written/\1/p')" \
	"$isb$want"
reads() { "$NFTRACE_READ" --no-aggregate "$1" >/dev/null 2>&1; }
check "the file reads to the end" reads "$T_TMP/l.pcapng"
finish
