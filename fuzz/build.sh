#!/bin/sh
# Build every fuzz target (fuzz/fuzz_<name>.c) with clang and libFuzzer
# into fuzz/out/<name>, straight from the sources (not through automake):
# the library modules are compiled once, instrumented, into
# fuzz/out/libnftrace-fuzz.a.  Rebuilds only what changed.
#   sh fuzz/build.sh [NAME...]       (default: every target)
# CC (default clang) and FUZZ_CFLAGS (extra flags) may be set.
set -u
cd "$(dirname "$0")/.." || exit 1
CC=${CC:-clang}
OUT=fuzz/out
CFLAGS="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1 -std=gnu11 -Isrc -D_GNU_SOURCE ${FUZZ_CFLAGS:-}"
LIBS="-lz -lmnl"
JOBS=$(nproc 2>/dev/null || echo 2)

command -v "$CC" >/dev/null || { echo "fuzz/build.sh: $CC not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
mkdir -p "$OUT/obj" || exit 1

# The modules of libnftrace.a as Makefile.am lists them, and the nf_tables
# source with what it needs (which nftrace-capture links itself).
srcs="$(awk '/^libnftrace_a_SOURCES *=/ { on = 1 }
	on { for (i = 1; i <= NF; i++) if ($i ~ /\.c$/) print $i; if ($NF != "\\") on = 0 }' Makefile.am)
src/source_nftrace.c src/nft_ruleset.c src/runcmd.c"
[ -n "$srcs" ] || { echo "fuzz/build.sh: no libnftrace_a_SOURCES in Makefile.am" >&2; exit 1; }
newest_h=$(ls -t src/*.h fuzz/*.h | head -1)

# Compile what is older than its source or the newest header.
stale=""
for c in $srcs; do
	o=$OUT/obj/$(basename "$c" .c).o
	if [ ! -e "$o" ] || [ "$c" -nt "$o" ] || [ "$newest_h" -nt "$o" ]; then
		stale="$stale $c"
	fi
done
if [ -n "$stale" ]; then
	# shellcheck disable=SC2086
	printf '%s\n' $stale | xargs -P "$JOBS" -I{} sh -c \
		'o='"$OUT"'/obj/$(basename {} .c).o; '"$CC $CFLAGS"' -c {} -o "$o" || { rm -f "$o"; exit 255; }' ||
		{ echo "fuzz/build.sh: compiling the library failed" >&2; exit 1; }
	rm -f "$OUT/libnftrace-fuzz.a"
fi
lib=$OUT/libnftrace-fuzz.a
# A module added to or dropped from the list also makes a new archive.
list=$(echo $srcs)
[ "$(cat "$OUT/srcs" 2>/dev/null)" = "$list" ] || rm -f "$lib"
echo "$list" >"$OUT/srcs"
if [ ! -e "$lib" ]; then
	# shellcheck disable=SC2046
	ar rcs "$lib" $(for c in $srcs; do echo "$OUT/obj/$(basename "$c" .c).o"; done) || exit 1
fi

if [ $# -gt 0 ]; then
	names="$*"
else
	names=$(ls fuzz/fuzz_*.c | sed 's|^fuzz/fuzz_||; s|\.c$||')
fi
rc=0
for n in $names; do
	t=$OUT/$n
	if [ -e "$t" ] && [ ! "fuzz/fuzz_$n.c" -nt "$t" ] && [ ! "$lib" -nt "$t" ] &&
	   [ ! "$newest_h" -nt "$t" ]; then
		continue
	fi
	echo "  CCLD     $t" >&2
	# shellcheck disable=SC2086
	$CC $CFLAGS "fuzz/fuzz_$n.c" "$lib" $LIBS -o "$t" || { rm -f "$t"; rc=1; }
done
exit $rc
