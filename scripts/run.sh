#!/bin/sh
# `make run`: the SQLite default with demo data, then the server in the
# foreground. Stop it with Ctrl-C.
set -eu
cd "$(dirname "$0")/.."
: "${KHET_DATA:=./data}"
export KHET_DATA
./bin/khet demo >/dev/null
cat <<TXT

  Khet is starting on the embedded SQLite database in $KHET_DATA/khet.db
  Open:  http://${KHET_LISTEN:-127.0.0.1:8080}/

TXT
exec ./bin/khet serve "$@"
