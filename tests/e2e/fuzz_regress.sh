#!/bin/bash
# The fuzz targets' regression inputs: every file in fuzz/regress/NAME/ (an
# input that once made fuzz/fuzz_NAME.c crash or break an invariant) is
# run through the same target code, built without libFuzzer as
# fuzz/replay_NAME (Makefile.am), one test per file; then each target's
# seed corpus fuzz/corpus/NAME/, one test per target.  Built with the
# build's own compiler and flags, so a --enable-sanitizers build replays
# them under ASan and UBSan.
#
# fuzz/regress/KNOWN lists inputs of bugs reported but not fixed yet
# ("NAME/FILE  what is wrong"): while one still fails it is reported as
# "not ok ... # TODO", which does not fail the suite.  Once fixed, delete
# its line.
. "$(dirname "$0")/lib.sh"
S=$NFTRACE_SRCDIR
B=$(dirname "$NFTRACE_READ")

names=$(cd "$S/fuzz" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
n=0
for t in $names; do
	n=$((n + 1))
	[ -d "$S/fuzz/regress/$t" ] && n=$((n + $(find "$S/fuzz/regress/$t" -type f | wc -l)))
done
plan "$n"

known() { [ -f "$S/fuzz/regress/KNOWN" ] && grep -E "^$1[[:space:]]" "$S/fuzz/regress/KNOWN" | sed -E 's/^[^[:space:]]+[[:space:]]+//' | head -1; }

for t in $names; do
	bin=$B/fuzz/replay_$t
	for f in $(find "$S/fuzz/regress/$t" -type f 2>/dev/null | sort); do
		name="$t: regress/$(basename "$f")"
		if [ ! -x "$bin" ]; then
			not_ok "$name # $bin is not built"
			continue
		fi
		if out=$("$bin" "$f" 2>&1); then
			ok "$name"
		else
			why=$(known "$t/$(basename "$f")")
			if [ -n "$why" ]; then
				not_ok "$name # TODO known bug: $why"
				T_FAILED=$((T_FAILED - 1))
			else
				not_ok "$name"
			fi
			diag "$(printf '%s\n' "$out" | grep -m3 -E 'invariant|ERROR|SUMMARY|runtime error|Abort')"
		fi
	done
	if [ ! -x "$bin" ]; then
		not_ok "$t: seed corpus # $bin is not built"
	elif out=$("$bin" "$S/fuzz/corpus/$t" 2>&1); then
		ok "$t: seed corpus, $(printf '%s\n' "$out" | sed -n 's/ inputs replayed$//p') inputs"
	else
		not_ok "$t: seed corpus"
		diag "$(printf '%s\n' "$out" | grep -m3 -E 'invariant|ERROR|SUMMARY|runtime error|Abort')"
	fi
done
finish
