#!/usr/bin/env bash
# bench/import.sh — the census import bench (issue 12): `khet import students`
# of BENCH_IMPORT_ROWS (1,000,000) learners into SQLite, with every check the
# pages make, against `sqlite3 .import` of the same file into an empty table,
# both timed in the same run and printed side by side; the target is the
# import within 1.5× of sqlite3's time. Run by `make bench` (its own part,
# BENCH_IMPORT=0 leaves it out) and alone by `make bench-import`.
#
# 1. a temporary data folder with the demo's areas and BENCH_IMPORT_SCHOOLS
#    (1700) schools a area (`khet demo --students 0`: no census learners);
# 2. bench/gen-students.mjs writes the file: the rows spread over those
#    schools (about 300 a school), every row one the import takes;
# 3. `sqlite3 NEW.db ".import --csv FILE t"`, timed;
# 4. `khet import students FILE` on the demo database, timed, and checked:
#    the learners stored are the file's rows;
# 5. the table: wall time and CPU time (user + sys) of each and their ratio,
#    to bench/results/import-latest.txt and a dated copy. The machine is
#    shared, so wall time swings; CPU time is the steadier figure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
KHET=$ROOT/bin/khet
ROWS=${BENCH_IMPORT_ROWS:-1000000}
SCHOOLS=${BENCH_IMPORT_SCHOOLS:-1700}
RESULTS=${BENCH_RESULTS:-$ROOT/bench/results}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/khet-bench-import.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

[ -x "$KHET" ] || { echo "bench-import: build bin/khet first (make)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench-import: sqlite3 is missing (scripts/install-deps.sh)" >&2; exit 1; }

export KHET_DATA=$TMP/data KHET_DB=sqlite:$TMP/data/khet.db
mkdir -p "$KHET_DATA"
"$KHET" demo --schools "$SCHOOLS" --students 0 >/dev/null 2>"$TMP/demo.log" || { cat "$TMP/demo.log" >&2; exit 1; }
sqlite3 "$TMP/data/khet.db" 'SELECT obec_code FROM schools ORDER BY obec_code' >"$TMP/schools.txt"
node "$ROOT/bench/gen-students.mjs" "$ROWS" "$TMP/schools.txt" "$TMP/students.csv"
bytes=$(stat -c %s "$TMP/students.csv")
sync

# time CMD…: "wall cpu" in seconds into $T (bash's own clock: no extra package)
timed() {
	local out
	out=$( { TIMEFORMAT='%R %U %S'; time "$@" >"$TMP/out" 2>"$TMP/err"; } 2>&1 ) || {
		cat "$TMP/err" >&2
		return 1
	}
	T=$(awk '{ printf "%.2f %.2f", $1, $2 + $3 }' <<<"$out")
}

timed sqlite3 "$TMP/plain.db" ".import --csv $TMP/students.csv t"
read -r sq_wall sq_cpu <<<"$T"
sq_rows=$(sqlite3 "$TMP/plain.db" 'SELECT COUNT(*) FROM t')

active() { sqlite3 "$TMP/data/khet.db" "SELECT COUNT(*) FROM dmc_learners WHERE status = 'active'"; }
kh_before=$(active) # the demo's G-code learner
timed "$KHET" import students "$TMP/students.csv"
read -r kh_wall kh_cpu <<<"$T"
kh_rows=$(($(active) - kh_before))
[ "$kh_rows" -eq "$ROWS" ] && [ "$sq_rows" -eq "$ROWS" ] || {
	echo "bench-import: stored $kh_rows (khet) and $sq_rows (sqlite3) rows of $ROWS" >&2
	exit 1
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
verdict() { awk -v r="$1" 'BEGIN { print (r != "-" && r <= 1.5) ? "PASS" : "MISS" }'; }
r_wall=$(ratio "$kh_wall" "$sq_wall")
r_cpu=$(ratio "$kh_cpu" "$sq_cpu")
stamp=$(date -u +%Y%m%d-%H%M%S)
{
	printf 'import bench %s: %d learners, %d MB of CSV, %d schools, SQLite\n' "$stamp" "$ROWS" $((bytes >> 20)) $((SCHOOLS * 2))
	printf '%-34s %10s %10s\n' '' 'wall s' 'cpu s'
	printf '%-34s %10s %10s\n' 'sqlite3 .import (empty table)' "$sq_wall" "$sq_cpu"
	printf '%-34s %10s %10s\n' 'khet import students (checked)' "$kh_wall" "$kh_cpu"
	printf '%-34s %10s %10s   target <= 1.50: %s (wall), %s (cpu)\n' 'ratio' "$r_wall" "$r_cpu" "$(verdict "$r_wall")" "$(verdict "$r_cpu")"
} | tee "$TMP/report.txt"
mkdir -p "$RESULTS"
cp "$TMP/report.txt" "$RESULTS/import-$stamp.txt"
cp "$TMP/report.txt" "$RESULTS/import-latest.txt"
