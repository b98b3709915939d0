#!/bin/sh
# pg-test: a throwaway PostgreSQL 15 server for tests and benchmarks, so
# `make test` can run every scenario against the engine a national
# deployment uses without touching any server already on the machine.
#
#   scripts/pg-test.sh start DIR   makes a cluster in DIR, starts it on
#                                  127.0.0.1 on a free port with a database
#                                  "khet", and prints only its URL:
#                                  postgres://postgres@127.0.0.1:PORT/khet
#   scripts/pg-test.sh stop DIR    stops it and removes DIR
#   scripts/pg-test.sh down DIR    stops the server and keeps DIR (a test of
#                                  a database that goes away)
#   scripts/pg-test.sh up DIR      starts it again on the same port
#   scripts/pg-test.sh standby DIR PRIMARY_DIR
#                                  a streaming standby of the server in
#                                  PRIMARY_DIR (pg_basebackup), named
#                                  khet_standby, on a free port; prints its URL
#   scripts/pg-test.sh promote DIR the standby becomes a primary
#   scripts/pg-test.sh crash DIR   kill -9 of the server (as a dead machine)
# PG_TEST_SYNC=1 at start: synchronous_commit stays on, and once a standby
# is made the primary waits for it to have each commit (synchronous
# replication), for the failover test; otherwise durability is off (the
# data is thrown away).
#
# initdb and postgres refuse to run as root, and CI runs as root: then they
# run as the postgres system user, which must be able to reach DIR (so DIR
# must not sit inside a folder only root can enter, like a mktemp -d one).
# As a normal user they run as that user. Durability is switched off
# (fsync=off): the data is thrown away afterwards anyway.
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

usage() {
	echo "usage: $0 start|stop|down|up|promote|crash DIR, or standby DIR PRIMARY_DIR" >&2
	exit 2
}
[ $# -eq 2 ] || [ $# -eq 3 ] || usage
cmd=$1
dir=$2
primary=${3:-}
case $dir in
/*) ;;
*) dir=$(pwd)/$dir ;;
esac

# Runs a command as the user that owns the cluster.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# The server's settings: loopback, the port, its socket in DIR, and no
# durability (thrown away anyway) unless the cluster is the failover test's.
server_opts() {
	if [ -e "$dir/sync" ]; then
		echo "-c listen_addresses=127.0.0.1 -p $1 -k '$dir' -c fsync=off"
	else
		echo "-c listen_addresses=127.0.0.1 -p $1 -k '$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	fi
}

# A port nobody listens on now. Another process could take it before the
# server binds it, so start() tries again with a new one when that happens.
free_port() {
	for py in python3 /usr/bin/python3; do
		if command -v "$py" >/dev/null 2>&1; then
			"$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' &&
				return 0
		fi
	done
	# No Python: a random port in the dynamic range.
	echo $((49152 + $(od -An -N2 -tu2 /dev/urandom) % 16000))
}

start() {
	if [ -e "$dir/data" ]; then
		echo "pg-test: $dir/data already exists; stop it first" >&2
		exit 1
	fi
	mkdir -p "$dir"
	chmod 700 "$dir"
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres:postgres "$dir"
		if ! runuser -u postgres -- test -w "$dir"; then
			echo "pg-test: user postgres cannot write to $dir (is a folder above it closed to others?)" >&2
			exit 1
		fi
	fi
	# -U postgres: the URL names that superuser whoever runs this.
	if ! as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
		>"$dir/initdb.log" 2>&1; then
		cat "$dir/initdb.log" >&2
		exit 1
	fi
	if [ "${PG_TEST_SYNC:-}" = 1 ]; then
		touch "$dir/sync"
	fi
	tries=0
	while :; do
		port=$(free_port)
		if as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
			-o "$(server_opts "$port")" \
			start >/dev/null 2>&1; then
			break
		fi
		tries=$((tries + 1))
		if [ $tries -ge 5 ]; then
			echo "pg-test: the server did not start; its log:" >&2
			cat "$dir/server.log" >&2
			exit 1
		fi
	done
	echo "$port" >"$dir/port"
	if ! as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U postgres -E UTF8 khet >&2; then
		stop
		exit 1
	fi
	echo "postgres://postgres@127.0.0.1:$port/khet"
}

stop() {
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
}

down() {
	as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
}

up() {
	port=$(cat "$dir/port")
	as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(server_opts "$port")" start >/dev/null
}

standby() {
	[ -n "$primary" ] || usage
	pport=$(cat "$primary/port")
	mkdir -p "$dir"
	chmod 700 "$dir"
	[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
	touch "$dir/sync"
	if ! as_pg "$PGBIN/pg_basebackup" -d "host=127.0.0.1 port=$pport user=postgres application_name=khet_standby" \
		-D "$dir/data" -R -X stream --checkpoint=fast >"$dir/basebackup.log" 2>&1; then
		cat "$dir/basebackup.log" >&2
		exit 1
	fi
	port=$(free_port)
	if ! as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(server_opts "$port")" \
		start >/dev/null 2>&1; then
		cat "$dir/server.log" >&2
		exit 1
	fi
	echo "$port" >"$dir/port"
	# from now on the primary's commits wait for this standby to have them
	# (set after the copy, so the standby itself waits for nobody)
	as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$pport" -U postgres -qAtX -d khet \
		-c "ALTER SYSTEM SET synchronous_standby_names = 'khet_standby'" -c "SELECT pg_reload_conf()" >/dev/null
	echo "postgres://postgres@127.0.0.1:$port/khet"
}

promote() {
	as_pg "$PGBIN/pg_ctl" -D "$dir/data" -w -t 60 promote >/dev/null
}

crash() {
	kill -9 "$(head -n1 "$dir/data/postmaster.pid")"
}

case $cmd in
start) start ;;
stop) stop ;;
down) down ;;
up) up ;;
standby) standby ;;
promote) promote ;;
crash) crash ;;
*) usage ;;
esac
