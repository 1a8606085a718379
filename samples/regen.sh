#!/bin/bash
# Regenerate the sample captures and their expected nftrace-read output
# (as root): real iptables-legacy TRACE events in a throw-away namespace
# lab, captured once by nftrace-capture and once by tcpdump -i nflog:0.
# Review the diff before committing: the golden tests compare against it.
#   samples/regen.sh            captures + expected text
#   samples/regen.sh --text     expected text only, from the existing captures
set -e
cd "$(dirname "$0")"
S=$(pwd)
export NFTRACE_SRCDIR=$(cd .. && pwd)
render() {
	while read -r name input expected opts; do
		case "$name" in ''|'#'*) continue;; esac
		# shellcheck disable=SC2086
		TZ=UTC "$NFTRACE_SRCDIR/nftrace-read" $opts "$S/$input" >"$S/$expected"
	done <"$S/TESTLIST"
	# nftrace-read's other views (TESTLIST.views), checked as they are written
	REGEN=1 bash "$NFTRACE_SRCDIR/tests/e2e/read_views.sh" | grep -v '^ok' || true
}
if [ "$1" = --text ]; then render; exit 0; fi

. "$NFTRACE_SRCDIR/tests/e2e/lib.sh"
trap cleanup_all EXIT
CAP=$NFTRACE_SRCDIR/nftrace-capture

# 1. The README scenario with nftrace-capture.
lab_setup
lab_firewall
"$CAP" --netns "$LAB_C" --set-logger -p "-s $LAB_SRV" -w "$S/dns-drop.pcapng" -t 10 -c 1 \
	>/dev/null 2>"$T_TMP/1.log" &
pid=$!
wait_for "$T_TMP/1.log" 'Adding rule'; sleep 0.3
ip netns exec "$LAB_C" python3 "$NFTRACE_SRCDIR/tests/e2e/dnsq.py" $LAB_SRV example.com 0.5 31439 37784 || true
wait $pid

# 2. The same with the classic tools: a TRACE rule by hand, tcpdump -i nflog:0.
ip netns exec "$LAB_C" sysctl -qw net.netfilter.nf_log.2=nfnetlink_log
ip netns exec "$LAB_C" iptables-legacy -t raw -I PREROUTING -s $LAB_SRV -j TRACE
ip netns exec "$LAB_C" iptables-legacy-save | grep -v '^#' >"$S/dns-drop.rules"
ip netns exec "$LAB_C" timeout 4 tcpdump -i nflog:0 -U -w "$S/dns-drop-nflog.pcap" 2>/dev/null &
pid=$!
sleep 1
ip netns exec "$LAB_C" python3 "$NFTRACE_SRCDIR/tests/e2e/dnsq.py" $LAB_SRV example.com 0.5 31440 37785 || true
wait $pid || true

# 3. IPv6 ping through user chains, both directions, with -4 -6.
ip -n "$LAB_C" addr add 2001:db8::2/64 dev vc nodad
ip -n "$LAB_S" addr add 2001:db8::53/64 dev vs nodad
ip6() { ip netns exec "$LAB_C" ip6tables-legacy "$@"; }
ip6 -N OUT_direct; ip6 -A OUT_direct -p tcp --dport 22 -j ACCEPT
ip6 -A OUTPUT -j OUT_direct
ip6 -A OUTPUT -p ipv6-icmp -m comment --comment "wouldn't you have liked to know this rule was hit?"
ip6 -t mangle -N PRE_mark; ip6 -t mangle -A PRE_mark -p ipv6-icmp -j MARK --set-mark 7
ip6 -t mangle -A PREROUTING -j PRE_mark
ip6 -A INPUT -p ipv6-icmp --icmpv6-type neighbour-solicitation -j ACCEPT
ip6 -A INPUT -p ipv6-icmp --icmpv6-type neighbour-advertisement -j ACCEPT
ip6 -N IN_icmp; ip6 -A IN_icmp -p ipv6-icmp --icmpv6-type echo-reply -j ACCEPT
ip6 -A INPUT -p ipv6-icmp -j IN_icmp
ip6 -P INPUT DROP
"$CAP" --netns "$LAB_C" --set-logger -6 -p '-s 2001:db8::53 -p ipv6-icmp --icmpv6-type echo-reply' \
	-o '-d 2001:db8::53 -p ipv6-icmp --icmpv6-type echo-request' -w "$S/ping6-chains.pcapng" -t 10 -c 2 \
	>/dev/null 2>"$T_TMP/3.log" &
pid=$!
wait_for "$T_TMP/3.log" 'Adding rule: .*OUTPUT'; sleep 0.3
ip netns exec "$LAB_C" ping -6 -c 1 -W 1 2001:db8::53 >/dev/null || true
wait $pid

# 4. One incident seen from two hosts (nftrace-read merging, --stats, --dot).
bash "$S/regen-incident.sh"
render
