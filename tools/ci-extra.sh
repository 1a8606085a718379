#!/bin/sh
# CI beyond tools/test.sh (run after it: valgrind uses its build):
#   1. every fuzz target for a bounded time (fuzz/run.sh; FUZZ_BUDGET
#      seconds in all, default 60),
#   2. the whole suite under ASan+UBSan: a copy of the tree (the files git
#      knows, as they are in the work tree) in build-san/, configured there
#      with --enable-sanitizers (the source tree is configured in-tree, so
#      an out-of-tree build is not possible),
#   3. valgrind on nftrace-read over every sample of samples/TESTLIST,
#   4. make distcheck.
# Prints ok/not ok lines and ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
TOP=$(pwd)
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $*"; }
jobs=$(nproc 2>/dev/null || echo 2)
secs() { echo $(($(date +%s) - $1)); }

# ---- 1. fuzzing ----------------------------------------------------------
t0=$(date +%s)
ntargets=$(ls fuzz/fuzz_*.c | wc -l)
budget=${FUZZ_BUDGET:-60}
per=$((budget * jobs / ntargets))
[ "$per" -ge 1 ] || per=1
if ! command -v clang >/dev/null; then
	not_ok "fuzz: clang is not installed (tools/deps.sh)"
else
	out=$(FUZZ_JOBS=$jobs sh fuzz/run.sh "$per" 2>&1)
	printf '%s\n' "$out" | grep -E '^(ok|not ok) ' >/dev/null ||
		printf '%s\n' "$out" | tail -20
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "${line#ok - }" ;;
		"not ok - "*) not_ok "${line#not ok - }" ;;
		esac
	done <<EOT
$out
EOT
fi
echo "# fuzzing: $(secs "$t0") s, $per s per target, $jobs at a time"

# ---- 2. the suite under ASan + UBSan ---------------------------------------
t0=$(date +%s)
SAN=build-san
rm -rf "$SAN" && mkdir "$SAN" || exit 1
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# Tracked and new (not ignored) files, as they are in the work tree.
	git ls-files -z --cached --others --exclude-standard |
		tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -C "$SAN" -xf -
else
	tar -cf - --exclude="./$SAN" . | tar -C "$SAN" -xf -
	(cd "$SAN" && [ -f Makefile ] && make distclean >/dev/null 2>&1)
fi
log=$TOP/$SAN/ci.log
if (cd "$SAN" && ./autogen.sh && ./configure -q --enable-sanitizers &&
    make -j"$jobs") >"$log" 2>&1; then
	# detect_leaks: LeakSanitizer at exit; abort_on_error: a core-less abort.
	(cd "$SAN" && ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
		UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
		make -j"$jobs" check) >>"$log" 2>&1
	rc=$?
	n_pass=$(sed -n 's/^# PASS: *//p' "$log" | tail -1)
	n_fail=$(awk '/^# (FAIL|ERROR|XPASS):/ { n += $3 } END { print n + 0 }' "$log")
	n_skip=$(sed -n 's/^# SKIP: *//p' "$log" | tail -1)
	pass=$((pass + ${n_pass:-0}))
	fail=$((fail + n_fail))
	if [ "$rc" = 0 ] && [ "$n_fail" = 0 ]; then
		echo "ok - sanitizers: make check under ASan+UBSan: ${n_pass:-0} passed, ${n_skip:-0} skipped"
	else
		[ "$n_fail" = 0 ] && not_ok "sanitizers: make check failed (exit $rc), see $SAN/ci.log"
		grep -E '^(FAIL|ERROR|XPASS):' "$log" | sed 's/^/not ok - sanitizers: /'
		for f in $(grep -lE '^(not ok|Bail out)|ERROR: (Address|Leak)Sanitizer|runtime error' \
			$(find "$SAN/tests" -name '*.log') 2>/dev/null); do
			echo "# ---- $f"
			grep -E -m8 -A12 '^(not ok|Bail out)|ERROR: (Address|Leak)Sanitizer|runtime error' "$f" |
				head -60 | sed 's/^/# /'
		done
	fi
else
	not_ok "sanitizers: the --enable-sanitizers build failed, see $SAN/ci.log"
	tail -20 "$log" | sed 's/^/# /'
fi
echo "# sanitizers: $(secs "$t0") s"

# ---- 3. valgrind on the golden samples ---------------------------------------
t0=$(date +%s)
if ! command -v valgrind >/dev/null; then
	not_ok "valgrind: not installed (tools/deps.sh)"
elif [ ! -x ./nftrace-read ] && ! sh tools/build.sh; then
	not_ok "valgrind: building nftrace-read failed"
else
	read_bin=$TOP/nftrace-read
	while read -r name input expected opts; do
		case "$name" in ''|'#'*) continue;; esac
		# shellcheck disable=SC2086
		got=$(cd samples && TZ=UTC valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect,possible \
			--log-file="$TOP/$SAN/valgrind-$name.log" "$read_bin" $opts "$input" 2>&1)
		rc=$?
		if [ "$rc" = 99 ] || [ -s "$SAN/valgrind-$name.log" ]; then
			not_ok "valgrind: nftrace-read $opts $name"
			head -40 "$SAN/valgrind-$name.log" | sed 's/^/# /'
		elif [ "$got" != "$(cat "samples/$expected")" ]; then
			not_ok "valgrind: nftrace-read $opts $name: output differs from samples/$expected"
		else
			ok "valgrind: nftrace-read $opts $name"
		fi
	done <samples/TESTLIST
fi
echo "# valgrind: $(secs "$t0") s"

# ---- 4. make distcheck ------------------------------------------------------
# The release tarball builds, passes the suite from a VPATH build with a
# read-only source tree, installs and uninstalls cleanly.
t0=$(date +%s)
if (make -j"$jobs" distcheck) >"$TOP/$SAN/distcheck.log" 2>&1; then
	ok "distcheck: make distcheck"
else
	not_ok "distcheck: make distcheck failed, see $SAN/distcheck.log"
	tail -30 "$SAN/distcheck.log" | sed 's/^/# /'
fi
rm -f nftrace-*.tar.gz
echo "# distcheck: $(secs "$t0") s"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
