#!/bin/sh
# Runs every test of Khet and ends with the line "N passed, N failed":
#  1. unit tests (cmocka)
#  2. HTTP scenarios against the real binary on SQLite
#  3. the same scenarios (and the DB unit tests) on a PostgreSQL 15 server
#     started here in a temp folder on a free loopback port
#  4. browser tests (Playwright driving Debian's Chromium)
#  5. unit + HTTP tests again with AddressSanitizer + UBSan
#  6. every libFuzzer target of tests/fuzz for a few seconds
#     (FUZZ_TEST_SECONDS, default 5; `make fuzz` runs them for longer)
set -u
cd "$(dirname "$0")/.."
JOBS=$(nproc 2>/dev/null || echo 2)
PASS=0
FAIL=0
LOG=build/test-logs
mkdir -p "$LOG"

count() { # name passed failed
	echo "== $1: $2 passed, $3 failed"
	PASS=$((PASS + $2)); FAIL=$((FAIL + $3))
}

run_unit() { # build-dir label [env...]
	dir=$1; label=$2; shift 2
	out=$(env "$@" ./tests/run-unit.sh "$dir/tests" 2>&1)
	printf '%s\n' "$out" | grep -v '^unit:' | tail -n 40
	line=$(printf '%s\n' "$out" | grep '^unit:' | tail -n1)
	p=$(echo "$line" | sed -n 's/.* \([0-9]*\) passed.*/\1/p'); f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	count "$label" "${p:-0}" "${f:-1}"
}

run_node() { # label dir [env...]
	label=$1; dir=$2; shift 2
	files=$(ls "$dir"/*.test.mjs 2>/dev/null)
	if [ -z "$files" ]; then count "$label" 0 0; return; fi
	# shellcheck disable=SC2086
	env "$@" node --test --test-reporter=tap --test-concurrency=2 $files > "$LOG/$label.tap" 2>&1
	p=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$LOG/$label.tap" | tail -n1)
	f=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$LOG/$label.tap" | tail -n1)
	[ -z "$p" ] && { f=1; p=0; }
	if [ "${f:-1}" != 0 ]; then
		echo "-- failures in $label (full output: $LOG/$label.tap):"
		grep -B2 -A30 '^not ok\|^    not ok\|^        not ok' "$LOG/$label.tap" | head -n 150
	fi
	count "$label" "$p" "${f:-1}"
}

# The database unit tests: the files that run on PostgreSQL when
# KHET_TEST_PG is set, through the engine fixture (tests/unit/engine.h) or
# by reading the variable themselves (test_db has its own fixture). A new
# one is found here without editing this file.
db_unit_tests() {
	grep -l -e '^#include "engine.h"' -e 'getenv("KHET_TEST_PG")' tests/unit/test_*.c |
		sed 's|tests/unit/test_\(.*\)\.c|\1|' | tr '\n' ' '
}

echo "== build"
if ! make -s all >"$LOG/build.log" 2>&1 || ! make -s $(ls tests/unit/test_*.c | sed 's|tests/unit/\(.*\)\.c|build/rel/tests/\1|') >>"$LOG/build.log" 2>&1; then
	cat "$LOG/build.log"
	echo "0 passed, 1 failed"
	exit 1
fi

run_unit build/rel unit
run_node http-sqlite tests/http KHET_BIN=bin/khet

PGDIR=$(mktemp -d /tmp/khet-pg.XXXXXX)
if PGURL=$(./scripts/pg-test.sh start "$PGDIR" 2>"$LOG/pg.log"); then
	run_unit build/rel unit-postgres KHET_TEST_PG="$PGURL" KHET_UNIT_ONLY="$(db_unit_tests)"
	run_node http-postgres tests/http KHET_BIN=bin/khet KHET_TEST_PG="$PGURL"
	./scripts/pg-test.sh stop "$PGDIR" >/dev/null 2>&1
else
	cat "$LOG/pg.log"
	count "postgres-start" 0 1
fi

run_node browser tests/browser KHET_BIN=bin/khet

echo "== sanitizer build"
if make -s SAN=1 build/san/khet $(ls tests/unit/test_*.c | sed 's|tests/unit/\(.*\)\.c|build/san/tests/\1|') >"$LOG/san-build.log" 2>&1; then
	SANENV="ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp"
	# shellcheck disable=SC2086
	run_unit build/san unit-asan $SANENV
	# shellcheck disable=SC2086
	run_node http-asan tests/http KHET_BIN=build/san/khet $SANENV
else
	tail -n 40 "$LOG/san-build.log"
	count "sanitizer-build" 0 1
fi

echo "== fuzz"
if make -s fuzz-build >"$LOG/fuzz-build.log" 2>&1; then
	out=$(./tests/fuzz/run.sh "${FUZZ_TEST_SECONDS:-5}" 2>&1)
	printf '%s\n' "$out" | grep -v '^fuzz:' | head -n 80
	line=$(printf '%s\n' "$out" | grep '^fuzz:' | tail -n1)
	p=$(echo "$line" | sed -n 's/.* \([0-9]*\) passed.*/\1/p'); f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	count fuzz "${p:-0}" "${f:-1}"
else
	tail -n 40 "$LOG/fuzz-build.log"
	count fuzz-build 0 1
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
