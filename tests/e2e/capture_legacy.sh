#!/bin/bash
# The README scenario, for real: iptables-legacy rules in a throw-away
# namespace lab, a DNS answer marked in raw PREROUTING and dropped in
# filter INPUT; nftrace-capture must show every rule it passed, with the
# rule text, one packet ID along the path (also through DNAT), and write a
# pcapng file that tcpdump, tshark and nftrace-read agree on.
. "$(dirname "$0")/lib.sh"
need_root
need_tool ip iptables-legacy iptables-legacy-save tcpdump tshark python3
plan 34

lab_setup || { not_ok "lab setup"; finish; exit 1; }
lab_firewall
before=$(saved_rules "$LAB_C")
loggers() { ip netns exec "$1" cat /proc/sys/net/netfilter/nf_log/2 /proc/sys/net/netfilter/nf_log/10; }
loggers_before=$(loggers "$LAB_C")

"$NFTRACE_CAPTURE" --netns "$LAB_C" --set-logger -p "-s $LAB_SRV" -w "$T_TMP/t.pcapng" \
	-t 10 -c 1 >"$T_TMP/live.txt" 2>"$T_TMP/log.txt" &
cap=$!
bg_pid $cap
wait_for "$T_TMP/log.txt" 'Adding rule' || diag "no 'Adding rule' line"
sleep 0.3
ip netns exec "$LAB_C" python3 "$NFTRACE_SRCDIR/tests/e2e/dnsq.py" $LAB_SRV example.com 0.5 31439 37784
wait $cap
rc=$?
is "capture exits 0 after -c 1" "$rc" 0

events=$(grep ' TRACE: ' "$T_TMP/live.txt")
is "the event lines of the dropped answer" "$(printf '%s\n' "$events" | cut -d' ' -f2-)" \
'TRACE: raw:PREROUTING:rule:2  "-A PREROUTING -s 192.0.2.53/32 -p udp -m udp --sport 53 -j MARK --set-xmark 0xef/0xffffffff"
TRACE: raw:PREROUTING:policy:3  "-P PREROUTING ACCEPT"
TRACE: filter:INPUT:rule:1  "-A INPUT -m mark --mark 0xef -j DROP"'
ids=$(printf '%s\n' "$events" | cut -d' ' -f1 | sort -u)
like "one 12-hex-digit packet ID along the whole path" "$(printf '%s\n' "$ids" | wc -l) $ids" '^1 [0-9a-f]{12}$'

agg=$(sed -n '/^Aggregated packets:$/,$p' "$T_TMP/live.txt" | sed -n 2p)
tcpd=$(tcpdump -nr "$T_TMP/t.pcapng" 2>/dev/null | head -1 | cut -d' ' -f2-)
is "aggregated line is the ID and tcpdump -nr's summary" "$agg" "$ids $tcpd"
like "the summary is the DNS answer" "$tcpd" '^IP 192\.0\.2\.53\.53 > 192\.0\.2\.2\.37784: 31439\*? 1/0/0 A 192\.0\.2\.80 \([0-9]+\)$'

log=$(cat "$T_TMP/log.txt")
like "log: Adding rule with the nftrace tag" "$log" \
	"^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9:]{8} Adding rule: -t raw -I PREROUTING -s 192\.0\.2\.53 -m comment --comment nftrace:$cap -j TRACE$"
like "log: Removing rule" "$log" "Removing rule: -t raw -D PREROUTING -s 192\.0\.2\.53 -m comment --comment nftrace:$cap -j TRACE"
is "ruleset before and after identical" "$(saved_rules "$LAB_C")" "$before"
is "loggers restored, IPv6's untouched by an IPv4 run" "$(loggers "$LAB_C" | tr '\n' ' ')" \
	"$(printf '%s\n' "$loggers_before" | tr '\n' ' ')"
like "the IPv4 logger was not nfnetlink_log before the run" "$loggers_before" '^nf_log_ipv4'

read_out=$("$NFTRACE_READ" "$T_TMP/t.pcapng" 2>&1)
is "nftrace-read reproduces the live output" "$read_out" "$(cat "$T_TMP/live.txt")"

tsh=$(tshark -r "$T_TMP/t.pcapng" -T fields -E separator='|' -e frame.comment -e frame.packet_id \
	-e nflog.prefix -e frame.packet_flags_direction 2>/dev/null)
is "tshark: comment = prefix and rule text" "$(printf '%s\n' "$tsh" | cut -d'|' -f1)" \
'TRACE: raw:PREROUTING:rule:2  "-A PREROUTING -s 192.0.2.53/32 -p udp -m udp --sport 53 -j MARK --set-xmark 0xef/0xffffffff"
TRACE: raw:PREROUTING:policy:3  "-P PREROUTING ACCEPT"
TRACE: filter:INPUT:rule:1  "-A INPUT -m mark --mark 0xef -j DROP"'
is "tshark: packet id = our ID" "$(printf '%s\n' "$tsh" | cut -d'|' -f2 | sort -u)" "$((16#$ids))"
is "tshark: NFLOG prefixes as the kernel wrote them" "$(printf '%s\n' "$tsh" | cut -d'|' -f3)" \
'TRACE: raw:PREROUTING:rule:2 
TRACE: raw:PREROUTING:policy:3 
TRACE: filter:INPUT:rule:1 '
is "tshark: direction inbound" "$(printf '%s\n' "$tsh" | cut -d'|' -f4 | sort -u)" "0x00000001"
shb=$(tshark -r "$T_TMP/t.pcapng" -T fields -e frame.number -c 1 2>&1; capinfos "$T_TMP/t.pcapng" 2>/dev/null)
like "SHB names the application and holds the ruleset snapshot" "$shb" 'nftrace-capture [0-9.]+'

# DNAT: the query to 192.0.2.99 is rewritten to the server in nat OUTPUT;
# its events before and after the rewrite must share one ID.
ip netns exec "$LAB_C" iptables-legacy -t nat -A OUTPUT -d 192.0.2.99 -p udp --dport 53 \
	-j DNAT --to-destination $LAB_SRV
before=$(saved_rules "$LAB_C")
"$NFTRACE_CAPTURE" --netns "$LAB_C" --set-logger -o "-d 192.0.2.99 -p udp" -w "$T_TMP/dnat.pcapng" \
	-t 10 -c 1 >"$T_TMP/dnat.txt" 2>"$T_TMP/dnat.log" &
cap=$!
bg_pid $cap
wait_for "$T_TMP/dnat.log" 'Adding rule'
sleep 0.3
ip netns exec "$LAB_C" python3 "$NFTRACE_SRCDIR/tests/e2e/dnsq.py" $LAB_SRV example.com 0.5 4242 40000 192.0.2.99
wait $cap
ev=$(grep ' TRACE: ' "$T_TMP/dnat.txt")
like "DNAT: the path passes nat OUTPUT and POSTROUTING" "$ev" 'nat:OUTPUT:rule:1.*DNAT'
is "DNAT: one ID before and after the rewrite" "$(printf '%s\n' "$ev" | cut -d' ' -f1 | sort -u | wc -l)" 1
dsts=$(tcpdump -nr "$T_TMP/dnat.pcapng" 2>/dev/null | awk '{print $5}' | sort -u | tr '\n' ' ')
is "DNAT: tcpdump sees both destinations in the file" "$dsts" "192.0.2.53.53: 192.0.2.99.53: "
is "DNAT: ruleset before and after identical" "$(saved_rules "$LAB_C")" "$before"

# No -p/-o: a TRACE rule the user inserted is captured as it is, and a
# .gz name writes gzip that nftrace-read and tshark read.
ip netns exec "$LAB_C" iptables-legacy -t raw -I PREROUTING -s $LAB_SRV -j TRACE
"$NFTRACE_CAPTURE" --netns "$LAB_C" --set-logger -w "$T_TMP/own.pcapng.gz" -t 10 -c 1 \
	>"$T_TMP/own.txt" 2>"$T_TMP/own.log" &
cap=$!
bg_pid $cap
wait_for "$T_TMP/own.log" 'Assuming TRACE rule'
sleep 0.3
ip netns exec "$LAB_C" python3 "$NFTRACE_SRCDIR/tests/e2e/dnsq.py" $LAB_SRV example.com 0.5 4244 40002
wait $cap
ip netns exec "$LAB_C" iptables-legacy -t raw -D PREROUTING -s $LAB_SRV -j TRACE
like "no -p/-o: says it assumes TRACE rules handled separately" "$(cat "$T_TMP/own.log")" 'Assuming TRACE rule\(s\) handled separately'
like "no -p/-o: the user's TRACE rule's events are captured" "$(cat "$T_TMP/own.txt")" 'TRACE: filter:INPUT:rule:1  "-A INPUT -m mark --mark 0xef -j DROP"'
is "gzip output: gzip -t accepts it" "$(gzip -t "$T_TMP/own.pcapng.gz" 2>&1; echo $?)" 0
is "gzip output: nftrace-read and tshark read it" \
	"$("$NFTRACE_READ" --no-aggregate "$T_TMP/own.pcapng.gz" | wc -l) $(tshark -r "$T_TMP/own.pcapng.gz" 2>/dev/null | wc -l)" \
	"$(grep -c ' TRACE: ' "$T_TMP/own.txt") $(grep -c ' TRACE: ' "$T_TMP/own.txt")"

# A pcap filter keeps only the events of matching packets: the DNS answer
# passes 'udp port 53', a datagram from the server to port 9 does not.
"$NFTRACE_CAPTURE" --netns "$LAB_C" --set-logger -p "-s $LAB_SRV -p udp" -t 10 -c 1 \
	'udp port 53' >"$T_TMP/f.txt" 2>"$T_TMP/f.log" &
cap=$!
bg_pid $cap
wait_for "$T_TMP/f.log" 'Adding rule'
sleep 0.3
ip netns exec "$LAB_S" python3 "$NFTRACE_SRCDIR/tests/e2e/udpsend.py" $LAB_CLI 9
sleep 0.2
ip netns exec "$LAB_C" python3 "$NFTRACE_SRCDIR/tests/e2e/dnsq.py" $LAB_SRV example.com 0.5 4243 40001
wait $cap
agg=$(sed -n '/^Aggregated packets:$/,$p' "$T_TMP/f.txt" | sed 1d | grep . | cut -d' ' -f2-)
like "filter: only the DNS answer is kept" "$agg" '^IP 192\.0\.2\.53\.53 > 192\.0\.2\.2\.40001: 4243'
is "filter: no event of the port 9 datagram" "$(grep -c '\.9:' <<<"$agg")" 0

# -c 1 is one packet with its whole path.  The ping's reply comes within
# the grace time left for the request's path: it is left out whole, not
# written without its first events.
"$NFTRACE_CAPTURE" --netns "$LAB_C" --set-logger -p '-p icmp' -o '-p icmp' -t 10 -c 1 \
	-w "$T_TMP/c1.pcapng" >"$T_TMP/c1.txt" 2>"$T_TMP/c1.log" &
cap=$!
bg_pid $cap
wait_for "$T_TMP/c1.log" 'Adding rule: -t raw -I PREROUTING'
sleep 0.3
ip netns exec "$LAB_C" ping -c 1 -W 1 $LAB_SRV >/dev/null
wait $cap
c1=$(tshark -r "$T_TMP/c1.pcapng" -T fields -E separator='|' -e frame.packet_id -e frame.comment 2>/dev/null)
is "-c 1: one packet ID in the file" "$(printf '%s\n' "$c1" | cut -d'|' -f1 | sort -u | wc -l)" 1
like "-c 1: its path from the first event on (the echo request leaving raw OUTPUT)" \
	"$(printf '%s\n' "$c1" | head -1 | cut -d'|' -f2)" '^TRACE: raw:OUTPUT:policy:2 '
is "-c 1: no event of the reply (PREROUTING, INPUT)" "$(grep -c -e ':PREROUTING:' -e ':INPUT:' <<<"$c1")" 0
is "-c 1: one packet listed, and the log counts the events written" \
	"$(sed -n '/^Aggregated packets:$/,$p' "$T_TMP/c1.txt" | sed 1d | grep -c .) $(grep -o '[0-9]* events of [0-9]* packets' "$T_TMP/c1.log")" \
	"1 $(printf '%s\n' "$c1" | wc -l) events of 1 packets"
is "-c 1: ruleset before and after identical" "$(saved_rules "$LAB_C")" "$before"

# -o twice: two TRACE rules, a packet matching either is traced.
"$NFTRACE_CAPTURE" --netns "$LAB_C" --set-logger -o '-p icmp' -o '-p udp --dport 53' -t 10 -c 2 \
	>"$T_TMP/two.txt" 2>"$T_TMP/two.log" &
cap=$!
bg_pid $cap
wait_for "$T_TMP/two.log" 'Adding rule: -t raw -I OUTPUT -p udp'
sleep 0.3
ip netns exec "$LAB_C" ping -c 1 -W 1 $LAB_SRV >/dev/null
ip netns exec "$LAB_C" python3 "$NFTRACE_SRCDIR/tests/e2e/dnsq.py" $LAB_SRV example.com 0.5 4245 40003
wait $cap
is "-o twice: both rules added and removed" \
	"$(grep -c 'Adding rule: -t raw -I OUTPUT' "$T_TMP/two.log") $(grep -c 'Removing rule: -t raw -D OUTPUT' "$T_TMP/two.log")" "2 2"
like "-o twice: the echo request and the DNS query are traced" \
	"$(sed -n '/^Aggregated packets:$/,$p' "$T_TMP/two.txt" | sed 1d | cut -d' ' -f2- | tr '\n' '|')" \
	'^IP 192\.0\.2\.2 > 192\.0\.2\.53: ICMP echo request.*\|IP 192\.0\.2\.2\.40003 > 192\.0\.2\.53\.53: 4245\+ A\? example\.com\.'
is "-o twice: ruleset before and after identical" "$(saved_rules "$LAB_C")" "$before"

finish
