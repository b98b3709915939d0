#!/bin/sh
# Runs every unit test binary in $1 and prints "unit: N passed, N failed".
#   KHET_UNIT_ONLY="acc kpi"   only these binaries (test_acc, test_kpi)
#   KHET_TEST_FILTER=test_x*   only the tests whose name matches (unit.h)
#   KHET_UNIT_VERBOSE=1        print every test's line, not only failures
# Both set and nothing ran counts as a failure: a misspelt name runs nothing.
dir=$1
pass=0; fail=0
for n in ${KHET_UNIT_ONLY:-}; do
	if [ ! -x "$dir/test_$n" ]; then
		echo "no unit test binary $dir/test_$n (tests/unit/test_$n.c)"
		fail=$((fail + 1))
	fi
done
for t in "$dir"/test_*; do
	[ -x "$t" ] || continue
	if [ -n "${KHET_UNIT_ONLY:-}" ]; then
		case " $KHET_UNIT_ONLY " in *" $(basename "$t" | sed 's/^test_//') "*) ;; *) continue ;; esac
	fi
	out=$(CMOCKA_MESSAGE_OUTPUT=stdout "$t" 2>&1); rc=$?
	p=$(printf '%s\n' "$out" | grep -c '^\[       OK \]')
	f=$(printf '%s\n' "$out" | grep -c '^\[  FAILED  \] [^0-9]')
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	if [ -n "${KHET_UNIT_VERBOSE:-}" ]; then
		printf '%s\n' "$out"
	elif [ $rc -ne 0 ]; then
		printf '%s\n' "$out" | grep -v '^\[       OK \]\|^\[ RUN      \]'
	fi
	pass=$((pass + p)); fail=$((fail + f))
done
if [ -n "${KHET_TEST_FILTER:-}" ] && [ $((pass + fail)) -eq 0 ]; then
	echo "no unit test matched KHET_TEST_FILTER=$KHET_TEST_FILTER"
	fail=1
fi
echo "unit: $pass passed, $fail failed"
[ $fail -eq 0 ]
