#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# regen.sh - record the real NFLOG TRACE captures in this directory again,
# and their tshark decodings, which tests/unit/test_nflog_record.c and
# tests/unit/test_packet_id.c use as the oracle.  Review the diff.
#
#   legacy4.pcap  iptables-legacy TRACE, ping 127.0.0.1: raw OUTPUT with a
#                 user chain MYCH (MARK 7, return), filter INPUT/OUTPUT
#   legacy6.pcap  the same with ip6tables-legacy, ping -6 ::1
#   nat.pcap      three namespaces client - router - server; the router
#                 forwards (TTL 64 -> 63), DNATs 10.99.9.100 / fd00:99:9::100
#                 to the server (UDP port 53 -> 5353, TCP 80 -> 8080) and
#                 SNATs to its own address; the capture is the router's.
#                 ICMP echo, a DNS query (which draws an ICMP port
#                 unreachable) and a TCP SYN (answered by a RST), over IPv4,
#                 and ICMPv6 echo over IPv6
#   *.expected    tshark fields, one line per record (see FIELDS below)
#   nat.keys      per record, fields that identify the packet although NAT
#                 rewrote it (see KEYFIELDS), plus TTL and destination
#
# Needs root, iproute2, iptables-legacy, ip6tables-legacy, tcpdump, tshark,
# ping.  Touches nothing but throw-away namespaces named nflogt<pid>*, which
# it always deletes, and uses its own XTABLES_LOCKFILE.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
export XTABLES_LOCKFILE="$tmp/xtables.lock"
ns=nflogt$$
created=()

cleanup() {
	local n
	for n in "${created[@]}"; do
		ip netns del "$n" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

newns() {
	ip netns add "$1"
	created+=("$1")
	ip netns exec "$1" ip link set lo up
}

in_ns() {
	local n=$1
	shift
	ip netns exec "$n" "$@"
}

# capture NS FILE CMD...: run CMD in NS while tcpdump records nflog:0 there.
capture() {
	local n=$1 out=$2 pid
	shift 2
	in_ns "$n" timeout 6 tcpdump -i nflog:0 -U -w "$tmp/cap.pcap" \
		2>"$tmp/tcpdump.log" &
	pid=$!
	sleep 1
	"$@"
	sleep 1
	kill -INT "$pid" 2>/dev/null || true
	wait "$pid" || true
	cp "$tmp/cap.pcap" "$here/$out"
}

FIELDS=(-e frame.number -e nflog.family -e nflog.prefix -e nflog.hook
	-e nflog.ifindex_indev -e nflog.ifindex_outdev -e nflog.uid
	-e nflog.gid -e frame.cap_len -e nflog.tlv_type -e nflog.tlv_length
	-e nflog.timestamp)
# The packet key for nat.pcap: fields NAT does not change, read by tshark.
KEYFIELDS=(-e frame.number -e ip.id -e ip.proto -e icmp.type -e icmp.seq
	   -e tcp.flags -e ipv6.nxt -e icmpv6.type -e icmpv6.echo.sequence_number
	   -e ip.ttl -e ipv6.hlim -e ip.dst -e ipv6.dst)

# tshark warns on stderr when run as root; keep everything else.
tsh() {
	TZ=UTC tshark "$@" 2> >(grep -v '^Running as user' >&2)
}

expected() {
	tsh -r "$here/$1.pcap" -T fields -E separator=/t \
		"${FIELDS[@]}" >"$here/$1.expected"
}

# ---- legacy4: IPv4 over lo -------------------------------------------
newns "$ns"
in_ns "$ns" sysctl -qw net.netfilter.nf_log.2=nfnetlink_log
ipt="in_ns $ns iptables-legacy"
$ipt -t raw -N MYCH
$ipt -t raw -A MYCH -p icmp --icmp-type echo-request -j MARK --set-mark 7
$ipt -t raw -A OUTPUT -p icmp -j TRACE
$ipt -t raw -A OUTPUT -p icmp -j MYCH
$ipt -t filter -A INPUT -p icmp --icmp-type echo-reply -j ACCEPT
capture "$ns" legacy4.pcap in_ns "$ns" ping -q -c 2 -i 0.3 127.0.0.1 >/dev/null
expected legacy4

# ---- legacy6: IPv6 over lo -------------------------------------------
in_ns "$ns" sysctl -qw net.netfilter.nf_log.10=nfnetlink_log
ip6t="in_ns $ns ip6tables-legacy"
$ip6t -t raw -N MYCH
$ip6t -t raw -A MYCH -p icmpv6 --icmpv6-type echo-request -j MARK --set-mark 7
$ip6t -t raw -A OUTPUT -p icmpv6 --icmpv6-type echo-request -j TRACE
$ip6t -t raw -A OUTPUT -p icmpv6 --icmpv6-type echo-reply -j TRACE
$ip6t -t raw -A OUTPUT -p icmpv6 -j MYCH
$ip6t -t filter -A INPUT -p icmpv6 --icmpv6-type echo-reply -j ACCEPT
capture "$ns" legacy6.pcap in_ns "$ns" ping -6 -q -c 2 -i 0.3 ::1 >/dev/null
expected legacy6
ip netns del "$ns"

# ---- nat: client - router - server -------------------------------------
c=${ns}c r=${ns}r s=${ns}s
newns "$c"
newns "$r"
newns "$s"
ip link add nflc0 netns "$c" type veth peer name nflr0 netns "$r"
ip link add nflr1 netns "$r" type veth peer name nfls0 netns "$s"
for n in "$c" "$r" "$s"; do
	# No router solicitations or DAD noise in the capture.
	in_ns "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0
	in_ns "$n" sysctl -qw net.ipv6.conf.default.accept_dad=0
done
in_ns "$c" ip addr add 10.99.1.1/24 dev nflc0
in_ns "$c" ip addr add fd00:99:1::1/64 dev nflc0 nodad
in_ns "$c" ip link set nflc0 up
in_ns "$c" ip route add default via 10.99.1.254
in_ns "$c" ip -6 route add default via fd00:99:1::fe
in_ns "$r" ip addr add 10.99.1.254/24 dev nflr0
in_ns "$r" ip addr add fd00:99:1::fe/64 dev nflr0 nodad
in_ns "$r" ip addr add 10.99.2.254/24 dev nflr1
in_ns "$r" ip addr add fd00:99:2::fe/64 dev nflr1 nodad
in_ns "$r" ip link set nflr0 up
in_ns "$r" ip link set nflr1 up
in_ns "$r" sysctl -qw net.ipv4.ip_forward=1
in_ns "$r" sysctl -qw net.ipv6.conf.all.forwarding=1
in_ns "$r" sysctl -qw net.netfilter.nf_log.2=nfnetlink_log
in_ns "$r" sysctl -qw net.netfilter.nf_log.10=nfnetlink_log
in_ns "$s" ip addr add 10.99.2.2/24 dev nfls0
in_ns "$s" ip addr add fd00:99:2::2/64 dev nfls0 nodad
in_ns "$s" ip link set nfls0 up
in_ns "$s" ip route add default via 10.99.2.254
in_ns "$s" ip -6 route add default via fd00:99:2::fe
ipt="in_ns $r iptables-legacy"
$ipt -t raw -A PREROUTING -p icmp -j TRACE
$ipt -t raw -A PREROUTING -p udp -j TRACE
$ipt -t raw -A PREROUTING -p tcp -j TRACE
$ipt -t nat -A PREROUTING -d 10.99.9.100 -p icmp -j DNAT --to-destination 10.99.2.2
$ipt -t nat -A PREROUTING -d 10.99.9.100 -p udp --dport 53 -j DNAT --to-destination 10.99.2.2:5353
$ipt -t nat -A PREROUTING -d 10.99.9.100 -p tcp --dport 80 -j DNAT --to-destination 10.99.2.2:8080
$ipt -t nat -A POSTROUTING -o nflr1 -j SNAT --to-source 10.99.2.254
$ipt -t mangle -A POSTROUTING -j MARK --set-mark 5
ip6t="in_ns $r ip6tables-legacy"
$ip6t -t raw -A PREROUTING -p icmpv6 --icmpv6-type echo-request -j TRACE
$ip6t -t raw -A PREROUTING -p icmpv6 --icmpv6-type echo-reply -j TRACE
$ip6t -t nat -A PREROUTING -d fd00:99:9::100 -p icmpv6 -j DNAT --to-destination fd00:99:2::2
$ip6t -t nat -A POSTROUTING -o nflr1 -j SNAT --to-source fd00:99:2::fe
$ip6t -t mangle -A POSTROUTING -j MARK --set-mark 5
# Resolve the neighbours first so the capture holds only the test packets.
in_ns "$c" ping -q -c 1 -W 2 10.99.1.254 >/dev/null
in_ns "$s" ping -q -c 1 -W 2 10.99.2.254 >/dev/null
in_ns "$c" ping -6 -q -c 1 -W 2 fd00:99:1::fe >/dev/null
in_ns "$s" ping -6 -q -c 1 -W 2 fd00:99:2::fe >/dev/null
send() {
	in_ns "$c" ping -q -c 2 -i 0.3 10.99.9.100 >/dev/null
	# A DNS query for example.com, id 0x1234, from a UDP socket.
	in_ns "$c" bash -c 'printf "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07example\x03com\x00\x00\x01\x00\x01" >/dev/udp/10.99.9.100/53'
	sleep 0.3
	# A TCP SYN; nothing listens on the server, so a RST comes back.
	in_ns "$c" timeout 3 bash -c 'exec 3<>/dev/tcp/10.99.9.100/80' \
		2>/dev/null || true
	in_ns "$c" ping -6 -q -c 2 -i 0.3 fd00:99:9::100 >/dev/null
	sleep 0.5
}
capture "$r" nat.pcap send
expected nat
tsh -r "$here/nat.pcap" -T fields -E separator=/t \
	"${KEYFIELDS[@]}" >"$here/nat.keys"

echo "regenerated in $here: legacy4 legacy6 nat (.pcap, .expected), nat.keys"
