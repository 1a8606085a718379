#!/bin/bash
# Least privilege and the safety brake: after setup the capture keeps only
# CAP_NET_ADMIN (+ CAP_NET_RAW for iptables-legacy); -Z USER writes the
# file as USER; the file is never written through a symlink and is not
# world-readable; a flood above --max-rate removes the rules at once.
. "$(dirname "$0")/lib.sh"
need_root
need_tool ip iptables-legacy ping unshare tcpdump
plan 14

NS=nftP$$
netns_add "$NS" || { not_ok "netns"; finish; exit 1; }
ip netns exec "$NS" iptables-legacy -t raw -S >/dev/null
before=$(saved_rules "$NS")
cap() { exec "$NFTRACE_CAPTURE" --netns "$NS" --set-logger --backend legacy "$@"; }

# Capabilities while capturing: CAP_NET_ADMIN (12) and CAP_NET_RAW (13).
(cap -o '-p icmp' -t 3 -q -w "$T_TMP/caps.pcapng") 2>"$T_TMP/caps.log" &
pid=$!
bg_pid $pid
wait_for "$T_TMP/caps.log" 'Adding rule'
sleep 0.5
capeff=$(awk '/^CapEff:/ {print $2}' /proc/$pid/status)
capbnd=$(awk '/^CapBnd:/ {print $2}' /proc/$pid/status)
wait $pid
is "after setup: effective capabilities are NET_ADMIN and NET_RAW only" "$capeff" "0000000000003000"
is "after setup: the bounding set holds no more" "$capbnd" "0000000000003000"
is "the file is not world-readable (0640)" "$(stat -c %a "$T_TMP/caps.pcapng")" 640

# -Z: the file belongs to the user.
chmod 1777 "$T_TMP"
(cap -o '-p icmp' -t 1 -q -Z nobody -w "$T_TMP/z.pcapng") 2>/dev/null
is "-Z nobody: the file belongs to nobody" "$(stat -c %U "$T_TMP/z.pcapng" 2>&1)" nobody
mkdir -m 0755 "$T_TMP/rootonly"
(cap -o '-p icmp' -t 1 -q -Z nobody -w "$T_TMP/rootonly/z.pcapng") 2>"$T_TMP/z.log"
rc=$?
like "-Z nobody, a directory nobody may not write: one line naming file and user" \
	"$rc $(grep -c 'z\.pcapng' "$T_TMP/z.log") $(grep 'z\.pcapng' "$T_TMP/z.log")" \
	'^1 1 nftrace-capture: [^ ]*/rootonly/z\.pcapng: Permission denied \(creating it as user nobody\)$'

# A symlink where the file should go is not followed.
ln -s "$T_TMP/target" "$T_TMP/link.pcapng"
(cap -o '-p icmp' -t 1 -q -w "$T_TMP/link.pcapng") 2>"$T_TMP/link.log"
rc=$?
like "symlink: refused with a message" "$rc $(tr '\n' ' ' <"$T_TMP/link.log")" '^1 .*link\.pcapng: a symbolic link, not followed'
check "symlink: its target was not created" test ! -e "$T_TMP/target"

# The brake: a flood above --max-rate removes the rules and stops.
(cap -o '-p icmp' -t 30 -q --max-rate 500 -w "$T_TMP/brake.pcapng") 2>"$T_TMP/brake.log" &
pid=$!
bg_pid $pid
wait_for "$T_TMP/brake.log" 'Adding rule'
ip netns exec "$NS" timeout 10 ping -f -c 20000 127.0.0.1 >/dev/null 2>&1 &
fl=$!
bg_pid $fl
wait $pid
rc=$?
kill $fl 2>/dev/null
like "brake: exit 1 with the rate and the way out" "$rc $(tr '\n' ' ' <"$T_TMP/brake.log")" \
	'^1 .*safety brake: more than 500 trace events in one second.*-l'
is "brake: the rules are gone" "$(saved_rules "$NS")" "$before"
reads() { "$NFTRACE_READ" --no-aggregate "$1" >/dev/null 2>&1; }
check "brake: the file is finished and readable" reads "$T_TMP/brake.pcapng"

# A full disk (a 64 KiB tmpfs in a mount namespace of its own): one
# message, the rules removed, and the file cut back to its last whole
# block, so that tcpdump and nftrace-read read it to a clean end.
mkdir "$T_TMP/small"
unshare -m sh -c '
	mount -t tmpfs -o size=64k tmpfs "$1" || exit 9
	"$2" --netns "$3" --set-logger --backend legacy -o "-p icmp" -t 20 -q \
		-w "$1/full.pcapng" 2>"$4/full.log" &
	cap=$!
	sleep 1
	ip netns exec "$3" ping -c 300 -i 0.005 -s 1200 127.0.0.1 >/dev/null 2>&1
	wait $cap
	echo $? >"$4/full.rc"
	cp "$1/full.pcapng" "$4/full.pcapng"' sh "$T_TMP/small" "$NFTRACE_CAPTURE" "$NS" "$T_TMP"
like "full disk: exit 1, one message, and the summary says the file stops early" \
	"$(cat "$T_TMP/full.rc") $(grep -c 'No space left on device' "$T_TMP/full.log") $(grep 'events of' "$T_TMP/full.log")" \
	'^1 1 .*the file holds those written before the error'
is "full disk: the rules are gone" "$(saved_rules "$NS")" "$before"
is "full disk: tcpdump reads the file to a clean end" \
	"$(tcpdump -nr "$T_TMP/full.pcapng" 2>&1 >/dev/null | grep -c -i 'truncated'; echo "rc ${PIPESTATUS[0]}")" "0
rc 0"
check "full disk: nftrace-read reads it without an error" reads "$T_TMP/full.pcapng"
finish
