# Shared helpers for the end-to-end tests: TAP output and throw-away
# network-namespace labs.  Sourced by tests/e2e/*.sh.
#
# Tests take the programs from $NFTRACE_CAPTURE and $NFTRACE_READ (set by
# make check) so the same test can run under valgrind or a sanitizer build.
# The host's firewall and /run/xtables.lock are never touched: every
# iptables call and nftrace-capture run sees XTABLES_LOCKFILE in the test's
# own temp dir, and all rules live in namespaces the test creates.

: "${NFTRACE_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${NFTRACE_CAPTURE:=$NFTRACE_SRCDIR/nftrace-capture}"
: "${NFTRACE_READ:=$NFTRACE_SRCDIR/nftrace-read}"

T_NUM=0
T_FAILED=0
T_TMP=$(mktemp -d /tmp/nftrace-test.XXXXXX)
export XTABLES_LOCKFILE="$T_TMP/xtables.lock"
T_NETNS=""
T_PIDS=""

plan() { echo "1..$1"; }
ok() { T_NUM=$((T_NUM + 1)); echo "ok $T_NUM - $*"; }
not_ok() { T_NUM=$((T_NUM + 1)); T_FAILED=$((T_FAILED + 1)); echo "not ok $T_NUM - $*"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
skip_all() { echo "1..0 # SKIP $*"; cleanup_all; exit 0; }
skip() { T_NUM=$((T_NUM + 1)); echo "ok $T_NUM - $1 # SKIP $2"; }

# check NAME COMMAND...: ok when the command succeeds.
check() {
	local name=$1; shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# is NAME GOT EXPECTED: string equality, with a diff when it fails.
is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diff -u <(printf '%s\n' "$3") <(printf '%s\n' "$2") | sed 's/^/# /' | head -40
	fi
}

# like NAME GOT REGEX
like() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then ok "$1"; else not_ok "$1"; diag "got: $2" "want /$3/"; fi
}

need_root() { [ "$(id -u)" = 0 ] || skip_all "needs root"; }
need_tool() { for t in "$@"; do command -v "$t" >/dev/null || skip_all "needs $t"; done; }

# netns_add NAME: a namespace removed at exit.
netns_add() {
	ip netns add "$1" || return 1
	T_NETNS="$T_NETNS $1"
	ip -n "$1" link set lo up
}

# bg_pid PID: a process killed (by pid) at exit.
bg_pid() { T_PIDS="$T_PIDS $1"; }

cleanup_all() {
	local p n
	# Also under set -e (samples/regen.sh): nothing here may stop the cleanup.
	for p in $T_PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $T_PIDS; do wait "$p" 2>/dev/null || true; done
	for n in $T_NETNS; do
		ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
		ip netns del "$n" 2>/dev/null || true
	done
	T_PIDS=""; T_NETNS=""
	rm -rf "$T_TMP"
}

finish() {
	cleanup_all
	[ "$T_FAILED" -eq 0 ]
}
trap cleanup_all INT TERM

# The README scenario: a DNS server (192.0.2.53) and a client (192.0.2.2)
# joined by a veth pair; in the client, raw PREROUTING marks the answers
# and filter INPUT drops what is marked.
LAB_SRV=192.0.2.53
LAB_CLI=192.0.2.2
lab_setup() {
	LAB_S=nftS$$; LAB_C=nftC$$
	netns_add "$LAB_S" && netns_add "$LAB_C" || return 1
	ip -n "$LAB_C" link add vc type veth peer name vs netns "$LAB_S" || return 1
	ip -n "$LAB_C" addr add $LAB_CLI/24 dev vc
	ip -n "$LAB_S" addr add $LAB_SRV/24 dev vs
	ip -n "$LAB_C" link set vc up
	ip -n "$LAB_S" link set vs up
	ip netns exec "$LAB_S" python3 "$NFTRACE_SRCDIR/tests/e2e/dnsd.py" $LAB_SRV >"$T_TMP/dnsd.log" 2>&1 &
	bg_pid $!
	# the responder is up when it answers
	for _ in $(seq 50); do
		ip netns exec "$LAB_C" python3 "$NFTRACE_SRCDIR/tests/e2e/dnsq.py" $LAB_SRV example.com 0.2 >/dev/null 2>&1 && break
		sleep 0.1
	done
}

# The scenario's firewall in the client namespace.
lab_firewall() {
	ip netns exec "$LAB_C" iptables-legacy -t raw -A PREROUTING -s $LAB_SRV -p udp --sport 53 -j MARK --set-xmark 0xef/0xffffffff &&
	ip netns exec "$LAB_C" iptables-legacy -A INPUT -m mark --mark 0xef -j DROP
}

# iptables-legacy-save of a namespace without dates and counters.
saved_rules() {
	{ ip netns exec "$1" iptables-legacy-save; ip netns exec "$1" ip6tables-legacy-save; } 2>&1 |
		grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
}

# wait_for FILE REGEX [TENTHS]: until FILE has a line matching REGEX.
wait_for() {
	local i
	for i in $(seq "${3:-100}"); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
