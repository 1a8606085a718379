#!/bin/sh
# Build the fuzz targets and run each for a bounded time on its seed corpus:
#   sh fuzz/run.sh [SECONDS_PER_TARGET [NAME...]]     (default 60 s, every target)
# Targets run FUZZ_JOBS at a time (default: the number of CPUs).  New
# inputs go to fuzz/out/corpus/NAME/ (kept between runs, never committed;
# the seeds in fuzz/corpus/NAME/ are only read), logs to fuzz/out/log/,
# crashing inputs to fuzz/out/crashes/.  Prints one TAP-like line per
# target and exits 1 if any target crashed.  See fuzz/README.
set -u
cd "$(dirname "$0")/.." || exit 1
OUT=fuzz/out

if [ "${1:-}" = --one ]; then
	# One target (run through xargs below): NAME SECONDS.
	n=$2 secs=$3
	mkdir -p "$OUT/corpus/$n" "$OUT/log" "$OUT/crashes"
	"./$OUT/$n" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$OUT/crashes/$n-" \
		"$OUT/corpus/$n" "fuzz/corpus/$n" >"$OUT/log/$n.log" 2>&1
	echo $? >"$OUT/log/$n.rc"
	exit 0
fi

secs=${1:-60}
[ $# -gt 0 ] && shift
case $secs in ''|*[!0-9]*) echo "usage: sh fuzz/run.sh [SECONDS_PER_TARGET [NAME...]]" >&2; exit 2;; esac
if [ $# -gt 0 ]; then
	names="$*"
else
	names=$(ls fuzz/fuzz_*.c | sed 's|^fuzz/fuzz_||; s|\.c$||')
fi
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}

sh fuzz/build.sh $names || { echo "not ok - fuzz: build failed"; exit 1; }
for n in $names; do rm -f "$OUT/log/$n.rc"; done
# shellcheck disable=SC2086
printf '%s\n' $names | xargs -P "$jobs" -I{} sh fuzz/run.sh --one {} "$secs"

failed=0
for n in $names; do
	log=$OUT/log/$n.log
	rc=$(cat "$OUT/log/$n.rc" 2>/dev/null || echo 1)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	if [ "$rc" = 0 ]; then
		echo "ok - fuzz $n: ${runs:-?} runs in ${secs} s, ${rate:-?} exec/s"
	else
		failed=$((failed + 1))
		why=$(grep -m1 -E 'invariant failed|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error' "$log")
		art=$(sed -n 's/.*Test unit written to //p' "$log" | tail -1)
		echo "not ok - fuzz $n: ${why:-exit $rc} (input: ${art:-none}; log: $log)"
	fi
done
[ "$failed" -eq 0 ]
