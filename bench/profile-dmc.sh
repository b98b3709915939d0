#!/bin/bash
# bench/profile-dmc.sh: instructions per request of the census dashboards
# (bench/README.md "bench-national", "What the pages do"), with callgrind —
# deterministic, unlike time on a shared machine. DATA holds a khet.db made
# by `khet demo` (see the README for the scales used), whose user `citizen`
# has the dmc_viewer role (OBEC's national view):
#   sqlite3 DATA/khet.db "INSERT INTO grants (user_id, role, granted_at)
#     SELECT id, 'dmc_viewer', 0 FROM users WHERE username = 'citizen'"
# It starts `KHET [default bin/khet] serve --workers 1` under callgrind,
# signs in as `citizen` and `dmcarea` (the first area's census officer),
# asks each page N times with curl between `callgrind_control -z` and
# `-d NAME`, and prints per request: thousands of instructions in all, in
# sqlite3_step, db_rows_json, tmpl_render_watch, personal_collect and
# layout_hook (inclusive). The .ann files stay in OUT.
#   bench/profile-dmc.sh DATA OUT [N=20] [NATIONAL-QUERY] [AREA-QUERY]
#   e.g. bench/profile-dmc.sh /tmp/d /tmp/p 20 '?round=2' ''
# PROFILE_DB=postgres://… profiles on that PostgreSQL database instead (a
# `khet demo` made there, e.g. on scripts/pg-test.sh's cluster; the grant
# above given with psql); PostgreSQL's own work is then not in the count.
set -euo pipefail
cd "$(dirname "$0")/.."
D=$1 OUT=$2 N=${3:-20} NQ=${4:-} AQ=${5:-}
KHET=${KHET:-bin/khet}
mkdir -p "$OUT"
export KHET_DATA=$D KHET_DB=${PROFILE_DB:-sqlite:$D/khet.db}
unset KHET_LISTEN KHET_WORKERS KHET_QUIET 2>/dev/null || true
valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.%p.out" \
	"$KHET" serve --listen 127.0.0.1:0 --quiet --workers 1 >"$OUT/srv.out" 2>"$OUT/srv.err" &
VG=$!
trap 'kill -TERM $VG 2>/dev/null || true' EXIT
BASE=
for _ in $(seq 600); do
	BASE=$(grep -o 'http://[^/ ]*' "$OUT/srv.out" 2>/dev/null | head -n1 || true)
	[ -n "$BASE" ] && break
	sleep 0.2
done
[ -n "$BASE" ] || { cat "$OUT/srv.err" >&2; exit 1; }
signin() {
	local jar=$OUT/jar.$1 csrf
	curl -s -c "$jar" -b "$jar" -o "$OUT/signin.html" "$BASE/signin"
	csrf=$(grep -o 'name="_csrf" value="[^"]*"' "$OUT/signin.html" | head -n1 | sed 's/.*value="//; s/"$//')
	curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "_csrf=$csrf" --data-urlencode "login=$1" \
		--data-urlencode "password=khet-demo-2567" "$BASE/signin"
	awk '(/^#HttpOnly_/ || !/^#/) && NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$jar"
}
page() { # NAME COOKIE PATH
	local name=$1 ck=$2 path=$3 urls=() i
	for ((i = 0; i < N; i++)); do urls+=("$BASE$path" -o /dev/null); done
	curl -s -H "Cookie: $ck" -o "$OUT/$name.html" "$BASE$path"
	callgrind_control -z $VG >/dev/null
	curl -s -H 'Accept: text/html' -H 'Accept-Encoding: gzip' -H "Cookie: $ck" "${urls[@]}"
	callgrind_control -d "$name" $VG >/dev/null
	# shellcheck disable=SC2012 # callgrind names its dumps cg.PID.out.N
	mv "$(ls -t "$OUT"/cg.*.out.* | head -n1)" "$OUT/$name.cg"
}
AREA_SQL="SELECT area_id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'dmcarea' AND g.area_id IS NOT NULL LIMIT 1"
case $KHET_DB in
postgres*) AREA=$(psql -At "$KHET_DB" -c "$AREA_SQL") ;;
*) AREA=$(sqlite3 "$D/khet.db" "$AREA_SQL") ;;
esac
page national "$(signin citizen)" "/dmc/areas$NQ"
page area "$(signin dmcarea)" "/dmc/areas/$AREA$AQ"
kill -TERM $VG
wait $VG 2>/dev/null || true
trap - EXIT
printf '%-9s %9s %9s %9s %9s %9s %9s   (thousands of instructions a request, N=%d)\n' page total sqlite3_step rows_json template personal layout "$N"
for name in national area; do
	f=$OUT/$name.cg
	callgrind_annotate --inclusive=yes --threshold=100 "$f" >"$OUT/$name.ann" 2>/dev/null
	tot=$(grep -m1 'PROGRAM TOTALS' "$OUT/$name.ann" | awk '{ gsub(",", "", $1); print $1 }')
	fn() { awk -v f="$1" '$0 ~ ("[ :]" f "( |$|\\[)") { gsub(",", "", $1); print $1; exit }' "$OUT/$name.ann"; }
	printf '%-9s' "$name"
	for v in "$tot" "$(fn sqlite3_step)" "$(fn db_rows_json)" "$(fn tmpl_render_watch)" "$(fn personal_collect)" "$(fn layout_hook)"; do
		printf ' %9d' $(((${v:-0} + 500) / 1000 / N))
	done
	printf '\n'
done
