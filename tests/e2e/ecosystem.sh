#!/bin/bash
# nftrace in its surroundings: the man pages list exactly the options of
# --help, --version prints configure.ac's version, the Wireshark profile
# (doc/wireshark/nftrace) shows the packet id and comment columns in tshark
# and its colouring rules compile and pick the right events, and the bash
# completion (completion/nftrace) completes options and their values.
# Reads only $NFTRACE_SRCDIR (read-only under make distcheck) and the two
# programs; writes only to its temp dir.
. "$(dirname "$0")/lib.sh"
SRC=$NFTRACE_SRCDIR
export TZ=UTC LC_ALL=C

plan 32

# help_longopts PROGRAM: the long options of the --help table, sorted.
help_longopts() {
	"$1" --help | sed -nE 's/^ {1,8}(-[[:alnum:]], +)?--([[:alnum:]][-[:alnum:]]*).*/--\2/p' | sort -u
}
# man_longopts FILE.in: the long options named in the tag line of each .TP
# item of the OPTIONS section, sorted.
man_longopts() {
	awk '/^\.SH/ { in_opts = ($2 == "OPTIONS") } in_opts && tag { print; tag = 0 }
		in_opts && /^\.TP/ { tag = 1 }' "$1" |
		sed 's/\\-/-/g' | grep -oE -- '--[[:alnum:]][-[:alnum:]]*' | sort -u
}
for p in capture:nftrace-capture.8.in read:nftrace-read.1.in; do
	prog=${p%%:*} page=$SRC/doc/${p#*:}
	if [ "$prog" = capture ]; then bin=$NFTRACE_CAPTURE; else bin=$NFTRACE_READ; fi
	h=$(help_longopts "$bin")
	if [ ! -f "$page" ]; then
		not_ok "nftrace-$prog: man page ${page##*/} exists"
		not_ok "nftrace-$prog: man page ${page##*/} exists"
		continue
	fi
	m=$(man_longopts "$page")
	missing=$(comm -23 <(printf '%s\n' "$h") <(printf '%s\n' "$m"))
	extra=$(comm -13 <(printf '%s\n' "$h") <(printf '%s\n' "$m"))
	[ -n "$h" ] || missing="(no options parsed from --help)"
	is "nftrace-$prog: every --help option is in ${page##*/} OPTIONS" "$missing" ""
	is "nftrace-$prog: every option in ${page##*/} OPTIONS is in --help" "$extra" ""
done

# Messages start with the program's base name, not the path it was run by
# (also getopt's own), as tcpdump's do.
for bin in "$NFTRACE_CAPTURE" "$NFTRACE_READ"; do
	is "${bin##*/}: an unknown option is reported under the base name" \
		"$("$bin" --no-such-option 2>&1 >/dev/null | head -1)" \
		"${bin##*/}: unrecognized option '--no-such-option'"
done

# The man pages format without warnings.
for page in "$SRC"/doc/nftrace-capture.8.in "$SRC"/doc/nftrace-read.1.in; do
	if ! command -v groff >/dev/null; then skip "${page##*/} formats cleanly" "no groff"; continue; fi
	w=$(sed 's/@VERSION@/0/g' "$page" 2>&1 | groff -man -Tutf8 -ww -z 2>&1)
	is "${page##*/} formats without groff warnings" "$w" ""
done

# --version: the version of configure.ac.
ver=$(sed -nE 's/^AC_INIT\(\[nftrace\], *\[([^]]*)\].*/\1/p' "$SRC/configure.ac")
like "configure.ac has a version" "$ver" '^[0-9]+\.[0-9]+'
is "nftrace-capture --version" "$("$NFTRACE_CAPTURE" --version 2>&1)" "nftrace-capture $ver"
is "nftrace-read --version" "$("$NFTRACE_READ" --version 2>&1)" "nftrace-read $ver"
# The man pages the build made next to the programs carry it too.
mp=$(dirname "$NFTRACE_CAPTURE")/doc/nftrace-capture.8
if [ -f "$mp" ]; then
	like "built nftrace-capture.8 names version $ver" "$(head -5 "$mp")" "^\.TH .*\"nftrace $ver\""
else
	skip "built nftrace-capture.8 names version $ver" "not built"
fi

# ---- Wireshark profile ------------------------------------------------------
WS_TESTS=9
if ! command -v tshark >/dev/null || ! command -v editcap >/dev/null; then
	for _ in $(seq $WS_TESTS); do skip "Wireshark profile" "no tshark/editcap"; done
else
	H=$T_TMP/home
	mkdir -p "$H/.config/wireshark/profiles"
	cp -r "$SRC/doc/wireshark/nftrace" "$H/.config/wireshark/profiles/"
	ts() { HOME=$H XDG_CONFIG_HOME=$H/.config tshark "$@" 2>/dev/null; }
	S=$SRC/samples
	out=$(ts -C nftrace -r "$S/dns-drop.pcapng")
	st=$?
	# Expected, per event: number, packet id (decimal, as the column shows
	# it), prefix, ... comment at the end of the line.
	want=$(ts -r "$S/dns-drop.pcapng" -T fields -E separator=@ -e frame.number \
		-e frame.packet_id -e nflog.prefix -e frame.comment)
	n_ok=0 n=0
	while IFS=@ read -r num id prefix comment; do
		n=$((n + 1))
		line=$(printf '%s\n' "$out" | awk -v n="$num" '$1 == n')
		case "$line" in
		*" $id "*"$prefix"*"$comment") n_ok=$((n_ok + 1)) ;;
		*) diag "frame $num: $line" "want: ... $id ... $prefix ... $comment" ;;
		esac
	done <<<"$want"
	check "tshark -C nftrace: the profile loads" test "$st" = 0
	check "tshark -C nftrace: packet id, prefix and comment columns for all $n events" \
		test "$n" -gt 0 -a "$n_ok" = "$n"
	like "tshark -C nftrace: the drop event's line" "$(printf '%s\n' "$out" | grep -- '-j DROP')" \
		'^ *[0-9]+ .* [0-9]+ Local in TRACE: filter:INPUT:rule:1 .* TRACE: filter:INPUT:rule:1  "-A INPUT .*-j DROP"$'
	plain=$(ts -r "$S/dns-drop.pcapng")
	check "without the profile tshark shows no comment column" \
		sh -c '! printf "%s\n" "$1" | grep -q -- "-j DROP"' _ "$plain"

	# The colouring rules, "@name@filter@[bg][fg]".
	drop_f=$(sed -n 's/^@nftrace drop@\(.*\)@\[.*/\1/p' "$SRC/doc/wireshark/nftrace/colorfilters")
	acc_f=$(sed -n 's/^@nftrace accept@\(.*\)@\[.*/\1/p' "$SRC/doc/wireshark/nftrace/colorfilters")
	all_ok=1
	while IFS=@ read -r _ name filt _; do
		ts -Y "$filt" -r "$S/dns-drop.pcapng" >/dev/null || { all_ok=0; diag "rejected: $name: $filt"; }
	done < <(grep '^@' "$SRC/doc/wireshark/nftrace/colorfilters")
	check "every colouring rule compiles (tshark -Y)" test "$all_ok" = 1 -a -n "$drop_f" -a -n "$acc_f"
	frames() { ts -r "$2" -Y "$1" -T fields -e frame.number | tr '\n' ' '; }
	# The lab drops the DNS answer with filter INPUT rule 1 (-j DROP).
	want=$(ts -r "$S/dns-drop.pcapng" -Y 'nflog.prefix == "TRACE: filter:INPUT:rule:1 "' -T fields -e frame.number | tr '\n' ' ')
	[ -n "$want" ] || want="(no drop event found)"
	is "drop rule: exactly the drop events of dns-drop.pcapng" "$(frames "$drop_f" "$S/dns-drop.pcapng")" "$want"
	want=$(ts -r "$S/dns-drop.pcapng" -Y 'nflog.prefix == "TRACE: raw:PREROUTING:policy:3 "' -T fields -e frame.number | tr '\n' ' ')
	is "accept rule: the ACCEPT policy event of dns-drop.pcapng" "$(frames "$acc_f" "$S/dns-drop.pcapng")" "$want"
	# The other spellings of a drop, as comments on ping6-chains' events
	# (which show no drop), and look-alikes that are none.
	editcap \
		-a '3:TRACE: inet t:in:policy:2  "policy drop"' \
		-a '4:TRACE: filter:INPUT:rule:1  "-A INPUT -m mark --mark 0xef -j DROP" (verdict drop)' \
		-a '5:TRACE: filter:INPUT:policy:4  "-P INPUT DROP"' \
		-a '9:TRACE: filter:FORWARD:rule:2  "-A FORWARD -p tcp -j REJECT --reject-with tcp-reset"' \
		-a '11:TRACE: inet t:in:rule:5  "meta mark 0x1 counter" (verdict drop)' \
		-a '12:TRACE: filter:INPUT:rule:2  "-A INPUT -j DROPLOG"' \
		-a '13:TRACE: filter:INPUT:rule:3  "-A INPUT -m comment --comment \"no -j DROP\" -j ACCEPT"' \
		"$S/ping6-chains.pcapng" "$T_TMP/spellings.pcapng" 2>/dev/null
	is "drop rule: policy drop, (verdict drop), -P DROP, REJECT; not DROPLOG nor a comment" \
		"$(frames "$drop_f" "$T_TMP/spellings.pcapng")" "3 4 5 9 11 "
	is "drop rule: nothing in ping6-chains.pcapng" "$(frames "$drop_f" "$S/ping6-chains.pcapng")" ""
fi

# ---- bash completion --------------------------------------------------------
# comp WORD...: what the completion offers for the last word, one a line.
comp() {
	bash --norc --noprofile -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_nftrace 2>/dev/null
		printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$SRC/completion/nftrace" "$@"
}
is "completion: nftrace-capture --back<TAB>" "$(comp "$NFTRACE_CAPTURE" --back)" "--backend"
is "completion: nftrace-capture --backend <TAB>" "$(comp "$NFTRACE_CAPTURE" --backend '')" "auto
legacy
nft"
is "completion: nftrace-read --color=<TAB>" "$(comp "$NFTRACE_READ" --color = '')" "always
auto
never"
is "completion: nftrace-read --co<TAB> (an = option)" "$(comp "$NFTRACE_READ" --co)" "--color="
mkdir -p "$T_TMP/cf" && touch "$T_TMP/cf/cap.pcapng"
is "completion: nftrace-read --color <TAB> offers files (the value is optional, as for ls)" \
	"$(cd "$T_TMP/cf" && comp "$NFTRACE_READ" --color ca)" "cap.pcapng"
is "completion: nftrace-capture --<TAB> offers every long option of --help" \
	"$(comp "$NFTRACE_CAPTURE" -- | grep -v '^$' | tr -d =)" "$(help_longopts "$NFTRACE_CAPTURE")"
is "completion: nftrace-read --<TAB> offers every long option of --help" \
	"$(comp "$NFTRACE_READ" -- | grep -v '^$' | tr -d =)" "$(help_longopts "$NFTRACE_READ")"
like "completion: -Z <TAB> offers users" "$(comp "$NFTRACE_CAPTURE" -Z ro)" '^root$'
mkdir -p "$T_TMP/files/sub" && touch "$T_TMP/files/trace one.pcapng" "$T_TMP/files/trace2.pcapng"
got=$(cd "$T_TMP/files" && comp "$NFTRACE_CAPTURE" -w tr; comp "$NFTRACE_READ" -r tr; comp "$NFTRACE_READ" --rules = tr; comp "$NFTRACE_READ" tr)
is "completion: files for -w, -r, --rules= and nftrace-read's operands" "$got" "$(printf '%s\n' 'trace one.pcapng' trace2.pcapng 'trace one.pcapng' trace2.pcapng 'trace one.pcapng' trace2.pcapng 'trace one.pcapng' trace2.pcapng)"
is "completion: no files after -r FILE (the operands are a filter then)" \
	"$(cd "$T_TMP/files" && comp "$NFTRACE_READ" -r trace2.pcapng tr)" ""
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null; then
	ns=nftE$$
	netns_add "$ns"
	like "completion: --netns <TAB> offers ip netns list" "$(comp "$NFTRACE_CAPTURE" --netns nftE)" "^$ns\$"
else
	skip "completion: --netns <TAB> offers ip netns list" "needs root"
fi

finish
