#!/bin/bash
# bench/profile.sh: the per-request instruction split of the list pages
# (bench/README.md), with callgrind — deterministic, unlike time on the
# shared machine. It makes the bench's demo data in DATA (unless DATA holds
# a khet.db already), starts `khet serve --workers 1` under callgrind, signs
# in as the demo users, and for each page asks N requests with curl
# (cycling through its pages, as the bench does) between
# `callgrind_control -z` and `-d NAME`; then prints, per request, thousands
# of instructions: total, outside on_request (MHD and the kernel side; in
# brackets the memset of MHD's connection pool), sqlite3_step, db_rows_json,
# layout_hook, tmpl_render_watch, json_delete, personal_collect, gzip_compress (inclusive) and malloc/free (self,
# glibc and jsonx.c's free lists). The .ann files stay in OUT.
#   bench/profile.sh DATA OUT [N=200]
set -euo pipefail
cd "$(dirname "$0")/.."
D=$1 OUT=$2 N=${3:-200}
mkdir -p "$D" "$OUT"
export KHET_DATA=$D KHET_DB=sqlite:$D/khet.db
unset KHET_LISTEN KHET_WORKERS KHET_QUIET 2>/dev/null || true
if [ ! -f "$D/khet.db" ]; then
	bin/khet demo --schools 15000 --requests 200000 --indicators 200 >"$OUT/demo.out" 2>&1
fi
valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.%p.out" \
	bin/khet serve --listen 127.0.0.1:0 --quiet --workers 1 >"$OUT/srv.out" 2>"$OUT/srv.err" &
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
page() { # NAME COOKIE PATH-PREFIX PAGES
	local name=$1 ck=$2 pre=$3 cnt=$4 urls=() i
	for ((i = 0; i < N; i++)); do urls+=("$BASE$pre$((i % cnt + 1))" -o /dev/null); done
	curl -s ${ck:+-H "Cookie: $ck"} -o /dev/null "$BASE${pre}1"
	callgrind_control -z $VG >/dev/null
	curl -s -H 'Accept: text/html' -H 'Accept-Encoding: gzip' ${ck:+-H "Cookie: $ck"} "${urls[@]}"
	callgrind_control -d "$name" $VG >/dev/null
}
page schools "" "/areas/1/schools?page=" 50
page oss_my "$(signin citizen)" "/oss/my?page=" 10
page oss_list "$(signin officer)" "/oss/manage/list?page=" 50
kill -TERM $VG
wait $VG || true
trap - EXIT
printf 'per request, thousands of instructions (%d requests a page)\n' "$N"
printf 'page | total | outside on_request (pool memset) | sqlite3_step | db_rows_json | layout_hook | tmpl_render | json_delete | personal_collect | gzip | malloc+free\n'
for p in schools oss_my oss_list; do
	f=$(grep -l "^desc: Trigger: dump $p\$" "$OUT"/cg.*.out.* | head -n1)
	callgrind_annotate --inclusive=yes "$f" 2>/dev/null >"$OUT/$p.ann"
	callgrind_annotate --threshold=100 "$f" 2>/dev/null >"$OUT/$p.self"
	inc() { grep -E "[ :]$1( |$)" "$OUT/$p.ann" | head -n1 | awk '{ gsub(",", "", $1); print $1 + 0 }'; }
	self() { grep -E "[ :]($1) " "$OUT/$p.self" | awk '{ gsub(",", "", $1); t += $1 } END { print t + 0 }'; }
	tot=$(grep -m1 'PROGRAM TOTALS' "$OUT/$p.ann" | awk '{ gsub(",", "", $1); print $1 }')
	k() { echo $((${1:-0} / N / 1000)); }
	printf '%s | %d | %d (%d) | %d | %d | %d | %d | %d | %d | %d | %d\n' "$p" "$(k "$tot")" "$(k $((tot - $(inc on_request))))" \
		"$(k "$(self '__memset_avx2_unaligned_erms')")" "$(k "$(inc sqlite3_step)")" "$(k "$(inc db_rows_json)")" \
		"$(k "$(inc layout_hook)")" "$(k "$(inc tmpl_render_watch)")" "$(k "$(inc json_delete)")" \
		"$(k "$(inc personal_collect)")" "$(k "$(inc gzip_compress)")" \
		"$(k "$(self 'malloc|_int_malloc|free|_int_free|jx_malloc|jx_free|malloc_usable_size')")"
done
