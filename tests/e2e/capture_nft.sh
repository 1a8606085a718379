#!/bin/bash
# nf_tables: the README scenario with iptables-nft rules prints the same
# lines as the legacy backend; a native inet table shows nft rule text and
# verdicts; a rule inserted during the capture moves the positions of the
# events that follow; a namespace with legacy and nf_tables rules gives
# both streams in one capture with one ID per packet; `nft list ruleset` is
# the same before and after every exit path, and after --cleanup of a run
# killed with its guardian; bridge and arp table events are counted as
# skipped, inet ingress ones are not; native tables named like iptables
# tables are native; ruleset changes faster than a re-read never give an
# event a wrong position or text.
. "$(dirname "$0")/lib.sh"
need_root
need_tool ip nft iptables-nft iptables-legacy tcpdump tshark python3 stdbuf
plan 41

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

# A bridge and an arp table trace too, but nftrace traces IPv4 and IPv6:
# their events are counted, as many as nft monitor trace prints.  An inet
# ingress chain's events are IPv4: kept.
NSB=nfyB$$; NSH=nfyH$$
netns_add "$NSB" && netns_add "$NSH"
# no IPv6 (DAD, MLD, router solicitations at moments of their own)
for ns in "$NSB" "$NSH"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip -n "$NSB" link add br0 type bridge
ip -n "$NSB" link add v0 type veth peer name v1 netns "$NSH"
ip -n "$NSB" link set v0 master br0
ip -n "$NSB" link set v0 up
ip -n "$NSB" link set br0 up
ip -n "$NSB" addr add 198.51.100.1/24 dev br0
ip -n "$NSH" addr add 198.51.100.2/24 dev v1
ip -n "$NSH" link set v1 up
# Static neighbours: no ARP traffic at unforeseen moments, so that both
# listeners see the same events (the two pings' own).
ip -n "$NSH" neigh replace 198.51.100.1 dev v1 nud permanent \
	lladdr "$(ip -n "$NSB" -br link show dev br0 | awk '{print $3}')"
ip -n "$NSB" neigh replace 198.51.100.2 dev br0 nud permanent \
	lladdr "$(ip -n "$NSH" -br link show dev v1 | awk '{print $3}')"
ip netns exec "$NSB" nft -f - <<'NFT'
table bridge b {
	chain pre {
		type filter hook prerouting priority filter; policy accept;
		meta nftrace set 1
	}
}
table arp a {
	chain in {
		type filter hook input priority filter; policy accept;
		meta nftrace set 1
	}
}
table inet g {
	chain ing {
		type filter hook ingress device "br0" priority filter; policy accept;
		icmp type echo-request meta nftrace set 1
	}
}
NFT
ip netns exec "$NSB" stdbuf -oL nft monitor trace >"$T_TMP/mon.txt" 2>&1 &
MON=$!
bg_pid $MON
capture_bg "$NSB" "$T_TMP/br.txt" "$T_TMP/br.log" --backend nft -o '-p udp --dport 7' -t 4
ip netns exec "$NSH" ping -c 2 -i 0.3 -W 1 198.51.100.1 >/dev/null
wait $CAP; rc=$?
sleep 0.3; kill $MON; wait $MON 2>/dev/null
mon=$(grep '^trace id [0-9a-f]* \(bridge\|arp\) ' "$T_TMP/mon.txt" | grep -vc ' packet: ')
skipped=$(sed -n 's/.* \([0-9]*\) nf_tables trace events of bridge\/netdev\/arp tables skipped: nftrace traces IPv4 and IPv6$/\1/p' "$T_TMP/br.log")
is "bridge/arp: exit 0" "$rc" 0
check "bridge/arp: events skipped ($skipped) as many as nft monitor trace shows ($mon)" \
	test -n "$skipped" -a "$skipped" = "$mon" -a "${mon:-0}" -gt 0
is "inet ingress: the IPv4 events are kept" \
	"$(grep ' TRACE: inet g:ing:rule' "$T_TMP/br.txt" | cut -d' ' -f2- | sort | uniq -c | sed 's/^ *//')" \
'2 TRACE: inet g:ing:rule:1  "icmp type echo-request meta nftrace set 1"'

# A native table named like an iptables table is no iptables-nft table
# (iptables-nft-save calls it incompatible): nft's view, with its family.
NSN=nfyN$$
netns_add "$NSN"
ip netns exec "$NSN" nft -f - <<'NFT'
table ip mangle {
	chain myout {
		type filter hook output priority mangle; policy accept;
		udp dport 9 counter
	}
}
NFT
like "native mangle: iptables-nft-save calls it incompatible" "$(ip netns exec "$NSN" iptables-nft-save 2>&1)" \
	"^# Table .mangle' (contains incompatible base-chains|is incompatible)"
capture_bg "$NSN" "$T_TMP/nat.txt" "$T_TMP/nat.log" --backend nft -o '-p udp --dport 9' -w "$T_TMP/nat.pcapng" -t 10 -c 1
ip netns exec "$NSN" python3 "$NFTRACE_SRCDIR/tests/e2e/udpsend.py" 127.0.0.1 9
wait $CAP; rc=$?
is "native mangle: exit 0, nft family, table, chain and text" \
	"$rc $(grep ' TRACE: ip mangle' "$T_TMP/nat.txt" | cut -d' ' -f2-)" \
'0 TRACE: ip mangle:myout:rule:1  "udp dport 9 counter"
TRACE: ip mangle:myout:policy:2  "policy accept"'
like "native mangle: JSON nft_family ip" "$("$NFTRACE_READ" --json "$T_TMP/nat.pcapng" | grep '"table":"mangle"' | head -1)" \
	'"nft_family":"ip"'

# Ruleset changes faster than the rule map can be re-read: every event has
# the position and text of the ruleset its packet passed, or none (and is
# counted on stderr), never those of a later ruleset.
# check_events FILE LOG AWK: AWK gets each event of table m or z as
# $1 packet index (in order of appearance), $2 kind, $3 position, $4 text,
# and prints what is wrong.
check_events() {
	local bad marked counted
	bad=$(grep -E ' TRACE: inet [mz]:out:' "$1" | sed -E 's/^([0-9a-f]+) TRACE: inet [mz]:out:([a-z]+):([0-9]+)(  "(.*)")?$/\1\t\2\t\3\t\5/' |
		awk -F'\t' -v OFS='\t' '!($1 in p) { p[$1] = n++ } { print p[$1], $2, $3, $4 }' | awk -F'\t' "$3")
	marked=$(grep -cE ' TRACE: .*:(rule|policy|return):0( |$)' "$1")
	counted=$(sed -n 's/.* \([0-9]*\) nf_tables trace events without rule position and text: .*/\1/p' "$2")
	[ -z "$bad" ] || diag "$bad"
	diag "$(grep -c ' TRACE: inet [mz]:out:' "$1") events, $marked without position and text, $counted counted"
	[ -z "$bad" ] && [ "$marked" = "${counted:-0}" ]
}
NSG=nfyG$$
netns_add "$NSG"
ip netns exec "$NSG" nft -f - <<'NFT'
table inet m {
	chain out {
		type filter hook output priority filter; policy accept;
		meta l4proto icmp counter comment "first"
		icmp type echo-request counter comment "target"
	}
}
NFT
target=$(ip netns exec "$NSG" nft -a list chain inet m out | sed -n 's/.*"target" # handle \([0-9]*\)$/\1/p')
capture_bg "$NSG" "$T_TMP/ins.txt" "$T_TMP/ins.log" --backend nft -o '-p icmp' -t 20 -c 16
for i in 1 2 3 4 5 6 7 8; do
	ip netns exec "$NSG" ping -c 1 -W 1 127.0.0.1 >/dev/null
	ip netns exec "$NSG" nft insert rule inet m out position "$target" counter comment "\"ins$i\""
done
wait $CAP; rc=$?
# Packet p passed the chain with k rules inserted: first, ins1..insk,
# target (requests only), policy.
check "insert loop: exit 0, events of table m" \
	test "$rc" = 0 -a "$(grep -c ' TRACE: inet m:out:' "$T_TMP/ins.txt")" -gt 0
check "insert loop: every event right or without position and text (counted)" check_events "$T_TMP/ins.txt" "$T_TMP/ins.log" '
	{ pk = $1; kind[pk, ++ne[pk]] = $2; pos[pk, ne[pk]] = $3; txt[pk, ne[pk]] = $4;
	  if ($2 == "rule") nr[pk]++ }
	END { for (pk in ne) {
		req = pk % 2 == 0; k = nr[pk] - (req ? 2 : 1); r = 0
		for (j = 1; j <= ne[pk]; j++) {
			if (pos[pk, j] == 0) { if (kind[pk, j] == "rule" && txt[pk, j] != "") print "packet " pk ": text without position"; if (kind[pk, j] == "rule") r++; continue }
			if (kind[pk, j] == "policy") { if (pos[pk, j] != k + 3) print "packet " pk ": policy at " pos[pk, j] ", " k " inserted"; continue }
			r++
			want = r == 1 ? "meta l4proto icmp counter comment \\\"first\\\"" : r <= k + 1 ? "counter comment \\\"ins" (r - 1) "\\\"" : "icmp type echo-request counter comment \\\"target\\\""
			if (pos[pk, j] != r || txt[pk, j] != want) print "packet " pk " event " j ": rule " pos[pk, j] " \"" txt[pk, j] "\", want rule " r " \"" want "\""
		} } }'

ip netns exec "$NSG" nft flush chain inet m out
ip netns exec "$NSG" nft add rule inet m out meta l4proto icmp counter comment '"v0"'
h=$(ip netns exec "$NSG" nft -a list chain inet m out | sed -n 's/.*"v0" # handle \([0-9]*\)$/\1/p')
capture_bg "$NSG" "$T_TMP/rep.txt" "$T_TMP/rep.log" --backend nft -o '-p icmp' -t 20 -c 20
for i in $(seq 10); do
	ip netns exec "$NSG" ping -c 1 -W 1 127.0.0.1 >/dev/null
	ip netns exec "$NSG" nft replace rule inet m out handle "$h" meta l4proto icmp counter comment "\"v$i\""
done
wait $CAP; rc=$?
# Packets 2i and 2i+1 (ping i+1) passed version vi.
check "replace loop: exit 0, events of table m" \
	test "$rc" = 0 -a "$(grep -c ' TRACE: inet m:out:rule:' "$T_TMP/rep.txt")" -gt 0
check "replace loop: every event right or without position and text (counted)" check_events "$T_TMP/rep.txt" "$T_TMP/rep.log" '
	$2 == "rule" && $3 != 0 { want = "meta l4proto icmp counter comment \\\"v" int($1 / 2) "\\\""
		if ($3 != 1 || $4 != want) print "packet " $1 ": rule " $3 " \"" $4 "\", want rule 1 \"" want "\"" }
	$2 == "rule" && $3 == 0 && $4 != "" { print "packet " $1 ": text without position" }'

ip netns exec "$NSG" nft delete table inet m
ip netns exec "$NSG" nft -f - <<'NFT'
table inet z {
	chain out {
		type filter hook output priority filter; policy accept;
		meta l4proto icmp counter comment "v0"
	}
}
NFT
capture_bg "$NSG" "$T_TMP/atom.txt" "$T_TMP/atom.log" --backend nft -o '-p icmp' -t 20 -c 20
for i in $(seq 10); do
	ip netns exec "$NSG" ping -c 1 -W 1 127.0.0.1 >/dev/null
	printf 'table inet z\ndelete table inet z\ntable inet z {\n\tchain out {\n\t\ttype filter hook output priority filter; policy accept;\n\t\tmeta l4proto icmp counter comment "v%d"\n\t}\n}\n' "$i" >"$T_TMP/z.nft"
	ip netns exec "$NSG" nft -f "$T_TMP/z.nft"
done
wait $CAP; rc=$?
check "atomic reload loop: exit 0, events of table z" test "$rc" = 0 -a "$(grep -c ' TRACE: inet z:out:rule:' "$T_TMP/atom.txt")" -gt 0
check "atomic reload loop: every event right or without position and text (counted)" check_events "$T_TMP/atom.txt" "$T_TMP/atom.log" '
	$2 == "rule" && $3 != 0 { want = "meta l4proto icmp counter comment \\\"v" int($1 / 2) "\\\""
		if ($3 != 1 || $4 != want) print "packet " $1 ": rule " $3 " \"" $4 "\", want rule 1 \"" want "\"" }
	$2 == "rule" && $3 == 0 && $4 != "" { print "packet " $1 ": text without position" }'

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
