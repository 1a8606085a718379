#!/bin/bash
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
# The main job on an embedded default, on a fresh Debian 12 machine, as
# root: install what is missing, build, then trace the README scenario in
# a throw-away network-namespace lab (the host's firewall is not touched):
# a DNS server and a client; the client's firewall marks the answers in raw
# PREROUTING and drops them in filter INPUT.  nftrace-capture shows where
# the answer died and writes demo.pcapng; nftrace-read renders the file.
cd "$(dirname "$0")/.." || exit 1
sh tools/deps.sh || exit 1
sh tools/build.sh || exit 1
export NFTRACE_SRCDIR=$(pwd)
. tests/e2e/lib.sh
trap cleanup_all EXIT
lab_setup || exit 1
lab_firewall || exit 1
echo "== nftrace-capture -p '-s $LAB_SRV' -w demo.pcapng -c 1   (in namespace $LAB_C)"
./nftrace-capture --netns "$LAB_C" --set-logger -p "-s $LAB_SRV" -w demo.pcapng -t 10 -c 1 \
	2>"$T_TMP/log" &
cap=$!
wait_for "$T_TMP/log" 'Adding rule' 50
ip netns exec "$LAB_C" python3 tests/e2e/dnsq.py $LAB_SRV example.com 0.5 31439 37784 ||
	echo "(the DNS answer did not arrive: it was dropped, as the trace shows)" >&2
wait $cap
status=$?
cat "$T_TMP/log" >&2
echo
echo "== nftrace-read demo.pcapng"
./nftrace-read demo.pcapng
exit $status
