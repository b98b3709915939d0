/* counts: the maintained counts of the registry (migration 0610) — per
 * place (a school, or an area office: school_id 0) its active staff and
 * how many lack something, in total (dpa_counts) and per personnel type
 * (dpa_type_counts). The area's completeness page and every school's
 * "recorded N / incomplete M" read them instead of summing dpa_staff on
 * each view (issue 13's bench: 450,000 staff in 29,000 schools).
 *
 * Every domain function that changes which place a record counts in, or
 * whether it is active or complete (add, re-add, edit, removal, transfer,
 * import), calls dpa_counts_refresh for each place it touched, in its own
 * transaction. The refresh locks the place's row first (an UPDATE that
 * changes nothing; on PostgreSQL a row lock held to commit, on SQLite the
 * database's write lock), and only then recounts the place from its index
 * range: a second writer at the same school waits for the first to commit,
 * and its recount, a new statement, sees the first one's rows (READ
 * COMMITTED takes a snapshot per statement). A recount of one place is
 * 15–60 index entries, never a drift to repair. */
#include "core/db.h"
#include "dpa/dpa_internal.h"

/* Both statement sets use $1 (school id, 0 for the office) and $2 (area id). */
#define WHO_SCHOOL "s.school_id = $1 AND s.area_id = $2"
#define WHO_OFFICE "s.school_id IS NULL AND s.area_id = $2"
#define RECOUNT(who)                                                                                                   \
	"UPDATE dpa_counts SET recorded = (SELECT COUNT(*) FROM dpa_staff s WHERE " who " AND s.status = 'active'), "  \
	"incomplete = (SELECT COUNT(*) FROM dpa_staff s WHERE " who " AND s.status = 'active' AND s.missing > 0) "     \
	"WHERE school_id = $1 AND area_id = $2"
#define RETYPE(who)                                                                                                    \
	"INSERT INTO dpa_type_counts (school_id, area_id, type, recorded, incomplete) "                                \
	"SELECT CAST($1 AS BIGINT), CAST($2 AS BIGINT), COALESCE(s.type, ''), COUNT(*), SUM(CASE WHEN s.missing > 0 THEN 1 ELSE 0 END) "              \
	"FROM dpa_staff s WHERE " who " AND s.status = 'active' GROUP BY COALESCE(s.type, '')"

int dpa_counts_refresh(struct db *db, long long area_id, long long school_id, struct err *e)
{
	if (area_id <= 0)
		return 0;
	if (school_id < 0)
		school_id = 0;
	struct db_val k[] = {DB_INT(school_id), DB_INT(area_id)};
	bool school = school_id > 0;
	if (db_exec(db,
		    "INSERT INTO dpa_counts (school_id, area_id, recorded, incomplete) VALUES ($1, $2, 0, 0) "
		    "ON CONFLICT (school_id, area_id) DO NOTHING",
		    k, 2, e) < 0 ||
	    /* the place's lock: taken before anything of it is counted */
	    db_exec(db, "UPDATE dpa_counts SET recorded = recorded WHERE school_id = $1 AND area_id = $2", k, 2, e) <
		0 ||
	    db_exec(db, school ? RECOUNT(WHO_SCHOOL) : RECOUNT(WHO_OFFICE), k, 2, e) < 0 ||
	    db_exec(db, "DELETE FROM dpa_type_counts WHERE school_id = $1 AND area_id = $2", k, 2, e) < 0 ||
	    db_exec(db, school ? RETYPE(WHO_SCHOOL) : RETYPE(WHO_OFFICE), k, 2, e) < 0)
		return -1;
	return 0;
}
