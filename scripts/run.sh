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

  Demo sign-ins (password for all: khet-demo-2567)
    areaadmin1    area admin of สพป.ยโสธร เขต 2
    areaadmin2    area admin of สพม.กำแพงเพชร
    schooladmin   school admin and homeroom teacher of a school in สพป.ยโสธร เขต 2,
                  also its student-census (DMC) data officer
    schooladmin2  school admin of another school there
    teacher       teacher
    officer       One Stop Service officer of สพป.ยโสธร เขต 2
    citizen       a member of the public
    kpiowner      KPI indicator owner (its first work group)
    kpireviewer   KPI reviewer
    schooldirector  certifier of that school's student census (DMC)
    dmcarea       the area's student-census officer
  Mail sent while no SMTP URL is set: http://${KHET_LISTEN:-127.0.0.1:8080}/dev/mailbox

TXT
exec ./bin/khet serve "$@"
