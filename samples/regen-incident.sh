#!/bin/bash
# One incident seen from two hosts (as root), for nftrace-read's merge,
# --paths, --stats and --dot samples: a DNS client and server in two
# throw-away namespaces, each traced by its own nftrace-capture.
#   client: the answer to port 37784 is dropped by a rule, the other
#           answers are accepted by a rule, the ping reply by the policy.
#   server: accepts what it sends by a rule, and echo requests.
# Writes samples/incident-client.pcapng and samples/incident-server.pcapng.
# Called by samples/regen.sh; review the diff before committing.
set -e
cd "$(dirname "$0")"
S=$(pwd)
export NFTRACE_SRCDIR=$(cd .. && pwd)
. "$NFTRACE_SRCDIR/tests/e2e/lib.sh"
trap cleanup_all EXIT
CAP=$NFTRACE_SRCDIR/nftrace-capture

lab_setup
ipt() { ip netns exec "$1" iptables-legacy "${@:2}"; }
ipt "$LAB_C" -N IN_dns
ipt "$LAB_C" -A IN_dns -p udp --dport 37784 -j DROP
ipt "$LAB_C" -A IN_dns -j ACCEPT
ipt "$LAB_C" -A INPUT -p udp --sport 53 -j IN_dns
ipt "$LAB_S" -A OUTPUT -p udp --sport 53 -j ACCEPT
ipt "$LAB_S" -A INPUT -p icmp --icmp-type echo-request -j ACCEPT

"$CAP" --netns "$LAB_C" --set-logger -p "-s $LAB_SRV" -o "-d $LAB_SRV" \
	-w "$S/incident-client.pcapng" -t 15 -c 8 >/dev/null 2>"$T_TMP/c.log" &
cpid=$!
"$CAP" --netns "$LAB_S" --set-logger -p "-s $LAB_CLI" -o "-d $LAB_CLI" \
	-w "$S/incident-server.pcapng" -t 15 -c 8 >/dev/null 2>"$T_TMP/s.log" &
spid=$!
wait_for "$T_TMP/c.log" 'Adding rule: .*OUTPUT'
wait_for "$T_TMP/s.log" 'Adding rule: .*OUTPUT'
sleep 0.3
q() { ip netns exec "$LAB_C" python3 "$NFTRACE_SRCDIR/tests/e2e/dnsq.py" $LAB_SRV example.com 0.3 "$@" || true; }
q 4001 37784
q 4002 37785
ip netns exec "$LAB_C" ping -c 1 -W 1 $LAB_SRV >/dev/null || true
q 4003 37786
wait $cpid
wait $spid
