#!/bin/bash
# Every way a capture can end leaves the ruleset as it found it: timeout,
# -c, SIGINT (twice), SIGTERM, SIGHUP, SIGKILL (the guardian cleans up),
# a rule iptables rejects, a busy lock; plus -L holding the lock and
# --cleanup removing what a killed run left, and nothing else.
. "$(dirname "$0")/lib.sh"
need_root
need_tool ip iptables-legacy iptables-legacy-save python3 flock
plan 35

NS=nftX$$
netns_add "$NS" || { not_ok "netns"; finish; exit 1; }
ip netns exec "$NS" iptables-legacy -t raw -A PREROUTING -p icmp -j ACCEPT
ip netns exec "$NS" iptables-legacy -A INPUT -m comment --comment "keep me" -j ACCEPT
ip netns exec "$NS" ip6tables-legacy -A INPUT -p ipv6-icmp -j ACCEPT
# Legacy tables come into being in a namespace when first used and cannot
# be unloaded again: the raw tables a capture uses exist (empty) from the
# start here, so "before" and "after" compare rules, not table existence.
ip netns exec "$NS" iptables-legacy -t raw -S >/dev/null
ip netns exec "$NS" ip6tables-legacy -t raw -S >/dev/null
before=$(saved_rules "$NS")
logger_before=$(ip netns exec "$NS" cat /proc/sys/net/netfilter/nf_log/2)

cap() { exec "$NFTRACE_CAPTURE" --netns "$NS" --set-logger -4 -6 -p '-p icmp' -o '-p icmp' "$@"; }

# start_cap LOG ARGS...: a capture in the background, waited for until its
# rules are in.
start_cap() {
	local log=$1; shift
	(cap "$@") >/dev/null 2>"$log" &
	CAP=$!
	bg_pid $CAP
	wait_for "$log" 'Adding rule: .*OUTPUT' || diag "capture did not start: $(cat "$log")"
	sleep 0.2
}

has_ours() { saved_rules "$NS" | grep -q nftrace:; }

start_cap "$T_TMP/a.log" -t 1
check "timeout: rules present while running" has_ours
wait $CAP; rc=$?
is "timeout: exit 0" "$rc" 0
is "timeout: ruleset restored" "$(saved_rules "$NS")" "$before"

start_cap "$T_TMP/b.log" -t 20 -c 1
ip netns exec "$NS" ping -c 1 -W 1 127.0.0.1 >/dev/null
wait $CAP; rc=$?
is "-c 1: exit 0 and ruleset restored" "$rc $(saved_rules "$NS")" "0 $before"

for sig in INT TERM HUP; do
	start_cap "$T_TMP/$sig.log" -t 20
	kill -$sig $CAP
	wait $CAP; rc=$?
	is "SIG$sig: exit 0 and ruleset restored" "$rc $(saved_rules "$NS")" "0 $before"
done

# A second Ctrl-C while the rules are being removed must not leave any.
start_cap "$T_TMP/int2.log" -t 20
kill -INT $CAP; kill -INT $CAP; sleep 0.05; kill -INT $CAP 2>/dev/null
wait $CAP
is "SIGINT three times: ruleset restored" "$(saved_rules "$NS")" "$before"

start_cap "$T_TMP/kill.log" -t 20 -w "$T_TMP/killed.pcapng"
ip netns exec "$NS" ping -c 2 -i 0.2 127.0.0.1 >/dev/null
sleep 0.3
kill -KILL $CAP
{ wait $CAP; } 2>/dev/null
sleep 1
is "SIGKILL: the guardian restored the ruleset within a second" "$(saved_rules "$NS")" "$before"
is "SIGKILL: the guardian restored the logger" \
	"$(ip netns exec "$NS" cat /proc/sys/net/netfilter/nf_log/2)" "$logger_before"
if command -v tcpdump >/dev/null; then
	n=$(tcpdump -nr "$T_TMP/killed.pcapng" 2>/dev/null | wc -l)
	check "SIGKILL: the file written so far is readable ($n packets)" test "$n" -gt 0
else
	skip "SIGKILL: file readable" "no tcpdump"
fi

(cap -t 5 -p '-p icmp --no-such-option') >"$T_TMP/rej.out" 2>"$T_TMP/rej.log"
rc=$?
is "rejected rule: exit 2" "$rc" 2
like "rejected rule: iptables' message is shown" "$(tr '\n' ' ' <"$T_TMP/rej.log")" 'no-such-option|unknown option'
is "rejected rule: nothing left installed" "$(saved_rules "$NS")" "$before"

# -4 -6: one RULE for both families; an IPv4 address cannot go into
# ip6tables, which is said before any rule goes in.
(cap -t 5 -p '-s 192.0.2.53') >/dev/null 2>"$T_TMP/fam.log"
rc=$?
like "-4 -6 with an IPv4 address: exit 2 naming the IPv6 rule and the address" \
	"$rc $(tr '\n' ' ' <"$T_TMP/fam.log")" \
	"^2 .*-p '-s 192\.0\.2\.53': -s 192\.0\.2\.53 is an IPv4 address, which an IPv6 rule \(ip6tables, -6\) cannot hold.*run -4 and -6 separately"
is "-4 -6 with an IPv4 address: nothing inserted, ruleset unchanged" \
	"$(grep -c 'Adding rule' "$T_TMP/fam.log") $(saved_rules "$NS")" "0 $before"

(cap -t 5 -p '-p icmp -j ACCEPT') >/dev/null 2>"$T_TMP/own.log"
rc=$?
like "RULE with its own -j: usage error" "$rc $(tr '\n' ' ' <"$T_TMP/own.log")" "^2 .*'-j'"

# The lock: held by someone else -> exit 4, naming the file.
flock "$XTABLES_LOCKFILE" sleep 3 &
bg_pid $!
sleep 0.2
(cap -t 1 -W 1) >/dev/null 2>"$T_TMP/lock.log"
rc=$?
like "busy lock: exit 4 naming the lock file" "$rc $(tr '\n' ' ' <"$T_TMP/lock.log")" "^4 .*$XTABLES_LOCKFILE"
wait $!
is "busy lock: nothing installed" "$(saved_rules "$NS")" "$before"

# -L: iptables -w 1 fails while the capture runs, succeeds after.
start_cap "$T_TMP/L.log" -t 3 -L
ip netns exec "$NS" iptables-legacy -w 1 -L INPUT -n >/dev/null 2>&1
during=$?
wait $CAP
ip netns exec "$NS" iptables-legacy -w 1 -L INPUT -n >/dev/null 2>&1
after=$?
is "-L: a concurrent iptables -w 1 fails during the capture and works after" "$during $after" "4 0"

# A write error: the file cannot be written; the rules still go.
(cap -t 5 -w /dev/full) >/dev/null 2>"$T_TMP/full.log"
rc=$?
like "write error: exit 1 naming the file" "$rc $(tr '\n' ' ' <"$T_TMP/full.log")" '^1 .*/dev/full: No space left'
is "write error: ruleset restored" "$(saved_rules "$NS")" "$before"

# The logger: without --set-logger a capture that would see nothing stops
# before changing anything and prints the command that fixes it.
ip netns exec "$NS" sh -c 'echo NONE > /proc/sys/net/netfilter/nf_log/2'
"$NFTRACE_CAPTURE" --netns "$NS" --backend legacy -o '-p icmp' -t 1 >/dev/null 2>"$T_TMP/logger.log"
rc=$?
like "no nfnetlink_log logger: exit 1 with the fixing command" "$rc $(tr '\n' ' ' <"$T_TMP/logger.log")" \
	'^1 .*sysctl -w net\.netfilter\.nf_log\.2=nfnetlink_log'
is "no nfnetlink_log logger: nothing installed, logger unchanged" \
	"$(saved_rules "$NS") $(ip netns exec "$NS" cat /proc/sys/net/netfilter/nf_log/2)" "$before NONE"

# --cleanup: rules of a run killed together with its guardian (a pid that
# is gone: a child that has been waited for).
(:) & dead=$!; wait $dead
ip netns exec "$NS" iptables-legacy -t raw -I OUTPUT -p icmp -m comment --comment nftrace:$dead -j TRACE
ip netns exec "$NS" ip6tables-legacy -t raw -I PREROUTING -m comment --comment nftrace:$dead -j TRACE
"$NFTRACE_CAPTURE" --netns "$NS" --cleanup -6 >/dev/null 2>"$T_TMP/clean6.log"
rc=$?
is "--cleanup -6: exit 0, the IPv6 rule gone, the IPv4 one still there" \
	"$rc $(saved_rules "$NS" | grep -c "nftrace:$dead")" "0 1"
"$NFTRACE_CAPTURE" --netns "$NS" --cleanup >/dev/null 2>"$T_TMP/clean.log"
rc=$?
is "--cleanup: exit 0, both families cleaned" "$rc $(saved_rules "$NS")" "0 $before"

# Only the TRACE rules of runs that are gone: a user's rule with an
# nftrace: comment stays, and so do the rules of a running capture, which
# then ends as usual and removes them itself.
ip netns exec "$NS" iptables-legacy -A INPUT -m comment --comment nftrace:keepme -j ACCEPT
with_user=$(saved_rules "$NS")
ip netns exec "$NS" iptables-legacy -t raw -I PREROUTING -m comment --comment nftrace:$dead -j TRACE
start_cap "$T_TMP/live.log" -t 3
"$NFTRACE_CAPTURE" --netns "$NS" --cleanup >/dev/null 2>"$T_TMP/clean2.log"
rc=$?
is "--cleanup beside a running capture: exit 0, the dead run's rule gone" \
	"$rc $(saved_rules "$NS" | grep -c "nftrace:$dead")" "0 0"
is "--cleanup: the running capture's four rules stay" "$(saved_rules "$NS" | grep -c "nftrace:$CAP")" 4
is "--cleanup: the user's nftrace:keepme rule stays" \
	"$(saved_rules "$NS" | grep -c -- '-A INPUT -m comment --comment "\?nftrace:keepme"\? -j ACCEPT')" 1
is "--cleanup names each rule it kept, with why" \
	"$(grep -c "Keeping rule: -t raw -A [A-Z]* -p icmp -m comment --comment nftrace:$CAP -j TRACE (its capture, pid $CAP .*is still running)" "$T_TMP/clean2.log") $(grep -c 'Keeping rule: -t filter -A INPUT -m comment --comment nftrace:keepme -j ACCEPT (not a TRACE rule nftrace-capture writes)' "$T_TMP/clean2.log")" \
	"4 1"
wait $CAP; rc=$?
is "the running capture: exit 0, its rules gone, the user's rule still there" \
	"$rc $(grep -c 'No chain' "$T_TMP/live.log") $(saved_rules "$NS")" "0 0 $with_user"

# Options of a capture make no sense with --cleanup: a usage error, and
# nothing removed.
ip netns exec "$NS" iptables-legacy -t raw -I PREROUTING -m comment --comment nftrace:$dead -j TRACE
"$NFTRACE_CAPTURE" --netns "$NS" --cleanup -p '-p icmp' >/dev/null 2>"$T_TMP/clean3.log"
rc=$?
like "--cleanup -p: exit 2 naming -p, nothing removed" \
	"$rc $(saved_rules "$NS" | grep -c "nftrace:$dead") $(tr '\n' ' ' <"$T_TMP/clean3.log")" \
	'^2 1 .*--cleanup takes only .*not -p'
"$NFTRACE_CAPTURE" --netns "$NS" --cleanup -w "$T_TMP/x.pcapng" >/dev/null 2>&1
rc=$?
is "--cleanup -w: exit 2, no file" "$rc $(test -e "$T_TMP/x.pcapng" && echo file)" "2 "
"$NFTRACE_CAPTURE" --netns "$NS" --cleanup >/dev/null 2>&1

# The reader of the live text goes away (| head -1): the capture stops at
# its next write, as tcpdump does, and removes its rules.
ip netns exec "$NS" ip link set lo up
before_pipe=$(saved_rules "$NS")
ip netns exec "$NS" ping -c 100 -i 0.05 127.0.0.1 >/dev/null 2>&1 &
pingpid=$!
bg_pid $pingpid
t0=$(date +%s)
{ (cap -t 20 2>"$T_TMP/pipe.log"); echo $? >"$T_TMP/pipe.rc"; } | head -1 >/dev/null
t1=$(date +%s)
kill $pingpid 2>/dev/null; wait $pingpid 2>/dev/null
like "live text reader gone: exit 1 within seconds, not at -t 20" \
	"$(cat "$T_TMP/pipe.rc") $((t1 - t0 < 10)) $(grep -c 'writing the live text: Broken pipe' "$T_TMP/pipe.log")" '^1 1 1$'
is "live text reader gone: the rules are gone" "$(saved_rules "$NS")" "$before_pipe"

finish
