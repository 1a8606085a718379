#!/bin/bash
# nftrace-read's views, filters, merging and follow mode.
#  1. Golden outputs: samples/TESTLIST.views (REGEN=1 rewrites them).
#  2. Each view against an oracle that is not nftrace-read:
#     --json    jq parses every line; per record the fields tshark decodes
#               (prefix, time in ns, hook, interfaces, uid, gid, packet ID,
#               family, length) and the summary tcpdump -nr prints;
#     --paths   block summaries are tcpdump's lines; every event is in
#               exactly one packet, in order; the drops are the ones the
#               sample scenarios were built to drop;
#     --stats   the counts recomputed with jq from --json --paths;
#     --dot     dot -Tsvg accepts it; packets into the sinks add up;
#     merging   the order mergecap gives the same files;
#     filters   the records tshark's display filter selects, whole packets;
#     follow    lines come out while the writer is still writing, through
#               a pipe, and with nftrace-capture -w - in a namespace (root).
#  3. Usage errors (exit 2, naming the value), a truncated file in a merge
#     (exit 1, the other file complete), --help, colour.
. "$(dirname "$0")/lib.sh"
S=$NFTRACE_SRCDIR/samples
R=$NFTRACE_READ
export TZ=UTC
cd "$S" || exit 1

have() { command -v "$1" >/dev/null; }
jq_true() { jq -e "$@" >/dev/null; }
# A check that needs tools: skip it when one is missing.
needs() { local t; for t in "$@"; do have "$t" || { skip "$CHECK" "no $t"; return 1; }; done; }

# ---- 1. golden outputs -----------------------------------------------------
while read -r name expected args; do
	case "$name" in ''|'#'*) continue;; esac
	# shellcheck disable=SC2086
	got=$("$R" $args 2>&1; echo "exit $?")
	if [ -n "$REGEN" ]; then
		printf '%s\n' "$got" | sed '$d' >"$expected"
	fi
	is "$name: nftrace-read $args" "$got" "$(cat "$expected"; echo "exit 0")"
done <"$S/TESTLIST.views"

# ---- 2. oracles -------------------------------------------------------------
HOOKS='{"PREROUTING":0,"INPUT":1,"FORWARD":2,"OUTPUT":3,"POSTROUTING":4}'

# Per record, as tshark decodes it and as our JSON says it, as TSV:
# prefix, time (ns), hook, in, out, uid, gid, packet ID, family, length.
tshark_fields() {
	tshark -r "$1" -T fields -E occurrence=f -E separator=/t -e nflog.prefix \
		-e frame.time_epoch -e nflog.hook -e nflog.ifindex_indev -e nflog.ifindex_outdev \
		-e nflog.uid -e nflog.gid -e frame.packet_id -e nflog.family -e ip.len -e ipv6.plen 2>/dev/null |
		awk -F'\t' -v OFS='\t' '$1 ~ /^TRACE: / { sub(/ +$/, "", $1); sub(/\./, "", $2);
			len = $10 != "" ? $10 : ($11 != "" ? $11 + 40 : "");
			print $1, $2, $3, $4, $5, $6, $7, $8, $9, len }'
}
ours_fields() {
	# ts_ns from the text: jq 1.6 reads numbers as doubles.
	paste <(jq -r --argjson h "$HOOKS" '[.prefix, ($h[.hook] // ""), (.in_ifindex // ""),
			(.out_ifindex // ""), (.uid // ""), (.gid // ""), .id,
			(if .family == "ipv4" then 2 elif .family == "ipv6" then 10 else "" end),
			.len] | @tsv' "$1") \
		<(sed -E 's/.*"ts_ns":([0-9]+).*/\1/' "$1") |
		awk -F'\t' -v OFS='\t' -v pcapng="$2" '
			function hex(s,  i, v) { for (i = 1; i <= length(s); i++)
				v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
			{ id = pcapng ? sprintf("%.0f", hex($7)) : ""; print $1, $10, $2, $3, $4, $5, $6, id, $8, $9 }'
}

for spec in dns-drop.pcapng ping6-chains.pcapng incident-client.pcapng incident-server.pcapng \
	"dns-drop-nflog.pcap --rules=dns-drop.rules"; do
	set -- $spec
	f=$1; shift
	# shellcheck disable=SC2068
	"$R" --json $@ "$f" >"$T_TMP/j" 2>&1
	CHECK="$f: jq accepts every --json line"
	if needs jq; then
		check "$CHECK" jq_true . "$T_TMP/j"
	fi
	CHECK="$f: --json fields are what tshark decodes"
	if needs jq tshark; then
		pcapng=1; case $f in *.pcap) pcapng=0;; esac
		is "$CHECK" "$(ours_fields "$T_TMP/j" $pcapng)" "$(tshark_fields "$f" |
			awk -F'\t' -v OFS='\t' -v p=$pcapng '{ if (!p) $8 = ""; print }')"
	fi
	CHECK="$f: --json summaries are tcpdump's lines"
	if needs jq tcpdump; then
		is "$CHECK" "$(jq -r .summary "$T_TMP/j")" "$(tcpdump -nr "$f" 2>/dev/null | cut -d' ' -f2-)"
	fi
	CHECK="$f: rule texts in --json are those of the text view"
	if needs jq; then
		# shellcheck disable=SC2068
		is "$CHECK" "$(jq -r '.rule // empty' "$T_TMP/j")" "$("$R" --no-aggregate $@ "$f" |
			sed -n 's/^[0-9a-f]\{12\} TRACE: [^ ]*  "\(.*\)"$/\1/p' | sed 's/\\"/"/g; s/\\\\/\\/g')"
	fi
done

# The rule handle is not in capture files (doc/json-schema.md says when it
# is null: always, when reading a file); the output agrees with the schema.
CHECK="--json: handle is null in every event, as doc/json-schema.md says"
if needs jq; then
	schema=$(grep '^| `handle` |' "$NFTRACE_SRCDIR/doc/json-schema.md" | cut -d'|' -f3-4)
	is "$CHECK" "$(for f in dns-drop.pcapng ping6-chains.pcapng incident-client.pcapng incident-server.pcapng dns-drop-nflog.pcap; do
			"$R" --json "$f" | jq -r '.handle'; done | sort -u) /$schema" \
		"null / null | the nf_tables rule handle: **always null** when reading a file${schema#*when reading a file}"
fi

# --json --paths over a merge: every event in exactly one packet, with the
# packet's ID and file; the fate names one of its hops.
M="incident-server.pcapng incident-client.pcapng"
# shellcheck disable=SC2086
"$R" --json --paths $M >"$T_TMP/jp"
# shellcheck disable=SC2086
"$R" --json $M >"$T_TMP/je"
CHECK="merge: --json --paths holds every event once, in its packet"
if needs jq; then
	is "$CHECK" "$(jq -r '.hops[] | [.file, .time, .prefix] | @tsv' "$T_TMP/jp" | sort)" \
		"$(jq -r '[.file, .time, .prefix] | @tsv' "$T_TMP/je" | sort)"
	CHECK="merge: hops carry their packet's ID and file, in time order"
	check "$CHECK" jq_true -s 'all(.[]; . as $p | all(.hops[]; .id == $p.id and .file == $p.file)
		and ([.hops[].ts_ns] == ([.hops[].ts_ns] | sort)) and .nhops == (.hops | length))' "$T_TMP/jp"
	CHECK="merge: fate_by is the hop at fate_hop"
	check "$CHECK" jq_true -s 'all(.[]; .fate_hop == null or
		("TRACE: " + .fate_by) == .hops[.fate_hop].prefix)' "$T_TMP/jp"
fi

# The scenarios' ground truth: what each sample was built to drop.
CHECK="scenario: the client drops exactly the answer to port 37784, the server nothing"
if needs jq; then
	is "$CHECK" "$(jq -r 'select(.fate == "drop") | [.file, .fate_by, .summary] | @tsv' "$T_TMP/jp")" \
		"$(printf 'incident-client.pcapng\tfilter:IN_dns:rule:1\t%s' \
			"$(jq -r 'select(.file == "incident-client.pcapng" and (.summary | test("> 192.0.2.2.37784:")))
				| .summary' "$T_TMP/jp")")"
	CHECK="scenario: dns-drop's answer is dropped by the mark rule, ping6's packets accepted"
	is "$CHECK" "$("$R" --json --paths dns-drop.pcapng ping6-chains.pcapng | jq -r '[.fate, .fate_by] | @tsv')" \
		"$(printf 'drop\tfilter:INPUT:rule:1\naccept\tmangle:POSTROUTING:policy:1\naccept\tfilter:IN_icmp:rule:1')"
fi

# Without rule text the last hop of dns-drop-nflog.pcap (the -j DROP rule
# filter:INPUT:rule:1, as --rules shows) could have been a drop: every view
# says the fate is unknown there, none says accepted.
CHECK="no rule text: --paths, --json, --stats, --dot and --verdict agree the fate is unknown"
if needs jq; then
	nr=dns-drop-nflog.pcap
	is "$CHECK" "$("$R" --paths $nr | grep '=>')
$("$R" --json --paths $nr | jq -r '[.fate, .fate_by, .fate_hop, .fate_policy] | @tsv')
$("$R" --stats $nr | grep '^Packets:')
$("$R" --dot $nr | grep -cE 'label="(accepted|dropped)')
$("$R" --json --paths --verdict unknown $nr | jq -r .fate_by)
$("$R" --json --paths --verdict accept $nr | wc -l)" \
		"    => fate unknown: filter:INPUT:rule:1 is a rule without rule text
unknown	filter:INPUT:rule:1	2	false
Packets: 1 traced: 0 accepted, 0 dropped, 0 queued, 0 stolen, 1 fate unknown
0
filter:INPUT:rule:1
0"
	CHECK="no rule text: with --rules the same packet is dropped by that rule"
	is "$CHECK" "$("$R" --json --paths --rules=dns-drop.rules $nr | jq -r '[.fate, .fate_by] | @tsv')" \
		"$(printf 'drop\tfilter:INPUT:rule:1')"
fi

# --paths: block summaries are tcpdump's lines for the packet; the hops are
# the text view's events of that packet, in order.
for f in dns-drop.pcapng ping6-chains.pcapng incident-client.pcapng; do
	CHECK="$f: --paths summaries are tcpdump's lines"
	if needs jq tcpdump; then
		declare -A line=()
		while IFS='|' read -r id l; do line[$id]=$l; done < <(paste -d'|' \
			<("$R" --json "$f" | jq -r .id) <(tcpdump -nr "$f" 2>/dev/null | cut -d' ' -f2-))
		bad=0
		while read -r _ _ id sum; do
			[ "${line[$id]}" = "$sum" ] || { bad=$((bad + 1)); diag "$id: '$sum' vs tcpdump '${line[$id]}'"; }
		done < <("$R" --paths "$f" | grep -E '^[0-9]{4}-')
		is "$CHECK" "$bad" 0
		unset line
	fi
	CHECK="$f: --paths hops are the packet's events in the text view"
	is "$CHECK" "$("$R" --paths "$f" | awk '/^[0-9][0-9][0-9][0-9]-/ { id = $3; next }
			/^    [^=(]/ { sub(/^    /, ""); print id " TRACE: " $0 }' | sort -s -k1,1)" \
		"$("$R" --no-aggregate "$f" | sort -s -k1,1 | awk 'NF')"
done

# --stats recomputed from --json --paths with jq.
CHECK="merge: --stats rule counts are the packets per hop"
if needs jq; then
	# shellcheck disable=SC2086
	"$R" --stats $M >"$T_TMP/st"
	sec() { awk -v t="$1" 'index($0, t) == 1 { on = 1; getline; next } /^$/ { on = 0 } on' "$T_TMP/st"; }
	# a rule is its position and its text: the same position on two
	# hosts with different rules makes two rows
	is "$CHECK" "$(sec Rules | sed -E 's/^ *([0-9]+)  ([^ ]+) *(.*)$/\1 \2 \3/' | sort)" \
		"$(jq -r -s '[.[] | . as $p | .hops[] | {p: ($p.file + $p.id + ($p.ts_ns | tostring)),
			h: (.prefix | sub("^TRACE: "; "")), r: .rule}] | unique | group_by([.h, .r]) |
			.[] | "\(length) \(.[0].h) \(if .[0].r then "\"" + .[0].r + "\"" else "" end)"' \
			"$T_TMP/jp" | sed 's/ $//' | sort)"
	CHECK="merge: --stats chain counts"
	is "$CHECK" "$(sec Chains | awk '{ print $1, $2 }' | sort)" \
		"$(jq -r -s '[.[] | . as $p | .hops[] | {p: ($p.file + $p.id + ($p.ts_ns | tostring)),
			c: (.table + ":" + .chain)}] | unique | group_by(.c) |
			.[] | "\(length) \(.[0].c)"' "$T_TMP/jp" | sort)"
	CHECK="merge: --stats drop points and fates"
	is "$CHECK" "$(sec Drop | awk '{ print $1, $2 }'; grep '^Packets:' "$T_TMP/st")" \
		"$(jq -r -s '[.[] | select(.fate == "drop")] | group_by(.fate_by) | .[] | "\(length) \(.[0].fate_by)"' "$T_TMP/jp"
		   jq -r -s '"Packets: \(length) traced: \([.[] | select(.fate == "accept")] | length) accepted, \([.[] | select(.fate == "drop")] | length) dropped, 0 queued, 0 stolen, \([.[] | select(.fate == "unknown")] | length) fate unknown"' "$T_TMP/jp")"
	CHECK="merge: --stats losses are the files' epb_dropcount"
	if needs tshark; then
		# shellcheck disable=SC2086
		is "$CHECK" "$(grep '^Losses:' "$T_TMP/st")" \
			"Losses: $(for f in $M; do tshark -r "$f" -T fields -e frame.drop_count 2>/dev/null; done |
				awk '{ s += $1 } END { print s + 0 }') events lost during the capture (epb_dropcount)"
	fi
fi

# pcapng files concatenated (cat a b > c) are one file of several sections:
# its capture statistics are the sums of those of the parts.
CHECK="several sections: --stats sums the capture statistics of every section"
cat dns-drop.pcapng ping6-chains.pcapng incident-client.pcapng >"$T_TMP/cat.pcapng"
sum=$(for f in dns-drop.pcapng ping6-chains.pcapng incident-client.pcapng; do
	"$R" --stats "$f" | sed -nE 's/.*: capture statistics: ([0-9]+) events received, ([0-9]+) lost, ([0-9]+) written.*/\1 \2 \3/p'
done | awk '{ r += $1; l += $2; w += $3 } END { printf "%d events received, %d lost, %d written", r, l, w }')
is "$CHECK" "$("$R" --stats "$T_TMP/cat.pcapng" | grep -o 'capture statistics: .*')" \
	"capture statistics: $sum"

# --dot: dot accepts every graph; the packets into the sinks add up; the
# red rules are the drop points.
for args in "--dot incident-client.pcapng" "--dot $M" "--dot ping6-chains.pcapng" \
	"--dot --verdict drop $M" "--dot -r incident-client.pcapng udp"; do
	CHECK="$args: dot -Tsvg accepts the graph"
	# shellcheck disable=SC2086
	"$R" $args >"$T_TMP/g.dot"
	if needs dot; then
		check "$CHECK" sh -c "dot -Tsvg '$T_TMP/g.dot' >'$T_TMP/g.svg' && grep -q '<svg' '$T_TMP/g.svg'"
	fi
done
CHECK="--dot: the edges into the fate nodes add up to the packets"
if needs jq; then
	# shellcheck disable=SC2086
	"$R" --dot $M >"$T_TMP/g.dot"
	sinks=$(grep -E '^[[:space:]]n[0-9]+ \[label="(accepted|dropped|queued|stolen|fate unknown)' "$T_TMP/g.dot" |
		sed -E 's/^[[:space:]](n[0-9]+) .*/\1/' | paste -sd'|')
	is "$CHECK" "$(grep -E -- "-> ($sinks) " "$T_TMP/g.dot" | sed -E 's/.*label="([0-9]+)".*/\1/' |
		awk '{ s += $1 } END { print s }')" "$(jq -s length "$T_TMP/jp")"
	CHECK="--dot: the red rules are the drop points"
	is "$CHECK" "$(grep 'dropped here' "$T_TMP/g.dot" | sed -E 's/.*\\n(-A [^\\]*)\\n.*/\1/')" \
		"$(jq -r 'select(.fate == "drop") | .hops[.fate_hop].rule' "$T_TMP/jp")"
fi

# Merging: the order mergecap gives the same files.
CHECK="merge: events in the order mergecap merges the files"
if needs mergecap tshark jq; then
	# shellcheck disable=SC2086
	mergecap -w "$T_TMP/m.pcapng" $M
	is "$CHECK" "$(jq -r '[(.ts_ns | tostring), .prefix] | @tsv' "$T_TMP/je" |
		paste <(sed -E 's/.*"ts_ns":([0-9]+).*/\1/' "$T_TMP/je") - | cut -f1,3)" \
		"$(tshark -r "$T_TMP/m.pcapng" -T fields -E separator=/t -e frame.time_epoch -e nflog.prefix 2>/dev/null |
			sed -E 's/\.//; s/ +$//')"
fi

# Filters against tshark's decoding.
CHECK="--id: exactly the records of that packet"
if needs jq tshark; then
	id=$(jq -r 'select(.fate == "drop") | .id' "$T_TMP/jp")
	dec=$(printf '%d' "0x$id")
	is "$CHECK" "$("$R" --no-aggregate --id "$id" incident-client.pcapng | cut -d' ' -f1 | sort | uniq -c)" \
		"$(tshark -r incident-client.pcapng -Y "frame.packet_id == $dec" 2>/dev/null | wc -l |
			awk -v id="$id" '{ printf "%7d %s\n", $1, id }')"
	CHECK="--id: a list, upper case, and an ID that is not there"
	ids=$(jq -r .id "$T_TMP/jp" | sort -u | head -2 | paste -sd,)
	is "$CHECK" "$("$R" --json --paths --id "$(echo "$ids" | tr a-f A-F),1" $M | jq -r .id | sort -u | paste -sd,)" "$ids"
fi
CHECK="--id: the 0x form Wireshark's frame.packet_id takes selects the same records"
if needs jq tshark; then
	id=$(jq -r 'select(.fate == "drop") | .id' "$T_TMP/jp")
	is "$CHECK" "$("$R" --no-aggregate --id "0x$id" incident-client.pcapng | wc -l) $("$R" --no-aggregate --id "0X$(echo "$id" | tr a-f A-F)" incident-client.pcapng | wc -l)" \
		"$(for i in 1 2; do tshark -r incident-client.pcapng -Y "frame.packet_id == 0x$id" 2>/dev/null | wc -l; done | paste -sd' ')"
fi
CHECK="--verdict: any case; REJECT selects the drops (the fate of -j REJECT), NFQUEUE the queued"
if needs jq; then
	# shellcheck disable=SC2086
	is "$CHECK" "$(for v in DROP Drop reject REJECT ACCEPT NFQUEUE; do
			"$R" --json --paths --verdict "$v" $M | jq -r .id | paste -sd,; echo "/"; done)" \
		"$(for v in drop drop drop drop accept queue; do
			jq -r --arg v "$v" 'select(.fate == $v) | .id' "$T_TMP/jp" | paste -sd,; echo "/"; done)"
fi
CHECK="pcap expression: the packets of the records tshark selects, whole"
if needs jq tshark; then
	want=$(tshark -r incident-client.pcapng -Y 'udp.port == 37785' -T fields -e frame.packet_id 2>/dev/null |
		sort -u | while read -r d; do printf '%012x\n' "$d"; done)
	is "$CHECK" "$("$R" --json -r incident-client.pcapng udp port 37785 | jq -r .id | sort -u)" "$(printf '%s\n' "$want" | sort)"
	CHECK="pcap expression: every event of the selected packets"
	all=$(for i in $want; do printf '%d\n' "0x$i"; done | sed 's/^/frame.packet_id == /' | paste -sd'|' | sed 's/|/ or /g')
	is "$CHECK" "$("$R" --json -r incident-client.pcapng udp port 37785 | wc -l)" \
		"$(tshark -r incident-client.pcapng -Y "$all" 2>/dev/null | wc -l)"
fi
CHECK="--since/--until: the packets first seen in the interval"
if needs jq; then
	t3=$(jq -r -s '.[3].time' "$T_TMP/jp")
	n_after=$(jq -s --arg t "$t3" '[.[] | select(.time >= $t)] | length' "$T_TMP/jp")
	n_before=$(jq -s --arg t "$t3" '[.[] | select(.time < $t)] | length' "$T_TMP/jp")
	# shellcheck disable=SC2086
	is "$CHECK" "$("$R" --json --paths --since "$t3" $M | wc -l) $("$R" --json --paths --until "$t3" $M | wc -l)" \
		"$n_after $n_before"
	CHECK="--since/--until: @SECONDS and a local time with a zone give the same"
	secs=$(jq -r -s '.[3].ts_ns' "$T_TMP/jp" | sed -E 's/(.........)$/.\1/')
	# shellcheck disable=SC2086
	is "$CHECK" "$("$R" --json --paths --since "@$secs" $M | wc -l) $(TZ=Asia/Kolkata "$R" --json --paths \
		--until "$(TZ=Asia/Kolkata date -d "$t3" '+%Y-%m-%d %H:%M:%S.%N')" $M | wc -l)" "$n_after $n_before"
	CHECK="--table/--chain/--verdict: the packets jq finds in --json --paths"
	# shellcheck disable=SC2086
	is "$CHECK" "$("$R" --json --paths --chain IN_dns $M | jq -r .id | paste -sd,) / \
$("$R" --json --paths --table raw --chain OUTPUT --verdict accept $M | jq -r .id | paste -sd,)" \
		"$(jq -r 'select(any(.hops[]; .chain == "IN_dns")) | .id' "$T_TMP/jp" | paste -sd,) / \
$(jq -r 'select(any(.hops[]; .table == "raw" and .chain == "OUTPUT") and .fate == "accept") | .id' "$T_TMP/jp" | paste -sd,)"
fi

# Follow mode: lines come out while the writer is still writing.
dribble() {
	# Write the pcapng blocks of $1, pausing $2 s after each packet block.
	python3 - "$1" "$2" <<'EOF'
import struct, sys, time
data = open(sys.argv[1], 'rb').read()
out, off = sys.stdout.buffer, 0
while off < len(data):
    btype, blen = struct.unpack_from('<II', data, off)
    out.write(data[off:off + blen]); out.flush()
    off += blen
    if btype == 6:
        time.sleep(float(sys.argv[2]))
EOF
}
stamp() { while IFS= read -r l; do printf '%s %s\n' "$(date +%s%N)" "$l"; done; }
CHECK="follow: each event line comes out as its record arrives through a pipe"
if needs python3; then
	dribble dns-drop.pcapng 0.6 | "$R" - | stamp >"$T_TMP/follow"
	# three events 0.6 s apart, the aggregated section after the last
	# (in tenths of a second, rounded: 0.5 to 0.7 s each, not all at once)
	gaps=$(awk 'NR > 1 { printf "%d ", ($1 - prev) / 100000000 + 0.5 } { prev = $1 }' "$T_TMP/follow" | cut -d' ' -f1,2)
	case " $gaps " in
	" "[567]" "[567]" ") gaps_ok=1 ;;
	*) gaps_ok=0 ;;
	esac
	if [ "$gaps_ok" = 1 ]; then
		ok "$CHECK"
	else
		not_ok "$CHECK"; diag "gaps in 0.1 s: $gaps" "$(cut -c1-80 "$T_TMP/follow")"
	fi
	CHECK="follow: the output is that of the file"
	is "$CHECK" "$(cut -d' ' -f2- "$T_TMP/follow")" "$("$R" dns-drop.pcapng)"
	CHECK="follow: --json --paths through a pipe ends with every packet"
	is "$CHECK" "$(dribble ping6-chains.pcapng 0.05 | "$R" --json --paths - | jq -r .id | paste -sd,)" \
		"$("$R" --json --paths ping6-chains.pcapng | jq -r .id | paste -sd,)"
fi

CHECK="follow: nftrace-capture -w - | nftrace-read - shows events before the capture ends"
if [ "$(id -u)" != 0 ]; then
	skip "$CHECK" "needs root"
elif needs python3 iptables-legacy; then
	lab_setup && lab_firewall
	{ "$NFTRACE_CAPTURE" --netns "$LAB_C" --set-logger -q -p "-s $LAB_SRV" -w - -t 5 -c 10 \
		2>"$T_TMP/cap.log" | "$R" - | stamp >"$T_TMP/live"; date +%s%N >"$T_TMP/live.end"; } &
	bg_pid $!
	wait_for "$T_TMP/cap.log" 'Adding rule'
	sleep 0.5
	date +%s%N >"$T_TMP/live.sent"
	ip netns exec "$LAB_C" python3 "$NFTRACE_SRCDIR/tests/e2e/dnsq.py" $LAB_SRV example.com 0.3 4242 40000 || true
	wait_for "$T_TMP/live.end" . 100
	first=$(grep -m1 ' TRACE: ' "$T_TMP/live" | cut -d' ' -f1)
	sent=$(cat "$T_TMP/live.sent"); end=$(cat "$T_TMP/live.end")
	if [ -n "$first" ] && [ $((first - sent)) -lt 1500000000 ] && [ $((end - first)) -gt 2000000000 ]; then
		ok "$CHECK"
	else
		not_ok "$CHECK"; diag "sent $sent first $first end $end" "$(cut -c1-100 "$T_TMP/live")" "$(cat "$T_TMP/cap.log")"
	fi
	CHECK="follow: the live answer is dropped by the mark rule, aggregated at the end"
	like "$CHECK" "$(cut -d' ' -f2- "$T_TMP/live" | tr '\n' '|')" \
		'TRACE: filter:INPUT:rule:1  "-A INPUT -m mark --mark 0xef -j DROP"\|\|Aggregated packets:\|[0-9a-f]{12} IP 192.0.2.53.53 > 192.0.2.2.40000: 4242 '
fi

# ---- 3. errors, help, colour -----------------------------------------------
err() { "$R" "$@" >/dev/null 2>"$T_TMP/err"; echo "exit $? $(head -1 "$T_TMP/err")"; }
is "usage: --verdict names the bad value" "$(err --verdict rejected dns-drop.pcapng)" \
	"exit 2 nftrace-read: --verdict: 'rejected' is not accept, drop (or reject), queue (or nfqueue), stolen or unknown"
like "usage: --since names an impossible date" "$(err --since 2026-02-30 dns-drop.pcapng)" \
	"^exit 2 nftrace-read: --since: '2026-02-30' is not a date"
like "usage: --until names an impossible date" "$(err --until '2026-04-31 10:00' dns-drop.pcapng)" \
	"^exit 2 nftrace-read: --until: '2026-04-31 10:00' is not a date"
is "usage: --id" "$(err --id 12,zz dns-drop.pcapng)" \
	"exit 2 nftrace-read: --id: 'zz' is not a packet ID (1 to 12 hex digits, 0x optional)"
like "usage: --since" "$(err --since noon dns-drop.pcapng)" "^exit 2 nftrace-read: --since: 'noon' is not a time"
like "usage: --window" "$(err --window 0 dns-drop.pcapng)" "^exit 2 nftrace-read: --window: '0' is not"
like "usage: a bad filter expression" "$(err -r dns-drop.pcapng udp prot 53)" \
	"^exit 2 nftrace-read: filter expression 'udp prot 53': "
like "usage: one view" "$(err --paths --stats dns-drop.pcapng)" "^exit 2 nftrace-read: --paths, --stats and --dot"
like "usage: --json with --dot" "$(err --json --dot dns-drop.pcapng)" "^exit 2 nftrace-read: --json .* --dot"
like "usage: --color" "$(err --color=sometimes dns-drop.pcapng)" "^exit 2 nftrace-read: --color: 'sometimes'"

head -c 1500 incident-client.pcapng >"$T_TMP/cut.pcapng"
"$R" --paths "$T_TMP/cut.pcapng" incident-server.pcapng >"$T_TMP/out" 2>"$T_TMP/err"
is "a truncated file in a merge: exit 1" "$?" 1
like "a truncated file in a merge: the message names it" "$(cat "$T_TMP/err")" "cut.pcapng: truncated"
is "a truncated file in a merge: the other file is complete" \
	"$(grep -c '^\[incident-server.pcapng\]' "$T_TMP/out")" "$("$R" --json --paths incident-server.pcapng | wc -l)"

# No empty "Aggregated packets:" section: nothing read, or nothing selected.
is "no events: no empty Aggregated packets section (a missing file)" \
	"$("$R" "$T_TMP/does-not-exist" 2>/dev/null; echo "exit $?")" "exit 1"
is "no events: no empty Aggregated packets section (none selected)" \
	"$("$R" --verdict queue dns-drop.pcapng; echo "exit $?")" "exit 0"
# SHB and IDB only: the capture of a quiet minute.
python3 - dns-drop.pcapng "$T_TMP/quiet.pcapng" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
off = 0
while off < len(d):
    t, l = struct.unpack_from("<II", d, off)
    if t not in (0x0A0D0D0A, 1):
        break
    off += l
open(sys.argv[2], "wb").write(d[:off])
PY
is "no events: no empty Aggregated packets section (a file of no records)" \
	"$("$R" "$T_TMP/quiet.pcapng" 2>&1; echo "exit $?")" "exit 0"

help=$("$R" --help; echo "exit $?")
bad=""
for o in read rules paths stats json dot id table chain verdict since until window verbose no-aggregate color help version; do
	printf '%s\n' "$help" | grep -q -- "--$o" || bad="$bad $o"
done
is "--help lists every option" "$bad" ""
like "--help exits 0" "$help" "exit 0$"

has() { printf '%s\n' "$1" | grep -qF -- "$2"; }
check "colour: --color=always paints the drop red in --paths" \
	has "$("$R" --paths --color=always dns-drop.pcapng)" $'\033[31m=> dropped by filter:INPUT:rule:1\033[0m'
is "colour: --color=always paints the drop red in the text view" \
	"$("$R" --color=always dns-drop.pcapng | grep -c $'^\033\\[31m[0-9a-f]\\{12\\} TRACE: filter:INPUT:rule:1 .*\033\\[0m$')" 1
check "colour: --color=always paints an accept green in --paths" \
	has "$("$R" --paths --color=always ping6-chains.pcapng)" $'\033[32m=> accepted by filter:IN_icmp:rule:1'
check "colour: --color alone is always (as ls), and the next word stays a file" \
	has "$("$R" --paths --color dns-drop.pcapng)" $'\033[31m=> dropped by filter:INPUT:rule:1\033[0m'
is "colour: --color FILE reads FILE, --color=always FILE the same" \
	"$("$R" --paths --color dns-drop.pcapng 2>&1; echo "exit $?")" "$("$R" --paths --color=always dns-drop.pcapng 2>&1; echo "exit $?")"
is "colour: --color always: 'always' is a file name" "$(err --color always dns-drop.pcapng)" \
	"exit 1 nftrace-read: always: No such file or directory"
is "colour: auto is off when not on a terminal" "$("$R" --paths dns-drop.pcapng | grep -c $'\033')" 0
is "colour: never in --json" "$("$R" --json --color=always dns-drop.pcapng | grep -c $'\033')" 0

plan "$T_NUM"
finish
