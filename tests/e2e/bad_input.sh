#!/bin/bash
# Bad input gets a clear error and loses nothing: nftrace-read prints what
# it could read, then "nftrace-read: FILE: <what> at offset N" (gzip data:
# "<what> at compressed offset C (uncompressed offset U)"), exit 1 for a
# corrupt or truncated file, 2 for a usage error; it never crashes or
# hangs.
. "$(dirname "$0")/lib.sh"
S=$NFTRACE_SRCDIR/samples
[ -f "$S/dns-drop.pcapng" ] || skip_all "no samples/dns-drop.pcapng"
plan 18

rd() { timeout 20 "$NFTRACE_READ" "$@"; }
good=$(rd "$S/dns-drop.pcapng" 2>/dev/null)
size=$(stat -c %s "$S/dns-drop.pcapng")

# Cut the file inside its last block: every whole event before is printed.
head -c $((size - 10)) "$S/dns-drop.pcapng" >"$T_TMP/cut.pcapng"
out=$(rd "$T_TMP/cut.pcapng" 2>"$T_TMP/err"); rc=$?
is "truncated: exit 1" "$rc" 1
like "truncated: message names the file and an offset" "$(cat "$T_TMP/err")" \
	"^nftrace-read: $T_TMP/cut.pcapng: .*truncated.* at offset [0-9]+$"
n_good=$(printf '%s\n' "$good" | grep -c ' TRACE: ')
n_cut=$(printf '%s\n' "$out" | grep -c ' TRACE: ')
check "truncated: the events before the cut are printed ($n_cut of $n_good)" test "$n_cut" -ge 1

# gzip: the trailer (CRC32, length) cut off, as gzip -t sees it: every
# event is printed, then the truncation is reported like any other.
gzip -c "$S/dns-drop.pcapng" >"$T_TMP/t.pcapng.gz"
for cut in 8 9; do
	head -c -$cut "$T_TMP/t.pcapng.gz" >"$T_TMP/cut$cut.pcapng.gz"
	out=$(rd "$T_TMP/cut$cut.pcapng.gz" 2>"$T_TMP/err"); rc=$?
	gz=$(gzip -t "$T_TMP/cut$cut.pcapng.gz" 2>&1 | tr -s '\n' ' '; echo "gzip -t exit ${PIPESTATUS[0]}")
	like "gzip cut by $cut bytes: exit 1, the truncation named, as gzip -t says" \
		"$rc $(cat "$T_TMP/err") / $gz" \
		"^1 nftrace-read: $T_TMP/cut$cut.pcapng.gz: truncated gzip stream: unexpected end of file at compressed offset [0-9]+ \(uncompressed offset [0-9]+\) / +gzip: .*unexpected end of file.*gzip -t exit 1$"
	is "gzip cut by $cut bytes: every event is still printed" "$out" "$good"
done
# A bad CRC: one message, what and where (not "... at offset N at offset 0").
python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[-8] ^= 0xff
open(sys.argv[2], "wb").write(d)' "$T_TMP/t.pcapng.gz" "$T_TMP/crc.pcapng.gz"
out=$(rd "$T_TMP/crc.pcapng.gz" 2>"$T_TMP/err"); rc=$?
gz=$(gzip -t "$T_TMP/crc.pcapng.gz" 2>&1 | tr -s '\n' ' '; echo "gzip -t exit ${PIPESTATUS[0]}")
like "gzip with a bad CRC: exit 1, one message naming what and where, as gzip -t says" \
	"$rc $(cat "$T_TMP/err") / $gz" \
	"^1 nftrace-read: $T_TMP/crc.pcapng.gz: corrupt gzip stream: incorrect data check at compressed offset [0-9]+ \(uncompressed offset [0-9]+\) / +gzip: .*crc error.*gzip -t exit 1$"
is "gzip with a bad CRC: the events before the check are printed" "$out" "$good"

printf 'this is not a capture file\n' >"$T_TMP/text"
rd "$T_TMP/text" >/dev/null 2>"$T_TMP/err"; rc=$?
like "not a capture: exit 1 with a message" "$rc $(cat "$T_TMP/err")" "^1 nftrace-read: $T_TMP/text: "

: >"$T_TMP/empty"
rd "$T_TMP/empty" >/dev/null 2>"$T_TMP/err"; rc=$?
like "empty file: exit 1 with a message" "$rc $(cat "$T_TMP/err")" "^1 nftrace-read: $T_TMP/empty: "

rd "$T_TMP/does-not-exist" >/dev/null 2>"$T_TMP/err"; rc=$?
like "missing file: exit 1 naming it" "$rc $(cat "$T_TMP/err")" "^1 nftrace-read: $T_TMP/does-not-exist: No such file"

rd --no-such-option "$S/dns-drop.pcapng" >/dev/null 2>&1; rc=$?
is "unknown option: exit 2" "$rc" 2
rd >/dev/null 2>&1; rc=$?
is "no file: exit 2" "$rc" 2

# A block length that is not a multiple of 4, in the first EPB after SHB+IDB.
python3 - "$S/dns-drop.pcapng" "$T_TMP/badlen.pcapng" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
off = 0
while off < len(d):
    t, l = struct.unpack_from("<II", d, off)
    if t == 6:
        struct.pack_into("<I", d, off + 4, l + 1)
        break
    off += l
open(sys.argv[2], "wb").write(d)
PY
rd "$T_TMP/badlen.pcapng" >/dev/null 2>"$T_TMP/err"; rc=$?
like "bad block length: exit 1, says what is wrong" "$rc $(cat "$T_TMP/err")" "^1 .*(multiple of 4|length).* at offset [0-9]+"

# A huge block length must not make it allocate or hang.
python3 - "$S/dns-drop.pcapng" "$T_TMP/huge.pcapng" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
off = 0
while off < len(d):
    t, l = struct.unpack_from("<II", d, off)
    if t == 6:
        struct.pack_into("<I", d, off + 4, 0xfffffff0)
        break
    off += l
open(sys.argv[2], "wb").write(d)
PY
rd "$T_TMP/huge.pcapng" >/dev/null 2>"$T_TMP/err"; rc=$?
like "huge block length: exit 1, no crash" "$rc $(cat "$T_TMP/err")" "^1 nftrace-read: "

# Random garbage after a valid header: no crash, no hang.
crashes=0
for i in $(seq 30); do
	{ head -c 400 "$S/dns-drop.pcapng"; head -c $((RANDOM % 3000)) /dev/urandom; } >"$T_TMP/rand"
	rd "$T_TMP/rand" >/dev/null 2>&1; rc=$?
	[ $rc -ge 124 ] && { crashes=$((crashes + 1)); cp "$T_TMP/rand" "$T_TMP/crash.$i"; }
done
is "30 random tails: no crash or hang" "$crashes" 0

# Byte flips anywhere in a valid file.
crashes=0
for i in $(seq 30); do
	python3 -c '
import random, sys
d = bytearray(open(sys.argv[1], "rb").read())
for _ in range(4):
    d[random.randrange(len(d))] = random.randrange(256)
open(sys.argv[2], "wb").write(d)' "$S/dns-drop.pcapng" "$T_TMP/flip"
	rd "$T_TMP/flip" >/dev/null 2>&1; rc=$?
	[ $rc -ge 124 ] && crashes=$((crashes + 1))
done
is "30 byte-flipped files: no crash or hang" "$crashes" 0

finish
