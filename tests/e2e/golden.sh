#!/bin/bash
# Golden tests over the samples (samples/TESTLIST: name input expected
# options), each also checked against the oracles: the event prefixes are
# the ones tshark decodes from the NFLOG records, in order, and every
# packet's summary is the line tcpdump -nr prints for it.
# REGEN=1 rewrites the expected files instead (review the diff).
. "$(dirname "$0")/lib.sh"
S=$NFTRACE_SRCDIR/samples
n=$(grep -cv '^\(#\|$\)' "$S/TESTLIST")
have_tools=1
command -v tshark >/dev/null && command -v tcpdump >/dev/null || have_tools=0
plan $((n * 3))
cd "$S" || exit 1
export TZ=UTC
while read -r name input expected opts; do
	case "$name" in ''|'#'*) continue;; esac
	# shellcheck disable=SC2086
	got=$("$NFTRACE_READ" $opts "$input" 2>&1)
	if [ -n "$REGEN" ]; then
		printf '%s\n' "$got" >"$expected"
	fi
	is "$name: nftrace-read $opts $input" "$got" "$(cat "$expected")"
	if [ $have_tools = 0 ]; then
		skip "$name: prefixes as tshark decodes them" "no tshark"
		skip "$name: summaries as tcpdump prints them" "no tcpdump"
		continue
	fi
	ours=$(printf '%s\n' "$got" | grep -E '^[0-9a-f]{12} TRACE: ' | sed -E 's/^[0-9a-f]{12} //; s/  ".*//')
	theirs=$(tshark -r "$input" -T fields -e nflog.prefix 2>/dev/null | grep '^TRACE: ' | sed 's/ *$//')
	is "$name: prefixes as tshark decodes them" "$ours" "$theirs"
	# id -> summary from our aggregated section; per record, tcpdump's line.
	# With -v both print multi-line packets: fold continuation lines
	# (they start with blanks) into their first line, joined by '~'.
	tflag=""
	case " $opts " in *" -v "*) tflag=-v;; esac
	fold() { awk '/^[ \t]/ { sub(/^[ \t]+/, ""); line = line "~" $0; next }
		{ if (NR > 1) print line; line = $0 } END { if (NR) print line }'; }
	declare -A summ=()
	while read -r id rest; do summ[$id]=$rest; done < <(printf '%s\n' "$got" | sed -n '/^Aggregated packets:$/,$p' | sed 1d | fold | grep -E '^[0-9a-f]{12} ')
	ids=$(printf '%s\n' "$got" | grep -E '^[0-9a-f]{12} TRACE: ' | cut -d' ' -f1)
	bad=0
	paste -d'|' <(printf '%s\n' "$ids") <(tcpdump $tflag -nr "$input" 2>/dev/null | fold | cut -d' ' -f2-) >"$T_TMP/pairs"
	while IFS='|' read -r id line; do
		[ "${summ[$id]}" = "$line" ] || { bad=$((bad + 1)); diag "id $id: ours '${summ[$id]}' tcpdump '$line'"; }
	done <"$T_TMP/pairs"
	is "$name: summaries as tcpdump prints them" "$bad" 0
	unset summ
done <"$S/TESTLIST"
finish
