#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Regenerate the recorded nf_tables trace messages used by
# tests/unit/test_nftrace.c.  Needs root; everything happens in a throw-away
# network namespace that is deleted by name at the end, with XTABLES_LOCKFILE
# in a temp dir, so the host's ruleset and lock are never touched.
#
# Phase 1: ruleset.nft + an iptables-nft raw OUTPUT TRACE rule; record
#          ruleset1.* texts; one ICMP echo to 127.0.0.1, one to ::1 (send.py), one UDP datagram to
#          127.0.0.1:9 (dropped by the input policy).
# Phase 2: insert an nft rule at the head of inet fmtt out and an
#          iptables-nft rule at the head of raw OUTPUT (two commits, two
#          NEWGEN messages in the stream); record ruleset2.*; one ICMP echo to 127.0.0.1.
#
# Output (next to this script): messages.bin = every datagram received on
# NFNLGRP_NFTRACE + NFNLGRP_NFTABLES, each as a 4-byte little-endian length
# and the bytes (host byte order netlink, so x86-64/little-endian hosts);
# ruleset{1,2}.nft (nft -a list ruleset), ruleset{1,2}.ipt
# (iptables-nft-save), ruleset{1,2}.ip6t (ip6tables-nft-save).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
ns=nftt$$
tmp=$(mktemp -d /tmp/nftrace-regen.XXXXXX)
rec_pid=

cleanup() {
	if [ -n "$rec_pid" ]; then kill -TERM "$rec_pid" 2>/dev/null || true; wait "$rec_pid" 2>/dev/null || true; fi
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || { echo "regen.sh: needs root (network namespaces, nf_tables)" >&2; exit 1; }

export XTABLES_LOCKFILE=$tmp/xtables.lock
nsx() { ip netns exec "$ns" "$@"; }
snap() {
	# The date comments of *-save differ on every run; drop them.
	nsx nft -a list ruleset >"$here/ruleset$1.nft"
	nsx iptables-nft-save | grep -v '^#' >"$here/ruleset$1.ipt"
	nsx ip6tables-nft-save | grep -v '^#' >"$here/ruleset$1.ip6t" || true
}

ip netns add "$ns"
nsx ip link set lo up
nsx nft -f "$here/ruleset.nft"
nsx iptables-nft -t raw -I OUTPUT -p icmp -j TRACE
snap 1

# Not through nsx: $! must be the recorder itself (ip netns exec execs it).
ip netns exec "$ns" python3 "$here/record.py" "$tmp/messages.bin" "$tmp/ready" &
rec_pid=$!
for _ in $(seq 50); do [ -e "$tmp/ready" ] && break; sleep 0.1; done
[ -e "$tmp/ready" ] || { echo "regen.sh: recorder did not start" >&2; exit 1; }

nsx python3 "$here/send.py" icmp 127.0.0.1
nsx python3 "$here/send.py" icmp6 ::1
nsx python3 "$here/send.py" udp 127.0.0.1 9
sleep 0.2

nsx nft insert rule inet fmtt out meta l4proto icmp counter
nsx iptables-nft -t raw -I OUTPUT 1 -p icmp -m comment --comment first
snap 2
nsx python3 "$here/send.py" icmp 127.0.0.1
sleep 0.3

kill -TERM "$rec_pid"
wait "$rec_pid" || true
rec_pid=
cp "$tmp/messages.bin" "$here/messages.bin"
echo "regen.sh: $(stat -c %s "$here/messages.bin") bytes recorded in $here/messages.bin"
