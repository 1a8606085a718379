#!/bin/bash
# nf_tables: the README scenario with iptables-nft rules prints the same
# lines as the legacy backend; a native inet table shows nft rule text and
# verdicts; a rule inserted during the capture moves the positions of the
# events that follow; a namespace with legacy and nf_tables rules gives
# both streams in one capture with one ID per packet; `nft list ruleset` is
# the same before and after every exit path, and after --cleanup of a run
# killed with its guardian.
. "$(dirname "$0")/lib.sh"
need_root
need_tool ip nft iptables-nft iptables-legacy tcpdump tshark python3
plan 29

nft_rules() { ip netns exec "$1" nft list ruleset | sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/'; }
strip_ids() { grep ' TRACE: ' | cut -d' ' -f2-; }
capture_bg() { # NS OUT LOG ARGS...
	local ns=$1 out=$2 log=$3; shift 3
	(exec "$NFTRACE_CAPTURE" --netns "$ns" "$@") >"$out" 2>"$log" &
	CAP=$!
	bg_pid $CAP
	wait_for "$log" 'Adding rule|Assuming' || diag "capture did not start: $(cat "$log")"
	sleep 0.5
}

lab_setup || { not_ok "lab"; finish; exit 1; }
ipt() { ip netns exec "$LAB_C" iptables-nft "$@"; }
ipt -t raw -A PREROUTING -s $LAB_SRV -p udp --sport 53 -j MARK --set-xmark 0xef/0xffffffff
ipt -A INPUT -m mark --mark 0xef -j DROP
before=$(nft_rules "$LAB_C")

capture_bg "$LAB_C" "$T_TMP/a.txt" "$T_TMP/a.log" -p "-s $LAB_SRV" -w "$T_TMP/a.pcapng" -t 10 -c 1
ip netns exec "$LAB_C" python3 "$NFTRACE_SRCDIR/tests/e2e/dnsq.py" $LAB_SRV example.com 0.5 31439 37784
wait $CAP; rc=$?
is "iptables-nft: exit 0" "$rc" 0
like "auto chose iptables-nft and nf_tables events" "$(cat "$T_TMP/a.log")" 'Backend: rules with iptables-nft; reading nf_tables trace events'
is "iptables-nft: the same event lines as the legacy backend" "$(strip_ids <"$T_TMP/a.txt")" \
'TRACE: raw:PREROUTING:rule:2  "-A PREROUTING -s 192.0.2.53/32 -p udp -m udp --sport 53 -j MARK --set-xmark 0xef/0xffffffff"
TRACE: raw:PREROUTING:policy:3  "-P PREROUTING ACCEPT"
TRACE: filter:INPUT:rule:1  "-A INPUT -m mark --mark 0xef -j DROP"'
is "iptables-nft: one packet ID" "$(grep ' TRACE: ' "$T_TMP/a.txt" | cut -d' ' -f1 | sort -u | wc -l)" 1
is "iptables-nft: nft list ruleset identical before and after" "$(nft_rules "$LAB_C")" "$before"
is "iptables-nft: nftrace-read reproduces the live lines" "$("$NFTRACE_READ" "$T_TMP/a.pcapng")" "$(cat "$T_TMP/a.txt")"
agg=$(sed -n '/^Aggregated packets:$/,$p' "$T_TMP/a.txt" | sed -n 2p | cut -d' ' -f2-)
like "iptables-nft: tcpdump reads the file; the summary is tcpdump's (as far as 60 header bytes go)" \
	"$(tcpdump -nr "$T_TMP/a.pcapng" 2>/dev/null | head -1 | cut -d' ' -f2-)" "^$(printf '%s' "$agg" | sed 's/[][\.*^$()|+?{}]/\\&/g')\$"
like "iptables-nft: tshark shows the rule text and verdict in the comment" \
	"$(tshark -r "$T_TMP/a.pcapng" -T fields -e frame.comment 2>/dev/null | tail -1)" \
	'^TRACE: filter:INPUT:rule:1  "-A INPUT -m mark --mark 0xef -j DROP" \(verdict drop\)$'

# A native inet table: a jump to a user chain, a counter with a comment,
# a policy drop.
NS=nftN$$
netns_add "$NS"
ip netns exec "$NS" nft -f - <<'NFT'
table inet t {
	chain sub {
		udp dport 9 counter comment "count nine"
	}
	chain in {
		type filter hook input priority 0; policy drop;
		meta l4proto udp jump sub
	}
}
NFT
before=$(nft_rules "$NS")
capture_bg "$NS" "$T_TMP/n.txt" "$T_TMP/n.log" -v -p '-p udp --dport 9' -w "$T_TMP/n.pcapng" -t 10 -c 1
ip netns exec "$NS" python3 "$NFTRACE_SRCDIR/tests/e2e/udpsend.py" 127.0.0.1 9
wait $CAP; rc=$?
is "inet table: exit 0" "$rc" 0
is "inet table: nft rule text, user chain, implicit return, policy" "$(grep ' TRACE: inet' "$T_TMP/n.txt" | cut -d' ' -f2-)" \
'TRACE: inet t:in:rule:1  "meta l4proto udp jump sub"
TRACE: inet t:sub:rule:1  "udp dport 9 counter comment \"count nine\""
TRACE: inet t:sub:return:2
TRACE: inet t:in:policy:2  "policy drop"'
is "inet table: verdicts in -v lines" "$(grep -A1 ' TRACE: inet' "$T_TMP/n.txt" | grep -o 'VERDICT=[a-z]*\( [a-z]*\)*' | tr '\n' ,)" \
	"VERDICT=jump sub,VERDICT=continue,VERDICT=continue,VERDICT=drop,"
is "inet table: nft list ruleset identical before and after" "$(nft_rules "$NS")" "$before"

# A rule inserted above the traced one during the capture.
capture_bg "$NS" "$T_TMP/c.txt" "$T_TMP/c.log" -p '-p udp --dport 9' -t 10 -c 2
ip netns exec "$NS" python3 "$NFTRACE_SRCDIR/tests/e2e/udpsend.py" 127.0.0.1 9 one
sleep 0.3
ip netns exec "$NS" nft insert rule inet t in meta l4proto udp counter comment '"inserted"'
sleep 0.3
ip netns exec "$NS" python3 "$NFTRACE_SRCDIR/tests/e2e/udpsend.py" 127.0.0.1 9 two
wait $CAP
ev=$(grep ' TRACE: inet t:in:' "$T_TMP/c.txt" | cut -d' ' -f2-)
is "ruleset change: events after it carry the new positions and text" "$ev" \
'TRACE: inet t:in:rule:1  "meta l4proto udp jump sub"
TRACE: inet t:in:policy:2  "policy drop"
TRACE: inet t:in:rule:1  "meta l4proto udp counter comment \"inserted\""
TRACE: inet t:in:rule:2  "meta l4proto udp jump sub"
TRACE: inet t:in:policy:3  "policy drop"'
ip netns exec "$NS" nft delete rule inet t in handle "$(ip netns exec "$NS" nft -a list chain inet t in | sed -n 's/.*inserted.*# handle \([0-9]*\)/\1/p')"

# Legacy and nf_tables rules in one namespace: both streams, one timeline,
# in the order the kernel runs the hooks and priorities: raw PREROUTING
# (-300, iptables-nft's TRACE rule), inet o pre (mangle, -150), inet o
# early (input, filter - 10), legacy filter INPUT (0), inet t in (0; it
# drops the packet, so the legacy table ran before it).
ip netns exec "$NS" iptables-legacy -A INPUT -p udp --dport 9 -m comment --comment legacy-sees-it
ip netns exec "$NS" nft -f - <<'NFT'
table inet o {
	chain pre {
		type filter hook prerouting priority mangle; policy accept;
	}
	chain early {
		type filter hook input priority filter - 10; policy accept;
	}
}
NFT
capture_bg "$NS" "$T_TMP/b.txt" "$T_TMP/b.log" --backend auto -p '-p udp --dport 9' -t 10 -c 1 --set-logger
ip netns exec "$NS" python3 "$NFTRACE_SRCDIR/tests/e2e/udpsend.py" 127.0.0.1 9
wait $CAP
like "both: auto reads both streams" "$(cat "$T_TMP/b.log")" 'reading nfnetlink_log \(legacy xtables\) and nf_tables trace events'
ev=$(grep ' TRACE: ' "$T_TMP/b.txt")
like "both: a legacy event" "$ev" 'TRACE: filter:INPUT:rule:1  "-A INPUT -p udp -m udp --dport 9 -m comment --comment legacy-sees-it"'
like "both: an nf_tables event" "$ev" 'TRACE: inet t:in:rule:1  "meta l4proto udp jump sub"'
is "both: one packet ID across both streams" "$(printf '%s\n' "$ev" | cut -d' ' -f1 | sort -u | wc -l)" 1
is "both: one timeline, in hook and priority order" \
	"$(printf '%s\n' "$ev" | cut -d' ' -f2- | grep -o -E '^TRACE: (raw:PREROUTING|inet o:pre|inet o:early|filter:INPUT|inet t:in):' | uniq | tr '\n' '|')" \
	'TRACE: raw:PREROUTING:|TRACE: inet o:pre:|TRACE: inet o:early:|TRACE: filter:INPUT:|TRACE: inet t:in:|'

# Timeout, SIGINT, SIGTERM: the rule, the chain and the table iptables-nft
# created are gone again.
before=$(nft_rules "$LAB_C")
for how in timeout INT TERM; do
	if [ $how = timeout ]; then
		capture_bg "$LAB_C" "$T_TMP/e.txt" "$T_TMP/e.log" --backend nft -4 -6 -o '-p udp' -t 1
	else
		capture_bg "$LAB_C" "$T_TMP/e.txt" "$T_TMP/e.log" --backend nft -4 -6 -o '-p udp' -t 20
		kill -$how $CAP
	fi
	wait $CAP
	is "$how: nft list ruleset restored" "$(nft_rules "$LAB_C")" "$before"
done

# SIGKILL: the guardian removes the iptables-nft rule and what it created.
before=$(nft_rules "$LAB_C")
capture_bg "$LAB_C" "$T_TMP/k.txt" "$T_TMP/k.log" --backend nft -4 -6 -p '-p udp' -o '-p udp' -t 20
kill -KILL $CAP; wait $CAP 2>/dev/null; sleep 1.5
is "SIGKILL: nft list ruleset restored by the guardian" "$(nft_rules "$LAB_C")" "$before"

# Killed together with its guardian: --cleanup removes the rules, and the
# raw chains and table iptables-nft created for them (ip raw OUTPUT, all of
# ip6 raw), not ip raw PREROUTING, which was there before.
capture_bg "$LAB_C" "$T_TMP/g.txt" "$T_TMP/g.log" --backend nft -4 -6 -p '-p udp' -o '-p udp' -t 20
guard=$(cat /proc/$CAP/task/$CAP/children)
kill -KILL $guard $CAP; wait $CAP 2>/dev/null; sleep 0.5
is "killed with its guardian: four rules left behind" \
	"$(nft_rules "$LAB_C" | grep -c 'meta nftrace set 1')" 4
"$NFTRACE_CAPTURE" --netns "$LAB_C" --cleanup >/dev/null 2>"$T_TMP/g.clean"
rc=$?
is "--cleanup after it: exit 0, nft list ruleset as before that run" "$rc $(nft_rules "$LAB_C")" "0 $before"

# A running capture's rule stays; the capture ends as usual.
capture_bg "$LAB_C" "$T_TMP/l.txt" "$T_TMP/l.log" --backend nft -4 -o '-p udp' -t 3
"$NFTRACE_CAPTURE" --netns "$LAB_C" --cleanup >/dev/null 2>"$T_TMP/l.clean"
like "--cleanup keeps and names a running capture's iptables-nft rule" "$(cat "$T_TMP/l.clean")" \
	"Keeping rule: -t raw -A OUTPUT -p udp -m comment --comment nftrace:$CAP -j TRACE \\(its capture, pid $CAP .*is still running\\)"
wait $CAP; rc=$?
is "that capture: exit 0, nft list ruleset restored" "$rc $(nft_rules "$LAB_C")" "0 $before"

# A rule text of over 30 KB (a large anonymous set): the whole text is in
# the file's packet comment (which holds up to 64 KiB), as on the screen.
NSB=nftB$$
netns_add "$NSB"
ip netns exec "$NSB" ip link set lo up
python3 -c 'print("table inet big {\n chain out {\n  type filter hook output priority 0;\n  ip daddr { "
	+ ", ".join("10.0.%d.%d" % (i >> 8, i & 255) for i in range(1, 2501))
	+ ", 127.0.0.1 } counter comment \"bigset\"\n }\n}")' | ip netns exec "$NSB" nft -f - 2>&1 | head -c 300
capture_bg "$NSB" "$T_TMP/big.txt" "$T_TMP/big.log" --backend nft -o '-p icmp' -t 10 -c 1 -w "$T_TMP/big.pcapng"
ip netns exec "$NSB" ping -c 1 -W 1 127.0.0.1 >/dev/null
wait $CAP
live=$(grep 'TRACE: inet big:out:rule:1 ' "$T_TMP/big.txt" | cut -d' ' -f2-)
file=$(tshark -r "$T_TMP/big.pcapng" -T fields -e frame.comment 2>/dev/null | grep 'TRACE: inet big:out:rule:1 ')
like "long rule text: over 30 KB on the screen, ending with its comment" "${#live} $live" '^[0-9]{5} .*comment \\"bigset\\""'
is "long rule text: the file's comment (for tshark) is the whole text" \
	"$(printf '%s' "$file" | sed 's/ (verdict [a-z]*)$//' | md5sum)" "$(printf '%s' "$live" | md5sum)"
is "long rule text: nftrace-read shows the whole text" \
	"$("$NFTRACE_READ" "$T_TMP/big.pcapng" | grep 'TRACE: inet big:out:rule:1 ' | cut -d' ' -f2- | md5sum)" "$(printf '%s\n' "$live" | md5sum)"

finish
