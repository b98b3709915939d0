#!/bin/bash
# `make bench`: measures what a visitor gets from the real binary. It makes
# a fresh SQLite data folder with the demo areas and 30,000 schools, starts
# `khet serve`, and for each page below warms up, then runs wrk (64
# connections) and reads requests/s and the exact p50/p99 latency; at the
# end it reads the server's peak RSS. It prints a table with each figure
# checked against its target, and writes the same to bench/results/
# (latest.txt, latest.json and a dated copy of both). A missed target is
# reported, not failed: the bench measures, tests assert. It does fail when
# a page answers anything but 200, because a bench of error pages is a lie.
#
# The limit, in the same run: nginx (Debian's nginx-light, 2 workers, no
# gzip, no access log) serves the exact bytes Khet answered for
# /areas/1/schools?page=1 as a static file, measured by the same wrk with the
# same connections, threads and duration; each Khet page's req/s is also
# given as a percentage of that, and a target may be such a percentage
# ("30%"), which holds however busy the shared machine is.
#
# Environment: BENCH_SECONDS (10) per page, BENCH_WARMUP (2) seconds,
# BENCH_CONNECTIONS (64), BENCH_THREADS (2, wrk's), BENCH_WORKERS (server
# threads), BENCH_SCHOOLS (15000 per area, 2 areas), BENCH_REQUESTS (One
# Stop Service requests, 200000), BENCH_PAGES (names of the pages to run,
# default all), BENCH_RESULTS (folder, bench/results).
# BENCH_IMPORT=0 leaves out the census import part at the end
# (bench/import.sh: BENCH_IMPORT_ROWS, 1000000; BENCH_IMPORT_SCHOOLS, 1700).
#
# PostgreSQL part (pages pg_* and pgr_*; BENCH_PG=0 leaves it out): after the
# SQLite pages, a throw-away primary (scripts/pg-test.sh) gets its own demo
# data — the national shape: BENCH_PG_AREAS area offices (245, `khet demo
# --areas`) x BENCH_PG_SCHOOLS schools (118: 28,910 schools, the national
# figure), BENCH_PG_STAFF personnel records (450000) and BENCH_PG_REQUESTS
# (200000) — then a streaming standby is made of it (pg_basebackup). The
# pg_* pages are measured on `khet serve` against the primary alone; then a
# second `khet serve --db-read STANDBY` serves the pgr_* pages (issue 16
# item 3: the KPI public statistics and the OSS dashboard, with and without
# a replica, printed side by side). The personnel pages (issue 13) are
# measured on the primary.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

BENCH_SECONDS=${BENCH_SECONDS:-10}
BENCH_WARMUP=${BENCH_WARMUP:-2}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-64}
BENCH_THREADS=${BENCH_THREADS:-2}
# Worker threads of the server: one per core. Measured on the 2-core machine
# (schools page, quiet runs): 2 workers ~17,500 req/s with p99 8-9 ms; 4 gave
# ~17,000-22,000 req/s but p99 10-17 ms, 8 ~21,000 req/s with p99 ~19 ms —
# more threads than cores win CPU from wrk and pay it in time-slice waits.
BENCH_WORKERS=${BENCH_WORKERS:-2}
BENCH_SCHOOLS=${BENCH_SCHOOLS:-15000}
BENCH_REQUESTS=${BENCH_REQUESTS:-200000}
BENCH_PAGES=${BENCH_PAGES:-}
BENCH_RESULTS=${BENCH_RESULTS:-$ROOT/bench/results}
BENCH_PG=${BENCH_PG:-1}
BENCH_PG_AREAS=${BENCH_PG_AREAS:-245}
BENCH_PG_SCHOOLS=${BENCH_PG_SCHOOLS:-118}
BENCH_PG_STAFF=${BENCH_PG_STAFF:-450000}
BENCH_PG_REQUESTS=${BENCH_PG_REQUESTS:-200000}
RSS_MAX_MB=64

# The pages, one line each:
#   page NAME PATH [MIN_REQ_PER_S|MIN_PERCENT_OF_NGINX%|-] [MAX_P99_MS|-] [LOGIN|-] [sqlite|pg|pgr]
# PATH may hold one {A..B}: wrk cycles through every page of that range;
# {FY} is the current Thai fiscal year; {LASTMONTH} the month before this one
# (YYYY-MM, CE). @NAME is the URL of a built asset,
# looked up in static/dist/manifest.json. A target left out (or -) is
# measured and printed but not checked. LOGIN: the demo user the page is
# asked as (signed in once with curl; wrk sends the session cookie), or
# token:LOGIN, a script with an API token of that demo user (made once with
# `khet token add --scopes oss:read …`; wrk sends Authorization: Bearer).
# !nginx is nginx serving the schools page's bytes (always run, first: the
# percentages are of it). The last word says which server answers: the
# SQLite one (default), pg (PostgreSQL primary alone) or pgr (the same
# primary with --db-read on its streaming standby); a pgr_NAME page is
# shown side by side with pg_NAME.
pages() {
	page nginx    "!nginx"
	page static   "@app.css"
	page home     "/"
	page schools  "/areas/1/schools?page={1..50}" 30% 10
	# One Stop Service with BENCH_REQUESTS requests (issue 4): the
	# applicant's own list and the officer's list of his area
	page oss_my   "/oss/my?page={1..10}" 30% 10 citizen
	page oss_list "/oss/manage/list?page={1..50}" 30% 10 officer
	# KPI (200 indicators in the demo year): the all-periods matrix of the
	# monthly indicator (300 units, 12 periods) and the first area's public
	# statistics page
	# meeting rooms (issue 10.14b): the month before this one of each of
	# the first area's twelve rooms, whose demo bookings fill it (about
	# 60–150 a room), as the demo officer (an approver: the pending
	# badge's count is part of every page he gets)
	page rooms_cal "/oss/rooms/{1..12}/calendar?month={LASTMONTH}" 5000 20 officer
	page kpi_mx   "/kpi/indicators/2/matrix?page={1..12}" 2000 50 areaadmin1
	page kpi_pub  "/kpi/stats/{FY}?area=1" 2000 50
	# the API (issue 15): the demo officer's One Stop Service requests, 100
	# a page, asked by a script with a bearer token (token:LOGIN: made with
	# `khet token add`, sent as Authorization: Bearer, Accept JSON)
	page api_oss  "/api/v1/oss/requests?per_page=100&page={1..50}" 5000 20 token:officer
	# ---- PostgreSQL (BENCH_PG=0 leaves these out) ----
	# issue 16 item 3: the KPI public statistics (anonymous) and the OSS
	# dashboard (the demo officer, who sees it), without and with a read
	# replica; no target is given, the figures are printed
	page pg_kpi_pub   "/kpi/stats/{FY}?area=1" - - - pg
	page pg_oss_dash  "/oss/manage" - - officer pg
	# issue 13: the area's personnel completeness page and a school's staff
	# list (50 schools of the first area), as the first area's admin, with
	# BENCH_PG_STAFF records in 2 x BENCH_PG_SCHOOLS schools
	page pg_dpa_area  "/dpa/areas/1" 5000 30 areaadmin1 pg
	page pg_dpa_school "/dpa/schools/{1..50}" 5000 30 areaadmin1 pg
	# issue 15: the API's list on PostgreSQL (the same page as api_oss; its
	# figures are printed, the issue's target is api_oss's)
	page pg_api_oss   "/api/v1/oss/requests?per_page=100&page={1..50}" - - token:officer pg
	page pgr_kpi_pub  "/kpi/stats/{FY}?area=1" - - - pgr
	page pgr_oss_dash "/oss/manage" - - officer pgr
}

die() {
	printf '\nbench: FAILED: %s\n' "$*" >&2
	exit 1
}

KHET=$ROOT/bin/khet
WRK_LUA=$ROOT/bench/wrk.lua
MANIFEST=$ROOT/static/dist/manifest.json
[ -x "$KHET" ] || die "$KHET is missing — run make bench (it builds first)"
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
command -v curl >/dev/null || die "curl is not installed (apt-get install curl)"
NGINX=$(command -v nginx || true)
[ -n "$NGINX" ] || NGINX=/usr/sbin/nginx
[ -x "$NGINX" ] || die "nginx is not installed (scripts/install-deps.sh installs nginx-light)"
[ -f "$MANIFEST" ] || die "$MANIFEST is missing — run make (it builds the assets)"
for v in BENCH_SECONDS BENCH_WARMUP BENCH_CONNECTIONS BENCH_THREADS BENCH_WORKERS BENCH_SCHOOLS BENCH_REQUESTS \
	BENCH_PG_AREAS BENCH_PG_SCHOOLS BENCH_PG_STAFF BENCH_PG_REQUESTS; do
	if ! [[ ${!v} =~ ^[1-9][0-9]*$ ]]; then die "$v must be a positive whole number, not '${!v}'"; fi
done

# ---- the page list ---------------------------------------------------------
P_NAME=() P_PATH=() P_RPS=() P_P99=() P_USER=() P_SRV=()
page() {
	local name=$1 path=$2 rps=${3:--} p99=${4:--} user=${5:-} srv=${6:-sqlite}
	[ "$user" = - ] && user=
	if [ -n "$BENCH_PAGES" ] && [ "$name" != nginx ] && [[ " $BENCH_PAGES " != *" $name "* ]]; then
		return 0
	fi
	if [ "$srv" != sqlite ] && [ "$BENCH_PG" = 0 ]; then return 0; fi
	P_NAME+=("$name") P_PATH+=("$path") P_RPS+=("$rps") P_P99+=("$p99") P_USER+=("$user") P_SRV+=("$srv")
}
pages
[ ${#P_NAME[@]} -gt 0 ] || die "BENCH_PAGES='$BENCH_PAGES' names no page (pages: $(declare -f pages | awk '$1=="page"{printf "%s ", $2}'))"

asset_url() {
	local url
	url=$(tr ',{}' '\n' <"$MANIFEST" | awk -F'"' -v k="$1" '$2 == k { print $4; exit }')
	[ -n "$url" ] || die "asset $1 is not in $MANIFEST"
	printf '%s\n' "$url"
}

# The Thai fiscal year of today (October starts the next one).
FY=$(($(date +%Y) + 543 + ($(date +%-m) >= 10 ? 1 : 0)))

LASTMONTH=$(date -d "$(date +%Y-%m-15) -1 month" +%Y-%m)

# Prints the request paths of one page line, one a line.
expand_path() {
	local p=${1//\{FY\}/$FY}
	p=${p//\{LASTMONTH\}/$LASTMONTH}
	if [ "$p" = '!nginx' ]; then
		printf '%s\n' "$NGINX_URL"
	elif [[ $p == @* ]]; then
		asset_url "${p#@}"
	elif [[ $p =~ ^(.*)\{([0-9]+)\.\.([0-9]+)\}(.*)$ ]]; then
		local pre=${BASH_REMATCH[1]} a=${BASH_REMATCH[2]} b=${BASH_REMATCH[3]} post=${BASH_REMATCH[4]} k
		[ "$a" -le "$b" ] || die "bad range in $p"
		for ((k = a; k <= b; k++)); do printf '%s%s%s\n' "$pre" "$k" "$post"; done
	else
		printf '%s\n' "$p"
	fi
}

# ---- data and server -------------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/khet-bench.XXXXXX")
SRV=
NGX=
# the PostgreSQL part's clusters: beside $TMP, not in it (when run as root
# the postgres user must reach them, and mktemp -d folders are 0700)
PG_BASE=
PG_TEST=$ROOT/scripts/pg-test.sh
cleanup() {
	if [ -n "$NGX" ] && kill -0 "$NGX" 2>/dev/null; then
		kill -TERM "$NGX" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$NGX" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$NGX" 2>/dev/null || true
	fi
	if [ -n "$SRV" ] && kill -0 "$SRV" 2>/dev/null; then
		kill -TERM "$SRV" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$SRV" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$SRV" 2>/dev/null || true
	fi
	if [ -n "$PG_BASE" ]; then
		"$PG_TEST" stop "$PG_BASE-s" >/dev/null 2>&1 || true
		"$PG_TEST" stop "$PG_BASE-p" >/dev/null 2>&1 || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export KHET_DATA=$TMP KHET_DB=sqlite:$TMP/khet.db
unset KHET_LISTEN KHET_WORKERS KHET_DEV KHET_TEST_ROUTES KHET_QUIET KHET_STATIC 2>/dev/null || true
# the bench measures what a token's calls cost, not the per-token limit
# (1,200 a minute by default): the most KHET_API_RATE takes
export KHET_API_RATE=2592000

now_ms() { date +%s%3N; }
cpus=$(nproc)
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
version=$("$KHET" version 2>/dev/null || echo "khet ?")
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "none")
if ! git -C "$ROOT" diff --quiet HEAD 2>/dev/null; then commit="$commit+changes"; fi

schools_total=$((2 * BENCH_SCHOOLS))
printf 'bench: making demo data (2 areas x %d schools, %d requests) in %s\n' "$BENCH_SCHOOLS" "$BENCH_REQUESTS" "$TMP"
t0=$(now_ms)
"$KHET" demo --schools "$BENCH_SCHOOLS" --requests "$BENCH_REQUESTS" --indicators 200 >"$TMP/demo.out" 2>&1 || { cat "$TMP/demo.out" >&2; die "khet demo failed"; }
demo_s=$(awk -v ms=$(($(now_ms) - t0)) 'BEGIN { printf "%.1f", ms / 1000 }')
db_mb=$(awk -v b="$(stat -c %s "$TMP/khet.db" 2>/dev/null || echo 0)" 'BEGIN { printf "%.1f", b / 1048576 }')
printf 'bench: demo data made in %s s (database %s MB)\n' "$demo_s" "$db_mb"

# Starts `khet serve` (extra arguments after the log name) on a free
# loopback port; sets SRV, BASE and SRV_ERR.
start_khet() {
	local log=$1
	shift
	"$KHET" serve --listen 127.0.0.1:0 --quiet --workers "$BENCH_WORKERS" --static "$ROOT/static/dist" "$@" \
		>"$TMP/$log.out" 2>"$TMP/$log.err" &
	SRV=$!
	SRV_ERR=$TMP/$log.err
	BASE=
	for _ in $(seq 300); do
		BASE=$(grep -o 'http://[^/ ]*' "$TMP/$log.out" 2>/dev/null | head -n1 || true)
		[ -n "$BASE" ] && break
		kill -0 "$SRV" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$BASE" ]; then
		cat "$TMP/$log.out" "$TMP/$log.err" >&2
		die "khet serve did not say it was ready within 30 s"
	fi
	printf 'bench: server pid %d at %s, %d workers, on %d CPUs %s\n' "$SRV" "$BASE" "$BENCH_WORKERS" "$cpus" "$*"
}

# Stops the server with SIGTERM; sets stop_rc and stop_note.
stop_khet() {
	kill -TERM "$SRV"
	stop_rc=0
	for _ in $(seq 100); do kill -0 "$SRV" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$SRV" 2>/dev/null; then
		stop_note="did NOT stop within 10 s of SIGTERM"
	else
		wait "$SRV" || stop_rc=$?
		stop_note="stopped on SIGTERM, exit code $stop_rc"
	fi
	SRV=
}

start_khet server
server_alive() {
	kill -0 "$SRV" 2>/dev/null && return 0
	echo "---- server stderr (last 30 lines) ----" >&2
	tail -n 30 "$SRV_ERR" >&2
	die "the server died while $1"
}

# CPU use during a run, to tell how the 2 cores were shared: the server's
# utime+stime (clock ticks), wrk's (this shell's finished children, read by
# the `times` builtin, which must not run in a subshell) and the machine's
# busy ticks, so that what other processes took shows too.
server_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$SRV/stat"; }
# On PostgreSQL the server's share is Khet plus the database: the khet
# process and every process of the primary's and the standby's clusters
# (postmaster and its backends), so "others" stays what else ran.
pg_server_ticks() {
	local t p d
	t=$(server_ticks)
	for d in "$PG_BASE-p" "$PG_BASE-s"; do
		[ -f "$d/data/postmaster.pid" ] || continue
		p=$(head -n1 "$d/data/postmaster.pid")
		for p in "$p" $(pgrep -P "$p" || true); do
			t=$((t + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
		done
	done
	echo "$t"
}
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
times_file_secs() {
	awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$1"
}
CLK_TCK=$(getconf CLK_TCK)

# Signs a demo user in (the sign-in form, with its CSRF cookie and field)
# and prints the Cookie header that carries the session. token:LOGIN makes
# an API token of LOGIN instead (`khet token add` on the database of
# SIGNIN_DB / SIGNIN_DATA) and prints "Bearer khet_…".
SIGNIN_DB=$KHET_DB SIGNIN_DATA=$KHET_DATA
signin() {
	local login=$1 jar=$TMP/jar.$1 csrf code
	if [[ $login == token:* ]]; then
		local tok
		tok=$(KHET_DB=$SIGNIN_DB KHET_DATA=$SIGNIN_DATA "$KHET" token add --login "${login#token:}" \
			--scopes oss:read,org:read,kpi:read --name bench --days 1 2>"$TMP/token.err") ||
			{ cat "$TMP/token.err" >&2; die "khet token add for ${login#token:} failed"; }
		printf 'Bearer %s' "$tok"
		return 0
	fi
	curl -s -c "$jar" -b "$jar" -o "$TMP/signin.html" "$BASE/signin" || die "GET /signin failed"
	csrf=$(grep -o 'name="_csrf" value="[^"]*"' "$TMP/signin.html" | head -n1 | sed 's/.*value="//; s/"$//')
	[ -n "$csrf" ] || die "no CSRF field on /signin"
	code=$(curl -s -c "$jar" -b "$jar" -o "$TMP/signin.out" -w '%{http_code}' --data-urlencode "_csrf=$csrf" \
		--data-urlencode "login=$login" --data-urlencode "password=khet-demo-2567" "$BASE/signin" || echo 000)
	[ "$code" = 303 ] || die "signing in as $login answered $code, not 303"
	# curl writes HttpOnly cookies as "#HttpOnly_host ..." lines. khet_wrote
	# (a browser that has just written reads the primary for 30 s, issue 16
	# item 3) is left out: wrk asks as a user who has not written lately,
	# so a --db-read server sends his lagging pages to the replica.
	awk '(/^#HttpOnly_/ || !/^#/) && NF >= 7 && $6 !~ /khet_wrote/ { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$jar"
}

# Every URL must answer 200 itself (no redirect to a sign-in page, no 404).
check_urls() {
	local name=$1 url code
	shift
	for url in "$@"; do
		code=$(curl -s -o "$TMP/body" -w '%{http_code}' -H 'Accept-Encoding: gzip' ${BENCH_COOKIE:+-H "Cookie: $BENCH_COOKIE"} \
			${BENCH_AUTH:+-H "Authorization: $BENCH_AUTH"} "${URL_BASE:-$BASE}$url" || echo "000")
		if [ "$code" != 200 ]; then
			echo "---- $url answered $code; body starts: ----" >&2
			head -c 600 "$TMP/body" >&2 || true
			echo >&2
			server_alive "checking $name"
			die "page $name: GET $url answered $code, not 200"
		fi
	done
}

ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }

# ---- sign-ins ---------------------------------------------------------------
# Every demo user a page is asked as signs in once, before any page runs.
# A sign-in hashes the password with argon2id, which takes 64 MB for its
# moment (libsodium's interactive limit); that peak is read here and the
# peak-RSS mark is then reset (clear_refs 5), so the figure checked against
# the target is what serving pages holds.
declare -A COOKIES=()
for i in "${!P_NAME[@]}"; do
	u=${P_USER[$i]}
	[ "${P_SRV[$i]}" = sqlite ] || continue
	if [ -n "$u" ] && [ -z "${COOKIES[$u]:-}" ]; then COOKIES[$u]=$(signin "$u"); fi
done
n_signins=0
for u in "${!COOKIES[@]}"; do [[ $u == token:* ]] || n_signins=$((n_signins + 1)); done
signin_rss_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$SRV/status")
signin_rss_mb=$(awk -v k="$signin_rss_kb" 'BEGIN { printf "%.1f", k / 1024 }')
if [ ${#COOKIES[@]} -gt 0 ] && ! echo 5 >"/proc/$SRV/clear_refs" 2>/dev/null; then
	echo "bench: warning: cannot reset the peak-RSS mark; the figure includes the sign-ins" >&2
fi

# ---- nginx, the limit --------------------------------------------------------
# nginx serves, as a static file, the exact bytes Khet answers for the first
# schools page (asked with wrk's headers; Khet does not gzip pages). Its own
# config in a folder of $TMP, on a free loopback port, in the foreground
# (daemon off) so that it is this script's child and stops with it.
NGINX_PAGE=/areas/1/schools?page=1
NGINX_URL=/schools.html
NGX_BASE=
start_nginx() {
	local d=$TMP/nginx port try ok
	mkdir -p "$d/www" "$d/logs"
	# the workers run as nobody: they must reach the file
	chmod 0711 "$TMP"
	chmod 0755 "$d" "$d/www"
	local code
	code=$(curl -s -o "$d/www/schools.html" -w '%{http_code}' -H 'Accept: text/html,application/xhtml+xml,*/*;q=0.8' \
		-H 'Accept-Encoding: gzip' -H 'Accept-Language: th,en;q=0.5' "$BASE$NGINX_PAGE" || echo 000)
	[ "$code" = 200 ] || die "GET $NGINX_PAGE answered $code, not 200 (the bytes nginx serves)"
	chmod 0644 "$d/www/schools.html"
	for try in $(seq 20); do
		port=$((20000 + RANDOM % 40000))
		# something answers there: not free
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
		cat >"$d/nginx.conf" <<-EOF
			daemon off;
			worker_processes $cpus;
			pid $d/nginx.pid;
			error_log $d/logs/error.log warn;
			events { worker_connections 4096; }
			http {
			    access_log off;
			    gzip off;
			    sendfile on;
			    tcp_nopush on;
			    keepalive_requests 1000000;
			    client_body_temp_path $d/tmp-body;
			    proxy_temp_path $d/tmp-proxy;
			    fastcgi_temp_path $d/tmp-fastcgi;
			    uwsgi_temp_path $d/tmp-uwsgi;
			    scgi_temp_path $d/tmp-scgi;
			    types { }
			    default_type "text/html; charset=utf-8";
			    server {
			        listen 127.0.0.1:$port;
			        root $d/www;
			    }
			}
		EOF
		"$NGINX" -p "$d/" -c "$d/nginx.conf" >"$d/logs/stdout" 2>&1 &
		NGX=$!
		ok=
		for _ in $(seq 50); do
			kill -0 "$NGX" 2>/dev/null || break
			if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$NGINX_URL" || true)" = 200 ]; then
				ok=1
				break
			fi
			sleep 0.1
		done
		if [ -n "$ok" ]; then
			NGX_BASE=http://127.0.0.1:$port
			break
		fi
		kill -TERM "$NGX" 2>/dev/null || true
		wait "$NGX" 2>/dev/null || true
		NGX=
	done
	if [ -z "$NGX_BASE" ]; then
		cat "$d/logs/stdout" "$d/logs/error.log" >&2 2>/dev/null || true
		die "nginx did not start on a free loopback port"
	fi
	cmp -s "$d/www/schools.html" <(curl -s "$NGX_BASE$NGINX_URL") || die "nginx does not serve the same bytes"
	printf 'bench: nginx pid %d at %s serving the %d bytes of %s, %d workers\n' "$NGX" "$NGX_BASE" \
		"$(stat -c %s "$d/www/schools.html")" "$NGINX_PAGE" "$cpus"
}
start_nginx

# CPU ticks of nginx: the master and its workers.
nginx_ticks() {
	local p t=0
	for p in "$NGX" $(pgrep -P "$NGX" || true); do
		t=$((t + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	echo "$t"
}

# ---- the runs --------------------------------------------------------------
NGX_RPS= R_PCT=()
R_PATHS=() R_RPS=() R_P50=() R_P90=() R_P99=() R_MAX=() R_REQS=() R_BYTES=() R_CPU=() R_SOCK=() R_RPS_OK=() R_P99_OK=()
R_NOTE=()
invalid=""
# Runs page i against the server now started (BASE, SRV; nginx for !nginx)
# with the cookie of its user in COOKIES; its figures go in R_*[i].
run_page() {
	local i=$1 name shown line rps kv ticks0 ticks1 mticks0 mticks1 ms0 ms1 wrk0 wrk1
	name=${P_NAME[$i]}
	mapfile -t urls < <(expand_path "${P_PATH[$i]}")
	[ ${#urls[@]} -gt 0 ] || die "page $name has no URL"
	BENCH_COOKIE= BENCH_AUTH=
	if [ -n "${P_USER[$i]}" ]; then BENCH_COOKIE=${COOKIES[${P_USER[$i]}]}; fi
	# an API token: the Authorization header instead of a cookie
	if [[ $BENCH_COOKIE == Bearer\ * ]]; then BENCH_AUTH=$BENCH_COOKIE BENCH_COOKIE=; fi
	export BENCH_COOKIE BENCH_AUTH
	URL_BASE=$BASE ticks=server_ticks
	if [ "${P_PATH[$i]}" = '!nginx' ]; then URL_BASE=$NGX_BASE ticks=nginx_ticks; fi
	if [ "${P_SRV[$i]}" != sqlite ]; then ticks=pg_server_ticks; fi
	check_urls "$name" "${urls[@]}"
	shown=${P_PATH[$i]}
	[[ $shown == @* ]] && shown=${urls[0]}
	[ "$shown" = '!nginx' ] && shown="nginx static ${urls[0]}"
	R_PATHS[$i]=$shown

	printf 'bench: %-8s %s (%d URL%s): warm-up %d s, run %d s\n' "$name" "$shown" ${#urls[@]} \
		"$([ ${#urls[@]} -eq 1 ] || echo s)" "$BENCH_WARMUP" "$BENCH_SECONDS"
	wrk -t"$BENCH_THREADS" -c"$BENCH_CONNECTIONS" -d"${BENCH_WARMUP}s" -s "$WRK_LUA" "$URL_BASE/" -- "${urls[@]}" \
		>"$TMP/warm.$name" 2>&1 || { cat "$TMP/warm.$name" >&2; die "wrk failed on $name (warm-up)"; }
	server_alive "warming up $name"

	local rt0
	rt0=$(replica_xacts)
	times >"$TMP/times0"
	ticks0=$($ticks) mticks0=$(machine_ticks) ms0=$(now_ms)
	wrk -t"$BENCH_THREADS" -c"$BENCH_CONNECTIONS" -d"${BENCH_SECONDS}s" --latency -s "$WRK_LUA" "$URL_BASE/" -- "${urls[@]}" \
		>"$TMP/wrk.$name" 2>&1 || { cat "$TMP/wrk.$name" >&2; die "wrk failed on $name"; }
	server_alive "serving $name"
	times >"$TMP/times1"
	ticks1=$($ticks) mticks1=$(machine_ticks) ms1=$(now_ms)
	wrk0=$(times_file_secs "$TMP/times0") wrk1=$(times_file_secs "$TMP/times1")
	# the transactions the standby ran meanwhile: proof that a pgr page
	# read the replica (its statistics count its own read transactions)
	R_NOTE[$i]=
	if [ "${P_SRV[$i]}" = pgr ]; then R_NOTE[$i]=$(($(replica_xacts) - rt0)); fi

	line=$(grep '^BENCH ' "$TMP/wrk.$name" || true)
	[ -n "$line" ] || { cat "$TMP/wrk.$name" >&2; die "no BENCH line in wrk's output for $name"; }
	declare -A m=()
	for kv in ${line#BENCH }; do m[${kv%%=*}]=${kv#*=}; done
	[ "${m[requests]}" -gt 0 ] || die "page $name: wrk completed no request"

	rps=$(awk -v r="${m[requests]}" -v d="${m[duration_us]}" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
	R_RPS[$i]=$rps R_P50[$i]=$(ms "${m[p50_us]}") R_P90[$i]=$(ms "${m[p90_us]}") R_P99[$i]=$(ms "${m[p99_us]}")
	R_MAX[$i]=$(ms "${m[max_us]}") R_REQS[$i]=${m[requests]}
	R_BYTES[$i]=$(awk -v b="${m[bytes]}" -v r="${m[requests]}" 'BEGIN { printf "%.0f", b / r }')
	# server/wrk/others, % of one core over the run's wall time
	R_CPU[$i]=$(awk -v t=$((ticks1 - ticks0)) -v mt=$((mticks1 - mticks0)) -v w="$(awk -v a="$wrk0" -v b="$wrk1" 'BEGIN { print b - a }')" \
		-v hz="$CLK_TCK" -v ms=$((ms1 - ms0)) 'BEGIN {
			s = t / hz; o = mt / hz - s - w; if (o < 0) o = 0
			printf "%.0f/%.0f/%.0f", 100 * s / (ms / 1000), 100 * w / (ms / 1000), 100 * o / (ms / 1000) }')
	if [ $((m[connect] + m[read] + m[write] + m[timeout])) -eq 0 ]; then R_SOCK[$i]=
	else R_SOCK[$i]="connect ${m[connect]}, read ${m[read]}, write ${m[write]}, timeout ${m[timeout]}"; fi

	if [ "${m[non2xx]}" -gt 0 ]; then
		invalid="$invalid page $name: ${m[non2xx]} of ${m[requests]} responses were not 2xx/3xx;"
	fi
	# nginx runs first; each page's req/s as a percentage of it
	if [ "${P_PATH[$i]}" = '!nginx' ]; then NGX_RPS=$rps; fi
	R_PCT[$i]=$(awk -v a="$rps" -v n="${NGX_RPS:-0}" 'BEGIN { if (n > 0) printf "%.1f", 100 * a / n; else printf "-" }')
	if [ "${P_RPS[$i]}" = - ]; then R_RPS_OK[$i]=-
	elif [[ ${P_RPS[$i]} == *% ]]; then
		if awk -v a="${R_PCT[$i]}" -v t="${P_RPS[$i]%\%}" 'BEGIN { exit !(a != "-" && a >= t) }'; then R_RPS_OK[$i]=PASS
		else R_RPS_OK[$i]=MISS; fi
	elif awk -v a="$rps" -v t="${P_RPS[$i]}" 'BEGIN { exit !(a >= t) }'; then R_RPS_OK[$i]=PASS
	else R_RPS_OK[$i]=MISS; fi
	if [ "${P_P99[$i]}" = - ]; then R_P99_OK[$i]=-
	elif awk -v a="${m[p99_us]}" -v t="${P_P99[$i]}" 'BEGIN { exit !(a <= t * 1000) }'; then R_P99_OK[$i]=PASS
	else R_P99_OK[$i]=MISS; fi
	unset m
}
# the standby's transactions so far (0 without one)
PG_SURL=
replica_xacts() {
	if [ -z "$PG_SURL" ]; then echo 0; return; fi
	psql "$PG_SURL" -qAtX -c "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'khet'" 2>/dev/null || echo 0
}

for i in "${!P_NAME[@]}"; do
	if [ "${P_SRV[$i]}" = sqlite ]; then run_page "$i"; fi
done

# VmHWM is the most the server's memory held resident while serving the
# pages above (from its start when no page signs in; else from the reset
# after the sign-ins).
rss_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$SRV/status")
rss_now_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SRV/status")
threads=$(awk '/^Threads:/ { print $2 }' "/proc/$SRV/status")
rss_mb=$(awk -v k="$rss_kb" 'BEGIN { printf "%.1f", k / 1024 }')
rss_now_mb=$(awk -v k="$rss_now_kb" 'BEGIN { printf "%.1f", k / 1024 }')
rss_ok=$(awk -v a="$rss_kb" -v t="$RSS_MAX_MB" 'BEGIN { print (a <= t * 1024) ? "PASS" : "MISS" }')

stop_khet
sqlite_stop_rc=$stop_rc sqlite_stop_note=$stop_note

# ---- PostgreSQL: primary alone, then with --db-read on its standby -----------
pg_wanted=
for k in "${P_SRV[@]}"; do [ "$k" = sqlite ] || pg_wanted=1; done
pg_demo_s="" pg_db_mb="" pg_schools=0 pg_stop_note=""
PG_PURL=
# the standby has replayed everything the primary wrote (sessions included)
standby_caught_up() {
	local want got
	want=$(psql "$PG_PURL" -qAtX -c "SELECT pg_current_wal_lsn()")
	for _ in $(seq 600); do
		got=$(psql "$PG_SURL" -qAtX -c "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '$want') >= 0" || true)
		[ "$got" = t ] && return 0
		sleep 0.1
	done
	die "the standby did not replay the primary's WAL within 60 s"
}
# signs in, on the server now started, the users of the pages of kind $1
pg_signins() {
	local i u
	for i in "${!P_NAME[@]}"; do
		u=${P_USER[$i]}
		[ "${P_SRV[$i]}" = "$1" ] || continue
		if [ -n "$u" ] && [ -z "${PG_COOKIES[$u]:-}" ]; then PG_COOKIES[$u]=$(signin "$u"); fi
	done
}
if [ -n "$pg_wanted" ]; then
	[ -x "$PG_TEST" ] || die "$PG_TEST is missing"
	command -v psql >/dev/null || die "psql is not installed (scripts/install-deps.sh installs PostgreSQL; BENCH_PG=0 skips this part)"
	PG_BASE=$(mktemp -u "${TMPDIR:-/tmp}/khet-bench-pg.XXXXXX")
	PG_PURL=$("$PG_TEST" start "$PG_BASE-p") || die "the PostgreSQL primary did not start"
	pg_schools=$((BENCH_PG_AREAS * BENCH_PG_SCHOOLS))
	printf 'bench: PostgreSQL primary %s: demo data (%d areas x %d schools, %d staff, %d requests)\n' "$PG_PURL" \
		"$BENCH_PG_AREAS" "$BENCH_PG_SCHOOLS" "$BENCH_PG_STAFF" "$BENCH_PG_REQUESTS"
	mkdir -p "$TMP/pg"
	t0=$(now_ms)
	KHET_DATA=$TMP/pg KHET_DB=$PG_PURL "$KHET" demo --areas "$BENCH_PG_AREAS" --schools "$BENCH_PG_SCHOOLS" \
		--requests "$BENCH_PG_REQUESTS" --indicators 200 --staff "$BENCH_PG_STAFF" >"$TMP/pg-demo.out" 2>&1 || { cat "$TMP/pg-demo.out" >&2; die "khet demo on PostgreSQL failed"; }
	pg_demo_s=$(awk -v ms=$(($(now_ms) - t0)) 'BEGIN { printf "%.1f", ms / 1000 }')
	pg_db_mb=$(psql "$PG_PURL" -qAtX -c "SELECT round(pg_database_size('khet') / 1048576.0, 1)")
	psql "$PG_PURL" -qAtX -c "VACUUM ANALYZE" >/dev/null
	printf 'bench: demo data made in %s s (database %s MB); making the streaming standby\n' "$pg_demo_s" "$pg_db_mb"
	PG_SURL=$("$PG_TEST" standby "$PG_BASE-s" "$PG_BASE-p") || die "the PostgreSQL standby did not start"
	# the bench does not measure synchronous replication: commits do not wait
	psql "$PG_PURL" -qAtX -c "ALTER SYSTEM SET synchronous_standby_names = ''" -c "SELECT pg_reload_conf()" >/dev/null

	declare -A PG_COOKIES=()
	for kind in pg pgr; do
		want=
		for k in "${P_SRV[@]}"; do [ "$k" = "$kind" ] && want=1; done
		[ -n "$want" ] || continue
		if [ "$kind" = pg ]; then
			KHET_DATA=$TMP/pg KHET_DB=$PG_PURL start_khet pg
		else
			KHET_DATA=$TMP/pg KHET_DB=$PG_PURL start_khet pgr --db-read "$PG_SURL"
		fi
		SIGNIN_DB=$PG_PURL SIGNIN_DATA=$TMP/pg pg_signins "$kind"
		standby_caught_up
		for k in "${!PG_COOKIES[@]}"; do COOKIES[pg:$k]=${PG_COOKIES[$k]}; done
		for i in "${!P_NAME[@]}"; do
			[ "${P_SRV[$i]}" = "$kind" ] || continue
			u=${P_USER[$i]}
			if [ -n "$u" ]; then P_USER[$i]=pg:$u; fi
			run_page "$i"
			P_USER[$i]=$u
		done
		stop_khet
		pg_stop_note="${pg_stop_note:+$pg_stop_note; }$kind server $stop_note"
	done
fi
stop_rc=$sqlite_stop_rc stop_note=$sqlite_stop_note

# ---- report ----------------------------------------------------------------
stamp=$(date +%Y%m%d-%H%M%S)
when=$(date '+%Y-%m-%d %H:%M:%S %Z')
report() {
	printf 'Khet bench, %s\n' "$when"
	printf '%s, commit %s; %d CPUs (%s)\n' "$version" "$commit" "$cpus" "${cpu_model:-?}"
	printf 'wrk -t%d -c%d -d%ds --latency (after %d s warm-up) against khet serve --workers %d on SQLite,\n' \
		"$BENCH_THREADS" "$BENCH_CONNECTIONS" "$BENCH_SECONDS" "$BENCH_WARMUP" "$BENCH_WORKERS"
	printf '%d schools in 2 areas, %d One Stop Service requests (demo data made in %s s, database %s MB);\n' \
		"$schools_total" "$BENCH_REQUESTS" "$demo_s" "$db_mb"
	printf 'wrk runs on the same machine. %%nginx: req/s as a percentage of nginx serving the bytes of\n' 
	printf '%s as a static file in the same run (%s req/s).\n' "$NGINX_PAGE" "${NGX_RPS:-?}"
	if [ -n "$pg_wanted" ]; then
		printf 'pg_* / pgr_*: PostgreSQL 15 (scripts/pg-test.sh, fsync off), %d schools in %d areas, %d staff, %d requests\n' \
			"$pg_schools" "$BENCH_PG_AREAS" "$BENCH_PG_STAFF" "$BENCH_PG_REQUESTS"
		printf '(demo data made in %s s, database %s MB); pg_* on khet serve against the primary alone, pgr_* on\n' \
			"$pg_demo_s" "$pg_db_mb"
		printf 'khet serve --db-read on its streaming standby (asked as users who have not written lately).\n'
	fi
	printf '\n'
	printf '%-13s %-38s %9s %7s %8s %8s %8s %8s %13s  %s\n' page path "req/s" "%nginx" "p50 ms" "p90 ms" "p99 ms" "bytes" "CPU% s/w/o" "targets"
	local i t
	for i in "${!P_NAME[@]}"; do
		t=""
		if [[ ${P_RPS[$i]} == *% ]]; then t="req/s >= ${P_RPS[$i]} of nginx ${R_RPS_OK[$i]}"
		elif [ "${P_RPS[$i]}" != - ]; then t="req/s >= ${P_RPS[$i]} ${R_RPS_OK[$i]}"; fi
		if [ "${P_P99[$i]}" != - ]; then t="${t:+$t, }p99 <= ${P_P99[$i]} ms ${R_P99_OK[$i]}"; fi
		printf '%-13s %-38s %9s %7s %8s %8s %8s %8s %13s  %s\n' "${P_NAME[$i]}" "${R_PATHS[$i]}" "${R_RPS[$i]}" "${R_PCT[$i]}" \
			"${R_P50[$i]}" "${R_P90[$i]}" "${R_P99[$i]}" "${R_BYTES[$i]}" "${R_CPU[$i]}" "${t:-(none)}"
	done
	if [ "$n_signins" -gt 0 ]; then
		printf '\nsign-ins before the runs (%d users, argon2id 64 MB each): peak RSS %s MB\n' "$n_signins" "$signin_rss_mb"
	fi
	printf '\nserver peak RSS serving the pages (VmHWM): %s MB   target <= %d MB %s   (RSS at the end %s MB, %s threads)\n' \
		"$rss_mb" "$RSS_MAX_MB" "$rss_ok" "$rss_now_mb" "$threads"
	printf 'server %s\n' "$stop_note"
	if [ -n "$pg_stop_note" ]; then printf 'PostgreSQL: %s\n' "$pg_stop_note"; fi
	replica_table
	local nerr
	local log
	for log in server pg pgr; do
		[ -f "$TMP/$log.err" ] || continue
		nerr=$(grep -cv ' khet: \| mail: ' "$TMP/$log.err" 2>/dev/null || true)
		if [ "${nerr:-0}" -gt 0 ]; then
			printf '%s logged %d other lines during the runs; the last ones:\n' "$log" "$nerr"
			grep -v ' khet: \| mail: ' "$TMP/$log.err" | tail -n 5 | cut -c1-200
		fi
	done
	for i in "${!P_NAME[@]}"; do
		if [ -n "${R_SOCK[$i]}" ]; then printf 'note: %s had socket errors: %s\n' "${P_NAME[$i]}" "${R_SOCK[$i]}"; fi
	done
	printf '(bytes: mean response, headers included, gzip accepted. CPU%% s/w/o: CPU time of the server / wrk /\n'
	printf ' all other processes over the run, 100 = one core of %d; on pg_*/pgr_* "s" is Khet and PostgreSQL (primary\n' "$cpus"
	printf ' and standby) together; "o" well above 0 means the machine was busy\n'
	printf ' with something else and the figures are low)\n'
	for i in "${!P_NAME[@]}"; do
		if [ "${R_CPU[$i]##*/}" -gt 10 ]; then
			printf 'WARNING: other processes took %s%% of a core during %s: the machine was not quiet\n' "${R_CPU[$i]##*/}" "${P_NAME[$i]}"
		fi
	done
	local n=0
	for i in "${!P_NAME[@]}"; do
		if [ "${R_RPS_OK[$i]}" = MISS ]; then n=$((n + 1)); fi
		if [ "${R_P99_OK[$i]}" = MISS ]; then n=$((n + 1)); fi
	done
	if [ "$rss_ok" = MISS ]; then n=$((n + 1)); fi
	if [ "$n" -eq 0 ]; then printf '\nRESULT: every target PASSED\n'
	else printf '\nRESULT: %d target%s MISSED\n' "$n" "$([ "$n" -eq 1 ] || echo s)"; fi
}

# The index of page NAME (none: empty).
page_index() {
	local i
	for i in "${!P_NAME[@]}"; do
		if [ "${P_NAME[$i]}" = "$1" ]; then echo "$i"; return; fi
	done
}
# issue 16 item 3: each pgr_X beside its pg_X
replica_table() {
	local i j base header=
	for i in "${!P_NAME[@]}"; do
		[ "${P_SRV[$i]}" = pgr ] || continue
		base=${P_NAME[$i]#pgr_}
		j=$(page_index "pg_$base")
		if [ -z "$header" ]; then
			printf '\nwith and without a read replica (PostgreSQL; --db-read):\n'
			printf '%-10s | %9s %7s %8s | %9s %7s %8s %12s | %s\n' page "req/s" "%nginx" "p99 ms" "req/s" "%nginx" "p99 ms" \
				"replica xact" "replica/primary req/s"
			printf '%-10s | %-26s | %-39s |\n' "" "primary alone" "primary + --db-read standby"
			header=1
		fi
		printf '%-10s | %9s %7s %8s | %9s %7s %8s %12s | %s\n' "$base" "${R_RPS[$j]:--}" "${R_PCT[$j]:--}" "${R_P99[$j]:--}" \
			"${R_RPS[$i]}" "${R_PCT[$i]}" "${R_P99[$i]}" "${R_NOTE[$i]}" \
			"$(awk -v a="${R_RPS[$i]}" -v b="${R_RPS[$j]:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }')"
	done
	if [ -n "$header" ]; then
		printf '(replica xact: transactions the standby ran during the run, its pg_stat_database; > 0: the pages\n'
		printf ' were read there. No target is given by the issue: the figures are printed.)\n'
	fi
}
replica_json() {
	local i j base sep=""
	printf '  "replica": ['
	for i in "${!P_NAME[@]}"; do
		[ "${P_SRV[$i]}" = pgr ] || continue
		base=${P_NAME[$i]#pgr_}
		j=$(page_index "pg_$base")
		printf '%s\n    {"page": %s, "primary": {"requests_per_s": %s, "percent_of_nginx": %s, "p99_ms": %s}, "with_replica": {"requests_per_s": %s, "percent_of_nginx": %s, "p99_ms": %s, "replica_transactions": %s}}' \
			"$sep" "$(json_str "$base")" "${R_RPS[$j]:-null}" "$(json_num_or_null "${R_PCT[$j]:--}")" "${R_P99[$j]:-null}" \
			"${R_RPS[$i]}" "$(json_num_or_null "${R_PCT[$i]}")" "${R_P99[$i]}" "${R_NOTE[$i]:-0}"
		sep=,
	done
	printf '%s],\n' "$([ -n "$sep" ] && printf '\n  ')"
}
db_of() {
	case ${P_SRV[$1]} in
	pg) echo postgresql ;;
	pgr) echo postgresql+replica ;;
	*) if [ "${P_PATH[$1]}" = '!nginx' ]; then echo static; else echo sqlite; fi ;;
	esac
}
json_str() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }
json_num_or_null() { if [ "$1" = - ]; then printf null; else printf '%s' "$1"; fi; }
json_pct_target() { if [[ $1 == *% ]]; then printf '%s' "${1%\%}"; else printf null; fi; }
json_rps_target() { if [[ $1 == *% ]]; then printf null; else json_num_or_null "$1"; fi; }
json() {
	local i sep=""
	printf '{\n  "date": %s,\n  "version": %s,\n  "commit": %s,\n' "$(json_str "$when")" "$(json_str "$version")" "$(json_str "$commit")"
	printf '  "cpus": %d,\n  "cpu_model": %s,\n' "$cpus" "$(json_str "$cpu_model")"
	printf '  "wrk": {"threads": %d, "connections": %d, "seconds": %d, "warmup_seconds": %d},\n' \
		"$BENCH_THREADS" "$BENCH_CONNECTIONS" "$BENCH_SECONDS" "$BENCH_WARMUP"
	printf '  "server": {"workers": %d, "database": "sqlite", "schools": %d, "oss_requests": %d, "signin_peak_rss_mb": %s, "peak_rss_mb": %s, "end_rss_mb": %s, "rss_max_mb": %d, "rss": "%s", "threads": %s, "stop": %s},\n' \
		"$BENCH_WORKERS" "$schools_total" "$BENCH_REQUESTS" "${signin_rss_mb:-null}" "$rss_mb" "$rss_now_mb" "$RSS_MAX_MB" "$rss_ok" "$threads" "$(json_str "$stop_note")"
	if [ -n "$pg_wanted" ]; then
		printf '  "postgresql": {"areas": %d, "schools": %d, "staff": %d, "oss_requests": %d, "demo_seconds": %s, "database_mb": %s, "stop": %s},\n' \
			"$BENCH_PG_AREAS" "$pg_schools" "$BENCH_PG_STAFF" "$BENCH_PG_REQUESTS" "$pg_demo_s" "${pg_db_mb:-null}" "$(json_str "$pg_stop_note")"
		replica_json
	fi
	printf '  "nginx": {"version": %s, "workers": %d, "page": %s, "url": %s, "requests_per_s": %s},\n' \
		"$(json_str "$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')")" "$cpus" "$(json_str "$NGINX_PAGE")" \
		"$(json_str "$NGINX_URL")" "${NGX_RPS:-null}"
	printf '  "pages": [\n'
	for i in "${!P_NAME[@]}"; do
		printf '%s    {"name": %s, "database": %s, "path": %s, "url": %s, "requests": %s, "requests_per_s": %s, "percent_of_nginx": %s, "p50_ms": %s, "p90_ms": %s, "p99_ms": %s, "max_ms": %s, "mean_bytes": %s, "cpu_percent_server_wrk_other": %s, "socket_errors": %s, "min_requests_per_s": %s, "min_percent_of_nginx": %s, "requests_per_s_result": "%s", "max_p99_ms": %s, "p99_result": "%s"}' \
			"$sep" "$(json_str "${P_NAME[$i]}")" "$(json_str "$(db_of "$i")")" "$(json_str "${P_PATH[$i]}")" "$(json_str "${R_PATHS[$i]}")" "${R_REQS[$i]}" "${R_RPS[$i]}" \
			"$(json_num_or_null "${R_PCT[$i]}")" "${R_P50[$i]}" \
			"${R_P90[$i]}" "${R_P99[$i]}" "${R_MAX[$i]}" "${R_BYTES[$i]}" "$(json_str "${R_CPU[$i]}")" "$(json_str "${R_SOCK[$i]}")" \
			"$(json_rps_target "${P_RPS[$i]}")" "$(json_pct_target "${P_RPS[$i]}")" "${R_RPS_OK[$i]}" "$(json_num_or_null "${P_P99[$i]}")" "${R_P99_OK[$i]}"
		sep=$',\n'
	done
	printf '\n  ]\n}\n'
}

echo
report | tee "$TMP/report.txt"

if [ -n "$invalid" ]; then
	for i in "${!P_NAME[@]}"; do { echo; echo "---- wrk output, ${P_NAME[$i]} ----"; cat "$TMP/wrk.${P_NAME[$i]}"; } >&2; done
	die "${invalid%;} — the figures above are of error pages and are not written to bench/results/"
fi
[ "$stop_rc" -eq 0 ] || printf 'bench: warning: the server exited with code %d on SIGTERM\n' "$stop_rc" >&2

mkdir -p "$BENCH_RESULTS"
{
	cat "$TMP/report.txt"
	for i in "${!P_NAME[@]}"; do
		printf '\n---- wrk output, %s ----\n' "${P_NAME[$i]}"
		cat "$TMP/wrk.${P_NAME[$i]}"
	done
} >"$BENCH_RESULTS/latest.txt.tmp"
json >"$BENCH_RESULTS/latest.json.tmp"
cp "$BENCH_RESULTS/latest.txt.tmp" "$BENCH_RESULTS/$stamp.txt"
cp "$BENCH_RESULTS/latest.json.tmp" "$BENCH_RESULTS/$stamp.json"
mv "$BENCH_RESULTS/latest.txt.tmp" "$BENCH_RESULTS/latest.txt"
mv "$BENCH_RESULTS/latest.json.tmp" "$BENCH_RESULTS/latest.json"
printf '\nbench: written to %s/latest.txt, latest.json, %s.txt and %s.json\n' "${BENCH_RESULTS#"$ROOT"/}" "$stamp" "$stamp"

# The census import (issue 12), its own part: khet import students of
# BENCH_IMPORT_ROWS learners against sqlite3 .import of the same file
# (bench/import.sh; BENCH_IMPORT=0 leaves it out).
if [ "${BENCH_IMPORT:-1}" != 0 ]; then
	echo
	"$ROOT/bench/import.sh"
fi
