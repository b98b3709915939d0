#!/bin/sh
# run-http.sh NAME FILE...: runs HTTP scenario test files against $KHET_BIN
# (on PostgreSQL when KHET_TEST_PG is set), only the tests whose name matches
# the regular expression NAME when it is not empty (node --test-name-pattern).
# A name or file that matches no test is a failure, not a quiet pass.
set -u
cd "$(dirname "$0")/.." || exit 1
name=$1
shift
for f in "$@"; do
	[ -f "$f" ] || { echo "run-http: no test file $f" >&2; exit 1; }
done
tap=$(mktemp /tmp/khet-http-tap.XXXXXX)
set -- --test --test-concurrency=2 --test-reporter=spec --test-reporter-destination=stdout \
	--test-reporter=tap --test-reporter-destination="$tap" "$@"
if [ -n "$name" ]; then
	node --test-name-pattern="$name" "$@"
else
	node "$@"
fi
rc=$?
pass=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$tap" | tail -n1)
fail=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$tap" | tail -n1)
rm -f "$tap"
if [ $rc -eq 0 ] && [ "${pass:-0}" -eq 0 ] && [ "${fail:-0}" -eq 0 ]; then
	echo "run-http: no test matched${name:+ the name /$name/}" >&2
	exit 1
fi
echo "http: ${pass:-0} passed, ${fail:-0} failed"
exit $rc
