#!/bin/bash
# `make bench-national`: the student census (DMC, issue 12) at national
# scale on PostgreSQL, and its round day. It
#  1. starts a throw-away PostgreSQL 15 cluster (scripts/pg-test.sh), runs
#     `khet migrate` and a small `khet demo` (its rounds and two demo areas);
#  2. generates the nation with set-based SQL (bench/national.sql:
#     generate_series, no per-row page functions): NAT_AREAS areas,
#     NAT_SCHOOLS schools, about NAT_LEARNERS learners, the counters
#     (dmc_counts, dmc_area_counts, dmc_round_area_progress) made from the rows, the last round
#     certified by every school, the round now open, and the bench's people
#     with their sessions; then VACUUM ANALYZE;
#  3. checks that the counters equal a count of the rows (the run stops if
#     not: a bench of wrong figures is a lie);
#  4. starts `khet serve` and measures with wrk (NAT_CONNECTIONS = 64
#     connections, bench/wrk.lua) the three pages of the issue, each target
#     printed PASS/MISS:
#       list      a school's learner list, 40 a page in Thai name order, over
#                 50 schools of the round-day area and several pages each, as
#                 the area's census officer: >= 5,000 req/s, p99 <= 30 ms
#       area      the round-day area's dashboard (300 schools): >= 2,000
#                 req/s, p99 <= 50 ms
#       national  the national dashboard, as OBEC's viewer: p99 <= 200 ms
#  5. the round day: NAT_RD schools of one area (300–2,000 learners each)
#     confirm and then certify at once (bench/roundday.mjs: a flow per
#     school, officer then director, each opening the school page for its
#     CSRF field and posting), while wrk keeps asking the learner list;
#     every school must succeed (checked in the answers and then in the
#     database: certified rows, snapshot rows = the schools' learners), p99
#     of the POSTs <= 1 s, and the list's p99 meanwhile against its own
#     before;
#  6. prints the report and writes it to bench/results/national-latest.txt
#     and a dated copy.
# Environment: NAT_AREAS (245), NAT_SCHOOLS (29000), NAT_LEARNERS (7000000),
# NAT_RD (300), NAT_SECONDS (10) per page, NAT_WARMUP (2), NAT_CONNECTIONS
# (64), NAT_THREADS (2, wrk's), NAT_WORKERS (server threads, 2: one per
# core), NAT_RD_WORKERS (server threads on the round day, 8: a
# certification waits on PostgreSQL's disk and locks, not only on CPU),
# NAT_TIMEOUT (10 s: wrk's --timeout; a page with a timed-out request
# misses its p99, since wrk leaves those out of its latencies),
# NAT_KEEP=1 keeps the cluster and prints its URL instead of removing it,
# BENCH_RESULTS (bench/results).
# A small run on a shared machine: NAT_SCHOOLS=3000 NAT_LEARNERS=200000
# make bench-national (the round-day area keeps its NAT_RD schools).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

NAT_AREAS=${NAT_AREAS:-245}
NAT_SCHOOLS=${NAT_SCHOOLS:-29000}
NAT_LEARNERS=${NAT_LEARNERS:-7000000}
NAT_RD=${NAT_RD:-300}
NAT_SECONDS=${NAT_SECONDS:-10}
NAT_WARMUP=${NAT_WARMUP:-2}
NAT_CONNECTIONS=${NAT_CONNECTIONS:-64}
NAT_THREADS=${NAT_THREADS:-2}
NAT_WORKERS=${NAT_WORKERS:-2}
NAT_RD_WORKERS=${NAT_RD_WORKERS:-8}
NAT_KEEP=${NAT_KEEP:-0}
NAT_TIMEOUT=${NAT_TIMEOUT:-10}
BENCH_RESULTS=${BENCH_RESULTS:-$ROOT/bench/results}

die() {
	printf '\nbench-national: FAILED: %s\n' "$*" >&2
	exit 1
}
for v in NAT_AREAS NAT_SCHOOLS NAT_LEARNERS NAT_RD NAT_SECONDS NAT_WARMUP NAT_CONNECTIONS NAT_THREADS NAT_WORKERS \
	NAT_RD_WORKERS NAT_TIMEOUT; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive whole number, not '${!v}'"
done
[ "$NAT_AREAS" -ge 4 ] || die "NAT_AREAS must be at least 4 (2 demo areas, the round-day area, one more)"
[ "$NAT_SCHOOLS" -gt $((NAT_RD + 4 + NAT_AREAS)) ] || die "NAT_SCHOOLS is too small for NAT_RD and NAT_AREAS"

KHET=$ROOT/bin/khet
PG_TEST=$ROOT/scripts/pg-test.sh
[ -x "$KHET" ] || die "$KHET is missing — run make bench-national (it builds first)"
for c in wrk curl psql node; do command -v $c >/dev/null || die "$c is not installed"; done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/khet-natbench.XXXXXX")
# beside $TMP, not in it: as root the postgres user must reach it
PG_DIR=$(mktemp -u "${TMPDIR:-/tmp}/khet-natbench-pg.XXXXXX")
SRV=
WRKBG=
cleanup() {
	if [ -n "$WRKBG" ] && kill -0 "$WRKBG" 2>/dev/null; then kill -INT "$WRKBG" 2>/dev/null || true; fi
	if [ -n "$SRV" ] && kill -0 "$SRV" 2>/dev/null; then
		kill -TERM "$SRV" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$SRV" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$SRV" 2>/dev/null || true
	fi
	if [ "$NAT_KEEP" = 1 ] && [ -n "${PG_URL:-}" ]; then
		echo "bench-national: cluster kept: $PG_URL (scripts/pg-test.sh stop $PG_DIR removes it)" >&2
	else
		"$PG_TEST" stop "$PG_DIR" >/dev/null 2>&1 || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
unset KHET_LISTEN KHET_WORKERS KHET_DEV KHET_TEST_ROUTES KHET_QUIET KHET_STATIC 2>/dev/null || true

now_ms() { date +%s%3N; }
secs_since() { awk -v ms=$(($(now_ms) - $1)) 'BEGIN { printf "%.1f", ms / 1000 }'; }
load1() { awk '{ print $1 }' /proc/loadavg; }
cpus=$(nproc)
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none)
git -C "$ROOT" diff --quiet HEAD 2>/dev/null || commit="$commit+changes"
LOG=$TMP/log.txt
note() { printf 'bench-national: %s\n' "$*" | tee -a "$LOG"; }

# ---- 1. cluster, schema, a small demo ------------------------------------------------
PG_URL=$("$PG_TEST" start "$PG_DIR") || die "the PostgreSQL cluster did not start"
# the national data is a few GB: give the server cache room, then restart
psql "$PG_URL" -qAtX -c "ALTER SYSTEM SET shared_buffers = '1GB'" -c "ALTER SYSTEM SET max_wal_size = '8GB'" \
	-c "ALTER SYSTEM SET checkpoint_timeout = '30min'" >/dev/null
"$PG_TEST" down "$PG_DIR" >/dev/null && "$PG_TEST" up "$PG_DIR" >/dev/null || die "the cluster did not restart"
export KHET_DATA=$TMP/data KHET_DB=$PG_URL
mkdir -p "$KHET_DATA"
note "PostgreSQL $PG_URL; load average $(load1) on $cpus CPUs before the run"
"$KHET" demo --schools 2 --requests 0 --indicators 2 --staff 0 --students 30 >"$TMP/demo.out" 2>&1 ||
	{ cat "$TMP/demo.out" >&2; die "khet demo failed"; }

# ---- 2. the nation ----------------------------------------------------------------------
note "generating $NAT_AREAS areas, $NAT_SCHOOLS schools, about $NAT_LEARNERS learners (round-day area: $NAT_RD schools)"
t0=$(now_ms)
psql "$PG_URL" -qX -v areas="$NAT_AREAS" -v schools="$NAT_SCHOOLS" -v learners="$NAT_LEARNERS" -v rd="$NAT_RD" \
	-v now="$(date +%s)" -f "$ROOT/bench/national.sql" >"$TMP/gen.out" 2>&1 ||
	{ tail -n 20 "$TMP/gen.out" >&2; die "bench/national.sql failed"; }
gen_s=$(secs_since "$t0")
declare -A G=()
while IFS='=' read -r k v; do [ -n "$k" ] && G[$k]=$v; done < <(grep -E '^[a-z_]+=[0-9]+$' "$TMP/gen.out")
for k in round prev_round rd_area areas schools learners rd_learners; do
	[ -n "${G[$k]:-}" ] || { cat "$TMP/gen.out" >&2; die "bench/national.sql did not say $k"; }
done
t0=$(now_ms)
psql "$PG_URL" -qAtX -c "VACUUM ANALYZE" >/dev/null
vac_s=$(secs_since "$t0")
db_mb=$(psql "$PG_URL" -qAtX -c "SELECT round(pg_database_size('khet') / 1048576.0)")
note "generated in $gen_s s (VACUUM ANALYZE $vac_s s): ${G[areas]} areas, ${G[schools]} schools, ${G[learners]} learners, database $db_mb MB"

# ---- 3. the counters agree with the rows ---------------------------------------------------
bad=$(psql "$PG_URL" -qAtX -c "
	SELECT (SELECT COUNT(*) FROM (SELECT school_id, grade, sex, COUNT(*) AS n FROM dmc_learners
		WHERE status = 'active' GROUP BY 1, 2, 3) x FULL JOIN (SELECT * FROM dmc_counts WHERE n > 0) c
		USING (school_id, grade, sex) WHERE x.n IS DISTINCT FROM c.n)
	     + (SELECT COUNT(*) FROM (SELECT s.area_id, c.grade, c.sex, SUM(c.n) AS n FROM dmc_counts c
		JOIN schools s ON s.id = c.school_id GROUP BY 1, 2, 3 HAVING SUM(c.n) > 0) x
		FULL JOIN (SELECT * FROM dmc_area_counts WHERE n > 0) a USING (area_id, grade, sex)
		WHERE x.n IS DISTINCT FROM a.n)
	     + (SELECT COUNT(*) FROM areas a WHERE school_count <> (SELECT COUNT(*) FROM schools s WHERE s.area_id = a.id))
	     + (SELECT COUNT(*) FROM (SELECT rs.round_id, s.area_id, COUNT(rs.confirmed_at) AS confirmed,
		COUNT(rs.certified_at) AS certified, COUNT(rs.acknowledged_at) AS acknowledged,
		COALESCE(SUM(rs.certified_male) FILTER (WHERE rs.certified_at IS NOT NULL), 0) AS certified_male,
		COALESCE(SUM(rs.certified_female) FILTER (WHERE rs.certified_at IS NOT NULL), 0) AS certified_female
		FROM dmc_round_schools rs JOIN schools s ON s.id = rs.school_id GROUP BY 1, 2) x
		FULL JOIN (SELECT * FROM dmc_round_area_progress WHERE confirmed + certified + acknowledged > 0) p
		USING (round_id, area_id)
		WHERE (x.confirmed, x.certified, x.acknowledged, x.certified_male, x.certified_female)
		IS DISTINCT FROM (p.confirmed, p.certified, p.acknowledged, p.certified_male, p.certified_female))")
[ "$bad" = 0 ] || die "$bad counter rows differ from a count of the rows"
note "counters: dmc_counts, dmc_area_counts, dmc_round_area_progress and areas.school_count equal a count of the rows"

# ---- 4. the pages -------------------------------------------------------------------------
start_khet() {
	local workers=$1
	shift
	"$KHET" serve --listen 127.0.0.1:0 --quiet --workers "$workers" --static "$ROOT/static/dist" "$@" \
		>"$TMP/serve.out" 2>"$TMP/serve.err" &
	SRV=$!
	BASE=
	for _ in $(seq 300); do
		BASE=$(grep -o 'http://[^/ ]*' "$TMP/serve.out" 2>/dev/null | head -n1 || true)
		[ -n "$BASE" ] && break
		kill -0 "$SRV" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$BASE" ] || { cat "$TMP/serve.out" "$TMP/serve.err" >&2; die "khet serve did not start"; }
}
stop_khet() {
	kill -TERM "$SRV"
	for _ in $(seq 100); do kill -0 "$SRV" 2>/dev/null || break; sleep 0.1; done
	wait "$SRV" 2>/dev/null || true
	SRV=
}
cookie_of() { printf 'khet_session=%s' "$(printf '%-43s' "bench$1" | tr ' ' 0)"; }

# the round-day area's schools, in id order
mapfile -t RD_SCHOOLS < <(psql "$PG_URL" -qAtX -c "SELECT id FROM schools WHERE area_id = ${G[rd_area]} ORDER BY id")
[ ${#RD_SCHOOLS[@]} -ge 50 ] || die "the round-day area has ${#RD_SCHOOLS[@]} schools, fewer than 50"
LIST_URLS=()
for k in $(seq 0 49); do LIST_URLS+=("/dmc/schools/${RD_SCHOOLS[$k]}/learners?page=$((1 + k % 8))"); done

P_NAME=(list area national) P_RPS=(5000 2000 -) P_P99=(30 50 200)
P_WHO=(area area obec)
declare -A R=()
check_urls() {
	local cookie=$1 u code
	shift
	for u in "$@"; do
		code=$(curl -s -o "$TMP/body" -w '%{http_code}' -H "Cookie: $cookie" "$BASE$u" || echo 000)
		[ "$code" = 200 ] || { head -c 400 "$TMP/body" >&2; die "GET $u answered $code, not 200"; }
	done
}
# wrk on URLS as COOKIE for SECONDS; the BENCH line's figures into R[name.*]
run_wrk() {
	local name=$1 cookie=$2 secs=$3 line kv
	shift 3
	BENCH_COOKIE=$cookie wrk -t"$NAT_THREADS" -c"$NAT_CONNECTIONS" -d"${secs}s" --timeout "${NAT_TIMEOUT}s" --latency \
		-s "$ROOT/bench/wrk.lua" "$BASE/" -- "$@" >"$TMP/wrk.$name" 2>&1 || { cat "$TMP/wrk.$name" >&2; die "wrk failed on $name"; }
	parse_wrk "$name"
}
parse_wrk() {
	local name=$1 line kv
	line=$(grep '^BENCH ' "$TMP/wrk.$name" || true)
	[ -n "$line" ] || { cat "$TMP/wrk.$name" >&2; die "no BENCH line in wrk's output for $name"; }
	declare -A m=()
	for kv in ${line#BENCH }; do m[${kv%%=*}]=${kv#*=}; done
	[ "${m[non2xx]}" = 0 ] || die "$name: ${m[non2xx]} answers were not 2xx/3xx"
	R[$name.rps]=$(awk -v r="${m[requests]}" -v d="${m[duration_us]}" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
	R[$name.p50]=$(awk -v u="${m[p50_us]}" 'BEGIN { printf "%.2f", u / 1000 }')
	R[$name.p99]=$(awk -v u="${m[p99_us]}" 'BEGIN { printf "%.2f", u / 1000 }')
	R[$name.bytes]=$(awk -v b="${m[bytes]}" -v r="${m[requests]}" 'BEGIN { printf "%.0f", b / r }')
	R[$name.sock]=$((m[connect] + m[read] + m[write] + m[timeout]))
	R[$name.timeouts]=${m[timeout]}
	R[$name.requests]=${m[requests]}
}
verdict() { # value target cmp
	[ "$2" = - ] && { echo -; return; }
	if awk -v a="$1" -v t="$2" -v c="$3" 'BEGIN { exit !(c == "ge" ? a >= t : a <= t) }'; then echo PASS; else echo MISS; fi
}

start_khet "$NAT_WORKERS"
note "khet serve at $BASE, $NAT_WORKERS workers"
for i in "${!P_NAME[@]}"; do
	name=${P_NAME[$i]}
	cookie=$(cookie_of "${P_WHO[$i]}")
	case $name in
	list) urls=("${LIST_URLS[@]}") ;;
	area) urls=("/dmc/areas/${G[rd_area]}") ;;
	national) urls=("/dmc/areas") ;;
	esac
	check_urls "$cookie" "${urls[@]}"
	note "$name: ${urls[0]}$([ ${#urls[@]} -gt 1 ] && echo " (and $((${#urls[@]} - 1)) more)"): warm-up $NAT_WARMUP s, run $NAT_SECONDS s, load $(load1)"
	run_wrk "$name.warm" "$cookie" "$NAT_WARMUP" "${urls[@]}"
	run_wrk "$name" "$cookie" "$NAT_SECONDS" "${urls[@]}"
	R[$name.load]=$(load1)
	R[$name.rps_ok]=$(verdict "${R[$name.rps]}" "${P_RPS[$i]}" ge)
	R[$name.p99_ok]=$(verdict "${R[$name.p99]}" "${P_P99[$i]}" le)
	# wrk leaves a request that timed out out of its latencies: then the
	# p99 it prints is not the p99 of what was asked
	if [ "${R[$name.timeouts]}" != 0 ] || [ "${R[$name.requests]}" = 0 ]; then R[$name.p99_ok]=MISS; fi
done
stop_khet

# ---- 5. the round day --------------------------------------------------------------------
RD_LIST=$(IFS=,; echo "${RD_SCHOOLS[*]:0:$NAT_RD}")
# 300 schools at once and wrk's 64 connections all come from 127.0.0.1 here;
# in life they come from 300 addresses: no per-address cap for this run
start_khet "$NAT_RD_WORKERS" --max-conn-per-ip 0
note "round day: $NAT_RD schools (${G[rd_learners]} learners) confirm and certify round ${G[round]} at once; khet serve with $NAT_RD_WORKERS workers; load $(load1)"
cookie=$(cookie_of area)
# the list alone on this server first, then the same during the round day
run_wrk rd_list_warm "$cookie" "$NAT_WARMUP" "${LIST_URLS[@]}"
run_wrk rd_list_before "$cookie" "$NAT_SECONDS" "${LIST_URLS[@]}"
BENCH_COOKIE=$cookie wrk -t"$NAT_THREADS" -c"$NAT_CONNECTIONS" -d600s --timeout "${NAT_TIMEOUT}s" --latency -s "$ROOT/bench/wrk.lua" \
	"$BASE/" -- "${LIST_URLS[@]}" >"$TMP/wrk.rd_list_during" 2>&1 &
WRKBG=$!
sleep 1
t0=$(now_ms)
rd_rc=0
node "$ROOT/bench/roundday.mjs" "$BASE" "${G[round]}" "$RD_LIST" >"$TMP/roundday.out" 2>"$TMP/roundday.err" || rd_rc=$?
rd_s=$(secs_since "$t0")
rd_load=$(load1)
kill -INT "$WRKBG" 2>/dev/null || true
wait "$WRKBG" 2>/dev/null || true
WRKBG=
parse_wrk rd_list_during
stop_khet
cat "$TMP/roundday.err" >&2
line=$(grep '^ROUNDDAY ' "$TMP/roundday.out" || true)
[ -n "$line" ] || { cat "$TMP/roundday.out" >&2; die "the round-day client printed no result"; }
declare -A D=()
for kv in ${line#ROUNDDAY }; do D[${kv%%=*}]=${kv#*=}; done
# and in the database: each school certified once, its snapshot its learners
read -r db_cert db_snap db_want < <(psql "$PG_URL" -qAtX -F ' ' -c "
	SELECT (SELECT COUNT(*) FROM dmc_round_schools WHERE round_id = ${G[round]} AND certified_at IS NOT NULL
		AND school_id IN ($RD_LIST)),
	       (SELECT COUNT(*) FROM dmc_snapshot WHERE round_id = ${G[round]} AND school_id IN ($RD_LIST)),
	       (SELECT COUNT(*) FROM dmc_learners WHERE status = 'active' AND school_id IN ($RD_LIST))")
rd_all_ok=FAIL
[ "$rd_rc" = 0 ] && [ "${D[ok]}" = "$NAT_RD" ] && [ "$db_cert" = "$NAT_RD" ] && [ "$db_snap" = "$db_want" ] && rd_all_ok=PASS
rd_p99_ok=$(verdict "${D[post_p99_ms]}" 1000 le)

# ---- 6. report -------------------------------------------------------------------------------
stamp=$(date +%Y%m%d-%H%M%S)
report() {
	printf 'Khet bench-national, %s\n' "$(date '+%Y-%m-%d %H:%M:%S %Z')"
	printf '%s, commit %s; %d CPUs (%s)\n' "$("$KHET" version 2>/dev/null || echo khet)" "$commit" "$cpus" \
		"$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	printf 'PostgreSQL 15 (scripts/pg-test.sh, fsync off, shared_buffers 1GB): %s areas, %s schools, %s learners,\n' \
		"${G[areas]}" "${G[schools]}" "${G[learners]}"
	printf 'generated with set-based SQL in %s s (+ VACUUM ANALYZE %s s), database %s MB; counters checked equal to the rows.\n' \
		"$gen_s" "$vac_s" "$db_mb"
	printf 'wrk -t%d -c%d -d%ss --latency after %ss warm-up, khet serve --workers %d; wrk on the same machine.\n\n' \
		"$NAT_THREADS" "$NAT_CONNECTIONS" "$NAT_SECONDS" "$NAT_WARMUP" "$NAT_WORKERS"
	printf '%-9s %-44s %8s %8s %8s %7s %6s  %s\n' page path "req/s" "p50 ms" "p99 ms" bytes load targets
	local i name t path
	for i in "${!P_NAME[@]}"; do
		name=${P_NAME[$i]}
		case $name in
		list) path="/dmc/schools/{50 schools}/learners?page={1..8}" ;;
		area) path="/dmc/areas/${G[rd_area]} ($NAT_RD schools)" ;;
		national) path="/dmc/areas (national, ${G[areas]} areas)" ;;
		esac
		t=""
		[ "${P_RPS[$i]}" != - ] && t="req/s >= ${P_RPS[$i]} ${R[$name.rps_ok]}, "
		t="${t}p99 <= ${P_P99[$i]} ms ${R[$name.p99_ok]}"
		[ "${R[$name.timeouts]}" != 0 ] && t="$t (${R[$name.timeouts]} requests timed out after ${NAT_TIMEOUT} s)"
		printf '%-9s %-44s %8s %8s %8s %7s %6s  %s\n' "$name" "$path" "${R[$name.rps]}" "${R[$name.p50]}" \
			"${R[$name.p99]}" "${R[$name.bytes]}" "${R[$name.load]}" "$t"
	done
	printf '\nround day: %s schools of one area (%s learners, 300-2,000 each) confirm then certify at once\n' \
		"$NAT_RD" "${G[rd_learners]}"
	printf '(a flow per school: the officer opens the school page and confirms, then the director opens it and\n'
	printf ' certifies; khet serve --workers %d --max-conn-per-ip 0), while wrk asks the learner list:\n' "$NAT_RD_WORKERS"
	printf '  schools succeeded %s of %s (database: %s certified, %s snapshot rows for %s learners)   every one succeeds %s\n' \
		"${D[ok]}" "$NAT_RD" "$db_cert" "$db_snap" "$db_want" "$rd_all_ok"
	printf '  POSTs (%s): p50 %s ms, p99 %s ms, max %s ms; all requests p99 %s ms; wall %s ms   p99 <= 1 s %s\n' \
		"${D[posts]}" "${D[post_p50_ms]}" "${D[post_p99_ms]}" "${D[post_max_ms]}" "${D[all_p99_ms]}" "${D[wall_ms]}" "$rd_p99_ok"
	printf '  learner list on the same server: before %s req/s p99 %s ms; during the round day %s req/s p99 %s ms (load %s; timeouts %s/%s)\n' \
		"${R[rd_list_before.rps]}" "${R[rd_list_before.p99]}" "${R[rd_list_during.rps]}" "${R[rd_list_during.p99]}" "$rd_load" \
		"${R[rd_list_before.timeouts]}" "${R[rd_list_during.timeouts]}"
	printf '  (the "during" run lasts from 1 s before the first school to the last answer, %s s)\n' "$rd_s"
	local n=0
	for name in "${P_NAME[@]}"; do
		[ "${R[$name.rps_ok]}" = MISS ] && n=$((n + 1))
		[ "${R[$name.p99_ok]}" = MISS ] && n=$((n + 1))
	done
	[ "$rd_p99_ok" = MISS ] && n=$((n + 1))
	[ "$rd_all_ok" = FAIL ] && n=$((n + 1))
	printf '\n(load: the 1-minute load average when the page was measured; the machine has %d CPUs and is shared,\n' "$cpus"
	printf ' so a load well above %d means other processes took most of the time and the figures are low)\n' "$cpus"
	if [ "$n" -eq 0 ]; then printf '\nRESULT: every target PASSED\n'; else printf '\nRESULT: %d target(s) MISSED\n' "$n"; fi
}
echo
report | tee "$TMP/report.txt"
mkdir -p "$BENCH_RESULTS"
{
	cat "$TMP/report.txt"
	printf '\n---- log ----\n'
	cat "$LOG"
	for f in list area national rd_list_before rd_list_during; do
		printf '\n---- wrk output, %s ----\n' "$f"
		cat "$TMP/wrk.$f"
	done
} >"$BENCH_RESULTS/national-$stamp.txt"
cp "$BENCH_RESULTS/national-$stamp.txt" "$BENCH_RESULTS/national-latest.txt"
printf '\nbench-national: written to %s/national-latest.txt and national-%s.txt\n' "${BENCH_RESULTS#"$ROOT"/}" "$stamp"
[ "$rd_all_ok" = PASS ] || die "the round day did not succeed for every school (see above)"
