#!/bin/sh
# with-pg.sh CMD [ARG...]: runs CMD with KHET_TEST_PG naming a PostgreSQL
# server, so the database tests it runs use PostgreSQL too. When KHET_TEST_PG
# is already set that server is used; otherwise a throwaway PostgreSQL 15 is
# started in a temp folder (scripts/pg-test.sh) and stopped afterwards.
# Exits with CMD's status.
set -u
cd "$(dirname "$0")/.." || exit 1
if [ -n "${KHET_TEST_PG:-}" ]; then
	exec "$@"
fi
PGDIR=$(mktemp -d /tmp/khet-pg.XXXXXX)
if ! KHET_TEST_PG=$(./scripts/pg-test.sh start "$PGDIR"); then
	echo "with-pg: PostgreSQL did not start" >&2
	rm -rf "$PGDIR"
	exit 1
fi
export KHET_TEST_PG
stop() { ./scripts/pg-test.sh stop "$PGDIR" >/dev/null 2>&1; }
trap 'stop; exit 130' INT TERM
"$@"
rc=$?
stop
exit $rc
