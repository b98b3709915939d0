#!/bin/sh
# tests/fuzz/run.sh SECONDS [NAME…]: runs each libFuzzer target
# (build/fuzz/bin/fuzz_NAME, from `make fuzz-build`) for SECONDS, one after
# the other (the machine's cores are shared), starting from its seed corpus
# tests/fuzz/corpus/NAME; new inputs it finds go to build/fuzz/corpus/NAME,
# never into the repository. A crash, a sanitizer report, a leak or an input
# that runs over 10 s fails the target: its input is saved as
# build/fuzz/crashes/NAME-crash-… and the report's end is printed. Re-run
# one input with `build/fuzz/bin/fuzz_NAME FILE`. Ends with
# "fuzz: N passed, N failed" (tests/run-all.sh counts it).
set -u
cd "$(dirname "$0")/../.."
secs=${1:-60}
[ $# -gt 0 ] && shift
names=${*:-$(ls tests/fuzz/fuzz_*.c | sed 's|tests/fuzz/fuzz_\(.*\)\.c|\1|')}
out=build/fuzz
mkdir -p "$out/crashes" "$out/log"
pass=0
fail=0
for n in $names; do
	bin=$out/bin/fuzz_$n
	work=$out/corpus/$n
	seeds=tests/fuzz/corpus/$n
	log=$out/log/$n.log
	mkdir -p "$work" "$seeds"
	if [ ! -x "$bin" ]; then
		echo "fuzz $n: $bin is not built (make fuzz-build)"
		fail=$((fail + 1))
		continue
	fi
	if ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
		"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-artifact_prefix="$out/crashes/$n-" -print_final_stats=1 "$work" "$seeds" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
		echo "fuzz $n: ok, ${runs:-?} inputs in ${secs}s"
		pass=$((pass + 1))
	else
		echo "fuzz $n: FAILED (full log: $log)"
		grep -E 'ERROR|runtime error|SUMMARY|Test unit written|^    #[0-9]' "$log" | head -n 30
		fail=$((fail + 1))
	fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
