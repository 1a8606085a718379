#!/bin/sh
# The whole test suite, on a fresh Debian 12 machine, as root:
# installs what is missing, builds, runs unit, golden, interop and
# capture tests (in throw-away network namespaces), and prints
# "N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
sh tools/deps.sh || exit 1
sh tools/build.sh || exit 1
make -j"$(nproc)" check >tests.out 2>&1
rc=$?
grep -E '^(FAIL|ERROR|XPASS):' tests.out
for f in $(grep -lE '^(not ok|Bail out)' $(find tests -name '*.log') 2>/dev/null); do
	echo "---- $f"; grep -E -B2 -A12 '^(not ok|Bail out)' "$f" | head -60
done
awk '/^# (PASS|SKIP|FAIL|ERROR|XPASS):/ { n[$2] = $3 }
     END { printf "%d passed, %d failed, %d skipped\n", n["PASS:"], n["FAIL:"] + n["ERROR:"] + n["XPASS:"], n["SKIP:"] }' tests.out
exit $rc
