#!/bin/sh
# Runs every unit test binary in $1 and prints "unit: N passed, N failed".
dir=$1
pass=0; fail=0
for t in "$dir"/test_*; do
	[ -x "$t" ] || continue
	if [ -n "${KHET_UNIT_ONLY:-}" ]; then
		case " $KHET_UNIT_ONLY " in *" $(basename "$t" | sed 's/^test_//') "*) ;; *) continue ;; esac
	fi
	out=$(CMOCKA_MESSAGE_OUTPUT=stdout "$t" 2>&1); rc=$?
	p=$(printf '%s\n' "$out" | grep -c '^\[       OK \]')
	f=$(printf '%s\n' "$out" | grep -c '^\[  FAILED  \] [^0-9]')
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	[ $rc -ne 0 ] && printf '%s\n' "$out" | grep -v '^\[       OK \]\|^\[ RUN      \]'
	pass=$((pass + p)); fail=$((fail + f))
done
echo "unit: $pass passed, $fail failed"
[ $fail -eq 0 ]
